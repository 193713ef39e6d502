//! Application-layer hosts (RFC 4502 alHostTable): per hlHostControl row, every IPv4 and IPv6
//! address of a good frame under each protocol above the network layer that the frame carries
//! and the directory counts in alHost: its transport (tcp, udp, icmp, icmpv6) and, where the
//! directory has the port, its application. Packets and octets each way, as nlHost counts them.
//!
//! Each shard keeps an [`AlHostTable`] beside the row's nlHost table (the same control row,
//! the same bound: least recently used out); a read merges them.

use crate::mib::{NetAddr, Timestamp};
use crate::packet::Frame;
use crate::rmon::nl_host::HostKey;
use crate::rmon::protocol_dir::{AppProtocol, NetworkProtocol};
use crate::rmon::table::{LruTable, TableHasher, TableKey, merge_counted, refine_hash};

pub use crate::mib::rmon2::al_host::AlHostEntry;

/// A host of one application: the network protocol and address, and the application's
/// protocol. Ordered as alHostTable's index is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AlHostKey {
    pub nl_local_index: u32,
    pub address: NetAddr,
    pub al_local_index: u32,
}

/// Hashed from the network-layer host's key (nlHost's), so a frame's addresses are hashed once.
impl TableKey for AlHostKey {
    #[inline]
    fn table_hash(&self, hasher: &TableHasher) -> u64 {
        let host = HostKey { local_index: self.nl_local_index, address: self.address };
        refine_hash(host.table_hash(hasher), self.al_local_index)
    }
}

/// One host's counts under one application, and its times on the probe's clock.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[repr(C)]
pub struct AlHostState {
    pub in_pkts: u64,
    pub out_pkts: u64,
    pub in_octets: u64,
    pub out_octets: u64,
    pub created: Timestamp,
    pub changed: Timestamp,
}

impl AlHostState {
    fn add(&mut self, o: &AlHostState) {
        self.in_pkts += o.in_pkts;
        self.out_pkts += o.out_pkts;
        self.in_octets += o.in_octets;
        self.out_octets += o.out_octets;
        self.created = self.created.min(o.created);
        self.changed = self.changed.max(o.changed);
    }
}

/// The application-layer hosts one shard has learned for one hlHostControl row.
#[derive(Clone, Debug)]
pub struct AlHostTable {
    hosts: LruTable<AlHostKey, AlHostState>,
    /// Entries added and deleted (to make room): hlHostControlAlInserts and AlDeletes.
    pub inserts: u64,
    pub deletes: u64,
    /// Whether the row's AlMaxDesiredEntries leaves room for any entry: when not, frames cost
    /// the application layer nothing.
    counting: bool,
}

impl AlHostTable {
    /// A table of at most `size_limit` entries; 0: nothing is counted.
    pub fn new(size_limit: usize, hasher: TableHasher) -> Self {
        AlHostTable {
            hosts: LruTable::with_hasher(size_limit.max(1), hasher),
            inserts: 0,
            deletes: 0,
            counting: size_limit > 0,
        }
    }

    /// Counts a good frame from `source` to `dest` under each of its `applications` (the
    /// transport, then the application) that alHost counts.
    pub fn count(
        &mut self,
        frame: &Frame,
        network: NetworkProtocol,
        source: NetAddr,
        dest: NetAddr,
        applications: &[AppProtocol],
    ) {
        let hash = |address| HostKey { local_index: network.local_index, address }.table_hash(self.hosts.hasher());
        let (source_hash, dest_hash) = (hash(source), hash(dest));
        self.count_hashed(frame, network, (source, source_hash), (dest, dest_hash), applications);
    }

    /// [`AlHostTable::count`] with the hashes of both hosts' network-layer keys (HostKey) known.
    #[inline]
    pub fn count_hashed(
        &mut self,
        frame: &Frame,
        network: NetworkProtocol,
        (source, source_hash): (NetAddr, u64),
        (dest, dest_hash): (NetAddr, u64),
        applications: &[AppProtocol],
    ) {
        if !self.counting {
            return;
        }
        let octets = u64::from(frame.wire_len);
        let now = frame.time;
        for app in applications.iter().filter(|a| a.host) {
            for (address, host_hash, outgoing) in [(source, source_hash, true), (dest, dest_hash, false)] {
                let key = AlHostKey { nl_local_index: network.local_index, address, al_local_index: app.local_index };
                let hash = refine_hash(host_hash, app.local_index);
                let mut made = false;
                let (h, evicted) = self.hosts.get_or_insert_with_hashed(key, hash, || {
                    made = true;
                    AlHostState { created: now, ..Default::default() }
                });
                if outgoing {
                    h.out_pkts += 1;
                    h.out_octets += octets;
                } else {
                    h.in_pkts += 1;
                    h.in_octets += octets;
                }
                h.changed = now;
                self.inserts += u64::from(made);
                self.deletes += u64::from(evicted.is_some());
            }
        }
    }

