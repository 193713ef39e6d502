//! The alarm group: alarmTable (RFC 2819, section 5.3), an alarm row's sampling schedule and its
//! threshold state machine.
//!
//! An alarm samples one integer-valued object the agent serves (`alarmVariable`) every
//! `alarmInterval` seconds of probe time and compares the sample, or its change since an earlier
//! sample, with two thresholds. The object may belong to any group (or to MIB-II), so sampling
//! happens in the control plane on merged reads, never in the workers; this file only decides
//! *when* a row samples ([`Alarm::next_due`]) and *what a sample means* ([`Alarm::sample`]). The
//! caller reads the variable and fires the events (`event.rs`, [`crate::rmon::Probe::run_alarms`]).
//!
//! Rules, from the MIB's DESCRIPTION clauses:
//!
//! - **Baseline.** A row takes a first reading when it becomes valid. It compares nothing: a
//!   deltaValue needs a value "at the beginning of the period" to subtract (alarmValue: "the
//!   difference between the samples at the beginning and end of the period"), and an
//!   absoluteValue is compared "at the end of the sampling interval". So the first comparison,
//!   the one alarmStartupAlarm speaks of, comes one whole interval after the row became valid,
//!   for both sample types, and alarmValue reads 0 until then ("not made available until the
//!   period is completed"). The baseline reading also tells at once whether the variable exists.
//!   A baseline read later than the row became valid (a replay's reader that learns of a row
//!   made by SET only after it handed the workers later frames) starts the schedule where it
//!   was read: the first period runs from the baseline, whatever the reading holds.
//! - **Delta sampled twice per interval.** The MIB suggests a probe take a delta sample twice per
//!   period and compare the sum of the latest two with the thresholds, so that a burst straddling
//!   a period boundary is not split in two halves each under the threshold. A deltaValue row here
//!   reads its variable every half interval and compares the change over the last whole interval
//!   (the latest reading less the one two half-steps back), which is that sum. An absoluteValue
//!   row reads every interval: a level has no boundary to straddle.
//! - **Hysteresis.** The row remembers which threshold the series last reached. A rising event
//!   fires when a sample is >= alarmRisingThreshold and the last threshold reached was not the
//!   rising one; a falling event when a sample is <= alarmFallingThreshold and the last reached
//!   was not the falling one. So after a rising event, no other until a sample comes down to the
//!   falling threshold, and the reverse; a sample between the thresholds changes nothing.
//! - **Startup alarm.** The first comparison fires a rising event only if alarmStartupAlarm is
//!   risingAlarm or risingOrFallingAlarm, a falling event only if fallingAlarm or
//!   risingOrFallingAlarm. A threshold reached at the first comparison counts as reached even if
//!   its event was not sent: a row started above the rising threshold with a fallingAlarm
//!   startup alarm says nothing until the value falls to the falling threshold and rises again,
//!   which is what the startup alarm is for (no alarm for a state the manager already accepts).
//! - **Disappearing variable.** A reading of None (the agent no longer serves the object, or it
//!   is no longer an integer) makes the row invalid; the MIB asks for its status to become
//!   invalid(4), which deletes it.

use crate::mib::time::{NANOS_PER_SEC, Timestamp};
use crate::mib::{Oid, Value};
use crate::rmon::control::{EntryStatus, Owner};

pub use crate::mib::rmon1::alarm::{AlarmEntry, SampleType, StartupAlarm};

/// The longest alarmInterval accepted: alarmInterval is an Integer32, and a positive one.
pub const MAX_INTERVAL_SECS: u32 = i32::MAX as u32;

impl StartupAlarm {
    fn allows(self, crossing: Crossing) -> bool {
        matches!(
            (self, crossing),
            (StartupAlarm::RisingOrFallingAlarm, _)
                | (StartupAlarm::RisingAlarm, Crossing::Rising)
                | (StartupAlarm::FallingAlarm, Crossing::Falling)
        )
    }
}

/// Which threshold a comparison reached.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Crossing {
    Rising,
    Falling,
}

impl Crossing {
    /// The notification's name in the MIB: risingAlarm or fallingAlarm.
    pub fn name(self) -> &'static str {
        match self {
            Crossing::Rising => "risingAlarm",
            Crossing::Falling => "fallingAlarm",
        }
    }
}

