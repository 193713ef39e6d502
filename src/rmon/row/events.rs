//! What SET means for alarm and event rows. Neither has data in the shards: an alarm samples
//! through the control plane ([`Probe::run_alarms`](crate::rmon::Probe::run_alarms)), an
//! event only logs and asks for traps.

use crate::mib::Oid;
use crate::mib::time::Timestamp;
use crate::rmon::alarm::{Alarm, AlarmConfig, SampleType, StartupAlarm};
use crate::rmon::control::{EntryStatus, Owner};
use crate::rmon::event::{Event, EventType};
use crate::rmon::probe::{Limits, RowRequest};
use crate::rmon::row::{ControlRow, Setting};
use crate::rmon::shard::{Group, ShardCommand};

impl ControlRow for Alarm {
    const GROUP: Option<Group> = None;

    /// The MIB gives alarm columns no DEFVALs: a new row has no interval and no variable (both
    /// must be set), thresholds of 0 (which must be set apart: falling below rising),
    /// absoluteValue, risingOrFallingAlarm and no events.
    fn created(_: &Limits, _: Timestamp) -> Self {
        let config = AlarmConfig {
            interval: 0,
            variable: Oid(Vec::new()),
            sample_type: SampleType::AbsoluteValue,
            startup_alarm: StartupAlarm::RisingOrFallingAlarm,
            rising_threshold: 0,
            falling_threshold: 0,
            rising_event_index: 0,
            falling_event_index: 0,
        };
        Alarm::under_creation(config, Owner::default())
    }

    fn status(&self) -> EntryStatus {
        Alarm::status(self)
    }

    /// Becoming valid starts the schedule at `now`, with its baseline reading.
    fn set_status(&mut self, status: EntryStatus, now: Timestamp) {
        Alarm::set_status(self, status, now);
    }

    fn set(&mut self, setting: &Setting, _: &Limits, _: Timestamp) {
        let c = &mut self.config;
        match setting {
            Setting::AlarmInterval(v) => c.interval = *v,
            Setting::Variable(v) => c.variable = v.clone(),
            Setting::SampleType(v) => c.sample_type = *v,
            Setting::StartupAlarm(v) => c.startup_alarm = *v,
            Setting::RisingThreshold(v) => c.rising_threshold = *v,
            Setting::FallingThreshold(v) => c.falling_threshold = *v,
            Setting::RisingEventIndex(v) => c.rising_event_index = *v,
            Setting::FallingEventIndex(v) => c.falling_event_index = *v,
            Setting::Owner(o) => self.owner = o.clone(),
            _ => {}
        }
    }

    fn missing(&self) -> Option<&'static str> {
        if self.config.interval == 0 {
            Some("alarmInterval")
        } else if self.config.variable.as_slice().is_empty() {
            Some("alarmVariable")
        } else {
            None
        }
    }

    fn problem(&self) -> Option<String> {
        self.missing().map(|column| format!("{column} is not set")).or_else(|| self.config.problem())
    }

    fn start(&self, _: u16, _: &Limits) -> Option<ShardCommand> {
        None
    }

    fn request(&self, index: u16) -> Option<RowRequest> {
        (Alarm::status(self) == EntryStatus::Valid).then(|| RowRequest::Alarm {
            index,
            config: self.config.clone(),
            owner: self.owner.clone(),
        })
    }
}

impl ControlRow for Event {
    const GROUP: Option<Group> = None;

    /// eventType has no DEFVAL; none(1) until set, so a new row does nothing by surprise.
    /// eventCommunity and eventDescription start empty.
    fn created(_: &Limits, _: Timestamp) -> Self {
        Event::new(String::new(), EventType::None, Vec::new(), Owner::default(), EntryStatus::UnderCreation)
    }

    fn status(&self) -> EntryStatus {
        self.status
    }

    fn set_status(&mut self, status: EntryStatus, _: Timestamp) {
        self.status = status;
    }

    fn set(&mut self, setting: &Setting, _: &Limits, _: Timestamp) {
        match setting {
            Setting::Description(d) => self.description = d.clone(),
            Setting::EventType(t) => self.event_type = *t,
            Setting::Community(c) => self.community = c.clone(),
            Setting::Owner(o) => self.owner = o.clone(),
            _ => {}
        }
    }

    fn missing(&self) -> Option<&'static str> {
        None
    }

    fn problem(&self) -> Option<String> {
        Event::problem(self)
    }

    fn start(&self, _: u16, _: &Limits) -> Option<ShardCommand> {
        None
    }

    fn request(&self, index: u16) -> Option<RowRequest> {
        (self.status == EntryStatus::Valid).then(|| RowRequest::Event {
            index,
            description: self.description.clone(),
            event_type: self.event_type,
            community: self.community.clone(),
            owner: self.owner.clone(),
        })
    }
}
