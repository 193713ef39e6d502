//! The probes of a Fleet: `--agent` flags and `--agents FILE`, one probe a line.

use std::path::Path;

/// One probe: where it answers, and its read community when the file gives one (else
/// `--community`'s).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProbeSpec {
    /// HOST, HOST:PORT or [v6]:PORT, as given.
    pub address: String,
    pub community: Option<String>,
}

impl ProbeSpec {
    pub fn new(address: &str) -> ProbeSpec {
        ProbeSpec { address: address.to_string(), community: None }
    }
}

/// The probes of an `--agents` file's text: `host[:port]`, optionally followed by a community
/// (`10.0.0.5:161 public`); blank lines and `#` comments are skipped. A bad line is an error
/// naming `path` and the line.
pub fn parse_agents(text: &str, path: &Path) -> Result<Vec<ProbeSpec>, String> {
    let mut probes = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let content = line.split('#').next().unwrap_or_default().trim();
        if content.is_empty() {
            continue;
        }
        let bad = |why: &str| format!("{}, line {}: {why}: {content}", path.display(), number + 1);
        let mut words = content.split_whitespace();
        let address = words.next().unwrap_or_default();
        let community = words.next().map(str::to_string);
        if words.next().is_some() {
            return Err(bad("expected `host[:port] [community]`"));
        }
        check_address(address).map_err(|why| bad(&why))?;
        probes.push(ProbeSpec { address: address.to_string(), community });
    }
    Ok(probes)
}

/// Whether `address` reads as HOST, HOST:PORT or [v6]:PORT with a port in 1..=65535 (the
/// host itself is resolved when the probe is read: an unknown one shows as unreachable).
fn check_address(address: &str) -> Result<(), String> {
    let port = if let Some(rest) = address.strip_prefix('[') {
        match rest.split_once(']') {
            Some((_, "")) => None,
            Some((_, tail)) => Some(tail.strip_prefix(':').ok_or("expected `:PORT` after `]`")?),
            None => return Err("no closing `]`".into()),
        }
    } else {
        match address.matches(':').count() {
            0 => None,
            1 => address.split_once(':').map(|(_, p)| p),
            // A bare IPv6 address, port 161.
            _ if address.parse::<std::net::Ipv6Addr>().is_ok() => None,
            _ => return Err("an IPv6 address with a port is written [ADDR]:PORT".into()),
        }
    };
    if address.starts_with(':') && address.parse::<std::net::Ipv6Addr>().is_err() {
        return Err("no host".into());
    }
    match port {
        Some(p) if !matches!(p.parse::<u16>(), Ok(1..)) => Err(format!("bad port `{p}`")),
        _ => Ok(()),
    }
}
