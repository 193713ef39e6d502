//! What the SNMP agent tests share: a probe with known frames, requests, responses read back
//! with snmp-parser (an independent decoder), and the UDP shell running in a thread.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::net::{SocketAddr, UdpSocket};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use rmonprobe::packet::{Fcs, Frame, MacAddr, RawFrame};
use rmonprobe::rmon::{
    AlarmRun, DataSourceInfo, Limits, Probe, ProbeEdit, RejectedEdit, RmonTables, RowRequest, Sample, Snapshot,
    Timestamp,
};
use rmonprobe::snmp::message::{PduKind, Request, VarBind, Version, encode_request};
use rmonprobe::snmp::mib::SystemGroup;
use rmonprobe::snmp::oid::Oid;
use rmonprobe::snmp::trap::TrapSink;
use rmonprobe::snmp::udp::Shell;
use rmonprobe::snmp::value::Value;
use rmonprobe::snmp::{Agent, AgentConfig, Backend, LocalProbe};
use snmp_parser::asn1_rs::FromBer;
use snmp_parser::{NetworkAddress, ObjectSyntax, SnmpMessage, SnmpPdu, VarBindValue};

pub const SEC: u64 = 1_000_000_000;
/// sysUpTime 0.
pub const START: Timestamp = Timestamp(1_000 * SEC);
/// When the sans-IO tests ask: sysUpTime 10000.
pub const NOW: Timestamp = Timestamp(1_100 * SEC);

pub const ETHER_STATS: &str = "1.3.6.1.2.1.16.1.1.1";
pub const HISTORY_CONTROL: &str = "1.3.6.1.2.1.16.2.1.1";
pub const ETHER_HISTORY: &str = "1.3.6.1.2.1.16.2.2.1";
pub const HOST_CONTROL: &str = "1.3.6.1.2.1.16.4.1.1";
pub const HOST: &str = "1.3.6.1.2.1.16.4.2.1";
pub const TOP_N_CONTROL: &str = "1.3.6.1.2.1.16.5.1.1";
pub const TOP_N: &str = "1.3.6.1.2.1.16.5.2.1";
pub const MATRIX_CONTROL: &str = "1.3.6.1.2.1.16.6.1.1";
pub const MATRIX_SD: &str = "1.3.6.1.2.1.16.6.2.1";
pub const MATRIX_DS: &str = "1.3.6.1.2.1.16.6.3.1";
pub const IF_X: &str = "1.3.6.1.2.1.31.1.1.1";
pub const IF_INDEX: &str = "1.3.6.1.2.1.2.2.1.1";
pub const SNMP: &str = "1.3.6.1.2.1.11";
pub const SYSTEM: &str = "1.3.6.1.2.1.1";

/// `prefix.tail`.
pub fn o(prefix: &str, tail: &[u32]) -> Oid {
    let mut oid: Oid = prefix.parse().unwrap();
    oid.0.extend_from_slice(tail);
    oid
}

pub trait Then {
    /// The OID with `tail` appended.
    fn then(self, tail: &[u32]) -> Oid;
}

impl Then for Oid {
    fn then(mut self, tail: &[u32]) -> Oid {
        self.0.extend_from_slice(tail);
        self
    }
}

/// A MAC address as an OCTET STRING index: its length, then its octets.
pub fn mac_index(m: MacAddr) -> Vec<u32> {
    std::iter::once(6).chain(m.0.iter().map(|&b| u32::from(b))).collect()
}

pub fn text(s: &str) -> Value {
    Value::OctetString(s.as_bytes().to_vec())
}

pub fn null(oid: &Oid) -> VarBind {
    VarBind { oid: oid.clone(), value: Value::Null }
}

pub fn vb(oid: Oid, value: Value) -> VarBind {
    VarBind { oid, value }
}

pub fn sources() -> Vec<DataSourceInfo> {
    vec![DataSourceInfo {
        if_index: 1,
        name: "test0".into(),
        descr: "test interface".into(),
        if_speed: 100_000_000,
        live: false,
        phys_address: Vec::new(),
    }]
}

