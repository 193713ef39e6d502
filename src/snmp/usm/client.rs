//! USM's manager side: a blocking SNMPv3 client over UDP, for the terminal UI's remote mode
//! (csnmp speaks v2c only). It shares the agent's keys and message code: the agent is the
//! authoritative engine, so the client discovers it (RFC 3414 4: a Report to an empty engine ID
//! names it, its boots and its time), localizes the user's keys to it, and then sends and
//! checks messages with a [`Usm`] standing for that engine. A Report of notInTimeWindow sets
//! the clock again and the request is sent once more.

use std::net::{SocketAddr, UdpSocket};
use std::time::{Duration, Instant};

use super::wire::{self, FLAG_REPORTABLE};
use super::{AuthProtocol, PrivProtocol, Received, User, UserAccess, Usm};
use crate::snmp::ber::{Tlv, tag};
use crate::snmp::message::{ResponsePdu, VarBind, decode_response_pdu, write_pdu};
use crate::snmp::oid::Oid;
use crate::snmp::value::Value;

/// Tries per request (the first and the retries after a timeout).
const TRIES: u32 = 3;

/// A user's credentials as the command line gives them.
#[derive(Clone)]
pub struct Credentials {
    pub user: String,
    pub auth: Option<(AuthProtocol, String)>,
    pub privacy: Option<(PrivProtocol, String)>,
}

impl std::fmt::Debug for Credentials {
    /// The passwords stay out of every log line.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("user", &self.user)
            .field("auth", &self.auth.as_ref().map(|(p, _)| p.name()))
            .field("privacy", &self.privacy.as_ref().map(|(p, _)| p.name()))
            .finish()
    }
}

/// An SNMPv3 session with one agent.
pub struct Client {
    socket: UdpSocket,
    agent: SocketAddr,
    timeout: Duration,
    /// The agent's engine, with the user localized to it.
    engine: Usm,
    /// The agent's snmpEngineTime when `learned`.
    time: u32,
    learned: Instant,
    level: u8,
    last_id: i32,
}

impl Client {
    /// Discovers the agent's engine and readies the user's keys for it.
    pub fn connect(agent: SocketAddr, credentials: &Credentials, timeout: Duration) -> Result<Client, String> {
        let bind = if agent.is_ipv4() { "0.0.0.0:0" } else { "[::]:0" };
        let socket = UdpSocket::bind(bind).map_err(|e| format!("cannot open a UDP socket: {e}"))?;
        socket.connect(agent).map_err(|e| format!("{agent}: {e}"))?;
        socket.set_read_timeout(Some(timeout)).map_err(|e| format!("{agent}: {e}"))?;
        let level = match (&credentials.auth, &credentials.privacy) {
            (Some(_), Some(_)) => wire::FLAG_AUTH | wire::FLAG_PRIV,
            (Some(_), None) => wire::FLAG_AUTH,
            (None, None) => 0,
            (None, Some(_)) => return Err("privacy needs an authentication protocol too".into()),
        };
        let seed =
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(1, |d| d.as_nanos() as u64);
        let mut client = Client {
            socket,
            agent,
            timeout,
            engine: Usm::new(Vec::new(), 0, Vec::new(), seed),
            time: 0,
            learned: Instant::now(),
            level,
            last_id: (seed as i32 & 0x3fff_ffff).max(1),
        };
        // Discovery: an empty GetRequest, noAuthNoPriv, to no engine.
        let id = client.next_id();
        let scoped = wire::scoped_pdu(b"", b"", |w| write_pdu(w, tag::GET_REQUEST, id, 0, 0, &[]));
        let probe = client.engine.wrap(i64::from(id), FLAG_REPORTABLE, None, scoped, 0);
        let answer = client.exchange(&probe, id)?;
        let message = wire::decode(&answer).map_err(|e| format!("{agent}: discovery: {e}"))?;
        if message.usm.engine_id.is_empty() {
            return Err(format!("{agent}: discovery: the agent named no engine ID"));
        }
        let engine_id = message.usm.engine_id.to_vec();
        let user = User::new(
            &credentials.user,
            credentials.auth.as_ref().map(|(p, pw)| (*p, pw.as_str())),
            credentials.privacy.as_ref().map(|(p, pw)| (*p, pw.as_str())),
            UserAccess::Write,
            &engine_id,
        );
        client.engine =
            Usm::new(engine_id, u32::try_from(message.usm.boots).unwrap_or(0), vec![user], seed.rotate_left(32));
        client.time = u32::try_from(message.usm.time).unwrap_or(0);
        client.learned = Instant::now();
        Ok(client)
    }

    fn next_id(&mut self) -> i32 {
        self.last_id = self.last_id.wrapping_add(1) & i32::MAX;
        self.last_id
    }

    fn time_now(&self) -> u32 {
        self.time.saturating_add(u32::try_from(self.learned.elapsed().as_secs()).unwrap_or(u32::MAX))
    }

