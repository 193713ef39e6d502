#!/usr/bin/env python3
"""Writes a hand-built capture of TCP handshakes and timestamp echoes, with its ground truth.

    make_handshake_capture.py OUT.pcap [--factor F]

The passive TCP latency figures (issue 19) of a capture are known here by construction, not
worked out: each scenario below says, as it builds its frames, which handshake it makes, which
delays, which RTT samples. OUT.pcap is a classic pcap with nanosecond timestamps (Ethernet,
IPv4 and IPv6, correct IP, TCP, UDP and ICMP checksums); OUT.truth.json beside it holds the
tcpLatencyServerTable and tcpLatencyPairTable that scripts/expected_latency_from_tshark.py
must print for it. --factor F writes the truth for a copy stretched xF by
scripts/stretch_time.py instead (the capture itself is the same): every delay is F times as
long, and the 10-second rules are applied to the stretched times.

The capture spans 25 s from its first frame (UDP chatter every second keeps the clock going):
  A  10.0.0.1 -> 10.0.1.1:80 with timestamps; the server's ISN is 2**32 - 1, so the client's
     ACK acknowledges 0; sub-microsecond delays (floored); a TSval on two data segments (its
     first sighting counts: the last would give a new minimum), echoes sent twice (the first
     counts); more data at 13 s, ms delays; at 14 s the server echoes a pure ACK's TSval
     (not recorded: no sample)
  B  10.0.0.2 -> 10.0.1.1:80 without the timestamp option: delays, no RTT sample
  C  10.0.0.1 -> 10.0.1.1:80 (second connection of the pair): a SYN/ACK acknowledging the
     wrong number comes first and is ignored; closed with FINs (echoed: samples); after the
     last ACK a stray data segment and its echo count nowhere (the connection is forgotten)
  D  [2001:db8::1] -> [2001:db8:0:1::80]:8080 with timestamps; a TSval of 0, then a TSecr
     of 0 (no echo); the client's last TSval is echoed at 4 s only in an ICMPv6 Packet Too
     Big quoting a server segment, which is no segment; the client sends that TSval again at
     11 s, over 10 s after its record: recorded afresh, then echoed
  E  10.0.0.2 -> 10.0.1.2:22: SYN retransmitted (same ISN, new TSval): handshakesRetransmitted;
     its RTT samples still count (the SYN/ACK echoes the second SYN's TSval)
  F  10.0.0.1 -> 10.0.1.1:443: SYN/ACK retransmitted: handshakesRetransmitted
  G  10.0.0.2 -> 10.0.1.3:25: RST/ACK answers the SYN: refused
  H  10.0.0.1 -> 10.0.1.4:3306 at 1 s: SYN sent three times in 3 ms, never answered:
     unanswered once (at 11 s); the same SYN again at 12.5 s changes nothing
  J  [2001:db8::1] -> [2001:db8:0:1::80]:8080 at 2 s: SYN/ACK exactly 10 s after the SYN, too
     late: unanswered; its echo of the SYN's TSval is 10 s old, no sample; the client's ACK
     echoing the SYN/ACK's TSval is a client-side sample
  K  10.0.0.1 -> 10.0.1.1:80 at 5 s: a SYN, then 4 ms later a SYN with another ISN on the
     same ports (port reuse) which completes: one handshake, the first attempt counts nowhere;
     both SYNs carry the same TSval, and the echo measures from the second
  N  10.0.0.3 -> 10.0.1.1:8443: SYN, SYN/ACK, then the client's RST/ACK: counts nowhere;
     again 1 ms later from another port, the server's RST/ACK after its SYN/ACK: not refused
  P  10.0.0.3 -> 10.0.1.8:8000: SYN, SYN/ACK, the client's ACK exactly 10 s after the SYN:
     too late, counts nowhere
  R  10.0.0.3 -> 10.0.1.9:9000: the SYN/ACK stamped 30 us before the SYN that precedes it in
     the file: the clock does not go back, server delay 0
  S  10.0.0.3:7000 -> 10.0.1.10:7001 refused at 9 s, then 10.0.1.10:7001 -> 10.0.0.3:7000 at
     9.5 s, a handshake: the latest SYN decides who is the server
  L  10.0.0.2 -> 10.0.1.6:110 at 15 s: SYN exactly 10 s before the capture's end: unanswered
     at the end
  M  10.0.0.2 -> 10.0.1.5:5432 at 22 s: SYN 3 s before the end: neither (pending); stretched
     x1000 it is 3000 s before the end: unanswered
  Q  10.0.0.7:45000 <-> 10.0.1.7:46000 began before the capture (no SYN, no SYN/ACK): its
     timestamp echoes count nowhere, and it has no rows
  Z  an ICMP Destination Unreachable at 0.05 s quoting a SYN from 10.0.0.9 to 10.0.9.9:80:
     no segment (else an unanswered SYN and rows)
Every handshake and sample lasts under 10 ms, so stretched x1000 they stay under 10 s.
"""

