//! The RMON-MIB, HC-RMON-MIB and RMON2-MIB tables, served from their schemas in `mib/`: one
//! generic node per table, registered for every table [`RmonTables::visit`] lists.
//!
//! A table with a TimeFilter index component (RMON2's nlHost, nlMatrix, addressMap) serves each
//! row under every timemark T at or before its last change. A GETNEXT from timemark T walks the
//! rows changed since T; past the last of them the walk goes on to the next control row at
//! timemark 0, so a plain walk reads each row once and ends. `TimeFilterWalk::Strict` instead
//! goes on to T+1, T+2, ... as RFC 4502 reads literally (a walk that never ends on a busy probe).

use std::cmp::Ordering;

use crate::mib::rmon2::protocol_dir::PROTOCOL_DIR_TABLE;
use crate::mib::rmon2::usr_history::USR_HISTORY_OBJECT_TABLE;
use crate::mib::schema::{Table as Schema, TableVisitor};
use crate::rmon::RmonTables;
use crate::rmon::edit::{ControlTable, ControlValue, DirectoryEdit, ObjectEdit, RowEdit};
use crate::snmp::message::ErrorStatus;
use crate::snmp::mib::{Context, Index, MibNode, SetAction, TimeFilterWalk};
use crate::snmp::value::Value;

/// A table served from its schema over the rows of a snapshot.
pub struct SchemaTable<E: 'static> {
    schema: &'static Schema<E>,
    rows: fn(&RmonTables) -> &[E],
    /// The accessible columns' numbers, ascending.
    columns: Vec<u32>,
    /// The control table a SET of the table edits (None: read-only).
    control: Option<ControlTable>,
}

impl<E: 'static> SchemaTable<E> {
    pub fn new(schema: &'static Schema<E>, rows: fn(&RmonTables) -> &[E]) -> SchemaTable<E> {
        let mut columns: Vec<u32> = schema.columns.iter().filter(|c| c.accessible()).map(|c| c.number).collect();
        columns.sort_unstable();
        let control = ControlTable::ALL.into_iter().find(|t| t.name() == schema.row_name() && !schema.view);
        SchemaTable { schema, rows, columns, control }
    }

    /// A row's index, kept inline: a binary search computes one per step.
    fn index_of(&self, row: &E) -> Index {
        let mut index = Index::default();
        self.schema.instance_index(row, &mut index);
        index
    }

    /// Position of the first row whose index is after `after` (every row when None).
    fn first_after(&self, rows: &[E], after: Option<&[u32]>) -> usize {
        match after {
            None => 0,
            Some(after) => rows.partition_point(|r| self.index_of(r).as_slice() <= after),
        }
    }
}

impl<E: 'static + Send + Sync> MibNode for SchemaTable<E> {
    fn prefix(&self) -> &'static [u32] {
        self.schema.entry
    }

    fn get(&self, ctx: &Context<'_>, oid: &[u32]) -> Value {
        let Some((column, index)) = self.schema.instance(oid).filter(|(c, _)| c.accessible()) else {
            return Value::NoSuchObject;
        };
        let rows = (self.rows)(&ctx.snapshot.tables);
        if let Some(filter) = &self.schema.time_filter {
            // The row is the index with its timemark read as 0; it is there when it changed at
            // or after the timemark asked for.
            let Some(&mark) = index.get(filter.position) else { return Value::NoSuchInstance };
            let mut key: Vec<u32> = index.to_vec();
            key[filter.position] = 0;
            return match rows.binary_search_by(|r| self.index_of(r).as_slice().cmp(&key)) {
                Ok(at) if (filter.last_change)(&rows[at]) >= u64::from(mark) => {
                    column.value(&rows[at]).unwrap_or(Value::NoSuchInstance)
                }
                _ => Value::NoSuchInstance,
            };
        }
        match rows.binary_search_by(|r| self.index_of(r).as_slice().cmp(index)) {
            Ok(at) => column.value(&rows[at]).unwrap_or(Value::NoSuchInstance),
            Err(_) => Value::NoSuchInstance,
        }
    }

    fn next(&self, ctx: &Context<'_>, oid: &[u32]) -> Option<(Vec<u32>, Value)> {
        let entry = self.schema.entry;
        // Where to start: the column `oid` names (after its index), or the first column.
        let (start, mut after) = match oid.strip_prefix(entry) {
            Some([]) => (0, None),
            Some([column, index @ ..]) => {
                let at = self.columns.partition_point(|c| c < column);
                (at, (self.columns.get(at) == Some(column)).then_some(index))
            }
            None if oid.cmp(entry) == Ordering::Less => (0, None),
            None => return None,
        };
        let rows = (self.rows)(&ctx.snapshot.tables);
        for &number in self.columns.get(start..).unwrap_or_default() {
            let column = self.schema.column(number)?;
            if self.schema.time_filter.is_some() {
                if let Some((row, mark)) = self.time_filtered_next(rows, after, ctx.system.time_filter_walk)
                    && let Some(value) = column.value(row)
                {
                    let mut instance = Vec::with_capacity(entry.len() + 16);
                    instance.extend_from_slice(entry);
                    instance.push(number);
                    self.schema.instance_index_at(row, mark, &mut instance);
                    return Some((instance, value));
                }
                after = None;
                continue;
            }
            for row in &rows[self.first_after(rows, after)..] {
                if let Some(value) = column.value(row) {
                    let mut instance = Vec::with_capacity(entry.len() + 16);
                    instance.extend_from_slice(entry);
                    instance.push(number);
                    self.schema.instance_index(row, &mut instance);
                    return Some((instance, value));
                }
            }
            after = None;
        }
        None
    }

    fn plan_set(&self, oid: &[u32], value: &Value) -> Result<SetAction, ErrorStatus> {
        if self.schema.name == PROTOCOL_DIR_TABLE.name {
            return directory_edit(oid.strip_prefix(self.schema.entry), value);
        }
        if self.schema.name == USR_HISTORY_OBJECT_TABLE.name {
            return object_edit(oid.strip_prefix(self.schema.entry), value);
        }
        let Some(table) = self.control else { return Err(ErrorStatus::NotWritable) };
        match oid.strip_prefix(self.schema.entry).and_then(|r| r.split_first()) {
            Some((&column, index)) => row_edit(table, column, index, value),
            None => Err(ErrorStatus::NotWritable),
        }
    }
}

