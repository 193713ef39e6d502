//! Where the terminal UI reads from: one trait (ARCHITECTURE.md, "Rules": the UI reads through one trait) with two implementations, an
//! embedded probe ([`local`]) and an RMON agent across the network ([`remote`]).
//!
//! Both hand the UI the same [`Snapshot`] the SNMP agent serves from, so every screen renders
//! the same figures whichever way they came.

pub mod decode;
pub mod local;
pub mod remote;

use std::path::Path;
use std::sync::Arc;

use crate::rmon::Snapshot;
use crate::rmon::topn::RateBase;

/// One reading of the source.
#[derive(Clone, Debug)]
pub struct Reading {
    pub snapshot: Arc<Snapshot>,
    /// The groups the source has: an agent may implement only some (a switch's mini-RMON).
    pub groups: Groups,
    /// The figures are final: the replay has ended, or the capture stopped.
    pub finished: bool,
    /// Every table was read now. A remote source reads the big tables only for the screens
    /// that show them and keeps the others from an earlier reading.
    pub every_table: bool,
}

/// Which RMON-1 groups a source implements.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Groups {
    pub statistics: bool,
    pub history: bool,
    pub alarm: bool,
    pub hosts: bool,
    pub host_top_n: bool,
    pub matrix: bool,
    pub filter: bool,
    pub capture: bool,
    pub event: bool,
    /// HC-RMON's 64-bit tables over the groups above: read, counts are exact past 2^32.
    pub high_capacity: bool,
    /// HC-RMON's mediaIndependentTable.
    pub media_independent: bool,
    /// RMON2's network layer: protocolDirTable, protocolDist, addressMap, nlHost, nlMatrix.
    pub protocol_dir: bool,
    pub protocol_dist: bool,
    pub address_map: bool,
    pub nl_host: bool,
    pub nl_matrix: bool,
    /// RMON2's application layer: alHostTable, alMatrixSDTable (an agent may keep to the
    /// network layer, RFC 4502's rmon2MIBCompliance without the al groups).
    pub al_host: bool,
    pub al_matrix: bool,
    /// RMON2's user history: usrHistoryControlTable, usrHistoryObjectTable, usrHistoryTable.
    pub usr_history: bool,
    /// RMONPROBE-MIB's passive TCP latency: tcpLatencyServerTable, tcpLatencyPairTable (an
    /// enterprise module: another rmonprobe has it, a switch does not).
    pub tcp_latency: bool,
}

impl Groups {
    /// Every group: an embedded probe.
    pub const ALL: Groups = Groups {
        statistics: true,
        history: true,
        alarm: true,
        hosts: true,
        host_top_n: true,
        matrix: true,
        filter: true,
        capture: true,
        event: true,
        high_capacity: true,
        media_independent: true,
        protocol_dir: true,
        protocol_dist: true,
        address_map: true,
        nl_host: true,
        nl_matrix: true,
        al_host: true,
        al_matrix: true,
        usr_history: true,
        tcp_latency: true,
    };
}

/// The big tables the screen on show needs read now (the control tables, etherStats, alarms,
/// events and the log are always read; the user history's, only with its buckets). Over SNMP a
/// walk of a busy hostTable or matrix takes thousands of requests, so a remote source reads them
/// only when they are shown.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Wants {
    /// hostTable (Hosts, Top N).
    pub hosts: bool,
    /// matrixSDTable (Matrix).
    pub matrix: bool,
    /// etherHistoryTable (History; the Overview's rates before two readings exist).
    pub history: bool,
    /// captureBufferTable, with the packets' octets (Capture).
    pub capture_packets: bool,
    /// nlHostTable and addressMapTable (IP hosts).
    pub ip_hosts: bool,
    /// nlMatrixSDTable (IP conversations).
    pub ip_matrix: bool,
    /// alHostTable and alMatrixSDTable (Applications).
    pub applications: bool,
    /// usrHistoryControlTable, usrHistoryObjectTable and usrHistoryTable (User history): the
    /// buckets times the objects of every row.
    pub usr_history: bool,
    /// tcpLatencyServerTable and tcpLatencyPairTable (Latency): a row per server and per
    /// client of each.
    pub latency: bool,
}

impl Wants {
    pub const ALL: Wants = Wants {
        hosts: true,
        matrix: true,
        history: true,
        capture_packets: true,
        ip_hosts: true,
        ip_matrix: true,
        applications: true,
        usr_history: true,
        latency: true,
    };
}

/// A hostTopN report to start on the probe.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TopNRequest {
    /// The hostControl row whose hosts are ranked (hostTopNHostIndex).
    pub host_index: u16,
    pub rate_base: RateBase,
    /// hostTopNTimeRemaining: the report's length in seconds.
    pub duration: u32,
    pub requested_size: u32,
}

/// Owner of the rows the UI makes (hostTopNOwner), so a manager can tell them apart.
pub const TUI_OWNER: &str = "rmonprobe tui";

/// A source of readings for the UI.
pub trait Source: Send {
    /// What the UI watches, for its title: the interface, the files, or the agent.
    fn title(&self) -> String;

    /// Reads the probe now.
    fn read(&mut self, wants: Wants) -> Result<Reading, String>;

    /// Starts a hostTopN report; returns its hostTopNControlIndex.
    fn start_top_n(&mut self, request: &TopNRequest) -> Result<u16, String>;

    /// Writes capture buffer `index` (bufferControlIndex) as a pcap file at `path`; returns the
    /// number of frames written.
    fn write_buffer(&mut self, index: u16, path: &Path) -> Result<usize, String>;

    /// The UI is quitting: an embedded probe stops capturing.
    fn quit(&mut self) {}
}

/// hostTopNControlTable's columns (RFC 2819).
pub mod top_n_column {
    pub const HOST_INDEX: u32 = 2;
    pub const RATE_BASE: u32 = 3;
    pub const TIME_REMAINING: u32 = 4;
    pub const REQUESTED_SIZE: u32 = 6;
    pub const OWNER: u32 = 9;
    pub const STATUS: u32 = 10;
}

impl TopNRequest {
    /// The columns to set, after the row was made with createRequest, before it is made valid
    /// (setting hostTopNTimeRemaining is what starts the report).
    pub fn columns(&self) -> Vec<(u32, crate::rmon::ControlValue)> {
        use crate::rmon::ControlValue::{Integer, OctetString};
        use top_n_column::*;
        vec![
            (HOST_INDEX, Integer(i64::from(self.host_index))),
            (RATE_BASE, Integer(self.rate_base as i64)),
            (TIME_REMAINING, Integer(i64::from(self.duration))),
            (REQUESTED_SIZE, Integer(i64::from(self.requested_size))),
            (OWNER, OctetString(TUI_OWNER.as_bytes().to_vec())),
        ]
    }
}

/// The first hostTopNControlIndex no row has.
pub fn free_top_n_index(snapshot: &Snapshot) -> Option<u16> {
    let taken: Vec<u16> = snapshot.tables.host_top_n_control.iter().map(|r| r.host_top_n_control_index).collect();
    (1..=u16::MAX).find(|i| !taken.contains(i))
}
