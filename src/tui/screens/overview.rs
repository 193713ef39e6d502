//! Screen 1, Overview: a utilization gauge per data source, then for the one shown its frame and
//! bit rates, every etherStats counter with its rate, the size distribution, errors and drops.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Style};
use ratatui::text::Line;
use ratatui::widgets::{Block, Gauge, Paragraph, Row, Sparkline, Table};

use crate::rmon::statistics::EtherStatsEntry;
use crate::tui::app::App;
use crate::tui::format;
use crate::tui::screens::{header_style, source_label};

/// Data sources given a gauge of their own; more are reached with `[` and `]`.
const MAX_GAUGES: usize = 4;

/// A counter of the table: its MIB name, its value, and whether it counts trouble.
fn counters(e: &EtherStatsEntry) -> [(&'static str, u64, bool); 11] {
    [
        ("etherStatsPkts", e.ether_stats_pkts, false),
        ("etherStatsOctets", e.ether_stats_octets, false),
        ("etherStatsBroadcastPkts", e.ether_stats_broadcast_pkts, false),
        ("etherStatsMulticastPkts", e.ether_stats_multicast_pkts, false),
        ("etherStatsDropEvents", e.ether_stats_drop_events, true),
        ("etherStatsCRCAlignErrors", e.ether_stats_crc_align_errors, true),
        ("etherStatsUndersizePkts", e.ether_stats_undersize_pkts, true),
        ("etherStatsOversizePkts", e.ether_stats_oversize_pkts, true),
        ("etherStatsFragments", e.ether_stats_fragments, true),
        ("etherStatsJabbers", e.ether_stats_jabbers, true),
        ("etherStatsCollisions", e.ether_stats_collisions, true),
    ]
}

fn buckets(e: &EtherStatsEntry) -> [(&'static str, u64); 6] {
    [
        ("64", e.ether_stats_pkts_64_octets),
        ("65-127", e.ether_stats_pkts_65_to_127_octets),
        ("128-255", e.ether_stats_pkts_128_to_255_octets),
        ("256-511", e.ether_stats_pkts_256_to_511_octets),
        ("512-1023", e.ether_stats_pkts_512_to_1023_octets),
        ("1024-1518", e.ether_stats_pkts_1024_to_1518_octets),
    ]
}

/// What `--decap` and `--dedup` did on a row's data source, when they did anything: a capture
/// interface whose traffic went to remote mirrors' sessions shows why it counts so little.
fn mirror_note(app: &App, row: &EtherStatsEntry) -> String {
    let if_index = row.ether_stats_data_source.if_index();
    // From RMONPROBE-MIB's mirrorSourceTable, which a remote rmonprobe serves too.
    let Some(m) = app.snapshot().and_then(|s| s.tables.mirror_source.iter().find(|m| m.if_index == if_index)) else {
        return String::new();
    };
    let mut note = String::new();
    for (n, what) in [
        (m.decapsulated, "tunnel pkts opened"),
        (m.bad_encapsulations, "bad encapsulations"),
        (m.over_limit, "over the session limit"),
        (m.duplicates, "duplicates"),
    ] {
        if n > 0 {
            note.push_str(&format!(" · {} {what}", format::count(n)));
        }
    }
    note
}

pub fn render(app: &App, frame: &mut Frame, area: Rect) {
    let Some(stats) = app.ether_stats() else {
        frame.render_widget(Paragraph::new("No etherStats row.").block(Block::bordered().title("Overview")), area);
        return;
    };
    let sources = app.snapshot().map_or(0, |s| s.tables.ether_stats.len());
    let speed = app.interface().map_or(0, |i| i.if_speed);
    let rates = app.rates();
    let now = rates.last().copied().unwrap_or_default();

    // One utilization gauge per data source (the first few), the one shown marked.
    let rows = app.snapshot().map_or(&[][..], |s| &s.tables.ether_stats[..]);
    let gauges = rows.len().clamp(1, MAX_GAUGES) as u16;
    let [gauge_area, sparks, lower] =
        Layout::vertical([Constraint::Length(gauges + 2), Constraint::Length(5), Constraint::Min(0)]).areas(area);
    let title = format!(
        "{} · source {}/{} ([ ]) · ifSpeed {}",
        source_label(app),
        app.source.min(sources.saturating_sub(1)) + 1,
        sources,
        if speed == 0 { "unknown".to_string() } else { format::speed(speed) }
    );
    let block = Block::bordered().title(format::fit(&title, usize::from(area.width.saturating_sub(4))));
    let inner = block.inner(gauge_area);
    frame.render_widget(block, gauge_area);
    let lines = Layout::vertical(vec![Constraint::Length(1); usize::from(gauges)]).split(inner);
    for (row, line) in rows.iter().zip(lines.iter()) {
        let rate = app.rates_of(row).last().copied().unwrap_or_default();
        let row_speed = app.interface_of(row).map_or(0, |i| i.if_speed);
        let utilization = format::utilization(rate.bps, row_speed);
        let name = app.interface_of(row).map_or_else(|| row.ether_stats_data_source.to_string(), |i| i.name.clone());
        let shown = row.ether_stats_index == stats.ether_stats_index;
        let label = format!(
            "{}{} {}: utilization {} at {}{}",
            if shown { "▶ " } else { "" },
            row.ether_stats_index,
            format::fit(&name, 24),
            format::hundredths(utilization),
            format::bps(rate.bps),
            mirror_note(app, row)
        );
        frame.render_widget(
            Gauge::default()
                .gauge_style(Style::new().fg(if utilization > 8000 { Color::Red } else { Color::Green }))
                .ratio(utilization as f64 / 10_000.0)
                .label(label),
            *line,
        );
    }

    let [pps_area, bps_area] =
        Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(sparks);
    let width = usize::from(pps_area.width.saturating_sub(2));
    let tail = &rates[rates.len().saturating_sub(width)..];
    // Rounded as the titles round them, so the peak is never below the rate beside it.
    let pps: Vec<u64> = tail.iter().map(|r| r.pps.round() as u64).collect();
    let bps: Vec<u64> = tail.iter().map(|r| r.bps.round() as u64).collect();
    let peak = |v: &[u64]| v.iter().copied().max().unwrap_or(0) as f64;
    frame.render_widget(
        Sparkline::default()
            .block(Block::bordered().title(format!("{} (peak {})", format::pps(now.pps), format::pps(peak(&pps)))))
            .data(&pps)
            .style(Style::new().fg(Color::Cyan)),
        pps_area,
    );
    frame.render_widget(
        Sparkline::default()
            .block(Block::bordered().title(format!("{} (peak {})", format::bps(now.bps), format::bps(peak(&bps)))))
            .data(&bps)
            .style(Style::new().fg(Color::Yellow)),
        bps_area,
    );

    let [table_area, sizes_area] = Layout::horizontal([Constraint::Min(46), Constraint::Percentage(40)]).areas(lower);
    let previous = app.previous_ether_stats();
    let up_secs = app.snapshot().map_or(0, |s| s.sys_up_time()) as f64 / 100.0;
    let rate_title = if previous.is_some() { "rate" } else { "average" };
    let rows = counters(stats).into_iter().map(|(name, value, trouble)| {
        let rate = match previous {
            Some((p, secs)) => counters(p)
                .iter()
                .find(|(n, _, _)| *n == name)
                .and_then(|c| (secs > 0.0).then(|| value.saturating_sub(c.1) as f64 / secs)),
            // One reading so far (or a replay that ended): the average since the start.
            None => (up_secs > 0.0).then(|| value as f64 / up_secs),
        };
        let style = if trouble && value > 0 { Style::new().fg(Color::Red) } else { Style::new() };
        Row::new(vec![
            name.to_string(),
            format::count(value),
            rate.map_or_else(|| "-".into(), |r| format!("{}/s", format::si(r))),
        ])
        .style(style)
    });
    frame.render_widget(
        Table::new(rows, [Constraint::Length(25), Constraint::Min(10), Constraint::Length(9)])
            .header(Row::new(vec!["counter", "total", rate_title]).style(header_style()))
            .block(Block::bordered().title("etherStats")),
        table_area,
    );

    let sizes = buckets(stats);
    let max = sizes.iter().map(|b| b.1).max().unwrap_or(0).max(1);
    let bar_width = usize::from(sizes_area.width.saturating_sub(2)).saturating_sub(11 + 8);
    let mut lines: Vec<Line> = sizes
        .iter()
        .map(|(label, n)| {
            let len = (*n as f64 / max as f64 * bar_width as f64).round() as usize;
            Line::from(format!("{label:>9} {:<bar_width$} {:>6}", "█".repeat(len), format::si(*n as f64)))
        })
        .collect();
    lines.push(Line::from(format!("oversize  {}", format::count(stats.ether_stats_oversize_pkts))));
    frame.render_widget(Paragraph::new(lines).block(Block::bordered().title("frame sizes (octets)")), sizes_area);
}
