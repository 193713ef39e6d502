//! The `--state` file: the control rows and system strings that managers set, kept across
//! restarts like an agent's persistent storage.
//!
//! The file holds the complete set of valid control rows, not the changes to the configuration:
//! a default row a manager deleted stays deleted after a restart. At start, the state file, when
//! present and sound, replaces the configuration's rows ([`startup_rows`]); the configuration
//! still gives the limits and ifSpeed. Rows under creation are not kept, and neither is any
//! data: a hostTopN report in progress is lost, and its row runs a report of the same duration
//! again from the probe's start (see [`Probe::persistent_rows`]).
//!
//! The rows are written as a configuration writes them (`[[etherStats]]`,
//! `[[historyControl]]`, ... keyed by the MIB column names), so the file reads like one and its
//! rows can be pasted into one. The system strings go under `[system]`.
//!
//! A save never leaves a partial file under the file's name: it writes `PATH.tmp`, syncs it,
//! renames it over PATH and syncs the directory. A file that cannot be parsed is set aside
//! ([`set_aside`]) so the probe starts with its configuration and the file is kept for a look.

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use crate::config::RowSections;
use crate::rmon::{ControlTable, DataSourceInfo, Probe, RowRequest};

/// What the state file keeps.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProbeState {
    /// The valid control rows, in an order [`Probe::new`] accepts.
    pub rows: Vec<RowRequest>,
    pub sys_contact: Option<String>,
    pub sys_name: Option<String>,
    pub sys_location: Option<String>,
    /// SNMPv3's engine ID and snmpEngineBoots (RFC 3414: boots grows at every start).
    pub engine: Option<EngineState>,
    /// Whether the rows and system strings were saved (a SET happened). A file written only to
    /// count the engine's boots leaves them to the configuration.
    pub rows_saved: bool,
}

impl Default for ProbeState {
    /// No rows, saved: a state where managers deleted every row.
    fn default() -> Self {
        ProbeState {
            rows: Vec::new(),
            sys_contact: None,
            sys_name: None,
            sys_location: None,
            engine: None,
            rows_saved: true,
        }
    }
}

/// `[snmpEngine]`: what SNMPv3 managers have learned of the agent and expect to stay.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EngineState {
    pub engine_id: Vec<u8>,
    pub boots: u32,
}

#[derive(Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct EngineSection {
    /// Hex.
    engine_id: String,
    engine_boots: u32,
    /// false: this file only counts the boots; the rows come from the configuration.
    #[serde(default = "saved", skip_serializing_if = "Clone::clone")]
    rows_saved: bool,
}

fn saved() -> bool {
    true
}

/// Why a state file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum StateError {
    /// The file exists but could not be read; it is left alone.
    #[error("{path}: cannot read the state file: {source}")]
    Io { path: String, source: io::Error },
    /// The file is not a state file this probe can read: set it aside and start without it.
    #[error("{path}: damaged state file, not used: {message}")]
    Damaged { path: String, message: String },
}

/// `[system]`: the writable strings of MIB-II's system group.
#[derive(Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct SystemSection {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    sys_contact: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    sys_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    sys_location: Option<String>,
}

impl SystemSection {
    fn is_empty(&self) -> bool {
        *self == SystemSection::default()
    }
}

const HEADER: &str = "\
# rmonprobe state: the valid control rows and system strings as managers left them.
# Written by the probe after each change; at start it replaces the configuration's rows.
# A row here reads like a row of the configuration file and can be pasted into one.
";

impl ProbeState {
    /// The state of `probe` (its valid rows), without system strings.
    pub fn of(probe: &Probe) -> ProbeState {
        ProbeState { rows: probe.persistent_rows(), ..ProbeState::default() }
    }

