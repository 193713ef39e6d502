//! Screen 12 (key `=`), User history: RMON2's usrHistory (RFC 4502) of one usrHistoryControl
//! row, a chart per object of its buckets' values over time and the latest buckets in full;
//! `i` shows the next row, `o` puts the next object's chart first when they do not all fit.
//!
//! A bucket's value is signed (usrHistoryAbsValue, negated where usrHistoryValStatus is
//! valueNegative: an Integer's or a Gauge's fall), so a chart draws bars from zero, up or down,
//! and an interval whose value was not available is a gap.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Style};
use ratatui::symbols::Marker;
use ratatui::text::Line;
use ratatui::widgets::{Axis, Block, Chart, Dataset, GraphType, Paragraph, Row, Table, Wrap};

use crate::mib::tc::RowStatus;
use crate::rmon::usr_history::UsrHistoryObjectEntry;
use crate::tui::app::{App, UsrHistoryShown};
use crate::tui::format;
use crate::tui::screens::header_style;

/// Said where the probe has no usrHistoryControl row.
const NO_ROW: &str = "No usrHistoryControl row, so there is no user history to chart. Make one in the \
                      configuration: a [[usrHistoryControl]] (usrHistoryControlInterval, \
                      usrHistoryControlBucketsRequested) with a [[usrHistoryControl.objects]] per object \
                      (usrHistoryObjectVariable, usrHistoryObjectSampleType), as in README's \"User history\" and \
                      rmonprobe.example.toml; or by SET: usrHistoryControlStatus createAndWait with \
                      usrHistoryControlObjects, each usrHistoryObjectTable row's Variable and SampleType, then \
                      active.";

/// Rows of a chart, borders included: fewer and the bars have no height to tell values apart.
const CHART_HEIGHT: u16 = 6;

/// A chart this tall inside its borders has room for the time axis below its bars.
const TIME_AXIS_FROM: u16 = 8;

/// The narrowest value column: `-123,456,789` exact, `-12.3k` short; the object's name above
/// is cut to the column.
const VALUE_WIDTH: u16 = 13;

pub fn render(app: &App, frame: &mut Frame, area: Rect) {
    let Some(shown) = app.usr_history_shown() else {
        let block = Block::bordered().title("User history · no usrHistoryControl row");
        frame.render_widget(Paragraph::new(NO_ROW).wrap(Wrap { trim: true }).block(block), area);
        return;
    };
    let first = app.usr_history_first_object(shown.objects.len());
    // The newest buckets take up to a fifth of the height; the charts share the rest.
    let listed = u16::try_from(shown.samples.len()).unwrap_or(u16::MAX).clamp(1, (area.height / 5).max(1));
    let [head, charts, table] =
        Layout::vertical([Constraint::Length(1), Constraint::Fill(1), Constraint::Length(listed + 3)]).areas(area);
    let fit = usize::from((charts.height / CHART_HEIGHT).max(1)).min(shown.objects.len());
    let exact = area.width >= 120;
    let heading = heading(&shown, first, fit);
    frame.render_widget(
        Paragraph::new(Line::styled(format::fit(&heading, usize::from(area.width)), header_style())),
        head,
    );
    if shown.objects.is_empty() || shown.control.usr_history_control_status != RowStatus::Active {
        let why = format!(
            "usrHistoryControl {} is {} with {}: it samples once each object has its Variable and SampleType \
             and the row is active.",
            shown.control.usr_history_control_index,
            shown.control.usr_history_control_status.name(),
            format::things(shown.objects.len(), "object", "objects"),
        );
        frame.render_widget(Paragraph::new(why).wrap(Wrap { trim: true }).block(Block::bordered()), charts);
    } else {
        let areas = Layout::vertical(vec![Constraint::Fill(1); fit]).split(charts);
        for (i, chart_area) in areas.iter().enumerate() {
            chart(&shown, (first + i) % shown.objects.len(), exact, frame, *chart_area);
        }
    }
    buckets(&shown, first, exact, frame, table);
}

/// The row's line: which of how many, its interval, its buckets and objects (and, when their
/// charts do not all fit, which comes first).
fn heading(shown: &UsrHistoryShown, first: usize, fit: usize) -> String {
    let c = shown.control;
    let objects = match shown.objects.len() {
        n if n > fit => format!("{n} objects, from {} (o: next)", first + 1),
        n => format::things(n, "object", "objects"),
    };
    format!(
        "usrHistoryControl {} ({}/{}, i: next) · every {} s · {} of {} buckets · {objects}",
        c.usr_history_control_index,
        shown.position + 1,
        shown.rows,
        c.usr_history_control_interval,
        shown.samples.len(),
        c.usr_history_control_buckets_granted,
    )
}

/// The object's variable as an engineer reads it, and its sample type.
fn object_label(o: &UsrHistoryObjectEntry) -> (String, &'static str) {
    let variable = if o.usr_history_object_variable.0.is_empty() {
        "variable not set".to_string()
    } else {
        format::object(&o.usr_history_object_variable)
    };
    (variable, o.usr_history_object_sample_type.map_or("no sample type", |t| t.name()))
}

