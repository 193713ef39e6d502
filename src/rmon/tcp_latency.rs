//! Passive TCP latency: how far each server and client is from the probe in time, told from the
//! TCP segments a mirror port shows both ways, without sending a packet.
//!
//! Two measures, per server (address, port) and per (client, server, port):
//!
//! - **Handshake delays.** For a connection whose handshake the probe sees whole, the server
//!   delay is the SYN/ACK's time less the SYN's (the probe to the server and back), the client
//!   delay the client's ACK of the SYN/ACK less the SYN/ACK's (the probe to the client and back).
//! - **RTT samples** from the TCP timestamp option (RFC 7323), as pping takes them: a TSval seen
//!   one way, the first echo of it in a TSecr the other way; so long-lived connections are
//!   measured all along, not only at their start.
//!
//! The rules, the same as `scripts/expected_latency_from_tshark.py` (the oracle the tests hold
//! this to) spells out:
//!
//! - **Roles.** The sender of a SYN (SYN set, ACK and RST clear) is the client; a SYN/ACK on a
//!   connection with no SYN seen makes its sender the server. A connection neither was seen on
//!   (it began before the probe looked) counts nowhere, its timestamps included. The server's and
//!   the pair's rows exist from then on, even if every figure stays 0.
//! - **Attempts.** A SYN starts a handshake attempt, unless it has the current attempt's
//!   sequence number: then it is that SYN seen again (even once the attempt ended, when it changes
//!   nothing). A SYN with another sequence number drops the open attempt, counting it nowhere, and
//!   forgets the connection's timestamps (port reuse). A SYN/ACK answers if its ack is the ISN + 1;
//!   the handshake completes on the first client segment with ACK set, SYN and RST clear,
//!   acknowledging the server's ISN + 1.
//! - **Karn.** A handshake whose SYN or SYN/ACK was seen more than once is counted in
//!   handshakesRetransmitted only: its delays are ambiguous.
//! - **Refused and unanswered.** A server's RST/ACK acknowledging the ISN + 1 before any SYN/ACK
//!   refuses the attempt. An attempt neither answered nor refused 10 seconds after its SYN (the
//!   probe's clock reaching it) is unanswered; one answered but not completed by then counts
//!   nowhere. So an answer exactly 10 s late is too late.
//! - **Timestamps.** A segment that carries the option and something the other side
//!   acknowledges (payload, SYN or FIN) records its TSval, first sighting only; a pure ACK or a
//!   RST records nothing (its echo would measure the other side's application, not the
//!   network). A TSecr that is not 0 echoes the TSval recorded the other way, first echo only, if
//!   recorded less than 10 s before. A client's TSval echoed by the server is a server-side
//!   sample, and the reverse. Each direction keeps its latest [`RECORDS`] TSvals.
//! - **Closed.** Once a side whose FIN was seen acknowledges the other side's FIN (the usual
//!   last ACK of a close), the connection is forgotten, after that segment's timestamps: later
//!   segments of it count nowhere, a SYN starts it afresh. So the table holds the connections
//!   still open, not every one a busy link has closed, and an attempt still open when its
//!   connection closes counts nowhere.
//!
//! Delays are microseconds, floored, of the probe's clock. Each shard keeps its own connections
//! and distributions (both directions of a connection reach the same worker: frames are spread
//! by their IP address pair); a read merges the shards' distributions. Tables are bounded, least
//! recently used out.

use std::hash::BuildHasher;

use hdrhistogram::Histogram;

use crate::mib::NetAddr;
use crate::mib::time::{NANOS_PER_SEC, Timestamp};
use crate::packet::network::TcpSegment;

pub use crate::mib::rmonprobe::tcp_latency::{TcpLatencyPairEntry, TcpLatencyServerEntry};
use crate::rmon::table::{LruTable, TableHasher, TableKey};

/// How long an attempt may wait for its answer, and a recorded TSval for its echo.
pub const TIMEOUT_NS: u64 = 10 * NANOS_PER_SEC;
/// TSvals kept per direction of a connection: enough for the echoes of a LAN or a WAN path at
/// the usual 1 ms timestamp clock; a TSval pushed out before its echo gives no sample.
pub const RECORDS: usize = 8;
/// Samples a distribution keeps exactly before it turns them into an HdrHistogram (3
/// significant digits), so the many rows with a few samples stay small.
const EXACT_SAMPLES: usize = 32;

/// One end of a TCP connection.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Endpoint {
    pub address: NetAddr,
    pub port: u16,
}

/// A (client, server) pair: the client's address, the server's address and port.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PairKey {
    pub client: NetAddr,
    pub server: Endpoint,
}

impl TableKey for Endpoint {}
impl TableKey for PairKey {}

/// Microsecond samples: their count, exact minimum and maximum, and their distribution.
#[derive(Clone, Debug, Default)]
pub struct Distribution {
    pub count: u64,
    pub min: u64,
    pub max: u64,
    /// Of every sample, exact (a Prometheus histogram's `_sum`).
    pub sum: u64,
    /// The first [`EXACT_SAMPLES`] samples; then None, and the histogram holds them all.
    exact: Vec<u64>,
    histogram: Option<Box<Histogram<u32>>>,
}

