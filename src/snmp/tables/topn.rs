//! The hostTopN group: hostTopNControlTable (1.3.6.1.2.1.16.5.1) and hostTopNTable (.5.2).

use crate::rmon::Snapshot;
use crate::rmon::edit::ControlTable;
use crate::rmon::topn::{HostTopNControlEntry, HostTopNEntry};
use crate::snmp::mib::{Context, Index, Table, integer, time_ticks};
use crate::snmp::tables::rmon::{control_index, entry, mac, owner, row_edit, status};
use crate::snmp::value::Value;

const CONTROL_ENTRY: [u32; 10] = entry(5, 1);
const TOP_N_ENTRY: [u32; 10] = entry(5, 2);

fn control(_: &Context<'_>, e: &HostTopNControlEntry, column: u32) -> Option<Value> {
    Some(match column {
        1 => integer(u64::from(e.host_top_n_control_index)),
        // Host index and rate base have no value until a manager sets them on a new row.
        2 => integer(u64::from(e.host_top_n_host_index?)),
        3 => Value::Integer(e.host_top_n_rate_base? as i32),
        4 => integer(u64::from(e.host_top_n_time_remaining)),
        5 => integer(u64::from(e.host_top_n_duration)),
        6 => integer(u64::from(e.host_top_n_requested_size)),
        7 => integer(u64::from(e.host_top_n_granted_size)),
        8 => time_ticks(e.host_top_n_start_time),
        9 => owner(&e.host_top_n_owner),
        10 => status(e.host_top_n_status),
        _ => return None,
    })
}

pub fn host_top_n_control_table() -> Table<HostTopNControlEntry> {
    Table {
        entry: &CONTROL_ENTRY,
        columns: &[1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
        rows: |s: &Snapshot| &s.tables.host_top_n_control,
        index: |e| control_index(e.host_top_n_control_index),
        value: control,
        set: Some(|column, index, v| row_edit(ControlTable::HostTopNControl, column, index, v)),
    }
}

fn report(_: &Context<'_>, e: &HostTopNEntry, column: u32) -> Option<Value> {
    Some(match column {
        1 => integer(u64::from(e.host_top_n_report)),
        2 => integer(u64::from(e.host_top_n_index)),
        3 => mac(e.host_top_n_address),
        // hostTopNRate is an Integer32: a change beyond it reads as the largest it can hold.
        4 => integer(e.host_top_n_rate),
        _ => return None,
    })
}

/// hostTopNTable, indexed by (hostTopNReport, hostTopNIndex).
pub fn host_top_n_table() -> Table<HostTopNEntry> {
    Table {
        entry: &TOP_N_ENTRY,
        columns: &[1, 2, 3, 4],
        rows: |s: &Snapshot| &s.tables.host_top_n,
        index: |e| {
            let mut i = Index::of(u32::from(e.host_top_n_report));
            i.push(e.host_top_n_index);
            i
        },
        value: report,
        set: None,
    }
}
