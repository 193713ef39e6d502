//! Fuzzes `--decap auto`: any packets through the tunnel parser (`packet::tunnel::open`) and the
//! capture side's sessions (`pipeline::tunnels::Tunnels`), a batch at a time, as a replay or a
//! live capture hands them over, and every frame that comes out through `Frame::classify`.
//!
//! Input: packets, each a 2-octet big-endian length and that many octets (what is left over is
//! one more packet), the first octet of each choosing its FCS state and whether the capture cut
//! it short. Besides not crashing, each batch is checked for:
//!
//! - every frame's bytes inside the batch's, and a mirrored frame at least an Ethernet header
//!   long on the wire and never longer captured than on the wire;
//! - every packet accounted for exactly once: counted on the capture interface (plain, or with
//!   a bad encapsulation), decapsulated onto a session's data source, or over the limit;
//! - sessions made data sources of the probe up to the limit, with ifIndex after the capture
//!   interface, and the same session always the same data source.
//!
//!   scripts/fuzz.sh [SECONDS] decap     (seeds: fuzz/corpus/decap, tunnel packets of each kind)

#![no_main]

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use libfuzzer_sys::fuzz_target;
use rmonprobe::capture::Batch;
use rmonprobe::packet::tunnel::{self, DecapKinds, Opened};
use rmonprobe::packet::{Fcs, Frame};
use rmonprobe::pipeline::control::ControlPlane;
use rmonprobe::pipeline::tunnels::{Registry, Tunnels};
use rmonprobe::rmon::{DataSourceInfo, Limits, Probe, RowRequest, Timestamp};

/// Sessions made data sources at most: small, so that the limit is reached.
const LIMIT: usize = 3;

fuzz_target!(|input: &[u8]| {
    let mut kinds = DecapKinds::default();
    kinds.add("auto").expect("auto");
    kinds.add("vxlan:8472").expect("a port");
    let source = DataSourceInfo {
        if_index: 1,
        name: "fuzz".into(),
        descr: "fuzz".into(),
        if_speed: 1_000_000_000,
        live: false,
        phys_address: Vec::new(),
    };
    let rows = RowRequest::defaults(std::slice::from_ref(&source));
    let probe = Arc::new(Mutex::new(Probe::new(Timestamp(0), vec![source], Limits::default(), &rows).expect("probe")));
    let registry = Registry::new(ControlPlane::new(Arc::clone(&probe), Vec::new()), LIMIT, true);
    let mut tunnels = Tunnels::new(kinds.clone(), registry);

    let mut batch = Batch::default();
    let mut rest = input;
    let mut packets = 0u64;
    let mut expected_plain = 0u64;
    let mut mirrored_sessions = HashMap::new();
    while !rest.is_empty() {
        let (packet, next) = match rest {
            [a, b, tail @ ..] => {
                let len = usize::from(u16::from_be_bytes([*a, *b])).min(tail.len());
                (&tail[..len], &tail[len..])
            }
            _ => (rest, &[][..]),
        };
        rest = next;
        let choice = packet.first().copied().unwrap_or(0);
        let fcs = [Fcs::Stripped, Fcs::Present, Fcs::StrippedBad][usize::from(choice % 3)];
        // Some packets as if the capture kept only part of them.
        let orig_len = packet.len() as u32 + if choice & 0x80 != 0 { u32::from(choice & 0x3f) } else { 0 };
        match tunnel::open(packet, orig_len, fcs, &kinds) {
            Opened::Mirrored(m) => {
                assert!(m.start + m.caplen <= packet.len(), "{m:?} beyond {} octets", packet.len());
                assert!(m.orig_len >= 14 && m.caplen as u32 <= m.orig_len, "{m:?}");
                mirrored_sessions.entry(m.session).or_insert(());
            }
            Opened::Plain | Opened::Bad => expected_plain += 1,
        }
        batch.push(packet, orig_len, Timestamp(packets), fcs, packets, 1);
        packets += 1;
    }
    tunnels.open_batch(&mut batch);
    let mut plain = 0u64;
    let mut by_session = 0u64;
    for raw in batch.iter() {
        let frame = Frame::classify(&raw);
        assert_eq!(frame.if_index, raw.if_index);
        if raw.if_index == 1 {
            plain += 1;
        } else {
            by_session += 1;
            assert!(raw.if_index >= 2 && raw.if_index <= 1 + LIMIT as u32, "ifIndex {}", raw.if_index);
            assert!(raw.orig_len >= 14, "a mirrored frame of {} octets", raw.orig_len);
        }
    }
    let counts: Vec<_> = tunnels.take_counts();
    let (decapsulated, over_limit) =
        counts.iter().fold((0, 0), |(d, o), (_, c)| (d + c.decapsulated, o + c.over_limit));
    assert_eq!(plain, expected_plain, "packets left to the capture interface");
    assert_eq!(by_session, decapsulated, "frames on sessions' data sources");
    assert_eq!(plain + decapsulated + over_limit, packets, "every packet accounted for once");
    let sources = probe.lock().map(|p| p.sources().len()).unwrap_or(0);
    assert_eq!(sources, 1 + mirrored_sessions.len().min(LIMIT), "data sources made");
});
