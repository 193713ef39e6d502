use super::*;

/// A mirrored frame: 60 octets, MACs 02:..:0b -> 02:..:0a, EtherType IPv4.
fn inner_frame() -> Vec<u8> {
    let mut f = vec![2, 0, 0, 0, 0, 0x0a, 2, 0, 0, 0, 0, 0x0b, 0x08, 0x00];
    f.resize(60, 0x5a);
    f
}

fn ethernet(ether_type: u16, vlan: Option<u16>, payload: &[u8]) -> Vec<u8> {
    let mut f = vec![2, 0, 0, 0, 0x0e, 2, 2, 0, 0, 0, 0x0e, 1];
    if let Some(vid) = vlan {
        f.extend_from_slice(&[0x81, 0x00]);
        f.extend_from_slice(&vid.to_be_bytes());
    }
    f.extend_from_slice(&ether_type.to_be_bytes());
    f.extend_from_slice(payload);
    f
}

fn ipv4(protocol: u8, flags_offset: u16, payload: &[u8]) -> Vec<u8> {
    let total = (20 + payload.len()) as u16;
    let mut h = vec![0x45, 0];
    h.extend_from_slice(&total.to_be_bytes());
    h.extend_from_slice(&[0, 1]);
    h.extend_from_slice(&flags_offset.to_be_bytes());
    h.extend_from_slice(&[64, protocol, 0, 0, 192, 0, 2, 1, 192, 0, 2, 254]);
    h.extend_from_slice(payload);
    h
}

fn ipv6(next: u8, payload: &[u8]) -> Vec<u8> {
    let mut h = vec![0x60, 0, 0, 0];
    h.extend_from_slice(&(payload.len() as u16).to_be_bytes());
    h.extend_from_slice(&[next, 64]);
    h.extend_from_slice(&[0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
    h.extend_from_slice(&[0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xfe]);
    h.extend_from_slice(payload);
    h
}

fn udp(port: u16, payload: &[u8]) -> Vec<u8> {
    let mut u = vec![0xc0, 0x00];
    u.extend_from_slice(&port.to_be_bytes());
    u.extend_from_slice(&((8 + payload.len()) as u16).to_be_bytes());
    u.extend_from_slice(&[0, 0]);
    u.extend_from_slice(payload);
    u
}

fn vxlan(vni: u32, frame: &[u8]) -> Vec<u8> {
    let mut v = vec![0x08, 0, 0, 0];
    v.extend_from_slice(&(vni << 8).to_be_bytes());
    v.extend_from_slice(frame);
    v
}

fn gre(flags: u16, protocol: u16, words: &[u32], rest: &[u8]) -> Vec<u8> {
    let mut g = flags.to_be_bytes().to_vec();
    g.extend_from_slice(&protocol.to_be_bytes());
    for w in words {
        g.extend_from_slice(&w.to_be_bytes());
    }
    g.extend_from_slice(rest);
    g
}

fn erspan2(session: u16, vlan: u16, en: u16, frame: &[u8]) -> Vec<u8> {
    let mut h = (0x1000 | vlan).to_be_bytes().to_vec();
    h.extend_from_slice(&((3 << 13) | (en << 11) | session).to_be_bytes());
    h.extend_from_slice(&[0, 0, 0, 0]);
    h.extend_from_slice(frame);
    h
}

fn erspan3(session: u16, bso: u16, timestamp: u32, gra: u16, optional: bool, frame: &[u8]) -> Vec<u8> {
    let mut h = 0x2000u16.to_be_bytes().to_vec();
    h.extend_from_slice(&((bso << 11) | session).to_be_bytes());
    h.extend_from_slice(&timestamp.to_be_bytes());
    h.extend_from_slice(&[0, 0]);
    h.extend_from_slice(&((gra << 1) | u16::from(optional)).to_be_bytes());
    if optional {
        h.extend_from_slice(&[0x0c; 8]);
    }
    h.extend_from_slice(frame);
    h
}

fn all() -> DecapKinds {
    let mut kinds = DecapKinds::default();
    kinds.add("auto").unwrap();
    kinds
}

fn opened(packet: &[u8]) -> Opened {
    open(packet, packet.len() as u32, Fcs::Stripped, &all())
}

fn mirrored(packet: &[u8]) -> Mirrored {
    match opened(packet) {
        Opened::Mirrored(m) => m,
        other => panic!("not opened: {other:?}"),
    }
}

/// The mirrored frame's bytes as `open` locates them.
fn bytes<'a>(packet: &'a [u8], m: &Mirrored) -> &'a [u8] {
    &packet[m.start..m.start + m.caplen]
}

