//! Starting the UI on each kind of source: a replay, a live capture, an agent, or a fleet of
//! agents.

use std::io;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use crate::capture::CaptureInput;
use crate::live::{RunOptions, run_embedded};
use crate::replay::{Embedding, ReplayOptions, Speed, replay_embedded_inputs};
use crate::session::Servers;
use crate::snmp::serve::AgentSetup;
use crate::snmp::usm::client::Credentials;
use crate::tui::app::App;
use crate::tui::fleet::run::FleetOptions;
use crate::tui::fleet::{self, ProbeSpec};
use crate::tui::oui::Vendors;
use crate::tui::source::local::{Ended, LocalSource};
use crate::tui::source::remote::{RemoteSource, Snmp2c, Snmp3};
use crate::tui::stderr::Redirect;
use crate::tui::term;

/// Why the UI could not start, or ended in error: what `main` prints once the terminal is back.
#[derive(Debug, thiserror::Error)]
pub enum LaunchError {
    #[error("cannot set standard error aside: {0}")]
    Stderr(#[source] io::Error),
    /// The thread that runs the embedded probe (`replay` or `capture`).
    #[error("cannot start the {0} thread: {1}")]
    Thread(&'static str, #[source] io::Error),
    #[error("terminal: {0}")]
    Terminal(#[source] io::Error),
    /// The remote agent could not be reached (the message says why).
    #[error("{0}")]
    Agent(String),
}

/// Runs `ui` with standard error in a file (see [`Redirect`]); an error of the UI itself is
/// returned, to be printed once the terminal is back.
fn with_stderr_aside(ui: impl FnOnce() -> Result<(), LaunchError>) -> Result<(), LaunchError> {
    let redirect = Redirect::start().map_err(LaunchError::Stderr)?;
    let result = ui();
    if let Some(r) = redirect {
        r.finish();
    }
    result
}

/// How the UI runs, whatever it watches.
pub struct TuiOptions {
    /// How often the source is read (and the screen redrawn when nothing else happens).
    pub refresh: Duration,
    /// Where `w` writes capture buffers.
    pub capture_dir: PathBuf,
}

/// Replays `options.files` into an embedded probe and watches it; `repeat` loops the files as if
/// live. With `agent`, SNMP is served from the same probe while the replay runs.
pub fn replay(
    options: ReplayOptions,
    agent: Option<AgentSetup>,
    repeat: bool,
    tui: &TuiOptions,
) -> Result<(), LaunchError> {
    let inputs = options.files.iter().cloned().map(CaptureInput::File).collect();
    with_stderr_aside(|| replay_inner(inputs, options, Servers::agent(agent), repeat, tui))
}

/// `demo`: `capture` (a file, or the one built into the binary) looped as if live and watched,
/// with SNMP served from the same probe when `agent` is given.
pub fn demo(
    capture: CaptureInput,
    options: ReplayOptions,
    servers: Servers,
    tui: &TuiOptions,
) -> Result<(), LaunchError> {
    with_stderr_aside(|| replay_inner(vec![capture], options, servers, true, tui))
}

fn replay_inner(
    inputs: Vec<CaptureInput>,
    options: ReplayOptions,
    servers: Servers,
    repeat: bool,
    tui: &TuiOptions,
) -> Result<(), LaunchError> {
    let names: Vec<String> = inputs.iter().map(|i| i.name().display().to_string()).collect();
    let speed = match options.speed {
        Speed::Max => "max".to_string(),
        Speed::Factor(f) => format!("{f}x"),
    };
    let title = format!("replay of {} at {speed}{}", names.join(", "), if repeat { ", looped" } else { "" });
    let (tap, taps) = crossbeam_channel::bounded(1);
    let stop = Arc::new(AtomicBool::new(false));
    let embedding = Embedding { view: tap, repeat, stop: Arc::clone(&stop) };
    let runner = std::thread::Builder::new()
        .name("rmonprobe-replay".into())
        .spawn(move || {
            let mut replayed =
                replay_embedded_inputs(inputs, &options, servers, embedding).map_err(|e| e.to_string())?;
            replayed.finish_agent().map_err(|e| e.to_string())?;
            let end = replayed.end_time();
            Ok(Ended { probe: replayed.probe, shards: replayed.shards, end })
        })
        .map_err(|e| LaunchError::Thread("replay", e))?;
    let source = LocalSource::new(title.clone(), taps, runner, stop);
    term::run(Box::new(source), new_app(title, tui), tui.refresh).map_err(LaunchError::Terminal)
}

/// Captures live on `options.interfaces` into an embedded probe and watches it.
pub fn live(options: RunOptions, agent: Option<AgentSetup>, tui: &TuiOptions) -> Result<(), LaunchError> {
    with_stderr_aside(|| live_inner(options, agent, tui))
}

fn live_inner(options: RunOptions, agent: Option<AgentSetup>, tui: &TuiOptions) -> Result<(), LaunchError> {
    let title = format!("live on {} ({})", options.interfaces.join(", "), options.engine);
    let (tap, taps) = crossbeam_channel::bounded(1);
    let stop = Arc::new(AtomicBool::new(false));
    let run_stop = Arc::clone(&stop);
    let runner = std::thread::Builder::new()
        .name("rmonprobe-live".into())
        .spawn(move || {
            let run = run_embedded(&options, Servers::agent(agent), &run_stop, Some(tap)).map_err(|e| e.to_string())?;
            Ok(Ended { probe: run.probe, shards: run.shards, end: run.end })
        })
        .map_err(|e| LaunchError::Thread("capture", e))?;
    let source = LocalSource::new(title.clone(), taps, runner, stop);
    term::run(Box::new(source), new_app(title, tui), tui.refresh).map_err(LaunchError::Terminal)
}

/// Watches the RMON agent at `agent` (HOST[:PORT]) over SNMPv2c.
pub fn remote(
    agent: &str,
    community: &str,
    write_community: Option<&str>,
    timeout: Duration,
    tui: &TuiOptions,
) -> Result<(), LaunchError> {
    with_stderr_aside(|| remote_inner(agent, community, write_community, timeout, tui))
}

/// Watches the RMON agent at `agent` over SNMPv3 as the user of `credentials`.
pub fn remote_v3(
    agent: &str,
    credentials: &Credentials,
    timeout: Duration,
    tui: &TuiOptions,
) -> Result<(), LaunchError> {
    with_stderr_aside(|| {
        let walker = Snmp3::connect(agent, credentials, timeout).map_err(LaunchError::Agent)?;
        let source = RemoteSource::new(agent.to_string(), walker);
        let title = format!("agent {agent} (SNMPv3, {})", credentials.user);
        term::run(Box::new(source), new_app(title, tui), tui.refresh).map_err(LaunchError::Terminal)
    })
}

fn remote_inner(
    agent: &str,
    community: &str,
    write_community: Option<&str>,
    timeout: Duration,
    tui: &TuiOptions,
) -> Result<(), LaunchError> {
    let walker = Snmp2c::connect(agent, community, write_community, timeout).map_err(LaunchError::Agent)?;
    let source = RemoteSource::new(agent.to_string(), walker);
    let title = format!("agent {agent}");
    term::run(Box::new(source), new_app(title, tui), tui.refresh).map_err(LaunchError::Terminal)
}

/// The UI's state for a launch, with the machine's MAC vendor names when it has the registry.
fn new_app(title: String, tui: &TuiOptions) -> App {
    let mut app = App::new(title, tui.capture_dir.clone());
    app.vendors = Arc::new(Vendors::load());
    app
}

/// Watches several RMON agents on the Fleet screen, each over SNMPv2c with its own community
/// or `options.poll.community`; Enter opens one as [`remote`] does.
pub fn fleet(probes: Vec<ProbeSpec>, options: &FleetOptions) -> Result<(), LaunchError> {
    with_stderr_aside(|| fleet::run::run(probes, options).map_err(LaunchError::Terminal))
}
