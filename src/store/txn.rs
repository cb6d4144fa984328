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
        rows.sort_by(|a, b| super::codec::key_order(a.key(), b.key()));
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
    let intent = prepare(dir, txn)?;
    apply(dir, &intent)
}

/// Stages every change and writes the intent file, the commit point: once
/// it exists the transaction happens, by `apply` now or `recover` later.
fn prepare(dir: &Path, txn: Txn) -> Result<Intent> {
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
    Ok(intent)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::card::{Card, CardStatus};
    use crate::domain::ledger::{EntryKind, LedgerEntry};
    use crate::domain::staff::{Role, Staff};
    use crate::domain::Cents;
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

    /// A directory as a command finds it: a table with a row, an empty
    /// table, a journal with a line, and a journal not yet created.
    fn setup() -> tempfile::TempDir {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        std::fs::write(dir.join("staff.csv"), encode(&[staff("S01", "Li")])).unwrap();
        std::fs::write(dir.join("cards.csv"), encode::<Card>(&[])).unwrap();
        std::fs::write(dir.join("audit.csv"), encode(&[audit("S01")])).unwrap();
        tmp
    }

    /// A transaction touching two tables and two journals.
    fn txn() -> Txn {
        let mut t = Txn::new();
        t.put_table(&mut [staff("S02", "Wang"), staff("S01", "Li")]);
        t.put_table(&mut [Card {
            number: "VIP000001".into(),
            member: "M000001".into(),
            status: CardStatus::Active,
            issued: d("2026-11-25"),
            lost_on: None,
            replaced_by: String::new(),
        }]);
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

    fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
        std::fs::read_dir(dir)
            .unwrap()
            .map(|e| {
                let e = e.unwrap();
                (
                    e.file_name().to_string_lossy().into_owned(),
                    std::fs::read(e.path()).unwrap(),
                )
            })
            .collect()
    }

    /// The directory after a commit that ran to the end.
    fn committed() -> BTreeMap<String, Vec<u8>> {
        let tmp = setup();
        commit(tmp.path(), txn()).unwrap();
        files(tmp.path())
    }

    /// Carries out the first `steps` steps of an intent (journal appends,
    /// then renames) and stops, as a process killed there would.
    fn apply_partly(dir: &Path, intent: &Intent, steps: usize) {
        let mut left = steps;
        for a in &intent.appends {
            if left == 0 {
                return;
            }
            left -= 1;
            fsutil::append_at(&dir.join(&a.file), a.len_before, a.data.as_bytes()).unwrap();
        }
        for r in &intent.renames {
            if left == 0 {
                return;
            }
            left -= 1;
            fsutil::rename(&dir.join(&r.from), &dir.join(&r.to)).unwrap();
        }
    }

    #[test]
    fn a_commit_leaves_no_intent_and_no_temp_files() {
        let after = committed();
        assert!(!after.contains_key(PENDING));
        assert!(!after.keys().any(|k| k.ends_with(".tmp")), "{after:?}");
        let staff = String::from_utf8(after["staff.csv"].clone()).unwrap();
        assert_eq!(
            staff,
            "id,name,role,active\nS01,Li,sales,true\nS02,Wang,sales,true\n"
        );
        let ledger = String::from_utf8(after["ledger.csv"].clone()).unwrap();
        assert!(ledger.starts_with("id,date,kind,member,"), "{ledger}");
        let audit = String::from_utf8(after["audit.csv"].clone()).unwrap();
        assert_eq!(audit.lines().count(), 4, "{audit}");
    }

    #[test]
    fn a_committed_intent_left_unapplied_is_completed_by_recover() {
        let want = committed();
        let tmp = setup();
        let dir = tmp.path();
        let before = files(dir);
        prepare(dir, txn()).unwrap();
        // Killed right after the commit point: nothing visible changed yet.
        for (name, bytes) in &before {
            assert_eq!(&files(dir)[name], bytes, "{name} changed before apply");
        }
        assert!(needs_recovery(dir));
        assert!(recover(dir).unwrap());
        assert_eq!(files(dir), want);
        assert!(!needs_recovery(dir));
        assert!(!recover(dir).unwrap(), "a second recovery finds nothing");
        assert_eq!(files(dir), want);
    }

    #[test]
    fn a_crash_after_any_step_of_apply_is_completed_by_recover() {
        let want = committed();
        let total = {
            let tmp = setup();
            let intent = prepare(tmp.path(), txn()).unwrap();
            intent.appends.len() + intent.renames.len()
        };
        assert_eq!(total, 4);
        for steps in 0..=total {
            let tmp = setup();
            let dir = tmp.path();
            let intent = prepare(dir, txn()).unwrap();
            apply_partly(dir, &intent, steps);
            assert!(recover(dir).unwrap(), "after {steps} steps");
            assert_eq!(files(dir), want, "after {steps} steps");
        }
    }

    #[test]
    fn applying_an_intent_twice_is_harmless() {
        let want = committed();
        let tmp = setup();
        let dir = tmp.path();
        let intent = prepare(dir, txn()).unwrap();
        let text = std::fs::read(dir.join(PENDING)).unwrap();
        apply(dir, &intent).unwrap();
        assert_eq!(files(dir), want);
        // Killed after the last rename but before the intent was removed:
        // the whole intent runs again, and must not append twice.
        std::fs::write(dir.join(PENDING), &text).unwrap();
        assert!(recover(dir).unwrap());
        assert_eq!(files(dir), want);
    }

    #[test]
    fn stray_temp_files_without_an_intent_are_removed() {
        let tmp = setup();
        let dir = tmp.path();
        let before = files(dir);
        prepare(dir, txn()).unwrap();
        // Killed before the commit point: temp files, but no intent.
        std::fs::remove_file(dir.join(PENDING)).unwrap();
        assert!(files(dir).keys().any(|k| k.ends_with(".tmp")));
        assert!(needs_recovery(dir));
        assert!(recover(dir).unwrap());
        assert_eq!(files(dir), before);
    }

    #[test]
    fn an_unreadable_intent_is_reported_not_guessed_at() {
        let tmp = setup();
        let dir = tmp.path();
        std::fs::write(dir.join(PENDING), b"{\"appends\": [").unwrap();
        let err = recover(dir).unwrap_err();
        assert!(matches!(err, StoreError::Corrupt { .. }), "{err}");
        assert!(err.to_string().contains(PENDING), "{err}");
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
}
