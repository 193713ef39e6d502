//! `--metrics`: the replay's /metrics against promtool (the Prometheus project's own checker),
//! against the JSON report of the same replay, and scraped by a real Prometheus server (the
//! Debian package, started here) whose query API must return the report's figures, and data for
//! every panel of the Grafana dashboard in `contrib/grafana/`.
//!
//! Needs promtool and prometheus (`scripts/deps.sh test`).

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Command, Stdio};
use std::thread::sleep;
use std::time::{Duration, Instant};

use serde_json::Value;

mod support;
use support::{Dir, Running, free_port};

/// One HTTP/1.1 exchange: the status line, the headers, the body; None if the server is not
/// there (yet).
fn try_http(addr: &str, request: &str) -> Option<(String, String, String)> {
    let mut stream = TcpStream::connect(addr).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
    stream.write_all(request.as_bytes()).ok()?;
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).ok()?;
    let text = String::from_utf8(answer).expect("UTF-8");
    let (head, body) = text.split_once("\r\n\r\n").expect("a head and a body");
    let (status, headers) = head.split_once("\r\n").unwrap_or((head, ""));
    Some((status.to_string(), headers.to_string(), body.to_string()))
}

fn http(addr: &str, request: &str) -> (String, String, String) {
    try_http(addr, request).expect("the server answers")
}

fn request(addr: &str, path: &str, accept: &str) -> String {
    format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nAccept: {accept}\r\nConnection: close\r\n\r\n")
}

fn get(addr: &str, path: &str, accept: &str) -> (String, String, String) {
    http(addr, &request(addr, path, accept))
}

/// The replay of `capture` with `--metrics` and `--serve`, once its report is written.
fn serve(capture: &Path, dir: &Path) -> (Running, Value, u16) {
    let json = dir.join("report.json");
    let log = dir.join("probe.log");
    // A port free a moment ago may be taken by another test's server before the probe binds it:
    // the probe then says so and ends, and another port is tried.
    for _ in 0..3 {
        let port = free_port();
        let child = Command::new(env!("CARGO_BIN_EXE_rmonprobe"))
            .arg("replay")
            .arg(capture)
            .args(["--metrics", &format!("127.0.0.1:{port}"), "--metrics-top", "3", "--serve", "--json"])
            .arg(&json)
            .stdout(Stdio::null())
            .stderr(fs::File::create(&log).expect("a log file"))
            .spawn()
            .expect("rmonprobe starts");
        let mut running = Running(child);
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Ok(text) = fs::read_to_string(&json)
                && let Ok(report) = serde_json::from_str::<Value>(&text)
            {
                return (running, report, port);
            }
            if running.0.try_wait().ok().flatten().is_some() {
                break;
            }
            let said = fs::read_to_string(&log).unwrap_or_default();
            assert!(Instant::now() < deadline, "no report from the replay; it said: {said}");
            sleep(Duration::from_millis(100));
        }
    }
    panic!("the replay ended without a report: {}", fs::read_to_string(&log).unwrap_or_default());
}

/// The samples of an exposition: (name, labels) -> value.
fn samples(text: &str) -> BTreeMap<(String, BTreeMap<String, String>), f64> {
    let mut out = BTreeMap::new();
    for line in text.lines().filter(|l| !l.starts_with('#') && !l.is_empty()) {
        let (series, value) = line.rsplit_once(' ').expect("a value");
        let (name, labels) = match series.split_once('{') {
            Some((name, rest)) => (name, rest.trim_end_matches('}')),
            None => (series, ""),
        };
        let labels: BTreeMap<String, String> = labels
            .split("\",")
            .filter(|l| !l.is_empty())
            .map(|l| {
                let (k, v) = l.split_once("=\"").expect("label=\"value\"");
                (k.to_string(), v.trim_end_matches('"').to_string())
            })
            .collect();
        let key = (name.to_string(), labels);
        assert!(!out.contains_key(&key), "the same series twice: {key:?}");
        out.insert(key, value.parse::<f64>().expect("a number"));
    }
    out
}

fn value_of(
    samples: &BTreeMap<(String, BTreeMap<String, String>), f64>,
    name: &str,
    labels: &[(&str, &str)],
) -> Vec<f64> {
    samples
        .iter()
        .filter(|((n, l), _)| n == name && labels.iter().all(|(k, v)| l.get(*k).map(String::as_str) == Some(*v)))
        .map(|(_, v)| *v)
        .collect()
}

