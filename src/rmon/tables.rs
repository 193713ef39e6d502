//! [`RmonTables`]: every table of the groups implemented as a manager reads them, each in its
//! MIB index order, and the one list that ties each to its schema in `mib/`.
//!
//! The JSON report, the SNMP agent's registry and the terminal UI's remote decoder all walk
//! [`RmonTables::visit`], so a table added here (with its schema) is served, reported and
//! decoded. The HC-RMON tables are views over the same rows: the 64-bit counts the RMON-1 rows
//! already hold, so they cost the counting nothing.

use std::fmt::Write as _;

use serde::ser::{Error as _, SerializeMap};
use serde::{Serialize, Serializer};

use crate::mib::Value;
use crate::mib::hcrmon;
use crate::mib::media_independent::{MEDIA_INDEPENDENT_TABLE, MediaIndependentEntry};
use crate::mib::ordered::Piece;
use crate::mib::rmon1::alarm::{ALARM_TABLE, AlarmEntry};
use crate::mib::rmon1::capture::{BUFFER_CONTROL_TABLE, BufferControlEntry, CAPTURE_BUFFER_TABLE, CaptureBufferEntry};
use crate::mib::rmon1::event::{EVENT_TABLE, EventEntry, LOG_TABLE, LogEntry};
use crate::mib::rmon1::filter::{CHANNEL_TABLE, ChannelEntry, FILTER_TABLE, FilterEntry};
use crate::mib::rmon1::history::{ETHER_HISTORY_TABLE, EtherHistoryEntry, HISTORY_CONTROL_TABLE, HistoryControlEntry};
use crate::mib::rmon1::hosts::{
    HOST_CONTROL_TABLE, HOST_TABLE, HOST_TIME_TABLE, HostControlEntry, HostEntry, HostTimeEntry,
};
use crate::mib::rmon1::matrix::{
    MATRIX_CONTROL_TABLE, MATRIX_DS_TABLE, MATRIX_SD_TABLE, MatrixControlEntry, MatrixDsEntry, MatrixSdEntry,
};
use crate::mib::rmon1::statistics::{ETHER_STATS_TABLE, EtherStatsEntry};
use crate::mib::rmon1::topn::{HOST_TOP_N_CONTROL_TABLE, HOST_TOP_N_TABLE, HostTopNControlEntry, HostTopNEntry};
use crate::mib::rmon2::address_map::{
    ADDRESS_MAP_CONTROL_TABLE, ADDRESS_MAP_TABLE, AddressMapControlEntry, AddressMapEntry,
};
use crate::mib::rmon2::al_host::{AL_HOST_HIGH_CAPACITY_TABLE, AL_HOST_TABLE, AlHostEntry};
use crate::mib::rmon2::al_matrix::{
    AL_MATRIX_DS_HIGH_CAPACITY_TABLE, AL_MATRIX_DS_TABLE, AL_MATRIX_SD_HIGH_CAPACITY_TABLE, AL_MATRIX_SD_TABLE,
    AlMatrixDsEntry, AlMatrixSdEntry,
};
use crate::mib::rmon2::al_matrix_top_n::{
    AL_MATRIX_TOP_N_CONTROL_TABLE, AL_MATRIX_TOP_N_HIGH_CAPACITY_TABLE, AL_MATRIX_TOP_N_TABLE,
    AlMatrixTopNControlEntry, AlMatrixTopNEntry,
};
use crate::mib::rmon2::nl_host::{
    HL_HOST_CONTROL_TABLE, HlHostControlEntry, NL_HOST_HIGH_CAPACITY_TABLE, NL_HOST_TABLE, NlHostEntry,
};
use crate::mib::rmon2::nl_matrix::{
    HL_MATRIX_CONTROL_TABLE, HlMatrixControlEntry, NL_MATRIX_DS_HIGH_CAPACITY_TABLE, NL_MATRIX_DS_TABLE,
    NL_MATRIX_SD_HIGH_CAPACITY_TABLE, NL_MATRIX_SD_TABLE, NlMatrixDsEntry, NlMatrixSdEntry,
};
use crate::mib::rmon2::nl_matrix_top_n::{
    NL_MATRIX_TOP_N_CONTROL_TABLE, NL_MATRIX_TOP_N_HIGH_CAPACITY_TABLE, NL_MATRIX_TOP_N_TABLE,
    NlMatrixTopNControlEntry, NlMatrixTopNEntry,
};
use crate::mib::rmon2::protocol_dir::{PROTOCOL_DIR_TABLE, ProtocolDirEntry};
use crate::mib::rmon2::protocol_dist::{
    PROTOCOL_DIST_CONTROL_TABLE, PROTOCOL_DIST_STATS_HIGH_CAPACITY_TABLE, PROTOCOL_DIST_STATS_TABLE,
    ProtocolDistControlEntry, ProtocolDistStatsEntry,
};
use crate::mib::rmon2::rmon1_additions;
use crate::mib::rmon2::usr_history::{
    USR_HISTORY_CONTROL_TABLE, USR_HISTORY_HIGH_CAPACITY_TABLE, USR_HISTORY_OBJECT_TABLE, USR_HISTORY_TABLE,
    UsrHistoryControlEntry, UsrHistoryEntry, UsrHistoryObjectEntry,
};
use crate::mib::rmonprobe::mirror::{MIRROR_SOURCE_TABLE, MirrorSourceEntry};
use crate::mib::rmonprobe::tcp_latency::{
    TCP_LATENCY_PAIR_TABLE, TCP_LATENCY_SERVER_TABLE, TcpLatencyPairEntry, TcpLatencyServerEntry,
};
use crate::mib::schema::{Rows, Table, TableVisitor, write_json_row_list};
pub use crate::rmon::rmon2_read::Rmon2Scalars;