    /// The rows `sources` can carry, and a warning for each row left out: rows watching a data
    /// source the probe no longer has, and hostTopN rows whose host table is not kept.
    pub fn rows_for(&self, sources: &[DataSourceInfo]) -> (Vec<RowRequest>, Vec<String>) {
        let mut rows = Vec::new();
        let mut warnings = Vec::new();
        for row in &self.rows {
            match row.data_source() {
                Some(source) if !sources.iter().any(|s| s.if_index == source.if_index()) => warnings.push(format!(
                    "state file: {} watches {source}, which this probe does not have (ifIndex 1..{}); row left out",
                    describe(row),
                    sources.len()
                )),
                Some(_) => rows.push(row.clone()),
                None => {}
            }
        }
        let kept_hosts: Vec<u16> = rows
            .iter()
            .filter_map(|r| match r {
                RowRequest::Hosts { index, .. } => Some(*index),
                _ => None,
            })
            .collect();
        for row in &self.rows {
            if let RowRequest::HostTopN { host_index, .. } = row {
                if kept_hosts.contains(host_index) {
                    rows.push(row.clone());
                } else {
                    warnings.push(format!(
                        "state file: {} ranks hostControl {host_index}, which is not kept; row left out",
                        describe(row)
                    ));
                }
            }
        }
        // An nlMatrixTopN or alMatrixTopN report goes with the conversations it ranks.
        let kept_matrices: Vec<u16> = rows
            .iter()
            .filter_map(|r| match r {
                RowRequest::Rmon2 { table: ControlTable::HlMatrixControl, index, .. } => Some(*index),
                _ => None,
            })
            .collect();
        for row in &self.rows {
            if let RowRequest::NlMatrixTopN { matrix_index, .. } | RowRequest::AlMatrixTopN { matrix_index, .. } = row {
                if kept_matrices.contains(matrix_index) {
                    rows.push(row.clone());
                } else {
                    warnings.push(format!(
                        "state file: {} ranks hlMatrixControl {matrix_index}, which is not kept; row left out",
                        describe(row)
                    ));
                }
            }
        }
        // A filter goes with its channel.
        let kept_channels: Vec<u16> = rows
            .iter()
            .filter_map(|r| match r {
                RowRequest::Channel { index, .. } => Some(*index),
                _ => None,
            })
            .collect();
        for row in &self.rows {
            if let RowRequest::Filter { channel_index, .. } | RowRequest::BufferControl { channel_index, .. } = row {
                if kept_channels.contains(channel_index) {
                    rows.push(row.clone());
                } else {
                    warnings.push(format!(
                        "state file: {} belongs to channel {channel_index}, which is not kept; row left out",
                        describe(row)
                    ));
                }
            }
        }
        // Events, alarms, user histories and protocols watch no interface: always kept.
        rows.extend(
            self.rows
                .iter()
                .filter(|r| {
                    matches!(
                        r,
                        RowRequest::Event { .. }
                            | RowRequest::Alarm { .. }
                            | RowRequest::UsrHistory { .. }
                            | RowRequest::Protocol(_)
                    )
                })
                .cloned(),
        );
        (rows, warnings)
    }

    /// The file's contents: `[system]`, then the rows (`config/rows.rs`).
    fn to_file(&self) -> Result<toml::Table, String> {
        let system = SystemSection {
            sys_contact: self.sys_contact.clone(),
            sys_name: self.sys_name.clone(),
            sys_location: self.sys_location.clone(),
        };
        let mut doc = toml::Table::new();
        if let Some(engine) = &self.engine {
            let section = EngineSection {
                engine_id: engine.engine_id.iter().map(|b| format!("{b:02x}")).collect(),
                engine_boots: engine.boots,
                rows_saved: self.rows_saved,
            };
            doc.insert("snmpEngine".to_string(), toml::Value::try_from(&section).map_err(|e| e.to_string())?);
        }
        if !self.rows_saved {
            return Ok(doc);
        }
        if !system.is_empty() {
            doc.insert("system".to_string(), toml::Value::try_from(&system).map_err(|e| e.to_string())?);
        }
        RowSections::from_requests(&self.rows).write_to(&mut doc);
        Ok(doc)
    }

    fn from_file(mut doc: toml::Table) -> Result<ProbeState, String> {
        let engine: Option<EngineSection> = match doc.remove("snmpEngine") {
            Some(v) => Some(v.try_into().map_err(|e: toml::de::Error| format!("[snmpEngine]: {e}"))?),
            None => None,
        };
        let rows_saved = engine.as_ref().is_none_or(|e| e.rows_saved);
        let engine = match engine {
            Some(e) => Some(EngineState {
                engine_id: e
                    .engine_id
                    .parse::<crate::mib::tc::Octets>()
                    .map(|o| o.0)
                    .map_err(|why| format!("[snmpEngine] engineId: {why}"))?,
                boots: e.engine_boots,
            }),
            None => None,
        };
        let sections = RowSections::take_from(&mut doc)?;
        let system: SystemSection = match doc.remove("system") {
            Some(v) => v.try_into().map_err(|e: toml::de::Error| format!("[system]: {e}"))?,
            None => SystemSection::default(),
        };
        if let Some(key) = doc.keys().next() {
            return Err(format!("unknown section `{key}`"));
        }
        let rows = sections.requests()?;
        sections.check_complete()?;
        for row in &rows {
            row.check().map_err(|e| e.to_string())?;
        }
        Ok(ProbeState {
            rows,
            sys_contact: system.sys_contact,
            sys_name: system.sys_name,
            sys_location: system.sys_location,
            engine,
            rows_saved,
        })
    }
}

