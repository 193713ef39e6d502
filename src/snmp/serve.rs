//! The agent beside a running pipeline: its thread (the UDP shell around the agent core), and
//! the agent as the alarm sampler of a replay or a live run steps it.

use std::net::UdpSocket;
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use crate::pipeline::alarms::{AlarmSampler, AlarmStepper};
use crate::pipeline::control::ControlPlane;
use crate::pipeline::workers::StartError;
use crate::rmon::{Probe, Timestamp};
use crate::snmp::trap::TrapSink;
use crate::snmp::udp::{self, AlarmClock, Shell};
use crate::snmp::{Agent, AgentConfig};
use crate::state::ProbeState;

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

/// The alarms stepped through a served agent: they read what a GET would, their traps go out
/// from its socket, and its state file is saved when an alarm is deleted.
struct Served {
    agent: SharedAgent,
    shell: Arc<Shell>,
}

impl AlarmStepper for Served {
    fn step(&self, now: Timestamp) {
        self.shell.step_events(&mut udp::lock(&self.agent), now, true);
    }
}

impl StartedAgent {
    /// The sampler of `probe`'s alarms through this agent.
    pub fn alarm_sampler(&self, probe: Arc<Mutex<Probe>>) -> AlarmSampler {
        AlarmSampler::new(Arc::new(Served { agent: Arc::clone(&self.agent), shell: Arc::clone(&self.shell) }), probe)
    }
}