/// A probe started at START with the default rows.
pub fn probe() -> Probe {
    Probe::new(START, sources(), Limits::default(), &RowRequest::defaults(&sources())).unwrap()
}

/// A station's address; `mac(n)` sorts as `n` does.
pub fn mac(n: u16) -> MacAddr {
    let [hi, lo] = n.to_be_bytes();
    MacAddr([0x02, 0, 0, 0, hi, lo])
}

/// A good frame of `wire_len` octets (FCS included) from `src` to `dst`, classified from its
/// bytes as a capture without FCS would give them.
pub fn frame(time: Timestamp, seq: u64, src: MacAddr, dst: MacAddr, wire_len: u32) -> Frame {
    let mut data = vec![0u8; wire_len as usize - 4];
    data[..6].copy_from_slice(&dst.0);
    data[6..12].copy_from_slice(&src.0);
    data[12..14].copy_from_slice(&[0x08, 0x00]);
    let raw = RawFrame { data: &data, orig_len: wire_len - 4, fcs: Fcs::Stripped, time, seq, if_index: 1 };
    let f = Frame::classify(&raw);
    assert_eq!((f.wire_len, f.is_good()), (wire_len, true));
    f
}

/// Seven frames between A = mac(1), B = mac(2), C = mac(3) and the broadcast address:
/// 3 x A->B 100 octets, 2 x B->A 200, C->broadcast 64, A->C 1518. 2282 octets in all.
pub fn known_frames() -> Vec<Frame> {
    let (a, b, c) = (mac(1), mac(2), mac(3));
    let list =
        [(a, b, 100), (a, b, 100), (a, b, 100), (b, a, 200), (b, a, 200), (c, MacAddr::BROADCAST, 64), (a, c, 1518)];
    list.iter()
        .enumerate()
        .map(|(i, &(s, d, len))| frame(Timestamp(START.0 + i as u64 * SEC / 10), i as u64, s, d, len))
        .collect()
}

/// `count` frames among `stations` stations, every 50th to the broadcast address, and the
/// number of frames each address received.
pub fn crowd(stations: u16, count: u64) -> (Vec<Frame>, BTreeMap<MacAddr, u32>) {
    let mut frames = Vec::new();
    let mut in_pkts: BTreeMap<MacAddr, u32> = BTreeMap::new();
    let n = u64::from(stations);
    for i in 0..count {
        let src = mac(1 + (i % n) as u16);
        let dst = if i % 50 == 49 { MacAddr::BROADCAST } else { mac(1 + ((i * 7 + 3) % n) as u16) };
        let len = 64 + (i * 37 % 1455) as u32;
        frames.push(frame(Timestamp(START.0 + i * SEC / 100), i, src, dst, len));
        in_pkts.entry(src).or_insert(0);
        *in_pkts.entry(dst).or_insert(0) += 1;
    }
    (frames, in_pkts)
}

pub fn default_config() -> AgentConfig {
    AgentConfig {
        community: b"public".to_vec(),
        write_community: Some(b"private".to_vec()),
        max_message_size: rmonprobe::snmp::agent::MAX_UDP_PAYLOAD,
        system: SystemGroup {
            descr: "rmonprobe under test: a passive RMON probe".into(),
            object_id: vec![1, 3, 6, 1, 4, 1, 32473, 21, 1, 1],
            contact: "noc@example.net".into(),
            name: "probe-1".into(),
            location: "lab".into(),
            services: 72,
            enable_authen_traps: false,
            time_filter_walk: Default::default(),
        },
        v1v2c: true,
        usm: None,
    }
}

/// A probe in this thread with `frames` counted.
pub fn local_probe(frames: &[Frame]) -> LocalProbe {
    let mut local = LocalProbe::new(probe());
    for f in frames {
        local.shards_mut()[0].count(f);
    }
    local
}

pub fn counted_probe() -> LocalProbe {
    local_probe(&known_frames())
}

