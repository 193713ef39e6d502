//! Fuzzes the capture-file reader and frame classification: any bytes as a whole pcap or pcapng
//! file into `CaptureFile::from_reader`, every frame read until the end or the damage, and each
//! frame through `Frame::classify` as the file describes it and with each other FCS state.
//!
//! `replay` reads files from anywhere, so the reader must never panic, never hand out more bytes
//! than it read, and must report damage where it is; and classification must not panic whatever
//! a damaged record claims. Besides not crashing, each input is checked for:
//!
//! - the same result read whole or trickled a few bytes at a time (with interrupted reads), a
//!   frame per call or many: records that straddle buffer refills read the same;
//! - frames numbered from 0 without gaps, none longer than the input or `MAX_CAPLEN`, and all
//!   their bytes together no more than the input;
//! - damage inside the input, numbered after the frames read, and the frames before it kept:
//!   the input cut at the damage reads the same frames, undamaged;
//! - `--fcs-present` changing the frames' FCS state and nothing else;
//! - classification agreeing with itself (condition, status bits, size bucket, lengths) and
//!   taking a frame with a correct FCS appended as good.
//!
//!   scripts/fuzz.sh [SECONDS]     (seeds: fuzz/corpus/capture; tests/fuzz_seeds.rs replays them)

#![no_main]

use std::io::{self, Cursor, Read};

use libfuzzer_sys::fuzz_target;
use rmonprobe::capture::file::MAX_CAPLEN;
use rmonprobe::capture::{CaptureFile, Damage};
use rmonprobe::packet::{
    Condition, Destination, FCS_LEN, Fcs, Frame, MAX_FRAME_LEN, MIN_FRAME_LEN, RawFrame, append_fcs, status_bits,
};
use rmonprobe::rmon::Timestamp;

/// The name the input goes by in errors and damage reports.
const NAME: &str = "fuzz-input";
/// Data source the frames are marked with.
const IF_INDEX: u32 = 7;
/// Frames per read when the input is read whole, as `replay` reads.
const BATCH: usize = 64;
/// Frames longer than this are not copied for the appended-FCS check, to keep runs fast.
const FCS_CHECK_MAX: usize = 2048;

/// A frame as read, owned so that reads can be compared.
#[derive(Debug, PartialEq)]
struct Owned {
    data: Vec<u8>,
    orig_len: u32,
    time: Timestamp,
    fcs: Fcs,
    seq: u64,
}

/// Everything one reading of the input gave.
#[derive(Debug, PartialEq)]
struct Outcome {
    frames: Vec<Owned>,
    other_link: u64,
    damage: Option<Damage>,
}

/// A reader that hands out at most `chunk` bytes a call and fails every third call with
/// `Interrupted`, as a pipe or a signal can.
struct Trickle {
    bytes: Vec<u8>,
    at: usize,
    chunk: usize,
    calls: u32,
}

