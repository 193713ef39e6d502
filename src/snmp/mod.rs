//! The SNMP agent (SNMPv1 and SNMPv2c): RMON-MIB, MIB-II system, interfaces and snmp groups.
//!
//! | file         | what it does                                                              |
//! |--------------|---------------------------------------------------------------------------|
//! | `ber.rs`     | the BER encoder, and the reader of a message's frame                      |
//! | `message.rs` | requests in, responses out                                                 |
//! | `mib.rs`     | the registry: nodes under OID prefixes answering get, next and set         |
//! | `tables/`    | the MIB objects, one file per group                                        |
//! | `backend.rs` | what the agent reads and changes of the probe                              |
//! | `agent.rs`   | the protocol core, `handle(now, peer, datagram) -> Option<datagram>`       |
//! | `notify.rs`  | traps and informs out (v1, v2c, v3), informs resent until acknowledged     |
//! | `usm/`       | SNMPv3: USM's keys, messages and checks                                    |
//! | `udp.rs`     | the thin UDP shell                                                         |
//!
//! Decoding checks the frame of a message itself and leaves the values to `snmp-parser` (see
//! [`message::decode_request`] for why); encoding is our own, since `snmp-parser` only reads.

pub mod agent;
pub mod backend;
pub mod ber;
pub mod message;
pub mod mib;
pub mod notify;
pub mod serve;
pub mod tables;
pub mod trap;
pub mod udp;
pub mod usm;

pub use crate::mib::{oid, value};
pub use agent::{Agent, AgentConfig};
pub use backend::{Backend, LocalProbe};
