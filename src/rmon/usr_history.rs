//! The user history group (RFC 4502 usrHistoryControlTable, usrHistoryObjectTable,
//! usrHistoryTable): a history of any integer objects the agent serves.
//!
//! Like an alarm, a row reads objects that may belong to any group, so it samples in the
//! control plane on merged reads, through the same port ([`crate::rmon::Probe::run_alarms`]
//! hands it the reader), never in the workers. This file decides when a row samples and what a
//! reading means. The rules, from the MIB's DESCRIPTION clauses:
//!
//! - **Buckets.** Bucket 1 starts when the row becomes active (a configured row: at the probe's
//!   start, the instant etherHistory's buckets start from too, so a usrHistory of an etherStats
//!   counter equals the etherHistory of the same interval bucket for bucket); each lasts
//!   usrHistoryControlInterval seconds, the next starting where it ended. Only completed
//!   buckets are shown, the usrHistoryControlBucketsGranted latest.
//! - **Readings.** The row reads every object when it becomes active (the baseline a deltaValue
//!   needs) and at the end of each interval. absoluteValue keeps the reading at the end;
//!   deltaValue the change since the reading at the start, a Counter32 or Counter64 counted
//!   modulo its size (a wrap is growth), an Integer or Gauge signed. usrHistoryAbsValue is the
//!   magnitude and usrHistoryValStatus the sign.
//! - **Unavailable.** An object the agent does not serve, or not as an integer, at the end of
//!   an interval (or, for a delta, at its start) gives valueNotAvailable for that interval;
//!   unlike an alarm the row stays, and a later interval may have the value again.
//! - **Late readings.** A reading taken a whole interval or more after its bucket ended (a
//!   replay's long quiet gap, past what the reader samples one by one) cannot be split over
//!   the intervals it spans: they are all valueNotAvailable, and the next bucket starts at the
//!   last boundary passed, from that reading.

use std::collections::VecDeque;

use crate::mib::Oid;
use crate::mib::time::{NANOS_PER_SEC, Timestamp};
use crate::rmon::alarm::Sample;
use crate::rmon::control::{EntryStatus, Owner};

pub use crate::mib::rmon2::usr_history::{
    MAX_INTERVAL_SECS, SampleType, UsrHistoryControlEntry, UsrHistoryEntry, UsrHistoryObjectEntry, UsrHistoryValStatus,
};

/// usrHistoryControlBucketsRequested's DEFVAL.
pub const DEFAULT_BUCKETS_REQUESTED: u16 = 50;
/// usrHistoryControlInterval's DEFVAL, in seconds.
pub const DEFAULT_INTERVAL_SECS: u32 = 1800;

/// The most values a row keeps (buckets times objects, 16 octets each): a manager asking for
/// 65535 buckets of 65535 objects is granted fewer buckets (usrHistoryControlBucketsGranted
/// says how many), not a probe out of memory.
pub const MAX_VALUES: usize = 1 << 20;

/// usrHistoryObjectEntry: what one object of a row samples.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UsrHistoryObject {
    /// usrHistoryObjectVariable; None until set.
    pub variable: Option<Oid>,
    /// usrHistoryObjectSampleType; None until set (the MIB has no DEFVAL).
    pub sample_type: Option<SampleType>,
}

/// usrHistoryControlEntry, with its objects and, while active, its buckets.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UsrHistoryControl {
    /// The object rows; None until usrHistoryControlObjects is set.
    pub objects: Option<Vec<UsrHistoryObject>>,
    pub buckets_requested: u16,
    pub buckets_granted: u16,
    /// Seconds per bucket.
    pub interval: u32,
    pub owner: Owner,
    pub status: EntryStatus,
    /// The readings and buckets; Some while valid.
    pub sampling: Option<Sampling>,
}

/// One object's value over one interval.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UsrValue {
    /// usrHistoryAbsValue, whole.
    pub abs: u64,
    pub status: UsrHistoryValStatus,
}

