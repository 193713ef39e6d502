//! The hostTopN group: hostTopNControlTable and hostTopNTable (RFC 2819, section 5.5).
//!
//! A report ranks the hosts of one host table by how much one of their counters (the rate base)
//! grew over the report's duration. Each shard notes the counters of its hosts when the report
//! starts and takes the differences when it ends, both on the probe's clock; the read sums the
//! shards' differences per host and ranks them. The report is one-shot: it appears when
//! hostTopNTimeRemaining reaches 0 and stays until the next one is started.

use std::collections::HashMap;

use crate::mib::time::{NANOS_PER_SEC, Timestamp};
use crate::packet::MacAddr;
use crate::rmon::control::{EntryStatus, Owner};
use crate::rmon::hosts::{FirstSeen, HostCounters, HostTable};

pub use crate::mib::rmon1::topn::{HostTopNControlEntry, HostTopNEntry, RateBase};

impl RateBase {
    /// The counter this rate base selects.
    pub fn of(self, c: &HostCounters) -> u64 {
        match self {
            RateBase::InPkts => c.in_pkts,
            RateBase::OutPkts => c.out_pkts,
            RateBase::InOctets => c.in_octets,
            RateBase::OutOctets => c.out_octets,
            RateBase::OutErrors => c.out_errors,
            RateBase::OutBroadcastPkts => c.out_broadcast_pkts,
            RateBase::OutMulticastPkts => c.out_multicast_pkts,
        }
    }
}

/// hostTopNControlEntry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HostTopNControl {
    /// hostControlIndex of the host table the report ranks; None until a manager sets it on a
    /// row it created (the MIB has no default).
    pub host_index: Option<u16>,
    /// None until set, as `host_index`.
    pub rate_base: Option<RateBase>,
    /// hostTopNDuration: seconds of the current or last report (0: none requested yet). On a
    /// row that is not valid: the report that starts when the row becomes valid.
    pub duration: u32,
    pub requested_size: u32,
    pub granted_size: u32,
    /// When the current or last report started (hostTopNStartTime); None before the first, and
    /// while the row is not valid (no report runs then).
    pub start_time: Option<Timestamp>,
    pub owner: Owner,
    pub status: EntryStatus,
}

impl HostTopNControl {
    /// hostTopNTimeRemaining at `now`: seconds left in the running report, 0 when none runs. A
    /// row that is not valid runs no report and shows the duration of the one it will start
    /// when it becomes valid, so that a manager reads back what it set.
    pub fn time_remaining(&self, now: Timestamp) -> u32 {
        if self.status != EntryStatus::Valid {
            return self.duration;
        }
        let Some(start) = self.start_time else {
            return 0;
        };
        let elapsed = now.since(start) / NANOS_PER_SEC;
        u64::from(self.duration).saturating_sub(elapsed) as u32
    }
}

/// One shard's part of one report.
#[derive(Clone, Debug)]
pub struct TopNWindow {
    /// hostControlIndex of the ranked table.
    pub host_index: u16,
    pub rate_base: RateBase,
    pub start: Timestamp,
    pub end: Timestamp,
    /// The rate base of every host when the report started, with the host's first appearance
    /// so that a host deleted and learned again during the report is not compared with its
    /// former self.
    baseline: Option<HashMap<MacAddr, (FirstSeen, u64)>>,
    /// Growth per host, once the report has ended.
    result: Option<Vec<(MacAddr, u64)>>,
}

impl TopNWindow {
    pub fn new(host_index: u16, rate_base: RateBase, start: Timestamp, duration_secs: u32) -> Self {
        TopNWindow {
            host_index,
            rate_base,
            start,
            end: start.plus_secs(u64::from(duration_secs)),
            baseline: None,
            result: None,
        }
    }

    /// The next instant this window has something to do, if any.
    pub fn next_deadline(&self) -> Option<Timestamp> {
        match (&self.baseline, &self.result) {
            (_, Some(_)) => None,
            (None, None) => Some(self.start),
            (Some(_), None) => Some(self.end),
        }
    }

