//! The TOML configuration: control rows to add to (or replace among) the defaults, the data
//! source's speed and the table size limits.
//!
//! Row keys are the RMON-MIB column names, so a row in the file reads like the row a manager
//! would create with SET. See `rmonprobe.example.toml` for every key.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::mib::tc::Octets;
use crate::rmon::alarm::{AlarmConfig, SampleType, StartupAlarm};
use crate::rmon::capture::{DEFAULT_SLICE_SIZE, FullAction};
use crate::rmon::control::{DataSource, Owner};
use crate::rmon::event::EventType;
use crate::rmon::filter::{AcceptType, ChannelEventStatus, DataControl, Filter};
use crate::rmon::hosts::MAX_HOST_TABLE_SIZE;
use crate::rmon::probe::{DataSourceInfo, Limits, RowRequest};
use crate::rmon::topn::RateBase;

/// ifSpeed of a replayed capture unless configured: 1 Gb/s.
pub const DEFAULT_FILE_IF_SPEED: u64 = 1_000_000_000;

/// Why a configuration file was refused.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{path}: cannot read the configuration: {source}")]
    Io { path: String, source: std::io::Error },
    #[error("{path}: {message}")]
    Parse { path: String, message: String },
    #[error("{path}: {message}")]
    Invalid { path: String, message: String },
}

/// What is wrong with a configuration's contents: its text, its limits or its rows. The
/// message names the key or the row and says what it must be; [`ConfigError`] adds the file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigProblem {
    #[error("{0}")]
    Syntax(String),
    #[error("{0}")]
    Limits(String),
    #[error("{0}")]
    Rows(String),
}

/// The whole configuration file.
#[derive(Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default)]
    pub probe: ProbeSection,
    #[serde(default)]
    pub limits: LimitsSection,
    #[serde(default)]
    pub snmp: SnmpSection,
    #[serde(default, rename = "etherStats")]
    pub ether_stats: Vec<EtherStatsRow>,
    #[serde(default, rename = "historyControl")]
    pub history_control: Vec<HistoryControlRow>,
    #[serde(default, rename = "hostControl")]
    pub host_control: Vec<HostControlRow>,
    #[serde(default, rename = "hostTopNControl")]
    pub host_top_n_control: Vec<HostTopNControlRow>,
    #[serde(default, rename = "matrixControl")]
    pub matrix_control: Vec<MatrixControlRow>,
    #[serde(default)]
    pub channel: Vec<ChannelRow>,
    #[serde(default)]
    pub filter: Vec<FilterRow>,
    #[serde(default, rename = "bufferControl")]
    pub buffer_control: Vec<BufferControlRow>,
    #[serde(default)]
    pub alarm: Vec<AlarmRow>,
    #[serde(default)]
    pub event: Vec<EventRow>,
}

/// `[probe]`
#[derive(Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ProbeSection {
    /// Offer the default rows (etherStats 1, historyControl 1 and 2, hostControl 1,
    /// matrixControl 1 per data source). Rows of the file with the same index replace them.
    #[serde(default = "yes")]
    pub default_rows: bool,
    /// ifSpeed of the replayed data source in bits per second (etherHistoryUtilization's 100 %).
    pub if_speed: Option<u64>,
}

impl Default for ProbeSection {
    fn default() -> Self {
        ProbeSection { default_rows: true, if_speed: None }
    }
}

fn yes() -> bool {
    true
}

/// `[snmp]`: the agent's communities and the system group's settable objects. The command line's
/// `--community` and `--write-community` win over the file.
#[derive(Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SnmpSection {
    /// The read-only community.
    #[serde(default = "public")]
    pub community: String,
    /// The read-write community; none: no SET is accepted.
    pub write_community: Option<String>,
    #[serde(default)]
    pub sys_contact: String,
    /// Default: the host name.
    pub sys_name: Option<String>,
    #[serde(default)]
    pub sys_location: String,
    /// Where the events' traps go, as `--trap-sink` takes them (`"127.0.0.1:162"`,
    /// `"192.0.2.9:162/v1"`); `--trap-sink` adds to these.
    #[serde(default)]
    pub trap_sinks: Vec<String>,
}

impl Default for SnmpSection {
    fn default() -> Self {
        SnmpSection {
            community: public(),
            write_community: None,
            sys_contact: String::new(),
            sys_name: None,
            sys_location: String::new(),
            trap_sinks: Vec::new(),
        }
    }
}

fn public() -> String {
    "public".to_string()
}

