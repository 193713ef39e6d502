//! Replay: capture files in, RMON tables out, with the packet timestamps as the probe's clock.
//!
//! The files are replayed in the order given as one data source (ifIndex 1). The probe starts at
//! the first frame (sysUpTime 0) and ends at the last one, so a replay gives the same figures
//! every time and, paced or not, the same figures a live probe would have shown.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, Select, TryRecvError};

use crate::capture::batch::DEFAULT_BATCH_FRAMES;
use crate::capture::{Batch, CaptureFile, CaptureInput, Damage, OpenError};
use crate::config::Config;
use crate::packet::RawFrame;
use crate::pipeline::alarms::AlarmSampler;
use crate::pipeline::control::{self, ViewTap, WorkerRequest};
use crate::pipeline::dispatch::Dispatch;
use crate::pipeline::workers::{StartError, start_probe};
use crate::rmon::{DataSourceInfo, Probe, RmonTables, Shard, Timestamp};
use crate::session::{self, Background, Clock, Servers, Session};
use crate::snmp::serve::AgentSetup;

/// Frames a replay at full speed reads into one batch: four times a live capture's, since no
/// one waits for them, so the worker wakes the reader a quarter as often (on the IMIX bench,
/// 4 % less time than 256).
const REPLAY_BATCH_FRAMES: usize = 4 * DEFAULT_BATCH_FRAMES;

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
    /// Counting workers (at least 1), each on its own thread with its own shard.
    pub workers: usize,
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

impl From<StartError> for ReplayError {
    fn from(e: StartError) -> ReplayError {
        match e {
            StartError::Config(m) => ReplayError::Config(m),
            StartError::Internal(m) => ReplayError::Internal(m),
        }
    }
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
    /// One shard per worker, all at the end time.
    pub shards: Vec<Shard>,
    pub files: Vec<FileResult>,
    pub frames: u64,
    /// First and last frame time (the latter never before the former: time never goes back);
    /// None when no frame was read.
    pub first_time: Option<Timestamp>,
    pub last_time: Option<Timestamp>,
    /// The SNMP agent and the metrics server, when asked for.
    agent: Option<Served>,
}

impl Replay {
    /// The probe's clock at the end: the last frame's time.
    pub fn end_time(&self) -> Timestamp {
        self.shards.iter().map(Shard::now).max().unwrap_or(self.probe.start())
    }

    /// Every RMON table as it stands at the end of the replay.
    pub fn tables(&self) -> RmonTables {
        let shards: Vec<&Shard> = self.shards.iter().collect();
        self.probe.tables(self.end_time(), &shards)
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
        let Some(served) = self.agent.take() else { return Ok(()) };
        if served.serve {
            let stop = Arc::new(AtomicBool::new(false));
            for signal in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
                signal_hook::flag::register(signal, Arc::clone(&stop))
                    .map_err(|e| ReplayError::Internal(format!("cannot catch signal {signal}: {e}")))?;
            }
            // The workers have ended: this thread answers for their shards.
            let mut select = Select::new();
            for requests in &served.requests {
                select.recv(requests);
            }
            while !stop.load(Ordering::Relaxed) {
                let Ok(ready) = select.ready_timeout(Duration::from_millis(100)) else { continue };
                match (served.requests[ready].try_recv(), self.shards.get_mut(ready)) {
                    (Ok(request), Some(shard)) => control::answer(shard, request),
                    (Err(TryRecvError::Disconnected), _) => break,
                    _ => {}
                }
            }
        }
        for server in served.servers {
            server.stop().map_err(|e| ReplayError::Internal(e.to_string()))?;
        }
        Ok(())
    }
}

/// The threads that serve a replay (the agent, the metrics) and the channels they read the
/// workers through.
struct Served {
    servers: Vec<Background>,
    /// What the servers ask of each worker (worker i's shard: `Replay::shards[i]`).
    requests: Vec<Receiver<WorkerRequest>>,
    serve: bool,
}

