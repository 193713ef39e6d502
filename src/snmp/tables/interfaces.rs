//! IF-MIB (RFC 2863): ifNumber, ifTable and ifXTable, one row per data source.
//!
//! The rows give managers the ifIndex that every RMON dataSource column points at
//! (`ifIndex.N`), and the probe's receive counts as the interface's in-counters. A probe's monitor
//! port transmits nothing, so the out-counters are 0. ifInErrors counts the frames etherStats
//! calls errors (CRC/alignment, undersize, oversize, fragments, jabbers); unicast is what is
//! neither broadcast, multicast nor an error.

use crate::rmon::Interface;
use crate::snmp::mib::{Context, Index, Scalar, Scalars, Table, integer};
use crate::snmp::value::Value;

pub use crate::rmon::snapshot::{IF_ENTRY, IF_X_ENTRY};

pub const INTERFACES: &[u32] = &[1, 3, 6, 1, 2, 1, 2, 1];

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
    i.if_entry(column)
}

/// ifTable (1.3.6.1.2.1.2.2); the deprecated ifOutQLen and ifSpecific are not served.
pub fn if_table() -> Table<Interface> {
    const COLUMNS: &[u32] = &[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20];
    Table { entry: IF_ENTRY, columns: COLUMNS, rows, index, value: if_entry, set: None }
}

fn if_x_entry(_: &Context<'_>, i: &Interface, column: u32) -> Option<Value> {
    i.if_x_entry(column)
}

/// ifXTable (1.3.6.1.2.1.31.1.1): names, the 64-bit counters, ifHighSpeed.
pub fn if_x_table() -> Table<Interface> {
    const COLUMNS: &[u32] = &[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19];
    Table { entry: IF_X_ENTRY, columns: COLUMNS, rows, index, value: if_x_entry, set: None }
}
