//! The seed corpora of the fuzz targets.
//!
//! Agent (fuzz/corpus/agent): a few valid requests of each kind and version, written with
//! `encode_request`. USM (fuzz/corpus/usm): SNMPv3 requests of the fuzz engine's users (discovery,
//! noAuthNoPriv, MD5, SHA-256 with AES), written with `Usm::wrap`. Capture (fuzz/corpus/capture): small files of tcpdump's test suite
//! (`tcpdump-*`, copied as they are), and `written-*` files made here with the project's writers
//! for what those lack (if_fcslen, epb_flags, a non-Ethernet interface, nanosecond pcap).
//! Decap (fuzz/corpus/decap): `wrapped-*`, a few tunnel packets of each kind that
//! `scripts/wrap_tunnel.py` made of the lab captures, each with its 2-octet length.
//!
//!   cargo test --test fuzz_seeds -- --ignored      rewrites the written seeds
//!
//! The tests that are not ignored check the committed seeds are the ones written here, and read
//! every capture seed as the fuzz target does, so a seed that panics fails `cargo test` without
//! cargo-fuzz. The `regress-*` files beside them are inputs that once failed, kept as the fuzzer
//! found them.

use std::io::Cursor;
use std::path::PathBuf;

use rmonprobe::capture::writer::{PcapWriter, PcapngWriter};
use rmonprobe::capture::{CaptureFile, OpenError};
use rmonprobe::packet::{Fcs, Frame, RawFrame, append_fcs};
use rmonprobe::rmon::Timestamp;

use rmonprobe::snmp::ber::tag;
use rmonprobe::snmp::message::{PduKind, Request, VarBind, Version, decode_request, encode_request, write_pdu};
use rmonprobe::snmp::oid::Oid;
use rmonprobe::snmp::usm::{self, wire};
use rmonprobe::snmp::value::Value;

fn oid(dotted: &str) -> Oid {
    dotted.parse().expect("a dotted OID")
}

fn null(dotted: &str) -> VarBind {
    VarBind { oid: oid(dotted), value: Value::Null }
}

fn set(dotted: &str, value: Value) -> VarBind {
    VarBind { oid: oid(dotted), value }
}

fn request(version: Version, community: &str, kind: PduKind, request_id: i32, varbinds: Vec<VarBind>) -> Request {
    Request { version, community: community.into(), kind, request_id, non_repeaters: 0, max_repetitions: 0, varbinds }
}

fn bulk(request_id: i32, non_repeaters: u32, max_repetitions: u32, varbinds: Vec<VarBind>) -> Request {
    Request {
        non_repeaters,
        max_repetitions,
        ..request(Version::V2c, "public", PduKind::GetBulk, request_id, varbinds)
    }
}

/// The seeds: file name and request.
fn seeds() -> Vec<(&'static str, Request)> {
    use PduKind::*;
    use Version::*;
    let if_index_1 = Value::ObjectId(oid("1.3.6.1.2.1.2.2.1.1.1"));
    vec![
        ("get-v1-system", request(V1, "public", Get, 1, vec![null("1.3.6.1.2.1.1.1.0"), null("1.3.6.1.2.1.1.3.0")])),
        (
            "get-v2c-rmon",
            request(
                V2c,
                "public",
                Get,
                2,
                vec![null("1.3.6.1.2.1.16.1.1.1.5.1"), null("1.3.6.1.2.1.16.4.1.1.3.1"), null("1.3.6.1.2.1.11.1.0")],
            ),
        ),
        ("getnext-v1-hosttable", request(V1, "public", GetNext, 3, vec![null("1.3.6.1.2.1.16.4.2")])),
        (
            "getnext-v2c-history-matrix",
            request(V2c, "public", GetNext, -4, vec![null("1.3.6.1.2.1.16.2.2"), null("1.3.6.1.2.1.16.6.2.1.4")]),
        ),
        ("getnext-v2c-end", request(V2c, "public", GetNext, 5, vec![null("1.3.6.1.2.1.16.99")])),
        ("getbulk-v2c-hosttable", bulk(6, 0, 10, vec![null("1.3.6.1.2.1.16.4.2.1.4"), null("1.3.6.1.2.1.16.4.2.1.6")])),
        (
            "getbulk-v2c-mixed",
            bulk(7, 1, 5, vec![null("1.3.6.1.2.1.1.3"), null("1.3.6.1.2.1.16.2.2.1"), null("1.3.6.1.2.1.16.6.3")]),
        ),
        // Responses over the target's 1472 octets: a GETBULK trimmed to fit, a GET turned tooBig.
        (
            "getbulk-v2c-trimmed",
            bulk(13, 0, 100, (4..=10).map(|column| null(&format!("1.3.6.1.2.1.16.4.2.1.{column}"))).collect()),
        ),
        ("get-v1-toobig", request(V1, "public", Get, 14, vec![null("1.3.6.1.2.1.1.1.0"); 60])),
        (
            "set-v1-syscontact",
            request(V1, "private", Set, 8, vec![set("1.3.6.1.2.1.1.4.0", Value::OctetString(b"fuzz".to_vec()))]),
        ),
        (
            "set-v2c-hostcontrol-create",
            request(
                V2c,
                "private",
                Set,
                9,
                vec![
                    set("1.3.6.1.2.1.16.4.1.1.2.2", if_index_1.clone()),
                    set("1.3.6.1.2.1.16.4.1.1.5.2", Value::OctetString(b"fuzz".to_vec())),
                    set("1.3.6.1.2.1.16.4.1.1.6.2", Value::Integer(4)),
                ],
            ),
        ),
        (
            "set-v2c-history-wait",
            request(
                V2c,
                "private",
                Set,
                10,
                vec![
                    set("1.3.6.1.2.1.16.2.1.1.7.3", Value::Integer(5)),
                    set("1.3.6.1.2.1.16.2.1.1.2.3", if_index_1),
                    set("1.3.6.1.2.1.16.2.1.1.5.3", Value::Integer(5)),
                ],
            ),
        ),
        (
            "set-v2c-topn-create",
            request(
                V2c,
                "private",
                Set,
                11,
                vec![
                    set("1.3.6.1.2.1.16.5.1.1.2.1", Value::Integer(1)),
                    set("1.3.6.1.2.1.16.5.1.1.4.1", Value::Integer(10)),
                    set("1.3.6.1.2.1.16.5.1.1.10.1", Value::Integer(4)),
                ],
            ),
        ),
        (
            "set-v2c-read-only-community",
            request(V2c, "public", Set, 12, vec![set("1.3.6.1.2.1.1.6.0", Value::OctetString(b"lab".to_vec()))]),
        ),
    ]
}