impl<E: 'static> SchemaTable<E> {
    /// The first (row, timemark) instance after `after` in a time-filtered table. The index
    /// parts before the timemark are integers (a control index), one sub-identifier each.
    fn time_filtered_next<'r>(
        &self,
        rows: &'r [E],
        after: Option<&[u32]>,
        walk: TimeFilterWalk,
    ) -> Option<(&'r E, u32)> {
        let filter = self.schema.time_filter.as_ref()?;
        let pos = filter.position;
        let changed = |row: &E| (filter.last_change)(row);
        let group_of = |row: &E| -> Index {
            let mut g = Index::default();
            g.extend(self.index_of(row).as_slice()[..pos].iter().copied());
            g
        };
        let Some(after) = after else { return rows.first().map(|r| (r, 0)) };
        if after.len() <= pos {
            // Only (part of) the control index: its rows from timemark 0.
            let at = rows.partition_point(|r| group_of(r).as_slice() < after);
            return rows.get(at).map(|r| (r, 0));
        }
        let (group, mark, rest) = (&after[..pos], after[pos], &after[pos + 1..]);
        let start = rows.partition_point(|r| group_of(r).as_slice() < group);
        let end = start + rows[start..].partition_point(|r| group_of(r).as_slice() == group);
        let in_group = &rows[start..end];
        // The same timemark: the next row changed since it.
        let rest_of = |r: &E| self.index_of(r).as_slice()[pos + 1..].to_vec();
        let from = in_group.partition_point(|r| rest_of(r).as_slice() <= rest);
        if let Some(row) = in_group[from..].iter().find(|r| changed(r) >= u64::from(mark)) {
            return Some((row, mark));
        }
        if walk == TimeFilterWalk::Strict
            && let Some(next) = mark.checked_add(1)
            && let Some(row) = in_group.iter().find(|r| changed(r) >= u64::from(next))
        {
            return Some((row, next));
        }
        rows.get(end).map(|r| (r, 0))
    }
}

/// Registers a node for every table of [`RmonTables::visit`].
pub struct Register<'a>(pub &'a mut Vec<Box<dyn MibNode>>);

impl TableVisitor<RmonTables> for Register<'_> {
    fn table<E: 'static + Send + Sync>(
        &mut self,
        table: &'static Schema<E>,
        rows: fn(&RmonTables) -> &[E],
        _: fn(&mut RmonTables) -> &mut Vec<E>,
        _: fn() -> E,
    ) {
        self.0.push(Box::new(SchemaTable::new(table, rows)));
    }
}

/// A SET of a protocolDirTable column: the edit for the probe to check (it judges the value,
/// the index and the row's state, as for the control tables).
fn directory_edit(instance: Option<&[u32]>, value: &Value) -> Result<SetAction, ErrorStatus> {
    let Some((&column, instance)) = instance.and_then(|r| r.split_first()) else {
        return Err(ErrorStatus::NotWritable);
    };
    let value = match value {
        Value::Integer(i) => ControlValue::Integer(i64::from(*i)),
        Value::OctetString(s) => ControlValue::OctetString(s.clone()),
        Value::ObjectId(oid) => ControlValue::ObjectId(oid.0.clone()),
        _ if PROTOCOL_DIR_TABLE.column(column).is_some_and(|c| c.writable()) => return Err(ErrorStatus::WrongType),
        _ => return Err(ErrorStatus::NotWritable),
    };
    Ok(SetAction::Directory(DirectoryEdit { instance: instance.to_vec(), column, value }))
}

/// A SET of a usrHistoryObjectTable column: the edit for the probe to check as a setting of
/// the control row the object belongs to. An instance that is not two sub-identifiers goes to
/// the probe as indexes outside 1..65535 (noCreation, after the checks of the value).
fn object_edit(instance: Option<&[u32]>, value: &Value) -> Result<SetAction, ErrorStatus> {
    let Some((&column, index)) = instance.and_then(|r| r.split_first()) else {
        return Err(ErrorStatus::NotWritable);
    };
    let value = match value {
        Value::Integer(i) => ControlValue::Integer(i64::from(*i)),
        Value::OctetString(s) => ControlValue::OctetString(s.clone()),
        Value::ObjectId(oid) => ControlValue::ObjectId(oid.0.clone()),
        _ if USR_HISTORY_OBJECT_TABLE.column(column).is_some_and(|c| c.writable()) => {
            return Err(ErrorStatus::WrongType);
        }
        _ => return Err(ErrorStatus::NotWritable),
    };
    let (control, object) = match index {
        &[control, object] => (i64::from(control), i64::from(object)),
        _ => (-1, -1),
    };
    Ok(SetAction::Object(ObjectEdit { control, object, column, value }))
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
