//! An RMON agent across the network, read with GETBULK walks over SNMPv2c (csnmp) or SNMPv3
//! (the project's own USM client, `snmp/usm/client.rs`): another rmonprobe, or a switch's
//! mini-RMON with only some groups.
//!
//! Each reading walks the tables of the groups the agent has (the big ones, hostTable,
//! captureBufferTable, alHostTable, usrHistoryTable and the like, only while a screen shows
//! them), then builds the same [`Snapshot`] an embedded probe gives. Which groups the agent has
//! is asked once, with a GET of a column instance no row can have: an agent that implements the
//! table answers noSuchInstance, one that does not, noSuchObject (RFC 3416).

use std::collections::BTreeMap;
use std::net::{SocketAddr, ToSocketAddrs};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use csnmp::message::BindingValue;
use csnmp::{ObjectIdentifier, ObjectValue, Snmp2cClient, SnmpClientError};

use crate::capture::writer::PcapWriter;
use crate::mib::rmonprobe::mirror::MIRROR_SOURCE_TABLE;
use crate::mib::rmonprobe::tcp_latency::{TCP_LATENCY_PAIR_TABLE, TCP_LATENCY_SERVER_TABLE};
use crate::mib::schema::{Table as Schema, TableVisitor};
use crate::rmon::control::EntryStatus;
use crate::rmon::edit::ControlValue;
use crate::rmon::time::NANOS_PER_TICK;
use crate::rmon::{DataSourceInfo, Interface, RmonTables, Snapshot, Timestamp};
use crate::snmp::ber::tag;
use crate::snmp::message::{ResponsePdu, VarBind};
use crate::snmp::oid::Oid;
use crate::snmp::usm::client::{Client, Credentials, value_of};
use crate::snmp::value::Value;
use crate::tui::source::decode::{Rows, entry_oid};
use crate::tui::source::{Groups, Reading, Source, TopNRequest, Wants, free_top_n_index, top_n_column};

/// A [`Walker`] over SNMPv3: the agent discovered, every request authenticated (and encrypted)
/// as the user.
pub struct Snmp3 {
    client: Client,
}

impl Snmp3 {
    pub fn connect(agent: &str, credentials: &Credentials, timeout: Duration) -> Result<Snmp3, String> {
        let target = resolve(agent)?;
        Client::connect(target, credentials, timeout).map(|client| Snmp3 { client })
    }

    /// A request whose answer must carry no error.
    fn request(&mut self, pdu_tag: u8, second: i64, third: i64, varbinds: &[VarBind]) -> Result<ResponsePdu, String> {
        let pdu = self.client.request(pdu_tag, second, third, varbinds)?;
        if pdu.error_status != 0 {
            return Err(format!("error-status {} at binding {}", pdu.error_status, pdu.error_index));
        }
        Ok(pdu)
    }
}

impl Walker for Snmp3 {
    fn walk(&mut self, prefix: &[u32]) -> Result<Vec<(Vec<u32>, Value)>, String> {
        let mut out = Vec::new();
        let mut cursor = prefix.to_vec();
        loop {
            let from = [VarBind { oid: Oid(cursor.clone()), value: Value::Null }];
            let pdu = self.request(tag::GET_BULK_REQUEST, 0, i64::from(MAX_REPETITIONS), &from)?;
            if pdu.varbinds.is_empty() {
                return Ok(out);
            }
            for vb in pdu.varbinds {
                if vb.value == Value::EndOfMibView || !vb.oid.as_slice().starts_with(prefix) {
                    return Ok(out);
                }
                if vb.oid.as_slice() <= cursor.as_slice() {
                    return Err(format!("OID not increasing: {} after {}", vb.oid, Oid(cursor)));
                }
                cursor = vb.oid.0.clone();
                out.push((vb.oid.0, vb.value));
            }
        }
    }

    fn get(&mut self, oid: &[u32]) -> Result<Value, String> {
        let pdu = self.request(tag::GET_REQUEST, 0, 0, &[VarBind { oid: Oid(oid.to_vec()), value: Value::Null }])?;
        value_of(&pdu).cloned().ok_or_else(|| "an answer without a binding".to_string())
    }

