//! The matrix group: matrixControlTable (1.3.6.1.2.1.16.6.1), matrixSDTable (.6.2) and
//! matrixDSTable (.6.3): the same conversations, indexed source first and destination first.

use crate::packet::MacAddr;
use crate::rmon::Snapshot;
use crate::rmon::edit::ControlTable;
use crate::rmon::matrix::{MatrixControlEntry, MatrixDsEntry, MatrixSdEntry};
use crate::snmp::mib::{Context, Table, counter32, integer, time_ticks};
use crate::snmp::tables::rmon::{control_index, data_source, entry, index_and_mac, mac, owner, row_edit, status};
use crate::snmp::value::Value;

const CONTROL_ENTRY: [u32; 10] = entry(6, 1);
const SD_ENTRY: [u32; 10] = entry(6, 2);
const DS_ENTRY: [u32; 10] = entry(6, 3);

fn control(_: &Context<'_>, e: &MatrixControlEntry, column: u32) -> Option<Value> {
    Some(match column {
        1 => integer(u64::from(e.matrix_control_index)),
        2 => data_source(e.matrix_control_data_source),
        3 => integer(e.matrix_control_table_size),
        4 => time_ticks(e.matrix_control_last_delete_time),
        5 => owner(&e.matrix_control_owner),
        6 => status(e.matrix_control_status),
        _ => return None,
    })
}

pub fn matrix_control_table() -> Table<MatrixControlEntry> {
    Table {
        entry: &CONTROL_ENTRY,
        columns: &[1, 2, 3, 4, 5, 6],
        rows: |s: &Snapshot| &s.tables.matrix_control,
        index: |e| control_index(e.matrix_control_index),
        value: control,
        set: Some(|column, index, v| row_edit(ControlTable::MatrixControl, column, index, v)),
    }
}

/// The columns both conversation tables share (SourceAddress, DestAddress, Index, Pkts, Octets,
/// Errors): the same pair, read from either side.
fn conversation(source: MacAddr, dest: MacAddr, index: u16, counts: [u64; 3], column: u32) -> Option<Value> {
    let [pkts, octets, errors] = counts;
    Some(match column {
        1 => mac(source),
        2 => mac(dest),
        3 => integer(u64::from(index)),
        4 => counter32(pkts),
        5 => counter32(octets),
        6 => counter32(errors),
        _ => return None,
    })
}

fn sd(_: &Context<'_>, e: &MatrixSdEntry, column: u32) -> Option<Value> {
    conversation(e.source_address, e.dest_address, e.index, [e.pkts, e.octets, e.errors], column)
}

/// matrixSDTable, indexed by (matrixSDIndex, source, destination).
pub fn matrix_sd_table() -> Table<MatrixSdEntry> {
    Table {
        entry: &SD_ENTRY,
        columns: &[1, 2, 3, 4, 5, 6],
        rows: |s: &Snapshot| &s.tables.matrix_sd,
        index: |e| {
            let mut i = index_and_mac(e.index, e.source_address);
            i.push_octets(&e.dest_address.0);
            i
        },
        value: sd,
        set: None,
    }
}

fn ds(_: &Context<'_>, e: &MatrixDsEntry, column: u32) -> Option<Value> {
    conversation(e.source_address, e.dest_address, e.index, [e.pkts, e.octets, e.errors], column)
}

/// matrixDSTable, indexed by (matrixDSIndex, destination, source).
pub fn matrix_ds_table() -> Table<MatrixDsEntry> {
    Table {
        entry: &DS_ENTRY,
        columns: &[1, 2, 3, 4, 5, 6],
        rows: |s: &Snapshot| &s.tables.matrix_ds,
        index: |e| {
            let mut i = index_and_mac(e.index, e.dest_address);
            i.push_octets(&e.source_address.0);
            i
        },
        value: ds,
        set: None,
    }
}
