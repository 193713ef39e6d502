//! Network-layer conversations (RFC 4502 nlMatrixSDTable and nlMatrixDSTable): per
//! hlMatrixControl row, every (source, destination) pair of IPv4 or IPv6 addresses of good
//! frames, with its packets and octets. One table per shard, bounded (least recently used out),
//! merged on read; SD and DS are the same pairs in two index orders.

use crate::mib::{NetAddr, Timestamp};
use crate::packet::Frame;
use crate::rmon::al_matrix::AlMatrixTable;
use crate::rmon::protocol_dir::NetworkProtocol;
use crate::rmon::table::{LruTable, TableHasher, TableKey, merge_counted};

pub use crate::mib::rmon2::nl_matrix::{HlMatrixControlEntry, NlMatrixDsEntry, NlMatrixSdEntry};

/// A conversation of the network layer, in SD order.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PairKey {
    pub local_index: u32,
    pub source: NetAddr,
    pub dest: NetAddr,
}

impl TableKey for PairKey {}

/// One pair's counts, and its times on the probe's clock.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[repr(C)]
pub struct NlPairState {
    pub pkts: u64,
    pub octets: u64,
    pub created: Timestamp,
    pub changed: Timestamp,
}

impl NlPairState {
    fn add(&mut self, o: &NlPairState) {
        self.pkts += o.pkts;
        self.octets += o.octets;
        self.created = self.created.min(o.created);
        self.changed = self.changed.max(o.changed);
    }
}

/// The conversations one shard has learned for one hlMatrixControl row.
#[derive(Clone, Debug)]
pub struct NlMatrixTable {
    pairs: LruTable<PairKey, NlPairState>,
    /// The same row's application-layer conversations (alMatrixSD/DS).
    pub al: AlMatrixTable,
    pub inserts: u64,
    pub deletes: u64,
}

impl NlMatrixTable {
    /// A table of at most `size_limit` entries, and `al_size_limit` in the application layer's
    /// (0: not counted).
    pub fn new(size_limit: usize, al_size_limit: usize, hasher: TableHasher) -> Self {
        NlMatrixTable {
            pairs: LruTable::with_hasher(size_limit, hasher.clone()),
            al: AlMatrixTable::new(al_size_limit, hasher),
            inserts: 0,
            deletes: 0,
        }
    }

    /// Counts a good frame of the network protocol `network` from `source` to `dest`.
    pub fn count(&mut self, frame: &Frame, network: NetworkProtocol, source: NetAddr, dest: NetAddr) {
        let hash = self.pairs.hash(&PairKey { local_index: network.local_index, source, dest });
        self.count_hashed(frame, network, source, dest, hash);
    }

    /// [`NlMatrixTable::count`] with the hash of the pair's key known.
    #[inline]
    pub fn count_hashed(&mut self, frame: &Frame, network: NetworkProtocol, source: NetAddr, dest: NetAddr, hash: u64) {
        let now = frame.time;
        let key = PairKey { local_index: network.local_index, source, dest };
        let (p, evicted) =
            self.pairs.get_or_insert_with_hashed(key, hash, || NlPairState { created: now, ..Default::default() });
        self.inserts += u64::from(p.pkts == 0);
        p.pkts += 1;
        p.octets += u64::from(frame.wire_len);
        p.changed = now;
        self.deletes += u64::from(evicted.is_some());
    }

    /// Every conversation of the table, in no order.
    pub fn iter(&self) -> impl Iterator<Item = (&PairKey, &NlPairState)> {
        self.pairs.iter()
    }

    /// Starts loading the slot of a frame's pair (see [`LruTable::prefetch`]).
    #[inline]
    pub fn prefetch(&self, hash: u64) {
        self.pairs.prefetch(hash);
    }

    pub fn len(&self) -> usize {
        self.pairs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }
}

/// One hlMatrixControl row's pairs merged across shards, in SD index order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MergedNlMatrix {
    pub pairs: Vec<(PairKey, NlPairState)>,
    pub inserts: u64,
    pub deletes: u64,
}

pub fn merge(tables: &[&NlMatrixTable]) -> MergedNlMatrix {
    let counted: Vec<_> = tables.iter().map(|t| (&t.pairs, t.inserts, t.deletes)).collect();
    let (pairs, inserts, deletes) = merge_counted(&counted, NlPairState::add);
    MergedNlMatrix { pairs, inserts, deletes }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::packet::Condition;
    use crate::rmon::hosts::tests::{frame, mac};

    #[test]
    fn pairs_are_directed() {
        let ip = NetworkProtocol { local_index: 3, host: true, matrix: true, address_map: true };
        let (a, b) = (NetAddr::v4([10, 0, 0, 1]), NetAddr::v4([10, 0, 0, 2]));
        let mut t = NlMatrixTable::new(10, 10, TableHasher::default());
        t.count(&frame(0, mac(1), mac(2), 100, Condition::Good), ip, a, b);
        t.count(&frame(1, mac(2), mac(1), 200, Condition::Good), ip, b, a);
        t.count(&frame(2, mac(1), mac(2), 300, Condition::Good), ip, a, b);
        let m = merge(&[&t]);
        let got: Vec<_> = m.pairs.iter().map(|(k, s)| (k.source, k.dest, s.pkts, s.octets)).collect();
        assert_eq!(got, vec![(a, b, 2, 400), (b, a, 1, 200)]);
        assert_eq!(m.inserts, 2);
    }
}
