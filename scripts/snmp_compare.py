#!/usr/bin/env python3
"""Checks what an SNMP walk of the agent returned against a JSON report or a tshark expectation.

    snmp_compare.py INVENTORY.tsv EXPECTED.json WALK.txt [TABLE ...]

WALK.txt is the output of net-snmp's walk tools with numeric OIDs and bare values
(`snmpbulkwalk -On -OQ -Oe -Ot -Ox ...`, or the same with snmpwalk), any number of walks
appended. EXPECTED.json is an rmonprobe report (`--json`) or an expectation from
expected_from_tshark.py: each table under its RMON-MIB name, each row keyed by MIB column names.

For each TABLE (default: every table of EXPECTED the walk has rows of... all of them must have
some), the walked rows must be exactly EXPECTED's rows (matched by the table's INDEX) and every
column EXPECTED gives must read the same over SNMP: Counter32 columns modulo 2^32 (the report
holds exact 64-bit counts), MAC addresses as octet strings, EntryStatus and the other
enumerations by number. Prints what differs and exits 1; exits 0 when all agree, after saying
how many rows and values were compared.
"""

import ipaddress
import json
import os
import re
import sys

ENUMS = {
    "valid": 1, "createRequest": 2, "underCreation": 3, "invalid": 4,
    "hostTopNInPkts": 1, "hostTopNOutPkts": 2, "hostTopNInOctets": 3, "hostTopNOutOctets": 4,
    "hostTopNOutErrors": 5, "hostTopNOutBroadcastPkts": 6, "hostTopNOutMulticastPkts": 7,
    "active": 1, "notInService": 2, "notReady": 3, "halfduplex": 1, "fullduplex": 2,
    "notSupported": 1, "supportedOff": 2, "supportedOn": 3,
    "valueNotAvailable": 1, "valuePositive": 2, "valueNegative": 3,
    "nlMatrixTopNPkts": 1, "nlMatrixTopNOctets": 2, "nlMatrixTopNHighCapacityPkts": 3,
    "nlMatrixTopNHighCapacityOctets": 4,
    "alMatrixTopNTerminalsPkts": 1, "alMatrixTopNTerminalsOctets": 2, "alMatrixTopNAllPkts": 3,
    "alMatrixTopNAllOctets": 4, "alMatrixTopNTerminalsHighCapacityPkts": 5,
    "alMatrixTopNTerminalsHighCapacityOctets": 6, "alMatrixTopNAllHighCapacityPkts": 7,
    "alMatrixTopNAllHighCapacityOctets": 8,
}
R2 = "1.3.6.1.2.1.16"
NL_HOST_INDEX = [("hlHostControlIndex", "i"), ("nlHostTimeMark", "tm"), ("protocolDirLocalIndex", "i"),
                 ("nlHostAddress", "ip")]
NL_SD_INDEX = [("hlMatrixControlIndex", "i"), ("nlMatrixSDTimeMark", "tm"), ("protocolDirLocalIndex", "i"),
               ("nlMatrixSDSourceAddress", "ip"), ("nlMatrixSDDestAddress", "ip")]
NL_DS_INDEX = [("hlMatrixControlIndex", "i"), ("nlMatrixDSTimeMark", "tm"), ("protocolDirLocalIndex", "i"),
               ("nlMatrixDSDestAddress", "ip"), ("nlMatrixDSSourceAddress", "ip")]
DIST_INDEX = [("protocolDistControlIndex", "i"), ("protocolDirLocalIndex", "i")]
# The application layer's INDEX names protocolDirLocalIndex twice; the report calls them
# nlProtocolDirLocalIndex and alProtocolDirLocalIndex.
AL_HOST_INDEX = [("hlHostControlIndex", "i"), ("alHostTimeMark", "tm"), ("nlProtocolDirLocalIndex", "i"),
                 ("nlHostAddress", "ip"), ("alProtocolDirLocalIndex", "i")]
AL_SD_INDEX = [("hlMatrixControlIndex", "i"), ("alMatrixSDTimeMark", "tm"), ("nlProtocolDirLocalIndex", "i"),
               ("nlMatrixSDSourceAddress", "ip"), ("nlMatrixSDDestAddress", "ip"), ("alProtocolDirLocalIndex", "i")]
AL_DS_INDEX = [("hlMatrixControlIndex", "i"), ("alMatrixDSTimeMark", "tm"), ("nlProtocolDirLocalIndex", "i"),
               ("nlMatrixDSDestAddress", "ip"), ("nlMatrixDSSourceAddress", "ip"), ("alProtocolDirLocalIndex", "i")]

