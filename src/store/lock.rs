//! The data directory's lock: one stable file that is never renamed or
//! replaced (a kernel lock belongs to an inode), held shared by readers and
//! exclusively by writers. Kernel locks vanish with their process, so a
//! `kill -9` leaves no stale lock behind.

use super::error::{io_err, Result, StoreError};
use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

pub const LOCK_FILE: &str = "clubctl.lock";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Shared,
    Exclusive,
}

/// A held lock; dropping it releases the lock.
#[derive(Debug)]
pub struct DirLock {
    file: File,
    mode: Mode,
}

impl Drop for DirLock {
    /// A writer wipes its note as it lets go, so that a writer kept waiting
    /// by readers later is not told of a holder long gone. (A killed writer
    /// leaves its note; the next writer replaces it.)
    fn drop(&mut self) {
        if self.mode == Mode::Exclusive {
            let _ = self.file.set_len(0);
        }
    }
}

fn try_take(file: &File, mode: Mode) -> std::io::Result<bool> {
    let r = match mode {
        Mode::Shared => file.try_lock_shared(),
        Mode::Exclusive => file.try_lock(),
    };
    match r {
        Ok(()) => Ok(true),
        Err(TryLockError::WouldBlock) => Ok(false),
        Err(TryLockError::Error(e)) => Err(e),
    }
}

impl DirLock {
    /// Takes the lock, polling until `wait` has passed. A writer records its
    /// pid and command in the lock file so that a waiting one can name it.
    pub fn acquire(dir: &Path, mode: Mode, wait: Duration, holder: &str) -> Result<DirLock> {
        let path = dir.join(LOCK_FILE);
        let mut opts = OpenOptions::new();
        opts.read(true).write(true).create(true).truncate(false);
        // The holder note is a command line, which can carry names and
        // phone numbers: owner only, like every other file here.
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
        let mut file = opts
            .open(&path)
            .map_err(io_err("opening lock file", &path))?;
        let start = Instant::now();
        loop {
            if try_take(&file, mode).map_err(io_err("locking", &path))? {
                break;
            }
            if start.elapsed() >= wait {
                return Err(StoreError::Busy {
                    dir: dir.to_path_buf(),
                    holder: holder_of(&path),
                    waited: wait.as_secs(),
                });
            }
            std::thread::sleep(Duration::from_millis(25));
        }
        if mode == Mode::Exclusive {
            let note = format!("pid {}: {}\n", std::process::id(), holder);
            file.set_len(0)
                .and_then(|_| file.seek(SeekFrom::Start(0)))
                .and_then(|_| file.write_all(note.as_bytes()))
                .map_err(io_err("writing lock holder to", &path))?;
        }
        Ok(DirLock { file, mode })
    }
}

fn holder_of(path: &PathBuf) -> String {
    let mut text = String::new();
    let _ = File::open(path).and_then(|mut f| f.read_to_string(&mut text));
    let text = text.trim();
    if text.is_empty() {
        "another clubctl process".to_string()
    } else {
        text.to_string()
    }
}
