//! Remote mirrors (`--decap`): a golden lab capture wrapped in VXLAN, ERSPAN II, ERSPAN III and
//! GRE by `scripts/wrap_tunnel.py` (the wrapping checked with tshark by
//! `scripts/check_wrapped.py`), replayed with the matching `--decap`: the tunnel's data source
//! must have exactly the figures `scripts/expected_from_tshark.py` derives from the unwrapped
//! capture (etherStats, hostTable, matrixSDTable, the 30-second history), and the capture
//! interface counts none of the tunnel packets.

use std::path::{Path, PathBuf};
use std::process::Command;

use rmonprobe::config::Config;
use rmonprobe::replay::{ReplayOptions, Speed, replay};
use serde_json::Value;

mod support;
use support::Dir;
use support::compare::differences;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn python(script: &str, args: &[&str]) -> String {
    let out = Command::new("python3").arg(repo().join("scripts").join(script)).args(args).output().expect("python3");
    assert!(
        out.status.success(),
        "{script} {args:?}: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// `capture` wrapped as `kind` (with `extra` options) into `dir`, and checked with tshark.
fn wrapped(dir: &Dir, capture: &Path, kind: &str, extra: &[&str]) -> PathBuf {
    let out = wrapped_unchecked(dir, capture, kind, extra);
    let mut args = vec![capture.to_str().unwrap(), out.to_str().unwrap(), kind];
    args.extend_from_slice(extra);
    python("check_wrapped.py", &args);
    out
}

/// The same, for options the check does not know (a transit delay).
fn wrapped_unchecked(dir: &Dir, capture: &Path, kind: &str, extra: &[&str]) -> PathBuf {
    let name = format!("{}-{kind}{}.pcapng", capture.file_stem().unwrap().to_string_lossy(), extra.join(""));
    let out = dir.0.join(name.replace(' ', ""));
    let (input, output) = (capture.to_str().unwrap(), out.to_str().unwrap());
    let mut args = vec![input, output, kind];
    args.extend_from_slice(extra);
    python("wrap_tunnel.py", &args);
    out
}

/// What tshark says data source `if_index` must show for the unwrapped `capture`.
fn expected(capture: &Path, if_index: u32) -> Value {
    let n = if_index.to_string();
    serde_json::from_str(&python("expected_from_tshark.py", &[capture.to_str().unwrap(), "--if-index", &n]))
        .expect("the oracle's JSON")
}

/// The JSON report of replaying `capture` with `--decap` `kinds` on `workers` workers.
fn report(capture: &Path, kinds: &[&str], workers: usize) -> Value {
    let mut config = Config::default();
    config.probe.decap = kinds.iter().map(|k| k.to_string()).collect();
    let options =
        ReplayOptions { files: vec![capture.to_path_buf()], fcs_present: false, speed: Speed::Max, config, workers };
    let result = replay(&options).expect("replay");
    assert!(result.warnings().is_empty(), "{:?}", result.warnings());
    let meta = rmonprobe::report::Meta::of_replay(&result);
    let mut report = serde_json::to_value(result.tables()).expect("report");
    report["rmonprobe"] = serde_json::to_value(meta).expect("meta");
    report
}

fn lab(name: &str) -> PathBuf {
    repo().join("captures").join(name)
}

/// The data source `if_index` of `report` agrees with tshark's figures for `original`.
fn assert_source_matches(report: &Value, original: &Path, if_index: u32, what: &str) -> usize {
    let want = expected(original, if_index);
    let diffs = differences(&want, report);
    assert!(diffs.is_empty(), "{what}, ifIndex {if_index}: {} differences:\n{}", diffs.len(), diffs.join("\n"));
    want.as_object().map_or(0, |t| t.values().map(|r| r.as_array().map_or(0, Vec::len)).sum())
}

fn interface(report: &Value, if_index: u32) -> &Value {
    report["rmonprobe"]["interfaces"]
        .as_array()
        .and_then(|all| all.iter().find(|i| i["ifIndex"] == if_index))
        .unwrap_or_else(|| panic!("no interface {if_index} in {}", report["rmonprobe"]["interfaces"]))
}

/// The capture interface (ifIndex 1) counted none of the tunnel packets: its etherStats row is
/// empty and its mirrorDecapsulated is every one of them.
fn assert_capture_interface_counted_nothing(report: &Value, tunnel_packets: u64) {
    let row = &report["etherStatsTable"][0];
    assert_eq!((row["etherStatsIndex"].as_u64(), row["etherStatsPkts"].as_u64()), (Some(1), Some(0)), "{row}");
    let capture = mirror(report, 1);
    assert_eq!(capture["mirrorDecapsulated"].as_u64(), Some(tunnel_packets), "{capture}");
    assert_eq!(capture["mirrorBadEncapsulations"].as_u64(), Some(0), "{capture}");
}

/// Data source `if_index`'s row of mirrorSourceTable (RMONPROBE-MIB).
fn mirror(report: &Value, if_index: u32) -> &Value {
    report["mirrorSourceTable"]
        .as_array()
        .and_then(|all| all.iter().find(|i| i["ifIndex"] == if_index))
        .unwrap_or_else(|| panic!("no mirrorSourceTable row {if_index} in {}", report["mirrorSourceTable"]))
}

fn frames_in(capture: &Path) -> u64 {
    let out = Command::new("capinfos").args(["-c", "-M", "-T"]).arg(capture).output().expect("capinfos");
    let text = String::from_utf8_lossy(&out.stdout);
    text.lines().nth(1).and_then(|l| l.split('\t').nth(1)).and_then(|n| n.trim().parse().ok()).expect("a frame count")
}

#[test]
fn each_kind_alone_gives_the_figures_of_the_unwrapped_capture() {
    let dir = Dir::new("decap-each");
    let mut rows = 0;
    for capture in [lab("lab-basic.pcapng"), lab("lab-vlan.pcapng")] {
        let frames = frames_in(&capture);
        for (kind, decap, descr, extra) in [
            ("vxlan", "vxlan", "vxlan vni 100 from 192.0.2.1", &[][..]),
            ("erspan2", "erspan", "erspan session 7 from 192.0.2.1", &[][..]),
            ("erspan3", "erspan", "erspan session 7 from 192.0.2.1", &[][..]),
            ("gre-key", "gre", "gre key 5 from 192.0.2.1", &[][..]),
            ("gre", "gre", "gre from 2001:db8::1", &["--ipv6"][..]),
            ("geneve", "geneve", "geneve vni 100 from 192.0.2.1", &["--outer-vlan", "12", "--geneve-options", "2"][..]),
            ("vxlan", "vxlan:8472", "vxlan vni 100 from 192.0.2.1", &["--port", "8472"][..]),
        ] {
            let what = format!("{} as {kind} {extra:?}", capture.display());
            let tunnel = wrapped(&dir, &capture, kind, extra);
            let report = report(&tunnel, &[decap], 1);
            rows += assert_source_matches(&report, &capture, 2, &what);
            assert_capture_interface_counted_nothing(&report, frames);
            assert_eq!(interface(&report, 2)["ifDescr"], descr, "{what}");
            assert_eq!(report["rmonprobe"]["interfaces"].as_array().map(Vec::len), Some(2), "{what}");
        }
    }
    assert!(rows > 500, "only {rows} rows compared");
}

/// The sessions of `wrap_tunnel.py ... all`, in the order they appear: ifDescr of ifIndex 2..5.
const ALL_FOUR: [&str; 4] = [
    "vxlan vni 100 from 192.0.2.1",
    "erspan session 7 from 192.0.2.1",
    "erspan session 8 from 192.0.2.1",
    "gre key 5 from 192.0.2.1",
];

#[test]
fn auto_opens_all_four_at_once_as_four_data_sources() {
    let dir = Dir::new("decap-auto");
    let capture = lab("lab-basic.pcapng");
    let tunnel = wrapped(&dir, &capture, "all", &[]);
    for workers in [1, 2] {
        let report = report(&tunnel, &["auto"], workers);
        let descrs: Vec<&str> = report["rmonprobe"]["interfaces"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["ifDescr"].as_str().unwrap_or_default())
            .collect();
        assert_eq!(descrs[1..], ALL_FOUR, "{workers} workers");
        for if_index in 2..=5 {
            assert_source_matches(&report, &capture, if_index, &format!("all four, {workers} workers"));
        }
        assert_capture_interface_counted_nothing(&report, 4 * frames_in(&capture));
    }
}

#[test]
fn erspan_iii_frames_count_at_the_switch_time_not_the_arrival() {
    // Every frame but the first is delayed 400 ms on its way: its capture time is later, and
    // frames near a 30-second boundary would fall into the next bucket. The ERSPAN III
    // timestamp gives each its time at the switch again, so the history is the original's:
    // in 100 ns units (wrapping every 429 s), and as IEEE 1588's nanoseconds of the second
    // (wrapping every second; the seconds are the capture's).
    let dir = Dir::new("decap-erspan3");
    let capture = lab("lab-basic.pcapng");
    for gra in ["1", "2"] {
        let tunnel = wrapped_unchecked(&dir, &capture, "erspan3", &["--delay-ms", "400", "--gra", gra]);
        let report = report(&tunnel, &["erspan"], 1);
        assert_source_matches(&report, &capture, 2, &format!("erspan3 (Gra {gra}) delayed 400 ms"));
    }
}

#[test]
fn a_session_over_the_limit_is_counted_and_dropped() {
    let dir = Dir::new("decap-limit");
    let capture = lab("lab-basic.pcapng");
    let tunnel = wrapped(&dir, &capture, "all", &[]);
    let mut config = Config::parse("[limits]\ntunnel_sources = 2\n[probe]\ndecap = [\"auto\"]\n").expect("config");
    config.probe.default_rows = true;
    let options =
        ReplayOptions { files: vec![tunnel.clone()], fcs_present: false, speed: Speed::Max, config, workers: 1 };
    let result = replay(&options).expect("replay");
    let meta = serde_json::to_value(rmonprobe::report::Meta::of_replay(&result)).unwrap();
    let interfaces = meta["interfaces"].as_array().unwrap();
    assert_eq!(interfaces.len(), 3, "{interfaces:?}");
    let frames = frames_in(&capture);
    let mut report = serde_json::to_value(result.tables()).unwrap();
    report["rmonprobe"] = meta;
    let capture_interface = mirror(&report, 1);
    assert_eq!(capture_interface["mirrorDecapsulated"].as_u64(), Some(2 * frames));
    assert_eq!(capture_interface["mirrorOverLimit"].as_u64(), Some(2 * frames));
    // The two sessions that did become data sources are whole.
    assert_source_matches(&report, &capture, 2, "first session under a limit of 2");
    assert_source_matches(&report, &capture, 3, "second session under a limit of 2");
}

#[test]
fn dedup_counts_a_frame_mirrored_twice_once() {
    // Every frame of the capture twice, the copy 0.2 ms after the original (the same frame
    // seen on two mirrored links): with --dedup 1 the figures are the original's.
    let dir = Dir::new("decap-dedup");
    let capture = lab("lab-basic.pcapng");
    let doubled = dir.0.join("doubled.pcapng");
    let tool = "import sys; sys.path.insert(0, sys.argv[3]); import pcapio\n\
        ifaces, packets = pcapio.read_capture(sys.argv[1])\n\
        out = []\n\
        for p in packets:\n    out.append(p)\n    out.append(pcapio.Packet(p.interface, p.ts_ns + 200000, p.caplen, p.origlen, p.data))\n\
        pcapio.write_pcapng_interfaces(sys.argv[2], ifaces, out)\n";
    let status = Command::new("python3")
        .args(["-c", tool])
        .arg(&capture)
        .arg(&doubled)
        .arg(repo().join("scripts"))
        .status()
        .expect("python3");
    assert!(status.success());
    let mut config = Config::default();
    config.probe.dedup_ms = Some(1);
    let options = ReplayOptions { files: vec![doubled], fcs_present: false, speed: Speed::Max, config, workers: 2 };
    let result = replay(&options).expect("replay");
    let meta = serde_json::to_value(rmonprobe::report::Meta::of_replay(&result)).unwrap();
    let mut report = serde_json::to_value(result.tables()).unwrap();
    report["rmonprobe"] = meta;
    assert_eq!(mirror(&report, 1)["mirrorDuplicates"].as_u64(), Some(frames_in(&capture)));
    assert_source_matches(&report, &capture, 1, "doubled with --dedup 1");
}

/// What net-snmp's `tool` prints for `oids` at the agent on `port`, one value a line (`-Oqv`),
/// without units, or None while the agent does not answer.
fn snmp(tool: &str, port: u16, oids: &[&str]) -> Option<Vec<String>> {
    let shared = std::env::var_os("RMONPROBE_SHARED").map_or_else(|| repo().join("../shared"), PathBuf::from);
    let mibs = shared.join("mibs");
    let out = Command::new(tool)
        .args(["-v2c", "-c", "public", "-t", "1", "-r", "0", "-OqvU", "-M"])
        .arg(format!("+{}:{}", mibs.display(), repo().join("mibs").display()))
        .args(["-m", "+RMONPROBE-MIB"])
        .arg(format!("127.0.0.1:{port}"))
        .args(oids)
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).lines().map(|l| l.trim_matches('"').to_string()).collect())
}

