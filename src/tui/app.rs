//! The UI's one state and the one function that changes it ([`App::update`]): keys and readings
//! in, commands for the source out. Nothing here draws or does I/O, so every interaction is
//! testable by feeding events.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::path::PathBuf;
use std::sync::Arc;

use ratatui::crossterm::event::{KeyCode, KeyEvent};

use crate::mib::NetAddr;
use crate::packet::MacAddr;
use crate::rmon::capture::{BufferControlEntry, CaptureBufferEntry};
use crate::rmon::control::DataSource;
use crate::rmon::history::{EtherHistoryEntry, HistoryControlEntry};
use crate::rmon::hosts::HostEntry;
use crate::rmon::matrix::MatrixSdEntry;
use crate::rmon::nl_host::{HlHostControlEntry, NlHostEntry};
use crate::rmon::nl_matrix::NlMatrixSdEntry;
use crate::rmon::statistics::EtherStatsEntry;
use crate::rmon::topn::RateBase;
use crate::rmon::{DataSourceInfo, Snapshot};
use crate::tui::keys::{self, Action};
use crate::tui::oui::Vendors;
use crate::tui::source::{Reading, TopNRequest, Wants};

mod applications;
mod latency;
mod usr_history;

pub use applications::{ApplicationRow, application_name, application_over, application_transport};
pub use latency::LatencyView;
pub use usr_history::{UsrHistoryShown, UsrSample};

/// The screens, in Tab order (and keyed 1 to 9, then 0, `-`, `=` and `` ` ``, the digit row's
/// order, then the key left of it).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Screen {
    Overview,
    Hosts,
    TopN,
    Matrix,
    History,
    Alarms,
    Capture,
    /// RMON2: nlHostTable with the address map.
    IpHosts,
    /// RMON2: nlMatrixSDTable.
    IpMatrix,
    /// RMON2: protocolDistStatsTable.
    Protocols,
    /// RMON2's application layer: alHostTable and alMatrixSDTable.
    Applications,
    /// RMON2's user history: usrHistoryTable of a usrHistoryControl row, as charts.
    UsrHistory,
    /// RMONPROBE-MIB's passive TCP latency: tcpLatencyServerTable and tcpLatencyPairTable.
    Latency,
}

impl Screen {
    pub const ALL: [Screen; 13] = [
        Screen::Overview,
        Screen::Hosts,
        Screen::TopN,
        Screen::Matrix,
        Screen::History,
        Screen::Alarms,
        Screen::Capture,
        Screen::IpHosts,
        Screen::IpMatrix,
        Screen::Protocols,
        Screen::Applications,
        Screen::UsrHistory,
        Screen::Latency,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Screen::Overview => "Overview",
            Screen::Hosts => "Hosts",
            Screen::TopN => "Top N",
            Screen::Matrix => "Matrix",
            Screen::History => "History",
            Screen::Alarms => "Alarms",
            Screen::Capture => "Capture",
            Screen::IpHosts => "IP hosts",
            Screen::IpMatrix => "IP conversations",
            Screen::Protocols => "Protocols",
            Screen::Applications => "Applications",
            Screen::UsrHistory => "User history",
            Screen::Latency => "Latency",
        }
    }

    /// The tab's name where room is short.
    pub fn short_title(self) -> &'static str {
        match self {
            Screen::Overview => "Overview",
            Screen::Hosts => "Hosts",
            Screen::TopN => "TopN",
            Screen::Matrix => "Matrix",
            Screen::History => "History",
            Screen::Alarms => "Alarms",
            // Short enough that the thirteen short names and the uptime fit in 120 columns.
            Screen::Capture => "Cap",
            Screen::IpHosts => "IP",
            Screen::IpMatrix => "IPconv",
            Screen::Protocols => "Proto",
            Screen::Applications => "Apps",
            Screen::UsrHistory => "UsrHist",
            Screen::Latency => "Lat",
        }
    }

    fn position(self) -> usize {
        Screen::ALL.iter().position(|s| *s == self).unwrap_or(0)
    }

    fn step(self, by: isize) -> Screen {
        let n = Screen::ALL.len() as isize;
        Screen::ALL[(self.position() as isize + by).rem_euclid(n) as usize]
    }
}

/// What happens to the UI.
#[derive(Debug)]
pub enum Event {
    Key(KeyEvent),
    Reading(Result<Reading, String>),
    /// A hostTopN report the UI asked for started (its index), or why not.
    ReportStarted(Result<u16, String>),
    /// A capture buffer was written (what to tell the user), or why not.
    BufferWritten(Result<String, String>),
}

/// What the UI asks of its source.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    StartTopN(TopNRequest),
    WriteBuffer { index: u16, path: PathBuf },
    Quit,
}

/// hostTable's columns, to sort by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HostColumn {
    Address,
    InPkts,
    OutPkts,
    InOctets,
    OutOctets,
    OutErrors,
    OutBroadcastPkts,
    OutMulticastPkts,
    CreationOrder,
}

impl HostColumn {
    pub const ALL: [HostColumn; 9] = [
        HostColumn::Address,
        HostColumn::InPkts,
        HostColumn::OutPkts,
        HostColumn::InOctets,
        HostColumn::OutOctets,
        HostColumn::OutErrors,
        HostColumn::OutBroadcastPkts,
        HostColumn::OutMulticastPkts,
        HostColumn::CreationOrder,
    ];

