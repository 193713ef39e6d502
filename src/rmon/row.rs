//! What a change of a control row means, whatever its table: the row a createRequest makes, what
//! setting a column does, when a row may become valid, and the shard commands that follow.
//!
//! The control plane decides what changes ([`Probe::new`] for the config file, `edit.rs` for
//! SET); this file says what each change means for each kind of row, so that both, and a shard
//! started later ([`Probe::shard_setup`]), agree (ARCHITECTURE.md, "Rules": a table is described once). Commands are derived by
//! comparing the rows before and after a change, so no path can forget one.

use std::collections::BTreeMap;

use crate::mib::Oid;
use crate::mib::tc::RowStatus;
use crate::mib::time::Timestamp;
use crate::rmon::alarm::{SampleType, StartupAlarm};
use crate::rmon::capture::FullAction;
use crate::rmon::control::{DataSource, EntryStatus, Owner};
use crate::rmon::event::EventType;
use crate::rmon::filter::{AcceptType, ChannelEventStatus, DataControl};
use crate::rmon::history::HistoryControl;
use crate::rmon::hosts::HostControl;
use crate::rmon::matrix::MatrixControl;
use crate::rmon::media_independent::MediaIndependentControl;
use crate::rmon::probe::{EtherStatsControl, Limits, Probe, RowRequest};
use crate::rmon::shard::{Group, ShardCommand};
use crate::rmon::topn::{HostTopNControl, RateBase};

mod capture;
mod events;
mod filter;
pub(crate) mod rmon2;
mod usr_history;

/// historyControlBucketsRequested's DEFVAL.
pub const DEFAULT_BUCKETS_REQUESTED: u16 = 50;
/// historyControlInterval's DEFVAL, in seconds.
pub const DEFAULT_INTERVAL_SECS: u32 = 1800;
/// hostTopNRequestedSize's DEFVAL.
pub const DEFAULT_TOP_N_SIZE: u32 = 10;

/// One column value, checked against the MIB's syntax and ranges.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Setting {
    Status(EntryStatus),
    DataSource(DataSource),
    Owner(Owner),
    BucketsRequested(u16),
    Interval(u32),
    HostIndex(u16),
    RateBase(RateBase),
    TimeRemaining(u32),
    RequestedSize(u32),
    // alarmEntry
    AlarmInterval(u32),
    Variable(Oid),
    SampleType(SampleType),
    StartupAlarm(StartupAlarm),
    RisingThreshold(i32),
    FallingThreshold(i32),
    RisingEventIndex(u16),
    FallingEventIndex(u16),
    // eventEntry (Description also channelDescription)
    Description(String),
    EventType(EventType),
    Community(Vec<u8>),
    // filterEntry
    ChannelIndex(u16),
    PktDataOffset(u32),
    PktData(Vec<u8>),
    PktDataMask(Vec<u8>),
    PktDataNotMask(Vec<u8>),
    PktStatus(i32),
    PktStatusMask(i32),
    PktStatusNotMask(i32),
    // channelEntry
    IfIndex(DataSource),
    AcceptType(AcceptType),
    DataControl(DataControl),
    TurnOnEventIndex(u16),
    TurnOffEventIndex(u16),
    EventIndex(u16),
    EventStatus(ChannelEventStatus),
    // bufferControlEntry (bufferControlChannelIndex is ChannelIndex)
    FullAction(FullAction),
    CaptureSliceSize(u32),
    DownloadSliceSize(u32),
    DownloadOffset(u32),
    MaxOctetsRequested(i32),
    /// A RowStatus column's value (HC-RMON and RMON2 tables).
    RowStatus(RowStatus),
    // hlHostControlEntry, hlMatrixControlEntry
    NlMaxDesiredEntries(i32),
    AlMaxDesiredEntries(i32),
    // nlMatrixTopNControlEntry (its TimeRemaining and RequestedSize are hostTopN's settings)
    MatrixIndex(u16),
    NlMatrixRateBase(crate::mib::rmon2::nl_matrix_top_n::NlMatrixTopNRateBase),
    // alMatrixTopNControlEntry (its other columns are nlMatrixTopNControl's settings)
    AlMatrixRateBase(crate::mib::rmon2::al_matrix_top_n::AlMatrixTopNRateBase),
    // usrHistoryControlEntry (its BucketsRequested and Interval are historyControl's settings)
    UsrObjects(u16),
    // usrHistoryObjectEntry, by usrHistoryObjectIndex: the edits of a control row's objects
    UsrObjectVariable(u16, Oid),
    UsrObjectSampleType(u16, SampleType),
}

