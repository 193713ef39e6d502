//! The agent as net-snmp's own command-line tools see it: `rmonprobe replay --snmp ADDR --serve`
//! on the bundled lab capture, read with snmpwalk, snmpbulkwalk, snmpget and snmptable and
//! changed with snmpset. What the tools read must be what the JSON report says (and what tshark's
//! expectation for the capture says), walks must end cleanly, and SETs must follow RFC 2819's
//! EntryStatus life cycle with RFC 3416's error statuses (RFC 3584's for SNMPv1).
//!
//! Needs net-snmp's tools (Debian package `snmp`, installed by `scripts/deps.sh test`), python3
//! for scripts/snmp_compare.py, and ../shared (or RMONPROBE_SHARED) for the MIBs and their
//! inventory. Each test serves its own replay on its own port with its own files, so the tests
//! run in parallel.

use std::collections::{BTreeMap, BTreeSet};
use std::fs::{self, File};
use std::net::UdpSocket;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::thread::sleep;
use std::time::{Duration, Instant};

use serde_json::Value;

/// The rmon subtree (RFC 2819).
const RMON: &str = ".1.3.6.1.2.1.16";
/// ifIndex.1: the data source of every control row of a replay.
const IF_INDEX_1: &str = ".1.3.6.1.2.1.2.2.1.1.1";
/// ifIndex.9: an interface the probe does not have.
const IF_INDEX_9: &str = ".1.3.6.1.2.1.2.2.1.1.9";
const SYS_UP_TIME: &str = ".1.3.6.1.2.1.1.3.0";
const NO_SUCH_INSTANCE: &str = "No Such Instance currently exists at this OID";
const NO_SUCH_OBJECT: &str = "No Such Object available on this agent at this OID";
const END_OF_MIB_VIEW: &str = "No more variables left in this MIB View (It is past the end of the MIB tree)";
/// Options that make the tools print `.1.3.6... = value`: numeric OIDs, enumerations and
/// TimeTicks as numbers, strings in hex (what scripts/snmp_compare.py reads).
const NUMERIC: [&str; 5] = ["-On", "-OQ", "-Oe", "-Ot", "-Ox"];

fn project(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

fn shared() -> PathBuf {
    std::env::var_os("RMONPROBE_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared"))
}

fn inventory_path() -> PathBuf {
    shared().join("mibs/inventory/RMON-MIB.tsv")
}

/// A directory of one test's own, removed at the end.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let path = std::env::temp_dir().join(format!("rmonprobe-snmp-{}-{name}", std::process::id()));
        let _ = fs::remove_dir_all(&path);
        fs::create_dir_all(&path).expect("temp dir");
        TempDir(path)
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// What a tool did.
struct Run {
    ok: bool,
    stdout: String,
    stderr: String,
}

impl Run {
    /// Everything it printed, for failure messages (stderr has MIB-loading noise on some machines).
    fn text(&self) -> String {
        format!("{}\n{}", self.stdout, self.stderr)
    }

    /// The reason net-snmp gives for an error response: `noAccess`, `(noSuchName) There is ...`.
    fn reason(&self) -> Option<&str> {
        self.stdout.lines().chain(self.stderr.lines()).find_map(|l| l.strip_prefix("Reason: ")).map(str::trim)
    }
}

/// Runs a net-snmp tool with the shared MIBs: `options` before the agent's address, `args` after.
fn net_snmp(tool: &str, options: &[&str], addr: &str, args: &[&str]) -> Run {
    let mibs = shared().join("mibs");
    let out = Command::new(tool)
        .env_remove("MIBS")
        .env_remove("MIBDIRS")
        .arg("-M")
        .arg(format!("+{}", mibs.display()))
        .args(["-m", "+RMON-MIB"])
        .args(options)
        .arg(addr)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("{tool}: {e} (net-snmp's tools: `scripts/deps.sh test` installs package snmp)"));
    Run {
        ok: out.status.success(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// `OID = value` lines of `-On -OQ` output; a hex string that goes on over more lines is joined.
fn parse_walk(text: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for line in text.lines() {
        match line.split_once(" = ").or_else(|| line.strip_suffix(" =").map(|o| (o, ""))) {
            Some((oid, value)) if oid.starts_with('.') && oid[1..].split('.').all(|a| a.parse::<u32>().is_ok()) => {
                out.push((oid.to_string(), value.trim().to_string()))
            }
            _ => {
                if let Some(last) = out.last_mut()
                    && !line.trim().is_empty()
                {
                    last.1.push(' ');
                    last.1.push_str(line.trim());
                }
            }
        }
    }
    out
}

fn arcs(oid: &str) -> Vec<u32> {
    oid.trim_start_matches('.').split('.').map(|a| a.parse().unwrap_or_else(|_| panic!("not an OID: {oid}"))).collect()
}

/// A free UDP port on 127.0.0.1 (it may be taken again before the probe binds it: then the
/// probe exits with "cannot listen" and [`Agent::start`] tries another).
fn free_port() -> u16 {
    UdpSocket::bind("127.0.0.1:0").and_then(|s| s.local_addr()).expect("a free UDP port").port()
}

/// `rmonprobe replay captures/lab-basic.pcapng --snmp ... --serve`, killed when dropped.
struct Agent {
    child: Child,
    addr: String,
    /// The JSON report of the replay.
    report: Value,
    stderr: PathBuf,
}

impl Agent {
    /// Serves the lab capture with `extra` options; its files in `dir` are named after `name`.
    /// Returns once the replay is over (the report written) and the agent answers.
    fn start(dir: &Path, name: &str, extra: &[&str]) -> Agent {
        Agent::start_ready(dir, name, extra, &["-v2c", "-c", "public"])
    }

    /// As [`Agent::start`], the agent deemed up once `snmpget` with `ready` (version and
    /// credentials) reads sysUpTime.
    fn start_ready(dir: &Path, name: &str, extra: &[&str], ready: &[&str]) -> Agent {
        let json = dir.join(format!("{name}.json"));
        let stderr = dir.join(format!("{name}.stderr"));
        for _attempt in 0..10 {
            let _ = fs::remove_file(&json);
            let addr = format!("127.0.0.1:{}", free_port());
            let child = Command::new(env!("CARGO_BIN_EXE_rmonprobe"))
                .arg("replay")
                .arg(project("captures/lab-basic.pcapng"))
                .args(["--snmp", &addr, "--serve", "--json"])
                .arg(&json)
                .args(extra)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(File::create(&stderr).expect("stderr file"))
                .spawn()
                .expect("rmonprobe starts");
            let mut agent = Agent { child, addr, report: Value::Null, stderr: stderr.clone() };
            let deadline = Instant::now() + Duration::from_secs(30);
            loop {
                if let Some(status) = agent.child.try_wait().expect("try_wait") {
                    let err = agent.stderr_text();
                    if err.contains("cannot listen") {
                        break; // the port was taken meanwhile: another one
                    }
                    panic!("rmonprobe exited ({status}) before serving: {err}");
                }
                // The report is written when the replay is over; only this probe writes it.
                let report = fs::read(&json).ok().and_then(|b| serde_json::from_slice::<Value>(&b).ok());
                if let Some(report) = report {
                    let mut options = ready.to_vec();
                    options.extend(["-t", "0.5", "-r", "0"]);
                    let probe = agent.tool("snmpget", &options, &[SYS_UP_TIME]);
                    if probe.ok && probe.stdout.contains("Timeticks") && agent.child.try_wait().ok() == Some(None) {
                        agent.report = report;
                        return agent;
                    }
                }
                assert!(
                    Instant::now() < deadline,
                    "the agent on {} never answered: {}",
                    agent.addr,
                    agent.stderr_text()
                );
                sleep(Duration::from_millis(50));
            }
        }
        panic!("no free UDP port for the agent after 10 tries");
    }

    fn stderr_text(&self) -> String {
        fs::read_to_string(&self.stderr).unwrap_or_default()
    }

    /// SIGTERM, then waits for the exit: a served replay ends on it.
    fn terminate(&mut self) -> ExitStatus {
        let pid = self.child.id().to_string();
        let sent = Command::new("kill").args(["-TERM", &pid]).status().expect("kill runs");
        assert!(sent.success(), "kill -TERM {pid}");
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                return status;
            }
            assert!(Instant::now() < deadline, "rmonprobe still runs 10 s after SIGTERM");
            sleep(Duration::from_millis(20));
        }
    }

    fn tool(&self, tool: &str, options: &[&str], args: &[&str]) -> Run {
        net_snmp(tool, options, &self.addr, args)
    }

    /// One value read with the read community over v2c, bare: a number, a numeric OID, a string
    /// without its quotes, or the text of an exception.
    fn get(&self, oid: &str) -> String {
        let run = self.tool("snmpget", &["-v2c", "-c", "public", "-Oqv", "-Oe", "-Ot", "-OU", "-On"], &[oid]);
        assert!(run.ok, "snmpget {oid}: {}", run.text());
        let value = run.stdout.trim();
        value.strip_prefix('"').and_then(|v| v.strip_suffix('"')).unwrap_or(value).to_string()
    }

    /// A bulk walk of `oid` (v2c, read community), numeric, checked to have ended cleanly.
    fn bulkwalk(&self, oid: &str) -> Run {
        let mut options = vec!["-v2c", "-c", "public", "-Cr50"];
        options.extend(NUMERIC);
        let run = self.tool("snmpbulkwalk", &options, &[oid]);
        assert!(run.ok && !run.text().contains("OID not increasing"), "snmpbulkwalk {oid}: {}", run.text());
        run
    }

    /// The index sub-identifiers of every instance a walk of the table of `entry` returns.
    fn instances(&self, entry: &str) -> Vec<Vec<u32>> {
        let table = &entry[..entry.rfind('.').unwrap()];
        let prefix = arcs(entry);
        parse_walk(&self.bulkwalk(table).stdout)
            .into_iter()
            .map(|(oid, _)| arcs(&oid))
            .filter(|a| a.len() > prefix.len() + 1 && a.starts_with(&prefix))
            .map(|a| a[prefix.len() + 1..].to_vec())
            .collect()
    }

    /// How many instances of the table of `entry` are in the row(s) of first index `index`.
    fn instances_of(&self, entry: &str, index: u32) -> usize {
        self.instances(entry).iter().filter(|i| i[0] == index).count()
    }

    /// snmpset of `varbinds` (name, type, value) with `version` and `community`.
    fn set<S: AsRef<str>>(&self, version: &str, community: &str, varbinds: &[(S, &str, &str)]) -> Run {
        let args: Vec<&str> = varbinds.iter().flat_map(|(oid, t, v)| [oid.as_ref(), *t, *v]).collect();
        self.tool("snmpset", &[version, "-c", community], &args)
    }

    /// A SET with the write community over v2c that must succeed.
    fn set_ok<S: AsRef<str>>(&self, varbinds: &[(S, &str, &str)]) {
        let run = self.set("-v2c", "private", varbinds);
        assert!(run.ok && run.reason().is_none(), "SET {} refused: {}", show(varbinds), run.text());
    }

    /// A SET with the write community that must be refused for `reason` (net-snmp's words).
    fn set_refused<S: AsRef<str>>(&self, version: &str, varbinds: &[(S, &str, &str)], reason: &str) {
        let run = self.set(version, "private", varbinds);
        let what = show(varbinds);
        assert!(!run.ok, "SET {what} ({version}) accepted: {}", run.text());
        let got = run.reason().unwrap_or_else(|| panic!("SET {what}: no error reason: {}", run.text()));
        assert!(got.starts_with(reason), "SET {what} ({version}): {got}, expected {reason}");
    }
}