/// Declares [`RmonTables`] with one field per table and [`RmonTables::visit`] over them and
/// over the views of their rows.
macro_rules! rmon_tables {
    (
        tables { $( $field:ident: $entry:ty = $schema:expr, )+ }
        views { $( $vfield:ident = $vschema:expr, )* }
    ) => {
        /// Every table of the groups implemented, as a manager would read them, each in its MIB
        /// index order.
        #[derive(Clone, Debug, Default, PartialEq, Eq)]
        pub struct RmonTables {
            $( pub $field: Vec<$entry>, )+
            /// RMON2's objects that are not tables.
            pub scalars: Rmon2Scalars,
        }

        impl RmonTables {
            /// Visits every table, RMON-1's in MIB order and then the HC-RMON views, with the
            /// accessors of its rows.
            pub fn visit<V: TableVisitor<RmonTables>>(visitor: &mut V) {
                $( visitor.table(&$schema, |t: &RmonTables| &t.$field, |t: &mut RmonTables| &mut t.$field, <$entry>::default); )+
                $( visitor.table(&$vschema, |t: &RmonTables| &t.$vfield, |t: &mut RmonTables| &mut t.$vfield, Default::default); )*
            }
        }
    };
}

rmon_tables! {
    tables {
        ether_stats: EtherStatsEntry = ETHER_STATS_TABLE,
        history_control: HistoryControlEntry = HISTORY_CONTROL_TABLE,
        ether_history: EtherHistoryEntry = ETHER_HISTORY_TABLE,
        host_control: HostControlEntry = HOST_CONTROL_TABLE,
        hosts: HostEntry = HOST_TABLE,
        host_time: HostTimeEntry = HOST_TIME_TABLE,
        host_top_n_control: HostTopNControlEntry = HOST_TOP_N_CONTROL_TABLE,
        host_top_n: HostTopNEntry = HOST_TOP_N_TABLE,
        matrix_control: MatrixControlEntry = MATRIX_CONTROL_TABLE,
        matrix_sd: MatrixSdEntry = MATRIX_SD_TABLE,
        matrix_ds: MatrixDsEntry = MATRIX_DS_TABLE,
        filters: FilterEntry = FILTER_TABLE,
        channels: ChannelEntry = CHANNEL_TABLE,
        buffer_control: BufferControlEntry = BUFFER_CONTROL_TABLE,
        capture_buffer: CaptureBufferEntry = CAPTURE_BUFFER_TABLE,
        alarm: AlarmEntry = ALARM_TABLE,
        event: EventEntry = EVENT_TABLE,
        log: LogEntry = LOG_TABLE,
        media_independent: MediaIndependentEntry = MEDIA_INDEPENDENT_TABLE,
        protocol_dir: ProtocolDirEntry = PROTOCOL_DIR_TABLE,
        protocol_dist_control: ProtocolDistControlEntry = PROTOCOL_DIST_CONTROL_TABLE,
        protocol_dist_stats: ProtocolDistStatsEntry = PROTOCOL_DIST_STATS_TABLE,
        address_map_control: AddressMapControlEntry = ADDRESS_MAP_CONTROL_TABLE,
        address_map: AddressMapEntry = ADDRESS_MAP_TABLE,
        hl_host_control: HlHostControlEntry = HL_HOST_CONTROL_TABLE,
        nl_host: NlHostEntry = NL_HOST_TABLE,
        hl_matrix_control: HlMatrixControlEntry = HL_MATRIX_CONTROL_TABLE,
        nl_matrix_sd: NlMatrixSdEntry = NL_MATRIX_SD_TABLE,
        nl_matrix_ds: NlMatrixDsEntry = NL_MATRIX_DS_TABLE,
        nl_matrix_top_n_control: NlMatrixTopNControlEntry = NL_MATRIX_TOP_N_CONTROL_TABLE,
        nl_matrix_top_n: NlMatrixTopNEntry = NL_MATRIX_TOP_N_TABLE,
        al_host: AlHostEntry = AL_HOST_TABLE,
        al_matrix_sd: AlMatrixSdEntry = AL_MATRIX_SD_TABLE,
        al_matrix_ds: AlMatrixDsEntry = AL_MATRIX_DS_TABLE,
        al_matrix_top_n_control: AlMatrixTopNControlEntry = AL_MATRIX_TOP_N_CONTROL_TABLE,
        al_matrix_top_n: AlMatrixTopNEntry = AL_MATRIX_TOP_N_TABLE,
        usr_history_control: UsrHistoryControlEntry = USR_HISTORY_CONTROL_TABLE,
        usr_history_object: UsrHistoryObjectEntry = USR_HISTORY_OBJECT_TABLE,
        usr_history: UsrHistoryEntry = USR_HISTORY_TABLE,
        tcp_latency_server: TcpLatencyServerEntry = TCP_LATENCY_SERVER_TABLE,
        tcp_latency_pair: TcpLatencyPairEntry = TCP_LATENCY_PAIR_TABLE,
        mirror_source: MirrorSourceEntry = MIRROR_SOURCE_TABLE,
    }
    views {
        ether_stats = hcrmon::ETHER_STATS_HIGH_CAPACITY_TABLE,
        ether_history = hcrmon::ETHER_HISTORY_HIGH_CAPACITY_TABLE,
        hosts = hcrmon::HOST_HIGH_CAPACITY_TABLE,
        host_time = hcrmon::HOST_TIME_HIGH_CAPACITY_TABLE,
        host_top_n = hcrmon::HOST_TOP_N_HIGH_CAPACITY_TABLE,
        matrix_sd = hcrmon::MATRIX_SD_HIGH_CAPACITY_TABLE,
        matrix_ds = hcrmon::MATRIX_DS_HIGH_CAPACITY_TABLE,
        capture_buffer = hcrmon::CAPTURE_BUFFER_HIGH_CAPACITY_TABLE,
        protocol_dist_stats = PROTOCOL_DIST_STATS_HIGH_CAPACITY_TABLE,
        nl_host = NL_HOST_HIGH_CAPACITY_TABLE,
        nl_matrix_sd = NL_MATRIX_SD_HIGH_CAPACITY_TABLE,
        nl_matrix_ds = NL_MATRIX_DS_HIGH_CAPACITY_TABLE,
        nl_matrix_top_n = NL_MATRIX_TOP_N_HIGH_CAPACITY_TABLE,
        al_host = AL_HOST_HIGH_CAPACITY_TABLE,
        al_matrix_sd = AL_MATRIX_SD_HIGH_CAPACITY_TABLE,
        al_matrix_ds = AL_MATRIX_DS_HIGH_CAPACITY_TABLE,
        al_matrix_top_n = AL_MATRIX_TOP_N_HIGH_CAPACITY_TABLE,
        usr_history = USR_HISTORY_HIGH_CAPACITY_TABLE,
        ether_stats = rmon1_additions::ETHER_STATS_2_TABLE,
        history_control = rmon1_additions::HISTORY_CONTROL_2_TABLE,
        host_control = rmon1_additions::HOST_CONTROL_2_TABLE,
        matrix_control = rmon1_additions::MATRIX_CONTROL_2_TABLE,
    }
}