/// `[limits]`: the most the probe grants.
#[derive(Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct LimitsSection {
    pub host_table_size: Option<usize>,
    pub matrix_table_size: Option<usize>,
    pub history_buckets: Option<u16>,
    pub top_n_size: Option<u32>,
    pub control_rows: Option<usize>,
    /// logTable entries kept across all events.
    pub log_entries: Option<usize>,
    /// Octets granted to all capture buffers together.
    pub capture_octets: Option<u64>,
}

/// A data source as written in the file: an ifIndex number, `ifIndex.N`, or the OID.
#[derive(Debug, Deserialize, Serialize, PartialEq, Eq, Clone)]
#[serde(untagged)]
pub enum DataSourceSpec {
    IfIndex(u32),
    Text(String),
}

impl Default for DataSourceSpec {
    fn default() -> Self {
        DataSourceSpec::IfIndex(1)
    }
}

impl DataSourceSpec {
    fn resolve(&self) -> Result<DataSource, String> {
        match self {
            DataSourceSpec::IfIndex(n) => n.to_string().parse(),
            DataSourceSpec::Text(s) => s.parse(),
        }
    }

    /// The form the probe writes: `ifIndex.N`, as the MIB's DESCRIPTIONs name an interface.
    fn of(source: DataSource) -> DataSourceSpec {
        DataSourceSpec::Text(format!("ifIndex.{}", source.if_index()))
    }
}

fn monitor() -> String {
    crate::rmon::control::MONITOR_OWNER.to_string()
}

fn ten() -> u32 {
    10
}

fn fifty() -> u16 {
    50
}

fn eighteen_hundred() -> u32 {
    1800
}

/// `[[etherStats]]`
#[derive(Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct EtherStatsRow {
    pub ether_stats_index: u16,
    #[serde(default)]
    pub ether_stats_data_source: DataSourceSpec,
    #[serde(default = "monitor")]
    pub ether_stats_owner: String,
}

/// `[[historyControl]]`
#[derive(Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct HistoryControlRow {
    pub history_control_index: u16,
    #[serde(default)]
    pub history_control_data_source: DataSourceSpec,
    /// Seconds per bucket (1..3600); the MIB's default is 1800.
    #[serde(default = "eighteen_hundred")]
    pub history_control_interval: u32,
    #[serde(default = "fifty")]
    pub history_control_buckets_requested: u16,
    #[serde(default = "monitor")]
    pub history_control_owner: String,
}

/// `[[hostControl]]`
#[derive(Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct HostControlRow {
    pub host_control_index: u16,
    #[serde(default)]
    pub host_control_data_source: DataSourceSpec,
    #[serde(default = "monitor")]
    pub host_control_owner: String,
}

/// `[[hostTopNControl]]`: a report started at the probe's start.
#[derive(Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct HostTopNControlRow {
    pub host_top_n_control_index: u16,
    #[serde(default = "one_u16")]
    pub host_top_n_host_index: u16,
    #[serde(default = "out_octets")]
    pub host_top_n_rate_base: RateBase,
    /// The report's duration in seconds, counted from the probe's start (as if a manager set
    /// hostTopNTimeRemaining then).
    pub host_top_n_time_remaining: u32,
    #[serde(default = "ten")]
    pub host_top_n_requested_size: u32,
    #[serde(default = "monitor")]
    pub host_top_n_owner: String,
}

fn one_u16() -> u16 {
    1
}

fn out_octets() -> RateBase {
    RateBase::OutOctets
}

/// `[[matrixControl]]`
#[derive(Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct MatrixControlRow {
    pub matrix_control_index: u16,
    #[serde(default)]
    pub matrix_control_data_source: DataSourceSpec,
    #[serde(default = "monitor")]
    pub matrix_control_owner: String,
}

/// `[[channel]]`: a channel on an interface, counting in channelMatches the frames its filters
/// accept.
#[derive(Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ChannelRow {
    pub channel_index: u16,
    /// channelIfIndex: the ifIndex whose frames the filters see.
    #[serde(default = "one_u32")]
    pub channel_if_index: u32,
    /// The MIB has no default; acceptMatched is what a channel with filters usually means.
    #[serde(default = "accept_matched")]
    pub channel_accept_type: AcceptType,
    #[serde(default)]
    pub channel_data_control: DataControl,
    #[serde(default)]
    pub channel_turn_on_event_index: u16,
    #[serde(default)]
    pub channel_turn_off_event_index: u16,
    #[serde(default)]
    pub channel_event_index: u16,
    #[serde(default)]
    pub channel_event_status: ChannelEventStatus,
    #[serde(default)]
    pub channel_description: String,
    #[serde(default = "monitor")]
    pub channel_owner: String,
}

fn one_u32() -> u32 {
    1
}

