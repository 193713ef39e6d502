use std::sync::Mutex;

use super::*;
use crate::packet::Fcs;
use crate::rmon::{Limits, Probe, RowRequest};

const MS: u64 = 1_000_000;

fn switch(ns: u64) -> SwitchTime {
    SwitchTime { ns: ns % (100 << 32), period_ns: 100 << 32 }
}

#[test]
fn the_switch_clock_gives_each_frame_its_time_at_the_mirror() {
    let mut tie = None;
    // The switch's clock is far from the probe's; the first frame ties the two.
    let base = 7_000 * MS;
    assert_eq!(mirror_time(&mut tie, Timestamp(1_000 * MS), switch(base)), Timestamp(1_000 * MS));
    // Delayed 250 ms in transit: counted when the switch saw it.
    assert_eq!(mirror_time(&mut tie, Timestamp(1_350 * MS), switch(base + 100 * MS)), Timestamp(1_100 * MS));
    // A frame that came faster than the first: the tie moves to it.
    assert_eq!(mirror_time(&mut tie, Timestamp(1_400 * MS), switch(base + 450 * MS)), Timestamp(1_400 * MS));
    assert_eq!(mirror_time(&mut tie, Timestamp(1_500 * MS), switch(base + 460 * MS)), Timestamp(1_410 * MS));
    // Across the wrap of the 32-bit field (100 ns units: every 429 s).
    let period = 100u64 << 32;
    let mut tie = Some(Tie { capture_ns: 0, switch_ns: period - 10 * MS });
    assert_eq!(mirror_time(&mut tie, Timestamp(30 * MS), switch(period + 5 * MS)), Timestamp(15 * MS));
    // Ten minutes on, past the wrap, still by the switch's clock.
    let later = 600_000 * MS;
    assert_eq!(mirror_time(&mut tie, Timestamp(later + 20 * MS), switch(later + period - 10 * MS)), Timestamp(later));
    // A clock that stepped (more than a second apart): tied anew at the capture's time.
    assert_eq!(mirror_time(&mut tie, Timestamp(later + 3_000 * MS), switch(later)), Timestamp(later + 3_000 * MS));
}

fn vxlan_packet(vni: u8, sender: u8, inner_dst: u8) -> Vec<u8> {
    let mut inner = vec![2, 0, 0, 0, 0, inner_dst, 2, 0, 0, 0, 0, 0x0b, 0x08, 0x00];
    inner.resize(60, 0);
    vxlan_around(vni, sender, &inner)
}

/// `inner` in a VXLAN packet of VNI `vni` from 192.0.2.`sender`.
fn vxlan_around(vni: u8, sender: u8, inner: &[u8]) -> Vec<u8> {
    let mut p = vec![2, 0, 0, 0, 0x0e, 2, 2, 0, 0, 0, 0x0e, 1, 0x08, 0x00];
    let total = (20 + 8 + 8 + inner.len()) as u16;
    p.extend_from_slice(&[0x45, 0]);
    p.extend_from_slice(&total.to_be_bytes());
    p.extend_from_slice(&[0, 0, 0, 0, 64, 17, 0, 0, 192, 0, 2, sender, 192, 0, 2, 254]);
    p.extend_from_slice(&[0xc0, 0, 0x12, 0xb5]);
    p.extend_from_slice(&((8 + 8 + inner.len()) as u16).to_be_bytes());
    p.extend_from_slice(&[0, 0, 0x08, 0, 0, 0, 0, 0, vni, 0]);
    p.extend_from_slice(inner);
    p
}

fn probe() -> Arc<Mutex<Probe>> {
    let source = DataSourceInfo {
        if_index: 1,
        name: "eth0".into(),
        descr: "eth0".into(),
        if_speed: 10_000_000_000,
        live: true,
        phys_address: Vec::new(),
    };
    let rows = RowRequest::defaults(std::slice::from_ref(&source));
    Arc::new(Mutex::new(Probe::new(Timestamp(0), vec![source], Limits::default(), &rows).unwrap()))
}

