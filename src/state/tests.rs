use super::*;
use crate::config::Config;
use crate::mib::rmon2::protocol_dir::ProtocolConfig;
use crate::mib::tc::RowStatus;
use crate::rmon::control::{DataSource, EntryStatus, Owner};
use crate::rmon::topn::RateBase;
use crate::rmon::{ControlTable, ControlValue, DirectoryEdit, Limits, ProbeEdit, RowEdit, SampleType, Timestamp};

/// A fresh directory under the system's temporary directory, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!("rmonprobe-state-{}-{name}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    fn join(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }

    /// The names in the directory, sorted.
    fn names(&self) -> Vec<String> {
        let mut names: Vec<String> =
            fs::read_dir(&self.0).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        names.sort();
        names
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn sources(n: u32) -> Vec<DataSourceInfo> {
    (1..=n)
        .map(|i| DataSourceInfo {
            if_index: i,
            name: format!("eth{i}"),
            descr: format!("eth{i}"),
            if_speed: 1_000_000_000,
            live: false,
            phys_address: Vec::new(),
        })
        .collect()
}

fn owner(s: &str) -> Owner {
    Owner::new(s).unwrap()
}

/// One row of every kind, with owners that need quoting, and two system strings.
fn every_kind() -> ProbeState {
    ProbeState {
        rows: vec![
            RowRequest::EtherStats { index: 3, data_source: DataSource(2), owner: owner("noc") },
            RowRequest::History {
                index: 4,
                data_source: DataSource(1),
                interval: 10,
                buckets_requested: 360,
                owner: owner("a \"quoted\" owner\nwith a line"),
            },
            RowRequest::Hosts { index: 5, data_source: DataSource(2), owner: owner("") },
            RowRequest::Matrix { index: 6, data_source: DataSource(1), owner: Owner::monitor() },
            RowRequest::HostTopN {
                index: 7,
                host_index: 5,
                rate_base: RateBase::OutErrors,
                time_remaining: 300,
                requested_size: 20,
                owner: owner("ünïcode"),
            },
            RowRequest::UsrHistory {
                index: 8,
                objects: vec![
                    ("1.3.6.1.2.1.16.1.1.1.5.1".parse().unwrap(), SampleType::DeltaValue),
                    ("1.3.6.1.2.1.2.2.1.10.1".parse().unwrap(), SampleType::AbsoluteValue),
                ],
                buckets_requested: 20,
                interval: 30,
                owner: owner("noc"),
            },
        ],
        sys_contact: Some("ops@example.net".into()),
        sys_name: Some("probe-1".into()),
        sys_location: None,
        engine: None,
        rows_saved: true,
    }
}

#[test]
fn every_row_kind_round_trips() {
    let dir = TempDir::new("round-trip");
    let path = dir.join("state.toml");
    let state = every_kind();
    save(&path, &state).unwrap();
    assert_eq!(load(&path).unwrap(), Some(state.clone()));

    // It reads like a configuration, and its rows paste into one.
    let text = fs::read_to_string(&path).unwrap();
    for want in ["[system]", "sysContact = \"ops@example.net\"", "[[historyControl]]", "historyControlInterval = 10"] {
        assert!(text.contains(want), "{want} in:\n{text}");
    }
    assert!(text.contains("etherStatsDataSource = \"ifIndex.2\""), "{text}");
    assert!(!text.contains("sysLocation"), "unset strings are left out:\n{text}");
    let rows = &text[text.find("[[").unwrap()..];
    let config = Config::parse(&format!("[probe]\ndefault_rows = false\n{rows}")).unwrap();
    let pasted = config.rows(&sources(2)).unwrap();
    assert_eq!(pasted, state.rows);
}

#[test]
fn a_probe_restores_from_its_state_without_a_deleted_default_row() {
    let dir = TempDir::new("restore");
    let path = dir.join("state.toml");
    let sources = sources(1);
    let defaults = RowRequest::defaults(&sources);
    let mut probe = Probe::new(Timestamp(0), sources.clone(), Limits::default(), &defaults).unwrap();
    let set = |table, index, column, value| RowEdit { table, index, column, value };
    let status = |table: ControlTable, index, s: EntryStatus| {
        set(table, index, table.status_column(), ControlValue::Integer(s.value()))
    };
    let pdu = [
        status(ControlTable::HistoryControl, 2, EntryStatus::Invalid),
        status(ControlTable::EtherStats, 8, EntryStatus::CreateRequest),
        set(ControlTable::EtherStats, 8, 2, ControlValue::ObjectId(DataSource(1).oid())),
        status(ControlTable::HostTopNControl, 1, EntryStatus::CreateRequest),
        set(ControlTable::HostTopNControl, 1, 2, ControlValue::Integer(1)),
        set(ControlTable::HostTopNControl, 1, 3, ControlValue::Integer(4)),
        set(ControlTable::HostTopNControl, 1, 4, ControlValue::Integer(600)),
        set(ControlTable::HostControl, 1, 5, ControlValue::OctetString(b"renamed".to_vec())),
        // Under creation: not kept.
        status(ControlTable::MatrixControl, 9, EntryStatus::CreateRequest),
    ];
    probe.apply_edits(Timestamp(0), &pdu).unwrap();
    probe
        .apply_edits(
            Timestamp(0),
            &[
                status(ControlTable::EtherStats, 8, EntryStatus::Valid),
                status(ControlTable::HostTopNControl, 1, EntryStatus::Valid),
            ],
        )
        .unwrap();
    let mut state = ProbeState::of(&probe);
    state.sys_name = Some("probe-1".into());
    save(&path, &state).unwrap();

    let loaded = load(&path).unwrap().unwrap();
    let (rows, warnings) = startup_rows(defaults, Some(&loaded), &sources);
    assert!(warnings.is_empty(), "{warnings:?}");
    let restored = Probe::new(Timestamp(0), sources, Limits::default(), &rows).unwrap();
    assert_eq!(restored.persistent_rows(), probe.persistent_rows());
    let t = restored.tables(Timestamp(0), &[]);
    let history: Vec<_> = t.history_control.iter().map(|h| h.history_control_index).collect();
    assert_eq!(history, vec![1], "the deleted default stays deleted");
    assert!(t.matrix_control.iter().all(|m| m.matrix_control_index == 1));
    assert_eq!(t.host_control[0].host_control_owner, owner("renamed"));
    let report = &t.host_top_n_control[0];
    assert_eq!(
        (report.host_top_n_time_remaining, report.host_top_n_duration, report.host_top_n_status),
        (600, 600, EntryStatus::Valid),
        "a report runs again from the start"
    );
    assert_eq!(loaded.sys_name.as_deref(), Some("probe-1"));
}

#[test]
fn no_file_is_no_state_and_an_empty_state_is_a_state() {
    let dir = TempDir::new("empty");
    let path = dir.join("state.toml");
    assert_eq!(load(&path).unwrap(), None);
    let (rows, _) = startup_rows(RowRequest::defaults(&sources(1)), None, &sources(1));
    assert_eq!(rows, RowRequest::defaults(&sources(1)), "no state: the configuration's rows");

    // Every row deleted: the probe starts with none, not with the defaults.
    save(&path, &ProbeState::default()).unwrap();
    let empty = load(&path).unwrap().unwrap();
    assert_eq!(empty, ProbeState::default());
    let (rows, _) = startup_rows(RowRequest::defaults(&sources(1)), Some(&empty), &sources(1));
    assert!(rows.is_empty());
}

#[test]
fn channel_and_filter_rows_are_kept_and_a_filter_goes_with_its_channel() {
    let dir = TempDir::new("channels");
    let path = dir.join("state.toml");
    let config = Config::parse(concat!(
        "[probe]\ndefault_rows = false\n",
        "[[channel]]\nchannelIndex = 3\nchannelDataControl = \"on\"\nchannelEventIndex = 2\n",
        "[[channel]]\nchannelIndex = 4\nchannelIfIndex = 2\n",
        "[[filter]]\nfilterIndex = 1\nfilterChannelIndex = 3\nfilterPktData = \"08:00\"\nfilterPktDataOffset = 12\n",
        "[[filter]]\nfilterIndex = 2\nfilterChannelIndex = 4\nfilterPktStatusMask = 1\n",
    ))
    .unwrap();
    let probe = Probe::new(Timestamp(0), sources(2), Limits::default(), &config.rows(&sources(2)).unwrap()).unwrap();
    save(&path, &ProbeState::of(&probe)).unwrap();
    let text = fs::read_to_string(&path).unwrap();
    assert!(text.contains("[[channel]]") && text.contains("filterPktData = \"08:00\""), "{text}");
    // Back on the same interfaces: the same rows.
    let state = load(&path).unwrap().unwrap();
    let (rows, warnings) = startup_rows(Vec::new(), Some(&state), &sources(2));
    assert!(warnings.is_empty(), "{warnings:?}");
    let again = Probe::new(Timestamp(0), sources(2), Limits::default(), &rows).unwrap();
    assert_eq!(again.persistent_rows(), probe.persistent_rows());
    // With one interface, channel 4 (on ifIndex 2) is left out, and its filter with it.
    let (rows, warnings) = startup_rows(Vec::new(), Some(&state), &sources(1));
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    assert!(warnings[1].contains("filter 2 belongs to channel 4"), "{warnings:?}");
    let t = Probe::new(Timestamp(0), sources(1), Limits::default(), &rows).unwrap().tables(Timestamp(0), &[]);
    let kept: Vec<(u16, u16)> = t.filters.iter().map(|f| (f.filter_index, f.filter_channel_index)).collect();
    assert_eq!(kept, [(1, 3)]);
    assert_eq!(t.channels[0].channel_event_index, 2);
}

#[test]
fn a_damaged_file_is_reported_and_set_aside() {
    let dir = TempDir::new("damaged");
    let path = dir.join("state.toml");
    let cases: [(&[u8], &str); 5] = [
        (b"[[etherStats]]\netherStatsIndex = \"one\"\n", "etherStatsIndex"),
        (b"[[historyControl]]\nhistoryControlIndex = 2\nhistoryControlInterval = 0\n", "historyControlInterval = 0"),
        (b"[[hostControl]]\nhostControlIndex = 2\nhostControlColour = 1\n", "hostControlColour"),
        (b"[[etherStats]]\netherStatsIndex = 2\netherStatsDataSource = \"eth0\"\n", "eth0"),
        (b"\xff\xfe[system]\n", "UTF-8"),
    ];
    for (text, what) in cases {
        fs::write(&path, text).unwrap();
        let e = load(&path).unwrap_err();
        let message = e.to_string();
        assert!(matches!(e, StateError::Damaged { .. }), "{message}");
        assert!(message.contains(&path.display().to_string()) && message.contains(what), "{message}");
    }
    let first = set_aside(&path).unwrap();
    assert!(!path.exists());
    let name = first.file_name().unwrap().to_string_lossy().into_owned();
    assert!(name.starts_with("state.toml.damaged-"), "{name}");
    assert_eq!(fs::read(&first).unwrap(), b"\xff\xfe[system]\n", "kept for a look");
    // Damaged again within the same second: a second name, the first kept.
    fs::write(&path, "x").unwrap();
    let second = set_aside(&path).unwrap();
    assert_ne!(first, second);
    assert_eq!(dir.names().len(), 2);
    assert_eq!(load(&path).unwrap(), None, "the probe starts without a state");
}

#[test]
fn save_replaces_the_whole_file_and_leaves_no_temporary() {
    let dir = TempDir::new("whole");
    let path = dir.join("state.toml");
    // A partial file left by a crash during an earlier save.
    fs::write(dir.join("state.toml.tmp"), "[[etherStats]]\netherSta").unwrap();
    let big = every_kind();
    save(&path, &big).unwrap();
    assert_eq!(fs::read_to_string(&path).unwrap(), render(&big).unwrap());
    let small = ProbeState { rows: big.rows[..1].to_vec(), ..ProbeState::default() };
    save(&path, &small).unwrap();
    assert_eq!(fs::read_to_string(&path).unwrap(), render(&small).unwrap(), "no tail of the longer file");
    assert_eq!(load(&path).unwrap(), Some(small));
    assert_eq!(dir.names(), vec!["state.toml"]);
}

#[test]
fn a_failed_save_leaves_what_was_there() {
    let dir = TempDir::new("failed");
    // The name is taken by a directory: the rename fails, and nothing is left half done.
    let path = dir.join("state.toml");
    fs::create_dir(&path).unwrap();
    fs::write(path.join("keep"), "kept").unwrap();
    assert!(save(&path, &every_kind()).is_err());
    assert_eq!(fs::read_to_string(path.join("keep")).unwrap(), "kept");
    assert_eq!(dir.names(), vec!["state.toml"]);
    // A directory that does not exist.
    assert!(save(&dir.join("no/such/state.toml"), &every_kind()).is_err());
    assert_eq!(dir.names(), vec!["state.toml"]);
}

#[test]
fn rows_of_a_data_source_gone_are_left_out_with_a_warning() {
    let state = every_kind();
    let (rows, warnings) = state.rows_for(&sources(1));
    let kept: Vec<_> = rows
        .iter()
        .map(|r| match r {
            RowRequest::History { index, .. } | RowRequest::Matrix { index, .. } => *index,
            // A user history watches no interface of its own.
            RowRequest::UsrHistory { index, .. } => *index,
            other => panic!("{other:?} should have been left out"),
        })
        .collect();
    assert_eq!(kept, vec![4, 6, 8]);
    assert_eq!(warnings.len(), 3, "{warnings:?}");
    assert!(warnings[0].contains("etherStats 3") && warnings[0].contains("1.3.6.1.2.1.2.2.1.1.2"), "{warnings:?}");
    assert!(warnings[2].contains("hostTopNControl 7") && warnings[2].contains("hostControl 5"), "{warnings:?}");
    Probe::new(Timestamp(0), sources(1), Limits::default(), &rows).unwrap();
}

#[test]
fn rmon2_rows_made_by_set_are_kept() {
    let dir = TempDir::new("rmon2");
    let path = dir.join("state.toml");
    let sources = sources(1);
    let defaults = RowRequest::defaults(&sources);
    let mut probe = Probe::new(Timestamp(0), sources.clone(), Limits::default(), &defaults).unwrap();
    let set = |table, index, column, value| RowEdit { table, index, column, value };
    let row_status =
        |table: ControlTable, index, s: i64| set(table, index, table.status_column(), ControlValue::Integer(s));
    let pdu = [
        // hlHostControl 2 by createAndGo, with a desired size; protocolDistControl 1 destroyed;
        // an nlMatrixTopN report of 60 s on hlMatrixControl 1 by octets.
        row_status(ControlTable::HlHostControl, 2, 4),
        set(ControlTable::HlHostControl, 2, 2, ControlValue::ObjectId(DataSource(1).oid())),
        set(ControlTable::HlHostControl, 2, 6, ControlValue::Integer(500)),
        row_status(ControlTable::ProtocolDistControl, 1, 6),
        row_status(ControlTable::NlMatrixTopNControl, 4, 4),
        set(ControlTable::NlMatrixTopNControl, 4, 2, ControlValue::Integer(1)),
        set(ControlTable::NlMatrixTopNControl, 4, 3, ControlValue::Integer(2)),
        set(ControlTable::NlMatrixTopNControl, 4, 4, ControlValue::Integer(60)),
    ];
    probe.apply_edits(Timestamp(0), &pdu).unwrap();
    // The directory: ether2.ip.tcp.8443 added by createAndGo, www-http's conversations off.
    let instance = |layers: &[u32]| {
        let id = crate::rmon::protocol_dir::protocol_id(layers);
        let mut i = vec![id.len() as u32];
        i.extend(id.iter().map(|&b| u32::from(b)));
        i.push(layers.len() as u32);
        i.extend(std::iter::repeat_n(0, layers.len()));
        i
    };
    let dir_edit = |layers: &[u32], column, value| {
        ProbeEdit::Directory(DirectoryEdit { instance: instance(layers), column, value: ControlValue::Integer(value) })
    };
    let directory = [dir_edit(&[1, 0x0800, 6, 8443], 10, 4), dir_edit(&[1, 0x0800, 6, 80], 8, 2)];
    probe.apply_probe_edits(Timestamp(0), &directory).unwrap();
    save(&path, &ProbeState::of(&probe)).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("[[hlHostControl]]") && text.contains("hlHostControlNlMaxDesiredEntries = 500"), "{text}");
    assert!(text.contains("nlMatrixTopNControlRateBase = \"nlMatrixTopNOctets\""), "{text}");
    assert!(
        text.contains("[[protocol]]") && text.contains("protocolDirID = \"0.0.0.1.0.0.8.0.0.0.0.6.0.0.32.251\""),
        "{text}"
    );
    assert!(text.contains("protocolDirMatrixConfig = \"supportedOff\""), "{text}");

    let loaded = load(&path).unwrap().unwrap();
    let (rows, warnings) = startup_rows(defaults, Some(&loaded), &sources);
    assert!(warnings.is_empty(), "{warnings:?}");
    let restored = Probe::new(Timestamp(0), sources, Limits::default(), &rows).unwrap();
    assert_eq!(restored.persistent_rows(), probe.persistent_rows());
    let t = restored.tables(Timestamp(0), &[]);
    assert!(t.protocol_dist_control.is_empty(), "the destroyed default stays destroyed");
    let hosts: Vec<_> =
        t.hl_host_control.iter().map(|h| (h.hl_host_control_index, h.hl_host_control_nl_max_desired_entries)).collect();
    assert_eq!(hosts, vec![(1, -1), (2, 500)]);
    assert_eq!(t.nl_matrix_top_n_control[0].nl_matrix_top_n_control_time_remaining, 60);
    let protocol = |descr: &str| t.protocol_dir.iter().find(|r| r.protocol_dir_descr == descr).cloned();
    let added = protocol("ether2.ip.tcp.8443").expect("the added protocol is back");
    assert_eq!((added.protocol_dir_local_index, added.protocol_dir_status), (64, RowStatus::Active));
    let www = protocol("ether2.ip.tcp.www-http").unwrap();
    assert_eq!(www.protocol_dir_matrix_config, ProtocolConfig::SupportedOff);
}