fn accept_matched() -> AcceptType {
    AcceptType::AcceptMatched
}

/// `[[filter]]`: one filter of a channel. Octet strings are hex octets (`"08:00"` or `"0800"`).
#[derive(Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct FilterRow {
    pub filter_index: u16,
    pub filter_channel_index: u16,
    #[serde(default)]
    pub filter_pkt_data_offset: u32,
    #[serde(default)]
    pub filter_pkt_data: Octets,
    #[serde(default)]
    pub filter_pkt_data_mask: Octets,
    #[serde(default)]
    pub filter_pkt_data_not_mask: Octets,
    #[serde(default)]
    pub filter_pkt_status: i32,
    #[serde(default)]
    pub filter_pkt_status_mask: i32,
    #[serde(default)]
    pub filter_pkt_status_not_mask: i32,
    #[serde(default = "monitor")]
    pub filter_owner: String,
}

/// The channel rows, then the filter rows (a filter names a channel, which must exist by then).
fn filter_requests(channels: &[ChannelRow], filters: &[FilterRow]) -> Result<Vec<RowRequest>, String> {
    let mut rows = Vec::new();
    for c in channels {
        rows.push(RowRequest::Channel {
            index: c.channel_index,
            data_source: DataSource(c.channel_if_index),
            accept_type: c.channel_accept_type,
            data_control: c.channel_data_control,
            turn_on_event_index: c.channel_turn_on_event_index,
            turn_off_event_index: c.channel_turn_off_event_index,
            event_index: c.channel_event_index,
            event_status: c.channel_event_status,
            description: c.channel_description.clone(),
            owner: Owner::new(&c.channel_owner)?,
        });
    }
    for f in filters {
        rows.push(RowRequest::Filter {
            index: f.filter_index,
            channel_index: f.filter_channel_index,
            filter: Filter {
                pkt_data_offset: f.filter_pkt_data_offset,
                pkt_data: f.filter_pkt_data.0.clone(),
                pkt_data_mask: f.filter_pkt_data_mask.0.clone(),
                pkt_data_not_mask: f.filter_pkt_data_not_mask.0.clone(),
                pkt_status: f.filter_pkt_status,
                pkt_status_mask: f.filter_pkt_status_mask,
                pkt_status_not_mask: f.filter_pkt_status_not_mask,
            },
            owner: Owner::new(&f.filter_owner)?,
        });
    }
    Ok(rows)
}

/// `[[bufferControl]]`: a capture buffer of a channel's frames (the channel must come first).
#[derive(Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct BufferControlRow {
    pub buffer_control_index: u16,
    pub buffer_control_channel_index: u16,
    /// The MIB has no default; lockWhenFull keeps the first frames, which is what a capture
    /// started to catch something usually wants.
    #[serde(default = "lock_when_full")]
    pub buffer_control_full_action: FullAction,
    #[serde(default = "default_slice")]
    pub buffer_control_capture_slice_size: u32,
    #[serde(default = "default_slice")]
    pub buffer_control_download_slice_size: u32,
    #[serde(default)]
    pub buffer_control_download_offset: u32,
    #[serde(default = "minus_one")]
    pub buffer_control_max_octets_requested: i32,
    #[serde(default = "monitor")]
    pub buffer_control_owner: String,
}

fn lock_when_full() -> FullAction {
    FullAction::LockWhenFull
}

fn default_slice() -> u32 {
    DEFAULT_SLICE_SIZE
}

fn minus_one() -> i32 {
    -1
}

impl BufferControlRow {
    fn request(&self) -> Result<RowRequest, String> {
        Ok(RowRequest::BufferControl {
            index: self.buffer_control_index,
            channel_index: self.buffer_control_channel_index,
            full_action: self.buffer_control_full_action,
            capture_slice_size: self.buffer_control_capture_slice_size,
            download_slice_size: self.buffer_control_download_slice_size,
            download_offset: self.buffer_control_download_offset,
            max_octets_requested: self.buffer_control_max_octets_requested,
            owner: Owner::new(&self.buffer_control_owner)?,
        })
    }
}

/// `[[alarm]]`: an alarm sampling from the probe's start. No defaults where the MIB has none,
/// but for the startup alarm (risingOrFallingAlarm: tell me whichever way it starts) and the
/// event indexes (0: no event).
#[derive(Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct AlarmRow {
    pub alarm_index: u16,
    /// Seconds between samples.
    pub alarm_interval: u32,
    /// The OID of the instance sampled, dotted (`1.3.6.1.2.1.16.1.1.1.5.1`).
    pub alarm_variable: String,
    pub alarm_sample_type: SampleType,
    #[serde(default = "rising_or_falling")]
    pub alarm_startup_alarm: StartupAlarm,
    pub alarm_rising_threshold: i32,
    pub alarm_falling_threshold: i32,
    #[serde(default)]
    pub alarm_rising_event_index: u16,
    #[serde(default)]
    pub alarm_falling_event_index: u16,
    #[serde(default = "monitor")]
    pub alarm_owner: String,
}

