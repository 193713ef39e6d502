//! Screen 6, Alarms and events: each alarm's last value against its thresholds, the events, and
//! logTable, newest first.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Style};
use ratatui::widgets::{Block, Row, Table};

use crate::rmon::alarm::AlarmEntry;
use crate::rmon::{EventType, SampleType};
use crate::tui::app::App;
use crate::tui::format;
use crate::tui::screens::header_style;

/// Where the last value stands: over the rising threshold, under the falling one, or between.
fn standing(a: &AlarmEntry) -> (&'static str, Style) {
    if a.alarm_value >= i64::from(a.alarm_rising_threshold) {
        ("▲ ≥ rising", Style::new().fg(Color::Red))
    } else if a.alarm_value <= i64::from(a.alarm_falling_threshold) {
        ("▼ ≤ falling", Style::new().fg(Color::Green))
    } else {
        ("between", Style::new().fg(Color::Yellow))
    }
}

pub fn render(app: &App, frame: &mut Frame, area: Rect) {
    let Some(s) = app.snapshot() else { return };
    let t = &s.tables;
    let [alarm_area, event_area, log_area] =
        Layout::vertical([Constraint::Percentage(40), Constraint::Percentage(25), Constraint::Percentage(35)])
            .areas(area);
    let rows = t.alarm.iter().map(|a| {
        let (where_, style) = standing(a);
        Row::new(vec![
            a.alarm_index.to_string(),
            format::object(&a.alarm_variable),
            match a.alarm_sample_type {
                SampleType::AbsoluteValue => "abs",
                SampleType::DeltaValue => "delta",
            }
            .to_string(),
            format!("{}s", a.alarm_interval),
            a.alarm_value.to_string(),
            a.alarm_rising_threshold.to_string(),
            a.alarm_falling_threshold.to_string(),
            where_.to_string(),
        ])
        .style(style)
    });
    frame.render_widget(
        Table::new(
            rows,
            [
                Constraint::Length(5),
                Constraint::Min(18),
                Constraint::Length(5),
                Constraint::Length(6),
                Constraint::Length(10),
                Constraint::Length(8),
                Constraint::Length(8),
                Constraint::Length(11),
            ],
        )
        .header(
            Row::new(vec!["alarm", "variable", "type", "every", "value", "rising", "falling", "now"])
                .style(header_style()),
        )
        .block(Block::bordered().title(format!("alarmTable · {}", format::things(t.alarm.len(), "alarm", "alarms")))),
        alarm_area,
    );
    let rows = t.event.iter().map(|e| {
        Row::new(vec![
            e.event_index.to_string(),
            match e.event_type {
                EventType::None => "none",
                EventType::Log => "log",
                EventType::SnmpTrap => "snmptrap",
                EventType::LogAndTrap => "logandtrap",
            }
            .to_string(),
            if e.event_last_time_sent == 0 { "-".into() } else { format::ticks(e.event_last_time_sent) },
            e.event_description.clone(),
        ])
    });
    frame.render_widget(
        Table::new(rows, [Constraint::Length(5), Constraint::Length(10), Constraint::Length(12), Constraint::Min(10)])
            .header(Row::new(vec!["event", "type", "last sent", "description"]).style(header_style()))
            .block(
                Block::bordered().title(format!("eventTable · {}", format::things(t.event.len(), "event", "events"))),
            ),
        event_area,
    );
    let mut log: Vec<_> = t.log.iter().collect();
    log.sort_by(|a, b| b.log_time.cmp(&a.log_time).then(b.log_index.cmp(&a.log_index)));
    let rows = log.iter().map(|l| {
        Row::new(vec![
            format::ticks(l.log_time),
            format!("{}.{}", l.log_event_index, l.log_index),
            l.log_description.clone(),
        ])
    });
    frame.render_widget(
        Table::new(rows, [Constraint::Length(12), Constraint::Length(9), Constraint::Min(10)])
            .header(Row::new(vec!["logTime", "event.log", "logDescription"]).style(header_style()))
            .block(
                Block::bordered()
                    .title(format!("logTable · {}, newest first", format::things(t.log.len(), "entry", "entries"))),
            ),
        log_area,
    );
}
