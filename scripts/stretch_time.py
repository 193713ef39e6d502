#!/usr/bin/env python3
"""Rewrites a capture with its clock slowed down (or sped up) by a constant factor.

    stretch_time.py IN OUT FACTOR

Every frame's timestamp keeps the first frame's time as its origin and has its distance from it
multiplied by FACTOR: t' = t0 + floor((t - t0) * FACTOR), in integer nanoseconds. The bytes,
lengths, order and interfaces of the frames are unchanged.

Why: on the namespace lab (scripts/lab.sh) a TCP handshake or a round trip takes tens of
microseconds, so a latency figure in microseconds is a few units and its rounding matters more
than the figure. Stretched x1000, the same capture has delays a thousand times as long (what
took 37.4 us takes 37.4 ms), while every frame keeps its place, so the passive latency tables of
the probe and of scripts/expected_latency_from_tshark.py can be compared on realistic values.
A delay of d ns becomes exactly FACTOR * d ns when FACTOR is an integer.

FACTOR: a positive integer or decimal (e.g. 1000, 2.5); a decimal is applied exactly (as a
fraction), then floored to the nanosecond. OUT is pcapng with nanosecond timestamps
(if_tsresol 9), one interface per interface of IN with its link type, snapshot length and FCS
length (if_fcslen); other interface options and packet comments are not kept. A frame stamped
before the first one (clocks of several queues) stays before it, its distance stretched too.
Standard library only (scripts/pcapio.py).
"""

import argparse
import sys
from fractions import Fraction
from pathlib import Path

sys.dont_write_bytecode = True  # no __pycache__ left in scripts/
sys.path.insert(0, str(Path(__file__).resolve().parent))
import pcapio  # noqa: E402  (the sibling module; the path above makes it importable)


def factor_of(text):
    try:
        factor = Fraction(text)
    except (ValueError, ZeroDivisionError):
        raise argparse.ArgumentTypeError(f"{text!r}: want a positive number") from None
    if factor <= 0:
        raise argparse.ArgumentTypeError(f"{text!r}: want a positive number")
    return factor


def stretch(packets, factor):
    """The packets with their timestamps stretched about the first one's (in place)."""
    if not packets:
        return packets
    origin = packets[0].ts_ns
    for p in packets:
        offset = p.ts_ns - origin
        # Fraction arithmetic is exact; floor division keeps whole nanoseconds (towards the past
        # for a frame stamped before the origin, as for one after it).
        p.ts_ns = origin + (offset * factor.numerator) // factor.denominator
    return packets


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("input")
    ap.add_argument("output")
    ap.add_argument("factor", type=factor_of)
    args = ap.parse_args()
    try:
        interfaces, packets = pcapio.read_capture(args.input)
        stretch(packets, args.factor)
        comment = f"{Path(args.input).name} with its time stretched x{args.factor} by stretch_time.py"
        pcapio.write_pcapng_interfaces(args.output, interfaces, packets, comment)
    except (OSError, pcapio.CaptureError) as e:
        sys.exit(f"stretch_time.py: {e}")
    span = packets[-1].ts_ns - packets[0].ts_ns if packets else 0
    print(f"{len(packets)} frames, first to last {span / 1e9:.6f} s, written to {args.output}", file=sys.stderr)


if __name__ == "__main__":
    main()
