#!/usr/bin/env python3
"""Wraps every frame of an Ethernet capture in a tunnel, as a remote mirror would send it.

    wrap_tunnel.py IN OUT KIND [--port N] [--vni N] [--geneve-options N] [--key N]
                               [--session N] [--vlan N] [--en N] [--cos N] [--gra N]
                               [--delay-ms D] [--outer-vlan VID] [--ipv6] [--sender ADDR]

    KIND: vxlan, geneve, gre, gre-key, erspan1, erspan2, erspan3 or all

Why: a probe fed by remote mirrors (issue 21, `rmonprobe --decap`) sees the monitored frames
only inside VXLAN, Geneve, GRE or ERSPAN packets. The golden captures are plain Ethernet; this
turns one into what a mirror session would have delivered of it, so that the decapsulated data
source can be checked against the figures of the original (scripts/expected_from_tshark.py
--if-index N), and scripts/check_wrapped.py proves with tshark that the wrapping is what a
dissector reads.

IN: pcap or pcapng, Ethernet link type. When its interface says the frames end in their FCS
(pcapng if_fcslen, the pcap link-type FCS bits), that FCS is taken off first: a mirror sends
the frame without it. A record captured short stays short (the FCS was past its end).

Each frame becomes one outer packet (four for `all`), in the order of IN:

  outer Ethernet   dst 02:00:00:00:0e:02, src 02:00:00:00:0e:01; with --outer-vlan VID an
                   802.1Q tag (TPID 0x8100, PCP 0, VID) before the EtherType
  outer IPv4       version 4, IHL 5, DSCP/ECN 0, total length, identification counting up
                   from 1 per outer packet, no flags, TTL 64, protocol 17 (UDP) or 47 (GRE),
                   header checksum, 192.0.2.1 -> 192.0.2.254 (RFC 5737 documentation range)
  or outer IPv6    (--ipv6) traffic class 0, flow label 0, payload length, next header 17 or
                   47, hop limit 64, 2001:db8::1 -> 2001:db8::fe (RFC 3849)
                   --sender ADDR replaces the source address (of the family in use)
  tunnel headers   per KIND, below
  the frame        its captured bytes

Lengths: the outer record's captured length is the outer headers plus the frame's captured
length, its original length the outer headers plus the frame's original length; the IP and UDP
length fields count the original length. UDP checksum: 0 over IPv4 (allowed by RFC 768 and RFC
7348); over IPv6 computed (RFC 8200 section 8.1 forbids 0), over the captured bytes (for a
record captured short the true checksum is unknowable, so it is wrong; tshark cannot verify it
either).

KIND (bit layouts most significant bit first, network byte order):

  vxlan    RFC 7348. UDP source port 49152 + (CRC-32 of the frame's two MAC addresses mod
           16384): the same for every frame of one direction of a conversation, in the
           dynamic range, as the RFC suggests (a hash of the inner headers); destination port
           --port (default 4789). VXLAN header, 8 octets:
             |R|R|R|R|I|R|R|R|   Reserved (24)   |   VNI (24)   | Reserved (8) |
           flags 0x08 (I), VNI --vni (default 100).
  geneve   RFC 8926. UDP source port as for vxlan, destination 6081. Geneve header, 8 octets:
             |Ver(2)|Opt Len(6)|O|C|Rsvd(6)| Protocol Type (16) | VNI (24) | Reserved (8) |
           version 0, O = C = 0, protocol 0x6558 (Transparent Ethernet Bridging), VNI --vni
           (default 100); Opt Len = --geneve-options N (0..63 four-octet words, default 0),
           filled with TLVs of at most 32 words each:
             | Option Class (16) | Type (8) |R(3)|Length(5)| Data (Length words) |
           class 0xFFFF (RFC 8926's experimental range), type 0x01 (not critical), data zero.
  gre      RFC 2784 / RFC 2890. GRE header, 4 octets:
             |C|R|K|S|s|Recur(3)|Flags(5)|Ver(3)| Protocol Type (16) |
           all flags 0, version 0, protocol 0x6558; the frame follows.
  gre-key  the same with K set (0x2000) and the 4-octet Key --key (default 5) after it.
  erspan1  ERSPAN type I (draft-foschiano-erspan-03; Linux's include/net/erspan.h draws the
           same layouts): GRE as for `gre` with protocol 0x88BE and no sequence number; no
           ERSPAN header: the frame follows GRE.
  erspan2  ERSPAN type II: GRE with S set (0x1000), protocol 0x88BE and a sequence number
           (0, 1, 2, ... per outer packet of the session); then 8 octets:
             | Ver(4) | VLAN(12) | COS(3) | En(2) | T(1) | Session ID(10) |
             | Reserved(12) | Index(20) |
           Ver 1, VLAN --vlan (default 0), COS --cos (default 0), En --en (default 0), T 0,
           Session ID --session (default 7), Reserved 0, Index 0.
  erspan3  ERSPAN type III: GRE with S set, protocol 0x22EB and a sequence number; then 12
           octets:
             | Ver(4) | VLAN(12) | COS(3) | BSO(2) | T(1) | Session ID(10) |
             | Timestamp(32) |
             | SGT(16) | P(1) | FT(5) | Hw ID(6) | D(1) | Gra(2) | O(1) |
           Ver 2, VLAN --vlan, COS --cos, BSO 0, T 0, Session ID --session (default 7),
           SGT 0, P 0, FT 0 (Ethernet), Hw ID 0, D 0 (ingress), O 0 (no platform
           subheader), Gra --gra (default 2). Timestamp: the frame's ORIGINAL capture time
           in the units Gra names, mod 2**32: 0 = 100 microseconds, 1 = 100 nanoseconds;
           2 = IEEE 1588: the nanoseconds field of the time (0 .. 999,999,999, the
           nanoseconds within its second), whose seconds only a platform subheader would
           carry (none is written). Gra 3 (user-configured units) is
           refused: nothing says what its units are. These are the draft's codes, as Linux
           (erspan.h) and Wireshark (erspan.gra: 2 "IEEE 1588", 3 "Custom granularity")
           read them.
  all      every frame four times in a row, at the frame's own time, all from the same
           sender: vxlan (port 4789, VNI 100), erspan2 (session 7), erspan3 (session 8, Gra
           2), gre-key (key 5); the tunnel options (--port ... --delay-ms) are refused, the
           outer ones (--outer-vlan, --ipv6, --sender) apply. Frame i (from 0) of IN is
           outer packets 4i .. 4i+3 of OUT.

--delay-ms D (decimal, not negative; not with `all`): every outer packet but the first frame's
is stamped D ms after its frame's capture time, as if the mirror took that long to deliver it;
the ERSPAN type III timestamp still carries the original time, so a probe that reads it counts
the frames at their original times. Without it each outer packet has its frame's time.

OUT: pcapng, one interface (link type Ethernet, if_fcslen 0: the outer packets carry no FCS),
nanosecond timestamps (scripts/pcapio.py). Standard library only.
"""

