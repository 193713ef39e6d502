//! The `rmonprobe` command line.

#![deny(unsafe_code)]

use std::io::{self, IsTerminal, Write};
use std::net::{SocketAddr, UdpSocket};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use rmonprobe::capture::CaptureInput;
use rmonprobe::capture::live::Engine;
use rmonprobe::config::Config;
use rmonprobe::live::{RunOptions, run};
use rmonprobe::metrics::push::{PushAuth, PushTls};
use rmonprobe::metrics::spool::Spool;
use rmonprobe::metrics::{ExpositionOptions, MetricsSetup, PushSetup, PushUrl};
use rmonprobe::replay::{Embedding, Replay, ReplayOptions, Speed, replay, replay_embedded_inputs, replay_served};
use rmonprobe::report::{Meta, write_json};
use rmonprobe::rmon::capture::{BufferControl, Merged};
use rmonprobe::rmon::{RmonTables, Shard};
use rmonprobe::session::Servers;
use rmonprobe::snmp::AgentConfig;
use rmonprobe::snmp::agent::MAX_UDP_PAYLOAD;
use rmonprobe::snmp::mib::SystemGroup;
use rmonprobe::snmp::serve::AgentSetup;
use rmonprobe::snmp::tables::system::{RMONPROBE_AGENT, SYS_SERVICES};
use rmonprobe::snmp::trap::TrapSink;
use rmonprobe::snmp::usm::client::Credentials;
use rmonprobe::snmp::usm::{AuthProtocol, PrivProtocol};
use rmonprobe::state;
use rmonprobe::summary;
use rmonprobe::synth::{SynthOptions, generate};
use rmonprobe::tui::fleet::poll::PollOptions;
use rmonprobe::tui::fleet::run::FleetOptions;
use rmonprobe::tui::fleet::{ProbeSpec, parse_agents};
use rmonprobe::tui::launch::{self, TuiOptions};
use std::time::{Duration, Instant};

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
        /// Counting workers, each on its own thread (frames spread by their IP address pair, else their MAC pair).
        #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u16).range(1..=256))]
        workers: u16,
        /// Print to stderr how long reading and counting, merging the workers' tables and
        /// writing the report took (to size --workers: the first shrinks with more workers).
        #[arg(long)]
        timings: bool,
        #[command(flatten)]
        snmp: SnmpArgs,
        #[command(flatten)]
        metrics: MetricsArgs,
        /// Keep the SNMP agent, the metrics and the pusher up with the final tables after the
        /// files end, until SIGINT/SIGTERM (needs --snmp, --metrics or --push).
        #[arg(long)]
        serve: bool,
        /// Write every capture buffer as DIR/buffer-N.pcap at the end.
        #[arg(long, value_name = "DIR")]
        capture_dir: Option<PathBuf>,
        #[command(flatten)]
        mirror: MirrorArgs,
    },
    /// Capture live on network interfaces (a SPAN port, a tap) until SIGINT or SIGTERM, serving
    /// RMON-MIB over SNMP meanwhile; then print a summary or write the JSON report.
    Run {
        /// An interface to capture on, in promiscuous mode; repeat for several (ifIndex 1..N in
        /// the order given).
        #[arg(long = "interface", short = 'i', required = true, value_name = "IF")]
        interfaces: Vec<String>,
        /// Capture engine: `pcap` (libpcap, TPACKET_V3 ring) or `afxdp` (AF_XDP sockets, one per
        /// receive queue).
        #[arg(long, default_value = "pcap", value_parser = parse_engine)]
        engine: Engine,
        /// Counting workers, each on its own thread (frames spread by their IP address pair, else their MAC pair).
        #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u16).range(1..=256))]
        workers: u16,
        /// Pin the workers and the capture threads to cores.
        #[arg(long)]
        pin: bool,
        /// Capture only frames matching this BPF expression (tcpdump syntax).
        #[arg(long, value_name = "BPF")]
        filter: Option<String>,
        /// Bytes kept of each frame.
        #[arg(long, default_value_t = 65535, value_parser = clap::value_parser!(u32).range(64..=262144))]
        snaplen: u32,
        /// Kernel buffer in MiB (the TPACKET_V3 ring, or the AF_XDP UMEM): what a burst must fit in.
        #[arg(long, default_value_t = 128, value_parser = clap::value_parser!(u32).range(1..=4096))]
        buffer_mb: u32,
        /// At the stop, write the JSON report to PATH (`-` for standard output) instead of the
        /// summary.
        #[arg(long, value_name = "PATH")]
        json: Option<String>,
        /// TOML configuration: control rows, ifSpeed, table size limits.
        #[arg(long, value_name = "PATH")]
        config: Option<PathBuf>,
        #[command(flatten)]
        snmp: SnmpArgs,
        /// No SNMP agent (by default `run` serves on 127.0.0.1:161).
        #[arg(long, conflicts_with = "snmp")]
        no_snmp: bool,
        #[command(flatten)]
        metrics: MetricsArgs,
        /// Become this user once the capture sockets (and the SNMP port) are open.
        #[arg(long, value_name = "NAME")]
        user: Option<String>,
        /// Write every capture buffer as DIR/buffer-N.pcap at the stop, and on SIGUSR1.
        #[arg(long, value_name = "DIR")]
        capture_dir: Option<PathBuf>,
        #[command(flatten)]
        mirror: MirrorArgs,
    },
    /// Watch a probe in the terminal: an embedded one on interfaces (--interface) or capture
    /// files (--replay), or any RMON agent across the network (--agent).
    Tui {
        /// Capture live on this interface (repeatable), as `run` does.
        #[arg(long = "interface", short = 'i', value_name = "IF", conflicts_with_all = ["replay", "agent", "agents"])]
        interfaces: Vec<String>,
        /// Replay these capture files (repeatable), as `replay` does.
        #[arg(long, value_name = "FILE", conflicts_with_all = ["agent", "agents"])]
        replay: Vec<PathBuf>,
        /// Watch the RMON agent at HOST[:PORT] (port 161 by default) over SNMPv2c, reading with
        /// --community (default `public`) and making hostTopN reports with --write-community.
        /// Repeat it to watch several on the Fleet screen.
        #[arg(long, value_name = "HOST[:PORT]")]
        agent: Vec<String>,
        /// Watch the agents of FILE on the Fleet screen: one a line, `host[:port]` optionally
        /// followed by its community; blank lines and `#` comments are skipped.
        #[arg(long, value_name = "FILE")]
        agents: Option<PathBuf>,
        /// Replay speed: `max`, `1x` (as captured) or a factor such as `10x`.
        #[arg(long, default_value = "max", value_parser = parse_speed)]
        speed: Speed,
        /// Capture engine for --interface: `pcap` or `afxdp`.
        #[arg(long, default_value = "pcap", value_parser = parse_engine)]
        engine: Engine,
        /// Capture only frames matching this BPF expression (--interface).
        #[arg(long, value_name = "BPF")]
        filter: Option<String>,
        /// Counting workers of the embedded probe.
        #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u16).range(1..=256))]
        workers: u16,
        /// Every frame in the files carries its 4-byte FCS.
        #[arg(long)]
        fcs_present: bool,
        /// TOML configuration of the embedded probe.
        #[arg(long, value_name = "PATH")]
        config: Option<PathBuf>,
        #[command(flatten)]
        snmp: SnmpArgs,
        /// Seconds between readings (and redraws, when no key is pressed).
        #[arg(long, default_value_t = 1.0, value_parser = parse_refresh)]
        refresh: f64,
        /// Seconds an SNMP request to --agent may take, per try.
        #[arg(long, default_value_t = 2.0, value_parser = parse_refresh)]
        timeout: f64,
        /// Where `w` writes capture buffers (default: the current directory).
        #[arg(long, value_name = "DIR", default_value = ".")]
        capture_dir: PathBuf,
        #[command(flatten)]
        v3: V3Args,
        #[command(flatten)]
        mirror: MirrorArgs,
    },
    /// The bundled lab capture replayed in a loop at 1x as if live, SNMP served on
    /// 127.0.0.1:16100, and the terminal UI on it; without a terminal, SNMP only, until SIGINT
    /// or SIGTERM, then the summary of what was counted.
    Demo {
        /// The capture to loop (default: captures/lab-basic.pcapng, built into the binary).
        #[arg(long, value_name = "FILE")]
        capture: Option<PathBuf>,
        /// Where the demo's agent listens.
        #[arg(long, value_name = "ADDR:PORT", default_value = "127.0.0.1:16100")]
        snmp: SocketAddr,
        /// Seconds between readings.
        #[arg(long, default_value_t = 1.0, value_parser = parse_refresh)]
        refresh: f64,
        #[command(flatten)]
        metrics: MetricsArgs,
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
        /// Share of the frames, in percent, that belong to TCP connections (whole handshakes,
        /// data both ways with the timestamp option, FIN): traffic for the passive latency.
        #[arg(long, value_name = "PERCENT", default_value_t = 0, value_parser = clap::value_parser!(u32).range(0..=100))]
        tcp: u32,
        /// A routed uplink: every frame between a router's and a firewall's MAC address, the
        /// stations' IP conversations inside (what a SPAN port behind a router shows).
        #[arg(long)]
        routed: bool,
    },
}

