//! The control plane: the RMON-1 control tables, and reads that merge the shards.
//!
//! The [`Probe`] owns every control row (etherStats, historyControl, hostControl,
//! hostTopNControl, matrixControl), tells shards what to count with [`ShardCommand`]s, and answers
//! reads by merging shards into [`RmonTables`], the one picture of the MIB that the JSON report,
//! the SNMP agent and the TUI all show.
//!
//! Rows come from the configuration ([`Probe::new`], valid from the start) and from managers
//! ([`Probe::apply_edits`] in `edit.rs`, the EntryStatus life cycle); [`Probe::persistent_rows`]
//! gives back the valid ones for the `--state` file. Rows that are not valid appear in the
//! control tables with whatever columns are set, and have no data rows.
//!
//! The alarm and event groups have no data in the shards: an alarm samples whatever object the
//! agent serves, so the control plane steps them with [`Probe::run_alarms`], handing in a reader
//! of merged values, and gets back the traps to send.

use std::collections::BTreeMap;

use crate::capture::MirrorCounts;
use crate::mib::Oid;
use crate::mib::rmonprobe::mirror::MirrorSourceEntry;
use crate::mib::time::Timestamp;
use crate::rmon::al_matrix_top_n::AlMatrixTopNControl;
use crate::rmon::alarm::{Alarm, AlarmConfig, AlarmCrossing, AlarmEntry, Sample, SampleOutcome, SampleType};
use crate::rmon::capture::{
    self, BufferControl, BufferControlEntry, CaptureBufferEntry, DEFAULT_CAPTURE_OCTETS, FullAction, FullStatus,
};
use crate::rmon::control::{DataSource, EntryStatus, Owner};
use crate::rmon::edit::ControlTable;
use crate::rmon::event::{Cause, DEFAULT_LOG_ENTRIES, Event, EventEntry, EventTable, EventType, TrapRequest};
use crate::rmon::filter::{
    self, AcceptType, ChannelControl, ChannelEntry, ChannelEventStatus, ChannelFilters, DataControl, Filter,
    FilterControl, FilterEntry,
};
use crate::rmon::history::{self, HistoryControl, HistoryControlEntry, MAX_BUCKETS, MAX_INTERVAL_SECS};
use crate::rmon::hosts::{self, HostControl, HostControlEntry, HostTimeEntry, MAX_HOST_TABLE_SIZE};
use crate::rmon::matrix::{self, MatrixControl, MatrixControlEntry};
use crate::rmon::media_independent::{MediaIndependentControl, MediaIndependentEntry};
use crate::rmon::nl_matrix_top_n::NlMatrixTopNControl;
use crate::rmon::protocol_dir::{Directory, ProtocolRequest};
use crate::rmon::row::{self, ControlRow, rmon2};
use crate::rmon::shard::{Group, Shard, ShardCommand};
use crate::rmon::statistics::{EtherStatsCounters, EtherStatsEntry};
pub use crate::rmon::tables::RmonTables;
use crate::rmon::tcp_latency::{self, LatencyLimits};
use crate::rmon::topn::{self, HostTopNControl, HostTopNControlEntry, RateBase};
use crate::rmon::usr_history::{self, UsrHistoryControl, UsrHistoryObject};

/// An interface the probe watches (an ifTable row).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DataSourceInfo {
    pub if_index: u32,
    /// ifName: the interface's short name (`eth0`, `replay`).
    pub name: String,
    /// ifDescr: the interface name, or the replayed files.
    pub descr: String,
    /// ifSpeed in bits per second: the 100 % of etherHistoryUtilization.
    pub if_speed: u64,
    /// A live interface (ifConnectorPresent true) rather than replayed files.
    pub live: bool,
    /// ifPhysAddress: the interface's MAC address (empty for a replay).
    pub phys_address: Vec<u8>,
}

/// Resource limits: how close to a request the probe grants.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Hosts per host control row (at most 65535, the range of hostCreationOrder).
    pub host_table_size: usize,
    /// Conversations per matrix control row.
    pub matrix_table_size: usize,
    /// historyControlBucketsGranted at most.
    pub history_buckets: u16,
    /// hostTopNGrantedSize at most.
    pub top_n_size: u32,
    /// Rows a manager may create by SET in each control table: every row costs the workers
    /// work per frame (and a history row up to 65535 buckets), so a careless or hostile manager
    /// gets resourceUnavailable instead of slowing the probe down.
    pub control_rows: usize,
    /// logTable entries kept, across all events; the oldest go first.
    pub log_entries: usize,
    /// Octets granted to all capture buffers together (each worker holds up to a buffer's
    /// grant: see `capture.rs`).
    pub capture_octets: u64,
    /// RMON2: network-layer hosts per hlHostControl row, conversations per hlMatrixControl
    /// row, and address mappings per addressMapControl row.
    pub nl_host_table_size: usize,
    pub nl_matrix_table_size: usize,
    pub address_map_size: usize,
    /// Passive TCP latency, per data source and worker: servers, (client, server) pairs, and
    /// connections followed at once. 0 connections: latency is not tracked.
    pub tcp_latency: LatencyLimits,
    /// Remote mirror sessions (`--decap`) made data sources at most; the frames of any further
    /// session are counted as over the limit and dropped.
    pub tunnel_sources: usize,
    /// `--dedup`: a frame seen again on its data source within this many nanoseconds counts
    /// once (0: every frame counts).
    pub dedup_window_ns: u64,
}

/// Remote mirror sessions made data sources by default.
pub const DEFAULT_TUNNEL_SOURCES: usize = 64;

impl Default for Limits {
    fn default() -> Self {
        Limits {
            host_table_size: MAX_HOST_TABLE_SIZE,
            matrix_table_size: 262_144,
            history_buckets: MAX_BUCKETS,
            top_n_size: 1000,
            control_rows: 64,
            log_entries: DEFAULT_LOG_ENTRIES,
            capture_octets: DEFAULT_CAPTURE_OCTETS,
            nl_host_table_size: 65_536,
            nl_matrix_table_size: 262_144,
            address_map_size: 65_536,
            tcp_latency: LatencyLimits { servers: 4096, pairs: 16_384, connections: 65_536 },
            tunnel_sources: DEFAULT_TUNNEL_SOURCES,
            dedup_window_ns: 0,
        }
    }
}

/// A control row as a configuration asks for it, before the probe grants resources.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RowRequest {
    EtherStats {
        index: u16,
        data_source: DataSource,
        owner: Owner,
    },
    History {
        index: u16,
        data_source: DataSource,
        interval: u32,
        buckets_requested: u16,
        owner: Owner,
    },
    Hosts {
        index: u16,
        data_source: DataSource,
        owner: Owner,
    },
    /// A report of `time_remaining` seconds (0: none yet) started when the row becomes valid.
    HostTopN {
        index: u16,
        host_index: u16,
        rate_base: RateBase,
        time_remaining: u32,
        requested_size: u32,
        owner: Owner,
    },
    Matrix {
        index: u16,
        data_source: DataSource,
        owner: Owner,
    },
    /// A row of one of RMON2's control tables over a data source (protocolDistControl,
    /// addressMapControl, hlHostControl, hlMatrixControl), active from the moment it is granted.
    Rmon2 {
        table: ControlTable,
        index: u16,
        data_source: DataSource,
        owner: Owner,
        /// hl*ControlNlMaxDesiredEntries and AlMaxDesiredEntries (-1: what the probe grants).
        nl_max_desired: i32,
        al_max_desired: i32,
    },
    /// nlMatrixTopN reports of `time_remaining` seconds each, one after the other, from the
    /// moment the row is granted.
    NlMatrixTopN {
        index: u16,
        matrix_index: u16,
        rate_base: crate::rmon::nl_matrix_top_n::NlMatrixTopNRateBase,
        time_remaining: u32,
        requested_size: u32,
        owner: Owner,
    },
    /// alMatrixTopN reports of `time_remaining` seconds each, one after the other, from the
    /// moment the row is granted.
    AlMatrixTopN {
        index: u16,
        matrix_index: u16,
        rate_base: crate::rmon::al_matrix_top_n::AlMatrixTopNRateBase,
        time_remaining: u32,
        requested_size: u32,
        owner: Owner,
    },
    /// A channel (channelIfIndex: `data_source`); its filters are [`RowRequest::Filter`] rows,
    /// which must come after it.
    Channel {
        index: u16,
        data_source: DataSource,
        accept_type: AcceptType,
        data_control: DataControl,
        turn_on_event_index: u16,
        turn_off_event_index: u16,
        event_index: u16,
        event_status: ChannelEventStatus,
        description: String,
        owner: Owner,
    },
    /// A filter of channel `channel_index`.
    Filter {
        index: u16,
        channel_index: u16,
        filter: Filter,
        owner: Owner,
    },
    /// A capture buffer of channel `channel_index`.
    BufferControl {
        index: u16,
        channel_index: u16,
        full_action: FullAction,
        capture_slice_size: u32,
        download_slice_size: u32,
        download_offset: u32,
        max_octets_requested: i32,
        owner: Owner,
    },
    /// An alarm, sampling from the moment it becomes valid.
    Alarm {
        index: u16,
        config: AlarmConfig,
        owner: Owner,
    },
    Event {
        index: u16,
        description: String,
        event_type: EventType,
        community: Vec<u8>,
        owner: Owner,
    },
    /// A mediaIndependent row (HC-RMON), active from the moment it is granted.
    MediaIndependent {
        index: u16,
        data_source: DataSource,
        owner: Owner,
    },
    /// A protocol of the directory: one added under a protocol the directory has, or a
    /// built-in one changed. Protocols come first: the rows that count by them follow.
    Protocol(ProtocolRequest),
    /// A usrHistory row sampling `objects` (usrHistoryObjectVariable and SampleType, in
    /// usrHistoryObjectIndex order), its bucket 1 starting when it is granted.
    UsrHistory {
        index: u16,
        objects: Vec<(Oid, SampleType)>,
        buckets_requested: u16,
        interval: u32,
        owner: Owner,
    },
}

