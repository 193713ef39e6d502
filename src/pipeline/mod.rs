//! The pipeline: batches of captured frames in, classified frames counted by a shard.
//!
//! A capture thread fills [`Batch`]es and hands them to a [`Worker`] through a bounded hand-off
//! ([`hand_off`]); emptied batches travel back to be filled again, so once warm nothing is
//! allocated. A worker owns its [`Shard`] outright: nothing on the counting path takes a lock or
//! touches memory another core writes (ARCHITECTURE.md, "Rules", the hot path). Reading and counting thus run on two
//! cores, each at its own pace; live capture will add workers behind a dispatcher on the same
//! hand-off.

pub mod alarms;
pub mod capture_files;
pub mod control;
pub mod dedup;
pub mod dispatch;
pub mod tunnels;
pub mod workers;

use std::sync::{Mutex, MutexGuard};

use crossbeam_channel::{Receiver, Sender, bounded, unbounded};

use crate::capture::batch::DEFAULT_BATCH_FRAMES;
use crate::capture::{Batch, MirrorCounts};
use crate::packet::Frame;
use crate::pipeline::dedup::Dedup;
use crate::rmon::control::DataSource;
use crate::rmon::{Probe, Shard};

/// Locks the probe's control tables, which the views, the agent and the alarm sampler share.
/// A thread that panicked while holding them left the rows between two whole edits: go on.
pub fn lock_probe(probe: &Mutex<Probe>) -> MutexGuard<'_, Probe> {
    probe.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Batches in flight from capture to worker: enough to ride out a hiccup on either side, few
/// enough that they stay in cache.
pub const HANDOFF_DEPTH: usize = 8;

/// The capture side of a hand-off. Several capture threads may feed one worker, each through
/// its own clone (live capture on several interfaces or queues).
#[derive(Clone)]
pub struct BatchSender {
    full: Sender<Batch>,
    empty: Receiver<Batch>,
}

impl BatchSender {
    /// An empty batch to fill: one the worker gave back, or a new one.
    pub fn empty_batch(&self) -> Batch {
        let mut batch = self.empty.try_recv().unwrap_or_else(|_| Batch::with_capacity(DEFAULT_BATCH_FRAMES));
        batch.clear();
        batch
    }

    /// Hands a batch to the worker, waiting while the worker is `HANDOFF_DEPTH` batches behind.
    /// False when the worker has gone.
    pub fn send(&self, batch: Batch) -> bool {
        self.full.send(batch).is_ok()
    }
}

/// The worker side of a hand-off.
pub struct BatchReceiver {
    full: Receiver<Batch>,
    empty: Sender<Batch>,
}

impl BatchReceiver {
    /// The next batch; None once the capture side is done and everything was received.
    pub fn recv(&self) -> Option<Batch> {
        self.full.recv().ok()
    }

    /// The next batch or control request, whichever comes first (a worker that also answers the
    /// control plane). `requests` may be `crossbeam_channel::never()`.
    pub fn next(&self, requests: &Receiver<control::WorkerRequest>) -> Next {
        crossbeam_channel::select! {
            recv(self.full) -> batch => batch.map_or(Next::Done, Next::Batch),
            recv(requests) -> request => request.map_or(Next::NoMoreRequests, Next::Request),
        }
    }

    /// The batches already waiting, without waiting for more: what a worker counts before it
    /// answers a request, so that the answer covers every frame handed over before it was asked
    /// (a replay's reader ticks the workers to an alarm's due time, then asks for copies).
    pub fn waiting(&self) -> impl Iterator<Item = Batch> + '_ {
        (0..self.full.len()).map_while(|_| self.full.try_recv().ok())
    }

    /// Gives a counted batch back to be filled again.
    pub fn recycle(&self, mut batch: Batch) {
        // Emptied here, so that a batch waiting to be refilled holds no read buffer of the
        // reader's (`Batch::push_shared`) and the reader can refill that buffer at once.
        batch.clear();
        // The capture side may have finished already; the batch is then simply dropped.
        let _ = self.empty.send(batch);
    }
}

/// What a worker has to do next.
#[derive(Debug)]
pub enum Next {
    Batch(Batch),
    Request(control::WorkerRequest),
    /// The control plane has gone: no request will come any more.
    NoMoreRequests,
    /// The capture side is done and every batch was received.
    Done,
}

/// A bounded hand-off of batches from one capture thread to one worker.
pub fn hand_off(depth: usize) -> (BatchSender, BatchReceiver) {
    let (full_tx, full_rx) = bounded(depth);
    let (empty_tx, empty_rx) = unbounded();
    (BatchSender { full: full_tx, empty: empty_rx }, BatchReceiver { full: full_rx, empty: empty_tx })
}

/// A worker: a shard and the scratch space to classify a batch into.
#[derive(Debug)]
pub struct Worker {
    pub shard: Shard,
    frames: Vec<Frame>,
    /// `--dedup`: the frames seen within the window, and which of the batch's frames count.
    dedup: Dedup,
    counted: Vec<bool>,
}

