#!/usr/bin/env bash
# The whole test suite, from a fresh machine: installs what is missing, then
#   1. formatting and lints (cargo fmt --check, cargo clippy -D warnings)
#   2. unit and integration tests, in release (the 830 tcpdump captures, the golden lab
#      captures, the command line, the SNMP agent against net-snmp's tools), and the benches once
#      in test mode
#   3. the golden expectations re-derived from tshark (scripts/golden-check.sh)
#   4. a fresh capture of real traffic in a namespace lab, replayed (and served over SNMP) and
#      compared with tshark's figures (scripts/lab-fresh-check.sh; needs root; LAB_SECONDS,
#      default 95)
#   5. the SNMP agent's core and the capture-file reader fuzzed briefly (scripts/fuzz.sh;
#      FUZZ_SECONDS, default 60, split between them)
# Needs ../shared beside the checkout (or RMONPROBE_SHARED).
set -euo pipefail
cd "$(dirname "$0")/.."
export RMONPROBE_SHARED=${RMONPROBE_SHARED:-$(cd .. && pwd)/shared}
[ -f "$RMONPROBE_SHARED/captures/tcpdump-tests.tsv" ] || {
  echo "test.sh: $RMONPROBE_SHARED/captures/tcpdump-tests.tsv not found; set RMONPROBE_SHARED" >&2
  exit 1
}

# Each step's heading, with the time the one before took (CI has to stay well inside 20 minutes).
step_started=$SECONDS
step() {
  [ "$step_started" -eq "$SECONDS" ] || printf '(%d s)\n' $((SECONDS - step_started))
  step_started=$SECONDS
  printf '\n=== %s\n' "$*"
}

step "system packages"
scripts/deps.sh test

step "format and lints"
cargo fmt --check
cargo fmt --check --manifest-path fuzz/Cargo.toml
cargo clippy --locked --all-targets --quiet -- -D warnings

step "tests"
cargo test --locked --release --all-targets --quiet

step "golden expectations still follow from tshark"
scripts/golden-check.sh
# The passive TCP latency oracle against a capture whose answer is known by construction.
python3 scripts/test_latency_oracle.py

step "fresh lab capture against tshark"
# The fuzz targets build meanwhile: the lab mostly waits on its traffic's clock. A build that
# fails here fails again, with its message, in the fuzz step.
mkdir -p fuzz/target
FUZZ_BUILD_ONLY=1 scripts/fuzz.sh "${FUZZ_SECONDS:-60}" >fuzz/target/prebuild.log 2>&1 &
fuzz_build=$!
scripts/lab-fresh-check.sh

step "fuzz the SNMP core (v1/v2c and v3) and the capture reader briefly"
wait "$fuzz_build" || echo "test.sh: the fuzz targets' early build failed (fuzz/target/prebuild.log); building again"
scripts/fuzz.sh "${FUZZ_SECONDS:-60}"

step "all passed"
printf 'in %d s\n' "$SECONDS"
