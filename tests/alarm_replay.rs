//! Alarms in a replay, against a model of RFC 2819's alarm rules run on tshark's timestamps.
//!
//! A replay samples each alarm at its due time on the packets' clock, as a live probe would
//! have sampled it during the capture. So the log a replay writes (when each alarm fired, which
//! way, with what value) and the final alarmValue follow from the frame times alone: this test
//! reads them with tshark, counts the frames before each reading time, applies the alarm rules
//! (baseline, deltaValue over the last interval read every half interval, hysteresis, startup
//! alarm) and expects the replay's JSON report to say the same, at any speed and with any number
//! of workers, with or without an SNMP agent.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

const PROBE: &str = env!("CARGO_BIN_EXE_rmonprobe");
const NANOS: u64 = 1_000_000_000;

/// One alarm of the configuration below, as the model needs it.
struct AlarmRule {
    index: u64,
    /// What it watches: the frames (etherStatsPkts.1), or the addresses seen as source or
    /// destination (hostControlTableSize.1).
    hosts: bool,
    interval_s: u64,
    delta: bool,
    rising: i64,
    falling: i64,
    /// alarmStartupAlarm: 1 risingAlarm, 2 fallingAlarm, 3 risingOrFallingAlarm.
    startup: u8,
}

const RULES: [AlarmRule; 3] = [
    AlarmRule { index: 1, hosts: false, interval_s: 4, delta: true, rising: 200, falling: 50, startup: 3 },
    AlarmRule { index: 2, hosts: false, interval_s: 7, delta: false, rising: 1500, falling: 100, startup: 1 },
    AlarmRule { index: 3, hosts: true, interval_s: 3, delta: false, rising: 10, falling: 3, startup: 3 },
];

/// Alarms 1 and 2, on etherStatsPkts.1.
const COUNTER_ALARMS: &str = r#"
[[event]]
eventIndex = 1
eventType = "log"
eventDescription = "etherStatsPkts delta"

[[event]]
eventIndex = 2
eventType = "log"
eventDescription = "etherStatsPkts total"

[[alarm]]
alarmIndex = 1
alarmInterval = 4
alarmVariable = "1.3.6.1.2.1.16.1.1.1.5.1"
alarmSampleType = "deltaValue"
alarmRisingThreshold = 200
alarmFallingThreshold = 50
alarmRisingEventIndex = 1
alarmFallingEventIndex = 1

[[alarm]]
alarmIndex = 2
alarmInterval = 7
alarmVariable = "1.3.6.1.2.1.16.1.1.1.5.1"
alarmSampleType = "absoluteValue"
alarmStartupAlarm = "risingAlarm"
alarmRisingThreshold = 1500
alarmFallingThreshold = 100
alarmRisingEventIndex = 2
alarmFallingEventIndex = 2

"#;

/// Alarm 3, on the host tables.
const HOST_ALARM: &str = r#"
[[event]]
eventIndex = 3
eventType = "log"
eventDescription = "hosts"

# hostControlTableSize of the default hostControl row: the hosts learned so far. (An alarm on
# one host's counter would be deleted at its first reading, at the start, before that host
# exists: an alarm's variable must be there.)
[[alarm]]
alarmIndex = 3
alarmInterval = 3
alarmVariable = "1.3.6.1.2.1.16.4.1.1.3.1"
alarmSampleType = "absoluteValue"
alarmRisingThreshold = 10
alarmFallingThreshold = 3
alarmRisingEventIndex = 3
alarmFallingEventIndex = 3
"#;

/// What an alarm fired: (logTime in hundredths of a second since the start, rising?, value).
type Fired = (u64, bool, i64);

