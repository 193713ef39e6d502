//! The SNMPv3 message (RFC 3412 section 6) with USM's security parameters (RFC 3414 section 2.4):
//! read strictly, as the v1/v2c frame is, and written back to front with [`BerWriter`].
//!
//! ```text
//! SEQUENCE { msgVersion INTEGER (3),
//!            msgGlobalData SEQUENCE { msgID, msgMaxSize, msgFlags OCTET STRING (1), msgSecurityModel },
//!            msgSecurityParameters OCTET STRING (SEQUENCE { engineID, boots, time, userName,
//!                                                           authParams, privParams }),
//!            msgData: scopedPDU SEQUENCE { contextEngineID, contextName, PDU }
//!                     or, encrypted, OCTET STRING }
//! ```

use crate::snmp::ber::{self, BerWriter, Tlv, tag};

/// msgFlags bits.
pub const FLAG_AUTH: u8 = 0x01;
pub const FLAG_PRIV: u8 = 0x02;
pub const FLAG_REPORTABLE: u8 = 0x04;

/// The User-based Security Model's number (msgSecurityModel).
pub const USM: i64 = 3;

/// USM's parameters as received.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UsmParams<'a> {
    pub engine_id: &'a [u8],
    pub boots: i64,
    pub time: i64,
    pub user: &'a [u8],
    pub auth: &'a [u8],
    pub privacy: &'a [u8],
}

/// msgData: a plain scopedPDU, or one encrypted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MsgData<'a> {
    /// The scopedPDU's content (inside its SEQUENCE).
    Plain(&'a [u8]),
    Encrypted(&'a [u8]),
}

/// An SNMPv3 message as received.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Message<'a> {
    pub msg_id: i64,
    pub max_size: i64,
    pub flags: u8,
    pub security_model: i64,
    pub usm: UsmParams<'a>,
    /// Where msgAuthenticationParameters' content starts in the datagram: the octets the
    /// digest is checked with zeroed.
    pub auth_at: usize,
    pub data: MsgData<'a>,
}

fn expect<'a>(input: &'a [u8], want: u8, what: &'static str) -> Result<(&'a [u8], &'a [u8]), &'static str> {
    let (tlv, rest) = ber::read_tlv(input)?;
    if tlv.tag != want {
        return Err(what);
    }
    Ok((tlv.content, rest))
}

fn integer<'a>(input: &'a [u8], what: &'static str) -> Result<(i64, &'a [u8]), &'static str> {
    let (content, rest) = expect(input, tag::INTEGER, what)?;
    Ok((ber::read_integer(content).ok_or(what)?, rest))
}

/// The version of a well-formed message header, whatever follows it.
pub fn version_of(bytes: &[u8]) -> Option<i64> {
    let (message, _) = expect(bytes, tag::SEQUENCE, "message").ok()?;
    integer(message, "version").ok().map(|(v, _)| v)
}

