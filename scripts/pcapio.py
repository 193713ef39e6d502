"""Minimal pcap / pcapng reading and pcapng writing, standard library only.

Shared by scripts/add_fcs.py (rewrites a capture with an Ethernet FCS on every frame),
scripts/expected_from_tshark.py (which reads only the interface descriptions, to learn whether
the frames carry their FCS: tshark does not expose pcapng's if_fcslen as a field),
scripts/stretch_time.py (rewrites a capture with its clock slowed down) and
scripts/make_handshake_capture.py (writes a hand-built capture).

Only what those need: Ethernet-agnostic record reading (Enhanced and Simple Packet Blocks,
classic pcap records), timestamps as integer nanoseconds, and the if_tsresol / if_tsoffset /
if_fcslen interface options. Formats: pcapng per draft-ietf-opsawg-pcapng, classic pcap with
micro- or nanosecond timestamps in either byte order. Writing: pcapng (one section, nanosecond
timestamps, one or several interfaces) and classic little-endian pcap.
"""

import struct
from dataclasses import dataclass

PCAP_MAGIC_US = 0xA1B2C3D4
PCAP_MAGIC_NS = 0xA1B23C4D
PCAPNG_SHB = 0x0A0D0D0A
PCAPNG_BYTE_ORDER_MAGIC = 0x1A2B3C4D
BLOCK_IDB = 1
BLOCK_SPB = 3
BLOCK_EPB = 6
OPT_END = 0
OPT_IF_TSRESOL = 9
OPT_IF_FCSLEN = 13
OPT_IF_TSOFFSET = 14
LINKTYPE_ETHERNET = 1


class CaptureError(Exception):
    pass


@dataclass
class Interface:
    linktype: int
    snaplen: int
    # Timestamp units per second: 10**6 by default, 10**9 for nanosecond files, or 2**n.
    units_per_second: int = 10**6
    offset_seconds: int = 0
    # Length of the FCS at the end of each frame: 0 = none, None = not said (pcapng without
    # if_fcslen, or classic pcap without the FCS bits in its link-type field).
    fcslen: int | None = None


@dataclass
class Packet:
    interface: int  # index into the list of interfaces (all sections of a pcapng together)
    ts_ns: int
    caplen: int
    origlen: int
    data: bytes


def units_to_ns(ts, iface):
    # Integer arithmetic throughout: a float has 53 bits, an epoch in nanoseconds needs 61.
    return iface.offset_seconds * 10**9 + ts * 10**9 // iface.units_per_second


def read_capture(path):
    """Returns (interfaces, packets): a list of Interface and a list of Packet."""
    with open(path, "rb") as f:
        raw = f.read()
    if len(raw) < 4:
        raise CaptureError(f"{path}: too short to be a capture file")
    magic_le = struct.unpack_from("<I", raw)[0]
    if magic_le == PCAPNG_SHB:
        return _read_pcapng(raw, path)
    for endian in "<>":
        magic = struct.unpack_from(endian + "I", raw)[0]
        if magic in (PCAP_MAGIC_US, PCAP_MAGIC_NS):
            return _read_pcap(raw, endian, magic == PCAP_MAGIC_NS, path)
    raise CaptureError(f"{path}: neither pcap nor pcapng (magic {raw[:4].hex()})")


def _read_pcap(raw, endian, nanos, path):
    if len(raw) < 24:
        raise CaptureError(f"{path}: truncated pcap header")
    _, _, _, _, _, snaplen, linkfield = struct.unpack_from(endian + "IHHiIII", raw)
    # The link-type field's upper bits may say how long the FCS is (the "F" bit 28 set, then
    # bits 29-31 give the FCS length in 16-bit words).
    fcslen = (linkfield >> 29) * 2 if linkfield & (1 << 28) else None
    iface = Interface(linkfield & 0xFFFF, snaplen, 10**9 if nanos else 10**6, 0, fcslen)
    packets = []
    pos = 24
    while pos + 16 <= len(raw):
        sec, frac, caplen, origlen = struct.unpack_from(endian + "IIII", raw, pos)
        pos += 16
        if pos + caplen > len(raw):
            raise CaptureError(f"{path}: record at byte {pos - 16} runs past the end of the file")
        ts = sec * iface.units_per_second + frac
        packets.append(Packet(0, units_to_ns(ts, iface), caplen, origlen, raw[pos : pos + caplen]))
        pos += caplen
    return [iface], packets


def _options(raw, endian, pos, end):
    """Yields (code, value bytes) for the options between pos and end."""
    while pos + 4 <= end:
        code, length = struct.unpack_from(endian + "HH", raw, pos)
        pos += 4
        if code == OPT_END:
            return
        yield code, raw[pos : pos + length]
        pos += (length + 3) & ~3


