//! The AF_XDP engine against a veth pair: one end in the root namespace, where this test opens
//! the capture, the other in a namespace of its own, where a Python script sends known frames
//! through an AF_PACKET socket. Needs root (CI runs as root) and `ip`, `python3`.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use rmonprobe::capture::Batch;
use rmonprobe::capture::live::{self, Engine, LiveClock, LiveOptions, LiveSource, OpenError, ReadError};
use rmonprobe::packet::Fcs;

/// Runs a command, panicking with its output when it fails.
fn run(args: &[&str]) -> String {
    let out = Command::new(args[0]).args(&args[1..]).output().unwrap_or_else(|e| panic!("{args:?}: {e}"));
    assert!(
        out.status.success(),
        "{args:?}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A veth pair: `capture` in the root namespace, `sender` in namespace `netns`. Dropping it
/// deletes the namespace (and with it the pair), even when the test failed.
struct Lab {
    netns: String,
    capture: String,
    sender: String,
}

impl Lab {
    fn new(tag: &str) -> Lab {
        Lab::with_queues(tag, 1, 1)
    }

    /// A pair whose capture end has `capture_queues` receive (and transmit) queues and whose
    /// sender end has `sender_queues`.
    fn with_queues(tag: &str, capture_queues: u32, sender_queues: u32) -> Lab {
        let base = format!("rxa{}{tag}", std::process::id());
        let lab = Lab { netns: base.clone(), capture: format!("{base}r"), sender: format!("{base}s") };
        run(&["ip", "netns", "add", &lab.netns]);
        // Nothing in the sender's namespace may talk on its own (no IPv6 DAD, MLD, RS): the test
        // counts every frame that arrives.
        for conf in ["all", "default"] {
            run(&["ip", "netns", "exec", &lab.netns, "sysctl", "-qw", &format!("net.ipv6.conf.{conf}.disable_ipv6=1")]);
        }
        let (cq, sq) = (capture_queues.to_string(), sender_queues.to_string());
        #[rustfmt::skip]
        run(&[
            "ip", "link", "add", &lab.capture, "numrxqueues", &cq, "numtxqueues", &cq,
            "type", "veth", "peer", "name", &lab.sender, "numrxqueues", &sq, "numtxqueues", &sq, "netns", &lab.netns,
        ]);
        let _ = std::fs::write(format!("/proc/sys/net/ipv6/conf/{}/disable_ipv6", lab.capture), "1");
        run(&["ip", "link", "set", &lab.capture, "up"]);
        run(&["ip", "netns", "exec", &lab.netns, "ip", "link", "set", &lab.sender, "up"]);
        lab
    }

    fn options(&self, filter: Option<&str>) -> LiveOptions {
        LiveOptions {
            interface: self.capture.clone(),
            if_index: 7,
            snaplen: 65535,
            buffer_mb: 4,
            filter: filter.map(String::from),
        }
    }

    /// Sends `frames` out of the sender end, in order.
    fn send(&self, frames: &[Vec<u8>]) {
        let hex: String =
            frames.iter().map(|f| f.iter().map(|b| format!("{b:02x}")).collect::<String>() + "\n").collect();
        let script = format!(
            "import socket, sys, time\n\
             s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)\n\
             s.bind(({:?}, 0))\n\
             for i, line in enumerate(sys.stdin):\n\
             \x20   s.send(bytes.fromhex(line.strip()))\n\
             \x20   if i % 100 == 99: time.sleep(0.002)\n",
            self.sender
        );
        let mut child = Command::new("ip")
            .args(["netns", "exec", &self.netns, "python3", "-c", &script])
            .stdin(Stdio::piped())
            .spawn()
            .expect("python3 in the namespace");
        {
            use std::io::Write;
            let mut stdin = child.stdin.take().expect("stdin");
            stdin.write_all(hex.as_bytes()).expect("frames to the sender");
        }
        assert!(child.wait().expect("sender").success(), "the sender failed");
    }

    fn xdp_attached(&self) -> bool {
        let text = run(&["ip", "-d", "link", "show", "dev", &self.capture]);
        text.contains("xdp") || text.contains("prog/")
    }
}

impl Drop for Lab {
    fn drop(&mut self) {
        let _ = Command::new("ip").args(["link", "del", &self.capture]).stderr(Stdio::null()).status();
        let _ = Command::new("ip").args(["netns", "del", &self.netns]).status();
    }
}

/// Whether to run: as root (CI is), or not at all when RMONPROBE_SKIP_ROOT_TESTS is set; as
/// anyone else the tests fail rather than pass without having looked.
fn is_root() -> bool {
    if std::env::var_os("RMONPROBE_SKIP_ROOT_TESTS").is_some() {
        eprintln!("skipped: RMONPROBE_SKIP_ROOT_TESTS is set");
        return false;
    }
    let uid = run(&["id", "-u"]);
    assert_eq!(uid.trim(), "0", "the AF_XDP tests need root (or set RMONPROBE_SKIP_ROOT_TESTS=1)");
    true
}

/// Frame `i` of a test run: to 02:00:00:00:00:01 from 02:00:00:00:01:0(i % 4), local EtherType
/// 0x88b5, the index in 4 bytes, then a pattern; 60 to 1514 bytes.
fn frame(i: u32) -> Vec<u8> {
    let len = 60 + (i as usize * 373) % (1514 - 60 + 1);
    let mut f = vec![0x02, 0, 0, 0, 0, 0x01, 0x02, 0, 0, 0, 0x01, (i % 4) as u8, 0x88, 0xb5];
    f.extend_from_slice(&i.to_be_bytes());
    f.extend((f.len()..len).map(|j| (j as u32 ^ i.wrapping_mul(31)) as u8));
    f
}

/// Reads every source in turn until `want` frames arrived or `timeout` passed; returns the
/// frames (data, orig_len) in arrival order, queue by queue.
fn collect(sources: &mut [Box<dyn LiveSource>], want: usize, timeout: Duration) -> Vec<(Vec<u8>, u32)> {
    let clock = LiveClock::start();
    let mut batch = Batch::with_capacity(256);
    let mut got = Vec::new();
    let start = Instant::now();
    while got.len() < want && start.elapsed() < timeout {
        for source in sources.iter_mut() {
            batch.clear();
            source.read(&mut batch, 256, &clock).expect("read");
            for f in batch.iter() {
                assert_eq!(f.fcs, Fcs::Stripped);
                assert_eq!(f.if_index, 7);
                got.push((f.data.to_vec(), f.orig_len));
            }
        }
    }
    // A moment more, to see that nothing extra arrives.
    for source in sources.iter_mut() {
        batch.clear();
        source.read(&mut batch, 256, &clock).expect("read");
        got.extend(batch.iter().map(|f| (f.data.to_vec(), f.orig_len)));
    }
    got
}

fn totals(sources: &mut [Box<dyn LiveSource>]) -> (u64, u64) {
    sources.iter_mut().map(|s| s.stats()).fold((0, 0), |(r, d), s| (r + s.received, d + s.dropped))
}

/// Opens the capture end, sends N frames, checks that each arrived once and intact, that the
/// figures say so, and that no XDP program is left after the sources are dropped; returns the
/// sources' descriptions.
fn receive_all_and_detach(lab: &Lab) -> Vec<String> {
    const N: u32 = 1000;
    let sent: Vec<Vec<u8>> = (0..N).map(frame).collect();
    let mut sources = live::open(Engine::Afxdp, &lab.options(None)).expect("open AF_XDP");
    assert!(!sources.is_empty());
    for s in &sources {
        eprintln!("{}: {}", lab.capture, s.describe());
        assert!(s.describe().starts_with("afxdp, "), "{}", s.describe());
    }
    assert!(lab.xdp_attached(), "no XDP program attached while capturing");
    let link = run(&["ip", "-d", "link", "show", "dev", &lab.capture]);
    eprintln!("{}: {}", lab.capture, link.lines().filter(|l| l.contains("xdp")).collect::<Vec<_>>().join(" / "));
    lab.send(&sent);
    let mut got = collect(&mut sources, N as usize, Duration::from_secs(10));
    assert_eq!(got.len(), N as usize, "frames received");
    // Queues may interleave: order by the index each frame carries.
    got.sort_by_key(|(data, _)| u32::from_be_bytes([data[14], data[15], data[16], data[17]]));
    for (i, (data, orig_len)) in got.iter().enumerate() {
        assert_eq!(data, &sent[i], "frame {i}");
        assert_eq!(*orig_len as usize, sent[i].len(), "frame {i} length");
    }
    let per_queue: Vec<u64> = sources.iter_mut().map(|s| s.stats().received).collect();
    let (received, dropped) = totals(&mut sources);
    eprintln!("received {received} (by queue {per_queue:?}), dropped {dropped}");
    assert_eq!(received, u64::from(N));
    assert_eq!(dropped, 0);
    let described = sources.iter().map(|s| s.describe()).collect();
    drop(sources);
    assert!(
        !lab.xdp_attached(),
        "an XDP program is still attached after drop: {}",
        run(&["ip", "-d", "link", "show", "dev", &lab.capture])
    );
    described
}

#[test]
fn afxdp_receives_every_frame_intact_and_detaches_on_drop() {
    if !is_root() {
        return;
    }
    let lab = Lab::new("a");
    let described = receive_all_and_detach(&lab);
    assert_eq!(described.len(), 1);
    // veth has native XDP: no fallback.
    assert!(described[0].contains("XDP driver mode, copy, queue 0 of 1"), "{}", described[0]);
}

#[test]
fn afxdp_opens_one_socket_per_receive_queue() {
    if !is_root() {
        return;
    }
    let lab = Lab::with_queues("f", 2, 2);
    let described = receive_all_and_detach(&lab);
    assert_eq!(described.len(), 2, "{described:?}");
    assert!(described[1].contains("XDP driver mode, copy, queue 1 of 2"), "{}", described[1]);
}

#[test]
fn afxdp_falls_back_to_generic_mode() {
    if !is_root() {
        return;
    }
    // veth refuses native XDP on a device with fewer receive queues than its peer has transmit
    // queues: the engine must fall back to generic mode and still see every frame.
    let lab = Lab::with_queues("g", 1, 2);
    let described = receive_all_and_detach(&lab);
    assert_eq!(described.len(), 1);
    assert!(described[0].contains("generic (SKB) mode, copy"), "{}", described[0]);
}

#[test]
fn afxdp_snaplen_cuts_frames_but_keeps_their_length() {
    if !is_root() {
        return;
    }
    let lab = Lab::new("b");
    let sent: Vec<Vec<u8>> = (0..50).map(frame).collect();
    let mut options = lab.options(None);
    options.snaplen = 64;
    let mut sources = live::open(Engine::Afxdp, &options).expect("open AF_XDP");
    lab.send(&sent);
    let mut got = collect(&mut sources, sent.len(), Duration::from_secs(10));
    assert_eq!(got.len(), sent.len());
    got.sort_by_key(|(data, _)| u32::from_be_bytes([data[14], data[15], data[16], data[17]]));
    for (i, (data, orig_len)) in got.iter().enumerate() {
        assert_eq!(data[..], sent[i][..sent[i].len().min(64)], "frame {i}");
        assert_eq!(*orig_len as usize, sent[i].len());
    }
}

#[test]
fn afxdp_filter_keeps_only_matching_frames() {
    if !is_root() {
        return;
    }
    let lab = Lab::new("c");
    const N: u32 = 400;
    let sent: Vec<Vec<u8>> = (0..N).map(frame).collect();
    let mut sources = live::open(Engine::Afxdp, &lab.options(Some("ether src 02:00:00:00:01:01")))
        .expect("open AF_XDP with a filter");
    assert!(sources[0].describe().contains("filter"), "{}", sources[0].describe());
    lab.send(&sent);
    let want: Vec<&Vec<u8>> = sent.iter().filter(|f| f[11] == 1).collect();
    assert_eq!(want.len(), N as usize / 4);
    let mut got = collect(&mut sources, want.len(), Duration::from_secs(10));
    // Give the frames that should not pass a chance to show up.
    got.extend(collect(&mut sources, 1, Duration::from_millis(200)));
    assert_eq!(got.len(), want.len(), "frames passing the filter");
    got.sort_by_key(|(data, _)| u32::from_be_bytes([data[14], data[15], data[16], data[17]]));
    for ((data, _), want) in got.iter().zip(&want) {
        assert_eq!(&data, want);
    }
    let (received, dropped) = totals(&mut sources);
    assert_eq!(received, want.len() as u64, "filtered-out frames are not received");
    assert_eq!(dropped, 0);
}

#[test]
fn afxdp_bad_filter_is_an_open_error() {
    if !is_root() {
        return;
    }
    let lab = Lab::new("d");
    match live::open(Engine::Afxdp, &lab.options(Some("ether src nonsense"))) {
        Err(OpenError::Failed(_, m)) => assert!(m.contains("filter"), "{m}"),
        Err(e) => panic!("unexpected error {e}"),
        Ok(_) => panic!("a bad filter opened"),
    }
    assert!(!lab.xdp_attached());
}

#[test]
fn afxdp_missing_interface_is_no_such_interface() {
    let options = LiveOptions {
        interface: format!("nx{}", std::process::id()),
        if_index: 1,
        snaplen: 128,
        buffer_mb: 4,
        filter: None,
    };
    match live::open(Engine::Afxdp, &options) {
        Err(OpenError::NoSuchInterface(name)) => assert_eq!(name, options.interface),
        Err(e) => panic!("unexpected error {e}"),
        Ok(_) => panic!("opened a missing interface"),
    }
}

#[test]
fn afxdp_reports_the_interface_going_down() {
    if !is_root() {
        return;
    }
    let lab = Lab::new("e");
    let mut sources = live::open(Engine::Afxdp, &lab.options(None)).expect("open AF_XDP");
    let clock = LiveClock::start();
    let mut batch = Batch::with_capacity(16);
    for s in sources.iter_mut() {
        s.read(&mut batch, 16, &clock).expect("a quiet read is fine");
    }
    run(&["ip", "link", "set", &lab.capture, "down"]);
    for s in sources.iter_mut() {
        match s.read(&mut batch, 16, &clock) {
            Err(ReadError::Down(m)) => assert!(m.contains(&lab.capture), "{m}"),
            Err(ReadError::Failed(m)) => panic!("Failed, not Down: {m}"),
            Ok(()) => panic!("no error on a downed interface"),
        }
    }
    drop(sources);
    assert!(!lab.xdp_attached());
    // Back up and reopened at once, as the capture thread does: the queue the old socket held is
    // freed by the kernel a little later, which must not push the engine into generic mode.
    run(&["ip", "link", "set", &lab.capture, "up"]);
    let sources = live::open(Engine::Afxdp, &lab.options(None)).expect("reopen AF_XDP");
    assert!(sources[0].describe().contains("XDP driver mode"), "{}", sources[0].describe());
    drop(sources);
    assert!(!lab.xdp_attached());
}

#[test]
fn afxdp_counts_the_frames_it_had_no_room_for() {
    if !is_root() {
        return;
    }
    // 6000 frames into a socket nobody reads: its 4096 UMEM frames fill, the rest are dropped.
    let lab = Lab::new("h");
    const N: u32 = 6000;
    let sent: Vec<Vec<u8>> = (0..N).map(frame).collect();
    let mut sources = live::open(Engine::Afxdp, &lab.options(None)).expect("open AF_XDP");
    lab.send(&sent);
    let got = collect(&mut sources, N as usize, Duration::from_secs(2));
    let (received, dropped) = totals(&mut sources);
    eprintln!("received {received}, dropped {dropped}");
    assert_eq!(got.len() as u64, received);
    assert_eq!(received, 4096, "one UMEM's worth");
    assert_eq!(received + dropped, u64::from(N), "every frame received or counted as dropped");
}
