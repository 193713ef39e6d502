#!/usr/bin/env python3
"""Checks with tshark that a capture written by scripts/wrap_tunnel.py is what it should be.

    check_wrapped.py ORIGINAL WRAPPED KIND [the options given to wrap_tunnel.py]

Why: the decapsulation tests (issue 21) trust the wrapped captures as much as the golden ones,
so what wrap_tunnel.py writes is proved by an independent dissector, not by the code that wrote
it. tshark reads WRAPPED (`tshark -r WRAPPED -T fields ...`) and, for every outer packet, this
checks what it decodes against ORIGINAL and the options:

  count       one outer packet per frame of ORIGINAL (four for `all`: frame i is outer packets
              4i .. 4i+3, in the order vxlan, erspan2, erspan3, gre-key)
  time        each outer packet at its frame's capture time, plus --delay-ms for all but the
              first frame
  outer       Ethernet 02:00:00:00:0e:01 -> 02:00:00:00:0e:02, the 802.1Q tag of --outer-vlan
              (and none without it), IPv4 or IPv6 (--ipv6) from the sender (--sender) to
              192.0.2.254 / 2001:db8::fe, TTL / hop limit 64, the IP protocol, the IPv4 header
              checksum good (-o ip.check_checksum:TRUE)
  UDP         (vxlan, geneve) destination port 4789 / --port / 6081, source port 49152 or
              above, UDP length = the IP payload's; checksum 0 over IPv4, good over IPv6
              (-o udp.check_checksum:TRUE; a record captured short cannot be verified)
  tunnel      vxlan: flags 0x0800 (I), vxlan.vni; geneve: version 0, protocol 0x6558,
              geneve.vni, options length; gre, gre-key: flags, protocol 0x6558, gre.key;
              erspan1: GRE protocol 0x88be without sequence number, an erspan layer without
              header; erspan2: erspan.version 1, erspan.vlan, .cos, .encap (En), .truncated,
              .spanid, .index, the GRE sequence number counting from 0; erspan3: version 2,
              vlan, cos, bso, truncated, spanid, erspan.timestamp = the frame's ORIGINAL time
              in the units of erspan.gra (mod 2**32; IEEE 1588: the nanoseconds of its
              second), ft 0 (Ethernet), o 0, the sequence number
  inner frame its eth.src and eth.dst equal those tshark reads in ORIGINAL (none when the
              frame is too short to hold them); its original length, worked out from the outer
              frame.len less the outer headers' lengths as tshark decodes them, and again from
              the IP length field, and its captured length (frame.cap_len less the headers)
              equal the original frame's, less the FCS when ORIGINAL's interface has one
              (wrap_tunnel.py strips it)

Exits 1 with the first mismatches, 0 with a one-line summary.

tshark 4.0 notes (found with `tshark -G fields` and `-T pdml`):
  - tshark prints a field once per occurrence, comma-separated (-E occurrence=a): eth.src of
    a wrapped frame is "OUTER,INNER"; ip, ipv6, udp and vlan fields likewise list the outer
    layer's first only when the outer packet has that layer (an inner IPv6 frame inside outer
    IPv4 puts its ipv6.* first), so which occurrence is the outer one follows frame.protocols.
  - VXLAN is dissected on UDP port 4789 only (4790 is VXLAN-GPE): another --port needs
    `-d udp.port==PORT,vxlan`, which this script adds.
  - Geneve (UDP 6081), GRE 0x6558 (to eth), ERSPAN 0x88BE and 0x22EB need no decode-as.
    ERSPAN type I (0x88BE, GRE S bit clear) is an `erspan` layer with no fields; tshark
    decides type I / II by the GRE S bit alone, type III by the protocol 0x22EB.
  - Geneve's header Opt Len is shown as geneve.option.length (the same name as each option's
    length), in octets: its first occurrence is the header's.
  - erspan.gra prints the code: 0 "100 microseconds", 1 "100 nanoseconds", 2 "IEEE 1588",
    3 "Custom granularity". gre.key prints as hex (0x00000005), vxlan.vni in decimal,
    geneve.vni in hex (0x000064); checksum status fields print the number (0 bad, 1 good,
    2 unverified, 3 not present).

Standard library only (scripts/pcapio.py for ORIGINAL's lengths, times and FCS length).
"""

import argparse
import ipaddress
import os
import subprocess
import sys
from pathlib import Path

sys.dont_write_bytecode = True  # no __pycache__ left in scripts/
sys.path.insert(0, str(Path(__file__).resolve().parent))
import pcapio  # noqa: E402  (the sibling module; the path above makes it importable)
import wrap_tunnel  # noqa: E402  (its options and their defaults; nothing it computes)