impl UsrValue {
    const NOT_AVAILABLE: UsrValue = UsrValue { abs: 0, status: UsrHistoryValStatus::ValueNotAvailable };

    fn signed(v: i64) -> UsrValue {
        let status = if v < 0 { UsrHistoryValStatus::ValueNegative } else { UsrHistoryValStatus::ValuePositive };
        UsrValue { abs: v.unsigned_abs(), status }
    }

    fn positive(abs: u64) -> UsrValue {
        UsrValue { abs, status: UsrHistoryValStatus::ValuePositive }
    }

    /// An absoluteValue bucket: the reading at the end of the interval.
    fn absolute(reading: Option<Sample>) -> UsrValue {
        match reading {
            Some(Sample::Integer(v)) => UsrValue::signed(v),
            Some(Sample::Counter32(v)) => UsrValue::positive(u64::from(v)),
            Some(Sample::Counter64(v)) => UsrValue::positive(v),
            None => UsrValue::NOT_AVAILABLE,
        }
    }

    /// A deltaValue bucket: the change from `start` to `end` as the type counts it. Readings of
    /// different types (the object changed type) have no change.
    fn delta(start: Option<Sample>, end: Option<Sample>) -> UsrValue {
        match (start, end) {
            (Some(Sample::Integer(a)), Some(Sample::Integer(b))) => UsrValue::signed(b.saturating_sub(a)),
            (Some(Sample::Counter32(a)), Some(Sample::Counter32(b))) => {
                UsrValue::positive(u64::from(b.wrapping_sub(a)))
            }
            (Some(Sample::Counter64(a)), Some(Sample::Counter64(b))) => UsrValue::positive(b.wrapping_sub(a)),
            _ => UsrValue::NOT_AVAILABLE,
        }
    }
}

/// One completed interval: usrHistorySampleIndex, its start and end, a value per object.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UsrBucket {
    pub sample_index: u32,
    pub start: Timestamp,
    pub end: Timestamp,
    pub values: Vec<UsrValue>,
}

/// A valid row's schedule, last readings and buckets.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sampling {
    /// Start of the interval being collected (before the baseline: when the row became valid).
    start: Timestamp,
    /// The readings at `start`, one per object; None before the baseline.
    baseline: Option<Vec<Option<Sample>>>,
    next_sample_index: u32,
    buckets: VecDeque<UsrBucket>,
}

impl Sampling {
    pub fn new(start: Timestamp) -> Sampling {
        Sampling { start, baseline: None, next_sample_index: 1, buckets: VecDeque::new() }
    }

    /// The completed buckets, oldest first.
    pub fn buckets(&self) -> impl Iterator<Item = &UsrBucket> {
        self.buckets.iter()
    }

    /// Keeps the `n` latest buckets (at least one).
    pub fn keep_latest(&mut self, n: usize) {
        while self.buckets.len() > n.max(1) {
            self.buckets.pop_front();
        }
    }
}

impl UsrHistoryControl {
    /// The interval in nanoseconds (at least one second).
    fn length(&self) -> u64 {
        u64::from(self.interval.max(1)) * NANOS_PER_SEC
    }

    /// When the row next wants a reading; None when it samples nothing (not valid).
    pub fn next_due(&self) -> Option<Timestamp> {
        let s = self.sampling.as_ref()?;
        Some(match s.baseline {
            None => s.start,
            Some(_) => Timestamp(s.start.0.saturating_add(self.length())),
        })
    }

    /// The objects' variables, in usrHistoryObjectIndex order.
    pub fn variables(&self) -> impl Iterator<Item = &Oid> {
        self.objects.iter().flatten().filter_map(|o| o.variable.as_ref())
    }

    /// Reads every object through `read` (None: not served, or not an integer).
    fn read_all(&self, read: &mut dyn FnMut(&Oid) -> Option<Sample>) -> Vec<Option<Sample>> {
        self.objects.iter().flatten().map(|o| o.variable.as_ref().and_then(&mut *read)).collect()
    }