impl Distribution {
    pub fn record(&mut self, us: u64) {
        self.min = if self.count == 0 { us } else { self.min.min(us) };
        self.max = self.max.max(us);
        self.count += 1;
        self.sum = self.sum.saturating_add(us);
        self.keep(us);
    }

    /// Keeps one sample: exactly while there are few, else in the histogram.
    fn keep(&mut self, us: u64) {
        match &mut self.histogram {
            Some(h) => Self::put(h, us),
            None if self.exact.len() < EXACT_SAMPLES => self.exact.push(us),
            None => Self::put(self.promoted(), us),
        }
    }

    /// The histogram, made from the exact samples if there is none yet.
    fn promoted(&mut self) -> &mut Histogram<u32> {
        let exact = &mut self.exact;
        self.histogram.get_or_insert_with(|| {
            let mut h = Box::new(Self::histogram());
            exact.drain(..).for_each(|v| Self::put(&mut h, v));
            h
        })
    }

    /// Records into an auto-resizing histogram (growing it); at worst, at its highest value.
    fn put(h: &mut Histogram<u32>, value: u64) {
        if h.record(value).is_err() {
            h.saturating_record(value);
        }
    }

    fn histogram() -> Histogram<u32> {
        // Auto-resizing from 1 us with 3 significant digits: 8 KiB for LAN delays, more as they grow.
        let mut h = Histogram::new(3).unwrap_or_else(|_| unreachable!("3 significant digits are in range"));
        h.auto(true);
        h
    }

    /// Adds another shard's samples.
    pub fn merge(&mut self, other: &Distribution) {
        if other.count == 0 {
            return;
        }
        self.min = if self.count == 0 { other.min } else { self.min.min(other.min) };
        self.max = self.max.max(other.max);
        self.count += other.count;
        self.sum = self.sum.saturating_add(other.sum);
        match &other.histogram {
            Some(o) => {
                // Both auto-resize: adding cannot run out of range.
                let _ = self.promoted().add(o.as_ref());
            }
            None => other.exact.iter().for_each(|v| self.keep(*v)),
        }
    }

    /// How many samples fall in each bucket of upper bounds `bounds` (ascending, inclusive),
    /// and after the last (the `+Inf` bucket): exact while the samples are few, to the
    /// histogram's 3 significant digits after.
    pub fn buckets(&self, bounds: &[u64]) -> Vec<u64> {
        let mut counts = vec![0u64; bounds.len() + 1];
        let mut put = |value: u64, n: u64| {
            let at = bounds.partition_point(|b| *b < value);
            counts[at] += n;
        };
        match &self.histogram {
            Some(h) => h
                .iter_recorded()
                .for_each(|v| put(h.median_equivalent(v.value_iterated_to()), u64::from(v.count_at_value()))),
            None => self.exact.iter().for_each(|v| put(*v, 1)),
        }
        counts
    }