/// Whether a table of the report is RMONPROBE-MIB's (the project's own module).
fn is_rmonprobe_mib(table: &str) -> bool {
    table.starts_with("tcpLatency") || table.starts_with("mirror")
}

fn show<S: AsRef<str>>(varbinds: &[(S, &str, &str)]) -> String {
    varbinds.iter().map(|(n, t, v)| format!("{} {t} {v}", n.as_ref())).collect::<Vec<_>>().join(", ")
}

/// The varbinds `{prefix}{column}.{index}` of `columns` (column suffix, type, value).
fn row_varbinds<'a>(prefix: &str, index: u32, columns: &[(&str, &'a str, &'a str)]) -> Vec<(String, &'a str, &'a str)> {
    columns.iter().map(|(c, t, v)| (format!("{prefix}{c}.{index}"), *t, *v)).collect()
}

impl Drop for Agent {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// RMON-MIB's inventory: per entry, its OID, its INDEX columns and its accessible columns.
struct Inventory {
    /// entry name -> (entry OID, INDEX column names)
    entries: BTreeMap<String, (String, Vec<String>)>,
    /// entry OID -> (column number, column name) of the accessible columns
    columns: BTreeMap<String, Vec<(u32, String)>>,
    /// The OIDs of the Counter64 columns (HC-RMON's), which SNMPv1 cannot carry (RFC 3584).
    counter64: BTreeSet<Vec<u32>>,
}

impl Inventory {
    /// RMON-MIB's inventory, and HC-RMON-MIB's and RMON2-MIB's, whose tables the report has too.
    fn load() -> Inventory {
        let path = inventory_path();
        let mut text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        for other in ["HC-RMON-MIB.tsv", "RMON2-MIB.tsv"] {
            let other = path.with_file_name(other);
            text.push_str(&fs::read_to_string(&other).unwrap_or_else(|e| panic!("{}: {e}", other.display())));
        }
        let rows: Vec<Vec<&str>> =
            text.lines().filter(|l| !l.starts_with("oid\t")).map(|l| l.split('\t').collect()).collect();
        let mut entries = BTreeMap::new();
        for r in &rows {
            if let Some(index) = r.get(5).and_then(|s| s.strip_prefix("INDEX{")).and_then(|s| s.strip_suffix('}')) {
                let index: Vec<String> = index.split(',').map(|c| c.trim().to_string()).collect();
                entries.insert(r[1].to_string(), (format!(".{}", r[0]), index));
            }
        }
        // An entry that AUGMENTS another (RMON2's etherStats2Entry) has the other's index.
        for r in &rows {
            if let Some(base) = r.get(5).and_then(|s| s.strip_prefix("AUGMENTS{")).and_then(|s| s.strip_suffix('}')) {
                let index = entries.get(base.trim()).map(|(_, index)| index.clone()).unwrap_or_default();
                entries.insert(r[1].to_string(), (format!(".{}", r[0]), index));
            }
        }
        let mut columns: BTreeMap<String, Vec<(u32, String)>> = BTreeMap::new();
        for (entry, _) in entries.values() {
            let cols = rows
                .iter()
                .filter(|r| r.len() > 3 && r[3] != "not-accessible")
                .filter_map(|r| {
                    let rest = format!(".{}", r[0]).strip_prefix(&format!("{entry}."))?.to_string();
                    Some((rest.parse::<u32>().ok()?, r[1].to_string()))
                })
                .collect();
            columns.insert(entry.clone(), cols);
        }
        let counter64 = rows
            .iter()
            .filter(|r| r.len() > 2 && matches!(r[2], "Counter64" | "CounterBasedGauge64" | "ZeroBasedCounter64"))
            .map(|r| arcs(r[0]))
            .collect();
        Inventory { entries, columns, counter64 }
    }

    /// The entry of a table of the report: `etherStatsTable` -> (OID, INDEX columns).
    fn entry(&self, table: &str) -> &(String, Vec<String>) {
        let name = format!("{}Entry", table.strip_suffix("Table").expect("a table name"));
        self.entries
            .get(&name)
            .unwrap_or_else(|| panic!("{name} is in none of the inventories (RMON-MIB, HC-RMON-MIB, RMON2-MIB)"))
    }

    /// Every instance OID that a walk of the rmon subtree must return for the report's tables:
    /// each accessible column of each row, the index encoded as RFC 2578 7.7 says (integers as
    /// one sub-identifier, the variable-length OCTET STRING addresses length first).
    fn instances(&self, report: &Value) -> BTreeMap<String, BTreeSet<Vec<u32>>> {
        let mut out = BTreeMap::new();
        for (table, rows) in report.as_object().expect("a report object") {
            // RMONPROBE-MIB's tables live under the enterprise arc, not under rmon (their walks
            // are checked in tests/tcp_latency.rs and tests/decap.rs).
            if table == "rmonprobe" || is_rmonprobe_mib(table) {
                continue;
            }
            let (entry, index_columns) = self.entry(table);
            // alHost and alMatrix name protocolDirLocalIndex twice in their INDEX: the report
            // calls the network layer's nlProtocolDirLocalIndex, the application's
            // alProtocolDirLocalIndex.
            let mut seen_protocol = false;
            let index_columns: Vec<String> = index_columns
                .iter()
                .map(|c| match (c.as_str(), table.starts_with("al")) {
                    ("protocolDirLocalIndex", true) => {
                        let name = if seen_protocol { "alProtocolDirLocalIndex" } else { "nlProtocolDirLocalIndex" };
                        seen_protocol = true;
                        name.to_string()
                    }
                    _ => c.clone(),
                })
                .collect();
            let mut set = BTreeSet::new();
            for row in rows.as_array().expect("rows") {
                let mut index = Vec::new();
                for column in &index_columns {
                    // A length-prefixed OCTET STRING or OBJECT IDENTIFIER.
                    let mut prefixed = |parts: Vec<u32>| {
                        index.push(parts.len() as u32);
                        index.extend(parts);
                    };
                    match &row[column] {
                        // RMON2's TimeFilter: a plain walk serves every row at timemark 0.
                        Value::Null if column.ends_with("TimeMark") => index.push(0),
                        Value::Number(n) => index.push(n.as_u64().expect("an index") as u32),
                        Value::String(text) if column == "protocolDirID" || column == "addressMapSource" => {
                            prefixed(text.split('.').map(|n| n.parse().expect("dotted decimal")).collect())
                        }
                        Value::String(text) if text.parse::<std::net::IpAddr>().is_ok() => {
                            prefixed(match text.parse::<std::net::IpAddr>().unwrap() {
                                std::net::IpAddr::V4(a) => a.octets().iter().map(|&b| u32::from(b)).collect(),
                                std::net::IpAddr::V6(a) => a.octets().iter().map(|&b| u32::from(b)).collect(),
                            })
                        }
                        Value::String(hex) => {
                            prefixed(hex.split(':').map(|h| u32::from_str_radix(h, 16).expect("hex octets")).collect())
                        }
                        other => panic!("{table}: index column {column} is {other}"),
                    }
                }
                for (number, _) in &self.columns[entry] {
                    let mut oid = arcs(entry);
                    oid.push(*number);
                    oid.extend(&index);
                    set.insert(oid);
                }
            }
            out.insert(table.clone(), set);
        }
        out
    }
}

fn rows<'a>(report: &'a Value, table: &str) -> &'a Vec<Value> {
    report[table].as_array().unwrap_or_else(|| panic!("{table} missing from the report"))
}

/// The row of `table` whose `column` is `value`.
fn row<'a>(report: &'a Value, table: &str, column: &str, value: u64) -> &'a Value {
    rows(report, table).iter().find(|r| r[column] == value).unwrap_or_else(|| panic!("{table}: no {column} {value}"))
}