    /// The MIB's column name, as the header shows it.
    pub fn name(self) -> &'static str {
        match self {
            HostColumn::Address => "hostAddress",
            HostColumn::InPkts => "InPkts",
            HostColumn::OutPkts => "OutPkts",
            HostColumn::InOctets => "InOctets",
            HostColumn::OutOctets => "OutOctets",
            HostColumn::OutErrors => "OutErrors",
            HostColumn::OutBroadcastPkts => "OutBcast",
            HostColumn::OutMulticastPkts => "OutMcast",
            HostColumn::CreationOrder => "Order",
        }
    }

    fn key(self, h: &HostEntry) -> u64 {
        match self {
            HostColumn::Address => 0,
            HostColumn::InPkts => h.host_in_pkts,
            HostColumn::OutPkts => h.host_out_pkts,
            HostColumn::InOctets => h.host_in_octets,
            HostColumn::OutOctets => h.host_out_octets,
            HostColumn::OutErrors => h.host_out_errors,
            HostColumn::OutBroadcastPkts => h.host_out_broadcast_pkts,
            HostColumn::OutMulticastPkts => h.host_out_multicast_pkts,
            HostColumn::CreationOrder => u64::from(h.host_creation_order),
        }
    }
}

/// A key typed into an address filter: Enter keeps it, Esc clears it, Backspace takes a
/// character back; hex digits, colons and `separator` are taken (lower case), the rest ignored.
fn type_filter(filter: &mut String, editing: &mut bool, key: KeyEvent, separator: char) {
    match key.code {
        KeyCode::Enter => *editing = false,
        KeyCode::Esc => {
            *editing = false;
            filter.clear();
        }
        KeyCode::Backspace => {
            filter.pop();
        }
        KeyCode::Char(c) if c.is_ascii_hexdigit() || c == ':' || c == separator => filter.push(c.to_ascii_lowercase()),
        _ => {}
    }
}

/// nlHostTable's columns, to sort by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IpHostColumn {
    Address,
    InPkts,
    OutPkts,
    InOctets,
    OutOctets,
    OutMacNonUnicastPkts,
}

impl IpHostColumn {
    pub const ALL: [IpHostColumn; 6] = [
        IpHostColumn::Address,
        IpHostColumn::InPkts,
        IpHostColumn::OutPkts,
        IpHostColumn::InOctets,
        IpHostColumn::OutOctets,
        IpHostColumn::OutMacNonUnicastPkts,
    ];

    /// The MIB's column name, as the header shows it.
    pub fn name(self) -> &'static str {
        match self {
            IpHostColumn::Address => "nlHostAddress",
            IpHostColumn::InPkts => "InPkts",
            IpHostColumn::OutPkts => "OutPkts",
            IpHostColumn::InOctets => "InOctets",
            IpHostColumn::OutOctets => "OutOctets",
            IpHostColumn::OutMacNonUnicastPkts => "NonUcast",
        }
    }

    fn key(self, h: &NlHostEntry) -> u64 {
        match self {
            IpHostColumn::Address => 0,
            IpHostColumn::InPkts => h.nl_host_in_pkts,
            IpHostColumn::OutPkts => h.nl_host_out_pkts,
            IpHostColumn::InOctets => h.nl_host_in_octets,
            IpHostColumn::OutOctets => h.nl_host_out_octets,
            IpHostColumn::OutMacNonUnicastPkts => h.nl_host_out_mac_non_unicast_pkts,
        }
    }
}

/// One protocol of the distribution shown, named by the directory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProtocolRow {
    pub local_index: u32,
    /// protocolDirDescr: `ether2.ip.tcp`.
    pub descr: String,
    pub pkts: u64,
    pub octets: u64,
}

/// The rate bases in the order `b` steps through them.
pub const RATE_BASES: [RateBase; 7] = [
    RateBase::OutOctets,
    RateBase::OutPkts,
    RateBase::InOctets,
    RateBase::InPkts,
    RateBase::OutErrors,
    RateBase::OutBroadcastPkts,
    RateBase::OutMulticastPkts,
];

/// The Top N windows, in seconds of probe time.
pub const WINDOWS: [u32; 4] = [10, 60, 300, 900];

/// Ranks kept in a Top N list, and asked of a hostTopN report.
pub const TOP_N_SIZE: u32 = 20;

/// Readings kept for the rate sparklines.
const RATE_SAMPLES: usize = 120;

pub fn rate_base_name(base: RateBase) -> &'static str {
    match base {
        RateBase::InPkts => "hostTopNInPkts",
        RateBase::OutPkts => "hostTopNOutPkts",
        RateBase::InOctets => "hostTopNInOctets",
        RateBase::OutOctets => "hostTopNOutOctets",
        RateBase::OutErrors => "hostTopNOutErrors",
        RateBase::OutBroadcastPkts => "hostTopNOutBroadcastPkts",
        RateBase::OutMulticastPkts => "hostTopNOutMulticastPkts",
    }
}

fn host_counter(base: RateBase, h: &HostEntry) -> u64 {
    match base {
        RateBase::InPkts => h.host_in_pkts,
        RateBase::OutPkts => h.host_out_pkts,
        RateBase::InOctets => h.host_in_octets,
        RateBase::OutOctets => h.host_out_octets,
        RateBase::OutErrors => h.host_out_errors,
        RateBase::OutBroadcastPkts => h.host_out_broadcast_pkts,
        RateBase::OutMulticastPkts => h.host_out_multicast_pkts,
    }
}

/// One reading of a data source's totals, for its rates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateSample {
    /// sysUpTime of the reading.
    pub ticks: u64,
    pub pkts: u64,
    pub octets: u64,
}

