//! The event group: eventTable and logTable (RFC 2819, section 5.9), and the traps events ask for.
//!
//! An event row says what the probe does when something elsewhere in the MIB fires it (an alarm
//! crossing a threshold, a channel matching a packet): nothing, a line in the log, a trap, or
//! both. Firing stamps
//! eventLastTimeSent. This file does not send anything: a trap comes back as a [`TrapRequest`],
//! which event fired and why ([`TrapCause`]), typed; the notification's OID and varbinds are the
//! SNMP agent's to build (`snmp/trap.rs`), so that this layer knows no SNMP encoding and no
//! column OIDs (`rmon/` does no I/O).
//!
//! The log is one bounded queue across all events ([`EventTable::new`]'s limit): the MIB lets an
//! agent delete the oldest entries "as required because of lack of memory", and one shared bound
//! keeps a chatty event from growing the probe without end. logIndex counts per event from 1 and
//! keeps growing when old entries go, so a manager that polls the log never sees an index reused.
//! An event row that leaves valid takes its log entries with it (eventStatus's DESCRIPTION).

use std::collections::{BTreeMap, VecDeque};

use crate::rmon::alarm::{AlarmCrossing, Crossing};
use crate::rmon::control::{EntryStatus, Owner};

pub use crate::mib::rmon1::event::{EventEntry, EventType, LogEntry};

/// What fired an event.
#[derive(Clone, Copy, Debug)]
pub enum Cause<'a> {
    /// An alarm crossed a threshold.
    Alarm(&'a AlarmCrossing),
    /// A channel whose channelEventStatus was eventReady or eventAlwaysReady matched a packet
    /// while its data control was on.
    PacketMatch { channel_index: u16, matches: u64, description: &'a str },
}

/// Longest eventDescription and eventCommunity (SIZE (0..127)).
pub const MAX_DESCRIPTION_LEN: usize = 127;
/// Longest logDescription (DisplayString (SIZE (0..255))).
pub const MAX_LOG_DESCRIPTION_LEN: usize = 255;
/// Largest logIndex (Integer32 (1..2147483647)).
pub const MAX_LOG_INDEX: u32 = i32::MAX as u32;
/// Log entries kept unless configured otherwise.
pub const DEFAULT_LOG_ENTRIES: usize = 1000;

impl EventType {
    fn logs(self) -> bool {
        matches!(self, EventType::Log | EventType::LogAndTrap)
    }

    fn traps(self) -> bool {
        matches!(self, EventType::SnmpTrap | EventType::LogAndTrap)
    }
}

/// An eventEntry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Event {
    pub description: String,
    pub event_type: EventType,
    /// eventCommunity: the community of the traps this event sends.
    pub community: Vec<u8>,
    /// eventLastTimeSent in TimeTicks of probe time (0: never fired).
    pub last_time_sent: u64,
    pub owner: Owner,
    pub status: EntryStatus,
    /// The logIndex of this event's next log entry.
    next_log_index: u32,
}

impl Event {
    /// A row of these columns, never fired, with `status`.
    pub fn new(
        description: String,
        event_type: EventType,
        community: Vec<u8>,
        owner: Owner,
        status: EntryStatus,
    ) -> Event {
        Event { description, event_type, community, last_time_sent: 0, owner, status, next_log_index: 1 }
    }

    /// Why the row could not be valid, if it could not: a description or community longer than
    /// the MIB allows.
    pub fn problem(&self) -> Option<String> {
        if self.description.len() > MAX_DESCRIPTION_LEN {
            return Some(format!(
                "eventDescription is {} octets; the MIB allows at most {MAX_DESCRIPTION_LEN}",
                self.description.len()
            ));
        }
        if self.community.len() > MAX_DESCRIPTION_LEN {
            return Some(format!(
                "eventCommunity is {} octets; the MIB allows at most {MAX_DESCRIPTION_LEN}",
                self.community.len()
            ));
        }
        None
    }
}