import argparse
import ipaddress
import struct
import sys
import zlib
from fractions import Fraction
from pathlib import Path

sys.dont_write_bytecode = True  # no __pycache__ left in scripts/
sys.path.insert(0, str(Path(__file__).resolve().parent))
import pcapio  # noqa: E402  (the sibling module; the path above makes it importable)

KINDS = ("vxlan", "geneve", "gre", "gre-key", "erspan1", "erspan2", "erspan3", "all")
OUTER_SRC_MAC = bytes.fromhex("020000000e01")
OUTER_DST_MAC = bytes.fromhex("020000000e02")
SENDER = {4: "192.0.2.1", 6: "2001:db8::1"}
RECEIVER = {4: "192.0.2.254", 6: "2001:db8::fe"}
TTL = 64
ETHERTYPE_VLAN = 0x8100
ETHERTYPE_IPV4 = 0x0800
ETHERTYPE_IPV6 = 0x86DD
IPPROTO_UDP = 17
IPPROTO_GRE = 47
VXLAN_PORT = 4789
GENEVE_PORT = 6081
SOURCE_PORT_BASE = 49152  # the dynamic range, RFC 6335
PROTO_TEB = 0x6558  # Transparent Ethernet Bridging
PROTO_ERSPAN_1_2 = 0x88BE
PROTO_ERSPAN_3 = 0x22EB
GRE_KEY = 0x2000
GRE_SEQUENCE = 0x1000
GENEVE_OPTION_CLASS = 0xFFFF  # RFC 8926's registry: 0xFF00..0xFFFF are for experimental use
GENEVE_OPTION_TYPE = 0x01
GRA_UNIT_NS = {0: 100_000, 1: 100}  # ERSPAN type III timestamp units, by Gra (2: IEEE 1588)


def erspan3_timestamp(ts_ns, gra):
    """The ERSPAN type III timestamp field of a frame of time ts_ns (ns since 1970): in 100 us
    or 100 ns units, mod 2**32; for IEEE 1588 (gra 2) the nanoseconds of its second."""
    if gra == 2:
        return ts_ns % 1_000_000_000
    return ts_ns // GRA_UNIT_NS[gra] % 2**32