# Each table's entry OID and how its index sub-identifiers split into index values
# ("i": one integer, "mac": a length-prefixed octet string; RMON2's "tm": a TimeFilter timemark,
# 0 in a plain walk, "ip": a length-prefixed IP address, "pid": a protocolDirID, "oct": other
# octets, "oid": a length-prefixed OBJECT IDENTIFIER), in INDEX order, with the column each index
# value is read from.
TABLES = {
    "etherStatsTable": ("1.3.6.1.2.1.16.1.1.1", [("etherStatsIndex", "i")]),
    "historyControlTable": ("1.3.6.1.2.1.16.2.1.1", [("historyControlIndex", "i")]),
    "etherHistoryTable": ("1.3.6.1.2.1.16.2.2.1", [("etherHistoryIndex", "i"), ("etherHistorySampleIndex", "i")]),
    "hostControlTable": ("1.3.6.1.2.1.16.4.1.1", [("hostControlIndex", "i")]),
    "hostTable": ("1.3.6.1.2.1.16.4.2.1", [("hostIndex", "i"), ("hostAddress", "mac")]),
    "hostTimeTable": ("1.3.6.1.2.1.16.4.3.1", [("hostTimeIndex", "i"), ("hostTimeCreationOrder", "i")]),
    "hostTopNControlTable": ("1.3.6.1.2.1.16.5.1.1", [("hostTopNControlIndex", "i")]),
    "hostTopNTable": ("1.3.6.1.2.1.16.5.2.1", [("hostTopNReport", "i"), ("hostTopNIndex", "i")]),
    "matrixControlTable": ("1.3.6.1.2.1.16.6.1.1", [("matrixControlIndex", "i")]),
    "matrixSDTable": ("1.3.6.1.2.1.16.6.2.1",
                      [("matrixSDIndex", "i"), ("matrixSDSourceAddress", "mac"), ("matrixSDDestAddress", "mac")]),
    "matrixDSTable": ("1.3.6.1.2.1.16.6.3.1",
                      [("matrixDSIndex", "i"), ("matrixDSDestAddress", "mac"), ("matrixDSSourceAddress", "mac")]),
    # HC-RMON-MIB (RFC 3273): the same rows, indexed as their RMON-1 tables.
    "etherStatsHighCapacityTable": ("1.3.6.1.2.1.16.1.7.1", [("etherStatsIndex", "i")]),
    "etherHistoryHighCapacityTable": ("1.3.6.1.2.1.16.2.6.1",
                                      [("etherHistoryIndex", "i"), ("etherHistorySampleIndex", "i")]),
    "hostHighCapacityTable": ("1.3.6.1.2.1.16.4.5.1", [("hostIndex", "i"), ("hostAddress", "mac")]),
    "hostTimeHighCapacityTable": ("1.3.6.1.2.1.16.4.6.1",
                                  [("hostTimeIndex", "i"), ("hostTimeCreationOrder", "i")]),
    "hostTopNHighCapacityTable": ("1.3.6.1.2.1.16.5.3.1", [("hostTopNReport", "i"), ("hostTopNIndex", "i")]),
    "matrixSDHighCapacityTable": ("1.3.6.1.2.1.16.6.5.1",
                                  [("matrixSDIndex", "i"), ("matrixSDSourceAddress", "mac"),
                                   ("matrixSDDestAddress", "mac")]),
    "mediaIndependentTable": ("1.3.6.1.2.1.16.21.1.1", [("mediaIndependentIndex", "i")]),
    "matrixDSHighCapacityTable": ("1.3.6.1.2.1.16.6.6.1",
                                  [("matrixDSIndex", "i"), ("matrixDSDestAddress", "mac"),
                                   ("matrixDSSourceAddress", "mac")]),
    # RMON2-MIB (RFC 4502): its additions to the RMON-1 control tables (AUGMENTS), ...
    "etherStats2Table": (f"{R2}.1.4.1", [("etherStatsIndex", "i")]),
    "historyControl2Table": (f"{R2}.2.5.1", [("historyControlIndex", "i")]),
    "hostControl2Table": (f"{R2}.4.4.1", [("hostControlIndex", "i")]),
    "matrixControl2Table": (f"{R2}.6.4.1", [("matrixControlIndex", "i")]),
    # ... the network layer, and HC-RMON's views of it.
    "protocolDirTable": (f"{R2}.11.2.1", [("protocolDirID", "pid"), ("protocolDirParameters", "oct")]),
    "protocolDistControlTable": (f"{R2}.12.1.1", [("protocolDistControlIndex", "i")]),
    "protocolDistStatsTable": (f"{R2}.12.2.1", DIST_INDEX),
    "protocolDistStatsHighCapacityTable": (f"{R2}.12.3.1", DIST_INDEX),
    "addressMapControlTable": (f"{R2}.13.4.1", [("addressMapControlIndex", "i")]),
    "addressMapTable": (f"{R2}.13.5.1", [("addressMapTimeMark", "tm"), ("protocolDirLocalIndex", "i"),
                                        ("addressMapNetworkAddress", "ip"), ("addressMapSource", "oid")]),
    "hlHostControlTable": (f"{R2}.14.1.1", [("hlHostControlIndex", "i")]),
    "nlHostTable": (f"{R2}.14.2.1", NL_HOST_INDEX),
    "nlHostHighCapacityTable": (f"{R2}.14.3.1", NL_HOST_INDEX),
    "hlMatrixControlTable": (f"{R2}.15.1.1", [("hlMatrixControlIndex", "i")]),
    "nlMatrixSDTable": (f"{R2}.15.2.1", NL_SD_INDEX),
    "nlMatrixDSTable": (f"{R2}.15.3.1", NL_DS_INDEX),
    "nlMatrixSDHighCapacityTable": (f"{R2}.15.6.1", NL_SD_INDEX),
    "nlMatrixDSHighCapacityTable": (f"{R2}.15.7.1", NL_DS_INDEX),
    "nlMatrixTopNControlTable": (f"{R2}.15.4.1", [("nlMatrixTopNControlIndex", "i")]),
    "nlMatrixTopNTable": (f"{R2}.15.5.1", [("nlMatrixTopNControlIndex", "i"), ("nlMatrixTopNIndex", "i")]),
    "nlMatrixTopNHighCapacityTable": (f"{R2}.15.8.1", [("nlMatrixTopNControlIndex", "i"), ("nlMatrixTopNIndex", "i")]),
    # The application layer, and HC-RMON's views of it.
    "alHostTable": (f"{R2}.16.1.1", AL_HOST_INDEX),
    "alHostHighCapacityTable": (f"{R2}.16.2.1", AL_HOST_INDEX),
    "alMatrixSDTable": (f"{R2}.17.1.1", AL_SD_INDEX),
    "alMatrixDSTable": (f"{R2}.17.2.1", AL_DS_INDEX),
    "usrHistoryTable": (f"{R2}.18.3.1", [("usrHistoryControlIndex", "i"), ("usrHistorySampleIndex", "i"),
                                          ("usrHistoryObjectIndex", "i")]),
    "alMatrixSDHighCapacityTable": (f"{R2}.17.5.1", AL_SD_INDEX),
    "alMatrixDSHighCapacityTable": (f"{R2}.17.6.1", AL_DS_INDEX),
    "alMatrixTopNControlTable": (f"{R2}.17.3.1", [("alMatrixTopNControlIndex", "i")]),
    "alMatrixTopNTable": (f"{R2}.17.4.1", [("alMatrixTopNControlIndex", "i"), ("alMatrixTopNIndex", "i")]),
    "alMatrixTopNHighCapacityTable": (f"{R2}.17.7.1", [("alMatrixTopNControlIndex", "i"), ("alMatrixTopNIndex", "i")]),
}
# etherHistoryTable rows of an expectation describe history row 1 only.
MAX_SHOWN = 25