import argparse
import ipaddress
import json
import struct
import sys
from pathlib import Path

sys.dont_write_bytecode = True  # no __pycache__ left in scripts/
sys.path.insert(0, str(Path(__file__).resolve().parent))
import pcapio  # noqa: E402  (the sibling module; the path above makes it importable)

BASE_NS = 1_700_000_000 * 10**9  # the first frame's time
END_NS = 25 * 10**9  # the last frame's, from the first
TIMEOUT_NS = 10 * 10**9
FIN, SYN, RST, PSH, ACK = 0x01, 0x02, 0x04, 0x08, 0x10


def us(n):
    return n * 1000


def ms(n):
    return n * 10**6


def s(n):
    return n * 10**9


# ---------------------------------------------------------------------------------------------
# Headers
# ---------------------------------------------------------------------------------------------
def checksum(data):
    """The Internet checksum (RFC 1071)."""
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def mac_of(address):
    """A locally administered MAC address made from the IP address's last four bytes."""
    return b"\x02\x00" + ipaddress.ip_address(address).packed[-4:]


def ethernet(src, dst, ethertype, payload):
    frame = mac_of(dst) + mac_of(src) + struct.pack("!H", ethertype) + payload
    return frame + b"\0" * max(0, 60 - len(frame))  # padded as a NIC sends it


def pseudo_header(src, dst, proto, length):
    a, b = ipaddress.ip_address(src), ipaddress.ip_address(dst)
    if a.version == 4:
        return a.packed + b.packed + struct.pack("!BBH", 0, proto, length)
    return a.packed + b.packed + struct.pack("!IxxxB", length, proto)


def ip_packet(src, dst, proto, payload, ident=0):
    """IPv4 (DF, TTL 64) or IPv6 (hop limit 64), by the addresses' version."""
    a, b = ipaddress.ip_address(src), ipaddress.ip_address(dst)
    if a.version == 4:
        head = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), ident, 0x4000, 64, proto, 0,
                           a.packed, b.packed)
        head = head[:10] + struct.pack("!H", checksum(head)) + head[12:]
        return head + payload
    return struct.pack("!IHBB16s16s", 6 << 28, len(payload), proto, 64, a.packed, b.packed) + payload


def frame_of(src, dst, proto, payload, ident=0):
    ethertype = 0x0800 if ipaddress.ip_address(src).version == 4 else 0x86DD
    return ethernet(src, dst, ethertype, ip_packet(src, dst, proto, payload, ident))


def tcp_options(syn, ts):
    """SYN: MSS 1460, SACK permitted, timestamps, window scale 7; else NOP NOP timestamps."""
    if syn:
        out = struct.pack("!BBH", 2, 4, 1460) + b"\x04\x02"
        out += struct.pack("!BBII", 8, 10, *ts) if ts else b"\x01\x01"
        return out + b"\x01\x03\x03\x07"
    return b"\x01\x01" + struct.pack("!BBII", 8, 10, *ts) if ts else b""


def tcp_segment(src, dst, sport, dport, seq, ack, flags, ts=None, payload=b""):
    options = tcp_options(flags & SYN, ts)
    head = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, (20 + len(options)) // 4 << 4, flags,
                       64240, 0, 0) + options
    total = checksum(pseudo_header(src, dst, 6, len(head) + len(payload)) + head + payload)
    return head[:16] + struct.pack("!H", total) + head[18:] + payload


def udp_datagram(src, dst, sport, dport, payload):
    head = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0)
    total = checksum(pseudo_header(src, dst, 17, len(head) + len(payload)) + head + payload) or 0xFFFF
    return head[:6] + struct.pack("!H", total) + payload


