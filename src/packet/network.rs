//! The layers above Ethernet that RMON2 counts by: the link-layer protocol (an EtherType, or an
//! 802.3 length field for LLC), the outermost IPv4 or IPv6 header's addresses and upper-layer
//! protocol (IPv6 extension headers walked), and the transport ports where the first fragment
//! carries them.
//!
//! This is parsed only for frames of a data source with RMON2 rows (ARCHITECTURE.md, "Rules":
//! only what the enabled groups need). Every read is bounds-checked against the captured bytes:
//! a header cut short by the snapshot length yields what was before the cut, never a panic.

use crate::mib::NetAddr;

/// The EtherTypes RMON2's built-in directory names.
pub const ETHERTYPE_IPV4: u16 = 0x0800;
pub const ETHERTYPE_ARP: u16 = 0x0806;
pub const ETHERTYPE_IPV6: u16 = 0x86dd;

/// Most IPv6 extension headers walked before giving up on finding the upper layer.
const MAX_EXTENSION_HEADERS: usize = 8;
/// Tags skipped before the EtherType, as the layer-2 classification counts them.
const MAX_VLAN_TAGS: usize = 8;

/// How the frame's link layer names its payload.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Link {
    /// Ethernet II: the EtherType after any VLAN tags.
    Ether2(u16),
    /// IEEE 802.3 with a length field (up to 1500): an LLC frame.
    Llc,
}

/// IPv4 or IPv6.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IpVersion {
    V4,
    V6,
}

/// The outermost IP header of a frame, and what it carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Network {
    pub version: IpVersion,
    pub source: NetAddr,
    pub dest: NetAddr,
    /// The upper-layer protocol: IPv4's protocol field, or the Next Header after IPv6's
    /// extension headers (a fragment's too: a fragment counts as a packet of its protocol).
    pub protocol: u8,
    /// (source, destination) ports of TCP, UDP and SCTP, where this is the first fragment and
    /// the capture holds them.
    pub ports: Option<(u16, u16)>,
    /// A TCP segment's header, where this is the first fragment and the capture holds it.
    pub tcp: Option<TcpSegment>,
}

/// What passive latency reads of a TCP segment (RFC 9293): its flags and numbers, whether it
/// carries anything the other side acknowledges, and its timestamps (RFC 7323).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TcpSegment {
    /// The flags octet: FIN 0x01, SYN 0x02, RST 0x04, PSH 0x08, ACK 0x10.
    pub flags: u8,
    pub seq: u32,
    pub ack: u32,
    /// Payload octets, from the IP header's length (0 where it cannot tell).
    pub payload: u32,
    /// (TSval, TSecr) of the timestamp option.
    pub timestamps: Option<(u32, u32)>,
}

impl TcpSegment {
    pub const FIN: u8 = 0x01;
    pub const SYN: u8 = 0x02;
    pub const RST: u8 = 0x04;
    pub const ACK: u8 = 0x10;

    pub fn has(&self, flag: u8) -> bool {
        self.flags & flag != 0
    }
}

/// The TCP header at the start of `transport`, with `ip_payload` octets of IP payload (the TCP
/// header included) where the IP header says.
fn tcp_segment(transport: &[u8], ip_payload: Option<usize>) -> Option<TcpSegment> {
    let header = transport.get(..20)?;
    let be32 = |at: usize| u32::from_be_bytes([header[at], header[at + 1], header[at + 2], header[at + 3]]);
    let header_len = usize::from(header[12] >> 4) * 4;
    let payload = ip_payload.map_or(0, |len| len.saturating_sub(header_len));
    let mut timestamps = None;
    // Options, as far as the capture holds them: kind 8 (length 10) is the timestamp option.
    let options = transport.get(20..header_len.max(20).min(transport.len())).unwrap_or_default();
    let mut at = 0;
    while let Some(&kind) = options.get(at) {
        match kind {
            0 => break,
            1 => at += 1,
            _ => {
                let Some(&len) = options.get(at + 1) else { break };
                let len = usize::from(len);
                if len < 2 {
                    break;
                }
                if kind == 8
                    && len == 10
                    && let Some(o) = options.get(at + 2..at + 10)
                {
                    let val = u32::from_be_bytes([o[0], o[1], o[2], o[3]]);
                    let ecr = u32::from_be_bytes([o[4], o[5], o[6], o[7]]);
                    timestamps = Some((val, ecr));
                }
                at += len;
            }
        }
    }
    Some(TcpSegment {
        flags: header[13],
        seq: be32(4),
        ack: be32(8),
        payload: u32::try_from(payload).unwrap_or(u32::MAX),
        timestamps,
    })
}