/// One reading of an alarm's variable, with what its type means for a difference.
///
/// A bare number would not do: a Counter32 that wraps from 4294967000 to 200 has grown by 496,
/// while a Gauge32 that goes the same way has fallen by 4294966800. The SMI type tells them
/// apart, so the reader hands it over.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sample {
    /// INTEGER, Integer32, Gauge32 (and Unsigned32): a plain number; its change is the signed
    /// difference.
    Integer(i64),
    /// Counter32, and TimeTicks (time modulo 2^32): a change is counted modulo 2^32, so a wrap
    /// between two readings is a growth, not a fall. A counter that was reset (a discontinuity)
    /// reads as a wrap too; the MIB asks for intervals short enough that it cannot grow by
    /// 2^31 between samples, and this is what keeps a wrap unambiguous.
    Counter32(u32),
    /// Counter64: a change counted modulo 2^64.
    Counter64(u64),
}

impl Sample {
    /// What an alarm reads from a value: the integer types (INTEGER, Integer32, Counter32,
    /// Gauge32, Counter64, TimeTicks: alarmVariable's DESCRIPTION), with how a difference of the
    /// type is taken; None for anything else, which makes the alarm go invalid.
    pub fn of(value: &Value) -> Option<Sample> {
        match *value {
            Value::Integer(v) => Some(Sample::Integer(i64::from(v))),
            Value::Gauge32(v) => Some(Sample::Integer(i64::from(v))),
            Value::Counter32(v) | Value::TimeTicks(v) => Some(Sample::Counter32(v)),
            Value::Counter64(v) => Some(Sample::Counter64(v)),
            _ => None,
        }
    }

    /// The value compared when the row samples absolute values (a Counter64 beyond what an i64
    /// holds saturates).
    pub fn absolute(self) -> i64 {
        match self {
            Sample::Integer(v) => v,
            Sample::Counter32(v) => i64::from(v),
            Sample::Counter64(v) => i64::try_from(v).unwrap_or(i64::MAX),
        }
    }

    /// The change from `earlier` to `self`: modulo the counter's range when both are the same
    /// counter type, the signed difference otherwise (saturating).
    pub fn since(self, earlier: Sample) -> i64 {
        match (earlier, self) {
            (Sample::Counter32(a), Sample::Counter32(b)) => i64::from(b.wrapping_sub(a)),
            (Sample::Counter64(a), Sample::Counter64(b)) => i64::try_from(b.wrapping_sub(a)).unwrap_or(i64::MAX),
            (a, b) => b.absolute().saturating_sub(a.absolute()),
        }
    }
}

/// The configuration columns of an alarm row (the read-create columns but owner and status).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AlarmConfig {
    /// alarmInterval in seconds (1..=[`MAX_INTERVAL_SECS`]).
    pub interval: u32,
    /// alarmVariable: the instance sampled.
    pub variable: Oid,
    pub sample_type: SampleType,
    pub startup_alarm: StartupAlarm,
    pub rising_threshold: i32,
    pub falling_threshold: i32,
    /// 0: no event.
    pub rising_event_index: u16,
    /// 0: no event.
    pub falling_event_index: u16,
}

impl AlarmConfig {
    /// Why the row could not become valid, if it could not: an interval of 0 (the row would be
    /// due forever), no variable, or a falling threshold not below the rising one (hysteresis
    /// needs room between them: with falling >= rising a value between them would reach both
    /// at once and fire on every sample).
    pub fn problem(&self) -> Option<String> {
        if !(1..=MAX_INTERVAL_SECS).contains(&self.interval) {
            return Some(format!("alarmInterval {} s must be 1..{MAX_INTERVAL_SECS}", self.interval));
        }
        if self.variable.as_slice().len() < 2 {
            return Some(format!("alarmVariable {:?} names no object", self.variable.to_string()));
        }
        if self.falling_threshold >= self.rising_threshold {
            return Some(format!(
                "alarmFallingThreshold {} must be below alarmRisingThreshold {}",
                self.falling_threshold, self.rising_threshold
            ));
        }
        None
    }

    /// The threshold a crossing compares with.
    pub fn threshold(&self, crossing: Crossing) -> i32 {
        match crossing {
            Crossing::Rising => self.rising_threshold,
            Crossing::Falling => self.falling_threshold,
        }
    }

