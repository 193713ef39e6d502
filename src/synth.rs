//! A synthetic capture generator for benchmarks and scale tests: IMIX traffic among many
//! stations, written as a pcap file.
//!
//! Frames are 64, 576 and 1500 octets on the wire (FCS included; the file holds them without the
//! FCS, as Linux captures do) in the ratio 7:4:1. Each station talks to a few fixed peers, as real
//! hosts talk to their servers, so the matrix holds a realistic number of conversations; a few
//! percent of frames are ARP broadcasts and IPv4 multicasts. Stations have IPv4 addresses
//! (10.x.y.z) and IPv6 ones (fd00::n): the conversations with every fourth station run over IPv6
//! when the frame is big enough for an IPv6 header (576 and 1500 octets), the rest over IPv4, so
//! RMON2's network layer has both to count. The generator keeps its own tally of what it wrote,
//! which tests compare with what the probe counts.
//!
//! With [`SynthOptions::tcp_percent`], that share of the frames belongs to TCP connections over
//! IPv4 instead: each opens with a whole handshake (SYN, SYN/ACK, ACK), carries data both ways
//! (576- and 1500-octet segments, and 70-octet pure ACKs) and closes with FIN, FIN, ACK.
//! Every segment carries the timestamp option (RFC 7323), a TSval from its host's millisecond
//! clock and the TSecr of the latest TSval it received, so the passive latency tracker has
//! handshakes and RTT samples to take. Connections run side by side (a few thousand at once), so
//! the time between a segment and its answer is spread out as on a busy link.

use std::io::{self, Write};

use crate::capture::writer::PcapWriter;
use crate::packet::{FCS_LEN, MacAddr};
use crate::rmon::time::{NANOS_PER_SEC, Timestamp};

/// What to generate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SynthOptions {
    pub frames: u64,
    pub stations: u32,
    /// Peers each station talks to.
    pub peers: u32,
    /// Frames per second of capture time (spaces the timestamps).
    pub pps: u64,
    pub seed: u64,
    /// Time of the first frame.
    pub start: Timestamp,
    /// Share of the frames, in percent, that belong to TCP connections (0: none).
    pub tcp_percent: u32,
    /// A routed uplink: every frame between a router's and a firewall's MAC address (the
    /// stations' IP traffic inside), as a SPAN port behind a router shows it.
    pub routed: bool,
}

/// The router and the firewall of a routed capture.
pub const ROUTER_MAC: MacAddr = MacAddr([0x02, 0x52, 0x54, 0x00, 0x00, 0x01]);
pub const FIREWALL_MAC: MacAddr = MacAddr([0x02, 0x46, 0x57, 0x00, 0x00, 0x01]);

/// Puts a frame on the routed link: a station with an even MAC address sits behind the
/// firewall, one with an odd address behind the router (so an IP address keeps one MAC
/// address, as across a real router); a unicast frame goes from its station's side to the
/// other, a broadcast or multicast one keeps its group.
fn route(buf: &mut [u8]) {
    let (Some(&dst0), Some(&src5)) = (buf.first(), buf.get(11)) else { return };
    let (side, other) = if src5 & 1 == 0 { (FIREWALL_MAC, ROUTER_MAC) } else { (ROUTER_MAC, FIREWALL_MAC) };
    if dst0 & 1 == 0 {
        buf[..6].copy_from_slice(&other.0);
    }
    buf[6..12].copy_from_slice(&side.0);
}

impl Default for SynthOptions {
    fn default() -> Self {
        SynthOptions {
            frames: 2_000_000,
            stations: 5000,
            peers: 8,
            pps: 10_000,
            seed: 1,
            start: Timestamp(1_700_000_000 * NANOS_PER_SEC),
            tcp_percent: 0,
            routed: false,
        }
    }
}

