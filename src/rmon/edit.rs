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

use crate::mib::time::{NANOS_PER_SEC, Timestamp};
use crate::rmon::alarm::MAX_INTERVAL_SECS as MAX_ALARM_INTERVAL_SECS;
use crate::rmon::control::{DataSource, EntryStatus, Owner};
use crate::rmon::event::MAX_DESCRIPTION_LEN;
use crate::rmon::probe::{Limits, Probe};
use crate::rmon::row::{self, ControlRow, Setting};
use crate::rmon::shard::ShardCommand;
use crate::rmon::topn::RateBase;

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
}

impl ControlTable {
    pub const ALL: [ControlTable; 10] = [
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
    ];

    /// The MIB's name of a row of the table, less "Entry": `historyControl`.
    pub fn name(self) -> &'static str {
        match self {
            ControlTable::EtherStats => "etherStats",
            ControlTable::HistoryControl => "historyControl",
            ControlTable::HostControl => "hostControl",
            ControlTable::HostTopNControl => "hostTopNControl",
            ControlTable::MatrixControl => "matrixControl",
            ControlTable::Alarm => "alarm",
            ControlTable::Filter => "filter",
            ControlTable::Channel => "channel",
            ControlTable::BufferControl => "bufferControl",
            ControlTable::Event => "event",
        }
    }

    /// The MIB column number of the table's EntryStatus column.
    pub fn status_column(self) -> u32 {
        match self {
            ControlTable::EtherStats => 21,
            ControlTable::HistoryControl => 7,
            ControlTable::HostTopNControl => 10,
            ControlTable::HostControl | ControlTable::MatrixControl => 6,
            ControlTable::Alarm | ControlTable::Channel => 12,
            ControlTable::Filter => 11,
            ControlTable::BufferControl => 13,
            ControlTable::Event => 7,
        }
    }

    /// Whether `column` (the MIB column number) is a read-create column of the entry.
    pub fn is_writable(self, column: u32) -> bool {
        column.checked_sub(1).and_then(|c| self.columns().get(c as usize)).is_some_and(|(_, c)| c.is_some())
    }

    /// Every column of the entry, in MIB order from column 1: its name and, for a read-create
    /// column, what setting it means.
    fn columns(self) -> &'static [(&'static str, Option<Column>)] {
        use Column::*;
        match self {
            ControlTable::EtherStats => &[
                ("etherStatsIndex", None),
                ("etherStatsDataSource", Some(DataSource)),
                ("etherStatsDropEvents", None),
                ("etherStatsOctets", None),
                ("etherStatsPkts", None),
                ("etherStatsBroadcastPkts", None),
                ("etherStatsMulticastPkts", None),
                ("etherStatsCRCAlignErrors", None),
                ("etherStatsUndersizePkts", None),
                ("etherStatsOversizePkts", None),
                ("etherStatsFragments", None),
                ("etherStatsJabbers", None),
                ("etherStatsCollisions", None),
                ("etherStatsPkts64Octets", None),
                ("etherStatsPkts65to127Octets", None),
                ("etherStatsPkts128to255Octets", None),
                ("etherStatsPkts256to511Octets", None),
                ("etherStatsPkts512to1023Octets", None),
                ("etherStatsPkts1024to1518Octets", None),
                ("etherStatsOwner", Some(Owner)),
                ("etherStatsStatus", Some(Status)),
            ],
            ControlTable::HistoryControl => &[
                ("historyControlIndex", None),
                ("historyControlDataSource", Some(DataSource)),
                ("historyControlBucketsRequested", Some(BucketsRequested)),
                ("historyControlBucketsGranted", None),
                ("historyControlInterval", Some(Interval)),
                ("historyControlOwner", Some(Owner)),
                ("historyControlStatus", Some(Status)),
            ],
            ControlTable::HostControl => &[
                ("hostControlIndex", None),
                ("hostControlDataSource", Some(DataSource)),
                ("hostControlTableSize", None),
                ("hostControlLastDeleteTime", None),
                ("hostControlOwner", Some(Owner)),
                ("hostControlStatus", Some(Status)),
            ],
            ControlTable::HostTopNControl => &[
                ("hostTopNControlIndex", None),
                ("hostTopNHostIndex", Some(HostIndex)),
                ("hostTopNRateBase", Some(RateBase)),
                ("hostTopNTimeRemaining", Some(TimeRemaining)),
                ("hostTopNDuration", None),
                ("hostTopNRequestedSize", Some(RequestedSize)),
                ("hostTopNGrantedSize", None),
                ("hostTopNStartTime", None),
                ("hostTopNOwner", Some(Owner)),
                ("hostTopNStatus", Some(Status)),
            ],
            ControlTable::MatrixControl => &[
                ("matrixControlIndex", None),
                ("matrixControlDataSource", Some(DataSource)),
                ("matrixControlTableSize", None),
                ("matrixControlLastDeleteTime", None),
                ("matrixControlOwner", Some(Owner)),
                ("matrixControlStatus", Some(Status)),
            ],
            ControlTable::Alarm => &[
                ("alarmIndex", None),
                ("alarmInterval", Some(AlarmInterval)),
                ("alarmVariable", Some(Variable)),
                ("alarmSampleType", Some(SampleType)),
                ("alarmValue", None),
                ("alarmStartupAlarm", Some(StartupAlarm)),
                ("alarmRisingThreshold", Some(RisingThreshold)),
                ("alarmFallingThreshold", Some(FallingThreshold)),
                ("alarmRisingEventIndex", Some(RisingEventIndex)),
                ("alarmFallingEventIndex", Some(FallingEventIndex)),
                ("alarmOwner", Some(Owner)),
                ("alarmStatus", Some(Status)),
            ],
            ControlTable::Filter => &[
                ("filterIndex", None),
                ("filterChannelIndex", Some(ChannelIndex)),
                ("filterPktDataOffset", Some(PktDataOffset)),
                ("filterPktData", Some(PktData)),
                ("filterPktDataMask", Some(PktDataMask)),
                ("filterPktDataNotMask", Some(PktDataNotMask)),
                ("filterPktStatus", Some(PktStatus)),
                ("filterPktStatusMask", Some(PktStatusMask)),
                ("filterPktStatusNotMask", Some(PktStatusNotMask)),
                ("filterOwner", Some(Owner)),
                ("filterStatus", Some(Status)),
            ],
            ControlTable::Channel => &[
                ("channelIndex", None),
                ("channelIfIndex", Some(IfIndex)),
                ("channelAcceptType", Some(AcceptType)),
                ("channelDataControl", Some(DataControl)),
                ("channelTurnOnEventIndex", Some(TurnOnEventIndex)),
                ("channelTurnOffEventIndex", Some(TurnOffEventIndex)),
                ("channelEventIndex", Some(EventIndex)),
                ("channelEventStatus", Some(EventStatus)),
                ("channelMatches", None),
                ("channelDescription", Some(Description)),
                ("channelOwner", Some(Owner)),
                ("channelStatus", Some(Status)),
            ],
            ControlTable::BufferControl => &[
                ("bufferControlIndex", None),
                ("bufferControlChannelIndex", Some(BufferChannelIndex)),
                ("bufferControlFullStatus", None),
                ("bufferControlFullAction", Some(FullAction)),
                ("bufferControlCaptureSliceSize", Some(CaptureSliceSize)),
                ("bufferControlDownloadSliceSize", Some(DownloadSliceSize)),
                ("bufferControlDownloadOffset", Some(DownloadOffset)),
                ("bufferControlMaxOctetsRequested", Some(MaxOctetsRequested)),
                ("bufferControlMaxOctetsGranted", None),
                ("bufferControlCapturedPackets", None),
                ("bufferControlTurnOnTime", None),
                ("bufferControlOwner", Some(Owner)),
                ("bufferControlStatus", Some(Status)),
            ],
            ControlTable::Event => &[
                ("eventIndex", None),
                ("eventDescription", Some(Description)),
                ("eventType", Some(EventType)),
                ("eventCommunity", Some(Community)),
                ("eventLastTimeSent", None),
                ("eventOwner", Some(Owner)),
                ("eventStatus", Some(Status)),
            ],
        }
    }
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

