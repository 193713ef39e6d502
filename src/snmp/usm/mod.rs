//! SNMPv3 with the User-based Security Model (RFC 3412, RFC 3414), the agent being the
//! authoritative engine: incoming messages are checked (engine ID, user, security level,
//! digest, time window, decryption) and either handed on as a scopedPDU or answered by a
//! Report; responses are wrapped, encrypted and signed for the user who asked. No I/O: the
//! engine's clock is given by the caller.
//!
//! | file       | what it does                                              |
//! |------------|-----------------------------------------------------------|
//! | `keys.rs`  | password to key, localization, HMAC, AES-128-CFB           |
//! | `wire.rs`  | the v3 message and USM's parameters, read and written      |
//! | `setup.rs` | the engine and its users from `[snmp]`                     |
//! | `client.rs`| the manager's side: discovery, requests (the TUI's v3)    |
//! | `mod.rs`   | the checks of RFC 3414 3.2, the counters, Reports          |

pub mod client;
pub mod keys;
pub mod setup;
pub mod wire;

use crate::snmp::ber::{self, BerWriter, tag};
use crate::snmp::message::{VarBind, write_pdu};
use crate::snmp::oid::Oid;
use crate::snmp::value::Value;
pub use keys::{AuthProtocol, PrivProtocol};
use wire::{FLAG_AUTH, FLAG_PRIV, FLAG_REPORTABLE, MsgData, Outgoing};

/// RFC 3414 3.2 step 7: a message more than 150 seconds from the engine's time is refused.
pub const TIME_WINDOW_SECS: i64 = 150;

/// The largest message the agent accepts and sends (msgMaxSize): a UDP datagram over IPv4.
pub const MAX_MESSAGE_SIZE: i64 = 65507;

/// RFC 5343's localEngineID: a contextEngineID meaning "whatever engine answers".
pub const LOCAL_ENGINE_ID: &[u8] = &[0x80, 0x00, 0x00, 0x00, 0x06];

/// What a user may do once authenticated (VACM's read and write views, RFC 3415).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UserAccess {
    Read,
    Write,
}

/// A USM user with its keys localized to the agent's engine ID. The passwords are not kept.
#[derive(Clone)]
pub struct User {
    pub name: Vec<u8>,
    pub auth: Option<(AuthProtocol, Vec<u8>)>,
    pub privacy: Option<(PrivProtocol, Vec<u8>)>,
    pub access: UserAccess,
    /// The subtrees the user sees (VACM's view, RFC 3415), sorted; empty: everything.
    pub views: Vec<Vec<u32>>,
    /// The keys before localization (Ku, RFC 3414 A.2), to localize them to another engine:
    /// an inform receiver's.
    auth_master: Vec<u8>,
    priv_master: Vec<u8>,
}

impl std::fmt::Debug for User {
    /// Keys stay out of every log line.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("User")
            .field("name", &String::from_utf8_lossy(&self.name))
            .field("auth", &self.auth.as_ref().map(|(p, _)| p.name()))
            .field("privacy", &self.privacy.as_ref().map(|(p, _)| p.name()))
            .field("access", &self.access)
            .field("views", &self.views)
            .finish()
    }
}

impl User {
    /// A user from its passwords (the slow part: one password-to-key per password).
    pub fn new(
        name: &str,
        auth: Option<(AuthProtocol, &str)>,
        privacy: Option<(PrivProtocol, &str)>,
        access: UserAccess,
        engine_id: &[u8],
    ) -> User {
        let auth_master = auth.map(|(p, password)| p.password_to_key(password.as_bytes())).unwrap_or_default();
        // RFC 3826: the privacy key is made with the authentication protocol's hash.
        let priv_master = match (auth, privacy) {
            (Some((a, _)), Some((_, password))) => a.password_to_key(password.as_bytes()),
            _ => Vec::new(),
        };
        let mut user = User {
            name: name.as_bytes().to_vec(),
            auth: auth.map(|(p, _)| (p, Vec::new())),
            privacy: privacy.filter(|_| auth.is_some()).map(|(p, _)| (p, Vec::new())),
            access,
            views: Vec::new(),
            auth_master,
            priv_master,
        };
        user.localize(engine_id);
        user
    }