    /// The value at `quantile` (0.5: the median), within the exact minimum and maximum; None
    /// without samples. Exact while the samples are few, to 3 significant digits after.
    pub fn quantile(&self, quantile: f64) -> Option<u64> {
        if self.count == 0 {
            return None;
        }
        let value = match &self.histogram {
            Some(h) => h.value_at_quantile(quantile),
            None => {
                let mut sorted = self.exact.clone();
                sorted.sort_unstable();
                // The nearest rank: the smallest sample with at least `quantile` of them at or below it.
                let rank = ((quantile * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
                sorted[rank - 1]
            }
        };
        Some(value.clamp(self.min, self.max))
    }
}

/// What one server, or one pair, has shown.
#[derive(Clone, Debug, Default)]
pub struct LatencyStats {
    pub handshakes: u64,
    pub handshakes_retransmitted: u64,
    pub refused: u64,
    pub unanswered: u64,
    pub server_delay: Distribution,
    pub client_delay: Distribution,
    /// Timestamp samples of the probe -> server -> probe side, and of the client side.
    pub server_rtt: Distribution,
    pub client_rtt: Distribution,
}

impl LatencyStats {
    pub fn merge(&mut self, o: &LatencyStats) {
        self.handshakes += o.handshakes;
        self.handshakes_retransmitted += o.handshakes_retransmitted;
        self.refused += o.refused;
        self.unanswered += o.unanswered;
        self.server_delay.merge(&o.server_delay);
        self.client_delay.merge(&o.client_delay);
        self.server_rtt.merge(&o.server_rtt);
        self.client_rtt.merge(&o.client_rtt);
    }

    /// Both sides' timestamp samples together.
    pub fn rtt(&self) -> Distribution {
        let mut d = self.server_rtt.clone();
        d.merge(&self.client_rtt);
        d
    }
}

/// A connection by its two ends, the lower first, so that both directions find it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
struct ConnectionKey {
    low: Endpoint,
    high: Endpoint,
}

impl TableKey for ConnectionKey {}

impl ConnectionKey {
    fn of(a: Endpoint, b: Endpoint) -> Self {
        if a <= b { ConnectionKey { low: a, high: b } } else { ConnectionKey { low: b, high: a } }
    }
}

/// One handshake attempt.
#[derive(Clone, Copy, Debug, Default)]
struct Attempt {
    /// The client's initial sequence number.
    isn: u32,
    syn_time: Timestamp,
    syns: u32,
    /// The first answering SYN/ACK's time and the server's ISN.
    answer: Option<(Timestamp, u32)>,
    synacks: u32,
    /// Completed, refused, unanswered or given up: nothing more happens to it.
    ended: bool,
}

/// The TSvals recorded one way: the latest [`RECORDS`], in a ring. The values sit together
/// (one look at 32 octets finds a TSval or its echo); their times are read only on a match.
#[derive(Clone, Copy, Debug, Default)]
#[repr(C)]
struct Sent {
    tsvals: [u32; RECORDS],
    /// One bit per record: holds a TSval; that TSval has been echoed.
    used: u8,
    echoed: u8,
    /// The record the next TSval goes to.
    next: u8,
    times: [Timestamp; RECORDS],
}

impl Sent {
    /// The record holding `tsval`, if any.
    fn find(&self, tsval: u32) -> Option<usize> {
        (0..RECORDS).find(|&i| self.used & (1 << i) != 0 && self.tsvals[i] == tsval)
    }

    /// Records `tsval` sent at `now`, unless it was recorded less than [`TIMEOUT_NS`] before.
    fn record(&mut self, tsval: u32, now: Timestamp) {
        let at = match self.find(tsval) {
            Some(i) if now.since(self.times[i]) >= TIMEOUT_NS => i,
            Some(_) => return,
            None => {
                let at = usize::from(self.next);
                self.next = ((at + 1) % RECORDS) as u8;
                at
            }
        };
        self.tsvals[at] = tsval;
        self.times[at] = now;
        self.used |= 1 << at;
        self.echoed &= !(1 << at);
    }

    /// The sample an echo of `tsecr` at `now` gives: its first echo, within [`TIMEOUT_NS`].
    fn echo(&mut self, tsecr: u32, now: Timestamp) -> Option<u64> {
        let i = self.find(tsecr).filter(|i| self.echoed & (1 << i) == 0)?;
        let since = now.since(self.times[i]);
        if since >= TIMEOUT_NS {
            return None;
        }
        self.echoed |= 1 << i;
        Some(since / 1000)
    }
}

/// What a connection has shown and its server's and pair's rows do not have yet: its
/// handshake's outcome and up to [`HELD_SAMPLES`] RTT samples. They are added to the rows when
/// the hold is full and when the connection closes, is pushed out or starts again, so that a
/// segment costs no look-up of the two rows: those lie all over large tables, the connection is
/// in cache already. Readers add what the connections hold to what they read
/// ([`TcpLatencyTable::held`]), so nothing read ever lags.
#[derive(Clone, Copy, Debug, Default)]
struct Held {
    /// A handshake completed: its server and client delays, in microseconds (both under
    /// [`TIMEOUT_NS`], so they fit).
    handshake: Option<(u32, u32)>,
    retransmitted: u8,
    refused: u8,
    /// RTT samples, in microseconds (under [`TIMEOUT_NS`]).
    rtt: [u32; HELD_SAMPLES],
    samples: u8,
    /// One bit per sample: a server-side sample (the client's TSval, echoed by the server).
    server_side: u8,
}

/// RTT samples a connection holds before adding them to its rows.
const HELD_SAMPLES: usize = 6;

impl Held {
    fn is_empty(&self) -> bool {
        self.handshake.is_none() && self.retransmitted == 0 && self.refused == 0 && self.samples == 0
    }

    /// Holds one sample; true once the hold is full.
    fn sample(&mut self, server_side: bool, us: u64) -> bool {
        let at = usize::from(self.samples);
        self.rtt[at] = u32::try_from(us).unwrap_or(u32::MAX);
        self.server_side |= u8::from(server_side) << at;
        self.samples += 1;
        usize::from(self.samples) == HELD_SAMPLES
    }

    /// Adds what is held to `stats`.
    fn add_to(&self, stats: &mut LatencyStats) {
        if let Some((server_us, client_us)) = self.handshake {
            stats.handshakes += 1;
            stats.server_delay.record(u64::from(server_us));
            stats.client_delay.record(u64::from(client_us));
        }
        stats.handshakes_retransmitted += u64::from(self.retransmitted);
        stats.refused += u64::from(self.refused);
        for (i, us) in self.rtt[..usize::from(self.samples)].iter().enumerate() {
            if self.server_side & (1 << i) != 0 {
                stats.server_rtt.record(u64::from(*us));
            } else {
                stats.client_rtt.record(u64::from(*us));
            }
        }
    }
}

/// What the probe follows of one connection. Its key holds both ends; which is the client is
/// all it adds. Laid out so that what every segment reads (the roles, the FINs, the attempt,
/// the TSvals) is in the first three cache lines of its table slot, which
/// [`TcpLatencyTable::prefetch`] loads ahead.
#[derive(Clone, Copy, Debug, Default)]
#[repr(C)]
struct Connection {
    /// Whether the key's lower end is the client; None until a SYN or SYN/ACK shows the roles.
    client_is_low: Option<bool>,
    /// Each way's FIN, as the ack number that acknowledges it (sequence + payload + 1).
    fins: [Option<u32>; 2],
    attempt: Option<Attempt>,
    held: Held,
    /// The TSvals recorded each way: 0 client to server, 1 server to client.
    sent: [Sent; 2],
}

impl Connection {
    /// (client, server), once known.
    fn roles(&self, key: &ConnectionKey) -> Option<(Endpoint, Endpoint)> {
        self.client_is_low.map(|low| if low { (key.low, key.high) } else { (key.high, key.low) })
    }

    /// Its (client, server) and what it holds for their rows, the hold emptied; None without
    /// roles.
    fn take_held(&mut self, key: &ConnectionKey) -> Option<(Endpoint, Endpoint, Held)> {
        let (client, server) = self.roles(key)?;
        Some((client, server, std::mem::take(&mut self.held)))
    }

    /// Makes `client` the client of the connection `key`.
    fn set_client(&mut self, key: &ConnectionKey, client: Endpoint) {
        self.client_is_low = Some(client == key.low);
    }
}

/// How many servers, pairs and connections a shard keeps for one data source.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LatencyLimits {
    pub servers: usize,
    pub pairs: usize,
    pub connections: usize,
}

/// One shard's passive TCP latency of one data source.
#[derive(Clone, Debug)]
pub struct TcpLatencyTable {
    connections: LruTable<ConnectionKey, Connection>,
    servers: LruTable<Endpoint, LatencyStats>,
    pairs: LruTable<PairKey, LatencyStats>,
    /// Attempts waiting for their 10 seconds, in SYN order (the clock never goes back): when
    /// each is due, and which attempt.
    pending: std::collections::VecDeque<(Timestamp, ConnectionKey, u32)>,
    /// The most attempts waiting at once: twice the connections followed. A SYN flood beyond it
    /// forgets the oldest (their connections have been pushed out of the table anyway), so
    /// memory stays bounded; those attempts count nowhere.
    max_pending: usize,
}

impl TcpLatencyTable {
    pub fn new(limits: LatencyLimits, hasher: TableHasher) -> Self {
        TcpLatencyTable {
            connections: LruTable::with_hasher(limits.connections.max(1), hasher.clone()),
            servers: LruTable::with_hasher(limits.servers.max(1), hasher.clone()),
            pairs: LruTable::with_hasher(limits.pairs.max(1), hasher),
            pending: std::collections::VecDeque::new(),
            max_pending: 2 * limits.connections.max(1),
        }
    }

