#!/usr/bin/env bash
# Replay and live-capture speed against libpcap's own, side by side in one run. Eight sections:
#
# replay: generates (once) a 2,000,000-frame IMIX capture among 5,000 stations (IPv4 and IPv6)
# with `rmonprobe generate`, then times, alternately, `rmonprobe replay F --json /dev/null`
# (every default RMON-1 and RMON2 row, network and application layer, computed and the full
# report written) and
# `tcpdump -r F -w /dev/null` (libpcap merely reading the file), RUNS times each (default 3), and
# prints the medians and their ratio. The file is read once beforehand so both start from a warm
# page cache. The same rounds time the replay with the application layer off
# (benches/network-layer.toml: RMON-1 and RMON2's network layer). With BASELINE_BIN (an older
# build), the same rounds also time the older one with
# every default row, and this build and the older one with the RMON-1 rows only
# (benches/rmon1.toml), and print both ratios.
#
# workers: the same replay with `--workers 1` and `--workers 2` (WORKERS="1 2 4 8" for others)
# and tcpdump -r, alternately, RUNS times each; prints the medians, the speed-up over the first
# count and the ratio to tcpdump (the reader thread is one more thread: on a 2-core machine it
# shares the cores with the workers). The same for a routed copy of the capture (generated once,
# `rmonprobe generate --routed`: every frame between a router's and a firewall's MAC address, as
# behind a router), which the workers must share by IP conversation.
#
# filters: the same replay without and with benches/filters.toml (16 filters on 4 channels, a
# lockWhenFull buffer of 1 MiB and a wrapWhenFull buffer of 4 MiB taking 128 octets of every
# frame), alternately, RUNS times each; prints the medians and the share of the throughput kept
# (goal >= 0.70).
#
# alarms: the same replay without alarms, with benches/alarms.toml (two deltaValue alarms on
# etherStats counters, read every half second of capture time: 400 readings of the workers) and
# with benches/alarms-hosts.toml (one alarm on hostControlTableSize, 20 readings, each copying
# every worker's host and matrix tables), alternately, RUNS times each; prints the medians, the
# share of the throughput kept and the cost of one reading. A reading stops the reader until
# the workers have counted every frame before it, so its cost is mostly that pause.
#
# latency: passive TCP latency's cost. A 2,000,000-frame IMIX capture among 5,000 stations in which
# 30 % of the frames belong to TCP connections (`rmonprobe generate --tcp 30`: whole handshakes,
# data both ways, every segment timestamped; generated once) is replayed with every default row,
# with and without latency tracking (benches/no-latency.toml), alternately, RUNS times each;
# prints the medians and the share of the throughput kept (goal >= 0.85).
#
# decap: what decapsulating a remote mirror costs (issue 21). The replay section's IMIX capture
# is wrapped once in VXLAN (`scripts/wrap_tunnel.py F W vxlan`: every frame in outer Ethernet,
# IPv4, UDP 4789 and VXLAN, VNI 100; about 30 s and 4.5 GB of memory for 2,000,000 frames),
# then `rmonprobe replay F --json /dev/null` and `rmonprobe replay W --decap vxlan --json
# /dev/null` are timed alternately, RUNS times each; prints the medians, the frames per second
# of each (the same 2,000,000 frames, bare or each in its tunnel packet) and their ratio,
# wrapped with --decap over plain (goal >= 0.90). W is replayed once without error before
# anything is timed, and that run's etherStats rows (index, data source, packets) are printed,
# to show which data sources the tunnel became.
#
# snmp: the SNMP agent under a manager's heaviest read: `snmpbulkwalk -v2c -Cr50` of the whole
# hostTable (10 columns of 10,017 hosts: a capture among 10,000 stations, generated once), its
# output to a file. Timed RUNS times against `rmonprobe replay F --serve` with the replay done
# (idle), then RUNS times while a replay runs at full speed (the workers busy counting: the same
# file given 60 times over). Prints both medians and the goal (< 1 s).
#
# live (root): two network namespaces, a generator and a monitor, joined by one veth pair
# (offloads off, IPv6 off, the monitor end up without an address and with ARP off, so that only
# the flood crosses it). `tcpreplay --topspeed` sends a generated IMIX capture (LIVE_FRAMES,
# default 1,000,000 frames: a few seconds) from the generator while each receiver in turn
# captures on the monitor end: nothing (the sender's own rate), `rmonprobe run --engine pcap`,
# `--engine afxdp` (skipped, with the reason, when it cannot open), `--engine pcap --workers 2`,
# and `tcpdump -w /dev/null`, all with the same kernel buffer (rmonprobe's default --buffer-mb;
# tcpdump -B of the same size). Each receiver is started, awaited until it captures, flooded,
# given a second, stopped with SIGINT; its counts (rmonprobe: the JSON report's
# rmonprobe.captures[]; tcpdump: its figures on stderr) are checked against what tcpreplay sent
# and what the monitor interface received (`ip -s link`). RUNS rounds; medians per receiver.
# The namespaces are removed on exit.
#
#   scripts/bench.sh            BENCH_DIR (default target/bench) keeps the captures between runs
#   RUNS=7 scripts/bench.sh
#   BASELINE_BIN=/path/to/older/rmonprobe BENCH_SECTIONS=replay scripts/bench.sh   (replay: the
#        older build timed in the same rounds, alternately, and the ratio of the two printed)
#   BENCH_SECTIONS="workers live" scripts/bench.sh   (default: replay workers filters alarms latency
#        decap snmp live)
#   WORKERS="1 2 4 8 12" BENCH_SECTIONS=workers scripts/bench.sh   (scaling on a many-core machine)
#   REPLAY_WORKERS=12 BENCH_SECTIONS=replay scripts/bench.sh   (the replay section with 12 workers)
#   PROBE_BIN=/path/to/rmonprobe   a build made elsewhere: no packages installed, nothing built
#   SNMP_PORT=16161 (default) the local UDP port the agent serves on
#   LIVE_FRAMES=1000000 (default) frames in the live flood
set -euo pipefail
cd "$(dirname "$0")/.."
sections=${BENCH_SECTIONS:-replay workers filters alarms latency decap snmp live}
for s in $sections; do
  case $s in
    replay | workers | filters | alarms | latency | decap | snmp | live) ;;
    *)
      echo "bench.sh: unknown section '$s' in BENCH_SECTIONS (replay, workers, filters, alarms, latency, decap," \
        "snmp, live)" >&2
      exit 2
      ;;
  esac
