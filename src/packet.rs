//! Classification of one captured Ethernet frame: addresses, lengths, VLAN tags and the RMON
//! error condition.
//!
//! RMON-1 needs only the Ethernet header, the frame's length and whether its FCS was good, so this
//! is all the per-frame path looks at (ARCHITECTURE.md, "Rules", the hot path): etherparse's header slices give the two
//! addresses and the stacked VLAN tags, and nothing above layer 2 is parsed. Every rule of the
//! counting contract (README, "Counting contract") lives here, so that statistics, history, hosts
//! and matrix cannot disagree about what a frame was.

use etherparse::{EtherType, Ethernet2HeaderSlice, SingleVlanHeaderSlice};

pub mod network;
pub mod tunnel;

pub use crate::mib::MacAddr;
use crate::mib::Timestamp;

/// Smallest valid Ethernet frame on the wire, FCS included.
pub const MIN_FRAME_LEN: u32 = 64;
/// Largest untagged Ethernet frame on the wire, FCS included.
pub const MAX_FRAME_LEN: u32 = 1518;
/// Length of the Ethernet frame check sequence.
pub const FCS_LEN: u32 = 4;
/// Length of one 802.1Q / 802.1ad tag.
pub const VLAN_TAG_LEN: u32 = 4;
/// Captures of frames without their FCS show at least this many bytes once padded.
const MIN_LEN_WITHOUT_FCS: u32 = MIN_FRAME_LEN - FCS_LEN;
/// Tags are counted up to this depth; deeper stacks are not seen in practice and a malformed
/// frame full of 0x8100 words must not make classification walk the whole frame.
const MAX_VLAN_TAGS: u8 = 8;

/// What the capture layer knows about a frame's FCS.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Fcs {
    /// The capture stripped the FCS (Linux does): lengths get 4 bytes added, the CRC is unknown
    /// and taken as good.
    #[default]
    Stripped,
    /// The last 4 captured bytes are the FCS: lengths are real and the CRC is checked when the
    /// whole frame was captured.
    Present,
    /// The FCS was stripped, but the capture hardware reported it bad (pcapng `epb_flags`).
    StrippedBad,
}

/// One frame as the capture layer hands it over: its bytes and what the capture said about it.
#[derive(Clone, Copy, Debug)]
pub struct RawFrame<'a> {
    /// The captured bytes (possibly cut short by the snapshot length).
    pub data: &'a [u8],
    /// The frame's length on the wire as the capture recorded it (FCS included when present).
    pub orig_len: u32,
    /// Whether the FCS is in `data` / was stripped / was reported bad.
    pub fcs: Fcs,
    /// When the frame was seen, on the probe's clock.
    pub time: Timestamp,
    /// Position of the frame in the data stream, from 0; orders hostCreationOrder across workers.
    pub seq: u64,
    /// ifIndex of the data source the frame was seen on.
    pub if_index: u32,
}

/// The RMON-MIB condition of a frame (RFC 2819 etherStats error counters).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Condition {
    /// 64..=1518 octets with a good (or unknown) FCS.
    Good,
    /// 64..=1518 octets with a bad FCS: etherStatsCRCAlignErrors.
    CrcAlignError,
    /// Under 64 octets, good FCS: etherStatsUndersizePkts.
    Undersize,
    /// Over 1518 octets, good FCS: etherStatsOversizePkts.
    Oversize,
    /// Under 64 octets, bad FCS: etherStatsFragments.
    Fragment,
    /// Over 1518 octets, bad FCS: etherStatsJabbers.
    Jabber,
}

/// Where a frame was sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Destination {
    Unicast,
    Multicast,
    Broadcast,
}

/// The etherStats size class of a frame (etherStatsPkts64Octets .. etherStatsPkts1024to1518Octets).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SizeBucket {
    Octets64,
    Octets65to127,
    Octets128to255,
    Octets256to511,
    Octets512to1023,
    Octets1024to1518,
}

