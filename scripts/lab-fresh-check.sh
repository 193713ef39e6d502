#!/usr/bin/env bash
# Records a fresh capture in the namespace lab and derives the RMON figures it should produce
# from tshark, so that rmonprobe can be checked on traffic it has never seen (the committed
# golden captures could, in time, be fitted to by accident).
#
#   LAB_SECONDS=95 scripts/lab-fresh-check.sh      (needs root: network namespaces)
#
# Replays the capture with rmonprobe and compares the report with tshark's figures (and the
# capture wrapped in remote mirrors' tunnels, replayed with --decap, likewise); then serves
# the same capture over SNMP (`replay --snmp --serve`) and compares what net-snmp's snmpbulkwalk
# reads from the agent with tshark's figures too. Exits 1 on any difference (keeping the files
# for a look), removes its temporary directory when all agree. Needs ../shared beside the checkout
# (or RMONPROBE_SHARED) for RMON-MIB's inventory.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${LAB_SECONDS:-95}
shared=${RMONPROBE_SHARED:-$(cd .. && pwd)/shared}
inventory=$shared/mibs/inventory/RMON-MIB.tsv
[ -f "$inventory" ] || {
  echo "lab-fresh-check: $inventory not found; set RMONPROBE_SHARED" >&2
  exit 1
}
scripts/install-tshark.sh
command -v snmpbulkwalk >/dev/null 2>&1 || scripts/deps.sh test

dir=$(mktemp -d /tmp/rmonprobe-fresh.XXXXXX)
cap=$dir/fresh.pcapng
expected=$dir/fresh.expected.json
out=$dir/fresh.report.json

scripts/lab.sh record "$cap" "$seconds"
python3 scripts/expected_from_tshark.py "$cap" >"$expected"
# RMON2's network layer, from tshark too (nlHost, nlMatrix, addressMap, protocolDist).
expected2=$dir/fresh.rmon2.expected.json
python3 scripts/expected_rmon2_from_tshark.py "$cap" >"$expected2"

# The replay under test, against tshark's figures for the same fresh file, with a user history
# of etherStatsPkts.1 over 30 s beside the default rows.
config=$dir/fresh.toml
cat >"$config" <<'TOML'
[[usrHistoryControl]]
usrHistoryControlIndex = 1
usrHistoryControlInterval = 30

[[usrHistoryControl.objects]]
usrHistoryObjectVariable = "1.3.6.1.2.1.16.1.1.1.5.1"
usrHistoryObjectSampleType = "deltaValue"
TOML
cargo build --release --locked --quiet
target/release/rmonprobe replay "$cap" --config "$config" --json "$out"
echo "capture:  $cap ($(capinfos -c -M "$cap" | awk -F': *' '/Number of packets/ { print $2 }') frames)"
echo "expected: $expected"
echo "report:   $out"
python3 scripts/compare_report.py "$expected" "$out"
python3 scripts/compare_report.py "$expected2" "$out"
buckets=$(python3 -c 'import json, sys; print(len(json.load(open(sys.argv[1]))["etherHistoryTable"]))' "$expected")
echo "complete 30-second buckets compared: $buckets"
# The user history equals tshark's etherHistoryPkts of the 30-second row, bucket for bucket; and
# the applications the lab runs were all seen (HTTP on 80 and 8080, DNS over udp and tcp).
python3 - "$expected" "$out" <<'PY'
import json, sys
exp, rep = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
want = [r["etherHistoryPkts"] for r in exp["etherHistoryTable"] if r["etherHistoryIndex"] == 1]
got = [r["usrHistoryAbsValue"] for r in rep["usrHistoryTable"] if r["usrHistoryObjectIndex"] == 1]
if got != want:
    sys.exit(f"lab-fresh-check: usrHistory of etherStatsPkts.1 {got} != tshark's etherHistoryPkts {want}")
print(f"usrHistory buckets equal to tshark's etherHistoryPkts: {len(got)}")
names = {r["protocolDirLocalIndex"]: r["protocolDirDescr"] for r in rep["protocolDirTable"]}
seen = {names.get(r["alProtocolDirLocalIndex"]) for r in rep["alHostTable"]}
for app in ["ether2.ip.tcp.www-http", "ether2.ip.tcp.http-alt", "ether2.ip.udp.domain", "ether2.ip.tcp.domain"]:
    if app not in seen:
        sys.exit(f"lab-fresh-check: no alHost row for {app}; the lab's traffic should carry it")
print(f"applications in alHostTable: {len([s for s in seen if s and s.count('.') >= 3])}")
PY
if [ "$seconds" -ge 95 ] && [ "$buckets" -lt 3 ]; then
  echo "lab-fresh-check: expected at least 3 complete buckets from $seconds seconds of traffic" >&2
  exit 1
