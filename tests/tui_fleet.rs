//! The Fleet screen end to end in a real terminal: `rmonprobe tui` with three `--agent`s in a
//! 120x40 tmux window, two of them rmonprobe agents serving the lab capture's replay and one a
//! port where nothing listens. The Fleet shows the two `up` with their busiest host and the
//! third unreachable; Enter opens a live one's Overview and Esc comes back.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

mod support;
use support::tmux::Tmux;
use support::{Running, free_udp_port};

fn serve(agent: &str) -> Running {
    let capture = Path::new(env!("CARGO_MANIFEST_DIR")).join("captures/lab-basic.pcapng");
    Running(
        Command::new(env!("CARGO_BIN_EXE_rmonprobe"))
            .arg("replay")
            .arg(&capture)
            .args(["--snmp", agent, "--serve"])
            .stdout(Stdio::null())
            .spawn()
            .expect("rmonprobe replay --serve"),
    )
}

/// The rows of the Fleet's table that name one of `agents` (not the border under it, which
/// names the selected probe when it is unreachable).
fn rows<'a>(pane: &'a str, agents: &[String]) -> Vec<&'a str> {
    pane.lines().filter(|l| l.starts_with('│') && agents.iter().any(|a| l.contains(a.as_str()))).collect()
}

#[test]
fn fleet_of_three_shows_two_up_one_unreachable_and_opens_one() {
    let live: Vec<String> = (0..2).map(|_| format!("127.0.0.1:{}", free_udp_port())).collect();
    let _served: Vec<Running> = live.iter().map(|a| serve(a)).collect();
    // Nothing listens there: the probe times out (or the port is refused).
    let dead = format!("127.0.0.1:{}", free_udp_port());
    let all: Vec<String> = live.iter().cloned().chain([dead.clone()]).collect();
    let command = format!(
        "{} tui --agent {} --agent {} --agent {} --timeout 0.5 --refresh 0.5; echo RMONPROBE-EXITED; sleep 60",
        env!("CARGO_BIN_EXE_rmonprobe"),
        all[0],
        all[1],
        all[2]
    );
    let tmux = Tmux::start("fleet", &command);
    let is_mac = |w: &str| w.len() == 17 && w.split(':').count() == 6;
    let fleet = tmux.wait_until("two probes up with a busiest host, one unreachable", Duration::from_secs(20), |p| {
        let rows = rows(p, &all);
        rows.len() == 3
            && rows.iter().filter(|r| r.contains(" up ") && r.split_whitespace().any(is_mac)).count() == 2
            && rows.iter().any(|r| r.contains(dead.as_str()) && r.contains("unreachable"))
    });
    assert!(fleet.contains("Fleet · 3 probes · 2 up"), "{fleet}");

    // Sorted by state, the unreachable one comes first; ↓ Enter opens the next, a live one.
    tmux.keys("s");
    tmux.wait_until("the sort by state", Duration::from_secs(3), |p| p.contains("sorted by State"));
    tmux.keys("Down");
    tmux.keys("Enter");
    let overview = tmux.wait_until("the probe's Overview", Duration::from_secs(10), |p| {
        p.contains("etherStatsPkts") && p.contains("Esc:fleet")
    });
    assert!(live.iter().any(|a| overview.contains(&format!("agent {a}"))), "{overview}");

    tmux.keys("Escape");
    tmux.wait_until("the Fleet again", Duration::from_secs(5), |p| {
        p.contains("Fleet · 3 probes") && rows(p, &all).len() == 3
    });
    tmux.keys("q");
    tmux.wait_until("the exit", Duration::from_secs(3), |p| p.contains("RMONPROBE-EXITED"));
}

#[test]
fn a_bad_agents_file_is_an_error_naming_the_file_and_line() {
    let path = std::env::temp_dir().join(format!("rmonprobe-fleet-agents-{}.txt", std::process::id()));
    std::fs::write(&path, "# lab\n10.0.0.5:161 public\n10.0.0.6:70000\n").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_rmonprobe")).arg("tui").arg("--agents").arg(&path).output().unwrap();
    let _ = std::fs::remove_file(&path);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(stderr.contains(&format!("{}, line 3: bad port `70000`", path.display())), "{stderr}");
}

/// One alarm, so the count has something to count.
const ALARM: &str = r#"
[[alarm]]
alarmIndex = 1
alarmInterval = 4
alarmVariable = "1.3.6.1.2.1.16.1.1.1.5.1"
alarmSampleType = "deltaValue"
alarmRisingThreshold = 200
alarmFallingThreshold = 50
"#;

#[test]
fn a_probe_reading_over_snmp_is_what_the_embedded_probe_counts() {
    use rmonprobe::config::Config;
    use rmonprobe::replay::{ReplayOptions, Speed, replay};
    use rmonprobe::rmon::{Shard, Snapshot};
    use rmonprobe::tui::fleet::poll::read_probe;
    use rmonprobe::tui::source::remote::Snmp2c;

    let capture = Path::new(env!("CARGO_MANIFEST_DIR")).join("captures/lab-basic.pcapng");
    let config = std::env::temp_dir().join(format!("rmonprobe-fleet-alarm-{}.toml", std::process::id()));
    std::fs::write(&config, ALARM).unwrap();
    let agent = format!("127.0.0.1:{}", free_udp_port());
    let _served = Running(
        Command::new(env!("CARGO_BIN_EXE_rmonprobe"))
            .arg("replay")
            .arg(&capture)
            .arg("--config")
            .arg(&config)
            .args(["--snmp", &agent, "--serve"])
            .stdout(Stdio::null())
            .spawn()
            .expect("rmonprobe replay --serve"),
    );
    let options = ReplayOptions {
        files: vec![capture.clone()],
        fcs_present: false,
        speed: Speed::Max,
        config: Config::parse(ALARM).unwrap(),
        workers: 1,
    };
    let replayed = replay(&options).unwrap();
    let shards: Vec<&Shard> = replayed.shards.iter().collect();
    let local = Snapshot::take(&replayed.probe, replayed.end_time(), &shards);
    let mut walker = Snmp2c::connect(&agent, "public", None, Duration::from_secs(2)).unwrap();
    // The agent serves the final tables once its clock has reached the last frame.
    let deadline = Instant::now() + Duration::from_secs(20);
    let reading = loop {
        if let Ok(r) = read_probe(&mut walker)
            && r.ticks == local.sys_up_time()
        {
            break r;
        }
        assert!(Instant::now() < deadline, "the agent never reached the replay's end");
        std::thread::sleep(Duration::from_millis(200));
    };
    let _ = std::fs::remove_file(&config);
    let e = &local.tables.ether_stats[0];
    let counters = reading.counters.expect("etherStats row 1");
    assert_eq!((counters.octets, counters.pkts), (e.ether_stats_octets, e.ether_stats_pkts));
    let errors = e.ether_stats_crc_align_errors
        + e.ether_stats_undersize_pkts
        + e.ether_stats_oversize_pkts
        + e.ether_stats_fragments
        + e.ether_stats_jabbers;
    assert_eq!((counters.errors, counters.drops), (errors, e.ether_stats_drop_events));
    let busiest = local.tables.hosts.iter().max_by_key(|h| h.host_in_octets + h.host_out_octets).unwrap();
    assert_eq!(reading.busiest, Some(busiest.host_address));
    assert_eq!(reading.alarms, 1);
}
