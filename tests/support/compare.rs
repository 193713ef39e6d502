//! A report checked against an expectation derived from tshark (`scripts/expected_from_tshark.py`,
//! `scripts/expected_rmon2_from_tshark.py`): the same rows, matched by their index columns, and
//! in each the same value for every column the expectation has.

use std::collections::BTreeMap;

use serde_json::Value;

/// A row's index, as text.
pub fn row_key(table: &str, row: &Value) -> String {
    index_columns(table).iter().map(|c| row[c].to_string()).collect::<Vec<_>>().join(",")
}

/// The index columns of a table, as in the MIB's INDEX clause.
pub fn index_columns(table: &str) -> &'static [&'static str] {
    match table {
        "etherStatsTable" => &["etherStatsIndex"],
        "hostTable" => &["hostIndex", "hostAddress"],
        "hostTimeTable" => &["hostTimeIndex", "hostTimeCreationOrder"],
        "matrixSDTable" => &["matrixSDIndex", "matrixSDSourceAddress", "matrixSDDestAddress"],
        "matrixDSTable" => &["matrixDSIndex", "matrixDSDestAddress", "matrixDSSourceAddress"],
        "etherHistoryTable" => &["etherHistoryIndex", "etherHistorySampleIndex"],
        "protocolDistStatsTable" => &["protocolDistControlIndex", "protocolDirLocalIndex"],
        "nlHostTable" => &["hlHostControlIndex", "protocolDirLocalIndex", "nlHostAddress"],
        "nlMatrixSDTable" => {
            &["hlMatrixControlIndex", "protocolDirLocalIndex", "nlMatrixSDSourceAddress", "nlMatrixSDDestAddress"]
        }
        "nlMatrixDSTable" => {
            &["hlMatrixControlIndex", "protocolDirLocalIndex", "nlMatrixDSDestAddress", "nlMatrixDSSourceAddress"]
        }
        "addressMapTable" => &["protocolDirLocalIndex", "addressMapNetworkAddress", "addressMapSource"],
        "alHostTable" => &["hlHostControlIndex", "nlProtocolDirLocalIndex", "nlHostAddress", "alProtocolDirLocalIndex"],
        "alMatrixSDTable" => &[
            "hlMatrixControlIndex",
            "nlProtocolDirLocalIndex",
            "nlMatrixSDSourceAddress",
            "nlMatrixSDDestAddress",
            "alProtocolDirLocalIndex",
        ],
        "alMatrixDSTable" => &[
            "hlMatrixControlIndex",
            "nlProtocolDirLocalIndex",
            "nlMatrixDSDestAddress",
            "nlMatrixDSSourceAddress",
            "alProtocolDirLocalIndex",
        ],
        other => panic!("no index known for {other}"),
    }
}

/// Differences between the expected tables and the report, in words.
pub fn differences(expected: &Value, actual: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let Some(tables) = expected.as_object() else { return vec!["expectation is not an object".into()] };
    for (table, rows) in tables {
        let want: BTreeMap<String, &Value> =
            rows.as_array().into_iter().flatten().map(|r| (row_key(table, r), r)).collect();
        // The expectation speaks of some control rows (a data source's etherStats row, host
        // table, 30-second history): the report's other rows of the table are not compared.
        let control = index_columns(table)[0];
        let first_index = |r: &Value| r.get(control).cloned();
        let spoken: Vec<Value> = rows.as_array().into_iter().flatten().filter_map(first_index).collect();
        let got: BTreeMap<String, &Value> = actual[table]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|r| spoken.is_empty() || first_index(r).is_some_and(|i| spoken.contains(&i)))
            .map(|r| (row_key(table, r), r))
            .collect();
        for key in want.keys().filter(|k| !got.contains_key(*k)) {
            out.push(format!("{table}: row {key} missing"));
        }
        for key in got.keys().filter(|k| !want.contains_key(*k)) {
            out.push(format!("{table}: row {key} not expected"));
        }
        for (key, w) in &want {
            let Some(g) = got.get(key) else { continue };
            for (column, value) in w.as_object().into_iter().flatten() {
                if g[column] != *value {
                    out.push(format!("{table} {key}: {column} = {}, expected {value}", g[column]));
                }
            }
        }
    }
    out
}
