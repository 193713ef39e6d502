//! The TOML configuration: control rows to add to (or replace among) the defaults, the data
//! source's speed and the table size limits.
//!
//! Row keys are the RMON-MIB column names, so a row in the file reads like the row a manager
//! would create with SET. See `rmonprobe.example.toml` for every key.

use std::path::Path;

use serde::Deserialize;

use crate::mib::schema::TimeFilterWalk;
use crate::packet::tunnel::DecapKinds;
use crate::rmon::hosts::MAX_HOST_TABLE_SIZE;
use crate::rmon::probe::{DataSourceInfo, Limits, RowRequest};

mod protocols;
mod rows;
pub use rows::{FileRow, RowSections};

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

/// The whole configuration file: `[probe]`, `[limits]`, `[snmp]` and the control rows
/// (`[[etherStats]]`, ... under the RMON-MIB names; see `config/rows.rs`).
#[derive(Debug, Default, PartialEq)]
pub struct Config {
    pub probe: ProbeSection,
    pub limits: LimitsSection,
    pub snmp: SnmpSection,
    pub rows: RowSections,
}

/// The sections a file may have besides the control rows.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Settings {
    #[serde(default)]
    probe: ProbeSection,
    #[serde(default)]
    limits: LimitsSection,
    #[serde(default)]
    snmp: SnmpSection,
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
    /// Remote mirrors to open, as `--decap` names them (`["vxlan", "erspan"]`, `["auto"]`);
    /// `--decap` adds to these.
    #[serde(default)]
    pub decap: Vec<String>,
    /// `--dedup MS`: a frame seen again on its data source within MS milliseconds counts once.
    pub dedup_ms: Option<u64>,
}

impl Default for ProbeSection {
    fn default() -> Self {
        ProbeSection { default_rows: true, if_speed: None, decap: Vec::new(), dedup_ms: None }
    }
}

/// The longest `--dedup` window: copies of one frame arrive microseconds to milliseconds apart.
pub const MAX_DEDUP_MS: u64 = 10_000;

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
    /// How a walk crosses RMON2's TimeFilter indexes: `"one-pass"` (the default: a plain walk
    /// reads each row once) or `"strict"` (on through every timemark, as RFC 4502 reads).
    #[serde(default)]
    pub time_filter: TimeFilterWalk,
    /// Whether communities give access at all (v1 and v2c); false: SNMPv3 users only.
    #[serde(default = "yes")]
    pub v1v2c: bool,
    /// SNMPv3's engine ID in hex (RFC 3411 SnmpEngineID, 5 to 32 octets); default: one made
    /// once and kept in the `--state` file.
    pub engine_id: Option<String>,
    /// SNMPv3 users (`[[snmp.users]]`).
    #[serde(default)]
    pub users: Vec<UserSection>,
}

/// `[[snmp.users]]`: one SNMPv3 user (USM, RFC 3414) and what it may do.
#[derive(Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct UserSection {
    pub name: String,
    /// MD5, SHA, SHA-224, SHA-256, SHA-384 or SHA-512; none: noAuthNoPriv.
    pub auth_protocol: Option<String>,
    /// At least 8 characters (RFC 3414 11.2).
    pub auth_password: Option<String>,
    /// AES (AES-128-CFB, RFC 3826); none: no privacy. DES is refused.
    pub priv_protocol: Option<String>,
    pub priv_password: Option<String>,
    /// `read` (the default) or `write`.
    #[serde(default = "read_access")]
    pub access: String,
    /// The subtrees the user sees (VACM views, RFC 3415), dotted numeric OIDs; none: everything
    /// the agent serves.
    #[serde(default)]
    pub views: Vec<String>,
}

impl std::fmt::Debug for UserSection {
    /// The passwords stay out of every log line.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UserSection")
            .field("name", &self.name)
            .field("auth_protocol", &self.auth_protocol)
            .field("priv_protocol", &self.priv_protocol)
            .field("access", &self.access)
            .field("views", &self.views)
            .finish_non_exhaustive()
    }
}

fn read_access() -> String {
    "read".to_string()
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
            time_filter: TimeFilterWalk::default(),
            v1v2c: true,
            engine_id: None,
            users: Vec::new(),
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
    /// RMON2: entries per hlHostControl, hlMatrixControl and addressMapControl row.
    pub nl_host_table_size: Option<usize>,
    pub nl_matrix_table_size: Option<usize>,
    pub address_map_size: Option<usize>,
    /// Passive TCP latency per data source and worker: servers, pairs and connections kept
    /// (`tcp_latency_connections = 0` turns it off).
    pub tcp_latency_servers: Option<usize>,
    pub tcp_latency_pairs: Option<usize>,
    pub tcp_latency_connections: Option<usize>,
    /// Remote mirror sessions made data sources at most (`--decap`).
    pub tunnel_sources: Option<usize>,
}

