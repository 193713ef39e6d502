//! The short human summary `replay` prints without `--json`: what was read, the etherStats of the
//! data source, and the ten busiest hosts and conversations by octets.

use std::fmt::Write;

use crate::live::LiveRun;
use crate::replay::Replay;
use crate::rmon::RmonTables;
use crate::rmon::control::DataSource;
use crate::rmon::time::{NANOS_PER_SEC, Timestamp};

/// How many hosts and pairs the summary lists.
const TOP: usize = 10;

/// The summary text.
pub fn render(replay: &Replay, tables: &RmonTables) -> String {
    let mut s = String::new();
    let files = replay.files.len();
    let octets = counted_octets(tables);
    let _ = write!(
        s,
        "replayed {} file{}: {} frames, {} octets",
        files,
        if files == 1 { "" } else { "s" },
        replay.frames,
        octets
    );
    match (replay.first_time, replay.last_time) {
        (Some(first), Some(last)) => {
            let _ = writeln!(s, ", {:.3} s ({} .. {})", last.since(first) as f64 / 1e9, utc(first), utc(last));
        }
        _ => s.push('\n'),
    }
    for w in replay.warnings() {
        let _ = writeln!(s, "warning: {w}");
    }
    s.push_str(&render_tables(tables));
    s
}

/// The summary of a live run: each capture's figures, then the tables.
pub fn render_live(run: &LiveRun, tables: &RmonTables) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "captured {} frames in {:.3} s ({} .. {})",
        run.frames(),
        run.end.since(run.start) as f64 / 1e9,
        utc(run.start),
        utc(run.end)
    );
    for c in &run.sources {
        let _ = writeln!(
            s,
            "  {} (ifIndex {}): {} frames counted; kernel: {} received, {} dropped, {} dropped by the interface; {} drop events, {} reopens",
            c.interface,
            c.if_index,
            c.frames,
            c.stats.received,
            c.stats.dropped,
            c.stats.if_dropped,
            c.drop_events,
            c.reopens
        );
        if let Some(e) = &c.error {
            let _ = writeln!(s, "  warning: {}: capture ended early: {e}", c.interface);
        }
    }
    s.push_str(&render_tables(tables));
    s
}

