//! How a MIB table is described, once: its name and entry OID, its index, and per column the
//! number, the MIB name, the syntax with its range, the access, whether a valid row freezes it,
//! and the accessors into the typed row that holds it.
//!
//! Everything a view does with a table is derived from its [`Table`]:
//! - SNMP GET, GETNEXT and GETBULK: [`Table::instance_index`] and [`Column::value`] (Counter32
//!   columns wrap, Counter64 columns carry the exact count, Gauge32 columns stop at 2^32-1);
//! - SET checks: [`Column::check`] (notWritable, wrongType, wrongLength, wrongValue from the
//!   access and the syntax) and [`Column::frozen`];
//! - the JSON report: [`Rows`] serializes rows keyed by column names, counters exact;
//! - the terminal UI's remote mode: [`Table::decode`] reads walked varbinds back into rows.
//!
//! A table of the HC-RMON-MIB is a *view*: other columns over the rows of an RMON-1 table (the
//! same 64-bit counts, read whole or shifted by 32 bits), so it costs the counting nothing.
//!
//! Tables are written with the [`mib_table!`](crate::mib_table) macro, which declares the row
//! type and its [`Table`] together, so the two cannot disagree.

use std::fmt::Write as _;

use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};

use crate::mib::net_addr::NetAddr;
use crate::mib::oid::Oid;
use crate::mib::tc::{DataSource, EntryStatus, MacAddr, Octets, Owner, RowStatus};
use crate::mib::value::{Value, counter32, integer, time_ticks};

/// MAX-ACCESS of a column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    NotAccessible,
    ReadOnly,
    ReadWrite,
    ReadCreate,
}

/// The SMI syntax of a column, with its range or size: how a value is encoded over SNMP and in
/// JSON, and what a SET may give it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Syntax {
    /// INTEGER / Integer32 within `min..=max`.
    Integer { min: i64, max: i64 },
    /// An enumerated INTEGER: its values with their MIB names (JSON writes the name).
    Enum(&'static [(i64, &'static str)]),
    /// Counter32: the exact count, served modulo 2^32.
    Counter32,
    /// Gauge32: served capped at 2^32-1.
    Gauge32,
    /// RMON2's ZeroBasedCounter32: a count from 0 that wraps at 2^32, served as a Gauge32
    /// (the textual convention's base type).
    ZeroBasedCounter32,
    /// Counter64, and HC-RMON's CounterBasedGauge64 (same encoding): the exact count.
    Counter64,
    /// TimeTicks (hundredths of a second): served modulo 2^32.
    TimeTicks,
    /// OCTET STRING of `min..=max` octets, written in JSON as hex octets (`08:00`).
    Octets { min: usize, max: usize },
    /// OCTET STRING that holds text (DisplayString, OwnerString): written in JSON as text.
    Text { max: usize },
    /// OCTET STRING of at most `max` octets, any of them, written in JSON as text where it is
    /// one (eventCommunity).
    OctetsAsText { max: usize },
    /// A MAC address (an OCTET STRING of 6 octets), written `aa:bb:cc:dd:ee:ff`.
    MacAddress,
    /// OBJECT IDENTIFIER, written dotted.
    ObjectId,
    /// A dataSource: OBJECT IDENTIFIER naming `ifIndex.N`.
    Source,
    /// RMON-1's EntryStatus.
    Status,
    /// SMIv2's RowStatus ([`RowStatus`]).
    RowStatus,
    /// RMON2's network-layer address (an OCTET STRING of 1..255 octets), written in JSON as an
    /// IP address ([`NetAddr`]'s text) where it is one.
    NetAddress,
    /// protocolDirID (an OCTET STRING of 4..128 octets, four per layer), written in JSON as its
    /// octets in dotted decimal: `0.0.0.1.0.0.8.0`.
    ProtocolId,
}

impl Syntax {
    /// The values and MIB names of an enumerated INTEGER (RowStatus too); None for others.
    pub fn names(self) -> Option<&'static [(i64, &'static str)]> {
        match self {
            Syntax::Enum(names) => Some(names),
            Syntax::RowStatus => Some(RowStatus::NAMES),
            _ => None,
        }
    }

    /// Whether the column is a row's status (EntryStatus or RowStatus).
    pub fn is_status(self) -> bool {
        matches!(self, Syntax::Status | Syntax::RowStatus)
    }

    /// The MIB name of `value` in an enumerated INTEGER, if it has one.
    pub fn name_of(self, value: i64) -> Option<&'static str> {
        self.names()?.iter().find(|(n, _)| *n == value).map(|(_, text)| *text)
    }
}

/// The Integer32 range `0..2147483647`.
pub const NON_NEGATIVE: Syntax = Syntax::Integer { min: 0, max: i32::MAX as i64 };
/// An RMON-1 control index, `1..65535`.
pub const INDEX: Syntax = Syntax::Integer { min: 1, max: 65535 };
/// An index that may be 0 (no row), `0..65535`.
pub const INDEX_OR_ZERO: Syntax = Syntax::Integer { min: 0, max: 65535 };
/// OwnerString (RFC 2819): DisplayString (SIZE (0..127)).
pub const OWNER: Syntax = Syntax::Text { max: Owner::MAX_LEN };

/// What a column of one row holds, exactly, before any encoding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Cell<'a> {
    /// No instance in this row (a column not yet set on a row under creation).
    Absent,
    Int(i64),
    /// Counts, gauges and times: exact.
    Uint(u64),
    Text(&'a str),
    Bytes(&'a [u8]),
    Mac(MacAddr),
    Oid(&'a [u32]),
    Source(DataSource),
    Status(EntryStatus),
}

/// Why a SET value is refused, as RFC 3416 orders the checks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    NotWritable(String),
    WrongType(String),
    WrongLength(String),
    WrongValue(String),
}

impl Refusal {
    /// What is wrong, naming the column.
    pub fn reason(&self) -> &str {
        match self {
            Refusal::NotWritable(r) | Refusal::WrongType(r) | Refusal::WrongLength(r) | Refusal::WrongValue(r) => r,
        }
    }
}

/// A typed field of a row: how it reads as a [`Cell`], and how it is taken back from an SNMP
/// value (remote agents) or from an index.
pub trait Field: Sized {
    fn cell(&self) -> Cell<'_>;

    /// The field from what an agent served; None for a value of another kind. Lenient: a
    /// remote agent's figures are shown as they come.
    fn from_value(value: &Value) -> Option<Self>;

    /// The field taken from the front of an instance's index (None: it does not parse).
    fn from_index(_ids: &mut &[u32]) -> Option<Self> {
        None
    }
}

fn take_id(ids: &mut &[u32]) -> Option<u32> {
    let (&first, rest) = ids.split_first()?;
    *ids = rest;
    Some(first)
}

fn unsigned(value: &Value) -> Option<u64> {
    match *value {
        Value::Integer(i) => Some(u64::try_from(i).unwrap_or(0)),
        Value::Counter32(v) | Value::Gauge32(v) | Value::TimeTicks(v) => Some(u64::from(v)),
        Value::Counter64(v) => Some(v),
        _ => None,
    }
}

macro_rules! unsigned_field {
    ($($t:ty),*) => {$(
        impl Field for $t {
            fn cell(&self) -> Cell<'_> {
                Cell::Uint(u64::from(*self))
            }
            fn from_value(value: &Value) -> Option<Self> {
                unsigned(value).map(|v| <$t>::try_from(v).unwrap_or(<$t>::MAX))
            }
            fn from_index(ids: &mut &[u32]) -> Option<Self> {
                take_id(ids).and_then(|id| <$t>::try_from(id).ok())
            }
        }
    )*};
}
unsigned_field!(u8, u16, u32, u64);

