//! A snapshot of the probe as Prometheus metric families, derived from the tables' schemas (a
//! table is described once: the families, their labels and their types come from it).
//!
//! - One family per numeric column of every table: `rmon_` + the column's MIB name in snake
//!   case (`etherStatsPkts` -> `rmon_ether_stats_pkts`); Counter32, Counter64 and
//!   ZeroBasedCounter32 columns are counters (the exposition adds `_total`), the exact 64-bit
//!   count as the JSON report has it; Gauge32, INTEGER and TimeTicks columns are gauges.
//!   Strings, enumerations, row statuses and the HC-RMON views (the same counts again, split
//!   into 32-bit halves) are no metric.
//! - Labels: the row's index columns in snake case, with their values as the JSON report
//!   writes them (addresses as text), and, where the row belongs to a data source (its own
//!   dataSource column, or its control row's), `data_source="ifIndex.N"` and the interface's
//!   name.
//! - Per-host and per-conversation tables keep only their busiest rows ([`TOP_TABLES`], by
//!   octets), so that a probe on a busy link never floods Prometheus with series.
//! - History tables give their last complete bucket, as gauges without the sample index.
//! - The passive TCP latency's distributions (delays and RTT, per server and per pair) as
//!   histograms in seconds, from the merged HdrHistograms ([`latency`]); the tables' own
//!   minimum, percentile and maximum columns, in microseconds, are left to SNMP and JSON.
//! - The probe's own health: uptime, and per interface the frames and octets it saw and the
//!   frames the kernel dropped before the probe (etherStatsDropEvents' source).

use std::collections::HashMap;

use serde_json::Value as Json;

use crate::mib::schema::{Access, Cell, JsonRow, Syntax, Table, TableVisitor};
use crate::mib::tc::DataSource;
use crate::rmon::tcp_latency::{Distribution, LatencyStats, Merged};
use crate::rmon::{Interface, RmonTables, Snapshot};

/// What a family is to Prometheus.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Counter,
    Gauge,
    Histogram,
}

/// One sample: its labels (name, value) and its value.
#[derive(Clone, Debug, PartialEq)]
pub struct Sample {
    pub labels: Vec<(String, String)>,
    pub value: SampleValue,
}

#[derive(Clone, Debug, PartialEq)]
pub enum SampleValue {
    Count(u64),
    Level(i64),
    /// Seconds: the sum of the samples, their count, and per bucket (upper bound, samples in
    /// it, not cumulative), `+Inf` last.
    Histogram {
        sum: f64,
        count: u64,
        buckets: Vec<(f64, u64)>,
    },
}

/// One metric family: the name without `_total` (the encoders add it to counters).
#[derive(Clone, Debug, PartialEq)]
pub struct Family {
    pub name: String,
    pub help: String,
    pub kind: Kind,
    pub samples: Vec<Sample>,
}

/// How many rows of each per-host or per-conversation table the exposition keeps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ExpositionOptions {
    pub top: usize,
}

impl Default for ExpositionOptions {
    fn default() -> Self {
        ExpositionOptions { top: 20 }
    }
}

/// Tables with a row per host, conversation or server: only the busiest rows are exposed.
pub const TOP_TABLES: [&str; 9] = [
    "hostTable",
    "matrixSDTable",
    "nlHostTable",
    "nlMatrixSDTable",
    "alHostTable",
    "alMatrixSDTable",
    "addressMapTable",
    "tcpLatencyServerTable",
    "tcpLatencyPairTable",
];

/// Tables that are no metric: the same rows in another order (hostTimeTable, the DS matrices),
/// reports already ranked (the TopN tables), stored frames and log lines.
const SKIPPED_TABLES: [&str; 9] = [
    "hostTimeTable",
    "matrixDSTable",
    "nlMatrixDSTable",
    "alMatrixDSTable",
    "hostTopNTable",
    "nlMatrixTopNTable",
    "alMatrixTopNTable",
    "captureBufferTable",
    "logTable",
];

/// RMON-1 data tables whose first index names a control row under another name.
const CONTROL_INDEX: [(&str, &str); 5] = [
    ("etherHistoryIndex", "historyControlIndex"),
    ("hostIndex", "hostControlIndex"),
    ("hostTimeIndex", "hostControlIndex"),
    ("matrixSDIndex", "matrixControlIndex"),
    ("matrixDSIndex", "matrixControlIndex"),
];

