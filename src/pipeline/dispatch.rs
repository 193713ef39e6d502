//! Dispatch: one capture thread's frames spread over several workers.
//!
//! A frame goes to the worker its IP address pair hashes to (its MAC pair when it carries no
//! IPv4 or IPv6), the same whichever way the frame travels (a symmetric hash), so an IP
//! conversation (nlMatrix, alMatrix, a TCP connection's latency) lives on one worker and both
//! directions of it are counted there. Why the IP pair: behind a router a SPAN port shows one
//! or two MAC pairs carrying every conversation, which would all land on one worker. Hosts and
//! MAC conversations are seen by several workers and merged on read (summed): the frame numbers
//! the reader gives keep hostCreationOrder the true order of first appearance. Frames
//! travel in batches, one filling per worker, through each worker's own bounded hand-off (one
//! producer, one consumer, no lock).

use crate::capture::Batch;
use crate::capture::batch::{DEFAULT_BATCH_FRAMES, FrameRecord, SharedChunk};
use crate::packet::RawFrame;
use crate::packet::network::after_tags;
use crate::pipeline::BatchSender;
use crate::pipeline::tunnels::Tunnels;
use crate::rmon::Timestamp;

/// The capture side of several hand-offs.
pub struct Dispatch {
    senders: Vec<BatchSender>,
    /// The batch being filled for each worker.
    filling: Vec<Batch>,
    /// `--decap`: remote mirrors' packets opened before the frames are spread, so that the
    /// mirrored frame's addresses pick the worker.
    tunnels: Option<Tunnels>,
}

/// An address (MAC, IPv4 or IPv6) folded into a number: its octets big-endian, eight at a time.
fn fold(octets: &[u8]) -> u64 {
    octets.chunks(8).fold(0u64, |h, chunk| h.rotate_left(32) ^ chunk.iter().fold(0u64, |n, &o| (n << 8) | u64::from(o)))
}

/// The two ends a frame is spread by: its outermost IP source and destination when it carries
/// IPv4 or IPv6 (after its VLAN tags, as the counting reads them), else its MAC addresses (0
/// when the frame is too short).
fn ends(data: &[u8]) -> (u64, u64) {
    if let Some((ether_type, ip)) = after_tags(data) {
        let addresses = match (ether_type, data.get(ip).map(|v| v >> 4)) {
            (0x0800, Some(4)) => data.get(ip + 12..ip + 20),
            (0x86dd, Some(6)) => data.get(ip + 8..ip + 40),
            _ => None,
        };
        if let Some(a) = addresses {
            let (source, dest) = a.split_at(a.len() / 2);
            return (fold(source), fold(dest));
        }
    }
    let mac = |at: usize| data.get(at..at + 6).map_or(0, fold);
    (mac(0), mac(6))
}

/// Copies a frame into its worker's filling batch (one per worker); returns the worker.
fn fill(filling: &mut [Batch], frame: &RawFrame<'_>) -> usize {
    let w = worker_for(frame.data, filling.len());
    filling[w].push(frame.data, frame.orig_len, frame.time, frame.fcs, frame.seq, frame.if_index);
    w
}