impl Field for i32 {
    fn cell(&self) -> Cell<'_> {
        Cell::Int(i64::from(*self))
    }
    fn from_value(value: &Value) -> Option<Self> {
        match *value {
            Value::Integer(i) => Some(i),
            _ => unsigned(value).map(|v| i32::try_from(v).unwrap_or(i32::MAX)),
        }
    }
}

impl Field for i64 {
    fn cell(&self) -> Cell<'_> {
        Cell::Int(*self)
    }
    fn from_value(value: &Value) -> Option<Self> {
        match *value {
            Value::Integer(i) => Some(i64::from(i)),
            _ => unsigned(value).map(|v| i64::try_from(v).unwrap_or(i64::MAX)),
        }
    }
}

impl<T: Field> Field for Option<T> {
    fn cell(&self) -> Cell<'_> {
        self.as_ref().map_or(Cell::Absent, Field::cell)
    }
    fn from_value(value: &Value) -> Option<Self> {
        Some(T::from_value(value))
    }
}

impl Field for String {
    fn cell(&self) -> Cell<'_> {
        Cell::Text(self)
    }
    fn from_value(value: &Value) -> Option<Self> {
        match value {
            Value::OctetString(s) => Some(String::from_utf8_lossy(s).into_owned()),
            _ => None,
        }
    }
}

impl Field for Owner {
    fn cell(&self) -> Cell<'_> {
        Cell::Text(&self.0)
    }
    fn from_value(value: &Value) -> Option<Self> {
        String::from_value(value).map(Owner)
    }
}

/// A length-prefixed OCTET STRING index (RFC 2578 7.7).
fn octets_from_index(ids: &mut &[u32]) -> Option<Vec<u8>> {
    let len = usize::try_from(take_id(ids)?).ok()?;
    if len > ids.len() {
        return None;
    }
    let (octets, rest) = ids.split_at(len);
    *ids = rest;
    octets.iter().map(|&id| u8::try_from(id).ok()).collect()
}

impl Field for Vec<u8> {
    fn cell(&self) -> Cell<'_> {
        Cell::Bytes(self)
    }
    fn from_value(value: &Value) -> Option<Self> {
        match value {
            Value::OctetString(s) => Some(s.clone()),
            _ => None,
        }
    }
    fn from_index(ids: &mut &[u32]) -> Option<Self> {
        octets_from_index(ids)
    }
}

impl Field for NetAddr {
    fn cell(&self) -> Cell<'_> {
        Cell::Bytes(self.as_bytes())
    }
    fn from_value(value: &Value) -> Option<Self> {
        match value {
            Value::OctetString(s) => NetAddr::from_octets(s),
            _ => None,
        }
    }
    fn from_index(ids: &mut &[u32]) -> Option<Self> {
        NetAddr::from_octets(&octets_from_index(ids)?)
    }
}

impl Field for Octets {
    fn cell(&self) -> Cell<'_> {
        Cell::Bytes(&self.0)
    }
    fn from_value(value: &Value) -> Option<Self> {
        Vec::from_value(value).map(Octets)
    }
    fn from_index(ids: &mut &[u32]) -> Option<Self> {
        octets_from_index(ids).map(Octets)
    }
}

impl Field for MacAddr {
    fn cell(&self) -> Cell<'_> {
        Cell::Mac(*self)
    }
    fn from_value(value: &Value) -> Option<Self> {
        match value {
            Value::OctetString(s) => <[u8; 6]>::try_from(s.as_slice()).ok().map(MacAddr),
            _ => None,
        }
    }
    /// A length-prefixed OCTET STRING index of 6 octets (RFC 2578 7.7).
    fn from_index(ids: &mut &[u32]) -> Option<Self> {
        if take_id(ids)? != 6 {
            return None;
        }
        let mut mac = [0u8; 6];
        for b in &mut mac {
            *b = u8::try_from(take_id(ids)?).ok()?;
        }
        Some(MacAddr(mac))
    }
}

impl Field for Oid {
    /// An OID not set yet (an alarm under creation) reads as zeroDotZero, the SMI's "no object".
    fn cell(&self) -> Cell<'_> {
        if self.0.is_empty() {
            return Cell::Oid(&[0, 0]);
        }
        Cell::Oid(&self.0)
    }
    fn from_value(value: &Value) -> Option<Self> {
        match value {
            Value::ObjectId(oid) => Some(oid.clone()),
            _ => None,
        }
    }
    /// A length-prefixed OBJECT IDENTIFIER index (addressMapSource).
    fn from_index(ids: &mut &[u32]) -> Option<Self> {
        let len = usize::try_from(take_id(ids)?).ok()?;
        if len > ids.len() {
            return None;
        }
        let (arcs, rest) = ids.split_at(len);
        *ids = rest;
        Some(Oid(arcs.to_vec()))
    }
}

impl Field for DataSource {
    fn cell(&self) -> Cell<'_> {
        Cell::Source(*self)
    }
    fn from_value(value: &Value) -> Option<Self> {
        match value {
            Value::ObjectId(oid) => Some(DataSource::from_oid(&oid.0).unwrap_or(DataSource::UNSET)),
            _ => None,
        }
    }
}

