//! `--push`: Prometheus remote write against a real receiver (the Debian package's prometheus
//! with `--web.enable-remote-write-receiver`, started here), through its outages.
//!
//! The first 700 frames of the lab's capture (about 25 s) are replayed at 1x, pushing every
//! second with an on-disk spool. The receiver is stopped for 10 s and started again on the
//! same data: its series must then have no gap wider than three push intervals, and its last
//! value must equal the replay's report. Then the receiver is stopped again, the probe killed
//! with SIGKILL while pushes wait in its spool, and a new probe started on the same spool: every
//! push that was spooled must reach the receiver.
//!
//! Needs prometheus and editcap (`scripts/deps.sh test`).

use std::fs;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread::sleep;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde_json::Value;

struct Dir(PathBuf);

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// A child process, killed when the test ends however it ends.
struct Running(Child);

impl Running {
    /// SIGTERM, and wait for it to end.
    fn stop(mut self) {
        let _ = Command::new("kill").arg(self.0.id().to_string()).status();
        let _ = self.0.wait();
    }

    /// SIGKILL: no chance to finish anything.
    fn kill(mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn now_s() -> f64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs_f64()
}

fn receiver(dir: &Path, port: u16) -> Running {
    let config = dir.join("prometheus.yml");
    fs::write(&config, "global:\n  scrape_interval: 15s\n").unwrap();
    let child = Command::new("prometheus")
        .arg(format!("--config.file={}", config.display()))
        .arg(format!("--storage.tsdb.path={}", dir.join("data").display()))
        .arg(format!("--web.listen-address=127.0.0.1:{port}"))
        .arg("--web.enable-remote-write-receiver")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("prometheus runs (scripts/deps.sh test)");
    let running = Running(child);
    let deadline = Instant::now() + Duration::from_secs(30);
    while query(port, "up").is_none() && query(port, "vector(1)").is_none() {
        assert!(Instant::now() < deadline, "prometheus did not come up");
        sleep(Duration::from_millis(200));
    }
    running
}

fn probe(capture: &Path, spool: &Path, json: &Path, port: u16) -> Running {
    let child = Command::new(env!("CARGO_BIN_EXE_rmonprobe"))
        .arg("replay")
        .arg(capture)
        .args(["--speed", "1x", "--push"])
        .arg(format!("http://127.0.0.1:{port}/api/v1/write"))
        .args(["--push-interval", "1", "--spool"])
        .arg(spool)
        .args(["--serve", "--json"])
        .arg(json)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("rmonprobe starts");
    Running(child)
}

/// A PromQL query's result, None while the server is not answering or has nothing.
fn query(port: u16, q: &str) -> Option<Vec<Value>> {
    let encoded: String = q
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
    write!(stream, "GET /api/v1/query?query={encoded} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").ok()?;
    let mut text = String::new();
    stream.read_to_string(&mut text).ok()?;
    let body = text.split_once("\r\n\r\n")?.1;
    let v: Value = serde_json::from_str(body).ok()?;
    let result = v["data"]["result"].as_array()?.clone();
    (!result.is_empty()).then_some(result)
}

/// The raw samples (time in seconds, value) of etherStatsPkts pushed over the last 10 minutes.
fn samples(port: u16) -> Vec<(f64, f64)> {
    let Some(result) = query(port, "rmon_ether_stats_pkts_total{job=\"rmonprobe\"}[10m]") else { return Vec::new() };
    result[0]["values"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p[0].as_f64().unwrap(), p[1].as_str().unwrap().parse().unwrap()))
        .collect()
}

fn wait_for_report(json: &Path) -> Value {
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        if let Ok(text) = fs::read_to_string(json)
            && let Ok(v) = serde_json::from_str::<Value>(&text)
        {
            return v;
        }
        assert!(Instant::now() < deadline, "no report from the replay");
        sleep(Duration::from_millis(200));
    }
}

/// How many of `got` the receiver had by `last`, at the least.
fn samples_before(got: &[(f64, f64)], last: f64) -> usize {
    got.iter().filter(|(t, _)| *t <= last).count()
}

fn spooled(spool: &Path) -> usize {
    fs::read_dir(spool)
        .map_or(0, |d| d.filter_map(Result::ok).filter(|e| e.file_name().to_string_lossy().ends_with(".rw")).count())
}

#[test]
fn pushes_survive_receiver_outages_and_a_killed_probe() {
    let dir = Dir(std::env::temp_dir().join(format!("rmonprobe-push-{}", std::process::id())));
    let _ = fs::remove_dir_all(&dir.0);
    fs::create_dir_all(&dir.0).unwrap();
    let capture = dir.0.join("lab-25s.pcapng");
    let lab = Path::new(env!("CARGO_MANIFEST_DIR")).join("captures/lab-basic.pcapng");
    let status = Command::new("editcap").args(["-r"]).arg(&lab).arg(&capture).arg("1-700").status().expect("editcap");
    assert!(status.success());
    let (spool, json) = (dir.0.join("spool"), dir.0.join("report.json"));
    let port = free_port();

    // Part 1: a 10-second outage of the receiver while the replay runs.
    let prometheus = receiver(&dir.0, port);
    let pushing = probe(&capture, &spool, &json, port);
    let deadline = Instant::now() + Duration::from_secs(30);
    while samples(port).len() < 3 {
        assert!(Instant::now() < deadline, "no pushes reached the receiver");
        sleep(Duration::from_millis(200));
    }
    prometheus.stop();
    let down = now_s();
    sleep(Duration::from_secs(10));
    let up = now_s();
    let prometheus = receiver(&dir.0, port);
    let report = wait_for_report(&json);
    let total = report["etherStatsTable"][0]["etherStatsPkts"].as_f64().unwrap();
    // The spool drains, and the final figures arrive.
    let deadline = Instant::now() + Duration::from_secs(30);
    let got = loop {
        let got = samples(port);
        if got.last().is_some_and(|(_, v)| *v == total) && spooled(&spool) == 0 {
            break got;
        }
        assert!(Instant::now() < deadline, "the receiver never got the report's {total}: {:?}", got.last());
        sleep(Duration::from_millis(300));
    };
    let widest = got.windows(2).map(|w| w[1].0 - w[0].0).fold(0.0, f64::max);
    assert!(widest <= 3.0, "a gap of {widest:.1} s in {} samples", got.len());
    let during = got.iter().filter(|(t, _)| *t > down && *t < up).count();
    assert!(during >= 7, "only {during} samples from the 10 s outage");
    assert!(got.windows(2).all(|w| w[0].1 <= w[1].1), "the count went back");

    // Part 2: the receiver down again, the probe killed with pushes in its spool.
    let last_received = samples(port).last().map_or(0.0, |(t, _)| *t);
    prometheus.stop();
    let deadline = Instant::now() + Duration::from_secs(30);
    while spooled(&spool) < 4 {
        assert!(Instant::now() < deadline, "nothing spooled while the receiver is down");
        sleep(Duration::from_millis(200));
    }
    let killed_at = now_s();
    pushing.kill();
    let waiting = spooled(&spool);
    let before = samples_before(&got, last_received);
    let _prometheus = receiver(&dir.0, port);
    let _again = probe(&capture, &spool, &dir.0.join("report2.json"), port);
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let now = samples(port);
        let from_spool = now.iter().filter(|(t, _)| *t > last_received && *t <= killed_at).count();
        if from_spool >= waiting {
            assert!(now.len() >= before + waiting);
            break;
        }
        assert!(Instant::now() < deadline, "{from_spool} of the {waiting} spooled pushes arrived");
        sleep(Duration::from_millis(300));
    }
}
