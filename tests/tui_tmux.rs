//! End to end in a real terminal: `rmonprobe tui --replay` of the lab capture in a 120x40 tmux
//! window shows every screen through Tab (RMON2's with the replay's protocols, applications and
//! user history), the busiest host by hostOutOctets and etherStatsPkts, and exits within 2 s of
//! `q`.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

mod support;
use support::tmux::Tmux;

/// An IPv4 ICMP channel with a wrapping buffer, so the Capture screen has packets to write; a
/// user history of the data source's packets every 10 s, for the User history screen.
const CONFIG: &str = r#"
[[channel]]
channelIndex = 1
channelDataControl = "on"
channelDescription = "IPv4 ICMP"

[[filter]]
filterIndex = 1
filterChannelIndex = 1
filterPktDataOffset = 12
filterPktData = "08:00:00:00:00:00:00:00:00:00:00:01"
filterPktDataMask = "ff:ff:00:00:00:00:00:00:00:00:00:ff"

[[bufferControl]]
bufferControlIndex = 1
bufferControlChannelIndex = 1
bufferControlFullAction = "wrapWhenFull"
bufferControlCaptureSliceSize = 0

[[usrHistoryControl]]
usrHistoryControlIndex = 1
usrHistoryControlInterval = 10
usrHistoryControlBucketsRequested = 50

[[usrHistoryControl.objects]]
usrHistoryObjectVariable = "1.3.6.1.2.1.16.1.1.1.5.1"
usrHistoryObjectSampleType = "deltaValue"
"#;

