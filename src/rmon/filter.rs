//! The filter group's data plane: filterTable and channelTable (RFC 2819, section 5.7).
//!
//! A filter is a byte pattern over the raw frame plus a pattern over the frame's status bits;
//! a channel is the set of filters whose filterChannelIndex names it, ORed, on one interface.
//! The match is a pure function of the frame's captured bytes and its status bits
//! ([`Filter::matches`]), so every rule of the MIB text is tested here byte by byte. What a
//! shard keeps per channel is [`ChannelCounter`]: the compiled-in filters and channelMatches.
//!
//! channelDataControl only gates what flows *through* a channel (captured data, events); the
//! MIB says channelMatches counts even while it is off, so the shards never look at it.

mod compiled;

pub use compiled::CompiledFilter;

use crate::mib::tc::Octets;
use crate::rmon::control::{DataSource, EntryStatus, Owner};

pub use crate::mib::rmon1::filter::{AcceptType, ChannelEntry, ChannelEventStatus, DataControl, FilterEntry};

/// The match columns of a filterEntry: filterPktDataOffset .. filterPktStatusNotMask.
///
/// Bit patterns follow the MIB literally: filterPktDataMask shorter than filterPktData counts as
/// extended with 1 bits, filterPktDataNotMask with 0 bits; mask bytes beyond filterPktData have
/// nothing to compare and are ignored. The status columns are Integer32 values whose "length" is
/// their bit length (highest set bit + 1), so a filterPktStatus of 1 with a mask of 0 asks for
/// bit 0 (the mask is extended with 1 bits to the length of filterPktStatus), while a status and
/// mask both 0 accept any status.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filter {
    /// filterPktDataOffset: where the pattern starts, 0 being the first octet of the
    /// destination MAC address.
    pub pkt_data_offset: u32,
    /// filterPktData.
    pub pkt_data: Vec<u8>,
    /// filterPktDataMask: the bits of the frame that matter.
    pub pkt_data_mask: Vec<u8>,
    /// filterPktDataNotMask: the relevant bits of which at least one must differ.
    pub pkt_data_not_mask: Vec<u8>,
    /// filterPktStatus.
    pub pkt_status: i32,
    /// filterPktStatusMask.
    pub pkt_status_mask: i32,
    /// filterPktStatusNotMask.
    pub pkt_status_not_mask: i32,
}

impl Filter {
    /// A filter on the bytes `data` at `offset`, every bit relevant, no inversion, any status.
    pub fn data(offset: u32, data: &[u8]) -> Filter {
        Filter { pkt_data_offset: offset, pkt_data: data.to_vec(), ..Filter::default() }
    }

    /// Whether a frame passes both the packet data match and the packet status match: `frame` is
    /// the frame's captured bytes from its destination address on, `status` its filterPktStatus
    /// bits ([`crate::packet::status_bits`]).
    ///
    /// Allocation-free: the masks are extended on the fly, byte by byte.
    #[inline]
    pub fn matches(&self, frame: &[u8], status: u8) -> bool {
        self.status_matches(status) && self.data_matches(frame)
    }

    /// The packet data match (filterPktData's three rules).
    pub fn data_matches(&self, frame: &[u8]) -> bool {
        if self.pkt_data.is_empty() {
            // No pattern: there is no part of filterPktData the frame could lack (rule 1), no
            // relevant bit to differ (rule 2) and none that must (rule 3).
            return true;
        }
        // Rule 1: a frame too short for any part of the pattern fails. `usize` holds any u32 on
        // the platforms this builds for; an offset past the end of the frame fails the same way.
        let start = self.pkt_data_offset as usize;
        let Some(window) = start.checked_add(self.pkt_data.len()).and_then(|end| frame.get(start..end)) else {
            return false;
        };
        let mut inverted_bits = false;
        let mut inverted_differs = false;
        for (i, (&got, &want)) in window.iter().zip(&self.pkt_data).enumerate() {
            let mask = self.pkt_data_mask.get(i).copied().unwrap_or(0xff);
            let not_mask = self.pkt_data_not_mask.get(i).copied().unwrap_or(0) & mask;
            let differs = (got ^ want) & mask;
            // Rule 2: relevant bits whose NotMask bit is 0 must all be equal.
            if differs & !not_mask != 0 {
                return false;
            }
            inverted_bits |= not_mask != 0;
            inverted_differs |= differs & not_mask != 0;
        }
        // Rule 3: if there are relevant bits whose NotMask bit is 1, at least one must differ.
        !inverted_bits || inverted_differs
    }