fi

# Passive TCP latency: the capture's time axis stretched x1000 (the lab's microseconds become
# milliseconds), replayed, against what scripts/expected_latency_from_tshark.py works out.
stretched=$dir/fresh-x1000.pcapng
python3 scripts/stretch_time.py "$cap" "$stretched" 1000
target/release/rmonprobe replay "$stretched" --json "$dir/fresh-x1000.report.json"
python3 scripts/expected_latency_from_tshark.py "$stretched" >"$dir/fresh-x1000.latency.json"
python3 - "$dir/fresh-x1000.latency.json" "$dir/fresh-x1000.report.json" <<'PY'
import json, sys
exp, rep = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
columns = ["handshakes", "handshakesRetransmitted", "refused", "unanswered", "serverDelayMinUs",
           "serverDelayMaxUs", "clientDelayMinUs", "clientDelayMaxUs", "rttSamples", "rttMinUs", "rttMaxUs"]
total = 0
for table, index in [("tcpLatencyServerTable", ["serverAddress", "serverPort"]),
                     ("tcpLatencyPairTable", ["clientAddress", "serverAddress", "serverPort"])]:
    key = lambda r: tuple(r[i] for i in index)
    want = {key(r): [r.get(c) for c in columns] for r in exp[table]}
    got = {key(r): [r.get(c) for c in columns] for r in rep[table]}
    if want != got:
        for k in sorted(set(want) | set(got), key=str):
            if want.get(k) != got.get(k):
                print(f"{table} {k}: tshark {want.get(k)}, report {got.get(k)}", file=sys.stderr)
        sys.exit(f"lab-fresh-check: {table} differs from tshark's (columns {columns})")
    total += len(want)
handshakes = sum(r["handshakes"] for r in exp["tcpLatencyServerTable"])
if handshakes == 0:
    sys.exit("lab-fresh-check: the lab's capture has no TCP handshake")
print(f"tcp latency (x1000) equal to tshark's: {total} rows, {handshakes} handshakes")
PY

