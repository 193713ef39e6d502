//! IF-MIB (RFC 2863): ifNumber, ifTable and ifXTable, one row per data source.
//!
//! The rows give managers the ifIndex that every RMON dataSource column points at
//! (`ifIndex.N`), and the probe's receive counts as the interface's in-counters. A probe's monitor
//! port transmits nothing, so the out-counters are 0. ifInErrors counts the frames etherStats
//! calls errors (CRC/alignment, undersize, oversize, fragments, jabbers); unicast is what is
//! neither broadcast, multicast nor an error.

use crate::rmon::Interface;
use crate::rmon::statistics::EtherStatsCounters;
use crate::snmp::mib::{Context, Index, Scalar, Scalars, Table, counter32, integer};
use crate::snmp::value::Value;

pub const INTERFACES: &[u32] = &[1, 3, 6, 1, 2, 1, 2, 1];
pub const IF_ENTRY: &[u32] = &[1, 3, 6, 1, 2, 1, 2, 2, 1];
pub const IF_X_ENTRY: &[u32] = &[1, 3, 6, 1, 2, 1, 31, 1, 1, 1];

/// ifType ethernetCsmacd (IANAifType).
const ETHERNET_CSMACD: i32 = 6;
const UP: i32 = 1;
const TRUE: i32 = 1;
const FALSE: i32 = 2;

fn errors(c: &EtherStatsCounters) -> u64 {
    c.crc_align_errors + c.undersize_pkts + c.oversize_pkts + c.fragments + c.jabbers
}

fn unicast(c: &EtherStatsCounters) -> u64 {
    c.pkts.saturating_sub(c.broadcast_pkts + c.multicast_pkts + errors(c))
}

/// ifNumber (1.3.6.1.2.1.2.1.0).
pub fn if_number() -> Scalars {
    const OBJECTS: &[Scalar] =
        &[Scalar { sub_id: 1, read: |c| integer(c.snapshot.interfaces.len() as u64), write: None }];
    Scalars { group: &INTERFACES[..7], registered: INTERFACES, objects: OBJECTS }
}

fn rows(s: &crate::rmon::Snapshot) -> &[Interface] {
    &s.interfaces
}

fn index(i: &Interface) -> Index {
    Index::of(i.info.if_index)
}

fn if_entry(_: &Context<'_>, i: &Interface, column: u32) -> Option<Value> {
    let c = &i.counters;
    Some(match column {
        1 => integer(u64::from(i.info.if_index)),
        2 => Value::OctetString(i.info.descr.as_bytes().to_vec()),
        3 => Value::Integer(ETHERNET_CSMACD),
        4 => Value::Integer(1500),
        5 => Value::Gauge32(u32::try_from(i.info.if_speed).unwrap_or(u32::MAX)),
        6 => Value::OctetString(i.info.phys_address.clone()),
        7 | 8 => Value::Integer(UP),
        9 => Value::TimeTicks(0),
        10 => counter32(c.octets),
        11 => counter32(unicast(c)),
        12 => counter32(c.broadcast_pkts + c.multicast_pkts),
        13 => counter32(0),
        14 => counter32(errors(c)),
        15..=20 => counter32(0),
        _ => return None,
    })
}

/// ifTable (1.3.6.1.2.1.2.2); the deprecated ifOutQLen and ifSpecific are not served.
pub fn if_table() -> Table<Interface> {
    const COLUMNS: &[u32] = &[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20];
    Table { entry: IF_ENTRY, columns: COLUMNS, rows, index, value: if_entry, set: None }
}

fn if_x_entry(_: &Context<'_>, i: &Interface, column: u32) -> Option<Value> {
    let c = &i.counters;
    Some(match column {
        1 => Value::OctetString(i.info.name.as_bytes().to_vec()),
        2 => counter32(c.multicast_pkts),
        3 => counter32(c.broadcast_pkts),
        4 | 5 => counter32(0),
        6 => Value::Counter64(c.octets),
        7 => Value::Counter64(unicast(c)),
        8 => Value::Counter64(c.multicast_pkts),
        9 => Value::Counter64(c.broadcast_pkts),
        10..=13 => Value::Counter64(0),
        14 => Value::Integer(FALSE),
        15 => Value::Gauge32(u32::try_from(i.info.if_speed / 1_000_000).unwrap_or(u32::MAX)),
        16 => Value::Integer(TRUE),
        17 => Value::Integer(if i.info.live { TRUE } else { FALSE }),
        18 => Value::OctetString(Vec::new()),
        19 => Value::TimeTicks(0),
        _ => return None,
    })
}

/// ifXTable (1.3.6.1.2.1.31.1.1): names, the 64-bit counters, ifHighSpeed.
pub fn if_x_table() -> Table<Interface> {
    const COLUMNS: &[u32] = &[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19];
    Table { entry: IF_X_ENTRY, columns: COLUMNS, rows, index, value: if_x_entry, set: None }
}