done
want() { [[ " $sections " == *" $1 "* ]]; }
if want live && [ "$(id -u)" -ne 0 ]; then
  echo "bench.sh: the live section needs root (network namespaces); run as root or leave it out" \
    "with BENCH_SECTIONS=\"replay workers snmp\"" >&2
  exit 2
fi
if [[ -n "${PROBE_BIN:-}" ]]; then
  # A build made elsewhere, for a machine without the toolchain (tcpdump must be on PATH).
  probe=$PROBE_BIN
else
  scripts/deps.sh bench
  cargo build --release --locked --quiet
  probe=target/release/rmonprobe
fi
dir=${BENCH_DIR:-target/bench}
runs=${RUNS:-3}
# The workers section's worker counts, the first being the one the speed-ups are against.
workers_list=${WORKERS:-1 2}
# The replay section's --workers (default 1): on a many-core machine, the pipelines spread.
replay_workers=${REPLAY_WORKERS:-1}
mkdir -p "$dir"

# Background processes and namespaces this script started, ended and removed on exit.
pids=()
namespaces=()
stop_all() {
  local pid
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  pids=()
}
cleanup() {
  local ns
  stop_all
  for ns in "${namespaces[@]}"; do ip netns del "$ns" 2>/dev/null || true; done
  namespaces=()
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Seconds a command takes, to the millisecond.
seconds() {
  local start end
  start=$(date +%s%N)
  "$@" >/dev/null 2>&1
  end=$(date +%s%N)
  echo $(((end - start) / 1000000)) | awk '{ printf "%.3f", $1 / 1000 }'
}

# Other work on the machine shows in these figures; say how busy it was.
load_average() { echo "load average (1, 5, 15 min): $(cut -d ' ' -f 1-3 /proc/loadavg)"; }

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# The 2,000,000-frame IMIX capture of the replay and workers sections.
capture=$dir/imix-v6-2m-5000.pcap
frames=2000000
imix_capture() {
  if [ ! -s "$capture" ]; then
    "$probe" generate --out "$capture" --frames "$frames" --stations 5000
  fi
  cat "$capture" >/dev/null
}

# --- replay: rmonprobe replay against tcpdump -r ---------------------------------------------
bench_replay() {
  imix_capture
  local i t r b o a l c replay_times=() tcpdump_times=() baseline_times=() rmon1_times=() baseline_all_times=()
  local network_times=()
  # A configuration the probe refused would time as a fast run: each is tried once first.
  for c in benches/rmon1.toml benches/network-layer.toml; do
    "$probe" replay "$capture" --config "$c" --json /dev/null >/dev/null ||
      { echo "bench.sh: the replay with $c failed" >&2; exit 1; }
  done
  for i in $(seq "$runs"); do
    tcpdump_times+=("$(seconds tcpdump -r "$capture" -w /dev/null)")
    replay_times+=("$(seconds "$probe" replay "$capture" --workers "$replay_workers" --json /dev/null)")
    network_times+=("$(seconds "$probe" replay "$capture" --workers "$replay_workers" --config benches/network-layer.toml --json /dev/null)")
    if [[ -n "${BASELINE_BIN:-}" ]]; then
      baseline_all_times+=("$(seconds "$BASELINE_BIN" replay "$capture" --workers "$replay_workers" --json /dev/null)")
      rmon1_times+=("$(seconds "$probe" replay "$capture" --workers "$replay_workers" --config benches/rmon1.toml --json /dev/null)")
      baseline_times+=("$(seconds "$BASELINE_BIN" replay "$capture" --workers "$replay_workers" --config benches/rmon1.toml --json /dev/null)")
      echo "run $i: tcpdump ${tcpdump_times[-1]} s, rmonprobe replay ${replay_times[-1]} s," \
        "network layer ${network_times[-1]} s, baseline ${baseline_all_times[-1]} s," \
        "RMON-1 rows only ${rmon1_times[-1]} s, baseline (RMON-1 rows) ${baseline_times[-1]} s"
    else
      echo "run $i: tcpdump ${tcpdump_times[-1]} s, rmonprobe replay ${replay_times[-1]} s," \
        "network layer ${network_times[-1]} s"
    fi
  done
  t=$(printf '%s\n' "${tcpdump_times[@]}" | median)
  r=$(printf '%s\n' "${replay_times[@]}" | median)
  l=$(printf '%s\n' "${network_times[@]}" | median)
  b=0
  o=0
  a=0
  if [[ -n "${BASELINE_BIN:-}" ]]; then
    b=$(printf '%s\n' "${baseline_times[@]}" | median)
    o=$(printf '%s\n' "${rmon1_times[@]}" | median)
    a=$(printf '%s\n' "${baseline_all_times[@]}" | median)
  fi
  load_average
  awk -v t="$t" -v r="$r" -v l="$l" -v b="$b" -v o="$o" -v a="$a" -v n="$frames" -v runs="$runs" \
    -v w="$replay_workers" -v cores="$(nproc)" 'BEGIN {
    printf "\nmedian of %d, %d frames (IMIX 64/576/1500 7:4:1, 5000 stations, IPv4 and IPv6), --workers %d, %d cores:\n", runs, n, w, cores
    printf "  tcpdump -r F -w /dev/null            %6.3f s  %5.2f Mpps\n", t, n / t / 1e6
    printf "  rmonprobe replay F --json /dev/null  %6.3f s  %5.2f Mpps  (RMON-1 and RMON2 rows)\n", r, n / r / 1e6
    printf "ratio replay/tcpdump: %.2f (goal <= 1.0)\n", r / t
    printf "  the same, application layer off       %6.3f s  %5.2f Mpps  (benches/network-layer.toml)\n", l, n / l / 1e6
    printf "ratio replay/tcpdump, RMON-1 and RMON2 network layer: %.2f (goal <= 1.0)\n", l / t
    if (b > 0) {
      printf "  baseline build, every default row     %6.3f s  %5.2f Mpps\n", a, n / a / 1e6
      printf "every default row, this build against the baseline: %.3f\n", r / a
      printf "  RMON-1 rows only (benches/rmon1.toml) %6.3f s  %5.2f Mpps\n", o, n / o / 1e6
      printf "  baseline build, the same rows         %6.3f s  %5.2f Mpps\n", b, n / b / 1e6
      printf "RMON-1 rows, this build against the baseline: %.3f (goal <= 1.05)\n", o / b
    }
  }'
}

