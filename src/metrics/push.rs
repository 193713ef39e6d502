//! `--push URL`: Prometheus remote write from the probe, for probes a server cannot reach
//! (behind NAT, a firewall, a WAN link that drops). Every `--push-interval` the pusher reads the
//! probe (the same families as /metrics, stamped with the wall-clock time of the reading), puts
//! the push at the end of the spool, and sends the spool in order until the receiver fails to
//! take one; what it could not send waits for the next round, so nothing read is lost while the
//! spool has room. The connection is always opened by the probe.
//!
//! A receiver that refuses a push as malformed (a 4xx other than 429) would refuse it forever:
//! that push is dropped, and said so.

use std::io::{Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use crate::metrics::exposition::{ExpositionOptions, Family, Kind, Sample, SampleValue};
use crate::metrics::http::{MetricsServer, read_families};
use crate::metrics::remote_write::{body, series};
use crate::metrics::spool::Spool;
use crate::pipeline::control::ControlPlane;
use crate::rmon::Timestamp;

/// How long a receiver has to take a push.
const SEND_TIMEOUT: Duration = Duration::from_secs(10);
/// How often the pusher looks at its stop flag between rounds.
const POLL: Duration = Duration::from_millis(100);

/// Where a push goes: `http[s]://host[:port]/path`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PushUrl {
    pub tls: bool,
    pub host: String,
    pub port: u16,
    pub path: String,
}

impl PushUrl {
    pub fn parse(url: &str) -> Result<PushUrl, String> {
        let (tls, rest) = match (url.strip_prefix("https://"), url.strip_prefix("http://")) {
            (Some(rest), _) => (true, rest),
            (None, Some(rest)) => (false, rest),
            (None, None) => return Err(format!("{url}: the push URL must start with http:// or https://")),
        };
        let default_port = if tls { 443 } else { 80 };
        let (authority, path) = match rest.find('/') {
            Some(at) => (&rest[..at], &rest[at..]),
            None => (rest, "/"),
        };
        let (host, port) = match authority.rsplit_once(':') {
            Some((host, port)) if !host.ends_with(']') || authority.starts_with('[') => {
                let port = port.parse::<u16>().map_err(|_| format!("{url}: bad port {port:?}"))?;
                (host, port)
            }
            _ => (authority, default_port),
        };
        let host = host.trim_start_matches('[').trim_end_matches(']');
        if host.is_empty() {
            return Err(format!("{url}: no host"));
        }
        Ok(PushUrl { tls, host: host.to_string(), port, path: path.to_string() })
    }
}

impl std::fmt::Display for PushUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let scheme = if self.tls { "https" } else { "http" };
        if self.host.contains(':') {
            write!(f, "{scheme}://[{}]:{}{}", self.host, self.port, self.path)
        } else {
            write!(f, "{scheme}://{}:{}{}", self.host, self.port, self.path)
        }
    }
}

/// How the probe proves who it is to the receiver, beyond a client certificate: the secret is
/// read from its file at each push, so it can be rotated without a restart.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PushAuth {
    /// A file holding `user:password` (HTTP basic authentication).
    Basic(PathBuf),
    /// A file holding a bearer token.
    Bearer(PathBuf),
}

impl PushAuth {
    /// The Authorization header's value.
    fn header(&self) -> Result<String, String> {
        let read = |path: &PathBuf| {
            std::fs::read_to_string(path)
                .map(|s| s.trim().to_string())
                .map_err(|e| format!("cannot read {}: {e}", path.display()))
        };
        match self {
            PushAuth::Basic(path) => {
                let secret = read(path)?;
                if !secret.contains(':') {
                    return Err(format!("{}: basic auth wants user:password", path.display()));
                }
                Ok(format!("Basic {}", base64(secret.as_bytes())))
            }
            PushAuth::Bearer(path) => Ok(format!("Bearer {}", read(path)?)),
        }
    }
}

/// Standard base64 with padding (RFC 4648), for the basic authentication header.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], chunk.get(1).copied().unwrap_or(0), chunk.get(2).copied().unwrap_or(0)];
        let n = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The TLS side of `--push https://`: whom to trust and, optionally, the probe's certificate.
pub struct PushTls {
    /// The receiver's CA (PEM) instead of the system's roots.
    pub ca: Option<PathBuf>,
    /// The probe's certificate chain and private key (PEM), for receivers that ask for one.
    pub client: Option<(PathBuf, PathBuf)>,
}

