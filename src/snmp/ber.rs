//! The part of BER (ITU-T X.690) that SNMP uses: a writer for responses, a strict reader for the
//! frame of a message, and the sizes of encodings.
//!
//! The writer works back to front. Content is written before its header, so when a header is
//! written the length of its content is already known: there is no pass to compute lengths and no
//! moving of bytes to make room for a header. The price is that the parts of a constructed value
//! are written last first:
//!
//! ```
//! use rmonprobe::snmp::ber::{BerWriter, tag};
//!
//! let mut w = BerWriter::new();
//! w.constructed(tag::SEQUENCE, |w| {
//!     w.octets(tag::OCTET_STRING, b"ab"); // second field
//!     w.integer(tag::INTEGER, 1); // first field
//! });
//! assert_eq!(w.finish(), [0x30, 0x07, 0x02, 0x01, 0x01, 0x04, 0x02, b'a', b'b']);
//! ```
//!
//! The size functions ([`tlv_len`], [`value_len`], ...) give the length an encoding will have
//! without writing it, so an agent can fill a response up to a size limit.

use super::oid::{MAX_SUB_IDS, Oid};
use super::value::Value;

/// The identifier octets SNMP uses: all of them fit in one octet (low tag numbers).
pub mod tag {
    /// INTEGER (universal 2).
    pub const INTEGER: u8 = 0x02;
    /// OCTET STRING (universal 4).
    pub const OCTET_STRING: u8 = 0x04;
    /// NULL (universal 5).
    pub const NULL: u8 = 0x05;
    /// OBJECT IDENTIFIER (universal 6).
    pub const OBJECT_IDENTIFIER: u8 = 0x06;
    /// SEQUENCE and SEQUENCE OF (universal 16, constructed).
    pub const SEQUENCE: u8 = 0x30;
    /// IpAddress (application 0, RFC 2578).
    pub const IP_ADDRESS: u8 = 0x40;
    /// Counter32 (application 1).
    pub const COUNTER32: u8 = 0x41;
    /// Gauge32 and Unsigned32 (application 2).
    pub const GAUGE32: u8 = 0x42;
    /// TimeTicks (application 3).
    pub const TIME_TICKS: u8 = 0x43;
    /// Opaque (application 4).
    pub const OPAQUE: u8 = 0x44;
    /// Counter64 (application 6).
    pub const COUNTER64: u8 = 0x46;
    /// UInteger32 (application 7), from the withdrawn SNMPv2 of RFC 1442. Read as a Gauge32,
    /// never written.
    pub const UINTEGER32: u8 = 0x47;
    /// noSuchObject exception (context 0, primitive, RFC 3416).
    pub const NO_SUCH_OBJECT: u8 = 0x80;
    /// noSuchInstance exception (context 1, primitive).
    pub const NO_SUCH_INSTANCE: u8 = 0x81;
    /// endOfMibView exception (context 2, primitive).
    pub const END_OF_MIB_VIEW: u8 = 0x82;
    /// GetRequest-PDU (context 0, constructed).
    pub const GET_REQUEST: u8 = 0xA0;
    /// GetNextRequest-PDU.
    pub const GET_NEXT_REQUEST: u8 = 0xA1;
    /// Response-PDU (SNMPv1's GetResponse-PDU).
    pub const RESPONSE: u8 = 0xA2;
    /// SetRequest-PDU.
    pub const SET_REQUEST: u8 = 0xA3;
    /// SNMPv1 Trap-PDU.
    pub const TRAP_V1: u8 = 0xA4;
    /// GetBulkRequest-PDU (SNMPv2c only).
    pub const GET_BULK_REQUEST: u8 = 0xA5;
    /// InformRequest-PDU (SNMPv2c only).
    pub const INFORM_REQUEST: u8 = 0xA6;
    /// SNMPv2-Trap-PDU (SNMPv2c only).
    pub const SNMPV2_TRAP: u8 = 0xA7;
    /// Report-PDU (SNMPv3's; no use in v1 or v2c).
    pub const REPORT: u8 = 0xA8;
}

/// A BER encoder that writes back to front (see the [module documentation](self)).
///
/// Every method writes one TLV *before* everything written so far. Lengths use the definite form,
/// short when under 128 and otherwise long with the fewest octets; integers use the fewest octets
/// (X.690 section 8.3.2), as DER would.
#[derive(Debug, Default)]
pub struct BerWriter {
    /// The encoding so far, last octet first.
    buf: Vec<u8>,
}