# --- workers: replay with 1 and 2 counting workers --------------------------------------------
bench_workers() {
  imix_capture
  local i w t m r line routed=$dir/imix-routed-2m-5000.pcap tcpdump_times=()
  local -A times=() routed_times=()
  if [ ! -s "$routed" ]; then
    "$probe" generate --out "$routed" --frames "$frames" --stations 5000 --routed
  fi
  cat "$routed" >/dev/null
  for i in $(seq "$runs"); do
    tcpdump_times+=("$(seconds tcpdump -r "$capture" -w /dev/null)")
    line="run $i: tcpdump ${tcpdump_times[-1]} s"
    for w in $workers_list; do
      times[$w]+="$(seconds "$probe" replay "$capture" --workers "$w" --json /dev/null) "
      routed_times[$w]+="$(seconds "$probe" replay "$routed" --workers "$w" --json /dev/null) "
      line+=", --workers $w $(echo "${times[$w]}" | awk '{ print $NF }') s"
      line+=" (routed $(echo "${routed_times[$w]}" | awk '{ print $NF }') s)"
    done
    echo "$line"
  done
  load_average
  t=$(printf '%s\n' "${tcpdump_times[@]}" | median)
  printf "\nmedian of %d, rmonprobe replay F --json /dev/null, %d frames, %d cores:\n" "$runs" "$frames" "$(nproc)"
  printf "  tcpdump -r F -w /dev/null  %6.3f s\n" "$t"
  local first="" first_routed=""
  for w in $workers_list; do
    m=$(printf '%s\n' ${times[$w]} | median)
    r=$(printf '%s\n' ${routed_times[$w]} | median)
    first=${first:-$m}
    first_routed=${first_routed:-$r}
    awk -v w="$w" -v m="$m" -v one="$first" -v t="$t" -v n="$frames" -v r="$r" -v rone="$first_routed" 'BEGIN {
      printf "  --workers %-3d %6.3f s  %5.2f Mpps  speed-up %.2f  ratio to tcpdump %.2f", w, m, n / m / 1e6, one / m, m / t
      printf "  | routed %6.3f s  speed-up %.2f\n", r, rone / r
    }'
  done
  echo "(routed: the same traffic on one MAC pair, \`generate --routed\`: the conversations still spread)"
  echo "(goal: speed-up >= 1.8 with 2 workers, on a machine with a core for the reader and each worker)"
}

