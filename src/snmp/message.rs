//! SNMPv1 and SNMPv2c messages (RFC 1157, RFC 1901, RFC 3416): what travels in one datagram.
//!
//! A command responder reads [`Request`]s with [`decode_request`] and writes Response-PDUs with
//! [`encode_response`]. [`response_len`] and [`varbind_len`] give the size of a response before it
//! is written, so that a GetBulk can be filled up to the manager's message size without encoding
//! twice. [`encode_request`] is the other direction, for tests, benches, fuzz seeds and a client.

use snmp_parser::asn1_rs::FromBer;
use snmp_parser::{NetworkAddress, ObjectSyntax, SnmpVariable, VarBindValue};

use super::ber::{self, BerWriter, tag};
use super::oid::Oid;
use super::value::Value;

/// The community-based versions of SNMP an agent serves.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Version {
    /// SNMPv1 (RFC 1157): version 0 on the wire.
    V1,
    /// SNMPv2c (RFC 1901, RFC 3416): version 1 on the wire. Adds GetBulk, Counter64 and the
    /// exceptions.
    V2c,
}

impl Version {
    /// The value of the version field on the wire.
    pub fn code(self) -> u8 {
        match self {
            Version::V1 => 0,
            Version::V2c => 1,
        }
    }
}

/// The request PDUs a command responder answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PduKind {
    /// GetRequest: the value of each OID.
    Get,
    /// GetNextRequest: the value of the first OID after each one.
    GetNext,
    /// GetBulkRequest (SNMPv2c only): repeated GetNext in one exchange.
    GetBulk,
    /// SetRequest: write each value, all or none.
    Set,
}

impl PduKind {
    /// The identifier octet of the PDU.
    pub fn tag(self) -> u8 {
        match self {
            PduKind::Get => tag::GET_REQUEST,
            PduKind::GetNext => tag::GET_NEXT_REQUEST,
            PduKind::GetBulk => tag::GET_BULK_REQUEST,
            PduKind::Set => tag::SET_REQUEST,
        }
    }
}

/// A variable binding: an OID and its value. In Get, GetNext and GetBulk requests the value is
/// [`Value::Null`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VarBind {
    /// The name: an object instance, or where a GetNext starts.
    pub oid: Oid,
    /// The value: what to set, what was read, or an exception.
    pub value: Value,
}

/// A request as a command responder needs it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    /// The version, which the response repeats.
    pub version: Version,
    /// The community string, as raw octets: RFC 1157 makes it an OCTET STRING, not text.
    pub community: Vec<u8>,
    /// What is asked.
    pub kind: PduKind,
    /// The manager's handle on the request, which the response repeats. RFC 3416 allows negative
    /// values.
    pub request_id: i32,
    /// GetBulk: how many bindings at the front get one GetNext each, not repetitions. A negative
    /// value on the wire reads as 0. Always 0 for the other kinds. Over 2^31-1 it does not fit
    /// the INTEGER on the wire, and the encoded request does not decode.
    pub non_repeaters: u32,
    /// GetBulk: how many GetNext steps each of the other bindings gets. A negative value on the
    /// wire reads as 0. Always 0 for the other kinds.
    pub max_repetitions: u32,
    /// The variable bindings, in the order the manager sent them.
    pub varbinds: Vec<VarBind>,
}

/// Why a datagram is not a request to answer, sorted by the MIB-II snmp group counter
/// (RFC 3418) an agent should count it in.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// Not well-formed BER, or not an SNMPv1/v2c message: count in snmpInASNParseErrs and drop.
    #[error("not a well-formed SNMP message: {0}")]
    Asn(String),
    /// A well-formed message header with a version other than SNMPv1 (0) and SNMPv2c (1), such as
    /// SNMPv3 (3): count in snmpInBadVersions and drop. The version is the one on the wire.
    #[error("SNMP version {0} on the wire is not served: only 0 (SNMPv1) and 1 (SNMPv2c) are")]
    BadVersion(i64),
    /// A Response, Trap, InformRequest or Report PDU (the identifier octet, 0xA2 for a Response):
    /// for a manager or a notification receiver, not for a command responder, which drops it.
    #[error("PDU 0x{0:02x} is not a request that a command responder answers")]
    NotARequest(u8),
}

impl DecodeError {
    fn asn(what: &str, why: impl core::fmt::Display) -> DecodeError {
        DecodeError::Asn(format!("{what}: {why}"))
    }
}

/// The error-status of a Response-PDU: all the values of RFC 3416. SNMPv1 has only the first six
/// (noError to genErr); an agent maps the others for a v1 manager (RFC 3584).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum ErrorStatus {
    /// noError(0)
    NoError = 0,
    /// tooBig(1): the response would not fit in a message.
    TooBig = 1,
    /// noSuchName(2): SNMPv1's "no such object", also for a GetNext past the end.
    NoSuchName = 2,
    /// badValue(3): SNMPv1's refusal of a SET value.
    BadValue = 3,
    /// readOnly(4): never sent by a correct agent; notWritable is the right answer.
    ReadOnly = 4,
    /// genErr(5): anything else that went wrong.
    GenErr = 5,
    /// noAccess(6)
    NoAccess = 6,
    /// wrongType(7)
    WrongType = 7,
    /// wrongLength(8)
    WrongLength = 8,
    /// wrongEncoding(9)
    WrongEncoding = 9,
    /// wrongValue(10)
    WrongValue = 10,
    /// noCreation(11)
    NoCreation = 11,
    /// inconsistentValue(12)
    InconsistentValue = 12,
    /// resourceUnavailable(13)
    ResourceUnavailable = 13,
    /// commitFailed(14)
    CommitFailed = 14,
    /// undoFailed(15)
    UndoFailed = 15,
    /// authorizationError(16)
    AuthorizationError = 16,
    /// notWritable(17)
    NotWritable = 17,
    /// inconsistentName(18)
    InconsistentName = 18,
}

impl ErrorStatus {
    /// The value on the wire.
    pub fn code(self) -> u8 {
        self as u8
    }
}

/// A Response-PDU in its message, borrowing what it repeats from the request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Response<'a> {
    /// The version of the request.
    pub version: Version,
    /// The community of the request.
    pub community: &'a [u8],
    /// The request-id of the request.
    pub request_id: i32,
    /// What went wrong, if anything.
    pub error_status: ErrorStatus,
    /// Which binding went wrong, counting from 1; 0 when none.
    pub error_index: u32,
    /// The bindings: values or exceptions. A response with an error repeats the request's.
    pub varbinds: &'a [VarBind],
}

/// Reads a request from one datagram.
///
/// The frame of the message (the message SEQUENCE, version, community, PDU, request-id, the two
/// INTEGERs after it, the list of bindings, each binding) is read here, strictly: only definite
/// lengths, each part exactly filling its parent, nothing after the message. Then `snmp-parser`
/// decodes each binding's value. The frame is not left to `snmp-parser` 0.11 because of what it
/// does with a message as a whole (the `snmp_parser_quirks` test pins these):
/// - it reads request-id, error-status and error-index as u32, so it rejects a negative
///   request-id, which RFC 3416 allows and some managers send. Here the request-id is any INTEGER
///   in i32 range, and a negative non-repeaters or max-repetitions reads as 0;
/// - it returns the community as a `String` and rejects one that is not UTF-8. Here it is raw
///   octets, as RFC 1157 has it;
/// - it returns the octets after the message, ignores those after the bindings inside the PDU and
///   inside the message, and ignores the PDU's length and the class of its identifier (0x02 reads
///   as a Response). Here any of that is an `Asn` error;
/// - it has no error for "well-formed, but another version": versions 2 and up are
///   `InvalidVersion`, but a negative version is a BER error. Here `BadVersion` is any version
///   other than 0 and 1 in a well-formed message SEQUENCE, checked before anything after it;
/// - its OIDs (from asn1-rs 0.7) take the first sub-identifier from one octet, so 2.999.3 reads as
///   3.16.55.3, and accept a last sub-identifier cut off. Here OIDs are read by
///   [`ber::read_oid`], which also enforces 2^32-1 per sub-identifier, 128 sub-identifiers and at
///   least 2 of them;
/// - it reads any zero-length value of a universal type as "empty", so an empty OCTET STRING
///   (a SET to ""), an empty INTEGER and an empty OID look alike, and it takes NULL by tag number
///   alone (0x45 too). Here each value's identifier and length are checked first.
///
/// Values: INTEGER, OCTET STRING, OBJECT IDENTIFIER, IpAddress, Counter32, Gauge32, TimeTicks,
/// Opaque, Counter64, NULL and the three exceptions map to their [`Value`]; UInteger32 (0x47) reads
/// as Gauge32. BIT STRING, NsapAddress and any other type are `Asn` errors: no SNMPv2 SMI object
/// has them.
///
/// A Response, Trap (v1 or v2), InformRequest or Report is `NotARequest`; the PDUs SNMPv1 does
/// not have (GetBulk and up) are `Asn` errors in a v1 message. `BadVersion` needs a well-formed
/// message SEQUENCE and version; `NotARequest` also a well-formed community and PDU TLV, whose
/// content is not read.
///
/// Never panics, whatever the input.
pub fn decode_request(bytes: &[u8]) -> Result<Request, DecodeError> {
    let (message, rest) = expect(bytes, tag::SEQUENCE, "message")?;
    if !rest.is_empty() {
        return Err(DecodeError::asn("message", format_args!("{} octets after its end", rest.len())));
    }
    let (version, rest) = expect(message, tag::INTEGER, "version")?;
    let version = match ber::read_integer(version) {
        Some(0) => Version::V1,
        Some(1) => Version::V2c,
        Some(other) => return Err(DecodeError::BadVersion(other)),
        None => return Err(DecodeError::asn("version", "empty or over 64 bits")),
    };
    let (community, rest) = expect(rest, tag::OCTET_STRING, "community")?;
    let (pdu, rest) = ber::read_tlv(rest).map_err(|why| DecodeError::asn("PDU", why))?;
    if !rest.is_empty() {
        return Err(DecodeError::asn("message", "octets after the PDU"));
    }
    decode_pdu(version, community, pdu)
}

