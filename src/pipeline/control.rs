//! The control plane's side of the pipeline: requests to workers, answered between batches, and
//! the [`ControlPlane`] an SNMP agent (or the TUI) reads and configures the probe through.
//!
//! A worker never shares its shard. A view asks for a copy, which the worker makes between two
//! batches, and reads the copy (ARCHITECTURE.md, "Rules", the hot path); a control-row change travels to every worker
//! as [`ShardCommand`]s on the same channel, so a copy asked for after a change shows it.

use std::cell::Cell;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, Sender, bounded, unbounded};

use crate::mib::Oid;
use crate::rmon::capture::{BufferControl, Merged};
use crate::rmon::edit::{ProbeEdit, RejectedEdit, RowEdit};
use crate::rmon::{
    AlarmRun, DataSourceInfo, Probe, RowRequest, Sample, Shard, ShardCommand, ShardParts, Snapshot, Timestamp,
};

/// What the control plane asks of a worker.
#[derive(Debug)]
pub enum WorkerRequest {
    /// Configuration changes to apply, in order.
    Apply(Vec<ShardCommand>),
    /// A copy of the shard as it stands, with the parts given, sent back on the channel given.
    Copy(ShardParts, Sender<Shard>),
    /// The shard's channelMatches by channelIndex ([`Shard::channel_counts`]), for the
    /// channels' events, which look ten times a second.
    ChannelCounts(Sender<Vec<(u16, u64)>>),
    /// An answer once every request before this one is done (a new data source's rows are in
    /// the shard before its first frame is handed over).
    Sync(Sender<()>),
}

/// The channel a worker takes requests on.
pub fn requests() -> (Sender<WorkerRequest>, Receiver<WorkerRequest>) {
    unbounded()
}

/// Answers one request with the worker's shard.
pub fn answer(shard: &mut Shard, request: WorkerRequest) {
    match request {
        WorkerRequest::Apply(commands) => {
            for command in &commands {
                shard.apply(command);
            }
        }
        WorkerRequest::Copy(parts, reply) => {
            // The asker may have given up waiting; the copy is then simply dropped.
            let _ = reply.send(shard.copy_of(parts));
        }
        WorkerRequest::ChannelCounts(reply) => {
            let _ = reply.send(shard.channel_counts());
        }
        WorkerRequest::Sync(reply) => {
            let _ = reply.send(());
        }
    }
}

/// The parts of the shards that reading `variables` through the agent's MIB needs. Only the
/// objects known to be read from elsewhere go without: the system, interfaces, snmp and ifX
/// groups, and RMON's statistics, history, alarm, filter and event groups. A replay reads its
/// alarms at every due time, and for the usual alarm, on an etherStats counter, copying and
/// merging the host and matrix tables each time would cost far more than the reading.
fn parts_to_read<'a>(variables: impl Iterator<Item = &'a Oid>) -> ShardParts {
    const MIB_2: [u32; 6] = [1, 3, 6, 1, 2, 1];
    let mut parts = ShardParts { hosts: false, matrix: false, buffers: false };
    for variable in variables {
        let below = variable.as_slice().strip_prefix(&MIB_2[..]).unwrap_or_default();
        match below {
            // system, interfaces, snmp, ifMIB.
            [1 | 2 | 11 | 31, ..] => {}
            // rmon: statistics, history, alarm, filter, event.
            [16, 1 | 2 | 3 | 7 | 9, ..] => {}
            [16, 4 | 5, ..] => parts.hosts = true,
            [16, 6, ..] => parts.matrix = true,
            [16, 8, ..] => parts.buffers = true,
            _ => return ShardParts::ALL,
        }
    }
    parts
}

/// The probe's clock as the workers advance it: the latest frame time counted. One writer per
/// clock (a plain store, never a read-modify-write), any number of readers.
#[derive(Clone, Debug, Default)]
pub struct ProbeClock(Arc<AtomicU64>);

impl ProbeClock {
    pub fn new(start: Timestamp) -> ProbeClock {
        ProbeClock(Arc::new(AtomicU64::new(start.0)))
    }

    pub fn set(&self, now: Timestamp) {
        self.0.store(now.0, Ordering::Relaxed);
    }

    pub fn now(&self) -> Timestamp {
        Timestamp(self.0.load(Ordering::Relaxed))
    }
}

/// How long a snapshot serves before the next read asks the workers again: a walk of a large
/// table then reads one consistent picture, and a busy manager costs the workers one copy a
/// second at most.
pub const SNAPSHOT_MAX_AGE: Duration = Duration::from_secs(1);

/// How long a read waits for a worker's copy before going on without it.
const COPY_TIMEOUT: Duration = Duration::from_secs(5);

/// A running probe as a view embedded in the same process (the terminal UI) reads it: its own
/// control plane, and the probe's clock.
pub struct EmbeddedProbe {
    pub control: ControlPlane,
    pub clock: Box<dyn Fn() -> Timestamp + Send>,
}