impl RowRequest {
    /// The rows a fresh probe offers a manager on each data source: etherStats, a 30-second and
    /// a 30-minute history of 50 buckets each, a host table and a matrix, all owned by "monitor".
    /// The first data source gets index 1 in each table (history 1 and 2), the next 2 (3 and 4).
    pub fn defaults(sources: &[DataSourceInfo]) -> Vec<RowRequest> {
        let mut rows = Vec::new();
        for (i, s) in sources.iter().enumerate() {
            let Ok(n) = u16::try_from(i + 1) else { break };
            rows.extend(RowRequest::defaults_of(n, DataSource(s.if_index)));
        }
        rows
    }

    /// The default rows of one data source, numbered `n` (history `2n - 1` and `2n`).
    fn defaults_of(n: u16, data_source: DataSource) -> Vec<RowRequest> {
        let mut rows = vec![RowRequest::EtherStats { index: n, data_source, owner: Owner::monitor() }];
        let Some(second) = n.checked_mul(2) else { return Vec::new() };
        for (k, interval) in [(second - 1, 30), (second, 1800)] {
            rows.push(RowRequest::History {
                index: k,
                data_source,
                interval,
                buckets_requested: 50,
                owner: Owner::monitor(),
            });
        }
        rows.push(RowRequest::Hosts { index: n, data_source, owner: Owner::monitor() });
        rows.push(RowRequest::Matrix { index: n, data_source, owner: Owner::monitor() });
        rows.push(RowRequest::MediaIndependent { index: n, data_source, owner: Owner::monitor() });
        for table in ControlTable::RMON2_SOURCE_TABLES {
            rows.push(RowRequest::Rmon2 {
                table,
                index: n,
                data_source,
                owner: Owner::monitor(),
                nl_max_desired: -1,
                al_max_desired: -1,
            });
        }
        rows
    }

    /// The table and index of one of the default rows.
    fn default_row_place(&self) -> Option<(ControlTable, u16)> {
        match self {
            RowRequest::EtherStats { index, .. } => Some((ControlTable::EtherStats, *index)),
            RowRequest::History { index, .. } => Some((ControlTable::HistoryControl, *index)),
            RowRequest::Hosts { index, .. } => Some((ControlTable::HostControl, *index)),
            RowRequest::Matrix { index, .. } => Some((ControlTable::MatrixControl, *index)),
            RowRequest::MediaIndependent { index, .. } => Some((ControlTable::MediaIndependent, *index)),
            RowRequest::Rmon2 { table, index, .. } => Some((*table, *index)),
            _ => None,
        }
    }
}

impl RowRequest {
    /// The checks that need nothing but the row itself (the index, the ranges of the MIB); the
    /// probe adds the data source and the host table.
    pub fn check(&self) -> Result<(), RowError> {
        let (table, index) = match self {
            RowRequest::Protocol(_) => return Ok(()),
            RowRequest::EtherStats { index, .. } => ("etherStats", *index),
            RowRequest::History { index, .. } => ("historyControl", *index),
            RowRequest::Hosts { index, .. } => ("hostControl", *index),
            RowRequest::HostTopN { index, .. } => ("hostTopNControl", *index),
            RowRequest::Matrix { index, .. } => ("matrixControl", *index),
            RowRequest::MediaIndependent { index, .. } => ("mediaIndependent", *index),
            RowRequest::Rmon2 { table, index, .. } => (table.name(), *index),
            RowRequest::NlMatrixTopN { index, .. } => ("nlMatrixTopNControl", *index),
            RowRequest::AlMatrixTopN { index, .. } => ("alMatrixTopNControl", *index),
            RowRequest::Channel { index, .. } => ("channel", *index),
            RowRequest::Filter { index, .. } => ("filter", *index),
            RowRequest::BufferControl { index, .. } => ("bufferControl", *index),
            RowRequest::Alarm { index, .. } => ("alarm", *index),
            RowRequest::Event { index, .. } => ("event", *index),
            RowRequest::UsrHistory { index, .. } => ("usrHistoryControl", *index),
        };
        if index == 0 {
            return Err(RowError::BadIndex { table, index });
        }
        if let RowRequest::Alarm { config, .. } = self
            && let Some(problem) = config.problem()
        {
            return Err(RowError::BadRow { table, index, problem });
        }
        if let Some(problem) = self.event().and_then(|e| e.problem()) {
            return Err(RowError::BadRow { table, index, problem });
        }
        if let RowRequest::History { interval, buckets_requested, .. } = self {
            if !(1..=MAX_INTERVAL_SECS).contains(interval) {
                return Err(RowError::BadInterval { index, interval: *interval });
            }
            if *buckets_requested == 0 {
                return Err(RowError::BadBuckets { index });
            }
        }
        if let RowRequest::UsrHistory { objects, buckets_requested, interval, .. } = self {
            let problem = if objects.is_empty() || objects.len() > 65535 {
                Some("usrHistoryControl needs 1..65535 objects".to_string())
            } else if *buckets_requested == 0 {
                Some("usrHistoryControlBucketsRequested must be 1..65535".to_string())
            } else if !(1..=usr_history::MAX_INTERVAL_SECS).contains(interval) {
                Some(format!("usrHistoryControlInterval {interval} must be 1..{}", usr_history::MAX_INTERVAL_SECS))
            } else {
                None
            };
            if let Some(problem) = problem {
                return Err(RowError::BadRow { table, index, problem });
            }
        }
        if let RowRequest::Channel { description, .. } = self
            && description.len() > filter::MAX_DESCRIPTION_LEN
        {
            return Err(RowError::LongDescription { index, len: description.len() });
        }
        if let RowRequest::Filter { channel_index: 0, .. } = self {
            return Err(RowError::NoSuchChannel { index, channel_index: 0 });
        }
        if let RowRequest::BufferControl { channel_index: 0, .. } = self {
            return Err(RowError::BadRow {
                table,
                index,
                problem: "bufferControlChannelIndex must be 1..65535".into(),
            });
        }
        if let RowRequest::BufferControl { max_octets_requested, .. } = self
            && *max_octets_requested < -1
        {
            let problem = format!("bufferControlMaxOctetsRequested {max_octets_requested} must be -1 or more");
            return Err(RowError::BadRow { table, index, problem });
        }
        Ok(())
    }

    /// The data source the row watches (a hostTopN row: none of its own).
    pub fn data_source(&self) -> Option<DataSource> {
        match self {
            RowRequest::EtherStats { data_source, .. }
            | RowRequest::History { data_source, .. }
            | RowRequest::Hosts { data_source, .. }
            | RowRequest::Matrix { data_source, .. }
            | RowRequest::MediaIndependent { data_source, .. }
            | RowRequest::Rmon2 { data_source, .. }
            | RowRequest::Channel { data_source, .. } => Some(*data_source),
            RowRequest::HostTopN { .. }
            | RowRequest::NlMatrixTopN { .. }
            | RowRequest::AlMatrixTopN { .. }
            | RowRequest::Filter { .. }
            | RowRequest::BufferControl { .. }
            | RowRequest::Alarm { .. }
            | RowRequest::Event { .. }
            | RowRequest::UsrHistory { .. }
            | RowRequest::Protocol(_) => None,
        }
    }

    /// The valid event row an event request asks for.
    fn event(&self) -> Option<Event> {
        match self {
            RowRequest::Event { description, event_type, community, owner, .. } => {
                Some(Event::new(description.clone(), *event_type, community.clone(), owner.clone(), EntryStatus::Valid))
            }
            _ => None,
        }
    }
}

/// Why a control row cannot be made valid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RowError {
    #[error("{table} {index}: index must be 1..65535")]
    BadIndex { table: &'static str, index: u16 },
    #[error("{table} {index}: data source {data_source} names no interface of this probe (ifIndex 1..{sources})")]
    NoSuchDataSource { table: &'static str, index: u16, data_source: DataSource, sources: usize },
    #[error("historyControl {index}: interval {interval} s is outside 1..3600")]
    BadInterval { index: u16, interval: u32 },
    #[error("historyControl {index}: bucketsRequested must be 1..65535")]
    BadBuckets { index: u16 },
    #[error("hostTopNControl {index}: hostTopNHostIndex {host_index} names no valid hostControl row")]
    NoSuchHostTable { index: u16, host_index: u16 },
    #[error("filter {index}: filterChannelIndex {channel_index} names no valid channel row (give the channel first)")]
    NoSuchChannel { index: u16, channel_index: u16 },
    #[error("channel {index}: channelDescription is {len} octets; the MIB allows at most 127")]
    LongDescription { index: u16, len: usize },
    #[error("{table} {index}: {problem}")]
    BadRow { table: &'static str, index: u16, problem: String },
    #[error("protocol {name}: {problem}")]
    BadProtocol { name: String, problem: String },
}

/// etherStats control columns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EtherStatsControl {
    pub data_source: DataSource,
    pub owner: Owner,
    pub status: EntryStatus,
    /// When the row last became valid (RMON2's LastCreateTime: etherStatsCreateTime and the like).
    pub created: Timestamp,
}

/// What one round of [`Probe::run_alarms`] did that its caller must act on.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AlarmRun {
    /// Traps to send, in the order their events fired.
    pub traps: Vec<TrapRequest>,
    /// Alarms deleted because their variable no longer exists (the MIB makes them invalid): a
    /// change of the control rows, which the caller may log and persist like a manager's.
    pub invalidated: Vec<u16>,
    /// Channels whose channelDataControl a fired event turned on (true) or off (false)
    /// (channelTurnOnEventIndex, channelTurnOffEventIndex), in the order it happened: the
    /// caller tells the shards.
    pub data_control: Vec<(u16, bool)>,
}

