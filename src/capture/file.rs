//! Capture files: pcap (micro- and nanosecond) and pcapng, read with the project's own parser.
//!
//! Why not libpcap here: the replay must report *where* a damaged file goes wrong (frame number
//! and byte offset), must honour pcapng's per-interface `if_fcslen` and per-packet `epb_flags`
//! (libpcap hides both), and reads several times faster without a callback per frame (README,
//! "Speed"). Live capture still uses libpcap.
//!
//! The reader never trusts a length from the file: every record is bounds-checked against what
//! was read, sizes above the limits capture tools use are refused, and a damaged or truncated
//! record ends the file with a [`Damage`] warning while everything before it counts.

use std::fmt;
use std::fs::File;
use std::io::{self, Read};

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::capture::batch::{Batch, FrameRecord, SharedChunk};
use crate::capture::linktype;
use crate::mib::time::{NANOS_PER_SEC, Timestamp};
use crate::packet::{FCS_LEN, Fcs, RawFrame};

/// Largest frame a record may hold: the snapshot-length ceiling of libpcap and Wireshark
/// (262144). A larger length means a damaged file, not a frame.
pub const MAX_CAPLEN: u32 = 262_144;
/// Largest pcapng block accepted; a bigger length means a damaged file.
const MAX_BLOCK_LEN: u32 = 16 * 1024 * 1024;
/// Read buffer: large sequential reads keep system calls out of the per-frame cost.
const READ_BUFFER: usize = 1 << 20;
/// Read buffers kept for reuse while batches still share them: enough for every worker's
/// hand-off to be full (a chunk gives each of many workers about one batch).
const MAX_SPARE_CHUNKS: usize = 64;

const PCAP_RECORD_HEADER: usize = 16;
const PCAP_FILE_HEADER: usize = 24;

const BLOCK_SHB: u32 = 0x0A0D_0D0A;
const BLOCK_IDB: u32 = 0x0000_0001;
const BLOCK_OPB: u32 = 0x0000_0002;
const BLOCK_SPB: u32 = 0x0000_0003;
const BLOCK_EPB: u32 = 0x0000_0006;
const BYTE_ORDER_MAGIC: u32 = 0x1A2B_3C4D;

const OPT_END: u16 = 0;
const OPT_IF_TSRESOL: u16 = 9;
const OPT_IF_FCSLEN: u16 = 13;
const OPT_IF_TSOFFSET: u16 = 14;
const OPT_EPB_FLAGS: u16 = 2;
/// epb_flags bits 5..8: FCS length in octets (0: unknown).
const EPB_FLAGS_FCS_SHIFT: u32 = 5;
/// epb_flags bit 24: CRC error.
const EPB_FLAGS_CRC_ERROR: u32 = 1 << 24;

/// libpcap's pcap header link-type field: bit 26 says the top four bits give the FCS length in
/// 16-bit words (pcap-common.h, LT_FCS_LENGTH_PRESENT / LT_FCS_LENGTH).
const PCAP_FCS_PRESENT_BIT: u32 = 0x0400_0000;

/// Why a capture file cannot be replayed at all.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("{path}: cannot read: {source}")]
    Io { path: PathBuf, source: io::Error },
    #[error("{path}: not a pcap or pcapng capture (it starts with {magic}){hint}")]
    NotACapture { path: PathBuf, magic: String, hint: &'static str },
    #[error("{path}: the capture's header is cut short after {len} bytes; there is nothing to replay")]
    HeaderTruncated { path: PathBuf, len: u64 },
    #[error("{path}: {reason}")]
    BadHeader { path: PathBuf, reason: String },
    #[error(
        "{path}: link type {link_type} ({}) is not Ethernet; rmonprobe counts Ethernet frames only",
        linktype::name(*link_type)
    )]
    NotEthernet { path: PathBuf, link_type: u32 },
}

/// A damaged or truncated record: reading the file stopped there, and everything before it was
/// counted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Damage {
    pub path: PathBuf,
    /// Number of the frame that could not be read (1 for the first frame of the file).
    pub frame: u64,
    /// Byte offset of its record in the file.
    pub offset: u64,
    pub reason: String,
}

impl fmt::Display for Damage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: frame {} at byte offset {}: {}; the {} frame(s) before it were counted",
            self.path.display(),
            self.frame,
            self.offset,
            self.reason,
            self.frame - 1
        )
    }
}

/// A pcapng interface (IDB) as far as counting needs it.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Interface {
    link_type: u32,
    snaplen: u32,
    /// Timestamp units per second (if_tsresol; default microseconds).
    units_per_sec: u64,
    /// if_tsoffset, seconds.
    offset_secs: i64,
    /// if_fcslen = 4.
    fcs_present: bool,
}

#[derive(Clone, Debug)]
enum Format {
    Pcap { big_endian: bool, nanos: bool, fcs_present: bool },
    Pcapng { big_endian: bool, interfaces: Vec<Interface> },
}

/// The bytes of the file, read through one buffer: frames are handed out as slices of it (no
/// copy) until the next read moves its unconsumed tail to the front and refills it.
///
/// Why not a memory map: measured on the bench capture, a mapped file read no faster (page
/// faults and TLB misses cost what the copy saves), needs `unsafe`, and dies with SIGBUS if
/// another program shrinks the file; large sequential reads are as fast and safe.
///
/// The buffer may be shared with batches on their way to workers ([`Frames::chunk`]): a refill
/// then moves the unconsumed tail into a spare buffer no batch holds any more (or a new one),
/// never into bytes a worker may still be reading.
struct Source {
    /// A file, or bytes in memory ([`CaptureInput::Memory`]): read the same way, at the cost of
    /// one copy into `buf`, so the parser has a single kind of window to cut frames from.
    reader: Box<dyn Read + Send>,
    buf: SharedChunk,
    /// Earlier buffers, reused once no batch holds them.
    spare: Vec<SharedChunk>,
    /// The file offset of `buf[0]`.
    base: u64,
    pos: usize,
    end: usize,
    eof: bool,
}

