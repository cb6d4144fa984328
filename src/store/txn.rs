//! All-or-nothing changes across several files, writing every byte once.
//!
//! A transaction changes tables (rewritten whole) and journals (appended
//! to). It is committed in five steps:
//!
//! 1. Stage: every new table is written to a synced temp file beside the
//!    table (`.clubctl-XXXX.tmp`).
//! 2. Prepare: a small plan, `txn.prepared`, is written atomically (temp
//!    file, fsync, rename, directory fsync). It names every temp file and
//!    its target, and for every journal its length before the transaction
//!    (or that it did not exist) and its length after.
//! 3. Append: the journal bytes are appended to the journals themselves,
//!    once, and synced (many files from a few threads at once), with the
//!    directories of any file created.
//! 4. Commit: `txn.prepared` is renamed to `txn.pending` and the directory
//!    synced. This rename is the commit point.
//! 5. Apply: the temp files are renamed over their tables, the directory
//!    synced, `txn.pending` removed and the directory synced again.
//!
//! Recovery, on the next open under the exclusive lock:
//!
//! - `txn.pending` (committed): the renames whose temp file still exists
//!   are done again (a rename already done left no temp file), then the
//!   record is removed. The journals are already complete and durable;
//!   one shorter than the plan says is reported as corrupt, never guessed.
//! - `txn.prepared` only (not committed): each journal is cut back to its
//!   length before the transaction (a journal the transaction created is
//!   removed), which also removes a torn half-appended line; the temp files
//!   are deleted, then the record. Nothing the transaction did remains.
//! - neither: temp files of a transaction killed while staging are deleted.
//!
//! So a process killed before step 4 leaves nothing done, and one killed at
//! or after step 4 leaves everything done, at whichever byte it stopped.
//! Recovery itself can be killed and run again. A journal whose last line
//! is torn for another reason (a file edited by hand, an older writer) is
//! still found by `data check` and moved aside by `data repair`; nothing is
//! ever appended after it. A `txn.pending` written by an older version
//! (holding the appended bytes themselves) is still finished on open.

use super::codec::{encode_rows, Record};
use super::error::{Result, StoreError};
use super::fsutil;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The plan of a committed transaction (renamed from `PREPARED`).
pub const PENDING: &str = "txn.pending";
/// The plan of a transaction whose journals may be partly appended.
pub const PREPARED: &str = "txn.prepared";

/// Appends to more files than this are written and synced from several
/// threads at once.
const BATCH_SYNC: usize = 8;
const APPEND_THREADS: usize = 16;

/// The changes one command makes, built in memory; nothing is written until
/// `Store::commit`.
#[derive(Debug, Default)]
pub struct Txn {
    /// Whole files to replace, by their path in the data directory: a table
    /// or one shard of a sharded table.
    pub(super) tables: Vec<(String, Vec<u8>)>,
    /// Sharded tables replaced whole: their shards not in `tables` are
    /// emptied at commit, when the store sees which shards exist.
    pub(super) whole: Vec<&'static str>,
    /// Settled by `Store::prepare`: nothing left to fill in or skip.
    pub(super) prepared: bool,
    /// A rebuild: the lengths of all derived files are recorded anew.
    pub(super) relength: bool,
    pub(super) appends: Vec<(String, Vec<u8>)>,
    pub(super) extra: Vec<(String, Vec<u8>)>,
}

impl Txn {
    pub fn new() -> Txn {
        Txn::default()
    }

    /// Replaces a whole table, sorted by key so a diff shows only changes.
    pub fn put_table<T: Record>(&mut self, rows: &mut [T]) {
        self.put_table_with(rows, super::codec::encode_refs);
    }

