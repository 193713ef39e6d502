//! SNMPv3's objects (served when the agent has users): snmpEngine (SNMP-FRAMEWORK-MIB,
//! RFC 3411), snmpMPDStats (SNMP-MPD-MIB, RFC 3412), snmpUnknownContexts (SNMP-TARGET-MIB,
//! RFC 3413) and usmStats (SNMP-USER-BASED-SM-MIB, RFC 3414): what a manager reads to see why
//! its messages were refused.

use crate::snmp::mib::{Context, Scalar, Scalars, counter32};
use crate::snmp::usm::{MAX_MESSAGE_SIZE, UsmCounters};
use crate::snmp::value::Value;

const SNMP_ENGINE: &[u32] = &[1, 3, 6, 1, 6, 3, 10, 2, 1];
const MPD_STATS: &[u32] = &[1, 3, 6, 1, 6, 3, 11, 2, 1];
const TARGET_OBJECTS: &[u32] = &[1, 3, 6, 1, 6, 3, 12, 1];
const UNKNOWN_CONTEXTS: &[u32] = &[1, 3, 6, 1, 6, 3, 12, 1, 5];
const USM_STATS: &[u32] = &[1, 3, 6, 1, 6, 3, 15, 1, 1];

fn counters(c: &Context<'_>) -> UsmCounters {
    c.usm.map(|u| u.counters).unwrap_or_default()
}

pub fn scalars() -> Vec<Scalars> {
    macro_rules! counter {
        ($sub:expr, $field:ident) => {
            Scalar { sub_id: $sub, read: |c: &Context<'_>| counter32(counters(c).$field), write: None }
        };
    }
    const ENGINE: &[Scalar] = &[
        Scalar {
            sub_id: 1,
            read: |c| Value::OctetString(c.usm.map(|u| u.engine_id.clone()).unwrap_or_default()),
            write: None,
        },
        Scalar {
            sub_id: 2,
            read: |c| Value::Integer(c.usm.map_or(0, |u| i32::try_from(u.boots).unwrap_or(i32::MAX))),
            write: None,
        },
        Scalar { sub_id: 3, read: |c| Value::Integer(i32::try_from(c.engine_time).unwrap_or(i32::MAX)), write: None },
        Scalar { sub_id: 4, read: |_| Value::Integer(MAX_MESSAGE_SIZE as i32), write: None },
    ];
    const MPD: &[Scalar] =
        &[counter!(1, unknown_security_models), counter!(2, invalid_msgs), counter!(3, unknown_pdu_handlers)];
    const CONTEXTS: &[Scalar] = &[counter!(5, unknown_contexts)];
    const STATS: &[Scalar] = &[
        counter!(1, unsupported_sec_levels),
        counter!(2, not_in_time_windows),
        counter!(3, unknown_user_names),
        counter!(4, unknown_engine_ids),
        counter!(5, wrong_digests),
        counter!(6, decryption_errors),
    ];
    vec![
        Scalars { group: SNMP_ENGINE, registered: SNMP_ENGINE, objects: ENGINE },
        Scalars { group: MPD_STATS, registered: MPD_STATS, objects: MPD },
        Scalars { group: TARGET_OBJECTS, registered: UNKNOWN_CONTEXTS, objects: CONTEXTS },
        Scalars { group: USM_STATS, registered: USM_STATS, objects: STATS },
    ]
}