impl Field for EntryStatus {
    fn cell(&self) -> Cell<'_> {
        Cell::Status(*self)
    }
    fn from_value(value: &Value) -> Option<Self> {
        match value {
            Value::Integer(1) => Some(EntryStatus::Valid),
            Value::Integer(2) => Some(EntryStatus::CreateRequest),
            Value::Integer(3) => Some(EntryStatus::UnderCreation),
            Value::Integer(_) => Some(EntryStatus::Invalid),
            _ => None,
        }
    }
}

/// Declares an enumerated INTEGER of a MIB: the Rust enum with its values, its MIB names (for
/// JSON, logs and the configuration) and its [`Field`] and serde impls.
#[macro_export]
macro_rules! mib_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident { $( $(#[$vmeta:meta])* $variant:ident = $value:literal => $text:literal, )+ }
        $(default $default:ident)?
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum $name { $( $(#[$vmeta])* $variant = $value, )+ }

        impl $name {
            /// Every value with its MIB name, in the MIB's order.
            pub const NAMES: &'static [(i64, &'static str)] = &[$( ($value, $text), )+];

            /// The value an SNMP integer names, if any.
            pub fn from_value(v: i64) -> Option<$name> {
                match v {
                    $( $value => Some($name::$variant), )+
                    _ => None,
                }
            }

            /// The MIB's name, as logs, reports and configurations spell it.
            pub fn name(self) -> &'static str {
                match self {
                    $( $name::$variant => $text, )+
                }
            }

            /// The value a MIB name names, if any.
            pub fn from_name(text: &str) -> Option<$name> {
                match text {
                    $( $text => Some($name::$variant), )+
                    _ => None,
                }
            }
        }

        $(impl Default for $name {
            fn default() -> Self {
                $name::$default
            }
        })?

        impl $crate::mib::schema::Field for $name {
            fn cell(&self) -> $crate::mib::schema::Cell<'_> {
                $crate::mib::schema::Cell::Int(*self as i64)
            }
            fn from_value(value: &$crate::mib::Value) -> Option<Self> {
                match value {
                    $crate::mib::Value::Integer(i) => $name::from_value(i64::from(*i)),
                    _ => None,
                }
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.name())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let text = String::deserialize(d)?;
                $name::from_name(&text).ok_or_else(|| {
                    let names: Vec<&str> = $name::NAMES.iter().map(|(_, n)| *n).collect();
                    serde::de::Error::custom(format!("{text:?} is not one of {}", names.join(", ")))
                })
            }
        }
    };
}

/// One part of a table's INDEX: read from a row to build an instance's OID, parsed back from an
/// OID into a row.
pub struct IndexPart<E> {
    /// The index column's MIB name where the table does not have it among its own columns (the
    /// HC-RMON views: `hostIndex`), so that a JSON row still says which row it is; empty when
    /// the table has the column itself.
    pub name: &'static str,
    /// The row's field that holds it, as the source names it: with [`Column::field`], how
    /// [`Table::index_names`] finds an index column among the table's own.
    pub field: &'static str,
    pub read: for<'a> fn(&'a E) -> Cell<'a>,
    pub parse: fn(&mut E, &mut &[u32]) -> Option<()>,
}

/// One column of a table.
pub struct Column<E> {
    /// The sub-identifier under the entry.
    pub number: u32,
    /// The MIB's name: `etherStatsPkts`.
    pub name: &'static str,
    /// The row's field it reads (empty for a column derived from others).
    pub field: &'static str,
    pub syntax: Syntax,
    pub access: Access,
    /// RMON-1 rows: whether the MIB says the column "may not be modified" while its row is valid.
    pub frozen: bool,
    pub read: for<'a> fn(&'a E) -> Cell<'a>,
    /// Puts what an agent served into a row (remote mode); None for columns derived from others
    /// (an HC-RMON overflow count).
    pub write: Option<fn(&mut E, &Value)>,
}

/// What a column is, without its accessors: what the SET checks and the control plane need.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ColumnInfo {
    pub number: u32,
    pub name: &'static str,
    pub syntax: Syntax,
    pub access: Access,
    pub frozen: bool,
}

/// A conceptual table.
pub struct Table<E: 'static> {
    /// `etherStatsTable`: the key of the table in the JSON report.
    pub name: &'static str,
    /// The OID of the xxxEntry: instances are `entry.column.index`.
    pub entry: &'static [u32],
    pub index: &'static [IndexPart<E>],
    /// In column order.
    pub columns: &'static [Column<E>],
    /// Whether the table only shows other columns of another table's rows (HC-RMON): decoding
    /// it completes the rows of that table instead of making new ones.
    pub view: bool,
    /// RMON2's TimeFilter index component, where the table has one.
    pub time_filter: Option<TimeFilter<E>>,
}

/// How GETNEXT goes on past the last row changed since a timemark (RFC 4502's TimeFilter).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TimeFilterWalk {
    /// To the next control row at timemark 0: a plain walk reads each row once and ends, as
    /// deployed probes do.
    #[default]
    OnePass,
    /// To the next timemark of the same control row, as the convention reads literally: every
    /// row again under each timemark up to its last change.
    Strict,
}

/// A TimeFilter index component (RFC 4502's textual convention): every row is served under
/// every timemark T at or before its last change, so a manager that walks from T reads only
/// the rows changed since. It is no column of the row: the row keeps when it last changed.
pub struct TimeFilter<E> {
    /// Where among the index parts the timemark goes (0: first).
    pub position: usize,
    /// sysUpTime (TimeTicks) of the row's last change.
    pub last_change: fn(&E) -> u64,
}

impl<E> Column<E> {
    /// The value of the column in `row`, as SNMP serves it; None: no instance.
    pub fn value(&self, row: &E) -> Option<Value> {
        encode(self.syntax, (self.read)(row))
    }

    pub fn info(&self) -> ColumnInfo {
        ColumnInfo {
            number: self.number,
            name: self.name,
            syntax: self.syntax,
            access: self.access,
            frozen: self.frozen,
        }
    }

    /// Whether a manager may write the column (read-create or read-write).
    pub fn writable(&self) -> bool {
        self.info().writable()
    }

    /// Whether a GET can reach the column.
    pub fn accessible(&self) -> bool {
        self.access != Access::NotAccessible
    }

    /// See [`ColumnInfo::check`].
    pub fn check(&self, value: &Value) -> Result<(), Refusal> {
        self.info().check(value)
    }
}

impl ColumnInfo {
    /// Whether a manager may write the column (read-create or read-write).
    pub fn writable(&self) -> bool {
        matches!(self.access, Access::ReadCreate | Access::ReadWrite)
    }

