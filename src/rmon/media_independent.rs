//! HC-RMON's mediaIndependentTable (RFC 3273): per data source, what any medium counts.
//!
//! A row counts like an etherStats row, from the same running [`EtherStatsCounters`] of its
//! data source in each shard, since the row became active; nothing is added to the per-frame
//! work. The probe receives on a mirror and never sends on its data source, which the MIB
//! calls a half-duplex link: every frame is In (InPkts = etherStatsPkts, InOctets =
//! etherStatsOctets, InNUCastPkts = broadcast + multicast, InErrors = every bad frame of
//! etherStats: CRC/alignment errors, undersize, oversize, fragments and jabbers), the Out
//! columns stay 0, and the duplex mode never changes. The probe sheds no load per row, so
//! mediaIndependentDroppedFrames is 0; its drops are mediaIndependentDropEvents, as in
//! etherStats.

use crate::mib::tc::RowStatus;
use crate::mib::time::Timestamp;
use crate::rmon::control::{DataSource, EntryStatus, Owner};
use crate::rmon::statistics::EtherStatsCounters;

pub use crate::mib::media_independent::{DuplexMode, MediaIndependentEntry};

/// A mediaIndependent control row: what a manager sets.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MediaIndependentControl {
    pub data_source: DataSource,
    pub owner: Owner,
    /// Valid: active; under creation: notInService or notReady (see [`MediaIndependentEntry::new`]).
    pub status: EntryStatus,
    /// When the row last became valid (RMON2's LastCreateTime: etherStatsCreateTime and the like).
    pub created: Timestamp,
}

impl MediaIndependentEntry {
    /// The row `index` with `counters` counted since it became active, on an interface of
    /// `if_speed` bits per second.
    pub fn new(index: u16, row: &MediaIndependentControl, c: &EtherStatsCounters, if_speed: u64) -> Self {
        let status = match row.status {
            EntryStatus::Valid => RowStatus::Active,
            _ if row.data_source.is_unset() => RowStatus::NotReady,
            _ => RowStatus::NotInService,
        };
        MediaIndependentEntry {
            media_independent_index: index,
            media_independent_data_source: row.data_source,
            media_independent_drop_events: c.drop_events,
            media_independent_dropped_frames: 0,
            media_independent_in_pkts: c.pkts,
            media_independent_out_pkts: 0,
            media_independent_in_octets: c.octets,
            media_independent_out_octets: 0,
            media_independent_in_nucast_pkts: c.broadcast_pkts + c.multicast_pkts,
            media_independent_out_nucast_pkts: 0,
            media_independent_in_errors: c.crc_align_errors
                + c.undersize_pkts
                + c.oversize_pkts
                + c.fragments
                + c.jabbers,
            media_independent_out_errors: 0,
            media_independent_input_speed: if_speed / 1000,
            media_independent_output_speed: 0,
            media_independent_duplex_mode: DuplexMode::HalfDuplex,
            media_independent_duplex_changes: 0,
            media_independent_duplex_last_change: 0,
            media_independent_owner: row.owner.clone(),
            media_independent_status: status,
        }
    }
}