impl AlarmRun {
    /// The shard commands for the data control changes of this run.
    pub fn data_control_commands(&self) -> Vec<ShardCommand> {
        self.data_control.iter().map(|&(index, on)| ShardCommand::ChannelDataControl { index, on }).collect()
    }
}

/// Fires event `index` for `cause`: its log entry and trap (into `run`), and the channels that
/// listen for it turned on or off. An event that does not exist or is not valid generates
/// nothing, so it turns nothing. A free function over the two tables, so that a caller
/// iterating over a third part of the probe can fire.
fn fire_event(
    events: &mut EventTable,
    channels: &mut BTreeMap<u16, ChannelControl>,
    index: u16,
    ticks: u64,
    cause: &Cause<'_>,
    run: &mut AlarmRun,
) {
    if index == 0 || !events.is_valid(index) {
        return;
    }
    run.traps.extend(events.fire(index, ticks, cause));
    for (&channel_index, channel) in channels.iter_mut().filter(|(_, c)| c.status == EntryStatus::Valid) {
        let turn = if channel.turn_on_event_index == index && channel.data_control == DataControl::Off {
            DataControl::On
        } else if channel.turn_off_event_index == index && channel.data_control == DataControl::On {
            DataControl::Off
        } else {
            continue;
        };
        channel.data_control = turn;
        run.data_control.push((channel_index, turn == DataControl::On));
    }
}

/// The probe's control plane.
#[derive(Clone, Debug)]
pub struct Probe {
    /// sysUpTime 0: the probe's start (a replay: the first frame).
    pub(super) start: Timestamp,
    pub(super) sources: Vec<DataSourceInfo>,
    /// The highest ifIndex the probe started with: those above it came while it ran (remote
    /// mirrors' sessions), and their rows are not kept in a state file.
    started_sources: u32,
    /// Whether the capture side opens remote mirrors' packets (`--decap`): then, or with
    /// `--dedup`, mirrorSourceTable has a row per data source.
    opens_mirrors: bool,
    pub(super) limits: Limits,
    pub(super) ether_stats: BTreeMap<u16, EtherStatsControl>,
    pub(super) history: BTreeMap<u16, HistoryControl>,
    pub(super) hosts: BTreeMap<u16, HostControl>,
    pub(super) top_n: BTreeMap<u16, HostTopNControl>,
    pub(super) matrix: BTreeMap<u16, MatrixControl>,
    pub(super) media_independent: BTreeMap<u16, MediaIndependentControl>,
    /// RMON2: the protocol directory and the control rows over a data source.
    pub(super) directory: Directory,
    pub(super) protocol_dist: BTreeMap<u16, rmon2::ProtocolDistControl>,
    pub(super) address_map: BTreeMap<u16, rmon2::AddressMapControl>,
    pub(super) hl_host: BTreeMap<u16, rmon2::HlHostControl>,
    pub(super) hl_matrix: BTreeMap<u16, rmon2::HlMatrixControl>,
    pub(super) nl_matrix_top_n: BTreeMap<u16, NlMatrixTopNControl>,
    pub(super) al_matrix_top_n: BTreeMap<u16, AlMatrixTopNControl>,
    /// usrHistory: sampled in the control plane, like the alarms.
    pub(super) usr_history: BTreeMap<u16, UsrHistoryControl>,
    /// Filter and channel rows come from the configuration only so far (no SET, no state
    /// file): edits leave them as they are.
    pub(super) filters: BTreeMap<u16, FilterControl>,
    pub(super) channels: BTreeMap<u16, ChannelControl>,
    pub(super) buffers: BTreeMap<u16, BufferControl>,
    pub(super) alarms: BTreeMap<u16, Alarm>,
    /// eventTable and logTable.
    pub(super) events: EventTable,
    /// Each channel's channelMatches at the last [`Probe::run_channel_events`].
    channel_matches_seen: BTreeMap<u16, u64>,
    /// Rows under creation and when a manager last touched each (or the probe put it there):
    /// the clock of [`Probe::expire_rows`].
    pub(super) under_creation_since: BTreeMap<(ControlTable, u16), Timestamp>,
}

impl Probe {
    /// A probe started at `start` on `sources` (ifIndex 1..=N, in order), with `rows` valid from
    /// the start. Rows are checked in order, so a hostTopN row may name a host row given before it.
    pub fn new(
        start: Timestamp,
        sources: Vec<DataSourceInfo>,
        limits: Limits,
        rows: &[RowRequest],
    ) -> Result<Probe, RowError> {
        let mut probe = Probe::without_rows(start, sources, limits);
        for row in rows {
            probe.make_valid(row)?;
        }
        Ok(probe)
    }

    /// A probe like [`Probe::new`]'s with every row of `rows` it can grant, and why it refused
    /// the others.
    pub fn granting(
        start: Timestamp,
        sources: Vec<DataSourceInfo>,
        limits: Limits,
        rows: &[RowRequest],
    ) -> (Probe, Vec<RowError>) {
        let mut probe = Probe::without_rows(start, sources, limits);
        let refused = rows.iter().filter_map(|row| probe.make_valid(row).err()).collect();
        (probe, refused)
    }

    fn without_rows(start: Timestamp, sources: Vec<DataSourceInfo>, limits: Limits) -> Probe {
        Probe {
            start,
            started_sources: sources.iter().map(|s| s.if_index).max().unwrap_or(0),
            opens_mirrors: false,
            sources,
            limits,
            ether_stats: BTreeMap::new(),
            history: BTreeMap::new(),
            hosts: BTreeMap::new(),
            top_n: BTreeMap::new(),
            matrix: BTreeMap::new(),
            media_independent: BTreeMap::new(),
            directory: Directory::built_in(),
            protocol_dist: BTreeMap::new(),
            address_map: BTreeMap::new(),
            hl_host: BTreeMap::new(),
            hl_matrix: BTreeMap::new(),
            nl_matrix_top_n: BTreeMap::new(),
            al_matrix_top_n: BTreeMap::new(),
            usr_history: BTreeMap::new(),
            filters: BTreeMap::new(),
            channels: BTreeMap::new(),
            buffers: BTreeMap::new(),
            alarms: BTreeMap::new(),
            events: EventTable::new(limits.log_entries),
            channel_matches_seen: BTreeMap::new(),
            under_creation_since: BTreeMap::new(),
        }
    }

    pub fn start(&self) -> Timestamp {
        self.start
    }

    pub fn sources(&self) -> &[DataSourceInfo] {
        &self.sources
    }

    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// sysUpTime at `now`, in TimeTicks (not wrapped).
    pub fn sys_up_time(&self, now: Timestamp) -> u64 {
        now.ticks_since(self.start)
    }

    /// The capture side opens remote mirrors' packets (`--decap`): mirrorSourceTable says
    /// what it opened, per data source.
    pub fn open_mirrors(&mut self) {
        self.opens_mirrors = true;
    }

    /// A data source that appears while the probe runs (a remote mirror's session under
    /// `--decap`): the next ifIndex, and with `default_rows` the rows every data source gets by
    /// default, valid from `at`. They are numbered by the ifIndex as the configured sources' are
    /// (etherStats N, history 2N - 1 and 2N, ...), or from the first number free in every one of
    /// those tables where a manager took that one. Returns the ifIndex and the commands that
    /// set the shards up for it.
    pub fn add_source(
        &mut self,
        mut info: DataSourceInfo,
        at: Timestamp,
        default_rows: bool,
    ) -> (u32, Vec<ShardCommand>) {
        let before = self.clone();
        let if_index = self.sources.iter().map(|s| s.if_index).max().unwrap_or(0) + 1;
        info.if_index = if_index;
        self.sources.push(info);
        if default_rows {
            let data_source = DataSource(if_index);
            let first = u16::try_from(if_index).unwrap_or(u16::MAX);
            let free = (first..u16::MAX / 2).map(|n| RowRequest::defaults_of(n, data_source)).find(|rows| {
                rows.iter()
                    .all(|r| r.default_row_place().is_none_or(|(table, index)| self.row_status(table, index).is_none()))
            });
            for row in free.unwrap_or_default() {
                // Every default row fits the limits; one refused is left out, as at start.
                let _ = self.make_valid_from(&row, at);
            }
        }
        let mut commands = vec![ShardCommand::AddSource { if_index }];
        commands.extend(row::changes(&before, self));
        (if_index, commands)
    }

    fn check_source(&self, table: &'static str, index: u16, data_source: DataSource) -> Result<(), RowError> {
        if self.sources.iter().any(|s| s.if_index == data_source.if_index()) {
            Ok(())
        } else {
            Err(RowError::NoSuchDataSource { table, index, data_source, sources: self.sources.len() })
        }
    }

    /// Checks a row request and, if it can be granted, adds (or replaces) the row as valid from
    /// the probe's start.
    fn make_valid(&mut self, row: &RowRequest) -> Result<(), RowError> {
        self.make_valid_from(row, self.start)
    }

