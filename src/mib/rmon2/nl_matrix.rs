//! Network-layer conversations: hlMatrixControlTable (1.3.6.1.2.1.16.15.1), nlMatrixSDTable
//! (.15.2), nlMatrixDSTable (.15.3), and HC-RMON's nlMatrixSDHighCapacityTable (.15.6) and
//! nlMatrixDSHighCapacityTable (.15.7). SD and DS hold the same pairs in two index orders.

use crate::mib::net_addr::NetAddr;
use crate::mib::rmon2::MAX_DESIRED;
use crate::mib::schema::{OWNER, Syntax::*};
use crate::mib::tc::{DataSource, Owner, RowStatus};

const INDEX: crate::mib::schema::Syntax = Integer { min: 1, max: 65535 };

crate::mib_table! {
    /// hlMatrixControlEntry as a manager reads it.
    pub struct HlMatrixControlEntry;
    pub static HL_MATRIX_CONTROL_TABLE = "hlMatrixControlTable" at [1, 3, 6, 1, 2, 1, 16, 15, 1, 1] index [hl_matrix_control_index];
    1 hl_matrix_control_index: u16 = "hlMatrixControlIndex", INDEX, NotAccessible;
    2 hl_matrix_control_data_source: DataSource = "hlMatrixControlDataSource", Source, ReadCreate, frozen;
    3 hl_matrix_control_nl_dropped_frames: u64 = "hlMatrixControlNlDroppedFrames", Counter32, ReadOnly;
    4 hl_matrix_control_nl_inserts: u64 = "hlMatrixControlNlInserts", Counter32, ReadOnly;
    5 hl_matrix_control_nl_deletes: u64 = "hlMatrixControlNlDeletes", Counter32, ReadOnly;
    6 hl_matrix_control_nl_max_desired_entries: i32 = "hlMatrixControlNlMaxDesiredEntries", MAX_DESIRED, ReadCreate;
    7 hl_matrix_control_al_dropped_frames: u64 = "hlMatrixControlAlDroppedFrames", Counter32, ReadOnly;
    8 hl_matrix_control_al_inserts: u64 = "hlMatrixControlAlInserts", Counter32, ReadOnly;
    9 hl_matrix_control_al_deletes: u64 = "hlMatrixControlAlDeletes", Counter32, ReadOnly;
    10 hl_matrix_control_al_max_desired_entries: i32 = "hlMatrixControlAlMaxDesiredEntries", MAX_DESIRED, ReadCreate;
    11 hl_matrix_control_owner: Owner = "hlMatrixControlOwner", OWNER, ReadCreate;
    12 hl_matrix_control_status: RowStatus = "hlMatrixControlStatus", RowStatus, ReadCreate;
}

crate::mib_table! {
    /// nlMatrixSDEntry, indexed by (hlMatrixControlIndex, nlMatrixSDTimeMark,
    /// protocolDirLocalIndex, nlMatrixSDSourceAddress, nlMatrixSDDestAddress).
    pub struct NlMatrixSdEntry;
    pub static NL_MATRIX_SD_TABLE = "nlMatrixSDTable" at [1, 3, 6, 1, 2, 1, 16, 15, 2, 1]
        index [hl_matrix_control_index = "hlMatrixControlIndex", protocol_dir_local_index = "protocolDirLocalIndex", source_address, dest_address]
        time_filter(1, last_change);
    2 source_address: NetAddr = "nlMatrixSDSourceAddress", NetAddress, NotAccessible;
    3 dest_address: NetAddr = "nlMatrixSDDestAddress", NetAddress, NotAccessible;
    4 pkts: u64 = "nlMatrixSDPkts", ZeroBasedCounter32, ReadOnly;
    5 octets: u64 = "nlMatrixSDOctets", ZeroBasedCounter32, ReadOnly;
    6 create_time: u64 = "nlMatrixSDCreateTime", TimeTicks, ReadOnly;
    extra {
        hl_matrix_control_index: u16,
        protocol_dir_local_index: u32,
        last_change: u64,
    }
}

