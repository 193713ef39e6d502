//! The SNMP agent's refusals through its sans-IO core: every error status of RFC 3416 in a
//! table, with the SNMPv1 form RFC 3584 gives it; the datagrams it drops and the snmp-group
//! counters that count them; and the rows managers set, kept across a restart by the state file.

mod common;

use std::net::UdpSocket;
use std::time::Duration;

use rmonprobe::rmon::control::{DataSource, EntryStatus};
use rmonprobe::rmon::topn::RateBase;
use rmonprobe::rmon::{Limits, Probe, RowRequest, Timestamp};
use rmonprobe::snmp::Backend;
use rmonprobe::snmp::message::{ErrorStatus, PduKind, Request, VarBind, Version, encode_request};
use rmonprobe::snmp::oid::Oid;
use rmonprobe::snmp::value::Value;
use rmonprobe::state::{self, ProbeState, StateError};

use common::*;

/// What a case expects.
#[derive(Clone, Debug)]
enum Expect {
    /// noError with these varbinds.
    Values(Vec<(Oid, Value)>),
    /// noError, the request's varbinds repeated (a SET taken).
    Taken,
    /// This error-status and error-index, the request's varbinds repeated.
    Error(ErrorStatus, u32),
}

struct Case {
    what: &'static str,
    kind: PduKind,
    community: &'static [u8],
    varbinds: Vec<VarBind>,
    v2c: Expect,
    v1: Expect,
}

fn case(what: &'static str, kind: PduKind, varbinds: Vec<VarBind>, v2c: Expect, v1: Expect) -> Case {
    let community: &[u8] = if kind == PduKind::Set { b"private" } else { b"public" };
    Case { what, kind, community, varbinds, v2c, v1 }
}

fn int(i: i32) -> Value {
    Value::Integer(i)
}

fn octets(n: usize) -> Value {
    Value::OctetString(vec![b'o'; n])
}

fn sys(sub: u32) -> Oid {
    o(SYSTEM, &[sub, 0])
}

fn es(column: u32, index: u32) -> Oid {
    o(ETHER_STATS, &[column, index])
}

fn if1() -> Value {
    Value::ObjectId(o(IF_INDEX, &[1]))
}

fn host_a(column: u32) -> Oid {
    o(HOST, &[column, 1]).then(&mac_index(mac(1)))
}

/// The value a GET reads after a SET of `value` to `oid` was taken.
fn read_back(oid: &Oid, value: &Value) -> Value {
    let status_columns = [(ETHER_STATS, 21), (HISTORY_CONTROL, 7), (HOST_CONTROL, 6), (TOP_N_CONTROL, 10)];
    let is_status = status_columns.iter().any(|(entry, col)| oid.starts_with(o(entry, &[*col]).as_slice()));
    match value {
        Value::Integer(2) if is_status => int(3),
        Value::Integer(4) if is_status => Value::NoSuchInstance,
        other => other.clone(),
    }
}

