//! The MIB objects the agent serves, registered in [`registry`]: MIB-II's system, interfaces
//! and snmp groups by hand, RMON2's scalars (`rmon2.rs`), and every RMON-MIB, HC-RMON-MIB and
//! RMON2-MIB table from its schema; with SNMPv3, its engine and counters (`usm.rs`).

pub mod interfaces;
pub mod rmon;
pub mod rmon2;
pub mod system;
pub mod usm;

use crate::rmon::RmonTables;
use crate::snmp::mib::{Mib, MibNode};

/// Every object the agent serves: MIB-II system, interfaces and snmp groups, IF-MIB's ifXTable
/// and the RMON-MIB and HC-RMON-MIB tables of the groups the probe implements.
pub fn registry() -> Mib {
    Mib::new(nodes())
}

/// [`registry`] with SNMPv3's objects: snmpEngine, snmpMPDStats, snmpUnknownContexts, usmStats,
/// usmUserTable.
pub fn registry_with_v3() -> Mib {
    let mut nodes = nodes();
    for scalars in usm::scalars() {
        nodes.push(Box::new(scalars));
    }
    nodes.push(Box::new(usm::UsmUserTable));
    Mib::new(nodes)
}

fn nodes() -> Vec<Box<dyn MibNode>> {
    let mut nodes: Vec<Box<dyn MibNode>> = vec![
        Box::new(system::system()),
        Box::new(interfaces::if_number()),
        Box::new(interfaces::if_table()),
        Box::new(system::snmp()),
        Box::new(interfaces::if_x_table()),
        Box::new(rmon2::protocol_dir_last_change()),
        Box::new(rmon2::probe_config()),
    ];
    for scalars in rmon2::address_map_scalars() {
        nodes.push(Box::new(scalars));
    }
    RmonTables::visit(&mut rmon::Register(&mut nodes));
    nodes
}
