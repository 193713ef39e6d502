#!/usr/bin/env bash
# Installs tshark (and with it editcap and capinfos) when it is missing; does nothing otherwise.
# Used by golden-check.sh and lab-fresh-check.sh, which must run on a fresh machine or in CI.
set -euo pipefail
command -v tshark >/dev/null 2>&1 && exit 0
echo "installing tshark" >&2
export DEBIAN_FRONTEND=noninteractive
# wireshark-common would otherwise stop and ask whether non-root users may capture packets.
echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
apt-get update -qq
apt-get install -y -qq --no-install-recommends tshark >/dev/null
