//! The table behind hostTable and matrixSDTable: a hash map with a size limit that forgets its
//! least recently used entry (RFC 2819: "It is suggested that the device delete the least
//! recently used entries first").
//!
//! Why not a `HashMap` with a linked recency list: at line rate the host and matrix tables are
//! where a frame's time goes, and a linked list costs a cache miss or two per frame for the
//! neighbours it relinks. Here an entry is one slot of an open-addressing table (linear probing,
//! at most half full) holding key, value and the *stamp* of its last use, so counting a frame
//! touches one slot and nothing else.
//!
//! Eviction stays exactly least-recently-used. Until the table first fills there is nothing to
//! keep. From then on every use also appends (stamp, key) to a recency queue, which is therefore
//! in stamp order; the queue's oldest item whose stamp still matches its entry is the least
//! recently used entry. Items made stale by later uses are skipped, and the queue is rebuilt
//! from the table when stale items outnumber live ones three to one, which bounds its memory.

use std::collections::VecDeque;
use std::hash::{BuildHasher, Hash};

use rayon::slice::ParallelSliceMut;

/// The hash builder of every probe table. Seeded per process so that a flood of crafted
/// addresses cannot aim at one slot.
pub type TableHasher = foldhash::fast::RandomState;

/// How a key finds its slot. Most keys are hashed whole by the table's hasher. A key that
/// refines another table's key (an application under a host or under a conversation) derives
/// its hash from that key's with [`refine_hash`]: counting a frame then hashes its addresses
/// once for the network and the application layer, and the application layer's slots can be
/// requested from memory a batch ahead as cheaply as the network layer's.
pub trait TableKey: Hash + Eq + Copy + Default {
    #[inline]
    fn table_hash(&self, hasher: &TableHasher) -> u64 {
        hasher.hash_one(self)
    }
}

/// The hash of a key made of a key of hash `base` and a protocol's local index: a folded
/// multiply, so that every bit of both reaches the low bits that pick the slot.
#[inline]
pub fn refine_hash(base: u64, local_index: u32) -> u64 {
    const SPREAD: u64 = 0x9e37_79b9_7f4a_7c15;
    const MIX: u64 = 0xa076_1d64_78bd_642f;
    let product = u128::from(base ^ u64::from(local_index).wrapping_mul(SPREAD)) * u128::from(MIX);
    (product as u64) ^ ((product >> 64) as u64)
}

impl TableKey for u32 {}

/// Smallest number of slots.
const MIN_SLOTS: usize = 16;

/// One slot: aligned to a cache line and laid out in field order, so that the stamp, the key and
/// the first 48 octets of the value share one line (the host and matrix counters a frame
/// updates are put first in their structs for this reason).
#[derive(Clone, Debug, Default)]
#[repr(C, align(64))]
struct Slot<K, V> {
    /// When the entry was last used (1, 2, ...); 0 marks an empty slot.
    stamp: u64,
    key: K,
    value: V,
    /// Where the value ends: in the slot's second cache line when it has two.
    end: [u8; 0],
}

/// A map of at most `limit` entries that evicts the least recently used one.
#[derive(Clone, Debug)]
pub struct LruTable<K, V> {
    /// A power of two long, never more than half full.
    slots: Vec<Slot<K, V>>,
    len: usize,
    limit: usize,
    /// The stamp of the latest use.
    clock: u64,
    hasher: TableHasher,
    /// (stamp, key) of every use since the table first filled, oldest first.
    recency: Option<VecDeque<(u64, K)>>,
}

impl<K: TableKey, V: Default> LruTable<K, V> {
    /// An empty table holding at most `limit` entries (at least one).
    pub fn new(limit: usize) -> Self {
        Self::with_hasher(limit, TableHasher::default())
    }

