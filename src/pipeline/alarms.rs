//! Sampling the alarms on the probe's clock, with or without an SNMP agent.
//!
//! An alarm reads its variable through the agent's MIB, so it can watch any integer the agent
//! serves. The alarms are therefore always stepped through an [`Agent`]: without `--snmp` the
//! sampler has one of its own that no socket serves.
//!
//! When they are stepped is what makes their figures right:
//! - Live, the probe's clock is the capture's: every 100 ms, by the agent's thread, or without
//!   an agent by [`spawn_alarm_thread`].
//! - In a replay, by the reader: each alarm at its due time on the packets' clock, once the
//!   workers have counted every frame before that moment and before they see a later one. A
//!   replay at `--speed max` thus gives the alarmValues, the log and the traps of a replay paced
//!   at 1x, every time, with any number of workers.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;

use crate::pipeline::control::ControlPlane;
use crate::pipeline::workers::{SharedAgent, StartError, StartedAgent};
use crate::rmon::{Probe, Timestamp};
use crate::snmp::agent::MAX_UDP_PAYLOAD;
use crate::snmp::udp::{self, POLL, Shell};
use crate::snmp::{Agent, AgentConfig};

/// Steps a probe's alarms and channel events.
pub struct AlarmSampler {
    agent: SharedAgent,
    probe: Arc<Mutex<Probe>>,
    /// The shell of a served agent: the traps go out from its socket, and its state file is
    /// saved when an alarm is deleted. None: an agent of the sampler's own.
    shell: Option<Arc<Shell>>,
}

impl AlarmSampler {
    /// Samples through the agent that `started` serves.
    pub fn served(started: &StartedAgent, probe: Arc<Mutex<Probe>>) -> AlarmSampler {
        AlarmSampler { agent: Arc::clone(&started.agent), probe, shell: Some(Arc::clone(&started.shell)) }
    }

    /// Samples through an agent of its own, which no manager reaches: its events log, and
    /// their traps have nowhere to go.
    pub fn unserved(control: ControlPlane, probe: Arc<Mutex<Probe>>) -> AlarmSampler {
        let config = AgentConfig {
            community: Vec::new(),
            write_community: None,
            max_message_size: MAX_UDP_PAYLOAD,
            system: Default::default(),
        };
        AlarmSampler { agent: Arc::new(Mutex::new(Agent::new(config, control))), probe, shell: None }
    }

    fn probe(&self) -> MutexGuard<'_, Probe> {
        crate::pipeline::lock_probe(&self.probe)
    }

    /// When the next alarm wants a reading (None: no valid alarm). Cheap: the probe's lock only.
    pub fn due(&self) -> Option<Timestamp> {
        self.probe().next_alarm_due()
    }

    /// Steps the channels' events and the alarms due at `now`, each alarm reading a fresh copy
    /// of the workers' tables.
    pub fn step(&self, now: Timestamp) {
        let mut agent = udp::lock(&self.agent);
        match &self.shell {
            Some(shell) => shell.step_events(&mut agent, now, true),
            None => {
                // The deleted alarms and the events are in the log and the tables; with no
                // socket there is nowhere to send a trap.
                agent.step_alarms(now);
                for line in agent.take_log() {
                    eprintln!("rmonprobe: {line}");
                }
            }
        }
    }
}

/// A live probe without an agent: a thread steps `sampler` every 100 ms on `clock` until `stop`
/// is raised.
pub fn spawn_alarm_thread(
    sampler: AlarmSampler,
    clock: impl Fn() -> Timestamp + Send + 'static,
    stop: Arc<AtomicBool>,
) -> Result<JoinHandle<()>, StartError> {
    std::thread::Builder::new()
        .name("rmonprobe-alarms".into())
        .spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                sampler.step(clock());
                std::thread::sleep(POLL);
            }
        })
        .map_err(|e| StartError::Internal(format!("cannot start the alarm thread: {e}")))
}