crate::mib_table! {
    /// nlMatrixDSEntry, indexed by (hlMatrixControlIndex, nlMatrixDSTimeMark,
    /// protocolDirLocalIndex, nlMatrixDSDestAddress, nlMatrixDSSourceAddress).
    pub struct NlMatrixDsEntry;
    pub static NL_MATRIX_DS_TABLE = "nlMatrixDSTable" at [1, 3, 6, 1, 2, 1, 16, 15, 3, 1]
        index [hl_matrix_control_index = "hlMatrixControlIndex", protocol_dir_local_index = "protocolDirLocalIndex", dest_address, source_address]
        time_filter(1, last_change);
    2 source_address: NetAddr = "nlMatrixDSSourceAddress", NetAddress, NotAccessible;
    3 dest_address: NetAddr = "nlMatrixDSDestAddress", NetAddress, NotAccessible;
    4 pkts: u64 = "nlMatrixDSPkts", ZeroBasedCounter32, ReadOnly;
    5 octets: u64 = "nlMatrixDSOctets", ZeroBasedCounter32, ReadOnly;
    6 create_time: u64 = "nlMatrixDSCreateTime", TimeTicks, ReadOnly;
    extra {
        hl_matrix_control_index: u16,
        protocol_dir_local_index: u32,
        last_change: u64,
    }
}

impl From<&NlMatrixSdEntry> for NlMatrixDsEntry {
    fn from(sd: &NlMatrixSdEntry) -> Self {
        NlMatrixDsEntry {
            source_address: sd.source_address,
            dest_address: sd.dest_address,
            pkts: sd.pkts,
            octets: sd.octets,
            create_time: sd.create_time,
            hl_matrix_control_index: sd.hl_matrix_control_index,
            protocol_dir_local_index: sd.protocol_dir_local_index,
            last_change: sd.last_change,
        }
    }
}

crate::mib_view! {
    /// nlMatrixSDHighCapacityTable (1.3.6.1.2.1.16.15.6), indexed like nlMatrixSDTable.
    pub static NL_MATRIX_SD_HIGH_CAPACITY_TABLE: NlMatrixSdEntry = "nlMatrixSDHighCapacityTable" at [1, 3, 6, 1, 2, 1, 16, 15, 6, 1]
        index [hl_matrix_control_index = "hlMatrixControlIndex", protocol_dir_local_index = "protocolDirLocalIndex",
               source_address = "nlMatrixSDSourceAddress", dest_address = "nlMatrixSDDestAddress"]
        time_filter(1, last_change);
    1 "nlMatrixSDHighCapacityOverflowPkts" zero_based_overflow pkts;
    2 "nlMatrixSDHighCapacityPkts" count pkts;
    3 "nlMatrixSDHighCapacityOverflowOctets" zero_based_overflow octets;
    4 "nlMatrixSDHighCapacityOctets" count octets;
}

crate::mib_view! {
    /// nlMatrixDSHighCapacityTable (1.3.6.1.2.1.16.15.7), indexed like nlMatrixDSTable.
    pub static NL_MATRIX_DS_HIGH_CAPACITY_TABLE: NlMatrixDsEntry = "nlMatrixDSHighCapacityTable" at [1, 3, 6, 1, 2, 1, 16, 15, 7, 1]
        index [hl_matrix_control_index = "hlMatrixControlIndex", protocol_dir_local_index = "protocolDirLocalIndex",
               dest_address = "nlMatrixDSDestAddress", source_address = "nlMatrixDSSourceAddress"]
        time_filter(1, last_change);
    1 "nlMatrixDSHighCapacityOverflowPkts" zero_based_overflow pkts;
    2 "nlMatrixDSHighCapacityPkts" count pkts;
    3 "nlMatrixDSHighCapacityOverflowOctets" zero_based_overflow octets;
    4 "nlMatrixDSHighCapacityOctets" count octets;
}