OUTER_SRC = "02:00:00:00:0e:01"
OUTER_DST = "02:00:00:00:0e:02"
RECEIVER = {4: "192.0.2.254", 6: "2001:db8::fe"}
GOOD, NOT_PRESENT = "1", "3"  # tshark 4.0's checksum status numbers
GRA_UNIT_NS = {0: 100_000, 1: 100}  # by Gra; 2 (IEEE 1588) is the nanoseconds of the second
MAX_SHOWN = 25
FIELDS = [
    "frame.number", "frame.time_epoch", "frame.len", "frame.cap_len", "frame.protocols",
    "eth.src", "eth.dst", "vlan.id",
    "ip.src", "ip.dst", "ip.len", "ip.hdr_len", "ip.ttl", "ip.proto", "ip.checksum.status",
    "ipv6.src", "ipv6.dst", "ipv6.plen", "ipv6.nxt", "ipv6.hlim",
    "udp.srcport", "udp.dstport", "udp.length", "udp.checksum", "udp.checksum.status",
    "vxlan.flags", "vxlan.vni",
    "geneve.version", "geneve.proto_type", "geneve.vni", "geneve.option.length",
    "gre.flags_and_version", "gre.proto", "gre.key", "gre.sequence_number",
    "erspan.version", "erspan.vlan", "erspan.cos", "erspan.encap", "erspan.bso", "erspan.truncated",
    "erspan.spanid", "erspan.index", "erspan.timestamp", "erspan.ft", "erspan.gra", "erspan.o",
]
# The layers between the outer IP layer and the inner eth, per kind, as frame.protocols names
# them ("ethertype" left out).
TUNNEL_LAYERS = {
    "vxlan": ["udp", "vxlan"],
    "geneve": ["udp", "geneve"],
    "gre": ["gre"],
    "gre-key": ["gre"],
    "erspan1": ["gre", "erspan"],
    "erspan2": ["gre", "erspan"],
    "erspan3": ["gre", "erspan"],
}
GRE_PROTO = {"gre": 0x6558, "gre-key": 0x6558, "erspan1": 0x88BE, "erspan2": 0x88BE, "erspan3": 0x22EB}
GRE_FLAGS = {"gre": 0, "gre-key": 0x2000, "erspan1": 0, "erspan2": 0x1000, "erspan3": 0x1000}


def parse_epoch_ns(text):
    """'1795314593.485745333' -> 1795314593485745333, without a float on the way."""
    whole, _, frac = text.partition(".")
    return int(whole) * 10**9 + int((frac + "000000000")[:9])


def tshark(path, fields, extra=(), occurrence="a"):
    cmd = ["tshark", "-r", str(path), "-n", *extra, "-T", "fields", "-E", "separator=/t",
           "-E", f"occurrence={occurrence}", "-E", "aggregator=,", "-E", "header=n"]
    for name in fields:
        cmd += ["-e", name]
    res = subprocess.run(cmd, capture_output=True, text=True, env=dict(os.environ, LC_ALL="C"))
    if res.returncode != 0:
        sys.exit(f"tshark failed on {path} ({res.returncode}):\n{res.stderr}")
    rows = []
    for line in res.stdout.splitlines():
        cols = line.split("\t")
        if len(cols) != len(fields):
            sys.exit(f"unexpected tshark line for {path}: {line!r}")
        rows.append({name: [v for v in col.split(",") if v != ""] for name, col in zip(fields, cols)})
    return rows


def original_frames(path):
    """Per frame of ORIGINAL: (time ns, captured length, original length) without the FCS,
    and the MAC addresses tshark reads in it (None when it reads none)."""
    interfaces, packets = pcapio.read_capture(path)
    lengths = []
    for p in packets:
        fcs = interfaces[p.interface].fcslen or 0
        origlen = max(0, p.origlen - fcs)
        lengths.append((p.ts_ns, min(p.caplen, origlen), origlen))
    macs = tshark(path, ["eth.src", "eth.dst"], occurrence="f")
    if len(macs) != len(lengths):
        sys.exit(f"{path}: tshark reads {len(macs)} frames, pcapio {len(lengths)}")
    frames = []
    for (ts, caplen, origlen), row in zip(lengths, macs):
        src = row["eth.src"][0].lower() if row["eth.src"] else None
        dst = row["eth.dst"][0].lower() if row["eth.dst"] else None
        frames.append((ts, caplen, origlen, src, dst))
    return frames


def number(text):
    """A tshark number: decimal, or hex with 0x; None for a field tshark did not print."""
    return None if text is None else int(text, 0)


