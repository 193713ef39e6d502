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
    let help = draw(&app, 80, 24);
    // Every binding fits an 80x24 terminal, the last one too.
    let last = crate::tui::keys::BINDINGS.last().map(|b| b.help).unwrap_or_default();
    assert!(format!("{help}").contains(last), "{help}");
    insta::assert_snapshot!("Help", help);
}

#[test]
fn the_overview_says_what_went_to_remote_mirrors_sessions() {
    // Without --decap or --dedup nothing is said (the snapshots above); with them, the capture
    // interface's line says where its traffic went.
    let mut snapshot = fixture::snapshot();
    assert!(snapshot.tables.mirror_source.is_empty(), "a probe without --decap or --dedup has no mirror counts");
    snapshot.tables.mirror_source.push(crate::mib::rmonprobe::mirror::MirrorSourceEntry {
        if_index: 1,
        decapsulated: 10_400,
        duplicates: 12,
        ..Default::default()
    });
    let app = fixture::app_of(snapshot, Groups::ALL);
    let text = format!("{}", draw(&app, 120, 40));
    let line = text.lines().find(|l| l.contains("1 replay: utilization")).expect("the source's line");
    assert!(line.contains("· 10,400 tunnel pkts opened · 12 duplicates"), "{line}");
    assert!(!line.contains("bad encapsulations"), "{line}");
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

#[test]
fn user_history_charts_each_object_and_agrees_with_ether_history() {
    let mut app = fixture::app(Groups::ALL);
    screen(&mut app, Screen::UsrHistory);
    let wide = draw(&app, 120, 40);
    let text = format!("{wide}");
    assert!(text.contains("usrHistoryControl 1 (1/2, i: next) · every 10 s · 10 of 50 buckets"), "{text}");
    assert!(text.contains("1. etherStatsPkts.1 · deltaValue") && text.contains("2. etherStatsOctets.1"), "{text}");
    insta::assert_snapshot!("UsrHistory_120x40", wide);
    let shown = app.usr_history_shown().expect("usrHistoryControl 1");
    assert_eq!(shown.samples.len(), 10);
    assert_eq!(shown.samples.last().map(|s| s.end), Some(10_000), "the tenth ends at 100 s, the last complete one");
    // The buckets hold every frame but the 2 of the capture's last 0.06 s (tshark: 2 frames at
    // frame.time_relative >= 100, 495 in [90, 100), as the tenth bucket has).
    let total = |position: usize| shown.series(position).iter().map(|v| v.expect("a value")).sum::<i128>();
    let stats = &app.snapshot().unwrap().tables.ether_stats[0];
    assert_eq!(total(0), i128::from(stats.ether_stats_pkts) - 2);
    assert_eq!(shown.samples[9].values[0], Some(495));

    // Three 10 s buckets of usrHistoryControl 1 make each 30 s bucket of historyControl 1.
    let ether_history = &app.snapshot().unwrap().tables.ether_history;
    let history: Vec<(u64, u64, u64)> = ether_history
        .iter()
        .filter(|b| b.ether_history_index == 1)
        .map(|b| (b.ether_history_interval_start, b.ether_history_pkts, b.ether_history_octets))
        .collect();
    assert_eq!(history.len(), 3);
    for (i, (start, history_pkts, history_octets)) in history.iter().enumerate() {
        let thirds = &shown.samples[3 * i..3 * i + 3];
        assert_eq!(thirds[0].start, *start);
        let of = |position: usize| thirds.iter().map(|s| s.values[position].unwrap()).sum::<i128>();
        assert_eq!((of(0), of(1)), (i128::from(*history_pkts), i128::from(*history_octets)), "bucket {}", i + 1);
    }

    // `i`: usrHistoryControl 2, over 30 s: a deltaValue of etherStatsPkts.1 is etherHistoryPkts
    // of the 30 s historyControl row, bucket for bucket.
    press(&mut app, KeyCode::Char('i'));
    let shown = app.usr_history_shown().expect("usrHistoryControl 2");
    assert_eq!(shown.control.usr_history_control_index, 2);
    let usr: Vec<(u64, u64, Option<i128>)> = shown.samples.iter().map(|s| (s.start, s.end, s.values[0])).collect();
    let ether: Vec<(u64, u64, Option<i128>)> =
        history.iter().map(|(s, p, _)| (*s, s + 3000, Some(i128::from(*p)))).collect();
    assert_eq!(usr, ether);
    // hostControlTableSize.1, absoluteValue: the hosts learned by each bucket's end, the last the
    // whole hostTable.
    let hosts = app.snapshot().unwrap().tables.hosts.iter().filter(|h| h.host_index == 1).count();
    assert_eq!(shown.series(1).last().copied().flatten(), Some(hosts as i128));
    let text = format!("{}", draw(&app, 80, 24));
    assert!(text.contains("hostControlTableSize.1"), "{text}");
    insta::assert_snapshot!("UsrHistory_second_row", draw(&app, 80, 24));

    // `o` puts the other object's chart first; `i` goes round to row 1 again.
    press(&mut app, KeyCode::Char('o'));
    assert_eq!(app.usr_history_first_object(2), 1);
    let text = format!("{}", draw(&app, 80, 24));
    let first_chart = text.lines().find(|l| l.contains("┌")).unwrap_or_default();
    assert!(first_chart.contains("2. hostControlTableSize.1"), "{text}");
    press(&mut app, KeyCode::Char('i'));
    assert_eq!(app.usr_history_shown().map(|s| s.control.usr_history_control_index), Some(1));
    assert_eq!(app.usr_history_first_object(2), 0);
}

#[test]
fn user_history_says_how_to_make_a_row_and_signs_its_values() {
    use crate::mib::rmon2::usr_history::UsrHistoryValStatus;

    let mut app = fixture::app(Groups::ALL);
    screen(&mut app, Screen::UsrHistory);
    let mut snapshot = app.snapshot().unwrap().clone();
    // A fall is a negative value, and an interval without one a gap: object 1 of the newest
    // bucket and of the one before (usrHistoryTable's index is control, sample, object).
    let row1: Vec<usize> = (0..snapshot.tables.usr_history.len())
        .filter(|&i| snapshot.tables.usr_history[i].usr_history_control_index == 1)
        .collect();
    let (newest, before) = (row1[row1.len() - 2], row1[row1.len() - 4]);
    let t = &mut snapshot.tables.usr_history;
    assert_eq!((t[newest].usr_history_sample_index, t[newest].usr_history_object_index), (10, 1));
    t[newest].usr_history_val_status = UsrHistoryValStatus::ValueNegative;
    t[before].usr_history_val_status = UsrHistoryValStatus::ValueNotAvailable;
    t[before].usr_history_abs_value = 0;
    let reading = |snapshot: crate::rmon::Snapshot, groups: Groups| {
        Event::Reading(Ok(crate::tui::source::Reading {
            snapshot: std::sync::Arc::new(snapshot),
            groups,
            finished: true,
            every_table: true,
        }))
    };
    app.update(reading(snapshot.clone(), Groups::ALL));
    let shown = app.usr_history_shown().unwrap();
    let series = shown.series(0);
    let fall = snapshot.tables.usr_history[newest].usr_history_abs_value;
    assert_eq!(series[9], Some(-i128::from(fall)));
    assert_eq!(series[8], None);
    let wide = draw(&app, 120, 40);
    let text = format!("{wide}");
    assert!(text.contains(&format!("latest -{fall}")) && text.contains("1 not available"), "{text}");
    let newest_row = text.lines().find(|l| l.contains("│10     ")).unwrap_or_default();
    assert!(newest_row.contains(&format!("-{fall}")), "{text}");
    assert!(text.lines().any(|l| l.contains("│9      ") && l.contains("n/a")), "{text}");
    insta::assert_snapshot!("UsrHistory_fall_and_gap", wide);

    // A row made by SET whose objects are not named yet: it says what it waits for.
    let mut waiting = snapshot.clone();
    waiting.tables.usr_history_control[0].usr_history_control_status = crate::mib::tc::RowStatus::NotReady;
    waiting.tables.usr_history_object.retain(|o| o.usr_history_control_index != 1);
    waiting.tables.usr_history.retain(|b| b.usr_history_control_index != 1);
    app.update(reading(waiting, Groups::ALL));
    let text = format!("{}", draw(&app, 80, 24));
    assert!(text.contains("usrHistoryControl 1 is notReady with 0 objects"), "{text}");

    // No row: a line says how to make one.
    snapshot.tables.usr_history_control.clear();
    snapshot.tables.usr_history_object.clear();
    snapshot.tables.usr_history.clear();
    app.update(reading(snapshot.clone(), Groups::ALL));
    let text = format!("{}", draw(&app, 80, 24));
    assert!(text.contains("No usrHistoryControl row") && text.contains("[[usrHistoryControl]]"), "{text}");
    // An agent without the group.
    app.update(reading(snapshot, Groups { usr_history: false, ..Groups::ALL }));
    let text = format!("{}", draw(&app, 80, 24));
    assert!(text.contains("does not implement the RMON-MIB RMON2 user history"), "{text}");
}

#[test]
fn latency_lists_the_slowest_server_first_with_its_clients() {
    let mut app = fixture::app(Groups::ALL);
    screen(&mut app, Screen::Latency);
    let servers = app.latency_servers();
    assert!(!servers.is_empty(), "the lab capture has TCP handshakes");
    // Slowest first: the server delay's p99 never rises down the list.
    assert!(servers.windows(2).all(|w| w[0].server_delay_p99_us >= w[1].server_delay_p99_us));
    insta::assert_snapshot!("Latency_120x40", draw(&app, 120, 40));
    // ↓ selects the next server; its clients follow it.
    press(&mut app, KeyCode::Down);
    let second = app.latency_server().map(|s| (s.server_address, s.server_port));
    assert_eq!(second, servers_at(&app, 1));
    assert!(app.latency_clients().iter().all(|p| Some((p.server_address, p.server_port)) == second));
}

/// The address and port of the `i`th server listed.
fn servers_at(app: &App, i: usize) -> Option<(crate::mib::NetAddr, u16)> {
    app.latency_servers().get(i).map(|s| (s.server_address, s.server_port))
}

#[test]
fn latency_says_when_nothing_was_measured_or_the_agent_lacks_it() {
    let mut app = fixture::app(Groups::ALL);
    screen(&mut app, Screen::Latency);
    let mut snapshot = app.snapshot().unwrap().clone();
    snapshot.tables.tcp_latency_server.clear();
    snapshot.tables.tcp_latency_pair.clear();
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
    assert!(text.contains("No TCP handshakes seen (or latency tracking is off:"), "{text}");
    app.update(reading(snapshot, Groups { tcp_latency: false, ..Groups::ALL }));
    let text = format!("{}", draw(&app, 80, 24));
    assert!(text.contains("does not implement RMONPROBE-MIB's tcpLatency group"), "{text}");
}

/// Three probes: two up with two readings each (so rates show), one that timed out.
fn fleet_fixture() -> crate::tui::fleet::Fleet {
    use crate::packet::MacAddr;
    use crate::tui::fleet::{Counters, Fleet, FleetEvent, ProbeReading, ProbeSpec};
    let mut fleet = Fleet::new(vec![
        ProbeSpec::new("10.0.0.5:161"),
        ProbeSpec::new("10.0.0.7:161"),
        ProbeSpec::new("probe-b.lab:16100"),
    ]);
    let reading = |ticks, octets, pkts, errors, drops, if_speed, busiest, alarms| ProbeReading {
        ticks,
        if_speed,
        counters: Some(Counters { octets, pkts, errors, drops }),
        busiest,
        alarms,
    };
    let host = Some(MacAddr([0x02, 0x72, 0x6d, 0x70, 0x00, 0x01]));
    let first = [
        reading(1000, 1_000_000, 10_000, 3, 0, Some(100_000_000), host, 2),
        reading(1000, 5_000, 40, 0, 0, None, None, 0),
    ];
    let second = [
        reading(1200, 6_000_000, 22_000, 9, 4, Some(100_000_000), host, 2),
        reading(1200, 65_000, 340, 0, 0, None, None, 0),
    ];
    for (i, r) in first.into_iter().chain(second).enumerate() {
        fleet.update(FleetEvent::Reading(i % 2, Ok(r)));
    }
    fleet.update(FleetEvent::Reading(2, Err("timed out".into())));
    fleet
}

#[test]
fn fleet_at_100x10() {
    let fleet = fleet_fixture();
    let mut terminal = Terminal::new(TestBackend::new(100, 10)).expect("a test terminal");
    terminal.draw(|f| crate::tui::screens::fleet::render(&fleet, f, f.area())).expect("drawn");
    insta::assert_snapshot!("Fleet_100x10", terminal.backend().clone());
    let mut narrow = Terminal::new(TestBackend::new(80, 10)).expect("a test terminal");
    narrow.draw(|f| crate::tui::screens::fleet::render(&fleet, f, f.area())).expect("drawn");
    insta::assert_snapshot!("Fleet_80x10", narrow.backend().clone());
    // The unreachable probe selected: its whole error under the table.
    let mut fleet = fleet;
    fleet.update(crate::tui::fleet::FleetEvent::Key(KeyEvent::new(KeyCode::End, KeyModifiers::NONE)));
    terminal.draw(|f| crate::tui::screens::fleet::render(&fleet, f, f.area())).expect("drawn");
    let text = format!("{}", terminal.backend());
    assert!(text.contains("probe-b.lab:16100: timed out"), "{text}");
    insta::assert_snapshot!("Fleet_unreachable_selected_100x10", terminal.backend().clone());
}
