//! The data directory: plain files a person can open, diff and back up.
//! Tables are rewritten whole and atomically, journals only appended to,
//! and every change goes through one transaction under the directory lock.

pub mod closing;
pub mod codec;
pub mod error;
pub mod fsutil;
pub mod lock;
pub mod manifest;
pub mod output;
pub mod receipts;
pub mod records;
pub mod rows;
pub mod splice;
pub mod txn;

pub use codec::{Problem, Record, Scan};
pub use error::{Result, StoreError};
pub use records::AuditEntry;
pub use txn::Txn;

use crate::domain::ledger::LedgerEntry;
use crate::domain::rules::ClubRules;
use lock::{DirLock, Mode};
use manifest::{Manifest, MANIFEST};
use std::path::{Path, PathBuf};
use std::time::Duration;

pub const CLUB_TOML: &str = "club.toml";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Shared: many readers at once, never a half-written state.
    Read,
    /// Exclusive: one writer at a time.
    Write,
}

/// An open data directory, locked for as long as it lives.
pub struct Store {
    dir: PathBuf,
    _lock: DirLock,
    access: Access,
    rules: ClubRules,
    manifest: Manifest,
}

impl Store {
    /// Opens `dir`, waiting up to `wait` for the lock. `holder` (the command
    /// line) is recorded in the lock file for whoever has to wait on us.
    pub fn open(dir: &Path, access: Access, wait: Duration, holder: &str) -> Result<Store> {
        if !dir.is_dir() {
            return Err(StoreError::Missing(format!(
                "there is no data directory at {}: create one with `clubctl init {}`, or point --data (or CLUBCTL_DATA) at an existing one",
                dir.display(),
                dir.display()
            )));
        }
        if !dir.join(CLUB_TOML).is_file() {
            return Err(StoreError::Missing(format!(
                "{} is not a clubctl data directory: it has no {CLUB_TOML}; create one with `clubctl init DIR`",
                dir.display()
            )));
        }
        let mode = match access {
            Access::Read => Mode::Shared,
            Access::Write => Mode::Exclusive,
        };
        let mut lock = DirLock::acquire(dir, mode, wait, holder)?;
        if txn::needs_recovery(dir) && !lock.held() {
            return Err(StoreError::Missing(format!(
                "{} holds an unfinished transaction, and the directory is read-only so it cannot be finished; make it writable and run `clubctl data check`",
                dir.display()
            )));
        }
        if txn::needs_recovery(dir) {
            if mode == Mode::Shared {
                drop(lock);
                let exclusive = DirLock::acquire(dir, Mode::Exclusive, wait, holder)?;
                txn::recover(dir)?;
                drop(exclusive);
                lock = DirLock::acquire(dir, mode, wait, holder)?;
            } else {
                txn::recover(dir)?;
            }
        }
        let manifest_path = dir.join(MANIFEST);
        let text = match fsutil::open_read(&manifest_path)? {
            Some(_) => String::from_utf8(fsutil::read(&manifest_path)?).map_err(|_| {
                StoreError::Corrupt {
                    path: manifest_path.clone(),
                    line: 1,
                    msg: "not valid UTF-8".into(),
                }
            })?,
            None => {
                return Err(StoreError::Missing(format!(
                    "{} is missing: the data directory has no record of its format versions",
                    manifest_path.display()
                )))
            }
        };
        let manifest = Manifest::parse(&manifest_path, &text)?;
        check_files(dir, &manifest)?;
        // Every listed file is at a version we read (migrations are applied
        // here once a format has a second version; see manifest.rs).
        if !manifest.plan()?.is_empty() {
            return Err(StoreError::Missing(
                "the data needs a migration this clubctl cannot apply".into(),
            ));
        }
        let rules = read_rules(dir)?;
        Ok(Store {
            dir: dir.to_path_buf(),
            _lock: lock,
            access,
            rules,
            manifest,
        })
    }

    /// Creates a new data directory holding `club_toml` and empty tables.
    /// Refuses a directory that exists and is not empty.
    pub fn init(dir: &Path, club_toml: &str) -> Result<()> {
        if dir.exists() {
            let empty = std::fs::read_dir(dir)
                .map(|mut it| it.next().is_none())
                .unwrap_or(false);
            if !empty {
                return Err(StoreError::Missing(format!(
                    "{} already exists and is not empty; clubctl init never overwrites data: choose a new directory",
                    dir.display()
                )));
            }
        }
        fsutil::create_dir_private(dir)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
                .map_err(error::io_err("setting permissions of", dir))?;
        }
        fsutil::create_new(&dir.join(CLUB_TOML), club_toml.as_bytes())?;
        fsutil::create_new(
            &dir.join(MANIFEST),
            Manifest::current().to_toml().as_bytes(),
        )?;
        for f in records::FILES {
            fsutil::create_new(&dir.join(f.name), &(f.header)())?;
        }
        fsutil::sync_dir(dir)
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn rules(&self) -> &ClubRules {
        &self.rules
    }

