//! The HTTP server of `--metrics`: GET /metrics answers with a fresh exposition of the probe;
//! anything else gets a short error. One connection at a time, each with a few seconds to send
//! its request and take the answer, closed after one exchange: a scraper every few seconds is
//! the whole load, and a stalled client cannot hold the server for long.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

use crate::metrics::encode::{Format, render};
use crate::metrics::exposition::{ExpositionOptions, Family, Kind, Sample, SampleValue, families};
use crate::metrics::push::PushStats;
use crate::pipeline::control::ControlPlane;
use crate::rmon::tcp_latency::{self, Merged};
use crate::rmon::{Probe, Shard, Snapshot, Timestamp};

/// The most a request's head may take: a scraper's is a few hundred octets.
const MAX_REQUEST: usize = 16 * 1024;
/// How long a client has to send its request, and to take the answer.
const CLIENT_TIMEOUT: Duration = Duration::from_secs(5);
/// How often the idle server looks at its stop flag.
const POLL: Duration = Duration::from_millis(100);

/// Where `--metrics` listens and what it exposes.
pub struct MetricsSetup {
    /// Bound before anything starts, so that a busy port fails at once.
    pub listener: TcpListener,
    pub options: ExpositionOptions,
    /// The pusher's figures, when the probe also pushes.
    pub push: Option<Arc<PushStats>>,
}

impl MetricsSetup {
    /// Binds `addr`.
    pub fn bind(addr: SocketAddr, options: ExpositionOptions) -> std::io::Result<MetricsSetup> {
        Ok(MetricsSetup { listener: TcpListener::bind(addr)?, options, push: None })
    }
}

/// The server's thread, until its flag is raised.
pub struct MetricsServer {
    pub thread: JoinHandle<()>,
    pub stop: Arc<AtomicBool>,
}

impl MetricsServer {
    /// Runs `body` on a thread named `name`, `body` watching the flag the server raises to end
    /// it.
    pub(crate) fn spawn(name: &str, body: impl FnOnce(&AtomicBool) + Send + 'static) -> std::io::Result<MetricsServer> {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&stop);
        let thread = std::thread::Builder::new().name(name.into()).spawn(move || body(&flag))?;
        Ok(MetricsServer { thread, stop })
    }
}

/// The probe behind `control` at `at` as metric families, read afresh (its latency
/// distributions included): what a scrape and a push expose.
pub(crate) fn read_families(
    control: &mut ControlPlane,
    at: Timestamp,
    options: ExpositionOptions,
    push: Option<&PushStats>,
) -> Vec<Family> {
    let mut out = control.read(at, |probe, shards| {
        let snapshot = Snapshot::take(probe, at, shards);
        let mut out = families(&snapshot, &latency_of(probe, shards), options);
        out.push(Family {
            name: "rmonprobe_workers".into(),
            help: "Counting workers that answered this reading.".into(),
            kind: Kind::Gauge,
            samples: vec![Sample { labels: Vec::new(), value: SampleValue::Level(shards.len() as i64) }],
        });
        out
    });
    out.extend(push.map(PushStats::families).unwrap_or_default());
    out
}

impl MetricsSetup {
    /// Serves the probe behind `control`, read at `clock`'s time, on its own thread.
    pub fn start(
        self,
        mut control: ControlPlane,
        clock: impl Fn() -> Timestamp + Send + 'static,
    ) -> std::io::Result<MetricsServer> {
        self.listener.set_nonblocking(true)?;
        let MetricsSetup { listener, options, push } = self;
        MetricsServer::spawn("rmonprobe-metrics", move |stop| {
            while !stop.load(Ordering::Relaxed) {
                match listener.accept() {
                    Ok((stream, _)) => {
                        let mut scrape =
                            |format| render(read_families(&mut control, clock(), options, push.as_deref()), format);
                        if let Err(e) = answer(stream, &mut scrape) {
                            // A client that went away, or sent nonsense: its problem, not the probe's.
                            let _ = e;
                        }
                    }
                    Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => std::thread::sleep(POLL),
                    Err(_) => std::thread::sleep(POLL),
                }
            }
        })
    }
}

