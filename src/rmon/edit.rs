//! Control-row editing: what a manager's SET (and later the TUI) may do to the RMON-1 control
//! tables, checked edit by edit and then committed all or none.
//!
//! The SNMP agent turns the varbinds of a SET PDU on etherStatsTable, historyControlTable,
//! hostControlTable, hostTopNControlTable and matrixControlTable into [`RowEdit`]s, calls
//! [`Probe::apply_edits`], and broadcasts the [`ShardCommand`]s it returns to every shard. It maps
//! an [`EditError`] (the SNMPv2 error statuses) to SNMPv1 itself.
//!
//! The rules, from RFC 2819's EntryStatus and RFC 3416's SET processing:
//!
//! - Within one PDU, each row takes createRequest first (the row is created underCreation with
//!   the MIB's DEFVALs, every other column unset), then its other columns in PDU order, then its
//!   final status. So `status=createRequest, dataSource=…, owner=…` creates a row in one PDU and
//!   a second PDU makes it valid. One status per row per PDU: createRequest with valid is
//!   inconsistent.
//! - Transitions are those of [`EntryStatus::may_become`]; invalid deletes the row (and its
//!   data). Invalid on a row that does not exist is refused with noCreation (noSuchName in
//!   SNMPv1): 4 is createAndGo in RMON2's RowStatus, and a manager that confuses the two must
//!   hear that no row was made rather than a quiet success.
//! - A column of a row that does not exist, with no createRequest for it in the PDU, earns
//!   inconsistentName: RFC 2579 names it for a column whose row could be created but is not
//!   (noCreation is for what can never be created: an index outside 1..65535).
//! - Configuration columns may not change while the row is valid (before and after the PDU);
//!   the MIB lets these change then: every Owner, historyControlBucketsRequested (re-granted,
//!   the oldest buckets going first), hostTopNRequestedSize (re-granted) and
//!   hostTopNTimeRemaining (a new report starts at `now`: Duration = the value, StartTime =
//!   now, the old report gone). A PDU that takes a row out of valid may change any column.
//! - A row may become valid once its required columns are set (every dataSource;
//!   hostTopNHostIndex and hostTopNRateBase) and, for hostTopN, its host table is valid.
//! - A hostControl row leaving valid takes the valid hostTopN rows that rank its hosts back to
//!   underCreation: their reports are gone with the hosts, and a valid row must name a valid
//!   host table. Their owners make them valid again (a new report starts then) or let them
//!   expire.
//! - Rows left underCreation [`UNDER_CREATION_TIMEOUT`] without a SET are deleted by
//!   [`Probe::expire_rows`].
//!
//! Edits are checked in PDU order, each in RFC 3416's order (notWritable, wrongType,
//! wrongLength, wrongValue, noCreation, inconsistentName, inconsistentValue); the consistency of
//! whole rows is checked after that, and the first failing edit is the one reported.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use crate::mib::media_independent::MEDIA_INDEPENDENT_TABLE;
use crate::mib::rmon1::alarm::{ALARM_TABLE, SampleType, StartupAlarm};
use crate::mib::rmon1::capture::{BUFFER_CONTROL_TABLE, FullAction};
use crate::mib::rmon1::event::{EVENT_TABLE, EventType};
use crate::mib::rmon1::filter::{AcceptType, CHANNEL_TABLE, ChannelEventStatus, DataControl, FILTER_TABLE};
use crate::mib::rmon1::history::HISTORY_CONTROL_TABLE;
use crate::mib::rmon1::hosts::HOST_CONTROL_TABLE;
use crate::mib::rmon1::matrix::MATRIX_CONTROL_TABLE;
use crate::mib::rmon1::statistics::ETHER_STATS_TABLE;
use crate::mib::rmon1::topn::HOST_TOP_N_CONTROL_TABLE;
use crate::mib::rmon2::address_map::ADDRESS_MAP_CONTROL_TABLE;
use crate::mib::rmon2::al_matrix_top_n::{AL_MATRIX_TOP_N_CONTROL_TABLE, AlMatrixTopNRateBase};
use crate::mib::rmon2::nl_host::HL_HOST_CONTROL_TABLE;
use crate::mib::rmon2::nl_matrix::HL_MATRIX_CONTROL_TABLE;
use crate::mib::rmon2::nl_matrix_top_n::{NL_MATRIX_TOP_N_CONTROL_TABLE, NlMatrixTopNRateBase};
use crate::mib::rmon2::protocol_dist::PROTOCOL_DIST_CONTROL_TABLE;
use crate::mib::rmon2::usr_history::{USR_HISTORY_CONTROL_TABLE, USR_HISTORY_OBJECT_TABLE};
use crate::mib::schema::{ColumnInfo, Described, Refusal, Syntax};
use crate::mib::tc::RowStatus;
use crate::mib::time::{NANOS_PER_SEC, Timestamp};
use crate::mib::{Oid, Value};
use crate::rmon::control::{DataSource, EntryStatus, Owner};
use crate::rmon::probe::{Limits, Probe, RowRequest};
use crate::rmon::row::rmon2;
use crate::rmon::row::{self, ControlRow, Setting};
use crate::rmon::shard::ShardCommand;
use crate::rmon::topn::RateBase;
use crate::rmon::usr_history::UsrHistoryControl;

pub(crate) mod directory;
#[cfg(test)]
mod tests;

/// How long a row may stay underCreation without a SET before [`Probe::expire_rows`] deletes it:
/// ten minutes of probe time. RFC 2819 lets an agent reclaim such rows once it decides the
/// manager has crashed, and asks it to allow for a human at the keyboard; any SET on the row
/// restarts the clock, so only an abandoned row goes.
pub const UNDER_CREATION_TIMEOUT: Duration = Duration::from_secs(600);

/// The RMON-1 control tables a manager may edit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ControlTable {
    EtherStats,
    HistoryControl,
    HostControl,
    HostTopNControl,
    MatrixControl,
    Alarm,
    Filter,
    Channel,
    BufferControl,
    Event,
    /// HC-RMON's mediaIndependentTable: a RowStatus table.
    MediaIndependent,
    /// RMON2's control tables over a data source (RowStatus).
    ProtocolDistControl,
    AddressMapControl,
    HlHostControl,
    HlMatrixControl,
    NlMatrixTopNControl,
    AlMatrixTopNControl,
    /// RMON2's usrHistoryControlTable; its usrHistoryObjectTable rows are edited through it
    /// ([`ObjectEdit`]).
    UsrHistoryControl,
}

