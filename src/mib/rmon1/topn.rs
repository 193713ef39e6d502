//! The hostTopN group: hostTopNControlTable (1.3.6.1.2.1.16.5.1) and hostTopNTable (.5.2).

use crate::mib::schema::{INDEX, NON_NEGATIVE, OWNER, Syntax::*};
use crate::mib::tc::{EntryStatus, MacAddr, Owner};

crate::mib_enum! {
    /// hostTopNRateBase: which host counter a report ranks by.
    pub enum RateBase {
        InPkts = 1 => "hostTopNInPkts",
        OutPkts = 2 => "hostTopNOutPkts",
        InOctets = 3 => "hostTopNInOctets",
        OutOctets = 4 => "hostTopNOutOctets",
        OutErrors = 5 => "hostTopNOutErrors",
        OutBroadcastPkts = 6 => "hostTopNOutBroadcastPkts",
        OutMulticastPkts = 7 => "hostTopNOutMulticastPkts",
    }
}

crate::mib_table! {
    /// hostTopNControlEntry as a manager reads it.
    pub struct HostTopNControlEntry;
    pub static HOST_TOP_N_CONTROL_TABLE = "hostTopNControlTable" at [1, 3, 6, 1, 2, 1, 16, 5, 1, 1] index [host_top_n_control_index];
    1 host_top_n_control_index: u16 = "hostTopNControlIndex", INDEX, ReadOnly;
    /// None (and left out of JSON) on a row under creation that has none yet: an agent answers
    /// noSuchInstance for it.
    2 host_top_n_host_index: Option<u16> = "hostTopNHostIndex", INDEX, ReadCreate, frozen;
    /// None as `host_top_n_host_index`.
    3 host_top_n_rate_base: Option<RateBase> = "hostTopNRateBase", Enum(RateBase::NAMES), ReadCreate, frozen;
    /// Setting it starts a new report: the MIB lets it change while valid.
    4 host_top_n_time_remaining: u32 = "hostTopNTimeRemaining", NON_NEGATIVE, ReadCreate;
    5 host_top_n_duration: u32 = "hostTopNDuration", NON_NEGATIVE, ReadOnly;
    6 host_top_n_requested_size: u32 = "hostTopNRequestedSize", NON_NEGATIVE, ReadCreate;
    7 host_top_n_granted_size: u32 = "hostTopNGrantedSize", NON_NEGATIVE, ReadOnly;
    8 host_top_n_start_time: u64 = "hostTopNStartTime", TimeTicks, ReadOnly;
    9 host_top_n_owner: Owner = "hostTopNOwner", OWNER, ReadCreate;
    10 host_top_n_status: EntryStatus = "hostTopNStatus", Status, ReadCreate;
}

crate::mib_table! {
    /// hostTopNEntry as a manager reads it, indexed by (hostTopNReport, hostTopNIndex).
    pub struct HostTopNEntry;
    pub static HOST_TOP_N_TABLE = "hostTopNTable" at [1, 3, 6, 1, 2, 1, 16, 5, 2, 1] index [host_top_n_report, host_top_n_index];
    1 host_top_n_report: u16 = "hostTopNReport", INDEX, ReadOnly;
    /// 1 for the highest rate.
    2 host_top_n_index: u32 = "hostTopNIndex", NON_NEGATIVE, ReadOnly;
    3 host_top_n_address: MacAddr = "hostTopNAddress", MacAddress, ReadOnly;
    /// The growth of the rate base over the report (exact; SNMP clamps it to Integer32, and
    /// hostTopNHighCapacityTable carries it whole).
    4 host_top_n_rate: u64 = "hostTopNRate", Integer { min: i32::MIN as i64, max: i32::MAX as i64 }, ReadOnly;
}
