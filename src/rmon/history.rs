//! The history group: historyControlTable and etherHistoryTable (RFC 2819, section 5.2).
//!
//! A [`HistoryRecorder`] does not count frames itself: at each bucket boundary it takes the
//! difference of its data source's running etherStats counters since the previous boundary. The
//! boundary is crossed on the probe's clock (the frames' own timestamps in a replay), before the
//! first frame at or after it is counted, so buckets are exact whatever the batching.

use std::collections::VecDeque;

use crate::mib::time::{NANOS_PER_SEC, Timestamp};
use crate::rmon::control::{DataSource, EntryStatus, Owner};
use crate::rmon::statistics::EtherStatsCounters;

pub use crate::mib::rmon1::history::{EtherHistoryEntry, HistoryControlEntry};

/// historyControlBucketsRequested / Granted are Integer32 (1..65535).
pub const MAX_BUCKETS: u16 = u16::MAX;
/// historyControlInterval is Integer32 (1..3600) seconds.
pub const MAX_INTERVAL_SECS: u32 = 3600;

/// Bits an Ethernet frame costs beyond its octets: preamble and start delimiter (64) plus the
/// inter-frame gap (96), as the utilization formula of RFC 2819 counts them.
const OVERHEAD_BITS_PER_FRAME: u128 = 96 + 64;

/// historyControlEntry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HistoryControl {
    pub data_source: DataSource,
    pub buckets_requested: u16,
    pub buckets_granted: u16,
    /// Seconds per bucket.
    pub interval: u32,
    pub owner: Owner,
    pub status: EntryStatus,
    /// When the row last became valid: bucket 1 (etherHistorySampleIndex 1) starts then. Kept
    /// so that a shard started later ([`crate::rmon::Probe::shard_setup`]) closes its buckets at
    /// the same instants as the others, which the merge needs.
    pub start: Timestamp,
}

/// One completed bucket as a shard recorded it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HistorySample {
    /// etherHistorySampleIndex: 1 for the first bucket, then one more for each.
    pub sample_index: u64,
    pub interval_start: Timestamp,
    /// What was counted during the interval.
    pub counters: EtherStatsCounters,
}

/// One shard's recording of one history control row.
#[derive(Clone, Debug)]
pub struct HistoryRecorder {
    interval_ns: u64,
    granted: usize,
    /// Start of the bucket being filled.
    bucket_start: Timestamp,
    /// Sample index of the bucket being filled.
    filling: u64,
    /// The data source's running counters when the bucket being filled began.
    at_bucket_start: EtherStatsCounters,
    /// Completed buckets, oldest first, at most `granted`.
    samples: VecDeque<HistorySample>,
}

impl HistoryRecorder {
    /// Starts recording at `start` with the data source's counters as they are now.
    pub fn new(start: Timestamp, interval_secs: u32, granted: u16, now_counters: &EtherStatsCounters) -> Self {
        HistoryRecorder {
            interval_ns: u64::from(interval_secs.max(1)) * NANOS_PER_SEC,
            granted: usize::from(granted.max(1)),
            bucket_start: start,
            filling: 1,
            at_bucket_start: *now_counters,
            samples: VecDeque::new(),
        }
    }

    /// When the bucket being filled is complete.
    pub fn bucket_end(&self) -> Timestamp {
        Timestamp(self.bucket_start.0.saturating_add(self.interval_ns))
    }

    /// Completes every bucket that ends at or before `now`; `counters` are the data source's
    /// running counters, which hold every frame before `now` and none after.
    pub fn advance(&mut self, now: Timestamp, counters: &EtherStatsCounters) {
        if now < self.bucket_end() {
            return;
        }
        self.complete(counters.since(&self.at_bucket_start));
        self.at_bucket_start = *counters;
        // Whole intervals without a frame: empty buckets, but never more than the row keeps, so
        // a jump of years in a damaged capture costs no more than `granted` buckets.
        let empty = now.since(self.bucket_start) / self.interval_ns;
        let skipped = empty.saturating_sub(self.granted as u64);
        if skipped > 0 {
            self.filling += skipped;
            self.bucket_start = Timestamp(self.bucket_start.0.saturating_add(skipped.saturating_mul(self.interval_ns)));
        }
        for _ in skipped..empty {
            self.complete(EtherStatsCounters::default());
        }
    }

