//! Notifications out, sans-IO: an event's trap request made into a datagram for each sink (v1
//! and v2c traps, SNMPv3 traps of a configured user with the agent as authoritative engine), and
//! InformRequests (v2c, and v3 with the receiver as authoritative engine) kept in a bounded queue
//! and sent again with back-off until the receiver acknowledges them. The shell (`udp.rs`) sends
//! what comes out and hands in what comes back.
//!
//! A v3 inform needs the receiver's engine ID first (RFC 3414 4): the first send is a discovery
//! probe; the receiver's Report names its engine, boots and time; the user's keys are localized
//! to that engine (from the user's password keys, kept for this) and the inform goes out at
//! once, signed and encrypted. An authenticated notInTimeWindow Report sets the clock again.

use std::collections::{HashMap, VecDeque};
use std::net::{Ipv4Addr, SocketAddr};

use crate::rmon::event::TrapRequest;
use crate::snmp::ber::{self, tag};
use crate::snmp::message::{VarBind, Version, encode_message, write_pdu};
use crate::snmp::trap::{self, TrapSink};
use crate::snmp::usm::{Received, Usm, wire};

/// Informs waiting for their acknowledgment, at most; beyond, the oldest is given up.
pub const MAX_PENDING: usize = 256;
/// The first wait before an inform is sent again, doubled at each try up to [`MAX_RETRY_SECS`].
pub const FIRST_RETRY_SECS: u32 = 1;
pub const MAX_RETRY_SECS: u32 = 60;

/// What the notifier did, exact.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct NotifyCounters {
    pub traps: u64,
    /// InformRequests sent, first tries and retries.
    pub informs_sent: u64,
    pub informs_acknowledged: u64,
    /// Informs dropped unacknowledged because the queue was full.
    pub informs_given_up: u64,
}

/// An inform not yet acknowledged.
#[derive(Clone, Debug)]
struct Pending {
    sink: usize,
    /// The PDU's request-id and, for v3, the message's msgID.
    id: i32,
    community: Vec<u8>,
    varbinds: Vec<VarBind>,
    tries: u32,
    /// When to send it again (engine seconds).
    next_at: u32,
}

/// A v3 inform receiver as discovered: its engine, with the sink's user localized to it, and
/// its clock.
#[derive(Clone, Debug)]
struct Remote {
    usm: Usm,
    /// Its snmpEngineTime when `learned_at` (our engine seconds).
    time: u32,
    learned_at: u32,
}

impl Remote {
    fn time_now(&self, now: u32) -> u32 {
        self.time.saturating_add(now.saturating_sub(self.learned_at))
    }
}

/// The notifications' side of the agent.
#[derive(Debug, Default)]
pub struct Notifier {
    sinks: Vec<TrapSink>,
    pending: VecDeque<Pending>,
    remotes: HashMap<SocketAddr, Remote>,
    last_id: i32,
    pub counters: NotifyCounters,
}

impl Notifier {
    pub fn new(sinks: Vec<TrapSink>) -> Notifier {
        Notifier { sinks, ..Notifier::default() }
    }

    pub fn sinks(&self) -> &[TrapSink] {
        &self.sinks
    }

    /// Informs waiting for their acknowledgment.
    pub fn pending(&self) -> usize {
        self.pending.len()
    }

    fn next_id(&mut self) -> i32 {
        self.last_id = self.last_id.wrapping_add(1) & i32::MAX;
        self.last_id
    }

    /// The datagrams for `traps`, one per sink and trap; informs also join the queue. `usm` is
    /// the agent's engine (v3 sinks' users), `now` its engine seconds, `agent_addr` what a v1
    /// trap names as the agent.
    pub fn notify(
        &mut self,
        traps: &[TrapRequest],
        agent_addr: Ipv4Addr,
        mut usm: Option<&mut Usm>,
        now: u32,
    ) -> Vec<(SocketAddr, Vec<u8>)> {
        let mut out = Vec::new();
        for request in traps {
            let id = self.next_id();
            for (at, sink) in self.sinks.iter().enumerate() {
                if sink.inform {
                    let pending = Pending {
                        sink: at,
                        id,
                        community: request.community.clone(),
                        varbinds: trap::v2_varbinds(request),
                        tries: 0,
                        next_at: now,
                    };
                    if self.pending.len() == MAX_PENDING {
                        self.pending.pop_front();
                        self.counters.informs_given_up += 1;
                    }
                    self.pending.push_back(pending);
                    continue;
                }
                let datagram = match &sink.user {
                    None => trap::encode_for(sink, request, id, agent_addr),
                    Some(name) => {
                        let Some(usm) = usm.as_deref_mut() else { continue };
                        let Some(user) = usm.users.iter().position(|u| u.name == name.as_bytes()) else { continue };
                        let level = usm.users[user].level();
                        let varbinds = trap::v2_varbinds(request);
                        let scoped = wire::scoped_pdu(&usm.engine_id, b"", |w| {
                            write_pdu(w, tag::SNMPV2_TRAP, id, 0, 0, &varbinds)
                        });
                        usm.wrap(i64::from(id), level, Some(user), scoped, now)
                    }
                };
                self.counters.traps += 1;
                out.push((sink.addr, datagram));
            }
        }
        out.extend(self.due(usm.as_deref(), now));
        out
    }

