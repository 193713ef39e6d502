//! The Capture screen's view of one stored packet: its headers decoded by etherparse (leniently:
//! a download slice is often cut short) and a hex dump. Only the UI does this; the counting path
//! never parses past the Ethernet header (ARCHITECTURE.md, "Rules", the hot path).

use etherparse::{LaxNetSlice, LaxSlicedPacket, LinkSlice, TransportSlice};

use crate::packet::MacAddr;

/// Each decoded layer, outermost first, one line each.
pub fn layers(data: &[u8]) -> Vec<String> {
    let Ok(packet) = LaxSlicedPacket::from_ethernet(data) else {
        return vec![format!("{} octets: too short for an Ethernet header", data.len())];
    };
    let mut lines = Vec::new();
    if let Some(LinkSlice::Ethernet2(eth)) = &packet.link {
        lines.push(format!(
            "Ethernet {} → {} type 0x{:04x}",
            MacAddr(eth.source()),
            MacAddr(eth.destination()),
            eth.ether_type().0
        ));
    }
    let vlans = packet.vlan_ids();
    if !vlans.is_empty() {
        let ids: Vec<String> = vlans.iter().map(|v| v.value().to_string()).collect();
        lines.push(format!("802.1Q VLAN {}", ids.join(", ")));
    }
    match &packet.net {
        Some(LaxNetSlice::Ipv4(ip)) => {
            let h = ip.header();
            let offset = u32::from(h.fragments_offset().value()) * 8;
            let fragment = if h.more_fragments() || offset > 0 {
                format!(" fragment at {offset}{}", if h.more_fragments() { ", more follow" } else { ", the last" })
            } else {
                String::new()
            };
            lines.push(format!(
                "IPv4 {} → {} proto {} ttl {} len {}{fragment}",
                h.source_addr(),
                h.destination_addr(),
                h.protocol().0,
                h.ttl(),
                h.total_len()
            ));
        }
        Some(LaxNetSlice::Ipv6(ip)) => {
            let h = ip.header();
            lines.push(format!(
                "IPv6 {} → {} next {} hop limit {}",
                h.source_addr(),
                h.destination_addr(),
                h.next_header().0,
                h.hop_limit()
            ));
        }
        Some(LaxNetSlice::Arp(arp)) => lines.push(arp_line(arp.slice())),
        None => {}
    }
    match &packet.transport {
        Some(TransportSlice::Tcp(tcp)) => {
            let flags: String =
                [(tcp.syn(), 'S'), (tcp.ack(), 'A'), (tcp.fin(), 'F'), (tcp.rst(), 'R'), (tcp.psh(), 'P')]
                    .iter()
                    .filter(|(on, _)| *on)
                    .map(|(_, c)| *c)
                    .collect();
            lines.push(format!(
                "TCP {} → {} [{flags}] seq {}",
                tcp.source_port(),
                tcp.destination_port(),
                tcp.sequence_number()
            ));
        }
        Some(TransportSlice::Udp(udp)) => {
            lines.push(format!("UDP {} → {} len {}", udp.source_port(), udp.destination_port(), udp.length()));
        }
        Some(TransportSlice::Icmpv4(icmp)) => {
            lines.push(format!(
                "ICMP {} (type {} code {})",
                icmpv4_name(icmp.type_u8()),
                icmp.type_u8(),
                icmp.code_u8()
            ));
        }
        Some(TransportSlice::Icmpv6(icmp)) => {
            lines.push(format!("ICMPv6 type {} code {}", icmp.type_u8(), icmp.code_u8()));
        }
        Some(TransportSlice::Igmp(_)) => lines.push("IGMP".into()),
        _ => {}
    }
    if let Some((error, layer)) = &packet.stop_err {
        lines.push(format!("(decoding stopped at {layer:?}: {error})"));
    }
    lines
}

/// One line for a packet list: the innermost layer that says most.
pub fn summary(data: &[u8]) -> String {
    let layers = layers(data);
    let useful: Vec<&String> = layers.iter().filter(|l| !l.starts_with('(')).collect();
    match useful.as_slice() {
        [.., net, transport] if net.starts_with("IP") => {
            let addresses = net.split(" proto").next().unwrap_or(net).split(" next").next().unwrap_or(net);
            format!("{addresses} {transport}")
        }
        // An IP packet without a transport header of its own (a fragment, another protocol):
        // addresses, protocol and fragment.
        [.., last] if last.starts_with("IP") => {
            let (head, tail) =
                last.split_once(" ttl ").or_else(|| last.split_once(" hop limit ")).unwrap_or((last, ""));
            let fragment = tail.find(" fragment").map_or("", |i| &tail[i..]);
            format!("{head}{fragment}")
        }
        [.., last] => (*last).clone(),
        [] => String::new(),
    }
}