#[test]
fn sessions_become_data_sources_up_to_the_limit() {
    let probe = probe();
    let registry = Registry::new(ControlPlane::new(Arc::clone(&probe), Vec::new()), 2, true);
    let mut kinds = DecapKinds::default();
    kinds.add("vxlan").unwrap();
    let mut tunnels = Tunnels::new(kinds.clone(), Arc::clone(&registry));
    let mut batch = Batch::default();
    let packets =
        [vxlan_packet(100, 1, 0x0a), vxlan_packet(100, 2, 0x0a), vxlan_packet(100, 1, 0x0c), vxlan_packet(7, 1, 0x0a)];
    for (i, p) in packets.iter().enumerate() {
        batch.push(p, p.len() as u32, Timestamp(i as u64), Fcs::Stripped, i as u64, 1);
    }
    // Not a tunnel packet: left as it is.
    batch.push(&[0xff; 60], 60, Timestamp(9), Fcs::Stripped, 9, 1);
    tunnels.open_batch(&mut batch);
    let frames: Vec<(u32, u32, u8)> = batch.iter().map(|f| (f.if_index, f.orig_len, f.data[5])).collect();
    // The third session is over the limit of two: its frame is dropped.
    assert_eq!(frames, vec![(2, 60, 0x0a), (3, 60, 0x0a), (2, 60, 0x0c), (1, 60, 0xff)]);
    assert_eq!(
        tunnels.take_counts(),
        vec![(1, MirrorCounts { decapsulated: 3, over_limit: 1, ..MirrorCounts::default() })]
    );
    let p = probe.lock().unwrap();
    let sources: Vec<(u32, &str, &str, u64)> =
        p.sources().iter().map(|s| (s.if_index, s.name.as_str(), s.descr.as_str(), s.if_speed)).collect();
    assert_eq!(
        sources,
        vec![
            (1, "eth0", "eth0", 10_000_000_000),
            (2, "vxlan100", "vxlan vni 100 from 192.0.2.1", 10_000_000_000),
            (3, "vxlan100", "vxlan vni 100 from 192.0.2.2", 10_000_000_000)
        ]
    );
    // Each with the default rows, numbered by its ifIndex.
    let tables = p.tables(Timestamp(10), &[]);
    let ether_stats: Vec<(u16, u32)> =
        tables.ether_stats.iter().map(|e| (e.ether_stats_index, e.ether_stats_data_source.if_index())).collect();
    assert_eq!(ether_stats, vec![(1, 1), (2, 2), (3, 3)]);
    // A state file keeps the rows of the interface the probe started with, not the sessions'.
    assert!(p.persistent_rows().iter().all(|r| r.data_source().is_none_or(|s| s.if_index() == 1)));
    assert!(p.persistent_rows().iter().any(|r| r.data_source().is_some()));
    drop(p);
    // Another capture thread finds the same sessions where the first made them.
    let mut other = Tunnels::new(kinds, registry);
    let p = vxlan_packet(100, 2, 0x0d);
    let raw =
        RawFrame { data: &p, orig_len: p.len() as u32, fcs: Fcs::Stripped, time: Timestamp(20), seq: 0, if_index: 1 };
    assert_eq!(other.open(raw).map(|f| f.if_index), Some(3));
    assert_eq!(probe.lock().unwrap().sources().len(), 3);
}

/// An ERSPAN II packet (GRE with a sequence number, header with En = 2: "originally 802.1Q
/// encapsulated", COS 5, VLAN 30) carrying a 60-octet frame.
fn erspan2_stripped_packet() -> (Vec<u8>, Vec<u8>) {
    let mut inner = vec![2, 0, 0, 0, 0, 0x0a, 2, 0, 0, 0, 0, 0x0b, 0x08, 0x00];
    inner.resize(60, 0x11);
    let mut p = vec![2, 0, 0, 0, 0x0e, 2, 2, 0, 0, 0, 0x0e, 1, 0x08, 0x00];
    let total = (20 + 8 + 8 + inner.len()) as u16;
    p.extend_from_slice(&[0x45, 0]);
    p.extend_from_slice(&total.to_be_bytes());
    p.extend_from_slice(&[0, 0, 0, 0, 64, 47, 0, 0, 192, 0, 2, 1, 192, 0, 2, 254]);
    p.extend_from_slice(&[0x10, 0, 0x88, 0xbe, 0, 0, 0, 1]);
    p.extend_from_slice(&(0x1000u16 | 30).to_be_bytes());
    p.extend_from_slice(&((5u16 << 13) | (2 << 11) | 7).to_be_bytes());
    p.extend_from_slice(&[0, 0, 0, 0]);
    p.extend_from_slice(&inner);
    (p, inner)
}

