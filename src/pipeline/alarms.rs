//! Sampling the alarms on the probe's clock, with or without an SNMP agent.
//!
//! An alarm reads its variable through a port, "the value of this object now": with an SNMP
//! agent, the agent's whole MIB (so it can watch any integer the agent serves, its own snmp
//! counters included), which `snmp/serve.rs` plugs in as an [`AlarmStepper`]; without one, a
//! fresh [`Snapshot`](crate::rmon::Snapshot) of the workers' tables, which answers for the RMON,
//! HC-RMON and IF-MIB objects ([`Snapshot::get`](crate::rmon::Snapshot::get)).
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
use std::time::Duration;

use crate::pipeline::control::ControlPlane;
use crate::pipeline::workers::StartError;
use crate::rmon::{Probe, Sample, Timestamp};

/// How often a live probe without an agent steps its alarms (an agent's thread does it between
/// datagrams as often).
pub const POLL: Duration = Duration::from_millis(100);

/// What steps the channels' events and the alarms due at a moment, each alarm reading its
/// variable at that moment.
pub trait AlarmStepper: Send + Sync {
    fn step(&self, now: Timestamp);
}

/// Steps a probe's alarms and channel events.
pub struct AlarmSampler {
    stepper: Arc<dyn AlarmStepper>,
    probe: Arc<Mutex<Probe>>,
}

impl AlarmSampler {
    /// Samples through `stepper` (an SNMP agent's: see `snmp/serve.rs`).
    pub fn new(stepper: Arc<dyn AlarmStepper>, probe: Arc<Mutex<Probe>>) -> AlarmSampler {
        AlarmSampler { stepper, probe }
    }

    /// Samples without an agent: each alarm reads a fresh copy of the workers' tables. Its
    /// events log; with no agent there is nowhere to send a trap.
    pub fn unserved(control: ControlPlane, probe: Arc<Mutex<Probe>>) -> AlarmSampler {
        AlarmSampler::new(Arc::new(Unserved(Mutex::new(control))), probe)
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
        self.stepper.step(now);
    }
}

/// The alarms of a probe that no agent serves.
struct Unserved(Mutex<ControlPlane>);

impl AlarmStepper for Unserved {
    fn step(&self, now: Timestamp) {
        let mut control = self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let mut invalidated = control.run_channel_events(now).invalidated;
        if control.next_alarm_due().is_some_and(|due| due <= now) {
            let snapshot = control.alarm_snapshot(now);
            let run = control.run_alarms(now, &mut |oid| snapshot.get(oid.as_slice()).as_ref().and_then(Sample::of));
            invalidated.extend(run.invalidated);
        }
        for index in invalidated {
            eprintln!(
                "rmonprobe: alarm {index}: its variable is no longer served or not an integer; the row is deleted"
            );
        }
    }
}

/// A live probe without an agent: a thread steps `sampler` every [`POLL`] on `clock` until
/// `stop` is raised.
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
