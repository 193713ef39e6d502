//! Screen 13 (key `` ` ``), Latency: RMONPROBE-MIB's passive TCP latency of the data source.
//! The servers, slowest first (server delay p99, then RTT p99), with their handshakes and the
//! ones that went wrong; the selected server's delays as bars of the five figures the table
//! keeps (min, p50, p90, p99, max: the table has no finer histogram, so no more is drawn); its
//! clients (tcpLatencyPairTable), busiest first. Where nothing was measured, one line says
//! why it may be.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Block, Paragraph, Row, Table, TableState, Wrap};

use crate::rmon::tcp_latency::TcpLatencyServerEntry;
use crate::tui::app::App;
use crate::tui::format::{self, micros};
use crate::tui::screens::{header_style, number, selected_style};

/// Width of a figure's label and value beside its bar: `p99 ` and ` 12.3ms`.
const LABEL: usize = 4;
const VALUE: usize = 7;

pub fn render(app: &App, frame: &mut Frame, area: Rect) {
    let servers = app.latency_servers();
    let Some(server) = app.latency_server() else {
        let block = Block::bordered().title("tcpLatencyServerTable · no server yet");
        let why = "No TCP handshakes seen (or latency tracking is off: [limits] tcp_latency_connections).";
        frame.render_widget(Paragraph::new(why).wrap(Wrap { trim: true }).block(block), area);
        return;
    };
    // The servers take up to a third of the height (they scroll to the selection); the delays
    // five lines and their borders; the clients the rest.
    let room = (area.height / 3).saturating_sub(3).max(1);
    let height = u16::try_from(servers.len()).unwrap_or(u16::MAX).clamp(1, room) + 3;
    let [top, middle, bottom] =
        Layout::vertical([Constraint::Length(height), Constraint::Length(7), Constraint::Fill(1)]).areas(area);
    server_table(app, &servers, frame, top);
    delays(server, frame, middle);
    clients(app, server, frame, bottom);
}

/// `10.77.0.1:80`, `[fe80::1]:443`.
fn endpoint(server: &TcpLatencyServerEntry) -> String {
    let address = server.server_address.to_string();
    if address.contains(':') {
        format!("[{address}]:{}", server.server_port)
    } else {
        format!("{address}:{}", server.server_port)
    }
}

/// A column as wide as its longest cell, within `min..=max`.
fn width_of(cells: impl Iterator<Item = String>, min: u16, max: u16) -> u16 {
    let longest = cells.map(|c| c.chars().count()).max().unwrap_or(0);
    u16::try_from(longest).unwrap_or(max).clamp(min, max)
}

fn server_table(app: &App, servers: &[&TcpLatencyServerEntry], frame: &mut Frame, area: Rect) {
    let exact = area.width >= 120;
    let n = if exact { 9 } else { 5 };
    let names: Vec<String> = servers.iter().map(|s| endpoint(s)).collect();
    let rows = servers.iter().zip(&names).map(|(s, name)| {
        Row::new(vec![
            name.clone(),
            number(s.handshakes, exact),
            format!(
                "{}/{}/{}",
                number(s.handshakes_retransmitted, false),
                number(s.refused, false),
                number(s.unanswered, false)
            ),
            micros(s.server_delay_p50_us),
            micros(s.server_delay_p99_us),
            micros(s.server_delay_max_us),
            micros(s.client_delay_p50_us),
            micros(s.client_delay_p99_us),
            micros(s.rtt_p50_us),
            micros(s.rtt_p99_us),
        ])
    });
    let title = format!(
        "tcpLatencyServerTable ifIndex {} · {}, slowest (server p99) first",
        servers.first().map_or(0, |s| s.if_index),
        format::things(servers.len(), "server", "servers")
    );
    let selected = app.latency.selected.min(servers.len().saturating_sub(1));
    let mut state = TableState::default().with_selected((!servers.is_empty()).then_some(selected));
    let delay = Constraint::Length(VALUE as u16 - 1);
    frame.render_stateful_widget(
        Table::new(
            rows,
            [
                Constraint::Length(width_of(names.iter().cloned(), 11, 46)),
                Constraint::Length(n),
                Constraint::Length(8),
                delay,
                delay,
                delay,
                delay,
                delay,
                delay,
                delay,
            ],
        )
        .header(
            Row::new(vec![
                "server", "Hshk", "re/rf/un", "srv50", "srv99", "srvMax", "cli50", "cli99", "rtt50", "rtt99",
            ])
            .style(header_style()),
        )
        .row_highlight_style(selected_style())
        .column_spacing(1)
        .block(Block::bordered().title(format::fit(&title, usize::from(area.width.saturating_sub(4))))),
        area,
        &mut state,
    );
}

