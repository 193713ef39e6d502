#!/usr/bin/env bash
# Installs the Debian packages a task needs, only those missing, so that a prepared machine needs
# no network and a fresh one (or CI) gets everything.
#
#   scripts/deps.sh build|test|bench
#
#   build: what `cargo build` needs beyond the Rust toolchain: a C compiler for -sys crates,
#          libpcap's headers (the pcap engine), clang, libelf and m4 (xsk-rs builds libxdp and
#          libbpf, with the XDP program, from source), and the IEEE OUI registry (ieee-data)
#          the terminal UI reads MAC vendor names from
#   test:  build, plus tshark (the oracle), tcpdump, python3, net-snmp's tools (the manager the
#          agent is checked with; snmptrapd, which its traps are checked with;
#          prometheus-snmp-exporter, a second manager with its own SNMPv3 stack), Prometheus
#          and promtool (the metrics are checked with them; openssl and htpasswd make the
#          TLS push test's certificates and password), libsmi's smilint
#          (mibs/RMONPROBE-MIB is checked with it) and the namespace lab's programs
#   bench: build, plus tcpdump (the reference the replay is timed against) and net-snmp's tools
set -euo pipefail

need=()
want() { # want BINARY PACKAGE
  command -v "$1" >/dev/null 2>&1 || need+=("$2")
}

want_pkg() { # want_pkg PACKAGE: a library package, checked with dpkg
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "ok installed" || need+=("$1")
}
build_deps() {
  want cc gcc
  want clang clang
  want m4 m4
  want pkg-config pkg-config
  want_pkg libpcap-dev
  want_pkg libelf-dev
  want_pkg zlib1g-dev
  # Not for building: the IEEE OUI registry, from which the terminal UI names MAC vendors.
  want_pkg ieee-data
}

case "${1:-build}" in
  build)
    build_deps
    ;;
  test)
    build_deps
    want tcpreplay tcpreplay
    want python3 python3
    want tcpdump tcpdump
    want tshark tshark
    want capinfos tshark
    want editcap tshark
    want snmpget snmp
    want snmpbulkwalk snmp
    want snmpset snmp
    want snmptable snmp
    want snmptrapd snmptrapd
    want prometheus-snmp-exporter prometheus-snmp-exporter
    want prometheus prometheus
    want promtool prometheus
    want htpasswd apache2-utils
    want openssl openssl
    want smilint smitools
    want tmux tmux
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
    build_deps
    want tcpreplay tcpreplay
    want ip iproute2
    want ethtool ethtool
    want tcpdump tcpdump
    want python3 python3
    want snmpget snmp
    want snmpbulkwalk snmp
    want snmpset snmp
    want snmptable snmp
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
