//! The AF_XDP engine (xsk-rs over libxdp): one XDP socket per receive queue of the interface.
//!
//! libxdp attaches its default XDP program, which redirects every frame of a queue that has a
//! socket bound to it into that socket and passes the others to the stack. The kernel copies each
//! frame into a UMEM frame that we handed it on the fill ring and tells us on the rx ring; we copy
//! it on into the batch and give the UMEM frame back on the fill ring at once. Always copy mode:
//! a probe reads a SPAN port, where zero-copy would buy little and many drivers (veth among them)
//! have none. The program is attached in XDP driver (native) mode where the driver has it, in
//! generic (SKB) mode otherwise.
//!
//! AF_XDP runs no kernel BPF filter of ours: `--filter` is compiled by libpcap and run here, on
//! each frame, before it is counted.
//!
//! With one borrowed descriptor in `pcap.rs`, the only `unsafe` code of the crate: the UMEM, whose
//! frames the kernel writes, and two system calls (poll, getsockopt) that std does not wrap.

use std::error::Error;
use std::fmt;
use std::io;
use std::num::NonZeroU32;
use std::os::fd::AsRawFd;
use std::path::Path;
use std::time::{Duration, Instant};

use pcap::{BpfProgram, Capture, Linktype};
use xsk_rs::config::{BindFlags, FrameSize, Interface, LibxdpFlags, QueueSize, SocketConfig, UmemConfig, XdpFlags};
use xsk_rs::{CompQueue, FillQueue, FrameDesc, RxQueue, Socket, TxQueue, Umem};

use super::{CaptureStats, LiveClock, LiveOptions, LiveSource, OpenError, ReadError};
use crate::capture::Batch;
use crate::packet::Fcs;

/// The read timeout: the longest `read` waits on a quiet queue.
pub const READ_TIMEOUT_MS: i32 = 50;

/// Bytes per UMEM frame: a page, the most a veth takes in driver mode and room for frames up to
/// 3840 bytes (a frame, less the kernel's 256-byte XDP headroom). Larger frames are dropped by the
/// socket and counted in `rx_dropped`.
pub const FRAME_SIZE: u32 = 4096;

/// The fewest UMEM frames a socket gets, whatever `--buffer-mb` says (16 MiB of UMEM).
pub const MIN_FRAMES: u32 = 4096;

/// The most: 4 GiB of UMEM per socket.
const MAX_FRAMES: u32 = 1 << 20;

/// The transmit and completion rings: we never transmit, but the kernel will not bind a socket
/// without them, so they are the smallest that do no harm.
const UNUSED_RING: u32 = 64;

/// How many rx descriptors one `read` takes at most, whatever `max` asks.
const RX_BURST: usize = 1024;

/// How long a read naps when the ring is empty right after frames came (see `read`): at 1 Mpps,
/// 200 frames, a small part of the smallest ring.
const BUSY_NAP: std::time::Duration = std::time::Duration::from_micros(200);

/// How the XDP program is attached.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum XdpMode {
    /// In the driver (native XDP): frames reach the socket before any skb is built.
    Driver,
    /// Generic (SKB) mode: after the skb is built, on any driver.
    Generic,
}

impl XdpMode {
    fn flags(self) -> XdpFlags {
        match self {
            XdpMode::Driver => XdpFlags::XDP_FLAGS_DRV_MODE,
            XdpMode::Generic => XdpFlags::XDP_FLAGS_SKB_MODE,
        }
    }
}

impl fmt::Display for XdpMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            XdpMode::Driver => "XDP driver mode",
            XdpMode::Generic => "generic (SKB) mode",
        })
    }
}

/// UMEM frames for a `--buffer-mb`: the MiB in frames of [`FRAME_SIZE`], rounded up to a power of
/// two (the fill and rx rings hold every frame, and ring sizes are powers of two), at least
/// [`MIN_FRAMES`].
pub fn umem_frames(buffer_mb: u32) -> u32 {
    let frames = (u64::from(buffer_mb) << 20) / u64::from(FRAME_SIZE);
    let frames = u32::try_from(frames).unwrap_or(MAX_FRAMES).clamp(MIN_FRAMES, MAX_FRAMES);
    frames.checked_next_power_of_two().unwrap_or(MAX_FRAMES).min(MAX_FRAMES)
}