/// The frames of `capture` as tshark reads them: the time in nanoseconds, each at least the
/// one before (the probe's clock never goes back), and how many addresses (source or
/// destination) it was the first to show.
fn frames(capture: &Path) -> Vec<(u64, usize)> {
    let out = Command::new("tshark")
        .args(["-r"])
        .arg(capture)
        .args(["-T", "fields", "-e", "frame.time_epoch", "-e", "eth.src", "-e", "eth.dst"])
        .output()
        .expect("tshark (scripts/deps.sh test installs it)");
    assert!(out.status.success(), "tshark: {}", String::from_utf8_lossy(&out.stderr));
    let (mut latest, mut seen) = (0, std::collections::HashSet::new());
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|line| {
            let fields: Vec<&str> = line.split('\t').map(str::trim).collect();
            assert_eq!(fields.len(), 3, "{line}");
            let (secs, frac) = fields[0].split_once('.').unwrap_or((fields[0], "0"));
            let frac = format!("{frac:0<9}");
            let ns = secs.parse::<u64>().unwrap() * NANOS + frac[..9].parse::<u64>().unwrap();
            latest = ns.max(latest);
            let new = fields[1..].iter().filter(|a| seen.insert(a.to_string())).count();
            (latest, new)
        })
        .collect()
}

/// The alarm rules of RFC 2819 on the frame counts: readings every interval (deltaValue: every
/// half interval, each compared with the one an interval earlier) from the start, each counting
/// the frames before it, for as long as frames come. Returns what fired and the last value.
fn model(rule: &AlarmRule, frames: &[(u64, usize)]) -> (Vec<Fired>, i64) {
    let (start, end) = (frames[0].0, frames[frames.len() - 1].0);
    let step = if rule.delta { rule.interval_s * NANOS / 2 } else { rule.interval_s * NANOS };
    // The frames, or the addresses, before `t`.
    let before = |t: u64| -> i64 {
        let earlier = &frames[..frames.partition_point(|f| f.0 < t)];
        if rule.hosts { earlier.iter().map(|f| f.1 as i64).sum() } else { earlier.len() as i64 }
    };
    let mut fired = Vec::new();
    // alarmValue: None until the first comparison, where the startup alarm applies.
    let mut value: Option<i64> = None;
    let mut readings = Vec::new();
    // Which threshold fired last: a rising alarm is not fired again until a falling one was.
    let mut last: Option<bool> = None;
    let mut k = 0;
    while start + k * step <= end {
        let t = start + k * step;
        readings.push(before(t));
        k += 1;
        let compared = match (rule.delta, readings.len()) {
            (false, n) if n >= 2 => readings[n - 1],
            (true, n) if n >= 3 => readings[n - 1] - readings[n - 3],
            _ => continue,
        };
        let first = value.replace(compared).is_none();
        let rising = if compared >= rule.rising && last != Some(true) {
            true
        } else if compared <= rule.falling && last != Some(false) {
            false
        } else {
            continue;
        };
        last = Some(rising);
        let allowed = rule.startup == 3 || (rule.startup == 1) == rising;
        if !first || allowed {
            fired.push(((t - start) / 10_000_000, rising, compared));
        }
    }
    (fired, value.unwrap_or(0))
}

/// What the replay's report says alarm `index` fired (from logTable) and its alarmValue.
fn reported(report: &Value, index: u64) -> (Vec<Fired>, i64) {
    let log = report["logTable"].as_array().expect("logTable");
    let fired = log
        .iter()
        .filter(|l| l["logEventIndex"] == index)
        .map(|l| {
            let text = l["logDescription"].as_str().unwrap();
            let rising = text.contains("risingAlarm");
            assert!(rising || text.contains("fallingAlarm"), "{text}");
            let value = text
                .split_whitespace()
                .skip_while(|w| !w.ends_with("Value"))
                .nth(1)
                .and_then(|v| v.parse().ok())
                .unwrap_or_else(|| panic!("no value in {text:?}"));
            (l["logTime"].as_u64().unwrap(), rising, value)
        })
        .collect();
    let alarm = report["alarmTable"].as_array().unwrap().iter().find(|a| a["alarmIndex"] == index).unwrap();
    (fired, alarm["alarmValue"].as_i64().unwrap())
}