/// One object's buckets as bars from zero, each as wide as the chart allows, a gap where the
/// value was not available.
fn chart(shown: &UsrHistoryShown, position: usize, exact: bool, frame: &mut Frame, area: Rect) {
    let object = shown.objects[position];
    let series = shown.series(position);
    let values: Vec<i128> = series.iter().flatten().copied().collect();
    let (low, high) =
        (values.iter().copied().min().unwrap_or(0).min(0), values.iter().copied().max().unwrap_or(0).max(0));
    let (variable, sample_type) = object_label(object);
    let mut title = format!("{}. {variable} · {sample_type}", object.usr_history_object_index);
    match series.last() {
        Some(Some(v)) => title.push_str(&format!(" · latest {}", signed(*v, exact))),
        Some(None) => title.push_str(" · latest not available"),
        None => title.push_str(" · no completed interval yet"),
    }
    if high > 0 {
        title.push_str(&format!(" · peak {}", signed(high, exact)));
    }
    let gaps = series.len() - values.len();
    if gaps > 0 {
        title.push_str(&format!(" · {gaps} not available"));
    }
    let y_labels: Vec<String> =
        if low < 0 { vec![signed(low, false), signed(high, false)] } else { vec!["0".into(), signed(high, false)] };
    let x_labels: Vec<String> = match (shown.samples.first(), shown.samples.last()) {
        (Some(oldest), Some(newest)) if area.height.saturating_sub(2) >= TIME_AXIS_FROM => {
            vec![format::ticks(oldest.start), format::ticks(newest.end)]
        }
        _ => Vec::new(),
    };
    // Each bucket is a bar of points half a column or less apart. Where a bucket has 4 columns
    // or more, a column each side of it is left out: the last point of a bar and the first of
    // the next are over 2 columns apart, so one column at least stays blank between them (the
    // plot's width is taken as the area's less the borders and the labels left of it, a column
    // under what the chart has, so the columns are no narrower than reckoned).
    let n = series.len().max(1);
    let labels = y_labels.iter().chain(x_labels.first()).map(|l| l.chars().count()).max().unwrap_or(0);
    let columns = usize::from(area.width).saturating_sub(4 + labels) as f64 / n as f64;
    let per_bucket = ((2.0 * columns).ceil() as usize).clamp(1, 64);
    let margin = if columns >= 4.0 { 1.0 / columns } else { 0.0 };
    let step = (1.0 - 2.0 * margin) / per_bucket as f64;
    let points: Vec<(f64, f64)> = series
        .iter()
        .enumerate()
        .filter_map(|(i, v)| v.map(|v| (i as f64, v as f64)))
        .flat_map(|(i, v)| (0..per_bucket).map(move |k| (i + margin + (k as f64 + 0.5) * step, v)))
        .collect();
    let bars = Dataset::default()
        .data(&points)
        .graph_type(GraphType::Bar)
        .marker(Marker::HalfBlock)
        .style(Style::new().fg(Color::Green));
    let (y_low, y_high) = if low == high { (0.0, 1.0) } else { (low as f64, high as f64) };
    frame.render_widget(
        Chart::new(vec![bars])
            .block(Block::bordered().title(format::fit(&title, usize::from(area.width.saturating_sub(4)))))
            .x_axis(Axis::default().bounds([0.0, n as f64]).labels(x_labels))
            .y_axis(Axis::default().bounds([y_low, y_high]).labels(y_labels)),
        area,
    );
}

/// A value for the table and the titles: exact or short, `-` before a negative one.
fn signed(v: i128, exact: bool) -> String {
    format::signed(v < 0, u64::try_from(v.unsigned_abs()).unwrap_or(u64::MAX), exact)
}

/// The newest buckets, a column per object (those that fit, from the first charted).
fn buckets(shown: &UsrHistoryShown, first: usize, exact: bool, frame: &mut Frame, area: Rect) {
    let fixed = 6 + 12 + 12 + 3;
    let room = area.width.saturating_sub(2 + fixed);
    let columns = usize::from((room / (VALUE_WIDTH + 1)).max(1)).min(shown.objects.len());
    let width = (room / u16::try_from(columns.max(1)).unwrap_or(1)).saturating_sub(1).max(VALUE_WIDTH);
    let order: Vec<usize> = (0..columns).map(|i| (first + i) % shown.objects.len().max(1)).collect();
    let mut header = vec!["sample".to_string(), "start".into(), "end".into()];
    header.extend(order.iter().map(|&p| format::fit(&object_label(shown.objects[p]).0, usize::from(width))));
    let shown_rows = usize::from(area.height.saturating_sub(3));
    let rows = shown.samples.iter().rev().take(shown_rows).map(|s| {
        let mut cells = vec![s.sample_index.to_string(), format::ticks(s.start), format::ticks(s.end)];
        cells.extend(order.iter().map(|&p| match s.values.get(p).copied().flatten() {
            Some(v) => signed(v, exact),
            None => "n/a".into(),
        }));
        Row::new(cells)
    });
    let mut widths = vec![Constraint::Length(6), Constraint::Length(12), Constraint::Length(12)];
    widths.extend(order.iter().map(|_| Constraint::Length(width)));
    let title = format!("usrHistoryTable {}, newest first", shown.control.usr_history_control_index);
    frame.render_widget(
        Table::new(rows, widths).header(Row::new(header).style(header_style())).block(Block::bordered().title(title)),
        area,
    );
}