# --- filters: 16 filters, 4 channels, 2 capture buffers ----------------------------------------
bench_filters() {
  imix_capture
  local i a b c without=() filters=() with=()
  # The same channels and filters without the buffers: what the filters alone cost.
  sed '/^\[\[bufferControl\]\]/,$d' benches/filters.toml >"$dir/filters-no-buffers.toml"
  for i in $(seq "$runs"); do
    without+=("$(seconds "$probe" replay "$capture" --json /dev/null)")
    filters+=("$(seconds "$probe" replay "$capture" --config "$dir/filters-no-buffers.toml" --json /dev/null)")
    with+=("$(seconds "$probe" replay "$capture" --config benches/filters.toml --json /dev/null)")
    echo "run $i: without ${without[-1]} s, filters ${filters[-1]} s, filters and buffers ${with[-1]} s"
  done
  load_average
  a=$(printf '%s\n' "${without[@]}" | median)
  b=$(printf '%s\n' "${filters[@]}" | median)
  c=$(printf '%s\n' "${with[@]}" | median)
  awk -v a="$a" -v b="$b" -v c="$c" -v n="$frames" -v runs="$runs" 'BEGIN {
    printf "\nmedian of %d, rmonprobe replay F --json /dev/null, %d frames:\n", runs, n
    printf "  no channel                                     %6.3f s  %5.2f Mpps\n", a, n / a / 1e6
    printf "  16 filters, 4 channels                         %6.3f s  %5.2f Mpps  kept %.2f\n", b, n / b / 1e6, a / b
    printf "  16 filters, 4 channels, 2 capture buffers      %6.3f s  %5.2f Mpps  kept %.2f\n", c, n / c / 1e6, a / c
    printf "throughput kept with the buffers: %.2f (goal >= 0.70)\n", a / c
  }'
}

# --- alarms: readings on the packets' clock -----------------------------------------------------
bench_alarms() {
  imix_capture
  local i a b c without=() counters=() hosts=()
  for i in $(seq "$runs"); do
    without+=("$(seconds "$probe" replay "$capture" --json /dev/null)")
    counters+=("$(seconds "$probe" replay "$capture" --config benches/alarms.toml --json /dev/null)")
    hosts+=("$(seconds "$probe" replay "$capture" --config benches/alarms-hosts.toml --json /dev/null)")
    echo "run $i: without ${without[-1]} s, counter alarms ${counters[-1]} s, host alarm ${hosts[-1]} s"
  done
  load_average
  a=$(printf '%s\n' "${without[@]}" | median)
  b=$(printf '%s\n' "${counters[@]}" | median)
  c=$(printf '%s\n' "${hosts[@]}" | median)
  awk -v a="$a" -v b="$b" -v c="$c" -v n="$frames" -v runs="$runs" 'BEGIN {
    printf "\nmedian of %d, rmonprobe replay F --json /dev/null, %d frames:\n", runs, n
    printf "  no alarm                                        %6.3f s  %5.2f Mpps\n", a, n / a / 1e6
    printf "  2 counter alarms, 400 readings                  %6.3f s  %5.2f Mpps  kept %.2f\n", b, n / b / 1e6, a / b
    printf "  1 host alarm, 20 readings of the host tables    %6.3f s  %5.2f Mpps  kept %.2f\n", c, n / c / 1e6, a / c
    printf "cost of one reading: %.2f ms (counters), %.2f ms (host tables)\n", (b - a) / 400 * 1000, (c - a) / 20 * 1000
  }'
}

