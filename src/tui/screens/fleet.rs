//! The Fleet screen: one row per probe (`tui --agent A --agent B`, `--agents FILE`), its state
//! and the first data source's figures, sortable (`s`); Enter opens the probe's own screens.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Row, Table, TableState};

use crate::tui::fleet::{FLEET_KEYS, Fleet, FleetColumn, ProbeRow, Reach, short_reason};
use crate::tui::format;
use crate::tui::screens::{header_style, selected_style};

/// The figure of a rate, `-` until two readings exist.
fn rate(row: &ProbeRow, figure: impl Fn(&crate::tui::fleet::Rates) -> Option<f64>) -> String {
    row.rates.as_ref().and_then(figure).map_or_else(|| "-".into(), format::si)
}

fn cells(row: &ProbeRow) -> (Vec<String>, Style) {
    let (state, style) = match &row.reach {
        Reach::Waiting => ("…".to_string(), Style::new()),
        Reach::Up => ("up".to_string(), Style::new().fg(Color::Green)),
        Reach::Unreachable(why) => (format!("unreachable: {}", short_reason(why)), Style::new().fg(Color::Red)),
    };
    let utilization = row.rates.and_then(|r| r.utilization).map_or_else(|| "-".to_string(), |u| format!("{u:.1}%"));
    let busiest = row.last.as_ref().and_then(|l| l.busiest).map_or_else(|| "-".into(), format::mac);
    let alarms = row.last.as_ref().map_or_else(|| "-".into(), |l| l.alarms.to_string());
    let cells = vec![
        row.spec.address.clone(),
        state,
        utilization,
        rate(row, |r| Some(r.pkts)),
        rate(row, |r| Some(r.errors)),
        rate(row, |r| Some(r.drops)),
        busiest,
        alarms,
    ];
    (cells, style)
}

pub fn render(fleet: &Fleet, frame: &mut Frame, area: Rect) {
    let [body, status] = Layout::vertical([Constraint::Min(0), Constraint::Length(1)]).areas(area);
    let order = fleet.order();
    let up = fleet.probes.iter().filter(|p| p.reach == Reach::Up).count();
    let title = format!(
        "Fleet · {} · {up} up · sorted by {} (s)",
        format::things(fleet.probes.len(), "probe", "probes"),
        fleet.sort.title()
    );
    let mut names: Vec<String> = FleetColumn::ALL
        .iter()
        .map(|c| if *c == fleet.sort { format!("{}↕", c.title()) } else { c.title().to_string() })
        .collect();
    names.insert(6, "Busiest host".into());
    let header = Row::new(names).style(header_style());
    let rows = order.iter().filter_map(|i| fleet.probes.get(*i)).map(|row| {
        let (cells, style) = cells(row);
        Row::new(cells).style(style)
    });
    let widths = [
        Constraint::Min(12),
        Constraint::Min(10),
        Constraint::Length(6),
        Constraint::Length(7),
        Constraint::Length(6),
        Constraint::Length(7),
        Constraint::Length(17),
        Constraint::Length(6),
    ];
    let fit = |s: &str| format::fit(s, usize::from(area.width.saturating_sub(4)));
    let mut block = Block::bordered().title(fit(&title));
    // The selected probe's whole error, which its row has no room for.
    let selected = order.get(fleet.selected.min(order.len().saturating_sub(1))).and_then(|i| fleet.probes.get(*i));
    if let Some(Reach::Unreachable(why)) = selected.map(|p| &p.reach) {
        block = block.title_bottom(
            Line::from(fit(&format!("{}: {why}", selected.map_or("", |p| &p.spec.address))))
                .style(Style::new().fg(Color::Red)),
        );
    }
    let mut state =
        TableState::default().with_selected((!order.is_empty()).then_some(fleet.selected.min(order.len() - 1)));
    frame.render_stateful_widget(
        Table::new(rows, widths).header(header).row_highlight_style(selected_style()).column_spacing(1).block(block),
        body,
        &mut state,
    );
    let line = match &fleet.message {
        Some(m) => Line::from(Span::styled(format!("⚠ {m}"), Style::new().fg(Color::Red))),
        None => Line::from(vec![
            Span::styled("Fleet", Style::new().add_modifier(Modifier::BOLD)),
            Span::raw("  ?:help  ↑↓:select  Enter:open (Esc:back)  s:sort  q:quit"),
        ]),
    };
    frame.render_widget(Paragraph::new(line), status);
    if fleet.help {
        render_help(frame, area);
    }
}

/// The `?` overlay of the Fleet: its keys, from [`FLEET_KEYS`].
fn render_help(frame: &mut Frame, area: Rect) {
    let lines: Vec<Line> = FLEET_KEYS.iter().map(|(keys, help)| Line::from(format!("{keys:>22}  {help}"))).collect();
    let height = u16::try_from(lines.len() + 2).unwrap_or(u16::MAX).min(area.height);
    let width = 76.min(area.width);
    let [_, row, _] =
        Layout::vertical([Constraint::Min(0), Constraint::Length(height), Constraint::Min(0)]).areas(area);
    let [_, popup, _] =
        Layout::horizontal([Constraint::Min(0), Constraint::Length(width), Constraint::Min(0)]).areas(row);
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(lines).block(Block::bordered().title("Fleet keys · any key closes this help")),
        popup,
    );
}