    /// A copy of the figures (servers and pairs, with the samples the connections hold) without
    /// the connections being followed: what a reader needs, at a fraction of the memory.
    pub fn readings(&self) -> TcpLatencyTable {
        let mut copy = TcpLatencyTable {
            connections: LruTable::new(1),
            servers: self.servers.clone(),
            pairs: self.pairs.clone(),
            pending: std::collections::VecDeque::new(),
            max_pending: 0,
        };
        for (client, server, held) in self.held() {
            copy.rows(client, server, |s| held.add_to(s));
        }
        copy
    }

    /// The rows of a connection's server and pair, made if new, for `change` to update.
    fn rows(&mut self, client: Endpoint, server: Endpoint, change: impl Fn(&mut LatencyStats)) {
        let (s, _) = self.servers.get_or_insert_with(server, LatencyStats::default);
        change(s);
        let (p, _) = self.pairs.get_or_insert_with(PairKey { client: client.address, server }, LatencyStats::default);
        change(p);
    }

    /// Moves the clock to `now`: attempts 10 s old are unanswered, or given up.
    pub fn tick(&mut self, now: Timestamp) {
        while let Some(&(due, key, isn)) = self.pending.front() {
            if due > now {
                break;
            }
            self.pending.pop_front();
            let Some(c) = self.connections.get_mut(&key) else { continue };
            let roles = c.roles(&key);
            let (Some(a), Some((client, server))) = (&mut c.attempt, roles) else { continue };
            if a.isn != isn || a.ended {
                continue;
            }
            a.ended = true;
            if a.answer.is_none() {
                self.rows(client, server, |s| s.unanswered += 1);
            }
        }
    }

    /// The hash of the connection between `a` and `b` (either way) under `hasher`, the one the
    /// table was made with: for [`TcpLatencyTable::prefetch`] and
    /// [`TcpLatencyTable::count_hashed`].
    pub fn connection_hash(hasher: &TableHasher, a: Endpoint, b: Endpoint) -> u64 {
        hasher.hash_one(ConnectionKey::of(a, b))
    }

    /// Starts loading the slot of the connection of hash `hash` (see [`LruTable::prefetch`]):
    /// the lines of its key, attempt and TSvals.
    pub fn prefetch(&self, hash: u64) {
        self.connections.prefetch_with(hash, |_, c| {
            std::hint::black_box((c.fins[0], c.attempt.map(|a| a.isn), c.sent[1].tsvals[0]));
        });
    }

    /// Follows one TCP segment from `src` to `dst` at `now`.
    pub fn count(&mut self, now: Timestamp, src: Endpoint, dst: Endpoint, seg: &TcpSegment) {
        let hash = self.connections.hash(&ConnectionKey::of(src, dst));
        self.count_hashed(now, src, dst, seg, hash);
    }

