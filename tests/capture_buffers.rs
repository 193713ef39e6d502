//! Capture buffers against tshark: a channel's buffer, written out with `--capture-dir`, holds
//! exactly the frames tshark's display filter picks from the same capture, byte for byte and in
//! order, on one worker and on three; lockWhenFull stops at the grant and wrapWhenFull keeps the
//! newest; acceptFailed inverts; a status-bit filter picks the oversize frames; a channel whose
//! data control is off counts but captures nothing; and net-snmp's snmpget reads the packet
//! data back.

use std::fs;
use std::net::UdpSocket;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::thread::sleep;
use std::time::{Duration, Instant};

use rmonprobe::capture::CaptureFile;
use serde_json::Value;

const ICMP: &str = "eth.type == 0x0800 && ip.proto == 1";

/// IPv4 and protocol ICMP: 08 00 at offset 12, protocol 1 at offset 23, the bytes between
/// masked out.
const ICMP_CHANNEL: &str = r#"
[[channel]]
channelIndex = 1
channelDataControl = "on"
channelAcceptType = "ACCEPT"

[[filter]]
filterIndex = 1
filterChannelIndex = 1
filterPktDataOffset = 12
filterPktData     = "08:00:00:00:00:00:00:00:00:00:00:01"
filterPktDataMask = "ff:ff:00:00:00:00:00:00:00:00:00:ff"
"#;

fn project(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!("rmonprobe-capture-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            let _ = fs::remove_dir_all(&self.0);
        }
    }
}

/// A config of the ICMP channel (accept type and data control as given) and `buffer` rows.
fn config(accept: &str, on: bool, buffer: &str) -> String {
    ICMP_CHANNEL.replace("\"ACCEPT\"", &format!("\"{accept}\"")).replace(
        "channelDataControl = \"on\"",
        if on { "channelDataControl = \"on\"" } else { "channelDataControl = \"off\"" },
    ) + buffer
}

/// One stored frame: its bytes, original length and time in nanoseconds.
type Record = (Vec<u8>, u32, u64);

fn records(path: &Path) -> Vec<Record> {
    let mut file = CaptureFile::open(path, false).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let (mut seq, mut all) = (0, Vec::new());
    while !file.finished() {
        let frames = file.read_frames(256, &mut seq, 1);
        all.extend(frames.iter().map(|f| (f.data.to_vec(), f.orig_len, f.time.0)));
    }
    all
}

/// The frames of `capture` that tshark's `filter` shows, as tshark writes them out.
fn tshark_records(dir: &Path, capture: &Path, filter: &str) -> Vec<Record> {
    let out = dir.join("tshark.pcap");
    let run = Command::new("tshark")
        .arg("-r")
        .arg(capture)
        .args(["-Y", filter, "-F", "nsecpcap", "-w"])
        .arg(&out)
        .output()
        .expect("tshark (scripts/deps.sh test installs it)");
    assert!(run.status.success(), "tshark: {}", String::from_utf8_lossy(&run.stderr));
    records(&out)
}

/// Replays `capture` with `config` on `workers`, writing the buffers into `dir`/buffers;
/// returns the report.
fn replay(dir: &Path, capture: &Path, config: &str, workers: u32, extra: &[&str]) -> Value {
    let config_path = dir.join("probe.toml");
    fs::write(&config_path, config).unwrap();
    let report = dir.join("report.json");
    let run = Command::new(env!("CARGO_BIN_EXE_rmonprobe"))
        .arg("replay")
        .arg(capture)
        .arg("--config")
        .arg(&config_path)
        .args(["--workers", &workers.to_string(), "--capture-dir"])
        .arg(dir.join("buffers"))
        .arg("--json")
        .arg(&report)
        .args(extra)
        .output()
        .expect("rmonprobe");
    assert!(run.status.success(), "rmonprobe: {}", String::from_utf8_lossy(&run.stderr));
    serde_json::from_slice(&fs::read(&report).unwrap()).unwrap()
}

fn buffer_row(report: &Value, index: u64) -> &Value {
    report["bufferControlTable"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["bufferControlIndex"] == index)
        .expect("the buffer row")
}

/// What a stored frame costs of the grant (capture.rs: its octets and 24 of overhead).
fn cost(r: &Record) -> u64 {
    r.0.len() as u64 + 24
}

