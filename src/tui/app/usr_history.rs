//! What the User history screen shows, read from the latest snapshot: one usrHistoryControl row
//! (RFC 4502), its objects, and its completed intervals with each object's value.
//!
//! usrHistoryAbsValue is a magnitude and usrHistoryValStatus its sign, or that the interval has
//! no value (the object was not served then): the screen charts the signed value and leaves a
//! gap where there is none, so the two columns are put back together here, once.

use std::collections::BTreeMap;

use crate::rmon::usr_history::{UsrHistoryControlEntry, UsrHistoryEntry, UsrHistoryObjectEntry, UsrHistoryValStatus};
use crate::tui::app::App;

/// One usrHistorySampleIndex of a row: its interval and each object's value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UsrSample {
    pub sample_index: u32,
    /// usrHistoryIntervalStart and usrHistoryIntervalEnd (TimeTicks).
    pub start: u64,
    pub end: u64,
    /// Per object, in the order of [`UsrHistoryShown::objects`]: the value, signed; None where
    /// valueNotAvailable (or the agent left the object's bucket out).
    pub values: Vec<Option<i128>>,
}

/// A usrHistoryControl row as the User history screen shows it.
#[derive(Clone, Debug)]
pub struct UsrHistoryShown<'a> {
    pub control: &'a UsrHistoryControlEntry,
    /// Its position among the rows (from 0), and how many rows there are.
    pub position: usize,
    pub rows: usize,
    /// Its usrHistoryObjectTable rows, by usrHistoryObjectIndex.
    pub objects: Vec<&'a UsrHistoryObjectEntry>,
    /// Its completed intervals, oldest first.
    pub samples: Vec<UsrSample>,
}

impl UsrHistoryShown<'_> {
    /// The object at `position` of [`UsrHistoryShown::objects`], over the intervals: oldest
    /// first, None for a gap.
    pub fn series(&self, position: usize) -> Vec<Option<i128>> {
        self.samples.iter().map(|s| s.values.get(position).copied().flatten()).collect()
    }
}

/// usrHistoryAbsValue signed by usrHistoryValStatus; None: valueNotAvailable.
pub fn signed_value(e: &UsrHistoryEntry) -> Option<i128> {
    let magnitude = i128::from(e.usr_history_abs_value);
    match e.usr_history_val_status {
        UsrHistoryValStatus::ValueNotAvailable => None,
        UsrHistoryValStatus::ValuePositive => Some(magnitude),
        UsrHistoryValStatus::ValueNegative => Some(-magnitude),
    }
}

impl App {
    /// The usrHistoryControl row shown (`i` steps through them, in index order), with its
    /// objects and buckets; None without a row.
    pub fn usr_history_shown(&self) -> Option<UsrHistoryShown<'_>> {
        let t = &self.snapshot()?.tables;
        let rows = t.usr_history_control.len();
        let position = self.usr_history.control % rows.max(1);
        let control = t.usr_history_control.get(position)?;
        let index = control.usr_history_control_index;
        let mut objects: Vec<&UsrHistoryObjectEntry> =
            t.usr_history_object.iter().filter(|o| o.usr_history_control_index == index).collect();
        objects.sort_by_key(|o| o.usr_history_object_index);
        let mut samples: BTreeMap<u32, UsrSample> = BTreeMap::new();
        for e in t.usr_history.iter().filter(|e| e.usr_history_control_index == index) {
            let Some(at) = objects.iter().position(|o| o.usr_history_object_index == e.usr_history_object_index) else {
                continue;
            };
            let sample = samples.entry(e.usr_history_sample_index).or_insert_with(|| UsrSample {
                sample_index: e.usr_history_sample_index,
                start: e.usr_history_interval_start,
                end: e.usr_history_interval_end,
                values: vec![None; objects.len()],
            });
            sample.values[at] = signed_value(e);
        }
        Some(UsrHistoryShown { control, position, rows, objects, samples: samples.into_values().collect() })
    }

    /// The position among the shown row's objects of the one whose chart comes first (`o`).
    pub fn usr_history_first_object(&self, objects: usize) -> usize {
        self.usr_history.object % objects.max(1)
    }
}