/// The generator's own count of what it wrote.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SynthTally {
    pub frames: u64,
    /// Wire octets (FCS included).
    pub octets: u64,
    pub broadcast: u64,
    pub multicast: u64,
    pub frames_64: u64,
    pub frames_576: u64,
    pub frames_1500: u64,
    /// TCP handshakes and pure ACKs: 70 octets on the wire (the timestamp option makes them
    /// longer than the minimum).
    pub frames_70: u64,
    /// TCP handshakes written whole (SYN, SYN/ACK and the client's ACK).
    pub handshakes: u64,
}

/// SplitMix64: small, fast and good enough to pick sizes and stations.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// The MAC address of station `id` (locally administered, unicast).
pub fn station_mac(id: u32) -> MacAddr {
    let n = id + 1;
    MacAddr([0x02, 0x00, 0x00, (n >> 16) as u8, (n >> 8) as u8, n as u8])
}

/// The `k`-th peer of station `id`: a fixed other station.
fn peer_of(id: u32, k: u32, stations: u32) -> u32 {
    if stations < 2 {
        return id;
    }
    let mut h = Rng(u64::from(id) << 32 | u64::from(k));
    let offset = 1 + h.below(u64::from(stations - 1)) as u32;
    (id + offset) % stations
}

/// Writes an IPv4/UDP frame of `len` captured octets into `buf`.
fn ipv4_udp(buf: &mut Vec<u8>, dst: MacAddr, src: MacAddr, src_ip: [u8; 4], dst_ip: [u8; 4], len: usize) {
    buf.clear();
    buf.extend_from_slice(&dst.0);
    buf.extend_from_slice(&src.0);
    buf.extend_from_slice(&[0x08, 0x00]);
    let ip_len = (len - 14) as u16;
    let mut ip = [0u8; 20];
    ip[0] = 0x45;
    ip[2..4].copy_from_slice(&ip_len.to_be_bytes());
    ip[8] = 64;
    ip[9] = 17;
    ip[12..16].copy_from_slice(&src_ip);
    ip[16..20].copy_from_slice(&dst_ip);
    let sum = ip.chunks(2).fold(0u32, |s, w| s + u32::from(u16::from_be_bytes([w[0], w[1]])));
    let sum = !((sum & 0xffff) + (sum >> 16)) as u16;
    ip[10..12].copy_from_slice(&sum.to_be_bytes());
    buf.extend_from_slice(&ip);
    let udp_len = ip_len - 20;
    buf.extend_from_slice(&[0x30, 0x39, 0x00, 0x35]);
    buf.extend_from_slice(&udp_len.to_be_bytes());
    buf.extend_from_slice(&[0, 0]);
    buf.resize(len, 0);
}

/// Writes an IPv6/UDP frame of `len` captured octets (at least 62) into `buf`.
fn ipv6_udp(buf: &mut Vec<u8>, dst: MacAddr, src: MacAddr, src_ip: [u8; 16], dst_ip: [u8; 16], len: usize) {
    buf.clear();
    buf.extend_from_slice(&dst.0);
    buf.extend_from_slice(&src.0);
    buf.extend_from_slice(&[0x86, 0xdd]);
    let payload = (len - 14 - 40) as u16;
    buf.extend_from_slice(&[0x60, 0, 0, 0]);
    buf.extend_from_slice(&payload.to_be_bytes());
    buf.extend_from_slice(&[17, 64]);
    buf.extend_from_slice(&src_ip);
    buf.extend_from_slice(&dst_ip);
    buf.extend_from_slice(&[0x30, 0x39, 0x00, 0x35]);
    buf.extend_from_slice(&payload.to_be_bytes());
    buf.extend_from_slice(&[0, 0]);
    buf.resize(len, 0);
}

/// Station `id`'s IPv6 address: fd00::(id + 1).
fn ipv6_of(id: u32) -> [u8; 16] {
    let mut a = [0u8; 16];
    a[0] = 0xfd;
    a[12..].copy_from_slice(&(id + 1).to_be_bytes());
    a
}

