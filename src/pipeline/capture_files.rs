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
        write_file(&path, merged)?;
        written.push(path);
    }
    Ok(written)
}

/// Writes one buffer at `path` (the terminal UI's `w`), through a partial file beside it.
pub fn write_file(path: &Path, merged: &Merged) -> io::Result<()> {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let partial = path.with_file_name(format!(".{name}.partial"));
    let mut w = PcapWriter::create(&partial, true, false)?;
    for (_, c) in &merged.entries {
        w.write(c.time, &c.data, c.orig_len)?;
    }
    w.finish()?.get_ref().sync_all()?;
    fs::rename(&partial, path)
}
