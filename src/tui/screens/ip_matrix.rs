//! Screen 9, IP conversations: RMON2's nlMatrixSDTable of the data source, busiest (octets)
//! first, filtered by either address (`/`).

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::widgets::{Block, Row, Table, TableState};

use crate::tui::app::App;
use crate::tui::format;
use crate::tui::screens::{header_style, number, selected_style};

pub fn render(app: &App, frame: &mut Frame, area: Rect) {
    let pairs = app.ip_pairs();
    let exact = area.width >= 120;
    let n = if exact { 15 } else { 8 };
    let filter = if app.ip.filter.is_empty() { String::new() } else { format!(" · filter \"{}\"", app.ip.filter) };
    let table_index = app.hl_matrix_control_index().map_or_else(|| "-".into(), |i| i.to_string());
    let title = format!(
        "nlMatrixSDTable {table_index} · {}{filter}, busiest first (/)",
        format::things(pairs.len(), "conversation", "conversations")
    );
    // Both address columns as wide as the longest address shown, within what the counts leave.
    let longest = pairs
        .iter()
        .flat_map(|p| [p.source_address.to_string().len(), p.dest_address.to_string().len()])
        .max()
        .unwrap_or(13) as u16;
    let room = area.width.saturating_sub(2 * n + 2 + 5) / 2;
    let address = longest.clamp(13, 39).min(room.max(13));
    let rows = pairs.iter().map(|p| {
        Row::new(vec![
            p.source_address.to_string(),
            p.dest_address.to_string(),
            number(p.pkts, exact),
            number(p.octets, exact),
        ])
    });
    let mut state =
        TableState::default().with_selected((!pairs.is_empty()).then_some(app.ip.pair_selected.min(pairs.len() - 1)));
    frame.render_stateful_widget(
        Table::new(
            rows,
            [
                Constraint::Length(address),
                Constraint::Length(address),
                Constraint::Length(n),
                Constraint::Length(n + 2),
            ],
        )
        .header(Row::new(vec!["SourceAddress", "DestAddress", "Pkts", "Octets"]).style(header_style()))
        .row_highlight_style(selected_style())
        .column_spacing(1)
        .block(Block::bordered().title(format::fit(&title, usize::from(area.width.saturating_sub(4))))),
        area,
        &mut state,
    );
}