/// A notification for the caller to send, as the event that asked for it and the cause, typed:
/// the SNMP agent turns it into risingAlarm, fallingAlarm or rmonprobePacketMatch with their
/// varbinds (`snmp/trap.rs`), so the counting layer never builds SNMP values.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrapRequest {
    /// The eventIndex that asked for it.
    pub event_index: u16,
    /// eventCommunity.
    pub community: Vec<u8>,
    /// sysUpTime when the event fired, in TimeTicks (not wrapped).
    pub sys_up_time: u64,
    /// What fired the event: what the notification's objects report.
    pub cause: TrapCause,
}

/// What fired an event that sends a trap: [`Cause`], owned, for the trap to outlive the step
/// that fired it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TrapCause {
    /// An alarm crossed a threshold: risingAlarm or fallingAlarm, as `crossing` says, with the
    /// alarm's alarmIndex, alarmVariable, alarmSampleType, alarmValue (exact: SNMP clamps it) and
    /// the threshold reached.
    Alarm(AlarmCrossing),
    /// A channel matched a packet: rmonprobePacketMatch with channelIndex, channelMatches and
    /// channelDescription.
    PacketMatch { channel_index: u16, matches: u64, description: String },
}

impl TrapCause {
    fn of(cause: &Cause<'_>) -> TrapCause {
        match *cause {
            Cause::Alarm(crossing) => TrapCause::Alarm(crossing.clone()),
            Cause::PacketMatch { channel_index, matches, description } => {
                TrapCause::PacketMatch { channel_index, matches, description: description.to_string() }
            }
        }
    }
}

/// eventTable and logTable.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventTable {
    rows: BTreeMap<u16, Event>,
    /// Every event's log entries, oldest first.
    log: VecDeque<LogEntry>,
    log_limit: usize,
}

impl EventTable {
    /// An empty table whose log keeps at most `log_limit` entries (0: logs nothing).
    pub fn new(log_limit: usize) -> EventTable {
        EventTable { rows: BTreeMap::new(), log: VecDeque::new(), log_limit }
    }

    /// Adds or replaces the row `index`. A replaced row's log entries go with it (its logIndex
    /// starts again at 1, so old entries would otherwise collide with new ones).
    pub fn insert(&mut self, index: u16, event: Event) {
        self.remove(index);
        self.rows.insert(index, event);
    }

    /// Deletes the row `index` and its log entries.
    pub fn remove(&mut self, index: u16) -> Option<Event> {
        self.log.retain(|e| e.log_event_index != index);
        self.rows.remove(&index)
    }

    /// The rows, for SET's edits (`rmon/edit.rs`); [`EventTable::prune_log`] must follow.
    pub(crate) fn rows_mut(&mut self) -> &mut BTreeMap<u16, Event> {
        &mut self.rows
    }

    /// Drops the log entries of events that no longer exist or are not valid: a row leaving
    /// valid takes its data with it.
    pub fn prune_log(&mut self) {
        let rows = &self.rows;
        self.log.retain(|e| rows.get(&e.log_event_index).is_some_and(|r| r.status == EntryStatus::Valid));
    }

    pub fn get(&self, index: u16) -> Option<&Event> {
        self.rows.get(&index)
    }

    /// The rows, in eventIndex order.
    pub fn rows(&self) -> impl Iterator<Item = (u16, &Event)> {
        self.rows.iter().map(|(&i, e)| (i, e))
    }

    /// The log in logTable's index order (logEventIndex, logIndex).
    pub fn log(&self) -> Vec<LogEntry> {
        let mut log: Vec<LogEntry> = self.log.iter().cloned().collect();
        log.sort_by_key(|e| (e.log_event_index, e.log_index));
        log
    }

    /// Whether event `index` exists and is valid: whether firing it generates anything (the
    /// channels it turns on or off listen for that).
    pub fn is_valid(&self, index: u16) -> bool {
        self.rows.get(&index).is_some_and(|e| e.status == EntryStatus::Valid)
    }

