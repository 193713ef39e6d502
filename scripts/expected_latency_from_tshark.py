#!/usr/bin/env python3
"""The passive TCP latency figures a capture should produce, worked out from tshark alone.

    expected_latency_from_tshark.py CAPTURE [--connections] > EXPECTED.json

The test oracle for rmonprobe's passive TCP latency (issue 19): it never runs rmonprobe and
shares no code with it. tshark decodes each frame (its time, its protocol stack, the outermost
IPv4/IPv6 addresses, the TCP ports, flags, raw sequence and acknowledgement numbers and the
timestamp option); this script follows every connection and prints tcpLatencyServerTable (per
server address and port) and tcpLatencyPairTable (per client address, server address and
port) as JSON: counts, minima and maxima only (the probe's percentiles come from HdrHistograms,
which are approximate). --connections adds a "connections" list: every handshake attempt with
its frames, outcome, delays in nanoseconds and the RTT samples taken while it was the
connection's latest (serverRttNs, clientRttNs), for checking one by hand.

  clock        the capture's: each frame's timestamp in integer nanoseconds, parsed from
               tshark's frame.time_epoch text (never a float). Every frame moves it, TCP or not;
               it never goes back (a frame stamped earlier than one before it happens at the
               latest time seen). The capture's end is the last frame's time.
  segments     TCP right above the outermost IPv4/IPv6 header (IPv6 extension headers and AH skipped;
               VLAN tags, PPPoE and the like below it are fine). TCP quoted inside an ICMP or
               ICMPv6 error, or carried in a tunnel (GRE, IP-in-IP, VXLAN...), is not a
               segment. IP is not reassembled: a first fragment whose TCP header tshark reads
               counts, later fragments have none. Checksums are not checked.
  roles        the client is the sender of a SYN (SYN set, ACK and RST clear), the server its
               receiver; a SYN/ACK (SYN and ACK set, RST clear) on a connection with no SYN seen
               makes its sender the server. Other flags (FIN, PSH, URG, ECE, CWR) do not
               matter. A connection is the 4-tuple; the latest SYN decides its roles (a SYN/ACK
               from the side they call client, as in a simultaneous open, is ignored). A
               connection with neither seen (it began before the capture) has no roles and
               counts nowhere, its timestamps included. A server's row and the pair's row exist
               from the first SYN or SYN/ACK that gives a connection its roles, even if every
               figure stays 0.
  attempt      a SYN starts a handshake attempt unless it has the sequence number of the
               connection's current attempt: then it is that attempt's SYN seen again
               (retransmitted or duplicated), even after the attempt ended, when it changes
               nothing. A SYN with another sequence number ends the current attempt, if still
               open, without counting it anywhere, and starts a new one (port reuse).
               The attempt's SYN time is its first SYN's.
  answer       a SYN/ACK answers the attempt if its ack is the attempt's ISN + 1 (mod 2**32);
               other SYN/ACKs are ignored. The first answer's time is the SYN/ACK time; each
               further answering SYN/ACK (retransmitted) counts as seen again.
  completed    the first client->server segment with ACK set, SYN and RST clear, whose ack is
               the ISN of an answering SYN/ACK + 1, after that SYN/ACK: the handshake is whole.
               If its SYN or its SYN/ACK was seen more than once it counts in
               handshakesRetransmitted only (Karn), else in handshakes with
                 server delay = SYN/ACK time - SYN time,
                 client delay = completing ACK time - SYN/ACK time,
               each in microseconds, floored from the nanosecond difference.
  refused      a server->client segment with RST and ACK set (SYN clear) whose ack is the
               ISN + 1, before any answering SYN/ACK: counts in refused (after a retransmitted
               SYN too). A RST after the SYN/ACK, or one without ACK, is not a refusal.
  10 seconds   an attempt must end within 10 s of its SYN time. When the clock reaches SYN time
               + 10 s (a frame at or after it, or the capture's end at or after it) with neither
               an answering SYN/ACK nor a refusing RST seen, it counts in unanswered; if it had
               its SYN/ACK but no completing ACK, nowhere. So a SYN/ACK, RST or ACK exactly
               10 s after the SYN is too late. An attempt open at the end of the capture whose
               SYN is less than 10 s before the end counts nowhere: it might still be answered.
  RTT          pping's rule, on connections with roles: a segment carrying the timestamp option
               and something the other side will acknowledge (payload, SYN or FIN) records
               (direction, TSval) at its time unless that pair was recorded before on this
               connection (first sighting only; TSval 0 is recorded like any value but can
               never be echoed). A pure ACK (no payload, no SYN, no FIN) or a RST
               records nothing, as in ePPing: nothing answers it, so its TSval is echoed only
               when the other side next has something to send, and the sample would measure
               that side's application (seconds on an idle connection), not the network.
               Any segment whose TSecr is not 0, a pure ACK too, echoes the TSval recorded in the
               opposite direction with that value, if any and not echoed before (first echo
               only): one sample, echo time - recorded time, in microseconds (floor). A TSecr of
               0 is never an echo (a SYN carries 0). Samples whose TSval the client sent and the
               server echoed measure the probe->server->probe side (serverRtt...); those whose
               TSval the server sent and the client echoed, the probe->client->probe side
               (clientRtt...); rttSamples/rttMinUs/rttMaxUs are both together. Handshake
               segments count like any other (the SYN's TSval echoed by the SYN/ACK is a
               server-side sample). A record lasts 10 s, as pping's tsvalMaxAge: an echo 10 s
               or more after it gives no sample, and a sighting 10 s or more after it records
               the value afresh. A new attempt on a connection (SYN with a new ISN) forgets
               its recorded TSvals.
  closed       once a segment (ACK set, SYN and RST clear) from a side whose FIN was seen
               before acknowledges the other side's FIN (its ack is that FIN's sequence number
               + its payload + 1), the connection is forgotten after the segment's timestamps:
               later segments of it count nowhere, a SYN starts a new one. An attempt still
               open then ends and counts nowhere. A new attempt forgets the FINs seen.
  rows         per server (serverAddress, serverPort) and per pair (clientAddress,
               serverAddress, serverPort); addresses as text, IPv4 dotted, IPv6 per RFC 5952
               (an IPv4-mapped one as ::ffff:a.b.c.d).
               A minimum or maximum of nothing is null. Servers sorted by address (IPv4
               first, then by bytes) and port; pairs by client, server, port.
"""