/// A control row of one of the RMON-1 control tables.
pub(crate) trait ControlRow: Clone {
    /// The data the row's shard commands start and stop; None for rows with no data of their
    /// own in the shards (alarm, event: control plane only; filter, channel: see
    /// [`Probe::channel_commands`]), which [`changes`] leaves to their own code.
    const GROUP: Option<Group>;

    /// The row a createRequest makes at `now`: underCreation, the MIB's DEFVALs, every other
    /// column unset (an empty owner, no data source).
    fn created(limits: &Limits, now: Timestamp) -> Self;

    fn status(&self) -> EntryStatus;

    /// Moves the row to `status` at `now`, with what entering or leaving valid means for it.
    fn set_status(&mut self, status: EntryStatus, now: Timestamp);

    /// Sets one column (never the status); settings of other tables are ignored.
    fn set(&mut self, setting: &Setting, limits: &Limits, now: Timestamp);

    /// The MIB name of a column that must be set before the row may become valid, and is not.
    fn missing(&self) -> Option<&'static str>;

    /// Why the row may not become valid: a missing column, or (for rows whose columns must
    /// agree) what is wrong with them.
    fn problem(&self) -> Option<String> {
        self.missing().map(|column| format!("{column} is not set"))
    }

    /// The command that starts the row's data in a shard, if the row has any running.
    fn start(&self, index: u16, limits: &Limits) -> Option<ShardCommand>;

    /// The command that brings a shard from `before` to `self`, both valid, if any.
    fn update(&self, _before: &Self, _index: u16) -> Option<ShardCommand> {
        None
    }

    /// The row as a configuration would ask for it; None if it cannot be (not valid).
    fn request(&self, index: u16) -> Option<RowRequest>;
}

fn valid_entered(was: EntryStatus, now: EntryStatus) -> bool {
    was != EntryStatus::Valid && now == EntryStatus::Valid
}

/// The control row of a table whose row is a data source and an owner (etherStats,
/// hostControl, matrixControl, mediaIndependent). They differ only in their shard group, the
/// name of their data source column, the command that starts their data, and the request that
/// asks for them again.
macro_rules! source_row {
    ($row:ty, $group:ident, $column:literal, $request:ident, |$index:ident, $source:ident, $limits:ident| $start:expr) => {
        impl ControlRow for $row {
            const GROUP: Option<Group> = Some(Group::$group);

            fn created(_: &Limits, now: Timestamp) -> Self {
                Self {
                    data_source: DataSource::UNSET,
                    owner: Owner::default(),
                    status: EntryStatus::UnderCreation,
                    created: now,
                }
            }

            fn status(&self) -> EntryStatus {
                self.status
            }

            fn set_status(&mut self, status: EntryStatus, now: Timestamp) {
                if status == EntryStatus::Valid && self.status != EntryStatus::Valid {
                    self.created = now;
                }
                self.status = status;
            }

            fn set(&mut self, setting: &Setting, _: &Limits, _: Timestamp) {
                match setting {
                    Setting::DataSource(s) => self.data_source = *s,
                    Setting::Owner(o) => self.owner = o.clone(),
                    _ => {}
                }
            }

            fn missing(&self) -> Option<&'static str> {
                self.data_source.is_unset().then_some($column)
            }

            fn start(&self, $index: u16, $limits: &Limits) -> Option<ShardCommand> {
                let $source = self.data_source;
                Some($start)
            }

            fn request(&self, index: u16) -> Option<RowRequest> {
                (self.status == EntryStatus::Valid).then(|| RowRequest::$request {
                    index,
                    data_source: self.data_source,
                    owner: self.owner.clone(),
                })
            }
        }
    };
}

