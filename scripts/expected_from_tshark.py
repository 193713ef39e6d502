#!/usr/bin/env python3
"""The RMON figures a capture should produce, worked out from tshark's dissection alone.

    expected_from_tshark.py CAPTURE [--interval 30] [--if-speed 1000000000] [--fcs-present]
                                    [--if-index N] > EXPECTED.json

This is the test oracle for rmonprobe's replay: it never runs rmonprobe and shares no code with
it. tshark decodes the frames (addresses, lengths, VLAN tags, FCS check); this script applies the
counting contract below and prints etherStatsTable, hostTable, matrixSDTable and
etherHistoryTable as JSON under their RMON-MIB names.

--if-index N (default 1): the figures of data source ifIndex.N, in the rows a probe gives its
N-th data source by default (RowRequest::defaults in src/rmon/probe.rs): etherStatsIndex N with
etherStatsDataSource ifIndex.N, hostIndex N, matrixSDIndex N and etherHistoryIndex 2N-1 (the
30-second history; 2N is the 30-minute one). Why: with --decap a remote mirror's tunnel is a
data source of its own, after the interface it arrives on; its frames are those of the capture
that was wrapped (scripts/wrap_tunnel.py), so this capture's figures, on that source's rows.
(wrap_tunnel.py takes off an FCS the frames carry: the tunnel's figures are then those of the
capture without it, not of this script's reading of the capture with it.)

Counting contract (ARCHITECTURE.md and README, "Counting contract"; RFC 2819):
  wire length  the frame's original length when the capture carries the FCS (pcapng if_fcslen
               4, or --fcs-present); otherwise max(length, 60) + 4: Linux captures lose the FCS
               and the padding a NIC adds to short frames.
  tags         stacked VLAN tags (TPID 0x8100, 0x88a8, 0x9100) right after the source MAC.
  size length  wire length - 4 * tags, but not under 64 when the wire length is 64 or more
               (802.3ac: the 64-byte minimum includes the tag). Size buckets and the
               undersize/oversize limits use it; octet counters use the wire length.
  FCS bad      only when the capture carries the FCS, the frame was captured whole, and
               tshark's FCS check says Bad.
  classes      bad FCS: < 64 fragment, 64..1518 CRC/align error, > 1518 jabber;
               good FCS: < 64 undersize, > 1518 oversize; otherwise the frame is good.
  hosts/matrix learned from good frames only (source, then destination); a bad frame counts
               for its source host (Out counters, OutErrors) and for its (source, destination)
               pair (Pkts, Octets, Errors) only where those already exist.
  history      buckets of --interval seconds from the first frame; time never goes back (a
               frame's time is the latest seen so far); only buckets ending at or before the
               last frame's time are complete and listed.
  no address   a frame with fewer than 14 captured bytes counts in etherStats and history
               (packets, octets, size bucket, error class) and nowhere else.
"""

import argparse
import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

sys.dont_write_bytecode = True  # no __pycache__ left in scripts/
sys.path.insert(0, str(Path(__file__).resolve().parent))
import pcapio  # noqa: E402  (the sibling module; reads the interface descriptions only)

BROADCAST = "ff:ff:ff:ff:ff:ff"
TAG_LAYERS = ("vlan", "ieee8021ad")  # tshark's names for 802.1Q/0x9100 and 802.1ad tags
TAG_TPIDS = (0x8100, 0x88A8, 0x9100)
MAX_LISTED_BUCKETS = 1_000_000
# ifIndex: a data source is ifIndex.N; the one interface of a replayed file is ifIndex.1.
IF_INDEX = "1.3.6.1.2.1.2.2.1.1"
# eth.fcs.status: tshark 4.0 prints the number (0 Bad, 1 Good, 2 Unverified); accept the name too
# in case another version prints the value string.
FCS_BAD = ("0", "Bad")

# The tshark fields we read, in column order. occurrence=f: the first (outermost) one only.
FIELDS = [
    "frame.number",
    "frame.time_epoch",
    "frame.len",
    "frame.cap_len",
    "frame.interface_id",
    "eth.dst",
    "eth.src",
    "eth.type",
    "eth.fcs.status",
    "frame.protocols",
]


@dataclass
class Frame:
    number: int
    time_ns: int
    wire: int
    size: int
    dst: str | None  # None when the frame is too short to hold addresses
    src: str | None
    fcs_bad: bool


