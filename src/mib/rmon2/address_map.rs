//! Address mapping: the addressMap scalars (1.3.6.1.2.1.16.13.1-3), addressMapControlTable
//! (.13.4) and addressMapTable (.13.5): which MAC address each network address was last sent
//! from, per data source.

use crate::mib::Oid;
use crate::mib::net_addr::NetAddr;
use crate::mib::schema::{OWNER, Syntax::*};
use crate::mib::tc::{DataSource, MacAddr, Owner, RowStatus};

const INDEX: crate::mib::schema::Syntax = Integer { min: 1, max: 65535 };

crate::mib_table! {
    /// addressMapControlEntry as a manager reads it.
    pub struct AddressMapControlEntry;
    pub static ADDRESS_MAP_CONTROL_TABLE = "addressMapControlTable" at [1, 3, 6, 1, 2, 1, 16, 13, 4, 1] index [address_map_control_index];
    1 address_map_control_index: u16 = "addressMapControlIndex", INDEX, NotAccessible;
    2 address_map_control_data_source: DataSource = "addressMapControlDataSource", Source, ReadCreate, frozen;
    3 address_map_control_dropped_frames: u64 = "addressMapControlDroppedFrames", Counter32, ReadOnly;
    4 address_map_control_owner: Owner = "addressMapControlOwner", OWNER, ReadCreate;
    5 address_map_control_status: RowStatus = "addressMapControlStatus", RowStatus, ReadCreate;
}

crate::mib_table! {
    /// addressMapEntry, indexed by (addressMapTimeMark, protocolDirLocalIndex,
    /// addressMapNetworkAddress, addressMapSource).
    pub struct AddressMapEntry;
    pub static ADDRESS_MAP_TABLE = "addressMapTable" at [1, 3, 6, 1, 2, 1, 16, 13, 5, 1]
        index [protocol_dir_local_index = "protocolDirLocalIndex", address_map_network_address, address_map_source]
        time_filter(0, address_map_last_change);
    2 address_map_network_address: NetAddr = "addressMapNetworkAddress", NetAddress, NotAccessible;
    /// The data source (`ifIndex.N`) the address was seen on.
    3 address_map_source: Oid = "addressMapSource", ObjectId, NotAccessible;
    4 address_map_physical_address: MacAddr = "addressMapPhysicalAddress", MacAddress, ReadOnly;
    5 address_map_last_change: u64 = "addressMapLastChange", TimeTicks, ReadOnly;
    extra {
        protocol_dir_local_index: u32,
        /// The data source as the probe knows it.
        source: DataSource,
    }
}