impl ControlTable {
    pub const ALL: [ControlTable; 18] = [
        ControlTable::EtherStats,
        ControlTable::HistoryControl,
        ControlTable::HostControl,
        ControlTable::HostTopNControl,
        ControlTable::MatrixControl,
        ControlTable::Alarm,
        ControlTable::Filter,
        ControlTable::Channel,
        ControlTable::BufferControl,
        ControlTable::Event,
        ControlTable::MediaIndependent,
        ControlTable::ProtocolDistControl,
        ControlTable::AddressMapControl,
        ControlTable::HlHostControl,
        ControlTable::HlMatrixControl,
        ControlTable::NlMatrixTopNControl,
        ControlTable::AlMatrixTopNControl,
        ControlTable::UsrHistoryControl,
    ];

    /// The table's schema (`mib/rmon1/`): its name, and per column the name, syntax and range,
    /// access, and whether a valid row freezes it.
    fn schema(self) -> &'static dyn Described {
        match self {
            ControlTable::EtherStats => &ETHER_STATS_TABLE,
            ControlTable::HistoryControl => &HISTORY_CONTROL_TABLE,
            ControlTable::HostControl => &HOST_CONTROL_TABLE,
            ControlTable::HostTopNControl => &HOST_TOP_N_CONTROL_TABLE,
            ControlTable::MatrixControl => &MATRIX_CONTROL_TABLE,
            ControlTable::Alarm => &ALARM_TABLE,
            ControlTable::Filter => &FILTER_TABLE,
            ControlTable::Channel => &CHANNEL_TABLE,
            ControlTable::BufferControl => &BUFFER_CONTROL_TABLE,
            ControlTable::Event => &EVENT_TABLE,
            ControlTable::MediaIndependent => &MEDIA_INDEPENDENT_TABLE,
            ControlTable::ProtocolDistControl => &PROTOCOL_DIST_CONTROL_TABLE,
            ControlTable::AddressMapControl => &ADDRESS_MAP_CONTROL_TABLE,
            ControlTable::HlHostControl => &HL_HOST_CONTROL_TABLE,
            ControlTable::HlMatrixControl => &HL_MATRIX_CONTROL_TABLE,
            ControlTable::NlMatrixTopNControl => &NL_MATRIX_TOP_N_CONTROL_TABLE,
            ControlTable::AlMatrixTopNControl => &AL_MATRIX_TOP_N_CONTROL_TABLE,
            ControlTable::UsrHistoryControl => &USR_HISTORY_CONTROL_TABLE,
        }
    }

    /// The MIB's name of a row of the table, less "Entry": `historyControl`.
    pub fn name(self) -> &'static str {
        self.schema().row_name()
    }

    /// The table's columns, as its schema describes them.
    pub fn columns(self) -> Vec<ColumnInfo> {
        self.schema().column_infos()
    }

    /// The column numbered `number`, if the entry has one.
    pub fn column(self, number: u32) -> Option<ColumnInfo> {
        self.schema().column_info(number)
    }

    /// The MIB column number of the table's EntryStatus column.
    pub fn status_column(self) -> u32 {
        self.columns().iter().find(|c| c.syntax.is_status()).map_or(0, |c| c.number)
    }

    /// Whether the table's status column uses SMIv2's RowStatus (else RMON-1's EntryStatus).
    pub fn has_row_status(self) -> bool {
        self.columns().iter().any(|c| c.syntax == Syntax::RowStatus)
    }

    /// Whether `value`, set on the status column, creates a row: createRequest(2) in an
    /// EntryStatus, createAndGo(4) or createAndWait(5) in a RowStatus.
    fn creates(self, value: &ControlValue) -> bool {
        match value {
            ControlValue::Integer(v) if self.has_row_status() => {
                matches!(RowStatus::from_value(*v), Some(RowStatus::CreateAndGo | RowStatus::CreateAndWait))
            }
            ControlValue::Integer(v) => *v == EntryStatus::CreateRequest.value(),
            _ => false,
        }
    }

    /// Whether `column` (the MIB column number) is a read-create column of the entry.
    pub fn is_writable(self, column: u32) -> bool {
        self.column(column).is_some_and(|c| c.writable())
    }

    /// The table whose entry is named `name` less "Entry" (`historyControl`).
    pub fn named(name: &str) -> Option<ControlTable> {
        ControlTable::ALL.into_iter().find(|t| t.name() == name)
    }

    /// The column that numbers the table's rows (`historyControlIndex`): read-only, since a
    /// manager names the row in the OID instead.
    pub fn index_column(self) -> Option<ColumnInfo> {
        let name = format!("{}Index", self.name());
        self.columns().into_iter().find(|c| c.name == name)
    }

    /// The row that a configuration or a state file asks for with `values` (read-create columns
    /// and their SMI values), made as a manager's SET would make it: created with the MIB's
    /// DEFVALs, each value checked against the schema and set, then made valid if it can be.
    /// The interfaces it names are the probe's to check ([`Probe::new`]).
    pub fn request(self, index: u16, values: &[(ColumnInfo, Value)]) -> Result<RowRequest, String> {
        self.request_with_objects(index, values, &[])
    }

    /// [`ControlTable::request`] for a usrHistoryControl row with its object rows:
    /// `objects[i]` are the usrHistoryObjectTable columns of object i + 1.
    pub fn request_with_objects(
        self,
        index: u16,
        values: &[(ColumnInfo, Value)],
        objects: &[Vec<(ColumnInfo, Value)>],
    ) -> Result<RowRequest, String> {
        use crate::rmon::alarm::Alarm;
        use crate::rmon::capture::BufferControl;
        use crate::rmon::event::Event;
        use crate::rmon::filter::{ChannelControl, FilterControl};
        use crate::rmon::history::HistoryControl;
        use crate::rmon::hosts::HostControl;
        use crate::rmon::matrix::MatrixControl;
        use crate::rmon::media_independent::MediaIndependentControl;
        use crate::rmon::probe::EtherStatsControl;
        use crate::rmon::topn::HostTopNControl;
        match self {
            ControlTable::EtherStats => configured::<EtherStatsControl>(self, index, values, objects),
            ControlTable::HistoryControl => configured::<HistoryControl>(self, index, values, objects),
            ControlTable::HostControl => configured::<HostControl>(self, index, values, objects),
            ControlTable::HostTopNControl => configured::<HostTopNControl>(self, index, values, objects),
            ControlTable::MatrixControl => configured::<MatrixControl>(self, index, values, objects),
            ControlTable::Alarm => configured::<Alarm>(self, index, values, objects),
            ControlTable::Filter => configured::<FilterControl>(self, index, values, objects),
            ControlTable::Channel => configured::<ChannelControl>(self, index, values, objects),
            ControlTable::BufferControl => configured::<BufferControl>(self, index, values, objects),
            ControlTable::Event => configured::<Event>(self, index, values, objects),
            ControlTable::MediaIndependent => configured::<MediaIndependentControl>(self, index, values, objects),
            ControlTable::ProtocolDistControl => configured::<rmon2::ProtocolDistControl>(self, index, values, objects),
            ControlTable::AddressMapControl => configured::<rmon2::AddressMapControl>(self, index, values, objects),
            ControlTable::HlHostControl => configured::<rmon2::HlHostControl>(self, index, values, objects),
            ControlTable::HlMatrixControl => configured::<rmon2::HlMatrixControl>(self, index, values, objects),
            ControlTable::NlMatrixTopNControl => {
                configured::<crate::rmon::nl_matrix_top_n::NlMatrixTopNControl>(self, index, values, objects)
            }
            ControlTable::AlMatrixTopNControl => {
                configured::<crate::rmon::al_matrix_top_n::AlMatrixTopNControl>(self, index, values, objects)
            }
            ControlTable::UsrHistoryControl => configured::<UsrHistoryControl>(self, index, values, objects),
        }
    }
}