    /// Localizes the keys to `engine_id`.
    fn localize(&mut self, engine_id: &[u8]) {
        if let Some((protocol, key)) = &mut self.auth {
            *key = protocol.localize(&self.auth_master, engine_id);
            if let Some((_, privacy)) = &mut self.privacy {
                *privacy = protocol.localize(&self.priv_master, engine_id);
            }
        }
    }

    /// The same user with its keys localized to another engine (an inform receiver's).
    pub fn localized_to(&self, engine_id: &[u8]) -> User {
        let mut user = self.clone();
        user.localize(engine_id);
        user
    }

    /// The security level of the user's configuration, as msgFlags bits.
    pub fn level(&self) -> u8 {
        match (&self.auth, &self.privacy) {
            (Some(_), Some(_)) => FLAG_AUTH | FLAG_PRIV,
            (Some(_), None) => FLAG_AUTH,
            _ => 0,
        }
    }
}

/// usmStats (RFC 3414 5) and the MPD and context counters that SNMPv3 adds, exact.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct UsmCounters {
    pub unsupported_sec_levels: u64,
    pub not_in_time_windows: u64,
    pub unknown_user_names: u64,
    pub unknown_engine_ids: u64,
    pub wrong_digests: u64,
    pub decryption_errors: u64,
    /// snmpUnknownSecurityModels (RFC 3412).
    pub unknown_security_models: u64,
    /// snmpInvalidMsgs (RFC 3412).
    pub invalid_msgs: u64,
    /// snmpUnknownPDUHandlers (RFC 3412).
    pub unknown_pdu_handlers: u64,
    /// snmpUnknownContexts (RFC 3413).
    pub unknown_contexts: u64,
}

/// usmStats: 1.3.6.1.6.3.15.1.1.
pub const USM_STATS: [u32; 9] = [1, 3, 6, 1, 6, 3, 15, 1, 1];
/// snmpMPDStats: 1.3.6.1.6.3.11.2.1.
pub const MPD_STATS: [u32; 9] = [1, 3, 6, 1, 6, 3, 11, 2, 1];
/// snmpUnknownContexts.0 (SNMP-TARGET-MIB): 1.3.6.1.6.3.12.1.5.0.
pub const UNKNOWN_CONTEXTS: [u32; 10] = [1, 3, 6, 1, 6, 3, 12, 1, 5, 0];

/// Why a message was refused: the counter it raised, and whether a Report goes back (and at
/// what level).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Refusal {
    UnknownEngineId,
    UnknownUserName,
    UnsupportedSecLevel,
    WrongDigest,
    NotInTimeWindow,
    DecryptionError,
    UnknownContext,
    UnknownPduHandler,
}

/// A message accepted: the scopedPDU's PDU to answer and what the answer repeats.
#[derive(Clone, Debug)]
pub struct Accepted {
    /// The PDU's identifier and content (decrypted where it was encrypted).
    pub pdu_tag: u8,
    pub pdu: Vec<u8>,
    pub reply: Reply,
}

/// What a response to an accepted message needs.
#[derive(Clone, Debug)]
pub struct Reply {
    msg_id: i64,
    /// The manager's msgMaxSize.
    max_size: i64,
    /// The request's security level (auth and priv bits).
    level: u8,
    user: usize,
    context_name: Vec<u8>,
}

impl Reply {
    /// Whether the user may SET.
    pub fn may_write(&self, usm: &Usm) -> bool {
        usm.users.get(self.user).is_some_and(|u| u.access == UserAccess::Write)
    }

    /// The largest response the manager takes (msgMaxSize, at least 484 by RFC 3412).
    pub fn max_size(&self) -> usize {
        usize::try_from(self.max_size).unwrap_or(usize::MAX)
    }

    /// The user's view: the subtrees it sees, or None for everything.
    pub fn view<'a>(&self, usm: &'a Usm) -> Option<&'a [Vec<u32>]> {
        usm.users.get(self.user).map(|u| u.views.as_slice()).filter(|v| !v.is_empty())
    }

    /// Whether the request came at the user's configured security level (VACM: a user's
    /// access entry asks for its own level; below it, nothing is readable).
    pub fn level_allowed(&self, usm: &Usm) -> bool {
        usm.users.get(self.user).is_some_and(|u| self.level & u.level() == u.level())
    }
}

