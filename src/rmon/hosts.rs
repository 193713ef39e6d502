//! The host group: hostControlTable, hostTable and hostTimeTable (RFC 2819, section 5.4).
//!
//! Each shard learns hosts in its own [`HostTable`]; a manager's read merges the shards. A host
//! remembers the position in the data stream where it first appeared (source before destination
//! within a frame), so that hostCreationOrder is the true order of first appearance however the
//! frames were spread across workers, and it renumbers by itself when a host is deleted.

use std::collections::HashMap;

use crate::mib::time::Timestamp;
use crate::packet::{Destination, Frame, MacAddr};
use crate::rmon::control::{DataSource, EntryStatus, Owner};
use crate::rmon::table::{LruTable, TableHasher, TableKey, merge_entries};

impl TableKey for MacAddr {}

pub use crate::mib::rmon1::hosts::{HostControlEntry, HostEntry, HostTimeEntry};

/// hostCreationOrder is an Integer32 (1..65535): no host table may hold more hosts.
pub const MAX_HOST_TABLE_SIZE: usize = 65535;

/// A host's counters, exact 64-bit values. In memory order the six counters a good frame updates
/// come first, so they share a cache line with the table slot's key (see `table.rs`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[repr(C)]
pub struct HostCounters {
    pub in_pkts: u64,
    pub out_pkts: u64,
    pub in_octets: u64,
    pub out_octets: u64,
    pub out_broadcast_pkts: u64,
    pub out_multicast_pkts: u64,
    pub out_errors: u64,
}

impl HostCounters {
    fn add(&mut self, o: &HostCounters) {
        self.in_pkts += o.in_pkts;
        self.out_pkts += o.out_pkts;
        self.in_octets += o.in_octets;
        self.out_octets += o.out_octets;
        self.out_errors += o.out_errors;
        self.out_broadcast_pkts += o.out_broadcast_pkts;
        self.out_multicast_pkts += o.out_multicast_pkts;
    }
}

/// Where in the data stream a host first appeared: twice the frame's sequence number, plus one
/// when it was the destination. Smaller is earlier.
pub type FirstSeen = u64;

fn first_seen(frame: &Frame, as_destination: bool) -> FirstSeen {
    frame.seq.saturating_mul(2).saturating_add(u64::from(as_destination))
}

/// One host as a shard knows it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[repr(C)]
pub struct HostState {
    pub counters: HostCounters,
    pub first_seen: FirstSeen,
}

/// The hosts one shard has learned for one hostControlEntry.
#[derive(Clone, Debug)]
pub struct HostTable {
    pub(crate) hosts: LruTable<MacAddr, HostState>,
    /// When this shard last deleted a host to make room.
    pub(crate) last_delete: Option<Timestamp>,
    /// Bad frames from sources this shard has not learned: (source, frame number, wire
    /// length). With several workers another shard may have learned the source before the
    /// frame, and then the frame counts on it; only the merge can tell (see [`merge`]).
    pub(crate) orphans: Vec<(MacAddr, u64, u32)>,
}

/// Most bad frames of unlearned sources a shard keeps for the merge, per host table: a flood of
/// damaged frames with garbage addresses cannot grow a shard without bound. Beyond it, with
/// several workers, such frames are not counted on hosts another worker learned.
pub const MAX_ORPHANS: usize = 65_536;

impl HostTable {
    /// An empty table that holds at most `size_limit` hosts (and never more than the MIB allows).
    pub fn new(size_limit: usize) -> Self {
        Self::with_hasher(size_limit, TableHasher::default())
    }

    /// As `new`, hashing addresses with the shard's hasher (see [`LruTable::with_hasher`]).
    pub fn with_hasher(size_limit: usize, hasher: TableHasher) -> Self {
        HostTable {
            hosts: LruTable::with_hasher(size_limit.min(MAX_HOST_TABLE_SIZE), hasher),
            last_delete: None,
            orphans: Vec::new(),
        }
    }

    /// Counts one frame.
    pub fn count(&mut self, frame: &Frame) {
        if let Some((dst, src)) = frame.addresses {
            let (src_hash, dst_hash) = (self.hosts.hash(&src), self.hosts.hash(&dst));
            self.count_hashed(frame, src_hash, dst_hash);
        }
    }