/// `etherStatsPkts` -> `ether_stats_pkts`, `matrixSDPkts` -> `matrix_sd_pkts`: an underscore
/// before a capital that follows a small letter or a digit, or that ends a run of capitals.
pub fn snake_case(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::with_capacity(name.len() + 8);
    for (i, &c) in chars.iter().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            let prev = chars[i - 1];
            let next_small = chars.get(i + 1).is_some_and(|n| n.is_ascii_lowercase());
            if prev.is_ascii_lowercase() || prev.is_ascii_digit() || (prev.is_ascii_uppercase() && next_small) {
                out.push('_');
            }
        }
        out.push(if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '_' });
    }
    out
}

/// The MIB descriptor of a column: its name, or where the schema names it as the JSON report
/// does without the table's prefix (RMONPROBE-MIB's `handshakes` in tcpLatencyServerTable), the
/// prefix and the name (`tcpLatencyServerHandshakes`).
fn descriptor(table: &str, column: &str) -> String {
    let stem = table.strip_suffix("Table").unwrap_or(table);
    let first_word = |name: &str| name.chars().take_while(|c| c.is_ascii_lowercase()).collect::<String>();
    if first_word(stem) == first_word(column) {
        return column.to_string();
    }
    let mut chars = column.chars();
    let head = chars.next().map(|c| c.to_ascii_uppercase()).into_iter();
    format!("{stem}{}", head.chain(chars).collect::<String>())
}

/// What a column is as a metric, if it is one.
fn kind_of(name: &str, syntax: Syntax, access: Access) -> Option<Kind> {
    // An index of another table (protocolDirLocalIndex, channelIfIndex) names a row, it
    // measures nothing.
    if access == Access::NotAccessible
        || name.contains("HighCapacity")
        || name.ends_with("Overflow")
        || name.ends_with("Index")
        || name.ends_with("Us")
    {
        return None;
    }
    match syntax {
        Syntax::Counter32 | Syntax::Counter64 | Syntax::ZeroBasedCounter32 => Some(Kind::Counter),
        Syntax::Gauge32 | Syntax::Integer { .. } | Syntax::TimeTicks => Some(Kind::Gauge),
        _ => None,
    }
}

