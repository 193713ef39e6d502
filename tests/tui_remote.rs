//! The terminal UI's remote mode against rmonprobe's own agent serving a replay: what it reads
//! over SNMP (csnmp, GETBULK) equals what the embedded probe gives, table by table, and every
//! screen draws the same figures from either.

use std::net::UdpSocket;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use rmonprobe::config::Config;
use rmonprobe::replay::{ReplayOptions, Speed, replay};
use rmonprobe::rmon::control::EntryStatus;
use rmonprobe::rmon::topn::RateBase;
use rmonprobe::rmon::{Shard, Snapshot};
use rmonprobe::tui::app::{App, Event, Screen};
use rmonprobe::tui::keys;
use rmonprobe::tui::screens::render;
use rmonprobe::tui::source::remote::{RemoteSource, Snmp2c};
use rmonprobe::tui::source::{Groups, Reading, Source, TUI_OWNER, TopNRequest, Wants};

/// One row of every group. A replay samples the alarm and the user history on the packets'
/// clock, so the agent's replay and the embedded one log the same and have the same buckets.
const CONFIG: &str = r#"
[[event]]
eventIndex = 1
eventType = "log"
eventDescription = "ICMP seen"

[[alarm]]
alarmIndex = 1
alarmInterval = 4
alarmVariable = "1.3.6.1.2.1.16.1.1.1.5.1"
alarmSampleType = "deltaValue"
alarmRisingThreshold = 200
alarmFallingThreshold = 50
alarmRisingEventIndex = 1
alarmFallingEventIndex = 1

[[channel]]
channelIndex = 1
channelDataControl = "on"
channelDescription = "IPv4 ICMP"

[[filter]]
filterIndex = 1
filterChannelIndex = 1
filterPktDataOffset = 12
filterPktData = "08:00:00:00:00:00:00:00:00:00:00:01"
filterPktDataMask = "ff:ff:00:00:00:00:00:00:00:00:00:ff"

[[bufferControl]]
bufferControlIndex = 1
bufferControlChannelIndex = 1
bufferControlFullAction = "wrapWhenFull"

[[usrHistoryControl]]
usrHistoryControlIndex = 1
usrHistoryControlInterval = 10
usrHistoryControlBucketsRequested = 50

[[usrHistoryControl.objects]]
usrHistoryObjectVariable = "1.3.6.1.2.1.16.1.1.1.5.1"
usrHistoryObjectSampleType = "deltaValue"

[[usrHistoryControl.objects]]
usrHistoryObjectVariable = "1.3.6.1.2.1.16.1.1.1.4.1"
usrHistoryObjectSampleType = "deltaValue"
"#;