fn ip_of(id: u32) -> [u8; 4] {
    let n = id + 1;
    [10, (n >> 16) as u8, (n >> 8) as u8, n as u8]
}

/// Well-known server ports the TCP connections go to.
const TCP_SERVER_PORTS: [u16; 8] = [80, 443, 22, 8080, 3306, 5432, 25, 993];

/// TCP connections open at once (fewer with few stations).
const TCP_CONNECTIONS: u32 = 4096;

/// One side of a generated TCP connection.
#[derive(Clone, Copy, Default)]
struct TcpSide {
    ip: [u8; 4],
    mac: MacAddr,
    port: u16,
    /// The next sequence number this side sends.
    seq: u32,
    /// The latest TSval this side received (its next TSecr).
    echo: u32,
    /// Offset of this side's timestamp clock.
    clock: u32,
}

/// Where a generated connection is.
#[derive(Clone, Copy, Default, PartialEq, Eq)]
enum TcpStep {
    /// No connection in this slot: the next pick opens one.
    #[default]
    Closed,
    SynSent,
    SynReceived,
    /// Established; `n` segments left before the client closes.
    Data(u32),
    FinSent,
    FinAcked,
    /// Both FINs sent: the client's last ACK closes it.
    LastAck,
}

#[derive(Clone, Copy, Default)]
struct TcpConnection {
    step: TcpStep,
    /// 0: the client, 1: the server.
    sides: [TcpSide; 2],
}

/// The TCP connections of a generated capture.
struct TcpTraffic {
    slots: Vec<TcpConnection>,
    stations: u32,
    peers: u32,
    next_port: u16,
}

impl TcpTraffic {
    fn new(stations: u32, peers: u32) -> Self {
        let slots = TCP_CONNECTIONS.min(stations.saturating_mul(2)).max(1) as usize;
        TcpTraffic { slots: vec![TcpConnection::default(); slots], stations, peers, next_port: 32768 }
    }

    /// Writes the next segment of a connection picked at random into `buf`.
    fn next_segment(&mut self, rng: &mut Rng, now: Timestamp, buf: &mut Vec<u8>, tally: &mut SynthTally) {
        let slot = rng.below(self.slots.len() as u64) as usize;
        let c = &mut self.slots[slot];
        let (from, flags, payload) = match c.step {
            TcpStep::Closed => {
                let client = rng.below(u64::from(self.stations)) as u32;
                let server = peer_of(client, rng.below(u64::from(self.peers)) as u32, self.stations);
                let port = TCP_SERVER_PORTS[rng.below(TCP_SERVER_PORTS.len() as u64) as usize];
                self.next_port = if self.next_port == u16::MAX { 32768 } else { self.next_port + 1 };
                let side = |id: u32, port: u16, rng: &mut Rng| TcpSide {
                    ip: ip_of(id),
                    mac: station_mac(id),
                    port,
                    seq: rng.next() as u32,
                    clock: rng.next() as u32,
                    ..TcpSide::default()
                };
                c.sides = [side(client, self.next_port, rng), side(server, port, rng)];
                c.step = TcpStep::SynSent;
                (0, TCP_SYN, 0)
            }
            TcpStep::SynSent => {
                c.step = TcpStep::SynReceived;
                (1, TCP_SYN | TCP_ACK, 0)
            }
            TcpStep::SynReceived => {
                tally.handshakes += 1;
                c.step = TcpStep::Data(4 + rng.below(40) as u32);
                (0, TCP_ACK, 0)
            }
            TcpStep::Data(left) => {
                c.step = if left <= 1 { TcpStep::FinSent } else { TcpStep::Data(left - 1) };
                let from = rng.below(2) as usize;
                // Pure ACKs and data in IMIX's proportions: 7 small to 4 of 576 and 1 of 1500.
                let payload = match rng.below(12) {
                    0..=6 => 0,
                    7..=10 => 576 - FCS_LEN as usize - TCP_HEADERS,
                    _ => 1500 - FCS_LEN as usize - TCP_HEADERS,
                };
                (from, TCP_ACK | if payload > 0 { TCP_PSH } else { 0 }, payload)
            }
            TcpStep::FinSent => {
                c.step = TcpStep::FinAcked;
                (0, TCP_FIN | TCP_ACK, 0)
            }
            TcpStep::FinAcked => {
                c.step = TcpStep::LastAck;
                (1, TCP_FIN | TCP_ACK, 0)
            }
            TcpStep::LastAck => {
                c.step = TcpStep::Closed;
                (0, TCP_ACK, 0)
            }
        };
        let to = 1 - from;
        let tsval = c.sides[from].clock.wrapping_add((now.0 / 1_000_000) as u32);
        let tsecr = if flags == TCP_SYN { 0 } else { c.sides[from].echo };
        c.sides[to].echo = tsval;
        let (s, r) = (c.sides[from], c.sides[to]);
        let ack = if flags == TCP_SYN { 0 } else { r.seq };
        tcp_segment(buf, &s, &r, flags, ack, (tsval, tsecr), payload);
        let advance = payload as u32 + u32::from(flags & (TCP_SYN | TCP_FIN) != 0);
        c.sides[from].seq = s.seq.wrapping_add(advance);
        if payload == 0 {
            tally.frames_70 += 1;
        } else if payload + TCP_HEADERS + FCS_LEN as usize == 576 {
            tally.frames_576 += 1;
        } else {
            tally.frames_1500 += 1;
        }
    }
}