    /// The packet status match (filterPktStatus's two rules).
    pub fn status_matches(&self, status: u8) -> bool {
        // Integer32 columns carry their bits as the two's complement value does.
        let want = self.pkt_status as u32;
        let mask = self.pkt_status_mask as u32;
        // filterPktStatusMask is extended with 1 bits up to the length of filterPktStatus.
        let mask = mask | (low_bits(bit_len(want)) & !low_bits(bit_len(mask)));
        let not_mask = self.pkt_status_not_mask as u32 & mask;
        let differs = (u32::from(status) ^ want) & mask;
        if differs & !not_mask != 0 {
            return false;
        }
        not_mask == 0 || differs & not_mask != 0
    }
}

/// Number of bits up to and including the highest set bit (0 for 0).
fn bit_len(v: u32) -> u32 {
    u32::BITS - v.leading_zeros()
}

/// A value with the low `n` bits set.
fn low_bits(n: u32) -> u32 {
    if n >= u32::BITS { u32::MAX } else { (1 << n) - 1 }
}

/// What decides whether a frame enters a channel: its accept type and the valid filters whose
/// filterChannelIndex names it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChannelFilters {
    pub accept_type: AcceptType,
    pub filters: Vec<Filter>,
}

impl ChannelFilters {
    /// Whether the channel accepts the frame: filters are ORed, acceptFailed inverts the result.
    /// The MIB's rules byte by byte: the reference the workers' [`ChannelCounter`] (compiled
    /// filters) is tested against.
    #[inline]
    pub fn accepts(&self, frame: &[u8], status: u8) -> bool {
        let matched = self.filters.iter().any(|f| f.matches(frame, status));
        match self.accept_type {
            AcceptType::AcceptMatched => matched,
            AcceptType::AcceptFailed => !matched,
        }
    }
}

/// One shard's share of a channel: its filters, its data control and the frames it accepted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChannelCounter {
    accept_type: AcceptType,
    /// The filters as the frames are matched against them.
    compiled: Vec<CompiledFilter>,
    /// channelDataControl is on: accepted frames flow on to the channel's capture buffers.
    pub on: bool,
    /// channelMatches of this shard, an exact 64-bit count (Counter32 wraps only over SNMP).
    pub matches: u64,
}

impl ChannelCounter {
    pub fn new(filters: ChannelFilters, on: bool) -> ChannelCounter {
        let compiled = filters.filters.iter().map(CompiledFilter::new).collect();
        ChannelCounter { accept_type: filters.accept_type, compiled, on, matches: 0 }
    }

    /// A new filter set; channelMatches goes on.
    pub fn set_filters(&mut self, filters: &ChannelFilters) {
        self.accept_type = filters.accept_type;
        self.compiled = filters.filters.iter().map(CompiledFilter::new).collect();
    }

    /// Counts one frame of the channel's interface; true when the frame is to flow on to the
    /// capture buffers (accepted, and data control on). channelMatches counts either way.
    #[inline]
    pub fn count(&mut self, frame: &[u8], status: u8) -> bool {
        let matched = self.compiled.iter().any(|f| f.matches(frame, status));
        let accepted = match self.accept_type {
            AcceptType::AcceptMatched => matched,
            AcceptType::AcceptFailed => !matched,
        };
        if accepted {
            self.matches += 1;
            self.on
        } else {
            false
        }
    }
}

/// filterEntry's control columns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FilterControl {
    /// filterChannelIndex.
    pub channel_index: u16,
    pub filter: Filter,
    pub owner: Owner,
    pub status: EntryStatus,
}

