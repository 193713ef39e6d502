//! The history group: historyControlTable (1.3.6.1.2.1.16.2.1) and etherHistoryTable (.2.2).

use crate::rmon::Snapshot;
use crate::rmon::edit::ControlTable;
use crate::rmon::history::{EtherHistoryEntry, HistoryControlEntry};
use crate::snmp::mib::{Context, Index, Table, counter32, integer, time_ticks};
use crate::snmp::tables::rmon::{control_index, data_source, entry, owner, row_edit, status};
use crate::snmp::value::Value;

const CONTROL_ENTRY: [u32; 10] = entry(2, 1);
const ETHER_HISTORY_ENTRY: [u32; 10] = entry(2, 2);

fn control(_: &Context<'_>, e: &HistoryControlEntry, column: u32) -> Option<Value> {
    Some(match column {
        1 => integer(u64::from(e.history_control_index)),
        2 => data_source(e.history_control_data_source),
        3 => integer(u64::from(e.history_control_buckets_requested)),
        4 => integer(u64::from(e.history_control_buckets_granted)),
        5 => integer(u64::from(e.history_control_interval)),
        6 => owner(&e.history_control_owner),
        7 => status(e.history_control_status),
        _ => return None,
    })
}

pub fn history_control_table() -> Table<HistoryControlEntry> {
    Table {
        entry: &CONTROL_ENTRY,
        columns: &[1, 2, 3, 4, 5, 6, 7],
        rows: |s: &Snapshot| &s.tables.history_control,
        index: |e| control_index(e.history_control_index),
        value: control,
        set: Some(|column, index, v| row_edit(ControlTable::HistoryControl, column, index, v)),
    }
}

fn bucket(_: &Context<'_>, e: &EtherHistoryEntry, column: u32) -> Option<Value> {
    Some(match column {
        1 => integer(u64::from(e.ether_history_index)),
        2 => integer(e.ether_history_sample_index),
        3 => time_ticks(e.ether_history_interval_start),
        4 => counter32(e.ether_history_drop_events),
        5 => counter32(e.ether_history_octets),
        6 => counter32(e.ether_history_pkts),
        7 => counter32(e.ether_history_broadcast_pkts),
        8 => counter32(e.ether_history_multicast_pkts),
        9 => counter32(e.ether_history_crc_align_errors),
        10 => counter32(e.ether_history_undersize_pkts),
        11 => counter32(e.ether_history_oversize_pkts),
        12 => counter32(e.ether_history_fragments),
        13 => counter32(e.ether_history_jabbers),
        14 => counter32(e.ether_history_collisions),
        15 => integer(u64::from(e.ether_history_utilization)),
        _ => return None,
    })
}

/// etherHistoryTable, indexed by (etherHistoryIndex, etherHistorySampleIndex). SampleIndex is an
/// Integer32 (1..2147483647): a probe would need 68 years of 1-second buckets to pass it.
pub fn ether_history_table() -> Table<EtherHistoryEntry> {
    Table {
        entry: &ETHER_HISTORY_ENTRY,
        columns: &[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15],
        rows: |s: &Snapshot| &s.tables.ether_history,
        index: |e| {
            let mut i = Index::of(u32::from(e.ether_history_index));
            i.push(u32::try_from(e.ether_history_sample_index).unwrap_or(u32::MAX));
            i
        },
        value: bucket,
        set: None,
    }
}
