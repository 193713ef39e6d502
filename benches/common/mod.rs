//! What the benches share: synthetic traffic, classified once before anything is measured.

use rmonprobe::capture::CaptureFile;
use rmonprobe::packet::Frame;
use rmonprobe::synth::{SynthOptions, generate};

/// The frames `generate` writes for `options`, read back and classified (through a temporary
/// pcap file, so that they are exactly what a replay would count).
pub fn synthetic_frames(options: &SynthOptions) -> Vec<Frame> {
    let path = std::env::temp_dir().join(format!("rmonprobe-bench-{}-{}.pcap", std::process::id(), options.stations));
    generate(std::io::BufWriter::new(std::fs::File::create(&path).unwrap()), options).unwrap();
    let mut file = CaptureFile::open(&path, false).unwrap();
    let mut seq = 0;
    let mut out = Vec::new();
    while !file.finished() {
        let batch = file.read_frames(256, &mut seq, 1);
        out.extend(batch.iter().map(|f| Frame::classify(&f)));
    }
    let _ = std::fs::remove_file(path);
    out
}
