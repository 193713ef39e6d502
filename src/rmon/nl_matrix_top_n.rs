//! Network-layer conversation reports (RFC 4502 nlMatrixTopNControlTable, nlMatrixTopNTable):
//! the reports of `matrix_top_n.rs` over nlMatrix's conversations (a pair of network addresses
//! under a network protocol), and how their entries read.

use crate::rmon::matrix_top_n::{Conversations, Growth, MatrixTopNControl, MatrixTopNWindow, ranked};
use crate::rmon::nl_matrix::{NlMatrixTable, PairKey};

pub use crate::mib::rmon2::nl_matrix_top_n::{NlMatrixTopNControlEntry, NlMatrixTopNEntry, NlMatrixTopNRateBase};
pub use crate::rmon::matrix_top_n::{DEFAULT_REQUESTED_SIZE, DEFAULT_TIME_REMAINING};

/// nlMatrixTopNControlEntry.
pub type NlMatrixTopNControl = MatrixTopNControl<NlMatrixTopNRateBase>;

/// One shard's part of one nlMatrixTopNControl row's reports.
pub type NlMatrixTopNWindow = MatrixTopNWindow<PairKey>;

impl Conversations for NlMatrixTable {
    type Key = PairKey;

    fn counts(&self) -> impl Iterator<Item = (PairKey, crate::mib::time::Timestamp, Growth)> + '_ {
        self.iter().map(|(k, s)| (*k, s.created, Growth { pkts: s.pkts, octets: s.octets }))
    }
}

/// The last report of control row `index`: the growth summed over the shards that ended the
/// same report, of the conversations `admit` lets compete (those of a protocol the directory
/// still counts), ranked by the rate base (ties by the pair), at most `granted`, each with the
/// other way's growth.
pub fn merge(
    index: u16,
    rate_base: NlMatrixTopNRateBase,
    granted: u32,
    windows: &[&NlMatrixTopNWindow],
    admit: impl Fn(&PairKey) -> bool,
) -> Vec<NlMatrixTopNEntry> {
    let reverse = |k: &PairKey| PairKey { local_index: k.local_index, source: k.dest, dest: k.source };
    ranked(windows, rate_base.octets(), granted, admit, reverse)
        .into_iter()
        .enumerate()
        .map(|(i, (key, g, back))| NlMatrixTopNEntry {
            nl_matrix_top_n_index: (i + 1) as u32,
            nl_matrix_top_n_protocol_dir_local_index: key.local_index,
            nl_matrix_top_n_source_address: key.source,
            nl_matrix_top_n_dest_address: key.dest,
            nl_matrix_top_n_pkt_rate: g.pkts,
            nl_matrix_top_n_reverse_pkt_rate: back.pkts,
            nl_matrix_top_n_octet_rate: g.octets,
            nl_matrix_top_n_reverse_octet_rate: back.octets,
            nl_matrix_top_n_control_index: index,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mib::NetAddr;
    use crate::mib::time::{NANOS_PER_SEC, Timestamp};
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
        let r = merge(7, NlMatrixTopNRateBase::Pkts, 10, &[&w], |_| true);
        let got: Vec<_> = r
            .iter()
            .map(|e| (e.nl_matrix_top_n_source_address, e.nl_matrix_top_n_pkt_rate, e.nl_matrix_top_n_reverse_pkt_rate))
            .collect();
        assert_eq!(got, vec![(a(2), 2, 1), (a(1), 1, 2), (a(3), 1, 0)]);
        let by_octets = merge(7, NlMatrixTopNRateBase::Octets, 1, &[&w], |_| true);
        assert_eq!(by_octets[0].nl_matrix_top_n_source_address, a(3));
        // The next report started at the end of the first; a jump of three lengths gives
        // empty reports.
        send(&mut t, 21, 1, 2, 100);
        w.advance(Timestamp(50 * SEC), Some(&t));
        assert_eq!((w.reports, w.result().len()), (4, 0));
        assert_eq!(w.next_deadline(), Timestamp(60 * SEC));
    }
}
