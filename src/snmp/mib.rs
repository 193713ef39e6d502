//! The MIB registry: every object the agent serves, as nodes registered under their OID prefix.
//!
//! A node answers three questions about its subtree: the value of an instance (GET), the first
//! instance after an OID (GETNEXT, GETBULK) and what a SET of an instance would change. Tables are
//! served column by column, each column in the order of its rows' index OIDs, so a walk sees
//! strictly increasing OIDs (what `snmpwalk` checks). Rows come from a [`Snapshot`], already in
//! MIB index order, so finding the row after an index is a binary search.

use std::cmp::Ordering;

pub use crate::mib::schema::TimeFilterWalk;
use crate::rmon::Snapshot;
use crate::rmon::edit::{DirectoryEdit, ObjectEdit, RowEdit};
use crate::snmp::message::ErrorStatus;
use crate::snmp::value::Value;

/// The system-group and snmp-group objects a manager may change (everything else writable is a
/// control row of the probe).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SystemEdit {
    Contact(String),
    Name(String),
    Location(String),
    /// snmpEnableAuthenTraps: enabled(1) or disabled(2).
    EnableAuthenTraps(bool),
}

/// What one SET varbind asks for, once a node has understood it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SetAction {
    Row(RowEdit),
    /// protocolDirTable, named by two OCTET STRINGs.
    Directory(DirectoryEdit),
    /// usrHistoryObjectTable, named by two integers.
    Object(ObjectEdit),
    System(SystemEdit),
}

/// The agent's own settable and counted objects, read by the system and snmp groups. The
/// default, all empty, is that of an agent no manager reads (one that only samples alarms).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SystemGroup {
    /// sysDescr: the product, its version and build.
    pub descr: String,
    /// sysObjectID: the probe's registration in RMONPROBE-MIB (mibs/RMONPROBE-MIB).
    pub object_id: Vec<u32>,
    pub contact: String,
    pub name: String,
    pub location: String,
    /// sysServices: datalink (2) for what it watches, applications (64) for the agent.
    pub services: i32,
    /// snmpEnableAuthenTraps.
    pub enable_authen_traps: bool,
    /// How a walk crosses RMON2's TimeFilter index components.
    pub time_filter_walk: TimeFilterWalk,
}

/// The snmp group's counters (RFC 1213 / RFC 3418), exact; served wrapped to 32 bits.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SnmpCounters {
    pub in_pkts: u64,
    pub out_pkts: u64,
    pub in_bad_versions: u64,
    pub in_bad_community_names: u64,
    pub in_bad_community_uses: u64,
    pub in_asn_parse_errs: u64,
    pub in_total_req_vars: u64,
    pub in_total_set_vars: u64,
    pub in_get_requests: u64,
    pub in_get_nexts: u64,
    pub in_set_requests: u64,
    pub in_get_responses: u64,
    pub in_traps: u64,
    pub out_too_bigs: u64,
    pub out_no_such_names: u64,
    pub out_bad_values: u64,
    pub out_gen_errs: u64,
    pub out_get_responses: u64,
    pub silent_drops: u64,
}

/// What a node answers to a SET: the change to make, or the error status.
pub type SetResult = Result<SetAction, ErrorStatus>;

/// A scalar's SET: checks the value and says what to change.
pub type ScalarSet = fn(&Value) -> SetResult;

/// A read-create table's SET: column, index sub-identifiers, value.
pub type ColumnSet = fn(u32, &[u32], &Value) -> SetResult;

/// Everything a node may read while answering one request.
pub struct Context<'a> {
    pub snapshot: &'a Snapshot,
    pub system: &'a SystemGroup,
    pub counters: &'a SnmpCounters,
    /// SNMPv3's engine (snmpEngine, usmStats), when the agent has one.
    pub usm: Option<&'a crate::snmp::usm::Usm>,
    /// snmpEngineTime when the request came.
    pub engine_time: u32,
}

/// One registered subtree.
pub trait MibNode: Send + Sync {
    /// The subtree: every OID this node serves starts with it.
    fn prefix(&self) -> &'static [u32];