impl BerWriter {
    /// An empty writer.
    pub fn new() -> BerWriter {
        BerWriter::default()
    }

    /// An empty writer with room for `capacity` octets: with the exact size (see [`value_len`] and
    /// friends) the buffer is never reallocated.
    pub fn with_capacity(capacity: usize) -> BerWriter {
        BerWriter { buf: Vec::with_capacity(capacity) }
    }

    /// Octets written so far. The writer works back to front, so an octet written when this was
    /// `n` ends up `n` octets before the end of the finished encoding.
    pub fn len(&self) -> usize {
        self.buf.len()
    }

    pub fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }

    /// Octets already encoded (a whole TLV), written as they are.
    pub fn raw(&mut self, bytes: &[u8]) {
        self.buf.extend(bytes.iter().rev());
    }

    /// The encoding, first octet first.
    pub fn finish(mut self) -> Vec<u8> {
        self.buf.reverse();
        self.buf
    }

    /// An INTEGER, or a type implicitly tagged from it, in the fewest two's complement octets.
    pub fn integer(&mut self, tag: u8, value: i64) {
        let start = self.buf.len();
        let mut rest = value;
        loop {
            let octet = rest as u8;
            self.buf.push(octet);
            rest >>= 8;
            // Done once the remaining octets would all be copies of this octet's sign bit.
            if (rest == 0 && octet & 0x80 == 0) || (rest == -1 && octet & 0x80 != 0) {
                break;
            }
        }
        self.header(tag, self.buf.len() - start);
    }

    /// A non-negative INTEGER: Counter32, Gauge32, TimeTicks, Counter64. A leading 0x00 is added
    /// when the top bit of the first octet is set, or the value would read as negative (so
    /// 2^32-1 takes five octets and 2^64-1 nine).
    pub fn unsigned(&mut self, tag: u8, value: u64) {
        let start = self.buf.len();
        let mut rest = value;
        loop {
            let octet = rest as u8;
            self.buf.push(octet);
            rest >>= 8;
            if rest == 0 {
                if octet & 0x80 != 0 {
                    self.buf.push(0);
                }
                break;
            }
        }
        self.header(tag, self.buf.len() - start);
    }

    /// An OCTET STRING, or a type implicitly tagged from it (IpAddress, Opaque).
    pub fn octets(&mut self, tag: u8, bytes: &[u8]) {
        self.buf.extend(bytes.iter().rev());
        self.header(tag, bytes.len());
    }

    /// An OBJECT IDENTIFIER: the first two arcs as one sub-identifier `40 * a + b`, then each
    /// sub-identifier in base 128, high groups first, with the top bit set on all but the last.
    ///
    /// BER cannot encode fewer than two arcs, so a shorter OID is written as if padded with zeros:
    /// `[]` as 0.0 and `[1]` as 1.0. The first two arcs are not checked either: `[3, 5]` or
    /// `[1, 40]` are written by the formula and read back as another OID (2.45 and 2.0). Neither
    /// happens with OIDs the agent serves, which all start 1.3.
    pub fn oid(&mut self, sub_ids: &[u32]) {
        let start = self.buf.len();
        let (first, rest) = first_sub_id(sub_ids);
        for &sub_id in rest.iter().rev() {
            self.base128(u64::from(sub_id));
        }
        self.base128(first);
        self.header(tag::OBJECT_IDENTIFIER, self.buf.len() - start);
    }

    /// A NULL, or a type implicitly tagged from it (the three exceptions): no content.
    pub fn null(&mut self, tag: u8) {
        self.header(tag, 0);
    }

    /// A constructed value (SEQUENCE, a PDU) whose content `content` writes, last part first.
    pub fn constructed(&mut self, tag: u8, content: impl FnOnce(&mut BerWriter)) {
        let start = self.buf.len();
        content(self);
        self.header(tag, self.buf.len() - start);
    }

    /// A value with the tag of its type.
    pub fn value(&mut self, value: &Value) {
        match value {
            Value::Integer(n) => self.integer(tag::INTEGER, i64::from(*n)),
            Value::OctetString(bytes) => self.octets(tag::OCTET_STRING, bytes),
            Value::ObjectId(oid) => self.oid(oid.as_slice()),
            Value::IpAddress(address) => self.octets(tag::IP_ADDRESS, address),
            Value::Counter32(n) => self.unsigned(tag::COUNTER32, u64::from(*n)),
            Value::Gauge32(n) => self.unsigned(tag::GAUGE32, u64::from(*n)),
            Value::TimeTicks(n) => self.unsigned(tag::TIME_TICKS, u64::from(*n)),
            Value::Opaque(bytes) => self.octets(tag::OPAQUE, bytes),
            Value::Counter64(n) => self.unsigned(tag::COUNTER64, *n),
            Value::Null => self.null(tag::NULL),
            Value::NoSuchObject => self.null(tag::NO_SUCH_OBJECT),
            Value::NoSuchInstance => self.null(tag::NO_SUCH_INSTANCE),
            Value::EndOfMibView => self.null(tag::END_OF_MIB_VIEW),
        }
    }

    /// The identifier and length octets of a TLV whose `content_len` octets are already written.
    fn header(&mut self, tag: u8, content_len: usize) {
        if content_len < 0x80 {
            self.buf.push(content_len as u8);
        } else {
            let mut rest = content_len;
            let mut count = 0u8;
            while rest != 0 {
                self.buf.push(rest as u8);
                rest >>= 8;
                count += 1;
            }
            self.buf.push(0x80 | count);
        }
        self.buf.push(tag);
    }

    /// One sub-identifier in base 128 (X.690 section 8.19.2), written back to front.
    fn base128(&mut self, sub_id: u64) {
        self.buf.push((sub_id & 0x7f) as u8);
        let mut rest = sub_id >> 7;
        while rest != 0 {
            self.buf.push(0x80 | (rest & 0x7f) as u8);
            rest >>= 7;
        }
    }
}

