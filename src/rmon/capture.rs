//! The packet capture group: bufferControlTable and captureBufferTable (RFC 2819, section 5.8).
//!
//! A buffer keeps the frames its channel accepts while channelDataControl is on: the first
//! bufferControlCaptureSliceSize octets of each (0: all that was captured), up to
//! bufferControlMaxOctetsGranted octets in all. When the next frame does not fit, lockWhenFull
//! keeps what it has and takes no more; wrapWhenFull deletes the oldest frames until it fits.
//! Either way bufferControlFullStatus turns full and stays so.
//!
//! Several workers: a channel's frames are spread over the shards, so each shard keeps its own
//! [`CaptureBuffer`], applying the full action with the whole grant as its own limit, and
//! [`merge`] puts them back together in arrival order (the frames' stream position, `seq`) and
//! applies the full action once more over the merged list, within two bounds the shards record:
//! frames after the first one any shard refused (lockWhenFull), and frames up to the newest one
//! any shard deleted (wrapWhenFull, or a smaller grant), are left out. That is exact:
//!
//! - lockWhenFull keeps the longest prefix P of the accepted frames that fits the grant. P's
//!   frames of one shard are a prefix of that shard's frames and weigh no more than P, so the
//!   shard kept them. A frame a shard refused did not fit after that shard's earlier frames, so
//!   it is not in P, nor is anything after it. The frame right after P is then either among the
//!   shards' frames (and does not fit after P) or refused by its shard (and bounds the merge):
//!   either way the merge stops where P ends.
//! - wrapWhenFull keeps the longest suffix S that fits (deleting the oldest until the newest
//!   fits keeps exactly that). S's frames of one shard are a suffix of that shard's frames and
//!   fit, so the shard kept them; a frame a shard deleted did not fit before that shard's later
//!   frames, so neither it nor anything before it is in S; the mirror argument ends the merge
//!   where S starts.
//!
//! Without the bounds the merge is wrong as soon as frames differ in size: a small frame of
//! another shard slips in after a lock, or survives a wrap that deleted a later frame (see the
//! tests). The result is one buffer seeing every frame in order, at the cost of each shard
//! holding up to the grant (memory: workers x grant at worst). After a grant changed on a
//! running buffer with several workers it is the best the shards can give, no longer provably
//! that.
//!
//! What a stored frame costs of the grant: its stored octets plus [`ENTRY_OVERHEAD`] (the MIB's
//! "including overhead": the length, time, status and position kept beside the octets).

use std::collections::VecDeque;

use crate::mib::tc::Octets;
use crate::mib::time::Timestamp;
use crate::packet::Frame;
use crate::rmon::control::{EntryStatus, Owner};

pub use crate::mib::rmon1::capture::{BufferControlEntry, CaptureBufferEntry, FullAction, FullStatus};

/// Octets a stored frame costs beyond its data.
pub const ENTRY_OVERHEAD: u64 = 24;
/// bufferControlCaptureSliceSize and DownloadSliceSize DEFVAL.
pub const DEFAULT_SLICE_SIZE: u32 = 100;
/// Octets the probe grants all capture buffers together unless configured (`[limits]
/// capture_octets`): 16 MiB.
pub const DEFAULT_CAPTURE_OCTETS: u64 = 16 << 20;
/// captureBufferIndex and captureBufferPacketID wrap to stay within Integer32.
const INDEX_MODULUS: u64 = (1 << 31) - 1;

/// A bufferControlEntry's control columns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BufferControl {
    pub channel_index: u16,
    pub full_action: FullAction,
    /// 0: as much of each frame as was captured.
    pub capture_slice_size: u32,
    pub download_slice_size: u32,
    pub download_offset: u32,
    /// -1: as much as the probe can give.
    pub max_octets_requested: i32,
    /// What the probe grants: -1 when -1 was asked for (the MIB's rule), the octets otherwise.
    pub max_octets_granted: i32,
    /// The octets the buffer may really hold: the grant, or for -1 what the probe-wide limit
    /// had left when the row became valid.
    pub limit: u64,
    /// When the row became valid (the buffer "first turned on"); None before.
    pub turned_on: Option<Timestamp>,
    /// The maxOctetsRequested that `limit` was granted for; None: not granted yet.
    pub granted_for: Option<i32>,
    pub owner: Owner,
    pub status: EntryStatus,
}