#[test]
fn metrics_pass_promtool_and_equal_the_report() {
    let dir = Dir::new("metrics");
    let capture = Path::new(env!("CARGO_MANIFEST_DIR")).join("captures/lab-basic.pcapng");
    let (_probe, report, port) = serve(&capture, &dir.0);
    let addr = format!("127.0.0.1:{port}");

    let (status, headers, body) = get(&addr, "/metrics", "text/plain;version=0.0.4;q=0.5,*/*;q=0.1");
    assert_eq!(status, "HTTP/1.1 200 OK");
    assert!(headers.contains("Content-Type: text/plain; version=0.0.4"), "{headers}");
    // promtool: the format, and the naming conventions (units, _total on counters).
    let mut check = Command::new("promtool")
        .args(["check", "metrics"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("promtool runs (scripts/deps.sh test)");
    check.stdin.take().unwrap().write_all(body.as_bytes()).unwrap();
    let out = check.wait_with_output().unwrap();
    let said = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success() && said.trim().is_empty(), "promtool check metrics: {said}");

    let got = samples(&body);
    // etherStatsTable, column for column where the report has a count.
    let ether = &report["etherStatsTable"][0];
    let mut compared = 0;
    for (column, value) in ether.as_object().unwrap() {
        let Some(count) = value.as_u64() else { continue };
        if !column.starts_with("etherStats") || column.ends_with("Index") {
            continue;
        }
        let snake: String = column.chars().fold(String::new(), |mut s, c| {
            if c.is_ascii_uppercase() && !s.is_empty() && !s.ends_with(|p: char| p.is_ascii_uppercase()) {
                s.push('_');
            }
            s.push(c.to_ascii_lowercase());
            s
        });
        let counter = value_of(&got, &format!("rmon_{snake}_total"), &[("ether_stats_index", "1")]);
        let gauge = value_of(&got, &format!("rmon_{snake}"), &[("ether_stats_index", "1")]);
        if let [v] = counter.as_slice().iter().chain(&gauge).copied().collect::<Vec<_>>().as_slice() {
            assert_eq!(*v as u64, count, "{column}");
            compared += 1;
        }
    }
    assert!(compared >= 15, "only {compared} etherStats columns compared");
    assert_eq!(value_of(&got, "rmonprobe_workers", &[]), vec![1.0]);
    let pkts = value_of(&got, "rmon_ether_stats_pkts_total", &[("data_source", "ifIndex.1"), ("interface", "replay")]);
    assert_eq!(pkts, vec![report["etherStatsTable"][0]["etherStatsPkts"].as_f64().unwrap()]);

    // Per-host tables: the busiest 3 only (--metrics-top 3), each equal to its report row.
    let hosts = value_of(&got, "rmon_host_out_octets_total", &[]);
    assert_eq!(hosts.len(), 3);
    let mut by_octets: Vec<u64> = report["hostTable"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["hostInOctets"].as_u64().unwrap() + h["hostOutOctets"].as_u64().unwrap())
        .collect();
    by_octets.sort_unstable_by(|a, b| b.cmp(a));
    let exposed: BTreeSet<u64> = got
        .iter()
        .filter(|((n, _), _)| n == "rmon_host_in_octets_total")
        .map(|((_, l), v)| {
            *v as u64 + value_of(&got, "rmon_host_out_octets_total", &[("host_address", &l["host_address"])])[0] as u64
        })
        .collect();
    assert_eq!(exposed, by_octets[..3].iter().copied().collect());

    // History: the last bucket of each historyControl row, as gauges (none before the first).
    let mut buckets = 0;
    for control in report["historyControlTable"].as_array().unwrap() {
        let index = control["historyControlIndex"].as_u64().unwrap().to_string();
        let last = report["etherHistoryTable"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|b| b["etherHistoryIndex"].as_u64().unwrap().to_string() == index)
            .max_by_key(|b| b["etherHistorySampleIndex"].as_u64().unwrap());
        let exposed = value_of(&got, "rmon_ether_history_pkts", &[("ether_history_index", &index)]);
        let want: Vec<f64> = last.map(|b| b["etherHistoryPkts"].as_f64().unwrap()).into_iter().collect();
        assert_eq!(exposed, want, "history {index}");
        buckets += want.len();
    }
    assert!(buckets > 0, "no history bucket compared");

    // The latency histograms: as many samples as the report's rows say.
    for row in report["tcpLatencyServerTable"].as_array().unwrap() {
        let labels = [
            ("server_address", row["serverAddress"].as_str().unwrap()),
            ("server_port", &row["serverPort"].to_string()),
        ];
        let count = value_of(&got, "rmon_tcp_latency_server_rtt_seconds_count", &labels);
        if !count.is_empty() {
            assert_eq!(count, vec![row["rttSamples"].as_f64().unwrap()], "{row}");
            let inf: Vec<(&str, &str)> = labels.iter().copied().chain([("le", "+Inf")]).collect();
            assert_eq!(value_of(&got, "rmon_tcp_latency_server_rtt_seconds_bucket", &inf), count);
        }
    }
    assert!(!value_of(&got, "rmon_tcp_latency_server_server_delay_seconds_count", &[]).is_empty());

    // OpenMetrics when asked for; errors for the rest, and the server still answers after.
    let (_, headers, open) = get(&addr, "/metrics", "application/openmetrics-text;version=1.0.0,text/plain;q=0.5");
    assert!(headers.contains("application/openmetrics-text"), "{headers}");
    assert!(open.ends_with("# EOF\n") && open.contains("# TYPE rmon_ether_stats_pkts counter"));
    assert!(get(&addr, "/nothing", "").0.contains("404"));
    assert!(http(&addr, "POST /metrics HTTP/1.1\r\n\r\n").0.contains("405"));
    assert!(http(&addr, "\u{1}\u{2}garbage\r\n\r\n").0.contains("400"));
    assert!(get(&addr, "/metrics", "").0.contains("200"));
}

#[test]
fn a_prometheus_server_scrapes_the_report_figures() {
    let dir = Dir::new("metrics-prometheus");
    let capture = Path::new(env!("CARGO_MANIFEST_DIR")).join("captures/lab-basic.pcapng");
    let (_probe, report, port) = serve(&capture, &dir.0);
    let web = free_port();
    let config = dir.0.join("prometheus.yml");
    fs::write(
        &config,
        format!(
            "global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: rmonprobe\n    static_configs:\n      - targets: ['127.0.0.1:{port}']\n"
        ),
    )
    .unwrap();
    let _prometheus = Running(
        Command::new("prometheus")
            .arg(format!("--config.file={}", config.display()))
            .arg(format!("--storage.tsdb.path={}", dir.0.join("data").display()))
            .arg(format!("--web.listen-address=127.0.0.1:{web}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("prometheus runs (scripts/deps.sh test)"),
    );
    let api = format!("127.0.0.1:{web}");
    let query = |q: &str| -> Option<Value> {
        let (status, _, body) =
            try_http(&api, &request(&api, &format!("/api/v1/query?query={q}"), "application/json"))?;
        if !status.contains("200") {
            return None;
        }
        let v: Value = serde_json::from_str(&body).ok()?;
        let result = v["data"]["result"].as_array()?.clone();
        (!result.is_empty()).then_some(Value::Array(result))
    };
    let deadline = Instant::now() + Duration::from_secs(60);
    let result = loop {
        if let Some(r) = query("rmon_ether_stats_pkts_total") {
            break r;
        }
        assert!(Instant::now() < deadline, "Prometheus never had rmon_ether_stats_pkts_total");
        sleep(Duration::from_millis(500));
    };
    let series = &result[0];
    assert_eq!(series["metric"]["interface"], "replay");
    assert_eq!(series["metric"]["job"], "rmonprobe");
    let value: u64 = series["value"][1].as_str().unwrap().parse().unwrap();
    assert_eq!(value, report["etherStatsTable"][0]["etherStatsPkts"].as_u64().unwrap());
    // A histogram, through PromQL: the RTT samples of the busiest server.
    let server = report["tcpLatencyServerTable"]
        .as_array()
        .unwrap()
        .iter()
        .max_by_key(|r| r["rttSamples"].as_u64().unwrap())
        .unwrap();
    let q = format!(
        "rmon_tcp_latency_server_rtt_seconds_count%7Bserver_address%3D%22{}%22%2Cserver_port%3D%22{}%22%7D",
        server["serverAddress"].as_str().unwrap(),
        server["serverPort"]
    );
    let count = query(&q).expect("the histogram's count");
    assert_eq!(count[0]["value"][1].as_str().unwrap().parse::<u64>().unwrap(), server["rttSamples"].as_u64().unwrap());

    // The Grafana dashboard in contrib/: every panel's query returns data from this server
    // (its variables at "All", Grafana's rate interval at a minute).
    let dashboard: Value = serde_json::from_str(
        &fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("contrib/grafana/rmonprobe.json")).unwrap(),
    )
    .unwrap();
    let mut exprs = Vec::new();
    for panel in dashboard["panels"].as_array().unwrap() {
        for target in panel["targets"].as_array().unwrap() {
            let expr = target["expr"].as_str().unwrap();
            let expr = expr.replace("$instance", ".*").replace("$interface", ".*").replace("$__rate_interval", "1m");
            exprs.push((panel["title"].as_str().unwrap().to_string(), expr));
        }
    }
    assert!(exprs.len() >= 12, "{} queries", exprs.len());
    let deadline = Instant::now() + Duration::from_secs(60);
    for (title, expr) in &exprs {
        // A rate needs two scrapes in its window: wait for them.
        while query(&url_encoded(expr)).is_none() {
            assert!(Instant::now() < deadline, "dashboard panel {title:?}: no data for {expr}");
            sleep(Duration::from_millis(500));
        }
    }
}

/// `text` for a URL's query string.
fn url_encoded(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}
