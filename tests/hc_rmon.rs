//! HC-RMON (RFC 3273) past 2^32: a capture of 3,000,000 frames of 1514 octets, stored cut to
//! 64 by the snapshot length, is 4,554,000,000 octets on the wire with their FCS. Its replay
//! must serve the exact count in the Counter64 columns, the count divided by 2^32 in the
//! Overflow columns and the count modulo 2^32 in RMON-1's Counter32 columns, over net-snmp's
//! snmpget, in the JSON report, and to the terminal UI's remote mode; and snmptable must render
//! every HC-RMON table with the types HC-RMON-MIB gives them.
//!
//! Needs net-snmp's tools and ../shared (or RMONPROBE_SHARED) for HC-RMON-MIB.

use std::fs::{self, File};
use std::io::BufWriter;
use std::net::UdpSocket;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread::sleep;
use std::time::{Duration, Instant};

use rmonprobe::capture::writer::PcapWriter;
use rmonprobe::mib::Timestamp;
use rmonprobe::tui::source::remote::{RemoteSource, Snmp2c};
use rmonprobe::tui::source::{Source, Wants};
use serde_json::Value;

const FRAMES: u64 = 3_000_000;
/// The frames' length on the wire, without the FCS (what a capture records as orig_len).
const ORIG_LEN: u32 = 1514;
/// 3,000,000 * (1514 + 4).
const WIRE_OCTETS: u64 = 4_554_000_000;
/// Frames over 70 s, so that the 30-second history buckets close and a 10-second hostTopN
/// report ends.
const SPAN_NANOS: u64 = 70_000_000_000;

const SENDER: [u8; 6] = [2, 0, 0, 0, 0, 1];
const RECEIVER: [u8; 6] = [2, 0, 0, 0, 0, 2];

/// A hostTopN report and a capture buffer, so that every HC-RMON table has rows.
const CONFIG: &str = r#"
[[hostTopNControl]]
hostTopNControlIndex = 1
hostTopNHostIndex = 1
hostTopNRateBase = "hostTopNOutOctets"
hostTopNTimeRemaining = 10

[[channel]]
channelIndex = 1
channelAcceptType = "acceptFailed"
channelDataControl = "on"

[[bufferControl]]
bufferControlIndex = 1
bufferControlChannelIndex = 1
bufferControlMaxOctetsRequested = 20000
"#;

fn shared() -> PathBuf {
    std::env::var_os("RMONPROBE_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared"))
}

struct Dir(PathBuf);

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

struct Served(Child);

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The big capture: one sender, one receiver, IPv4 ethertype, 64 octets kept of each frame.
fn write_capture(path: &Path) {
    let file = BufWriter::with_capacity(1 << 20, File::create(path).expect("capture file"));
    let mut pcap = PcapWriter::new(file, true, false).expect("pcap header");
    let mut frame = [0u8; 64];
    frame[..6].copy_from_slice(&RECEIVER);
    frame[6..12].copy_from_slice(&SENDER);
    frame[12..14].copy_from_slice(&[0x08, 0x00]);
    let start = 1_700_000_000_000_000_000u64;
    for i in 0..FRAMES {
        let time = Timestamp(start + i * (SPAN_NANOS / FRAMES));
        pcap.write(time, &frame, ORIG_LEN).expect("a record");
    }
    pcap.finish().expect("flush");
}

fn snmp(tool: &str, agent: &str, options: &[&str], object: &str) -> (bool, String) {
    let shared_mibs = format!("+{}", shared().join("mibs").display());
    let out = Command::new(tool)
        .args(["-v2c", "-c", "public", "-t", "2", "-r", "1", "-M", &shared_mibs, "-m", "+HC-RMON-MIB"])
        .args(options)
        .args([agent, object])
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("{tool} runs (scripts/deps.sh test installs net-snmp's tools): {e}"));
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.success(), text)
}

