//! The protocol directory: protocolDirLastChange (1.3.6.1.2.1.16.11.1) and protocolDirTable
//! (.11.2), the protocols the probe can count, each with the local index every other RMON2
//! table names it by.

use crate::mib::schema::{OWNER, Syntax::*};
use crate::mib::tc::{Owner, RowStatus};

crate::mib_enum! {
    /// protocolDirAddressMapConfig, protocolDirHostConfig, protocolDirMatrixConfig.
    pub enum ProtocolConfig {
        NotSupported = 1 => "notSupported",
        SupportedOff = 2 => "supportedOff",
        SupportedOn = 3 => "supportedOn",
    }
    default NotSupported
}

/// protocolDirType's bits (BITS: bit 0 is the high bit of the first octet).
pub mod protocol_type {
    /// extensible(0): children of the protocol may be added.
    pub const EXTENSIBLE: u8 = 0x80;
    /// addressRecognitionCapable(1): the probe can tell the protocol's addresses.
    pub const ADDRESS_RECOGNITION_CAPABLE: u8 = 0x40;
}

crate::mib_table! {
    /// protocolDirEntry as a manager reads it, indexed by (protocolDirID, protocolDirParameters),
    /// both length-prefixed OCTET STRINGs: ether2.ip is `protocolDirDescr.8.0.0.0.1.0.0.8.0.2.0.0`.
    pub struct ProtocolDirEntry;
    pub static PROTOCOL_DIR_TABLE = "protocolDirTable" at [1, 3, 6, 1, 2, 1, 16, 11, 2, 1] index [protocol_dir_id, protocol_dir_parameters];
    1 protocol_dir_id: Vec<u8> = "protocolDirID", ProtocolId, NotAccessible;
    2 protocol_dir_parameters: Vec<u8> = "protocolDirParameters", Octets { min: 1, max: 32 }, NotAccessible;
    3 protocol_dir_local_index: u32 = "protocolDirLocalIndex", Integer { min: 1, max: i32::MAX as i64 }, ReadOnly;
    4 protocol_dir_descr: String = "protocolDirDescr", Text { max: 64 }, ReadCreate, frozen;
    5 protocol_dir_type: Vec<u8> = "protocolDirType", Octets { min: 1, max: 1 }, ReadOnly;
    6 protocol_dir_address_map_config: ProtocolConfig = "protocolDirAddressMapConfig", Enum(ProtocolConfig::NAMES), ReadCreate;
    7 protocol_dir_host_config: ProtocolConfig = "protocolDirHostConfig", Enum(ProtocolConfig::NAMES), ReadCreate;
    8 protocol_dir_matrix_config: ProtocolConfig = "protocolDirMatrixConfig", Enum(ProtocolConfig::NAMES), ReadCreate;
    9 protocol_dir_owner: Owner = "protocolDirOwner", OWNER, ReadCreate;
    10 protocol_dir_status: RowStatus = "protocolDirStatus", RowStatus, ReadCreate;
}