fn project(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

struct Served(Child);

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn local_snapshot(capture: &Path) -> Snapshot {
    let options = ReplayOptions {
        files: vec![capture.to_path_buf()],
        fcs_present: false,
        speed: Speed::Max,
        config: Config::parse(CONFIG).unwrap(),
        workers: 1,
    };
    let replayed = replay(&options).unwrap();
    let shards: Vec<&Shard> = replayed.shards.iter().collect();
    Snapshot::take(&replayed.probe, replayed.end_time(), &shards)
}

fn draw(snapshot: Snapshot, screen: Screen) -> String {
    let mut app = App::new("lab-basic".into(), PathBuf::from("."));
    app.update(Event::Reading(Ok(Reading {
        snapshot: Arc::new(snapshot),
        groups: Groups::ALL,
        finished: true,
        every_table: true,
    })));
    app.update(Event::Key(KeyEvent::new(KeyCode::Char(keys::screen_key(screen)), KeyModifiers::NONE)));
    assert_eq!(app.screen, screen);
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
    terminal.draw(|f| render(&app, f)).unwrap();
    format!("{}", terminal.backend())
}

#[test]
fn remote_mode_reads_what_the_embedded_probe_shows() {
    let capture = project("captures/lab-basic.pcapng");
    let dir = std::env::temp_dir().join(format!("rmonprobe-tui-remote-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let config = dir.join("probe.toml");
    std::fs::write(&config, CONFIG).unwrap();
    let port = UdpSocket::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let agent = format!("127.0.0.1:{port}");
    let _served = Served(
        Command::new(env!("CARGO_BIN_EXE_rmonprobe"))
            .arg("replay")
            .arg(&capture)
            .arg("--config")
            .arg(&config)
            .args(["--snmp", &agent, "--serve", "--write-community", "private"])
            .stdout(Stdio::null())
            .spawn()
            .expect("rmonprobe replay --serve"),
    );
    let local = local_snapshot(&capture);
    let walker = Snmp2c::connect(&agent, "public", Some("private"), Duration::from_secs(2)).unwrap();
    let mut remote = RemoteSource::new(agent.clone(), walker);

    // The agent serves the final tables once its clock has reached the last frame.
    let deadline = Instant::now() + Duration::from_secs(20);
    let reading = loop {
        if let Ok(r) = remote.read(Wants::ALL)
            && r.snapshot.sys_up_time() == local.sys_up_time()
        {
            break r;
        }
        assert!(Instant::now() < deadline, "the agent never reached the replay's end");
        std::thread::sleep(Duration::from_millis(200));
    };
    assert_eq!(reading.groups, Groups::ALL, "rmonprobe's agent has every RMON-1 group");
    let (r, l) = (&reading.snapshot.tables, &local.tables);
    assert_eq!(r.ether_stats, l.ether_stats);
    assert_eq!(r.history_control, l.history_control);
    assert_eq!(r.ether_history, l.ether_history);
    assert_eq!(r.host_control, l.host_control);
    assert_eq!(r.hosts, l.hosts);
    assert_eq!(r.matrix_control, l.matrix_control);
    assert_eq!(r.matrix_sd, l.matrix_sd);
    assert_eq!(r.filters, l.filters);
    assert_eq!(r.channels, l.channels);
    assert_eq!(r.buffer_control, l.buffer_control);
    assert_eq!(r.capture_buffer.len(), 149, "tshark's ICMP frames of lab-basic (tests/capture_buffers.rs)");
    assert_eq!(r.capture_buffer, l.capture_buffer);
    assert_eq!(r.event, l.event);
    assert_eq!(r.alarm, l.alarm);
    assert_eq!(r.log, l.log);
    assert!(r.log.len() >= 4, "the alarm fired both ways, more than once: {:?}", r.log);
    assert_eq!(reading.snapshot.interfaces[0].info.if_speed, local.interfaces[0].info.if_speed);
    assert!(!r.hosts.is_empty() && !r.matrix_sd.is_empty() && !r.ether_history.is_empty());
    // RMON2's application layer, every row: a walk at timemark 0 cannot tell when a row last
    // changed, so that alone is left out.
    let mut al_host = l.al_host.clone();
    al_host.iter_mut().for_each(|h| h.last_change = 0);
    let mut al_matrix_sd = l.al_matrix_sd.clone();
    al_matrix_sd.iter_mut().for_each(|p| p.last_change = 0);
    assert_eq!(r.al_host, al_host);
    assert_eq!(r.al_matrix_sd, al_matrix_sd);
    assert!(r.al_host.len() > 12 && r.al_matrix_sd.len() > 18, "the transports' rows and the applications'");
    // RMON2's user history: the row, its two objects, and ten 10 s buckets of each.
    assert_eq!(r.usr_history_control, l.usr_history_control);
    assert_eq!(r.usr_history_object, l.usr_history_object);
    assert_eq!(r.usr_history, l.usr_history);
    assert_eq!((r.usr_history_object.len(), r.usr_history.len()), (2, 20));
    // RMONPROBE-MIB's passive TCP latency, under the enterprise arc: every server and pair.
    assert_eq!(r.tcp_latency_server, l.tcp_latency_server);
    assert_eq!(r.tcp_latency_pair, l.tcp_latency_pair);
    assert_eq!(r.tcp_latency_server.len(), 3, "HTTP, DNS over TCP and iperf3");

    for screen in Screen::ALL {
        let (remote_screen, local_screen) = (draw((*reading.snapshot).clone(), screen), draw(local.clone(), screen));
        assert_eq!(remote_screen, local_screen, "{screen:?} differs between remote and local");
    }
    let applications = draw((*reading.snapshot).clone(), Screen::Applications);
    assert!(
        applications.contains("alHostTable 1 · 3 applications") && applications.contains("www-http"),
        "{applications}"
    );
    let latency = draw((*reading.snapshot).clone(), Screen::Latency);
    assert!(latency.contains("10.77.0.1:80") && latency.contains("3 clients of 10.77.0.1:80"), "{latency}");
    let usr_history = draw((*reading.snapshot).clone(), Screen::UsrHistory);
    assert!(
        usr_history.contains("every 10 s · 10 of 50 buckets") && usr_history.contains("1. etherStatsPkts.1"),
        "{usr_history}"
    );

    // On a remote agent, Top N makes its report over SNMP.
    let request = TopNRequest { host_index: 1, rate_base: RateBase::OutOctets, duration: 30, requested_size: 5 };
    let index = remote.start_top_n(&request).expect("SET of a hostTopNControl row");
    let after = remote.read(Wants::default()).unwrap();
    let row = after.snapshot.tables.host_top_n_control.iter().find(|c| c.host_top_n_control_index == index).unwrap();
    assert_eq!(row.host_top_n_status, EntryStatus::Valid);
    assert_eq!(row.host_top_n_rate_base, Some(RateBase::OutOctets));
    assert_eq!(row.host_top_n_duration, 30);
    assert_eq!(row.host_top_n_owner.0, TUI_OWNER);

    // The buffer written from the agent's rows holds its 149 frames.
    let pcap = dir.join("remote-buffer.pcap");
    assert_eq!(remote.write_buffer(1, &pcap).unwrap(), 149);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_agent_that_does_not_answer_gives_an_error_not_figures() {
    // An agent that answers nothing at all: the reading fails with the client's error, and
    // no screen pretends to have figures.
    let silent = UdpSocket::bind("127.0.0.1:0").unwrap();
    let agent = silent.local_addr().unwrap().to_string();
    let walker = Snmp2c::connect(&agent, "public", None, Duration::from_millis(200)).unwrap();
    let mut remote = RemoteSource::new(agent, walker);
    assert!(remote.read(Wants::default()).is_err());
    let request = TopNRequest { host_index: 1, rate_base: RateBase::OutOctets, duration: 30, requested_size: 5 };
    assert!(remote.start_top_n(&request).is_err());
}

/// The same agent read over SNMPv3 (the project's USM client: discovery, SHA-512 + AES) gives
/// the same tables as over v2c (csnmp), makes a Top N report by SET, and a wrong password is an
/// error that says so.
#[test]
fn remote_mode_over_snmpv3_reads_what_v2c_reads() {
    use rmonprobe::snmp::usm::client::Credentials;
    use rmonprobe::snmp::usm::{AuthProtocol, PrivProtocol};
    use rmonprobe::tui::source::remote::Snmp3;

    let capture = project("captures/lab-basic.pcapng");
    let dir = std::env::temp_dir().join(format!("rmonprobe-tui-remote-v3-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let config = dir.join("probe.toml");
    let users = "[snmp]\n[[snmp.users]]\nname = \"tui\"\nauthProtocol = \"SHA-512\"\nauthPassword = \"tui-password\"\n\
                 privProtocol = \"AES\"\nprivPassword = \"tui-privacy\"\naccess = \"write\"\n";
    std::fs::write(&config, format!("{users}{CONFIG}")).unwrap();
    let port = UdpSocket::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let agent = format!("127.0.0.1:{port}");
    let _served = Served(
        Command::new(env!("CARGO_BIN_EXE_rmonprobe"))
            .arg("replay")
            .arg(&capture)
            .arg("--config")
            .arg(&config)
            .args(["--snmp", &agent, "--serve"])
            .stdout(Stdio::null())
            .spawn()
            .expect("rmonprobe replay --serve"),
    );
    let local = local_snapshot(&capture);
    let credentials = |auth: &str| Credentials {
        user: "tui".into(),
        auth: Some((AuthProtocol::Sha512, auth.into())),
        privacy: Some((PrivProtocol::Aes128, "tui-privacy".into())),
    };
    let deadline = Instant::now() + Duration::from_secs(20);
    let (v3, v2c) = loop {
        let walker = Snmp3::connect(&agent, &credentials("tui-password"), Duration::from_secs(2));
        if let Ok(walker) = walker {
            let mut v3 = RemoteSource::new(agent.clone(), walker);
            let mut v2c = RemoteSource::new(
                agent.clone(),
                Snmp2c::connect(&agent, "public", None, Duration::from_secs(2)).unwrap(),
            );
            if let (Ok(a), Ok(b)) = (v3.read(Wants::ALL), v2c.read(Wants::ALL))
                && a.snapshot.sys_up_time() == local.sys_up_time()
            {
                break ((v3, a), b);
            }
        }
        assert!(Instant::now() < deadline, "the agent never answered over v3 at the replay's end");
        std::thread::sleep(Duration::from_millis(200));
    };
    let ((mut remote, reading), plain) = (v3, v2c);
    let (a, b) = (&reading.snapshot.tables, &plain.snapshot.tables);
    assert_eq!(reading.groups, plain.groups);
    assert_eq!(a.ether_stats, b.ether_stats);
    assert_eq!(a.ether_history, b.ether_history);
    assert_eq!(a.hosts, b.hosts);
    assert_eq!(a.matrix_sd, b.matrix_sd);
    assert_eq!(a.nl_host, b.nl_host);
    assert_eq!(a.nl_matrix_sd, b.nl_matrix_sd);
    assert_eq!(a.al_host, b.al_host);
    assert_eq!(a.al_matrix_sd, b.al_matrix_sd);
    assert_eq!(a.usr_history, b.usr_history);
    assert_eq!(a.capture_buffer, b.capture_buffer);
    assert_eq!(a.log, b.log);
    assert_eq!(a.hosts, local.tables.hosts, "and what the embedded probe has");
    assert!(!a.hosts.is_empty() && !a.nl_matrix_sd.is_empty());
    let request = TopNRequest { host_index: 1, rate_base: RateBase::OutPkts, duration: 20, requested_size: 3 };
    let index = remote.start_top_n(&request).expect("SET of a hostTopNControl row over v3");
    let after = remote.read(Wants::default()).unwrap();
    assert!(after.snapshot.tables.host_top_n_control.iter().any(|c| c.host_top_n_control_index == index));
    let wrong = Snmp3::connect(&agent, &credentials("not-the-password"), Duration::from_secs(2)).unwrap();
    let error = RemoteSource::new(agent.clone(), wrong).read(Wants::ALL).expect_err("a wrong password reads nothing");
    assert!(error.contains("WrongDigests"), "{error}");
    let _ = std::fs::remove_dir_all(&dir);
}
