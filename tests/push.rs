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
use std::path::Path;
use std::process::{Command, Stdio};
use std::thread::sleep;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde_json::Value;

mod support;
use support::{Dir, Running, free_port};

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
    let dir = Dir::new("push");
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
    // The pusher's own figures travel too: the outage shows as failed rounds.
    let own =
        |name: &str| -> f64 { query(port, name).map_or(0.0, |r| r[0]["value"][1].as_str().unwrap().parse().unwrap()) };
    assert!(own("rmonprobe_push_sent_total") > 0.0 && own("rmonprobe_push_failures_total") > 0.0);

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

/// Runs a command, which must succeed; its standard output.
fn run(cmd: &mut Command) -> String {
    let out = cmd.output().expect("the command runs");
    assert!(out.status.success(), "{cmd:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A CA, a server certificate for 127.0.0.1 and a client certificate, signed by it (openssl).
fn certificates(dir: &Path) {
    let sh = |script: &str| run(Command::new("sh").arg("-c").arg(script).current_dir(dir));
    sh(
        "openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=rmonprobe-test-ca -keyout ca.key -out ca.pem 2>/dev/null",
    );
    for (name, ext) in [("server", "subjectAltName=IP:127.0.0.1"), ("client", "extendedKeyUsage=clientAuth")] {
        sh(&format!(
            "openssl req -newkey rsa:2048 -nodes -subj /CN={name} -keyout {name}.key -out {name}.csr 2>/dev/null && \
             printf '%s\\n' '{ext}' > {name}.ext && \
             openssl x509 -req -in {name}.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 -extfile {name}.ext -out {name}.pem 2>/dev/null"
        ));
    }
}

/// An HTTPS receiver: Prometheus with TLS, client certificates required, and basic auth.
fn tls_receiver(dir: &Path, port: u16) -> Running {
    let hash = run(Command::new("htpasswd").args(["-nbBC", "5", "probe", "secret"]));
    let hash = hash.trim().split_once(':').expect("user:hash").1.to_string();
    fs::write(
        dir.join("web.yml"),
        format!(
            "tls_server_config:\n  cert_file: server.pem\n  key_file: server.key\n  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: ca.pem\nbasic_auth_users:\n  probe: '{hash}'\n"
        ),
    )
    .unwrap();
    fs::write(dir.join("prometheus.yml"), "global:\n  scrape_interval: 15s\n").unwrap();
    let child = Command::new("prometheus")
        .current_dir(dir)
        .arg("--config.file=prometheus.yml")
        .arg("--storage.tsdb.path=data")
        .arg("--web.config.file=web.yml")
        .arg(format!("--web.listen-address=127.0.0.1:{port}"))
        .arg("--web.enable-remote-write-receiver")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("prometheus runs");
    Running(child)
}

/// A query over HTTPS with the client certificate and the password (curl).
fn tls_query(dir: &Path, port: u16, q: &str) -> Option<Vec<Value>> {
    let out = Command::new("curl")
        .current_dir(dir)
        .args(["-s", "--cacert", "ca.pem", "--cert", "client.pem", "--key", "client.key", "-u", "probe:secret"])
        .arg("--data-urlencode")
        .arg(format!("query={q}"))
        .arg(format!("https://127.0.0.1:{port}/api/v1/query"))
        .output()
        .ok()?;
    let v: Value = serde_json::from_slice(&out.stdout).ok()?;
    let result = v["data"]["result"].as_array()?.clone();
    (!result.is_empty()).then_some(result)
}

#[test]
fn a_tls_push_needs_the_receivers_ca_and_carries_its_credentials() {
    let dir = Dir::new("push-tls");
    certificates(&dir.0);
    fs::write(dir.0.join("auth"), "probe:secret\n").unwrap();
    let port = free_port();
    let _receiver = tls_receiver(&dir.0, port);
    let deadline = Instant::now() + Duration::from_secs(30);
    while tls_query(&dir.0, port, "vector(1)").is_none() {
        assert!(Instant::now() < deadline, "the TLS receiver did not come up");
        sleep(Duration::from_millis(200));
    }
    let capture = Path::new(env!("CARGO_MANIFEST_DIR")).join("captures/lab-basic.pcapng");
    let push = |extra: &[&str], log: &str| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_rmonprobe"));
        cmd.current_dir(&dir.0)
            .arg("replay")
            .arg(&capture)
            .args(["--push", &format!("https://127.0.0.1:{port}/api/v1/write"), "--push-interval", "1"])
            .args(["--push-basic-auth-file", "auth", "--serve", "--json", "/dev/null"])
            .args(extra)
            .stdout(Stdio::null())
            .stderr(fs::File::create(dir.0.join(log)).unwrap());
        Running(cmd.spawn().expect("rmonprobe starts"))
    };

    // Without the CA: refused, and the probe says why.
    let untrusted = push(&["--push-cert", "client.pem", "--push-key", "client.key"], "untrusted.log");
    let deadline = Instant::now() + Duration::from_secs(20);
    let said = loop {
        let said = fs::read_to_string(dir.0.join("untrusted.log")).unwrap_or_default();
        if said.contains("push:") {
            break said;
        }
        assert!(Instant::now() < deadline, "no word from the probe: {said}");
        sleep(Duration::from_millis(200));
    };
    assert!(said.contains("invalid peer certificate") && said.contains("--push-ca"), "{said}");
    untrusted.stop();
    assert!(tls_query(&dir.0, port, "rmon_ether_stats_pkts_total").is_none());

    // With the CA, the client certificate and the password: the figures arrive.
    let trusted =
        push(&["--push-ca", "ca.pem", "--push-cert", "client.pem", "--push-key", "client.key"], "trusted.log");
    let deadline = Instant::now() + Duration::from_secs(30);
    // (The first push may come before the replay has counted anything: wait for the whole.)
    loop {
        let result = tls_query(&dir.0, port, "rmon_ether_stats_pkts_total");
        if result.is_some_and(|r| r[0]["value"][1] == "2600") {
            break;
        }
        let said = fs::read_to_string(dir.0.join("trusted.log")).unwrap_or_default();
        assert!(Instant::now() < deadline, "the figures did not arrive over TLS: {said}");
        sleep(Duration::from_millis(300));
    }
    trusted.stop();

    // Without the client certificate the receiver refuses, and the probe says what is missing.
    let anonymous = push(&["--push-ca", "ca.pem"], "anonymous.log");
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let said = fs::read_to_string(dir.0.join("anonymous.log")).unwrap_or_default();
        if said.contains("push:") {
            assert!(said.contains("TLS") && said.contains("--push-cert"), "{said}");
            break;
        }
        assert!(Instant::now() < deadline, "no word from the probe: {said}");
        sleep(Duration::from_millis(200));
    }
    anonymous.stop();
}

