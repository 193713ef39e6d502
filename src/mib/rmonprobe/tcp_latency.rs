//! Passive TCP latency (RMONPROBE-MIB's tcpLatency group, rmonprobeObjects.1):
//! tcpLatencyServerTable (.1.1) per server address and port, tcpLatencyPairTable (.1.2) per
//! client address, server address and port, each per data source (ifIndex). Delays are
//! microseconds (Gauge32), counts Counter64.
//!
//! The columns are named here as the JSON report writes them (`serverAddress`, `handshakes`,
//! `serverDelayP99Us`, ...); the MIB module gives each object a descriptor of its own
//! (`tcpLatencyServerHandshakes`, `tcpLatencyPairHandshakes`), as SMI wants descriptors unique
//! across a module. A percentile, minimum or maximum of no sample has no instance (and no JSON
//! key).

use crate::mib::net_addr::NetAddr;
use crate::mib::schema::Syntax::*;

const PORT: crate::mib::schema::Syntax = Integer { min: 0, max: 65535 };

crate::mib_table! {
    /// tcpLatencyServerEntry, indexed by (ifIndex, serverAddress, serverPort).
    pub struct TcpLatencyServerEntry;
    pub static TCP_LATENCY_SERVER_TABLE = "tcpLatencyServerTable" at [1, 3, 6, 1, 4, 1, 32473, 21, 3, 1, 1, 1]
        index [if_index = "ifIndex", server_address, server_port];
    1 server_address: NetAddr = "serverAddress", NetAddress, NotAccessible;
    2 server_port: u16 = "serverPort", PORT, NotAccessible;
    /// Handshakes seen whole, once each way: their delays are below.
    3 handshakes: u64 = "handshakes", Counter64, ReadOnly;
    /// Whole handshakes whose SYN or SYN/ACK was sent twice (Karn: no delays).
    4 handshakes_retransmitted: u64 = "handshakesRetransmitted", Counter64, ReadOnly;
    5 refused: u64 = "refused", Counter64, ReadOnly;
    6 unanswered: u64 = "unanswered", Counter64, ReadOnly;
    7 server_delay_min_us: Option<u64> = "serverDelayMinUs", Gauge32, ReadOnly;
    8 server_delay_p50_us: Option<u64> = "serverDelayP50Us", Gauge32, ReadOnly;
    9 server_delay_p90_us: Option<u64> = "serverDelayP90Us", Gauge32, ReadOnly;
    10 server_delay_p99_us: Option<u64> = "serverDelayP99Us", Gauge32, ReadOnly;
    11 server_delay_max_us: Option<u64> = "serverDelayMaxUs", Gauge32, ReadOnly;
    12 client_delay_min_us: Option<u64> = "clientDelayMinUs", Gauge32, ReadOnly;
    13 client_delay_p50_us: Option<u64> = "clientDelayP50Us", Gauge32, ReadOnly;
    14 client_delay_p90_us: Option<u64> = "clientDelayP90Us", Gauge32, ReadOnly;
    15 client_delay_p99_us: Option<u64> = "clientDelayP99Us", Gauge32, ReadOnly;
    16 client_delay_max_us: Option<u64> = "clientDelayMaxUs", Gauge32, ReadOnly;
    /// TCP timestamp echoes, both sides together.
    17 rtt_samples: u64 = "rttSamples", Counter64, ReadOnly;
    18 rtt_min_us: Option<u64> = "rttMinUs", Gauge32, ReadOnly;
    19 rtt_p50_us: Option<u64> = "rttP50Us", Gauge32, ReadOnly;
    20 rtt_p99_us: Option<u64> = "rttP99Us", Gauge32, ReadOnly;
    21 rtt_max_us: Option<u64> = "rttMaxUs", Gauge32, ReadOnly;
    extra {
        if_index: u32,
    }
}

crate::mib_table! {
    /// tcpLatencyPairEntry, indexed by (ifIndex, clientAddress, serverAddress, serverPort).
    pub struct TcpLatencyPairEntry;
    pub static TCP_LATENCY_PAIR_TABLE = "tcpLatencyPairTable" at [1, 3, 6, 1, 4, 1, 32473, 21, 3, 1, 2, 1]
        index [if_index = "ifIndex", client_address, server_address, server_port];
    1 client_address: NetAddr = "clientAddress", NetAddress, NotAccessible;
    2 server_address: NetAddr = "serverAddress", NetAddress, NotAccessible;
    3 server_port: u16 = "serverPort", PORT, NotAccessible;
    4 handshakes: u64 = "handshakes", Counter64, ReadOnly;
    5 handshakes_retransmitted: u64 = "handshakesRetransmitted", Counter64, ReadOnly;
    6 refused: u64 = "refused", Counter64, ReadOnly;
    7 unanswered: u64 = "unanswered", Counter64, ReadOnly;
    8 server_delay_min_us: Option<u64> = "serverDelayMinUs", Gauge32, ReadOnly;
    9 server_delay_p50_us: Option<u64> = "serverDelayP50Us", Gauge32, ReadOnly;
    10 server_delay_p90_us: Option<u64> = "serverDelayP90Us", Gauge32, ReadOnly;
    11 server_delay_p99_us: Option<u64> = "serverDelayP99Us", Gauge32, ReadOnly;
    12 server_delay_max_us: Option<u64> = "serverDelayMaxUs", Gauge32, ReadOnly;
    13 client_delay_min_us: Option<u64> = "clientDelayMinUs", Gauge32, ReadOnly;
    14 client_delay_p50_us: Option<u64> = "clientDelayP50Us", Gauge32, ReadOnly;
    15 client_delay_p90_us: Option<u64> = "clientDelayP90Us", Gauge32, ReadOnly;
    16 client_delay_p99_us: Option<u64> = "clientDelayP99Us", Gauge32, ReadOnly;
    17 client_delay_max_us: Option<u64> = "clientDelayMaxUs", Gauge32, ReadOnly;
    18 rtt_samples: u64 = "rttSamples", Counter64, ReadOnly;
    19 rtt_min_us: Option<u64> = "rttMinUs", Gauge32, ReadOnly;
    20 rtt_p50_us: Option<u64> = "rttP50Us", Gauge32, ReadOnly;
    21 rtt_p99_us: Option<u64> = "rttP99Us", Gauge32, ReadOnly;
    22 rtt_max_us: Option<u64> = "rttMaxUs", Gauge32, ReadOnly;
    extra {
        if_index: u32,
    }
}
