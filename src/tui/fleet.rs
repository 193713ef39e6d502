//! The Fleet screen: several RMON agents at once (`tui --agent A --agent B`, `--agents FILE`),
//! one row each, with the few figures that tell which probe needs a look; Enter opens the
//! usual screens on one of them.
//!
//! Elm-style like [`crate::tui::app`]: one [`Fleet`] state changed only by [`Fleet::update`];
//! the probes are read by [`poll`] (a small pool of threads, so a dead probe never slows the
//! others) and the loop that ties both to the terminal is [`run`].

pub mod agents;
pub mod poll;
pub mod run;

#[cfg(test)]
mod tests;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::packet::MacAddr;
pub use agents::{ProbeSpec, parse_agents};

/// What one probe said in one reading: the first data source's counters (etherStatsTable's
/// first row), the speed of its interface, the busiest host and the valid alarms.
#[derive(Clone, Debug, PartialEq)]
pub struct ProbeReading {
    /// sysUpTime, in hundredths of a second: the rates' clock.
    pub ticks: u64,
    /// The data source's ifSpeed in bits per second (ifHighSpeed past 2^32 - 1); None when the
    /// agent does not say.
    pub if_speed: Option<u64>,
    /// etherStatsOctets, etherStatsPkts, and the errors (etherStatsCRCAlignErrors, Undersize,
    /// Oversize, Fragments, Jabbers added) and etherStatsDropEvents; None without an
    /// etherStats row.
    pub counters: Option<Counters>,
    /// hostTable's busiest host by hostInOctets + hostOutOctets.
    pub busiest: Option<MacAddr>,
    /// alarmTable rows whose alarmStatus is valid.
    pub alarms: usize,
}

/// The first data source's counters.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counters {
    pub octets: u64,
    pub pkts: u64,
    pub errors: u64,
    pub drops: u64,
}

/// Rates between two readings.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Rates {
    /// Percent of ifSpeed; None when the speed is unknown.
    pub utilization: Option<f64>,
    pub pkts: f64,
    pub errors: f64,
    pub drops: f64,
}

/// Whether the last reading of a probe came back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reach {
    /// Not read yet.
    Waiting,
    Up,
    /// The reason: a timeout, a refused port, an unknown host.
    Unreachable(String),
}

/// One row of the Fleet.
#[derive(Clone, Debug)]
pub struct ProbeRow {
    pub spec: ProbeSpec,
    pub reach: Reach,
    pub last: Option<ProbeReading>,
    /// None until two readings of the probe exist.
    pub rates: Option<Rates>,
}

/// The columns the Fleet sorts by, in the order `s` cycles through them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FleetColumn {
    Address,
    Reach,
    Utilization,
    Packets,
    Errors,
    Drops,
    Alarms,
}

impl FleetColumn {
    pub const ALL: [FleetColumn; 7] = [
        FleetColumn::Address,
        FleetColumn::Reach,
        FleetColumn::Utilization,
        FleetColumn::Packets,
        FleetColumn::Errors,
        FleetColumn::Drops,
        FleetColumn::Alarms,
    ];

    pub fn title(self) -> &'static str {
        match self {
            FleetColumn::Address => "Probe",
            FleetColumn::Reach => "State",
            FleetColumn::Utilization => "Util",
            FleetColumn::Packets => "Pkts/s",
            FleetColumn::Errors => "Errs/s",
            FleetColumn::Drops => "Drops/s",
            FleetColumn::Alarms => "Alarms",
        }
    }
}

/// The Fleet's keys, for the key bar and the help (one table, as [`crate::tui::keys`] has).
pub const FLEET_KEYS: &[(&str, &str)] = &[
    ("↑ ↓ PgUp PgDn Home End", "select a probe"),
    ("Enter", "the selected probe's screens (Esc comes back)"),
    ("s", "sort: address, state, util, pkts, errs, drops, alarms"),
    ("?", "this help"),
    ("q", "quit"),
];

/// What happened, for [`Fleet::update`].
#[derive(Debug)]
pub enum FleetEvent {
    Key(KeyEvent),
    /// A reading of probe `index` (its position in the order given).
    Reading(usize, Result<ProbeReading, String>),
}

/// The whole Fleet state.
#[derive(Clone, Debug)]
pub struct Fleet {
    pub probes: Vec<ProbeRow>,
    pub sort: FleetColumn,
    /// Position in the sorted order.
    pub selected: usize,
    pub help: bool,
    pub quit: bool,
    /// Enter asked for this probe (its position in the order given); the loop takes it.
    pub open: Option<usize>,
    /// A line for the user: why a probe could not be opened.
    pub message: Option<String>,
}

impl Fleet {
    pub fn new(specs: Vec<ProbeSpec>) -> Fleet {
        let probes =
            specs.into_iter().map(|spec| ProbeRow { spec, reach: Reach::Waiting, last: None, rates: None }).collect();
        Fleet { probes, sort: FleetColumn::Address, selected: 0, help: false, quit: false, open: None, message: None }
    }

