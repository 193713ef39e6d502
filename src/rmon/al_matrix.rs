//! Application-layer conversations (RFC 4502 alMatrixSDTable and alMatrixDSTable): per
//! hlMatrixControl row, every (source, destination) pair of network addresses of good frames
//! under each protocol above the network layer the frame carries and the directory counts in
//! alMatrix (its transport, and its application where the directory has the port).
//!
//! Each shard keeps an [`AlMatrixTable`] beside the row's nlMatrix table (the same control row,
//! the same bound); a read merges them; SD and DS are the same pairs in two index orders.

use crate::mib::{NetAddr, Timestamp};
use crate::packet::Frame;
use crate::rmon::nl_matrix::PairKey;
use crate::rmon::protocol_dir::{AppProtocol, NetworkProtocol};
use crate::rmon::table::{LruTable, TableHasher, TableKey, merge_counted, refine_hash};

pub use crate::mib::rmon2::al_matrix::{AlMatrixDsEntry, AlMatrixSdEntry};

/// A conversation under one application, ordered as alMatrixSDTable's index is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AlPairKey {
    pub nl_local_index: u32,
    pub source: NetAddr,
    pub dest: NetAddr,
    pub al_local_index: u32,
}

/// Hashed from the network-layer conversation's key (nlMatrix's), so a frame's addresses are
/// hashed once.
impl TableKey for AlPairKey {
    #[inline]
    fn table_hash(&self, hasher: &TableHasher) -> u64 {
        let pair = PairKey { local_index: self.nl_local_index, source: self.source, dest: self.dest };
        refine_hash(pair.table_hash(hasher), self.al_local_index)
    }
}

/// One conversation's counts under one application, and its times.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[repr(C)]
pub struct AlPairState {
    pub pkts: u64,
    pub octets: u64,
    pub created: Timestamp,
    pub changed: Timestamp,
}

impl AlPairState {
    fn add(&mut self, o: &AlPairState) {
        self.pkts += o.pkts;
        self.octets += o.octets;
        self.created = self.created.min(o.created);
        self.changed = self.changed.max(o.changed);
    }
}

/// The application-layer conversations one shard has learned for one hlMatrixControl row.
#[derive(Clone, Debug)]
pub struct AlMatrixTable {
    pairs: LruTable<AlPairKey, AlPairState>,
    /// hlMatrixControlAlInserts and AlDeletes.
    pub inserts: u64,
    pub deletes: u64,
    /// Whether the row's AlMaxDesiredEntries leaves room for any entry: when not, frames cost
    /// the application layer nothing.
    counting: bool,
}

impl AlMatrixTable {
    /// A table of at most `size_limit` entries; 0: nothing is counted.
    pub fn new(size_limit: usize, hasher: TableHasher) -> Self {
        AlMatrixTable {
            pairs: LruTable::with_hasher(size_limit.max(1), hasher),
            inserts: 0,
            deletes: 0,
            counting: size_limit > 0,
        }
    }

    /// Counts a good frame from `source` to `dest` under each of its `applications` that
    /// alMatrix counts.
    pub fn count(
        &mut self,
        frame: &Frame,
        network: NetworkProtocol,
        source: NetAddr,
        dest: NetAddr,
        applications: &[AppProtocol],
    ) {
        let pair_hash = PairKey { local_index: network.local_index, source, dest }.table_hash(self.pairs.hasher());
        self.count_hashed(frame, network, source, dest, pair_hash, applications);
    }

    /// [`AlMatrixTable::count`] with the hash of the network-layer pair's key (PairKey) known.
    #[inline]
    pub fn count_hashed(
        &mut self,
        frame: &Frame,
        network: NetworkProtocol,
        source: NetAddr,
        dest: NetAddr,
        pair_hash: u64,
        applications: &[AppProtocol],
    ) {
        if !self.counting {
            return;
        }
        let now = frame.time;
        for app in applications.iter().filter(|a| a.matrix) {
            let key = AlPairKey { nl_local_index: network.local_index, source, dest, al_local_index: app.local_index };
            let hash = refine_hash(pair_hash, app.local_index);
            let mut made = false;
            let (p, evicted) = self.pairs.get_or_insert_with_hashed(key, hash, || {
                made = true;
                AlPairState { created: now, ..Default::default() }
            });
            p.pkts += 1;
            p.octets += u64::from(frame.wire_len);
            p.changed = now;
            self.inserts += u64::from(made);
            self.deletes += u64::from(evicted.is_some());
        }
    }