/// The selected server's delays, one box per measure: each figure as a bar, scaled to the
/// measure's maximum, with its value.
fn delays(server: &TcpLatencyServerEntry, frame: &mut Frame, area: Rect) {
    let [srv, cli, rtt] = Layout::horizontal([Constraint::Fill(1); 3]).areas(area);
    let s = server;
    figures(
        ["server delay (SYN→SYN/ACK)", "server delay"],
        &[
            ("min", s.server_delay_min_us),
            ("p50", s.server_delay_p50_us),
            ("p90", s.server_delay_p90_us),
            ("p99", s.server_delay_p99_us),
            ("max", s.server_delay_max_us),
        ],
        frame,
        srv,
    );
    figures(
        ["client delay (SYN/ACK→ACK)", "client delay"],
        &[
            ("min", s.client_delay_min_us),
            ("p50", s.client_delay_p50_us),
            ("p90", s.client_delay_p90_us),
            ("p99", s.client_delay_p99_us),
            ("max", s.client_delay_max_us),
        ],
        frame,
        cli,
    );
    let samples = format::si(s.rtt_samples as f64);
    figures(
        [&format!("RTT ({samples} timestamp samples)"), &format!("RTT, {samples} samples")],
        &[("min", s.rtt_min_us), ("p50", s.rtt_p50_us), ("p99", s.rtt_p99_us), ("max", s.rtt_max_us)],
        frame,
        rtt,
    );
}

/// Labelled bars of a measure's figures, the longest its maximum; `-` where there is no sample.
/// The title is the first of `titles` that fits, the last cut to fit.
fn figures(titles: [&str; 2], figures: &[(&str, Option<u64>)], frame: &mut Frame, area: Rect) {
    let width = usize::from(area.width.saturating_sub(2)).saturating_sub(LABEL + VALUE);
    let top = figures.iter().filter_map(|(_, v)| *v).max().unwrap_or(0);
    let lines: Vec<Line> = figures
        .iter()
        .map(|(label, value)| {
            let filled = match (*value, top) {
                (Some(v), top) if top > 0 => ((v as f64 / top as f64 * width as f64).round() as usize).min(width),
                _ => 0,
            };
            let bar = format!("{}{}", "█".repeat(filled), "·".repeat(width - filled));
            Line::from(format!("{label:<LABEL$}{bar}{:>VALUE$}", micros(*value)))
        })
        .collect();
    let room = usize::from(area.width.saturating_sub(4));
    let title = titles.iter().find(|t| t.chars().count() <= room).unwrap_or(&titles[1]);
    let block = Block::bordered().title(format::fit(title, room));
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

fn clients(app: &App, server: &TcpLatencyServerEntry, frame: &mut Frame, area: Rect) {
    let pairs = app.latency_clients();
    let exact = area.width >= 120;
    let n = if exact { 9 } else { 5 };
    let addresses: Vec<String> = pairs.iter().map(|p| p.client_address.to_string()).collect();
    let rows = pairs.iter().zip(&addresses).map(|(p, address)| {
        Row::new(vec![
            address.clone(),
            number(p.handshakes, exact),
            micros(p.server_delay_p50_us),
            micros(p.server_delay_p99_us),
            micros(p.client_delay_p50_us),
            micros(p.client_delay_p99_us),
            micros(p.rtt_p99_us),
        ])
    });
    let title = format!(
        "tcpLatencyPairTable · {} of {}, busiest first",
        format::things(pairs.len(), "client", "clients"),
        endpoint(server)
    );
    let delay = Constraint::Length(VALUE as u16 - 1);
    frame.render_widget(
        Table::new(
            rows,
            [
                Constraint::Length(width_of(addresses.iter().cloned(), 13, 39)),
                Constraint::Length(n),
                delay,
                delay,
                delay,
                delay,
                delay,
            ],
        )
        .header(Row::new(vec!["client", "Hshk", "srv50", "srv99", "cli50", "cli99", "rtt99"]).style(header_style()))
        .column_spacing(1)
        .block(Block::bordered().title(format::fit(&title, usize::from(area.width.saturating_sub(4))))),
        area,
    );
}
