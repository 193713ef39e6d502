//! MIB-II's system group (RFC 3418) and snmp group counters.

use crate::snmp::message::ErrorStatus;
use crate::snmp::mib::{Context, Scalar, Scalars, SetAction, SystemEdit, counter32, time_ticks};
use crate::snmp::oid::Oid;
use crate::snmp::value::Value;

pub const SYSTEM: &[u32] = &[1, 3, 6, 1, 2, 1, 1];
pub const SNMP: &[u32] = &[1, 3, 6, 1, 2, 1, 11];

/// DisplayString: at most 255 octets (RFC 2579). Text must be UTF-8 to be kept as a String.
fn display_string(value: &Value, edit: fn(String) -> SystemEdit) -> Result<SetAction, ErrorStatus> {
    let Value::OctetString(octets) = value else { return Err(ErrorStatus::WrongType) };
    if octets.len() > 255 {
        return Err(ErrorStatus::WrongLength);
    }
    match String::from_utf8(octets.clone()) {
        Ok(s) => Ok(SetAction::System(edit(s))),
        Err(_) => Err(ErrorStatus::WrongValue),
    }
}

fn text(s: &str) -> Value {
    Value::OctetString(s.as_bytes().to_vec())
}

pub fn system() -> Scalars {
    const OBJECTS: &[Scalar] = &[
        Scalar { sub_id: 1, read: |c| text(&c.system.descr), write: None },
        Scalar { sub_id: 2, read: |c| Value::ObjectId(Oid(c.system.object_id.clone())), write: None },
        Scalar { sub_id: 3, read: |c| time_ticks(c.snapshot.sys_up_time()), write: None },
        Scalar {
            sub_id: 4,
            read: |c| text(&c.system.contact),
            write: Some(|v| display_string(v, SystemEdit::Contact)),
        },
        Scalar { sub_id: 5, read: |c| text(&c.system.name), write: Some(|v| display_string(v, SystemEdit::Name)) },
        Scalar {
            sub_id: 6,
            read: |c| text(&c.system.location),
            write: Some(|v| display_string(v, SystemEdit::Location)),
        },
        Scalar { sub_id: 7, read: |c| Value::Integer(c.system.services), write: None },
    ];
    Scalars { group: SYSTEM, registered: SYSTEM, objects: OBJECTS }
}

fn enable_authen_traps(value: &Value) -> Result<SetAction, ErrorStatus> {
    match value {
        Value::Integer(1) => Ok(SetAction::System(SystemEdit::EnableAuthenTraps(true))),
        Value::Integer(2) => Ok(SetAction::System(SystemEdit::EnableAuthenTraps(false))),
        Value::Integer(_) => Err(ErrorStatus::WrongValue),
        _ => Err(ErrorStatus::WrongType),
    }
}

/// The snmp group (1.3.6.1.2.1.11): what the agent received and answered.
pub fn snmp() -> Scalars {
    macro_rules! counter {
        ($sub:expr, $field:ident) => {
            Scalar { sub_id: $sub, read: |c: &Context<'_>| counter32(c.counters.$field), write: None }
        };
    }
    const OBJECTS: &[Scalar] = &[
        counter!(1, in_pkts),
        counter!(2, out_pkts),
        counter!(3, in_bad_versions),
        counter!(4, in_bad_community_names),
        counter!(5, in_bad_community_uses),
        counter!(6, in_asn_parse_errs),
        Scalar { sub_id: 8, read: |_| Value::Counter32(0), write: None },
        Scalar { sub_id: 9, read: |_| Value::Counter32(0), write: None },
        Scalar { sub_id: 10, read: |_| Value::Counter32(0), write: None },
        Scalar { sub_id: 11, read: |_| Value::Counter32(0), write: None },
        Scalar { sub_id: 12, read: |_| Value::Counter32(0), write: None },
        counter!(13, in_total_req_vars),
        counter!(14, in_total_set_vars),
        counter!(15, in_get_requests),
        counter!(16, in_get_nexts),
        counter!(17, in_set_requests),
        counter!(18, in_get_responses),
        counter!(19, in_traps),
        counter!(20, out_too_bigs),
        counter!(21, out_no_such_names),
        counter!(22, out_bad_values),
        counter!(24, out_gen_errs),
        Scalar { sub_id: 25, read: |_| Value::Counter32(0), write: None },
        Scalar { sub_id: 26, read: |_| Value::Counter32(0), write: None },
        Scalar { sub_id: 27, read: |_| Value::Counter32(0), write: None },
        counter!(28, out_get_responses),
        Scalar { sub_id: 29, read: |_| Value::Counter32(0), write: None },
        Scalar {
            sub_id: 30,
            read: |c| Value::Integer(if c.system.enable_authen_traps { 1 } else { 2 }),
            write: Some(enable_authen_traps),
        },
        counter!(31, silent_drops),
        Scalar { sub_id: 32, read: |_| Value::Counter32(0), write: None },
    ];
    Scalars { group: SNMP, registered: SNMP, objects: OBJECTS }
}

/// sysObjectID: rmonprobeAgent in mibs/RMONPROBE-MIB (enterprises 32473 21 1 1; 32473 is the
/// documentation enterprise number of RFC 5612 until the project registers its own).
pub const RMONPROBE_AGENT: &[u32] = &[1, 3, 6, 1, 4, 1, 32473, 21, 1, 1];

/// sysServices: datalink/subnetwork (2), for the frames the probe watches, and applications
/// (64), for the agent.
pub const SYS_SERVICES: i32 = 2 + 64;