    /// [`Probe::make_valid`] for a row valid from `from`: a data source that appears while the
    /// probe runs gets its rows then.
    fn make_valid_from(&mut self, row: &RowRequest, from: Timestamp) -> Result<(), RowError> {
        row.check()?;
        let valid = EntryStatus::Valid;
        match row {
            RowRequest::Protocol(request) => {
                crate::rmon::edit::directory::configure(self, request)
                    .map_err(|problem| RowError::BadProtocol { name: request.name(), problem })?;
            }
            RowRequest::Rmon2 { table, index, data_source, owner, nl_max_desired, al_max_desired } => {
                self.check_source(table.name(), *index, *data_source)?;
                let start = from;
                macro_rules! insert {
                    ($rows:ident) => {{
                        let mut row = rmon2::Rmon2Control::new(*data_source, owner.clone(), valid, start);
                        row.nl_max_desired = *nl_max_desired;
                        row.al_max_desired = *al_max_desired;
                        self.$rows.insert(*index, row);
                    }};
                }
                match table {
                    ControlTable::ProtocolDistControl => insert!(protocol_dist),
                    ControlTable::AddressMapControl => insert!(address_map),
                    ControlTable::HlHostControl => insert!(hl_host),
                    ControlTable::HlMatrixControl => insert!(hl_matrix),
                    _ => {
                        let problem = "not an RMON2 table over a data source".to_string();
                        return Err(RowError::BadRow { table: table.name(), index: *index, problem });
                    }
                }
            }
            RowRequest::NlMatrixTopN { index, matrix_index, rate_base, time_remaining, requested_size, owner } => {
                if *matrix_index == 0 {
                    let problem = "nlMatrixTopNControlMatrixIndex must be 1..65535".to_string();
                    return Err(RowError::BadRow { table: "nlMatrixTopNControl", index: *index, problem });
                }
                let (size, start) = (self.limits.top_n_size, from);
                let row = NlMatrixTopNControl::configured(
                    *matrix_index,
                    *rate_base,
                    *time_remaining,
                    *requested_size,
                    owner.clone(),
                    size,
                    start,
                );
                self.nl_matrix_top_n.insert(*index, row);
            }
            RowRequest::AlMatrixTopN { index, matrix_index, rate_base, time_remaining, requested_size, owner } => {
                if *matrix_index == 0 {
                    let problem = "alMatrixTopNControlMatrixIndex must be 1..65535".to_string();
                    return Err(RowError::BadRow { table: "alMatrixTopNControl", index: *index, problem });
                }
                let (size, start) = (self.limits.top_n_size, from);
                let row = AlMatrixTopNControl::configured(
                    *matrix_index,
                    *rate_base,
                    *time_remaining,
                    *requested_size,
                    owner.clone(),
                    size,
                    start,
                );
                self.al_matrix_top_n.insert(*index, row);
            }
            RowRequest::UsrHistory { index, objects, buckets_requested, interval, owner } => {
                let objects = objects
                    .iter()
                    .map(|(variable, sample_type)| UsrHistoryObject {
                        variable: Some(variable.clone()),
                        sample_type: Some(*sample_type),
                    })
                    .collect();
                let mut row = UsrHistoryControl {
                    objects: Some(objects),
                    buckets_requested: *buckets_requested,
                    buckets_granted: 0,
                    interval: *interval,
                    owner: owner.clone(),
                    status: valid,
                    sampling: Some(usr_history::Sampling::new(from)),
                };
                row.grant(self.limits.history_buckets);
                self.usr_history.insert(*index, row);
            }
            RowRequest::EtherStats { index, data_source, owner } => {
                self.check_source("etherStats", *index, *data_source)?;
                self.ether_stats.insert(
                    *index,
                    EtherStatsControl { data_source: *data_source, owner: owner.clone(), status: valid, created: from },
                );
            }
            RowRequest::History { index, data_source, interval, buckets_requested, owner } => {
                self.check_source("historyControl", *index, *data_source)?;
                self.history.insert(
                    *index,
                    HistoryControl {
                        data_source: *data_source,
                        buckets_requested: *buckets_requested,
                        buckets_granted: row::granted_buckets(*buckets_requested, &self.limits),
                        interval: *interval,
                        owner: owner.clone(),
                        status: valid,
                        start: from,
                    },
                );
            }
            RowRequest::Hosts { index, data_source, owner } => {
                self.check_source("hostControl", *index, *data_source)?;
                self.hosts.insert(
                    *index,
                    HostControl { data_source: *data_source, owner: owner.clone(), status: valid, created: from },
                );
            }
            RowRequest::HostTopN { index, host_index, rate_base, time_remaining, requested_size, owner } => {
                if !self.hosts.get(host_index).is_some_and(|h| h.status == valid) {
                    return Err(RowError::NoSuchHostTable { index: *index, host_index: *host_index });
                }
                self.top_n.insert(
                    *index,
                    HostTopNControl {
                        host_index: Some(*host_index),
                        rate_base: Some(*rate_base),
                        duration: *time_remaining,
                        requested_size: *requested_size,
                        granted_size: (*requested_size).min(self.limits.top_n_size),
                        start_time: (*time_remaining > 0).then_some(from),
                        owner: owner.clone(),
                        status: valid,
                    },
                );
            }
            RowRequest::MediaIndependent { index, data_source, owner } => {
                self.check_source("mediaIndependent", *index, *data_source)?;
                self.media_independent.insert(
                    *index,
                    MediaIndependentControl {
                        data_source: *data_source,
                        owner: owner.clone(),
                        status: valid,
                        created: from,
                    },
                );
            }
            RowRequest::Matrix { index, data_source, owner } => {
                self.check_source("matrixControl", *index, *data_source)?;
                self.matrix.insert(
                    *index,
                    MatrixControl { data_source: *data_source, owner: owner.clone(), status: valid, created: from },
                );
            }
            RowRequest::Channel {
                index,
                data_source,
                accept_type,
                data_control,
                turn_on_event_index,
                turn_off_event_index,
                event_index,
                event_status,
                description,
                owner,
            } => {
                self.check_source("channel", *index, *data_source)?;
                self.channels.insert(
                    *index,
                    ChannelControl {
                        data_source: *data_source,
                        accept_type: *accept_type,
                        data_control: *data_control,
                        turn_on_event_index: *turn_on_event_index,
                        turn_off_event_index: *turn_off_event_index,
                        event_index: *event_index,
                        event_status: *event_status,
                        description: description.clone(),
                        owner: owner.clone(),
                        status: valid,
                    },
                );
            }
            RowRequest::Filter { index, channel_index, filter, owner } => {
                if !self.channels.get(channel_index).is_some_and(|c| c.status == valid) {
                    return Err(RowError::NoSuchChannel { index: *index, channel_index: *channel_index });
                }
                self.filters.insert(
                    *index,
                    FilterControl {
                        channel_index: *channel_index,
                        filter: filter.clone(),
                        owner: owner.clone(),
                        status: valid,
                    },
                );
            }
            RowRequest::BufferControl {
                index,
                channel_index,
                full_action,
                capture_slice_size,
                download_slice_size,
                download_offset,
                max_octets_requested,
                owner,
            } => {
                self.buffers.insert(
                    *index,
                    BufferControl {
                        channel_index: *channel_index,
                        full_action: *full_action,
                        capture_slice_size: *capture_slice_size,
                        download_slice_size: *download_slice_size,
                        download_offset: *download_offset,
                        max_octets_requested: *max_octets_requested,
                        max_octets_granted: 0,
                        limit: 0,
                        turned_on: None,
                        granted_for: None,
                        owner: owner.clone(),
                        status: valid,
                    },
                );
                self.grant_buffers(from);
            }
            RowRequest::Alarm { index, config, owner } => {
                self.alarms.insert(*index, Alarm::valid(config.clone(), owner.clone(), from));
            }
            RowRequest::Event { index, .. } => {
                if let Some(event) = row.event() {
                    self.events.insert(*index, event);
                }
            }
        }
        Ok(())
    }

    /// The commands that set a new shard up to count for every valid row.
    pub fn shard_setup(&self) -> Vec<ShardCommand> {
        let mut commands = row::setup(self);
        commands.extend(Probe::channel_commands(None, self));
        commands
    }

    /// Each valid channel's data source and what decides its matches: its accept type and its
    /// valid filters in filterIndex order (a filter naming no valid channel belongs to none).
    fn channel_sets(&self) -> BTreeMap<u16, (DataSource, ChannelFilters, bool)> {
        let valid = EntryStatus::Valid;
        self.channels
            .iter()
            .filter(|(_, c)| c.status == valid)
            .map(|(&index, c)| {
                let filters = self
                    .filters
                    .values()
                    .filter(|f| f.status == valid && f.channel_index == index)
                    .map(|f| f.filter.clone())
                    .collect();
                let on = c.data_control == DataControl::On;
                (index, (c.data_source, ChannelFilters { accept_type: c.accept_type, filters }, on))
            })
            .collect()
    }

    /// The commands that take the shards' channels from `before`'s filter and channel rows
    /// (None: a new shard) to `after`'s. A channel whose filters or accept type changed while
    /// it stayed valid gets its new filter set and keeps channelMatches: a manager adding a
    /// filter to a running channel expects the count to go on, not to restart.
    pub(crate) fn channel_commands(before: Option<&Probe>, after: &Probe) -> Vec<ShardCommand> {
        let old = before.map(Probe::channel_sets).unwrap_or_default();
        let new = after.channel_sets();
        let mut commands = Vec::new();
        for (&index, (source, _, _)) in &old {
            if new.get(&index).is_none_or(|(s, _, _)| s != source) {
                commands.push(ShardCommand::Stop { group: Group::Channel, index });
            }
        }
        for (&index, (source, filters, on)) in &new {
            match old.get(&index) {
                Some((s, f, o)) if s == source => {
                    if f != filters {
                        commands.push(ShardCommand::SetChannelFilters { index, filters: filters.clone() });
                    }
                    if o != on {
                        commands.push(ShardCommand::ChannelDataControl { index, on: *on });
                    }
                }
                _ => commands.push(ShardCommand::StartChannel {
                    index,
                    source: *source,
                    filters: filters.clone(),
                    on: *on,
                }),
            }
        }
        commands.extend(Probe::buffer_commands(before, after));
        commands
    }