/// Epoch seconds with nanoseconds ("1795315019.979807737") as nanoseconds.
fn nanos(time: &Value) -> u128 {
    let text = time.as_str().expect("a frame time");
    let (secs, frac) = text.split_once('.').unwrap_or((text, "0"));
    let frac = format!("{frac:0<9}");
    secs.parse::<u128>().unwrap() * 1_000_000_000 + frac[..9].parse::<u128>().unwrap()
}

/// scripts/snmp_compare.py on a walk: the summary line, after checking that nothing differs.
fn snmp_compare(expected: &Path, walk: &Path) -> String {
    let out = Command::new("python3")
        .arg(project("scripts/snmp_compare.py"))
        .arg(inventory_path())
        .arg(expected)
        .arg(walk)
        .output()
        .expect("python3 runs scripts/snmp_compare.py");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "{} against {}:\n{text}", walk.display(), expected.display());
    let summary = text.lines().last().unwrap_or_default().to_string();
    assert!(summary.ends_with(" 0 differences"), "{summary}");
    summary
}

/// The number in `... N rows ...` of snmp_compare's summary.
fn compared(summary: &str, what: &str) -> u64 {
    let words: Vec<&str> = summary.split_whitespace().collect();
    let at = words.iter().position(|w| w.trim_end_matches(',') == what).unwrap_or_else(|| panic!("{summary}"));
    words[at - 1].parse().unwrap_or_else(|_| panic!("{summary}"))
}

#[test]
fn walks_of_the_rmon_subtree_end_cleanly_with_every_instance_of_the_report() {
    let dir = TempDir::new("walks");
    let agent = Agent::start(dir.path(), "agent", &[]);
    let inventory = Inventory::load();
    let expected = inventory.instances(&agent.report);
    // The report has 18 RMON-1 tables, the 8 HC-RMON tables over their rows, HC-RMON's
    // mediaIndependentTable, RMON2's 20 tables (usrHistory's 3 and alMatrixTopN's 2 among
    // them), HC-RMON's 10 views of them and RMON2's 4 additions to the RMON-1 control tables;
    // filterTable, channelTable, bufferControlTable, captureBufferTable (and its HC table),
    // alarmTable, eventTable, logTable, the usrHistory and the nlMatrixTopN and alMatrixTopN
    // tables are empty here (no such rows), and an empty table has no instance to walk.
    assert_eq!(expected.len(), 18 + 8 + 1 + 20 + 10 + 4, "the report's tables: {:?}", expected.keys());
    let mut walks = Vec::new();
    for version in ["-v1", "-v2c"] {
        // An SNMPv1 walk skips the Counter64 columns (RFC 3584 4.2.2.1); v2c walks every one.
        let v1 = version == "-v1";
        let carried = |oid: &Vec<u32>| !v1 || !inventory.counter64.iter().any(|c| oid.starts_with(c));
        let expected: BTreeMap<&String, BTreeSet<Vec<u32>>> =
            expected.iter().map(|(t, set)| (t, set.iter().filter(|o| carried(o)).cloned().collect())).collect();
        let all: BTreeSet<Vec<u32>> = expected.values().flatten().cloned().collect();
        let last_expected = all.iter().next_back().expect("instances");
        let mut options = vec![version, "-c", "public"];
        options.extend(NUMERIC);
        let run = agent.tool("snmpwalk", &options, &[RMON]);
        assert!(run.ok, "snmpwalk {version}: {}", run.text());
        assert!(!run.text().contains("OID not increasing"), "snmpwalk {version}: {}", run.text());
        let last = run.stdout.lines().rev().find(|l| !l.trim().is_empty()).expect("output");
        let walked = parse_walk(&run.stdout);
        let (last_oid, last_value) = walked.last().expect("a walk with instances");
        assert!(last.starts_with(last_oid.as_str()), "{version}: the last line is not an instance: {last}");
        for exception in ["No Such", "No more variables", "End of MIB", "Timeout", "Error"] {
            assert!(!last_value.contains(exception), "{version}: the walk ends in an error: {last}");
        }
        assert_eq!(&arcs(last_oid), last_expected, "{version}: the last instance walked");

        let oids: Vec<Vec<u32>> = walked.iter().map(|(oid, _)| arcs(oid)).collect();
        assert!(oids.windows(2).all(|w| w[0] < w[1]), "{version}: OIDs out of order");
        let got: BTreeSet<Vec<u32>> = oids.into_iter().collect();
        for (table, want) in &expected {
            let entry = arcs(&inventory.entry(table).0);
            let have: BTreeSet<&Vec<u32>> = got.iter().filter(|o| o.starts_with(&entry)).collect();
            let missing: Vec<_> = want.iter().filter(|o| !have.contains(o)).take(3).collect();
            let extra: Vec<_> = have.iter().filter(|o| !want.contains(**o)).take(3).collect();
            assert!(
                missing.is_empty() && extra.is_empty() && have.len() == want.len(),
                "{version} {table}: walked {} instances, the report has {} (columns x rows); missing {missing:?}, \
                 extra {extra:?}",
                have.len(),
                want.len()
            );
        }
        // Beside the tables: RMON2's scalars (protocolDirLastChange, the addressMap counters,
        // probeConfig's read-only objects and HC-RMON's hcRMONCapabilities).
        let scalars: Vec<&str> = walked.iter().map(|(o, _)| o.as_str()).filter(|o| !all.contains(&arcs(o))).collect();
        let rmon2 = ".1.3.6.1.2.1.16";
        let want_scalars: Vec<String> =
            ["11.1.0", "13.1.0", "13.2.0", "13.3.0", "19.1.0", "19.2.0", "19.3.0", "19.4.0", "19.16.0"]
                .iter()
                .map(|s| format!("{rmon2}.{s}"))
                .collect();
        assert_eq!(scalars, want_scalars, "{version}: the scalars walked");
        assert_eq!(walked.len(), all.len() + want_scalars.len(), "{version}: instances walked");
        walks.push(walked);
    }
    // RMON-MIB has no Counter64, so SNMPv1 sees exactly what SNMPv2c sees but HC-RMON's
    // Counter64 columns (and probeDateTime, the wall clock, moved between the walks).
    let clock = ".1.3.6.1.2.1.16.19.4.0";
    let v2c_less_counter64: Vec<_> = walks[1]
        .iter()
        .filter(|(oid, _)| !inventory.counter64.iter().any(|c| arcs(oid).starts_with(c)) && oid != clock)
        .cloned()
        .collect();
    let v1: Vec<_> = walks[0].iter().filter(|(oid, _)| oid != clock).cloned().collect();
    assert!(v1 == v2c_less_counter64, "the v1 and v2c walks differ");
    println!("snmpwalk v1 and v2c: {} instances each, as the report's tables predict", walks[0].len());
}

#[test]
fn bulkwalk_agrees_with_the_report_and_tshark_and_the_whole_mib_walks_to_end_of_mib_view() {
    let dir = TempDir::new("bulkwalk");
    let agent = Agent::start(dir.path(), "agent", &[]);
    let walk = dir.path().join("rmon.walk");
    let subtree = agent.bulkwalk(RMON);
    fs::write(&walk, &subtree.stdout).unwrap();

    let report = dir.path().join("agent.json");
    let summary = snmp_compare(&report, &walk);
    // RMON-MIB's 11 tables, the 7 HC-RMON-MIB tables over their rows, mediaIndependentTable,
    // RMON2's 17 tables of the network and application layers, HC-RMON's 9 views of them,
    // RMON2's 4 additions to the RMON-1 control tables, and usrHistoryTable.
    assert!(summary.starts_with("snmp_compare: 50 tables"), "{summary}");
    let report_rows: usize = agent
        .report
        .as_object()
        .unwrap()
        .iter()
        .filter(|(k, _)| *k != "rmonprobe" && !is_rmonprobe_mib(k))
        .map(|(_, v)| v.as_array().unwrap().len())
        .sum();
    assert_eq!(compared(&summary, "rows") as usize, report_rows, "{summary}");
    // tshark's figures for the same capture, derived independently of the probe.
    let tshark = snmp_compare(&project("captures/lab-basic.expected.json"), &walk);
    assert!(compared(&tshark, "values") > 300, "{tshark}");

    let whole = agent.bulkwalk(".1");
    let walked = parse_walk(&whole.stdout);
    assert_eq!(walked.first().map(|(o, _)| o.as_str()), Some(".1.3.6.1.2.1.1.1.0"), "the walk starts at sysDescr");
    let (end_oid, end) = walked.last().expect("a walk");
    assert_eq!(end, END_OF_MIB_VIEW, "the last line of the walk of .1");
    let (before, _) = &walked[walked.len() - 2];
    assert_eq!(end_oid, before, "endOfMibView names the last instance asked after");
    let oids: Vec<Vec<u32>> = walked[..walked.len() - 1].iter().map(|(o, _)| arcs(o)).collect();
    assert!(oids.windows(2).all(|w| w[0] < w[1]), "the walk of .1 is not strictly increasing");
    // The rmon part of the whole walk is the walk of the rmon subtree.
    // (probeDateTime, the wall clock, moves between the two.)
    let clock = ".1.3.6.1.2.1.16.19.4.0";
    let in_rmon: Vec<&(String, String)> =
        walked.iter().filter(|(o, _)| o.starts_with(&format!("{RMON}.")) && o != clock).collect();
    let sub: Vec<(String, String)> = parse_walk(&subtree.stdout).into_iter().filter(|(o, _)| o != clock).collect();
    assert!(in_rmon.len() == sub.len() && in_rmon.iter().zip(&sub).all(|(a, b)| *a == b), "rmon walked twice differs");
    println!("{summary}\ntshark: {tshark}\nwalk of .1: {} instances, then endOfMibView", walked.len() - 1);
}

