//! Starting the counting side, the same for a replay and a live run: the probe with one shard
//! per worker, the worker threads, and the SNMP agent's thread.

use std::net::UdpSocket;
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use crossbeam_channel::Receiver;

use crate::pipeline::control::{self, ControlPlane, ProbeClock, WorkerRequest};
use crate::pipeline::{BatchReceiver, Next, Worker};
use crate::rmon::{DataSourceInfo, Limits, Probe, RowRequest, Shard, Timestamp};
use crate::snmp::trap::TrapSink;
use crate::snmp::udp::{AlarmClock, Shell};
use crate::snmp::{Agent, AgentConfig};
use crate::state::ProbeState;

/// Why the pipeline could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("configuration: {0}")]
    Config(String),
    #[error("internal error: {0}")]
    Internal(String),
}

/// An SNMP agent to run beside the pipeline: where it listens and how it answers.
pub struct AgentSetup {
    /// The bound socket (bound before anything starts, so a busy port fails at once).
    pub socket: UdpSocket,
    pub config: AgentConfig,
    /// Where SET changes are saved (`--state`).
    pub state: Option<PathBuf>,
    /// What the state file held: its rows replace the configuration's.
    pub restored: Option<ProbeState>,
    /// Where the events' traps go.
    pub trap_sinks: Vec<TrapSink>,
}

/// The probe, started at `start`, and `workers` shards set up to count for its rows.
pub fn start_probe(
    start: Timestamp,
    sources: &[DataSourceInfo],
    limits: Limits,
    rows: &[RowRequest],
    workers: usize,
) -> Result<(Probe, Vec<Shard>), StartError> {
    let probe = Probe::new(start, sources.to_vec(), limits, rows).map_err(|e| StartError::Config(e.to_string()))?;
    let shards = (0..workers)
        .map(|_| {
            let mut shard = Shard::new(sources.len() as u32, start);
            for command in probe.shard_setup() {
                shard.apply(&command);
            }
            shard
        })
        .collect();
    Ok((probe, shards))
}

/// One thread per shard, each counting what its hand-off brings and answering the control
/// plane between batches; worker `i` on core `cores[i]` when given. Each returns its shard once
/// its capture side is done.
pub fn spawn_workers(
    shards: Vec<Shard>,
    inputs: Vec<BatchReceiver>,
    requests: &[Receiver<WorkerRequest>],
    clocks: &[ProbeClock],
    cores: Option<Vec<usize>>,
) -> Result<Vec<JoinHandle<Shard>>, StartError> {
    let mut threads = Vec::new();
    for (i, (shard, input)) in shards.into_iter().zip(inputs).enumerate() {
        let requests = requests.get(i).cloned().unwrap_or_else(crossbeam_channel::never);
        let clock = clocks.get(i).cloned().unwrap_or_default();
        let core = cores.as_ref().and_then(|c| c.get(i).copied());
        let thread = std::thread::Builder::new()
            .name(format!("rmonprobe-worker-{i}"))
            .spawn(move || {
                if let Some(core) = core {
                    crate::capture::live::pin_to_core(core);
                }
                work(Worker::new(shard), &input, requests, &clock)
            })
            .map_err(|e| StartError::Internal(format!("cannot start worker thread {i}: {e}")))?;
        threads.push(thread);
    }
    Ok(threads)
}

/// Waits for every worker and returns their shards, in worker order.
pub fn join_workers(threads: Vec<JoinHandle<Shard>>) -> Result<Vec<Shard>, StartError> {
    threads
        .into_iter()
        .map(|t| t.join().map_err(|_| StartError::Internal("a worker thread stopped unexpectedly".into())))
        .collect()
}

/// One worker's loop: batches counted in order, the control plane's requests answered between
/// them, until the capture side is done. Returns the shard.
fn work(
    mut worker: Worker,
    counted: &BatchReceiver,
    mut requests: Receiver<WorkerRequest>,
    clock: &ProbeClock,
) -> Shard {
    loop {
        match counted.next(&requests) {
            Next::Batch(batch) => {
                worker.take(&batch);
                clock.set(worker.shard.now());
                counted.recycle(batch);
            }
            Next::Request(request) => {
                // A request and batches may both be waiting, and `next` picks either: the
                // batches handed over before the request count first.
                for batch in counted.waiting() {
                    worker.take(&batch);
                    counted.recycle(batch);
                }
                clock.set(worker.shard.now());
                control::answer(&mut worker.shard, request);
            }
            Next::NoMoreRequests => requests = crossbeam_channel::never(),
            Next::Done => return worker.shard,
        }
    }
}

/// The agent as its thread and a replay's reader share it.
pub type SharedAgent = Arc<Mutex<Agent<ControlPlane>>>;

/// The agent's thread, and what others need to step its alarms.
pub struct StartedAgent {
    pub thread: JoinHandle<()>,
    /// Raised to end the thread.
    pub stop: Arc<AtomicBool>,
    pub agent: SharedAgent,
    pub shell: Arc<Shell>,
}

/// The agent's thread: the UDP shell around the agent core, the probe behind `control`, until
/// the returned flag is set. `alarm_clock` says whether the shell or a replay's reader steps
/// the alarms.
pub fn start_agent(
    setup: AgentSetup,
    control: ControlPlane,
    clock: impl Fn() -> Timestamp + Send + 'static,
    alarm_clock: AlarmClock,
) -> Result<StartedAgent, StartError> {
    let stop = Arc::new(AtomicBool::new(false));
    let mut shell = Shell::new(setup.socket, setup.state, Arc::clone(&stop), setup.trap_sinks);
    shell.alarm_clock = alarm_clock;
    let shell = Arc::new(shell);
    let agent = Arc::new(Mutex::new(Agent::new(setup.config, control)));
    let (serving, served) = (Arc::clone(&shell), Arc::clone(&agent));
    let thread = std::thread::Builder::new()
        .name("rmonprobe-snmp".into())
        .spawn(move || serving.serve(&served, clock))
        .map_err(|e| StartError::Internal(format!("cannot start the SNMP agent thread: {e}")))?;
    Ok(StartedAgent { thread, stop, agent, shell })
}
