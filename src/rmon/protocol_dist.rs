//! Protocol distribution (RFC 4502 protocolDistStatsTable): per protocolDistControl row, the
//! good frames and octets of each protocol of the directory. A frame counts once under every
//! protocol of its stack the directory holds (ether2, ether2.ip, ether2.ip.tcp, ...).

use crate::packet::Frame;

pub use crate::mib::rmon2::protocol_dist::{ProtocolDistControlEntry, ProtocolDistStatsEntry};

/// One shard's counts for one protocolDistControl row, by protocolDirLocalIndex.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProtocolDistCounts {
    /// (packets, octets) at [local index]; grown as protocols are seen.
    counts: Vec<(u64, u64)>,
}

impl ProtocolDistCounts {
    /// Counts a good frame under each of `protocols` (local indexes).
    pub fn count(&mut self, frame: &Frame, protocols: &[u32]) {
        let octets = u64::from(frame.wire_len);
        for &local in protocols {
            let at = local as usize;
            if at >= self.counts.len() {
                self.counts.resize(at + 1, (0, 0));
            }
            let c = &mut self.counts[at];
            c.0 += 1;
            c.1 += octets;
        }
    }

    /// (local index, packets, octets) of every protocol counted, ascending.
    pub fn iter(&self) -> impl Iterator<Item = (u32, u64, u64)> + '_ {
        self.counts.iter().enumerate().filter(|(_, c)| c.0 > 0).map(|(i, c)| (i as u32, c.0, c.1))
    }
}

/// The shards' counts of one row summed: (local index, packets, octets), ascending.
pub fn merge(shards: &[&ProtocolDistCounts]) -> Vec<(u32, u64, u64)> {
    let mut sum = ProtocolDistCounts::default();
    for s in shards {
        for (local, pkts, octets) in s.iter() {
            let at = local as usize;
            if at >= sum.counts.len() {
                sum.counts.resize(at + 1, (0, 0));
            }
            sum.counts[at].0 += pkts;
            sum.counts[at].1 += octets;
        }
    }
    sum.iter().collect()
}
