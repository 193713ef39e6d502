//! Rows read over SNMP that have no schema in `mib/` (IF-MIB's ifTable): a walk of a table gives
//! `(OID, value)` pairs, which are grouped by row index and read column by column. The RMON
//! tables are decoded by their schemas ([`crate::mib::schema::Table::decode`]).
//!
//! Indexes are taken from the OIDs rather than the index columns, which some agents do not
//! serve. A column an agent leaves out reads as zero (or empty); a row whose index does not
//! parse is skipped. Counters are what the agent serves: Counter32, wrapped as the MIB says.

use std::collections::BTreeMap;

use crate::packet::MacAddr;
use crate::rmon::control::{DataSource, EntryStatus, Owner};
use crate::snmp::oid::Oid;
use crate::snmp::value::Value;

/// `1.3.6.1.2.1.16.group.table.1`: where a table's rows are, for a walk.
pub const fn entry_oid(group: u32, table: u32) -> [u32; 10] {
    [1, 3, 6, 1, 2, 1, 16, group, table, 1]
}

/// One row of a walked table: its index and its columns.
pub struct Row<'a> {
    pub index: &'a [u32],
    columns: &'a BTreeMap<u32, Value>,
}

/// A walked table: rows by index, in index order.
#[derive(Default)]
pub struct Rows(BTreeMap<Vec<u32>, BTreeMap<u32, Value>>);

impl Rows {
    /// Groups the bindings of a walk under `entry` (column, then index); others are ignored.
    pub fn from_walk(entry: &[u32], bindings: &[(Vec<u32>, Value)]) -> Rows {
        let mut rows: BTreeMap<Vec<u32>, BTreeMap<u32, Value>> = BTreeMap::new();
        for (oid, value) in bindings {
            let Some(rest) = oid.strip_prefix(entry) else { continue };
            let Some((&column, index)) = rest.split_first() else { continue };
            if matches!(value, Value::NoSuchObject | Value::NoSuchInstance | Value::EndOfMibView) {
                continue;
            }
            rows.entry(index.to_vec()).or_default().insert(column, value.clone());
        }
        Rows(rows)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn rows(&self) -> impl Iterator<Item = Row<'_>> {
        self.0.iter().map(|(index, columns)| Row { index, columns })
    }

    /// Each row read by `read`, skipping those it refuses.
    pub fn read<T>(&self, read: impl Fn(&Row<'_>) -> Option<T>) -> Vec<T> {
        self.rows().filter_map(|r| read(&r)).collect()
    }
}

impl Row<'_> {
    fn value(&self, column: u32) -> Option<&Value> {
        self.columns.get(&column)
    }

    /// Any numeric column as an unsigned number (negative integers read as 0).
    pub fn u64(&self, column: u32) -> u64 {
        match self.value(column) {
            Some(Value::Integer(i)) => u64::try_from(*i).unwrap_or(0),
            Some(Value::Counter32(v) | Value::Gauge32(v) | Value::TimeTicks(v)) => u64::from(*v),
            Some(Value::Counter64(v)) => *v,
            _ => 0,
        }
    }

    pub fn u32(&self, column: u32) -> u32 {
        u32::try_from(self.u64(column)).unwrap_or(u32::MAX)
    }

    pub fn i32(&self, column: u32) -> i32 {
        match self.value(column) {
            Some(Value::Integer(i)) => *i,
            _ => i32::try_from(self.u64(column)).unwrap_or(i32::MAX),
        }
    }

    pub fn u16(&self, column: u32) -> u16 {
        u16::try_from(self.u64(column)).unwrap_or(0)
    }

    pub fn octets(&self, column: u32) -> Vec<u8> {
        match self.value(column) {
            Some(Value::OctetString(s)) => s.clone(),
            _ => Vec::new(),
        }
    }

    pub fn string(&self, column: u32) -> String {
        String::from_utf8_lossy(&self.octets(column)).into_owned()
    }

    pub fn owner(&self, column: u32) -> Owner {
        Owner(self.string(column))
    }

    pub fn mac(&self, column: u32) -> MacAddr {
        mac(&self.octets(column)).unwrap_or_default()
    }

    pub fn oid(&self, column: u32) -> Oid {
        match self.value(column) {
            Some(Value::ObjectId(oid)) => oid.clone(),
            _ => Oid(vec![0, 0]),
        }
    }

    /// A dataSource column (`ifIndex.N`).
    pub fn data_source(&self, column: u32) -> DataSource {
        DataSource::from_oid(&self.oid(column).0).unwrap_or(DataSource::UNSET)
    }

    pub fn status(&self, column: u32) -> EntryStatus {
        match self.i32(column) {
            1 => EntryStatus::Valid,
            2 => EntryStatus::CreateRequest,
            3 => EntryStatus::UnderCreation,
            _ => EntryStatus::Invalid,
        }
    }

    /// The first index sub-identifier as a control index (1..65535).
    pub fn control_index(&self) -> Option<u16> {
        self.index.first().and_then(|&i| u16::try_from(i).ok())
    }
}

fn mac(octets: &[u8]) -> Option<MacAddr> {
    <[u8; 6]>::try_from(octets).ok().map(MacAddr)
}
