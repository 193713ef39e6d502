//! Golden captures: real traffic recorded in the project's namespace lab (`scripts/lab.sh`), each
//! with the report that `scripts/expected_from_tshark.py` derives from tshark's dissection of the
//! same file. The replay must agree with every row and every column of the expectation.
//! (`scripts/golden-check.sh` re-derives the expectations from tshark, so they cannot go stale.)

use std::path::{Path, PathBuf};

use rmonprobe::config::Config;
use rmonprobe::replay::{ReplayOptions, Speed, replay};
use serde_json::Value;

mod support;
use support::compare::differences;

/// Replays `capture` on `workers` workers with the ifSpeed the expectation was derived for and
/// compares.
fn check(capture: &Path, expected_path: &Path, if_speed: Option<u64>, workers: usize) -> usize {
    let expected: Value = serde_json::from_str(&std::fs::read_to_string(expected_path).expect("expectation"))
        .expect("expectation is JSON");
    let config = match if_speed {
        Some(bits) => Config::parse(&format!("[probe]\nif_speed = {bits}\n")).expect("config"),
        None => Config::default(),
    };
    let options =
        ReplayOptions { files: vec![capture.to_path_buf()], fcs_present: false, speed: Speed::Max, config, workers };
    let result = replay(&options).expect("replay");
    assert!(result.warnings().is_empty(), "{:?}", result.warnings());
    let actual = serde_json::to_value(result.tables()).expect("report");
    let diffs = differences(&expected, &actual);
    let name = expected_path.display();
    assert!(diffs.is_empty(), "{name} ({workers} workers): {} differences:\n{}", diffs.len(), diffs.join("\n"));
    expected.as_object().map_or(0, |t| t.values().map(|r| r.as_array().map_or(0, Vec::len)).sum())
}

/// Every golden capture with its expectations: `NAME.expected.json` at the default ifSpeed,
/// `NAME.if-speed-BITS.expected.json` at another, and `NAME.rmon2.expected.json` (RMON2's
/// network layer, from `scripts/expected_rmon2_from_tshark.py`).
fn expectations() -> Vec<(PathBuf, PathBuf, Option<u64>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("captures");
    let mut found = Vec::new();
    let names: Vec<String> =
        std::fs::read_dir(&dir).expect("captures/").filter_map(|e| e.ok()?.file_name().into_string().ok()).collect();
    for name in &names {
        let Some(stem) = name.strip_suffix(".expected.json") else { continue };
        let stem = stem.strip_suffix(".rmon2").unwrap_or(stem);
        let (capture_stem, if_speed) = match stem.split_once(".if-speed-") {
            Some((s, bits)) => (s, Some(bits.parse::<u64>().expect("ifSpeed in the file name"))),
            None => (stem, None),
        };
        let capture = dir.join(format!("{capture_stem}.pcapng"));
        assert!(capture.exists(), "{name} has no capture {}", capture.display());
        found.push((capture, dir.join(name), if_speed));
    }
    found.sort();
    found
}

#[test]
fn lab_captures_match_their_tshark_expectations() {
    let expectations = expectations();
    assert!(expectations.len() >= 7, "the golden captures are missing from captures/");
    for (capture, expected, if_speed) in &expectations {
        // One worker, and frames spread over three (merged on read, they must agree the same).
        for workers in [1, 3] {
            let rows = check(capture, expected, *if_speed, workers);
            println!("{} ({workers} workers): {rows} rows agree", expected.display());
        }
    }
}

#[test]
fn the_basic_capture_spans_several_history_buckets() {
    let capture = Path::new(env!("CARGO_MANIFEST_DIR")).join("captures/lab-basic.pcapng");
    let expected: Value =
        serde_json::from_str(&std::fs::read_to_string(capture.with_extension("expected.json")).unwrap()).unwrap();
    let buckets = expected["etherHistoryTable"].as_array().map_or(0, Vec::len);
    assert!(buckets >= 3, "lab-basic should hold at least 3 complete 30-second buckets, has {buckets}");
}

#[test]
fn a_changed_count_is_caught() {
    // The comparison itself must be able to fail.
    let capture = Path::new(env!("CARGO_MANIFEST_DIR")).join("captures/lab-basic.pcapng");
    let mut expected: Value =
        serde_json::from_str(&std::fs::read_to_string(capture.with_extension("expected.json")).unwrap()).unwrap();
    let options = ReplayOptions {
        files: vec![capture],
        fcs_present: false,
        speed: Speed::Max,
        config: Config::default(),
        workers: 1,
    };
    let actual = serde_json::to_value(replay(&options).unwrap().tables()).unwrap();
    assert!(differences(&expected, &actual).is_empty());
    expected["hostTable"][0]["hostInPkts"] = Value::from(1_000_000);
    expected["etherHistoryTable"].as_array_mut().unwrap().pop();
    let diffs = differences(&expected, &actual);
    assert_eq!(diffs.len(), 2, "{diffs:?}");
}