# Remote mirrors: the fresh capture wrapped as a mirror would send it (VXLAN, ERSPAN II,
# ERSPAN III, GRE; each checked with tshark), replayed with the matching --decap: the session's
# data source (ifIndex 2) has tshark's figures for the unwrapped capture; all four at once with
# --decap auto are four data sources (ifIndex 2..5), each with those figures.
expected_if() { python3 scripts/expected_from_tshark.py "$cap" --if-index "$1"; }
expected_if 2 >"$dir/fresh.if2.expected.json"
for pair in vxlan:vxlan erspan2:erspan erspan3:erspan gre-key:gre; do
  kind=${pair%%:*} decap=${pair#*:}
  wrapped=$dir/fresh.$kind.pcapng
  python3 scripts/wrap_tunnel.py "$cap" "$wrapped" "$kind" >/dev/null
  python3 scripts/check_wrapped.py "$cap" "$wrapped" "$kind"
  target/release/rmonprobe replay "$wrapped" --decap "$decap" --json "$dir/fresh.$kind.report.json"
  echo "remote mirror, $kind with --decap $decap:"
  python3 scripts/compare_report.py "$dir/fresh.if2.expected.json" "$dir/fresh.$kind.report.json"
done
python3 scripts/wrap_tunnel.py "$cap" "$dir/fresh.all.pcapng" all >/dev/null
python3 scripts/check_wrapped.py "$cap" "$dir/fresh.all.pcapng" all
target/release/rmonprobe replay "$dir/fresh.all.pcapng" --decap auto --workers 2 --json "$dir/fresh.all.report.json"
for n in 2 3 4 5; do
  expected_if "$n" >"$dir/fresh.if$n.expected.json"
  echo "remote mirrors, all four with --decap auto: ifIndex $n"
  python3 scripts/compare_report.py "$dir/fresh.if$n.expected.json" "$dir/fresh.all.report.json"
done

# The same capture served over SNMP: what a manager walks must be tshark's figures as well.
server=""
stop_server() {
  if [ -n "$server" ]; then
    kill "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
    server=""
  fi
}
trap stop_server EXIT
served=$dir/fresh.served.json
for _try in 1 2 3 4 5; do
  port=$(python3 -c 'import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  agent=127.0.0.1:$port
  rm -f "$served"
  target/release/rmonprobe replay "$cap" --config "$config" --snmp "$agent" --serve --json "$served" \
    2>"$dir/fresh.served.stderr" &
  server=$!
  # Ready once the replay is over (the report written) and the agent answers.
  for _wait in $(seq 1 600); do
    if ! kill -0 "$server" 2>/dev/null; then
      break
    fi
    if python3 -c 'import json, sys; json.load(open(sys.argv[1]))' "$served" 2>/dev/null &&
      snmpget -v2c -c public -t 0.5 -r 0 -On "$agent" .1.3.6.1.2.1.1.3.0 2>/dev/null | grep -q Timeticks; then
      break
    fi
    sleep 0.1
  done
  kill -0 "$server" 2>/dev/null && break
  wait "$server" || true # it exited: the port was taken meanwhile, or worse (its stderr says)
  server=""
  grep -q "cannot listen" "$dir/fresh.served.stderr" || break
done
if [ -z "$server" ] || ! snmpget -v2c -c public -t 1 -r 1 -On "$agent" .1.3.6.1.2.1.1.3.0 >/dev/null 2>&1; then
  echo "lab-fresh-check: the agent did not answer on $agent:" >&2
  cat "$dir/fresh.served.stderr" >&2
  exit 1
fi
walk=$dir/fresh.walk
: >"$walk"
# etherStatsTable, hostTable, matrixSDTable, matrixDSTable, etherHistoryTable; RMON2's
# protocolDistStatsTable, addressMapTable, nlHostTable, nlMatrixSDTable, nlMatrixDSTable,
# alHostTable, alMatrixSDTable, alMatrixDSTable; usrHistoryTable.
for table in 1.3.6.1.2.1.16.1.1 1.3.6.1.2.1.16.4.2 1.3.6.1.2.1.16.6.2 1.3.6.1.2.1.16.6.3 1.3.6.1.2.1.16.2.2 \
  1.3.6.1.2.1.16.12.2 1.3.6.1.2.1.16.13.5 1.3.6.1.2.1.16.14.2 1.3.6.1.2.1.16.15.2 1.3.6.1.2.1.16.15.3 \
  1.3.6.1.2.1.16.16.1 1.3.6.1.2.1.16.17.1 1.3.6.1.2.1.16.17.2 1.3.6.1.2.1.16.18.3; do
  out=$(snmpbulkwalk -v2c -c public -Cr50 -On -OQ -Oe -Ot -Ox "$agent" "$table" 2>"$dir/fresh.walk.stderr") || {
    echo "lab-fresh-check: snmpbulkwalk of $table failed:" >&2
    cat "$dir/fresh.walk.stderr" >&2
    exit 1
  }
  if grep -q "OID not increasing" "$dir/fresh.walk.stderr"; then
    echo "lab-fresh-check: snmpbulkwalk of $table: OIDs not increasing" >&2
    exit 1
  fi
  printf '%s\n' "$out" >>"$walk"
  echo "walked .$table: $(grep -cF ".$table.1." <<<"$out" || true) instances"
done
# tshark's expectation has matrixSDTable; matrixDSTable holds the same conversations indexed
# destination first (RFC 2819), so its expectation is the same rows under the DS names.
snmp_expected=$dir/fresh.expected.snmp.json
python3 - "$expected" "$snmp_expected" <<'PY'
import json, sys
exp = json.load(open(sys.argv[1]))
exp["matrixDSTable"] = [{k.replace("matrixSD", "matrixDS"): v for k, v in row.items()} for row in exp["matrixSDTable"]]
# The user history of etherStatsPkts.1: tshark's etherHistoryPkts of the 30-second row, each
# bucket's start and end, positive.
exp["usrHistoryTable"] = [
    {"usrHistoryControlIndex": 1, "usrHistorySampleIndex": h["etherHistorySampleIndex"], "usrHistoryObjectIndex": 1,
     "usrHistoryIntervalStart": h["etherHistoryIntervalStart"], "usrHistoryIntervalEnd": h["etherHistoryIntervalStart"] + 3000,
     "usrHistoryAbsValue": h["etherHistoryPkts"], "usrHistoryValStatus": "valuePositive"}
    for h in exp["etherHistoryTable"] if h["etherHistoryIndex"] == 1
]
json.dump(exp, open(sys.argv[2], "w"), indent=1)
PY
echo "walk:     $walk"
python3 scripts/snmp_compare.py "$inventory" "$snmp_expected" "$walk" \
  etherStatsTable hostTable matrixSDTable matrixDSTable etherHistoryTable
python3 scripts/snmp_compare.py "$inventory" "$snmp_expected" "$walk" usrHistoryTable
python3 scripts/snmp_compare.py "$inventory" "$expected2" "$walk" \
  protocolDistStatsTable addressMapTable nlHostTable nlMatrixSDTable nlMatrixDSTable \
  alHostTable alMatrixSDTable alMatrixDSTable
kill -TERM "$server"
status=0
wait "$server" || status=$?
server=""
if [ "$status" -ne 0 ]; then
  echo "lab-fresh-check: the served replay exited with status $status on SIGTERM" >&2
  exit 1
fi
rm -rf "$dir"
