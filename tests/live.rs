//! Live capture against independent witnesses, in network namespaces this test makes and removes:
//! the namespace lab's SPAN port (tcpdump's simultaneous recording, dissected by tshark), drop
//! accounting under a flood (tcpreplay's count of frames sent), an interface going down and up.
//!
//! Needs root (CI runs as root). Set RMONPROBE_SKIP_ROOT_TESTS=1 to skip them elsewhere.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

const PROBE: &str = env!("CARGO_BIN_EXE_rmonprobe");

fn root_or_skip() -> bool {
    if std::env::var_os("RMONPROBE_SKIP_ROOT_TESTS").is_some() {
        eprintln!("skipped: RMONPROBE_SKIP_ROOT_TESTS is set");
        return false;
    }
    assert!(nix_is_root(), "live capture tests need root (or set RMONPROBE_SKIP_ROOT_TESTS=1)");
    true
}

fn nix_is_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("Uid:")).map(|l| l.split_whitespace().nth(1) == Some("0")))
        .unwrap_or(false)
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs a command, panicking with its output when it fails; returns its stdout.
fn sh(cmd: &str) -> String {
    let out = Command::new("sh").arg("-c").arg(cmd).output().expect("sh");
    assert!(
        out.status.success(),
        "{cmd}: {}\n{}{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A temporary directory, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!("rmonprobe-live-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

/// Two namespaces joined by a veth pair: `gen` (eth0, 10.99.0.1) sends, `mon` (mon0) listens.
/// Both are removed when dropped, with whatever still runs in them.
struct Pair {
    gen_ns: String,
    mon_ns: String,
}

impl Pair {
    fn new(tag: &str) -> Pair {
        let id = std::process::id();
        let pair = Pair { gen_ns: format!("rxl{id}-{tag}-gen"), mon_ns: format!("rxl{id}-{tag}-mon") };
        for ns in [&pair.gen_ns, &pair.mon_ns] {
            sh(&format!("ip netns add {ns} && ip -n {ns} link set lo up"));
            // Quiet: no IPv6 chatter (DAD, MLD, router solicitations) of our own.
            sh(&format!(
                "ip netns exec {ns} sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1"
            ));
        }
        sh(&format!(
            "ip link add eth0 netns {g} type veth peer name mon0 netns {m} && \
             ip -n {g} link set eth0 address 02:72:6d:70:01:01 && \
             ip -n {m} link set mon0 address 02:72:6d:70:01:02 && \
             ip -n {g} addr add 10.99.0.1/24 dev eth0 && ip -n {m} addr add 10.99.0.2/24 dev mon0 && \
             ip -n {g} link set eth0 up && ip -n {m} link set mon0 up",
            g = pair.gen_ns,
            m = pair.mon_ns
        ));
        for (ns, dev) in [(&pair.gen_ns, "eth0"), (&pair.mon_ns, "mon0")] {
            for feature in ["tso", "gso", "gro", "tx", "rx", "sg"] {
                let _ = Command::new("ip")
                    .args(["netns", "exec", ns, "ethtool", "-K", dev, feature, "off"])
                    .stdout(Stdio::null())
                    .stderr(Stdio::null())
                    .status();
            }
        }
        pair
    }

    fn in_gen(&self, cmd: &str) -> String {
        sh(&format!("ip netns exec {} sh -c '{cmd}'", self.gen_ns))
    }

    /// Frames mon0 has received so far, by the kernel's count.
    fn mon_rx_packets(&self) -> u64 {
        sh(&format!("ip netns exec {} cat /sys/class/net/mon0/statistics/rx_packets", self.mon_ns))
            .trim()
            .parse()
            .expect("rx_packets")
    }

    /// Starts `rmonprobe run` on mon0 and waits until its capture is open.
    fn start_probe(&self, args: &[&str], log: &Path) -> Child {
        let child = Command::new("ip")
            .args(["netns", "exec", &self.mon_ns, PROBE, "run", "--interface", "mon0", "--no-snmp"])
            .args(args)
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(log).expect("log"))
            .spawn()
            .expect("rmonprobe");
        wait_for_log(log, "(ifIndex 1):");
        child
    }
}

impl Drop for Pair {
    fn drop(&mut self) {
        for ns in [&self.gen_ns, &self.mon_ns] {
            let _ = Command::new("sh")
                .arg("-c")
                .arg(format!("for p in $(ip netns pids {ns}); do kill -9 $p; done; ip netns del {ns}"))
                .status();
        }
    }
}

fn wait_for_log(log: &Path, what: &str) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        if std::fs::read_to_string(log).is_ok_and(|s| s.contains(what)) {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("no {what:?} in {}: {}", log.display(), std::fs::read_to_string(log).unwrap_or_default());
}

fn signal(child: &Child, sig: &str) {
    sh(&format!("kill -{sig} {}", child.id()));
}

/// SIGINT, then the exit status (must be 0) and the JSON report.
fn stop(child: Child, report: &Path, log: &Path) -> Value {
    stop_with("INT", child, report, log)
}

/// The same with another signal (SIGTERM).
fn stop_with(sig: &str, mut child: Child, report: &Path, log: &Path) -> Value {
    signal(&child, sig);
    let status = child.wait().expect("wait");
    assert!(status.success(), "rmonprobe exited with {status}: {}", std::fs::read_to_string(log).unwrap_or_default());
    serde_json::from_str(&std::fs::read_to_string(report).expect("report")).expect("JSON report")
}

fn u(v: &Value) -> u64 {
    v.as_u64().unwrap_or_else(|| panic!("not a number: {v}"))
}

/// The probes' channel in the lab: IPv4 and protocol ICMP (08 00 at offset 12, 01 at 23), on,
/// with a wrapping buffer of whole frames; and an alarm on its channelMatches, which the probe
/// (run without an agent) samples every second and logs when the first ICMP frames match.
const ICMP_CAPTURE: &str = r#"
[[event]]
eventIndex = 1
eventType = "log"
eventDescription = "ICMP seen"
[[alarm]]
alarmIndex = 1
alarmInterval = 1
alarmVariable = "1.3.6.1.2.1.16.7.2.1.9.1"
alarmSampleType = "absoluteValue"
alarmStartupAlarm = "risingAlarm"
alarmRisingThreshold = 1
alarmFallingThreshold = 0
alarmRisingEventIndex = 1
[[channel]]
channelIndex = 1
channelDataControl = "on"
[[filter]]
filterIndex = 1
filterChannelIndex = 1
filterPktDataOffset = 12
filterPktData     = "08:00:00:00:00:00:00:00:00:00:00:01"
filterPktDataMask = "ff:ff:00:00:00:00:00:00:00:00:00:ff"
[[bufferControl]]
bufferControlIndex = 1
bufferControlChannelIndex = 1
bufferControlFullAction = "wrapWhenFull"
bufferControlCaptureSliceSize = 0
"#;

/// The frames of a capture file: bytes and recorded length.
fn frames_of(path: &Path) -> Vec<(Vec<u8>, u32)> {
    let mut file =
        rmonprobe::capture::CaptureFile::open(path, false).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let (mut seq, mut all) = (0, Vec::new());
    while !file.finished() {
        all.extend(file.read_frames(256, &mut seq, 1).iter().map(|f| (f.data.to_vec(), f.orig_len)));
    }
    all
}

/// The lab's SPAN port: each probe's report equals tshark's figures for tcpdump's recording of
/// the same port at the same time (etherStats, hosts, matrix), and nothing was dropped. Each
/// probe also runs an ICMP channel with a capture buffer: the buffer (written on SIGUSR1 and
/// again at the stop) holds exactly the ICMP frames of tcpdump's recording, byte for byte and
/// in order, and channelMatches is their number.
#[test]
fn live_runs_match_tcpdumps_simultaneous_recording() {
    if !root_or_skip() {
        return;
    }
    let dir = TempDir::new("lab");
    let engines = std::env::var("RMONPROBE_LIVE_ENGINES").unwrap_or_else(|_| "pcap pcap2 afxdp".into());
    let seconds = std::env::var("RMONPROBE_LIVE_SECONDS").unwrap_or_else(|_| "25".into());
    let config = dir.0.join("capture.toml");
    std::fs::write(&config, ICMP_CAPTURE).expect("config");
    let out = Command::new(repo().join("scripts/lab.sh"))
        .args(["live", dir.0.to_str().expect("path"), &seconds])
        .env("LAB_PROBE", PROBE)
        .env("LAB_ENGINES", &engines)
        .env("LAB_CAPTURE", "1")
        .env("LAB_PROBE_ARGS", format!("--config {}", config.display()))
        .output()
        .expect("lab.sh");
    assert!(out.status.success(), "lab.sh live: {}", String::from_utf8_lossy(&out.stderr));
    let recording = dir.0.join("recording.pcapng");
    let expected = dir.0.join("expected.json");
    let tshark = Command::new("python3")
        .arg(repo().join("scripts/expected_from_tshark.py"))
        .arg(&recording)
        .output()
        .expect("expected_from_tshark.py");
    assert!(tshark.status.success(), "{}", String::from_utf8_lossy(&tshark.stderr));
    std::fs::write(&expected, &tshark.stdout).expect("write expectation");
    let want: Value = serde_json::from_slice(&tshark.stdout).expect("expectation JSON");
    let frames = u(&want["etherStatsTable"][0]["etherStatsPkts"]);
    assert!(frames > 100, "the lab recorded only {frames} frames");
    for engine in engines.split_whitespace() {
        let report = dir.0.join(format!("{engine}.report.json"));
        let compare = Command::new("python3")
            .arg(repo().join("scripts/compare_report.py"))
            .args([&expected, &report])
            .arg("etherStatsTable,hostTable,matrixSDTable")
            .output()
            .expect("compare_report.py");
        assert!(
            compare.status.success(),
            "{engine}: the live report differs from tshark's figures for tcpdump's recording:\n{}",
            String::from_utf8_lossy(&compare.stdout)
        );
        let got: Value = serde_json::from_str(&std::fs::read_to_string(&report).expect("report")).expect("JSON");
        let capture = &got["rmonprobe"]["captures"][0];
        assert_eq!(u(&capture["frames"]), frames, "{engine}: frames counted");
        assert_eq!(u(&capture["dropped"]), 0, "{engine}: dropped");
        assert_eq!(u(&got["etherStatsTable"][0]["etherStatsDropEvents"]), 0, "{engine}");
    }

    // The ICMP frames of tcpdump's recording, as tshark picks them.
    let icmp_path = dir.0.join("icmp.pcap");
    let tshark = Command::new("tshark")
        .arg("-r")
        .arg(&recording)
        .args(["-Y", "eth.type == 0x0800 && ip.proto == 1", "-F", "nsecpcap", "-w"])
        .arg(&icmp_path)
        .output()
        .expect("tshark");
    assert!(tshark.status.success(), "{}", String::from_utf8_lossy(&tshark.stderr));
    let icmp = frames_of(&icmp_path);
    assert!(icmp.len() > 20, "the lab recorded only {} ICMP frames", icmp.len());
    for engine in engines.split_whitespace() {
        for written in ["usr1", "buffers"] {
            let buffer = frames_of(&dir.0.join(format!("{engine}.{written}/buffer-1.pcap")));
            assert!(
                buffer == icmp,
                "{engine} ({written}): the buffer holds {} frames, tcpdump recorded {} ICMP frames, or they differ",
                buffer.len(),
                icmp.len()
            );
        }
        let got: Value = serde_json::from_str(
            &std::fs::read_to_string(dir.0.join(format!("{engine}.report.json"))).expect("report"),
        )
        .expect("JSON");
        assert_eq!(u(&got["channelTable"][0]["channelMatches"]), icmp.len() as u64, "{engine}: channelMatches");
        // Without an agent the alarm was still sampled: it read channelMatches as it grew, and
        // logged one risingAlarm (hysteresis: no falling alarm, as the matches never go back).
        let alarm_value = u(&got["alarmTable"][0]["alarmValue"]);
        assert!(alarm_value > 0 && alarm_value <= icmp.len() as u64, "{engine}: alarmValue {alarm_value}");
        let log = got["logTable"].as_array().expect("logTable");
        assert_eq!(log.len(), 1, "{engine}: {log:?}");
        let description = log[0]["logDescription"].as_str().unwrap_or_default();
        assert!(description.starts_with("alarm 1 risingAlarm"), "{engine}: {description}");
    }
}

/// A tiny ring and a flood the probe cannot take (it is stopped meanwhile): the kernel drops
/// frames, the probe says so (dropped frames in the report, drop events in etherStats), and
/// what it counted plus what was dropped is exactly what was sent.
#[test]
fn drops_are_reported_and_nothing_is_lost_unaccounted_pcap() {
    drops_are_reported_and_nothing_is_lost_unaccounted("pcap");
}

/// The same with AF_XDP (its smallest UMEM holds 4096 frames).
#[test]
fn drops_are_reported_and_nothing_is_lost_unaccounted_afxdp() {
    drops_are_reported_and_nothing_is_lost_unaccounted("afxdp");
}

fn drops_are_reported_and_nothing_is_lost_unaccounted(engine: &str) {
    if !root_or_skip() {
        return;
    }
    let dir = TempDir::new(&format!("drops-{engine}"));
    let pair = Pair::new(&format!("d{engine}"));
    let flood = dir.0.join("flood.pcap");
    sh(&format!("{PROBE} generate --out {} --frames 30000 --stations 50 2>/dev/null", flood.display()));
    let (report, log) = (dir.0.join("report.json"), dir.0.join("probe.log"));
    let rx_before = pair.mon_rx_packets();
    let args = ["--engine", engine, "--buffer-mb", "1", "--json", report.to_str().expect("path")];
    let probe = pair.start_probe(&args, &log);
    // Stopped, the probe reads nothing: the smallest ring fills and the kernel drops the rest.
    signal(&probe, "STOP");
    let sent = pair.in_gen(&format!("tcpreplay --topspeed -i eth0 {} 2>&1", flood.display()));
    signal(&probe, "CONT");
    std::thread::sleep(Duration::from_millis(1500));
    let got = stop_with("TERM", probe, &report, &log);
    // Whatever the engine attached to the interface went with it (AF_XDP: its XDP program).
    let link = sh(&format!("ip -n {} -d link show mon0", pair.mon_ns));
    let attached = ["prog/xdp", "xdpgeneric", "xdpdrv", " xdp/", " xdp "].iter().any(|m| link.contains(m));
    assert!(!attached, "an XDP program is left on mon0 after SIGTERM: {link}");
    let sent: u64 = sent
        .lines()
        .find_map(|l| l.trim().strip_prefix("Successful packets:"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("no count in tcpreplay's output: {sent}"));
    assert_eq!(sent, 30000);
    let received = pair.mon_rx_packets() - rx_before;
    let capture = &got["rmonprobe"]["captures"][0];
    let (counted, dropped, if_dropped) = (u(&capture["frames"]), u(&capture["dropped"]), u(&capture["ifDropped"]));
    eprintln!(
        "{engine}: sent {sent}, interface received {received}, counted {counted}, dropped {dropped}, by the interface {if_dropped}"
    );
    assert!(dropped > 0, "a 1 MiB ring took a 30000-frame flood: {capture}");
    assert_eq!(counted + dropped + if_dropped, sent, "{capture}");
    let stats = &got["etherStatsTable"][0];
    assert_eq!(u(&stats["etherStatsPkts"]), counted);
    assert!(u(&stats["etherStatsDropEvents"]) >= 1);
    assert_eq!(u(&stats["etherStatsDropEvents"]), u(&capture["dropEvents"]));
}

/// The interface goes down and up: the probe takes it up again (after dropping to an ordinary
/// user: it kept just the capabilities for that), counts one drop event, keeps its tables.
#[test]
fn an_interface_that_goes_down_and_up_is_taken_up_again_pcap() {
    an_interface_that_goes_down_and_up_is_taken_up_again("pcap", Some("nobody"));
}

#[test]
fn an_interface_that_goes_down_and_up_is_taken_up_again_afxdp() {
    an_interface_that_goes_down_and_up_is_taken_up_again("afxdp", None);
}

fn an_interface_that_goes_down_and_up_is_taken_up_again(engine: &str, user: Option<&str>) {
    if !root_or_skip() {
        return;
    }
    let dir = TempDir::new(&format!("reopen-{engine}"));
    let pair = Pair::new(&format!("r{engine}"));
    let (report, log) = (dir.0.join("report.json"), dir.0.join("probe.log"));
    let mut args = vec!["--engine", engine, "--json", report.to_str().expect("path")];
    if let Some(user) = user {
        args.extend(["--user", user]);
    }
    let probe = pair.start_probe(&args, &log);
    if user.is_some() {
        let status = std::fs::read_to_string(format!("/proc/{}/status", probe_pid(&pair))).expect("status");
        assert!(status.lines().any(|l| l.starts_with("Uid:") && l.contains("65534")), "{status}");
    }
    // AF_XDP takes the frames away from mon0's stack, which then answers nothing: gen knows
    // mon0's address beforehand and sends its echo requests whether answered or not.
    pair.in_gen("ip neigh replace 10.99.0.2 lladdr 02:72:6d:70:01:02 dev eth0");
    pair.in_gen("ping -c 3 -i 0.2 -W 1 10.99.0.2 || true");
    sh(&format!("ip -n {} link set mon0 down", pair.mon_ns));
    std::thread::sleep(Duration::from_millis(800));
    sh(&format!("ip -n {} link set mon0 up", pair.mon_ns));
    wait_for_log(&log, "capturing again");
    pair.in_gen("ping -c 4 -i 0.2 -W 1 10.99.0.2 || true");
    std::thread::sleep(Duration::from_millis(300));
    let got = stop(probe, &report, &log);
    let capture = &got["rmonprobe"]["captures"][0];
    assert_eq!(u(&capture["reopens"]), 1, "{capture}");
    assert_eq!(u(&capture["dropEvents"]), 1, "{capture}");
    let stats = &got["etherStatsTable"][0];
    assert_eq!(u(&stats["etherStatsDropEvents"]), 1);
    // Both rounds counted: 3 and 4 echo requests from gen (answered too, but for AF_XDP).
    let hosts = got["hostTable"].as_array().expect("hostTable");
    let gen_host = hosts.iter().find(|h| h["hostAddress"] == "02:72:6d:70:01:01").expect("gen's host row");
    assert!(u(&gen_host["hostOutPkts"]) >= 7, "{gen_host}");
    assert_eq!(u(&stats["etherStatsPkts"]), u(&capture["frames"]));
    assert_eq!(u(&capture["frames"]), u(&capture["received"]), "{capture}");
}

/// The PID of the probe inside the mon namespace.
fn probe_pid(pair: &Pair) -> u32 {
    sh(&format!("ip netns pids {}", pair.mon_ns))
        .split_whitespace()
        .filter_map(|p| p.parse().ok())
        .find(|p: &u32| std::fs::read_to_string(format!("/proc/{p}/comm")).is_ok_and(|c| c.trim() == "rmonprobe"))
        .expect("rmonprobe in the namespace")
}

/// A name that is no interface: a clear message and exit status 2, before anything starts.
#[test]
fn a_missing_interface_is_a_clear_error() {
    let out = Command::new(PROBE).args(["run", "--interface", "nosuch-if0", "--no-snmp"]).output().expect("run");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("nosuch-if0: no such interface"), "{err}");
}

/// Two interfaces are two data sources (ifIndex 1 and 2, each with its etherStats row), the BPF
/// filter keeps only what it matches, workers may be pinned, and the SNMP agent serves the live
/// tables: net-snmp's snmpget reads what the final report then says.
#[test]
fn two_interfaces_a_filter_and_the_agent() {
    if !root_or_skip() {
        return;
    }
    let dir = TempDir::new("two");
    let pair = Pair::new("two");
    let (report, log) = (dir.0.join("report.json"), dir.0.join("probe.log"));
    let port = 20000 + std::process::id() % 20000;
    let agent = format!("127.0.0.1:{port}");
    let mut child = Command::new("ip")
        .args(["netns", "exec", &pair.mon_ns, PROBE, "run", "--interface", "mon0", "--interface", "lo"])
        .args(["--filter", "icmp", "--workers", "2", "--pin", "--snmp", &agent])
        .args(["--json", report.to_str().expect("path")])
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log).expect("log"))
        .spawn()
        .expect("rmonprobe");
    wait_for_log(&log, "(ifIndex 2):");
    pair.in_gen("ip neigh replace 10.99.0.2 lladdr 02:72:6d:70:01:02 dev eth0");
    pair.in_gen("ping -c 3 -i 0.2 -W 1 10.99.0.2");
    sh(&format!("ip netns exec {} ping -c 2 -i 0.2 -W 1 127.0.0.1", pair.mon_ns));
    // The agent's snapshot is at most a second old.
    std::thread::sleep(Duration::from_millis(1300));
    let snmp = sh(&format!(
        "ip netns exec {} snmpget -v2c -c public -On -Oq {agent} \
         1.3.6.1.2.1.16.1.1.1.5.1 1.3.6.1.2.1.16.1.1.1.5.2 1.3.6.1.2.1.2.2.1.2.2 1.3.6.1.2.1.2.1.0",
        pair.mon_ns
    ));
    let values: Vec<&str> = snmp.lines().filter_map(|l| l.split_once(' ').map(|(_, v)| v.trim())).collect();
    assert_eq!(values.len(), 4, "{snmp}");
    // ifPhysAddress.1: mon0's MAC, printed in hex.
    let mac =
        sh(&format!("ip netns exec {} snmpget -v2c -c public -On -Oqx {agent} 1.3.6.1.2.1.2.2.1.6.1", pair.mon_ns));
    assert!(mac.to_uppercase().contains("02 72 6D 70 01 02"), "ifPhysAddress.1: {mac}");
    signal(&child, "INT");
    assert!(child.wait().expect("wait").success(), "{}", std::fs::read_to_string(&log).unwrap_or_default());
    let got: Value = serde_json::from_str(&std::fs::read_to_string(&report).expect("report")).expect("JSON");
    let stats = got["etherStatsTable"].as_array().expect("etherStatsTable");
    let pkts = |source: &str| {
        stats
            .iter()
            .find(|e| e["etherStatsDataSource"] == source)
            .map(|e| u(&e["etherStatsPkts"]))
            .unwrap_or_else(|| panic!("no etherStats row for {source}: {stats:?}"))
    };
    // mon0: 3 echo requests and 3 replies; nothing else passes "icmp" (not the ARP mon0 sends
    // before its first reply). lo: 2 requests, 2 replies.
    assert_eq!(pkts("1.3.6.1.2.1.2.2.1.1.1"), 6);
    assert_eq!(pkts("1.3.6.1.2.1.2.2.1.1.2"), 4);
    assert_eq!(values[0], "6", "etherStatsPkts.1 over SNMP: {snmp}");
    assert_eq!(values[1], "4", "etherStatsPkts.2 over SNMP: {snmp}");
    assert!(values[2].contains("lo"), "ifDescr.2: {snmp}");
    assert_eq!(values[3], "2", "ifNumber: {snmp}");
}