source_row!(EtherStatsControl, EtherStats, "etherStatsDataSource", EtherStats, |index, source, _limits| {
    ShardCommand::StartEtherStats { index, source }
});
source_row!(HostControl, Hosts, "hostControlDataSource", Hosts, |index, source, limits| {
    ShardCommand::StartHosts { index, source, size_limit: limits.host_table_size }
});
source_row!(MatrixControl, Matrix, "matrixControlDataSource", Matrix, |index, source, limits| {
    ShardCommand::StartMatrix { index, source, size_limit: limits.matrix_table_size }
});
source_row!(
    MediaIndependentControl,
    MediaIndependent,
    "mediaIndependentDataSource",
    MediaIndependent,
    |index, source, _limits| ShardCommand::StartMediaIndependent { index, source }
);

impl ControlRow for HistoryControl {
    const GROUP: Option<Group> = Some(Group::History);

    fn created(limits: &Limits, now: Timestamp) -> Self {
        HistoryControl {
            data_source: DataSource::UNSET,
            buckets_requested: DEFAULT_BUCKETS_REQUESTED,
            buckets_granted: granted_buckets(DEFAULT_BUCKETS_REQUESTED, limits),
            interval: DEFAULT_INTERVAL_SECS,
            owner: Owner::default(),
            status: EntryStatus::UnderCreation,
            start: now,
        }
    }

    fn status(&self) -> EntryStatus {
        self.status
    }

    /// A row made valid at `now` starts its bucket 1 at `now`.
    fn set_status(&mut self, status: EntryStatus, now: Timestamp) {
        if valid_entered(self.status, status) {
            self.start = now;
        }
        self.status = status;
    }

    fn set(&mut self, setting: &Setting, limits: &Limits, _: Timestamp) {
        match setting {
            Setting::DataSource(s) => self.data_source = *s,
            Setting::Owner(o) => self.owner = o.clone(),
            Setting::Interval(i) => self.interval = *i,
            Setting::BucketsRequested(n) => {
                self.buckets_requested = *n;
                self.buckets_granted = granted_buckets(*n, limits);
            }
            _ => {}
        }
    }

    fn missing(&self) -> Option<&'static str> {
        self.data_source.is_unset().then_some("historyControlDataSource")
    }

    fn start(&self, index: u16, _: &Limits) -> Option<ShardCommand> {
        Some(ShardCommand::StartHistory {
            index,
            source: self.data_source,
            interval: self.interval,
            granted: self.buckets_granted,
            start: self.start,
        })
    }

    fn update(&self, before: &Self, index: u16) -> Option<ShardCommand> {
        (self.buckets_granted != before.buckets_granted)
            .then_some(ShardCommand::ResizeHistory { index, granted: self.buckets_granted })
    }

    fn request(&self, index: u16) -> Option<RowRequest> {
        (self.status == EntryStatus::Valid).then(|| RowRequest::History {
            index,
            data_source: self.data_source,
            interval: self.interval,
            buckets_requested: self.buckets_requested,
            owner: self.owner.clone(),
        })
    }
}

/// historyControlBucketsGranted for a request: as close as the limits allow.
pub(crate) fn granted_buckets(requested: u16, limits: &Limits) -> u16 {
    requested.min(limits.history_buckets.max(1)).max(1)
}

impl ControlRow for HostTopNControl {
    const GROUP: Option<Group> = Some(Group::HostTopN);

    fn created(limits: &Limits, _: Timestamp) -> Self {
        HostTopNControl {
            host_index: None,
            rate_base: None,
            duration: 0,
            requested_size: DEFAULT_TOP_N_SIZE,
            granted_size: DEFAULT_TOP_N_SIZE.min(limits.top_n_size),
            start_time: None,
            owner: Owner::default(),
            status: EntryStatus::UnderCreation,
        }
    }

    fn status(&self) -> EntryStatus {
        self.status
    }

