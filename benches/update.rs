//! The per-frame update of every group (etherStats, two histories, hosts, matrix) on IMIX
//! traffic among 5,000 stations, frames already classified: the shard's share of a frame's cost.

mod common;

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use rmonprobe::packet::Frame;
use rmonprobe::rmon::Shard;
use rmonprobe::synth::SynthOptions;

/// Frames per measured batch.
const FRAMES: u64 = 200_000;

fn frames() -> Vec<Frame> {
    common::synthetic_frames(&SynthOptions { frames: FRAMES, ..SynthOptions::default() })
}

fn update(c: &mut Criterion) {
    let frames = frames();
    let probe = common::default_probe(frames[0].time);
    let fresh = || {
        let mut shard = Shard::new(1, probe.start());
        for command in probe.shard_setup() {
            shard.apply(&command);
        }
        shard
    };
    // A shard that has seen the traffic once: the steady state, tables full grown.
    let mut warm = fresh();
    for batch in frames.chunks(256) {
        warm.count_batch(batch, std::iter::empty());
    }
    let mut group = c.benchmark_group("update");
    group.throughput(Throughput::Elements(FRAMES));
    group.sample_size(20);
    group.bench_function("all_groups_imix_5000_stations", |b| {
        b.iter_batched_ref(
            || warm.clone(),
            |shard| {
                for batch in frames.chunks(256) {
                    shard.count_batch(batch, std::iter::empty());
                }
            },
            BatchSize::LargeInput,
        )
    });
    group.bench_function("all_groups_imix_5000_stations_cold_tables", |b| {
        b.iter_batched_ref(
            fresh,
            |shard| {
                for batch in frames.chunks(256) {
                    shard.count_batch(batch, std::iter::empty());
                }
            },
            BatchSize::LargeInput,
        )
    });
    group.finish();
}

criterion_group!(benches, update);
criterion_main!(benches);
