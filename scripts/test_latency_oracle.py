#!/usr/bin/env python3
"""Checks the passive TCP latency oracle against a capture whose answer is known.

    python3 scripts/test_latency_oracle.py [--keep DIR]

In a temporary folder (or DIR with --keep): scripts/make_handshake_capture.py builds its
capture and ground truth; tshark, checking every checksum, must find no bad checksum, no
malformed frame and no error in it; scripts/expected_latency_from_tshark.py must print exactly
that truth. Then scripts/stretch_time.py stretches the capture x1000: every frame must keep its
bytes with its offset from the first frame exactly a thousand times as long, and the oracle's
tables must equal the truth at x1000 (every delay and sample a thousand times as long, in
microseconds floored from nanoseconds; the SYN 3 s before the end, pending at x1, is 3000 s
before it at x1000 and so unanswered). Exits 1 on the first difference, printing it.

Needs tshark (Wireshark 4.x); standard library only otherwise.
"""

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

sys.dont_write_bytecode = True  # no __pycache__ left in scripts/
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import make_handshake_capture  # noqa: E402
import pcapio  # noqa: E402

FACTOR = 1000
BAD = ("ip.checksum.status == 0 || tcp.checksum.status == 0 || udp.checksum.status == 0 || "
       "icmp.checksum.status == 0 || icmpv6.checksum.status == 0 || _ws.malformed || "
       "_ws.expert.severity == error")


def run(*args):
    res = subprocess.run([sys.executable, *map(str, args)], capture_output=True, text=True)
    if res.returncode != 0:
        sys.exit(f"FAIL: {' '.join(map(str, args))} exited {res.returncode}:\n{res.stderr}")
    return res.stdout


def differences(got, want, path=""):
    """Human-readable differences between two JSON values, row by row."""
    if isinstance(want, dict) and isinstance(got, dict):
        out = []
        for key in sorted(set(want) | set(got)):
            if key not in got:
                out.append(f"{path}.{key}: missing (want {want[key]!r})")
            elif key not in want:
                out.append(f"{path}.{key}: unexpected {got[key]!r}")
            else:
                out += differences(got[key], want[key], f"{path}.{key}")
        return out
    if isinstance(want, list) and isinstance(got, list):
        if len(got) != len(want):
            return [f"{path}: {len(got)} rows, want {len(want)}:\n  got  {got}\n  want {want}"]
        out = []
        for i, (g, w) in enumerate(zip(got, want)):
            out += differences(g, w, f"{path}[{i}]")
        return out
    return [] if got == want and type(got) is type(want) else [f"{path}: {got!r}, want {want!r}"]


def check_frames(capture):
    cmd = ["tshark", "-r", str(capture), "-n", "-o", "ip.check_checksum:TRUE", "-o", "tcp.check_checksum:TRUE",
           "-o", "udp.check_checksum:TRUE", "-Y", BAD]
    res = subprocess.run(cmd, capture_output=True, text=True)
    if res.returncode != 0:
        sys.exit(f"FAIL: tshark exited {res.returncode}:\n{res.stderr}")
    if res.stdout.strip():
        print("FAIL: tshark finds bad frames in the built capture:", res.stdout, sep="\n")
        return False
    print("ok: tshark finds every checksum good, nothing malformed")
    return True


def check(name, capture, want):
    got = json.loads(run(HERE / "expected_latency_from_tshark.py", capture))
    diffs = differences(got, want)
    if diffs:
        print(f"FAIL: {name}: the oracle differs from the truth:", *diffs, sep="\n  ")
        return False
    rows = len(want["tcpLatencyServerTable"]), len(want["tcpLatencyPairTable"])
    print(f"ok: {name}: {rows[0]} server rows and {rows[1]} pair rows as built")
    return True


def check_stretch(original, stretched):
    _, before = pcapio.read_capture(original)
    _, after = pcapio.read_capture(stretched)
    if len(before) != len(after):
        print(f"FAIL: stretch: {len(after)} frames, want {len(before)}")
        return False
    origin = before[0].ts_ns
    for i, (b, a) in enumerate(zip(before, after), 1):
        if a.data != b.data or a.origlen != b.origlen:
            print(f"FAIL: stretch: frame {i} changed its bytes")
            return False
        if a.ts_ns != origin + FACTOR * (b.ts_ns - origin):
            print(f"FAIL: stretch: frame {i} at {a.ts_ns} ns, want {origin + FACTOR * (b.ts_ns - origin)}")
            return False
    print(f"ok: stretch: {len(after)} frames, same bytes, offsets x{FACTOR}")
    return True


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--keep", metavar="DIR", help="build in DIR and leave the files there")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="latency-oracle.") as tmp:
        folder = Path(args.keep or tmp)
        folder.mkdir(parents=True, exist_ok=True)
        capture = folder / "handshakes.pcap"
        stretched = folder / f"handshakes-x{FACTOR}.pcapng"
        run(HERE / "make_handshake_capture.py", capture)
        truth = json.loads((folder / "handshakes.truth.json").read_text())
        _, built = make_handshake_capture.build()
        ok = truth == built.tables(1)
        if not ok:
            print("FAIL: the truth file differs from the builder's truth")
        ok = check_frames(capture) and ok
        ok = check("x1", capture, truth) and ok
        run(HERE / "stretch_time.py", capture, stretched, FACTOR)
        ok = check_stretch(capture, stretched) and ok
        ok = check(f"x{FACTOR}", stretched, built.tables(FACTOR)) and ok
    if not ok:
        sys.exit(1)
    print("all passed")


if __name__ == "__main__":
    main()