    /// Checks a SET value against the column's access and syntax, in RFC 3416's order
    /// (notWritable, wrongType, wrongLength, wrongValue). What the value means for the row, and
    /// whether the row's state allows it, is the control plane's to judge.
    pub fn check(&self, value: &Value) -> Result<(), Refusal> {
        let name = self.name;
        if !self.writable() {
            return Err(Refusal::NotWritable(format!("{name} is read-only")));
        }
        let want = match self.syntax {
            Syntax::Integer { .. } | Syntax::Enum(_) | Syntax::Status | Syntax::RowStatus => "an INTEGER",
            Syntax::Octets { .. }
            | Syntax::Text { .. }
            | Syntax::OctetsAsText { .. }
            | Syntax::MacAddress
            | Syntax::NetAddress
            | Syntax::ProtocolId => "an OCTET STRING",
            Syntax::ObjectId | Syntax::Source => "an OBJECT IDENTIFIER",
            Syntax::Counter32
            | Syntax::Gauge32
            | Syntax::ZeroBasedCounter32
            | Syntax::Counter64
            | Syntax::TimeTicks => {
                return Err(Refusal::NotWritable(format!("{name} is a count")));
            }
        };
        let wrong_type = || Refusal::WrongType(format!("{name} takes {want}, not {}", value.type_name()));
        match (self.syntax, value) {
            (Syntax::Integer { min, max }, Value::Integer(v)) => {
                let v = i64::from(*v);
                if v < min || v > max {
                    return Err(Refusal::WrongValue(format!("{name} = {v}: must be {min}..{max}")));
                }
            }
            (Syntax::Enum(names), Value::Integer(v)) => {
                if !names.iter().any(|(n, _)| *n == i64::from(*v)) {
                    let list: Vec<String> = names.iter().map(|(n, text)| format!("{text}({n})")).collect();
                    return Err(Refusal::WrongValue(format!("{name} = {v}: must be {}", list.join(", "))));
                }
            }
            (Syntax::RowStatus, Value::Integer(v)) => {
                if *v == RowStatus::NotReady as i32 {
                    return Err(Refusal::WrongValue(format!("{name} = 3: notReady is only read, never set")));
                }
                if RowStatus::from_value(i64::from(*v)).is_none() {
                    return Err(Refusal::WrongValue(format!(
                        "{name} = {v}: must be active(1), notInService(2), createAndGo(4), createAndWait(5) or destroy(6)"
                    )));
                }
            }
            (Syntax::Status, Value::Integer(v)) => {
                if !(1..=4).contains(v) {
                    return Err(Refusal::WrongValue(format!(
                        "{name} = {v}: must be valid(1), createRequest(2), underCreation(3) or invalid(4)"
                    )));
                }
            }
            (Syntax::Octets { min, max }, Value::OctetString(s)) => {
                if s.len() < min || s.len() > max {
                    return Err(Refusal::WrongLength(format!(
                        "{name} is {} octets; the MIB allows {min}..{max}",
                        s.len()
                    )));
                }
            }
            (Syntax::Text { max }, Value::OctetString(s)) => {
                if s.len() > max {
                    return Err(Refusal::WrongLength(format!("{name} is {} octets; the MIB allows 0..{max}", s.len())));
                }
                if std::str::from_utf8(s).is_err() {
                    return Err(Refusal::WrongValue(format!("{name} is not UTF-8 text")));
                }
            }
            (Syntax::OctetsAsText { max }, Value::OctetString(s)) => {
                if s.len() > max {
                    return Err(Refusal::WrongLength(format!("{name} is {} octets; the MIB allows 0..{max}", s.len())));
                }
            }
            (Syntax::MacAddress, Value::OctetString(s)) if s.len() != 6 => {
                return Err(Refusal::WrongLength(format!("{name} is {} octets, not 6", s.len())));
            }
            (Syntax::MacAddress, Value::OctetString(_)) => {}
            (Syntax::NetAddress, Value::OctetString(s)) if s.is_empty() || s.len() > 255 => {
                return Err(Refusal::WrongLength(format!("{name} is {} octets; the MIB allows 1..255", s.len())));
            }
            (Syntax::ProtocolId, Value::OctetString(s)) if s.len() < 4 || s.len() > 128 || s.len() % 4 != 0 => {
                return Err(Refusal::WrongLength(format!(
                    "{name} is {} octets; the MIB allows 4..128, four per layer",
                    s.len()
                )));
            }
            (Syntax::NetAddress | Syntax::ProtocolId, Value::OctetString(_)) => {}
            (Syntax::ObjectId, Value::ObjectId(oid)) => {
                if oid.0.len() < 2 {
                    return Err(Refusal::WrongValue(format!("{name} = {oid}: not an object instance")));
                }
            }
            (Syntax::Source, Value::ObjectId(oid)) => {
                if DataSource::from_oid(&oid.0).is_none() {
                    return Err(Refusal::WrongValue(format!(
                        "{name} = {oid}: must be an ifIndex instance, ifIndex.N (1.3.6.1.2.1.2.2.1.1.N)"
                    )));
                }
            }
            _ => return Err(wrong_type()),
        }
        Ok(())
    }
}

/// A cell as SNMP serves it in a column of `syntax`; None: no instance.
pub fn encode(syntax: Syntax, cell: Cell<'_>) -> Option<Value> {
    Some(match (syntax, cell) {
        (_, Cell::Absent) => return None,
        (Syntax::Counter32, Cell::Uint(v)) => counter32(v),
        (Syntax::TimeTicks, Cell::Uint(v)) => time_ticks(v),
        (Syntax::Gauge32, Cell::Uint(v)) => Value::Gauge32(u32::try_from(v).unwrap_or(u32::MAX)),
        (Syntax::ZeroBasedCounter32, Cell::Uint(v)) => Value::Gauge32((v & 0xffff_ffff) as u32),
        (Syntax::Counter64, Cell::Uint(v)) => Value::Counter64(v),
        (_, Cell::Uint(v)) => integer(v),
        (_, Cell::Int(v)) => Value::Integer(i32::try_from(v).unwrap_or(if v < 0 { i32::MIN } else { i32::MAX })),
        (_, Cell::Status(s)) => Value::Integer(s.value() as i32),
        (_, Cell::Text(t)) => Value::OctetString(t.as_bytes().to_vec()),
        (_, Cell::Bytes(b)) => Value::OctetString(b.to_vec()),
        (_, Cell::Mac(m)) => Value::OctetString(m.0.to_vec()),
        (_, Cell::Oid(o)) => Value::ObjectId(Oid(o.to_vec())),
        (_, Cell::Source(ds)) => Value::ObjectId(Oid(ds.oid())),
    })
}

