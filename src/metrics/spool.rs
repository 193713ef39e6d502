//! What the pusher could not send yet, in order, bounded: on disk (`--spool DIR`, one file per
//! push, written whole then renamed, so a probe killed mid-write leaves no half a file and a
//! restarted probe resumes where it was) or, without a directory, in memory. When the bound is
//! reached the oldest push goes first, and is counted.

use std::collections::VecDeque;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// The spooled pushes, oldest first.
pub struct Spool {
    dir: Option<PathBuf>,
    /// In memory: the bodies; on disk: the sizes of the files `{seq:020}.rw`.
    memory: VecDeque<Vec<u8>>,
    files: VecDeque<(u64, u64)>,
    next: u64,
    bytes: u64,
    limit: u64,
    /// Pushes dropped to keep within the limit.
    pub dropped: u64,
}

const SUFFIX: &str = "rw";

impl Spool {
    /// A spool in `dir` (made if need be, its files taken up again) or in memory, holding at
    /// most `limit` octets.
    pub fn open(dir: Option<&Path>, limit: u64) -> io::Result<Spool> {
        let mut spool = Spool {
            dir: dir.map(Path::to_path_buf),
            memory: VecDeque::new(),
            files: VecDeque::new(),
            next: 0,
            bytes: 0,
            limit,
            dropped: 0,
        };
        if let Some(dir) = dir {
            fs::create_dir_all(dir)?;
            let mut found = Vec::new();
            for entry in fs::read_dir(dir)? {
                let entry = entry?;
                let name = entry.file_name().to_string_lossy().into_owned();
                match name.strip_suffix(&format!(".{SUFFIX}")).and_then(|n| n.parse::<u64>().ok()) {
                    Some(seq) => found.push((seq, entry.metadata()?.len())),
                    // A push that was being written when the probe stopped.
                    None if name.ends_with(".tmp") => fs::remove_file(entry.path())?,
                    None => {}
                }
            }
            found.sort_unstable();
            spool.next = found.last().map_or(0, |(seq, _)| seq + 1);
            spool.bytes = found.iter().map(|(_, len)| len).sum();
            spool.files = found.into();
        }
        Ok(spool)
    }

    pub fn len(&self) -> usize {
        if self.dir.is_some() { self.files.len() } else { self.memory.len() }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Octets spooled.
    pub fn bytes(&self) -> u64 {
        self.bytes
    }

    fn path(&self, seq: u64) -> Option<PathBuf> {
        Some(self.dir.as_ref()?.join(format!("{seq:020}.{SUFFIX}")))
    }

    /// Adds a push after the others, dropping the oldest while over the limit.
    pub fn push(&mut self, body: Vec<u8>) -> io::Result<()> {
        let len = body.len() as u64;
        match self.path(self.next) {
            Some(path) => {
                let tmp = path.with_extension("tmp");
                fs::write(&tmp, &body)?;
                fs::rename(&tmp, &path)?;
                self.files.push_back((self.next, len));
            }
            None => self.memory.push_back(body),
        }
        self.next += 1;
        self.bytes += len;
        while self.bytes > self.limit && self.len() > 1 {
            self.drop_oldest()?;
            self.dropped += 1;
        }
        Ok(())
    }

    /// The oldest push, if any.
    pub fn oldest(&self) -> io::Result<Option<Vec<u8>>> {
        match self.files.front() {
            Some((seq, _)) if self.dir.is_some() => fs::read(self.path(*seq).unwrap_or_default()).map(Some),
            _ => Ok(self.memory.front().cloned()),
        }
    }

    /// Removes the oldest push (sent, or dropped).
    pub fn drop_oldest(&mut self) -> io::Result<()> {
        if self.dir.is_some() {
            if let Some((seq, len)) = self.files.pop_front() {
                self.bytes -= len;
                if let Some(path) = self.path(seq) {
                    fs::remove_file(path)?;
                }
            }
        } else if let Some(body) = self.memory.pop_front() {
            self.bytes -= body.len() as u64;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_spool_keeps_order_bounds_itself_and_resumes() {
        let dir = std::env::temp_dir().join(format!("rmonprobe-spool-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        {
            let mut spool = Spool::open(Some(&dir), 25).unwrap();
            for i in 0..4u8 {
                spool.push(vec![i; 10]).unwrap();
            }
            // 40 octets over a 25-octet bound: the two oldest went.
            assert_eq!((spool.len(), spool.dropped, spool.bytes()), (2, 2, 20));
            assert_eq!(spool.oldest().unwrap(), Some(vec![2; 10]));
            fs::write(dir.join("00000000000000000009.tmp"), b"half").unwrap();
        }
        // A new probe on the same directory: the same pushes, in order; the half-written gone.
        let mut spool = Spool::open(Some(&dir), 25).unwrap();
        assert_eq!(spool.len(), 2);
        assert!(!dir.join("00000000000000000009.tmp").exists());
        spool.push(vec![9; 5]).unwrap();
        let mut seen = Vec::new();
        while let Some(body) = spool.oldest().unwrap() {
            seen.push(body[0]);
            spool.drop_oldest().unwrap();
        }
        assert_eq!(seen, vec![2, 3, 9]);
        let _ = fs::remove_dir_all(&dir);
        // In memory, the same rules.
        let mut memory = Spool::open(None, 15).unwrap();
        memory.push(vec![1; 10]).unwrap();
        memory.push(vec![2; 10]).unwrap();
        assert_eq!((memory.len(), memory.dropped, memory.oldest().unwrap()), (1, 1, Some(vec![2; 10])));
    }
}
