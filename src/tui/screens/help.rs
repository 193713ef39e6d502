//! The `?` overlay: every key binding, from the one table in `keys`.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Block, Clear, Paragraph};

use crate::tui::keys::BINDINGS;

pub fn render(frame: &mut Frame, area: Rect) {
    // Every line is a binding, so an 80x24 terminal shows them all; how to close it is the title.
    let lines: Vec<Line> = BINDINGS
        .iter()
        .map(|b| {
            let place = b.screen.map(|s| format!("{}: ", s.title())).unwrap_or_default();
            Line::from(format!("{:>22}  {place}{}", b.keys, b.help))
        })
        .collect();
    let height = u16::try_from(lines.len() + 2).unwrap_or(u16::MAX).min(area.height);
    let width = 76.min(area.width);
    let [_, row, _] =
        Layout::vertical([Constraint::Min(0), Constraint::Length(height), Constraint::Min(0)]).areas(area);
    let [_, popup, _] =
        Layout::horizontal([Constraint::Min(0), Constraint::Length(width), Constraint::Min(0)]).areas(row);
    frame.render_widget(Clear, popup);
    frame.render_widget(Paragraph::new(lines).block(Block::bordered().title("Keys · any key closes this help")), popup);
}
