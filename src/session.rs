//! The start-up and tear-down a replay (`replay.rs`) and a live run (`live.rs`) share, so the
//! two cannot drift apart: which rows the probe starts with, the probe and its shards, the
//! control plane, the worker threads, the SNMP agent (or, without one, what samples the alarms),
//! the embedded view's tap, and at the end the shards collected at one time. What differs is
//! only the clock ([`Clock`]); the capture side (the reader, the capture threads) stays with
//! each caller.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use crossbeam_channel::{Receiver, Sender};

use crate::capture::live::LiveClock;
use crate::config::Config;
use crate::metrics::{MetricsServer, MetricsSetup, PushSetup};
use crate::packet::tunnel::DecapKinds;
use crate::pipeline::alarms::{AlarmSampler, spawn_alarm_thread};
use crate::pipeline::control::{self, ControlPlane, EmbeddedProbe, ProbeClock, ViewTap, WorkerRequest};
use crate::pipeline::tunnels::{Registry, Tunnels};
use crate::pipeline::workers::{StartError, join_workers, spawn_workers, start_probe};
use crate::pipeline::{BatchSender, HANDOFF_DEPTH, hand_off, lock_probe};
use crate::rmon::{DataSourceInfo, Limits, Probe, RowRequest, Shard, Timestamp};
use crate::snmp::serve::{AgentSetup, start_agent};
use crate::snmp::udp::AlarmClock;
use crate::state;

/// The probe's clock, which decides who samples the alarms and how the run ends.
#[derive(Clone, Copy, Debug)]
pub enum Clock {
    /// A replay: the latest frame any worker has counted. The reader samples the alarms at their
    /// due times on it ([`Running::sampler`]); an agent only answers, and may go on answering
    /// for the shards after the workers end, so the workers' request channels are kept.
    Packets,
    /// A live run: the capture's clock. The agent's thread samples the alarms, or without an
    /// agent a thread of their own; the request channels go with the workers.
    Live(LiveClock),
}

/// The limits and the rows a probe starts with: the configuration's, or where the agent
/// restored a state file, the file's rows (warnings about them printed).
pub fn startup_rows(
    config: &Config,
    agent: Option<&AgentSetup>,
    sources: &[DataSourceInfo],
) -> Result<(Limits, Vec<RowRequest>), StartError> {
    let limits = config.limits().map_err(|e| StartError::Config(e.to_string()))?;
    let configured = config.rows(sources).map_err(|e| StartError::Config(e.to_string()))?;
    let (rows, warnings) = state::startup_rows(configured, agent.and_then(|a| a.restored.as_ref()), sources);
    for warning in warnings {
        eprintln!("rmonprobe: warning: {warning}");
    }
    Ok((limits, rows))
}

/// A probe set up with its shards and control plane, nothing running yet.
pub struct Session {
    probe: Arc<Mutex<Probe>>,
    shards: Vec<Shard>,
    clocks: Vec<ProbeClock>,
    to_workers: Vec<Sender<WorkerRequest>>,
    requests: Vec<Receiver<WorkerRequest>>,
}

impl Session {
    /// The probe started at `start` with one shard per worker (at least one).
    pub fn new(
        start: Timestamp,
        sources: &[DataSourceInfo],
        limits: Limits,
        rows: &[RowRequest],
        workers: usize,
    ) -> Result<Session, StartError> {
        let (probe, shards) = start_probe(start, sources, limits, rows, workers.max(1))?;
        let clocks = shards.iter().map(|_| ProbeClock::new(probe.start())).collect();
        let (to_workers, requests) = shards.iter().map(|_| control::requests()).unzip();
        Ok(Session { probe: Arc::new(Mutex::new(probe)), shards, clocks, to_workers, requests })
    }

    /// The probe's start (sysUpTime 0).
    pub fn start(&self) -> Timestamp {
        lock_probe(&self.probe).start()
    }

    /// A control plane over the probe and its workers, for a reader of its own (such as the
    /// capture buffers' writer of `--capture-dir`).
    pub fn control(&self) -> ControlPlane {
        ControlPlane::new(Arc::clone(&self.probe), self.to_workers.clone())
    }