    /// Like `put_table`, with the bytes of each file (a header, then the
    /// rows in key order) made by `encode`: a faster encoder for a table a
    /// large import rewrites whole.
    pub fn put_table_with<T: Record>(&mut self, rows: &mut [T], encode: impl Fn(&[&T]) -> Vec<u8>) {
        self.drop_table::<T>();
        self.prepared = false;
        for (file, bytes) in super::index::build_all(rows) {
            self.put_file_bytes(&file, bytes);
        }
        match T::SHARDS {
            Some(dir) => {
                for (file, at) in super::shard::group(rows) {
                    let part: Vec<&T> = at.iter().map(|&i| &rows[i]).collect();
                    self.tables.push((file, encode(&part)));
                }
                self.whole.push(dir);
            }
            None => {
                rows.sort_by(|a, b| super::codec::key_order(a.key(), b.key()));
                let part: Vec<&T> = rows.iter().collect();
                self.tables.push((T::FILE.to_string(), encode(&part)));
            }
        }
    }

    /// Forgets what this transaction would write to a table.
    fn drop_table<T: Record>(&mut self) {
        let dir = super::shard::dir_of::<T>();
        self.tables.retain(|(f, _)| {
            f != T::FILE && !f.strip_prefix(dir).is_some_and(|r| r.starts_with('/'))
        });
        self.whole.retain(|d| *d != dir);
    }

    /// Replaces one table file or shard with bytes made by the store
    /// (sorted, with their header).
    pub(super) fn put_file_bytes(&mut self, file: &str, bytes: Vec<u8>) {
        self.prepared = false;
        self.tables.retain(|(f, _)| f != file);
        self.tables.push((file.to_string(), bytes));
    }

