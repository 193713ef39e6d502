//! The filter group: filterTable (1.3.6.1.2.1.16.7.1) and channelTable (.7.2).

use crate::rmon::Snapshot;
use crate::rmon::edit::ControlTable;
use crate::rmon::filter::{ChannelEntry, FilterEntry};
use crate::snmp::mib::{Context, Table, counter32, integer};
use crate::snmp::tables::rmon::{control_index, entry, owner, row_edit, status};
use crate::snmp::value::Value;

const FILTER_ENTRY: [u32; 10] = entry(7, 1);
const CHANNEL_ENTRY: [u32; 10] = entry(7, 2);

fn filter(_: &Context<'_>, e: &FilterEntry, column: u32) -> Option<Value> {
    Some(match column {
        1 => integer(u64::from(e.filter_index)),
        2 => integer(u64::from(e.filter_channel_index)),
        3 => integer(u64::from(e.filter_pkt_data_offset)),
        4 => Value::OctetString(e.filter_pkt_data.0.clone()),
        5 => Value::OctetString(e.filter_pkt_data_mask.0.clone()),
        6 => Value::OctetString(e.filter_pkt_data_not_mask.0.clone()),
        7 => Value::Integer(e.filter_pkt_status),
        8 => Value::Integer(e.filter_pkt_status_mask),
        9 => Value::Integer(e.filter_pkt_status_not_mask),
        10 => owner(&e.filter_owner),
        11 => status(e.filter_status),
        _ => return None,
    })
}

pub fn filter_table() -> Table<FilterEntry> {
    Table {
        entry: &FILTER_ENTRY,
        columns: &[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11],
        rows: |s: &Snapshot| &s.tables.filters,
        index: |e| control_index(e.filter_index),
        value: filter,
        set: Some(|column, index, v| row_edit(ControlTable::Filter, column, index, v)),
    }
}

fn channel(_: &Context<'_>, e: &ChannelEntry, column: u32) -> Option<Value> {
    Some(match column {
        1 => integer(u64::from(e.channel_index)),
        2 => integer(u64::from(e.channel_if_index)),
        3 => Value::Integer(e.channel_accept_type as i32),
        4 => Value::Integer(e.channel_data_control as i32),
        5 => integer(u64::from(e.channel_turn_on_event_index)),
        6 => integer(u64::from(e.channel_turn_off_event_index)),
        7 => integer(u64::from(e.channel_event_index)),
        8 => Value::Integer(e.channel_event_status as i32),
        9 => counter32(e.channel_matches),
        10 => Value::OctetString(e.channel_description.as_bytes().to_vec()),
        11 => owner(&e.channel_owner),
        12 => status(e.channel_status),
        _ => return None,
    })
}

pub fn channel_table() -> Table<ChannelEntry> {
    Table {
        entry: &CHANNEL_ENTRY,
        columns: &[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12],
        rows: |s: &Snapshot| &s.tables.channels,
        index: |e| control_index(e.channel_index),
        value: channel,
        set: Some(|column, index, v| row_edit(ControlTable::Channel, column, index, v)),
    }
}