impl SizeBucket {
    /// The bucket of a frame of `size_len` octets, if any (under 64 and over 1518 have none).
    pub fn of(size_len: u32) -> Option<SizeBucket> {
        Some(match size_len {
            64 => SizeBucket::Octets64,
            65..=127 => SizeBucket::Octets65to127,
            128..=255 => SizeBucket::Octets128to255,
            256..=511 => SizeBucket::Octets256to511,
            512..=1023 => SizeBucket::Octets512to1023,
            1024..=1518 => SizeBucket::Octets1024to1518,
            _ => return None,
        })
    }
}

/// RMON filter packet-status bits (filterPktStatus): bit 0 longer than 1518 octets, bit 1 shorter
/// than 64, bit 2 CRC or alignment error.
pub mod status_bits {
    pub const TOO_LONG: u8 = 1 << 0;
    pub const TOO_SHORT: u8 = 1 << 1;
    pub const CRC_ERROR: u8 = 1 << 2;
}

/// A classified frame: everything the RMON groups need, computed once.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Frame {
    pub time: Timestamp,
    pub seq: u64,
    pub if_index: u32,
    /// Octets on the wire, FCS included: what every octet counter adds.
    pub wire_len: u32,
    /// The frame's length as the capture recorded it (what a capture buffer writes back out:
    /// a short frame's padding and a stripped FCS are not in it).
    pub orig_len: u32,
    /// `wire_len` less the VLAN tags (never below 64 when `wire_len` is 64 or more): what the
    /// size buckets and the undersize/oversize limits use (802.3ac).
    pub size_len: u32,
    /// Stacked 802.1Q / 802.1ad tags seen after the source address.
    pub vlan_tags: u8,
    pub condition: Condition,
    /// Destination and source, when the capture holds a whole Ethernet header.
    pub addresses: Option<(MacAddr, MacAddr)>,
    /// filterPktStatus bits.
    pub status: u8,
}

impl Frame {
    /// Classifies one captured frame.
    ///
    /// Never panics: a frame too short for an Ethernet header still counts in etherStats, with
    /// no addresses.
    pub fn classify(raw: &RawFrame<'_>) -> Frame {
        // A capture can claim fewer original bytes than it holds only if it is damaged; the frame
        // was at least as long as what was captured.
        let orig_len = raw.orig_len.max(u32::try_from(raw.data.len()).unwrap_or(u32::MAX));
        let (header, fcs_bad) = match raw.fcs {
            Fcs::Stripped => (raw.data, false),
            Fcs::StrippedBad => (raw.data, true),
            Fcs::Present => {
                let whole = raw.data.len() as u64 == u64::from(orig_len);
                // With the whole frame captured the CRC can be checked; a frame cut by the
                // snapshot length cannot be judged and is taken as good.
                let bad = whole && orig_len >= FCS_LEN && !fcs_matches(raw.data);
                (raw.data, bad)
            }
        };
        let wire_len = match raw.fcs {
            Fcs::Present => orig_len,
            Fcs::Stripped | Fcs::StrippedBad => orig_len.max(MIN_LEN_WITHOUT_FCS).saturating_add(FCS_LEN),
        };

        let (addresses, vlan_tags) = parse_header(header);
        let untagged = wire_len.saturating_sub(u32::from(vlan_tags) * VLAN_TAG_LEN);
        let size_len = if wire_len >= MIN_FRAME_LEN { untagged.max(MIN_FRAME_LEN) } else { untagged };

        let condition = match (fcs_bad, size_len) {
            (false, n) if n < MIN_FRAME_LEN => Condition::Undersize,
            (false, n) if n > MAX_FRAME_LEN => Condition::Oversize,
            (false, _) => Condition::Good,
            (true, n) if n < MIN_FRAME_LEN => Condition::Fragment,
            (true, n) if n > MAX_FRAME_LEN => Condition::Jabber,
            (true, _) => Condition::CrcAlignError,
        };
        let mut status = 0;
        if size_len > MAX_FRAME_LEN {
            status |= status_bits::TOO_LONG;
        }
        if size_len < MIN_FRAME_LEN {
            status |= status_bits::TOO_SHORT;
        }
        if fcs_bad {
            status |= status_bits::CRC_ERROR;
        }

        Frame {
            time: raw.time,
            seq: raw.seq,
            if_index: raw.if_index,
            wire_len,
            orig_len,
            size_len,
            vlan_tags,
            condition,
            addresses,
            status,
        }
    }

