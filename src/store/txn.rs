//! All-or-nothing changes across several files. A transaction is prepared
//! (new tables written to synced temp files), then committed by one atomic
//! step: the intent file `txn.pending` appears, naming every journal append
//! and every rename. Applying it is repeatable, so a process killed halfway
//! leaves work that the next open finishes; a process killed before the
//! intent file exists leaves only temp files, which the next open discards.

use super::codec::{encode, encode_rows, Record};
use super::error::{Result, StoreError};
use super::fsutil;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

pub const PENDING: &str = "txn.pending";

/// Appends to more files than this are synced together, from several threads.
const BATCH_SYNC: usize = 8;

/// The changes one command makes, built in memory; nothing is written until
/// `Store::commit`.
#[derive(Debug, Default)]
pub struct Txn {
    pub(super) tables: Vec<(&'static str, Vec<u8>)>,
    pub(super) appends: Vec<(String, Vec<u8>)>,
    pub(super) extra: Vec<(String, Vec<u8>)>,
}

impl Txn {
    pub fn new() -> Txn {
        Txn::default()
    }

    /// Replaces a whole table, sorted by key so a diff shows only changes.
    pub fn put_table<T: Record>(&mut self, rows: &mut [T]) {
        rows.sort_by(|a, b| a.key().cmp(b.key()));
        let bytes = encode(rows);
        self.tables.retain(|(f, _)| *f != T::FILE);
        self.tables.push((T::FILE, bytes));
    }

    /// Replaces a whole table with bytes made by `Store::splice` (sorted,
    /// with its header).
    pub fn put_table_bytes<T: Record>(&mut self, bytes: Vec<u8>) {
        self.tables.retain(|(f, _)| *f != T::FILE);
        self.tables.push((T::FILE, bytes));
    }

    /// Appends lines to a journal.
    pub fn append<T: Record>(&mut self, rows: &[T]) {
        if rows.is_empty() {
            return;
        }
        let bytes = encode_rows(rows, false);
        match self.appends.iter_mut().find(|(f, _)| *f == T::FILE) {
            Some((_, b)) => b.extend_from_slice(&bytes),
            None => self.appends.push((T::FILE.to_string(), bytes)),
        }
    }

    /// Appends raw lines to a file that is not a registered journal (an
    /// index kept beside the journals, possibly in a subdirectory of the
    /// data directory, which is created when missing).
    pub fn append_lines(&mut self, file: &str, bytes: &[u8]) {
        if bytes.is_empty() {
            return;
        }
        match self.appends.iter_mut().find(|(f, _)| f == file) {
            Some((_, b)) => b.extend_from_slice(bytes),
            None => self.appends.push((file.to_string(), bytes.to_vec())),
        }
    }

    /// Replaces a file that is not a table (the manifest).
    pub(super) fn put_file(&mut self, name: &str, bytes: Vec<u8>) {
        self.extra.retain(|(f, _)| f != name);
        self.extra.push((name.to_string(), bytes));
    }

    pub fn is_empty(&self) -> bool {
        self.tables.is_empty() && self.appends.is_empty() && self.extra.is_empty()
    }

