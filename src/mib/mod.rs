//! The bottom layer: what the MIBs say, with no counting, no protocol and no I/O.
//!
//! Everything above stands on it: `packet` and `capture` take their time and addresses from
//! here, `rmon/` fills the rows described here, and the views (`snmp/`, the JSON report, the
//! terminal UI's remote mode, the configuration and `--state` files) read and write those rows
//! through the same descriptions. It imports nothing else of the crate (a test checks it).
//!
//! | file         | what it holds                                                          |
//! |--------------|------------------------------------------------------------------------|
//! | `oid.rs`     | object identifiers                                                     |
//! | `value.rs`   | the SMI values a varbind carries                                       |
//! | `time.rs`    | probe time (injected: packet timestamps or a monotonic clock)          |
//! | `tc.rs`      | textual conventions: EntryStatus, OwnerString, dataSource, MAC address |
//! | `schema.rs`  | how a table is described: columns, syntax, access, index               |
//! | `rmon1/`     | RMON-MIB (RFC 2819): one schema file per group                         |
//! | `hcrmon.rs`  | HC-RMON-MIB (RFC 3273): the 64-bit tables over the same rows           |
//! | `net_addr.rs`| network-layer addresses (RMON2's nlHostAddress and the like)           |
//! | `rmon2/`     | RMON2-MIB (RFC 4502): one schema file per group                        |

pub mod hcrmon;
pub mod media_independent;
pub mod net_addr;
pub mod oid;
pub mod ordered;
pub mod rmon1;
pub mod rmon2;
pub mod rmonprobe;
pub mod schema;
pub mod tc;
pub mod time;
pub mod value;

pub use net_addr::NetAddr;
pub use oid::Oid;
pub use tc::{DataSource, EntryStatus, MacAddr, Owner};
pub use time::Timestamp;
pub use value::Value;
