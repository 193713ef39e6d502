#!/usr/bin/env bash
# Fuzzes the SNMP agent's sans-IO core (fuzz/fuzz_targets/agent.rs) with cargo-fuzz / libFuzzer for
# SECONDS (default 60), starting from the seeds in fuzz/corpus/agent (tests/fuzz_seeds.rs writes
# them). Installs cargo-fuzz when missing. Uses the nightly toolchain when there is one, else
# stable with RUSTC_BOOTSTRAP=1 (FUZZ_STABLE=1 forces that). Prints how many inputs ran; exits
# non-zero on a crash, a failed check, a leak or a timeout, with libFuzzer's report and the input
# saved under fuzz/artifacts/agent/.
#
#   scripts/fuzz.sh             60 seconds
#   scripts/fuzz.sh 600
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
export PATH="$HOME/.cargo/bin:$PATH"

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

mkdir -p fuzz/target
log=fuzz/target/agent.log
echo "fuzz.sh: building, then fuzzing the agent for $seconds s (cargo-fuzz and libFuzzer output: $log)"
status=0
"${fuzz[@]}" run agent fuzz/corpus/agent -- -max_total_time="$seconds" -print_final_stats=1 >"$log" 2>&1 ||
  status=$?

runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
[ -n "$runs" ] || runs=$(grep -o '^#[0-9]*' "$log" | tail -n 1 | tr -d '#')
corpus=$(find fuzz/corpus/agent -type f | wc -l)
if [ "$status" -ne 0 ]; then
  tail -n 60 "$log"
  echo "fuzz.sh: FAILED after ${runs:-?} executions (exit status $status); see $log and fuzz/artifacts/agent/" >&2
  exit 1
fi
echo "fuzz.sh: $seconds s, ${runs:-?} executions, no crash (corpus: $corpus inputs)"
