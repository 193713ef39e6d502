//! Control rows in a file: `[[historyControl]]`, `[[alarm]]`, ... keyed by the MIB's column
//! names, read and written from the tables' schemas (`mib/rmon1/`), for the configuration and
//! the `--state` file alike.
//!
//! A row reads like the SET a manager would send to create it: its index, then any read-create
//! column the schema has, checked against the column's syntax and range and given the meaning a
//! SET gives it ([`ControlTable::request`]). Columns left out keep the MIB's DEFVALs, or the
//! probe's own defaults where the MIB has none ([`file_default`]). Nothing here names a column
//! or a table by hand: a column added to a schema is a key of the file.
//!
//! Values are written as the JSON report writes them: integers, enumerations by name
//! (`"hostTopNInPkts"`), OCTET STRINGs of text as text and others as hex octets (`"08:00"`),
//! object identifiers dotted, data sources as `ifIndex.N` (an integer N or the dotted OID is
//! accepted too).

use std::str::FromStr;

use crate::config::protocols;
use crate::mib::rmon2::usr_history::USR_HISTORY_OBJECT_TABLE;
use crate::mib::schema::{Cell, ColumnInfo, Described, Syntax, Table, TableVisitor, bytes_text};
use crate::mib::tc::{MacAddr, Octets, RowStatus};
use crate::mib::{DataSource, EntryStatus, NetAddr, Oid, Timestamp, Value};
use crate::rmon::protocol_dir::ProtocolRequest;
use crate::rmon::{ControlTable, DataSourceInfo, Limits, Probe, RmonTables, RowRequest};

/// One row of a file: its table, its index, and the columns the file gives, in file order.
#[derive(Clone, Debug, PartialEq)]
pub struct FileRow {
    pub table: ControlTable,
    pub index: u16,
    pub values: Vec<(ColumnInfo, toml::Value)>,
    /// A usrHistoryControl row's objects (`[[usrHistoryControl.objects]]`), each with its
    /// usrHistoryObjectTable columns; empty for every other table.
    pub objects: Vec<Vec<(ColumnInfo, toml::Value)>>,
}

/// The key under which a usrHistoryControl row lists its objects.
const OBJECTS: &str = "objects";

/// The control rows of a file, table by table, and its protocols (`[[protocol]]`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RowSections {
    pub rows: Vec<FileRow>,
    pub protocols: Vec<ProtocolRequest>,
}

/// The column's value where a configured row leaves it out, beyond the MIB's DEFVALs (which a
/// created row has already): the probe's own owner, "monitor"; the first interface for a data
/// source, and the first host table for a report; the busiest senders by octets; and the
/// community traps usually go to.
fn file_default(column: &ColumnInfo) -> Option<toml::Value> {
    Some(match column.name {
        name if name.ends_with("Owner") => crate::rmon::control::MONITOR_OWNER.into(),
        _ if column.syntax == Syntax::Source => 1.into(),
        "channelIfIndex" | "hostTopNHostIndex" => 1.into(),
        "hostTopNRateBase" => "hostTopNOutOctets".into(),
        "eventCommunity" => "public".into(),
        _ => return None,
    })
}

impl RowSections {
    /// Takes the control-row sections out of a parsed file (`[[etherStats]]`, ... under the
    /// MIB's names), checking every key and every value that does not depend on the probe.
    /// Data sources and object identifiers are checked when the rows are made
    /// ([`RowSections::requests`]), with the row named.
    pub fn take_from(doc: &mut toml::Table) -> Result<RowSections, String> {
        let protocols = protocols::take_from(doc)?;
        let mut rows = Vec::new();
        for table in ControlTable::ALL {
            let Some(section) = doc.remove(table.name()) else { continue };
            let toml::Value::Array(items) = section else {
                return Err(format!("{0} must be an array of tables: write [[{0}]]", table.name()));
            };
            for item in items {
                let toml::Value::Table(keys) = item else {
                    return Err(format!("{0} must be an array of tables: write [[{0}]]", table.name()));
                };
                rows.push(FileRow::read(table, keys)?);
            }
        }
        Ok(RowSections { rows, protocols })
    }