    /// [`TcpLatencyTable::count`] with the connection's hash already known.
    pub fn count_hashed(&mut self, now: Timestamp, src: Endpoint, dst: Endpoint, seg: &TcpSegment, hash: u64) {
        self.tick(now);
        let key = ConnectionKey::of(src, dst);
        let (syn, ack, rst) = (seg.has(TcpSegment::SYN), seg.has(TcpSegment::ACK), seg.has(TcpSegment::RST));
        let opens = syn && !rst;
        // Samples to add to their rows once the connection is let go: those of a connection
        // pushed out, of an attempt a new one replaces, or a full hold.
        let mut release: [Option<(Endpoint, Endpoint, Held)>; 3] = [None, None, None];
        let c = if opens {
            let (c, evicted) = self.connections.get_or_insert_with_hashed(key, hash, Connection::default);
            release[0] = evicted.and_then(|(k, mut gone)| gone.take_held(&k));
            c
        } else {
            match self.connections.get_mut_hashed(&key, hash) {
                Some(c) => c,
                None => return,
            }
        };
        if syn && !ack && !rst {
            if !c.held.is_empty() {
                release[1] = c.take_held(&key);
            }
            c.set_client(&key, src);
            match &mut c.attempt {
                Some(a) if a.isn == seg.seq => {
                    if !a.ended {
                        a.syns += 1;
                    }
                }
                _ => {
                    c.attempt = Some(Attempt { isn: seg.seq, syn_time: now, syns: 1, ..Attempt::default() });
                    c.sent = Default::default();
                    c.fins = [None; 2];
                    self.pending.push_back((Timestamp(now.0.saturating_add(TIMEOUT_NS)), key, seg.seq));
                    if self.pending.len() > self.max_pending {
                        self.pending.pop_front();
                    }
                }
            }
        } else if syn && ack && !rst {
            if c.client_is_low.is_none() {
                c.set_client(&key, dst);
            }
            let roles = c.roles(&key);
            if let (Some(a), Some((_, server))) = (&mut c.attempt, roles)
                && src == server
                && !a.ended
                && seg.ack == a.isn.wrapping_add(1)
            {
                match a.answer {
                    None => a.answer = Some((now, seg.seq)),
                    Some(_) => a.synacks += 1,
                }
                a.synacks = a.synacks.max(1);
            }
        } else if let roles = c.roles(&key)
            && let (Some(a), Some((client, server))) = (&mut c.attempt, roles)
            && !a.ended
        {
            if rst && ack && !syn && src == server && a.answer.is_none() && seg.ack == a.isn.wrapping_add(1) {
                a.ended = true;
                c.held.refused += 1;
            } else if ack
                && !syn
                && !rst
                && src == client
                && let Some((answered, server_isn)) = a.answer
                && seg.ack == server_isn.wrapping_add(1)
            {
                a.ended = true;
                if a.syns > 1 || a.synacks > 1 {
                    c.held.retransmitted += 1;
                } else {
                    let us = |from: Timestamp, to: Timestamp| u32::try_from(to.since(from) / 1000).unwrap_or(u32::MAX);
                    c.held.handshake = Some((us(a.syn_time, answered), us(answered, now)));
                }
            }
        }
        // Timestamps, on connections with roles.
        let mut sample: Option<(bool, u64)> = None;
        let mut closes = false;
        let roles = c.roles(&key);
        if let Some((client, _)) = roles
            && !syn
            && !rst
        {
            let direction = usize::from(src != client);
            closes = ack && c.fins[direction].is_some() && c.fins[1 - direction] == Some(seg.ack);
            if seg.has(TcpSegment::FIN) {
                c.fins[direction] = Some(seg.seq.wrapping_add(seg.payload).wrapping_add(1));
            }
        }
        if let (Some((client, _)), Some((tsval, tsecr))) = (roles, seg.timestamps) {
            let direction = usize::from(src != client);
            if tsecr != 0
                && let Some(us) = c.sent[1 - direction].echo(tsecr, now)
            {
                // Echoed by the server: the client's TSval went there and back.
                sample = Some((direction == 1, us));
            }
            let carries = seg.payload > 0 || syn || seg.has(TcpSegment::FIN);
            if carries && !rst {
                c.sent[direction].record(tsval, now);
            }
        }
        if let Some((server_side, us)) = sample
            && c.held.sample(server_side, us)
        {
            release[1] = c.take_held(&key);
        }
        if closes {
            release[2] = self.connections.remove(&key).and_then(|mut gone| gone.take_held(&key));
        }
        // The rows are made if need be: a connection's rows exist from the segment that gave it
        // its roles, as readers see it.
        for (client, server, held) in release.into_iter().flatten() {
            self.rows(client, server, |s| held.add_to(s));
        }
    }