def parse_epoch_ns(text):
    """'1795314593.485745333' -> 1795314593485745333, by string arithmetic, never through float
    (a double cannot hold an epoch to the nanosecond)."""
    text = text.strip()
    negative = text.startswith("-")
    whole, _, frac = text.lstrip("-").partition(".")
    if not whole.isdigit() or (frac and not frac.isdigit()):
        raise ValueError(f"bad frame.time_epoch {text!r}")
    if len(frac) > 9 and frac[9:].strip("0"):
        raise ValueError(f"frame.time_epoch {text!r} is finer than a nanosecond")
    ns = int(whole) * 10**9 + int((frac + "000000000")[:9])
    return -ns if negative else ns


def count_tags(protocols):
    """Stacked tags from tshark's layer list, e.g. 'eth:ethertype:ieee8021ad:ethertype:vlan:
    ethertype:ip:icmp' -> 2. Only tags right after the MAC addresses count, not a tag inside
    some tunnelled inner frame."""
    layers = protocols.split(":")
    tags = 0
    for layer in layers[1:]:
        if layer == "ethertype":
            continue
        if layer not in TAG_LAYERS:
            break
        tags += 1
    return tags


def fcs_lengths(capture):
    """if_fcslen of each interface (pcapng), or the pcap link-type FCS bits; tshark shows the
    FCS check but not whether the file says the frames carry one, so read that ourselves."""
    interfaces, _ = pcapio.read_capture(capture)
    return [iface.fcslen for iface in interfaces]


def run_tshark(capture, fcs_forced):
    cmd = ["tshark", "-r", capture, "-n", "-o", "eth.check_fcs:TRUE"]
    if fcs_forced:
        cmd += ["-o", "eth.assume_fcs:TRUE"]
    cmd += ["-T", "fields", "-E", "separator=/t", "-E", "occurrence=f", "-E", "header=n"]
    for name in FIELDS:
        cmd += ["-e", name]
    env = dict(os.environ, LC_ALL="C")
    res = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if res.returncode != 0:
        sys.exit(f"tshark failed ({res.returncode}):\n{res.stderr}")
    return res.stdout.splitlines()


def dissect(capture, fcs_forced):
    fcslens = fcs_lengths(capture)
    frames = []
    for line in run_tshark(capture, fcs_forced):
        cols = line.split("\t")
        if len(cols) != len(FIELDS):
            sys.exit(f"unexpected tshark line: {line!r}")
        row = dict(zip(FIELDS, cols))
        number = int(row["frame.number"])
        if not row["frame.protocols"].startswith("eth"):
            sys.exit(f"frame {number}: not Ethernet ({row['frame.protocols']})")
        length, caplen = int(row["frame.len"]), int(row["frame.cap_len"])
        iface = int(row["frame.interface_id"] or 0)
        has_fcs = fcs_forced or (iface < len(fcslens) and fcslens[iface] == 4)

        wire = length if has_fcs else max(length, 60) + 4
        tags = count_tags(row["frame.protocols"])
        first_type = int(row["eth.type"], 16) if row["eth.type"] else None
        if (tags > 0) != (first_type in TAG_TPIDS):
            sys.exit(f"frame {number}: {tags} tags but ethertype {row['eth.type']!r}")
        size = wire - 4 * tags
        if wire >= 64:
            size = max(size, 64)

        fcs_bad = has_fcs and caplen == length and row["eth.fcs.status"] in FCS_BAD
        if caplen >= 14:
            if not (row["eth.dst"] and row["eth.src"]):
                sys.exit(f"frame {number}: {caplen} bytes but tshark gives no addresses")
            dst, src = row["eth.dst"].lower(), row["eth.src"].lower()
        else:
            dst = src = None
        frames.append(Frame(number, parse_epoch_ns(row["frame.time_epoch"]), wire, size, dst, src, fcs_bad))
    return frames


def error_class(frame):
    """The etherStats error counter a frame belongs to, or None for a good frame."""
    if frame.fcs_bad:
        if frame.size < 64:
            return "Fragments"
        return "CRCAlignErrors" if frame.size <= 1518 else "Jabbers"
    if frame.size < 64:
        return "UndersizePkts"
    if frame.size > 1518:
        return "OversizePkts"
    return None


def size_bucket(size):
    for low, high, name in (
        (64, 64, "Pkts64Octets"),
        (65, 127, "Pkts65to127Octets"),
        (128, 255, "Pkts128to255Octets"),
        (256, 511, "Pkts256to511Octets"),
        (512, 1023, "Pkts512to1023Octets"),
        (1024, 1518, "Pkts1024to1518Octets"),
    ):
        if low <= size <= high:
            return name
    return None


def is_multicast(mac):
    return int(mac[:2], 16) & 1 == 1 and mac != BROADCAST