impl ControlTable {
    /// RMON2's control tables over a data source, one default row each per data source.
    pub const RMON2_SOURCE_TABLES: [ControlTable; 4] = [
        ControlTable::ProtocolDistControl,
        ControlTable::AddressMapControl,
        ControlTable::HlHostControl,
        ControlTable::HlMatrixControl,
    ];

    /// The tables in an order where every row comes after the rows it names: host tables
    /// before the reports that rank them, channels before their filters and buffers, events
    /// before the alarms that fire them. [`Probe::new`] takes rows in this order.
    pub const DEPENDENCY_ORDER: [ControlTable; 18] = [
        ControlTable::EtherStats,
        ControlTable::MediaIndependent,
        ControlTable::ProtocolDistControl,
        ControlTable::AddressMapControl,
        ControlTable::HlHostControl,
        ControlTable::HlMatrixControl,
        ControlTable::NlMatrixTopNControl,
        ControlTable::AlMatrixTopNControl,
        ControlTable::HistoryControl,
        ControlTable::HostControl,
        ControlTable::MatrixControl,
        ControlTable::HostTopNControl,
        ControlTable::Channel,
        ControlTable::Filter,
        ControlTable::BufferControl,
        ControlTable::Event,
        ControlTable::Alarm,
        ControlTable::UsrHistoryControl,
    ];
}

/// [`ControlTable::request`] for the rows of type `R`.
fn configured<R: ControlRow>(
    table: ControlTable,
    index: u16,
    values: &[(ColumnInfo, Value)],
    objects: &[Vec<(ColumnInfo, Value)>],
) -> Result<RowRequest, String> {
    let entry = table.name();
    let (limits, start) = (Limits::default(), Timestamp(0));
    let mut row = R::created(&limits, start);
    for (column, value) in values {
        column.check(value).map_err(|refusal| format!("{entry} {index}: {}", refusal.reason()))?;
        let setting = setting(column, value)
            .ok_or_else(|| format!("{entry} {index}: {} = {value}: not a value of the column", column.name))?;
        if matches!(setting, Setting::Status(_) | Setting::RowStatus(_)) {
            return Err(format!("{entry} {index}: {} is not configured: a configured row is valid", column.name));
        }
        row.set(&setting, &limits, start);
    }
    if !objects.is_empty() {
        if table != ControlTable::UsrHistoryControl {
            return Err(format!("{entry} {index}: the table has no object rows"));
        }
        let count = u16::try_from(objects.len()).map_err(|_| format!("{entry} {index}: more than 65535 objects"))?;
        let given = values.iter().find(|(c, _)| c.name == "usrHistoryControlObjects").map(|(_, v)| v);
        if given.is_some_and(|v| *v != Value::Integer(i32::from(count))) {
            return Err(format!(
                "{entry} {index}: usrHistoryControlObjects must be the number of objects given, {count}"
            ));
        }
        row.set(&Setting::UsrObjects(count), &limits, start);
        for (i, columns) in objects.iter().enumerate() {
            let object = (i + 1) as u16;
            for (column, value) in columns {
                column
                    .check(value)
                    .map_err(|refusal| format!("{entry} {index} object {object}: {}", refusal.reason()))?;
                let setting = object_setting(object, column, value).ok_or_else(|| {
                    format!("{entry} {index} object {object}: {} = {value}: not a value of the column", column.name)
                })?;
                row.set(&setting, &limits, start);
            }
        }
    }
    if let Some(problem) = row.problem() {
        return Err(format!("{entry} {index} cannot become valid: {problem}"));
    }
    row.set_status(EntryStatus::Valid, start);
    row.request(index).ok_or_else(|| format!("{entry} {index} cannot become valid"))
}

/// The value a SET varbind carried, by ASN.1 type (Integer32, TimeTicks and the enumerations all
/// arrive as Integer).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ControlValue {
    Integer(i64),
    OctetString(Vec<u8>),
    ObjectId(Vec<u32>),
}

/// One varbind of a SET on a control table: `column` is the MIB column number within the entry
/// (etherStatsEntry 1..21, historyControlEntry 1..7, hostControlEntry 1..6,
/// hostTopNControlEntry 1..10, matrixControlEntry 1..6) and `index` the row's index as the OID
/// carried it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowEdit {
    pub table: ControlTable,
    pub index: i64,
    pub column: u32,
    pub value: ControlValue,
}

/// One varbind of a SET on protocolDirTable, whose rows are named by two OCTET STRINGs
/// (protocolDirID, protocolDirParameters) rather than an integer: `instance` is the index as the
/// OID carried it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DirectoryEdit {
    pub instance: Vec<u32>,
    pub column: u32,
    pub value: ControlValue,
}

