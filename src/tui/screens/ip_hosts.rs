//! Screen 8, IP hosts: RMON2's nlHostTable of the data source (IPv4 and IPv6), busiest first,
//! sortable (`s`, `S`) and filtered by address (`/`). Each address shows the MAC address it was
//! last sent from (addressMapTable), with its vendor when the registry names it.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::widgets::{Block, Row, Table, TableState};

use crate::tui::app::{App, IpHostColumn};
use crate::tui::format;
use crate::tui::screens::{header_style, number, selected_style};

pub fn render(app: &App, frame: &mut Frame, area: Rect) {
    let rows = app.ip_host_rows();
    let exact = area.width >= 140;
    let order = if app.ip.ascending { "↑" } else { "↓" };
    let filter = if app.ip.filter.is_empty() { String::new() } else { format!(" · filter \"{}\"", app.ip.filter) };
    let table_index = app.hl_host_control_index().map_or_else(|| "-".into(), |i| i.to_string());
    let title = format!(
        "nlHostTable {table_index} · {}{filter} · sorted by {} {order} (s, S, /)",
        format::things(rows.len(), "address", "addresses"),
        app.ip.sort.name()
    );
    let mut names: Vec<String> = IpHostColumn::ALL
        .iter()
        .map(|c| if *c == app.ip.sort { format!("{}{order}", c.name()) } else { c.name().to_string() })
        .collect();
    names.insert(1, "MAC (addressMap)".into());
    let body = rows.iter().map(|h| {
        let mac = app.ip_mac(h.nl_host_address);
        Row::new(vec![
            h.nl_host_address.to_string(),
            mac.map(|m| app.mac_label(m)).unwrap_or_default(),
            number(h.nl_host_in_pkts, exact),
            number(h.nl_host_out_pkts, exact),
            number(h.nl_host_in_octets, exact),
            number(h.nl_host_out_octets, exact),
            number(h.nl_host_out_mac_non_unicast_pkts, exact),
        ])
    });
    let n = if exact { 13 } else { 6 };
    // The address column as wide as the longest address shown, within what the counts leave.
    let counts = app.mac_width() + 4 * n + 4 + n.min(9) + 7 + 2;
    let longest = rows.iter().map(|h| h.nl_host_address.to_string().len()).max().unwrap_or(13) as u16;
    let address = longest.clamp(13, 39).min(area.width.saturating_sub(counts).max(13));
    let widths = [
        Constraint::Length(address),
        Constraint::Length(app.mac_width()),
        Constraint::Length(n),
        Constraint::Length(n),
        Constraint::Length(n + 2),
        Constraint::Length(n + 2),
        Constraint::Length(n.min(9)),
    ];
    let mut state =
        TableState::default().with_selected((!rows.is_empty()).then_some(app.ip.selected.min(rows.len() - 1)));
    frame.render_stateful_widget(
        Table::new(body, widths)
            .header(Row::new(names).style(header_style()))
            .row_highlight_style(selected_style())
            .column_spacing(1)
            .block(Block::bordered().title(format::fit(&title, usize::from(area.width.saturating_sub(4))))),
        area,
        &mut state,
    );
}