    /// Steps the row to `now`: the baseline if it is due, else the bucket that ended, if any
    /// (see the module's documentation). `read` is called only when the row is due.
    pub fn sample(&mut self, now: Timestamp, read: &mut dyn FnMut(&Oid) -> Option<Sample>) {
        let Some(due) = self.next_due().filter(|due| *due <= now) else { return };
        let readings = self.read_all(read);
        let length = self.length();
        let types: Vec<Option<SampleType>> = self.objects.iter().flatten().map(|o| o.sample_type).collect();
        let granted = usize::from(self.buckets_granted.max(1));
        let Some(s) = self.sampling.as_mut() else { return };
        let Some(baseline) = s.baseline.take() else {
            // The schedule starts where the baseline was read (a row made valid by SET in a
            // replay may be read just after the frames counted then).
            s.start = now;
            s.baseline = Some(readings);
            return;
        };
        let late = now.since(due) >= length;
        let values = types
            .iter()
            .enumerate()
            .map(|(i, sample_type)| {
                let end = readings.get(i).copied().flatten();
                match sample_type {
                    _ if late => UsrValue::NOT_AVAILABLE,
                    Some(SampleType::DeltaValue) => UsrValue::delta(baseline.get(i).copied().flatten(), end),
                    Some(SampleType::AbsoluteValue) => UsrValue::absolute(end),
                    None => UsrValue::NOT_AVAILABLE,
                }
            })
            .collect::<Vec<_>>();
        let mut start = s.start;
        let push = |s: &mut Sampling, start: Timestamp, values: Vec<UsrValue>| {
            let end = Timestamp(start.0.saturating_add(length));
            s.buckets.push_back(UsrBucket { sample_index: s.next_sample_index, start, end, values });
            s.next_sample_index = s.next_sample_index.checked_add(1).filter(|i| *i <= i32::MAX as u32).unwrap_or(1);
            s.keep_latest(granted);
            end
        };
        start = push(s, start, values);
        // Intervals wholly passed by a late reading: as many buckets without a value, at most
        // as many as are kept (the rest would be dropped at once), the schedule moved past all.
        let missed = now.since(start) / length;
        for _ in 0..missed.min(granted as u64) {
            start = push(s, start, vec![UsrValue::NOT_AVAILABLE; types.len()]);
        }
        s.start = Timestamp(s.start.0.saturating_add(length.saturating_mul(missed.saturating_add(1))));
        s.baseline = Some(readings);
    }

    /// Why the row may not become active: an object count not set, or an object without its
    /// variable or sample type.
    pub fn problem(&self) -> Option<String> {
        let Some(objects) = &self.objects else { return Some("usrHistoryControlObjects is not set".into()) };
        for (i, o) in objects.iter().enumerate() {
            if o.variable.is_none() {
                return Some(format!("usrHistoryObjectVariable of object {} is not set", i + 1));
            }
            if o.sample_type.is_none() {
                return Some(format!("usrHistoryObjectSampleType of object {} is not set", i + 1));
            }
        }
        None
    }

    /// Grants buckets for what the row requests: no more than `history_buckets` (`[limits]`)
    /// nor than [`MAX_VALUES`] over its objects, at least one; the oldest buckets beyond the
    /// grant go.
    pub fn grant(&mut self, history_buckets: u16) {
        let objects = self.objects.as_ref().map_or(1, |o| o.len().max(1));
        let by_memory = u16::try_from(MAX_VALUES / objects).unwrap_or(u16::MAX);
        self.buckets_granted = self.buckets_requested.min(history_buckets).min(by_memory).max(1);
        let granted = usize::from(self.buckets_granted);
        if let Some(s) = self.sampling.as_mut() {
            s.keep_latest(granted);
        }
    }

    /// Sets usrHistoryControlObjects: objects are kept up to the new count, new ones unset.
    pub fn set_objects(&mut self, count: u16) {
        let mut objects = self.objects.take().unwrap_or_default();
        objects.resize(usize::from(count), UsrHistoryObject::default());
        self.objects = Some(objects);
    }

