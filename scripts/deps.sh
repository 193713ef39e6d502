#!/usr/bin/env bash
# Installs the Debian packages a task needs, only those missing, so that a prepared machine needs
# no network and a fresh one (or CI) gets everything.
#
#   scripts/deps.sh build|test|bench
#
#   build: what `cargo build` needs beyond the Rust toolchain (a C compiler for -sys crates)
#   test:  build, plus tshark (the oracle), tcpdump, python3 and the namespace lab's programs
#   bench: build, plus tcpdump (the reference the replay is timed against) and net-snmp's tools
set -euo pipefail

need=()
want() { # want BINARY PACKAGE
  command -v "$1" >/dev/null 2>&1 || need+=("$2")
}

case "${1:-build}" in
  build)
    want cc gcc
    ;;
  test)
    want cc gcc
    want python3 python3
    want tcpdump tcpdump
    want tshark tshark
    want capinfos tshark
    want editcap tshark
    want ip iproute2
    want bridge iproute2
    want iperf3 iperf3
    want curl curl
    want dig dnsutils
    want dnsmasq dnsmasq-base
    want arping arping
    want ping iputils-ping
    want ethtool ethtool
    want busybox busybox
    ;;
  bench)
    want cc gcc
    want tcpdump tcpdump
    want python3 python3
    want snmpbulkwalk snmp
    want snmpget snmp
    ;;
  *)
    echo "usage: scripts/deps.sh build|test|bench" >&2
    exit 2
    ;;
esac

[ ${#need[@]} -eq 0 ] && exit 0
mapfile -t need < <(printf '%s\n' "${need[@]}" | sort -u)
echo "deps: installing ${need[*]}" >&2
if [ "$(id -u)" -ne 0 ]; then
  echo "deps: need root to install packages (try: sudo $0 $*)" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
# wireshark-common asks whether non-root users may capture; answer before it asks.
echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