impl Read for Trickle {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.calls += 1;
        if self.calls.is_multiple_of(3) {
            return Err(io::ErrorKind::Interrupted.into());
        }
        let n = self.chunk.min(buf.len()).min(self.bytes.len() - self.at);
        buf[..n].copy_from_slice(&self.bytes[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

/// Opens `input` through `reader` and reads it to the end, `batch` frames at a time, checking
/// each frame and its classification. The open error's text when the input is refused.
fn read(input: &[u8], reader: impl Read + Send + 'static, force_fcs: bool, batch: usize) -> Result<Outcome, String> {
    let mut file = CaptureFile::from_reader(NAME, reader, force_fcs).map_err(|e| e.to_string())?;
    let mut frames = Vec::new();
    let mut seq = 0u64;
    let mut captured_total = 0usize;
    loop {
        let got = file.read_frames(batch, &mut seq, IF_INDEX);
        assert!(got.len() <= batch, "{} frames for a read of {batch}", got.len());
        let empty = got.is_empty();
        for raw in got.iter() {
            assert_eq!(raw.seq, frames.len() as u64, "frames numbered with a gap");
            assert_eq!(raw.if_index, IF_INDEX);
            assert!(raw.data.len() <= MAX_CAPLEN as usize, "a frame of {} bytes", raw.data.len());
            captured_total += raw.data.len();
            assert!(captured_total <= input.len(), "{captured_total} frame bytes out of a {}-byte input", input.len());
            if force_fcs {
                assert_eq!(raw.fcs, Fcs::Present, "--fcs-present did not apply");
            }
            classify_all(&raw);
            frames.push(Owned {
                data: raw.data.to_vec(),
                orig_len: raw.orig_len,
                time: raw.time,
                fcs: raw.fcs,
                seq: raw.seq,
            });
        }
        assert_eq!(seq, frames.len() as u64, "the sequence number ran ahead of the frames");
        if empty {
            // A read gives frames or finishes the file: nothing else can make progress.
            assert!(file.finished(), "an empty read of an unfinished file");
            break;
        }
    }
    assert_eq!(file.frames(), frames.len() as u64, "frames() disagrees with the frames read");
    let damage = file.damage().cloned();
    if let Some(d) = &damage {
        assert_eq!(d.frame, frames.len() as u64 + 1, "damage numbered away from the frames read: {d}");
        assert!(d.offset < input.len() as u64, "damage at offset {} of a {}-byte input", d.offset, input.len());
        assert_eq!(d.path.as_os_str(), NAME);
    }
    Ok(Outcome { frames, other_link: file.other_link_frames(), damage })
}

/// Classifies `raw` as the file describes it and with each FCS state.
fn classify_all(raw: &RawFrame<'_>) {
    for fcs in [raw.fcs, Fcs::Stripped, Fcs::Present, Fcs::StrippedBad] {
        let raw = RawFrame { fcs, ..*raw };
        check_classified(&raw, &Frame::classify(&raw));
    }
    // The whole frame with a correct FCS after it: never a CRC error.
    if raw.data.len() <= FCS_CHECK_MAX {
        let mut with_fcs = raw.data.to_vec();
        append_fcs(&mut with_fcs);
        let len = with_fcs.len() as u32;
        let whole = RawFrame { data: &with_fcs, orig_len: len, fcs: Fcs::Present, ..*raw };
        let frame = Frame::classify(&whole);
        check_classified(&whole, &frame);
        assert_eq!(frame.status & status_bits::CRC_ERROR, 0, "a correct FCS judged bad: {frame:?}");
    }
}

/// What any classification of `raw` must be.
fn check_classified(raw: &RawFrame<'_>, f: &Frame) {
    let captured = raw.data.len() as u32;
    assert_eq!((f.time, f.seq, f.if_index), (raw.time, raw.seq, raw.if_index));
    assert_eq!(f.orig_len, raw.orig_len.max(captured), "orig_len below what was captured");
    match raw.fcs {
        Fcs::Present => assert_eq!(f.wire_len, f.orig_len, "FCS present: the recorded length is the wire's"),
        Fcs::Stripped | Fcs::StrippedBad => {
            assert!(f.wire_len >= MIN_FRAME_LEN && f.wire_len >= f.orig_len, "stripped FCS: {f:?}")
        }
    }
    assert!(f.size_len <= f.wire_len, "size_len over wire_len: {f:?}");
    if f.wire_len >= MIN_FRAME_LEN {
        assert!(f.size_len >= MIN_FRAME_LEN, "tags took a frame under 64 octets: {f:?}");
    }
    assert!(f.vlan_tags <= 8, "{} VLAN tags", f.vlan_tags);
    assert_eq!(f.addresses.is_some(), captured >= 14, "addresses of a {captured}-byte capture");
    if f.addresses.is_none() {
        assert_eq!(f.vlan_tags, 0, "tags without an Ethernet header");
        assert_eq!(f.destination(), Destination::Unicast);
    }
    let crc_error = f.status & status_bits::CRC_ERROR != 0;
    match raw.fcs {
        Fcs::Stripped => assert!(!crc_error, "a stripped FCS judged bad"),
        Fcs::StrippedBad => assert!(crc_error, "a reported CRC error lost"),
        // A frame cut by the snapshot length, or shorter than an FCS, cannot be judged.
        Fcs::Present if captured < f.orig_len || f.orig_len < FCS_LEN => assert!(!crc_error, "{f:?}"),
        Fcs::Present => {}
    }
    let too_long = f.size_len > MAX_FRAME_LEN;
    let too_short = f.size_len < MIN_FRAME_LEN;
    assert_eq!(f.status & status_bits::TOO_LONG != 0, too_long, "{f:?}");
    assert_eq!(f.status & status_bits::TOO_SHORT != 0, too_short, "{f:?}");
    let condition = match (crc_error, too_short, too_long) {
        (false, true, _) => Condition::Undersize,
        (false, _, true) => Condition::Oversize,
        (false, false, false) => Condition::Good,
        (true, true, _) => Condition::Fragment,
        (true, _, true) => Condition::Jabber,
        (true, false, false) => Condition::CrcAlignError,
    };
    assert_eq!(f.condition, condition, "{f:?}");
    assert_eq!(f.is_good(), condition == Condition::Good);
    assert_eq!(f.size_bucket().is_some(), !too_short && !too_long, "{f:?}");
}

fuzz_target!(|input: &[u8]| {
    let whole = read(input, Cursor::new(input.to_vec()), false, BATCH);

    // Trickled, a frame per read: the same result.
    let chunk = 1 + input.len() % 13;
    let trickle = Trickle { bytes: input.to_vec(), at: 0, chunk, calls: 0 };
    assert_eq!(read(input, trickle, false, 1), whole, "trickled {chunk} bytes at a time");

    // --fcs-present: the same frames, all with their FCS.
    let forced = read(input, Cursor::new(input.to_vec()), true, BATCH);
    match (&whole, &forced) {
        (Ok(w), Ok(f)) => {
            assert_eq!((w.frames.len(), w.other_link, &w.damage), (f.frames.len(), f.other_link, &f.damage));
            for (a, b) in w.frames.iter().zip(&f.frames) {
                assert_eq!((&a.data, a.orig_len, a.time, a.seq), (&b.data, b.orig_len, b.time, b.seq));
            }
        }
        (Err(a), Err(b)) => assert_eq!(a, b),
        _ => panic!("--fcs-present changed whether the input opens: {whole:?} and {forced:?}"),
    }

    // The frames before damage are kept: the input cut where the damage is reads them, clean.
    // (Damage at offset 0, a pcapng magic and too few bytes for a block, leaves no capture.)
    if let Ok(Outcome { frames, other_link, damage: Some(d) }) = &whole
        && d.offset > 0
    {
        let prefix = &input[..d.offset as usize];
        let cut = read(prefix, Cursor::new(prefix.to_vec()), false, BATCH);
        match cut {
            Ok(cut) => {
                assert_eq!(&cut.frames, frames, "the frames before the damage read differently");
                assert_eq!(cut.other_link, *other_link);
                assert_eq!(cut.damage, None, "the input cut at the damage is damaged");
            }
            Err(e) => panic!("the input cut at the damage ({d}) does not open: {e}"),
        }
    }
});