/// The outcome of [`Usm::receive`].
#[derive(Clone, Debug)]
pub enum Received {
    Accepted(Accepted),
    /// Refused: the encoded Report to send back, if one is due.
    Refused(Option<Vec<u8>>),
    /// Not well-formed (snmpInASNParseErrs); dropped.
    Malformed(&'static str),
}

/// The agent's USM engine.
#[derive(Clone, Debug)]
pub struct Usm {
    pub engine_id: Vec<u8>,
    /// snmpEngineBoots: how many times the engine started (kept by the caller across restarts).
    pub boots: u32,
    pub users: Vec<User>,
    pub counters: UsmCounters,
    /// The next salt for an encrypted message: a 64-bit counter from a random start.
    salt: u64,
}

impl Usm {
    pub fn new(engine_id: Vec<u8>, boots: u32, users: Vec<User>, salt_seed: u64) -> Usm {
        Usm { engine_id, boots, users, counters: UsmCounters::default(), salt: salt_seed }
    }

    /// Checks one v3 datagram as RFC 3412 7.2 and RFC 3414 3.2 ask. `time` is snmpEngineTime.
    pub fn receive(&mut self, datagram: &[u8], time: u32) -> Received {
        let message = match wire::decode(datagram) {
            Ok(m) => m,
            Err(why) => return Received::Malformed(why),
        };
        if message.security_model != wire::USM {
            self.counters.unknown_security_models += 1;
            return Received::Refused(None);
        }
        let level = message.flags & (FLAG_AUTH | FLAG_PRIV);
        if level == FLAG_PRIV {
            // Privacy without authentication is not a level (RFC 3412 7.2 step 5).
            self.counters.invalid_msgs += 1;
            return Received::Refused(None);
        }
        let reportable = message.flags & FLAG_REPORTABLE != 0;
        // The request-id of a plain scopedPDU, for the Report (0 when it cannot be read).
        let request_id = match message.data {
            MsgData::Plain(content) => request_id_of(content),
            MsgData::Encrypted(_) => 0,
        };
        let refuse = |usm: &mut Usm, why: Refusal, user: Option<usize>| {
            let report = reportable.then(|| usm.report(message.msg_id, request_id, why, user, time));
            Received::Refused(report)
        };
        let usm = message.usm;
        if usm.engine_id != self.engine_id.as_slice() {
            self.counters.unknown_engine_ids += 1;
            return refuse(self, Refusal::UnknownEngineId, None);
        }
        let Some(user_at) = self.users.iter().position(|u| u.name == usm.user) else {
            self.counters.unknown_user_names += 1;
            return refuse(self, Refusal::UnknownUserName, None);
        };
        let user = &self.users[user_at];
        if (level & FLAG_AUTH != 0 && user.auth.is_none()) || (level & FLAG_PRIV != 0 && user.privacy.is_none()) {
            self.counters.unsupported_sec_levels += 1;
            return refuse(self, Refusal::UnsupportedSecLevel, None);
        }
        if let (true, Some((protocol, key))) = (level & FLAG_AUTH != 0, &user.auth) {
            // The digest covers the message as received, its own place zeroed.
            let mut copy = datagram.to_vec();
            let place = copy.get_mut(message.auth_at..message.auth_at + usm.auth.len());
            let Some(place) = place else { return Received::Malformed("authentication parameters out of place") };
            place.fill(0);
            if !protocol.verify(key, &copy, usm.auth) {
                self.counters.wrong_digests += 1;
                return refuse(self, Refusal::WrongDigest, None);
            }
            // RFC 3414 3.2 step 7: the time window, after the digest.
            let late = usm.boots != i64::from(self.boots)
                || self.boots == i32::MAX as u32
                || (usm.time - i64::from(time)).abs() > TIME_WINDOW_SECS;
            if late {
                self.counters.not_in_time_windows += 1;
                return refuse(self, Refusal::NotInTimeWindow, Some(user_at));
            }
        }
        let scoped_content: Vec<u8> = match (message.data, &user.privacy) {
            (MsgData::Plain(content), _) if level & FLAG_PRIV == 0 => content.to_vec(),
            (MsgData::Encrypted(octets), Some((protocol, key))) if level & FLAG_PRIV != 0 => {
                let mut plain = octets.to_vec();
                let boots = u32::try_from(usm.boots).unwrap_or(0);
                let msg_time = u32::try_from(usm.time).unwrap_or(0);
                // A wrong key decrypts to octets that are not a scopedPDU.
                let decrypted = protocol.decrypt(key, boots, msg_time, usm.privacy, &mut plain);
                match wire::decrypted_scoped_pdu(&plain) {
                    Ok(content) if decrypted => content.to_vec(),
                    _ => {
                        self.counters.decryption_errors += 1;
                        return refuse(self, Refusal::DecryptionError, None);
                    }
                }
            }
            // A plain scopedPDU flagged private, or the reverse.
            _ => return Received::Malformed("msgData does not match msgFlags"),
        };
        let (context_engine, context_name, pdu) = match wire::decode_scoped_pdu(&scoped_content) {
            Ok(parts) => parts,
            Err(why) => return Received::Malformed(why),
        };
        if context_engine != self.engine_id.as_slice() && context_engine != LOCAL_ENGINE_ID {
            self.counters.unknown_pdu_handlers += 1;
            return refuse(self, Refusal::UnknownPduHandler, None);
        }
        if !context_name.is_empty() {
            self.counters.unknown_contexts += 1;
            return refuse(self, Refusal::UnknownContext, None);
        }
        Received::Accepted(Accepted {
            pdu_tag: pdu.tag,
            pdu: pdu.content.to_vec(),
            reply: Reply {
                msg_id: message.msg_id,
                max_size: message.max_size,
                level,
                user: user_at,
                context_name: context_name.to_vec(),
            },
        })
    }

