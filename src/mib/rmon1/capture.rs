//! The capture group: bufferControlTable (1.3.6.1.2.1.16.8.1) and captureBufferTable (.8.2).

use crate::mib::schema::{INDEX, NON_NEGATIVE, OWNER, Syntax, Syntax::*};
use crate::mib::tc::{EntryStatus, Octets, Owner};

crate::mib_enum! {
    /// bufferControlFullAction.
    pub enum FullAction {
        LockWhenFull = 1 => "lockWhenFull",
        WrapWhenFull = 2 => "wrapWhenFull",
    }
    default LockWhenFull
}

crate::mib_enum! {
    /// bufferControlFullStatus.
    pub enum FullStatus {
        SpaceAvailable = 1 => "spaceAvailable",
        Full = 2 => "full",
    }
    default SpaceAvailable
}

crate::mib_table! {
    /// bufferControlEntry as a manager reads it.
    pub struct BufferControlEntry;
    pub static BUFFER_CONTROL_TABLE = "bufferControlTable" at [1, 3, 6, 1, 2, 1, 16, 8, 1, 1] index [buffer_control_index];
    1 buffer_control_index: u16 = "bufferControlIndex", INDEX, ReadOnly;
    2 buffer_control_channel_index: u16 = "bufferControlChannelIndex", INDEX, ReadCreate, frozen;
    3 buffer_control_full_status: FullStatus = "bufferControlFullStatus", Enum(FullStatus::NAMES), ReadOnly;
    4 buffer_control_full_action: FullAction = "bufferControlFullAction", Enum(FullAction::NAMES), ReadCreate;
    5 buffer_control_capture_slice_size: u32 = "bufferControlCaptureSliceSize", NON_NEGATIVE, ReadCreate, frozen;
    6 buffer_control_download_slice_size: u32 = "bufferControlDownloadSliceSize", NON_NEGATIVE, ReadCreate;
    7 buffer_control_download_offset: u32 = "bufferControlDownloadOffset", NON_NEGATIVE, ReadCreate;
    /// -1: as much as the probe can give.
    8 buffer_control_max_octets_requested: i32 = "bufferControlMaxOctetsRequested", Integer { min: -1, max: i32::MAX as i64 }, ReadCreate;
    9 buffer_control_max_octets_granted: i32 = "bufferControlMaxOctetsGranted", Integer { min: -1, max: i32::MAX as i64 }, ReadOnly;
    10 buffer_control_captured_packets: u64 = "bufferControlCapturedPackets", NON_NEGATIVE, ReadOnly;
    /// sysUpTime in TimeTicks when the buffer was turned on (0: not yet).
    11 buffer_control_turn_on_time: u64 = "bufferControlTurnOnTime", TimeTicks, ReadOnly;
    12 buffer_control_owner: Owner = "bufferControlOwner", OWNER, ReadCreate;
    13 buffer_control_status: EntryStatus = "bufferControlStatus", Status, ReadCreate;
}

/// captureBufferPacketData as served: any octets.
const PACKET_DATA: Syntax = Syntax::Octets { min: 0, max: usize::MAX };

crate::mib_table! {
    /// captureBufferEntry as a manager reads it, indexed by (captureBufferControlIndex,
    /// captureBufferIndex).
    pub struct CaptureBufferEntry;
    pub static CAPTURE_BUFFER_TABLE = "captureBufferTable" at [1, 3, 6, 1, 2, 1, 16, 8, 2, 1] index [capture_buffer_control_index, capture_buffer_index];
    1 capture_buffer_control_index: u16 = "captureBufferControlIndex", INDEX, ReadOnly;
    2 capture_buffer_index: u32 = "captureBufferIndex", Integer { min: 1, max: i32::MAX as i64 }, ReadOnly;
    3 capture_buffer_packet_id: u32 = "captureBufferPacketID", NON_NEGATIVE, ReadOnly;
    /// The octets a manager downloads: from bufferControlDownloadOffset, at most
    /// bufferControlDownloadSliceSize of them.
    4 capture_buffer_packet_data: Octets = "captureBufferPacketData", PACKET_DATA, ReadOnly;
    5 capture_buffer_packet_length: u32 = "captureBufferPacketLength", NON_NEGATIVE, ReadOnly;
    /// Milliseconds since the buffer was turned on.
    6 capture_buffer_packet_time: u64 = "captureBufferPacketTime", NON_NEGATIVE, ReadOnly;
    7 capture_buffer_packet_status: u8 = "captureBufferPacketStatus", NON_NEGATIVE, ReadOnly;
    extra {
        /// Nanoseconds since the buffer was turned on, modulo 10^6: what the millisecond
        /// column leaves out (HC-RMON's captureBufferPacketHighCapacityTime).
        capture_buffer_packet_nanos: u32,
    }
}