/// The layers of one frame above Ethernet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Layers {
    pub link: Link,
    pub network: Option<Network>,
}

/// The layers of a frame's captured bytes (from the destination MAC on); None when the
/// capture does not hold the Ethernet header, or its type field is neither a length nor an
/// EtherType (1501..1535).
pub fn parse(frame: &[u8]) -> Option<Layers> {
    let (type_or_len, at) = after_tags(frame)?;
    let payload = frame.get(at..).unwrap_or_default();
    let link = match type_or_len {
        0..=1500 => return Some(Layers { link: Link::Llc, network: None }),
        1501..=1535 => return None,
        ether_type => Link::Ether2(ether_type),
    };
    let network = match type_or_len {
        ETHERTYPE_IPV4 => ipv4(payload),
        ETHERTYPE_IPV6 => ipv6(payload),
        _ => None,
    };
    Some(Layers { link, network })
}

/// The type or length field after the VLAN tags (0x8100, 0x88a8, 0x9100, stacked), and where
/// the payload after it starts; None when the capture ends before it.
pub fn after_tags(frame: &[u8]) -> Option<(u16, usize)> {
    let mut at = 12;
    let mut type_or_len = be16(frame, at)?;
    let mut tags = 0;
    while matches!(type_or_len, 0x8100 | 0x88a8 | 0x9100) && tags < MAX_VLAN_TAGS {
        at += 4;
        tags += 1;
        type_or_len = be16(frame, at)?;
    }
    Some((type_or_len, at + 2))
}

fn be16(data: &[u8], at: usize) -> Option<u16> {
    let b = data.get(at..at + 2)?;
    Some(u16::from_be_bytes([b[0], b[1]]))
}

fn ports(protocol: u8, transport: &[u8]) -> Option<(u16, u16)> {
    match protocol {
        6 | 17 | 132 => Some((be16(transport, 0)?, be16(transport, 2)?)),
        _ => None,
    }
}

fn ipv4(h: &[u8]) -> Option<Network> {
    let header = h.get(..20)?;
    if header[0] >> 4 != 4 {
        return None;
    }
    let header_len = usize::from(header[0] & 0x0f) * 4;
    if header_len < 20 {
        return None;
    }
    let fragment_offset = u16::from_be_bytes([header[6], header[7]]) & 0x1fff;
    let protocol = header[9];
    let mut source = [0u8; 4];
    source.copy_from_slice(&header[12..16]);
    let mut dest = [0u8; 4];
    dest.copy_from_slice(&header[16..20]);
    let transport = h.get(header_len..).unwrap_or_default();
    let first = fragment_offset == 0;
    let ip_payload = usize::from(u16::from_be_bytes([header[2], header[3]])).checked_sub(header_len);
    Some(Network {
        version: IpVersion::V4,
        source: NetAddr::v4(source),
        dest: NetAddr::v4(dest),
        protocol,
        ports: if first { ports(protocol, transport) } else { None },
        tcp: if first && protocol == 6 { tcp_segment(transport, ip_payload) } else { None },
    })
}

