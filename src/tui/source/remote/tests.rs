//! The remote source against a fake switch with mini-RMON (statistics, history, alarm, event):
//! the groups it lacks are told apart from empty tables, and what it has is decoded.

use std::collections::{BTreeMap, BTreeSet};

use super::*;
use crate::rmon::SampleType;

/// An agent as a sorted map of instances, with the tables (entry OID and column) it implements.
#[derive(Default)]
struct FakeAgent {
    values: BTreeMap<Vec<u32>, Value>,
    columns: BTreeSet<Vec<u32>>,
    sets: Vec<Vec<(Vec<u32>, Value)>>,
    walks: Vec<Vec<u32>>,
}

impl FakeAgent {
    fn put(&mut self, group: u32, table: u32, column: u32, index: &[u32], value: Value) {
        let mut oid = entry_oid(group, table).to_vec();
        oid.push(column);
        self.columns.insert(oid.clone());
        oid.extend_from_slice(index);
        self.values.insert(oid, value);
    }
}

impl Walker for FakeAgent {
    fn walk(&mut self, prefix: &[u32]) -> Result<Vec<(Vec<u32>, Value)>, String> {
        self.walks.push(prefix.to_vec());
        Ok(self.values.iter().filter(|(oid, _)| oid.starts_with(prefix)).map(|(o, v)| (o.clone(), v.clone())).collect())
    }

    fn get(&mut self, oid: &[u32]) -> Result<Value, String> {
        if let Some(v) = self.values.get(oid) {
            return Ok(v.clone());
        }
        // An object type is known when its column is (the OID less its index).
        let known = self.columns.iter().any(|c| oid.starts_with(c));
        Ok(if known { Value::NoSuchInstance } else { Value::NoSuchObject })
    }

    fn set(&mut self, bindings: &[(Vec<u32>, Value)]) -> Result<(), String> {
        self.sets.push(bindings.to_vec());
        Err("notWritable".into())
    }
}

/// A 24-port switch's mini-RMON, with one etherStats row on port 3, a 30 s history of it with
/// two buckets, and an alarm and event, but no alarm has fired.
fn switch() -> FakeAgent {
    let mut a = FakeAgent::default();
    a.values.insert(SYS_UP_TIME.to_vec(), Value::TimeTicks(123_456));
    for port in 1..=24u32 {
        let row = |column: u32| {
            let mut oid = IF_ENTRY.to_vec();
            oid.extend([column, port]);
            oid
        };
        a.values.insert(row(2), Value::OctetString(format!("GigabitEthernet0/{port}").into_bytes()));
        a.values.insert(row(5), Value::Gauge32(1_000_000_000));
    }
    let if3 = Value::ObjectId(Oid(vec![1, 3, 6, 1, 2, 1, 2, 2, 1, 1, 3]));
    a.put(1, 1, 2, &[3], if3.clone());
    a.put(1, 1, 4, &[3], Value::Counter32(9_000_000));
    a.put(1, 1, 5, &[3], Value::Counter32(12_345));
    a.put(1, 1, 14, &[3], Value::Counter32(345));
    a.put(1, 1, 21, &[3], Value::Integer(1));
    a.put(2, 1, 2, &[1], if3);
    a.put(2, 1, 5, &[1], Value::Integer(30));
    a.put(2, 1, 7, &[1], Value::Integer(1));
    for (sample, pkts) in [(1u32, 100u32), (2, 250)] {
        a.put(2, 2, 6, &[1, sample], Value::Counter32(pkts));
        a.put(2, 2, 15, &[1, sample], Value::Integer(7));
    }
    a.put(3, 1, 3, &[5], Value::ObjectId(Oid(vec![1, 3, 6, 1, 2, 1, 16, 1, 1, 1, 5, 3])));
    a.put(3, 1, 4, &[5], Value::Integer(2));
    a.put(3, 1, 5, &[5], Value::Integer(17));
    a.put(3, 1, 7, &[5], Value::Integer(1000));
    a.put(3, 1, 12, &[5], Value::Integer(1));
    a.put(9, 1, 2, &[1], Value::OctetString(b"port 3 busy".to_vec()));
    a.put(9, 1, 7, &[1], Value::Integer(1));
    // The log is implemented but empty: its column answers noSuchInstance.
    a.columns.insert([entry_oid(9, 2).as_slice(), &[4]].concat());
    a
}

