//! `run`: live capture on network interfaces, counted by the workers until SIGINT or SIGTERM.
//!
//! Each interface is a data source (ifIndex 1..N in the order given). Each capture source (an
//! interface with libpcap; each receive queue of it with AF_XDP) has its own capture thread,
//! which numbers its batches from one shared counter (an atomic add per batch, not per frame),
//! dispatches them by IP (else MAC) address pair to the workers, and every [`TICK`] tells the workers the time
//! (so history buckets close on a quiet link) and the drops the kernel reported. On a signal the
//! capture threads read what is left in the rings, the workers finish their batches, and the
//! final tables are those of the moment of the stop.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use crate::capture::Batch;
use crate::capture::batch::DEFAULT_BATCH_FRAMES;
use crate::capture::live::{self, CaptureStats, Engine, LiveClock, LiveOptions, LiveSource, OpenError, ReadError};
use crate::config::Config;
use crate::pipeline::BatchSender;
use crate::pipeline::control::{ControlPlane, ViewTap};
use crate::pipeline::dispatch::Dispatch;
use crate::pipeline::workers::StartError;
use crate::rmon::{DataSourceInfo, Probe, RmonTables, Shard, Timestamp};
use crate::session::{self, Clock, Servers, Session};

/// How often a capture thread tells the workers the time and polls the kernel's drop figures.
pub const TICK: Duration = Duration::from_millis(100);

/// How long a capture thread goes on reading after a stop, at most (the frames that arrived
/// before it are in the ring; on a busy link more keep coming).
const DRAIN: Duration = Duration::from_millis(200);

/// How often a capture thread looks for an interface that went down to come back.
const REOPEN_EVERY: Duration = Duration::from_millis(500);

/// What to capture and how.
#[derive(Debug)]
pub struct RunOptions {
    pub interfaces: Vec<String>,
    pub engine: Engine,
    /// Counting workers (at least 1).
    pub workers: usize,
    /// Pin workers (and capture threads) to cores.
    pub pin: bool,
    pub filter: Option<String>,
    pub snaplen: u32,
    pub buffer_mb: u32,
    pub config: Config,
    /// Drop root privileges to this user once the capture sockets are open.
    pub user: Option<String>,
    /// Where SIGUSR1 writes the capture buffers (`--capture-dir`; the caller writes them at
    /// the stop), and the flag the signal raises.
    pub capture_dir: Option<(PathBuf, Arc<AtomicBool>)>,
}

