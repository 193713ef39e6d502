//! The project's own module, mibs/RMONPROBE-MIB, as the tools that managers load it with see it:
//! libsmi's smilint at its strictest usual level finds nothing to say (every notification in a
//! conformance group, every node defined), and net-snmp still resolves the names the agent sends
//! to the same OIDs as the code (`src/rmon/event.rs`, `src/snmp/tables/system.rs`).
//!
//! Needs smilint (Debian package `smitools`) and net-snmp's snmptranslate (package `snmp`), both
//! installed by `scripts/deps.sh test`, and ../shared (or RMONPROBE_SHARED) for the standard
//! modules RMONPROBE-MIB imports.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn project(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

fn shared_mibs() -> PathBuf {
    std::env::var_os("RMONPROBE_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared"))
        .join("mibs")
}

fn run(command: &mut Command, package: &str) -> Output {
    command
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("{command:?}: {e} (`scripts/deps.sh test` installs package {package})"))
}

#[test]
fn smilint_level_5_has_nothing_to_say() {
    let mibs = shared_mibs();
    assert!(mibs.join("RMON-MIB.txt").exists(), "{}: no RMON-MIB (set RMONPROBE_SHARED)", mibs.display());
    // SMIPATH: the imported modules from the shared folder only, not whatever the machine has.
    let out = run(
        Command::new("smilint").env("SMIPATH", &mibs).args(["-l", "5"]).arg(project("mibs/RMONPROBE-MIB")),
        "smitools",
    );
    let said = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success() && said.is_empty(), "smilint -l 5 ({}):\n{said}", out.status);
}

#[test]
fn net_snmp_resolves_the_names_to_the_oids_the_agent_uses() {
    // -M and -m without `+`: this module and what it imports, nothing from the machine's MIBs.
    let out = run(
        Command::new("snmptranslate")
            .env_remove("MIBS")
            .env_remove("MIBDIRS")
            .arg("-M")
            .arg(format!("{}:{}", project("mibs").display(), shared_mibs().display()))
            .args(["-m", "RMONPROBE-MIB", "-On"])
            .args(["RMONPROBE-MIB::rmonprobePacketMatch", "RMONPROBE-MIB::rmonprobeAgent"])
            .args(["RMONPROBE-MIB::tcpLatencyServerRttMaxUs", "RMONPROBE-MIB::tcpLatencyPairRttMaxUs"])
            .arg("RMONPROBE-MIB::mirrorDuplicates"),
        "snmp",
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let oids: Vec<&str> = stdout.split_whitespace().collect();
    let packet_match = dotted(&rmonprobe::snmp::trap::PACKET_MATCH);
    let agent = dotted(rmonprobe::snmp::tables::system::RMONPROBE_AGENT);
    // The last column of each table, as the schemas (src/mib/rmonprobe/) number them.
    use rmonprobe::mib::rmonprobe::tcp_latency::{TCP_LATENCY_PAIR_TABLE, TCP_LATENCY_SERVER_TABLE};
    let last = |entry: &[u32], column: Option<u32>| {
        let mut oid = entry.to_vec();
        oid.push(column.unwrap_or(0));
        dotted(&oid)
    };
    let server = last(TCP_LATENCY_SERVER_TABLE.entry, TCP_LATENCY_SERVER_TABLE.columns.last().map(|c| c.number));
    let pair = last(TCP_LATENCY_PAIR_TABLE.entry, TCP_LATENCY_PAIR_TABLE.columns.last().map(|c| c.number));
    use rmonprobe::mib::rmonprobe::mirror::MIRROR_SOURCE_TABLE;
    let mirror = last(MIRROR_SOURCE_TABLE.entry, MIRROR_SOURCE_TABLE.columns.last().map(|c| c.number));
    assert!(out.status.success(), "snmptranslate: {}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(
        oids,
        [packet_match.as_str(), agent.as_str(), server.as_str(), pair.as_str(), mirror.as_str()],
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(packet_match, ".1.3.6.1.4.1.32473.21.0.1");
}

/// `.1.3.6...`, as snmptranslate -On prints an OID.
fn dotted(oid: &[u32]) -> String {
    oid.iter().map(|n| format!(".{n}")).collect()
}