#[test]
fn tui_replay_in_tmux_shows_every_screen_and_quits_on_q() {
    let capture = Path::new(env!("CARGO_MANIFEST_DIR")).join("captures/lab-basic.pcapng");
    let dir = std::env::temp_dir().join(format!("rmonprobe-tui-tmux-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let config = dir.join("probe.toml");
    std::fs::write(&config, CONFIG).unwrap();
    let command = format!(
        "{} tui --replay {} --speed max --config {} --capture-dir {}; echo RMONPROBE-EXITED; sleep 60",
        env!("CARGO_BIN_EXE_rmonprobe"),
        capture.display(),
        config.display(),
        dir.display()
    );
    let tmux = Tmux::start("replay", &command);
    // "final": the replay has ended and the figures are the capture's.
    let overview = tmux.wait_for("final", Duration::from_secs(20));
    assert!(overview.contains("etherStatsPkts            2,600"), "{overview}");
    assert!(overview.contains("utilization"), "{overview}");

    let mut seen = vec![overview];
    let markers = [
        "hostTable 1 · 11 hosts",
        "Top 4 by hostTopNOutOctets",
        "matrixSDTable · 29 pairs",
        "historyControl 1",
        "alarmTable",
        "captureBufferTable 1 · 149 packets",
    ];
    for marker in markers {
        tmux.keys("Tab");
        seen.push(tmux.wait_for(marker, Duration::from_secs(3)));
    }
    // Hosts: the busiest by hostOutOctets first, with its exact count (1,066,668 octets sent by
    // 02:72:6d:70:00:01, as captures/lab-basic.expected.json has it from tshark's dissection).
    let first_host = seen[1].lines().nth(3).unwrap_or_default();
    assert!(first_host.contains("02:72:6d:70:00:01") && first_host.contains("1,066,668"), "{}", seen[1]);
    let distinct: std::collections::BTreeSet<&String> = seen.iter().collect();
    assert_eq!(distinct.len(), 7, "seven distinct screens");
    // `w` on the Capture screen writes the buffer: tshark reads its 149 frames, all IPv4 ICMP
    // (tests/capture_buffers.rs's filter: the channel's bytes, as tshark dissects them).
    tmux.keys("w");
    let written = tmux.wait_for("wrote 149 frame(s) of buffer 1", Duration::from_secs(5));
    let file = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|x| x == "pcap"))
        .unwrap_or_else(|| panic!("no pcap written:\n{written}"));
    let count = |filter: &str| {
        let out = Command::new("tshark").arg("-r").arg(&file).args(["-Y", filter]).output().expect("tshark");
        String::from_utf8_lossy(&out.stdout).lines().count()
    };
    assert_eq!((count("frame"), count("eth.type == 0x0800 && ip.proto == 1")), (149, 149));
    // RMON2's screens: IP hosts (the busiest sender 10.77.0.1, with its MAC from the address
    // map), a filter to the IPv6 link-local hosts, IP conversations, and the protocols.
    tmux.keys("Tab");
    let ip_hosts = tmux.wait_for("nlHostTable 1 · 15 addresses", Duration::from_secs(3));
    let first = ip_hosts.lines().nth(3).unwrap_or_default();
    assert!(first.contains("10.77.0.1") && first.contains("02:72:6d:70:00:01"), "{ip_hosts}");
    for key in ["/", "f", "e", "8", "0", "Enter"] {
        tmux.keys(key);
    }
    let filtered = tmux.wait_for("4 addresses · filter \"fe80\"", Duration::from_secs(3));
    assert!(filtered.contains("fe80::72:6dff:fe70:1"), "{filtered}");
    // Esc clears the filter; the Tab waits for it, as an Esc and a Tab sent together read as
    // Alt-Tab.
    tmux.keys("Escape");
    tmux.wait_for("nlHostTable 1 · 15 addresses", Duration::from_secs(3));
    tmux.keys("Tab");
    tmux.wait_for("nlMatrixSDTable 1 · 34 conversations", Duration::from_secs(3));
    tmux.keys("Tab");
    // 8 of the network layer and below, and 3 applications: domain over tcp and udp, www-http.
    let protocols = tmux.wait_for("protocolDistStatsTable 1 · 11 protocols", Duration::from_secs(3));
    assert!(protocols.contains("icmpv6") && protocols.contains("100.0%"), "{protocols}");
    assert!(protocols.contains("www-http") && protocols.contains("domain"), "{protocols}");
    // Applications: the same three from alHostTable, www-http first with protocolDist's 876
    // packets (each counted once, under its sender), its busiest host and conversation below.
    tmux.keys("Tab");
    let applications = tmux.wait_for("alHostTable 1 · 3 applications", Duration::from_secs(3));
    let www = applications.lines().find(|l| l.contains("www-http") && l.contains("ip.tcp")).unwrap_or_default();
    assert!(www.contains("876") && www.contains("647,318"), "{applications}");
    assert!(applications.contains("alMatrixSDTable 1 · 18 conversations"), "{applications}");
    // Enter keeps the selected application (www-http) alone below; Esc shows them all again.
    tmux.keys("Enter");
    tmux.wait_for("6 conversations · www-http/tcp", Duration::from_secs(3));
    tmux.keys("Escape");
    tmux.wait_for("18 conversations, busiest first", Duration::from_secs(3));
    // User history: etherStatsPkts.1 every 10 s charted, ten buckets of the capture's 100 s, the
    // newest (90 to 100 s) with tshark's 495 frames.
    tmux.keys("Tab");
    let usr_history = tmux.wait_for("usrHistoryControl 1 (1/1, i: next) · every 10 s", Duration::from_secs(3));
    assert!(usr_history.contains("10 of 50 buckets"), "{usr_history}");
    assert!(usr_history.contains("1. etherStatsPkts.1 · deltaValue · latest 495"), "{usr_history}");
    let newest = usr_history.lines().find(|l| l.contains("│10     00:01:30.00")).unwrap_or_default();
    assert!(newest.contains("00:01:40.00  495"), "{usr_history}");
    assert!(usr_history.contains("█"), "the buckets are charted: {usr_history}");
    // Latency: the three servers of the capture, 10.77.0.1:80 with its 25 handshakes (the JSON
    // report's tcpLatencyServerTable), its clients below; ↓ selects the next server.
    tmux.keys("Tab");
    let latency = tmux.wait_for("tcpLatencyServerTable ifIndex 1 · 3 servers", Duration::from_secs(3));
    let http = latency.lines().find(|l| l.contains("10.77.0.1:80 ")).unwrap_or_default();
    assert!(http.contains(" 25 ") && http.contains("896µs"), "{latency}");
    assert!(latency.contains("3 clients of 10.77.0.1:80"), "{latency}");
    tmux.keys("Down");
    tmux.wait_for("clients of 10.77.0.3:5201", Duration::from_secs(3));
    // Tab from the last screen comes back to the first.
    tmux.keys("Tab");
    tmux.wait_for("etherStatsPkts", Duration::from_secs(3));
    // `=` shows the User history again, by its key; `` ` `` the Latency.
    tmux.keys("=");
    tmux.wait_for("usrHistoryControl 1 (1/1", Duration::from_secs(3));
    tmux.keys("`");
    tmux.wait_for("tcpLatencyServerTable ifIndex 1", Duration::from_secs(3));

    let asked = Instant::now();
    tmux.keys("q");
    tmux.wait_for("RMONPROBE-EXITED", Duration::from_secs(2));
    assert!(asked.elapsed() < Duration::from_secs(2));
    let _ = std::fs::remove_dir_all(&dir);
}

