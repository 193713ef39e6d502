//! The `rmonprobe` command line.

#![deny(unsafe_code)]

use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use rmonprobe::config::Config;
use rmonprobe::replay::{ReplayOptions, Speed, replay};
use rmonprobe::report::{Meta, write_json};
use rmonprobe::summary;
use rmonprobe::synth::{SynthOptions, generate};

/// A passive traffic analyzer and RMON probe (RFC 2819).
#[derive(Parser)]
#[command(name = "rmonprobe", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Replay pcap/pcapng captures into RMON tables: a summary, or the JSON report with --json.
    Replay {
        /// Capture files, replayed in this order as one data source (ifIndex 1).
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Write the JSON report to PATH (`-` for standard output) instead of the summary.
        #[arg(long, value_name = "PATH")]
        json: Option<String>,
        /// TOML configuration: control rows, ifSpeed, table size limits.
        #[arg(long, value_name = "PATH")]
        config: Option<PathBuf>,
        /// Every frame in the files carries its 4-byte FCS (check it; lengths are real).
        #[arg(long)]
        fcs_present: bool,
        /// `max` (as fast as possible), `1x` (paced by the timestamps) or a factor such as `10x`.
        #[arg(long, default_value = "max", value_parser = parse_speed)]
        speed: Speed,
    },
    /// Write a synthetic IMIX capture (64/576/1500-octet frames, 7:4:1) among many stations.
    Generate {
        /// Output pcap file.
        #[arg(long, short)]
        out: PathBuf,
        #[arg(long, default_value_t = 2_000_000)]
        frames: u64,
        #[arg(long, default_value_t = 5000)]
        stations: u32,
        /// Frames per second of capture time.
        #[arg(long, default_value_t = 10_000)]
        pps: u64,
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
}

fn parse_speed(s: &str) -> Result<Speed, String> {
    s.parse()
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Replay { files, json, config, fcs_present, speed } => {
            let options = ReplayOptions { files, fcs_present, speed, config: Config::default() };
            run_replay(options, json, config)
        }
        Command::Generate { out, frames, stations, pps, seed } => {
            let options = SynthOptions { frames, stations, pps, seed, ..SynthOptions::default() };
            let file = match std::fs::File::create(&out) {
                Ok(f) => f,
                Err(e) => return fail(&format!("{}: cannot create: {e}", out.display())),
            };
            match generate(io::BufWriter::with_capacity(1 << 20, file), &options) {
                Ok(t) => {
                    eprintln!("{}: {} frames, {} octets, {} stations", out.display(), t.frames, t.octets, stations);
                    ExitCode::SUCCESS
                }
                Err(e) => fail(&format!("{}: {e}", out.display())),
            }
        }
    }
}

fn run_replay(mut options: ReplayOptions, json: Option<String>, config: Option<PathBuf>) -> ExitCode {
    if let Some(path) = config {
        match Config::load(&path) {
            Ok(c) => options.config = c,
            Err(e) => return fail(&e.to_string()),
        }
    }
    let result = match replay(&options) {
        Ok(r) => r,
        Err(e) => return fail(&e.to_string()),
    };
    let tables = result.tables();
    match json.as_deref() {
        Some(path) => {
            for w in result.warnings() {
                eprintln!("rmonprobe: warning: {w}");
            }
            let meta = Meta::of_replay(&result);
            let written = if path == "-" {
                let stdout = io::stdout();
                let pretty = stdout.is_terminal();
                write_json(stdout.lock(), meta, &tables, pretty)
            } else {
                std::fs::File::create(path).and_then(|f| write_json(f, meta, &tables, false))
            };
            match written {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
                Err(e) => fail(&format!("{path}: cannot write the report: {e}")),
            }
        }
        None => {
            let text = summary::render(&result, &tables);
            match io::stdout().lock().write_all(text.as_bytes()) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
                Err(e) => fail(&format!("cannot write the summary: {e}")),
            }
        }
    }
}

/// Prints a one-line error and gives exit status 2.
fn fail(message: &str) -> ExitCode {
    eprintln!("rmonprobe: {message}");
    ExitCode::from(2)
}