const TCP_FIN: u8 = 0x01;
const TCP_SYN: u8 = 0x02;
const TCP_PSH: u8 = 0x08;
const TCP_ACK: u8 = 0x10;

/// Ethernet, IPv4 and TCP headers with the timestamp option (NOP, NOP, TS).
const TCP_HEADERS: usize = 14 + 20 + 32;

/// Writes an IPv4/TCP segment from `s` to `r` with the timestamp option into `buf`.
fn tcp_segment(buf: &mut Vec<u8>, s: &TcpSide, r: &TcpSide, flags: u8, ack: u32, ts: (u32, u32), payload: usize) {
    buf.clear();
    buf.extend_from_slice(&r.mac.0);
    buf.extend_from_slice(&s.mac.0);
    buf.extend_from_slice(&[0x08, 0x00]);
    let ip_len = (20 + 32 + payload) as u16;
    let mut ip = [0u8; 20];
    ip[0] = 0x45;
    ip[2..4].copy_from_slice(&ip_len.to_be_bytes());
    ip[6] = 0x40; // don't fragment
    ip[8] = 64;
    ip[9] = 6;
    ip[12..16].copy_from_slice(&s.ip);
    ip[16..20].copy_from_slice(&r.ip);
    let sum = ip.chunks(2).fold(0u32, |s, w| s + u32::from(u16::from_be_bytes([w[0], w[1]])));
    let sum = !((sum & 0xffff) + (sum >> 16)) as u16;
    ip[10..12].copy_from_slice(&sum.to_be_bytes());
    buf.extend_from_slice(&ip);
    buf.extend_from_slice(&s.port.to_be_bytes());
    buf.extend_from_slice(&r.port.to_be_bytes());
    buf.extend_from_slice(&s.seq.to_be_bytes());
    buf.extend_from_slice(&ack.to_be_bytes());
    // Data offset 8 words: 20 octets and 12 of options.
    buf.extend_from_slice(&[0x80, flags, 0xfa, 0xf0, 0, 0, 0, 0]);
    buf.extend_from_slice(&[1, 1, 8, 10]);
    buf.extend_from_slice(&ts.0.to_be_bytes());
    buf.extend_from_slice(&ts.1.to_be_bytes());
    buf.resize(TCP_HEADERS + payload, 0);
}