    /// The event a crossing fires (0: none).
    pub fn event_index(&self, crossing: Crossing) -> u16 {
        match crossing {
            Crossing::Rising => self.rising_event_index,
            Crossing::Falling => self.falling_event_index,
        }
    }

    /// Nanoseconds between readings: the interval, or half of it for a deltaValue row (see the
    /// module's doc).
    fn step(&self) -> u64 {
        let interval = u64::from(self.interval.max(1)) * NANOS_PER_SEC;
        match self.sample_type {
            SampleType::AbsoluteValue => interval,
            SampleType::DeltaValue => interval / 2,
        }
    }
}

/// What a reading meant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SampleOutcome {
    /// Nothing to fire: the baseline or an early reading, a value that crossed nothing, or a
    /// crossing the startup alarm keeps quiet.
    Quiet,
    /// A threshold was reached: fire the row's event for it.
    Fire(Crossing),
    /// The variable is gone: the row is now invalid and must be deleted.
    Gone,
}

/// The sampling state of a valid row.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Sampler {
    /// When the row became valid, or its baseline was read if that was later: the slots of its
    /// readings are counted from here.
    valid_since: Timestamp,
    /// The slot of the next reading.
    next_due: Timestamp,
    /// The latest reading and the one before it, with their slots, newest first.
    readings: [Option<(Timestamp, Sample)>; 2],
    /// alarmValue: the last compared value (None before the first comparison).
    value: Option<i64>,
    /// The threshold the series last reached (None: neither yet): the hysteresis.
    last_reached: Option<Crossing>,
}

/// An alarmEntry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Alarm {
    pub config: AlarmConfig,
    pub owner: Owner,
    status: EntryStatus,
    /// Some exactly while the row is valid.
    sampler: Option<Sampler>,
}

impl Alarm {
    /// A row valid from `now`: its baseline reading is due at once.
    pub fn valid(config: AlarmConfig, owner: Owner, now: Timestamp) -> Alarm {
        let mut alarm = Alarm { config, owner, status: EntryStatus::UnderCreation, sampler: None };
        alarm.set_status(EntryStatus::Valid, now);
        alarm
    }

    /// A row under creation (what a manager's createRequest will make).
    pub fn under_creation(config: AlarmConfig, owner: Owner) -> Alarm {
        Alarm { config, owner, status: EntryStatus::UnderCreation, sampler: None }
    }

    pub fn status(&self) -> EntryStatus {
        self.status
    }

    /// Moves the row to `status` at `now`. Becoming valid starts the schedule afresh (a baseline
    /// at `now`, the startup alarm armed again, as the MIB's "first sample after this entry
    /// becomes valid" says); leaving valid forgets every reading and alarmValue.
    pub fn set_status(&mut self, status: EntryStatus, now: Timestamp) {
        if status == EntryStatus::Valid {
            if self.sampler.is_none() {
                self.sampler = Some(Sampler {
                    valid_since: now,
                    next_due: now,
                    readings: [None, None],
                    value: None,
                    last_reached: None,
                });
            }
        } else {
            self.sampler = None;
        }
        self.status = status;
    }

    /// When the row next wants a reading; None when it is not valid (it samples nothing).
    pub fn next_due(&self) -> Option<Timestamp> {
        self.sampler.as_ref().map(|s| s.next_due)
    }

    /// Whether a reading is due at `now`.
    pub fn is_due(&self, now: Timestamp) -> bool {
        self.next_due().is_some_and(|due| due <= now)
    }

    /// alarmValue: the value compared at the end of the last completed period (0 before the
    /// first, and on a row that is not valid). Exact here; SNMP serves it clamped to Integer32.
    pub fn value(&self) -> i64 {
        self.sampler.as_ref().and_then(|s| s.value).unwrap_or(0)
    }

