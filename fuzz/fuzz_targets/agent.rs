//! Fuzzes the SNMP agent's sans-IO core: any datagram into `Agent::handle`, and whatever comes
//! back must be a well-formed Response to the request that was sent.
//!
//! One agent lives for the whole run (SETs change it, time moves on between inputs), behind a
//! probe that has counted a few hundred frames so that every RMON table has rows. Its largest
//! response is an Ethernet MTU's worth, so tooBig and the trimming of GETBULK are reached with
//! the small inputs libFuzzer makes.
//!
//!   scripts/fuzz.sh [SECONDS]     (seeds: fuzz/corpus/agent, written by tests/fuzz_seeds.rs)

#![no_main]

use std::cell::RefCell;
use std::net::{Ipv4Addr, SocketAddr};

use libfuzzer_sys::fuzz_target;
use rmonprobe::packet::{Fcs, Frame, RawFrame};
use rmonprobe::rmon::time::NANOS_PER_SEC;
use rmonprobe::rmon::{DataSourceInfo, Limits, Probe, RowRequest, Timestamp};
use rmonprobe::snmp::ber::{self, tag};
use rmonprobe::snmp::message::{PduKind, Request, VarBind, Version, decode_request};
use rmonprobe::snmp::mib::SystemGroup;
use rmonprobe::snmp::tables::system::{RMONPROBE_AGENT, SYS_SERVICES};
use rmonprobe::snmp::value::Value;
use rmonprobe::snmp::{Agent, AgentConfig, LocalProbe};

/// The agent's largest response: an Ethernet MTU less the IPv4 and UDP headers.
const MAX_MESSAGE: usize = 1472;
/// Stations in the counted traffic.
const STATIONS: u8 = 24;
/// Frames counted before the first input.
const FRAMES: u64 = 400;
/// Probe time between two frames, and between two inputs.
const FRAME_GAP_NS: u64 = NANOS_PER_SEC / 4;
const INPUT_GAP_NS: u64 = NANOS_PER_SEC / 10;

struct State {
    agent: Agent<LocalProbe>,
    now: Timestamp,
}

thread_local! {
    static STATE: RefCell<State> = RefCell::new(setup());
}

/// A 60-octet frame (64 on the wire) from station `src` to `dst`.
fn frame(dst: [u8; 6], src: u8) -> Vec<u8> {
    let mut data = Vec::with_capacity(60);
    data.extend_from_slice(&dst);
    data.extend_from_slice(&[0x02, 0, 0, 0, 0, src]);
    data.extend_from_slice(&[0x08, 0x00]);
    data.resize(60, 0);
    data
}

fn setup() -> State {
    let start = Timestamp(1_700_000_000 * NANOS_PER_SEC);
    let sources = vec![DataSourceInfo {
        if_index: 1,
        name: "fuzz".into(),
        descr: "fuzz".into(),
        if_speed: 10_000_000,
        live: false,
        phys_address: Vec::new(),
    }];
    let probe = match Probe::new(start, sources.clone(), Limits::default(), &RowRequest::defaults(&sources)) {
        Ok(p) => p,
        Err(e) => panic!("the default rows: {e}"),
    };
    let mut local = LocalProbe::new(probe);
    // Unicast among the stations, some broadcasts and multicasts, and every 37th frame bad.
    let mut frames = Vec::new();
    for i in 0..FRAMES {
        let src = (i % u64::from(STATIONS)) as u8 + 1;
        let dst = match i % 10 {
            0 => [0xff; 6],
            1 => [0x01, 0x00, 0x5e, 0, 0, 1],
            _ => [0x02, 0, 0, 0, 0, ((i * 7) % u64::from(STATIONS)) as u8 + 1],
        };
        let data = frame(dst, src);
        let fcs = if i % 37 == 0 { Fcs::StrippedBad } else { Fcs::Stripped };
        let raw = RawFrame {
            data: &data,
            orig_len: 60,
            fcs,
            time: Timestamp(start.0 + i * FRAME_GAP_NS),
            seq: i,
            if_index: 1,
        };
        frames.push(Frame::classify(&raw));
    }
    // No channel in this probe: the frames' bytes are never looked at.
    local.shards_mut()[0].count_batch(&frames, std::iter::empty());
    let system = SystemGroup {
        descr: "rmonprobe fuzz target".into(),
        object_id: RMONPROBE_AGENT.to_vec(),
        contact: String::new(),
        name: "fuzz".into(),
        location: String::new(),
        services: SYS_SERVICES,
        enable_authen_traps: false,
        time_filter_walk: Default::default(),
    };
    let config = AgentConfig {
        community: b"public".to_vec(),
        write_community: Some(b"private".to_vec()),
        max_message_size: MAX_MESSAGE,
        system,
        v1v2c: true,
        usm: None,
    };
    State { agent: Agent::new(config, local), now: Timestamp(start.0 + FRAMES * FRAME_GAP_NS) }
}

/// The header of a Response read with the project's own BER reader, and its bindings read by
/// `decode_request` from a copy that says GetRequest instead of Response.
struct Decoded {
    request: Request,
    error_status: i64,
    error_index: i64,
}

