//! The one place files are replaced or appended to. A replacement is a temp
//! file in the same directory, synced, renamed over the old one, and the
//! directory synced (tempfile's `persist` syncs neither, so we do both).

use super::error::{io_err, Result};
use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// Files hold personal data: readable by their owner only.
#[cfg(unix)]
fn private(opts: &mut OpenOptions) -> &mut OpenOptions {
    use std::os::unix::fs::OpenOptionsExt;
    opts.mode(0o600)
}

#[cfg(not(unix))]
fn private(opts: &mut OpenOptions) -> &mut OpenOptions {
    opts
}

/// Never follows a symbolic link at the last component: a link planted in
/// the data directory must not make clubctl read or write its target.
#[cfg(unix)]
pub(crate) fn no_follow(opts: &mut OpenOptions) -> &mut OpenOptions {
    use std::os::unix::fs::OpenOptionsExt;
    opts.custom_flags(libc::O_NOFOLLOW)
}

#[cfg(not(unix))]
pub(crate) fn no_follow(opts: &mut OpenOptions) -> &mut OpenOptions {
    opts
}

/// Opens a data file for reading: not through a symbolic link, and only
/// when it is a regular file. `Ok(None)` when it does not exist.
pub fn open_read(path: &Path) -> Result<Option<File>> {
    match std::fs::symlink_metadata(path) {
        Ok(m) => {
            if !m.file_type().is_file() {
                return Err(not_regular(path, &m));
            }
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(io_err("reading", path)(e)),
    }
    let f = no_follow(OpenOptions::new().read(true))
        .open(path)
        .map_err(|e| open_error(path, e))?;
    Ok(Some(f))
}

/// The refusal for a data file that is a link, a directory or a device.
pub fn not_regular(path: &Path, m: &std::fs::Metadata) -> super::StoreError {
    let what = if m.file_type().is_symlink() {
        "a symbolic link"
    } else if m.is_dir() {
        "a directory"
    } else {
        "not a regular file"
    };
    super::StoreError::Missing(format!(
        "{} is {what}; clubctl reads and writes only regular files in its data directory. Replace it with the file itself (restore it from a backup), then run `clubctl data check`",
        path.display()
    ))
}

/// An open that failed because the path is a link (ELOOP) is a refusal of
/// the data, not an I/O failure.
pub(crate) fn open_error(path: &Path, e: std::io::Error) -> super::StoreError {
    #[cfg(unix)]
    if e.raw_os_error() == Some(libc::ELOOP) {
        return super::StoreError::Missing(format!(
            "{} is a symbolic link; clubctl reads and writes only regular files in its data directory. Replace it with the file itself, then run `clubctl data check`",
            path.display()
        ));
    }
    io_err("opening", path)(e)
}

/// Reads a whole data file (see `open_read`); empty when it does not exist.
pub fn read_or_empty(path: &Path) -> Result<Vec<u8>> {
    let Some(mut f) = open_read(path)? else {
        return Ok(Vec::new());
    };
    let mut bytes = Vec::new();
    f.read_to_end(&mut bytes).map_err(io_err("reading", path))?;
    Ok(bytes)
}

/// Creates a directory (and its missing parents) readable by its owner
/// only, like the files in it.
pub fn create_dir_private(dir: &Path) -> Result<()> {
    let mut b = std::fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut b, 0o700);
    b.create(dir).map_err(io_err("creating", dir))
}

pub fn sync_dir(dir: &Path) -> Result<()> {
    #[cfg(unix)]
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(io_err("syncing directory", dir))?;
    let _ = dir;
    Ok(())
}

/// Writes `bytes` to a synced temp file beside `path` and returns its path;
/// renaming it into place is the caller's commit step.
pub fn write_temp(path: &Path, bytes: &[u8]) -> Result<PathBuf> {
    write_temp_in(path.parent().unwrap_or(Path::new(".")), bytes)
}

