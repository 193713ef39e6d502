//! The values a variable binding carries: the SMIv2 types (RFC 2578) and the SNMPv2 exceptions
//! (RFC 3416).

use super::oid::Oid;

/// The value half of a variable binding.
///
/// One variant per type on the wire, so that encoding needs no further information. Unsigned32 is
/// not a variant of its own: it has Gauge32's tag (RFC 2578 section 7.1.11), so it is a `Gauge32`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    /// INTEGER and Integer32: the MIB's enumerations and signed numbers (RFC 2578 section 7.1.1).
    Integer(i32),
    /// OCTET STRING: DisplayString, PhysAddress (a MAC address), OwnerString, and raw bytes
    /// (RFC 2578 section 7.1.2). Up to 65535 octets in the SMI, not enforced here.
    OctetString(Vec<u8>),
    /// OBJECT IDENTIFIER: for RMON, a data source such as `ifIndex.1` (RFC 2578 section 7.1.3).
    ObjectId(Oid),
    /// IpAddress: an IPv4 address in network byte order (RFC 2578 section 7.1.5).
    IpAddress([u8; 4]),
    /// Counter32: wraps at 2^32 (RFC 2578 section 7.1.6); most RMON-1 statistics.
    Counter32(u32),
    /// Gauge32 and Unsigned32: latches at its maximum, or is a plain unsigned number
    /// (RFC 2578 sections 7.1.7 and 7.1.11).
    Gauge32(u32),
    /// TimeTicks: hundredths of a second since an epoch, such as sysUpTime (RFC 2578 section 7.1.8).
    TimeTicks(u32),
    /// Opaque: an arbitrary BER encoding wrapped in an octet string (RFC 2578 section 7.1.9). Kept
    /// for completeness; nothing in RMON uses it.
    Opaque(Vec<u8>),
    /// Counter64: the HC-RMON counters (RFC 2578 section 7.1.10). SNMPv2c only: a v1 agent answers
    /// a request for one as if the object did not exist (RFC 3584).
    Counter64(u64),
    /// NULL: what a manager puts in the bindings of a Get, GetNext or GetBulk request.
    Null,
    /// noSuchObject exception: no object type at this OID (RFC 3416 section 4.2.1). SNMPv2c only.
    NoSuchObject,
    /// noSuchInstance exception: the object type exists but not this instance (RFC 3416
    /// section 4.2.1). SNMPv2c only.
    NoSuchInstance,
    /// endOfMibView exception: a GetNext or GetBulk walked past the last object the agent serves
    /// (RFC 3416 section 4.2.2). SNMPv2c only.
    EndOfMibView,
}

impl Value {
    /// Whether this is one of the three SNMPv2 exceptions, which stand in for a value in a
    /// response. A v1 agent turns them into a noSuchName error instead (RFC 3584).
    pub fn is_exception(&self) -> bool {
        matches!(self, Value::NoSuchObject | Value::NoSuchInstance | Value::EndOfMibView)
    }

    /// The SMI name of the type, as net-snmp prints it and as error messages should say it (for
    /// a SET of the wrong type, say).
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Integer(_) => "INTEGER",
            Value::OctetString(_) => "OCTET STRING",
            Value::ObjectId(_) => "OBJECT IDENTIFIER",
            Value::IpAddress(_) => "IpAddress",
            Value::Counter32(_) => "Counter32",
            Value::Gauge32(_) => "Gauge32",
            Value::TimeTicks(_) => "TimeTicks",
            Value::Opaque(_) => "Opaque",
            Value::Counter64(_) => "Counter64",
            Value::Null => "NULL",
            Value::NoSuchObject => "noSuchObject",
            Value::NoSuchInstance => "noSuchInstance",
            Value::EndOfMibView => "endOfMibView",
        }
    }
}

/// As an operator's log shows a value: `INTEGER: 2`, `OCTET STRING: "noc"` (hex when not
/// printable text), `OBJECT IDENTIFIER: 1.3.6.1.2.1.2.2.1.1.1`.
impl std::fmt::Display for Value {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let name = self.type_name();
        match self {
            Value::Integer(v) => write!(f, "{name}: {v}"),
            Value::OctetString(s) | Value::Opaque(s) => match std::str::from_utf8(s) {
                Ok(text) if !text.chars().any(char::is_control) => write!(f, "{name}: {text:?}"),
                _ => {
                    write!(f, "{name}: 0x")?;
                    s.iter().try_for_each(|b| write!(f, "{b:02x}"))
                }
            },
            Value::ObjectId(oid) => write!(f, "{name}: {oid}"),
            Value::IpAddress([a, b, c, d]) => write!(f, "{name}: {a}.{b}.{c}.{d}"),
            Value::Counter32(v) | Value::Gauge32(v) | Value::TimeTicks(v) => write!(f, "{name}: {v}"),
            Value::Counter64(v) => write!(f, "{name}: {v}"),
            Value::Null | Value::NoSuchObject | Value::NoSuchInstance | Value::EndOfMibView => f.write_str(name),
        }
    }
}

// How a count the probe keeps in 64 bits is served in a 32-bit column (the views and the
// schemas' encoder share these).

/// A counter of 64 bits served as Counter32: it wraps, as the MIB says it does.
pub fn counter32(v: u64) -> Value {
    Value::Counter32(v as u32)
}

/// TimeTicks from exact hundredths of a second (they wrap after 497 days).
pub fn time_ticks(v: u64) -> Value {
    Value::TimeTicks(v as u32)
}

/// An Integer32 column from a count that might exceed it: capped, never negative.
pub fn integer(v: u64) -> Value {
    Value::Integer(i32::try_from(v).unwrap_or(i32::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_for_logs() {
        assert_eq!(Value::Integer(2).to_string(), "INTEGER: 2");
        assert_eq!(Value::OctetString(b"noc".to_vec()).to_string(), "OCTET STRING: \"noc\"");
        assert_eq!(Value::OctetString(vec![0, 0x5e, 1]).to_string(), "OCTET STRING: 0x005e01");
        assert_eq!(Value::ObjectId(Oid(vec![1, 3, 6])).to_string(), "OBJECT IDENTIFIER: 1.3.6");
        assert_eq!(Value::EndOfMibView.to_string(), "endOfMibView");
    }

    #[test]
    fn exceptions() {
        assert!(Value::NoSuchObject.is_exception());
        assert!(Value::NoSuchInstance.is_exception());
        assert!(Value::EndOfMibView.is_exception());
        for value in [
            Value::Integer(0),
            Value::OctetString(vec![]),
            Value::ObjectId(Oid::default()),
            Value::IpAddress([0; 4]),
            Value::Counter32(0),
            Value::Gauge32(0),
            Value::TimeTicks(0),
            Value::Opaque(vec![]),
            Value::Counter64(0),
            Value::Null,
        ] {
            assert!(!value.is_exception(), "{}", value.type_name());
        }
    }

    #[test]
    fn type_names() {
        assert_eq!(Value::Integer(-1).type_name(), "INTEGER");
        assert_eq!(Value::OctetString(b"probe".to_vec()).type_name(), "OCTET STRING");
        assert_eq!(Value::ObjectId(Oid::from_slice(&[1, 3])).type_name(), "OBJECT IDENTIFIER");
        assert_eq!(Value::Counter64(1).type_name(), "Counter64");
        assert_eq!(Value::EndOfMibView.type_name(), "endOfMibView");
    }
}