/// Where a replay or a live run hands its [`EmbeddedProbe`] to the view, once the probe starts.
pub type ViewTap = Sender<EmbeddedProbe>;

/// The probe's control plane, shared by the views, with the workers behind their channels.
pub struct ControlPlane {
    probe: Arc<Mutex<Probe>>,
    workers: Vec<Sender<WorkerRequest>>,
    cached: Option<(Instant, Arc<Snapshot>)>,
    /// Whether every worker sent its copy for the latest reading: once the workers have ended
    /// (the files are read), a reading lacks their counts.
    complete: Cell<bool>,
}

impl ControlPlane {
    pub fn new(probe: Arc<Mutex<Probe>>, workers: Vec<Sender<WorkerRequest>>) -> ControlPlane {
        ControlPlane { probe, workers, cached: None, complete: Cell::new(true) }
    }

    fn probe(&self) -> MutexGuard<'_, Probe> {
        crate::pipeline::lock_probe(&self.probe)
    }

    /// A copy of every worker's shard with `parts`, ticked to `now` (a worker that does not
    /// answer within [`COPY_TIMEOUT`] is left out).
    fn shard_copies(&self, now: Timestamp, parts: ShardParts) -> Vec<Shard> {
        let replies = self.ask_workers(|tx| WorkerRequest::Copy(parts, tx));
        let mut shards: Vec<Shard> = replies.iter().filter_map(|rx| rx.recv_timeout(COPY_TIMEOUT).ok()).collect();
        for shard in &mut shards {
            shard.tick(now);
        }
        self.complete.set(shards.len() == self.workers.len());
        shards
    }

    /// Whether the latest reading had every worker's counts.
    pub fn complete(&self) -> bool {
        self.complete.get()
    }

    /// Every valid capture buffer as it stands at `now`, merged over the workers' shards.
    pub fn capture_buffers(&self, now: Timestamp) -> Vec<(u16, BufferControl, Merged)> {
        let shards = self.shard_copies(now, ShardParts::ALL);
        let refs: Vec<&Shard> = shards.iter().collect();
        self.probe().capture_buffers(&refs)
    }

    /// Sends every worker still there the request `ask` makes with a reply channel of its own;
    /// the replies to wait on, one per worker asked.
    fn ask_workers<T>(&self, ask: impl Fn(Sender<T>) -> WorkerRequest) -> Vec<Receiver<T>> {
        self.workers
            .iter()
            .filter_map(|w| {
                let (tx, rx) = bounded(1);
                w.send(ask(tx)).ok().map(|_| rx)
            })
            .collect()
    }

    fn broadcast(&self, commands: Vec<ShardCommand>) {
        if commands.is_empty() {
            return;
        }
        for worker in &self.workers {
            let _ = worker.send(WorkerRequest::Apply(commands.clone()));
        }
    }
}

/// What a view (the SNMP agent, the terminal UI, the alarm sampler) reads and changes of a
/// probe whose shards live in worker threads.
impl ControlPlane {
    pub fn snapshot(&mut self, now: Timestamp) -> Arc<Snapshot> {
        if let Some((taken, snapshot)) = &self.cached
            && taken.elapsed() < SNAPSHOT_MAX_AGE
        {
            return Arc::clone(snapshot);
        }
        let expired = self.probe().expire_rows(now);
        self.broadcast(expired);
        let shards = self.shard_copies(now, ShardParts::ALL);
        let refs: Vec<&Shard> = shards.iter().collect();
        let snapshot = Arc::new(Snapshot::take(&self.probe(), now, &refs));
        self.cached = Some((Instant::now(), Arc::clone(&snapshot)));
        snapshot
    }

    pub fn apply_edits(&mut self, now: Timestamp, edits: &[RowEdit]) -> Result<(), RejectedEdit> {
        let commands = self.probe().apply_edits(now, edits)?;
        self.broadcast(commands);
        self.cached = None;
        Ok(())
    }

    /// [`ControlPlane::apply_edits`] for a PDU that may also edit the protocol directory.
    pub fn apply_probe_edits(&mut self, now: Timestamp, edits: &[ProbeEdit]) -> Result<(), RejectedEdit> {
        let commands = self.probe().apply_probe_edits(now, edits)?;
        self.broadcast(commands);
        self.cached = None;
        Ok(())
    }

    /// Adds a data source while the probe runs (a remote mirror's session, `--decap`), with the
    /// default rows when `default_rows`, valid from `at`. Returns its ifIndex once every worker
    /// has set it up, so that its frames can be handed over.
    pub fn add_data_source(&mut self, info: DataSourceInfo, at: Timestamp, default_rows: bool) -> u32 {
        let (if_index, commands) = self.probe().add_source(info, at, default_rows);
        self.broadcast(commands);
        self.cached = None;
        for reply in self.ask_workers(WorkerRequest::Sync) {
            // A worker that has ended counts nothing more; one busy for longer than the wait
            // is stuck, and its frames are lost either way.
            let _ = reply.recv_timeout(COPY_TIMEOUT);
        }
        if_index
    }

