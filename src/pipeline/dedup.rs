//! `--dedup`: the same frame seen twice counts once.
//!
//! A SPAN session that mirrors two links of one path, or both directions of a port, hands the
//! probe every frame that crossed both twice, a few microseconds to milliseconds apart. Such a
//! frame is a duplicate when its bytes and length equal those of a frame seen on the same data
//! source within the window; it is left out of every count and counted apart (the data
//! source's duplicates, IF-MIB's ifInDiscards). The window runs from the first sighting, so a
//! frame really sent again later (a retransmission after a timeout) counts again.
//!
//! The frames seen live in the worker, not in its shard: a view's copy of a shard never carries
//! them. Frames go to workers by their addresses, so copies of one frame meet in one worker.

use std::collections::hash_map::Entry;
use std::collections::{HashMap, VecDeque};
use std::hash::BuildHasher;

use crate::packet::RawFrame;
use crate::rmon::Timestamp;
use crate::rmon::table::TableHasher;

/// The frames seen within the window, per data source.
#[derive(Debug, Default)]
pub struct Dedup {
    hasher: TableHasher,
    /// (ifIndex, hash of the bytes and length) -> first seen.
    seen: HashMap<(u32, u64), Timestamp>,
    /// The same, in the order seen, for forgetting them when the window has passed.
    order: VecDeque<(Timestamp, u32, u64)>,
}

impl Dedup {
    /// Whether `frame` repeats one seen on its data source less than `window_ns` before; if
    /// not, it is remembered. Frames come in time order (a frame stamped earlier than the last
    /// is taken at the last one's time, as the shard takes it).
    pub fn is_duplicate(&mut self, frame: &RawFrame<'_>, window_ns: u64) -> bool {
        let latest = self.order.back().map_or(frame.time, |&(t, _, _)| t.max(frame.time));
        while let Some(&(t, if_index, hash)) = self.order.front() {
            if latest.0.saturating_sub(t.0) < window_ns {
                break;
            }
            self.order.pop_front();
            if let Entry::Occupied(e) = self.seen.entry((if_index, hash))
                && *e.get() == t
            {
                e.remove();
            }
        }
        let hash = self.hasher.hash_one((frame.data, frame.orig_len));
        match self.seen.entry((frame.if_index, hash)) {
            Entry::Occupied(_) => true,
            Entry::Vacant(e) => {
                e.insert(latest);
                self.order.push_back((latest, frame.if_index, hash));
                false
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::packet::Fcs;

    fn frame(data: &[u8], ms: u64, if_index: u32) -> RawFrame<'_> {
        RawFrame {
            data,
            orig_len: data.len() as u32,
            fcs: Fcs::Stripped,
            time: Timestamp(ms * 1_000_000),
            seq: 0,
            if_index,
        }
    }

    #[test]
    fn a_copy_within_the_window_is_a_duplicate() {
        let window = 10_000_000; // 10 ms
        let mut d = Dedup::default();
        let (a, b) = ([1u8; 60], [2u8; 60]);
        assert!(!d.is_duplicate(&frame(&a, 0, 1), window));
        assert!(!d.is_duplicate(&frame(&b, 1, 1), window));
        // The same bytes: a copy; on another data source: not.
        assert!(d.is_duplicate(&frame(&a, 2, 1), window));
        assert!(!d.is_duplicate(&frame(&a, 2, 2), window));
        // A third copy within the window of the first sighting.
        assert!(d.is_duplicate(&frame(&a, 9, 1), window));
        // After the window: counted again, and a new window starts.
        assert!(!d.is_duplicate(&frame(&a, 10, 1), window));
        assert!(d.is_duplicate(&frame(&a, 15, 1), window));
        // A frame cut shorter by the capture, with the same first bytes, is no copy.
        assert!(!d.is_duplicate(&frame(&a[..40], 15, 1), window));
        // What is past the window is forgotten.
        assert!(!d.is_duplicate(&frame(&b, 100, 1), window));
        assert_eq!(d.seen.len(), 1);
        assert_eq!(d.order.len(), 1);
    }
}
