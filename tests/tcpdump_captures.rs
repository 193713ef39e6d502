//! The 830 captures of tcpdump's own test suite (`../shared/captures/tcpdump-tests/`), many of
//! them deliberately malformed: none may crash or hang the replay, non-Ethernet ones must be
//! refused cleanly, and each Ethernet one must report as many frames in etherStatsPkts as tshark
//! reads from it (`tcpdump-tests.tsv`, the independent oracle).
//!
//! Each file is replayed three times (as it is; with `--fcs-present`, which sends every frame
//! through the CRC check; and with `--decap auto`, which opens every tunnel packet it can and
//! must lose none: the frames counted on all data sources together, with those of sessions over
//! the limit, are the frames of the file), each time in its own thread with a deadline.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use rmonprobe::config::Config;
use rmonprobe::replay::{ReplayOptions, Speed, replay};

/// Longest a replay of one of these small files may take before it counts as a hang.
const DEADLINE: Duration = Duration::from_secs(20);

fn shared() -> PathBuf {
    match std::env::var_os("RMONPROBE_SHARED") {
        Some(p) => PathBuf::from(p),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared"),
    }
}

/// What a replay of one file gave: the etherStatsPkts of row 1 (with `--decap`, of every row,
/// and the frames over the tunnel limit), or the error text.
type Outcome = Result<u64, String>;

fn replay_one(path: PathBuf, fcs_present: bool, decap: bool) -> Result<Outcome, String> {
    let (tx, rx) = mpsc::channel();
    let shown = path.display().to_string();
    std::thread::spawn(move || {
        let mut config = Config::default();
        if decap {
            config.probe.decap = vec!["auto".into()];
        }
        let options = ReplayOptions { files: vec![path], fcs_present, speed: Speed::Max, config, workers: 1 };
        let outcome = match replay(&options) {
            Ok(r) => {
                let tables = r.tables();
                // Every table must also serialize (the report path).
                let json = serde_json::to_string(&tables).map_err(|e| e.to_string());
                json.and_then(|_| match decap {
                    false => tables
                        .ether_stats
                        .first()
                        .map(|e| e.ether_stats_pkts)
                        .ok_or_else(|| "no etherStats row".to_string()),
                    true => Ok(tables.ether_stats.iter().map(|e| e.ether_stats_pkts).sum::<u64>()
                        + tables.mirror_source.iter().map(|m| m.over_limit).sum::<u64>()),
                })
            }
            Err(e) => Err(e.to_string()),
        };
        let _ = tx.send(outcome);
    });
    match rx.recv_timeout(DEADLINE) {
        Ok(outcome) => Ok(outcome),
        Err(mpsc::RecvTimeoutError::Timeout) => Err(format!("{shown}: no result after {DEADLINE:?} (hang)")),
        // The thread ended without sending: it panicked.
        Err(mpsc::RecvTimeoutError::Disconnected) => Err(format!("{shown}: the replay panicked")),
    }
}

#[test]
fn every_tcpdump_capture_replays_without_crash_or_hang_and_ethernet_counts_match_tshark() {
    let shared = shared();
    let listing = shared.join("captures/tcpdump-tests.tsv");
    let tsv = std::fs::read_to_string(&listing)
        .unwrap_or_else(|e| panic!("{}: {e} (set RMONPROBE_SHARED to the shared folder)", listing.display()));
    let dir = shared.join("captures/tcpdump-tests");

    let mut failures = Vec::new();
    let mut ethernet = 0;
    let mut matched = 0;
    let mut mismatches = Vec::new();
    let mut refused = 0;
    let mut files = 0;
    for line in tsv.lines().skip(1) {
        let mut cols = line.split('\t');
        let (Some(name), Some(encapsulation), Some(count)) = (cols.next(), cols.next(), cols.next()) else {
            continue;
        };
        let Ok(tshark_frames) = count.trim().parse::<u64>() else { continue };
        files += 1;
        let path = dir.join(name);
        let mut outcomes = Vec::new();
        for (fcs_present, decap) in [(false, false), (true, false), (false, true)] {
            match replay_one(path.clone(), fcs_present, decap) {
                Ok(outcome) => outcomes.push(outcome),
                Err(failure) => failures.push(failure),
            }
        }
        let Some(first) = outcomes.first().cloned() else { continue };
        // Checking the FCS changes what frames are, never how many there are.
        if outcomes.get(1).is_some_and(|o| o.is_ok() != first.is_ok() || (first.is_ok() && *o != first)) {
            failures.push(format!("{name}: --fcs-present changed the count: {first:?} vs {:?}", outcomes[1]));
        }
        if outcomes.get(2).is_some_and(|o| *o != first) {
            failures.push(format!("{name}: --decap auto lost or added frames: {first:?} vs {:?}", outcomes[2]));
        }
        if encapsulation == "ether" {
            ethernet += 1;
            match first {
                Ok(pkts) if pkts == tshark_frames => matched += 1,
                other => mismatches.push(format!("{name}: tshark reads {tshark_frames} frames, rmonprobe {other:?}")),
            }
        } else {
            match first {
                Err(e) if e.contains("is not Ethernet") || e.contains("not a pcap") || e.contains("cut short") => {
                    refused += 1
                }
                other => failures.push(format!("{name} ({encapsulation}): expected a clean refusal, got {other:?}")),
            }
        }
    }
    println!("{files} captures: {ethernet} Ethernet, {matched} match tshark's frame count; {refused} others refused");
    for m in &mismatches {
        println!("count differs: {m}");
    }
    assert_eq!(files, 830, "the listing should name 830 captures");
    assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures.join("\n"));
    assert!(matched * 100 >= ethernet * 95, "only {matched} of {ethernet} Ethernet captures match tshark");
}
