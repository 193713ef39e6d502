//! The agent's UDP shell: datagrams from the socket into [`Agent::handle`], answers back, the
//! state file saved after each change. Everything else is in the sans-IO core.

use std::io::ErrorKind;
use std::net::UdpSocket;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use crate::rmon::Timestamp;
use crate::snmp::agent::Agent;
use crate::snmp::backend::Backend;
use crate::state::{self, ProbeState};

/// How often a quiet agent looks at its stop flag.
const POLL: Duration = Duration::from_millis(100);

/// What the shell needs besides the agent.
pub struct Shell {
    pub socket: UdpSocket,
    /// Where SET changes are persisted (`--state`).
    pub state: Option<PathBuf>,
    /// Raised to end [`Shell::serve`].
    pub stop: Arc<AtomicBool>,
}

impl Shell {
    /// Answers datagrams until `stop` is raised, with `clock` giving the probe's time.
    pub fn serve<B: Backend>(&self, agent: &mut Agent<B>, clock: impl Fn() -> Timestamp) {
        if let Err(e) = self.socket.set_read_timeout(Some(POLL)) {
            eprintln!("rmonprobe: snmp: cannot set a read timeout: {e}");
        }
        let mut buf = vec![0u8; 65536];
        while !self.stop.load(Ordering::Relaxed) {
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