    fn complete(&mut self, counters: EtherStatsCounters) {
        if self.samples.len() == self.granted {
            self.samples.pop_front();
        }
        self.samples.push_back(HistorySample {
            sample_index: self.filling,
            interval_start: self.bucket_start,
            counters,
        });
        self.filling += 1;
        self.bucket_start = self.bucket_end();
    }

    /// Keeps at most `granted` buckets from now on, deleting the oldest at once if there are
    /// more (historyControlBucketsGranted changed by a SET of historyControlBucketsRequested).
    pub fn set_granted(&mut self, granted: u16) {
        self.granted = usize::from(granted.max(1));
        while self.samples.len() > self.granted {
            self.samples.pop_front();
        }
    }

    /// Completed buckets, oldest first.
    pub fn samples(&self) -> impl Iterator<Item = &HistorySample> {
        self.samples.iter()
    }
}

/// Utilization in hundredths of a percent: the bits the frames took on the wire (their octets,
/// plus preamble and inter-frame gap for each) over what the link could carry in the interval,
/// rounded down and capped at 100.00 %.
pub fn utilization(pkts: u64, octets: u64, interval_secs: u32, if_speed: u64) -> u32 {
    let capacity = u128::from(interval_secs) * u128::from(if_speed);
    if capacity == 0 {
        return 0;
    }
    let bits = u128::from(pkts) * OVERHEAD_BITS_PER_FRAME + u128::from(octets) * 8;
    (bits * 10_000 / capacity).min(10_000) as u32
}

