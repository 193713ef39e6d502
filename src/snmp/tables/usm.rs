//! SNMPv3's objects (served when the agent has users): snmpEngine (SNMP-FRAMEWORK-MIB,
//! RFC 3411), snmpMPDStats (SNMP-MPD-MIB, RFC 3412), snmpUnknownContexts (SNMP-TARGET-MIB,
//! RFC 3413), usmStats and usmUserTable (SNMP-USER-BASED-SM-MIB, RFC 3414): what a manager reads
//! to see why its messages were refused, and which users there are.

use crate::snmp::mib::{Context, MibNode, Scalar, Scalars, counter32};
use crate::snmp::oid::Oid;
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

/// usmUserTable (RFC 3414 5): 1.3.6.1.6.3.15.1.2.2.1.
const USM_USER_ENTRY: &[u32] = &[1, 3, 6, 1, 6, 3, 15, 1, 2, 2, 1];
/// usmNoAuthProtocol and usmNoPrivProtocol.
const NO_AUTH: [u32; 10] = [1, 3, 6, 1, 6, 3, 10, 1, 1, 1];
const NO_PRIV: [u32; 10] = [1, 3, 6, 1, 6, 3, 10, 1, 2, 1];

/// The users as usmUserTable shows them: names and protocols, never keys (the KeyChange
/// columns read as empty strings, as RFC 3414 has them), readOnly, active. Users come from the
/// configuration, so the table is read-only.
pub struct UsmUserTable;

impl UsmUserTable {
    /// Every instance, in OID order (column by column, users by index).
    fn instances(ctx: &Context<'_>) -> Vec<(Vec<u32>, Value)> {
        let Some(usm) = ctx.usm else { return Vec::new() };
        let mut users: Vec<(Vec<u32>, &crate::snmp::usm::User)> = usm
            .users
            .iter()
            .map(|user| {
                let mut index = vec![usm.engine_id.len() as u32];
                index.extend(usm.engine_id.iter().map(|&b| u32::from(b)));
                index.push(user.name.len() as u32);
                index.extend(user.name.iter().map(|&b| u32::from(b)));
                (index, user)
            })
            .collect();
        users.sort_by(|a, b| a.0.cmp(&b.0));
        let mut out = Vec::new();
        for column in 3..=13u32 {
            for (index, user) in &users {
                let value = match column {
                    3 => Value::OctetString(user.name.clone()),
                    4 => Value::ObjectId(Oid(vec![0, 0])),
                    5 => Value::ObjectId(Oid(user.auth.as_ref().map_or(NO_AUTH.to_vec(), |(p, _)| p.oid().to_vec()))),
                    8 => {
                        Value::ObjectId(Oid(user.privacy.as_ref().map_or(NO_PRIV.to_vec(), |(p, _)| p.oid().to_vec())))
                    }
                    6 | 7 | 9 | 10 | 11 => Value::OctetString(Vec::new()),
                    12 => Value::Integer(5),
                    _ => Value::Integer(1),
                };
                out.push(([USM_USER_ENTRY, &[column], index].concat(), value));
            }
        }
        out
    }
}

impl MibNode for UsmUserTable {
    fn prefix(&self) -> &'static [u32] {
        USM_USER_ENTRY
    }

    fn get(&self, ctx: &Context<'_>, oid: &[u32]) -> Value {
        let column = oid.get(USM_USER_ENTRY.len()).copied().unwrap_or(0);
        match Self::instances(ctx).into_iter().find(|(o, _)| o == oid) {
            Some((_, value)) => value,
            None if (3..=13).contains(&column) => Value::NoSuchInstance,
            None => Value::NoSuchObject,
        }
    }

    fn next(&self, ctx: &Context<'_>, oid: &[u32]) -> Option<(Vec<u32>, Value)> {
        Self::instances(ctx).into_iter().find(|(o, _)| o.as_slice() > oid)
    }
}