/// Why a run could not start or went wrong.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error(transparent)]
    Open(#[from] OpenError),
    #[error("configuration: {0}")]
    Config(String),
    #[error("--user {0}: {1}")]
    User(String, live::PrivilegeError),
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<StartError> for RunError {
    fn from(e: StartError) -> RunError {
        match e {
            StartError::Config(m) => RunError::Config(m),
            StartError::Internal(m) => RunError::Internal(m),
        }
    }
}

/// What one capture source did.
#[derive(Clone, Debug, Default)]
pub struct SourceResult {
    pub interface: String,
    pub if_index: u32,
    /// Engine, mode and sizes, as the source describes itself.
    pub describe: String,
    /// Frames handed to the workers.
    pub frames: u64,
    /// The kernel's figures, summed over every opening of the source.
    pub stats: CaptureStats,
    /// Drop events counted into etherStatsDropEvents: intervals in which the kernel reported
    /// drops, and each time the interface went down.
    pub drop_events: u64,
    /// Times the interface went down and the capture was taken up again.
    pub reopens: u64,
    /// Why the capture of this source ended early, if it did.
    pub error: Option<String>,
}

/// The result of a run: the probe, its shards at the stop, and what each capture did.
pub struct LiveRun {
    pub probe: Probe,
    pub shards: Vec<Shard>,
    pub sources: Vec<SourceResult>,
    pub start: Timestamp,
    pub end: Timestamp,
}

impl LiveRun {
    /// Every RMON table as it stood at the stop.
    pub fn tables(&self) -> RmonTables {
        let shards: Vec<&Shard> = self.shards.iter().collect();
        self.probe.tables(self.end, &shards)
    }

    /// Frames counted, over every source.
    pub fn frames(&self) -> u64 {
        self.sources.iter().map(|s| s.frames).sum()
    }
}

/// ifSpeed of an interface from sysfs (Mb/s there), or the configured default where the
/// kernel does not know it (a veth reports 10000, a tap nothing).
fn if_speed(interface: &str, config: &Config) -> u64 {
    std::fs::read_to_string(format!("/sys/class/net/{interface}/speed"))
        .ok()
        .and_then(|s| s.trim().parse::<u64>().ok())
        .map_or(config.file_if_speed(), |mbps| mbps.saturating_mul(1_000_000))
}

/// An interface's MAC address from sysfs (`aa:bb:...`), for ifPhysAddress; empty if unknown.
fn mac_address(interface: &str) -> Vec<u8> {
    std::fs::read_to_string(format!("/sys/class/net/{interface}/address"))
        .ok()
        .and_then(|s| s.trim().split(':').map(|o| u8::from_str_radix(o, 16).ok()).collect::<Option<Vec<u8>>>())
        .unwrap_or_default()
}

/// Opens every interface, starts the workers (and the servers), and captures until `stop` is set.
pub fn run(options: &RunOptions, servers: Servers, stop: &Arc<AtomicBool>) -> Result<LiveRun, RunError> {
    run_embedded(options, servers, stop, None)
}

/// [`run`], with a view in the same process (the terminal UI) reading the probe through the
/// control plane sent to `view` once the capture starts.
pub fn run_embedded(
    options: &RunOptions,
    servers: Servers,
    stop: &Arc<AtomicBool>,
    view: Option<ViewTap>,
) -> Result<LiveRun, RunError> {
    let agent = servers.agent;
    let others = Servers { agent: None, metrics: servers.metrics, push: servers.push };
    let mut opened: Vec<(LiveOptions, usize, Box<dyn LiveSource>)> = Vec::new();
    let mut sources = Vec::new();
    for (i, name) in options.interfaces.iter().enumerate() {
        let if_index = u32::try_from(i + 1).map_err(|_| RunError::Config("too many interfaces".into()))?;
        let open_options = LiveOptions {
            interface: name.clone(),
            if_index,
            snaplen: options.snaplen,
            buffer_mb: options.buffer_mb,
            filter: options.filter.clone(),
        };
        let queues = live::open(options.engine, &open_options)?;
        for (q, source) in queues.into_iter().enumerate() {
            eprintln!("rmonprobe: {name} (ifIndex {if_index}): {}", source.describe());
            opened.push((open_options.clone(), q, source));
        }
        sources.push(DataSourceInfo {
            if_index,
            name: name.clone(),
            descr: format!("{name} (live, {})", options.engine),
            if_speed: if_speed(name, &options.config),
            live: true,
            phys_address: mac_address(name),
        });
    }
    if let Some(user) = &options.user {
        live::drop_privileges(user).map_err(|e| RunError::User(user.clone(), e))?;
        if options.engine == Engine::Afxdp {
            eprintln!(
                "rmonprobe: notice: as {user}, an AF_XDP capture whose interface goes down cannot be taken up again \
                 (libxdp then needs CAP_SYS_ADMIN to replace its XDP program); --engine pcap can"
            );
        }
    }

    let (limits, rows) = session::startup_rows(&options.config, agent.as_ref(), &sources)?;
    let clock = LiveClock::start();
    let workers = options.workers.max(1);
    let session = Session::new(clock.now(), &sources, limits, &rows, workers)?;
    let start = session.start();
    let dumper = match &options.capture_dir {
        Some((dir, signal)) => {
            Some(spawn_dumper(dir.clone(), Arc::clone(signal), Arc::clone(stop), session.control(), clock)?)
        }
        None => None,
    };
    // The alarms are sampled every 100 ms on the live clock: by the agent's thread, or without
    // an agent (and with something to sample) by a thread of their own.
    let ncpu = std::thread::available_parallelism().map_or(1, |n| n.get());
    let cores = options.pin.then(|| (0..workers).map(|i| i % ncpu).collect());
    let servers = Servers { agent, ..others };
    let decap = session.tunnels(&options.config)?;
    let (running, senders) = session.run(Clock::Live(clock), view, servers, cores)?;

    let seq = Arc::new(AtomicU64::new(0));
    let mut capture_threads = Vec::new();
    for (n, (open_options, queue, source)) in opened.into_iter().enumerate() {
        let capture = Capture {
            engine: options.engine,
            options: open_options,
            queue,
            source,
            dispatch: Dispatch::new(senders.iter().map(BatchSender::clone).collect())
                .with_tunnels(session::tunnels_of(&decap)),
            seq: Arc::clone(&seq),
            stop: Arc::clone(stop),
            clock,
        };
        let core = options.pin.then_some((workers + n) % ncpu);
        let thread = std::thread::Builder::new()
            .name(format!("rmonprobe-capture-{n}"))
            .spawn(move || {
                if let Some(core) = core {
                    live::pin_to_core(core);
                }
                capture.run()
            })
            .map_err(|e| RunError::Internal(format!("cannot start capture thread {n}: {e}")))?;
        capture_threads.push(thread);
    }
    // The workers end when every capture thread has dropped its senders.
    drop(senders);

    let mut results = Vec::new();
    for thread in capture_threads {
        results.push(thread.join().map_err(|_| RunError::Internal("a capture thread stopped unexpectedly".into()))?);
    }
    let mut finished = running.finish()?;
    let end = finished.end;
    for background in finished.background.take().into_iter().chain(std::mem::take(&mut finished.others)) {
        background.stop()?;
    }
    if let Some(dumper) = dumper {
        dumper.join().map_err(|_| RunError::Internal("the capture buffer writer stopped unexpectedly".into()))?;
    }
    let probe = finished.probe();
    let shards = finished.shards;
    Ok(LiveRun { probe, shards, sources: results, start, end })
}

/// The thread that writes the capture buffers into `dir` each time SIGUSR1 raises `signal`,
/// from copies of the workers' shards (as a snapshot reads them), until `stop`.
fn spawn_dumper(
    dir: PathBuf,
    signal: Arc<AtomicBool>,
    stop: Arc<AtomicBool>,
    control: ControlPlane,
    clock: LiveClock,
) -> Result<std::thread::JoinHandle<()>, RunError> {
    std::thread::Builder::new()
        .name("rmonprobe-capture-dir".into())
        .spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                std::thread::sleep(TICK);
                if !signal.swap(false, Ordering::Relaxed) {
                    continue;
                }
                match crate::pipeline::capture_files::write_all(&dir, &control.capture_buffers(clock.now())) {
                    Ok(files) => {
                        eprintln!("rmonprobe: SIGUSR1: wrote {} capture buffer(s) to {}", files.len(), dir.display())
                    }
                    Err(e) => eprintln!("rmonprobe: SIGUSR1: {}: cannot write the capture buffers: {e}", dir.display()),
                }
            }
        })
        .map_err(|e| RunError::Internal(format!("cannot start the capture buffer writer: {e}")))
}

