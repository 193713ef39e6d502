//! The hosts group: hostControlTable (1.3.6.1.2.1.16.4.1), hostTable (.4.2), hostTimeTable (.4.3).

use crate::rmon::Snapshot;
use crate::rmon::edit::ControlTable;
use crate::rmon::hosts::{HostControlEntry, HostEntry, HostTimeEntry};
use crate::snmp::mib::{Context, Index, Table, counter32, integer, time_ticks};
use crate::snmp::tables::rmon::{control_index, data_source, entry, index_and_mac, mac, owner, row_edit, status};
use crate::snmp::value::Value;

const CONTROL_ENTRY: [u32; 10] = entry(4, 1);
const HOST_ENTRY: [u32; 10] = entry(4, 2);
const HOST_TIME_ENTRY: [u32; 10] = entry(4, 3);

fn control(_: &Context<'_>, e: &HostControlEntry, column: u32) -> Option<Value> {
    Some(match column {
        1 => integer(u64::from(e.host_control_index)),
        2 => data_source(e.host_control_data_source),
        3 => integer(e.host_control_table_size),
        4 => time_ticks(e.host_control_last_delete_time),
        5 => owner(&e.host_control_owner),
        6 => status(e.host_control_status),
        _ => return None,
    })
}

pub fn host_control_table() -> Table<HostControlEntry> {
    Table {
        entry: &CONTROL_ENTRY,
        columns: &[1, 2, 3, 4, 5, 6],
        rows: |s: &Snapshot| &s.tables.host_control,
        index: |e| control_index(e.host_control_index),
        value: control,
        set: Some(|column, index, v| row_edit(ControlTable::HostControl, column, index, v)),
    }
}

fn host(_: &Context<'_>, e: &HostEntry, column: u32) -> Option<Value> {
    Some(match column {
        1 => mac(e.host_address),
        2 => integer(u64::from(e.host_creation_order)),
        3 => integer(u64::from(e.host_index)),
        4 => counter32(e.host_in_pkts),
        5 => counter32(e.host_out_pkts),
        6 => counter32(e.host_in_octets),
        7 => counter32(e.host_out_octets),
        8 => counter32(e.host_out_errors),
        9 => counter32(e.host_out_broadcast_pkts),
        10 => counter32(e.host_out_multicast_pkts),
        _ => return None,
    })
}

/// hostTable, indexed by (hostIndex, hostAddress): `hostInPkts.1.6.a.b.c.d.e.f`.
pub fn host_table() -> Table<HostEntry> {
    Table {
        entry: &HOST_ENTRY,
        columns: &[1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
        rows: |s: &Snapshot| &s.tables.hosts,
        index: |e| index_and_mac(e.host_index, e.host_address),
        value: host,
        set: None,
    }
}

fn host_time(_: &Context<'_>, e: &HostTimeEntry, column: u32) -> Option<Value> {
    Some(match column {
        1 => mac(e.host_time_address),
        2 => integer(u64::from(e.host_time_creation_order)),
        3 => integer(u64::from(e.host_time_index)),
        4 => counter32(e.host_time_in_pkts),
        5 => counter32(e.host_time_out_pkts),
        6 => counter32(e.host_time_in_octets),
        7 => counter32(e.host_time_out_octets),
        8 => counter32(e.host_time_out_errors),
        9 => counter32(e.host_time_out_broadcast_pkts),
        10 => counter32(e.host_time_out_multicast_pkts),
        _ => return None,
    })
}

/// hostTimeTable, indexed by (hostTimeIndex, hostTimeCreationOrder).
pub fn host_time_table() -> Table<HostTimeEntry> {
    Table {
        entry: &HOST_TIME_ENTRY,
        columns: &[1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
        rows: |s: &Snapshot| &s.tables.host_time,
        index: |e| {
            let mut i = Index::of(u32::from(e.host_time_index));
            i.push(e.host_time_creation_order);
            i
        },
        value: host_time,
        set: None,
    }
}
