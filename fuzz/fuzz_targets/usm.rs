//! Fuzzes SNMPv3 through the agent's sans-IO core: any datagram into `Agent::handle` of an
//! agent with USM users. Whatever comes back must be a well-formed v3 message of the agent's
//! engine, answering the msgID that was sent, within the manager's msgMaxSize, at no higher a
//! security level than asked.
//!
//! A noAuthNoPriv user with write access lets mutated PDUs through USM (there is no digest to
//! break), so the PDU paths behind it are reached; the MD5 and SHA-256+AES users' seeds reach
//! the digest, time-window and decryption checks.
//!
//!   scripts/fuzz.sh [SECONDS] usm     (seeds: fuzz/corpus/usm, written by tests/fuzz_seeds.rs)

#![no_main]

use std::cell::RefCell;
use std::net::{Ipv4Addr, SocketAddr};

use libfuzzer_sys::fuzz_target;
use rmonprobe::rmon::time::NANOS_PER_SEC;
use rmonprobe::rmon::{DataSourceInfo, Limits, Probe, RowRequest, Timestamp};
use rmonprobe::snmp::mib::SystemGroup;
use rmonprobe::snmp::tables::system::{RMONPROBE_AGENT, SYS_SERVICES};
use rmonprobe::snmp::usm::{self, wire};
use rmonprobe::snmp::{Agent, AgentConfig, LocalProbe};

/// The agent's largest response.
const MAX_MESSAGE: usize = 1472;

struct State {
    agent: Agent<LocalProbe>,
    now: Timestamp,
}

thread_local! {
    static STATE: RefCell<State> = RefCell::new(setup());
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
        usm: Some(usm::fuzz_engine()),
    };
    let mut agent = Agent::new(config, LocalProbe::new(probe));
    agent.set_engine_clock(Box::new(|| usm::FUZZ_ENGINE_TIME));
    State { agent, now: start }
}

fuzz_target!(|data: &[u8]| {
    STATE.with_borrow_mut(|state| {
        state.now = Timestamp(state.now.0 + NANOS_PER_SEC / 10);
        let peer = SocketAddr::from((Ipv4Addr::LOCALHOST, 50_000));
        let response = state.agent.handle(state.now, peer, data);
        state.agent.take_log();
        state.agent.take_changed();
        let Some(bytes) = response else { return };
        if wire::version_of(data) != Some(3) {
            return; // v1/v2c: the agent target checks those
        }
        assert!(bytes.len() <= MAX_MESSAGE, "response of {} octets", bytes.len());
        let sent = match wire::decode(data) {
            Ok(m) => m,
            Err(e) => panic!("answered a v3 datagram that does not decode: {e}"),
        };
        let answer = match wire::decode(&bytes) {
            Ok(m) => m,
            Err(e) => panic!("the answer is not a v3 message: {e}"),
        };
        assert_eq!(answer.msg_id, sent.msg_id, "msgID");
        assert!(bytes.len() as i64 <= sent.max_size, "{} octets for a msgMaxSize of {}", bytes.len(), sent.max_size);
        assert_eq!(answer.usm.engine_id, usm::FUZZ_ENGINE_ID, "the agent's engine");
        let level = |flags: u8| flags & (wire::FLAG_AUTH | wire::FLAG_PRIV);
        assert!(level(answer.flags) <= level(sent.flags), "answered above the level asked");
        assert_eq!(answer.flags & wire::FLAG_REPORTABLE, 0, "a response or Report is never reportable");
    });
});