fn rising_or_falling() -> StartupAlarm {
    StartupAlarm::RisingOrFallingAlarm
}

/// `[[event]]`
#[derive(Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct EventRow {
    pub event_index: u16,
    #[serde(default)]
    pub event_description: String,
    pub event_type: EventType,
    /// The community of the traps the event sends.
    #[serde(default = "public")]
    pub event_community: String,
    #[serde(default = "monitor")]
    pub event_owner: String,
}

impl Config {
    /// Reads and checks a configuration file.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Io { path: shown.clone(), source })?;
        let config =
            Config::parse(&text).map_err(|e| ConfigError::Parse { path: shown.clone(), message: e.to_string() })?;
        config.limits().map_err(|e| ConfigError::Invalid { path: shown, message: e.to_string() })?;
        Ok(config)
    }

    /// Parses configuration text.
    pub fn parse(text: &str) -> Result<Config, ConfigProblem> {
        toml::from_str(text).map_err(|e| ConfigProblem::Syntax(e.to_string()))
    }

    /// The limits, defaults filled in.
    pub fn limits(&self) -> Result<Limits, ConfigProblem> {
        self.checked_limits().map_err(ConfigProblem::Limits)
    }

    fn checked_limits(&self) -> Result<Limits, String> {
        let mut limits = Limits::default();
        if let Some(n) = self.limits.host_table_size {
            if n == 0 || n > MAX_HOST_TABLE_SIZE {
                return Err(format!(
                    "limits.host_table_size = {n}: must be 1..{MAX_HOST_TABLE_SIZE} (hostCreationOrder is at most 65535)"
                ));
            }
            limits.host_table_size = n;
        }
        if let Some(n) = self.limits.matrix_table_size {
            if n == 0 || n > u32::MAX as usize - 1 {
                return Err(format!("limits.matrix_table_size = {n}: must be 1..{}", u32::MAX - 1));
            }
            limits.matrix_table_size = n;
        }
        if let Some(n) = self.limits.history_buckets {
            if n == 0 {
                return Err("limits.history_buckets must be at least 1".to_string());
            }
            limits.history_buckets = n;
        }
        if let Some(n) = self.limits.top_n_size {
            limits.top_n_size = n;
        }
        if let Some(n) = self.limits.control_rows {
            limits.control_rows = n;
        }
        if let Some(n) = self.limits.log_entries {
            limits.log_entries = n;
        }
        if let Some(n) = self.limits.capture_octets {
            limits.capture_octets = n;
        }
        Ok(limits)
    }

    /// ifSpeed for a replayed capture.
    pub fn file_if_speed(&self) -> u64 {
        self.probe.if_speed.unwrap_or(DEFAULT_FILE_IF_SPEED)
    }

    /// The control rows to make valid at start: the defaults (unless turned off), then the
    /// file's rows, which replace defaults of the same index. A sound `--state` file, when
    /// there is one, replaces all of them ([`crate::state::startup_rows`]).
    pub fn rows(&self, sources: &[DataSourceInfo]) -> Result<Vec<RowRequest>, ConfigProblem> {
        let mut rows = if self.probe.default_rows { RowRequest::defaults(sources) } else { Vec::new() };
        rows.extend(
            section_requests(
                (&self.ether_stats, &self.history_control, &self.host_control),
                (&self.host_top_n_control, &self.matrix_control),
                (&self.channel, &self.filter, &self.buffer_control),
                (&self.alarm, &self.event),
            )
            .map_err(ConfigProblem::Rows)?,
        );
        Ok(rows)
    }
}

/// The control rows of a file, table by table under the RMON-MIB names, as a configuration
/// writes them: what a state file (`state.rs`) holds, so that its rows read like, and can be
/// pasted into, a configuration.
#[derive(Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct RowSections {
    #[serde(default, rename = "etherStats", skip_serializing_if = "Vec::is_empty")]
    pub ether_stats: Vec<EtherStatsRow>,
    #[serde(default, rename = "historyControl", skip_serializing_if = "Vec::is_empty")]
    pub history_control: Vec<HistoryControlRow>,
    #[serde(default, rename = "hostControl", skip_serializing_if = "Vec::is_empty")]
    pub host_control: Vec<HostControlRow>,
    #[serde(default, rename = "hostTopNControl", skip_serializing_if = "Vec::is_empty")]
    pub host_top_n_control: Vec<HostTopNControlRow>,
    #[serde(default, rename = "matrixControl", skip_serializing_if = "Vec::is_empty")]
    pub matrix_control: Vec<MatrixControlRow>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub channel: Vec<ChannelRow>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub filter: Vec<FilterRow>,
    #[serde(default, rename = "bufferControl", skip_serializing_if = "Vec::is_empty")]
    pub buffer_control: Vec<BufferControlRow>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub alarm: Vec<AlarmRow>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub event: Vec<EventRow>,
}