ERRORS = ["CRCAlignErrors", "UndersizePkts", "OversizePkts", "Fragments", "Jabbers"]
BUCKETS = [
    "Pkts64Octets",
    "Pkts65to127Octets",
    "Pkts128to255Octets",
    "Pkts256to511Octets",
    "Pkts512to1023Octets",
    "Pkts1024to1518Octets",
]


@dataclass
class Counters:
    """What etherStats and one history bucket both count."""

    Octets: int = 0
    Pkts: int = 0
    BroadcastPkts: int = 0
    MulticastPkts: int = 0
    errors: dict = field(default_factory=lambda: dict.fromkeys(ERRORS, 0))
    buckets: dict = field(default_factory=lambda: dict.fromkeys(BUCKETS, 0))

    def add(self, frame, err):
        self.Pkts += 1
        self.Octets += frame.wire
        bucket = size_bucket(frame.size)
        if bucket:
            self.buckets[bucket] += 1  # bad frames too
        if err:
            self.errors[err] += 1
        elif frame.dst is not None:
            if frame.dst == BROADCAST:
                self.BroadcastPkts += 1
            elif is_multicast(frame.dst):
                self.MulticastPkts += 1


@dataclass
class Host:
    order: int
    InPkts: int = 0
    OutPkts: int = 0
    InOctets: int = 0
    OutOctets: int = 0
    OutErrors: int = 0
    OutBroadcastPkts: int = 0
    OutMulticastPkts: int = 0


@dataclass
class Pair:
    Pkts: int = 0
    Octets: int = 0
    Errors: int = 0


def compute(frames, interval_s):
    stats = Counters()
    hosts = {}  # MAC -> Host, in order of creation
    pairs = {}  # (source MAC, destination MAC) -> Pair
    history = {}  # sample index k -> Counters
    interval_ns = interval_s * 10**9
    t0 = frames[0].time_ns if frames else 0
    now = t0

    for frame in frames:
        now = max(now, frame.time_ns)  # time never goes backwards
        err = error_class(frame)
        stats.add(frame, err)
        k = (now - t0) // interval_ns + 1
        history.setdefault(k, Counters()).add(frame, err)

        if frame.src is None:
            continue  # no addresses: etherStats and history only
        if err is None:
            for mac in (frame.src, frame.dst):  # source first: creation order
                if mac not in hosts:
                    hosts[mac] = Host(order=len(hosts) + 1)
            src, dst = hosts[frame.src], hosts[frame.dst]
            src.OutPkts += 1
            src.OutOctets += frame.wire
            if frame.dst == BROADCAST:
                src.OutBroadcastPkts += 1
            elif is_multicast(frame.dst):
                src.OutMulticastPkts += 1
            dst.InPkts += 1
            dst.InOctets += frame.wire
            pair = pairs.setdefault((frame.src, frame.dst), Pair())
            pair.Pkts += 1
            pair.Octets += frame.wire
        else:
            # A bad frame creates nothing; it counts where its source / its pair already exist
            # (hostOutPkts, hostOutOctets and matrixSDPkts/Octets include bad packets).
            src = hosts.get(frame.src)
            if src:
                src.OutPkts += 1
                src.OutOctets += frame.wire
                src.OutErrors += 1
            pair = pairs.get((frame.src, frame.dst))
            if pair:
                pair.Pkts += 1
                pair.Octets += frame.wire
                pair.Errors += 1

    complete = (now - t0) // interval_ns if frames else 0
    return stats, hosts, pairs, history, complete


def mac_key(mac):
    return bytes.fromhex(mac.replace(":", ""))


