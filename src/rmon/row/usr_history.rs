//! What a change of a usrHistoryControl row means: its objects are part of it, so a SET of
//! usrHistoryObjectTable is a setting of the control row ([`Setting::UsrObjectVariable`]).
//! The row has no data in the shards: it samples in the control plane, as an alarm does.

use crate::mib::time::Timestamp;
use crate::rmon::control::{EntryStatus, Owner};
use crate::rmon::probe::{Limits, RowRequest};
use crate::rmon::row::{ControlRow, Setting};
use crate::rmon::shard::{Group, ShardCommand};
use crate::rmon::usr_history::{DEFAULT_BUCKETS_REQUESTED, DEFAULT_INTERVAL_SECS, Sampling, UsrHistoryControl};

impl ControlRow for UsrHistoryControl {
    const GROUP: Option<Group> = None;

    fn created(limits: &Limits, _: Timestamp) -> Self {
        let mut row = UsrHistoryControl {
            objects: None,
            buckets_requested: DEFAULT_BUCKETS_REQUESTED,
            buckets_granted: 0,
            interval: DEFAULT_INTERVAL_SECS,
            owner: Owner::default(),
            status: EntryStatus::UnderCreation,
            sampling: None,
        };
        row.grant(limits.history_buckets);
        row
    }

    fn status(&self) -> EntryStatus {
        self.status
    }

    /// Made active at `now`, the row's bucket 1 starts then (with the baseline reading); taken
    /// out of active, its buckets go.
    fn set_status(&mut self, status: EntryStatus, now: Timestamp) {
        if status == EntryStatus::Valid && self.status != EntryStatus::Valid {
            self.sampling = Some(Sampling::new(now));
        } else if status != EntryStatus::Valid {
            self.sampling = None;
        }
        self.status = status;
    }

    /// usrHistoryControlBucketsRequested may change while active: the oldest buckets beyond
    /// the new grant go at once. The grant also bounds buckets times objects
    /// ([`UsrHistoryControl::grant`]).
    fn set(&mut self, setting: &Setting, limits: &Limits, _: Timestamp) {
        match setting {
            Setting::Owner(o) => self.owner = o.clone(),
            Setting::Interval(i) => self.interval = *i,
            Setting::UsrObjects(n) => {
                self.set_objects(*n);
                self.grant(limits.history_buckets);
            }
            Setting::BucketsRequested(n) => {
                self.buckets_requested = *n;
                self.grant(limits.history_buckets);
            }
            Setting::UsrObjectVariable(object, oid) => {
                if let Some(o) = self.object_mut(*object) {
                    o.variable = Some(oid.clone());
                }
            }
            Setting::UsrObjectSampleType(object, sample_type) => {
                if let Some(o) = self.object_mut(*object) {
                    o.sample_type = Some(*sample_type);
                }
            }
            _ => {}
        }
    }

    fn missing(&self) -> Option<&'static str> {
        self.objects.is_none().then_some("usrHistoryControlObjects")
    }

    fn problem(&self) -> Option<String> {
        UsrHistoryControl::problem(self)
    }

    fn start(&self, _: u16, _: &Limits) -> Option<ShardCommand> {
        None
    }

    fn request(&self, index: u16) -> Option<RowRequest> {
        if self.status != EntryStatus::Valid {
            return None;
        }
        let objects = self
            .objects
            .iter()
            .flatten()
            .map(|o| Some((o.variable.clone()?, o.sample_type?)))
            .collect::<Option<Vec<_>>>()?;
        Some(RowRequest::UsrHistory {
            index,
            objects,
            buckets_requested: self.buckets_requested,
            interval: self.interval,
            owner: self.owner.clone(),
        })
    }
}