/// The passive latency of each data source that has it, merged over the shards.
fn latency_of(probe: &Probe, shards: &[&Shard]) -> Vec<(u32, Merged)> {
    probe
        .sources()
        .iter()
        .filter_map(|info| {
            let tables: Vec<_> = shards.iter().filter_map(|s| s.tcp_latency(info.if_index)).collect();
            (!tables.is_empty()).then(|| (info.if_index, tcp_latency::merge(&tables)))
        })
        .collect()
}

/// What a request asks for.
#[derive(Debug, PartialEq, Eq)]
enum Request {
    Metrics(Format),
    Index,
    NotFound,
    NotAllowed,
    Bad,
}

/// Parses a request's head (request line and headers).
fn parse(head: &str) -> Request {
    let mut lines = head.split("\r\n");
    let mut parts = lines.next().unwrap_or_default().split(' ');
    let (Some(method), Some(target), Some(version)) = (parts.next(), parts.next(), parts.next()) else {
        return Request::Bad;
    };
    if !version.starts_with("HTTP/1.") {
        return Request::Bad;
    }
    if method != "GET" {
        return Request::NotAllowed;
    }
    let accept = lines
        .filter_map(|l| l.split_once(':'))
        .find(|(name, _)| name.trim().eq_ignore_ascii_case("accept"))
        .map_or("", |(_, v)| v.trim());
    match target.split('?').next().unwrap_or_default() {
        "/metrics" => Request::Metrics(Format::from_accept(accept)),
        "/" => Request::Index,
        _ => Request::NotFound,
    }
}

/// Reads one request from `stream` and answers it.
fn answer(mut stream: TcpStream, scrape: &mut dyn FnMut(Format) -> String) -> std::io::Result<()> {
    stream.set_nonblocking(false)?;
    stream.set_read_timeout(Some(CLIENT_TIMEOUT))?;
    stream.set_write_timeout(Some(CLIENT_TIMEOUT))?;
    let mut head = Vec::with_capacity(1024);
    let mut buf = [0u8; 2048];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        if head.len() > MAX_REQUEST {
            return respond(&mut stream, "431 Request Header Fields Too Large", "text/plain", "request too large\n");
        }
        let n = stream.read(&mut buf)?;
        if n == 0 {
            break;
        }
        head.extend_from_slice(&buf[..n]);
    }
    let request = std::str::from_utf8(&head).map_or(Request::Bad, parse);
    match request {
        Request::Metrics(format) => respond(&mut stream, "200 OK", format.content_type(), &scrape(format)),
        Request::Index => {
            respond(&mut stream, "200 OK", "text/plain; charset=utf-8", "rmonprobe: metrics at /metrics\n")
        }
        Request::NotFound => respond(&mut stream, "404 Not Found", "text/plain", "not found: try /metrics\n"),
        Request::NotAllowed => respond(&mut stream, "405 Method Not Allowed", "text/plain", "only GET\n"),
        Request::Bad => respond(&mut stream, "400 Bad Request", "text/plain", "bad request\n"),
    }
}

fn respond(stream: &mut TcpStream, status: &str, content_type: &str, body: &str) -> std::io::Result<()> {
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes())?;
    stream.write_all(body.as_bytes())?;
    stream.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_are_told_apart() {
        let get = |target: &str, accept: &str| {
            parse(&format!("GET {target} HTTP/1.1\r\nHost: x\r\nAccept: {accept}\r\n\r\n"))
        };
        assert_eq!(get("/metrics", "text/plain"), Request::Metrics(Format::Prometheus));
        assert_eq!(
            get("/metrics?x=1", "application/openmetrics-text; version=1.0.0"),
            Request::Metrics(Format::OpenMetrics)
        );
        assert_eq!(get("/", ""), Request::Index);
        assert_eq!(get("/other", ""), Request::NotFound);
        assert_eq!(parse("POST /metrics HTTP/1.1\r\n\r\n"), Request::NotAllowed);
        for bad in ["", "GET", "GET /metrics", "GET /metrics SPDY/3\r\n\r\n", "\u{0}\u{1}"] {
            assert_eq!(parse(bad), Request::Bad, "{bad:?}");
        }
    }
}