impl RowSections {
    /// The sections that ask for `rows`.
    pub fn from_requests(rows: &[RowRequest]) -> RowSections {
        let mut s = RowSections::default();
        for row in rows {
            match row {
                RowRequest::EtherStats { index, data_source, owner } => s.ether_stats.push(EtherStatsRow {
                    ether_stats_index: *index,
                    ether_stats_data_source: DataSourceSpec::of(*data_source),
                    ether_stats_owner: owner.0.clone(),
                }),
                RowRequest::History { index, data_source, interval, buckets_requested, owner } => {
                    s.history_control.push(HistoryControlRow {
                        history_control_index: *index,
                        history_control_data_source: DataSourceSpec::of(*data_source),
                        history_control_interval: *interval,
                        history_control_buckets_requested: *buckets_requested,
                        history_control_owner: owner.0.clone(),
                    })
                }
                RowRequest::Hosts { index, data_source, owner } => s.host_control.push(HostControlRow {
                    host_control_index: *index,
                    host_control_data_source: DataSourceSpec::of(*data_source),
                    host_control_owner: owner.0.clone(),
                }),
                RowRequest::HostTopN { index, host_index, rate_base, time_remaining, requested_size, owner } => {
                    s.host_top_n_control.push(HostTopNControlRow {
                        host_top_n_control_index: *index,
                        host_top_n_host_index: *host_index,
                        host_top_n_rate_base: *rate_base,
                        host_top_n_time_remaining: *time_remaining,
                        host_top_n_requested_size: *requested_size,
                        host_top_n_owner: owner.0.clone(),
                    })
                }
                RowRequest::Matrix { index, data_source, owner } => s.matrix_control.push(MatrixControlRow {
                    matrix_control_index: *index,
                    matrix_control_data_source: DataSourceSpec::of(*data_source),
                    matrix_control_owner: owner.0.clone(),
                }),
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
                } => s.channel.push(ChannelRow {
                    channel_index: *index,
                    channel_if_index: data_source.if_index(),
                    channel_accept_type: *accept_type,
                    channel_data_control: *data_control,
                    channel_turn_on_event_index: *turn_on_event_index,
                    channel_turn_off_event_index: *turn_off_event_index,
                    channel_event_index: *event_index,
                    channel_event_status: *event_status,
                    channel_description: description.clone(),
                    channel_owner: owner.0.clone(),
                }),
                RowRequest::Filter { index, channel_index, filter, owner } => s.filter.push(FilterRow {
                    filter_index: *index,
                    filter_channel_index: *channel_index,
                    filter_pkt_data_offset: filter.pkt_data_offset,
                    filter_pkt_data: Octets(filter.pkt_data.clone()),
                    filter_pkt_data_mask: Octets(filter.pkt_data_mask.clone()),
                    filter_pkt_data_not_mask: Octets(filter.pkt_data_not_mask.clone()),
                    filter_pkt_status: filter.pkt_status,
                    filter_pkt_status_mask: filter.pkt_status_mask,
                    filter_pkt_status_not_mask: filter.pkt_status_not_mask,
                    filter_owner: owner.0.clone(),
                }),
                RowRequest::BufferControl {
                    index,
                    channel_index,
                    full_action,
                    capture_slice_size,
                    download_slice_size,
                    download_offset,
                    max_octets_requested,
                    owner,
                } => s.buffer_control.push(BufferControlRow {
                    buffer_control_index: *index,
                    buffer_control_channel_index: *channel_index,
                    buffer_control_full_action: *full_action,
                    buffer_control_capture_slice_size: *capture_slice_size,
                    buffer_control_download_slice_size: *download_slice_size,
                    buffer_control_download_offset: *download_offset,
                    buffer_control_max_octets_requested: *max_octets_requested,
                    buffer_control_owner: owner.0.clone(),
                }),
                RowRequest::Alarm { index, config, owner } => s.alarm.push(AlarmRow {
                    alarm_index: *index,
                    alarm_interval: config.interval,
                    alarm_variable: config.variable.to_string(),
                    alarm_sample_type: config.sample_type,
                    alarm_startup_alarm: config.startup_alarm,
                    alarm_rising_threshold: config.rising_threshold,
                    alarm_falling_threshold: config.falling_threshold,
                    alarm_rising_event_index: config.rising_event_index,
                    alarm_falling_event_index: config.falling_event_index,
                    alarm_owner: owner.0.clone(),
                }),
                RowRequest::Event { index, description, event_type, community, owner } => s.event.push(EventRow {
                    event_index: *index,
                    event_description: description.clone(),
                    event_type: *event_type,
                    event_community: String::from_utf8_lossy(community).into_owned(),
                    event_owner: owner.0.clone(),
                }),
            }
        }
        s
    }

    /// The rows the sections ask for: hostTopN rows after the host tables, channels before
    /// their filters, then events and alarms.
    pub fn requests(&self) -> Result<Vec<RowRequest>, ConfigProblem> {
        section_requests(
            (&self.ether_stats, &self.history_control, &self.host_control),
            (&self.host_top_n_control, &self.matrix_control),
            (&self.channel, &self.filter, &self.buffer_control),
            (&self.alarm, &self.event),
        )
        .map_err(ConfigProblem::Rows)
    }
}

