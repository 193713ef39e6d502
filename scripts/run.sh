#!/usr/bin/env bash
# From a fresh machine to RMON figures: installs what is missing, builds in release, and runs
# `rmonprobe demo`: the bundled lab capture replayed in a loop at 1x as if live, SNMP served on
# 127.0.0.1:16100, and the terminal UI on it (q quits). Without a terminal (CI, a pipe, a service)
# the demo serves SNMP alone until SIGINT or SIGTERM, then prints the summary of what it counted.
# The capture is built into the binary, so target/release/rmonprobe demo runs from anywhere.
# Extra arguments replay the bundled capture with them (for example `--json -` for the full JSON
# report).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh build
cargo build --release --locked --quiet
if [ "$#" -gt 0 ]; then
  exec target/release/rmonprobe replay captures/lab-basic.pcapng "$@"
fi
exec target/release/rmonprobe demo