    /// `--decap`: what makes remote mirror sessions data sources of this probe, when `config`
    /// opens any; each capture thread opens packets through its own [`Tunnels`] over it.
    pub fn tunnels(&self, config: &Config) -> Result<Option<(DecapKinds, Arc<Registry>)>, StartError> {
        let kinds = config.decap_kinds().map_err(|e| StartError::Config(e.to_string()))?;
        if !kinds.any() {
            return Ok(None);
        }
        let limit = {
            let mut probe = lock_probe(&self.probe);
            probe.open_mirrors();
            probe.limits().tunnel_sources
        };
        Ok(Some((kinds, Registry::new(self.control(), limit, config.probe.default_rows))))
    }

    /// Starts the view (given a tap), the servers (the agent, or the alarms' sampling without
    /// one; the metrics), and the workers, worker `i` pinned to `cores[i]` when given. The
    /// workers count what the returned senders bring, one per worker, until every clone of
    /// them is dropped.
    pub fn run(
        self,
        clock: Clock,
        view: Option<ViewTap>,
        servers: Servers,
        cores: Option<Vec<usize>>,
    ) -> Result<(Running, Vec<BatchSender>), StartError> {
        let Session { probe, shards, clocks, to_workers, requests } = self;
        let Servers { agent, metrics, push } = servers;
        let now = Now { clock, clocks: clocks.clone() };
        if let Some(view) = view {
            let control = ControlPlane::new(Arc::clone(&probe), to_workers.clone());
            let now = now.clone();
            // A view that has already quit needs no probe.
            let _ = view.send(EmbeddedProbe { control, clock: Box::new(move || now.now()) });
        }
        let alarm_clock = match clock {
            Clock::Packets => AlarmClock::Reader,
            Clock::Live(_) => AlarmClock::Shell,
        };
        let mut sampler = None;
        let background = match agent {
            Some(setup) => {
                let control = ControlPlane::new(Arc::clone(&probe), to_workers.clone());
                let agent_now = now.clone();
                let started = start_agent(setup, control, move || agent_now.now(), alarm_clock)?;
                if alarm_clock == AlarmClock::Reader {
                    sampler = Some(started.alarm_sampler(Arc::clone(&probe)));
                }
                Some(Background { thread: started.thread, stop: started.stop })
            }
            None if lock_probe(&probe).has_event_sources() => {
                let control = ControlPlane::new(Arc::clone(&probe), to_workers.clone());
                let unserved = AlarmSampler::unserved(control, Arc::clone(&probe));
                match clock {
                    Clock::Packets => {
                        sampler = Some(unserved);
                        None
                    }
                    Clock::Live(_) => {
                        let stop = Arc::new(AtomicBool::new(false));
                        let alarm_now = now.clone();
                        let thread = spawn_alarm_thread(unserved, move || alarm_now.now(), Arc::clone(&stop))?;
                        Some(Background { thread, stop })
                    }
                }
            }
            None => None,
        };
        // Each of these views reads the probe through a control plane of its own, on its clock.
        let view = || {
            let view_now = now.clone();
            (ControlPlane::new(Arc::clone(&probe), to_workers.clone()), move || view_now.now())
        };
        let started = |what: &str, server: std::io::Result<MetricsServer>| {
            server
                .map(|s| Background { thread: s.thread, stop: s.stop })
                .map_err(|e| StartError::Internal(format!("cannot start {what}: {e}")))
        };
        let mut others = Vec::new();
        if let Some(setup) = metrics {
            let (control, clock) = view();
            others.push(started("the metrics server", setup.start(control, clock))?);
        }
        if let Some(setup) = push {
            let (control, clock) = view();
            others.push(started("the pusher", setup.start(control, clock))?);
        }
        // Without a control plane the workers need not listen for one.
        drop(to_workers);
        let (senders, receivers): (Vec<_>, Vec<_>) = shards.iter().map(|_| hand_off(HANDOFF_DEPTH)).unzip();
        let workers = spawn_workers(shards, receivers, &requests, &clocks, cores)?;
        let requests = match clock {
            Clock::Packets => requests,
            Clock::Live(_) => Vec::new(),
        };
        Ok((Running { probe, workers, requests, background, others, sampler, now }, senders))
    }
}

