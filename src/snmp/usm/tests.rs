//! USM as a manager sees it, without a network: requests signed and encrypted with the user's
//! keys go through [`Usm::receive`]; what is refused raises its counter and gets its Report.

use super::*;
use crate::snmp::ber::read_tlv;

const ENGINE: &[u8] = &[0x80, 0x00, 0x7E, 0xD9, 0x05, 1, 2, 3, 4, 5, 6, 7, 8];

fn usm() -> Usm {
    let users = vec![
        User::new(
            "ops",
            Some((AuthProtocol::Sha256, "ops-password")),
            Some((PrivProtocol::Aes128, "ops-privacy")),
            UserAccess::Write,
            ENGINE,
        ),
        User::new("md5", Some((AuthProtocol::Md5, "md5-password")), None, UserAccess::Read, ENGINE),
    ];
    Usm::new(ENGINE.to_vec(), 4, users, 99)
}

/// A GetRequest of sysUpTime.0 as a manager would send it with `manager`'s view of the user.
fn request(manager: &mut Usm, user: usize, level: u8, time: u32) -> Vec<u8> {
    let varbinds = [VarBind { oid: Oid(vec![1, 3, 6, 1, 2, 1, 1, 3, 0]), value: Value::Null }];
    let scoped = wire::scoped_pdu(ENGINE, b"", |w| write_pdu(w, tag::GET_REQUEST, 77, 0, 0, &varbinds));
    manager.wrap(5, level | FLAG_REPORTABLE, Some(user), scoped, time)
}

fn report_oid(report: &[u8]) -> Vec<u32> {
    let message = wire::decode(report).expect("a Report decodes");
    let MsgData::Plain(content) = message.data else { panic!("Reports here are plain") };
    let (_, _, pdu) = wire::decode_scoped_pdu(content).unwrap();
    assert_eq!(pdu.tag, tag::REPORT);
    let request = crate::snmp::message::decode_pdu(crate::snmp::message::Version::V2c, b"", pdu);
    // A Report is not a request: decoding says so; read its binding by hand.
    assert!(request.is_err());
    let (_, rest) = read_tlv(pdu.content).unwrap(); // request-id
    let (_, rest) = read_tlv(rest).unwrap();
    let (_, rest) = read_tlv(rest).unwrap();
    let (list, _) = read_tlv(rest).unwrap();
    let (vb, _) = read_tlv(list.content).unwrap();
    let (name, _) = read_tlv(vb.content).unwrap();
    ber::read_oid(name.content).unwrap().0
}

#[test]
fn auth_priv_request_is_accepted_and_the_response_decrypts() {
    let mut agent = usm();
    let mut manager = usm();
    let datagram = request(&mut manager, 0, FLAG_AUTH | FLAG_PRIV, 1000);
    let Received::Accepted(accepted) = agent.receive(&datagram, 1010) else { panic!("refused") };
    assert_eq!(accepted.pdu_tag, tag::GET_REQUEST);
    assert!(accepted.reply.may_write(&agent) && accepted.reply.level_allowed(&agent));
    let response = agent.respond(&accepted.reply, 1010, |w| write_pdu(w, tag::RESPONSE, 77, 0, 0, &[]));
    // The manager checks the response as the agent checked the request.
    let Received::Accepted(back) = manager.receive(&response, 1010) else { panic!("the response does not verify") };
    assert_eq!(back.pdu_tag, tag::RESPONSE);
}