#[test]
fn a_mini_rmon_switch_has_four_groups_and_says_so() {
    let mut remote = RemoteSource::new("switch".into(), switch());
    let reading = remote.read(Wants::ALL).expect("a reading");
    let g = reading.groups;
    assert!(g.statistics && g.history && g.alarm && g.event);
    assert!(!g.hosts && !g.host_top_n && !g.matrix && !g.filter && !g.capture && !g.al_host && !g.al_matrix);
    assert!(!g.usr_history, "nor RMON2's user history");
    let s = &reading.snapshot;
    assert_eq!(s.sys_up_time(), 123_456);
    assert_eq!(s.interfaces.len(), 24);
    assert_eq!(s.interfaces[2].info.descr, "GigabitEthernet0/3");
    let stats = &s.tables.ether_stats;
    assert_eq!(stats.len(), 1);
    assert_eq!(stats[0].ether_stats_index, 3);
    assert_eq!(stats[0].ether_stats_data_source.if_index(), 3);
    assert_eq!((stats[0].ether_stats_pkts, stats[0].ether_stats_octets), (12_345, 9_000_000));
    assert_eq!(stats[0].ether_stats_pkts_64_octets, 345);
    // Columns the switch leaves out read as zero.
    assert_eq!(stats[0].ether_stats_collisions, 0);
    let history: Vec<(u64, u64)> =
        s.tables.ether_history.iter().map(|b| (b.ether_history_sample_index, b.ether_history_pkts)).collect();
    assert_eq!(history, [(1, 100), (2, 250)]);
    assert_eq!(s.tables.alarm[0].alarm_sample_type, SampleType::DeltaValue);
    assert_eq!(s.tables.alarm[0].alarm_value, 17);
    assert_eq!(s.tables.event[0].event_description, "port 3 busy");
    assert!(s.tables.hosts.is_empty() && s.tables.log.is_empty());
}

#[test]
fn big_tables_are_walked_only_for_the_screens_that_show_them() {
    let mut remote = RemoteSource::new("switch".into(), switch());
    let history = entry_oid(2, 2).to_vec();
    let first = remote.read(Wants::default()).expect("a reading");
    assert!(!remote.walker.walks.contains(&history));
    assert!(first.snapshot.tables.ether_history.is_empty() && !first.every_table);
    remote.read(Wants { history: true, ..Wants::default() }).expect("a reading");
    assert!(remote.walker.walks.contains(&history));
    // Not wanted again: kept from the last walk, not walked.
    remote.walker.walks.clear();
    let kept = remote.read(Wants::default()).expect("a reading");
    assert!(!remote.walker.walks.contains(&history));
    assert_eq!(kept.snapshot.tables.ether_history.len(), 2);
}

#[test]
fn a_report_the_agent_refuses_is_said_and_undone() {
    let mut remote = RemoteSource::new("switch".into(), switch());
    let request = TopNRequest {
        host_index: 1,
        rate_base: crate::rmon::topn::RateBase::OutOctets,
        duration: 60,
        requested_size: 10,
    };
    let error = remote.start_top_n(&request).expect_err("the switch refuses the SET");
    assert_eq!(error, "notWritable");
    // Only the createRequest was tried: nothing was made that needs undoing.
    assert_eq!(remote.walker.sets.len(), 1);
    let (oid, value) = &remote.walker.sets[0][0];
    assert_eq!(oid, &[1, 3, 6, 1, 2, 1, 16, 5, 1, 1, 10, 1]);
    assert_eq!(value, &Value::Integer(2));
}

#[test]
fn the_application_layer_is_walked_for_the_applications_screen_only() {
    let mut agent = switch();
    // An agent with RMON2's application layer: www-http (local index 22) from 10.77.0.1 on
    // hlHostControl 1, over ip (3), at timemark 0; and the same conversation to 10.77.0.3.
    let host = [1, 0, 3, 4, 10, 77, 0, 1, 22];
    agent.put(16, 1, 2, &host, Value::Gauge32(350));
    agent.put(16, 1, 3, &host, Value::Gauge32(526));
    agent.put(16, 1, 5, &host, Value::Gauge32(620_557));
    let pair = [1, 0, 3, 4, 10, 77, 0, 1, 4, 10, 77, 0, 3, 22];
    agent.put(17, 1, 2, &pair, Value::Gauge32(372));
    let mut remote = RemoteSource::new("probe".into(), agent);
    let (al_host, al_matrix) = (entry_oid(16, 1).to_vec(), entry_oid(17, 1).to_vec());
    let first = remote.read(Wants::default()).expect("a reading");
    assert!(first.groups.al_host && first.groups.al_matrix);
    assert!(!remote.walker.walks.contains(&al_host) && !remote.walker.walks.contains(&al_matrix));
    let shown = remote.read(Wants { applications: true, ..Wants::default() }).expect("a reading");
    assert!(remote.walker.walks.contains(&al_host) && remote.walker.walks.contains(&al_matrix));
    let tables = &shown.snapshot.tables;
    let h = &tables.al_host[0];
    assert_eq!(tables.al_host.len(), 1);
    assert_eq!((h.hl_host_control_index, h.nl_protocol_dir_local_index, h.al_protocol_dir_local_index), (1, 3, 22));
    assert_eq!(
        (h.nl_host_address.to_string().as_str(), h.al_host_out_pkts, h.al_host_out_octets),
        ("10.77.0.1", 526, 620_557)
    );
    let p = &tables.al_matrix_sd[0];
    assert_eq!(
        (p.source_address.to_string(), p.dest_address.to_string(), p.pkts),
        ("10.77.0.1".into(), "10.77.0.3".into(), 372)
    );
    // Another screen: kept from the last walk, not walked.
    remote.walker.walks.clear();
    let kept = remote.read(Wants::default()).expect("a reading");
    assert!(!remote.walker.walks.contains(&al_host));
    assert_eq!(kept.snapshot.tables.al_host.len(), 1);
}

