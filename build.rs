//! Records the build for sysDescr: the git commit when built from a checkout, the target.

use std::path::Path;
use std::process::Command;

fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git").args(args).output().ok().filter(|o| o.status.success())?;
    let text = String::from_utf8(out.stdout).ok()?;
    Some(text.trim().to_string()).filter(|s| !s.is_empty())
}

fn main() {
    let commit = git(&["rev-parse", "--short=12", "HEAD"]).unwrap_or_else(|| "unknown".to_string());
    println!("cargo:rustc-env=RMONPROBE_COMMIT={commit}");
    println!("cargo:rustc-env=RMONPROBE_TARGET={}", std::env::var("TARGET").unwrap_or_default());
    println!("cargo:rustc-env=RMONPROBE_PROFILE={}", std::env::var("PROFILE").unwrap_or_default());
    // Rebuild when HEAD moves. Only paths that exist: a missing one (a worktree's `.git` is a
    // file, a tarball has none) would make cargo rerun this script on every build.
    println!("cargo:rerun-if-changed=build.rs");
    if let Some(git_dir) = git(&["rev-parse", "--git-dir"]) {
        for path in ["HEAD", "refs/heads"] {
            let path = Path::new(&git_dir).join(path);
            if path.exists() {
                println!("cargo:rerun-if-changed={}", path.display());
            }
        }
    }
}