    /// Counts one frame whose source and destination hashes are known. Good frames teach both
    /// addresses, source first; a bad frame only adds to the Out counters and OutErrors of a
    /// source already known (RFC 2819 learns hosts from good packets only, and a bad frame's
    /// addresses may be garbage).
    #[inline]
    pub fn count_hashed(&mut self, frame: &Frame, src_hash: u64, dst_hash: u64) {
        let Some((dst, src)) = frame.addresses else {
            return;
        };
        let octets = u64::from(frame.wire_len);
        if frame.is_good() {
            let (entry, evicted) = self.hosts.get_or_insert_with_hashed(src, src_hash, || HostState {
                counters: HostCounters::default(),
                first_seen: first_seen(frame, false),
            });
            let c = &mut entry.counters;
            c.out_pkts += 1;
            c.out_octets += octets;
            match frame.destination() {
                Destination::Broadcast => c.out_broadcast_pkts += 1,
                Destination::Multicast => c.out_multicast_pkts += 1,
                Destination::Unicast => {}
            }
            if evicted.is_some() {
                self.last_delete = Some(frame.time);
            }
            let (entry, evicted) = self.hosts.get_or_insert_with_hashed(dst, dst_hash, || HostState {
                counters: HostCounters::default(),
                first_seen: first_seen(frame, true),
            });
            entry.counters.in_pkts += 1;
            entry.counters.in_octets += octets;
            if evicted.is_some() {
                self.last_delete = Some(frame.time);
            }
        } else if let Some(entry) = self.hosts.get_mut_hashed(&src, src_hash) {
            entry.counters.out_pkts += 1;
            entry.counters.out_octets += octets;
            entry.counters.out_errors += 1;
        } else if self.orphans.len() < MAX_ORPHANS {
            self.orphans.push((src, frame.seq, frame.wire_len));
        }
    }

    /// Starts loading the table slots of a frame's addresses (see [`LruTable::prefetch`]).
    #[inline]
    pub fn prefetch(&self, src_hash: u64, dst_hash: u64) {
        self.hosts.prefetch(src_hash);
        self.hosts.prefetch(dst_hash);
    }

    /// Number of hosts in this shard's table.
    pub fn len(&self) -> usize {
        self.hosts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.hosts.is_empty()
    }
}

/// hostControlEntry: which data source to learn hosts on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HostControl {
    pub data_source: DataSource,
    pub owner: Owner,
    pub status: EntryStatus,
    /// When the row last became valid (RMON2's LastCreateTime: etherStatsCreateTime and the like).
    pub created: Timestamp,
}

impl From<&HostEntry> for HostTimeEntry {
    fn from(h: &HostEntry) -> Self {
        HostTimeEntry {
            host_time_address: h.host_address,
            host_time_creation_order: h.host_creation_order,
            host_time_index: h.host_index,
            host_time_in_pkts: h.host_in_pkts,
            host_time_out_pkts: h.host_out_pkts,
            host_time_in_octets: h.host_in_octets,
            host_time_out_octets: h.host_out_octets,
            host_time_out_errors: h.host_out_errors,
            host_time_out_broadcast_pkts: h.host_out_broadcast_pkts,
            host_time_out_multicast_pkts: h.host_out_multicast_pkts,
        }
    }
}

/// One host control row's tables, merged across shards.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MergedHosts {
    /// In creation order: index 0 has hostCreationOrder 1.
    pub hosts: Vec<HostEntry>,
    pub last_delete: Option<Timestamp>,
}