fn icmpv4_name(t: u8) -> &'static str {
    match t {
        0 => "echo reply",
        3 => "destination unreachable",
        5 => "redirect",
        8 => "echo request",
        11 => "time exceeded",
        _ => "message",
    }
}

/// ARP over Ethernet and IPv4: who asks for whom, or who answers.
fn arp_line(arp: &[u8]) -> String {
    let ip = |at: usize| arp.get(at..at + 4).map(|b| format!("{}.{}.{}.{}", b[0], b[1], b[2], b[3]));
    let oper = arp.get(6..8).map(|b| u16::from_be_bytes([b[0], b[1]]));
    match (oper, ip(14), ip(24)) {
        (Some(1), Some(sender), Some(target)) => format!("ARP who has {target}? tell {sender}"),
        (Some(2), Some(sender), _) => format!(
            "ARP {sender} is at {}",
            arp.get(8..14).map_or(String::new(), |m| {
                let mut a = [0u8; 6];
                a.copy_from_slice(m);
                MacAddr(a).to_string()
            })
        ),
        _ => "ARP".into(),
    }
}

/// A hex dump, 16 octets a line: offset, hex, and the printable characters.
pub fn hex_lines(data: &[u8]) -> Vec<String> {
    data.chunks(16)
        .enumerate()
        .map(|(i, chunk)| {
            let hex: Vec<String> = chunk.iter().map(|b| format!("{b:02x}")).collect();
            let text: String = chunk.iter().map(|&b| if b.is_ascii_graphic() { b as char } else { '.' }).collect();
            format!("{:04x}  {:<47}  {text}", i * 16, hex.join(" "))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An ICMP echo request from 10.0.0.1 to 10.0.0.2, cut after the ICMP header (as a
    /// download slice would cut it).
    const ICMP_ECHO: [u8; 42] = [
        0x02, 0x00, 0x00, 0x00, 0x00, 0x02, // destination
        0x02, 0x00, 0x00, 0x00, 0x00, 0x01, // source
        0x08, 0x00, // IPv4
        0x45, 0x00, 0x00, 0x54, 0x12, 0x34, 0x40, 0x00, 0x40, 0x01, 0x00, 0x00, // ... ttl 64, ICMP
        10, 0, 0, 1, 10, 0, 0, 2, // addresses
        0x08, 0x00, 0x00, 0x00, 0x00, 0x07, 0x00, 0x01, // echo request id 7 seq 1
    ];

    #[test]
    fn decodes_a_truncated_icmp_echo() {
        let layers = layers(&ICMP_ECHO);
        assert_eq!(layers[0], "Ethernet 02:00:00:00:00:01 → 02:00:00:00:00:02 type 0x0800");
        assert_eq!(layers[1], "IPv4 10.0.0.1 → 10.0.0.2 proto 1 ttl 64 len 84");
        assert!(layers[2].starts_with("ICMP echo request (type 8 code 0)"), "{layers:?}");
        assert_eq!(summary(&ICMP_ECHO), "IPv4 10.0.0.1 → 10.0.0.2 ICMP echo request (type 8 code 0)");
    }

    #[test]
    fn a_first_fragment_says_so() {
        let mut fragment = ICMP_ECHO;
        // Flags and fragment offset (IPv4 header octets 6 and 7): more fragments, offset 0.
        fragment[20] = 0x20;
        let layers = layers(&fragment);
        assert_eq!(layers[1], "IPv4 10.0.0.1 → 10.0.0.2 proto 1 ttl 64 len 84 fragment at 0, more follow");
        assert_eq!(summary(&fragment), "IPv4 10.0.0.1 → 10.0.0.2 proto 1 fragment at 0, more follow");
        // The last fragment, at octet 1480.
        fragment[20] = 0x00;
        fragment[21] = 185;
        assert_eq!(summary(&fragment), "IPv4 10.0.0.1 → 10.0.0.2 proto 1 fragment at 1480, the last");
    }

    #[test]
    fn arp_request_and_short_frames() {
        let mut arp = vec![0xff; 6];
        arp.extend([0x02, 0, 0, 0, 0, 1, 0x08, 0x06]);
        arp.extend([0, 1, 8, 0, 6, 4, 0, 1, 2, 0, 0, 0, 0, 1, 192, 168, 1, 1, 0, 0, 0, 0, 0, 0, 192, 168, 1, 2]);
        assert_eq!(summary(&arp), "ARP who has 192.168.1.2? tell 192.168.1.1");
        assert_eq!(layers(&[1, 2, 3]), vec!["3 octets: too short for an Ethernet header".to_string()]);
    }

    #[test]
    fn hex_dump() {
        let lines = hex_lines(b"ABCDEFGHIJKLMNOPQ\x00");
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0], "0000  41 42 43 44 45 46 47 48 49 4a 4b 4c 4d 4e 4f 50  ABCDEFGHIJKLMNOP");
        assert_eq!(lines[1], format!("0010  {:<47}  Q.", "51 00"));
    }
}
