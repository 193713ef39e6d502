//! Screen 11 (key `-`), Applications: RMON2's application layer of the data source, three
//! tables over each other. The distribution by application (alHostTable's Out counters summed,
//! so each packet once), busiest first, with its share of the IP octets; each host's
//! applications (alHostTable) with both directions, the busiest host first; the application
//! conversations (alMatrixSDTable), busiest first. Enter keeps the selected application alone
//! in the two below, `/` filters them by address. Where the application layer counts nothing,
//! one line says why.

use std::collections::HashMap;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::widgets::{Block, Paragraph, Row, Table, TableState, Wrap};

use crate::tui::app::{App, ApplicationRow, application_name, application_over, application_transport};
use crate::tui::format;
use crate::tui::screens::{header_style, number, selected_style, share_bar};

/// Width of the share bar, in cells.
const BAR: usize = 20;

/// Marks the application picked with Enter.
const PICKED: &str = "▸ ";

pub fn render(app: &App, frame: &mut Frame, area: Rect) {
    let applications = app.application_rows();
    if let Some((title, why)) = nothing_counted(app, &applications) {
        let block = Block::bordered().title(format::fit(&title, usize::from(area.width.saturating_sub(4))));
        frame.render_widget(Paragraph::new(why).wrap(Wrap { trim: true }).block(block), area);
        return;
    }
    // The distribution takes up to a third of the height (it scrolls to the selection); the
    // hosts and the conversations share the rest.
    let room = (area.height / 3).saturating_sub(3).max(1);
    let height = u16::try_from(applications.len()).unwrap_or(u16::MAX).clamp(1, room) + 3;
    let [top, middle, bottom] =
        Layout::vertical([Constraint::Length(height), Constraint::Fill(1), Constraint::Fill(1)]).areas(area);
    distribution(app, &applications, frame, top);
    hosts(app, frame, middle);
    conversations(app, frame, bottom);
}

/// A title and a line, when the application layer of the data source shown counts nothing.
fn nothing_counted(app: &App, applications: &[ApplicationRow]) -> Option<(String, String)> {
    let Some(control) = app.hl_host_control() else {
        return Some((
            "Applications".into(),
            "No hlHostControlTable row for this data source: alHostTable counts a data source's \
             applications on its hlHostControl row, so there is nothing to show here."
                .into(),
        ));
    };
    let index = control.hl_host_control_index;
    if control.hl_host_control_al_max_desired_entries == 0 {
        return Some((
            format!("alHostTable {index} · the application layer is off"),
            format!(
                "The application layer is off: hlHostControlAlMaxDesiredEntries.{index} is 0, so alHostTable and \
                 alMatrixSDTable count nothing. Set it to -1 (as many entries as the probe grants) or above 0 to \
                 count the applications."
            ),
        ));
    }
    if applications.is_empty() {
        return Some((
            format!("alHostTable {index} · no application yet"),
            format!(
                "alHostTable {index} has no application yet: no packet to or from a port the protocol directory \
                 names (www-http, domain, https, ssh, ...) has been counted on this data source."
            ),
        ));
    }
    None
}

/// An application's name and transport by its local index (`protocol 42` and no transport
/// where the directory lacks it).
fn named(descrs: &HashMap<u32, String>, local_index: u32) -> (String, &str) {
    match descrs.get(&local_index) {
        Some(d) => (application_name(d).to_string(), application_transport(d)),
        None => (format!("protocol {local_index}"), ""),
    }
}

/// The end of the two lower tables' titles: the filter and the application picked
/// (`domain/udp`), else how to narrow them.
fn narrowed(app: &App, descrs: &HashMap<u32, String>, order: &str) -> String {
    let mut out = String::new();
    if !app.ip.filter.is_empty() {
        out.push_str(&format!(" · filter \"{}\"", app.ip.filter));
    }
    if let Some(picked) = app.applications.picked {
        match named(descrs, picked) {
            (name, "") => out.push_str(&format!(" · {name}")),
            (name, transport) => out.push_str(&format!(" · {name}/{transport}")),
        }
    }
    if out.is_empty() { format!(", {order} (/)") } else { out }
}

/// A column as wide as its longest cell, within `min..=max`.
fn width_of(cells: impl Iterator<Item = String>, min: u16, max: u16) -> u16 {
    let longest = cells.map(|c| c.chars().count()).max().unwrap_or(0);
    u16::try_from(longest).unwrap_or(max).clamp(min, max)
}

fn distribution(app: &App, applications: &[ApplicationRow], frame: &mut Frame, area: Rect) {
    let exact = area.width >= 120;
    let n = if exact { 15 } else { 8 };
    let total = app.application_total_octets();
    let names: Vec<String> = applications
        .iter()
        .map(|a| {
            let mark = if app.applications.picked == Some(a.local_index) { PICKED } else { "" };
            format!("{mark}{}", application_name(&a.descr))
        })
        .collect();
    let overs: Vec<String> = applications.iter().map(|a| application_over(&a.descr)).collect();
    let rows = applications.iter().zip(names.iter().zip(&overs)).map(|(a, (name, over))| {
        let share = if total == 0 { 0.0 } else { a.octets as f64 / total as f64 };
        Row::new(vec![
            name.clone(),
            over.clone(),
            a.local_index.to_string(),
            number(a.pkts, exact),
            number(a.octets, exact),
            share_bar(share, BAR),
        ])
    });
    let index = app.hl_host_control_index().map_or_else(|| "-".into(), |i| i.to_string());
    let title = format!(
        "alHostTable {index} · {}, share of the IP octets (Enter)",
        format::things(applications.len(), "application", "applications")
    );
    let selected = app.applications.selected.min(applications.len().saturating_sub(1));
    let mut state = TableState::default().with_selected((!applications.is_empty()).then_some(selected));
    frame.render_stateful_widget(
        Table::new(
            rows,
            [
                Constraint::Length(width_of(names.iter().cloned(), 11, 24)),
                Constraint::Length(width_of(overs.iter().cloned(), 4, 16)),
                Constraint::Length(5),
                Constraint::Length(n),
                Constraint::Length(n + 2),
                Constraint::Length(BAR as u16 + 8),
            ],
        )
        .header(Row::new(vec!["application", "over", "index", "Pkts", "Octets", "share"]).style(header_style()))
        .row_highlight_style(selected_style())
        .column_spacing(1)
        .block(Block::bordered().title(format::fit(&title, usize::from(area.width.saturating_sub(4))))),
        area,
        &mut state,
    );
}

