//! Rendering: pure functions from the [`App`] state to a frame. The frame is the tab bar, the
//! screen on show, and a status line; `?` lays the help over it.

mod alarms;
mod applications;
mod capture;
pub mod fleet;
mod help;
mod history;
mod hosts;
mod ip_hosts;
mod ip_matrix;
mod latency;
mod matrix;
mod overview;
mod protocols;
mod topn;
mod usr_history;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Tabs, Wrap};

use crate::tui::app::{App, Screen};
use crate::tui::source::Groups;
use crate::tui::{format, keys};

/// Draws the whole UI.
pub fn render(app: &App, frame: &mut Frame) {
    let [tabs, body, status] =
        Layout::vertical([Constraint::Length(1), Constraint::Min(0), Constraint::Length(1)]).areas(frame.area());
    render_tabs(app, frame, tabs);
    match app.reading.as_ref() {
        None => {
            let text = match &app.error {
                Some(e) => format!("No reading yet: {e}"),
                None => "Reading the probe…".to_string(),
            };
            frame.render_widget(Paragraph::new(text).block(Block::bordered().title(app.title.clone())), body);
        }
        Some(reading) => match missing_group(app.screen, reading.groups) {
            Some(group) => frame.render_widget(
                Paragraph::new(format!("{} does not implement {group}, so there is nothing to show here.", app.title))
                    .wrap(Wrap { trim: true })
                    .block(Block::bordered().title(app.screen.title())),
                body,
            ),
            None => match app.screen {
                Screen::Overview => overview::render(app, frame, body),
                Screen::Hosts => hosts::render(app, frame, body),
                Screen::TopN => topn::render(app, frame, body),
                Screen::Matrix => matrix::render(app, frame, body),
                Screen::History => history::render(app, frame, body),
                Screen::Alarms => alarms::render(app, frame, body),
                Screen::Capture => capture::render(app, frame, body),
                Screen::IpHosts => ip_hosts::render(app, frame, body),
                Screen::IpMatrix => ip_matrix::render(app, frame, body),
                Screen::Protocols => protocols::render(app, frame, body),
                Screen::Applications => applications::render(app, frame, body),
                Screen::UsrHistory => usr_history::render(app, frame, body),
                Screen::Latency => latency::render(app, frame, body),
            },
        },
    }
    render_status(app, frame, status);
    if app.help {
        help::render(frame, frame.area());
    }
}

/// The group a screen needs that the source lacks.
fn missing_group(screen: Screen, g: Groups) -> Option<&'static str> {
    match screen {
        Screen::Overview if !g.statistics => Some("the RMON-MIB statistics group (etherStatsTable)"),
        Screen::Hosts if !g.hosts => Some("the RMON-MIB hosts group (hostControlTable, hostTable)"),
        Screen::TopN if !g.hosts => Some("the RMON-MIB hosts group, which Top N ranks"),
        Screen::Matrix if !g.matrix => Some("the RMON-MIB matrix group (matrixControlTable, matrixSDTable)"),
        Screen::History if !g.history => Some("the RMON-MIB history group (historyControlTable, etherHistoryTable)"),
        Screen::Alarms if !g.alarm && !g.event => Some("the RMON-MIB alarm and event groups"),
        Screen::Capture if !g.filter && !g.capture => Some("the RMON-MIB filter and capture groups"),
        Screen::IpHosts if !g.nl_host => Some("the RMON-MIB RMON2 nlHost group (hlHostControlTable, nlHostTable)"),
        Screen::IpMatrix if !g.nl_matrix => {
            Some("the RMON-MIB RMON2 nlMatrix group (hlMatrixControlTable, nlMatrixSDTable)")
        }
        Screen::Protocols if !g.protocol_dist => {
            Some("the RMON-MIB RMON2 protocol distribution group (protocolDistStatsTable)")
        }
        Screen::Applications if !g.al_host => Some("the RMON-MIB RMON2 alHost group (alHostTable)"),
        Screen::UsrHistory if !g.usr_history => {
            Some("the RMON-MIB RMON2 user history group (usrHistoryControlTable, usrHistoryTable)")
        }
        Screen::Latency if !g.tcp_latency => {
            Some("RMONPROBE-MIB's tcpLatency group (tcpLatencyServerTable, tcpLatencyPairTable)")
        }
        _ => None,
    }
}