    /// Fires event `index` for `cause` at `sys_up_time` (TimeTicks): logs it and
    /// gives the trap to send, as the event's type says, and stamps eventLastTimeSent (for every
    /// type: the MIB's "last generated an event", which type none does too). Index 0, a row that
    /// does not exist and a row that is not valid do nothing: the MIB's "no association exists".
    pub fn fire(&mut self, index: u16, sys_up_time: u64, cause: &Cause<'_>) -> Option<TrapRequest> {
        let event = self.rows.get_mut(&index).filter(|e| e.status == EntryStatus::Valid)?;
        event.last_time_sent = sys_up_time;
        let event_type = event.event_type;
        if event_type.logs() && self.log_limit > 0 {
            let log_index = event.next_log_index;
            // After 2^31-1 entries of one event (years of firing every second), start again at 1:
            // the log holds far fewer entries than that, so no two share an index.
            event.next_log_index = if log_index >= MAX_LOG_INDEX { 1 } else { log_index + 1 };
            while self.log.len() >= self.log_limit {
                self.log.pop_front();
            }
            self.log.push_back(LogEntry {
                log_event_index: index,
                log_index,
                log_time: sys_up_time,
                log_description: describe(cause),
            });
        }
        let event = self.rows.get(&index)?;
        event_type.traps().then(|| TrapRequest {
            event_index: index,
            community: event.community.clone(),
            sys_up_time,
            cause: TrapCause::of(cause),
        })
    }
}

/// logDescription: for an alarm's crossing, in the words of the MIB and of probes that log the
/// same: which alarm, which notification, the variable, the value compared, which threshold and
/// its value. `alarm 3 risingAlarm: 1.3.6.1.2.1.16.1.1.1.5.1 deltaValue 1500 >=
/// alarmRisingThreshold 1000`; for a channel, `channel 2 matched a packet (channelMatches 57):
/// ICMP`. Cut to 255 octets (a long OID or description could pass it).
fn describe(cause: &Cause<'_>) -> String {
    let mut text = match *cause {
        Cause::Alarm(crossing) => describe_crossing(crossing),
        Cause::PacketMatch { channel_index, matches, description } => {
            format!("channel {channel_index} matched a packet (channelMatches {matches}): {description}")
        }
    };
    if text.len() > MAX_LOG_DESCRIPTION_LEN {
        let mut end = MAX_LOG_DESCRIPTION_LEN;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
    }
    text
}

fn describe_crossing(cause: &AlarmCrossing) -> String {
    let (op, threshold) = match cause.crossing {
        Crossing::Rising => (">=", "alarmRisingThreshold"),
        Crossing::Falling => ("<=", "alarmFallingThreshold"),
    };
    format!(
        "alarm {} {}: {} {} {} {op} {threshold} {}",
        cause.alarm_index,
        cause.crossing.name(),
        cause.variable,
        cause.sample_type.name(),
        cause.value,
        cause.threshold
    )
}