def report(stats, hosts, pairs, history, complete, interval_s, if_speed, buckets, if_index=1):
    """The tables as the default rows of data source ifIndex.if_index show them."""
    ether_stats = {
        "etherStatsIndex": if_index,
        "etherStatsDataSource": f"{IF_INDEX}.{if_index}",
        "etherStatsDropEvents": 0,
    }
    ether_stats.update(
        {
            "etherStatsOctets": stats.Octets,
            "etherStatsPkts": stats.Pkts,
            "etherStatsBroadcastPkts": stats.BroadcastPkts,
            "etherStatsMulticastPkts": stats.MulticastPkts,
        }
    )
    ether_stats.update({"etherStats" + name: stats.errors[name] for name in ERRORS})
    ether_stats["etherStatsCollisions"] = 0
    ether_stats.update({"etherStats" + name: stats.buckets[name] for name in BUCKETS})
    ether_stats.update({"etherStatsOwner": "monitor", "etherStatsStatus": "valid"})

    host_rows = []
    for mac in sorted(hosts, key=mac_key):
        h = hosts[mac]
        host_rows.append(
            {
                "hostAddress": mac,
                "hostCreationOrder": h.order,
                "hostIndex": if_index,
                "hostInPkts": h.InPkts,
                "hostOutPkts": h.OutPkts,
                "hostInOctets": h.InOctets,
                "hostOutOctets": h.OutOctets,
                "hostOutErrors": h.OutErrors,
                "hostOutBroadcastPkts": h.OutBroadcastPkts,
                "hostOutMulticastPkts": h.OutMulticastPkts,
            }
        )

    matrix_rows = []
    for src, dst in sorted(pairs, key=lambda p: (mac_key(p[0]), mac_key(p[1]))):
        p = pairs[(src, dst)]
        matrix_rows.append(
            {
                "matrixSDSourceAddress": src,
                "matrixSDDestAddress": dst,
                "matrixSDIndex": if_index,
                "matrixSDPkts": p.Pkts,
                "matrixSDOctets": p.Octets,
                "matrixSDErrors": p.Errors,
            }
        )

    history_rows = []
    first = max(1, complete - buckets + 1) if buckets else 1
    for k in range(first, complete + 1):
        b = history.get(k, Counters())  # a quiet interval is still a bucket, all zero
        # Utilization: bits on the wire (each frame adds 96 bits of gap + 64 of preamble) over
        # the bits the interface could carry in the interval, in hundredths of a percent.
        bits = b.Pkts * 160 + b.Octets * 8
        utilization = min(10000, bits * 10000 // (interval_s * if_speed))
        history_rows.append(
            {
                "etherHistoryIndex": 2 * if_index - 1,  # the 30-second row of the source
                "etherHistorySampleIndex": k,
                "etherHistoryIntervalStart": (k - 1) * interval_s * 100,
                "etherHistoryDropEvents": 0,
                "etherHistoryOctets": b.Octets,
                "etherHistoryPkts": b.Pkts,
                "etherHistoryBroadcastPkts": b.BroadcastPkts,
                "etherHistoryMulticastPkts": b.MulticastPkts,
                "etherHistoryCRCAlignErrors": b.errors["CRCAlignErrors"],
                "etherHistoryUndersizePkts": b.errors["UndersizePkts"],
                "etherHistoryOversizePkts": b.errors["OversizePkts"],
                "etherHistoryFragments": b.errors["Fragments"],
                "etherHistoryJabbers": b.errors["Jabbers"],
                "etherHistoryCollisions": 0,
                "etherHistoryUtilization": utilization,
            }
        )

    return {
        "etherStatsTable": [ether_stats],
        "hostTable": host_rows,
        "matrixSDTable": matrix_rows,
        "etherHistoryTable": history_rows,
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("capture")
    ap.add_argument("--interval", type=int, default=30, help="history bucket length, seconds")
    ap.add_argument("--if-speed", type=int, default=1_000_000_000, help="ifSpeed, bits/s")
    ap.add_argument(
        "--fcs-present",
        action="store_true",
        help="take every frame as ending in its FCS even if the file does not say so",
    )
    ap.add_argument(
        "--buckets",
        type=int,
        default=0,
        help="list only the N most recent complete buckets, as a history control row with "
        "N buckets granted keeps them (default: all)",
    )
    ap.add_argument(
        "--if-index",
        type=int,
        default=1,
        help="the data source ifIndex.N, in the default rows of the N-th data source (default 1)",
    )
    args = ap.parse_args()
    if args.interval < 1 or args.if_speed < 1 or args.buckets < 0:
        sys.exit("--interval and --if-speed must be positive, --buckets not negative")
    if not 1 <= args.if_index <= 32767:
        # etherHistoryIndex 2N-1 must stay within historyControlIndex's 1..65535.
        sys.exit("--if-index must be 1..32767")

    frames = dissect(args.capture, args.fcs_present)
    stats, hosts, pairs, history, complete = compute(frames, args.interval)
    listed = min(complete, args.buckets) if args.buckets else complete
    if listed > MAX_LISTED_BUCKETS:
        # A capture with a wild timestamp can span decades: millions of (mostly empty) rows.
        sys.exit(f"{complete} complete history buckets: too many to list; pass --buckets N")
    result = report(
        stats, hosts, pairs, history, complete, args.interval, args.if_speed, args.buckets, args.if_index
    )
    print(json.dumps(result, indent=1, sort_keys=False))


if __name__ == "__main__":
    main()
