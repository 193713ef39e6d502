//! Notifications the probe sends: an event's trap request (`rmon/event.rs`), which says typed
//! what fired the event, made into its notification (risingAlarm, fallingAlarm,
//! rmonprobePacketMatch) with the varbinds its OBJECTS clause lists, then encoded as an
//! SNMPv2-Trap-PDU or, for a v1 sink, as the Trap-PDU RFC 3584 (section 3.2) maps it to. The
//! varbinds' OIDs and values come from the tables' schemas (`mib/rmon1/`), so a trap reports a row
//! exactly as a GET of it would. Sans-IO like the agent: encoding here, the socket in `udp.rs`.

use std::fmt;
use std::net::{Ipv4Addr, SocketAddr};
use std::str::FromStr;

use crate::mib::rmon1::alarm::{ALARM_TABLE, AlarmEntry};
use crate::mib::rmon1::filter::{CHANNEL_TABLE, ChannelEntry};
use crate::mib::schema::Table;
use crate::rmon::alarm::{AlarmCrossing, Crossing};
use crate::rmon::event::{TrapCause, TrapRequest};
use crate::snmp::ber::{BerWriter, tag};
use crate::snmp::message::{VarBind, Version, encode_message, write_varbind};
use crate::snmp::oid::Oid;
use crate::snmp::value::Value;

/// risingAlarm NOTIFICATION-TYPE: 1.3.6.1.2.1.16.0.1.
pub const RISING_ALARM: [u32; 9] = [1, 3, 6, 1, 2, 1, 16, 0, 1];
/// fallingAlarm NOTIFICATION-TYPE: 1.3.6.1.2.1.16.0.2.
pub const FALLING_ALARM: [u32; 9] = [1, 3, 6, 1, 2, 1, 16, 0, 2];
/// rmonprobePacketMatch NOTIFICATION-TYPE (`mibs/RMONPROBE-MIB`): RMON-MIB defines no
/// notification for a channel's event, so the project's own module does.
pub const PACKET_MATCH: [u32; 10] = [1, 3, 6, 1, 4, 1, 32473, 21, 0, 1];

/// risingAlarm's and fallingAlarm's OBJECTS, in order, but for the last: the threshold reached,
/// alarmRisingThreshold or alarmFallingThreshold.
const ALARM_OBJECTS: [&str; 4] = ["alarmIndex", "alarmVariable", "alarmSampleType", "alarmValue"];
/// rmonprobePacketMatch's OBJECTS, in order.
const PACKET_MATCH_OBJECTS: [&str; 3] = ["channelIndex", "channelMatches", "channelDescription"];

/// sysUpTime.0, the first varbind of every SNMPv2 notification.
const SYS_UP_TIME_0: [u32; 9] = [1, 3, 6, 1, 2, 1, 1, 3, 0];
/// snmpTrapOID.0, the second.
const SNMP_TRAP_OID_0: [u32; 11] = [1, 3, 6, 1, 6, 3, 1, 1, 4, 1, 0];
/// The v1 generic-trap for a notification that is not one of SNMPv2-MIB's standard six.
const ENTERPRISE_SPECIFIC: i64 = 6;

/// Where notifications go: `HOST:PORT`, then optionally `/v1`, `/v2c` (the default), `/inform`
/// (v2c InformRequests, resent until acknowledged), `/v3:USER` (authenticated traps of a
/// configured SNMPv3 user) or `/v3inform:USER`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrapSink {
    pub addr: SocketAddr,
    /// The PDUs' version: v1, or v2c (SNMPv3 carries the v2c PDUs).
    pub version: Version,
    /// InformRequests instead of traps.
    pub inform: bool,
    /// The SNMPv3 user the notifications are sent as; None: community-based.
    pub user: Option<String>,
}

impl TrapSink {
    /// A community-based trap sink.
    pub fn traps(addr: SocketAddr, version: Version) -> TrapSink {
        TrapSink { addr, version, inform: false, user: None }
    }
}

impl FromStr for TrapSink {
    type Err = String;

    fn from_str(s: &str) -> Result<TrapSink, String> {
        let (addr, kind) = match s.rsplit_once('/') {
            Some((addr, kind)) => (addr, Some(kind)),
            None => (s, None),
        };
        let addr: SocketAddr = addr
            .parse()
            .map_err(|_| format!("trap sink {s:?}: {addr:?} is not an address and port, e.g. 127.0.0.1:162"))?;
        let user = |name: &str| -> Result<Option<String>, String> {
            if name.is_empty() {
                return Err(format!("trap sink {s:?}: the SNMPv3 user is missing (/v3:USER)"));
            }
            Ok(Some(name.to_string()))
        };
        let mut sink = TrapSink::traps(addr, Version::V2c);
        match kind {
            None | Some("v2c") => {}
            Some("v1") => sink.version = Version::V1,
            Some("inform") => sink.inform = true,
            Some(kind) => match kind.split_once(':') {
                Some(("v3", name)) => sink.user = user(name)?,
                Some(("v3inform", name)) => {
                    sink.user = user(name)?;
                    sink.inform = true;
                }
                _ => {
                    return Err(format!("trap sink {s:?}: {kind:?} is not v1, v2c, inform, v3:USER or v3inform:USER"));
                }
            },
        }
        Ok(sink)
    }
}