/// A JSON value as a label's text.
fn label_text(v: &Json) -> Option<String> {
    match v {
        Json::String(s) => Some(s.clone()),
        Json::Number(n) => Some(n.to_string()),
        Json::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// The families of `snapshot`, with the latency distributions `latency` (per ifIndex, merged
/// over the workers).
pub fn families(snapshot: &Snapshot, latency: &[(u32, Merged)], options: ExpositionOptions) -> Vec<Family> {
    let mut sources = Sources::default();
    RmonTables::visit(&mut sources.finder(&snapshot.tables));
    let mut collect = Collect {
        tables: &snapshot.tables,
        interfaces: &snapshot.interfaces,
        options,
        sources: &sources,
        families: Vec::new(),
    };
    RmonTables::visit(&mut collect);
    let mut families = collect.families;
    families.extend(self::latency(snapshot, latency, options));
    families.extend(health(snapshot));
    families
}

/// The labels of data source `if_index`: `data_source="ifIndex.N"` and, where the probe has
/// it, its interface's name.
fn source_labels(labels: &mut Vec<(String, String)>, interfaces: &[Interface], if_index: u32) {
    labels.push(("data_source".into(), format!("ifIndex.{if_index}")));
    if let Some(i) = interfaces.iter().find(|i| i.info.if_index == if_index) {
        labels.push(("interface".into(), i.info.name.clone()));
    }
}

/// Upper bounds of the latency histograms' buckets, in microseconds: 100 us to 10 s.
const LATENCY_BOUNDS_US: [u64; 16] = [
    100, 250, 500, 1_000, 2_500, 5_000, 10_000, 25_000, 50_000, 100_000, 250_000, 500_000, 1_000_000, 2_500_000,
    5_000_000, 10_000_000,
];

/// One latency histogram family: its name's part, what it holds, and how a row gives it.
type LatencyFigure = (&'static str, &'static str, fn(&LatencyStats) -> Distribution);

/// The latency distributions of the busiest servers and pairs, as histograms in seconds.
pub fn latency(snapshot: &Snapshot, latency: &[(u32, Merged)], options: ExpositionOptions) -> Vec<Family> {
    let histogram = |d: &Distribution| {
        let counts = d.buckets(&LATENCY_BOUNDS_US);
        let bounds = LATENCY_BOUNDS_US.iter().map(|b| *b as f64 / 1e6).chain([f64::INFINITY]);
        SampleValue::Histogram { sum: d.sum as f64 / 1e6, count: d.count, buckets: bounds.zip(counts).collect() }
    };
    let figures: [LatencyFigure; 3] = [
        ("server_delay", "handshake server delays (SYN to SYN/ACK)", |s| s.server_delay.clone()),
        ("client_delay", "handshake client delays (SYN/ACK to ACK)", |s| s.client_delay.clone()),
        ("rtt", "RTT samples from TCP timestamps, both sides", LatencyStats::rtt),
    ];
    let weight = |s: &LatencyStats| s.handshakes + s.server_rtt.count + s.client_rtt.count;
    let mut out = Vec::new();
    for (table, label_of) in [("server", false), ("pair", true)] {
        let mut families: Vec<Family> = figures
            .iter()
            .map(|(name, help, _)| Family {
                name: format!("rmon_tcp_latency_{table}_{name}_seconds"),
                help: format!("Passive TCP latency per {table}: {help}, in seconds."),
                kind: Kind::Histogram,
                samples: Vec::new(),
            })
            .collect();
        for (if_index, (servers, pairs)) in latency {
            let mut rows: Vec<(Vec<(String, String)>, &LatencyStats)> = if label_of {
                pairs
                    .iter()
                    .map(|(k, s)| {
                        let labels = vec![
                            ("client_address".into(), k.client.to_string()),
                            ("server_address".into(), k.server.address.to_string()),
                            ("server_port".into(), k.server.port.to_string()),
                        ];
                        (labels, s)
                    })
                    .collect()
            } else {
                servers
                    .iter()
                    .map(|(k, s)| {
                        (
                            vec![
                                ("server_address".into(), k.address.to_string()),
                                ("server_port".into(), k.port.to_string()),
                            ],
                            s,
                        )
                    })
                    .collect()
            };
            rows.sort_by_key(|(_, s)| std::cmp::Reverse(weight(s)));
            rows.truncate(options.top);
            for (mut labels, stats) in rows {
                source_labels(&mut labels, &snapshot.interfaces, *if_index);
                for ((_, _, read), family) in figures.iter().zip(&mut families) {
                    family.samples.push(Sample { labels: labels.clone(), value: histogram(&read(stats)) });
                }
            }
        }
        out.extend(families.into_iter().filter(|f| !f.samples.is_empty()));
    }
    out
}

/// One per-interface health family: its name, what it holds, and how an interface gives it.
type HealthFigure = (&'static str, &'static str, fn(&Interface) -> u64);

/// The probe's own figures.
fn health(snapshot: &Snapshot) -> Vec<Family> {
    let uptime = snapshot.at.since(snapshot.start) / 1_000_000_000;
    let mut out = vec![Family {
        name: "rmonprobe_uptime_seconds".into(),
        help: "Seconds of probe time since the probe started (sysUpTime).".into(),
        kind: Kind::Gauge,
        samples: vec![Sample { labels: Vec::new(), value: SampleValue::Level(uptime as i64) }],
    }];
    let per_interface = |name: &str, help: &str, read: fn(&Interface) -> u64| Family {
        name: name.into(),
        help: help.into(),
        kind: Kind::Counter,
        samples: snapshot
            .interfaces
            .iter()
            .map(|i| {
                let mut labels = Vec::new();
                source_labels(&mut labels, &snapshot.interfaces, i.info.if_index);
                Sample { labels, value: SampleValue::Count(read(i)) }
            })
            .collect(),
    };
    let figures: [HealthFigure; 3] = [
        ("rmonprobe_frames", "Frames the probe counted on the interface.", |i| i.counters.pkts),
        ("rmonprobe_octets", "Octets of the frames the probe counted on the interface.", |i| i.counters.octets),
        ("rmonprobe_drop_events", "Frames lost before the probe could count them (the capture's drops).", |i| {
            i.counters.drop_events
        }),
    ];
    out.extend(figures.into_iter().map(|(name, help, read)| per_interface(name, help, read)));
    out
}

/// Which data source each control row is on: (index column name, index value) -> source.
#[derive(Default)]
struct Sources {
    by_control: HashMap<(&'static str, u64), DataSource>,
}

impl Sources {
    fn finder<'a>(&'a mut self, tables: &'a RmonTables) -> SourceFinder<'a> {
        SourceFinder { tables, sources: self }
    }

    /// The data source of a row whose first index is `name` = `value`.
    fn of(&self, name: &'static str, value: u64) -> Option<DataSource> {
        let control = CONTROL_INDEX.iter().find(|(data, _)| *data == name).map_or(name, |(_, c)| *c);
        self.by_control.get(&(control, value)).copied()
    }
}

struct SourceFinder<'a> {
    tables: &'a RmonTables,
    sources: &'a mut Sources,
}

impl TableVisitor<RmonTables> for SourceFinder<'_> {
    fn table<E: 'static + Send + Sync>(
        &mut self,
        table: &'static Table<E>,
        rows: fn(&RmonTables) -> &[E],
        _: fn(&mut RmonTables) -> &mut Vec<E>,
        _: fn() -> E,
    ) {
        let Some(source) = table.columns.iter().find(|c| c.syntax == Syntax::Source) else { return };
        let (Some(first), Some(name)) = (table.index.first(), table.index_names().first().copied()) else { return };
        for row in rows(self.tables) {
            if let (Cell::Source(ds), Cell::Uint(index)) = ((source.read)(row), (first.read)(row)) {
                self.sources.by_control.insert((name, index), ds);
            }
        }
    }
}

