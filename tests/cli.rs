//! The `rmonprobe` command as a user meets it: exit statuses, one-line errors, warnings for
//! damaged files, the summary and the JSON report.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn rmonprobe(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rmonprobe")).args(args).output().expect("rmonprobe runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn project(path: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path).display().to_string()
}

fn shared_capture(name: &str) -> String {
    let shared = std::env::var_os("RMONPROBE_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared"));
    shared.join("captures/tcpdump-tests").join(name).display().to_string()
}

fn temp(name: &str) -> PathBuf {
    let p = std::env::temp_dir().join(format!("rmonprobe-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_file(&p);
    p
}

fn report(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", text(&out.stderr)))
}

#[test]
fn non_ethernet_capture_is_one_line_and_status_2() {
    let out = rmonprobe(&["replay", &shared_capture("802_15_4-data.pcap"), "--json", "-"]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("link type 195") && err.contains("not Ethernet"), "{err}");
    assert!(out.stdout.is_empty(), "no report for a refused capture");
}

#[test]
fn unreadable_and_foreign_files_are_status_2() {
    let out = rmonprobe(&["replay", "/nonexistent/file.pcap"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("cannot read"), "{}", text(&out.stderr));
    let junk = temp("junk.txt");
    std::fs::write(&junk, "this is not a capture at all").unwrap();
    let out = rmonprobe(&["replay", junk.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("not a pcap or pcapng capture"));
    // One bad file among good ones fails before anything is counted.
    let out = rmonprobe(&["replay", &project("captures/lab-basic.pcapng"), junk.to_str().unwrap(), "--json", "-"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    std::fs::remove_file(junk).unwrap();
}

#[test]
fn truncated_capture_reports_what_it_read_with_a_warning() {
    let whole = std::fs::read(project("captures/lab-basic.pcapng")).unwrap();
    let cut = temp("cut.pcapng");
    std::fs::write(&cut, &whole[..whole.len() / 2]).unwrap();
    {
        let out = rmonprobe(&["replay", cut.to_str().unwrap(), "--json", "-"]);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        let err = text(&out.stderr);
        assert!(err.contains("warning") && err.contains("byte offset") && err.contains("frame"), "{err}");
        let r = report(&out);
        let frames = r["rmonprobe"]["frames"].as_u64().unwrap();
        assert!(frames > 100, "frames before the cut are counted: {frames}");
        assert_eq!(r["etherStatsTable"][0]["etherStatsPkts"].as_u64(), Some(frames));
        assert!(err.contains(&format!("frame {}", frames + 1)), "{err}");
        assert_eq!(r["rmonprobe"]["warnings"].as_array().map(Vec::len), Some(1));
    }
    std::fs::remove_file(cut).unwrap();
}

#[test]
fn summary_names_the_busiest_hosts_and_pairs() {
    let out = rmonprobe(&["replay", &project("captures/lab-basic.pcapng")]);
    assert_eq!(out.status.code(), Some(0));
    let s = text(&out.stdout);
    assert!(s.contains("replayed 1 file"), "{s}");
    assert!(s.contains("busiest hosts by octets"), "{s}");
    assert!(s.contains("busiest conversations by octets"), "{s}");
    // Ten hosts at most.
    let hosts = s.split("busiest hosts").nth(1).unwrap().split("busiest conversations").next().unwrap();
    let listed = hosts
        .lines()
        .filter(|l| l.split_whitespace().next().is_some_and(|w| w.parse::<rmonprobe::packet::MacAddr>().is_ok()));
    assert_eq!(listed.count(), 10);
}

#[test]
fn several_files_are_one_data_source_in_order() {
    let basic = project("captures/lab-basic.pcapng");
    let one = report(&rmonprobe(&["replay", &basic, "--json", "-"]));
    let two = report(&rmonprobe(&["replay", &basic, &basic, "--json", "-"]));
    let pkts = |r: &Value| r["etherStatsTable"][0]["etherStatsPkts"].as_u64().unwrap();
    assert_eq!(pkts(&two), 2 * pkts(&one));
    // The second copy's timestamps go back in time; time does not, so history keeps its buckets.
    assert_eq!(two["etherHistoryTable"].as_array().unwrap().len(), one["etherHistoryTable"].as_array().unwrap().len());
    assert_eq!(two["rmonprobe"]["files"].as_array().unwrap().len(), 2);
    assert_eq!(one["hostTable"].as_array().unwrap().len(), two["hostTable"].as_array().unwrap().len());
}

#[test]
fn timings_say_where_the_replay_went_and_change_nothing() {
    let capture = project("captures/lab-basic.pcapng");
    let started = std::time::Instant::now();
    let timed = rmonprobe(&["replay", &capture, "--workers", "3", "--timings", "--json", "-"]);
    let wall = started.elapsed().as_secs_f64();
    assert!(timed.status.success(), "{}", text(&timed.stderr));
    let stderr = text(&timed.stderr);
    let line = stderr.lines().find(|l| l.starts_with("rmonprobe: timings: ")).unwrap_or_else(|| panic!("{stderr}"));
    let figures: Vec<f64> = line
        .split(|c: char| !(c.is_ascii_digit() || c == '.'))
        .filter(|w| w.contains('.'))
        .map(|w| w.parse().unwrap_or_else(|e| panic!("{w} in {line}: {e}")))
        .collect();
    assert_eq!(figures.len(), 3, "read and counted, merged, written: {line}");
    assert!(figures.iter().sum::<f64>() <= wall, "{line}: more than the {wall} s the command took");
    assert!(line.contains("(3 workers)"), "{line}");
    let plain = report(&rmonprobe(&["replay", &capture, "--workers", "3", "--json", "-"]));
    let timed = report(&timed);
    for table in ["etherStatsTable", "hostTable", "matrixSDTable", "nlHostTable", "alHostTable", "alMatrixSDTable"] {
        assert!(plain[table].as_array().is_some_and(|rows| !rows.is_empty()), "{table} has rows");
        assert_eq!(timed[table], plain[table], "{table}");
    }
}

#[test]
fn json_report_shape() {
    let r = report(&rmonprobe(&["replay", &project("captures/lab-vlan.pcapng"), "--json", "-"]));
    for table in [
        "etherStatsTable",
        "historyControlTable",
        "etherHistoryTable",
        "hostControlTable",
        "hostTable",
        "hostTimeTable",
        "hostTopNControlTable",
        "hostTopNTable",
        "matrixControlTable",
        "matrixSDTable",
        "matrixDSTable",
    ] {
        assert!(r[table].is_array(), "{table} missing");
    }
    assert_eq!(r["etherStatsTable"][0]["etherStatsDataSource"], "1.3.6.1.2.1.2.2.1.1.1");
    assert_eq!(r["historyControlTable"][1]["historyControlInterval"], 1800);
    let host = &r["hostTable"][0];
    assert!(host["hostAddress"].as_str().unwrap().len() == 17);
    assert_eq!(r["hostTable"].as_array().unwrap().len(), r["hostTimeTable"].as_array().unwrap().len());
    assert_eq!(r["matrixSDTable"].as_array().unwrap().len(), r["matrixDSTable"].as_array().unwrap().len());
    assert_eq!(
        r["hostControlTable"][0]["hostControlTableSize"].as_u64().unwrap() as usize,
        r["hostTable"].as_array().unwrap().len()
    );
}

#[test]
fn config_rows_and_errors() {
    let config = temp("config.toml");
    std::fs::write(
        &config,
        "[probe]\nif_speed = 10000000\n\n[[historyControl]]\nhistoryControlIndex = 3\nhistoryControlInterval = 10\n\
         historyControlBucketsRequested = 5\n\n[[hostTopNControl]]\nhostTopNControlIndex = 1\nhostTopNTimeRemaining = 20\n\
         hostTopNRequestedSize = 3\n",
    )
    .unwrap();
    let r = report(&rmonprobe(&[
        "replay",
        &project("captures/lab-basic.pcapng"),
        "--config",
        config.to_str().unwrap(),
        "--json",
        "-",
    ]));
    let history3: Vec<&Value> =
        r["etherHistoryTable"].as_array().unwrap().iter().filter(|h| h["etherHistoryIndex"] == 3).collect();
    assert_eq!(history3.len(), 5, "the granted 5 buckets of the 10-second history");
    assert!(
        history3.windows(2).all(|w| w[0]["etherHistorySampleIndex"].as_u64().unwrap() + 1
            == w[1]["etherHistorySampleIndex"].as_u64().unwrap())
    );
    let top = r["hostTopNTable"].as_array().unwrap();
    assert_eq!(top.len(), 3, "a 20-second report of 3 hosts");
    assert!(top.windows(2).all(|w| w[0]["hostTopNRate"].as_u64() >= w[1]["hostTopNRate"].as_u64()));
    assert_eq!(r["hostTopNControlTable"][0]["hostTopNTimeRemaining"], 0);

    std::fs::write(&config, "[[historyControl]]\nhistoryControlIndex = 3\nhistoryControlInterval = 4000\n").unwrap();
    let out = rmonprobe(&["replay", &project("captures/lab-basic.pcapng"), "--config", config.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("historyControlInterval = 4000"), "{}", text(&out.stderr));
    std::fs::write(&config, "[[hostControl]]\nhostControlIdx = 3\n").unwrap();
    let out = rmonprobe(&["replay", &project("captures/lab-basic.pcapng"), "--config", config.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("hostControlIdx"), "{}", text(&out.stderr));
    std::fs::remove_file(config).unwrap();
}

#[test]
fn paced_replay_takes_the_capture_time() {
    let capture = temp("paced.pcap");
    let out = rmonprobe(&["generate", "--out", capture.to_str().unwrap(), "--frames", "300", "--pps", "1000"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    // 300 frames at 1000 per second span 0.299 s; at 1x the replay cannot be faster.
    let started = std::time::Instant::now();
    let out = rmonprobe(&["replay", capture.to_str().unwrap(), "--speed", "1x", "--json", "-"]);
    let took = started.elapsed();
    assert_eq!(out.status.code(), Some(0));
    assert!(took.as_secs_f64() >= 0.29, "took {took:?}");
    assert_eq!(report(&out)["etherStatsTable"][0]["etherStatsPkts"], 300);
    let out = rmonprobe(&["replay", capture.to_str().unwrap(), "--speed", "fast"]);
    assert_eq!(out.status.code(), Some(2));
    std::fs::remove_file(capture).unwrap();
}
