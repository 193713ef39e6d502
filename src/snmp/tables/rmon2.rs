//! RMON2-MIB's scalars: protocolDirLastChange, the addressMap counters, and from probeConfig
//! the read-only objects a manager reads first (probeCapabilities, probeSoftwareRev,
//! probeHardwareRev, probeDateTime), with HC-RMON's hcRMONCapabilities beside them. The RMON2
//! tables are served from their schemas like every other table (`rmon.rs`).

use std::time::{SystemTime, UNIX_EPOCH};

use crate::mib::rmon2::probe_config::{PROBE_CONFIG, bits, capability, date_time};
use crate::snmp::mib::{Scalar, Scalars, counter32, time_ticks};
use crate::snmp::value::Value;

const PROTOCOL_DIR: &[u32] = &[1, 3, 6, 1, 2, 1, 16, 11];
const ADDRESS_MAP: &[u32] = &[1, 3, 6, 1, 2, 1, 16, 13];

/// The groups of RMON-MIB and RMON2-MIB this probe implements (probeCapabilities).
const CAPABILITIES: &[u32] = &[
    capability::ETHER_STATS,
    capability::HISTORY_CONTROL,
    capability::ETHER_HISTORY,
    capability::ALARM,
    capability::HOSTS,
    capability::HOST_TOP_N,
    capability::MATRIX,
    capability::FILTER,
    capability::CAPTURE,
    capability::EVENT,
    capability::PROTOCOL_DIRECTORY,
    capability::PROTOCOL_DISTRIBUTION,
    capability::ADDRESS_MAPPING,
    capability::NL_HOST,
    capability::NL_MATRIX,
    capability::AL_HOST,
    capability::AL_MATRIX,
    capability::USR_HISTORY,
    capability::PROBE_CONFIG,
];

/// hcRMONCapabilities (HC-RMON-MIB): mediaIndependentGroup(0) .. captureBufferHighCapacityGroup(6),
/// protocolDistributionHighCapacityGroup(7), nlHostHighCapacityGroup(8),
/// nlMatrixHighCapacityGroup(9), nlMatrixTopNHighCapacityGroup(10), alHostHighCapacityGroup(11),
/// alMatrixHighCapacityGroup(12), alMatrixTopNHighCapacityGroup(13), usrHistoryHighCapacityGroup(14):
/// every group.
const HC_CAPABILITIES: &[u32] = &[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14];

/// protocolDirLastChange (1.3.6.1.2.1.16.11.1).
pub fn protocol_dir_last_change() -> Scalars {
    const OBJECTS: &[Scalar] =
        &[Scalar { sub_id: 1, read: |c| time_ticks(c.snapshot.tables.scalars.protocol_dir_last_change), write: None }];
    Scalars { group: PROTOCOL_DIR, registered: &[1, 3, 6, 1, 2, 1, 16, 11, 1], objects: OBJECTS }
}

/// addressMapInserts, addressMapDeletes, addressMapMaxDesiredEntries (1.3.6.1.2.1.16.13.1-3),
/// one node each beside the group's tables.
pub fn address_map_scalars() -> [Scalars; 3] {
    const INSERTS: &[Scalar] =
        &[Scalar { sub_id: 1, read: |c| counter32(c.snapshot.tables.scalars.address_map_inserts), write: None }];
    const DELETES: &[Scalar] =
        &[Scalar { sub_id: 2, read: |c| counter32(c.snapshot.tables.scalars.address_map_deletes), write: None }];
    const MAX_DESIRED: &[Scalar] = &[Scalar {
        sub_id: 3,
        read: |c| {
            let n = c.snapshot.tables.scalars.address_map_max_desired_entries;
            Value::Integer(i32::try_from(n).unwrap_or(i32::MAX))
        },
        write: None,
    }];
    [
        Scalars { group: ADDRESS_MAP, registered: &[1, 3, 6, 1, 2, 1, 16, 13, 1], objects: INSERTS },
        Scalars { group: ADDRESS_MAP, registered: &[1, 3, 6, 1, 2, 1, 16, 13, 2], objects: DELETES },
        Scalars { group: ADDRESS_MAP, registered: &[1, 3, 6, 1, 2, 1, 16, 13, 3], objects: MAX_DESIRED },
    ]
}

/// probeConfig's read-only identification (1.3.6.1.2.1.16.19.1-4) and hcRMONCapabilities (.16).
pub fn probe_config() -> Scalars {
    const OBJECTS: &[Scalar] = &[
        Scalar { sub_id: 1, read: |_| Value::OctetString(bits(CAPABILITIES)), write: None },
        Scalar {
            sub_id: 2,
            read: |_| Value::OctetString(env!("CARGO_PKG_VERSION").bytes().take(15).collect()),
            write: None,
        },
        Scalar {
            sub_id: 3,
            read: |_| Value::OctetString(std::env::consts::ARCH.bytes().take(31).collect()),
            write: None,
        },
        // The probe's wall clock (UTC): the one object here not on the probe's own clock.
        Scalar {
            sub_id: 4,
            read: |_| {
                let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_nanos());
                Value::OctetString(date_time(nanos))
            },
            write: None,
        },
        Scalar { sub_id: 16, read: |_| Value::OctetString(bits(HC_CAPABILITIES)), write: None },
    ];
    Scalars { group: &PROBE_CONFIG, registered: &PROBE_CONFIG, objects: OBJECTS }
}
