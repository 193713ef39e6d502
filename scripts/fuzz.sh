#!/usr/bin/env bash
# Fuzzes with cargo-fuzz / libFuzzer for SECONDS (default 60) in all, split evenly between the
# targets (each gets at least MIN_SECONDS, so a short run still reaches all):
#
#   agent     the SNMP agent's sans-IO core (fuzz/fuzz_targets/agent.rs)
#   usm       the same core over SNMPv3 messages (fuzz/fuzz_targets/usm.rs)
#   capture   the capture-file reader and frame classification (fuzz/fuzz_targets/capture.rs)
#   decap     --decap auto: tunnel packets opened, sessions made data sources (fuzz/fuzz_targets/decap.rs)
#
# Each starts from its seeds in fuzz/corpus/TARGET (tests/fuzz_seeds.rs writes and checks them).
# Installs cargo-fuzz when missing. Uses the nightly toolchain when there is one, else stable with
# RUSTC_BOOTSTRAP=1 (FUZZ_STABLE=1 forces that). Prints how many inputs each target ran; every
# target runs even after one fails, and the script exits non-zero if any found a crash, a failed
# check, a leak or a timeout, with libFuzzer's report and the input saved under
# fuzz/artifacts/TARGET/.
#
#   scripts/fuzz.sh                 60 seconds, 20 for each target
#   scripts/fuzz.sh 600
#   scripts/fuzz.sh 120 capture     one target only
#   FUZZ_BUILD_ONLY=1 scripts/fuzz.sh 60   build the targets as the same run would, and stop
#                                   (the test suite builds them while the namespace lab records)
#
# A short run (under FULL_BUILD_SECONDS, as the test suite's) builds the targets with the fuzz
# crate's dev profile (opt-level 1) and without AddressSanitizer (`cargo fuzz run --dev -s none`):
# the code fuzzed is safe Rust, so ASan finds nothing there that a panic would not, and the
# optimized, instrumented build of every dependency took five of the suite's minutes. Measured
# here, 60 s of fuzzing in all: 400 s with the release build, 320 s with this one (agent 576,129
# inputs, usm 1,214,280, capture 155,086); at opt-level 0, 219 s but a hundred times fewer
# inputs for the capture target. Longer runs, or FUZZ_RELEASE=1, build optimized with ASan.
# Debug assertions and overflow checks are on in both. The fuzz crate is a crate of its own that
# no other step builds: a change that breaks it fails here.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(agent usm capture decap)
MIN_SECONDS=5
export PATH="$HOME/.cargo/bin:$PATH"

if ! [[ "$seconds" =~ ^[0-9]+$ ]]; then
  echo "fuzz.sh: SECONDS must be a whole number, not '$seconds'" >&2
  exit 2
fi
for target in "${targets[@]}"; do
  if [ ! -f "fuzz/fuzz_targets/$target.rs" ]; then
    echo "fuzz.sh: no fuzz target '$target' (fuzz/fuzz_targets/$target.rs)" >&2
    exit 2
  fi
done
each=$((seconds / ${#targets[@]}))
[ "$each" -ge "$MIN_SECONDS" ] || each=$MIN_SECONDS

if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "fuzz.sh: installing cargo-fuzz" >&2
  cargo install cargo-fuzz --locked
fi
if [ -z "${FUZZ_STABLE:-}" ] && cargo +nightly --version >/dev/null 2>&1; then
  fuzz=(cargo +nightly fuzz)
else
  echo "fuzz.sh: no nightly toolchain (or FUZZ_STABLE set): stable with RUSTC_BOOTSTRAP=1" >&2
  export RUSTC_BOOTSTRAP=1
  fuzz=(cargo fuzz)
fi

FULL_BUILD_SECONDS=300
if [ -n "${FUZZ_RELEASE:-}" ] || [ "$seconds" -ge "$FULL_BUILD_SECONDS" ]; then
  build=(-O)
else
  build=(--dev -s none)
fi

mkdir -p fuzz/target
if [ -n "${FUZZ_BUILD_ONLY:-}" ]; then
  for target in "${targets[@]}"; do
    "${fuzz[@]}" build "${build[@]}" "$target"
  done
  exit 0
fi
failed=()
for target in "${targets[@]}"; do
  log=fuzz/target/$target.log
  echo "fuzz.sh: building, then fuzzing $target for $each s (cargo-fuzz and libFuzzer output: $log)"
  status=0
  "${fuzz[@]}" run "${build[@]}" "$target" "fuzz/corpus/$target" -- -max_total_time="$each" -print_final_stats=1 >"$log" 2>&1 ||
    status=$?

  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  [ -n "$runs" ] || runs=$(grep -o '^#[0-9]*' "$log" | tail -n 1 | tr -d '#')
  corpus=$(find "fuzz/corpus/$target" -type f | wc -l)
  if [ "$status" -ne 0 ]; then
    tail -n 60 "$log"
    echo "fuzz.sh: $target FAILED after ${runs:-?} executions (exit status $status); see $log and fuzz/artifacts/$target/" >&2
    failed+=("$target")
  else
    echo "fuzz.sh: $target: $each s, ${runs:-?} executions, no crash (corpus: $corpus inputs)"
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz.sh: FAILED: ${failed[*]}" >&2
  exit 1
fi