# --- latency: passive TCP latency on and off -----------------------------------------------------
bench_latency() {
  local tcp_capture=$dir/imix-tcp30-2m-5000.pcap i a b on=() off=()
  if [ ! -s "$tcp_capture" ]; then
    "$probe" generate --out "$tcp_capture" --frames "$frames" --stations 5000 --tcp 30
  fi
  cat "$tcp_capture" >/dev/null
  for i in $(seq "$runs"); do
    off+=("$(seconds "$probe" replay "$tcp_capture" --config benches/no-latency.toml --json /dev/null)")
    on+=("$(seconds "$probe" replay "$tcp_capture" --json /dev/null)")
    echo "run $i: latency off ${off[-1]} s, latency on ${on[-1]} s"
  done
  load_average
  a=$(printf '%s\n' "${off[@]}" | median)
  b=$(printf '%s\n' "${on[@]}" | median)
  awk -v a="$a" -v b="$b" -v n="$frames" -v runs="$runs" 'BEGIN {
    printf "\nmedian of %d, rmonprobe replay F --json /dev/null, %d frames (30 %% TCP), every default row:\n", runs, n
    printf "  latency tracking off    %6.3f s  %5.2f Mpps\n", a, n / a / 1e6
    printf "  latency tracking on     %6.3f s  %5.2f Mpps  kept %.2f\n", b, n / b / 1e6, a / b
    printf "throughput kept with latency tracking: %.2f (goal >= 0.85)\n", a / b
  }'
}

# --- decap: replay of the capture against replay --decap of it wrapped in VXLAN -----------------
bench_decap() {
  local wrapped=${capture%.pcap}.vxlan.pcapng check=$dir/decap-check.json i a b start plain=() decap=()
  imix_capture
  # Wrapped again whenever the capture is newer than the wrapped copy (a new generate).
  if [ ! -s "$wrapped" ] || [ "$capture" -nt "$wrapped" ]; then
    start=$(date +%s%N)
    python3 scripts/wrap_tunnel.py "$capture" "$wrapped.part" vxlan
    mv "$wrapped.part" "$wrapped"
    echo "wrapped in VXLAN in $(awk -v ns=$(($(date +%s%N) - start)) 'BEGIN { printf "%.1f", ns / 1e9 }') s: $wrapped"
  fi
  # `seconds` ignores a failing command: prove once that the decapsulating replay runs (this
  # also reads the wrapped file into the page cache), and show what it made of the tunnel.
  if ! "$probe" replay "$wrapped" --decap vxlan --json "$check" >"$dir/decap-check.log" 2>&1; then
    echo "bench.sh: rmonprobe replay $wrapped --decap vxlan failed:" >&2
    tail -n 5 "$dir/decap-check.log" >&2
    exit 1
  fi
  echo "rmonprobe replay $wrapped --decap vxlan: its etherStats rows:"
  python3 -c '
import json, sys
for row in json.load(open(sys.argv[1])).get("etherStatsTable", []):
    print("  etherStatsIndex %s: %s, %s packets" % (row.get("etherStatsIndex"), row.get("etherStatsDataSource"),
                                                  row.get("etherStatsPkts")))' "$check"
  for i in $(seq "$runs"); do
    plain+=("$(seconds "$probe" replay "$capture" --json /dev/null)")
    decap+=("$(seconds "$probe" replay "$wrapped" --decap vxlan --json /dev/null)")
    echo "run $i: plain ${plain[-1]} s, wrapped with --decap vxlan ${decap[-1]} s"
  done
  load_average
  a=$(printf '%s\n' "${plain[@]}" | median)
  b=$(printf '%s\n' "${decap[@]}" | median)
  awk -v a="$a" -v b="$b" -v n="$frames" -v runs="$runs" 'BEGIN {
    printf "\nmedian of %d, %d frames (IMIX, 5000 stations), every default row:\n", runs, n
    printf "  rmonprobe replay F --json /dev/null                %6.3f s  %5.2f Mpps\n", a, n / a / 1e6
    printf "  rmonprobe replay W --decap vxlan --json /dev/null  %6.3f s  %5.2f Mpps  (W: F in VXLAN)\n", b, n / b / 1e6
    printf "throughput ratio, wrapped with --decap / plain: %.2f (goal >= 0.90)\n", a / b
  }'
}