#[test]
fn gets_of_system_interfaces_and_rmon_objects() {
    let dir = TempDir::new("gets");
    let agent = Agent::start(dir.path(), "agent", &[]);
    let meta = &agent.report["rmonprobe"];

    let descr = agent.get(".1.3.6.1.2.1.1.1.0");
    assert!(descr.starts_with("rmonprobe ") && descr.contains("RMON probe"), "sysDescr {descr}");
    assert_eq!(agent.get(".1.3.6.1.2.1.1.2.0"), ".1.3.6.1.4.1.32473.21.1.1", "sysObjectID");
    // The probe's clock runs from the first frame to the last.
    let ticks = (nanos(&meta["lastFrameTime"]) - nanos(&meta["firstFrameTime"])) / 10_000_000;
    assert!(ticks > 0);
    assert_eq!(agent.get(SYS_UP_TIME), ticks.to_string(), "sysUpTime.0");
    assert_eq!(meta["sysUpTime"].as_u64().map(u128::from), Some(ticks));

    assert_eq!(agent.get(".1.3.6.1.2.1.2.1.0"), "1", "ifNumber.0");
    let stats = row(&agent.report, "etherStatsTable", "etherStatsIndex", 1);
    let octets = stats["etherStatsOctets"].as_u64().unwrap();
    assert!(octets > 0);
    assert_eq!(agent.get(".1.3.6.1.2.1.31.1.1.1.6.1"), octets.to_string(), "ifHCInOctets.1");
    assert_eq!(agent.get(".1.3.6.1.2.1.2.2.1.10.1"), (octets % (1 << 32)).to_string(), "ifInOctets.1");
    assert_eq!(agent.get("etherStatsPkts.1"), stats["etherStatsPkts"].to_string());
    assert_eq!(agent.get("etherStatsOwner.1"), "monitor");
    assert_eq!(agent.get("etherStatsDataSource.1"), IF_INDEX_1);

    // SNMPv1 cannot carry a Counter64: noSuchName (RFC 3584 4.2.2.1).
    let v1 = agent.tool("snmpget", &["-v1", "-c", "public"], &[".1.3.6.1.2.1.31.1.1.1.6.1"]);
    assert!(v1.reason().is_some_and(|r| r.starts_with("(noSuchName)")), "v1 ifHCInOctets.1: {}", v1.text());

    assert_eq!(agent.get("etherStatsPkts.99"), NO_SUCH_INSTANCE);
    assert_eq!(agent.get(".1.3.6.1.2.1.1.3.1"), NO_SUCH_INSTANCE, "sysUpTime.1");
    // TOKEN-RING-RMON-MIB's tokenRingMLStatsTable (rmon.1.2) is not served; alarmTable is, and
    // has no row 1 here.
    assert_eq!(agent.get(".1.3.6.1.2.1.16.1.2.1.1.1"), NO_SUCH_OBJECT, "tokenRingMLStatsIndex.1");
    assert_eq!(agent.get(".1.3.6.1.2.1.16.3.1.1.1.1"), NO_SUCH_INSTANCE, "alarmIndex.1");
    let v1 = agent.tool("snmpget", &["-v1", "-c", "public"], &["etherStatsPkts.99"]);
    assert!(v1.reason().is_some_and(|r| r.starts_with("(noSuchName)")), "v1 etherStatsPkts.99: {}", v1.text());
}

#[test]
fn snmptable_prints_the_host_table_of_the_report() {
    let dir = TempDir::new("table");
    let agent = Agent::start(dir.path(), "agent", &[]);
    // -Ob: indexes as numbers. snmptable keys its rows by the printed index, and two addresses
    // that differ only in unprintable octets (02:72:6d:70:00:01 and ...:02) print alike as text.
    let run =
        agent.tool("snmptable", &["-v2c", "-c", "public", "-Ci", "-Cb", "-Ob", "-OU", "-Cf", "|"], &["hostTable"]);
    assert!(run.ok && !run.text().contains("OID not increasing"), "snmptable: {}", run.text());
    let mut lines = run.stdout.lines().filter(|l| l.contains('|'));
    let header: Vec<&str> = lines.next().expect("a header").split('|').collect();
    assert_eq!(header[0], "index", "{}", run.stdout);
    let printed: Vec<Vec<&str>> = lines.map(|l| l.split('|').collect()).collect();
    let want = rows(&agent.report, "hostTable");
    assert_eq!(printed.len(), want.len(), "hostTable rows: {}", run.stdout);
    for host in want {
        let mac = host["hostAddress"].as_str().unwrap();
        let index: Vec<String> = std::iter::once(host["hostIndex"].to_string())
            .chain(std::iter::once("6".to_string()))
            .chain(mac.split(':').map(|h| u8::from_str_radix(h, 16).unwrap().to_string()))
            .collect();
        let index = index.join(".");
        let line = printed.iter().find(|p| p[0] == index).unwrap_or_else(|| panic!("no row {index} ({mac})"));
        for (at, column) in header.iter().enumerate().skip(1) {
            let value = line[at].trim().trim_matches('"').trim();
            let want = &host[format!("host{column}")];
            let want = match want {
                Value::String(s) => s.replace(':', " "),
                Value::Number(n) => (n.as_u64().unwrap() % (1 << 32)).to_string(),
                other => panic!("host{column}: {other}"),
            };
            assert_eq!(value.to_lowercase(), want, "row {index} column host{column}");
        }
    }
}

#[test]
fn the_read_community_cannot_set_and_nothing_changes() {
    let dir = TempDir::new("readonly");
    let agent = Agent::start(dir.path(), "agent", &["--write-community", "private"]);
    // probeDateTime is the wall clock: every other object must read the same afterwards.
    let without_clock =
        |walk: String| walk.lines().filter(|l| !l.starts_with(".1.3.6.1.2.1.16.19.4.0")).collect::<Vec<_>>().join("\n");
    let before = without_clock(agent.bulkwalk(RMON).stdout);
    let create: &[(&str, &str, &str)] =
        &[("etherStatsStatus.5", "i", "2"), ("etherStatsDataSource.5", "o", IF_INDEX_1)];
    let delete: &[(&str, &str, &str)] = &[("hostControlStatus.1", "i", "4")];
    for (version, reason) in [("-v2c", "noAccess"), ("-v1", "(noSuchName)")] {
        for varbinds in [create, delete] {
            let run = agent.set(version, "public", varbinds);
            assert!(!run.ok, "{version} SET with the read community accepted: {}", run.text());
            assert!(run.reason().is_some_and(|r| r.starts_with(reason)), "{version}: {}", run.text());
        }
    }
    // A community the agent does not know gets no answer at all.
    let unknown =
        agent.tool("snmpset", &["-v2c", "-c", "nobody", "-t", "0.3", "-r", "0"], &["etherStatsStatus.5", "i", "2"]);
    assert!(!unknown.ok && unknown.text().contains("Timeout"), "{}", unknown.text());
    assert_eq!(without_clock(agent.bulkwalk(RMON).stdout), before, "the rmon subtree changed");
    assert_eq!(agent.get(".1.3.6.1.2.1.11.5.0"), "4", "snmpInBadCommunityUses");
    assert_eq!(agent.get(".1.3.6.1.2.1.11.4.0"), "1", "snmpInBadCommunityNames");
}

/// Creates row `index` of the control table whose columns are named `prefix`... with
/// createRequest and `columns` in one PDU, checks it reads underCreation with those values, makes
/// it valid, runs `when_valid`, deletes it and checks it is gone.
fn life_cycle(agent: &Agent, prefix: &str, index: u32, columns: &[(&str, &str, &str)], when_valid: impl FnOnce()) {
    let status = format!("{prefix}Status.{index}");
    assert_eq!(agent.get(&status), NO_SUCH_INSTANCE, "{prefix} {index} exists already");
    let named = row_varbinds(prefix, index, columns);
    let mut create = vec![(status.clone(), "i", "2")];
    create.extend(named.iter().cloned());
    agent.set_ok(&create);
    assert_eq!(agent.get(&status), "3", "{prefix} {index} after createRequest: underCreation");
    for (name, _, value) in &named {
        assert_eq!(&agent.get(name), value, "{name}");
    }
    agent.set_ok(&[(&status, "i", "1")]);
    assert_eq!(agent.get(&status), "1", "{prefix} {index}: valid");
    when_valid();
    assert_eq!(agent.get(&status), "1", "{prefix} {index}: still valid");
    agent.set_ok(&[(&status, "i", "4")]);
    assert_eq!(agent.get(&status), NO_SUCH_INSTANCE, "{prefix} {index} after invalid");
    for (name, _, _) in &named {
        assert_eq!(agent.get(name), NO_SUCH_INSTANCE, "{name} after invalid");
    }
}

/// The entry OIDs of the data tables.
const ETHER_STATS_ENTRY: &str = ".1.3.6.1.2.1.16.1.1.1";
const ETHER_HISTORY_ENTRY: &str = ".1.3.6.1.2.1.16.2.2.1";
const HISTORY_CONTROL_ENTRY: &str = ".1.3.6.1.2.1.16.2.1.1";
const HOST_ENTRY: &str = ".1.3.6.1.2.1.16.4.2.1";
const HOST_TIME_ENTRY: &str = ".1.3.6.1.2.1.16.4.3.1";
const HOST_TOP_N_ENTRY: &str = ".1.3.6.1.2.1.16.5.2.1";
const MATRIX_SD_ENTRY: &str = ".1.3.6.1.2.1.16.6.2.1";
const MATRIX_DS_ENTRY: &str = ".1.3.6.1.2.1.16.6.3.1";

fn write_agent(name: &str) -> (TempDir, Agent) {
    let dir = TempDir::new(name);
    let agent = Agent::start(dir.path(), "agent", &["--write-community", "private"]);
    (dir, agent)
}