    /// A good frame: 64..=1518 octets with a good FCS. Only good frames teach the probe new
    /// hosts and pairs, and only they count as broadcast or multicast.
    pub fn is_good(&self) -> bool {
        self.condition == Condition::Good
    }

    /// Broadcast, multicast or unicast, by the destination address (unicast when unknown).
    pub fn destination(&self) -> Destination {
        match self.addresses {
            Some((dst, _)) if dst.is_broadcast() => Destination::Broadcast,
            Some((dst, _)) if dst.is_group() => Destination::Multicast,
            _ => Destination::Unicast,
        }
    }

    /// The etherStats size bucket (bad-FCS frames included, as RFC 2819 counts them).
    pub fn size_bucket(&self) -> Option<SizeBucket> {
        SizeBucket::of(self.size_len)
    }
}

/// Destination and source addresses and the number of stacked VLAN tags.
fn parse_header(data: &[u8]) -> (Option<(MacAddr, MacAddr)>, u8) {
    let Ok(eth) = Ethernet2HeaderSlice::from_slice(data) else {
        return (None, 0);
    };
    let addresses = Some((MacAddr(eth.destination()), MacAddr(eth.source())));
    let mut tags = 0u8;
    let mut ether_type = eth.ether_type();
    let mut rest = data.get(eth.slice().len()..).unwrap_or_default();
    while tags < MAX_VLAN_TAGS && is_vlan_tag(ether_type) {
        tags += 1;
        // The tag's own ethertype field tells whether another tag follows; when the capture was
        // cut inside it, the tag is still counted (its TPID was seen) and the walk stops.
        let Ok(vlan) = SingleVlanHeaderSlice::from_slice(rest) else {
            break;
        };
        ether_type = vlan.ether_type();
        rest = rest.get(vlan.slice().len()..).unwrap_or_default();
    }
    (addresses, tags)
}

fn is_vlan_tag(ether_type: EtherType) -> bool {
    matches!(
        ether_type,
        EtherType::VLAN_TAGGED_FRAME | EtherType::PROVIDER_BRIDGING | EtherType::VLAN_DOUBLE_TAGGED_FRAME
    )
}

/// True when the last four bytes are the CRC-32 of the rest (the Ethernet FCS is sent least
/// significant byte first).
fn fcs_matches(frame: &[u8]) -> bool {
    let Some(split) = frame.len().checked_sub(FCS_LEN as usize) else {
        return false;
    };
    let (body, fcs) = frame.split_at(split);
    let expected = crc32fast::hash(body).to_le_bytes();
    fcs == expected
}

/// Appends a correct FCS to `frame` (used by the synthetic capture generator and tests).
pub fn append_fcs(frame: &mut Vec<u8>) {
    let fcs = crc32fast::hash(frame).to_le_bytes();
    frame.extend_from_slice(&fcs);
}

#[cfg(test)]
mod tests {
    use super::*;

    const DST: [u8; 6] = [0x02, 0, 0, 0, 0, 0x02];
    const SRC: [u8; 6] = [0x02, 0, 0, 0, 0, 0x01];

    /// A frame of `len` captured bytes (FCS not included) to `dst`, with the given ethertypes
    /// stacked after the source address.
    fn frame(dst: [u8; 6], ether_types: &[u16], len: usize) -> Vec<u8> {
        let mut f = Vec::new();
        f.extend_from_slice(&dst);
        f.extend_from_slice(&SRC);
        for (i, et) in ether_types.iter().enumerate() {
            f.extend_from_slice(&et.to_be_bytes());
            if i + 1 < ether_types.len() {
                f.extend_from_slice(&[0x00, 0x0a]); // TCI: VLAN 10
            }
        }
        f.resize(len.max(f.len()), 0xab);
        f.truncate(len);
        f
    }

