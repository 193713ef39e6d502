//! Starting the counting side, the same for a replay and a live run: the probe with one shard
//! per worker and the worker threads (the SNMP agent's thread is `snmp/serve.rs`'s).

use std::thread::JoinHandle;

use crossbeam_channel::Receiver;

use crate::pipeline::control::{self, ProbeClock, WorkerRequest};
use crate::pipeline::{BatchReceiver, Next, Worker};
use crate::rmon::{DataSourceInfo, Limits, Probe, RowRequest, Shard, Timestamp};

/// Why the pipeline could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("configuration: {0}")]
    Config(String),
    #[error("internal error: {0}")]
    Internal(String),
}

/// The probe, started at `start`, and `workers` shards set up to count for its rows.
pub fn start_probe(
    start: Timestamp,
    sources: &[DataSourceInfo],
    limits: Limits,
    rows: &[RowRequest],
    workers: usize,
) -> Result<(Probe, Vec<Shard>), StartError> {
    let probe = Probe::new(start, sources.to_vec(), limits, rows).map_err(|e| StartError::Config(e.to_string()))?;
    let shards = (0..workers)
        .map(|_| {
            let mut shard = Shard::new(sources.len() as u32, start);
            for command in probe.shard_setup() {
                shard.apply(&command);
            }
            shard
        })
        .collect();
    Ok((probe, shards))
}

/// One thread per shard, each counting what its hand-off brings and answering the control
/// plane between batches; worker `i` on core `cores[i]` when given. Each returns its shard once
/// its capture side is done.
pub fn spawn_workers(
    shards: Vec<Shard>,
    inputs: Vec<BatchReceiver>,
    requests: &[Receiver<WorkerRequest>],
    clocks: &[ProbeClock],
    cores: Option<Vec<usize>>,
) -> Result<Vec<JoinHandle<Shard>>, StartError> {
    let mut threads = Vec::new();
    for (i, (shard, input)) in shards.into_iter().zip(inputs).enumerate() {
        let requests = requests.get(i).cloned().unwrap_or_else(crossbeam_channel::never);
        let clock = clocks.get(i).cloned().unwrap_or_default();
        let core = cores.as_ref().and_then(|c| c.get(i).copied());
        let thread = std::thread::Builder::new()
            .name(format!("rmonprobe-worker-{i}"))
            .spawn(move || {
                if let Some(core) = core {
                    crate::capture::live::pin_to_core(core);
                }
                work(Worker::new(shard), &input, requests, &clock)
            })
            .map_err(|e| StartError::Internal(format!("cannot start worker thread {i}: {e}")))?;
        threads.push(thread);
    }
    Ok(threads)
}

/// Waits for every worker and returns their shards, in worker order.
pub fn join_workers(threads: Vec<JoinHandle<Shard>>) -> Result<Vec<Shard>, StartError> {
    threads
        .into_iter()
        .map(|t| t.join().map_err(|_| StartError::Internal("a worker thread stopped unexpectedly".into())))
        .collect()
}

/// One worker's loop: batches counted in order, the control plane's requests answered between
/// them, until the capture side is done. Returns the shard.
fn work(
    mut worker: Worker,
    counted: &BatchReceiver,
    mut requests: Receiver<WorkerRequest>,
    clock: &ProbeClock,
) -> Shard {
    loop {
        match counted.next(&requests) {
            Next::Batch(batch) => {
                worker.take(&batch);
                clock.set(worker.shard.now());
                counted.recycle(batch);
            }
            Next::Request(request) => {
                // A request and batches may both be waiting, and `next` picks either: the
                // batches handed over before the request count first.
                for batch in counted.waiting() {
                    worker.take(&batch);
                    counted.recycle(batch);
                }
                clock.set(worker.shard.now());
                control::answer(&mut worker.shard, request);
            }
            Next::NoMoreRequests => requests = crossbeam_channel::never(),
            Next::Done => return worker.shard,
        }
    }
}
