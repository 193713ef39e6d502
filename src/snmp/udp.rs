//! The agent's UDP shell: datagrams from the socket into [`Agent::handle`], answers back, the
//! state file saved after each change, alarms stepped between datagrams and their traps sent to
//! the trap sinks. Everything else is in the sans-IO core.

use std::io::ErrorKind;
use std::net::{IpAddr, Ipv4Addr, UdpSocket};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use crate::rmon::Timestamp;
use crate::snmp::agent::Agent;
use crate::snmp::backend::Backend;
use crate::snmp::trap::{self, TrapSink};
use crate::state::{self, ProbeState};

/// How often a quiet agent looks at its stop flag and its alarms (an alarm's reading is at
/// most this late).
const POLL: Duration = Duration::from_millis(100);

/// What the shell needs besides the agent.
pub struct Shell {
    pub socket: UdpSocket,
    /// Where SET changes are persisted (`--state`).
    pub state: Option<PathBuf>,
    /// Raised to end [`Shell::serve`].
    pub stop: Arc<AtomicBool>,
    /// Where the events' traps go (`--trap-sink`), sent from the agent's socket.
    pub trap_sinks: Vec<TrapSink>,
}

impl Shell {
    /// Answers datagrams until `stop` is raised, with `clock` giving the probe's time.
    pub fn serve<B: Backend>(&self, agent: &mut Agent<B>, clock: impl Fn() -> Timestamp) {
        if let Err(e) = self.socket.set_read_timeout(Some(POLL)) {
            eprintln!("rmonprobe: snmp: cannot set a read timeout: {e}");
        }
        let mut buf = vec![0u8; 65536];
        let mut request_id: i32 = 0;
        while !self.stop.load(Ordering::Relaxed) {
            self.step_alarms(agent, clock(), &mut request_id);
            let (len, peer) = match self.socket.recv_from(&mut buf) {
                Ok(received) => received,
                Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut | ErrorKind::Interrupted) => {
                    continue;
                }
                // An ICMP error from an earlier answer, and the like: the next datagram is what
                // matters.
                Err(_) => continue,
            };
            let Some(answer) = agent.handle(clock(), peer, &buf[..len]) else { continue };
            if let Err(e) = self.socket.send_to(&answer, peer) {
                eprintln!("rmonprobe: snmp: cannot answer {peer}: {e}");
            }
            for line in agent.take_log() {
                eprintln!("rmonprobe: {line}");
            }
            if agent.take_changed() {
                self.save(agent);
            }
        }
    }

    /// Steps the alarms and sends what their events ask for to every sink.
    fn step_alarms<B: Backend>(&self, agent: &mut Agent<B>, now: Timestamp, request_id: &mut i32) {
        let run = agent.step_alarms(now);
        for line in agent.take_log() {
            eprintln!("rmonprobe: {line}");
        }
        if !run.invalidated.is_empty() && agent.take_changed() {
            self.save(agent);
        }
        if run.traps.is_empty() || self.trap_sinks.is_empty() {
            return;
        }
        // A v1 trap names the agent's address; the socket's own, when it is bound to one.
        let agent_addr = match self.socket.local_addr().map(|a| a.ip()) {
            Ok(IpAddr::V4(ip)) => ip,
            _ => Ipv4Addr::UNSPECIFIED,
        };
        let mut sent = 0;
        for request in &run.traps {
            *request_id = request_id.wrapping_add(1) & i32::MAX;
            for sink in &self.trap_sinks {
                let datagram = trap::encode_for(sink, request, *request_id, agent_addr);
                match self.socket.send_to(&datagram, sink.addr) {
                    Ok(_) => sent += 1,
                    Err(e) => eprintln!("rmonprobe: snmp: cannot send a trap to {sink}: {e}"),
                }
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
        };
        if let Err(e) = state::save(path, &state) {
            eprintln!("rmonprobe: {}: cannot save the state: {e}", path.display());
        }
    }
}
