//! What the tests that run rmonprobe and other servers as processes share: a scratch
//! directory and child processes that go away with the test, however it ends, and free ports.

#![allow(dead_code)]

pub mod compare;
pub mod tmux;

use std::fs;
use std::net::{TcpListener, UdpSocket};
use std::path::PathBuf;
use std::process::{Child, Command};

/// A scratch directory, removed at the end.
pub struct Dir(pub PathBuf);

impl Dir {
    /// A fresh directory named after the test and this process.
    pub fn new(name: &str) -> Dir {
        let dir = std::env::temp_dir().join(format!("rmonprobe-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).expect("a scratch directory");
        Dir(dir)
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// A child process, killed when the test ends however it ends.
pub struct Running(pub Child);

impl Running {
    /// SIGTERM, and wait for it to end.
    pub fn stop(mut self) {
        let _ = Command::new("kill").arg(self.0.id().to_string()).status();
        let _ = self.0.wait();
    }

    /// SIGKILL: no chance to finish anything.
    pub fn kill(mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A TCP port free a moment ago on 127.0.0.1.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").expect("a free port").local_addr().expect("its address").port()
}

/// A UDP port free a moment ago on 127.0.0.1 (for an SNMP agent).
pub fn free_udp_port() -> u16 {
    UdpSocket::bind("127.0.0.1:0").expect("a free port").local_addr().expect("its address").port()
}
