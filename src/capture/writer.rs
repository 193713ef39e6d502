//! Writing captures: pcap and pcapng, for the synthetic capture generator and for tests that need
//! files of a precise shape.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;

use crate::mib::time::{NANOS_PER_SEC, Timestamp};

/// Snapshot length written in headers.
const SNAPLEN: u32 = 262_144;

/// Writes a pcap file (link type Ethernet).
pub struct PcapWriter<W: Write> {
    out: W,
    nanos: bool,
    big_endian: bool,
}

impl PcapWriter<BufWriter<File>> {
    /// Creates `path`, with nanosecond or microsecond timestamps, in either byte order.
    pub fn create(path: &Path, nanos: bool, big_endian: bool) -> io::Result<Self> {
        PcapWriter::new(BufWriter::with_capacity(1 << 20, File::create(path)?), nanos, big_endian)
    }
}

impl<W: Write> PcapWriter<W> {
    pub fn new(mut out: W, nanos: bool, big_endian: bool) -> io::Result<Self> {
        let magic: u32 = if nanos { 0xa1b2_3c4d } else { 0xa1b2_c3d4 };
        let mut header = Vec::with_capacity(24);
        let put32 =
            |h: &mut Vec<u8>, v: u32| h.extend_from_slice(&if big_endian { v.to_be_bytes() } else { v.to_le_bytes() });
        put32(&mut header, magic);
        let (major, minor): (u16, u16) = (2, 4);
        for v in [major, minor] {
            header.extend_from_slice(&if big_endian { v.to_be_bytes() } else { v.to_le_bytes() });
        }
        put32(&mut header, 0); // thiszone
        put32(&mut header, 0); // sigfigs
        put32(&mut header, SNAPLEN);
        put32(&mut header, crate::capture::linktype::ETHERNET);
        out.write_all(&header)?;
        Ok(PcapWriter { out, nanos, big_endian })
    }

    /// Writes one record: `data` as captured, `orig_len` as it was on the wire.
    pub fn write(&mut self, time: Timestamp, data: &[u8], orig_len: u32) -> io::Result<()> {
        let secs = (time.0 / NANOS_PER_SEC) as u32;
        let frac = (time.0 % NANOS_PER_SEC) as u32;
        let frac = if self.nanos { frac } else { frac / 1000 };
        let mut h = [0u8; 16];
        for (i, v) in [secs, frac, data.len() as u32, orig_len].into_iter().enumerate() {
            let b = if self.big_endian { v.to_be_bytes() } else { v.to_le_bytes() };
            h[i * 4..i * 4 + 4].copy_from_slice(&b);
        }
        self.out.write_all(&h)?;
        self.out.write_all(data)
    }

    pub fn finish(mut self) -> io::Result<W> {
        self.out.flush()?;
        Ok(self.out)
    }
}

/// Writes a little-endian pcapng file with one section.
pub struct PcapngWriter<W: Write> {
    out: W,
    /// Timestamp units per second of each interface.
    units: Vec<u64>,
}

impl PcapngWriter<BufWriter<File>> {
    pub fn create(path: &Path) -> io::Result<Self> {
        PcapngWriter::new(BufWriter::new(File::create(path)?))
    }
}

impl<W: Write> PcapngWriter<W> {
    pub fn new(mut out: W) -> io::Result<Self> {
        let mut shb = 0x1A2B_3C4Du32.to_le_bytes().to_vec();
        shb.extend_from_slice(&1u16.to_le_bytes());
        shb.extend_from_slice(&0u16.to_le_bytes());
        shb.extend_from_slice(&(-1i64).to_le_bytes()); // section length unknown
        write_block(&mut out, 0x0A0D_0D0A, &shb)?;
        Ok(PcapngWriter { out, units: Vec::new() })
    }

    /// Adds an interface with timestamps in units of 10^-`tsresol` s and, when given, if_fcslen.
    pub fn interface(&mut self, link_type: u32, tsresol: u8, fcs_len: Option<u8>) -> io::Result<()> {
        let mut idb = (link_type as u16).to_le_bytes().to_vec();
        idb.extend_from_slice(&[0, 0]);
        idb.extend_from_slice(&SNAPLEN.to_le_bytes());
        push_option(&mut idb, 9, &[tsresol]);
        if let Some(n) = fcs_len {
            push_option(&mut idb, 13, &[n]);
        }
        push_option(&mut idb, 0, &[]);
        write_block(&mut self.out, 1, &idb)?;
        self.units.push(10u64.pow(u32::from(tsresol)));
        Ok(())
    }

    /// Adds an enhanced packet block on interface `interface`, with `epb_flags` when given.
    pub fn packet(
        &mut self,
        interface: u32,
        time_ns: u64,
        data: &[u8],
        orig_len: u32,
        flags: Option<u32>,
    ) -> io::Result<()> {
        let units = self.units.get(interface as usize).copied().unwrap_or(1_000_000);
        let ticks = (u128::from(time_ns) * u128::from(units) / u128::from(NANOS_PER_SEC)) as u64;
        let mut epb = interface.to_le_bytes().to_vec();
        epb.extend_from_slice(&((ticks >> 32) as u32).to_le_bytes());
        epb.extend_from_slice(&(ticks as u32).to_le_bytes());
        epb.extend_from_slice(&(data.len() as u32).to_le_bytes());
        epb.extend_from_slice(&orig_len.to_le_bytes());
        epb.extend_from_slice(data);
        epb.resize(epb.len().next_multiple_of(4), 0);
        if let Some(f) = flags {
            push_option(&mut epb, 2, &f.to_le_bytes());
            push_option(&mut epb, 0, &[]);
        }
        write_block(&mut self.out, 6, &epb)
    }

    pub fn finish(mut self) -> io::Result<W> {
        self.out.flush()?;
        Ok(self.out)
    }
}

fn push_option(body: &mut Vec<u8>, code: u16, value: &[u8]) {
    body.extend_from_slice(&code.to_le_bytes());
    body.extend_from_slice(&(value.len() as u16).to_le_bytes());
    body.extend_from_slice(value);
    body.resize(body.len().next_multiple_of(4), 0);
}

fn write_block(out: &mut impl Write, block_type: u32, body: &[u8]) -> io::Result<()> {
    let len = (12 + body.len()) as u32;
    out.write_all(&block_type.to_le_bytes())?;
    out.write_all(&len.to_le_bytes())?;
    out.write_all(body)?;
    out.write_all(&len.to_le_bytes())
}
