//! rmonprobe: a passive traffic analyzer and RMON probe.
//!
//! The data path (see ARCHITECTURE.md): [`capture`] reads frames in batches, [`packet`] classifies
//! each one, [`pipeline`] hands them to the shards of [`rmon`], and the views ([`report`], [`snmp`]
//! and [`tui`]) read merged tables from the [`rmon::Probe`]. All of them stand on [`mib`]: OIDs,
//! SMI values, time, and one schema per MIB group from which every view reads and writes the
//! tables. [`session`] is the start-up and tear-down that [`replay`] and [`live`] share.

#![deny(unsafe_code)]

pub mod capture;
pub mod config;
pub mod live;
pub mod metrics;
pub mod mib;
pub mod packet;
pub mod pipeline;
pub mod replay;
pub mod report;
pub mod rmon;
pub mod session;
pub mod snmp;
pub mod state;
pub mod summary;
pub mod synth;
pub mod tui;