# --- snmp: snmpbulkwalk of hostTable, 10,000 stations -----------------------------------------
bench_snmp() {
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

  echo
  "$probe" replay "$hosts_capture" --snmp "$agent" --serve >"$dir/serve.log" 2>&1 &
  pids+=($!)
  wait_for_hosts 10000 >/dev/null
  # The replay has ended once its summary is written; the agent then serves the final tables,
  # read afresh after at most a second.
  until [ -s "$dir/serve.log" ]; do sleep 0.05; done
  sleep 1.1
  local i t pid hosts wi wb idle_times=() busy_times=() busy_files=()
  hosts=$(wait_for_hosts 10000)
  for i in $(seq "$runs"); do
    t=$(time_walk "$hosts")
    idle_times+=("$t")
    echo "walk $i, replay done: ${idle_times[-1]} s ($((10 * hosts)) varbinds)"
  done
  stop_all

  # The same walk while a replay counts at full speed: the capture 60 times over (12M frames).
  for _ in $(seq 60); do busy_files+=("$hosts_capture"); done
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
}

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

# --- live: a tcpreplay flood over a veth pair, captured by each receiver in turn ---------------
gen_ns=rmonprobe-bench-gen-$$
mon_ns=rmonprobe-bench-mon-$$
gen_if=bench-gen
mon_if=bench-mon

# The generator and monitor namespaces and their veth pair, quiet but for what tcpreplay sends.
live_setup() {
  local ns end
  for ns in "$gen_ns" "$mon_ns"; do
    ip netns add "$ns"
    namespaces+=("$ns")
    # Before the veth exists, so that its ends never get an IPv6 link-local address either.
    ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
  done
  ip link add "$gen_if" netns "$gen_ns" type veth peer name "$mon_if" netns "$mon_ns"
  for end in "$gen_ns $gen_if" "$mon_ns $mon_if"; do
    read -r ns end <<<"$end"
    # Offloads off: the receivers see the frames as sent, one by one, not GRO-merged.
    if ! ip netns exec "$ns" ethtool -K "$end" rx off tx off sg off tso off gso off gro off >/dev/null 2>&1; then
      echo "bench.sh: note: ethtool -K $end could not change every offload:" \
        "$(ip netns exec "$ns" ethtool -k "$end" | grep -E '^(generic|tcp|scatter|rx-check|tx-check)' | tr -s '\n\t' '  ')" >&2
    fi
    ip -n "$ns" link set "$end" arp off up
  done
}

# Frames the monitor interface has received so far (`ip -s link`).
mon_rx_packets() {
  ip -n "$mon_ns" -s link show dev "$mon_if" | awk '/RX:/ { getline; print $2; exit }'
}

# Waits (15 s at most) until file $2 holds the fixed string $3 or process $1 has ended; 0 when
# the string came.
wait_for_line() {
  local deadline=$((SECONDS + 15))
  while [ $SECONDS -lt $deadline ]; do
    grep -qF -- "$3" "$2" && return 0
    kill -0 "$1" 2>/dev/null || break
    sleep 0.05
  done
  grep -qF -- "$3" "$2"
}

# SIGINT to process $1, then waits for it (20 s at most); its exit status, or 124 when it hung
# and was killed.
stop_receiver() {
  local deadline=$((SECONDS + 20)) rc=0
  kill -INT "$1" 2>/dev/null || true
  while kill -0 "$1" 2>/dev/null; do
    if [ $SECONDS -ge $deadline ]; then
      kill -KILL "$1" 2>/dev/null || true
      wait "$1" 2>/dev/null || true
      forget_pid "$1"
      return 124
    fi
    sleep 0.05
  done
  wait "$1" || rc=$?
  forget_pid "$1"
  return "$rc"
}

# Takes process $1 off the list of those to end on exit.
forget_pid() {
  local pid rest=()
  for pid in "${pids[@]}"; do [ "$pid" = "$1" ] || rest+=("$pid"); done
  pids=("${rest[@]}")
}

# Per receiver, the figures of every round, space-separated; and what went wrong.
declare -A offered_pps captured captured_pps drops sums_ok rx_ok problems skipped cpu
live_receivers=(none pcap afxdp pcap-2w tcpdump)
declare -A live_label=(
  [none]="no receiver (sender alone)"
  [pcap]="rmonprobe --engine pcap"
  [afxdp]="rmonprobe --engine afxdp"
  [pcap-2w]="rmonprobe --engine pcap --workers 2"
  [tcpdump]="tcpdump -w /dev/null"
)