/// How long a paced reader sleeps at most before it looks at its stop flag again.
const STOP_CHECK: Duration = Duration::from_millis(100);

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

    /// Sleeps until a frame of `time` is due, or `stop` is raised: a capture may hold a quiet
    /// gap of minutes, and a view that quits or a SIGTERM must not wait it out. False when
    /// stopped.
    fn wait_for(&mut self, time: Timestamp, stop: Option<&AtomicBool>) -> bool {
        let due = self.due(time);
        loop {
            if stop.is_some_and(|s| s.load(Ordering::Relaxed)) {
                return false;
            }
            let elapsed = self.wall_start.elapsed();
            if due <= elapsed {
                return true;
            }
            std::thread::sleep((due - elapsed).min(STOP_CHECK));
        }
    }
}

/// Replays the files. Every file is opened (and its header checked) before the first frame is
/// counted, so a wrong file among several fails at once instead of after minutes of replay.
pub fn replay(options: &ReplayOptions) -> Result<Replay, ReplayError> {
    run(options, files_of(options), Servers::default(), false, None)
}

/// Replays the files with an SNMP agent answering from the tables as they fill.
/// With `serve`, the agent goes on answering after the files end (see [`Replay::finish_agent`]).
pub fn replay_with_agent(options: &ReplayOptions, agent: AgentSetup, serve: bool) -> Result<Replay, ReplayError> {
    replay_served(options, Servers::agent(Some(agent)), serve)
}

/// Replays the files with the servers (an SNMP agent, the metrics) answering from the tables as
/// they fill; with `serve`, after the files end too, until SIGINT or SIGTERM.
pub fn replay_served(options: &ReplayOptions, servers: Servers, serve: bool) -> Result<Replay, ReplayError> {
    run(options, files_of(options), servers, serve, None)
}

/// What a view that embeds the probe (the terminal UI, `demo`) adds to a replay.
pub struct Embedding {
    /// Where the view receives the running probe's control plane, once it starts.
    pub view: ViewTap,
    /// Replay the files over and over, each round later than the last by its span and a
    /// second, as if the traffic went on live (`demo`); until `stop`.
    pub repeat: bool,
    /// Raised by the view when it quits: the reader stops at the next batch.
    pub stop: Arc<AtomicBool>,
}

/// Replays the files while a view reads the probe (and, given one, an SNMP agent answers).
pub fn replay_embedded(
    options: &ReplayOptions,
    agent: Option<AgentSetup>,
    embedding: Embedding,
) -> Result<Replay, ReplayError> {
    run(options, files_of(options), Servers::agent(agent), false, Some(embedding))
}

/// Like [`replay_embedded`], replaying `inputs` instead of `options.files`: captures that may be
/// held in memory, such as the one `demo` carries inside the binary (so that it runs from any
/// directory, with no file to find).
pub fn replay_embedded_inputs(
    inputs: Vec<CaptureInput>,
    options: &ReplayOptions,
    servers: Servers,
    embedding: Embedding,
) -> Result<Replay, ReplayError> {
    run(options, inputs, servers, false, Some(embedding))
}

/// The files of `options` as the reader's inputs.
fn files_of(options: &ReplayOptions) -> Vec<CaptureInput> {
    options.files.iter().cloned().map(CaptureInput::File).collect()
}