/// Stops libbpf and libxdp printing on stderr. Left alone they print several lines on every
/// start (no bpffs mounted, so no dispatcher; ELF sections skipped), none of which the user can
/// act on; the errors this module returns carry the errno of what failed instead.
fn quiet_libraries() {
    static QUIET: std::sync::Once = std::sync::Once::new();
    QUIET.call_once(|| {
        // SAFETY: both calls only swap the function pointer the library calls to print; None
        // (NULL) means "print nothing" (documented for libbpf; libxdp checks for it before each
        // print). `Once` runs them before any socket of ours exists, and this module is the
        // process's only user of either library, so no call into them runs concurrently.
        unsafe {
            libbpf_sys::libbpf_set_print(None);
            libxdp_sys::libxdp_set_print(None);
        }
    });
}

/// The receive queues of an interface (`/sys/class/net/IF/queues/rx-*`), at least one.
fn rx_queues(interface: &str) -> Result<u32, OpenError> {
    let dir = Path::new("/sys/class/net").join(interface);
    if interface.is_empty() || interface.contains('/') || !dir.exists() {
        return Err(OpenError::NoSuchInterface(interface.to_string()));
    }
    let entries = std::fs::read_dir(dir.join("queues"))
        .map_err(|e| OpenError::Failed(interface.to_string(), format!("reading its receive queues: {e}")))?;
    let count = entries.filter_map(Result::ok).filter(|e| e.file_name().to_string_lossy().starts_with("rx-")).count();
    Ok(u32::try_from(count).unwrap_or(u32::MAX).max(1))
}