/// Reads the PDU of a message of `version` (SNMPv3's scopedPDU carries the PDUs of v2c); the
/// request keeps `community` (empty for v3).
pub(crate) fn decode_pdu(version: Version, community: &[u8], pdu: ber::Tlv<'_>) -> Result<Request, DecodeError> {
    let kind = match (pdu.tag, version) {
        (tag::GET_REQUEST, _) => PduKind::Get,
        (tag::GET_NEXT_REQUEST, _) => PduKind::GetNext,
        (tag::SET_REQUEST, _) => PduKind::Set,
        (tag::GET_BULK_REQUEST, Version::V2c) => PduKind::GetBulk,
        (tag::RESPONSE | tag::TRAP_V1, _) | (tag::INFORM_REQUEST | tag::SNMPV2_TRAP | tag::REPORT, Version::V2c) => {
            return Err(DecodeError::NotARequest(pdu.tag));
        }
        (other, _) => {
            return Err(DecodeError::asn("PDU", format_args!("0x{other:02x} is not a PDU of SNMP {version:?}")));
        }
    };
    let (request_id, second, third, varbinds) = read_pdu_content(pdu.content)?;
    // The error-status and error-index of a request carry nothing: RFC 3416 has them zero.
    let (non_repeaters, max_repetitions) = match kind {
        PduKind::GetBulk => (second.max(0) as u32, third.max(0) as u32),
        _ => (0, 0),
    };
    Ok(Request { version, community: community.to_vec(), kind, request_id, non_repeaters, max_repetitions, varbinds })
}

/// A Response-PDU (or Report-PDU) as a manager reads it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResponsePdu {
    pub request_id: i32,
    pub error_status: i32,
    pub error_index: i32,
    pub varbinds: Vec<VarBind>,
}

/// Reads the PDU of an answer (a manager's side: the TUI's SNMPv3 client), as strictly as a
/// request's.
pub fn decode_response_pdu(pdu: ber::Tlv<'_>) -> Result<ResponsePdu, DecodeError> {
    if pdu.tag != tag::RESPONSE && pdu.tag != tag::REPORT {
        return Err(DecodeError::asn("PDU", format_args!("0x{:02x} is not a Response or Report", pdu.tag)));
    }
    let (request_id, error_status, error_index, varbinds) = read_pdu_content(pdu.content)?;
    Ok(ResponsePdu { request_id, error_status, error_index, varbinds })
}

/// The content of any PDU of the request/response shape: request-id, the two INTEGERs after it
/// (error-status and error-index, or GetBulk's non-repeaters and max-repetitions) and the
/// bindings.
fn read_pdu_content(content: &[u8]) -> Result<(i32, i32, i32, Vec<VarBind>), DecodeError> {
    let (request_id, rest) = expect_i32(content, "request-id")?;
    let (second, rest) = expect_i32(rest, "error-status or non-repeaters")?;
    let (third, rest) = expect_i32(rest, "error-index or max-repetitions")?;
    let (mut list, rest) = expect(rest, tag::SEQUENCE, "variable-bindings")?;
    if !rest.is_empty() {
        return Err(DecodeError::asn("PDU", "octets after the variable-bindings"));
    }
    let mut varbinds = Vec::new();
    while !list.is_empty() {
        let (content, after) = expect(list, tag::SEQUENCE, "VarBind")?;
        // `after` is the tail of `list`, so this is the whole TLV of the binding.
        let whole = &list[..list.len() - after.len()];
        varbinds.push(decode_varbind(whole, content)?);
        list = after;
    }
    Ok((request_id, second, third, varbinds))
}

/// Reads a TLV with the identifier `tag`; returns its content and what follows it.
fn expect<'a>(input: &'a [u8], tag: u8, what: &str) -> Result<(&'a [u8], &'a [u8]), DecodeError> {
    let (tlv, rest) = ber::read_tlv(input).map_err(|why| DecodeError::asn(what, why))?;
    if tlv.tag != tag {
        return Err(DecodeError::asn(what, format_args!("identifier 0x{:02x} where 0x{tag:02x} belongs", tlv.tag)));
    }
    Ok((tlv.content, rest))
}

/// Reads an INTEGER of the PDU header: all of them are 32-bit on the wire (RFC 3416).
fn expect_i32<'a>(input: &'a [u8], what: &str) -> Result<(i32, &'a [u8]), DecodeError> {
    let (content, rest) = expect(input, tag::INTEGER, what)?;
    let value = ber::read_integer(content)
        .and_then(|value| i32::try_from(value).ok())
        .ok_or_else(|| DecodeError::asn(what, "empty, or out of the range of a 32-bit INTEGER"))?;
    Ok((value, rest))
}

/// Reads one binding: `whole` is its TLV, `content` the content of that TLV.
fn decode_varbind(whole: &[u8], content: &[u8]) -> Result<VarBind, DecodeError> {
    let (name, rest) = expect(content, tag::OBJECT_IDENTIFIER, "VarBind name")?;
    let oid = ber::read_oid(name).map_err(|why| DecodeError::asn("VarBind name", why))?;
    let (value, rest) = ber::read_tlv(rest).map_err(|why| DecodeError::asn("VarBind value", why))?;
    if !rest.is_empty() {
        return Err(DecodeError::asn("VarBind", "octets after the value"));
    }
    // What snmp-parser does not check (see `decode_request`).
    let fits = match value.tag {
        tag::NULL | tag::NO_SUCH_OBJECT | tag::NO_SUCH_INSTANCE | tag::END_OF_MIB_VIEW => value.content.is_empty(),
        tag::INTEGER | tag::COUNTER32 | tag::GAUGE32 | tag::TIME_TICKS | tag::COUNTER64 | tag::UINTEGER32 => {
            !value.content.is_empty()
        }
        tag::OCTET_STRING | tag::OBJECT_IDENTIFIER | tag::IP_ADDRESS | tag::OPAQUE => true,
        other => {
            return Err(DecodeError::asn(
                "VarBind value",
                format_args!("0x{other:02x} is not a type of the SNMPv2 SMI"),
            ));
        }
    };
    if !fits {
        return Err(DecodeError::asn("VarBind value", format_args!("wrong length for type 0x{:02x}", value.tag)));
    }
    let (_, variable) = SnmpVariable::from_ber(whole).map_err(|error| DecodeError::asn("VarBind", error))?;
    let value = match variable.val {
        VarBindValue::Unspecified => Value::Null,
        VarBindValue::NoSuchObject => Value::NoSuchObject,
        VarBindValue::NoSuchInstance => Value::NoSuchInstance,
        VarBindValue::EndOfMibView => Value::EndOfMibView,
        VarBindValue::Value(syntax) => match syntax {
            ObjectSyntax::Number(n) => Value::Integer(n),
            ObjectSyntax::String(bytes) => Value::OctetString(bytes.to_vec()),
            ObjectSyntax::IpAddress(NetworkAddress::IPv4(address)) => Value::IpAddress(address.octets()),
            ObjectSyntax::Counter32(n) => Value::Counter32(n),
            ObjectSyntax::Gauge32(n) | ObjectSyntax::UInteger32(n) => Value::Gauge32(n),
            ObjectSyntax::TimeTicks(n) => Value::TimeTicks(n),
            ObjectSyntax::Opaque(bytes) => Value::Opaque(bytes.to_vec()),
            ObjectSyntax::Counter64(n) => Value::Counter64(n),
            // snmp-parser reads zero-length content of a universal type as Empty, whatever the
            // type. An empty INTEGER was refused above.
            ObjectSyntax::Empty if value.tag == tag::OCTET_STRING => Value::OctetString(Vec::new()),
            // OIDs, empty ones included, are read by the stricter reader from the same octets.
            ObjectSyntax::Object(_) | ObjectSyntax::Empty if value.tag == tag::OBJECT_IDENTIFIER => {
                Value::ObjectId(ber::read_oid(value.content).map_err(|why| DecodeError::asn("VarBind value", why))?)
            }
            other => return Err(DecodeError::asn("VarBind value", format_args!("{other:?} is not served"))),
        },
    };
    Ok(VarBind { oid, value })
}

