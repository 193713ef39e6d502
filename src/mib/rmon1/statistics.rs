//! The statistics group: etherStatsTable (1.3.6.1.2.1.16.1.1).

use crate::mib::schema::{INDEX, OWNER, Syntax::*};
use crate::mib::tc::{DataSource, EntryStatus, Owner};

crate::mib_table! {
    /// etherStatsEntry as a manager reads it.
    pub struct EtherStatsEntry;
    pub static ETHER_STATS_TABLE = "etherStatsTable" at [1, 3, 6, 1, 2, 1, 16, 1, 1, 1] index [ether_stats_index];
    1 ether_stats_index: u16 = "etherStatsIndex", INDEX, ReadOnly;
    2 ether_stats_data_source: DataSource = "etherStatsDataSource", Source, ReadCreate, frozen;
    3 ether_stats_drop_events: u64 = "etherStatsDropEvents", Counter32, ReadOnly;
    4 ether_stats_octets: u64 = "etherStatsOctets", Counter32, ReadOnly;
    5 ether_stats_pkts: u64 = "etherStatsPkts", Counter32, ReadOnly;
    6 ether_stats_broadcast_pkts: u64 = "etherStatsBroadcastPkts", Counter32, ReadOnly;
    7 ether_stats_multicast_pkts: u64 = "etherStatsMulticastPkts", Counter32, ReadOnly;
    8 ether_stats_crc_align_errors: u64 = "etherStatsCRCAlignErrors", Counter32, ReadOnly;
    9 ether_stats_undersize_pkts: u64 = "etherStatsUndersizePkts", Counter32, ReadOnly;
    10 ether_stats_oversize_pkts: u64 = "etherStatsOversizePkts", Counter32, ReadOnly;
    11 ether_stats_fragments: u64 = "etherStatsFragments", Counter32, ReadOnly;
    12 ether_stats_jabbers: u64 = "etherStatsJabbers", Counter32, ReadOnly;
    13 ether_stats_collisions: u64 = "etherStatsCollisions", Counter32, ReadOnly;
    14 ether_stats_pkts_64_octets: u64 = "etherStatsPkts64Octets", Counter32, ReadOnly;
    15 ether_stats_pkts_65_to_127_octets: u64 = "etherStatsPkts65to127Octets", Counter32, ReadOnly;
    16 ether_stats_pkts_128_to_255_octets: u64 = "etherStatsPkts128to255Octets", Counter32, ReadOnly;
    17 ether_stats_pkts_256_to_511_octets: u64 = "etherStatsPkts256to511Octets", Counter32, ReadOnly;
    18 ether_stats_pkts_512_to_1023_octets: u64 = "etherStatsPkts512to1023Octets", Counter32, ReadOnly;
    19 ether_stats_pkts_1024_to_1518_octets: u64 = "etherStatsPkts1024to1518Octets", Counter32, ReadOnly;
    20 ether_stats_owner: Owner = "etherStatsOwner", OWNER, ReadCreate;
    21 ether_stats_status: EntryStatus = "etherStatsStatus", Status, ReadCreate;
    extra {
        /// sysUpTime (TimeTicks) when the row last became valid: RMON2's etherStatsCreateTime
        /// (etherStats2Table, `mib/rmon2/rmon1_additions.rs`).
        ether_stats_create_time: u64,
    }
}