    fn set(&mut self, bindings: &[(Vec<u32>, Value)]) -> Result<(), String> {
        let varbinds: Vec<VarBind> =
            bindings.iter().map(|(oid, value)| VarBind { oid: Oid(oid.clone()), value: value.clone() }).collect();
        self.request(tag::SET_REQUEST, 0, 0, &varbinds).map(|_| ())
    }
}

/// SNMP's standard port.
const SNMP_PORT: u16 = 161;
/// GETBULK max-repetitions: rows of a column per request.
const MAX_REPETITIONS: u32 = 40;

/// How the UI talks to an agent: walks, GETs and SETs. Tests put the agent's core behind it.
pub trait Walker: Send {
    /// Every binding under `prefix`, in OID order.
    fn walk(&mut self, prefix: &[u32]) -> Result<Vec<(Vec<u32>, Value)>, String>;
    /// The value of one instance, or the exception (noSuchObject, noSuchInstance) the agent
    /// answered.
    fn get(&mut self, oid: &[u32]) -> Result<Value, String>;
    /// One SET request of all the bindings.
    fn set(&mut self, bindings: &[(Vec<u32>, Value)]) -> Result<(), String>;
}

/// A [`Walker`] over UDP: csnmp's SNMPv2c client, on a runtime of its own.
pub struct Snmp2c {
    runtime: tokio::runtime::Runtime,
    read: Snmp2cClient,
    write: Option<Snmp2cClient>,
}

impl Snmp2c {
    /// A client of `agent` (HOST or HOST:PORT) with the read community and, for the rows the
    /// UI makes (hostTopN reports), the write community.
    pub fn connect(
        agent: &str,
        community: &str,
        write_community: Option<&str>,
        timeout: Duration,
    ) -> Result<Snmp2c, String> {
        let target = resolve(agent)?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| format!("cannot start the SNMP client's runtime: {e}"))?;
        let client = |community: &str| {
            runtime
                .block_on(Snmp2cClient::new(target, community.as_bytes().to_vec(), None, Some(timeout), 1))
                .map_err(|e| format!("{agent}: {e}"))
        };
        let read = client(community)?;
        let write = write_community.map(client).transpose()?;
        Ok(Snmp2c { runtime, read, write })
    }
}

/// HOST, HOST:PORT, or [v6]:PORT, to a socket address (port 161 when none is given).
fn resolve(agent: &str) -> Result<SocketAddr, String> {
    if let Ok(addr) = agent.parse::<SocketAddr>() {
        return Ok(addr);
    }
    let with_port = if agent.contains(':') { agent.to_string() } else { format!("{agent}:{SNMP_PORT}") };
    with_port
        .to_socket_addrs()
        .map_err(|e| format!("agent {agent}: {e}"))?
        .next()
        .ok_or_else(|| format!("agent {agent}: no address"))
}

fn csnmp_oid(arcs: &[u32]) -> Result<ObjectIdentifier, String> {
    ObjectIdentifier::try_from(arcs).map_err(|e| format!("OID {}: {e}", Oid(arcs.to_vec())))
}

fn from_csnmp(value: ObjectValue) -> Value {
    match value {
        ObjectValue::Integer(i) => Value::Integer(i),
        ObjectValue::String(s) => Value::OctetString(s),
        ObjectValue::ObjectId(oid) => Value::ObjectId(Oid(oid.as_slice().to_vec())),
        ObjectValue::IpAddress(a) => Value::IpAddress(a.octets()),
        ObjectValue::Counter32(v) => Value::Counter32(v),
        ObjectValue::Unsigned32(v) => Value::Gauge32(v),
        ObjectValue::TimeTicks(v) => Value::TimeTicks(v),
        ObjectValue::Opaque(o) => Value::Opaque(o),
        ObjectValue::Counter64(v) => Value::Counter64(v),
    }
}

fn to_csnmp(value: &Value) -> Result<ObjectValue, String> {
    Ok(match value {
        Value::Integer(i) => ObjectValue::Integer(*i),
        Value::OctetString(s) => ObjectValue::String(s.clone()),
        Value::ObjectId(oid) => ObjectValue::ObjectId(csnmp_oid(&oid.0)?),
        Value::Gauge32(v) => ObjectValue::Unsigned32(*v),
        other => return Err(format!("cannot SET a {other:?}")),
    })
}