/// Writes a request, GetBulk's non-repeaters and max-repetitions in the places of error-status
/// and error-index.
pub fn encode_request(request: &Request) -> Vec<u8> {
    let (second, third) = match request.kind {
        PduKind::GetBulk => (i64::from(request.non_repeaters), i64::from(request.max_repetitions)),
        _ => (0, 0),
    };
    encode_message(
        request.version,
        &request.community,
        request.kind.tag(),
        request.request_id,
        second,
        third,
        &request.varbinds,
    )
}

/// Writes a Response-PDU in its message, in exactly [`response_len`] octets. Writes what it is
/// given: keeping Counter64 and exceptions out of a v1 response is the agent's business.
pub fn encode_response(response: &Response<'_>) -> Vec<u8> {
    encode_message(
        response.version,
        response.community,
        tag::RESPONSE,
        response.request_id,
        i64::from(response.error_status.code()),
        i64::from(response.error_index),
        response.varbinds,
    )
}

/// The length of the whole VarBind TLV for `varbind`, as the encoders write it.
pub fn varbind_len(varbind: &VarBind) -> usize {
    ber::tlv_len(ber::tlv_len(ber::oid_content_len(varbind.oid.as_slice())) + ber::value_len(&varbind.value))
}

/// The length of [`encode_response`]'s message, where `varbinds_content_len` is the sum of
/// [`varbind_len`] over its bindings. Exact, so an agent can add bindings until the next one would
/// not fit in the manager's maximum message size, and then encode once.
pub fn response_len(
    community_len: usize,
    request_id: i32,
    error_status: ErrorStatus,
    error_index: u32,
    varbinds_content_len: usize,
) -> usize {
    message_len(
        Version::V1, // Both versions take the same three octets.
        community_len,
        request_id,
        i64::from(error_status.code()),
        i64::from(error_index),
        varbinds_content_len,
    )
}

/// The length of [`encode_message`]'s output.
fn message_len(
    version: Version,
    community_len: usize,
    request_id: i32,
    second: i64,
    third: i64,
    varbinds_content_len: usize,
) -> usize {
    let integer = |value: i64| ber::tlv_len(ber::integer_content_len(value));
    let pdu_content_len =
        integer(i64::from(request_id)) + integer(second) + integer(third) + ber::tlv_len(varbinds_content_len);
    ber::tlv_len(integer(i64::from(version.code())) + ber::tlv_len(community_len) + ber::tlv_len(pdu_content_len))
}

/// Writes a message with any PDU of the request/response shape, into a buffer of the exact size.
pub(crate) fn encode_message(
    version: Version,
    community: &[u8],
    pdu_tag: u8,
    request_id: i32,
    second: i64,
    third: i64,
    varbinds: &[VarBind],
) -> Vec<u8> {
    let varbinds_content_len = varbinds.iter().map(varbind_len).sum();
    let len = message_len(version, community.len(), request_id, second, third, varbinds_content_len);
    let mut w = BerWriter::with_capacity(len);
    // Back to front: the last part of each SEQUENCE first.
    w.constructed(tag::SEQUENCE, |w| {
        write_pdu(w, pdu_tag, request_id, second, third, varbinds);
        w.octets(tag::OCTET_STRING, community);
        w.integer(tag::INTEGER, i64::from(version.code()));
    });
    w.finish()
}

/// Writes a PDU of the request/response shape (v3 puts it in a scopedPDU).
pub fn write_pdu(w: &mut BerWriter, pdu_tag: u8, request_id: i32, second: i64, third: i64, varbinds: &[VarBind]) {
    w.constructed(pdu_tag, |w| {
        w.constructed(tag::SEQUENCE, |w| {
            for varbind in varbinds.iter().rev() {
                write_varbind(w, varbind);
            }
        });
        w.integer(tag::INTEGER, third);
        w.integer(tag::INTEGER, second);
        w.integer(tag::INTEGER, i64::from(request_id));
    });
}

