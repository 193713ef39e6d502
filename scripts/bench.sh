#!/usr/bin/env bash
# Replay speed against libpcap's own reading speed, side by side in one run.
#
# Generates (once) a 2,000,000-frame IMIX capture among 5,000 stations with `rmonprobe generate`,
# then times, alternately, `rmonprobe replay F --json /dev/null` (every RMON-1 group computed
# and the full report written) and `tcpdump -r F -w /dev/null` (libpcap merely reading the file),
# RUNS times each (default 3), and prints the medians and their ratio. The file is read once
# beforehand so both start from a warm page cache.
#
#   scripts/bench.sh            BENCH_DIR (default target/bench) keeps the capture between runs
#   RUNS=7 scripts/bench.sh
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh bench
cargo build --release --locked --quiet
probe=target/release/rmonprobe
dir=${BENCH_DIR:-target/bench}
runs=${RUNS:-3}
mkdir -p "$dir"
capture=$dir/imix-2m-5000.pcap
if [ ! -s "$capture" ]; then
  "$probe" generate --out "$capture" --frames 2000000 --stations 5000
fi
cat "$capture" >/dev/null

# Seconds a command takes, to the millisecond.
seconds() {
  local start end
  start=$(date +%s%N)
  "$@" >/dev/null 2>&1
  end=$(date +%s%N)
  echo $(((end - start) / 1000000)) | awk '{ printf "%.3f", $1 / 1000 }'
}

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

replay_times=() tcpdump_times=()
for i in $(seq "$runs"); do
  tcpdump_times+=("$(seconds tcpdump -r "$capture" -w /dev/null)")
  replay_times+=("$(seconds "$probe" replay "$capture" --json /dev/null)")
  echo "run $i: tcpdump ${tcpdump_times[-1]} s, rmonprobe replay ${replay_times[-1]} s"
done
t=$(printf '%s\n' "${tcpdump_times[@]}" | median)
r=$(printf '%s\n' "${replay_times[@]}" | median)
frames=2000000
awk -v t="$t" -v r="$r" -v n="$frames" -v runs="$runs" 'BEGIN {
  printf "\nmedian of %d, %d frames (IMIX 64/576/1500 7:4:1, 5000 stations):\n", runs, n
  printf "  tcpdump -r F -w /dev/null            %6.3f s  %5.2f Mpps\n", t, n / t / 1e6
  printf "  rmonprobe replay F --json /dev/null  %6.3f s  %5.2f Mpps\n", r, n / r / 1e6
  printf "ratio replay/tcpdump: %.2f (goal <= 1.0)\n", r / t
}'