fn reject(at: usize, error: EditError, reason: String) -> RejectedEdit {
    RejectedEdit { at, error, reason }
}

/// What a read-create column sets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Column {
    Status,
    DataSource,
    Owner,
    BucketsRequested,
    Interval,
    HostIndex,
    RateBase,
    TimeRemaining,
    RequestedSize,
    AlarmInterval,
    Variable,
    SampleType,
    StartupAlarm,
    RisingThreshold,
    FallingThreshold,
    RisingEventIndex,
    FallingEventIndex,
    Description,
    EventType,
    Community,
    ChannelIndex,
    PktDataOffset,
    PktData,
    PktDataMask,
    PktDataNotMask,
    PktStatus,
    PktStatusMask,
    PktStatusNotMask,
    IfIndex,
    AcceptType,
    DataControl,
    TurnOnEventIndex,
    TurnOffEventIndex,
    EventIndex,
    EventStatus,
    BufferChannelIndex,
    FullAction,
    CaptureSliceSize,
    DownloadSliceSize,
    DownloadOffset,
    MaxOctetsRequested,
}

/// The largest filterPktData, Mask or NotMask the probe takes: longer than any frame it
/// counts (a jumbo frame of 9018 octets and its tags), so such a pattern could only fail.
pub const MAX_FILTER_OCTETS: usize = 9216;