#[test]
fn set_ether_stats_rows() {
    let (_dir, agent) = write_agent("set-etherstats");
    let pkts = row(&agent.report, "etherStatsTable", "etherStatsIndex", 1)["etherStatsPkts"].to_string();
    let columns = [("DataSource", "o", IF_INDEX_1), ("Owner", "s", "noc")];
    life_cycle(&agent, "etherStats", 5, &columns, || {
        // The served replay's clock stays at the last frame: the new row counts nothing.
        assert_eq!(agent.get("etherStatsPkts.5"), "0");
        assert_eq!(agent.get("etherStatsOctets.5"), "0");
        assert_eq!(agent.get("etherStatsPkts.1"), pkts);
        agent.set_refused("-v2c", &[("etherStatsStatus.5", "i", "2")], "inconsistentValue");
        agent.set_refused("-v2c", &[("etherStatsDataSource.5", "o", IF_INDEX_1)], "inconsistentValue");
        agent.set_refused("-v1", &[("etherStatsDataSource.5", "o", IF_INDEX_1)], "(badValue)");
        agent.set_ok(&[("etherStatsOwner.5", "s", "noc2")]);
        assert_eq!(agent.get("etherStatsOwner.5"), "noc2", "an owner may change while valid");
    });
    // A data source the probe does not have; the whole PDU is refused, createRequest included.
    agent.set_refused(
        "-v2c",
        &[("etherStatsStatus.6", "i", "2"), ("etherStatsDataSource.6", "o", IF_INDEX_9)],
        "inconsistentValue",
    );
    assert_eq!(agent.get("etherStatsStatus.6"), NO_SUCH_INSTANCE);
    // 4 on a row that does not exist: invalid(4) here, createAndGo in RMON2's RowStatus. A
    // manager that meant the latter must hear that nothing was created, in both versions, and
    // the agent must not log it as a SET it accepted.
    agent.set_refused("-v2c", &[("etherStatsStatus.6", "i", "4")], "noCreation");
    agent.set_refused("-v1", &[("etherStatsStatus.6", "i", "4")], "(noSuchName)");
    assert_eq!(agent.get("etherStatsStatus.6"), NO_SUCH_INSTANCE);
    assert!(
        !agent.stderr_text().contains("1.3.6.1.2.1.16.1.1.1.21.6 ="),
        "logged as accepted: {}",
        agent.stderr_text()
    );
    // A column of a row that does not exist, without createRequest (RFC 2579: inconsistentName).
    agent.set_refused("-v2c", &[("etherStatsOwner.7", "s", "x")], "inconsistentName");
    agent.set_refused("-v1", &[("etherStatsOwner.7", "s", "x")], "(noSuchName)");
    // A read-only column (RFC 3416: notWritable; RFC 3584: noSuchName) and a status out of range.
    agent.set_refused("-v2c", &[("etherStatsIndex.1", "i", "1")], "notWritable");
    agent.set_refused("-v1", &[("etherStatsIndex.1", "i", "1")], "(noSuchName)");
    agent.set_refused("-v2c", &[(".1.3.6.1.2.1.16.1.1.1.21.1", "i", "7")], "wrongValue");
    // The default row goes with its counters.
    assert_eq!(agent.instances_of(ETHER_STATS_ENTRY, 1), 21);
    agent.set_ok(&[("etherStatsStatus.1", "i", "4")]);
    assert_eq!(agent.instances_of(ETHER_STATS_ENTRY, 1), 0, "etherStats 1 deleted");
}

#[test]
fn set_history_control_rows() {
    let (_dir, agent) = write_agent("set-history");
    let columns = [
        ("DataSource", "o", IF_INDEX_1),
        ("BucketsRequested", "i", "10"),
        ("Interval", "i", "60"),
        ("Owner", "s", "noc"),
    ];
    life_cycle(&agent, "historyControl", 3, &columns, || {
        assert_eq!(agent.get("historyControlBucketsGranted.3"), "10");
        assert_eq!(agent.instances_of(ETHER_HISTORY_ENTRY, 3), 0, "no complete bucket on a stopped clock");
        agent.set_refused("-v2c", &[("historyControlInterval.3", "i", "30")], "inconsistentValue");
        assert_eq!(agent.get("historyControlInterval.3"), "60");
        agent.set_ok(&[("historyControlBucketsRequested.3", "i", "5")]);
        assert_eq!(agent.get("historyControlBucketsGranted.3"), "5", "re-granted while valid");
    });
    let buckets_1 = rows(&agent.report, "etherHistoryTable").iter().filter(|r| r["etherHistoryIndex"] == 1).count();
    let buckets_2 = agent.instances_of(ETHER_HISTORY_ENTRY, 2);
    assert!(buckets_1 > 0);
    assert_eq!(agent.instances_of(ETHER_HISTORY_ENTRY, 1), buckets_1 * 15);
    agent.set_ok(&[("historyControlStatus.1", "i", "4")]);
    assert_eq!(agent.instances_of(ETHER_HISTORY_ENTRY, 1), 0, "historyControl 1 deleted with its buckets");
    assert_eq!(agent.instances_of(ETHER_HISTORY_ENTRY, 2), buckets_2, "historyControl 2 untouched");
    assert_eq!(agent.instances_of(HISTORY_CONTROL_ENTRY, 2), 7);
}

#[test]
fn set_host_control_rows() {
    let (_dir, agent) = write_agent("set-hosts");
    let hosts = rows(&agent.report, "hostTable").len();
    assert!(hosts > 0);
    life_cycle(&agent, "hostControl", 2, &[("DataSource", "o", IF_INDEX_1), ("Owner", "s", "noc")], || {
        assert_eq!(agent.get("hostControlTableSize.2"), "0");
        assert_eq!(agent.get("hostControlLastDeleteTime.2"), "0");
        assert_eq!(agent.instances_of(HOST_ENTRY, 2), 0);
        assert_eq!(agent.instances_of(HOST_TIME_ENTRY, 2), 0);
        assert_eq!(agent.get("hostControlTableSize.1"), hosts.to_string());
        agent.set_refused("-v2c", &[("hostControlDataSource.2", "o", IF_INDEX_1)], "inconsistentValue");
    });
    assert_eq!(agent.instances_of(HOST_ENTRY, 1), hosts * 10);
    assert_eq!(agent.instances_of(HOST_TIME_ENTRY, 1), hosts * 10);
    agent.set_ok(&[("hostControlStatus.1", "i", "4")]);
    assert_eq!(agent.get("hostControlTableSize.1"), NO_SUCH_INSTANCE);
    assert_eq!(agent.instances_of(HOST_ENTRY, 1), 0, "hostControl 1 deleted with its hosts");
    assert_eq!(agent.instances_of(HOST_TIME_ENTRY, 1), 0);
}

#[test]
fn set_host_top_n_rows() {
    let (_dir, agent) = write_agent("set-topn");
    let up = agent.get(SYS_UP_TIME);
    let columns = [
        ("HostIndex", "i", "1"),
        ("RateBase", "i", "4"),
        ("TimeRemaining", "i", "60"),
        ("RequestedSize", "i", "5"),
        ("Owner", "s", "noc"),
    ];
    life_cycle(&agent, "hostTopN", 7, &columns, || {
        // Valid starts the report now, for hostTopNTimeRemaining seconds.
        assert_eq!(agent.get("hostTopNStartTime.7"), up);
        assert_eq!(agent.get("hostTopNDuration.7"), "60");
        assert_eq!(agent.get("hostTopNTimeRemaining.7"), "60", "the clock stays at the last frame");
        let granted: u32 = agent.get("hostTopNGrantedSize.7").parse().unwrap();
        assert!((1..=5).contains(&granted), "hostTopNGrantedSize {granted}");
        assert_eq!(agent.instances_of(HOST_TOP_N_ENTRY, 7), 0, "no report before its time is up");
        agent.set_refused("-v2c", &[("hostTopNHostIndex.7", "i", "1")], "inconsistentValue");
        agent.set_refused("-v2c", &[("hostTopNRateBase.7", "i", "1")], "inconsistentValue");
        agent.set_ok(&[("hostTopNTimeRemaining.7", "i", "30")]);
        assert_eq!(agent.get("hostTopNDuration.7"), "30", "a new report of 30 s");
    });
    // A report of a host table that does not exist cannot become valid.
    let report =
        |host| [("Status", "i", "2"), ("HostIndex", "i", host), ("RateBase", "i", "1"), ("TimeRemaining", "i", "60")];
    agent.set_ok(&row_varbinds("hostTopN", 8, &report("9")));
    agent.set_refused("-v2c", &[("hostTopNStatus.8", "i", "1")], "inconsistentValue");
    assert_eq!(agent.get("hostTopNStatus.8"), "3");
    // A valid report whose host table goes returns to underCreation.
    agent.set_ok(&row_varbinds("hostTopN", 9, &report("1")));
    agent.set_ok(&[("hostTopNStatus.9", "i", "1")]);
    assert_eq!(agent.get("hostTopNStatus.9"), "1");
    agent.set_ok(&[("hostControlStatus.1", "i", "4")]);
    assert_eq!(agent.get("hostTopNStatus.9"), "3", "hostTopN 9 lost its host table");
    assert_eq!(agent.instances_of(HOST_ENTRY, 1), 0);
}