impl PushTls {
    /// The rustls configuration, every file read and checked now, and whether it carries a
    /// client certificate.
    pub fn config(&self) -> Result<(Arc<rustls::ClientConfig>, bool), String> {
        use rustls_pki_types::pem::PemObject;
        use rustls_pki_types::{CertificateDer, PrivateKeyDer};
        let mut roots = rustls::RootCertStore::empty();
        match &self.ca {
            Some(path) => {
                let certs = CertificateDer::pem_file_iter(path)
                    .and_then(|i| i.collect::<Result<Vec<_>, _>>())
                    .map_err(|e| format!("--push-ca {}: {e}", path.display()))?;
                if certs.is_empty() {
                    return Err(format!("--push-ca {}: no certificate in it", path.display()));
                }
                for cert in certs {
                    roots.add(cert).map_err(|e| format!("--push-ca {}: {e}", path.display()))?;
                }
            }
            None => {
                let found = rustls_native_certs::load_native_certs();
                let (added, _) = roots.add_parsable_certificates(found.certs);
                if added == 0 {
                    return Err(
                        "no trusted root certificates on this system: give the receiver's CA with --push-ca".into()
                    );
                }
            }
        }
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let builder = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| format!("TLS: {e}"))?
            .with_root_certificates(roots);
        let config = match &self.client {
            None => builder.with_no_client_auth(),
            Some((cert, key)) => {
                let chain = CertificateDer::pem_file_iter(cert)
                    .and_then(|i| i.collect::<Result<Vec<_>, _>>())
                    .map_err(|e| format!("--push-cert {}: {e}", cert.display()))?;
                let key =
                    PrivateKeyDer::from_pem_file(key).map_err(|e| format!("--push-key {}: {e}", key.display()))?;
                builder.with_client_auth_cert(chain, key).map_err(|e| format!("--push-cert/--push-key: {e}"))?
            }
        };
        Ok((Arc::new(config), self.client.is_some()))
    }
}

/// What the pusher has done, for the probe's own metrics (shared with the metrics server, and
/// pushed too).
#[derive(Debug, Default)]
pub struct PushStats {
    /// Pushes the receiver took.
    pub sent: AtomicU64,
    /// Pushes dropped: the spool full (the oldest first), or refused by the receiver.
    pub dropped: AtomicU64,
    /// Rounds in which the receiver could not be reached or did not take a push.
    pub failures: AtomicU64,
    /// Pushes waiting in the spool, and their octets.
    pub spooled: AtomicU64,
    pub spooled_bytes: AtomicU64,
}

impl PushStats {
    /// The pusher's figures as metric families.
    pub fn families(&self) -> Vec<Family> {
        let family = |name: &str, help: &str, kind: Kind, n: u64| Family {
            name: name.into(),
            help: help.into(),
            kind,
            samples: vec![Sample {
                labels: Vec::new(),
                value: match kind {
                    Kind::Counter => SampleValue::Count(n),
                    _ => SampleValue::Level(i64::try_from(n).unwrap_or(i64::MAX)),
                },
            }],
        };
        let get = |a: &AtomicU64| a.load(Ordering::Relaxed);
        vec![
            family("rmonprobe_push_sent", "Pushes the remote-write receiver took.", Kind::Counter, get(&self.sent)),
            family(
                "rmonprobe_push_dropped",
                "Pushes dropped: the spool full (oldest first) or refused by the receiver.",
                Kind::Counter,
                get(&self.dropped),
            ),
            family(
                "rmonprobe_push_failures",
                "Rounds in which the receiver was not reached or did not take a push.",
                Kind::Counter,
                get(&self.failures),
            ),
            family("rmonprobe_push_spooled", "Pushes waiting in the spool.", Kind::Gauge, get(&self.spooled)),
            family(
                "rmonprobe_push_spooled_bytes",
                "Octets waiting in the spool.",
                Kind::Gauge,
                get(&self.spooled_bytes),
            ),
        ]
    }
}

/// What `--push` needs.
pub struct PushSetup {
    /// Shared with the metrics server, which exposes them.
    pub stats: Arc<PushStats>,
    pub url: PushUrl,
    /// For an https:// URL: the configuration, and whether it has a client certificate.
    pub tls: Option<(Arc<rustls::ClientConfig>, bool)>,
    pub auth: Option<PushAuth>,
    pub interval: Duration,
    /// Opened before anything starts, so that a bad directory fails at once.
    pub spool: Spool,
    pub options: ExpositionOptions,
    /// Labels every series gets (job, instance): a pushed series has no scrape to add them.
    pub labels: Vec<(String, String)>,
}

/// What a receiver said to one push.
#[derive(Debug, PartialEq, Eq)]
enum Sent {
    Taken,
    /// Refused for good (its status line).
    Refused(String),
}

/// A TLS error as a user should read it.
fn tls_said(e: std::io::Error) -> String {
    let text = e.to_string();
    if text.contains("invalid peer certificate") {
        format!("TLS: {text} (is the receiver's CA given with --push-ca?)")
    } else if text.contains("received fatal alert") {
        format!(
            "TLS: {text} (the receiver refused the probe's side of the handshake: does it want a client certificate, \
             --push-cert and --push-key, one it trusts?)"
        )
    } else {
        text
    }
}