# The tunnel options: name -> (default, lowest, highest value).
TUNNEL_OPTIONS = {
    "port": (VXLAN_PORT, 1, 65535),
    "vni": (100, 0, 2**24 - 1),
    "geneve_options": (0, 0, 63),
    "key": (5, 0, 2**32 - 1),
    "session": (7, 0, 1023),
    "vlan": (0, 0, 4095),
    "en": (0, 0, 3),
    "cos": (0, 0, 7),
    "gra": (2, 0, 2),
}
# Which kinds each tunnel option applies to; giving it with another kind is an error.
OPTION_KINDS = {
    "port": ("vxlan",),
    "vni": ("vxlan", "geneve"),
    "geneve_options": ("geneve",),
    "key": ("gre-key",),
    "session": ("erspan2", "erspan3"),
    "vlan": ("erspan2", "erspan3"),
    "en": ("erspan2",),
    "cos": ("erspan2", "erspan3"),
    "gra": ("erspan3",),
}
# The four wrappings of `all`, in order, with their fixed settings.
ALL = [
    ("vxlan", {"port": VXLAN_PORT, "vni": 100}),
    ("erspan2", {"session": 7, "vlan": 0, "en": 0, "cos": 0}),
    ("erspan3", {"session": 8, "vlan": 0, "cos": 0, "gra": 2}),
    ("gre-key", {"key": 5}),
]


def checksum(*chunks):
    """The Internet checksum (RFC 1071) of the concatenated chunks, padded to an even length.

    The ones'-complement sum of the 16-bit words is the whole buffer, read as one big-endian
    integer, modulo 0xFFFF (2**16 is 1 modulo 0xFFFF), with 0xFFFF in place of a remainder of 0
    unless every octet is 0: one big-integer operation in C instead of a Python loop over the
    words, which keeps wrapping a 2,000,000-frame capture under half a minute."""
    data = b"".join(chunks)
    if len(data) % 2:
        data += b"\0"
    value = int.from_bytes(data, "big")
    total = value % 0xFFFF
    if total == 0 and value:
        total = 0xFFFF
    return ~total & 0xFFFF


def strip_fcs(interfaces, packets, path):
    """The frames of IN as a mirror sends them: without the FCS where IN's interface says
    the frames carry one. A record captured short keeps what it has of the frame itself."""
    frames = []
    for p in packets:
        iface = interfaces[p.interface]
        if iface.linktype != pcapio.LINKTYPE_ETHERNET:
            raise pcapio.CaptureError(f"{path}: link type {iface.linktype} is not Ethernet")
        fcs = iface.fcslen or 0
        if fcs:
            origlen = max(0, p.origlen - fcs)
            data = p.data[:origlen]
            p = pcapio.Packet(0, p.ts_ns, len(data), origlen, data)
        frames.append(p)
    return frames


def flow_port(frame):
    """A UDP source port in the dynamic range, the same for every frame from one MAC address
    to another (a tunnel endpoint's hash of the inner headers, for ECMP)."""
    return SOURCE_PORT_BASE + zlib.crc32(frame.data[:12]) % 16384


def geneve_options(words):
    """`words` four-octet words of option TLVs (each TLV at most 1 + 31 words)."""
    out = []
    while words:
        take = min(words, 32)
        out.append(struct.pack("!HBB", GENEVE_OPTION_CLASS, GENEVE_OPTION_TYPE, take - 1) + bytes(4 * (take - 1)))
        words -= take
    return b"".join(out)


class WrapError(Exception):
    pass