import argparse
import ipaddress
import json
import os
import subprocess
import sys
from collections import deque
from dataclasses import dataclass, field

TIMEOUT_NS = 10 * 10**9
SEQ_MOD = 2**32
IP_LAYERS = ("ip", "ipv6")
IPV6_EXTENSIONS = ("ipv6.hopopts", "ipv6.routing", "ipv6.fraghdr", "ipv6.dstopts", "ah")
FIELDS = [
    "frame.number",
    "frame.time_epoch",
    "frame.protocols",
    "ip.src",
    "ip.dst",
    "ipv6.src",
    "ipv6.dst",
    "tcp.srcport",
    "tcp.dstport",
    "tcp.flags.syn",
    "tcp.flags.ack",
    "tcp.flags.reset",
    "tcp.flags.fin",
    "tcp.len",
    "tcp.seq_raw",
    "tcp.ack_raw",
    "tcp.options.timestamp.tsval",
    "tcp.options.timestamp.tsecr",
]


def run_tshark(capture):
    cmd = ["tshark", "-r", capture, "-n"]
    # No reassembly: each frame is dissected on its own, as the probe sees it.
    cmd += ["-o", "ip.defragment:FALSE", "-o", "ipv6.defragment:FALSE", "-o", "tcp.desegment_tcp_streams:FALSE"]
    cmd += ["-T", "fields", "-E", "separator=/t", "-E", "occurrence=f", "-E", "header=n"]
    for name in FIELDS:
        cmd += ["-e", name]
    res = subprocess.run(cmd, capture_output=True, text=True, env=dict(os.environ, LC_ALL="C"))
    if res.returncode != 0:
        sys.exit(f"tshark failed ({res.returncode}):\n{res.stderr}")
    return res.stdout.splitlines()


