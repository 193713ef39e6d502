//! Batches: frames travel through the pipeline tens to hundreds at a time, never one by one
//! (DESIGN.md, rule 3). A batch owns one byte buffer for all its frames and is reused, so reading
//! allocates nothing once warm.

use crate::packet::{Fcs, RawFrame};
use crate::rmon::time::Timestamp;

/// Frames per batch by default: enough to amortize a hand-off between threads, few enough that a
/// batch of full-size frames stays in L2 cache.
pub const DEFAULT_BATCH_FRAMES: usize = 256;

/// Where one frame lies in a batch, and what the capture said about it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct FrameRecord {
    start: usize,
    caplen: usize,
    orig_len: u32,
    time: Timestamp,
    fcs: Fcs,
    seq: u64,
    if_index: u32,
}

/// A batch of captured frames.
#[derive(Clone, Debug, Default)]
pub struct Batch {
    data: Vec<u8>,
    frames: Vec<FrameRecord>,
}

impl Batch {
    pub fn with_capacity(frames: usize) -> Batch {
        Batch { data: Vec::with_capacity(frames * 512), frames: Vec::with_capacity(frames) }
    }

    /// Empties the batch, keeping its memory.
    pub fn clear(&mut self) {
        self.data.clear();
        self.frames.clear();
    }

    pub fn len(&self) -> usize {
        self.frames.len()
    }

    pub fn is_empty(&self) -> bool {
        self.frames.is_empty()
    }

    /// Bytes of frame data held.
    pub fn data_len(&self) -> usize {
        self.data.len()
    }

    /// Appends a frame (its captured bytes are copied).
    pub fn push(&mut self, bytes: &[u8], orig_len: u32, time: Timestamp, fcs: Fcs, seq: u64, if_index: u32) {
        let start = self.data.len();
        self.data.extend_from_slice(bytes);
        self.frames.push(FrameRecord { start, caplen: bytes.len(), orig_len, time, fcs, seq, if_index });
    }

    /// The frames, in capture order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = RawFrame<'_>> + '_ {
        self.frames.iter().map(|f| RawFrame {
            data: &self.data[f.start..f.start + f.caplen],
            orig_len: f.orig_len,
            fcs: f.fcs,
            time: f.time,
            seq: f.seq,
            if_index: f.if_index,
        })
    }

    /// The timestamp of the last frame, if any.
    pub fn last_time(&self) -> Option<Timestamp> {
        self.frames.last().map(|f| f.time)
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
        assert_eq!((b.len(), b.data_len(), b.last_time()), (2, 4, Some(Timestamp(6))));
        b.clear();
        assert!(b.is_empty());
        assert_eq!(b.last_time(), None);
    }
}