impl Walker for Snmp2c {
    fn walk(&mut self, prefix: &[u32]) -> Result<Vec<(Vec<u32>, Value)>, String> {
        let top = csnmp_oid(prefix)?;
        let found = match self.runtime.block_on(self.read.walk_bulk(top, MAX_REPETITIONS)) {
            Ok(found) => found,
            // A walk that starts past the agent's last object (an empty table at the end of its
            // MIB, as RMONPROBE-MIB's latency tables are) gets endOfMibView at once: nothing.
            Err(SnmpClientError::PrecedingValue { obtained, .. })
                if obtained.iter().all(|b| b.value == BindingValue::EndOfMibView) =>
            {
                return Ok(Vec::new());
            }
            Err(e) => return Err(e.to_string()),
        };
        Ok(found.into_iter().map(|(oid, value)| (oid.as_slice().to_vec(), from_csnmp(value))).collect())
    }

    fn get(&mut self, oid: &[u32]) -> Result<Value, String> {
        match self.runtime.block_on(self.read.get(csnmp_oid(oid)?)) {
            Ok(value) => Ok(from_csnmp(value)),
            Err(SnmpClientError::FailedBinding { binding }) => match binding.value {
                BindingValue::NoSuchObject => Ok(Value::NoSuchObject),
                BindingValue::NoSuchInstance => Ok(Value::NoSuchInstance),
                BindingValue::EndOfMibView => Ok(Value::EndOfMibView),
                other => Err(format!("unexpected answer {other:?}")),
            },
            Err(e) => Err(e.to_string()),
        }
    }

    fn set(&mut self, bindings: &[(Vec<u32>, Value)]) -> Result<(), String> {
        let Some(write) = &self.write else {
            return Err("no write community: give --write-community to make rows on the agent".into());
        };
        let bindings = bindings
            .iter()
            .map(|(oid, value)| Ok((csnmp_oid(oid)?, to_csnmp(value)?)))
            .collect::<Result<Vec<_>, String>>()?;
        self.runtime.block_on(write.set_multiple(bindings)).map(|_| ()).map_err(|e| e.to_string())
    }
}

/// RMON-MIB's arc: `1.3.6.1.2.1.16`.
const RMON: [u32; 7] = [1, 3, 6, 1, 2, 1, 16];
/// sysUpTime.0.
const SYS_UP_TIME: [u32; 9] = [1, 3, 6, 1, 2, 1, 1, 3, 0];
/// ifEntry (IF-MIB), and ifXEntry's ifName and ifHighSpeed.
const IF_ENTRY: [u32; 9] = [1, 3, 6, 1, 2, 1, 2, 2, 1];
const IF_NAME: [u32; 11] = [1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 1];
const IF_HIGH_SPEED: [u32; 11] = [1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 15];

/// An RMON agent read through a [`Walker`].
pub struct RemoteSource<W> {
    name: String,
    walker: W,
    /// The groups the agent has, once asked.
    groups: Option<Groups>,
    last: Option<Arc<Snapshot>>,
}

impl<W: Walker> RemoteSource<W> {
    pub fn new(name: String, walker: W) -> RemoteSource<W> {
        RemoteSource { name, walker, groups: None, last: None }
    }

    /// Whether the agent has the table whose status (or other) column is `column`: a GET of
    /// instance 0, which no row has.
    fn has(&mut self, group: u32, table: u32, column: u32) -> bool {
        self.has_entry(&entry_oid(group, table), column)
    }

    /// Whether the agent has the table whose entry is `entry` (anywhere: RMONPROBE-MIB's are
    /// under the enterprise arc), asked as [`RemoteSource::has`] does.
    fn has_entry(&mut self, entry: &[u32], column: u32) -> bool {
        let mut oid = entry.to_vec();
        oid.extend([column, 0]);
        !matches!(self.walker.get(&oid), Ok(Value::NoSuchObject) | Err(_))
    }

