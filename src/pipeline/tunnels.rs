//! Remote mirrors (`--decap`): each tunnel session a data source of its own.
//!
//! The capture side opens every packet of the kinds asked for (`packet/tunnel.rs`) before the
//! frames are spread over the workers, so that the mirrored frame, not the tunnel packet, decides
//! the worker (its addresses) and the data source (its session). A session seen for the first
//! time becomes a data source then: the next ifIndex, ifDescr naming the kind, the number and
//! the sender, and the rows every data source gets by default, set up in every worker before
//! its first frame is handed over ([`Registry`]). At most `[limits] tunnel_sources` sessions
//! become data sources; the frames of any other are counted as over the limit and dropped.
//!
//! The capture interface keeps counting everything else; a tunnel packet whose mirrored frame
//! was counted elsewhere is counted in its `decapsulated` figure instead, a malformed one as an
//! ordinary frame and in `bad_encapsulations` ([`MirrorCounts`]).
//!
//! The mirrored frame counts as a frame without its FCS (wire length = its length + 4). ERSPAN
//! adds what it knows of the original: type II's "originally 802.1Q encapsulated" puts the tag
//! the switch took off back on (the frame counts as it was on the wire, four octets longer);
//! type III's CRC-error flag makes it a CRC/alignment error; type III's timestamp says when the
//! switch saw it, which is its time here ([`mirror_time`]).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::capture::{Batch, MirrorCounts};
use crate::packet::RawFrame;
use crate::packet::tunnel::{self, DecapKinds, Opened, SessionKey, SwitchTime};
use crate::pipeline::control::ControlPlane;
use crate::rmon::table::TableHasher;
use crate::rmon::{DataSourceInfo, Timestamp};

/// The sessions every capture thread has seen, and how a new one becomes a data source.
pub struct Registry {
    state: Mutex<RegistryState>,
}

struct RegistryState {
    /// A session's ifIndex, or None when it came over the limit.
    sessions: HashMap<SessionKey, Option<u32>>,
    limit: usize,
    default_rows: bool,
    control: ControlPlane,
}

impl Registry {
    /// Sessions become data sources of the probe behind `control`, at most `limit` of them,
    /// with the default rows when `default_rows`.
    pub fn new(control: ControlPlane, limit: usize, default_rows: bool) -> Arc<Registry> {
        let state = RegistryState { sessions: HashMap::new(), limit, default_rows, control };
        Arc::new(Registry { state: Mutex::new(state) })
    }

    /// The data source of `session`, first seen at `at` on capture interface `via`: made now if
    /// it is new and the limit allows. None: over the limit.
    fn source_of(&self, session: SessionKey, via: u32, at: Timestamp) -> Option<u32> {
        let mut state = self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(&known) = state.sessions.get(&session) {
            return known;
        }
        let made_so_far = state.sessions.values().filter(|s| s.is_some()).count();
        let made = if made_so_far < state.limit {
            // The mirror's link speed is not known: the capture interface's stands in for it.
            let outer = state.control.source_info(via);
            let info = DataSourceInfo {
                if_index: 0,
                name: session.if_name(),
                descr: session.if_descr(),
                if_speed: outer.as_ref().map_or(0, |o| o.if_speed),
                live: outer.as_ref().is_some_and(|o| o.live),
                phys_address: Vec::new(),
            };
            let default_rows = state.default_rows;
            Some(state.control.add_data_source(info, at, default_rows))
        } else {
            None
        };
        // Sessions refused are remembered up to a bound: packets with ever new VNIs or senders
        // must not grow the probe's memory.
        if made.is_some() || state.sessions.len() < state.limit + MAX_REFUSED_KEPT {
            state.sessions.insert(session, made);
        }
        made
    }
}

/// Sessions over the limit remembered, by the registry and by each capture thread: beyond, a
/// refused session's packets ask the registry each time (a lock each, and still refused).
const MAX_REFUSED_KEPT: usize = 4096;
/// A capture thread's cache of sessions: the limit's (at most 65535) and the refused ones kept.
const MAX_SESSIONS_CACHED: usize = 65_535 + MAX_REFUSED_KEPT;