fn render_tabs(app: &App, frame: &mut Frame, area: Rect) {
    let width = usize::from(area.width);
    // The uptime to the hundredth, or to the second where the tabs need the room.
    let uptime = |wide: bool| {
        let mut right = match app.snapshot() {
            Some(s) if wide => format!("up {} ", format::ticks(s.sys_up_time())),
            Some(s) => format!("{} ", format::ticks(s.sys_up_time()).split('.').next().unwrap_or_default()),
            None => String::new(),
        };
        if app.paused {
            right.push_str("PAUSED ");
        } else if app.reading.as_ref().is_some_and(|r| r.finished) {
            right.push_str("final ");
        }
        right
    };
    // The longest titles that fit beside the uptime: full names, short ones, then keys alone
    // with the name of the screen on show.
    let tabs = |names: TabNames| -> Vec<String> {
        Screen::ALL
            .iter()
            .map(|s| {
                let title = match names {
                    TabNames::Full => s.title(),
                    TabNames::Short => s.short_title(),
                    TabNames::Keys if *s == app.screen => s.short_title(),
                    TabNames::Keys => "",
                };
                format!("{} {title}", keys::screen_key(*s)).trim_end().to_string()
            })
            .collect()
    };
    let length = |titles: &[String]| titles.iter().map(|t| t.chars().count()).sum::<usize>() + titles.len() - 1;
    let choices = [
        (TabNames::Full, true),
        (TabNames::Short, true),
        (TabNames::Short, false),
        (TabNames::Keys, width >= 100),
        (TabNames::Keys, false),
    ];
    let (titles, right) = choices
        .iter()
        .map(|&(names, wide)| (tabs(names), uptime(wide)))
        .find(|(titles, right)| length(titles) + right.chars().count() <= width)
        .unwrap_or_else(|| (tabs(TabNames::Keys), uptime(false)));
    let selected = Screen::ALL.iter().position(|s| *s == app.screen).unwrap_or(0);
    let right_width = u16::try_from(right.chars().count()).unwrap_or(0).min(area.width / 3);
    let [left, right_area] = Layout::horizontal([Constraint::Min(0), Constraint::Length(right_width)]).areas(area);
    frame.render_widget(
        Tabs::new(titles)
            .select(selected)
            .padding("", "")
            .divider("│")
            .highlight_style(Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD)),
        left,
    );
    frame.render_widget(Paragraph::new(right).style(Style::new().add_modifier(Modifier::BOLD)), right_area);
}

/// How much of each screen's name the tab bar has room for.
#[derive(Clone, Copy)]
enum TabNames {
    Full,
    Short,
    /// The keys, and the short name of the screen on show.
    Keys,
}

fn render_status(app: &App, frame: &mut Frame, area: Rect) {
    let line = if let Some(e) = &app.error {
        Line::from(Span::styled(format!("⚠ {e}"), Style::new().fg(Color::Red)))
    } else if let Some(m) = &app.message {
        Line::from(m.clone())
    } else if app.hosts.editing {
        Line::from(format!("filter: {}▏ (Enter keeps, Esc clears)", app.hosts.filter))
    } else {
        Line::from(vec![
            Span::styled(
                format::fit(&app.title, usize::from(area.width / 2)),
                Style::new().add_modifier(Modifier::BOLD),
            ),
            Span::raw("  ?:help  Tab:screen  [ ]:source  p:pause  q:quit"),
            Span::raw(if app.from_fleet { "  Esc:fleet" } else { "" }),
        ])
    };
    frame.render_widget(Paragraph::new(line), area);
}

/// A number for a table cell: exact when the table is wide, short otherwise.
pub(crate) fn number(v: u64, exact: bool) -> String {
    if exact { format::count(v) } else { format::si(v as f64) }
}

/// A share as a bar of `width` cells and a percentage: `██████·············· 31.4%`.
pub(crate) fn share_bar(share: f64, width: usize) -> String {
    let filled = ((share * width as f64).round() as usize).min(width);
    format!("{}{} {:5.1}%", "█".repeat(filled), "·".repeat(width - filled), share * 100.0)
}

/// The data source's name for titles: `ifIndex 1 (eth0)`.
pub(crate) fn source_label(app: &App) -> String {
    match (app.ether_stats(), app.interface()) {
        (Some(e), Some(i)) => format!("etherStats.{} ifIndex {} {}", e.ether_stats_index, i.if_index, i.descr),
        (Some(e), None) => format!("etherStats.{} {}", e.ether_stats_index, e.ether_stats_data_source),
        _ => "no data source".into(),
    }
}

/// The highlight of a selected row.
pub(crate) fn selected_style() -> Style {
    Style::new().add_modifier(Modifier::REVERSED)
}

/// Header cells in bold.
pub(crate) fn header_style() -> Style {
    Style::new().add_modifier(Modifier::BOLD)
}

#[cfg(test)]
mod tests;
