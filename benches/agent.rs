//! The SNMP agent's core (`Agent::handle`, datagram in, datagram out) over a hostTable of about
//! 10,000 hosts: a GETNEXT, a GETBULK of 50, and a whole `snmpbulkwalk -Cr50` of hostTable. The
//! probe's snapshot is taken once (the agent reuses one for a second); `getnext_fresh_snapshot`
//! pays for a new one on every request, as the first request of each second does.

mod common;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use rmonprobe::rmon::Timestamp;
use rmonprobe::snmp::backend::Backend;
use rmonprobe::snmp::ber::{self, tag};
use rmonprobe::snmp::message::{PduKind, Request, VarBind, Version, decode_request, encode_request};
use rmonprobe::snmp::mib::SystemGroup;
use rmonprobe::snmp::oid::Oid;
use rmonprobe::snmp::tables::system::{RMONPROBE_AGENT, SYS_SERVICES};
use rmonprobe::snmp::value::Value;
use rmonprobe::snmp::{Agent, AgentConfig, LocalProbe};
use rmonprobe::synth::{SynthOptions, station_mac};

const STATIONS: u32 = 10_000;
const FRAMES: u64 = 200_000;
/// hostTable and its entry.
const HOST_TABLE: [u32; 9] = [1, 3, 6, 1, 2, 1, 16, 4, 2];
const HOST_ENTRY: [u32; 10] = [1, 3, 6, 1, 2, 1, 16, 4, 2, 1];

/// A probe that has counted IMIX traffic among 10,000 stations, and the time of its last frame.
fn probe() -> (LocalProbe, Timestamp) {
    let frames =
        common::synthetic_frames(&SynthOptions { frames: FRAMES, stations: STATIONS, ..SynthOptions::default() });
    let probe = common::default_probe(frames[0].time);
    let mut local = LocalProbe::new(probe);
    for batch in frames.chunks(256) {
        local.shards_mut()[0].count_batch(batch, std::iter::empty());
    }
    let now = local.shards[0].now();
    (local, now)
}

fn agent(local: LocalProbe) -> Agent<LocalProbe> {
    let system = SystemGroup {
        descr: "rmonprobe bench".into(),
        object_id: RMONPROBE_AGENT.to_vec(),
        contact: String::new(),
        name: "bench".into(),
        location: String::new(),
        services: SYS_SERVICES,
        enable_authen_traps: false,
        time_filter_walk: Default::default(),
    };
    let config = AgentConfig {
        community: b"public".to_vec(),
        write_community: None,
        max_message_size: rmonprobe::snmp::agent::MAX_UDP_PAYLOAD,
        system,
        v1v2c: true,
        usm: None,
    };
    Agent::new(config, local)
}

fn request(kind: PduKind, request_id: i32, max_repetitions: u32, oid: &[u32]) -> Vec<u8> {
    encode_request(&Request {
        version: Version::V2c,
        community: b"public".to_vec(),
        kind,
        request_id,
        non_repeaters: 0,
        max_repetitions,
        varbinds: vec![VarBind { oid: Oid::from_slice(oid), value: Value::Null }],
    })
}

/// The bindings of a response (read as a GetRequest with the same content).
fn bindings(response: &[u8]) -> Vec<VarBind> {
    let (message, _) = ber::read_tlv(response).unwrap();
    let (_, rest) = ber::read_tlv(message.content).unwrap();
    let (_, at_pdu) = ber::read_tlv(rest).unwrap();
    let mut copy = response.to_vec();
    copy[response.len() - at_pdu.len()] = tag::GET_REQUEST;
    decode_request(&copy).unwrap().varbinds
}

/// The requests of `snmpbulkwalk -v2c -Cr50` over hostTable, as the agent answers them.
fn walk_requests(agent: &mut Agent<LocalProbe>, now: Timestamp, peer: std::net::SocketAddr) -> (Vec<Vec<u8>>, usize) {
    let mut requests = Vec::new();
    let mut inside = 0;
    let mut from = HOST_TABLE.to_vec();
    loop {
        let datagram = request(PduKind::GetBulk, requests.len() as i32, 50, &from);
        let answer = agent.handle(now, peer, &datagram).unwrap();
        requests.push(datagram);
        let got = bindings(&answer);
        let within: Vec<&VarBind> =
            got.iter().take_while(|vb| vb.oid.starts_with(&HOST_TABLE) && vb.value != Value::EndOfMibView).collect();
        inside += within.len();
        if within.len() < got.len() || got.is_empty() {
            return (requests, inside);
        }
        from = got.last().unwrap().oid.0.clone();
    }
}

fn bench(c: &mut Criterion) {
    let (local, now) = probe();
    let mut agent = agent(local);
    let hosts = agent.backend_mut().snapshot(now).tables.hosts.len();
    let peer = std::net::SocketAddr::from(([127, 0, 0, 1], 50_000));
    // hostInPkts of the station in the middle of the table (hostIndex 1, a length-prefixed MAC).
    let mut middle = HOST_ENTRY.to_vec();
    middle.extend([4, 1, 6]);
    middle.extend(station_mac(STATIONS / 2).0.iter().map(|&b| u32::from(b)));
    let getnext = request(PduKind::GetNext, 1, 0, &middle);
    let getbulk = request(PduKind::GetBulk, 2, 50, &middle);
    let (walk, varbinds) = walk_requests(&mut agent, now, peer);
    assert_eq!(varbinds, 10 * hosts, "a walk of hostTable reads 10 columns of every host");
    assert_eq!(bindings(&agent.handle(now, peer, &getbulk).unwrap()).len(), 50);
    eprintln!("hostTable: {hosts} hosts; a walk with max-repetitions 50 takes {} requests", walk.len());

    let mut group = c.benchmark_group("agent");
    group.bench_function("getnext_hostInPkts_10000_hosts", |b| b.iter(|| agent.handle(now, peer, &getnext).unwrap()));
    group
        .bench_function("getbulk_50_hostInPkts_10000_hosts", |b| b.iter(|| agent.handle(now, peer, &getbulk).unwrap()));
    let mut later = now;
    group.bench_function("getnext_fresh_snapshot_10000_hosts", |b| {
        b.iter(|| {
            later = Timestamp(later.0 + 1);
            agent.handle(later, peer, &getnext).unwrap()
        })
    });
    group.throughput(Throughput::Elements(walk.len() as u64));
    group.sample_size(10);
    group.bench_function("bulkwalk_r50_hostTable_10000_hosts", |b| {
        b.iter(|| {
            for datagram in &walk {
                agent.handle(later, peer, datagram).unwrap();
            }
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
