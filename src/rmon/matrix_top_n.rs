//! What RMON2's two conversation reports share (RFC 4502 nlMatrixTopN and alMatrixTopN): the
//! control row that starts a series of reports, each shard's window over a series, and the
//! summing and ranking of the shards' last report. `nl_matrix_top_n.rs` and
//! `al_matrix_top_n.rs` say what each ranks and how its entries read.
//!
//! A report ranks the conversations of one hlMatrixControl row by how many packets (or octets)
//! they carried over its duration, with what went the other way beside them. Unlike hostTopN's,
//! a report starts again as soon as it ends, so a manager reads a fresh one every duration. Each
//! shard notes its conversations' counts when a report starts and takes the growth when it ends,
//! on the probe's clock; the read sums the shards' growth per conversation and ranks it.

use std::collections::HashMap;
use std::hash::Hash;

use crate::mib::tc::RowStatus;
use crate::mib::time::{NANOS_PER_SEC, Timestamp};
use crate::rmon::control::{EntryStatus, Owner};

/// The RequestedSize DEFVAL of both control tables.
pub const DEFAULT_REQUESTED_SIZE: u32 = 150;
/// The TimeRemaining DEFVAL of both control tables, in seconds.
pub const DEFAULT_TIME_REMAINING: u32 = 1800;

/// nlMatrixTopNControlEntry or alMatrixTopNControlEntry, told apart by the rate base `R`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MatrixTopNControl<R> {
    /// hlMatrixControlIndex of the conversations ranked; None until set.
    pub matrix_index: Option<u16>,
    pub rate_base: Option<R>,
    /// The Duration column: the seconds of each report (0: none).
    pub duration: u32,
    pub requested_size: u32,
    pub granted_size: u32,
    /// When the first report of the current series started (TimeRemaining set, or the row made
    /// valid); the reports follow one another from then. None while not valid.
    pub start_time: Option<Timestamp>,
    pub owner: Owner,
    pub status: EntryStatus,
}

impl<R> MatrixTopNControl<R> {
    /// The valid row a configuration asks for, its reports of `time_remaining` seconds (0: none
    /// yet) starting at `start`, granted at most `top_n_size` entries.
    pub fn configured(
        matrix_index: u16,
        rate_base: R,
        time_remaining: u32,
        requested_size: u32,
        owner: Owner,
        top_n_size: u32,
        start: Timestamp,
    ) -> Self {
        MatrixTopNControl {
            matrix_index: Some(matrix_index),
            rate_base: Some(rate_base),
            duration: time_remaining,
            requested_size,
            granted_size: requested_size.min(top_n_size),
            start_time: (time_remaining > 0).then_some(start),
            owner,
            status: EntryStatus::Valid,
        }
    }

    /// The start of the report being collected at `now`, and how many have ended by then.
    pub fn current(&self, now: Timestamp) -> Option<(Timestamp, u64)> {
        let start = self.start_time?;
        let length = u64::from(self.duration).checked_mul(NANOS_PER_SEC).filter(|l| *l > 0)?;
        let ended = now.since(start) / length;
        Some((Timestamp(start.0.saturating_add(ended.saturating_mul(length))), ended))
    }

    /// The row's RowStatus as a manager reads it: notReady until its matrix index and rate base
    /// are set.
    pub fn row_status(&self) -> RowStatus {
        match self.status {
            EntryStatus::Valid => RowStatus::Active,
            _ if self.matrix_index.is_none() || self.rate_base.is_none() => RowStatus::NotReady,
            _ => RowStatus::NotInService,
        }
    }

    /// The TimeRemaining column at `now`: the seconds left in the report being collected (a
    /// row that is not valid shows the duration it will run).
    pub fn time_remaining(&self, now: Timestamp) -> u32 {
        match self.current(now) {
            Some((start, _)) => u64::from(self.duration).saturating_sub(now.since(start) / NANOS_PER_SEC) as u32,
            None => self.duration,
        }
    }
}

/// Packets and octets, one way of a conversation.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Growth {
    pub pkts: u64,
    pub octets: u64,
}

/// A table of conversations a report ranks: nlMatrix's, or alMatrix's.
pub trait Conversations {
    /// A conversation, as the table indexes it.
    type Key: Copy + Eq + Hash;

    /// Each conversation with its creation (to tell one deleted and learned again) and what it
    /// has carried so far.
    fn counts(&self) -> impl Iterator<Item = (Self::Key, Timestamp, Growth)> + '_;
}

/// One shard's part of one control row's reports, over conversations keyed by `K`.
#[derive(Clone, Debug)]
pub struct MatrixTopNWindow<K> {
    /// hlMatrixControlIndex of the ranked conversations.
    pub matrix_index: u16,
    /// The report being collected: from `start`, for `length` nanoseconds.
    start: Timestamp,
    length: u64,
    /// Each conversation's counts and creation when the report started; None before its start.
    baseline: Option<HashMap<K, (Timestamp, Growth)>>,
    /// The last report to end: how many have ended, and the growth per conversation.
    pub reports: u64,
    result: Vec<(K, Growth)>,
}

