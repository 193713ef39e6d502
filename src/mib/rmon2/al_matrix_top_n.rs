//! The application-layer conversation reports: alMatrixTopNControlTable (1.3.6.1.2.1.16.17.3),
//! alMatrixTopNTable (.17.4) and HC-RMON's alMatrixTopNHighCapacityTable (.17.7). A report ranks
//! the alMatrix entries of one hlMatrixControl row (a pair of network addresses under one
//! protocol above the network layer) by the packets or octets they carried over the report's
//! duration, and starts again when it ends.

use crate::mib::net_addr::NetAddr;
use crate::mib::schema::{NON_NEGATIVE, OWNER, Syntax::*};
use crate::mib::tc::{Owner, RowStatus};

const INDEX: crate::mib::schema::Syntax = Integer { min: 1, max: 65535 };
const LOCAL_INDEX: crate::mib::schema::Syntax = Integer { min: 1, max: i32::MAX as i64 };

crate::mib_enum! {
    /// alMatrixTopNControlRateBase: what the report ranks by, and which entries compete: the
    /// terminals' (protocols with no child protocol that alMatrix counts) or all of them.
    pub enum AlMatrixTopNRateBase {
        TerminalsPkts = 1 => "alMatrixTopNTerminalsPkts",
        TerminalsOctets = 2 => "alMatrixTopNTerminalsOctets",
        AllPkts = 3 => "alMatrixTopNAllPkts",
        AllOctets = 4 => "alMatrixTopNAllOctets",
        TerminalsHighCapacityPkts = 5 => "alMatrixTopNTerminalsHighCapacityPkts",
        TerminalsHighCapacityOctets = 6 => "alMatrixTopNTerminalsHighCapacityOctets",
        AllHighCapacityPkts = 7 => "alMatrixTopNAllHighCapacityPkts",
        AllHighCapacityOctets = 8 => "alMatrixTopNAllHighCapacityOctets",
    }
    default TerminalsPkts
}

impl AlMatrixTopNRateBase {
    /// Whether the report ranks by octets (else packets).
    pub fn octets(self) -> bool {
        use AlMatrixTopNRateBase::*;
        matches!(self, TerminalsOctets | AllOctets | TerminalsHighCapacityOctets | AllHighCapacityOctets)
    }

    /// Whether only the terminal protocols' entries are ranked (else every entry).
    pub fn terminals(self) -> bool {
        use AlMatrixTopNRateBase::*;
        matches!(self, TerminalsPkts | TerminalsOctets | TerminalsHighCapacityPkts | TerminalsHighCapacityOctets)
    }
}

crate::mib_table! {
    /// alMatrixTopNControlEntry as a manager reads it.
    pub struct AlMatrixTopNControlEntry;
    pub static AL_MATRIX_TOP_N_CONTROL_TABLE = "alMatrixTopNControlTable" at [1, 3, 6, 1, 2, 1, 16, 17, 3, 1] index [al_matrix_top_n_control_index];
    1 al_matrix_top_n_control_index: u16 = "alMatrixTopNControlIndex", INDEX, NotAccessible;
    2 al_matrix_top_n_control_matrix_index: Option<u16> = "alMatrixTopNControlMatrixIndex", INDEX, ReadCreate, frozen;
    3 al_matrix_top_n_control_rate_base: Option<AlMatrixTopNRateBase> = "alMatrixTopNControlRateBase", Enum(AlMatrixTopNRateBase::NAMES), ReadCreate, frozen;
    /// Seconds left in the report being collected; setting it starts a new one.
    4 al_matrix_top_n_control_time_remaining: u32 = "alMatrixTopNControlTimeRemaining", NON_NEGATIVE, ReadCreate;
    5 al_matrix_top_n_control_generated_reports: u64 = "alMatrixTopNControlGeneratedReports", Counter32, ReadOnly;
    6 al_matrix_top_n_control_duration: u32 = "alMatrixTopNControlDuration", NON_NEGATIVE, ReadOnly;
    7 al_matrix_top_n_control_requested_size: u32 = "alMatrixTopNControlRequestedSize", NON_NEGATIVE, ReadCreate;
    8 al_matrix_top_n_control_granted_size: u32 = "alMatrixTopNControlGrantedSize", NON_NEGATIVE, ReadOnly;
    /// sysUpTime when the report being collected started.
    9 al_matrix_top_n_control_start_time: u64 = "alMatrixTopNControlStartTime", TimeTicks, ReadOnly;
    10 al_matrix_top_n_control_owner: Owner = "alMatrixTopNControlOwner", OWNER, ReadCreate;
    11 al_matrix_top_n_control_status: RowStatus = "alMatrixTopNControlStatus", RowStatus, ReadCreate;
}