    /// The commands for the capture buffers: a buffer leaving valid stops, one becoming valid
    /// starts empty, turned on at the moment it became valid.
    fn buffer_commands(before: Option<&Probe>, after: &Probe) -> Vec<ShardCommand> {
        let valid = |p: &Probe, index: u16| p.buffers.get(&index).filter(|b| b.status == EntryStatus::Valid).cloned();
        let mut indexes: Vec<u16> =
            after.buffers.keys().chain(before.iter().flat_map(|b| b.buffers.keys())).copied().collect();
        indexes.sort_unstable();
        indexes.dedup();
        let mut commands = Vec::new();
        for index in indexes {
            let old = before.and_then(|b| valid(b, index));
            match (old, valid(after, index)) {
                (Some(_), None) => commands.push(ShardCommand::Stop { group: Group::Buffer, index }),
                (Some(old), Some(row)) if old.turned_on == row.turned_on => {
                    if old.limit != row.limit {
                        commands.push(ShardCommand::ResizeBuffer { index, limit: row.limit });
                    }
                }
                (_, Some(row)) => {
                    let start = row.turned_on.unwrap_or(after.start);
                    commands.push(ShardCommand::StartBuffer { index, buffer: row.shard_buffer(start) });
                }
                (None, None) => {}
            }
        }
        commands
    }

    /// The valid control rows, as a configuration would ask for them, in an order
    /// [`Probe::new`] accepts (host tables before the reports that rank them): what the
    /// `--state` file keeps. Rows under creation are left out; a hostTopN report in progress
    /// becomes a report of the same duration from the next start (see `row.rs`). Rows on a data
    /// source that came while the probe ran (`--decap`) are left out too.
    pub fn persistent_rows(&self) -> Vec<RowRequest> {
        let protocols = self.directory.requests().into_iter().map(RowRequest::Protocol);
        protocols
            .chain(row::requests(&self.ether_stats))
            .chain(row::requests(&self.history))
            .chain(row::requests(&self.hosts))
            .chain(row::requests(&self.matrix))
            .chain(row::requests(&self.media_independent))
            .chain(row::requests(&self.protocol_dist))
            .chain(row::requests(&self.address_map))
            .chain(row::requests(&self.hl_host))
            .chain(row::requests(&self.hl_matrix))
            .chain(row::requests(&self.nl_matrix_top_n))
            .chain(row::requests(&self.al_matrix_top_n))
            .chain(row::requests(&self.top_n))
            .chain(row::requests(&self.channels))
            .chain(row::requests(&self.filters))
            .chain(row::requests(&self.buffers))
            .chain(self.events.rows().filter_map(|(index, e)| e.request(index)))
            .chain(row::requests(&self.alarms))
            .chain(row::requests(&self.usr_history))
            // A remote mirror's session is a data source only once its traffic comes again,
            // with its default rows then.
            .filter(|r| r.data_source().is_none_or(|s| s.if_index() <= self.started_sources))
            .collect()
    }

    /// What the alarms and the user histories watch: the alarmVariable of every alarm, the
    /// usrHistoryObjectVariables of every valid usrHistory row.
    pub fn alarm_variables(&self) -> impl Iterator<Item = &Oid> {
        let sampled = self.usr_history.values().filter(|u| u.sampling.is_some());
        self.alarms.values().map(|a| &a.config.variable).chain(sampled.flat_map(UsrHistoryControl::variables))
    }

    /// Whether anything samples or may fire an event without a manager creating rows first: an
    /// alarm, a user history, or an armed channel. A probe without an agent that has none
    /// needs no alarm sampler.
    pub fn has_event_sources(&self) -> bool {
        !self.alarms.is_empty() || !self.usr_history.is_empty() || !self.armed_channels().is_empty()
    }

    /// When the next alarm or user history wants a reading (None: neither has a valid row): how
    /// long the caller of [`Probe::run_alarms`] may wait.
    pub fn next_alarm_due(&self) -> Option<Timestamp> {
        let usr = self.usr_history.values().filter_map(UsrHistoryControl::next_due);
        self.alarms.values().filter_map(Alarm::next_due).chain(usr).min()
    }

    /// Steps the alarm and event groups to `now`: every valid alarm that is due reads its
    /// variable through `read` (None: the object is not served, or is not an integer), and each
    /// crossing fires its event, which logs and asks for traps. Alarms whose variable is gone
    /// are deleted. The caller sends the traps returned.
    ///
    /// `read` answers from the caller's merged view (the agent's MIB registry over a fresh
    /// snapshot), so an alarm can watch any integer the agent serves; it is called only for the
    /// alarms that are due, in alarmIndex order. Call this at least as often as the shortest
    /// interval, or at [`Probe::next_alarm_due`]; a late call takes one reading per alarm.
    pub fn run_alarms(&mut self, now: Timestamp, read: &mut dyn FnMut(&Oid) -> Option<Sample>) -> AlarmRun {
        let mut run = AlarmRun::default();
        let ticks = self.sys_up_time(now);
        for (&index, alarm) in self.alarms.iter_mut() {
            if !alarm.is_due(now) {
                continue;
            }
            let sample = read(&alarm.config.variable);
            match alarm.sample(now, sample) {
                SampleOutcome::Quiet => {}
                SampleOutcome::Fire(crossing) => {
                    let cause = AlarmCrossing::of(index, alarm, crossing);
                    let event = alarm.config.event_index(crossing);
                    fire_event(&mut self.events, &mut self.channels, event, ticks, &Cause::Alarm(&cause), &mut run);
                }
                SampleOutcome::Gone => run.invalidated.push(index),
            }
        }
        for index in &run.invalidated {
            self.alarms.remove(index);
        }
        // The user histories read through the same port: every due row, in index order.
        for row in self.usr_history.values_mut() {
            row.sample(now, read);
        }
        run
    }

    /// Grants octets to each valid capture buffer not yet granted for its current
    /// maxOctetsRequested, out of what `[limits] capture_octets` leaves after the other
    /// buffers' grants, and turns it on at `now` if it never was. Buffers already granted keep
    /// their grants: the MIB forbids lowering one except for a change of its own request.
    pub(crate) fn grant_buffers(&mut self, now: Timestamp) {
        let indexes: Vec<u16> = self.buffers.keys().copied().collect();
        for index in indexes {
            let others: u64 = self
                .buffers
                .iter()
                .filter(|(i, b)| **i != index && b.status == EntryStatus::Valid)
                .map(|(_, b)| b.limit)
                .sum();
            let left = self.limits.capture_octets.saturating_sub(others);
            let Some(b) = self.buffers.get_mut(&index) else { continue };
            if b.status != EntryStatus::Valid {
                b.turned_on = None;
                b.granted_for = None;
                continue;
            }
            if b.turned_on.is_none() {
                b.turned_on = Some(now);
            }
            if b.granted_for == Some(b.max_octets_requested) {
                continue;
            }
            let requested = u64::try_from(b.max_octets_requested).ok();
            b.limit = requested.map_or(left, |r| r.min(left));
            b.max_octets_granted = if requested.is_none() { -1 } else { i32::try_from(b.limit).unwrap_or(i32::MAX) };
            b.granted_for = Some(b.max_octets_requested);
        }
    }

    /// Each valid capture buffer merged over `shards` (arrival order, see `capture.rs`), with
    /// its row: what the views and the `--capture-dir` files read.
    pub fn capture_buffers(&self, shards: &[&Shard]) -> Vec<(u16, BufferControl, capture::Merged)> {
        self.buffers
            .iter()
            .filter(|(_, b)| b.status == EntryStatus::Valid)
            .map(|(&index, b)| {
                let shares: Vec<&capture::CaptureBuffer> =
                    shards.iter().filter_map(|s| s.capture_buffer(index)).collect();
                (index, b.clone(), capture::merge(&shares))
            })
            .collect()
    }

    /// The valid channels whose channelEventIndex may fire: data control on, an event index,
    /// and eventReady or eventAlwaysReady. Empty (the usual case) means
    /// [`Probe::run_channel_events`] has nothing to do, and nobody need read channelMatches.
    pub fn armed_channels(&self) -> Vec<u16> {
        self.channels
            .iter()
            .filter(|(_, c)| {
                c.status == EntryStatus::Valid
                    && c.data_control == DataControl::On
                    && c.event_index != 0
                    && c.event_status != ChannelEventStatus::EventFired
            })
            .map(|(&index, _)| index)
            .collect()
    }

    /// Steps the channels' events to `now`, given each channel's channelMatches (summed over
    /// the shards; None: unknown, skipped). A channel in [`Probe::armed_channels`] whose count
    /// grew since the last step matched a packet: it fires channelEventIndex once, and an
    /// eventReady channel becomes eventFired (eventAlwaysReady stays: it fires at most once per
    /// step, the rate limit the MIB lets an agent set). Counts of channels that are not armed
    /// are remembered too, so that frames matched while a channel was off never fire it later;
    /// a channel turned on within a step may fire for a frame matched just before, the
    /// granularity of stepping (100 ms in the agent's thread).
    pub fn run_channel_events(&mut self, now: Timestamp, matches: &dyn Fn(u16) -> Option<u64>) -> AlarmRun {
        let mut run = AlarmRun::default();
        let ticks = self.sys_up_time(now);
        let armed = self.armed_channels();
        let indexes: Vec<u16> = self.channels.keys().copied().collect();
        for index in indexes {
            let Some(count) = matches(index) else { continue };
            let seen = self.channel_matches_seen.insert(index, count).unwrap_or(0);
            if count <= seen || !armed.contains(&index) {
                continue;
            }
            let Some(channel) = self.channels.get_mut(&index) else { continue };
            if !self.events.is_valid(channel.event_index) {
                // No event to generate: the channel stays ready for when there is one.
                continue;
            }
            if channel.event_status == ChannelEventStatus::EventReady {
                channel.event_status = ChannelEventStatus::EventFired;
            }
            let (event, description) = (channel.event_index, channel.description.clone());
            let cause = Cause::PacketMatch { channel_index: index, matches: count, description: &description };
            fire_event(&mut self.events, &mut self.channels, event, ticks, &cause, &mut run);
        }
        self.channel_matches_seen.retain(|index, _| self.channels.contains_key(index));
        run
    }