    /// Takes the reading `sample` made at `now` (None: the variable no longer exists).
    ///
    /// A reading before [`Alarm::next_due`], or on a row that is not valid, is ignored. A caller
    /// that comes late (a stalled control plane, a replay jumping over a quiet hour) gets one
    /// reading for the slot it is in, and the schedule goes on from the next slot after `now`:
    /// missed slots are not made up with readings that would all be the same. A late baseline
    /// is the exception: the schedule starts at it (see the module's doc).
    pub fn sample(&mut self, now: Timestamp, sample: Option<Sample>) -> SampleOutcome {
        if !self.is_due(now) {
            return SampleOutcome::Quiet;
        }
        let Some(sample) = sample else {
            self.set_status(EntryStatus::Invalid, now);
            return SampleOutcome::Gone;
        };
        let step = self.config.step().max(1);
        let interval = u64::from(self.config.interval) * NANOS_PER_SEC;
        let (sample_type, startup) = (self.config.sample_type, self.config.startup_alarm);
        let (rising, falling) = (i64::from(self.config.rising_threshold), i64::from(self.config.falling_threshold));
        let Some(s) = self.sampler.as_mut() else { return SampleOutcome::Quiet };

        // The baseline opens the first period: read later than the row became valid (a replay's
        // reader that saw the row only after counting later frames), the schedule starts where
        // it was read, or the first period would be short by the frames the baseline took in.
        if s.readings[0].is_none() {
            s.valid_since = now;
        }
        // The slot this reading stands for: the latest one at or before `now`.
        let slots = now.since(s.valid_since) / step;
        let slot = Timestamp(s.valid_since.0.saturating_add(slots.saturating_mul(step)));
        s.next_due = Timestamp(slot.0.saturating_add(step));

        let [latest, before] = s.readings;
        s.readings = [Some((slot, sample)), latest];
        let compared = match (sample_type, latest) {
            // The baseline.
            (_, None) => None,
            (SampleType::AbsoluteValue, Some(_)) => Some(sample.absolute()),
            // The change over the last whole interval: from the latest reading if it is that
            // old already (slots were missed), else from the one before it, two half-steps back.
            (SampleType::DeltaValue, Some((at, earlier))) if slot.since(at) >= interval => Some(sample.since(earlier)),
            (SampleType::DeltaValue, Some(_)) => before.map(|(_, earlier)| sample.since(earlier)),
        };
        let Some(value) = compared else { return SampleOutcome::Quiet };

        let first = s.value.is_none();
        s.value = Some(value);
        let reached = if value >= rising && s.last_reached != Some(Crossing::Rising) {
            Some(Crossing::Rising)
        } else if value <= falling && s.last_reached != Some(Crossing::Falling) {
            Some(Crossing::Falling)
        } else {
            None
        };
        let Some(crossing) = reached else { return SampleOutcome::Quiet };
        s.last_reached = Some(crossing);
        if first && !startup.allows(crossing) {
            return SampleOutcome::Quiet;
        }
        SampleOutcome::Fire(crossing)
    }
}

impl AlarmEntry {
    pub fn new(index: u16, alarm: &Alarm) -> AlarmEntry {
        let c = &alarm.config;
        AlarmEntry {
            alarm_index: index,
            alarm_interval: c.interval,
            alarm_variable: c.variable.clone(),
            alarm_sample_type: c.sample_type,
            alarm_value: alarm.value(),
            alarm_startup_alarm: c.startup_alarm,
            alarm_rising_threshold: c.rising_threshold,
            alarm_falling_threshold: c.falling_threshold,
            alarm_rising_event_index: c.rising_event_index,
            alarm_falling_event_index: c.falling_event_index,
            alarm_owner: alarm.owner.clone(),
            alarm_status: alarm.status,
        }
    }
}

/// What an alarm's crossing tells the event it fires: enough for the log's description and for
/// the SNMP agent to build the trap's varbinds (`snmp/trap.rs`), typed, so that this layer holds
/// no SNMP values and no column OIDs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AlarmCrossing {
    pub alarm_index: u16,
    pub crossing: Crossing,
    pub variable: Oid,
    pub sample_type: SampleType,
    /// alarmValue, exact.
    pub value: i64,
    /// The threshold reached.
    pub threshold: i32,
}