impl Source {
    fn new(reader: Box<dyn Read + Send>) -> Source {
        Source {
            reader,
            buf: SharedChunk::new(vec![0; READ_BUFFER]),
            spare: Vec::new(),
            base: 0,
            pos: 0,
            end: 0,
            eof: false,
        }
    }

    /// Everything loaded, from which spans are cut.
    fn window(&self) -> &[u8] {
        &self.buf[..self.end]
    }

    /// Index of the read position in `window()`.
    fn pos(&self) -> usize {
        self.pos
    }

    /// File offset of the read position.
    fn offset(&self) -> u64 {
        self.base + self.pos as u64
    }

    /// The loaded bytes not yet consumed.
    fn available(&self) -> &[u8] {
        &self.buf[self.pos..self.end]
    }

    fn consume(&mut self, n: usize) {
        self.pos += n;
    }

    /// Makes `n` bytes available unless the file ends first (the unconsumed bytes move to the
    /// front, so spans taken before are no longer valid). Returns how many bytes are available.
    fn ensure(&mut self, n: usize) -> io::Result<usize> {
        if self.end - self.pos >= n {
            return Ok(self.end - self.pos);
        }
        self.base += self.pos as u64;
        let tail = self.end - self.pos;
        let buf = self.tail_to_front();
        if buf.len() < n {
            buf.resize(n.next_power_of_two(), 0);
        }
        self.end = tail;
        self.pos = 0;
        while self.end < n && !self.eof {
            let end = self.end;
            // The buffer is this source's alone since `tail_to_front`: no copy is made here.
            match self.reader.read(&mut Arc::make_mut(&mut self.buf)[end..]) {
                Ok(0) => self.eof = true,
                Ok(k) => self.end += k,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(self.end - self.pos)
    }

    /// Moves the unconsumed bytes to the front of a buffer no batch shares, and returns it: the
    /// current buffer when no batch holds it, else a spare one that none does any more (or a new
    /// one), the current one kept as a spare.
    fn tail_to_front(&mut self) -> &mut Vec<u8> {
        let (pos, end) = (self.pos, self.end);
        if let Some(buf) = Arc::get_mut(&mut self.buf) {
            buf.copy_within(pos..end, 0);
        } else {
            let free = self.spare.iter().position(|c| Arc::strong_count(c) == 1);
            let mut next = match free {
                Some(i) => self.spare.swap_remove(i),
                None => SharedChunk::new(Vec::new()),
            };
            let bytes = Arc::make_mut(&mut next);
            if bytes.len() < self.buf.len() {
                bytes.resize(self.buf.len(), 0);
            }
            bytes[..end - pos].copy_from_slice(&self.buf[pos..end]);
            let shared = std::mem::replace(&mut self.buf, next);
            if self.spare.len() < MAX_SPARE_CHUNKS {
                self.spare.push(shared);
            }
        }
        Arc::make_mut(&mut self.buf)
    }
}

fn u16_at(b: &[u8], at: usize, big_endian: bool) -> u16 {
    let v = [b[at], b[at + 1]];
    if big_endian { u16::from_be_bytes(v) } else { u16::from_le_bytes(v) }
}

fn u32_at(b: &[u8], at: usize, big_endian: bool) -> u32 {
    let v = [b[at], b[at + 1], b[at + 2], b[at + 3]];
    if big_endian { u32::from_be_bytes(v) } else { u32::from_le_bytes(v) }
}

/// Frames just read, borrowed from the file's memory until the next read.
pub struct Frames<'a> {
    window: &'a [u8],
    spans: &'a [FrameRecord],
    chunk: &'a SharedChunk,
}

impl<'a> Frames<'a> {
    pub fn len(&self) -> usize {
        self.spans.len()
    }

    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    pub fn iter(&self) -> impl ExactSizeIterator<Item = RawFrame<'a>> + 'a {
        let window = self.window;
        self.spans.iter().map(move |s| s.in_buffer(window))
    }

    /// The read buffer the frames lie in, to be shared by batches instead of copied
    /// ([`crate::capture::Batch::push_shared`]); the file reads on into another buffer while
    /// any batch holds this one.
    pub(crate) fn chunk(&self) -> &'a SharedChunk {
        self.chunk
    }

    /// Where each frame lies in [`Frames::chunk`].
    pub(crate) fn records(&self) -> &'a [FrameRecord] {
        self.spans
    }
}

/// What the bytes at the read position hold.
enum Parsed {
    /// A frame: `data` relative to the record's start.
    Frame { consumed: usize, data: std::ops::Range<usize>, orig_len: u32, time: Timestamp, fcs: Fcs },
    /// A frame of a non-Ethernet pcapng interface, skipped.
    OtherLink { consumed: usize },
    /// A block with no frame in it (interfaces, statistics, name resolution, ...).
    Block { consumed: usize },
    /// The record continues past the loaded bytes: `need` bytes from the read position.
    NeedMore { need: usize },
    /// The file is damaged here.
    Damaged(String),
}

/// Where a capture's bytes come from.
#[derive(Clone)]
pub enum CaptureInput {
    /// A file, opened by path (again for each round of a looped replay).
    File(PathBuf),
    /// A capture held in memory for the whole run, such as the one `demo` carries inside the
    /// binary so that it runs from any directory; `name` stands for its path in messages and in
    /// the data source's description.
    Memory { name: PathBuf, bytes: &'static [u8] },
}

impl CaptureInput {
    /// The path, or the name standing for one.
    pub fn name(&self) -> &Path {
        match self {
            CaptureInput::File(path) => path,
            CaptureInput::Memory { name, .. } => name,
        }
    }
}

impl From<PathBuf> for CaptureInput {
    fn from(path: PathBuf) -> CaptureInput {
        CaptureInput::File(path)
    }
}

/// One open capture file.
pub struct CaptureFile {
    input: CaptureInput,
    source: Source,
    format: Format,
    /// `--fcs-present`: every frame carries its FCS, whatever the file says.
    force_fcs: bool,
    frames: u64,
    other_link_frames: u64,
    damage: Option<Damage>,
    finished: bool,
    /// The frames of the latest read, as places in the read buffer.
    spans: Vec<FrameRecord>,
}

impl CaptureFile {
    /// Opens a capture and reads its header. Fails when the file is unreadable, not a capture,
    /// or holds no Ethernet interface.
    pub fn open(path: &Path, force_fcs: bool) -> Result<CaptureFile, OpenError> {
        CaptureFile::open_input(CaptureInput::File(path.to_path_buf()), force_fcs)
    }

