//! What SET means for bufferControl rows. The octets a buffer gets are granted by
//! [`Probe::grant_buffers`](crate::rmon::Probe) after the edits, across all buffers; the shard
//! commands come from `Probe::buffer_commands`.

use crate::mib::time::Timestamp;
use crate::rmon::capture::{BufferControl, DEFAULT_SLICE_SIZE, FullAction};
use crate::rmon::control::{EntryStatus, Owner};
use crate::rmon::probe::{Limits, RowRequest};
use crate::rmon::row::{ControlRow, Setting};
use crate::rmon::shard::{Group, ShardCommand};

impl ControlRow for BufferControl {
    const GROUP: Option<Group> = None;

    /// The MIB's DEFVALs: slices of 100 octets, offset 0, maxOctetsRequested -1 (as much as
    /// possible). bufferControlChannelIndex has none and must be set; bufferControlFullAction
    /// has none either and starts lockWhenFull.
    fn created(_: &Limits, _: Timestamp) -> Self {
        BufferControl {
            channel_index: 0,
            full_action: FullAction::LockWhenFull,
            capture_slice_size: DEFAULT_SLICE_SIZE,
            download_slice_size: DEFAULT_SLICE_SIZE,
            download_offset: 0,
            max_octets_requested: -1,
            max_octets_granted: 0,
            limit: 0,
            turned_on: None,
            granted_for: None,
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
            Setting::ChannelIndex(v) => self.channel_index = *v,
            Setting::FullAction(v) => self.full_action = *v,
            Setting::CaptureSliceSize(v) => self.capture_slice_size = *v,
            Setting::DownloadSliceSize(v) => self.download_slice_size = *v,
            Setting::DownloadOffset(v) => self.download_offset = *v,
            Setting::MaxOctetsRequested(v) => self.max_octets_requested = *v,
            Setting::Owner(o) => self.owner = o.clone(),
            _ => {}
        }
    }

    fn missing(&self) -> Option<&'static str> {
        (self.channel_index == 0).then_some("bufferControlChannelIndex")
    }

    fn start(&self, _: u16, _: &Limits) -> Option<ShardCommand> {
        None
    }

    fn request(&self, index: u16) -> Option<RowRequest> {
        (self.status == EntryStatus::Valid).then(|| RowRequest::BufferControl {
            index,
            channel_index: self.channel_index,
            full_action: self.full_action,
            capture_slice_size: self.capture_slice_size,
            download_slice_size: self.download_slice_size,
            download_offset: self.download_offset,
            max_octets_requested: self.max_octets_requested,
            owner: self.owner.clone(),
        })
    }
}
