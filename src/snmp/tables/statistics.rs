//! The statistics group: etherStatsTable (1.3.6.1.2.1.16.1.1).

use crate::rmon::Snapshot;
use crate::rmon::edit::ControlTable;
use crate::rmon::statistics::EtherStatsEntry;
use crate::snmp::mib::{Context, Table, counter32, integer};
use crate::snmp::tables::rmon::{control_index, data_source, entry, owner, row_edit, status};
use crate::snmp::value::Value;

const ENTRY: [u32; 10] = entry(1, 1);

fn value(_: &Context<'_>, e: &EtherStatsEntry, column: u32) -> Option<Value> {
    Some(match column {
        1 => integer(u64::from(e.ether_stats_index)),
        2 => data_source(e.ether_stats_data_source),
        3 => counter32(e.ether_stats_drop_events),
        4 => counter32(e.ether_stats_octets),
        5 => counter32(e.ether_stats_pkts),
        6 => counter32(e.ether_stats_broadcast_pkts),
        7 => counter32(e.ether_stats_multicast_pkts),
        8 => counter32(e.ether_stats_crc_align_errors),
        9 => counter32(e.ether_stats_undersize_pkts),
        10 => counter32(e.ether_stats_oversize_pkts),
        11 => counter32(e.ether_stats_fragments),
        12 => counter32(e.ether_stats_jabbers),
        13 => counter32(e.ether_stats_collisions),
        14 => counter32(e.ether_stats_pkts_64_octets),
        15 => counter32(e.ether_stats_pkts_65_to_127_octets),
        16 => counter32(e.ether_stats_pkts_128_to_255_octets),
        17 => counter32(e.ether_stats_pkts_256_to_511_octets),
        18 => counter32(e.ether_stats_pkts_512_to_1023_octets),
        19 => counter32(e.ether_stats_pkts_1024_to_1518_octets),
        20 => owner(&e.ether_stats_owner),
        21 => status(e.ether_stats_status),
        _ => return None,
    })
}

pub fn ether_stats_table() -> Table<EtherStatsEntry> {
    const COLUMNS: &[u32] = &[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21];
    Table {
        entry: &ENTRY,
        columns: COLUMNS,
        rows: |s: &Snapshot| &s.tables.ether_stats,
        index: |e| control_index(e.ether_stats_index),
        value,
        set: Some(|column, index, v| row_edit(ControlTable::EtherStats, column, index, v)),
    }
}
