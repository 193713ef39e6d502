//! SNMP on the wire: the codec under the agent.
//!
//! [`oid`] and [`value`] are the data a variable binding carries, [`ber`] the encoding rules.

pub mod ber;
pub mod oid;
pub mod value;