    /// Where `club.toml` is, and the line of each of its `[[case]]`
    /// headers, in order, for messages about its golden cases.
    pub fn case_lines(&self) -> Result<(PathBuf, Vec<u64>)> {
        let path = self.dir.join(CLUB_TOML);
        let text = std::fs::read_to_string(&path).map_err(error::io_err("reading", &path))?;
        let lines = text
            .lines()
            .zip(1..)
            .filter(|(l, _)| l.trim() == "[[case]]")
            .map(|(_, n)| n)
            .collect();
        Ok((path, lines))
    }

    fn path<T: Record>(&self) -> PathBuf {
        self.dir.join(T::FILE)
    }

    /// Every record of a table or journal; fails on the first bad line.
    pub fn load<T: Record>(&self) -> Result<Vec<T>> {
        let path = self.path::<T>();
        if self.manifest.files.contains_key(T::FILE) && !path.exists() {
            return Err(StoreError::Missing(format!(
                "{} is missing, though the manifest lists it; restore it from a backup",
                path.display()
            )));
        }
        codec::load(&path)
    }

    /// The records of a table with these keys, decoding no other row.
    pub fn find_many<T: Record>(&self, keys: &std::collections::HashSet<&str>) -> Result<Vec<T>> {
        splice::find_many(&self.path::<T>(), keys)
    }

    /// The table with `changed` rows replaced or inserted, the rest copied
    /// as it is: for a `Txn::put_table_bytes` that touches a few rows.
    pub fn splice<T: Record>(&self, changed: &mut [T]) -> Result<Vec<u8>> {
        splice::splice(&self.path::<T>(), changed)
    }

    /// The record of a table with this key, decoding no other row.
    pub fn find<T: Record>(&self, key: &str) -> Result<Option<T>> {
        let path = self.path::<T>();
        if self.manifest.files.contains_key(T::FILE) && !path.exists() {
            return Err(StoreError::Missing(format!(
                "{} is missing, though the manifest lists it; restore it from a backup",
                path.display()
            )));
        }
        codec::find(&path, key)
    }

    /// Every record with its line, and every problem, for `data check`.
    pub fn scan<T: Record>(&self) -> Result<Scan<T>> {
        codec::scan(&self.path::<T>())
    }

    /// The ledger entries that already used any of these receipt keys.
    pub fn receipts<S: std::hash::BuildHasher>(
        &self,
        keys: &std::collections::HashSet<String, S>,
    ) -> Result<std::collections::HashMap<String, String>> {
        receipts::lookup(&self.dir, keys)
    }

    /// Replaces the whole receipt index (`points rebuild`): each bucket file
    /// atomically, and buckets no longer needed removed. The index is a
    /// cache of the ledger, so a crash halfway is mended by running the
    /// rebuild again (`data check` says when).
    pub fn replace_receipt_index(
        &mut self,
        index: &std::collections::BTreeMap<String, Vec<u8>>,
    ) -> Result<()> {
        let sub = self.dir.join(receipts::DIR);
        fsutil::create_dir_private(&sub)?;
        for (file, bytes) in index {
            fsutil::write_atomic(&self.dir.join(file), bytes)?;
        }
        for entry in std::fs::read_dir(&sub)
            .map_err(error::io_err("reading", &sub))?
            .flatten()
        {
            let name = format!("{}/{}", receipts::DIR, entry.file_name().to_string_lossy());
            if !index.contains_key(&name) {
                std::fs::remove_file(entry.path())
                    .map_err(error::io_err("removing", &entry.path()))?;
            }
        }
        fsutil::sync_dir(&sub)?;
        fsutil::sync_dir(&self.dir)
    }

    /// The date of a journal's last line, read from its tail: the day of
    /// the newest activity it records (None for a journal with no lines or
    /// no `date` column).
    pub fn last_date<T: Record>(&self) -> Result<Option<chrono::NaiveDate>> {
        let Some(column) = T::HEADER.iter().position(|h| *h == "date") else {
            return Ok(None);
        };
        Ok(codec::last_field(&self.path::<T>(), column)?.and_then(|d| d.parse().ok()))
    }

    /// The id of the last ledger entry, read from the journal's tail.
    /// A last line that is not a ledger entry (garbage appended by hand)
    /// is refused: new entries would continue after it.
    pub fn last_entry_id(&self) -> Result<Option<String>> {
        let path = self.path::<LedgerEntry>();
        let last = codec::last_key(&path)?;
        if let Some(id) = &last {
            let ok =
                id.len() > 1 && id.starts_with('T') && id[1..].bytes().all(|b| b.is_ascii_digit());
            if !ok && id != LedgerEntry::HEADER[0] {
                let lines = fsutil::read(&path)?.iter().filter(|&&b| b == b'\n').count();
                return Err(StoreError::Corrupt {
                    path,
                    line: lines as u64,
                    msg: format!(
                        "the last entry's id '{id}' is not a ledger id (T and digits); run `clubctl data check` to see every problem"
                    ),
                });
            }
        }
        Ok(last.filter(|id| id != LedgerEntry::HEADER[0]))
    }

