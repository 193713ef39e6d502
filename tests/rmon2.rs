//! RMON2's network layer over SNMP, read with net-snmp's tools: what a manager walks from the
//! agent is what the JSON report says and what tshark's dissection of the same capture gives
//! (the nlMatrixTopN and alMatrixTopN reports too); a plain walk of a time-filtered table ends;
//! a walk from a timemark reads only the rows changed since; and a protocol a manager adds by SET
//! counts its port from then on.
//!
//! Needs net-snmp's tools and tshark (`scripts/deps.sh test`), and ../shared (or
//! RMONPROBE_SHARED) for RMON2-MIB.

use std::collections::{BTreeMap, BTreeSet};
use std::fs::{self, File};
use std::io::BufWriter;
use std::net::{IpAddr, UdpSocket};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread::sleep;
use std::time::{Duration, Instant};

use rmonprobe::capture::writer::PcapWriter;
use rmonprobe::mib::Timestamp;
use serde_json::Value;

const NL_HOST: &str = "1.3.6.1.2.1.16.14.2.1";
const NL_MATRIX_SD: &str = "1.3.6.1.2.1.16.15.2.1";
const ADDRESS_MAP: &str = "1.3.6.1.2.1.16.13.5.1";
const PROTOCOL_DIST_STATS: &str = "1.3.6.1.2.1.16.12.2.1";
const PROTOCOL_DIR: &str = "1.3.6.1.2.1.16.11.2.1";
const NL_MATRIX_TOP_N: &str = "1.3.6.1.2.1.16.15.5.1";
const AL_HOST: &str = "1.3.6.1.2.1.16.16.1.1";
const AL_MATRIX_TOP_N: &str = "1.3.6.1.2.1.16.17.4.1";
const AL_MATRIX_TOP_N_HC: &str = "1.3.6.1.2.1.16.17.7.1";

/// An nlMatrixTopN row beside the defaults: 30-second reports of the 5 busiest conversations
/// by octets.
const TOP_N_CONFIG: &str = r#"
[[nlMatrixTopNControl]]
nlMatrixTopNControlIndex = 1
nlMatrixTopNControlMatrixIndex = 1
nlMatrixTopNControlRateBase = "nlMatrixTopNOctets"
nlMatrixTopNControlTimeRemaining = 30
nlMatrixTopNControlRequestedSize = 5
"#;
/// Two alMatrixTopN rows beside the defaults, 30-second reports of 5 entries each: the terminal
/// protocols' conversations by octets, and every protocol's by packets.
const AL_TOP_N_CONFIG: &str = r#"
[[alMatrixTopNControl]]
alMatrixTopNControlIndex = 1
alMatrixTopNControlMatrixIndex = 1
alMatrixTopNControlRateBase = "alMatrixTopNTerminalsOctets"
alMatrixTopNControlTimeRemaining = 30
alMatrixTopNControlRequestedSize = 5

[[alMatrixTopNControl]]
alMatrixTopNControlIndex = 2
alMatrixTopNControlMatrixIndex = 1
alMatrixTopNControlRateBase = "alMatrixTopNAllPkts"
alMatrixTopNControlTimeRemaining = 30
alMatrixTopNControlRequestedSize = 5
"#;
/// TimeTicks: hundredths of a second, in nanoseconds.
const TICK: u64 = 10_000_000;

fn shared() -> PathBuf {
    std::env::var_os("RMONPROBE_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared"))
}

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

struct Served(Child, String);

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `rmonprobe replay CAPTURE --snmp ... --json JSON` with `extra` options, and the agent's
/// address once it answers.
fn serve(capture: &Path, json: &Path, extra: &[&str]) -> Served {
    let port = UdpSocket::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let agent = format!("127.0.0.1:{port}");
    let child = Command::new(env!("CARGO_BIN_EXE_rmonprobe"))
        .arg("replay")
        .arg(capture)
        .args(["--snmp", &agent, "--write-community", "private", "--json"])
        .arg(json)
        .args(extra)
        .stdout(Stdio::null())
        .spawn()
        .expect("rmonprobe replay");
    let served = Served(child, agent);
    let deadline = Instant::now() + Duration::from_secs(30);
    while walk("snmpget", &served.1, "1.3.6.1.2.1.1.3.0").is_empty() {
        assert!(Instant::now() < deadline, "the agent never answered");
        sleep(Duration::from_millis(100));
    }
    served
}

/// The report, once the replay has written it; by then the agent serves the final tables
/// (after the control plane's snapshot of a second ago, if a request made one, has aged).
fn wait_for_report(json: &Path) -> Value {
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        if let Some(report) = fs::read(json).ok().and_then(|b| serde_json::from_slice(&b).ok()) {
            sleep(Duration::from_millis(1200));
            return report;
        }
        assert!(Instant::now() < deadline, "the replay never wrote its report");
        sleep(Duration::from_millis(100));
    }
}

/// What `tool` (snmpget, snmpwalk, snmpbulkwalk) reads under `oid`: numeric OID (no leading
/// dot) to value, as `-On -Oq` prints them.
fn walk(tool: &str, agent: &str, oid: &str) -> Vec<(String, String)> {
    walk_with(tool, agent, oid, &[])
}