def load_inventory(path):
    """OID -> (name, syntax) for every object of the inventory."""
    objects = {}
    with open(path) as f:
        next(f)
        for line in f:
            cols = line.rstrip("\n").split("\t")
            # A not-accessible object (an SMIv2 index column) is never walked: left out.
            if len(cols) >= 3 and not (len(cols) > 3 and cols[3] == "not-accessible"):
                objects[cols[0]] = (cols[1], cols[2])
    return objects


def parse_walk(path):
    """OID (no leading dot) -> value text, from -On -OQ output (`.1.3... = value`)."""
    values = {}
    last = None
    with open(path, errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            m = re.match(r"^\.?((?:\d+\.)+\d+) = ?(.*)$", line)
            if m:
                last = m.group(1)
                values[last] = m.group(2).strip()
            elif last is not None and line.strip():
                values[last] += " " + line.strip()  # a long hex string continues on the next line
    return values


def split_index(sub_ids, kinds):
    out = []
    at = 0
    for _, kind in kinds:
        if kind in ("i", "tm"):
            out.append(sub_ids[at])
            at += 1
        elif kind != "mac":
            n = sub_ids[at]
            ids = sub_ids[at + 1 : at + 1 + n]
            if len(ids) != n:
                raise ValueError(f"index {sub_ids} is cut short")
            if kind == "ip" and n in (4, 16):
                out.append(ipaddress.ip_address(bytes(ids)).compressed)
            elif kind in ("pid", "oid"):
                out.append(".".join(str(b) for b in ids))
            else:
                out.append(":".join(f"{b:02x}" for b in ids))
            at += 1 + n
        else:
            n = sub_ids[at]
            out.append(":".join(f"{b:02x}" for b in sub_ids[at + 1 : at + 1 + n]))
            at += 1 + n
    if at != len(sub_ids):
        raise ValueError(f"index {sub_ids} does not match {kinds}")
    return tuple(out)


def normalize_walked(text, syntax):
    text = text.strip().strip('"')
    if syntax.startswith("BITS"):
        syntax = "OCTET STRING"
    if syntax.startswith("DisplayString"):
        syntax = "OwnerString"  # text, printed as hex by -Ox
    if syntax.startswith("OCTET STRING") or syntax == "OwnerString":
        hexes = text.split()
        if all(re.fullmatch(r"[0-9A-Fa-f]{2}", h) for h in hexes) and syntax.startswith("OCTET STRING"):
            return ":".join(h.lower() for h in hexes)
        if all(re.fullmatch(r"[0-9A-Fa-f]{2}", h) for h in hexes) and hexes:
            return bytes(int(h, 16) for h in hexes).decode("utf-8", "replace")
        return text
    if syntax in ("OBJECT IDENTIFIER", "DataSource"):
        return text.lstrip(".")
    m = re.match(r"^-?\d+", text)
    return int(m.group(0)) if m else text


def normalize_expected(value, syntax):
    if isinstance(value, str):
        if value in ENUMS:
            return ENUMS[value]
        return value.lower() if re.fullmatch(r"([0-9a-fA-F]{2}:){5}[0-9a-fA-F]{2}", value) else value
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        wraps = ("Counter32", "TimeTicks", "Gauge32", "ZeroBasedCounter32", "TimeStamp", "LastCreateTime")
        if syntax.startswith(wraps):
            return value % 2**32
        if syntax.startswith("Integer32"):
            return min(value, 2**31 - 1)
    return value


def main():
    if len(sys.argv) < 4:
        print(__doc__, file=sys.stderr)
        return 2
    inventory = load_inventory(sys.argv[1])
    # HC-RMON-MIB's inventory, beside RMON-MIB's, for the 64-bit tables.
    for other in ("HC-RMON-MIB.tsv", "RMON2-MIB.tsv"):
        path = os.path.join(os.path.dirname(sys.argv[1]), other)
        if os.path.exists(path):
            inventory.update(load_inventory(path))
    expected = json.load(open(sys.argv[2]))
    walked = parse_walk(sys.argv[3])
    tables = sys.argv[4:] or [t for t in expected if t in TABLES]
    problems = []
    rows_compared = values_compared = 0
    for table in tables:
        entry, kinds = TABLES[table]
        columns = {}  # column number -> (name, syntax)
        for oid, (name, syntax) in inventory.items():
            if oid.startswith(entry + ".") and oid.count(".") == entry.count(".") + 1:
                columns[int(oid.rsplit(".", 1)[1])] = (name, syntax)
        by_name = {name: syntax for name, syntax in columns.values()}
        walked_rows = {}
        for oid, text in walked.items():
            if not oid.startswith(entry + "."):
                continue
            sub = [int(x) for x in oid[len(entry) + 1 :].split(".")]
            column, index = sub[0], sub[1:]
            if column not in columns:
                problems.append(f"{table}: walked an object of no column: {oid}")
                continue
            name, syntax = columns[column]
            try:
                key = split_index(index, kinds)
            except (ValueError, IndexError) as e:
                problems.append(f"{table}: {oid}: {e}")
                continue
            walked_rows.setdefault(key, {})[name] = normalize_walked(text, syntax)
        exp_rows = expected.get(table, [])
        if table == "etherHistoryTable" and "historyControlTable" not in expected:
            walked_rows = {k: v for k, v in walked_rows.items() if k[0] == 1}
        exp_by_key = {}
        for row in exp_rows:
            # A plain walk serves each time-filtered row at timemark 0.
            key = tuple(0 if k == "tm" else normalize_expected(row[c], by_name.get(c, "")) for c, k in kinds)
            exp_by_key[key] = row
        for key in sorted(exp_by_key.keys() - walked_rows.keys(), key=str):
            problems.append(f"{table}: row {key} expected, not walked")
        for key in sorted(walked_rows.keys() - exp_by_key.keys(), key=str):
            problems.append(f"{table}: row {key} walked, not expected")
        for key, row in exp_by_key.items():
            got = walked_rows.get(key)
            if got is None:
                continue
            rows_compared += 1
            for column, value in row.items():
                syntax = by_name.get(column)
                if syntax is None:
                    continue  # not an object of the table (an expectation's own note)
                want = normalize_expected(value, syntax)
                have = got.get(column)
                values_compared += 1
                if have != want:
                    problems.append(f"{table} {key} {column}: walked {have!r}, expected {want!r}")
    for p in problems[:MAX_SHOWN]:
        print(p)
    if len(problems) > MAX_SHOWN:
        print(f"... and {len(problems) - MAX_SHOWN} more")
    print(f"snmp_compare: {len(tables)} tables, {rows_compared} rows, {values_compared} values compared, "
          f"{len(problems)} differences")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
