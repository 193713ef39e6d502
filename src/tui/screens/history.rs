//! Screen 5, History: the etherHistory buckets of one historyControl row as a chart of
//! utilization, and the latest buckets in full; `i` switches to the next interval.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Style};
use ratatui::widgets::{Block, Paragraph, Row, Sparkline, Table};

use crate::tui::app::App;
use crate::tui::format;
use crate::tui::screens::{header_style, number};

pub fn render(app: &App, frame: &mut Frame, area: Rect) {
    let Some((control, buckets)) = app.history() else {
        frame.render_widget(
            Paragraph::new("No historyControl row for this data source.").block(Block::bordered().title("History")),
            area,
        );
        return;
    };
    let controls = app.history_controls().len();
    let [chart_area, table_area] = Layout::vertical([Constraint::Length(9), Constraint::Min(0)]).areas(area);
    let width = usize::from(chart_area.width.saturating_sub(2));
    let tail = &buckets[buckets.len().saturating_sub(width)..];
    let utilization: Vec<u64> = tail.iter().map(|b| u64::from(b.ether_history_utilization)).collect();
    let peak = utilization.iter().copied().max().unwrap_or(0);
    let title = format!(
        "historyControl {} ({}/{controls}, i: next) · interval {} s · {} of {} buckets · etherHistoryUtilization, peak {}",
        control.history_control_index,
        app.history % controls.max(1) + 1,
        control.history_control_interval,
        buckets.len(),
        control.history_control_buckets_granted,
        format::hundredths(peak)
    );
    frame.render_widget(
        Sparkline::default()
            .block(Block::bordered().title(format::fit(&title, usize::from(area.width.saturating_sub(4)))))
            .data(&utilization)
            .style(Style::new().fg(Color::Green)),
        chart_area,
    );
    let exact = area.width >= 120;
    let shown = usize::from(table_area.height.saturating_sub(3));
    let rows = buckets.iter().rev().take(shown).map(|b| {
        Row::new(vec![
            b.ether_history_sample_index.to_string(),
            format::ticks(b.ether_history_interval_start),
            number(b.ether_history_pkts, exact),
            number(b.ether_history_octets, exact),
            number(b.ether_history_broadcast_pkts + b.ether_history_multicast_pkts, exact),
            number(
                b.ether_history_crc_align_errors
                    + b.ether_history_undersize_pkts
                    + b.ether_history_oversize_pkts
                    + b.ether_history_fragments
                    + b.ether_history_jabbers,
                exact,
            ),
            number(b.ether_history_drop_events, exact),
            format::hundredths(u64::from(b.ether_history_utilization)),
        ])
    });
    let n = if exact { 13 } else { 7 };
    frame.render_widget(
        Table::new(
            rows,
            [
                Constraint::Length(6),
                Constraint::Length(12),
                Constraint::Length(n),
                Constraint::Length(n + 2),
                Constraint::Length(n),
                Constraint::Length(6),
                Constraint::Length(5),
                Constraint::Length(7),
            ],
        )
        .header(
            Row::new(vec!["sample", "start", "pkts", "octets", "bc+mc", "errors", "drops", "util"])
                .style(header_style()),
        )
        .block(Block::bordered().title("etherHistoryTable, newest first")),
        table_area,
    );
}
