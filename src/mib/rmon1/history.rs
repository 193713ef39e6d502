//! The history group: historyControlTable (1.3.6.1.2.1.16.2.1) and etherHistoryTable (.2.2).

use crate::mib::schema::{INDEX, NON_NEGATIVE, OWNER, Syntax::*};
use crate::mib::tc::{DataSource, EntryStatus, Owner};

crate::mib_table! {
    /// historyControlEntry as a manager reads it.
    pub struct HistoryControlEntry;
    pub static HISTORY_CONTROL_TABLE = "historyControlTable" at [1, 3, 6, 1, 2, 1, 16, 2, 1, 1] index [history_control_index];
    1 history_control_index: u16 = "historyControlIndex", INDEX, ReadOnly;
    2 history_control_data_source: DataSource = "historyControlDataSource", Source, ReadCreate, frozen;
    /// Re-granted when changed, the oldest buckets going first: the MIB lets it change while valid.
    3 history_control_buckets_requested: u16 = "historyControlBucketsRequested", Integer { min: 1, max: 65535 }, ReadCreate;
    4 history_control_buckets_granted: u16 = "historyControlBucketsGranted", Integer { min: 1, max: 65535 }, ReadOnly;
    5 history_control_interval: u32 = "historyControlInterval", Integer { min: 1, max: 3600 }, ReadCreate, frozen;
    6 history_control_owner: Owner = "historyControlOwner", OWNER, ReadCreate;
    7 history_control_status: EntryStatus = "historyControlStatus", Status, ReadCreate;
}

crate::mib_table! {
    /// etherHistoryEntry as a manager reads it. etherHistorySampleIndex is an Integer32
    /// (1..2147483647): a probe would need 68 years of 1-second buckets to pass it.
    pub struct EtherHistoryEntry;
    pub static ETHER_HISTORY_TABLE = "etherHistoryTable" at [1, 3, 6, 1, 2, 1, 16, 2, 2, 1] index [ether_history_index, ether_history_sample_index];
    1 ether_history_index: u16 = "etherHistoryIndex", INDEX, ReadOnly;
    2 ether_history_sample_index: u64 = "etherHistorySampleIndex", NON_NEGATIVE, ReadOnly;
    /// sysUpTime at the start of the interval.
    3 ether_history_interval_start: u64 = "etherHistoryIntervalStart", TimeTicks, ReadOnly;
    4 ether_history_drop_events: u64 = "etherHistoryDropEvents", Counter32, ReadOnly;
    5 ether_history_octets: u64 = "etherHistoryOctets", Counter32, ReadOnly;
    6 ether_history_pkts: u64 = "etherHistoryPkts", Counter32, ReadOnly;
    7 ether_history_broadcast_pkts: u64 = "etherHistoryBroadcastPkts", Counter32, ReadOnly;
    8 ether_history_multicast_pkts: u64 = "etherHistoryMulticastPkts", Counter32, ReadOnly;
    9 ether_history_crc_align_errors: u64 = "etherHistoryCRCAlignErrors", Counter32, ReadOnly;
    10 ether_history_undersize_pkts: u64 = "etherHistoryUndersizePkts", Counter32, ReadOnly;
    11 ether_history_oversize_pkts: u64 = "etherHistoryOversizePkts", Counter32, ReadOnly;
    12 ether_history_fragments: u64 = "etherHistoryFragments", Counter32, ReadOnly;
    13 ether_history_jabbers: u64 = "etherHistoryJabbers", Counter32, ReadOnly;
    14 ether_history_collisions: u64 = "etherHistoryCollisions", Counter32, ReadOnly;
    /// Hundredths of a percent of the data source's speed.
    15 ether_history_utilization: u32 = "etherHistoryUtilization", Integer { min: 0, max: 10000 }, ReadOnly;
}