/// Writes each table under its MIB name (`etherStatsTable`), rows keyed by column names.
struct JsonTables<'a, M: SerializeMap> {
    tables: &'a RmonTables,
    map: &'a mut M,
    error: Option<M::Error>,
}

impl<M: SerializeMap> TableVisitor<RmonTables> for JsonTables<'_, M> {
    fn table<E: 'static + Send + Sync>(
        &mut self,
        table: &'static Table<E>,
        rows: fn(&RmonTables) -> &[E],
        _: fn(&mut RmonTables) -> &mut Vec<E>,
        _: fn() -> E,
    ) {
        if self.error.is_none()
            && let Err(e) = self.map.serialize_entry(table.name, &Rows { table, rows: rows(self.tables) })
        {
            self.error = Some(e);
        }
    }
}

impl Serialize for RmonTables {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(None)?;
        let mut json = JsonTables { tables: self, map: &mut map, error: None };
        RmonTables::visit(&mut json);
        if let Some(e) = json.error {
            return Err(S::Error::custom(e));
        }
        map.end()
    }
}

impl RmonTables {
    /// The value of one object instance of these tables, as an agent would serve it: the port
    /// through which an alarm reads its variable when no SNMP agent runs (an agent answers for
    /// every object it serves instead). None: no such object or instance.
    pub fn get(&self, oid: &[u32]) -> Option<Value> {
        let mut lookup = Lookup { tables: self, oid, found: None };
        RmonTables::visit(&mut lookup);
        lookup.found
    }
}

