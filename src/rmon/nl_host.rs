//! Network-layer hosts (RFC 4502 nlHostTable): per hlHostControl row, every IPv4 and IPv6
//! address seen as the source or destination of a good frame, with its packets and octets each
//! way and the frames it sent to a MAC broadcast or multicast address.
//!
//! Each shard learns in its own [`NlHostTable`] (bounded, least recently used out); a read
//! merges them. A host keeps when it was created and last changed, for nlHostCreateTime and the
//! TimeFilter.

use crate::mib::{NetAddr, Timestamp};
use crate::packet::{Destination, Frame};
use crate::rmon::al_host::AlHostTable;
use crate::rmon::protocol_dir::NetworkProtocol;
use crate::rmon::table::{LruTable, TableHasher, TableKey, merge_counted};

pub use crate::mib::rmon2::nl_host::{HlHostControlEntry, NlHostEntry};

/// A host of the network layer: its protocol (protocolDirLocalIndex) and address.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct HostKey {
    pub local_index: u32,
    pub address: NetAddr,
}

impl TableKey for HostKey {}

/// One host's counts, exact, and its times on the probe's clock.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[repr(C)]
pub struct NlHostState {
    pub in_pkts: u64,
    pub out_pkts: u64,
    pub in_octets: u64,
    pub out_octets: u64,
    pub out_mac_non_unicast_pkts: u64,
    pub created: Timestamp,
    pub changed: Timestamp,
}

impl NlHostState {
    fn new(now: Timestamp) -> Self {
        NlHostState { created: now, changed: now, ..Default::default() }
    }

    fn add(&mut self, o: &NlHostState) {
        self.in_pkts += o.in_pkts;
        self.out_pkts += o.out_pkts;
        self.in_octets += o.in_octets;
        self.out_octets += o.out_octets;
        self.out_mac_non_unicast_pkts += o.out_mac_non_unicast_pkts;
        self.created = self.created.min(o.created);
        self.changed = self.changed.max(o.changed);
    }
}

/// The network-layer hosts one shard has learned for one hlHostControl row.
#[derive(Clone, Debug)]
pub struct NlHostTable {
    hosts: LruTable<HostKey, NlHostState>,
    /// The same row's application-layer hosts (alHostTable).
    pub al: AlHostTable,
    /// Hosts added and deleted (to make room) since the row became active.
    pub inserts: u64,
    pub deletes: u64,
}

impl NlHostTable {
    /// A table of at most `size_limit` entries, and `al_size_limit` in the application layer's
    /// (0: not counted).
    pub fn new(size_limit: usize, al_size_limit: usize, hasher: TableHasher) -> Self {
        NlHostTable {
            hosts: LruTable::with_hasher(size_limit, hasher.clone()),
            al: AlHostTable::new(al_size_limit, hasher),
            inserts: 0,
            deletes: 0,
        }
    }

    /// Counts a good frame of the network protocol `network` from `source` to `dest`.
    pub fn count(&mut self, frame: &Frame, network: NetworkProtocol, source: NetAddr, dest: NetAddr) {
        let key = |address| HostKey { local_index: network.local_index, address };
        let (source_hash, dest_hash) = (self.hosts.hash(&key(source)), self.hosts.hash(&key(dest)));
        self.count_hashed(frame, network, (source, source_hash), (dest, dest_hash));
    }

    /// [`NlHostTable::count`] with the hashes of both hosts' keys known.
    #[inline]
    pub fn count_hashed(
        &mut self,
        frame: &Frame,
        network: NetworkProtocol,
        (source, source_hash): (NetAddr, u64),
        (dest, dest_hash): (NetAddr, u64),
    ) {
        let octets = u64::from(frame.wire_len);
        let now = frame.time;
        let local_index = network.local_index;
        let source_key = HostKey { local_index, address: source };
        let (h, evicted) = self.hosts.get_or_insert_with_hashed(source_key, source_hash, || NlHostState::new(now));
        if h.out_pkts == 0 && h.in_pkts == 0 {
            self.inserts += 1;
        }
        h.out_pkts += 1;
        h.out_octets += octets;
        if frame.destination() != Destination::Unicast {
            h.out_mac_non_unicast_pkts += 1;
        }
        h.changed = now;
        self.deletes += u64::from(evicted.is_some());
        let dest_key = HostKey { local_index, address: dest };
        let (h, evicted) = self.hosts.get_or_insert_with_hashed(dest_key, dest_hash, || NlHostState::new(now));
        if h.out_pkts == 0 && h.in_pkts == 0 {
            self.inserts += 1;
        }
        h.in_pkts += 1;
        h.in_octets += octets;
        h.changed = now;
        self.deletes += u64::from(evicted.is_some());
    }