    /// Appends lines to a journal; to a journal kept in shards, each line
    /// to the shard of its key, in the order given.
    pub fn append<T: Record>(&mut self, rows: &[T]) {
        if rows.is_empty() {
            return;
        }
        if T::SHARDS.is_none() {
            self.append_owned(T::FILE, encode_rows(rows, false));
            return;
        }
        for (file, part) in super::shard::lines_by_shard(rows) {
            self.append_owned(&file, super::codec::encode_lines(&part));
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

    /// Like `append_lines`, taking the bytes without copying them when the
    /// file has none yet (a large import's journal lines).
    pub fn append_owned(&mut self, file: &str, bytes: Vec<u8>) {
        if bytes.is_empty() {
            return;
        }
        match self.appends.iter_mut().find(|(f, _)| f == file) {
            Some((_, b)) => b.extend_from_slice(&bytes),
            None => self.appends.push((file.to_string(), bytes)),
        }
    }

    /// Marks a rebuild of the derived files: at commit their lengths are
    /// recorded anew from what is there, not checked against the record.
    pub fn rebuild(&mut self) {
        self.relength = true;
        self.prepared = false;
    }

    /// Replaces a file that is not a table (the manifest).
    pub(crate) fn put_file(&mut self, name: &str, bytes: Vec<u8>) {
        self.extra.retain(|(f, _)| f != name);
        self.extra.push((name.to_string(), bytes));
    }

    pub fn is_empty(&self) -> bool {
        self.tables.is_empty() && self.appends.is_empty() && self.extra.is_empty()
    }

    /// The files this transaction would change, for a dry run's report.
    pub fn files(&self) -> Vec<String> {
        let mut v: Vec<String> = self.tables.iter().map(|(f, _)| f.clone()).collect();
        v.extend(self.appends.iter().map(|(f, _)| f.to_string()));
        v.extend(self.extra.iter().map(|(f, _)| f.clone()));
        v
    }
}

/// The plan of a transaction, written before its journals are touched.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Plan {
    #[serde(default)]
    journals: Vec<Journal>,
    #[serde(default)]
    renames: Vec<Rename>,
    /// Only in a record left by an older version: appends with their bytes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    appends: Vec<LegacyAppend>,
}

/// One journal's part: where it ended before, where it ends after.
#[derive(Debug, Serialize, Deserialize)]
struct Journal {
    file: String,
    len_before: u64,
    len_after: u64,
    /// The journal did not exist: undoing the transaction removes it.
    created: bool,
}

#[derive(Debug, Serialize, Deserialize)]
struct LegacyAppend {
    file: String,
    len_before: u64,
    data: String,
}

#[derive(Debug, Serialize, Deserialize)]
struct Rename {
    from: String,
    to: String,
}

/// A prepared transaction: the plan on disk and the bytes to append.
struct Staged {
    plan: Plan,
    /// Per journal of the plan: a header (for a new or empty journal), then
    /// the lines.
    data: Vec<(Vec<u8>, Vec<u8>)>,
}

/// Writes the transaction; returns when every change is durable.
pub fn commit(dir: &Path, txn: Txn) -> Result<()> {
    // A record left by an earlier commit of this process that failed
    // halfway (an fsync error) is dealt with first, never overwritten.
    if dir.join(PENDING).exists() || dir.join(PREPARED).exists() {
        recover(dir)?;
    }
    let staged = stage(dir, txn)?;
    if let Err(e) = append_all(dir, &staged) {
        // Undo now rather than leave it to the next open; if that fails
        // too, the plan stays for the next open to undo.
        let _ = roll_back(dir, &staged.plan);
        return Err(e);
    }
    if let Err(e) = fsutil::rename(&dir.join(PREPARED), &dir.join(PENDING)) {
        let _ = roll_back(dir, &staged.plan);
        return Err(e);
    }
    // From here on the transaction has happened (the next open finishes it
    // if this process does not).
    fsutil::sync_dir(dir)?;
    roll_forward(dir, &staged.plan)
}

/// Steps 1 and 2: checks the journals, stages the tables, writes the plan.
fn stage(dir: &Path, txn: Txn) -> Result<Staged> {
    // Check every journal first: appending after a torn line would glue
    // two records together.
    let mut journals = Vec::new();
    let mut data = Vec::new();
    for (file, bytes) in txn.appends {
        let path = dir.join(&file);
        ensure_parent(dir, &path)?;
        if !matches!(fsutil::last_byte(&path)?, None | Some(b'\n')) {
            let line = count_lines(&path)?;
            return Err(StoreError::Torn { path, line });
        }
        let created = !path.exists();
        let len_before = fsutil::len(&path)?;
        let head = if len_before == 0 {
            header_for(&file)
        } else {
            Vec::new()
        };
        journals.push(Journal {
            len_after: len_after(dir, &file, &bytes)?,
            file,
            len_before,
            created,
        });
        data.push((head, bytes));
    }
    let mut renames = Vec::new();
    let staged: Vec<(String, Vec<u8>)> = txn.tables.into_iter().chain(txn.extra).collect();
    let discard = |renames: &[Rename]| {
        for r in renames {
            let _ = std::fs::remove_file(dir.join(&r.from));
        }
    };
    for (file, bytes) in staged {
        // Every temp file is staged in the data directory itself (a shard
        // is renamed from there into its table's directory), so recovery
        // finds a stray one by listing a single directory.
        let target = dir.join(&file);
        let made = ensure_parent(dir, &target).and_then(|()| fsutil::write_temp_in(dir, &bytes));
        match made {
            Ok(tmp) => renames.push(Rename {
                from: name_of(&tmp),
                to: file,
            }),
            Err(e) => {
                discard(&renames);
                return Err(e);
            }
        }
    }
    let plan = Plan {
        journals,
        renames,
        appends: Vec::new(),
    };
    let text = serde_json::to_vec(&plan).unwrap_or_default();
    if let Err(e) = fsutil::write_atomic(&dir.join(PREPARED), &text) {
        discard(&plan.renames);
        return Err(e);
    }
    Ok(Staged { plan, data })
}

/// Step 3: the journal bytes appended once, synced with the directories of
/// files created.
fn append_all(dir: &Path, staged: &Staged) -> Result<()> {
    type Work<'a> = (&'a Journal, &'a (Vec<u8>, Vec<u8>));
    let work: Vec<Work> = staged.plan.journals.iter().zip(&staged.data).collect();
    let append = |(j, (head, lines)): &Work| {
        fsutil::append_parts(&dir.join(&j.file), j.len_before, &[head, lines], true)
    };
    if work.len() <= BATCH_SYNC {
        work.iter().try_for_each(append)?;
    } else {
        // An import touching many index buckets: the files are written and
        // synced from several threads, so the filesystem folds their syncs
        // into shared journal commits instead of one after another.
        let chunk = work.len().div_ceil(APPEND_THREADS);
        std::thread::scope(|s| {
            let handles: Vec<_> = work
                .chunks(chunk)
                .map(|part| s.spawn(move || part.iter().try_for_each(append)))
                .collect();
            handles.into_iter().try_for_each(|h| {
                h.join().unwrap_or_else(|_| {
                    Err(StoreError::Missing(
                        "a thread appending to the journals failed".into(),
                    ))
                })
            })
        })?;
    }
    let mut parents: Vec<PathBuf> = staged
        .plan
        .journals
        .iter()
        .filter(|j| j.created)
        .filter_map(|j| dir.join(&j.file).parent().map(Path::to_path_buf))
        .collect();
    parents.sort();
    parents.dedup();
    for p in parents {
        fsutil::sync_dir(&p)?;
    }
    Ok(())
}

/// Step 5, also recovery of a committed transaction; safe to repeat.
fn roll_forward(dir: &Path, plan: &Plan) -> Result<()> {
    for j in &plan.journals {
        let path = dir.join(&j.file);
        if fsutil::len(&path)? < j.len_after {
            return Err(StoreError::Corrupt {
                path: dir.join(PENDING),
                line: 1,
                msg: format!(
                    "a committed transaction appended {} to {} bytes, but it has {}; restore {} from a backup",
                    j.file,
                    j.len_after,
                    fsutil::len(&path)?,
                    j.file
                ),
            });
        }
    }
    rename_tables(dir, plan)
}

/// Renames each staged table still waiting into place (a rename already
/// done left no temp file), then retires the commit record.
fn rename_tables(dir: &Path, plan: &Plan) -> Result<()> {
    let mut parents: Vec<PathBuf> = Vec::new();
    for r in &plan.renames {
        let from = dir.join(&r.from);
        let to = dir.join(&r.to);
        if from.exists() {
            fsutil::rename(&from, &to)?;
        }
        if let Some(p) = to.parent().filter(|p| *p != dir) {
            parents.push(p.to_path_buf());
        }
    }
    parents.sort();
    parents.dedup();
    for p in parents {
        fsutil::sync_dir(&p)?;
    }
    fsutil::sync_dir(dir)?;
    remove(dir, PENDING)
}

/// Undoes a prepared transaction that never reached its commit point;
/// safe to repeat.
fn roll_back(dir: &Path, plan: &Plan) -> Result<()> {
    let mut parents: Vec<PathBuf> = Vec::new();
    for j in &plan.journals {
        let path = dir.join(&j.file);
        let len = fsutil::len(&path)?;
        if j.created {
            if path.exists() {
                std::fs::remove_file(&path).map_err(super::error::io_err("removing", &path))?;
                if let Some(p) = path.parent() {
                    parents.push(p.to_path_buf());
                }
            }
        } else if len > j.len_before {
            fsutil::truncate(&path, j.len_before)?;
        } else if len < j.len_before {
            return Err(StoreError::Corrupt {
                path: dir.join(PREPARED),
                line: 1,
                msg: format!(
                    "{} had {} bytes before an unfinished transaction, but has {}; restore it from a backup",
                    j.file, j.len_before, len
                ),
            });
        }
    }
    for r in &plan.renames {
        let tmp = dir.join(&r.from);
        if tmp.exists() {
            std::fs::remove_file(&tmp).map_err(super::error::io_err("removing", &tmp))?;
        }
    }
    parents.sort();
    parents.dedup();
    for p in parents {
        fsutil::sync_dir(&p)?;
    }
    fsutil::sync_dir(dir)?;
    remove(dir, PREPARED)
}

/// Removes a transaction record, durably.
fn remove(dir: &Path, name: &str) -> Result<()> {
    let path = dir.join(name);
    match std::fs::remove_file(&path) {
        Ok(()) => fsutil::sync_dir(dir),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(super::error::io_err("removing", &path)(e)),
    }
}

/// Creates the subdirectory an appended file lives in, durably, so that
/// the append only has to create files.
fn ensure_parent(dir: &Path, path: &Path) -> Result<()> {
    if let Some(parent) = path.parent().filter(|p| *p != dir && !p.is_dir()) {
        fsutil::create_dir_private(parent)?;
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

/// The length a journal will have once `bytes` are appended to it (with
/// its header, when it is empty or new).
pub(super) fn len_after(dir: &Path, file: &str, bytes: &[u8]) -> Result<u64> {
    let before = fsutil::len(&dir.join(file))?;
    let head = if before == 0 {
        header_for(file).len()
    } else {
        0
    };
    Ok(before + (head + bytes.len()) as u64)
}

fn header_for(file: &str) -> Vec<u8> {
    super::records::spec_of(file).map_or_else(Vec::new, |f| (f.header)())
}

/// Whether a crashed writer left work behind.
pub fn needs_recovery(dir: &Path) -> bool {
    dir.join(PENDING).exists() || dir.join(PREPARED).exists() || stray_temps(dir).next().is_some()
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

fn read_plan(path: &Path) -> Result<Plan> {
    let bytes = fsutil::read(path)?;
    serde_json::from_slice(&bytes).map_err(|e| StoreError::Corrupt {
        path: path.to_path_buf(),
        line: e.line() as u64,
        msg: format!("the pending transaction cannot be read: {e}"),
    })
}

/// Finishes a committed transaction, or undoes an uncommitted one. Must
/// run under the exclusive lock.
pub fn recover(dir: &Path) -> Result<bool> {
    let pending = dir.join(PENDING);
    let prepared = dir.join(PREPARED);
    let mut did = false;
    if pending.exists() {
        let plan = read_plan(&pending)?;
        if plan.appends.is_empty() {
            roll_forward(dir, &plan)?;
        } else {
            apply_legacy(dir, &plan)?;
        }
        did = true;
    }
    // A plan becomes pending by a rename, so the two are never there
    // together; were they, the prepared one came later (its journals start
    // where the committed one's end) and is undone.
    if prepared.exists() {
        let plan = read_plan(&prepared)?;
        roll_back(dir, &plan)?;
        did = true;
    }
    for tmp in stray_temps(dir).collect::<Vec<_>>() {
        std::fs::remove_file(&tmp).map_err(super::error::io_err("removing", &tmp))?;
        did = true;
    }
    Ok(did)
}

/// Finishes a `txn.pending` of an older version, whose journal bytes are in
/// the record itself: each append cut back to where it began and written.
fn apply_legacy(dir: &Path, plan: &Plan) -> Result<()> {
    for a in &plan.appends {
        let path = dir.join(&a.file);
        ensure_parent(dir, &path)?;
        fsutil::append_parts(&path, a.len_before, &[a.data.as_bytes()], true)?;
        if let Some(parent) = path.parent() {
            fsutil::sync_dir(parent)?;
        }
    }
    rename_tables(dir, plan)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::card::{Card, CardStatus};
    use crate::domain::ledger::{EntryKind, LedgerEntry};
    use crate::domain::staff::{Role, Staff};
    use crate::domain::Cents;
    use crate::store::codec::encode;
    use crate::store::records::AuditEntry;
    use std::collections::BTreeMap;

    fn d(s: &str) -> chrono::NaiveDate {
        s.parse().unwrap()
    }

    fn staff(id: &str, name: &str) -> Staff {
        Staff {
            id: id.into(),
            name: name.into(),
            role: Role::Sales,
            active: true,
        }
    }

    fn audit(record: &str) -> AuditEntry {
        AuditEntry {
            at: "2026-11-25T10:00:00Z".into(),
            date: d("2026-11-25"),
            operator: "office".into(),
            record: record.into(),
            action: "test".into(),
            changes: format!("id:  → {record}"),
            command: "clubctl test".into(),
        }
    }

    /// A directory as a command finds it: a table with a row, a sharded
    /// table with no shard yet, a journal with a line, and a journal not
    /// yet created.
    fn setup() -> tempfile::TempDir {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        std::fs::write(dir.join("staff.csv"), encode(&[staff("S01", "Li")])).unwrap();
        std::fs::create_dir(dir.join("cards")).unwrap();
        std::fs::write(dir.join("audit.csv"), encode(&[audit("S01")])).unwrap();
        tmp
    }

    /// A transaction touching two tables and two journals.
    fn txn() -> Txn {
        let mut t = Txn::new();
        t.put_table(&mut [staff("S02", "Wang"), staff("S01", "Li")]);
        // One shard of cards (a whole-table write would add its index).
        let card = Card {
            number: "VIP000001".into(),
            member: "M000001".into(),
            status: CardStatus::Active,
            issued: d("2026-11-25"),
            lost_on: None,
            replaced_by: String::new(),
        };
        t.put_file_bytes("cards/VIP000.csv", encode(&[card]));
        t.append(&[audit("S02"), audit("VIP000001")]);
        t.append(&[LedgerEntry {
            id: "T00000001".into(),
            date: d("2026-11-25"),
            kind: EntryKind::Fee,
            member: "M000001".into(),
            cents: Cents(2000),
            points: 0,
            reference: String::new(),
            operator: "office".into(),
            note: String::new(),
        }]);
        t
    }

    /// Every file under `dir`, by its path there (`cards/VIP000.csv`).
    fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
        let mut out = BTreeMap::new();
        for e in std::fs::read_dir(dir).unwrap() {
            let e = e.unwrap();
            let name = e.file_name().to_string_lossy().into_owned();
            if e.path().is_dir() {
                for (sub, bytes) in files(&e.path()) {
                    out.insert(format!("{name}/{sub}"), bytes);
                }
            } else {
                out.insert(name, std::fs::read(e.path()).unwrap());
            }
        }
        out
    }

    /// The directory after a commit that ran to the end.
    fn committed() -> BTreeMap<String, Vec<u8>> {
        let tmp = setup();
        commit(tmp.path(), txn()).unwrap();
        files(tmp.path())
    }

    /// Staged and prepared, as a process killed right after step 2.
    fn prepared(dir: &Path) -> Staged {
        stage(dir, txn()).unwrap()
    }

    /// Appends the first `whole` journals of the plan, and `half` of the
    /// next one's bytes, as a process killed during step 3 would.
    fn append_partly(dir: &Path, staged: &Staged, whole: usize, half: bool) {
        for (i, (j, (head, lines))) in staged.plan.journals.iter().zip(&staged.data).enumerate() {
            let mut bytes = head.clone();
            bytes.extend_from_slice(lines);
            if i == whole && half {
                bytes.truncate(bytes.len() / 2);
            } else if i >= whole {
                return;
            }
            fsutil::append_parts(&dir.join(&j.file), j.len_before, &[&bytes], true).unwrap();
        }
    }

    /// Past the commit point, with the first `steps` renames done.
    fn committed_partly(dir: &Path, steps: usize) {
        let staged = prepared(dir);
        append_all(dir, &staged).unwrap();
        fsutil::rename(&dir.join(PREPARED), &dir.join(PENDING)).unwrap();
        for r in staged.plan.renames.iter().take(steps) {
            fsutil::rename(&dir.join(&r.from), &dir.join(&r.to)).unwrap();
        }
    }

    #[test]
    fn a_commit_leaves_no_record_and_no_temp_files() {
        let after = committed();
        assert!(!after.contains_key(PENDING));
        assert!(!after.contains_key(PREPARED));
        assert!(!after.keys().any(|k| k.ends_with(".tmp")), "{after:?}");
        let staff = String::from_utf8(after["staff.csv"].clone()).unwrap();
        assert_eq!(
            staff,
            "id,name,role,active\nS01,Li,sales,true\nS02,Wang,sales,true\n"
        );
        let ledger = String::from_utf8(after["ledger.csv"].clone()).unwrap();
        assert!(ledger.starts_with("id,date,kind,member,"), "{ledger}");
        assert_eq!(ledger.lines().count(), 2, "{ledger}");
        let audit = String::from_utf8(after["audit.csv"].clone()).unwrap();
        assert_eq!(audit.lines().count(), 4, "{audit}");
    }

    #[test]
    fn the_plan_is_small_and_holds_no_journal_bytes() {
        let tmp = setup();
        let dir = tmp.path();
        prepared(dir);
        let plan = std::fs::read_to_string(dir.join(PREPARED)).unwrap();
        assert!(!plan.contains("T00000001"), "{plan}");
        assert!(!plan.contains("VIP000001"), "{plan}");
        assert!(plan.contains("\"len_before\""), "{plan}");
        // The journals are untouched until the plan is durable.
        assert_eq!(files(dir)["audit.csv"], files(setup().path())["audit.csv"]);
        assert!(!dir.join("ledger.csv").exists());
    }

    #[test]
    fn a_crash_while_staging_leaves_nothing_done() {
        let tmp = setup();
        let dir = tmp.path();
        let before = files(dir);
        prepared(dir);
        // Killed before the plan was renamed into place: temp files only.
        std::fs::remove_file(dir.join(PREPARED)).unwrap();
        assert!(files(dir).keys().any(|k| k.ends_with(".tmp")));
        assert!(needs_recovery(dir));
        assert!(recover(dir).unwrap());
        assert_eq!(files(dir), before);
    }

    #[test]
    fn a_crash_at_any_point_of_the_appends_leaves_nothing_done() {
        let journals = prepared(setup().path()).plan.journals.len();
        assert_eq!(journals, 2);
        for whole in 0..=journals {
            for half in [false, true] {
                let tmp = setup();
                let dir = tmp.path();
                let before = files(dir);
                let staged = prepared(dir);
                append_partly(dir, &staged, whole, half);
                assert!(needs_recovery(dir));
                assert!(recover(dir).unwrap(), "{whole} appended, half {half}");
                assert_eq!(files(dir), before, "{whole} appended, half {half}");
                assert!(!needs_recovery(dir));
            }
        }
    }

    #[test]
    fn an_undone_transaction_can_be_undone_again_after_a_crash_in_recovery() {
        let tmp = setup();
        let dir = tmp.path();
        let before = files(dir);
        let staged = prepared(dir);
        append_partly(dir, &staged, 2, false);
        // Recovery killed after cutting the journals back, before the temp
        // files and the plan were removed.
        for j in &staged.plan.journals {
            let path = dir.join(&j.file);
            if j.created {
                std::fs::remove_file(&path).unwrap();
            } else {
                fsutil::truncate(&path, j.len_before).unwrap();
            }
        }
        assert!(recover(dir).unwrap());
        assert_eq!(files(dir), before);
    }

    #[test]
    fn a_crash_after_the_commit_point_at_any_rename_is_completed() {
        let want = committed();
        let renames = prepared(setup().path()).plan.renames.len();
        assert_eq!(renames, 2);
        for steps in 0..=renames {
            let tmp = setup();
            let dir = tmp.path();
            committed_partly(dir, steps);
            assert!(needs_recovery(dir));
            assert!(recover(dir).unwrap(), "after {steps} renames");
            assert_eq!(files(dir), want, "after {steps} renames");
            assert!(!recover(dir).unwrap(), "a second recovery finds nothing");
            assert_eq!(files(dir), want, "after {steps} renames");
        }
    }

    #[test]
    fn a_committed_plan_beside_a_later_prepared_one_is_finished_and_the_other_undone() {
        let want = committed();
        let tmp = setup();
        let dir = tmp.path();
        committed_partly(dir, 1);
        let mut later = Txn::new();
        later.append(&[audit("S03")]);
        later.put_table(&mut [staff("S03", "Zhao")]);
        let staged = stage(dir, later).unwrap();
        append_all(dir, &staged).unwrap();
        assert!(dir.join(PENDING).exists() && dir.join(PREPARED).exists());
        assert!(recover(dir).unwrap());
        assert_eq!(files(dir), want);
    }

    #[test]
    fn a_committed_journal_that_lost_bytes_is_reported_not_guessed_at() {
        let tmp = setup();
        let dir = tmp.path();
        committed_partly(dir, 0);
        fsutil::truncate(&dir.join("audit.csv"), 10).unwrap();
        let err = recover(dir).unwrap_err();
        assert!(matches!(err, StoreError::Corrupt { .. }), "{err}");
        assert!(err.to_string().contains("audit.csv"), "{err}");
        assert!(
            dir.join(PENDING).exists(),
            "the record is kept for a person to see"
        );
    }

    #[test]
    fn a_journal_shorter_than_its_planned_start_is_reported() {
        let tmp = setup();
        let dir = tmp.path();
        prepared(dir);
        fsutil::truncate(&dir.join("audit.csv"), 10).unwrap();
        let err = recover(dir).unwrap_err();
        assert!(matches!(err, StoreError::Corrupt { .. }), "{err}");
        assert!(err.to_string().contains("audit.csv"), "{err}");
    }

    #[test]
    fn a_pending_record_of_the_older_format_is_finished() {
        let want = committed();
        let tmp = setup();
        let dir = tmp.path();
        // What an older version left after its commit point: the appended
        // bytes inside the record, one journal already appended (the
        // replay cuts it back first and must not append twice).
        let staged = prepared(dir);
        std::fs::remove_file(dir.join(PREPARED)).unwrap();
        let mut appends = Vec::new();
        for (j, (head, lines)) in staged.plan.journals.iter().zip(&staged.data) {
            let mut data = head.clone();
            data.extend_from_slice(lines);
            appends.push(LegacyAppend {
                file: j.file.clone(),
                len_before: j.len_before,
                data: String::from_utf8(data).unwrap(),
            });
        }
        let first = &appends[0];
        fsutil::append_parts(
            &dir.join(&first.file),
            first.len_before,
            &[first.data.as_bytes()],
            true,
        )
        .unwrap();
        let legacy = Plan {
            journals: Vec::new(),
            renames: staged.plan.renames,
            appends,
        };
        std::fs::write(dir.join(PENDING), serde_json::to_vec(&legacy).unwrap()).unwrap();
        assert!(recover(dir).unwrap());
        assert_eq!(files(dir), want);
    }

    #[test]
    fn an_unreadable_plan_is_reported_not_guessed_at() {
        for name in [PENDING, PREPARED] {
            let tmp = setup();
            let dir = tmp.path();
            std::fs::write(dir.join(name), b"{\"journals\": [").unwrap();
            let err = recover(dir).unwrap_err();
            assert!(matches!(err, StoreError::Corrupt { .. }), "{err}");
            assert!(err.to_string().contains(name), "{err}");
        }
    }

    #[test]
    fn nothing_is_appended_after_a_torn_line() {
        let tmp = setup();
        let dir = tmp.path();
        let mut audit = std::fs::read(dir.join("audit.csv")).unwrap();
        audit.extend_from_slice(b"2026-11-25T10:00:00Z,2026-");
        std::fs::write(dir.join("audit.csv"), &audit).unwrap();
        let before = files(dir);
        let err = commit(dir, txn()).unwrap_err();
        assert!(matches!(err, StoreError::Torn { line: 3, .. }), "{err}");
        assert_eq!(files(dir), before, "a refused commit wrote something");
    }

    #[test]
    fn a_new_journal_in_a_subdirectory_is_created_and_undone() {
        let tmp = setup();
        let dir = tmp.path();
        let mut t = Txn::new();
        t.append_lines("receipts/001.idx", b"spend:R1,T00000001\n");
        commit(dir, t).unwrap();
        assert_eq!(
            std::fs::read_to_string(dir.join("receipts/001.idx")).unwrap(),
            "spend:R1,T00000001\n"
        );
        let mut t = Txn::new();
        t.append_lines("receipts/002.idx", b"spend:R2,T00000002\n");
        t.append_lines("receipts/001.idx", b"spend:R3,T00000003\n");
        let staged = stage(dir, t).unwrap();
        append_all(dir, &staged).unwrap();
        assert!(recover(dir).unwrap());
        assert!(!dir.join("receipts/002.idx").exists());
        assert_eq!(
            std::fs::read_to_string(dir.join("receipts/001.idx")).unwrap(),
            "spend:R1,T00000001\n"
        );
    }
}