/// One varbind of a SET on usrHistoryObjectTable, whose rows are named by two integers
/// (usrHistoryControlIndex, usrHistoryObjectIndex) as the OID carried them. An object row
/// belongs to its control row (usrHistoryControlObjects makes it), so the edit is a setting of
/// that row, checked and applied with the PDU's other edits of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ObjectEdit {
    pub control: i64,
    pub object: i64,
    pub column: u32,
    pub value: ControlValue,
}

/// One varbind of a SET the probe judges: a control row's, a user history object's, or the
/// protocol directory's.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProbeEdit {
    Row(RowEdit),
    Object(ObjectEdit),
    Directory(DirectoryEdit),
}

impl From<RowEdit> for ProbeEdit {
    fn from(edit: RowEdit) -> Self {
        ProbeEdit::Row(edit)
    }
}

/// The SNMPv2 error statuses a SET on a control table can earn (RFC 3416).
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum EditError {
    /// A read-only column, or one the entry does not have.
    #[error("notWritable")]
    NotWritable,
    #[error("wrongType")]
    WrongType,
    /// An OwnerString longer than 127 octets.
    #[error("wrongLength")]
    WrongLength,
    /// Outside the column's range, or not a value of its syntax at all.
    #[error("wrongValue")]
    WrongValue,
    /// An index outside 1..65535: no row there can ever exist.
    #[error("noCreation")]
    NoCreation,
    /// A value the row's state or the probe's refuses.
    #[error("inconsistentValue")]
    InconsistentValue,
    /// Not returned today: the probe grants less rather than refusing (BucketsGranted,
    /// GrantedSize, the table size limits). Here for the agent's mapping and for later limits.
    #[error("resourceUnavailable")]
    ResourceUnavailable,
    /// A column of a row that does not exist, with no createRequest for it in the PDU.
    #[error("inconsistentName")]
    InconsistentName,
}

/// Why a PDU's edits were refused: the first failing edit, by its position in the edits.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{error}: {reason}")]
pub struct RejectedEdit {
    /// Index into the edits (the varbind's position, from 0).
    pub at: usize,
    pub error: EditError,
    /// For logs: which row and column, and what is wrong.
    pub reason: String,
}

pub(super) fn reject(at: usize, error: EditError, reason: String) -> RejectedEdit {
    RejectedEdit { at, error, reason }
}

/// The schema's refusal of a value as the edit's error.
pub(super) fn refused(at: usize, refusal: Refusal) -> RejectedEdit {
    match refusal {
        Refusal::NotWritable(reason) => reject(at, EditError::NotWritable, reason),
        Refusal::WrongType(reason) => reject(at, EditError::WrongType, reason),
        Refusal::WrongLength(reason) => reject(at, EditError::WrongLength, reason),
        Refusal::WrongValue(reason) => reject(at, EditError::WrongValue, reason),
    }
}

/// The largest filterPktData, Mask or NotMask the probe takes (the schema's range).
pub use crate::mib::rmon1::filter::MAX_FILTER_OCTETS;

/// The setting a value means for a read-create column, once the schema's checks passed (the
/// type, the length, the range): the typed value the control row keeps. None: no such column
/// (a read-only one never gets here).
fn setting(column: &ColumnInfo, value: &Value) -> Option<Setting> {
    let int = || match value {
        Value::Integer(v) => Some(*v),
        _ => None,
    };
    let u16_ = || int().and_then(|v| u16::try_from(v).ok());
    let u32_ = || int().and_then(|v| u32::try_from(v).ok());
    let octets = || match value {
        Value::OctetString(o) => Some(o.clone()),
        _ => None,
    };
    let text = || octets().and_then(|o| String::from_utf8(o).ok());
    let oid = || match value {
        Value::ObjectId(o) => Some(o.clone()),
        _ => None,
    };
    match column.syntax {
        Syntax::Status => return EntryStatus::from_value(i64::from(int()?)).map(Setting::Status),
        Syntax::RowStatus => return RowStatus::from_value(i64::from(int()?)).map(Setting::RowStatus),
        Syntax::Source => return DataSource::from_oid(&oid()?.0).map(Setting::DataSource),
        _ if column.name.ends_with("Owner") => return text().map(|t| Setting::Owner(Owner(t))),
        _ => {}
    }
    Some(match column.name {
        "historyControlBucketsRequested" | "usrHistoryControlBucketsRequested" => Setting::BucketsRequested(u16_()?),
        "historyControlInterval" | "usrHistoryControlInterval" => Setting::Interval(u32_()?),
        "usrHistoryControlObjects" => Setting::UsrObjects(u16_()?),
        "hostTopNHostIndex" => Setting::HostIndex(u16_()?),
        "hostTopNRateBase" => Setting::RateBase(RateBase::from_value(i64::from(int()?))?),
        "hostTopNTimeRemaining" | "nlMatrixTopNControlTimeRemaining" | "alMatrixTopNControlTimeRemaining" => {
            Setting::TimeRemaining(u32_()?)
        }
        "hostTopNRequestedSize" | "nlMatrixTopNControlRequestedSize" | "alMatrixTopNControlRequestedSize" => {
            Setting::RequestedSize(u32_()?)
        }
        "nlMatrixTopNControlMatrixIndex" | "alMatrixTopNControlMatrixIndex" => Setting::MatrixIndex(u16_()?),
        "nlMatrixTopNControlRateBase" => {
            Setting::NlMatrixRateBase(NlMatrixTopNRateBase::from_value(i64::from(int()?))?)
        }
        "alMatrixTopNControlRateBase" => {
            Setting::AlMatrixRateBase(AlMatrixTopNRateBase::from_value(i64::from(int()?))?)
        }
        "alarmInterval" => Setting::AlarmInterval(u32_()?),
        "alarmVariable" => Setting::Variable(oid()?),
        "alarmSampleType" => Setting::SampleType(SampleType::from_value(i64::from(int()?))?),
        "alarmStartupAlarm" => Setting::StartupAlarm(StartupAlarm::from_value(i64::from(int()?))?),
        "alarmRisingThreshold" => Setting::RisingThreshold(int()?),
        "alarmFallingThreshold" => Setting::FallingThreshold(int()?),
        "alarmRisingEventIndex" => Setting::RisingEventIndex(u16_()?),
        "alarmFallingEventIndex" => Setting::FallingEventIndex(u16_()?),
        "eventDescription" | "channelDescription" => Setting::Description(text()?),
        "eventType" => Setting::EventType(EventType::from_value(i64::from(int()?))?),
        "eventCommunity" => Setting::Community(octets()?),
        "filterChannelIndex" | "bufferControlChannelIndex" => Setting::ChannelIndex(u16_()?),
        "filterPktDataOffset" => Setting::PktDataOffset(u32_()?),
        "filterPktData" => Setting::PktData(octets()?),
        "filterPktDataMask" => Setting::PktDataMask(octets()?),
        "filterPktDataNotMask" => Setting::PktDataNotMask(octets()?),
        "filterPktStatus" => Setting::PktStatus(int()?),
        "filterPktStatusMask" => Setting::PktStatusMask(int()?),
        "filterPktStatusNotMask" => Setting::PktStatusNotMask(int()?),
        "channelIfIndex" => Setting::IfIndex(DataSource(u32_()?)),
        "channelAcceptType" => Setting::AcceptType(AcceptType::from_value(i64::from(int()?))?),
        "channelDataControl" => Setting::DataControl(DataControl::from_value(i64::from(int()?))?),
        "channelTurnOnEventIndex" => Setting::TurnOnEventIndex(u16_()?),
        "channelTurnOffEventIndex" => Setting::TurnOffEventIndex(u16_()?),
        "channelEventIndex" => Setting::EventIndex(u16_()?),
        "channelEventStatus" => Setting::EventStatus(ChannelEventStatus::from_value(i64::from(int()?))?),
        "bufferControlFullAction" => Setting::FullAction(FullAction::from_value(i64::from(int()?))?),
        "bufferControlCaptureSliceSize" => Setting::CaptureSliceSize(u32_()?),
        "bufferControlDownloadSliceSize" => Setting::DownloadSliceSize(u32_()?),
        "bufferControlDownloadOffset" => Setting::DownloadOffset(u32_()?),
        "bufferControlMaxOctetsRequested" => Setting::MaxOctetsRequested(int()?),
        "hlHostControlNlMaxDesiredEntries" | "hlMatrixControlNlMaxDesiredEntries" => {
            Setting::NlMaxDesiredEntries(int()?)
        }
        "hlHostControlAlMaxDesiredEntries" | "hlMatrixControlAlMaxDesiredEntries" => {
            Setting::AlMaxDesiredEntries(int()?)
        }
        _ => return None,
    })
}

