//! The matrix group: matrixControlTable, matrixSDTable and matrixDSTable (RFC 2819, section 5.6).
//!
//! A conversation is a (source, destination) pair learned from good frames. The two data tables
//! hold the same pairs and differ only in their index order, so a shard keeps one map and a read
//! produces both orders.

use std::hash::{Hash, Hasher};

use crate::mib::time::Timestamp;
use crate::packet::{Frame, MacAddr};
use crate::rmon::control::{DataSource, EntryStatus, Owner};
use crate::rmon::hosts::MAX_ORPHANS;
use crate::rmon::table::{LruTable, TableHasher, TableKey, merge_entries, sort_rows_by_key};

pub use crate::mib::rmon1::matrix::{MatrixControlEntry, MatrixDsEntry, MatrixSdEntry};

/// A conversation: source and destination.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Pair {
    pub source: MacAddr,
    pub dest: MacAddr,
}

impl Hash for Pair {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_u128(u128::from(self.source.to_u64()) << 48 | u128::from(self.dest.to_u64()));
    }
}

impl TableKey for Pair {}

/// A pair's counters, exact 64-bit values.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MatrixCounters {
    /// Frames from source to destination, bad frames included.
    pub pkts: u64,
    /// Their octets, FCS included.
    pub octets: u64,
    /// The bad frames among them.
    pub errors: u64,
    /// Number of the good frame that made the pair (its `seq`): with several workers, a bad
    /// frame another worker could not place counts on the pair if it came after this.
    pub first_seq: u64,
}

/// The pairs one shard has learned for one matrixControlEntry.
#[derive(Clone, Debug)]
pub struct MatrixTable {
    pub(crate) pairs: LruTable<Pair, MatrixCounters>,
    pub(crate) last_delete: Option<Timestamp>,
    /// Bad frames of pairs this shard had not learned: (pair, frame number, wire length), at
    /// most [`MAX_ORPHANS`], for the merge. Frames are spread over workers by IP address pair,
    /// so one MAC pair's frames (behind a router, all of them) reach several workers.
    pub(crate) orphans: Vec<(Pair, u64, u32)>,
}

impl MatrixTable {
    pub fn new(size_limit: usize) -> Self {
        Self::with_hasher(size_limit, TableHasher::default())
    }

    /// As `new`, hashing pairs with the shard's hasher (see [`LruTable::with_hasher`]).
    pub fn with_hasher(size_limit: usize, hasher: TableHasher) -> Self {
        MatrixTable { pairs: LruTable::with_hasher(size_limit, hasher), last_delete: None, orphans: Vec::new() }
    }

    /// Counts one frame.
    pub fn count(&mut self, frame: &Frame) {
        if let Some((dest, source)) = frame.addresses {
            let hash = self.pairs.hash(&Pair { source, dest });
            self.count_hashed(frame, hash);
        }
    }

    /// Counts one frame whose pair's hash is known: a good frame creates its pair when new; a
    /// bad frame counts only on a pair that already exists (RFC 2819: "only create new entries
    /// based on information received in good packets").
    #[inline]
    pub fn count_hashed(&mut self, frame: &Frame, pair_hash: u64) {
        let Some((dest, source)) = frame.addresses else {
            return;
        };
        let pair = Pair { source, dest };
        let octets = u64::from(frame.wire_len);
        if frame.is_good() {
            let first_seq = frame.seq;
            let (c, evicted) = self.pairs.get_or_insert_with_hashed(pair, pair_hash, || MatrixCounters {
                first_seq,
                ..MatrixCounters::default()
            });
            c.pkts += 1;
            c.octets += octets;
            if evicted.is_some() {
                self.last_delete = Some(frame.time);
            }
        } else if let Some(c) = self.pairs.get_mut_hashed(&pair, pair_hash) {
            c.pkts += 1;
            c.octets += octets;
            c.errors += 1;
        } else if self.orphans.len() < MAX_ORPHANS {
            self.orphans.push((pair, frame.seq, frame.wire_len));
        }
    }

    /// Starts loading the table slot of a frame's pair (see [`LruTable::prefetch`]).
    #[inline]
    pub fn prefetch(&self, pair_hash: u64) {
        self.pairs.prefetch(pair_hash);
    }

    pub fn len(&self) -> usize {
        self.pairs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }
}

/// matrixControlEntry: which data source to watch conversations on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MatrixControl {
    pub data_source: DataSource,
    pub owner: Owner,
    pub status: EntryStatus,
    /// When the row last became valid (RMON2's LastCreateTime: etherStatsCreateTime and the like).
    pub created: Timestamp,
}

impl From<MatrixSdEntry> for MatrixDsEntry {
    /// The same conversation as the other table names it.
    fn from(e: MatrixSdEntry) -> Self {
        MatrixDsEntry {
            source_address: e.source_address,
            dest_address: e.dest_address,
            index: e.index,
            pkts: e.pkts,
            octets: e.octets,
            errors: e.errors,
        }
    }
}

/// One matrix control row's conversations, merged across shards, in matrixSDTable order
/// (source, then destination).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MergedMatrix {
    pub pairs: Vec<(Pair, MatrixCounters)>,
    pub last_delete: Option<Timestamp>,
}

impl MergedMatrix {
    /// matrixSDTable rows of control row `index`.
    pub fn sd_entries(&self, index: u16) -> impl Iterator<Item = MatrixSdEntry> + '_ {
        self.pairs.iter().map(move |(p, c)| MatrixSdEntry {
            source_address: p.source,
            dest_address: p.dest,
            index,
            pkts: c.pkts,
            octets: c.octets,
            errors: c.errors,
        })
    }

    /// matrixDSTable rows of control row `index`, in their own order (destination, then source).
    pub fn ds_entries(&self, index: u16) -> Vec<MatrixDsEntry> {
        let mut rows: Vec<MatrixDsEntry> = self.sd_entries(index).map(MatrixDsEntry::from).collect();
        sort_rows_by_key(&mut rows, |r| (r.dest_address, r.source_address));
        rows
    }
}