impl BufferControl {
    /// What a shard needs to capture for the row.
    pub fn shard_buffer(&self, start: Timestamp) -> CaptureBuffer {
        CaptureBuffer::new(self.channel_index, self.full_action, self.capture_slice_size, self.limit, start)
    }
}

/// One stored frame.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Captured {
    /// The frame's position in the stream (arrival order across workers and interfaces).
    pub seq: u64,
    pub time: Timestamp,
    /// Octets on the wire, FCS included (captureBufferPacketLength).
    pub wire_len: u32,
    /// The length the capture recorded (for the `--capture-dir` files).
    pub orig_len: u32,
    /// filterPktStatus bits of the frame.
    pub status: u8,
    /// The first capture-slice octets of the frame as captured.
    pub data: Vec<u8>,
}

impl Captured {
    fn cost(&self) -> u64 {
        self.data.len() as u64 + ENTRY_OVERHEAD
    }
}

/// A stored frame's place in a shard's ring, and what is kept beside its octets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Slot {
    seq: u64,
    time: Timestamp,
    wire_len: u32,
    orig_len: u32,
    status: u8,
    /// Where its octets are in the ring, and how many.
    at: usize,
    len: usize,
}

impl Slot {
    fn cost(&self) -> u64 {
        self.len as u64 + ENTRY_OVERHEAD
    }
}

/// The largest frame a buffer whose slice is 0 may be offered (the largest --snaplen).
const MAX_FRAME: usize = 262_144;

/// One shard's share of a capture buffer. The octets live in one ring of bytes, written in
/// order and wrapping to its start: a busy wrapWhenFull buffer then streams through memory the
/// way the hardware prefetches best, where a vector per frame had every frame land on memory
/// last touched a buffer-length ago (it was most of the buffer's cost). The ring is the grant
/// plus the largest frame, so that the one gap left where a frame did not fit before the end
/// never makes the ring, rather than the grant, decide what is kept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CaptureBuffer {
    pub channel_index: u16,
    action: FullAction,
    slice: u32,
    limit: u64,
    /// When the buffer was turned on: captureBufferPacketTime counts from here.
    pub start: Timestamp,
    slots: VecDeque<Slot>,
    /// The ring, grown as it is first filled.
    ring: Vec<u8>,
    /// Where the next frame's octets go.
    tail: usize,
    /// What the stored frames cost of the grant.
    octets: u64,
    /// Frames offered since the buffer was turned on (kept or not).
    offered: u64,
    /// A frame was refused or an old one deleted for room: full, for good.
    full: bool,
    /// lockWhenFull: the position (`seq`) of the first frame refused for lack of room; the
    /// merge keeps no frame from there on.
    refused_at: Option<u64>,
    /// The position of the newest frame deleted (or not kept at all) for room; the merge keeps
    /// no frame up to there.
    dropped_up_to: Option<u64>,
}

impl CaptureBuffer {
    pub fn new(channel_index: u16, action: FullAction, slice: u32, limit: u64, start: Timestamp) -> CaptureBuffer {
        CaptureBuffer {
            channel_index,
            action,
            slice,
            limit,
            start,
            slots: VecDeque::new(),
            ring: Vec::new(),
            tail: 0,
            octets: 0,
            offered: 0,
            full: false,
            refused_at: None,
            dropped_up_to: None,
        }
    }

    /// The ring's size: the grant and one more frame.
    fn ring_size(&self) -> usize {
        let largest = if self.slice == 0 { MAX_FRAME } else { self.slice as usize };
        usize::try_from(self.limit).unwrap_or(usize::MAX).saturating_add(largest)
    }

    /// Deletes the oldest frame.
    fn pop_oldest(&mut self) -> bool {
        match self.slots.pop_front() {
            Some(old) => {
                self.octets -= old.cost();
                self.dropped_up_to = Some(old.seq);
                true
            }
            None => false,
        }
    }

    /// A new grant for a running buffer: a smaller one deletes the oldest frames until the rest
    /// fit; a larger one makes room again, and only then does full end (the MIB's "significant
    /// gain in resources").
    pub fn resize(&mut self, limit: u64) {
        if limit > self.limit {
            self.full = false;
            self.refused_at = None;
        }
        self.limit = limit;
        while self.octets > self.limit && self.pop_oldest() {
            self.full = true;
        }
    }