/// A synced temp file in `dir` holding `bytes`, to be renamed into place.
pub fn write_temp_in(dir: &Path, bytes: &[u8]) -> Result<PathBuf> {
    let mut tmp = tempfile::Builder::new()
        .prefix(".clubctl-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(io_err("creating a temp file in", dir))?;
    tmp.write_all(bytes)
        .and_then(|_| tmp.as_file().sync_all())
        .map_err(io_err("writing", tmp.path()))?;
    let (_file, kept) = tmp.keep().map_err(|e| super::StoreError::Io {
        what: "keeping temp file",
        path: e.file.path().to_path_buf(),
        source: e.error,
    })?;
    Ok(kept)
}

pub fn rename(from: &Path, to: &Path) -> Result<()> {
    std::fs::rename(from, to).map_err(io_err("renaming into place", to))
}

/// Replaces `path` with `bytes` atomically: readers see the old file or the
/// new one, never half of either.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let tmp = write_temp(path, bytes)?;
    rename(&tmp, path)?;
    sync_dir(path.parent().unwrap_or(Path::new(".")))
}

/// Creates a new file (refusing to overwrite) readable by its owner only.
pub fn create_new(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut f = private(OpenOptions::new().write(true).create_new(true))
        .open(path)
        .map_err(io_err("creating", path))?;
    f.write_all(bytes)
        .and_then(|_| f.sync_all())
        .map_err(io_err("writing", path))
}

/// Appends `bytes` (whole lines) to a journal with one write and an fsync.
/// The journal is first cut back to `len_before`, which makes the step safe
/// to repeat when recovery replays a transaction.
pub fn append_at(path: &Path, len_before: u64, bytes: &[u8]) -> Result<()> {
    let mut f = no_follow(private(
        OpenOptions::new().read(true).write(true).create(true),
    ))
    .open(path)
    .map_err(|e| open_error(path, e))?;
    f.set_len(len_before)
        .and_then(|_| f.seek(SeekFrom::Start(len_before)))
        .and_then(|_| f.write_all(bytes))
        .and_then(|_| f.sync_all())
        .map_err(io_err("appending to", path))
}

/// Writes `parts` one after another at `len_before` (cutting the file back
/// there first), syncing the file when `sync` is set. The journal bytes of a transaction are written
/// this way, once, straight from memory.
pub fn append_parts(path: &Path, len_before: u64, parts: &[&[u8]], sync: bool) -> Result<()> {
    let mut f = no_follow(private(
        OpenOptions::new().read(true).write(true).create(true),
    ))
    .open(path)
    .map_err(|e| open_error(path, e))?;
    f.set_len(len_before)
        .and_then(|_| f.seek(SeekFrom::Start(len_before)))
        .map_err(io_err("appending to", path))?;
    for p in parts {
        f.write_all(p).map_err(io_err("appending to", path))?;
    }
    if sync {
        f.sync_all().map_err(io_err("syncing", path))?;
    }
    Ok(())
}

/// Cuts a file back to `len` bytes, durably.
pub fn truncate(path: &Path, len: u64) -> Result<()> {
    let f = no_follow(OpenOptions::new().write(true))
        .open(path)
        .map_err(|e| open_error(path, e))?;
    f.set_len(len)
        .and_then(|_| f.sync_all())
        .map_err(io_err("truncating", path))
}

/// The size of a file, 0 when it does not exist.
pub fn len(path: &Path) -> Result<u64> {
    match std::fs::symlink_metadata(path) {
        Ok(m) if !m.file_type().is_file() => Err(not_regular(path, &m)),
        Ok(m) => Ok(m.len()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(0),
        Err(e) => Err(io_err("reading size of", path)(e)),
    }
}

/// The last byte of a file, if it has one.
pub fn last_byte(path: &Path) -> Result<Option<u8>> {
    let Some(mut f) = open_read(path)? else {
        return Ok(None);
    };
    let len = f.metadata().map_err(io_err("reading", path))?.len();
    if len == 0 {
        return Ok(None);
    }
    let mut b = [0u8; 1];
    f.seek(SeekFrom::Start(len - 1))
        .and_then(|_| f.read_exact(&mut b))
        .map_err(io_err("reading", path))?;
    Ok(Some(b[0]))
}

/// Reads a whole data file that must exist (see `open_read`).
pub fn read(path: &Path) -> Result<Vec<u8>> {
    match open_read(path)? {
        Some(_) => read_or_empty(path),
        None => Err(io_err("reading", path)(std::io::Error::from(
            std::io::ErrorKind::NotFound,
        ))),
    }
}
