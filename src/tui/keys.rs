//! Every key binding in one place: what a key does on which screen, and the help text the `?`
//! overlay shows, from the same table.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::tui::app::Screen;

/// What the user asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    Quit,
    Pause,
    Help,
    NextScreen,
    PrevScreen,
    Show(Screen),
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    /// The next / previous data source (etherStats row) for every screen.
    NextSource,
    PrevSource,
    /// Hosts: the next sort column; the other order.
    Sort,
    ReverseSort,
    /// Hosts: type an address filter.
    Filter,
    /// Matrix: the selected pair's source host's peers; back from them. Applications: the
    /// selected application's hosts and conversations; back to every application's.
    Enter,
    Back,
    /// History: the next historyControl row (another interval). User history: the next
    /// usrHistoryControl row.
    NextInterval,
    /// User history: the next object's chart first.
    NextObject,
    /// Top N: the next rate base, the next window, start a report on the probe.
    NextBase,
    NextWindow,
    NewReport,
    /// Capture: the next buffer; write it as pcap.
    NextBuffer,
    WriteBuffer,
    /// IP hosts: the next sort column; the other order. IP hosts, conversations and
    /// applications: type an address filter.
    IpSort,
    IpReverseSort,
    IpFilter,
}

/// The key of each screen, in [`Screen::ALL`]'s order: the digit row, 1 to 9, then 0, `-` and `=`,
/// then `` ` ``, the key left of 1, which ends the row where the others begin.
pub const SCREEN_KEYS: [char; Screen::ALL.len()] = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '0', '-', '=', '`'];

/// The key that shows `screen`.
pub fn screen_key(screen: Screen) -> char {
    let position = Screen::ALL.iter().position(|s| *s == screen).unwrap_or(0);
    SCREEN_KEYS[position]
}

/// One binding: the key, where it works (None: everywhere), and what the help says.
pub struct Binding {
    pub keys: &'static str,
    pub screen: Option<Screen>,
    pub action: Action,
    pub help: &'static str,
}

const fn global(keys: &'static str, action: Action, help: &'static str) -> Binding {
    Binding { keys, screen: None, action, help }
}

const fn on(screen: Screen, keys: &'static str, action: Action, help: &'static str) -> Binding {
    Binding { keys, screen: Some(screen), action, help }
}

/// The help overlay's lines, in this order.
pub const BINDINGS: &[Binding] = &[
    global("Tab / Shift-Tab", Action::NextScreen, "next / previous screen"),
    global("1-9, 0, -, =, `", Action::Show(Screen::Overview), "a screen by its key (0, -, =, `: 10th to 13th)"),
    global("[ / ]", Action::NextSource, "previous / next data source"),
    global("↑ ↓ PgUp PgDn Home End", Action::Down, "move in a list"),
    global("p", Action::Pause, "pause / resume the readings"),
    global("?", Action::Help, "this help"),
    global("q", Action::Quit, "quit"),
    on(Screen::Hosts, "s / S", Action::Sort, "sort by the next column / reverse the order"),
    on(Screen::Hosts, "/", Action::Filter, "filter by address (Enter keeps, Esc clears)"),
    on(Screen::TopN, "b", Action::NextBase, "rank by the next rate base"),
    on(Screen::TopN, "w", Action::NextWindow, "the next window"),
    on(Screen::TopN, "n", Action::NewReport, "start a hostTopN report on the probe"),
    on(Screen::Matrix, "Enter / Esc", Action::Enter, "the selected source's peers / back"),
    on(Screen::History, "i", Action::NextInterval, "the next history interval"),
    on(Screen::Capture, "b", Action::NextBuffer, "the next capture buffer"),
    on(Screen::Capture, "w", Action::WriteBuffer, "write the buffer as pcap"),
    on(Screen::IpHosts, "s / S", Action::IpSort, "sort by the next column / reverse"),
    on(Screen::IpHosts, "/", Action::IpFilter, "filter by address (conversations too)"),
    on(Screen::Applications, "Enter / Esc", Action::Enter, "the selected application only / all"),
    on(Screen::Applications, "/", Action::IpFilter, "filter by address (hosts, pairs)"),
    on(Screen::UsrHistory, "i", Action::NextInterval, "the next usrHistoryControl row"),
    on(Screen::UsrHistory, "o", Action::NextObject, "the next object's chart first"),
];

/// The action of `key` on `screen`, if any.
pub fn action(screen: Screen, key: KeyEvent) -> Option<Action> {
    if key.modifiers.contains(KeyModifiers::CONTROL) {
        return matches!(key.code, KeyCode::Char('c')).then_some(Action::Quit);
    }
    let global = match key.code {
        KeyCode::Char('q') => Some(Action::Quit),
        KeyCode::Char('p') => Some(Action::Pause),
        KeyCode::Char('?') => Some(Action::Help),
        KeyCode::Tab => Some(Action::NextScreen),
        KeyCode::BackTab => Some(Action::PrevScreen),
        KeyCode::Char(c) if SCREEN_KEYS.contains(&c) => {
            SCREEN_KEYS.iter().position(|k| *k == c).map(|i| Action::Show(Screen::ALL[i]))
        }
        KeyCode::Up | KeyCode::Char('k') => Some(Action::Up),
        KeyCode::Down | KeyCode::Char('j') => Some(Action::Down),
        KeyCode::PageUp => Some(Action::PageUp),
        KeyCode::PageDown => Some(Action::PageDown),
        KeyCode::Home => Some(Action::Top),
        KeyCode::End => Some(Action::Bottom),
        KeyCode::Char(']') => Some(Action::NextSource),
        KeyCode::Char('[') => Some(Action::PrevSource),
        _ => None,
    };
    if global.is_some() {
        return global;
    }
    match (screen, key.code) {
        (Screen::Hosts, KeyCode::Char('s')) => Some(Action::Sort),
        (Screen::Hosts, KeyCode::Char('S')) => Some(Action::ReverseSort),
        (Screen::Hosts, KeyCode::Char('/')) => Some(Action::Filter),
        (Screen::Hosts | Screen::Matrix, KeyCode::Esc) => Some(Action::Back),
        (Screen::Matrix | Screen::Applications, KeyCode::Enter) => Some(Action::Enter),
        (Screen::TopN, KeyCode::Char('b')) => Some(Action::NextBase),
        (Screen::TopN, KeyCode::Char('w')) => Some(Action::NextWindow),
        (Screen::TopN, KeyCode::Char('n')) => Some(Action::NewReport),
        (Screen::History | Screen::UsrHistory, KeyCode::Char('i')) => Some(Action::NextInterval),
        (Screen::UsrHistory, KeyCode::Char('o')) => Some(Action::NextObject),
        (Screen::Capture, KeyCode::Char('b')) => Some(Action::NextBuffer),
        (Screen::Capture, KeyCode::Char('w')) => Some(Action::WriteBuffer),
        (Screen::IpHosts, KeyCode::Char('s')) => Some(Action::IpSort),
        (Screen::IpHosts, KeyCode::Char('S')) => Some(Action::IpReverseSort),
        (Screen::IpHosts | Screen::IpMatrix | Screen::Applications, KeyCode::Char('/')) => Some(Action::IpFilter),
        (Screen::IpHosts | Screen::IpMatrix | Screen::Applications, KeyCode::Esc) => Some(Action::Back),
        _ => None,
    }
}