def epoch_ns(text):
    """tshark's frame.time_epoch ("1700000000.123456789") as integer nanoseconds."""
    whole, _, frac = text.partition(".")
    if not whole.isdigit() or (frac and not frac.isdigit()):
        sys.exit(f"unexpected frame.time_epoch {text!r}")
    return int(whole) * 10**9 + int((frac + "000000000")[:9])


def flag(text):
    """A boolean field: tshark 4.0 prints 1/0, later versions True/False."""
    return text in ("1", "True")


def outer_ip_carries_tcp(protocols):
    """The outermost IP layer of frame.protocols, if TCP comes right above it (its extension
    headers aside); else None. ICMP errors quoting TCP and tunnels give None."""
    layers = protocols.split(":")
    for i, name in enumerate(layers):
        if name in IP_LAYERS:
            above = [x for x in layers[i + 1 :] if x not in IPV6_EXTENSIONS]
            return name if above and above[0] == "tcp" else None
    return None


@dataclass
class Attempt:
    """One handshake attempt: a SYN, then perhaps a SYN/ACK and the client's ACK."""

    isn: int
    syn_ns: int
    syn_frame: int
    syns: int = 1
    synacks: int = 0
    synack_ns: int = 0
    synack_frame: int = 0
    server_isns: set = field(default_factory=set)
    ended: bool = False
    outcome: str = "open"
    record: dict | None = None


@dataclass
class Connection:
    client: tuple  # (address text, port)
    server: tuple
    attempt: Attempt | None = None
    # (sent by the client?, TSval) -> [first time seen, echoed yet?]
    tsvals: dict = field(default_factory=dict)
    # sent by the client? -> the ack number that acknowledges that side's FIN
    fins: dict = field(default_factory=dict)


class Figures:
    """The counters of one row (a server, or a client-server pair)."""

    def __init__(self):
        self.counts = {"handshakes": 0, "handshakesRetransmitted": 0, "refused": 0, "unanswered": 0}
        self.samples = {"serverDelay": [], "clientDelay": [], "serverRtt": [], "clientRtt": []}

    def as_json(self):
        out = dict(self.counts)
        for name in ("serverDelay", "clientDelay"):
            values = self.samples[name]
            out[f"{name}MinUs"] = min(values) if values else None
            out[f"{name}MaxUs"] = max(values) if values else None
        merged = self.samples["serverRtt"] + self.samples["clientRtt"]
        for name, values in (("rtt", merged), ("serverRtt", self.samples["serverRtt"]),
                             ("clientRtt", self.samples["clientRtt"])):
            out[f"{name}Samples"] = len(values)
            out[f"{name}MinUs"] = min(values) if values else None
            out[f"{name}MaxUs"] = max(values) if values else None
        return out