    /// Offers a frame the channel accepted while on, with its captured bytes.
    pub fn capture(&mut self, frame: &Frame, bytes: &[u8]) {
        self.offered += 1;
        let take = if self.slice == 0 { bytes.len().min(MAX_FRAME) } else { bytes.len().min(self.slice as usize) };
        let cost = take as u64 + ENTRY_OVERHEAD;
        if self.action == FullAction::LockWhenFull && self.full {
            return;
        }
        if self.octets + cost > self.limit {
            self.full = true;
            match self.action {
                FullAction::LockWhenFull => {
                    self.refused_at = Some(frame.seq);
                    return;
                }
                FullAction::WrapWhenFull => {
                    while self.octets + cost > self.limit && self.pop_oldest() {}
                    if cost > self.limit {
                        // Larger than the whole buffer: it cannot be kept at all.
                        self.dropped_up_to = Some(frame.seq);
                        return;
                    }
                }
            }
        }
        // Where the octets go: at the tail, or at the ring's start when they would pass its end.
        let mut at = self.tail;
        if at + take > self.ring_size() {
            at = 0;
        }
        // Never over a stored frame (the ring's size keeps this from happening; a shrunk grant
        // could, until the ring turns once).
        while let Some(oldest) = self.slots.front() {
            let overlaps = oldest.at < at + take && at < oldest.at + oldest.len;
            if !overlaps || !self.pop_oldest() {
                break;
            }
            self.full = true;
        }
        if self.ring.len() < at + take {
            self.ring.resize(at + take, 0);
        }
        self.ring[at..at + take].copy_from_slice(&bytes[..take]);
        self.tail = at + take;
        self.octets += cost;
        self.slots.push_back(Slot {
            seq: frame.seq,
            time: frame.time,
            wire_len: frame.wire_len,
            orig_len: frame.orig_len,
            status: frame.status,
            at,
            len: take,
        });
    }

    /// The stored frames, oldest first.
    fn captured(&self) -> impl Iterator<Item = Captured> + '_ {
        self.slots.iter().map(|s| Captured {
            seq: s.seq,
            time: s.time,
            wire_len: s.wire_len,
            orig_len: s.orig_len,
            status: s.status,
            data: self.ring.get(s.at..s.at + s.len).unwrap_or_default().to_vec(),
        })
    }
}

/// A capture buffer as the views read it: every shard's share merged in arrival order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Merged {
    /// The stored frames, oldest first, each with its captureBufferIndex.
    pub entries: Vec<(u32, Captured)>,
    pub full: bool,
    pub start: Timestamp,
}

/// The buffer the shards' shares of one row make together (see the module's documentation).
pub fn merge(shares: &[&CaptureBuffer]) -> Merged {
    let Some(first) = shares.first() else { return Merged::default() };
    let (action, limit) = (first.action, first.limit);
    // The bounds (see the module's documentation): after the first frame any shard refused,
    // and up to the newest any shard deleted, the one buffer would hold nothing.
    let refused = shares.iter().filter_map(|s| s.refused_at).min();
    let dropped = shares.iter().filter_map(|s| s.dropped_up_to).max();
    let within = |c: &Captured| refused.is_none_or(|r| c.seq < r) && dropped.is_none_or(|d| c.seq > d);
    let mut all: Vec<Captured> = shares.iter().flat_map(|s| s.captured()).filter(within).collect();
    all.sort_by_key(|c| c.seq);
    let offered: u64 = shares.iter().map(|s| s.offered).sum();
    let mut full = shares.iter().any(|s| s.full);
    // Keep the longest prefix (lock) or suffix (wrap) that fits the grant.
    let mut used = 0;
    let fits = |c: &&Captured, used: &mut u64| {
        *used += c.cost();
        *used <= limit
    };
    let total = all.len();
    let kept: Vec<Captured> = match action {
        FullAction::LockWhenFull => all.into_iter().take_while(|c| fits(&c, &mut used)).collect(),
        FullAction::WrapWhenFull => {
            let mut tail: Vec<Captured> = all.into_iter().rev().take_while(|c| fits(&c, &mut used)).collect();
            tail.reverse();
            tail
        }
    };
    full |= kept.len() < total;
    // captureBufferIndex: the frame's place among all frames the buffer took since it was
    // turned on. Lock keeps the first ones, from 1; wrap the last ones, ending at the number
    // offered (every offered frame but those refused by a full lock buffer was taken once).
    let first_index = match action {
        FullAction::LockWhenFull => 1,
        FullAction::WrapWhenFull => offered + 1 - kept.len() as u64,
    };
    let entries = kept.into_iter().enumerate().map(|(i, c)| (wrap_index(first_index + i as u64), c)).collect();
    Merged { entries, full, start: first.start }
}

