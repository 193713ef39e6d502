//! Remote mirrors: the frame a tunnel packet carries, for `--decap`.
//!
//! A probe fed by a remote mirror sees the mirror's packets, not the network: cloud traffic
//! mirroring sends copies in VXLAN (RFC 7348) or Geneve (RFC 8926), switches send remote SPAN as
//! ERSPAN over GRE (draft-foschiano-erspan), and bridged tunnels carry Ethernet in GRE
//! (RFC 2784/2890, protocol 0x6558). [`open`] finds the mirrored Ethernet frame inside such a
//! packet and says which session sent it; the pipeline makes each session a data source of its
//! own (`pipeline/tunnels.rs`).
//!
//! Pure and bounds-checked: every read is against the captured bytes, so a packet cut short or
//! malformed anywhere is [`Opened::Bad`] (counted, and then counted as an ordinary frame of the
//! capture interface), never a panic. Outer IPv4 and IPv6 headers (IPv6 extension headers
//! walked), and outer VLAN tags, are understood. Fragmented outer packets are not reassembled: a
//! first fragment of a tunnel packet is `Bad`, a later one carries no tunnel header and is
//! `Plain`.

use std::ops::Range;

use crate::mib::NetAddr;
use crate::packet::Fcs;
use crate::packet::network::{self, ETHERTYPE_IPV4, ETHERTYPE_IPV6};

/// The UDP port IANA gives VXLAN (RFC 7348).
pub const VXLAN_PORT: u16 = 4789;
/// The UDP port IANA gives Geneve (RFC 8926).
pub const GENEVE_PORT: u16 = 6081;
/// GRE protocol types: transparent Ethernet bridging, ERSPAN type I/II, ERSPAN type III.
const GRE_TEB: u16 = 0x6558;
const GRE_ERSPAN: u16 = 0x88be;
const GRE_ERSPAN3: u16 = 0x22eb;
const MAX_EXTENSION_HEADERS: usize = 8;

/// The encapsulations a probe opens (`--decap`; `auto` is all of them).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DecapKinds {
    /// UDP destination ports carrying VXLAN (4789 unless `vxlan:PORT` says otherwise).
    pub vxlan_ports: Vec<u16>,
    pub geneve: bool,
    /// GRE transparent Ethernet bridging, with or without a key.
    pub gre: bool,
    /// ERSPAN type I and II (GRE 0x88BE) and type III (GRE 0x22EB).
    pub erspan: bool,
}

impl DecapKinds {
    /// Whether any encapsulation is opened at all.
    pub fn any(&self) -> bool {
        !self.vxlan_ports.is_empty() || self.geneve || self.gre || self.erspan
    }

    /// Adds a kind as `--decap` names it: `vxlan`, `vxlan:PORT`, `geneve`, `gre`, `erspan` or
    /// `auto`.
    pub fn add(&mut self, name: &str) -> Result<(), String> {
        let name = name.trim();
        match name {
            "vxlan" => self.add_vxlan(VXLAN_PORT),
            "geneve" => self.geneve = true,
            "gre" => self.gre = true,
            "erspan" => self.erspan = true,
            "auto" => {
                self.add_vxlan(VXLAN_PORT);
                self.geneve = true;
                self.gre = true;
                self.erspan = true;
            }
            _ => {
                let port =
                    name.strip_prefix("vxlan:").and_then(|p| p.parse::<u16>().ok()).filter(|&p| p != 0).ok_or_else(
                        || format!("unknown --decap {name:?}: give vxlan, vxlan:PORT, geneve, gre, erspan or auto"),
                    )?;
                self.add_vxlan(port);
            }
        }
        Ok(())
    }

    fn add_vxlan(&mut self, port: u16) {
        if !self.vxlan_ports.contains(&port) {
            self.vxlan_ports.push(port);
        }
    }
}

/// A tunnel's kind, as ifDescr names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TunnelKind {
    Vxlan,
    Geneve,
    Gre,
    Erspan,
}

impl TunnelKind {
    pub fn name(self) -> &'static str {
        match self {
            TunnelKind::Vxlan => "vxlan",
            TunnelKind::Geneve => "geneve",
            TunnelKind::Gre => "gre",
            TunnelKind::Erspan => "erspan",
        }
    }

    /// What the kind calls its session number.
    pub fn id_name(self) -> &'static str {
        match self {
            TunnelKind::Vxlan | TunnelKind::Geneve => "vni",
            TunnelKind::Gre => "key",
            TunnelKind::Erspan => "session",
        }
    }
}

/// One mirror session: the kind, its number (VNI, GRE key, ERSPAN session ID; none for GRE
/// without a key and ERSPAN type I) and the outer source address.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SessionKey {
    pub kind: TunnelKind,
    pub id: Option<u32>,
    pub sender: NetAddr,
}

