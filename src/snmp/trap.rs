//! Notifications the probe sends: an event's trap request (`rmon/event.rs`) as an SNMPv2-Trap-PDU
//! or, for a v1 sink, as the Trap-PDU RFC 3584 (section 3.2) maps it to. Sans-IO like the agent:
//! encoding here, the socket in `udp.rs`.

use std::fmt;
use std::net::{Ipv4Addr, SocketAddr};
use std::str::FromStr;

use crate::rmon::event::TrapRequest;
use crate::snmp::ber::{BerWriter, tag};
use crate::snmp::message::{VarBind, Version, encode_message, write_varbind};
use crate::snmp::oid::Oid;
use crate::snmp::value::Value;

/// sysUpTime.0, the first varbind of every SNMPv2 notification.
const SYS_UP_TIME_0: [u32; 9] = [1, 3, 6, 1, 2, 1, 1, 3, 0];
/// snmpTrapOID.0, the second.
const SNMP_TRAP_OID_0: [u32; 11] = [1, 3, 6, 1, 6, 3, 1, 1, 4, 1, 0];
/// The v1 generic-trap for a notification that is not one of SNMPv2-MIB's standard six.
const ENTERPRISE_SPECIFIC: i64 = 6;

/// Where traps go: `HOST:PORT`, optionally `/v1` or `/v2c` (v2c when not said).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TrapSink {
    pub addr: SocketAddr,
    pub version: Version,
}

impl FromStr for TrapSink {
    type Err = String;

    fn from_str(s: &str) -> Result<TrapSink, String> {
        let (addr, version) = match s.rsplit_once('/') {
            Some((addr, "v1")) => (addr, Version::V1),
            Some((addr, "v2c")) => (addr, Version::V2c),
            Some((_, other)) => return Err(format!("trap sink {s:?}: version {other:?} is not v1 or v2c")),
            None => (s, Version::V2c),
        };
        let addr = addr
            .parse()
            .map_err(|_| format!("trap sink {s:?}: {addr:?} is not an address and port, e.g. 127.0.0.1:162"))?;
        Ok(TrapSink { addr, version })
    }
}

impl fmt::Display for TrapSink {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let version = match self.version {
            Version::V1 => "v1",
            Version::V2c => "v2c",
        };
        write!(f, "{}/{version}", self.addr)
    }
}

/// The SNMPv2-Trap-PDU of `trap`: sysUpTime.0, snmpTrapOID.0, then the notification's objects.
pub fn encode_v2c(trap: &TrapRequest, request_id: i32) -> Vec<u8> {
    let mut varbinds = Vec::with_capacity(trap.varbinds.len() + 2);
    varbinds.push(VarBind { oid: Oid(SYS_UP_TIME_0.to_vec()), value: Value::TimeTicks(trap.sys_up_time as u32) });
    varbinds.push(VarBind { oid: Oid(SNMP_TRAP_OID_0.to_vec()), value: Value::ObjectId(trap.trap_oid.clone()) });
    varbinds.extend(trap.varbinds.iter().map(|(oid, value)| VarBind { oid: oid.clone(), value: value.clone() }));
    encode_message(Version::V2c, &trap.community, tag::SNMPV2_TRAP, request_id, 0, 0, &varbinds)
}

/// The SNMPv1 Trap-PDU of `trap` (RFC 3584, 3.2): the notification OID's last sub-identifier is
/// the specific-trap, the rest (without a trailing 0) the enterprise; generic-trap is
/// enterpriseSpecific; Counter64 varbinds, which v1 cannot carry, are left out.
/// `agent_addr` is the probe's own IPv4 address as the sink should see it.
pub fn encode_v1(trap: &TrapRequest, agent_addr: Ipv4Addr) -> Vec<u8> {
    let arcs = trap.trap_oid.as_slice();
    let (specific, mut enterprise) = match arcs.split_last() {
        Some((last, rest)) => (i64::from(*last), rest.to_vec()),
        None => (0, Vec::new()),
    };
    if enterprise.last() == Some(&0) {
        enterprise.pop();
    }
    let varbinds: Vec<VarBind> = trap
        .varbinds
        .iter()
        .filter(|(_, value)| !matches!(value, Value::Counter64(_)))
        .map(|(oid, value)| VarBind { oid: oid.clone(), value: value.clone() })
        .collect();
    let mut w = BerWriter::new();
    // Back to front, as the response encoder writes.
    w.constructed(tag::SEQUENCE, |w| {
        w.constructed(tag::TRAP_V1, |w| {
            w.constructed(tag::SEQUENCE, |w| {
                for varbind in varbinds.iter().rev() {
                    write_varbind(w, varbind);
                }
            });
            w.unsigned(tag::TIME_TICKS, trap.sys_up_time & u64::from(u32::MAX));
            w.integer(tag::INTEGER, specific);
            w.integer(tag::INTEGER, ENTERPRISE_SPECIFIC);
            w.octets(tag::IP_ADDRESS, &agent_addr.octets());
            w.oid(&enterprise);
        });
        w.octets(tag::OCTET_STRING, &trap.community);
        w.integer(tag::INTEGER, i64::from(Version::V1.code()));
    });
    w.finish()
}