fn cases() -> Vec<Case> {
    use ErrorStatus::*;
    use Expect::{Error as E, Taken, Values};
    use PduKind::{Get, GetNext, Set};
    let descr = text("rmonprobe under test: a passive RMON probe");
    let missing_object = o(SYSTEM, &[99, 0]);
    let beyond = o("2.0.0", &[]);
    let last = o(IF_X, &[19, 1]);
    let stranger = o("1.3.6.1.4.1.99999.1.0", &[]);
    let if_out_broadcast = o(IF_X, &[5, 1]);
    let if_hc_in_octets = o(IF_X, &[6, 1]);
    let status_9 = es(21, 9);
    vec![
        // Reads.
        case(
            "GET of an object the agent does not have",
            Get,
            vec![null(&sys(1)), null(&missing_object), null(&stranger)],
            Values(vec![
                (sys(1), descr.clone()),
                (missing_object.clone(), Value::NoSuchObject),
                (stranger, Value::NoSuchObject),
            ]),
            E(NoSuchName, 2),
        ),
        case(
            "GET of a column the entry does not have",
            Get,
            vec![null(&es(22, 1))],
            Values(vec![(es(22, 1), Value::NoSuchObject)]),
            E(NoSuchName, 1),
        ),
        case(
            "GET of instances that do not exist",
            Get,
            vec![
                null(&es(5, 1)),
                null(&es(5, 9)),
                null(&o(SYSTEM, &[1, 1])),
                null(&host_a(4)),
                null(&o(HOST, &[4, 1, 6, 9, 9, 9, 9, 9, 9])),
            ],
            Values(vec![
                (es(5, 1), Value::Counter32(7)),
                (es(5, 9), Value::NoSuchInstance),
                (o(SYSTEM, &[1, 1]), Value::NoSuchInstance),
                (host_a(4), Value::Counter32(2)),
                (o(HOST, &[4, 1, 6, 9, 9, 9, 9, 9, 9]), Value::NoSuchInstance),
            ]),
            E(NoSuchName, 2),
        ),
        case(
            "GETNEXT past the end of the MIB",
            GetNext,
            vec![null(&sys(3)), null(&last), null(&beyond)],
            Values(vec![
                (sys(4), text("noc@example.net")),
                (last.clone(), Value::EndOfMibView),
                (beyond.clone(), Value::EndOfMibView),
            ]),
            E(NoSuchName, 2),
        ),
        case(
            "GET of a Counter64",
            Get,
            vec![null(&sys(3)), null(&if_hc_in_octets)],
            Values(vec![(sys(3), Value::TimeTicks(10_000)), (if_hc_in_octets.clone(), Value::Counter64(2282))]),
            E(NoSuchName, 2),
        ),
        case(
            "GETNEXT onto Counter64 objects",
            GetNext,
            vec![null(&if_out_broadcast), null(&o(IF_X, &[6]))],
            Values(vec![
                (if_hc_in_octets.clone(), Value::Counter64(2282)),
                (if_hc_in_octets.clone(), Value::Counter64(2282)),
            ]),
            // ifLinkUpDownTrapEnable.1, false(2): the first instance after them that is not a
            // Counter64.
            Values(vec![(o(IF_X, &[14, 1]), int(2)), (o(IF_X, &[14, 1]), int(2))]),
        ),
        // SETs: RFC 3416 4.2.5's checks in their order, and RFC 3584 4.4's v1 forms.
        Case {
            community: b"public",
            ..case(
                "SET with the read-only community",
                Set,
                vec![vb(sys(4), text("x")), vb(es(21, 7), int(2))],
                E(NoAccess, 1),
                E(NoSuchName, 1),
            )
        },
        case(
            "SET of a read-only column, with its own type",
            Set,
            vec![vb(es(5, 1), Value::Counter32(0))],
            E(NotWritable, 1),
            E(NoSuchName, 1),
        ),
        case(
            "SET of an index column",
            Set,
            vec![vb(sys(4), text("x")), vb(es(1, 1), int(1))],
            E(NotWritable, 2),
            E(NoSuchName, 2),
        ),
        case("SET of a read-only scalar", Set, vec![vb(sys(1), text("x"))], E(NotWritable, 1), E(NoSuchName, 1)),
        case("SET of sysUpTime", Set, vec![vb(sys(3), Value::TimeTicks(5))], E(NotWritable, 1), E(NoSuchName, 1)),
        case("SET of a data table", Set, vec![vb(host_a(4), Value::Counter32(1))], E(NotWritable, 1), E(NoSuchName, 1)),
        case(
            "SET of an unknown object",
            Set,
            vec![vb(o("1.3.6.1.4.1.99999.1.0", &[]), int(1))],
            E(NotWritable, 1),
            E(NoSuchName, 1),
        ),
        case(
            "SET of the wrong type (owner)",
            Set,
            vec![vb(sys(4), text("x")), vb(es(20, 1), int(1))],
            E(WrongType, 2),
            E(BadValue, 2),
        ),
        case(
            "SET of the wrong type (status)",
            Set,
            vec![vb(es(21, 1), text("valid"))],
            E(WrongType, 1),
            E(BadValue, 1),
        ),
        case("SET of the wrong type (sysContact)", Set, vec![vb(sys(4), int(3))], E(WrongType, 1), E(BadValue, 1)),
        case("SET of a 128-octet owner", Set, vec![vb(es(20, 1), octets(128))], E(WrongLength, 1), E(BadValue, 1)),
        case("SET of a 256-octet sysContact", Set, vec![vb(sys(4), octets(256))], E(WrongLength, 1), E(BadValue, 1)),
        case("SET of a status out of range", Set, vec![vb(es(21, 1), int(5))], E(WrongValue, 1), E(BadValue, 1)),
        case(
            "SET of a data source that is no ifIndex",
            Set,
            vec![vb(status_9.clone(), int(2)), vb(es(2, 9), Value::ObjectId(sys(1)))],
            E(WrongValue, 2),
            E(BadValue, 2),
        ),
        case(
            "SET of snmpEnableAuthenTraps to 3",
            Set,
            vec![vb(o(SNMP, &[30, 0]), int(3))],
            E(WrongValue, 1),
            E(BadValue, 1),
        ),
        case("SET of index 0", Set, vec![vb(es(21, 0), int(2))], E(NoCreation, 1), E(NoSuchName, 1)),
        case(
            "SET of index 70000",
            Set,
            vec![vb(o(HOST_CONTROL, &[6, 70_000]), int(2))],
            E(NoCreation, 1),
            E(NoSuchName, 1),
        ),
        case(
            "SET of an index of two sub-identifiers",
            Set,
            vec![vb(o(ETHER_STATS, &[21, 1, 1]), int(2))],
            E(NoCreation, 1),
            E(NoSuchName, 1),
        ),
        // The name of an instance that can never exist is judged after the type, length and value.
        case(
            "SET of the wrong type where no row can be",
            Set,
            vec![vb(o(ETHER_STATS, &[21, 1, 1]), text("x"))],
            E(WrongType, 1),
            E(BadValue, 1),
        ),
        case(
            "SET of a read-only column where no row can be",
            Set,
            vec![vb(o(ETHER_STATS, &[5, 1, 1]), int(1))],
            E(NotWritable, 1),
            E(NoSuchName, 1),
        ),
        case(
            "SET of a 128-octet owner where no row can be",
            Set,
            vec![vb(o(ETHER_STATS, &[20, 1, 1]), octets(128))],
            E(WrongLength, 1),
            E(BadValue, 1),
        ),
        case(
            "SET of the wrong type to sysContact.1",
            Set,
            vec![vb(o(SYSTEM, &[4, 1]), int(1))],
            E(WrongType, 1),
            E(BadValue, 1),
        ),
        case("SET of sysContact.1", Set, vec![vb(o(SYSTEM, &[4, 1]), text("x"))], E(NoCreation, 1), E(NoSuchName, 1)),
        case(
            "SET of a column of a row that does not exist",
            Set,
            vec![vb(es(20, 9), text("x"))],
            E(InconsistentName, 1),
            E(NoSuchName, 1),
        ),
        case(
            "createRequest on an existing row",
            Set,
            vec![vb(es(21, 1), int(2))],
            E(InconsistentValue, 1),
            E(BadValue, 1),
        ),
        case(
            "SET of a data source while valid",
            Set,
            vec![vb(es(2, 1), if1())],
            E(InconsistentValue, 1),
            E(BadValue, 1),
        ),
        case(
            "SET of an interval while valid",
            Set,
            vec![vb(o(HISTORY_CONTROL, &[5, 1]), int(60))],
            E(InconsistentValue, 1),
            E(BadValue, 1),
        ),
        case(
            "SET of an interface the probe does not have",
            Set,
            vec![vb(status_9.clone(), int(2)), vb(es(2, 9), Value::ObjectId(o(IF_INDEX, &[2])))],
            E(InconsistentValue, 2),
            E(BadValue, 2),
        ),
        case(
            "two statuses for one row",
            Set,
            vec![vb(status_9.clone(), int(2)), vb(status_9.clone(), int(1))],
            E(InconsistentValue, 2),
            E(BadValue, 2),
        ),
        case(
            "valid on a row that does not exist",
            Set,
            vec![vb(o(HOST_CONTROL, &[6, 1]), int(3)), vb(o(HOST_CONTROL, &[6, 4]), int(1))],
            E(InconsistentValue, 2),
            E(BadValue, 2),
        ),
        // All or nothing: the good edits before the bad one are not made (checked by the runner).
        case(
            "all or nothing: a bad owner last",
            Set,
            vec![vb(sys(4), text("changed")), vb(status_9.clone(), int(2)), vb(es(20, 1), octets(128))],
            E(WrongLength, 3),
            E(BadValue, 3),
        ),
        case(
            "all or nothing: a row that exists",
            Set,
            vec![vb(status_9.clone(), int(2)), vb(es(21, 1), int(2))],
            E(InconsistentValue, 2),
            E(BadValue, 2),
        ),
        case(
            "all or nothing: a bad sysLocation",
            Set,
            vec![vb(status_9.clone(), int(2)), vb(sys(6), int(7))],
            E(WrongType, 2),
            E(BadValue, 2),
        ),
        case(
            "all or nothing: index 0 last",
            Set,
            vec![vb(sys(5), text("n")), vb(es(21, 0), int(2))],
            E(NoCreation, 2),
            E(NoSuchName, 2),
        ),
        // Taken.
        case("SET of sysContact", Set, vec![vb(sys(4), text("ops@example.net"))], Taken, Taken),
        case("SET of a 255-octet sysLocation", Set, vec![vb(sys(6), octets(255))], Taken, Taken),
        case("SET of a 127-octet owner on a valid row", Set, vec![vb(es(20, 1), octets(127))], Taken, Taken),
        // 4 is createAndGo in RowStatus: a manager must hear that no row was made (issue 15).
        case(
            "invalid on a row that does not exist",
            Set,
            vec![vb(status_9.clone(), int(4))],
            E(NoCreation, 1),
            E(NoSuchName, 1),
        ),
        case("invalid on a default row", Set, vec![vb(o(HOST_CONTROL, &[6, 1]), int(4))], Taken, Taken),
        case(
            "a row made in one PDU",
            Set,
            vec![vb(es(20, 9), text("t")), vb(status_9.clone(), int(2)), vb(es(2, 9), if1())],
            Taken,
            Taken,
        ),
    ]
}

