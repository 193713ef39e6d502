//! Address mapping (RFC 4502 addressMapTable): for each addressMapControl row's data source,
//! the MAC address each IPv4 and IPv6 address last sent a good frame from. A row changes (for
//! addressMapLastChange and the TimeFilter) when it is made and when the MAC address differs.

use crate::mib::{MacAddr, NetAddr, Timestamp};
use crate::packet::Frame;
use crate::rmon::table::{LruTable, TableHasher};

pub use crate::mib::rmon2::address_map::{AddressMapControlEntry, AddressMapEntry};

/// A network address of one protocol.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MapKey {
    pub local_index: u32,
    pub address: NetAddr,
}

/// The MAC address last seen with a network address, and when it last changed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Mapping {
    pub physical: MacAddr,
    pub changed: Timestamp,
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
        let Some((_, mac)) = frame.addresses else { return };
        let now = frame.time;
        let mut made = false;
        let (m, evicted) = self.map.get_or_insert_with(MapKey { local_index, address }, || {
            made = true;
            Mapping { physical: mac, changed: now }
        });
        if m.physical != mac {
            m.physical = mac;
            m.changed = now;
        }
        self.inserts += u64::from(made);
        self.deletes += u64::from(evicted.is_some());
    }

    pub fn len(&self) -> usize {
        self.map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }
}

/// The shards' maps of one row merged: where shards disagree, the latest change wins.
pub fn merge(tables: &[&AddressMapTable]) -> Vec<(MapKey, Mapping)> {
    let mut all: std::collections::BTreeMap<MapKey, Mapping> = std::collections::BTreeMap::new();
    for t in tables {
        for (k, m) in t.map.iter() {
            all.entry(*k)
                .and_modify(|have| {
                    if m.changed > have.changed {
                        *have = *m;
                    }
                })
                .or_insert(*m);
        }
    }
    all.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::packet::Condition;
    use crate::rmon::hosts::tests::{frame, mac};

    #[test]
    fn a_new_mac_is_a_change() {
        let a = NetAddr::v4([10, 0, 0, 1]);
        let mut t = AddressMapTable::new(10, TableHasher::default());
        t.learn(&frame(0, mac(1), mac(2), 100, Condition::Good), 3, a);
        t.learn(&frame(1, mac(1), mac(2), 100, Condition::Good), 3, a);
        assert_eq!(merge(&[&t])[0].1, Mapping { physical: mac(1), changed: Timestamp(0) });
        t.learn(&frame(2, mac(9), mac(2), 100, Condition::Good), 3, a);
        assert_eq!(merge(&[&t])[0].1, Mapping { physical: mac(9), changed: Timestamp(2_000_000) });
        assert_eq!((t.inserts, t.deletes, t.len()), (1, 0, 1));
    }
}
