//! What the agent needs from the probe: snapshots to read and control-row edits to apply.
//!
//! The agent core does not know whether the probe's shards live in worker threads (a live
//! capture, a replay in progress) or in the same thread (tests, benches, the fuzz target); each
//! case implements [`Backend`].

use std::sync::Arc;

use crate::rmon::edit::{ProbeEdit, RejectedEdit, RowEdit};
use crate::rmon::{AlarmRun, Probe, RowRequest, Sample, Shard, ShardCommand, Snapshot, Timestamp};
use crate::snmp::oid::Oid;

/// The probe as the agent sees it.
pub trait Backend {
    /// The probe as it stands at `now` (a backend may give a reading up to a moment old).
    fn snapshot(&mut self, now: Timestamp) -> Arc<Snapshot>;

    /// Applies the edits of one SET (control rows, the protocol directory), all or none; the
    /// next snapshot shows them.
    fn apply_probe_edits(&mut self, now: Timestamp, edits: &[ProbeEdit]) -> Result<(), RejectedEdit>;

    /// [`Backend::apply_probe_edits`] of control-row edits only.
    fn apply_edits(&mut self, now: Timestamp, edits: &[RowEdit]) -> Result<(), RejectedEdit> {
        self.apply_probe_edits(now, &edits.iter().cloned().map(ProbeEdit::Row).collect::<Vec<_>>())
    }

    /// The control rows to persist after a change.
    fn persistent_rows(&self) -> Vec<RowRequest>;

    /// The probe as it stands at `now`, read afresh: what an alarm samples must not be a
    /// picture from before its sampling time. The next [`Backend::snapshot`] may reuse it.
    fn fresh_snapshot(&mut self, now: Timestamp) -> Arc<Snapshot>;

    /// What the alarms read their variables from at `now`, read afresh: a snapshot that may
    /// leave out the tables none of the alarms' variables are in (and is then not reused).
    fn alarm_snapshot(&mut self, now: Timestamp) -> Arc<Snapshot> {
        self.fresh_snapshot(now)
    }

    /// When the next alarm wants a reading (None: no valid alarm).
    fn next_alarm_due(&self) -> Option<Timestamp>;

    /// Steps the alarm and event groups to `now` ([`Probe::run_alarms`]), `read` answering
    /// from a snapshot of the same moment.
    fn run_alarms(&mut self, now: Timestamp, read: &mut dyn FnMut(&Oid) -> Option<Sample>) -> AlarmRun;

    /// Steps the channels' events to `now` ([`Probe::run_channel_events`]) over channelMatches
    /// as the shards have them; nothing is read when no channel is armed.
    fn run_channel_events(&mut self, now: Timestamp) -> AlarmRun;
}

/// A probe and its shards in the caller's thread.
pub struct LocalProbe {
    pub probe: Probe,
    pub shards: Vec<Shard>,
    cached: Option<Arc<Snapshot>>,
}

impl LocalProbe {
    /// `probe` with one shard set up for its rows.
    pub fn new(probe: Probe) -> LocalProbe {
        let mut shard = Shard::new(probe.sources().len() as u32, probe.start());
        for command in probe.shard_setup() {
            shard.apply(&command);
        }
        LocalProbe { probe, shards: vec![shard], cached: None }
    }

    /// `probe` with the shards that counted for it (a replay or a capture that has ended).
    pub fn with_shards(probe: Probe, shards: Vec<Shard>) -> LocalProbe {
        LocalProbe { probe, shards, cached: None }
    }

    /// The shards, to count frames in; the next snapshot is read afresh.
    pub fn shards_mut(&mut self) -> &mut [Shard] {
        self.cached = None;
        &mut self.shards
    }
}

impl LocalProbe {
    /// Sends `commands` to every shard; the next snapshot is read afresh.
    fn apply(&mut self, commands: &[ShardCommand]) {
        for shard in &mut self.shards {
            for command in commands {
                shard.apply(command);
            }
        }
        self.cached = None;
    }
}

