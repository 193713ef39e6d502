//! The capture group: bufferControlTable (1.3.6.1.2.1.16.8.1) and captureBufferTable (.8.2).

use crate::rmon::Snapshot;
use crate::rmon::capture::{BufferControlEntry, CaptureBufferEntry};
use crate::rmon::edit::ControlTable;
use crate::snmp::mib::{Context, Index, Table, integer, time_ticks};
use crate::snmp::tables::rmon::{control_index, entry, owner, row_edit, status};
use crate::snmp::value::Value;

const BUFFER_CONTROL_ENTRY: [u32; 10] = entry(8, 1);
const CAPTURE_BUFFER_ENTRY: [u32; 10] = entry(8, 2);

fn control(_: &Context<'_>, e: &BufferControlEntry, column: u32) -> Option<Value> {
    Some(match column {
        1 => integer(u64::from(e.buffer_control_index)),
        2 => integer(u64::from(e.buffer_control_channel_index)),
        3 => Value::Integer(e.buffer_control_full_status as i32),
        4 => Value::Integer(e.buffer_control_full_action as i32),
        5 => integer(u64::from(e.buffer_control_capture_slice_size)),
        6 => integer(u64::from(e.buffer_control_download_slice_size)),
        7 => integer(u64::from(e.buffer_control_download_offset)),
        8 => Value::Integer(e.buffer_control_max_octets_requested),
        9 => Value::Integer(e.buffer_control_max_octets_granted),
        10 => integer(e.buffer_control_captured_packets),
        11 => time_ticks(e.buffer_control_turn_on_time),
        12 => owner(&e.buffer_control_owner),
        13 => status(e.buffer_control_status),
        _ => return None,
    })
}

pub fn buffer_control_table() -> Table<BufferControlEntry> {
    Table {
        entry: &BUFFER_CONTROL_ENTRY,
        columns: &[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13],
        rows: |s: &Snapshot| &s.tables.buffer_control,
        index: |e| control_index(e.buffer_control_index),
        value: control,
        set: Some(|column, index, v| row_edit(ControlTable::BufferControl, column, index, v)),
    }
}

fn packet(_: &Context<'_>, e: &CaptureBufferEntry, column: u32) -> Option<Value> {
    Some(match column {
        1 => integer(u64::from(e.capture_buffer_control_index)),
        2 => integer(u64::from(e.capture_buffer_index)),
        3 => integer(u64::from(e.capture_buffer_packet_id)),
        4 => Value::OctetString(e.capture_buffer_packet_data.0.clone()),
        5 => integer(u64::from(e.capture_buffer_packet_length)),
        6 => integer(e.capture_buffer_packet_time),
        7 => Value::Integer(i32::from(e.capture_buffer_packet_status)),
        _ => return None,
    })
}

/// captureBufferTable, indexed by (captureBufferControlIndex, captureBufferIndex). The rows
/// are in index order within a buffer; a wrapped captureBufferIndex (after 2^31 - 1 frames)
/// would break that order, which a walk of a buffer turned on for years could see.
pub fn capture_buffer_table() -> Table<CaptureBufferEntry> {
    Table {
        entry: &CAPTURE_BUFFER_ENTRY,
        columns: &[1, 2, 3, 4, 5, 6, 7],
        rows: |s: &Snapshot| &s.tables.capture_buffer,
        index: |e| {
            let mut i = Index::of(u32::from(e.capture_buffer_control_index));
            i.push(e.capture_buffer_index);
            i
        },
        value: packet,
        set: None,
    }
}
