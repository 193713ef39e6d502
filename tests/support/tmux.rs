//! A tmux server of a test's own, to drive the terminal UI as a user would and read its screen.

use std::process::Command;
use std::time::{Duration, Instant};

/// A tmux server of the test's own, killed at the end.
pub struct Tmux(String);

impl Tmux {
    /// A server named by `tag` (tests run side by side) running `command` in a 120x40 window.
    pub fn start(tag: &str, command: &str) -> Tmux {
        let t = Tmux(format!("rmonprobe-test-{tag}-{}", std::process::id()));
        let ok = t.run(&["new-session", "-d", "-s", "ui", "-x", "120", "-y", "40", command]);
        assert!(ok, "tmux new-session failed (scripts/deps.sh test installs tmux)");
        t
    }

    pub fn run(&self, args: &[&str]) -> bool {
        Command::new("tmux")
            .args(["-L", &self.0])
            .args(args)
            .status()
            .expect("tmux is needed for this test (scripts/deps.sh test installs it)")
            .success()
    }

    pub fn pane(&self) -> String {
        let out = Command::new("tmux").args(["-L", &self.0, "capture-pane", "-p", "-t", "ui"]).output().expect("tmux");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    pub fn keys(&self, key: &str) {
        assert!(self.run(&["send-keys", "-t", "ui", key]));
    }

    /// The pane once `test` holds for it, within `limit`, and still a moment later (a pane
    /// caught mid-redraw holds parts of two screens).
    pub fn wait_until(&self, what: &str, limit: Duration, test: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let pane = self.pane();
            if test(&pane) {
                std::thread::sleep(Duration::from_millis(30));
                if self.pane() == pane {
                    return pane;
                }
            }
            assert!(start.elapsed() < limit, "no {what} within {limit:?}; the pane:\n{pane}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// [`Tmux::wait_until`] the pane contains `text`.
    pub fn wait_for(&self, text: &str, limit: Duration) -> String {
        self.wait_until(&format!("{text:?}"), limit, |pane| pane.contains(text))
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux").args(["-L", &self.0, "kill-server"]).status();
    }
}