def icmp_error(src, dst, icmp_type, code, rest, quoted):
    """ICMP or ICMPv6 error (by version) quoting the start of an IP packet."""
    if ipaddress.ip_address(src).version == 4:
        body = struct.pack("!BBH4s", icmp_type, code, 0, rest) + quoted
        return frame_of(src, dst, 1, body[:2] + struct.pack("!H", checksum(body)) + body[4:])
    body = struct.pack("!BBH4s", icmp_type, code, 0, rest) + quoted
    total = checksum(pseudo_header(src, dst, 58, len(body)) + body)
    return frame_of(src, dst, 58, body[:2] + struct.pack("!H", total) + body[4:])


# ---------------------------------------------------------------------------------------------
# The capture and its truth
# ---------------------------------------------------------------------------------------------
class Capture:
    def __init__(self):
        self.frames = []  # (place in time, ns stamped, bytes); times from the first frame

    def add(self, t, frame, stamp=None):
        """A frame at time t in the file's order, stamped t unless stamp says otherwise."""
        self.frames.append((t, t if stamp is None else stamp, frame))

    def packets(self):
        ordered = sorted(self.frames, key=lambda f: f[0])  # stable: same time keeps build order
        return [pcapio.Packet(0, BASE_NS + stamp, len(f), len(f), f) for _, stamp, f in ordered]