/// One value by numeric OID, bare.
fn get(agent: &str, oid: &str) -> String {
    let shared_mibs = format!("+{}", shared().join("mibs").display());
    let out = Command::new("snmpget")
        .args(["-v2c", "-c", "public", "-t", "2", "-r", "1", "-M", &shared_mibs, "-Oqv", "-On", agent, oid])
        .output()
        .expect("snmpget runs");
    assert!(out.status.success(), "snmpget {oid}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

fn u(v: &Value) -> u64 {
    v.as_u64().unwrap_or_else(|| panic!("not a count: {v}"))
}

#[test]
fn counts_past_two_to_the_32_are_exact_in_every_view() {
    let dir = Dir(std::env::temp_dir().join(format!("rmonprobe-hc-{}", std::process::id())));
    fs::create_dir_all(&dir.0).unwrap();
    let capture = dir.0.join("big.pcap");
    write_capture(&capture);
    let config = dir.0.join("probe.toml");
    fs::write(&config, CONFIG).unwrap();
    let json = dir.0.join("report.json");

    let port = UdpSocket::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let agent = format!("127.0.0.1:{port}");
    let _served = Served(
        Command::new(env!("CARGO_BIN_EXE_rmonprobe"))
            .arg("replay")
            .arg(&capture)
            .arg("--config")
            .arg(&config)
            .args(["--snmp", &agent, "--write-community", "private", "--serve", "--json"])
            .arg(&json)
            .stdout(Stdio::null())
            .spawn()
            .expect("rmonprobe replay --serve"),
    );
    let deadline = Instant::now() + Duration::from_secs(300);
    let report: Value = loop {
        if let Some(report) = fs::read(&json).ok().and_then(|b| serde_json::from_slice(&b).ok()) {
            break report;
        }
        assert!(Instant::now() < deadline, "the replay of {FRAMES} frames never ended");
        sleep(Duration::from_millis(200));
    };

    // The JSON report: exact counts under the HC-RMON-MIB names.
    let stats = &report["etherStatsHighCapacityTable"][0];
    assert_eq!(u(&stats["etherStatsHighCapacityOctets"]), WIRE_OCTETS);
    assert_eq!(u(&stats["etherStatsHighCapacityOverflowOctets"]), 1);
    assert_eq!(u(&stats["etherStatsHighCapacityPkts"]), FRAMES);
    assert_eq!(u(&stats["etherStatsHighCapacityPkts1024to1518Octets"]), FRAMES);
    assert_eq!(u(&report["etherStatsTable"][0]["etherStatsOctets"]), WIRE_OCTETS, "the report never wraps");
    let hosts = report["hostHighCapacityTable"].as_array().expect("hostHighCapacityTable");
    assert_eq!(hosts.len(), 2, "{hosts:?}");
    let out_octets: Vec<u64> = hosts.iter().map(|h| u(&h["hostHighCapacityOutOctets"])).collect();
    let in_octets: Vec<u64> = hosts.iter().map(|h| u(&h["hostHighCapacityInOctets"])).collect();
    assert!(out_octets.contains(&WIRE_OCTETS) && in_octets.contains(&WIRE_OCTETS), "{hosts:?}");
    assert!(
        hosts.iter().all(|h| u(&h["hostHighCapacityOutOverflowOctets"]) == u(&h["hostHighCapacityOutOctets"]) >> 32)
    );
    let sd = &report["matrixSDHighCapacityTable"][0];
    assert_eq!((u(&sd["matrixSDHighCapacityOctets"]), u(&sd["matrixSDHighCapacityOverflowOctets"])), (WIRE_OCTETS, 1));
    // mediaIndependentTable: the default row of the data source, every frame In.
    let media = &report["mediaIndependentTable"][0];
    assert_eq!(media["mediaIndependentStatus"], "active", "{media}");
    assert_eq!(u(&media["mediaIndependentInHighCapacityOctets"]), WIRE_OCTETS);
    assert_eq!(u(&media["mediaIndependentInOverflowOctets"]), 1);
    assert_eq!(u(&media["mediaIndependentInHighCapacityPkts"]), FRAMES);
    assert_eq!(u(&media["mediaIndependentOutHighCapacityPkts"]), 0, "the probe only receives");

    // Wait for the agent, then read it the way a manager does.
    let deadline = Instant::now() + Duration::from_secs(30);
    while !snmp("snmpget", &agent, &[], "1.3.6.1.2.1.1.3.0").0 {
        assert!(Instant::now() < deadline, "the agent never answered");
        sleep(Duration::from_millis(100));
    }
    assert_eq!(get(&agent, "1.3.6.1.2.1.16.1.7.1.4.1"), WIRE_OCTETS.to_string(), "etherStatsHighCapacityOctets.1");
    assert_eq!(get(&agent, "1.3.6.1.2.1.16.1.7.1.3.1"), "1", "etherStatsHighCapacityOverflowOctets.1");
    assert_eq!(get(&agent, "1.3.6.1.2.1.16.1.1.1.4.1"), "259032704", "etherStatsOctets.1 wraps modulo 2^32");
    assert_eq!(get(&agent, "1.3.6.1.2.1.16.1.7.1.2.1"), FRAMES.to_string(), "etherStatsHighCapacityPkts.1");
    assert_eq!(
        get(&agent, "1.3.6.1.2.1.16.21.1.1.13.1"),
        WIRE_OCTETS.to_string(),
        "mediaIndependentInHighCapacityOctets.1"
    );
    assert_eq!(get(&agent, "1.3.6.1.2.1.16.21.1.1.12.1"), "1", "mediaIndependentInOverflowOctets.1");
    assert_eq!(get(&agent, "1.3.6.1.2.1.16.21.1.1.11.1"), "259032704", "mediaIndependentInOctets.1");

    // A manager makes a second row with RowStatus createAndGo, and destroys it.
    let shared_mibs = format!("+{}", shared().join("mibs").display());
    let set = |varbinds: &[&str]| {
        let out = Command::new("snmpset")
            .args(["-v2c", "-c", "private", "-t", "2", "-r", "1", "-M", &shared_mibs, "-m", "+HC-RMON-MIB", &agent])
            .args(varbinds)
            .output()
            .expect("snmpset runs");
        (
            out.status.success(),
            format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)),
        )
    };
    let (ok, text) = set(&[
        "HC-RMON-MIB::mediaIndependentStatus.2",
        "i",
        "createAndGo",
        "HC-RMON-MIB::mediaIndependentDataSource.2",
        "o",
        "1.3.6.1.2.1.2.2.1.1.1",
        "HC-RMON-MIB::mediaIndependentOwner.2",
        "s",
        "noc",
    ]);
    assert!(ok, "createAndGo: {text}");
    assert_eq!(get(&agent, "1.3.6.1.2.1.16.21.1.1.31.2"), "1", "mediaIndependentStatus.2 is active");
    // createAndGo without a data source cannot go: inconsistentValue, and nothing is made.
    let (ok, text) = set(&["HC-RMON-MIB::mediaIndependentStatus.3", "i", "createAndGo"]);
    assert!(!ok && text.contains("inconsistentValue"), "{text}");
    let (ok, text) = set(&["HC-RMON-MIB::mediaIndependentStatus.2", "i", "destroy"]);
    assert!(ok, "destroy: {text}");
    let (_, text) = snmp("snmpget", &agent, &[], "1.3.6.1.2.1.16.21.1.1.31.2");
    assert!(text.contains("No Such Instance"), "destroyed: {text}");

    // snmptable renders every HC-RMON table with the MIB's types, and each has rows. -Ob prints
    // indexes as numbers: as text both MAC addresses here print as six dots, and snmptable then
    // takes two rows for one ("OID not increasing"), for RMON-1's hostTable as well.
    for table in [
        "etherStatsHighCapacityTable",
        "etherHistoryHighCapacityTable",
        "hostHighCapacityTable",
        "hostTimeHighCapacityTable",
        "hostTopNHighCapacityTable",
        "matrixSDHighCapacityTable",
        "matrixDSHighCapacityTable",
        "captureBufferHighCapacityTable",
        "mediaIndependentTable",
    ] {
        let (ok, text) = snmp("snmptable", &agent, &["-Ob", "-Ci", "-Cb"], &format!("HC-RMON-MIB::{table}"));
        assert!(ok, "snmptable {table}: {text}");
        assert!(!text.contains("Wrong Type"), "snmptable {table}: {text}");
        assert!(!text.contains("No entries"), "snmptable {table} is empty: {text}");
    }
    // The report ranks the sender first, by its exact growth over the 10 s report.
    let rate: u64 = get(&agent, "1.3.6.1.2.1.16.5.3.1.4.1.1").parse().expect("hostTopNHighCapacityRate.1.1");
    assert!(rate > u64::from(u32::MAX) / 8, "hostTopNHighCapacityRate.1.1 = {rate}");
    let top = get(&agent, "1.3.6.1.2.1.16.5.3.1.1.1.1");
    assert!(top.replace(['"', ' ', ':'], "").eq_ignore_ascii_case("020000000001"), "the sender ranks first: {top}");

    // The terminal UI's remote mode reads the exact counts from the HC-RMON tables.
    let walker = Snmp2c::connect(&agent, "public", None, Duration::from_secs(2)).unwrap();
    let mut remote = RemoteSource::new(agent.clone(), walker);
    let reading = remote.read(Wants::ALL).expect("a remote reading");
    assert!(reading.groups.high_capacity, "the agent has HC-RMON");
    let t = &reading.snapshot.tables;
    assert_eq!(t.ether_stats[0].ether_stats_octets, WIRE_OCTETS);
    assert!(t.hosts.iter().any(|h| h.host_out_octets == WIRE_OCTETS), "{:?}", t.hosts);
    assert!(t.matrix_sd.iter().any(|m| m.octets == WIRE_OCTETS), "{:?}", t.matrix_sd);
    assert!(reading.groups.media_independent, "the agent has mediaIndependentTable");
    let media: Vec<(u16, u64)> =
        t.media_independent.iter().map(|m| (m.media_independent_index, m.media_independent_in_octets)).collect();
    assert_eq!(media, [(1, WIRE_OCTETS)], "the exact count, from the Counter64 column");
}