impl AlarmCrossing {
    pub fn of(alarm_index: u16, alarm: &Alarm, crossing: Crossing) -> AlarmCrossing {
        AlarmCrossing {
            alarm_index,
            crossing,
            variable: alarm.config.variable.clone(),
            sample_type: alarm.config.sample_type,
            value: alarm.value(),
            threshold: alarm.config.threshold(crossing),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Crossing::*;
    use SampleOutcome::{Fire, Gone, Quiet};

    const SEC: u64 = NANOS_PER_SEC;
    /// The probe time rows become valid at.
    const T0: u64 = 1000;

    fn at(secs: u64) -> Timestamp {
        Timestamp((T0 + secs) * SEC)
    }

    fn config(sample_type: SampleType, startup_alarm: StartupAlarm, rising: i32, falling: i32) -> AlarmConfig {
        AlarmConfig {
            interval: 10,
            variable: "1.3.6.1.2.1.16.1.1.1.5.1".parse().unwrap(),
            sample_type,
            startup_alarm,
            rising_threshold: rising,
            falling_threshold: falling,
            rising_event_index: 1,
            falling_event_index: 2,
        }
    }

    fn absolute(startup: StartupAlarm) -> Alarm {
        Alarm::valid(config(SampleType::AbsoluteValue, startup, 100, 50), Owner::monitor(), at(0))
    }

    fn delta(startup: StartupAlarm) -> Alarm {
        Alarm::valid(config(SampleType::DeltaValue, startup, 100, 50), Owner::monitor(), at(0))
    }

    /// Steps `alarm` through readings at its due times, one value per due time, and gives what
    /// each meant.
    fn run(alarm: &mut Alarm, values: &[Sample]) -> Vec<SampleOutcome> {
        values
            .iter()
            .map(|v| {
                let due = alarm.next_due().expect("valid");
                alarm.sample(due, Some(*v))
            })
            .collect()
    }

    fn ints(v: &[i64]) -> Vec<Sample> {
        v.iter().map(|&v| Sample::Integer(v)).collect()
    }

    #[test]
    fn absolute_schedule_is_every_interval_from_valid() {
        let mut a = absolute(StartupAlarm::RisingOrFallingAlarm);
        assert_eq!(a.next_due(), Some(at(0)));
        assert!(a.is_due(at(0)));
        assert_eq!(a.sample(at(0), Some(Sample::Integer(70))), Quiet, "the baseline compares nothing");
        assert_eq!(a.value(), 0, "alarmValue waits for the first whole period");
        assert_eq!(a.next_due(), Some(at(10)));
        assert!(!a.is_due(at(9)));
        assert_eq!(a.sample(at(9), Some(Sample::Integer(500))), Quiet, "an early reading is ignored");
        assert_eq!(a.value(), 0);
        assert_eq!(a.sample(at(10), Some(Sample::Integer(70))), Quiet);
        assert_eq!(a.value(), 70);
        assert_eq!(a.next_due(), Some(at(20)));
    }

    #[test]
    fn late_reading_keeps_the_grid_and_skips_missed_slots() {
        let mut a = absolute(StartupAlarm::RisingOrFallingAlarm);
        a.sample(at(0), Some(Sample::Integer(0)));
        // 35 s late: one reading for slot 30, then slot 40.
        assert_eq!(a.sample(at(35), Some(Sample::Integer(70))), Quiet);
        assert_eq!(a.next_due(), Some(at(40)));
        // Jitter does not drift the schedule.
        assert_eq!(a.sample(at(40).plus_secs(0), Some(Sample::Integer(70))), Quiet);
        a.sample(Timestamp(at(50).0 + 300_000_000), Some(Sample::Integer(70)));
        assert_eq!(a.next_due(), Some(at(60)));
    }

    #[test]
    fn absolute_thresholds_up_and_down_with_hysteresis() {
        let mut a = absolute(StartupAlarm::RisingOrFallingAlarm);
        // baseline, between, up, stay above, dip between, above again, down, stay down, up.
        let got = run(&mut a, &ints(&[0, 70, 150, 200, 80, 150, 40, 10, 60, 100]));
        assert_eq!(
            got,
            vec![Quiet, Quiet, Fire(Rising), Quiet, Quiet, Quiet, Fire(Falling), Quiet, Quiet, Fire(Rising)]
        );
        assert_eq!(a.value(), 100);
    }

    #[test]
    fn equal_to_a_threshold_reaches_it() {
        let mut a = absolute(StartupAlarm::RisingOrFallingAlarm);
        let got = run(&mut a, &ints(&[0, 70, 100, 99, 51, 50, 51, 100]));
        assert_eq!(got, vec![Quiet, Quiet, Fire(Rising), Quiet, Quiet, Fire(Falling), Quiet, Fire(Rising)]);
    }

    #[test]
    fn just_short_of_a_threshold_does_not() {
        let mut a = absolute(StartupAlarm::RisingOrFallingAlarm);
        let got = run(&mut a, &ints(&[0, 70, 99, 51, 99]));
        assert_eq!(got, vec![Quiet; 5]);
    }

    #[test]
    fn startup_rising_alarm() {
        // First comparison above: fires rising.
        let mut a = absolute(StartupAlarm::RisingAlarm);
        assert_eq!(run(&mut a, &ints(&[0, 150, 150, 40])), vec![Quiet, Fire(Rising), Quiet, Fire(Falling)]);
        // First comparison below the falling threshold: quiet, and falling counts as reached, so
        // staying low stays quiet; rising later fires.
        let mut a = absolute(StartupAlarm::RisingAlarm);
        assert_eq!(
            run(&mut a, &ints(&[0, 10, 10, 70, 20, 120])),
            vec![Quiet, Quiet, Quiet, Quiet, Quiet, Fire(Rising)]
        );
    }

    #[test]
    fn startup_falling_alarm() {
        let mut a = absolute(StartupAlarm::FallingAlarm);
        assert_eq!(run(&mut a, &ints(&[0, 10, 10, 150])), vec![Quiet, Fire(Falling), Quiet, Fire(Rising)]);
        // Started above the rising threshold: no startup alarm, and no rising alarm for dipping
        // between the thresholds and coming back; only after reaching the falling threshold.
        let mut a = absolute(StartupAlarm::FallingAlarm);
        assert_eq!(
            run(&mut a, &ints(&[0, 150, 80, 150, 50, 150])),
            vec![Quiet, Quiet, Quiet, Quiet, Fire(Falling), Fire(Rising)]
        );
    }

    #[test]
    fn startup_rising_or_falling_alarm() {
        let mut a = absolute(StartupAlarm::RisingOrFallingAlarm);
        assert_eq!(run(&mut a, &ints(&[0, 150])), vec![Quiet, Fire(Rising)]);
        let mut a = absolute(StartupAlarm::RisingOrFallingAlarm);
        assert_eq!(run(&mut a, &ints(&[0, 50])), vec![Quiet, Fire(Falling)]);
        // Between the thresholds: nothing at startup, either can fire next.
        let mut a = absolute(StartupAlarm::RisingOrFallingAlarm);
        assert_eq!(run(&mut a, &ints(&[0, 75, 20])), vec![Quiet, Quiet, Fire(Falling)]);
    }

    #[test]
    fn the_startup_alarm_is_for_the_first_comparison_only() {
        // A rising-only startup alarm does not keep a later falling crossing quiet.
        let mut a = absolute(StartupAlarm::RisingAlarm);
        assert_eq!(run(&mut a, &ints(&[0, 75, 10])), vec![Quiet, Quiet, Fire(Falling)]);
        // Becoming valid again arms it again.
        let mut a = absolute(StartupAlarm::RisingAlarm);
        run(&mut a, &ints(&[0, 150]));
        a.set_status(EntryStatus::UnderCreation, at(25));
        assert_eq!(a.next_due(), None);
        assert_eq!(a.value(), 0);
        a.set_status(EntryStatus::Valid, at(30));
        assert_eq!(a.next_due(), Some(at(30)));
        assert_eq!(run(&mut a, &ints(&[150, 150])), vec![Quiet, Fire(Rising)]);
        assert_eq!(a.next_due(), Some(at(50)));
    }

    #[test]
    fn delta_samples_twice_per_interval_and_compares_whole_intervals() {
        // A rising startup alarm: the quiet start (20 <= 50) fires nothing.
        let mut a = delta(StartupAlarm::RisingAlarm);
        // Readings every 5 s: a counter growing 10 per half interval, then a burst of 120 split
        // across a boundary (60 in each half), then quiet.
        let counter = [1000, 1010, 1020, 1030, 1090, 1150, 1160, 1160, 1160];
        let got = run(&mut a, &ints(&counter));
        // Comparisons from 10 s on, of the change over the last 10 s: 20, 20, 70, 120, 70, 10, 0.
        // Sampled once per interval (at 10, 20, 30 s) the burst would read 20, 70, 70: no alarm.
        assert_eq!(got, vec![Quiet, Quiet, Quiet, Quiet, Quiet, Fire(Rising), Quiet, Fire(Falling), Quiet]);
        assert_eq!(a.value(), 0);
        assert_eq!(a.next_due(), Some(at(45)));
    }

    #[test]
    fn delta_first_value_is_one_whole_interval_after_valid() {
        let mut a = delta(StartupAlarm::RisingAlarm);
        assert_eq!(a.sample(at(0), Some(Sample::Integer(0))), Quiet);
        assert_eq!(a.next_due(), Some(at(5)));
        assert_eq!(a.sample(at(5), Some(Sample::Integer(500))), Quiet, "half an interval: nothing compared");
        assert_eq!(a.value(), 0);
        assert_eq!(a.sample(at(10), Some(Sample::Integer(500))), Fire(Rising), "the startup alarm");
        assert_eq!(a.value(), 500);
    }

    #[test]
    fn a_late_baseline_starts_the_schedule() {
        // Valid at 0 s, but the baseline read at 0.7 s (after the frames up to then): the
        // first period runs from 0.7 s, so the first delta is a whole interval's change.
        let late = |secs: u64| Timestamp(at(secs).0 + 700_000_000);
        let mut a = delta(StartupAlarm::RisingAlarm);
        assert_eq!(a.sample(late(0), Some(Sample::Integer(70))), Quiet);
        assert_eq!(a.next_due(), Some(late(5)));
        assert!(!a.is_due(at(5)));
        assert_eq!(a.sample(late(5), Some(Sample::Integer(570))), Quiet);
        assert_eq!(a.sample(late(10), Some(Sample::Integer(1070))), Fire(Rising));
        assert_eq!(a.value(), 1000);
        assert_eq!(a.next_due(), Some(late(15)));
        // Only the baseline moves the schedule: later readings keep its grid.
        a.sample(Timestamp(late(15).0 + 300_000_000), Some(Sample::Integer(1570)));
        assert_eq!(a.next_due(), Some(late(20)));
        // Absolute values too: the first comparison one interval after the baseline.
        let mut a = absolute(StartupAlarm::RisingOrFallingAlarm);
        a.sample(late(0), Some(Sample::Integer(0)));
        assert_eq!(a.next_due(), Some(late(10)));
    }

    #[test]
    fn delta_with_missed_slots_compares_since_the_latest_reading() {
        let mut a = delta(StartupAlarm::RisingOrFallingAlarm);
        a.sample(at(0), Some(Sample::Integer(0)));
        // The next reading comes 32 s later: the change over those 30 s is compared at once.
        assert_eq!(a.sample(at(32), Some(Sample::Integer(300))), Fire(Rising));
        assert_eq!(a.value(), 300);
        assert_eq!(a.next_due(), Some(at(35)));
    }

    #[test]
    fn delta_of_a_wrapping_counter32_is_its_growth() {
        let mut a = delta(StartupAlarm::RisingOrFallingAlarm);
        let near = u32::MAX - 40;
        let readings = [near, near.wrapping_add(30), near.wrapping_add(60), near.wrapping_add(200)];
        let got = run(&mut a, &readings.map(Sample::Counter32));
        // 60 over the first interval (across the wrap), then 170.
        assert_eq!(got, vec![Quiet, Quiet, Quiet, Fire(Rising)]);
        assert_eq!(a.value(), 170);
        // TimeTicks wrap the same way; a Gauge32 read as Integer going down is a fall.
        assert_eq!(Sample::Counter32(5).since(Sample::Counter32(u32::MAX)), 6);
        assert_eq!(Sample::Integer(5).since(Sample::Integer(i64::from(u32::MAX))), 5 - i64::from(u32::MAX));
    }

    #[test]
    fn delta_of_a_counter64() {
        assert_eq!(Sample::Counter64(3).since(Sample::Counter64(u64::MAX)), 4);
        assert_eq!(Sample::Counter64(u64::MAX).since(Sample::Counter64(0)), i64::MAX, "saturates");
        assert_eq!(Sample::Counter64(u64::MAX).absolute(), i64::MAX);
        assert_eq!(Sample::Integer(i64::MIN).since(Sample::Integer(1)), i64::MIN, "saturates");
    }

    #[test]
    fn a_falling_counter_delta_is_negative() {
        let mut a = Alarm::valid(
            config(SampleType::DeltaValue, StartupAlarm::RisingOrFallingAlarm, 10, -10),
            Owner::monitor(),
            at(0),
        );
        let got = run(&mut a, &ints(&[100, 95, 80]));
        assert_eq!(got, vec![Quiet, Quiet, Fire(Falling)]);
        assert_eq!(a.value(), -20);
    }

    #[test]
    fn absolute_counter_values_compare_exactly() {
        let mut a = Alarm::valid(
            config(SampleType::AbsoluteValue, StartupAlarm::RisingAlarm, i32::MAX, 0),
            Owner::monitor(),
            at(0),
        );
        let got = run(&mut a, &[Sample::Counter64(0), Sample::Counter64(u64::from(u32::MAX) + 5)]);
        assert_eq!(got, vec![Quiet, Fire(Rising)]);
        assert_eq!(a.value(), i64::from(u32::MAX) + 5);
    }

    #[test]
    fn a_variable_that_disappears_makes_the_row_invalid() {
        let mut a = absolute(StartupAlarm::RisingOrFallingAlarm);
        run(&mut a, &ints(&[0, 150]));
        assert_eq!(a.sample(at(20), None), Gone);
        assert_eq!(a.status(), EntryStatus::Invalid);
        assert_eq!(a.next_due(), None);
        assert_eq!(a.sample(at(30), Some(Sample::Integer(1))), Quiet, "an invalid row samples nothing");
        // Already at the baseline.
        let mut a = delta(StartupAlarm::RisingOrFallingAlarm);
        assert_eq!(a.sample(at(0), None), Gone);
    }

    #[test]
    fn rows_not_valid_sample_nothing() {
        let mut a = Alarm::under_creation(
            config(SampleType::AbsoluteValue, StartupAlarm::RisingAlarm, 100, 50),
            Owner::default(),
        );
        assert_eq!(a.next_due(), None);
        assert_eq!(a.sample(at(0), Some(Sample::Integer(500))), Quiet);
    }

    #[test]
    fn odd_interval_halves_exactly() {
        let mut c = config(SampleType::DeltaValue, StartupAlarm::RisingAlarm, 100, 50);
        c.interval = 3;
        let mut a = Alarm::valid(c, Owner::monitor(), at(0));
        a.sample(at(0), Some(Sample::Integer(0)));
        assert_eq!(a.next_due(), Some(Timestamp(at(0).0 + 1_500_000_000)));
    }

    #[test]
    fn configuration_problems() {
        let good = config(SampleType::AbsoluteValue, StartupAlarm::RisingAlarm, 100, 50);
        assert_eq!(good.problem(), None);
        let mut c = good.clone();
        c.interval = 0;
        assert!(c.problem().unwrap().contains("alarmInterval"));
        let mut c = good.clone();
        c.falling_threshold = 100;
        assert!(c.problem().unwrap().contains("alarmFallingThreshold 100"));
        let mut c = good.clone();
        c.variable = Oid::default();
        assert!(c.problem().unwrap().contains("alarmVariable"));
    }

    #[test]
    fn entry_as_json() {
        let mut a = absolute(StartupAlarm::RisingOrFallingAlarm);
        run(&mut a, &ints(&[0, 42]));
        let json = serde_json::to_value(AlarmEntry::new(3, &a)).unwrap();
        assert_eq!(json["alarmIndex"], 3);
        assert_eq!(json["alarmVariable"], "1.3.6.1.2.1.16.1.1.1.5.1");
        assert_eq!(json["alarmSampleType"], "absoluteValue");
        assert_eq!(json["alarmStartupAlarm"], "risingOrFallingAlarm");
        assert_eq!(json["alarmValue"], 42);
        assert_eq!(json["alarmStatus"], "valid");
        assert_eq!(json["alarmRisingEventIndex"], 1);
    }

    #[test]
    fn alarm_samples_of_integer_types_only() {
        assert_eq!(Sample::of(&Value::Integer(-3)), Some(Sample::Integer(-3)));
        assert_eq!(Sample::of(&Value::Gauge32(u32::MAX)), Some(Sample::Integer(i64::from(u32::MAX))));
        assert_eq!(Sample::of(&Value::Counter32(7)), Some(Sample::Counter32(7)));
        assert_eq!(Sample::of(&Value::TimeTicks(7)), Some(Sample::Counter32(7)));
        assert_eq!(Sample::of(&Value::Counter64(7)), Some(Sample::Counter64(7)));
        for v in [Value::OctetString(b"1".to_vec()), Value::Null, Value::NoSuchInstance, Value::IpAddress([1; 4])] {
            assert_eq!(Sample::of(&v), None, "{}", v.type_name());
        }
    }
}