    /// Like [`CaptureFile::open`], for a file or bytes in memory.
    pub fn open_input(input: CaptureInput, force_fcs: bool) -> Result<CaptureFile, OpenError> {
        let name = input.name().to_path_buf();
        let path = name.as_path();
        let io_err = |source| OpenError::Io { path: path.to_path_buf(), source };
        let reader: Box<dyn Read + Send> = match &input {
            CaptureInput::File(path) => Box::new(File::open(path).map_err(io_err)?),
            CaptureInput::Memory { bytes, .. } => Box::new(*bytes),
        };
        CaptureFile::start(input, Source::new(reader), force_fcs)
    }

    /// Like [`CaptureFile::open`], reading the capture from `reader` instead of a file: what the
    /// fuzz target (fuzz/fuzz_targets/capture.rs) and tests use to parse bytes held in memory,
    /// through the same buffering as a file. `path` only names the capture in errors and
    /// [`Damage`] reports; nothing is opened there, so such a capture cannot be reopened by its
    /// path (as `replay --repeat` does with files).
    pub fn from_reader(
        path: impl Into<PathBuf>,
        reader: impl Read + Send + 'static,
        force_fcs: bool,
    ) -> Result<CaptureFile, OpenError> {
        CaptureFile::start(CaptureInput::File(path.into()), Source::new(Box::new(reader)), force_fcs)
    }

    /// Reads the header at the start of `source`, and a pcapng file's blocks up to its first
    /// packet.
    fn start(input: CaptureInput, mut source: Source, force_fcs: bool) -> Result<CaptureFile, OpenError> {
        let name = input.name().to_path_buf();
        let path = name.as_path();
        let io_err = |source| OpenError::Io { path: path.to_path_buf(), source };
        let have = source.ensure(PCAP_FILE_HEADER).map_err(io_err)?;
        if have < 4 {
            return Err(OpenError::HeaderTruncated { path: path.to_path_buf(), len: have as u64 });
        }
        let head = source.available();
        let format = match head[..4] {
            [0xd4, 0xc3, 0xb2, 0xa1] => pcap_header(path, head, false, false)?,
            [0xa1, 0xb2, 0xc3, 0xd4] => pcap_header(path, head, true, false)?,
            [0x4d, 0x3c, 0xb2, 0xa1] => pcap_header(path, head, false, true)?,
            [0xa1, 0xb2, 0x3c, 0x4d] => pcap_header(path, head, true, true)?,
            [0x0a, 0x0d, 0x0d, 0x0a] => Format::Pcapng { big_endian: false, interfaces: Vec::new() },
            _ => {
                let hint = match head[..2] {
                    [0x1f, 0x8b] => "; it looks gzip-compressed: decompress it first",
                    _ => "",
                };
                let magic = head[..4].iter().map(|b| format!("{b:02x}")).collect::<Vec<_>>().join(" ");
                return Err(OpenError::NotACapture { path: path.to_path_buf(), magic, hint });
            }
        };
        if matches!(format, Format::Pcap { .. }) {
            source.consume(PCAP_FILE_HEADER);
        }
        let mut capture = CaptureFile {
            input,
            source,
            format,
            force_fcs,
            frames: 0,
            other_link_frames: 0,
            damage: None,
            finished: false,
            spans: Vec::new(),
        };
        if matches!(capture.format, Format::Pcapng { .. }) {
            capture.pcapng_preamble()?;
        }
        Ok(capture)
    }

    /// Reads a pcapng file's leading blocks up to its first packet, to learn its interfaces
    /// before the replay starts, so a file without an Ethernet interface is refused up front.
    fn pcapng_preamble(&mut self) -> Result<(), OpenError> {
        let path = self.path().to_path_buf();
        let io_err = |source| OpenError::Io { path: path.clone(), source };
        loop {
            let have = self.source.ensure(8).map_err(io_err)?;
            if have < 8 {
                break;
            }
            let Format::Pcapng { big_endian, .. } = self.format else { break };
            // The section header's type reads the same in both byte orders.
            if matches!(u32_at(self.source.available(), 0, big_endian), BLOCK_EPB | BLOCK_SPB | BLOCK_OPB) {
                break;
            }
            let section_start = self.source.offset() == 0;
            match self.parse_next().map_err(io_err)? {
                Some(Parsed::Block { consumed }) => self.source.consume(consumed),
                Some(Parsed::Damaged(reason)) if section_start => {
                    // The section header itself is damaged: not a usable capture.
                    return Err(OpenError::BadHeader { path: self.path().to_path_buf(), reason });
                }
                Some(Parsed::Damaged(reason)) => {
                    self.damaged(reason);
                    break;
                }
                _ => break,
            }
        }
        let Format::Pcapng { interfaces, .. } = &self.format else { return Ok(()) };
        if !interfaces.is_empty() && !interfaces.iter().any(|i| i.link_type == linktype::ETHERNET) {
            return Err(OpenError::NotEthernet { path: self.path().to_path_buf(), link_type: interfaces[0].link_type });
        }
        Ok(())
    }