/// Frames and bits per second between two readings.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Rate {
    pub pps: f64,
    pub bps: f64,
}

/// One reading of a host table, for the Top N window.
#[derive(Clone, Debug)]
struct HostSample {
    ticks: u64,
    hosts: HashMap<MacAddr, [u64; 7]>,
}

/// A host's place in a Top N ranking.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Ranked {
    pub address: MacAddr,
    /// Per second over the window.
    pub rate: f64,
    /// The counter's change over the window.
    pub change: u64,
}

/// A host's traffic with the host picked on the Matrix screen.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Peer {
    pub address: MacAddr,
    /// Sent to it by the picked host.
    pub pkts_to: u64,
    pub octets_to: u64,
    /// Received from it.
    pub pkts_from: u64,
    pub octets_from: u64,
}

/// What the ranking covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Span {
    /// Between two readings this far apart (ticks).
    Window(u64),
    /// Everything since the probe started (one reading so far, or time stands still: a replay
    /// that ended).
    SinceStart(u64),
}

#[derive(Clone, Debug)]
pub struct HostsView {
    pub sort: HostColumn,
    pub ascending: bool,
    pub filter: String,
    /// Typing into the filter.
    pub editing: bool,
    pub selected: usize,
}

#[derive(Clone, Debug)]
pub struct TopNView {
    pub base: RateBase,
    pub window: u32,
    pub selected: usize,
    /// The report this UI started last.
    pub report: Option<u16>,
    samples: VecDeque<HostSample>,
}

#[derive(Clone, Debug, Default)]
pub struct MatrixView {
    pub selected: usize,
    /// Showing the peers of this host.
    pub peers_of: Option<MacAddr>,
}

/// The RMON2 screens' state: IP hosts (sorted, filtered), IP conversations (filtered by the
/// same text), protocols.
#[derive(Clone, Debug)]
pub struct IpView {
    pub sort: IpHostColumn,
    pub ascending: bool,
    /// Part of an address, as written (`10.77`, `fe80:`).
    pub filter: String,
    pub editing: bool,
    pub selected: usize,
    pub pair_selected: usize,
    pub protocol_selected: usize,
}

/// The Applications screen's state: the application selected in the distribution, and the one
/// picked (Enter) whose hosts and conversations alone are shown. Addresses are filtered by the
/// IP screens' text ([`IpView::filter`]), so a host found there stays found here.
#[derive(Clone, Debug, Default)]
pub struct ApplicationsView {
    pub selected: usize,
    /// The picked application's protocolDirLocalIndex.
    pub picked: Option<u32>,
}

/// The User history screen's state: the usrHistoryControl row shown (its position among the
/// rows, `i`) and the object whose chart comes first (`o`), so a row with more objects than
/// the terminal has room for shows each in turn.
#[derive(Clone, Debug, Default)]
pub struct UsrHistoryView {
    pub control: usize,
    pub object: usize,
}

#[derive(Clone, Debug, Default)]
pub struct CaptureView {
    /// Position among the valid buffers.
    pub buffer: usize,
    /// The selected packet.
    pub selected: usize,
}

/// The whole UI state.
#[derive(Clone, Debug)]
pub struct App {
    /// What is watched: the files, the interfaces, the agent.
    pub title: String,
    pub screen: Screen,
    pub reading: Option<Reading>,
    /// The reading before it, at an earlier sysUpTime: the counters' rates are the change.
    pub previous: Option<Reading>,
    /// Why the last reading failed (the previous figures stay on screen).
    pub error: Option<String>,
    pub paused: bool,
    pub help: bool,
    pub quit: bool,
    /// A line for the user: what a command did.
    pub message: Option<String>,
    /// Position of the data source shown among etherStatsTable's rows.
    pub source: usize,
    /// Per etherStatsIndex, the latest readings.
    pub rates: BTreeMap<u16, VecDeque<RateSample>>,
    pub hosts: HostsView,
    pub top_n: TopNView,
    pub matrix: MatrixView,
    /// Position among the data source's historyControl rows.
    pub history: usize,
    pub capture: CaptureView,
    /// Where `w` writes capture buffers.
    pub capture_dir: PathBuf,
    pub ip: IpView,
    pub applications: ApplicationsView,
    pub usr_history: UsrHistoryView,
    pub latency: LatencyView,
    /// MAC vendor names (the IEEE registry, when the machine has it).
    pub vendors: Arc<Vendors>,
    /// Opened from the Fleet: Esc, where it has nothing else to do, goes back to it.
    pub from_fleet: bool,
    /// The user went back to the Fleet (rather than quit).
    pub back: bool,
}

impl App {
    pub fn new(title: String, capture_dir: PathBuf) -> App {
        App {
            title,
            screen: Screen::Overview,
            reading: None,
            previous: None,
            error: None,
            paused: false,
            help: false,
            quit: false,
            message: None,
            source: 0,
            rates: BTreeMap::new(),
            hosts: HostsView {
                sort: HostColumn::OutOctets,
                ascending: false,
                filter: String::new(),
                editing: false,
                selected: 0,
            },
            top_n: TopNView {
                base: RateBase::OutOctets,
                window: WINDOWS[1],
                selected: 0,
                report: None,
                samples: VecDeque::new(),
            },
            matrix: MatrixView::default(),
            history: 0,
            capture: CaptureView::default(),
            capture_dir,
            ip: IpView {
                sort: IpHostColumn::OutOctets,
                ascending: false,
                filter: String::new(),
                editing: false,
                selected: 0,
                pair_selected: 0,
                protocol_selected: 0,
            },
            applications: ApplicationsView::default(),
            usr_history: UsrHistoryView::default(),
            latency: LatencyView::default(),
            vendors: Arc::new(Vendors::default()),
            from_fleet: false,
            back: false,
        }
    }

