//! The user history group (RFC 4502, 1.3.6.1.2.1.16.18): usrHistoryControlTable (.18.1),
//! usrHistoryObjectTable (.18.2), usrHistoryTable (.18.3), and HC-RMON's
//! usrHistoryHighCapacityTable (.18.4).
//!
//! A manager names up to 65535 integer objects the agent serves (any of them: an etherStats
//! counter, an interface's ifInOctets, the agent's own snmpInPkts), and the probe samples them
//! every usrHistoryControlInterval seconds into buckets, the value itself or its change over the
//! interval. The object rows belong to their control row: usrHistoryControlObjects makes them.

use crate::mib::oid::Oid;
use crate::mib::schema::{OWNER, Syntax::*};
use crate::mib::tc::{Owner, RowStatus};

pub use crate::mib::rmon1::alarm::SampleType;

const INDEX: crate::mib::schema::Syntax = Integer { min: 1, max: 65535 };

/// The longest usrHistoryControlInterval: an Integer32.
pub const MAX_INTERVAL_SECS: u32 = i32::MAX as u32;

crate::mib_enum! {
    /// usrHistoryValStatus: whether a bucket holds a value, and its sign (usrHistoryAbsValue is
    /// unsigned).
    pub enum UsrHistoryValStatus {
        ValueNotAvailable = 1 => "valueNotAvailable",
        ValuePositive = 2 => "valuePositive",
        ValueNegative = 3 => "valueNegative",
    }
    default ValueNotAvailable
}

crate::mib_table! {
    /// usrHistoryControlEntry as a manager reads it.
    pub struct UsrHistoryControlEntry;
    pub static USR_HISTORY_CONTROL_TABLE = "usrHistoryControlTable" at [1, 3, 6, 1, 2, 1, 16, 18, 1, 1] index [usr_history_control_index];
    1 usr_history_control_index: u16 = "usrHistoryControlIndex", INDEX, NotAccessible;
    /// How many objects the row samples; setting it makes (or takes away) object rows.
    2 usr_history_control_objects: Option<u16> = "usrHistoryControlObjects", INDEX, ReadCreate, frozen;
    3 usr_history_control_buckets_requested: u16 = "usrHistoryControlBucketsRequested", INDEX, ReadCreate;
    4 usr_history_control_buckets_granted: u16 = "usrHistoryControlBucketsGranted", INDEX, ReadOnly;
    5 usr_history_control_interval: u32 = "usrHistoryControlInterval", Integer { min: 1, max: MAX_INTERVAL_SECS as i64 }, ReadCreate, frozen;
    6 usr_history_control_owner: Owner = "usrHistoryControlOwner", OWNER, ReadCreate;
    7 usr_history_control_status: RowStatus = "usrHistoryControlStatus", RowStatus, ReadCreate;
}

crate::mib_table! {
    /// usrHistoryObjectEntry, indexed by (usrHistoryControlIndex, usrHistoryObjectIndex): one
    /// object a control row samples. Frozen while the control row is active.
    pub struct UsrHistoryObjectEntry;
    pub static USR_HISTORY_OBJECT_TABLE = "usrHistoryObjectTable" at [1, 3, 6, 1, 2, 1, 16, 18, 2, 1]
        index [usr_history_control_index = "usrHistoryControlIndex", usr_history_object_index];
    1 usr_history_object_index: u16 = "usrHistoryObjectIndex", INDEX, NotAccessible;
    /// The object sampled; empty (served as 0.0) until a manager sets it.
    2 usr_history_object_variable: Oid = "usrHistoryObjectVariable", ObjectId, ReadCreate, frozen;
    3 usr_history_object_sample_type: Option<SampleType> = "usrHistoryObjectSampleType", Enum(SampleType::NAMES), ReadCreate, frozen;
    extra {
        usr_history_control_index: u16,
    }
}

crate::mib_table! {
    /// usrHistoryEntry, indexed by (usrHistoryControlIndex, usrHistorySampleIndex,
    /// usrHistoryObjectIndex): one object's value over one completed interval.
    pub struct UsrHistoryEntry;
    pub static USR_HISTORY_TABLE = "usrHistoryTable" at [1, 3, 6, 1, 2, 1, 16, 18, 3, 1]
        index [usr_history_control_index = "usrHistoryControlIndex", usr_history_sample_index, usr_history_object_index = "usrHistoryObjectIndex"];
    1 usr_history_sample_index: u32 = "usrHistorySampleIndex", Integer { min: 1, max: i32::MAX as i64 }, NotAccessible;
    2 usr_history_interval_start: u64 = "usrHistoryIntervalStart", TimeTicks, ReadOnly;
    3 usr_history_interval_end: u64 = "usrHistoryIntervalEnd", TimeTicks, ReadOnly;
    /// The value's magnitude, whole (Gauge32 caps it; the HC view carries it).
    4 usr_history_abs_value: u64 = "usrHistoryAbsValue", Gauge32, ReadOnly;
    5 usr_history_val_status: UsrHistoryValStatus = "usrHistoryValStatus", Enum(UsrHistoryValStatus::NAMES), ReadOnly;
    extra {
        usr_history_control_index: u16,
        usr_history_object_index: u16,
    }
}

crate::mib_view! {
    /// usrHistoryHighCapacityTable (1.3.6.1.2.1.16.18.4), indexed like usrHistoryTable: the
    /// magnitude whole (CounterBasedGauge64) and divided by 2^32.
    pub static USR_HISTORY_HIGH_CAPACITY_TABLE: UsrHistoryEntry = "usrHistoryHighCapacityTable" at [1, 3, 6, 1, 2, 1, 16, 18, 4, 1]
        index [usr_history_control_index = "usrHistoryControlIndex", usr_history_sample_index = "usrHistorySampleIndex", usr_history_object_index = "usrHistoryObjectIndex"];
    1 "usrHistoryHighCapacityOverflowAbsValue" gauge_overflow usr_history_abs_value;
    2 "usrHistoryHighCapacityAbsValue" gauge usr_history_abs_value;
}
