//! RMON2's additions to the RMON-1 control tables (RFC 4502 section 5, "RMON-1 additions"):
//! etherStats2Table, historyControl2Table, hostControl2Table and matrixControl2Table, each
//! AUGMENTS its RMON-1 table with DroppedFrames (0: the probe sheds no frame for a row) and,
//! where the MIB has one, CreateTime (sysUpTime when the row last became valid). Views over the
//! RMON-1 rows, like HC-RMON's.

use crate::mib::rmon1::history::HistoryControlEntry;
use crate::mib::rmon1::hosts::HostControlEntry;
use crate::mib::rmon1::matrix::MatrixControlEntry;
use crate::mib::rmon1::statistics::EtherStatsEntry;

crate::mib_view! {
    /// etherStats2Table (1.3.6.1.2.1.16.1.4), indexed like etherStatsTable.
    pub static ETHER_STATS_2_TABLE: EtherStatsEntry = "etherStats2Table" at [1, 3, 6, 1, 2, 1, 16, 1, 4, 1] index [ether_stats_index = "etherStatsIndex"];
    1 "etherStatsDroppedFrames" none_dropped ether_stats_index;
    2 "etherStatsCreateTime" ticks ether_stats_create_time;
}

crate::mib_view! {
    /// historyControl2Table (1.3.6.1.2.1.16.2.5), indexed like historyControlTable.
    pub static HISTORY_CONTROL_2_TABLE: HistoryControlEntry = "historyControl2Table" at [1, 3, 6, 1, 2, 1, 16, 2, 5, 1] index [history_control_index = "historyControlIndex"];
    1 "historyControlDroppedFrames" none_dropped history_control_index;
}

crate::mib_view! {
    /// hostControl2Table (1.3.6.1.2.1.16.4.4), indexed like hostControlTable.
    pub static HOST_CONTROL_2_TABLE: HostControlEntry = "hostControl2Table" at [1, 3, 6, 1, 2, 1, 16, 4, 4, 1] index [host_control_index = "hostControlIndex"];
    1 "hostControlDroppedFrames" none_dropped host_control_index;
    2 "hostControlCreateTime" ticks host_control_create_time;
}

crate::mib_view! {
    /// matrixControl2Table (1.3.6.1.2.1.16.6.4), indexed like matrixControlTable.
    pub static MATRIX_CONTROL_2_TABLE: MatrixControlEntry = "matrixControl2Table" at [1, 3, 6, 1, 2, 1, 16, 6, 4, 1] index [matrix_control_index = "matrixControlIndex"];
    1 "matrixControlDroppedFrames" none_dropped matrix_control_index;
    2 "matrixControlCreateTime" ticks matrix_control_create_time;
}