impl Worker {
    pub fn new(shard: Shard) -> Worker {
        Worker { shard, frames: Vec::new(), dedup: Dedup::default(), counted: Vec::new() }
    }

    /// Takes in a whole batch: its frames counted, then its drop events and its tick (live).
    pub fn take(&mut self, batch: &Batch) {
        self.count(batch);
        if let Some((if_index, events)) = batch.drop_events {
            self.shard.add_drop_events(DataSource(if_index), events);
        }
        for (if_index, counts) in &batch.mirror {
            self.shard.add_mirror_counts(DataSource(*if_index), counts);
        }
        if let Some(now) = batch.tick {
            self.shard.tick(now);
        }
    }

    /// Classifies and counts a batch of frames. The shard gets the raw bytes along with the
    /// classified frames, since channel filters are byte masks over the raw frame; they stay in
    /// the batch's buffer, so nothing is copied or allocated for them.
    pub fn count(&mut self, batch: &Batch) {
        self.frames.clear();
        let window = self.shard.dedup_window_ns();
        if window == 0 {
            self.frames.extend(batch.iter().map(|raw| Frame::classify(&raw)));
            self.shard.count_batch(&self.frames, batch.iter().map(|raw| raw.data));
            return;
        }
        self.counted.clear();
        for raw in batch.iter() {
            let duplicate = self.dedup.is_duplicate(&raw, window);
            self.counted.push(!duplicate);
            if duplicate {
                let one = MirrorCounts { duplicates: 1, ..MirrorCounts::default() };
                self.shard.add_mirror_counts(DataSource(raw.if_index), &one);
            } else {
                self.frames.push(Frame::classify(&raw));
            }
        }
        let counted = &self.counted;
        let bytes = batch.iter().zip(counted).filter(|(_, c)| **c).map(|(raw, _)| raw.data);
        self.shard.count_batch(&self.frames, bytes);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capture::Batch;
    use crate::packet::Fcs;
    use crate::rmon::{ShardCommand, Timestamp};

    #[test]
    fn hand_off_delivers_in_order_and_recycles() {
        let (tx, rx) = hand_off(2);
        let producer = std::thread::spawn(move || {
            for seq in 0..100u64 {
                let mut batch = tx.empty_batch();
                assert!(batch.is_empty());
                batch.push(&[0; 60], 60, Timestamp(seq), Fcs::Stripped, seq, 1);
                assert!(tx.send(batch));
            }
        });
        let mut seen = Vec::new();
        while let Some(batch) = rx.recv() {
            seen.extend(batch.iter().map(|f| f.seq));
            rx.recycle(batch);
        }
        producer.join().unwrap();
        assert_eq!(seen, (0..100).collect::<Vec<_>>());
    }

    #[test]
    fn a_batch_reaches_the_counters() {
        let mut worker = Worker::new(Shard::new(1, Timestamp(0)));
        worker.shard.apply(&ShardCommand::StartEtherStats { index: 1, source: DataSource(1) });
        let mut batch = Batch::default();
        let mut frame = vec![0xff; 6];
        frame.extend_from_slice(&[2, 0, 0, 0, 0, 1, 0x08, 0x06]);
        frame.resize(42, 0);
        batch.push(&frame, 42, Timestamp(1), Fcs::Stripped, 0, 1);
        batch.push(&frame, 42, Timestamp(2), Fcs::Stripped, 1, 1);
        worker.count(&batch);
        let c = worker.shard.ether_stats(DataSource(1), 1).unwrap();
        assert_eq!((c.pkts, c.octets, c.broadcast_pkts, c.pkts_64_octets), (2, 128, 2, 2));
    }

    #[test]
    fn channels_see_the_raw_bytes_of_a_batch() {
        use crate::rmon::filter::{AcceptType, ChannelFilters, Filter};
        let mut worker = Worker::new(Shard::new(1, Timestamp(0)));
        let filters =
            ChannelFilters { accept_type: AcceptType::AcceptMatched, filters: vec![Filter::data(12, &[0x08, 0x06])] };
        worker.shard.apply(&ShardCommand::StartChannel { index: 1, source: DataSource(1), filters, on: false });
        let mut batch = Batch::default();
        let mut arp = vec![0xff; 6];
        arp.extend_from_slice(&[2, 0, 0, 0, 0, 1, 0x08, 0x06]);
        arp.resize(42, 0);
        let mut ipv4 = arp.clone();
        ipv4[13] = 0x00;
        for (seq, frame) in [&arp, &ipv4, &arp].into_iter().enumerate() {
            batch.push(frame, 42, Timestamp(seq as u64), Fcs::Stripped, seq as u64, 1);
        }
        worker.count(&batch);
        assert_eq!(worker.shard.channel_matches(1), Some(2));
    }
}