    /// The value of the instance `oid`, or noSuchObject / noSuchInstance.
    fn get(&self, ctx: &Context<'_>, oid: &[u32]) -> Value;

    /// The first instance of the subtree after `oid`, with its value.
    fn next(&self, ctx: &Context<'_>, oid: &[u32]) -> Option<(Vec<u32>, Value)>;

    /// What a SET of `oid` to `value` would do, or the error status to answer.
    fn plan_set(&self, _oid: &[u32], _value: &Value) -> Result<SetAction, ErrorStatus> {
        Err(ErrorStatus::NotWritable)
    }
}

pub use crate::mib::value::{counter32, integer, time_ticks};

/// Most sub-identifiers of an index the probe's tables have: nlMatrixSDTable's for IPv6
/// (control index, timemark, protocol, two length-prefixed 16-octet addresses) has 37.
const MAX_INDEX_IDS: usize = 40;

/// The sub-identifiers of one row's index, kept inline (a binary search computes one per step).
#[derive(Clone, Copy, Debug)]
pub struct Index {
    ids: [u32; MAX_INDEX_IDS],
    len: usize,
}

impl Default for Index {
    fn default() -> Self {
        Index { ids: [0; MAX_INDEX_IDS], len: 0 }
    }
}

impl Index {
    pub fn of(id: u32) -> Index {
        let mut i = Index::default();
        i.push(id);
        i
    }

    pub fn push(&mut self, id: u32) {
        debug_assert!(self.len < MAX_INDEX_IDS, "an index longer than {MAX_INDEX_IDS} sub-identifiers");
        if let Some(slot) = self.ids.get_mut(self.len) {
            *slot = id;
            self.len += 1;
        }
    }

    /// An OCTET STRING index: its length, then one sub-identifier per octet (RFC 2578 7.7).
    pub fn push_octets(&mut self, octets: &[u8]) {
        self.push(octets.len() as u32);
        for &b in octets {
            self.push(u32::from(b));
        }
    }

    pub fn as_slice(&self) -> &[u32] {
        &self.ids[..self.len]
    }
}

impl Extend<u32> for Index {
    fn extend<I: IntoIterator<Item = u32>>(&mut self, ids: I) {
        for id in ids {
            self.push(id);
        }
    }
}

/// The scalars of one group: instance `group.sub.0` for each object.
pub struct Scalars {
    /// The group: the objects are `group.sub`.
    pub group: &'static [u32],
    /// The subtree registered: the group, or one object of it when the rest of the group is a
    /// table served by another node (ifNumber beside ifTable).
    pub registered: &'static [u32],
    /// Sorted by sub-identifier.
    pub objects: &'static [Scalar],
}

pub struct Scalar {
    pub sub_id: u32,
    pub read: fn(&Context<'_>) -> Value,
    pub write: Option<ScalarSet>,
}

impl Scalars {
    fn find<'a>(&self, oid: &'a [u32]) -> Option<(&Scalar, &'a [u32])> {
        let rest = oid.strip_prefix(self.group)?;
        let (&sub, instance) = rest.split_first()?;
        self.objects.iter().find(|s| s.sub_id == sub).map(|s| (s, instance))
    }
}

impl MibNode for Scalars {
    fn prefix(&self) -> &'static [u32] {
        self.registered
    }

    fn get(&self, ctx: &Context<'_>, oid: &[u32]) -> Value {
        match self.find(oid) {
            Some((s, [0])) => (s.read)(ctx),
            Some(_) => Value::NoSuchInstance,
            None => Value::NoSuchObject,
        }
    }

    fn next(&self, ctx: &Context<'_>, oid: &[u32]) -> Option<(Vec<u32>, Value)> {
        self.objects.iter().find_map(|s| {
            let mut instance = self.group.to_vec();
            instance.extend_from_slice(&[s.sub_id, 0]);
            (instance.as_slice() > oid).then(|| ((s.read)(ctx), instance)).map(|(v, i)| (i, v))
        })
    }

    fn plan_set(&self, oid: &[u32], value: &Value) -> Result<SetAction, ErrorStatus> {
        match self.find(oid) {
            Some((Scalar { write: Some(write), .. }, [0])) => write(value),
            // An instance that can never exist: noCreation, once the value would do for the
            // object (RFC 3416 4.2.5 judges the type, length and value first).
            Some((Scalar { write: Some(write), .. }, _)) => write(value).and(Err(ErrorStatus::NoCreation)),
            _ => Err(ErrorStatus::NotWritable),
        }
    }
}

/// A conceptual table read from a snapshot.
pub struct Table<E: 'static> {
    /// The OID of the xxxEntry object: instances are `entry.column.index`.
    pub entry: &'static [u32],
    /// The accessible columns, ascending.
    pub columns: &'static [u32],
    /// The rows, in index order.
    pub rows: for<'a> fn(&'a Snapshot) -> &'a [E],
    pub index: fn(&E) -> Index,
    /// A column's value for a row; None where the row has no such instance.
    pub value: fn(&Context<'_>, &E, u32) -> Option<Value>,
    /// How a SET of `column` of the row `index` would change the probe (read-create tables).
    pub set: Option<ColumnSet>,
}

