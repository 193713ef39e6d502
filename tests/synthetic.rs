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
    replay_on(path, config, 1)
}

fn replay_on(path: &Path, config: &str, workers: usize) -> RmonTables {
    let options = ReplayOptions {
        files: vec![path.to_path_buf()],
        fcs_present: false,
        speed: Speed::Max,
        config: Config::parse(config).unwrap(),
        workers,
    };
    replay(&options).unwrap().tables()
}

/// Several workers give exactly the tables one worker gives, every table and column (hosts
/// merged across workers keep their true creation order), while no table is full.
#[test]
fn several_workers_count_what_one_worker_counts() {
    let options = SynthOptions { frames: 120_000, stations: 800, pps: 1000, ..SynthOptions::default() };
    let (path, _) = synthetic("workers", &options);
    let top_n = "[[hostTopNControl]]\nhostTopNControlIndex = 1\nhostTopNHostIndex = 1\nhostTopNTimeRemaining = 60\nhostTopNRequestedSize = 20\n";
    let one = replay_on(&path, top_n, 1);
    let sizes = (one.hosts.len(), one.matrix_sd.len(), one.ether_history.len());
    assert!(sizes.0 > 800 && sizes.1 > 3000 && sizes.2 >= 3, "{sizes:?}");
    assert_eq!(one.host_top_n.len(), 20);
    for workers in [2, 3, 4] {
        let several = replay_on(&path, top_n, workers);
        assert_same_tables(&one, &several, workers);
    }
    std::fs::remove_file(&path).unwrap();
}

/// Fails naming the tables that differ, and the first row of each.
fn assert_same_tables(one: &RmonTables, several: &RmonTables, workers: usize) {
    if several == one {
        return;
    }
    let (a, b) = (serde_json::to_value(one).unwrap(), serde_json::to_value(several).unwrap());
    let differ: Vec<String> = a
        .as_object()
        .unwrap()
        .iter()
        .filter(|(k, v)| b.get(k.as_str()) != Some(v))
        .map(|(k, v)| {
            let rows = v.as_array().cloned().unwrap_or_default();
            let other = b[k.as_str()].as_array().cloned().unwrap_or_default();
            let first = rows.iter().zip(&other).find(|(x, y)| x != y);
            format!("{k} ({} rows, {} rows): {first:?}", rows.len(), other.len())
        })
        .collect();
    assert_eq!(several.scalars, one.scalars, "{workers} workers: RMON2's scalars");
    panic!("{workers} workers differ from one: {differ:#?}");
}

