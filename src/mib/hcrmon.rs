//! HC-RMON-MIB (RFC 3273): the 64-bit tables of the RMON-1 groups the probe has.
//!
//! Each is a view over the rows of its RMON-1 table: the probe counts in 64 bits everywhere, so
//! the Counter64 column is the exact count the Counter32 column wraps, and the Overflow column
//! is that count divided by 2^32. A manager that reads both has
//! `Counter64 = Overflow * 2^32 + Counter32` at any instant.
//!
//! mediaIndependentTable, the one HC-RMON table with counting of its own, is in
//! `media_independent.rs` beside this file.

use crate::mib::rmon1::capture::CaptureBufferEntry;
use crate::mib::rmon1::history::EtherHistoryEntry;
use crate::mib::rmon1::hosts::{HostEntry, HostTimeEntry};
use crate::mib::rmon1::matrix::{MatrixDsEntry, MatrixSdEntry};
use crate::mib::rmon1::statistics::EtherStatsEntry;
use crate::mib::rmon1::topn::HostTopNEntry;
use crate::mib::schema::{Access, Cell, Column, IndexPart, Syntax, Table};

crate::mib_view! {
    /// etherStatsHighCapacityTable (1.3.6.1.2.1.16.1.7), indexed by etherStatsIndex.
    pub static ETHER_STATS_HIGH_CAPACITY_TABLE: EtherStatsEntry = "etherStatsHighCapacityTable" at [1, 3, 6, 1, 2, 1, 16, 1, 7, 1] index [ether_stats_index = "etherStatsIndex"];
    1 "etherStatsHighCapacityOverflowPkts" overflow ether_stats_pkts;
    2 "etherStatsHighCapacityPkts" count ether_stats_pkts;
    3 "etherStatsHighCapacityOverflowOctets" overflow ether_stats_octets;
    4 "etherStatsHighCapacityOctets" count ether_stats_octets;
    5 "etherStatsHighCapacityOverflowPkts64Octets" overflow ether_stats_pkts_64_octets;
    6 "etherStatsHighCapacityPkts64Octets" count ether_stats_pkts_64_octets;
    7 "etherStatsHighCapacityOverflowPkts65to127Octets" overflow ether_stats_pkts_65_to_127_octets;
    8 "etherStatsHighCapacityPkts65to127Octets" count ether_stats_pkts_65_to_127_octets;
    9 "etherStatsHighCapacityOverflowPkts128to255Octets" overflow ether_stats_pkts_128_to_255_octets;
    10 "etherStatsHighCapacityPkts128to255Octets" count ether_stats_pkts_128_to_255_octets;
    11 "etherStatsHighCapacityOverflowPkts256to511Octets" overflow ether_stats_pkts_256_to_511_octets;
    12 "etherStatsHighCapacityPkts256to511Octets" count ether_stats_pkts_256_to_511_octets;
    13 "etherStatsHighCapacityOverflowPkts512to1023Octets" overflow ether_stats_pkts_512_to_1023_octets;
    14 "etherStatsHighCapacityPkts512to1023Octets" count ether_stats_pkts_512_to_1023_octets;
    15 "etherStatsHighCapacityOverflowPkts1024to1518Octets" overflow ether_stats_pkts_1024_to_1518_octets;
    16 "etherStatsHighCapacityPkts1024to1518Octets" count ether_stats_pkts_1024_to_1518_octets;
}

crate::mib_view! {
    /// etherHistoryHighCapacityTable (1.3.6.1.2.1.16.2.6): a bucket's packets and octets whole
    /// (Gauge32 overflow, CounterBasedGauge64).
    pub static ETHER_HISTORY_HIGH_CAPACITY_TABLE: EtherHistoryEntry = "etherHistoryHighCapacityTable" at [1, 3, 6, 1, 2, 1, 16, 2, 6, 1] index [ether_history_index = "etherHistoryIndex", ether_history_sample_index = "etherHistorySampleIndex"];
    1 "etherHistoryHighCapacityOverflowPkts" gauge_overflow ether_history_pkts;
    2 "etherHistoryHighCapacityPkts" gauge ether_history_pkts;
    3 "etherHistoryHighCapacityOverflowOctets" gauge_overflow ether_history_octets;
    4 "etherHistoryHighCapacityOctets" gauge ether_history_octets;
}

crate::mib_view! {
    /// hostHighCapacityTable (1.3.6.1.2.1.16.4.5), indexed like hostTable.
    pub static HOST_HIGH_CAPACITY_TABLE: HostEntry = "hostHighCapacityTable" at [1, 3, 6, 1, 2, 1, 16, 4, 5, 1] index [host_index = "hostIndex", host_address = "hostAddress"];
    1 "hostHighCapacityInOverflowPkts" overflow host_in_pkts;
    2 "hostHighCapacityInPkts" count host_in_pkts;
    3 "hostHighCapacityOutOverflowPkts" overflow host_out_pkts;
    4 "hostHighCapacityOutPkts" count host_out_pkts;
    5 "hostHighCapacityInOverflowOctets" overflow host_in_octets;
    6 "hostHighCapacityInOctets" count host_in_octets;
    7 "hostHighCapacityOutOverflowOctets" overflow host_out_octets;
    8 "hostHighCapacityOutOctets" count host_out_octets;
}