#[test]
fn each_refusal_raises_its_counter_and_reports_it() {
    let mut agent = usm();
    let mut manager = usm();
    // Outside the time window (more than 150 s).
    let late = request(&mut manager, 1, FLAG_AUTH, 1000);
    let Received::Refused(Some(report)) = agent.receive(&late, 1151) else { panic!("late accepted") };
    assert_eq!(report_oid(&report), stat(&USM_STATS, 2));
    assert_eq!(agent.counters.not_in_time_windows, 1);
    // A changed octet: the digest no longer matches.
    let mut bent = request(&mut manager, 1, FLAG_AUTH, 1000);
    let last = bent.len() - 1;
    bent[last] ^= 1;
    let Received::Refused(Some(report)) = agent.receive(&bent, 1000) else { panic!("bent accepted") };
    assert_eq!(report_oid(&report), stat(&USM_STATS, 5));
    assert_eq!(agent.counters.wrong_digests, 1);
    // Privacy asked of a user without it.
    let mut other = usm();
    other.users[1].privacy = other.users[0].privacy.clone();
    let private = request(&mut other, 1, FLAG_AUTH | FLAG_PRIV, 1000);
    let Received::Refused(Some(report)) = agent.receive(&private, 1000) else { panic!("level accepted") };
    assert_eq!(report_oid(&report), stat(&USM_STATS, 1));
    // Discovery: an empty engine ID.
    let mut stranger = usm();
    stranger.engine_id = Vec::new();
    let discovery = request(&mut stranger, 1, 0, 0);
    let Received::Refused(Some(report)) = agent.receive(&discovery, 5) else { panic!("discovery accepted") };
    assert_eq!(report_oid(&report), stat(&USM_STATS, 4));
    let reported = wire::decode(&report).unwrap();
    assert_eq!((reported.usm.engine_id, reported.usm.boots, reported.usm.time), (ENGINE, 4, 5), "the engine's own");
    // Unknown user.
    stranger.engine_id = ENGINE.to_vec();
    stranger.users[1].name = b"nobody".to_vec();
    let unknown = request(&mut stranger, 1, FLAG_AUTH, 1000);
    let Received::Refused(Some(report)) = agent.receive(&unknown, 1000) else { panic!("nobody accepted") };
    assert_eq!(report_oid(&report), stat(&USM_STATS, 3));
    assert_eq!(agent.counters.unknown_user_names, 1);
    // Garbage is malformed, never a panic.
    for cut in 0..late.len() {
        let _ = agent.receive(&late[..cut], 1000);
    }
}

/// RFC 5343: a contextEngineID of the local engine ID means the engine that answers.
#[test]
fn the_local_engine_id_is_accepted_as_context() {
    let mut agent = usm();
    let mut manager = usm();
    let varbinds = [VarBind { oid: Oid(vec![1, 3, 6, 1, 2, 1, 1, 3, 0]), value: Value::Null }];
    let scoped = wire::scoped_pdu(LOCAL_ENGINE_ID, b"", |w| write_pdu(w, tag::GET_REQUEST, 9, 0, 0, &varbinds));
    let datagram = manager.wrap(9, FLAG_AUTH | FLAG_REPORTABLE, Some(1), scoped, 1000);
    assert!(matches!(agent.receive(&datagram, 1000), Received::Accepted(_)));
    // Another engine's context is no PDU handler of this one.
    let scoped = wire::scoped_pdu(b"another engine", b"", |w| write_pdu(w, tag::GET_REQUEST, 10, 0, 0, &varbinds));
    let datagram = manager.wrap(10, FLAG_AUTH | FLAG_REPORTABLE, Some(1), scoped, 1000);
    assert!(matches!(agent.receive(&datagram, 1000), Received::Refused(Some(_))));
    assert_eq!(agent.counters.unknown_pdu_handlers, 1);
}

#[test]
fn configuration_errors_are_refused_with_a_reason() {
    let config = |user: &str| crate::config::Config::parse(&format!("[snmp]\n[[snmp.users]]\n{user}")).unwrap();
    let error = |user: &str| setup::build(&config(user).snmp, None).expect_err(user);
    assert!(error("name = \"a\"\nauthProtocol = \"SHA\"\nauthPassword = \"12345678\"\nprivProtocol = \"DES\"\nprivPassword = \"12345678\"").contains("DES is broken"));
    assert!(error("name = \"a\"\nauthProtocol = \"SHA\"\nauthPassword = \"short\"").contains("at least 8"));
    assert!(error("name = \"a\"\nauthProtocol = \"SHA-3\"\nauthPassword = \"12345678\"").contains("SHA-512"));
    assert!(
        error("name = \"a\"\nprivProtocol = \"AES\"\nprivPassword = \"12345678\"").contains("needs an authProtocol")
    );
    assert!(error("name = \"a\"\naccess = \"admin\"").contains("read or write"));
    let ok = setup::build(&config("name = \"a\"\nauthProtocol = \"MD5\"\nauthPassword = \"12345678\"").snmp, None)
        .unwrap()
        .unwrap();
    assert_eq!(ok.boots, 1);
    // The same engine kept in the state file starts with one more boot.
    let again = setup::build(&config("name = \"a\"").snmp, Some((ok.engine_id.clone(), 7))).unwrap().unwrap();
    assert_eq!((again.engine_id, again.boots), (ok.engine_id, 8));
    let off = crate::config::Config::parse("[snmp]\nv1v2c = false\n").unwrap();
    assert!(setup::build(&off.snmp, None).unwrap_err().contains("nobody could read"));
}