impl fmt::Display for TrapSink {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.user, self.inform, self.version) {
            (Some(user), true, _) => write!(f, "{}/v3inform:{user}", self.addr),
            (Some(user), false, _) => write!(f, "{}/v3:{user}", self.addr),
            (None, true, _) => write!(f, "{}/inform", self.addr),
            (None, false, Version::V1) => write!(f, "{}/v1", self.addr),
            (None, false, Version::V2c) => write!(f, "{}/v2c", self.addr),
        }
    }
}

/// The OID of the notification `trap` is: risingAlarm, fallingAlarm or rmonprobePacketMatch.
pub fn notification_oid(trap: &TrapRequest) -> Oid {
    let arcs: &[u32] = match &trap.cause {
        TrapCause::Alarm(AlarmCrossing { crossing: Crossing::Rising, .. }) => &RISING_ALARM,
        TrapCause::Alarm(AlarmCrossing { crossing: Crossing::Falling, .. }) => &FALLING_ALARM,
        TrapCause::PacketMatch { .. } => &PACKET_MATCH,
    };
    Oid(arcs.to_vec())
}

/// A notification as both PDU versions carry it: its OID and the varbinds of its OBJECTS, each
/// named by its instance (`alarmValue.N`), in the NOTIFICATION-TYPE's order.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Notification {
    oid: Oid,
    varbinds: Vec<VarBind>,
}

impl Notification {
    fn of(trap: &TrapRequest) -> Notification {
        let varbinds = match &trap.cause {
            TrapCause::Alarm(crossing) => {
                let mut row = AlarmEntry {
                    alarm_index: crossing.alarm_index,
                    alarm_variable: crossing.variable.clone(),
                    alarm_sample_type: crossing.sample_type,
                    alarm_value: crossing.value,
                    ..AlarmEntry::default()
                };
                let threshold = match crossing.crossing {
                    Crossing::Rising => {
                        row.alarm_rising_threshold = crossing.threshold;
                        "alarmRisingThreshold"
                    }
                    Crossing::Falling => {
                        row.alarm_falling_threshold = crossing.threshold;
                        "alarmFallingThreshold"
                    }
                };
                let mut names = ALARM_OBJECTS.to_vec();
                names.push(threshold);
                objects(&ALARM_TABLE, &row, &names)
            }
            TrapCause::PacketMatch { channel_index, matches, description } => {
                let row = ChannelEntry {
                    channel_index: *channel_index,
                    channel_matches: *matches,
                    channel_description: description.clone(),
                    ..ChannelEntry::default()
                };
                objects(&CHANNEL_TABLE, &row, &PACKET_MATCH_OBJECTS)
            }
        };
        Notification { oid: notification_oid(trap), varbinds }
    }
}

/// The varbinds of `table`'s columns `names` for `row`: the instance `entry.column.index` and the
/// value a GET of it answers (alarmValue clamped to Integer32, channelMatches a Counter32 that
/// wraps), so a trap and a poll of the same row agree. The names are the constants above, each
/// pinned by a test; one the schema lacked would be left out rather than stop the agent.
fn objects<E>(table: &Table<E>, row: &E, names: &[&str]) -> Vec<VarBind> {
    let mut index = Vec::new();
    table.instance_index(row, &mut index);
    names
        .iter()
        .filter_map(|name| {
            let column = table.column_named(name)?;
            let value = column.value(row)?;
            Some(VarBind { oid: Oid([table.entry, &[column.number], &index].concat()), value })
        })
        .collect()
}

/// The SNMPv2-Trap-PDU of `trap`: sysUpTime.0, snmpTrapOID.0, then the notification's objects.
pub fn encode_v2c(trap: &TrapRequest, request_id: i32) -> Vec<u8> {
    encode_message(Version::V2c, &trap.community, tag::SNMPV2_TRAP, request_id, 0, 0, &v2_varbinds(trap))
}

/// The varbinds of an SNMPv2 notification (trap or inform, any version): sysUpTime.0,
/// snmpTrapOID.0, then the notification's objects.
pub fn v2_varbinds(trap: &TrapRequest) -> Vec<VarBind> {
    let notification = Notification::of(trap);
    let mut varbinds = Vec::with_capacity(notification.varbinds.len() + 2);
    varbinds.push(VarBind { oid: Oid(SYS_UP_TIME_0.to_vec()), value: Value::TimeTicks(trap.sys_up_time as u32) });
    varbinds.push(VarBind { oid: Oid(SNMP_TRAP_OID_0.to_vec()), value: Value::ObjectId(notification.oid) });
    varbinds.extend(notification.varbinds);
    varbinds
}