    /// A Response-PDU (or any PDU written by `write`) for an accepted message, at its level.
    pub fn respond(&mut self, reply: &Reply, time: u32, write: impl FnOnce(&mut BerWriter)) -> Vec<u8> {
        let scoped = wire::scoped_pdu(&self.engine_id, &reply.context_name, write);
        self.wrap(reply.msg_id, reply.level, Some(reply.user), scoped, time)
    }

    /// The octets a response adds around its PDU at this user's level, at most.
    pub fn overhead(&self, reply: &Reply) -> usize {
        let user = self.users.get(reply.user).map_or(0, |u| u.name.len());
        // The message header and global data (about 30), the USM parameters (headers about 30,
        // a 48-octet MAC at most, the 8-octet salt), the encrypted OCTET STRING and the
        // scopedPDU (about 16): 132 and the variable parts, rounded up for length fields at
        // their longest.
        160 + self.engine_id.len() * 2 + user + reply.context_name.len()
    }

    /// Wraps a scopedPDU as this engine's message from user `user` (an index in `users`; None:
    /// no user) at `flags` (msgFlags): encrypts it and signs the message where the flags ask.
    /// The agent answers with it; a manager that knows the agent's engine ID, boots and time
    /// sends with it (tests and the fuzz seeds do).
    pub fn wrap(&mut self, msg_id: i64, flags: u8, user: Option<usize>, scoped: Vec<u8>, time: u32) -> Vec<u8> {
        let user = user.and_then(|u| self.users.get(u));
        let auth = user.and_then(|u| u.auth.clone()).filter(|_| flags & FLAG_AUTH != 0);
        let privacy = user.and_then(|u| u.privacy.clone()).filter(|_| flags & FLAG_PRIV != 0);
        let name = user.map(|u| u.name.clone()).unwrap_or_default();
        let mut data = scoped;
        let mut salt = Vec::new();
        if let Some((protocol, key)) = &privacy {
            self.salt = self.salt.wrapping_add(1);
            let s = self.salt.to_be_bytes();
            protocol.encrypt(key, self.boots, time, &s, &mut data);
            salt = s.to_vec();
        }
        let out = Outgoing {
            msg_id,
            max_size: MAX_MESSAGE_SIZE,
            flags,
            engine_id: &self.engine_id,
            boots: self.boots,
            time,
            user: &name,
            auth_len: auth.as_ref().map_or(0, |(p, _)| p.mac_len()),
            privacy: &salt,
        };
        let (mut bytes, at) = wire::encode(&out, &data, privacy.is_some());
        if let Some((protocol, key)) = &auth {
            let mac = protocol.mac(key, &bytes);
            if let Some(place) = bytes.get_mut(at..at + mac.len()) {
                place.copy_from_slice(&mac);
            }
        }
        bytes
    }