/// Remote mirrors and duplicate frames (see the README's "Remote mirrors").
#[derive(clap::Args, Default)]
struct MirrorArgs {
    /// Open remote mirrors' packets and count each session as a data source of its own:
    /// `vxlan` (UDP 4789), `vxlan:PORT`, `geneve` (UDP 6081), `gre` (transparent Ethernet
    /// bridging), `erspan` (types I, II and III) or `auto` (all). Repeatable.
    #[arg(long, value_name = "KIND")]
    decap: Vec<String>,
    /// A frame seen again on its data source within MS milliseconds (the same frame mirrored
    /// from two links) counts once; the copies are counted apart.
    #[arg(long, value_name = "MS")]
    dedup: Option<u64>,
}

/// Prometheus metrics (see the README's "Prometheus metrics").
#[derive(clap::Args)]
struct MetricsArgs {
    /// Serve GET /metrics (Prometheus text, or OpenMetrics when asked for) on this TCP address,
    /// e.g. 127.0.0.1:9464 or 0.0.0.0:9464.
    #[arg(long, value_name = "ADDR:PORT")]
    metrics: Option<SocketAddr>,
    /// Rows of each per-host and per-conversation table in the metrics (and the pushes): the
    /// busiest, by octets.
    #[arg(long, value_name = "N", default_value_t = 20)]
    metrics_top: usize,
    /// Push the metrics with Prometheus remote write to this URL
    /// (http://host:port/api/v1/write), the connection opened by the probe.
    #[arg(long, value_name = "URL")]
    push: Option<String>,
    /// Seconds between pushes.
    #[arg(long, value_name = "SECS", default_value_t = 15, requires = "push", value_parser = clap::value_parser!(u64).range(1..=86_400))]
    push_interval: u64,
    /// Keep the pushes not sent yet in this directory (a restart sends them), instead of memory.
    #[arg(long, value_name = "DIR", requires = "push")]
    spool: Option<PathBuf>,
    /// The most the spool holds, in MiB; past it the oldest pushes are dropped.
    #[arg(long, value_name = "MIB", default_value_t = 256, requires = "push", value_parser = clap::value_parser!(u64).range(1..=1_048_576))]
    spool_mb: u64,
    /// https:// push: trust this CA (PEM) instead of the system's roots.
    #[arg(long, value_name = "FILE", requires = "push")]
    push_ca: Option<PathBuf>,
    /// https:// push: the probe's certificate chain (PEM), for receivers that want one.
    #[arg(long, value_name = "FILE", requires_all = ["push", "push_key"])]
    push_cert: Option<PathBuf>,
    /// https:// push: the private key (PEM) of --push-cert.
    #[arg(long, value_name = "FILE", requires_all = ["push", "push_cert"])]
    push_key: Option<PathBuf>,
    /// HTTP basic authentication from this file (`user:password`), read at each push.
    #[arg(long, value_name = "FILE", requires = "push", conflicts_with = "push_bearer_token_file")]
    push_basic_auth_file: Option<PathBuf>,
    /// A bearer token from this file, read at each push.
    #[arg(long, value_name = "FILE", requires = "push")]
    push_bearer_token_file: Option<PathBuf>,
}