impl<E> Table<E> {
    /// The sub-identifiers of `row`'s index, appended to `out`: integers as one, octet strings
    /// length-prefixed (RFC 2578 7.7).
    /// A TimeFilter component is written as timemark 0, where every row is.
    pub fn instance_index(&self, row: &E, out: &mut impl Extend<u32>) {
        self.instance_index_at(row, 0, out);
    }

    /// As [`Table::instance_index`], with the TimeFilter component (if any) at `mark`.
    pub fn instance_index_at(&self, row: &E, mark: u32, out: &mut impl Extend<u32>) {
        let time_mark = self.time_filter.as_ref().map(|t| t.position);
        for (position, part) in self.index.iter().enumerate() {
            if time_mark == Some(position) {
                out.extend([mark]);
            }
            match (part.read)(row) {
                Cell::Uint(v) => out.extend([u32::try_from(v).unwrap_or(u32::MAX)]),
                Cell::Int(v) => out.extend([u32::try_from(v).unwrap_or(0)]),
                Cell::Mac(m) => {
                    out.extend([6]);
                    out.extend(m.0.iter().map(|&b| u32::from(b)));
                }
                Cell::Bytes(b) => {
                    out.extend([b.len() as u32]);
                    out.extend(b.iter().map(|&b| u32::from(b)));
                }
                Cell::Text(t) => {
                    out.extend([t.len() as u32]);
                    out.extend(t.bytes().map(u32::from));
                }
                Cell::Oid(o) => {
                    out.extend([o.len() as u32]);
                    out.extend(o.iter().copied());
                }
                Cell::Source(ds) => out.extend([ds.if_index()]),
                Cell::Status(st) => out.extend([st.value() as u32]),
                Cell::Absent => out.extend([0]),
            }
        }
    }

    /// The column numbered `number`.
    pub fn column(&self, number: u32) -> Option<&Column<E>> {
        self.columns.iter().find(|c| c.number == number)
    }

    /// The column and the index an instance OID names (`entry.column.index`), if it is one of
    /// this table's columns.
    pub fn instance<'o>(&self, oid: &'o [u32]) -> Option<(&Column<E>, &'o [u32])> {
        let (&number, index) = oid.strip_prefix(self.entry)?.split_first()?;
        Some((self.column(number)?, index))
    }

    /// The column named `name` (the MIB's name).
    /// The MIB names of the index's parts, in order: an index column of the table's own, or
    /// the name an index part borrowed from another table is written under.
    pub fn index_names(&self) -> Vec<&'static str> {
        self.index
            .iter()
            .map(|part| match part.name {
                "" => self.columns.iter().find(|c| c.field == part.field).map_or(part.field, |c| c.name),
                name => name,
            })
            .collect()
    }

    pub fn column_named(&self, name: &str) -> Option<&Column<E>> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// The entry's name, less "Table": `etherStats` for `etherStatsTable`.
    pub fn row_name(&self) -> &'static str {
        self.name.strip_suffix("Table").unwrap_or(self.name)
    }

    /// Reads a walk of the table back into rows: the bindings under the entry OID are grouped
    /// by instance index, the index parsed into a new row (`new`), each column put in by its
    /// accessor. Rows whose index does not parse are skipped; columns an agent left out keep
    /// `new`'s values. A view's rows are matched by index to `rows` and completed instead.
    pub fn decode(&self, bindings: &[(Vec<u32>, Value)], rows: &mut Vec<E>, new: fn() -> E) {
        use std::collections::BTreeMap;
        let mut walked: BTreeMap<&[u32], Vec<(u32, &Value)>> = BTreeMap::new();
        for (oid, value) in bindings {
            let Some((&column, index)) = oid.strip_prefix(self.entry).and_then(|r| r.split_first()) else {
                continue;
            };
            if value.is_exception() {
                continue;
            }
            walked.entry(index).or_default().push((column, value));
        }
        if self.view {
            let mut key = Vec::new();
            for row in rows.iter_mut() {
                key.clear();
                self.instance_index(row, &mut key);
                if let Some(columns) = walked.get(key.as_slice()) {
                    self.put(row, columns);
                }
            }
            return;
        }
        let time_mark = self.time_filter.as_ref().map(|t| t.position);
        for (index, columns) in walked {
            let mut row = new();
            let mut ids = index;
            // A time-filtered row is read once, at timemark 0 (an agent that walks on through
            // every timemark serves it again under each).
            let parsed = self.index.iter().enumerate().all(|(position, part)| {
                if time_mark == Some(position) && take_id(&mut ids) != Some(0) {
                    return false;
                }
                (part.parse)(&mut row, &mut ids).is_some()
            });
            if !parsed || !ids.is_empty() {
                continue;
            }
            self.put(&mut row, &columns);
            rows.push(row);
        }
    }

    fn put(&self, row: &mut E, columns: &[(u32, &Value)]) {
        for (number, value) in columns {
            if let Some(write) = self.column(*number).and_then(|c| c.write) {
                write(row, value);
            }
        }
    }
}

/// A table's description without its row type: what the control plane needs to name a table and
/// check its columns, whatever rows it holds.
pub trait Described: Sync {
    /// The entry's name, less "Table": `etherStats`.
    fn row_name(&self) -> &'static str;
    /// Every column, in column order.
    fn column_infos(&self) -> Vec<ColumnInfo>;
    /// The column numbered `number`.
    fn column_info(&self, number: u32) -> Option<ColumnInfo>;
}

impl<E: Sync> Described for Table<E> {
    fn row_name(&self) -> &'static str {
        Table::row_name(self)
    }

    fn column_infos(&self) -> Vec<ColumnInfo> {
        self.columns.iter().map(Column::info).collect()
    }

    fn column_info(&self, number: u32) -> Option<ColumnInfo> {
        self.column(number).map(Column::info)
    }
}

/// The rows of one table as the JSON report writes them: an array of objects keyed by the
/// columns' MIB names, counters exact, enumerations by name, absent columns left out.
pub struct Rows<'a, E: 'static> {
    pub table: &'static Table<E>,
    pub rows: &'a [E],
}

