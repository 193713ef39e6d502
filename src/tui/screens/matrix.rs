//! Screen 4, Matrix: the busiest conversations (matrixSDTable by octets); Enter on one lists the
//! source host's peers, Esc goes back.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::widgets::{Block, Row, Table, TableState};

use crate::tui::app::App;
use crate::tui::format;
use crate::tui::screens::{header_style, number, selected_style};

pub fn render(app: &App, frame: &mut Frame, area: Rect) {
    let exact = area.width >= 120;
    let n = if exact { 15 } else { 8 };
    if let Some(host) = app.matrix.peers_of {
        let peers = app.peers();
        let rows = peers.iter().map(|p| {
            Row::new(vec![
                app.mac_label(p.address),
                number(p.pkts_to, exact),
                number(p.octets_to, exact),
                number(p.pkts_from, exact),
                number(p.octets_from, exact),
            ])
        });
        let mut state = TableState::default()
            .with_selected((!peers.is_empty()).then_some(app.matrix.selected.min(peers.len() - 1)));
        frame.render_stateful_widget(
            Table::new(
                rows,
                [
                    Constraint::Length(app.mac_width()),
                    Constraint::Length(n),
                    Constraint::Length(n),
                    Constraint::Length(n),
                    Constraint::Length(n),
                ],
            )
            .header(Row::new(vec!["peer", "pkts to", "octets to", "pkts from", "octets from"]).style(header_style()))
            .row_highlight_style(selected_style())
            .block(Block::bordered().title(format!(
                "peers of {} · {} (Esc: back)",
                app.mac_label(host),
                peers.len()
            ))),
            area,
            &mut state,
        );
        return;
    }
    let pairs = app.matrix_pairs();
    let rows = pairs.iter().map(|p| {
        Row::new(vec![
            app.mac_label(p.source_address),
            app.mac_label(p.dest_address),
            number(p.pkts, exact),
            number(p.octets, exact),
            number(p.errors, exact),
        ])
    });
    let mut state =
        TableState::default().with_selected((!pairs.is_empty()).then_some(app.matrix.selected.min(pairs.len() - 1)));
    frame.render_stateful_widget(
        Table::new(
            rows,
            [
                Constraint::Length(app.mac_width()),
                Constraint::Length(app.mac_width()),
                Constraint::Length(n),
                Constraint::Length(n + 2),
                Constraint::Length(7),
            ],
        )
        .header(Row::new(vec!["SourceAddress", "DestAddress", "pkts", "octets", "errors"]).style(header_style()))
        .row_highlight_style(selected_style())
        .block(Block::bordered().title(format!(
            "matrixSDTable · {}, busiest first (Enter: peers)",
            format::things(pairs.len(), "pair", "pairs")
        ))),
        area,
        &mut state,
    );
}
