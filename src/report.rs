//! The JSON report: every RMON table under its RMON-MIB name, each row an object keyed by the
//! MIB's column names, counters as exact 64-bit values, MAC addresses as `aa:bb:cc:dd:ee:ff`, OIDs
//! as dotted strings, enumerations by their MIB names (README, "JSON report").
//!
//! What is not in the MIB (the files read, warnings) sits under the `rmonprobe` key.

use std::io::{self, Write};

use serde::Serialize;

use crate::replay::Replay;
use crate::rmon::RmonTables;

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
    pub files: Vec<FileMeta>,
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

impl Meta {
    pub fn of_replay(replay: &Replay) -> Meta {
        Meta {
            version: env!("CARGO_PKG_VERSION"),
            command: "replay",
            interfaces: replay
                .probe
                .sources()
                .iter()
                .map(|s| InterfaceMeta { if_index: s.if_index, if_descr: s.descr.clone(), if_speed: s.if_speed })
                .collect(),
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
        serde_json::to_writer(&mut out, &report)?;
    }
    out.write_all(b"\n")?;
    out.flush()
}