/// A SPAN port behind a router: every frame between the same two MAC addresses, thousands of
/// IP conversations inside. The workers share the conversations (spread by IP pair, not MAC
/// pair) and count what one worker counts, the one MAC conversation summed across them.
#[test]
fn a_routed_links_conversations_spread_over_workers_and_count_the_same() {
    use rmonprobe::pipeline::dispatch::Dispatch;
    use rmonprobe::pipeline::hand_off;

    let options = SynthOptions { frames: 60_000, stations: 600, pps: 1000, routed: true, ..SynthOptions::default() };
    let (path, _) = synthetic("routed", &options);
    let (senders, _receivers): (Vec<_>, Vec<_>) = (0..3).map(|_| hand_off(1)).unzip();
    let dispatch = Dispatch::new(senders);
    let mut per_worker = [0u64; 3];
    let mut file = CaptureFile::open(&path, false).unwrap();
    let mut seq = 0;
    while !file.finished() {
        for f in file.read_frames(256, &mut seq, 1).iter() {
            per_worker[dispatch.worker_of(f.data)] += 1;
        }
    }
    let total: u64 = per_worker.iter().sum();
    assert!(per_worker.iter().all(|&n| n > total / 5), "one MAC pair, yet spread: {per_worker:?}");
    let one = replay_on(&path, "", 1);
    // Router and firewall both ways, and the router to the broadcast and multicast groups.
    assert_eq!(one.matrix_sd.iter().filter(|m| m.dest_address.0[0] & 1 == 0).count(), 2, "one MAC pair");
    assert!(one.nl_matrix_sd.len() > 1000, "{} IP conversations", one.nl_matrix_sd.len());
    let three = replay_on(&path, "", 3);
    assert_same_tables(&one, &three, 3);
    std::fs::remove_file(&path).unwrap();
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
    // RMON2: every frame but the ARP broadcasts is IP, a share of it IPv6; the IP hosts' Out
    // packets add up to the IP frames, and the protocol distribution agrees.
    let dist = |local: u32| t.protocol_dist_stats.iter().find(|r| r.protocol_dir_local_index == local);
    let (ipv4, ipv6) = (dist(3).unwrap().protocol_dist_stats_pkts, dist(4).unwrap().protocol_dist_stats_pkts);
    assert_eq!(dist(5).unwrap().protocol_dist_stats_pkts, tally.broadcast, "ether2.arp");
    assert_eq!(ipv4 + ipv6 + tally.broadcast, tally.frames);
    assert!(ipv6 > tally.frames / 20, "IPv6 frames: {ipv6}");
    let out_by = |v6: bool| -> u64 {
        t.nl_host.iter().filter(|h| h.nl_host_address.is_v6() == v6).map(|h| h.nl_host_out_pkts).sum()
    };
    assert_eq!((out_by(false), out_by(true)), (ipv4, ipv6));
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

/// A conversation that falls quiet early, on a worker of its own: its shard's clock stops at its
/// last frame, and the replay's end must still close the same buckets and reports there.
#[test]
fn a_worker_whose_traffic_stops_early_closes_its_buckets_at_the_end() {
    use rmonprobe::capture::writer::PcapWriter;
    use rmonprobe::pipeline::dispatch::Dispatch;
    use rmonprobe::pipeline::hand_off;
    use rmonprobe::rmon::Timestamp;

    let frame = |dst: u8, src: u8| {
        let mut f = vec![2, 0, 0, 0, 0, dst, 2, 0, 0, 0, 0, src, 0x08, 0x00];
        f.resize(100, 0);
        f
    };
    // Two pairs that two workers split between them.
    let (senders, _receivers): (Vec<_>, Vec<_>) = (0..2).map(|_| hand_off(1)).unzip();
    let dispatch = Dispatch::new(senders);
    let quiet = (1..40u8).find(|&b| dispatch.worker_of(&frame(1, b)) != dispatch.worker_of(&frame(100, 101)));
    let quiet = quiet.expect("some pair lands on the other worker");
    let path = std::env::temp_dir().join(format!("rmonprobe-quiet-{}.pcap", std::process::id()));
    let mut w = PcapWriter::create(&path, false, false).unwrap();
    for s in 0..200u64 {
        // The quiet pair talks for the first 10 s only; the busy one for 200 s.
        if s < 10 {
            w.write(Timestamp(s * 1_000_000_000), &frame(1, quiet), 100).unwrap();
        }
        w.write(Timestamp(s * 1_000_000_000 + 500_000_000), &frame(100, 101), 100).unwrap();
    }
    w.finish().unwrap();
    let top_n = "[[hostTopNControl]]\nhostTopNControlIndex = 1\nhostTopNHostIndex = 1\nhostTopNTimeRemaining = 100\nhostTopNRequestedSize = 5\n";
    let one = replay_on(&path, top_n, 1);
    let two = replay_on(&path, top_n, 2);
    assert_eq!(one.ether_history.len(), 6, "six complete 30 s buckets");
    assert_eq!(one.host_top_n.len(), 2, "the two senders, ranked by octets sent");
    assert!(two == one, "two workers differ from one:\n{:?}\n{:?}", two.ether_history, one.ether_history);
    std::fs::remove_file(&path).unwrap();
}
