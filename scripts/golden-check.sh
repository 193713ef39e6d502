#!/usr/bin/env bash
# Proves that the committed expectations still follow from tshark: for every captures/*.pcapng
# that has a captures/*.expected.json beside it (and every NAME.if-speed-BITS.expected.json, the
# same capture at another ifSpeed), derive the expectation again from the capture and diff it
# against the committed file; NAME.rmon2.expected.json likewise from
# scripts/expected_rmon2_from_tshark.py. Exits non-zero on any difference.
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
# check ORACLE CAPTURE EXPECTED [oracle options...]
check() {
  local oracle=$1 cap=$2 expected=$3
  shift 3
  if ! python3 "$oracle" "$cap" "$@" >"$tmp/now.json" 2>"$tmp/err"; then
    echo "FAIL $expected: the oracle failed:"
    cat "$tmp/err"
    failed=$((failed + 1))
  elif diff -u --label "$expected (committed)" --label "$expected (from tshark now)" \
      "$expected" "$tmp/now.json" >"$tmp/diff"; then
    echo "ok   $expected"
    passed=$((passed + 1))
  else
    echo "FAIL $expected differs (first lines of the diff):"
    head -n 60 "$tmp/diff"
    failed=$((failed + 1))
  fi
}

for cap in captures/*.pcapng; do
  stem=${cap%.pcapng}
  [ -f "$stem.expected.json" ] && check scripts/expected_from_tshark.py "$cap" "$stem.expected.json"
  # RMON2's network layer: NAME.rmon2.expected.json.
  [ -f "$stem.rmon2.expected.json" ] && check scripts/expected_rmon2_from_tshark.py "$cap" "$stem.rmon2.expected.json"
  # Variants at another ifSpeed: NAME.if-speed-BITS.expected.json.
  for variant in "$stem".if-speed-*.expected.json; do
    [ -f "$variant" ] || continue
    speed=${variant#"$stem".if-speed-}
    check scripts/expected_from_tshark.py "$cap" "$variant" --if-speed "${speed%.expected.json}"
  done
done

if [ $((passed + failed)) -eq 0 ]; then
  echo "no captures/*.pcapng with an .expected.json: nothing was checked"
  exit 1
fi
echo "golden: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
