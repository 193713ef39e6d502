//! The statistics group: etherStatsTable (RFC 2819, section 5.1).
//!
//! A shard keeps one running set of [`EtherStatsCounters`] per data source. An etherStats row
//! remembers the counters as they stood when it became valid and reports the difference, and a
//! history bucket is the difference across its interval, so one update per frame serves every row
//! and every bucket of the data source, however many there are.

use crate::packet::{Condition, Destination, Frame, SizeBucket};
use crate::rmon::control::{DataSource, EntryStatus, Owner};

pub use crate::mib::rmon1::statistics::EtherStatsEntry;

/// The counters of etherStatsEntry, exact 64-bit values.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct EtherStatsCounters {
    pub drop_events: u64,
    pub octets: u64,
    pub pkts: u64,
    pub broadcast_pkts: u64,
    pub multicast_pkts: u64,
    pub crc_align_errors: u64,
    pub undersize_pkts: u64,
    pub oversize_pkts: u64,
    pub fragments: u64,
    pub jabbers: u64,
    pub collisions: u64,
    pub pkts_64_octets: u64,
    pub pkts_65_to_127_octets: u64,
    pub pkts_128_to_255_octets: u64,
    pub pkts_256_to_511_octets: u64,
    pub pkts_512_to_1023_octets: u64,
    pub pkts_1024_to_1518_octets: u64,
}

impl EtherStatsCounters {
    /// Counts one frame.
    #[inline]
    pub fn count(&mut self, frame: &Frame) {
        self.pkts += 1;
        self.octets += u64::from(frame.wire_len);
        match frame.condition {
            Condition::Good => match frame.destination() {
                Destination::Broadcast => self.broadcast_pkts += 1,
                Destination::Multicast => self.multicast_pkts += 1,
                Destination::Unicast => {}
            },
            Condition::CrcAlignError => self.crc_align_errors += 1,
            Condition::Undersize => self.undersize_pkts += 1,
            Condition::Oversize => self.oversize_pkts += 1,
            Condition::Fragment => self.fragments += 1,
            Condition::Jabber => self.jabbers += 1,
        }
        match frame.size_bucket() {
            Some(SizeBucket::Octets64) => self.pkts_64_octets += 1,
            Some(SizeBucket::Octets65to127) => self.pkts_65_to_127_octets += 1,
            Some(SizeBucket::Octets128to255) => self.pkts_128_to_255_octets += 1,
            Some(SizeBucket::Octets256to511) => self.pkts_256_to_511_octets += 1,
            Some(SizeBucket::Octets512to1023) => self.pkts_512_to_1023_octets += 1,
            Some(SizeBucket::Octets1024to1518) => self.pkts_1024_to_1518_octets += 1,
            None => {}
        }
    }

    /// Applies `f` to each pair of counters, field by field; the one place that lists them all.
    fn zip_with(&self, other: &Self, f: impl Fn(u64, u64) -> u64) -> Self {
        EtherStatsCounters {
            drop_events: f(self.drop_events, other.drop_events),
            octets: f(self.octets, other.octets),
            pkts: f(self.pkts, other.pkts),
            broadcast_pkts: f(self.broadcast_pkts, other.broadcast_pkts),
            multicast_pkts: f(self.multicast_pkts, other.multicast_pkts),
            crc_align_errors: f(self.crc_align_errors, other.crc_align_errors),
            undersize_pkts: f(self.undersize_pkts, other.undersize_pkts),
            oversize_pkts: f(self.oversize_pkts, other.oversize_pkts),
            fragments: f(self.fragments, other.fragments),
            jabbers: f(self.jabbers, other.jabbers),
            collisions: f(self.collisions, other.collisions),
            pkts_64_octets: f(self.pkts_64_octets, other.pkts_64_octets),
            pkts_65_to_127_octets: f(self.pkts_65_to_127_octets, other.pkts_65_to_127_octets),
            pkts_128_to_255_octets: f(self.pkts_128_to_255_octets, other.pkts_128_to_255_octets),
            pkts_256_to_511_octets: f(self.pkts_256_to_511_octets, other.pkts_256_to_511_octets),
            pkts_512_to_1023_octets: f(self.pkts_512_to_1023_octets, other.pkts_512_to_1023_octets),
            pkts_1024_to_1518_octets: f(self.pkts_1024_to_1518_octets, other.pkts_1024_to_1518_octets),
        }
    }

    /// What was counted since `earlier` was taken.
    pub fn since(&self, earlier: &Self) -> Self {
        self.zip_with(earlier, u64::wrapping_sub)
    }

    /// The sum of two shards' counters.
    pub fn plus(&self, other: &Self) -> Self {
        self.zip_with(other, u64::wrapping_add)
    }
}