/// Writes one VarBind SEQUENCE.
pub(crate) fn write_varbind(w: &mut BerWriter, varbind: &VarBind) {
    w.constructed(tag::SEQUENCE, |w| {
        w.value(&varbind.value);
        w.oid(varbind.oid.as_slice());
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snmp::oid::MAX_SUB_IDS;
    use snmp_parser::{PduType, SnmpMessage, SnmpPdu};

    /// `snmpget -v2c -c public -d 127.0.0.1:1 1.3.6.1.2.1.1.1.0`, net-snmp 5.9.3.
    const NET_SNMP_GET: &[u8] = &[
        0x30, 0x29, 0x02, 0x01, 0x01, 0x04, 0x06, 0x70, 0x75, 0x62, 0x6c, 0x69, 0x63, 0xa0, 0x1c, 0x02, 0x04, 0x0f,
        0x85, 0x09, 0x44, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00, 0x30, 0x0e, 0x30, 0x0c, 0x06, 0x08, 0x2b, 0x06, 0x01,
        0x02, 0x01, 0x01, 0x01, 0x00, 0x05, 0x00,
    ];

    /// `snmpbulkget -v2c -Cn1 -Cr10 -c public -d 127.0.0.1:1 1.3.6.1.2.1.1.1.0 1.3.6.1.2.1.2.2.1.1`.
    const NET_SNMP_GETBULK: &[u8] = &[
        0x30, 0x38, 0x02, 0x01, 0x01, 0x04, 0x06, 0x70, 0x75, 0x62, 0x6c, 0x69, 0x63, 0xa5, 0x2b, 0x02, 0x04, 0x2f,
        0x64, 0xce, 0xa4, 0x02, 0x01, 0x01, 0x02, 0x01, 0x0a, 0x30, 0x1d, 0x30, 0x0c, 0x06, 0x08, 0x2b, 0x06, 0x01,
        0x02, 0x01, 0x01, 0x01, 0x00, 0x05, 0x00, 0x30, 0x0d, 0x06, 0x09, 0x2b, 0x06, 0x01, 0x02, 0x01, 0x02, 0x02,
        0x01, 0x01, 0x05, 0x00,
    ];

    /// `snmpset -v1 -c private -d 127.0.0.1:1 1.3.6.1.2.1.1.5.0 s probe-1 1.3.6.1.2.1.1.3.0 t 12345`.
    const NET_SNMP_SET_V1: &[u8] = &[
        0x30, 0x41, 0x02, 0x01, 0x00, 0x04, 0x07, 0x70, 0x72, 0x69, 0x76, 0x61, 0x74, 0x65, 0xa3, 0x33, 0x02, 0x04,
        0x0d, 0xd1, 0x78, 0x12, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00, 0x30, 0x25, 0x30, 0x13, 0x06, 0x08, 0x2b, 0x06,
        0x01, 0x02, 0x01, 0x01, 0x05, 0x00, 0x04, 0x07, 0x70, 0x72, 0x6f, 0x62, 0x65, 0x2d, 0x31, 0x30, 0x0e, 0x06,
        0x08, 0x2b, 0x06, 0x01, 0x02, 0x01, 0x01, 0x03, 0x00, 0x43, 0x02, 0x30, 0x39,
    ];

    fn oid(text: &str) -> Oid {
        text.parse().unwrap()
    }

    fn vb(name: &str, value: Value) -> VarBind {
        VarBind { oid: oid(name), value }
    }

    /// A TLV with any identifier and content (the writer's `octets` does not look at the tag).
    fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
        let mut w = BerWriter::new();
        w.octets(tag, content);
        w.finish()
    }

    /// A v1/v2c message from its parts' content octets.
    fn message(version: &[u8], community: &[u8], pdu_tag: u8, pdu_content: &[u8]) -> Vec<u8> {
        let content =
            [tlv(tag::INTEGER, version), tlv(tag::OCTET_STRING, community), tlv(pdu_tag, pdu_content)].concat();
        tlv(tag::SEQUENCE, &content)
    }

    /// PDU content: request-id 7, two zeros, and the bindings' TLVs.
    fn pdu(varbinds: &[u8]) -> Vec<u8> {
        [&[0x02, 0x01, 0x07, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00][..], &tlv(tag::SEQUENCE, varbinds)].concat()
    }

    /// A v2c GetRequest for 1.3 with this value TLV.
    fn get_with_value(value: &[u8]) -> Vec<u8> {
        let varbind = tlv(tag::SEQUENCE, &[&[0x06, 0x01, 0x2b][..], value].concat());
        message(&[1], b"public", tag::GET_REQUEST, &pdu(&varbind))
    }

    /// A v2c GetRequest with this name TLV and a NULL.
    fn get_with_name(name: &[u8]) -> Vec<u8> {
        let varbind = tlv(tag::SEQUENCE, &[name, &[0x05, 0x00]].concat());
        message(&[1], b"public", tag::GET_REQUEST, &pdu(&varbind))
    }

    fn every_value() -> Vec<VarBind> {
        vec![
            vb("1.3.6.1.2.1.1.1.0", Value::OctetString(b"rmonprobe 0.1".to_vec())),
            vb("1.3.6.1.2.1.1.2.0", Value::ObjectId(oid("1.3.6.1.4.1.32473.1"))),
            vb("1.3.6.1.2.1.1.3.0", Value::TimeTicks(u32::MAX)),
            vb("1.3.6.1.2.1.1.4.0", Value::OctetString(Vec::new())),
            vb("1.3.6.1.2.1.16.1.1.1.1.1", Value::Integer(i32::MIN)),
            vb("1.3.6.1.2.1.16.1.1.1.1.2", Value::Integer(i32::MAX)),
            vb("1.3.6.1.2.1.16.1.1.1.1.3", Value::Integer(-1)),
            vb("1.3.6.1.2.1.16.1.1.1.2.1", Value::ObjectId(oid("1.3.6.1.2.1.2.2.1.1.1"))),
            vb("1.3.6.1.2.1.4.20.1.1.192.0.2.1", Value::IpAddress([192, 0, 2, 1])),
            vb("1.3.6.1.2.1.16.1.1.1.4.1", Value::Counter32(u32::MAX)),
            vb("1.3.6.1.2.1.16.1.1.1.5.1", Value::Counter32(0)),
            vb("1.3.6.1.2.1.2.2.1.5.1", Value::Gauge32(1_000_000_000)),
            vb("1.3.6.1.4.1.32473.2", Value::Opaque(vec![0x9f, 0x78, 0x04, 0x3f, 0x80, 0x00, 0x00])),
            vb("1.3.6.1.2.1.16.1.7.1.1.1", Value::Counter64(u64::MAX)),
            vb("1.3.6.1.2.1.16.1.7.1.1.2", Value::Counter64(0x8000_0000)),
            vb("1.3.6.1.4.1.32473.4294967295.128", Value::Null),
            vb("1.3.6.1.2.1.1.9.1.2.1", Value::NoSuchObject),
            vb("1.3.6.1.2.1.1.9.1.2.2", Value::NoSuchInstance),
            vb("1.3.6.1.2.1.1.9.1.2.3", Value::EndOfMibView),
        ]
    }

    /// Whether snmp-parser read the value we wrote.
    fn same_value(ours: &Value, theirs: &VarBindValue<'_>) -> bool {
        use ObjectSyntax as S;
        match (ours, theirs) {
            (Value::Null, VarBindValue::Unspecified)
            | (Value::NoSuchObject, VarBindValue::NoSuchObject)
            | (Value::NoSuchInstance, VarBindValue::NoSuchInstance)
            | (Value::EndOfMibView, VarBindValue::EndOfMibView) => true,
            (_, VarBindValue::Value(syntax)) => match (ours, syntax) {
                (Value::Integer(a), S::Number(b)) => a == b,
                (Value::OctetString(a), S::String(b)) => a == b,
                (Value::OctetString(a), S::Empty) => a.is_empty(),
                (Value::ObjectId(a), S::Object(b)) => same_oid(a, b),
                (Value::IpAddress(a), S::IpAddress(NetworkAddress::IPv4(b))) => *a == b.octets(),
                (Value::Counter32(a), S::Counter32(b)) => a == b,
                (Value::Gauge32(a), S::Gauge32(b)) => a == b,
                (Value::TimeTicks(a), S::TimeTicks(b)) => a == b,
                (Value::Opaque(a), S::Opaque(b)) => a == b,
                (Value::Counter64(a), S::Counter64(b)) => a == b,
                _ => false,
            },
            _ => false,
        }
    }

    /// Whether snmp-parser read the OID we wrote (for OIDs under 1.3: see `snmp_parser_quirks`).
    fn same_oid(ours: &Oid, theirs: &snmp_parser::Oid<'_>) -> bool {
        let theirs: Option<Vec<u64>> = theirs.iter().map(|arcs| arcs.collect());
        theirs == Some(ours.0.iter().map(|&sub_id| u64::from(sub_id)).collect())
    }

    #[test]
    fn net_snmp_get() {
        let request = decode_request(NET_SNMP_GET).unwrap();
        assert_eq!(
            request,
            Request {
                version: Version::V2c,
                community: b"public".to_vec(),
                kind: PduKind::Get,
                request_id: 0x0f85_0944,
                non_repeaters: 0,
                max_repetitions: 0,
                varbinds: vec![vb("1.3.6.1.2.1.1.1.0", Value::Null)],
            }
        );
        // net-snmp writes the fewest octets too, so the encoder gives back the same datagram.
        assert_eq!(encode_request(&request), NET_SNMP_GET);
    }

    #[test]
    fn net_snmp_getbulk() {
        let request = decode_request(NET_SNMP_GETBULK).unwrap();
        assert_eq!(
            request,
            Request {
                version: Version::V2c,
                community: b"public".to_vec(),
                kind: PduKind::GetBulk,
                request_id: 0x2f64_cea4,
                non_repeaters: 1,
                max_repetitions: 10,
                varbinds: vec![vb("1.3.6.1.2.1.1.1.0", Value::Null), vb("1.3.6.1.2.1.2.2.1.1", Value::Null)],
            }
        );
        assert_eq!(encode_request(&request), NET_SNMP_GETBULK);
    }

    #[test]
    fn net_snmp_set_v1() {
        let request = decode_request(NET_SNMP_SET_V1).unwrap();
        assert_eq!(
            request,
            Request {
                version: Version::V1,
                community: b"private".to_vec(),
                kind: PduKind::Set,
                request_id: 0x0dd1_7812,
                non_repeaters: 0,
                max_repetitions: 0,
                varbinds: vec![
                    vb("1.3.6.1.2.1.1.5.0", Value::OctetString(b"probe-1".to_vec())),
                    vb("1.3.6.1.2.1.1.3.0", Value::TimeTicks(12345)),
                ],
            }
        );
        assert_eq!(encode_request(&request), NET_SNMP_SET_V1);
    }

    #[test]
    fn requests_round_trip_and_agree_with_snmp_parser() {
        let kinds = [PduKind::Get, PduKind::GetNext, PduKind::GetBulk, PduKind::Set];
        let communities: [&[u8]; 4] = [b"public", b"", &[b'x'; 300], &[0xff, 0xfe, 0x00]];
        let mut cross_checked = 0;
        for version in [Version::V1, Version::V2c] {
            for kind in kinds {
                for request_id in [0, 1, 127, 128, 0x0f85_0944, i32::MAX, -1, -129, i32::MIN] {
                    for community in communities {
                        for (non_repeaters, max_repetitions) in [(0, 0), (2, 25), (i32::MAX as u32, 1)] {
                            let bulk = kind == PduKind::GetBulk;
                            let request = Request {
                                version,
                                community: community.to_vec(),
                                kind,
                                request_id,
                                non_repeaters: if bulk { non_repeaters } else { 0 },
                                max_repetitions: if bulk { max_repetitions } else { 0 },
                                varbinds: every_value(),
                            };
                            let bytes = encode_request(&request);
                            if bulk && version == Version::V1 {
                                assert!(matches!(decode_request(&bytes), Err(DecodeError::Asn(_))));
                                continue;
                            }
                            assert_eq!(decode_request(&bytes), Ok(request.clone()));

                            // snmp-parser reads non-negative request-ids and UTF-8 communities.
                            if request_id < 0 || core::str::from_utf8(community).is_err() {
                                continue;
                            }
                            let (rest, theirs) = SnmpMessage::from_ber(&bytes).unwrap();
                            assert!(rest.is_empty());
                            assert_eq!(theirs.version, u32::from(version.code()));
                            assert_eq!(theirs.community.as_bytes(), community);
                            assert_eq!(theirs.pdu_type(), PduType(u32::from(kind.tag() & 0x1f)));
                            let vars = match &theirs.pdu {
                                SnmpPdu::Generic(generic) => {
                                    assert_eq!(generic.req_id, request_id as u32);
                                    assert_eq!((generic.err.0, generic.err_index), (0, 0));
                                    &generic.var
                                }
                                SnmpPdu::Bulk(bulk) => {
                                    assert_eq!(bulk.req_id, request_id as u32);
                                    assert_eq!(bulk.non_repeaters, request.non_repeaters);
                                    assert_eq!(bulk.max_repetitions, request.max_repetitions);
                                    &bulk.var
                                }
                                SnmpPdu::TrapV1(_) => panic!("a request read as a trap"),
                            };
                            assert_eq!(vars.len(), request.varbinds.len());
                            for (ours, theirs) in request.varbinds.iter().zip(vars) {
                                assert!(same_oid(&ours.oid, &theirs.oid), "{}", ours.oid);
                                assert!(same_value(&ours.value, &theirs.val), "{:?} {:?}", ours.value, theirs.val);
                            }
                            cross_checked += 1;
                        }
                    }
                }
            }
        }
        // 2 versions x 3 kinds x 3 bulk shapes + GetBulk x 3, x 6 request-ids x 3 communities.
        assert_eq!(cross_checked, (2 * 3 * 3 + 3) * 6 * 3);
    }

    #[test]
    fn every_value_alone_round_trips() {
        for varbind in every_value() {
            let request = Request {
                version: Version::V2c,
                community: b"private".to_vec(),
                kind: PduKind::Set,
                request_id: 42,
                non_repeaters: 0,
                max_repetitions: 0,
                varbinds: vec![varbind],
            };
            assert_eq!(decode_request(&encode_request(&request)), Ok(request));
        }
    }

    const ALL_STATUSES: [ErrorStatus; 19] = [
        ErrorStatus::NoError,
        ErrorStatus::TooBig,
        ErrorStatus::NoSuchName,
        ErrorStatus::BadValue,
        ErrorStatus::ReadOnly,
        ErrorStatus::GenErr,
        ErrorStatus::NoAccess,
        ErrorStatus::WrongType,
        ErrorStatus::WrongLength,
        ErrorStatus::WrongEncoding,
        ErrorStatus::WrongValue,
        ErrorStatus::NoCreation,
        ErrorStatus::InconsistentValue,
        ErrorStatus::ResourceUnavailable,
        ErrorStatus::CommitFailed,
        ErrorStatus::UndoFailed,
        ErrorStatus::AuthorizationError,
        ErrorStatus::NotWritable,
        ErrorStatus::InconsistentName,
    ];

    #[test]
    fn error_status_codes() {
        for (code, status) in ALL_STATUSES.iter().enumerate() {
            assert_eq!(usize::from(status.code()), code);
        }
    }

    #[test]
    fn responses_agree_with_snmp_parser() {
        let varbinds = every_value();
        for version in [Version::V1, Version::V2c] {
            for (i, error_status) in ALL_STATUSES.into_iter().enumerate() {
                for request_id in [0, 200, i32::MAX] {
                    for error_index in [0, 1, 19, 128] {
                        let community = &b"public-community-with-a-long-name"[..i + 6];
                        let response =
                            Response { version, community, request_id, error_status, error_index, varbinds: &varbinds };
                        let bytes = encode_response(&response);
                        let content_len = varbinds.iter().map(varbind_len).sum();
                        assert_eq!(
                            bytes.len(),
                            response_len(community.len(), request_id, error_status, error_index, content_len)
                        );
                        assert_eq!(decode_request(&bytes), Err(DecodeError::NotARequest(tag::RESPONSE)));

                        let (rest, theirs) = SnmpMessage::from_ber(&bytes).unwrap();
                        assert!(rest.is_empty());
                        assert_eq!(theirs.version, u32::from(version.code()));
                        assert_eq!(theirs.community.as_bytes(), community);
                        let SnmpPdu::Generic(generic) = &theirs.pdu else { panic!("{:?}", theirs.pdu) };
                        assert_eq!(generic.pdu_type, PduType::Response);
                        assert_eq!(generic.req_id, request_id as u32);
                        assert_eq!(generic.err.0, u32::from(error_status.code()));
                        assert_eq!(generic.err_index, error_index);
                        assert_eq!(generic.var.len(), varbinds.len());
                        for (ours, theirs) in varbinds.iter().zip(&generic.var) {
                            assert!(same_oid(&ours.oid, &theirs.oid), "{}", ours.oid);
                            assert!(same_value(&ours.value, &theirs.val), "{:?} {:?}", ours.value, theirs.val);
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn response_bytes() {
        // The answer to NET_SNMP_GET, by hand: sysDescr.0 = "rmonprobe".
        let varbinds = [vb("1.3.6.1.2.1.1.1.0", Value::OctetString(b"rmonprobe".to_vec()))];
        let response = Response {
            version: Version::V2c,
            community: b"public",
            request_id: 0x0f85_0944,
            error_status: ErrorStatus::NoError,
            error_index: 0,
            varbinds: &varbinds,
        };
        let expected = [
            &[0x30, 0x32, 0x02, 0x01, 0x01, 0x04, 0x06][..],
            b"public",
            &[0xa2, 0x25, 0x02, 0x04, 0x0f, 0x85, 0x09, 0x44, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00],
            &[0x30, 0x17, 0x30, 0x15, 0x06, 0x08, 0x2b, 0x06, 0x01, 0x02, 0x01, 0x01, 0x01, 0x00, 0x04, 0x09],
            b"rmonprobe",
        ]
        .concat();
        assert_eq!(encode_response(&response), expected);
    }

    #[test]
    fn varbind_len_is_exact() {
        let mut varbinds = every_value();
        for len in [0, 100, 127, 128, 255, 256, 65535, 65536, 70000] {
            varbinds.push(vb("1.3.6.1.2.1.1.1.0", Value::OctetString(vec![b'a'; len])));
            varbinds.push(vb("1.3.6.1.2.1.1.1.0", Value::Opaque(vec![b'a'; len])));
        }
        varbinds.push(VarBind { oid: Oid::from_slice(&[1, 3, 6, 1, u32::MAX].repeat(25)), value: Value::Null });
        for varbind in &varbinds {
            let mut w = BerWriter::new();
            write_varbind(&mut w, varbind);
            assert_eq!(w.finish().len(), varbind_len(varbind), "{:?}", varbind.value);
        }
    }

    fn assert_response_len(
        community_len: usize,
        request_id: i32,
        error_status: ErrorStatus,
        error_index: u32,
        varbinds: &[VarBind],
    ) {
        let community = vec![b'c'; community_len];
        let response =
            Response { version: Version::V2c, community: &community, request_id, error_status, error_index, varbinds };
        let content_len = varbinds.iter().map(varbind_len).sum();
        assert_eq!(
            encode_response(&response).len(),
            response_len(community_len, request_id, error_status, error_index, content_len),
            "community {community_len}, request-id {request_id}, error-index {error_index}, content {content_len}"
        );
    }

    #[test]
    fn response_len_is_exact() {
        let communities = [0, 6, 127, 128, 255, 256];
        let request_ids = [0, 127, 128, -1, -129, i32::MIN, i32::MAX];
        let error_indexes = [0, 127, 128, 255, 256, u32::MAX];
        let mut shapes = 0;
        // One string whose length walks across each boundary, so that the lengths of the binding,
        // the list, the PDU and the message each cross it in turn.
        for boundary in [128, 256, 65536] {
            for len in boundary - 128..boundary + 40 {
                for (i, &community_len) in communities.iter().enumerate() {
                    let request_id = request_ids[(len + i) % request_ids.len()];
                    let error_index = error_indexes[(len + 2 * i) % error_indexes.len()];
                    let error_status = ALL_STATUSES[len % ALL_STATUSES.len()];
                    let varbinds = [vb("1.3.6.1.2.1.1.1.0", Value::OctetString(vec![b'a'; len]))];
                    assert_response_len(community_len, request_id, error_status, error_index, &varbinds);
                    shapes += 1;
                }
            }
        }
        // Communities across the boundaries themselves, with bindings of every type.
        for community_len in [0, 1, 127, 128, 200, 255, 256, 257, 65535, 65536] {
            for request_id in request_ids {
                assert_response_len(community_len, request_id, ErrorStatus::GenErr, 3, &every_value());
                assert_response_len(community_len, request_id, ErrorStatus::NoError, 0, &[]);
                shapes += 2;
            }
        }
        // Many small bindings: the list grows a binding at a time.
        let all = every_value();
        for count in 0..400 {
            let varbinds: Vec<VarBind> = all.iter().cycle().take(count).cloned().collect();
            assert_response_len(count % 300, count as i32 - 200, ErrorStatus::TooBig, count as u32, &varbinds);
            shapes += 1;
        }
        assert_eq!(shapes, 3 * 168 * 6 + 10 * 7 * 2 + 400);
    }

    #[test]
    fn version_errors() {
        let get = pdu(&tlv(tag::SEQUENCE, &[0x06, 0x01, 0x2b, 0x05, 0x00]));
        assert_eq!(decode_request(&message(&[2], b"public", tag::GET_REQUEST, &get)), Err(DecodeError::BadVersion(2)));
        assert_eq!(
            decode_request(&message(&[0xff], b"public", tag::GET_REQUEST, &get)),
            Err(DecodeError::BadVersion(-1))
        );
        assert_eq!(
            decode_request(&message(&[0x01, 0x00, 0x00, 0x00, 0x00, 0x00], b"", tag::GET_REQUEST, &get)),
            Err(DecodeError::BadVersion(1 << 40))
        );
        // An SNMPv3 message (RFC 3412): version, msgGlobalData, msgSecurityParameters, msgData.
        let global =
            [tlv(0x02, &[0x12, 0x34]), tlv(0x02, &[0x05, 0xdc]), tlv(0x04, &[0x04]), tlv(0x02, &[0x03])].concat();
        let v3 = [tlv(0x02, &[0x03]), tlv(0x30, &global), tlv(0x04, &[]), tlv(0x30, &[])].concat();
        assert_eq!(decode_request(&tlv(tag::SEQUENCE, &v3)), Err(DecodeError::BadVersion(3)));
        // Not a well-formed header: ASN.1 errors, whatever the version says.
        let mut truncated_v3 = tlv(tag::SEQUENCE, &v3);
        truncated_v3.pop();
        assert!(matches!(decode_request(&truncated_v3), Err(DecodeError::Asn(_))));
        let mut trailing_v3 = tlv(tag::SEQUENCE, &v3);
        trailing_v3.push(0);
        assert!(matches!(decode_request(&trailing_v3), Err(DecodeError::Asn(_))));
        assert!(matches!(decode_request(&message(&[], b"public", tag::GET_REQUEST, &get)), Err(DecodeError::Asn(_))));
        assert!(matches!(decode_request(&message(&[0x01; 9], b"", tag::GET_REQUEST, &get)), Err(DecodeError::Asn(_))));
        let octet_string_version =
            tlv(tag::SEQUENCE, &[tlv(tag::OCTET_STRING, &[1]), tlv(tag::OCTET_STRING, b"")].concat());
        assert!(matches!(decode_request(&octet_string_version), Err(DecodeError::Asn(_))));
    }

    #[test]
    fn pdu_kinds() {
        let get = pdu(&[]);
        for (pdu_tag, kind) in [
            (tag::GET_REQUEST, PduKind::Get),
            (tag::GET_NEXT_REQUEST, PduKind::GetNext),
            (tag::SET_REQUEST, PduKind::Set),
            (tag::GET_BULK_REQUEST, PduKind::GetBulk),
        ] {
            assert_eq!(kind.tag(), pdu_tag);
            assert_eq!(decode_request(&message(&[1], b"c", pdu_tag, &get)).map(|request| request.kind), Ok(kind));
        }
        for pdu_tag in [tag::RESPONSE, tag::TRAP_V1, tag::INFORM_REQUEST, tag::SNMPV2_TRAP, tag::REPORT] {
            // The content of a PDU that is not a request is not read.
            assert_eq!(decode_request(&message(&[1], b"c", pdu_tag, &[0xff])), Err(DecodeError::NotARequest(pdu_tag)));
        }
        for pdu_tag in [tag::RESPONSE, tag::TRAP_V1] {
            assert_eq!(decode_request(&message(&[0], b"c", pdu_tag, &get)), Err(DecodeError::NotARequest(pdu_tag)));
        }
        // SNMPv1 has no GetBulk, Inform, v2 Trap or Report.
        for pdu_tag in [tag::GET_BULK_REQUEST, tag::INFORM_REQUEST, tag::SNMPV2_TRAP, tag::REPORT] {
            assert!(matches!(decode_request(&message(&[0], b"c", pdu_tag, &get)), Err(DecodeError::Asn(_))));
        }
        // Not PDUs at all, although snmp-parser reads the first three as a Response.
        for pdu_tag in [0x02, 0x82, 0x62, 0xa9, 0xbe, 0x30] {
            assert!(
                matches!(decode_request(&message(&[1], b"c", pdu_tag, &get)), Err(DecodeError::Asn(_))),
                "{pdu_tag:#x}"
            );
        }
        // A Response with a broken length is an ASN.1 error, not a Response.
        let mut broken = message(&[1], b"c", tag::RESPONSE, &get);
        broken[9] += 1;
        assert!(matches!(decode_request(&broken), Err(DecodeError::Asn(_))));
    }

    #[test]
    fn pdu_header_fields() {
        let list = tlv(tag::SEQUENCE, &[]);
        let with_fields = |pdu_tag: u8, fields: [&[u8]; 3]| {
            let content = [tlv(0x02, fields[0]), tlv(0x02, fields[1]), tlv(0x02, fields[2]), list.clone()].concat();
            decode_request(&message(&[1], b"c", pdu_tag, &content))
        };
        let request = with_fields(tag::GET_REQUEST, [&[0xfb], &[0x05], &[0x07]]).unwrap();
        assert_eq!((request.request_id, request.non_repeaters, request.max_repetitions), (-5, 0, 0));
        let request = with_fields(tag::GET_REQUEST, [&[0x80, 0x00, 0x00, 0x00], &[0], &[0]]).unwrap();
        assert_eq!(request.request_id, i32::MIN);
        // Redundant leading octets are accepted.
        let request = with_fields(tag::GET_REQUEST, [&[0x00, 0x00, 0x00, 0x00, 0x2a], &[0], &[0]]).unwrap();
        assert_eq!(request.request_id, 42);
        let request = with_fields(tag::GET_BULK_REQUEST, [&[0x01], &[0x03], &[0x7f, 0xff, 0xff, 0xff]]).unwrap();
        assert_eq!((request.non_repeaters, request.max_repetitions), (3, i32::MAX as u32));
        // Negative non-repeaters and max-repetitions read as 0.
        let request = with_fields(tag::GET_BULK_REQUEST, [&[0x01], &[0xff], &[0x80, 0x00]]).unwrap();
        assert_eq!((request.non_repeaters, request.max_repetitions), (0, 0));
        // Out of 32 bits, or empty.
        for fields in [
            [&[0x00, 0x80, 0x00, 0x00, 0x00][..], &[0], &[0]],
            [&[0xff, 0x7f, 0xff, 0xff, 0xff], &[0], &[0]],
            [&[], &[0], &[0]],
            [&[1], &[0x01, 0x00, 0x00, 0x00, 0x00], &[0]],
            [&[1], &[0], &[]],
        ] {
            assert!(matches!(with_fields(tag::GET_REQUEST, fields), Err(DecodeError::Asn(_))), "{fields:?}");
            assert!(matches!(with_fields(tag::GET_BULK_REQUEST, fields), Err(DecodeError::Asn(_))), "{fields:?}");
        }
        // Another type where an INTEGER belongs, or a field missing.
        let content = [tlv(0x02, &[1]), tlv(0x04, &[0]), tlv(0x02, &[0]), list.clone()].concat();
        assert!(matches!(decode_request(&message(&[1], b"c", tag::GET_REQUEST, &content)), Err(DecodeError::Asn(_))));
        let content = [tlv(0x02, &[1]), tlv(0x02, &[0]), list.clone()].concat();
        assert!(matches!(decode_request(&message(&[1], b"c", tag::GET_REQUEST, &content)), Err(DecodeError::Asn(_))));
    }

    #[test]
    fn community_is_raw_octets() {
        let request = decode_request(&message(&[1], &[0xff, 0x00, 0xc3, 0x28], tag::GET_REQUEST, &pdu(&[]))).unwrap();
        assert_eq!(request.community, [0xff, 0x00, 0xc3, 0x28]);
        let long = vec![b'c'; 1000];
        assert_eq!(decode_request(&message(&[0], &long, tag::GET_REQUEST, &pdu(&[]))).unwrap().community, long);
        // Not an OCTET STRING.
        let content = [tlv(0x02, &[1]), tlv(0x30, b"public"), tlv(tag::GET_REQUEST, &pdu(&[]))].concat();
        assert!(matches!(decode_request(&tlv(tag::SEQUENCE, &content)), Err(DecodeError::Asn(_))));
    }

    #[test]
    fn octets_out_of_place() {
        let varbind = tlv(tag::SEQUENCE, &[0x06, 0x01, 0x2b, 0x05, 0x00]);
        assert!(decode_request(&message(&[1], b"c", tag::GET_REQUEST, &pdu(&varbind))).is_ok());
        let asn = |bytes: &[u8]| matches!(decode_request(bytes), Err(DecodeError::Asn(_)));
        // After the message.
        let mut bytes = message(&[1], b"c", tag::GET_REQUEST, &pdu(&varbind));
        bytes.push(0);
        assert!(asn(&bytes));
        // After the PDU, inside the message.
        let content =
            [tlv(0x02, &[1]), tlv(0x04, b"c"), tlv(tag::GET_REQUEST, &pdu(&varbind)), vec![0x05, 0x00]].concat();
        assert!(asn(&tlv(tag::SEQUENCE, &content)));
        // After the bindings, inside the PDU.
        let content = [pdu(&varbind), vec![0x05, 0x00]].concat();
        assert!(asn(&message(&[1], b"c", tag::GET_REQUEST, &content)));
        // After the value, inside a binding.
        let varbind = tlv(tag::SEQUENCE, &[0x06, 0x01, 0x2b, 0x05, 0x00, 0x05, 0x00]);
        assert!(asn(&message(&[1], b"c", tag::GET_REQUEST, &pdu(&varbind))));
        // A binding that is not a SEQUENCE, a binding without a value, the list not a SEQUENCE.
        assert!(asn(&message(&[1], b"c", tag::GET_REQUEST, &pdu(&tlv(0x31, &[0x06, 0x01, 0x2b, 0x05, 0x00])))));
        assert!(asn(&message(&[1], b"c", tag::GET_REQUEST, &pdu(&tlv(tag::SEQUENCE, &[0x06, 0x01, 0x2b])))));
        let content = [&[0x02, 0x01, 0x07, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00][..], &tlv(0x31, &varbind)].concat();
        assert!(asn(&message(&[1], b"c", tag::GET_REQUEST, &content)));
        // Indefinite lengths, at the top and inside.
        let mut bytes = message(&[1], b"c", tag::GET_REQUEST, &pdu(&varbind));
        bytes[1] = 0x80;
        bytes.extend([0, 0]);
        assert!(asn(&bytes));
        let content =
            [&[0x02, 0x01, 0x07, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00, 0x30, 0x80][..], &varbind, &[0, 0]].concat();
        assert!(asn(&message(&[1], b"c", tag::GET_REQUEST, &content)));
    }

    #[test]
    fn values_snmp_parser_reads_loosely() {
        let value_of =
            |value: &[u8]| decode_request(&get_with_value(value)).map(|request| request.varbinds[0].value.clone());
        let asn = |value: &[u8]| matches!(decode_request(&get_with_value(value)), Err(DecodeError::Asn(_)));
        assert_eq!(value_of(&[0x04, 0x00]), Ok(Value::OctetString(Vec::new())));
        assert_eq!(value_of(&[0x47, 0x01, 0x05]), Ok(Value::Gauge32(5)));
        assert_eq!(value_of(&[0x02, 0x01, 0x80]), Ok(Value::Integer(-128)));
        assert_eq!(value_of(&[0x44, 0x00]), Ok(Value::Opaque(Vec::new())));
        assert_eq!(value_of(&[0x06, 0x03, 0x88, 0x37, 0x03]), Ok(Value::ObjectId(oid("2.999.3"))));
        assert_eq!(value_of(&[0x06, 0x01, 0x00]), Ok(Value::ObjectId(oid("0.0"))));
        assert_eq!(value_of(&[0x40, 0x04, 0x0a, 0x00, 0x00, 0x01]), Ok(Value::IpAddress([10, 0, 0, 1])));
        assert_eq!(value_of(&[0x80, 0x00]), Ok(Value::NoSuchObject));
        assert_eq!(
            value_of(&[0x46, 0x09, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]),
            Ok(Value::Counter64(u64::MAX))
        );
        // Types no SNMPv2 object has: BIT STRING, NsapAddress, UInteger32's neighbours, a fourth
        // exception, a constructed value, an indefinite one.
        for value in [
            &[0x03, 0x02, 0x00, 0x80][..],
            &[0x45, 0x00],
            &[0x48, 0x01, 0x00],
            &[0x83, 0x00],
            &[0x30, 0x03, 0x02, 0x01, 0x00],
            &[0x30, 0x80, 0x00, 0x00],
            &[0x01, 0x01, 0xff],
            &[0x00, 0x00],
        ] {
            assert!(asn(value), "{value:02x?}");
        }
        // Lengths that do not fit the type.
        for value in [
            &[0x05, 0x01, 0x00][..],
            &[0x80, 0x01, 0x00],
            &[0x02, 0x00],
            &[0x41, 0x00],
            &[0x46, 0x00],
            &[0x06, 0x00],
            &[0x40, 0x03, 0x0a, 0x00, 0x00],
            &[0x40, 0x05, 0x0a, 0x00, 0x00, 0x01, 0x02],
        ] {
            assert!(asn(value), "{value:02x?}");
        }
        // Out of range: INTEGER over 32 bits, negative Counter32, Counter64 over 64 bits, an OID
        // cut off or with a sub-identifier over 32 bits.
        for value in [
            &[0x02, 0x05, 0x00, 0x80, 0x00, 0x00, 0x00][..],
            &[0x41, 0x01, 0xff],
            &[0x43, 0x05, 0x01, 0x00, 0x00, 0x00, 0x00],
            &[0x46, 0x0a, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00],
            &[0x06, 0x02, 0x2b, 0x86],
            &[0x06, 0x06, 0x2b, 0x90, 0x80, 0x80, 0x80, 0x00],
        ] {
            assert!(asn(value), "{value:02x?}");
        }
    }

    #[test]
    fn names() {
        let name_of = |name: &[u8]| decode_request(&get_with_name(name)).map(|request| request.varbinds[0].oid.clone());
        assert_eq!(name_of(&[0x06, 0x03, 0x88, 0x37, 0x03]), Ok(oid("2.999.3")));
        assert_eq!(name_of(&[0x06, 0x06, 0x2b, 0x8f, 0xff, 0xff, 0xff, 0x7f]), Ok(oid("1.3.4294967295")));
        let mut longest = vec![0x06, 0x7f, 0x2b];
        longest.extend([0x01; MAX_SUB_IDS - 2]);
        assert_eq!(name_of(&longest).map(|oid| oid.0.len()), Ok(MAX_SUB_IDS));
        let mut too_long = vec![0x06, 0x80 | 1, 0x80, 0x2b];
        too_long.extend([0x01; MAX_SUB_IDS - 1]);
        assert!(matches!(name_of(&too_long), Err(DecodeError::Asn(_))));
        for name in [
            &[0x06, 0x00][..],
            &[0x06, 0x02, 0x2b, 0x86],
            &[0x06, 0x06, 0x2b, 0x90, 0x80, 0x80, 0x80, 0x00],
            &[0x06, 0x02, 0x80, 0x2b],
            // Not an OBJECT IDENTIFIER: snmp-parser would read these as one.
            &[0x04, 0x01, 0x2b],
            &[0x0d, 0x01, 0x2b],
        ] {
            assert!(matches!(name_of(name), Err(DecodeError::Asn(_))), "{name:02x?}");
        }
    }

    /// What snmp-parser 0.11 does that `decode_request` works around (see its documentation). If
    /// this test fails after an upgrade, the workaround may no longer be needed.
    #[test]
    fn snmp_parser_quirks() {
        let parse = |bytes: &[u8]| {
            SnmpMessage::from_ber(bytes)
                .map(|(rest, message)| (rest.len(), message.pdu_type()))
                .map_err(|error| format!("{error:?}"))
        };
        let varbind = tlv(tag::SEQUENCE, &[0x06, 0x01, 0x2b, 0x05, 0x00]);
        let get = |request_id: &[u8]| {
            let content =
                [tlv(0x02, request_id), tlv(0x02, &[0]), tlv(0x02, &[0]), tlv(tag::SEQUENCE, &varbind)].concat();
            message(&[1], b"c", tag::GET_REQUEST, &content)
        };
        // A negative request-id is an error.
        assert!(parse(&get(&[0xff])).is_err());
        assert_eq!(decode_request(&get(&[0xff])).map(|request| request.request_id), Ok(-1));
        // A community that is not UTF-8 is an error.
        let bytes = message(&[1], &[0xff], tag::GET_REQUEST, &pdu(&varbind));
        assert!(parse(&bytes).is_err());
        assert!(decode_request(&bytes).is_ok());
        // Octets after the message are returned; octets after the bindings are ignored.
        let mut bytes = get(&[1]);
        bytes.push(0);
        assert_eq!(parse(&bytes).map(|(rest, _)| rest), Ok(1));
        let bytes = message(&[1], b"c", tag::GET_REQUEST, &[pdu(&varbind), vec![0x05, 0x00]].concat());
        assert_eq!(parse(&bytes).map(|(rest, _)| rest), Ok(0));
        // Versions: 2 and 3 are InvalidVersion, -1 a BER error.
        for version in [2, 3] {
            let bytes = message(&[version], b"c", tag::GET_REQUEST, &pdu(&varbind));
            assert_eq!(parse(&bytes).err().as_deref(), Some("Error(InvalidVersion)"));
        }
        let bytes = message(&[0xff], b"c", tag::GET_REQUEST, &pdu(&varbind));
        assert_eq!(parse(&bytes).err().as_deref(), Some("Error(BerError(IntegerNegative))"));
        // A universal INTEGER identifier reads as a Response-PDU.
        let bytes = message(&[1], b"c", 0x02, &pdu(&varbind));
        assert_eq!(parse(&bytes).map(|(_, pdu_type)| pdu_type), Ok(PduType::Response));
        // OIDs: 2.999.3 reads as 3.16.55.3, and a cut-off sub-identifier is kept.
        let theirs = |name: &[u8]| {
            let bytes = get_with_name(name);
            let (_, message) = SnmpMessage::from_ber(&bytes).unwrap();
            message.vars_iter().next().unwrap().oid.iter().unwrap().collect::<Vec<u64>>()
        };
        assert_eq!(theirs(&[0x06, 0x03, 0x88, 0x37, 0x03]), [3, 16, 55, 3]);
        assert_eq!(theirs(&[0x06, 0x02, 0x2b, 0x86]), [1, 3, 6]);
        // Any zero-length universal value is Empty; NULL goes by the tag number.
        let value = |value: &[u8]| {
            let bytes = get_with_value(value);
            let (_, message) = SnmpMessage::from_ber(&bytes).unwrap();
            format!("{:?}", message.vars_iter().next().unwrap().val)
        };
        assert_eq!(value(&[0x04, 0x00]), "Value(Empty)");
        assert_eq!(value(&[0x02, 0x00]), "Value(Empty)");
        assert_eq!(value(&[0x45, 0x00]), "Unspecified");
        assert_eq!(value(&[0x05, 0x01, 0x00]), "Unspecified");
    }

    /// A small xorshift64 generator: deterministic, no dependency.
    struct XorShift(u64);

    impl XorShift {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }

        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
    }

    /// Valid requests to damage.
    fn seeds() -> Vec<Vec<u8>> {
        let mut seeds = vec![NET_SNMP_GET.to_vec(), NET_SNMP_GETBULK.to_vec(), NET_SNMP_SET_V1.to_vec()];
        for (version, kind) in
            [(Version::V2c, PduKind::Set), (Version::V2c, PduKind::GetBulk), (Version::V1, PduKind::GetNext)]
        {
            seeds.push(encode_request(&Request {
                version,
                community: b"public".to_vec(),
                kind,
                request_id: -2,
                non_repeaters: 1,
                max_repetitions: 5,
                varbinds: every_value(),
            }));
        }
        seeds.push(encode_request(&Request {
            version: Version::V2c,
            community: vec![b'c'; 130],
            kind: PduKind::Set,
            request_id: 300,
            non_repeaters: 0,
            max_repetitions: 0,
            varbinds: vec![vb("1.3.6.1.2.1.1.4.0", Value::OctetString(vec![b'x'; 300]))],
        }));
        seeds
    }

    /// Decodes without panicking; what decodes must survive encoding and decoding again.
    fn check(bytes: &[u8]) -> bool {
        match decode_request(bytes) {
            Ok(request) => {
                assert_eq!(decode_request(&encode_request(&request)).as_ref(), Ok(&request), "{bytes:02x?}");
                true
            }
            Err(_) => false,
        }
    }

    #[test]
    fn truncated_requests_are_asn_errors() {
        for seed in seeds() {
            assert!(check(&seed));
            for len in 0..seed.len() {
                assert!(matches!(decode_request(&seed[..len]), Err(DecodeError::Asn(_))), "{len}");
            }
        }
    }

    #[test]
    fn flipped_bits() {
        let mut decoded = 0;
        for seed in seeds() {
            for i in 0..seed.len() {
                for bit in 0..8 {
                    let mut bytes = seed.clone();
                    bytes[i] ^= 1 << bit;
                    decoded += usize::from(check(&bytes));
                }
            }
        }
        // Flips in the community, the request-id and many values keep the request valid.
        assert!(decoded > 100, "{decoded}");
    }

    #[test]
    fn huge_lengths() {
        for bytes in [
            &[0x30, 0x84, 0xff, 0xff, 0xff, 0xff, 0x02, 0x01, 0x01][..],
            &[0x30, 0x88, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0x01, 0x01],
            &[0x30, 0xfe, 0xff, 0xff],
            &[0x30, 0x81],
        ] {
            assert!(matches!(decode_request(bytes), Err(DecodeError::Asn(_))));
        }
        // A huge length deep inside: the list of bindings of NET_SNMP_GET.
        let mut bytes = NET_SNMP_GET.to_vec();
        assert_eq!(bytes[27], 0x30);
        bytes.splice(28..29, [0x84, 0x7f, 0xff, 0xff, 0xff]);
        bytes[1] += 4;
        bytes[14] += 4;
        assert!(matches!(decode_request(&bytes), Err(DecodeError::Asn(_))));
    }

    /// `levels` SEQUENCEs, each the only content of the one around it.
    fn nested(levels: usize, innermost: &[u8]) -> Vec<u8> {
        // Back to front, so that each level costs only its header.
        let mut reversed: Vec<u8> = innermost.iter().rev().copied().collect();
        for _ in 0..levels {
            let len = reversed.len();
            if len < 0x80 {
                reversed.push(len as u8);
            } else {
                let octets: Vec<u8> = len.to_be_bytes().into_iter().skip_while(|&octet| octet == 0).collect();
                reversed.extend(octets.iter().rev());
                reversed.push(0x80 | octets.len() as u8);
            }
            reversed.push(tag::SEQUENCE);
        }
        reversed.reverse();
        reversed
    }

    #[test]
    fn deep_nesting() {
        let deep = nested(10_000, &[]);
        assert!(deep.len() > 30_000);
        assert!(matches!(decode_request(&deep), Err(DecodeError::Asn(_))));
        // Deep nesting where a binding, a value or the list belongs.
        let deep_in = |varbinds: &[u8]| decode_request(&message(&[1], b"c", tag::GET_REQUEST, &pdu(varbinds)));
        assert!(matches!(deep_in(&nested(10_000, &[0x05, 0x00])), Err(DecodeError::Asn(_))));
        let value = nested(10_000, &[0x05, 0x00]);
        assert!(matches!(decode_request(&get_with_value(&value)), Err(DecodeError::Asn(_))));
        let content = [&[0x02, 0x01, 0x07, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00][..], &nested(10_000, &[])].concat();
        assert!(matches!(decode_request(&message(&[1], b"c", tag::GET_REQUEST, &content)), Err(DecodeError::Asn(_))));
    }

    #[test]
    fn empty_and_tiny_inputs() {
        assert!(matches!(decode_request(&[]), Err(DecodeError::Asn(_))));
        for byte in 0..=255u8 {
            assert!(matches!(decode_request(&[byte]), Err(DecodeError::Asn(_))));
            assert!(matches!(decode_request(&[byte, 0x00]), Err(DecodeError::Asn(_))));
            assert!(matches!(decode_request(&[0x30, byte]), Err(DecodeError::Asn(_))));
        }
    }

    #[test]
    fn random_bytes() {
        let mut rng = XorShift(0x9e37_79b9_7f4a_7c15);
        let mut bytes = Vec::new();
        for i in 0..200_000 {
            let len = if i % 10 == 0 { rng.below(400) } else { rng.below(48) };
            bytes.clear();
            bytes.extend((0..len).map(|_| rng.next() as u8));
            // Half of them get past the first check: a SEQUENCE of the right length, version 0/1.
            if i % 2 == 0 && len >= 5 {
                bytes[0] = 0x30;
                bytes[1] = (len - 2).min(127) as u8;
                bytes[2..5].copy_from_slice(&[0x02, 0x01, (i % 4 == 0) as u8]);
            }
            check(&bytes);
        }
    }

    #[test]
    fn random_mutations() {
        let seeds = seeds();
        let mut rng = XorShift(0x2545_f491_4f6c_dd1d);
        const INTERESTING: [u8; 8] = [0x00, 0x01, 0x7f, 0x80, 0x81, 0x82, 0x84, 0xff];
        let (mut decoded, mut refused) = (0, 0);
        for _ in 0..200_000 {
            let mut bytes = seeds[rng.below(seeds.len())].clone();
            for _ in 0..1 + rng.below(4) {
                if bytes.is_empty() {
                    break;
                }
                let at = rng.below(bytes.len());
                match rng.below(6) {
                    0 => bytes[at] ^= 1 << rng.below(8),
                    1 => bytes[at] = rng.next() as u8,
                    2 => bytes[at] = INTERESTING[rng.below(INTERESTING.len())],
                    3 => bytes.insert(at, INTERESTING[rng.below(INTERESTING.len())]),
                    4 => {
                        bytes.remove(at);
                    }
                    _ => bytes.truncate(at),
                }
            }
            if check(&bytes) {
                decoded += 1;
            } else {
                refused += 1;
            }
        }
        assert!(decoded > 10_000 && refused > 10_000, "{decoded} decoded, {refused} refused");
    }
}