impl RmonTables {
    /// The MIB name of an object instance of these tables, as a network engineer writes it:
    /// `etherStatsPkts.1` for 1.3.6.1.2.1.16.1.1.1.5.1, the column's name and the instance's
    /// index (any table's, from its schema: `hostControlTableSize.1`,
    /// `etherStatsHighCapacityPkts.1`). None: not a column of these tables.
    pub fn object_name(oid: &[u32]) -> Option<String> {
        let mut naming = Naming { oid, found: None };
        RmonTables::visit(&mut naming);
        naming.found
    }
}

/// Names one instance by its table's schema.
struct Naming<'a> {
    oid: &'a [u32],
    found: Option<String>,
}

impl TableVisitor<RmonTables> for Naming<'_> {
    fn table<E: 'static + Send + Sync>(
        &mut self,
        table: &'static Table<E>,
        _: fn(&RmonTables) -> &[E],
        _: fn(&mut RmonTables) -> &mut Vec<E>,
        _: fn() -> E,
    ) {
        if self.found.is_some() {
            return;
        }
        let Some((column, index)) = table.instance(self.oid) else { return };
        let mut name = column.name.to_string();
        for id in index {
            let _ = write!(name, ".{id}");
        }
        self.found = Some(name);
    }
}

/// Finds one instance by its OID.
struct Lookup<'a> {
    tables: &'a RmonTables,
    oid: &'a [u32],
    found: Option<Value>,
}

impl TableVisitor<RmonTables> for Lookup<'_> {
    fn table<E: 'static + Send + Sync>(
        &mut self,
        table: &'static Table<E>,
        rows: fn(&RmonTables) -> &[E],
        _: fn(&mut RmonTables) -> &mut Vec<E>,
        _: fn() -> E,
    ) {
        if self.found.is_some() {
            return;
        }
        let Some((column, index)) = table.instance(self.oid).filter(|(c, _)| c.accessible()) else { return };
        let mut key = Vec::with_capacity(16);
        let rows = rows(self.tables);
        let at = rows.binary_search_by(|row| {
            key.clear();
            table.instance_index(row, &mut key);
            key.as_slice().cmp(index)
        });
        self.found = at.ok().and_then(|at| column.value(&rows[at]));
    }
}