/// [`walk`] with more output options (`-Ox`: every OCTET STRING in hex).
fn walk_with(tool: &str, agent: &str, oid: &str, options: &[&str]) -> Vec<(String, String)> {
    let mut args = vec!["-v2c", "-c", "public", "-t", "2", "-r", "1", "-m", "", "-On", "-Oq", "-Ot"];
    args.extend_from_slice(options);
    if tool == "snmpbulkwalk" {
        args.push("-Cr50");
    }
    let out = Command::new(tool)
        .args(&args)
        .args([agent, oid])
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("{tool} runs (scripts/deps.sh test installs net-snmp's tools): {e}"));
    if !out.status.success() {
        return Vec::new();
    }
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!text.contains("OID not increasing"), "{tool} {oid}: {text}");
    text.lines()
        .filter_map(|l| {
            let (oid, value) = l.split_once(' ')?;
            Some((oid.trim_start_matches('.').to_string(), value.trim().to_string()))
        })
        .filter(|(_, v)| !v.starts_with("No Such") && !v.starts_with("No more"))
        .collect()
}

/// An address as a length-prefixed index: `4.10.77.0.1`.
fn address_index(text: &str) -> String {
    let octets = match text.parse::<IpAddr>().expect("an IP address") {
        IpAddr::V4(a) => a.octets().to_vec(),
        IpAddr::V6(a) => a.octets().to_vec(),
    };
    let mut parts = vec![octets.len().to_string()];
    parts.extend(octets.iter().map(u8::to_string));
    parts.join(".")
}

/// An address as `-Ox` prints its OCTET STRING: `0A 4D 00 01`.
fn address_hex(text: &str) -> String {
    let octets = match text.parse::<IpAddr>().expect("an IP address") {
        IpAddr::V4(a) => a.octets().to_vec(),
        IpAddr::V6(a) => a.octets().to_vec(),
    };
    octets.iter().map(|o| format!("{o:02X}")).collect::<Vec<_>>().join(" ")
}

fn n(v: &Value) -> String {
    v.as_u64().unwrap_or_else(|| panic!("not a count: {v}")).to_string()
}

fn rows<'a>(report: &'a Value, table: &str) -> &'a Vec<Value> {
    report[table].as_array().unwrap_or_else(|| panic!("{table} in the report"))
}

/// The last change of every address in the capture, in TimeTicks from its first frame, by
/// tshark (every frame of the lab capture is good).
fn last_changes_by_tshark(capture: &Path) -> BTreeMap<String, u64> {
    let out = Command::new("tshark")
        .arg("-r")
        .arg(capture)
        .args(["-n", "-T", "fields", "-E", "occurrence=f", "-e", "frame.time_epoch"])
        .args(["-e", "ip.src", "-e", "ip.dst", "-e", "ipv6.src", "-e", "ipv6.dst"])
        .env("LC_ALL", "C")
        .output()
        .expect("tshark runs (scripts/install-tshark.sh)");
    assert!(out.status.success(), "tshark: {}", String::from_utf8_lossy(&out.stderr));
    let nanos = |text: &str| -> u64 {
        let (whole, frac) = text.split_once('.').unwrap_or((text, ""));
        let frac = format!("{frac:0<9}");
        whole.parse::<u64>().unwrap() * 1_000_000_000 + frac[..9].parse::<u64>().unwrap()
    };
    let mut first = None;
    let mut latest = 0;
    let mut last = BTreeMap::new();
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let cols: Vec<&str> = line.split('\t').collect();
        // Time never goes back: a frame stamped earlier counts at the latest time seen.
        latest = latest.max(nanos(cols[0]));
        let t0 = *first.get_or_insert(latest);
        let ticks = (latest - t0) / TICK;
        for address in cols[1..].iter().filter(|a| !a.is_empty()) {
            let canonical = address.parse::<IpAddr>().expect("an address").to_string();
            last.insert(canonical, ticks);
        }
    }
    last
}