/// A count from 1 as an Integer32 index: after 2^31 - 1 it starts again at 1.
fn wrap_index(n: u64) -> u32 {
    ((n.saturating_sub(1)) % INDEX_MODULUS + 1) as u32
}

impl CaptureBufferEntry {
    pub fn new(index: u16, row: &BufferControl, merged: &Merged, at: usize) -> Option<CaptureBufferEntry> {
        let (buffer_index, c) = merged.entries.get(at)?;
        let offset = (row.download_offset as usize).min(c.data.len());
        let end = offset.saturating_add(row.download_slice_size as usize).min(c.data.len());
        Some(CaptureBufferEntry {
            capture_buffer_control_index: index,
            capture_buffer_index: *buffer_index,
            capture_buffer_packet_id: wrap_index(c.seq + 1),
            capture_buffer_packet_data: Octets(c.data[offset..end].to_vec()),
            capture_buffer_packet_length: c.wire_len,
            capture_buffer_packet_time: c.time.since(merged.start) / 1_000_000,
            capture_buffer_packet_status: c.status,
            capture_buffer_packet_nanos: (c.time.since(merged.start) % 1_000_000) as u32,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::packet::Condition;
    use crate::rmon::hosts::tests::{frame, mac};

    fn f(seq: u64) -> Frame {
        let mut f = frame(seq, mac(1), mac(2), 100, Condition::Good);
        f.time = Timestamp(seq * 1_000_000_000);
        f
    }

    /// Frame `seq`'s bytes: 60 octets of `seq`.
    fn bytes(seq: u64) -> Vec<u8> {
        vec![seq as u8; 60]
    }

    fn seqs(m: &Merged) -> Vec<(u32, u64)> {
        m.entries.iter().map(|(i, c)| (*i, c.seq)).collect()
    }

    /// 10 frames of 60 octets, slice 40: each costs 64 octets; a grant of 200 holds 3.
    fn filled(action: FullAction) -> CaptureBuffer {
        let mut b = CaptureBuffer::new(1, action, 40, 200, Timestamp(0));
        for seq in 0..10 {
            b.capture(&f(seq), &bytes(seq));
        }
        b
    }

    #[test]
    fn lock_keeps_the_first_that_fit_and_wrap_the_last() {
        let lock = merge(&[&filled(FullAction::LockWhenFull)]);
        assert_eq!(seqs(&lock), [(1, 0), (2, 1), (3, 2)]);
        assert!(lock.full);
        let wrap = merge(&[&filled(FullAction::WrapWhenFull)]);
        assert_eq!(seqs(&wrap), [(8, 7), (9, 8), (10, 9)], "indexes go on counting");
        assert!(wrap.full);
        assert!(wrap.entries.iter().all(|(_, c)| c.data.len() == 40 && c.wire_len == 100));
        // Room to spare: not full.
        let mut roomy = CaptureBuffer::new(1, FullAction::LockWhenFull, 0, 10_000, Timestamp(0));
        roomy.capture(&f(0), &bytes(0));
        let m = merge(&[&roomy]);
        assert!(!m.full);
        assert_eq!(m.entries[0].1.data.len(), 60, "slice 0: the whole frame");
    }

    #[test]
    fn shards_merged_hold_what_one_buffer_would_for_every_split() {
        for action in [FullAction::LockWhenFull, FullAction::WrapWhenFull] {
            let one = merge(&[&filled(action)]);
            // Every way of spreading 10 frames over two shards.
            for split in 0u32..1024 {
                let mut a = CaptureBuffer::new(1, action, 40, 200, Timestamp(0));
                let mut b = a.clone();
                for seq in 0..10u64 {
                    let shard = if split & (1 << seq) == 0 { &mut a } else { &mut b };
                    shard.capture(&f(seq), &bytes(seq));
                }
                let two = merge(&[&a, &b]);
                assert_eq!(two, one, "{action:?}, split {split:#b}");
            }
        }
    }

    #[test]
    fn download_offset_and_slice_and_index_wrap() {
        let mut b = CaptureBuffer::new(1, FullAction::WrapWhenFull, 50, 1_000_000, Timestamp(0));
        let data: Vec<u8> = (0..60).collect();
        b.capture(&f(3), &data);
        let m = merge(&[&b]);
        let row = BufferControl {
            channel_index: 1,
            full_action: FullAction::WrapWhenFull,
            capture_slice_size: 50,
            download_slice_size: 20,
            download_offset: 40,
            max_octets_requested: -1,
            max_octets_granted: -1,
            limit: 1_000_000,
            turned_on: Some(Timestamp(0)),
            granted_for: Some(-1),
            owner: Owner::monitor(),
            status: EntryStatus::Valid,
        };
        let e = CaptureBufferEntry::new(1, &row, &m, 0).unwrap();
        // min(captured 50 - 40, slice 50 - 40, download 20) = 10 octets from 40.
        assert_eq!(e.capture_buffer_packet_data.0, (40..50).collect::<Vec<u8>>());
        assert_eq!((e.capture_buffer_packet_id, e.capture_buffer_packet_time), (4, 3000));
        let beyond = BufferControl { download_offset: 80, ..row };
        assert!(CaptureBufferEntry::new(1, &beyond, &m, 0).unwrap().capture_buffer_packet_data.0.is_empty());
        assert_eq!(wrap_index(INDEX_MODULUS), INDEX_MODULUS as u32);
        assert_eq!(wrap_index(INDEX_MODULUS + 1), 1);
    }

    /// Frames of different sizes: a shard that dropped (wrap) or refused (lock) a frame must
    /// bound what the merge keeps, or frames of other shards slip back in.
    #[test]
    fn shards_merged_with_frames_of_different_sizes() {
        // wrap, grant 150: q (10 octets, +24) on shard b, then p (50) and x (60) on shard a.
        // One buffer: q, then p; x needs 84 more: q and p go. Keeps [x].
        let mut a = CaptureBuffer::new(1, FullAction::WrapWhenFull, 0, 150, Timestamp(0));
        let mut b = a.clone();
        let mut one = a.clone();
        for (seq, len, shard) in [(0u64, 10usize, 1), (1, 50, 0), (2, 60, 0)] {
            one.capture(&f(seq), &vec![0; len]);
            if shard == 0 { a.capture(&f(seq), &vec![0; len]) } else { b.capture(&f(seq), &vec![0; len]) }
        }
        assert_eq!(seqs(&merge(&[&one])), [(3, 2)]);
        assert_eq!(seqs(&merge(&[&a, &b])), seqs(&merge(&[&one])), "wrap");
    }

    #[test]
    fn lock_shards_merged_with_frames_of_different_sizes() {
        // lock, grant 150: 60 octets on shard a, 60 on shard a (refused), then 10 on shard b.
        // One buffer keeps [0] and takes nothing after the refusal.
        let mut a = CaptureBuffer::new(1, FullAction::LockWhenFull, 0, 150, Timestamp(0));
        let mut b = a.clone();
        let mut one = a.clone();
        for (seq, len, shard) in [(0u64, 60usize, 0), (1, 60, 0), (2, 10, 1)] {
            one.capture(&f(seq), &vec![0; len]);
            if shard == 0 { a.capture(&f(seq), &vec![0; len]) } else { b.capture(&f(seq), &vec![0; len]) }
        }
        assert_eq!(seqs(&merge(&[&one])), [(1, 0)]);
        assert_eq!(seqs(&merge(&[&a, &b])), seqs(&merge(&[&one])), "lock");
    }

    /// Frames of many sizes spread over up to four shards at random (a fixed xorshift, so the
    /// test is the same every run): the merge equals one buffer fed every frame.
    #[test]
    fn shards_merged_hold_what_one_buffer_would_for_frames_of_any_size() {
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for round in 0..500 {
            let frames = 1 + next() % 40;
            let shards = 1 + (next() % 4) as usize;
            let limit = 30 + next() % 1500;
            let slice = [0, 40, 100][(next() % 3) as usize];
            for action in [FullAction::LockWhenFull, FullAction::WrapWhenFull] {
                let mut one = CaptureBuffer::new(1, action, slice, limit, Timestamp(0));
                let mut parts = vec![one.clone(); shards];
                for seq in 0..frames {
                    let data = vec![seq as u8; 1 + (next() % 300) as usize];
                    one.capture(&f(seq), &data);
                    parts[(next() % shards as u64) as usize].capture(&f(seq), &data);
                }
                let refs: Vec<&CaptureBuffer> = parts.iter().collect();
                assert_eq!(merge(&refs), merge(&[&one]), "round {round}, {action:?}, {shards} shards, grant {limit}");
            }
        }
    }
}