fn sender4() -> NetAddr {
    NetAddr::v4([192, 0, 2, 1])
}

#[test]
fn vxlan_over_ipv4_and_ipv6_with_and_without_an_outer_tag() {
    let frame = inner_frame();
    for vlan in [None, Some(20)] {
        let packet = ethernet(0x0800, vlan, &ipv4(17, 0, &udp(4789, &vxlan(100, &frame))));
        let m = mirrored(&packet);
        assert_eq!(m.session, SessionKey { kind: TunnelKind::Vxlan, id: Some(100), sender: sender4() });
        assert_eq!(bytes(&packet, &m), &frame[..]);
        assert_eq!((m.orig_len, m.fcs, m.stripped_tag, m.switch_time), (60, Fcs::Stripped, None, None));

        let packet = ethernet(0x86dd, vlan, &ipv6(17, &udp(4789, &vxlan(7, &frame))));
        let m = mirrored(&packet);
        assert_eq!(m.session.id, Some(7));
        assert_eq!(m.session.sender.to_string(), "2001:db8::1");
        assert_eq!(bytes(&packet, &m), &frame[..]);
    }
    assert_eq!(
        SessionKey { kind: TunnelKind::Vxlan, id: Some(100), sender: sender4() }.if_descr(),
        "vxlan vni 100 from 192.0.2.1"
    );
}

#[test]
fn ipv6_extension_headers_are_walked_and_fragments_are_not_opened() {
    let frame = inner_frame();
    let tunnel = udp(4789, &vxlan(1, &frame));
    // A destination-options header (8 octets) before UDP.
    let mut with_options = vec![17, 0, 1, 4, 0, 0, 0, 0];
    with_options.extend_from_slice(&tunnel);
    let packet = ethernet(0x86dd, None, &ipv6(60, &with_options));
    assert_eq!(bytes(&packet, &mirrored(&packet)), &frame[..]);
    // IPv4: a first fragment is a tunnel packet the probe cannot open; a later one is plain.
    let first = ethernet(0x0800, None, &ipv4(17, 0x2000, &tunnel));
    assert_eq!(opened(&first), Opened::Bad);
    let later = ethernet(0x0800, None, &ipv4(17, 0x0010, &tunnel));
    assert_eq!(opened(&later), Opened::Plain);
    // IPv6 fragment header, first fragment with more to come.
    let mut fragment = vec![17, 0, 0, 1, 0, 0, 0, 9];
    fragment.extend_from_slice(&tunnel);
    assert_eq!(opened(&ethernet(0x86dd, None, &ipv6(44, &fragment))), Opened::Bad);
}

#[test]
fn geneve_skips_its_options() {
    let frame = inner_frame();
    let mut header = vec![0x02, 0, 0x65, 0x58, 0, 0, 42, 0];
    header.extend_from_slice(&[0x01, 0x02, 0x80, 0x01, 0xde, 0xad, 0xbe, 0xef]);
    header.extend_from_slice(&frame);
    let packet = ethernet(0x0800, None, &ipv4(17, 0, &udp(6081, &header)));
    let m = mirrored(&packet);
    assert_eq!((m.session.kind, m.session.id), (TunnelKind::Geneve, Some(42)));
    assert_eq!(bytes(&packet, &m), &frame[..]);
    // Geneve carrying IP, not Ethernet: no frame to count.
    let mut ip = vec![0, 0, 0x08, 0x00, 0, 0, 42, 0];
    ip.extend_from_slice(&frame);
    assert_eq!(opened(&ethernet(0x0800, None, &ipv4(17, 0, &udp(6081, &ip)))), Opened::Bad);
}