    /// Starts loading the slots a frame from the hosts of network-layer key hashes
    /// `source_hash` and `dest_hash` will use (see [`LruTable::prefetch`]).
    #[inline]
    pub fn prefetch(&self, source_hash: u64, dest_hash: u64, applications: &[AppProtocol]) {
        if !self.counting {
            return;
        }
        for app in applications.iter().filter(|a| a.host) {
            self.hosts.prefetch(refine_hash(source_hash, app.local_index));
            self.hosts.prefetch(refine_hash(dest_hash, app.local_index));
        }
    }

    pub fn len(&self) -> usize {
        self.hosts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.hosts.is_empty()
    }
}

/// One hlHostControl row's application-layer hosts merged across shards, in index order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MergedAlHosts {
    pub hosts: Vec<(AlHostKey, AlHostState)>,
    pub inserts: u64,
    pub deletes: u64,
}

pub fn merge(tables: &[&AlHostTable]) -> MergedAlHosts {
    let counted: Vec<_> = tables.iter().map(|t| (&t.hosts, t.inserts, t.deletes)).collect();
    let (hosts, inserts, deletes) = merge_counted(&counted, AlHostState::add);
    MergedAlHosts { hosts, inserts, deletes }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::packet::{Condition, MacAddr};
    use crate::rmon::hosts::tests::frame;
    use std::hash::BuildHasher;

    const IP: NetworkProtocol = NetworkProtocol { local_index: 3, host: true, matrix: true, address_map: true };
    const TCP: AppProtocol = AppProtocol { local_index: 7, host: true, matrix: true };
    const HTTP: AppProtocol = AppProtocol { local_index: 30, host: true, matrix: true };
    const OFF: AppProtocol = AppProtocol { local_index: 31, host: false, matrix: true };

    /// The counting path derives an entry's hash from nlHost's key; the table rehashes
    /// entries as it grows and closes gaps from the key alone. Both must agree, or an entry
    /// counted again after a growth would be made twice.
    #[test]
    fn entries_are_found_again_after_the_table_grows() {
        let hasher = TableHasher::default();
        let mut t = AlHostTable::new(10_000, hasher.clone());
        let host = |n: u32| NetAddr::v4(n.to_be_bytes());
        let hash = |n: u32| hasher.hash_one(HostKey { local_index: IP.local_index, address: host(n) });
        let f = frame(0, MacAddr([2, 0, 0, 0, 0, 1]), MacAddr([2, 0, 0, 0, 0, 2]), 100, Condition::Good);
        for _ in 0..2 {
            for n in 0..1000 {
                t.count_hashed(&f, IP, (host(n), hash(n)), (host(n + 1), hash(n + 1)), &[TCP, HTTP]);
            }
        }
        assert_eq!((t.len(), t.inserts), (2002, 2002));
        let m = merge(&[&t]);
        let first = AlHostKey { nl_local_index: IP.local_index, address: host(0), al_local_index: HTTP.local_index };
        assert_eq!(m.hosts.iter().find(|(k, _)| *k == first).map(|(_, s)| (s.out_pkts, s.in_pkts)), Some((2, 0)));
    }

    #[test]
    fn each_end_counts_under_the_transport_and_the_application() {
        let mut t = AlHostTable::new(100, TableHasher::default());
        let (a, b) = (NetAddr::v4([10, 0, 0, 1]), NetAddr::v4([10, 0, 0, 2]));
        let f = frame(0, MacAddr([2, 0, 0, 0, 0, 1]), MacAddr([2, 0, 0, 0, 0, 2]), 100, Condition::Good);
        t.count(&f, IP, a, b, &[TCP, HTTP]);
        t.count(&f, IP, b, a, &[TCP, OFF]);
        let m = merge(&[&t]);
        let got: Vec<_> =
            m.hosts.iter().map(|(k, s)| (k.address, k.al_local_index, s.out_pkts, s.in_pkts, s.out_octets)).collect();
        assert_eq!(got, vec![(a, 7, 1, 1, 100), (a, 30, 1, 0, 100), (b, 7, 1, 1, 100), (b, 30, 0, 1, 0)]);
        assert_eq!(m.inserts, 4, "an application whose hostConfig is off is not counted");
        // AlMaxDesiredEntries 0: the application layer is not counted at all.
        let mut off = AlHostTable::new(0, TableHasher::default());
        off.count(&f, IP, a, b, &[TCP, HTTP]);
        assert!(off.is_empty() && off.inserts == 0);
    }
}
