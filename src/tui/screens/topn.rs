//! Screen 3, Top N: hosts ranked by a rate base over a window of probe time, from the host table
//! read at the start and the end of the window; and the probe's own hostTopN reports, which `n`
//! starts (over SNMP on a remote agent).

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::widgets::{Block, Paragraph, Row, Table};

use crate::rmon::control::EntryStatus;
use crate::tui::app::{App, Span, rate_base_name};
use crate::tui::format;
use crate::tui::screens::header_style;

pub fn render(app: &App, frame: &mut Frame, area: Rect) {
    let [ranking_area, reports_area] =
        Layout::vertical([Constraint::Percentage(55), Constraint::Percentage(45)]).areas(area);
    let (span, ranked) = app.ranking();
    let over = match span {
        Span::Window(ticks) => format!("over the last {} s", ticks / 100),
        Span::SinceStart(ticks) => format!("since the start ({} s)", ticks / 100),
    };
    let title = format!(
        "Top {} by {} {over} · window {} s (b: base, w: window, n: report)",
        ranked.len(),
        rate_base_name(app.top_n.base),
        app.top_n.window
    );
    let rows = ranked.iter().enumerate().map(|(i, r)| {
        Row::new(vec![
            format!("{}", i + 1),
            app.mac_label(r.address),
            format!("{}/s", format::si(r.rate)),
            format::count(r.change),
        ])
    });
    frame.render_widget(
        Table::new(
            rows,
            [Constraint::Length(4), Constraint::Length(app.mac_width()), Constraint::Length(10), Constraint::Min(10)],
        )
        .header(Row::new(vec!["rank", "address", "rate", "change"]).style(header_style()))
        .block(Block::bordered().title(format::fit(&title, usize::from(area.width.saturating_sub(4))))),
        ranking_area,
    );

    let Some(snapshot) = app.snapshot() else { return };
    let controls = &snapshot.tables.host_top_n_control;
    let [list_area, report_area] =
        Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(reports_area);
    if controls.is_empty() {
        frame.render_widget(
            Paragraph::new("No hostTopN report on the probe. Press n to start one with this base and window.")
                .wrap(ratatui::widgets::Wrap { trim: true })
                .block(Block::bordered().title("hostTopNControlTable")),
            reports_area,
        );
        return;
    }
    let rows = controls.iter().map(|c| {
        Row::new(vec![
            c.host_top_n_control_index.to_string(),
            c.host_top_n_rate_base.map_or("-", rate_base_name).trim_start_matches("hostTopN").to_string(),
            format!("{}s", c.host_top_n_duration),
            format!("{}s", c.host_top_n_time_remaining),
            match c.host_top_n_status {
                EntryStatus::Valid => "valid",
                EntryStatus::UnderCreation => "underCreation",
                EntryStatus::CreateRequest => "createRequest",
                EntryStatus::Invalid => "invalid",
            }
            .to_string(),
        ])
    });
    frame.render_widget(
        Table::new(
            rows,
            [
                Constraint::Length(5),
                Constraint::Min(9),
                Constraint::Length(6),
                Constraint::Length(6),
                Constraint::Length(8),
            ],
        )
        .header(Row::new(vec!["index", "base", "dur", "left", "status"]).style(header_style()))
        .block(Block::bordered().title("hostTopNControlTable")),
        list_area,
    );
    // The report this UI started, else the newest.
    let shown = app
        .top_n
        .report
        .filter(|i| controls.iter().any(|c| c.host_top_n_control_index == *i))
        .or(controls.last().map(|c| c.host_top_n_control_index));
    let Some(report) = shown else { return };
    let entries: Vec<Row> = snapshot
        .tables
        .host_top_n
        .iter()
        .filter(|e| e.host_top_n_report == report)
        .map(|e| {
            Row::new(vec![
                e.host_top_n_index.to_string(),
                app.mac_label(e.host_top_n_address),
                format::count(e.host_top_n_rate),
            ])
        })
        .collect();
    let title = if entries.is_empty() {
        format!("hostTopNTable report {report}: running or empty")
    } else {
        format!("hostTopNTable report {report}")
    };
    frame.render_widget(
        Table::new(entries, [Constraint::Length(4), Constraint::Length(app.mac_width()), Constraint::Min(8)])
            .header(Row::new(vec!["#", "address", "rate"]).style(header_style()))
            .block(Block::bordered().title(title)),
        report_area,
    );
}
