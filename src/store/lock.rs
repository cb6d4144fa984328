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
    /// `None` for a reader on a read-only directory without a lock file.
    file: Option<File>,
    mode: Mode,
}

/// Whether opening failed because the directory cannot be written.
fn read_only(e: &std::io::Error) -> bool {
    #[cfg(unix)]
    if matches!(
        e.raw_os_error(),
        Some(libc::EROFS) | Some(libc::EACCES) | Some(libc::EPERM)
    ) {
        return true;
    }
    e.kind() == std::io::ErrorKind::PermissionDenied
}

impl DirLock {
    /// Whether a lock is held (a reader on a read-only directory may hold
    /// none).
    pub fn held(&self) -> bool {
        self.file.is_some()
    }
}

impl Drop for DirLock {
    /// A writer wipes its note as it lets go, so that a writer kept waiting
    /// by readers later is not told of a holder long gone. (A killed writer
    /// leaves its note; the next writer replaces it.)
    fn drop(&mut self) {
        if let (Mode::Exclusive, Some(f)) = (self.mode, &self.file) {
            let _ = f.set_len(0);
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
        if let Ok(m) = std::fs::symlink_metadata(&path) {
            if !m.file_type().is_file() {
                return Err(super::fsutil::not_regular(&path, &m));
            }
        }
        let mut opts = OpenOptions::new();
        opts.read(true).write(true).create(true).truncate(false);
        // The holder note is a command line, which can carry names and
        // phone numbers: owner only, like every other file here.
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
        super::fsutil::no_follow(&mut opts);
        let file = match opts.open(&path) {
            Ok(f) => f,
            Err(e) if read_only(&e) => {
                if mode == Mode::Exclusive {
                    return Err(StoreError::Missing(format!(
                        "the data directory {} is read-only ({e}): this command changes data and cannot run here; make the directory writable, or run it on a writable copy",
                        dir.display()
                    )));
                }
                // A reader on a read-only directory: a shared lock on the
                // file if it is there, else no lock at all (nobody can be
                // writing where nobody can write).
                match super::fsutil::no_follow(OpenOptions::new().read(true)).open(&path) {
                    Ok(f) => f,
                    Err(_) => {
                        eprintln!(
                            "clubctl: note: {} is read-only and has no lock file; reading without a lock",
                            dir.display()
                        );
                        return Ok(DirLock { file: None, mode });
                    }
                }
            }
            Err(e) => return Err(super::fsutil::open_error(&path, e)),
        };
        let mut file = Some(file);
        let f = file.as_mut().map(|f| f as &mut File);
        let Some(f) = f else {
            return Ok(DirLock { file: None, mode });
        };
        let start = Instant::now();
        loop {
            if try_take(f, mode).map_err(io_err("locking", &path))? {
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
            f.set_len(0)
                .and_then(|_| f.seek(SeekFrom::Start(0)))
                .and_then(|_| f.write_all(note.as_bytes()))
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