#[test]
fn erspan_puts_back_the_tag_the_switch_took_off() {
    let (packet, inner) = erspan2_stripped_packet();
    let mut tagged = inner[..12].to_vec();
    tagged.extend_from_slice(&[0x81, 0x00, 0xa0, 30]);
    tagged.extend_from_slice(&inner[12..]);
    let mut kinds = DecapKinds::default();
    kinds.add("erspan").unwrap();
    let registry = Registry::new(ControlPlane::new(probe(), Vec::new()), 4, true);
    let mut tunnels = Tunnels::new(kinds, registry);
    // Frame by frame, and a batch at a time.
    let raw = RawFrame {
        data: &packet,
        orig_len: packet.len() as u32,
        fcs: Fcs::Stripped,
        time: Timestamp(5),
        seq: 3,
        if_index: 1,
    };
    let opened = tunnels.open(raw).expect("opened");
    assert_eq!((opened.data, opened.orig_len, opened.if_index, opened.seq), (&tagged[..], 64, 2, 3));
    let mut batch = Batch::default();
    batch.push(&packet, packet.len() as u32, Timestamp(6), Fcs::Stripped, 4, 1);
    batch.push(&packet, packet.len() as u32, Timestamp(7), Fcs::Stripped, 5, 1);
    tunnels.open_batch(&mut batch);
    let frames: Vec<(Vec<u8>, u32, u32)> = batch.iter().map(|f| (f.data.to_vec(), f.orig_len, f.if_index)).collect();
    assert_eq!(frames, vec![(tagged.clone(), 64, 2), (tagged, 64, 2)]);
    // Classified, the tag makes the frame 68 octets on the wire, 64 for the size buckets.
    let frame = crate::packet::Frame::classify(&batch.iter().next().unwrap());
    assert_eq!((frame.wire_len, frame.size_len, frame.vlan_tags), (68, 64, 1));
}

#[test]
fn ever_new_sessions_over_the_limit_do_not_grow_memory() {
    let registry = Registry::new(ControlPlane::new(probe(), Vec::new()), 1, true);
    let mut kinds = DecapKinds::default();
    kinds.add("vxlan").unwrap();
    let mut tunnels = Tunnels::new(kinds, Arc::clone(&registry));
    let mut batch = Batch::default();
    for n in 0..6_000u32 {
        // A VNI per packet (the VXLAN header's VNI is octets 4..7 of its 8).
        let mut p = vxlan_packet(1, 1, 0x0a);
        p[46..49].copy_from_slice(&n.to_be_bytes()[1..]);
        batch.push(&p, p.len() as u32, Timestamp(u64::from(n)), Fcs::Stripped, u64::from(n), 1);
    }
    tunnels.open_batch(&mut batch);
    assert_eq!(batch.len(), 1, "only the first session is a data source");
    let counts = tunnels.take_counts();
    assert_eq!((counts[0].1.decapsulated, counts[0].1.over_limit), (1, 5_999));
    let kept = registry.state.lock().unwrap().sessions.len();
    assert_eq!(kept, 1 + MAX_REFUSED_KEPT);
}

/// A mirrored frame that is itself a tunnel packet (a VTEP's traffic mirrored to the probe) is
/// opened once, whether the batch goes to one worker or is spread over several: the inner VXLAN
/// packet counts as a frame of the outer session, as one worker counts it.
#[test]
fn a_batch_spread_over_workers_is_opened_once() {
    use crate::pipeline::dispatch::Dispatch;
    use crate::pipeline::hand_off;
    let nested = vxlan_around(100, 1, &vxlan_packet(200, 9, 0x0a));
    let plain = vxlan_packet(100, 1, 0x0c);
    let received = |workers: usize| {
        let mut kinds = DecapKinds::default();
        kinds.add("vxlan").unwrap();
        let registry = Registry::new(ControlPlane::new(probe(), Vec::new()), 4, true);
        let (senders, receivers): (Vec<_>, Vec<_>) = (0..workers).map(|_| hand_off(16)).unzip();
        let mut d = Dispatch::new(senders).with_tunnels(Some(Tunnels::new(kinds, registry)));
        let mut batch = Batch::default();
        for (i, p) in [&nested, &plain, &nested].into_iter().enumerate() {
            batch.push(p, p.len() as u32, Timestamp(i as u64), Fcs::Stripped, i as u64, 1);
        }
        assert!(d.push_batch(&mut batch) && d.flush());
        drop(d);
        let mut frames: Vec<(u64, u32, usize)> = Vec::new();
        let mut mirror = MirrorCounts::default();
        for rx in &receivers {
            while let Some(b) = rx.recv() {
                frames.extend(b.iter().map(|f| (f.seq, f.if_index, f.data.len())));
                for (_, counts) in &b.mirror {
                    mirror = mirror.plus(counts);
                }
            }
        }
        frames.sort_unstable();
        (frames, mirror)
    };
    let (one, one_counts) = received(1);
    assert_eq!(one.iter().map(|f| f.1).collect::<Vec<_>>(), vec![2, 2, 2], "all on the outer session");
    assert_eq!(one_counts.decapsulated, 3);
    assert_eq!(received(2), (one, one_counts));
}
