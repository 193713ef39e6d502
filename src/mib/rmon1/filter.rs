//! The filter group: filterTable (1.3.6.1.2.1.16.7.1) and channelTable (.7.2).

use crate::mib::schema::{INDEX, INDEX_OR_ZERO, NON_NEGATIVE, OWNER, Syntax, Syntax::*};
use crate::mib::tc::{EntryStatus, Octets, Owner};

/// The largest filterPktData, Mask or NotMask the probe takes: longer than any frame it counts
/// (a jumbo frame of 9018 octets and its tags), so such a pattern could only fail.
pub const MAX_FILTER_OCTETS: usize = 9216;

/// channelDescription is a DisplayString (SIZE (0..127)).
pub const MAX_DESCRIPTION_LEN: usize = 127;

/// The filter patterns: OCTET STRINGs of at most [`MAX_FILTER_OCTETS`].
const PATTERN: Syntax = Syntax::Octets { min: 0, max: MAX_FILTER_OCTETS };
/// filterPktStatus and its masks: any Integer32 (bits 0..2 mean something).
const INTEGER32: Syntax = Integer { min: i32::MIN as i64, max: i32::MAX as i64 };

crate::mib_enum! {
    /// channelAcceptType.
    pub enum AcceptType {
        /// Frames that pass both matches of at least one filter of the channel.
        AcceptMatched = 1 => "acceptMatched",
        /// Frames that fail every filter of the channel (a channel with no filter: every frame).
        AcceptFailed = 2 => "acceptFailed",
    }
    default AcceptMatched
}

crate::mib_enum! {
    /// channelDataControl (DEFVAL off).
    pub enum DataControl {
        On = 1 => "on",
        Off = 2 => "off",
    }
    default Off
}

crate::mib_enum! {
    /// channelEventStatus (DEFVAL eventReady).
    pub enum ChannelEventStatus {
        EventReady = 1 => "eventReady",
        EventFired = 2 => "eventFired",
        EventAlwaysReady = 3 => "eventAlwaysReady",
    }
    default EventReady
}

crate::mib_table! {
    /// filterEntry as a manager reads it.
    pub struct FilterEntry;
    pub static FILTER_TABLE = "filterTable" at [1, 3, 6, 1, 2, 1, 16, 7, 1, 1] index [filter_index];
    1 filter_index: u16 = "filterIndex", INDEX, ReadOnly;
    2 filter_channel_index: u16 = "filterChannelIndex", INDEX, ReadCreate;
    3 filter_pkt_data_offset: u32 = "filterPktDataOffset", NON_NEGATIVE, ReadCreate, frozen;
    4 filter_pkt_data: Octets = "filterPktData", PATTERN, ReadCreate, frozen;
    5 filter_pkt_data_mask: Octets = "filterPktDataMask", PATTERN, ReadCreate, frozen;
    6 filter_pkt_data_not_mask: Octets = "filterPktDataNotMask", PATTERN, ReadCreate, frozen;
    7 filter_pkt_status: i32 = "filterPktStatus", INTEGER32, ReadCreate, frozen;
    8 filter_pkt_status_mask: i32 = "filterPktStatusMask", INTEGER32, ReadCreate, frozen;
    9 filter_pkt_status_not_mask: i32 = "filterPktStatusNotMask", INTEGER32, ReadCreate, frozen;
    10 filter_owner: Owner = "filterOwner", OWNER, ReadCreate;
    11 filter_status: EntryStatus = "filterStatus", Status, ReadCreate;
}

crate::mib_table! {
    /// channelEntry as a manager reads it.
    pub struct ChannelEntry;
    pub static CHANNEL_TABLE = "channelTable" at [1, 3, 6, 1, 2, 1, 16, 7, 2, 1] index [channel_index];
    1 channel_index: u16 = "channelIndex", INDEX, ReadOnly;
    /// channelIfIndex: an ifIndex number (not an OID, unlike the dataSource columns).
    2 channel_if_index: u32 = "channelIfIndex", INDEX, ReadCreate, frozen;
    3 channel_accept_type: AcceptType = "channelAcceptType", Enum(AcceptType::NAMES), ReadCreate, frozen;
    4 channel_data_control: DataControl = "channelDataControl", Enum(DataControl::NAMES), ReadCreate;
    5 channel_turn_on_event_index: u16 = "channelTurnOnEventIndex", INDEX_OR_ZERO, ReadCreate, frozen;
    6 channel_turn_off_event_index: u16 = "channelTurnOffEventIndex", INDEX_OR_ZERO, ReadCreate, frozen;
    7 channel_event_index: u16 = "channelEventIndex", INDEX_OR_ZERO, ReadCreate, frozen;
    8 channel_event_status: ChannelEventStatus = "channelEventStatus", Enum(ChannelEventStatus::NAMES), ReadCreate;
    9 channel_matches: u64 = "channelMatches", Counter32, ReadOnly;
    10 channel_description: String = "channelDescription", Text { max: MAX_DESCRIPTION_LEN }, ReadCreate;
    11 channel_owner: Owner = "channelOwner", OWNER, ReadCreate;
    12 channel_status: EntryStatus = "channelStatus", Status, ReadCreate;
}