    /// The files this transaction would change, for a dry run's report.
    pub fn files(&self) -> Vec<String> {
        let mut v: Vec<String> = self.tables.iter().map(|(f, _)| f.to_string()).collect();
        v.extend(self.appends.iter().map(|(f, _)| f.to_string()));
        v.extend(self.extra.iter().map(|(f, _)| f.clone()));
        v
    }
}

#[derive(Debug, Serialize, Deserialize)]
struct Intent {
    appends: Vec<Append>,
    renames: Vec<Rename>,
}

#[derive(Debug, Serialize, Deserialize)]
struct Append {
    file: String,
    len_before: u64,
    data: String,
}

#[derive(Debug, Serialize, Deserialize)]
struct Rename {
    from: String,
    to: String,
}

/// Writes the transaction; returns when every change is durable.
pub fn commit(dir: &Path, txn: Txn) -> Result<()> {
    // Check every journal first: appending after a torn line would glue
    // two records together.
    let mut appends = Vec::new();
    for (file, bytes) in txn.appends {
        let path = dir.join(&file);
        ensure_parent(dir, &path)?;
        if !matches!(fsutil::last_byte(&path)?, None | Some(b'\n')) {
            let line = count_lines(&path)?;
            return Err(StoreError::Torn { path, line });
        }
        let len_before = fsutil::len(&path)?;
        let mut data = String::from_utf8(bytes).unwrap_or_default();
        if len_before == 0 {
            data = header_for(&file) + &data;
        }
        appends.push(Append {
            file,
            len_before,
            data,
        });
    }
    let mut renames = Vec::new();
    let mut temps: Vec<PathBuf> = Vec::new();
    let staged: Vec<(String, Vec<u8>)> = txn
        .tables
        .into_iter()
        .map(|(f, b)| (f.to_string(), b))
        .chain(txn.extra)
        .collect();
    for (file, bytes) in staged {
        let target = dir.join(&file);
        match fsutil::write_temp(&target, &bytes) {
            Ok(tmp) => {
                renames.push(Rename {
                    from: name_of(&tmp),
                    to: file,
                });
                temps.push(tmp);
            }
            Err(e) => {
                for t in temps {
                    let _ = std::fs::remove_file(t);
                }
                return Err(e);
            }
        }
    }
    let intent = Intent { appends, renames };
    let text = serde_json::to_vec(&intent).unwrap_or_default();
    if let Err(e) = fsutil::write_atomic(&dir.join(PENDING), &text) {
        for t in temps {
            let _ = std::fs::remove_file(t);
        }
        return Err(e);
    }
    apply(dir, &intent)
}

/// Creates the subdirectory an appended file lives in, durably, so that
/// applying (or replaying) the intent only has to create files.
fn ensure_parent(dir: &Path, path: &Path) -> Result<()> {
    if let Some(parent) = path.parent().filter(|p| *p != dir && !p.is_dir()) {
        std::fs::create_dir_all(parent).map_err(super::error::io_err("creating", parent))?;
        fsutil::sync_dir(parent)?;
        fsutil::sync_dir(dir)?;
    }
    Ok(())
}

fn name_of(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn count_lines(path: &Path) -> Result<u64> {
    let bytes = fsutil::read(path)?;
    Ok(bytes.iter().filter(|&&b| b == b'\n').count() as u64 + 1)
}

fn header_for(file: &str) -> String {
    let bytes = super::records::spec_of(file).map_or_else(Vec::new, |f| (f.header)());
    String::from_utf8(bytes).unwrap_or_default()
}

/// Carries out an intent; safe to repeat after a crash at any point.
fn apply(dir: &Path, intent: &Intent) -> Result<()> {
    // Beyond a handful of files (an import touching many index buckets),
    // one filesystem sync is far cheaper than an fsync per file.
    let batch = intent.appends.len() > BATCH_SYNC;
    for a in &intent.appends {
        let path = dir.join(&a.file);
        ensure_parent(dir, &path)?;
        if batch {
            fsutil::append_at_unsynced(&path, a.len_before, a.data.as_bytes())?;
            continue;
        }
        fsutil::append_at(&path, a.len_before, a.data.as_bytes())?;
        // A file created in a subdirectory is durable once that is synced.
        if let Some(parent) = path.parent().filter(|p| *p != dir && a.len_before == 0) {
            fsutil::sync_dir(parent)?;
        }
    }
    if batch {
        let paths: Vec<PathBuf> = intent.appends.iter().map(|a| dir.join(&a.file)).collect();
        fsutil::sync_all(&paths)?;
        let mut parents: Vec<&Path> = paths.iter().filter_map(|p| p.parent()).collect();
        parents.sort();
        parents.dedup();
        for p in parents {
            fsutil::sync_dir(p)?;
        }
    }
    for r in &intent.renames {
        let from = dir.join(&r.from);
        if from.exists() {
            fsutil::rename(&from, &dir.join(&r.to))?;
        }
    }
    fsutil::sync_dir(dir)?;
    let pending = dir.join(PENDING);
    std::fs::remove_file(&pending).map_err(super::error::io_err("removing", &pending))?;
    fsutil::sync_dir(dir)
}

/// Whether a crashed writer left work behind.
pub fn needs_recovery(dir: &Path) -> bool {
    dir.join(PENDING).exists() || stray_temps(dir).next().is_some()
}

fn stray_temps(dir: &Path) -> impl Iterator<Item = PathBuf> {
    std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            let n = name_of(p);
            n.starts_with(".clubctl-") && n.ends_with(".tmp")
        })
}

/// Finishes a committed transaction, or discards an uncommitted one. Must
/// run under the exclusive lock.
pub fn recover(dir: &Path) -> Result<bool> {
    let pending = dir.join(PENDING);
    let mut did = false;
    if pending.exists() {
        let bytes = fsutil::read(&pending)?;
        let intent: Intent = serde_json::from_slice(&bytes).map_err(|e| StoreError::Corrupt {
            path: pending.clone(),
            line: e.line() as u64,
            msg: format!("the pending transaction cannot be read: {e}"),
        })?;
        apply(dir, &intent)?;
        did = true;
    }
    for tmp in stray_temps(dir).collect::<Vec<_>>() {
        std::fs::remove_file(&tmp).map_err(super::error::io_err("removing", &tmp))?;
        did = true;
    }
    Ok(did)
}