/// A SPAN port is never quiet: a stop in the middle of a flood still ends the run at once (the
/// capture reads what is in the ring for a moment, not for as long as frames keep coming), and
/// the report holds what was counted.
#[test]
fn a_stop_in_the_middle_of_a_flood_is_prompt() {
    if !root_or_skip() {
        return;
    }
    let dir = TempDir::new("flood-stop");
    let pair = Pair::new("fstop");
    let flood = dir.0.join("flood.pcap");
    sh(&format!("{PROBE} generate --out {} --frames 400000 --stations 200 2>/dev/null", flood.display()));
    let (report, log) = (dir.0.join("report.json"), dir.0.join("probe.log"));
    let mut probe = pair.start_probe(&["--json", report.to_str().expect("path")], &log);
    let mut sender = Command::new("ip")
        .args(["netns", "exec", &pair.gen_ns, "tcpreplay", "--topspeed", "--loop", "20", "-i", "eth0"])
        .arg(&flood)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("tcpreplay");
    std::thread::sleep(Duration::from_millis(700));
    let asked = Instant::now();
    signal(&probe, "INT");
    let status = probe.wait().expect("wait");
    let took = asked.elapsed();
    let _ = sender.kill();
    let _ = sender.wait();
    assert!(status.success(), "{}", std::fs::read_to_string(&log).unwrap_or_default());
    assert!(took < Duration::from_secs(3), "the stop took {took:?} under a flood");
    let got: Value = serde_json::from_str(&std::fs::read_to_string(&report).expect("report")).expect("JSON");
    let counted = u(&got["rmonprobe"]["captures"][0]["frames"]);
    assert!(counted > 1000, "only {counted} frames counted during the flood");
    assert_eq!(u(&got["etherStatsTable"][0]["etherStatsPkts"]), counted);
}

