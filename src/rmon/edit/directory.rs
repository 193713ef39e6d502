//! SET on protocolDirTable (RFC 4502): a manager adds a protocol under one the directory has
//! marked extensible (createAndGo of ether2.ip.tcp.8443), changes what is kept for it
//! (protocolDirHostConfig, MatrixConfig, AddressMapConfig: supportedOn or supportedOff), or
//! removes one (destroy). The directory's rows are named by (protocolDirID,
//! protocolDirParameters), two OCTET STRINGs, so they have this path of their own beside the
//! integer-indexed control tables; a PDU that edits both is still all or none.

use crate::mib::Value;
use crate::mib::rmon2::protocol_dir::{PROTOCOL_DIR_TABLE, ProtocolConfig, protocol_type};
use crate::mib::schema::Field;
use crate::mib::tc::{Owner, RowStatus};
use crate::mib::time::Timestamp;
use crate::rmon::edit::{DirectoryEdit, EditError, RejectedEdit, refused, reject, smi_value};
use crate::rmon::probe::Probe;
use crate::rmon::protocol_dir::{ProtocolDirRow, ProtocolKey, ProtocolRequest, above_ip, layers_of};

/// The (protocolDirID, protocolDirParameters) an instance names, if it is one.
fn key_of(instance: &[u32]) -> Option<ProtocolKey> {
    let mut ids = instance;
    let id = Vec::<u8>::from_index(&mut ids)?;
    let parameters = Vec::<u8>::from_index(&mut ids)?;
    ids.is_empty().then_some((id, parameters))
}

/// A protocol's name for a manager's new row: its parent's, then the last layer's number
/// (`ether2.ip.tcp.8443`).
fn default_descr(probe: &Probe, key: &ProtocolKey) -> String {
    let layers = layers_of(&key.0).unwrap_or_default();
    let parent = parent_key(key).and_then(|p| probe.directory.get(&p).map(|r| r.descr.clone()));
    let last = layers.last().copied().unwrap_or(0);
    match parent {
        Some(p) => format!("{p}.{last}"),
        None => format!("protocol.{last}"),
    }
}

/// The protocol one layer up: the identifier and parameters less their last layer.
fn parent_key(key: &ProtocolKey) -> Option<ProtocolKey> {
    let (id, parameters) = key;
    if id.len() <= 4 || parameters.len() <= 1 {
        return None;
    }
    Some((id[..id.len() - 4].to_vec(), parameters[..parameters.len() - 1].to_vec()))
}

/// Applies one PDU's directory edits to `probe` (a copy the caller keeps only if every edit of
/// the PDU is taken).
pub(super) fn apply(probe: &mut Probe, edits: &[(usize, &DirectoryEdit)], now: Timestamp) -> Result<(), RejectedEdit> {
    // Status edits first (a row is made before its other columns are set), in PDU order.
    let mut ordered: Vec<&(usize, &DirectoryEdit)> = edits.iter().collect();
    ordered.sort_by_key(|(at, e)| (e.column != 10, *at));
    let mut go: Vec<(usize, ProtocolKey)> = Vec::new();
    for &&(at, edit) in &ordered {
        let Some(column) = PROTOCOL_DIR_TABLE.column(edit.column).map(|c| c.info()) else {
            return Err(reject(at, EditError::NotWritable, format!("protocolDirEntry has no column {}", edit.column)));
        };
        let name = column.name;
        let value = smi_value(&column, &edit.value).map_err(|(error, reason)| reject(at, error, reason))?;
        column.check(&value).map_err(|refusal| refused(at, refusal))?;
        let Some(key) = key_of(&edit.instance) else {
            let reason =
                format!("{name}: the index must be protocolDirID then protocolDirParameters, each length-prefixed");
            return Err(reject(at, EditError::NoCreation, reason));
        };
        let int = match &value {
            Value::Integer(v) => i64::from(*v),
            _ => 0,
        };
        let exists = probe.directory.get(&key).is_some();
        match edit.column {
            10 => match RowStatus::from_value(int) {
                Some(RowStatus::CreateAndGo | RowStatus::CreateAndWait) if exists => {
                    return Err(reject(at, EditError::InconsistentValue, format!("{name}: the protocol exists")));
                }
                Some(status @ (RowStatus::CreateAndGo | RowStatus::CreateAndWait)) => {
                    check_new(probe, &key).map_err(|reason| reject(at, EditError::InconsistentValue, reason))?;
                    let row = new_row(probe, &key, RowStatus::NotInService);
                    probe.directory.insert(key.0.clone(), key.1.clone(), row);
                    if status == RowStatus::CreateAndGo {
                        go.push((at, key));
                    }
                }
                Some(RowStatus::Destroy) => {
                    probe.directory.remove(&key);
                }
                Some(status @ (RowStatus::Active | RowStatus::NotInService)) => {
                    let Some(row) = probe.directory.get_mut(&key) else {
                        let reason = format!("{name}: no such protocol; create it with createAndGo(4)");
                        return Err(reject(at, EditError::InconsistentValue, reason));
                    };
                    row.status = status;
                }
                _ => return Err(reject(at, EditError::WrongValue, format!("{name} = {int}"))),
            },
            _ => {
                let Some(row) = probe.directory.get_mut(&key) else {
                    let reason = format!("protocolDirEntry does not exist: create it with {name}'s row's status");
                    return Err(reject(at, EditError::InconsistentName, reason));
                };
                match (edit.column, &value) {
                    (4, Value::OctetString(text)) => {
                        if row.status == RowStatus::Active {
                            let reason = format!("{name} may not change while the protocol is active");
                            return Err(reject(at, EditError::InconsistentValue, reason));
                        }
                        row.descr = String::from_utf8_lossy(text).into_owned();
                    }
                    (6..=8, Value::Integer(_)) => {
                        let Some(wanted) = ProtocolConfig::from_value(int) else {
                            return Err(reject(at, EditError::WrongValue, format!("{name} = {int}")));
                        };
                        let config = match edit.column {
                            6 => &mut row.address_map_config,
                            7 => &mut row.host_config,
                            _ => &mut row.matrix_config,
                        };
                        set_config(config, wanted).map_err(|e| {
                            reject(at, EditError::InconsistentValue, format!("{name}: {e} for the protocol"))
                        })?;
                    }
                    (9, Value::OctetString(text)) => row.owner = Owner(String::from_utf8_lossy(text).into_owned()),
                    _ => return Err(reject(at, EditError::NotWritable, format!("{name} is not writable"))),
                }
            }
        }
        probe.directory.last_change = now;
    }
    for (_, key) in go {
        if let Some(row) = probe.directory.get_mut(&key) {
            row.status = RowStatus::Active;
        }
    }
    Ok(())
}

