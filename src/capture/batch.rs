//! Batches: frames travel through the pipeline tens to hundreds at a time, never one by one
//! (ARCHITECTURE.md, "Rules", the hot path). A batch owns one byte buffer for all its frames and is reused, so reading
//! allocates nothing once warm. A replay's batches may instead share the read chunk the frames
//! lie in ([`SharedChunk`]): the reader then copies no frame at all.

use std::sync::Arc;

use crate::mib::time::Timestamp;
use crate::packet::{Fcs, RawFrame};

/// Frames per batch by default: enough to amortize a hand-off between threads, few enough that a
/// batch of full-size frames stays in L2 cache.
pub const DEFAULT_BATCH_FRAMES: usize = 256;

/// A capture file's read buffer, shared by the batches whose frames lie in it. The reader
/// refills it only when no batch holds it any more (`Arc::get_mut`), so the bytes a batch
/// points at never change under a worker.
pub type SharedChunk = Arc<Vec<u8>>;

/// Where one frame lies in a buffer (a batch's, or a capture file's read buffer), and what the
/// capture said about it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct FrameRecord {
    pub start: usize,
    pub caplen: usize,
    pub orig_len: u32,
    pub time: Timestamp,
    pub fcs: Fcs,
    pub seq: u64,
    pub if_index: u32,
}

impl FrameRecord {
    /// The frame, its bytes taken from `buffer`.
    pub fn in_buffer<'a>(&self, buffer: &'a [u8]) -> RawFrame<'a> {
        RawFrame {
            data: &buffer[self.start..self.start + self.caplen],
            orig_len: self.orig_len,
            fcs: self.fcs,
            time: self.time,
            seq: self.seq,
            if_index: self.if_index,
        }
    }
}

/// A batch of captured frames, and what a live capture tells the worker along with them.
#[derive(Clone, Debug, Default)]
pub struct Batch {
    data: Vec<u8>,
    /// When set, the frames lie in this chunk instead of `data` (see [`Batch::push_shared`]).
    shared: Option<SharedChunk>,
    frames: Vec<FrameRecord>,
    /// Live: every frame the capture saw before this instant is in this batch or an earlier
    /// one, so the worker may move its clock here (closing history buckets on a quiet link).
    pub tick: Option<Timestamp>,
    /// Live: drop events the capture layer reported for a data source (ifIndex, events), counted
    /// into its etherStatsDropEvents by the one worker that receives them.
    pub drop_events: Option<(u32, u64)>,
    /// `--decap`: what opening remote mirrors' packets did on the capture interfaces (ifIndex,
    /// counts), counted by the one worker that receives them.
    pub mirror: Vec<(u32, MirrorCounts)>,
}

/// What the probe opened or set aside on one data source, beyond etherStats: remote mirrors'
/// packets (`--decap`) and duplicate frames (`--dedup`). Counted where it happens (the capture
/// thread, the worker) and kept by the shards like the other counters.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MirrorCounts {
    /// Tunnel packets whose mirrored frame was counted on the session's data source instead.
    pub decapsulated: u64,
    /// Packets of an opened kind whose encapsulation was truncated or malformed (counted as
    /// ordinary frames too).
    pub bad_encapsulations: u64,
    /// Mirrored frames of sessions beyond `[limits] tunnel_sources`, dropped.
    pub over_limit: u64,
    /// Frames seen again within the `--dedup` window, not counted.
    pub duplicates: u64,
}

impl MirrorCounts {
    pub fn plus(&self, o: &MirrorCounts) -> MirrorCounts {
        MirrorCounts {
            decapsulated: self.decapsulated + o.decapsulated,
            bad_encapsulations: self.bad_encapsulations + o.bad_encapsulations,
            over_limit: self.over_limit + o.over_limit,
            duplicates: self.duplicates + o.duplicates,
        }
    }

    pub fn is_zero(&self) -> bool {
        *self == MirrorCounts::default()
    }
}

impl Batch {
    pub fn with_capacity(frames: usize) -> Batch {
        Batch {
            data: Vec::with_capacity(frames * 512),
            shared: None,
            frames: Vec::with_capacity(frames),
            tick: None,
            drop_events: None,
            mirror: Vec::new(),
        }
    }