fn run(
    options: &ReplayOptions,
    inputs: Vec<CaptureInput>,
    servers: Servers,
    serve: bool,
    embedding: Option<Embedding>,
) -> Result<Replay, ReplayError> {
    let descr = describe(&inputs);
    let mut files = inputs
        .into_iter()
        .map(|input| CaptureFile::open_input(input, options.fcs_present))
        .collect::<Result<Vec<_>, _>>()?;
    let if_index = 1;
    let sources = vec![DataSourceInfo {
        if_index,
        name: "replay".into(),
        descr,
        if_speed: options.config.file_if_speed(),
        live: false,
        phys_address: Vec::new(),
    }];
    let (limits, rows) = session::startup_rows(&options.config, servers.agent.as_ref(), &sources)?;
    // Refuse a bad configuration before reading anything.
    start_probe(Timestamp::default(), &sources, limits, &rows, 1)?;

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
    let session = Session::new(first_time.unwrap_or_default(), &sources, limits, &rows, options.workers)?;
    let (repeat, stop, view) = match embedding {
        Some(e) => (e.repeat, Some(e.stop), Some(e.view)),
        None => (false, None, None),
    };
    // The reader samples the alarms on the packets' clock (see `pipeline::alarms`); the agent's
    // thread only answers, and looks at the channels' events.
    let decap = session.tunnels(&options.config)?;
    let (mut running, senders) = session.run(Clock::Packets, view, servers, None)?;

    // A reader thread fills batches and dispatches them to the workers, each counting on its
    // own thread into its own shard. With one worker the result is that of counting inline;
    // with several, each conversation is counted whole by one worker (see `Dispatch`).
    let dispatch = Dispatch::new(senders).with_tunnels(session::tunnels_of(&decap));
    let alarms = running.sampler.take().map(AlarmDeadlines::new);
    let reading = Reading { speed: options.speed, if_index, repeat, stop, alarms };
    let reader = std::thread::Builder::new()
        .name("rmonprobe-reader".into())
        .spawn(move || read_files(files, reading, dispatch, first, seq))
        .map_err(|e| ReplayError::Internal(format!("cannot start the reader thread: {e}")))?;
    let finished = running.finish()?;
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
    let last_time = first_time.map(|_| finished.end);
    let probe = finished.probe();
    // On the packets' clock, the only threads beside the workers are the servers'.
    let servers: Vec<Background> = finished.background.into_iter().chain(finished.others).collect();
    let agent = (!servers.is_empty()).then_some(Served { servers, requests: finished.requests, serve });
    let shards = finished.shards;
    Ok(Replay { probe, shards, files: results, frames: seq, first_time, last_time, agent })
}

/// How the reader thread reads the files.
struct Reading {
    speed: Speed,
    if_index: u32,
    repeat: bool,
    stop: Option<Arc<AtomicBool>>,
    /// The alarms the reader samples, when the probe has any (or an agent may create some).
    alarms: Option<AlarmDeadlines>,
}

/// The most readings the reader takes at their due times in one quiet gap. Each costs a copy
/// of every shard; and after two quiet intervals no counter an alarm watches can change what it
/// fires, since it reads the same value again.
const GAP_READINGS: usize = 64;

/// The alarms' due times as the reader watches them.
struct AlarmDeadlines {
    sampler: AlarmSampler,
    /// The earliest, as last read from the probe.
    due: Option<Timestamp>,
    /// The latest frame time handed to the workers (None before the first frame). A reading
    /// taken now holds every frame up to it, so it cannot stand for an earlier moment.
    handed: Option<Timestamp>,
}

impl AlarmDeadlines {
    fn new(sampler: AlarmSampler) -> AlarmDeadlines {
        let due = sampler.due();
        AlarmDeadlines { sampler, due, handed: None }
    }

    /// Notes that the frames up to `time` are handed to the workers.
    fn handed_over(&mut self, time: Timestamp) {
        self.handed = Some(self.handed.map_or(time, |handed| handed.max(time)));
    }

    /// Reads the next due time again: a manager may have made an alarm since (once a batch,
    /// and after each wait of a paced replay).
    fn refresh(&mut self) {
        self.due = self.sampler.due();
    }

    /// Whether a frame at `time` would be counted after an alarm's due time.
    fn crossed_by(&self, time: Timestamp) -> bool {
        self.due.is_some_and(|due| due <= time)
    }

