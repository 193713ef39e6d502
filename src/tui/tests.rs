//! The App's behaviour, event by event: readings a window apart make the Top N ranking, keys
//! make the commands for the source, and a failed reading keeps the figures on screen.

use std::path::PathBuf;
use std::sync::Arc;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::packet::MacAddr;
use crate::rmon::hosts::HostEntry;
use crate::rmon::topn::RateBase;
use crate::rmon::{Snapshot, Timestamp};
use crate::tui::app::{App, Command, Event, Screen, Span};
use crate::tui::fixture;
use crate::tui::source::{Groups, Reading, TopNRequest};

fn host(n: u8, out_octets: u64) -> HostEntry {
    HostEntry {
        host_address: MacAddr([2, 0, 0, 0, 0, n]),
        host_creation_order: u32::from(n),
        host_index: 1,
        host_in_pkts: 0,
        host_out_pkts: out_octets / 100,
        host_in_octets: 0,
        host_out_octets: out_octets,
        host_out_errors: 0,
        host_out_broadcast_pkts: 0,
        host_out_multicast_pkts: 0,
    }
}

/// A reading at `secs` of probe time with hosts 1..3 having sent `octets` each.
fn reading(secs: u64, octets: [u64; 3]) -> Event {
    let mut s = fixture::snapshot();
    s.start = Timestamp(0);
    s.at = Timestamp(secs * 1_000_000_000);
    s.tables.hosts = octets.iter().enumerate().map(|(i, o)| host(i as u8 + 1, *o)).collect();
    Event::Reading(Ok(Reading { snapshot: Arc::new(s), groups: Groups::ALL, finished: false, every_table: true }))
}

fn key(app: &mut App, c: char) -> Vec<Command> {
    app.update(Event::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)))
}

#[test]
fn top_n_ranks_the_change_over_the_window_not_the_totals() {
    let mut app = App::new("t".into(), PathBuf::from("."));
    // Host 1 sent most before the window; host 3 most within it.
    app.update(reading(100, [1_000_000, 500, 0]));
    let (span, ranked) = app.ranking();
    assert_eq!(span, Span::SinceStart(10_000), "one reading: totals since the start");
    assert_eq!(ranked[0].address, MacAddr([2, 0, 0, 0, 0, 1]));
    // The default window is 60 s: readings 10 s apart are kept an eighth of a window apart.
    for secs in (110..=160).step_by(10) {
        app.update(reading(secs, [1_000_000 + secs, 500 + secs * 10, (secs - 100) * 1000]));
    }
    let (span, ranked) = app.ranking();
    assert_eq!(span, Span::Window(6_000));
    let order: Vec<u8> = ranked.iter().map(|r| r.address.0[5]).collect();
    assert_eq!(order, [3, 2, 1]);
    assert_eq!(ranked[0].change, 60_000);
    assert!((ranked[0].rate - 1000.0).abs() < 1e-9);
}

#[test]
fn keys_become_commands_for_the_source() {
    let mut app = fixture::app(Groups::ALL);
    assert!(key(&mut app, 'n').is_empty(), "n does nothing outside Top N");
    key(&mut app, '3');
    key(&mut app, 'b');
    key(&mut app, 'w');
    let commands = key(&mut app, 'n');
    let request = TopNRequest { host_index: 1, rate_base: RateBase::OutPkts, duration: 300, requested_size: 20 };
    assert_eq!(commands, vec![Command::StartTopN(request)]);
    key(&mut app, '7');
    let commands = key(&mut app, 'w');
    let ticks = app.snapshot().map(Snapshot::sys_up_time).unwrap();
    assert_eq!(
        commands,
        vec![Command::WriteBuffer { index: 1, path: PathBuf::from(format!("./buffer-1-{ticks}.pcap")) }]
    );
    assert_eq!(key(&mut app, 'q'), vec![Command::Quit]);
    assert!(app.quit);
}

#[test]
fn screens_cycle_and_a_failed_reading_keeps_the_figures() {
    let mut app = fixture::app(Groups::ALL);
    // Once round the thirteen screens and one more: back to Hosts; Shift-Tab to the Overview.
    for expected in Screen::ALL.iter().cycle().skip(1).take(14) {
        app.update(Event::Key(KeyEvent::new(KeyCode::Tab, KeyModifiers::NONE)));
        assert_eq!(app.screen, *expected);
    }
    app.update(Event::Key(KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT)));
    assert_eq!(app.screen, Screen::Overview);
    app.update(Event::Reading(Err("timed out".into())));
    assert_eq!(app.error.as_deref(), Some("timed out"));
    assert_eq!(app.ether_stats().map(|e| e.ether_stats_pkts), Some(2600));
    // Paused, a reading is not taken.
    key(&mut app, 'p');
    app.update(reading(500, [1, 2, 3]));
    assert_eq!(app.snapshot().map(Snapshot::sys_up_time), Some(10_006));
}
