#!/usr/bin/env bash
# Proves that the committed expectations still follow from tshark: for every captures/*.pcapng
# that has a captures/*.expected.json beside it, derive the expectation again from the capture
# and diff it against the committed file. Exits non-zero on any difference.
#
#   scripts/golden-check.sh
#
# A difference means either the capture or the oracle (scripts/expected_from_tshark.py) changed,
# or tshark dissects differently: regenerate with the command in captures/README.md only after
# understanding which, since the Rust replay tests trust these files.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-tshark.sh

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

passed=0 failed=0
for cap in captures/*.pcapng; do
  expected=${cap%.pcapng}.expected.json
  [ -f "$expected" ] || continue
  if ! python3 scripts/expected_from_tshark.py "$cap" >"$tmp/now.json" 2>"$tmp/err"; then
    echo "FAIL $cap: the oracle failed:"
    cat "$tmp/err"
    failed=$((failed + 1))
  elif diff -u --label "$expected (committed)" --label "$expected (from tshark now)" \
      "$expected" "$tmp/now.json" >"$tmp/diff"; then
    echo "ok   $cap"
    passed=$((passed + 1))
  else
    echo "FAIL $cap differs from $expected (first lines of the diff):"
    head -n 60 "$tmp/diff"
    failed=$((failed + 1))
  fi
done

if [ $((passed + failed)) -eq 0 ]; then
  echo "no captures/*.pcapng with an .expected.json: nothing was checked"
  exit 1
fi
echo "golden: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
