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

/// Generates the capture into `out`.
pub fn generate(out: impl Write, options: &SynthOptions) -> io::Result<SynthTally> {
    let mut writer = PcapWriter::new(out, false, false)?;
    let mut rng = Rng(options.seed);
    let mut tally = SynthTally::default();
    let mut buf = Vec::with_capacity(1600);
    let stations = options.stations.max(1);
    let gap_ns = NANOS_PER_SEC / options.pps.max(1);
    for i in 0..options.frames {
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
        let time = Timestamp(options.start.0 + i * gap_ns);
        writer.write(time, &buf, buf.len() as u32)?;
    }
    writer.finish()?;
    Ok(tally)
}

#[cfg(test)]
mod tests {
    use super::*;

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
        // Same seed, same bytes.
        let mut again = Vec::new();
        generate(&mut again, &options).unwrap();
        assert_eq!(out, again);
    }
}