/// Merges the shards' recordings of history row `index`: a bucket appears once every shard has
/// completed it, with the shards' counts summed.
pub fn merge(
    index: u16,
    control: &HistoryControl,
    recorders: &[&HistoryRecorder],
    probe_start: Timestamp,
    if_speed: u64,
) -> Vec<EtherHistoryEntry> {
    let Some((first, rest)) = recorders.split_first() else {
        return Vec::new();
    };
    first
        .samples()
        .filter_map(|sample| {
            let mut sum = sample.counters;
            for other in rest {
                let same = other.samples().find(|s| s.sample_index == sample.sample_index)?;
                sum = sum.plus(&same.counters);
            }
            Some(EtherHistoryEntry {
                ether_history_index: index,
                ether_history_sample_index: sample.sample_index,
                ether_history_interval_start: sample.interval_start.ticks_since(probe_start),
                ether_history_drop_events: sum.drop_events,
                ether_history_octets: sum.octets,
                ether_history_pkts: sum.pkts,
                ether_history_broadcast_pkts: sum.broadcast_pkts,
                ether_history_multicast_pkts: sum.multicast_pkts,
                ether_history_crc_align_errors: sum.crc_align_errors,
                ether_history_undersize_pkts: sum.undersize_pkts,
                ether_history_oversize_pkts: sum.oversize_pkts,
                ether_history_fragments: sum.fragments,
                ether_history_jabbers: sum.jabbers,
                ether_history_collisions: sum.collisions,
                ether_history_utilization: utilization(sum.pkts, sum.octets, control.interval, if_speed),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEC: u64 = NANOS_PER_SEC;

    fn counters(pkts: u64, octets: u64) -> EtherStatsCounters {
        EtherStatsCounters { pkts, octets, ..Default::default() }
    }

    fn control(interval: u32, granted: u16) -> HistoryControl {
        HistoryControl {
            data_source: DataSource(1),
            buckets_requested: granted,
            buckets_granted: granted,
            interval,
            owner: Owner::monitor(),
            status: EntryStatus::Valid,
            start: Timestamp(0),
        }
    }

    #[test]
    fn buckets_are_differences_at_boundaries() {
        let start = Timestamp(1000 * SEC);
        let mut r = HistoryRecorder::new(start, 30, 50, &counters(0, 0));
        r.advance(Timestamp(1029 * SEC), &counters(5, 500));
        assert_eq!(r.samples().count(), 0, "the bucket being filled is not visible");
        r.advance(Timestamp(1030 * SEC), &counters(7, 700));
        r.advance(Timestamp(1065 * SEC), &counters(8, 800));
        let got: Vec<_> = r.samples().map(|s| (s.sample_index, s.interval_start, s.counters.pkts)).collect();
        assert_eq!(got, vec![(1, start, 7), (2, Timestamp(1030 * SEC), 1)]);
        assert_eq!(r.bucket_end(), Timestamp(1090 * SEC));
    }

    #[test]
    fn quiet_intervals_make_empty_buckets() {
        let mut r = HistoryRecorder::new(Timestamp(0), 10, 50, &counters(0, 0));
        r.advance(Timestamp(45 * SEC), &counters(3, 300));
        let got: Vec<_> = r.samples().map(|s| (s.sample_index, s.counters.pkts)).collect();
        assert_eq!(got, vec![(1, 3), (2, 0), (3, 0), (4, 0)]);
    }

    #[test]
    fn oldest_go_first_and_sample_index_keeps_growing() {
        let mut r = HistoryRecorder::new(Timestamp(0), 1, 3, &counters(0, 0));
        for s in 1..=5 {
            r.advance(Timestamp(s * SEC), &counters(s, s));
        }
        let got: Vec<_> = r.samples().map(|s| s.sample_index).collect();
        assert_eq!(got, vec![3, 4, 5]);
    }

    #[test]
    fn a_jump_of_years_costs_only_the_granted_buckets() {
        let mut r = HistoryRecorder::new(Timestamp(0), 1, 4, &counters(0, 0));
        r.advance(Timestamp(1_000_000_000 * SEC), &counters(1, 64));
        let got: Vec<_> = r.samples().map(|s| (s.sample_index, s.interval_start.0 / SEC, s.counters.pkts)).collect();
        assert_eq!(
            got,
            vec![
                (999_999_997, 999_999_996, 0),
                (999_999_998, 999_999_997, 0),
                (999_999_999, 999_999_998, 0),
                (1_000_000_000, 999_999_999, 0)
            ]
        );
        assert_eq!(r.bucket_end(), Timestamp(1_000_000_001 * SEC));
        // Saturation instead of overflow near the end of time.
        let mut r = HistoryRecorder::new(Timestamp(u64::MAX - SEC), 3600, 2, &counters(0, 0));
        r.advance(Timestamp(u64::MAX), &counters(1, 64));
        assert!(r.samples().count() <= 2);
    }

    #[test]
    fn fewer_granted_deletes_the_oldest_and_more_lets_it_grow() {
        let mut r = HistoryRecorder::new(Timestamp(0), 1, 4, &counters(0, 0));
        r.advance(Timestamp(4 * SEC), &counters(4, 4));
        r.set_granted(2);
        assert_eq!(r.samples().map(|s| s.sample_index).collect::<Vec<_>>(), vec![3, 4]);
        r.set_granted(3);
        r.advance(Timestamp(6 * SEC), &counters(6, 6));
        assert_eq!(r.samples().map(|s| s.sample_index).collect::<Vec<_>>(), vec![4, 5, 6]);
    }

    #[test]
    fn utilization_formula() {
        // 10 Mb/s for 1 s with 812 frames of 1518 octets: 812*160 + 812*1518*8 = 9,990,848 bits.
        assert_eq!(utilization(812, 812 * 1518, 1, 10_000_000), 9990);
        // Capped at 100.00 %.
        assert_eq!(utilization(10_000, 10_000 * 1518, 1, 10_000_000), 10_000);
        // 1 Gb/s, 30 s, 1000 frames of 100 octets: (1000*160 + 100000*8)/30e9 = 0.0032 % -> 0.
        assert_eq!(utilization(1000, 100_000, 30, 1_000_000_000), 0);
        assert_eq!(utilization(1_000_000, 1_000_000_000, 30, 1_000_000_000), 2720);
        assert_eq!(utilization(1, 1, 30, 0), 0);
    }

    #[test]
    fn merge_shows_buckets_every_shard_completed() {
        let mut a = HistoryRecorder::new(Timestamp(0), 10, 50, &counters(0, 0));
        let mut b = HistoryRecorder::new(Timestamp(0), 10, 50, &counters(0, 0));
        a.advance(Timestamp(25 * SEC), &counters(4, 400));
        b.advance(Timestamp(12 * SEC), &counters(1, 100));
        let rows = merge(2, &control(10, 50), &[&a, &b], Timestamp(0), 1_000_000_000);
        assert_eq!(rows.len(), 1);
        assert_eq!((rows[0].ether_history_index, rows[0].ether_history_sample_index), (2, 1));
        assert_eq!((rows[0].ether_history_pkts, rows[0].ether_history_octets), (5, 500));
        assert_eq!(rows[0].ether_history_interval_start, 0);
        let rows = merge(2, &control(10, 50), &[&a], Timestamp(0), 1_000_000_000);
        assert_eq!(rows[1].ether_history_interval_start, 1000);
    }
}