fn is_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("Uid:")).map(|l| l.split_whitespace().nth(1) == Some("0")))
        .unwrap_or(false)
}

fn sh(cmd: &str) -> String {
    let out = Command::new("sh").arg("-c").arg(cmd).output().expect("sh");
    assert!(out.status.success(), "{cmd}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Two namespaces joined by a veth pair: `gen` pings, `mon` is watched.
struct Namespaces {
    gen_ns: String,
    mon_ns: String,
}

impl Namespaces {
    fn new() -> Namespaces {
        let id = std::process::id();
        let n = Namespaces { gen_ns: format!("rxt{id}-gen"), mon_ns: format!("rxt{id}-mon") };
        for ns in [&n.gen_ns, &n.mon_ns] {
            sh(&format!(
                "ip netns add {ns} && ip -n {ns} link set lo up && \
                 ip netns exec {ns} sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1"
            ));
        }
        sh(&format!(
            "ip link add eth0 netns {g} type veth peer name mon0 netns {m} && \
             ip -n {g} link set eth0 address 02:72:6d:70:02:01 && ip -n {m} link set mon0 address 02:72:6d:70:02:02 && \
             ip -n {g} addr add 10.98.0.1/24 dev eth0 && ip -n {m} addr add 10.98.0.2/24 dev mon0 && \
             ip -n {g} link set eth0 up && ip -n {m} link set mon0 up",
            g = n.gen_ns,
            m = n.mon_ns
        ));
        n
    }
}

impl Drop for Namespaces {
    fn drop(&mut self) {
        for ns in [&self.gen_ns, &self.mon_ns] {
            let _ = Command::new("sh")
                .arg("-c")
                .arg(format!("for p in $(ip netns pids {ns}); do kill -9 $p; done; ip netns del {ns}"))
                .status();
        }
    }
}

/// The etherStatsPkts figure on the Overview screen.
fn ether_stats_pkts(pane: &str) -> Option<u64> {
    let line = pane.lines().find(|l| l.contains("etherStatsPkts "))?;
    line.split_whitespace().nth(1)?.replace(',', "").parse().ok()
}

#[test]
fn tui_on_a_live_interface_counts_pings_and_stops_the_capture_on_q() {
    if std::env::var_os("RMONPROBE_SKIP_ROOT_TESTS").is_some() {
        eprintln!("skipped: RMONPROBE_SKIP_ROOT_TESTS is set");
        return;
    }
    assert!(is_root(), "the live UI test needs root (or set RMONPROBE_SKIP_ROOT_TESTS=1)");
    let ns = Namespaces::new();
    let command = format!(
        "ip netns exec {} {} tui --interface mon0 --refresh 0.5; echo RMONPROBE-EXITED; sleep 60",
        ns.mon_ns,
        env!("CARGO_BIN_EXE_rmonprobe")
    );
    let tmux = Tmux::start("live", &command);
    tmux.wait_for("live on mon0", Duration::from_secs(20));
    tmux.wait_for("etherStatsPkts", Duration::from_secs(20));
    sh(&format!("ip netns exec {} ping -c 30 -i 0.05 -W 1 10.98.0.2", ns.gen_ns));
    // 30 echo requests and 30 replies, and the ARP exchange before them.
    let start = Instant::now();
    loop {
        let pane = tmux.pane();
        if ether_stats_pkts(&pane).is_some_and(|n| n >= 62) {
            break;
        }
        assert!(start.elapsed() < Duration::from_secs(10), "the pings never showed:\n{pane}");
        std::thread::sleep(Duration::from_millis(100));
    }
    tmux.keys("2");
    let hosts = tmux.wait_for("02:72:6d:70:02:01", Duration::from_secs(3));
    assert!(hosts.contains("02:72:6d:70:02:02"), "{hosts}");

    let asked = Instant::now();
    tmux.keys("q");
    tmux.wait_for("RMONPROBE-EXITED", Duration::from_secs(2));
    assert!(asked.elapsed() < Duration::from_secs(2));
    assert_eq!(sh(&format!("ip netns pids {}", ns.mon_ns)).trim(), "", "the probe is gone");
}