#[test]
fn the_user_history_is_walked_for_its_screen_only_and_completed_by_hc() {
    let mut agent = switch();
    // usrHistoryControl 1, active: etherStatsOctets.3 every 30 s, deltaValue; two buckets, the
    // second's 5 GB past what Gauge32 carries (usrHistoryAbsValue latches at 2^32 - 1): the
    // HC-RMON view has it whole (the agent has HC-RMON: etherStatsHighCapacityTable).
    agent.put(1, 7, 2, &[3], Value::Counter64(12_345));
    agent.put(18, 1, 2, &[1], Value::Integer(1));
    agent.put(18, 1, 4, &[1], Value::Integer(50));
    agent.put(18, 1, 5, &[1], Value::Integer(30));
    agent.put(18, 1, 7, &[1], Value::Integer(1));
    agent.put(18, 2, 2, &[1, 1], Value::ObjectId(Oid(vec![1, 3, 6, 1, 2, 1, 16, 1, 1, 1, 4, 3])));
    agent.put(18, 2, 3, &[1, 1], Value::Integer(2));
    for (sample, abs) in [(1u32, 9_000u64), (2, 5_000_000_000)] {
        let index = [1, sample, 1];
        agent.put(18, 3, 2, &index, Value::TimeTicks((sample - 1) * 3000));
        agent.put(18, 3, 3, &index, Value::TimeTicks(sample * 3000));
        agent.put(18, 3, 4, &index, Value::Gauge32(u32::try_from(abs).unwrap_or(u32::MAX)));
        agent.put(18, 3, 5, &index, Value::Integer(2));
        agent.put(18, 4, 1, &index, Value::Gauge32((abs >> 32) as u32));
        agent.put(18, 4, 2, &index, Value::Counter64(abs));
    }
    let mut remote = RemoteSource::new("probe".into(), agent);
    let tables: Vec<Vec<u32>> = (1..=4).map(|t| entry_oid(18, t).to_vec()).collect();
    let first = remote.read(Wants::default()).expect("a reading");
    assert!(first.groups.usr_history);
    assert!(tables.iter().all(|t| !remote.walker.walks.contains(t)));
    assert!(first.snapshot.tables.usr_history_control.is_empty());
    let shown = remote.read(Wants { usr_history: true, ..Wants::default() }).expect("a reading");
    assert!(tables.iter().all(|t| remote.walker.walks.contains(t)));
    let t = &shown.snapshot.tables;
    let control = &t.usr_history_control[0];
    assert_eq!((control.usr_history_control_index, control.usr_history_control_interval), (1, 30));
    assert_eq!(control.usr_history_control_status, crate::mib::tc::RowStatus::Active);
    assert_eq!(t.usr_history_object[0].usr_history_object_sample_type, Some(SampleType::DeltaValue));
    assert_eq!(t.usr_history_object[0].usr_history_control_index, 1);
    let buckets: Vec<(u32, u64, u64)> = t
        .usr_history
        .iter()
        .map(|b| (b.usr_history_sample_index, b.usr_history_interval_end, b.usr_history_abs_value))
        .collect();
    assert_eq!(buckets, [(1, 3000, 9_000), (2, 6000, 5_000_000_000)]);
    // Another screen: kept from the last walk, not walked.
    remote.walker.walks.clear();
    let kept = remote.read(Wants::default()).expect("a reading");
    assert!(tables.iter().all(|t| !remote.walker.walks.contains(t)));
    assert_eq!(kept.snapshot.tables.usr_history.len(), 2);
    assert_eq!(kept.snapshot.tables.usr_history_control.len(), 1);
}

#[test]
fn an_rmonprobe_agent_s_mirror_counts_are_read_every_time() {
    use crate::mib::rmonprobe::mirror::MIRROR_SOURCE_TABLE;
    let mut agent = switch();
    for (column, if_index, value) in [(1, 1, 10_400), (1, 2, 0), (4, 1, 12)] {
        let mut oid = MIRROR_SOURCE_TABLE.entry.to_vec();
        oid.extend([column, if_index]);
        agent.values.insert(oid, Value::Counter64(value));
    }
    let mut remote = RemoteSource::new("probe".into(), agent);
    let reading = remote.read(Wants::default()).expect("a reading");
    let rows: Vec<(u32, u64, u64)> =
        reading.snapshot.tables.mirror_source.iter().map(|m| (m.if_index, m.decapsulated, m.duplicates)).collect();
    assert_eq!(rows, [(1, 10_400, 12), (2, 0, 0)]);
    // A switch without them: one walk, nothing found.
    let mut remote = RemoteSource::new("switch".into(), switch());
    assert!(remote.read(Wants::default()).expect("a reading").snapshot.tables.mirror_source.is_empty());
}