impl Backend for LocalProbe {
    fn snapshot(&mut self, now: Timestamp) -> Arc<Snapshot> {
        if let Some(s) = &self.cached
            && s.at == now
        {
            return Arc::clone(s);
        }
        let expired = self.probe.expire_rows(now);
        for shard in &mut self.shards {
            shard.tick(now);
            for command in &expired {
                shard.apply(command);
            }
        }
        let shards: Vec<&Shard> = self.shards.iter().collect();
        let snapshot = Arc::new(Snapshot::take(&self.probe, now, &shards));
        self.cached = Some(Arc::clone(&snapshot));
        snapshot
    }

    fn apply_probe_edits(&mut self, now: Timestamp, edits: &[ProbeEdit]) -> Result<(), RejectedEdit> {
        for shard in &mut self.shards {
            shard.tick(now);
        }
        let commands = self.probe.apply_probe_edits(now, edits)?;
        for shard in &mut self.shards {
            for command in &commands {
                shard.apply(command);
            }
        }
        self.cached = None;
        Ok(())
    }

    fn persistent_rows(&self) -> Vec<RowRequest> {
        self.probe.persistent_rows()
    }

    fn fresh_snapshot(&mut self, now: Timestamp) -> Arc<Snapshot> {
        // In-thread shards are always current; the cache only keys on `now`.
        self.snapshot(now)
    }

    fn next_alarm_due(&self) -> Option<Timestamp> {
        self.probe.next_alarm_due()
    }

    fn run_alarms(&mut self, now: Timestamp, read: &mut dyn FnMut(&Oid) -> Option<Sample>) -> AlarmRun {
        let run = self.probe.run_alarms(now, read);
        self.apply(&run.data_control_commands());
        run
    }

    fn run_channel_events(&mut self, now: Timestamp) -> AlarmRun {
        if self.probe.armed_channels().is_empty() {
            return AlarmRun::default();
        }
        let shards = &self.shards;
        let matches = |index: u16| shards.iter().map(|s| s.channel_matches(index)).sum::<Option<u64>>();
        let run = self.probe.run_channel_events(now, &matches);
        self.apply(&run.data_control_commands());
        run
    }
}

/// The probe behind worker threads: the control plane answers for its shards.
impl Backend for crate::pipeline::control::ControlPlane {
    fn snapshot(&mut self, now: Timestamp) -> Arc<Snapshot> {
        crate::pipeline::control::ControlPlane::snapshot(self, now)
    }

    fn apply_probe_edits(&mut self, now: Timestamp, edits: &[ProbeEdit]) -> Result<(), RejectedEdit> {
        crate::pipeline::control::ControlPlane::apply_probe_edits(self, now, edits)
    }

    fn persistent_rows(&self) -> Vec<RowRequest> {
        crate::pipeline::control::ControlPlane::persistent_rows(self)
    }

    fn fresh_snapshot(&mut self, now: Timestamp) -> Arc<Snapshot> {
        crate::pipeline::control::ControlPlane::fresh_snapshot(self, now)
    }

    fn alarm_snapshot(&mut self, now: Timestamp) -> Arc<Snapshot> {
        crate::pipeline::control::ControlPlane::alarm_snapshot(self, now)
    }

    fn next_alarm_due(&self) -> Option<Timestamp> {
        crate::pipeline::control::ControlPlane::next_alarm_due(self)
    }

    fn run_alarms(&mut self, now: Timestamp, read: &mut dyn FnMut(&Oid) -> Option<Sample>) -> AlarmRun {
        crate::pipeline::control::ControlPlane::run_alarms(self, now, read)
    }

    fn run_channel_events(&mut self, now: Timestamp) -> AlarmRun {
        crate::pipeline::control::ControlPlane::run_channel_events(self, now)
    }
}
