//! The event group: eventTable (1.3.6.1.2.1.16.9.1) and logTable (.9.2).

use crate::mib::schema::{INDEX, OWNER, Syntax::*};
use crate::mib::tc::{EntryStatus, Owner};

/// eventDescription and eventCommunity: at most 127 octets.
pub const MAX_DESCRIPTION_LEN: usize = 127;

crate::mib_enum! {
    /// eventType.
    pub enum EventType {
        None = 1 => "none",
        Log = 2 => "log",
        SnmpTrap = 3 => "snmptrap",
        LogAndTrap = 4 => "logandtrap",
    }
    default None
}

crate::mib_table! {
    /// eventEntry as a manager reads it.
    pub struct EventEntry;
    pub static EVENT_TABLE = "eventTable" at [1, 3, 6, 1, 2, 1, 16, 9, 1, 1] index [event_index];
    1 event_index: u16 = "eventIndex", INDEX, ReadOnly;
    2 event_description: String = "eventDescription", Text { max: MAX_DESCRIPTION_LEN }, ReadCreate;
    3 event_type: EventType = "eventType", Enum(EventType::NAMES), ReadCreate;
    /// An OCTET STRING; shown as text in JSON.
    4 event_community: Vec<u8> = "eventCommunity", OctetsAsText { max: MAX_DESCRIPTION_LEN }, ReadCreate;
    5 event_last_time_sent: u64 = "eventLastTimeSent", TimeTicks, ReadOnly;
    6 event_owner: Owner = "eventOwner", OWNER, ReadCreate;
    7 event_status: EntryStatus = "eventStatus", Status, ReadCreate;
}

crate::mib_table! {
    /// logEntry as a manager reads it, indexed by (logEventIndex, logIndex).
    pub struct LogEntry;
    pub static LOG_TABLE = "logTable" at [1, 3, 6, 1, 2, 1, 16, 9, 2, 1] index [log_event_index, log_index];
    1 log_event_index: u16 = "logEventIndex", INDEX, ReadOnly;
    2 log_index: u32 = "logIndex", Integer { min: 1, max: i32::MAX as i64 }, ReadOnly;
    /// sysUpTime when the entry was made, in TimeTicks.
    3 log_time: u64 = "logTime", TimeTicks, ReadOnly;
    4 log_description: String = "logDescription", Text { max: 255 }, ReadOnly;
}
