//! The matrix group: matrixControlTable (1.3.6.1.2.1.16.6.1), matrixSDTable (.6.2) and
//! matrixDSTable (.6.3). Both data tables hold the same conversations, in two index orders.

use crate::mib::schema::{INDEX, NON_NEGATIVE, OWNER, Syntax::*};
use crate::mib::tc::{DataSource, EntryStatus, MacAddr, Owner};

crate::mib_table! {
    /// matrixControlEntry as a manager reads it.
    pub struct MatrixControlEntry;
    pub static MATRIX_CONTROL_TABLE = "matrixControlTable" at [1, 3, 6, 1, 2, 1, 16, 6, 1, 1] index [matrix_control_index];
    1 matrix_control_index: u16 = "matrixControlIndex", INDEX, ReadOnly;
    2 matrix_control_data_source: DataSource = "matrixControlDataSource", Source, ReadCreate, frozen;
    3 matrix_control_table_size: u64 = "matrixControlTableSize", NON_NEGATIVE, ReadOnly;
    4 matrix_control_last_delete_time: u64 = "matrixControlLastDeleteTime", TimeTicks, ReadOnly;
    5 matrix_control_owner: Owner = "matrixControlOwner", OWNER, ReadCreate;
    6 matrix_control_status: EntryStatus = "matrixControlStatus", Status, ReadCreate;
    extra {
        /// sysUpTime (TimeTicks) when the row last became valid: RMON2's matrixControlCreateTime.
        matrix_control_create_time: u64,
    }
}

crate::mib_table! {
    /// matrixSDEntry, indexed by (matrixSDIndex, matrixSDSourceAddress, matrixSDDestAddress).
    pub struct MatrixSdEntry;
    pub static MATRIX_SD_TABLE = "matrixSDTable" at [1, 3, 6, 1, 2, 1, 16, 6, 2, 1] index [index, source_address, dest_address];
    1 source_address: MacAddr = "matrixSDSourceAddress", MacAddress, ReadOnly;
    2 dest_address: MacAddr = "matrixSDDestAddress", MacAddress, ReadOnly;
    3 index: u16 = "matrixSDIndex", INDEX, ReadOnly;
    4 pkts: u64 = "matrixSDPkts", Counter32, ReadOnly;
    5 octets: u64 = "matrixSDOctets", Counter32, ReadOnly;
    6 errors: u64 = "matrixSDErrors", Counter32, ReadOnly;
}

crate::mib_table! {
    /// matrixDSEntry, indexed by (matrixDSIndex, matrixDSDestAddress, matrixDSSourceAddress).
    pub struct MatrixDsEntry;
    pub static MATRIX_DS_TABLE = "matrixDSTable" at [1, 3, 6, 1, 2, 1, 16, 6, 3, 1] index [index, dest_address, source_address];
    1 source_address: MacAddr = "matrixDSSourceAddress", MacAddress, ReadOnly;
    2 dest_address: MacAddr = "matrixDSDestAddress", MacAddress, ReadOnly;
    3 index: u16 = "matrixDSIndex", INDEX, ReadOnly;
    4 pkts: u64 = "matrixDSPkts", Counter32, ReadOnly;
    5 octets: u64 = "matrixDSOctets", Counter32, ReadOnly;
    6 errors: u64 = "matrixDSErrors", Counter32, ReadOnly;
}