/// POSTs one remote-write body; an error (no connection, a TLS failure, a 5xx, a 429) means
/// try again later.
fn post(setup: &PushSetup, body: &[u8]) -> Result<Sent, String> {
    let url = &setup.url;
    let addr = (url.host.as_str(), url.port)
        .to_socket_addrs()
        .map_err(|e| format!("{}: {e}", url.host))?
        .next()
        .ok_or_else(|| format!("{}: no address", url.host))?;
    let tcp = TcpStream::connect_timeout(&addr, SEND_TIMEOUT).map_err(|e| e.to_string())?;
    tcp.set_read_timeout(Some(SEND_TIMEOUT)).map_err(|e| e.to_string())?;
    tcp.set_write_timeout(Some(SEND_TIMEOUT)).map_err(|e| e.to_string())?;
    let authorization = match &setup.auth {
        Some(auth) => format!("Authorization: {}\r\n", auth.header()?),
        None => String::new(),
    };
    let head = format!(
        "POST {} HTTP/1.1\r\nHost: {}:{}\r\nUser-Agent: rmonprobe/{}\r\nContent-Type: application/x-protobuf\r\n\
         Content-Encoding: snappy\r\nX-Prometheus-Remote-Write-Version: 0.1.0\r\nContent-Length: {}\r\n\
         {authorization}Connection: close\r\n\r\n",
        url.path,
        url.host,
        url.port,
        env!("CARGO_PKG_VERSION"),
        body.len()
    );
    match &setup.tls {
        Some((config, client_cert)) => {
            let client_cert = *client_cert;
            let name = rustls_pki_types::ServerName::try_from(url.host.clone())
                .map_err(|e| format!("{}: not a name for TLS: {e}", url.host))?;
            let connection =
                rustls::ClientConnection::new(Arc::clone(config), name).map_err(|e| format!("TLS: {e}"))?;
            let mut stream = rustls::StreamOwned::new(connection, tcp);
            exchange(&mut stream, head.as_bytes(), body).map_err(|e| {
                // A receiver that refuses the probe's certificate (TLS 1.3 decides after the
                // handshake) may close the connection while the request is being written: its
                // alert, if it can still be read, says why; else say what is likely.
                let mut byte = [0u8; 1];
                match (e.kind(), stream.read(&mut byte)) {
                    (_, Err(alert)) if alert.get_ref().is_some_and(|inner| inner.is::<rustls::Error>()) => {
                        tls_said(alert)
                    }
                    (std::io::ErrorKind::BrokenPipe | std::io::ErrorKind::ConnectionReset, _) if !client_cert => {
                        format!(
                            "TLS: the receiver closed the connection during the request ({e}): does it want a client \
                         certificate (--push-cert and --push-key)?"
                        )
                    }
                    _ => tls_said(e),
                }
            })
        }
        None => {
            let mut stream = tcp;
            exchange(&mut stream, head.as_bytes(), body).map_err(|e| e.to_string())
        }
    }
    .and_then(|answer| status(&answer))
}

/// Writes a request and reads the start of its answer (the status line at least).
fn exchange(stream: &mut (impl Read + Write), head: &[u8], body: &[u8]) -> std::io::Result<Vec<u8>> {
    stream.write_all(head)?;
    stream.write_all(body)?;
    stream.flush()?;
    let mut answer = [0u8; 512];
    let mut got = 0;
    while got < answer.len() && !answer[..got].windows(2).any(|w| w == b"\r\n") {
        match stream.read(&mut answer[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) => return Err(e),
        }
    }
    Ok(answer[..got].to_vec())
}

/// What the status line of `answer` says of the push.
fn status(answer: &[u8]) -> Result<Sent, String> {
    let text = String::from_utf8_lossy(answer);
    let status_line = text.lines().next().unwrap_or_default().to_string();
    let code: u16 = status_line
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .ok_or_else(|| format!("no HTTP answer ({status_line:?})"))?;
    match code {
        200..=299 => Ok(Sent::Taken),
        429 | 500.. => Err(status_line),
        _ => Ok(Sent::Refused(status_line)),
    }
}

/// The pusher's state between rounds: whether the receiver was down, to say so once.
struct Pusher {
    setup: PushSetup,
    down: bool,
}

