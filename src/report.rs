//! The JSON report: every RMON table under its RMON-MIB name, each row an object keyed by the
//! MIB's column names, counters as exact 64-bit values, MAC addresses as `aa:bb:cc:dd:ee:ff`, OIDs
//! as dotted strings, enumerations by their MIB names (README, "JSON report").
//!
//! What is not in the MIB (the files read, warnings) sits under the `rmonprobe` key.

use std::io::{self, Write};

use serde::Serialize;

use crate::live::LiveRun;
use crate::replay::Replay;
use crate::rmon::{DataSourceInfo, RmonTables};

/// The report document.
#[derive(Serialize)]
pub struct Report<'a> {
    pub rmonprobe: Meta,
    #[serde(flatten)]
    pub tables: &'a RmonTables,
}

/// What the probe says about the run itself.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Meta {
    pub version: &'static str,
    pub command: &'static str,
    /// The data sources, as ifTable would show them.
    pub interfaces: Vec<InterfaceMeta>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub files: Vec<FileMeta>,
    /// Live: what each capture did, with the kernel's drop figures.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub captures: Vec<CaptureMeta>,
    /// Frames counted.
    pub frames: u64,
    /// Epoch seconds with nanoseconds, as capture tools print them.
    pub first_frame_time: Option<String>,
    pub last_frame_time: Option<String>,
    /// sysUpTime at the end, in TimeTicks.
    pub sys_up_time: u64,
    pub warnings: Vec<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct InterfaceMeta {
    pub if_index: u32,
    pub if_name: String,
    pub if_descr: String,
    pub if_speed: u64,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FileMeta {
    pub path: String,
    pub frames: u64,
    pub other_link_frames: u64,
    pub damage: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CaptureMeta {
    pub interface: String,
    pub if_index: u32,
    pub engine: String,
    /// Frames counted.
    pub frames: u64,
    /// The kernel's figures: frames its capture layer received, dropped for want of room, and
    /// dropped by the interface before capture.
    pub received: u64,
    pub dropped: u64,
    pub if_dropped: u64,
    /// Drop events counted into etherStatsDropEvents.
    pub drop_events: u64,
    pub reopens: u64,
    pub error: Option<String>,
}

fn interfaces(sources: &[DataSourceInfo]) -> Vec<InterfaceMeta> {
    sources
        .iter()
        .map(|s| InterfaceMeta {
            if_index: s.if_index,
            if_name: s.name.clone(),
            if_descr: s.descr.clone(),
            if_speed: s.if_speed,
        })
        .collect()
}

impl Meta {
    pub fn of_live(run: &LiveRun) -> Meta {
        Meta {
            version: env!("CARGO_PKG_VERSION"),
            command: "run",
            interfaces: interfaces(run.probe.sources()),
            files: Vec::new(),
            captures: run
                .sources
                .iter()
                .map(|c| CaptureMeta {
                    interface: c.interface.clone(),
                    if_index: c.if_index,
                    engine: c.describe.clone(),
                    frames: c.frames,
                    received: c.stats.received,
                    dropped: c.stats.dropped,
                    if_dropped: c.stats.if_dropped,
                    drop_events: c.drop_events,
                    reopens: c.reopens,
                    error: c.error.clone(),
                })
                .collect(),
            frames: run.frames(),
            first_frame_time: Some(run.start.to_string()),
            last_frame_time: Some(run.end.to_string()),
            sys_up_time: run.probe.sys_up_time(run.end),
            warnings: run
                .sources
                .iter()
                .filter_map(|c| c.error.as_ref().map(|e| format!("{}: capture ended early: {e}", c.interface)))
                .collect(),
        }
    }

    pub fn of_replay(replay: &Replay) -> Meta {
        Meta {
            version: env!("CARGO_PKG_VERSION"),
            command: "replay",
            interfaces: interfaces(replay.probe.sources()),
            files: replay
                .files
                .iter()
                .map(|f| FileMeta {
                    path: f.path.display().to_string(),
                    frames: f.frames,
                    other_link_frames: f.other_link_frames,
                    damage: f.damage.as_ref().map(|d| d.to_string()),
                })
                .collect(),
            captures: Vec::new(),
            frames: replay.frames,
            first_frame_time: replay.first_time.map(|t| t.to_string()),
            last_frame_time: replay.last_time.map(|t| t.to_string()),
            sys_up_time: replay.probe.sys_up_time(replay.end_time()),
            warnings: replay.warnings(),
        }
    }
}

/// Writes the report: indented for a person at a terminal (`pretty`), compact otherwise (a
/// report of a busy link runs to tens of megabytes; `jq .` indents it when wanted).
pub fn write_json(out: impl Write, meta: Meta, tables: &RmonTables, pretty: bool) -> io::Result<()> {
    let mut out = io::BufWriter::with_capacity(1 << 16, out);
    let report = Report { rmonprobe: meta, tables };
    if pretty {
        serde_json::to_writer_pretty(&mut out, &report)?;
    } else {
        // The same document as `serde_json::to_writer(&report)`, the tables written by their
        // schemas' own writer: the bulk of a busy link's report.
        out.write_all(b"{\"rmonprobe\":")?;
        serde_json::to_writer(&mut out, &report.rmonprobe)?;
        tables.write_json_members(&mut out)?;
        out.write_all(b"}")?;
    }
    out.write_all(b"\n")?;
    out.flush()
}