    fn if_speed(&self, data_source: DataSource) -> u64 {
        self.sources.iter().find(|s| s.if_index == data_source.if_index()).map_or(0, |s| s.if_speed)
    }

    /// Every table as it stands at `now`, merged from `shards`. The hl rows' data (the bulk of
    /// a busy probe's rows) is merged on every core while the RMON-1 tables are read.
    pub fn tables(&self, now: Timestamp, shards: &[&Shard]) -> RmonTables {
        let mut t = RmonTables::default();
        let (hl, ()) = rayon::join(|| self.hl_rows(shards), || self.rmon1_tables(&mut t, now, shards));
        self.rmon2_tables(&mut t, now, shards, hl);
        if self.limits.tcp_latency.connections > 0 {
            for source in &self.sources {
                let tables: Vec<_> = shards.iter().filter_map(|s| s.tcp_latency(source.if_index)).collect();
                let (servers, pairs) = tcp_latency::entries(source.if_index, &tables);
                t.tcp_latency_server.extend(servers);
                t.tcp_latency_pair.extend(pairs);
            }
        }
        let counts_mirrors = self.opens_mirrors || self.limits.dedup_window_ns > 0;
        for source in self.sources.iter().filter(|_| counts_mirrors) {
            let m = shards
                .iter()
                .filter_map(|s| s.mirror_counts(DataSource(source.if_index)))
                .fold(MirrorCounts::default(), |sum, c| sum.plus(&c));
            t.mirror_source.push(MirrorSourceEntry {
                if_index: source.if_index,
                decapsulated: m.decapsulated,
                bad_encapsulations: m.bad_encapsulations,
                over_limit: m.over_limit,
                duplicates: m.duplicates,
            });
        }
        t
    }