/// The first sub-identifier on the wire (`40 * a + b`, with missing arcs taken as 0) and the arcs
/// after the first two. In u64, since `2 * 40 + (2^32-1)` is over u32.
fn first_sub_id(sub_ids: &[u32]) -> (u64, &[u32]) {
    match sub_ids {
        [] => (0, &[]),
        [a] => (40 * u64::from(*a), &[]),
        [a, b, rest @ ..] => (40 * u64::from(*a) + u64::from(*b), rest),
    }
}

/// The number of octets of the length field for `content_len` octets of content.
pub fn length_len(content_len: usize) -> usize {
    if content_len < 0x80 { 1 } else { 1 + (usize::BITS - content_len.leading_zeros()).div_ceil(8) as usize }
}

/// The number of octets of a whole TLV with a one-octet tag and `content_len` octets of content.
pub fn tlv_len(content_len: usize) -> usize {
    1 + length_len(content_len) + content_len
}

/// The content length [`BerWriter::integer`] writes for `value`.
pub fn integer_content_len(value: i64) -> usize {
    // Significant bits plus one sign bit.
    let redundant = if value < 0 { value.leading_ones() } else { value.leading_zeros() };
    (i64::BITS - redundant + 1).div_ceil(8) as usize
}

/// The content length [`BerWriter::unsigned`] writes for `value`.
pub fn unsigned_content_len(value: u64) -> usize {
    // One octet per whole 8 significant bits, and one more for the rest or the leading zero.
    (u64::BITS - value.leading_zeros()) as usize / 8 + 1
}

/// The content length [`BerWriter::oid`] writes for `sub_ids`.
pub fn oid_content_len(sub_ids: &[u32]) -> usize {
    let (first, rest) = first_sub_id(sub_ids);
    base128_len(first) + rest.iter().map(|&sub_id| base128_len(u64::from(sub_id))).sum::<usize>()
}

/// The number of base-128 groups of one sub-identifier.
fn base128_len(sub_id: u64) -> usize {
    ((u64::BITS - sub_id.leading_zeros()) as usize).div_ceil(7).max(1)
}

