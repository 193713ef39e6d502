//! The alarm group: alarmTable (1.3.6.1.2.1.16.3.1).

use crate::mib::oid::Oid;
use crate::mib::schema::{INDEX, INDEX_OR_ZERO, OWNER, Syntax::*};
use crate::mib::tc::{EntryStatus, Owner};

/// The longest alarmInterval the probe takes (the MIB's Integer32 allows it).
pub const MAX_INTERVAL_SECS: u32 = i32::MAX as u32;

crate::mib_enum! {
    /// alarmSampleType.
    pub enum SampleType {
        AbsoluteValue = 1 => "absoluteValue",
        DeltaValue = 2 => "deltaValue",
    }
    default AbsoluteValue
}

crate::mib_enum! {
    /// alarmStartupAlarm: which crossings the first comparison may report.
    pub enum StartupAlarm {
        RisingAlarm = 1 => "risingAlarm",
        FallingAlarm = 2 => "fallingAlarm",
        RisingOrFallingAlarm = 3 => "risingOrFallingAlarm",
    }
    default RisingOrFallingAlarm
}

crate::mib_table! {
    /// alarmEntry as a manager reads it. Every column but the value is frozen while valid.
    pub struct AlarmEntry;
    pub static ALARM_TABLE = "alarmTable" at [1, 3, 6, 1, 2, 1, 16, 3, 1, 1] index [alarm_index];
    1 alarm_index: u16 = "alarmIndex", INDEX, ReadOnly;
    2 alarm_interval: u32 = "alarmInterval", Integer { min: 1, max: MAX_INTERVAL_SECS as i64 }, ReadCreate, frozen;
    /// The object sampled; empty (served as 0.0) until a manager sets it.
    3 alarm_variable: Oid = "alarmVariable", ObjectId, ReadCreate, frozen;
    4 alarm_sample_type: SampleType = "alarmSampleType", Enum(SampleType::NAMES), ReadCreate, frozen;
    /// Exact; SNMP clamps it to Integer32.
    5 alarm_value: i64 = "alarmValue", Integer { min: i32::MIN as i64, max: i32::MAX as i64 }, ReadOnly;
    6 alarm_startup_alarm: StartupAlarm = "alarmStartupAlarm", Enum(StartupAlarm::NAMES), ReadCreate, frozen;
    7 alarm_rising_threshold: i32 = "alarmRisingThreshold", Integer { min: i32::MIN as i64, max: i32::MAX as i64 }, ReadCreate, frozen;
    8 alarm_falling_threshold: i32 = "alarmFallingThreshold", Integer { min: i32::MIN as i64, max: i32::MAX as i64 }, ReadCreate, frozen;
    9 alarm_rising_event_index: u16 = "alarmRisingEventIndex", INDEX_OR_ZERO, ReadCreate, frozen;
    10 alarm_falling_event_index: u16 = "alarmFallingEventIndex", INDEX_OR_ZERO, ReadCreate, frozen;
    11 alarm_owner: Owner = "alarmOwner", OWNER, ReadCreate;
    12 alarm_status: EntryStatus = "alarmStatus", Status, ReadCreate;
}