/// The tables part of a summary: etherStats of every row, the busiest hosts and conversations.
fn render_tables(tables: &RmonTables) -> String {
    let mut s = String::new();
    for e in &tables.ether_stats {
        let _ = writeln!(
            s,
            "\netherStats {} ({}): {} pkts, {} octets, {} broadcast, {} multicast",
            e.ether_stats_index,
            e.ether_stats_data_source,
            e.ether_stats_pkts,
            e.ether_stats_octets,
            e.ether_stats_broadcast_pkts,
            e.ether_stats_multicast_pkts
        );
        let _ = writeln!(
            s,
            "  errors: {} CRC/align, {} undersize, {} oversize, {} fragments, {} jabbers",
            e.ether_stats_crc_align_errors,
            e.ether_stats_undersize_pkts,
            e.ether_stats_oversize_pkts,
            e.ether_stats_fragments,
            e.ether_stats_jabbers
        );
        let _ = writeln!(
            s,
            "  sizes: 64: {}  65-127: {}  128-255: {}  256-511: {}  512-1023: {}  1024-1518: {}",
            e.ether_stats_pkts_64_octets,
            e.ether_stats_pkts_65_to_127_octets,
            e.ether_stats_pkts_128_to_255_octets,
            e.ether_stats_pkts_256_to_511_octets,
            e.ether_stats_pkts_512_to_1023_octets,
            e.ether_stats_pkts_1024_to_1518_octets
        );
        let ds = e.ether_stats_data_source;
        let (host, matrix, history) = controls_of(tables, ds);
        let _ = writeln!(
            s,
            "  {} hosts, {} conversations, {} completed buckets of history {}",
            tables.hosts.iter().filter(|h| Some(h.host_index) == host).count(),
            tables.matrix_sd.iter().filter(|m| Some(m.index) == matrix).count(),
            tables.ether_history.iter().filter(|h| Some(h.ether_history_index) == history).count(),
            history.map_or_else(|| "-".to_string(), |h| h.to_string())
        );
    }
    // The busiest hosts and conversations of the busiest data source (a remote mirror's session
    // rather than the capture interface that carried it).
    let busiest =
        tables.ether_stats.iter().max_by_key(|e| (e.ether_stats_octets, std::cmp::Reverse(e.ether_stats_index)));
    let (host, matrix, _) = busiest.map_or((None, None, None), |e| controls_of(tables, e.ether_stats_data_source));
    let mut hosts: Vec<_> = tables.hosts.iter().filter(|h| Some(h.host_index) == host).collect();
    hosts.sort_by_key(|h| std::cmp::Reverse((h.host_out_octets + h.host_in_octets, std::cmp::Reverse(h.host_address))));
    if !hosts.is_empty() {
        let _ = writeln!(s, "\nbusiest hosts by octets (out + in):");
        let _ = writeln!(
            s,
            "  {:<17}  {:>14}  {:>10}  {:>14}  {:>10}",
            "address", "out octets", "out pkts", "in octets", "in pkts"
        );
        for h in hosts.iter().take(TOP) {
            let _ = writeln!(
                s,
                "  {:<17}  {:>14}  {:>10}  {:>14}  {:>10}",
                h.host_address.to_string(),
                h.host_out_octets,
                h.host_out_pkts,
                h.host_in_octets,
                h.host_in_pkts
            );
        }
    }
    let mut pairs: Vec<_> = tables.matrix_sd.iter().filter(|m| Some(m.index) == matrix).collect();
    pairs.sort_by_key(|m| std::cmp::Reverse((m.octets, std::cmp::Reverse((m.source_address, m.dest_address)))));
    if !pairs.is_empty() {
        let _ = writeln!(s, "\nbusiest conversations by octets:");
        let _ = writeln!(s, "  {:<17}    {:<17}  {:>14}  {:>10}", "source", "destination", "octets", "pkts");
        for m in pairs.iter().take(TOP) {
            let _ = writeln!(
                s,
                "  {:<17} -> {:<17}  {:>14}  {:>10}",
                m.source_address.to_string(),
                m.dest_address.to_string(),
                m.octets,
                m.pkts
            );
        }
    }
    s
}

/// The first hostControl, matrixControl and historyControl rows on data source `ds`.
fn controls_of(tables: &RmonTables, ds: DataSource) -> (Option<u16>, Option<u16>, Option<u16>) {
    (
        tables.host_control.iter().find(|h| h.host_control_data_source == ds).map(|h| h.host_control_index),
        tables.matrix_control.iter().find(|m| m.matrix_control_data_source == ds).map(|m| m.matrix_control_index),
        tables.history_control.iter().find(|h| h.history_control_data_source == ds).map(|h| h.history_control_index),
    )
}

/// The octets counted on every data source: each one's first etherStats row (rows on one data
/// source count the same frames).
fn counted_octets(tables: &RmonTables) -> u64 {
    let mut seen = Vec::new();
    let mut octets = 0;
    for e in &tables.ether_stats {
        if !seen.contains(&e.ether_stats_data_source) {
            seen.push(e.ether_stats_data_source);
            octets += e.ether_stats_octets;
        }
    }
    octets
}

/// `YYYY-MM-DD hh:mm:ss.mmm UTC` of an epoch timestamp.
pub fn utc(t: Timestamp) -> String {
    let secs = t.0 / NANOS_PER_SEC;
    let millis = (t.0 % NANOS_PER_SEC) / 1_000_000;
    let (days, rem) = (secs / 86_400, secs % 86_400);
    let (y, m, d) = civil_from_days(days as i64);
    format!("{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02}.{millis:03} UTC", rem / 3600, rem % 3600 / 60, rem % 60)
}

/// Gregorian date of a day count since 1970-01-01 (Howard Hinnant's well-known algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utc_dates() {
        assert_eq!(utc(Timestamp(0)), "1970-01-01 00:00:00.000 UTC");
        assert_eq!(utc(Timestamp(951_782_400 * NANOS_PER_SEC + 5_000_000)), "2000-02-29 00:00:00.005 UTC");
        assert_eq!(utc(Timestamp(1_795_310_000 * NANOS_PER_SEC)), "2026-11-22 01:13:20.000 UTC");
    }
}
