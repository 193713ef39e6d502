//! Replay: capture files in, RMON tables out, with the packet timestamps as the probe's clock.
//!
//! The files are replayed in the order given as one data source (ifIndex 1). The probe starts at
//! the first frame (sysUpTime 0) and ends at the last one, so a replay gives the same figures
//! every time and, paced or not, the same figures a live probe would have shown.

use std::net::UdpSocket;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, RecvTimeoutError};

use crate::capture::batch::DEFAULT_BATCH_FRAMES;
use crate::capture::{Batch, CaptureFile, Damage, OpenError};
use crate::config::Config;
use crate::pipeline::control::{self, ControlPlane, ProbeClock, WorkerRequest};
use crate::pipeline::{BatchSender, HANDOFF_DEPTH, Next, Worker, hand_off};
use crate::rmon::{DataSourceInfo, Limits, Probe, RmonTables, RowRequest, Shard, Timestamp};
use crate::snmp::udp::Shell;
use crate::snmp::{Agent, AgentConfig};
use crate::state::{self, ProbeState};

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
    /// The SNMP agent, when one was asked for.
    agent: Option<RunningAgent>,
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

    /// Ends the agent. With `serve`, it first goes on answering from the final tables until
    /// SIGINT or SIGTERM; managers may still create rows, which then count nothing more: the
    /// probe's clock stays at the last frame.
    pub fn finish_agent(&mut self) -> Result<(), ReplayError> {
        let Some(agent) = self.agent.take() else { return Ok(()) };
        if agent.serve {
            for signal in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
                signal_hook::flag::register(signal, Arc::clone(&agent.stop))
                    .map_err(|e| ReplayError::Internal(format!("cannot catch signal {signal}: {e}")))?;
            }
            while !agent.stop.load(Ordering::Relaxed) {
                match agent.requests.recv_timeout(Duration::from_millis(100)) {
                    Ok(request) => control::answer(&mut self.shard, request),
                    Err(RecvTimeoutError::Timeout) => {}
                    Err(RecvTimeoutError::Disconnected) => break,
                }
            }
        }
        agent.stop.store(true, Ordering::Relaxed);
        agent.thread.join().map_err(|_| ReplayError::Internal("the SNMP agent stopped unexpectedly".into()))
    }
}

/// An SNMP agent for a replay: where it listens and how it answers.
pub struct AgentSetup {
    /// The bound socket (bound before the replay starts, so a busy port fails at once).
    pub socket: UdpSocket,
    pub config: AgentConfig,
    /// Where SET changes are saved (`--state`).
    pub state: Option<PathBuf>,
    /// What the state file held: its rows replace the configuration's.
    pub restored: Option<ProbeState>,
    /// Keep answering after the files end (`--serve`).
    pub serve: bool,
}

/// The agent thread of a replay and the channel it reads the worker through.
struct RunningAgent {
    thread: std::thread::JoinHandle<()>,
    stop: Arc<AtomicBool>,
    requests: Receiver<WorkerRequest>,
    serve: bool,
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
    run(options, None)
}

/// Replays the files with an SNMP agent answering from the tables as they fill.
pub fn replay_with_agent(options: &ReplayOptions, agent: AgentSetup) -> Result<Replay, ReplayError> {
    run(options, Some(agent))
}