/// One row as the JSON report writes it (see [`Rows`]).
pub struct JsonRow<'a, E: 'static>(pub &'static Table<E>, pub &'a E);

impl<E> Serialize for Rows<'_, E> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.rows.len()))?;
        for row in self.rows {
            seq.serialize_element(&JsonRow(self.table, row))?;
        }
        seq.end()
    }
}

impl<E> Serialize for JsonRow<'_, E> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(None)?;
        for part in self.0.index.iter().filter(|p| !p.name.is_empty()) {
            match (part.read)(self.1) {
                Cell::Mac(m) => map.serialize_entry(part.name, &m)?,
                Cell::Uint(v) => map.serialize_entry(part.name, &v)?,
                Cell::Int(v) => map.serialize_entry(part.name, &v)?,
                // The only octet-string index a view names is a network address (RMON2).
                Cell::Bytes(b) => map.serialize_entry(part.name, &bytes_text(Syntax::NetAddress, b))?,
                _ => {}
            }
        }
        for column in self.0.columns {
            let cell = (column.read)(self.1);
            match cell {
                Cell::Absent => {}
                Cell::Int(v) => match column.syntax.name_of(v) {
                    Some(text) => map.serialize_entry(column.name, text)?,
                    None => map.serialize_entry(column.name, &v)?,
                },
                Cell::Uint(v) => map.serialize_entry(column.name, &v)?,
                Cell::Text(t) => map.serialize_entry(column.name, t)?,
                Cell::Bytes(b) => match column.syntax {
                    Syntax::Text { .. } | Syntax::OctetsAsText { .. } => {
                        map.serialize_entry(column.name, &String::from_utf8_lossy(b))?
                    }
                    Syntax::NetAddress | Syntax::ProtocolId => {
                        map.serialize_entry(column.name, &bytes_text(column.syntax, b))?
                    }
                    _ => map.serialize_entry(column.name, &HexOctets(b))?,
                },
                Cell::Mac(m) => map.serialize_entry(column.name, &m)?,
                Cell::Oid(o) => map.serialize_entry(column.name, &Dotted(o))?,
                Cell::Source(ds) => map.serialize_entry(column.name, &ds)?,
                Cell::Status(st) => map.serialize_entry(column.name, &st)?,
            }
        }
        map.end()
    }
}

/// Writes the rows of one table as a JSON array, as [`Rows`] serializes them, straight into
/// `out`: the report of a busy link holds hundreds of thousands of rows (two HC-RMON tables
/// for every RMON-1 one), and keys known to need no escaping, copied as they are, and numbers
/// formatted without the serializer's machinery make writing it several times faster.
pub fn write_json_rows<E, W: std::io::Write>(table: &'static Table<E>, rows: &[E], out: &mut W) -> std::io::Result<()> {
    out.write_all(b"[")?;
    write_json_row_list(table, rows, false, out)?;
    out.write_all(b"]")
}

/// The rows of [`write_json_rows`] without the brackets, separated by commas and, with
/// `continues`, preceded by one: a slice of a longer array, so that the report's writer can
/// render the slices of one table on several threads (`mib/ordered.rs`).
pub fn write_json_row_list<E, W: std::io::Write>(
    table: &'static Table<E>,
    rows: &[E],
    continues: bool,
    out: &mut W,
) -> std::io::Result<()> {
    let mut numbers = itoa::Buffer::new();
    for (n, row) in rows.iter().enumerate() {
        if n > 0 || continues {
            out.write_all(b",")?;
        }
        out.write_all(b"{")?;
        let mut first = true;
        let mut key = |out: &mut W, name: &str| -> std::io::Result<()> {
            if !std::mem::take(&mut first) {
                out.write_all(b",")?;
            }
            out.write_all(b"\"")?;
            out.write_all(name.as_bytes())?;
            out.write_all(b"\":")
        };
        for part in table.index.iter().filter(|p| !p.name.is_empty()) {
            match (part.read)(row) {
                Cell::Mac(m) => {
                    key(out, part.name)?;
                    write_quoted(out, &m.to_text())?;
                }
                Cell::Uint(v) => {
                    key(out, part.name)?;
                    out.write_all(numbers.format(v).as_bytes())?;
                }
                Cell::Int(v) => {
                    key(out, part.name)?;
                    out.write_all(numbers.format(v).as_bytes())?;
                }
                Cell::Bytes(b) => {
                    key(out, part.name)?;
                    write_address(out, b)?;
                }
                _ => {}
            }
        }
        for column in table.columns {
            let cell = (column.read)(row);
            if cell == Cell::Absent {
                continue;
            }
            key(out, column.name)?;
            match cell {
                Cell::Absent => {}
                Cell::Int(v) => match column.syntax.name_of(v) {
                    Some(text) => write_quoted(out, text.as_bytes())?,
                    None => out.write_all(numbers.format(v).as_bytes())?,
                },
                Cell::Uint(v) => out.write_all(numbers.format(v).as_bytes())?,
                Cell::Text(t) => serde_json::to_writer(&mut *out, t).map_err(std::io::Error::other)?,
                Cell::Bytes(b) => match column.syntax {
                    Syntax::Text { .. } | Syntax::OctetsAsText { .. } => {
                        serde_json::to_writer(&mut *out, &String::from_utf8_lossy(b)).map_err(std::io::Error::other)?
                    }
                    Syntax::NetAddress => write_address(out, b)?,
                    Syntax::ProtocolId => write_quoted(out, bytes_text(column.syntax, b).as_bytes())?,
                    _ => write_quoted(out, Octets::display(b).to_string().as_bytes())?,
                },
                Cell::Mac(m) => write_quoted(out, &m.to_text())?,
                Cell::Oid(o) => {
                    out.write_all(b"\"")?;
                    for (i, id) in o.iter().enumerate() {
                        if i > 0 {
                            out.write_all(b".")?;
                        }
                        out.write_all(numbers.format(*id).as_bytes())?;
                    }
                    out.write_all(b"\"")?;
                }
                Cell::Source(ds) => write_quoted(out, ds.to_string().as_bytes())?,
                Cell::Status(st) => write_quoted(out, st.name().as_bytes())?,
            }
        }
        out.write_all(b"}")?;
    }
    Ok(())
}