/// Remote mirrors live (`--decap`): a lab capture wrapped in VXLAN by `scripts/wrap_tunnel.py`,
/// sent by tcpreplay into the veth, counts on the tunnel's data source exactly as the replay of
/// the same wrapped file does (every table but the history, whose buckets start at each run's
/// own start), with both engines.
#[test]
fn remote_mirror_traffic_sent_live_counts_as_its_replay() {
    if !root_or_skip() {
        return;
    }
    let dir = TempDir::new("decap");
    let wrapped = dir.0.join("vxlan.pcapng");
    let wrap = Command::new("python3")
        .arg(repo().join("scripts/wrap_tunnel.py"))
        .arg(repo().join("captures/lab-basic.pcapng"))
        .arg(&wrapped)
        .args(["vxlan", "--vni", "4242"])
        .output()
        .expect("wrap_tunnel.py");
    assert!(wrap.status.success(), "{}", String::from_utf8_lossy(&wrap.stderr));
    let replayed = dir.0.join("replay.json");
    let status = Command::new(PROBE)
        .args(["replay", "--decap", "vxlan", "--json"])
        .arg(&replayed)
        .arg(&wrapped)
        .status()
        .expect("replay");
    assert!(status.success());
    let want: Value = serde_json::from_str(&std::fs::read_to_string(&replayed).expect("report")).expect("JSON");
    let tunnel_packets = u(&want["mirrorSourceTable"][0]["mirrorDecapsulated"]);
    assert!(tunnel_packets > 1000, "{}", want["mirrorSourceTable"]);
    for engine in ["pcap", "afxdp"] {
        let pair = Pair::new(&format!("decap-{engine}"));
        // Tunnel packets run 50 octets past the frames they carry.
        sh(&format!("ip -n {} link set eth0 mtu 9000 && ip -n {} link set mon0 mtu 9000", pair.gen_ns, pair.mon_ns));
        let (report, log) = (dir.0.join(format!("{engine}.json")), dir.0.join(format!("{engine}.log")));
        let before = pair.mon_rx_packets();
        let child =
            pair.start_probe(&["--engine", engine, "--decap", "vxlan", "--json", report.to_str().expect("path")], &log);
        pair.in_gen(&format!("tcpreplay --topspeed -i eth0 {} 2>&1", wrapped.display()));
        let deadline = Instant::now() + Duration::from_secs(20);
        while pair.mon_rx_packets() < before + tunnel_packets && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(50));
        }
        std::thread::sleep(Duration::from_millis(500));
        let got = stop(child, &report, &log);
        let tunnel = &got["rmonprobe"]["interfaces"][1];
        assert_eq!(tunnel["ifDescr"], "vxlan vni 4242 from 192.0.2.1", "{engine}");
        assert_eq!(u(&got["mirrorSourceTable"][0]["mirrorDecapsulated"]), tunnel_packets, "{engine}");
        for (table, index) in
            [("etherStatsTable", "etherStatsIndex"), ("hostTable", "hostIndex"), ("matrixSDTable", "matrixSDIndex")]
        {
            // The tunnel's rows (control index 2), without what tells the runs apart (the
            // rows' creation times, hostCreationOrder's neighbours are the same).
            let rows = |report: &Value| -> Vec<Value> {
                report[table]
                    .as_array()
                    .expect("table")
                    .iter()
                    .filter(|r| r[index] == 2)
                    .map(|r| {
                        let mut r = r.clone();
                        if let Some(o) = r.as_object_mut() {
                            o.retain(|k, _| !k.ends_with("CreateTime"));
                        }
                        r
                    })
                    .collect()
            };
            let (live, replay) = (rows(&got), rows(&want));
            assert!(!replay.is_empty(), "{table}: no rows of the tunnel in the replay");
            assert!(live == replay, "{engine}: {table} differs live:\n{live:?}\nreplayed:\n{replay:?}");
        }
    }
}