#[test]
fn a_wrapping_icmp_buffer_holds_exactly_tsharks_icmp_frames_on_one_and_three_workers() {
    let dir = TempDir::new("icmp");
    let capture = project("captures/lab-basic.pcapng");
    let expected = tshark_records(&dir.0, &capture, ICMP);
    assert_eq!(expected.len(), 149, "tshark's ICMP frames of lab-basic (tests/channels.rs)");
    let buffer = "[[bufferControl]]\nbufferControlIndex = 1\nbufferControlChannelIndex = 1\n\
                  bufferControlFullAction = \"wrapWhenFull\"\nbufferControlCaptureSliceSize = 0\n";
    for workers in [1, 3] {
        let report = replay(&dir.0, &capture, &config("acceptMatched", true, buffer), workers, &[]);
        let ours = records(&dir.0.join("buffers/buffer-1.pcap"));
        assert!(ours == expected, "{workers} worker(s): the buffer differs from tshark's ICMP frames");
        assert_eq!(report["channelTable"][0]["channelMatches"], 149);
        let row = buffer_row(&report, 1);
        assert_eq!(row["bufferControlCapturedPackets"], 149);
        assert_eq!(row["bufferControlFullStatus"], "spaceAvailable");
        assert_eq!(row["bufferControlMaxOctetsGranted"], -1);
        let entries = report["captureBufferTable"].as_array().unwrap();
        let indexes: Vec<u64> = entries.iter().map(|e| e["captureBufferIndex"].as_u64().unwrap()).collect();
        assert_eq!(indexes, (1..=149).collect::<Vec<u64>>());
        // captureBufferPacketData: the first 100 octets (bufferControlDownloadSliceSize).
        let first: String = expected[0].0.iter().take(100).map(|b| format!("{b:02x}")).collect::<Vec<_>>().join(":");
        assert_eq!(entries[0]["captureBufferPacketData"], first.as_str());
    }
    // tshark reads the file itself.
    let out = Command::new("tshark").arg("-r").arg(dir.0.join("buffers/buffer-1.pcap")).output().unwrap();
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 149);
}

#[test]
fn lock_stops_at_the_grant_and_wrap_keeps_the_newest() {
    let dir = TempDir::new("full");
    let capture = project("captures/lab-basic.pcapng");
    let icmp = tshark_records(&dir.0, &capture, ICMP);
    let grant = 10_000;
    for (action, workers) in [("lockWhenFull", 1), ("lockWhenFull", 3), ("wrapWhenFull", 3)] {
        let buffer = format!(
            "[[bufferControl]]\nbufferControlIndex = 2\nbufferControlChannelIndex = 1\n\
             bufferControlFullAction = \"{action}\"\nbufferControlCaptureSliceSize = 0\n\
             bufferControlMaxOctetsRequested = {grant}\n"
        );
        let report = replay(&dir.0, &capture, &config("acceptMatched", true, &buffer), workers, &[]);
        let ours = records(&dir.0.join("buffers/buffer-2.pcap"));
        // The longest run of ICMP frames, from the first (lock) or back from the last (wrap),
        // whose octets and overhead fit the grant.
        let mut used = 0;
        let fits = |r: &&Record| {
            used += cost(r);
            used <= grant
        };
        let want: Vec<Record> = if action == "lockWhenFull" {
            icmp.iter().take_while(fits).cloned().collect()
        } else {
            let mut tail: Vec<Record> = icmp.iter().rev().take_while(fits).cloned().collect();
            tail.reverse();
            tail
        };
        assert!(!want.is_empty() && want.len() < icmp.len(), "{action}: the grant must bite");
        assert!(ours == want, "{action} on {workers}: {} frames kept, {} expected", ours.len(), want.len());
        let row = buffer_row(&report, 2);
        assert_eq!(row["bufferControlFullStatus"], "full");
        assert_eq!(row["bufferControlMaxOctetsGranted"], grant);
        assert!(ours.iter().map(cost).sum::<u64>() <= grant);
        let first_index = report["captureBufferTable"][0]["captureBufferIndex"].as_u64().unwrap();
        let expected_first = if action == "lockWhenFull" { 1 } else { (icmp.len() - want.len() + 1) as u64 };
        assert_eq!(first_index, expected_first, "{action}: captureBufferIndex counts every frame taken");
    }
}