    /// Parses the record at the read position, loading more bytes when it needs them. None at
    /// a clean end of file.
    fn parse_next(&mut self) -> io::Result<Option<Parsed>> {
        loop {
            let parsed = parse(&mut self.format, self.source.available(), false);
            let Parsed::NeedMore { need } = parsed else {
                return Ok(Some(parsed));
            };
            let have = self.source.ensure(need)?;
            if have == 0 {
                return Ok(None);
            }
            if have < need {
                return Ok(Some(parse(&mut self.format, self.source.available(), true)));
            }
        }
    }

    /// The file's path, or the name of a capture in memory.
    pub fn path(&self) -> &Path {
        self.input.name()
    }

    /// The same capture opened again from its start (a looped replay's next round).
    pub fn reopen(&self) -> Result<CaptureFile, OpenError> {
        CaptureFile::open_input(self.input.clone(), self.force_fcs)
    }

    /// Ethernet frames read so far.
    pub fn frames(&self) -> u64 {
        self.frames
    }

    /// Frames skipped because their pcapng interface is not Ethernet.
    pub fn other_link_frames(&self) -> u64 {
        self.other_link_frames
    }

    /// Where the file turned out damaged, if it did.
    pub fn damage(&self) -> Option<&Damage> {
        self.damage.as_ref()
    }

    /// True once the end of the file (or damage) has been reached.
    pub fn finished(&self) -> bool {
        self.finished
    }

    fn damaged(&mut self, reason: String) {
        let offset = self.source.offset();
        self.damage = Some(Damage { path: self.path().to_path_buf(), frame: self.frames + 1, offset, reason });
        self.finished = true;
    }

    /// Reads up to `max_frames` frames, numbering them from `*seq` and marking them as seen on
    /// `if_index`. They borrow the file's memory until the next read; an empty result means the
    /// file is finished.
    pub fn read_frames(&mut self, max_frames: usize, seq: &mut u64, if_index: u32) -> Frames<'_> {
        self.spans.clear();
        while self.spans.len() < max_frames && !self.finished {
            let parsed = parse(&mut self.format, self.source.available(), false);
            let parsed = match parsed {
                // More bytes must be loaded; a buffered source then moves its bytes, so the
                // frames taken so far go out first.
                Parsed::NeedMore { .. } if !self.spans.is_empty() => break,
                Parsed::NeedMore { .. } => match self.parse_next() {
                    Ok(Some(p)) => p,
                    Ok(None) => {
                        self.finished = true;
                        break;
                    }
                    Err(e) => {
                        self.damaged(format!("read error: {e}"));
                        break;
                    }
                },
                other => other,
            };
            match parsed {
                Parsed::Frame { consumed, data, orig_len, time, fcs } => {
                    let start = self.source.pos() + data.start;
                    let fcs = if self.force_fcs { Fcs::Present } else { fcs };
                    self.spans.push(FrameRecord {
                        start,
                        caplen: data.len(),
                        orig_len,
                        time,
                        fcs,
                        seq: *seq,
                        if_index,
                    });
                    *seq += 1;
                    self.frames += 1;
                    self.source.consume(consumed);
                }
                Parsed::OtherLink { consumed } => {
                    self.other_link_frames += 1;
                    self.source.consume(consumed);
                }
                Parsed::Block { consumed } => self.source.consume(consumed),
                Parsed::Damaged(reason) => self.damaged(reason),
                Parsed::NeedMore { .. } => break,
            }
        }
        Frames { window: self.source.window(), spans: &self.spans, chunk: &self.source.buf }
    }

    /// Like [`CaptureFile::read_frames`], copying the frames into an owned batch. Returns the
    /// number added.
    pub fn read_batch(&mut self, batch: &mut Batch, max_frames: usize, seq: &mut u64, if_index: u32) -> usize {
        let frames = self.read_frames(max_frames, seq, if_index);
        for f in frames.iter() {
            batch.push(f.data, f.orig_len, f.time, f.fcs, f.seq, f.if_index);
        }
        frames.len()
    }
}

fn pcap_header(path: &Path, h: &[u8], big_endian: bool, nanos: bool) -> Result<Format, OpenError> {
    if h.len() < PCAP_FILE_HEADER {
        return Err(OpenError::HeaderTruncated { path: path.to_path_buf(), len: h.len() as u64 });
    }
    let major = u16_at(h, 4, big_endian);
    let network = u32_at(h, 20, big_endian);
    if major != 2 {
        return Err(OpenError::BadHeader {
            path: path.to_path_buf(),
            reason: format!("pcap version {major} is not supported (only version 2)"),
        });
    }
    let link_type = network & 0xffff;
    if link_type != linktype::ETHERNET {
        return Err(OpenError::NotEthernet { path: path.to_path_buf(), link_type });
    }
    let fcs_present = network & PCAP_FCS_PRESENT_BIT != 0 && (network >> 28) * 2 == FCS_LEN;
    Ok(Format::Pcap { big_endian, nanos, fcs_present })
}

/// Parses the record at the start of `bytes`. With `at_eof`, `bytes` is all the file has left,
/// and a record that does not fit is damage rather than a request for more.
fn parse(format: &mut Format, bytes: &[u8], at_eof: bool) -> Parsed {
    match format {
        Format::Pcap { big_endian, nanos, fcs_present } => {
            pcap_record(bytes, *big_endian, *nanos, *fcs_present, at_eof)
        }
        Format::Pcapng { .. } => pcapng_block(format, bytes, at_eof),
    }
}

