#!/usr/bin/env python3
"""Checks an rmonprobe JSON report against an expectation from scripts/expected_from_tshark.py.

    compare_report.py EXPECTED.json ACTUAL.json [TABLE,TABLE,...]

With a list of tables, only those of EXPECTED are compared (a live run's history buckets start
at the probe's start, not at the recording's first frame, so a live check leaves them out).

For every table in EXPECTED, ACTUAL must hold exactly the same rows (matched by the table's
index columns) and, in each row, the same value for every column the expected row has. ACTUAL
may have more: other tables (hostTimeTable, ...), other columns (owner, status, ...), rows of
control rows EXPECTED has none of (other data sources' etherStats rows, host tables, ...), and
etherHistoryTable rows of other history control rows: only the etherHistoryIndex values that
EXPECTED's rows have are compared (1 from scripts/expected_from_tshark.py, 2N-1 with its
--if-index N). An expectation with no history row (no complete bucket) names none; it then
stands for the 30-second history of its etherStatsTable row's data source, 2N-1 for
etherStatsIndex N (1 without an etherStatsTable), as the default rows number them, so that the
report must have no complete bucket there either.

Prints the first mismatches readably and exits 1 if there are any; exits 0 when all agree.
"""

import json
import sys

# The index columns that identify a row of each table (as in the MIB's INDEX clauses).
ROW_KEYS = {
    "etherStatsTable": ["etherStatsIndex"],
    "hostTable": ["hostIndex", "hostAddress"],
    "hostTimeTable": ["hostTimeIndex", "hostTimeCreationOrder"],
    "matrixSDTable": ["matrixSDIndex", "matrixSDSourceAddress", "matrixSDDestAddress"],
    "matrixDSTable": ["matrixDSIndex", "matrixDSDestAddress", "matrixDSSourceAddress"],
    "etherHistoryTable": ["etherHistoryIndex", "etherHistorySampleIndex"],
    "protocolDistStatsTable": ["protocolDistControlIndex", "protocolDirLocalIndex"],
    "nlHostTable": ["hlHostControlIndex", "protocolDirLocalIndex", "nlHostAddress"],
    "nlMatrixSDTable": ["hlMatrixControlIndex", "protocolDirLocalIndex", "nlMatrixSDSourceAddress", "nlMatrixSDDestAddress"],
    "nlMatrixDSTable": ["hlMatrixControlIndex", "protocolDirLocalIndex", "nlMatrixDSDestAddress", "nlMatrixDSSourceAddress"],
    "addressMapTable": ["protocolDirLocalIndex", "addressMapNetworkAddress", "addressMapSource"],
    "alHostTable": ["hlHostControlIndex", "nlProtocolDirLocalIndex", "nlHostAddress", "alProtocolDirLocalIndex"],
    "alMatrixSDTable": ["hlMatrixControlIndex", "nlProtocolDirLocalIndex", "nlMatrixSDSourceAddress",
                        "nlMatrixSDDestAddress", "alProtocolDirLocalIndex"],
    "alMatrixDSTable": ["hlMatrixControlIndex", "nlProtocolDirLocalIndex", "nlMatrixDSDestAddress",
                        "nlMatrixDSSourceAddress", "alProtocolDirLocalIndex"],
}
MAX_SHOWN = 25


def row_key(table, row, position):
    columns = ROW_KEYS.get(table)
    if columns is None:
        return ("#", position)  # a table we know no index for: compare row by row in order
    return tuple(row.get(c) for c in columns)


def describe(table, key):
    columns = ROW_KEYS.get(table, ["row"])
    return ", ".join(f"{c}={v}" for c, v in zip(columns, key))


def history_indexes(expected):
    """The etherHistoryIndex values the expectation speaks about (see the module's doc)."""
    indexes = {row.get("etherHistoryIndex") for row in expected.get("etherHistoryTable", [])}
    if not indexes:
        stats = expected.get("etherStatsTable") or [{}]
        indexes = {2 * stats[0].get("etherStatsIndex", 1) - 1}
    return indexes


def row_filter(table, whole):
    """Which rows of ACTUAL's table the expectation (`whole`: all its tables, also those left
    out of the comparison) speaks about."""
    if table == "etherHistoryTable":
        indexes = history_indexes(whole)
        return lambda row: row.get("etherHistoryIndex") in indexes
    # The control rows the expectation speaks of (`--if-index N`: the N-th data source's); the
    # report's rows of other control rows (other data sources, such as remote mirrors' sessions
    # beside the capture interface) are not compared. An empty expected table compares all.
    columns = ROW_KEYS.get(table)
    spoken = {row.get(columns[0]) for row in whole.get(table, [])} if columns else set()
    if not spoken:
        return lambda row: True
    return lambda row: row.get(columns[0]) in spoken


def compare(expected, actual, whole=None):
    """The differences between the expected tables and ACTUAL's; `whole` is the expectation
    before a list of tables picked some (default: expected)."""
    problems = []
    for table, exp_rows in expected.items():
        if table not in actual:
            problems.append(f"{table}: missing from the report")
            continue
        keep = row_filter(table, expected if whole is None else whole)
        act_rows = [row for row in actual[table] if keep(row)]
        exp_by_key = {row_key(table, r, i): r for i, r in enumerate(exp_rows)}
        act_by_key = {row_key(table, r, i): r for i, r in enumerate(act_rows)}
        if len(act_by_key) != len(act_rows):
            problems.append(f"{table}: the report has two rows with the same index")

        for key in sorted(exp_by_key.keys() - act_by_key.keys(), key=str):
            problems.append(f"{table}: row {describe(table, key)} missing from the report")
        for key in sorted(act_by_key.keys() - exp_by_key.keys(), key=str):
            problems.append(f"{table}: row {describe(table, key)} in the report but not expected")
        for key, exp_row in exp_by_key.items():
            act_row = act_by_key.get(key)
            if act_row is None:
                continue
            for column, want in exp_row.items():
                if column not in act_row:
                    problems.append(f"{table}[{describe(table, key)}].{column}: missing (expected {want!r})")
                elif act_row[column] != want or type(act_row[column]) is not type(want):
                    got = act_row[column]
                    delta = f" (report {got - want:+d})" if isinstance(got, int) and isinstance(want, int) else ""
                    problems.append(
                        f"{table}[{describe(table, key)}].{column}: expected {want!r}, report has {got!r}{delta}"
                    )
    return problems


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__.split("\n\n")[1])
    with open(sys.argv[1]) as f:
        expected = whole = json.load(f)
    if len(sys.argv) == 4:
        wanted = sys.argv[3].split(",")
        missing = [t for t in wanted if t not in expected]
        if missing:
            sys.exit(f"{sys.argv[1]} has no {', '.join(missing)}")
        expected = {t: expected[t] for t in wanted}
    with open(sys.argv[2]) as f:
        actual = json.load(f)
    problems = compare(expected, actual, whole)
    rows = sum(len(rows) for rows in expected.values())
    if problems:
        for line in problems[:MAX_SHOWN]:
            print(line)
        if len(problems) > MAX_SHOWN:
            print(f"... and {len(problems) - MAX_SHOWN} more")
        print(f"MISMATCH: {len(problems)} difference(s) against {sys.argv[1]}")
        sys.exit(1)
    print(f"report agrees with {sys.argv[1]}: {len(expected)} tables, {rows} rows")


if __name__ == "__main__":
    main()