#[test]
fn error_statuses_for_v2c_and_v1() {
    let mut failures = Vec::new();
    let mut checked = 0;
    for c in cases() {
        for (version, expect) in [(Version::V2c, &c.v2c), (Version::V1, &c.v1)] {
            let mut agent = agent_with(default_config(), &known_frames());
            let before = (agent.backend_mut().snapshot(NOW).tables.clone(), agent.system().clone());
            let req = request(version, c.kind, c.community, c.varbinds.clone());
            let Some(ans) = ask(&mut agent, &req) else {
                failures.push(format!("{} ({version:?}): no answer", c.what));
                continue;
            };
            let echo: Vec<(Oid, Value)> = c.varbinds.iter().map(|v| (v.oid.clone(), v.value.clone())).collect();
            let (status, index, varbinds) = match expect {
                Expect::Values(values) => (ErrorStatus::NoError, 0, values.clone()),
                Expect::Taken => (ErrorStatus::NoError, 0, echo.clone()),
                Expect::Error(status, index) => (*status, *index, echo.clone()),
            };
            let got = (ans.status, ans.index, &ans.varbinds);
            if got != (u32::from(status.code()), index, &varbinds) {
                failures.push(format!(
                    "{} ({version:?}): got status {} index {} {:?}; want {status:?} index {index}",
                    c.what, ans.status, ans.index, ans.varbinds
                ));
                continue;
            }
            let after = (agent.backend_mut().snapshot(NOW).tables.clone(), agent.system().clone());
            if matches!(expect, Expect::Taken) {
                // What was set reads back.
                let gets: Vec<VarBind> = c.varbinds.iter().map(|v| null(&v.oid)).collect();
                let read = ask(&mut agent, &request(Version::V2c, PduKind::Get, b"public", gets)).unwrap();
                let want: Vec<(Oid, Value)> = echo.iter().map(|(k, v)| (k.clone(), read_back(k, v))).collect();
                if read.varbinds != want {
                    failures.push(format!("{} ({version:?}): reads back {:?}", c.what, read.varbinds));
                }
            } else if after != before {
                failures.push(format!("{} ({version:?}): something changed", c.what));
            }
            // The v1 errors are counted (RFC 1213 snmpOutNoSuchNames, snmpOutBadValues).
            let counters = agent.counters();
            let counted = match status {
                ErrorStatus::NoSuchName => counters.out_no_such_names,
                ErrorStatus::BadValue => counters.out_bad_values,
                _ => 1,
            };
            if counted != 1 {
                failures.push(format!("{} ({version:?}): {status:?} counted {counted} times", c.what));
            }
            checked += 1;
        }
    }
    assert!(failures.is_empty(), "{} of {} cases failed:\n{}", failures.len(), 2 * cases().len(), failures.join("\n"));
    assert_eq!(checked, 2 * cases().len());
}

