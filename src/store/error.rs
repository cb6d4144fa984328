//! What can go wrong with the data directory, each with the file (and line)
//! at fault and what to do about it.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The directory, or a file it must hold, is not there.
    #[error("{0}")]
    Missing(String),
    /// A file does not parse: the message names file and line.
    #[error("{path}:{line}: {msg}")]
    Corrupt {
        path: PathBuf,
        line: u64,
        msg: String,
    },
    /// The last line of a journal was cut short by a crash.
    #[error("{path}:{line}: the last line is torn (cut short by a crash while it was written); it is not counted. Run `clubctl data repair` to move it aside")]
    Torn { path: PathBuf, line: u64 },
    /// Data written by a newer clubctl.
    #[error("{}", newer_msg(file, *found, *supported))]
    Newer {
        file: String,
        found: u32,
        supported: u32,
    },
    /// Another writer holds the lock past the wait limit.
    #[error("the data directory {dir} is busy: {holder} holds the lock; waited {waited}s (raise --wait, or try again when it is done)")]
    Busy {
        dir: PathBuf,
        holder: String,
        waited: u64,
    },
    #[error("{what} {path}: {source}")]
    Io {
        what: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

pub type Result<T> = std::result::Result<T, StoreError>;

/// Wraps an `io::Error` with the verb and the path it happened on.
pub(crate) fn io_err(
    what: &'static str,
    path: &std::path::Path,
) -> impl FnOnce(std::io::Error) -> StoreError {
    let path = path.to_path_buf();
    move |source| StoreError::Io { what, path, source }
}

fn newer_msg(file: &str, found: u32, supported: u32) -> String {
    if supported == 0 {
        format!("the manifest lists {file} (format version {found}), a file this clubctl does not know: the data was written by a newer clubctl; use that one")
    } else {
        format!("{file} has data format version {found}, but this clubctl reads up to version {supported}: the data was written by a newer clubctl; use that one")
    }
}
