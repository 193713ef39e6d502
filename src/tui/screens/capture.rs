//! Screen 7, Capture: the channels, the capture buffers, and the packets of one buffer with
//! their headers decoded and a hex view; `b` picks the next buffer, `w` writes it as pcap.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Block, Paragraph, Row, Table, TableState};

use crate::rmon::capture::{FullAction, FullStatus};
use crate::rmon::filter::{AcceptType, DataControl};
use crate::tui::app::App;
use crate::tui::format;
use crate::tui::packet_view;
use crate::tui::screens::{header_style, selected_style};

pub fn render(app: &App, frame: &mut Frame, area: Rect) {
    let Some(s) = app.snapshot() else { return };
    let t = &s.tables;
    let [channel_area, buffer_area, packet_area] =
        Layout::vertical([Constraint::Length(5), Constraint::Length(5), Constraint::Min(0)]).areas(area);
    let rows = t.channels.iter().map(|c| {
        let filters = t.filters.iter().filter(|f| f.filter_channel_index == c.channel_index).count();
        Row::new(vec![
            c.channel_index.to_string(),
            c.channel_if_index.to_string(),
            match c.channel_accept_type {
                AcceptType::AcceptMatched => "matched",
                AcceptType::AcceptFailed => "failed",
            }
            .to_string(),
            match c.channel_data_control {
                DataControl::On => "on",
                DataControl::Off => "off",
            }
            .to_string(),
            filters.to_string(),
            format::count(c.channel_matches),
            c.channel_description.clone(),
        ])
    });
    frame.render_widget(
        Table::new(
            rows,
            [
                Constraint::Length(7),
                Constraint::Length(7),
                Constraint::Length(7),
                Constraint::Length(4),
                Constraint::Length(7),
                Constraint::Length(12),
                Constraint::Min(10),
            ],
        )
        .header(
            Row::new(vec!["channel", "ifIndex", "accept", "data", "filters", "matches", "description"])
                .style(header_style()),
        )
        .block(
            Block::bordered()
                .title(format!("channelTable · {}", format::things(t.channels.len(), "channel", "channels"))),
        ),
        channel_area,
    );
    let shown = app.buffer().map(|b| b.buffer_control_index);
    let rows = t.buffer_control.iter().map(|b| {
        Row::new(vec![
            b.buffer_control_index.to_string(),
            b.buffer_control_channel_index.to_string(),
            match b.buffer_control_full_action {
                FullAction::LockWhenFull => "lock",
                FullAction::WrapWhenFull => "wrap",
            }
            .to_string(),
            // -1: the probe holds as much as its capture memory allows (RFC 2819).
            match u64::try_from(b.buffer_control_max_octets_granted) {
                Ok(octets) => format::count(octets),
                Err(_) => "-1 (max)".to_string(),
            },
            format::count(b.buffer_control_captured_packets),
            match b.buffer_control_full_status {
                FullStatus::SpaceAvailable => "space",
                FullStatus::Full => "full",
            }
            .to_string(),
        ])
    });
    let selected = t.buffer_control.iter().position(|b| Some(b.buffer_control_index) == shown);
    let mut state = TableState::default().with_selected(selected);
    frame.render_stateful_widget(
        Table::new(
            rows,
            [
                Constraint::Length(7),
                Constraint::Length(8),
                Constraint::Length(6),
                Constraint::Length(12),
                Constraint::Length(10),
                Constraint::Length(6),
            ],
        )
        .header(Row::new(vec!["buffer", "channel", "full", "granted", "captured", "status"]).style(header_style()))
        .row_highlight_style(selected_style())
        .block(Block::bordered().title("bufferControlTable (b: next, w: write pcap)")),
        buffer_area,
        &mut state,
    );

    let packets = app.packets();
    // A tall terminal lists the packets above the decoded one, each the full width. Otherwise
    // they sit side by side: the hex view needs 73 columns for 16 octets a line with their
    // characters, which a wide terminal can give; a narrow one shares the width evenly.
    let [list_area, detail_area] = if packet_area.height >= 20 {
        Layout::vertical([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(packet_area)
    } else {
        let detail_width = if packet_area.width >= 120 { Constraint::Length(74) } else { Constraint::Percentage(50) };
        Layout::horizontal([Constraint::Min(0), detail_width]).areas(packet_area)
    };
    let rows = packets.iter().map(|p| {
        Row::new(vec![
            p.capture_buffer_index.to_string(),
            format!("{}ms", p.capture_buffer_packet_time),
            p.capture_buffer_packet_length.to_string(),
            packet_view::summary(&p.capture_buffer_packet_data.0),
        ])
    });
    let current = (!packets.is_empty()).then(|| app.capture.selected.min(packets.len() - 1));
    let mut state = TableState::default().with_selected(current);
    let title = match shown {
        Some(i) => format!("captureBufferTable {i} · {}", format::things(packets.len(), "packet", "packets")),
        None => "captureBufferTable".into(),
    };
    frame.render_stateful_widget(
        Table::new(rows, [Constraint::Length(6), Constraint::Length(9), Constraint::Length(5), Constraint::Min(10)])
            .header(Row::new(vec!["index", "time", "len", "headers"]).style(header_style()))
            .row_highlight_style(selected_style())
            .block(Block::bordered().title(title)),
        list_area,
        &mut state,
    );
    let detail: Vec<Line> = match current.and_then(|i| packets.get(i)) {
        Some(p) => {
            let data = &p.capture_buffer_packet_data.0;
            let mut lines: Vec<Line> = packet_view::layers(data).into_iter().map(Line::from).collect();
            lines.push(Line::from(""));
            lines.extend(packet_view::hex_lines(data).into_iter().map(Line::from));
            lines
        }
        None => vec![Line::from("No packet in this buffer.")],
    };
    frame.render_widget(Paragraph::new(detail).block(Block::bordered().title("packet")), detail_area);
}