#[test]
fn set_matrix_control_rows() {
    let (_dir, agent) = write_agent("set-matrix");
    let pairs = rows(&agent.report, "matrixSDTable").len();
    assert!(pairs > 0);
    life_cycle(&agent, "matrixControl", 2, &[("DataSource", "o", IF_INDEX_1), ("Owner", "s", "noc")], || {
        assert_eq!(agent.get("matrixControlTableSize.2"), "0");
        assert_eq!(agent.get("matrixControlLastDeleteTime.2"), "0");
        assert_eq!(agent.instances_of(MATRIX_SD_ENTRY, 2), 0);
        assert_eq!(agent.instances_of(MATRIX_DS_ENTRY, 2), 0);
        assert_eq!(agent.get("matrixControlTableSize.1"), pairs.to_string());
        agent.set_refused("-v2c", &[("matrixControlDataSource.2", "o", IF_INDEX_1)], "inconsistentValue");
    });
    assert_eq!(agent.instances_of(MATRIX_SD_ENTRY, 1), pairs * 6);
    assert_eq!(agent.instances_of(MATRIX_DS_ENTRY, 1), pairs * 6);
    agent.set_ok(&[("matrixControlStatus.1", "i", "4")]);
    assert_eq!(agent.instances_of(MATRIX_SD_ENTRY, 1), 0, "matrixControl 1 deleted with its conversations");
    assert_eq!(agent.instances_of(MATRIX_DS_ENTRY, 1), 0);
}

#[test]
fn state_file_keeps_rows_across_a_restart_and_a_damaged_one_is_set_aside() {
    let dir = TempDir::new("state");
    let state = dir.path().join("state.toml");
    let state_arg = state.to_str().unwrap();
    let options = ["--write-community", "private", "--state", state_arg];

    let mut first = Agent::start(dir.path(), "first", &options);
    let frames = first.report["rmonprobe"]["frames"].as_u64().unwrap();
    first.set_ok(&[
        ("etherStatsStatus.5", "i", "2"),
        ("etherStatsDataSource.5", "o", IF_INDEX_1),
        ("etherStatsOwner.5", "s", "noc"),
    ]);
    first.set_ok(&[("etherStatsStatus.5", "i", "1")]);
    first.set_ok(&[
        ("historyControlStatus.3", "i", "2"),
        ("historyControlDataSource.3", "o", IF_INDEX_1),
        ("historyControlInterval.3", "i", "20"),
        ("historyControlBucketsRequested.3", "i", "4"),
    ]);
    first.set_ok(&[("historyControlStatus.3", "i", "1")]);
    first.set_ok(&[("matrixControlStatus.1", "i", "4")]);
    first.set_ok(&[("hostControlStatus.4", "i", "2"), ("hostControlDataSource.4", "o", IF_INDEX_1)]);
    first.set_ok(&[(".1.3.6.1.2.1.1.6.0", "s", "rack 7")]);
    let status = first.terminate();
    assert_eq!(status.code(), Some(0), "a served replay ends on SIGTERM with status 0: {}", first.stderr_text());
    drop(first);
    assert!(state.exists(), "the state file was written");

    let second = Agent::start(dir.path(), "second", &options);
    assert_eq!(second.get("etherStatsStatus.5"), "1");
    assert_eq!(second.get("etherStatsOwner.5"), "noc");
    // Restored at the start, the row counted the whole replay.
    assert_eq!(second.get("etherStatsPkts.5"), frames.to_string());
    assert_eq!(second.get("historyControlInterval.3"), "20");
    assert_eq!(second.get("historyControlBucketsGranted.3"), "4");
    let buckets = rows(&second.report, "etherHistoryTable").iter().filter(|r| r["etherHistoryIndex"] == 3).count();
    assert_eq!(buckets, 4, "the 20-second history of a 100-second capture keeps its 4 granted buckets");
    assert_eq!(second.instances_of(ETHER_HISTORY_ENTRY, 3), buckets * 15);
    assert_eq!(second.get("matrixControlStatus.1"), NO_SUCH_INSTANCE, "a deleted default row stays deleted");
    assert!(rows(&second.report, "matrixSDTable").is_empty());
    assert_eq!(second.instances_of(MATRIX_SD_ENTRY, 1), 0);
    assert_eq!(second.get("hostControlStatus.4"), NO_SUCH_INSTANCE, "rows under creation are not kept");
    assert_eq!(second.get("hostControlStatus.1"), "1");
    assert_eq!(second.get(".1.3.6.1.2.1.1.6.0"), "rack 7", "sysLocation");
    let walk = dir.path().join("second.walk");
    fs::write(&walk, second.bulkwalk(RMON).stdout).unwrap();
    snmp_compare(&dir.path().join("second.json"), &walk);
    drop(second);

    let garbage = "this is [[not a state file\n\u{1}\u{2}";
    fs::write(&state, garbage).unwrap();
    let third = Agent::start(dir.path(), "third", &options);
    let err = third.stderr_text();
    assert!(err.contains("warning") && err.contains(state_arg), "no warning naming {state_arg}: {err}");
    assert_eq!(third.get("etherStatsStatus.1"), "1", "the default rows");
    assert_eq!(third.get("matrixControlStatus.1"), "1");
    assert_eq!(third.get("etherStatsStatus.5"), NO_SUCH_INSTANCE);
    let aside: Vec<PathBuf> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with("state.toml.damaged-"))
        .collect();
    assert_eq!(aside.len(), 1, "the damaged file set aside as state.toml.damaged-*: {aside:?}");
    assert_eq!(fs::read_to_string(&aside[0]).unwrap(), garbage);
    assert!(err.contains(&aside[0].display().to_string()), "the warning names where it went: {err}");
    assert!(!state.exists(), "nothing saved yet under the state file's name");
}

#[test]
fn set_filter_channel_buffer_event_and_alarm_rows() {
    let (_dir, agent) = write_agent("set-filter");
    // A channel on ifIndex 1, on.
    agent.set_ok(&[
        ("channelStatus.5", "i", "2"),
        ("channelIfIndex.5", "i", "1"),
        ("channelDataControl.5", "i", "1"),
        ("channelDescription.5", "s", "ipv4"),
        ("channelOwner.5", "s", "noc"),
    ]);
    assert_eq!(agent.get("channelStatus.5"), "3", "underCreation");
    agent.set_ok(&[("channelStatus.5", "i", "1")]);
    // Its filter: IPv4 at offset 12.
    agent.set_ok(&[
        ("filterStatus.5", "i", "2"),
        ("filterChannelIndex.5", "i", "5"),
        ("filterPktDataOffset.5", "i", "12"),
        ("filterPktData.5", "x", "0800"),
        ("filterOwner.5", "s", "noc"),
    ]);
    agent.set_ok(&[("filterStatus.5", "i", "1")]);
    // A wrapping buffer of 64 KiB on it.
    agent.set_ok(&[
        ("bufferControlStatus.5", "i", "2"),
        ("bufferControlChannelIndex.5", "i", "5"),
        ("bufferControlFullAction.5", "i", "2"),
        ("bufferControlMaxOctetsRequested.5", "i", "65536"),
        ("bufferControlOwner.5", "s", "noc"),
    ]);
    agent.set_ok(&[("bufferControlStatus.5", "i", "1")]);
    assert_eq!(agent.get("filterStatus.5"), "1");
    assert_eq!(agent.get("filterPktData.5").split_whitespace().collect::<String>(), "0800");
    assert_eq!(agent.get("bufferControlMaxOctetsGranted.5"), "65536");
    assert_eq!(agent.get("bufferControlFullStatus.5"), "1", "spaceAvailable");
    assert_eq!(agent.get("bufferControlCaptureSliceSize.5"), "100", "DEFVAL");
    // The finished replay's clock stays at its last frame: nothing more is matched.
    assert_eq!(agent.get("channelMatches.5"), "0");
    // Frozen while valid: channelIfIndex, filterPktDataOffset, bufferControlChannelIndex.
    agent.set_refused("-v2c", &[("channelIfIndex.5", "i", "1")], "inconsistentValue");
    agent.set_refused("-v2c", &[("filterPktDataOffset.5", "i", "14")], "inconsistentValue");
    agent.set_refused("-v2c", &[("bufferControlChannelIndex.5", "i", "5")], "inconsistentValue");
    // Not frozen: channelDataControl, the download columns.
    agent.set_ok(&[("channelDataControl.5", "i", "2"), ("bufferControlDownloadOffset.5", "i", "14")]);
    assert_eq!(agent.get("channelDataControl.5"), "2");
    assert_eq!(agent.get("bufferControlDownloadOffset.5"), "14");
    // Out of range.
    agent.set_refused("-v2c", &[("channelAcceptType.6", "i", "3")], "wrongValue");
    agent.set_refused("-v2c", &[("bufferControlMaxOctetsRequested.5", "i", "-2")], "wrongValue");

    // An event, and an alarm whose falling threshold is not below its rising one: it may not
    // become valid.
    agent.set_ok(&[("eventStatus.3", "i", "2"), ("eventType.3", "i", "2"), ("eventDescription.3", "s", "x")]);
    agent.set_ok(&[("eventStatus.3", "i", "1")]);
    assert_eq!(agent.get("eventType.3"), "2");
    // 128 octets (net-snmp checks the size itself unless told not to: -Ir).
    let long = "d".repeat(128);
    let run = agent.tool("snmpset", &["-v2c", "-c", "private", "-Ir"], &["eventDescription.3", "s", &long]);
    assert!(run.reason().is_some_and(|r| r.starts_with("wrongLength")), "{}", run.text());
    agent.set_ok(&[
        ("alarmStatus.4", "i", "2"),
        ("alarmInterval.4", "i", "10"),
        ("alarmVariable.4", "o", ".1.3.6.1.2.1.16.1.1.1.5.1"),
        ("alarmSampleType.4", "i", "2"),
        ("alarmRisingThreshold.4", "i", "5"),
        ("alarmFallingThreshold.4", "i", "5"),
        ("alarmRisingEventIndex.4", "i", "3"),
    ]);
    agent.set_refused("-v2c", &[("alarmStatus.4", "i", "1")], "inconsistentValue");
    agent.set_ok(&[("alarmFallingThreshold.4", "i", "1")]);
    agent.set_ok(&[("alarmStatus.4", "i", "1")]);
    assert_eq!(agent.get("alarmVariable.4"), ".1.3.6.1.2.1.16.1.1.1.5.1");
    agent.set_refused("-v2c", &[("alarmInterval.4", "i", "20")], "inconsistentValue");

    // Deleting the channel leaves its filter and buffer rows (they match and take nothing).
    agent.set_ok(&[("channelStatus.5", "i", "4")]);
    assert_eq!(agent.get("channelStatus.5"), NO_SUCH_INSTANCE);
    assert_eq!(agent.get("filterStatus.5"), "1");
    // And deleting the event takes nothing else.
    agent.set_ok(&[("eventStatus.3", "i", "4")]);
    assert_eq!(agent.get("eventStatus.3"), NO_SUCH_INSTANCE);
    assert_eq!(agent.get("alarmStatus.4"), "1");
}