    /// Applies a transaction: all of it, or (on any error) none of it.
    pub fn commit(&mut self, mut txn: Txn) -> Result<()> {
        debug_assert_eq!(self.access, Access::Write, "commit needs write access");
        if txn.is_empty() {
            return Ok(());
        }
        let mut manifest = self.manifest.clone();
        for f in txn.files() {
            if let Some(spec) = records::spec_of(&f) {
                manifest.files.entry(f).or_insert(spec.version);
            }
        }
        if manifest != self.manifest {
            txn.put_file(MANIFEST, manifest.to_toml().into_bytes());
        }
        txn::commit(&self.dir, txn)?;
        self.manifest = manifest;
        Ok(())
    }

    /// Refuses when any journal ends in a torn line (a write cut short):
    /// one byte read per journal.
    pub fn check_journals(&self) -> Result<()> {
        for f in records::FILES.iter().filter(|f| f.journal) {
            let path = self.dir.join(f.name);
            if !matches!(fsutil::last_byte(&path)?, None | Some(b'\n')) {
                let bytes = fsutil::read(&path)?;
                let line = bytes.iter().filter(|&&b| b == b'\n').count() as u64 + 1;
                return Err(StoreError::Torn { path, line });
            }
        }
        Ok(())
    }

    /// Moves torn last lines of the journals into `<file>.rejected` files
    /// (with `dry_run`, only finds them). Returns them as (file, line).
    pub fn repair(&mut self, dry_run: bool) -> Result<Vec<(String, u64)>> {
        let mut moved = Vec::new();
        for file in records::FILES.iter().filter(|f| f.journal).map(|f| f.name) {
            let path = self.dir.join(file);
            let bytes = match std::fs::read(&path) {
                Ok(b) => b,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                Err(e) => return Err(error::io_err("reading", &path)(e)),
            };
            if bytes.is_empty() || bytes.last() == Some(&b'\n') {
                continue;
            }
            let cut = bytes.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
            let line = bytes[..cut].iter().filter(|&&b| b == b'\n').count() as u64 + 1;
            if dry_run {
                moved.push((file.to_string(), line));
                continue;
            }
            let rejected = self.dir.join(format!("{file}.rejected"));
            let mut torn = bytes[cut..].to_vec();
            torn.push(b'\n');
            fsutil::append_at(&rejected, fsutil::len(&rejected)?, &torn)?;
            fsutil::append_at(&path, cut as u64, &[])?;
            moved.push((file.to_string(), line));
        }
        Ok(moved)
    }
}

/// Every table and journal the manifest lists is there, and every one
/// that is there is a regular file of its own (no link, no directory): a
/// command never starts a new, empty journal where one was lost, nor reads
/// or writes through a link. One `lstat` a file.
fn check_files(dir: &Path, manifest: &Manifest) -> Result<()> {
    for f in records::FILES {
        let path = dir.join(f.name);
        match std::fs::symlink_metadata(&path) {
            Ok(m) if !m.file_type().is_file() => return Err(fsutil::not_regular(&path, &m)),
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                if manifest.files.contains_key(f.name) {
                    return Err(StoreError::Missing(format!(
                        "{} is missing, though the manifest lists it: it was deleted or moved. Restore it from a backup, then run `clubctl data check`; clubctl never starts it again empty",
                        path.display()
                    )));
                }
            }
            Err(e) => return Err(error::io_err("reading", &path)(e)),
        }
    }
    Ok(())
}

/// Reads and checks `club.toml`; a bad key names its line.
pub fn read_rules(dir: &Path) -> Result<ClubRules> {
    read_rules_file(&dir.join(CLUB_TOML))
}

/// Reads and checks a rules file at `path` (`club.toml`, or a candidate
/// for `rules diff`), with the messages loading `club.toml` gives.
pub fn read_rules_file(path: &Path) -> Result<ClubRules> {
    let path = path.to_path_buf();
    if !path.is_file() {
        return Err(StoreError::Missing(format!(
            "there is no rules file at {}",
            path.display()
        )));
    }
    let bytes = fsutil::read(&path)?;
    let text = String::from_utf8(bytes).map_err(|_| StoreError::Corrupt {
        path: path.clone(),
        line: 1,
        msg: "not valid UTF-8".into(),
    })?;
    ClubRules::checked(&text).map_err(|(at, msg)| {
        let line = at
            .map(|l| l as u64)
            .or_else(|| {
                msg.lines()
                    .find_map(|l| l.strip_prefix("TOML parse error at line "))
                    .and_then(|rest| rest.split(',').next())
                    .and_then(|n| n.trim().parse().ok())
            })
            .unwrap_or(1);
        let first = msg
            .lines()
            .filter(|l| {
                !l.trim().is_empty() && !l.starts_with("TOML parse error") && !l.contains('|')
            })
            .collect::<Vec<_>>()
            .join(" ");
        StoreError::Corrupt {
            path,
            line,
            msg: if first.is_empty() { msg } else { first },
        }
    })
}