    /// The big tables the next reading must bring, for the screen on show.
    pub fn wants(&self) -> Wants {
        match self.screen {
            Screen::Overview | Screen::History => Wants { history: true, ..Wants::default() },
            Screen::Hosts | Screen::TopN => Wants { hosts: true, ..Wants::default() },
            Screen::Matrix => Wants { matrix: true, ..Wants::default() },
            Screen::Alarms => Wants::default(),
            Screen::Capture => Wants { capture_packets: true, ..Wants::default() },
            Screen::IpHosts => Wants { ip_hosts: true, ..Wants::default() },
            Screen::IpMatrix => Wants { ip_matrix: true, ..Wants::default() },
            Screen::Protocols => Wants::default(),
            Screen::Applications => Wants { applications: true, ..Wants::default() },
            Screen::UsrHistory => Wants { usr_history: true, ..Wants::default() },
            Screen::Latency => Wants { latency: true, ..Wants::default() },
        }
    }

    /// Applies one event; returns what the source must do.
    pub fn update(&mut self, event: Event) -> Vec<Command> {
        match event {
            Event::Key(key) => self.key(key),
            Event::Reading(Ok(reading)) => {
                self.error = None;
                if !self.paused {
                    self.take(reading);
                }
                Vec::new()
            }
            Event::Reading(Err(e)) => {
                self.error = Some(e);
                Vec::new()
            }
            Event::ReportStarted(Ok(index)) => {
                self.top_n.report = Some(index);
                self.message = Some(format!(
                    "hostTopN report {index} started: {} over {} s",
                    rate_base_name(self.top_n.base),
                    self.top_n.window
                ));
                Vec::new()
            }
            Event::ReportStarted(Err(e)) => {
                self.message = Some(format!("cannot start a hostTopN report: {e}"));
                Vec::new()
            }
            Event::BufferWritten(outcome) => {
                self.message = Some(outcome.unwrap_or_else(|e| format!("cannot write the buffer: {e}")));
                Vec::new()
            }
        }
    }

    fn take(&mut self, reading: Reading) {
        let snapshot = &reading.snapshot;
        let ticks = snapshot.sys_up_time();
        for e in &snapshot.tables.ether_stats {
            let samples = self.rates.entry(e.ether_stats_index).or_default();
            let sample = RateSample { ticks, pkts: e.ether_stats_pkts, octets: e.ether_stats_octets };
            match samples.back() {
                // Time stood still (a replay that ended, or a second reading within one tick).
                Some(last) if last.ticks >= ticks => {}
                _ => samples.push_back(sample),
            }
            while samples.len() > RATE_SAMPLES {
                samples.pop_front();
            }
        }
        self.rates.retain(|index, _| snapshot.tables.ether_stats.iter().any(|e| e.ether_stats_index == *index));
        if let Some(old) = self.reading.take()
            && old.snapshot.sys_up_time() < ticks
        {
            self.previous = Some(old);
        }
        // Host tables kept from an earlier reading would make a stale baseline.
        let fresh_hosts = reading.every_table || self.wants().hosts;
        self.reading = Some(reading);
        if fresh_hosts {
            self.sample_hosts(ticks);
        }
    }

    /// Keeps readings of the shown host table a window back: one every eighth of the window, so
    /// a large table costs a few copies, not one per reading.
    fn sample_hosts(&mut self, ticks: u64) {
        let window = u64::from(self.top_n.window) * 100;
        let samples = &mut self.top_n.samples;
        if samples.back().is_some_and(|s| ticks < s.ticks + window / 8 || ticks < s.ticks) {
            return;
        }
        let hosts =
            self.host_rows_unsorted().map(|h| (h.host_address, RATE_BASES.map(|b| host_counter(b, h)))).collect();
        let samples = &mut self.top_n.samples;
        samples.push_back(HostSample { ticks, hosts });
        // The oldest one at least a window back is the baseline; older ones are not needed.
        while samples.len() > 2 && samples.get(1).is_some_and(|s| s.ticks + window <= ticks) {
            samples.pop_front();
        }
    }