#[test]
fn al_matrix_top_n_rows_go_with_the_matrix_they_rank() {
    let dir = TempDir::new("al-top-n");
    let path = dir.join("state.toml");
    let two = sources(2);
    let defaults = RowRequest::defaults(&two);
    let mut probe = Probe::new(Timestamp(0), two.clone(), Limits::default(), &defaults).unwrap();
    let set = |index, column, value| RowEdit { table: ControlTable::AlMatrixTopNControl, index, column, value };
    let go = |index| set(index, 11, ControlValue::Integer(4));
    let pdu = [
        // alMatrixTopNControl 5: hlMatrixControl 1's terminals by octets, 60-second reports of
        // 20; 6: hlMatrixControl 2's (ifIndex 2) every entry by packets.
        go(5),
        set(5, 2, ControlValue::Integer(1)),
        set(5, 3, ControlValue::Integer(2)),
        set(5, 4, ControlValue::Integer(60)),
        set(5, 7, ControlValue::Integer(20)),
        set(5, 10, ControlValue::OctetString(b"noc".to_vec())),
        go(6),
        set(6, 2, ControlValue::Integer(2)),
        set(6, 3, ControlValue::Integer(3)),
    ];
    probe.apply_edits(Timestamp(0), &pdu).unwrap();
    save(&path, &ProbeState::of(&probe)).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("[[alMatrixTopNControl]]"), "{text}");
    assert!(text.contains("alMatrixTopNControlRateBase = \"alMatrixTopNTerminalsOctets\""), "{text}");
    assert!(text.contains("alMatrixTopNControlRateBase = \"alMatrixTopNAllPkts\""), "{text}");

    // With both interfaces, both come back as they were.
    let loaded = load(&path).unwrap().unwrap();
    let (rows, warnings) = startup_rows(defaults.clone(), Some(&loaded), &two);
    assert!(warnings.is_empty(), "{warnings:?}");
    let restored = Probe::new(Timestamp(0), two, Limits::default(), &rows).unwrap();
    assert_eq!(restored.persistent_rows(), probe.persistent_rows());
    let t = restored.tables(Timestamp(0), &[]);
    let controls: Vec<_> = t
        .al_matrix_top_n_control
        .iter()
        .map(|c| {
            (
                c.al_matrix_top_n_control_index,
                c.al_matrix_top_n_control_matrix_index,
                c.al_matrix_top_n_control_rate_base.map(|r| r.name()),
                c.al_matrix_top_n_control_time_remaining,
                c.al_matrix_top_n_control_granted_size,
                c.al_matrix_top_n_control_owner.0.as_str(),
            )
        })
        .collect();
    assert_eq!(
        controls,
        vec![
            (5, Some(1), Some("alMatrixTopNTerminalsOctets"), 60, 20, "noc"),
            (6, Some(2), Some("alMatrixTopNAllPkts"), 1800, 150, ""),
        ],
        "the DEFVALs where the SET gave none"
    );

    // On one interface hlMatrixControl 2 is not kept, and the report that ranks it goes too.
    let (rows, warnings) = startup_rows(defaults, Some(&loaded), &sources(1));
    let reports: Vec<u16> = rows
        .iter()
        .filter_map(|r| match r {
            RowRequest::AlMatrixTopN { index, .. } => Some(*index),
            _ => None,
        })
        .collect();
    assert_eq!(reports, vec![5]);
    assert!(
        warnings.iter().any(|w| w.contains("alMatrixTopNControl 6") && w.contains("hlMatrixControl 2")),
        "{warnings:?}"
    );
    Probe::new(Timestamp(0), sources(1), Limits::default(), &rows).unwrap();
}

/// The SNMPv3 engine's boots are kept with the rows, and a file written before any SET holds
/// the engine alone: its rows stay the configuration's.
#[test]
fn engine_boots_with_and_without_saved_rows() {
    let dir = TempDir::new("engine");
    let path = dir.join("state.toml");
    let engine = EngineState { engine_id: vec![0x80, 0, 0x7e, 0xd9, 5, 1, 2, 3], boots: 7 };
    let only_engine = ProbeState { engine: Some(engine.clone()), rows_saved: false, ..ProbeState::default() };
    save(&path, &only_engine).unwrap();
    let text = fs::read_to_string(&path).unwrap();
    assert!(
        text.contains("[snmpEngine]") && text.contains("engineBoots = 7") && text.contains("rowsSaved = false"),
        "{text}"
    );
    assert_eq!(load(&path).unwrap(), Some(only_engine));
    let mut with_rows = every_kind();
    with_rows.engine = Some(engine);
    save(&path, &with_rows).unwrap();
    let text = fs::read_to_string(&path).unwrap();
    assert!(!text.contains("rowsSaved"), "{text}");
    assert_eq!(load(&path).unwrap(), Some(with_rows));
}