    /// Takes the baseline and the result as `now` passes the start and the end. `table` is the
    /// ranked host table as it stands at `now` (None if this shard has no such table).
    pub fn advance(&mut self, now: Timestamp, table: Option<&HostTable>) {
        if self.result.is_some() {
            return;
        }
        if self.baseline.is_none() && now >= self.start {
            let baseline = table
                .map(|t| {
                    t.hosts
                        .iter()
                        .map(|(address, state)| (*address, (state.first_seen, self.rate_base.of(&state.counters))))
                        .collect()
                })
                .unwrap_or_default();
            self.baseline = Some(baseline);
        }
        if let Some(baseline) = &self.baseline
            && now >= self.end
        {
            let growth = table
                .map(|t| {
                    t.hosts
                        .iter()
                        .filter_map(|(address, state)| {
                            let value = self.rate_base.of(&state.counters);
                            let before = match baseline.get(address) {
                                Some((seen, v)) if *seen == state.first_seen => *v,
                                _ => 0,
                            };
                            let grew = value.saturating_sub(before);
                            (grew > 0).then_some((*address, grew))
                        })
                        .collect()
                })
                .unwrap_or_default();
            self.result = Some(growth);
            self.baseline = None;
        }
    }

    /// Growth per host, once the report has ended in this shard.
    pub fn result(&self) -> Option<&[(MacAddr, u64)]> {
        self.result.as_deref()
    }
}