    /// Starts loading the slots of both hosts of a frame (see [`LruTable::prefetch`]).
    #[inline]
    pub fn prefetch(&self, source_hash: u64, dest_hash: u64) {
        self.hosts.prefetch(source_hash);
        self.hosts.prefetch(dest_hash);
    }

    pub fn len(&self) -> usize {
        self.hosts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.hosts.is_empty()
    }
}

/// One hlHostControl row's hosts, merged across shards, in index order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MergedNlHosts {
    pub hosts: Vec<(HostKey, NlHostState)>,
    pub inserts: u64,
    pub deletes: u64,
}

/// Merges the shards' tables of one row: counts summed, the earliest creation, the latest
/// change.
pub fn merge(tables: &[&NlHostTable]) -> MergedNlHosts {
    let counted: Vec<_> = tables.iter().map(|t| (&t.hosts, t.inserts, t.deletes)).collect();
    let (hosts, inserts, deletes) = merge_counted(&counted, NlHostState::add);
    MergedNlHosts { hosts, inserts, deletes }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::packet::{Condition, MacAddr};
    use crate::rmon::hosts::tests::frame;

    const IP: NetworkProtocol = NetworkProtocol { local_index: 3, host: true, matrix: true, address_map: true };

    fn a(last: u8) -> NetAddr {
        NetAddr::v4([10, 0, 0, last])
    }

    #[test]
    fn counts_both_ends_and_non_unicast_sends() {
        let mut t = NlHostTable::new(100, 100, TableHasher::default());
        let mut f = frame(0, MacAddr([2, 0, 0, 0, 0, 1]), MacAddr([2, 0, 0, 0, 0, 2]), 100, Condition::Good);
        t.count(&f, IP, a(1), a(2));
        f.addresses = Some((MacAddr::BROADCAST, MacAddr([2, 0, 0, 0, 0, 1])));
        f.time = Timestamp(5);
        t.count(&f, IP, a(1), a(255));
        let m = merge(&[&t]);
        let got: Vec<_> = m
            .hosts
            .iter()
            .map(|(k, s)| (k.address, s.in_pkts, s.out_pkts, s.out_octets, s.out_mac_non_unicast_pkts))
            .collect();
        assert_eq!(got, vec![(a(1), 0, 2, 200, 1), (a(2), 1, 0, 0, 0), (a(255), 1, 0, 0, 0)]);
        assert_eq!((m.hosts[0].1.created, m.hosts[0].1.changed), (Timestamp(0), Timestamp(5)));
        assert_eq!((m.inserts, m.deletes), (3, 0));
    }

    #[test]
    fn shards_merge_and_a_full_table_forgets_the_least_recent() {
        let f = frame(0, MacAddr([2, 0, 0, 0, 0, 1]), MacAddr([2, 0, 0, 0, 0, 2]), 100, Condition::Good);
        let (mut x, mut y) =
            (NlHostTable::new(2, 2, TableHasher::default()), NlHostTable::new(2, 2, TableHasher::default()));
        x.count(&f, IP, a(1), a(2));
        y.count(&f, IP, a(1), a(2));
        let m = merge(&[&x, &y]);
        assert_eq!(m.hosts.iter().map(|(_, s)| s.out_pkts + s.in_pkts).collect::<Vec<_>>(), vec![2, 2]);
        assert_eq!(m.inserts, 2, "a host learned by two shards is inserted once");
        x.count(&f, IP, a(3), a(2));
        let m = merge(&[&x]);
        assert_eq!(m.hosts.iter().map(|(k, _)| k.address).collect::<Vec<_>>(), vec![a(2), a(3)]);
        assert_eq!((m.inserts, m.deletes), (3, 1));
    }
}