struct Collect<'a> {
    tables: &'a RmonTables,
    interfaces: &'a [Interface],
    options: ExpositionOptions,
    sources: &'a Sources,
    families: Vec<Family>,
}

impl TableVisitor<RmonTables> for Collect<'_> {
    fn table<E: 'static + Send + Sync>(
        &mut self,
        table: &'static Table<E>,
        rows: fn(&RmonTables) -> &[E],
        _: fn(&mut RmonTables) -> &mut Vec<E>,
        _: fn() -> E,
    ) {
        if table.view || SKIPPED_TABLES.contains(&table.name) {
            return;
        }
        let index_names = table.index_names();
        let columns: Vec<_> = table
            .columns
            .iter()
            .filter(|c| !index_names.contains(&c.name))
            .filter_map(|c| kind_of(c.name, c.syntax, c.access).map(|k| (c, k)))
            .collect();
        if columns.is_empty() {
            return;
        }
        let all = rows(self.tables);
        let mut kept: Vec<&E> = all.iter().collect();
        // History: the last bucket of each row's series, without its sample index.
        let sample = index_names.iter().position(|n| n.ends_with("SampleIndex"));
        if let Some(at) = sample {
            let mut last: Vec<(Vec<Cell>, Cell, &E)> = Vec::new();
            for row in all {
                let key: Vec<Cell> =
                    table.index.iter().enumerate().filter(|(i, _)| *i != at).map(|(_, p)| (p.read)(row)).collect();
                let s = (table.index[at].read)(row);
                match last.iter_mut().find(|(k, _, _)| *k == key) {
                    Some(entry) if cell_u64(&s) > cell_u64(&entry.1) => *entry = (key, s, row),
                    Some(_) => {}
                    None => last.push((key, s, row)),
                }
            }
            kept = last.into_iter().map(|(_, _, r)| r).collect();
        }
        if TOP_TABLES.contains(&table.name) {
            // The busiest first: octets where the table counts them, else every count.
            let counters = columns.iter().filter(|(_, k)| *k == Kind::Counter);
            let octets: Vec<_> = counters.clone().filter(|(c, _)| c.name.ends_with("Octets")).collect();
            let weighed = if octets.is_empty() { counters.collect() } else { octets };
            let weight = |row: &E| -> u64 {
                weighed.iter().map(|(c, _)| cell_u64(&(c.read)(row))).fold(0u64, u64::saturating_add)
            };
            kept.sort_by_key(|r| std::cmp::Reverse(weight(r)));
            kept.truncate(self.options.top);
        }
        let mut families: Vec<Family> = columns
            .iter()
            .map(|(c, kind)| Family {
                name: format!("rmon_{}", snake_case(&descriptor(table.name, c.name))),
                help: format!("{} ({}).", c.name, table.name),
                kind: if sample.is_some() { Kind::Gauge } else { *kind },
                samples: Vec::new(),
            })
            .collect();
        for row in kept {
            let json = serde_json::to_value(JsonRow(table, row)).unwrap_or(Json::Null);
            let mut labels: Vec<(String, String)> = index_names
                .iter()
                .enumerate()
                .filter(|(i, _)| Some(*i) != sample)
                .filter_map(|(_, n)| Some((snake_case(n), label_text(json.get(*n)?)?)))
                .collect();
            let source = table
                .columns
                .iter()
                .find(|c| c.syntax == Syntax::Source)
                .and_then(|c| match (c.read)(row) {
                    Cell::Source(ds) => Some(ds),
                    _ => None,
                })
                .or_else(|| {
                    let first = table.index.first()?;
                    let value = cell_u64(&(first.read)(row));
                    // A table indexed by ifIndex (the project's own) is per data source.
                    match *index_names.first()? {
                        "ifIndex" => Some(DataSource(u32::try_from(value).ok()?)),
                        name => self.sources.of(name, value),
                    }
                });
            if source.is_some() {
                labels.retain(|(name, _)| name != "if_index");
            }
            if let Some(ds) = source {
                source_labels(&mut labels, self.interfaces, ds.0);
            }
            for ((c, _), family) in columns.iter().zip(&mut families) {
                let value = match (c.read)(row) {
                    Cell::Uint(n) if family.kind == Kind::Counter => SampleValue::Count(n),
                    Cell::Uint(n) => SampleValue::Level(i64::try_from(n).unwrap_or(i64::MAX)),
                    Cell::Int(n) => SampleValue::Level(n),
                    _ => continue,
                };
                family.samples.push(Sample { labels: labels.clone(), value });
            }
        }
        self.families.extend(families.into_iter().filter(|f| !f.samples.is_empty()));
    }
}

