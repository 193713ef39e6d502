//! The terminal side: raw mode and the alternate screen, the event loop, and the thread that
//! talks to the source, so a slow agent never freezes the keys.
//!
//! The source is read once per refresh interval (default 1 s); the screen is drawn when a
//! reading arrives, a key is pressed or the terminal is resized, and not otherwise, so an idle
//! UI wakes only to poll for keys a few times a second.

use std::io;
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, Sender, unbounded};
use ratatui::crossterm::event::{self, Event as TermEvent, KeyEventKind};

use crate::tui::app::{App, Command, Event};
use crate::tui::screens;
use crate::tui::source::{Source, Wants};

/// How often the loop looks for keys when nothing else is due.
const KEY_POLL: Duration = Duration::from_millis(200);
/// How long quitting waits for the source to stop (an embedded probe ends its capture).
const QUIT_WAIT: Duration = Duration::from_millis(1500);

/// What the loop asks of the source's thread.
enum Request {
    Read(Wants),
    Do(Command),
}

/// Runs the UI on the terminal until the user quits.
pub fn run(source: Box<dyn Source>, app: App, refresh: Duration) -> io::Result<()> {
    run_app(source, app, refresh).map(|_| ())
}

/// [`run`], giving back the state it ended with: the Fleet asks it whether the user went back
/// ([`App::back`]) or quit.
pub fn run_app(source: Box<dyn Source>, mut app: App, refresh: Duration) -> io::Result<App> {
    let (requests, events, worker) = spawn_source(source)?;
    let mut terminal = ratatui::try_init()?;
    let result = (|| -> io::Result<()> {
        let mut next_read = Instant::now();
        let mut reading_in_flight = false;
        let mut last_wants = app.wants();
        let mut dirty = true;
        loop {
            // A screen that needs other tables is read at once, not at the next refresh.
            if app.wants() != last_wants {
                next_read = Instant::now();
            }
            if !app.paused && !reading_in_flight && Instant::now() >= next_read {
                last_wants = app.wants();
                reading_in_flight = requests.send(Request::Read(last_wants)).is_ok();
                next_read = Instant::now() + refresh;
            }
            while let Ok(e) = events.try_recv() {
                if matches!(e, Event::Reading(_)) {
                    reading_in_flight = false;
                }
                for command in app.update(e) {
                    let _ = requests.send(Request::Do(command));
                }
                dirty = true;
            }
            if dirty {
                terminal.draw(|frame| screens::render(&app, frame))?;
                dirty = false;
            }
            if app.quit {
                return Ok(());
            }
            let wait = next_read.saturating_duration_since(Instant::now()).clamp(Duration::from_millis(10), KEY_POLL);
            if event::poll(wait)? {
                match event::read()? {
                    TermEvent::Key(key) if key.kind != KeyEventKind::Release => {
                        let was_paused = app.paused;
                        for command in app.update(Event::Key(key)) {
                            let _ = requests.send(Request::Do(command));
                        }
                        if was_paused && !app.paused {
                            next_read = Instant::now();
                        }
                        dirty = true;
                    }
                    TermEvent::Resize(_, _) => dirty = true,
                    _ => {}
                }
            }
        }
    })();
    ratatui::restore();
    // The source's thread stops the probe on Quit; give it a moment, but never hang on it.
    let deadline = Instant::now() + QUIT_WAIT;
    while !worker.is_finished() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    result.map(|()| app)
}

/// The source's own thread: reads and commands in order, events back.
fn spawn_source(
    mut source: Box<dyn Source>,
) -> io::Result<(Sender<Request>, Receiver<Event>, std::thread::JoinHandle<()>)> {
    let (requests, inbox) = unbounded::<Request>();
    let (outbox, events) = unbounded::<Event>();
    let worker = std::thread::Builder::new().name("rmonprobe-tui-source".into()).spawn(move || {
        for request in inbox {
            let event = match request {
                Request::Read(wants) => Event::Reading(source.read(wants)),
                Request::Do(Command::StartTopN(r)) => Event::ReportStarted(source.start_top_n(&r)),
                Request::Do(Command::WriteBuffer { index, path }) => Event::BufferWritten(
                    source
                        .write_buffer(index, &path)
                        .map(|n| format!("wrote {n} frame(s) of buffer {index} to {}", path.display())),
                ),
                Request::Do(Command::Quit) => {
                    source.quit();
                    return;
                }
            };
            if outbox.send(event).is_err() {
                return;
            }
        }
    })?;
    Ok((requests, events, worker))
}