/// A protocol a manager (or a configuration) adds at `key`, with `status`: extensible, its
/// name made from its parent's, and counted where the probe can count it: above ip or ipv6 (a
/// transport, an application port) the application-layer tables count it (host and matrix
/// supportedOn, as for the built-in applications); elsewhere only protocolDist does.
fn new_row(probe: &Probe, key: &ProtocolKey, status: RowStatus) -> ProtocolDirRow {
    let al = layers_of(&key.0).is_some_and(|layers| above_ip(&layers));
    let config = if al { ProtocolConfig::SupportedOn } else { ProtocolConfig::NotSupported };
    ProtocolDirRow {
        local_index: 0,
        descr: default_descr(probe, key),
        type_bits: protocol_type::EXTENSIBLE,
        address_map_config: ProtocolConfig::NotSupported,
        host_config: config,
        matrix_config: config,
        owner: Owner::default(),
        status,
    }
}

/// Sets a config column to `wanted` if the probe supports it for the protocol: a manager may
/// turn a supported table on or off, never make an unsupported one supported or the reverse.
fn set_config(config: &mut ProtocolConfig, wanted: ProtocolConfig) -> Result<(), String> {
    if (*config == ProtocolConfig::NotSupported) != (wanted == ProtocolConfig::NotSupported) {
        return Err(format!("the probe cannot make it {}", wanted.name()));
    }
    *config = wanted;
    Ok(())
}

/// Applies a protocol a configuration or the state file asks for, at the probe's start: adds
/// it, active, under one the directory has (as createAndGo would), or changes the columns of
/// one it has.
pub(crate) fn configure(probe: &mut Probe, request: &ProtocolRequest) -> Result<(), String> {
    let key = (request.id.clone(), request.parameters.clone());
    if probe.directory.get(&key).is_none() {
        check_new(probe, &key)?;
        let row = new_row(probe, &key, RowStatus::Active);
        probe.directory.insert(key.0.clone(), key.1.clone(), row);
    }
    let Some(row) = probe.directory.get_mut(&key) else { return Err("not in the directory".into()) };
    if let Some(descr) = &request.descr {
        row.descr = descr.clone();
    }
    for (config, wanted, name) in [
        (&mut row.address_map_config, request.address_map_config, "protocolDirAddressMapConfig"),
        (&mut row.host_config, request.host_config, "protocolDirHostConfig"),
        (&mut row.matrix_config, request.matrix_config, "protocolDirMatrixConfig"),
    ] {
        if let Some(wanted) = wanted {
            set_config(config, wanted).map_err(|e| format!("{name}: {e}"))?;
        }
    }
    if let Some(owner) = &request.owner {
        row.owner = owner.clone();
    }
    Ok(())
}

/// Why a protocol may not be added: its identifier and parameters must agree in layers, and
/// the layer above must be in the directory and extensible.
fn check_new(probe: &Probe, key: &ProtocolKey) -> Result<(), String> {
    let Some(layers) = layers_of(&key.0) else {
        return Err("protocolDirID must be four octets per layer".into());
    };
    if key.1.len() != layers.len() {
        return Err(format!("protocolDirParameters must have one octet per layer ({})", layers.len()));
    }
    let Some(parent) = parent_key(key) else {
        return Err("a link layer cannot be added; add a protocol under one the directory has".into());
    };
    match probe.directory.get(&parent) {
        Some(row) if row.type_bits & protocol_type::EXTENSIBLE != 0 => Ok(()),
        Some(row) => Err(format!("{} is not extensible", row.descr)),
        None => Err("the protocol one layer up is not in the directory".into()),
    }
}