    /// The rows the sections ask for, in [`ControlTable::DEPENDENCY_ORDER`] (file order within
    /// a table).
    pub fn requests(&self) -> Result<Vec<RowRequest>, String> {
        // The protocols first: the rows after them count by the directory.
        let mut requests: Vec<RowRequest> = self.protocols.iter().cloned().map(RowRequest::Protocol).collect();
        for table in ControlTable::DEPENDENCY_ORDER {
            for row in self.rows.iter().filter(|r| r.table == table) {
                requests.push(row.request()?);
            }
        }
        Ok(requests)
    }

    /// Checks that every row gives every column a file may set, as the probe writes them: a
    /// state file cut short at the end of a line must not pass for whole, its rows completed
    /// with defaults.
    pub fn check_complete(&self) -> Result<(), String> {
        for row in &self.rows {
            let given = |c: &ColumnInfo| row.values.iter().any(|(v, _)| v.name == c.name);
            if let Some(missing) = settable(row.table).find(|c| !given(c)) {
                return Err(format!("{} {}: {} is missing", row.table.name(), row.index, missing.name));
            }
        }
        Ok(())
    }

    /// The sections that ask for `rows`: the read-create columns of each row as a GET answers
    /// them on a probe just started with those rows (so a hostTopN report's time remaining is
    /// its whole duration). Rows a probe would refuse are left out: they could not be restored.
    pub fn from_requests(rows: &[RowRequest]) -> RowSections {
        let interfaces = rows.iter().filter_map(RowRequest::data_source).map(DataSource::if_index).max().unwrap_or(0);
        let sources = (1..=interfaces)
            .map(|if_index| DataSourceInfo {
                if_index,
                name: String::new(),
                descr: String::new(),
                if_speed: 0,
                live: false,
                phys_address: Vec::new(),
            })
            .collect();
        let start = Timestamp(0);
        let (probe, _refused) = Probe::granting(start, sources, Limits::default(), rows);
        let tables = probe.tables(start, &[]);
        let mut writer = Writer { tables: &tables, rows: Vec::new() };
        RmonTables::visit(&mut writer);
        let protocols = rows
            .iter()
            .filter_map(|r| match r {
                RowRequest::Protocol(p) => Some(p.clone()),
                _ => None,
            })
            .collect();
        let mut sections = RowSections { rows: Vec::new(), protocols };
        for table in ControlTable::DEPENDENCY_ORDER {
            sections.rows.extend(writer.rows.iter().filter(|r| r.table == table).cloned());
        }
        sections
    }

    /// Adds the sections to a file being written, one array of tables per table.
    pub fn write_to(&self, doc: &mut toml::Table) {
        protocols::write_to(&self.protocols, doc);
        for table in ControlTable::DEPENDENCY_ORDER {
            let items: Vec<toml::Value> =
                self.rows.iter().filter(|r| r.table == table).map(|r| toml::Value::Table(r.keys())).collect();
            if !items.is_empty() {
                doc.insert(table.name().to_string(), toml::Value::Array(items));
            }
        }
    }
}