/// Merges the shards' tables for hostControlIndex `index`: counters are summed, a host's first
/// appearance is the earliest of any shard, and hostCreationOrder is the rank by that.
pub fn merge(index: u16, tables: &[&HostTable]) -> MergedHosts {
    let last_delete = tables.iter().filter_map(|t| t.last_delete).max();
    let host_tables: Vec<_> = tables.iter().map(|t| &t.hosts).collect();
    let mut ordered = merge_entries(&host_tables, |merged: &mut HostState, state| {
        merged.counters.add(&state.counters);
        merged.first_seen = merged.first_seen.min(state.first_seen);
    });
    // A bad frame one shard could not place counts on its source if the merged table learned
    // that source before the frame (what one worker seeing every frame would have done).
    if tables.len() > 1 {
        let at: HashMap<MacAddr, usize> = ordered.iter().enumerate().map(|(i, (a, _))| (*a, i)).collect();
        for &(source, seq, wire_len) in tables.iter().flat_map(|t| &t.orphans) {
            if let Some(state) = at.get(&source).map(|&i| &mut ordered[i].1)
                && state.first_seen < seq.saturating_mul(2)
            {
                state.counters.out_pkts += 1;
                state.counters.out_octets += u64::from(wire_len);
                state.counters.out_errors += 1;
            }
        }
    }
    ordered.sort_unstable_by_key(|(address, state)| (state.first_seen, *address));
    let hosts = ordered
        .iter()
        .enumerate()
        .map(|(i, (address, state))| {
            let c = &state.counters;
            HostEntry {
                host_address: *address,
                host_creation_order: (i + 1) as u32,
                host_index: index,
                host_in_pkts: c.in_pkts,
                host_out_pkts: c.out_pkts,
                host_in_octets: c.in_octets,
                host_out_octets: c.out_octets,
                host_out_errors: c.out_errors,
                host_out_broadcast_pkts: c.out_broadcast_pkts,
                host_out_multicast_pkts: c.out_multicast_pkts,
            }
        })
        .collect();
    MergedHosts { hosts, last_delete }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::packet::Condition;

    pub(crate) fn mac(n: u8) -> MacAddr {
        MacAddr([0x02, 0, 0, 0, 0, n])
    }

    pub(crate) fn frame(seq: u64, src: MacAddr, dst: MacAddr, wire_len: u32, condition: Condition) -> Frame {
        Frame {
            time: Timestamp(seq * 1_000_000),
            seq,
            if_index: 1,
            wire_len,
            orig_len: wire_len - 4,
            size_len: wire_len,
            vlan_tags: 0,
            condition,
            addresses: Some((dst, src)),
            status: 0,
        }
    }

    fn addresses_in_order(m: &MergedHosts) -> Vec<MacAddr> {
        m.hosts.iter().map(|h| h.host_address).collect()
    }

    #[test]
    fn counts_in_and_out_with_source_first() {
        let mut t = HostTable::new(100);
        t.count(&frame(0, mac(2), mac(1), 100, Condition::Good));
        t.count(&frame(1, mac(1), MacAddr::BROADCAST, 64, Condition::Good));
        t.count(&frame(2, mac(3), MacAddr([0x01, 0, 0x5e, 0, 0, 1]), 80, Condition::Good));
        let m = merge(1, &[&t]);
        assert_eq!(
            addresses_in_order(&m),
            vec![mac(2), mac(1), MacAddr::BROADCAST, mac(3), MacAddr([0x01, 0, 0x5e, 0, 0, 1])]
        );
        let h1 = &m.hosts[1];
        assert_eq!(h1.host_creation_order, 2);
        assert_eq!((h1.host_in_pkts, h1.host_in_octets, h1.host_out_pkts, h1.host_out_octets), (1, 100, 1, 64));
        assert_eq!((h1.host_out_broadcast_pkts, h1.host_out_multicast_pkts), (1, 0));
        assert_eq!(m.hosts[3].host_out_multicast_pkts, 1);
        assert_eq!(m.hosts[2].host_in_pkts, 1);
    }

    #[test]
    fn bad_frames_never_teach_hosts_and_count_as_errors_of_known_sources() {
        let mut t = HostTable::new(100);
        t.count(&frame(0, mac(1), mac(2), 1600, Condition::Oversize));
        assert!(t.is_empty());
        t.count(&frame(1, mac(1), mac(2), 100, Condition::Good));
        t.count(&frame(2, mac(1), mac(9), 1600, Condition::Oversize));
        t.count(&frame(3, mac(1), mac(2), 100, Condition::CrcAlignError));
        let m = merge(1, &[&t]);
        assert_eq!(addresses_in_order(&m), vec![mac(1), mac(2)]);
        let h1 = &m.hosts[0];
        assert_eq!((h1.host_out_pkts, h1.host_out_octets, h1.host_out_errors), (3, 1800, 2));
        // The destination of a bad frame gets nothing.
        assert_eq!((m.hosts[1].host_in_pkts, m.hosts[1].host_in_octets), (1, 100));
    }

    #[test]
    fn frames_without_addresses_are_ignored() {
        let mut t = HostTable::new(10);
        let mut f = frame(0, mac(1), mac(2), 64, Condition::Good);
        f.addresses = None;
        t.count(&f);
        assert!(t.is_empty());
    }

    #[test]
    fn eviction_drops_the_least_recently_used_and_renumbers() {
        let mut t = HostTable::new(3);
        t.count(&frame(0, mac(1), mac(2), 64, Condition::Good)); // 1, 2
        t.count(&frame(1, mac(3), mac(1), 64, Condition::Good)); // 3; 1 used again
        assert_eq!(t.last_delete, None);
        // mac(4) is new: the least recently used is mac(2).
        t.count(&frame(2, mac(4), mac(1), 64, Condition::Good));
        assert_eq!(t.last_delete, Some(Timestamp(2_000_000)));
        let m = merge(1, &[&t]);
        assert_eq!(addresses_in_order(&m), vec![mac(1), mac(3), mac(4)]);
        assert_eq!(m.hosts.iter().map(|h| h.host_creation_order).collect::<Vec<_>>(), vec![1, 2, 3]);
        // mac(2) comes back as a new host, last in creation order, with fresh counters.
        t.count(&frame(3, mac(2), mac(4), 64, Condition::Good));
        let m = merge(1, &[&t]);
        assert_eq!(addresses_in_order(&m), vec![mac(1), mac(4), mac(2)]);
        assert_eq!(m.hosts[2].host_out_pkts, 1);
    }

    #[test]
    fn merge_across_shards_sums_and_orders_by_first_appearance() {
        let mut a = HostTable::new(10);
        let mut b = HostTable::new(10);
        // Frame 0 went to shard b, frame 1 to shard a: mac(5) appeared first in b.
        b.count(&frame(0, mac(5), mac(6), 100, Condition::Good));
        a.count(&frame(1, mac(7), mac(5), 200, Condition::Good));
        a.count(&frame(2, mac(5), mac(7), 300, Condition::Good));
        let m = merge(4, &[&a, &b]);
        assert_eq!(addresses_in_order(&m), vec![mac(5), mac(6), mac(7)]);
        let h5 = &m.hosts[0];
        assert_eq!((h5.host_out_octets, h5.host_in_octets, h5.host_index), (400, 200, 4));
    }

    #[test]
    fn size_limit_never_exceeds_the_mib_range() {
        assert_eq!(HostTable::new(1_000_000).hosts.len(), 0);
        let mut t = HostTable::new(usize::MAX);
        for i in 0..70_000u64 {
            let m = MacAddr([0x02, 0, 0, (i >> 16) as u8, (i >> 8) as u8, i as u8]);
            t.count(&frame(i, m, m, 64, Condition::Good));
        }
        assert_eq!(t.len(), MAX_HOST_TABLE_SIZE);
    }

    #[test]
    fn a_bad_frame_counts_on_a_host_another_shard_learned_before_it() {
        let (mut a, mut b) = (HostTable::new(10), HostTable::new(10));
        // Shard b sees a bad frame from host 1 before anyone learned it: never counted.
        b.count(&frame(0, mac(1), mac(2), 100, Condition::CrcAlignError));
        // Shard a learns host 1 from a good frame; b then sees two more bad frames from it.
        a.count(&frame(1, mac(1), mac(2), 200, Condition::Good));
        b.count(&frame(2, mac(1), mac(3), 300, Condition::CrcAlignError));
        b.count(&frame(3, mac(1), mac(3), 64, Condition::Fragment));
        let merged = merge(1, &[&a, &b]);
        let h1 = merged.hosts.iter().find(|h| h.host_address == mac(1)).unwrap();
        assert_eq!((h1.host_out_pkts, h1.host_out_octets, h1.host_out_errors), (3, 564, 2));
        assert_eq!(merged.hosts.len(), 2, "bad frames teach no host");
        // One shard alone: its orphans are frames of hosts never learned, left out.
        let alone = merge(1, &[&b]);
        assert!(alone.hosts.is_empty());
    }
}