fn run(options: &ReplayOptions, agent: Option<AgentSetup>) -> Result<Replay, ReplayError> {
    let mut files =
        options.files.iter().map(|p| CaptureFile::open(p, options.fcs_present)).collect::<Result<Vec<_>, _>>()?;
    let if_index = 1;
    let sources = vec![DataSourceInfo {
        if_index,
        name: "replay".into(),
        descr: describe(&options.files),
        if_speed: options.config.file_if_speed(),
        live: false,
    }];
    let limits = options.config.limits().map_err(ReplayError::Config)?;
    let configured = options.config.rows(&sources).map_err(ReplayError::Config)?;
    let (rows, warnings) = state::startup_rows(configured, agent.as_ref().and_then(|a| a.restored.as_ref()), &sources);
    for warning in warnings {
        eprintln!("rmonprobe: warning: {warning}");
    }
    // Refuse a bad configuration before reading anything.
    start_probe(Timestamp::default(), &sources, limits, &rows)?;

    // The first frame fixes the probe's start (sysUpTime 0), so it is read before anything
    // starts; it is counted first.
    let mut seq = 0u64;
    let mut first = Batch::with_capacity(1);
    for file in &mut files {
        while first.is_empty() && !file.finished() {
            file.read_batch(&mut first, 1, &mut seq, if_index);
        }
        if !first.is_empty() {
            break;
        }
    }
    let first_time = first.iter().next().map(|f| f.time);
    let (probe, mut worker) = start_probe(first_time.unwrap_or_default(), &sources, limits, &rows)?;
    let clock = ProbeClock::new(probe.start());
    let probe = Arc::new(Mutex::new(probe));
    let (to_worker, mut requests) = control::requests();
    let agent = agent.map(|a| start_agent(a, ControlPlane::new(Arc::clone(&probe), vec![to_worker]), clock.clone()));
    let agent = agent.transpose()?;

    // A reader thread fills batches while this thread counts them: the two halves of the work
    // run on two cores, and in order, so the result is the same as counting inline.
    let (batches, counted) = hand_off(HANDOFF_DEPTH);
    let speed = options.speed;
    if !first.is_empty() {
        batches.send(first);
    }
    let reader = std::thread::Builder::new()
        .name("rmonprobe-reader".into())
        .spawn(move || read_files(files, speed, if_index, &batches, seq, first_time))
        .map_err(|e| ReplayError::Internal(format!("cannot start the reader thread: {e}")))?;
    loop {
        match counted.next(&requests) {
            Next::Batch(batch) => {
                worker.count(batch.iter());
                clock.set(worker.shard.now());
                counted.recycle(batch);
            }
            Next::Request(request) => control::answer(&mut worker.shard, request),
            Next::NoMoreRequests => requests = crossbeam_channel::never(),
            Next::Done => break,
        }
    }
    let (files, seq) =
        reader.join().map_err(|_| ReplayError::Internal("the reader thread stopped unexpectedly".into()))?;

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
    let probe = probe.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).clone();
    let agent = agent.map(|(thread, stop, serve)| RunningAgent { thread, stop, requests, serve });
    Ok(Replay { probe, shard, files: results, frames: seq, first_time, last_time, agent })
}

/// Starts the agent thread: the UDP shell around the agent core, the probe behind `control`.
fn start_agent(
    setup: AgentSetup,
    control: ControlPlane,
    clock: ProbeClock,
) -> Result<(std::thread::JoinHandle<()>, Arc<AtomicBool>, bool), ReplayError> {
    let stop = Arc::new(AtomicBool::new(false));
    let shell = Shell { socket: setup.socket, state: setup.state, stop: Arc::clone(&stop) };
    let mut agent = Agent::new(setup.config, control);
    let thread = std::thread::Builder::new()
        .name("rmonprobe-snmp".into())
        .spawn(move || shell.serve(&mut agent, || clock.now()))
        .map_err(|e| ReplayError::Internal(format!("cannot start the SNMP agent thread: {e}")))?;
    Ok((thread, stop, setup.serve))
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

/// Reads every file in order into batches for the worker, after the first `seq` frames already
/// read (the first of them at `first_time`, where pacing starts). Paced, a frame is handed over when
/// its time comes (and the batch it joins goes out before any wait, so no frame is held back);
/// otherwise as fast as the files can be read. Returns the files, for their results, and the
/// number of frames read.
fn read_files(
    mut files: Vec<CaptureFile>,
    speed: Speed,
    if_index: u32,
    out: &BatchSender,
    mut seq: u64,
    first_time: Option<Timestamp>,
) -> (Vec<CaptureFile>, u64) {
    let mut pacer: Option<Pacer> = match (speed, first_time) {
        (Speed::Factor(factor), Some(first)) => {
            Some(Pacer { factor, wall_start: Instant::now(), first, latest: first })
        }
        _ => None,
    };
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
