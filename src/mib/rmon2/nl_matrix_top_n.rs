//! The network-layer conversation reports: nlMatrixTopNControlTable (1.3.6.1.2.1.16.15.4),
//! nlMatrixTopNTable (.15.5) and HC-RMON's nlMatrixTopNHighCapacityTable (.15.8). A report ranks
//! the conversations of one hlMatrixControl row by the packets or octets they carried over the
//! report's duration, and starts again when it ends.

use crate::mib::net_addr::NetAddr;
use crate::mib::schema::{NON_NEGATIVE, OWNER, Syntax::*};
use crate::mib::tc::{Owner, RowStatus};

const INDEX: crate::mib::schema::Syntax = Integer { min: 1, max: 65535 };

crate::mib_enum! {
    /// nlMatrixTopNControlRateBase: what the report ranks by.
    pub enum NlMatrixTopNRateBase {
        Pkts = 1 => "nlMatrixTopNPkts",
        Octets = 2 => "nlMatrixTopNOctets",
        HighCapacityPkts = 3 => "nlMatrixTopNHighCapacityPkts",
        HighCapacityOctets = 4 => "nlMatrixTopNHighCapacityOctets",
    }
    default Pkts
}

impl NlMatrixTopNRateBase {
    /// Whether the report ranks by octets (else packets).
    pub fn octets(self) -> bool {
        matches!(self, NlMatrixTopNRateBase::Octets | NlMatrixTopNRateBase::HighCapacityOctets)
    }
}

crate::mib_table! {
    /// nlMatrixTopNControlEntry as a manager reads it.
    pub struct NlMatrixTopNControlEntry;
    pub static NL_MATRIX_TOP_N_CONTROL_TABLE = "nlMatrixTopNControlTable" at [1, 3, 6, 1, 2, 1, 16, 15, 4, 1] index [nl_matrix_top_n_control_index];
    1 nl_matrix_top_n_control_index: u16 = "nlMatrixTopNControlIndex", INDEX, NotAccessible;
    2 nl_matrix_top_n_control_matrix_index: Option<u16> = "nlMatrixTopNControlMatrixIndex", INDEX, ReadCreate, frozen;
    3 nl_matrix_top_n_control_rate_base: Option<NlMatrixTopNRateBase> = "nlMatrixTopNControlRateBase", Enum(NlMatrixTopNRateBase::NAMES), ReadCreate, frozen;
    /// Seconds left in the report being collected; setting it starts a new one.
    4 nl_matrix_top_n_control_time_remaining: u32 = "nlMatrixTopNControlTimeRemaining", NON_NEGATIVE, ReadCreate;
    5 nl_matrix_top_n_control_generated_reports: u64 = "nlMatrixTopNControlGeneratedReports", Counter32, ReadOnly;
    6 nl_matrix_top_n_control_duration: u32 = "nlMatrixTopNControlDuration", NON_NEGATIVE, ReadOnly;
    7 nl_matrix_top_n_control_requested_size: u32 = "nlMatrixTopNControlRequestedSize", NON_NEGATIVE, ReadCreate;
    8 nl_matrix_top_n_control_granted_size: u32 = "nlMatrixTopNControlGrantedSize", NON_NEGATIVE, ReadOnly;
    /// sysUpTime when the report being collected started.
    9 nl_matrix_top_n_control_start_time: u64 = "nlMatrixTopNControlStartTime", TimeTicks, ReadOnly;
    10 nl_matrix_top_n_control_owner: Owner = "nlMatrixTopNControlOwner", OWNER, ReadCreate;
    11 nl_matrix_top_n_control_status: RowStatus = "nlMatrixTopNControlStatus", RowStatus, ReadCreate;
}