/// How the JSON report writes an RMON2 address or protocol identifier: an IP address as text
/// (IPv4 dotted, IPv6 as RFC 5952 writes it), a protocolDirID as its octets in dotted decimal.
pub fn bytes_text(syntax: Syntax, bytes: &[u8]) -> String {
    match (syntax, bytes.len()) {
        (Syntax::NetAddress, 4 | 16) => NetAddr::from_octets(bytes).map(|a| a.to_string()).unwrap_or_default(),
        (Syntax::ProtocolId, _) => {
            let parts: Vec<String> = bytes.iter().map(u8::to_string).collect();
            parts.join(".")
        }
        _ => Octets::display(bytes).to_string(),
    }
}

/// A network address in quotes, written straight out: a report writes one or two per row of
/// the RMON2 tables, tens of thousands of them.
fn write_address<W: std::io::Write>(out: &mut W, bytes: &[u8]) -> std::io::Result<()> {
    match crate::mib::net_addr::addr_text(bytes) {
        Some(text) => write_quoted(out, text.as_bytes()),
        None => write_quoted(out, bytes_text(Syntax::NetAddress, bytes).as_bytes()),
    }
}

/// `"text"` for text known to need no escaping (hex, addresses, MIB names).
fn write_quoted<W: std::io::Write>(out: &mut W, text: &[u8]) -> std::io::Result<()> {
    out.write_all(b"\"")?;
    out.write_all(text)?;
    out.write_all(b"\"")
}

struct HexOctets<'a>(&'a [u8]);

impl Serialize for HexOctets<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&Octets::display(self.0))
    }
}

struct Dotted<'a>(&'a [u32]);

impl Serialize for Dotted<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut text = String::with_capacity(self.0.len() * 3);
        for (i, id) in self.0.iter().enumerate() {
            if i > 0 {
                text.push('.');
            }
            let _ = write!(text, "{id}");
        }
        s.serialize_str(&text)
    }
}

/// Visits the tables a container of rows holds: the JSON report, the SNMP registry and the
/// remote decoder each walk the same list.
pub trait TableVisitor<T> {
    fn table<E: 'static + Send + Sync>(
        &mut self,
        table: &'static Table<E>,
        rows: fn(&T) -> &[E],
        rows_mut: fn(&mut T) -> &mut Vec<E>,
        new: fn() -> E,
    );
}

