//! SNMP on the wire: the codec under the agent.
//!
//! [`oid`] and [`value`] are the data a variable binding carries, [`ber`] the encoding rules, and
//! [`message`] the datagrams of SNMPv1 and SNMPv2c that a command responder reads and writes.
//! Decoding checks the frame of a message itself and leaves the values to `snmp-parser` (see
//! [`message::decode_request`] for why); encoding is our own, since `snmp-parser` only reads.

pub mod ber;
pub mod message;
pub mod oid;
pub mod value;
