//! The event group: eventTable (1.3.6.1.2.1.16.9.1) and logTable (.9.2).

use crate::rmon::Snapshot;
use crate::rmon::edit::ControlTable;
use crate::rmon::event::{EventEntry, LogEntry};
use crate::snmp::mib::{Context, Index, Table, integer, time_ticks};
use crate::snmp::tables::rmon::{control_index, entry, owner, row_edit, status};
use crate::snmp::value::Value;

const EVENT_ENTRY: [u32; 10] = entry(9, 1);
const LOG_ENTRY: [u32; 10] = entry(9, 2);

fn event(_: &Context<'_>, e: &EventEntry, column: u32) -> Option<Value> {
    Some(match column {
        1 => integer(u64::from(e.event_index)),
        2 => Value::OctetString(e.event_description.as_bytes().to_vec()),
        3 => Value::Integer(e.event_type as i32),
        4 => Value::OctetString(e.event_community.clone()),
        5 => time_ticks(e.event_last_time_sent),
        6 => owner(&e.event_owner),
        7 => status(e.event_status),
        _ => return None,
    })
}

pub fn event_table() -> Table<EventEntry> {
    Table {
        entry: &EVENT_ENTRY,
        columns: &[1, 2, 3, 4, 5, 6, 7],
        rows: |s: &Snapshot| &s.tables.event,
        index: |e| control_index(e.event_index),
        value: event,
        set: Some(|column, index, v| row_edit(ControlTable::Event, column, index, v)),
    }
}

fn log(_: &Context<'_>, e: &LogEntry, column: u32) -> Option<Value> {
    Some(match column {
        1 => integer(u64::from(e.log_event_index)),
        2 => integer(u64::from(e.log_index)),
        3 => time_ticks(e.log_time),
        4 => Value::OctetString(e.log_description.as_bytes().to_vec()),
        _ => return None,
    })
}

/// logTable, indexed by (logEventIndex, logIndex): `logTime.1.2`.
pub fn log_table() -> Table<LogEntry> {
    Table {
        entry: &LOG_ENTRY,
        columns: &[1, 2, 3, 4],
        rows: |s: &Snapshot| &s.tables.log,
        index: |e| {
            let mut i = Index::of(u32::from(e.log_event_index));
            i.push(e.log_index);
            i
        },
        value: log,
        set: None,
    }
}