/// Merges the shards' tables: counters of the same pair are summed.
pub fn merge(tables: &[&MatrixTable]) -> MergedMatrix {
    let last_delete = tables.iter().filter_map(|t| t.last_delete).max();
    let pair_tables: Vec<_> = tables.iter().map(|t| &t.pairs).collect();
    let mut pairs = merge_entries(&pair_tables, |merged: &mut MatrixCounters, c| {
        merged.pkts += c.pkts;
        merged.octets += c.octets;
        merged.errors += c.errors;
        merged.first_seq = merged.first_seq.min(c.first_seq);
    });
    // A bad frame one shard could not place counts on its pair if the merged table learned the
    // pair before the frame (what one worker seeing every frame would have done). One shard
    // alone: its orphans are frames of pairs never learned, left out.
    if tables.len() > 1 {
        for &(pair, seq, wire_len) in tables.iter().flat_map(|t| &t.orphans) {
            if let Ok(at) = pairs.binary_search_by_key(&pair, |(p, _)| *p)
                && pairs[at].1.first_seq < seq
            {
                let c = &mut pairs[at].1;
                c.pkts += 1;
                c.octets += u64::from(wire_len);
                c.errors += 1;
            }
        }
    }
    MergedMatrix { pairs, last_delete }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::packet::Condition;
    use crate::rmon::hosts::tests::{frame, mac};

    #[test]
    fn sd_and_ds_hold_the_same_pairs_in_their_own_order() {
        let mut t = MatrixTable::new(100);
        t.count(&frame(0, mac(2), mac(1), 100, Condition::Good));
        t.count(&frame(1, mac(1), mac(3), 200, Condition::Good));
        t.count(&frame(2, mac(2), mac(1), 300, Condition::Good));
        let m = merge(&[&t]);
        let sd: Vec<_> = m.sd_entries(1).map(|r| (r.source_address, r.dest_address, r.pkts, r.octets)).collect();
        assert_eq!(sd, vec![(mac(1), mac(3), 1, 200), (mac(2), mac(1), 2, 400)]);
        let ds: Vec<_> = m.ds_entries(1).into_iter().map(|r| (r.dest_address, r.source_address)).collect();
        assert_eq!(ds, vec![(mac(1), mac(2)), (mac(3), mac(1))]);
    }

    #[test]
    fn bad_frames_count_only_on_existing_pairs() {
        let mut t = MatrixTable::new(100);
        t.count(&frame(0, mac(1), mac(2), 2000, Condition::Oversize));
        assert!(t.is_empty());
        t.count(&frame(1, mac(1), mac(2), 100, Condition::Good));
        t.count(&frame(2, mac(1), mac(2), 2000, Condition::Jabber));
        let m = merge(&[&t]);
        assert_eq!(
            m.pairs,
            vec![(
                Pair { source: mac(1), dest: mac(2) },
                MatrixCounters { pkts: 2, octets: 2100, errors: 1, first_seq: 1 }
            )]
        );
    }

    /// One MAC pair's frames on two workers (as behind a router): a bad frame the second worker
    /// could not place counts on the pair the first learned, if the pair was made before it.
    #[test]
    fn bad_frames_another_shard_could_not_place_count_after_the_pair_was_made() {
        let (mut a, mut b) = (MatrixTable::new(100), MatrixTable::new(100));
        b.count(&frame(3, mac(1), mac(2), 2000, Condition::Oversize));
        a.count(&frame(5, mac(1), mac(2), 100, Condition::Good));
        b.count(&frame(9, mac(1), mac(2), 2000, Condition::Jabber));
        assert!(b.is_empty());
        assert_eq!(b.orphans.len(), 2);
        let m = merge(&[&a, &b]);
        let c = m.pairs[0].1;
        assert_eq!((c.pkts, c.octets, c.errors), (2, 2100, 1), "frame 9 counts, frame 3 came first");
        // One worker seeing the same frames gives the same.
        let mut one = MatrixTable::new(100);
        for f in [
            frame(3, mac(1), mac(2), 2000, Condition::Oversize),
            frame(5, mac(1), mac(2), 100, Condition::Good),
            frame(9, mac(1), mac(2), 2000, Condition::Jabber),
        ] {
            one.count(&f);
        }
        assert_eq!(merge(&[&one]).pairs, m.pairs);
    }

    #[test]
    fn eviction_and_merge() {
        let mut a = MatrixTable::new(2);
        a.count(&frame(0, mac(1), mac(2), 64, Condition::Good));
        a.count(&frame(1, mac(1), mac(3), 64, Condition::Good));
        a.count(&frame(2, mac(1), mac(2), 64, Condition::Good));
        a.count(&frame(3, mac(1), mac(4), 64, Condition::Good)); // evicts 1->3
        assert_eq!(a.last_delete, Some(Timestamp(3_000_000)));
        let mut b = MatrixTable::new(2);
        b.count(&frame(4, mac(1), mac(2), 100, Condition::Good));
        let m = merge(&[&a, &b]);
        let got: Vec<_> = m.pairs.iter().map(|(p, c)| (p.dest, c.pkts, c.octets)).collect();
        assert_eq!(got, vec![(mac(2), 3, 228), (mac(4), 1, 64)]);
        assert_eq!(m.last_delete, Some(Timestamp(3_000_000)));
    }
}
