//! The Fleet's loop on the terminal: the probes read every refresh interval by the pool, the
//! screen drawn when something changed, and Enter handing the terminal to the usual screens on
//! one probe (the single-agent remote mode) until Esc brings it back.

use std::io;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use ratatui::crossterm::event::{self, Event as TermEvent, KeyEventKind};

use crate::tui::app::App;
use crate::tui::fleet::poll::{PollOptions, spawn_pool};
use crate::tui::fleet::{Fleet, FleetEvent, ProbeSpec};
use crate::tui::oui::Vendors;
use crate::tui::screens;
use crate::tui::source::remote::{RemoteSource, Snmp2c};
use crate::tui::term;

/// How often the loop looks for keys when nothing else is due.
const KEY_POLL: Duration = Duration::from_millis(200);

/// How the Fleet reaches its probes and opens one.
pub struct FleetOptions {
    pub poll: PollOptions,
    /// For the hostTopN reports of an opened probe.
    pub write_community: Option<String>,
    pub refresh: Duration,
    pub capture_dir: PathBuf,
}

/// Runs the Fleet on the terminal until the user quits.
pub fn run(probes: Vec<ProbeSpec>, options: &FleetOptions) -> io::Result<()> {
    let (jobs, answers) = spawn_pool(options.poll.clone())?;
    let mut fleet = Fleet::new(probes);
    let mut in_flight = vec![false; fleet.probes.len()];
    let mut next_read = Instant::now();
    let vendors = Arc::new(Vendors::load());
    loop {
        let mut terminal = ratatui::try_init()?;
        let result = (|| -> io::Result<()> {
            let mut dirty = true;
            loop {
                if Instant::now() >= next_read {
                    // A probe still being read (a dead one, waiting out its timeout) is not asked again.
                    for (index, row) in fleet.probes.iter().enumerate() {
                        if !in_flight[index] {
                            in_flight[index] = jobs.send((index, row.spec.clone())).is_ok();
                        }
                    }
                    next_read = Instant::now() + options.refresh;
                }
                while let Ok((index, result)) = answers.try_recv() {
                    if let Some(f) = in_flight.get_mut(index) {
                        *f = false;
                    }
                    fleet.update(FleetEvent::Reading(index, result));
                    dirty = true;
                }
                if dirty {
                    terminal.draw(|frame| screens::fleet::render(&fleet, frame, frame.area()))?;
                    dirty = false;
                }
                if fleet.quit || fleet.open.is_some() {
                    return Ok(());
                }
                let wait =
                    next_read.saturating_duration_since(Instant::now()).clamp(Duration::from_millis(10), KEY_POLL);
                if event::poll(wait)? {
                    match event::read()? {
                        TermEvent::Key(key) if key.kind != KeyEventKind::Release => {
                            fleet.update(FleetEvent::Key(key));
                            dirty = true;
                        }
                        TermEvent::Resize(_, _) => dirty = true,
                        _ => {}
                    }
                }
            }
        })();
        ratatui::restore();
        result?;
        let Some(index) = fleet.open.take() else { return Ok(()) };
        let Some(spec) = fleet.probes.get(index).map(|r| r.spec.clone()) else { continue };
        match open(&spec, options, &vendors) {
            Ok(true) => {}
            Ok(false) => return Ok(()),
            Err(e) => fleet.message = Some(format!("cannot open {}: {e}", spec.address)),
        }
    }
}

/// The usual screens on `spec`, as `tui --agent` shows them; whether the user went back to
/// the Fleet (rather than quit).
fn open(spec: &ProbeSpec, options: &FleetOptions, vendors: &Arc<Vendors>) -> Result<bool, String> {
    let community = spec.community.as_deref().unwrap_or(&options.poll.community);
    let walker = Snmp2c::connect(&spec.address, community, options.write_community.as_deref(), options.poll.timeout)?;
    let source = RemoteSource::new(spec.address.clone(), walker);
    let mut app = App::new(format!("agent {}", spec.address), options.capture_dir.clone());
    app.vendors = Arc::clone(vendors);
    app.from_fleet = true;
    let app = term::run_app(Box::new(source), app, options.refresh).map_err(|e| format!("terminal: {e}"))?;
    Ok(app.back)
}