crate::mib_table! {
    /// nlMatrixTopNEntry, indexed by (nlMatrixTopNControlIndex, nlMatrixTopNIndex): the
    /// conversation of rank nlMatrixTopNIndex in the last report, with what it carried each way.
    pub struct NlMatrixTopNEntry;
    pub static NL_MATRIX_TOP_N_TABLE = "nlMatrixTopNTable" at [1, 3, 6, 1, 2, 1, 16, 15, 5, 1]
        index [nl_matrix_top_n_control_index = "nlMatrixTopNControlIndex", nl_matrix_top_n_index];
    1 nl_matrix_top_n_index: u32 = "nlMatrixTopNIndex", INDEX, NotAccessible;
    2 nl_matrix_top_n_protocol_dir_local_index: u32 = "nlMatrixTopNProtocolDirLocalIndex", Integer { min: 1, max: i32::MAX as i64 }, ReadOnly;
    3 nl_matrix_top_n_source_address: NetAddr = "nlMatrixTopNSourceAddress", NetAddress, ReadOnly;
    4 nl_matrix_top_n_dest_address: NetAddr = "nlMatrixTopNDestAddress", NetAddress, ReadOnly;
    /// Packets from the source to the destination during the report.
    5 nl_matrix_top_n_pkt_rate: u64 = "nlMatrixTopNPktRate", Gauge32, ReadOnly;
    6 nl_matrix_top_n_reverse_pkt_rate: u64 = "nlMatrixTopNReversePktRate", Gauge32, ReadOnly;
    7 nl_matrix_top_n_octet_rate: u64 = "nlMatrixTopNOctetRate", Gauge32, ReadOnly;
    8 nl_matrix_top_n_reverse_octet_rate: u64 = "nlMatrixTopNReverseOctetRate", Gauge32, ReadOnly;
    extra {
        nl_matrix_top_n_control_index: u16,
    }
}

crate::mib_view! {
    /// nlMatrixTopNHighCapacityTable (1.3.6.1.2.1.16.15.8), indexed like nlMatrixTopNTable: the
    /// rates whole (CounterBasedGauge64), their 32 low bits and their overflow.
    pub static NL_MATRIX_TOP_N_HIGH_CAPACITY_TABLE: NlMatrixTopNEntry = "nlMatrixTopNHighCapacityTable" at [1, 3, 6, 1, 2, 1, 16, 15, 8, 1]
        index [nl_matrix_top_n_control_index = "nlMatrixTopNControlIndex", nl_matrix_top_n_index = "nlMatrixTopNIndex"];
    1 "nlMatrixTopNHighCapacityProtocolDirLocalIndex" copy_index nl_matrix_top_n_protocol_dir_local_index;
    2 "nlMatrixTopNHighCapacitySourceAddress" copy_address nl_matrix_top_n_source_address;
    3 "nlMatrixTopNHighCapacityDestAddress" copy_address nl_matrix_top_n_dest_address;
    4 "nlMatrixTopNHighCapacityBasePktRate" low nl_matrix_top_n_pkt_rate;
    5 "nlMatrixTopNHighCapacityOverflowPktRate" gauge_overflow nl_matrix_top_n_pkt_rate;
    6 "nlMatrixTopNHighCapacityPktRate" gauge nl_matrix_top_n_pkt_rate;
    7 "nlMatrixTopNHighCapacityReverseBasePktRate" low nl_matrix_top_n_reverse_pkt_rate;
    8 "nlMatrixTopNHighCapacityReverseOverflowPktRate" gauge_overflow nl_matrix_top_n_reverse_pkt_rate;
    9 "nlMatrixTopNHighCapacityReversePktRate" gauge nl_matrix_top_n_reverse_pkt_rate;
    10 "nlMatrixTopNHighCapacityBaseOctetRate" low nl_matrix_top_n_octet_rate;
    11 "nlMatrixTopNHighCapacityOverflowOctetRate" gauge_overflow nl_matrix_top_n_octet_rate;
    12 "nlMatrixTopNHighCapacityOctetRate" gauge nl_matrix_top_n_octet_rate;
    13 "nlMatrixTopNHighCapacityReverseBaseOctetRate" low nl_matrix_top_n_reverse_octet_rate;
    14 "nlMatrixTopNHighCapacityReverseOverflowOctetRate" gauge_overflow nl_matrix_top_n_reverse_octet_rate;
    15 "nlMatrixTopNHighCapacityReverseOctetRate" gauge nl_matrix_top_n_reverse_octet_rate;
}