/// Reads an SNMPv3 message; the error says what is malformed (snmpInASNParseErrs).
pub fn decode(bytes: &[u8]) -> Result<Message<'_>, &'static str> {
    let (message, rest) = expect(bytes, tag::SEQUENCE, "the message is not a SEQUENCE")?;
    if !rest.is_empty() {
        return Err("octets after the message");
    }
    let (version, rest) = integer(message, "msgVersion")?;
    if version != 3 {
        return Err("msgVersion is not 3");
    }
    let (global, rest) = expect(rest, tag::SEQUENCE, "msgGlobalData")?;
    let (msg_id, g) = integer(global, "msgID")?;
    let (max_size, g) = integer(g, "msgMaxSize")?;
    let (flags, g) = expect(g, tag::OCTET_STRING, "msgFlags")?;
    let (security_model, g) = integer(g, "msgSecurityModel")?;
    if !g.is_empty() {
        return Err("octets after msgSecurityModel");
    }
    // RFC 3412: msgID and msgMaxSize are 0..2^31-1, msgMaxSize at least 484.
    if !(0..=i64::from(i32::MAX)).contains(&msg_id) || !(484..=i64::from(i32::MAX)).contains(&max_size) {
        return Err("msgID or msgMaxSize out of range");
    }
    let [flags] = flags else { return Err("msgFlags is not one octet") };
    let (security, rest) = expect(rest, tag::OCTET_STRING, "msgSecurityParameters")?;
    let (params, after) = expect(security, tag::SEQUENCE, "UsmSecurityParameters")?;
    if !after.is_empty() {
        return Err("octets after UsmSecurityParameters");
    }
    let (engine_id, p) = expect(params, tag::OCTET_STRING, "msgAuthoritativeEngineID")?;
    let (boots, p) = integer(p, "msgAuthoritativeEngineBoots")?;
    let (time, p) = integer(p, "msgAuthoritativeEngineTime")?;
    let (user, p) = expect(p, tag::OCTET_STRING, "msgUserName")?;
    let (auth, p) = expect(p, tag::OCTET_STRING, "msgAuthenticationParameters")?;
    let (privacy, p) = expect(p, tag::OCTET_STRING, "msgPrivacyParameters")?;
    if !p.is_empty() {
        return Err("octets after msgPrivacyParameters");
    }
    if engine_id.len() > 32 || user.len() > 32 {
        return Err("engine ID or user name longer than 32 octets");
    }
    let (data, rest) = ber::read_tlv(rest)?;
    if !rest.is_empty() {
        return Err("octets after msgData");
    }
    let data = match data.tag {
        tag::SEQUENCE => MsgData::Plain(data.content),
        tag::OCTET_STRING => MsgData::Encrypted(data.content),
        _ => return Err("msgData is neither a scopedPDU nor encrypted"),
    };
    // `auth` borrows from `bytes`: its place in the datagram.
    let auth_at = (auth.as_ptr() as usize).wrapping_sub(bytes.as_ptr() as usize);
    Ok(Message {
        msg_id,
        max_size,
        flags: *flags,
        security_model,
        usm: UsmParams { engine_id, boots, time, user, auth, privacy },
        auth_at,
        data,
    })
}

/// A scopedPDU's parts: contextEngineID, contextName and the PDU.
pub fn decode_scoped_pdu(content: &[u8]) -> Result<(&[u8], &[u8], Tlv<'_>), &'static str> {
    let (engine, rest) = expect(content, tag::OCTET_STRING, "contextEngineID")?;
    let (name, rest) = expect(rest, tag::OCTET_STRING, "contextName")?;
    let (pdu, rest) = ber::read_tlv(rest)?;
    if !rest.is_empty() {
        return Err("octets after the PDU");
    }
    Ok((engine, name, pdu))
}

/// The decrypted scopedPDU: its SEQUENCE's content. CFB does not pad, but other stacks may
/// add octets after the SEQUENCE; they are ignored (RFC 3826 has the length come from BER).
pub fn decrypted_scoped_pdu(plain: &[u8]) -> Result<&[u8], &'static str> {
    expect(plain, tag::SEQUENCE, "the decrypted scopedPDU is not a SEQUENCE").map(|(content, _)| content)
}

/// What an outgoing message says of its sender (the agent is the authoritative engine).
pub struct Outgoing<'a> {
    pub msg_id: i64,
    pub max_size: i64,
    pub flags: u8,
    pub engine_id: &'a [u8],
    pub boots: u32,
    pub time: u32,
    pub user: &'a [u8],
    /// The length of msgAuthenticationParameters (zeros until signed), 0 without auth.
    pub auth_len: usize,
    /// msgPrivacyParameters: the salt, empty without privacy.
    pub privacy: &'a [u8],
}

