#!/usr/bin/env python3
"""The RMON2 network- and application-layer figures a capture should produce, worked out from
tshark alone.

    expected_rmon2_from_tshark.py CAPTURE [--fcs-present] [--port tcp:8443=12]
                                  [--top-n SECONDS [--top-n-size N]]
                                  [--al-top-n SECONDS [--al-top-n-size N] [--al-top-n-base BASE ...]]
                                  [--if-index N] > EXPECTED.json

The test oracle for rmonprobe's RMON2 tables: it never runs rmonprobe and shares no code with
it. tshark decodes each frame (Ethernet addresses and length, its protocol stack, the outermost
IPv4/IPv6 addresses and protocol); this script applies RMON2's counting contract (README,
"Counting contract"; RFC 4502) and prints nlHostTable, nlMatrixSDTable, nlMatrixDSTable,
addressMapTable, protocolDistStatsTable, alHostTable, alMatrixSDTable and alMatrixDSTable as
JSON under their MIB names, for the default rows of a replayed file (hlHostControl 1,
hlMatrixControl 1, protocolDistControl 1 on ifIndex.1). --if-index N: those of the N-th data
source instead (protocolDistControlIndex, hlHostControlIndex and hlMatrixControlIndex N,
addressMapSource ifIndex.N), as scripts/expected_from_tshark.py --if-index explains; the
nlMatrixTopN and alMatrixTopN control rows of --top-n and --al-top-n keep their own numbers.

  good frames  only: a frame with a bad FCS, or under 64 / over 1518 octets less its tags, counts
               nowhere in RMON2. Octets are the wire length (the FCS and padding added as
               scripts/expected_from_tshark.py explains).
  stack        the link layer: 802.3 with a length field is llc, else ether2 (VLAN tags are
               link layer: the EtherType after them); then ip, ipv6 or arp; under ip icmp, tcp,
               udp (IPv4's protocol field, fragments included); under ipv6 icmpv6, tcp, udp (the
               upper layer after the extension headers). A frame counts once under each
               protocol of its stack the built-in directory has, local indexes: ether2 1, llc 2,
               ether2.ip 3, ether2.ipv6 4, ether2.arp 5, ip.icmp 6, ip.tcp 7, ip.udp 8,
               ipv6.icmpv6 9, ipv6.tcp 10, ipv6.udp 11; then the applications of the issue's
               list (APPLICATIONS below) under ip, then under ipv6, each over its transports
               (tcp before udp), 12 on, in that order. A tcp or udp frame counts under the
               application of its destination port, else of its source port. --port
               tcp:PORT=LOCAL adds a port protocol under ip.tcp (or udp:...), counted alike.
  alHost       each end of an IP frame under its transport (icmp, tcp, udp, icmpv6) and its
               application: Out counters on the source, In on the destination. JSON names the
               two protocol indexes nlProtocolDirLocalIndex and alProtocolDirLocalIndex.
  alMatrix     (source, destination) pairs under the transport and the application.
  nlHost       IPv4/IPv6 source and destination addresses; Out counters on the source, In on
               the destination; OutMacNonUnicastPkts: sent to a MAC broadcast or multicast.
  nlMatrix     (source, destination) address pairs; DS holds the same pairs.
  addressMap   each IP source address with the MAC source address it was last sent from.
  nlMatrixTopN with --top-n D: an nlMatrixTopNControl row 1 on hlMatrixControl 1 ranking by
               octets, reports of D seconds one after the other from the first frame (a frame
               at a report's end belongs to the next); the last report to end by the last
               frame's time, its conversations by octets (ties by protocol, source, destination
               as the index orders addresses), at most N (default 150), each with the reverse
               pair's packets and octets. Time never goes back (a frame stamped earlier counts at
               the latest time seen).
  alMatrixTopN with --al-top-n D: the same reports of alMatrix's entries (a pair under one
               transport or application), one alMatrixTopNControl row per --al-top-n-base, numbered
               from 1 (default: one row, alMatrixTopNTerminalsOctets), each ranking by the
               packets or octets its base names (ties by the entry's index order), at most
               --al-top-n-size (default 150), each with the reverse pair's figures under the same
               protocol. A "Terminals" base ranks only the protocols with no child protocol in the
               directory: the applications, and a transport with no application under it (icmp,
               icmpv6); ip.tcp, ip.udp, ipv6.tcp and ipv6.udp, whose applications are counted,
               are not. An "All" base ranks every entry.
"""