impl Column {
    /// Whether the MIB lets the column change while its row is valid. The dataSource columns,
    /// historyControlInterval, hostTopNHostIndex, hostTopNRateBase, every alarm column, the
    /// filter's data and status columns, channelIfIndex, channelAcceptType and the channel's
    /// event indexes "may not be modified" then; the MIB says nothing of the kind for the
    /// others (the event columns, filterChannelIndex, channelDataControl, channelEventStatus,
    /// channelDescription, and the buffer's full action, download columns and
    /// maxOctetsRequested among them).
    fn writable_while_valid(self) -> bool {
        matches!(
            self,
            Column::Status
                | Column::Owner
                | Column::BucketsRequested
                | Column::TimeRemaining
                | Column::RequestedSize
                | Column::Description
                | Column::EventType
                | Column::Community
                | Column::ChannelIndex
                | Column::DataControl
                | Column::EventStatus
                | Column::FullAction
                | Column::DownloadSliceSize
                | Column::DownloadOffset
                | Column::MaxOctetsRequested
        )
    }

    /// The setting a value means, checked against the column's syntax and range.
    fn parse(self, name: &str, value: &ControlValue) -> Result<Setting, (EditError, String)> {
        let wrong_value = |v: &dyn std::fmt::Display, range: &str| {
            Err((EditError::WrongValue, format!("{name} = {v}: must be {range}")))
        };
        match (self, value) {
            (Column::DataSource, ControlValue::ObjectId(arcs)) => match DataSource::from_oid(arcs) {
                Some(source) => Ok(Setting::DataSource(source)),
                None => {
                    let oid = arcs.iter().map(u32::to_string).collect::<Vec<_>>().join(".");
                    wrong_value(&oid, "an ifIndex instance, ifIndex.N (1.3.6.1.2.1.2.2.1.1.N)")
                }
            },
            (Column::Owner, ControlValue::OctetString(octets)) => {
                if octets.len() > Owner::MAX_LEN {
                    return Err((
                        EditError::WrongLength,
                        format!("{name} is {} octets; OwnerString allows 0..{}", octets.len(), Owner::MAX_LEN),
                    ));
                }
                match String::from_utf8(octets.clone()) {
                    Ok(s) => Ok(Setting::Owner(Owner(s))),
                    Err(_) => Err((EditError::WrongValue, format!("{name} is not UTF-8 text"))),
                }
            }
            (Column::Status, ControlValue::Integer(v)) => match v {
                1 => Ok(Setting::Status(EntryStatus::Valid)),
                2 => Ok(Setting::Status(EntryStatus::CreateRequest)),
                3 => Ok(Setting::Status(EntryStatus::UnderCreation)),
                4 => Ok(Setting::Status(EntryStatus::Invalid)),
                _ => wrong_value(v, "valid(1), createRequest(2), underCreation(3) or invalid(4)"),
            },
            (Column::BucketsRequested, ControlValue::Integer(v)) => match u16::try_from(*v) {
                Ok(n) if n >= 1 => Ok(Setting::BucketsRequested(n)),
                _ => wrong_value(v, "1..65535"),
            },
            (Column::Interval, ControlValue::Integer(v)) => match u32::try_from(*v) {
                Ok(n) if (1..=3600).contains(&n) => Ok(Setting::Interval(n)),
                _ => wrong_value(v, "1..3600 seconds"),
            },
            (Column::HostIndex, ControlValue::Integer(v)) => match u16::try_from(*v) {
                Ok(n) if n >= 1 => Ok(Setting::HostIndex(n)),
                _ => wrong_value(v, "a hostControlIndex, 1..65535"),
            },
            (Column::RateBase, ControlValue::Integer(v)) => match RateBase::from_value(*v) {
                Some(r) => Ok(Setting::RateBase(r)),
                None => wrong_value(v, "1..7 (hostTopNInPkts(1) .. hostTopNOutMulticastPkts(7))"),
            },
            (Column::TimeRemaining, ControlValue::Integer(v)) => match non_negative_integer32(*v) {
                Some(n) => Ok(Setting::TimeRemaining(n)),
                None => wrong_value(v, "0..2147483647 seconds"),
            },
            (Column::RequestedSize, ControlValue::Integer(v)) => match non_negative_integer32(*v) {
                Some(n) => Ok(Setting::RequestedSize(n)),
                None => wrong_value(v, "0..2147483647"),
            },
            (Column::AlarmInterval, ControlValue::Integer(v)) => match non_negative_integer32(*v) {
                Some(n) if (1..=MAX_ALARM_INTERVAL_SECS).contains(&n) => Ok(Setting::AlarmInterval(n)),
                _ => wrong_value(v, &format!("1..{MAX_ALARM_INTERVAL_SECS} seconds")),
            },
            (Column::Variable, ControlValue::ObjectId(arcs)) => {
                if arcs.len() < 2 {
                    return wrong_value(&format!("{arcs:?}"), "the OID of an object instance");
                }
                Ok(Setting::Variable(crate::mib::Oid(arcs.clone())))
            }
            (Column::SampleType, ControlValue::Integer(v)) => match crate::rmon::alarm::SampleType::from_value(*v) {
                Some(t) => Ok(Setting::SampleType(t)),
                None => wrong_value(v, "absoluteValue(1) or deltaValue(2)"),
            },
            (Column::StartupAlarm, ControlValue::Integer(v)) => {
                match crate::rmon::alarm::StartupAlarm::from_value(*v) {
                    Some(t) => Ok(Setting::StartupAlarm(t)),
                    None => wrong_value(v, "risingAlarm(1), fallingAlarm(2) or risingOrFallingAlarm(3)"),
                }
            }
            (
                Column::RisingThreshold
                | Column::FallingThreshold
                | Column::PktStatus
                | Column::PktStatusMask
                | Column::PktStatusNotMask,
                ControlValue::Integer(v),
            ) => {
                let Ok(n) = i32::try_from(*v) else { return wrong_value(v, "an Integer32") };
                Ok(match self {
                    Column::RisingThreshold => Setting::RisingThreshold(n),
                    Column::FallingThreshold => Setting::FallingThreshold(n),
                    Column::PktStatus => Setting::PktStatus(n),
                    Column::PktStatusMask => Setting::PktStatusMask(n),
                    _ => Setting::PktStatusNotMask(n),
                })
            }
            (
                Column::RisingEventIndex
                | Column::FallingEventIndex
                | Column::TurnOnEventIndex
                | Column::TurnOffEventIndex
                | Column::EventIndex,
                ControlValue::Integer(v),
            ) => {
                let Ok(n) = u16::try_from(*v) else { return wrong_value(v, "0..65535 (0: no event)") };
                Ok(match self {
                    Column::RisingEventIndex => Setting::RisingEventIndex(n),
                    Column::FallingEventIndex => Setting::FallingEventIndex(n),
                    Column::TurnOnEventIndex => Setting::TurnOnEventIndex(n),
                    Column::TurnOffEventIndex => Setting::TurnOffEventIndex(n),
                    _ => Setting::EventIndex(n),
                })
            }
            (Column::Description, ControlValue::OctetString(octets)) => {
                if octets.len() > MAX_DESCRIPTION_LEN {
                    return Err((
                        EditError::WrongLength,
                        format!("{name} is {} octets; the MIB allows 0..{MAX_DESCRIPTION_LEN}", octets.len()),
                    ));
                }
                match String::from_utf8(octets.clone()) {
                    Ok(text) => Ok(Setting::Description(text)),
                    Err(_) => Err((EditError::WrongValue, format!("{name} is not UTF-8 text"))),
                }
            }
            (Column::Community, ControlValue::OctetString(octets)) => {
                if octets.len() > MAX_DESCRIPTION_LEN {
                    return Err((
                        EditError::WrongLength,
                        format!("{name} is {} octets; the MIB allows 0..{MAX_DESCRIPTION_LEN}", octets.len()),
                    ));
                }
                Ok(Setting::Community(octets.clone()))
            }
            (Column::EventType, ControlValue::Integer(v)) => match crate::rmon::event::EventType::from_value(*v) {
                Some(t) => Ok(Setting::EventType(t)),
                None => wrong_value(v, "none(1), log(2), snmptrap(3) or logandtrap(4)"),
            },
            (Column::ChannelIndex, ControlValue::Integer(v)) => match u16::try_from(*v) {
                Ok(n) if n >= 1 => Ok(Setting::ChannelIndex(n)),
                _ => wrong_value(v, "a channelIndex, 1..65535"),
            },
            (Column::PktDataOffset, ControlValue::Integer(v)) => match non_negative_integer32(*v) {
                Some(n) => Ok(Setting::PktDataOffset(n)),
                None => wrong_value(v, "0..2147483647"),
            },
            (Column::PktData | Column::PktDataMask | Column::PktDataNotMask, ControlValue::OctetString(octets)) => {
                if octets.len() > MAX_FILTER_OCTETS {
                    return Err((
                        EditError::WrongLength,
                        format!("{name} is {} octets; this probe takes at most {MAX_FILTER_OCTETS}", octets.len()),
                    ));
                }
                Ok(match self {
                    Column::PktData => Setting::PktData(octets.clone()),
                    Column::PktDataMask => Setting::PktDataMask(octets.clone()),
                    _ => Setting::PktDataNotMask(octets.clone()),
                })
            }
            (Column::IfIndex, ControlValue::Integer(v)) => match u16::try_from(*v) {
                Ok(n) if n >= 1 => Ok(Setting::IfIndex(DataSource(u32::from(n)))),
                _ => wrong_value(v, "an ifIndex, 1..65535"),
            },
            (Column::AcceptType, ControlValue::Integer(v)) => match v {
                1 => Ok(Setting::AcceptType(crate::rmon::filter::AcceptType::AcceptMatched)),
                2 => Ok(Setting::AcceptType(crate::rmon::filter::AcceptType::AcceptFailed)),
                _ => wrong_value(v, "acceptMatched(1) or acceptFailed(2)"),
            },
            (Column::DataControl, ControlValue::Integer(v)) => match v {
                1 => Ok(Setting::DataControl(crate::rmon::filter::DataControl::On)),
                2 => Ok(Setting::DataControl(crate::rmon::filter::DataControl::Off)),
                _ => wrong_value(v, "on(1) or off(2)"),
            },
            (Column::EventStatus, ControlValue::Integer(v)) => {
                use crate::rmon::filter::ChannelEventStatus as S;
                match v {
                    1 => Ok(Setting::EventStatus(S::EventReady)),
                    2 => Ok(Setting::EventStatus(S::EventFired)),
                    3 => Ok(Setting::EventStatus(S::EventAlwaysReady)),
                    _ => wrong_value(v, "eventReady(1), eventFired(2) or eventAlwaysReady(3)"),
                }
            }
            (Column::BufferChannelIndex, ControlValue::Integer(v)) => match u16::try_from(*v) {
                Ok(n) if n >= 1 => Ok(Setting::ChannelIndex(n)),
                _ => wrong_value(v, "a channelIndex, 1..65535"),
            },
            (Column::FullAction, ControlValue::Integer(v)) => match v {
                1 => Ok(Setting::FullAction(crate::rmon::capture::FullAction::LockWhenFull)),
                2 => Ok(Setting::FullAction(crate::rmon::capture::FullAction::WrapWhenFull)),
                _ => wrong_value(v, "lockWhenFull(1) or wrapWhenFull(2)"),
            },
            (
                Column::CaptureSliceSize | Column::DownloadSliceSize | Column::DownloadOffset,
                ControlValue::Integer(v),
            ) => {
                let Some(n) = non_negative_integer32(*v) else { return wrong_value(v, "0..2147483647") };
                Ok(match self {
                    Column::CaptureSliceSize => Setting::CaptureSliceSize(n),
                    Column::DownloadSliceSize => Setting::DownloadSliceSize(n),
                    _ => Setting::DownloadOffset(n),
                })
            }
            (Column::MaxOctetsRequested, ControlValue::Integer(v)) => match i32::try_from(*v) {
                Ok(n) if n >= -1 => Ok(Setting::MaxOctetsRequested(n)),
                _ => wrong_value(v, "-1 (as much as possible) or 0..2147483647"),
            },
            (_, value) => {
                let want = match self {
                    Column::DataSource | Column::Variable => "an OBJECT IDENTIFIER",
                    Column::Owner
                    | Column::Description
                    | Column::Community
                    | Column::PktData
                    | Column::PktDataMask
                    | Column::PktDataNotMask => "an OCTET STRING",
                    _ => "an INTEGER",
                };
                let got = match value {
                    ControlValue::Integer(_) => "an INTEGER",
                    ControlValue::OctetString(_) => "an OCTET STRING",
                    ControlValue::ObjectId(_) => "an OBJECT IDENTIFIER",
                };
                Err((EditError::WrongType, format!("{name} takes {want}, not {got}")))
            }
        }
    }
}