fn decode_response(bytes: &[u8]) -> Decoded {
    let (message, rest) = ber::read_tlv(bytes).expect("response: message TLV");
    assert_eq!(message.tag, tag::SEQUENCE, "response: message is not a SEQUENCE");
    assert!(rest.is_empty(), "response: octets after the message");
    let (_version, rest) = ber::read_tlv(message.content).expect("response: version");
    let (_community, at_pdu) = ber::read_tlv(rest).expect("response: community");
    let (pdu, rest) = ber::read_tlv(at_pdu).expect("response: PDU");
    assert_eq!(pdu.tag, tag::RESPONSE, "response: PDU tag");
    assert!(rest.is_empty(), "response: octets after the PDU");
    let (_request_id, rest) = ber::read_tlv(pdu.content).expect("response: request-id");
    let (status, rest) = ber::read_tlv(rest).expect("response: error-status");
    let (index, _) = ber::read_tlv(rest).expect("response: error-index");
    let error_status = ber::read_integer(status.content).expect("response: error-status value");
    let error_index = ber::read_integer(index.content).expect("response: error-index value");
    // The message's content runs to the end of `bytes`, so this is where the PDU tag is.
    let pdu_at = bytes.len() - at_pdu.len();
    let mut as_get = bytes.to_vec();
    as_get[pdu_at] = tag::GET_REQUEST;
    let request = match decode_request(&as_get) {
        Ok(r) => r,
        Err(e) => panic!("response does not decode: {e}"),
    };
    Decoded { request, error_status, error_index }
}

fn oids(varbinds: &[VarBind]) -> Vec<&[u32]> {
    varbinds.iter().map(|vb| vb.oid.as_slice()).collect()
}

/// What any response to `request` must be.
fn check(request: &Request, bytes: &[u8]) {
    assert!(bytes.len() <= MAX_MESSAGE, "response of {} octets", bytes.len());
    let Decoded { request: response, error_status, error_index } = decode_response(bytes);
    assert_eq!(response.version, request.version);
    assert_eq!(response.community, request.community);
    assert_eq!(response.request_id, request.request_id);
    let (asked, got) = (&request.varbinds, &response.varbinds);
    match request.version {
        Version::V1 => {
            assert!((0..=5).contains(&error_status), "v1 error-status {error_status}");
            for vb in got {
                assert!(
                    !vb.value.is_exception() && !matches!(vb.value, Value::Counter64(_)),
                    "v1 response carries {:?}",
                    vb.value
                );
            }
        }
        Version::V2c => assert!((0..=18).contains(&error_status), "error-status {error_status}"),
    }
    match error_status {
        0 => assert_eq!(error_index, 0, "noError with error-index {error_index}"),
        // tooBig: the request's bindings back in v1, none in v2c (RFC 3416 4.2.1).
        1 => {
            assert_eq!(error_index, 0);
            match request.version {
                Version::V1 => assert_eq!(got, asked),
                Version::V2c => assert!(got.is_empty()),
            }
            return;
        }
        _ => {
            assert!(error_index >= 1 && error_index as usize <= asked.len(), "error-index {error_index}");
            assert_eq!(got, asked, "an error response changes the bindings");
            return;
        }
    }
    match request.kind {
        PduKind::Get => assert_eq!(oids(got), oids(asked)),
        PduKind::Set => assert_eq!(got, asked),
        PduKind::GetNext => {
            assert_eq!(got.len(), asked.len());
            for (a, g) in asked.iter().zip(got) {
                after(a.oid.as_slice(), g);
            }
        }
        PduKind::GetBulk => {
            let non_repeaters = (request.non_repeaters as usize).min(asked.len());
            let repeaters = asked.len() - non_repeaters;
            let most = non_repeaters as u64 + repeaters as u64 * u64::from(request.max_repetitions);
            assert!(got.len() as u64 <= most, "{} bindings for GETBULK of at most {most}", got.len());
            for (i, g) in got.iter().enumerate() {
                // Each binding follows the one its cursor was at: the request's, or the same
                // column of the previous round.
                let previous = if i < non_repeaters + repeaters {
                    asked[i].oid.as_slice()
                } else {
                    got[i - repeaters].oid.as_slice()
                };
                after(previous, g);
            }
        }
    }
}

/// A GETNEXT answer for `from`: a later OID, or endOfMibView at the same OID.
fn after(from: &[u32], got: &VarBind) {
    if got.value == Value::EndOfMibView {
        assert_eq!(got.oid.as_slice(), from, "endOfMibView moved the cursor");
    } else {
        assert!(got.oid.as_slice() > from, "GETNEXT went from {from:?} back to {}", got.oid);
    }
}

fuzz_target!(|data: &[u8]| {
    STATE.with_borrow_mut(|state| {
        state.now = Timestamp(state.now.0 + INPUT_GAP_NS);
        let peer = SocketAddr::from((Ipv4Addr::LOCALHOST, 50_000));
        let response = state.agent.handle(state.now, peer, data);
        // The log grows by a line per accepted SET: drop it, as the UDP shell does after printing.
        state.agent.take_log();
        state.agent.take_changed();
        let Some(bytes) = response else { return };
        let request = match decode_request(data) {
            Ok(r) => r,
            Err(e) => panic!("answered a datagram that does not decode: {e}"),
        };
        check(&request, &bytes);
    });
});
