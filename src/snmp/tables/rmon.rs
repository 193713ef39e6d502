//! Shared pieces of the RMON-MIB tables: the group OIDs, control columns and SET plumbing.

use crate::packet::MacAddr;
use crate::rmon::control::{DataSource, EntryStatus, Owner};
use crate::rmon::edit::{ControlTable, ControlValue, RowEdit};
use crate::snmp::message::ErrorStatus;
use crate::snmp::mib::{Index, SetAction};
use crate::snmp::oid::Oid;
use crate::snmp::value::Value;

/// rmon: 1.3.6.1.2.1.16.
pub const RMON: [u32; 7] = [1, 3, 6, 1, 2, 1, 16];

/// `1.3.6.1.2.1.16.group.table.1`: the entry OID of an RMON-MIB table.
pub const fn entry(group: u32, table: u32) -> [u32; 10] {
    [1, 3, 6, 1, 2, 1, 16, group, table, 1]
}

/// A dataSource column: `ifIndex.N`, or zeroDotZero while a row under creation has none.
pub fn data_source(ds: DataSource) -> Value {
    if ds == DataSource::UNSET {
        return Value::ObjectId(Oid(vec![0, 0]));
    }
    let mut oid: Vec<u32> = vec![1, 3, 6, 1, 2, 1, 2, 2, 1, 1];
    oid.push(ds.if_index());
    Value::ObjectId(Oid(oid))
}

pub fn owner(o: &Owner) -> Value {
    Value::OctetString(o.0.as_bytes().to_vec())
}

pub fn status(s: EntryStatus) -> Value {
    Value::Integer(s.value() as i32)
}

pub fn mac(m: MacAddr) -> Value {
    Value::OctetString(m.0.to_vec())
}

/// The index of a row named by one control index.
pub fn control_index(index: u16) -> Index {
    Index::of(u32::from(index))
}

/// A control index and a length-prefixed MAC address (hostTable).
pub fn index_and_mac(index: u16, m: MacAddr) -> Index {
    let mut i = Index::of(u32::from(index));
    i.push_octets(&m.0);
    i
}

/// A SET of a control column: the edit for the probe to check, with the index and the value
/// as the manager sent them (the probe judges ranges, states and read-only columns, in RFC 3416
/// 4.2.5's order: notWritable, wrongType, wrongLength, wrongValue, noCreation, ...).
pub fn row_edit(table: ControlTable, column: u32, index: &[u32], value: &Value) -> Result<SetAction, ErrorStatus> {
    let value = match value {
        Value::Integer(i) => ControlValue::Integer(i64::from(*i)),
        Value::OctetString(s) => ControlValue::OctetString(s.clone()),
        Value::ObjectId(oid) => ControlValue::ObjectId(oid.0.clone()),
        // No control column has any other type; a read-only column is notWritable first.
        _ if table.is_writable(column) => return Err(ErrorStatus::WrongType),
        _ => return Err(ErrorStatus::NotWritable),
    };
    // RMON-1 control tables have one Integer32 index; any other instance can never exist. It
    // goes to the probe as an index outside 1..65535, which earns noCreation after the checks
    // of the column and the value.
    let index = match index {
        &[index] => i64::from(index),
        _ => -1,
    };
    Ok(SetAction::Row(RowEdit { table, index, column, value }))
}