impl FileRow {
    /// A row from its keys: the index column, then read-create columns by MIB name (and a
    /// usrHistoryControl row's `objects`).
    fn read(table: ControlTable, mut keys: toml::Table) -> Result<FileRow, String> {
        let entry = table.name();
        let objects = match keys.remove(OBJECTS) {
            Some(items) if table == ControlTable::UsrHistoryControl => read_objects(items)?,
            Some(_) => {
                return Err(format!("{entry}: unknown key `{OBJECTS}`; only usrHistoryControl rows have objects"));
            }
            None => Vec::new(),
        };
        let Some(index_column) = table.index_column() else {
            return Err(format!("{entry}: the table has no index column"));
        };
        let index = match keys.get(index_column.name) {
            Some(toml::Value::Integer(i)) => u16::try_from(*i).ok().filter(|i| *i >= 1),
            _ => None,
        };
        let columns = table.columns();
        // A misspelt key is named before the index it may have been meant to be.
        let shown = index.map_or(String::new(), |i| format!(" {i}"));
        if let Some(key) = keys.keys().find(|k| *k != index_column.name && columns.iter().all(|c| c.name != *k)) {
            let known: Vec<&str> = settable(table).map(|c| c.name).collect();
            return Err(format!(
                "{entry}{shown}: unknown key `{key}`; a row has {} and sets {}",
                index_column.name,
                known.join(", ")
            ));
        }
        let Some(index) = index else {
            return match keys.get(index_column.name) {
                None => Err(format!("[[{entry}]] without {}: every row needs its index", index_column.name)),
                Some(v) => Err(format!("{entry}: {} = {v}: must be an integer 1..65535", index_column.name)),
            };
        };
        let mut values = Vec::new();
        for (key, value) in keys {
            if key == index_column.name {
                continue;
            }
            let Some(column) = columns.iter().find(|c| c.name == key) else { continue };
            if !column.writable() || column.syntax.is_status() {
                return Err(format!("{entry} {index}: {key} is not set by a configuration (the probe keeps it)"));
            }
            // What names an interface or an object is checked with the rows.
            if !matches!(column.syntax, Syntax::Source | Syntax::ObjectId) {
                let smi = smi_value(column, &value).map_err(|e| format!("{entry} {index}: {e}"))?;
                column.check(&smi).map_err(|refusal| format!("{entry} {index}: {}", refusal.reason()))?;
            }
            values.push((*column, value));
        }
        if table == ControlTable::UsrHistoryControl && objects.is_empty() {
            return Err(format!(
                "{entry} {index}: a row needs its objects: [[{entry}.objects]] with usrHistoryObjectVariable and usrHistoryObjectSampleType"
            ));
        }
        Ok(FileRow { table, index, values, objects })
    }

    /// The row the file asks for: the probe's defaults for what it leaves out, then its values.
    fn request(&self) -> Result<RowRequest, String> {
        let (entry, index) = (self.table.name(), self.index);
        let given = |c: &ColumnInfo| self.values.iter().any(|(v, _)| v.name == c.name);
        let defaults = settable(self.table).filter(|c| !given(c)).filter_map(|c| Some((c, file_default(&c)?)));
        let mut values = Vec::new();
        for (column, value) in defaults.chain(self.values.iter().cloned()) {
            let smi = smi_value(&column, &value).map_err(|e| format!("{entry} {index}: {e}"))?;
            values.push((column, smi));
        }
        let mut objects = Vec::new();
        for (i, columns) in self.objects.iter().enumerate() {
            let smi: Result<Vec<_>, String> = columns
                .iter()
                .map(|(column, value)| {
                    Ok((
                        *column,
                        smi_value(column, value).map_err(|e| format!("{entry} {index} object {}: {e}", i + 1))?,
                    ))
                })
                .collect();
            objects.push(smi?);
        }
        self.table.request_with_objects(index, &values, &objects)
    }

    /// The row's keys as a file writes them: the index first, then the columns in MIB order.
    fn keys(&self) -> toml::Table {
        let mut keys = toml::Table::new();
        if let Some(index) = self.table.index_column() {
            keys.insert(index.name.to_string(), i64::from(self.index).into());
        }
        for (column, value) in &self.values {
            keys.insert(column.name.to_string(), value.clone());
        }
        if !self.objects.is_empty() {
            let objects = self
                .objects
                .iter()
                .map(|columns| {
                    toml::Value::Table(columns.iter().map(|(c, v)| (c.name.to_string(), v.clone())).collect())
                })
                .collect();
            keys.insert(OBJECTS.to_string(), toml::Value::Array(objects));
        }
        keys
    }
}