fn hosts(app: &App, frame: &mut Frame, area: Rect) {
    let descrs = app.protocol_descrs();
    let rows = app.application_hosts();
    let exact = area.width >= 120;
    // Room for the headers, OutPkts and OutOctets, where numbers are short.
    let n = if exact { 13 } else { 7 };
    let mut hosts = 0;
    let body: Vec<Row> = rows
        .iter()
        .enumerate()
        .map(|(i, h)| {
            // The address on its host's first row only: each host's applications read as a group.
            let first = i == 0
                || rows.get(i - 1).is_none_or(|p| {
                    (p.nl_protocol_dir_local_index, p.nl_host_address)
                        != (h.nl_protocol_dir_local_index, h.nl_host_address)
                });
            hosts += usize::from(first);
            let (name, transport) = named(&descrs, h.al_protocol_dir_local_index);
            Row::new(vec![
                if first { h.nl_host_address.to_string() } else { String::new() },
                name,
                transport.to_string(),
                number(h.al_host_in_pkts, exact),
                number(h.al_host_out_pkts, exact),
                number(h.al_host_in_octets, exact),
                number(h.al_host_out_octets, exact),
            ])
        })
        .collect();
    let index = app.hl_host_control_index().map_or_else(|| "-".into(), |i| i.to_string());
    let title = format!(
        "alHostTable {index} · {} of {}{}",
        format::things(rows.len(), "application", "applications"),
        format::things(hosts, "host", "hosts"),
        narrowed(app, &descrs, "busiest host first")
    );
    // The address column as wide as the longest address shown, within what the counts leave.
    let name_width = width_of(rows.iter().map(|h| named(&descrs, h.al_protocol_dir_local_index).0), 11, 24);
    let counts = name_width + 4 + 4 * n + 4 + 6 + 2;
    let longest = width_of(rows.iter().map(|h| h.nl_host_address.to_string()), 13, 39);
    let address = longest.min(area.width.saturating_sub(counts).max(13));
    frame.render_widget(
        Table::new(
            body,
            [
                Constraint::Length(address),
                Constraint::Length(name_width),
                Constraint::Length(4),
                Constraint::Length(n),
                Constraint::Length(n),
                Constraint::Length(n + 2),
                Constraint::Length(n + 2),
            ],
        )
        .header(
            Row::new(vec!["nlHostAddress", "application", "over", "InPkts", "OutPkts", "InOctets", "OutOctets"])
                .style(header_style()),
        )
        .column_spacing(1)
        .block(Block::bordered().title(format::fit(&title, usize::from(area.width.saturating_sub(4))))),
        area,
    );
}

fn conversations(app: &App, frame: &mut Frame, area: Rect) {
    let descrs = app.protocol_descrs();
    let pairs = app.application_pairs();
    let exact = area.width >= 120;
    let n = if exact { 15 } else { 8 };
    let index = app.hl_matrix_control_index().map_or_else(|| "-".into(), |i| i.to_string());
    let title = if app.reading.as_ref().is_some_and(|r| r.groups.al_matrix) {
        format!(
            "alMatrixSDTable {index} · {}{}",
            format::things(pairs.len(), "conversation", "conversations"),
            narrowed(app, &descrs, "busiest first")
        )
    } else {
        "alMatrixSDTable: the agent does not implement RMON2's alMatrix group".into()
    };
    // Both address columns as wide as the longest address shown, within what the counts leave.
    let name_width = width_of(pairs.iter().map(|p| named(&descrs, p.al_protocol_dir_local_index).0), 11, 24);
    let longest =
        width_of(pairs.iter().flat_map(|p| [p.source_address.to_string(), p.dest_address.to_string()]), 13, 39);
    let room = area.width.saturating_sub(name_width + 4 + 2 * n + 2 + 5 + 2) / 2;
    let address = longest.min(room.max(13));
    let rows = pairs.iter().map(|p| {
        let (name, transport) = named(&descrs, p.al_protocol_dir_local_index);
        Row::new(vec![
            p.source_address.to_string(),
            p.dest_address.to_string(),
            name,
            transport.to_string(),
            number(p.pkts, exact),
            number(p.octets, exact),
        ])
    });
    frame.render_widget(
        Table::new(
            rows,
            [
                Constraint::Length(address),
                Constraint::Length(address),
                Constraint::Length(name_width),
                Constraint::Length(4),
                Constraint::Length(n),
                Constraint::Length(n + 2),
            ],
        )
        .header(
            Row::new(vec!["SourceAddress", "DestAddress", "application", "over", "Pkts", "Octets"])
                .style(header_style()),
        )
        .column_spacing(1)
        .block(Block::bordered().title(format::fit(&title, usize::from(area.width.saturating_sub(4))))),
        area,
    );
}