class Tunnel:
    """One kind of wrapping with its settings and, for ERSPAN II and III, its sequence."""

    def __init__(self, kind, settings):
        self.kind = kind
        self.s = settings
        self.sequence = 0
        if kind == "geneve":
            self.options = geneve_options(settings["geneve_options"])

    def protocol(self):
        return IPPROTO_UDP if self.kind in ("vxlan", "geneve") else IPPROTO_GRE

    def header(self, frame):
        """The headers after the outer IP header and before the frame, UDP's excepted (its
        length and checksum need the rest: see Wrapper.wrap)."""
        s = self.s
        if self.kind == "vxlan":
            return struct.pack("!B3xI", 0x08, s["vni"] << 8)
        if self.kind == "geneve":
            words = len(self.options) // 4
            return struct.pack("!BBHI", words, 0, PROTO_TEB, s["vni"] << 8) + self.options
        if self.kind == "gre":
            return struct.pack("!HH", 0, PROTO_TEB)
        if self.kind == "gre-key":
            return struct.pack("!HHI", GRE_KEY, PROTO_TEB, s["key"])
        if self.kind == "erspan1":
            return struct.pack("!HH", 0, PROTO_ERSPAN_1_2)
        sequence = self.sequence
        self.sequence = (self.sequence + 1) % 2**32
        # Ver | VLAN | COS | En or BSO | T | Session ID: the same first word for II and III
        # (BSO is always 0 here).
        version = 1 if self.kind == "erspan2" else 2
        en = s["en"] if self.kind == "erspan2" else 0
        first = version << 28 | s["vlan"] << 16 | s["cos"] << 13 | en << 11 | s["session"]  # T = 0
        if self.kind == "erspan2":
            return struct.pack("!HHIII", GRE_SEQUENCE, PROTO_ERSPAN_1_2, sequence, first, 0)
        timestamp = erspan3_timestamp(frame.ts_ns, s["gra"])
        # SGT 0 | P 0 | FT 0 | Hw ID 0 | D 0 | Gra | O 0
        last = s["gra"] << 1
        return struct.pack("!HHIIII", GRE_SEQUENCE, PROTO_ERSPAN_3, sequence, first, timestamp, last)


class Wrapper:
    """The outer Ethernet and IP headers, shared by every tunnel of a run."""

    def __init__(self, version, sender, outer_vlan):
        self.version = version
        self.src = ipaddress.ip_address(sender).packed
        self.dst = ipaddress.ip_address(RECEIVER[version]).packed
        ethertype = ETHERTYPE_IPV4 if version == 4 else ETHERTYPE_IPV6
        self.ethernet = OUTER_DST_MAC + OUTER_SRC_MAC
        if outer_vlan is not None:
            self.ethernet += struct.pack("!HH", ETHERTYPE_VLAN, outer_vlan)
        self.ethernet += struct.pack("!H", ethertype)
        self.identification = 0

    def wrap(self, tunnel, frame, ts_ns):
        """The outer packet carrying `frame` through `tunnel`, stamped ts_ns."""
        payload = tunnel.header(frame)
        protocol = tunnel.protocol()
        if protocol == IPPROTO_UDP:
            port = tunnel.s["port"] if tunnel.kind == "vxlan" else GENEVE_PORT
            udp_length = 8 + len(payload) + frame.origlen
            if udp_length > 0xFFFF:
                raise WrapError(f"a frame of {frame.origlen} octets does not fit in a UDP datagram")
            udp = struct.pack("!HHHH", flow_port(frame), port, udp_length, 0)
            if self.version == 6:
                pseudo = self.src + self.dst + struct.pack("!IxxxB", udp_length, IPPROTO_UDP)
                # 0 means "no checksum", which IPv6 forbids: a computed 0 is sent as 0xFFFF.
                sum16 = checksum(pseudo, udp, payload, frame.data) or 0xFFFF
                udp = udp[:6] + struct.pack("!H", sum16)
            payload = udp + payload
        l4_length = len(payload) + frame.origlen
        if self.version == 4:
            self.identification = self.identification % 0xFFFF + 1
            total = 20 + l4_length
            if total > 0xFFFF:
                raise WrapError(f"a frame of {frame.origlen} octets does not fit in an IPv4 packet")
            ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, total, self.identification, 0, TTL, protocol, 0,
                             self.src, self.dst)
            ip = ip[:10] + struct.pack("!H", checksum(ip)) + ip[12:]
        else:
            if l4_length > 0xFFFF:
                raise WrapError(f"a frame of {frame.origlen} octets does not fit in an IPv6 packet")
            ip = struct.pack("!IHBB16s16s", 6 << 28, l4_length, protocol, TTL, self.src, self.dst)
        headers = self.ethernet + ip + payload
        data = headers + frame.data
        return pcapio.Packet(0, ts_ns, len(data), len(headers) + frame.origlen, data)


def wrap_all(frames, kind, settings, wrapper, delay_ns):
    if kind == "all":
        tunnels = [Tunnel(k, dict(s)) for k, s in ALL]
    else:
        tunnels = [Tunnel(kind, settings)]
    out = []
    for n, frame in enumerate(frames):
        ts_ns = frame.ts_ns + (delay_ns if n > 0 else 0)
        for tunnel in tunnels:
            out.append(wrapper.wrap(tunnel, frame, ts_ns))
    return out