    /// What the connections hold, with their (client, server): every connection with roles,
    /// for a reader to add to the rows it reads (and to make those that do not exist yet).
    fn held(&self) -> impl Iterator<Item = (Endpoint, Endpoint, &Held)> {
        self.connections.iter().filter_map(|(k, c)| {
            let (client, server) = c.roles(k)?;
            Some((client, server, &c.held))
        })
    }
}

impl LatencyStats {
    /// The distributions' figures as a row reads them: server delay, client delay, RTT.
    fn figures(&self) -> Figures {
        let delay = |d: &Distribution| {
            [d.quantile(0.0), d.quantile(0.5), d.quantile(0.9), d.quantile(0.99), (d.count > 0).then_some(d.max)]
        };
        let rtt = self.rtt();
        Figures {
            server: delay(&self.server_delay),
            client: delay(&self.client_delay),
            rtt_samples: rtt.count,
            rtt: [rtt.quantile(0.0), rtt.quantile(0.5), rtt.quantile(0.99), (rtt.count > 0).then_some(rtt.max)],
        }
    }
}

/// Minimum, p50, p90, p99 and maximum of both delays; the RTT samples' count, minimum, p50, p99
/// and maximum.
struct Figures {
    server: [Option<u64>; 5],
    client: [Option<u64>; 5],
    rtt_samples: u64,
    rtt: [Option<u64>; 4],
}

/// tcpLatencyServerTable and tcpLatencyPairTable of data source `if_index`, merged over the
/// shards' `tables`, in index order.
pub fn entries(if_index: u32, tables: &[&TcpLatencyTable]) -> (Vec<TcpLatencyServerEntry>, Vec<TcpLatencyPairEntry>) {
    // The two entries share every figure's field; only their index fields differ.
    macro_rules! entry {
        ($entry:ident { $($index:ident: $value:expr),+ }, $stats:expr) => {{
            let s: &LatencyStats = $stats;
            let f = s.figures();
            $entry {
                $($index: $value,)+
                handshakes: s.handshakes,
                handshakes_retransmitted: s.handshakes_retransmitted,
                refused: s.refused,
                unanswered: s.unanswered,
                server_delay_min_us: f.server[0],
                server_delay_p50_us: f.server[1],
                server_delay_p90_us: f.server[2],
                server_delay_p99_us: f.server[3],
                server_delay_max_us: f.server[4],
                client_delay_min_us: f.client[0],
                client_delay_p50_us: f.client[1],
                client_delay_p90_us: f.client[2],
                client_delay_p99_us: f.client[3],
                client_delay_max_us: f.client[4],
                rtt_samples: f.rtt_samples,
                rtt_min_us: f.rtt[0],
                rtt_p50_us: f.rtt[1],
                rtt_p99_us: f.rtt[2],
                rtt_max_us: f.rtt[3],
                if_index,
            }
        }};
    }
    let (servers, pairs) = merge(tables);
    let mut servers: Vec<TcpLatencyServerEntry> = servers
        .iter()
        .map(|(k, s)| entry!(TcpLatencyServerEntry { server_address: k.address, server_port: k.port }, s))
        .collect();
    let mut pairs: Vec<TcpLatencyPairEntry> = pairs
        .iter()
        .map(|(k, s)| {
            entry!(
                TcpLatencyPairEntry {
                    client_address: k.client,
                    server_address: k.server.address,
                    server_port: k.server.port
                },
                s
            )
        })
        .collect();
    // Index order: an address index is length-prefixed, so IPv4 before IPv6.
    servers.sort_by(|a, b| {
        (a.server_address.as_bytes().len(), a.server_address, a.server_port).cmp(&(
            b.server_address.as_bytes().len(),
            b.server_address,
            b.server_port,
        ))
    });
    pairs.sort_by_key(|p| {
        (
            p.client_address.as_bytes().len(),
            p.client_address,
            p.server_address.as_bytes().len(),
            p.server_address,
            p.server_port,
        )
    });
    (servers, pairs)
}

/// Servers and pairs, each with what it showed.
pub type Merged = (Vec<(Endpoint, LatencyStats)>, Vec<(PairKey, LatencyStats)>);

/// The servers and pairs of several shards' tables, each summed, in key order.
pub fn merge(tables: &[&TcpLatencyTable]) -> Merged {
    let mut servers: std::collections::BTreeMap<Endpoint, LatencyStats> = Default::default();
    let mut pairs: std::collections::BTreeMap<PairKey, LatencyStats> = Default::default();
    for t in tables {
        for (k, s) in t.servers.iter() {
            servers.entry(*k).or_default().merge(s);
        }
        for (k, s) in t.pairs.iter() {
            pairs.entry(*k).or_default().merge(s);
        }
        for (client, server, held) in t.held() {
            held.add_to(servers.entry(server).or_default());
            held.add_to(pairs.entry(PairKey { client: client.address, server }).or_default());
        }
    }
    (servers.into_iter().collect(), pairs.into_iter().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: u64 = 1_000_000;

    fn ep(last: u8, port: u16) -> Endpoint {
        Endpoint { address: NetAddr::v4([10, 0, 0, last]), port }
    }

    fn seg(flags: u8, seq: u32, ack: u32, payload: u32, ts: Option<(u32, u32)>) -> TcpSegment {
        TcpSegment { flags, seq, ack, payload, timestamps: ts }
    }

    fn table() -> TcpLatencyTable {
        TcpLatencyTable::new(LatencyLimits { servers: 16, pairs: 16, connections: 16 }, TableHasher::default())
    }

    const SYN: u8 = TcpSegment::SYN;
    const ACK: u8 = TcpSegment::ACK;
    const RST: u8 = TcpSegment::RST;
    const FIN: u8 = TcpSegment::FIN;

    fn server(t: &TcpLatencyTable, port: u16) -> LatencyStats {
        // As a reader sees it: the samples the connections hold included.
        merge(&[t]).0.into_iter().find(|(k, _)| k.port == port).map(|(_, s)| s).unwrap_or_default()
    }

    #[test]
    fn a_whole_handshake_gives_both_delays_and_timestamps_give_rtt() {
        let mut t = table();
        let (c, s) = (ep(1, 40000), ep(2, 80));
        t.count(Timestamp(0), c, s, &seg(SYN, 100, 0, 0, Some((5, 0))));
        t.count(Timestamp(3 * MS + 999), s, c, &seg(SYN | ACK, 900, 101, 0, Some((70, 5))));
        t.count(Timestamp(5 * MS), c, s, &seg(ACK, 101, 901, 0, Some((6, 70))));
        // Data: TSval 7 recorded, echoed by the server's pure ACK 2 ms later.
        t.count(Timestamp(6 * MS), c, s, &seg(ACK, 101, 901, 100, Some((7, 70))));
        t.count(Timestamp(8 * MS), s, c, &seg(ACK, 901, 201, 0, Some((71, 7))));
        // A second echo of 7 gives nothing; a pure ACK's TSval is not recorded.
        t.count(Timestamp(9 * MS), s, c, &seg(ACK, 901, 201, 0, Some((72, 7))));
        let st = server(&t, 80);
        // 3.000999 ms and 1.999001 ms, floored to microseconds.
        assert_eq!((st.handshakes, st.server_delay.min, st.client_delay.max), (1, 3000, 1999));
        // Server side: the SYN's TSval echoed by the SYN/ACK (3000 us), the data's (2000 us).
        assert_eq!((st.server_rtt.count, st.server_rtt.min, st.server_rtt.max), (2, 2000, 3000));
        // Client side: the SYN/ACK's TSval 70 echoed by the client's ACK.
        assert_eq!((st.client_rtt.count, st.client_rtt.min), (1, 1999));
        assert_eq!(st.rtt().count, 3);
        let pair = merge(&[&t]).1[0].0;
        assert_eq!((pair.client, pair.server), (c.address, s));
    }

    #[test]
    fn retransmitted_refused_and_unanswered_handshakes() {
        let mut t = table();
        let s = ep(2, 443);
        // A SYN sent twice, then answered and completed: Karn, no delays.
        t.count(Timestamp(0), ep(1, 1), s, &seg(SYN, 10, 0, 0, None));
        t.count(Timestamp(MS), ep(1, 1), s, &seg(SYN, 10, 0, 0, None));
        t.count(Timestamp(2 * MS), s, ep(1, 1), &seg(SYN | ACK, 50, 11, 0, None));
        t.count(Timestamp(3 * MS), ep(1, 1), s, &seg(ACK, 11, 51, 0, None));
        // Refused: RST/ACK acknowledging the SYN.
        t.count(Timestamp(4 * MS), ep(1, 2), s, &seg(SYN, 20, 0, 0, None));
        t.count(Timestamp(5 * MS), s, ep(1, 2), &seg(RST | ACK, 0, 21, 0, None));
        // Unanswered: nothing for 10 s; an answer exactly 10 s later is too late.
        t.count(Timestamp(6 * MS), ep(1, 3), s, &seg(SYN, 30, 0, 0, None));
        t.count(Timestamp(6 * MS + TIMEOUT_NS), s, ep(1, 3), &seg(SYN | ACK, 60, 31, 0, None));
        let st = server(&t, 443);
        assert_eq!((st.handshakes, st.handshakes_retransmitted, st.refused, st.unanswered), (0, 1, 1, 1));
        assert_eq!(st.server_delay.count, 0);
        // A SYN less than 10 s before the end is still pending.
        t.count(Timestamp(20 * NANOS_PER_SEC), ep(1, 4), s, &seg(SYN, 40, 0, 0, None));
        t.tick(Timestamp(29 * NANOS_PER_SEC));
        assert_eq!(server(&t, 443).unanswered, 1);
        t.tick(Timestamp(30 * NANOS_PER_SEC));
        assert_eq!(server(&t, 443).unanswered, 2);
    }

    /// A whole handshake from `client` to `s` at `t0` (1 ms each way), timestamps on.
    fn connect(t: &mut TcpLatencyTable, t0: u64, client: Endpoint, s: Endpoint) {
        t.count(Timestamp(t0), client, s, &seg(SYN, 100, 0, 0, Some((1, 0))));
        t.count(Timestamp(t0 + MS), s, client, &seg(SYN | ACK, 500, 101, 0, Some((9, 1))));
        t.count(Timestamp(t0 + 2 * MS), client, s, &seg(ACK, 101, 501, 0, Some((2, 9))));
    }

    #[test]
    fn a_closed_connection_is_forgotten_after_its_last_ack() {
        let mut t = table();
        let (c, s) = (ep(1, 40000), ep(2, 80));
        connect(&mut t, 0, c, s);
        // The client's FIN, the server's FIN (acknowledging it), the client's last ACK.
        t.count(Timestamp(3 * MS), c, s, &seg(FIN | ACK, 101, 501, 0, Some((3, 9))));
        t.count(Timestamp(4 * MS), s, c, &seg(FIN | ACK, 501, 102, 0, Some((10, 3))));
        assert_eq!(t.connections.len(), 1, "the server's FIN/ACK does not close it");
        t.count(Timestamp(5 * MS), c, s, &seg(ACK, 102, 502, 0, Some((4, 10))));
        assert_eq!(t.connections.len(), 0);
        // SYN->SYN/ACK, FIN->FIN/ACK (server side); SYN/ACK->ACK, FIN/ACK->last ACK (client side):
        // the last ACK's echo is taken before the connection goes.
        let st = server(&t, 80);
        assert_eq!((st.handshakes, st.server_rtt.count, st.client_rtt.count), (1, 2, 2));
        // A late segment of it counts nowhere.
        t.count(Timestamp(6 * MS), s, c, &seg(ACK, 502, 102, 0, Some((11, 4))));
        assert_eq!(server(&t, 80).rtt().count, 4);
        assert_eq!(t.connections.len(), 0);
    }

    #[test]
    fn held_figures_reach_every_reader_and_outlive_their_connection() {
        let mut t =
            TcpLatencyTable::new(LatencyLimits { servers: 16, pairs: 16, connections: 1 }, TableHasher::default());
        let (c, s) = (ep(1, 40000), ep(2, 80));
        connect(&mut t, 0, c, s);
        // Ten timestamped data segments, each echoed by the server 1 ms later: more samples than
        // a connection holds.
        for i in 0..10u32 {
            let at = 10 * MS * u64::from(i + 1);
            t.count(Timestamp(at), c, s, &seg(ACK, 101 + i, 501, 1, Some((100 + i, 9))));
            t.count(Timestamp(at + MS), s, c, &seg(ACK, 501, 102 + i, 0, Some((9, 100 + i))));
        }
        let expect = (1, 11, 1);
        let figures = |st: &LatencyStats| (st.handshakes, st.server_rtt.count, st.client_rtt.count);
        // The live table and a reader's copy read the same, held figures included.
        assert_eq!(figures(&server(&t, 80)), expect);
        assert_eq!(figures(&server(&t.readings(), 80)), expect);
        assert_eq!(t.readings().connections.len(), 0);
        // Another connection pushes this one out of the one-connection table: its figures stay.
        connect(&mut t, NANOS_PER_SEC, ep(1, 40001), s);
        assert_eq!(t.connections.len(), 1);
        assert_eq!(figures(&server(&t, 80)), (2, 12, 2));
    }

    #[test]
    fn a_syn_flood_is_bounded() {
        let mut t =
            TcpLatencyTable::new(LatencyLimits { servers: 4, pairs: 4, connections: 16 }, TableHasher::default());
        for port in 0..1000u16 {
            t.count(Timestamp(u64::from(port)), ep(1, port), ep(2, 80), &seg(SYN, u32::from(port), 0, 0, None));
        }
        assert!(t.pending.len() <= 32 && t.connections.len() <= 16 && t.pairs.len() <= 4);
        // The attempts still followed become unanswered when their time comes.
        t.tick(Timestamp(TIMEOUT_NS + 1000));
        assert_eq!(server(&t, 80).unanswered, 16);
    }

    #[test]
    fn a_connection_seen_midway_counts_nowhere() {
        let mut t = table();
        t.count(Timestamp(0), ep(1, 5), ep(2, 22), &seg(ACK, 1, 1, 10, Some((1, 1))));
        t.count(Timestamp(MS), ep(2, 22), ep(1, 5), &seg(ACK, 1, 11, 10, Some((2, 1))));
        assert!(merge(&[&t]).0.is_empty());
    }

    #[test]
    fn buckets_count_each_sample_once_exact_or_not() {
        let mut d = Distribution::default();
        for v in [5, 10, 11, 1000] {
            d.record(v);
        }
        assert_eq!(d.buckets(&[10, 100]), vec![2, 1, 1]);
        assert_eq!(d.sum, 1026);
        // Past the exact samples, the histogram's buckets: still every sample, each within
        // 0.1 % of its value.
        for v in 0..1000u64 {
            d.record(10_000 + v);
        }
        let b = d.buckets(&[10, 100, 10_500, 1_000_000]);
        assert_eq!(b.iter().sum::<u64>(), d.count);
        assert_eq!((b[0], b[1], b[4]), (2, 1, 0));
        assert!((b[2] as i64 - 501).abs() <= 11 && (b[3] as i64 - 500).abs() <= 11, "{b:?}");
    }

    #[test]
    fn quantiles_are_exact_while_few_and_close_after() {
        let mut d = Distribution::default();
        for v in [5, 1, 9, 3, 7] {
            d.record(v);
        }
        assert_eq!((d.quantile(0.5), d.quantile(0.9), d.quantile(1.0)), (Some(5), Some(9), Some(9)));
        let mut big = Distribution::default();
        for v in 1..=10_000u64 {
            big.record(v);
        }
        let p99 = big.quantile(0.99).unwrap();
        assert!((9890..=9910).contains(&p99), "{p99}");
        let mut merged = d.clone();
        merged.merge(&big);
        assert_eq!((merged.count, merged.min, merged.max), (10_005, 1, 10_000));
        assert_eq!(Distribution::default().quantile(0.5), None);
    }
}
