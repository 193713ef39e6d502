//! `[[protocol]]` rows: RMON2's protocol directory as a configuration (or the `--state` file)
//! extends or changes it, keyed by protocolDirTable's column names.
//!
//! A row names its protocol by `protocolDirID`, written either as the JSON report writes it
//! (dotted decimal octets, four per layer: `0.0.0.1.0.0.8.0.0.0.0.6.0.0.32.251`) or by name: a
//! built-in protocol's protocolDirDescr (`ether2.ip.tcp.www-http`), or a built-in parent's and
//! the new layer's number (`ether2.ip.tcp.8443`). A protocol the directory does not have is
//! added, active from the start, as a manager's createAndGo would add it; one it has gets the
//! columns the row gives (its descr, its Host/Matrix/AddressMap config: supportedOn or
//! supportedOff where the probe supports the table, and its owner).

use crate::config::rows::smi_value;
use crate::mib::Value;
use crate::mib::rmon2::protocol_dir::{PROTOCOL_DIR_TABLE, ProtocolConfig};
use crate::mib::schema::{ColumnInfo, Described, Syntax, bytes_text};
use crate::mib::tc::{Octets, Owner};
use crate::rmon::protocol_dir::{Directory, ProtocolRequest, layers_of, protocol_id};

/// The section's name.
pub const SECTION: &str = "protocol";

const ID: &str = "protocolDirID";
const PARAMETERS: &str = "protocolDirParameters";

/// The columns a row may give beside its identifier: protocolDirTable's read-create columns but
/// the status (a configured protocol is active).
fn settable() -> Vec<ColumnInfo> {
    PROTOCOL_DIR_TABLE.column_infos().into_iter().filter(|c| c.writable() && !c.syntax.is_status()).collect()
}

/// Takes the `[[protocol]]` rows out of a parsed file, each checked.
pub fn take_from(doc: &mut toml::Table) -> Result<Vec<ProtocolRequest>, String> {
    let Some(section) = doc.remove(SECTION) else { return Ok(Vec::new()) };
    let wrong = || format!("{SECTION} must be an array of tables: write [[{SECTION}]]");
    let toml::Value::Array(items) = section else { return Err(wrong()) };
    let built_in = Directory::built_in();
    items
        .into_iter()
        .map(|item| match item {
            toml::Value::Table(keys) => read(&built_in, keys),
            _ => Err(wrong()),
        })
        .collect()
}

/// One row: its identifier, then the columns it gives.
fn read(built_in: &Directory, keys: toml::Table) -> Result<ProtocolRequest, String> {
    let columns = settable();
    let known = || {
        let mut names = vec![ID, PARAMETERS];
        names.extend(columns.iter().map(|c| c.name));
        names.join(", ")
    };
    if let Some(key) = keys.keys().find(|k| *k != ID && *k != PARAMETERS && columns.iter().all(|c| c.name != *k)) {
        return Err(format!("[[{SECTION}]]: unknown key `{key}`; a protocol has {}", known()));
    }
    let Some(id) = keys.get(ID).and_then(toml::Value::as_str) else {
        return Err(format!("[[{SECTION}]] without {ID} (a string): every protocol needs its identifier"));
    };
    let (id, named_parameters) = identifier(built_in, id)?;
    let layers = layers_of(&id).map_or(0, |l| l.len());
    let parameters = match keys.get(PARAMETERS) {
        None => named_parameters.unwrap_or_else(|| vec![0; layers]),
        Some(v) => {
            let text = v.as_str().ok_or_else(|| format!("{ID} {}: {PARAMETERS} must be a string", show(&id)))?;
            // Dotted decimal, or hex octets as the JSON report writes them (`00:00:00:00`).
            let octets = dotted_octets(text)
                .or_else(|| text.parse::<Octets>().ok().map(|o| o.0))
                .ok_or_else(|| format!("{PARAMETERS} = {text}: dotted decimal or hex octets"))?;
            if octets.len() != layers {
                return Err(format!("{PARAMETERS} = {text}: one octet per layer ({layers})"));
            }
            octets
        }
    };
    let mut request = ProtocolRequest { id, parameters, ..ProtocolRequest::default() };
    for column in &columns {
        let Some(value) = keys.get(column.name) else { continue };
        let name = request.name();
        let smi = smi_value(column, value).map_err(|e| format!("protocol {name}: {e}"))?;
        column.check(&smi).map_err(|refusal| format!("protocol {name}: {}", refusal.reason()))?;
        let text = || match &smi {
            Value::OctetString(o) => String::from_utf8_lossy(o).into_owned(),
            _ => String::new(),
        };
        let config = || match smi {
            Value::Integer(v) => ProtocolConfig::from_value(i64::from(v)),
            _ => None,
        };
        match column.name {
            "protocolDirDescr" => request.descr = Some(text()),
            "protocolDirAddressMapConfig" => request.address_map_config = config(),
            "protocolDirHostConfig" => request.host_config = config(),
            "protocolDirMatrixConfig" => request.matrix_config = config(),
            "protocolDirOwner" => request.owner = Some(Owner(text())),
            _ => {}
        }
    }
    Ok(request)
}

