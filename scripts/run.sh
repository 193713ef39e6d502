#!/usr/bin/env bash
# From a fresh machine to RMON figures: installs what is missing, builds in release, replays the
# bundled lab capture and prints the summary. Extra arguments go to `rmonprobe replay`
# (for example `--json -` for the full JSON report).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh build
cargo build --release --locked --quiet
exec target/release/rmonprobe replay captures/lab-basic.pcapng "$@"