/// A usrHistoryControl row's `objects`: an array of tables, each giving usrHistoryObjectVariable
/// and usrHistoryObjectSampleType (the object's index is its place in the array).
fn read_objects(items: toml::Value) -> Result<Vec<Vec<(ColumnInfo, toml::Value)>>, String> {
    let wrong =
        || "usrHistoryControl: objects must be an array of tables: write [[usrHistoryControl.objects]]".to_string();
    let toml::Value::Array(items) = items else { return Err(wrong()) };
    let settable: Vec<ColumnInfo> =
        USR_HISTORY_OBJECT_TABLE.column_infos().into_iter().filter(|c| c.writable()).collect();
    let mut objects = Vec::new();
    for (i, item) in items.into_iter().enumerate() {
        let toml::Value::Table(keys) = item else { return Err(wrong()) };
        let mut columns = Vec::new();
        for (key, value) in keys {
            let Some(column) = settable.iter().find(|c| c.name == key) else {
                let known: Vec<&str> = settable.iter().map(|c| c.name).collect();
                return Err(format!(
                    "usrHistoryControl object {}: unknown key `{key}`; an object sets {}",
                    i + 1,
                    known.join(", ")
                ));
            };
            let smi = smi_value(column, &value).map_err(|e| format!("usrHistoryControl object {}: {e}", i + 1))?;
            column
                .check(&smi)
                .map_err(|refusal| format!("usrHistoryControl object {}: {}", i + 1, refusal.reason()))?;
            columns.push((*column, value));
        }
        if let Some(missing) = settable.iter().find(|c| columns.iter().all(|(g, _)| g.name != c.name)) {
            return Err(format!("usrHistoryControl object {}: {} is missing", i + 1, missing.name));
        }
        objects.push(columns);
    }
    Ok(objects)
}

/// The columns a file may give: read-create, but the status (a row of a file is valid).
fn settable(table: ControlTable) -> impl Iterator<Item = ColumnInfo> {
    table.columns().into_iter().filter(|c| c.writable() && !c.syntax.is_status())
}

/// A file's value as the SMI value a SET would carry for `column`.
pub(super) fn smi_value(column: &ColumnInfo, value: &toml::Value) -> Result<Value, String> {
    let name = column.name;
    let text = || value.as_str().ok_or_else(|| format!("{name} must be a string, not {value}"));
    Ok(match column.syntax {
        Syntax::Integer { min, max } => {
            let Some(v) = value.as_integer() else { return Err(format!("{name} must be an integer, not {value}")) };
            Value::Integer(i32::try_from(v).map_err(|_| format!("{name} = {v}: must be {min}..{max}"))?)
        }
        Syntax::Enum(_) => {
            let names = column.syntax.names().unwrap_or_default();
            let number = match value {
                toml::Value::String(s) => names.iter().find(|(_, text)| text == s).map(|(n, _)| *n),
                toml::Value::Integer(n) => names.iter().find(|(v, _)| v == n).map(|(n, _)| *n),
                _ => None,
            };
            let Some(number) = number.and_then(|n| i32::try_from(n).ok()) else {
                let list: Vec<&str> = names.iter().map(|(_, text)| *text).collect();
                return Err(format!("{name} = {value}: must be one of {}", list.join(", ")));
            };
            Value::Integer(number)
        }
        Syntax::Octets { .. } => Value::OctetString(Octets::from_str(text()?).map_err(|e| format!("{name}: {e}"))?.0),
        Syntax::NetAddress => {
            Value::OctetString(NetAddr::from_str(text()?).map_err(|e| format!("{name}: {e}"))?.as_bytes().to_vec())
        }
        Syntax::ProtocolId => {
            let octets: Result<Vec<u8>, _> = text()?.split('.').map(str::parse::<u8>).collect();
            Value::OctetString(octets.map_err(|_| {
                format!("{name} must be dotted decimal octets, four per layer, such as 0.0.0.1.0.0.8.0 (ether2.ip)")
            })?)
        }
        Syntax::Text { .. } | Syntax::OctetsAsText { .. } => Value::OctetString(text()?.as_bytes().to_vec()),
        Syntax::MacAddress => {
            Value::OctetString(MacAddr::from_str(text()?).map_err(|e| format!("{name}: {e}"))?.0.to_vec())
        }
        Syntax::ObjectId => Value::ObjectId(
            text()?
                .parse::<Oid>()
                .map_err(|e| format!("{name} must be a dotted OID such as 1.3.6.1.2.1.16.1.1.1.5.1: {e}"))?,
        ),
        Syntax::Source => {
            let source = match value {
                toml::Value::Integer(n) => n.to_string().parse::<DataSource>(),
                toml::Value::String(s) => s.parse::<DataSource>(),
                _ => Err(format!("{value} is not a data source")),
            }
            .map_err(|e| format!("{name}: {e}"))?;
            Value::ObjectId(Oid(source.oid()))
        }
        Syntax::Status
        | Syntax::RowStatus
        | Syntax::Counter32
        | Syntax::Gauge32
        | Syntax::ZeroBasedCounter32
        | Syntax::Counter64
        | Syntax::TimeTicks => {
            return Err(format!("{name} is not set by a configuration"));
        }
    })
}