/// A bearer token goes in the Authorization header, read from its file: checked on a receiver
/// made here that records the request and takes it.
#[test]
fn a_bearer_token_is_sent_from_its_file() {
    let dir = Dir::new("push-bearer");
    fs::write(dir.0.join("token"), "s3cr3t-token\n").unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let capture = Path::new(env!("CARGO_MANIFEST_DIR")).join("captures/lab-basic.pcapng");
    let _probe = Running(
        Command::new(env!("CARGO_BIN_EXE_rmonprobe"))
            .arg("replay")
            .arg(&capture)
            .args(["--push", &format!("http://127.0.0.1:{port}/receive"), "--push-interval", "1"])
            .arg("--push-bearer-token-file")
            .arg(dir.0.join("token"))
            .args(["--serve", "--json", "/dev/null"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let (mut stream, _) = listener.accept().unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut head = Vec::new();
    let mut buf = [0u8; 4096];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = stream.read(&mut buf).unwrap();
        assert!(n > 0, "the request ended early");
        head.extend_from_slice(&buf[..n]);
    }
    let head = String::from_utf8_lossy(&head).into_owned();
    stream.write_all(b"HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n").unwrap();
    assert!(head.starts_with("POST /receive HTTP/1.1\r\n"), "{head}");
    for header in [
        "Authorization: Bearer s3cr3t-token\r\n",
        "Content-Encoding: snappy\r\n",
        "Content-Type: application/x-protobuf\r\n",
        "X-Prometheus-Remote-Write-Version: 0.1.0\r\n",
    ] {
        assert!(head.contains(header), "{header:?} missing in {head}");
    }
}