fn cell_u64(cell: &Cell) -> u64 {
    match cell {
        Cell::Uint(n) => *n,
        Cell::Int(n) => u64::try_from(*n).unwrap_or(0),
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mib_names_in_snake_case() {
        for (mib, snake) in [
            ("etherStatsPkts", "ether_stats_pkts"),
            ("etherStatsPkts64Octets", "ether_stats_pkts64_octets"),
            ("matrixSDPkts", "matrix_sd_pkts"),
            ("nlMatrixSDSourceAddress", "nl_matrix_sd_source_address"),
            ("hostTopNRateBase", "host_top_n_rate_base"),
            ("etherStatsCRCAlignErrors", "ether_stats_crc_align_errors"),
            ("hlHostControlIndex", "hl_host_control_index"),
        ] {
            assert_eq!(snake_case(mib), snake, "{mib}");
        }
    }

    #[test]
    fn descriptors_carry_their_table_prefix() {
        assert_eq!(descriptor("etherStatsTable", "etherStatsPkts"), "etherStatsPkts");
        assert_eq!(descriptor("tcpLatencyServerTable", "handshakes"), "tcpLatencyServerHandshakes");
        assert_eq!(descriptor("tcpLatencyPairTable", "rttP99Us"), "tcpLatencyPairRttP99Us");
    }

    #[test]
    fn counters_gauges_and_no_metric() {
        assert_eq!(kind_of("etherStatsPkts", Syntax::Counter32, Access::ReadOnly), Some(Kind::Counter));
        assert_eq!(
            kind_of("hostControlTableSize", Syntax::Integer { min: 0, max: 9 }, Access::ReadOnly),
            Some(Kind::Gauge)
        );
        assert_eq!(kind_of("etherStatsHighCapacityPkts", Syntax::Counter64, Access::ReadOnly), None);
        assert_eq!(kind_of("etherStatsHighCapacityOverflowPkts", Syntax::Gauge32, Access::ReadOnly), None);
        assert_eq!(kind_of("etherStatsOwner", Syntax::Text { max: 127 }, Access::ReadCreate), None);
        assert_eq!(kind_of("etherStatsIndex", Syntax::Integer { min: 1, max: 9 }, Access::NotAccessible), None);
        assert_eq!(kind_of("protocolDirLocalIndex", Syntax::Integer { min: 1, max: 9 }, Access::ReadOnly), None);
    }
}