impl SessionKey {
    /// ifName: short, as `vxlan100`, `erspan7`, `gre`.
    pub fn if_name(&self) -> String {
        match self.id {
            Some(id) => format!("{}{id}", self.kind.name()),
            None => self.kind.name().to_string(),
        }
    }

    /// ifDescr: "vxlan vni 100 from 192.0.2.1", "erspan session 7 from 2001:db8::1".
    pub fn if_descr(&self) -> String {
        match self.id {
            Some(id) => format!("{} {} {id} from {}", self.kind.name(), self.kind.id_name(), self.sender),
            None => format!("{} from {}", self.kind.name(), self.sender),
        }
    }
}

/// An ERSPAN type III timestamp: the switch's clock when it mirrored the frame, in nanoseconds
/// modulo `period_ns` (the 32-bit field wraps; IEEE 1588's nanoseconds wrap each second).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SwitchTime {
    pub ns: u64,
    pub period_ns: u64,
}

/// The mirrored frame inside a tunnel packet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Mirrored {
    pub session: SessionKey,
    /// Where the frame's captured bytes lie in the outer frame's.
    pub start: usize,
    pub caplen: usize,
    /// The frame's length as the tunnel carried it (no FCS: tunnels carry frames without one).
    pub orig_len: u32,
    /// Stripped, or StrippedBad where ERSPAN III says the original frame had a CRC error.
    pub fcs: Fcs,
    /// ERSPAN II with "originally 802.1Q encapsulated": the tag the switch took off (its TCI,
    /// from the header's COS and VLAN), to be put back so the frame counts as it was on the wire.
    pub stripped_tag: Option<u16>,
    /// ERSPAN III: when the switch saw the frame.
    pub switch_time: Option<SwitchTime>,
}

/// What a captured packet turned out to be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Opened {
    /// Not a tunnel packet of an opened kind: an ordinary frame of the capture interface.
    Plain,
    /// A packet of an opened kind (its UDP port, its GRE protocol) that does not hold a whole
    /// tunnel header or a mirrored Ethernet frame: counted as an ordinary frame, and as a bad
    /// encapsulation.
    Bad,
    Mirrored(Mirrored),
}

fn be16(data: &[u8], at: usize) -> Option<u16> {
    let b = data.get(at..at + 2)?;
    Some(u16::from_be_bytes([b[0], b[1]]))
}