impl MetricsArgs {
    /// The pusher for `--push`, its spool opened now (a bad directory fails before any work).
    fn push_setup(&self) -> Result<Option<PushSetup>, String> {
        let Some(url) = &self.push else { return Ok(None) };
        let url = PushUrl::parse(url).map_err(|e| format!("push: {e}"))?;
        let spool = Spool::open(self.spool.as_deref(), self.spool_mb * 1024 * 1024)
            .map_err(|e| format!("push: spool {}: {e}", self.spool.as_deref().unwrap_or(Path::new("")).display()))?;
        if !spool.is_empty() {
            eprintln!(
                "rmonprobe: push: {} pushes ({} octets) left in the spool are sent first",
                spool.len(),
                spool.bytes()
            );
        }
        let tls = match url.tls {
            true => Some(
                PushTls { ca: self.push_ca.clone(), client: self.push_cert.clone().zip(self.push_key.clone()) }
                    .config()
                    .map_err(|e| format!("push: {e}"))?,
            ),
            false if self.push_ca.is_some() || self.push_cert.is_some() => {
                return Err(format!("push: {url}: --push-ca and --push-cert are for an https:// URL"));
            }
            false => None,
        };
        let auth = match (&self.push_basic_auth_file, &self.push_bearer_token_file) {
            (Some(path), _) => Some(PushAuth::Basic(path.clone())),
            (None, Some(path)) => Some(PushAuth::Bearer(path.clone())),
            (None, None) => None,
        };
        Ok(Some(PushSetup {
            stats: Arc::default(),
            url,
            tls,
            auth,
            interval: Duration::from_secs(self.push_interval),
            spool,
            options: ExpositionOptions { top: self.metrics_top },
            labels: vec![("instance".into(), host_name()), ("job".into(), "rmonprobe".into())],
        }))
    }

    /// The metrics server and the pusher, as asked for (the server exposes the pusher's figures).
    fn servers(&self, agent: Option<AgentSetup>) -> Result<Servers, String> {
        let push = self.push_setup()?;
        let metrics = self.setup()?.map(|m| MetricsSetup { push: push.as_ref().map(|p| Arc::clone(&p.stats)), ..m });
        Ok(Servers { agent, metrics, push })
    }

    /// The server for `--metrics`, its port bound now (a busy port fails before any work).
    fn setup(&self) -> Result<Option<MetricsSetup>, String> {
        let Some(addr) = self.metrics else { return Ok(None) };
        MetricsSetup::bind(addr, ExpositionOptions { top: self.metrics_top })
            .map(Some)
            .map_err(|e| format!("metrics: cannot listen on tcp {addr}: {e}"))
    }
}

