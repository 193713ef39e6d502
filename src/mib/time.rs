//! Probe time.
//!
//! `rmon/` never reads a clock: every instant is handed in. Live, it comes from a monotonic clock;
//! in a replay, from the packet timestamps, so a replay is deterministic and a two-hour capture
//! fills two hours of history in seconds (ARCHITECTURE.md, "Rules": time is injected).

use std::fmt;

/// Nanoseconds per RMON TimeTick (TimeTicks count hundredths of a second).
pub const NANOS_PER_TICK: u64 = 10_000_000;
/// Nanoseconds per second.
pub const NANOS_PER_SEC: u64 = 1_000_000_000;

/// An instant on the probe's clock, in nanoseconds. In a replay this is the capture timestamp
/// (nanoseconds since the Unix epoch); live, a monotonic clock reading.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(pub u64);

impl Timestamp {
    /// The instant `secs` seconds later, saturating instead of wrapping on absurd inputs.
    pub fn plus_secs(self, secs: u64) -> Timestamp {
        Timestamp(self.0.saturating_add(secs.saturating_mul(NANOS_PER_SEC)))
    }

    /// Nanoseconds elapsed since `earlier`, zero if `earlier` is later.
    pub fn since(self, earlier: Timestamp) -> u64 {
        self.0.saturating_sub(earlier.0)
    }

    /// TimeTicks (hundredths of a second) elapsed since `start`: how sysUpTime and every
    /// TimeTicks column is derived. Not wrapped; SNMP wraps it modulo 2^32 when it encodes it.
    pub fn ticks_since(self, start: Timestamp) -> u64 {
        self.since(start) / NANOS_PER_TICK
    }
}

impl fmt::Display for Timestamp {
    /// Seconds with nanoseconds, as capture tools print epoch times.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{:09}", self.0 / NANOS_PER_SEC, self.0 % NANOS_PER_SEC)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_hundredths_and_never_negative() {
        let start = Timestamp(5 * NANOS_PER_SEC);
        assert_eq!(Timestamp(5 * NANOS_PER_SEC + 29_999_999).ticks_since(start), 2);
        assert_eq!(start.plus_secs(30).ticks_since(start), 3000);
        assert_eq!(Timestamp(0).ticks_since(start), 0);
    }

    #[test]
    fn plus_secs_saturates() {
        assert_eq!(Timestamp(u64::MAX - 1).plus_secs(10), Timestamp(u64::MAX));
    }

    #[test]
    fn display_has_nanoseconds() {
        assert_eq!(Timestamp(1_700_000_000_000_000_042).to_string(), "1700000000.000000042");
    }
}