fn replay(capture: &Path, config: &Path, extra: &[&str]) -> Value {
    let out = Command::new(PROBE)
        .arg("replay")
        .arg(capture)
        .arg("--config")
        .arg(config)
        .args(["--json", "-"])
        .args(extra)
        .output()
        .unwrap();
    assert!(out.status.success(), "replay {extra:?}: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn a_replay_fires_the_alarms_a_live_probe_would_have_at_any_speed() {
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let capture = repo.join("captures/lab-basic.pcapng");
    let dir = std::env::temp_dir().join(format!("rmonprobe-alarm-replay-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // With alarm 3 each reading copies the workers' host tables; without it, neither hosts nor
    // matrix (pipeline/control.rs, `parts_to_read`).
    let all = dir.join("alarms.toml");
    std::fs::write(&all, format!("{COUNTER_ALARMS}{HOST_ALARM}")).unwrap();
    let counters_only = dir.join("counter-alarms.toml");
    std::fs::write(&counters_only, COUNTER_ALARMS).unwrap();

    let frames = frames(&capture);
    // The model takes every reading; the probe does too in gaps shorter than 64 readings.
    let widest_gap = frames.windows(2).map(|w| w[1].0 - w[0].0).max().unwrap();
    assert!(widest_gap < 64 * 2 * NANOS, "a gap of {widest_gap} ns");

    let runs = [
        ("max, 1 worker", &all, &RULES[..], vec!["--speed", "max"]),
        ("max, 3 workers", &all, &RULES[..], vec!["--speed", "max", "--workers", "3"]),
        ("paced at 40x, 2 workers", &all, &RULES[..], vec!["--speed", "40x", "--workers", "2"]),
        ("max, 2 workers, an SNMP agent", &all, &RULES[..], vec!["--workers", "2", "--snmp", "127.0.0.1:0"]),
        ("max, 2 workers, counter alarms only", &counters_only, &RULES[..2], vec!["--workers", "2"]),
    ];
    for (name, config, rules, args) in &runs {
        let report = replay(&capture, config, args);
        assert_eq!(report["alarmTable"].as_array().map(Vec::len), Some(rules.len()), "{name}");
        for rule in *rules {
            let (want_fired, want_value) = model(rule, &frames);
            let (fired, value) = reported(&report, rule.index);
            assert_eq!(fired, want_fired, "{name}: alarm {} fired", rule.index);
            assert_eq!(value, want_value, "{name}: alarm {} alarmValue", rule.index);
        }
    }
    // The model's figures are not trivial: both ways fired, more than once.
    let (fired, _) = model(&RULES[0], &frames);
    let rising = fired.iter().filter(|f| f.1).count();
    assert!(rising >= 2 && fired.len() - rising >= 2, "{fired:?}");
    let (fired, _) = model(&RULES[1], &frames);
    assert_eq!(fired.iter().map(|f| f.1).collect::<Vec<_>>(), [true], "{fired:?}");
    // The hosts: between the thresholds at the first reading, then a rising alarm as they pass
    // 10.
    let (fired, hosts) = model(&RULES[2], &frames);
    assert_eq!(fired.iter().map(|f| f.1).collect::<Vec<_>>(), [true], "{fired:?}");
    assert_eq!(hosts, 11, "the hosts of lab-basic (tests/golden.rs)");
    let _ = std::fs::remove_dir_all(&dir);
}

/// An SNMPv2c request to the agent at `addr` with net-snmp's `tool`, OIDs given and printed
/// numerically (no MIB is loaded): the values printed, one a line; None on an error.
fn net_snmp(tool: &str, addr: &str, community: &str, args: &[&str]) -> Option<Vec<String>> {
    let out = Command::new(tool)
        .env_remove("MIBS")
        .env_remove("MIBDIRS")
        .args(["-m", "", "-v2c", "-c", community, "-t", "1", "-r", "1", "-On", "-Oqv", "-Oe", "-Ot", addr])
        .args(args)
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("{tool}: {e} (net-snmp's tools: `scripts/deps.sh test` installs package snmp)"));
    let stdout = String::from_utf8_lossy(&out.stdout);
    (out.status.success() && !stdout.contains("Error")).then(|| stdout.lines().map(str::to_string).collect())
}

/// sysUpTime.0 in hundredths of a second (the probe's clock since the first frame), if the
/// agent answers.
fn sys_up_time(addr: &str) -> Option<u64> {
    net_snmp("snmpget", addr, "public", &[".1.3.6.1.2.1.1.3.0"])?.first()?.trim().parse().ok()
}

/// The alarms made by SET while the replay runs: (alarmIndex, alarmInterval in seconds), each
/// firing its own event (eventIndex = alarmIndex).
const SET_ALARMS: [(u64, u64); 2] = [(1, 4), (2, 10)];

/// RFC 2819: an alarm takes its baseline when it becomes valid, and its first deltaValue is the
/// change over exactly one interval from there. A capture of exactly 100 frames a second,
/// replayed at 1x; a manager makes a log event and two alarms on etherStatsPkts.1 (4 s and 10 s)
/// valid by SET while it runs. Each alarm's first sample must count 100 frames a second of its
/// interval, the baseline and the start of the schedule being one instant (a baseline that took
/// in frames after the moment the schedule starts from makes the first sample short). The
/// startup alarm fires at the first comparison (rising threshold 1) and never again
/// (no sample falls to 0), so the log holds exactly the first sample; the test also watches
/// alarmValue over SNMP as the replay goes.
#[test]
fn an_alarm_made_valid_by_set_mid_replay_samples_whole_intervals_from_then() {
    let dir = std::env::temp_dir().join(format!("rmonprobe-alarm-set-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let capture = dir.join("steady.pcap");
    let generated = Command::new(PROBE)
        .args(["generate", "--frames", "2000", "--pps", "100", "--stations", "16", "--out"])
        .arg(&capture)
        .output()
        .unwrap();
    assert!(generated.status.success(), "generate: {}", String::from_utf8_lossy(&generated.stderr));
    let frames = frames(&capture);
    let start = frames[0].0;
    assert!(frames.windows(2).all(|w| w[1].0 - w[0].0 == NANOS / 100), "not a steady 100 frames/s");

    let report_path = dir.join("report.json");
    let stderr_path = dir.join("stderr");
    let (mut child, addr) = (0..10)
        .find_map(|_| {
            let port = std::net::UdpSocket::bind("127.0.0.1:0").and_then(|s| s.local_addr()).unwrap().port();
            let addr = format!("127.0.0.1:{port}");
            let mut child = Command::new(PROBE)
                .arg("replay")
                .arg(&capture)
                .args(["--speed", "1x", "--snmp", &addr, "--write-community", "private", "--json"])
                .arg(&report_path)
                .stdout(std::process::Stdio::null())
                .stderr(std::fs::File::create(&stderr_path).unwrap())
                .spawn()
                .unwrap();
            let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
            while std::time::Instant::now() < deadline {
                if child.try_wait().unwrap().is_some() {
                    let err = std::fs::read_to_string(&stderr_path).unwrap_or_default();
                    assert!(err.contains("cannot listen"), "the replay ended before serving: {err}");
                    return None; // the port was taken meanwhile: another one
                }
                if sys_up_time(&addr).is_some() {
                    return Some((child, addr));
                }
                std::thread::sleep(std::time::Duration::from_millis(50));
            }
            let _ = child.kill();
            let _ = child.wait();
            panic!("the agent on {addr} never answered");
        })
        .expect("a free UDP port for the agent");

    // Two seconds into the capture, frames flowing: the events, then the alarms, made valid.
    while sys_up_time(&addr).is_some_and(|t| t < 200) {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    // SET of (OID, type, value) varbinds in one PDU, which must succeed.
    let set = |varbinds: &[(String, &str, String)]| {
        let args: Vec<&str> = varbinds.iter().flat_map(|(o, t, v)| [o.as_str(), t, v.as_str()]).collect();
        assert!(net_snmp("snmpset", &addr, "private", &args).is_some(), "SET {args:?} refused");
    };
    let column = |entry: &str, column: u32, index: u64, kind: &'static str, value: &str| {
        (format!("{entry}.{column}.{index}"), kind, value.to_string())
    };
    let (event, alarm) = (".1.3.6.1.2.1.16.9.1.1", ".1.3.6.1.2.1.16.3.1.1");
    for (index, interval) in SET_ALARMS {
        // eventStatus createRequest, eventDescription, eventType log; then valid.
        set(&[
            column(event, 7, index, "i", "2"),
            column(event, 2, index, "s", "first sample"),
            column(event, 3, index, "i", "2"),
        ]);
        set(&[column(event, 7, index, "i", "1")]);
        // alarmStatus createRequest, alarmInterval, alarmVariable etherStatsPkts.1, deltaValue,
        // startup risingAlarm, thresholds 1 and 0, the rising event.
        set(&[
            column(alarm, 12, index, "i", "2"),
            column(alarm, 2, index, "i", &interval.to_string()),
            column(alarm, 3, index, "o", ".1.3.6.1.2.1.16.1.1.1.5.1"),
            column(alarm, 4, index, "i", "2"),
            column(alarm, 6, index, "i", "1"),
            column(alarm, 7, index, "i", "1"),
            column(alarm, 8, index, "i", "0"),
            column(alarm, 9, index, "i", &index.to_string()),
        ]);
    }
    // Both alarms valid at once.
    let before_valid = sys_up_time(&addr).expect("sysUpTime");
    set(&SET_ALARMS.map(|(index, _)| column(alarm, 12, index, "i", "1")));
    let after_valid = sys_up_time(&addr).expect("sysUpTime");

    // alarmValue over SNMP until both are compared: the first value each shows (0 before).
    let mut watched = [0i64; SET_ALARMS.len()];
    let values: Vec<String> = SET_ALARMS.iter().map(|(index, _)| format!(".1.3.6.1.2.1.16.3.1.1.5.{index}")).collect();
    let values: Vec<&str> = values.iter().map(String::as_str).collect();
    while watched.contains(&0) && child.try_wait().unwrap().is_none() {
        if let Some(read) = net_snmp("snmpget", &addr, "public", &values) {
            for (seen, value) in watched.iter_mut().zip(read) {
                if *seen == 0 {
                    *seen = value.trim().parse().unwrap_or(0);
                }
            }
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let status = child.wait().unwrap();
    let stderr = std::fs::read_to_string(&stderr_path).unwrap_or_default();
    assert!(status.success(), "replay: {status}: {stderr}");
    let report: Value = serde_json::from_slice(&std::fs::read(&report_path).unwrap()).unwrap();

    for (i, (index, interval)) in SET_ALARMS.into_iter().enumerate() {
        let (fired, value) = reported(&report, index);
        assert_eq!(fired.len(), 1, "alarm {index} ({interval} s): one startup alarm, {fired:?}");
        let (log_time, rising, first) = fired[0];
        assert!(rising, "alarm {index}: {fired:?}");
        // The first comparison one interval after the row became valid: within the SET's round
        // trip, and the reader's reaction to it (a frame or so, half a second on a loaded
        // machine where the paced reader runs late and waits for no frame).
        let valid_at = log_time.saturating_sub(interval * 100);
        assert!(
            (before_valid..=after_valid + 50).contains(&valid_at),
            "alarm {index}: valid at {valid_at} cs by its first sample, SET between {before_valid} and {after_valid} cs"
        );
        // tshark's frames in the interval that ended at the first comparison; on a steady
        // 100 frames/s every whole interval holds the same count, wherever it starts.
        let end = start + log_time * NANOS / 100;
        let want = frames.iter().filter(|f| (end - interval * NANOS..end).contains(&f.0)).count() as i64;
        assert_eq!(want, 100 * interval as i64);
        assert_eq!(first, want, "alarm {index} ({interval} s): the first sample in the log");
        assert_eq!(watched[i], want, "alarm {index} ({interval} s): the first alarmValue over SNMP");
        assert_eq!(value, want, "alarm {index} ({interval} s): the last alarmValue");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