    /// Every conversation of the table, in no order.
    pub fn iter(&self) -> impl Iterator<Item = (&AlPairKey, &AlPairState)> {
        self.pairs.iter()
    }

    /// Starts loading the slots a frame of the network-layer pair hash `pair_hash` will use
    /// (see [`LruTable::prefetch`]).
    #[inline]
    pub fn prefetch(&self, pair_hash: u64, applications: &[AppProtocol]) {
        if !self.counting {
            return;
        }
        for app in applications.iter().filter(|a| a.matrix) {
            self.pairs.prefetch(refine_hash(pair_hash, app.local_index));
        }
    }

    pub fn len(&self) -> usize {
        self.pairs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }
}

/// One hlMatrixControl row's application-layer conversations merged across shards, in SD
/// index order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MergedAlMatrix {
    pub pairs: Vec<(AlPairKey, AlPairState)>,
    pub inserts: u64,
    pub deletes: u64,
}

pub fn merge(tables: &[&AlMatrixTable]) -> MergedAlMatrix {
    let counted: Vec<_> = tables.iter().map(|t| (&t.pairs, t.inserts, t.deletes)).collect();
    let (pairs, inserts, deletes) = merge_counted(&counted, AlPairState::add);
    MergedAlMatrix { pairs, inserts, deletes }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::packet::{Condition, MacAddr};
    use crate::rmon::hosts::tests::frame;
    use std::hash::BuildHasher;

    /// As alHost's: the hash the counting path derives from nlMatrix's key is the one the
    /// table files the entry under when it grows.
    #[test]
    fn entries_are_found_again_after_the_table_grows() {
        let ip = NetworkProtocol { local_index: 3, host: true, matrix: true, address_map: true };
        let tcp = AppProtocol { local_index: 7, host: true, matrix: true };
        let hasher = TableHasher::default();
        let mut t = AlMatrixTable::new(10_000, hasher.clone());
        let host = |n: u32| NetAddr::v4(n.to_be_bytes());
        let f = frame(0, MacAddr([2, 0, 0, 0, 0, 1]), MacAddr([2, 0, 0, 0, 0, 2]), 80, Condition::Good);
        for _ in 0..2 {
            for n in 0..1000 {
                let (a, b) = (host(n), host(n + 1));
                let hash = hasher.hash_one(PairKey { local_index: ip.local_index, source: a, dest: b });
                t.count_hashed(&f, ip, a, b, hash, &[tcp]);
            }
        }
        assert_eq!((t.len(), t.inserts), (1000, 1000));
        assert!(merge(&[&t]).pairs.iter().all(|(_, s)| s.pkts == 2));
    }

    #[test]
    fn pairs_are_directed_and_per_application() {
        let ip = NetworkProtocol { local_index: 3, host: true, matrix: true, address_map: true };
        let udp = AppProtocol { local_index: 8, host: true, matrix: true };
        let dns = AppProtocol { local_index: 20, host: true, matrix: true };
        let (a, b) = (NetAddr::v4([10, 0, 0, 1]), NetAddr::v4([10, 0, 0, 2]));
        let mut t = AlMatrixTable::new(10, TableHasher::default());
        let f = frame(0, MacAddr([2, 0, 0, 0, 0, 1]), MacAddr([2, 0, 0, 0, 0, 2]), 80, Condition::Good);
        t.count(&f, ip, a, b, &[udp, dns]);
        t.count(&f, ip, b, a, &[udp, dns]);
        t.count(&f, ip, a, b, &[udp]);
        let m = merge(&[&t]);
        let got: Vec<_> = m.pairs.iter().map(|(k, s)| (k.source, k.al_local_index, s.pkts, s.octets)).collect();
        assert_eq!(got, vec![(a, 8, 2, 160), (a, 20, 1, 80), (b, 8, 1, 80), (b, 20, 1, 80)]);
        assert_eq!(m.inserts, 4);
    }
}