/// A cell as a file writes it; None: left out.
fn file_value(syntax: Syntax, cell: Cell<'_>) -> Option<toml::Value> {
    Some(match (syntax, cell) {
        (_, Cell::Int(v)) => syntax.name_of(v).map_or(v.into(), toml::Value::from),
        (_, Cell::Uint(v)) => i64::try_from(v).ok()?.into(),
        (_, Cell::Text(s)) => s.into(),
        (Syntax::Octets { .. }, Cell::Bytes(b)) => Octets(b.to_vec()).to_string().into(),
        (Syntax::NetAddress | Syntax::ProtocolId, Cell::Bytes(b)) => bytes_text(syntax, b).into(),
        (_, Cell::Bytes(b)) => String::from_utf8_lossy(b).into_owned().into(),
        (_, Cell::Mac(m)) => String::from_utf8_lossy(&m.to_text()).into_owned().into(),
        (_, Cell::Oid(o)) => Oid(o.to_vec()).to_string().into(),
        (_, Cell::Source(s)) => format!("ifIndex.{}", s.if_index()).into(),
        (_, Cell::Status(_) | Cell::Absent) => return None,
    })
}

/// Collects the valid control rows of a probe's tables as file rows.
struct Writer<'a> {
    tables: &'a RmonTables,
    rows: Vec<FileRow>,
}

impl TableVisitor<RmonTables> for Writer<'_> {
    fn table<E: 'static + Send + Sync>(
        &mut self,
        schema: &'static Table<E>,
        rows: fn(&RmonTables) -> &[E],
        _: fn(&mut RmonTables) -> &mut Vec<E>,
        _: fn() -> E,
    ) {
        if schema.name == USR_HISTORY_OBJECT_TABLE.name {
            self.objects(schema, rows(self.tables));
            return;
        }
        let Some(table) = ControlTable::named(schema.row_name()).filter(|_| !schema.view) else { return };
        let Some(index_column) = table.index_column().and_then(|c| schema.column(c.number)) else { return };
        for row in rows(self.tables) {
            let valid = schema.columns.iter().any(|c| match (c.syntax, (c.read)(row)) {
                (Syntax::Status, Cell::Status(status)) => status == EntryStatus::Valid,
                (Syntax::RowStatus, Cell::Int(status)) => status == RowStatus::Active as i64,
                _ => false,
            });
            let index = match (index_column.read)(row) {
                Cell::Uint(i) => u16::try_from(i).ok(),
                Cell::Int(i) => u16::try_from(i).ok(),
                _ => None,
            };
            let Some(index) = index.filter(|_| valid) else { continue };
            let values = schema
                .columns
                .iter()
                .filter(|c| c.writable() && !c.syntax.is_status())
                .filter_map(|c| Some((c.info(), file_value(c.syntax, (c.read)(row))?)))
                .collect();
            self.rows.push(FileRow { table, index, values, objects: Vec::new() });
        }
    }
}

impl Writer<'_> {
    /// Adds usrHistoryObjectTable's rows to the control rows written before them, in index
    /// order (each object's place in its row's `objects` is its usrHistoryObjectIndex).
    fn objects<E>(&mut self, schema: &'static Table<E>, rows: &[E]) {
        for row in rows {
            let Some(Cell::Uint(control)) = schema.index.first().map(|part| (part.read)(row)) else { continue };
            let Some(file_row) = self
                .rows
                .iter_mut()
                .find(|r| r.table == ControlTable::UsrHistoryControl && u64::from(r.index) == control)
            else {
                continue;
            };
            let columns = schema
                .columns
                .iter()
                .filter(|c| c.writable())
                .filter_map(|c| Some((c.info(), file_value(c.syntax, (c.read)(row))?)))
                .collect();
            file_row.objects.push(columns);
        }
    }
}