    /// The RMON-1 tables (with HC-RMON's mediaIndependent) into `t`.
    fn rmon1_tables(&self, t: &mut RmonTables, now: Timestamp, shards: &[&Shard]) {
        let ticks = |at: Option<Timestamp>| at.map_or(0, |at| at.ticks_since(self.start));

        // Rows that are not valid have no data: their shard data was stopped, but a row under
        // creation may share its index with data a shard has not dropped yet.
        let shards_of = |status: EntryStatus| if status == EntryStatus::Valid { shards } else { &[] };

        for (&index, row) in &self.ether_stats {
            let counters = shards_of(row.status)
                .iter()
                .filter_map(|s| s.ether_stats(row.data_source, index))
                .fold(EtherStatsCounters::default(), |sum, c| sum.plus(&c));
            let mut entry = EtherStatsEntry::new(index, row.data_source, &counters, row.owner.clone(), row.status);
            entry.ether_stats_create_time = ticks(Some(row.created));
            t.ether_stats.push(entry);
        }

        for (&index, row) in &self.media_independent {
            let counters = shards_of(row.status)
                .iter()
                .filter_map(|s| s.media_independent(row.data_source, index))
                .fold(EtherStatsCounters::default(), |sum, c| sum.plus(&c));
            let if_speed =
                self.sources.iter().find(|s| s.if_index == row.data_source.if_index()).map_or(0, |s| s.if_speed);
            t.media_independent.push(MediaIndependentEntry::new(index, row, &counters, if_speed));
        }

        for (&index, row) in &self.history {
            t.history_control.push(HistoryControlEntry {
                history_control_index: index,
                history_control_data_source: row.data_source,
                history_control_buckets_requested: row.buckets_requested,
                history_control_buckets_granted: row.buckets_granted,
                history_control_interval: row.interval,
                history_control_owner: row.owner.clone(),
                history_control_status: row.status,
            });
            let recorders: Vec<_> =
                shards_of(row.status).iter().filter_map(|s| s.history(row.data_source, index)).collect();
            t.ether_history.extend(history::merge(index, row, &recorders, self.start, self.if_speed(row.data_source)));
        }

        for (&index, row) in &self.hosts {
            let tables: Vec<_> = shards_of(row.status).iter().filter_map(|s| s.host_table(index)).collect();
            let merged = hosts::merge(index, &tables);
            t.host_control.push(HostControlEntry {
                host_control_index: index,
                host_control_data_source: row.data_source,
                host_control_table_size: merged.hosts.len() as u64,
                host_control_last_delete_time: ticks(merged.last_delete),
                host_control_owner: row.owner.clone(),
                host_control_create_time: ticks(Some(row.created)),
                host_control_status: row.status,
            });
            t.host_time.extend(merged.hosts.iter().map(HostTimeEntry::from));
            let mut by_address = merged.hosts;
            by_address.sort_unstable_by_key(|h| h.host_address);
            t.hosts.extend(by_address);
        }

        for (&index, row) in &self.top_n {
            t.host_top_n_control.push(HostTopNControlEntry {
                host_top_n_control_index: index,
                host_top_n_host_index: row.host_index,
                host_top_n_rate_base: row.rate_base,
                host_top_n_time_remaining: row.time_remaining(now),
                host_top_n_duration: row.duration,
                host_top_n_requested_size: row.requested_size,
                host_top_n_granted_size: row.granted_size,
                host_top_n_start_time: ticks(row.start_time),
                host_top_n_owner: row.owner.clone(),
                host_top_n_status: row.status,
            });
            let windows: Vec<_> = shards_of(row.status).iter().filter_map(|s| s.top_n(index)).collect();
            if row.start_time.is_some() && !windows.is_empty() {
                t.host_top_n.extend(topn::merge(index, row.granted_size, &windows));
            }
        }

        for (&index, row) in &self.matrix {
            let tables: Vec<_> = shards_of(row.status).iter().filter_map(|s| s.matrix_table(index)).collect();
            let merged = matrix::merge(&tables);
            t.matrix_control.push(MatrixControlEntry {
                matrix_control_index: index,
                matrix_control_data_source: row.data_source,
                matrix_control_table_size: merged.pairs.len() as u64,
                matrix_control_last_delete_time: ticks(merged.last_delete),
                matrix_control_owner: row.owner.clone(),
                matrix_control_status: row.status,
                matrix_control_create_time: ticks(Some(row.created)),
            });
            t.matrix_sd.extend(merged.sd_entries(index));
            t.matrix_ds.extend(merged.ds_entries(index));
        }

        t.filters.extend(self.filters.iter().map(|(&index, row)| FilterEntry::new(index, row)));
        for (&index, row) in &self.channels {
            let matches = shards_of(row.status).iter().filter_map(|s| s.channel_matches(index)).sum();
            t.channels.push(ChannelEntry::new(index, row, matches));
        }
        for (&index, row) in &self.buffers {
            let shares: Vec<_> = shards_of(row.status).iter().filter_map(|s| s.capture_buffer(index)).collect();
            let merged = capture::merge(&shares);
            t.buffer_control.push(BufferControlEntry {
                buffer_control_index: index,
                buffer_control_channel_index: row.channel_index,
                buffer_control_full_status: if merged.full { FullStatus::Full } else { FullStatus::SpaceAvailable },
                buffer_control_full_action: row.full_action,
                buffer_control_capture_slice_size: row.capture_slice_size,
                buffer_control_download_slice_size: row.download_slice_size,
                buffer_control_download_offset: row.download_offset,
                buffer_control_max_octets_requested: row.max_octets_requested,
                buffer_control_max_octets_granted: row.max_octets_granted,
                buffer_control_captured_packets: merged.entries.len() as u64,
                buffer_control_turn_on_time: ticks(row.turned_on),
                buffer_control_owner: row.owner.clone(),
                buffer_control_status: row.status,
            });
            t.capture_buffer
                .extend((0..merged.entries.len()).filter_map(|at| CaptureBufferEntry::new(index, row, &merged, at)));
        }
        t.alarm = self.alarms.iter().map(|(&index, a)| AlarmEntry::new(index, a)).collect();
        t.event = self.events.rows().map(|(index, e)| EventEntry::new(index, e)).collect();
        t.log = self.events.log();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mib::Oid;
    use crate::mib::time::NANOS_PER_SEC;
    use crate::packet::{Condition, Frame};
    use crate::rmon::hosts::tests::{frame, mac};

    const SEC: u64 = NANOS_PER_SEC;

    fn source() -> Vec<DataSourceInfo> {
        vec![DataSourceInfo {
            if_index: 1,
            name: "test".into(),
            descr: "test".into(),
            if_speed: 10_000_000,
            live: false,
            phys_address: Vec::new(),
        }]
    }

    fn probe_with(extra: &[RowRequest]) -> Probe {
        let mut rows = RowRequest::defaults(&source());
        rows.extend_from_slice(extra);
        Probe::new(Timestamp(100 * SEC), source(), Limits::default(), &rows).unwrap()
    }

    fn shard_for(probe: &Probe) -> Shard {
        let mut s = Shard::new(1, probe.start());
        for c in probe.shard_setup() {
            s.apply(&c);
        }
        s
    }

    fn at(secs: u64, seq: u64, src: u8, dst: u8) -> Frame {
        let mut f = frame(seq, mac(src), mac(dst), 1000, Condition::Good);
        f.time = Timestamp(secs * SEC);
        f
    }

    #[test]
    fn default_rows_as_a_fresh_probe_offers_them() {
        let p = probe_with(&[]);
        let t = p.tables(p.start(), &[&shard_for(&p)]);
        assert_eq!(t.ether_stats.len(), 1);
        assert_eq!(t.ether_stats[0].ether_stats_owner, Owner::monitor());
        let h: Vec<_> = t
            .history_control
            .iter()
            .map(|h| (h.history_control_index, h.history_control_interval, h.history_control_buckets_granted))
            .collect();
        assert_eq!(h, vec![(1, 30, 50), (2, 1800, 50)]);
        assert_eq!(t.host_control.len(), 1);
        assert_eq!(t.matrix_control.len(), 1);
        assert!(t.host_top_n_control.is_empty());
    }

    #[test]
    fn tables_merge_shards_and_show_complete_buckets() {
        let p = probe_with(&[]);
        let mut a = shard_for(&p);
        let mut b = shard_for(&p);
        a.count(&at(100, 0, 1, 2));
        b.count(&at(110, 1, 3, 1));
        a.count(&at(131, 2, 1, 3));
        b.tick(Timestamp(131 * SEC));
        let t = p.tables(Timestamp(131 * SEC), &[&a, &b]);
        assert_eq!(t.ether_stats[0].ether_stats_pkts, 3);
        let hosts: Vec<_> = t.host_time.iter().map(|h| (h.host_time_creation_order, h.host_time_address)).collect();
        assert_eq!(hosts, vec![(1, mac(1)), (2, mac(2)), (3, mac(3))]);
        // hostTable is in address order.
        assert_eq!(t.hosts.iter().map(|h| h.host_address).collect::<Vec<_>>(), vec![mac(1), mac(2), mac(3)]);
        assert_eq!(t.matrix_sd.len(), 3);
        assert_eq!(t.matrix_ds.len(), 3);
        // One 30 s bucket complete, holding the first two frames; utilization over 10 Mb/s.
        assert_eq!(t.ether_history.len(), 1);
        let bucket = &t.ether_history[0];
        assert_eq!(
            (bucket.ether_history_pkts, bucket.ether_history_octets, bucket.ether_history_interval_start),
            (2, 2000, 0)
        );
        assert_eq!(bucket.ether_history_utilization, history::utilization(2, 2000, 30, 10_000_000));
    }

    #[test]
    fn configured_top_n_starts_with_the_probe() {
        let p = probe_with(&[RowRequest::HostTopN {
            index: 1,
            host_index: 1,
            rate_base: RateBase::OutOctets,
            time_remaining: 60,
            requested_size: 2,
            owner: Owner::new("noc").unwrap(),
        }]);
        let mut s = shard_for(&p);
        for (i, (t, src)) in [(100, 1), (110, 2), (120, 2), (130, 3)].iter().enumerate() {
            s.count(&at(*t, i as u64, *src, 9));
        }
        let t = p.tables(Timestamp(130 * SEC), &[&s]);
        assert_eq!(t.host_top_n_control[0].host_top_n_time_remaining, 30);
        assert!(t.host_top_n.is_empty(), "the report appears only when time remaining reaches 0");
        // After the end: not in the report.
        s.count(&at(165, 4, 3, 9));
        s.tick(Timestamp(170 * SEC));
        let t = p.tables(Timestamp(170 * SEC), &[&s]);
        let c = &t.host_top_n_control[0];
        assert_eq!((c.host_top_n_time_remaining, c.host_top_n_duration, c.host_top_n_start_time), (0, 60, 0));
        let got: Vec<_> =
            t.host_top_n.iter().map(|e| (e.host_top_n_index, e.host_top_n_address, e.host_top_n_rate)).collect();
        assert_eq!(got, vec![(1, mac(2), 2000), (2, mac(1), 1000)]);
    }

    #[test]
    fn invalid_requests_are_refused_with_a_reason() {
        let src = source();
        let bad = |row: RowRequest| Probe::new(Timestamp(0), src.clone(), Limits::default(), &[row]).unwrap_err();
        let o = Owner::monitor;
        assert!(matches!(
            bad(RowRequest::EtherStats { index: 1, data_source: DataSource(2), owner: o() }),
            RowError::NoSuchDataSource { .. }
        ));
        assert!(matches!(
            bad(RowRequest::EtherStats { index: 0, data_source: DataSource(1), owner: o() }),
            RowError::BadIndex { .. }
        ));
        assert!(matches!(
            bad(RowRequest::History {
                index: 1,
                data_source: DataSource(1),
                interval: 3601,
                buckets_requested: 1,
                owner: o()
            }),
            RowError::BadInterval { .. }
        ));
        assert!(matches!(
            bad(RowRequest::History {
                index: 1,
                data_source: DataSource(1),
                interval: 30,
                buckets_requested: 0,
                owner: o()
            }),
            RowError::BadBuckets { .. }
        ));
        assert!(matches!(
            bad(RowRequest::HostTopN {
                index: 1,
                host_index: 4,
                rate_base: RateBase::InPkts,
                time_remaining: 1,
                requested_size: 1,
                owner: o()
            }),
            RowError::NoSuchHostTable { .. }
        ));
        let msg = bad(RowRequest::Hosts { index: 3, data_source: DataSource(9), owner: o() }).to_string();
        assert!(msg.contains("hostControl 3") && msg.contains("ifIndex 1..1"), "{msg}");
    }

    fn channel(index: u16, data_control: DataControl) -> RowRequest {
        RowRequest::Channel {
            index,
            data_source: DataSource(1),
            accept_type: AcceptType::AcceptMatched,
            data_control,
            turn_on_event_index: 0,
            turn_off_event_index: 0,
            event_index: 0,
            event_status: ChannelEventStatus::EventReady,
            description: "icmp".into(),
            owner: Owner::monitor(),
        }
    }

    fn filter_row(index: u16, channel_index: u16, filter: Filter) -> RowRequest {
        RowRequest::Filter { index, channel_index, filter, owner: Owner::monitor() }
    }

    #[test]
    fn channel_matches_are_summed_over_shards_even_with_data_control_off() {
        let p = probe_with(&[
            channel(1, DataControl::Off),
            channel(2, DataControl::On),
            filter_row(1, 1, Filter::data(23, &[0x01])),
            filter_row(2, 2, Filter::data(12, &[0x08, 0x06])),
        ]);
        let mut a = shard_for(&p);
        let mut b = shard_for(&p);
        let mut icmp = [0u8; 34];
        icmp[12] = 0x08;
        icmp[23] = 0x01;
        let mut arp = [0u8; 42];
        arp[12..14].copy_from_slice(&[0x08, 0x06]);
        a.count_with_bytes(&at(100, 0, 1, 2), &icmp);
        b.count_with_bytes(&at(101, 1, 2, 1), &icmp);
        b.count_with_bytes(&at(102, 2, 2, 1), &arp);
        let t = p.tables(Timestamp(102 * SEC), &[&a, &b]);
        let got: Vec<_> =
            t.channels.iter().map(|c| (c.channel_index, c.channel_data_control, c.channel_matches)).collect();
        assert_eq!(got, vec![(1, DataControl::Off, 2), (2, DataControl::On, 1)]);
        let filters: Vec<_> = t.filters.iter().map(|f| (f.filter_index, f.filter_channel_index)).collect();
        assert_eq!(filters, vec![(1, 1), (2, 2)]);
        let json = serde_json::to_value(&t).unwrap();
        assert_eq!(json["channelTable"][0]["channelMatches"], 2);
        assert_eq!(json["channelTable"][0]["channelAcceptType"], "acceptMatched");
        assert_eq!(json["channelTable"][0]["channelIfIndex"], 1);
        assert_eq!(json["filterTable"][1]["filterPktData"], "08:06");
        assert_eq!(json["filterTable"][1]["filterPktDataOffset"], 12);
        assert_eq!(
            p.persistent_rows()
                .iter()
                .filter(|r| matches!(r, RowRequest::Channel { .. } | RowRequest::Filter { .. }))
                .count(),
            4
        );
    }

    #[test]
    fn a_filter_needs_its_channel_first() {
        let rows = [filter_row(1, 1, Filter::default()), channel(1, DataControl::On)];
        let err = Probe::new(Timestamp(0), source(), Limits::default(), &rows).unwrap_err();
        assert_eq!(err, RowError::NoSuchChannel { index: 1, channel_index: 1 });
        assert!(err.to_string().contains("give the channel first"), "{err}");
        let mut long = channel(1, DataControl::On);
        if let RowRequest::Channel { description, .. } = &mut long {
            *description = "x".repeat(128);
        }
        assert!(matches!(long.check(), Err(RowError::LongDescription { .. })));
    }

    /// Event 1 (log), and channel 1 with `status` firing it while on; channel 2 turned on by
    /// event 1, channel 3 turned off by it.
    fn channel_event_rows(status: ChannelEventStatus) -> Vec<RowRequest> {
        let event = RowRequest::Event {
            index: 1,
            description: "matched".into(),
            event_type: EventType::Log,
            community: Vec::new(),
            owner: Owner::monitor(),
        };
        let mut rows =
            vec![event, channel(1, DataControl::On), channel(2, DataControl::Off), channel(3, DataControl::On)];
        for row in &mut rows {
            if let RowRequest::Channel {
                index,
                event_index,
                event_status,
                turn_on_event_index,
                turn_off_event_index,
                ..
            } = row
            {
                match index {
                    1 => (*event_index, *event_status) = (1, status),
                    2 => *turn_on_event_index = 1,
                    _ => *turn_off_event_index = 1,
                }
            }
        }
        rows
    }

    #[test]
    fn a_channel_event_fires_once_when_ready_and_flips_the_channels_that_listen() {
        let mut p = probe_with(&channel_event_rows(ChannelEventStatus::EventReady));
        assert_eq!(p.armed_channels(), [1]);
        let counts = |c1: u64| move |i: u16| Some(if i == 1 { c1 } else { 0 });
        // Nothing matched yet: nothing fires.
        assert_eq!(p.run_channel_events(Timestamp(101 * SEC), &counts(0)), AlarmRun::default());
        // A match: event 1 fires once (logged), channel 2 turns on, channel 3 off; channel 1 is
        // eventFired and fires no more.
        let run = p.run_channel_events(Timestamp(102 * SEC), &counts(3));
        assert_eq!(run.data_control, [(2, true), (3, false)]);
        assert!(run.traps.is_empty(), "event 1 only logs");
        assert!(p.run_channel_events(Timestamp(103 * SEC), &counts(9)).data_control.is_empty());
        let t = p.tables(Timestamp(103 * SEC), &[]);
        let log: Vec<_> = t.log.iter().map(|e| (e.log_event_index, e.log_time, e.log_description.as_str())).collect();
        assert_eq!(log, [(1, 200, "channel 1 matched a packet (channelMatches 3): icmp")]);
        let controls: Vec<_> = t.channels.iter().map(|c| (c.channel_index, c.channel_data_control)).collect();
        assert_eq!(controls, [(1, DataControl::On), (2, DataControl::On), (3, DataControl::Off)]);
        assert_eq!(t.channels[0].channel_event_status, ChannelEventStatus::EventFired);
        assert!(p.armed_channels().is_empty());
    }

    #[test]
    fn an_always_ready_channel_fires_per_step_with_matches_and_never_while_off() {
        let mut rows = channel_event_rows(ChannelEventStatus::EventAlwaysReady);
        if let RowRequest::Channel { data_control, .. } = &mut rows[1] {
            *data_control = DataControl::Off;
        }
        let mut p = probe_with(&rows);
        assert!(p.armed_channels().is_empty(), "off: no events");
        let counts = |c1: u64| move |i: u16| Some(if i == 1 { c1 } else { 0 });
        // Matched while off: counted, never fired, not even once it is on.
        assert!(p.run_channel_events(Timestamp(101 * SEC), &counts(5)).data_control.is_empty());
        p.channels.get_mut(&1).unwrap().data_control = DataControl::On;
        assert!(p.run_channel_events(Timestamp(102 * SEC), &counts(5)).data_control.is_empty());
        assert!(p.tables(Timestamp(102 * SEC), &[]).log.is_empty());
        // On, and matching in two steps out of three: two events.
        p.run_channel_events(Timestamp(103 * SEC), &counts(6));
        p.run_channel_events(Timestamp(104 * SEC), &counts(6));
        p.run_channel_events(Timestamp(105 * SEC), &counts(8));
        let times: Vec<u64> = p.tables(Timestamp(105 * SEC), &[]).log.iter().map(|e| e.log_time).collect();
        assert_eq!(times, [300, 500]);
    }

    #[test]
    fn an_alarm_event_turns_a_channel_on() {
        let mut rows = alarm_rows("1.3.6.1.2.1.16.1.1.1.5.1");
        let mut on = channel(4, DataControl::Off);
        if let RowRequest::Channel { turn_on_event_index, .. } = &mut on {
            *turn_on_event_index = 1;
        }
        rows.push(on);
        let mut p = probe_with(&rows);
        let mut s = shard_for(&p);
        let mut run = AlarmRun::default();
        // A frame a second from 101 s, stepping the alarms each second (baseline at 100 s).
        for (seq, sec) in (100..=110).enumerate() {
            if sec > 100 {
                s.count(&at(sec, seq as u64, 1, 2));
            }
            let now = Timestamp(sec * SEC);
            let snapshot = p.clone();
            let step = p.run_alarms(now, &mut |oid| read_pkts(&snapshot, &s, now, oid));
            run.traps.extend(step.traps);
            run.data_control.extend(step.data_control);
        }
        // alarm 5 rose at 110 s: event 1 fired (a trap) and turned channel 4 on.
        assert_eq!(run.traps.len(), 1);
        assert_eq!(run.data_control, [(4, true)]);
        assert_eq!(p.tables(Timestamp(110 * SEC), &[]).channels[0].channel_data_control, DataControl::On);
    }

    fn alarm_rows(variable: &str) -> Vec<RowRequest> {
        use crate::rmon::alarm::{SampleType, StartupAlarm};
        vec![
            RowRequest::Event {
                index: 1,
                description: "packets".into(),
                event_type: EventType::LogAndTrap,
                community: b"traps".to_vec(),
                owner: Owner::new("noc").unwrap(),
            },
            RowRequest::Event {
                index: 2,
                description: "quiet".into(),
                event_type: EventType::Log,
                community: Vec::new(),
                owner: Owner::new("noc").unwrap(),
            },
            RowRequest::Alarm {
                index: 5,
                config: AlarmConfig {
                    interval: 10,
                    variable: variable.parse().unwrap(),
                    sample_type: SampleType::DeltaValue,
                    startup_alarm: StartupAlarm::RisingAlarm,
                    rising_threshold: 3,
                    falling_threshold: 0,
                    rising_event_index: 1,
                    falling_event_index: 2,
                },
                owner: Owner::new("noc").unwrap(),
            },
        ]
    }

    /// Reads etherStatsPkts.1 from the probe's own merged tables, as the agent will.
    fn read_pkts(p: &Probe, shard: &Shard, now: Timestamp, oid: &Oid) -> Option<Sample> {
        (oid.to_string() == "1.3.6.1.2.1.16.1.1.1.5.1")
            .then(|| Sample::Counter32(p.tables(now, &[shard]).ether_stats[0].ether_stats_pkts as u32))
    }

    #[test]
    fn alarms_sample_merged_reads_fire_events_and_log() {
        let mut p = probe_with(&alarm_rows("1.3.6.1.2.1.16.1.1.1.5.1"));
        let mut s = shard_for(&p);
        let mut traps = Vec::new();
        let mut seq = 0;
        // One frame every second for 20 s, then silence until 40 s, stepping the alarms at each
        // second of probe time (the probe starts at 100 s).
        for sec in 100..=140 {
            if sec < 120 {
                s.count(&at(sec, seq, 1, 2));
                seq += 1;
            }
            let now = Timestamp(sec * SEC);
            if p.next_alarm_due().is_some_and(|due| due <= now) {
                let snapshot = p.clone();
                let run = p.run_alarms(now, &mut |oid| read_pkts(&snapshot, &s, now, oid));
                assert!(run.invalidated.is_empty());
                traps.extend(run.traps);
            }
        }
        let t = p.tables(Timestamp(140 * SEC), &[&s]);
        // The frame counted at 100 s is in the baseline; at 110 s ten more: the startup alarm
        // fires rising (logged and trapped); at 125 s the change is 4, at 130 s 0: falling.
        let log: Vec<_> = t.log.iter().map(|e| (e.log_event_index, e.log_index, e.log_time)).collect();
        assert_eq!(log, vec![(1, 1, 1000), (2, 1, 3000)]);
        assert!(t.log[0].log_description.starts_with("alarm 5 risingAlarm: 1.3.6.1.2.1.16.1.1.1.5.1 deltaValue 10"));
        assert_eq!(traps.len(), 1);
        assert_eq!(crate::snmp::trap::notification_oid(&traps[0]).to_string(), "1.3.6.1.2.1.16.0.1");
        assert_eq!((traps[0].community.as_slice(), traps[0].sys_up_time), (&b"traps"[..], 1000));
        let events: Vec<_> = t.event.iter().map(|e| (e.event_index, e.event_last_time_sent)).collect();
        assert_eq!(events, vec![(1, 1000), (2, 3000)]);
        let a = &t.alarm[0];
        assert_eq!((a.alarm_index, a.alarm_value, a.alarm_status), (5, 0, EntryStatus::Valid));
        assert_eq!(p.next_alarm_due(), Some(Timestamp(145 * SEC)));
        // The rows come back for the --state file.
        let kept = p.persistent_rows();
        assert!(alarm_rows("1.3.6.1.2.1.16.1.1.1.5.1").iter().all(|r| kept.contains(r)));
    }

    #[test]
    fn an_alarm_on_a_variable_that_goes_away_is_deleted() {
        let mut p = probe_with(&alarm_rows("1.3.6.1.2.1.16.1.1.1.5.9"));
        let run = p.run_alarms(p.start(), &mut |_| None);
        assert_eq!(run, AlarmRun { invalidated: vec![5], ..AlarmRun::default() });
        assert!(p.tables(p.start(), &[]).alarm.is_empty());
        assert_eq!(p.next_alarm_due(), None);
        // Nothing due: `read` is not called.
        let run = p.run_alarms(p.start().plus_secs(60), &mut |_| panic!("no alarm left to read"));
        assert_eq!(run, AlarmRun::default());
    }

    #[test]
    fn bad_alarm_and_event_rows_are_refused() {
        let mut rows = alarm_rows("1.3.6.1.2.1.16.1.1.1.5.1");
        if let RowRequest::Alarm { config, .. } = &mut rows[2] {
            config.falling_threshold = 3;
        }
        let e = Probe::new(Timestamp(0), source(), Limits::default(), &rows).unwrap_err();
        assert!(e.to_string().starts_with("alarm 5: alarmFallingThreshold 3"), "{e}");
        let mut rows = alarm_rows("1.3.6.1.2.1.16.1.1.1.5.1");
        if let RowRequest::Event { description, .. } = &mut rows[0] {
            *description = "d".repeat(200);
        }
        let e = Probe::new(Timestamp(0), source(), Limits::default(), &rows).unwrap_err();
        assert!(e.to_string().starts_with("event 1: eventDescription"), "{e}");
    }

    #[test]
    fn granted_follows_limits() {
        let limits = Limits { history_buckets: 10, top_n_size: 5, ..Limits::default() };
        let rows = [
            RowRequest::Hosts { index: 1, data_source: DataSource(1), owner: Owner::monitor() },
            RowRequest::History {
                index: 1,
                data_source: DataSource(1),
                interval: 5,
                buckets_requested: 100,
                owner: Owner::monitor(),
            },
            RowRequest::HostTopN {
                index: 1,
                host_index: 1,
                rate_base: RateBase::InPkts,
                time_remaining: 0,
                requested_size: 50,
                owner: Owner::monitor(),
            },
        ];
        let p = Probe::new(Timestamp(0), source(), limits, &rows).unwrap();
        let t = p.tables(Timestamp(0), &[]);
        assert_eq!(t.history_control[0].history_control_buckets_granted, 10);
        assert_eq!(t.host_top_n_control[0].host_top_n_granted_size, 5);
        assert_eq!(t.host_top_n_control[0].host_top_n_start_time, 0);
    }
}