pub type TestAgent = Agent<LocalProbe>;

pub fn agent_with(config: AgentConfig, frames: &[Frame]) -> TestAgent {
    Agent::new(config, local_probe(frames))
}

pub fn peer() -> SocketAddr {
    "127.0.0.1:5000".parse().unwrap()
}

pub fn request(version: Version, kind: PduKind, community: &[u8], varbinds: Vec<VarBind>) -> Request {
    Request {
        version,
        community: community.to_vec(),
        kind,
        request_id: 4242,
        non_repeaters: 0,
        max_repetitions: 0,
        varbinds,
    }
}

/// A Response-PDU as snmp-parser reads it.
#[derive(Debug, PartialEq)]
pub struct Answer {
    pub version: u32,
    pub community: String,
    pub request_id: u32,
    pub status: u32,
    pub index: u32,
    pub varbinds: Vec<(Oid, Value)>,
}

fn oid_of(o: &snmp_parser::Oid<'_>) -> Oid {
    Oid(o.iter().expect("arcs of 64 bits").map(|arc| u32::try_from(arc).unwrap()).collect())
}

fn value_of(v: &VarBindValue<'_>) -> Value {
    match v {
        VarBindValue::Unspecified => Value::Null,
        VarBindValue::NoSuchObject => Value::NoSuchObject,
        VarBindValue::NoSuchInstance => Value::NoSuchInstance,
        VarBindValue::EndOfMibView => Value::EndOfMibView,
        VarBindValue::Value(syntax) => match syntax {
            ObjectSyntax::Number(n) => Value::Integer(*n),
            ObjectSyntax::String(s) => Value::OctetString(s.to_vec()),
            // snmp-parser reads any empty universal value so; the agent sends empty strings only.
            ObjectSyntax::Empty => Value::OctetString(Vec::new()),
            ObjectSyntax::Object(o) => Value::ObjectId(oid_of(o)),
            ObjectSyntax::IpAddress(NetworkAddress::IPv4(a)) => Value::IpAddress(a.octets()),
            ObjectSyntax::Counter32(n) => Value::Counter32(*n),
            ObjectSyntax::Gauge32(n) => Value::Gauge32(*n),
            ObjectSyntax::TimeTicks(n) => Value::TimeTicks(*n),
            ObjectSyntax::Opaque(b) => Value::Opaque(b.to_vec()),
            ObjectSyntax::Counter64(n) => Value::Counter64(*n),
            other => panic!("the agent sent {other:?}"),
        },
    }
}

/// Reads a response with snmp-parser: the whole datagram, a Response-PDU.
pub fn decode(bytes: &[u8]) -> Answer {
    let (rest, msg) = SnmpMessage::from_ber(bytes).expect("snmp-parser reads the response");
    assert!(rest.is_empty(), "octets after the message");
    let SnmpPdu::Generic(pdu) = &msg.pdu else { panic!("not a generic PDU: {:?}", msg.pdu) };
    assert_eq!(pdu.pdu_type, snmp_parser::PduType::Response);
    Answer {
        version: msg.version,
        community: msg.community.clone(),
        request_id: pdu.req_id,
        status: pdu.err.0,
        index: pdu.err_index,
        varbinds: pdu.var.iter().map(|v| (oid_of(&v.oid), value_of(&v.val))).collect(),
    }
}

/// Sends `req` through the sans-IO core at NOW; the response read back, checked to repeat the
/// request's version, community and request-id.
pub fn ask(agent: &mut TestAgent, req: &Request) -> Option<Answer> {
    let bytes = agent.handle(NOW, peer(), &encode_request(req))?;
    let ans = decode(&bytes);
    assert_eq!(ans.version, u32::from(req.version.code()));
    assert_eq!(ans.community.as_bytes(), req.community.as_slice());
    assert_eq!(ans.request_id, req.request_id as u32);
    Some(ans)
}

/// A LocalProbe the test thread can count frames into while the shell's thread serves it.
#[derive(Clone)]
pub struct Shared(pub Arc<Mutex<LocalProbe>>);

