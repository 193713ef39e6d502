#!/usr/bin/env bash
# Records a fresh capture in the namespace lab and derives the RMON figures it should produce
# from tshark, so that rmonprobe can be checked on traffic it has never seen (the committed
# golden captures could, in time, be fitted to by accident).
#
#   LAB_SECONDS=95 scripts/lab-fresh-check.sh      (needs root: network namespaces)
#
# Replays the capture with rmonprobe and compares the report with tshark's figures: exits 1 on
# any difference (keeping the files for a look), removes its temporary directory when all agree.
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

# The replay under test, against tshark's figures for the same fresh file.
cargo build --release --locked --quiet
target/release/rmonprobe replay "$cap" --json "$out"
echo "capture:  $cap ($(capinfos -c -M "$cap" | awk -F': *' '/Number of packets/ { print $2 }') frames)"
echo "expected: $expected"
echo "report:   $out"
python3 scripts/compare_report.py "$expected" "$out"
buckets=$(python3 -c 'import json, sys; print(len(json.load(open(sys.argv[1]))["etherHistoryTable"]))' "$expected")
echo "complete 30-second buckets compared: $buckets"
if [ "$seconds" -ge 95 ] && [ "$buckets" -lt 3 ]; then
  echo "lab-fresh-check: expected at least 3 complete buckets from $seconds seconds of traffic" >&2
  exit 1
fi
rm -rf "$dir"