/// Generates the capture into `out`.
pub fn generate(out: impl Write, options: &SynthOptions) -> io::Result<SynthTally> {
    let mut writer = PcapWriter::new(out, false, false)?;
    let mut rng = Rng(options.seed);
    let mut tally = SynthTally::default();
    let mut buf = Vec::with_capacity(1600);
    let stations = options.stations.max(1);
    let gap_ns = NANOS_PER_SEC / options.pps.max(1);
    let mut tcp = TcpTraffic::new(stations, options.peers.max(1));
    for i in 0..options.frames {
        let time = Timestamp(options.start.0 + i * gap_ns);
        // (No draw without TCP, so that a capture without it stays the same as before.)
        if options.tcp_percent > 0 && rng.below(100) < u64::from(options.tcp_percent) {
            tcp.next_segment(&mut rng, time, &mut buf, &mut tally);
            tally.frames += 1;
            tally.octets += buf.len() as u64 + u64::from(FCS_LEN);
            if options.routed {
                route(&mut buf);
            }
            writer.write(time, &buf, buf.len() as u32)?;
            continue;
        }
        let src_id = rng.below(u64::from(stations)) as u32;
        let src = station_mac(src_id);
        let kind = rng.below(100);
        let wire_len: u32 = match rng.below(12) {
            0..=6 => 64,
            7..=10 => 576,
            _ => 1500,
        };
        let caplen = (wire_len - FCS_LEN) as usize;
        if kind < 2 {
            // ARP request: broadcast, always a minimum-size frame.
            buf.clear();
            buf.extend_from_slice(&MacAddr::BROADCAST.0);
            buf.extend_from_slice(&src.0);
            buf.extend_from_slice(&[0x08, 0x06, 0, 1, 0x08, 0, 6, 4, 0, 1]);
            buf.extend_from_slice(&src.0);
            buf.extend_from_slice(&ip_of(src_id));
            buf.extend_from_slice(&[0; 6]);
            buf.extend_from_slice(&ip_of(peer_of(src_id, 0, stations)));
            buf.resize(60, 0);
            tally.broadcast += 1;
        } else if kind < 5 {
            let group = rng.below(16) as u8;
            let dst = MacAddr([0x01, 0x00, 0x5e, 0x00, 0x00, group]);
            ipv4_udp(&mut buf, dst, src, ip_of(src_id), [239, 0, 0, group], caplen);
            tally.multicast += 1;
        } else {
            let dst_id = peer_of(src_id, rng.below(u64::from(options.peers.max(1))) as u32, stations);
            // A quarter of the conversations of frames big enough for it run over IPv6.
            if wire_len > 64 && dst_id.is_multiple_of(4) {
                ipv6_udp(&mut buf, station_mac(dst_id), src, ipv6_of(src_id), ipv6_of(dst_id), caplen);
            } else {
                ipv4_udp(&mut buf, station_mac(dst_id), src, ip_of(src_id), ip_of(dst_id), caplen);
            }
        }
        let wire = buf.len() as u32 + FCS_LEN;
        match wire {
            64 => tally.frames_64 += 1,
            576 => tally.frames_576 += 1,
            _ => tally.frames_1500 += 1,
        }
        tally.frames += 1;
        tally.octets += u64::from(wire);
        if options.routed {
            route(&mut buf);
        }
        writer.write(time, &buf, buf.len() as u32)?;
    }
    writer.finish()?;
    Ok(tally)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A routed capture is the same traffic between two MAC addresses: the same frames and
    /// IP packets, every unicast frame between the router and the firewall both ways.
    #[test]
    fn a_routed_capture_carries_the_same_packets_between_two_macs() {
        let plain = SynthOptions { frames: 5_000, stations: 50, tcp_percent: 20, ..SynthOptions::default() };
        let routed = SynthOptions { routed: true, ..plain };
        let (mut a, mut b) = (Vec::new(), Vec::new());
        assert_eq!(generate(&mut a, &plain).unwrap(), generate(&mut b, &routed).unwrap());
        assert_eq!(a.len(), b.len());
        let frames = |bytes: &[u8]| {
            let mut file =
                crate::capture::CaptureFile::from_reader("synth", std::io::Cursor::new(bytes.to_vec()), false).unwrap();
            let mut seq = 0;
            let mut all = Vec::new();
            while !file.finished() {
                all.extend(file.read_frames(512, &mut seq, 1).iter().map(|f| f.data.to_vec()));
            }
            all
        };
        let (a, b) = (frames(&a), frames(&b));
        assert_eq!(a.len(), 5_000);
        let mut directions = [0; 2];
        for (x, y) in a.iter().zip(&b) {
            assert_eq!(x[12..], y[12..], "the packet inside is the same");
            let side = if x[11] & 1 == 0 { FIREWALL_MAC } else { ROUTER_MAC };
            assert_eq!(y[6..12], side.0, "the station's side");
            if x[0] & 1 == 0 {
                let other = if side == ROUTER_MAC { FIREWALL_MAC } else { ROUTER_MAC };
                assert_eq!(y[..6], other.0, "across the link");
                directions[usize::from(side == ROUTER_MAC)] += 1;
            } else {
                assert_eq!(y[..6], x[..6], "a group frame keeps its group");
            }
        }
        assert!(directions.iter().all(|&n| n > 1000), "both ways: {directions:?}");
    }

    #[test]
    fn imix_ratio_and_peers() {
        let options = SynthOptions { frames: 12_000, stations: 50, ..SynthOptions::default() };
        let mut out = Vec::new();
        let tally = generate(&mut out, &options).unwrap();
        assert_eq!(tally.frames, 12_000);
        // 7:4:1 within a few percent (the broadcasts are all 64-octet frames).
        let share = |n: u64| n as f64 / tally.frames as f64;
        assert!((share(tally.frames_64) - 7.0 / 12.0).abs() < 0.03, "{tally:?}");
        assert!((share(tally.frames_576) - 4.0 / 12.0).abs() < 0.03, "{tally:?}");
        assert!((share(tally.frames_1500) - 1.0 / 12.0).abs() < 0.03, "{tally:?}");
        assert_eq!(tally.octets, tally.frames_64 * 64 + tally.frames_576 * 576 + tally.frames_1500 * 1500);
        for id in 0..50 {
            for k in 0..8 {
                assert_ne!(peer_of(id, k, 50), id);
            }
        }
        // No TCP unless asked for.
        assert_eq!((tally.frames_70, tally.handshakes), (0, 0));
        // Same seed, same bytes.
        let mut again = Vec::new();
        generate(&mut again, &options).unwrap();
        assert_eq!(out, again);
    }

    #[test]
    fn tcp_connections_open_whole_and_keep_the_share_asked_for() {
        let options = SynthOptions { frames: 20_000, stations: 50, tcp_percent: 40, ..SynthOptions::default() };
        let mut out = Vec::new();
        let tally = generate(&mut out, &options).unwrap();
        // Only TCP frames are 70 octets long: a connection's 6 handshake and closing segments and 7 in
        // 12 of its 23.5 established ones (on average), 67 % of 40 % of the frames.
        let share = tally.frames_70 as f64 / tally.frames as f64;
        assert!((share - 0.26).abs() < 0.03, "{tally:?}");
        // One handshake per 29.5 segments, and up to 100 more (the 100 connections open at the
        // end have only begun).
        assert!(tally.handshakes > 250 && tally.handshakes < 400, "{tally:?}");
        assert_eq!(
            tally.octets,
            tally.frames_64 * 64 + tally.frames_70 * 70 + tally.frames_576 * 576 + tally.frames_1500 * 1500
        );
    }
}
