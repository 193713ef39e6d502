//! Records the build for sysDescr: the git commit when built from a checkout, the target.

use std::process::Command;

fn main() {
    let commit = Command::new("git")
        .args(["rev-parse", "--short=12", "HEAD"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "unknown".to_string());
    println!("cargo:rustc-env=RMONPROBE_COMMIT={commit}");
    println!("cargo:rustc-env=RMONPROBE_TARGET={}", std::env::var("TARGET").unwrap_or_default());
    println!("cargo:rustc-env=RMONPROBE_PROFILE={}", std::env::var("PROFILE").unwrap_or_default());
    println!("cargo:rerun-if-changed=.git/HEAD");
    println!("cargo:rerun-if-changed=.git/refs/heads");
}
