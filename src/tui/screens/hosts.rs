//! Screen 2, Hosts: hostTable of the data source, sortable by any column (`s`), filtered by
//! address (`/`).

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::widgets::{Block, Row, Table, TableState};

use crate::tui::app::{App, HostColumn};
use crate::tui::format;
use crate::tui::screens::{header_style, number, selected_style};

pub fn render(app: &App, frame: &mut Frame, area: Rect) {
    let rows = app.host_rows();
    let exact = area.width >= 120;
    let order = if app.hosts.ascending { "↑" } else { "↓" };
    let filter =
        if app.hosts.filter.is_empty() { String::new() } else { format!(" · filter \"{}\"", app.hosts.filter) };
    let table_index = app.host_control_index().map_or_else(|| "-".into(), |i| i.to_string());
    let title = format!(
        "hostTable {table_index} · {}{filter} · sorted by {} {order} (s, S, /)",
        format::things(rows.len(), "host", "hosts"),
        app.hosts.sort.name()
    );
    let header = Row::new(
        HostColumn::ALL
            .iter()
            .map(|c| if *c == app.hosts.sort { format!("{}{order}", c.name()) } else { c.name().to_string() }),
    )
    .style(header_style());
    let body = rows.iter().map(|h| {
        Row::new(vec![
            app.mac_label(h.host_address),
            number(h.host_in_pkts, exact),
            number(h.host_out_pkts, exact),
            number(h.host_in_octets, exact),
            number(h.host_out_octets, exact),
            number(h.host_out_errors, exact),
            number(h.host_out_broadcast_pkts, exact),
            number(h.host_out_multicast_pkts, exact),
            h.host_creation_order.to_string(),
        ])
    });
    let n = if exact { 13 } else { 6 };
    let widths = [
        Constraint::Length(app.mac_width()),
        Constraint::Length(n),
        Constraint::Length(n),
        Constraint::Length(n + 2),
        Constraint::Length(n + 2),
        Constraint::Length(n.min(9)),
        Constraint::Length(n.min(9)),
        Constraint::Length(n.min(9)),
        Constraint::Length(6),
    ];
    let mut state =
        TableState::default().with_selected((!rows.is_empty()).then_some(app.hosts.selected.min(rows.len() - 1)));
    frame.render_stateful_widget(
        Table::new(body, widths)
            .header(header)
            .row_highlight_style(selected_style())
            .column_spacing(1)
            .block(Block::bordered().title(format::fit(&title, usize::from(area.width.saturating_sub(4))))),
        area,
        &mut state,
    );
}