#[test]
fn gre_with_and_without_key_checksum_and_sequence() {
    let frame = inner_frame();
    let plain = ethernet(0x0800, None, &ipv4(47, 0, &gre(0, 0x6558, &[], &frame)));
    let m = mirrored(&plain);
    assert_eq!((m.session.kind, m.session.id), (TunnelKind::Gre, None));
    assert_eq!(bytes(&plain, &m), &frame[..]);
    assert_eq!(m.session.if_descr(), "gre from 192.0.2.1");
    // Checksum, key 5 and sequence number.
    let keyed = ethernet(0x0800, None, &ipv4(47, 0, &gre(0xb000, 0x6558, &[0, 5, 99], &frame)));
    let m = mirrored(&keyed);
    assert_eq!(m.session.id, Some(5));
    assert_eq!(bytes(&keyed, &m), &frame[..]);
    // Routing present, or a version other than 0: not a GRE header this probe reads.
    assert_eq!(opened(&ethernet(0x0800, None, &ipv4(47, 0, &gre(0x4000, 0x6558, &[], &frame)))), Opened::Bad);
    assert_eq!(opened(&ethernet(0x0800, None, &ipv4(47, 0, &gre(0x0001, 0x6558, &[], &frame)))), Opened::Bad);
    // Another GRE protocol (IPv4 in GRE) is not a mirror.
    assert_eq!(opened(&ethernet(0x0800, None, &ipv4(47, 0, &gre(0, 0x0800, &[], &frame)))), Opened::Plain);
}

#[test]
fn erspan_types_one_two_and_three() {
    let frame = inner_frame();
    let type1 = ethernet(0x0800, None, &ipv4(47, 0, &gre(0, 0x88be, &[], &frame)));
    let m = mirrored(&type1);
    assert_eq!((m.session.kind, m.session.id), (TunnelKind::Erspan, None));
    assert_eq!(bytes(&type1, &m), &frame[..]);

    let type2 = ethernet(0x0800, None, &ipv4(47, 0, &gre(0x1000, 0x88be, &[1], &erspan2(7, 30, 0, &frame))));
    let m = mirrored(&type2);
    assert_eq!(m.session.id, Some(7));
    assert_eq!(m.session.if_descr(), "erspan session 7 from 192.0.2.1");
    assert_eq!((bytes(&type2, &m), m.stripped_tag), (&frame[..], None));
    // "Originally 802.1Q encapsulated": the tag (COS 3, VLAN 30) goes back on.
    let stripped = ethernet(0x0800, None, &ipv4(47, 0, &gre(0x1000, 0x88be, &[1], &erspan2(7, 30, 2, &frame))));
    assert_eq!(mirrored(&stripped).stripped_tag, Some((3 << 13) | 30));

    let type3 =
        ethernet(0x0800, None, &ipv4(47, 0, &gre(0x1000, 0x22eb, &[1], &erspan3(9, 0, 1234, 1, false, &frame))));
    let m = mirrored(&type3);
    assert_eq!((m.session.id, m.fcs), (Some(9), Fcs::Stripped));
    assert_eq!(m.switch_time, Some(SwitchTime { ns: 123_400, period_ns: 100 << 32 }));
    assert_eq!(bytes(&type3, &m), &frame[..]);
    // With the optional subheader, 100-microsecond units, and a CRC error on the original frame.
    let type3 = ethernet(0x0800, None, &ipv4(47, 0, &gre(0x1000, 0x22eb, &[1], &erspan3(9, 3, 5, 0, true, &frame))));
    let m = mirrored(&type3);
    assert_eq!((bytes(&type3, &m), m.fcs), (&frame[..], Fcs::StrippedBad));
    assert_eq!(m.switch_time, Some(SwitchTime { ns: 500_000, period_ns: 100_000 << 32 }));
    // IEEE 1588 nanoseconds wrap each second; a custom granularity is not used.
    let ns = ethernet(0x0800, None, &ipv4(47, 0, &gre(0x1000, 0x22eb, &[1], &erspan3(9, 0, 999, 2, false, &frame))));
    assert_eq!(mirrored(&ns).switch_time, Some(SwitchTime { ns: 999, period_ns: 1_000_000_000 }));
    let custom = ethernet(0x0800, None, &ipv4(47, 0, &gre(0x1000, 0x22eb, &[1], &erspan3(9, 0, 9, 3, false, &frame))));
    assert_eq!(mirrored(&custom).switch_time, None);
    // A wrong version in the ERSPAN header.
    let wrong = ethernet(0x0800, None, &ipv4(47, 0, &gre(0x1000, 0x22eb, &[1], &erspan2(7, 0, 0, &frame))));
    assert_eq!(opened(&wrong), Opened::Bad);
}

