#!/usr/bin/env bash
# Replay speed against libpcap's own reading speed, side by side in one run.
#
# 1. Generates (once) a 2,000,000-frame IMIX capture among 5,000 stations with `rmonprobe generate`,
# then times, alternately, `rmonprobe replay F --json /dev/null` (every RMON-1 group computed
# and the full report written) and `tcpdump -r F -w /dev/null` (libpcap merely reading the file),
# RUNS times each (default 3), and prints the medians and their ratio. The file is read once
# beforehand so both start from a warm page cache.
#
# 2. The SNMP agent under a manager's heaviest read: `snmpbulkwalk -v2c -Cr50` of the whole
# hostTable (10 columns of 10,017 hosts: a capture among 10,000 stations, generated once), its
# output to a file. Timed RUNS times against `rmonprobe replay F --serve` with the replay done
# (idle), then RUNS times while a replay runs at full speed (the workers busy counting: the same
# file given 60 times over). Prints both medians and the goal (< 1 s).
#
#   scripts/bench.sh            BENCH_DIR (default target/bench) keeps the capture between runs
#   RUNS=7 scripts/bench.sh
#   SNMP_PORT=16161 (default) the local UDP port the agent serves on
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

# --- 2. snmpbulkwalk of hostTable, 10,000 stations ---------------------------------------------
hosts_capture=$dir/imix-200k-10000.pcap
if [ ! -s "$hosts_capture" ]; then
  "$probe" generate --out "$hosts_capture" --frames 200000 --stations 10000
fi
cat "$hosts_capture" >/dev/null
port=${SNMP_PORT:-16161}
agent=127.0.0.1:$port
host_table=1.3.6.1.2.1.16.4.2
host_control_table_size=1.3.6.1.2.1.16.4.1.1.3.1
walk_out=$dir/hosttable-walk.txt
pids=()
stop_all() {
  local pid
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  pids=()
}
trap stop_all EXIT

# Waits until the agent answers and its hostTable has at least $1 hosts; prints the count.
wait_for_hosts() {
  local n deadline=$((SECONDS + 60))
  while [ $SECONDS -lt $deadline ]; do
    n=$(snmpget -v2c -c public -Oqv -t 0.2 -r 0 "$agent" "$host_control_table_size" 2>/dev/null || true)
    if [[ "$n" =~ ^[0-9]+$ ]] && [ "$n" -ge "$1" ]; then
      echo "$n"
      return 0
    fi
    sleep 0.05
  done
  echo "bench.sh: the agent on $agent did not show $1 hosts within 60 s" >&2
  return 1
}

# Times one walk of hostTable into $walk_out; checks it read 10 columns of $1 hosts.
time_walk() {
  local start end lines
  start=$(date +%s%N)
  snmpbulkwalk -v2c -c public -Cr50 -On "$agent" "$host_table" >"$walk_out"
  end=$(date +%s%N)
  lines=$(wc -l <"$walk_out")
  if [ "$lines" -ne $((10 * $1)) ]; then
    echo "bench.sh: the walk gave $lines lines, not 10 x $1 hosts (see $walk_out)" >&2
    return 1
  fi
  echo $(((end - start) / 1000000)) | awk '{ printf "%.3f", $1 / 1000 }'
}

echo
"$probe" replay "$hosts_capture" --snmp "$agent" --serve >"$dir/serve.log" 2>&1 &
pids+=($!)
wait_for_hosts 10000 >/dev/null
# The replay has ended once its summary is written; the agent then serves the final tables, read
# afresh after at most a second.
until [ -s "$dir/serve.log" ]; do sleep 0.05; done
sleep 1.1
hosts=$(wait_for_hosts 10000)
idle_times=()
for i in $(seq "$runs"); do
  t=$(time_walk "$hosts")
  idle_times+=("$t")
  echo "walk $i, replay done: ${idle_times[-1]} s ($((10 * hosts)) varbinds)"
done
stop_all

# The same walk while a replay counts at full speed: the capture 60 times over (12M frames).
busy_files=()
for _ in $(seq 60); do busy_files+=("$hosts_capture"); done
busy_times=()
for i in $(seq "$runs"); do
  "$probe" replay "${busy_files[@]}" --snmp "$agent" >/dev/null 2>&1 &
  pid=$!
  pids=("$pid")
  wait_for_hosts "$hosts" >/dev/null
  t=$(time_walk "$hosts")
  busy_times+=("$t")
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "bench.sh: the replay ended before the walk did; the walk was not all during it" >&2
    exit 1
  fi
  echo "walk $i, during a replay: ${busy_times[-1]} s"
  stop_all
done

wi=$(printf '%s\n' "${idle_times[@]}" | median)
wb=$(printf '%s\n' "${busy_times[@]}" | median)
awk -v i="$wi" -v b="$wb" -v h="$hosts" -v runs="$runs" 'BEGIN {
  printf "\nmedian of %d, snmpbulkwalk -v2c -Cr50 of hostTable (%d hosts, %d varbinds, output to a file):\n", runs, h, 10 * h
  printf "  replay done (--serve)          %6.3f s\n", i
  printf "  during a full-speed replay     %6.3f s\n", b
  printf "goal: < 1 s each\n"
}'
