//! The crate's layers point down only (ARCHITECTURE.md, "Rules"): `mib` at the bottom, then
//! `packet` and `capture`, then `rmon`, then `pipeline`, then the views and the commands (`snmp`,
//! `tui`, `report`, `config`, `state`, `replay`, `live`, ...). This test reads every source file
//! and fails on any path into a higher layer, so the rule holds without a reviewer.
//!
//! Unit tests (a file's `#[cfg(test)]` module, which ends the file, and `tests.rs` files) may
//! reach up for their fixtures: they are not part of the layer.

use std::fs;
use std::path::{Path, PathBuf};

/// The layer of a top-level module: lower numbers are lower layers.
fn rank(module: &str) -> u8 {
    match module {
        // The schema macros (`mib_table!`, ...) are exported at the crate's root.
        m if m == "mib" || m.starts_with("mib_") => 0,
        "packet" | "capture" => 1,
        "rmon" => 2,
        "pipeline" => 3,
        _ => 4,
    }
}

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).expect("src readable") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top-level module a file belongs to: `src/rmon/alarm.rs` -> `rmon`, `src/packet.rs` ->
/// `packet`.
fn module_of(src: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(src).expect("under src");
    let first = rel.components().next().expect("a component").as_os_str().to_string_lossy().into_owned();
    first.strip_suffix(".rs").unwrap_or(&first).to_string()
}

/// Every top-level module a piece of code names as `crate::NAME`, with the line it is on.
fn references(code: &str) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    for (n, line) in code.lines().enumerate() {
        let line = line.split("//").next().unwrap_or_default();
        let mut rest = line;
        while let Some(at) = rest.find("crate::") {
            rest = &rest[at + "crate::".len()..];
            let name: String = rest.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
            if !name.is_empty() {
                found.push((n + 1, name));
            }
        }
        // `use crate::{a, b}` names several modules at once.
        if let Some(group) = line.split("crate::{").nth(1) {
            for part in group.split([',', '}']) {
                let name: String = part.trim().chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
                if !name.is_empty() {
                    found.push((n + 1, name));
                }
            }
        }
    }
    found
}

#[test]
fn lower_layers_never_reach_up() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    files.sort();
    assert!(files.len() > 50, "found only {} source files under {}", files.len(), src.display());
    let mut violations = Vec::new();
    for file in &files {
        if file.file_name().is_some_and(|n| n == "tests.rs") || file.components().any(|c| c.as_os_str() == "tests") {
            continue;
        }
        let module = module_of(&src, file);
        if module == "lib" || module == "main" {
            continue;
        }
        let text = fs::read_to_string(file).expect("readable");
        let code = text.split("#[cfg(test)]").next().unwrap_or_default();
        for (line, target) in references(code) {
            if rank(&target) > rank(&module) {
                violations.push(format!("{}:{line}: {module} uses crate::{target}", file.display()));
            }
        }
    }
    assert!(violations.is_empty(), "lower layers reach up:\n{}", violations.join("\n"));
}

#[test]
fn the_checker_sees_what_it_must() {
    // A path, a grouped import and a comment that must not count.
    let code = "use crate::snmp::Agent;\nuse crate::{mib, tui::App};\n// crate::replay in a comment\n";
    let names: Vec<String> = references(code).into_iter().map(|(_, n)| n).collect();
    assert_eq!(names, ["snmp", "mib", "tui"]);
    assert!(rank("snmp") > rank("pipeline") && rank("pipeline") > rank("rmon"));
    assert!(rank("rmon") > rank("packet") && rank("packet") > rank("mib"));
}
