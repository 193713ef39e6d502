//! The agent's UDP shell steps the alarms on the probe's clock and sends their events' traps to
//! every sink, v2c and v1, read back here by snmp-parser (an independent decoder; the namespace
//! lab's test, `alarm_lab.rs`, checks the same with net-snmp's snmptrapd).

mod common;

use std::net::UdpSocket;
use std::time::{Duration, Instant};

use common::*;
use rmonprobe::config::Config;
use rmonprobe::rmon::{Probe, Timestamp};
use rmonprobe::snmp::LocalProbe;
use rmonprobe::snmp::message::Version;
use rmonprobe::snmp::trap::TrapSink;
use snmp_parser::asn1_rs::FromBer;
use snmp_parser::{ObjectSyntax, SnmpMessage, SnmpPdu, TrapType, VarBindValue};

const ROWS: &str = r#"
[[event]]
eventIndex = 1
eventDescription = "traffic"
eventType = "logandtrap"
eventCommunity = "noc-traps"

# More than 3 frames in 10 s on etherStats 1; falling back to 0.
[[alarm]]
alarmIndex = 1
alarmInterval = 10
alarmVariable = "1.3.6.1.2.1.16.1.1.1.5.1"
alarmSampleType = "deltaValue"
alarmStartupAlarm = "risingAlarm"
alarmRisingThreshold = 3
alarmFallingThreshold = 0
alarmRisingEventIndex = 1
alarmFallingEventIndex = 1

# sysDescr.0 is no integer: the row goes at its first sample.
[[alarm]]
alarmIndex = 2
alarmInterval = 10
alarmVariable = "1.3.6.1.2.1.1.1.0"
alarmSampleType = "absoluteValue"
alarmRisingThreshold = 3
alarmFallingThreshold = 0
"#;

struct Received {
    version: u32,
    community: String,
    /// v2c: snmpTrapOID.0; v1: enterprise.specific-trap.
    trap: String,
    /// alarmValue.1
    value: i64,
}

fn arcs(oid: &snmp_parser::Oid<'_>) -> String {
    oid.iter().expect("small arcs").map(|a| a.to_string()).collect::<Vec<_>>().join(".")
}