fn corpus() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus/agent")
}

#[test]
fn seeds_are_committed_and_decode() {
    for (name, request) in seeds() {
        let bytes = encode_request(&request);
        assert_eq!(decode_request(&bytes).as_ref(), Ok(&request), "{name}");
        let path = corpus().join(name);
        let committed = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert_eq!(committed, bytes, "{name}: rewrite with `cargo test --test fuzz_seeds -- --ignored`");
    }
}

#[test]
#[ignore = "rewrites fuzz/corpus/agent and the written seeds of fuzz/corpus/capture"]
fn write_seeds() {
    std::fs::create_dir_all(corpus()).unwrap();
    for (name, request) in seeds() {
        std::fs::write(corpus().join(name), encode_request(&request)).unwrap();
    }
    std::fs::create_dir_all(usm_corpus()).unwrap();
    for (name, bytes) in usm_seeds() {
        std::fs::write(usm_corpus().join(name), bytes).unwrap();
    }
    std::fs::create_dir_all(capture_corpus()).unwrap();
    for (name, bytes, _) in capture_seeds() {
        std::fs::write(capture_corpus().join(name), bytes).unwrap();
    }
}

fn usm_corpus() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus/usm")
}

/// A scopedPDU for the fuzz engine with one PDU.
fn scoped(pdu_tag: u8, request_id: i32, second: i64, third: i64, varbinds: &[VarBind]) -> Vec<u8> {
    wire::scoped_pdu(usm::FUZZ_ENGINE_ID, b"", |w| write_pdu(w, pdu_tag, request_id, second, third, varbinds))
}

/// The USM seeds, the same bytes every time (fixed engine, clock and salt).
fn usm_seeds() -> Vec<(&'static str, Vec<u8>)> {
    let time = usm::FUZZ_ENGINE_TIME;
    let get = [null("1.3.6.1.2.1.1.3.0"), null("1.3.6.1.2.1.16.1.1.1.5.1")];
    let set = [set("1.3.6.1.2.1.16.1.1.1.21.5", Value::Integer(2))];
    let reportable = wire::FLAG_REPORTABLE;
    let mut manager = usm::fuzz_engine();
    let mut stranger = usm::fuzz_engine();
    stranger.engine_id = Vec::new();
    vec![
        ("v3-discovery", stranger.wrap(1, reportable, None, scoped(tag::GET_REQUEST, 1, 0, 0, &[]), 0)),
        ("v3-noauth-get", manager.wrap(2, reportable, Some(0), scoped(tag::GET_REQUEST, 2, 0, 0, &get), time)),
        ("v3-noauth-set", manager.wrap(3, reportable, Some(0), scoped(tag::SET_REQUEST, 3, 0, 0, &set), time)),
        ("v3-noauth-getbulk", manager.wrap(4, reportable, Some(0), scoped(tag::GET_BULK_REQUEST, 4, 1, 5, &get), time)),
        (
            "v3-md5-getnext",
            manager.wrap(5, reportable | wire::FLAG_AUTH, Some(1), scoped(tag::GET_NEXT_REQUEST, 5, 0, 0, &get), time),
        ),
        (
            "v3-aes-get",
            manager.wrap(
                6,
                reportable | wire::FLAG_AUTH | wire::FLAG_PRIV,
                Some(2),
                scoped(tag::GET_REQUEST, 6, 0, 0, &get),
                time,
            ),
        ),
    ]
}

