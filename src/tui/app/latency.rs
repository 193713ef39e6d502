//! What the Latency screen shows, read from the latest snapshot: RMONPROBE-MIB's passive TCP
//! latency of the data source shown (tcpLatencyServerTable, tcpLatencyPairTable).
//!
//! The slowest servers come first, as the screen is there to find them: by the server delay's
//! 99th percentile (how long the server, and the path to it, takes to answer a SYN), then the
//! round-trip time's.

use crate::rmon::tcp_latency::{TcpLatencyPairEntry, TcpLatencyServerEntry};
use crate::tui::app::App;

/// The Latency screen's state: the server selected, whose delays and clients are shown.
#[derive(Clone, Debug, Default)]
pub struct LatencyView {
    pub selected: usize,
}

impl App {
    /// The ifIndex of the data source shown: the latency rows are per data source.
    fn latency_if_index(&self) -> Option<u32> {
        self.data_source().map(|d| d.if_index())
    }

    /// The servers of the data source shown, slowest first: server delay p99, then RTT p99
    /// (a server without a sample last), then the busiest.
    pub fn latency_servers(&self) -> Vec<&TcpLatencyServerEntry> {
        let if_index = self.latency_if_index();
        let mut rows: Vec<&TcpLatencyServerEntry> = self
            .snapshot()
            .into_iter()
            .flat_map(|s| &s.tables.tcp_latency_server)
            .filter(|r| if_index.is_none_or(|i| i == r.if_index))
            .collect();
        rows.sort_by(|a, b| {
            b.server_delay_p99_us
                .cmp(&a.server_delay_p99_us)
                .then(b.rtt_p99_us.cmp(&a.rtt_p99_us))
                .then(b.handshakes.cmp(&a.handshakes))
                .then(a.server_address.cmp(&b.server_address))
                .then(a.server_port.cmp(&b.server_port))
        });
        rows
    }

    /// The server selected (↑↓).
    pub fn latency_server(&self) -> Option<&TcpLatencyServerEntry> {
        let servers = self.latency_servers();
        servers.get(self.latency.selected.min(servers.len().saturating_sub(1))).copied()
    }

    /// The selected server's clients (tcpLatencyPairTable), busiest (handshakes) first.
    pub fn latency_clients(&self) -> Vec<&TcpLatencyPairEntry> {
        let Some(server) = self.latency_server() else { return Vec::new() };
        let mut rows: Vec<&TcpLatencyPairEntry> = self
            .snapshot()
            .into_iter()
            .flat_map(|s| &s.tables.tcp_latency_pair)
            .filter(|p| {
                (p.if_index, p.server_address, p.server_port)
                    == (server.if_index, server.server_address, server.server_port)
            })
            .collect();
        rows.sort_by(|a, b| {
            b.handshakes
                .cmp(&a.handshakes)
                .then(b.rtt_samples.cmp(&a.rtt_samples))
                .then(a.client_address.cmp(&b.client_address))
        });
        rows
    }
}
