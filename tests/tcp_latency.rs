//! Passive TCP latency against its oracle: `scripts/expected_latency_from_tshark.py` works out
//! from tshark's dissection alone what tcpLatencyServerTable and tcpLatencyPairTable should hold
//! (counts, minima and maxima; the percentiles come from HdrHistograms, approximate by design),
//! and the replay's JSON report and what snmpbulkwalk reads from the agent must agree with it.
//!
//! Captures: one built to have every case (`scripts/make_handshake_capture.py`: retransmitted
//! SYN and SYN/ACK, refused, unanswered, answers exactly 10 s late, ICMP-quoted TCP, port reuse,
//! timestamp echoes), and the lab's real traffic (`captures/lab-basic.pcapng`: HTTP, DNS over
//! TCP, iperf3), each also with its time axis stretched x1000 so that the lab's microseconds
//! become milliseconds. Needs python3 and tshark (`scripts/deps.sh test`).

use std::collections::BTreeMap;
use std::fs;
use std::net::UdpSocket;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread::sleep;
use std::time::{Duration, Instant};

use rmonprobe::mib::rmonprobe::tcp_latency::{TCP_LATENCY_PAIR_TABLE, TCP_LATENCY_SERVER_TABLE};
use rmonprobe::mib::schema::{Access, Described};
use rmonprobe::synth::{SynthOptions, generate};
use serde_json::Value;

/// RMONPROBE-MIB's tcpLatency subtree.
const LATENCY: &str = "1.3.6.1.4.1.32473.21.3.1";

/// The columns the oracle gives, compared exactly.
const COMPARED: [&str; 11] = [
    "handshakes",
    "handshakesRetransmitted",
    "refused",
    "unanswered",
    "serverDelayMinUs",
    "serverDelayMaxUs",
    "clientDelayMinUs",
    "clientDelayMaxUs",
    "rttSamples",
    "rttMinUs",
    "rttMaxUs",
];

struct Dir(PathBuf);

