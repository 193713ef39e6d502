//! Replay: capture files in, RMON tables out, with the packet timestamps as the probe's clock.
//!
//! The files are replayed in the order given as one data source (ifIndex 1). The probe starts at
//! the first frame (sysUpTime 0) and ends at the last one, so a replay gives the same figures
//! every time and, paced or not, the same figures a live probe would have shown.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::capture::batch::DEFAULT_BATCH_FRAMES;
use crate::capture::{Batch, CaptureFile, Damage, OpenError};
use crate::config::Config;
use crate::pipeline::{BatchSender, HANDOFF_DEPTH, Worker, hand_off};
use crate::rmon::{DataSourceInfo, Limits, Probe, RmonTables, RowRequest, Shard, Timestamp};

/// How fast to replay.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Speed {
    /// As fast as the machine can.
    Max,
    /// Paced by the timestamps, `factor` times real time (1.0: as captured).
    Factor(f64),
}

impl std::str::FromStr for Speed {
    type Err = String;

    /// `max`, `1x`, `10x`, `0.5x` or a bare factor.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s == "max" {
            return Ok(Speed::Max);
        }
        let n = s.strip_suffix('x').unwrap_or(s);
        match n.parse::<f64>() {
            Ok(f) if f.is_finite() && f > 0.0 => Ok(Speed::Factor(f)),
            _ => Err(format!("speed {s:?}: use max, 1x, or a factor such as 10x or 0.5")),
        }
    }
}

/// What to replay and how.
#[derive(Debug)]
pub struct ReplayOptions {
    pub files: Vec<PathBuf>,
    pub fcs_present: bool,
    pub speed: Speed,
    pub config: Config,
}

/// Why a replay could not run.
#[derive(Debug, thiserror::Error)]
pub enum ReplayError {
    #[error(transparent)]
    Open(#[from] OpenError),
    #[error("configuration: {0}")]
    Config(String),
    #[error("internal error: {0}")]
    Internal(String),
}

/// What became of one file.
#[derive(Clone, Debug)]
pub struct FileResult {
    pub path: PathBuf,
    /// Ethernet frames counted.
    pub frames: u64,
    /// Frames of a pcapng interface that is not Ethernet, skipped.
    pub other_link_frames: u64,
    pub damage: Option<Damage>,
}

/// The result of a replay: the probe, its data and how the reading went.
pub struct Replay {
    pub probe: Probe,
    pub shard: Shard,
    pub files: Vec<FileResult>,
    pub frames: u64,
    /// First and last frame time (the latter never before the former: time never goes back);
    /// None when no frame was read.
    pub first_time: Option<Timestamp>,
    pub last_time: Option<Timestamp>,
}

impl Replay {
    /// The probe's clock at the end: the last frame's time.
    pub fn end_time(&self) -> Timestamp {
        self.shard.now()
    }

    /// Every RMON table as it stands at the end of the replay.
    pub fn tables(&self) -> RmonTables {
        self.probe.tables(self.end_time(), &[&self.shard])
    }

    /// Human-readable warnings: damaged files, skipped frames.
    pub fn warnings(&self) -> Vec<String> {
        let mut w = Vec::new();
        for f in &self.files {
            if let Some(d) = &f.damage {
                w.push(d.to_string());
            }
            if f.other_link_frames > 0 {
                w.push(format!(
                    "{}: {} frame(s) on non-Ethernet interfaces were skipped",
                    f.path.display(),
                    f.other_link_frames
                ));
            }
        }
        w
    }
}

/// Keeps a replay at a multiple of real time.
struct Pacer {
    factor: f64,
    wall_start: Instant,
    first: Timestamp,
    /// Latest frame time so far: a frame stamped earlier is due at once (time never goes back).
    latest: Timestamp,
}

impl Pacer {
    /// Wall-clock time after the start at which a frame of `time` is due.
    fn due(&mut self, time: Timestamp) -> Duration {
        self.latest = self.latest.max(time);
        Duration::from_secs_f64(self.latest.since(self.first) as f64 / 1e9 / self.factor)
    }

    fn is_due(&mut self, time: Timestamp) -> bool {
        self.due(time) <= self.wall_start.elapsed()
    }

