//! What SET means for filter and channel rows. Their shard state (each valid channel's filter
//! set) depends on both tables at once, so it is derived by
//! [`Probe::channel_commands`](crate::rmon::Probe) rather than row by row.

use crate::mib::time::Timestamp;
use crate::rmon::control::{DataSource, EntryStatus, Owner};
use crate::rmon::filter::{AcceptType, ChannelControl, ChannelEventStatus, DataControl, Filter, FilterControl};
use crate::rmon::probe::{Limits, RowRequest};
use crate::rmon::row::{ControlRow, Setting};
use crate::rmon::shard::{Group, ShardCommand};

impl ControlRow for FilterControl {
    const GROUP: Option<Group> = None;

    /// The MIB's DEFVALs: offset 0, empty data and masks (an empty filter matches every
    /// frame), status bits 0; filterChannelIndex has none and must be set.
    fn created(_: &Limits, _: Timestamp) -> Self {
        FilterControl {
            channel_index: 0,
            filter: Filter {
                pkt_data_offset: 0,
                pkt_data: Vec::new(),
                pkt_data_mask: Vec::new(),
                pkt_data_not_mask: Vec::new(),
                pkt_status: 0,
                pkt_status_mask: 0,
                pkt_status_not_mask: 0,
            },
            owner: Owner::default(),
            status: EntryStatus::UnderCreation,
        }
    }

    fn status(&self) -> EntryStatus {
        self.status
    }

    fn set_status(&mut self, status: EntryStatus, _: Timestamp) {
        self.status = status;
    }

    fn set(&mut self, setting: &Setting, _: &Limits, _: Timestamp) {
        let f = &mut self.filter;
        match setting {
            Setting::ChannelIndex(v) => self.channel_index = *v,
            Setting::PktDataOffset(v) => f.pkt_data_offset = *v,
            Setting::PktData(v) => f.pkt_data = v.clone(),
            Setting::PktDataMask(v) => f.pkt_data_mask = v.clone(),
            Setting::PktDataNotMask(v) => f.pkt_data_not_mask = v.clone(),
            Setting::PktStatus(v) => f.pkt_status = *v,
            Setting::PktStatusMask(v) => f.pkt_status_mask = *v,
            Setting::PktStatusNotMask(v) => f.pkt_status_not_mask = *v,
            Setting::Owner(o) => self.owner = o.clone(),
            _ => {}
        }
    }

    fn missing(&self) -> Option<&'static str> {
        (self.channel_index == 0).then_some("filterChannelIndex")
    }

    fn start(&self, _: u16, _: &Limits) -> Option<ShardCommand> {
        None
    }

    fn request(&self, index: u16) -> Option<RowRequest> {
        (self.status == EntryStatus::Valid).then(|| RowRequest::Filter {
            index,
            channel_index: self.channel_index,
            filter: self.filter.clone(),
            owner: self.owner.clone(),
        })
    }
}

impl ControlRow for ChannelControl {
    const GROUP: Option<Group> = None;

    /// The MIB's DEFVALs: dataControl off, eventReady; event indexes 0 (none). channelIfIndex
    /// has none and must be set; channelAcceptType has none either and starts acceptMatched.
    fn created(_: &Limits, _: Timestamp) -> Self {
        ChannelControl {
            data_source: DataSource::UNSET,
            accept_type: AcceptType::AcceptMatched,
            data_control: DataControl::Off,
            turn_on_event_index: 0,
            turn_off_event_index: 0,
            event_index: 0,
            event_status: ChannelEventStatus::EventReady,
            description: String::new(),
            owner: Owner::default(),
            status: EntryStatus::UnderCreation,
        }
    }

    fn status(&self) -> EntryStatus {
        self.status
    }

    fn set_status(&mut self, status: EntryStatus, _: Timestamp) {
        self.status = status;
    }

    fn set(&mut self, setting: &Setting, _: &Limits, _: Timestamp) {
        match setting {
            Setting::IfIndex(s) => self.data_source = *s,
            Setting::AcceptType(v) => self.accept_type = *v,
            Setting::DataControl(v) => self.data_control = *v,
            Setting::TurnOnEventIndex(v) => self.turn_on_event_index = *v,
            Setting::TurnOffEventIndex(v) => self.turn_off_event_index = *v,
            Setting::EventIndex(v) => self.event_index = *v,
            Setting::EventStatus(v) => self.event_status = *v,
            Setting::Description(d) => self.description = d.clone(),
            Setting::Owner(o) => self.owner = o.clone(),
            _ => {}
        }
    }

    fn missing(&self) -> Option<&'static str> {
        self.data_source.is_unset().then_some("channelIfIndex")
    }

    fn start(&self, _: u16, _: &Limits) -> Option<ShardCommand> {
        None
    }

    fn request(&self, index: u16) -> Option<RowRequest> {
        (self.status == EntryStatus::Valid).then(|| RowRequest::Channel {
            index,
            data_source: self.data_source,
            accept_type: self.accept_type,
            data_control: self.data_control,
            turn_on_event_index: self.turn_on_event_index,
            turn_off_event_index: self.turn_off_event_index,
            event_index: self.event_index,
            event_status: self.event_status,
            description: self.description.clone(),
            owner: self.owner.clone(),
        })
    }
}