impl Dir {
    fn new(name: &str) -> Dir {
        let dir = std::env::temp_dir().join(format!("rmonprobe-{name}-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        Dir(dir)
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn script(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts").join(name)
}

fn run(cmd: &mut Command) -> String {
    let out = cmd.output().expect("the command runs");
    assert!(out.status.success(), "{cmd:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn oracle(capture: &Path) -> Value {
    let text = run(Command::new("python3").arg(script("expected_latency_from_tshark.py")).arg(capture));
    serde_json::from_str(&text).expect("the oracle's JSON")
}

fn replay(capture: &Path, json: &Path, workers: &str) -> Value {
    run(Command::new(env!("CARGO_BIN_EXE_rmonprobe"))
        .arg("replay")
        .arg(capture)
        .args(["--workers", workers, "--json"])
        .arg(json));
    serde_json::from_slice(&fs::read(json).unwrap()).unwrap()
}

fn stretched(capture: &Path, dir: &Path) -> PathBuf {
    let out = dir.join(format!("{}-x1000.pcapng", capture.file_stem().unwrap().to_string_lossy()));
    run(Command::new("python3").arg(script("stretch_time.py")).arg(capture).arg(&out).arg("1000"));
    out
}

/// A row's key and compared figures (an absent figure, no sample, is null as the oracle has it).
fn figures(table: &Value, index: &[&str]) -> Vec<(Vec<Value>, Vec<Value>)> {
    let mut rows: Vec<_> = table
        .as_array()
        .expect("a table")
        .iter()
        .map(|r| {
            let key = index.iter().map(|k| r[*k].clone()).collect();
            let values = COMPARED.iter().map(|c| r.get(*c).cloned().unwrap_or(Value::Null)).collect();
            (key, values)
        })
        .collect();
    rows.sort_by_key(|(k, _)| format!("{k:?}"));
    rows
}

/// The report's two tables equal the oracle's, row for row and figure for figure.
fn assert_agrees(what: &str, report: &Value, expected: &Value) -> usize {
    let mut rows = 0;
    for (table, index) in [
        ("tcpLatencyServerTable", &["serverAddress", "serverPort"][..]),
        ("tcpLatencyPairTable", &["clientAddress", "serverAddress", "serverPort"][..]),
    ] {
        let (got, want) = (figures(&report[table], index), figures(&expected[table], index));
        assert_eq!(got.len(), want.len(), "{what}: {table} rows");
        for (g, w) in got.iter().zip(&want) {
            assert_eq!(g, w, "{what}: {table} row {:?} ({COMPARED:?})", w.0);
        }
        rows += want.len();
    }
    rows
}

#[test]
fn the_report_agrees_with_tshark_on_a_capture_of_every_case_and_on_the_lab_stretched() {
    let dir = Dir::new("tcp-latency");
    let built = dir.0.join("handshakes.pcap");
    run(Command::new("python3").arg(script("make_handshake_capture.py")).arg(&built));
    let lab = Path::new(env!("CARGO_MANIFEST_DIR")).join("captures/lab-basic.pcapng");
    let mut compared = 0;
    for capture in [built.clone(), stretched(&built, &dir.0), stretched(&lab, &dir.0)] {
        let expected = oracle(&capture);
        for workers in ["1", "2"] {
            let report = replay(&capture, &dir.0.join("report.json"), workers);
            compared += assert_agrees(&format!("{} with {workers} workers", capture.display()), &report, &expected);
        }
    }
    // The built capture: 13 servers and 14 pairs; the lab: 3 and 8; each twice.
    assert_eq!(compared, 2 * (27 + 27 + 11));

    // The counts the built capture was made to have, beyond the oracle's word.
    let report = replay(&built, &dir.0.join("report.json"), "1");
    let total = |column: &str| -> u64 {
        report["tcpLatencyServerTable"].as_array().unwrap().iter().map(|r| r[column].as_u64().unwrap()).sum()
    };
    assert!(total("handshakesRetransmitted") >= 2, "a retransmitted SYN and a retransmitted SYN/ACK");
    assert!(total("refused") >= 1 && total("unanswered") >= 1, "refused and unanswered");
    // Percentiles lie within the exact minimum and maximum.
    for r in report["tcpLatencyServerTable"].as_array().unwrap() {
        if let (Some(min), Some(p50), Some(p99), Some(max)) =
            (r["rttMinUs"].as_u64(), r["rttP50Us"].as_u64(), r["rttP99Us"].as_u64(), r["rttMaxUs"].as_u64())
        {
            assert!(min <= p50 && p50 <= p99 && p99 <= max, "{r}");
        }
    }
}

/// The benchmark's generated TCP traffic (`rmonprobe generate --tcp`): thousands of connections
/// side by side, every segment timestamped. The report agrees with the oracle, and has every
/// handshake the generator wrote.
#[test]
fn generated_tcp_traffic_agrees_with_tshark() {
    let dir = Dir::new("tcp-latency-generated");
    let capture = dir.0.join("generated.pcap");
    let options = SynthOptions { frames: 20_000, stations: 60, pps: 1000, tcp_percent: 50, ..SynthOptions::default() };
    let tally = generate(std::io::BufWriter::new(fs::File::create(&capture).unwrap()), &options).unwrap();
    assert!(tally.handshakes > 300, "{tally:?}");
    let expected = oracle(&capture);
    let mut compared = 0;
    for workers in ["1", "2"] {
        let report = replay(&capture, &dir.0.join("report.json"), workers);
        compared += assert_agrees(&format!("generated, {workers} workers"), &report, &expected);
        let sum = |column: &str| -> u64 {
            report["tcpLatencyServerTable"].as_array().unwrap().iter().map(|r| r[column].as_u64().unwrap()).sum()
        };
        assert_eq!(sum("handshakes"), tally.handshakes);
        assert!(sum("rttSamples") > tally.handshakes, "timestamp echoes beyond the handshakes");
    }
    assert!(compared > 400, "{compared} rows");
}

struct Served(Child);

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn snmpbulkwalk_reads_every_figure_of_the_report() {
    let dir = Dir::new("tcp-latency-snmp");
    let capture = stretched(&Path::new(env!("CARGO_MANIFEST_DIR")).join("captures/lab-basic.pcapng"), &dir.0);
    let json = dir.0.join("served.json");
    let port = UdpSocket::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let agent = format!("127.0.0.1:{port}");
    let _served = Served(
        Command::new(env!("CARGO_BIN_EXE_rmonprobe"))
            .arg("replay")
            .arg(&capture)
            .args(["--snmp", &agent, "--serve", "--json"])
            .arg(&json)
            .stdout(Stdio::null())
            .spawn()
            .expect("rmonprobe replay"),
    );
    let deadline = Instant::now() + Duration::from_secs(60);
    let report: Value = loop {
        if let Some(r) = fs::read(&json).ok().and_then(|b| serde_json::from_slice(&b).ok()) {
            break r;
        }
        assert!(Instant::now() < deadline, "the replay never wrote its report");
        sleep(Duration::from_millis(100));
    };
    sleep(Duration::from_millis(1200));
    let walk = run(Command::new("snmpbulkwalk")
        .args(["-v2c", "-c", "public", "-m", "", "-On", "-Oq", "-Ot", &agent])
        .arg(LATENCY));
    let walked: BTreeMap<String, String> = walk
        .lines()
        .filter_map(|l| l.split_once(' '))
        .map(|(o, v)| (o.trim_start_matches('.').to_string(), v.trim().to_string()))
        // The tables are the last objects the agent serves: the walk ends on endOfMibView.
        .filter(|(_, v)| !v.starts_with("No more variables left in this MIB View"))
        .collect();
    // Every instance the report's rows imply, with its value, and nothing else: each column
    // the row has (a figure of no sample has no instance), at ifIndex, the addresses
    // length-prefixed, the port.
    let mut expected: BTreeMap<String, String> = BTreeMap::new();
    let tables = [
        (
            "tcpLatencyServerTable",
            TCP_LATENCY_SERVER_TABLE.entry,
            TCP_LATENCY_SERVER_TABLE.column_infos(),
            &["serverAddress"][..],
        ),
        (
            "tcpLatencyPairTable",
            TCP_LATENCY_PAIR_TABLE.entry,
            TCP_LATENCY_PAIR_TABLE.column_infos(),
            &["clientAddress", "serverAddress"][..],
        ),
    ];
    for (table, entry, columns, addresses) in tables {
        let rows = report[table].as_array().unwrap();
        assert!(!rows.is_empty(), "{table}: the lab's capture has TCP handshakes");
        for r in rows {
            let mut index = r["ifIndex"].to_string();
            for a in addresses {
                let address: std::net::IpAddr = r[*a].as_str().unwrap().parse().unwrap();
                let octets = match address {
                    std::net::IpAddr::V4(a) => a.octets().to_vec(),
                    std::net::IpAddr::V6(a) => a.octets().to_vec(),
                };
                index.push_str(&format!(".{}", octets.len()));
                octets.iter().for_each(|o| index.push_str(&format!(".{o}")));
            }
            index.push_str(&format!(".{}", r["serverPort"]));
            for c in columns.iter().filter(|c| c.access != Access::NotAccessible) {
                if let Some(v) = r.get(c.name).and_then(Value::as_u64) {
                    let oid: Vec<String> = entry.iter().map(u32::to_string).collect();
                    expected.insert(format!("{}.{}.{index}", oid.join("."), c.number), v.to_string());
                }
            }
        }
    }
    assert_eq!(walked, expected, "snmpbulkwalk of the tcpLatency subtree against the report");
}