/// One capture thread's [`Tunnels`] over what [`Session::tunnels`] gave, if anything.
pub fn tunnels_of(decap: &Option<(DecapKinds, Arc<Registry>)>) -> Option<Tunnels> {
    decap.as_ref().map(|(kinds, registry)| Tunnels::new(kinds.clone(), Arc::clone(registry)))
}

/// What serves the probe beside the workers: the SNMP agent (`--snmp`), the metrics
/// (`--metrics`) and the pusher (`--push`), each when asked for.
#[derive(Default)]
pub struct Servers {
    pub agent: Option<AgentSetup>,
    pub metrics: Option<MetricsSetup>,
    pub push: Option<PushSetup>,
}

impl Servers {
    /// The agent alone.
    pub fn agent(agent: Option<AgentSetup>) -> Servers {
        Servers { agent, ..Servers::default() }
    }
}

/// The probe's clock as the views, the agent and the alarms read it.
#[derive(Clone)]
struct Now {
    clock: Clock,
    clocks: Vec<ProbeClock>,
}

impl Now {
    fn now(&self) -> Timestamp {
        match self.clock {
            Clock::Packets => self.clocks.iter().map(ProbeClock::now).max().unwrap_or_default(),
            Clock::Live(clock) => clock.now(),
        }
    }
}

/// A thread beside the workers until its flag is raised: the SNMP agent, or a live probe's
/// alarm sampling without one; the metrics server; the pusher.
pub struct Background {
    pub thread: JoinHandle<()>,
    pub stop: Arc<AtomicBool>,
}

impl Background {
    /// Raises the flag and waits for the thread.
    pub fn stop(self) -> Result<(), StartError> {
        self.stop.store(true, Ordering::Relaxed);
        self.thread
            .join()
            .map_err(|_| StartError::Internal("the SNMP agent, alarm or metrics thread stopped unexpectedly".into()))
    }
}

/// The workers at work, with the agent or alarm thread beside them.
pub struct Running {
    probe: Arc<Mutex<Probe>>,
    workers: Vec<JoinHandle<Shard>>,
    requests: Vec<Receiver<WorkerRequest>>,
    background: Option<Background>,
    others: Vec<Background>,
    /// What a replay's reader samples the alarms with, when there may be any to sample.
    pub sampler: Option<AlarmSampler>,
    now: Now,
}

impl Running {
    /// Once the capture side has dropped every sender: waits for the workers and ticks every
    /// shard to one end time, whichever worker counted the last frame, so the same buckets and
    /// reports close in each. The end is the live clock's now, or the latest shard's clock.
    pub fn finish(self) -> Result<Finished, StartError> {
        let mut shards = join_workers(self.workers)?;
        let end = match self.now.clock {
            Clock::Packets => shards.iter().map(Shard::now).max().unwrap_or_default(),
            Clock::Live(clock) => clock.now(),
        };
        for shard in &mut shards {
            shard.tick(end);
        }
        Ok(Finished {
            probe: self.probe,
            shards,
            end,
            requests: self.requests,
            background: self.background,
            others: self.others,
        })
    }
}

/// A run whose workers have ended; the agent (or alarm thread) may still be going.
pub struct Finished {
    probe: Arc<Mutex<Probe>>,
    /// One shard per worker, all at `end`.
    pub shards: Vec<Shard>,
    pub end: Timestamp,
    /// What the agent asks of each worker, now that the workers are gone (a replay's, to answer
    /// from `shards`; empty for a live run).
    pub requests: Vec<Receiver<WorkerRequest>>,
    pub background: Option<Background>,
    /// The metrics server and the pusher, when asked for.
    pub others: Vec<Background>,
}

impl Finished {
    /// The probe as it stands now (its control rows, alarms and logs).
    pub fn probe(&self) -> Probe {
        lock_probe(&self.probe).clone()
    }
}