    fn key(&mut self, key: KeyEvent) -> Vec<Command> {
        if self.ip.editing {
            // IP addresses: hex digits, IPv6's colons and IPv4's dots.
            type_filter(&mut self.ip.filter, &mut self.ip.editing, key, '.');
            self.ip.selected = 0;
            self.ip.pair_selected = 0;
            return Vec::new();
        }
        if self.hosts.editing {
            // MAC addresses: hex digits, colons or dashes.
            type_filter(&mut self.hosts.filter, &mut self.hosts.editing, key, '-');
            self.hosts.selected = 0;
            return Vec::new();
        }
        let Some(action) = keys::action(self.screen, key) else {
            if self.from_fleet && !self.help && key.code == KeyCode::Esc {
                self.back = true;
                self.quit = true;
            }
            return Vec::new();
        };
        if self.help && !matches!(action, Action::Quit) {
            // Any key closes the help.
            self.help = false;
            return Vec::new();
        }
        self.message = None;
        match action {
            Action::Quit => {
                self.quit = true;
                return vec![Command::Quit];
            }
            Action::Pause => self.paused = !self.paused,
            Action::Help => self.help = true,
            Action::NextScreen => self.screen = self.screen.step(1),
            Action::PrevScreen => self.screen = self.screen.step(-1),
            Action::Show(screen) => self.screen = screen,
            Action::Up => self.move_selection(-1),
            Action::Down => self.move_selection(1),
            Action::PageUp => self.move_selection(-10),
            Action::PageDown => self.move_selection(10),
            Action::Top => self.move_selection(isize::MIN / 2),
            Action::Bottom => self.move_selection(isize::MAX / 2),
            Action::NextSource | Action::PrevSource => {
                let n = self.snapshot().map_or(0, |s| s.tables.ether_stats.len()).max(1);
                let by = if action == Action::NextSource { 1 } else { n - 1 };
                self.source = (self.source + by) % n;
                self.top_n.samples.clear();
                self.history = 0;
            }
            Action::Sort => {
                let i = HostColumn::ALL.iter().position(|c| *c == self.hosts.sort).unwrap_or(0);
                self.hosts.sort = HostColumn::ALL[(i + 1) % HostColumn::ALL.len()];
                // Counters read best busiest first; the address and the order, from the start.
                self.hosts.ascending = matches!(self.hosts.sort, HostColumn::Address | HostColumn::CreationOrder);
            }
            Action::ReverseSort => self.hosts.ascending = !self.hosts.ascending,
            Action::Filter => self.hosts.editing = true,
            Action::IpSort => {
                let i = IpHostColumn::ALL.iter().position(|c| *c == self.ip.sort).unwrap_or(0);
                self.ip.sort = IpHostColumn::ALL[(i + 1) % IpHostColumn::ALL.len()];
                self.ip.ascending = self.ip.sort == IpHostColumn::Address;
            }
            Action::IpReverseSort => self.ip.ascending = !self.ip.ascending,
            Action::IpFilter => self.ip.editing = true,
            Action::Enter => match self.screen {
                Screen::Matrix if self.matrix.peers_of.is_none() => {
                    self.matrix.peers_of = self.matrix_pairs().get(self.matrix.selected).map(|p| p.source_address);
                    self.matrix.selected = 0;
                }
                Screen::Applications => {
                    let rows = self.application_rows();
                    self.applications.picked = rows.get(self.applications.selected).map(|a| a.local_index);
                }
                _ => {}
            },
            Action::Back => match self.screen {
                Screen::Matrix => self.matrix.peers_of = None,
                Screen::Hosts => self.hosts.filter.clear(),
                // Back from the picked application first, then from the filter.
                Screen::Applications if self.applications.picked.is_some() => self.applications.picked = None,
                Screen::IpHosts | Screen::IpMatrix | Screen::Applications => self.ip.filter.clear(),
                _ => {}
            },
            Action::NextInterval => match self.screen {
                Screen::UsrHistory => {
                    self.usr_history.control += 1;
                    self.usr_history.object = 0;
                }
                _ => self.history += 1,
            },
            Action::NextObject => self.usr_history.object += 1,
            Action::NextBase => {
                let i = RATE_BASES.iter().position(|b| *b == self.top_n.base).unwrap_or(0);
                self.top_n.base = RATE_BASES[(i + 1) % RATE_BASES.len()];
            }
            Action::NextWindow => {
                let i = WINDOWS.iter().position(|w| *w == self.top_n.window).unwrap_or(0);
                self.top_n.window = WINDOWS[(i + 1) % WINDOWS.len()];
            }
            Action::NewReport => match self.host_control_index() {
                Some(host_index) => {
                    return vec![Command::StartTopN(TopNRequest {
                        host_index,
                        rate_base: self.top_n.base,
                        duration: self.top_n.window,
                        requested_size: TOP_N_SIZE,
                    })];
                }
                None => self.message = Some("no hostControl row for this data source".into()),
            },
            Action::NextBuffer => {
                self.capture.buffer += 1;
                self.capture.selected = 0;
            }
            Action::WriteBuffer => match self.buffer() {
                Some(b) => {
                    let index = b.buffer_control_index;
                    let ticks = self.snapshot().map_or(0, Snapshot::sys_up_time);
                    let path = self.capture_dir.join(format!("buffer-{index}-{ticks}.pcap"));
                    return vec![Command::WriteBuffer { index, path }];
                }
                None => self.message = Some("no capture buffer to write".into()),
            },
        }
        Vec::new()
    }

    fn move_selection(&mut self, by: isize) {
        let len = match self.screen {
            Screen::Hosts => self.host_rows().len(),
            Screen::Matrix if self.matrix.peers_of.is_some() => self.peers().len(),
            Screen::Matrix => self.matrix_pairs().len(),
            Screen::Capture => self.packets().len(),
            Screen::IpHosts => self.ip_host_rows().len(),
            Screen::IpMatrix => self.ip_pairs().len(),
            Screen::Protocols => self.protocol_rows().len(),
            Screen::Applications => self.application_rows().len(),
            Screen::Latency => self.latency_servers().len(),
            _ => return,
        };
        let selected = match self.screen {
            Screen::Hosts => &mut self.hosts.selected,
            Screen::Matrix => &mut self.matrix.selected,
            Screen::IpHosts => &mut self.ip.selected,
            Screen::IpMatrix => &mut self.ip.pair_selected,
            Screen::Protocols => &mut self.ip.protocol_selected,
            Screen::Applications => &mut self.applications.selected,
            Screen::Latency => &mut self.latency.selected,
            _ => &mut self.capture.selected,
        };
        *selected = selected.saturating_add_signed(by).min(len.saturating_sub(1));
    }