def hexed(value):
    """A 16-bit field as 0x%04x, for messages that show flags and protocol types as the
    headers write them."""
    value = number(value) if isinstance(value, str) else value
    return None if value is None else f"{value:#06x}"


class Checker:
    def __init__(self, outer_version, sender, outer_vlan, delay_ns):
        self.version = outer_version
        self.sender = ipaddress.ip_address(sender)
        self.receiver = ipaddress.ip_address(RECEIVER[outer_version])
        self.outer_vlan = outer_vlan
        self.delay_ns = delay_ns
        self.sequence = {}  # kind -> next expected GRE sequence number
        self.problems = []

    def check(self, row, kind, settings, n, frame):
        """Appends to self.problems what is wrong with outer packet `row` carrying frame n."""
        number_ = row["frame.number"][0]
        problems = []

        def want(what, got, expected):
            if got != expected:
                problems.append(f"{what} is {got!r}, expected {expected!r}")

        def first(field):
            values = row[field]
            return values[0] if values else None

        ts, caplen, origlen, src, dst = frame
        want("time (ns)", parse_epoch_ns(first("frame.time_epoch")), ts + (self.delay_ns if n else 0))

        # The outer stack: eth [vlan] ip|ipv6, then the tunnel's layers, then the inner eth.
        layers = [x for x in first("frame.protocols").split(":") if x != "ethertype"]
        outer_ip = "ip" if self.version == 4 else "ipv6"
        stack = ["eth"] + (["vlan"] if self.outer_vlan is not None else []) + [outer_ip] + TUNNEL_LAYERS[kind]
        want("protocol stack", layers[: len(stack) + 1], stack + ["eth"])
        if problems:  # nothing below can be read right
            self.problems.append(f"packet {number_} (frame {n + 1} of the original, {kind}): " + "; ".join(problems))
            return

        want("outer eth.src", row["eth.src"][0].lower(), OUTER_SRC)
        want("outer eth.dst", row["eth.dst"][0].lower(), OUTER_DST)
        l2 = 14
        if self.outer_vlan is not None:
            want("outer vlan.id", number(row["vlan.id"][0]), self.outer_vlan)
            l2 += 4

        udp = kind in ("vxlan", "geneve")
        protocol = 17 if udp else 47
        if self.version == 4:
            want("ip.src", ipaddress.ip_address(first("ip.src")), self.sender)
            want("ip.dst", ipaddress.ip_address(first("ip.dst")), self.receiver)
            want("ip.ttl", number(first("ip.ttl")), 64)
            want("ip.proto", number(first("ip.proto")), protocol)
            want("ip.checksum.status", first("ip.checksum.status"), GOOD)
            l3 = number(first("ip.hdr_len"))
            ip_payload = number(first("ip.len")) - l3
        else:
            want("ipv6.src", ipaddress.ip_address(first("ipv6.src")), self.sender)
            want("ipv6.dst", ipaddress.ip_address(first("ipv6.dst")), self.receiver)
            want("ipv6.hlim", number(first("ipv6.hlim")), 64)
            want("ipv6.nxt", number(first("ipv6.nxt")), protocol)
            l3 = 40
            ip_payload = number(first("ipv6.plen"))

        if udp:
            port = settings["port"] if kind == "vxlan" else wrap_tunnel.GENEVE_PORT
            want("udp.dstport", number(first("udp.dstport")), port)
            if number(first("udp.srcport")) < 49152:
                problems.append(f"udp.srcport {first('udp.srcport')} is below 49152")
            want("udp.length", number(first("udp.length")), ip_payload)
            if self.version == 4:
                want("udp.checksum", number(first("udp.checksum")), 0)
            elif caplen == origlen:
                want("udp.checksum.status", first("udp.checksum.status"), GOOD)
            tunnel = 8
            if kind == "vxlan":
                want("vxlan.flags", hexed(first("vxlan.flags")), "0x0800")
                want("vxlan.vni", number(first("vxlan.vni")), settings["vni"])
                tunnel += 8
            else:
                want("geneve.version", number(first("geneve.version")), 0)
                want("geneve.proto_type", hexed(first("geneve.proto_type")), "0x6558")
                want("geneve.vni", number(first("geneve.vni")), settings["vni"])
                # The header's Opt Len, in octets, is the first geneve.option.length.
                options = number(first("geneve.option.length"))
                want("geneve options length", options, 4 * settings["geneve_options"])
                tunnel += 8 + options
        else:
            flags = number(first("gre.flags_and_version"))
            want("gre.flags_and_version", hexed(flags), hexed(GRE_FLAGS[kind]))
            want("gre.proto", hexed(first("gre.proto")), hexed(GRE_PROTO[kind]))
            # Optional GRE fields (RFC 2890): checksum + reserved, key, sequence number.
            tunnel = 4 + sum(4 for bit in (0x8000, 0x2000, 0x1000) if flags & bit)
            if kind == "gre-key":
                want("gre.key", number(first("gre.key")), settings["key"])
            if flags & 0x1000:
                expected = self.sequence.get(kind, 0)
                want("gre.sequence_number", number(first("gre.sequence_number")), expected)
                self.sequence[kind] = expected + 1
            version = first("erspan.version")
            if kind == "erspan1":
                want("erspan.version (type I has no header)", version, None)
            elif kind in ("erspan2", "erspan3"):
                want("erspan.version", number(version), 1 if kind == "erspan2" else 2)
                want("erspan.vlan", number(first("erspan.vlan")), settings["vlan"])
                want("erspan.cos", number(first("erspan.cos")), settings["cos"])
                want("erspan.truncated", number(first("erspan.truncated")), 0)
                want("erspan.spanid", number(first("erspan.spanid")), settings["session"])
                if kind == "erspan2":
                    want("erspan.encap", number(first("erspan.encap")), settings["en"])
                    want("erspan.index", number(first("erspan.index")), 0)
                    tunnel += 8
                else:
                    gra = settings["gra"]
                    want("erspan.bso", number(first("erspan.bso")), 0)
                    want("erspan.ft", number(first("erspan.ft")), 0)
                    want("erspan.gra", number(first("erspan.gra")), gra)
                    want("erspan.o", number(first("erspan.o")), 0)
                    stamp = ts % 1_000_000_000 if gra == 2 else ts // GRA_UNIT_NS[gra] % 2**32
                    want("erspan.timestamp", number(first("erspan.timestamp")), stamp)
                    tunnel += 12

        # The inner frame: addresses as tshark reads them in ORIGINAL, and its lengths.
        inner_src = row["eth.src"][1].lower() if len(row["eth.src"]) > 1 else None
        inner_dst = row["eth.dst"][1].lower() if len(row["eth.dst"]) > 1 else None
        want("inner eth.src", inner_src, src)
        want("inner eth.dst", inner_dst, dst)
        headers = l2 + l3 + tunnel
        want("inner length (frame.len less the outer headers)", number(first("frame.len")) - headers, origlen)
        want("inner length (IP payload less the tunnel headers)", ip_payload - tunnel, origlen)
        want("inner captured length", number(first("frame.cap_len")) - headers, caplen)
        if problems:
            self.problems.append(f"packet {number_} (frame {n + 1} of the original, {kind}): " + "; ".join(problems))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("original")
    ap.add_argument("wrapped")
    wrap_tunnel.add_options(ap)
    args = ap.parse_args()
    settings, version, sender, delay_ns = wrap_tunnel.resolve(args, ap.error)
    if args.kind == "all":
        plan = [(kind, dict(settings, **fixed)) for kind, fixed in wrap_tunnel.ALL]
    else:
        plan = [(args.kind, settings)]

    try:
        frames = original_frames(args.original)
    except (OSError, pcapio.CaptureError) as e:
        sys.exit(f"check_wrapped.py: {e}")
    extra = ["-o", "ip.check_checksum:TRUE", "-o", "udp.check_checksum:TRUE"]
    port = settings["port"]
    if args.kind == "vxlan" and port != wrap_tunnel.VXLAN_PORT:
        extra += ["-d", f"udp.port=={port},vxlan"]  # tshark knows VXLAN on 4789 only
    rows = tshark(args.wrapped, FIELDS, extra)

    checker = Checker(version, sender, args.outer_vlan, delay_ns)
    if len(rows) != len(plan) * len(frames):
        checker.problems.append(
            f"{args.wrapped} has {len(rows)} packets, expected {len(plan)} x {len(frames)} frames of {args.original}")
    for j, row in enumerate(rows[: len(plan) * len(frames)]):
        n, k = divmod(j, len(plan))
        kind, kind_settings = plan[k]
        checker.check(row, kind, kind_settings, n, frames[n])

    what = f"{args.kind} over IPv{version}" + (f", outer VLAN {args.outer_vlan}" if args.outer_vlan is not None else "")
    if checker.problems:
        for line in checker.problems[:MAX_SHOWN]:
            print(line)
        if len(checker.problems) > MAX_SHOWN:
            print(f"... and {len(checker.problems) - MAX_SHOWN} more")
        print(f"MISMATCH: {len(checker.problems)} packet(s) of {args.wrapped} ({what}) are not what tshark should read")
        sys.exit(1)
    print(f"{args.wrapped}: {len(frames)} frames of {args.original} in {len(rows)} outer packets ({what}), "
          "all as tshark reads them")


if __name__ == "__main__":
    main()
