//! Network-layer conversation reports (RFC 4502 nlMatrixTopNControlTable, nlMatrixTopNTable).
//!
//! A report ranks the conversations of one hlMatrixControl row by how many packets (or octets)
//! they carried over its duration, with what went the other way beside them. Unlike hostTopN's,
//! a report starts again as soon as it ends, so a manager reads a fresh one every duration. Each
//! shard notes its conversations' counts when a report starts and takes the growth when it ends,
//! on the probe's clock; the read sums the shards' growth per conversation and ranks it.

use std::collections::HashMap;

use crate::mib::time::{NANOS_PER_SEC, Timestamp};
use crate::rmon::control::{EntryStatus, Owner};
use crate::rmon::nl_matrix::{NlMatrixTable, PairKey};

pub use crate::mib::rmon2::nl_matrix_top_n::{NlMatrixTopNControlEntry, NlMatrixTopNEntry, NlMatrixTopNRateBase};

/// nlMatrixTopNControlRequestedSize's DEFVAL.
pub const DEFAULT_REQUESTED_SIZE: u32 = 150;
/// nlMatrixTopNControlTimeRemaining's DEFVAL, in seconds.
pub const DEFAULT_TIME_REMAINING: u32 = 1800;

/// nlMatrixTopNControlEntry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NlMatrixTopNControl {
    /// hlMatrixControlIndex of the conversations ranked; None until set.
    pub matrix_index: Option<u16>,
    pub rate_base: Option<NlMatrixTopNRateBase>,
    /// nlMatrixTopNControlDuration: the seconds of each report (0: none).
    pub duration: u32,
    pub requested_size: u32,
    pub granted_size: u32,
    /// When the first report of the current series started (TimeRemaining set, or the row made
    /// valid); the reports follow one another from then. None while not valid.
    pub start_time: Option<Timestamp>,
    pub owner: Owner,
    pub status: EntryStatus,
}

impl NlMatrixTopNControl {
    /// The start of the report being collected at `now`, and how many have ended by then.
    pub fn current(&self, now: Timestamp) -> Option<(Timestamp, u64)> {
        let start = self.start_time?;
        let length = u64::from(self.duration).checked_mul(NANOS_PER_SEC).filter(|l| *l > 0)?;
        let ended = now.since(start) / length;
        Some((Timestamp(start.0.saturating_add(ended.saturating_mul(length))), ended))
    }

