//! Application-layer conversation reports (RFC 4502 alMatrixTopNControlTable,
//! alMatrixTopNTable): nlMatrixTopN's reports (`nl_matrix_top_n.rs`) one layer up.
//!
//! A report ranks the alMatrix entries of one hlMatrixControl row (a pair of network addresses
//! under one protocol above the network layer) by how many packets (or octets) they carried over
//! its duration, with what went the other way beside them, and the next report starts as soon as
//! it ends. Each shard notes its entries' counts when a report starts and takes the growth when
//! it ends, on the probe's clock; the read sums the shards' growth per entry and ranks it.
//!
//! The rate base also says which entries compete. An IP packet counts in alMatrix under its
//! transport and, where the directory has the port, under its application too, so the
//! transport's entries hold its applications' packets again. The "terminals" rate bases rank
//! only the protocols with no child protocol that alMatrix counts (an application, or a
//! transport with none under it: icmp), so each packet is ranked once; the "all" ones rank every
//! entry. Which protocols are terminals is the directory's to say, and a manager may change it
//! by SET at any time, so the read decides it from the directory as it stands then
//! ([`Directory::matrix_terminals`](crate::rmon::protocol_dir::Directory::matrix_terminals)),
//! and the shards keep every entry's growth.

use std::collections::HashMap;

use crate::mib::time::{NANOS_PER_SEC, Timestamp};
use crate::rmon::al_matrix::{AlMatrixTable, AlPairKey};
use crate::rmon::control::{EntryStatus, Owner};
use crate::rmon::nl_matrix_top_n::Growth;

pub use crate::mib::rmon2::al_matrix_top_n::{AlMatrixTopNControlEntry, AlMatrixTopNEntry, AlMatrixTopNRateBase};

/// alMatrixTopNControlRequestedSize's DEFVAL.
pub const DEFAULT_REQUESTED_SIZE: u32 = 150;
/// alMatrixTopNControlTimeRemaining's DEFVAL, in seconds.
pub const DEFAULT_TIME_REMAINING: u32 = 1800;

/// alMatrixTopNControlEntry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AlMatrixTopNControl {
    /// hlMatrixControlIndex of the conversations ranked; None until set.
    pub matrix_index: Option<u16>,
    pub rate_base: Option<AlMatrixTopNRateBase>,
    /// alMatrixTopNControlDuration: the seconds of each report (0: none).
    pub duration: u32,
    pub requested_size: u32,
    pub granted_size: u32,
    /// When the first report of the current series started (TimeRemaining set, or the row made
    /// valid); the reports follow one another from then. None while not valid.
    pub start_time: Option<Timestamp>,
    pub owner: Owner,
    pub status: EntryStatus,
}

impl AlMatrixTopNControl {
    /// The start of the report being collected at `now`, and how many have ended by then.
    pub fn current(&self, now: Timestamp) -> Option<(Timestamp, u64)> {
        let start = self.start_time?;
        let length = u64::from(self.duration).checked_mul(NANOS_PER_SEC).filter(|l| *l > 0)?;
        let ended = now.since(start) / length;
        Some((Timestamp(start.0.saturating_add(ended.saturating_mul(length))), ended))
    }

    /// alMatrixTopNControlTimeRemaining at `now`: the seconds left in the report being collected
    /// (a row that is not valid shows the duration it will run).
    pub fn time_remaining(&self, now: Timestamp) -> u32 {
        match self.current(now) {
            Some((start, _)) => u64::from(self.duration).saturating_sub(now.since(start) / NANOS_PER_SEC) as u32,
            None => self.duration,
        }
    }
}

/// One shard's part of one control row's reports.
#[derive(Clone, Debug)]
pub struct AlMatrixTopNWindow {
    /// hlMatrixControlIndex of the ranked conversations.
    pub matrix_index: u16,
    /// The report being collected: from `start`, for `length` nanoseconds.
    start: Timestamp,
    length: u64,
    /// Each entry's counts (and creation, to tell an entry deleted and learned again) when the
    /// report started; None before its start.
    baseline: Option<HashMap<AlPairKey, (Timestamp, Growth)>>,
    /// The last report to end: how many have ended, and the growth per entry.
    pub reports: u64,
    result: Vec<(AlPairKey, Growth)>,
}