impl RmonTables {
    /// Writes every table as the report's JSON members, `"etherStatsTable":[...]`, each
    /// preceded by a comma: what [`Serialize`] writes, faster (see
    /// [`write_json_rows`](crate::mib::schema::write_json_rows)), and for a large report
    /// rendered on every core in slices of [`JSON_SLICE_ROWS`] rows (`mib/ordered.rs`).
    pub fn write_json_members<W: std::io::Write>(&self, out: &mut W) -> std::io::Result<()> {
        let mut pieces = JsonPieces { tables: self, pieces: Vec::new(), rows: 0 };
        RmonTables::visit(&mut pieces);
        let threads = crate::mib::ordered::threads_for(pieces.rows);
        crate::mib::ordered::write_in_order(&pieces.pieces, threads, out)
    }
}

/// Rows of one table rendered as one piece of the JSON report: about a megabyte of text.
pub const JSON_SLICE_ROWS: usize = 4096;

/// Cuts the report into pieces: each table's member name and opening bracket with its first
/// slice of rows, then its further slices, the last one closing the array.
struct JsonPieces<'a> {
    tables: &'a RmonTables,
    pieces: Vec<Piece<'a>>,
    rows: usize,
}

impl<'a> TableVisitor<RmonTables> for JsonPieces<'a> {
    fn table<E: 'static + Send + Sync>(
        &mut self,
        table: &'static Table<E>,
        rows: fn(&RmonTables) -> &[E],
        _: fn(&mut RmonTables) -> &mut Vec<E>,
        _: fn() -> E,
    ) {
        let rows: &'a [E] = rows(self.tables);
        self.rows += rows.len();
        // An empty table is one empty slice: its name and brackets are still written.
        let slices: Vec<&'a [E]> = if rows.is_empty() { vec![rows] } else { rows.chunks(JSON_SLICE_ROWS).collect() };
        let count = slices.len();
        for (n, slice) in slices.into_iter().enumerate() {
            let last = n + 1 == count;
            self.pieces.push(Box::new(move |out: &mut Vec<u8>| {
                if n == 0 {
                    out.extend_from_slice(b",\"");
                    out.extend_from_slice(table.name.as_bytes());
                    out.extend_from_slice(b"\":[");
                }
                write_json_row_list(table, slice, n > 0, out)?;
                if last {
                    out.push(b']');
                }
                Ok(())
            }));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mib::rmon1::alarm::SampleType;
    use crate::mib::rmon1::topn::RateBase;
    use crate::mib::tc::{DataSource, EntryStatus, MacAddr, Octets, Owner};
    use crate::mib::{Oid, Value};

    /// Rows with every kind of cell: counts past 2^32, text that needs escaping, octets that
    /// are not text, an OID, a data source, enumerations, an absent column.
    fn tables() -> RmonTables {
        let mut t = RmonTables::default();
        t.ether_stats.push(EtherStatsEntry {
            ether_stats_index: 1,
            ether_stats_data_source: DataSource(1),
            ether_stats_octets: 4_554_000_000,
            ether_stats_owner: Owner("quote \" and \\ and\nnewline".into()),
            ether_stats_status: EntryStatus::Valid,
            ..Default::default()
        });
        t.hosts.push(HostEntry {
            host_address: MacAddr([2, 0, 0, 0, 0, 1]),
            host_index: 1,
            host_out_octets: u64::MAX,
            ..Default::default()
        });
        t.host_top_n_control.push(HostTopNControlEntry {
            host_top_n_control_index: 2,
            host_top_n_host_index: None,
            host_top_n_rate_base: Some(RateBase::OutOctets),
            host_top_n_status: EntryStatus::UnderCreation,
            ..Default::default()
        });
        t.alarm.push(AlarmEntry {
            alarm_index: 3,
            alarm_variable: Oid(vec![1, 3, 6, 1, 2, 1, 16, 1, 1, 1, 5, 1]),
            alarm_sample_type: SampleType::DeltaValue,
            alarm_value: -5,
            ..Default::default()
        });
        t.event.push(EventEntry { event_index: 4, event_community: vec![0xff, b'p'], ..Default::default() });
        t.filters.push(FilterEntry { filter_index: 5, filter_pkt_data: Octets(vec![8, 0]), ..Default::default() });
        t
    }

    #[test]
    fn the_fast_writer_writes_what_serde_does() {
        let t = tables();
        let mut fast = b"{\"x\":0".to_vec();
        t.write_json_members(&mut fast).unwrap();
        fast.push(b'}');
        let fast: serde_json::Value = serde_json::from_slice(&fast).expect("valid JSON");
        let mut slow = serde_json::to_value(&t).unwrap();
        slow["x"] = 0.into();
        assert_eq!(fast, slow);
        assert_eq!(fast["hostHighCapacityTable"][0]["hostHighCapacityOutOctets"], u64::MAX);
        assert_eq!(fast["hostHighCapacityTable"][0]["hostAddress"], "02:00:00:00:00:01");
        assert_eq!(fast["etherStatsHighCapacityTable"][0]["etherStatsHighCapacityOverflowOctets"], 1);
        assert!(fast["hostTopNControlTable"][0].get("hostTopNHostIndex").is_none(), "absent: left out");
        assert_eq!(fast["hostTopNControlTable"][0]["hostTopNRateBase"], "hostTopNOutOctets");
    }

    #[test]
    fn get_reads_one_instance_as_an_agent_serves_it() {
        let t = tables();
        assert_eq!(t.get(&[1, 3, 6, 1, 2, 1, 16, 1, 1, 1, 4, 1]), Some(Value::Counter32(259_032_704)));
        assert_eq!(t.get(&[1, 3, 6, 1, 2, 1, 16, 1, 7, 1, 4, 1]), Some(Value::Counter64(4_554_000_000)));
        assert_eq!(t.get(&[1, 3, 6, 1, 2, 1, 16, 1, 7, 1, 3, 1]), Some(Value::Counter32(1)));
        assert_eq!(
            t.get(&[1, 3, 6, 1, 2, 1, 16, 4, 2, 1, 7, 1, 6, 2, 0, 0, 0, 0, 1]),
            Some(Value::Counter32(u32::MAX))
        );
        assert_eq!(t.get(&[1, 3, 6, 1, 2, 1, 16, 1, 1, 1, 4, 2]), None, "no such row");
        assert_eq!(t.get(&[1, 3, 6, 1, 2, 1, 16, 1, 1, 1, 99, 1]), None, "no such column");
        assert_eq!(t.get(&[1, 3, 6, 1, 2, 1, 16, 5, 1, 1, 2, 2]), None, "absent on a row under creation");
    }

    #[test]
    fn object_name_is_the_column_and_the_index() {
        let name = |oid: &[u32]| RmonTables::object_name(oid);
        assert_eq!(name(&[1, 3, 6, 1, 2, 1, 16, 1, 1, 1, 5, 1]).as_deref(), Some("etherStatsPkts.1"));
        assert_eq!(name(&[1, 3, 6, 1, 2, 1, 16, 1, 7, 1, 2, 1]).as_deref(), Some("etherStatsHighCapacityPkts.1"));
        assert_eq!(name(&[1, 3, 6, 1, 2, 1, 16, 4, 1, 1, 3, 1]).as_deref(), Some("hostControlTableSize.1"));
        assert_eq!(name(&[1, 3, 6, 1, 2, 1, 16, 2, 2, 1, 6, 1, 7]).as_deref(), Some("etherHistoryPkts.1.7"));
        assert_eq!(name(&[1, 3, 6, 1, 2, 1, 16, 18, 1, 1, 5]).as_deref(), Some("usrHistoryControlInterval"));
        assert_eq!(name(&[1, 3, 6, 1, 2, 1, 2, 2, 1, 10, 1]), None, "IF-MIB has no schema here");
        assert_eq!(name(&[1, 3, 6, 1, 2, 1, 16, 1, 1, 1, 99, 1]), None, "no such column");
    }
}