/// One capture thread: a source, read in batches and dispatched to the workers.
struct Capture {
    engine: Engine,
    options: LiveOptions,
    /// Which of the interface's sources this is (AF_XDP: the receive queue), for a reopen.
    queue: usize,
    source: Box<dyn LiveSource>,
    dispatch: Dispatch,
    seq: Arc<AtomicU64>,
    stop: Arc<AtomicBool>,
    clock: LiveClock,
}

impl Capture {
    fn run(mut self) -> SourceResult {
        let mut result = SourceResult {
            interface: self.options.interface.clone(),
            if_index: self.options.if_index,
            describe: self.source.describe(),
            ..SourceResult::default()
        };
        // The kernel's figures of the current opening, and of the openings before it.
        let mut seen = CaptureStats::default();
        let mut before = CaptureStats::default();
        let mut batch = Batch::with_capacity(DEFAULT_BATCH_FRAMES);
        let mut last_tick = Instant::now();
        let mut stopping: Option<Instant> = None;
        loop {
            let read = self.source.read(&mut batch, DEFAULT_BATCH_FRAMES, &self.clock);
            let got = batch.len();
            if got > 0 {
                let first = self.seq.fetch_add(got as u64, Ordering::Relaxed);
                batch.number_from(first);
                result.frames += got as u64;
                if !self.dispatch.push_batch(&mut batch) {
                    result.error = Some("the workers stopped".into());
                    break;
                }
            }
            match read {
                Ok(()) => {}
                Err(ReadError::Failed(m)) => {
                    eprintln!("rmonprobe: {}: capture failed: {m}", self.options.interface);
                    result.error = Some(m);
                    break;
                }
                Err(ReadError::Down(m)) => {
                    eprintln!("rmonprobe: {}: {m}; waiting for it to come back", self.options.interface);
                    // The frames missed while it is down are lost: one drop event.
                    self.dispatch.drop_events(self.options.if_index, 1);
                    result.drop_events += 1;
                    before = add(before, self.source.stats());
                    seen = CaptureStats::default();
                    // The old capture goes first: its socket holds the interface (an AF_XDP
                    // queue can be bound by one socket only).
                    self.source = Box::new(Closed);
                    match self.reopen() {
                        Some(source) => {
                            self.source = source;
                            result.reopens += 1;
                            eprintln!("rmonprobe: {}: capturing again", self.options.interface);
                        }
                        None => break,
                    }
                }
            }
            // After a stop, reading goes on until the ring is found empty, so what arrived before
            // the signal is counted; but for no longer than DRAIN: a SPAN port is never quiet.
            if let Some(since) = stopping {
                if got == 0 || since.elapsed() >= DRAIN {
                    break;
                }
            } else if self.stop.load(Ordering::Relaxed) {
                stopping = Some(Instant::now());
            }
            if last_tick.elapsed() >= TICK || stopping.is_some() {
                last_tick = Instant::now();
                let now = self.source.stats();
                if now.dropped > seen.dropped || now.if_dropped > seen.if_dropped {
                    self.dispatch.drop_events(self.options.if_index, 1);
                    result.drop_events += 1;
                }
                seen = now;
                if !self.dispatch.tick(self.clock.now()) {
                    result.error = Some("the workers stopped".into());
                    break;
                }
            }
        }
        let last = self.source.stats();
        if last.dropped > seen.dropped || last.if_dropped > seen.if_dropped {
            self.dispatch.drop_events(self.options.if_index, 1);
            result.drop_events += 1;
        }
        self.dispatch.tick(self.clock.now());
        result.stats = add(before, last);
        result
    }