fn be32(data: &[u8], at: usize) -> Option<u32> {
    let b = data.get(at..at + 4)?;
    Some(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
}

/// The outer IP packet: sender, upper protocol, where its payload lies (`payload.end` from the
/// IP header's length, which may run past the captured bytes), and whether it is a fragment.
struct OuterIp {
    sender: NetAddr,
    protocol: u8,
    payload: Range<usize>,
    first_fragment_only: bool,
    later_fragment: bool,
}

fn outer_ipv4(frame: &[u8], at: usize) -> Option<OuterIp> {
    let h = frame.get(at..at + 20)?;
    let header_len = usize::from(h[0] & 0x0f) * 4;
    if h[0] >> 4 != 4 || header_len < 20 {
        return None;
    }
    let total = usize::from(u16::from_be_bytes([h[2], h[3]]));
    let flags_offset = u16::from_be_bytes([h[6], h[7]]);
    let sender = NetAddr::v4([h[12], h[13], h[14], h[15]]);
    Some(OuterIp {
        sender,
        protocol: h[9],
        payload: at + header_len..at + total.max(header_len),
        first_fragment_only: flags_offset & 0x2000 != 0 && flags_offset & 0x1fff == 0,
        later_fragment: flags_offset & 0x1fff != 0,
    })
}

fn outer_ipv6(frame: &[u8], at: usize) -> Option<OuterIp> {
    let h = frame.get(at..at + 40)?;
    if h[0] >> 4 != 6 {
        return None;
    }
    let mut sender = [0u8; 16];
    sender.copy_from_slice(&h[8..24]);
    let end = at + 40 + usize::from(u16::from_be_bytes([h[4], h[5]]));
    let (mut next, mut header) = (h[6], at + 40);
    let (mut first_fragment_only, mut later_fragment) = (false, false);
    for _ in 0..MAX_EXTENSION_HEADERS {
        let len = match next {
            0 | 43 | 60 => (usize::from(*frame.get(header + 1)?) + 1) * 8,
            44 => {
                let offset_flags = be16(frame, header + 2)?;
                later_fragment = offset_flags >> 3 != 0;
                first_fragment_only = !later_fragment && offset_flags & 1 != 0;
                8
            }
            _ => break,
        };
        next = *frame.get(header)?;
        header += len;
    }
    Some(OuterIp {
        sender: NetAddr::v6(sender),
        protocol: next,
        payload: header..end.max(header),
        first_fragment_only,
        later_fragment,
    })
}

/// The tunnel header's verdict, before the frame's bounds are worked out.
struct Inner {
    session: SessionKey,
    start: usize,
    fcs: Fcs,
    stripped_tag: Option<u16>,
    switch_time: Option<SwitchTime>,
}

/// Opens a captured packet: `frame` is its captured bytes, `orig_len` and `fcs` what the
/// capture said of it.
pub fn open(frame: &[u8], orig_len: u32, fcs: Fcs, kinds: &DecapKinds) -> Opened {
    // A frame the capture hardware called damaged is not opened: its payload is suspect.
    if fcs == Fcs::StrippedBad {
        return Opened::Plain;
    }
    let Some(ip) = outer_ip(frame) else { return Opened::Plain };
    if ip.later_fragment {
        return Opened::Plain;
    }
    let verdict = match ip.protocol {
        17 => udp(frame, &ip, kinds),
        47 if kinds.gre || kinds.erspan => gre(frame, &ip, kinds),
        _ => return Opened::Plain,
    };
    let inner = match verdict {
        Verdict::Plain => return Opened::Plain,
        Verdict::Bad => return Opened::Bad,
        Verdict::Inner(inner) => inner,
    };
    if ip.first_fragment_only {
        return Opened::Bad;
    }
    // The mirrored frame ends where the outer IP packet does; the outer frame's own length
    // (less its FCS, when the capture kept it) must hold it.
    let outer_len = orig_len.saturating_sub(if fcs == Fcs::Present { 4 } else { 0 }) as usize;
    let end = ip.payload.end;
    // The tunnel header (Geneve's options, ERSPAN's subheader) must be captured whole too.
    if end > outer_len || inner.start > end || end - inner.start < 14 || inner.start > frame.len() {
        return Opened::Bad;
    }
    let captured_end = end.min(frame.len());
    Opened::Mirrored(Mirrored {
        session: inner.session,
        start: inner.start,
        caplen: captured_end.saturating_sub(inner.start),
        orig_len: (end - inner.start) as u32,
        fcs: inner.fcs,
        stripped_tag: inner.stripped_tag,
        switch_time: inner.switch_time,
    })
}

fn outer_ip(frame: &[u8]) -> Option<OuterIp> {
    match network::after_tags(frame)? {
        (ETHERTYPE_IPV4, at) => outer_ipv4(frame, at),
        (ETHERTYPE_IPV6, at) => outer_ipv6(frame, at),
        _ => None,
    }
}

enum Verdict {
    Plain,
    Bad,
    Inner(Inner),
}

fn udp(frame: &[u8], ip: &OuterIp, kinds: &DecapKinds) -> Verdict {
    let at = ip.payload.start;
    let Some(port) = be16(frame, at + 2) else { return Verdict::Plain };
    let kind = if kinds.vxlan_ports.contains(&port) {
        TunnelKind::Vxlan
    } else if kinds.geneve && port == GENEVE_PORT {
        TunnelKind::Geneve
    } else {
        return Verdict::Plain;
    };
    let header = at + 8;
    match udp_tunnel(frame, ip, kind, at, header) {
        Some(inner) => Verdict::Inner(inner),
        None => Verdict::Bad,
    }
}

fn udp_tunnel(frame: &[u8], ip: &OuterIp, kind: TunnelKind, udp: usize, header: usize) -> Option<Inner> {
    let udp_len = usize::from(be16(frame, udp + 4)?);
    if udp_len < 8 || udp + udp_len != ip.payload.end {
        return None;
    }
    let b = frame.get(header..header + 8)?;
    let vni = u32::from_be_bytes([0, b[4], b[5], b[6]]);
    let start = match kind {
        // RFC 7348: the I flag says the VNI is valid.
        TunnelKind::Vxlan if b[0] & 0x08 != 0 => header + 8,
        // RFC 8926: version 0, Ethernet payload, options in 4-octet words.
        TunnelKind::Geneve if b[0] >> 6 == 0 && u16::from_be_bytes([b[2], b[3]]) == GRE_TEB => {
            header + 8 + usize::from(b[0] & 0x3f) * 4
        }
        _ => return None,
    };
    let session = SessionKey { kind, id: Some(vni), sender: ip.sender };
    Some(Inner { session, start, fcs: Fcs::Stripped, stripped_tag: None, switch_time: None })
}

fn gre(frame: &[u8], ip: &OuterIp, kinds: &DecapKinds) -> Verdict {
    let at = ip.payload.start;
    let (Some(flags), Some(protocol)) = (be16(frame, at), be16(frame, at + 2)) else { return Verdict::Plain };
    let opened = match protocol {
        GRE_TEB => kinds.gre,
        GRE_ERSPAN | GRE_ERSPAN3 => kinds.erspan,
        _ => false,
    };
    if !opened {
        return Verdict::Plain;
    }
    match gre_tunnel(frame, ip, flags, protocol, at) {
        Some(inner) => Verdict::Inner(inner),
        None => Verdict::Bad,
    }
}

fn gre_tunnel(frame: &[u8], ip: &OuterIp, flags: u16, protocol: u16, at: usize) -> Option<Inner> {
    // RFC 2784/2890: version 0, no routing; checksum, key and sequence number words as flagged.
    if flags & 0x0007 != 0 || flags & 0x4000 != 0 {
        return None;
    }
    let mut header = at + 4;
    if flags & 0x8000 != 0 {
        header += 4;
    }
    let key = if flags & 0x2000 != 0 {
        let key = be32(frame, header)?;
        header += 4;
        Some(key)
    } else {
        None
    };
    let sequenced = flags & 0x1000 != 0;
    if sequenced {
        header += 4;
    }
    let sender = ip.sender;
    let plain = |session, start| Inner { session, start, fcs: Fcs::Stripped, stripped_tag: None, switch_time: None };
    match protocol {
        GRE_TEB => Some(plain(SessionKey { kind: TunnelKind::Gre, id: key, sender }, header)),
        // Type I: no sequence number and no ERSPAN header, the frame right after GRE's.
        GRE_ERSPAN if !sequenced => Some(plain(SessionKey { kind: TunnelKind::Erspan, id: None, sender }, header)),
        GRE_ERSPAN => erspan2(frame, header, sender),
        _ => erspan3(frame, header, sender),
    }
}

/// ERSPAN type II: Ver(4)=1 VLAN(12) | COS(3) En(2) T(1) SessionID(10) | Reserved(12) Index(20).
fn erspan2(frame: &[u8], at: usize, sender: NetAddr) -> Option<Inner> {
    let h = frame.get(at..at + 8)?;
    if h[0] >> 4 != 1 {
        return None;
    }
    let vlan = u16::from_be_bytes([h[0], h[1]]) & 0x0fff;
    let word = u16::from_be_bytes([h[2], h[3]]);
    let cos = word >> 13;
    let en = (word >> 11) & 0b11;
    let id = u32::from(word & 0x03ff);
    // En 2, "originally 802.1Q encapsulated": the switch took the tag off.
    let stripped_tag = (en == 2).then_some((cos << 13) | vlan);
    let session = SessionKey { kind: TunnelKind::Erspan, id: Some(id), sender };
    Some(Inner { session, start: at + 8, fcs: Fcs::Stripped, stripped_tag, switch_time: None })
}

/// ERSPAN type III: Ver(4)=2 VLAN(12) | COS(3) BSO(2) T(1) SessionID(10) | Timestamp(32) |
/// SGT(16) | P(1) FT(5) HW ID(6) D(1) Gra(2) O(1), then an 8-octet platform subheader when O.
fn erspan3(frame: &[u8], at: usize, sender: NetAddr) -> Option<Inner> {
    let h = frame.get(at..at + 12)?;
    if h[0] >> 4 != 2 {
        return None;
    }
    let word = u16::from_be_bytes([h[2], h[3]]);
    let bso = (word >> 11) & 0b11;
    let id = u32::from(word & 0x03ff);
    let ticks = u64::from(u32::from_be_bytes([h[4], h[5], h[6], h[7]]));
    let last = u16::from_be_bytes([h[10], h[11]]);
    let frame_type = (last >> 10) & 0x1f;
    let gra = (last >> 1) & 0b11;
    let optional = last & 1 != 0;
    // Frame type 0 is Ethernet; 2 is a bare IP packet, which is no frame to count.
    if frame_type != 0 {
        return None;
    }
    const WRAP: u64 = 1 << 32;
    let switch_time = match gra {
        0 => Some(SwitchTime { ns: ticks * 100_000, period_ns: WRAP * 100_000 }),
        1 => Some(SwitchTime { ns: ticks * 100, period_ns: WRAP * 100 }),
        2 if ticks < 1_000_000_000 => Some(SwitchTime { ns: ticks, period_ns: 1_000_000_000 }),
        // A custom granularity is the switch's own business.
        _ => None,
    };
    let start = at + 12 + if optional { 8 } else { 0 };
    let session = SessionKey { kind: TunnelKind::Erspan, id: Some(id), sender };
    // BSO 3: the switch saw a CRC or alignment error on the original frame.
    let fcs = if bso == 3 { Fcs::StrippedBad } else { Fcs::Stripped };
    Some(Inner { session, start, fcs, stripped_tag: None, switch_time })
}

#[cfg(test)]
mod tests;