/// channelEntry's control columns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChannelControl {
    /// channelIfIndex, as the data source the filters are applied to.
    pub data_source: DataSource,
    pub accept_type: AcceptType,
    pub data_control: DataControl,
    pub turn_on_event_index: u16,
    pub turn_off_event_index: u16,
    pub event_index: u16,
    pub event_status: ChannelEventStatus,
    pub description: String,
    pub owner: Owner,
    pub status: EntryStatus,
}

/// channelDescription is a DisplayString (SIZE (0..127)).
pub const MAX_DESCRIPTION_LEN: usize = 127;

impl FilterEntry {
    pub fn new(index: u16, row: &FilterControl) -> FilterEntry {
        let f = &row.filter;
        FilterEntry {
            filter_index: index,
            filter_channel_index: row.channel_index,
            filter_pkt_data_offset: f.pkt_data_offset,
            filter_pkt_data: Octets(f.pkt_data.clone()),
            filter_pkt_data_mask: Octets(f.pkt_data_mask.clone()),
            filter_pkt_data_not_mask: Octets(f.pkt_data_not_mask.clone()),
            filter_pkt_status: f.pkt_status,
            filter_pkt_status_mask: f.pkt_status_mask,
            filter_pkt_status_not_mask: f.pkt_status_not_mask,
            filter_owner: row.owner.clone(),
            filter_status: row.status,
        }
    }
}