/// The setting a value means for a column of usrHistoryObjectTable, once the schema's checks
/// passed: a setting of object `object` of its control row.
fn object_setting(object: u16, column: &ColumnInfo, value: &Value) -> Option<Setting> {
    match (column.name, value) {
        ("usrHistoryObjectVariable", Value::ObjectId(oid)) => Some(Setting::UsrObjectVariable(object, oid.clone())),
        ("usrHistoryObjectSampleType", Value::Integer(v)) => {
            Some(Setting::UsrObjectSampleType(object, SampleType::from_value(i64::from(*v))?))
        }
        _ => None,
    }
}

/// A SET's value as an SMI value, for the schema's checks. An integer an Integer32 cannot hold
/// is outside every range of an integer column, and the wrong type for any other.
pub(super) fn smi_value(column: &ColumnInfo, value: &ControlValue) -> Result<Value, (EditError, String)> {
    Ok(match value {
        ControlValue::Integer(v) => match i32::try_from(*v) {
            Ok(v) => Value::Integer(v),
            Err(_)
                if matches!(column.syntax, Syntax::Integer { .. } | Syntax::Enum(_)) || column.syntax.is_status() =>
            {
                return Err((EditError::WrongValue, format!("{} = {v}: not an Integer32", column.name)));
            }
            Err(_) => Value::Integer(0),
        },
        ControlValue::OctetString(o) => Value::OctetString(o.clone()),
        ControlValue::ObjectId(o) => Value::ObjectId(Oid(o.clone())),
    })
}

/// One edit, checked on its own.
#[derive(Clone, Debug)]
struct CheckedEdit {
    at: usize,
    name: &'static str,
    /// The column's schema: whether a valid row freezes it.
    column: ColumnInfo,
    setting: Setting,
}

/// What one PDU does to one row.
#[derive(Debug)]
struct RowPlan {
    table: ControlTable,
    index: u16,
    /// The status edit, if any: where, and to what, in EntryStatus's terms (a RowStatus maps
    /// onto them: see [`entry_status_of`]).
    status: Option<(usize, EntryStatus)>,
    /// createAndGo: the row is made valid (active) after its columns, within the PDU.
    go: bool,
    /// The other columns, in PDU order.
    columns: Vec<CheckedEdit>,
}

/// Runs `$body` with `$rows` bound to the probe's map of `$table`'s rows (the maps differ in
/// type, so the body is compiled once per table).
macro_rules! on_rows {
    ($probe:expr, $table:expr, $rows:ident => $body:expr) => {
        match $table {
            ControlTable::EtherStats => {
                let $rows = &mut $probe.ether_stats;
                $body
            }
            ControlTable::HistoryControl => {
                let $rows = &mut $probe.history;
                $body
            }
            ControlTable::HostControl => {
                let $rows = &mut $probe.hosts;
                $body
            }
            ControlTable::HostTopNControl => {
                let $rows = &mut $probe.top_n;
                $body
            }
            ControlTable::MatrixControl => {
                let $rows = &mut $probe.matrix;
                $body
            }
            ControlTable::Alarm => {
                let $rows = &mut $probe.alarms;
                $body
            }
            ControlTable::Filter => {
                let $rows = &mut $probe.filters;
                $body
            }
            ControlTable::Channel => {
                let $rows = &mut $probe.channels;
                $body
            }
            ControlTable::BufferControl => {
                let $rows = &mut $probe.buffers;
                $body
            }
            ControlTable::Event => {
                let $rows = $probe.events.rows_mut();
                $body
            }
            ControlTable::MediaIndependent => {
                let $rows = &mut $probe.media_independent;
                $body
            }
            ControlTable::ProtocolDistControl => {
                let $rows = &mut $probe.protocol_dist;
                $body
            }
            ControlTable::AddressMapControl => {
                let $rows = &mut $probe.address_map;
                $body
            }
            ControlTable::HlHostControl => {
                let $rows = &mut $probe.hl_host;
                $body
            }
            ControlTable::HlMatrixControl => {
                let $rows = &mut $probe.hl_matrix;
                $body
            }
            ControlTable::NlMatrixTopNControl => {
                let $rows = &mut $probe.nl_matrix_top_n;
                $body
            }
            ControlTable::AlMatrixTopNControl => {
                let $rows = &mut $probe.al_matrix_top_n;
                $body
            }
            ControlTable::UsrHistoryControl => {
                let $rows = &mut $probe.usr_history;
                $body
            }
        }
    };
}

