//! Network-layer hosts: hlHostControlTable (1.3.6.1.2.1.16.14.1), nlHostTable (.14.2), and
//! HC-RMON's nlHostHighCapacityTable (.14.3).

use crate::mib::net_addr::NetAddr;
use crate::mib::rmon2::MAX_DESIRED;
use crate::mib::schema::{OWNER, Syntax::*};
use crate::mib::tc::{DataSource, Owner, RowStatus};

const INDEX: crate::mib::schema::Syntax = Integer { min: 1, max: 65535 };

crate::mib_table! {
    /// hlHostControlEntry as a manager reads it: the network-layer (Nl) and application-layer
    /// (Al) host tables of one data source.
    pub struct HlHostControlEntry;
    pub static HL_HOST_CONTROL_TABLE = "hlHostControlTable" at [1, 3, 6, 1, 2, 1, 16, 14, 1, 1] index [hl_host_control_index];
    1 hl_host_control_index: u16 = "hlHostControlIndex", INDEX, NotAccessible;
    2 hl_host_control_data_source: DataSource = "hlHostControlDataSource", Source, ReadCreate, frozen;
    3 hl_host_control_nl_dropped_frames: u64 = "hlHostControlNlDroppedFrames", Counter32, ReadOnly;
    4 hl_host_control_nl_inserts: u64 = "hlHostControlNlInserts", Counter32, ReadOnly;
    5 hl_host_control_nl_deletes: u64 = "hlHostControlNlDeletes", Counter32, ReadOnly;
    6 hl_host_control_nl_max_desired_entries: i32 = "hlHostControlNlMaxDesiredEntries", MAX_DESIRED, ReadCreate;
    7 hl_host_control_al_dropped_frames: u64 = "hlHostControlAlDroppedFrames", Counter32, ReadOnly;
    8 hl_host_control_al_inserts: u64 = "hlHostControlAlInserts", Counter32, ReadOnly;
    9 hl_host_control_al_deletes: u64 = "hlHostControlAlDeletes", Counter32, ReadOnly;
    10 hl_host_control_al_max_desired_entries: i32 = "hlHostControlAlMaxDesiredEntries", MAX_DESIRED, ReadCreate;
    11 hl_host_control_owner: Owner = "hlHostControlOwner", OWNER, ReadCreate;
    12 hl_host_control_status: RowStatus = "hlHostControlStatus", RowStatus, ReadCreate;
}

crate::mib_table! {
    /// nlHostEntry, indexed by (hlHostControlIndex, nlHostTimeMark, protocolDirLocalIndex,
    /// nlHostAddress).
    pub struct NlHostEntry;
    pub static NL_HOST_TABLE = "nlHostTable" at [1, 3, 6, 1, 2, 1, 16, 14, 2, 1]
        index [hl_host_control_index = "hlHostControlIndex", protocol_dir_local_index = "protocolDirLocalIndex", nl_host_address]
        time_filter(1, last_change);
    2 nl_host_address: NetAddr = "nlHostAddress", NetAddress, NotAccessible;
    3 nl_host_in_pkts: u64 = "nlHostInPkts", ZeroBasedCounter32, ReadOnly;
    4 nl_host_out_pkts: u64 = "nlHostOutPkts", ZeroBasedCounter32, ReadOnly;
    5 nl_host_in_octets: u64 = "nlHostInOctets", ZeroBasedCounter32, ReadOnly;
    6 nl_host_out_octets: u64 = "nlHostOutOctets", ZeroBasedCounter32, ReadOnly;
    7 nl_host_out_mac_non_unicast_pkts: u64 = "nlHostOutMacNonUnicastPkts", ZeroBasedCounter32, ReadOnly;
    8 nl_host_create_time: u64 = "nlHostCreateTime", TimeTicks, ReadOnly;
    extra {
        hl_host_control_index: u16,
        protocol_dir_local_index: u32,
        /// sysUpTime (TimeTicks) of the last frame counted on the host.
        last_change: u64,
    }
}

crate::mib_view! {
    /// nlHostHighCapacityTable (1.3.6.1.2.1.16.14.3), indexed like nlHostTable.
    pub static NL_HOST_HIGH_CAPACITY_TABLE: NlHostEntry = "nlHostHighCapacityTable" at [1, 3, 6, 1, 2, 1, 16, 14, 3, 1]
        index [hl_host_control_index = "hlHostControlIndex", protocol_dir_local_index = "protocolDirLocalIndex", nl_host_address = "nlHostAddress"]
        time_filter(1, last_change);
    1 "nlHostHighCapacityInOverflowPkts" zero_based_overflow nl_host_in_pkts;
    2 "nlHostHighCapacityInPkts" count nl_host_in_pkts;
    3 "nlHostHighCapacityOutOverflowPkts" zero_based_overflow nl_host_out_pkts;
    4 "nlHostHighCapacityOutPkts" count nl_host_out_pkts;
    5 "nlHostHighCapacityInOverflowOctets" zero_based_overflow nl_host_in_octets;
    6 "nlHostHighCapacityInOctets" count nl_host_in_octets;
    7 "nlHostHighCapacityOutOverflowOctets" zero_based_overflow nl_host_out_octets;
    8 "nlHostHighCapacityOutOctets" count nl_host_out_octets;
}
