//! What the benches share: synthetic traffic, classified once before anything is measured, and
//! the probe that counts it.

use rmonprobe::capture::CaptureFile;
use rmonprobe::packet::Frame;
use rmonprobe::rmon::{DataSourceInfo, Limits, Probe, RowRequest, Timestamp};
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

/// A probe over one 1 Gb/s data source with the default control rows, started at `start`.
pub fn default_probe(start: Timestamp) -> Probe {
    let sources = vec![DataSourceInfo {
        if_index: 1,
        name: "bench".into(),
        descr: "bench".into(),
        if_speed: 1_000_000_000,
        live: false,
        phys_address: Vec::new(),
    }];
    Probe::new(start, sources.clone(), Limits::default(), &RowRequest::defaults(&sources)).unwrap()
}