#[test]
fn a_refused_set_changes_nothing_that_a_get_can_see() {
    let mut agent = agent_with(default_config(), &known_frames());
    let set = vec![vb(sys(4), text("changed")), vb(es(21, 9), int(2)), vb(es(20, 1), octets(128))];
    let ans = ask(&mut agent, &request(Version::V2c, PduKind::Set, b"private", set)).unwrap();
    assert_eq!((ans.status, ans.index), (ErrorStatus::WrongLength.code().into(), 3));
    let gets = vec![null(&sys(4)), null(&es(21, 9)), null(&es(20, 1))];
    let read = ask(&mut agent, &request(Version::V2c, PduKind::Get, b"public", gets)).unwrap();
    assert_eq!(
        read.varbinds,
        vec![(sys(4), text("noc@example.net")), (es(21, 9), Value::NoSuchInstance), (es(20, 1), text("monitor"))]
    );
    // The read-only community: refused and counted in snmpInBadCommunityUses.
    let set = vec![vb(sys(4), text("changed"))];
    let ans = ask(&mut agent, &request(Version::V2c, PduKind::Set, b"public", set)).unwrap();
    assert_eq!((ans.status, ans.index), (ErrorStatus::NoAccess.code().into(), 1));
    let read =
        ask(&mut agent, &request(Version::V2c, PduKind::Get, b"public", vec![null(&sys(4)), null(&o(SNMP, &[5, 0]))]));
    assert_eq!(
        read.unwrap().varbinds,
        vec![(sys(4), text("noc@example.net")), (o(SNMP, &[5, 0]), Value::Counter32(1))]
    );
}