def tunnel_settings(kind, args, fail):
    """The settings of the tunnel options for KIND: what was given, else the defaults.
    An option given for a kind it does not apply to is an error, not silently ignored."""
    settings = {}
    for name, (default, low, high) in TUNNEL_OPTIONS.items():
        value = getattr(args, name)
        if value is not None:
            if kind == "all" or kind not in OPTION_KINDS[name]:
                flag = "--" + name.replace("_", "-")
                fail(f"{flag} does not apply to {kind}")
            if name == "gra" and value == 3:
                fail("--gra 3 (user-configured granularity) has no unit this script could write")
            if not low <= value <= high:
                fail(f"--{name.replace('_', '-')} {value}: want {low}..{high}")
        settings[name] = default if value is None else value
    return settings


def delay_of(text):
    try:
        ms = Fraction(text)
    except (ValueError, ZeroDivisionError):
        raise argparse.ArgumentTypeError(f"{text!r}: want milliseconds, e.g. 2.5") from None
    if ms < 0:
        raise argparse.ArgumentTypeError(f"{text!r}: want milliseconds not below 0")
    return int(ms * 10**6)  # nanoseconds, floored


def add_options(ap):
    """The options after IN OUT KIND; scripts/check_wrapped.py takes the same ones."""
    ap.add_argument("kind", choices=KINDS)
    ap.add_argument("--port", type=int, help=f"vxlan: UDP destination port (default {VXLAN_PORT})")
    ap.add_argument("--vni", type=int, help="vxlan, geneve: the VNI (default 100)")
    ap.add_argument("--geneve-options", type=int, help="geneve: option words, 0..63 (default 0)")
    ap.add_argument("--key", type=int, help="gre-key: the GRE key (default 5)")
    ap.add_argument("--session", type=int, help="erspan2, erspan3: session ID, 0..1023 (default 7)")
    ap.add_argument("--vlan", type=int, help="erspan2, erspan3: the header's VLAN (default 0)")
    ap.add_argument("--en", type=int, help="erspan2: the En field, 0..3 (default 0)")
    ap.add_argument("--cos", type=int, help="erspan2, erspan3: the COS field, 0..7 (default 0)")
    ap.add_argument("--gra", type=int, help="erspan3: timestamp granularity 0 (100 us), 1 (100 ns), "
                    "2 (IEEE 1588, ns) (default 2)")
    ap.add_argument("--delay-ms", type=delay_of, help="stamp every outer packet but the first D ms late")
    ap.add_argument("--outer-vlan", type=int, help="an 802.1Q tag with this VID on the outer frame")
    ap.add_argument("--ipv6", action="store_true", help="outer IPv6 instead of IPv4")
    ap.add_argument("--sender", help="the outer source address (default 192.0.2.1 or 2001:db8::1)")


def resolve(args, fail):
    """(settings, IP version, sender, delay in ns) from the parsed options."""
    settings = tunnel_settings(args.kind, args, fail)
    version = 6 if args.ipv6 else 4
    sender = args.sender or SENDER[version]
    try:
        if ipaddress.ip_address(sender).version != version:
            fail(f"--sender {sender} is not an IPv{version} address" + ("" if args.ipv6 else " (add --ipv6)"))
    except ValueError:
        fail(f"--sender {sender!r} is not an IP address")
    if args.outer_vlan is not None and not 0 <= args.outer_vlan <= 4095:
        fail(f"--outer-vlan {args.outer_vlan}: want 0..4095")
    if args.delay_ms is not None and args.kind == "all":
        fail("--delay-ms does not apply to all (its packets are at the frames' own times)")
    return settings, version, sender, args.delay_ms or 0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("input")
    ap.add_argument("output")
    add_options(ap)
    args = ap.parse_args()
    settings, version, sender, delay_ns = resolve(args, ap.error)
    try:
        interfaces, packets = pcapio.read_capture(args.input)
        frames = strip_fcs(interfaces, packets, args.input)
        wrapper = Wrapper(version, sender, args.outer_vlan)
        out = wrap_all(frames, args.kind, settings, wrapper, delay_ns)
        comment = f"{Path(args.input).name} wrapped in {args.kind} over IPv{version} by wrap_tunnel.py"
        pcapio.write_pcapng(args.output, pcapio.LINKTYPE_ETHERNET, 0, out, comment)
    except (OSError, WrapError, pcapio.CaptureError) as e:
        sys.exit(f"wrap_tunnel.py: {e}")
    print(f"{len(frames)} frames, {len(out)} outer packets ({args.kind}, IPv{version}), written to {args.output}",
          file=sys.stderr)


if __name__ == "__main__":
    main()