    fn classify(data: &[u8], orig_len: u32, fcs: Fcs) -> Frame {
        Frame::classify(&RawFrame { data, orig_len, fcs, time: Timestamp(0), seq: 0, if_index: 1 })
    }

    #[test]
    fn stripped_fcs_adds_four_and_pads_short_frames() {
        let f = frame(DST, &[0x0806], 42);
        let c = classify(&f, 42, Fcs::Stripped);
        assert_eq!((c.wire_len, c.size_len), (64, 64));
        assert_eq!(c.condition, Condition::Good);
        assert_eq!(c.size_bucket(), Some(SizeBucket::Octets64));
        let c = classify(&frame(DST, &[0x0800], 61), 61, Fcs::Stripped);
        assert_eq!((c.wire_len, c.size_bucket()), (65, Some(SizeBucket::Octets65to127)));
    }

    #[test]
    fn size_edges_on_the_wire() {
        // On the wire: 63 | 64 | 65 and 1518 | 1519, with the FCS in the capture.
        for (wire, bucket, condition) in [
            (63, None, Condition::Undersize),
            (64, Some(SizeBucket::Octets64), Condition::Good),
            (65, Some(SizeBucket::Octets65to127), Condition::Good),
            (127, Some(SizeBucket::Octets65to127), Condition::Good),
            (128, Some(SizeBucket::Octets128to255), Condition::Good),
            (1023, Some(SizeBucket::Octets512to1023), Condition::Good),
            (1024, Some(SizeBucket::Octets1024to1518), Condition::Good),
            (1518, Some(SizeBucket::Octets1024to1518), Condition::Good),
            (1519, None, Condition::Oversize),
        ] {
            let mut f = frame(DST, &[0x0800], wire - 4);
            append_fcs(&mut f);
            let c = classify(&f, wire as u32, Fcs::Present);
            assert_eq!(c.wire_len, wire as u32);
            assert_eq!(c.size_bucket(), bucket, "wire length {wire}");
            assert_eq!(c.condition, condition, "wire length {wire}");
        }
    }

    #[test]
    fn bad_fcs_conditions() {
        for (wire, condition, status) in [
            (60, Condition::Fragment, status_bits::TOO_SHORT | status_bits::CRC_ERROR),
            (64, Condition::CrcAlignError, status_bits::CRC_ERROR),
            (1518, Condition::CrcAlignError, status_bits::CRC_ERROR),
            (1600, Condition::Jabber, status_bits::TOO_LONG | status_bits::CRC_ERROR),
        ] {
            let mut f = frame(DST, &[0x0800], wire - 4);
            append_fcs(&mut f);
            let last = f.len() - 1;
            f[last] ^= 0x01;
            let c = classify(&f, wire as u32, Fcs::Present);
            assert_eq!((c.condition, c.status), (condition, status), "wire length {wire}");
            assert!(!c.is_good());
        }
        // A bad CRC frame still lands in its size bucket (RFC 2819 buckets count bad frames).
        let mut f = frame(DST, &[0x0800], 96);
        f.extend_from_slice(&[0, 0, 0, 0]);
        assert_eq!(classify(&f, 100, Fcs::Present).size_bucket(), Some(SizeBucket::Octets65to127));
    }

    #[test]
    fn fcs_not_checked_on_a_frame_cut_by_snaplen() {
        let mut f = frame(DST, &[0x0800], 200);
        append_fcs(&mut f);
        f[100] ^= 0xff;
        let c = classify(&f[..96], 204, Fcs::Present);
        assert_eq!((c.wire_len, c.condition), (204, Condition::Good));
    }

    #[test]
    fn reported_bad_fcs_without_fcs_bytes() {
        let c = classify(&frame(DST, &[0x0800], 100), 100, Fcs::StrippedBad);
        assert_eq!((c.wire_len, c.condition), (104, Condition::CrcAlignError));
    }