fn pcap_record(bytes: &[u8], big_endian: bool, nanos: bool, fcs_present: bool, at_eof: bool) -> Parsed {
    if bytes.len() < PCAP_RECORD_HEADER {
        return if at_eof {
            Parsed::Damaged(format!("the record header is cut short ({} of {PCAP_RECORD_HEADER} bytes)", bytes.len()))
        } else {
            Parsed::NeedMore { need: PCAP_RECORD_HEADER }
        };
    }
    let secs = u64::from(u32_at(bytes, 0, big_endian));
    let frac = u64::from(u32_at(bytes, 4, big_endian));
    let caplen = u32_at(bytes, 8, big_endian);
    let orig_len = u32_at(bytes, 12, big_endian);
    if caplen > MAX_CAPLEN {
        return Parsed::Damaged(format!(
            "the record claims {caplen} captured bytes, more than the {MAX_CAPLEN} any capture holds"
        ));
    }
    let total = PCAP_RECORD_HEADER + caplen as usize;
    if bytes.len() < total {
        return if at_eof {
            Parsed::Damaged(format!(
                "the record is cut short ({} of {caplen} frame bytes present)",
                bytes.len() - PCAP_RECORD_HEADER
            ))
        } else {
            Parsed::NeedMore { need: total }
        };
    }
    let frac_nanos = if nanos { frac } else { frac.saturating_mul(1000) };
    let time = Timestamp(secs.saturating_mul(NANOS_PER_SEC).saturating_add(frac_nanos));
    let fcs = if fcs_present { Fcs::Present } else { Fcs::Stripped };
    Parsed::Frame { consumed: total, data: PCAP_RECORD_HEADER..total, orig_len, time, fcs }
}

fn pcapng_block(format: &mut Format, bytes: &[u8], at_eof: bool) -> Parsed {
    let Format::Pcapng { big_endian, interfaces } = format else {
        return Parsed::Damaged("not a pcapng file".to_string());
    };
    if bytes.len() < 12 {
        return if at_eof {
            Parsed::Damaged(format!("a block header is cut short ({} bytes)", bytes.len()))
        } else {
            Parsed::NeedMore { need: 12 }
        };
    }
    let mut section_big_endian = *big_endian;
    let block_type = u32_at(bytes, 0, section_big_endian);
    if block_type == BLOCK_SHB {
        // A new section: its byte-order magic decides how everything in it is read.
        section_big_endian = match u32_at(bytes, 8, false) {
            BYTE_ORDER_MAGIC => false,
            m if m.swap_bytes() == BYTE_ORDER_MAGIC => true,
            _ => return Parsed::Damaged("a section header has no valid byte-order magic".to_string()),
        };
    }
    let len = u32_at(bytes, 4, section_big_endian);
    if len < 12 || !len.is_multiple_of(4) || len > MAX_BLOCK_LEN {
        return Parsed::Damaged(format!("block length {len} is not a valid pcapng block length"));
    }
    let len = len as usize;
    if bytes.len() < len {
        return if at_eof {
            Parsed::Damaged(format!("a block is cut short ({} of {len} bytes present)", bytes.len()))
        } else {
            Parsed::NeedMore { need: len }
        };
    }
    let trailer = u32_at(bytes, len - 4, section_big_endian) as usize;
    if trailer != len {
        return Parsed::Damaged(format!("the block's two lengths disagree ({len} and {trailer})"));
    }
    let body = &bytes[8..len - 4];
    match block_type {
        BLOCK_SHB => {
            *big_endian = section_big_endian;
            interfaces.clear();
            Parsed::Block { consumed: len }
        }
        BLOCK_IDB => match parse_idb(body, section_big_endian) {
            Ok(interface) => {
                interfaces.push(interface);
                Parsed::Block { consumed: len }
            }
            Err(reason) => Parsed::Damaged(reason),
        },
        BLOCK_EPB | BLOCK_OPB | BLOCK_SPB => match parse_packet(block_type, body, section_big_endian, interfaces) {
            Ok(p) => {
                let interface = &interfaces[p.interface];
                if interface.link_type != linktype::ETHERNET {
                    return Parsed::OtherLink { consumed: len };
                }
                let fcs = if p.fcs_len == Some(FCS_LEN) || (p.fcs_len.is_none() && interface.fcs_present) {
                    Fcs::Present
                } else if p.crc_error {
                    Fcs::StrippedBad
                } else {
                    Fcs::Stripped
                };
                let data = 8 + p.data.start..8 + p.data.end;
                Parsed::Frame { consumed: len, data, orig_len: p.orig_len, time: interface.timestamp(p.ticks), fcs }
            }
            Err(reason) => Parsed::Damaged(reason),
        },
        // Name resolution, statistics, journal, custom and unknown blocks: nothing to count.
        _ => Parsed::Block { consumed: len },
    }
}

impl Interface {
    fn timestamp(&self, ticks: u64) -> Timestamp {
        let nanos = u128::from(ticks) * u128::from(NANOS_PER_SEC) / u128::from(self.units_per_sec.max(1));
        let offset = i128::from(self.offset_secs) * i128::from(NANOS_PER_SEC);
        let t = (nanos as i128).saturating_add(offset).clamp(0, i128::from(u64::MAX));
        Timestamp(t as u64)
    }
}

/// A packet block's fields, the frame bytes given as a range of the block body.
struct PacketFields {
    interface: usize,
    ticks: u64,
    data: std::ops::Range<usize>,
    orig_len: u32,
    fcs_len: Option<u32>,
    crc_error: bool,
}