class Tracker:
    """Follows every connection through the frames, in capture order."""

    def __init__(self, keep_connections):
        self.connections = {}  # (client, server) -> Connection
        self.servers = {}  # (address, port) -> Figures
        self.pairs = {}  # (client address, server address, port) -> Figures
        self.open_attempts = deque()  # (deadline ns, connection, attempt), deadlines in order
        self.keep = keep_connections
        self.records = []

    # --- rows
    def rows_of(self, conn):
        server = self.servers.setdefault(conn.server, Figures())
        pair = self.pairs.setdefault((conn.client[0], *conn.server), Figures())
        return server, pair

    def count(self, conn, name):
        for row in self.rows_of(conn):
            row.counts[name] += 1

    def sample(self, conn, name, ns):
        for row in self.rows_of(conn):
            row.samples[name].append(ns // 1000)

    def end_attempt(self, conn, attempt, outcome):
        attempt.ended = True
        attempt.outcome = outcome
        if outcome in ("handshakes", "handshakesRetransmitted", "refused", "unanswered"):
            self.count(conn, outcome)
        if attempt.record is not None:
            attempt.record["outcome"] = outcome

    # --- time
    def expire(self, now):
        """Ends the attempts whose 10 s are up at time now."""
        while self.open_attempts and self.open_attempts[0][0] <= now:
            _, conn, attempt = self.open_attempts.popleft()
            if not attempt.ended:
                self.end_attempt(conn, attempt, "unanswered" if attempt.synacks == 0 else "incomplete")

    # --- segments
    def connection(self, src, dst):
        """The connection of a segment from src to dst, and whether src is its client."""
        conn = self.connections.get((src, dst))
        if conn is not None:
            return conn, True
        conn = self.connections.get((dst, src))
        return conn, False

    def new_connection(self, client, server):
        self.connections.pop((server, client), None)  # the latest SYN decides the roles
        conn = Connection(client, server)
        self.connections[(client, server)] = conn
        self.rows_of(conn)
        return conn

    def segment(self, now, frame, src, dst, flags, seq, ack_no, payload, tsval, tsecr):
        syn, ack, rst, fin = flags
        if syn and not ack and not rst:
            conn = self.connections.get((src, dst)) or self.new_connection(src, dst)
            self.on_syn(conn, now, frame, seq)
        elif syn and ack and not rst:
            conn, _ = self.connection(src, dst)
            if conn is None:
                conn = self.new_connection(dst, src)
            elif conn.server == src:
                self.on_synack(conn, now, frame, seq, ack_no)
        conn, from_client = self.connection(src, dst)
        if conn is None:
            return
        attempt = conn.attempt
        if attempt is not None and not attempt.ended and ack and not syn:
            if rst and not from_client and attempt.synacks == 0 and ack_no == (attempt.isn + 1) % SEQ_MOD:
                self.end_attempt(conn, attempt, "refused")
            elif not rst and from_client and attempt.synacks > 0 and any(
                ack_no == (isn + 1) % SEQ_MOD for isn in attempt.server_isns
            ):
                self.on_completed(conn, attempt, now, frame)
        if tsval is not None:
            # A segment the other side will acknowledge: its TSval comes back promptly.
            acked = (syn or fin or payload > 0) and not rst
            self.on_timestamps(conn, from_client, now, tsval, tsecr, acked)
        if not syn and not rst:
            closes = ack and from_client in conn.fins and conn.fins.get(not from_client) == ack_no
            if fin:
                conn.fins[from_client] = (seq + payload + 1) % SEQ_MOD
            if closes:
                del self.connections[(conn.client, conn.server)]
                if attempt is not None and not attempt.ended:
                    self.end_attempt(conn, attempt, "closed")

    def on_syn(self, conn, now, frame, seq):
        attempt = conn.attempt
        if attempt is not None and attempt.isn == seq:
            attempt.syns += 1
            return
        if attempt is not None and not attempt.ended:
            self.end_attempt(conn, attempt, "superseded")
        attempt = Attempt(seq, now, frame)
        if self.keep:
            attempt.record = {"clientAddress": conn.client[0], "clientPort": conn.client[1],
                              "serverAddress": conn.server[0], "serverPort": conn.server[1],
                              "synFrame": frame, "outcome": "open"}
            self.records.append(attempt.record)
        conn.attempt = attempt
        conn.tsvals.clear()
        conn.fins.clear()
        self.open_attempts.append((now + TIMEOUT_NS, conn, attempt))

    def on_synack(self, conn, now, frame, seq, ack_no):
        attempt = conn.attempt
        if attempt is None or attempt.ended or ack_no != (attempt.isn + 1) % SEQ_MOD:
            return
        attempt.synacks += 1
        attempt.server_isns.add(seq)
        if attempt.synacks == 1:
            attempt.synack_ns, attempt.synack_frame = now, frame

    def on_completed(self, conn, attempt, now, frame):
        server_ns = attempt.synack_ns - attempt.syn_ns
        client_ns = now - attempt.synack_ns
        if attempt.record is not None:
            attempt.record.update({"synAckFrame": attempt.synack_frame, "ackFrame": frame,
                                   "syns": attempt.syns, "synAcks": attempt.synacks,
                                   "serverDelayNs": server_ns, "clientDelayNs": client_ns})
        if attempt.syns > 1 or attempt.synacks > 1:
            self.end_attempt(conn, attempt, "handshakesRetransmitted")
            return
        self.end_attempt(conn, attempt, "handshakes")
        self.sample(conn, "serverDelay", server_ns)
        self.sample(conn, "clientDelay", client_ns)

    def on_timestamps(self, conn, from_client, now, tsval, tsecr, acked):
        seen = conn.tsvals.get((from_client, tsval))
        if acked and (seen is None or now - seen[0] >= TIMEOUT_NS):
            conn.tsvals[(from_client, tsval)] = [now, False]
        if tsecr == 0:
            return
        seen = conn.tsvals.get((not from_client, tsecr))
        if seen is None or seen[1] or now - seen[0] >= TIMEOUT_NS:
            return
        seen[1] = True
        # Echoed by the server: the client's TSval went probe -> server -> probe.
        name = "clientRtt" if from_client else "serverRtt"
        self.sample(conn, name, now - seen[0])
        if conn.attempt is not None and conn.attempt.record is not None:
            conn.attempt.record.setdefault(name + "Ns", []).append(now - seen[0])


def address_text(text):
    """An address as the tables write it: RFC 5952 (Python's compressed form, save that an
    IPv4-mapped IPv6 address ends in dotted decimal, RFC 5952 section 5)."""
    a = ipaddress.ip_address(text)
    if a.version == 6 and a.ipv4_mapped is not None:
        return f"::ffff:{a.ipv4_mapped}"
    return a.compressed


def address_key(text):
    a = ipaddress.ip_address(text)
    return (a.version, a.packed)


def track(capture, keep_connections=False):
    tracker = Tracker(keep_connections)
    now = None
    for line in run_tshark(capture):
        row = dict(zip(FIELDS, line.split("\t")))
        stamp = epoch_ns(row["frame.time_epoch"])
        now = stamp if now is None else max(now, stamp)
        tracker.expire(now)
        net = outer_ip_carries_tcp(row["frame.protocols"])
        if net is None or not row["tcp.srcport"] or not row["tcp.flags.syn"]:
            continue
        src = (address_text(row[f"{net}.src"]), int(row["tcp.srcport"]))
        dst = (address_text(row[f"{net}.dst"]), int(row["tcp.dstport"]))
        has_ts = row["tcp.options.timestamp.tsval"] != ""
        flags = (flag(row["tcp.flags.syn"]), flag(row["tcp.flags.ack"]), flag(row["tcp.flags.reset"]),
                 flag(row["tcp.flags.fin"]))
        tracker.segment(
            now, int(row["frame.number"]), src, dst, flags,
            int(row["tcp.seq_raw"] or 0), int(row["tcp.ack_raw"] or 0), int(row["tcp.len"] or 0),
            int(row["tcp.options.timestamp.tsval"]) if has_ts else None,
            int(row["tcp.options.timestamp.tsecr"] or 0) if has_ts else None,
        )
    # The capture's end is its last frame's time, and the expiry before that frame has already
    # ended every attempt whose 10 s were up by then.
    return tracker


def tables(tracker):
    servers = sorted(tracker.servers.items(), key=lambda kv: (address_key(kv[0][0]), kv[0][1]))
    pairs = sorted(tracker.pairs.items(),
                   key=lambda kv: (address_key(kv[0][0]), address_key(kv[0][1]), kv[0][2]))
    return {
        "tcpLatencyServerTable": [
            {"serverAddress": a, "serverPort": p, **f.as_json()} for (a, p), f in servers
        ],
        "tcpLatencyPairTable": [
            {"clientAddress": c, "serverAddress": a, "serverPort": p, **f.as_json()} for (c, a, p), f in pairs
        ],
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("capture")
    ap.add_argument("--connections", action="store_true", help="also list every handshake attempt")
    args = ap.parse_args()
    tracker = track(args.capture, args.connections)
    result = tables(tracker)
    if args.connections:
        result["connections"] = tracker.records
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