impl Probe {
    /// Checks every edit of one SET PDU, then applies all of them or none, at probe time `now`.
    /// Returns the shard commands to send to every shard, in order; on refusal nothing changed.
    pub fn apply_edits(&mut self, now: Timestamp, edits: &[RowEdit]) -> Result<Vec<ShardCommand>, RejectedEdit> {
        let edits: Vec<ProbeEdit> = edits.iter().cloned().map(ProbeEdit::Row).collect();
        self.apply_row_edits(now, &edits)
    }

    /// [`Probe::apply_edits`] for a PDU that may also edit the protocol directory: all or none.
    pub fn apply_probe_edits(&mut self, now: Timestamp, all: &[ProbeEdit]) -> Result<Vec<ShardCommand>, RejectedEdit> {
        // Positions in the PDU, for the error index.
        let mut edits: Vec<ProbeEdit> = Vec::new();
        let mut at_of: Vec<usize> = Vec::new();
        let mut directory: Vec<(usize, &DirectoryEdit)> = Vec::new();
        for (at, edit) in all.iter().enumerate() {
            match edit {
                ProbeEdit::Directory(e) => directory.push((at, e)),
                other => {
                    edits.push(other.clone());
                    at_of.push(at);
                }
            }
        }
        if directory.is_empty() {
            // Control rows only, at their own positions: the common SET.
            return self.apply_row_edits(now, &edits);
        }
        let mut next = self.clone();
        directory::apply(&mut next, &directory, now)?;
        next.apply_row_edits(now, &edits).map_err(|mut e| {
            e.at = at_of.get(e.at).copied().unwrap_or(e.at);
            e
        })?;
        // Every change of both, compared once: the directory's goes to the shards first.
        let commands = row::changes(self, &next);
        *self = next;
        Ok(commands)
    }

    /// The control-row edits of one PDU (and the user history objects', which are settings of
    /// their control rows), all or none (see [`Probe::apply_edits`]). Directory edits are not
    /// looked at.
    fn apply_row_edits(&mut self, now: Timestamp, edits: &[ProbeEdit]) -> Result<Vec<ShardCommand>, RejectedEdit> {
        let row_edits = || {
            edits.iter().filter_map(|e| match e {
                ProbeEdit::Row(e) => Some(e),
                _ => None,
            })
        };
        let creating: BTreeSet<(ControlTable, u16)> = row_edits()
            .filter(|e| e.column == e.table.status_column() && e.table.creates(&e.value))
            .filter_map(|e| Some((e.table, row_index(e.index)?)))
            .collect();

        let mut plans: Vec<RowPlan> = Vec::new();
        let mut errors: Vec<RejectedEdit> = Vec::new();
        for (at, edit) in edits.iter().enumerate() {
            let (table, index, checked) = match edit {
                ProbeEdit::Row(e) => {
                    let (index, checked) = self.check_edit(at, e, &creating)?;
                    (e.table, index, checked)
                }
                ProbeEdit::Object(e) => {
                    let counts = row_edits().filter_map(|r| match (r.table, r.column, &r.value) {
                        (ControlTable::UsrHistoryControl, 2, ControlValue::Integer(n)) => Some((r.index, *n)),
                        _ => None,
                    });
                    let (index, checked) = self.check_object_edit(at, e, counts, &creating)?;
                    (ControlTable::UsrHistoryControl, index, checked)
                }
                ProbeEdit::Directory(_) => continue,
            };
            let plan = match plans.iter().position(|p| (p.table, p.index) == (table, index)) {
                Some(i) => &mut plans[i],
                None => {
                    plans.push(RowPlan { table, index, status: None, go: false, columns: Vec::new() });
                    let last = plans.len() - 1;
                    &mut plans[last]
                }
            };
            let status = match checked.setting {
                Setting::Status(status) => Some(status),
                Setting::RowStatus(status) => {
                    let (status, go) = entry_status_of(status);
                    plan.go = go;
                    Some(status)
                }
                _ => None,
            };
            match status {
                Some(status) => {
                    if plan.status.is_some() {
                        errors.push(reject(
                            at,
                            EditError::InconsistentValue,
                            format!("{} {index}: {} set twice in one PDU", table.name(), checked.name),
                        ));
                    }
                    plan.status = Some((at, status));
                }
                None => plan.columns.push(checked),
            }
        }

        let mut next = self.clone();
        let limits = next.limits;
        for plan in &plans {
            if let Err(e) = on_rows!(next, plan.table, rows => apply_plan(rows, plan, &limits, now)) {
                errors.push(e);
            }
        }
        let demoted = next.check_top_n_hosts(&plans, now, &mut errors);
        if let Some(first) = errors.into_iter().min_by_key(|e| e.at) {
            return Err(first);
        }

        // A deleted event, or one no longer valid, takes its log entries (eventStatus).
        next.events.prune_log();
        // Buffers made valid or asking for other octets get their grant, and turn on.
        next.grant_buffers(now);
        let touched = plans.iter().map(|p| (p.table, p.index)).chain(demoted);
        next.restart_creation_clocks(touched, now);
        let commands = row::changes(self, &next);
        *self = next;
        Ok(commands)
    }

    /// Deletes the rows left underCreation longer than [`UNDER_CREATION_TIMEOUT`] at probe time
    /// `now`. Returns the shard commands to broadcast (none today: such rows have no data).
    pub fn expire_rows(&mut self, now: Timestamp) -> Vec<ShardCommand> {
        let timeout = UNDER_CREATION_TIMEOUT.as_secs().saturating_mul(NANOS_PER_SEC);
        let expired: Vec<(ControlTable, u16)> = self
            .under_creation_since
            .iter()
            .filter(|(_, since)| now.since(**since) >= timeout)
            .map(|(k, _)| *k)
            .collect();
        if expired.is_empty() {
            return Vec::new();
        }
        let mut next = self.clone();
        for (table, index) in expired {
            on_rows!(next, table, rows => {
                rows.remove(&index);
            });
            next.under_creation_since.remove(&(table, index));
        }
        let commands = row::changes(self, &next);
        *self = next;
        commands
    }