/// The auth protocols net-snmp's `-a` takes, and a user of each with and without AES.
const V3_AUTH: [&str; 6] = ["MD5", "SHA", "SHA-224", "SHA-256", "SHA-384", "SHA-512"];

/// A configuration with one user per auth protocol and privacy (`u-SHA-256-aes`, `u-MD5`), all
/// with write access, and a read user `reader` (SHA-256 + AES).
fn v3_config(dir: &Path) -> PathBuf {
    let mut text = String::from("[snmp]\nengineId = \"80007ed90501020304050607\"\n");
    for auth in V3_AUTH {
        for aes in [false, true] {
            text.push_str(&format!(
                "[[snmp.users]]\nname = \"u-{auth}{}\"\nauthProtocol = \"{auth}\"\nauthPassword = \"auth-{auth}\"\naccess = \"write\"\n",
                if aes { "-aes" } else { "" }
            ));
            if aes {
                text.push_str(&format!("privProtocol = \"AES\"\nprivPassword = \"priv-{auth}\"\n"));
            }
        }
    }
    text.push_str("[[snmp.users]]\nname = \"reader\"\nauthProtocol = \"SHA-256\"\nauthPassword = \"reader-pass\"\nprivProtocol = \"AES\"\nprivPassword = \"reader-priv\"\n");
    // A user who sees the system group and etherStatsTable only, and may write there.
    text.push_str("[[snmp.users]]\nname = \"viewer\"\nauthProtocol = \"SHA\"\nauthPassword = \"viewer-pass\"\naccess = \"write\"\nviews = [\"1.3.6.1.2.1.1\", \".1.3.6.1.2.1.16.1.1\"]\n");
    let path = dir.join("v3.toml");
    fs::write(&path, text).expect("config");
    path
}

/// net-snmp's options for the user of `auth` (with AES or not).
fn v3_options(auth: &str, aes: bool) -> Vec<String> {
    let mut o = vec!["-v3".into(), "-u".into(), format!("u-{auth}{}", if aes { "-aes" } else { "" })];
    o.extend(["-a".into(), auth.into(), "-A".into(), format!("auth-{auth}")]);
    if aes {
        o.extend(["-l".into(), "authPriv".into(), "-x".into(), "AES".into(), "-X".into(), format!("priv-{auth}")]);
    } else {
        o.extend(["-l".into(), "authNoPriv".into()]);
    }
    o
}

const READER: [&str; 13] =
    ["-v3", "-u", "reader", "-l", "authPriv", "-a", "SHA-256", "-A", "reader-pass", "-x", "AES", "-X", "reader-priv"];

#[test]
fn snmpv3_users_of_every_auth_protocol_read_what_v2c_reads_and_a_write_user_sets() {
    let dir = TempDir::new("v3");
    let config = v3_config(dir.path());
    let agent = Agent::start(dir.path(), "agent", &["--config", config.to_str().unwrap()]);
    let mut v2c = vec!["-v2c", "-c", "public", "-Cr50"];
    v2c.extend(NUMERIC);
    let v2c_walk = parse_walk(&agent.tool("snmpbulkwalk", &v2c, &[".1.3.6.1.2.1.16.1"]).stdout);
    assert!(v2c_walk.len() > 10, "etherStatsTable over v2c: {v2c_walk:?}");
    for auth in V3_AUTH {
        for aes in [false, true] {
            let mut options: Vec<String> = v3_options(auth, aes);
            options.extend(["-Cr50".into()]);
            options.extend(NUMERIC.iter().map(|s| s.to_string()));
            let options: Vec<&str> = options.iter().map(String::as_str).collect();
            let walk = agent.tool("snmpbulkwalk", &options, &[".1.3.6.1.2.1.16.1"]);
            assert!(walk.ok, "{auth} aes={aes}: {}", walk.text());
            assert_eq!(parse_walk(&walk.stdout), v2c_walk, "{auth} aes={aes}: etherStatsTable differs from v2c");
            let get_options: Vec<&str> = options.iter().copied().filter(|o| *o != "-Cr50").collect();
            let get = agent.tool("snmpget", &get_options, &[SYS_UP_TIME]);
            assert!(get.ok && get.stdout.contains(SYS_UP_TIME), "{auth} aes={aes} snmpget: {}", get.text());
        }
    }
    // A write user creates an etherStats row; the read user may not.
    let writer: Vec<String> = v3_options("SHA-512", true);
    let writer: Vec<&str> = writer.iter().map(String::as_str).collect();
    let set =
        agent.tool("snmpset", &writer, &["etherStatsStatus.7", "i", "2", "etherStatsDataSource.7", "o", IF_INDEX_1]);
    assert!(set.ok && set.reason().is_none(), "v3 write user's SET: {}", set.text());
    assert_eq!(agent.get("etherStatsStatus.7"), "3", "underCreation after the v3 SET");
    let refused = agent.tool("snmpset", &READER, &["etherStatsStatus.8", "i", "2"]);
    assert!(
        !refused.ok && refused.reason().is_some_and(|r| r.starts_with("authorizationError")),
        "read user's SET: {}",
        refused.text()
    );
    assert_eq!(agent.get("etherStatsStatus.8"), NO_SUCH_INSTANCE);
}

#[test]
fn snmpv3_refusals_get_no_data_and_raise_their_usm_stats_counters() {
    let dir = TempDir::new("v3-refusals");
    let config = v3_config(dir.path());
    let agent = Agent::start(dir.path(), "agent", &["--config", config.to_str().unwrap()]);
    let stat = |n: u32| -> u64 {
        let mut options = READER.to_vec();
        options.extend(["-Oqv"]);
        let run = agent.tool("snmpget", &options, &[&format!(".1.3.6.1.6.3.15.1.1.{n}.0")]);
        assert!(run.ok, "usmStats {n}: {}", run.text());
        run.stdout.trim().parse().unwrap_or_else(|_| panic!("usmStats {n}: {}", run.text()))
    };
    let quick = ["-t", "0.5", "-r", "0"];
    let before: Vec<u64> = (1..=6).map(stat).collect();
    // Wrong password: an authentication failure, no value.
    let mut wrong = READER.to_vec();
    wrong[8] = "not-the-password";
    wrong.extend(quick);
    let run = agent.tool("snmpget", &wrong, &[SYS_UP_TIME]);
    assert!(!run.ok && !run.stdout.contains("Timeticks"), "wrong password: {}", run.text());
    assert_eq!(stat(5), before[4] + 1, "usmStatsWrongDigests");
    // Unknown user.
    let mut unknown = READER.to_vec();
    unknown[2] = "nobody";
    unknown.extend(quick);
    let run = agent.tool("snmpget", &unknown, &[SYS_UP_TIME]);
    assert!(!run.ok && run.text().contains("Unknown user name"), "unknown user: {}", run.text());
    assert!(stat(3) > before[2], "usmStatsUnknownUserNames");
    // Unknown engine ID: the discovery every manager starts with raises it too, so it rises.
    let mut engine = READER.to_vec();
    engine.extend(["-e", "80007ed905ffffffffffffffff"]);
    engine.extend(quick);
    let run = agent.tool("snmpget", &engine, &[SYS_UP_TIME]);
    assert!(!run.stdout.contains("Timeticks"), "unknown engine ID got data: {}", run.text());
    assert!(stat(4) > before[3], "usmStatsUnknownEngineIDs");
    // Outside the time window: net-snmp's -Z sets the boots and time it claims.
    let mut late = READER.to_vec();
    late.extend(["-e", "80007ed90501020304050607", "-Z", "1,100000"]);
    late.extend(quick);
    let _ = agent.tool("snmpget", &late, &[SYS_UP_TIME]);
    assert!(stat(2) > before[1], "usmStatsNotInTimeWindows");
    // A level the user does not have: privacy for a user without it.
    let mut level = v3_options("MD5", false);
    level.extend(["-l".into(), "authPriv".into(), "-x".into(), "AES".into(), "-X".into(), "whatever-priv".into()]);
    level.extend(quick.iter().map(|s| s.to_string()));
    let level: Vec<&str> = level.iter().map(String::as_str).collect();
    let run = agent.tool("snmpget", &level, &[SYS_UP_TIME]);
    assert!(!run.stdout.contains("Timeticks"), "unsupported level got data: {}", run.text());
    assert!(stat(1) > before[0], "usmStatsUnsupportedSecLevels");
    // The right authentication with the wrong privacy password: the scopedPDU does not decrypt.
    let mut privacy = READER.to_vec();
    privacy[12] = "not-the-privacy";
    privacy.extend(quick);
    let run = agent.tool("snmpget", &privacy, &[SYS_UP_TIME]);
    assert!(!run.stdout.contains("Timeticks"), "wrong privacy password got data: {}", run.text());
    assert_eq!(stat(6), before[5] + 1, "usmStatsDecryptionErrors");
    // The agent still answers, and the engine's objects read back.
    let mut options = READER.to_vec();
    options.extend(["-Oqv"]);
    let engine_id = agent.tool("snmpget", &options, &[".1.3.6.1.6.3.10.2.1.1.0"]);
    assert!(engine_id.stdout.to_lowercase().contains("80 00 7e d9 05 01 02 03 04 05 06 07"), "{}", engine_id.text());
    // usmUserTable names the users and their protocols; no password or key is anywhere in the
    // SNMPv3 subtrees.
    let mut walk = READER.to_vec();
    walk.extend(NUMERIC);
    let users = agent.tool("snmpbulkwalk", &walk, &[".1.3.6.1.6.3"]);
    assert!(users.ok, "{}", users.text());
    let rows = parse_walk(&users.stdout);
    let names: Vec<&String> =
        rows.iter().filter(|(oid, _)| oid.starts_with(".1.3.6.1.6.3.15.1.2.2.1.3.")).map(|(_, v)| v).collect();
    assert_eq!(names.len(), 14, "12 users of every protocol, the reader and the viewer: {names:?}");
    assert!(rows.iter().any(|(oid, v)| oid.starts_with(".1.3.6.1.6.3.15.1.2.2.1.5.") && v == ".1.3.6.1.6.3.10.1.1.7"));
    let text = users.stdout.to_lowercase();
    for secret in ["reader-pass", "reader-priv", "auth-sha", "priv-md5"] {
        let hex: Vec<String> = secret.bytes().map(|b| format!("{b:02x}")).collect();
        assert!(!text.contains(secret) && !text.contains(&hex.join(" ")), "{secret} is readable over SNMP");
    }
}