import argparse
import ipaddress
import json
import os
import subprocess
import sys
from pathlib import Path

sys.dont_write_bytecode = True
sys.path.insert(0, str(Path(__file__).resolve().parent))
import pcapio  # noqa: E402

IF_INDEX = "1.3.6.1.2.1.2.2.1.1"  # a data source is ifIndex.N
BROADCAST = "ff:ff:ff:ff:ff:ff"
TAG_LAYERS = ("vlan", "ieee8021ad")
IPV6_EXTENSIONS = ("ipv6.hopopts", "ipv6.routing", "ipv6.fraghdr", "ipv6.dstopts", "ah")
LOCAL = {
    "ether2": 1,
    "llc": 2,
    "ether2.ip": 3,
    "ether2.ipv6": 4,
    "ether2.arp": 5,
    "ether2.ip.icmp": 6,
    "ether2.ip.tcp": 7,
    "ether2.ip.udp": 8,
    "ether2.ipv6.icmpv6": 9,
    "ether2.ipv6.tcp": 10,
    "ether2.ipv6.udp": 11,
}
# The list of well-known services: (RFC 2896 name, port, transports).
APPLICATIONS = [
    ("ftp-data", 20, ["tcp"]), ("ftp", 21, ["tcp"]), ("ssh", 22, ["tcp"]), ("telnet", 23, ["tcp"]),
    ("smtp", 25, ["tcp"]), ("domain", 53, ["tcp", "udp"]), ("bootps", 67, ["udp"]), ("bootpc", 68, ["udp"]),
    ("tftp", 69, ["udp"]), ("www-http", 80, ["tcp"]), ("pop3", 110, ["tcp"]), ("ntp", 123, ["udp"]),
    ("imap", 143, ["tcp"]), ("snmp", 161, ["udp"]), ("snmptrap", 162, ["udp"]), ("ldap", 389, ["tcp"]),
    ("https", 443, ["tcp"]), ("syslog", 514, ["udp"]), ("submission", 587, ["tcp"]), ("imaps", 993, ["tcp"]),
    ("pop3s", 995, ["tcp"]), ("mysql", 3306, ["tcp"]), ("ms-wbt-server", 3389, ["tcp"]),
    ("postgresql", 5432, ["tcp"]), ("http-alt", 8080, ["tcp"]),
]
# (network, transport, port) -> local index of the application.
APP_LOCAL = {}
for _net in ("ip", "ipv6"):
    for _name, _port, _transports in APPLICATIONS:
        for _transport in _transports:
            APP_LOCAL[(_net, _transport, _port)] = len(LOCAL) + len(APP_LOCAL) + 1
IP_PROTOCOLS = {1: "icmp", 6: "tcp", 17: "udp"}
FIELDS = [
    "frame.number",
    "frame.time_epoch",
    "frame.len",
    "frame.cap_len",
    "frame.interface_id",
    "eth.dst",
    "eth.src",
    "eth.fcs.status",
    "frame.protocols",
    "ip.src",
    "ip.dst",
    "ip.proto",
    "ipv6.src",
    "ipv6.dst",
    "tcp.srcport",
    "tcp.dstport",
    "udp.srcport",
    "udp.dstport",
]


def run_tshark(capture, fcs_forced):
    cmd = ["tshark", "-r", capture, "-n", "-o", "eth.check_fcs:TRUE"]
    cmd += ["-o", "ip.defragment:FALSE", "-o", "ipv6.defragment:FALSE"]
    if fcs_forced:
        cmd += ["-o", "eth.assume_fcs:TRUE"]
    cmd += ["-T", "fields", "-E", "separator=/t", "-E", "occurrence=f", "-E", "header=n"]
    for name in FIELDS:
        cmd += ["-e", name]
    res = subprocess.run(cmd, capture_output=True, text=True, env=dict(os.environ, LC_ALL="C"))
    if res.returncode != 0:
        sys.exit(f"tshark failed ({res.returncode}):\n{res.stderr}")
    return res.stdout.splitlines()