impl EtherStatsEntry {
    pub fn new(index: u16, data_source: DataSource, c: &EtherStatsCounters, owner: Owner, status: EntryStatus) -> Self {
        EtherStatsEntry {
            ether_stats_index: index,
            ether_stats_data_source: data_source,
            ether_stats_drop_events: c.drop_events,
            ether_stats_octets: c.octets,
            ether_stats_pkts: c.pkts,
            ether_stats_broadcast_pkts: c.broadcast_pkts,
            ether_stats_multicast_pkts: c.multicast_pkts,
            ether_stats_crc_align_errors: c.crc_align_errors,
            ether_stats_undersize_pkts: c.undersize_pkts,
            ether_stats_oversize_pkts: c.oversize_pkts,
            ether_stats_fragments: c.fragments,
            ether_stats_jabbers: c.jabbers,
            ether_stats_collisions: c.collisions,
            ether_stats_pkts_64_octets: c.pkts_64_octets,
            ether_stats_pkts_65_to_127_octets: c.pkts_65_to_127_octets,
            ether_stats_pkts_128_to_255_octets: c.pkts_128_to_255_octets,
            ether_stats_pkts_256_to_511_octets: c.pkts_256_to_511_octets,
            ether_stats_pkts_512_to_1023_octets: c.pkts_512_to_1023_octets,
            ether_stats_pkts_1024_to_1518_octets: c.pkts_1024_to_1518_octets,
            ether_stats_owner: owner,
            ether_stats_status: status,
            ether_stats_create_time: 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mib::time::Timestamp;
    use crate::packet::{Fcs, MacAddr, RawFrame, append_fcs};

    fn count_frame(c: &mut EtherStatsCounters, dst: [u8; 6], wire: usize, fcs_ok: bool) {
        let mut f = dst.to_vec();
        f.extend_from_slice(&[0x02, 0, 0, 0, 0, 9, 0x08, 0x00]);
        f.resize(wire - 4, 0);
        append_fcs(&mut f);
        if !fcs_ok {
            f[wire - 1] ^= 0xff;
        }
        let raw =
            RawFrame { data: &f, orig_len: wire as u32, fcs: Fcs::Present, time: Timestamp(0), seq: 0, if_index: 1 };
        c.count(&Frame::classify(&raw));
    }

    #[test]
    fn every_counter_at_its_edges() {
        let mut c = EtherStatsCounters::default();
        let uc = [0x02, 0, 0, 0, 0, 1];
        for wire in [63, 64, 65, 127, 128, 255, 256, 511, 512, 1023, 1024, 1518, 1519] {
            count_frame(&mut c, uc, wire, true);
        }
        count_frame(&mut c, MacAddr::BROADCAST.0, 64, true);
        count_frame(&mut c, [0x01, 0, 0x5e, 0, 0, 1], 100, true);
        // Bad frames: broadcast/multicast only count good frames.
        count_frame(&mut c, MacAddr::BROADCAST.0, 100, false); // CRC/align, bucket 65-127
        count_frame(&mut c, [0x01, 0, 0x5e, 0, 0, 1], 60, false); // fragment
        count_frame(&mut c, uc, 2000, false); // jabber
        assert_eq!(c.pkts, 18);
        assert_eq!(
            c.octets,
            [63, 64, 65, 127, 128, 255, 256, 511, 512, 1023, 1024, 1518, 1519, 64, 100, 100, 60, 2000]
                .iter()
                .sum::<u64>()
        );
        assert_eq!((c.broadcast_pkts, c.multicast_pkts), (1, 1));
        assert_eq!((c.undersize_pkts, c.oversize_pkts), (1, 1));
        assert_eq!((c.crc_align_errors, c.fragments, c.jabbers), (1, 1, 1));
        assert_eq!(c.pkts_64_octets, 2);
        assert_eq!(c.pkts_65_to_127_octets, 4);
        assert_eq!(c.pkts_128_to_255_octets, 2);
        assert_eq!(c.pkts_256_to_511_octets, 2);
        assert_eq!(c.pkts_512_to_1023_octets, 2);
        assert_eq!(c.pkts_1024_to_1518_octets, 2);
    }

    #[test]
    fn since_and_plus_are_inverse() {
        let mut a = EtherStatsCounters::default();
        count_frame(&mut a, [2, 0, 0, 0, 0, 1], 100, true);
        let snapshot = a;
        count_frame(&mut a, [0xff; 6], 64, true);
        let delta = a.since(&snapshot);
        assert_eq!((delta.pkts, delta.octets, delta.broadcast_pkts), (1, 64, 1));
        assert_eq!(snapshot.plus(&delta), a);
    }
}