    /// Sends `datagram` and waits for the answer whose msgID is `id`, trying again on timeout.
    fn exchange(&self, datagram: &[u8], id: i32) -> Result<Vec<u8>, String> {
        let mut buf = vec![0u8; 65536];
        for _ in 0..TRIES {
            self.socket.send(datagram).map_err(|e| format!("{}: {e}", self.agent))?;
            let deadline = Instant::now() + self.timeout;
            while Instant::now() < deadline {
                match self.socket.recv(&mut buf) {
                    Ok(n) => {
                        let answer = &buf[..n];
                        if wire::decode(answer).is_ok_and(|m| m.msg_id == i64::from(id)) {
                            return Ok(answer.to_vec());
                        }
                    }
                    Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) => {
                        break;
                    }
                    Err(e) => return Err(format!("{}: {e}", self.agent)),
                }
            }
        }
        Err(format!("{}: no answer (timeout)", self.agent))
    }

    /// One request: a PDU of `pdu_tag` with `varbinds` (GetBulk's non-repeaters and
    /// max-repetitions in `second`, `third`), its answer checked and decrypted.
    pub fn request(
        &mut self,
        pdu_tag: u8,
        second: i64,
        third: i64,
        varbinds: &[VarBind],
    ) -> Result<ResponsePdu, String> {
        for _ in 0..2 {
            let id = self.next_id();
            let time = self.time_now();
            let scoped =
                wire::scoped_pdu(&self.engine.engine_id, b"", |w| write_pdu(w, pdu_tag, id, second, third, varbinds));
            let datagram = self.engine.wrap(i64::from(id), self.level | FLAG_REPORTABLE, Some(0), scoped, time);
            let answer = self.exchange(&datagram, id)?;
            let message = wire::decode(&answer).map_err(|e| format!("{}: {e}", self.agent))?;
            match self.engine.receive(&answer, self.time_now()) {
                Received::Accepted(accepted) => {
                    let pdu = decode_response_pdu(Tlv { tag: accepted.pdu_tag, content: &accepted.pdu })
                        .map_err(|e| format!("{}: {e}", self.agent))?;
                    if accepted.pdu_tag == tag::REPORT {
                        // An authenticated Report: the agent's clock, or a refusal.
                        if report_is(&pdu, NOT_IN_TIME_WINDOWS) {
                            self.resync(&message);
                            continue;
                        }
                        return Err(format!("{}: the agent refused: {}", self.agent, describe_report(&pdu)));
                    }
                    return Ok(pdu);
                }
                _ => {
                    // Not authenticated: a Report at noAuthNoPriv (an unknown user, a wrong
                    // digest) can still say why.
                    if let wire::MsgData::Plain(content) = message.data
                        && let Ok((_, _, pdu)) = wire::decode_scoped_pdu(content)
                        && let Ok(report) = decode_response_pdu(pdu)
                    {
                        if report_is(&report, NOT_IN_TIME_WINDOWS) {
                            self.resync(&message);
                            continue;
                        }
                        return Err(format!("{}: the agent refused: {}", self.agent, describe_report(&report)));
                    }
                    return Err(format!("{}: an answer that does not authenticate", self.agent));
                }
            }
        }
        Err(format!("{}: the agent's clock could not be followed (notInTimeWindow twice)", self.agent))
    }

    fn resync(&mut self, message: &wire::Message<'_>) {
        self.engine.boots = u32::try_from(message.usm.boots).unwrap_or(self.engine.boots);
        self.time = u32::try_from(message.usm.time).unwrap_or(self.time);
        self.learned = Instant::now();
    }

    /// The agent's engine ID.
    pub fn engine_id(&self) -> &[u8] {
        &self.engine.engine_id
    }
}

/// usmStatsNotInTimeWindows.0.
const NOT_IN_TIME_WINDOWS: [u32; 11] = [1, 3, 6, 1, 6, 3, 15, 1, 1, 2, 0];

fn report_is(pdu: &ResponsePdu, oid: [u32; 11]) -> bool {
    pdu.varbinds.first().is_some_and(|vb| vb.oid.as_slice() == oid)
}

/// A Report's counter by name.
fn describe_report(pdu: &ResponsePdu) -> String {
    let Some(vb) = pdu.varbinds.first() else { return "an empty Report".into() };
    let name = match vb.oid.as_slice() {
        [1, 3, 6, 1, 6, 3, 15, 1, 1, n, 0] => match n {
            1 => "usmStatsUnsupportedSecLevels",
            2 => "usmStatsNotInTimeWindows",
            3 => "usmStatsUnknownUserNames (no such user)",
            4 => "usmStatsUnknownEngineIDs",
            5 => "usmStatsWrongDigests (wrong authentication password?)",
            6 => "usmStatsDecryptionErrors (wrong privacy password?)",
            _ => "usmStats",
        },
        _ => "a Report",
    };
    format!("{name} ({})", Oid(vb.oid.0.clone()))
}

/// The value a GET answered (an exception included).
pub fn value_of(pdu: &ResponsePdu) -> Option<&Value> {
    pdu.varbinds.first().map(|vb| &vb.value)
}