/// The SNMP agent's options (also in the configuration's [snmp] section).
#[derive(clap::Args)]
struct SnmpArgs {
    /// Serve RMON-MIB over SNMPv1/v2c on this UDP address, e.g. 127.0.0.1:161 or 0.0.0.0:1161.
    #[arg(long, value_name = "ADDR:PORT")]
    snmp: Option<SocketAddr>,
    /// Read-only community (default `public`).
    #[arg(long, value_name = "NAME")]
    community: Option<String>,
    /// Read-write community; without one, no SET is accepted.
    #[arg(long, value_name = "NAME")]
    write_community: Option<String>,
    /// Persist control rows created or changed by SET in this file, and restore them at start.
    #[arg(long, value_name = "PATH")]
    state: Option<PathBuf>,
    /// Send the events' notifications here (repeatable; also `trapSinks` in [snmp]): HOST:PORT
    /// (v2c traps), HOST:PORT/v1, /inform (v2c informs, resent until acknowledged), /v3:USER or
    /// /v3inform:USER (SNMPv3, as a user of [[snmp.users]]).
    #[arg(long, value_name = "ADDR:PORT[/v1|/v2c|/inform|/v3:USER|/v3inform:USER]", value_parser = parse_trap_sink)]
    trap_sink: Vec<TrapSink>,
}

impl SnmpArgs {
    /// No agent options given: the defaults.
    fn none() -> SnmpArgs {
        SnmpArgs { snmp: None, community: None, write_community: None, state: None, trap_sink: Vec::new() }
    }
}

/// `tui --agent` over SNMPv3: the user and its protocols on the command line, the passwords
/// from files or the environment (never the command line, which `ps` shows).
#[derive(Debug, clap::Args)]
struct V3Args {
    /// Read --agent over SNMPv3 as this user (discovering the agent's engine).
    #[arg(long, value_name = "NAME", requires = "agent")]
    user: Option<String>,
    /// MD5, SHA, SHA-224, SHA-256, SHA-384 or SHA-512.
    #[arg(long, value_name = "PROTOCOL", requires = "user")]
    auth_protocol: Option<String>,
    /// File holding the authentication password (else RMONPROBE_AUTH_PASSWORD).
    #[arg(long, value_name = "FILE", requires = "auth_protocol")]
    auth_password_file: Option<PathBuf>,
    /// AES (AES-128-CFB).
    #[arg(long, value_name = "PROTOCOL", requires = "auth_protocol")]
    priv_protocol: Option<String>,
    /// File holding the privacy password (else RMONPROBE_PRIV_PASSWORD).
    #[arg(long, value_name = "FILE", requires = "priv_protocol")]
    priv_password_file: Option<PathBuf>,
}

impl V3Args {
    /// The credentials, or None without --user.
    fn credentials(&self) -> Result<Option<Credentials>, String> {
        let Some(user) = &self.user else { return Ok(None) };
        let password = |file: &Option<PathBuf>, variable: &str| -> Result<String, String> {
            match file {
                Some(path) => std::fs::read_to_string(path)
                    .map(|text| text.trim_end_matches(['\n', '\r']).to_string())
                    .map_err(|e| format!("{}: {e}", path.display())),
                None => std::env::var(variable).map_err(|_| {
                    format!("the password: give a file (--{}) or set {variable}", variable_option(variable))
                }),
            }
        };
        let auth = match &self.auth_protocol {
            None => None,
            Some(name) => {
                let protocol = AuthProtocol::from_name(name).ok_or_else(|| {
                    format!("--auth-protocol {name:?}: MD5, SHA, SHA-224, SHA-256, SHA-384 or SHA-512")
                })?;
                Some((protocol, password(&self.auth_password_file, "RMONPROBE_AUTH_PASSWORD")?))
            }
        };
        let privacy = match &self.priv_protocol {
            None => None,
            Some(name) if name.to_ascii_uppercase().contains("DES") => {
                return Err(format!("--priv-protocol {name:?}: DES is refused (broken); use AES"));
            }
            Some(name) => {
                let protocol = PrivProtocol::from_name(name).ok_or_else(|| format!("--priv-protocol {name:?}: AES"))?;
                Some((protocol, password(&self.priv_password_file, "RMONPROBE_PRIV_PASSWORD")?))
            }
        };
        Ok(Some(Credentials { user: user.clone(), auth, privacy }))
    }
}

fn variable_option(variable: &str) -> &'static str {
    if variable.contains("PRIV") { "priv-password-file" } else { "auth-password-file" }
}

fn parse_trap_sink(s: &str) -> Result<TrapSink, String> {
    s.parse()
}

fn parse_speed(s: &str) -> Result<Speed, String> {
    s.parse()
}

fn parse_engine(s: &str) -> Result<Engine, String> {
    s.parse()
}

fn parse_refresh(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if (0.05..=3600.0).contains(&v) => Ok(v),
        _ => Err(format!("{s:?}: give seconds between 0.05 and 3600")),
    }
}

/// The capture `demo` loops when given none: captures/lab-basic.pcapng, built into the binary so
/// that the demo runs from any directory, with no file to find beside it.
const DEMO_CAPTURE: &[u8] = include_bytes!("../captures/lab-basic.pcapng");
/// What the built-in capture is called in the title, ifDescr and the summary.
const DEMO_CAPTURE_NAME: &str = "lab-basic.pcapng (built in)";

/// Where `run` serves SNMP when not told: the standard port, on loopback only (a probe should
/// not answer the whole network until someone says so).
const RUN_SNMP_DEFAULT: ([u8; 4], u16) = ([127, 0, 0, 1], 161);