fn ipv6(h: &[u8]) -> Option<Network> {
    let header = h.get(..40)?;
    if header[0] >> 4 != 6 {
        return None;
    }
    let mut source = [0u8; 16];
    source.copy_from_slice(&header[8..24]);
    let mut dest = [0u8; 16];
    dest.copy_from_slice(&header[24..40]);
    let mut next = header[6];
    let mut at = 40;
    let mut first_fragment = true;
    for _ in 0..MAX_EXTENSION_HEADERS {
        let ext = h.get(at..at + 2);
        let len = match (next, ext) {
            // Hop-by-hop, routing, destination options, mobility, HIP, shim6: 8-octet units.
            (0 | 43 | 60 | 135 | 139 | 140, Some(e)) => (usize::from(e[1]) + 1) * 8,
            (44, Some(_)) => {
                let offset = be16(h, at + 2).map_or(0, |v| v >> 3);
                first_fragment &= offset == 0;
                8
            }
            // Authentication header: 4-octet units, less two.
            (51, Some(e)) => (usize::from(e[1]) + 2) * 4,
            _ => break,
        };
        next = h[at];
        at += len;
    }
    let transport = h.get(at..).unwrap_or_default();
    // The payload length counts the extension headers too.
    let ip_payload = (usize::from(u16::from_be_bytes([header[4], header[5]])) + 40).checked_sub(at);
    Some(Network {
        version: IpVersion::V6,
        source: NetAddr::v6(source),
        dest: NetAddr::v6(dest),
        protocol: next,
        ports: if first_fragment { ports(next, transport) } else { None },
        tcp: if first_fragment && next == 6 { tcp_segment(transport, ip_payload) } else { None },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ethernet(ether_type: u16, payload: &[u8]) -> Vec<u8> {
        let mut f = vec![0x02, 0, 0, 0, 0, 2, 0x02, 0, 0, 0, 0, 1];
        f.extend_from_slice(&ether_type.to_be_bytes());
        f.extend_from_slice(payload);
        f
    }

    /// An IPv4 header (20 octets) carrying `protocol`, then `rest`.
    fn ipv4_packet(protocol: u8, fragment_offset: u16, rest: &[u8]) -> Vec<u8> {
        let mut p = vec![0x45, 0, 0, 0, 0, 0];
        p.extend_from_slice(&fragment_offset.to_be_bytes());
        p.extend_from_slice(&[64, protocol, 0, 0, 10, 77, 0, 1, 10, 77, 0, 2]);
        p.extend_from_slice(rest);
        p
    }

    fn ipv6_packet(next: u8, rest: &[u8]) -> Vec<u8> {
        let mut p = vec![0x60, 0, 0, 0, 0, 0, next, 64];
        p.extend_from_slice(&[0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
        p.extend_from_slice(&[0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
        p.extend_from_slice(rest);
        p
    }

    #[test]
    fn ipv4_tcp_with_ports() {
        let f = ethernet(ETHERTYPE_IPV4, &ipv4_packet(6, 0, &[0x1f, 0x90, 0x00, 0x50]));
        let l = parse(&f).unwrap();
        assert_eq!(l.link, Link::Ether2(0x0800));
        let n = l.network.unwrap();
        assert_eq!((n.source.to_string(), n.dest.to_string()), ("10.77.0.1".into(), "10.77.0.2".into()));
        assert_eq!((n.protocol, n.ports), (6, Some((8080, 80))));
    }

    #[test]
    fn a_tcp_segment_with_its_timestamps_and_payload() {
        // SYN/ACK-less data segment: ACK|PSH, seq 7, ack 9, 32-octet header with NOP, NOP,
        // timestamps (TSval 100, TSecr 200), then 5 octets of payload.
        let mut tcp = vec![0x9c, 0x40, 0x00, 0x50, 0, 0, 0, 7, 0, 0, 0, 9, 0x80, 0x18, 0, 0, 0, 0, 0, 0];
        tcp.extend_from_slice(&[1, 1, 8, 10, 0, 0, 0, 100, 0, 0, 0, 200]);
        tcp.extend_from_slice(b"hello");
        let mut ip = ipv4_packet(6, 0, &tcp);
        let total = ip.len() as u16;
        ip[2..4].copy_from_slice(&total.to_be_bytes());
        let n = parse(&ethernet(ETHERTYPE_IPV4, &ip)).unwrap().network.unwrap();
        let t = n.tcp.unwrap();
        assert_eq!((t.seq, t.ack, t.payload, t.timestamps), (7, 9, 5, Some((100, 200))));
        assert!(t.has(TcpSegment::ACK) && !t.has(TcpSegment::SYN));
        // Cut inside the options: no timestamps, never a panic.
        let f = ethernet(ETHERTYPE_IPV4, &ip);
        for len in 0..f.len() {
            let _ = parse(&f[..len]);
        }
        assert_eq!(parse(&f[..14 + 20 + 24]).unwrap().network.unwrap().tcp.unwrap().timestamps, None);
    }

    #[test]
    fn a_later_fragment_has_its_protocol_but_no_ports() {
        let f = ethernet(ETHERTYPE_IPV4, &ipv4_packet(17, 185, &[0x1f, 0x90, 0x00, 0x50]));
        let n = parse(&f).unwrap().network.unwrap();
        assert_eq!((n.protocol, n.ports), (17, None));
    }

    #[test]
    fn ipv6_extension_headers_are_walked() {
        // Hop-by-hop (8 octets) then a first fragment (8 octets), then UDP 53 -> 5353.
        let mut rest = vec![44, 0, 1, 4, 0, 0, 0, 0];
        rest.extend_from_slice(&[17, 0, 0, 0, 0, 0, 0, 1]);
        rest.extend_from_slice(&[0, 53, 0x14, 0xe9]);
        let n = parse(&ethernet(ETHERTYPE_IPV6, &ipv6_packet(0, &rest))).unwrap().network.unwrap();
        assert_eq!(n.version, IpVersion::V6);
        assert_eq!((n.source.to_string(), n.dest.to_string()), ("fe80::1".into(), "ff02::1".into()));
        assert_eq!((n.protocol, n.ports), (17, Some((53, 5353))));
        // ICMPv6 straight after the header.
        let n = parse(&ethernet(ETHERTYPE_IPV6, &ipv6_packet(58, &[135, 0]))).unwrap().network.unwrap();
        assert_eq!((n.protocol, n.ports), (58, None));
    }

    #[test]
    fn vlan_tags_are_link_layer() {
        let mut f = ethernet(0x8100, &[0, 10, 0x08, 0x00]);
        f.extend_from_slice(&ipv4_packet(1, 0, &[8, 0]));
        let l = parse(&f).unwrap();
        assert_eq!(l.link, Link::Ether2(0x0800));
        assert_eq!(l.network.map(|n| n.protocol), Some(1));
    }

    #[test]
    fn llc_and_short_frames() {
        assert_eq!(parse(&ethernet(46, &[0x42, 0x42, 0x03])), Some(Layers { link: Link::Llc, network: None }));
        assert_eq!(parse(&ethernet(1510, &[])), None);
        assert_eq!(parse(&[0u8; 13]), None);
        // An IPv4 header cut by the snapshot length: the link layer, no network layer.
        let f = ethernet(ETHERTYPE_IPV4, &ipv4_packet(6, 0, &[]));
        assert_eq!(parse(&f[..30]).unwrap().network, None);
        // A cut transport header: the protocol without ports.
        assert_eq!(parse(&f).unwrap().network.map(|n| (n.protocol, n.ports)), Some((6, None)));
    }

    #[test]
    fn garbage_never_panics() {
        let mut f = ethernet(ETHERTYPE_IPV6, &ipv6_packet(0, &[]));
        for len in 0..f.len() {
            let _ = parse(&f[..len]);
        }
        // Extension headers whose lengths point past the end.
        f.extend_from_slice(&[0, 255, 0, 0]);
        let _ = parse(&f);
        let g = ethernet(ETHERTYPE_IPV4, &[0x4f; 30]);
        let _ = parse(&g);
    }
}
