//! While the UI holds the terminal, what the probe writes to standard error (a damaged file's
//! warning, the agent's log of SETs, a capture's notices) would land across the screen, where
//! ratatui, which redraws only what it changed, would leave it. So standard error goes to a file
//! meanwhile, and the file is named when the UI ends.

use std::fs::File;
use std::io::{self, IsTerminal};
use std::os::fd::OwnedFd;
use std::path::PathBuf;

use nix::unistd::{dup, dup2_stderr};

/// Standard error sent to a file until [`Redirect::finish`].
pub struct Redirect {
    saved: OwnedFd,
    path: PathBuf,
}

impl Redirect {
    /// Sends standard error to a file in the temporary directory, if it is a terminal (when it
    /// is not, it is already somewhere the UI does not draw).
    pub fn start() -> io::Result<Option<Redirect>> {
        if !io::stderr().is_terminal() {
            return Ok(None);
        }
        let path = std::env::temp_dir().join(format!("rmonprobe-tui-{}.log", std::process::id()));
        let file = File::create(&path)?;
        let saved = dup(io::stderr())?;
        dup2_stderr(&file)?;
        Ok(Some(Redirect { saved, path }))
    }

    /// Gives standard error back; says where the messages are, or removes the empty file.
    pub fn finish(self) {
        let _ = dup2_stderr(&self.saved);
        match std::fs::metadata(&self.path) {
            Ok(m) if m.len() > 0 => eprintln!("rmonprobe: the messages of this run are in {}", self.path.display()),
            _ => {
                let _ = std::fs::remove_file(&self.path);
            }
        }
    }
}