/// An error of xsk-rs with its cause (its `Display` leaves the errno out), and that errno.
fn cause(e: &(dyn Error + 'static)) -> (String, Option<i32>) {
    match e.source() {
        Some(source) => {
            let errno = source.downcast_ref::<io::Error>().and_then(io::Error::raw_os_error);
            (format!("{e}: {source}"), errno)
        }
        None => (e.to_string(), None),
    }
}

/// The open error for an errno met while setting up a socket.
fn open_error(interface: &str, what: String, errno: Option<i32>) -> OpenError {
    match errno {
        Some(libc::EPERM | libc::EACCES) => OpenError::Permission(interface.to_string(), what),
        Some(libc::ENODEV | libc::ENXIO) => OpenError::NoSuchInterface(interface.to_string()),
        _ => OpenError::AfxdpUnavailable(interface.to_string(), format!("AF_XDP unusable: {what}")),
    }
}

/// Opens one AF_XDP source per receive queue of `options.interface`.
///
/// Queue 0 decides the mode: driver mode if the driver attaches the program, generic mode
/// otherwise (with a notice on stderr); the other queues share that program, so they take the
/// same mode. Each socket has its own UMEM of `--buffer-mb` (see [`umem_frames`]).
pub fn open(options: &LiveOptions) -> Result<Vec<Box<dyn LiveSource>>, OpenError> {
    quiet_libraries();
    let name = &options.interface;
    let queues = rx_queues(name)?;
    let mut sources: Vec<Box<dyn LiveSource>> = Vec::with_capacity(queues as usize);
    let mode = match open_queue(options, 0, queues, XdpMode::Driver) {
        Ok(source) => {
            sources.push(Box::new(source));
            XdpMode::Driver
        }
        Err(Attempt::Fatal(e)) => return Err(e),
        Err(Attempt::ModeRefused(why, _)) => match open_queue(options, 0, queues, XdpMode::Generic) {
            Ok(source) => {
                eprintln!(
                    "rmonprobe: notice: {name}: XDP driver mode unavailable ({why}); using generic (SKB) mode, copy"
                );
                sources.push(Box::new(source));
                XdpMode::Generic
            }
            Err(Attempt::Fatal(e)) => return Err(e),
            Err(Attempt::ModeRefused(generic, _)) => {
                return Err(OpenError::AfxdpUnavailable(
                    name.clone(),
                    format!("no XDP mode works: driver mode: {why}; generic mode: {generic}"),
                ));
            }
        },
    };
    for queue in 1..queues {
        match open_queue(options, queue, queues, mode) {
            Ok(source) => sources.push(Box::new(source)),
            // Dropping the sources already open detaches the program again.
            Err(Attempt::Fatal(e)) => return Err(e),
            Err(Attempt::ModeRefused(why, _)) => {
                return Err(OpenError::AfxdpUnavailable(name.clone(), format!("queue {queue} in {mode}: {why}")));
            }
        }
    }
    Ok(sources)
}

/// Opens a socket on `queue` in `mode`. The kernel frees a closed socket's hold on its queue in
/// deferred work, so right after a socket on it closed (a failed attempt in another mode, whose
/// socket was bound before the program failed to attach; a reopen after the interface came back)
/// the queue is still taken for some tens of milliseconds (EBUSY): try again for up to
/// [`BUSY_RETRY`].
fn open_queue(options: &LiveOptions, queue: u32, queues: u32, mode: XdpMode) -> Result<AfxdpSource, Attempt> {
    let start = Instant::now();
    loop {
        match AfxdpSource::open(options, queue, queues, mode) {
            Err(Attempt::ModeRefused(_, Some(libc::EBUSY))) if start.elapsed() < BUSY_RETRY => {
                std::thread::sleep(Duration::from_millis(10));
            }
            other => return other,
        }
    }
}

/// How long [`open_queue`] waits for a queue to come free.
const BUSY_RETRY: Duration = Duration::from_secs(2);

/// Why one socket could not be opened.
enum Attempt {
    /// Creating or binding the socket failed in this XDP mode (with this errno); another mode
    /// may work.
    ModeRefused(String, Option<i32>),
    /// No mode will do better (no such interface, no permission, no UMEM).
    Fatal(OpenError),
}

/// The socket's rings. Each holds a handle on the socket; libxdp deletes it, and detaches the XDP
/// program when it was the last socket using it, when the last of them is dropped.
struct Rings {
    rx: RxQueue,
    fill: FillQueue,
    _comp: CompQueue,
    _tx: TxQueue,
}

/// An AF_XDP socket on one receive queue of an interface.
pub struct AfxdpSource {
    /// `None` only while being dropped.
    rings: Option<Rings>,
    /// Declared after `rings`: the socket goes before its memory does.
    umem: Umem,
    /// Scratch for the rx descriptors of one read (filled by the rx ring, given back to the fill
    /// ring); as long as the UMEM has frames.
    descs: Vec<FrameDesc>,
    /// Frames the fill ring had no room for, given back on the next read (never in practice: the
    /// fill ring holds every frame of the UMEM).
    unreturned: Vec<FrameDesc>,
    filter: Option<BpfProgram>,
    interface: String,
    if_index: u32,
    snaplen: usize,
    /// Frames delivered to us that passed the filter.
    received: u64,
    describe: String,
    /// The last read found frames: on a busy link, an empty ring is met with a nap, not a poll.
    busy: bool,
}

impl AfxdpSource {
    fn open(options: &LiveOptions, queue: u32, queues: u32, mode: XdpMode) -> Result<AfxdpSource, Attempt> {
        let name = &options.interface;
        let fatal = |e: OpenError| Attempt::Fatal(e);
        let filter = match &options.filter {
            Some(expr) => Some(compile(expr).map_err(|m| fatal(OpenError::Failed(name.clone(), m)))?),
            None => None,
        };
        let frames = umem_frames(options.buffer_mb);
        let ring = QueueSize::new(frames).map_err(|e| fatal(OpenError::Failed(name.clone(), e.to_string())))?;
        let unused = QueueSize::new(UNUSED_RING).map_err(|e| fatal(OpenError::Failed(name.clone(), e.to_string())))?;
        let frame_size =
            FrameSize::new(FRAME_SIZE).map_err(|e| fatal(OpenError::Failed(name.clone(), e.to_string())))?;
        let umem_config = UmemConfig::builder()
            .frame_size(frame_size)
            .fill_queue_size(ring)
            .comp_queue_size(unused)
            .frame_headroom(0)
            .build()
            .map_err(|e| fatal(OpenError::Failed(name.clone(), e.to_string())))?;
        let count =
            NonZeroU32::new(frames).ok_or_else(|| fatal(OpenError::Failed(name.clone(), "no frames".into())))?;
        let (umem, descs) = Umem::new(umem_config, count, false).map_err(|e| {
            let (what, errno) = cause(&e);
            let what = format!("UMEM of {} MiB: {what}", umem_mib(frames));
            fatal(match errno {
                Some(libc::ENOMEM | libc::ENOBUFS) => {
                    OpenError::AfxdpUnavailable(name.clone(), format!("{what}; try a smaller --buffer-mb"))
                }
                _ => open_error(name, what, errno),
            })
        })?;
        let socket_config = SocketConfig::builder()
            .rx_queue_size(ring)
            .tx_queue_size(unused)
            .libxdp_flags(LibxdpFlags::empty())
            .xdp_flags(mode.flags())
            .bind_flags(BindFlags::XDP_COPY)
            .build();
        let interface: Interface = name.parse().map_err(|_| fatal(OpenError::NoSuchInterface(name.clone())))?;
        // SAFETY: `Socket::new` requires XSK_LIBXDP_FLAGS_INHIBIT_PROG_LOAD only when the UMEM is
        // shared with a socket already bound to this (interface, queue) pair; this UMEM was just
        // created and is used by this socket alone.
        let created = unsafe { Socket::new(socket_config, &umem, &interface, queue) };
        let (tx, rx, fill_and_comp) = created.map_err(|e| {
            let (what, errno) = cause(&e);
            match errno {
                Some(libc::EPERM | libc::EACCES | libc::ENODEV | libc::ENXIO | libc::EAFNOSUPPORT) => {
                    fatal(open_error(name, what, errno))
                }
                _ => Attempt::ModeRefused(what, errno),
            }
        })?;
        let (mut fill, comp) = fill_and_comp.ok_or_else(|| {
            fatal(OpenError::AfxdpUnavailable(name.clone(), "the socket came without a fill ring".into()))
        })?;
        // SAFETY: every descriptor comes from this UMEM (`Umem::new` above) and none is in use:
        // the kernel owns them from here until it hands each back on the rx ring.
        let given = unsafe { fill.produce(&descs) };
        if given != descs.len() {
            return Err(fatal(OpenError::AfxdpUnavailable(
                name.clone(),
                format!("the fill ring took {given} of {} frames", descs.len()),
            )));
        }
        let describe = format!(
            "afxdp, {mode}, copy, queue {queue} of {queues}, UMEM {} MiB ({frames} frames of {FRAME_SIZE} bytes), snaplen {}, poll {READ_TIMEOUT_MS} ms{}",
            umem_mib(frames),
            options.snaplen,
            options.filter.as_ref().map_or(String::new(), |f| format!(", filter {f:?} in user space")),
        );
        let unreturned = Vec::with_capacity(descs.len());
        Ok(AfxdpSource {
            rings: Some(Rings { rx, fill, _comp: comp, _tx: tx }),
            umem,
            descs,
            unreturned,
            busy: false,
            filter,
            interface: name.clone(),
            if_index: options.if_index,
            snaplen: if options.snaplen == 0 { usize::MAX } else { options.snaplen as usize },
            received: 0,
            describe,
        })
    }
}

/// On a quiet queue: whether the interface is still there and up. An AF_XDP socket is not told
/// when its interface goes down (only when it is unregistered, and even then poll stays silent),
/// so this asks the socket for a pending error and sysfs for the interface's flags.
fn check_link(interface: &str, fd: i32) -> Result<(), ReadError> {
    let error = socket_error(fd);
    if error != 0 {
        let e = io::Error::from_raw_os_error(error);
        return Err(match error {
            libc::ENETDOWN | libc::ENODEV | libc::ENXIO => ReadError::Down(format!("{interface}: {e}")),
            _ => ReadError::Failed(format!("{interface}: {e}")),
        });
    }
    match super::admin_up(interface) {
        Some(true) => Ok(()),
        Some(false) => Err(ReadError::Down(format!("{interface}: the interface went down"))),
        None => Err(ReadError::Down(format!("{interface}: the interface went away"))),
    }
}

/// The UMEM's size in MiB.
fn umem_mib(frames: u32) -> u64 {
    (u64::from(frames) * u64::from(FRAME_SIZE)) >> 20
}

/// Compiles a filter expression for Ethernet frames.
fn compile(expr: &str) -> Result<BpfProgram, String> {
    let dead = Capture::dead(Linktype::ETHERNET).map_err(|e| format!("filter {expr:?}: {e}"))?;
    dead.compile(expr, true).map_err(|e| format!("filter {expr:?}: {e}"))
}

/// Waits up to `timeout_ms` for the socket to become readable. Ok(false): timed out or
/// interrupted; Err: poll failed or reported an error condition on the socket.
fn wait_readable(fd: i32, timeout_ms: i32) -> io::Result<bool> {
    let mut pollfd = libc::pollfd { fd, events: libc::POLLIN, revents: 0 };
    // SAFETY: `pollfd` is a valid, exclusively borrowed pollfd and the count passed is 1.
    let ready = unsafe { libc::poll(&mut pollfd, 1, timeout_ms) };
    if ready < 0 {
        let e = io::Error::last_os_error();
        return if e.kind() == io::ErrorKind::Interrupted { Ok(false) } else { Err(e) };
    }
    if pollfd.revents & (libc::POLLERR | libc::POLLHUP | libc::POLLNVAL) != 0 {
        let error = socket_error(fd);
        return Err(if error != 0 {
            io::Error::from_raw_os_error(error)
        } else {
            io::Error::other(format!("poll reported events {:#x}", pollfd.revents))
        });
    }
    Ok(ready > 0 && pollfd.revents & libc::POLLIN != 0)
}

/// The socket's pending error (SO_ERROR, which also clears it), 0 if none.
fn socket_error(fd: i32) -> i32 {
    let mut error: libc::c_int = 0;
    let mut len = std::mem::size_of::<libc::c_int>() as libc::socklen_t;
    // SAFETY: `error` and `len` are valid for writes and `len` holds the size of `error`, so the
    // kernel writes at most that many bytes.
    let rc = unsafe {
        libc::getsockopt(fd, libc::SOL_SOCKET, libc::SO_ERROR, (&raw mut error).cast::<libc::c_void>(), &mut len)
    };
    if rc == 0 { error } else { io::Error::last_os_error().raw_os_error().unwrap_or(libc::EIO) }
}

impl LiveSource for AfxdpSource {
    fn read(&mut self, batch: &mut Batch, max: usize, clock: &LiveClock) -> Result<(), ReadError> {
        let Some(rings) = self.rings.as_mut() else {
            return Err(ReadError::Failed(format!("{}: the socket is closed", self.interface)));
        };
        if !self.unreturned.is_empty() {
            // SAFETY: these frames came from this UMEM's rx ring and are no longer read.
            let given = unsafe { rings.fill.produce(&self.unreturned) };
            if given == self.unreturned.len() {
                self.unreturned.clear();
            }
        }
        let want = max.min(RX_BURST).min(self.descs.len());
        if want == 0 {
            return Ok(());
        }
        let descs = &mut self.descs[..want];
        // SAFETY: the rx ring belongs to this UMEM, and every descriptor it writes over in
        // `descs` is one we have already given back to the fill ring (or never used).
        let mut n = unsafe { rings.rx.consume(descs) };
        if n == 0 && self.busy {
            // The kernel wakes a poller for every frame, where a TPACKET_V3 ring wakes it once
            // per block: on a busy link, a poll per read costs a wake-up per frame or two. A
            // short nap lets a batch gather instead (the ring holds far more than a nap's worth).
            std::thread::sleep(BUSY_NAP);
            // SAFETY: as above.
            n = unsafe { rings.rx.consume(descs) };
        }
        self.busy = n > 0;
        if n == 0 {
            match wait_readable(rings.rx.fd().as_raw_fd(), READ_TIMEOUT_MS) {
                // SAFETY: as above.
                Ok(true) => n = unsafe { rings.rx.consume(descs) },
                Ok(false) => {}
                Err(e) => {
                    return Err(match e.raw_os_error() {
                        Some(libc::ENETDOWN | libc::ENODEV | libc::ENXIO) => {
                            ReadError::Down(format!("{}: {e}", self.interface))
                        }
                        _ => ReadError::Failed(format!("{}: {e}", self.interface)),
                    });
                }
            }
            if n == 0 {
                return check_link(&self.interface, rings.rx.fd().as_raw_fd());
            }
        }
        let time = clock.now();
        for desc in &descs[..n] {
            // SAFETY: `desc` was just filled in by this UMEM's rx ring, so it names a frame of
            // this UMEM that the kernel has finished writing and will not touch again until the
            // frame goes back on the fill ring, below, after this borrow ends.
            let frame = unsafe { self.umem.data(desc) }.contents();
            if let Some(filter) = &self.filter
                && !filter.filter(frame)
            {
                continue;
            }
            let orig_len = u32::try_from(frame.len()).unwrap_or(u32::MAX);
            let kept = &frame[..frame.len().min(self.snaplen)];
            batch.push(kept, orig_len, time, Fcs::Stripped, 0, self.if_index);
            self.received += 1;
        }
        // SAFETY: the frames are from this UMEM and were copied above; nothing reads them now.
        let given = unsafe { rings.fill.produce(&descs[..n]) };
        if given != n {
            // `produce` takes all or nothing; the fill ring has a slot for every frame, so this
            // does not happen, but a frame kept back is a frame lost for good.
            self.unreturned.extend_from_slice(&descs[..n]);
        }
        Ok(())
    }

    /// The socket's XDP_STATISTICS. `dropped` = `rx_dropped` (no free UMEM frame when a frame
    /// came, or a frame too big for one) + `rx_ring_full` (the rx ring full: we read too slowly).
    /// `rx_fill_ring_empty_descs` is left out: it counts failed takes from the fill ring, not
    /// frames; in copy mode each such failure is already one `rx_dropped`, and in zero-copy a
    /// driver may retry a take many times for one frame. Frames the socket dropped never met the
    /// filter, so with `--filter` some of them might not have matched it. `if_dropped` stays 0:
    /// the interface's rx_dropped is one counter for all queues and, on some drivers (veth),
    /// includes the frames the XDP program failed to hand to us, which `dropped` already counts.
    fn stats(&mut self) -> CaptureStats {
        let dropped = self
            .rings
            .as_ref()
            .and_then(|r| r.rx.fd().xdp_statistics().ok())
            .map_or(0, |s| s.rx_dropped().saturating_add(s.rx_ring_full()));
        CaptureStats { received: self.received, dropped, if_dropped: 0 }
    }

    fn describe(&self) -> String {
        self.describe.clone()
    }
}

impl Drop for AfxdpSource {
    /// Deletes the socket before its UMEM goes. libxdp's socket deletion takes the socket out of
    /// the program's map and decrements the program's reference count; the last socket on the
    /// interface detaches the XDP program, so no program stays attached after the sources are
    /// dropped.
    fn drop(&mut self) {
        drop(self.rings.take());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn umem_frames_follow_buffer_mb() {
        // 16 MiB and below: the floor of 4096 frames.
        assert_eq!(umem_frames(0), MIN_FRAMES);
        assert_eq!(umem_frames(1), MIN_FRAMES);
        assert_eq!(umem_frames(16), 4096);
        // 64 MiB of 4 KiB frames; 100 MiB rounds up to the next power of two.
        assert_eq!(umem_frames(64), 16384);
        assert_eq!(umem_frames(100), 32768);
        // Capped at 4 GiB, and no overflow on absurd sizes.
        assert_eq!(umem_frames(u32::MAX), MAX_FRAMES);
        assert_eq!(umem_mib(umem_frames(64)), 64);
    }
}