    /// The Report for a refusal: the counter that rose, with its value.
    fn report(&mut self, msg_id: i64, request_id: i32, why: Refusal, user: Option<usize>, time: u32) -> Vec<u8> {
        let c = &self.counters;
        let (oid, value): (Vec<u32>, u64) = match why {
            Refusal::UnsupportedSecLevel => (stat(&USM_STATS, 1), c.unsupported_sec_levels),
            Refusal::NotInTimeWindow => (stat(&USM_STATS, 2), c.not_in_time_windows),
            Refusal::UnknownUserName => (stat(&USM_STATS, 3), c.unknown_user_names),
            Refusal::UnknownEngineId => (stat(&USM_STATS, 4), c.unknown_engine_ids),
            Refusal::WrongDigest => (stat(&USM_STATS, 5), c.wrong_digests),
            Refusal::DecryptionError => (stat(&USM_STATS, 6), c.decryption_errors),
            Refusal::UnknownPduHandler => (stat(&MPD_STATS, 3), c.unknown_pdu_handlers),
            Refusal::UnknownContext => (UNKNOWN_CONTEXTS.to_vec(), c.unknown_contexts),
        };
        let varbinds = [VarBind { oid: Oid(oid), value: Value::Counter32(value as u32) }];
        let scoped = wire::scoped_pdu(&self.engine_id, b"", |w| {
            write_pdu(w, tag::REPORT, request_id, 0, 0, &varbinds);
        });
        // RFC 3414 3.1.1: a notInTimeWindow Report is authenticated, so the manager can trust
        // the boots and time in it; the others go at noAuthNoPriv.
        let (level, user) = match (why, user) {
            (Refusal::NotInTimeWindow, Some(u)) => (FLAG_AUTH, Some(u)),
            _ => (0, None),
        };
        self.wrap(msg_id, level, user, scoped, time)
    }
}

fn stat(group: &[u32], n: u32) -> Vec<u32> {
    let mut oid = group.to_vec();
    oid.extend([n, 0]);
    oid
}

/// The request-id of a plain scopedPDU's PDU, or 0.
fn request_id_of(scoped_content: &[u8]) -> i32 {
    let Ok((_, _, pdu)) = wire::decode_scoped_pdu(scoped_content) else { return 0 };
    let Ok((id, _)) = ber::read_tlv(pdu.content) else { return 0 };
    if id.tag != tag::INTEGER {
        return 0;
    }
    ber::read_integer(id.content).and_then(|v| i32::try_from(v).ok()).unwrap_or(0)
}

/// A new engine ID (RFC 3411 SnmpEngineID, format 5: octets the administrator, here chance,
/// chose) under the project's enterprise number (RMONPROBE-MIB's, 32473).
pub fn generate_engine_id(random: u64) -> Vec<u8> {
    let mut id = vec![0x80, 0x00, 0x7E, 0xD9, 0x05];
    id.extend(random.to_be_bytes());
    id
}

/// The engine of the fuzz target and of its seeds (`tests/fuzz_seeds.rs`), fixed so that the
/// seeds are the same bytes every time: its ID, its clock, and three users (`fuzz-noauth`,
/// noAuthNoPriv with write access; `fuzz-md5`, authNoPriv; `fuzz-aes`, SHA-256 with AES).
pub const FUZZ_ENGINE_ID: &[u8] = &[0x80, 0x00, 0x7E, 0xD9, 0x05, 0xF0, 0x22, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01];
pub const FUZZ_ENGINE_TIME: u32 = 1000;

pub fn fuzz_engine() -> Usm {
    let users = vec![
        User::new("fuzz-noauth", None, None, UserAccess::Write, FUZZ_ENGINE_ID),
        User::new("fuzz-md5", Some((AuthProtocol::Md5, "fuzz-md5-password")), None, UserAccess::Read, FUZZ_ENGINE_ID),
        User::new(
            "fuzz-aes",
            Some((AuthProtocol::Sha256, "fuzz-sha-password")),
            Some((PrivProtocol::Aes128, "fuzz-aes-password")),
            UserAccess::Write,
            FUZZ_ENGINE_ID,
        ),
    ];
    Usm::new(FUZZ_ENGINE_ID.to_vec(), 1, users, 0)
}

#[cfg(test)]
mod tests;
