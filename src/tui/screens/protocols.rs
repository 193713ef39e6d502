//! Screen 10, Protocols: RMON2's protocol distribution of the data source, each protocol of the
//! directory seen on it (protocolDistStatsTable, named by protocolDirTable), as a tree by its
//! place in the stack, with its share of the octets.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::widgets::{Block, Row, Table, TableState};

use crate::tui::app::App;
use crate::tui::format;
use crate::tui::screens::{header_style, number, selected_style, share_bar};

/// Width of the share bar, in cells.
const BAR: usize = 20;

pub fn render(app: &App, frame: &mut Frame, area: Rect) {
    let protocols = app.protocol_rows();
    let exact = area.width >= 120;
    let n = if exact { 15 } else { 8 };
    // The link layer's octets: every frame counted once under ether2 or llc.
    let total: u64 = protocols.iter().filter(|p| !p.descr.contains('.')).map(|p| p.octets).sum();
    let rows = protocols.iter().map(|p| {
        let depth = p.descr.matches('.').count();
        let name = p.descr.rsplit('.').next().unwrap_or_default();
        let share = if total == 0 { 0.0 } else { p.octets as f64 / total as f64 };
        Row::new(vec![
            format!("{}{name}", "  ".repeat(depth)),
            p.local_index.to_string(),
            number(p.pkts, exact),
            number(p.octets, exact),
            share_bar(share, BAR),
        ])
    });
    let index = app.protocol_dist_control_index().map_or_else(|| "-".into(), |i| i.to_string());
    let title = format!(
        "protocolDistStatsTable {index} · {} seen, share of the octets",
        format::things(protocols.len(), "protocol", "protocols")
    );
    let mut state = TableState::default()
        .with_selected((!protocols.is_empty()).then_some(app.ip.protocol_selected.min(protocols.len() - 1)));
    frame.render_stateful_widget(
        Table::new(
            rows,
            [
                Constraint::Length(16),
                Constraint::Length(6),
                Constraint::Length(n),
                Constraint::Length(n + 2),
                Constraint::Length(BAR as u16 + 8),
            ],
        )
        .header(Row::new(vec!["protocol", "index", "Pkts", "Octets", "share"]).style(header_style()))
        .row_highlight_style(selected_style())
        .column_spacing(1)
        .block(Block::bordered().title(format::fit(&title, usize::from(area.width.saturating_sub(4))))),
        area,
        &mut state,
    );
}
