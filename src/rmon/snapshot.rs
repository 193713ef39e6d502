//! A reading of the whole probe at one instant: what every view (SNMP agent, TUI, report) shows.
//!
//! A snapshot is made from the control plane and a set of shards (or copies of them taken
//! between batches), so a view never holds a shard while a worker counts. Its tables are in MIB
//! index order, ready for an agent's binary searches.

use crate::mib::Value;
use crate::mib::time::Timestamp;
use crate::mib::value::{counter32, integer};
use crate::rmon::control::DataSource;
use crate::rmon::probe::{DataSourceInfo, Probe, RmonTables};
use crate::rmon::shard::Shard;
use crate::rmon::statistics::EtherStatsCounters;

/// ifEntry (IF-MIB's ifTable): instances are `IF_ENTRY.column.ifIndex`.
pub const IF_ENTRY: &[u32] = &[1, 3, 6, 1, 2, 1, 2, 2, 1];
/// ifXEntry (IF-MIB's ifXTable).
pub const IF_X_ENTRY: &[u32] = &[1, 3, 6, 1, 2, 1, 31, 1, 1, 1];

/// ifType ethernetCsmacd (IANAifType).
const ETHERNET_CSMACD: i32 = 6;
const UP: i32 = 1;
const TRUE: i32 = 1;
const FALSE: i32 = 2;

fn errors(c: &EtherStatsCounters) -> u64 {
    c.crc_align_errors + c.undersize_pkts + c.oversize_pkts + c.fragments + c.jabbers
}

fn unicast(c: &EtherStatsCounters) -> u64 {
    c.pkts.saturating_sub(c.broadcast_pkts + c.multicast_pkts + errors(c))
}

/// One data source as IF-MIB shows it: what it is and what it received.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Interface {
    pub info: DataSourceInfo,
    /// Every frame of the interface since the probe started, whatever the control rows.
    pub counters: EtherStatsCounters,
    /// ifInDiscards: frames received whole and left out, duplicates (`--dedup`) and mirrored
    /// frames of sessions over the limit (`--decap`), as mirrorSourceTable counts them.
    pub in_discards: u64,
}

/// The probe as it stands at `at`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Snapshot {
    /// The instant of the reading (probe time).
    pub at: Timestamp,
    /// sysUpTime 0.
    pub start: Timestamp,
    /// ifTable rows, in ifIndex order.
    pub interfaces: Vec<Interface>,
    pub tables: RmonTables,
}

impl Snapshot {
    /// Reads `probe` and `shards` at `at`.
    pub fn take(probe: &Probe, at: Timestamp, shards: &[&Shard]) -> Snapshot {
        let tables = probe.tables(at, shards);
        let interfaces = probe
            .sources()
            .iter()
            .map(|info| Interface {
                info: info.clone(),
                counters: shards
                    .iter()
                    .filter_map(|s| s.source_counters(DataSource(info.if_index)))
                    .fold(EtherStatsCounters::default(), |sum, c| sum.plus(&c)),
                in_discards: tables
                    .mirror_source
                    .iter()
                    .find(|m| m.if_index == info.if_index)
                    .map_or(0, |m| m.duplicates + m.over_limit),
            })
            .collect();
        Snapshot { at, start: probe.start(), interfaces, tables }
    }

    /// The value of one object instance an agent would serve from this reading: the RMON and
    /// HC-RMON tables and IF-MIB's ifTable and ifXTable. The port through which alarms read
    /// their variables without an SNMP agent (an agent answers from its whole MIB instead).
    pub fn get(&self, oid: &[u32]) -> Option<Value> {
        for (entry, read) in [
            (IF_ENTRY, Interface::if_entry as fn(&Interface, u32) -> Option<Value>),
            (IF_X_ENTRY, Interface::if_x_entry),
        ] {
            if let Some(&[column, if_index]) = oid.strip_prefix(entry) {
                return self.interfaces.iter().find(|i| i.info.if_index == if_index).and_then(|i| read(i, column));
            }
        }
        self.tables.get(oid)
    }

    /// sysUpTime in hundredths of a second since the probe started (not wrapped).
    pub fn sys_up_time(&self) -> u64 {
        self.at.ticks_since(self.start)
    }
}

impl Interface {
    /// ifTable's column `column` for this interface (ifOutQLen and ifSpecific, deprecated, are
    /// not served).
    pub fn if_entry(&self, column: u32) -> Option<Value> {
        let (i, c) = (self, &self.counters);
        Some(match column {
            1 => integer(u64::from(i.info.if_index)),
            2 => Value::OctetString(i.info.descr.as_bytes().to_vec()),
            3 => Value::Integer(ETHERNET_CSMACD),
            4 => Value::Integer(1500),
            5 => Value::Gauge32(u32::try_from(i.info.if_speed).unwrap_or(u32::MAX)),
            6 => Value::OctetString(i.info.phys_address.clone()),
            7 | 8 => Value::Integer(UP),
            9 => Value::TimeTicks(0),
            10 => counter32(c.octets),
            11 => counter32(unicast(c)),
            12 => counter32(c.broadcast_pkts + c.multicast_pkts),
            14 => counter32(errors(c)),
            13 => counter32(i.in_discards),
            15..=20 => counter32(0),
            _ => return None,
        })
    }

    /// ifXTable's column `column`: names, the 64-bit counters, ifHighSpeed.
    pub fn if_x_entry(&self, column: u32) -> Option<Value> {
        let (i, c) = (self, &self.counters);
        Some(match column {
            1 => Value::OctetString(i.info.name.as_bytes().to_vec()),
            2 => counter32(c.multicast_pkts),
            3 => counter32(c.broadcast_pkts),
            4 | 5 => counter32(0),
            6 => Value::Counter64(c.octets),
            7 => Value::Counter64(unicast(c)),
            8 => Value::Counter64(c.multicast_pkts),
            9 => Value::Counter64(c.broadcast_pkts),
            10..=13 => Value::Counter64(0),
            14 => Value::Integer(FALSE),
            15 => Value::Gauge32(u32::try_from(i.info.if_speed / 1_000_000).unwrap_or(u32::MAX)),
            16 => Value::Integer(TRUE),
            17 => Value::Integer(if i.info.live { TRUE } else { FALSE }),
            18 => Value::OctetString(Vec::new()),
            19 => Value::TimeTicks(0),
            _ => return None,
        })
    }
}