/// A row's table and index, as messages name it.
fn describe(row: &RowRequest) -> String {
    match row {
        RowRequest::EtherStats { index, .. } => format!("etherStats {index}"),
        RowRequest::History { index, .. } => format!("historyControl {index}"),
        RowRequest::Hosts { index, .. } => format!("hostControl {index}"),
        RowRequest::HostTopN { index, .. } => format!("hostTopNControl {index}"),
        RowRequest::Matrix { index, .. } => format!("matrixControl {index}"),
        RowRequest::Channel { index, .. } => format!("channel {index}"),
        RowRequest::Filter { index, .. } => format!("filter {index}"),
        RowRequest::BufferControl { index, .. } => format!("bufferControl {index}"),
        RowRequest::Alarm { index, .. } => format!("alarm {index}"),
        RowRequest::Event { index, .. } => format!("event {index}"),
        RowRequest::MediaIndependent { index, .. } => format!("mediaIndependent {index}"),
        RowRequest::Rmon2 { table, index, .. } => format!("{} {index}", table.name()),
        RowRequest::NlMatrixTopN { index, .. } => format!("nlMatrixTopNControl {index}"),
        RowRequest::AlMatrixTopN { index, .. } => format!("alMatrixTopNControl {index}"),
        RowRequest::UsrHistory { index, .. } => format!("usrHistoryControl {index}"),
        RowRequest::Protocol(p) => format!("protocol {}", p.name()),
    }
}

/// The rows to start with: the state file's when there is one (it replaces the configuration's
/// rows, defaults included), else the configuration's. Warnings name the state's rows left out.
pub fn startup_rows(
    config_rows: Vec<RowRequest>,
    state: Option<&ProbeState>,
    sources: &[DataSourceInfo],
) -> (Vec<RowRequest>, Vec<String>) {
    match state {
        Some(state) => state.rows_for(sources),
        None => (config_rows, Vec::new()),
    }
}

/// The text of a state file.
fn render(state: &ProbeState) -> io::Result<String> {
    let body = toml::to_string(&state.to_file().map_err(io::Error::other)?).map_err(io::Error::other)?;
    Ok(format!("{HEADER}\n{body}"))
}

/// Writes `state` to `path` so that `path` holds either the old file or the whole new one,
/// whenever the machine stops: the text goes to `PATH.tmp` in the same directory, is synced,
/// renamed over `path`, and the directory is synced so the rename itself lasts.
pub fn save(path: &Path, state: &ProbeState) -> io::Result<()> {
    let text = render(state)?;
    let tmp = sibling(path, ".tmp");
    let written = write_synced(&tmp, text.as_bytes()).and_then(|()| fs::rename(&tmp, path));
    if let Err(e) = written {
        // Best effort: the error that matters is the one reported.
        let _ = fs::remove_file(&tmp);
        return Err(e);
    }
    sync_directory(path)
}

fn write_synced(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut file = File::create(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

#[cfg(unix)]
fn sync_directory(path: &Path) -> io::Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    File::open(dir)?.sync_all()
}

#[cfg(not(unix))]
fn sync_directory(_: &Path) -> io::Result<()> {
    // Elsewhere a directory cannot be opened to sync it; the rename is as durable as it gets.
    Ok(())
}

/// `path` with `suffix` added to its file name.
fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(suffix);
    path.with_file_name(name)
}

/// Reads the state file at `path`: None if there is none, an error naming the file and what is
/// wrong if it cannot be used (then [`set_aside`] a damaged one and start from the
/// configuration).
pub fn load(path: &Path) -> Result<Option<ProbeState>, StateError> {
    let shown = path.display().to_string();
    let text = match fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) if e.kind() == io::ErrorKind::InvalidData => {
            return Err(StateError::Damaged { path: shown, message: "not UTF-8 text".to_string() });
        }
        Err(source) => return Err(StateError::Io { path: shown, source }),
    };
    let file: toml::Table =
        toml::from_str(&text).map_err(|e| StateError::Damaged { path: shown.clone(), message: e.to_string() })?;
    ProbeState::from_file(file).map(Some).map_err(|message| StateError::Damaged { path: shown, message })
}

/// Renames a damaged state file out of the way, to `PATH.damaged-<unix seconds>` (with `-2`,
/// `-3`, ... if that exists), and returns the new name, so the next save does not overwrite
/// what a person may want to look at.
pub fn set_aside(path: &Path) -> io::Result<PathBuf> {
    let secs = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let base = format!(".damaged-{secs}");
    let mut target = sibling(path, &base);
    let mut n = 1;
    while target.exists() {
        n += 1;
        target = sibling(path, &format!("{base}-{n}"));
    }
    fs::rename(path, &target)?;
    Ok(target)
}

#[cfg(test)]
mod tests;