const VIEWER: [&str; 9] = ["-v3", "-u", "viewer", "-l", "authNoPriv", "-a", "SHA", "-A", "viewer-pass"];

#[test]
fn snmpv3_views_hide_what_lies_outside_them() {
    let dir = TempDir::new("v3-views");
    let config = v3_config(dir.path());
    let agent = Agent::start(dir.path(), "agent", &["--config", config.to_str().unwrap()]);
    // A walk of everything from the top sees only the two subtrees, in order, and ends.
    let mut walk = VIEWER.to_vec();
    walk.extend(["-Cr20"]);
    walk.extend(NUMERIC);
    let run = agent.tool("snmpbulkwalk", &walk, &[".1"]);
    assert!(run.ok, "{}", run.text());
    let oids: Vec<String> = parse_walk(&run.stdout).into_iter().map(|(oid, _)| oid).collect();
    assert!(
        oids.iter().any(|o| o == ".1.3.6.1.2.1.1.1.0") && oids.iter().any(|o| o.starts_with(".1.3.6.1.2.1.16.1.1.1."))
    );
    let outside: Vec<&String> =
        oids.iter().filter(|o| !o.starts_with(".1.3.6.1.2.1.1.") && !o.starts_with(".1.3.6.1.2.1.16.1.1.")).collect();
    assert!(outside.is_empty(), "outside the view: {outside:?}");
    let mut v2c = vec!["-v2c", "-c", "public", "-Cr50"];
    v2c.extend(NUMERIC);
    let ether_stats = parse_walk(&agent.tool("snmpbulkwalk", &v2c, &[".1.3.6.1.2.1.16.1.1"]).stdout);
    let seen = parse_walk(&run.stdout);
    assert!(ether_stats.iter().all(|vb| seen.contains(vb)), "etherStatsTable as v2c reads it");
    // A GET outside: noSuchObject; a SET outside: noAccess, inside: accepted.
    let mut get = VIEWER.to_vec();
    get.extend(["-On"]);
    let run = agent.tool("snmpget", &get, &[".1.3.6.1.2.1.2.1.0", ".1.3.6.1.2.1.1.5.0"]);
    assert!(
        run.stdout.contains(NO_SUCH_OBJECT) && run.stdout.contains(".1.3.6.1.2.1.1.5.0 = STRING"),
        "{}",
        run.text()
    );
    let run = agent.tool("snmpset", &VIEWER, &["hostControlStatus.1", "i", "4"]);
    assert!(run.reason().is_some_and(|r| r.starts_with("noAccess")), "{}", run.text());
    assert_eq!(agent.get("hostControlStatus.1"), "1", "the host table is still there");
    let run = agent.tool("snmpset", &VIEWER, &["etherStatsStatus.9", "i", "2"]);
    assert!(run.ok && run.reason().is_none(), "{}", run.text());
}

#[test]
fn snmpv3_engine_boots_grow_across_restarts_and_v1v2c_can_be_switched_off() {
    let dir = TempDir::new("v3-boots");
    let config = dir.path().join("v3only.toml");
    fs::write(
        &config,
        "[snmp]\nv1v2c = false\n[[snmp.users]]\nname = \"reader\"\nauthProtocol = \"SHA-256\"\nauthPassword = \"reader-pass\"\nprivProtocol = \"AES\"\nprivPassword = \"reader-priv\"\n",
    )
    .unwrap();
    let state = dir.path().join("state.toml");
    let extra = ["--config", config.to_str().unwrap(), "--state", state.to_str().unwrap()];
    let engine = |agent: &Agent| -> (String, String) {
        let mut options = READER.to_vec();
        options.extend(["-Oqv"]);
        let run = agent.tool("snmpget", &options, &[".1.3.6.1.6.3.10.2.1.1.0", ".1.3.6.1.6.3.10.2.1.2.0"]);
        let mut lines = run.stdout.lines().map(str::to_string);
        (lines.next().unwrap_or_default(), lines.next().unwrap_or_default())
    };
    let mut first = Agent::start_ready(dir.path(), "first", &extra, &READER);
    let (id, boots) = engine(&first);
    assert_eq!(boots, "1", "a new engine's first boot");
    // A community gets no answer at all.
    let community = first.tool("snmpget", &["-v2c", "-c", "public", "-t", "0.3", "-r", "0"], &[SYS_UP_TIME]);
    assert!(!community.ok && community.text().contains("Timeout"), "{}", community.text());
    first.terminate();
    // The rows were never SET: the file keeps the engine alone.
    let text = fs::read_to_string(&state).unwrap();
    assert!(text.contains("rowsSaved = false"), "{text}");
    let second = Agent::start_ready(dir.path(), "second", &extra, &READER);
    assert_eq!(engine(&second), (id, "2".to_string()), "the same engine, one more boot");
    assert_eq!(second.report["etherStatsTable"].as_array().map(Vec::len), Some(1), "the default rows");
}

/// GET `path` from an HTTP server on 127.0.0.1:`port`: the body, or None while it does not answer.
fn http_get(port: u16, path: &str) -> Option<String> {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(20))).ok()?;
    write!(stream, "GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n").ok()?;
    let mut text = String::new();
    stream.read_to_string(&mut text).ok()?;
    text.split_once("\r\n\r\n").map(|(_, body)| body.to_string())
}

/// A second manager with its own SNMPv3 stack (Go's gosnmp): prometheus-snmp-exporter walks
/// etherStatsTable over SHA-256 + AES and gets what v2c reads.
#[test]
fn snmpv3_prometheus_snmp_exporter_reads_over_sha256_and_aes() {
    let dir = TempDir::new("v3-exporter");
    let config = v3_config(dir.path());
    let agent = Agent::start(dir.path(), "agent", &["--config", config.to_str().unwrap()]);
    let module = "rmon_v3:
  walk: [1.3.6.1.2.1.16.1.1.1.4, 1.3.6.1.2.1.16.1.1.1.5]
  get: [1.3.6.1.2.1.1.3.0]
  metrics:
  - {name: etherStatsOctets, oid: 1.3.6.1.2.1.16.1.1.1.4, type: counter, indexes: [{labelname: etherStatsIndex, type: gauge}]}
  - {name: etherStatsPkts, oid: 1.3.6.1.2.1.16.1.1.1.5, type: counter, indexes: [{labelname: etherStatsIndex, type: gauge}]}
  version: 3
  retries: 0
  timeout: 5s
  auth:
    username: reader
    security_level: authPriv
    password: reader-pass
    auth_protocol: SHA256
    priv_protocol: AES
    priv_password: reader-priv
";
    let yml = dir.path().join("snmp.yml");
    fs::write(&yml, module).unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut exporter = Command::new("prometheus-snmp-exporter")
        .arg(format!("--config.file={}", yml.display()))
        .arg(format!("--web.listen-address=127.0.0.1:{port}"))
        .stdout(Stdio::null())
        .stderr(File::create(dir.path().join("exporter.log")).unwrap())
        .spawn()
        .expect("prometheus-snmp-exporter (`scripts/deps.sh test` installs it)");
    let path = format!("/snmp?module=rmon_v3&target={}", agent.addr);
    let deadline = Instant::now() + Duration::from_secs(20);
    let body = loop {
        if let Some(body) = http_get(port, &path) {
            break body;
        }
        assert!(Instant::now() < deadline, "the exporter never answered");
        sleep(Duration::from_millis(100));
    };
    let _ = exporter.kill();
    let _ = exporter.wait();
    let metric = |name: &str| -> f64 {
        let line = body.lines().find(|l| l.starts_with(&format!("{name}{{etherStatsIndex=\"1\"}}")));
        let line = line.unwrap_or_else(|| panic!("{name} missing from the scrape: {body}"));
        line.rsplit(' ').next().and_then(|v| v.parse().ok()).unwrap_or_else(|| panic!("{line}"))
    };
    let v2c = |column: u32| -> f64 { agent.get(&format!(".1.3.6.1.2.1.16.1.1.1.{column}.1")).parse().unwrap() };
    assert_eq!(metric("etherStatsPkts"), v2c(5), "etherStatsPkts over v3 (gosnmp) and v2c (net-snmp)");
    assert_eq!(metric("etherStatsOctets"), v2c(4), "etherStatsOctets");
}
