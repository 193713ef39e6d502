//! Application-layer hosts: alHostTable (1.3.6.1.2.1.16.16.1) and HC-RMON's
//! alHostHighCapacityTable (.16.2). Their control rows are hlHostControlTable's (`nl_host.rs`).

use crate::mib::net_addr::NetAddr;
use crate::mib::schema::Syntax::*;

crate::mib_table! {
    /// alHostEntry, indexed by (hlHostControlIndex, alHostTimeMark, protocolDirLocalIndex of the
    /// network layer, nlHostAddress, protocolDirLocalIndex of the application). The JSON report
    /// names the two protocol indexes `nlProtocolDirLocalIndex` and `alProtocolDirLocalIndex`.
    pub struct AlHostEntry;
    pub static AL_HOST_TABLE = "alHostTable" at [1, 3, 6, 1, 2, 1, 16, 16, 1, 1]
        index [hl_host_control_index = "hlHostControlIndex", nl_protocol_dir_local_index = "nlProtocolDirLocalIndex",
               nl_host_address = "nlHostAddress", al_protocol_dir_local_index = "alProtocolDirLocalIndex"]
        time_filter(1, last_change);
    2 al_host_in_pkts: u64 = "alHostInPkts", ZeroBasedCounter32, ReadOnly;
    3 al_host_out_pkts: u64 = "alHostOutPkts", ZeroBasedCounter32, ReadOnly;
    4 al_host_in_octets: u64 = "alHostInOctets", ZeroBasedCounter32, ReadOnly;
    5 al_host_out_octets: u64 = "alHostOutOctets", ZeroBasedCounter32, ReadOnly;
    6 al_host_create_time: u64 = "alHostCreateTime", TimeTicks, ReadOnly;
    extra {
        hl_host_control_index: u16,
        nl_protocol_dir_local_index: u32,
        nl_host_address: NetAddr,
        al_protocol_dir_local_index: u32,
        /// sysUpTime (TimeTicks) of the last frame counted on the entry.
        last_change: u64,
    }
}

crate::mib_view! {
    /// alHostHighCapacityTable (1.3.6.1.2.1.16.16.2), indexed like alHostTable.
    pub static AL_HOST_HIGH_CAPACITY_TABLE: AlHostEntry = "alHostHighCapacityTable" at [1, 3, 6, 1, 2, 1, 16, 16, 2, 1]
        index [hl_host_control_index = "hlHostControlIndex", nl_protocol_dir_local_index = "nlProtocolDirLocalIndex",
               nl_host_address = "nlHostAddress", al_protocol_dir_local_index = "alProtocolDirLocalIndex"]
        time_filter(1, last_change);
    1 "alHostHighCapacityInOverflowPkts" zero_based_overflow al_host_in_pkts;
    2 "alHostHighCapacityInPkts" count al_host_in_pkts;
    3 "alHostHighCapacityOutOverflowPkts" zero_based_overflow al_host_out_pkts;
    4 "alHostHighCapacityOutPkts" count al_host_out_pkts;
    5 "alHostHighCapacityInOverflowOctets" zero_based_overflow al_host_in_octets;
    6 "alHostHighCapacityInOctets" count al_host_in_octets;
    7 "alHostHighCapacityOutOverflowOctets" zero_based_overflow al_host_out_octets;
    8 "alHostHighCapacityOutOctets" count al_host_out_octets;
}