    /// What the probe knows of data source `if_index`.
    pub fn source_info(&self, if_index: u32) -> Option<DataSourceInfo> {
        self.probe().sources().iter().find(|s| s.if_index == if_index).cloned()
    }

    pub fn persistent_rows(&self) -> Vec<RowRequest> {
        self.probe().persistent_rows()
    }

    /// Reads the probe and a fresh copy of every worker's shard at `now` with `read`: for a
    /// view that needs more than a snapshot holds (the metrics' latency distributions).
    pub fn read<T>(&mut self, now: Timestamp, read: impl FnOnce(&Probe, &[&Shard]) -> T) -> T {
        let expired = self.probe().expire_rows(now);
        self.broadcast(expired);
        let shards = self.shard_copies(now, ShardParts::ALL);
        let refs: Vec<&Shard> = shards.iter().collect();
        read(&self.probe(), &refs)
    }

    pub fn fresh_snapshot(&mut self, now: Timestamp) -> Arc<Snapshot> {
        self.cached = None;
        self.snapshot(now)
    }

    pub fn alarm_snapshot(&mut self, now: Timestamp) -> Arc<Snapshot> {
        let parts = parts_to_read(self.probe().alarm_variables());
        if parts == ShardParts::ALL {
            return self.fresh_snapshot(now);
        }
        // Not kept for the views: its host, matrix or capture tables are left empty.
        let shards = self.shard_copies(now, parts);
        let refs: Vec<&Shard> = shards.iter().collect();
        Arc::new(Snapshot::take(&self.probe(), now, &refs))
    }

    pub fn next_alarm_due(&self) -> Option<Timestamp> {
        self.probe().next_alarm_due()
    }

    pub fn run_alarms(&mut self, now: Timestamp, read: &mut dyn FnMut(&Oid) -> Option<Sample>) -> AlarmRun {
        let run = self.probe().run_alarms(now, read);
        // alarmValue, eventLastTimeSent and the log changed: the next read shows them.
        self.cached = None;
        self.broadcast(run.data_control_commands());
        run
    }

    pub fn run_channel_events(&mut self, now: Timestamp) -> AlarmRun {
        if self.probe().armed_channels().is_empty() {
            return AlarmRun::default();
        }
        let replies = self.ask_workers(WorkerRequest::ChannelCounts);
        let mut counts: BTreeMap<u16, u64> = BTreeMap::new();
        for rx in &replies {
            // Without every worker's share the sums would be short (and grow back later, as if
            // new frames matched): skip this step.
            let Ok(shard_counts) = rx.recv_timeout(COPY_TIMEOUT) else { return AlarmRun::default() };
            for (index, matches) in shard_counts {
                *counts.entry(index).or_default() += matches;
            }
        }
        let run = self.probe().run_channel_events(now, &|index| counts.get(&index).copied());
        if !run.traps.is_empty() || !run.data_control.is_empty() {
            self.cached = None;
        }
        self.broadcast(run.data_control_commands());
        run
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(variables: &[&str]) -> ShardParts {
        let oids: Vec<Oid> = variables.iter().map(|v| v.parse().unwrap()).collect();
        parts_to_read(oids.iter())
    }

    #[test]
    fn an_alarm_copies_only_the_tables_its_variable_is_in() {
        let none = ShardParts { hosts: false, matrix: false, buffers: false };
        // etherStatsPkts.1, etherHistoryPkts.1.3, channelMatches.1, ifInOctets.1, sysUpTime.0.
        let light = ["1.3.6.1.2.1.16.1.1.1.5.1", "1.3.6.1.2.1.16.2.2.1.5.1.3", "1.3.6.1.2.1.16.7.2.1.9.1"];
        assert_eq!(parts(&light), none);
        assert_eq!(parts(&["1.3.6.1.2.1.2.2.1.10.1", "1.3.6.1.2.1.1.3.0"]), none);
        // hostControlTableSize.1, a hostTopN rate, matrixControlTableSize.1, bufferControlTurnOnTime.1.
        assert_eq!(parts(&["1.3.6.1.2.1.16.4.1.1.3.1"]), ShardParts { hosts: true, ..none });
        assert_eq!(parts(&["1.3.6.1.2.1.16.5.2.1.4.1.1"]), ShardParts { hosts: true, ..none });
        assert_eq!(parts(&["1.3.6.1.2.1.16.6.1.1.3.1"]), ShardParts { matrix: true, ..none });
        assert_eq!(parts(&["1.3.6.1.2.1.16.8.1.1.11.1"]), ShardParts { buffers: true, ..none });
        assert!(parts(&["1.3.6.1.2.1.16.1.1.1.5.1", "1.3.6.1.2.1.16.6.1.1.3.1"]).matrix);
        // Anything else (the probe's own MIB, RMON2 later): everything.
        assert_eq!(parts(&["1.3.6.1.4.1.99999.1.1.0"]), ShardParts::ALL);
        assert_eq!(parts(&["1.3.6.1.2.1.16.16.1.0"]), ShardParts::ALL);
    }
}