    pub fn update(&mut self, event: FleetEvent) {
        match event {
            FleetEvent::Key(key) => self.key(key),
            FleetEvent::Reading(index, result) => {
                let Some(row) = self.probes.get_mut(index) else { return };
                match result {
                    Ok(reading) => {
                        if let Some(last) = &row.last
                            && reading.ticks > last.ticks
                        {
                            row.rates = rates(last, &reading);
                        } else if row.last.as_ref().is_some_and(|l| reading.ticks < l.ticks) {
                            // The agent restarted: its counters began again.
                            row.rates = None;
                        }
                        row.last = Some(reading);
                        row.reach = Reach::Up;
                    }
                    Err(e) => {
                        row.reach = Reach::Unreachable(e);
                        row.rates = None;
                        row.last = None;
                    }
                }
            }
        }
    }

    fn key(&mut self, key: KeyEvent) {
        if key.modifiers.contains(KeyModifiers::CONTROL) {
            if key.code == KeyCode::Char('c') {
                self.quit = true;
            }
            return;
        }
        if self.help {
            // Any key closes the help; q still quits.
            self.help = false;
            if key.code != KeyCode::Char('q') {
                return;
            }
        }
        self.message = None;
        let last = self.probes.len().saturating_sub(1);
        match key.code {
            KeyCode::Char('q') => self.quit = true,
            KeyCode::Char('?') => self.help = true,
            KeyCode::Up | KeyCode::Char('k') => self.selected = self.selected.saturating_sub(1),
            KeyCode::Down | KeyCode::Char('j') => self.selected = (self.selected + 1).min(last),
            KeyCode::PageUp => self.selected = self.selected.saturating_sub(10),
            KeyCode::PageDown => self.selected = (self.selected + 10).min(last),
            KeyCode::Home => self.selected = 0,
            KeyCode::End => self.selected = last,
            KeyCode::Char('s') => {
                let i = FleetColumn::ALL.iter().position(|c| *c == self.sort).unwrap_or(0);
                self.sort = FleetColumn::ALL[(i + 1) % FleetColumn::ALL.len()];
            }
            KeyCode::Enter => self.open = self.order().get(self.selected).copied(),
            _ => {}
        }
    }

    /// The probes' positions in the order shown: by the sort column, the address after it.
    /// The address and the state read best from the top; the figures, busiest first, with the
    /// probes without a figure last.
    pub fn order(&self) -> Vec<usize> {
        let mut order: Vec<usize> = (0..self.probes.len()).collect();
        let figure = |row: &ProbeRow| -> Option<f64> {
            match self.sort {
                FleetColumn::Address | FleetColumn::Reach => None,
                FleetColumn::Utilization => row.rates.and_then(|r| r.utilization),
                FleetColumn::Packets => row.rates.map(|r| r.pkts),
                FleetColumn::Errors => row.rates.map(|r| r.errors),
                FleetColumn::Drops => row.rates.map(|r| r.drops),
                FleetColumn::Alarms => row.last.as_ref().map(|l| l.alarms as f64),
            }
        };
        let reach_rank = |row: &ProbeRow| match row.reach {
            Reach::Unreachable(_) => 0,
            Reach::Waiting => 1,
            Reach::Up => 2,
        };
        order.sort_by(|&a, &b| {
            let (ra, rb) = (&self.probes[a], &self.probes[b]);
            let primary = match self.sort {
                FleetColumn::Address => std::cmp::Ordering::Equal,
                // The unreachable ones first: they are what the column is read for.
                FleetColumn::Reach => reach_rank(ra).cmp(&reach_rank(rb)),
                _ => match (figure(ra), figure(rb)) {
                    (Some(x), Some(y)) => y.total_cmp(&x),
                    (Some(_), None) => std::cmp::Ordering::Less,
                    (None, Some(_)) => std::cmp::Ordering::Greater,
                    (None, None) => std::cmp::Ordering::Equal,
                },
            };
            primary.then_with(|| ra.spec.address.cmp(&rb.spec.address))
        });
        order
    }
}

/// Why a probe is unreachable, in a word where the error is a common one (the whole error is
/// on the status line while the probe is selected).
pub fn short_reason(error: &str) -> &str {
    let lower = error.to_ascii_lowercase();
    if lower.contains("timed out") || lower.contains("timeout") {
        "timeout"
    } else if lower.contains("refused") {
        "refused"
    } else if lower.contains("lookup") || lower.contains("no address") || lower.contains("name or service") {
        "unknown host"
    } else {
        error
    }
}

/// The change of a counter between two readings, past one Counter32 wrap.
fn delta(old: u64, new: u64) -> u64 {
    if new >= old { new - old } else { (new + (1 << 32)).saturating_sub(old) }
}

/// The rates between readings `old` and `new` of one probe (`new` later).
pub fn rates(old: &ProbeReading, new: &ProbeReading) -> Option<Rates> {
    let (Some(a), Some(b)) = (old.counters, new.counters) else { return None };
    let seconds = new.ticks.checked_sub(old.ticks).filter(|t| *t > 0)? as f64 / 100.0;
    let per_second = |o: u64, n: u64| delta(o, n) as f64 / seconds;
    let bits = per_second(a.octets, b.octets) * 8.0;
    let utilization = new.if_speed.filter(|s| *s > 0).map(|speed| (bits / speed as f64 * 100.0).min(100.0));
    Some(Rates {
        utilization,
        pkts: per_second(a.pkts, b.pkts),
        errors: per_second(a.errors, b.errors),
        drops: per_second(a.drops, b.drops),
    })
}