#[test]
fn usm_seeds_are_committed_and_reach_past_usm() {
    let mut agent = usm::fuzz_engine();
    for (name, bytes) in usm_seeds() {
        let committed = std::fs::read(usm_corpus().join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(committed, bytes, "{name}: rewrite with `cargo test --test fuzz_seeds -- --ignored`");
        let received = agent.receive(&bytes, usm::FUZZ_ENGINE_TIME);
        match (name, received) {
            ("v3-discovery", usm::Received::Refused(Some(_))) => {}
            (_, usm::Received::Accepted(_)) if name != "v3-discovery" => {}
            (name, other) => panic!("{name}: {other:?}"),
        }
    }
}

fn capture_corpus() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus/capture")
}

/// A 60-byte frame from station `src` to station `dst` (ff: broadcast), VLAN-tagged when
/// `vlan` is given.
fn ethernet(dst: u8, src: u8, vlan: Option<u16>) -> Vec<u8> {
    let mut data = if dst == 0xff { vec![0xff; 6] } else { vec![0x02, 0, 0, 0, 0, dst] };
    data.extend_from_slice(&[0x02, 0, 0, 0, 0, src]);
    if let Some(id) = vlan {
        data.extend_from_slice(&[0x81, 0x00]);
        data.extend_from_slice(&id.to_be_bytes());
    }
    data.extend_from_slice(&[0x08, 0x00]);
    data.resize(60, 0x5a);
    data
}

/// The written capture seeds: file name, bytes, and the Ethernet frames in them.
fn capture_seeds() -> Vec<(&'static str, Vec<u8>, u64)> {
    const T0: u64 = 1_700_000_000_000_000_000;
    // pcapng: a nanosecond interface whose frames carry their FCS (if_fcslen 4), a microsecond
    // one without, and a raw-IP one (skipped); epb_flags giving the FCS length and a CRC error;
    // a frame cut by the snapshot length.
    let mut w = PcapngWriter::new(Vec::new()).unwrap();
    w.interface(1, 9, Some(4)).unwrap();
    w.interface(1, 6, None).unwrap();
    w.interface(101, 6, None).unwrap();
    let mut with_fcs = ethernet(0xff, 1, None);
    append_fcs(&mut with_fcs);
    w.packet(0, T0 + 1, &with_fcs, 64, None).unwrap();
    w.packet(1, T0 + 1_000, &ethernet(2, 1, Some(10)), 60, None).unwrap();
    w.packet(2, T0 + 2_000, &[0x45; 40], 40, None).unwrap();
    w.packet(1, T0 + 3_000, &with_fcs, 64, Some(4 << 5)).unwrap();
    w.packet(1, T0 + 4_000, &ethernet(1, 2, None), 60, Some(1 << 24)).unwrap();
    w.packet(1, T0 + 5_000, &ethernet(3, 2, None)[..32], 1514, None).unwrap();
    let pcapng = w.finish().unwrap();
    // pcap: nanosecond, big-endian, a short frame and a jumbo cut short.
    let mut w = PcapWriter::new(Vec::new(), true, true).unwrap();
    w.write(Timestamp(T0), &ethernet(2, 3, None), 60).unwrap();
    w.write(Timestamp(T0 + 7), &ethernet(3, 2, None)[..20], 20).unwrap();
    w.write(Timestamp(T0 + 9), &ethernet(3, 2, Some(20)), 9000).unwrap();
    let pcap = w.finish().unwrap();
    vec![("written-fcs-flags.pcapng", pcapng, 5), ("written-nano-be.pcap", pcap, 3)]
}