/// The datagram for `sink`.
pub fn encode_for(sink: &TrapSink, trap: &TrapRequest, request_id: i32, agent_addr: Ipv4Addr) -> Vec<u8> {
    match sink.version {
        Version::V1 => encode_v1(trap, agent_addr),
        Version::V2c => encode_v2c(trap, request_id),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use snmp_parser::asn1_rs::FromBer;
    use snmp_parser::{NetworkAddress, ObjectSyntax, SnmpMessage, SnmpPdu, TrapType, VarBindValue};

    fn rising() -> TrapRequest {
        let column = |c: u32| Oid(vec![1, 3, 6, 1, 2, 1, 16, 3, 1, 1, c, 7]);
        TrapRequest {
            event_index: 3,
            community: b"traps".to_vec(),
            sys_up_time: 12_345,
            trap_oid: Oid(vec![1, 3, 6, 1, 2, 1, 16, 0, 1]),
            varbinds: vec![
                (column(1), Value::Integer(7)),
                (column(3), Value::ObjectId(Oid(vec![1, 3, 6, 1, 2, 1, 16, 1, 1, 1, 5, 1]))),
                (column(4), Value::Integer(2)),
                (column(5), Value::Integer(41)),
                (column(7), Value::Integer(40)),
            ],
        }
    }

    fn arcs(oid: &snmp_parser::Oid<'_>) -> Vec<u32> {
        oid.iter().expect("small arcs").map(|a| a as u32).collect()
    }

    fn integer(v: &VarBindValue<'_>) -> i64 {
        match v {
            VarBindValue::Value(ObjectSyntax::Number(n)) => i64::from(*n),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_v2c_trap_reads_back_with_sys_up_time_and_snmp_trap_oid_first() {
        let bytes = encode_v2c(&rising(), 99);
        let (rest, msg) = SnmpMessage::from_ber(&bytes).expect("a message");
        assert!(rest.is_empty());
        assert_eq!((msg.version, msg.community.as_str()), (1, "traps"));
        let SnmpPdu::Generic(pdu) = &msg.pdu else { panic!("{:?}", msg.pdu) };
        assert_eq!((pdu.pdu_type.0, pdu.req_id), (7, 99));
        assert_eq!(pdu.var.len(), 7);
        assert_eq!(arcs(&pdu.var[0].oid), SYS_UP_TIME_0);
        assert!(matches!(pdu.var[0].val, VarBindValue::Value(ObjectSyntax::TimeTicks(12_345))), "{:?}", pdu.var[0].val);
        assert_eq!(arcs(&pdu.var[1].oid), SNMP_TRAP_OID_0);
        let VarBindValue::Value(ObjectSyntax::Object(trap)) = &pdu.var[1].val else { panic!() };
        assert_eq!(arcs(trap), [1, 3, 6, 1, 2, 1, 16, 0, 1]);
        assert_eq!(arcs(&pdu.var[5].oid), [1, 3, 6, 1, 2, 1, 16, 3, 1, 1, 5, 7]);
        assert_eq!(integer(&pdu.var[5].val), 41);
    }

    #[test]
    fn a_v1_trap_is_mapped_as_rfc_3584_says() {
        let mut trap = rising();
        trap.varbinds.push((Oid(vec![1, 3, 6, 1, 9]), Value::Counter64(1 << 40)));
        trap.sys_up_time = (1 << 32) + 5;
        let bytes = encode_v1(&trap, Ipv4Addr::new(192, 0, 2, 1));
        let (rest, msg) = SnmpMessage::from_ber(&bytes).expect("a message");
        assert!(rest.is_empty());
        assert_eq!((msg.version, msg.community.as_str()), (0, "traps"));
        let SnmpPdu::TrapV1(pdu) = &msg.pdu else { panic!("{:?}", msg.pdu) };
        // risingAlarm is rmon.0.1: enterprise rmon, the 0 dropped, specific-trap 1.
        assert_eq!(arcs(&pdu.enterprise), [1, 3, 6, 1, 2, 1, 16]);
        assert_eq!(pdu.generic_trap, TrapType::ENTERPRISE_SPECIFIC);
        assert_eq!(pdu.specific_trap, 1);
        assert_eq!(pdu.agent_addr, NetworkAddress::IPv4(Ipv4Addr::new(192, 0, 2, 1)));
        assert_eq!(pdu.timestamp, 5, "TimeTicks wrap at 2^32");
        // The five objects of the notification; the Counter64 is not there.
        assert_eq!(pdu.var.len(), 5);
        assert_eq!(arcs(&pdu.var[0].oid), [1, 3, 6, 1, 2, 1, 16, 3, 1, 1, 1, 7]);
        assert_eq!(integer(&pdu.var[4].val), 40);
    }

    #[test]
    fn sinks_parse_with_v2c_by_default() {
        let sink: TrapSink = "127.0.0.1:162".parse().unwrap();
        assert_eq!((sink.addr.port(), sink.version), (162, Version::V2c));
        let sink: TrapSink = "[::1]:1162/v1".parse().unwrap();
        assert_eq!((sink.addr.port(), sink.version), (1162, Version::V1));
        assert_eq!(sink.to_string(), "[::1]:1162/v1");
        for bad in ["127.0.0.1", "127.0.0.1:162/v3", "host:162", ""] {
            assert!(bad.parse::<TrapSink>().is_err(), "{bad}");
        }
    }
}
