//! Files a command writes outside the data directory (a chart, an export):
//! never inside the data directory, where they could replace a table;
//! never over an existing file unless asked; readable by their owner only,
//! like the data they come from.

use std::io::Write;
use std::path::{Path, PathBuf};

/// Why an output file was not written: the path is wrong (a usage error)
/// or writing failed.
#[derive(Debug)]
pub enum OutputError {
    Refused(String),
    Io(String),
}

/// The directory a path would be created in, made absolute with links
/// resolved, so that `data/../data/x` and a link to the data directory are
/// seen for what they are.
fn real_parent(path: &Path) -> Result<PathBuf, OutputError> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    dir.canonicalize().map_err(|e| {
        OutputError::Io(format!(
            "could not write {}: the directory {} cannot be used ({e}); create it or choose another path",
            path.display(),
            dir.display()
        ))
    })
}

/// Whether `path` names a place inside the data directory `data`.
pub fn inside(data: &Path, path: &Path) -> bool {
    let Ok(data) = data.canonicalize() else {
        return false;
    };
    match real_parent(path) {
        Ok(parent) => parent.starts_with(&data),
        Err(_) => false,
    }
}

/// Writes `bytes` to `path` through a private temporary file beside it and
/// a rename, so no reader sees half of it. Without `force` an existing file
/// (or link) at `path` is refused and left alone.
pub fn write(data: &Path, path: &Path, bytes: &[u8], force: bool) -> Result<(), OutputError> {
    if inside(data, path) {
        return Err(OutputError::Refused(format!(
            "{} is inside the data directory {}; clubctl writes its output files elsewhere, so a table is never replaced: choose a path outside it",
            path.display(),
            data.display()
        )));
    }
    let dir = real_parent(path)?;
    let exists = std::fs::symlink_metadata(path).is_ok();
    if exists && !force {
        return Err(OutputError::Refused(format!(
            "{} already exists; choose another path, or add --force to replace it",
            path.display()
        )));
    }
    let io = |e: std::io::Error| {
        OutputError::Io(format!(
            "could not write {}: {e}; choose a path in an existing, writable directory",
            path.display()
        ))
    };
    // tempfile creates its files 0600.
    let mut tmp = tempfile::Builder::new()
        .prefix(".clubctl-out")
        .suffix(".tmp")
        .tempfile_in(&dir)
        .map_err(io)?;
    tmp.write_all(bytes).map_err(io)?;
    tmp.as_file().sync_all().map_err(io)?;
    if force {
        tmp.persist(path).map_err(|e| io(e.error))?;
    } else {
        // Refuses, rather than replaces, a file made meanwhile.
        tmp.persist_noclobber(path).map_err(|e| io(e.error))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_into_the_data_directory_are_seen_however_written() {
        let tmp = tempfile::tempdir().unwrap();
        let data = tmp.path().join("data");
        std::fs::create_dir(&data).unwrap();
        std::fs::create_dir(data.join("closings")).unwrap();
        assert!(inside(&data, &data.join("members.csv")));
        assert!(inside(&data, &data.join("closings/x.svg")));
        assert!(inside(&data, &tmp.path().join("data/../data/x.svg")));
        assert!(!inside(&data, &tmp.path().join("x.svg")));
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(&data, tmp.path().join("link")).unwrap();
            assert!(inside(&data, &tmp.path().join("link/members.csv")));
        }
    }

    #[test]
    fn an_existing_file_is_kept_without_force_and_new_ones_are_private() {
        let tmp = tempfile::tempdir().unwrap();
        let data = tmp.path().join("data");
        std::fs::create_dir(&data).unwrap();
        let out = tmp.path().join("chart.svg");
        write(&data, &out, b"one", false).unwrap();
        assert!(matches!(
            write(&data, &out, b"two", false),
            Err(OutputError::Refused(_))
        ));
        assert_eq!(std::fs::read(&out).unwrap(), b"one");
        write(&data, &out, b"two", true).unwrap();
        assert_eq!(std::fs::read(&out).unwrap(), b"two");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&out).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