/// The SNMPv1 Trap-PDU of `trap` (RFC 3584, 3.2): the notification OID's last sub-identifier is
/// the specific-trap, the rest (without a trailing 0) the enterprise; generic-trap is
/// enterpriseSpecific; Counter64 varbinds, which v1 cannot carry, are left out.
/// `agent_addr` is the probe's own IPv4 address as the sink should see it.
pub fn encode_v1(trap: &TrapRequest, agent_addr: Ipv4Addr) -> Vec<u8> {
    encode_v1_notification(&Notification::of(trap), &trap.community, trap.sys_up_time, agent_addr)
}

/// [`encode_v1`] of a notification already built: apart, so that a test can give it objects no
/// trap of ours carries yet (a Counter64).
fn encode_v1_notification(
    notification: &Notification,
    community: &[u8],
    sys_up_time: u64,
    agent_addr: Ipv4Addr,
) -> Vec<u8> {
    let arcs = notification.oid.as_slice();
    let (specific, mut enterprise) = match arcs.split_last() {
        Some((last, rest)) => (i64::from(*last), rest.to_vec()),
        None => (0, Vec::new()),
    };
    if enterprise.last() == Some(&0) {
        enterprise.pop();
    }
    let varbinds: Vec<&VarBind> =
        notification.varbinds.iter().filter(|varbind| !matches!(varbind.value, Value::Counter64(_))).collect();
    let mut w = BerWriter::new();
    // Back to front, as the response encoder writes.
    w.constructed(tag::SEQUENCE, |w| {
        w.constructed(tag::TRAP_V1, |w| {
            w.constructed(tag::SEQUENCE, |w| {
                for varbind in varbinds.iter().rev() {
                    write_varbind(w, varbind);
                }
            });
            w.unsigned(tag::TIME_TICKS, sys_up_time & u64::from(u32::MAX));
            w.integer(tag::INTEGER, specific);
            w.integer(tag::INTEGER, ENTERPRISE_SPECIFIC);
            w.octets(tag::IP_ADDRESS, &agent_addr.octets());
            w.oid(&enterprise);
        });
        w.octets(tag::OCTET_STRING, community);
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
pub(crate) mod tests {
    use super::*;
    use crate::rmon::control::{EntryStatus, Owner};
    use crate::rmon::event::tests::crossing;
    use crate::rmon::event::{Cause, Event, EventTable, EventType};
    use snmp_parser::asn1_rs::FromBer;
    use snmp_parser::{NetworkAddress, ObjectSyntax, SnmpMessage, SnmpPdu, TrapType, VarBindValue};

    pub(crate) fn rising() -> TrapRequest {
        let mut alarm = crossing(7, Crossing::Rising, 41);
        alarm.threshold = 40;
        TrapRequest {
            event_index: 3,
            community: b"traps".to_vec(),
            sys_up_time: 12_345,
            cause: TrapCause::Alarm(alarm),
        }
    }

    /// Events 3 (snmpTrap) and 4 (logAndTrap), community "traps".
    fn events() -> EventTable {
        let mut t = EventTable::new(10);
        for (index, event_type) in [(3, EventType::SnmpTrap), (4, EventType::LogAndTrap)] {
            let event =
                Event::new("high load".into(), event_type, b"traps".to_vec(), Owner::monitor(), EntryStatus::Valid);
            t.insert(index, event);
        }
        t
    }

    /// The notification's varbinds as (dotted OID, value).
    fn objects_of(trap: &TrapRequest) -> Vec<(String, Value)> {
        Notification::of(trap).varbinds.into_iter().map(|v| (v.oid.to_string(), v.value)).collect()
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
        let trap = rising();
        let mut notification = Notification::of(&trap);
        notification.varbinds.push(VarBind { oid: Oid(vec![1, 3, 6, 1, 9]), value: Value::Counter64(1 << 40) });
        let bytes = encode_v1_notification(&notification, &trap.community, (1 << 32) + 5, Ipv4Addr::new(192, 0, 2, 1));
        assert_eq!(
            encode_v1(&trap, Ipv4Addr::new(192, 0, 2, 1)),
            encode_v1_notification(
                &Notification::of(&trap),
                &trap.community,
                trap.sys_up_time,
                Ipv4Addr::new(192, 0, 2, 1)
            ),
        );
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
    fn rising_trap_has_the_mib_varbinds() {
        let mut t = events();
        let trap = t.fire(3, 4242, &Cause::Alarm(&crossing(7, Crossing::Rising, 1500))).unwrap();
        assert_eq!(notification_oid(&trap).to_string(), "1.3.6.1.2.1.16.0.1");
        assert_eq!((trap.event_index, trap.community.as_slice(), trap.sys_up_time), (3, &b"traps"[..], 4242));
        assert_eq!(Notification::of(&trap).oid, notification_oid(&trap));
        assert_eq!(
            objects_of(&trap),
            vec![
                ("1.3.6.1.2.1.16.3.1.1.1.7".to_string(), Value::Integer(7)),
                ("1.3.6.1.2.1.16.3.1.1.3.7".to_string(), Value::ObjectId("1.3.6.1.2.1.16.1.1.1.5.1".parse().unwrap())),
                ("1.3.6.1.2.1.16.3.1.1.4.7".to_string(), Value::Integer(2)),
                ("1.3.6.1.2.1.16.3.1.1.5.7".to_string(), Value::Integer(1500)),
                ("1.3.6.1.2.1.16.3.1.1.7.7".to_string(), Value::Integer(1000)),
            ]
        );
    }

    #[test]
    fn falling_trap_names_the_falling_threshold_and_clamps_the_value() {
        let mut t = events();
        let trap = t.fire(4, 1, &Cause::Alarm(&crossing(2, Crossing::Falling, -5_000_000_000))).unwrap();
        assert_eq!(notification_oid(&trap).to_string(), "1.3.6.1.2.1.16.0.2");
        let varbinds = Notification::of(&trap).varbinds;
        assert_eq!(
            varbinds[3],
            VarBind { oid: Oid(vec![1, 3, 6, 1, 2, 1, 16, 3, 1, 1, 5, 2]), value: Value::Integer(i32::MIN) }
        );
        assert_eq!(
            varbinds[4],
            VarBind { oid: Oid(vec![1, 3, 6, 1, 2, 1, 16, 3, 1, 1, 8, 2]), value: Value::Integer(100) }
        );
        // Above Integer32, the other way.
        let trap = t.fire(4, 2, &Cause::Alarm(&crossing(2, Crossing::Rising, 5_000_000_000))).unwrap();
        assert_eq!(Notification::of(&trap).varbinds[3].value, Value::Integer(i32::MAX));
    }

    #[test]
    fn packet_match_trap_has_the_channel_varbinds() {
        let mut t = events();
        let matched = Cause::PacketMatch { channel_index: 2, matches: (1 << 32) + 57, description: "ICMP" };
        let trap = t.fire(3, 9, &matched).unwrap();
        assert_eq!(notification_oid(&trap).as_slice(), PACKET_MATCH);
        assert_eq!(notification_oid(&trap).to_string(), "1.3.6.1.4.1.32473.21.0.1");
        assert_eq!(
            objects_of(&trap),
            vec![
                ("1.3.6.1.2.1.16.7.2.1.1.2".to_string(), Value::Integer(2)),
                // channelMatches is a Counter32: it wraps.
                ("1.3.6.1.2.1.16.7.2.1.9.2".to_string(), Value::Counter32(57)),
                ("1.3.6.1.2.1.16.7.2.1.10.2".to_string(), Value::OctetString(b"ICMP".to_vec())),
            ]
        );
    }

    #[test]
    fn every_object_name_is_a_column_of_its_table() {
        for name in ALARM_OBJECTS.iter().chain(&["alarmRisingThreshold", "alarmFallingThreshold"]) {
            assert!(ALARM_TABLE.column_named(name).is_some(), "{name}");
        }
        for name in PACKET_MATCH_OBJECTS {
            assert!(CHANNEL_TABLE.column_named(name).is_some(), "{name}");
        }
    }

    #[test]
    fn sinks_parse_with_v2c_by_default() {
        let sink: TrapSink = "127.0.0.1:162".parse().unwrap();
        assert_eq!((sink.addr.port(), sink.version), (162, Version::V2c));
        let sink: TrapSink = "[::1]:1162/v1".parse().unwrap();
        assert_eq!((sink.addr.port(), sink.version), (1162, Version::V1));
        assert_eq!(sink.to_string(), "[::1]:1162/v1");
        for text in ["127.0.0.1:162/inform", "127.0.0.1:162/v3:ops", "127.0.0.1:162/v3inform:ops", "127.0.0.1:162/v2c"]
        {
            let sink: TrapSink = text.parse().unwrap();
            assert_eq!(sink.to_string(), text);
        }
        let sink: TrapSink = "127.0.0.1:162/v3inform:ops".parse().unwrap();
        assert!(sink.inform && sink.user.as_deref() == Some("ops"));
        for bad in ["127.0.0.1", "127.0.0.1:162/v3", "127.0.0.1:162/v3:", "host:162", ""] {
            assert!(bad.parse::<TrapSink>().is_err(), "{bad}");
        }
    }
}