impl EventEntry {
    pub fn new(index: u16, event: &Event) -> EventEntry {
        EventEntry {
            event_index: index,
            event_description: event.description.clone(),
            event_type: event.event_type,
            event_community: event.community.clone(),
            event_last_time_sent: event.last_time_sent,
            event_owner: event.owner.clone(),
            event_status: event.status,
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::mib::Oid;
    use crate::rmon::alarm::SampleType;

    fn event(event_type: EventType) -> Event {
        Event::new("high load".into(), event_type, b"traps".to_vec(), Owner::monitor(), EntryStatus::Valid)
    }

    /// An alarm crossing of alarmIndex `alarm_index` over etherStatsPkts.1 (also the traps' tests).
    pub(crate) fn crossing(alarm_index: u16, crossing: Crossing, value: i64) -> AlarmCrossing {
        AlarmCrossing {
            alarm_index,
            crossing,
            variable: "1.3.6.1.2.1.16.1.1.1.5.1".parse().unwrap(),
            sample_type: SampleType::DeltaValue,
            value,
            threshold: match crossing {
                Crossing::Rising => 1000,
                Crossing::Falling => 100,
            },
        }
    }

    fn table() -> EventTable {
        let mut t = EventTable::new(10);
        t.insert(1, event(EventType::None));
        t.insert(2, event(EventType::Log));
        t.insert(3, event(EventType::SnmpTrap));
        t.insert(4, event(EventType::LogAndTrap));
        t
    }

    #[test]
    fn each_type_does_what_it_says() {
        let mut t = table();
        let c = crossing(7, Crossing::Rising, 1500);
        assert_eq!(t.fire(1, 100, &Cause::Alarm(&c)), None);
        assert!(t.log().is_empty());
        assert_eq!(t.fire(2, 200, &Cause::Alarm(&c)), None);
        assert_eq!(t.log().len(), 1);
        assert!(t.fire(3, 300, &Cause::Alarm(&c)).is_some());
        assert_eq!(t.log().len(), 1);
        assert!(t.fire(4, 400, &Cause::Alarm(&c)).is_some());
        let log: Vec<_> = t.log().iter().map(|e| (e.log_event_index, e.log_index, e.log_time)).collect();
        assert_eq!(log, vec![(2, 1, 200), (4, 1, 400)]);
        let sent: Vec<_> = t.rows().map(|(i, e)| (i, e.last_time_sent)).collect();
        assert_eq!(sent, vec![(1, 100), (2, 200), (3, 300), (4, 400)]);
    }

    #[test]
    fn no_event_for_zero_missing_or_invalid_rows() {
        let mut t = table();
        t.insert(
            5,
            Event::new(String::new(), EventType::LogAndTrap, vec![], Owner::default(), EntryStatus::UnderCreation),
        );
        let c = crossing(1, Crossing::Rising, 1500);
        for index in [0, 5, 9] {
            assert_eq!(t.fire(index, 100, &Cause::Alarm(&c)), None, "event {index}");
        }
        assert!(t.log().is_empty());
        assert_eq!(t.get(5).unwrap().last_time_sent, 0);
    }

    // The varbinds of these traps (OIDs, order, types, clamping) are tested where they are
    // built, in snmp/trap.rs.
    #[test]
    fn a_trap_carries_its_event_and_the_typed_cause() {
        let mut t = table();
        let c = crossing(7, Crossing::Rising, 1500);
        let trap = t.fire(3, 4242, &Cause::Alarm(&c)).unwrap();
        assert_eq!((trap.event_index, trap.community.as_slice(), trap.sys_up_time), (3, &b"traps"[..], 4242));
        assert_eq!(trap.cause, TrapCause::Alarm(c));
        let matched = Cause::PacketMatch { channel_index: 2, matches: 57, description: "ICMP" };
        let trap = t.fire(4, 4343, &matched).unwrap();
        assert_eq!((trap.event_index, trap.sys_up_time), (4, 4343));
        assert_eq!(trap.cause, TrapCause::PacketMatch { channel_index: 2, matches: 57, description: "ICMP".into() });
    }

    #[test]
    fn log_description_says_what_happened() {
        let mut t = table();
        t.fire(2, 1, &Cause::Alarm(&crossing(3, Crossing::Rising, 1500)));
        t.fire(2, 2, &Cause::Alarm(&crossing(3, Crossing::Falling, 40)));
        let log = t.log();
        assert_eq!(
            log[0].log_description,
            "alarm 3 risingAlarm: 1.3.6.1.2.1.16.1.1.1.5.1 deltaValue 1500 >= alarmRisingThreshold 1000"
        );
        assert_eq!(
            log[1].log_description,
            "alarm 3 fallingAlarm: 1.3.6.1.2.1.16.1.1.1.5.1 deltaValue 40 <= alarmFallingThreshold 100"
        );
        let mut long = crossing(3, Crossing::Rising, 1);
        long.variable = Oid(vec![4_000_000_000; 120]);
        t.fire(2, 3, &Cause::Alarm(&long));
        assert_eq!(t.log()[2].log_description.len(), MAX_LOG_DESCRIPTION_LEN);
    }

    #[test]
    fn log_is_bounded_oldest_first_and_indexes_keep_growing() {
        let mut t = EventTable::new(3);
        t.insert(1, event(EventType::Log));
        t.insert(2, event(EventType::Log));
        let c = crossing(1, Crossing::Rising, 1500);
        for tick in 1..=5 {
            t.fire(1, tick, &Cause::Alarm(&c));
        }
        t.fire(2, 6, &Cause::Alarm(&c));
        let log: Vec<_> = t.log().iter().map(|e| (e.log_event_index, e.log_index, e.log_time)).collect();
        assert_eq!(log, vec![(1, 4, 4), (1, 5, 5), (2, 1, 6)]);
        t.fire(1, 7, &Cause::Alarm(&c));
        let log: Vec<_> = t.log().iter().map(|e| (e.log_event_index, e.log_index)).collect();
        assert_eq!(log, vec![(1, 5), (1, 6), (2, 1)], "logTable index order, not time order");
    }

    #[test]
    fn a_log_of_zero_entries_logs_nothing() {
        let mut t = EventTable::new(0);
        t.insert(1, event(EventType::LogAndTrap));
        assert!(t.fire(1, 1, &Cause::Alarm(&crossing(1, Crossing::Rising, 1500))).is_some());
        assert!(t.log().is_empty());
    }

    #[test]
    fn deleting_an_event_deletes_its_log() {
        let mut t = table();
        let c = crossing(1, Crossing::Rising, 1500);
        t.fire(2, 1, &Cause::Alarm(&c));
        t.fire(4, 2, &Cause::Alarm(&c));
        assert!(t.remove(2).is_some());
        assert_eq!(t.log().iter().map(|e| e.log_event_index).collect::<Vec<_>>(), vec![4]);
        // A row made again starts its logIndex at 1.
        t.insert(4, event(EventType::Log));
        assert!(t.log().is_empty());
        t.fire(4, 3, &Cause::Alarm(&c));
        assert_eq!(t.log()[0].log_index, 1);
    }

    #[test]
    fn log_index_wraps_to_one_after_the_largest() {
        let mut t = EventTable::new(5);
        let mut e = event(EventType::Log);
        e.next_log_index = MAX_LOG_INDEX;
        t.insert(1, e);
        let c = crossing(1, Crossing::Rising, 1500);
        t.fire(1, 1, &Cause::Alarm(&c));
        t.fire(1, 2, &Cause::Alarm(&c));
        let got: Vec<_> = t.log().iter().map(|e| e.log_index).collect();
        assert_eq!(got, vec![1, MAX_LOG_INDEX]);
    }

    #[test]
    fn problems_and_json() {
        assert_eq!(event(EventType::Log).problem(), None);
        let mut e = event(EventType::Log);
        e.description = "x".repeat(128);
        assert!(e.problem().unwrap().contains("eventDescription"));
        let mut e = event(EventType::Log);
        e.community = vec![b'c'; 128];
        assert!(e.problem().unwrap().contains("eventCommunity"));
        let json = serde_json::to_value(EventEntry::new(4, &event(EventType::LogAndTrap))).unwrap();
        assert_eq!(json["eventIndex"], 4);
        assert_eq!(json["eventType"], "logandtrap");
        assert_eq!(json["eventCommunity"], "traps");
        assert_eq!(json["eventLastTimeSent"], 0);
        assert_eq!(serde_json::to_value(EventType::SnmpTrap).unwrap(), "snmptrap");
        assert_eq!(serde_json::to_value(EventType::None).unwrap(), "none");
        assert_eq!(EventType::from_value(4), Some(EventType::LogAndTrap));
        assert_eq!(EventType::from_value(5), None);
    }
}