    /// An empty table hashing with `hasher`: tables that share a hasher can share the hash of a
    /// key, so a frame's addresses are hashed once for all of them (see [`LruTable::hash`]).
    pub fn with_hasher(limit: usize, hasher: TableHasher) -> Self {
        LruTable {
            slots: std::iter::repeat_with(Slot::default).take(MIN_SLOTS).collect(),
            len: 0,
            limit: limit.max(1),
            clock: 0,
            hasher,
            recency: None,
        }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    fn mask(&self) -> usize {
        self.slots.len() - 1
    }

    /// The table's hasher, for the hash of a key [`refine_hash`] refines.
    pub fn hasher(&self) -> &TableHasher {
        &self.hasher
    }

    /// The hash of `key`, for the `*_hashed` methods.
    #[inline]
    pub fn hash(&self, key: &K) -> u64 {
        key.table_hash(&self.hasher)
    }

    fn home(&self, key: &K) -> usize {
        (self.hash(key) as usize) & self.mask()
    }

    /// The slot holding `key`, or the empty slot where it would go.
    #[inline]
    fn probe(&self, key: &K) -> (usize, bool) {
        self.probe_hashed(key, self.hash(key))
    }

    /// `probe` with the key's hash already known.
    #[inline]
    fn probe_hashed(&self, key: &K, hash: u64) -> (usize, bool) {
        let mask = self.mask();
        let mut i = (hash as usize) & mask;
        loop {
            let slot = &self.slots[i];
            if slot.stamp == 0 {
                return (i, false);
            }
            if slot.key == *key {
                return (i, true);
            }
            i = (i + 1) & mask;
        }
    }

    /// Marks slot `i` as just used.
    #[inline]
    fn touch(&mut self, i: usize) {
        self.clock += 1;
        let slot = &mut self.slots[i];
        slot.stamp = self.clock;
        if let Some(queue) = &mut self.recency {
            queue.push_back((self.clock, slot.key));
            if queue.len() > 3 * self.len + 64 {
                self.rebuild_recency();
            }
        }
    }

    /// The entry for `key`, marked as just used.
    #[inline]
    pub fn get_mut(&mut self, key: &K) -> Option<&mut V> {
        self.get_mut_hashed(key, self.hash(key))
    }

    /// `get_mut` with the key's hash (from [`LruTable::hash`]) already known.
    #[inline]
    pub fn get_mut_hashed(&mut self, key: &K, hash: u64) -> Option<&mut V> {
        let (i, found) = self.probe_hashed(key, hash);
        if !found {
            return None;
        }
        self.touch(i);
        Some(&mut self.slots[i].value)
    }

    /// The entry for `key` without touching its recency.
    pub fn peek(&self, key: &K) -> Option<&V> {
        let (i, found) = self.probe(key);
        found.then(|| &self.slots[i].value)
    }

    /// The entry for `key`, marked as just used, made with `make` when absent. When the table
    /// was full, the least recently used entry makes room and is handed back.
    #[inline]
    pub fn get_or_insert_with(&mut self, key: K, make: impl FnOnce() -> V) -> (&mut V, Option<(K, V)>) {
        self.get_or_insert_with_hashed(key, self.hash(&key), make)
    }

    /// `get_or_insert_with` with the key's hash (from [`LruTable::hash`]) already known.
    #[inline]
    pub fn get_or_insert_with_hashed(
        &mut self,
        key: K,
        hash: u64,
        make: impl FnOnce() -> V,
    ) -> (&mut V, Option<(K, V)>) {
        let (mut i, found) = self.probe_hashed(&key, hash);
        let mut evicted = None;
        if !found {
            if self.len == self.limit {
                evicted = self.evict_least_recent();
                i = self.probe(&key).0;
            } else if 2 * (self.len + 1) > self.slots.len() {
                self.grow();
                i = self.probe(&key).0;
            }
            self.slots[i] = Slot { stamp: 0, key, value: make(), end: [] };
            self.len += 1;
        }
        self.touch(i);
        (&mut self.slots[i].value, evicted)
    }

    /// Removes `key`'s entry.
    pub fn remove(&mut self, key: &K) -> Option<V> {
        let (i, found) = self.probe(key);
        found.then(|| self.remove_at(i).1)
    }

    /// Entries in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = (&K, &V)> {
        self.slots.iter().filter(|s| s.stamp != 0).map(|s| (&s.key, &s.value))
    }

    /// Keys from the most to the least recently used.
    pub fn keys_by_recency(&self) -> Vec<K> {
        let mut used: Vec<(u64, K)> = self.slots.iter().filter(|s| s.stamp != 0).map(|s| (s.stamp, s.key)).collect();
        used.sort_unstable_by_key(|(stamp, _)| std::cmp::Reverse(*stamp));
        used.into_iter().map(|(_, k)| k).collect()
    }

    fn evict_least_recent(&mut self) -> Option<(K, V)> {
        if self.recency.is_none() {
            self.rebuild_recency();
        }
        loop {
            let (stamp, key) = self.recency.as_mut()?.pop_front()?;
            let (i, found) = self.probe(&key);
            if found && self.slots[i].stamp == stamp {
                return Some(self.remove_at(i));
            }
        }
    }

    /// The recency queue from the table itself: one item per entry, oldest first.
    fn rebuild_recency(&mut self) {
        let mut used: Vec<(u64, K)> = self.slots.iter().filter(|s| s.stamp != 0).map(|s| (s.stamp, s.key)).collect();
        used.sort_unstable_by_key(|(stamp, _)| *stamp);
        self.recency = Some(used.into());
    }