    fn probe_groups(&mut self) -> Groups {
        Groups {
            statistics: self.has(1, 1, 21),
            history: self.has(2, 1, 7),
            alarm: self.has(3, 1, 12),
            hosts: self.has(4, 1, 6),
            host_top_n: self.has(5, 1, 10),
            matrix: self.has(6, 1, 6),
            filter: self.has(7, 2, 12),
            capture: self.has(8, 1, 13),
            event: self.has(9, 1, 7),
            high_capacity: self.has(1, 7, 2),
            media_independent: self.has(21, 1, 31),
            protocol_dir: self.has(11, 2, 10),
            protocol_dist: self.has(12, 1, 6),
            address_map: self.has(13, 4, 5),
            nl_host: self.has(14, 1, 12),
            nl_matrix: self.has(15, 1, 12),
            al_host: self.has(16, 1, 2),
            al_matrix: self.has(17, 1, 2),
            usr_history: self.has(18, 1, 7),
            tcp_latency: self.has_entry(TCP_LATENCY_SERVER_TABLE.entry, 3),
        }
    }

    fn interfaces(&mut self) -> Result<Vec<Interface>, String> {
        let bindings = self.walker.walk(&IF_ENTRY)?;
        let rows = Rows::from_walk(&IF_ENTRY, &bindings);
        // ifName and ifHighSpeed (Mb/s, where ifSpeed latches at 2^32 - 1) from IF-MIB's
        // ifXTable; an agent without it just has no such rows.
        let names: BTreeMap<Vec<u32>, String> = self
            .walker
            .walk(&IF_NAME)
            .unwrap_or_default()
            .into_iter()
            .filter_map(|(oid, v)| match v {
                Value::OctetString(s) => {
                    Some((oid[IF_NAME.len()..].to_vec(), String::from_utf8_lossy(&s).into_owned()))
                }
                _ => None,
            })
            .collect();
        let high: BTreeMap<Vec<u32>, u64> = self
            .walker
            .walk(&IF_HIGH_SPEED)
            .unwrap_or_default()
            .into_iter()
            .filter_map(|(oid, v)| match v {
                Value::Gauge32(mbps) => Some((oid[IF_HIGH_SPEED.len()..].to_vec(), u64::from(mbps) * 1_000_000)),
                _ => None,
            })
            .collect();
        Ok(rows.read(|r| {
            let if_index = *r.index.first()?;
            let speed = match r.u64(5) {
                s if s >= u64::from(u32::MAX) => high.get(r.index).copied().unwrap_or(s),
                s => s,
            };
            let descr = r.string(2);
            Some(Interface {
                info: DataSourceInfo {
                    if_index,
                    name: names.get(r.index).cloned().unwrap_or_else(|| descr.clone()),
                    descr,
                    if_speed: speed,
                    live: true,
                    phys_address: r.octets(6),
                },
                counters: Default::default(),
                in_discards: 0,
            })
        }))
    }

    /// The tables of the groups the agent has, each decoded from its walk by its schema (the
    /// HC-RMON tables complete the rows of theirs with exact counts); the big ones not wanted
    /// now are kept from the last reading.
    fn read_tables(&mut self, groups: Groups, wants: Wants) -> Result<RmonTables, String> {
        let mut tables = RmonTables::default();
        if let Some(last) = &self.last {
            tables.hosts = last.tables.hosts.clone();
            tables.matrix_sd = last.tables.matrix_sd.clone();
            tables.ether_history = last.tables.ether_history.clone();
            tables.capture_buffer = last.tables.capture_buffer.clone();
            tables.nl_host = last.tables.nl_host.clone();
            tables.address_map = last.tables.address_map.clone();
            tables.nl_matrix_sd = last.tables.nl_matrix_sd.clone();
            tables.al_host = last.tables.al_host.clone();
            tables.al_matrix_sd = last.tables.al_matrix_sd.clone();
            tables.usr_history_control = last.tables.usr_history_control.clone();
            tables.usr_history_object = last.tables.usr_history_object.clone();
            tables.usr_history = last.tables.usr_history.clone();
            tables.tcp_latency_server = last.tables.tcp_latency_server.clone();
            tables.tcp_latency_pair = last.tables.tcp_latency_pair.clone();
        }
        let mut reader = TableReader { walker: &mut self.walker, groups, wants, tables, error: None };
        RmonTables::visit(&mut reader);
        match reader.error {
            Some(e) => Err(e),
            None => Ok(reader.tables),
        }
    }

