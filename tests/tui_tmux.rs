//! End to end in a real terminal: `rmonprobe tui --replay` of the lab capture in a 120x40 tmux
//! window shows every screen through Tab, the busiest host by hostOutOctets and etherStatsPkts,
//! and exits within 2 s of `q`.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// A tmux server of the test's own, killed at the end.
struct Tmux(String);

impl Tmux {
    fn start(command: &str) -> Tmux {
        let t = Tmux(format!("rmonprobe-test-{}", std::process::id()));
        let ok = t.run(&["new-session", "-d", "-s", "ui", "-x", "120", "-y", "40", command]);
        assert!(ok, "tmux new-session failed (scripts/deps.sh test installs tmux)");
        t
    }

    fn run(&self, args: &[&str]) -> bool {
        Command::new("tmux")
            .args(["-L", &self.0])
            .args(args)
            .status()
            .expect("tmux is needed for this test (scripts/deps.sh test installs it)")
            .success()
    }

    fn pane(&self) -> String {
        let out = Command::new("tmux").args(["-L", &self.0, "capture-pane", "-p", "-t", "ui"]).output().expect("tmux");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn keys(&self, key: &str) {
        assert!(self.run(&["send-keys", "-t", "ui", key]));
    }

    /// The pane once it contains `text`, within `limit`.
    fn wait_for(&self, text: &str, limit: Duration) -> String {
        let start = Instant::now();
        loop {
            let pane = self.pane();
            if pane.contains(text) {
                return pane;
            }
            assert!(start.elapsed() < limit, "no {text:?} within {limit:?}; the pane:\n{pane}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux").args(["-L", &self.0, "kill-server"]).status();
    }
}

#[test]
fn tui_replay_in_tmux_shows_every_screen_and_quits_on_q() {
    let capture = Path::new(env!("CARGO_MANIFEST_DIR")).join("captures/lab-basic.pcapng");
    let command = format!(
        "{} tui --replay {} --speed max; echo RMONPROBE-EXITED; sleep 60",
        env!("CARGO_BIN_EXE_rmonprobe"),
        capture.display()
    );
    let tmux = Tmux::start(&command);
    // "final": the replay has ended and the figures are the capture's.
    let overview = tmux.wait_for("final", Duration::from_secs(20));
    assert!(overview.contains("etherStatsPkts            2,600"), "{overview}");
    assert!(overview.contains("utilization"), "{overview}");

    let mut seen = vec![overview];
    let markers = [
        "hostTable 1 · 11 hosts",
        "Top 4 by hostTopNOutOctets",
        "matrixSDTable · 29 pairs",
        "historyControl 1",
        "alarmTable",
        "channelTable",
    ];
    for marker in markers {
        tmux.keys("Tab");
        seen.push(tmux.wait_for(marker, Duration::from_secs(3)));
    }
    // Hosts: the busiest by hostOutOctets first, with its exact count (1,066,668 octets sent by
    // 02:72:6d:70:00:01, as captures/lab-basic.expected.json has it from tshark's dissection).
    let first_host = seen[1].lines().nth(3).unwrap_or_default();
    assert!(first_host.contains("02:72:6d:70:00:01") && first_host.contains("1,066,668"), "{}", seen[1]);
    let distinct: std::collections::BTreeSet<&String> = seen.iter().collect();
    assert_eq!(distinct.len(), 7, "seven distinct screens");
    // Tab from the last screen comes back to the first.
    tmux.keys("Tab");
    tmux.wait_for("etherStatsPkts", Duration::from_secs(3));

    let asked = Instant::now();
    tmux.keys("q");
    tmux.wait_for("RMONPROBE-EXITED", Duration::from_secs(2));
    assert!(asked.elapsed() < Duration::from_secs(2));
}