    /// Empties the batch, keeping its memory.
    pub fn clear(&mut self) {
        self.data.clear();
        self.shared = None;
        self.frames.clear();
        self.tick = None;
        self.drop_events = None;
        self.mirror.clear();
    }

    /// Whether the batch carries nothing for a worker: no frame, no tick, no drop event.
    pub fn is_blank(&self) -> bool {
        self.frames.is_empty() && self.tick.is_none() && self.drop_events.is_none() && self.mirror.is_empty()
    }

    /// Numbers the frames `first`, `first + 1`, ... in order: live captures number a whole batch
    /// at once, from a counter shared by the capture threads (one atomic add per batch).
    pub fn number_from(&mut self, first: u64) {
        for (i, f) in self.frames.iter_mut().enumerate() {
            f.seq = first + i as u64;
        }
    }

    pub fn len(&self) -> usize {
        self.frames.len()
    }

    pub fn is_empty(&self) -> bool {
        self.frames.is_empty()
    }

    /// Appends a frame (its captured bytes are copied).
    pub fn push(&mut self, bytes: &[u8], orig_len: u32, time: Timestamp, fcs: Fcs, seq: u64, if_index: u32) {
        self.own();
        let start = self.data.len();
        self.data.extend_from_slice(bytes);
        self.frames.push(FrameRecord { start, caplen: bytes.len(), orig_len, time, fcs, seq, if_index });
    }

    /// Appends bytes that are no frame of their own (a frame rebuilt in place of another, see
    /// [`Batch::records_mut`]), returning where they start.
    pub(crate) fn append_bytes(&mut self, bytes: &[u8]) -> usize {
        self.own();
        let start = self.data.len();
        self.data.extend_from_slice(bytes);
        start
    }

    /// The records of the frames and their bytes, for a stage that changes what each record
    /// points at (`--decap`: the mirrored frame inside a tunnel packet) or drops some.
    pub(crate) fn records_mut(&mut self) -> (&[u8], &mut Vec<FrameRecord>) {
        let bytes = match &self.shared {
            Some(chunk) => chunk.as_slice(),
            None => &self.data,
        };
        (bytes, &mut self.frames)
    }

    /// Appends a frame that lies in `chunk` at `record` (no copy). A batch holds frames of one
    /// chunk only: false, and nothing added, when it already holds another's (or copied frames);
    /// the caller hands it over and adds the frame to an empty one.
    pub(crate) fn push_shared(&mut self, chunk: &SharedChunk, record: FrameRecord) -> bool {
        match &self.shared {
            Some(held) if Arc::ptr_eq(held, chunk) => {}
            None if self.frames.is_empty() && self.data.is_empty() => self.shared = Some(Arc::clone(chunk)),
            _ => return false,
        }
        self.frames.push(record);
        true
    }

    /// Copies a shared chunk's bytes into the batch's own buffer before the batch is changed
    /// (only a stage that rebuilds frames needs this; the replay's shared batches never meet one).
    fn own(&mut self) {
        if let Some(chunk) = self.shared.take() {
            self.data.clear();
            self.data.extend_from_slice(&chunk);
        }
    }

    /// The frames, in capture order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = RawFrame<'_>> + '_ {
        let bytes = match &self.shared {
            Some(chunk) => chunk.as_slice(),
            None => &self.data,
        };
        self.frames.iter().map(move |f| f.in_buffer(bytes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn push_iter_clear() {
        let mut b = Batch::with_capacity(4);
        b.push(&[1, 2, 3], 60, Timestamp(5), Fcs::Stripped, 0, 1);
        b.push(&[4], 1, Timestamp(6), Fcs::Present, 1, 2);
        let frames: Vec<_> =
            b.iter().map(|f| (f.data.to_vec(), f.orig_len, f.time, f.fcs, f.seq, f.if_index)).collect();
        assert_eq!(
            frames,
            vec![
                (vec![1, 2, 3], 60, Timestamp(5), Fcs::Stripped, 0, 1),
                (vec![4], 1, Timestamp(6), Fcs::Present, 1, 2)
            ]
        );
        assert_eq!(b.len(), 2);
        b.clear();
        assert!(b.is_empty());
    }
}