def _read_pcapng(raw, path):
    interfaces, packets = [], []
    section_base = 0  # index of the current section's first interface in `interfaces`
    endian = "<"
    pos = 0
    while pos + 12 <= len(raw):
        block_type = struct.unpack_from("<I", raw, pos)[0]
        if block_type == PCAPNG_SHB:
            # The byte-order magic tells the endianness of this whole section.
            bom = raw[pos + 8 : pos + 12]
            if bom == struct.pack("<I", PCAPNG_BYTE_ORDER_MAGIC):
                endian = "<"
            elif bom == struct.pack(">I", PCAPNG_BYTE_ORDER_MAGIC):
                endian = ">"
            else:
                raise CaptureError(f"{path}: bad byte-order magic at byte {pos}")
            section_base = len(interfaces)
        block_type, total = struct.unpack_from(endian + "II", raw, pos)
        if total < 12 or total % 4 or pos + total > len(raw):
            raise CaptureError(f"{path}: bad block length {total} at byte {pos}")
        body, end = pos + 8, pos + total - 4
        if block_type == BLOCK_IDB:
            linktype, _, snaplen = struct.unpack_from(endian + "HHI", raw, body)
            iface = Interface(linktype, snaplen)
            for code, value in _options(raw, endian, body + 8, end):
                if code == OPT_IF_TSRESOL and len(value) >= 1:
                    r = value[0]
                    iface.units_per_second = 2 ** (r & 0x7F) if r & 0x80 else 10**r
                elif code == OPT_IF_TSOFFSET and len(value) >= 8:
                    iface.offset_seconds = struct.unpack(endian + "q", value[:8])[0]
                elif code == OPT_IF_FCSLEN and len(value) >= 1:
                    iface.fcslen = value[0]
            interfaces.append(iface)
        elif block_type == BLOCK_EPB:
            if_id, ts_hi, ts_lo, caplen, origlen = struct.unpack_from(endian + "IIIII", raw, body)
            index = section_base + if_id
            if index >= len(interfaces):
                raise CaptureError(f"{path}: packet at byte {pos} names unknown interface {if_id}")
            ts = units_to_ns((ts_hi << 32) | ts_lo, interfaces[index])
            data = raw[body + 20 : body + 20 + caplen]
            packets.append(Packet(index, ts, caplen, origlen, data))
        elif block_type == BLOCK_SPB:
            # Simple Packet Block: no timestamp, interface 0 of the section, length implied.
            origlen = struct.unpack_from(endian + "I", raw, body)[0]
            iface = interfaces[section_base]
            caplen = min(origlen, iface.snaplen or origlen, end - body - 4)
            data = raw[body + 4 : body + 4 + caplen]
            packets.append(Packet(section_base, 0, caplen, origlen, data))
        pos += total
    return interfaces, packets


def _option(code, value):
    pad = (-len(value)) % 4
    return struct.pack("<HH", code, len(value)) + value + b"\0" * pad


def _block(block_type, body):
    total = 12 + len(body)
    return struct.pack("<II", block_type, total) + body + struct.pack("<I", total)


def write_pcapng(path, linktype, fcslen, packets, comment=None):
    """Writes one section with one interface (nanosecond timestamps) and the packets as EPBs.

    fcslen: written as if_fcslen when not None, so that readers know the FCS is in the frames.
    Every packet goes on that one interface, whatever its own interface field says.
    """
    iface = Interface(linktype, 0, 10**9, 0, fcslen)
    _write_pcapng(path, [iface], packets, comment, lambda p: 0)


def write_pcapng_interfaces(path, interfaces, packets, comment=None):
    """Writes one section with the given interfaces and each packet on its own interface.

    interfaces: Interface objects, as read_capture returns them; their link types, snapshot
    lengths and FCS lengths are kept, their timestamps become nanoseconds (if_tsresol 9, no
    if_tsoffset: a packet's ts_ns is written as it is). Other interface options (names,
    filters, comments) are not kept.
    """
    for p in packets:
        if not 0 <= p.interface < len(interfaces):
            raise CaptureError(f"{path}: a packet names interface {p.interface} of {len(interfaces)}")
    _write_pcapng(path, interfaces, packets, comment, lambda p: p.interface)


def _write_pcapng(path, interfaces, packets, comment, interface_of):
    shb_options = b""
    if comment:
        shb_options += _option(1, comment.encode())  # opt_comment
    if shb_options:
        shb_options += _option(OPT_END, b"")
    out = [_block(PCAPNG_SHB, struct.pack("<IHHq", PCAPNG_BYTE_ORDER_MAGIC, 1, 0, -1) + shb_options)]
    for iface in interfaces:
        idb_options = _option(OPT_IF_TSRESOL, bytes([9]))
        if iface.fcslen is not None:
            idb_options += _option(OPT_IF_FCSLEN, bytes([iface.fcslen]))
        idb_options += _option(OPT_END, b"")
        out.append(_block(BLOCK_IDB, struct.pack("<HHI", iface.linktype, 0, iface.snaplen) + idb_options))
    for p in packets:
        if p.ts_ns < 0:
            raise CaptureError(f"{path}: a packet's timestamp ({p.ts_ns} ns) is before 1970")
        pad = (-len(p.data)) % 4
        head = struct.pack("<IIIII", interface_of(p), p.ts_ns >> 32, p.ts_ns & 0xFFFFFFFF, len(p.data), p.origlen)
        out.append(_block(BLOCK_EPB, head + p.data + b"\0" * pad))
    with open(path, "wb") as f:
        f.write(b"".join(out))


def write_pcap(path, linktype, packets, nanos=True, snaplen=262144):
    """Writes a classic little-endian pcap: nanosecond timestamps (magic a1b23c4d) when nanos,
    else microseconds (floor). Every packet goes in, whatever its interface field says."""
    magic = PCAP_MAGIC_NS if nanos else PCAP_MAGIC_US
    out = [struct.pack("<IHHiIII", magic, 2, 4, 0, 0, snaplen, linktype)]
    per_second = 10**9 if nanos else 10**6
    for p in packets:
        if p.ts_ns < 0:
            raise CaptureError(f"{path}: a packet's timestamp ({p.ts_ns} ns) is before 1970")
        sec, frac = divmod(p.ts_ns * per_second // 10**9, per_second)
        out.append(struct.pack("<IIII", sec, frac, len(p.data), p.origlen) + p.data)
    with open(path, "wb") as f:
        f.write(b"".join(out))