/// The tie between a switch's clock and the capture's (ERSPAN type III): a frame's capture time
/// and the switch's timestamp of it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Tie {
    capture_ns: u64,
    switch_ns: u64,
}

/// The longest a mirrored frame may take from the switch to the probe before the ties between
/// the two clocks are taken as broken (a clock stepped, the switch restarted).
const MAX_TRANSIT_NS: u64 = 1_000_000_000;

/// When the switch saw a frame captured at `capture`, by its ERSPAN III timestamp.
///
/// The switch's clock is not the probe's, and its timestamp wraps, so it is read as an
/// elapsed time: from the session's tie (a frame whose capture and switch times are known) to
/// this frame, by the switch's clock, taking the wrap nearest to the capture's own elapsed
/// time. The result is never later than the capture (no frame arrives before it left), and a
/// frame that would be is the new tie: the tie moves to the frame with the shortest transit
/// seen, and follows a switch clock that runs fast. A frame more than [`MAX_TRANSIT_NS`] before
/// its capture means the clocks no longer agree: it ties them anew.
fn mirror_time(tie: &mut Option<Tie>, capture: Timestamp, switch: SwitchTime) -> Timestamp {
    let period = i128::from(switch.period_ns.max(1));
    if let Some(t) = *tie {
        let by_switch = (i128::from(switch.ns) - i128::from(t.switch_ns)).rem_euclid(period);
        let by_capture = i128::from(capture.0) - i128::from(t.capture_ns);
        // The wrap that brings the switch's elapsed time nearest to the capture's.
        let wraps = (by_capture - by_switch + period / 2).div_euclid(period);
        let mirrored = i128::from(t.capture_ns) + by_switch + wraps * period;
        let transit = i128::from(capture.0) - mirrored;
        if (0..=i128::from(MAX_TRANSIT_NS)).contains(&transit) {
            return Timestamp(u64::try_from(mirrored).unwrap_or(capture.0));
        }
    }
    *tie = Some(Tie { capture_ns: capture.0, switch_ns: switch.ns % switch.period_ns.max(1) });
    capture
}

/// What one capture thread knows of a session.
#[derive(Clone, Copy, Debug)]
struct Known {
    /// Its data source; None: over the limit.
    if_index: Option<u32>,
    tie: Option<Tie>,
}

/// What becomes of one captured frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Outcome {
    /// Counted as it is on its capture interface.
    Unchanged,
    /// Over the limit: not counted.
    Dropped,
    /// The mirrored frame is counted instead: its bytes at `start..start + caplen` of the
    /// captured ones, or (`rebuilt`) in the scratch buffer.
    Mirrored {
        start: usize,
        caplen: usize,
        orig_len: u32,
        fcs: crate::packet::Fcs,
        time: Timestamp,
        if_index: u32,
        rebuilt: bool,
    },
}

/// One capture thread's side of `--decap`: the kinds opened, the sessions it has seen (a
/// cache of the [`Registry`]'s, with each one's clock tie), and the counts not yet handed over.
pub struct Tunnels {
    kinds: DecapKinds,
    registry: Arc<Registry>,
    known: HashMap<SessionKey, Known, TableHasher>,
    /// Per capture interface, what was counted since the last hand-over.
    counts: Vec<(u32, MirrorCounts)>,
    /// A mirrored frame with its 802.1Q tag put back.
    scratch: Vec<u8>,
}

impl Tunnels {
    pub fn new(kinds: DecapKinds, registry: Arc<Registry>) -> Tunnels {
        Tunnels { kinds, registry, known: HashMap::default(), counts: Vec::new(), scratch: Vec::new() }
    }

    fn count(&mut self, if_index: u32) -> &mut MirrorCounts {
        let at = match self.counts.iter().position(|(i, _)| *i == if_index) {
            Some(at) => at,
            None => {
                self.counts.push((if_index, MirrorCounts::default()));
                self.counts.len() - 1
            }
        };
        &mut self.counts[at].1
    }