impl AlMatrixTopNWindow {
    pub fn new(matrix_index: u16, start: Timestamp, duration_secs: u32) -> Self {
        AlMatrixTopNWindow {
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

    fn counts(table: Option<&AlMatrixTable>) -> HashMap<AlPairKey, (Timestamp, Growth)> {
        table
            .map(|t| t.iter().map(|(k, s)| (*k, (s.created, Growth { pkts: s.pkts, octets: s.octets }))).collect())
            .unwrap_or_default()
    }

    /// Takes the baseline when `now` passes the start and the result when it passes the end,
    /// then starts the next report there; a report in which the clock jumped several ends is
    /// followed by as many empty ones. `table` is the ranked table as it stands at `now`.
    pub fn advance(&mut self, now: Timestamp, table: Option<&AlMatrixTable>) {
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
    pub fn result(&self) -> &[(AlPairKey, Growth)] {
        &self.result
    }
}

/// The last report of control row `index`: the growth summed over the shards that ended the
/// same report, of the entries `ranked` admits (the terminals', or all, that the directory
/// still counts), ranked by the rate base (ties by the entry's index order), at most `granted`
/// entries, each with the other way's growth under the same protocols.
pub fn merge(
    index: u16,
    rate_base: AlMatrixTopNRateBase,
    granted: u32,
    windows: &[&AlMatrixTopNWindow],
    ranked: impl Fn(&AlPairKey) -> bool,
) -> Vec<AlMatrixTopNEntry> {
    let latest = windows.iter().map(|w| w.reports).max().unwrap_or(0);
    let mut sum: HashMap<AlPairKey, Growth> = HashMap::new();
    for w in windows.iter().filter(|w| w.reports == latest && latest > 0) {
        for (key, g) in w.result() {
            let s = sum.entry(*key).or_default();
            s.pkts += g.pkts;
            s.octets += g.octets;
        }
    }
    let rank = |g: &Growth| if rate_base.octets() { g.octets } else { g.pkts };
    let mut candidates: Vec<(&AlPairKey, &Growth)> = sum.iter().filter(|(key, _)| ranked(key)).collect();
    candidates.sort_by(|a, b| rank(b.1).cmp(&rank(a.1)).then(a.0.cmp(b.0)));
    candidates
        .into_iter()
        .take(granted as usize)
        .enumerate()
        .map(|(i, (key, g))| {
            let reverse = AlPairKey { source: key.dest, dest: key.source, ..*key };
            let back = sum.get(&reverse).copied().unwrap_or_default();
            AlMatrixTopNEntry {
                al_matrix_top_n_index: (i + 1) as u32,
                al_matrix_top_n_protocol_dir_local_index: key.nl_local_index,
                al_matrix_top_n_source_address: key.source,
                al_matrix_top_n_dest_address: key.dest,
                al_matrix_top_n_app_protocol_dir_local_index: key.al_local_index,
                al_matrix_top_n_pkt_rate: g.pkts,
                al_matrix_top_n_reverse_pkt_rate: back.pkts,
                al_matrix_top_n_octet_rate: g.octets,
                al_matrix_top_n_reverse_octet_rate: back.octets,
                al_matrix_top_n_control_index: index,
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
    use crate::rmon::protocol_dir::{AppProtocol, Directory, NetworkProtocol};
    use crate::rmon::table::TableHasher;

    const SEC: u64 = NANOS_PER_SEC;
    const IP: NetworkProtocol = NetworkProtocol { local_index: 3, host: true, matrix: true, address_map: true };
    /// The built-in directory's ether2.ip.icmp, ether2.ip.tcp and ether2.ip.tcp.www-http.
    const ICMP: AppProtocol = AppProtocol { local_index: 6, host: true, matrix: true };
    const TCP: AppProtocol = AppProtocol { local_index: 7, host: true, matrix: true };
    const WWW: AppProtocol = AppProtocol { local_index: 22, host: true, matrix: true };

    fn a(last: u8) -> NetAddr {
        NetAddr::v4([10, 0, 0, last])
    }

    /// A frame of `octets` from 10.0.0.`src` to 10.0.0.`dst` at `secs`, counted under
    /// `protocols` (the transport, then the application) as the shard would.
    fn send(t: &mut AlMatrixTable, secs: u64, src: u8, dst: u8, octets: u32, protocols: &[AppProtocol]) {
        let mut f = frame(0, mac(src), mac(dst), octets, Condition::Good);
        f.time = Timestamp(secs * SEC);
        t.count(&f, IP, a(src), a(dst), protocols);
    }

    /// (source, application, packets, reverse packets) of each entry, in rank order.
    fn ranking(report: &[AlMatrixTopNEntry]) -> Vec<(NetAddr, u32, u64, u64)> {
        report
            .iter()
            .map(|e| {
                (
                    e.al_matrix_top_n_source_address,
                    e.al_matrix_top_n_app_protocol_dir_local_index,
                    e.al_matrix_top_n_pkt_rate,
                    e.al_matrix_top_n_reverse_pkt_rate,
                )
            })
            .collect()
    }

    #[test]
    fn reports_follow_one_another_and_rank_with_the_other_way() {
        let mut t = AlMatrixTable::new(100, TableHasher::default());
        let mut w = AlMatrixTopNWindow::new(1, Timestamp(10 * SEC), 10);
        send(&mut t, 5, 1, 2, 1000, &[TCP, WWW]); // before the first report
        w.advance(Timestamp(10 * SEC), Some(&t));
        send(&mut t, 11, 1, 2, 100, &[TCP, WWW]);
        send(&mut t, 12, 2, 1, 100, &[TCP, WWW]);
        send(&mut t, 13, 2, 1, 100, &[TCP, WWW]);
        send(&mut t, 14, 3, 1, 1500, &[ICMP]);
        assert_eq!(w.next_deadline(), Timestamp(20 * SEC));
        w.advance(Timestamp(20 * SEC), Some(&t));
        assert_eq!(w.reports, 1);
        let r = merge(7, AlMatrixTopNRateBase::AllPkts, 10, &[&w], |_| true);
        assert_eq!(
            ranking(&r),
            vec![(a(2), 7, 2, 1), (a(2), 22, 2, 1), (a(1), 7, 1, 2), (a(1), 22, 1, 2), (a(3), 6, 1, 0)],
            "by packets, ties in index order, each with the reverse pair of the same protocol"
        );
        assert!(
            r.iter().all(|e| e.al_matrix_top_n_protocol_dir_local_index == 3 && e.al_matrix_top_n_control_index == 7)
        );
        let by_octets = merge(7, AlMatrixTopNRateBase::AllOctets, 1, &[&w], |_| true);
        assert_eq!(ranking(&by_octets), vec![(a(3), 6, 1, 0)]);
        assert_eq!(by_octets[0].al_matrix_top_n_octet_rate, 1500);
        // The next report started at the end of the first; a jump of three lengths gives
        // empty reports.
        send(&mut t, 21, 1, 2, 100, &[TCP]);
        w.advance(Timestamp(50 * SEC), Some(&t));
        assert_eq!((w.reports, w.result().len()), (4, 0));
        assert_eq!(w.next_deadline(), Timestamp(60 * SEC));
    }

    #[test]
    fn terminals_rank_each_packet_once_and_all_rank_every_protocol() {
        let terminals = Directory::built_in().matrix_terminals();
        let mut t = AlMatrixTable::new(100, TableHasher::default());
        let mut w = AlMatrixTopNWindow::new(1, Timestamp(0), 10);
        w.advance(Timestamp(0), Some(&t));
        // Two web requests from .1, three tcp packets to a port the directory lacks, one ping.
        send(&mut t, 1, 1, 2, 600, &[TCP, WWW]);
        send(&mut t, 2, 1, 2, 600, &[TCP, WWW]);
        for secs in 3..6 {
            send(&mut t, secs, 1, 4, 100, &[TCP]);
        }
        send(&mut t, 7, 5, 1, 98, &[ICMP]);
        w.advance(Timestamp(10 * SEC), Some(&t));
        let terminal = |k: &AlPairKey| terminals.contains(&k.al_local_index);
        let r = merge(1, AlMatrixTopNRateBase::TerminalsPkts, 10, &[&w], terminal);
        assert_eq!(ranking(&r), vec![(a(1), 22, 2, 0), (a(5), 6, 1, 0)], "tcp has www-http under it");
        let r = merge(1, AlMatrixTopNRateBase::AllPkts, 10, &[&w], |_| true);
        let protocols: Vec<_> = r
            .iter()
            .map(|e| (e.al_matrix_top_n_dest_address, e.al_matrix_top_n_app_protocol_dir_local_index))
            .collect();
        assert_eq!(protocols, vec![(a(4), 7), (a(2), 7), (a(2), 22), (a(1), 6)]);
        let r = merge(1, AlMatrixTopNRateBase::TerminalsHighCapacityOctets, 10, &[&w], terminal);
        let octets: Vec<_> = r.iter().map(|e| e.al_matrix_top_n_octet_rate).collect();
        assert_eq!(octets, vec![1200, 98]);
    }

    #[test]
    fn shards_that_ended_the_same_report_are_summed() {
        let (mut t1, mut t2) =
            (AlMatrixTable::new(10, TableHasher::default()), AlMatrixTable::new(10, TableHasher::default()));
        let (mut w1, mut w2) =
            (AlMatrixTopNWindow::new(1, Timestamp(0), 10), AlMatrixTopNWindow::new(1, Timestamp(0), 10));
        w1.advance(Timestamp(0), Some(&t1));
        w2.advance(Timestamp(0), Some(&t2));
        send(&mut t1, 1, 1, 2, 100, &[TCP, WWW]);
        send(&mut t2, 2, 1, 2, 100, &[TCP, WWW]);
        send(&mut t2, 3, 2, 1, 100, &[TCP, WWW]);
        w1.advance(Timestamp(10 * SEC), Some(&t1));
        w2.advance(Timestamp(10 * SEC), Some(&t2));
        let r = merge(1, AlMatrixTopNRateBase::TerminalsPkts, 10, &[&w1, &w2], |k| k.al_local_index == 22);
        assert_eq!(ranking(&r), vec![(a(1), 22, 2, 1), (a(2), 22, 1, 2)]);
    }

    #[test]
    fn time_remaining_counts_down_each_report() {
        let c = AlMatrixTopNControl {
            matrix_index: Some(1),
            rate_base: Some(AlMatrixTopNRateBase::TerminalsPkts),
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