/// A TLV with a definite length.
fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let len = content.len();
    let mut out = vec![tag];
    match len {
        0..128 => out.push(len as u8),
        128..256 => out.extend([0x81, len as u8]),
        _ => out.extend([0x82, (len >> 8) as u8, len as u8]),
    }
    out.extend_from_slice(content);
    out
}

/// An SNMPv3 GetRequest with noAuthNoPriv and empty USM parameters (an engine discovery).
fn v3_message() -> Vec<u8> {
    let int = |bytes: &[u8]| tlv(0x02, bytes);
    let header = tlv(0x30, &[int(&[0x12, 0x34]), int(&[0x00, 0xff, 0xe3]), tlv(0x04, &[0x04]), int(&[3])].concat());
    let usm =
        tlv(0x30, &[tlv(0x04, &[]), int(&[0]), int(&[0]), tlv(0x04, &[]), tlv(0x04, &[]), tlv(0x04, &[])].concat());
    let pdu = tlv(0xa0, &[int(&[0x01]), int(&[0]), int(&[0]), tlv(0x30, &[])].concat());
    let scoped = tlv(0x30, &[tlv(0x04, &[]), tlv(0x04, &[]), pdu].concat());
    tlv(0x30, &[int(&[3]), header, tlv(0x04, &usm), scoped].concat())
}

