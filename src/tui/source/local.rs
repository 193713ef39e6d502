//! The embedded probe: a replay or a live capture running in this process, read through its own
//! control plane while it runs, and through the final shards once it has ended.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;

use crossbeam_channel::Receiver;

use crate::pipeline::capture_files as buffers;
use crate::pipeline::control::EmbeddedProbe;
use crate::rmon::capture::{BufferControl, Merged};
use crate::rmon::control::EntryStatus;
use crate::rmon::edit::{ControlTable, ControlValue, RowEdit};
use crate::rmon::{Probe, Shard, Snapshot, Timestamp};
use crate::snmp::{Backend, LocalProbe};
use crate::tui::source::{Groups, Reading, Source, TopNRequest, Wants, free_top_n_index, top_n_column};

/// How long quitting waits for the probe's thread to end.
const QUIT_WAIT: std::time::Duration = std::time::Duration::from_millis(1200);

/// What the probe's thread leaves when the replay or capture ends.
pub struct Ended {
    pub probe: Probe,
    pub shards: Vec<Shard>,
    /// The probe's clock at the end.
    pub end: Timestamp,
}

enum State {
    /// The probe has not sent its control plane yet (files being opened, sockets bound).
    Starting,
    Running(EmbeddedProbe),
    Ended {
        probe: Box<LocalProbe>,
        end: Timestamp,
    },
    /// The probe's thread failed; its message.
    Failed(String),
}

/// A probe in this process.
pub struct LocalSource {
    title: String,
    state: State,
    tap: Receiver<EmbeddedProbe>,
    runner: Option<JoinHandle<Result<Ended, String>>>,
    stop: Arc<AtomicBool>,
    /// The last complete reading: while the workers hand over to the end, a reading would lack
    /// their counts.
    last: Option<Arc<Snapshot>>,
}

impl LocalSource {
    /// The probe run by `runner`, which sends its control plane through `tap` and stops when
    /// `stop` is raised.
    pub fn new(
        title: String,
        tap: Receiver<EmbeddedProbe>,
        runner: JoinHandle<Result<Ended, String>>,
        stop: Arc<AtomicBool>,
    ) -> LocalSource {
        LocalSource { title, state: State::Starting, tap, runner: Some(runner), stop, last: None }
    }

    /// Moves on when the probe has started or ended.
    fn advance(&mut self) {
        if matches!(self.state, State::Starting)
            && let Ok(probe) = self.tap.try_recv()
        {
            self.state = State::Running(probe);
        }
        if self.runner.as_ref().is_some_and(JoinHandle::is_finished)
            && let Some(runner) = self.runner.take()
        {
            self.state = match runner.join() {
                Ok(Ok(ended)) => {
                    State::Ended { probe: Box::new(LocalProbe::with_shards(ended.probe, ended.shards)), end: ended.end }
                }
                Ok(Err(message)) => State::Failed(message),
                Err(_) => State::Failed("the probe's thread stopped unexpectedly".into()),
            };
        }
    }

    fn backend(&mut self) -> Option<(&mut dyn Backend, Timestamp)> {
        match &mut self.state {
            State::Running(p) => {
                let now = (p.clock)();
                Some((&mut p.control, now))
            }
            State::Ended { probe, end } => Some((probe.as_mut(), *end)),
            State::Starting | State::Failed(_) => None,
        }
    }

    fn capture_buffers(&mut self) -> Vec<(u16, BufferControl, Merged)> {
        match &self.state {
            State::Running(p) => p.control.capture_buffers((p.clock)()),
            State::Ended { probe, .. } => {
                let shards: Vec<&Shard> = probe.shards.iter().collect();
                probe.probe.capture_buffers(&shards)
            }
            State::Starting | State::Failed(_) => Vec::new(),
        }
    }
}

impl Source for LocalSource {
    fn title(&self) -> String {
        self.title.clone()
    }

    fn read(&mut self, _wants: Wants) -> Result<Reading, String> {
        self.advance();
        let finished = matches!(self.state, State::Ended { .. });
        let snapshot = match &mut self.state {
            State::Starting => return Err("starting the probe".into()),
            State::Failed(message) => return Err(message.clone()),
            State::Running(p) => {
                let snapshot = p.control.fresh_snapshot((p.clock)());
                match (p.control.complete(), &self.last) {
                    (false, Some(last)) => Arc::clone(last),
                    _ => snapshot,
                }
            }
            State::Ended { probe, end } => probe.snapshot(*end),
        };
        self.last = Some(Arc::clone(&snapshot));
        Ok(Reading { snapshot, groups: Groups::ALL, finished, every_table: true })
    }

    fn start_top_n(&mut self, request: &TopNRequest) -> Result<u16, String> {
        self.advance();
        let Some((backend, now)) = self.backend() else { return Err("the probe is not running".into()) };
        let index = free_top_n_index(&backend.fresh_snapshot(now)).ok_or("every hostTopNControlIndex is taken")?;
        let edit =
            |column, value| RowEdit { table: ControlTable::HostTopNControl, index: i64::from(index), column, value };
        let status = |s: EntryStatus| edit(top_n_column::STATUS, ControlValue::Integer(s.value()));
        backend.apply_edits(now, &[status(EntryStatus::CreateRequest)]).map_err(|e| e.reason)?;
        let mut edits: Vec<RowEdit> = request.columns().into_iter().map(|(c, v)| edit(c, v)).collect();
        edits.push(status(EntryStatus::Valid));
        if let Err(e) = backend.apply_edits(now, &edits) {
            // Leave no half-made row behind.
            let _ = backend.apply_edits(now, &[status(EntryStatus::Invalid)]);
            return Err(e.reason);
        }
        Ok(index)
    }

    fn write_buffer(&mut self, index: u16, path: &Path) -> Result<usize, String> {
        self.advance();
        let buffers = self.capture_buffers();
        let Some((_, _, merged)) = buffers.iter().find(|(i, _, _)| *i == index) else {
            return Err(format!("no valid capture buffer {index}"));
        };
        buffers::write_file(path, merged).map_err(|e| format!("{}: {e}", path.display()))?;
        Ok(merged.entries.len())
    }

    /// Stops the capture or the replay, and waits a little for it to end (a live capture
    /// takes its XDP program off the interface as it ends).
    fn quit(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        let deadline = std::time::Instant::now() + QUIT_WAIT;
        while self.runner.as_ref().is_some_and(|r| !r.is_finished()) && std::time::Instant::now() < deadline {
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
    }
}