fn value_of(vars: &[snmp_parser::SnmpVariable<'_>]) -> i64 {
    vars.iter()
        .find(|v| arcs(&v.oid) == "1.3.6.1.2.1.16.3.1.1.5.1")
        .and_then(|v| match v.val {
            VarBindValue::Value(ObjectSyntax::Number(n)) => Some(i64::from(n)),
            _ => None,
        })
        .expect("alarmValue.1")
}

/// The next trap the sink receives within 3 s.
fn receive(sink: &UdpSocket) -> Received {
    let mut buf = [0u8; 2048];
    let (len, _) = sink.recv_from(&mut buf).expect("a trap within the timeout");
    let (_, msg) = SnmpMessage::from_ber(&buf[..len]).expect("a well-formed SNMP message");
    let community = msg.community.clone();
    match &msg.pdu {
        SnmpPdu::Generic(pdu) => {
            assert_eq!(pdu.pdu_type.0, 7, "SNMPv2-Trap-PDU");
            assert_eq!(arcs(&pdu.var[0].oid), "1.3.6.1.2.1.1.3.0");
            assert_eq!(arcs(&pdu.var[1].oid), "1.3.6.1.6.3.1.1.4.1.0");
            let VarBindValue::Value(ObjectSyntax::Object(trap)) = &pdu.var[1].val else { panic!("{:?}", pdu.var[1]) };
            Received { version: msg.version, community, trap: arcs(trap), value: value_of(&pdu.var) }
        }
        SnmpPdu::TrapV1(pdu) => {
            assert_eq!(pdu.generic_trap, TrapType::ENTERPRISE_SPECIFIC);
            let trap = format!("{}.{}", arcs(&pdu.enterprise), pdu.specific_trap);
            Received { version: msg.version, community, trap, value: value_of(&pdu.var) }
        }
        other => panic!("{other:?}"),
    }
}

/// Moves the shell's clock and gives its loop (100 ms) time to step the alarms.
fn step(served: &Served, t: Timestamp) {
    served.set_time(t);
    std::thread::sleep(Duration::from_millis(400));
}

#[test]
fn alarms_fire_traps_to_every_sink_and_an_alarm_on_a_non_integer_goes() {
    let config = Config::parse(ROWS).unwrap();
    let rows = config.rows(&sources()).unwrap();
    let probe = Probe::new(START, sources(), rmonprobe::rmon::Limits::default(), &rows).unwrap();
    let v2c = UdpSocket::bind("127.0.0.1:0").unwrap();
    let v1 = UdpSocket::bind("127.0.0.1:0").unwrap();
    for s in [&v2c, &v1] {
        s.set_read_timeout(Some(Duration::from_secs(3))).unwrap();
    }
    let sinks = vec![
        TrapSink::traps(v2c.local_addr().unwrap(), Version::V2c),
        TrapSink::traps(v1.local_addr().unwrap(), Version::V1),
    ];
    let served = serve_with_sinks(LocalProbe::new(probe), None, sinks);
    // The baseline at START (and alarm 2 is gone); a reading every 5 s.
    step(&served, START);
    let alarms: Vec<u16> = served.tables().alarm.iter().map(|a| a.alarm_index).collect();
    assert_eq!(alarms, [1], "alarm 2 watched a DisplayString");
    let (a, b) = (mac(1), mac(2));
    let t = |s: u64| Timestamp(START.0 + s * SEC);
    served.count(&[frame(t(1), 0, a, b, 100), frame(t(2), 1, a, b, 100)]);
    step(&served, t(5));
    served.count(&[frame(t(6), 2, a, b, 100), frame(t(7), 3, b, a, 100)]);
    step(&served, t(10));
    // 4 frames in the first 10 s: rising, to both sinks, with eventCommunity.
    let (r2, r1) = (receive(&v2c), receive(&v1));
    assert_eq!(
        (r2.version, r2.community.as_str(), r2.trap.as_str(), r2.value),
        (1, "noc-traps", "1.3.6.1.2.1.16.0.1", 4)
    );
    assert_eq!(
        (r1.version, r1.community.as_str(), r1.trap.as_str(), r1.value),
        (0, "noc-traps", "1.3.6.1.2.1.16.1", 4)
    );
    // Still busy at 15 s (3 frames over 5..15): no second rising alarm (hysteresis).
    served.count(&[frame(t(11), 4, a, b, 100)]);
    step(&served, t(15));
    step(&served, t(20));
    step(&served, t(25));
    // 0 frames over 15..25: falling.
    let (f2, f1) = (receive(&v2c), receive(&v1));
    assert_eq!((f2.trap.as_str(), f2.value), ("1.3.6.1.2.1.16.0.2", 0));
    assert_eq!((f1.trap.as_str(), f1.value), ("1.3.6.1.2.1.16.2", 0));
    let tables = served.tables();
    let log: Vec<(u32, u64)> = tables.log.iter().map(|e| (e.log_index, e.log_time)).collect();
    assert_eq!(log, [(1, 1000), (2, 2500)], "logIndex and logTime (sysUpTime: 10 s and 25 s)");
    let agent = served.stop();
    // No request came in; the four traps are all snmpOutPkts counts.
    assert_eq!(agent.counters().out_pkts, 4);
    // Nothing else arrived.
    let start = Instant::now();
    v2c.set_read_timeout(Some(Duration::from_millis(300))).unwrap();
    assert!(v2c.recv_from(&mut [0u8; 64]).is_err(), "a third trap after {:?}", start.elapsed());
}

const TURN_ON: &str = r#"
[[event]]
eventIndex = 1
eventType = "log"

# More than 3 frames in 10 s: event 1, which turns channel 1 on.
[[alarm]]
alarmIndex = 1
alarmInterval = 10
alarmVariable = "1.3.6.1.2.1.16.1.1.1.5.1"
alarmSampleType = "deltaValue"
alarmStartupAlarm = "risingAlarm"
alarmRisingThreshold = 3
alarmFallingThreshold = 0
alarmRisingEventIndex = 1

# No filter, acceptFailed: every frame. Off until event 1.
[[channel]]
channelIndex = 1
channelAcceptType = "acceptFailed"
channelDataControl = "off"
channelTurnOnEventIndex = 1

[[bufferControl]]
bufferControlIndex = 1
bufferControlChannelIndex = 1
"#;

#[test]
fn an_alarms_event_turns_a_channel_on_and_its_buffer_starts_taking_frames() {
    let config = Config::parse(TURN_ON).unwrap();
    let probe =
        Probe::new(START, sources(), rmonprobe::rmon::Limits::default(), &config.rows(&sources()).unwrap()).unwrap();
    let served = serve_with_sinks(LocalProbe::new(probe), None, Vec::new());
    let t = |s: u64| Timestamp(START.0 + s * SEC);
    let (a, b) = (mac(1), mac(2));
    step(&served, START);
    served.count(&(0..4).map(|i| frame(t(1 + i), i, a, b, 100)).collect::<Vec<_>>());
    step(&served, t(5));
    step(&served, t(10));
    // Rising at 10 s: channel 1 is on; the 4 frames before were matched, not captured.
    let tables = served.tables();
    assert_eq!(tables.channels[0].channel_data_control, rmonprobe::rmon::filter::DataControl::On);
    assert_eq!(tables.channels[0].channel_matches, 4);
    assert_eq!(tables.buffer_control[0].buffer_control_captured_packets, 0);
    assert_eq!(tables.log.len(), 1);
    // From now on its buffer takes them.
    served.count(&[frame(t(11), 4, a, b, 100), frame(t(12), 5, b, a, 100)]);
    let tables = served.tables();
    assert_eq!(tables.channels[0].channel_matches, 6);
    assert_eq!(tables.buffer_control[0].buffer_control_captured_packets, 2);
    let ids: Vec<u32> = tables.capture_buffer.iter().map(|e| e.capture_buffer_packet_id).collect();
    assert_eq!(ids, [5, 6], "captureBufferPacketID: the frames' positions from 1");
}
