//! The live probe's clock.
//!
//! Probe time must never jump (ARCHITECTURE.md, "Rules": time is injected): history buckets and hostTopN reports are cut
//! on it. So it is monotonic time, offset once to the wall clock at start so that reported
//! instants read as epoch times. Kernel capture timestamps are wall-clock readings; each is
//! moved onto this clock by the current difference between the two, so a step of the system
//! clock (NTP, an operator) neither stretches a bucket nor throws frames into the future.

use std::time::{Instant, SystemTime, UNIX_EPOCH};

use crate::mib::Timestamp;

/// Monotonic time since start, expressed as epoch nanoseconds from the wall clock at start.
#[derive(Clone, Copy, Debug)]
pub struct LiveClock {
    started: Instant,
    wall_at_start: u64,
}

/// Nanoseconds since the Unix epoch on the system clock (0 before 1970: a broken clock).
fn wall_now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX))
}

impl LiveClock {
    pub fn start() -> LiveClock {
        LiveClock { started: Instant::now(), wall_at_start: wall_now() }
    }

    /// Now, on the probe's clock.
    pub fn now(&self) -> Timestamp {
        let elapsed = u64::try_from(self.started.elapsed().as_nanos()).unwrap_or(u64::MAX);
        Timestamp(self.wall_at_start.saturating_add(elapsed))
    }

    /// How far the wall clock is ahead of the probe's clock now (negative: behind), for
    /// [`LiveClock::from_wall`]. Read once per batch, not per frame.
    pub fn wall_offset(&self) -> i128 {
        i128::from(wall_now()) - i128::from(self.now().0)
    }

    /// A kernel timestamp (epoch nanoseconds, wall clock) on the probe's clock, given the
    /// current `wall_offset`, and never later than `now` (a frame cannot come from the future).
    pub fn from_wall(wall: u64, offset: i128, now: Timestamp) -> Timestamp {
        let t = (i128::from(wall) - offset).clamp(0, i128::from(now.0));
        Timestamp(u64::try_from(t).unwrap_or(now.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn monotonic_and_near_the_wall_clock() {
        let clock = LiveClock::start();
        let a = clock.now();
        let b = clock.now();
        assert!(b >= a);
        // Right after start the two clocks agree to well within a second.
        assert!(clock.wall_offset().abs() < 1_000_000_000, "offset {}", clock.wall_offset());
    }

    #[test]
    fn kernel_timestamps_follow_a_clock_step() {
        let now = Timestamp(10_000);
        // The wall clock was stepped 5 s ahead: a frame stamped 5 s ahead is "now".
        let offset = 5_000_000_000i128;
        assert_eq!(LiveClock::from_wall(5_000_009_000, offset, now), Timestamp(9_000));
        // Never in the future, never before the epoch.
        assert_eq!(LiveClock::from_wall(6_000_000_000, offset, now), now);
        assert_eq!(LiveClock::from_wall(0, offset, now), Timestamp(0));
    }
}