    /// The status of a control row, None if it does not exist.
    pub fn row_status(&self, table: ControlTable, index: u16) -> Option<EntryStatus> {
        match table {
            ControlTable::EtherStats => self.ether_stats.get(&index).map(|r| r.status),
            ControlTable::HistoryControl => self.history.get(&index).map(|r| r.status),
            ControlTable::HostControl => self.hosts.get(&index).map(|r| r.status),
            ControlTable::HostTopNControl => self.top_n.get(&index).map(|r| r.status),
            ControlTable::MatrixControl => self.matrix.get(&index).map(|r| r.status),
            ControlTable::Alarm => self.alarms.get(&index).map(|r| r.status()),
            ControlTable::Filter => self.filters.get(&index).map(|r| r.status),
            ControlTable::Channel => self.channels.get(&index).map(|r| r.status),
            ControlTable::BufferControl => self.buffers.get(&index).map(|r| r.status),
            ControlTable::Event => self.events.get(index).map(|r| r.status),
            ControlTable::MediaIndependent => self.media_independent.get(&index).map(|r| r.status),
            ControlTable::ProtocolDistControl => self.protocol_dist.get(&index).map(|r| r.status),
            ControlTable::AddressMapControl => self.address_map.get(&index).map(|r| r.status),
            ControlTable::HlHostControl => self.hl_host.get(&index).map(|r| r.status),
            ControlTable::HlMatrixControl => self.hl_matrix.get(&index).map(|r| r.status),
            ControlTable::NlMatrixTopNControl => self.nl_matrix_top_n.get(&index).map(|r| r.status),
            ControlTable::AlMatrixTopNControl => self.al_matrix_top_n.get(&index).map(|r| r.status),
            ControlTable::UsrHistoryControl => self.usr_history.get(&index).map(|r| r.status),
        }
    }

    /// Checks one edit on its own, in RFC 3416's order; returns the row index and the setting.
    fn check_edit(
        &self,
        at: usize,
        edit: &RowEdit,
        creating: &BTreeSet<(ControlTable, u16)>,
    ) -> Result<(u16, CheckedEdit), RejectedEdit> {
        let entry = edit.table.name();
        let Some(column) = edit.table.column(edit.column) else {
            let reason = format!("{entry}Entry has no column {}", edit.column);
            return Err(reject(at, EditError::NotWritable, reason));
        };
        let name = column.name;
        let value = smi_value(&column, &edit.value).map_err(|(error, reason)| reject(at, error, reason))?;
        column.check(&value).map_err(|refusal| refused(at, refusal))?;
        let Some(setting) = setting(&column, &value) else {
            return Err(reject(at, EditError::NotWritable, format!("{name} is not writable on this probe")));
        };
        let Some(index) = row_index(edit.index) else {
            let reason = format!("{name}.{}: {entry} rows are indexed 1..65535", edit.index);
            return Err(reject(at, EditError::NoCreation, reason));
        };
        let exists = self.row_status(edit.table, index).is_some() || creating.contains(&(edit.table, index));
        if !column.syntax.is_status() && !exists {
            let reason = format!("{entry} {index} does not exist: create it with {entry}Status = createRequest(2)");
            return Err(reject(at, EditError::InconsistentName, reason));
        }
        if let Setting::DataSource(source) | Setting::IfIndex(source) = setting
            && !self.sources.iter().any(|s| s.if_index == source.if_index())
        {
            let reason = format!(
                "{entry} {index}: {name} {source} names no interface of this probe (ifIndex 1..{})",
                self.sources.len()
            );
            return Err(reject(at, EditError::InconsistentValue, reason));
        }
        Ok((index, CheckedEdit { at, name, column, setting }))
    }

    /// Checks one edit of usrHistoryObjectTable on its own, in RFC 3416's order; returns the
    /// control row's index and the setting. `counts` are the usrHistoryControlObjects the PDU
    /// sets, by control index: an object row exists when its control row has (or is given) that
    /// many objects.
    fn check_object_edit(
        &self,
        at: usize,
        edit: &ObjectEdit,
        mut counts: impl Iterator<Item = (i64, i64)>,
        creating: &BTreeSet<(ControlTable, u16)>,
    ) -> Result<(u16, CheckedEdit), RejectedEdit> {
        let Some(column) = USR_HISTORY_OBJECT_TABLE.column_info(edit.column) else {
            let reason = format!("usrHistoryObjectEntry has no column {}", edit.column);
            return Err(reject(at, EditError::NotWritable, reason));
        };
        let name = column.name;
        if !column.writable() {
            return Err(reject(at, EditError::NotWritable, format!("{name} is not writable")));
        }
        let value = smi_value(&column, &edit.value).map_err(|(error, reason)| reject(at, error, reason))?;
        column.check(&value).map_err(|refusal| refused(at, refusal))?;
        let (Some(control), Some(object)) = (row_index(edit.control), row_index(edit.object)) else {
            let reason =
                format!("{name}.{}.{}: usrHistoryObject rows are indexed 1..65535 twice", edit.control, edit.object);
            return Err(reject(at, EditError::NoCreation, reason));
        };
        let setting = object_setting(object, &column, &value)
            .ok_or_else(|| reject(at, EditError::WrongValue, format!("{name} = {value}: not a value of the column")))?;
        let table = ControlTable::UsrHistoryControl;
        let given = counts.find(|(index, _)| *index == i64::from(control)).map(|(_, n)| n);
        let have = self.usr_history.get(&control).and_then(|r| r.objects.as_ref()).map(|o| o.len() as i64);
        let exists = self.row_status(table, control).is_some() || creating.contains(&(table, control));
        if !exists || given.or(have).unwrap_or(0) < i64::from(object) {
            let reason = format!(
                "usrHistoryObject {control}.{object} does not exist: usrHistoryControl {control}'s usrHistoryControlObjects makes the object rows"
            );
            return Err(reject(at, EditError::InconsistentName, reason));
        }
        Ok((control, CheckedEdit { at, name, column, setting }))
    }