    fn wait_for(&mut self, time: Timestamp) {
        let due = self.due(time);
        let elapsed = self.wall_start.elapsed();
        if due > elapsed {
            std::thread::sleep(due - elapsed);
        }
    }
}

/// Replays the files. Every file is opened (and its header checked) before the first frame is
/// counted, so a wrong file among several fails at once instead of after minutes of replay.
pub fn replay(options: &ReplayOptions) -> Result<Replay, ReplayError> {
    let files =
        options.files.iter().map(|p| CaptureFile::open(p, options.fcs_present)).collect::<Result<Vec<_>, _>>()?;
    let if_index = 1;
    let sources =
        vec![DataSourceInfo { if_index, descr: describe(&options.files), if_speed: options.config.file_if_speed() }];
    let limits = options.config.limits().map_err(ReplayError::Config)?;
    let rows = options.config.rows(&sources).map_err(ReplayError::Config)?;
    // Refuse a bad configuration before reading anything.
    start_probe(Timestamp::default(), &sources, limits, &rows)?;

    // A reader thread fills batches while this thread counts them: the two halves of the work
    // run on two cores, and in order, so the result is the same as counting inline.
    let (batches, counted) = hand_off(HANDOFF_DEPTH);
    let speed = options.speed;
    let reader = std::thread::Builder::new()
        .name("rmonprobe-reader".into())
        .spawn(move || read_files(files, speed, if_index, &batches))
        .map_err(|e| ReplayError::Internal(format!("cannot start the reader thread: {e}")))?;
    let mut started: Option<(Probe, Worker)> = None;
    while let Some(batch) = counted.recv() {
        let Some(first) = batch.iter().next() else { continue };
        let (_, worker) = match &mut started {
            Some(s) => s,
            // The first frame fixes the probe's start: sysUpTime 0.
            None => started.insert(start_probe(first.time, &sources, limits, &rows)?),
        };
        worker.count(batch.iter());
        counted.recycle(batch);
    }
    let (files, seq) =
        reader.join().map_err(|_| ReplayError::Internal("the reader thread stopped unexpectedly".into()))?;
    let first_time = started.as_ref().map(|(p, _)| p.start());
    let (probe, worker) = match started {
        Some(s) => s,
        None => start_probe(Timestamp::default(), &sources, limits, &rows)?,
    };

    let results = files
        .iter()
        .map(|f| FileResult {
            path: f.path().to_path_buf(),
            frames: f.frames(),
            other_link_frames: f.other_link_frames(),
            damage: f.damage().cloned(),
        })
        .collect();
    let shard = worker.shard;
    let last_time = first_time.map(|_| shard.now());
    Ok(Replay { probe, shard, files: results, frames: seq, first_time, last_time })
}

/// The probe, started at `start`, and a worker set up to count for its rows.
fn start_probe(
    start: Timestamp,
    sources: &[DataSourceInfo],
    limits: Limits,
    rows: &[RowRequest],
) -> Result<(Probe, Worker), ReplayError> {
    let probe = Probe::new(start, sources.to_vec(), limits, rows).map_err(|e| ReplayError::Config(e.to_string()))?;
    let mut worker = Worker::new(Shard::new(sources.len() as u32, start));
    for command in probe.shard_setup() {
        worker.shard.apply(&command);
    }
    Ok((probe, worker))
}

/// Reads every file in order into batches for the worker. Paced, a frame is handed over when
/// its time comes (and the batch it joins goes out before any wait, so no frame is held back);
/// otherwise as fast as the files can be read. Returns the files, for their results, and the
/// number of frames read.
fn read_files(mut files: Vec<CaptureFile>, speed: Speed, if_index: u32, out: &BatchSender) -> (Vec<CaptureFile>, u64) {
    let mut seq = 0u64;
    let mut pacer: Option<Pacer> = None;
    let mut batch = out.empty_batch();
    // Hands the batch over (when it holds anything) and starts a new one; false once the worker
    // has gone.
    let hand_over = |batch: &mut Batch| batch.is_empty() || out.send(std::mem::replace(batch, out.empty_batch()));
    'files: for file in &mut files {
        while !file.finished() {
            let Speed::Factor(factor) = speed else {
                file.read_batch(&mut batch, DEFAULT_BATCH_FRAMES, &mut seq, if_index);
                if !hand_over(&mut batch) {
                    break 'files;
                }
                continue;
            };
            let frames = file.read_frames(DEFAULT_BATCH_FRAMES, &mut seq, if_index);
            for frame in frames.iter() {
                let pacer = pacer.get_or_insert(Pacer {
                    factor,
                    wall_start: Instant::now(),
                    first: frame.time,
                    latest: frame.time,
                });
                if !pacer.is_due(frame.time) {
                    if !hand_over(&mut batch) {
                        break 'files;
                    }
                    pacer.wait_for(frame.time);
                }
                batch.push(frame.data, frame.orig_len, frame.time, frame.fcs, frame.seq, frame.if_index);
            }
            if !hand_over(&mut batch) {
                break 'files;
            }
        }
    }
    (files, seq)
}

/// ifDescr of the replayed data source.
fn describe(files: &[PathBuf]) -> String {
    let names: Vec<String> = files.iter().map(|p| p.display().to_string()).collect();
    format!("replay of {}", names.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn speed_forms() {
        assert_eq!("max".parse::<Speed>(), Ok(Speed::Max));
        assert_eq!("1x".parse::<Speed>(), Ok(Speed::Factor(1.0)));
        assert_eq!("2.5".parse::<Speed>(), Ok(Speed::Factor(2.5)));
        assert!("0x".parse::<Speed>().is_err());
        assert!("fast".parse::<Speed>().is_err());
        assert!("-1".parse::<Speed>().is_err());
    }
}
