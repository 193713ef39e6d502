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

use crate::mib::time::Timestamp;
use crate::rmon::al_matrix::{AlMatrixTable, AlPairKey};
use crate::rmon::matrix_top_n::{Conversations, Growth, MatrixTopNControl, MatrixTopNWindow, ranked};

pub use crate::mib::rmon2::al_matrix_top_n::{AlMatrixTopNControlEntry, AlMatrixTopNEntry, AlMatrixTopNRateBase};
pub use crate::rmon::matrix_top_n::{DEFAULT_REQUESTED_SIZE, DEFAULT_TIME_REMAINING};

/// alMatrixTopNControlEntry.
pub type AlMatrixTopNControl = MatrixTopNControl<AlMatrixTopNRateBase>;

/// One shard's part of one alMatrixTopNControl row's reports.
pub type AlMatrixTopNWindow = MatrixTopNWindow<AlPairKey>;

impl Conversations for AlMatrixTable {
    type Key = AlPairKey;

    fn counts(&self) -> impl Iterator<Item = (AlPairKey, Timestamp, Growth)> + '_ {
        self.iter().map(|(k, s)| (*k, s.created, Growth { pkts: s.pkts, octets: s.octets }))
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
    ranked_here: impl Fn(&AlPairKey) -> bool,
) -> Vec<AlMatrixTopNEntry> {
    let reverse = |k: &AlPairKey| AlPairKey { source: k.dest, dest: k.source, ..*k };
    ranked(windows, rate_base.octets(), granted, ranked_here, reverse)
        .into_iter()
        .enumerate()
        .map(|(i, (key, g, back))| AlMatrixTopNEntry {
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
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mib::NetAddr;
    use crate::mib::time::NANOS_PER_SEC;
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
}