    /// A valid hostTopN row must rank a valid host table. One that the PDU makes valid without
    /// is refused; one that was valid and lost its host table goes back to underCreation (see
    /// the module's documentation). Returns the rows moved.
    fn check_top_n_hosts(
        &mut self,
        plans: &[RowPlan],
        now: Timestamp,
        errors: &mut Vec<RejectedEdit>,
    ) -> Vec<(ControlTable, u16)> {
        let mut demoted = Vec::new();
        for (&index, row) in &mut self.top_n {
            let host_valid =
                row.host_index.and_then(|h| self.hosts.get(&h)).is_some_and(|h| h.status == EntryStatus::Valid);
            if row.status != EntryStatus::Valid || host_valid {
                continue;
            }
            let made_valid = plans.iter().find_map(|p| match p.status {
                Some((at, EntryStatus::Valid)) if (p.table, p.index) == (ControlTable::HostTopNControl, index) => {
                    Some(at)
                }
                _ => None,
            });
            match made_valid {
                Some(at) => {
                    let host = row.host_index.map_or("?".to_string(), |h| h.to_string());
                    let reason = format!(
                        "hostTopNControl {index} cannot become valid: hostTopNHostIndex {host} names no valid hostControl row"
                    );
                    errors.push(reject(at, EditError::InconsistentValue, reason));
                }
                None => {
                    row.set_status(EntryStatus::UnderCreation, now);
                    demoted.push((ControlTable::HostTopNControl, index));
                }
            }
        }
        demoted
    }

    /// Restarts the expiry clock of the `touched` rows that are under creation now, and forgets
    /// the rows that no longer are.
    fn restart_creation_clocks(&mut self, touched: impl Iterator<Item = (ControlTable, u16)>, now: Timestamp) {
        let under_creation = |p: &Probe, (table, index): (ControlTable, u16)| {
            p.row_status(table, index) == Some(EntryStatus::UnderCreation)
        };
        let mut clocks = std::mem::take(&mut self.under_creation_since);
        clocks.retain(|key, _| under_creation(self, *key));
        for key in touched {
            if under_creation(self, key) {
                clocks.insert(key, now);
            }
        }
        self.under_creation_since = clocks;
    }
}

/// What a RowStatus value asks, in EntryStatus's terms, and whether the row goes active at the
/// end of the PDU: createAndGo creates and makes active once the PDU's columns are set,
/// createAndWait creates (notReady or notInService), active is valid, notInService is
/// underCreation, destroy is invalid. notReady is never accepted (the schema refuses it).
fn entry_status_of(status: RowStatus) -> (EntryStatus, bool) {
    match status {
        RowStatus::CreateAndGo => (EntryStatus::CreateRequest, true),
        RowStatus::CreateAndWait => (EntryStatus::CreateRequest, false),
        RowStatus::Active => (EntryStatus::Valid, false),
        RowStatus::NotInService | RowStatus::NotReady => (EntryStatus::UnderCreation, false),
        RowStatus::Destroy => (EntryStatus::Invalid, false),
    }
}

/// A row index as the probe keeps it, if in the MIB's 1..65535.
fn row_index(index: i64) -> Option<u16> {
    u16::try_from(index).ok().filter(|i| *i >= 1)
}

/// Applies what one PDU does to one row of `rows`: creation, then the columns, then the final
/// status (see the module's documentation).
fn apply_plan<R: ControlRow>(
    rows: &mut BTreeMap<u16, R>,
    plan: &RowPlan,
    limits: &Limits,
    now: Timestamp,
) -> Result<(), RejectedEdit> {
    let (entry, index) = (plan.table.name(), plan.index);
    let before = rows.get(&index).map(|r| r.status());
    let status = plan.status.map(|(_, s)| s);

    if let Some((at, to)) = plan.status {
        match (before, to) {
            (Some(was), EntryStatus::CreateRequest) => {
                let reason = format!("{entry} {index} exists ({was:?}): createRequest only creates a row");
                return Err(reject(at, EditError::InconsistentValue, reason));
            }
            (None, EntryStatus::CreateRequest) if rows.len() >= limits.control_rows => {
                let reason = format!("{entry} {index}: the table holds {} rows, the most it may", rows.len());
                return Err(reject(at, EditError::ResourceUnavailable, reason));
            }
            (None, EntryStatus::CreateRequest) => {
                rows.insert(index, R::created(limits, now));
            }
            (None, EntryStatus::Invalid) if plan.table.has_row_status() => {
                // RFC 2579: destroying a row that does not exist succeeds, and does nothing.
                return Ok(());
            }
            (None, EntryStatus::Invalid) => {
                // A manager that takes the column for RMON2's RowStatus sends 4 to create a row
                // (createAndGo): succeeding quietly would leave it believing the row exists.
                let reason = format!(
                    "{entry} {index} does not exist: invalid(4) deletes a row; create one with createRequest(2)"
                );
                return Err(reject(at, EditError::NoCreation, reason));
            }
            (was, to) if !EntryStatus::may_become(was, to) => {
                let reason = format!("{entry} {index} does not exist: create it with createRequest(2) first");
                return Err(reject(at, EditError::InconsistentValue, reason));
            }
            _ => {}
        }
    }

    let stays_valid = before == Some(EntryStatus::Valid) && status.is_none_or(|s| s == EntryStatus::Valid);
    // usrHistoryControlObjects first: it makes the object rows the PDU's object edits set.
    let makes_objects = |e: &&CheckedEdit| matches!(e.setting, Setting::UsrObjects(_));
    let columns = plan.columns.iter().filter(makes_objects).chain(plan.columns.iter().filter(|e| !makes_objects(e)));
    for edit in columns {
        if stays_valid && edit.column.frozen {
            let reason = format!(
                "{} may not change while {entry} {index} is valid: set it to underCreation(3) first",
                edit.name
            );
            return Err(reject(edit.at, EditError::InconsistentValue, reason));
        }
        if status == Some(EntryStatus::Invalid) {
            continue;
        }
        if let Some(row) = rows.get_mut(&index) {
            row.set(&edit.setting, limits, now);
        }
    }

    let final_status = match plan.status {
        Some((at, EntryStatus::CreateRequest)) if plan.go => Some((at, EntryStatus::Valid)),
        other => other,
    };
    match final_status {
        Some((at, EntryStatus::Valid)) => {
            if let Some(row) = rows.get_mut(&index)
                && row.status() != EntryStatus::Valid
            {
                if let Some(problem) = row.problem() {
                    let reason = format!("{entry} {index} cannot become valid: {problem}");
                    return Err(reject(at, EditError::InconsistentValue, reason));
                }
                row.set_status(EntryStatus::Valid, now);
            }
        }
        Some((_, EntryStatus::UnderCreation)) => {
            if let Some(row) = rows.get_mut(&index) {
                row.set_status(EntryStatus::UnderCreation, now);
            }
        }
        Some((_, EntryStatus::Invalid)) => {
            rows.remove(&index);
        }
        Some((_, EntryStatus::CreateRequest)) | None => {}
    }
    Ok(())
}