fn non_negative_integer32(v: i64) -> Option<u32> {
    i32::try_from(v).ok().and_then(|n| u32::try_from(n).ok())
}

/// One edit, checked on its own.
#[derive(Clone, Debug)]
struct CheckedEdit {
    at: usize,
    name: &'static str,
    column: Column,
    setting: Setting,
}

/// What one PDU does to one row.
#[derive(Debug)]
struct RowPlan {
    table: ControlTable,
    index: u16,
    /// The status edit, if any: where, and to what.
    status: Option<(usize, EntryStatus)>,
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
        }
    };
}

impl Probe {
    /// Checks every edit of one SET PDU, then applies all of them or none, at probe time `now`.
    /// Returns the shard commands to send to every shard, in order; on refusal nothing changed.
    pub fn apply_edits(&mut self, now: Timestamp, edits: &[RowEdit]) -> Result<Vec<ShardCommand>, RejectedEdit> {
        let creating: BTreeSet<(ControlTable, u16)> = edits
            .iter()
            .filter(|e| e.column == e.table.status_column() && e.value == ControlValue::Integer(2))
            .filter_map(|e| Some((e.table, row_index(e.index)?)))
            .collect();

        let mut plans: Vec<RowPlan> = Vec::new();
        let mut errors: Vec<RejectedEdit> = Vec::new();
        for (at, edit) in edits.iter().enumerate() {
            let (index, checked) = self.check_edit(at, edit, &creating)?;
            let plan = match plans.iter().position(|p| (p.table, p.index) == (edit.table, index)) {
                Some(i) => &mut plans[i],
                None => {
                    plans.push(RowPlan { table: edit.table, index, status: None, columns: Vec::new() });
                    let last = plans.len() - 1;
                    &mut plans[last]
                }
            };
            match checked.setting {
                Setting::Status(status) => {
                    if plan.status.is_some() {
                        errors.push(reject(
                            at,
                            EditError::InconsistentValue,
                            format!("{} {index}: {} set twice in one PDU", edit.table.name(), checked.name),
                        ));
                    }
                    plan.status = Some((at, status));
                }
                _ => plan.columns.push(checked),
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
        let (name, column) = match edit.column.checked_sub(1).and_then(|c| edit.table.columns().get(c as usize)) {
            Some((name, Some(column))) => (*name, *column),
            Some((name, None)) => return Err(reject(at, EditError::NotWritable, format!("{name} is read-only"))),
            None => {
                let reason = format!("{entry}Entry has no column {}", edit.column);
                return Err(reject(at, EditError::NotWritable, reason));
            }
        };
        let setting = column.parse(name, &edit.value).map_err(|(error, reason)| reject(at, error, reason))?;
        let Some(index) = row_index(edit.index) else {
            let reason = format!("{name}.{}: {entry} rows are indexed 1..65535", edit.index);
            return Err(reject(at, EditError::NoCreation, reason));
        };
        let exists = self.row_status(edit.table, index).is_some() || creating.contains(&(edit.table, index));
        if column != Column::Status && !exists {
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
    for edit in &plan.columns {
        if stays_valid && !edit.column.writable_while_valid() {
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

    match plan.status {
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