    // What the screens show: read from the latest snapshot, nothing stored twice.

    pub fn snapshot(&self) -> Option<&Snapshot> {
        self.reading.as_ref().map(|r| &*r.snapshot)
    }

    /// The etherStats row of the data source shown.
    pub fn ether_stats(&self) -> Option<&EtherStatsEntry> {
        let rows = &self.snapshot()?.tables.ether_stats;
        rows.get(self.source.min(rows.len().saturating_sub(1)))
    }

    /// The interface behind the data source shown.
    pub fn interface(&self) -> Option<&DataSourceInfo> {
        self.interface_of(self.ether_stats()?)
    }

    /// The data source's etherStats row in the previous reading, and the seconds since.
    pub fn previous_ether_stats(&self) -> Option<(&EtherStatsEntry, f64)> {
        let now = self.ether_stats()?;
        let previous = self.previous.as_ref()?;
        let secs = (self.snapshot()?.sys_up_time().checked_sub(previous.snapshot.sys_up_time())?) as f64 / 100.0;
        let row = previous.snapshot.tables.ether_stats.iter().find(|e| e.ether_stats_index == now.ether_stats_index)?;
        Some((row, secs))
    }

    /// Rates between consecutive readings of the data source shown, oldest first.
    pub fn rates(&self) -> Vec<Rate> {
        self.ether_stats().map(|e| self.rates_of(e)).unwrap_or_default()
    }

    /// Rates between consecutive readings of one etherStats row, oldest first. Before two
    /// readings apart in time exist (a replay read once it ended), the rates of the shortest
    /// history interval's buckets of its data source stand in.
    pub fn rates_of(&self, e: &EtherStatsEntry) -> Vec<Rate> {
        let readings = self.reading_rates(e.ether_stats_index);
        if !readings.is_empty() {
            return readings;
        }
        let Some(control) = self
            .history_controls_of(e.ether_stats_data_source)
            .into_iter()
            .filter(|c| c.history_control_interval > 0)
            .min_by_key(|c| c.history_control_interval)
        else {
            return Vec::new();
        };
        let secs = f64::from(control.history_control_interval);
        self.snapshot()
            .into_iter()
            .flat_map(|s| &s.tables.ether_history)
            .filter(|b| b.ether_history_index == control.history_control_index)
            .map(|b| Rate { pps: b.ether_history_pkts as f64 / secs, bps: b.ether_history_octets as f64 * 8.0 / secs })
            .collect()
    }

    fn reading_rates(&self, ether_stats_index: u16) -> Vec<Rate> {
        let Some(samples) = self.rates.get(&ether_stats_index) else { return Vec::new() };
        samples
            .iter()
            .zip(samples.iter().skip(1))
            .map(|(a, b)| {
                let secs = (b.ticks - a.ticks) as f64 / 100.0;
                Rate {
                    pps: b.pkts.saturating_sub(a.pkts) as f64 / secs,
                    bps: b.octets.saturating_sub(a.octets) as f64 * 8.0 / secs,
                }
            })
            .collect()
    }

    /// The hostControl row of the data source shown, else the first.
    pub fn host_control_index(&self) -> Option<u16> {
        let s = self.snapshot()?;
        let ds = self.ether_stats().map(|e| e.ether_stats_data_source);
        let rows = &s.tables.host_control;
        rows.iter().find(|h| Some(h.host_control_data_source) == ds).or(rows.first()).map(|h| h.host_control_index)
    }

    fn host_rows_unsorted(&self) -> impl Iterator<Item = &HostEntry> {
        let index = self.host_control_index();
        self.snapshot().into_iter().flat_map(|s| &s.tables.hosts).filter(move |h| Some(h.host_index) == index)
    }

    /// The hosts shown: filtered by address, sorted as asked.
    pub fn host_rows(&self) -> Vec<&HostEntry> {
        let filter = &self.hosts.filter;
        let mut rows: Vec<&HostEntry> = self
            .host_rows_unsorted()
            .filter(|h| filter.is_empty() || h.host_address.to_string().contains(filter.as_str()))
            .collect();
        let column = self.hosts.sort;
        rows.sort_by(|a, b| {
            let order = match column {
                HostColumn::Address => a.host_address.cmp(&b.host_address),
                _ => column.key(a).cmp(&column.key(b)).then(a.host_address.cmp(&b.host_address)),
            };
            if self.hosts.ascending { order } else { order.reverse() }
        });
        rows
    }

    /// The Top N ranking of the shown host table by the chosen base over the window.
    pub fn ranking(&self) -> (Span, Vec<Ranked>) {
        let base = RATE_BASES.iter().position(|b| *b == self.top_n.base).unwrap_or(0);
        let now_ticks = self.snapshot().map_or(0, Snapshot::sys_up_time);
        let window = u64::from(self.top_n.window) * 100;
        let latest: Vec<(MacAddr, u64)> =
            self.host_rows_unsorted().map(|h| (h.host_address, host_counter(self.top_n.base, h))).collect();
        // The newest reading at least a window old, else the oldest there is.
        let baseline = self
            .top_n
            .samples
            .iter()
            .rev()
            .find(|s| s.ticks + window <= now_ticks)
            .or(self.top_n.samples.front())
            .filter(|s| s.ticks < now_ticks);
        let (span, mut ranked): (Span, Vec<Ranked>) = match baseline {
            Some(b) => {
                let secs = (now_ticks - b.ticks) as f64 / 100.0;
                let ranked = latest
                    .iter()
                    .map(|(address, now)| {
                        let then = b.hosts.get(address).map_or(0, |c| c[base]);
                        let change = now.saturating_sub(then);
                        Ranked { address: *address, rate: change as f64 / secs, change }
                    })
                    .collect();
                (Span::Window(now_ticks - b.ticks), ranked)
            }
            None => {
                let secs = (now_ticks.max(1)) as f64 / 100.0;
                let ranked = latest
                    .iter()
                    .map(|(address, total)| Ranked { address: *address, rate: *total as f64 / secs, change: *total })
                    .collect();
                (Span::SinceStart(now_ticks), ranked)
            }
        };
        ranked.retain(|r| r.change > 0);
        ranked.sort_by(|a, b| b.change.cmp(&a.change).then(a.address.cmp(&b.address)));
        ranked.truncate(TOP_N_SIZE as usize);
        (span, ranked)
    }