#[test]
fn dropped_datagrams_are_counted() {
    let mut agent = agent_with(default_config(), &known_frames());
    let counter = |agent: &mut TestAgent, sub: u32| {
        let ans = ask(agent, &request(Version::V2c, PduKind::Get, b"public", vec![null(&o(SNMP, &[sub, 0]))]));
        ans.unwrap().varbinds[0].1.clone()
    };
    let get = encode_request(&request(Version::V2c, PduKind::Get, b"public", vec![null(&sys(1))]));
    // An unknown community: no answer, snmpInBadCommunityNames.
    let stranger = encode_request(&request(Version::V2c, PduKind::Get, b"secret", vec![null(&sys(1))]));
    assert_eq!(agent.handle(NOW, peer(), &stranger), None);
    assert_eq!(agent.handle(NOW, peer(), &stranger), None);
    assert_eq!(counter(&mut agent, 4), Value::Counter32(2));
    // Not BER: snmpInASNParseErrs; so is GetBulk in an SNMPv1 message (it has no such PDU).
    assert_eq!(agent.handle(NOW, peer(), b"GET / HTTP/1.0\r\n\r\n"), None);
    assert_eq!(agent.handle(NOW, peer(), &get[..get.len() - 1]), None);
    let v1_bulk = encode_request(&request(Version::V1, PduKind::GetBulk, b"public", vec![null(&sys(1))]));
    assert_eq!(agent.handle(NOW, peer(), &v1_bulk), None);
    assert_eq!(counter(&mut agent, 6), Value::Counter32(3));
    // SNMPv3 (checked with snmp-parser first): snmpInBadVersions.
    let v3 = v3_message();
    let (rest, parsed) = snmp_parser::parse_snmp_v3(&v3).expect("snmp-parser reads the v3 message");
    assert!(rest.is_empty());
    assert_eq!(parsed.version, 3);
    assert_eq!(agent.handle(NOW, peer(), &v3), None);
    assert_eq!(counter(&mut agent, 3), Value::Counter32(1));
    // Its own answer sent back to it: a Response, counted in snmpInGetResponses.
    let answer = agent.handle(NOW, peer(), &get).unwrap();
    assert_eq!(agent.handle(NOW, peer(), &answer), None);
    assert_eq!(counter(&mut agent, 18), Value::Counter32(1));
    // snmpInPkts: every datagram, these GETs of counters included (12 before this one).
    assert_eq!(counter(&mut agent, 1), Value::Counter32(13));
    assert_eq!(counter(&mut agent, 4), Value::Counter32(2), "no more bad names");
}

/// One request over UDP and its answer.
fn exchange(socket: &UdpSocket, req: &Request) -> Answer {
    socket.send(&encode_request(req)).unwrap();
    let mut buf = vec![0u8; 65536];
    let n = socket.recv(&mut buf).expect("an answer");
    decode(&buf[..n])
}

