//! Snapshots of every screen, drawn from the fixture (the lab capture's tables) with ratatui's
//! TestBackend and compared by insta with the files under `snapshots/`.

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::tui::app::{App, Event, Screen};
use crate::tui::oui::Vendors;
use crate::tui::screens::render;
use crate::tui::source::Groups;
use crate::tui::{fixture, keys};

fn draw(app: &App, width: u16, height: u16) -> TestBackend {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("a test terminal");
    terminal.draw(|f| render(app, f)).expect("drawn");
    terminal.backend().clone()
}

fn press(app: &mut App, code: KeyCode) {
    app.update(Event::Key(KeyEvent::new(code, KeyModifiers::NONE)));
}

fn screen(app: &mut App, screen: Screen) {
    // By its key: 1 to 9, then 0 and -.
    press(app, KeyCode::Char(keys::screen_key(screen)));
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

#[test]
fn ip_screens_filter_by_address_and_show_vendors() {
    let mut app = fixture::app(Groups::ALL);
    // The lab's hosts are 02:72:6d:70:00:0N; a registry that names their OUI.
    app.vendors = std::sync::Arc::new(Vendors::parse("02-72-6D   (hex)\t\tLab Networks Inc\n"));
    screen(&mut app, Screen::IpHosts);
    let text = format!("{}", draw(&app, 100, 30));
    let first = text.lines().nth(3).unwrap();
    assert!(first.contains("10.77.0.1") && first.contains("02:72:6d:70:00:01 Lab"), "{first}");
    press(&mut app, KeyCode::Char('/'));
    for c in "fe80".chars() {
        press(&mut app, KeyCode::Char(c));
    }
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.ip_host_rows().len(), 4, "the four link-local addresses");
    insta::assert_snapshot!("IpHosts_filtered_with_vendors", draw(&app, 100, 30));
    // The same filter on the conversations: those with a link-local end.
    screen(&mut app, Screen::IpMatrix);
    assert!(app.ip_pairs().iter().all(|p| p.source_address.to_string().starts_with("fe80")
        || p.dest_address.to_string().starts_with("fe80")));
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.ip_pairs().len(), 34);
    // From OutOctets, the third column on: InPkts, busiest first.
    screen(&mut app, Screen::IpHosts);
    for _ in 0..3 {
        press(&mut app, KeyCode::Char('s'));
    }
    assert_eq!(app.ip_host_rows()[0].nl_host_address.to_string(), "10.77.0.3");
    // The Hosts screen names the vendor too.
    screen(&mut app, Screen::Hosts);
    let text = format!("{}", draw(&app, 120, 40));
    assert!(text.contains("02:72:6d:70:00:01 Lab"), "{text}");
}

#[test]
fn protocols_are_a_tree_whose_link_layer_is_every_good_frame() {
    let mut app = fixture::app(Groups::ALL);
    screen(&mut app, Screen::Protocols);
    let rows = app.protocol_rows();
    let names: Vec<&str> = rows.iter().map(|r| r.descr.as_str()).collect();
    assert_eq!(names[..3], ["ether2", "ether2.arp", "ether2.ip"]);
    let ether2 = rows.iter().find(|r| r.descr == "ether2").unwrap();
    let (ip, ipv6, arp) = ["ether2.ip", "ether2.ipv6", "ether2.arp"]
        .map(|n| rows.iter().find(|r| r.descr == n).map_or(0, |r| r.pkts))
        .into();
    assert_eq!(ether2.pkts, ip + ipv6 + arp, "every frame of the lab capture is IPv4, IPv6 or ARP");
    assert_eq!(ether2.pkts, 2600);
    let text = format!("{}", draw(&app, 80, 24));
    assert!(text.contains("100.0%"), "{text}");
}

#[test]
fn applications_count_each_packet_once_and_narrow_to_one() {
    let mut app = fixture::app(Groups::ALL);
    screen(&mut app, Screen::Applications);
    // Each packet once: the hosts' Out counters summed are protocolDist's count of it, and so
    // are its conversations' counts.
    let rows = app.application_rows();
    let names: Vec<&str> = rows.iter().map(|r| r.descr.as_str()).collect();
    assert_eq!(names, ["ether2.ip.tcp.www-http", "ether2.ip.udp.domain", "ether2.ip.tcp.domain"]);
    for row in &rows {
        let dist = app.protocol_rows().into_iter().find(|p| p.descr == row.descr).unwrap();
        assert_eq!((row.pkts, row.octets), (dist.pkts, dist.octets), "{}", row.descr);
        let pairs: Vec<_> =
            app.application_pairs().into_iter().filter(|p| p.al_protocol_dir_local_index == row.local_index).collect();
        assert_eq!(pairs.iter().map(|p| p.pkts).sum::<u64>(), row.pkts, "{}", row.descr);
    }
    let wide = draw(&app, 120, 40);
    let text = format!("{wide}");
    assert!(text.contains("alHostTable 1 · 3 applications"), "{text}");
    insta::assert_snapshot!("Applications_120x40", wide);

    // Enter keeps the selected application (domain over udp) alone below; `/` a host.
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.applications.picked, Some(rows[1].local_index));
    press(&mut app, KeyCode::Char('/'));
    for c in "10.77.0.2".chars() {
        press(&mut app, KeyCode::Char(c));
    }
    press(&mut app, KeyCode::Enter);
    assert!(
        app.application_hosts().iter().all(|h| h.al_protocol_dir_local_index == rows[1].local_index
            && h.nl_host_address.to_string().contains("10.77.0.2"))
    );
    assert!(app.application_pairs().iter().all(|p| p.al_protocol_dir_local_index == rows[1].local_index));
    insta::assert_snapshot!("Applications_picked_filtered", draw(&app, 80, 24));
    // Esc: every application again, then no filter.
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.applications.picked, None);
    assert_eq!(app.ip.filter, "10.77.0.2");
    press(&mut app, KeyCode::Esc);
    assert!(app.ip.filter.is_empty());
}

#[test]
fn applications_say_when_the_layer_is_off_or_missing() {
    let mut app = fixture::app(Groups::ALL);
    screen(&mut app, Screen::Applications);
    let mut snapshot = app.snapshot().unwrap().clone();
    for row in &mut snapshot.tables.hl_host_control {
        row.hl_host_control_al_max_desired_entries = 0;
    }
    snapshot.tables.al_host.clear();
    snapshot.tables.al_matrix_sd.clear();
    let reading = |snapshot: crate::rmon::Snapshot, groups: Groups| {
        Event::Reading(Ok(crate::tui::source::Reading {
            snapshot: std::sync::Arc::new(snapshot),
            groups,
            finished: true,
            every_table: true,
        }))
    };
    app.update(reading(snapshot.clone(), Groups::ALL));
    let text = format!("{}", draw(&app, 80, 24));
    assert!(text.contains("The application layer is off: hlHostControlAlMaxDesiredEntries.1 is 0"), "{text}");
    // On, but nothing of an application counted yet.
    snapshot.tables.hl_host_control[0].hl_host_control_al_max_desired_entries = -1;
    app.update(reading(snapshot.clone(), Groups::ALL));
    let text = format!("{}", draw(&app, 80, 24));
    assert!(text.contains("alHostTable 1 has no application yet"), "{text}");
    // An agent that keeps to the network layer.
    app.update(reading(snapshot, Groups { al_host: false, al_matrix: false, ..Groups::ALL }));
    let text = format!("{}", draw(&app, 80, 24));
    assert!(text.contains("does not implement the RMON-MIB RMON2 alHost group"), "{text}");
}