    /// Before a frame at `time` is handed over: every worker is ticked to each due time the
    /// frame passes, and the alarms are sampled there, so a reading holds exactly the frames
    /// before that moment. In a quiet gap each due time is sampled as a live probe would, up to
    /// [`GAP_READINGS`]; the rest of a longer gap gets one reading at `time`, as a live probe
    /// that came late would. False once a worker has gone.
    ///
    /// A due time at or before a frame already handed over is an alarm a manager made valid
    /// while those frames went by (its baseline is due when the SET was, on the clock of the
    /// frames counted then, and the reader sees it at its next look). Its reading cannot leave
    /// out what the workers have counted, so it is taken just after the latest frame handed
    /// over, and the alarm's schedule starts there (`Alarm::sample`): baseline and schedule
    /// then meet at one instant, and the first sample counts one whole interval. When the
    /// frame at `time` has the latest frame's own time, the reading waits for a later one,
    /// which would otherwise fall on the wrong side of it.
    fn sample_before(&mut self, out: &mut Dispatch, time: Timestamp) -> bool {
        for step in 0..=GAP_READINGS {
            let Some(due) = self.due.filter(|&due| due <= time) else { break };
            let earliest = self.handed.map_or(due, |handed| due.max(Timestamp(handed.0.saturating_add(1))));
            if earliest > time {
                break;
            }
            let at = if step < GAP_READINGS { earliest } else { time };
            if !out.tick(at) {
                return false;
            }
            self.sampler.step(at);
            self.refresh();
        }
        true
    }

    /// At the end of the files: the channels' events that matched since the last due time.
    fn finish(&mut self, out: &mut Dispatch, end: Timestamp) {
        if out.tick(end) {
            self.sampler.step(end);
        }
    }
}

impl Reading {
    fn stopped(&self) -> bool {
        self.stop.as_ref().is_some_and(|s| s.load(Ordering::Relaxed))
    }
}

/// The pause between two rounds of a repeated replay, on the probe's clock.
const ROUND_GAP_NS: u64 = 1_000_000_000;