fn run_live(
    mut options: RunOptions,
    json: Option<String>,
    config: Config,
    snmp: SnmpArgs,
    no_snmp: bool,
    metrics: MetricsArgs,
) -> ExitCode {
    options.config = config;
    // Signals are caught before anything opens, so none is lost in between.
    let stop = Arc::new(AtomicBool::new(false));
    for signal in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        if let Err(e) = signal_hook::flag::register(signal, Arc::clone(&stop)) {
            return fail(&format!("cannot catch signal {signal}: {e}"));
        }
    }
    if let Some((dir, dump)) = &options.capture_dir {
        if let Err(e) = signal_hook::flag::register(signal_hook::consts::SIGUSR1, Arc::clone(dump)) {
            return fail(&format!("cannot catch SIGUSR1: {e}"));
        }
        // Made now, while the probe may still write anywhere (see --user).
        if let Err(e) = std::fs::create_dir_all(dir) {
            return fail(&format!("--capture-dir {}: {e}", dir.display()));
        }
    }
    let agent = if no_snmp {
        None
    } else {
        let listen = snmp.snmp.unwrap_or_else(|| SocketAddr::from(RUN_SNMP_DEFAULT));
        match agent_setup(&options.config, &snmp, listen) {
            Ok(setup) => Some(setup),
            Err(e) => return fail(&format!("{e} (choose another with --snmp ADDR:PORT, or --no-snmp)")),
        }
    };
    // The report's file is made now, while the probe may still write anywhere: with --user it
    // could not be created at the end, and the tables of a long run would be lost.
    let out = match ReportOut::open(json) {
        Ok(out) => out,
        Err(e) => return fail(&e),
    };
    let servers = match metrics.servers(agent) {
        Ok(s) => s,
        Err(e) => return fail(&e),
    };
    let result = match run(&options, servers, &stop) {
        Ok(r) => r,
        Err(e) => return fail(&e.to_string()),
    };
    if let Some((dir, _)) = &options.capture_dir {
        let shards: Vec<&Shard> = result.shards.iter().collect();
        write_capture_buffers(dir, &result.probe.capture_buffers(&shards));
    }
    let tables = result.tables();
    write_report(out, Meta::of_live(&result), &tables, || summary::render_live(&result, &tables))
}

/// Writes the capture buffers into `dir`, saying so; a failure is reported, and the report
/// still follows.
fn write_capture_buffers(dir: &Path, buffers: &[(u16, BufferControl, Merged)]) {
    match rmonprobe::pipeline::capture_files::write_all(dir, buffers) {
        Ok(files) => eprintln!("rmonprobe: wrote {} capture buffer(s) to {}", files.len(), dir.display()),
        Err(e) => eprintln!("rmonprobe: {}: cannot write the capture buffers: {e}", dir.display()),
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Replay {
            files,
            json,
            config,
            fcs_present,
            speed,
            workers,
            timings,
            snmp,
            metrics,
            serve,
            capture_dir,
            mirror,
        } => {
            let options =
                ReplayOptions { files, fcs_present, speed, config: Config::default(), workers: workers.into() };
            let config = match load_config(config, &mirror) {
                Ok(c) => c,
                Err(e) => return fail(&e),
            };
            let outputs = ReplayOutputs { json, capture_dir, timings: timings.then(Instant::now) };
            run_replay(options, config, snmp, metrics, serve, outputs)
        }
        Command::Run {
            interfaces,
            engine,
            workers,
            pin,
            filter,
            snaplen,
            buffer_mb,
            json,
            config,
            snmp,
            no_snmp,
            metrics,
            user,
            capture_dir,
            mirror,
        } => {
            let config = match load_config(config, &mirror) {
                Ok(c) => c,
                Err(e) => return fail(&e),
            };
            let capture_dir = capture_dir.map(|dir| (dir, Arc::new(AtomicBool::new(false))));
            let options = RunOptions {
                interfaces,
                engine,
                workers: workers.into(),
                pin,
                filter,
                snaplen,
                buffer_mb,
                config: Config::default(),
                user,
                capture_dir,
            };
            run_live(options, json, config, snmp, no_snmp, metrics)
        }
        Command::Tui {
            interfaces,
            replay,
            agent,
            agents,
            speed,
            engine,
            filter,
            workers,
            fcs_present,
            config,
            snmp,
            refresh,
            timeout,
            capture_dir,
            v3,
            mirror,
        } => {
            let mut probes: Vec<ProbeSpec> = agent.iter().map(|a| ProbeSpec::new(a)).collect();
            if let Some(path) = &agents {
                let listed = match std::fs::read_to_string(path) {
                    Ok(text) => parse_agents(&text, path),
                    Err(e) => Err(format!("{}: {e}", path.display())),
                };
                match listed {
                    Ok(listed) if listed.is_empty() => return fail(&format!("{}: no agents", path.display())),
                    Ok(listed) => probes.extend(listed),
                    Err(e) => return fail(&e),
                }
            }
            let tui = TuiOptions { refresh: Duration::from_secs_f64(refresh), capture_dir };
            if !io::stdout().is_terminal() {
                return fail("tui needs a terminal; for a report use `replay` or `run`");
            }
            let credentials = match v3.credentials() {
                Ok(c) => c,
                Err(e) => return fail(&e),
            };
            let timeout = Duration::from_secs_f64(timeout);
            let community = snmp.community.as_deref().unwrap_or("public");
            let result = if probes.len() > 1 {
                if credentials.is_some() {
                    return fail("the Fleet reads its agents over SNMPv2c: watch one agent at a time with SNMPv3");
                }
                let options = FleetOptions {
                    poll: PollOptions { community: community.to_string(), timeout },
                    write_community: snmp.write_community.clone(),
                    refresh: tui.refresh,
                    capture_dir: tui.capture_dir.clone(),
                };
                launch::fleet(probes, &options)
            } else if let (Some(probe), Some(credentials)) = (probes.first(), &credentials) {
                launch::remote_v3(&probe.address, credentials, timeout, &tui)
            } else if let Some(probe) = probes.first() {
                let community = probe.community.as_deref().unwrap_or(community);
                launch::remote(&probe.address, community, snmp.write_community.as_deref(), timeout, &tui)
            } else {
                let config = match load_config(config, &mirror) {
                    Ok(c) => c,
                    Err(e) => return fail(&e),
                };
                let agent = match snmp.snmp {
                    Some(listen) => match agent_setup(&config, &snmp, listen) {
                        Ok(a) => Some(a),
                        Err(e) => return fail(&e),
                    },
                    None => None,
                };
                if !replay.is_empty() {
                    let options = ReplayOptions { files: replay, fcs_present, speed, config, workers: workers.into() };
                    launch::replay(options, agent, false, &tui)
                } else if !interfaces.is_empty() {
                    let options = RunOptions {
                        interfaces,
                        engine,
                        workers: workers.into(),
                        pin: false,
                        filter,
                        snaplen: 65535,
                        buffer_mb: 128,
                        config,
                        user: None,
                        capture_dir: None,
                    };
                    launch::live(options, agent, &tui)
                } else {
                    return fail("tui: give --interface IF, --replay FILE or --agent HOST[:PORT]");
                }
            };
            match result {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => fail(&e.to_string()),
            }
        }
        Command::Demo { capture, snmp, refresh, metrics } => run_demo(capture, snmp, refresh, metrics),
        Command::Generate { out, frames, stations, pps, seed, tcp, routed } => {
            let options =
                SynthOptions { frames, stations, pps, seed, tcp_percent: tcp, routed, ..SynthOptions::default() };
            let file = match std::fs::File::create(&out) {
                Ok(f) => f,
                Err(e) => return fail(&format!("{}: cannot create: {e}", out.display())),
            };
            match generate(io::BufWriter::with_capacity(1 << 20, file), &options) {
                Ok(t) => {
                    eprintln!("{}: {} frames, {} octets, {} stations", out.display(), t.frames, t.octets, stations);
                    if tcp > 0 {
                        eprintln!("{}: {} TCP handshakes", out.display(), t.handshakes);
                    }
                    ExitCode::SUCCESS
                }
                Err(e) => fail(&format!("{}: {e}", out.display())),
            }
        }
    }
}

