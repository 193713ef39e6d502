#!/usr/bin/env python3
"""A VLAN sub-interface in user space, for the namespace lab (scripts/lab.sh record-vlan).

    vlan_relay.py PARENT TAP TAG [TAG ...]      TAG = TPID:VID in hex:decimal, outermost first,
                                                e.g. 8100:10 (802.1Q), or 88a8:100 8100:200 (QinQ)

Why this exists: the lab must put 802.1Q and QinQ tagged frames on the wire, but the kernel the
lab runs on may be built without 802.1Q support (CONFIG_VLAN_8021Q unset: `ip link add ... type
vlan` then fails with "Unknown device type"), and without the tc vlan action either. A tap device
is always there, so this relay plays the part of the VLAN driver:

  * frames the host's stack sends on TAP get the tags inserted after the source MAC and go out on
    PARENT through a raw packet socket;
  * frames arriving on PARENT whose leading tags are exactly TAGS lose them and are handed to TAP.

The host's own programs (ping, curl, dig, iperf3) then talk over the tap as over eth0.VID, and
the monitor sees genuinely tagged traffic. TAP must already exist (ip tuntap add ... mode tap);
lab.sh gives it the parent's MAC address, as a VLAN sub-interface would have.

Receiving detail: the kernel moves the outermost 802.1Q/802.1ad tag of an incoming frame out of
the data into packet metadata before packet sockets see it; the socket reports it in
PACKET_AUXDATA, and the relay puts it back in front of the rest before matching. (libpcap does
the same, which is why tcpdump on the monitor port shows the tags.)

Standard library only. Stops on SIGTERM or SIGINT.
"""

import fcntl
import os
import select
import signal
import socket
import struct
import sys

TUNSETIFF = 0x400454CA
IFF_TAP = 0x0002
IFF_NO_PI = 0x1000  # plain Ethernet frames, no 4-byte packet-information prefix

ETH_P_ALL = 0x0003
SOL_PACKET = 263
PACKET_AUXDATA = 8
PACKET_OUTGOING = 4  # the address's pkttype for frames this host sent itself
TP_STATUS_VLAN_VALID = 1 << 4
TP_STATUS_VLAN_TPID_VALID = 1 << 6
# struct tpacket_auxdata: status, len, snaplen (u32); mac, net, vlan_tci, vlan_tpid (u16)
AUXDATA = struct.Struct("=IIIHHHH")


def parse_tags(args):
    tags = []
    for arg in args:
        tpid, vid = arg.split(":")
        tpid, vid = int(tpid, 16), int(vid)
        if tpid not in (0x8100, 0x88A8, 0x9100) or not 1 <= vid <= 4094:
            raise SystemExit(f"bad tag {arg!r}: want 8100|88a8|9100 : 1..4094")
        tags.append(struct.pack("!HH", tpid, vid))  # priority 0, DEI 0
    return b"".join(tags)


def open_tap(name):
    fd = os.open("/dev/net/tun", os.O_RDWR)
    ifreq = struct.pack("16sH22x", name.encode(), IFF_TAP | IFF_NO_PI)
    fcntl.ioctl(fd, TUNSETIFF, ifreq)
    return fd


def restore_outer_tag(data, ancdata):
    """The frame as it was on the wire: the tag the kernel took out goes back after the MACs."""
    for level, kind, cdata in ancdata:
        if level != SOL_PACKET or kind != PACKET_AUXDATA or len(cdata) < AUXDATA.size:
            continue
        status, _, _, _, _, tci, tpid = AUXDATA.unpack_from(cdata)
        if status & TP_STATUS_VLAN_VALID:
            if not status & TP_STATUS_VLAN_TPID_VALID:
                tpid = 0x8100  # old kernels only ever took out 802.1Q tags
            return data[:12] + struct.pack("!HH", tpid, tci) + data[12:]
    return data


def tags_match(frame, tags):
    """Same TPIDs and VIDs in the same order; priority and DEI bits are ignored."""
    if len(frame) < 12 + len(tags) + 2:
        return False
    for i in range(0, len(tags), 4):
        got_tpid, got_tci = struct.unpack_from("!HH", frame, 12 + i)
        want_tpid, want_vid = struct.unpack_from("!HH", tags, i)
        if got_tpid != want_tpid or got_tci & 0x0FFF != want_vid:
            return False
    return True


def main():
    if len(sys.argv) < 4:
        raise SystemExit(__doc__.split("\n\n")[1])
    parent, tap_name, tags = sys.argv[1], sys.argv[2], parse_tags(sys.argv[3:])

    # Leave quietly and at once when lab.sh stops us (there is nothing to flush; sys.exit would
    # raise inside whatever the interpreter is doing, and a second signal during its shutdown
    # prints tracebacks).
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: os._exit(0))

    tap = open_tap(tap_name)
    wire = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    wire.bind((parent, ETH_P_ALL))
    wire.setsockopt(SOL_PACKET, PACKET_AUXDATA, 1)
    anc_size = socket.CMSG_SPACE(AUXDATA.size)

    while True:
        readable, _, _ = select.select([tap, wire], [], [])
        if tap in readable:
            frame = os.read(tap, 65536)
            if len(frame) >= 14:
                try:
                    wire.send(frame[:12] + tags + frame[12:])
                except OSError:
                    pass  # e.g. EMSGSIZE for a frame too big for PARENT: a wire would drop it too
        if wire in readable:
            data, ancdata, _, addr = wire.recvmsg(65536, anc_size)
            if addr[2] == PACKET_OUTGOING:
                continue  # our own transmissions (and the host's) come back here too
            frame = restore_outer_tag(data, ancdata)
            if tags_match(frame, tags):
                os.write(tap, frame[:12] + frame[12 + len(tags):])


if __name__ == "__main__":
    main()