#[test]
fn lab_capture_over_snmp_equals_the_report_and_tshark() {
    let dir = Dir::new("rmon2-lab");
    let capture = Path::new(env!("CARGO_MANIFEST_DIR")).join("captures/lab-basic.pcapng");
    let json = dir.0.join("report.json");
    let config = dir.0.join("probe.toml");
    fs::write(&config, TOP_N_CONFIG).unwrap();
    let served = serve(&capture, &json, &["--serve", "--config", config.to_str().unwrap()]);
    let agent = &served.1;
    let report = wait_for_report(&json);

    // The last 30-second nlMatrixTopN report: what tshark's frames of that window give.
    let out = Command::new("python3")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/expected_rmon2_from_tshark.py"))
        .arg(&capture)
        .args(["--top-n", "30", "--top-n-size", "5"])
        .output()
        .expect("python3 runs the oracle");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let oracle: Value = serde_json::from_slice(&out.stdout).unwrap();
    let (want, got) = (rows(&oracle, "nlMatrixTopNTable"), rows(&report, "nlMatrixTopNTable"));
    assert_eq!(want.len(), 5, "{want:?}");
    for (w, g) in want.iter().zip(got) {
        for (column, value) in w.as_object().unwrap() {
            assert_eq!(&g[column], value, "nlMatrixTopNTable {column}: {g}");
        }
    }
    assert_eq!(got.len(), want.len());
    let control = &rows(&report, "nlMatrixTopNControlTable")[0];
    assert_eq!(control["nlMatrixTopNControlGeneratedReports"], 3, "{control}");
    let walked: BTreeMap<String, String> = walk("snmpbulkwalk", agent, NL_MATRIX_TOP_N).into_iter().collect();
    assert_eq!(walked.get(&format!("{NL_MATRIX_TOP_N}.7.1.1")), Some(&n(&got[0]["nlMatrixTopNOctetRate"])));
    assert_eq!(walked.len(), 5 * 7, "seven accessible columns of five entries");

    // The report agrees with tshark (scripts/expected_rmon2_from_tshark.py's expectation).
    let expected: Value = serde_json::from_str(
        &fs::read_to_string(capture.with_extension("rmon2.expected.json")).expect("the RMON2 expectation"),
    )
    .unwrap();
    for table in ["nlHostTable", "nlMatrixSDTable", "nlMatrixDSTable", "addressMapTable", "protocolDistStatsTable"] {
        let (want, got) = (rows(&expected, table), rows(&report, table));
        assert_eq!(want.len(), got.len(), "{table}");
        for (w, g) in want.iter().zip(got) {
            for (column, value) in w.as_object().unwrap() {
                assert_eq!(&g[column], value, "{table} {column}: {g}");
            }
        }
    }

    // snmpbulkwalk reads the same rows and values.
    let hosts = rows(&report, "nlHostTable");
    let bulk: BTreeMap<String, String> = walk("snmpbulkwalk", agent, NL_HOST).into_iter().collect();
    assert_eq!(bulk.len(), hosts.len() * 6, "six accessible columns per host");
    for h in hosts {
        let index = format!(
            "{}.0.{}.{}",
            h["hlHostControlIndex"],
            h["protocolDirLocalIndex"],
            address_index(h["nlHostAddress"].as_str().unwrap())
        );
        for (column, name) in [
            (3, "nlHostInPkts"),
            (4, "nlHostOutPkts"),
            (5, "nlHostInOctets"),
            (6, "nlHostOutOctets"),
            (7, "nlHostOutMacNonUnicastPkts"),
        ] {
            assert_eq!(bulk.get(&format!("{NL_HOST}.{column}.{index}")), Some(&n(&h[name])), "{name} of {h}");
        }
    }
    let pairs = rows(&report, "nlMatrixSDTable");
    let bulk: BTreeMap<String, String> = walk("snmpbulkwalk", agent, NL_MATRIX_SD).into_iter().collect();
    assert_eq!(bulk.len(), pairs.len() * 3);
    for p in pairs {
        let index = format!(
            "1.0.{}.{}.{}",
            p["protocolDirLocalIndex"],
            address_index(p["nlMatrixSDSourceAddress"].as_str().unwrap()),
            address_index(p["nlMatrixSDDestAddress"].as_str().unwrap())
        );
        assert_eq!(bulk.get(&format!("{NL_MATRIX_SD}.4.{index}")), Some(&n(&p["nlMatrixSDPkts"])));
        assert_eq!(bulk.get(&format!("{NL_MATRIX_SD}.5.{index}")), Some(&n(&p["nlMatrixSDOctets"])));
    }
    let maps = rows(&report, "addressMapTable");
    let bulk: BTreeMap<String, String> = walk("snmpbulkwalk", agent, ADDRESS_MAP).into_iter().collect();
    assert_eq!(bulk.len(), maps.len() * 2);
    for m in maps {
        let index = format!(
            "0.{}.{}.11.1.3.6.1.2.1.2.2.1.1.1",
            m["protocolDirLocalIndex"],
            address_index(m["addressMapNetworkAddress"].as_str().unwrap())
        );
        let mac = m["addressMapPhysicalAddress"].as_str().unwrap().replace(':', " ").to_uppercase();
        let served = bulk.get(&format!("{ADDRESS_MAP}.4.{index}")).map(|v| v.trim_matches('"').trim().to_string());
        assert_eq!(served, Some(mac), "{m}");
    }
    let dist = rows(&report, "protocolDistStatsTable");
    let bulk: BTreeMap<String, String> = walk("snmpbulkwalk", agent, PROTOCOL_DIST_STATS).into_iter().collect();
    assert_eq!(bulk.len(), dist.len() * 2);
    for d in dist {
        let index = format!("1.{}", d["protocolDirLocalIndex"]);
        assert_eq!(bulk.get(&format!("{PROTOCOL_DIST_STATS}.1.{index}")), Some(&n(&d["protocolDistStatsPkts"])));
        assert_eq!(bulk.get(&format!("{PROTOCOL_DIST_STATS}.2.{index}")), Some(&n(&d["protocolDistStatsOctets"])));
    }

    // A plain snmpwalk (GETNEXT) of nlHostTable ends, with each address once, at timemark 0.
    let plain = walk("snmpwalk", agent, NL_HOST);
    assert_eq!(plain.len(), hosts.len() * 6, "{plain:?}");
    let in_pkts: Vec<&String> =
        plain.iter().map(|(o, _)| o).filter(|o| o.starts_with(&format!("{NL_HOST}.3.1.0."))).collect();
    assert_eq!(in_pkts.len(), hosts.len());
    assert_eq!(in_pkts.iter().collect::<BTreeSet<_>>().len(), hosts.len());

    // A plain snmpwalk of alHostTable ends too, with each (address, protocol) once: five
    // columns a row, as many rows as the report has.
    let al_hosts = rows(&report, "alHostTable").len();
    let plain = walk("snmpwalk", agent, AL_HOST);
    assert_eq!(plain.len(), al_hosts * 5, "{plain:?}");
    let in_pkts: BTreeSet<&String> =
        plain.iter().map(|(o, _)| o).filter(|o| o.starts_with(&format!("{AL_HOST}.2.1.0."))).collect();
    assert_eq!(in_pkts.len(), al_hosts, "one alHostInPkts per (address, protocol)");

    // From a timemark after the capture's first half: only the hosts changed since.
    let last = last_changes_by_tshark(&capture);
    let end = last.values().copied().max().unwrap();
    let mark = end / 2;
    let want: BTreeSet<String> = last.iter().filter(|(_, t)| **t >= mark).map(|(a, _)| address_index(a)).collect();
    assert!(!want.is_empty() && want.len() < hosts.len(), "the second half changes some hosts, not all: {want:?}");
    let from = format!("{NL_HOST}.3.1.{mark}");
    let since: BTreeSet<String> = walk("snmpbulkwalk", agent, &from)
        .into_iter()
        .map(|(oid, _)| {
            let rest = oid.strip_prefix(&format!("{from}.")).expect("under the timemark").to_string();
            // protocolDirLocalIndex, then the address.
            rest.split_once('.').map(|(_, address)| address.to_string()).unwrap()
        })
        .collect();
    assert_eq!(since, want, "rows changed at or after timemark {mark}");
    // A GET at that timemark: there for a row changed since, not for one that was not.
    let (changed, unchanged) = {
        let h = |pick: bool| hosts.iter().find(|h| (last[h["nlHostAddress"].as_str().unwrap()] >= mark) == pick);
        (h(true).unwrap(), h(false).unwrap())
    };
    for (h, there) in [(changed, true), (unchanged, false)] {
        let oid = format!(
            "{NL_HOST}.3.1.{mark}.{}.{}",
            h["protocolDirLocalIndex"],
            address_index(h["nlHostAddress"].as_str().unwrap())
        );
        assert_eq!(!walk("snmpget", agent, &oid).is_empty(), there, "{oid}");
    }

    // probeCapabilities names the RMON2 groups: protocolDirectory(18) .. alMatrix(24).
    let shared_mibs = format!("+{}", shared().join("mibs").display());
    let out = Command::new("snmpget")
        .args(["-v2c", "-c", "public", "-M", &shared_mibs, "-m", "+RMON2-MIB", agent, "RMON2-MIB::probeCapabilities.0"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    for group in [
        "protocolDirectory(18)",
        "protocolDistribution(19)",
        "addressMapping(20)",
        "nlHost(21)",
        "nlMatrix(22)",
        "alHost(23)",
        "alMatrix(24)",
        "usrHistory(25)",
    ] {
        assert!(text.contains(group), "{text}");
    }
}

#[test]
fn al_matrix_top_n_of_the_lab_capture_over_snmp_equals_tshark() {
    let dir = Dir::new("rmon2-al-top-n");
    let capture = Path::new(env!("CARGO_MANIFEST_DIR")).join("captures/lab-basic.pcapng");
    let json = dir.0.join("report.json");
    let config = dir.0.join("probe.toml");
    fs::write(&config, AL_TOP_N_CONFIG).unwrap();
    // Three workers: each report is the sum of three shards' windows.
    let served = serve(&capture, &json, &["--serve", "--workers", "3", "--config", config.to_str().unwrap()]);
    let agent = &served.1;
    let report = wait_for_report(&json);

    // The last complete 30-second reports of both rows (sysUpTime 0 is the first frame; the
    // capture lasts 100 s, so 60 s to 90 s), as the oracle ranks tshark's frames of that window:
    // each frame's wire length (frame.len + 4), under its transport and its port's application.
    let out = Command::new("python3")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/expected_rmon2_from_tshark.py"))
        .arg(&capture)
        .args(["--al-top-n", "30", "--al-top-n-size", "5"])
        .args(["--al-top-n-base", "alMatrixTopNTerminalsOctets", "--al-top-n-base", "alMatrixTopNAllPkts"])
        .output()
        .expect("python3 runs the oracle");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let oracle: Value = serde_json::from_slice(&out.stdout).unwrap();
    let (want, got) = (rows(&oracle, "alMatrixTopNTable"), rows(&report, "alMatrixTopNTable"));
    assert_eq!(want.len(), 10, "five entries in each report: {want:?}");
    for (w, g) in want.iter().zip(got) {
        for (column, value) in w.as_object().unwrap() {
            assert_eq!(&g[column], value, "alMatrixTopNTable {column}: {g}");
        }
    }
    assert_eq!(got.len(), want.len());
    // The rate bases rank different entries: ether2.ip.tcp and .udp (7, 8), whose applications
    // are counted too, only among all; the terminals are applications and icmp.
    let ranked = |control: u64| -> Vec<u64> {
        got.iter()
            .filter(|e| e["alMatrixTopNControlIndex"] == control)
            .map(|e| e["alMatrixTopNAppProtocolDirLocalIndex"].as_u64().unwrap())
            .collect()
    };
    assert!(ranked(1).iter().all(|p| ![7, 8, 10, 11].contains(p)), "terminals: {:?}", ranked(1));
    assert!(ranked(2).iter().any(|p| [7, 8].contains(p)), "all: {:?}", ranked(2));

    // Three reports ended by the last frame; the fourth started at 90 s and has 20 s left.
    for control in rows(&report, "alMatrixTopNControlTable") {
        assert_eq!(control["alMatrixTopNControlGeneratedReports"], 3, "{control}");
        assert_eq!(control["alMatrixTopNControlStartTime"], 9000, "{control}");
        assert_eq!(control["alMatrixTopNControlTimeRemaining"], 20, "{control}");
        assert_eq!(control["alMatrixTopNControlDuration"], 30, "{control}");
        assert_eq!(control["alMatrixTopNControlGrantedSize"], 5, "{control}");
        assert_eq!(control["alMatrixTopNControlStatus"], "active", "{control}");
    }

    // snmpbulkwalk reads the same entries, and HC-RMON's view the same rates.
    let walked: BTreeMap<String, String> =
        walk_with("snmpbulkwalk", agent, AL_MATRIX_TOP_N, &["-Ox"]).into_iter().collect();
    assert_eq!(walked.len(), got.len() * 8, "eight accessible columns per entry");
    let hc: BTreeMap<String, String> = walk("snmpbulkwalk", agent, AL_MATRIX_TOP_N_HC).into_iter().collect();
    assert_eq!(hc.len(), got.len() * 16, "sixteen columns per entry");
    for e in got {
        let index = format!("{}.{}", e["alMatrixTopNControlIndex"], e["alMatrixTopNIndex"]);
        for (column, name) in [
            (2, "alMatrixTopNProtocolDirLocalIndex"),
            (5, "alMatrixTopNAppProtocolDirLocalIndex"),
            (6, "alMatrixTopNPktRate"),
            (7, "alMatrixTopNReversePktRate"),
            (8, "alMatrixTopNOctetRate"),
            (9, "alMatrixTopNReverseOctetRate"),
        ] {
            assert_eq!(walked.get(&format!("{AL_MATRIX_TOP_N}.{column}.{index}")), Some(&n(&e[name])), "{name} of {e}");
        }
        for (column, name) in [(3, "alMatrixTopNSourceAddress"), (4, "alMatrixTopNDestAddress")] {
            let served = walked.get(&format!("{AL_MATRIX_TOP_N}.{column}.{index}")).map(|v| v.trim_matches('"').trim());
            assert_eq!(served, Some(address_hex(e[name].as_str().unwrap()).as_str()), "{name} of {e}");
        }
        for (column, name) in [
            (4, "alMatrixTopNAppProtocolDirLocalIndex"),
            (7, "alMatrixTopNPktRate"),
            (10, "alMatrixTopNReversePktRate"),
            (13, "alMatrixTopNOctetRate"),
            (16, "alMatrixTopNReverseOctetRate"),
        ] {
            assert_eq!(hc.get(&format!("{AL_MATRIX_TOP_N_HC}.{column}.{index}")), Some(&n(&e[name])), "{name} of {e}");
        }
    }

    // hcRMONCapabilities names the group.
    let shared_mibs = format!("+{}", shared().join("mibs").display());
    let out = Command::new("snmpget")
        .args([
            "-v2c",
            "-c",
            "public",
            "-M",
            &shared_mibs,
            "-m",
            "+HC-RMON-MIB",
            agent,
            "HC-RMON-MIB::hcRMONCapabilities.0",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("alMatrixTopNHighCapacityGroup(13)"), "{text}");
}

/// A capture of `seconds` seconds: every 100 ms one TCP segment 10.0.0.1 -> 10.0.0.2:8443 and
/// one to port 80.
fn write_port_capture(path: &Path, seconds: u64) -> Vec<Timestamp> {
    let mut pcap = PcapWriter::new(BufWriter::new(File::create(path).unwrap()), true, false).unwrap();
    let start = 1_800_000_000_000_000_000u64;
    let mut times = Vec::new();
    for i in 0..seconds * 10 {
        let time = Timestamp(start + i * 100_000_000);
        for port in [8443u16, 80] {
            let mut f = vec![2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x08, 0x00];
            f.extend_from_slice(&[0x45, 0, 0, 40, 0, 0, 0, 0, 64, 6, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2]);
            f.extend_from_slice(&[0x9c, 0x40]);
            f.extend_from_slice(&port.to_be_bytes());
            f.extend_from_slice(&[0; 16]);
            pcap.write(time, &f, f.len() as u32).unwrap();
        }
        times.push(time);
    }
    pcap.finish().unwrap();
    times
}

#[test]
fn a_protocol_added_by_set_counts_its_port_from_then_on() {
    let dir = Dir::new("rmon2-set");
    let capture = dir.0.join("ports.pcap");
    let times = write_port_capture(&capture, 6);
    let json = dir.0.join("report.json");
    let served = serve(&capture, &json, &["--speed", "1x"]);
    let agent = &served.1;
    sleep(Duration::from_millis(2500));

    // ether2.ip.tcp.8443: protocolDirID 0.0.0.1 0.0.8.0 0.0.0.6 0.0.32.251, parameters 0 0 0 0.
    let instance = "16.0.0.0.1.0.0.8.0.0.0.0.6.0.0.32.251.4.0.0.0.0";
    let out = Command::new("snmpset")
        .args(["-v2c", "-c", "private", "-t", "2", "-r", "1", "-m", "", agent])
        .args([&format!("{PROTOCOL_DIR}.10.{instance}"), "i", "4"])
        .args([&format!("{PROTOCOL_DIR}.9.{instance}"), "s", "noc"])
        .output()
        .expect("snmpset runs");
    assert!(out.status.success(), "createAndGo: {}", String::from_utf8_lossy(&out.stderr));
    let descr = walk("snmpget", agent, &format!("{PROTOCOL_DIR}.4.{instance}"));
    assert_eq!(descr.first().map(|(_, v)| v.as_str()), Some("\"ether2.ip.tcp.8443\""));
    let local: u32 = walk("snmpget", agent, &format!("{PROTOCOL_DIR}.3.{instance}"))[0].1.parse().unwrap();
    let changed: u64 = walk("snmpget", agent, "1.3.6.1.2.1.16.11.1.0")[0]
        .1
        .parse()
        .expect("protocolDirLastChange in TimeTicks (-Oq prints the number with -Ot)");

    let report = wait_for_report(&json);
    let counted = |local: u64| {
        rows(&report, "protocolDistStatsTable")
            .iter()
            .find(|r| r["protocolDirLocalIndex"] == local)
            .map(|r| r["protocolDistStatsPkts"].as_u64().unwrap())
    };
    // The frames to 8443 after the SET (the probe's clock then was the latest frame counted).
    let start = times[0];
    let after = times.iter().filter(|t| t.since(start) > changed * TICK).count() as u64;
    assert!(after > 0 && after < times.len() as u64, "the SET came mid-replay: {after} of {}", times.len());
    assert_eq!(counted(u64::from(local)), Some(after), "ether2.ip.tcp.8443 from the SET on");
    assert_eq!(counted(7), Some(2 * times.len() as u64), "ether2.ip.tcp all along");
    // The application layer counts it too: 10.0.0.2 received, 10.0.0.1 sent, one conversation.
    assert_eq!(al_counts(&report, u64::from(local)), (after, after, after), "alHost and alMatrix from the SET on");
}

/// What the application-layer tables counted under protocol `local`: alHostInPkts of 10.0.0.2,
/// alHostOutPkts of 10.0.0.1, and alMatrixSDPkts of 10.0.0.1 -> 10.0.0.2.
fn al_counts(report: &Value, local: u64) -> (u64, u64, u64) {
    let host = |address: &str, column: &str| {
        rows(report, "alHostTable")
            .iter()
            .find(|r| r["alProtocolDirLocalIndex"] == local && r["nlHostAddress"] == address)
            .map_or(0, |r| r[column].as_u64().unwrap())
    };
    let pair = rows(report, "alMatrixSDTable")
        .iter()
        .find(|r| r["alProtocolDirLocalIndex"] == local && r["nlMatrixSDSourceAddress"] == "10.0.0.1")
        .map_or(0, |r| r["alMatrixSDPkts"].as_u64().unwrap());
    (host("10.0.0.2", "alHostInPkts"), host("10.0.0.1", "alHostOutPkts"), pair)
}

#[test]
fn a_protocol_added_in_the_configuration_counts_from_the_start_and_a_built_in_one_can_change() {
    let dir = Dir::new("rmon2-config-protocol");
    let capture = dir.0.join("ports.pcap");
    let times = write_port_capture(&capture, 3);
    let config = dir.0.join("protocols.toml");
    fs::write(
        &config,
        r#"
[[protocol]]
protocolDirID = "ether2.ip.tcp.8443"
protocolDirDescr = "ether2.ip.tcp.https-alt"
protocolDirOwner = "noc"

# www-http's conversations off: alMatrix forgets them, alHost keeps counting.
[[protocol]]
protocolDirID = "0.0.0.1.0.0.8.0.0.0.0.6.0.0.0.80"
protocolDirParameters = "0.0.0.0"
protocolDirMatrixConfig = "supportedOff"
"#,
    )
    .unwrap();
    let json = dir.0.join("report.json");
    let out = Command::new(env!("CARGO_BIN_EXE_rmonprobe"))
        .arg("replay")
        .arg(&capture)
        .arg("--config")
        .arg(&config)
        .arg("--json")
        .arg(&json)
        .output()
        .expect("rmonprobe replay");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report: Value = serde_json::from_slice(&fs::read(&json).unwrap()).unwrap();
    let dir_row = |descr: &str| {
        rows(&report, "protocolDirTable").iter().find(|r| r["protocolDirDescr"] == descr).cloned().unwrap()
    };
    let added = dir_row("ether2.ip.tcp.https-alt");
    assert_eq!(added["protocolDirID"], "0.0.0.1.0.0.8.0.0.0.0.6.0.0.32.251");
    assert_eq!((added["protocolDirLocalIndex"].as_u64(), &added["protocolDirOwner"]), (Some(64), &Value::from("noc")));
    let n = times.len() as u64;
    assert_eq!(al_counts(&report, 64), (n, n, n), "every frame to 8443, from the first");
    let www = dir_row("ether2.ip.tcp.www-http");
    assert_eq!(www["protocolDirMatrixConfig"], "supportedOff");
    let local = www["protocolDirLocalIndex"].as_u64().unwrap();
    assert_eq!(al_counts(&report, local), (n, n, 0), "port 80: hosts counted, conversations off");
}

/// A capture of frames 10.0.0.1 -> 10.0.0.2 at irregular times over about five minutes: bursts,
/// a frame exactly on a 30-second boundary of the probe's clock, and a quiet gap of over three
/// intervals. Returns the frames' times.
fn write_uneven_capture(path: &Path) -> Vec<Timestamp> {
    let mut pcap = PcapWriter::new(BufWriter::new(File::create(path).unwrap()), true, false).unwrap();
    let start = 1_800_000_000_000_000_000u64;
    let sec = 1_000_000_000u64;
    let mut offsets: Vec<u64> = Vec::new();
    for i in 0..400u64 {
        // A burst every 7 seconds, thinning out; nothing from 100 s to 200 s.
        let at = (i / 10) * 7 * sec + (i % 10) * (i % 3 + 1) * 37_000_000;
        if !(100 * sec..200 * sec).contains(&at) {
            offsets.push(at);
        }
    }
    offsets.push(30 * sec); // on the boundary: counts in the second bucket
    offsets.push(60 * sec - 1); // just before the next: the second bucket too
    offsets.sort_unstable();
    let mut times = Vec::new();
    for at in offsets {
        let time = Timestamp(start + at);
        let mut f = vec![2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x08, 0x00];
        f.extend_from_slice(&[0x45, 0, 0, 40, 0, 0, 0, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2]);
        f.extend_from_slice(&[0x9c, 0x40, 0, 53, 0, 20, 0, 0]);
        f.resize(60, 0);
        pcap.write(time, &f, f.len() as u32).unwrap();
        times.push(time);
    }
    pcap.finish().unwrap();
    times
}

/// A 30-second history of ifIndex.1 and a 30-second usrHistory of etherStatsPkts.1 (delta) and
/// etherStatsOctets.1 (absolute).
const USR_HISTORY_CONFIG: &str = r#"
[[etherStats]]
etherStatsIndex = 1
etherStatsDataSource = "ifIndex.1"

[[historyControl]]
historyControlIndex = 1
historyControlDataSource = "ifIndex.1"
historyControlInterval = 30
historyControlBucketsRequested = 100

[[usrHistoryControl]]
usrHistoryControlIndex = 3
usrHistoryControlInterval = 30
usrHistoryControlBucketsRequested = 100

[[usrHistoryControl.objects]]
usrHistoryObjectVariable = "1.3.6.1.2.1.16.1.1.1.5.1"
usrHistoryObjectSampleType = "deltaValue"

[[usrHistoryControl.objects]]
usrHistoryObjectVariable = "1.3.6.1.2.1.16.1.1.1.4.1"
usrHistoryObjectSampleType = "absoluteValue"
"#;

#[test]
fn usr_history_of_ether_stats_pkts_equals_ether_history_bucket_for_bucket() {
    let dir = Dir::new("usr-history");
    let capture = dir.0.join("uneven.pcap");
    let times = write_uneven_capture(&capture);
    let config = dir.0.join("usr.toml");
    fs::write(&config, USR_HISTORY_CONFIG).unwrap();
    for workers in ["1", "2"] {
        let json = dir.0.join(format!("report-{workers}.json"));
        let out = Command::new(env!("CARGO_BIN_EXE_rmonprobe"))
            .arg("replay")
            .arg(&capture)
            .arg("--config")
            .arg(&config)
            .args(["--workers", workers, "--json"])
            .arg(&json)
            .output()
            .expect("rmonprobe replay");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let report: Value = serde_json::from_slice(&fs::read(&json).unwrap()).unwrap();
        let history: Vec<&Value> =
            rows(&report, "etherHistoryTable").iter().filter(|r| r["etherHistoryIndex"] == 1).collect();
        let usr = rows(&report, "usrHistoryTable");
        let object = |k: u64| -> Vec<&Value> { usr.iter().filter(|r| r["usrHistoryObjectIndex"] == k).collect() };
        let (deltas, octets) = (object(1), object(2));
        // Five minutes and a bit: nine complete 30-second buckets, gap included.
        assert_eq!(history.len(), 9, "workers {workers}");
        assert_eq!(deltas.len(), history.len(), "workers {workers}: a usrHistory bucket per etherHistory bucket");
        let first = times[0];
        for (k, (h, u)) in history.iter().zip(&deltas).enumerate() {
            let what = format!("workers {workers}, bucket {}", k + 1);
            assert_eq!(u["usrHistorySampleIndex"], h["etherHistorySampleIndex"], "{what}");
            assert_eq!(u["usrHistoryIntervalStart"], h["etherHistoryIntervalStart"], "{what}");
            assert_eq!(u["usrHistoryAbsValue"], h["etherHistoryPkts"], "{what}");
            assert_eq!(u["usrHistoryValStatus"], "valuePositive", "{what}");
            // The capture itself says how many frames fall in the bucket.
            let (from, to) = (k as u64 * 30_000_000_000, (k as u64 + 1) * 30_000_000_000);
            let expected = times.iter().filter(|t| (from..to).contains(&t.since(first))).count();
            assert_eq!(u["usrHistoryAbsValue"].as_u64(), Some(expected as u64), "{what}");
            assert_eq!(u["usrHistoryIntervalEnd"].as_u64(), Some(to / TICK), "{what}");
        }
        // The absolute value of etherStatsOctets at each end is the octets of every bucket so
        // far: the running sum of etherHistoryOctets.
        let mut sum = 0;
        for (h, u) in history.iter().zip(&octets) {
            sum += h["etherHistoryOctets"].as_u64().unwrap();
            assert_eq!(u["usrHistoryAbsValue"].as_u64(), Some(sum), "workers {workers}: running octets");
        }
        // The quiet gap left buckets of nothing, which are values (0), not missing ones.
        assert!(deltas.iter().any(|u| u["usrHistoryAbsValue"] == 0), "an empty bucket in the gap");
    }
}

const USR_HISTORY_CONTROL: &str = "1.3.6.1.2.1.16.18.1.1";
const USR_HISTORY_OBJECT: &str = "1.3.6.1.2.1.16.18.2.1";
const USR_HISTORY: &str = "1.3.6.1.2.1.16.18.3.1";

#[test]
fn a_usr_history_made_by_set_samples_from_then_on() {
    let dir = Dir::new("usr-history-set");
    let capture = dir.0.join("ports.pcap");
    let times = write_port_capture(&capture, 8);
    let json = dir.0.join("report.json");
    let served = serve(&capture, &json, &["--speed", "1x", "--serve"]);
    let agent = &served.1;
    sleep(Duration::from_millis(2000));
    let set = |varbinds: &[(String, &str, &str)]| {
        let mut cmd = Command::new("snmpset");
        cmd.args(["-v2c", "-c", "private", "-t", "2", "-r", "1", "-m", "", agent]);
        for (oid, t, v) in varbinds {
            cmd.args([oid.as_str(), t, v]);
        }
        let out = cmd.output().expect("snmpset runs");
        (out.status.success(), String::from_utf8_lossy(&out.stderr).into_owned())
    };
    let c = |column: u32| format!("{USR_HISTORY_CONTROL}.{column}.5");
    let o = |column: u32, object: u32| format!("{USR_HISTORY_OBJECT}.{column}.5.{object}");
    // createAndWait with two objects and 1-second buckets; the object rows appear, unset.
    let made = set(&[(c(7), "i", "5"), (c(2), "i", "2"), (c(5), "i", "1"), (c(6), "s", "noc")]);
    assert!(made.0, "createAndWait: {}", made.1);
    assert_eq!(walk("snmpget", agent, &c(7))[0].1, "3", "notReady until the objects are named");
    // An object the row does not have, and activation before the objects are set, are refused.
    let (ok, err) = set(&[(o(2, 3), "o", "1.3.6.1.2.1.16.1.1.1.5.1")]);
    assert!(!ok && err.contains("inconsistentName"), "object 3: {err}");
    let (ok, err) = set(&[(c(7), "i", "1")]);
    assert!(!ok && err.contains("inconsistentValue"), "active too soon: {err}");
    let named = set(&[
        (o(2, 1), "o", "1.3.6.1.2.1.16.1.1.1.5.1"),
        (o(3, 1), "i", "2"),
        (o(2, 2), "o", "1.3.6.1.2.1.16.1.1.1.5.1"),
        (o(3, 2), "i", "1"),
        (c(7), "i", "1"),
    ]);
    assert!(named.0, "objects and active: {}", named.1);
    // Frozen while active.
    let (ok, err) = set(&[(o(3, 1), "i", "1")]);
    assert!(!ok && err.contains("inconsistentValue"), "sample type while active: {err}");

    let report = wait_for_report(&json);
    let buckets = walk("snmpbulkwalk", agent, USR_HISTORY);
    let value = |column: u32, sample: u32, object: u32| -> Option<u64> {
        let oid = format!("{USR_HISTORY}.{column}.5.{sample}.{object}");
        buckets.iter().find(|(o, _)| *o == oid).and_then(|(_, v)| v.parse().ok())
    };
    let first = times[0];
    let mut sample = 1;
    while let Some(end) = value(3, sample, 2) {
        // The absolute reading of etherStatsPkts at each bucket's end is every frame before it
        // (two per 100 ms), and the delta its growth over the bucket. A row made by SET in a
        // replay starts just after the latest frame counted (`replay.rs`), so its buckets end
        // a hair after a frame of this 100 ms grid, within the tick their TimeStamp shows.
        let before = |ticks: u64| 2 * times.iter().filter(|t| t.since(first) <= ticks * TICK).count() as u64;
        let start = value(2, sample, 1).unwrap();
        assert_eq!(value(4, sample, 2), Some(before(end)), "bucket {sample}: absolute");
        if sample > 1 {
            assert_eq!(value(4, sample, 1), Some(before(end) - before(start)), "bucket {sample}: delta");
        }
        assert_eq!(end - start, 100, "bucket {sample}: one second");
        sample += 1;
    }
    assert!(sample > 3, "buckets after the SET: {buckets:?}");
    // The JSON report and the walk agree.
    assert_eq!(
        rows(&report, "usrHistoryTable").iter().filter(|r| r["usrHistoryControlIndex"] == 5).count(),
        buckets.iter().filter(|(o, _)| o.starts_with(&format!("{USR_HISTORY}.4.5."))).count()
    );
}
