//! The hosts group: hostControlTable (1.3.6.1.2.1.16.4.1), hostTable (.4.2), hostTimeTable (.4.3).

use crate::mib::schema::{INDEX, NON_NEGATIVE, OWNER, Syntax::*};
use crate::mib::tc::{DataSource, EntryStatus, MacAddr, Owner};

crate::mib_table! {
    /// hostControlEntry as a manager reads it.
    pub struct HostControlEntry;
    pub static HOST_CONTROL_TABLE = "hostControlTable" at [1, 3, 6, 1, 2, 1, 16, 4, 1, 1] index [host_control_index];
    1 host_control_index: u16 = "hostControlIndex", INDEX, ReadOnly;
    2 host_control_data_source: DataSource = "hostControlDataSource", Source, ReadCreate, frozen;
    3 host_control_table_size: u64 = "hostControlTableSize", NON_NEGATIVE, ReadOnly;
    /// sysUpTime of the last deletion from this table, 0 if none.
    4 host_control_last_delete_time: u64 = "hostControlLastDeleteTime", TimeTicks, ReadOnly;
    5 host_control_owner: Owner = "hostControlOwner", OWNER, ReadCreate;
    6 host_control_status: EntryStatus = "hostControlStatus", Status, ReadCreate;
    extra {
        /// sysUpTime (TimeTicks) when the row last became valid: RMON2's hostControlCreateTime.
        host_control_create_time: u64,
    }
}

crate::mib_table! {
    /// hostEntry as a manager reads it, indexed by (hostIndex, hostAddress):
    /// `hostInPkts.1.6.a.b.c.d.e.f`.
    pub struct HostEntry;
    pub static HOST_TABLE = "hostTable" at [1, 3, 6, 1, 2, 1, 16, 4, 2, 1] index [host_index, host_address];
    1 host_address: MacAddr = "hostAddress", MacAddress, ReadOnly;
    2 host_creation_order: u32 = "hostCreationOrder", Integer { min: 1, max: 65535 }, ReadOnly;
    3 host_index: u16 = "hostIndex", INDEX, ReadOnly;
    4 host_in_pkts: u64 = "hostInPkts", Counter32, ReadOnly;
    5 host_out_pkts: u64 = "hostOutPkts", Counter32, ReadOnly;
    6 host_in_octets: u64 = "hostInOctets", Counter32, ReadOnly;
    7 host_out_octets: u64 = "hostOutOctets", Counter32, ReadOnly;
    8 host_out_errors: u64 = "hostOutErrors", Counter32, ReadOnly;
    9 host_out_broadcast_pkts: u64 = "hostOutBroadcastPkts", Counter32, ReadOnly;
    10 host_out_multicast_pkts: u64 = "hostOutMulticastPkts", Counter32, ReadOnly;
}

crate::mib_table! {
    /// hostTimeEntry as a manager reads it, indexed by (hostTimeIndex, hostTimeCreationOrder).
    pub struct HostTimeEntry;
    pub static HOST_TIME_TABLE = "hostTimeTable" at [1, 3, 6, 1, 2, 1, 16, 4, 3, 1] index [host_time_index, host_time_creation_order];
    1 host_time_address: MacAddr = "hostTimeAddress", MacAddress, ReadOnly;
    2 host_time_creation_order: u32 = "hostTimeCreationOrder", Integer { min: 1, max: 65535 }, ReadOnly;
    3 host_time_index: u16 = "hostTimeIndex", INDEX, ReadOnly;
    4 host_time_in_pkts: u64 = "hostTimeInPkts", Counter32, ReadOnly;
    5 host_time_out_pkts: u64 = "hostTimeOutPkts", Counter32, ReadOnly;
    6 host_time_in_octets: u64 = "hostTimeInOctets", Counter32, ReadOnly;
    7 host_time_out_octets: u64 = "hostTimeOutOctets", Counter32, ReadOnly;
    8 host_time_out_errors: u64 = "hostTimeOutErrors", Counter32, ReadOnly;
    9 host_time_out_broadcast_pkts: u64 = "hostTimeOutBroadcastPkts", Counter32, ReadOnly;
    10 host_time_out_multicast_pkts: u64 = "hostTimeOutMulticastPkts", Counter32, ReadOnly;
}