/// Declares a table: the row type (one field per column, in column order, with its type) and
/// its [`Table`] description, from one list. Columns are written
/// `NUMBER field: Type = "mibName", SYNTAX, ACCESS [, frozen];` and the index names fields.
#[macro_export]
macro_rules! mib_table {
    (
        $(#[$meta:meta])*
        pub struct $entry:ident;
        pub static $schema:ident = $name:literal at [$($oid:literal),+] index [$($ix:ident $(= $ixname:literal)?),+]
            $(time_filter($tpos:literal, $tlc:ident))?;
        $(
            $(#[$fmeta:meta])*
            $num:literal $field:ident : $ty:ty = $col:literal, $syntax:expr, $access:ident $(, $frozen:ident)?;
        )+
        $( extra { $( $(#[$xmeta:meta])* $xfield:ident : $xty:ty, )+ } )?
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, Eq, Default)]
        pub struct $entry {
            $( $(#[$fmeta])* pub $field: $ty, )+
            $($( $(#[$xmeta])* pub $xfield: $xty, )+)?
        }

        pub static $schema: $crate::mib::schema::Table<$entry> = $crate::mib::schema::Table {
            name: $name,
            entry: &[$($oid),+],
            index: &[$(
                $crate::mib::schema::IndexPart {
                    name: $crate::mib_index_name!($($ixname)?),
                    field: stringify!($ix),
                    read: |e: &$entry| $crate::mib::schema::Field::cell(&e.$ix),
                    parse: |e: &mut $entry, ids: &mut &[u32]| {
                        e.$ix = $crate::mib::schema::Field::from_index(ids)?;
                        Some(())
                    },
                },
            )+],
            columns: &[$(
                $crate::mib_field_column!($entry, $num, $col, $field, $syntax, $access $(, $frozen)?),
            )+],
            view: false,
            time_filter: $crate::mib_time_filter!($entry $(, $tpos, $tlc)?),
        };

        impl serde::Serialize for $entry {
            /// As the JSON report writes a row: keyed by the columns' MIB names.
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                serde::Serialize::serialize(&$crate::mib::schema::JsonRow(&$schema, self), s)
            }
        }
    };
}

/// A column over one field of a row, read and written as the field's type does: the columns of
/// [`mib_table!`], and of a table written out by hand (`media_independent.rs`).
#[macro_export]
macro_rules! mib_field_column {
    ($entry:ty, $num:literal, $col:literal, $field:ident, $syntax:expr, $access:ident $(, $frozen:ident)?) => {
        $crate::mib::schema::Column {
            number: $num,
            name: $col,
            field: stringify!($field),
            syntax: $syntax,
            access: $crate::mib::schema::Access::$access,
            frozen: $crate::mib_frozen!($($frozen)?),
            read: |e: &$entry| $crate::mib::schema::Field::cell(&e.$field),
            write: Some(|e: &mut $entry, v: &$crate::mib::Value| {
                if let Some(x) = $crate::mib::schema::Field::from_value(v) {
                    e.$field = x;
                }
            }),
        }
    };
}

/// The JSON name of an index part of [`mib_table!`]: given for an index column the table does
/// not have among its columns (nlHostTable's hlHostControlIndex), else empty.
#[macro_export]
macro_rules! mib_index_name {
    () => {
        ""
    };
    ($name:literal) => {
        $name
    };
}

/// The [`TimeFilter`] of [`mib_table!`] and [`mib_view!`]: `time_filter(POSITION, field)`,
/// where the field holds the row's last change in TimeTicks.
#[macro_export]
macro_rules! mib_time_filter {
    ($entry:ty) => {
        None
    };
    ($entry:ty, $pos:literal, $lc:ident) => {
        Some($crate::mib::schema::TimeFilter { position: $pos, last_change: |e: &$entry| e.$lc })
    };
}

/// `frozen` in a column of [`mib_table!`]: true; nothing: false.
#[macro_export]
macro_rules! mib_frozen {
    () => {
        false
    };
    (frozen) => {
        true
    };
}

/// Columns of an HC-RMON view over 64-bit counts: the overflow (the count divided by 2^32) and
/// the exact count, which a remote agent's value also puts back into the row.
pub mod hc {
    use super::Cell;

    /// The Overflow column of a 64-bit count: how many times its 32-bit column has wrapped.
    pub fn overflow(count: u64) -> Cell<'static> {
        Cell::Uint(count >> 32)
    }

    /// The 32 low bits of a 64-bit count (HC-RMON's BaseRate columns).
    pub fn low(count: u64) -> Cell<'static> {
        Cell::Uint(count & 0xffff_ffff)
    }
}

/// Declares an HC-RMON view: a [`Table`] of other columns over the rows of an RMON-1 table.
/// Columns are `NUMBER "mibName" KIND field;` where KIND is `overflow` (Counter32: the count
/// divided by 2^32), `count` (Counter64: the exact count, put back into the row by a remote
/// agent's value), `gauge_overflow` / `gauge` (Gauge32 and CounterBasedGauge64, for rates and
/// buckets), `low` (Gauge32: the count modulo 2^32), `zero_based_overflow` (RMON2's views: the
/// overflow as a ZeroBasedCounter32), `copy_index` / `copy_address` (a column of the row as it is:
/// an index, an address), `ticks` (a TimeTicks field) or `none_dropped` (RMON2's
/// DroppedFrames columns: 0, the probe sheds no frame for a row; the field is the row's index).
#[macro_export]
macro_rules! mib_view {
    (
        $(#[$meta:meta])*
        pub static $schema:ident: $entry:ty = $name:literal at [$($oid:literal),+] index [$($ix:ident = $ixname:literal),+]
            $(time_filter($tpos:literal, $tlc:ident))?;
        $( $num:literal $col:literal $kind:ident $field:ident; )+
    ) => {
        $(#[$meta])*
        pub static $schema: $crate::mib::schema::Table<$entry> = $crate::mib::schema::Table {
            name: $name,
            entry: &[$($oid),+],
            index: &[$(
                $crate::mib::schema::IndexPart {
                    name: $ixname,
                    field: stringify!($ix),
                    read: |e: &$entry| $crate::mib::schema::Field::cell(&e.$ix),
                    parse: |e: &mut $entry, ids: &mut &[u32]| {
                        e.$ix = $crate::mib::schema::Field::from_index(ids)?;
                        Some(())
                    },
                },
            )+],
            columns: &[$( $crate::mib_view_column!($entry, $num, $col, $kind, $field), )+],
            view: true,
            time_filter: $crate::mib_time_filter!($entry $(, $tpos, $tlc)?),
        };
    };
}

/// One column of [`mib_view!`].
#[macro_export]
macro_rules! mib_view_column {
    ($entry:ty, $num:literal, $col:literal, overflow, $field:ident) => {
        $crate::mib_view_column!(@derived $entry, $num, $col, $crate::mib::schema::Syntax::Counter32,
            |e: &$entry| $crate::mib::schema::hc::overflow(e.$field))
    };
    ($entry:ty, $num:literal, $col:literal, copy_index, $field:ident) => {
        $crate::mib_view_column!(@derived $entry, $num, $col,
            $crate::mib::schema::Syntax::Integer { min: 1, max: i32::MAX as i64 },
            |e: &$entry| $crate::mib::schema::Field::cell(&e.$field))
    };
    ($entry:ty, $num:literal, $col:literal, copy_address, $field:ident) => {
        $crate::mib_view_column!(@derived $entry, $num, $col, $crate::mib::schema::Syntax::NetAddress,
            |e: &$entry| $crate::mib::schema::Field::cell(&e.$field))
    };
    ($entry:ty, $num:literal, $col:literal, ticks, $field:ident) => {
        $crate::mib_view_column!(@derived $entry, $num, $col, $crate::mib::schema::Syntax::TimeTicks,
            |e: &$entry| $crate::mib::schema::Cell::Uint(e.$field))
    };
    ($entry:ty, $num:literal, $col:literal, none_dropped, $field:ident) => {
        $crate::mib_view_column!(@derived $entry, $num, $col, $crate::mib::schema::Syntax::Counter32,
            |_: &$entry| $crate::mib::schema::Cell::Uint(0))
    };
    ($entry:ty, $num:literal, $col:literal, zero_based_overflow, $field:ident) => {
        $crate::mib_view_column!(@derived $entry, $num, $col, $crate::mib::schema::Syntax::ZeroBasedCounter32,
            |e: &$entry| $crate::mib::schema::hc::overflow(e.$field))
    };
    ($entry:ty, $num:literal, $col:literal, gauge_overflow, $field:ident) => {
        $crate::mib_view_column!(@derived $entry, $num, $col, $crate::mib::schema::Syntax::Gauge32,
            |e: &$entry| $crate::mib::schema::hc::overflow(e.$field))
    };
    ($entry:ty, $num:literal, $col:literal, low, $field:ident) => {
        $crate::mib_view_column!(@derived $entry, $num, $col, $crate::mib::schema::Syntax::Gauge32,
            |e: &$entry| $crate::mib::schema::hc::low(e.$field))
    };
    ($entry:ty, $num:literal, $col:literal, count, $field:ident) => {
        $crate::mib_view_column!(@exact $entry, $num, $col, $crate::mib::schema::Syntax::Counter64, $field)
    };
    ($entry:ty, $num:literal, $col:literal, gauge, $field:ident) => {
        $crate::mib_view_column!(@exact $entry, $num, $col, $crate::mib::schema::Syntax::Counter64, $field)
    };
    ($entry:ty, $num:literal, $col:literal, same, $field:ident) => {
        $crate::mib::schema::Column {
            number: $num,
            name: $col,
            field: stringify!($field),
            syntax: $crate::mib::schema::Syntax::MacAddress,
            access: $crate::mib::schema::Access::ReadOnly,
            frozen: false,
            read: |e: &$entry| $crate::mib::schema::Field::cell(&e.$field),
            write: None,
        }
    };
    (@derived $entry:ty, $num:literal, $col:literal, $syntax:expr, $read:expr) => {
        $crate::mib::schema::Column {
            number: $num,
            name: $col,
            field: "",
            syntax: $syntax,
            access: $crate::mib::schema::Access::ReadOnly,
            frozen: false,
            read: $read,
            write: None,
        }
    };
    (@exact $entry:ty, $num:literal, $col:literal, $syntax:expr, $field:ident) => {
        $crate::mib::schema::Column {
            number: $num,
            name: $col,
            field: stringify!($field),
            syntax: $syntax,
            access: $crate::mib::schema::Access::ReadOnly,
            frozen: false,
            read: |e: &$entry| $crate::mib::schema::Cell::Uint(e.$field),
            write: Some(|e: &mut $entry, v: &$crate::mib::Value| {
                if let $crate::mib::Value::Counter64(x) = v {
                    e.$field = *x;
                }
            }),
        }
    };
}