/// Reads every file in order into batches for the worker, after the `seq` frames already read
/// into `first` (the first of them where pacing starts, and counted first). Paced, a frame is
/// handed over when its time comes (and the batch it joins goes out before any wait, so no frame
/// is held back); otherwise as fast as the files can be read. Repeated, the files are read again
/// and again, each round's times moved past the last round's. Before a frame past an alarm's due
/// time, the alarms are sampled ([`AlarmDeadlines`]). Returns the files (of the last round), for
/// their results, and the number of frames read.
fn read_files(
    mut files: Vec<CaptureFile>,
    mut reading: Reading,
    mut out: Dispatch,
    first: Batch,
    mut seq: u64,
) -> (Vec<CaptureFile>, u64) {
    let first_time = first.iter().next().map(|f| f.time);
    let mut pacer: Option<Pacer> = match (reading.speed, first_time) {
        (Speed::Factor(factor), Some(first)) => {
            Some(Pacer { factor, wall_start: Instant::now(), first, latest: first })
        }
        _ => None,
    };
    let mut batch = Batch::with_capacity(DEFAULT_BATCH_FRAMES);
    // Added to every frame time of the current round.
    let mut shift = 0u64;
    // The latest frame time handed over, shifted.
    let mut latest = first_time.unwrap_or_default();
    // An alarm due at the start reads before the first frame, like every reading.
    // Frame by frame goes through the filling batches, which must be out before a whole batch
    // is handed over (with one worker, `push_batch` sends it as it is): flushed each time.
    for frame in first.iter() {
        if !hand_over(&mut out, &mut reading.alarms, &frame, latest) {
            return (files, seq);
        }
    }
    out.flush();
    'rounds: loop {
        for file in &mut files {
            while !file.finished() {
                if reading.stopped() {
                    break 'rounds;
                }
                if let Some(alarms) = &mut reading.alarms {
                    alarms.refresh();
                }
                if reading.speed == Speed::Max && shift == 0 {
                    if reading.alarms.is_none() && (out.workers() > 1 || !out.decapsulates()) {
                        // No frame is copied: the workers' batches share the file's read buffer
                        // (the reader is what bounds a replay on many cores, and copying was
                        // most of its work). One worker opening tunnels takes whole batches.
                        let frames = file.read_frames(REPLAY_BATCH_FRAMES, &mut seq, reading.if_index);
                        latest = frames.records().iter().fold(latest, |t, r| t.max(r.time));
                        if !out.push_shared(frames.chunk(), frames.records()) {
                            break 'rounds;
                        }
                        continue;
                    }
                    file.read_batch(&mut batch, REPLAY_BATCH_FRAMES, &mut seq, reading.if_index);
                    // Without alarms, the last frame's time will do (no look at every frame).
                    let batch_latest = match &reading.alarms {
                        Some(_) => batch.iter().fold(latest, |t, f| t.max(f.time)),
                        None => batch.iter().last().map_or(latest, |f| latest.max(f.time)),
                    };
                    if reading.alarms.as_ref().is_some_and(|a| a.crossed_by(batch_latest)) {
                        // An alarm is due within this batch: frame by frame, as paced.
                        for frame in batch.iter() {
                            latest = latest.max(frame.time);
                            if !hand_over(&mut out, &mut reading.alarms, &frame, latest) {
                                break 'rounds;
                            }
                        }
                        batch.clear();
                        if !out.flush() {
                            break 'rounds;
                        }
                        continue;
                    }
                    latest = batch_latest;
                    if !out.push_batch(&mut batch) {
                        break 'rounds;
                    }
                    if let Some(alarms) = &mut reading.alarms {
                        alarms.handed_over(latest);
                    }
                    continue;
                }
                let frames = file.read_frames(DEFAULT_BATCH_FRAMES, &mut seq, reading.if_index);
                for frame in frames.iter() {
                    let frame = RawFrame { time: Timestamp(frame.time.0.saturating_add(shift)), ..frame };
                    if let Speed::Factor(factor) = reading.speed {
                        let pacer = pacer.get_or_insert(Pacer {
                            factor,
                            wall_start: Instant::now(),
                            first: frame.time,
                            latest: frame.time,
                        });
                        // The frames so far go out before any wait, so none is held back.
                        if !pacer.is_due(frame.time) {
                            if !out.flush() {
                                break 'rounds;
                            }
                            if !pacer.wait_for(frame.time, reading.stop.as_deref()) {
                                // Stopped: this frame and the rest of the batch are not
                                // counted, so they are not in the number read either.
                                seq = frame.seq;
                                break 'rounds;
                            }
                            // A manager may have made an alarm valid meanwhile: its baseline is
                            // then read before this frame, not a file read later (seconds, for
                            // a slow capture).
                            if let Some(alarms) = &mut reading.alarms {
                                alarms.refresh();
                            }
                        }
                    }
                    // After the wait: a frame left unread by a stop moves no clock.
                    latest = latest.max(frame.time);
                    if !hand_over(&mut out, &mut reading.alarms, &frame, latest) {
                        break 'rounds;
                    }
                }
                if !out.flush() {
                    break 'rounds;
                }
            }
        }
        if !reading.repeat || first_time.is_none() || reading.stopped() {
            break;
        }
        // The next round starts a gap after this one ended, on the first frame's own time.
        let reopened: Result<Vec<CaptureFile>, _> = files.iter().map(CaptureFile::reopen).collect();
        let Ok(reopened) = reopened else { break };
        files = reopened;
        let first = first_time.unwrap_or_default();
        shift = latest.0.saturating_sub(first.0).saturating_add(ROUND_GAP_NS);
    }
    out.flush();
    if let (Some(alarms), Some(_)) = (&mut reading.alarms, first_time) {
        alarms.finish(&mut out, latest);
    }
    (files, seq)
}

/// Hands one frame to its worker, after sampling the alarms due before it (`latest`: the frame's
/// time, or a later one already seen: time never goes back). False once a worker has gone.
fn hand_over(out: &mut Dispatch, alarms: &mut Option<AlarmDeadlines>, frame: &RawFrame<'_>, latest: Timestamp) -> bool {
    if let Some(alarms) = alarms {
        if alarms.crossed_by(latest) && !alarms.sample_before(out, latest) {
            return false;
        }
        alarms.handed_over(latest.max(frame.time));
    }
    out.push(frame)
}

/// ifDescr of the replayed data source.
fn describe(inputs: &[CaptureInput]) -> String {
    let names: Vec<String> = inputs.iter().map(|i| i.name().display().to_string()).collect();
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