impl<K: Copy + Eq + Hash> MatrixTopNWindow<K> {
    pub fn new(matrix_index: u16, start: Timestamp, duration_secs: u32) -> Self {
        MatrixTopNWindow {
            matrix_index,
            start,
            length: u64::from(duration_secs.max(1)) * NANOS_PER_SEC,
            baseline: None,
            reports: 0,
            result: Vec::new(),
        }
    }

    /// The next instant this window has something to do.
    pub fn next_deadline(&self) -> Timestamp {
        match self.baseline {
            None => self.start,
            Some(_) => Timestamp(self.start.0.saturating_add(self.length)),
        }
    }

    fn counts<T: Conversations<Key = K>>(table: Option<&T>) -> HashMap<K, (Timestamp, Growth)> {
        table.map(|t| t.counts().map(|(k, created, g)| (k, (created, g))).collect()).unwrap_or_default()
    }

    /// Takes the baseline when `now` passes the start and the result when it passes the end,
    /// then starts the next report there; a report in which the clock jumped several ends is
    /// followed by as many empty ones. `table` is the ranked table as it stands at `now`.
    pub fn advance<T: Conversations<Key = K>>(&mut self, now: Timestamp, table: Option<&T>) {
        if self.baseline.is_none() {
            if now < self.start {
                return;
            }
            self.baseline = Some(Self::counts(table));
        }
        let end = self.next_deadline();
        if now < end {
            return;
        }
        let baseline = self.baseline.take().unwrap_or_default();
        self.result = table
            .map(|t| {
                t.counts()
                    .filter_map(|(key, created, now)| {
                        let before = match baseline.get(&key) {
                            Some((then, g)) if *then == created => *g,
                            _ => Growth::default(),
                        };
                        let grew = Growth {
                            pkts: now.pkts.saturating_sub(before.pkts),
                            octets: now.octets.saturating_sub(before.octets),
                        };
                        (grew.pkts > 0).then_some((key, grew))
                    })
                    .collect()
            })
            .unwrap_or_default();
        let ended = (now.since(self.start) / self.length).max(1);
        self.reports += ended;
        if ended > 1 {
            // The clock jumped past later ends too: those reports saw nothing.
            self.result.clear();
        }
        self.start = Timestamp(self.start.0.saturating_add(ended.saturating_mul(self.length)));
        self.baseline = Some(Self::counts(table));
    }

    /// The last report to end in this shard.
    pub fn result(&self) -> &[(K, Growth)] {
        &self.result
    }
}

/// The last report of a control row: the growth summed over the shards that ended the same
/// report, of the conversations `admit` lets compete, ranked by octets or packets (ties in key
/// order), at most `granted` of them; each with the growth of `reverse` of it, the other way.
pub fn ranked<K: Copy + Eq + Hash + Ord>(
    windows: &[&MatrixTopNWindow<K>],
    by_octets: bool,
    granted: u32,
    admit: impl Fn(&K) -> bool,
    reverse: impl Fn(&K) -> K,
) -> Vec<(K, Growth, Growth)> {
    let latest = windows.iter().map(|w| w.reports).max().unwrap_or(0);
    let mut sum: HashMap<K, Growth> = HashMap::new();
    for w in windows.iter().filter(|w| w.reports == latest && latest > 0) {
        for (key, g) in w.result() {
            let s = sum.entry(*key).or_default();
            s.pkts += g.pkts;
            s.octets += g.octets;
        }
    }
    let rank = |g: &Growth| if by_octets { g.octets } else { g.pkts };
    let mut candidates: Vec<(&K, &Growth)> = sum.iter().filter(|(key, _)| admit(key)).collect();
    candidates.sort_by(|a, b| rank(b.1).cmp(&rank(a.1)).then(a.0.cmp(b.0)));
    candidates
        .into_iter()
        .take(granted as usize)
        .map(|(key, g)| (*key, *g, sum.get(&reverse(key)).copied().unwrap_or_default()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEC: u64 = NANOS_PER_SEC;

    #[test]
    fn time_remaining_counts_down_each_report() {
        let c: MatrixTopNControl<u8> = MatrixTopNControl {
            matrix_index: Some(1),
            rate_base: Some(1),
            duration: 60,
            requested_size: 10,
            granted_size: 10,
            start_time: Some(Timestamp(100 * SEC)),
            owner: Owner::default(),
            status: EntryStatus::Valid,
        };
        assert_eq!(c.time_remaining(Timestamp(100 * SEC)), 60);
        assert_eq!(c.time_remaining(Timestamp(170 * SEC)), 50);
        assert_eq!(c.current(Timestamp(170 * SEC)), Some((Timestamp(160 * SEC), 1)));
        let idle = MatrixTopNControl { start_time: None, ..c };
        assert_eq!((idle.time_remaining(Timestamp(170 * SEC)), idle.current(Timestamp(0))), (60, None));
    }
}
