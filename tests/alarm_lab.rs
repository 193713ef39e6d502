//! The alarm and event groups end to end on the namespace lab's SPAN port (`scripts/lab.sh
//! alarm`): every row made by net-snmp's snmpset on a live probe, a ping flood, then quiet; the
//! traps checked as snmptrapd received them (v2c and v1), logTable as snmpwalk reads it, and the
//! JSON report.
//!
//! Needs root (CI runs as root). Set RMONPROBE_SKIP_ROOT_TESTS=1 to skip it elsewhere.

use std::path::PathBuf;
use std::process::Command;

use serde_json::Value;

const PROBE: &str = env!("CARGO_BIN_EXE_rmonprobe");
const RISING_ALARM: &str = ".1.3.6.1.2.1.16.0.1";
const FALLING_ALARM: &str = ".1.3.6.1.2.1.16.0.2";

fn root_or_skip() -> bool {
    if std::env::var_os("RMONPROBE_SKIP_ROOT_TESTS").is_some() {
        eprintln!("skipped: RMONPROBE_SKIP_ROOT_TESTS is set");
        return false;
    }
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let root = status.lines().any(|l| l.starts_with("Uid:") && l.split_whitespace().nth(1) == Some("0"));
    assert!(root, "the lab needs root (or set RMONPROBE_SKIP_ROOT_TESTS=1)");
    true
}

/// The v2c traps of snmptrapd's log (`-On`): one entry of "OID = value" fields per trap.
fn v2c_traps(log: &str) -> Vec<Vec<(String, String)>> {
    log.lines()
        .filter(|l| l.starts_with(".1.3.6.1.2.1.1.3.0 = "))
        .map(|l| {
            l.split('\t')
                .filter_map(|field| field.split_once(" = "))
                .map(|(oid, value)| (oid.to_string(), value.to_string()))
                .collect()
        })
        .collect()
}

fn field<'a>(trap: &'a [(String, String)], oid: &str) -> &'a str {
    trap.iter().find(|(o, _)| o == oid).map(|(_, v)| v.as_str()).unwrap_or_else(|| panic!("no {oid} in {trap:?}"))
}

/// The integer of "INTEGER: 76".
fn integer(value: &str) -> i64 {
    value.rsplit(' ').next().and_then(|v| v.parse().ok()).unwrap_or_else(|| panic!("not an integer: {value}"))
}

#[test]
fn a_ping_flood_raises_and_quiet_clears_an_alarm_made_by_snmpset() {
    if !root_or_skip() {
        return;
    }
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let out = std::env::temp_dir().join(format!("rmonprobe-alarm-lab-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    let run = Command::new(repo.join("scripts/lab.sh"))
        .arg("alarm")
        .arg(&out)
        .env("LAB_PROBE", PROBE)
        .output()
        .expect("scripts/lab.sh");
    let read = |name: &str| std::fs::read_to_string(out.join(name)).unwrap_or_default();
    assert!(
        run.status.success(),
        "lab.sh alarm: {}\n{}\nprobe log:\n{}",
        run.status,
        String::from_utf8_lossy(&run.stderr),
        read("probe.log")
    );

    // snmptrapd, v2c: exactly one risingAlarm, then one fallingAlarm (hysteresis: the flood's
    // later samples stay above the falling threshold; the quiet start fires nothing, as the
    // startup alarm is risingAlarm).
    let traps = v2c_traps(&read("traps-v2c.log"));
    let kinds: Vec<&str> = traps.iter().map(|t| field(t, ".1.3.6.1.6.3.1.1.4.1.0")).collect();
    assert_eq!(kinds, [format!("OID: {RISING_ALARM}"), format!("OID: {FALLING_ALARM}")], "{traps:?}");
    let (rising, falling) = (&traps[0], &traps[1]);
    assert_eq!(field(rising, ".1.3.6.1.2.1.16.3.1.1.1.1"), "INTEGER: 1", "alarmIndex");
    assert_eq!(field(rising, ".1.3.6.1.2.1.16.3.1.1.3.1"), "OID: .1.3.6.1.2.1.16.1.1.1.5.1", "alarmVariable");
    assert_eq!(field(rising, ".1.3.6.1.2.1.16.3.1.1.4.1"), "INTEGER: 2", "alarmSampleType deltaValue");
    assert!(integer(field(rising, ".1.3.6.1.2.1.16.3.1.1.5.1")) >= 40, "alarmValue {rising:?}");
    assert_eq!(integer(field(rising, ".1.3.6.1.2.1.16.3.1.1.7.1")), 40, "alarmRisingThreshold");
    assert!(integer(field(falling, ".1.3.6.1.2.1.16.3.1.1.5.1")) <= 5, "alarmValue {falling:?}");
    assert_eq!(integer(field(falling, ".1.3.6.1.2.1.16.3.1.1.8.1")), 5, "alarmFallingThreshold");
    let ticks = |t: &[(String, String)]| {
        let v = field(t, ".1.3.6.1.2.1.1.3.0");
        v.split(['(', ')']).nth(1).and_then(|n| n.parse::<u64>().ok()).unwrap_or_else(|| panic!("{v}"))
    };
    assert!(ticks(rising) < ticks(falling));

    // snmptrapd, v1: the same two, as RFC 3584 maps them, with eventCommunity.
    let v1 = read("traps-v1.log");
    let v1_traps: Vec<&str> = v1.lines().filter(|l| l.contains("Enterprise Specific Trap")).collect();
    assert_eq!(v1_traps.len(), 2, "{v1}");
    assert!(v1_traps[0].contains(".1.3.6.1.2.1.16 Enterprise Specific Trap (1)"), "{v1}");
    assert!(v1_traps[1].contains(".1.3.6.1.2.1.16 Enterprise Specific Trap (2)"), "{v1}");
    assert_eq!(v1.matches("TRAP, SNMP v1, community lab-traps").count(), 2, "{v1}");

    // logTable over SNMP: both, logged by event 1, at the traps' sysUpTime.
    let log_table = read("logTable.txt");
    let times: Vec<u64> = log_table
        .lines()
        .filter(|l| l.starts_with(".1.3.6.1.2.1.16.9.2.1.3.1."))
        .filter_map(|l| l.split(['(', ')']).nth(1).and_then(|n| n.parse().ok()))
        .collect();
    assert_eq!(times, [ticks(rising), ticks(falling)], "{log_table}");

    // The report at SIGINT: the rows as snmpset made them, eventLastTimeSent, the same log.
    let report: Value = serde_json::from_str(&read("report.json")).expect("report");
    let alarm = &report["alarmTable"][0];
    assert_eq!(alarm["alarmOwner"], "lab");
    assert_eq!(alarm["alarmInterval"], 1);
    assert_eq!(alarm["alarmStatus"], "valid");
    let event = &report["eventTable"][0];
    assert_eq!(event["eventType"], "logandtrap");
    assert_eq!(event["eventLastTimeSent"].as_u64(), Some(ticks(falling)));
    let log = report["logTable"].as_array().expect("logTable");
    assert_eq!(log.len(), 2, "{log:?}");
    assert!(log[0]["logDescription"].as_str().is_some_and(|d| d.contains("risingAlarm")), "{log:?}");
    assert!(log[1]["logDescription"].as_str().is_some_and(|d| d.contains("fallingAlarm")), "{log:?}");
    let _ = std::fs::remove_dir_all(&out);
}