    fn up_time(&mut self) -> Result<u64, String> {
        match self.walker.get(&SYS_UP_TIME)? {
            Value::TimeTicks(t) => Ok(u64::from(t)),
            other => Err(format!("sysUpTime.0 is {other:?}")),
        }
    }
}

impl<W: Walker> Source for RemoteSource<W> {
    fn title(&self) -> String {
        format!("agent {}", self.name)
    }

    fn read(&mut self, wants: Wants) -> Result<Reading, String> {
        let up_time = self.up_time()?;
        let groups = match self.groups {
            Some(g) => g,
            None => {
                let g = self.probe_groups();
                self.groups = Some(g);
                g
            }
        };
        let interfaces = self.interfaces()?;
        let tables = self.read_tables(groups, wants)?;
        let snapshot =
            Arc::new(Snapshot { at: Timestamp(up_time * NANOS_PER_TICK), start: Timestamp(0), interfaces, tables });
        self.last = Some(Arc::clone(&snapshot));
        let every_table = wants == Wants::ALL;
        Ok(Reading { snapshot, groups, finished: false, every_table })
    }

    fn start_top_n(&mut self, request: &TopNRequest) -> Result<u16, String> {
        let snapshot = match &self.last {
            Some(s) => Arc::clone(s),
            None => self.read(Wants::default())?.snapshot,
        };
        let index = free_top_n_index(&snapshot).ok_or("every hostTopNControlIndex is taken")?;
        let oid = |column: u32| {
            let mut oid = entry_oid(5, 1).to_vec();
            oid.extend([column, u32::from(index)]);
            oid
        };
        let status = |s: EntryStatus| (oid(top_n_column::STATUS), Value::Integer(s.value() as i32));
        self.walker.set(&[status(EntryStatus::CreateRequest)])?;
        let mut bindings: Vec<(Vec<u32>, Value)> = request
            .columns()
            .into_iter()
            .map(|(column, value)| {
                let value = match value {
                    ControlValue::Integer(i) => Value::Integer(i32::try_from(i).unwrap_or(i32::MAX)),
                    ControlValue::OctetString(s) => Value::OctetString(s),
                    ControlValue::ObjectId(o) => Value::ObjectId(Oid(o)),
                };
                (oid(column), value)
            })
            .collect();
        bindings.push(status(EntryStatus::Valid));
        if let Err(e) = self.walker.set(&bindings) {
            let _ = self.walker.set(&[status(EntryStatus::Invalid)]);
            return Err(e);
        }
        Ok(index)
    }

    /// Writes the rows of captureBufferTable as the agent serves them: each packet's download
    /// slice, timed by captureBufferPacketTime after the buffer's turn-on time (on the agent's
    /// sysUpTime, as no wall-clock time is served).
    fn write_buffer(&mut self, index: u16, path: &Path) -> Result<usize, String> {
        let reading = self.read(Wants { capture_packets: true, ..Wants::default() })?;
        let tables = &reading.snapshot.tables;
        let Some(control) = tables.buffer_control.iter().find(|b| b.buffer_control_index == index) else {
            return Err(format!("the agent has no bufferControl row {index}"));
        };
        let turn_on = control.buffer_control_turn_on_time * NANOS_PER_TICK;
        let packets: Vec<_> =
            tables.capture_buffer.iter().filter(|p| p.capture_buffer_control_index == index).collect();
        let io = |e: std::io::Error| format!("{}: {e}", path.display());
        let mut w = PcapWriter::create(path, true, false).map_err(io)?;
        for p in &packets {
            let time = Timestamp(turn_on + p.capture_buffer_packet_time * 1_000_000);
            w.write(time, &p.capture_buffer_packet_data.0, p.capture_buffer_packet_length).map_err(io)?;
        }
        w.finish().map_err(io)?;
        Ok(packets.len())
    }
}

#[cfg(test)]
mod tests;

/// Walks and decodes the tables a reading needs.
struct TableReader<'a, W> {
    walker: &'a mut W,
    groups: Groups,
    wants: Wants,
    tables: RmonTables,
    error: Option<String>,
}