crate::mib_view! {
    /// hostTimeHighCapacityTable (1.3.6.1.2.1.16.4.6), indexed like hostTimeTable.
    pub static HOST_TIME_HIGH_CAPACITY_TABLE: HostTimeEntry = "hostTimeHighCapacityTable" at [1, 3, 6, 1, 2, 1, 16, 4, 6, 1] index [host_time_index = "hostTimeIndex", host_time_creation_order = "hostTimeCreationOrder"];
    1 "hostTimeHighCapacityInOverflowPkts" overflow host_time_in_pkts;
    2 "hostTimeHighCapacityInPkts" count host_time_in_pkts;
    3 "hostTimeHighCapacityOutOverflowPkts" overflow host_time_out_pkts;
    4 "hostTimeHighCapacityOutPkts" count host_time_out_pkts;
    5 "hostTimeHighCapacityInOverflowOctets" overflow host_time_in_octets;
    6 "hostTimeHighCapacityInOctets" count host_time_in_octets;
    7 "hostTimeHighCapacityOutOverflowOctets" overflow host_time_out_octets;
    8 "hostTimeHighCapacityOutOctets" count host_time_out_octets;
}

crate::mib_view! {
    /// hostTopNHighCapacityTable (1.3.6.1.2.1.16.5.3): a report's rates whole.
    pub static HOST_TOP_N_HIGH_CAPACITY_TABLE: HostTopNEntry = "hostTopNHighCapacityTable" at [1, 3, 6, 1, 2, 1, 16, 5, 3, 1] index [host_top_n_report = "hostTopNReport", host_top_n_index = "hostTopNIndex"];
    1 "hostTopNHighCapacityAddress" same host_top_n_address;
    2 "hostTopNHighCapacityBaseRate" low host_top_n_rate;
    3 "hostTopNHighCapacityOverflowRate" gauge_overflow host_top_n_rate;
    4 "hostTopNHighCapacityRate" gauge host_top_n_rate;
}

crate::mib_view! {
    /// matrixSDHighCapacityTable (1.3.6.1.2.1.16.6.5), indexed like matrixSDTable.
    pub static MATRIX_SD_HIGH_CAPACITY_TABLE: MatrixSdEntry = "matrixSDHighCapacityTable" at [1, 3, 6, 1, 2, 1, 16, 6, 5, 1] index [index = "matrixSDIndex", source_address = "matrixSDSourceAddress", dest_address = "matrixSDDestAddress"];
    1 "matrixSDHighCapacityOverflowPkts" overflow pkts;
    2 "matrixSDHighCapacityPkts" count pkts;
    3 "matrixSDHighCapacityOverflowOctets" overflow octets;
    4 "matrixSDHighCapacityOctets" count octets;
}

crate::mib_view! {
    /// matrixDSHighCapacityTable (1.3.6.1.2.1.16.6.6), indexed like matrixDSTable.
    pub static MATRIX_DS_HIGH_CAPACITY_TABLE: MatrixDsEntry = "matrixDSHighCapacityTable" at [1, 3, 6, 1, 2, 1, 16, 6, 6, 1] index [index = "matrixDSIndex", dest_address = "matrixDSDestAddress", source_address = "matrixDSSourceAddress"];
    1 "matrixDSHighCapacityOverflowPkts" overflow pkts;
    2 "matrixDSHighCapacityPkts" count pkts;
    3 "matrixDSHighCapacityOverflowOctets" overflow octets;
    4 "matrixDSHighCapacityOctets" count octets;
}

/// captureBufferHighCapacityTable (1.3.6.1.2.1.16.8.3): the part of a stored frame's time that
/// captureBufferPacketTime's milliseconds leave out, in nanoseconds (0..999999).
pub static CAPTURE_BUFFER_HIGH_CAPACITY_TABLE: Table<CaptureBufferEntry> = Table {
    name: "captureBufferHighCapacityTable",
    entry: &[1, 3, 6, 1, 2, 1, 16, 8, 3, 1],
    index: &[
        IndexPart {
            name: "captureBufferControlIndex",
            field: "capture_buffer_control_index",
            read: |e: &CaptureBufferEntry| Cell::Uint(u64::from(e.capture_buffer_control_index)),
            parse: |e: &mut CaptureBufferEntry, ids: &mut &[u32]| {
                e.capture_buffer_control_index = crate::mib::schema::Field::from_index(ids)?;
                Some(())
            },
        },
        IndexPart {
            name: "captureBufferIndex",
            field: "capture_buffer_index",
            read: |e: &CaptureBufferEntry| Cell::Uint(u64::from(e.capture_buffer_index)),
            parse: |e: &mut CaptureBufferEntry, ids: &mut &[u32]| {
                e.capture_buffer_index = crate::mib::schema::Field::from_index(ids)?;
                Some(())
            },
        },
    ],
    columns: &[Column {
        number: 1,
        name: "captureBufferPacketHighCapacityTime",
        field: "",
        syntax: Syntax::Integer { min: 0, max: 999_999 },
        access: Access::ReadOnly,
        frozen: false,
        read: |e: &CaptureBufferEntry| Cell::Uint(u64::from(e.capture_buffer_packet_nanos)),
        write: Some(|e: &mut CaptureBufferEntry, v: &crate::mib::Value| {
            if let Some(n) = crate::mib::schema::Field::from_value(v) {
                e.capture_buffer_packet_nanos = n;
            }
        }),
    }],
    view: true,
    time_filter: None,
};