    /// The counts since the last call, per capture interface, to ride with a batch.
    pub fn take_counts(&mut self) -> Vec<(u32, MirrorCounts)> {
        std::mem::take(&mut self.counts)
    }

    fn examine(&mut self, frame: &RawFrame<'_>) -> Outcome {
        let m = match tunnel::open(frame.data, frame.orig_len, frame.fcs, &self.kinds) {
            Opened::Plain => return Outcome::Unchanged,
            Opened::Bad => {
                self.count(frame.if_index).bad_encapsulations += 1;
                return Outcome::Unchanged;
            }
            Opened::Mirrored(m) => m,
        };
        let known = match self.known.get_mut(&m.session) {
            Some(known) => known,
            None => {
                let if_index = self.registry.source_of(m.session, frame.if_index, frame.time);
                if if_index.is_none() && self.known.len() >= MAX_SESSIONS_CACHED {
                    self.count(frame.if_index).over_limit += 1;
                    return Outcome::Dropped;
                }
                self.known.entry(m.session).or_insert(Known { if_index, tie: None })
            }
        };
        let Some(if_index) = known.if_index else {
            self.count(frame.if_index).over_limit += 1;
            return Outcome::Dropped;
        };
        let time = match m.switch_time {
            Some(switch) => mirror_time(&mut known.tie, frame.time, switch),
            None => frame.time,
        };
        self.count(frame.if_index).decapsulated += 1;
        let inner = &frame.data[m.start..m.start + m.caplen];
        let (caplen, orig_len, rebuilt) = match m.stripped_tag {
            // The tag goes back after the two addresses, when the capture holds them.
            Some(tci) if inner.len() >= 12 => {
                self.scratch.clear();
                self.scratch.extend_from_slice(&inner[..12]);
                self.scratch.extend_from_slice(&[0x81, 0x00]);
                self.scratch.extend_from_slice(&tci.to_be_bytes());
                self.scratch.extend_from_slice(&inner[12..]);
                (m.caplen + 4, m.orig_len + 4, true)
            }
            _ => (m.caplen, m.orig_len, false),
        };
        Outcome::Mirrored { start: m.start, caplen, orig_len, fcs: m.fcs, time, if_index, rebuilt }
    }

    /// Opens one frame: the frame to count in its place (the mirrored one, or the frame
    /// itself), or None when it is not to be counted.
    pub fn open<'a>(&'a mut self, frame: RawFrame<'a>) -> Option<RawFrame<'a>> {
        match self.examine(&frame) {
            Outcome::Unchanged => Some(frame),
            Outcome::Dropped => None,
            Outcome::Mirrored { start, caplen, orig_len, fcs, time, if_index, rebuilt } => {
                let data = if rebuilt { &self.scratch[..] } else { &frame.data[start..start + caplen] };
                Some(RawFrame { data, orig_len, fcs, time, if_index, seq: frame.seq })
            }
        }
    }

    /// Opens every frame of `batch` in place: a record then points at the mirrored frame inside
    /// the tunnel packet's bytes (or at a rebuilt copy appended to the batch); frames not to be
    /// counted leave the batch.
    pub fn open_batch(&mut self, batch: &mut Batch) {
        let mut dropped = false;
        for at in 0..batch.len() {
            let (data, records) = batch.records_mut();
            let record = records[at];
            let outcome = self.examine(&record.in_buffer(data));
            match outcome {
                Outcome::Unchanged => {}
                Outcome::Dropped => {
                    records[at].if_index = 0;
                    dropped = true;
                }
                Outcome::Mirrored { start, caplen, orig_len, fcs, time, if_index, rebuilt } => {
                    let start = if rebuilt { batch.append_bytes(&self.scratch) } else { record.start + start };
                    let r = &mut batch.records_mut().1[at];
                    (r.start, r.caplen, r.orig_len, r.fcs, r.time, r.if_index) =
                        (start, caplen, orig_len, fcs, time, if_index);
                }
            }
        }
        if dropped {
            batch.records_mut().1.retain(|r| r.if_index != 0);
        }
    }
}

#[cfg(test)]
mod tests;