impl<W: Walker> TableReader<'_, W> {
    /// Whether table `table` of RMON group `group` (`1.3.6.1.2.1.16.group.table`) is read now:
    /// the agent has its group, and a big table is shown.
    fn wanted(&self, group: u32, table: u32) -> bool {
        let (g, w) = (&self.groups, &self.wants);
        let hc = g.high_capacity;
        match (group, table) {
            (1, 1) => g.statistics,
            (1, 7) => g.statistics && hc,
            (2, 1) => g.history,
            (2, 2) => g.history && w.history,
            (2, 6) => g.history && w.history && hc,
            (3, 1) => g.alarm,
            (4, 1) => g.hosts,
            (4, 2) => g.hosts && w.hosts,
            (4, 5) => g.hosts && w.hosts && hc,
            (5, 1 | 2) => g.host_top_n,
            (5, 3) => g.host_top_n && hc,
            (6, 1) => g.matrix,
            (6, 2) => g.matrix && w.matrix,
            (6, 5) => g.matrix && w.matrix && hc,
            (7, 1 | 2) => g.filter,
            (8, 1) => g.capture,
            (8, 2) => g.capture && w.capture_packets,
            (8, 3) => g.capture && w.capture_packets && hc,
            (9, 1 | 2) => g.event,
            (21, 1) => g.media_independent,
            (11, 2) => g.protocol_dir,
            (12, 1 | 2) => g.protocol_dist,
            (12, 3) => g.protocol_dist && hc,
            (13, 4) => g.address_map,
            (13, 5) => g.address_map && w.ip_hosts,
            (14, 1) => g.nl_host,
            (14, 2) => g.nl_host && w.ip_hosts,
            (14, 3) => g.nl_host && w.ip_hosts && hc,
            (15, 1) => g.nl_matrix,
            (15, 2) => g.nl_matrix && w.ip_matrix,
            (15, 6) => g.nl_matrix && w.ip_matrix && hc,
            (15, 4 | 5) => g.nl_matrix,
            (15, 8) => g.nl_matrix && hc,
            (16, 1) => g.al_host && w.applications,
            (16, 2) => g.al_host && w.applications && hc,
            (17, 1) => g.al_matrix && w.applications,
            (17, 5) => g.al_matrix && w.applications && hc,
            (17, 3 | 4) => g.al_matrix,
            (17, 7) => g.al_matrix && hc,
            // The user history's control and object rows are read with its buckets: only the
            // User history screen shows them. The HC view carries a magnitude past Gauge32.
            (18, 1..=3) => g.usr_history && w.usr_history,
            (18, 4) => g.usr_history && w.usr_history && hc,
            // hostTimeTable and matrixDSTable (nlMatrixDSTable, alMatrixDSTable) hold what
            // hostTable and matrixSDTable (nlMatrixSDTable, alMatrixSDTable) do.
            _ => false,
        }
    }

    /// Whether a table outside RMON-MIB's arc is read now: RMONPROBE-MIB's latency tables, a
    /// row per server and per client, while the Latency screen shows them; its mirror counts,
    /// a row per data source, always (an agent without them answers one request with none).
    fn wanted_elsewhere(&self, entry: &[u32]) -> bool {
        let latency = entry == TCP_LATENCY_SERVER_TABLE.entry || entry == TCP_LATENCY_PAIR_TABLE.entry;
        (latency && self.groups.tcp_latency && self.wants.latency) || entry == MIRROR_SOURCE_TABLE.entry
    }
}

impl<W: Walker> TableVisitor<RmonTables> for TableReader<'_, W> {
    fn table<E: 'static + Send + Sync>(
        &mut self,
        table: &'static Schema<E>,
        _: fn(&RmonTables) -> &[E],
        rows_mut: fn(&mut RmonTables) -> &mut Vec<E>,
        new: fn() -> E,
    ) {
        // RMON-MIB's tables by group and table number (`1.3.6.1.2.1.16.group.table`), others
        // by their entry.
        let wanted = match table.entry.strip_prefix(&RMON[..]) {
            Some([group, number, ..]) => self.wanted(*group, *number),
            _ => self.wanted_elsewhere(table.entry),
        };
        if self.error.is_some() || !wanted {
            return;
        }
        match self.walker.walk(table.entry) {
            Ok(bindings) => {
                let rows = rows_mut(&mut self.tables);
                if !table.view {
                    rows.clear();
                }
                table.decode(&bindings, rows, new);
            }
            Err(e) => self.error = Some(e),
        }
    }
}