impl ChannelEntry {
    pub fn new(index: u16, row: &ChannelControl, matches: u64) -> ChannelEntry {
        ChannelEntry {
            channel_index: index,
            channel_if_index: row.data_source.if_index(),
            channel_accept_type: row.accept_type,
            channel_data_control: row.data_control,
            channel_turn_on_event_index: row.turn_on_event_index,
            channel_turn_off_event_index: row.turn_off_event_index,
            channel_event_index: row.event_index,
            channel_event_status: row.event_status,
            channel_matches: matches,
            channel_description: row.description.clone(),
            channel_owner: row.owner.clone(),
            channel_status: row.status,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::packet::status_bits::{CRC_ERROR, TOO_LONG, TOO_SHORT};

    /// An ICMP echo request from 10.77.0.1 to 10.77.0.2, as captured (FCS stripped): Ethernet
    /// header, IPv4 header (protocol 1 at offset 23), 8 bytes of ICMP.
    const ICMP: [u8; 42] = [
        0x02, 0x72, 0x6d, 0x70, 0x00, 0x02, // destination
        0x02, 0x72, 0x6d, 0x70, 0x00, 0x01, // source
        0x08, 0x00, // IPv4
        0x45, 0x00, 0x00, 0x1c, 0x12, 0x34, 0x40, 0x00, 0x40, // version .. TTL
        0x01, // protocol: ICMP (offset 23)
        0x00, 0x00, 0x0a, 0x4d, 0x00, 0x01, 0x0a, 0x4d, 0x00, 0x02, // checksum, addresses
        0x08, 0x00, 0xf7, 0xff, 0x00, 0x00, 0x00, 0x00, // echo request
    ];

    /// The same frame carrying UDP (protocol 17).
    fn udp() -> [u8; 42] {
        let mut f = ICMP;
        f[23] = 0x11;
        f
    }

    /// An ARP request, broadcast.
    const ARP: [u8; 42] = [
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0x72, 0x6d, 0x70, 0x00, 0x01, 0x08, 0x06, 0x00, 0x01, 0x08, 0x00,
        0x06, 0x04, 0x00, 0x01, 0x02, 0x72, 0x6d, 0x70, 0x00, 0x01, 0x0a, 0x4d, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x0a, 0x4d, 0x00, 0x02,
    ];

    fn channel(accept_type: AcceptType, filters: Vec<Filter>) -> ChannelFilters {
        ChannelFilters { accept_type, filters }
    }

    #[test]
    fn offset_zero_is_the_destination_address() {
        let f = Filter::data(0, &[0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
        assert!(f.matches(&ARP, 0));
        assert!(!f.matches(&ICMP, 0));
        assert!(Filter::data(6, &[0x02, 0x72, 0x6d, 0x70, 0x00, 0x01]).matches(&ICMP, 0));
    }

    #[test]
    fn ipv4_and_icmp_with_two_filters_in_two_channels() {
        // "IPv4 and protocol ICMP" as two filters, each its own channel: both must accept.
        let ipv4 = Filter::data(12, &[0x08, 0x00]);
        let icmp = Filter::data(23, &[0x01]);
        let both = |frame: &[u8]| ipv4.matches(frame, 0) && icmp.matches(frame, 0);
        assert!(both(&ICMP));
        assert!(!both(&udp()));
        assert!(!both(&ARP));
        // Filters of one channel are ORed: the same two in one channel accept any IPv4 frame,
        // and an ARP frame whose byte 23 happens to be 0x01 (its sender MAC starts at 22).
        let or = channel(AcceptType::AcceptMatched, vec![ipv4.clone(), icmp.clone()]);
        assert!(or.accepts(&udp(), 0));
        let mut arp = ARP;
        arp[23] = 0x01;
        assert!(or.accepts(&arp, 0));
        assert!(!or.accepts(&ARP, 0));
    }

    #[test]
    fn ipv4_and_icmp_as_one_filter_with_a_mask() {
        // One pattern from offset 12 to 23: the ethertype, then the IPv4 header up to the
        // protocol, the bytes between masked out.
        let f = Filter {
            pkt_data_offset: 12,
            pkt_data: vec![0x08, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01],
            pkt_data_mask: vec![0xff, 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff],
            ..Filter::default()
        };
        assert!(f.matches(&ICMP, 0));
        assert!(!f.matches(&udp(), 0));
        assert!(!f.matches(&ARP, 0));
        // The same with the mask cut after the ethertype's zeros: a shorter mask is extended
        // with 1 bits, so byte 23 still matters, and now so do bytes 14..=22 (they must be 0).
        let short_mask = Filter { pkt_data_mask: vec![0xff, 0xff], ..f.clone() };
        assert!(!short_mask.matches(&ICMP, 0), "ICMP's IPv4 header bytes are not all zero");
        let mut zeros = ICMP;
        zeros[14..23].fill(0);
        assert!(short_mask.matches(&zeros, 0));
    }

    #[test]
    fn masked_out_bits_are_ignored() {
        // The version nibble of the IPv4 header only: 0x4_.
        let f = Filter { pkt_data_offset: 14, pkt_data: vec![0x40], pkt_data_mask: vec![0xf0], ..Filter::default() };
        assert!(f.matches(&ICMP, 0));
        let mut v6ish = ICMP;
        v6ish[14] = 0x65;
        assert!(!f.matches(&v6ish, 0));
        let mut ihl6 = ICMP;
        ihl6[14] = 0x46;
        assert!(f.matches(&ihl6, 0));
    }

    #[test]
    fn not_mask_requires_one_relevant_bit_to_differ() {
        // "Ethertype not IPv4": every bit inverted, so at least one must differ from 08 00.
        let not_ipv4 = Filter {
            pkt_data_offset: 12,
            pkt_data: vec![0x08, 0x00],
            pkt_data_not_mask: vec![0xff, 0xff],
            ..Filter::default()
        };
        assert!(!not_ipv4.matches(&ICMP, 0));
        assert!(not_ipv4.matches(&ARP, 0));
        // Mixed: ethertype must be IPv4 (NotMask 0) and the protocol must not be ICMP (NotMask 1).
        let ipv4_not_icmp = Filter {
            pkt_data_offset: 12,
            pkt_data: vec![0x08, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01],
            pkt_data_mask: vec![0xff, 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff],
            pkt_data_not_mask: vec![0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff],
            ..Filter::default()
        };
        assert!(!ipv4_not_icmp.matches(&ICMP, 0));
        assert!(ipv4_not_icmp.matches(&udp(), 0));
        assert!(!ipv4_not_icmp.matches(&ARP, 0), "not IPv4: a NotMask-0 bit differs");
        // NotMask bits where Mask is 0 are not relevant: with no relevant inverted bit left,
        // rule 3 asks nothing.
        let masked_not = Filter {
            pkt_data_offset: 12,
            pkt_data: vec![0x08, 0x00],
            pkt_data_mask: vec![0xff, 0x00],
            pkt_data_not_mask: vec![0x00, 0xff],
            ..Filter::default()
        };
        assert!(masked_not.matches(&ICMP, 0));
        // A NotMask shorter than the data is extended with 0 bits: only the first byte inverts.
        let short_not = Filter {
            pkt_data_offset: 12,
            pkt_data: vec![0x86, 0x00],
            pkt_data_not_mask: vec![0xff],
            ..Filter::default()
        };
        assert!(short_not.matches(&ICMP, 0), "08 differs from 86, 00 equals 00");
        assert!(!short_not.matches(&ARP, 0), "06 differs from 00 in a NotMask-0 byte");
    }

    #[test]
    fn a_frame_too_short_for_the_pattern_fails() {
        let f = Filter::data(40, &[0x00, 0x00]);
        assert!(f.matches(&ICMP, 0), "bytes 40 and 41 are the last two");
        assert!(!f.matches(&ICMP[..41], 0), "one byte of the pattern is missing");
        assert!(!f.matches(&ICMP[..10], 0));
        assert!(!f.matches(&[], 0));
        // Even when the missing part is masked out, or inverted.
        let masked = Filter { pkt_data_mask: vec![0xff, 0x00], ..f.clone() };
        assert!(!masked.matches(&ICMP[..41], 0));
        let inverted = Filter { pkt_data_not_mask: vec![0x00, 0xff], ..f };
        assert!(!inverted.matches(&ICMP[..41], 0));
        // An offset beyond any frame, and one that would overflow.
        assert!(!Filter::data(u32::MAX, &[0]).matches(&ICMP, 0));
    }

    #[test]
    fn mask_bytes_beyond_the_data_are_ignored() {
        let f = Filter {
            pkt_data_offset: 40,
            pkt_data: vec![0x00, 0x00],
            pkt_data_mask: vec![0xff, 0xff, 0xff, 0xff],
            pkt_data_not_mask: vec![0, 0, 0xff, 0xff],
            ..Filter::default()
        };
        assert!(f.matches(&ICMP, 0), "the pattern is as long as filterPktData");
    }

    #[test]
    fn an_empty_filter_accepts_every_frame() {
        let f = Filter::default();
        assert!(f.matches(&ICMP, 0));
        assert!(f.matches(&[], TOO_SHORT | CRC_ERROR));
        assert!(Filter { pkt_data_offset: 100, ..Filter::default() }.matches(&[], 0));
    }

    #[test]
    fn status_filters() {
        let oversize = Filter { pkt_status: TOO_LONG as i32, pkt_status_mask: TOO_LONG as i32, ..Filter::default() };
        assert!(oversize.matches(&ICMP, TOO_LONG));
        assert!(oversize.matches(&ICMP, TOO_LONG | CRC_ERROR), "a jabber is longer than 1518 too");
        assert!(!oversize.matches(&ICMP, 0));
        assert!(!oversize.matches(&ICMP, TOO_SHORT | CRC_ERROR));
        // filterPktStatus 1 with no mask: the mask is extended with 1 bits to bit 0.
        let implied = Filter { pkt_status: 1, ..Filter::default() };
        assert!(implied.matches(&ICMP, TOO_LONG));
        assert!(implied.matches(&ICMP, TOO_LONG | CRC_ERROR), "bit 2 is beyond the status: not relevant");
        assert!(!implied.matches(&ICMP, 0));
        // Exactly a fragment (value 6 = 2^1 + 2^2, the MIB's example), every bit relevant.
        let fragment = Filter { pkt_status: 6, pkt_status_mask: 7, ..Filter::default() };
        assert!(fragment.matches(&ICMP, TOO_SHORT | CRC_ERROR));
        assert!(!fragment.matches(&ICMP, TOO_SHORT));
        assert!(!fragment.matches(&ICMP, CRC_ERROR | TOO_LONG));
        // Any error at all: status 0 with every bit inverted, so at least one bit must be 1.
        let any_error = Filter { pkt_status: 0, pkt_status_mask: 7, pkt_status_not_mask: 7, ..Filter::default() };
        assert!(!any_error.matches(&ICMP, 0));
        for s in [TOO_LONG, TOO_SHORT, CRC_ERROR, TOO_SHORT | CRC_ERROR] {
            assert!(any_error.matches(&ICMP, s), "status {s}");
        }
        // Good frames only: all three bits must be 0.
        let good = Filter { pkt_status: 0, pkt_status_mask: 7, ..Filter::default() };
        assert!(good.matches(&ICMP, 0));
        assert!(!good.matches(&ICMP, CRC_ERROR));
        // Status and data together: oversize IPv4 frames.
        let big_ipv4 = Filter { pkt_status: 1, pkt_status_mask: 1, ..Filter::data(12, &[0x08, 0x00]) };
        assert!(big_ipv4.matches(&ICMP, TOO_LONG));
        assert!(!big_ipv4.matches(&ARP, TOO_LONG));
        assert!(!big_ipv4.matches(&ICMP, 0));
    }

    #[test]
    fn negative_status_columns_are_their_bits() {
        // -1 is every bit set: a mask of -1 makes all 32 bits relevant, so bits 3.. of the
        // packet status (always 0) must equal filterPktStatus's.
        let f = Filter { pkt_status: 1, pkt_status_mask: -1, ..Filter::default() };
        assert!(f.matches(&ICMP, TOO_LONG));
        assert!(!f.matches(&ICMP, TOO_LONG | CRC_ERROR));
        let never = Filter { pkt_status: -1, pkt_status_mask: -1, ..Filter::default() };
        assert!(!never.matches(&ICMP, 7));
    }

    #[test]
    fn accept_failed_inverts_the_channel() {
        let both = vec![Filter::data(12, &[0x08, 0x00]), Filter::data(23, &[0x01])];
        let failed = channel(AcceptType::AcceptFailed, both.clone());
        assert!(!failed.accepts(&ICMP, 0));
        assert!(!failed.accepts(&udp(), 0), "IPv4: the first filter passes");
        assert!(failed.accepts(&ARP, 0), "fails every filter");
        assert!(channel(AcceptType::AcceptMatched, both).accepts(&udp(), 0));
        // No filter: acceptMatched takes nothing, acceptFailed everything.
        assert!(!channel(AcceptType::AcceptMatched, vec![]).accepts(&ICMP, 0));
        assert!(channel(AcceptType::AcceptFailed, vec![]).accepts(&ICMP, 0));
    }

    #[test]
    fn a_counter_counts_accepted_frames() {
        let mut c = ChannelCounter::new(channel(AcceptType::AcceptMatched, vec![Filter::data(23, &[0x01])]), false);
        for f in [&ICMP[..], &udp()[..], &ICMP[..], &ARP[..], &ICMP[..20]] {
            c.count(f, 0);
        }
        assert_eq!(c.matches, 2);
    }

    #[test]
    fn octets_parse_and_print() {
        for (text, bytes) in [("08:00", vec![8, 0]), ("0800", vec![8, 0]), ("08-00 ff", vec![8, 0, 0xff]), ("", vec![])]
        {
            assert_eq!(text.parse::<Octets>().unwrap(), Octets(bytes), "{text:?}");
        }
        assert_eq!(Octets(vec![8, 0, 0xab]).to_string(), "08:00:ab");
        for bad in ["8", "080", "zz", "08:0g", "é0"] {
            assert!(bad.parse::<Octets>().is_err(), "{bad:?}");
        }
        assert_eq!(serde_json::to_string(&Octets(vec![1, 2])).unwrap(), "\"01:02\"");
    }
}