#[test]
fn only_the_kinds_asked_for_are_opened() {
    let frame = inner_frame();
    let vx = ethernet(0x0800, None, &ipv4(17, 0, &udp(4789, &vxlan(1, &frame))));
    let teb = ethernet(0x0800, None, &ipv4(47, 0, &gre(0, 0x6558, &[], &frame)));
    let mut kinds = DecapKinds::default();
    kinds.add("gre").unwrap();
    assert_eq!(open(&vx, vx.len() as u32, Fcs::Stripped, &kinds), Opened::Plain);
    assert!(matches!(open(&teb, teb.len() as u32, Fcs::Stripped, &kinds), Opened::Mirrored(_)));
    // VXLAN on another port.
    let mut kinds = DecapKinds::default();
    kinds.add("vxlan:8472").unwrap();
    let other = ethernet(0x0800, None, &ipv4(17, 0, &udp(8472, &vxlan(1, &frame))));
    assert!(matches!(open(&other, other.len() as u32, Fcs::Stripped, &kinds), Opened::Mirrored(_)));
    assert_eq!(open(&vx, vx.len() as u32, Fcs::Stripped, &kinds), Opened::Plain);
    assert!(DecapKinds::default().add("vxlan:0").is_err());
    assert!(DecapKinds::default().add("mpls").is_err());
    // A VXLAN packet without the I flag, or whose UDP length disagrees with IP's.
    let mut unflagged = vx.clone();
    unflagged[14 + 20 + 8] = 0;
    assert_eq!(opened(&unflagged), Opened::Bad);
    let mut long = vx.clone();
    long[14 + 20 + 5] += 1;
    assert_eq!(opened(&long), Opened::Bad);
}

#[test]
fn a_truncated_capture_keeps_the_frame_length_from_the_ip_header() {
    let mut frame = inner_frame();
    frame.resize(1000, 1);
    let packet = ethernet(0x0800, None, &ipv4(17, 0, &udp(4789, &vxlan(3, &frame))));
    // Captured to 128 octets of a longer packet.
    match open(&packet[..128], packet.len() as u32, Fcs::Stripped, &all()) {
        Opened::Mirrored(m) => {
            assert_eq!((m.orig_len, m.caplen), (1000, 128 - 50));
        }
        other => panic!("{other:?}"),
    }
    // The capture kept the outer FCS: it is not part of the mirrored frame.
    let mut with_fcs = packet.clone();
    with_fcs.extend_from_slice(&[1, 2, 3, 4]);
    match open(&with_fcs, with_fcs.len() as u32, Fcs::Present, &all()) {
        Opened::Mirrored(m) => assert_eq!((m.orig_len, m.caplen), (1000, 1000)),
        other => panic!("{other:?}"),
    }
    // An IP header that claims more than the frame held.
    assert_eq!(open(&packet, packet.len() as u32 - 10, Fcs::Stripped, &all()), Opened::Bad);
    // Hardware said the outer frame was damaged: left alone.
    assert_eq!(open(&packet, packet.len() as u32, Fcs::StrippedBad, &all()), Opened::Plain);
}

#[test]
fn every_cut_of_every_kind_is_safe() {
    let frame = inner_frame();
    let packets = [
        ethernet(0x0800, Some(5), &ipv4(17, 0, &udp(4789, &vxlan(1, &frame)))),
        ethernet(
            0x86dd,
            None,
            &ipv6(
                17,
                &udp(6081, &{
                    let mut g = vec![0x01, 0, 0x65, 0x58, 0, 0, 1, 0, 9, 9, 9, 9];
                    g.extend_from_slice(&frame);
                    g
                }),
            ),
        ),
        ethernet(0x0800, None, &ipv4(47, 0, &gre(0xb000, 0x6558, &[0, 5, 1], &frame))),
        ethernet(0x0800, None, &ipv4(47, 0, &gre(0x1000, 0x88be, &[1], &erspan2(7, 30, 2, &frame)))),
        ethernet(0x86dd, None, &ipv6(47, &gre(0x1000, 0x22eb, &[1], &erspan3(9, 0, 1, 1, true, &frame)))),
    ];
    for packet in &packets {
        assert!(matches!(opened(packet), Opened::Mirrored(_)));
        for cut in 0..packet.len() {
            // Captured short of the whole packet (the length says more), or the packet itself
            // cut (its length says so too): never a panic, never bytes beyond the capture.
            for orig in [packet.len(), cut] {
                if let Opened::Mirrored(m) = open(&packet[..cut], orig as u32, Fcs::Stripped, &all()) {
                    assert!(m.start + m.caplen <= cut);
                    assert!(m.orig_len >= 14);
                }
            }
        }
        // Every octet changed in turn: no panic either.
        for at in 0..packet.len() {
            let mut damaged = packet.clone();
            damaged[at] ^= 0xff;
            let _ = opened(&damaged);
        }
    }
}
