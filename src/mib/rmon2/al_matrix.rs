//! Application-layer conversations: alMatrixSDTable (1.3.6.1.2.1.16.17.1), alMatrixDSTable
//! (.17.2) and HC-RMON's alMatrixSD/DSHighCapacityTable (.17.5, .17.6). Their control rows are
//! hlMatrixControlTable's (`nl_matrix.rs`).

use crate::mib::net_addr::NetAddr;
use crate::mib::schema::Syntax::*;

crate::mib_table! {
    /// alMatrixSDEntry, indexed by (hlMatrixControlIndex, alMatrixSDTimeMark, the network's
    /// protocolDirLocalIndex, nlMatrixSDSourceAddress, nlMatrixSDDestAddress, the
    /// application's protocolDirLocalIndex).
    pub struct AlMatrixSdEntry;
    pub static AL_MATRIX_SD_TABLE = "alMatrixSDTable" at [1, 3, 6, 1, 2, 1, 16, 17, 1, 1]
        index [hl_matrix_control_index = "hlMatrixControlIndex", nl_protocol_dir_local_index = "nlProtocolDirLocalIndex",
               source_address = "nlMatrixSDSourceAddress", dest_address = "nlMatrixSDDestAddress",
               al_protocol_dir_local_index = "alProtocolDirLocalIndex"]
        time_filter(1, last_change);
    2 pkts: u64 = "alMatrixSDPkts", ZeroBasedCounter32, ReadOnly;
    3 octets: u64 = "alMatrixSDOctets", ZeroBasedCounter32, ReadOnly;
    4 create_time: u64 = "alMatrixSDCreateTime", TimeTicks, ReadOnly;
    extra {
        hl_matrix_control_index: u16,
        nl_protocol_dir_local_index: u32,
        source_address: NetAddr,
        dest_address: NetAddr,
        al_protocol_dir_local_index: u32,
        last_change: u64,
    }
}

crate::mib_table! {
    /// alMatrixDSEntry: the same conversations, indexed destination first.
    pub struct AlMatrixDsEntry;
    pub static AL_MATRIX_DS_TABLE = "alMatrixDSTable" at [1, 3, 6, 1, 2, 1, 16, 17, 2, 1]
        index [hl_matrix_control_index = "hlMatrixControlIndex", nl_protocol_dir_local_index = "nlProtocolDirLocalIndex",
               dest_address = "nlMatrixDSDestAddress", source_address = "nlMatrixDSSourceAddress",
               al_protocol_dir_local_index = "alProtocolDirLocalIndex"]
        time_filter(1, last_change);
    2 pkts: u64 = "alMatrixDSPkts", ZeroBasedCounter32, ReadOnly;
    3 octets: u64 = "alMatrixDSOctets", ZeroBasedCounter32, ReadOnly;
    4 create_time: u64 = "alMatrixDSCreateTime", TimeTicks, ReadOnly;
    extra {
        hl_matrix_control_index: u16,
        nl_protocol_dir_local_index: u32,
        source_address: NetAddr,
        dest_address: NetAddr,
        al_protocol_dir_local_index: u32,
        last_change: u64,
    }
}

impl From<&AlMatrixSdEntry> for AlMatrixDsEntry {
    fn from(sd: &AlMatrixSdEntry) -> Self {
        AlMatrixDsEntry {
            pkts: sd.pkts,
            octets: sd.octets,
            create_time: sd.create_time,
            hl_matrix_control_index: sd.hl_matrix_control_index,
            nl_protocol_dir_local_index: sd.nl_protocol_dir_local_index,
            source_address: sd.source_address,
            dest_address: sd.dest_address,
            al_protocol_dir_local_index: sd.al_protocol_dir_local_index,
            last_change: sd.last_change,
        }
    }
}

crate::mib_view! {
    /// alMatrixSDHighCapacityTable (1.3.6.1.2.1.16.17.5), indexed like alMatrixSDTable.
    pub static AL_MATRIX_SD_HIGH_CAPACITY_TABLE: AlMatrixSdEntry = "alMatrixSDHighCapacityTable" at [1, 3, 6, 1, 2, 1, 16, 17, 5, 1]
        index [hl_matrix_control_index = "hlMatrixControlIndex", nl_protocol_dir_local_index = "nlProtocolDirLocalIndex",
               source_address = "nlMatrixSDSourceAddress", dest_address = "nlMatrixSDDestAddress",
               al_protocol_dir_local_index = "alProtocolDirLocalIndex"]
        time_filter(1, last_change);
    1 "alMatrixSDHighCapacityOverflowPkts" zero_based_overflow pkts;
    2 "alMatrixSDHighCapacityPkts" count pkts;
    3 "alMatrixSDHighCapacityOverflowOctets" zero_based_overflow octets;
    4 "alMatrixSDHighCapacityOctets" count octets;
}

crate::mib_view! {
    /// alMatrixDSHighCapacityTable (1.3.6.1.2.1.16.17.6), indexed like alMatrixDSTable.
    pub static AL_MATRIX_DS_HIGH_CAPACITY_TABLE: AlMatrixDsEntry = "alMatrixDSHighCapacityTable" at [1, 3, 6, 1, 2, 1, 16, 17, 6, 1]
        index [hl_matrix_control_index = "hlMatrixControlIndex", nl_protocol_dir_local_index = "nlProtocolDirLocalIndex",
               dest_address = "nlMatrixDSDestAddress", source_address = "nlMatrixDSSourceAddress",
               al_protocol_dir_local_index = "alProtocolDirLocalIndex"]
        time_filter(1, last_change);
    1 "alMatrixDSHighCapacityOverflowPkts" zero_based_overflow pkts;
    2 "alMatrixDSHighCapacityPkts" count pkts;
    3 "alMatrixDSHighCapacityOverflowOctets" zero_based_overflow octets;
    4 "alMatrixDSHighCapacityOctets" count octets;
}