class Truth:
    """What each scenario says it built, turned into the expected tables for a stretch factor."""

    def __init__(self):
        self.rows = set()  # (client, server, port)
        self.events = []  # (kind, (client, server, port), times...)

    def row(self, conn):
        self.rows.add(conn.key)

    def handshake(self, conn, syn, synack, ack):
        self.events.append(("handshake", conn.key, syn, synack, ack))

    def count(self, conn, name, syn, last):
        """An attempt that ends as name (handshakesRetransmitted, refused), SYN to last frame."""
        self.events.append((name, conn.key, syn, last))

    def unanswered_unless_pending(self, conn, syn):
        """A SYN never answered in time: unanswered once the capture's end is 10 s past it."""
        self.events.append(("unanswered?", conn.key, syn))

    def sample(self, conn, side, sent, echoed):
        """An RTT sample: side "server" (client's TSval echoed by the server) or "client"."""
        self.events.append((side + "Rtt", conn.key, sent, echoed))

    def tables(self, factor):
        figures = {}

        def rows(key):
            client, server, port = key
            for k in ((server, port), key):
                yield figures.setdefault(k, {"counts": {"handshakes": 0, "handshakesRetransmitted": 0,
                                                        "refused": 0, "unanswered": 0},
                                             "serverDelay": [], "clientDelay": [], "serverRtt": [],
                                             "clientRtt": []})

        for key in self.rows:
            list(rows(key))
        for kind, key, *times in self.events:
            t = [x * factor for x in times]  # the stretched times, from the first frame
            if kind == "handshake":
                syn, synack, ack = t
                assert ack - syn < TIMEOUT_NS, f"handshake {key} lasts 10 s or more at x{factor}"
                for r in rows(key):
                    r["counts"]["handshakes"] += 1
                    r["serverDelay"].append((synack - syn) // 1000)
                    r["clientDelay"].append((ack - synack) // 1000)
            elif kind in ("handshakesRetransmitted", "refused"):
                assert t[1] - t[0] < TIMEOUT_NS, f"{kind} {key} lasts 10 s or more at x{factor}"
                for r in rows(key):
                    r["counts"][kind] += 1
            elif kind == "unanswered?":
                if END_NS * factor - t[0] >= TIMEOUT_NS:
                    for r in rows(key):
                        r["counts"]["unanswered"] += 1
            else:
                sent, echoed = t
                assert echoed - sent < TIMEOUT_NS, f"sample {key} lasts 10 s or more at x{factor}"
                for r in rows(key):
                    r[kind].append((echoed - sent) // 1000)

        def as_json(r):
            out = dict(r["counts"])
            for name in ("serverDelay", "clientDelay"):
                out[f"{name}MinUs"] = min(r[name], default=None)
                out[f"{name}MaxUs"] = max(r[name], default=None)
            for name, values in (("rtt", r["serverRtt"] + r["clientRtt"]), ("serverRtt", r["serverRtt"]),
                                 ("clientRtt", r["clientRtt"])):
                out[f"{name}Samples"] = len(values)
                out[f"{name}MinUs"] = min(values, default=None)
                out[f"{name}MaxUs"] = max(values, default=None)
            return out

        def address_key(text):
            a = ipaddress.ip_address(text)
            return (a.version, a.packed)

        servers = sorted((k for k in figures if len(k) == 2), key=lambda k: (address_key(k[0]), k[1]))
        pairs = sorted((k for k in figures if len(k) == 3),
                       key=lambda k: (address_key(k[0]), address_key(k[1]), k[2]))
        return {
            "tcpLatencyServerTable": [{"serverAddress": a, "serverPort": p, **as_json(figures[(a, p)])}
                                      for a, p in servers],
            "tcpLatencyPairTable": [{"clientAddress": c, "serverAddress": a, "serverPort": p,
                                     **as_json(figures[(c, a, p)])} for c, a, p in pairs],
        }


class Connection:
    """One TCP connection's frames; sequence numbers follow the payloads sent."""

    def __init__(self, capture, client, cport, server, sport, client_isn, server_isn):
        self.capture = capture
        self.client, self.cport, self.server, self.sport = client, cport, server, sport
        self.key = (ipaddress.ip_address(client).compressed, ipaddress.ip_address(server).compressed, sport)
        self.client_isn, self.server_isn = client_isn, server_isn
        self.client_next = (client_isn + 1) % 2**32
        self.server_next = (server_isn + 1) % 2**32

    def from_client(self, t, flags, ts=None, payload=b"", seq=None, ack=None):
        seq = self.client_next if seq is None else seq
        ack = self.server_next if ack is None else ack
        seg = tcp_segment(self.client, self.server, self.cport, self.sport, seq, ack, flags, ts, payload)
        self.capture.add(t, frame_of(self.client, self.server, 6, seg))
        if not flags & SYN:
            self.client_next = (seq + len(payload) + (flags & FIN)) % 2**32
        return t

    def from_server(self, t, flags, ts=None, payload=b"", seq=None, ack=None, stamp=None):
        seq = self.server_next if seq is None else seq
        ack = self.client_next if ack is None else ack
        seg = tcp_segment(self.server, self.client, self.sport, self.cport, seq, ack, flags, ts, payload)
        self.capture.add(t, frame_of(self.server, self.client, 6, seg), stamp)
        if not flags & SYN:
            self.server_next = (seq + len(payload) + (flags & FIN)) % 2**32
        return t

    def syn(self, t, ts=None):
        return self.from_client(t, SYN, ts, seq=self.client_isn, ack=0)

    def synack(self, t, ts=None, ack=None, stamp=None):
        return self.from_server(t, SYN | ACK, ts, seq=self.server_isn, ack=ack, stamp=stamp)

    def server_packet(self, flags, ts=None, payload=b""):
        """A server->client segment's IP packet, not captured: for a router to quote."""
        seg = tcp_segment(self.server, self.client, self.sport, self.cport, self.server_next, self.client_next,
                          flags, ts, payload)
        return ip_packet(self.server, self.client, 6, seg)


def build():
    cap, truth = Capture(), Truth()
    c1, c2, c6 = "10.0.0.1", "10.0.0.2", "2001:db8::1"
    s1, s6 = "10.0.1.1", "2001:db8:0:1:0:0:0:80"
    request, reply = b"GET / HTTP/1.1\r\nHost: lab\r\n\r\n", b"x" * 1000

    # Chatter: the first and last frames, and one every second in between.
    for t in [0] + [ms(250) + s(k) for k in range(25)] + [END_NS]:
        cap.add(t, frame_of("10.0.0.50", "10.0.0.51", 17, udp_datagram("10.0.0.50", "10.0.0.51", 40000, 40001,
                                                                        b"chatter")))

    # Z: a router's ICMP error quoting a SYN (its IP header and TCP header with options).
    quoted = ip_packet("10.0.0.9", "10.0.9.9", 6, tcp_segment("10.0.0.9", "10.0.9.9", 40000, 80, 77, 0, SYN,
                                                              (123, 0)))
    cap.add(ms(50), icmp_error("10.0.0.254", "10.0.0.9", 3, 13, b"\0\0\0\0", quoted))

    # A: timestamps, server ISN 2**32 - 1, sub-microsecond delays. The client delay, the
    # smallest of the server's, is 80.999 us: 81 us if the stamps were cut to microseconds.
    a = Connection(cap, c1, 50001, s1, 80, 1_000_000, 2**32 - 1)
    truth.row(a)
    t0 = ms(100)
    syn = a.syn(t0, (1000, 0))
    synack = a.synack(t0 + 150_321, (5000, 1000))
    ack = a.from_client(synack + 80_999, ACK, (1001, 5000))
    truth.handshake(a, syn, synack, ack)
    truth.sample(a, "server", syn, synack)
    truth.sample(a, "client", synack, ack)
    # The ACK's TSval 1001 is a pure ACK's: not recorded. The request goes in two segments with
    # one TSval, 1002: the first sighting counts (the last would make a new minimum).
    first = a.from_client(t0 + us(300), ACK, (1002, 5000), request[:10])  # 5000 echoed again: nothing
    a.from_client(t0 + us(450), PSH | ACK, (1002, 5000), request[10:])
    data = a.from_server(t0 + us(500), ACK, (5001, 1002), reply)
    truth.sample(a, "server", first, data)
    a.from_server(t0 + us(500) + 500, PSH | ACK, (5001, 1002), reply)  # both repeated: nothing
    echo = a.from_client(t0 + us(700), ACK, (1003, 5001))
    truth.sample(a, "client", data, echo)
    a.from_client(t0 + us(700) + 900, ACK, (1003, 5001))  # echo repeated: nothing
    sent = a.from_client(s(13), PSH | ACK, (13000, 5001), request)  # 5001 echoed again: nothing
    back = a.from_server(sent + 1_234_567, PSH | ACK, (17000, 13000), reply)
    truth.sample(a, "server", sent, back)
    last = a.from_client(back + 2_000_001, ACK, (13001, 17000))
    truth.sample(a, "client", back, last)
    # A second later the server pushes more, echoing 13001, the pure ACK's TSval: no sample
    # (it would be a second long); the client's ACK of it is one.
    push = a.from_server(s(14), PSH | ACK, (18000, 13001), reply)
    truth.sample(a, "client", push, a.from_client(push + us(100), ACK, (14000, 18000)))

    # B: no timestamp option.
    b = Connection(cap, c2, 50002, s1, 80, 7_000_000, 8_000_000)
    truth.row(b)
    t0 = ms(200)
    syn = b.syn(t0)
    synack = b.synack(t0 + us(90))
    ack = b.from_client(synack + 95_500, ACK)
    truth.handshake(b, syn, synack, ack)
    b.from_client(ack + us(10), PSH | ACK, payload=request)
    b.from_server(ack + us(200), PSH | ACK, payload=reply)
    b.from_client(ack + us(260), ACK)

    # C: a SYN/ACK acknowledging the wrong number (and without timestamps) comes first.
    c = Connection(cap, c1, 50003, s1, 80, 3_000_000_000, 4_000_000_000)
    truth.row(c)
    t0 = ms(300)
    syn = c.syn(t0, (2000, 0))
    c.synack(t0 + us(50), ack=(c.client_isn + 7) % 2**32)
    synack = c.synack(t0 + us(210), (6001, 2000))
    ack = c.from_client(synack + us(1000), ACK, (2001, 6001))
    truth.handshake(c, syn, synack, ack)
    truth.sample(c, "server", syn, synack)
    truth.sample(c, "client", synack, ack)
    # The close: a FIN without payload is acknowledged, so its TSval counts.
    fin = c.from_client(t0 + ms(3), FIN | ACK, (2002, 6001))
    fin_back = c.from_server(fin + us(150), FIN | ACK, (6002, 2002))
    truth.sample(c, "server", fin, fin_back)
    last_ack = c.from_client(fin_back + us(20), ACK, (2003, 6002))
    truth.sample(c, "client", fin_back, last_ack)
    # Closed: a stray server segment with data, and the client's echo of it, count nowhere.
    stray = c.from_server(last_ack + us(500), PSH | ACK, (6003, 2003), reply)
    c.from_client(stray + us(30), ACK, (2004, 6003))

    # D: IPv6; a TSval of 0 answered by a TSecr of 0, which is no echo.
    d = Connection(cap, c6, 50004, s6, 8080, 11, 22)
    truth.row(d)
    t0 = ms(400)
    syn = d.syn(t0, (700000, 0))
    synack = d.synack(t0 + 333_333, (900000, 700000))
    ack = d.from_client(synack + 444_444, ACK, (700001, 900000))
    truth.handshake(d, syn, synack, ack)
    truth.sample(d, "server", syn, synack)
    truth.sample(d, "client", synack, ack)
    d.from_client(t0 + ms(1), PSH | ACK, (0, 900000), request)  # 900000 echoed again: nothing
    data = d.from_server(t0 + us(1200), PSH | ACK, (900001, 0), reply)  # TSecr 0: no echo of TSval 0
    echo = d.from_client(t0 + us(1300), PSH | ACK, (700002, 900001), request)
    truth.sample(d, "client", data, echo)
    # A router on the way back quotes a server segment echoing 700002: not a segment.
    quoted = d.server_packet(ACK, (900002, 700002))
    cap.add(s(4), icmp_error("2001:db8::fe", c6, 2, 0, struct.pack("!I", 1280), quoted))
    # The client's TSval clock stands still: 700002 again 10.6 s after it was recorded, a record
    # too old to echo, so recorded afresh; the server's echo measures from this sighting.
    again = d.from_client(s(11), PSH | ACK, (700002, 900001), request)
    echo = d.from_server(again + us(300), ACK, (900002, 700002))
    truth.sample(d, "server", again, echo)

    # E: the SYN retransmitted with a new TSval; the SYN/ACK echoes the second one.
    e = Connection(cap, c2, 50005, "10.0.1.2", 22, 123_456, 654_321)
    truth.row(e)
    t0 = ms(500)
    first = e.syn(t0, (3000, 0))
    again = e.syn(t0 + ms(2), (3002, 0))
    synack = e.synack(t0 + us(2300), (8000, 3002))
    ack = e.from_client(t0 + us(2400), ACK, (3003, 8000))
    truth.count(e, "handshakesRetransmitted", first, ack)
    truth.sample(e, "server", again, synack)
    truth.sample(e, "client", synack, ack)

    # F: the SYN/ACK retransmitted (the first one lost beyond the probe); the client's ACK
    # echoes the second one's TSval.
    f = Connection(cap, c1, 50006, s1, 443, 99, 2**31)
    truth.row(f)
    t0 = ms(600)
    syn = f.syn(t0, (4000, 0))
    first = f.synack(t0 + us(200), (9000, 4000))
    again = f.synack(t0 + us(5200), (9005, 4000))  # 4000 echoed again: nothing
    ack = f.from_client(t0 + us(5300), ACK, (4005, 9005))
    truth.count(f, "handshakesRetransmitted", syn, ack)
    truth.sample(f, "server", syn, first)
    truth.sample(f, "client", again, ack)

    # G: refused.
    g = Connection(cap, c2, 50007, "10.0.1.3", 25, 5_555, 0)
    truth.row(g)
    t0 = ms(700)
    syn = g.syn(t0, (5000, 0))
    rst = g.from_server(t0 + us(150), RST | ACK, seq=0)
    truth.count(g, "refused", syn, rst)

    # H: never answered; sent three times within 3 ms, then once more at 12.5 s, after its 10 s:
    # the same attempt, over, not a new one (which would be unanswered too by the end).
    h = Connection(cap, c1, 50008, "10.0.1.4", 3306, 42, 0)
    truth.row(h)
    syn = h.syn(s(1), (6000, 0))
    h.syn(s(1) + ms(1), (6001, 0))
    h.syn(s(1) + ms(3), (6003, 0))
    h.syn(s(12) + ms(500), (21000, 0))
    truth.unanswered_unless_pending(h, syn)

    # J: the SYN/ACK comes exactly 10 s after the SYN.
    j = Connection(cap, c6, 50009, s6, 8080, 1_111, 2_222)
    truth.row(j)
    syn = j.syn(s(2), (710000, 0))
    late = j.synack(s(12), (910000, 710000))  # 10 s after the TSval: no sample
    ack = j.from_client(late + us(250), ACK, (710001, 910000))
    truth.unanswered_unless_pending(j, syn)
    truth.sample(j, "client", late, ack)

    # K: port reuse: a second SYN with another ISN 4 ms after the first, then a handshake.
    # Its TSval is the first SYN's (Linux's TSval clock is per address pair, in coarse ticks):
    # the new attempt forgot the old record, so the echo is of the second SYN.
    k = Connection(cap, c1, 50012, s1, 80, 500, 600)
    truth.row(k)
    k.syn(s(5), (30000, 0))
    k2 = Connection(cap, c1, 50012, s1, 80, 90_000, 600)
    syn = k2.syn(s(5) + ms(4), (30000, 0))
    synack = k2.synack(syn + us(100), (80000, 30000))
    ack = k2.from_client(synack + us(150), ACK, (30001, 80000))
    truth.handshake(k2, syn, synack, ack)
    truth.sample(k2, "server", syn, synack)
    truth.sample(k2, "client", synack, ack)

    # N: the client answers the SYN/ACK with RST/ACK (a half-open scan): no handshake.
    n = Connection(cap, "10.0.0.3", 50013, s1, 8443, 700, 800)
    truth.row(n)
    n.syn(s(6))
    n.synack(s(6) + us(100))
    n.from_client(s(6) + us(150), RST | ACK)

    # N2: the server resets after its SYN/ACK: not refused (that is a RST instead of a SYN/ACK).
    n2 = Connection(cap, "10.0.0.3", 50016, s1, 8443, 710, 810)
    truth.row(n2)
    n2.syn(s(6) + ms(1))
    n2.synack(s(6) + ms(1) + us(100))
    n2.from_server(s(6) + ms(1) + us(200), RST | ACK)

    # P: the SYN/ACK in time, the client's ACK exactly 10 s after the SYN: too late, no handshake.
    pp = Connection(cap, "10.0.0.3", 50014, "10.0.1.8", 8000, 900, 1000)
    truth.row(pp)
    pp.syn(s(7))
    pp.synack(s(7) + us(100))
    pp.from_client(s(17), ACK)

    # R: the SYN/ACK is stamped 30 us before the SYN before it in the file (another queue's
    # clock): it happens when the SYN did, so the server delay is 0.
    r = Connection(cap, "10.0.0.3", 50015, "10.0.1.9", 9000, 1100, 1200)
    truth.row(r)
    syn = r.syn(s(8))
    r.synack(s(8) + 1, stamp=s(8) - us(30))
    ack = r.from_client(s(8) + us(100), ACK)
    truth.handshake(r, syn, syn, ack)

    # S: the roles change: 10.0.1.10:7001 refuses 10.0.0.3:7000, then connects to it.
    sa = Connection(cap, "10.0.0.3", 7000, "10.0.1.10", 7001, 1300, 0)
    truth.row(sa)
    syn = sa.syn(s(9), (50000, 0))
    truth.count(sa, "refused", syn, sa.from_server(s(9) + us(60), RST | ACK, seq=0))
    sb = Connection(cap, "10.0.1.10", 7001, "10.0.0.3", 7000, 1400, 1500)
    truth.row(sb)
    syn = sb.syn(s(9) + ms(500), (60000, 0))
    synack = sb.synack(syn + us(70), (51000, 60000))
    ack = sb.from_client(synack + us(30), ACK, (60001, 51000))
    truth.handshake(sb, syn, synack, ack)
    truth.sample(sb, "server", syn, synack)
    truth.sample(sb, "client", synack, ack)

    # L: a SYN exactly 10 s before the end; M: one 3 s before it.
    ell = Connection(cap, c2, 50010, "10.0.1.6", 110, 31, 0)
    truth.row(ell)
    truth.unanswered_unless_pending(ell, ell.syn(END_NS - TIMEOUT_NS, (40000, 0)))
    m = Connection(cap, c2, 50011, "10.0.1.5", 5432, 32, 0)
    truth.row(m)
    truth.unanswered_unless_pending(m, m.syn(END_NS - s(3), (41000, 0)))

    # Q: a connection older than the capture: echoes, but no roles.
    q = Connection(cap, "10.0.0.7", 45000, "10.0.1.7", 46000, 1_000, 2_000)
    q.from_client(s(3), PSH | ACK, (50000, 60000), request)
    q.from_server(s(3) + us(100), PSH | ACK, (60001, 50000), reply)
    q.from_client(s(3) + us(200), ACK, (50001, 60001))
    return cap, truth


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("output", help="the capture (.pcap); its truth goes to OUTPUT's stem + .truth.json")
    ap.add_argument("--factor", type=int, default=1, help="the truth for a copy stretched this many times")
    args = ap.parse_args()
    cap, truth = build()
    out = Path(args.output)
    pcapio.write_pcap(out, pcapio.LINKTYPE_ETHERNET, cap.packets(), nanos=True)
    truth_path = out.with_name(out.stem + ".truth.json")
    truth_path.write_text(json.dumps(truth.tables(args.factor), indent=1) + "\n")
    print(f"{len(cap.frames)} frames to {out}, truth (x{args.factor}) to {truth_path}", file=sys.stderr)


if __name__ == "__main__":
    main()