/// [`Dispatch::worker_of`] among `workers`.
fn worker_for(data: &[u8], workers: usize) -> usize {
    if workers == 1 {
        return 0;
    }
    let (a, b) = ends(data);
    let (low, high) = (a.min(b), a.max(b));
    let h = (low ^ high.rotate_left(29)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    (((h >> 32) * workers as u64) >> 32) as usize
}

impl Dispatch {
    /// A dispatch over `senders`, worker `i` fed by `senders[i]`.
    pub fn new(senders: Vec<BatchSender>) -> Dispatch {
        let filling = senders.iter().map(BatchSender::empty_batch).collect();
        Dispatch { senders, filling, tunnels: None }
    }

    /// Opens remote mirrors' packets (`--decap`) before dispatching.
    pub fn with_tunnels(mut self, tunnels: Option<Tunnels>) -> Dispatch {
        self.tunnels = tunnels;
        self
    }

    /// The worker of a frame: a symmetric hash of its IP (else MAC) destination and source
    /// addresses, spread over the workers by a multiply-shift (no division per frame).
    pub fn worker_of(&self, data: &[u8]) -> usize {
        worker_for(data, self.senders.len())
    }

    /// Whether remote mirrors' packets are opened (`--decap`) before dispatching.
    pub fn decapsulates(&self) -> bool {
        self.tunnels.is_some()
    }

    /// How many workers the frames are spread over.
    pub fn workers(&self) -> usize {
        self.senders.len()
    }

    /// Adds a frame to its worker's batch, handing the batch over when full. False once that
    /// worker has gone.
    pub fn push(&mut self, frame: &RawFrame<'_>) -> bool {
        let w = match self.tunnels.as_mut() {
            Some(tunnels) => match tunnels.open(*frame) {
                Some(opened) => fill(&mut self.filling, &opened),
                None => return true,
            },
            None => fill(&mut self.filling, frame),
        };
        self.hand_over_if_full(w)
    }

    /// [`Dispatch::push`] of a frame already opened (`--decap`): a mirrored frame that is
    /// itself a tunnel packet must not be opened a second time.
    fn push_opened(&mut self, frame: &RawFrame<'_>) -> bool {
        let w = fill(&mut self.filling, frame);
        self.hand_over_if_full(w)
    }

    /// Hands worker `w`'s batch over if it is full. False once that worker has gone.
    fn hand_over_if_full(&mut self, w: usize) -> bool {
        self.filling[w].len() < DEFAULT_BATCH_FRAMES || self.hand_over(w)
    }

    /// Adds frames that lie in a capture file's read buffer to their workers' batches without
    /// copying them: the batches share the buffer (a batch holds one buffer's frames, so a
    /// batch of an earlier buffer is handed over first). With `--decap`, whose opened frames
    /// are rebuilt elsewhere, each frame is copied as by [`Dispatch::push`]. False once a
    /// worker has gone.
    pub(crate) fn push_shared(&mut self, chunk: &SharedChunk, records: &[FrameRecord]) -> bool {
        if self.tunnels.is_some() {
            return records.iter().all(|r| self.push(&r.in_buffer(chunk)));
        }
        for record in records {
            let data = &chunk[record.start..record.start + record.caplen];
            let w = worker_for(data, self.senders.len());
            if !self.filling[w].push_shared(chunk, *record) {
                if !self.hand_over(w) {
                    return false;
                }
                // An empty batch takes any chunk.
                self.filling[w].push_shared(chunk, *record);
            }
            if !self.hand_over_if_full(w) {
                return false;
            }
        }
        true
    }

    /// Hands every frame of `batch` to its worker (with one worker, the batch itself, uncopied).
    /// `batch` is left empty for the next read. False once a worker has gone.
    pub fn push_batch(&mut self, batch: &mut Batch) -> bool {
        if let Some(tunnels) = &mut self.tunnels {
            tunnels.open_batch(batch);
        }
        if let [sender] = self.senders.as_slice() {
            let mut full = std::mem::replace(batch, sender.empty_batch());
            if let Some(tunnels) = &mut self.tunnels {
                full.mirror.extend(tunnels.take_counts());
            }
            return full.is_blank() || sender.send(full);
        }
        // Opened above: spread as they are.
        let mut alive = true;
        for frame in batch.iter() {
            alive &= self.push_opened(&frame);
        }
        batch.clear();
        alive
    }

    fn hand_over(&mut self, w: usize) -> bool {
        let sender = &self.senders[w];
        let mut full = std::mem::replace(&mut self.filling[w], sender.empty_batch());
        // What the tunnels counted rides with worker 0's batches, counted once.
        if let (0, Some(tunnels)) = (w, &mut self.tunnels) {
            full.mirror.extend(tunnels.take_counts());
        }
        full.is_blank() || sender.send(full)
    }

    /// Tells every worker that all frames seen before `now` have been handed over: each batch in
    /// filling goes out, empty or not, carrying the tick. False once a worker has gone.
    pub fn tick(&mut self, now: Timestamp) -> bool {
        for batch in &mut self.filling {
            batch.tick = Some(now);
        }
        self.flush()
    }

    /// Drop events the capture reported for data source `if_index`, for its etherStatsDropEvents.
    /// They ride with worker 0's next batch, so they are counted once however many workers run.
    pub fn drop_events(&mut self, if_index: u32, events: u64) {
        if events == 0 {
            return;
        }
        let batch = &mut self.filling[0];
        let earlier = match batch.drop_events {
            Some((i, n)) if i == if_index => n,
            Some(_) => {
                // Another source's events are waiting: send them first.
                self.hand_over(0);
                0
            }
            None => 0,
        };
        self.filling[0].drop_events = Some((if_index, earlier + events));
    }

    /// Hands over every batch that holds frames: before a wait, and at the end. False once a
    /// worker has gone.
    pub fn flush(&mut self) -> bool {
        let mut alive = true;
        for w in 0..self.senders.len() {
            alive &= self.hand_over(w);
        }
        alive
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::packet::Fcs;
    use crate::pipeline::hand_off;

    fn frame(dst: u8, src: u8) -> Vec<u8> {
        let mut f = vec![2, 0, 0, 0, 0, dst, 2, 0, 0, 0, 0, src, 0x08, 0x00];
        f.resize(60, 0);
        f
    }

    #[test]
    fn both_directions_of_a_pair_go_to_one_worker_and_pairs_spread() {
        let (senders, _receivers): (Vec<_>, Vec<_>) = (0..4).map(|_| hand_off(2)).unzip();
        let d = Dispatch::new(senders);
        let mut used = [0usize; 4];
        for a in 0..40u8 {
            for b in 0..40u8 {
                let w = d.worker_of(&frame(a, b));
                assert_eq!(w, d.worker_of(&frame(b, a)));
                used[w] += 1;
            }
        }
        assert!(used.iter().all(|&n| n > 1600 / 8), "uneven spread: {used:?}");
        // Too short for addresses: still a worker.
        assert!(d.worker_of(&[1, 2, 3]) < 4);
    }

    /// An IP frame between hosts `a` and `b` (IPv4, or IPv6 when `v6`), VLAN-tagged when
    /// `tagged`, always between the same two MAC addresses: what a SPAN port behind a router shows.
    fn routed(a: u8, b: u8, v6: bool, tagged: bool) -> Vec<u8> {
        let mut f = vec![2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2];
        if tagged {
            f.extend_from_slice(&[0x81, 0x00, 0x00, 0x0a]);
        }
        if v6 {
            f.extend_from_slice(&[0x86, 0xdd, 0x60, 0, 0, 0, 0, 0, 17, 64]);
            for host in [a, b] {
                f.extend_from_slice(&[0x20, 0x01, 0x0d, 0xb8]);
                f.extend_from_slice(&[0; 11]);
                f.push(host);
            }
        } else {
            f.extend_from_slice(&[0x08, 0x00, 0x45, 0, 0, 40, 0, 0, 0, 0, 64, 17, 0, 0]);
            f.extend_from_slice(&[10, 0, 0, a, 10, 0, 0, b]);
        }
        f.resize(f.len().max(60), 0);
        f
    }

    #[test]
    fn ip_conversations_behind_one_mac_pair_spread_and_keep_their_worker() {
        let (senders, _receivers): (Vec<_>, Vec<_>) = (0..4).map(|_| hand_off(2)).unzip();
        let d = Dispatch::new(senders);
        for (v6, tagged) in [(false, false), (true, false), (false, true), (true, true)] {
            let mut used = [0usize; 4];
            for a in 0..40u8 {
                for b in 0..40u8 {
                    let w = d.worker_of(&routed(a, b, v6, tagged));
                    assert_eq!(w, d.worker_of(&routed(b, a, v6, tagged)), "both directions, v6 {v6}");
                    used[w] += 1;
                }
            }
            assert!(used.iter().all(|&n| n > 1600 / 8), "uneven spread (v6 {v6}, tagged {tagged}): {used:?}");
        }
        // Not IP after all (a version nibble that is not 4): spread by the MAC pair.
        let mut odd = routed(1, 2, false, false);
        odd[14] = 0x65;
        assert_eq!(d.worker_of(&odd), d.worker_of(&frame(1, 2)));
        // Cut short inside the IP header: still a worker.
        assert!(d.worker_of(&routed(1, 2, true, false)[..30]) < 4);
    }

    #[test]
    fn every_frame_reaches_its_worker_in_order() {
        let (senders, receivers): (Vec<_>, Vec<_>) = (0..3).map(|_| hand_off(64)).unzip();
        let mut d = Dispatch::new(senders);
        let mut batch = Batch::default();
        let mut want = vec![Vec::new(); 3];
        for seq in 0..1000u64 {
            let f = frame((seq % 17) as u8, (seq % 5) as u8);
            want[d.worker_of(&f)].push(seq);
            batch.push(&f, 60, Timestamp(seq), Fcs::Stripped, seq, 1);
            if batch.len() == 100 {
                assert!(d.push_batch(&mut batch));
            }
        }
        assert!(d.push_batch(&mut batch) && d.flush());
        drop(d);
        for (w, rx) in receivers.iter().enumerate() {
            let mut got = Vec::new();
            while let Some(b) = rx.recv() {
                got.extend(b.iter().map(|f| f.seq));
            }
            assert_eq!(got, want[w], "worker {w}");
        }
    }

    #[test]
    fn shared_frames_reach_their_worker_in_order_and_a_batch_keeps_to_one_chunk() {
        let (senders, receivers): (Vec<_>, Vec<_>) = (0..3).map(|_| hand_off(1024)).unzip();
        let mut d = Dispatch::new(senders);
        let mut want = vec![Vec::new(); 3];
        let mut chunks = Vec::new();
        let mut seq = 0u64;
        // Ten read buffers of 100 frames each, as a capture file hands them out.
        for _ in 0..10 {
            let mut bytes = Vec::new();
            let mut records = Vec::new();
            for _ in 0..100 {
                let f = frame((seq % 17) as u8, (seq % 5) as u8 + 100);
                want[d.worker_of(&f)].push((seq, f.clone()));
                records.push(FrameRecord {
                    start: bytes.len(),
                    caplen: f.len(),
                    orig_len: 60,
                    time: Timestamp(seq),
                    fcs: crate::packet::Fcs::Stripped,
                    seq,
                    if_index: 1,
                });
                bytes.extend_from_slice(&f);
                seq += 1;
            }
            let chunk = SharedChunk::new(bytes);
            assert!(d.push_shared(&chunk, &records));
            chunks.push(chunk);
        }
        assert!(d.flush());
        drop(d);
        for (w, rx) in receivers.iter().enumerate() {
            let mut got = Vec::new();
            while let Some(b) = rx.recv() {
                // Every frame of a batch lies in one chunk: the batch's frames are consecutive
                // in it (no frame of another chunk in between).
                let seqs: Vec<u64> = b.iter().map(|f| f.seq).collect();
                assert!(seqs.first().map(|s| s / 100) == seqs.last().map(|s| s / 100), "worker {w}: {seqs:?}");
                got.extend(b.iter().map(|f| (f.seq, f.data.to_vec())));
            }
            assert_eq!(got, want[w], "worker {w}");
        }
        // The batches gave the chunks back when they were dropped.
        assert!(chunks.iter().all(|c| std::sync::Arc::strong_count(c) == 1));
    }
}