impl<E: 'static> Table<E> {
    /// Position of the first row whose index is after `after` (every row when None).
    fn first_after(&self, rows: &[E], after: Option<&[u32]>) -> usize {
        match after {
            None => 0,
            Some(after) => rows.partition_point(|r| (self.index)(r).as_slice() <= after),
        }
    }
}

impl<E: 'static + Send + Sync> MibNode for Table<E> {
    fn prefix(&self) -> &'static [u32] {
        self.entry
    }

    fn get(&self, ctx: &Context<'_>, oid: &[u32]) -> Value {
        let Some((&column, index)) = oid.strip_prefix(self.entry).and_then(|r| r.split_first()) else {
            return Value::NoSuchObject;
        };
        if !self.columns.contains(&column) {
            return Value::NoSuchObject;
        }
        let rows = (self.rows)(ctx.snapshot);
        match rows.binary_search_by(|r| (self.index)(r).as_slice().cmp(index)) {
            Ok(at) => (self.value)(ctx, &rows[at], column).unwrap_or(Value::NoSuchInstance),
            Err(_) => Value::NoSuchInstance,
        }
    }

    fn next(&self, ctx: &Context<'_>, oid: &[u32]) -> Option<(Vec<u32>, Value)> {
        // Where to start: the column `oid` names (after its index), or the first column.
        let (start, mut after) = match oid.strip_prefix(self.entry) {
            Some([]) => (0, None),
            Some([column, index @ ..]) => {
                let at = self.columns.partition_point(|c| c < column);
                (at, (self.columns.get(at) == Some(column)).then_some(index))
            }
            None if oid.cmp(self.entry) == Ordering::Less => (0, None),
            None => return None,
        };
        let rows = (self.rows)(ctx.snapshot);
        for &column in self.columns.get(start..).unwrap_or_default() {
            for row in &rows[self.first_after(rows, after)..] {
                if let Some(value) = (self.value)(ctx, row, column) {
                    let mut instance = Vec::with_capacity(self.entry.len() + 16);
                    instance.extend_from_slice(self.entry);
                    instance.push(column);
                    instance.extend_from_slice((self.index)(row).as_slice());
                    return Some((instance, value));
                }
            }
            after = None;
        }
        None
    }

    fn plan_set(&self, oid: &[u32], value: &Value) -> Result<SetAction, ErrorStatus> {
        let Some(set) = self.set else { return Err(ErrorStatus::NotWritable) };
        match oid.strip_prefix(self.entry).and_then(|r| r.split_first()) {
            Some((&column, index)) => set(column, index, value),
            None => Err(ErrorStatus::NotWritable),
        }
    }
}

/// Every node the agent serves, in OID order.
pub struct Mib {
    nodes: Vec<Box<dyn MibNode>>,
}

impl Mib {
    /// A registry of `nodes`, sorted here; their subtrees must not overlap.
    pub fn new(mut nodes: Vec<Box<dyn MibNode>>) -> Mib {
        nodes.sort_by(|a, b| a.prefix().cmp(b.prefix()));
        debug_assert!(nodes.windows(2).all(|w| !w[1].prefix().starts_with(w[0].prefix())), "overlapping subtrees");
        Mib { nodes }
    }

    fn owner(&self, oid: &[u32]) -> Option<&dyn MibNode> {
        self.nodes.iter().find(|n| oid.starts_with(n.prefix())).map(|n| n.as_ref())
    }

    pub fn get(&self, ctx: &Context<'_>, oid: &[u32]) -> Value {
        self.owner(oid).map_or(Value::NoSuchObject, |n| n.get(ctx, oid))
    }

    /// The first instance after `oid` in the whole MIB; None: the end of the MIB view.
    pub fn next(&self, ctx: &Context<'_>, oid: &[u32]) -> Option<(Vec<u32>, Value)> {
        let from = self.nodes.partition_point(|n| n.prefix() < oid && !oid.starts_with(n.prefix()));
        self.nodes[from..].iter().find_map(|n| n.next(ctx, oid))
    }

