//! The MIB objects the agent serves, registered in [`registry`]: MIB-II's system, interfaces
//! and snmp groups by hand, and every RMON-MIB and HC-RMON-MIB table from its schema.

pub mod interfaces;
pub mod rmon;
pub mod system;

use crate::rmon::RmonTables;
use crate::snmp::mib::{Mib, MibNode};

/// Every object the agent serves: MIB-II system, interfaces and snmp groups, IF-MIB's ifXTable
/// and the RMON-MIB and HC-RMON-MIB tables of the groups the probe implements.
pub fn registry() -> Mib {
    let mut nodes: Vec<Box<dyn MibNode>> = vec![
        Box::new(system::system()),
        Box::new(interfaces::if_number()),
        Box::new(interfaces::if_table()),
        Box::new(system::snmp()),
        Box::new(interfaces::if_x_table()),
    ];
    RmonTables::visit(&mut rmon::Register(&mut nodes));
    Mib::new(nodes)
}