/// The length of the whole TLV [`BerWriter::value`] writes for `value`.
pub fn value_len(value: &Value) -> usize {
    let content_len = match value {
        Value::Integer(n) => integer_content_len(i64::from(*n)),
        Value::OctetString(bytes) | Value::Opaque(bytes) => bytes.len(),
        Value::ObjectId(oid) => oid_content_len(oid.as_slice()),
        Value::IpAddress(address) => address.len(),
        Value::Counter32(n) | Value::Gauge32(n) | Value::TimeTicks(n) => unsigned_content_len(u64::from(*n)),
        Value::Counter64(n) => unsigned_content_len(*n),
        Value::Null | Value::NoSuchObject | Value::NoSuchInstance | Value::EndOfMibView => 0,
    };
    tlv_len(content_len)
}

/// One TLV as [`read_tlv`] finds it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tlv<'a> {
    /// The identifier octet, class and constructed bit included (compare with [`tag`]).
    pub tag: u8,
    /// The content octets, exactly as many as the length said.
    pub content: &'a [u8],
}

/// Reads one TLV from the front of `input`; returns it and the octets after it.
///
/// Strict where SNMP is (RFC 3417 section 8): the definite form of length only, and identifiers of
/// one octet (SNMP has no tag number over 30). A long-form length may have more octets than it
/// needs, which RFC 3417 allows. The error says what is wrong, for a log line.
pub fn read_tlv(input: &[u8]) -> Result<(Tlv<'_>, &[u8]), &'static str> {
    let (&tag, rest) = input.split_first().ok_or("truncated before an identifier octet")?;
    if tag & 0x1f == 0x1f {
        return Err("multi-octet identifier (tag number over 30), which SNMP never uses");
    }
    let (&first, mut rest) = rest.split_first().ok_or("truncated before a length octet")?;
    let len = match first {
        0x00..=0x7f => usize::from(first),
        0x80 => return Err("indefinite length, which SNMP forbids"),
        0xff => return Err("reserved length octet 0xff"),
        _ => {
            let (octets, after) =
                rest.split_at_checked(usize::from(first & 0x7f)).ok_or("truncated inside a length field")?;
            rest = after;
            let mut len = 0usize;
            for &octet in octets {
                if len > rest.len() >> 8 {
                    return Err("length runs past the end of the datagram");
                }
                len = len << 8 | usize::from(octet);
            }
            len
        }
    };
    let (content, rest) = rest.split_at_checked(len).ok_or("length runs past the end of the datagram")?;
    Ok((Tlv { tag, content }, rest))
}

/// The value of INTEGER content octets, or `None` if it is empty or does not fit in i64.
///
/// Redundant leading octets (0x00 before a positive value, 0xff before a negative one) are
/// accepted, as every SNMP stack does, although X.690 section 8.3.2 forbids them.
pub fn read_integer(content: &[u8]) -> Option<i64> {
    let first = *content.first()?;
    let mut value: i64 = if first & 0x80 != 0 { -1 } else { 0 };
    for &octet in content {
        // Shifting out anything but sign bits would lose the value.
        if !(i64::MIN >> 8..=i64::MAX >> 8).contains(&value) {
            return None;
        }
        value = value << 8 | i64::from(octet);
    }
    Some(value)
}

/// The OID in OBJECT IDENTIFIER content octets, checked against SNMP's limits.
///
/// Errors: no content (BER has no OID of fewer than two arcs); a last octet with its top bit set
/// (the last sub-identifier is cut off); a sub-identifier that starts with 0x80 (not the fewest
/// octets, X.690 section 8.19.2); a sub-identifier over 2^32-1 or more than [`MAX_SUB_IDS`] of
/// them (RFC 2578 section 3.5).
pub fn read_oid(content: &[u8]) -> Result<Oid, &'static str> {
    let Some(&last) = content.last() else {
        return Err("empty OBJECT IDENTIFIER: an OID has at least two sub-identifiers");
    };
    if last & 0x80 != 0 {
        return Err("OBJECT IDENTIFIER ends inside a sub-identifier");
    }
    let mut sub_ids = Vec::with_capacity(content.len().min(MAX_SUB_IDS));
    let mut value = 0u64;
    let mut at_start = true;
    for &octet in content {
        if at_start && octet == 0x80 {
            return Err("OBJECT IDENTIFIER sub-identifier with a leading 0x80 octet");
        }
        value = value << 7 | u64::from(octet & 0x7f);
        // The first sub-identifier holds two arcs: up to 2.(2^32-1), that is 80 + (2^32-1).
        let max = if sub_ids.is_empty() { 80 + u64::from(u32::MAX) } else { u64::from(u32::MAX) };
        if value > max {
            return Err("OBJECT IDENTIFIER sub-identifier over 2^32-1");
        }
        at_start = octet & 0x80 == 0;
        if at_start {
            if sub_ids.is_empty() {
                let (a, b) = match value {
                    0..40 => (0, value),
                    40..80 => (1, value - 40),
                    _ => (2, value - 80),
                };
                // Both fit: a is at most 2, and b at most 2^32-1 by the check above.
                sub_ids.push(a as u32);
                sub_ids.push(b as u32);
            } else if sub_ids.len() == MAX_SUB_IDS {
                return Err("OBJECT IDENTIFIER of more than 128 sub-identifiers");
            } else {
                sub_ids.push(value as u32);
            }
            value = 0;
        }
    }
    Ok(Oid(sub_ids))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encoded(write: impl FnOnce(&mut BerWriter)) -> Vec<u8> {
        let mut w = BerWriter::new();
        write(&mut w);
        w.finish()
    }

    #[test]
    fn integers() {
        let cases: &[(i64, &[u8])] = &[
            (0, &[0x02, 0x01, 0x00]),
            (1, &[0x02, 0x01, 0x01]),
            (127, &[0x02, 0x01, 0x7f]),
            (128, &[0x02, 0x02, 0x00, 0x80]),
            (255, &[0x02, 0x02, 0x00, 0xff]),
            (256, &[0x02, 0x02, 0x01, 0x00]),
            (-1, &[0x02, 0x01, 0xff]),
            (-128, &[0x02, 0x01, 0x80]),
            (-129, &[0x02, 0x02, 0xff, 0x7f]),
            (-256, &[0x02, 0x02, 0xff, 0x00]),
            (i64::from(i32::MIN), &[0x02, 0x04, 0x80, 0x00, 0x00, 0x00]),
            (i64::from(i32::MAX), &[0x02, 0x04, 0x7f, 0xff, 0xff, 0xff]),
            (i64::from(u32::MAX), &[0x02, 0x05, 0x00, 0xff, 0xff, 0xff, 0xff]),
            (i64::MIN, &[0x02, 0x08, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00]),
            (i64::MAX, &[0x02, 0x08, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]),
        ];
        for &(value, bytes) in cases {
            assert_eq!(encoded(|w| w.integer(tag::INTEGER, value)), bytes, "{value}");
            assert_eq!(tlv_len(integer_content_len(value)), bytes.len(), "{value}");
            assert_eq!(read_integer(&bytes[2..]), Some(value), "{value}");
        }
    }

    #[test]
    fn unsigned() {
        let cases: &[(u8, u64, &[u8])] = &[
            (tag::COUNTER32, 0, &[0x41, 0x01, 0x00]),
            (tag::COUNTER32, 127, &[0x41, 0x01, 0x7f]),
            (tag::COUNTER32, 128, &[0x41, 0x02, 0x00, 0x80]),
            (tag::GAUGE32, 255, &[0x42, 0x02, 0x00, 0xff]),
            (tag::TIME_TICKS, 256, &[0x43, 0x02, 0x01, 0x00]),
            (tag::COUNTER32, 0x7fff_ffff, &[0x41, 0x04, 0x7f, 0xff, 0xff, 0xff]),
            (tag::COUNTER32, u64::from(u32::MAX), &[0x41, 0x05, 0x00, 0xff, 0xff, 0xff, 0xff]),
            (tag::COUNTER64, 1 << 32, &[0x46, 0x05, 0x01, 0x00, 0x00, 0x00, 0x00]),
            (tag::COUNTER64, u64::MAX, &[0x46, 0x09, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]),
        ];
        for &(tag, value, bytes) in cases {
            assert_eq!(encoded(|w| w.unsigned(tag, value)), bytes, "{value}");
            assert_eq!(tlv_len(unsigned_content_len(value)), bytes.len(), "{value}");
        }
    }

    #[test]
    fn oids() {
        let cases: &[(&[u32], &[u8])] = &[
            // sysDescr.0
            (&[1, 3, 6, 1, 2, 1, 1, 1, 0], &[0x06, 0x08, 0x2b, 0x06, 0x01, 0x02, 0x01, 0x01, 0x01, 0x00]),
            // An enterprise number over 127: 32473 = 1 * 128^2 + 125 * 128 + 89.
            (&[1, 3, 6, 1, 4, 1, 32473, 1], &[0x06, 0x09, 0x2b, 0x06, 0x01, 0x04, 0x01, 0x81, 0xfd, 0x59, 0x01]),
            // The X.690 example: the first sub-identifier is 80 + 999 = 1079 = 8 * 128 + 55.
            (&[2, 999, 3], &[0x06, 0x03, 0x88, 0x37, 0x03]),
            (&[1, 3, 128], &[0x06, 0x03, 0x2b, 0x81, 0x00]),
            (&[1, 3, u32::MAX], &[0x06, 0x06, 0x2b, 0x8f, 0xff, 0xff, 0xff, 0x7f]),
            // 80 + (2^32-1) = 0x1_0000_004f.
            (&[2, u32::MAX], &[0x06, 0x05, 0x90, 0x80, 0x80, 0x80, 0x4f]),
            (&[0, 0], &[0x06, 0x01, 0x00]),
            (&[1, 39], &[0x06, 0x01, 0x4f]),
        ];
        for &(sub_ids, bytes) in cases {
            assert_eq!(encoded(|w| w.oid(sub_ids)), bytes, "{sub_ids:?}");
            assert_eq!(tlv_len(oid_content_len(sub_ids)), bytes.len(), "{sub_ids:?}");
            assert_eq!(read_oid(&bytes[2..]), Ok(Oid::from_slice(sub_ids)), "{sub_ids:?}");
        }
    }

    #[test]
    fn short_oids_are_padded_with_zeros() {
        assert_eq!(encoded(|w| w.oid(&[])), [0x06, 0x01, 0x00]);
        assert_eq!(encoded(|w| w.oid(&[1])), [0x06, 0x01, 0x28]);
        assert_eq!(oid_content_len(&[]), 1);
        assert_eq!(oid_content_len(&[1]), 1);
        assert_eq!(read_oid(&[0x00]), Ok(Oid::from_slice(&[0, 0])));
        assert_eq!(read_oid(&[0x28]), Ok(Oid::from_slice(&[1, 0])));
    }

    #[test]
    fn odd_first_arcs_do_not_panic() {
        // Written by the formula, read back as another OID: documented on `BerWriter::oid`.
        assert_eq!(encoded(|w| w.oid(&[3, 5])), [0x06, 0x01, 0x7d]);
        assert_eq!(read_oid(&[0x7d]), Ok(Oid::from_slice(&[2, 45])));
        let bytes = encoded(|w| w.oid(&[u32::MAX, u32::MAX, u32::MAX]));
        assert_eq!(bytes.len(), tlv_len(oid_content_len(&[u32::MAX; 3])));
        assert!(read_oid(&bytes[2..]).is_err());
    }

    #[test]
    fn bad_oids() {
        assert!(read_oid(&[]).is_err());
        // Cut off: the last octet has its top bit set.
        assert!(read_oid(&[0x2b, 0x06, 0x81]).is_err());
        // 0x80 may not start a sub-identifier, first or later.
        assert!(read_oid(&[0x80, 0x2b]).is_err());
        assert!(read_oid(&[0x2b, 0x80, 0x01]).is_err());
        // 2^32 in a later sub-identifier, and 2.(2^32) in the first.
        assert!(read_oid(&[0x2b, 0x90, 0x80, 0x80, 0x80, 0x00]).is_err());
        assert!(read_oid(&[0x90, 0x80, 0x80, 0x80, 0x50]).is_err());
        // Very long sub-identifiers are refused before they overflow.
        let mut long = vec![0x2b];
        long.extend([0xff; 40]);
        long.push(0x7f);
        assert!(read_oid(&long).is_err());
    }

    #[test]
    fn oid_sub_id_limit() {
        // 1.3 and then 126 more: 128 in all.
        let mut content = vec![0x2b];
        content.extend([0x01; MAX_SUB_IDS - 2]);
        assert_eq!(read_oid(&content).map(|oid| oid.0.len()), Ok(MAX_SUB_IDS));
        content.push(0x01);
        assert!(read_oid(&content).is_err());
    }

    #[test]
    fn octets_and_null() {
        assert_eq!(encoded(|w| w.octets(tag::OCTET_STRING, b"public")), b"\x04\x06public");
        assert_eq!(encoded(|w| w.octets(tag::OCTET_STRING, b"")), [0x04, 0x00]);
        assert_eq!(encoded(|w| w.octets(tag::IP_ADDRESS, &[192, 0, 2, 1])), [0x40, 0x04, 0xc0, 0x00, 0x02, 0x01]);
        assert_eq!(encoded(|w| w.null(tag::NULL)), [0x05, 0x00]);
        assert_eq!(encoded(|w| w.null(tag::END_OF_MIB_VIEW)), [0x82, 0x00]);
    }

    #[test]
    fn long_form_lengths() {
        let cases: &[(usize, &[u8])] = &[
            (0, &[0x04, 0x00]),
            (127, &[0x04, 0x7f]),
            (128, &[0x04, 0x81, 0x80]),
            (200, &[0x04, 0x81, 0xc8]),
            (255, &[0x04, 0x81, 0xff]),
            (256, &[0x04, 0x82, 0x01, 0x00]),
            (65535, &[0x04, 0x82, 0xff, 0xff]),
            (65536, &[0x04, 0x83, 0x01, 0x00, 0x00]),
            (70000, &[0x04, 0x83, 0x01, 0x11, 0x70]),
        ];
        for &(len, header) in cases {
            let content: Vec<u8> = (0..len).map(|i| i as u8).collect();
            let bytes = encoded(|w| w.octets(tag::OCTET_STRING, &content));
            assert_eq!(&bytes[..header.len()], header, "{len}");
            assert_eq!(&bytes[header.len()..], content, "{len}");
            assert_eq!(tlv_len(len), bytes.len(), "{len}");
            let (tlv, rest) = read_tlv(&bytes).unwrap();
            assert_eq!((tlv.tag, tlv.content, rest), (tag::OCTET_STRING, &content[..], &[][..]));
        }
        assert_eq!(length_len(usize::MAX), 1 + usize::BITS as usize / 8);
    }

    #[test]
    fn constructed_is_written_last_part_first() {
        let bytes = encoded(|w| {
            w.constructed(tag::SEQUENCE, |w| {
                w.constructed(tag::SEQUENCE, |w| {
                    w.null(tag::NULL);
                    w.oid(&[1, 3]);
                });
                w.integer(tag::INTEGER, 5);
            })
        });
        assert_eq!(bytes, [0x30, 0x0a, 0x02, 0x01, 0x05, 0x30, 0x05, 0x06, 0x01, 0x2b, 0x05, 0x00]);
        // A constructed value of 128 octets of content switches to the long form.
        let bytes = encoded(|w| w.constructed(tag::SEQUENCE, |w| w.octets(tag::OCTET_STRING, &[0; 126])));
        assert_eq!(&bytes[..5], [0x30, 0x81, 0x80, 0x04, 0x7e]);
        assert_eq!(bytes.len(), tlv_len(tlv_len(126)));
    }

    #[test]
    fn values() {
        let cases: &[(Value, &[u8])] = &[
            (Value::Integer(-2), &[0x02, 0x01, 0xfe]),
            (Value::OctetString(b"eth0".to_vec()), b"\x04\x04eth0"),
            (
                Value::ObjectId(Oid::from_slice(&[1, 3, 6, 1, 2, 1, 2, 2, 1, 1, 1])),
                b"\x06\x0a\x2b\x06\x01\x02\x01\x02\x02\x01\x01\x01",
            ),
            (Value::IpAddress([10, 0, 0, 1]), &[0x40, 0x04, 0x0a, 0x00, 0x00, 0x01]),
            (Value::Counter32(1000), &[0x41, 0x02, 0x03, 0xe8]),
            (Value::Gauge32(100_000_000), &[0x42, 0x04, 0x05, 0xf5, 0xe1, 0x00]),
            (Value::TimeTicks(12345), &[0x43, 0x02, 0x30, 0x39]),
            (
                Value::Opaque(vec![0x9f, 0x78, 0x04, 0x3f, 0x80, 0x00, 0x00]),
                &[0x44, 0x07, 0x9f, 0x78, 0x04, 0x3f, 0x80, 0x00, 0x00],
            ),
            (Value::Counter64(0x1_0000_0000), &[0x46, 0x05, 0x01, 0x00, 0x00, 0x00, 0x00]),
            (Value::Null, &[0x05, 0x00]),
            (Value::NoSuchObject, &[0x80, 0x00]),
            (Value::NoSuchInstance, &[0x81, 0x00]),
            (Value::EndOfMibView, &[0x82, 0x00]),
        ];
        for (value, bytes) in cases {
            assert_eq!(encoded(|w| w.value(value)), *bytes, "{value:?}");
            assert_eq!(value_len(value), bytes.len(), "{value:?}");
        }
    }

    #[test]
    fn sizes_match_the_writer() {
        let mut x = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..10_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            // Spread the values over all magnitudes.
            let n = x >> (x % 64);
            assert_eq!(encoded(|w| w.unsigned(tag::COUNTER64, n)).len(), tlv_len(unsigned_content_len(n)), "{n}");
            let i = n as i64;
            assert_eq!(encoded(|w| w.integer(tag::INTEGER, i)).len(), tlv_len(integer_content_len(i)), "{i}");
            assert_eq!(encoded(|w| w.integer(tag::INTEGER, -i)).len(), tlv_len(integer_content_len(-i)), "{}", -i);
            let oid = [1, 3, (n >> 32) as u32, n as u32, (n >> 48) as u32];
            assert_eq!(encoded(|w| w.oid(&oid)).len(), tlv_len(oid_content_len(&oid)), "{oid:?}");
        }
    }

    #[test]
    fn read_tlv_forms() {
        // Short form, with what follows.
        assert_eq!(read_tlv(&[0x02, 0x01, 0x05, 0xaa]), Ok((Tlv { tag: 0x02, content: &[0x05] }, &[0xaa][..])));
        // Long form with more length octets than needed (RFC 3417 allows it; old net-snmp did it).
        assert_eq!(read_tlv(&[0x30, 0x82, 0x00, 0x01, 0x05]), Ok((Tlv { tag: 0x30, content: &[0x05] }, &[][..])));
        assert_eq!(read_tlv(&[0x04, 0x80 | 9, 0, 0, 0, 0, 0, 0, 0, 0, 1, 7]).map(|(tlv, _)| tlv.content), Ok(&[7][..]));
        assert!(read_tlv(&[]).is_err());
        assert!(read_tlv(&[0x02]).is_err());
        assert!(read_tlv(&[0x02, 0x02, 0x01]).is_err());
        // Indefinite length, reserved 0xff, multi-octet identifiers.
        assert!(read_tlv(&[0x30, 0x80, 0x05, 0x00, 0x00, 0x00]).is_err());
        assert!(read_tlv(&[0x04, 0xff, 0x00]).is_err());
        assert!(read_tlv(&[0x1f, 0x81, 0x00, 0x00]).is_err());
        assert!(read_tlv(&[0xbf, 0x20, 0x00]).is_err());
        // Length octets cut off, and huge lengths that must not overflow.
        assert!(read_tlv(&[0x04, 0x82, 0x01]).is_err());
        assert!(read_tlv(&[0x04, 0x84, 0xff, 0xff, 0xff, 0xff, 0x00]).is_err());
        assert!(read_tlv(&[0x04, 0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]).is_err());
        let mut huge = vec![0x04, 0xfe];
        huge.extend([0xff; 126]);
        assert!(read_tlv(&huge).is_err());
    }

    #[test]
    fn read_integers() {
        assert_eq!(read_integer(&[]), None);
        // Redundant leading octets are accepted.
        assert_eq!(read_integer(&[0x00, 0x00, 0x01]), Some(1));
        assert_eq!(read_integer(&[0xff, 0xff, 0xff]), Some(-1));
        assert_eq!(read_integer(&[0xff; 20]), Some(-1));
        // 2^63 and 2^64-1 do not fit.
        assert_eq!(read_integer(&[0x00, 0x80, 0, 0, 0, 0, 0, 0, 0]), None);
        assert_eq!(read_integer(&[0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]), None);
        assert_eq!(read_integer(&[0xff, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]), None);
        assert_eq!(read_integer(&[0xff, 0x80, 0, 0, 0, 0, 0, 0, 0]), Some(i64::MIN));
    }
}
