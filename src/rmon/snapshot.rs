//! A reading of the whole probe at one instant: what every view (SNMP agent, TUI, report) shows.
//!
//! A snapshot is made from the control plane and a set of shards (or copies of them taken
//! between batches), so a view never holds a shard while a worker counts. Its tables are in MIB
//! index order, ready for an agent's binary searches.

use crate::rmon::control::DataSource;
use crate::rmon::probe::{DataSourceInfo, Probe, RmonTables};
use crate::rmon::shard::Shard;
use crate::rmon::statistics::EtherStatsCounters;
use crate::mib::time::Timestamp;

/// One data source as IF-MIB shows it: what it is and what it received.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Interface {
    pub info: DataSourceInfo,
    /// Every frame of the interface since the probe started, whatever the control rows.
    pub counters: EtherStatsCounters,
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
        let interfaces = probe
            .sources()
            .iter()
            .map(|info| Interface {
                info: info.clone(),
                counters: shards
                    .iter()
                    .filter_map(|s| s.source_counters(DataSource(info.if_index)))
                    .fold(EtherStatsCounters::default(), |sum, c| sum.plus(&c)),
            })
            .collect();
        Snapshot { at, start: probe.start(), interfaces, tables: probe.tables(at, shards) }
    }

    /// sysUpTime in hundredths of a second since the probe started (not wrapped).
    pub fn sys_up_time(&self) -> u64 {
        self.at.ticks_since(self.start)
    }
}