/// `demo`: the TUI on a looped replay with an agent beside it. Without a terminal (a service,
/// CI, a pipe) the agent is the demo: it serves until SIGINT or SIGTERM, then the summary of what
/// was counted is printed.
fn run_demo(capture: Option<PathBuf>, listen: SocketAddr, refresh: f64, metrics: MetricsArgs) -> ExitCode {
    let input = match capture {
        Some(path) => CaptureInput::File(path),
        None => CaptureInput::Memory { name: PathBuf::from(DEMO_CAPTURE_NAME), bytes: DEMO_CAPTURE },
    };
    let terminal = io::stdout().is_terminal() && io::stdin().is_terminal();
    // Signals are caught before anything opens, so none is lost in between.
    let stop = Arc::new(AtomicBool::new(false));
    if !terminal {
        for signal in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
            if let Err(e) = signal_hook::flag::register(signal, Arc::clone(&stop)) {
                return fail(&format!("cannot catch signal {signal}: {e}"));
            }
        }
    }
    let config = Config::default();
    let servers = match metrics.servers(None) {
        Ok(s) => s,
        Err(e) => return fail(&e),
    };
    let agent = match agent_setup(&config, &SnmpArgs::none(), listen) {
        Ok(a) => a,
        // Without a terminal the agent is all there is to the demo.
        Err(e) if !terminal => return fail(&e),
        Err(e) => {
            eprintln!("rmonprobe: warning: {e}; the demo goes on without SNMP");
            return run_demo_tui(input, config, servers, refresh);
        }
    };
    let servers = Servers { agent: Some(agent), ..servers };
    if terminal {
        return run_demo_tui(input, config, servers, refresh);
    }
    eprintln!(
        "rmonprobe: demo: no terminal, so no UI: {} looped at 1x, SNMP on udp {listen}, until SIGINT or SIGTERM",
        input.name().display()
    );
    // The capture goes in as an input of its own (it may be the built-in one), not in `files`.
    let options =
        ReplayOptions { files: Vec::new(), fcs_present: false, speed: Speed::Factor(1.0), config, workers: 1 };
    // No view reads the probe: the tap's receiving end is gone, which the replay allows.
    let (view, _) = crossbeam_channel::bounded(1);
    let embedding = Embedding { view, repeat: true, stop };
    let mut result = match replay_embedded_inputs(vec![input], &options, servers, embedding) {
        Ok(r) => r,
        Err(e) => return fail(&e.to_string()),
    };
    if let Err(e) = result.finish_agent() {
        return fail(&e.to_string());
    }
    report_replay(&result, ReportOut::Summary, None)
}