fn parse_packet(
    block_type: u32,
    body: &[u8],
    big_endian: bool,
    interfaces: &[Interface],
) -> Result<PacketFields, String> {
    let check_interface = |id: usize| {
        if id < interfaces.len() {
            Ok(id)
        } else {
            Err(format!("a packet names interface {id}, but the section declares {}", interfaces.len()))
        }
    };
    let captured = |start: usize, caplen: u32| -> Result<std::ops::Range<usize>, String> {
        if caplen > MAX_CAPLEN {
            return Err(format!(
                "a packet claims {caplen} captured bytes, more than the {MAX_CAPLEN} any capture holds"
            ));
        }
        let end = start + caplen as usize;
        if end > body.len() {
            return Err(format!(
                "a packet claims {caplen} captured bytes but its block holds {}",
                body.len().saturating_sub(start)
            ));
        }
        Ok(start..end)
    };
    match block_type {
        BLOCK_SPB => {
            if body.len() < 4 {
                return Err("a simple packet block is too short".to_string());
            }
            let interface = check_interface(0)?;
            let orig_len = u32_at(body, 0, big_endian);
            let snaplen = interfaces[0].snaplen;
            let mut caplen = orig_len.min((body.len() - 4) as u32);
            if snaplen != 0 {
                caplen = caplen.min(snaplen);
            }
            Ok(PacketFields {
                interface,
                ticks: 0,
                data: captured(4, caplen)?,
                orig_len,
                fcs_len: None,
                crc_error: false,
            })
        }
        _ => {
            // EPB: interface (4), ts high, ts low, caplen, origlen; OPB: interface (2), drops (2), same.
            if body.len() < 20 {
                return Err("a packet block is too short".to_string());
            }
            let interface = if block_type == BLOCK_EPB {
                u32_at(body, 0, big_endian) as usize
            } else {
                usize::from(u16_at(body, 0, big_endian))
            };
            let interface = check_interface(interface)?;
            let ticks = u64::from(u32_at(body, 4, big_endian)) << 32 | u64::from(u32_at(body, 8, big_endian));
            let caplen = u32_at(body, 12, big_endian);
            let orig_len = u32_at(body, 16, big_endian);
            let data = captured(20, caplen)?;
            let options_at = 20 + (caplen as usize).next_multiple_of(4);
            let mut fcs_len = None;
            let mut crc_error = false;
            if block_type == BLOCK_EPB {
                for (code, value) in options(body.get(options_at..).unwrap_or_default(), big_endian) {
                    if code == OPT_EPB_FLAGS && value.len() >= 4 {
                        let flags = u32_at(value, 0, big_endian);
                        let len = (flags >> EPB_FLAGS_FCS_SHIFT) & 0xf;
                        fcs_len = (len != 0).then_some(len);
                        crc_error = flags & EPB_FLAGS_CRC_ERROR != 0;
                    }
                }
            }
            Ok(PacketFields { interface, ticks, data, orig_len, fcs_len, crc_error })
        }
    }
}

fn parse_idb(body: &[u8], big_endian: bool) -> Result<Interface, String> {
    if body.len() < 8 {
        return Err("an interface description block is too short".to_string());
    }
    let mut interface = Interface {
        link_type: u32::from(u16_at(body, 0, big_endian)),
        snaplen: u32_at(body, 4, big_endian),
        units_per_sec: 1_000_000,
        offset_secs: 0,
        fcs_present: false,
    };
    for (code, value) in options(&body[8..], big_endian) {
        match (code, value) {
            (OPT_IF_TSRESOL, [r, ..]) => {
                // MSB clear: 10^-r seconds; set: 2^-(r & 0x7f). Unrepresentable resolutions keep
                // the default rather than overflow.
                let units = if r & 0x80 == 0 {
                    10u64.checked_pow(u32::from(*r))
                } else {
                    2u64.checked_pow(u32::from(r & 0x7f))
                };
                if let Some(units) = units {
                    interface.units_per_sec = units;
                }
            }
            (OPT_IF_FCSLEN, [n, ..]) => interface.fcs_present = u32::from(*n) == FCS_LEN,
            (OPT_IF_TSOFFSET, v) if v.len() >= 8 => {
                let hi = u64::from(u32_at(v, 0, big_endian));
                let lo = u64::from(u32_at(v, 4, big_endian));
                let raw = if big_endian { hi << 32 | lo } else { lo << 32 | hi };
                interface.offset_secs = raw as i64;
            }
            _ => {}
        }
    }
    Ok(interface)
}

