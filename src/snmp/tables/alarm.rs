//! The alarm group: alarmTable (1.3.6.1.2.1.16.3.1).

use crate::rmon::Snapshot;
use crate::rmon::alarm::AlarmEntry;
use crate::rmon::edit::ControlTable;
use crate::snmp::mib::{Context, Table, integer};
use crate::snmp::oid::Oid;
use crate::snmp::tables::rmon::{control_index, entry, owner, row_edit, status};
use crate::snmp::value::Value;

const ALARM_ENTRY: [u32; 10] = entry(3, 1);

fn alarm(_: &Context<'_>, e: &AlarmEntry, column: u32) -> Option<Value> {
    Some(match column {
        1 => integer(u64::from(e.alarm_index)),
        2 => integer(u64::from(e.alarm_interval)),
        // A row under creation names no variable yet: zeroDotZero, as for an unset dataSource.
        3 if e.alarm_variable.as_slice().is_empty() => Value::ObjectId(Oid(vec![0, 0])),
        3 => Value::ObjectId(e.alarm_variable.clone()),
        4 => Value::Integer(e.alarm_sample_type as i32),
        // Exact in the report; Integer32 here.
        5 => Value::Integer(e.alarm_value.clamp(i64::from(i32::MIN), i64::from(i32::MAX)) as i32),
        6 => Value::Integer(e.alarm_startup_alarm as i32),
        7 => Value::Integer(e.alarm_rising_threshold),
        8 => Value::Integer(e.alarm_falling_threshold),
        9 => integer(u64::from(e.alarm_rising_event_index)),
        10 => integer(u64::from(e.alarm_falling_event_index)),
        11 => owner(&e.alarm_owner),
        12 => status(e.alarm_status),
        _ => return None,
    })
}

pub fn alarm_table() -> Table<AlarmEntry> {
    Table {
        entry: &ALARM_ENTRY,
        columns: &[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12],
        rows: |s: &Snapshot| &s.tables.alarm,
        index: |e| control_index(e.alarm_index),
        value: alarm,
        set: Some(|column, index, v| row_edit(ControlTable::Alarm, column, index, v)),
    }
}