    /// Empties slot `i` and closes the gap (backward-shift deletion), so that probing never
    /// needs tombstones.
    fn remove_at(&mut self, mut hole: usize) -> (K, V) {
        let removed = std::mem::take(&mut self.slots[hole]);
        self.len -= 1;
        let mask = self.mask();
        let mut j = hole;
        loop {
            j = (j + 1) & mask;
            if self.slots[j].stamp == 0 {
                break;
            }
            let home = self.home(&self.slots[j].key);
            // The entry at j may fill the hole unless its home lies cyclically in (hole, j].
            let stays = if hole <= j { hole < home && home <= j } else { hole < home || home <= j };
            if !stays {
                self.slots.swap(hole, j);
                hole = j;
            }
        }
        (removed.key, removed.value)
    }

    fn grow(&mut self) {
        let size = self.slots.len() * 2;
        let old = std::mem::replace(&mut self.slots, std::iter::repeat_with(Slot::default).take(size).collect());
        for slot in old.into_iter().filter(|s| s.stamp != 0) {
            let (i, _) = self.probe(&slot.key);
            self.slots[i] = slot;
        }
    }

    /// Starts loading the slot where a key of hash `hash` would be, so that a later use of the
    /// key finds it in cache. Called for a whole batch of frames before counting them, it lets
    /// the CPU wait for many table slots at once instead of one after the other. A prefetch
    /// instruction, unlike a load, does not hold up the instructions after it: measured on the
    /// IMIX bench, the replay with every default row took 12 % less than with plain loads.
    /// Both cache lines of a two-line slot are asked for ("for writing": the slot is updated).
    #[inline]
    pub fn prefetch(&self, hash: u64) {
        let slot = &self.slots[(hash as usize) & self.mask()];
        #[cfg(target_arch = "x86_64")]
        {
            safe_arch::prefetch_et0(&slot.stamp);
            if size_of::<Slot<K, V>>() > 64 {
                safe_arch::prefetch_et0(&slot.end);
            }
        }
        // Elsewhere a plain load, which still overlaps with the batch's other loads.
        #[cfg(not(target_arch = "x86_64"))]
        std::hint::black_box(slot.stamp);
    }

    /// [`LruTable::prefetch`] for entries longer than a cache line: `touch` reads the fields
    /// (of the entry where a key of hash `hash` would be) that the next use will need.
    #[inline]
    pub fn prefetch_with(&self, hash: u64, touch: impl Fn(&K, &V)) {
        let slot = &self.slots[(hash as usize) & self.mask()];
        touch(&slot.key, &slot.value);
    }
}

/// The entries of several shards' tables, those with the same key combined by `combine`, in key
/// order. `combine` must not depend on the order it meets a key's entries in (sums, minima,
/// maxima): they are combined in whatever order the sort leaves them.
///
/// Several tables are merged by sorting every entry by key and combining neighbours: the caller
/// wants key order anyway, and a sort on every core costs a fraction of filling a hash map. The
/// sort and the combining work in place, in the one vector the entries are gathered into: a
/// busy probe merges hundreds of thousands of entries, and every other vector of that size
/// would be memory to fault in.
pub fn merge_entries<K, V>(tables: &[&LruTable<K, V>], combine: impl Fn(&mut V, &V)) -> Vec<(K, V)>
where
    K: TableKey + Ord + Send + Sync,
    V: Default + Copy + Send,
{
    let mut all: Vec<(K, V)> = Vec::with_capacity(tables.iter().map(|t| t.len()).sum());
    for table in tables {
        all.extend(table.iter().map(|(k, v)| (*k, *v)));
    }
    sort_rows_by_key(&mut all, |(k, _)| *k);
    if tables.len() > 1 {
        all.dedup_by(|(key, value), (kept, sum)| {
            let same = key == kept;
            if same {
                combine(sum, value);
            }
            same
        });
    }
    all
}

/// Rows from which a sort is spread over every core (rayon): below it, handing the work out
/// costs more than it saves.
pub const PARALLEL_SORT_ROWS: usize = 16_384;

/// Sorts a view's rows into their index order, on every core when there are many: a busy
/// probe's conversation tables hold hundreds of thousands of rows, sorted twice (SD and DS)
/// for each report and each SNMP snapshot.
pub fn sort_rows_by_key<T: Send, Key: Ord>(rows: &mut [T], key: impl Fn(&T) -> Key + Sync + Send) {
    if rows.len() >= PARALLEL_SORT_ROWS {
        rows.par_sort_unstable_by_key(key);
    } else {
        rows.sort_unstable_by_key(key);
    }
}