/// A scopedPDU SEQUENCE with the PDU `write_pdu` writes.
pub fn scoped_pdu(context_engine_id: &[u8], context_name: &[u8], write_pdu: impl FnOnce(&mut BerWriter)) -> Vec<u8> {
    let mut w = BerWriter::new();
    w.constructed(tag::SEQUENCE, |w| {
        write_pdu(w);
        w.octets(tag::OCTET_STRING, context_name);
        w.octets(tag::OCTET_STRING, context_engine_id);
    });
    w.finish()
}

/// The whole message around `data` (a scopedPDU SEQUENCE, or the encrypted octets when
/// `encrypted`); returns it and where its authentication parameters start.
pub fn encode(out: &Outgoing<'_>, data: &[u8], encrypted: bool) -> (Vec<u8>, usize) {
    let mut w = BerWriter::with_capacity(data.len() + 128);
    let mut auth_from_end = 0;
    w.constructed(tag::SEQUENCE, |w| {
        if encrypted {
            w.octets(tag::OCTET_STRING, data);
        } else {
            w.raw(data);
        }
        w.constructed(tag::OCTET_STRING, |w| {
            w.constructed(tag::SEQUENCE, |w| {
                w.octets(tag::OCTET_STRING, out.privacy);
                let before = w.len();
                w.octets(tag::OCTET_STRING, &vec![0u8; out.auth_len]);
                // The content's first octet is `auth_len` octets after the header's end.
                auth_from_end = before + out.auth_len;
                w.octets(tag::OCTET_STRING, out.user);
                w.integer(tag::INTEGER, i64::from(out.time));
                w.integer(tag::INTEGER, i64::from(out.boots));
                w.octets(tag::OCTET_STRING, out.engine_id);
            });
        });
        w.constructed(tag::SEQUENCE, |w| {
            w.integer(tag::INTEGER, USM);
            w.octets(tag::OCTET_STRING, &[out.flags]);
            w.integer(tag::INTEGER, out.max_size);
            w.integer(tag::INTEGER, out.msg_id);
        });
        w.integer(tag::INTEGER, 3);
    });
    let bytes = w.finish();
    let at = bytes.len() - auth_from_end;
    (bytes, at)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_with_auth_place() {
        let scoped = scoped_pdu(b"engine", b"", |w| {
            w.constructed(tag::GET_REQUEST, |w| {
                w.constructed(tag::SEQUENCE, |_| {});
                w.integer(tag::INTEGER, 0);
                w.integer(tag::INTEGER, 0);
                w.integer(tag::INTEGER, 7);
            })
        });
        let out = Outgoing {
            msg_id: 42,
            max_size: 65507,
            flags: FLAG_AUTH | FLAG_REPORTABLE,
            engine_id: b"engine",
            boots: 3,
            time: 1234,
            user: b"ops",
            auth_len: 12,
            privacy: b"",
        };
        let (mut bytes, at) = encode(&out, &scoped, false);
        bytes[at..at + 12].copy_from_slice(&[0xAB; 12]);
        let m = decode(&bytes).unwrap();
        assert_eq!(m.auth_at, at);
        assert_eq!(m.usm.auth, &[0xAB; 12]);
        assert_eq!((m.msg_id, m.max_size, m.flags, m.security_model), (42, 65507, 5, 3));
        assert_eq!((m.usm.engine_id, m.usm.boots, m.usm.time, m.usm.user), (&b"engine"[..], 3, 1234, &b"ops"[..]));
        let MsgData::Plain(content) = m.data else { panic!("plain") };
        let (engine, name, pdu) = decode_scoped_pdu(content).unwrap();
        assert_eq!((engine, name, pdu.tag), (&b"engine"[..], &b""[..], tag::GET_REQUEST));
        assert_eq!(version_of(&bytes), Some(3));
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        for len in 0..40 {
            let junk: Vec<u8> = (0..len).map(|i| (i * 37 % 251) as u8).collect();
            assert!(decode(&junk).is_err());
        }
    }
}