#[test]
fn a_manager_walks_the_sessions_as_interfaces_and_reads_the_mirror_counts() {
    // The four sessions served over SNMP, read with net-snmp: ifTable names each, etherStats
    // rows 2..5 count every frame of the capture, and RMONPROBE-MIB's mirrorSourceTable says
    // the capture interface's packets went to them.
    let dir = Dir::new("decap-snmp");
    let capture = lab("lab-basic.pcapng");
    let frames = frames_in(&capture).to_string();
    let tunnel = wrapped_unchecked(&dir, &capture, "all", &[]);
    let port = support::free_udp_port();
    let agent = support::Running(
        Command::new(env!("CARGO_BIN_EXE_rmonprobe"))
            .args(["replay", "--decap", "auto", "--serve", "--snmp", &format!("127.0.0.1:{port}")])
            .arg(&tunnel)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("rmonprobe"),
    );
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    // Served once the replay is over: every session's etherStats row counts the whole capture.
    let pkts = ["ETHERSTATSPKTS.2", "ETHERSTATSPKTS.3", "ETHERSTATSPKTS.4", "ETHERSTATSPKTS.5"]
        .map(|o| o.replace("ETHERSTATSPKTS", "RMON-MIB::etherStatsPkts"));
    let pkts: Vec<&str> = pkts.iter().map(String::as_str).collect();
    loop {
        if snmp("snmpget", port, &pkts).is_some_and(|v| v.iter().all(|p| *p == frames)) {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "the agent never served the whole replay");
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    let descrs = snmp("snmpwalk", port, &["IF-MIB::ifDescr"]).expect("ifDescr");
    assert_eq!(descrs[1..], ALL_FOUR);
    let decapsulated = snmp("snmpwalk", port, &["RMONPROBE-MIB::mirrorDecapsulated"]).expect("mirrorDecapsulated");
    let all = (4 * frames_in(&capture)).to_string();
    assert_eq!(decapsulated, [all.as_str(), "0", "0", "0", "0"]);
    assert_eq!(snmp("snmpget", port, &["RMON-MIB::etherStatsPkts.1"]).expect("etherStatsPkts.1"), ["0"]);
    agent.stop();
}
