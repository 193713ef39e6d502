#!/usr/bin/env bash
# Namespace lab: records real Ethernet traffic the way a probe on a SPAN port sees it.
#
#   scripts/lab.sh record      OUT.pcapng SECONDS   untagged traffic (ping, ARP, HTTP on 80 and 8080, DNS, iperf3)
#   scripts/lab.sh record-vlan OUT.pcapng SECONDS   the same hosts, traffic mostly tagged: 802.1Q,
#                                                   QinQ (802.1ad + 802.1Q) and 0x9100 tags
#   scripts/lab.sh live   OUTDIR SECONDS            the same untagged traffic, recorded by tcpdump
#                                                   while `rmonprobe run` captures it live (see
#                                                   cmd_live: one probe per engine in LAB_ENGINES)
#   scripts/lab.sh alarm  OUTDIR                    an alarm and an event made by snmpset on a
#                                                   live probe; a ping flood, then quiet; the
#                                                   traps as snmptrapd got them (see cmd_alarm)
#   scripts/lab.sh down                             remove namespaces left by runs that died
# Needs root. Installs what it lacks (apt-get) on first use.
#
# Topology (every name carries the prefix rmp<PID>- so two runs never collide):
#
#     h1 (HTTP)   h2 (DNS)   h3 (iperf3)   h4 (client)        mon (listen only)
#       eth0        eth0        eth0          eth0               mon0
#        |           |           |             |                  |
#       p1          p2          p3            p4                 pmon
#     +---------------------- br0 in namespace "sw" ----------------------+
#
# Every bridge port has learning off and flooding on, and multicast snooping is off, so every
# frame reaches every port, the monitor's included: the monitor sees what a SPAN port would.
# The monitor port has no address and IPv6 is disabled in its namespace, so it never transmits.
# Offloads are off on every veth so that tcpdump sees wire-sized frames (no GSO/GRO super-frames).
#
# tcpdump 4.99 cannot write pcapng (its libpcap has no pcapng writer), so it records a pcap with
# nanosecond timestamps and editcap (Wireshark's) converts that to pcapng, keeping the nanoseconds.
#
# record-vlan gives hosts tagged "sub-interfaces" made of a tap device and scripts/vlan_relay.py
# (see add_vlans below: the kernel this runs on may have no 802.1Q support).
set -euo pipefail

SELF=$(basename "$0")
SCRIPT_DIR=$(cd "$(dirname "$0")" && pwd)
PREFIX="rmp$$"          # unique per run: the PID of this shell
NET4="10.77.0"          # untagged hosts: 10.77.0.1 .. 10.77.0.4
HOSTS=(h1 h2 h3 h4)
NAMESPACES=()           # every namespace this run made, for the cleanup trap
BG_PIDS=()              # every background process this run started, for the cleanup trap
WORK=""                 # temporary directory (web root, raw capture, logs)
VLAN_MODE=0
LIVE_MODE=0

log() { printf '%s: %s\n' "$SELF" "$*" >&2; }
die() { log "error: $*"; exit 1; }

usage() {
  sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
}

