//! `demo`'s replay in a loop: each round of the capture comes after the last, as if the traffic
//! went on live, so the counters add up round after round and time never goes back.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use rmonprobe::config::Config;
use rmonprobe::replay::{Embedding, ReplayOptions, Speed, replay_embedded};

/// lab-basic: frames, span in ns (first to last frame), and what 02:72:6d:70:00:01 sends
/// (captures/lab-basic.expected.json, from tshark).
const FRAMES: u64 = 2600;
const SPAN_NS: u64 = 100_062_000_000;
const HOST_1_OUT_OCTETS: u64 = 1_066_668;

#[test]
fn a_looped_replay_adds_up_round_after_round() {
    let capture = Path::new(env!("CARGO_MANIFEST_DIR")).join("captures/lab-basic.pcapng");
    let options = ReplayOptions {
        files: vec![capture],
        fcs_present: false,
        speed: Speed::Max,
        config: Config::default(),
        workers: 2,
    };
    let (tap, taps) = crossbeam_channel::bounded(1);
    let stop = Arc::new(AtomicBool::new(false));
    let embedding = Embedding { view: tap, repeat: true, stop: Arc::clone(&stop) };
    let runner = std::thread::spawn(move || replay_embedded(&options, None, embedding));
    let mut probe = taps.recv_timeout(Duration::from_secs(20)).expect("the probe's control plane");
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let now = (probe.clock)();
        let snapshot = probe.control.fresh_snapshot(now);
        if snapshot.tables.ether_stats.first().is_some_and(|e| e.ether_stats_pkts >= 3 * FRAMES) {
            break;
        }
        assert!(Instant::now() < deadline, "three rounds never went by");
        std::thread::sleep(Duration::from_millis(20));
    }
    stop.store(true, Ordering::Relaxed);
    let replayed = runner.join().expect("the replay thread").expect("the replay");
    let tables = replayed.tables();
    let pkts = tables.ether_stats[0].ether_stats_pkts;
    assert_eq!(pkts, replayed.frames, "every frame read was counted");
    let rounds = pkts / FRAMES;
    assert!(rounds >= 3);
    // Round n starts a second after round n-1 ended.
    let span = replayed.end_time().since(replayed.probe.start());
    assert!(span >= (rounds - 1) * (SPAN_NS + 1_000_000_000), "{rounds} rounds in {span} ns");
    let host_1 = tables.hosts.iter().find(|h| h.host_address.to_string() == "02:72:6d:70:00:01").unwrap();
    assert!(host_1.host_out_octets >= rounds * HOST_1_OUT_OCTETS);
    assert!(host_1.host_out_octets < (rounds + 1) * HOST_1_OUT_OCTETS);
    // The 30 s history: one bucket per 30 s of probe time (the newest 50 kept), in order, none
    // with more frames than a round has.
    let buckets: Vec<_> = tables.ether_history.iter().filter(|b| b.ether_history_index == 1).collect();
    let closed = span / 30_000_000_000;
    assert_eq!(buckets.len() as u64, closed.min(50));
    assert_eq!(buckets.last().map(|b| b.ether_history_sample_index), Some(closed));
    assert!(buckets.windows(2).all(|w| w[1].ether_history_sample_index == w[0].ether_history_sample_index + 1));
    assert!(buckets.iter().all(|b| b.ether_history_pkts <= FRAMES));
}
