//! Frame classification: the per-frame cost before any table is touched.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use rmonprobe::packet::{Fcs, Frame, RawFrame, append_fcs};
use rmonprobe::rmon::Timestamp;

fn frame(ether_types: &[u16], len: usize) -> Vec<u8> {
    let mut f = vec![0x02, 0, 0, 0, 0, 2, 0x02, 0, 0, 0, 0, 1];
    for (i, et) in ether_types.iter().enumerate() {
        f.extend_from_slice(&et.to_be_bytes());
        if i + 1 < ether_types.len() {
            f.extend_from_slice(&[0, 10]);
        }
    }
    f.resize(len, 0);
    f
}

fn classify(c: &mut Criterion) {
    let untagged = frame(&[0x0800], 60);
    let qinq = frame(&[0x88a8, 0x8100, 0x0800], 1518);
    let mut with_fcs = frame(&[0x0800], 1514);
    append_fcs(&mut with_fcs);
    let mut group = c.benchmark_group("classify");
    group.throughput(Throughput::Elements(1));
    for (name, data, fcs) in [
        ("untagged_64", &untagged, Fcs::Stripped),
        ("qinq_1526", &qinq, Fcs::Stripped),
        ("fcs_checked_1518", &with_fcs, Fcs::Present),
    ] {
        let raw = RawFrame { data, orig_len: data.len() as u32, fcs, time: Timestamp(0), seq: 0, if_index: 1 };
        group.bench_function(name, |b| b.iter(|| Frame::classify(black_box(&raw))));
    }
    group.finish();
}

criterion_group!(benches, classify);
criterion_main!(benches);