impl Config {
    /// Reads and checks a configuration file.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Io { path: shown.clone(), source })?;
        let config =
            Config::parse(&text).map_err(|e| ConfigError::Parse { path: shown.clone(), message: e.to_string() })?;
        config.limits().map_err(|e| ConfigError::Invalid { path: shown.clone(), message: e.to_string() })?;
        config.decap_kinds().map_err(|e| ConfigError::Invalid { path: shown, message: e.to_string() })?;
        Ok(config)
    }

    /// Parses configuration text.
    pub fn parse(text: &str) -> Result<Config, ConfigProblem> {
        let mut doc: toml::Table = toml::from_str(text).map_err(|e| ConfigProblem::Syntax(e.to_string()))?;
        let rows = RowSections::take_from(&mut doc).map_err(ConfigProblem::Rows)?;
        let settings: Settings =
            toml::Value::Table(doc).try_into().map_err(|e: toml::de::Error| ConfigProblem::Syntax(e.to_string()))?;
        Ok(Config { probe: settings.probe, limits: settings.limits, snmp: settings.snmp, rows })
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
        for (name, given, limit) in [
            ("nl_host_table_size", self.limits.nl_host_table_size, &mut limits.nl_host_table_size),
            ("nl_matrix_table_size", self.limits.nl_matrix_table_size, &mut limits.nl_matrix_table_size),
            ("address_map_size", self.limits.address_map_size, &mut limits.address_map_size),
        ] {
            if let Some(n) = given {
                if n == 0 || n > i32::MAX as usize {
                    return Err(format!("limits.{name} = {n}: must be 1..{}", i32::MAX));
                }
                *limit = n;
            }
        }
        if let Some(n) = self.limits.tunnel_sources {
            if n > 65_535 {
                return Err(format!("limits.tunnel_sources = {n}: must be 0..65535"));
            }
            limits.tunnel_sources = n;
        }
        if let Some(ms) = self.probe.dedup_ms {
            if ms > MAX_DEDUP_MS {
                return Err(format!("probe.dedup_ms = {ms}: must be 0..{MAX_DEDUP_MS}"));
            }
            limits.dedup_window_ns = ms * 1_000_000;
        }
        let latency = &mut limits.tcp_latency;
        for (name, given, limit, least) in [
            ("tcp_latency_servers", self.limits.tcp_latency_servers, &mut latency.servers, 1),
            ("tcp_latency_pairs", self.limits.tcp_latency_pairs, &mut latency.pairs, 1),
            ("tcp_latency_connections", self.limits.tcp_latency_connections, &mut latency.connections, 0),
        ] {
            if let Some(n) = given {
                if n < least || n > 1 << 24 {
                    return Err(format!("limits.{name} = {n}: must be {least}..{}", 1 << 24));
                }
                *limit = n;
            }
        }
        Ok(limits)
    }

    /// The remote mirrors to open (`[probe] decap`; `--decap` adds to it).
    pub fn decap_kinds(&self) -> Result<DecapKinds, ConfigProblem> {
        let mut kinds = DecapKinds::default();
        for name in &self.probe.decap {
            kinds.add(name).map_err(|e| ConfigProblem::Limits(format!("probe.decap: {e}")))?;
        }
        Ok(kinds)
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
        rows.extend(self.rows.requests().map_err(ConfigProblem::Rows)?);
        Ok(rows)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rmon::alarm::{AlarmConfig, SampleType, StartupAlarm};
    use crate::rmon::control::{DataSource, Owner};
    use crate::rmon::event::EventType;
    use crate::rmon::topn::RateBase;

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
    fn remote_mirrors_and_dedup() {
        let c = Config::parse(
            "[probe]\ndecap = [\"vxlan:8472\", \"erspan\"]\ndedup_ms = 5\n[limits]\ntunnel_sources = 3\n",
        )
        .unwrap();
        let kinds = c.decap_kinds().unwrap();
        assert_eq!((kinds.vxlan_ports.as_slice(), kinds.erspan, kinds.gre), (&[8472][..], true, false));
        let limits = c.limits().unwrap();
        assert_eq!((limits.tunnel_sources, limits.dedup_window_ns), (3, 5_000_000));
        assert!(Config::parse("[probe]\ndecap = [\"mpls\"]\n").unwrap().decap_kinds().is_err());
        assert!(Config::parse("[probe]\ndedup_ms = 10001\n").unwrap().limits().is_err());
        assert!(Config::parse("[limits]\ntunnel_sources = 70000\n").unwrap().limits().is_err());
        assert!(!Config::default().decap_kinds().unwrap().any());
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
        let u = &t.usr_history_control[0];
        assert_eq!((u.usr_history_control_objects, u.usr_history_control_interval), (Some(2), 30));
        let objects: Vec<_> = t
            .usr_history_object
            .iter()
            .map(|o| (o.usr_history_object_variable.to_string(), o.usr_history_object_sample_type))
            .collect();
        assert_eq!(
            objects,
            vec![
                ("1.3.6.1.2.1.16.1.1.1.5.1".to_string(), Some(SampleType::DeltaValue)),
                ("1.3.6.1.2.1.2.2.1.10.1".to_string(), Some(SampleType::AbsoluteValue)),
            ]
        );
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
        // A user history without objects, with a misspelt or missing object key, with a count
        // that is not the objects', or an object on another table.
        let usr = "[[usrHistoryControl]]\nusrHistoryControlIndex = 1\n";
        let object = "[[usrHistoryControl.objects]]\nusrHistoryObjectVariable = \"1.3.6.1.2.1.16.1.1.1.5.1\"\n";
        let e = Config::parse(usr).unwrap_err().to_string();
        assert!(e.contains("[[usrHistoryControl.objects]]"), "{e}");
        let e = Config::parse(&format!("{usr}{object}usrHistoryObjectSampleTyp = \"deltaValue\"\n"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("usrHistoryObjectSampleTyp") && e.contains("object 1"), "{e}");
        let e = Config::parse(&format!("{usr}{object}")).unwrap_err().to_string();
        assert!(e.contains("usrHistoryObjectSampleType is missing"), "{e}");
        let complete = format!("{object}usrHistoryObjectSampleType = \"deltaValue\"\n");
        let c = Config::parse(&format!("{usr}usrHistoryControlObjects = 2\n{complete}")).unwrap();
        let e = c.rows(&source()).unwrap_err().to_string();
        assert!(e.contains("usrHistoryControlObjects must be the number of objects given, 1"), "{e}");
        let e = Config::parse("[[alarm]]\nalarmIndex = 1\n[[alarm.objects]]\n").unwrap_err().to_string();
        assert!(e.contains("only usrHistoryControl rows have objects"), "{e}");
        assert!(Config::parse(&format!("{usr}{complete}")).unwrap().rows(&source()).is_ok());
        // Protocols: an identifier that is neither octets nor a known name, a misspelt key, a
        // parent that is not extensible, a table the probe cannot keep for the protocol.
        let e = Config::parse("[[protocol]]\nprotocolDirID = \"ether2.ip.sctp.80\"\n").unwrap_err().to_string();
        assert!(e.contains("ether2.ip.tcp.8443"), "{e}");
        let e = Config::parse("[[protocol]]\nprotocolDirID = \"0.0.0.1.0.0\"\n").unwrap_err().to_string();
        assert!(e.contains("four octets per layer"), "{e}");
        let e = Config::parse("[[protocol]]\nprotocolDirID = \"ether2.ip.tcp.8443\"\nprotocolDirHost = 3\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("`protocolDirHost`") && e.contains("protocolDirHostConfig"), "{e}");
        let c = Config::parse("[[protocol]]\nprotocolDirID = \"ether2.arp.5\"\n").unwrap();
        let e = c.rows(&source()).map(|rows| {
            crate::rmon::Probe::new(crate::rmon::Timestamp(0), source(), Limits::default(), &rows).map(|_| ())
        });
        assert!(matches!(&e, Ok(Err(e)) if e.to_string().contains("ether2.arp is not extensible")), "{e:?}");
        let c = Config::parse(
            "[[protocol]]\nprotocolDirID = \"ether2.ip.tcp.www-http\"\nprotocolDirAddressMapConfig = \"supportedOn\"\n",
        )
        .unwrap();
        let rows = c.rows(&source()).unwrap();
        let e = crate::rmon::Probe::new(crate::rmon::Timestamp(0), source(), Limits::default(), &rows).unwrap_err();
        assert!(e.to_string().contains("cannot make it supportedOn"), "{e}");
    }
}