/// The report of control row `index`, once every shard has ended it: growth summed per host,
/// highest first (ties by address), at most `granted` hosts; hosts that did not grow are left
/// out.
pub fn merge(index: u16, granted: u32, windows: &[&TopNWindow]) -> Vec<HostTopNEntry> {
    let mut sum: HashMap<MacAddr, u64> = HashMap::new();
    for window in windows {
        let Some(result) = window.result() else {
            return Vec::new();
        };
        for (address, grew) in result {
            *sum.entry(*address).or_default() += grew;
        }
    }
    let mut ranked: Vec<(MacAddr, u64)> = sum.into_iter().collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    ranked
        .into_iter()
        .take(granted as usize)
        .enumerate()
        .map(|(i, (address, rate))| HostTopNEntry {
            host_top_n_report: index,
            host_top_n_index: (i + 1) as u32,
            host_top_n_address: address,
            host_top_n_rate: rate,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::packet::Condition;
    use crate::rmon::hosts::tests::{frame, mac};

    const SEC: u64 = NANOS_PER_SEC;

    fn send(t: &mut HostTable, seq: u64, src: u8, dst: u8, octets: u32) {
        t.count(&frame(seq, mac(src), mac(dst), octets, Condition::Good));
    }

    #[test]
    fn ranks_by_growth_over_the_window_only() {
        let mut t = HostTable::new(100);
        // Before the report: host 1 sends a lot.
        send(&mut t, 0, 1, 2, 1500);
        send(&mut t, 1, 1, 2, 1500);
        let mut w = TopNWindow::new(1, RateBase::OutOctets, Timestamp(10 * SEC), 20);
        assert_eq!(w.next_deadline(), Some(Timestamp(10 * SEC)));
        w.advance(Timestamp(10 * SEC), Some(&t));
        assert_eq!(w.next_deadline(), Some(Timestamp(30 * SEC)));
        // During: host 3 sends most, host 1 a little, host 2 nothing.
        send(&mut t, 2, 3, 2, 1000);
        send(&mut t, 3, 3, 1, 1000);
        send(&mut t, 4, 1, 3, 100);
        w.advance(Timestamp(29 * SEC), Some(&t));
        assert!(w.result().is_none(), "the report is not visible before it ends");
        w.advance(Timestamp(30 * SEC), Some(&t));
        // After the end nothing changes the report.
        send(&mut t, 5, 2, 1, 9000);
        w.advance(Timestamp(40 * SEC), Some(&t));
        let report = merge(7, 10, &[&w]);
        let got: Vec<_> =
            report.iter().map(|e| (e.host_top_n_index, e.host_top_n_address, e.host_top_n_rate)).collect();
        assert_eq!(got, vec![(1, mac(3), 2000), (2, mac(1), 100)]);
        assert!(report.iter().all(|e| e.host_top_n_report == 7));
        assert_eq!(w.next_deadline(), None);
    }

    #[test]
    fn granted_size_limits_and_ties_break_by_address() {
        let mut t = HostTable::new(100);
        let mut w = TopNWindow::new(1, RateBase::OutPkts, Timestamp(0), 10);
        w.advance(Timestamp(0), Some(&t));
        for (seq, src) in [5u8, 4, 3, 9].iter().enumerate() {
            send(&mut t, seq as u64, *src, 1, 64);
        }
        send(&mut t, 10, 9, 1, 64);
        w.advance(Timestamp(10 * SEC), Some(&t));
        let got: Vec<_> = merge(1, 3, &[&w]).iter().map(|e| e.host_top_n_address).collect();
        assert_eq!(got, vec![mac(9), mac(3), mac(4)]);
    }

    #[test]
    fn a_host_learned_again_during_the_report_starts_from_zero() {
        // A table of one host: host 1 has sent 200 octets when the report starts.
        let mut t = HostTable::new(1);
        send(&mut t, 0, 1, 1, 100);
        send(&mut t, 1, 1, 1, 100);
        let mut w = TopNWindow::new(1, RateBase::OutOctets, Timestamp(0), 10);
        w.advance(Timestamp(0), Some(&t));
        // Host 3 pushes host 1 out; host 1 comes back with 50 octets: its rate is 50, not
        // 50 - 200.
        send(&mut t, 2, 3, 3, 70);
        send(&mut t, 3, 1, 1, 50);
        w.advance(Timestamp(10 * SEC), Some(&t));
        let got: Vec<_> = merge(1, 10, &[&w]).iter().map(|e| (e.host_top_n_address, e.host_top_n_rate)).collect();
        assert_eq!(got, vec![(mac(1), 50)]);
    }

    #[test]
    fn merge_waits_for_every_shard_and_sums() {
        let mut a = HostTable::new(10);
        let mut b = HostTable::new(10);
        let mut wa = TopNWindow::new(1, RateBase::InPkts, Timestamp(0), 5);
        let mut wb = wa.clone();
        wa.advance(Timestamp(0), Some(&a));
        wb.advance(Timestamp(0), Some(&b));
        send(&mut a, 0, 1, 2, 64);
        send(&mut b, 1, 3, 2, 64);
        send(&mut b, 2, 2, 3, 64);
        wa.advance(Timestamp(5 * SEC), Some(&a));
        assert!(merge(1, 10, &[&wa, &wb]).is_empty());
        wb.advance(Timestamp(6 * SEC), Some(&b));
        let got: Vec<_> = merge(1, 10, &[&wa, &wb]).iter().map(|e| (e.host_top_n_address, e.host_top_n_rate)).collect();
        assert_eq!(got, vec![(mac(2), 2), (mac(3), 1)]);
    }

    #[test]
    fn time_remaining_counts_down_to_zero() {
        let mut c = HostTopNControl {
            host_index: Some(1),
            rate_base: Some(RateBase::OutOctets),
            duration: 60,
            requested_size: 10,
            granted_size: 10,
            start_time: Some(Timestamp(100 * SEC)),
            owner: Owner::monitor(),
            status: EntryStatus::Valid,
        };
        assert_eq!(c.time_remaining(Timestamp(100 * SEC)), 60);
        assert_eq!(c.time_remaining(Timestamp(100 * SEC + SEC / 2)), 60);
        assert_eq!(c.time_remaining(Timestamp(101 * SEC)), 59);
        assert_eq!(c.time_remaining(Timestamp(160 * SEC)), 0);
        assert_eq!(c.time_remaining(Timestamp(1000 * SEC)), 0);
        c.status = EntryStatus::UnderCreation;
        c.start_time = None;
        assert_eq!(c.time_remaining(Timestamp(1000 * SEC)), 60, "the report to run once valid");
        assert_eq!(RateBase::from_value(4), Some(RateBase::OutOctets));
        assert_eq!(RateBase::from_value(8), None);
    }
}
