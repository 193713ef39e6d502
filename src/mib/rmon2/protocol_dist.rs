//! Protocol distribution: protocolDistControlTable (1.3.6.1.2.1.16.12.1),
//! protocolDistStatsTable (.12.2), and HC-RMON's protocolDistStatsHighCapacityTable (.12.3).

use crate::mib::schema::{OWNER, Syntax::*};
use crate::mib::tc::{DataSource, Owner, RowStatus};

/// An RMON2 control index, `1..65535`.
const INDEX: crate::mib::schema::Syntax = Integer { min: 1, max: 65535 };

crate::mib_table! {
    /// protocolDistControlEntry as a manager reads it.
    pub struct ProtocolDistControlEntry;
    pub static PROTOCOL_DIST_CONTROL_TABLE = "protocolDistControlTable" at [1, 3, 6, 1, 2, 1, 16, 12, 1, 1] index [protocol_dist_control_index];
    1 protocol_dist_control_index: u16 = "protocolDistControlIndex", INDEX, NotAccessible;
    2 protocol_dist_control_data_source: DataSource = "protocolDistControlDataSource", Source, ReadCreate, frozen;
    3 protocol_dist_control_dropped_frames: u64 = "protocolDistControlDroppedFrames", Counter32, ReadOnly;
    /// sysUpTime when the row was last activated (LastCreateTime).
    4 protocol_dist_control_create_time: u64 = "protocolDistControlCreateTime", TimeTicks, ReadOnly;
    5 protocol_dist_control_owner: Owner = "protocolDistControlOwner", OWNER, ReadCreate;
    6 protocol_dist_control_status: RowStatus = "protocolDistControlStatus", RowStatus, ReadCreate;
}

crate::mib_table! {
    /// protocolDistStatsEntry, indexed by (protocolDistControlIndex, protocolDirLocalIndex):
    /// the frames of one protocol of the directory on the row's data source.
    pub struct ProtocolDistStatsEntry;
    pub static PROTOCOL_DIST_STATS_TABLE = "protocolDistStatsTable" at [1, 3, 6, 1, 2, 1, 16, 12, 2, 1]
        index [protocol_dist_control_index = "protocolDistControlIndex", protocol_dir_local_index = "protocolDirLocalIndex"];
    1 protocol_dist_stats_pkts: u64 = "protocolDistStatsPkts", ZeroBasedCounter32, ReadOnly;
    2 protocol_dist_stats_octets: u64 = "protocolDistStatsOctets", ZeroBasedCounter32, ReadOnly;
    extra {
        protocol_dist_control_index: u16,
        protocol_dir_local_index: u32,
    }
}

crate::mib_view! {
    /// protocolDistStatsHighCapacityTable (1.3.6.1.2.1.16.12.3), indexed like protocolDistStatsTable.
    pub static PROTOCOL_DIST_STATS_HIGH_CAPACITY_TABLE: ProtocolDistStatsEntry = "protocolDistStatsHighCapacityTable" at [1, 3, 6, 1, 2, 1, 16, 12, 3, 1]
        index [protocol_dist_control_index = "protocolDistControlIndex", protocol_dir_local_index = "protocolDirLocalIndex"];
    1 "protocolDistStatsHighCapacityOverflowPkts" zero_based_overflow protocol_dist_stats_pkts;
    2 "protocolDistStatsHighCapacityPkts" count protocol_dist_stats_pkts;
    3 "protocolDistStatsHighCapacityOverflowOctets" zero_based_overflow protocol_dist_stats_octets;
    4 "protocolDistStatsHighCapacityOctets" count protocol_dist_stats_octets;
}
