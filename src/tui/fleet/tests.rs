//! The `--agents` parser, the rates and the Fleet's sort.

use std::path::Path;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::*;

fn parse(text: &str) -> Result<Vec<ProbeSpec>, String> {
    parse_agents(text, Path::new("fleet.txt"))
}

#[test]
fn agents_file_good_lines_and_comments() {
    let text = "# the lab\n\n10.0.0.5:161 public\nprobe-b   # default port\n  [::1]:16100 secret \n::1\n";
    let probes = parse(text).unwrap();
    assert_eq!(
        probes,
        vec![
            ProbeSpec { address: "10.0.0.5:161".into(), community: Some("public".into()) },
            ProbeSpec { address: "probe-b".into(), community: None },
            ProbeSpec { address: "[::1]:16100".into(), community: Some("secret".into()) },
            ProbeSpec { address: "::1".into(), community: None },
        ]
    );
}

#[test]
fn agents_file_bad_port_names_file_and_line() {
    let e = parse("10.0.0.5\n10.0.0.6:99999 public\n").unwrap_err();
    assert_eq!(e, "fleet.txt, line 2: bad port `99999`: 10.0.0.6:99999 public");
    assert!(parse("h:0").unwrap_err().contains("line 1: bad port `0`"));
    assert!(parse("h:x").is_err());
    assert!(parse(":161").unwrap_err().contains("no host"));
    assert!(parse("h public extra").unwrap_err().contains("expected `host[:port] [community]`"));
}

#[test]
fn empty_agents_file_has_no_probes() {
    assert_eq!(parse("").unwrap(), vec![]);
    assert_eq!(parse("# nothing\n\n").unwrap(), vec![]);
}

fn reading(ticks: u64, octets: u64, pkts: u64, alarms: usize) -> ProbeReading {
    ProbeReading {
        ticks,
        if_speed: Some(10_000_000),
        counters: Some(Counters { octets, pkts, errors: 0, drops: 0 }),
        busiest: None,
        alarms,
    }
}

fn key(fleet: &mut Fleet, code: KeyCode) {
    fleet.update(FleetEvent::Key(KeyEvent::new(code, KeyModifiers::NONE)));
}

#[test]
fn rates_need_two_readings() {
    let mut fleet = Fleet::new(vec![ProbeSpec::new("a")]);
    fleet.update(FleetEvent::Reading(0, Ok(reading(100, 0, 0, 0))));
    assert_eq!(fleet.probes[0].rates, None);
    // 125,000 octets in 1 s on 10 Mb/s: 10%.
    fleet.update(FleetEvent::Reading(0, Ok(reading(200, 125_000, 50, 0))));
    let r = fleet.probes[0].rates.unwrap();
    assert_eq!((r.utilization, r.pkts), (Some(10.0), 50.0));
    // A Counter32 wrap is one wrap, not a negative rate.
    let wrapped = rates(&reading(0, u64::from(u32::MAX), 0, 0), &reading(100, 9, 0, 0)).unwrap();
    assert_eq!(wrapped.utilization, Some(10.0 * 8.0 / 10_000_000.0 * 100.0));
}

#[test]
fn sort_cycles_columns_and_keeps_the_address_order_otherwise() {
    let mut fleet = Fleet::new(vec![ProbeSpec::new("c"), ProbeSpec::new("a"), ProbeSpec::new("b")]);
    assert_eq!(fleet.order(), vec![1, 2, 0]);
    fleet.update(FleetEvent::Reading(0, Ok(reading(100, 0, 0, 1))));
    fleet.update(FleetEvent::Reading(0, Ok(reading(200, 0, 10, 1))));
    fleet.update(FleetEvent::Reading(1, Ok(reading(100, 0, 0, 3))));
    fleet.update(FleetEvent::Reading(1, Ok(reading(200, 0, 500, 3))));
    fleet.update(FleetEvent::Reading(2, Err("timeout".into())));
    key(&mut fleet, KeyCode::Char('s'));
    assert_eq!(fleet.sort, FleetColumn::Reach);
    assert_eq!(fleet.order(), vec![2, 1, 0], "the unreachable first");
    key(&mut fleet, KeyCode::Char('s'));
    key(&mut fleet, KeyCode::Char('s'));
    assert_eq!(fleet.sort, FleetColumn::Packets);
    assert_eq!(fleet.order(), vec![1, 0, 2], "busiest first, no figure last");
    for _ in 0..3 {
        key(&mut fleet, KeyCode::Char('s'));
    }
    assert_eq!(fleet.sort, FleetColumn::Alarms);
    assert_eq!(fleet.order(), vec![1, 0, 2]);
    key(&mut fleet, KeyCode::Char('s'));
    assert_eq!(fleet.sort, FleetColumn::Address);
    // Enter opens the selected probe of the order shown.
    key(&mut fleet, KeyCode::Down);
    key(&mut fleet, KeyCode::Enter);
    assert_eq!(fleet.open, Some(2));
}

#[test]
fn common_errors_in_a_word() {
    assert_eq!(short_reason("operation timed out"), "timeout");
    assert_eq!(short_reason("agent nosuch.invalid: failed to lookup address information"), "unknown host");
    assert_eq!(short_reason("Connection refused (os error 111)"), "refused");
    assert_eq!(short_reason("sysUpTime.0 is Null"), "sysUpTime.0 is Null");
}
