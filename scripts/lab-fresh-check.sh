#!/usr/bin/env bash
# Records a fresh capture in the namespace lab and derives the RMON figures it should produce
# from tshark, so that rmonprobe can be checked on traffic it has never seen (the committed
# golden captures could, in time, be fitted to by accident).
#
#   LAB_SECONDS=95 scripts/lab-fresh-check.sh      (needs root: network namespaces)
#
# Leaves its files in a temporary directory and prints their paths.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${LAB_SECONDS:-95}
scripts/install-tshark.sh

dir=$(mktemp -d /tmp/rmonprobe-fresh.XXXXXX)
cap=$dir/fresh.pcapng
expected=$dir/fresh.expected.json
out=$dir/fresh.report.json

scripts/lab.sh record "$cap" "$seconds"
python3 scripts/expected_from_tshark.py "$cap" >"$expected"

# ---- replay and comparison: the Rust side fills this in once `rmonprobe replay` exists ----
# compare: rmonprobe replay "$cap" --json "$out"
#          python3 scripts/compare_report.py "$expected" "$out"
# --------------------------------------------------------------------------------------------

echo "capture:  $cap ($(capinfos -c -M "$cap" | awk -F': *' '/Number of packets/ { print $2 }') frames)"
echo "expected: $expected"
echo "report:   $out (not written yet: see the compare step in $0)"
