//! The MIB objects the agent serves, one file per MIB group, registered in [`registry`].

pub mod alarm;
pub mod capture;
pub mod event;
pub mod filter;
pub mod history;
pub mod hosts;
pub mod interfaces;
pub mod matrix;
pub mod rmon;
pub mod statistics;
pub mod system;
pub mod topn;

use crate::snmp::mib::{Mib, MibNode};

/// Every object the agent serves: MIB-II system, interfaces and snmp groups, IF-MIB's ifXTable
/// and the RMON-MIB groups the probe implements.
pub fn registry() -> Mib {
    let nodes: Vec<Box<dyn MibNode>> = vec![
        Box::new(system::system()),
        Box::new(interfaces::if_number()),
        Box::new(interfaces::if_table()),
        Box::new(system::snmp()),
        Box::new(statistics::ether_stats_table()),
        Box::new(history::history_control_table()),
        Box::new(history::ether_history_table()),
        Box::new(hosts::host_control_table()),
        Box::new(hosts::host_table()),
        Box::new(hosts::host_time_table()),
        Box::new(topn::host_top_n_control_table()),
        Box::new(topn::host_top_n_table()),
        Box::new(matrix::matrix_control_table()),
        Box::new(matrix::matrix_sd_table()),
        Box::new(matrix::matrix_ds_table()),
        Box::new(alarm::alarm_table()),
        Box::new(filter::filter_table()),
        Box::new(filter::channel_table()),
        Box::new(capture::buffer_control_table()),
        Box::new(capture::capture_buffer_table()),
        Box::new(event::event_table()),
        Box::new(event::log_table()),
        Box::new(interfaces::if_x_table()),
    ];
    Mib::new(nodes)
}
