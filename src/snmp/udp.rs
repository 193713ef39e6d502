//! The agent's UDP shell: datagrams from the socket into [`Agent::handle`], answers back, the
//! state file saved after each change, alarms stepped between datagrams and their traps sent to
//! the trap sinks. Everything else is in the sans-IO core.

use std::io::ErrorKind;
use std::net::{IpAddr, Ipv4Addr, UdpSocket};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use crate::rmon::Timestamp;
use crate::snmp::agent::Agent;
use crate::snmp::backend::Backend;
use crate::snmp::notify::Notifier;
use crate::snmp::trap::TrapSink;
use crate::state::{self, EngineState, ProbeState};

/// How often a quiet agent looks at its stop flag and its alarms (an alarm's reading is at
/// most this late).
pub const POLL: Duration = Duration::from_millis(100);

/// Who steps the alarms of the agent a shell serves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AlarmClock {
    /// The shell, between datagrams, on the probe's clock as it reads then (a live probe: at
    /// most [`POLL`] late).
    Shell,
    /// A replay's reader, at each alarm's due time on the packets' clock, once every frame
    /// before that moment is counted (`pipeline::alarms`). The shell steps only the channels'
    /// events: stepping alarms on the wall clock would read the counters at whatever moment
    /// the replay had reached.
    Reader,
}

/// What the shell needs besides the agent.
pub struct Shell {
    pub socket: UdpSocket,
    /// Where SET changes are persisted (`--state`).
    pub state: Option<PathBuf>,
    /// Raised to end [`Shell::serve`].
    pub stop: Arc<AtomicBool>,
    pub alarm_clock: AlarmClock,
    /// Traps and informs for the sinks (`--trap-sink`), sent from the agent's socket; informs
    /// wait there for their acknowledgment.
    pub notifier: Mutex<Notifier>,
}

/// Locks the agent, which its shell shares with whoever else steps its alarms (a replay's
/// reader).
pub fn lock<T>(shared: &Mutex<T>) -> MutexGuard<'_, T> {
    // A thread that panicked while holding it left it between two requests: go on.
    shared.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Shell {
    /// A shell on `socket` that steps the alarms itself ([`AlarmClock::Shell`]).
    pub fn new(socket: UdpSocket, state: Option<PathBuf>, stop: Arc<AtomicBool>, trap_sinks: Vec<TrapSink>) -> Shell {
        Shell { socket, state, stop, alarm_clock: AlarmClock::Shell, notifier: Mutex::new(Notifier::new(trap_sinks)) }
    }

    /// Answers datagrams until `stop` is raised, with `clock` giving the probe's time.
    pub fn serve<B: Backend>(&self, agent: &Mutex<Agent<B>>, clock: impl Fn() -> Timestamp) {
        if let Err(e) = self.socket.set_read_timeout(Some(POLL)) {
            eprintln!("rmonprobe: snmp: cannot set a read timeout: {e}");
        }
        let mut buf = vec![0u8; 65536];
        while !self.stop.load(Ordering::Relaxed) {
            {
                let mut agent = lock(agent);
                self.step_events(&mut agent, clock(), self.alarm_clock == AlarmClock::Shell);
                self.send_due(&mut agent);
            }
            let (len, peer) = match self.socket.recv_from(&mut buf) {
                Ok(received) => received,
                Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut | ErrorKind::Interrupted) => {
                    continue;
                }
                // An ICMP error from an earlier answer, and the like: the next datagram is what
                // matters.
                Err(_) => continue,
            };
            let mut agent = lock(agent);
            // An inform's acknowledgment, or a v3 receiver's Report, is the notifier's.
            let time = agent.engine_time();
            let taken = lock(&self.notifier).receive(peer, &buf[..len], agent.usm(), time);
            if let Some(reply) = taken {
                agent.count_notification_reply();
                if let Some(datagram) = reply {
                    self.send(&mut agent, &[(peer, datagram)]);
                }
                continue;
            }
            let Some(answer) = agent.handle(clock(), peer, &buf[..len]) else { continue };
            if let Err(e) = self.socket.send_to(&answer, peer) {
                eprintln!("rmonprobe: snmp: cannot answer {peer}: {e}");
            }
            for line in agent.take_log() {
                eprintln!("rmonprobe: {line}");
            }
            if agent.take_changed() {
                self.save(&agent);
            }
        }
    }

    /// Steps the channels' events and, with `alarms`, the alarms that are due at `now`; sends
    /// what their events ask for to every sink, and saves the state when an alarm was deleted.
    pub fn step_events<B: Backend>(&self, agent: &mut Agent<B>, now: Timestamp, alarms: bool) {
        let run = if alarms { agent.step_alarms(now) } else { agent.step_channel_events(now) };
        for line in agent.take_log() {
            eprintln!("rmonprobe: {line}");
        }
        if !run.invalidated.is_empty() && agent.take_changed() {
            self.save(agent);
        }
        // A v1 trap names the agent's address; the socket's own, when it is bound to one.
        let agent_addr = match self.socket.local_addr().map(|a| a.ip()) {
            Ok(IpAddr::V4(ip)) => ip,
            _ => Ipv4Addr::UNSPECIFIED,
        };
        let time = agent.engine_time();
        let out = lock(&self.notifier).notify(&run.traps, agent_addr, agent.usm_mut(), time);
        self.send(agent, &out);
    }

    /// Sends the informs due again.
    fn send_due<B: Backend>(&self, agent: &mut Agent<B>) {
        let time = agent.engine_time();
        let out = {
            let mut notifier = lock(&self.notifier);
            if notifier.pending() == 0 {
                return;
            }
            notifier.due(agent.usm(), time)
        };
        self.send(agent, &out);
    }

    /// Sends notifications, counted in snmpOutPkts.
    fn send<B: Backend>(&self, agent: &mut Agent<B>, datagrams: &[(std::net::SocketAddr, Vec<u8>)]) {
        let mut sent = 0;
        for (addr, datagram) in datagrams {
            match self.socket.send_to(datagram, addr) {
                Ok(_) => sent += 1,
                Err(e) => eprintln!("rmonprobe: snmp: cannot send a notification to {addr}: {e}"),
            }
        }
        agent.count_sent_traps(sent);
    }

    fn save<B: Backend>(&self, agent: &Agent<B>) {
        let Some(path) = &self.state else { return };
        let system = agent.system();
        let state = ProbeState {
            rows: agent.backend().persistent_rows(),
            sys_contact: Some(system.contact.clone()),
            sys_name: Some(system.name.clone()),
            sys_location: Some(system.location.clone()),
            engine: agent.usm().map(|u| EngineState { engine_id: u.engine_id.clone(), boots: u.boots }),
            rows_saved: true,
        };
        if let Err(e) = state::save(path, &state) {
            eprintln!("rmonprobe: {}: cannot save the state: {e}", path.display());
        }
    }
}
