//! The libpcap engine.
//!
//! libpcap 1.10 on Linux captures through a TPACKET_V3 ring: the kernel fills blocks of frames
//! and hands a block over when it is full or when the read timeout expires, so one wake-up brings
//! many frames. The ring is `--buffer-mb` large (a burst must fit in it while a worker is busy);
//! the timeout is short so that a quiet link's frames and the probe's ticks are never late by
//! more than [`READ_TIMEOUT_MS`]. The BPF filter runs in the kernel.
//!
//! The capture is non-blocking and the wait is our own `poll`: with TPACKET_V3, libpcap's own
//! blocking read does not return on a quiet link (the kernel's block timer retires only blocks
//! that hold frames), and a probe must still tick, and stop, on a quiet link.

use std::os::fd::{AsRawFd, BorrowedFd};

use nix::poll::{PollFd, PollFlags, PollTimeout, poll};

use pcap::{Active, Capture, Linktype, Precision};

use super::{CaptureStats, LiveClock, LiveOptions, LiveSource, OpenError, ReadError};
use crate::capture::Batch;
use crate::packet::Fcs;

/// The read timeout: the longest a frame waits in a partly filled block.
pub const READ_TIMEOUT_MS: i32 = 50;

/// A libpcap capture of one interface.
pub struct PcapSource {
    capture: Capture<Active>,
    interface: String,
    if_index: u32,
    describe: String,
    /// The interface was found down (by the socket, or its flags on a quiet ring); the frames
    /// still in the ring are read first.
    down: bool,
}

/// The message of a libpcap error.
fn message(e: &pcap::Error) -> String {
    match e {
        pcap::Error::PcapError(s) => s.clone(),
        other => other.to_string(),
    }
}

impl PcapSource {
    pub fn open(options: &LiveOptions) -> Result<PcapSource, OpenError> {
        let name = &options.interface;
        let failed = |e: pcap::Error| {
            let m = message(&e);
            if m.contains("No such device") || m.contains("doesn't exist") {
                OpenError::NoSuchInterface(name.clone())
            } else if m.contains("ermission") || m.contains("not permitted") {
                OpenError::Permission(name.clone(), m)
            } else {
                OpenError::Failed(name.clone(), m)
            }
        };
        let bytes = i32::try_from(u64::from(options.buffer_mb) << 20).unwrap_or(i32::MAX);
        let snaplen = i32::try_from(options.snaplen).unwrap_or(i32::MAX);
        let mut capture = Capture::from_device(name.as_str())
            .map_err(failed)?
            .promisc(true)
            .snaplen(snaplen)
            .buffer_size(bytes)
            .timeout(READ_TIMEOUT_MS)
            .precision(Precision::Nano)
            .open()
            .map_err(failed)?
            .setnonblock()
            .map_err(failed)?;
        let link = capture.get_datalink();
        if link != Linktype::ETHERNET {
            return Err(OpenError::Failed(
                name.clone(),
                format!("link type {} is not Ethernet; RMON-1 counts Ethernet frames", link.0),
            ));
        }
        if let Some(filter) = &options.filter {
            capture
                .filter(filter, true)
                .map_err(|e| OpenError::Failed(name.clone(), format!("filter {filter:?}: {}", message(&e))))?;
        }
        let describe = format!(
            "pcap, ring {} MiB, snaplen {}, timeout {READ_TIMEOUT_MS} ms{}",
            options.buffer_mb,
            options.snaplen,
            options.filter.as_ref().map_or(String::new(), |f| format!(", filter {f:?}")),
        );
        Ok(PcapSource { capture, interface: name.clone(), if_index: options.if_index, describe, down: false })
    }
}

impl PcapSource {
    /// Waits up to the read timeout for the ring to have a block ready. True when instead the
    /// socket reports an error (libpcap looks for one only in blocking mode).
    fn wait(&self) -> bool {
        // SAFETY: the descriptor belongs to `self.capture`, which lives (and keeps it open)
        // for longer than this borrow, which ends with this function.
        #[allow(unsafe_code)]
        let fd = unsafe { BorrowedFd::borrow_raw(self.capture.as_raw_fd()) };
        let mut fds = [PollFd::new(fd, PollFlags::POLLIN)];
        // EINTR (a signal: a stop) and other failures end the wait early; the read that follows
        // finds out what happened.
        let _ = poll(&mut fds, PollTimeout::from(READ_TIMEOUT_MS.unsigned_abs() as u16));
        fds[0].revents().is_some_and(|r| r.intersects(PollFlags::POLLERR | PollFlags::POLLHUP | PollFlags::POLLNVAL))
    }

    /// The interface is down. The last frames before that may still sit in a block that the
    /// kernel's timer retires only after up to two read timeouts: wait for it, so that the next
    /// read takes them before it reports the interface down.
    fn went_down(&mut self) {
        self.down = true;
        std::thread::sleep(std::time::Duration::from_millis(2 * u64::from(READ_TIMEOUT_MS.unsigned_abs())));
    }
}

impl LiveSource for PcapSource {
    fn read(&mut self, batch: &mut Batch, max: usize, clock: &LiveClock) -> Result<(), ReadError> {
        let mut offset = clock.wall_offset();
        let mut now = clock.now();
        let mut waited = false;
        let mut got = 0;
        while got < max {
            match self.capture.next_packet() {
                Ok(packet) => {
                    let ts = packet.header.ts;
                    // Nanosecond precision: tv_usec holds nanoseconds.
                    let wall = u64::try_from(ts.tv_sec)
                        .unwrap_or(0)
                        .saturating_mul(1_000_000_000)
                        .saturating_add(u64::try_from(ts.tv_usec).unwrap_or(0));
                    let time = LiveClock::from_wall(wall, offset, now);
                    batch.push(packet.data, packet.header.len, time, Fcs::Stripped, 0, self.if_index);
                    got += 1;
                }
                // Non-blocking: nothing more in the ring now.
                Err(pcap::Error::TimeoutExpired) if got > 0 || waited => {
                    // Quiet for a whole wait: libpcap may have taken the socket's ENETDOWN for
                    // itself (see `admin_up`), so the interface's flags say whether it is down.
                    if got == 0 && !self.down && super::admin_up(&self.interface) != Some(true) {
                        self.went_down();
                    }
                    return Ok(());
                }
                Err(pcap::Error::TimeoutExpired) => {
                    if self.down {
                        return Err(ReadError::Down("the interface went down".into()));
                    }
                    if self.wait() {
                        // The socket has an error pending: the kernel sets ENETDOWN when the
                        // interface goes down, ENODEV when it goes away. The next read takes
                        // the last frames, then reports the interface down, and the capture
                        // thread takes it up again.
                        self.went_down();
                    }
                    waited = true;
                    offset = clock.wall_offset();
                    now = clock.now();
                }
                Err(e) => {
                    let m = message(&e);
                    return Err(
                        if m.contains("went down") || m.contains("Network is down") || m.contains("No such device") {
                            ReadError::Down(m)
                        } else {
                            ReadError::Failed(m)
                        },
                    );
                }
            }
        }
        Ok(())
    }

    fn stats(&mut self) -> CaptureStats {
        match self.capture.stats() {
            Ok(s) => CaptureStats {
                received: u64::from(s.received),
                dropped: u64::from(s.dropped),
                if_dropped: u64::from(s.if_dropped),
            },
            Err(_) => CaptureStats::default(),
        }
    }

    fn describe(&self) -> String {
        self.describe.clone()
    }
}