/// One control row's tables across shards (each with its insertions and deletions), merged by
/// [`merge_entries`] (in key order), with the row's inserts and deletes: an entry several
/// shards learned is one insertion, so inserts are what is held plus what went, at most what
/// the shards counted.
pub fn merge_counted<K, V>(
    tables: &[(&LruTable<K, V>, u64, u64)],
    combine: impl Fn(&mut V, &V),
) -> (Vec<(K, V)>, u64, u64)
where
    K: TableKey + Ord + Send + Sync,
    V: Default + Copy + Send,
{
    let maps: Vec<_> = tables.iter().map(|(t, _, _)| *t).collect();
    let entries = merge_entries(&maps, combine);
    let deletes: u64 = tables.iter().map(|(_, _, d)| d).sum();
    let inserts = (entries.len() as u64 + deletes).min(tables.iter().map(|(_, i, _)| i).sum::<u64>());
    (entries, inserts, deletes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evicts_least_recently_used() {
        let mut m = LruTable::new(3);
        for k in [1, 2, 3] {
            assert!(m.get_or_insert_with(k, || k * 10).1.is_none());
        }
        // Use 1: now 2 is the oldest.
        assert_eq!(m.get_mut(&1), Some(&mut 10));
        let (v, evicted) = m.get_or_insert_with(4, || 40);
        assert_eq!(*v, 40);
        assert_eq!(evicted, Some((2, 20)));
        assert_eq!(m.keys_by_recency(), vec![4, 1, 3]);
        assert!(m.peek(&2).is_none());
        assert_eq!(m.len(), 3);
        // From now on the queue decides: 3 is next, then 1 (used again below), then 4.
        m.get_mut(&1);
        assert_eq!(m.get_or_insert_with(5, || 50).1, Some((3, 30)));
        assert_eq!(m.get_or_insert_with(6, || 60).1, Some((4, 40)));
        assert_eq!(m.get_or_insert_with(7, || 70).1, Some((1, 10)));
        assert_eq!(m.keys_by_recency(), vec![7, 6, 5]);
    }

    #[test]
    fn existing_key_is_not_replaced() {
        let mut m = LruTable::new(2);
        *m.get_or_insert_with(1, || 0).0 += 5;
        *m.get_or_insert_with(1, || 0).0 += 5;
        assert_eq!(m.peek(&1), Some(&10));
        assert_eq!(m.len(), 1);
    }

    #[test]
    fn remove_keeps_every_other_entry_findable() {
        let mut m = LruTable::new(1000);
        for k in 0..600u32 {
            m.get_or_insert_with(k, || k);
        }
        for k in (0..600u32).step_by(3) {
            assert_eq!(m.remove(&k), Some(k));
        }
        assert_eq!(m.remove(&0), None);
        assert_eq!(m.len(), 400);
        for k in 0..600u32 {
            assert_eq!(m.peek(&k).copied(), (k % 3 != 0).then_some(k), "key {k}");
        }
        assert_eq!(m.iter().count(), 400);
    }

    #[test]
    fn capacity_one() {
        let mut m = LruTable::new(0);
        m.get_or_insert_with(1, || ());
        let (_, evicted) = m.get_or_insert_with(2, || ());
        assert_eq!(evicted, Some((1, ())));
        assert_eq!(m.len(), 1);
    }

    /// Against a model: a plain list in recency order.
    #[test]
    fn matches_a_simple_model_under_churn() {
        let limit = 50;
        let mut m = LruTable::new(limit);
        let mut model: Vec<u32> = Vec::new(); // most recent last
        let mut x = 12345u64;
        for _ in 0..20_000 {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let key = ((x >> 33) % 80) as u32;
            let use_only = (x >> 20).is_multiple_of(4);
            if use_only {
                let found = m.get_mut(&key).is_some();
                assert_eq!(found, model.contains(&key));
                if found {
                    model.retain(|k| *k != key);
                    model.push(key);
                }
            } else {
                let (_, evicted) = m.get_or_insert_with(key, || key);
                if let Some(at) = model.iter().position(|k| *k == key) {
                    model.remove(at);
                    assert!(evicted.is_none());
                } else if model.len() == limit {
                    let oldest = model.remove(0);
                    assert_eq!(evicted, Some((oldest, oldest)));
                }
                model.push(key);
            }
            assert_eq!(m.len(), model.len());
        }
        let mut want = model.clone();
        want.reverse();
        assert_eq!(m.keys_by_recency(), want);
    }
}