def stack(row):
    """The directory's protocols of one frame, outermost first, and its IP layer's name."""
    layers = [x for x in row["frame.protocols"].split(":") if x != "ethertype"]
    rest = layers[1:]
    while rest and rest[0] in TAG_LAYERS:
        rest = rest[1:]
    if rest and rest[0] == "llc":
        return ["llc"], None
    names = ["ether2"]
    if not rest or rest[0] not in ("ip", "ipv6", "arp"):
        return names, None
    net = rest[0]
    names.append(f"ether2.{net}")
    if net == "ip":
        proto = IP_PROTOCOLS.get(int(row["ip.proto"])) if row["ip.proto"] else None
    elif net == "ipv6":
        upper = [x for x in rest[1:] if x not in IPV6_EXTENSIONS]
        proto = upper[0] if upper and upper[0] in ("icmpv6", "tcp", "udp") else None
    else:
        proto = None
    if proto:
        names.append(f"ether2.{net}.{proto}")
    return names, net


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("capture")
    ap.add_argument("--fcs-present", action="store_true")
    ap.add_argument("--port", action="append", default=[], help="tcp:PORT=LOCAL or udp:PORT=LOCAL, under IPv4")
    ap.add_argument("--top-n", type=int, default=0, help="nlMatrixTopN reports of this many seconds")
    ap.add_argument("--top-n-size", type=int, default=150)
    ap.add_argument("--al-top-n", type=int, default=0, help="alMatrixTopN reports of this many seconds")
    ap.add_argument("--al-top-n-size", type=int, default=150)
    ap.add_argument("--al-top-n-base", action="append", default=[],
                    help="alMatrixTopNControlRateBase of row 1, 2, ... (alMatrixTopNTerminalsOctets, ...)")
    ap.add_argument("--if-index", type=int, default=1,
                    help="the data source ifIndex.N, in the default rows of the N-th data source (default 1)")
    args = ap.parse_args()
    if not 1 <= args.if_index <= 65535:
        sys.exit("--if-index must be 1..65535")
    source_index = args.if_index  # the index of the source's default control rows
    data_source = f"{IF_INDEX}.{source_index}"
    ports = {(net, kind, port): local for (net, kind, port), local in APP_LOCAL.items()}
    for spec in args.port:
        kind, _, rest = spec.partition(":")
        port, _, local = rest.partition("=")
        ports[("ip", kind, int(port))] = int(local)

    fcslens = [iface.fcslen for iface in pcapio.read_capture(args.capture)[0]]
    dist, hosts, pairs, amap, al_hosts, al_pairs = {}, {}, {}, {}, {}, {}
    timed = []  # (ns, pair key, wire) of every counted IP frame, for the reports
    al_timed = []  # (ns, (network, source, destination, protocol), wire) of every alMatrix count
    first = latest = None
    for line in run_tshark(args.capture, args.fcs_present):
        row = dict(zip(FIELDS, line.split("\t")))
        whole, _, frac = row["frame.time_epoch"].partition(".")
        ns = int(whole) * 10**9 + int((frac + "000000000")[:9])
        latest = ns if latest is None else max(latest, ns)
        first = latest if first is None else first
        length, caplen = int(row["frame.len"]), int(row["frame.cap_len"])
        iface = int(row["frame.interface_id"] or 0)
        has_fcs = args.fcs_present or (iface < len(fcslens) and fcslens[iface] == 4)
        wire = length if has_fcs else max(length, 60) + 4
        layers = [x for x in row["frame.protocols"].split(":") if x != "ethertype"]
        tags = sum(1 for x in layers[1:] if x in TAG_LAYERS)
        size = wire - 4 * tags
        if wire >= 64:
            size = max(size, 64)
        fcs_bad = has_fcs and caplen == length and row["eth.fcs.status"] in ("0", "Bad")
        if caplen < 14 or fcs_bad or size < 64 or size > 1518:
            continue
        names, net = stack(row)
        locals_ = [LOCAL[n] for n in names]
        # Above the network layer: the transport, and the application of a port.
        above = locals_[2:] if net in ("ip", "ipv6") else []
        kind = names[-1].rsplit(".", 1)[1]
        if len(names) == 3 and kind in ("tcp", "udp"):
            src, dst = row[f"{kind}.srcport"], row[f"{kind}.dstport"]
            for port in (dst, src):
                if port and (net, kind, int(port)) in ports:
                    locals_.append(ports[(net, kind, int(port))])
                    above.append(ports[(net, kind, int(port))])
                    break
        for local in locals_:
            c = dist.setdefault(local, [0, 0])
            c[0] += 1
            c[1] += wire
        if net not in ("ip", "ipv6"):
            continue
        local = LOCAL[f"ether2.{net}"]
        src = ipaddress.ip_address(row[f"{net}.src"]).compressed
        dst = ipaddress.ip_address(row[f"{net}.dst"]).compressed
        mac_dst, mac_src = row["eth.dst"].lower(), row["eth.src"].lower()
        s = hosts.setdefault((local, src), [0, 0, 0, 0, 0])
        s[1] += 1
        s[3] += wire
        if mac_dst == BROADCAST or int(mac_dst[:2], 16) & 1:
            s[4] += 1
        d = hosts.setdefault((local, dst), [0, 0, 0, 0, 0])
        d[0] += 1
        d[2] += wire
        p = pairs.setdefault((local, src, dst), [0, 0])
        p[0] += 1
        p[1] += wire
        timed.append((latest, (local, src, dst), wire))
        amap[(local, src)] = mac_src
        for al in above:
            s = al_hosts.setdefault((local, src, al), [0, 0, 0, 0])
            s[1] += 1
            s[3] += wire
            d = al_hosts.setdefault((local, dst, al), [0, 0, 0, 0])
            d[0] += 1
            d[2] += wire
            p = al_pairs.setdefault((local, src, dst, al), [0, 0])
            p[0] += 1
            p[1] += wire
            al_timed.append((latest, (local, src, dst, al), wire))

    def order(key):
        local, *addresses = key
        return (local, *[(ipaddress.ip_address(a).version, ipaddress.ip_address(a).packed) for a in addresses])

    def al_order(key):
        """(network, addresses..., application): the addresses as the index orders them."""
        return (*order(key[:-1]), key[-1])

    result = {
        "protocolDistStatsTable": [
            {"protocolDistControlIndex": source_index, "protocolDirLocalIndex": local, "protocolDistStatsPkts": c[0],
             "protocolDistStatsOctets": c[1]}
            for local, c in sorted(dist.items())
        ],
        "nlHostTable": [
            {"hlHostControlIndex": source_index, "protocolDirLocalIndex": k[0], "nlHostAddress": k[1],
             "nlHostInPkts": v[0], "nlHostOutPkts": v[1], "nlHostInOctets": v[2], "nlHostOutOctets": v[3],
             "nlHostOutMacNonUnicastPkts": v[4]}
            for k, v in sorted(hosts.items(), key=lambda kv: order(kv[0]))
        ],
        "nlMatrixSDTable": [
            {"hlMatrixControlIndex": source_index, "protocolDirLocalIndex": k[0], "nlMatrixSDSourceAddress": k[1],
             "nlMatrixSDDestAddress": k[2], "nlMatrixSDPkts": v[0], "nlMatrixSDOctets": v[1]}
            for k, v in sorted(pairs.items(), key=lambda kv: order(kv[0]))
        ],
        "nlMatrixDSTable": [
            {"hlMatrixControlIndex": source_index, "protocolDirLocalIndex": k[0], "nlMatrixDSSourceAddress": k[1],
             "nlMatrixDSDestAddress": k[2], "nlMatrixDSPkts": v[0], "nlMatrixDSOctets": v[1]}
            for k, v in sorted(pairs.items(), key=lambda kv: order((kv[0][0], kv[0][2], kv[0][1])))
        ],
        "addressMapTable": [
            {"protocolDirLocalIndex": k[0], "addressMapNetworkAddress": k[1], "addressMapSource": data_source,
             "addressMapPhysicalAddress": mac}
            for k, mac in sorted(amap.items(), key=lambda kv: order(kv[0]))
        ],
    }
    result["alHostTable"] = [
        {"hlHostControlIndex": source_index, "nlProtocolDirLocalIndex": k[0], "nlHostAddress": k[1],
         "alProtocolDirLocalIndex": k[2], "alHostInPkts": v[0], "alHostOutPkts": v[1], "alHostInOctets": v[2],
         "alHostOutOctets": v[3]}
        for k, v in sorted(al_hosts.items(), key=lambda kv: al_order(kv[0]))
    ]
    result["alMatrixSDTable"] = [
        {"hlMatrixControlIndex": source_index, "nlProtocolDirLocalIndex": k[0], "nlMatrixSDSourceAddress": k[1],
         "nlMatrixSDDestAddress": k[2], "alProtocolDirLocalIndex": k[3], "alMatrixSDPkts": v[0],
         "alMatrixSDOctets": v[1]}
        for k, v in sorted(al_pairs.items(), key=lambda kv: al_order(kv[0]))
    ]
    result["alMatrixDSTable"] = [
        {"hlMatrixControlIndex": source_index, "nlProtocolDirLocalIndex": k[0], "nlMatrixDSSourceAddress": k[1],
         "nlMatrixDSDestAddress": k[2], "alProtocolDirLocalIndex": k[3], "alMatrixDSPkts": v[0],
         "alMatrixDSOctets": v[1]}
        for k, v in sorted(al_pairs.items(), key=lambda kv: al_order((kv[0][0], kv[0][2], kv[0][1], kv[0][3])))
    ]
    if args.top_n > 0 and first is not None:
        length = args.top_n * 10**9
        ended = (latest - first) // length
        report = []
        if ended > 0:
            start, end = first + (ended - 1) * length, first + ended * length
            grew = {}
            for ns, key, wire in timed:
                if start <= ns < end:
                    g = grew.setdefault(key, [0, 0])
                    g[0] += 1
                    g[1] += wire
            ranked = sorted(grew.items(), key=lambda kv: (-kv[1][1], order(kv[0])))[: args.top_n_size]
            for i, ((local, src, dst), g) in enumerate(ranked, 1):
                back = grew.get((local, dst, src), [0, 0])
                report.append({"nlMatrixTopNControlIndex": 1, "nlMatrixTopNIndex": i,
                               "nlMatrixTopNProtocolDirLocalIndex": local, "nlMatrixTopNSourceAddress": src,
                               "nlMatrixTopNDestAddress": dst, "nlMatrixTopNPktRate": g[0],
                               "nlMatrixTopNReversePktRate": back[0], "nlMatrixTopNOctetRate": g[1],
                               "nlMatrixTopNReverseOctetRate": back[1]})
        result["nlMatrixTopNTable"] = report
    if args.al_top_n > 0 and first is not None:
        # Terminals: the protocols above the network layer with no child in the directory.
        parents = {(net, kind) for (net, kind, _port) in ports}
        transports = [(net, kind) for net, kinds in (("ip", ("icmp", "tcp", "udp")), ("ipv6", ("icmpv6", "tcp", "udp")))
                      for kind in kinds]
        terminals = set(ports.values()) | {LOCAL[f"ether2.{net}.{kind}"] for net, kind in transports
                                           if (net, kind) not in parents}
        length = args.al_top_n * 10**9
        ended = (latest - first) // length
        grew = {}
        if ended > 0:
            start, end = first + (ended - 1) * length, first + ended * length
            for ns, key, wire in al_timed:
                if start <= ns < end:
                    g = grew.setdefault(key, [0, 0])
                    g[0] += 1
                    g[1] += wire
        report = []
        for control, base in enumerate(args.al_top_n_base or ["alMatrixTopNTerminalsOctets"], 1):
            by = 1 if "Octets" in base else 0
            entries = [kv for kv in grew.items() if "Terminals" not in base or kv[0][3] in terminals]
            ranked = sorted(entries, key=lambda kv: (-kv[1][by], al_order(kv[0])))[: args.al_top_n_size]
            for i, ((local, src, dst, al), g) in enumerate(ranked, 1):
                back = grew.get((local, dst, src, al), [0, 0])
                report.append({"alMatrixTopNControlIndex": control, "alMatrixTopNIndex": i,
                               "alMatrixTopNProtocolDirLocalIndex": local, "alMatrixTopNSourceAddress": src,
                               "alMatrixTopNDestAddress": dst, "alMatrixTopNAppProtocolDirLocalIndex": al,
                               "alMatrixTopNPktRate": g[0], "alMatrixTopNReversePktRate": back[0],
                               "alMatrixTopNOctetRate": g[1], "alMatrixTopNReverseOctetRate": back[1]})
        result["alMatrixTopNTable"] = report
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
