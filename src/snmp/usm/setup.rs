//! The SNMPv3 engine from `[snmp]`: the engine ID and the users, checked before the agent starts
//! (an unknown protocol, DES, a short password or privacy without authentication is a clear
//! error, not a user who can never get in).

use std::hash::BuildHasher;

use super::{AuthProtocol, PrivProtocol, User, UserAccess, Usm, generate_engine_id};
use crate::config::{SnmpSection, UserSection};
use crate::mib::tc::Octets;
use crate::snmp::oid::Oid;

/// RFC 3414 11.2: passwords of at least 8 characters.
const MIN_PASSWORD: usize = 8;

/// The engine for `[snmp]`, or None when it has no users (v3 then stays off). `stored` is the
/// engine ID and snmpEngineBoots the state file kept: the same engine starts with one more boot;
/// a new one (no state, or another configured engine ID) with boots 1.
pub fn build(section: &SnmpSection, stored: Option<(Vec<u8>, u32)>) -> Result<Option<Usm>, String> {
    if section.users.is_empty() {
        if !section.v1v2c {
            return Err("[snmp] v1v2c = false and no [[snmp.users]]: nobody could read the agent".into());
        }
        return Ok(None);
    }
    let random = || foldhash::fast::RandomState::default().hash_one(std::time::SystemTime::now());
    let engine_id = match (&section.engine_id, &stored) {
        (Some(hex), _) => parse_engine_id(hex)?,
        (None, Some((id, _))) => id.clone(),
        (None, None) => generate_engine_id(random()),
    };
    // RFC 3414 2.2.2: boots stops at 2^31-1 (the engine must then be given a new ID).
    let boots = match stored {
        Some((id, boots)) if id == engine_id => boots.saturating_add(1).min(i32::MAX as u32),
        _ => 1,
    };
    let mut users = Vec::new();
    for user in &section.users {
        if users.iter().any(|u: &User| u.name == user.name.as_bytes()) {
            return Err(format!("[[snmp.users]] {:?} is given twice", user.name));
        }
        users.push(user_of(user, &engine_id)?);
    }
    Ok(Some(Usm::new(engine_id, boots, users, random())))
}

fn user_of(user: &UserSection, engine_id: &[u8]) -> Result<User, String> {
    let name = &user.name;
    if name.is_empty() || name.len() > 32 {
        return Err(format!("[[snmp.users]] name {name:?}: 1 to 32 characters"));
    }
    let password = |what: &str, password: &Option<String>| -> Result<String, String> {
        match password {
            Some(p) if p.chars().count() >= MIN_PASSWORD => Ok(p.clone()),
            Some(_) => Err(format!("[[snmp.users]] {name:?}: {what} must have at least {MIN_PASSWORD} characters")),
            None => Err(format!("[[snmp.users]] {name:?}: {what} is missing")),
        }
    };
    let auth = match &user.auth_protocol {
        None => None,
        Some(p) => {
            let protocol = AuthProtocol::from_name(p).ok_or_else(|| {
                format!("[[snmp.users]] {name:?}: authProtocol {p:?} (MD5, SHA, SHA-224, SHA-256, SHA-384 or SHA-512)")
            })?;
            Some((protocol, password("authPassword", &user.auth_password)?))
        }
    };
    let privacy = match &user.priv_protocol {
        None => None,
        Some(p) if p.to_ascii_uppercase().contains("DES") => {
            return Err(format!(
                "[[snmp.users]] {name:?}: privProtocol {p:?} is refused: DES is broken; use AES (AES-128-CFB, RFC 3826)"
            ));
        }
        Some(p) => {
            let protocol = PrivProtocol::from_name(p)
                .ok_or_else(|| format!("[[snmp.users]] {name:?}: privProtocol {p:?} (AES)"))?;
            if auth.is_none() {
                return Err(format!("[[snmp.users]] {name:?}: privacy needs an authProtocol too"));
            }
            Some((protocol, password("privPassword", &user.priv_password)?))
        }
    };
    if auth.is_none() && user.auth_password.is_some() {
        return Err(format!("[[snmp.users]] {name:?}: authPassword without authProtocol"));
    }
    let access = match user.access.as_str() {
        "read" => UserAccess::Read,
        "write" => UserAccess::Write,
        other => return Err(format!("[[snmp.users]] {name:?}: access {other:?} (read or write)")),
    };
    let mut views = Vec::new();
    for view in &user.views {
        let oid: Oid = view
            .trim_start_matches('.')
            .parse()
            .map_err(|e| format!("[[snmp.users]] {name:?}: view {view:?} is not a numeric OID: {e}"))?;
        views.push(oid.0);
    }
    views.sort();
    // A subtree inside another adds nothing.
    views.dedup_by(|inner, outer| inner.starts_with(outer));
    let mut user_keys = User::new(
        name,
        auth.as_ref().map(|(p, pw)| (*p, pw.as_str())),
        privacy.as_ref().map(|(p, pw)| (*p, pw.as_str())),
        access,
        engine_id,
    );
    user_keys.views = views;
    Ok(user_keys)
}

/// An engine ID written in hex (`80007ed905...`, or with colons, dashes or spaces; `0x` in
/// front too): 5 to 32 octets (RFC 3411 SnmpEngineID).
pub fn parse_engine_id(text: &str) -> Result<Vec<u8>, String> {
    let bad = || format!("[snmp] engineId {text:?}: 5 to 32 octets in hex");
    let octets: Octets = text.trim_start_matches("0x").parse().map_err(|_| bad())?;
    if !(5..=32).contains(&octets.0.len()) {
        return Err(bad());
    }
    Ok(octets.0)
}