    #[test]
    fn vlan_tags_do_not_make_a_frame_bigger() {
        // 1518 on the wire untagged + one tag = 1522: still a 1024-1518 frame, not oversize.
        let f = frame(DST, &[0x8100, 0x0800], 1518);
        let c = classify(&f, 1518, Fcs::Stripped);
        assert_eq!((c.wire_len, c.size_len, c.vlan_tags), (1522, 1518, 1));
        assert_eq!(c.condition, Condition::Good);
        // QinQ: two tags, 1526 on the wire.
        let f = frame(DST, &[0x88a8, 0x8100, 0x0800], 1522);
        let c = classify(&f, 1522, Fcs::Stripped);
        assert_eq!((c.wire_len, c.size_len, c.vlan_tags), (1526, 1518, 2));
        // One octet more is oversize.
        let f = frame(DST, &[0x8100, 0x0800], 1519);
        assert_eq!(classify(&f, 1519, Fcs::Stripped).condition, Condition::Oversize);
        // A minimal tagged frame (64 on the wire, tag included) is a valid 64-octet frame.
        let f = frame(DST, &[0x8100, 0x0806], 60);
        let c = classify(&f, 60, Fcs::Stripped);
        assert_eq!((c.wire_len, c.size_len, c.condition), (64, 64, Condition::Good));
        // A 68-octet tagged frame (an untagged minimum frame that a switch tagged) is 64 too.
        let f = frame(DST, &[0x8100, 0x0806], 64);
        assert_eq!(classify(&f, 64, Fcs::Stripped).size_len, 64);
    }

    #[test]
    fn broadcast_and_multicast_are_exclusive() {
        let bc = classify(&frame([0xff; 6], &[0x0806], 60), 60, Fcs::Stripped);
        assert_eq!(bc.destination(), Destination::Broadcast);
        let mc = classify(&frame([0x01, 0, 0x5e, 0, 0, 1], &[0x0800], 60), 60, Fcs::Stripped);
        assert_eq!(mc.destination(), Destination::Multicast);
        let v6 = classify(&frame([0x33, 0x33, 0, 0, 0, 1], &[0x86dd], 90), 90, Fcs::Stripped);
        assert_eq!(v6.destination(), Destination::Multicast);
        let uc = classify(&frame(DST, &[0x0800], 60), 60, Fcs::Stripped);
        assert_eq!(uc.destination(), Destination::Unicast);
    }

    #[test]
    fn too_short_for_a_header_still_counts() {
        let c = classify(&[0xff, 0xff, 0xff], 3, Fcs::Stripped);
        assert_eq!((c.addresses, c.wire_len, c.condition), (None, 64, Condition::Good));
        assert_eq!(c.destination(), Destination::Unicast);
        let c = classify(&[], 0, Fcs::Present);
        assert_eq!((c.wire_len, c.condition), (0, Condition::Undersize));
    }

    #[test]
    fn truncated_tag_is_counted_and_the_walk_stops() {
        let f = frame(DST, &[0x8100], 15);
        let c = classify(&f, 1522, Fcs::Stripped);
        assert_eq!((c.vlan_tags, c.size_len), (1, 1522));
        // A frame made of tag after tag stops at the depth limit.
        let mut f = frame(DST, &[], 12);
        for _ in 0..100 {
            f.extend_from_slice(&[0x81, 0x00, 0x00, 0x01]);
        }
        let len = f.len() as u32;
        assert_eq!(classify(&f, len, Fcs::Stripped).vlan_tags, MAX_VLAN_TAGS);
    }

    #[test]
    fn orig_len_below_captured_length_uses_the_captured_length() {
        let f = frame(DST, &[0x0800], 100);
        assert_eq!(classify(&f, 10, Fcs::Stripped).wire_len, 104);
    }

    #[test]
    fn mac_parse_and_print() {
        let m: MacAddr = "02:00:00:0a:BC:ff".parse().unwrap();
        assert_eq!(m.to_string(), "02:00:00:0a:bc:ff");
        assert!("02:00:00:0a:bc".parse::<MacAddr>().is_err());
        assert!("02:00:00:0a:bc:ff:00".parse::<MacAddr>().is_err());
        assert!("zz:00:00:0a:bc:ff".parse::<MacAddr>().is_err());
    }
}
