//! Capture buffers written out as pcap files (`--capture-dir`): what a manager would download
//! row by row from captureBufferTable, in a form Wireshark and tshark open.
//!
//! One file per valid buffer, `DIR/buffer-<bufferControlIndex>.pcap`, Ethernet, nanosecond
//! timestamps (the frames' times), each record the stored slice with the length the capture
//! recorded. A file is written beside its final name and renamed over it, so a reader never sees
//! half a file, and a second write (SIGUSR1, then the stop) replaces the first.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::capture::writer::PcapWriter;
use crate::rmon::capture::{BufferControl, Merged};

/// Writes every buffer into `dir` (made if missing); returns the files written.
pub fn write_all(dir: &Path, buffers: &[(u16, BufferControl, Merged)]) -> io::Result<Vec<PathBuf>> {
    fs::create_dir_all(dir)?;
    let mut written = Vec::new();
    for (index, _, merged) in buffers {
        let path = dir.join(format!("buffer-{index}.pcap"));
        let partial = dir.join(format!(".buffer-{index}.pcap.partial"));
        let mut w = PcapWriter::create(&partial, true, false)?;
        for (_, c) in &merged.entries {
            w.write(c.time, &c.data, c.orig_len)?;
        }
        w.finish()?.get_ref().sync_all()?;
        fs::rename(&partial, &path)?;
        written.push(path);
    }
    Ok(written)
}