    /// The informs whose time to be sent (again) has come.
    pub fn due(&mut self, usm: Option<&Usm>, now: u32) -> Vec<(SocketAddr, Vec<u8>)> {
        let mut out = Vec::new();
        for at in 0..self.pending.len() {
            if self.pending[at].next_at > now {
                continue;
            }
            let pending = &mut self.pending[at];
            pending.tries += 1;
            let wait = FIRST_RETRY_SECS.checked_shl(pending.tries - 1).unwrap_or(MAX_RETRY_SECS).min(MAX_RETRY_SECS);
            pending.next_at = now.saturating_add(wait);
            let pending = pending.clone();
            if let Some(datagram) = self.encode_inform(&pending, usm, now) {
                self.counters.informs_sent += 1;
                out.push((self.sinks[pending.sink].addr, datagram));
            }
        }
        out
    }

    /// An inform's datagram: v2c; v3 to a known receiver; else the discovery probe.
    fn encode_inform(&mut self, pending: &Pending, usm: Option<&Usm>, now: u32) -> Option<Vec<u8>> {
        let sink = self.sinks.get(pending.sink)?;
        let Some(name) = &sink.user else {
            return Some(encode_message(
                Version::V2c,
                &pending.community,
                tag::INFORM_REQUEST,
                pending.id,
                0,
                0,
                &pending.varbinds,
            ));
        };
        match self.remotes.get_mut(&sink.addr) {
            Some(remote) => {
                let user = remote.usm.users.iter().position(|u| u.name == name.as_bytes())?;
                let level = remote.usm.users[user].level() | wire::FLAG_REPORTABLE;
                let time = remote.time_now(now);
                let scoped = wire::scoped_pdu(&remote.usm.engine_id, b"", |w| {
                    write_pdu(w, tag::INFORM_REQUEST, pending.id, 0, 0, &pending.varbinds)
                });
                Some(remote.usm.wrap(i64::from(pending.id), level, Some(user), scoped, time))
            }
            None => {
                // Discovery: noAuthNoPriv, no engine ID, no user, an empty GetRequest.
                usm?;
                let mut probe = Usm::new(Vec::new(), 0, Vec::new(), 0);
                let scoped = wire::scoped_pdu(b"", b"", |w| write_pdu(w, tag::GET_REQUEST, pending.id, 0, 0, &[]));
                Some(probe.wrap(i64::from(pending.id), wire::FLAG_REPORTABLE, None, scoped, 0))
            }
        }
    }

    /// A datagram from `peer` that may concern an inform: its acknowledgment, or a v3
    /// receiver's Report. None: not the notifier's (the agent answers it); Some(reply): taken,
    /// with what to send back to `peer`, if anything.
    pub fn receive(&mut self, peer: SocketAddr, bytes: &[u8], usm: Option<&Usm>, now: u32) -> Option<Option<Vec<u8>>> {
        if self.pending.is_empty() {
            return None;
        }
        if wire::version_of(bytes) == Some(3) {
            return self.receive_v3(peer, bytes, usm, now);
        }
        // A v2c Response: SEQUENCE { version, community, Response-PDU { request-id, ... } }.
        let (message, _) = ber::read_tlv(bytes).ok()?;
        let (_, rest) = ber::read_tlv(message.content).ok()?;
        let (_, rest) = ber::read_tlv(rest).ok()?;
        let (pdu, _) = ber::read_tlv(rest).ok()?;
        if pdu.tag != tag::RESPONSE {
            return None;
        }
        let id = request_id(pdu.content)?;
        let at = self
            .pending
            .iter()
            .position(|p| p.id == id && self.sinks[p.sink].addr == peer && self.sinks[p.sink].user.is_none())?;
        self.pending.remove(at);
        self.counters.informs_acknowledged += 1;
        Some(None)
    }