    /// A row made valid starts the report its hostTopNTimeRemaining asked for (if any) then; a
    /// row leaving valid aborts its report, and keeps the duration to run again once valid.
    fn set_status(&mut self, status: EntryStatus, now: Timestamp) {
        if valid_entered(self.status, status) {
            self.start_time = (self.duration > 0).then_some(now);
        } else if status != EntryStatus::Valid {
            self.start_time = None;
        }
        self.status = status;
    }

    /// Setting hostTopNTimeRemaining on a valid row starts a new report at `now` (the old one
    /// goes, even if still running), of that many seconds; on any other row it is the report
    /// to start when the row becomes valid. A report of 0 seconds is empty at once.
    fn set(&mut self, setting: &Setting, limits: &Limits, now: Timestamp) {
        match setting {
            Setting::Owner(o) => self.owner = o.clone(),
            Setting::HostIndex(i) => self.host_index = Some(*i),
            Setting::RateBase(r) => self.rate_base = Some(*r),
            Setting::TimeRemaining(t) => {
                self.duration = *t;
                self.start_time = (self.status == EntryStatus::Valid).then_some(now);
            }
            Setting::RequestedSize(n) => {
                self.requested_size = *n;
                self.granted_size = (*n).min(limits.top_n_size);
            }
            _ => {}
        }
    }

    fn missing(&self) -> Option<&'static str> {
        if self.host_index.is_none() {
            Some("hostTopNHostIndex")
        } else if self.rate_base.is_none() {
            Some("hostTopNRateBase")
        } else {
            None
        }
    }

    fn start(&self, index: u16, _: &Limits) -> Option<ShardCommand> {
        self.report(index)
    }

    /// A new report replaces the old one; none (which a valid row never has once it ran one)
    /// removes it.
    fn update(&self, before: &Self, index: u16) -> Option<ShardCommand> {
        if (self.start_time, self.duration) == (before.start_time, before.duration) {
            return None;
        }
        self.report(index).or(Some(ShardCommand::Stop { group: Group::HostTopN, index }))
    }

    /// A report in progress does not survive a restart (its data are not kept): the row keeps
    /// hostTopNDuration as its time remaining, so the restarted probe runs the same report
    /// once more from its start.
    fn request(&self, index: u16) -> Option<RowRequest> {
        if self.status != EntryStatus::Valid {
            return None;
        }
        Some(RowRequest::HostTopN {
            index,
            host_index: self.host_index?,
            rate_base: self.rate_base?,
            time_remaining: self.duration,
            requested_size: self.requested_size,
            owner: self.owner.clone(),
        })
    }
}

impl HostTopNControl {
    /// The command that starts the row's report in a shard, if it has one.
    fn report(&self, index: u16) -> Option<ShardCommand> {
        Some(ShardCommand::StartHostTopN {
            index,
            host_index: self.host_index?,
            rate_base: self.rate_base?,
            start: self.start_time?,
            duration: self.duration,
        })
    }
}

/// The shard commands for one table going from `before` to `after`: a Stop for each row that
/// left valid into `stops`, a start or an update for each row valid after into `starts`.
fn diff<R: ControlRow>(
    before: &BTreeMap<u16, R>,
    after: &BTreeMap<u16, R>,
    limits: &Limits,
    stops: &mut Vec<ShardCommand>,
    starts: &mut Vec<ShardCommand>,
) {
    fn valid<R: ControlRow>(rows: &BTreeMap<u16, R>, index: u16) -> Option<&R> {
        rows.get(&index).filter(|r| r.status() == EntryStatus::Valid)
    }
    let mut indexes: Vec<u16> = before.keys().chain(after.keys()).copied().collect();
    indexes.sort_unstable();
    indexes.dedup();
    for index in indexes {
        match (valid(before, index), valid(after, index)) {
            (Some(_), None) => stops.extend(R::GROUP.map(|group| ShardCommand::Stop { group, index })),
            (None, Some(row)) => starts.extend(row.start(index, limits)),
            (Some(old), Some(row)) => starts.extend(row.update(old, index)),
            (None, None) => {}
        }
    }
}