#[test]
fn accept_failed_inverts_and_data_control_off_captures_nothing() {
    let dir = TempDir::new("invert");
    let capture = project("captures/lab-basic.pcapng");
    let not_icmp = tshark_records(&dir.0, &capture, &format!("!({ICMP})"));
    let buffer = "[[bufferControl]]\nbufferControlIndex = 1\nbufferControlChannelIndex = 1\n\
                  bufferControlCaptureSliceSize = 0\n";
    let report = replay(&dir.0, &capture, &config("acceptFailed", true, buffer), 2, &[]);
    let ours = records(&dir.0.join("buffers/buffer-1.pcap"));
    assert!(ours == not_icmp, "acceptFailed: {} frames, tshark {}", ours.len(), not_icmp.len());
    assert_eq!(report["channelTable"][0]["channelMatches"].as_u64(), Some(not_icmp.len() as u64));

    let report = replay(&dir.0, &capture, &config("acceptMatched", false, buffer), 2, &[]);
    assert_eq!(report["channelTable"][0]["channelMatches"], 149, "channelMatches counts while off");
    assert_eq!(buffer_row(&report, 1)["bufferControlCapturedPackets"], 0);
    assert!(records(&dir.0.join("buffers/buffer-1.pcap")).is_empty());
}

#[test]
fn a_status_bit_filter_buffers_the_oversize_frames() {
    let dir = TempDir::new("oversize");
    let capture = project("captures/lab-fcs.pcapng");
    // lab-fcs keeps the FCS: tshark's frame.len is the length on the wire.
    let oversize = tshark_records(&dir.0, &capture, "frame.len > 1518");
    assert_eq!(oversize.len(), 3);
    let config = "[[channel]]\nchannelIndex = 1\nchannelDataControl = \"on\"\n\
                  [[filter]]\nfilterIndex = 1\nfilterChannelIndex = 1\nfilterPktStatus = 1\nfilterPktStatusMask = 1\n\
                  [[bufferControl]]\nbufferControlIndex = 1\nbufferControlChannelIndex = 1\n\
                  bufferControlCaptureSliceSize = 0\n";
    let report = replay(&dir.0, &capture, config, 1, &[]);
    let ours = records(&dir.0.join("buffers/buffer-1.pcap"));
    assert!(ours == oversize, "{} frames buffered", ours.len());
    let statuses: Vec<u64> = report["captureBufferTable"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["captureBufferPacketStatus"].as_u64().unwrap())
        .collect();
    assert!(statuses.iter().all(|s| s & 1 == 1), "bit 0 (longer than 1518) in {statuses:?}");
}

#[test]
fn snmpget_reads_the_packet_data_of_the_buffer() {
    let dir = TempDir::new("snmp");
    let capture = project("captures/lab-basic.pcapng");
    let icmp = tshark_records(&dir.0, &capture, ICMP);
    let buffer = "[[bufferControl]]\nbufferControlIndex = 1\nbufferControlChannelIndex = 1\n\
                  bufferControlDownloadOffset = 14\nbufferControlDownloadSliceSize = 20\n";
    let config_path = dir.0.join("probe.toml");
    fs::write(&config_path, config("acceptMatched", true, buffer)).unwrap();
    let port = UdpSocket::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let addr = format!("127.0.0.1:{port}");
    let report = dir.0.join("report.json");
    let mut child = Command::new(env!("CARGO_BIN_EXE_rmonprobe"))
        .arg("replay")
        .arg(&capture)
        .arg("--config")
        .arg(&config_path)
        .args(["--snmp", &addr, "--serve", "--json"])
        .arg(&report)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while !report.exists() {
        assert!(Instant::now() < deadline, "no report");
        sleep(Duration::from_millis(50));
    }
    let get = |oid: &str| {
        let out = Command::new("snmpget")
            .args(["-v2c", "-c", "public", "-On", "-Oqv", "-Ox", "-r", "3", &addr, oid])
            .output()
            .expect("snmpget");
        String::from_utf8_lossy(&out.stdout).trim().trim_matches('"').trim().to_string()
    };
    // captureBufferPacketData.1.N: octets 14..34 of frame N (the IPv4 header), hex.
    for n in [1usize, 2, 149] {
        let want: String = icmp[n - 1].0[14..34].iter().map(|b| format!("{b:02X}")).collect::<Vec<_>>().join(" ");
        let mut got = String::new();
        for _ in 0..50 {
            got = get(&format!(".1.3.6.1.2.1.16.8.2.1.4.1.{n}"));
            if !got.is_empty() {
                break;
            }
            sleep(Duration::from_millis(100));
        }
        assert_eq!(got.split_whitespace().collect::<Vec<_>>().join(" "), want, "captureBufferPacketData.1.{n}");
    }
    // bufferControlCapturedPackets.1
    assert_eq!(get(".1.3.6.1.2.1.16.8.1.1.10.1"), "149");
    let _ = child.kill();
    let _ = child.wait();
}