#[test]
fn rows_set_through_the_agent_survive_a_restart() {
    let dir = TempDir::new("restart");
    let path = dir.0.join("state.toml");
    let served = serve(counted_probe(), Some(path.clone()));
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    socket.connect(served.addr).unwrap();
    socket.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let owner = text("tester");
    let sets: Vec<Vec<VarBind>> = vec![
        vec![vb(es(21, 7), int(2)), vb(es(2, 7), if1()), vb(es(20, 7), owner.clone())],
        vec![vb(es(21, 7), int(1))],
        vec![
            vb(o(HISTORY_CONTROL, &[7, 5]), int(2)),
            vb(o(HISTORY_CONTROL, &[2, 5]), if1()),
            vb(o(HISTORY_CONTROL, &[5, 5]), int(60)),
            vb(o(HISTORY_CONTROL, &[3, 5]), int(10)),
        ],
        vec![vb(o(HISTORY_CONTROL, &[7, 5]), int(1))],
        vec![vb(o(HOST_CONTROL, &[6, 3]), int(2)), vb(o(HOST_CONTROL, &[2, 3]), if1())],
        vec![vb(o(HOST_CONTROL, &[6, 3]), int(1))],
        vec![
            vb(o(TOP_N_CONTROL, &[10, 2]), int(2)),
            vb(o(TOP_N_CONTROL, &[2, 2]), int(3)),
            vb(o(TOP_N_CONTROL, &[3, 2]), int(2)),
            vb(o(TOP_N_CONTROL, &[4, 2]), int(120)),
            vb(o(TOP_N_CONTROL, &[6, 2]), int(5)),
        ],
        vec![vb(o(TOP_N_CONTROL, &[10, 2]), int(1))],
        // The default matrix row goes; etherStats 8 stays underCreation.
        vec![vb(o(MATRIX_CONTROL, &[6, 1]), int(4))],
        vec![vb(es(21, 8), int(2))],
        vec![vb(sys(4), text("restarted@example.net")), vb(sys(6), text("rack 7"))],
    ];
    for (i, set) in sets.into_iter().enumerate() {
        let req = Request { request_id: i as i32 + 1, ..request(Version::V2c, PduKind::Set, b"private", set) };
        let ans = exchange(&socket, &req);
        assert_eq!((ans.status, ans.index), (0, 0), "SET {}", i + 1);
    }
    let agent = served.stop();
    let kept = agent.backend().persistent_rows();

    let saved = state::load(&path).unwrap().expect("the shell saved the state");
    assert_eq!(saved.sys_contact.as_deref(), Some("restarted@example.net"));
    assert_eq!(saved.sys_location.as_deref(), Some("rack 7"));
    // As `main.rs` and `replay.rs` start: the state's rows replace the configuration's.
    let (rows, warnings) = state::startup_rows(RowRequest::defaults(&sources()), Some(&saved), &sources());
    assert!(warnings.is_empty(), "{warnings:?}");
    let restart = Timestamp(START.0 + 3600 * SEC);
    let probe = Probe::new(restart, sources(), Limits::default(), &rows).unwrap();
    assert_eq!(probe.persistent_rows(), kept, "the restarted probe has the rows the agent left");
    let t = probe.tables(restart, &[]);
    let valid = |s: EntryStatus| s == EntryStatus::Valid;
    assert_eq!(t.ether_stats.iter().map(|e| e.ether_stats_index).collect::<Vec<_>>(), vec![1, 7]);
    let e7 = &t.ether_stats[1];
    assert_eq!((e7.ether_stats_data_source, e7.ether_stats_owner.0.as_str()), (DataSource(1), "tester"));
    assert!(t.ether_stats.iter().all(|e| valid(e.ether_stats_status)));
    let h: Vec<_> = t
        .history_control
        .iter()
        .map(|h| (h.history_control_index, h.history_control_interval, h.history_control_buckets_requested))
        .collect();
    assert_eq!(h, vec![(1, 30, 50), (2, 1800, 50), (5, 60, 10)]);
    assert_eq!(t.host_control.iter().map(|h| h.host_control_index).collect::<Vec<_>>(), vec![1, 3]);
    let top: Vec<_> = t
        .host_top_n_control
        .iter()
        .map(|c| {
            let c = c.clone();
            (c.host_top_n_control_index, c.host_top_n_host_index, c.host_top_n_rate_base, c.host_top_n_time_remaining)
        })
        .collect();
    assert_eq!(top, vec![(2, Some(3), Some(RateBase::OutPkts), 120)]);
    assert!(t.matrix_control.is_empty(), "a deleted default row stays deleted");

    // An agent on the restarted probe serves them.
    let mut agent = rmonprobe::snmp::Agent::new(default_config(), rmonprobe::snmp::LocalProbe::new(probe));
    let gets =
        vec![null(&es(20, 7)), null(&es(21, 8)), null(&o(MATRIX_CONTROL, &[6, 1])), null(&o(HOST_CONTROL, &[6, 3]))];
    let req = request(Version::V2c, PduKind::Get, b"public", gets);
    let bytes = agent.handle(restart, peer(), &encode_request(&req)).unwrap();
    assert_eq!(
        decode(&bytes).varbinds.into_iter().map(|(_, v)| v).collect::<Vec<_>>(),
        vec![owner, Value::NoSuchInstance, Value::NoSuchInstance, int(1)]
    );
}

#[test]
fn a_damaged_state_file_is_refused_naming_its_path() {
    let dir = TempDir::new("damaged");
    let path = dir.0.join("state.toml");
    assert!(matches!(state::load(&path), Ok(None)), "no file: no state");
    state::save(&path, &ProbeState::of(&probe())).unwrap();
    let good = std::fs::read(&path).unwrap();
    assert!(state::load(&path).unwrap().is_some());
    let text = String::from_utf8(good.clone()).unwrap();
    let damaged: Vec<(&str, Vec<u8>)> = vec![
        ("cut short", good[..good.len() * 2 / 3].to_vec()),
        ("not UTF-8", [&good[..], &[0xff, 0xfe, 0x00]].concat()),
        ("an unknown section", format!("{text}\n[bogus]\nx = 1\n").into_bytes()),
        ("index 0", text.replacen("etherStatsIndex = 1", "etherStatsIndex = 0", 1).into_bytes()),
    ];
    for (what, bytes) in damaged {
        assert!(bytes != good, "{what}: not damaged");
        std::fs::write(&path, &bytes).unwrap();
        let err = state::load(&path).expect_err(what);
        assert!(matches!(err, StateError::Damaged { .. }), "{what}: {err:?}");
        assert!(err.to_string().contains(&path.display().to_string()), "{what}: {err}");
    }
}