    /// The object numbered `index` (from 1), if the row has it.
    pub fn object_mut(&mut self, index: u16) -> Option<&mut UsrHistoryObject> {
        self.objects.as_mut()?.get_mut(usize::from(index).checked_sub(1)?)
    }

    /// The row's buckets as usrHistoryTable rows, (sample, object) in index order; `ticks` turns
    /// a time into sysUpTime.
    pub fn entries(&self, index: u16, ticks: &dyn Fn(Timestamp) -> u64) -> Vec<UsrHistoryEntry> {
        let Some(s) = &self.sampling else { return Vec::new() };
        let mut buckets: Vec<&UsrBucket> = s.buckets.iter().collect();
        // After a wrap of usrHistorySampleIndex, index order is not age order.
        buckets.sort_by_key(|b| b.sample_index);
        buckets
            .into_iter()
            .flat_map(|b| {
                b.values.iter().enumerate().map(move |(i, v)| UsrHistoryEntry {
                    usr_history_sample_index: b.sample_index,
                    usr_history_interval_start: ticks(b.start),
                    usr_history_interval_end: ticks(b.end),
                    usr_history_abs_value: v.abs,
                    usr_history_val_status: v.status,
                    usr_history_control_index: index,
                    usr_history_object_index: (i + 1) as u16,
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEC: u64 = NANOS_PER_SEC;

    fn row(types: &[SampleType], interval: u32, buckets: u16) -> UsrHistoryControl {
        let objects = types
            .iter()
            .enumerate()
            .map(|(i, t)| UsrHistoryObject { variable: Some(Oid(vec![1, 3, 6, i as u32 + 1])), sample_type: Some(*t) })
            .collect();
        UsrHistoryControl {
            objects: Some(objects),
            buckets_requested: buckets,
            buckets_granted: buckets,
            interval,
            owner: Owner::default(),
            status: EntryStatus::Valid,
            sampling: Some(Sampling::new(Timestamp(100 * SEC))),
        }
    }

    /// A bucket as (sample index, start s, end s, (magnitude, status) per object).
    type Seen = (u32, u64, u64, Vec<(u64, UsrHistoryValStatus)>);

    fn values(r: &UsrHistoryControl) -> Vec<Seen> {
        r.sampling
            .as_ref()
            .map(|s| {
                s.buckets()
                    .map(|b| {
                        (
                            b.sample_index,
                            b.start.0 / SEC,
                            b.end.0 / SEC,
                            b.values.iter().map(|v| (v.abs, v.status)).collect(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    use UsrHistoryValStatus::*;

    #[test]
    fn delta_and_absolute_buckets_follow_the_interval() {
        let mut r = row(&[SampleType::DeltaValue, SampleType::AbsoluteValue], 30, 10);
        let mut counter = 4_294_967_000u32;
        let mut gauge = 7i64;
        assert_eq!(r.next_due(), Some(Timestamp(100 * SEC)));
        r.sample(Timestamp(100 * SEC), &mut |o| {
            Some(if o.0[3] == 1 { Sample::Counter32(counter) } else { Sample::Integer(gauge) })
        });
        assert_eq!(r.next_due(), Some(Timestamp(130 * SEC)));
        // Not due yet: nothing read.
        r.sample(Timestamp(129 * SEC), &mut |_| panic!("not due"));
        counter = counter.wrapping_add(500); // wraps: 500 of growth
        gauge = -3;
        r.sample(Timestamp(130 * SEC), &mut |o| {
            Some(if o.0[3] == 1 { Sample::Counter32(counter) } else { Sample::Integer(gauge) })
        });
        assert_eq!(values(&r), vec![(1, 100, 130, vec![(500, ValuePositive), (3, ValueNegative)])]);
        // The second object is gone for one interval: only it is unavailable.
        r.sample(Timestamp(160 * SEC), &mut |o| (o.0[3] == 1).then_some(Sample::Counter32(counter + 10)));
        assert_eq!(values(&r)[1], (2, 130, 160, vec![(10, ValuePositive), (0, ValueNotAvailable)]));
    }

    #[test]
    fn a_delta_needs_both_readings_and_the_same_type() {
        let mut r = row(&[SampleType::DeltaValue], 10, 10);
        r.sample(Timestamp(100 * SEC), &mut |_| None);
        r.sample(Timestamp(110 * SEC), &mut |_| Some(Sample::Counter64(5)));
        r.sample(Timestamp(120 * SEC), &mut |_| Some(Sample::Counter64(9)));
        r.sample(Timestamp(130 * SEC), &mut |_| Some(Sample::Counter32(12)));
        let got: Vec<_> = values(&r).into_iter().map(|(_, _, _, v)| v[0]).collect();
        assert_eq!(got, vec![(0, ValueNotAvailable), (4, ValuePositive), (0, ValueNotAvailable)]);
    }

    #[test]
    fn only_the_granted_buckets_are_kept() {
        let mut r = row(&[SampleType::AbsoluteValue], 1, 3);
        for t in 0..=6u64 {
            r.sample(Timestamp((100 + t) * SEC), &mut |_| Some(Sample::Integer(t as i64)));
        }
        let got: Vec<_> = values(&r).into_iter().map(|(i, _, _, v)| (i, v[0].0)).collect();
        assert_eq!(got, vec![(4, 4), (5, 5), (6, 6)]);
    }

    #[test]
    fn a_late_reading_leaves_the_intervals_it_spans_unavailable() {
        let mut r = row(&[SampleType::DeltaValue], 10, 10);
        r.sample(Timestamp(100 * SEC), &mut |_| Some(Sample::Counter32(0)));
        r.sample(Timestamp(135 * SEC), &mut |_| Some(Sample::Counter32(70)));
        let got: Vec<_> = values(&r).into_iter().map(|(i, s, e, v)| (i, s, e, v[0].1)).collect();
        assert_eq!(
            got,
            vec![(1, 100, 110, ValueNotAvailable), (2, 110, 120, ValueNotAvailable), (3, 120, 130, ValueNotAvailable)]
        );
        assert_eq!(r.next_due(), Some(Timestamp(140 * SEC)));
        r.sample(Timestamp(140 * SEC), &mut |_| Some(Sample::Counter32(75)));
        assert_eq!(values(&r)[3], (4, 130, 140, vec![(5, ValuePositive)]));
    }

    #[test]
    fn many_objects_are_granted_fewer_buckets() {
        let mut r = row(&[SampleType::AbsoluteValue], 1, 65535);
        r.buckets_requested = 65535;
        r.grant(65535);
        assert_eq!(r.buckets_granted, 65535);
        r.set_objects(65535);
        r.grant(65535);
        assert_eq!(r.buckets_granted, (MAX_VALUES / 65535) as u16);
        r.grant(10);
        assert_eq!(r.buckets_granted, 10, "[limits] history_buckets");
    }

    #[test]
    fn a_row_that_lacks_an_object_cannot_become_active() {
        let mut r = row(&[], 10, 10);
        r.objects = None;
        assert_eq!(r.problem().as_deref(), Some("usrHistoryControlObjects is not set"));
        r.set_objects(2);
        assert_eq!(r.problem().as_deref(), Some("usrHistoryObjectVariable of object 1 is not set"));
        for i in 1..=2 {
            let o = r.object_mut(i).unwrap();
            o.variable = Some(Oid(vec![1, 3]));
            o.sample_type = Some(SampleType::AbsoluteValue);
        }
        assert_eq!(r.problem(), None);
        assert!(r.object_mut(3).is_none() && r.object_mut(0).is_none());
        r.set_objects(1);
        assert_eq!(r.objects.as_ref().map(Vec::len), Some(1));
    }
}