    fn receive_v3(&mut self, peer: SocketAddr, bytes: &[u8], usm: Option<&Usm>, now: u32) -> Option<Option<Vec<u8>>> {
        let message = wire::decode(bytes).ok()?;
        let id = i32::try_from(message.msg_id).ok()?;
        let at = self
            .pending
            .iter()
            .position(|p| p.id == id && self.sinks[p.sink].addr == peer && self.sinks[p.sink].user.is_some())?;
        let name = self.sinks[self.pending[at].sink].user.clone()?;
        let known = self.remotes.get(&peer).is_some_and(|r| r.usm.engine_id == message.usm.engine_id);
        if !known {
            // The discovery Report: the receiver's engine, boots and time.
            let user = usm?.users.iter().find(|u| u.name == name.as_bytes())?;
            let engine_id = message.usm.engine_id.to_vec();
            if engine_id.is_empty() {
                return Some(None);
            }
            let boots = u32::try_from(message.usm.boots).unwrap_or(0);
            let remote = Remote {
                usm: Usm::new(engine_id.clone(), boots, vec![user.localized_to(&engine_id)], u64::from(now) << 32),
                time: u32::try_from(message.usm.time).unwrap_or(0),
                learned_at: now,
            };
            self.remotes.insert(peer, remote);
            let pending = self.pending[at].clone();
            self.counters.informs_sent += 1;
            return Some(self.encode_inform(&pending, usm, now));
        }
        let remote = self.remotes.get_mut(&peer)?;
        let time = remote.time_now(now);
        match remote.usm.receive(bytes, time) {
            Received::Accepted(accepted) if accepted.pdu_tag == tag::RESPONSE => {
                if request_id(&accepted.pdu) == Some(id) {
                    self.pending.remove(at);
                    self.counters.informs_acknowledged += 1;
                }
                Some(None)
            }
            Received::Accepted(accepted) if accepted.pdu_tag == tag::REPORT => {
                // An authenticated Report (notInTimeWindow): its boots and time are the
                // receiver's; send again with them.
                remote.usm.boots = u32::try_from(message.usm.boots).unwrap_or(remote.usm.boots);
                remote.time = u32::try_from(message.usm.time).unwrap_or(remote.time);
                remote.learned_at = now;
                let pending = self.pending[at].clone();
                self.counters.informs_sent += 1;
                Some(self.encode_inform(&pending, usm, now))
            }
            _ => {
                // An unauthenticated Report or a message that does not check out: it may be the
                // receiver's clock, unproven; the back-off sends again.
                if let (Ok(boots), Ok(time)) = (u32::try_from(message.usm.boots), u32::try_from(message.usm.time))
                    && message.flags & wire::FLAG_AUTH == 0
                    && boots != remote.usm.boots
                {
                    remote.usm.boots = boots;
                    remote.time = time;
                    remote.learned_at = now;
                }
                Some(None)
            }
        }
    }
}

/// The request-id at the front of a PDU's content.
fn request_id(pdu_content: &[u8]) -> Option<i32> {
    let (id, _) = ber::read_tlv(pdu_content).ok()?;
    if id.tag != tag::INTEGER {
        return None;
    }
    i32::try_from(ber::read_integer(id.content)?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snmp::trap::tests::rising;

    fn sink(text: &str) -> TrapSink {
        text.parse().unwrap()
    }

    /// The v2c Response a receiver sends for an inform of request-id `id`.
    fn ack(id: i32) -> Vec<u8> {
        encode_message(Version::V2c, b"traps", tag::RESPONSE, id, 0, 0, &[])
    }

    #[test]
    fn informs_are_sent_again_with_back_off_until_acknowledged() {
        let mut n = Notifier::new(vec![sink("127.0.0.1:1162/inform"), sink("127.0.0.1:1163")]);
        let out = n.notify(&[rising()], Ipv4Addr::LOCALHOST, None, 100);
        assert_eq!(out.len(), 2, "the trap and the inform's first try");
        assert_eq!(n.pending(), 1);
        // Due again 1 s later, then 2 s after that, then 4 s.
        assert!(n.due(None, 100).is_empty());
        assert_eq!(n.due(None, 101).len(), 1);
        assert!(n.due(None, 102).is_empty());
        assert_eq!(n.due(None, 103).len(), 1);
        assert!(n.due(None, 106).is_empty());
        assert_eq!(n.due(None, 107).len(), 1);
        // An acknowledgment from another address or of another id is not this inform's.
        let other: SocketAddr = "127.0.0.1:9".parse().unwrap();
        let receiver: SocketAddr = "127.0.0.1:1162".parse().unwrap();
        assert_eq!(n.receive(other, &ack(1), None, 108), None);
        assert_eq!(n.receive(receiver, &ack(2), None, 108), None);
        assert_eq!(n.receive(receiver, &ack(1), None, 108), Some(None));
        assert_eq!(n.pending(), 0);
        assert!(n.due(None, 500).is_empty());
        assert_eq!(n.counters.informs_sent, 4);
        assert_eq!(n.counters.informs_acknowledged, 1);
    }

    #[test]
    fn the_queue_is_bounded_and_gives_up_the_oldest() {
        let mut n = Notifier::new(vec![sink("127.0.0.1:1162/inform")]);
        for _ in 0..MAX_PENDING + 5 {
            n.notify(&[rising()], Ipv4Addr::LOCALHOST, None, 0);
        }
        assert_eq!(n.pending(), MAX_PENDING);
        assert_eq!(n.counters.informs_given_up, 5);
        // The retry interval stops growing.
        let mut n = Notifier::new(vec![sink("127.0.0.1:1162/inform")]);
        n.notify(&[rising()], Ipv4Addr::LOCALHOST, None, 0);
        let mut sends = 0;
        for now in 1..=1000 {
            sends += n.due(None, now).len();
        }
        assert!((16..=25).contains(&sends), "{sends} tries in 1000 s: 1, 2, 4, ... then every 60 s");
    }
}
