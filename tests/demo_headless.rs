//! `rmonprobe demo` as a service or a CI job meets it: started from a directory that is not the
//! checkout (it carries its capture inside the binary) with neither standard input nor output a
//! terminal, it serves SNMP from the looped replay until SIGTERM, the counters growing as at 1x,
//! then prints the summary and exits 0; a capture named with --capture is served the same way.
//!
//! Needs net-snmp's snmpget (Debian package `snmp`, installed by `scripts/deps.sh test`).

use std::fs;
use std::io::Read;
use std::net::UdpSocket;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::thread::sleep;
use std::time::{Duration, Instant};

/// etherStatsPkts.1.
const ETHER_STATS_PKTS_1: &str = "1.3.6.1.2.1.16.1.1.1.5.1";

/// A directory of the test's own outside the checkout, removed at the end.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let path = std::env::temp_dir().join(format!("rmonprobe-demo-{}-{name}", std::process::id()));
        let _ = fs::remove_dir_all(&path);
        fs::create_dir_all(&path).expect("temp dir");
        TempDir(path)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// The demo, killed if the test ends before it does.
struct Demo(Child);

impl Drop for Demo {
    fn drop(&mut self) {
        if let Ok(None) = self.0.try_wait() {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
}

impl Demo {
    /// SIGTERM, then the exit status, waited for up to `limit`.
    fn terminate(&mut self, limit: Duration) -> ExitStatus {
        let pid = self.0.id().to_string();
        let sent = Command::new("kill").args(["-TERM", &pid]).status().expect("kill runs");
        assert!(sent.success(), "kill -TERM {pid}");
        let deadline = Instant::now() + limit;
        loop {
            if let Some(status) = self.0.try_wait().expect("wait") {
                return status;
            }
            assert!(Instant::now() < deadline, "the demo still runs {limit:?} after SIGTERM");
            sleep(Duration::from_millis(50));
        }
    }

    fn stdout(&mut self) -> String {
        let mut text = String::new();
        if let Some(out) = self.0.stdout.as_mut() {
            let _ = out.read_to_string(&mut text);
        }
        text
    }

    fn stderr(&mut self) -> String {
        let mut text = String::new();
        if let Some(err) = self.0.stderr.as_mut() {
            let _ = err.read_to_string(&mut text);
        }
        text
    }
}

/// etherStatsPkts.1 as snmpget reads it; None while the agent does not answer (yet).
fn ether_stats_pkts(addr: &str) -> Option<u64> {
    let out = Command::new("snmpget")
        .env_remove("MIBS")
        .env_remove("MIBDIRS")
        .args(["-v2c", "-c", "public", "-On", "-Oqv", "-r", "0", "-t", "1", addr, ETHER_STATS_PKTS_1])
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("snmpget: {e} (net-snmp's tools: `scripts/deps.sh test` installs package snmp)"));
    if !out.status.success() {
        return None;
    }
    String::from_utf8_lossy(&out.stdout).trim().parse().ok()
}

/// Polls etherStatsPkts.1 until `ok` holds of it, for up to `limit`.
fn wait_for_pkts(addr: &str, limit: Duration, ok: impl Fn(u64) -> bool) -> Option<u64> {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(pkts) = ether_stats_pkts(addr).filter(|&p| ok(p)) {
            return Some(pkts);
        }
        if Instant::now() >= deadline {
            return None;
        }
        sleep(Duration::from_millis(200));
    }
}

/// Runs `rmonprobe demo --snmp ADDR extra...` from a temporary directory with pipes for standard
/// input and output, and checks that it serves a growing etherStatsPkts.1 until SIGTERM, then
/// exits 0 promptly with the summary.
fn serves_snmp_until_sigterm(name: &str, extra: &[&str]) {
    let dir = TempDir::new(name);
    let port = UdpSocket::bind("127.0.0.1:0").expect("a free port").local_addr().expect("its address").port();
    let addr = format!("127.0.0.1:{port}");
    // Standard input and output are pipes, not a terminal; the current directory has no
    // captures/ (nor does anything above it have this checkout's).
    let mut demo = Demo(
        Command::new(env!("CARGO_BIN_EXE_rmonprobe"))
            .args(["demo", "--snmp", &addr])
            .args(extra)
            .current_dir(&dir.0)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("rmonprobe demo starts"),
    );
    let first = wait_for_pkts(&addr, Duration::from_secs(30), |p| p > 0);
    let Some(first) = first else {
        let status = demo.0.try_wait().ok().flatten();
        panic!("no etherStatsPkts.1 > 0 from the demo on {addr} in 30 s (exited: {status:?}): {}", demo.stderr());
    };
    // Looped at 1x, lab-basic's 2600 frames over 100 s: the count goes on growing.
    let later = wait_for_pkts(&addr, Duration::from_secs(20), |p| p > first);
    assert!(later.is_some(), "etherStatsPkts.1 stayed at {first} for 20 s");
    let status = demo.terminate(Duration::from_secs(5));
    let stdout = demo.stdout();
    assert!(status.success(), "exit after SIGTERM: {status}; stderr: {}", demo.stderr());
    // The summary of what was counted up to the stop.
    let frames: u64 = stdout
        .strip_prefix("replayed 1 file: ")
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no summary on standard output: {stdout:?}"));
    assert!(frames >= later.unwrap_or(first), "{frames} frames in the summary, fewer than SNMP showed");
}

/// The capture built into the binary: no file to find.
#[test]
fn demo_without_a_terminal_serves_snmp_from_anywhere_until_sigterm() {
    serves_snmp_until_sigterm("built-in", &[]);
}

/// A capture named with --capture is looped the same way (reopened from the file each round).
#[test]
fn demo_of_a_named_capture_without_a_terminal_serves_snmp_until_sigterm() {
    let capture = Path::new(env!("CARGO_MANIFEST_DIR")).join("captures/lab-basic.pcapng");
    let capture = capture.to_str().expect("a UTF-8 checkout path");
    serves_snmp_until_sigterm("named", &["--capture", capture]);
}