    /// The matrixControl row of the data source shown, else the first.
    fn matrix_control_index(&self) -> Option<u16> {
        let s = self.snapshot()?;
        let ds = self.ether_stats().map(|e| e.ether_stats_data_source);
        let rows = &s.tables.matrix_control;
        rows.iter().find(|m| Some(m.matrix_control_data_source) == ds).or(rows.first()).map(|m| m.matrix_control_index)
    }

    /// The conversations of the shown matrix, busiest (octets) first.
    pub fn matrix_pairs(&self) -> Vec<&MatrixSdEntry> {
        let index = self.matrix_control_index();
        let mut pairs: Vec<&MatrixSdEntry> =
            self.snapshot().into_iter().flat_map(|s| &s.tables.matrix_sd).filter(|p| Some(p.index) == index).collect();
        pairs.sort_by(|a, b| {
            b.octets
                .cmp(&a.octets)
                .then(a.source_address.cmp(&b.source_address))
                .then(a.dest_address.cmp(&b.dest_address))
        });
        pairs
    }

    /// The peers of the host picked with Enter, busiest first.
    pub fn peers(&self) -> Vec<Peer> {
        let Some(host) = self.matrix.peers_of else { return Vec::new() };
        let mut peers: BTreeMap<MacAddr, Peer> = BTreeMap::new();
        for p in self.matrix_pairs() {
            let (peer, sent) = if p.source_address == host {
                (p.dest_address, true)
            } else if p.dest_address == host {
                (p.source_address, false)
            } else {
                continue;
            };
            let e = peers.entry(peer).or_insert(Peer { address: peer, ..Peer::default() });
            if sent {
                e.pkts_to += p.pkts;
                e.octets_to += p.octets;
            } else {
                e.pkts_from += p.pkts;
                e.octets_from += p.octets;
            }
        }
        let mut peers: Vec<Peer> = peers.into_values().collect();
        peers.sort_by(|a, b| {
            (b.octets_to + b.octets_from).cmp(&(a.octets_to + a.octets_from)).then(a.address.cmp(&b.address))
        });
        peers
    }

    /// The data source's historyControl rows (all of them when none names it).
    pub fn history_controls(&self) -> Vec<&HistoryControlEntry> {
        match self.ether_stats() {
            Some(e) => self.history_controls_of(e.ether_stats_data_source),
            None => self.snapshot().map(|s| s.tables.history_control.iter().collect()).unwrap_or_default(),
        }
    }

    fn history_controls_of(&self, ds: DataSource) -> Vec<&HistoryControlEntry> {
        let Some(s) = self.snapshot() else { return Vec::new() };
        let mine: Vec<&HistoryControlEntry> =
            s.tables.history_control.iter().filter(|h| h.history_control_data_source == ds).collect();
        if mine.is_empty() { s.tables.history_control.iter().collect() } else { mine }
    }

    /// The interface behind an etherStats row.
    pub fn interface_of(&self, e: &EtherStatsEntry) -> Option<&DataSourceInfo> {
        let ds = e.ether_stats_data_source;
        self.snapshot()?.interfaces.iter().map(|i| &i.info).find(|i| i.if_index == ds.if_index())
    }

    /// The historyControl row shown and its buckets, oldest first.
    pub fn history(&self) -> Option<(&HistoryControlEntry, Vec<&EtherHistoryEntry>)> {
        let controls = self.history_controls();
        let control = *controls.get(self.history % controls.len().max(1))?;
        let buckets = self
            .snapshot()?
            .tables
            .ether_history
            .iter()
            .filter(|b| b.ether_history_index == control.history_control_index)
            .collect();
        Some((control, buckets))
    }

    /// A MAC address as the screens show it: with its vendor's first word when the registry
    /// names it (`00:00:0c:01:02:03 Cisco`).
    pub fn mac_label(&self, mac: MacAddr) -> String {
        match self.vendors.of(mac).and_then(|v| v.split([' ', ',']).next()) {
            Some(vendor) => format!("{mac} {}", vendor.chars().take(12).collect::<String>()),
            None => mac.to_string(),
        }
    }

    /// The width of a MAC address column: room for the vendor when names are known.
    pub fn mac_width(&self) -> u16 {
        if self.vendors.is_empty() { 17 } else { 30 }
    }

    /// The data source shown, as the RMON2 control rows name it.
    fn data_source(&self) -> Option<DataSource> {
        self.ether_stats().map(|e| e.ether_stats_data_source)
    }

    /// The control row among `rows` whose data source is the one shown, else the first.
    fn control_index<E>(&self, rows: &[E], source: fn(&E) -> DataSource, index: fn(&E) -> u16) -> Option<u16> {
        let ds = self.data_source();
        rows.iter().find(|r| Some(source(r)) == ds).or(rows.first()).map(index)
    }