impl Pusher {
    /// Sends the spool in order until the receiver fails to take a push.
    fn send_spooled(&mut self) {
        let mut sent = 0;
        loop {
            let body = match self.setup.spool.oldest() {
                Ok(Some(body)) => body,
                Ok(None) => break,
                Err(e) => {
                    eprintln!("rmonprobe: push: cannot read the spool: {e}");
                    break;
                }
            };
            match post(&self.setup, &body) {
                Ok(outcome) => {
                    match outcome {
                        Sent::Refused(status) => {
                            eprintln!("rmonprobe: push: {} refused a push ({status}); it is dropped", self.setup.url);
                            self.setup.stats.dropped.fetch_add(1, Ordering::Relaxed);
                        }
                        Sent::Taken => {
                            self.setup.stats.sent.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                    if let Err(e) = self.setup.spool.drop_oldest() {
                        eprintln!("rmonprobe: push: cannot remove a sent push from the spool: {e}");
                        break;
                    }
                    sent += 1;
                }
                Err(e) => {
                    self.setup.stats.failures.fetch_add(1, Ordering::Relaxed);
                    if !self.down {
                        eprintln!(
                            "rmonprobe: push: {}: {e}; spooling until it answers ({} pushes, {} octets waiting)",
                            self.setup.url,
                            self.setup.spool.len(),
                            self.setup.spool.bytes()
                        );
                    }
                    self.down = true;
                    return;
                }
            }
        }
        if self.down {
            eprintln!("rmonprobe: push: {} answers again; {sent} spooled pushes sent", self.setup.url);
            self.down = false;
        }
    }
}

impl PushSetup {
    /// Pushes the probe behind `control`, read at `clock`'s time, on its own thread.
    pub fn start(
        self,
        mut control: ControlPlane,
        clock: impl Fn() -> Timestamp + Send + 'static,
    ) -> std::io::Result<MetricsServer> {
        MetricsServer::spawn("rmonprobe-push", move |stop| {
            let mut pusher = Pusher { setup: self, down: false };
            let mut due = Instant::now();
            while !stop.load(Ordering::Relaxed) {
                let now = Instant::now();
                if now < due {
                    std::thread::sleep((due - now).min(POLL));
                    continue;
                }
                due = (due + pusher.setup.interval).max(now);
                let stamp = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64);
                let stats = Arc::clone(&pusher.setup.stats);
                let series = series(
                    &read_families(&mut control, clock(), pusher.setup.options, Some(&stats)),
                    &pusher.setup.labels,
                );
                let dropped = pusher.setup.spool.dropped;
                if let Err(e) = pusher.setup.spool.push(body(&series, stamp)) {
                    eprintln!("rmonprobe: push: cannot spool a push: {e}");
                }
                if pusher.setup.spool.dropped > dropped {
                    stats.dropped.fetch_add(pusher.setup.spool.dropped - dropped, Ordering::Relaxed);
                    eprintln!(
                        "rmonprobe: push: the spool is full: {} oldest pushes dropped so far",
                        pusher.setup.spool.dropped
                    );
                }
                pusher.send_spooled();
                stats.spooled.store(pusher.setup.spool.len() as u64, Ordering::Relaxed);
                stats.spooled_bytes.store(pusher.setup.spool.bytes(), Ordering::Relaxed);
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn push_urls() {
        let u = PushUrl::parse("http://127.0.0.1:9090/api/v1/write").unwrap();
        assert_eq!((u.host.as_str(), u.port, u.path.as_str()), ("127.0.0.1", 9090, "/api/v1/write"));
        let u = PushUrl::parse("http://prom.example.net/api/v1/write").unwrap();
        assert_eq!((u.host.as_str(), u.port), ("prom.example.net", 80));
        let u = PushUrl::parse("http://[::1]:9090/w").unwrap();
        assert_eq!((u.host.as_str(), u.port, u.to_string().as_str()), ("::1", 9090, "http://[::1]:9090/w"));
        assert_eq!(PushUrl::parse("http://h:1").unwrap().path, "/");
        let u = PushUrl::parse("https://h/x").unwrap();
        assert_eq!((u.tls, u.port, u.to_string().as_str()), (true, 443, "https://h:443/x"));
        assert!(PushUrl::parse("ftp://h/x").is_err());
        assert!(PushUrl::parse("http://h:99999/x").is_err());
        assert!(PushUrl::parse("http://:80/x").is_err());
    }

    #[test]
    fn base64_as_rfc_4648_spells_it() {
        for (plain, coded) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("user:pass", "dXNlcjpwYXNz"),
        ] {
            assert_eq!(base64(plain.as_bytes()), coded, "{plain}");
        }
    }

    #[test]
    fn status_lines() {
        assert_eq!(status(b"HTTP/1.1 204 No Content\r\n"), Ok(Sent::Taken));
        assert_eq!(status(b"HTTP/1.1 400 Bad Request\r\n"), Ok(Sent::Refused("HTTP/1.1 400 Bad Request".into())));
        assert!(status(b"HTTP/1.1 503 Service Unavailable\r\n").is_err());
        assert!(status(b"HTTP/1.1 429 Too Many Requests\r\n").is_err());
        assert!(status(b"garbage").is_err());
    }
}
