//! Live capture: frames from a network interface, in batches, as [`crate::capture::file`]
//! gives them from a file.
//!
//! Two engines behind one trait, [`LiveSource`]:
//! - `pcap`: libpcap (the pcap crate) with a TPACKET_V3 ring, a short read timeout and the BPF
//!   filter in the kernel;
//! - `afxdp`: AF_XDP sockets (xsk-rs), one per receive queue; the module with `unsafe` (and
//!   `pcap` one `poll` on a borrowed descriptor).
//!
//! A source numbers nothing and counts nothing: the capture thread in [`crate::live`] numbers
//! each batch from a shared counter and dispatches it to the workers.

// The crate's one exception to `deny(unsafe_code)`: the UMEM and two system calls, each `unsafe`
// block with its `// SAFETY:` argument.
#[allow(unsafe_code)]
pub mod afxdp;
pub mod clock;
pub mod pcap;
mod privileges;

pub use privileges::{PrivilegeError, drop_privileges};

use std::fmt;

pub use clock::LiveClock;

use crate::capture::Batch;

/// Which capture engine reads an interface.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    Pcap,
    Afxdp,
}

impl std::str::FromStr for Engine {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "pcap" => Ok(Engine::Pcap),
            "afxdp" => Ok(Engine::Afxdp),
            _ => Err(format!("engine {s:?}: use pcap or afxdp")),
        }
    }
}

impl fmt::Display for Engine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Engine::Pcap => "pcap",
            Engine::Afxdp => "afxdp",
        })
    }
}

/// How to open one interface.
#[derive(Clone, Debug)]
pub struct LiveOptions {
    pub interface: String,
    /// The data source's ifIndex, stamped on every frame.
    pub if_index: u32,
    /// Bytes kept of each frame; RMON-1 needs only the first few, filters and capture buffers
    /// may want all of it.
    pub snaplen: u32,
    /// Kernel ring size in MiB (pcap: the TPACKET_V3 ring; afxdp: the UMEM).
    pub buffer_mb: u32,
    /// A BPF filter expression (tcpdump syntax).
    pub filter: Option<String>,
}

/// What the kernel says about a capture, cumulative since the source was opened.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CaptureStats {
    /// Frames the capture layer received (passed the filter), counted or not.
    pub received: u64,
    /// Frames it dropped for want of room (ring full, fill ring empty, ...).
    pub dropped: u64,
    /// Frames the interface itself dropped before the capture saw them (its rx_dropped since
    /// open, where the engine can tell).
    pub if_dropped: u64,
}

/// Why a read failed.
#[derive(Debug)]
pub enum ReadError {
    /// The interface went down or away: the capture thread reopens it when it comes back.
    Down(String),
    /// Anything else: the capture of this interface ends with this message.
    Failed(String),
}

/// Why an interface could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("{0}: no such interface (see `ip link`)")]
    NoSuchInterface(String),
    #[error(
        "{0}: permission denied: {1}; run as root, or give the binary CAP_NET_RAW and CAP_NET_ADMIN (and CAP_BPF for --engine afxdp)"
    )]
    Permission(String, String),
    #[error("{0}: {1}; try --engine pcap")]
    AfxdpUnavailable(String, String),
    #[error("{0}: {1}")]
    Failed(String, String),
}

/// A live capture on one interface, or on one receive queue of it.
pub trait LiveSource: Send {
    /// Waits up to a short read timeout (tens of milliseconds) for frames and appends the ones
    /// that have arrived, at most `max`, to `batch`, stamped on `clock` (seq 0: the caller
    /// numbers them). Returning with none appended is normal on a quiet link.
    fn read(&mut self, batch: &mut Batch, max: usize, clock: &LiveClock) -> Result<(), ReadError>;

    /// The kernel's figures since open.
    fn stats(&mut self) -> CaptureStats;

    /// How the capture runs, for the log and the report: engine, mode, ring size.
    fn describe(&self) -> String;
}

/// Opens an interface with an engine: one source for pcap, one per receive queue for afxdp.
pub fn open(engine: Engine, options: &LiveOptions) -> Result<Vec<Box<dyn LiveSource>>, OpenError> {
    match engine {
        Engine::Pcap => Ok(vec![Box::new(pcap::PcapSource::open(options)?)]),
        Engine::Afxdp => afxdp::open(options),
    }
}

/// Pins the calling thread to a core (`--pin`). A failure (a core outside the process's CPU
/// set, say) is reported and the thread runs unpinned: pinning is an optimization.
pub fn pin_to_core(core: usize) {
    let mut set = nix::sched::CpuSet::new();
    let pinned = set.set(core).and_then(|()| nix::sched::sched_setaffinity(nix::unistd::Pid::from_raw(0), &set));
    if let Err(e) = pinned {
        eprintln!("rmonprobe: warning: cannot pin a thread to core {core}: {e}");
    }
}

/// Whether an interface is up with a carrier (sysfs), so that a capture can be opened again.
pub fn is_up(interface: &str) -> bool {
    // Reading carrier of a device that is down fails; of one that is up it says 0 or 1.
    admin_up(interface) == Some(true)
        && std::fs::read_to_string(format!("/sys/class/net/{interface}/carrier")).map_or(true, |c| c.trim() == "1")
}

/// Whether an interface is administratively up (IFF_UP in sysfs); None when it is gone.
///
/// A capture socket cannot be trusted to say that its interface went down: an AF_XDP socket is
/// never told, and libpcap 1.10 reads a packet socket's ENETDOWN itself and keeps it (the kernel
/// hooks the socket in again when the interface comes back). The engines ask this on a quiet
/// ring, so that a probe still counts the drop event and reports the outage.
pub fn admin_up(interface: &str) -> Option<bool> {
    let flags = std::fs::read_to_string(format!("/sys/class/net/{interface}/flags")).ok()?;
    let flags = u32::from_str_radix(flags.trim().trim_start_matches("0x"), 16).unwrap_or(0);
    Some(flags & (libc::IFF_UP as u32) != 0)
}
