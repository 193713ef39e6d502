//! Synthetic captures at scale: the probe's counts against the generator's own tally, and the
//! host and matrix tables under a size limit (least recently used eviction, renumbered creation
//! order, LastDeleteTime).

use std::path::{Path, PathBuf};

use rmonprobe::capture::CaptureFile;
use rmonprobe::config::Config;
use rmonprobe::packet::{Frame, MacAddr};
use rmonprobe::replay::{ReplayOptions, Speed, replay};
use rmonprobe::rmon::RmonTables;
use rmonprobe::synth::{SynthOptions, SynthTally, generate};

fn synthetic(name: &str, options: &SynthOptions) -> (PathBuf, SynthTally) {
    let path = std::env::temp_dir().join(format!("rmonprobe-synth-{}-{name}.pcap", std::process::id()));
    let file = std::fs::File::create(&path).unwrap();
    let tally = generate(std::io::BufWriter::new(file), options).unwrap();
    (path, tally)
}

fn replay_with(path: &Path, config: &str) -> RmonTables {
    let options = ReplayOptions {
        files: vec![path.to_path_buf()],
        fcs_present: false,
        speed: Speed::Max,
        config: Config::parse(config).unwrap(),
    };
    replay(&options).unwrap().tables()
}

#[test]
fn counts_equal_the_generators_tally() {
    let options = SynthOptions { frames: 60_000, stations: 500, pps: 1000, ..SynthOptions::default() };
    let (path, tally) = synthetic("tally", &options);
    let t = replay_with(&path, "");
    let e = &t.ether_stats[0];
    assert_eq!(e.ether_stats_pkts, tally.frames);
    assert_eq!(e.ether_stats_octets, tally.octets);
    assert_eq!(e.ether_stats_broadcast_pkts, tally.broadcast);
    assert_eq!(e.ether_stats_multicast_pkts, tally.multicast);
    assert_eq!(e.ether_stats_pkts_64_octets, tally.frames_64);
    assert_eq!(e.ether_stats_pkts_512_to_1023_octets, tally.frames_576);
    assert_eq!(e.ether_stats_pkts_1024_to_1518_octets, tally.frames_1500);
    // 60 s of traffic: one complete 30 s bucket (the second ends exactly at the last frame's
    // time + one gap, which the replay never reaches).
    let buckets: Vec<_> = t.ether_history.iter().filter(|h| h.ether_history_index == 1).collect();
    assert_eq!(buckets.len(), 1);
    assert_eq!(buckets[0].ether_history_pkts, 30_000);
    // Every station sends and is learned; hosts and pairs agree with each other.
    let out: u64 = t.hosts.iter().map(|h| h.host_out_pkts).sum();
    let inn: u64 = t.hosts.iter().map(|h| h.host_in_pkts).sum();
    assert_eq!((out, inn), (tally.frames, tally.frames));
    let pairs: u64 = t.matrix_sd.iter().map(|m| m.pkts).sum();
    assert_eq!(pairs, tally.frames);
    assert!(t.hosts.len() > 500);
    std::fs::remove_file(path).unwrap();
}

#[test]
fn size_limits_evict_and_renumber() {
    let options = SynthOptions { frames: 20_000, stations: 400, pps: 1000, ..SynthOptions::default() };
    let (path, _) = synthetic("limits", &options);
    let t = replay_with(&path, "[limits]\nhost_table_size = 100\nmatrix_table_size = 250\n");
    assert_eq!(t.hosts.len(), 100);
    assert_eq!(t.host_control[0].host_control_table_size, 100);
    assert!(t.host_control[0].host_control_last_delete_time > 0);
    let mut orders: Vec<u32> = t.host_time.iter().map(|h| h.host_time_creation_order).collect();
    orders.sort();
    assert_eq!(orders, (1..=100).collect::<Vec<_>>(), "creation order is dense after deletions");
    assert_eq!(t.matrix_sd.len(), 250);
    assert_eq!(t.matrix_ds.len(), 250);
    assert!(t.matrix_control[0].matrix_control_last_delete_time > 0);
    // The survivors are the most recently used: every address of the last 30 frames is there.
    let mut file = CaptureFile::open(&path, false).unwrap();
    let mut seq = 0;
    let mut all = Vec::new();
    while !file.finished() {
        let frames = file.read_frames(256, &mut seq, 1);
        all.extend(frames.iter().map(|f| Frame::classify(&f).addresses.unwrap()));
    }
    let kept: Vec<MacAddr> = t.hosts.iter().map(|h| h.host_address).collect();
    for (dst, src) in &all[all.len() - 30..] {
        assert!(kept.contains(src) && kept.contains(dst), "{src} or {dst} was evicted though recently used");
    }
    let t_all = replay_with(&path, "");
    assert!(t_all.hosts.len() > 400);
    std::fs::remove_file(path).unwrap();
}
