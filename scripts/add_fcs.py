#!/usr/bin/env python3
"""Rewrites an Ethernet capture as if the capturing NIC had kept the FCS.

    add_fcs.py IN OUT [--seconds S] [--bad-fcs N,...] [--runt N:LEN:good|bad ...]
                      [--giant N:LEN:good|bad ...] [--snap N:CAPLEN ...] [--back N:MICROS ...]

Linux captures lose the Frame Check Sequence, so they can never show CRC/alignment errors,
fragments or jabbers. This writes OUT as pcapng with one interface whose if_fcslen is 4 and
nanosecond timestamps; every frame is padded to 60 bytes when shorter (what a NIC does on
transmit) and gets its CRC-32 appended, least significant byte first, as it travels on the wire.
A frame that was cut short in IN (captured < original length) keeps its captured bytes and gets
an original length of the padded length + 4: its FCS was never captured, so it cannot be checked.

Deliberate damage, so that every RMON error class appears (frame numbers N are 1-based, counted
in OUT, i.e. after --seconds):
  --bad-fcs N,...      the frame keeps its bytes but its FCS is wrong (all bits flipped);
                       64..1518 bytes on the wire: a CRC/alignment error
  --runt N:LEN:Q       the frame is cut to LEN bytes without padding, then the FCS (Q = good or
                       bad) is added: a frame under 64 bytes, i.e. undersize (good) or a
                       fragment (bad)
  --giant N:LEN:Q      the frame is lengthened with zero bytes to LEN bytes, then the FCS: over
                       1518 bytes on the wire, i.e. oversize (good) or a jabber (bad)
  --snap N:CAPLEN      the frame gets its (good) FCS but only its first CAPLEN bytes are kept,
                       as with a short snapshot length: its FCS cannot be checked
  --back N:MICROS      the frame's timestamp goes back by MICROS microseconds (it stays in its
                       place in the file), as captures taken on several queues can show
  --seconds S          keep only the frames of the first S seconds of IN (from its first frame)

Standard library only (the CRC is zlib.crc32, which is the IEEE 802.3 CRC-32).
"""

import argparse
import struct
import sys
import zlib
from pathlib import Path

sys.dont_write_bytecode = True  # no __pycache__ left in scripts/
sys.path.insert(0, str(Path(__file__).resolve().parent))
import pcapio  # noqa: E402  (the sibling module; the path above makes it importable)

MIN_FRAME_WITHOUT_FCS = 60


def fcs(data):
    return struct.pack("<I", zlib.crc32(data) & 0xFFFFFFFF)


def bad(checksum):
    return bytes(b ^ 0xFF for b in checksum)


def number_pair(text):
    """N:VALUE -> (N, VALUE)."""
    try:
        n, value = text.split(":")
        return int(n), int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: want N:NUMBER") from None


def damage_spec(text):
    """N:LEN:good|bad -> (N, LEN, is_good)."""
    try:
        n, length, quality = text.split(":")
        if quality not in ("good", "bad"):
            raise ValueError
        return int(n), int(length), quality == "good"
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: want N:LEN:good or N:LEN:bad") from None


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("input")
    ap.add_argument("output")
    ap.add_argument("--seconds", type=float, help="keep only the first S seconds")
    ap.add_argument("--bad-fcs", default="", help="frame numbers whose FCS is made wrong")
    ap.add_argument("--runt", type=damage_spec, action="append", default=[])
    ap.add_argument("--giant", type=damage_spec, action="append", default=[])
    ap.add_argument("--snap", type=number_pair, action="append", default=[])
    ap.add_argument("--back", type=number_pair, action="append", default=[])
    args = ap.parse_args()

    interfaces, packets = pcapio.read_capture(args.input)
    for iface in interfaces:
        if iface.linktype != pcapio.LINKTYPE_ETHERNET:
            sys.exit(f"{args.input}: link type {iface.linktype} is not Ethernet")
        if iface.fcslen:
            sys.exit(f"{args.input}: already carries an FCS (if_fcslen {iface.fcslen})")
    if args.seconds is not None and packets:
        limit = packets[0].ts_ns + int(args.seconds * 10**9)
        packets = [p for p in packets if p.ts_ns < limit]

    bad_fcs = {int(n) for n in args.bad_fcs.split(",") if n}
    runts = {n: (length, good) for n, length, good in args.runt}
    giants = {n: (length, good) for n, length, good in args.giant}
    snaps = dict(args.snap)
    backs = dict(args.back)
    damaged = [bad_fcs, runts.keys(), giants.keys(), snaps.keys()]
    for n in set().union(*damaged) | backs.keys():
        if not 1 <= n <= len(packets):
            sys.exit(f"frame {n} does not exist (the output has {len(packets)} frames)")
    if sum(map(len, damaged)) != len(set().union(*damaged)):
        sys.exit("one frame can take only one kind of damage (--back combines with any)")

    out = []
    for n, p in enumerate(packets, start=1):
        ts_ns = p.ts_ns - backs.get(n, 0) * 1000
        if p.caplen < p.origlen:
            # The end of the frame, and its FCS, were never captured: nothing to compute.
            origlen = max(p.origlen, MIN_FRAME_WITHOUT_FCS) + 4
            out.append(pcapio.Packet(0, ts_ns, p.caplen, origlen, p.data))
            continue
        good = n not in bad_fcs
        if n in runts:
            length, good = runts[n]
            body = p.data[:length]
        elif n in giants:
            length, good = giants[n]
            body = p.data + bytes(max(0, length - len(p.data)))
        else:
            body = p.data + bytes(max(0, MIN_FRAME_WITHOUT_FCS - len(p.data)))
        frame = body + (fcs(body) if good else bad(fcs(body)))
        kept = frame[: snaps[n]] if n in snaps else frame
        out.append(pcapio.Packet(0, ts_ns, len(kept), len(frame), kept))

    damage = []
    if bad_fcs:
        damage.append("bad FCS on " + ",".join(map(str, sorted(bad_fcs))))
    damage += [f"frame {n} cut to {ln} bytes, {'good' if g else 'bad'} FCS" for n, (ln, g) in sorted(runts.items())]
    damage += [f"frame {n} grown to {ln} bytes, {'good' if g else 'bad'} FCS" for n, (ln, g) in sorted(giants.items())]
    damage += [f"frame {n} captured to {ln} bytes only" for n, ln in sorted(snaps.items())]
    damage += [f"frame {n} timestamp {us} us earlier" for n, us in sorted(backs.items())]
    comment = f"{Path(args.input).name} rewritten by scripts/add_fcs.py with an Ethernet FCS on every frame"
    if damage:
        comment += "; " + "; ".join(damage)
    pcapio.write_pcapng(args.output, pcapio.LINKTYPE_ETHERNET, 4, out, comment)
    print(f"{args.output}: {len(out)} frames", file=sys.stderr)


if __name__ == "__main__":
    main()