/// The rows of a file's sections, in the order the probe takes them: hostTopN rows after the
/// host tables, channels before their filters, then buffers, events and alarms.
fn section_requests(
    (ether_stats, history, hosts): (&[EtherStatsRow], &[HistoryControlRow], &[HostControlRow]),
    (top_n, matrix): (&[HostTopNControlRow], &[MatrixControlRow]),
    (channels, filters, buffers): (&[ChannelRow], &[FilterRow], &[BufferControlRow]),
    (alarms, events): (&[AlarmRow], &[EventRow]),
) -> Result<Vec<RowRequest>, String> {
    let mut rows = requests(ether_stats, history, hosts, top_n, matrix)?;
    rows.extend(filter_requests(channels, filters)?);
    rows.extend(buffers.iter().map(BufferControlRow::request).collect::<Result<Vec<_>, _>>()?);
    rows.extend(alarm_event_requests(alarms, events)?);
    Ok(rows)
}

/// The event and alarm rows of a file (events first, though an alarm naming an event that does
/// not exist is no error: the MIB says no association exists then, and it fires nothing).
fn alarm_event_requests(alarm: &[AlarmRow], event: &[EventRow]) -> Result<Vec<RowRequest>, String> {
    let mut rows = Vec::new();
    for r in event {
        rows.push(RowRequest::Event {
            index: r.event_index,
            description: r.event_description.clone(),
            event_type: r.event_type,
            community: r.event_community.as_bytes().to_vec(),
            owner: Owner::new(&r.event_owner)?,
        });
    }
    for r in alarm {
        let variable = r.alarm_variable.parse().map_err(|e| {
            format!("alarm {}: alarmVariable must be a dotted OID such as 1.3.6.1.2.1.16.1.1.1.5.1: {e}", r.alarm_index)
        })?;
        rows.push(RowRequest::Alarm {
            index: r.alarm_index,
            config: AlarmConfig {
                interval: r.alarm_interval,
                variable,
                sample_type: r.alarm_sample_type,
                startup_alarm: r.alarm_startup_alarm,
                rising_threshold: r.alarm_rising_threshold,
                falling_threshold: r.alarm_falling_threshold,
                rising_event_index: r.alarm_rising_event_index,
                falling_event_index: r.alarm_falling_event_index,
            },
            owner: Owner::new(&r.alarm_owner)?,
        });
    }
    Ok(rows)
}

