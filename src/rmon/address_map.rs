//! Address mapping (RFC 4502 addressMapTable): for each addressMapControl row's data source,
//! the MAC address each IPv4 and IPv6 address last sent a good frame from. A row changes (for
//! addressMapLastChange and the TimeFilter) when it is made and when the MAC address differs.

use crate::mib::{MacAddr, NetAddr, Timestamp};
use crate::packet::Frame;
use crate::rmon::table::{LruTable, TableHasher};

pub use crate::mib::rmon2::address_map::{AddressMapControlEntry, AddressMapEntry};

/// A network address of one protocol: nlHost's key, so that a frame's source is hashed once
/// for both tables.
pub use crate::rmon::nl_host::HostKey as MapKey;

/// The MAC address last seen with a network address, when it last changed, and when it was
/// last seen.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Mapping {
    pub physical: MacAddr,
    pub changed: Timestamp,
    pub seen: Timestamp,
}

/// One shard's address map for one addressMapControl row.
#[derive(Clone, Debug)]
pub struct AddressMapTable {
    map: LruTable<MapKey, Mapping>,
    pub inserts: u64,
    pub deletes: u64,
}

impl AddressMapTable {
    pub fn new(size_limit: usize, hasher: TableHasher) -> Self {
        AddressMapTable { map: LruTable::with_hasher(size_limit, hasher), inserts: 0, deletes: 0 }
    }

    /// Learns the source of a good frame: `address` of protocol `local_index` was sent from
    /// the frame's source MAC.
    pub fn learn(&mut self, frame: &Frame, local_index: u32, address: NetAddr) {
        let hash = self.map.hash(&MapKey { local_index, address });
        self.learn_hashed(frame, local_index, address, hash);
    }

    /// [`AddressMapTable::learn`] with the hash of the key known.
    #[inline]
    pub fn learn_hashed(&mut self, frame: &Frame, local_index: u32, address: NetAddr, hash: u64) {
        let Some((_, mac)) = frame.addresses else { return };
        let now = frame.time;
        let mut made = false;
        let (m, evicted) = self.map.get_or_insert_with_hashed(MapKey { local_index, address }, hash, || {
            made = true;
            Mapping { physical: mac, changed: now, seen: now }
        });
        if m.physical != mac {
            m.physical = mac;
            m.changed = now;
        }
        m.seen = now;
        self.inserts += u64::from(made);
        self.deletes += u64::from(evicted.is_some());
    }

    /// Starts loading the slot of an address (see [`LruTable::prefetch`]).
    #[inline]
    pub fn prefetch(&self, hash: u64) {
        self.map.prefetch(hash);
    }

    pub fn len(&self) -> usize {
        self.map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }
}

/// The shards' maps of one row merged. The MAC address is the one seen last by any shard; it
/// has been so since the earliest change of the shards that have it (several shards see one
/// address when its frames go to several workers), but not before another shard last saw the
/// address with another MAC address. Exact while an address keeps one MAC address; when it
/// moves back and forth between shards' frames, addressMapLastChange is the earliest moment the
/// shards can tell (the true change lies between that and the first frame after it).
pub fn merge(tables: &[&AddressMapTable]) -> Vec<(MapKey, Mapping)> {
    // Per address: the mapping kept, and the last time a shard saw it with another MAC address.
    let mut all: std::collections::BTreeMap<MapKey, (Mapping, Timestamp)> = std::collections::BTreeMap::new();
    for t in tables {
        for (k, m) in t.map.iter() {
            let (have, _) = all.entry(*k).or_insert((*m, Timestamp::default()));
            if m.seen > have.seen {
                *have = *m;
            }
        }
    }
    // A shard whose mapping agrees with the one kept may have had it earlier; one that saw
    // another MAC address says the change came after that.
    for t in tables {
        for (k, m) in t.map.iter() {
            let Some((have, other_seen)) = all.get_mut(k) else { continue };
            if have.physical == m.physical {
                have.changed = have.changed.min(m.changed);
            } else {
                *other_seen = (*other_seen).max(m.seen);
            }
        }
    }
    all.into_iter().map(|(k, (m, other_seen))| (k, Mapping { changed: m.changed.max(other_seen), ..m })).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::packet::Condition;
    use crate::rmon::hosts::tests::{frame, mac};

    /// An address that moves from one MAC address to another and back, its frames on two
    /// shards: the merged change is no earlier than the last sighting of the other address.
    #[test]
    fn a_change_is_not_before_another_shard_saw_the_other_mac() {
        let a = NetAddr::v4([10, 0, 0, 1]);
        let (mut one, mut two) =
            (AddressMapTable::new(10, TableHasher::default()), AddressMapTable::new(10, TableHasher::default()));
        one.learn(&frame(1, mac(1), mac(2), 100, Condition::Good), 3, a);
        two.learn(&frame(5, mac(7), mac(2), 100, Condition::Good), 3, a);
        one.learn(&frame(10, mac(1), mac(2), 100, Condition::Good), 3, a);
        let m = merge(&[&one, &two])[0].1;
        assert_eq!(m.physical, mac(1), "the one seen last");
        assert_eq!(m.changed, Timestamp(5_000_000), "not before mac 7 was last seen (frame 5)");
        assert_eq!(m.seen, Timestamp(10_000_000));
        // Both shards agree: the earliest change of the two.
        let mut three = AddressMapTable::new(10, TableHasher::default());
        three.learn(&frame(3, mac(1), mac(2), 100, Condition::Good), 3, a);
        let mut four = AddressMapTable::new(10, TableHasher::default());
        four.learn(&frame(8, mac(1), mac(2), 100, Condition::Good), 3, a);
        assert_eq!(merge(&[&four, &three])[0].1.changed, Timestamp(3_000_000));
    }

    #[test]
    fn a_new_mac_is_a_change() {
        let a = NetAddr::v4([10, 0, 0, 1]);
        let mut t = AddressMapTable::new(10, TableHasher::default());
        t.learn(&frame(0, mac(1), mac(2), 100, Condition::Good), 3, a);
        t.learn(&frame(1, mac(1), mac(2), 100, Condition::Good), 3, a);
        assert_eq!(merge(&[&t])[0].1.changed, Timestamp(0));
        t.learn(&frame(2, mac(9), mac(2), 100, Condition::Good), 3, a);
        let m = merge(&[&t])[0].1;
        assert_eq!((m.physical, m.changed), (mac(9), Timestamp(2_000_000)));
        assert_eq!((t.inserts, t.deletes, t.len()), (1, 0, 1));
        // Another shard that saw the same MAC earlier: the mapping dates from then.
        let mut u = AddressMapTable::new(10, TableHasher::default());
        u.learn(&frame(1, mac(9), mac(2), 100, Condition::Good), 3, a);
        let m = merge(&[&t, &u])[0].1;
        assert_eq!((m.physical, m.changed), (mac(9), Timestamp(1_000_000)));
    }
}