    /// nlMatrixTopNControlTimeRemaining at `now`: the seconds left in the report being collected
    /// (a row that is not valid shows the duration it will run).
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

/// One shard's part of one control row's reports.
#[derive(Clone, Debug)]
pub struct NlMatrixTopNWindow {
    /// hlMatrixControlIndex of the ranked conversations.
    pub matrix_index: u16,
    /// The report being collected: from `start`, for `length` nanoseconds.
    start: Timestamp,
    length: u64,
    /// Each conversation's counts (and creation, to tell a pair deleted and learned again) when
    /// the report started; None before its start.
    baseline: Option<HashMap<PairKey, (Timestamp, Growth)>>,
    /// The last report to end: how many have ended, and the growth per conversation.
    pub reports: u64,
    result: Vec<(PairKey, Growth)>,
}

impl NlMatrixTopNWindow {
    pub fn new(matrix_index: u16, start: Timestamp, duration_secs: u32) -> Self {
        NlMatrixTopNWindow {
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

    fn counts(table: Option<&NlMatrixTable>) -> HashMap<PairKey, (Timestamp, Growth)> {
        table
            .map(|t| t.iter().map(|(k, s)| (*k, (s.created, Growth { pkts: s.pkts, octets: s.octets }))).collect())
            .unwrap_or_default()
    }

    /// Takes the baseline when `now` passes the start and the result when it passes the end,
    /// then starts the next report there; a report in which the clock jumped several ends is
    /// followed by as many empty ones. `table` is the ranked table as it stands at `now`.
    pub fn advance(&mut self, now: Timestamp, table: Option<&NlMatrixTable>) {
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
                t.iter()
                    .filter_map(|(key, state)| {
                        let before = match baseline.get(key) {
                            Some((created, g)) if *created == state.created => *g,
                            _ => Growth::default(),
                        };
                        let grew = Growth {
                            pkts: state.pkts.saturating_sub(before.pkts),
                            octets: state.octets.saturating_sub(before.octets),
                        };
                        (grew.pkts > 0).then_some((*key, grew))
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
    pub fn result(&self) -> &[(PairKey, Growth)] {
        &self.result
    }
}

/// The last report of control row `index`: the growth summed over the shards that ended the
/// same report, ranked by the rate base (ties by the pair), at most `granted` conversations, each
/// with the other way's growth.
pub fn merge(
    index: u16,
    rate_base: NlMatrixTopNRateBase,
    granted: u32,
    windows: &[&NlMatrixTopNWindow],
) -> Vec<NlMatrixTopNEntry> {
    let latest = windows.iter().map(|w| w.reports).max().unwrap_or(0);
    let mut sum: HashMap<PairKey, Growth> = HashMap::new();
    for w in windows.iter().filter(|w| w.reports == latest && latest > 0) {
        for (key, g) in w.result() {
            let s = sum.entry(*key).or_default();
            s.pkts += g.pkts;
            s.octets += g.octets;
        }
    }
    let rank = |g: &Growth| if rate_base.octets() { g.octets } else { g.pkts };
    let mut ranked: Vec<(&PairKey, &Growth)> = sum.iter().collect();
    ranked.sort_by(|a, b| rank(b.1).cmp(&rank(a.1)).then(a.0.cmp(b.0)));
    ranked
        .into_iter()
        .take(granted as usize)
        .enumerate()
        .map(|(i, (key, g))| {
            let reverse = PairKey { local_index: key.local_index, source: key.dest, dest: key.source };
            let back = sum.get(&reverse).copied().unwrap_or_default();
            NlMatrixTopNEntry {
                nl_matrix_top_n_index: (i + 1) as u32,
                nl_matrix_top_n_protocol_dir_local_index: key.local_index,
                nl_matrix_top_n_source_address: key.source,
                nl_matrix_top_n_dest_address: key.dest,
                nl_matrix_top_n_pkt_rate: g.pkts,
                nl_matrix_top_n_reverse_pkt_rate: back.pkts,
                nl_matrix_top_n_octet_rate: g.octets,
                nl_matrix_top_n_reverse_octet_rate: back.octets,
                nl_matrix_top_n_control_index: index,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mib::NetAddr;
    use crate::packet::Condition;
    use crate::rmon::hosts::tests::{frame, mac};
    use crate::rmon::protocol_dir::NetworkProtocol;
    use crate::rmon::table::TableHasher;

    const SEC: u64 = NANOS_PER_SEC;
    const IP: NetworkProtocol = NetworkProtocol { local_index: 3, host: true, matrix: true, address_map: true };

    fn a(last: u8) -> NetAddr {
        NetAddr::v4([10, 0, 0, last])
    }

    fn send(t: &mut NlMatrixTable, secs: u64, src: u8, dst: u8, octets: u32) {
        let mut f = frame(0, mac(src), mac(dst), octets, Condition::Good);
        f.time = Timestamp(secs * SEC);
        t.count(&f, IP, a(src), a(dst));
    }

    #[test]
    fn reports_follow_one_another_and_rank_with_the_other_way() {
        let mut t = NlMatrixTable::new(100, 100, TableHasher::default());
        let mut w = NlMatrixTopNWindow::new(1, Timestamp(10 * SEC), 10);
        send(&mut t, 5, 1, 2, 1000); // before the first report
        w.advance(Timestamp(10 * SEC), Some(&t));
        send(&mut t, 11, 1, 2, 100);
        send(&mut t, 12, 2, 1, 100);
        send(&mut t, 13, 2, 1, 100);
        send(&mut t, 14, 3, 1, 1500);
        assert_eq!(w.next_deadline(), Timestamp(20 * SEC));
        w.advance(Timestamp(20 * SEC), Some(&t));
        assert_eq!(w.reports, 1);
        let r = merge(7, NlMatrixTopNRateBase::Pkts, 10, &[&w]);
        let got: Vec<_> = r
            .iter()
            .map(|e| (e.nl_matrix_top_n_source_address, e.nl_matrix_top_n_pkt_rate, e.nl_matrix_top_n_reverse_pkt_rate))
            .collect();
        assert_eq!(got, vec![(a(2), 2, 1), (a(1), 1, 2), (a(3), 1, 0)]);
        let by_octets = merge(7, NlMatrixTopNRateBase::Octets, 1, &[&w]);
        assert_eq!(by_octets[0].nl_matrix_top_n_source_address, a(3));
        // The next report started at the end of the first; a jump of three lengths gives
        // empty reports.
        send(&mut t, 21, 1, 2, 100);
        w.advance(Timestamp(50 * SEC), Some(&t));
        assert_eq!((w.reports, w.result().len()), (4, 0));
        assert_eq!(w.next_deadline(), Timestamp(60 * SEC));
    }

    #[test]
    fn time_remaining_counts_down_each_report() {
        let c = NlMatrixTopNControl {
            matrix_index: Some(1),
            rate_base: Some(NlMatrixTopNRateBase::Pkts),
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
    }
}