# ---------------------------------------------------------------------------------------------
# Tools. Each binary is checked first; apt-get runs only when something is really missing, so a
# prepared machine needs no network at all.
# ---------------------------------------------------------------------------------------------
ensure_tools() {
  local -A pkg_of=(
    [ip]=iproute2 [bridge]=iproute2 [tcpdump]=tcpdump [iperf3]=iperf3 [curl]=curl
    [dig]=dnsutils [dnsmasq]=dnsmasq-base [arping]=arping [ping]=iputils-ping
    [ethtool]=ethtool [python3]=python3 [busybox]=busybox [editcap]=wireshark-common
    [capinfos]=wireshark-common [snmpset]=snmp [snmpwalk]=snmp [snmptrapd]=snmptrapd
  )
  local missing=() bin
  for bin in "${!pkg_of[@]}"; do
    command -v "$bin" >/dev/null 2>&1 || missing+=("${pkg_of[$bin]}")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  # Deduplicate the package list (two binaries can come from one package).
  mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
  log "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # wireshark-common asks whether non-root users may capture; answer it before it is asked.
  echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# ---------------------------------------------------------------------------------------------
# Cleanup: runs on every exit (success, error, Ctrl-C) and removes exactly what this run made.
# ---------------------------------------------------------------------------------------------
cleanup() {
  local rc=$? pid ns
  trap - EXIT INT TERM
  [ "$rc" = 0 ] || log "stopping (exit status $rc): removing what this run made"
  for pid in "${BG_PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${BG_PIDS[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  for ns in "${NAMESPACES[@]}"; do
    remove_namespace "$ns"
  done
  [ -n "$WORK" ] && rm -rf "$WORK"
  exit "$rc"
}

# Stops the processes still inside one of our namespaces (by PID), then deletes the namespace;
# deleting it destroys its veth ends, and with them their peers.
remove_namespace() {
  local ns=$1 pid
  ip netns list 2>/dev/null | grep -qw "^$ns" || return 0
  for pid in $(ip netns pids "$ns" 2>/dev/null); do
    kill "$pid" 2>/dev/null || true
  done
  ip netns del "$ns" 2>/dev/null || true
}

# `down`: namespaces named rmp<PID>-* whose run (PID) is gone are leftovers of a run that was
# killed hard (SIGKILL skips traps). Those of a run still alive are left alone.
cmd_down() {
  local ns owner dir removed=0
  for ns in $(ip netns list | awk '{print $1}' | grep -E '^rmp[0-9]+-' || true); do
    owner=${ns#rmp}
    owner=${owner%%-*}
    # Alive, and really a lab.sh (not some later process that got the same PID)?
    if tr '\0' ' ' 2>/dev/null <"/proc/$owner/cmdline" | grep -q 'lab\.sh'; then
      log "keeping $ns: run $owner is still alive"
      continue
    fi
    remove_namespace "$ns"
    removed=$((removed + 1))
  done
  # The temporary directories of such runs too (/tmp/rmp<PID>.XXXXXX).
  for dir in /tmp/rmp[0-9]*.*; do
    [ -d "$dir" ] || continue
    owner=${dir#/tmp/rmp}
    owner=${owner%%.*}
    tr '\0' ' ' 2>/dev/null <"/proc/$owner/cmdline" | grep -q 'lab\.sh' && continue
    rm -rf "$dir"
  done
  log "removed $removed leftover namespace(s)"
}

in_ns() { local ns=$1; shift; ip netns exec "$PREFIX-$ns" "$@"; }

# Starts a program in a namespace in the background and records its PID. The `&` applies to a
# simple command here, so $! is the program itself (ip netns exec execs it), not a subshell:
# signals sent to that PID reach the program.
spawn() {
  local ns=$1; shift
  ip netns exec "$PREFIX-$ns" "$@" &
  SPAWNED=$!
  BG_PIDS+=("$SPAWNED")
}

new_ns() {
  ip netns add "$PREFIX-$1"
  NAMESPACES+=("$PREFIX-$1")
  in_ns "$1" ip link set lo up
}

# Turns off every offload the kernel lets us turn off, one at a time: a veth refuses some of
# them (and which ones depends on the kernel), and one refusal must not keep the others on.
# VLAN tag offloads stay on: they only move a tag between the frame and its metadata, never
# change what is on the wire, and libpcap (like vlan_relay.py) puts the tag back in the frame.
offloads_off() {
  local ns=$1 dev=$2 feature
  for feature in tso gso gro lro tx rx sg ufo; do
    in_ns "$ns" ethtool -K "$dev" "$feature" off >/dev/null 2>&1 || true
  done
}

# ---------------------------------------------------------------------------------------------
# Topology
# ---------------------------------------------------------------------------------------------
build_lab() {
  local i h
  new_ns sw
  new_ns mon
  # The switch and the monitor must stay silent: no IPv6 (no DAD, MLD, router solicitations)
  # on the bridge, its ports or the monitor port. Set the default before the devices exist.
  for h in sw mon; do
    in_ns "$h" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
  done
  in_ns sw ip link add br0 type bridge stp_state 0 mcast_snooping 0
  in_ns sw ip link set br0 up
  offloads_off sw br0

  for i in "${!HOSTS[@]}"; do
    h=${HOSTS[$i]}
    new_ns "$h"
    if [ "$LIVE_MODE" = 1 ]; then
      # No router solicitations (repeated every 4 s after link up, at no fixed moment): live
      # runs start their recorders one after another and need a quiet link meanwhile.
      in_ns "$h" sysctl -qw net.ipv6.conf.default.router_solicitations=0 net.ipv6.conf.all.router_solicitations=0
    fi
    # Create the pair directly in its two namespaces: nothing ever appears in the root one.
    ip link add "p$((i + 1))" netns "$PREFIX-sw" type veth peer name eth0 netns "$PREFIX-$h"
    # Fixed, locally administered MACs (02:72:6d:70 = "rmp") make captures easy to read.
    in_ns "$h" ip link set eth0 address "02:72:6d:70:00:0$((i + 1))"
    in_ns "$h" ip addr add "$NET4.$((i + 1))/24" dev eth0
    attach_port "p$((i + 1))"
    offloads_off "$h" eth0
    in_ns "$h" ip link set eth0 up
  done

  ip link add pmon netns "$PREFIX-sw" type veth peer name mon0 netns "$PREFIX-mon"
  attach_port pmon
  offloads_off mon mon0
  in_ns mon ip link set mon0 arp off up      # listen only: no address, no ARP
  if [ "$LIVE_MODE" = 1 ]; then
    # A second SPAN port: an AF_XDP socket takes the frames it receives away from the kernel
    # (tcpdump on the same port would see none), so the afxdp probe listens on its own port,
    # which the bridge floods exactly the same frames to.
    ip link add pmon1 netns "$PREFIX-sw" type veth peer name mon1 netns "$PREFIX-mon"
    attach_port pmon1
    offloads_off mon mon1
    in_ns mon ip link set mon1 arp off up
  fi

  [ "$VLAN_MODE" = 1 ] && add_vlans
  wait_for_ipv6_dad
}

# Enslaves one switch-side veth end. learning off + flood on: unicast to any MAC is flooded to
# every port, like a hub or a SPAN session; mcast_flood/bcast_flood keep group frames flooded.
attach_port() {
  local port=$1
  offloads_off sw "$port"
  in_ns sw ip link set "$port" master br0
  in_ns sw bridge link set dev "$port" learning off flood on mcast_flood on bcast_flood on
  in_ns sw ip link set "$port" up
}

# VLAN topology (record-vlan). The bridge has no vlan_filtering, so it forwards tagged frames
# untouched and the monitor sees the tags. Each host keeps its untagged address on eth0 and gets
# "sub-interfaces" (hosts, tags outermost first, subnet):
VLAN_PLAN=(
  "h1 h2 eth0.10      8100:10           10.77.10"    # 802.1Q VLAN 10
  "h3 h4 eth0.20      8100:20           10.77.20"    # 802.1Q VLAN 20
  "h1 h4 eth0.100.200 88a8:100,8100:200 10.77.200"   # QinQ: 802.1ad S-tag 100, 802.1Q C-tag 200
  "h1 h3 eth0.300     9100:300          10.77.30"    # a single tag with the old 0x9100 TPID
)
# The kernel may lack 802.1Q support (no `ip link add ... type vlan`), so a sub-interface is a tap
# device whose frames scripts/vlan_relay.py tags and sends on eth0 (and untags on the way back).
#
# Sizes: a tap has the usual MTU of 1500, so a full frame is 1514 bytes + 4 per tag on the wire,
# 1522 for QinQ. A packet socket sends at most MTU + 14 bytes (+ 4 only when the first TPID is
# 0x8100), so the veths get MTU 1508, like a switch that takes "baby giants"; the untagged IP
# traffic on eth0 is held to 1500 by its routes and the IPv6 MTU, so no untagged frame grows.
add_vlans() {
  local plan h1 h2 tap tags net h n port
  for h in "${HOSTS[@]}"; do
    in_ns "$h" ip link set eth0 mtu 1508
    n=${h#h}
    in_ns "$h" ip route replace "$NET4.0/24" dev eth0 proto kernel scope link src "$NET4.$n" mtu 1500
    in_ns "$h" sysctl -qw net.ipv6.conf.eth0.mtu=1500
  done
  for port in $(in_ns sw ip -o link show master br0 | awk -F': ' '{print $2}' | cut -d@ -f1); do
    in_ns sw ip link set "$port" mtu 1508
  done
  in_ns mon ip link set mon0 mtu 1508

  for plan in "${VLAN_PLAN[@]}"; do
    read -r h1 h2 tap tags net <<<"$plan"
    for h in "$h1" "$h2"; do
      n=${h#h}
      in_ns "$h" ip tuntap add dev "$tap" mode tap
      in_ns "$h" ip link set "$tap" address "$(in_ns "$h" cat /sys/class/net/eth0/address)"
      in_ns "$h" ip addr add "$net.$n/24" dev "$tap"
      offloads_off "$h" "$tap"
      in_ns "$h" ip link set "$tap" up
      # shellcheck disable=SC2086  # the tags are separate arguments
      spawn "$h" python3 "$SCRIPT_DIR/vlan_relay.py" eth0 "$tap" ${tags//,/ }
    done
  done
  # A tap has carrier only once the relay holds it open.
  for plan in "${VLAN_PLAN[@]}"; do
    read -r h1 h2 tap tags net <<<"$plan"
    for h in "$h1" "$h2"; do
      wait_until "relay for $tap in $h" sh -c \
        "ip netns exec $PREFIX-$h ip link show $tap | grep -q LOWER_UP"
    done
  done
}

# Link-local addresses stay "tentative" for about a second after link up; ping6 to them fails
# until duplicate address detection is over.
wait_for_ipv6_dad() {
  local h _
  for h in "${HOSTS[@]}"; do
    for _ in $(seq 50); do
      in_ns "$h" ip -6 addr show tentative | grep -q inet6 || break
      sleep 0.1
    done
  done
}

# ---------------------------------------------------------------------------------------------
# Services
# ---------------------------------------------------------------------------------------------
start_services() {
  local size
  # Web root: files below, around and well above one frame's payload, so the capture holds
  # small, medium and full-size (1514-byte) frames.
  mkdir -p "$WORK/www"
  for size in 200 1400 3000 20000 120000; do
    head -c "$size" /dev/urandom >"$WORK/www/f$size.bin"
  done
  echo '<html><body>rmonprobe lab</body></html>' >"$WORK/www/index.html"

  # h1: HTTP on 80 (www-http) and on 8080 (http-alt), so the application layer sees both.
  # busybox httpd in the foreground so that its PID is ours to stop.
  spawn h1 busybox httpd -f -p 80 -h "$WORK/www" 2>"$WORK/httpd.log"
  spawn h1 busybox httpd -f -p 8080 -h "$WORK/www" 2>"$WORK/httpd-8080.log"

  # h2: DNS. No upstream (--no-resolv), no /etc/hosts, only the static records below; names
  # under lab.test that have no record get NXDOMAIN (--local).
  spawn h2 dnsmasq --keep-in-foreground --conf-file=/dev/null --no-resolv --no-hosts --no-poll \
    --user=root --pid-file= --port=53 --log-facility=- \
    --local=/lab.test/ \
    --host-record=www.lab.test,10.77.0.1 --host-record=dns.lab.test,10.77.0.2 \
    --host-record=perf.lab.test,10.77.0.3 --host-record=client.lab.test,10.77.0.4 \
    --address=/wild.lab.test/10.77.0.1 \
    --txt-record=info.lab.test,"rmonprobe namespace lab" \
    --mx-host=lab.test,www.lab.test,10 \
    2>"$WORK/dnsmasq.log"

  # h3: iperf3 server (one test at a time; the traffic loop runs them one after another).
  spawn h3 iperf3 -s >"$WORK/iperf3.log" 2>&1

  wait_until "HTTP server" in_ns h4 curl -sf -o /dev/null "http://$NET4.1/index.html"
  wait_until "HTTP server on 8080" in_ns h4 curl -sf -o /dev/null "http://$NET4.1:8080/index.html"
  wait_until "DNS server" in_ns h4 dig +short +time=1 +tries=1 "@$NET4.2" www.lab.test
  wait_until "iperf3 server" in_ns h3 sh -c 'ss -ltn | grep -q ":5201 "'
}

wait_until() {
  local what=$1 _
  shift
  for _ in $(seq 50); do
    "$@" >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  die "$what did not come up (logs in $WORK)"
}

# ---------------------------------------------------------------------------------------------
# Capture
# ---------------------------------------------------------------------------------------------
TCPDUMP_PID=""

start_capture() {
  # -s 0: whole frames. --immediate-mode: hand each frame over at once (otherwise frames wait
  # in a TPACKET_V3 block for up to a second, and those still waiting at SIGINT are lost).
  # -U: write each frame as it comes. -B: a roomy kernel buffer so that nothing is dropped.
  # -Z root: keep root so tcpdump may write into our temporary directory.
  spawn mon tcpdump -i mon0 -s 0 -n --immediate-mode -U -B 8192 -Z root \
    --time-stamp-precision=nano \
    -w "$WORK/raw.pcap" 2>"$WORK/tcpdump.log"
  TCPDUMP_PID=$SPAWNED
  # tcpdump prints "listening on ..." once the capture is active: only then may traffic start.
  local _
  for _ in $(seq 100); do
    grep -q 'listening on' "$WORK/tcpdump.log" && return 0
    kill -0 "$TCPDUMP_PID" 2>/dev/null || break
    sleep 0.1
  done
  cat "$WORK/tcpdump.log" >&2
  die "tcpdump did not start listening"
}

stop_capture() {
  # SIGINT makes tcpdump flush and close the file and print its statistics; wait for that.
  kill -INT "$TCPDUMP_PID"
  wait "$TCPDUMP_PID" || true
  grep -E 'captured|received|dropped' "$WORK/tcpdump.log" >&2 || true
  if grep -qE '^[1-9][0-9]* packets? dropped by kernel' "$WORK/tcpdump.log"; then
    log "warning: the kernel dropped packets during the capture"
  fi
}

# ---------------------------------------------------------------------------------------------
# Traffic
# ---------------------------------------------------------------------------------------------
now() { date +%s.%N; }
# Seconds left before the deadline, as an integer (floor).
left() { awk -v d="$DEADLINE" -v n="$(now)" 'BEGIN { x = d - n; print (x < 0) ? 0 : int(x) }'; }

# Runs one traffic program and never lets its failure (a lost ping, a timed-out query) end the
# run: the point is the frames, not the answers.
try() { "$@" >/dev/null 2>&1 || true; }

link_local_of() { in_ns "$1" ip -6 -o addr show dev eth0 scope link | awk '{print $4}' | cut -d/ -f1; }

# Paths the traffic takes: "client server-address". In VLAN mode most of them are tagged; the
# order puts full-size pings (round 4: 1472 bytes) on the QinQ path and IP fragments (round 5)
# on VLAN 10, so even a short capture holds the longest tagged frames.
paths_for_mode() {
  if [ "$VLAN_MODE" = 1 ]; then
    PING_PATHS=("h2 10.77.10.1" "h4 10.77.20.3" "h3 10.77.30.1" "h4 $NET4.2" "h1 10.77.200.4" "h1 10.77.10.2")
    HTTP_PATHS=("h2 10.77.10.1" "h4 10.77.200.1" "h3 10.77.30.1")
    DNS_PATHS=("h1 10.77.10.2" "h4 $NET4.2" "h1 10.77.10.2")
    IPERF_PATHS=("h4 10.77.20.3" "h1 10.77.30.3")
  else
    PING_PATHS=("h4 $NET4.1" "h1 $NET4.2" "h2 $NET4.3" "h3 $NET4.4" "h4 $NET4.3" "h2 $NET4.1")
    HTTP_PATHS=("h4 $NET4.1" "h2 $NET4.1" "h3 $NET4.1")
    DNS_PATHS=("h1 $NET4.2" "h3 $NET4.2" "h4 $NET4.2")
    IPERF_PATHS=("h4 $NET4.3" "h1 $NET4.3")
  fi
}

# One round of traffic, about PERIOD seconds long. The round number picks which pair talks and
# with which sizes, so consecutive rounds differ but every run follows the same script.
traffic_round() {
  local r=$1 client server size name
  local ping_sizes=(56 200 600 1000 1472 3000)   # 1472: exactly 1514-byte frames; 3000: IP fragments
  local files=(f200.bin index.html f1400.bin f3000.bin f20000.bin f120000.bin)
  local names=(www.lab.test dns.lab.test perf.lab.test nosuch.lab.test host9.wild.lab.test info.lab.test)
  local qtypes=(A A AAAA A A TXT)

  # The size index moves on by one each time the paths come round again, so every path gets
  # to see several sizes over a long run.
  read -r client server <<<"${PING_PATHS[r % ${#PING_PATHS[@]}]}"
  size=${ping_sizes[(r + r / ${#PING_PATHS[@]}) % ${#ping_sizes[@]}]}
  try in_ns "$client" ping -c 2 -i 0.3 -W 1 -s "$size" "$server"

  read -r client server <<<"${DNS_PATHS[r % ${#DNS_PATHS[@]}]}"
  name=${names[r % ${#names[@]}]}
  try in_ns "$client" dig +time=1 +tries=1 "@$server" "$name" "${qtypes[r % ${#qtypes[@]}]}"
  # Every fifth round a query goes over TCP (a DNS client falls back to it for big answers).
  if [ $((r % 5)) = 2 ]; then
    try in_ns "$client" dig +tcp +time=1 +tries=1 "@$server" lab.test MX
  fi

  read -r client server <<<"${HTTP_PATHS[r % ${#HTTP_PATHS[@]}]}"
  try in_ns "$client" curl -s -m 5 -o /dev/null "http://$server/${files[r % ${#files[@]}]}"
  # Every other round a second request goes to port 8080 (http-alt).
  if [ $((r % 2)) = 1 ]; then
    try in_ns "$client" curl -s -m 5 -o /dev/null "http://$server:8080/${files[(r + 1) % ${#files[@]}]}"
  fi

  # Broadcast: ARP requests to ff:ff:ff:ff:ff:ff (arping sends one per second), and an echo
  # request to the subnet's broadcast address (hosts ignore it: icmp_echo_ignore_broadcasts).
  if [ $((r % 3)) = 0 ]; then
    try in_ns h3 arping -c 2 -i eth0 "$NET4.$((r % 4 + 1))"
    try in_ns h2 ping -b -c 1 -W 1 "$NET4.255"
  fi
  # Multicast: echo request to all nodes (ff02::1, 33:33:00:00:00:01), answered by every host;
  # and a ping6 to a neighbour's link-local address, which starts with neighbour solicitation
  # to its solicited-node group (33:33:ff:..) when the neighbour is not cached.
  # IPv4 multicast too: an echo to all-hosts 224.0.0.1 (01:00:5e:00:00:01), ignored like a
  # broadcast one.
  if [ $((r % 4)) = 1 ]; then
    try in_ns h1 ping -6 -c 1 -W 1 "ff02::1%eth0"
    try in_ns h4 ping -c 1 -W 1 -I eth0 224.0.0.1
    try in_ns h2 ping -6 -c 2 -i 0.3 -W 1 "$(link_local_of h4)%eth0"
  fi
  # iperf3, rate-limited and short so the capture stays small: TCP and UDP in turn.
  if [ $((r % 5)) = 3 ] && [ "$(left)" -ge 6 ]; then
    read -r client server <<<"${IPERF_PATHS[(r / 5) % ${#IPERF_PATHS[@]}]}"
    if [ $(((r / 5) % 2)) = 0 ]; then
      try in_ns "$client" iperf3 -c "$server" -b 800K -t 2
    else
      try in_ns "$client" iperf3 -c "$server" -u -b 800K -t 2 -l 1200
    fi
  fi
}

run_traffic() {
  local seconds=$1 r=0 start next
  PERIOD=4
  paths_for_mode
  start=$(now)
  DEADLINE=$(awk -v s="$start" -v d="$seconds" 'BEGIN { printf "%.6f", s + d }')
  log "traffic for $seconds s"
  while [ "$(left)" -ge 2 ]; do
    traffic_round "$r"
    r=$((r + 1))
    # Sleep to the start of the next round, but never past the deadline.
    next=$(awk -v s="$start" -v r="$r" -v p="$PERIOD" -v d="$DEADLINE" \
      'BEGIN { t = s + r * p; if (t > d - 1) t = d - 1; printf "%.6f", t }')
    sleep "$(awk -v t="$next" -v n="$(now)" 'BEGIN { x = t - n; printf "%.3f", (x > 0) ? x : 0 }')"
  done
  # The last frames: one echo at the deadline, so first-to-last frame spans the whole time.
  sleep "$(awk -v d="$DEADLINE" -v n="$(now)" 'BEGIN { x = d - n; printf "%.3f", (x > 0) ? x : 0 }')"
  try in_ns h1 ping -c 1 -W 1 "$NET4.4"
  log "$r rounds"
}

# ---------------------------------------------------------------------------------------------
# What `record` and `live` do before their capture starts: checks, the lab, its services.
start_lab() {
  local seconds=$1 h
  if ! [[ "$seconds" =~ ^[0-9]+$ ]] || [ "$seconds" -lt 5 ]; then
    die "SECONDS must be an integer >= 5"
  fi
  [ "$(id -u)" = 0 ] || die "needs root (network namespaces)"
  ensure_tools
  trap cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  WORK=$(mktemp -d "/tmp/$PREFIX.XXXXXX")
  build_lab
  start_services
  # Forget the neighbours the readiness checks learned, so the capture opens with ARP
  # broadcasts as a network does after a quiet spell.
  for h in "${HOSTS[@]}"; do in_ns "$h" ip neigh flush all; done
}

cmd_record() {
  local out=$1 seconds=$2 span
  start_lab "$seconds"
  start_capture
  run_traffic "$seconds"
  sleep 1     # let the last frames reach the monitor before tcpdump stops
  stop_capture
  mkdir -p "$(dirname "$out")"
  editcap -F pcapng "$WORK/raw.pcap" "$out"
  capinfos -c -u -s "$out" >&2 || true
  span=$(capinfos -u -M "$out" | awk -F': *' '/Capture duration/ { print int($2) }')
  if [ "${span:-0}" -lt $((seconds - 5)) ]; then
    die "capture spans only ${span:-0} s of the $seconds s asked for"
  fi
  log "wrote $out"
}

# `live OUTDIR SECONDS`: tcpdump records mon0 as in `record`, while `rmonprobe run` captures the
# same traffic live: with --engine pcap on mon0 beside tcpdump, with --engine afxdp on mon1.
# Writes OUTDIR/recording.pcapng, and per engine OUTDIR/ENGINE.report.json (the probe's report
# at its SIGINT) and OUTDIR/ENGINE.log (its stderr).
#   LAB_PROBE       the rmonprobe binary (default target/release/rmonprobe)
#   LAB_ENGINES     probes to run (default "pcap afxdp"); pcap2 is --engine pcap --workers 2,
#                   on mon0 as well
#   LAB_PROBE_ARGS  more arguments for every probe (e.g. "--workers 2")
#   LAB_CAPTURE=1   each probe also gets --capture-dir OUTDIR/ENGINE.buffers; once the lab is
#                   quiet it is sent SIGUSR1 and its buffers as written then are kept in
#                   OUTDIR/ENGINE.usr1, before the SIGINT writes them again
cmd_live() {
  local out=$1 seconds=$2 engine pid args
  local probe=${LAB_PROBE:-$SCRIPT_DIR/../target/release/rmonprobe}
  local -A probe_pid=()
  LIVE_MODE=1
  [ -x "$probe" ] || die "no rmonprobe binary at $probe (cargo build --release, or set LAB_PROBE)"
  probe=$(cd "$(dirname "$probe")" && pwd)/$(basename "$probe")
  mkdir -p "$out"
  out=$(cd "$out" && pwd)
  start_lab "$seconds"
  # The hosts' own start-up chatter (MLD reports, sent again after random delays) must be over
  # before the recorders start one after the other, or a frame between two starts is seen by
  # one and not the other.
  wait_quiet
  start_capture
  for engine in ${LAB_ENGINES:-pcap afxdp}; do
    case "$engine" in
      pcap) args=(--interface mon0 --engine pcap) ;;
      pcap2) args=(--interface mon0 --engine pcap --workers 2) ;;
      afxdp) args=(--interface mon1 --engine afxdp) ;;
      *) die "unknown engine $engine" ;;
    esac
    if [ "${LAB_CAPTURE:-0}" = 1 ]; then
      args+=(--capture-dir "$out/$engine.buffers")
    fi
    # shellcheck disable=SC2086  # LAB_PROBE_ARGS holds separate arguments
    spawn mon "$probe" run "${args[@]}" --no-snmp \
      --json "$out/$engine.report.json" ${LAB_PROBE_ARGS:-} 2>"$out/$engine.log"
    probe_pid[$engine]=$SPAWNED
  done
  # Each probe says "IF (ifIndex 1): ..." once its capture is open.
  for engine in "${!probe_pid[@]}"; do
    wait_until "rmonprobe --engine $engine (log: $out/$engine.log)" grep -q "(ifIndex 1):" "$out/$engine.log"
  done
  run_traffic "$seconds"
  # The recorders stop one after another, so the link must be quiet by then: the hosts still
  # check their neighbours (an ARP probe up to 5 s after a stale entry was used).
  wait_quiet 6
  if [ "${LAB_CAPTURE:-0}" = 1 ]; then
    for engine in "${!probe_pid[@]}"; do
      kill -USR1 "${probe_pid[$engine]}"
      wait_until "rmonprobe --engine $engine writing its buffers on SIGUSR1" \
        grep -q "SIGUSR1: wrote" "$out/$engine.log"
      cp -r "$out/$engine.buffers" "$out/$engine.usr1"
    done
  fi
  for engine in "${!probe_pid[@]}"; do
    pid=${probe_pid[$engine]}
    kill -INT "$pid"
    if ! wait "$pid"; then
      cat "$out/$engine.log" >&2
      die "rmonprobe --engine $engine did not exit cleanly"
    fi
    log "rmonprobe --engine $engine: $(grep -c . "$out/$engine.log") log line(s), report $out/$engine.report.json"
  done
  stop_capture
  editcap -F pcapng "$WORK/raw.pcap" "$out/recording.pcapng"
  capinfos -c "$out/recording.pcapng" >&2 || true
  log "wrote $out"
}

# `alarm OUTDIR`: the alarm and event groups end to end, every row made by net-snmp's snmpset.
# `rmonprobe run` listens on mon0 with its agent on 127.0.0.1:1161 (in the monitor's namespace)
# and two trap sinks, snmptrapd on 127.0.0.1:1162 (v2c) and 127.0.0.1:1163 (v1). Event 1
# (logandtrap) and alarm 1 (etherStatsPkts.1, deltaValue every second, rising 40, falling 5,
# startup alarm rising, both thresholds firing event 1) are created by SET on a quiet lab; h4
# then pings h1 100 times a second for 3 s (about 200 frames a second on the SPAN port), and
# the lab goes quiet again until the falling trap arrives. Writes OUTDIR/traps-v2c.log and
# traps-v1.log (snmptrapd, numeric OIDs), OUTDIR/logTable.txt and alarmTable.txt (snmpwalk),
# OUTDIR/report.json (the probe's report at SIGINT) and OUTDIR/probe.log.
#   LAB_PROBE  the rmonprobe binary (default target/release/rmonprobe)
#   LAB_MIBS   the MIB folder for net-snmp (default ../shared/mibs beside the project)
cmd_alarm() {
  local out=$1 port pid
  local probe=${LAB_PROBE:-$SCRIPT_DIR/../target/release/rmonprobe}
  local mibs=${LAB_MIBS:-$SCRIPT_DIR/../../shared/mibs}
  LIVE_MODE=1
  [ -x "$probe" ] || die "no rmonprobe binary at $probe (cargo build --release, or set LAB_PROBE)"
  [ -f "$mibs/RMON-MIB.txt" ] || die "no RMON-MIB.txt in $mibs (set LAB_MIBS)"
  probe=$(cd "$(dirname "$probe")" && pwd)/$(basename "$probe")
  mibs=$(cd "$mibs" && pwd)
  mkdir -p "$out"
  out=$(cd "$out" && pwd)
  start_lab 5
  wait_quiet
  printf 'disableAuthorization yes\n' >"$WORK/snmptrapd.conf"
  for port in 1162 1163; do
    # -f: foreground (its PID is ours); -m '' -On: no MIBs, numeric OIDs; -C -c: only our
    # configuration; -Lf: log to a file, flushed per trap.
    spawn mon snmptrapd -f -m '' -On -C -c "$WORK/snmptrapd.conf" -Lf "$WORK/trapd-$port.log" \
      -p "$WORK/trapd-$port.pid" "udp:127.0.0.1:$port"
  done
  spawn mon "$probe" run --interface mon0 --snmp 127.0.0.1:1161 --write-community private \
    --trap-sink 127.0.0.1:1162 --trap-sink 127.0.0.1:1163/v1 --json "$out/report.json" 2>"$out/probe.log"
  pid=$SPAWNED
  wait_until "rmonprobe (log: $out/probe.log)" grep -q "(ifIndex 1):" "$out/probe.log"
  wait_until "snmptrapd" sh -c "grep -q 'NET-SNMP version' '$WORK/trapd-1162.log' && grep -q 'NET-SNMP version' '$WORK/trapd-1163.log'"
  local snmp=(-M "+$mibs" -m +RMON-MIB -v2c -c private 127.0.0.1:1161)
  in_ns mon snmpset "${snmp[@]}" eventStatus.1 i createRequest >&2
  in_ns mon snmpset "${snmp[@]}" eventDescription.1 s "ping flood on the SPAN port" \
    eventType.1 i logandtrap eventCommunity.1 s lab-traps eventOwner.1 s lab >&2
  in_ns mon snmpset "${snmp[@]}" eventStatus.1 i valid >&2
  in_ns mon snmpset "${snmp[@]}" alarmStatus.1 i createRequest >&2
  in_ns mon snmpset "${snmp[@]}" alarmInterval.1 i 1 alarmVariable.1 o etherStatsPkts.1 \
    alarmSampleType.1 i deltaValue alarmStartupAlarm.1 i risingAlarm \
    alarmRisingThreshold.1 i 40 alarmFallingThreshold.1 i 5 \
    alarmRisingEventIndex.1 i 1 alarmFallingEventIndex.1 i 1 alarmOwner.1 s lab >&2
  in_ns mon snmpset "${snmp[@]}" alarmStatus.1 i valid >&2
  sleep 3     # quiet samples first: the startup alarm (rising only) must not fire
  in_ns h4 ping -q -i 0.01 -c 300 "$NET4.1" >&2
  local _
  for _ in $(seq 100); do
    grep -q '1.3.6.1.2.1.16.0.2' "$WORK/trapd-1162.log" && break
    sleep 0.2
  done
  sleep 1     # the v1 sink's copy of the same trap
  in_ns mon snmpwalk "${snmp[@]}" -On logTable >"$out/logTable.txt"
  in_ns mon snmpwalk "${snmp[@]}" -On alarmTable >"$out/alarmTable.txt"
  in_ns mon snmpwalk "${snmp[@]}" -On eventTable >"$out/eventTable.txt"
  kill -INT "$pid"
  if ! wait "$pid"; then
    cat "$out/probe.log" >&2
    die "rmonprobe did not exit cleanly"
  fi
  cp "$WORK/trapd-1162.log" "$out/traps-v2c.log"
  cp "$WORK/trapd-1163.log" "$out/traps-v1.log"
  log "wrote $out"
}

# Waits (at most 10 tries) for SECONDS (default 2) in which the monitor port sees no frame.
wait_quiet() {
  local seconds=${1:-2} _
  for _ in $(seq 10); do
    if ! in_ns mon timeout "$seconds" tcpdump -i mon0 -c 1 -q -n >/dev/null 2>&1; then
      return 0
    fi
  done
  die "the lab never went quiet"
}

main() {
  [ $# -ge 1 ] || usage
  case "$1" in
    record)      [ $# -eq 3 ] || usage; cmd_record "$2" "$3" ;;
    record-vlan) [ $# -eq 3 ] || usage; VLAN_MODE=1; cmd_record "$2" "$3" ;;
    live)        [ $# -eq 3 ] || usage; cmd_live "$2" "$3" ;;
    alarm)       [ $# -eq 2 ] || usage; cmd_alarm "$2" ;;
    down)        [ $# -eq 1 ] || usage; cmd_down ;;
    -h|--help|help) usage ;;
    *) usage ;;
  esac
}

main "$@"