/// `demo` at a terminal: the UI on the looped replay.
fn run_demo_tui(input: CaptureInput, config: Config, servers: Servers, refresh: f64) -> ExitCode {
    let options =
        ReplayOptions { files: Vec::new(), fcs_present: false, speed: Speed::Factor(1.0), config, workers: 1 };
    let tui = TuiOptions { refresh: Duration::from_secs_f64(refresh), capture_dir: PathBuf::from(".") };
    match launch::demo(input, options, servers, &tui) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(&e.to_string()),
    }
}

/// What a replay writes when it ends, beside what it serves.
struct ReplayOutputs {
    /// `--json`.
    json: Option<String>,
    /// `--capture-dir`: the capture buffers as pcap files.
    capture_dir: Option<PathBuf>,
    /// `--timings`: when the replay started.
    timings: Option<Instant>,
}

fn run_replay(
    mut options: ReplayOptions,
    config: Config,
    snmp: SnmpArgs,
    metrics: MetricsArgs,
    serve: bool,
    outputs: ReplayOutputs,
) -> ExitCode {
    let ReplayOutputs { json, capture_dir, timings } = outputs;
    options.config = config;
    if serve && snmp.snmp.is_none() && metrics.metrics.is_none() && metrics.push.is_none() {
        return fail(
            "--serve keeps the agent, the metrics or the pusher up: give --snmp ADDR:PORT, --metrics ADDR:PORT or --push URL",
        );
    }
    let agent = match snmp.snmp.map(|listen| agent_setup(&options.config, &snmp, listen)).transpose() {
        Ok(agent) => agent,
        Err(e) => return fail(&e),
    };
    let servers = match metrics.servers(agent) {
        Ok(s) => s,
        Err(e) => return fail(&e),
    };
    let replayed = match servers {
        Servers { agent: None, metrics: None, push: None } => replay(&options),
        servers => replay_served(&options, servers, serve),
    };
    let mut result = match replayed {
        Ok(r) => r,
        Err(e) => return fail(&e.to_string()),
    };
    let counted = timings.map(|start| start.elapsed());
    if let Some(dir) = &capture_dir {
        let shards: Vec<&Shard> = result.shards.iter().collect();
        write_capture_buffers(dir, &result.probe.capture_buffers(&shards));
    }
    let code = match ReportOut::open(json) {
        Ok(out) => report_replay(&result, out, counted),
        Err(e) => fail(&e),
    };
    if let Err(e) = result.finish_agent() {
        return fail(&e.to_string());
    }
    code
}

/// The agent for `--snmp`: the socket bound now (a busy port fails before any work), the state
/// file read (a damaged one set aside, with a warning, for the defaults).
fn agent_setup(config: &Config, args: &SnmpArgs, listen: SocketAddr) -> Result<AgentSetup, String> {
    let socket = UdpSocket::bind(listen).map_err(|e| format!("snmp: cannot listen on udp {listen}: {e}"))?;
    let mut system = SystemGroup {
        descr: format!(
            "rmonprobe {} (commit {}, {} {}): passive traffic analyzer and RMON probe",
            env!("CARGO_PKG_VERSION"),
            env!("RMONPROBE_COMMIT"),
            env!("RMONPROBE_TARGET"),
            env!("RMONPROBE_PROFILE"),
        ),
        object_id: RMONPROBE_AGENT.to_vec(),
        contact: config.snmp.sys_contact.clone(),
        name: config.snmp.sys_name.clone().unwrap_or_else(host_name),
        location: config.snmp.sys_location.clone(),
        services: SYS_SERVICES,
        enable_authen_traps: false,
        time_filter_walk: config.snmp.time_filter,
    };
    let mut restored = None;
    if let Some(path) = &args.state {
        match state::load(path) {
            Ok(None) => {}
            Ok(Some(saved)) => {
                if let Some(s) = &saved.sys_contact {
                    system.contact = s.clone();
                }
                if let Some(s) = &saved.sys_name {
                    system.name = s.clone();
                }
                if let Some(s) = &saved.sys_location {
                    system.location = s.clone();
                }
                restored = Some(saved);
            }
            Err(e) => {
                eprintln!("rmonprobe: warning: {e}");
                match state::set_aside(path) {
                    Ok(aside) => eprintln!(
                        "rmonprobe: warning: moved the damaged state to {}; starting with the configured rows",
                        aside.display()
                    ),
                    Err(e) => return Err(format!("{}: cannot move the damaged state aside: {e}", path.display())),
                }
            }
        }
    }
    let stored_engine = restored.as_ref().and_then(|s: &state::ProbeState| s.engine.clone());
    let usm = rmonprobe::snmp::usm::setup::build(&config.snmp, stored_engine.map(|e| (e.engine_id, e.boots)))?;
    if let (Some(usm), Some(path)) = (&usm, &args.state) {
        // snmpEngineBoots counts this start even if no SET ever saves the rows; a file that
        // held only the engine leaves the rows to the configuration.
        let mut saved =
            restored.clone().unwrap_or_else(|| state::ProbeState { rows_saved: false, ..Default::default() });
        saved.engine = Some(state::EngineState { engine_id: usm.engine_id.clone(), boots: usm.boots });
        state::save(path, &saved).map_err(|e| format!("{}: cannot save the state: {e}", path.display()))?;
    }
    let restored = restored.filter(|s| s.rows_saved);
    let community = args.community.clone().unwrap_or_else(|| config.snmp.community.clone());
    let write_community = args.write_community.clone().or_else(|| config.snmp.write_community.clone());
    let agent = AgentConfig {
        community: community.into_bytes(),
        write_community: write_community.map(String::into_bytes),
        max_message_size: MAX_UDP_PAYLOAD,
        system,
        v1v2c: config.snmp.v1v2c,
        usm,
    };
    let mut trap_sinks = Vec::new();
    for sink in &config.snmp.trap_sinks {
        trap_sinks.push(sink.parse::<TrapSink>().map_err(|e| format!("configuration [snmp] trapSinks: {e}"))?);
    }
    trap_sinks.extend(args.trap_sink.iter().cloned());
    for sink in &trap_sinks {
        if let Some(user) = &sink.user {
            let known = agent.usm.as_ref().is_some_and(|u| u.users.iter().any(|u| u.name == user.as_bytes()));
            if !known {
                return Err(format!("trap sink {sink}: {user:?} is not one of [[snmp.users]]"));
            }
        }
    }
    Ok(AgentSetup { socket, config: agent, state: args.state.clone(), restored, trap_sinks })
}