/// Reads a capture seed as the fuzz target does, classifying every frame with each FCS state.
/// The number of Ethernet frames and whether the file was damaged.
fn read_seed(name: &str, bytes: &[u8], force_fcs: bool) -> Result<(u64, bool), OpenError> {
    let mut file = CaptureFile::from_reader(name, Cursor::new(bytes.to_vec()), force_fcs)?;
    let mut seq = 0;
    loop {
        let frames = file.read_frames(16, &mut seq, 1);
        if frames.is_empty() {
            break;
        }
        for raw in frames.iter() {
            assert!(raw.data.len() <= bytes.len(), "{name}: frame {} of {} bytes", raw.seq, raw.data.len());
            for fcs in [Fcs::Stripped, Fcs::Present, Fcs::StrippedBad] {
                let frame = Frame::classify(&RawFrame { fcs, ..raw });
                assert!(frame.orig_len as usize >= raw.data.len(), "{name}: {frame:?}");
            }
        }
    }
    assert!(file.finished(), "{name}: an empty read before the end");
    assert_eq!(file.frames(), seq, "{name}");
    if let Some(d) = file.damage() {
        assert!(d.offset < bytes.len() as u64, "{name}: {d}");
    }
    Ok((file.frames(), file.damage().is_some()))
}

#[test]
fn written_capture_seeds_are_committed() {
    for (name, bytes, _) in capture_seeds() {
        let path = capture_corpus().join(name);
        let committed = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert_eq!(committed, bytes, "{name}: rewrite with `cargo test --test fuzz_seeds -- --ignored`");
    }
}

/// Every capture seed opens (but the Linux-cooked one) and reads to its end without damage,
/// with the frame counts of tshark (/work/shared/captures/tcpdump-tests.tsv) for tcpdump's files.
#[test]
fn capture_seeds_read_and_classify() {
    let expected: &[(&str, Option<u64>)] = &[
        ("tcpdump-ahcp.pcapng", Some(8)),
        ("tcpdump-empty.pcapng", Some(0)),
        ("tcpdump-igmpv3-queries.pcap", Some(6)),
        ("tcpdump-msnlb2.pcapng", Some(2)),
        ("tcpdump-of10_7050q.pcapng", Some(4)),
        ("tcpdump-pptp.pcap", Some(23)),
        ("tcpdump-slow-ossp.pcap", Some(1)),
        ("tcpdump-stp-heapoverflow-3.pcap", Some(14)),
        // Linux cooked capture: refused, kept for its nanosecond pcap header.
        ("tcpdump-tcp-handshake-nano.pcap", None),
        ("tcpdump-time_2106_overflow.pcapng", Some(1)),
    ];
    let written = capture_seeds();
    let mut names: Vec<String> =
        std::fs::read_dir(capture_corpus()).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    names.sort();
    let mut seen = 0;
    for name in &names {
        let bytes = std::fs::read(capture_corpus().join(name)).unwrap();
        let want = match expected.iter().find(|(n, _)| n == name) {
            Some((_, want)) => Some(*want),
            None => written.iter().find(|(n, ..)| n == name).map(|(.., frames)| Some(*frames)),
        };
        for force_fcs in [false, true] {
            let got = read_seed(name, &bytes, force_fcs);
            match (want, got) {
                (Some(Some(frames)), Ok(got)) => assert_eq!(got, (frames, false), "{name}"),
                (Some(None), Err(OpenError::NotEthernet { .. })) => {}
                // A seed the fuzzer added (or a regress-* file): it only has to read without a panic.
                (None, _) => {}
                (want, got) => panic!("{name}: expected {want:?}, read {got:?}"),
            }
        }
        seen += usize::from(want.is_some());
    }
    assert_eq!(seen, expected.len() + written.len(), "a committed capture seed is missing: {names:?}");
}

fn decap_corpus() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus/decap")
}

/// The decap seeds (tunnel packets of each kind, written by `scripts/wrap_tunnel.py` from the
/// lab captures, length-prefixed as the target reads them) are committed, and every packet in
/// them opens: the fuzzer starts inside each encapsulation, not at its door.
#[test]
fn decap_seeds_are_committed_and_open() {
    use rmonprobe::packet::Fcs;
    use rmonprobe::packet::tunnel::{DecapKinds, Opened, open};
    let mut kinds = DecapKinds::default();
    kinds.add("auto").unwrap();
    let mut seeds = 0;
    for entry in std::fs::read_dir(decap_corpus()).expect("fuzz/corpus/decap") {
        let path = entry.unwrap().path();
        // The seeds have a '-' in their names; what libFuzzer adds is named by its SHA-1.
        if !path.file_name().is_some_and(|n| n.to_string_lossy().contains('-')) {
            continue;
        }
        let bytes = std::fs::read(&path).unwrap();
        let mut rest = &bytes[..];
        while let [a, b, tail @ ..] = rest {
            let len = usize::from(u16::from_be_bytes([*a, *b]));
            let packet = &tail[..len];
            assert!(matches!(open(packet, len as u32, Fcs::Stripped, &kinds), Opened::Mirrored(_)));
            rest = &tail[len..];
        }
        seeds += 1;
    }
    assert!(seeds >= 8, "{seeds} decap seeds");
}
