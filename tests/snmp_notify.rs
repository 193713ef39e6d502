//! Notifications as net-snmp's snmptrapd receives them: SNMPv3 traps (authPriv, the probe as
//! authoritative engine), v2c and v3 informs acknowledged (and so not sent again), and informs
//! to a receiver that is down sent again until it comes up. The probe is a replay of the lab
//! capture, served, with an alarm that fires at its first sample and an event that traps.

use std::fs::{self, File};
use std::net::UdpSocket;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread::sleep;
use std::time::{Duration, Instant};

const RISING_ALARM: &str = ".1.3.6.1.2.1.16.0.1";
const ENGINE_ID: &str = "80007ed905aabbccdd01";

struct Dir(PathBuf);

impl Dir {
    fn new(name: &str) -> Dir {
        let path = std::env::temp_dir().join(format!("rmonprobe-notify-{}-{name}", std::process::id()));
        let _ = fs::remove_dir_all(&path);
        fs::create_dir_all(&path).unwrap();
        Dir(path)
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// A child killed when dropped.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    UdpSocket::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// snmptrapd on `port`, logging numerically to `name`.log, knowing the probe's trap user (by the
/// probe's engine ID) and its own inform user.
fn snmptrapd(dir: &Path, name: &str, port: u16) -> (Running, PathBuf) {
    let home = dir.join(format!("{name}-persist"));
    fs::create_dir_all(&home).unwrap();
    let conf = dir.join(format!("{name}.conf"));
    fs::write(
        &conf,
        format!(
            "createUser -e 0x{ENGINE_ID} trapuser SHA-256 trap-password AES trap-privacy\n\
             createUser informuser SHA-256 inform-password AES inform-privacy\n\
             authUser log trapuser\nauthUser log informuser\nauthCommunity log public\n"
        ),
    )
    .unwrap();
    let log = dir.join(format!("{name}.log"));
    let child = Command::new("snmptrapd")
        .env("SNMP_PERSISTENT_DIR", &home)
        .env("SNMPCONFPATH", &home)
        .args(["-f", "-m", "", "-On", "-C", "-c"])
        .arg(&conf)
        .arg("-Lf")
        .arg(&log)
        .arg("-p")
        .arg(dir.join(format!("{name}.pid")))
        .arg(format!("udp:127.0.0.1:{port}"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("snmptrapd (`scripts/deps.sh test` installs package snmptrapd)");
    let running = Running(child);
    wait_for(&log, "NET-SNMP version", 1, Duration::from_secs(10));
    (running, log)
}

/// Waits until `log` holds `text` at least `count` times; returns how many it holds.
fn wait_for(log: &Path, text: &str, count: usize, limit: Duration) -> usize {
    let deadline = Instant::now() + limit;
    loop {
        let seen = fs::read_to_string(log).unwrap_or_default().matches(text).count();
        if seen >= count || Instant::now() > deadline {
            return seen;
        }
        sleep(Duration::from_millis(100));
    }
}

/// The probe: the lab capture replayed and served, with `sinks`.
fn probe(dir: &Path, sinks: &[String]) -> Running {
    let config = dir.join("probe.toml");
    let text = format!(
        "[snmp]\nengineId = \"{ENGINE_ID}\"\n\
         [[snmp.users]]\nname = \"trapuser\"\nauthProtocol = \"SHA-256\"\nauthPassword = \"trap-password\"\nprivProtocol = \"AES\"\nprivPassword = \"trap-privacy\"\n\
         [[snmp.users]]\nname = \"informuser\"\nauthProtocol = \"SHA-256\"\nauthPassword = \"inform-password\"\nprivProtocol = \"AES\"\nprivPassword = \"inform-privacy\"\n\
         [[event]]\neventIndex = 1\neventType = \"snmptrap\"\neventCommunity = \"public\"\neventDescription = \"notify test\"\n\
         [[alarm]]\nalarmIndex = 1\nalarmInterval = 1\nalarmVariable = \"1.3.6.1.2.1.16.1.1.1.5.1\"\nalarmSampleType = \"absoluteValue\"\n\
         alarmStartupAlarm = \"risingAlarm\"\nalarmRisingThreshold = 1\nalarmFallingThreshold = 0\nalarmRisingEventIndex = 1\nalarmFallingEventIndex = 1\n"
    );
    fs::write(&config, text).unwrap();
    let mut command = Command::new(env!("CARGO_BIN_EXE_rmonprobe"));
    command
        .arg("replay")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("captures/lab-basic.pcapng"))
        .args(["--serve", "--snmp", &format!("127.0.0.1:{}", free_port()), "--config"])
        .arg(&config);
    for sink in sinks {
        command.args(["--trap-sink", sink]);
    }
    let child = command
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(File::create(dir.join("probe.log")).unwrap())
        .spawn()
        .expect("rmonprobe starts");
    Running(child)
}

#[test]
fn v3_traps_and_acknowledged_informs_reach_snmptrapd() {
    let dir = Dir::new("up");
    let ports = [free_port(), free_port(), free_port()];
    let (_trapd_trap, trap_log) = snmptrapd(&dir.0, "v3-trap", ports[0]);
    let (_trapd_inform, inform_log) = snmptrapd(&dir.0, "v2c-inform", ports[1]);
    let (_trapd_v3inform, v3inform_log) = snmptrapd(&dir.0, "v3-inform", ports[2]);
    let _probe = probe(
        &dir.0,
        &[
            format!("127.0.0.1:{}/v3:trapuser", ports[0]),
            format!("127.0.0.1:{}/inform", ports[1]),
            format!("127.0.0.1:{}/v3inform:informuser", ports[2]),
        ],
    );
    let probe_log = || fs::read_to_string(dir.0.join("probe.log")).unwrap_or_default();
    for log in [&trap_log, &inform_log, &v3inform_log] {
        let seen = wait_for(log, RISING_ALARM, 1, Duration::from_secs(20));
        assert_eq!(
            seen,
            1,
            "{}: {}\nprobe: {}",
            log.display(),
            fs::read_to_string(log).unwrap_or_default(),
            probe_log()
        );
    }
    let v3 = fs::read_to_string(&trap_log).unwrap();
    assert!(v3.contains(".1.3.6.1.2.1.16.3.1.1.3.1 = OID: .1.3.6.1.2.1.16.1.1.1.5.1"), "alarmVariable: {v3}");
    // Acknowledged informs are not sent again: past three retry intervals (1 + 2 + 4 s), still one.
    sleep(Duration::from_secs(8));
    for log in [&inform_log, &v3inform_log] {
        let text = fs::read_to_string(log).unwrap();
        assert_eq!(text.matches(RISING_ALARM).count(), 1, "an acknowledged inform came again: {text}");
    }
}

#[test]
fn informs_to_a_receiver_that_is_down_arrive_when_it_comes_up() {
    let dir = Dir::new("down");
    let ports = [free_port(), free_port()];
    let _probe = probe(
        &dir.0,
        &[format!("127.0.0.1:{}/inform", ports[0]), format!("127.0.0.1:{}/v3inform:informuser", ports[1])],
    );
    // Nobody listens for the first seconds: the informs (and the v3 discovery) go unanswered.
    sleep(Duration::from_secs(3));
    let (_a, inform_log) = snmptrapd(&dir.0, "late-v2c", ports[0]);
    let (_b, v3inform_log) = snmptrapd(&dir.0, "late-v3", ports[1]);
    for log in [&inform_log, &v3inform_log] {
        let seen = wait_for(log, RISING_ALARM, 1, Duration::from_secs(30));
        assert!(
            seen >= 1,
            "{}: {}\nprobe: {}",
            log.display(),
            fs::read_to_string(log).unwrap_or_default(),
            fs::read_to_string(dir.0.join("probe.log")).unwrap_or_default()
        );
    }
}