/// sysName by default: the machine's host name.
fn host_name() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname").map(|s| s.trim().to_string()).unwrap_or_default()
}

/// The JSON report or the text summary of a finished replay.
/// With `counted` (`--timings`: how long reading and counting took), says on stderr how long
/// each part took.
fn report_replay(result: &Replay, out: ReportOut, counted: Option<Duration>) -> ExitCode {
    let merging = Instant::now();
    let tables = result.tables();
    let merged = merging.elapsed();
    if !matches!(out, ReportOut::Summary) {
        for w in result.warnings() {
            eprintln!("rmonprobe: warning: {w}");
        }
    }
    let writing = Instant::now();
    let code = write_report(out, Meta::of_replay(result), &tables, || summary::render(result, &tables));
    if let Some(counted) = counted {
        eprintln!(
            "rmonprobe: timings: read and counted {:.3} s ({} workers), tables merged {:.3} s, report written {:.3} s",
            counted.as_secs_f64(),
            result.shards.len(),
            merged.as_secs_f64(),
            writing.elapsed().as_secs_f64()
        );
    }
    code
}

/// Where the report goes (`--json`).
enum ReportOut {
    /// No --json: the text summary on standard output.
    Summary,
    /// `--json -`.
    Stdout,
    /// `--json PATH`, created (emptied) when opened.
    File(String, std::fs::File),
}

impl ReportOut {
    fn open(json: Option<String>) -> Result<ReportOut, String> {
        match json {
            None => Ok(ReportOut::Summary),
            Some(path) if path == "-" => Ok(ReportOut::Stdout),
            Some(path) => match std::fs::File::create(&path) {
                Ok(f) => Ok(ReportOut::File(path, f)),
                Err(e) => Err(format!("{path}: cannot create the report: {e}")),
            },
        }
    }
}

/// The JSON report, or the text summary.
fn write_report(out: ReportOut, meta: Meta, tables: &RmonTables, summary: impl FnOnce() -> String) -> ExitCode {
    let (path, written) = match out {
        ReportOut::Stdout => {
            let stdout = io::stdout();
            let pretty = stdout.is_terminal();
            ("standard output".to_string(), write_json(stdout.lock(), meta, tables, pretty))
        }
        ReportOut::File(path, f) => {
            let written = write_json(&f, meta, tables, false);
            (path, written)
        }
        ReportOut::Summary => {
            let text = summary();
            return match io::stdout().lock().write_all(text.as_bytes()) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
                Err(e) => fail(&format!("cannot write the summary: {e}")),
            };
        }
    };
    match written {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => fail(&format!("{path}: cannot write the report: {e}")),
    }
}

/// The configuration of `--config`, or the defaults, with `--decap` and `--dedup` added.
fn load_config(path: Option<PathBuf>, mirror: &MirrorArgs) -> Result<Config, String> {
    let mut config = path.map_or_else(|| Ok(Config::default()), |p| Config::load(&p).map_err(|e| e.to_string()))?;
    config.probe.decap.extend(mirror.decap.iter().cloned());
    if let Some(ms) = mirror.dedup {
        config.probe.dedup_ms = Some(ms);
    }
    config.decap_kinds().map_err(|e| e.to_string().replace("probe.decap: ", ""))?;
    config.limits().map_err(|e| e.to_string().replace("probe.dedup_ms =", "--dedup"))?;
    Ok(config)
}

/// Prints a one-line error and gives exit status 2.
fn fail(message: &str) -> ExitCode {
    eprintln!("rmonprobe: {message}");
    ExitCode::from(2)
}