/// The rows of a file's sections; hostTopN rows come last, since a report names a host table,
/// which must exist by then.
fn requests(
    ether_stats: &[EtherStatsRow],
    history_control: &[HistoryControlRow],
    host_control: &[HostControlRow],
    host_top_n_control: &[HostTopNControlRow],
    matrix_control: &[MatrixControlRow],
) -> Result<Vec<RowRequest>, String> {
    let mut rows = Vec::new();
    let owner = |s: &str| Owner::new(s);
    for r in ether_stats {
        rows.push(RowRequest::EtherStats {
            index: r.ether_stats_index,
            data_source: r.ether_stats_data_source.resolve()?,
            owner: owner(&r.ether_stats_owner)?,
        });
    }
    for r in history_control {
        rows.push(RowRequest::History {
            index: r.history_control_index,
            data_source: r.history_control_data_source.resolve()?,
            interval: r.history_control_interval,
            buckets_requested: r.history_control_buckets_requested,
            owner: owner(&r.history_control_owner)?,
        });
    }
    for r in host_control {
        rows.push(RowRequest::Hosts {
            index: r.host_control_index,
            data_source: r.host_control_data_source.resolve()?,
            owner: owner(&r.host_control_owner)?,
        });
    }
    for r in matrix_control {
        rows.push(RowRequest::Matrix {
            index: r.matrix_control_index,
            data_source: r.matrix_control_data_source.resolve()?,
            owner: owner(&r.matrix_control_owner)?,
        });
    }
    for r in host_top_n_control {
        rows.push(RowRequest::HostTopN {
            index: r.host_top_n_control_index,
            host_index: r.host_top_n_host_index,
            rate_base: r.host_top_n_rate_base,
            time_remaining: r.host_top_n_time_remaining,
            requested_size: r.host_top_n_requested_size,
            owner: owner(&r.host_top_n_owner)?,
        });
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source() -> Vec<DataSourceInfo> {
        vec![DataSourceInfo {
            if_index: 1,
            name: "x".into(),
            descr: "x".into(),
            if_speed: 1,
            live: false,
            phys_address: Vec::new(),
        }]
    }

    #[test]
    fn empty_file_gives_the_defaults() {
        let c = Config::parse("").unwrap();
        assert_eq!(c.rows(&source()).unwrap(), RowRequest::defaults(&source()));
        assert_eq!(c.file_if_speed(), DEFAULT_FILE_IF_SPEED);
        assert_eq!(c.limits().unwrap(), Limits::default());
    }

    #[test]
    fn rows_add_and_replace() {
        let c = Config::parse(
            r#"
            [probe]
            if_speed = 100000000
            [limits]
            host_table_size = 500
            [[historyControl]]
            historyControlIndex = 1
            historyControlInterval = 10
            historyControlBucketsRequested = 360
            historyControlOwner = "noc"
            [[historyControl]]
            historyControlIndex = 9
            historyControlDataSource = "ifIndex.1"
            [[hostTopNControl]]
            hostTopNControlIndex = 1
            hostTopNRateBase = "hostTopNInPkts"
            hostTopNTimeRemaining = 60
            "#,
        )
        .unwrap();
        assert_eq!(c.file_if_speed(), 100_000_000);
        assert_eq!(c.limits().unwrap().host_table_size, 500);
        let rows = c.rows(&source()).unwrap();
        assert!(rows.contains(&RowRequest::History {
            index: 1,
            data_source: DataSource(1),
            interval: 10,
            buckets_requested: 360,
            owner: Owner::new("noc").unwrap()
        }));
        assert!(rows.contains(&RowRequest::History {
            index: 9,
            data_source: DataSource(1),
            interval: 1800,
            buckets_requested: 50,
            owner: Owner::monitor()
        }));
        assert!(matches!(
            rows.last(),
            Some(RowRequest::HostTopN { rate_base: RateBase::InPkts, time_remaining: 60, requested_size: 10, .. })
        ));
        // Replacing works because the probe takes rows in order.
        let p = crate::rmon::Probe::new(crate::rmon::Timestamp(0), source(), c.limits().unwrap(), &rows).unwrap();
        let t = p.tables(crate::rmon::Timestamp(0), &[]);
        let h: Vec<_> =
            t.history_control.iter().map(|h| (h.history_control_index, h.history_control_interval)).collect();
        assert_eq!(h, vec![(1, 10), (2, 1800), (9, 1800)]);
    }

    #[test]
    fn the_example_file_is_valid_and_complete() {
        let c = Config::parse(include_str!("../rmonprobe.example.toml")).unwrap();
        assert_eq!(c.limits().unwrap(), Limits::default(), "the example shows the default limits");
        assert_eq!(c.file_if_speed(), DEFAULT_FILE_IF_SPEED);
        let rows = c.rows(&source()).unwrap();
        let p = crate::rmon::Probe::new(crate::rmon::Timestamp(0), source(), c.limits().unwrap(), &rows).unwrap();
        let t = p.tables(crate::rmon::Timestamp(0), &[]);
        assert_eq!(t.ether_stats.len(), 2);
        assert_eq!(t.history_control.len(), 3);
        assert_eq!(t.host_control.len(), 2);
        assert_eq!(t.matrix_control.len(), 2);
        assert_eq!(t.host_top_n_control[0].host_top_n_time_remaining, 300);
        assert_eq!(t.channels.len(), 1);
        assert_eq!(t.filters.len(), 1);
        assert_eq!(t.filters[0].filter_pkt_data.0, [8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
        assert_eq!(t.event.len(), 2);
        assert_eq!(t.event[0].event_type, EventType::LogAndTrap);
        let a = &t.alarm[0];
        assert_eq!((a.alarm_index, a.alarm_interval, a.alarm_sample_type), (1, 10, SampleType::DeltaValue));
        assert_eq!(a.alarm_variable.to_string(), "1.3.6.1.2.1.16.1.1.1.5.1");
        assert_eq!((a.alarm_rising_event_index, a.alarm_falling_event_index), (1, 2));
        assert_eq!(c.snmp.write_community.as_deref(), Some("private"));
        assert_eq!(c.snmp.sys_name.as_deref(), Some("probe-1"));
        // Without a [snmp] section: public, no SET, the host name.
        let bare = Config::parse("").unwrap().snmp;
        assert_eq!((bare.community.as_str(), bare.write_community, bare.sys_name), ("public", None, None));
    }

    #[test]
    fn alarm_and_event_rows_with_defaults() {
        let c = Config::parse(
            r#"
            [[alarm]]
            alarmIndex = 4
            alarmInterval = 30
            alarmVariable = ".1.3.6.1.2.1.2.2.1.10.1"
            alarmSampleType = "absoluteValue"
            alarmRisingThreshold = 10
            alarmFallingThreshold = 5
            [[event]]
            eventIndex = 9
            eventType = "snmptrap"
            "#,
        )
        .unwrap();
        let rows = c.rows(&source()).unwrap();
        let alarm = RowRequest::Alarm {
            index: 4,
            config: AlarmConfig {
                interval: 30,
                variable: "1.3.6.1.2.1.2.2.1.10.1".parse().unwrap(),
                sample_type: SampleType::AbsoluteValue,
                startup_alarm: StartupAlarm::RisingOrFallingAlarm,
                rising_threshold: 10,
                falling_threshold: 5,
                rising_event_index: 0,
                falling_event_index: 0,
            },
            owner: Owner::monitor(),
        };
        let event = RowRequest::Event {
            index: 9,
            description: String::new(),
            event_type: EventType::SnmpTrap,
            community: b"public".to_vec(),
            owner: Owner::monitor(),
        };
        assert!(rows.contains(&alarm) && rows.contains(&event));
        // They go through the state file's sections and back.
        let sections = RowSections::from_requests(&[alarm.clone(), event.clone()]);
        assert_eq!(sections.requests().unwrap(), vec![event, alarm]);

        let e = Config::parse("[[alarm]]\nalarmIndex = 1\nalarmInterval = 1\nalarmVariable = \"ifInOctets.1\"\nalarmSampleType = \"deltaValue\"\nalarmRisingThreshold = 2\nalarmFallingThreshold = 1\n")
            .unwrap()
            .rows(&source())
            .unwrap_err().to_string();
        assert!(e.contains("alarm 1: alarmVariable must be a dotted OID"), "{e}");
        let e = Config::parse("[[event]]\neventIndex = 1\neventType = \"email\"\n").unwrap_err().to_string();
        assert!(e.contains("email"), "{e}");
    }

    #[test]
    fn mistakes_are_named() {
        let e = Config::parse("[[historyControl]]\nhistoryControlIndx = 3\n").unwrap_err().to_string();
        assert!(e.contains("historyControlIndx"), "{e}");
        let e = Config::parse("[[historyControl]]\nhistoryControlIndex = 3\nhistoryControlBucketsRequested = 70000\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("historyControlBucketsRequested") || e.contains("70000"), "{e}");
        let c = Config::parse("[limits]\nhost_table_size = 70000\n").unwrap();
        assert!(c.limits().unwrap_err().to_string().contains("65535"));
        let c = Config::parse("[[etherStats]]\netherStatsIndex = 2\netherStatsDataSource = \"eth0\"\n").unwrap();
        assert!(c.rows(&source()).unwrap_err().to_string().contains("eth0"));
        let e = Config::parse("[[filter]]\nfilterIndex = 1\nfilterChannelIndex = 1\nfilterPktData = \"0x08\"\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("hex octets"), "{e}");
        let e = Config::parse("[[filter]]\nfilterIndex = 1\nfilterChannelIndex = 1\nfilterPktDataOffset = -1\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("filterPktDataOffset") || e.contains("-1"), "{e}");
        let e =
            Config::parse("[[channel]]\nchannelIndex = 1\nchannelAcceptType = \"matched\"\n").unwrap_err().to_string();
        assert!(e.contains("acceptMatched"), "{e}");
        let c = Config::parse("[probe]\ndefault_rows = false\n").unwrap();
        assert!(c.rows(&source()).unwrap().is_empty());
    }
}