crate::mib_table! {
    /// alMatrixTopNEntry, indexed by (alMatrixTopNControlIndex, alMatrixTopNIndex): the
    /// application-layer conversation of rank alMatrixTopNIndex in the last report, with what it
    /// carried each way.
    pub struct AlMatrixTopNEntry;
    pub static AL_MATRIX_TOP_N_TABLE = "alMatrixTopNTable" at [1, 3, 6, 1, 2, 1, 16, 17, 4, 1]
        index [al_matrix_top_n_control_index = "alMatrixTopNControlIndex", al_matrix_top_n_index];
    1 al_matrix_top_n_index: u32 = "alMatrixTopNIndex", INDEX, NotAccessible;
    /// The network layer's protocolDirLocalIndex (ether2.ip, ether2.ipv6).
    2 al_matrix_top_n_protocol_dir_local_index: u32 = "alMatrixTopNProtocolDirLocalIndex", LOCAL_INDEX, ReadOnly;
    3 al_matrix_top_n_source_address: NetAddr = "alMatrixTopNSourceAddress", NetAddress, ReadOnly;
    4 al_matrix_top_n_dest_address: NetAddr = "alMatrixTopNDestAddress", NetAddress, ReadOnly;
    /// The protocol above the network layer the entry counts (a transport or an application).
    5 al_matrix_top_n_app_protocol_dir_local_index: u32 = "alMatrixTopNAppProtocolDirLocalIndex", LOCAL_INDEX, ReadOnly;
    /// Packets of the protocol from the source to the destination during the report.
    6 al_matrix_top_n_pkt_rate: u64 = "alMatrixTopNPktRate", Gauge32, ReadOnly;
    7 al_matrix_top_n_reverse_pkt_rate: u64 = "alMatrixTopNReversePktRate", Gauge32, ReadOnly;
    8 al_matrix_top_n_octet_rate: u64 = "alMatrixTopNOctetRate", Gauge32, ReadOnly;
    9 al_matrix_top_n_reverse_octet_rate: u64 = "alMatrixTopNReverseOctetRate", Gauge32, ReadOnly;
    extra {
        al_matrix_top_n_control_index: u16,
    }
}

crate::mib_view! {
    /// alMatrixTopNHighCapacityTable (1.3.6.1.2.1.16.17.7), indexed like alMatrixTopNTable: the
    /// rates whole (CounterBasedGauge64), their 32 low bits and their overflow.
    pub static AL_MATRIX_TOP_N_HIGH_CAPACITY_TABLE: AlMatrixTopNEntry = "alMatrixTopNHighCapacityTable" at [1, 3, 6, 1, 2, 1, 16, 17, 7, 1]
        index [al_matrix_top_n_control_index = "alMatrixTopNControlIndex", al_matrix_top_n_index = "alMatrixTopNIndex"];
    1 "alMatrixTopNHighCapacityProtocolDirLocalIndex" copy_index al_matrix_top_n_protocol_dir_local_index;
    2 "alMatrixTopNHighCapacitySourceAddress" copy_address al_matrix_top_n_source_address;
    3 "alMatrixTopNHighCapacityDestAddress" copy_address al_matrix_top_n_dest_address;
    4 "alMatrixTopNHighCapacityAppProtocolDirLocalIndex" copy_index al_matrix_top_n_app_protocol_dir_local_index;
    5 "alMatrixTopNHighCapacityBasePktRate" low al_matrix_top_n_pkt_rate;
    6 "alMatrixTopNHighCapacityOverflowPktRate" gauge_overflow al_matrix_top_n_pkt_rate;
    7 "alMatrixTopNHighCapacityPktRate" gauge al_matrix_top_n_pkt_rate;
    8 "alMatrixTopNHighCapacityReverseBasePktRate" low al_matrix_top_n_reverse_pkt_rate;
    9 "alMatrixTopNHighCapacityReverseOverflowPktRate" gauge_overflow al_matrix_top_n_reverse_pkt_rate;
    10 "alMatrixTopNHighCapacityReversePktRate" gauge al_matrix_top_n_reverse_pkt_rate;
    11 "alMatrixTopNHighCapacityBaseOctetRate" low al_matrix_top_n_octet_rate;
    12 "alMatrixTopNHighCapacityOverflowOctetRate" gauge_overflow al_matrix_top_n_octet_rate;
    13 "alMatrixTopNHighCapacityOctetRate" gauge al_matrix_top_n_octet_rate;
    14 "alMatrixTopNHighCapacityReverseBaseOctetRate" low al_matrix_top_n_reverse_octet_rate;
    15 "alMatrixTopNHighCapacityReverseOverflowOctetRate" gauge_overflow al_matrix_top_n_reverse_octet_rate;
    16 "alMatrixTopNHighCapacityReverseOctetRate" gauge al_matrix_top_n_reverse_octet_rate;
}
