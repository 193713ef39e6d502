//! Capture sources: where frames come from, in batches.
//!
//! - `file`: pcap and pcapng files, for `replay`.
//! - `writer`: the inverse, for the synthetic capture generator and tests.
//! - `live`: network interfaces, through libpcap or AF_XDP, for `run`.

pub mod batch;
pub mod file;
pub mod linktype;
pub mod live;
pub mod writer;

pub use batch::{Batch, MirrorCounts};
pub use file::{CaptureFile, CaptureInput, Damage, OpenError};