    /// Waits for the interface to come back and opens it again; None on a stop (or when it can
    /// no longer be opened at all, which is reported).
    fn reopen(&mut self) -> Option<Box<dyn LiveSource>> {
        let mut last_error = None;
        loop {
            if self.stop.load(Ordering::Relaxed) {
                return None;
            }
            // Time goes on while the interface is down.
            if !self.dispatch.tick(self.clock.now()) {
                return None;
            }
            std::thread::sleep(REOPEN_EVERY);
            if !live::is_up(&self.options.interface) {
                continue;
            }
            match live::open(self.engine, &self.options) {
                Ok(mut sources) if self.queue < sources.len() => return Some(sources.swap_remove(self.queue)),
                Ok(_) => {}
                Err(OpenError::Permission(_, m)) => {
                    eprintln!(
                        "rmonprobe: {}: cannot open it again without privileges ({m}); its capture ends",
                        self.options.interface
                    );
                    return None;
                }
                Err(e) => {
                    // Not quite back yet, most likely; said once per distinct reason.
                    let m = e.to_string();
                    if last_error.as_ref() != Some(&m) {
                        eprintln!("rmonprobe: {}: not open yet: {m}", self.options.interface);
                        last_error = Some(m);
                    }
                }
            }
        }
    }
}

/// The place of a capture between its closing and its reopening: reads nothing.
struct Closed;

impl LiveSource for Closed {
    fn read(&mut self, _: &mut Batch, _: usize, _: &LiveClock) -> Result<(), ReadError> {
        Ok(())
    }

    fn stats(&mut self) -> CaptureStats {
        CaptureStats::default()
    }

    fn describe(&self) -> String {
        "closed".into()
    }
}

fn add(a: CaptureStats, b: CaptureStats) -> CaptureStats {
    CaptureStats {
        received: a.received + b.received,
        dropped: a.dropped + b.dropped,
        if_dropped: a.if_dropped + b.if_dropped,
    }
}