/// A protocolDirID as a file writes it: dotted octets, a built-in protocol's descr, or a
/// built-in parent's descr and the new layer's number. With a descr, its parameters too.
fn identifier(built_in: &Directory, text: &str) -> Result<(Vec<u8>, Option<Vec<u8>>), String> {
    if let Some(octets) = dotted_octets(text) {
        return match layers_of(&octets) {
            Some(_) => Ok((octets, None)),
            None => Err(format!("{ID} = {text}: four octets per layer")),
        };
    }
    if let Some((id, parameters)) = built_in.id_of(text) {
        return Ok((id.clone(), Some(parameters.clone())));
    }
    let unknown = || {
        format!(
            "{ID} = {text}: neither dotted octets (0.0.0.1.0.0.8.0 ...) nor a built-in protocol's name and a number (ether2.ip.tcp.8443)"
        )
    };
    let (parent, last) = text.rsplit_once('.').ok_or_else(unknown)?;
    let number: u32 = last.parse().map_err(|_| unknown())?;
    let (parent_id, _) = built_in.id_of(parent).ok_or_else(unknown)?;
    let mut layers = layers_of(parent_id).unwrap_or_default();
    layers.push(number);
    Ok((protocol_id(&layers), None))
}

/// Dotted decimal octets (`0.0.8.0`), if `text` is that.
fn dotted_octets(text: &str) -> Option<Vec<u8>> {
    text.split('.').map(|part| part.parse::<u8>().ok()).collect()
}

/// Octets as a file writes an identifier or parameters: dotted decimal.
fn show(octets: &[u8]) -> String {
    bytes_text(Syntax::ProtocolId, octets)
}

/// Adds `protocols` to a file being written as `[[protocol]]` rows: the identifier and the
/// parameters as dotted octets, then the columns the row changes.
pub fn write_to(protocols: &[ProtocolRequest], doc: &mut toml::Table) {
    if protocols.is_empty() {
        return;
    }
    let rows = protocols
        .iter()
        .map(|p| {
            let mut keys = toml::Table::new();
            keys.insert(ID.into(), show(&p.id).into());
            keys.insert(PARAMETERS.into(), show(&p.parameters).into());
            if let Some(descr) = &p.descr {
                keys.insert("protocolDirDescr".into(), descr.clone().into());
            }
            for (name, config) in [
                ("protocolDirAddressMapConfig", p.address_map_config),
                ("protocolDirHostConfig", p.host_config),
                ("protocolDirMatrixConfig", p.matrix_config),
            ] {
                if let Some(config) = config {
                    keys.insert(name.into(), config.name().into());
                }
            }
            if let Some(owner) = &p.owner {
                keys.insert("protocolDirOwner".into(), owner.0.clone().into());
            }
            toml::Value::Table(keys)
        })
        .collect();
    doc.insert(SECTION.into(), toml::Value::Array(rows));
}