    /// The hlHostControl row of the data source shown, else the first.
    pub fn hl_host_control_index(&self) -> Option<u16> {
        let rows = &self.snapshot()?.tables.hl_host_control;
        self.control_index(rows, |r| r.hl_host_control_data_source, |r| r.hl_host_control_index)
    }

    /// That hlHostControl row itself: its Al* columns say whether the application layer counts.
    pub fn hl_host_control(&self) -> Option<&HlHostControlEntry> {
        let index = self.hl_host_control_index()?;
        self.snapshot()?.tables.hl_host_control.iter().find(|r| r.hl_host_control_index == index)
    }

    /// The hlMatrixControl row of the data source shown, else the first.
    pub fn hl_matrix_control_index(&self) -> Option<u16> {
        let rows = &self.snapshot()?.tables.hl_matrix_control;
        self.control_index(rows, |r| r.hl_matrix_control_data_source, |r| r.hl_matrix_control_index)
    }

    /// The protocolDistControl row of the data source shown, else the first.
    pub fn protocol_dist_control_index(&self) -> Option<u16> {
        let rows = &self.snapshot()?.tables.protocol_dist_control;
        self.control_index(rows, |r| r.protocol_dist_control_data_source, |r| r.protocol_dist_control_index)
    }

    /// The IP hosts shown: filtered by address, sorted as asked (busiest sender first).
    pub fn ip_host_rows(&self) -> Vec<&NlHostEntry> {
        let index = self.hl_host_control_index();
        let filter = &self.ip.filter;
        let mut rows: Vec<&NlHostEntry> = self
            .snapshot()
            .into_iter()
            .flat_map(|s| &s.tables.nl_host)
            .filter(|h| Some(h.hl_host_control_index) == index)
            .filter(|h| filter.is_empty() || h.nl_host_address.to_string().contains(filter.as_str()))
            .collect();
        let column = self.ip.sort;
        rows.sort_by(|a, b| {
            let order = match column {
                IpHostColumn::Address => a.nl_host_address.cmp(&b.nl_host_address),
                _ => column.key(a).cmp(&column.key(b)).then(a.nl_host_address.cmp(&b.nl_host_address)),
            };
            if self.ip.ascending { order } else { order.reverse() }
        });
        rows
    }

    /// The MAC address an IP address was last sent from on the data source shown
    /// (addressMapTable).
    pub fn ip_mac(&self, address: NetAddr) -> Option<MacAddr> {
        let ds = self.data_source();
        let maps = &self.snapshot()?.tables.address_map;
        maps.iter()
            .filter(|m| m.address_map_network_address == address)
            .find(|m| ds.is_none_or(|ds| m.address_map_source.0 == ds.oid()))
            .map(|m| m.address_map_physical_address)
    }

    /// The IP conversations shown: filtered by either address, busiest (octets) first.
    pub fn ip_pairs(&self) -> Vec<&NlMatrixSdEntry> {
        let index = self.hl_matrix_control_index();
        let filter = &self.ip.filter;
        let matches = |a: &NetAddr| filter.is_empty() || a.to_string().contains(filter.as_str());
        let mut pairs: Vec<&NlMatrixSdEntry> = self
            .snapshot()
            .into_iter()
            .flat_map(|s| &s.tables.nl_matrix_sd)
            .filter(|p| Some(p.hl_matrix_control_index) == index)
            .filter(|p| matches(&p.source_address) || matches(&p.dest_address))
            .collect();
        pairs.sort_by(|a, b| {
            b.octets
                .cmp(&a.octets)
                .then(a.source_address.cmp(&b.source_address))
                .then(a.dest_address.cmp(&b.dest_address))
        });
        pairs
    }

    /// The protocol distribution of the data source shown, in the order of the names (a
    /// protocol under the one above it).
    pub fn protocol_rows(&self) -> Vec<ProtocolRow> {
        let Some(s) = self.snapshot() else { return Vec::new() };
        let index = self.protocol_dist_control_index();
        let mut rows: Vec<ProtocolRow> = s
            .tables
            .protocol_dist_stats
            .iter()
            .filter(|r| Some(r.protocol_dist_control_index) == index)
            .map(|r| ProtocolRow {
                local_index: r.protocol_dir_local_index,
                descr: s
                    .tables
                    .protocol_dir
                    .iter()
                    .find(|d| d.protocol_dir_local_index == r.protocol_dir_local_index)
                    .map_or_else(
                        || format!("protocol {}", r.protocol_dir_local_index),
                        |d| d.protocol_dir_descr.clone(),
                    ),
                pkts: r.protocol_dist_stats_pkts,
                octets: r.protocol_dist_stats_octets,
            })
            .collect();
        rows.sort_by(|a, b| a.descr.cmp(&b.descr));
        rows
    }

    /// The capture buffer shown.
    pub fn buffer(&self) -> Option<&BufferControlEntry> {
        let rows = &self.snapshot()?.tables.buffer_control;
        rows.get(self.capture.buffer % rows.len().max(1))
    }

    /// The packets of the buffer shown, oldest first.
    pub fn packets(&self) -> Vec<&CaptureBufferEntry> {
        let Some(b) = self.buffer() else { return Vec::new() };
        let index = b.buffer_control_index;
        self.snapshot()
            .into_iter()
            .flat_map(|s| &s.tables.capture_buffer)
            .filter(|p| p.capture_buffer_control_index == index)
            .collect()
    }
}
