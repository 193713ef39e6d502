//! The seed corpus of the agent fuzz target (fuzz/corpus/agent): a few valid requests of each
//! kind and version, written with `encode_request`.
//!
//!   cargo test --test fuzz_seeds -- --ignored      rewrites the seeds
//!
//! The test that is not ignored checks the committed seeds are the ones written here. The
//! `regress-*` files beside them are inputs that once failed, kept as the fuzzer found them.

use std::path::PathBuf;

use rmonprobe::snmp::message::{PduKind, Request, VarBind, Version, decode_request, encode_request};
use rmonprobe::snmp::oid::Oid;
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
#[ignore = "rewrites fuzz/corpus/agent"]
fn write_seeds() {
    std::fs::create_dir_all(corpus()).unwrap();
    for (name, request) in seeds() {
        std::fs::write(corpus().join(name), encode_request(&request)).unwrap();
    }
}