/// The commands that take every shard from `before`'s control rows to `after`'s: stops first,
/// then starts and updates, host tables before the reports that rank them (a report takes its
/// baseline from the host table when it starts).
pub(crate) fn changes(before: &Probe, after: &Probe) -> Vec<ShardCommand> {
    let (mut stops, mut starts) = (Vec::new(), Vec::new());
    let limits = &after.limits;
    diff(&before.ether_stats, &after.ether_stats, limits, &mut stops, &mut starts);
    diff(&before.history, &after.history, limits, &mut stops, &mut starts);
    diff(&before.hosts, &after.hosts, limits, &mut stops, &mut starts);
    diff(&before.matrix, &after.matrix, limits, &mut stops, &mut starts);
    diff(&before.media_independent, &after.media_independent, limits, &mut stops, &mut starts);
    diff(&before.protocol_dist, &after.protocol_dist, limits, &mut stops, &mut starts);
    diff(&before.address_map, &after.address_map, limits, &mut stops, &mut starts);
    diff(&before.hl_host, &after.hl_host, limits, &mut stops, &mut starts);
    diff(&before.hl_matrix, &after.hl_matrix, limits, &mut stops, &mut starts);
    diff(&before.nl_matrix_top_n, &after.nl_matrix_top_n, limits, &mut stops, &mut starts);
    diff(&before.al_matrix_top_n, &after.al_matrix_top_n, limits, &mut stops, &mut starts);
    diff(&before.top_n, &after.top_n, limits, &mut stops, &mut starts);
    if before.directory != after.directory {
        stops.push(ShardCommand::SetDirectory(std::sync::Arc::new(after.directory.compile())));
    }
    stops.extend(starts);
    stops.extend(Probe::channel_commands(Some(before), after));
    stops
}

/// The commands that start every valid row of `probe` in a new shard.
pub(crate) fn setup(probe: &Probe) -> Vec<ShardCommand> {
    let (mut stops, mut starts) = (Vec::new(), Vec::new());
    let limits = &probe.limits;
    diff(&BTreeMap::new(), &probe.ether_stats, limits, &mut stops, &mut starts);
    diff(&BTreeMap::new(), &probe.history, limits, &mut stops, &mut starts);
    diff(&BTreeMap::new(), &probe.hosts, limits, &mut stops, &mut starts);
    diff(&BTreeMap::new(), &probe.matrix, limits, &mut stops, &mut starts);
    diff(&BTreeMap::new(), &probe.media_independent, limits, &mut stops, &mut starts);
    diff(&BTreeMap::new(), &probe.protocol_dist, limits, &mut stops, &mut starts);
    diff(&BTreeMap::new(), &probe.address_map, limits, &mut stops, &mut starts);
    diff(&BTreeMap::new(), &probe.hl_host, limits, &mut stops, &mut starts);
    diff(&BTreeMap::new(), &probe.hl_matrix, limits, &mut stops, &mut starts);
    diff(&BTreeMap::new(), &probe.nl_matrix_top_n, limits, &mut stops, &mut starts);
    diff(&BTreeMap::new(), &probe.al_matrix_top_n, limits, &mut stops, &mut starts);
    diff(&BTreeMap::new(), &probe.top_n, limits, &mut stops, &mut starts);
    starts.insert(0, ShardCommand::SetDirectory(std::sync::Arc::new(probe.directory.compile())));
    if probe.limits.tcp_latency.connections > 0 {
        starts.insert(0, ShardCommand::TcpLatency(probe.limits.tcp_latency));
    }
    if probe.limits.dedup_window_ns > 0 {
        starts.insert(0, ShardCommand::Dedup { window_ns: probe.limits.dedup_window_ns });
    }
    starts
}

/// The valid rows of one table as a configuration asks for them.
pub(crate) fn requests<R: ControlRow>(rows: &BTreeMap<u16, R>) -> impl Iterator<Item = RowRequest> + '_ {
    rows.iter().filter_map(|(&index, row)| row.request(index))
}