    pub fn plan_set(&self, oid: &[u32], value: &Value) -> Result<SetAction, ErrorStatus> {
        self.owner(oid).map_or(Err(ErrorStatus::NotWritable), |n| n.plan_set(oid, value))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mib::rmon1::hosts::HOST_TABLE;
    use crate::packet::MacAddr;
    use crate::rmon::hosts::HostEntry;
    use crate::snmp::tables::registry;
    use crate::snmp::tables::rmon::SchemaTable;
    use crate::snmp::tables::system::RMONPROBE_AGENT;

    fn host(index: u16, last: u8, in_pkts: u64) -> HostEntry {
        HostEntry {
            host_address: MacAddr([2, 0, 0, 0, 0, last]),
            host_creation_order: u32::from(last),
            host_index: index,
            host_in_pkts: in_pkts,
            host_out_pkts: 0,
            host_in_octets: 0,
            host_out_octets: 0,
            host_out_errors: 0,
            host_out_broadcast_pkts: 0,
            host_out_multicast_pkts: 0,
        }
    }

    fn system() -> SystemGroup {
        SystemGroup {
            descr: "test".into(),
            object_id: RMONPROBE_AGENT.to_vec(),
            contact: String::new(),
            name: "probe".into(),
            location: String::new(),
            services: 66,
            enable_authen_traps: false,
            time_filter_walk: Default::default(),
        }
    }

    fn snapshot() -> Snapshot {
        let mut s = Snapshot::default();
        // hostIndex 1 with two hosts, hostIndex 2 with one: in index order.
        s.tables.hosts = vec![host(1, 1, 10), host(1, 200, 20), host(2, 3, 30)];
        s
    }

    /// hostTable instance of `column` for (index, 02:00:00:00:00:last).
    fn instance(column: u32, index: u32, last: u32) -> Vec<u32> {
        vec![1, 3, 6, 1, 2, 1, 16, 4, 2, 1, column, index, 6, 2, 0, 0, 0, 0, last]
    }

    #[test]
    fn table_walks_column_by_column_in_index_order() {
        let snap = snapshot();
        let (sys, counters) = (system(), SnmpCounters::default());
        let ctx = Context { snapshot: &snap, system: &sys, counters: &counters, usm: None, engine_time: 0 };
        let t = SchemaTable::new(&HOST_TABLE, |t| &t.hosts);
        let mut walked = Vec::new();
        let mut at = vec![1, 3, 6, 1, 2, 1, 16, 4, 2];
        while let Some((oid, value)) = t.next(&ctx, &at) {
            assert!(oid > at, "{oid:?} after {at:?}");
            walked.push((oid.clone(), value));
            at = oid;
        }
        assert_eq!(walked.len(), 3 * 10);
        assert_eq!(walked[0].0, instance(1, 1, 1));
        assert_eq!(walked[1].0, instance(1, 1, 200));
        assert_eq!(walked[2].0, instance(1, 2, 3));
        assert_eq!(walked[3].0, instance(2, 1, 1));
        // hostInPkts of the three hosts, in index order.
        let in_pkts: Vec<_> = walked[9..12].iter().map(|(_, v)| v.clone()).collect();
        assert_eq!(in_pkts, vec![Value::Counter32(10), Value::Counter32(20), Value::Counter32(30)]);
    }

    /// nlHostTable rows of hlHostControl `control`: 10.0.0.`last`, last changed at `changed`.
    fn nl_host(control: u16, last: u8, changed: u64) -> crate::rmon::nl_host::NlHostEntry {
        crate::rmon::nl_host::NlHostEntry {
            nl_host_address: crate::mib::NetAddr::v4([10, 0, 0, last]),
            nl_host_in_pkts: u64::from(last),
            hl_host_control_index: control,
            protocol_dir_local_index: 3,
            last_change: changed,
            ..Default::default()
        }
    }

    /// nlHostInPkts (column 3) of (control, timemark, 10.0.0.last).
    fn nl_in_pkts(control: u32, mark: u32, last: u32) -> Vec<u32> {
        vec![1, 3, 6, 1, 2, 1, 16, 14, 2, 1, 3, control, mark, 3, 4, 10, 0, 0, last]
    }

    fn walk_column(mib: &Mib, ctx: &Context<'_>, from: Vec<u32>, column_prefix: &[u32]) -> Vec<Vec<u32>> {
        let mut at = from;
        let mut seen = Vec::new();
        while let Some((oid, _)) = mib.next(ctx, &at) {
            if !oid.starts_with(column_prefix) || seen.len() > 1000 {
                break;
            }
            assert!(oid > at);
            seen.push(oid.clone());
            at = oid;
        }
        seen
    }

    #[test]
    fn time_filter_walks_once_or_strictly() {
        let mut snap = Snapshot::default();
        snap.tables.nl_host = vec![nl_host(1, 1, 100), nl_host(1, 2, 300), nl_host(2, 3, 200)];
        let counters = SnmpCounters::default();
        let mut sys = system();
        let ctx = Context { snapshot: &snap, system: &sys, counters: &counters, usm: None, engine_time: 0 };
        let mib = registry();
        let column = [1, 3, 6, 1, 2, 1, 16, 14, 2, 1, 3];
        // A plain walk: every row once, at timemark 0, and on to the next column.
        let plain = walk_column(&mib, &ctx, column.to_vec(), &column);
        assert_eq!(plain, vec![nl_in_pkts(1, 0, 1), nl_in_pkts(1, 0, 2), nl_in_pkts(2, 0, 3)]);
        // From timemark 150 of control row 1: only the row changed since, then control row 2.
        let since = walk_column(&mib, &ctx, vec![1, 3, 6, 1, 2, 1, 16, 14, 2, 1, 3, 1, 150], &column);
        assert_eq!(since, vec![nl_in_pkts(1, 150, 2), nl_in_pkts(2, 0, 3)]);
        // GET honours the timemark.
        assert_eq!(mib.get(&ctx, &nl_in_pkts(1, 300, 2)), Value::Gauge32(2), "ZeroBasedCounter32 is a Gauge32");
        assert_eq!(mib.get(&ctx, &nl_in_pkts(1, 301, 2)), Value::NoSuchInstance);
        assert_eq!(mib.get(&ctx, &nl_in_pkts(1, 0, 9)), Value::NoSuchInstance);
        // Strict: on through each timemark up to the rows' last change.
        sys.time_filter_walk = TimeFilterWalk::Strict;
        let ctx = Context { snapshot: &snap, system: &sys, counters: &counters, usm: None, engine_time: 0 };
        let strict = walk_column(&mib, &ctx, vec![1, 3, 6, 1, 2, 1, 16, 14, 2, 1, 3, 1, 299], &column);
        assert_eq!(
            strict[..4],
            [nl_in_pkts(1, 299, 2), nl_in_pkts(1, 300, 2), nl_in_pkts(2, 0, 3), nl_in_pkts(2, 1, 3)],
            "control row 2's one row, again under each timemark up to 200"
        );
        assert_eq!(strict.len(), 2 + 201);
    }

    #[test]
    fn next_from_partial_and_foreign_oids() {
        let snap = snapshot();
        let (sys, counters) = (system(), SnmpCounters::default());
        let ctx = Context { snapshot: &snap, system: &sys, counters: &counters, usm: None, engine_time: 0 };
        let t = SchemaTable::new(&HOST_TABLE, |t| &t.hosts);
        // Half an index: the first row after it.
        assert_eq!(t.next(&ctx, &instance(4, 1, 1)[..13]).map(|x| x.0), Some(instance(4, 1, 1)));
        // Between two rows.
        assert_eq!(t.next(&ctx, &instance(4, 1, 100)).map(|x| x.0), Some(instance(4, 1, 200)));
        // After the last row of a column: the next column's first row.
        assert_eq!(t.next(&ctx, &instance(4, 2, 3)).map(|x| x.0), Some(instance(5, 1, 1)));
        // A column the table does not have (0, 11): the first column, or nothing.
        assert_eq!(t.next(&ctx, &[1, 3, 6, 1, 2, 1, 16, 4, 2, 1, 0]).map(|x| x.0), Some(instance(1, 1, 1)));
        assert_eq!(t.next(&ctx, &[1, 3, 6, 1, 2, 1, 16, 4, 2, 1, 11]), None);
        // Before and after the table.
        assert_eq!(t.next(&ctx, &[1, 3]).map(|x| x.0), Some(instance(1, 1, 1)));
        assert_eq!(t.next(&ctx, &[1, 3, 6, 1, 2, 1, 16, 4, 3]), None);
    }

    #[test]
    fn get_tells_missing_objects_from_missing_instances() {
        let snap = snapshot();
        let (sys, counters) = (system(), SnmpCounters::default());
        let ctx = Context { snapshot: &snap, system: &sys, counters: &counters, usm: None, engine_time: 0 };
        let mib = registry();
        assert_eq!(mib.get(&ctx, &instance(4, 1, 200)), Value::Counter32(20));
        assert_eq!(mib.get(&ctx, &instance(4, 1, 201)), Value::NoSuchInstance);
        assert_eq!(mib.get(&ctx, &instance(4, 1, 200)[..12]), Value::NoSuchInstance);
        assert_eq!(mib.get(&ctx, &instance(11, 1, 200)), Value::NoSuchObject);
        assert_eq!(mib.get(&ctx, &[1, 3, 6, 1, 2, 1, 1, 5, 0]), Value::OctetString(b"probe".to_vec()));
        assert_eq!(mib.get(&ctx, &[1, 3, 6, 1, 2, 1, 1, 5, 1]), Value::NoSuchInstance);
        assert_eq!(mib.get(&ctx, &[1, 3, 6, 1, 2, 1, 1, 8, 0]), Value::NoSuchObject);
        assert_eq!(mib.get(&ctx, &[1, 3, 6, 1, 2, 1, 2, 1, 0]), Value::Integer(0), "ifNumber: no interfaces");
    }

    #[test]
    fn registry_walk_is_strictly_increasing_across_nodes() {
        let snap = snapshot();
        let (sys, counters) = (system(), SnmpCounters::default());
        let ctx = Context { snapshot: &snap, system: &sys, counters: &counters, usm: None, engine_time: 0 };
        let mib = registry();
        let mut at = vec![0, 0];
        let mut seen = 0;
        while let Some((oid, _)) = mib.next(&ctx, &at) {
            assert!(oid > at, "{oid:?} after {at:?}");
            at = oid;
            seen += 1;
        }
        // 7 system + ifNumber + snmp group (30) + 30 host instances, and the same 3 hosts'
        // 8 columns of hostHighCapacityTable (HC-RMON); RMON2's protocolDirLastChange, three
        // addressMap scalars and five of probeConfig.
        assert_eq!(seen, 7 + 1 + 30 + 30 + 3 * 8 + 1 + 3 + 5);
        assert!(mib.next(&ctx, &[1, 3, 6, 1, 2, 1, 31, 2]).is_none());
    }

    #[test]
    fn set_is_planned_by_the_owning_node() {
        let mib = registry();
        let contact = [1, 3, 6, 1, 2, 1, 1, 4, 0];
        assert_eq!(
            mib.plan_set(&contact, &Value::OctetString(b"noc".to_vec())),
            Ok(SetAction::System(SystemEdit::Contact("noc".into())))
        );
        assert_eq!(mib.plan_set(&contact, &Value::Integer(1)), Err(ErrorStatus::WrongType));
        assert_eq!(mib.plan_set(&contact, &Value::OctetString(vec![b'x'; 256])), Err(ErrorStatus::WrongLength));
        // An instance that can never exist: noCreation, after the value's own checks.
        assert_eq!(
            mib.plan_set(&[1, 3, 6, 1, 2, 1, 1, 4, 1], &Value::OctetString(vec![])),
            Err(ErrorStatus::NoCreation)
        );
        assert_eq!(mib.plan_set(&[1, 3, 6, 1, 2, 1, 1, 4, 1], &Value::Null), Err(ErrorStatus::WrongType));
        assert_eq!(mib.plan_set(&[1, 3, 6, 1, 2, 1, 1, 1, 0], &Value::Null), Err(ErrorStatus::NotWritable));
        assert_eq!(mib.plan_set(&instance(4, 1, 1), &Value::Counter32(1)), Err(ErrorStatus::NotWritable));
        assert_eq!(mib.plan_set(&[1, 3, 6, 1, 9], &Value::Null), Err(ErrorStatus::NotWritable));
        // etherStatsStatus.5: a row edit for the probe to judge; a two-part index goes to the
        // probe as an index it can never create (noCreation after the value's checks).
        let status = [1, 3, 6, 1, 2, 1, 16, 1, 1, 1, 21, 5];
        assert!(matches!(mib.plan_set(&status, &Value::Integer(2)), Ok(SetAction::Row(RowEdit { index: 5, .. }))));
        assert!(matches!(
            mib.plan_set(&[1, 3, 6, 1, 2, 1, 16, 1, 1, 1, 21, 5, 1], &Value::Integer(2)),
            Ok(SetAction::Row(RowEdit { index: -1, .. }))
        ));
        assert_eq!(mib.plan_set(&status, &Value::Gauge32(2)), Err(ErrorStatus::WrongType));
    }
}