# One round of receiver $1: start it, wait until it captures, flood, wait a second, SIGINT,
# collect and check.
live_once() {
  local name=$1 err=$dir/live-$1.err json=$dir/live-$1.json flood=$dir/live-flood.txt
  local pid="" ready rc=0 rx0 rx1 sent pps secs got=0 dropped=0 extra="" ok rx_delta cmd=()
  case $name in
    none) ;;
    pcap) cmd=("$probe" run --interface "$mon_if" --engine pcap --no-snmp --json "$json") ;;
    afxdp) cmd=("$probe" run --interface "$mon_if" --engine afxdp --no-snmp --json "$json") ;;
    pcap-2w) cmd=("$probe" run --interface "$mon_if" --engine pcap --workers 2 --no-snmp --json "$json") ;;
    tcpdump) cmd=(tcpdump -i "$mon_if" -w /dev/null -B "$tcpdump_buffer_kib" -s 65535) ;;
  esac
  rm -f "$json"
  : >"$err"
  rx0=$(mon_rx_packets)
  if [ ${#cmd[@]} -gt 0 ]; then
    ip netns exec "$mon_ns" "${cmd[@]}" >/dev/null 2>"$err" &
    pid=$!
    pids+=("$pid")
    if [ "$name" = tcpdump ]; then ready="listening on $mon_if"; else ready="rmonprobe: $mon_if (ifIndex 1): "; fi
    if ! wait_for_line "$pid" "$err" "$ready"; then
      stop_receiver "$pid" || rc=$?
      skipped[$name]="did not start capturing (exit $rc): $(tail -n 1 "$err")"
      echo "${live_label[$name]}: skipped: ${skipped[$name]}"
      return 0
    fi
  fi
  if ! ip netns exec "$gen_ns" tcpreplay --topspeed -i "$gen_if" "$live_capture" >"$flood" 2>&1; then
    echo "bench.sh: tcpreplay failed:" >&2
    cat "$flood" >&2
    exit 1
  fi
  sent=$(awk '/Successful packets:/ { print $3 }' "$flood")
  pps=$(sed -n 's/^Rated: .*, \([0-9.]*\) pps$/\1/p' "$flood")
  secs=$(sed -n 's/^Actual: .* sent in \([0-9.]*\) seconds$/\1/p' "$flood")
  sleep 1
  if [ -n "$pid" ]; then
    # The receiver's CPU time (user + system) so far: what the flood cost it, whatever the
    # generator's rate. Fields 14 and 15 of /proc/PID/stat, in clock ticks.
    cpu[$name]+=" $(awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$pid/stat" 2>/dev/null || echo 0)"
    stop_receiver "$pid" || rc=$?
    if [ "$rc" -eq 124 ]; then
      problems[$name]+="round $round: still running 20 s after SIGINT, killed; "
    elif [ "$rc" -ne 0 ]; then
      problems[$name]+="round $round: exit $rc: $(tail -n 1 "$err"); "
    fi
  fi
  rx1=$(mon_rx_packets)
  rx_delta=$((rx1 - rx0))
  case $name in
    none) got=$rx_delta ;;
    tcpdump)
      got=$(awk '/packets captured/ { print $1 }' "$err")
      dropped=$(awk '/packets dropped by kernel/ { print $1 }' "$err")
      extra="received by filter $(awk '/packets received by filter/ { print $1 }' "$err")"
      ;;
    *)
      # A report without rmonprobe.captures makes python fail and read find nothing.
      if ! { [ -s "$json" ] && read -r got dropped extra < <(python3 -c '
import json, sys
c = json.load(open(sys.argv[1]))["rmonprobe"]["captures"]
errors = "; ".join(x["error"] for x in c if x["error"])
print(sum(x["frames"] for x in c), sum(x["dropped"] + x["ifDropped"] for x in c),
      "received %d, dropped %d, ifDropped %d, dropEvents %d%s" % (
          sum(x["received"] for x in c), sum(x["dropped"] for x in c),
          sum(x["ifDropped"] for x in c), sum(x["dropEvents"] for x in c),
          ", error: " + errors if errors else ""))' "$json"); }; then
        problems[$name]+="round $round: no JSON report, or one without rmonprobe.captures; "
        got=0 dropped=0
      fi
      ;;
  esac
  got=${got:-0} dropped=${dropped:-0}
  offered_sent=$sent
  offered_pps[$name]+=" $pps"
  captured[$name]+=" $got"
  captured_pps[$name]+=" $(awk -v n="$got" -v s="$secs" 'BEGIN { printf "%.0f", n / s }')"
  drops[$name]+=" $dropped"
  if [ $((got + dropped)) -eq "$sent" ]; then
    ok=yes
    sums_ok[$name]=$((${sums_ok[$name]:-0} + 1))
  else
    ok=no
  fi
  if [ "$rx_delta" -eq "$sent" ]; then rx_ok[$name]=$((${rx_ok[$name]:-0} + 1)); fi
  printf 'round %d, %s: sent %d in %s s (%.0f pps); captured %d, drops %d: %d+%d == %d? %s; %s RX +%d%s\n' \
    "$round" "${live_label[$name]}" "$sent" "$secs" "$pps" "$got" "$dropped" "$got" "$dropped" "$sent" "$ok" \
    "$mon_if" "$rx_delta" "${extra:+ ($extra)}"
}

bench_live() {
  local live_frames=${LIVE_FRAMES:-1000000} buffer_mb name n med_offered spread
  live_capture=$dir/imix-live-$live_frames.pcap
  if [ ! -s "$live_capture" ]; then
    "$probe" generate --out "$live_capture" --frames "$live_frames" --stations 5000
  fi
  cat "$live_capture" >/dev/null
  # rmonprobe runs with its default --buffer-mb; tcpdump gets a -B (KiB) of the same size.
  buffer_mb=$("$probe" run --help | sed -n 's/.*--buffer-mb .*\[default: \([0-9]*\)\].*/\1/p')
  if [ -z "$buffer_mb" ]; then
    echo "bench.sh: cannot read the default of --buffer-mb from rmonprobe run --help" >&2
    exit 1
  fi
  tcpdump_buffer_kib=$((buffer_mb * 1024))
  live_setup
  echo
  echo "live: tcpreplay --topspeed -i $gen_if $live_capture ($gen_ns) -> veth -> $mon_if ($mon_ns);" \
    "kernel buffer $buffer_mb MiB for every receiver (rmonprobe's default --buffer-mb $buffer_mb," \
    "tcpdump -B $tcpdump_buffer_kib)"
  for round in $(seq "$runs"); do
    for name in "${live_receivers[@]}"; do
      [ -n "${skipped[$name]:-}" ] && continue
      live_once "$name"
    done
  done

  load_average
  printf '\nmedian of %d rounds, %d IMIX frames offered by tcpreplay --topspeed, %d cores, buffer %d MiB:\n' \
    "$runs" "$offered_sent" "$(nproc)" "$buffer_mb"
  printf '  %-36s %13s %10s %12s %10s %9s %7s  %-14s %s\n' receiver "offered pps" "(min-max)" captured "capt. pps" \
    drops "CPU s" "capt+drop=sent" "$mon_if RX=sent"
  for name in "${live_receivers[@]}"; do
    if [ -n "${skipped[$name]:-}" ]; then
      printf '  %-36s skipped: %s\n' "${live_label[$name]}" "${skipped[$name]}"
      continue
    fi
    n=$(wc -w <<<"${offered_pps[$name]}")
    med_offered=$(tr ' ' '\n' <<<"${offered_pps[$name]}" | grep . | median)
    spread=$(tr ' ' '\n' <<<"${offered_pps[$name]}" | grep . | sort -n |
      awk 'NR == 1 { lo = $1 } { hi = $1 } END { printf "%.0f-%.0fk", lo / 1000, hi / 1000 }')
    printf '  %-36s %13.0f %10s %12s %10s %9s %7s  %-14s %s\n' "${live_label[$name]}" "$med_offered" "$spread" \
      "$(tr ' ' '\n' <<<"${captured[$name]}" | grep . | median)" \
      "$(tr ' ' '\n' <<<"${captured_pps[$name]}" | grep . | median)" \
      "$(tr ' ' '\n' <<<"${drops[$name]}" | grep . | median)" \
      "$(if [ "$name" = none ]; then echo -; else tr ' ' '\n' <<<"${cpu[$name]:-}" | grep . | median; fi)" \
      "$([ "$name" = none ] && echo - || echo "${sums_ok[$name]:-0} of $n")" "${rx_ok[$name]:-0} of $n"
  done
  for name in "${live_receivers[@]}"; do
    if [ -n "${problems[$name]:-}" ]; then
      echo "problem, ${live_label[$name]}: ${problems[$name]%; }"
    fi
  done
  echo "(captured pps: frames captured / the flood's seconds; drops: rmonprobe dropped + ifDropped," \
    "tcpdump dropped by kernel; CPU s: the receiver's user + system seconds over the round)"
  cleanup
}

for s in replay workers filters alarms latency decap snmp live; do
  if want "$s"; then
    "bench_$s"
  fi
done
