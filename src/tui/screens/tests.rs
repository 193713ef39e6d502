//! Snapshots of every screen, drawn from the fixture (the lab capture's tables) with ratatui's
//! TestBackend and compared by insta with the files under `snapshots/`.

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::tui::app::{App, Event, Screen};
use crate::tui::fixture;
use crate::tui::screens::render;
use crate::tui::source::Groups;

fn draw(app: &App, width: u16, height: u16) -> TestBackend {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("a test terminal");
    terminal.draw(|f| render(app, f)).expect("drawn");
    terminal.backend().clone()
}

fn press(app: &mut App, code: KeyCode) {
    app.update(Event::Key(KeyEvent::new(code, KeyModifiers::NONE)));
}

fn screen(app: &mut App, screen: Screen) {
    let n = Screen::ALL.iter().position(|s| *s == screen).unwrap() as u8;
    press(app, KeyCode::Char((b'1' + n) as char));
    assert_eq!(app.screen, screen);
}

#[test]
fn every_screen_at_80x24() {
    let mut app = fixture::app(Groups::ALL);
    for s in Screen::ALL {
        screen(&mut app, s);
        insta::assert_snapshot!(format!("{s:?}_80x24"), draw(&app, 80, 24));
    }
}

#[test]
fn overview_and_hosts_at_120x40_show_exact_counters() {
    let mut app = fixture::app(Groups::ALL);
    let overview = draw(&app, 120, 40);
    insta::assert_snapshot!("Overview_120x40", overview);
    screen(&mut app, Screen::Hosts);
    let hosts = draw(&app, 120, 40);
    // The busiest host by hostOutOctets heads the list, with its exact count.
    let text = format!("{hosts}");
    let first_row = text.lines().nth(3).unwrap();
    assert!(first_row.contains("02:72:6d:70:00:01") && first_row.contains("1,066,668"), "{first_row}");
    insta::assert_snapshot!("Hosts_120x40", hosts);
}

#[test]
fn capture_at_120x40_lists_packets_above_the_decoded_one() {
    let mut app = fixture::app(Groups::ALL);
    screen(&mut app, Screen::Capture);
    let capture = draw(&app, 120, 40);
    // Stacked, the hex view gets the full width: 16 octets a line and their characters.
    let text = format!("{capture}");
    let list_row = text.lines().position(|l| l.contains("captureBufferTable 1 ·")).expect("packet list");
    let hex_row = text.lines().position(|l| l.contains("0000  ")).expect("hex view");
    assert!(hex_row > list_row, "{text}");
    insta::assert_snapshot!("Capture_120x40", capture);
}

#[test]
fn interactions_change_what_is_drawn() {
    let mut app = fixture::app(Groups::ALL);
    screen(&mut app, Screen::Hosts);
    press(&mut app, KeyCode::Char('/'));
    for c in "00:03".chars() {
        press(&mut app, KeyCode::Char(c));
    }
    press(&mut app, KeyCode::Enter);
    insta::assert_snapshot!("Hosts_filtered", draw(&app, 80, 24));

    screen(&mut app, Screen::Matrix);
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Enter);
    insta::assert_snapshot!("Matrix_peers", draw(&app, 80, 24));

    screen(&mut app, Screen::Capture);
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Down);
    insta::assert_snapshot!("Capture_third_packet", draw(&app, 100, 30));

    screen(&mut app, Screen::History);
    press(&mut app, KeyCode::Char('i'));
    insta::assert_snapshot!("History_second_interval", draw(&app, 80, 24));

    press(&mut app, KeyCode::Char('?'));
    insta::assert_snapshot!("Help", draw(&app, 80, 24));
}

#[test]
fn a_mini_rmon_agent_without_hosts_says_so() {
    let groups =
        Groups { hosts: false, host_top_n: false, matrix: false, filter: false, capture: false, ..Groups::ALL };
    let mut app = fixture::app(groups);
    screen(&mut app, Screen::Hosts);
    let text = format!("{}", draw(&app, 80, 24));
    assert!(text.contains("does not implement the RMON-MIB hosts group"), "{text}");
    screen(&mut app, Screen::Capture);
    let text = format!("{}", draw(&app, 80, 24));
    assert!(text.contains("does not implement the RMON-MIB filter and capture"), "{text}");
    screen(&mut app, Screen::History);
    let text = format!("{}", draw(&app, 80, 24));
    assert!(!text.contains("does not implement"), "{text}");
}