impl Backend for Shared {
    fn snapshot(&mut self, now: Timestamp) -> Arc<Snapshot> {
        self.0.lock().unwrap().snapshot(now)
    }

    fn apply_probe_edits(&mut self, now: Timestamp, edits: &[ProbeEdit]) -> Result<(), RejectedEdit> {
        self.0.lock().unwrap().apply_probe_edits(now, edits)
    }

    fn persistent_rows(&self) -> Vec<RowRequest> {
        self.0.lock().unwrap().persistent_rows()
    }

    fn fresh_snapshot(&mut self, now: Timestamp) -> Arc<Snapshot> {
        self.0.lock().unwrap().fresh_snapshot(now)
    }

    fn next_alarm_due(&self) -> Option<Timestamp> {
        self.0.lock().unwrap().next_alarm_due()
    }

    fn run_alarms(&mut self, now: Timestamp, read: &mut dyn FnMut(&Oid) -> Option<Sample>) -> AlarmRun {
        self.0.lock().unwrap().run_alarms(now, read)
    }

    fn run_channel_events(&mut self, now: Timestamp) -> AlarmRun {
        self.0.lock().unwrap().run_channel_events(now)
    }
}

/// The UDP shell serving an agent in a thread on 127.0.0.1, its clock set by the test.
pub struct Served {
    pub addr: SocketAddr,
    pub probe: Arc<Mutex<LocalProbe>>,
    clock: Arc<AtomicU64>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<Agent<Shared>>>,
}

/// Serves `probe` with [`default_config`], the clock at NOW, saving to `state` if given.
pub fn serve(probe: LocalProbe, state: Option<PathBuf>) -> Served {
    serve_from(probe, state, Vec::new(), NOW)
}

/// [`serve`], sending the events' traps to `trap_sinks`, the clock at the probe's start: the
/// shell steps the alarms from its first moment, so a clock that started later would take
/// their readings before the test sets the time it means.
pub fn serve_with_sinks(probe: LocalProbe, state: Option<PathBuf>, trap_sinks: Vec<TrapSink>) -> Served {
    let start = probe.probe.start();
    serve_from(probe, state, trap_sinks, start)
}

fn serve_from(probe: LocalProbe, state: Option<PathBuf>, trap_sinks: Vec<TrapSink>, now: Timestamp) -> Served {
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    let addr = socket.local_addr().unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    let probe = Arc::new(Mutex::new(probe));
    let clock = Arc::new(AtomicU64::new(now.0));
    let shell = Shell::new(socket, state, Arc::clone(&stop), trap_sinks);
    let agent = Mutex::new(Agent::new(default_config(), Shared(Arc::clone(&probe))));
    let time = Arc::clone(&clock);
    let thread = std::thread::spawn(move || {
        shell.serve(&agent, || Timestamp(time.load(Ordering::SeqCst)));
        agent.into_inner().unwrap()
    });
    Served { addr, probe, clock, stop, thread: Some(thread) }
}

impl Served {
    pub fn set_time(&self, t: Timestamp) {
        self.clock.store(t.0, Ordering::SeqCst);
    }

    pub fn now(&self) -> Timestamp {
        Timestamp(self.clock.load(Ordering::SeqCst))
    }

    pub fn count(&self, frames: &[Frame]) {
        let mut probe = self.probe.lock().unwrap();
        for f in frames {
            probe.shards_mut()[0].count(f);
        }
    }

    /// The probe's tables at the shell's time.
    pub fn tables(&self) -> RmonTables {
        let now = self.now();
        self.probe.lock().unwrap().snapshot(now).tables.clone()
    }

    /// Raises the stop flag and joins the thread; the agent it served.
    pub fn stop(mut self) -> Agent<Shared> {
        self.stop.store(true, Ordering::SeqCst);
        self.thread.take().unwrap().join().unwrap()
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
    }
}

/// A fresh directory under the system's temporary directory, removed when dropped.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(name: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!("rmonprobe-snmp-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
