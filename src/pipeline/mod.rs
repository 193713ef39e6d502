//! The pipeline: batches of captured frames in, classified frames counted by a shard.
//!
//! A worker owns its [`Shard`] outright; nothing on this path takes a lock or touches memory
//! another core writes (DESIGN.md, rule 3). Replay runs one worker inline on the reading thread;
//! live capture adds workers on their own threads, fed through lock-free rings, on this same
//! per-batch step.

use crate::packet::{Frame, RawFrame};
use crate::rmon::Shard;

/// A worker: a shard and the scratch space to classify a batch into.
#[derive(Debug)]
pub struct Worker {
    pub shard: Shard,
    frames: Vec<Frame>,
}

impl Worker {
    pub fn new(shard: Shard) -> Worker {
        Worker { shard, frames: Vec::new() }
    }

    /// Classifies and counts a batch of frames.
    pub fn count<'a>(&mut self, batch: impl Iterator<Item = RawFrame<'a>>) {
        self.frames.clear();
        self.frames.extend(batch.map(|raw| Frame::classify(&raw)));
        self.shard.count_batch(&self.frames);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capture::Batch;
    use crate::packet::Fcs;
    use crate::rmon::control::DataSource;
    use crate::rmon::{ShardCommand, Timestamp};

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
        worker.count(batch.iter());
        let c = worker.shard.ether_stats(DataSource(1), 1).unwrap();
        assert_eq!((c.pkts, c.octets, c.broadcast_pkts, c.pkts_64_octets), (2, 128, 2, 2));
    }
}