/// The (code, value) options of a pcapng block, up to opt_endofopt or the first malformed one.
fn options(mut bytes: &[u8], big_endian: bool) -> impl Iterator<Item = (u16, &[u8])> {
    std::iter::from_fn(move || {
        if bytes.len() < 4 {
            return None;
        }
        let code = u16_at(bytes, 0, big_endian);
        let len = usize::from(u16_at(bytes, 2, big_endian));
        if code == OPT_END || 4 + len > bytes.len() {
            return None;
        }
        let value = &bytes[4..4 + len];
        bytes = bytes.get(4 + len.next_multiple_of(4)..).unwrap_or_default();
        Some((code, value))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capture::writer::{PcapWriter, PcapngWriter};
    use std::io::Write;

    fn temp(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("rmonprobe-file-{}-{name}", std::process::id()));
        let _ = std::fs::remove_file(&dir);
        dir
    }

    type Read = Vec<(Vec<u8>, u32, Timestamp, Fcs, u64)>;

    fn read_with(mut f: CaptureFile) -> (CaptureFile, Read) {
        let mut out = Vec::new();
        let mut seq = 0;
        loop {
            let frames = f.read_frames(3, &mut seq, 1);
            let empty = frames.is_empty();
            out.extend(frames.iter().map(|r| (r.data.to_vec(), r.orig_len, r.time, r.fcs, r.seq)));
            if empty && f.finished() {
                break;
            }
        }
        (f, out)
    }

    fn read_all(path: &Path, force_fcs: bool) -> (CaptureFile, Read) {
        read_with(CaptureFile::open(path, force_fcs).unwrap())
    }

    #[test]
    fn pcap_micro_and_nano_both_byte_orders() {
        for (nanos, big_endian) in [(false, false), (true, false), (false, true), (true, true)] {
            let path = temp(&format!("p{nanos}{big_endian}.pcap"));
            let mut w = PcapWriter::create(&path, nanos, big_endian).unwrap();
            w.write(Timestamp(1_500_000_000_123_456_789), &[1; 60], 60).unwrap();
            w.write(Timestamp(1_500_000_001_000_000_000), &[2; 100], 1514).unwrap();
            w.finish().unwrap();
            let (f, frames) = read_all(&path, false);
            assert_eq!(frames.len(), 2);
            let want_t0 = if nanos { 1_500_000_000_123_456_789 } else { 1_500_000_000_123_456_000 };
            assert_eq!(frames[0].2, Timestamp(want_t0));
            assert_eq!((frames[1].0.len(), frames[1].1, frames[1].4), (100, 1514, 1));
            assert_eq!(frames[0].3, Fcs::Stripped);
            assert!(f.damage().is_none());
            std::fs::remove_file(path).unwrap();
        }
    }

    #[test]
    fn records_straddling_buffer_refills() {
        // More than the read buffer, with frames of every size so records straddle refills.
        let path = temp("big.pcap");
        let mut w = PcapWriter::create(&path, true, false).unwrap();
        let mut total = 0;
        for i in 0..4000u32 {
            let len = (i * 37 % 1500 + 1) as usize;
            w.write(Timestamp(u64::from(i)), &vec![(i % 251) as u8; len], len as u32).unwrap();
            total += 16 + len;
        }
        w.finish().unwrap();
        assert!(total > READ_BUFFER);
        let (f, frames) = read_all(&path, false);
        assert_eq!(frames.len(), 4000);
        assert!(frames.iter().enumerate().all(|(i, fr)| fr.0.len() == (i as u32 * 37 % 1500 + 1) as usize));
        assert!(f.damage().is_none());
        std::fs::remove_file(path).unwrap();
    }

    #[test]
    fn a_shared_read_buffer_is_never_written_while_a_batch_holds_it() {
        // Frames of every size over several read buffers; every chunk stays held (as batches
        // on their way to workers hold them) until the whole file is read, and some are let go
        // midway, so that refills both take new buffers and reuse released ones.
        let path = temp("shared.pcap");
        let mut w = PcapWriter::create(&path, true, false).unwrap();
        let frame = |i: u32| vec![(i % 251) as u8; (i * 37 % 1500 + 1) as usize];
        for i in 0..12_000u32 {
            let bytes = frame(i);
            w.write(Timestamp(u64::from(i)), &bytes, bytes.len() as u32).unwrap();
        }
        w.finish().unwrap();
        let mut f = CaptureFile::open(&path, false).unwrap();
        let mut held: Vec<(SharedChunk, Vec<FrameRecord>)> = Vec::new();
        let mut seq = 0;
        let mut released = 0;
        while !f.finished() {
            let frames = f.read_frames(700, &mut seq, 1);
            held.push((Arc::clone(frames.chunk()), frames.records().to_vec()));
            if held.len().is_multiple_of(5) {
                // Let go of an early one: its frames are checked now, and its buffer may return.
                let (chunk, records) = held.remove(0);
                released += records.len();
                assert!(records.iter().all(|r| r.in_buffer(&chunk).data == frame(r.seq as u32)));
            }
        }
        let distinct: std::collections::HashSet<_> = held.iter().map(|(c, _)| Arc::as_ptr(c)).collect();
        assert!(distinct.len() > 2, "the refills took new buffers while the old ones were held");
        let all: Vec<FrameRecord> = held.iter().flat_map(|(_, r)| r.iter().copied()).collect();
        assert_eq!(released + all.len(), 12_000);
        for (chunk, records) in &held {
            for r in records {
                assert_eq!(r.in_buffer(chunk).data, frame(r.seq as u32), "frame {}", r.seq);
            }
        }
        assert!(f.damage().is_none());
        std::fs::remove_file(path).unwrap();
    }

    #[test]
    fn truncated_record_keeps_what_came_before() {
        let path = temp("trunc.pcap");
        let mut w = PcapWriter::create(&path, false, false).unwrap();
        for i in 0..5u8 {
            w.write(Timestamp(u64::from(i) * 1000), &[i; 80], 80).unwrap();
        }
        w.finish().unwrap();
        let len = std::fs::metadata(&path).unwrap().len();
        let file = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
        file.set_len(len - 30).unwrap();
        let (f, frames) = read_all(&path, false);
        assert_eq!(frames.len(), 4);
        let d = f.damage().unwrap();
        assert_eq!((d.frame, d.offset), (5, 24 + 4 * 96));
        assert!(d.to_string().contains("frame 5 at byte offset 408"), "{d}");
        std::fs::remove_file(path).unwrap();
    }

    #[test]
    fn absurd_caplen_is_damage_not_an_allocation() {
        let path = temp("absurd.pcap");
        let mut w = PcapWriter::create(&path, false, false).unwrap();
        w.write(Timestamp(0), &[0; 60], 60).unwrap();
        w.finish().unwrap();
        let mut f = std::fs::OpenOptions::new().append(true).open(&path).unwrap();
        f.write_all(&[0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0x7f, 0, 0, 0, 0]).unwrap();
        drop(f);
        let (f, frames) = read_all(&path, false);
        assert_eq!(frames.len(), 1);
        assert!(f.damage().unwrap().reason.contains("2147483647"));
        std::fs::remove_file(path).unwrap();
    }

    #[test]
    fn not_a_capture_and_other_link_types_are_refused() {
        let path = temp("junk");
        std::fs::write(&path, b"hello world, not a capture").unwrap();
        let e = CaptureFile::open(&path, false).err().unwrap().to_string();
        assert!(e.contains("not a pcap or pcapng capture"), "{e}");
        std::fs::write(&path, [0x1f, 0x8b, 8, 0, 0, 0]).unwrap();
        assert!(CaptureFile::open(&path, false).err().unwrap().to_string().contains("gzip"));
        std::fs::write(&path, [0xd4, 0xc3, 0xb2, 0xa1, 2, 0]).unwrap();
        assert!(matches!(CaptureFile::open(&path, false), Err(OpenError::HeaderTruncated { len: 6, .. })));
        let mut header = vec![0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0];
        header.extend_from_slice(&[0; 12]);
        header.extend_from_slice(&127u32.to_le_bytes());
        std::fs::write(&path, &header).unwrap();
        let e = CaptureFile::open(&path, false).err().unwrap().to_string();
        assert!(e.contains("link type 127 (IEEE802_11_RADIOTAP) is not Ethernet"), "{e}");
        std::fs::remove_file(path).unwrap();
    }

    #[test]
    fn pcapng_resolution_fcslen_and_flags() {
        let path = temp("a.pcapng");
        let mut w = PcapngWriter::create(&path).unwrap();
        // Interface 0: nanosecond resolution, FCS present. Interface 1: default (µs), no FCS.
        w.interface(linktype::ETHERNET, 9, Some(4)).unwrap();
        w.interface(linktype::ETHERNET, 6, None).unwrap();
        w.interface(113, 6, None).unwrap();
        w.packet(0, 1_700_000_000_000_000_001, &[1; 64], 64, None).unwrap();
        w.packet(1, 1_700_000_000_000_001_000, &[2; 60], 60, None).unwrap();
        w.packet(2, 1_700_000_000_000_002_000, &[3; 60], 60, None).unwrap();
        // epb_flags: FCS length 4; then a CRC error with the FCS stripped.
        w.packet(1, 1_700_000_000_000_003_000, &[4; 64], 64, Some(4 << 5)).unwrap();
        w.packet(1, 1_700_000_000_000_004_000, &[5; 60], 60, Some(1 << 24)).unwrap();
        w.finish().unwrap();
        let (f, frames) = read_all(&path, false);
        let got: Vec<_> = frames.iter().map(|f| (f.2, f.3)).collect();
        assert_eq!(
            got,
            vec![
                (Timestamp(1_700_000_000_000_000_001), Fcs::Present),
                (Timestamp(1_700_000_000_000_001_000), Fcs::Stripped),
                (Timestamp(1_700_000_000_000_003_000), Fcs::Present),
                (Timestamp(1_700_000_000_000_004_000), Fcs::StrippedBad),
            ]
        );
        assert_eq!(f.other_link_frames(), 1);
        assert!(f.damage().is_none());
        // --fcs-present wins over the file.
        let (_, frames) = read_all(&path, true);
        assert!(frames.iter().all(|f| f.3 == Fcs::Present));
        std::fs::remove_file(path).unwrap();
    }

    #[test]
    fn pcapng_without_ethernet_is_refused_and_damage_is_reported() {
        let path = temp("b.pcapng");
        let mut w = PcapngWriter::create(&path).unwrap();
        w.interface(127, 6, None).unwrap();
        w.packet(0, 0, &[0; 20], 20, None).unwrap();
        w.finish().unwrap();
        assert!(matches!(CaptureFile::open(&path, false), Err(OpenError::NotEthernet { link_type: 127, .. })));

        let mut w = PcapngWriter::create(&path).unwrap();
        w.interface(linktype::ETHERNET, 6, None).unwrap();
        w.packet(0, 0, &[0; 60], 60, None).unwrap();
        w.packet(3, 0, &[0; 60], 60, None).unwrap();
        w.finish().unwrap();
        let (f, frames) = read_all(&path, false);
        assert_eq!(frames.len(), 1);
        let d = f.damage().unwrap();
        assert_eq!(d.frame, 2);
        assert!(d.reason.contains("interface 3"), "{}", d.reason);
        std::fs::remove_file(path).unwrap();
    }

    #[test]
    fn pcapng_big_endian_section_and_simple_packets() {
        // Hand-made big-endian file: SHB, IDB (Ethernet, snaplen 32), SPB of a 60-byte frame.
        let mut bytes = Vec::new();
        let block = |t: u32, body: &[u8]| {
            let len = (12 + body.len()) as u32;
            let mut b = t.to_be_bytes().to_vec();
            b.extend_from_slice(&len.to_be_bytes());
            b.extend_from_slice(body);
            b.extend_from_slice(&len.to_be_bytes());
            b
        };
        let mut shb = BYTE_ORDER_MAGIC.to_be_bytes().to_vec();
        shb.extend_from_slice(&[0, 1, 0, 0]);
        shb.extend_from_slice(&u64::MAX.to_be_bytes());
        bytes.extend(block(BLOCK_SHB, &shb));
        let mut idb = vec![0, 1, 0, 0];
        idb.extend_from_slice(&32u32.to_be_bytes());
        bytes.extend(block(BLOCK_IDB, &idb));
        let mut spb = 60u32.to_be_bytes().to_vec();
        spb.extend_from_slice(&[7; 60]);
        bytes.extend(block(BLOCK_SPB, &spb));
        let path = temp("be.pcapng");
        std::fs::write(&path, &bytes).unwrap();
        let (f, frames) = read_all(&path, false);
        assert_eq!(frames.len(), 1);
        assert_eq!((frames[0].0.len(), frames[0].1), (32, 60));
        assert!(f.damage().is_none());
        std::fs::remove_file(path).unwrap();
    }

    #[test]
    fn pcapng_mismatched_trailer_is_damage() {
        let path = temp("c.pcapng");
        let mut w = PcapngWriter::create(&path).unwrap();
        w.interface(linktype::ETHERNET, 6, None).unwrap();
        w.packet(0, 0, &[0; 60], 60, None).unwrap();
        w.finish().unwrap();
        let mut bytes = std::fs::read(&path).unwrap();
        let n = bytes.len();
        bytes[n - 1] ^= 0x10;
        std::fs::write(&path, &bytes).unwrap();
        let (f, frames) = read_all(&path, false);
        assert_eq!(frames.len(), 0);
        assert!(f.damage().unwrap().reason.contains("disagree"));
        std::fs::remove_file(path).unwrap();
    }

    #[test]
    fn pcap_header_fcs_bits() {
        let path = temp("fcs.pcap");
        let mut header = vec![0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0];
        header.extend_from_slice(&[0; 12]);
        // Link type 1 with "FCS present, 2 words".
        header.extend_from_slice(&(1u32 | PCAP_FCS_PRESENT_BIT | 2 << 28).to_le_bytes());
        std::fs::write(&path, &header).unwrap();
        let f = CaptureFile::open(&path, false).unwrap();
        assert!(matches!(f.format, Format::Pcap { fcs_present: true, .. }));
        std::fs::remove_file(path).unwrap();
    }
}
