//! The data directory: plain files a person can open, diff and back up.
//! Tables are rewritten whole and atomically, journals only appended to,
//! and every change goes through one transaction under the directory lock.

// The store is the one place that touches the file system: clippy.toml
// forbids std::fs (and the file queries of std::path) everywhere else, so
// that every file the other layers use goes through here.
#![allow(clippy::disallowed_methods, clippy::disallowed_types)]

pub mod closing;
pub mod codec;
pub mod error;
pub mod files;
pub mod fsutil;
pub mod history;
pub mod index;
pub mod lengths;
pub mod lock;
mod lookups;
pub mod manifest;
pub mod migrate;
pub mod output;
pub mod receipts;
pub mod records;
pub mod rows;
pub mod shard;
pub mod splice;
pub mod txn;

pub use codec::{Problem, Record, Scan};
pub use error::{Result, StoreError};
pub use records::AuditEntry;
pub use txn::Txn;

use crate::domain::ledger::LedgerEntry;
use crate::domain::rules::ClubRules;
use index::Index;
use lock::{DirLock, Mode};
use manifest::{Manifest, MANIFEST};
use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::Duration;

pub const CLUB_TOML: &str = "club.toml";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Shared: many readers at once, never a half-written state.
    Read,
    /// Exclusive: one writer at a time.
    Write,
    /// Exclusive, and open to data of the format before shards, which
    /// `Write` refuses: for `data migrate` alone.
    Migrate,
}

/// An open data directory, locked for as long as it lives.
pub struct Store {
    dir: PathBuf,
    _lock: DirLock,
    access: Access,
    rules: ClubRules,
    manifest: Manifest,
    /// Tables still kept in one file, as before shards (read-only until
    /// `data migrate`).
    unsharded: Vec<&'static str>,
    /// The recorded lengths of the derived files, read when first needed.
    lengths: std::cell::OnceCell<lengths::Lengths>,
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
            Access::Write | Access::Migrate => Mode::Exclusive,
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
        let unsharded: Vec<&'static str> = manifest.plan()?.iter().map(|f| f.name).collect();
        if access == Access::Write && !unsharded.is_empty() {
            return Err(StoreError::Missing(format!(
                "{} is in the data format of an earlier clubctl ({} kept in one file each); it can be read, but not changed until it is converted: run `clubctl data migrate` (it keeps a backup of every file it replaces)",
                dir.display(),
                unsharded.join(", ")
            )));
        }
        let rules = read_rules(dir)?;
        Ok(Store {
            dir: dir.to_path_buf(),
            _lock: lock,
            access,
            rules,
            manifest,
            unsharded,
            lengths: std::cell::OnceCell::new(),
        })
    }

    /// Tables still kept in one file, as before shards: what `data
    /// migrate` converts.
    pub fn unsharded(&self) -> &[&'static str] {
        &self.unsharded
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
            match f.shards {
                Some(sub) => fsutil::create_dir_private(&dir.join(sub))?,
                None => fsutil::create_new(&dir.join(f.name), &(f.header)())?,
            }
        }
        for (file, bytes) in records::FILES.iter().flat_map(|f| (f.indexes)()) {
            let path = dir.join(&file);
            if let Some(parent) = path.parent() {
                fsutil::create_dir_private(parent)?;
            }
            fsutil::create_new(&path, &bytes)?;
        }
        fsutil::create_new(&dir.join(lengths::FILE), &lengths::scan(dir)?.encode())?;
        fsutil::sync_dir(dir)
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

    /// Where the rows of a table are: its shard files in key order, or its
    /// one file (a table not sharded, or not yet migrated to shards).
    pub fn files_of<T: Record>(&self) -> Result<Vec<PathBuf>> {
        match self.sharded::<T>() {
            Some(sub) => shard::list(&self.dir.join(sub)),
            None => {
                let path = self.path::<T>();
                self.check_listed::<T>(&path)?;
                Ok(vec![path])
            }
        }
    }

    /// The directory of a table kept in shards here.
    fn sharded<T: Record>(&self) -> Option<&'static str> {
        T::SHARDS.filter(|_| !self.unsharded.contains(&T::FILE))
    }

    /// Whether a table is kept in shards here (not in one file of the
    /// format before shards, read until `data migrate`).
    pub fn is_sharded<T: Record>(&self) -> bool {
        self.sharded::<T>().is_some()
    }

    /// The file holding the row of a table with this key: the shard it
    /// belongs in, or the table's one file. For messages naming where a
    /// row is, and for reading it.
    pub fn path_of<T: Record>(&self, key: &str) -> PathBuf {
        match self.sharded::<T>() {
            Some(_) => self.dir.join(shard::file_of::<T>(key)),
            None => self.path::<T>(),
        }
    }

    /// A table the manifest lists is never read as empty because its file
    /// went missing.
    fn check_listed<T: Record>(&self, path: &Path) -> Result<()> {
        if self.manifest.files.contains_key(T::FILE) && !path.exists() {
            return Err(StoreError::Missing(format!(
                "{} is missing, though the manifest lists it; restore it from a backup",
                path.display()
            )));
        }
        Ok(())
    }

    /// Every record of a table or journal; fails on the first bad line.
    pub fn load<T: Record>(&self) -> Result<Vec<T>> {
        let mut out = Vec::new();
        self.load_each(|rows: Vec<T>| {
            if out.is_empty() {
                out = rows;
            } else {
                out.extend(rows);
            }
            Ok::<(), StoreError>(())
        })?;
        Ok(out)
    }

    /// Every record of a table, handed to `f` a file (a shard) at a time,
    /// so no more than one shard's rows are held at once.
    pub fn load_each<T: Record, E: From<StoreError>>(
        &self,
        mut f: impl FnMut(Vec<T>) -> std::result::Result<(), E>,
    ) -> std::result::Result<(), E> {
        if let Some(sub) = self.sharded::<T>() {
            self.verify_dir(&format!("{sub}/"))?;
        }
        for path in self.files_of::<T>()? {
            f(codec::load(&path)?)?;
        }
        Ok(())
    }

    /// The records of a table with these keys, decoding no other row.
    pub fn find_many<T: Record>(&self, keys: &std::collections::HashSet<&str>) -> Result<Vec<T>> {
        if self.sharded::<T>().is_none() {
            return splice::find_many(&self.path::<T>(), keys);
        }
        let mut by_file: std::collections::BTreeMap<PathBuf, std::collections::HashSet<&str>> =
            std::collections::BTreeMap::new();
        for k in keys {
            by_file.entry(self.path_of::<T>(k)).or_default().insert(k);
        }
        let mut out = Vec::new();
        for (path, keys) in by_file {
            self.verify_path(&path)?;
            out.extend(splice::find_many::<T>(&path, &keys)?);
        }
        Ok(out)
    }

    /// Puts `changed` rows into the transaction: each replaces the row of
    /// the same key, or is inserted in key order; every other row of the
    /// table stays as it is. Only the shards (or the one table file) that
    /// hold a changed row are read and rewritten.
    pub fn put_rows<T: Record>(&self, txn: &mut Txn, changed: &mut [T]) -> Result<()> {
        if changed.is_empty() {
            return Ok(());
        }
        self.put_index_changes(txn, changed)?;
        match self.sharded::<T>() {
            Some(_) => {
                for (file, at) in shard::group(changed) {
                    self.verify(&file)?;
                    let part: Vec<&T> = at.iter().map(|&i| &changed[i]).collect();
                    let bytes = splice::splice(&self.dir.join(&file), part)?;
                    txn.put_file_bytes(&file, bytes);
                }
            }
            None => {
                let bytes = splice::splice(&self.path::<T>(), changed.iter().collect())?;
                txn.put_file_bytes(T::FILE, bytes);
            }
        }
        Ok(())
    }

    /// The index buckets `changed` rows move between, rewritten: each
    /// changed row's old entry removed and its new one added, in every
    /// index of the table.
    fn put_index_changes<T: Record>(&self, txn: &mut Txn, changed: &[T]) -> Result<()> {
        if T::INDEXES.is_empty() || self.sharded::<T>().is_none() {
            return Ok(());
        }
        let keys: HashSet<&str> = changed.iter().map(|r| r.key()).collect();
        let before: Vec<T> = self.find_many(&keys)?;
        for ix in T::INDEXES {
            self.put_index(txn, ix, &keys, &before, changed)?;
        }
        Ok(())
    }

    fn put_index<T: Record>(
        &self,
        txn: &mut Txn,
        ix: &Index<T>,
        keys: &HashSet<&str>,
        before: &[T],
        changed: &[T],
    ) -> Result<()> {
        let old: HashMap<&str, Cow<str>> = before
            .iter()
            .filter_map(|r| ix.of(r).map(|v| (r.key(), v)))
            .collect();
        let mut touched: BTreeSet<String> = BTreeSet::new();
        for r in changed {
            let new = ix.of(r);
            let was = old.get(r.key());
            if was == new.as_ref() {
                continue;
            }
            touched.extend(was.into_iter().chain(new.as_ref()).map(|v| ix.file(v)));
        }
        for file in touched {
            let mut pairs = match txn.tables.iter().find(|(f, _)| *f == file) {
                Some(_) => continue,
                None => self.read_index(ix, &file)?,
            };
            pairs.retain(|(_, k)| !keys.contains(k.as_str()));
            for r in changed {
                if let Some(v) = ix.of(r).filter(|v| ix.file(v) == file) {
                    pairs.push((v.into_owned(), r.key().to_string()));
                }
            }
            txn.put_file_bytes(&file, index::encode(ix, &mut pairs));
        }
        Ok(())
    }

    /// The rows of a table indexed under `value` in its first index (the
    /// members holding a phone number): see `lookup_in`.
    pub fn lookup<T: Record>(&self, value: &str) -> Result<Vec<T>> {
        match T::INDEXES.first() {
            Some(ix) => self.lookup_in(ix, value),
            None => Err(StoreError::Missing(format!(
                "internal: {} has no index to look {value} up in",
                T::FILE
            ))),
        }
    }

    /// The rows of a table indexed under `value` in `ix`: one bucket file
    /// and their shards read. An index naming a row that does not hold
    /// the value is refused as stale.
    pub fn lookup_in<T: Record>(&self, ix: &Index<T>, value: &str) -> Result<Vec<T>> {
        // A table not yet migrated to shards has no index: it is read whole.
        if self.sharded::<T>().is_none() {
            return Ok(self
                .load::<T>()?
                .into_iter()
                .filter(|r| ix.of(r).as_deref() == Some(value))
                .collect());
        }
        let file = ix.file(value);
        let pairs = self.read_index(ix, &file)?;
        let keys: HashSet<&str> = pairs
            .iter()
            .filter(|(v, _)| v == value)
            .map(|(_, k)| k.as_str())
            .collect();
        let mut found: HashMap<String, T> = self
            .find_many::<T>(&keys)?
            .into_iter()
            .map(|r| (r.key().to_string(), r))
            .collect();
        let mut out = Vec::new();
        for (_, key) in pairs.iter().filter(|(v, _)| v == value) {
            match found.remove(key.as_str()) {
                Some(r) if ix.of(&r).as_deref() == Some(value) => out.push(r),
                row => {
                    return Err(StoreError::Corrupt {
                        path: self.dir.join(&file),
                        line: 1,
                        msg: format!(
                            "the index lists {key} under {} {value}, but {} {}; the index is stale: run `clubctl data reindex` to rebuild it",
                            ix.column,
                            self.path_of::<T>(key).display(),
                            if row.is_some() { format!("gives {key} another {}", ix.column) } else { format!("has no row {key}") }
                        ),
                    })
                }
            }
        }
        Ok(out)
    }

    /// Every index bucket rebuilt from its table, put into a rebuild's
    /// transaction (`data reindex`): one table read at a time.
    pub fn put_indexes(&self, txn: &mut Txn) -> Result<()> {
        for f in records::FILES {
            for (file, bytes) in (f.derive_indexes)(self)? {
                txn.put_file_bytes(&file, bytes);
            }
        }
        Ok(())
    }

    /// Every bucket of every index of a table, as the table gives them
    /// (none while it is not yet in shards).
    fn indexes_of<T: Record>(&self) -> Result<index::BucketFiles> {
        if T::INDEXES.is_empty() || self.sharded::<T>().is_none() {
            return Ok(Vec::new());
        }
        Ok(index::build_all(&self.load::<T>()?))
    }

    /// What `data check` finds wrong with a table's indexes: each bucket
    /// compared with the one the table's rows give.
    pub fn check_index<T: Record>(&self, rows: &[T]) -> Result<Vec<Problem>> {
        let mut out = Vec::new();
        if self.sharded::<T>().is_none() {
            return Ok(out);
        }
        let table = shard::dir_of::<T>();
        for ix in T::INDEXES {
            for (file, want) in index::build(ix, rows) {
                let path = self.dir.join(&file);
                let msg = if !path.is_file() {
                    format!(
                        "this bucket of the {} index of {table} is missing",
                        ix.column
                    )
                } else if fsutil::read_or_empty(&path)? != want {
                    format!(
                        "this bucket of the {} index differs from the {table} table",
                        ix.column
                    )
                } else {
                    continue;
                };
                out.push(Problem {
                    path,
                    line: 0,
                    msg: msg + ". Run `clubctl data reindex`",
                });
            }
        }
        Ok(out)
    }

    /// The record of a table with this key, decoding no other row.
    pub fn find<T: Record>(&self, key: &str) -> Result<Option<T>> {
        let path = self.path_of::<T>(key);
        match self.sharded::<T>() {
            Some(_) => self.verify(&shard::file_of::<T>(key))?,
            None => self.check_listed::<T>(&path)?,
        }
        codec::find(&path, key)
    }

    /// The columns `want` of every row of a table, in key order, read as
    /// raw fields (see `rows.rs`): the reports' pass over the members.
    pub fn rows<T: Record>(&self, want: &[&str]) -> Result<rows::Rows> {
        rows::Rows::open_all(self.files_of::<T>()?, want)
    }

    /// The columns `want` of a journal's rows from the mark `from` (where
    /// a closing left off), else from its first line.
    pub fn journal_rows<T: Record>(
        &self,
        want: &[&str],
        from: Option<rows::Mark>,
    ) -> Result<rows::Rows> {
        rows::Rows::open(&self.path::<T>(), want, from)
    }

    /// A problem for `data check` at `line` of `file` (named as in the
    /// data directory: `ledger.csv`, `receipts/0a1.idx`).
    pub fn problem(&self, file: &str, line: u64, msg: String) -> Problem {
        Problem {
            path: self.dir.join(file),
            line,
            msg,
        }
    }

    /// The last key of a table starting with `prefix` (the highest id of
    /// that kind given so far): one shard's tail read.
    pub fn last_key<T: Record>(&self, prefix: &str) -> Result<Option<String>> {
        let files = self.files_of::<T>()?;
        let sharded = self.sharded::<T>().is_some();
        for path in files.iter().rev() {
            let stem = path.file_stem().unwrap_or_default().to_string_lossy();
            if sharded && (stem == shard::OTHER || !stem.starts_with(prefix)) {
                continue;
            }
            if !sharded {
                // One file holds every kind of key: read them all.
                return Ok(codec::load::<T>(path)?
                    .iter()
                    .map(|r| r.key())
                    .filter(|k| k.starts_with(prefix))
                    .max_by(|a, b| codec::key_order(a, b))
                    .map(str::to_string));
            }
            if let Some(k) = codec::last_key(path)? {
                if k != T::HEADER[0] {
                    return Ok(Some(k));
                }
            }
        }
        Ok(None)
    }

    /// Every record with its line, and every problem, for `data check`. A
    /// sharded table's rows carry the line in their shard (`path_of` names
    /// it); a row kept in a shard that is not its own is a problem, since
    /// no lookup would find it.
    pub fn scan<T: Record>(&self) -> Result<Scan<T>> {
        let Some(sub) = self.sharded::<T>() else {
            return codec::scan(&self.path::<T>());
        };
        let mut out = Scan {
            rows: Vec::new(),
            problems: Vec::new(),
            torn: None,
        };
        for path in shard::list(&self.dir.join(sub))? {
            let part = codec::scan::<T>(&path)?;
            for (line, row) in part.rows {
                let home = self.dir.join(shard::file_of::<T>(row.key()));
                if home != path {
                    out.problems.push(Problem {
                        path: path.clone(),
                        line,
                        msg: format!(
                            "{} {} belongs in {}; move the row there (no lookup finds it here)",
                            T::HEADER[0],
                            row.key(),
                            home.display()
                        ),
                    });
                } else {
                    out.rows.push((line, row));
                }
            }
            out.problems.extend(part.problems);
        }
        Ok(out)
    }

    /// The ledger entries that already used any of these receipt keys.
    pub fn receipts<S: std::hash::BuildHasher>(
        &self,
        keys: &std::collections::HashSet<String, S>,
    ) -> Result<std::collections::HashMap<String, String>> {
        for n in receipts::buckets_of(keys) {
            self.verify(&receipts::bucket_file(n))?;
        }
        receipts::lookup(&self.dir, keys)
    }

    /// The entries that already used a receipt key `prefix` + R, as (R,
    /// entry), for the R among `among` that `wanted` holds: for an import
    /// checking a million receipts without making a million keys. Only the
    /// index buckets those receipts fall in are read.
    pub fn receipts_where<'a>(
        &self,
        prefix: &str,
        among: impl IntoIterator<Item = &'a str>,
        wanted: impl Fn(&str) -> bool,
    ) -> Result<Vec<(String, String)>> {
        let mut hit = vec![false; receipts::BUCKETS as usize];
        for r in among {
            hit[usize::from(receipts::bucket_no_of(prefix, r))] = true;
        }
        let buckets: Vec<u16> = (0..receipts::BUCKETS as u16)
            .filter(|&n| hit[usize::from(n)])
            .collect();
        for &n in &buckets {
            self.verify(&receipts::bucket_file(n))?;
        }
        receipts::lookup_where(&self.dir, prefix, &buckets, wanted)
    }

    /// Every line of the receipt index as (file, line, key, entry), and
    /// the problems found: for `data check`.
    pub fn receipt_index(&self) -> Result<receipts::IndexRows> {
        receipts::scan_all(&self.dir)
    }

    /// The recorded lengths of the derived files.
    fn lengths(&self) -> Result<&lengths::Lengths> {
        if let Some(l) = self.lengths.get() {
            return Ok(l);
        }
        let l = lengths::Lengths::read(&self.dir)?;
        Ok(self.lengths.get_or_init(|| l))
    }

    /// Refuses a derived file (`receipts/00a.idx`, `balances/M000.csv`)
    /// that is not as long as the last commit left it; any other file
    /// passes.
    fn verify(&self, file: &str) -> Result<()> {
        if !lengths::tracked(file) {
            return Ok(());
        }
        self.lengths()?.verify(&self.dir, file)
    }

    fn verify_path(&self, path: &Path) -> Result<()> {
        match path.strip_prefix(&self.dir) {
            Ok(rel) => self.verify(&rel.to_string_lossy()),
            Err(_) => Ok(()),
        }
    }

    /// Refuses a derived directory (`balances/`) any of whose files is
    /// missing, or not as long as recorded.
    fn verify_dir(&self, sub: &str) -> Result<()> {
        if !lengths::tracked(sub) {
            return Ok(());
        }
        for (file, _) in self.lengths()?.under(sub) {
            self.verify(file)?;
        }
        for file in lengths::list(&self.dir, sub)? {
            self.verify(&file)?;
        }
        Ok(())
    }

    /// The derived files whose length is not the one recorded, for `data
    /// check`: each with what is wrong.
    pub fn check_lengths(&self) -> Result<Vec<Problem>> {
        // Data not yet migrated has no record; `data migrate` writes it.
        if !self.unsharded.is_empty() {
            return Ok(Vec::new());
        }
        let recorded = match self.lengths() {
            Ok(l) => l,
            Err(StoreError::Corrupt { path, line, msg }) => {
                return Ok(vec![Problem { path, line, msg }])
            }
            Err(e) => return Err(e),
        };
        let mut files: std::collections::BTreeSet<String> = std::collections::BTreeSet::new();
        for sub in lengths::DERIVED {
            files.extend(recorded.under(sub).map(|(f, _)| f.to_string()));
            files.extend(lengths::list(&self.dir, sub)?);
        }
        let mut out = Vec::new();
        for file in files {
            if let Some(msg) = recorded.problem(&self.dir, &file)? {
                out.push(Problem {
                    path: self.dir.join(&file),
                    line: 0,
                    msg,
                });
            }
        }
        Ok(out)
    }

    /// One bucket of an index, checked against its recorded length.
    fn read_index<T: Record>(&self, ix: &Index<T>, file: &str) -> Result<Vec<(String, String)>> {
        self.verify(file)?;
        index::read(&self.dir, ix, file)
    }

    /// Puts the whole receipt index into a rebuild's transaction
    /// (`data reindex`, `points rebuild`): each bucket file given, and every
    /// other bucket emptied.
    pub fn put_receipt_index(
        &self,
        txn: &mut Txn,
        index: std::collections::BTreeMap<String, Vec<u8>>,
    ) -> Result<()> {
        for file in lengths::list(&self.dir, receipts::DIR)? {
            if !index.contains_key(&file) {
                txn.put_file_bytes(&file, Vec::new());
            }
        }
        for (file, bytes) in index {
            txn.put_file_bytes(&file, bytes);
        }
        Ok(())
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
        debug_assert!(self.unsharded.is_empty() || self.access == Access::Migrate);
        self.prepare(&mut txn)?;
        let mut manifest = self.manifest.clone();
        for f in txn.files() {
            if let Some(spec) = records::spec_of(&f) {
                manifest
                    .files
                    .entry(spec.manifest_name())
                    .or_insert(spec.version);
            }
        }
        if manifest != self.manifest {
            txn.put_file(MANIFEST, manifest.to_toml().into_bytes());
        }
        txn::commit(&self.dir, txn)?;
        self.manifest = manifest;
        self.lengths = std::cell::OnceCell::new();
        Ok(())
    }

    /// Settles what a transaction writes, before it is committed or a dry
    /// run reports it: see `fill_whole`. Running it twice changes nothing
    /// more.
    pub fn prepare(&self, txn: &mut Txn) -> Result<()> {
        if txn.prepared {
            return Ok(());
        }
        if !txn.whole.is_empty() || !txn.tables.is_empty() {
            self.fill_whole(txn)?;
        }
        self.index_history(txn)?;
        self.record_lengths(txn)?;
        txn.prepared = true;
        Ok(())
    }

    /// Puts into the transaction the history index lines of the journal
    /// lines it appends (see `history.rs`), made anew each time it is
    /// prepared.
    fn index_history(&self, txn: &mut Txn) -> Result<()> {
        txn.appends.retain(|(f, _)| !history::is_index_file(f));
        let mut add = Vec::new();
        for (file, bytes) in &txn.appends {
            let Some(journal) = history::JOURNALS.iter().find(|j| j.file == file) else {
                continue;
            };
            let before = fsutil::len(&self.dir.join(file))?;
            let lines = if before == 0 {
                // A new journal starts with its header row.
                let mut all = records::spec_of(file).map_or_else(Vec::new, |s| (s.header)());
                all.extend_from_slice(bytes);
                history::lines(*journal, &all, 0, true)?
            } else {
                history::lines(*journal, bytes, before, false)?
            };
            add.extend(lines);
        }
        for (file, bytes) in add {
            txn.append_owned(&file, bytes);
        }
        Ok(())
    }

    /// The lines of a journal about any of `keys` (a member's ledger
    /// entries; the audit lines of a member and its cards), in journal
    /// order, read through the history index. Data not yet migrated has
    /// no index: its journal is read through instead.
    pub fn history<T: Record>(&self, keys: &[&str]) -> Result<Vec<T>> {
        let Some(journal) = history::journal_of::<T>() else {
            return Err(StoreError::Missing(format!(
                "{} has no history index",
                T::FILE
            )));
        };
        let mut offsets = Vec::new();
        if self.unsharded.is_empty() {
            self.verify(journal.file)?;
            for key in keys {
                let file = shard::file(journal.dir, key);
                self.verify(&file)?;
                let bytes = fsutil::read_or_empty(&self.dir.join(&file))?;
                offsets.extend(history::offsets(&self.dir.join(&file), &bytes, key)?);
            }
        } else {
            for (file, bytes) in history::build(&self.dir, journal)? {
                for key in keys.iter().filter(|k| shard::file(journal.dir, k) == file) {
                    offsets.extend(history::offsets(&self.dir.join(&file), &bytes, key)?);
                }
            }
        }
        offsets.sort_unstable();
        history::read_at(&self.dir, journal, keys, &offsets)
    }

    /// The ledger entry with this id, found by bisecting the journal
    /// (its ids only grow): a few dozen small reads, whatever its length.
    pub fn ledger_entry(&self, id: &str) -> Result<Option<LedgerEntry>> {
        history::find_by_id(&self.path::<LedgerEntry>(), id)
    }

    /// What `data check` finds wrong with the history index: each file
    /// compared with the one the journals give.
    pub fn check_history(&self) -> Result<Vec<Problem>> {
        let mut out = Vec::new();
        if !self.unsharded.is_empty() {
            return Ok(out);
        }
        for journal in history::JOURNALS {
            let mut built = match history::build(&self.dir, journal) {
                Ok(b) => b,
                // A journal that does not read is reported where it is.
                Err(StoreError::Corrupt { .. }) => continue,
                Err(e) => return Err(e),
            };
            for file in lengths::list(&self.dir, journal.dir)? {
                built.entry(file).or_default();
            }
            for (file, want) in built {
                let path = self.dir.join(&file);
                if fsutil::read_or_empty(&path)? != want {
                    out.push(Problem {
                        path,
                        line: 0,
                        msg: format!(
                            "this file of the history index differs from {}. Run `clubctl data reindex`",
                            journal.file
                        ),
                    });
                }
            }
        }
        Ok(out)
    }

    /// The whole history index rebuilt from the journals, put into a
    /// rebuild's transaction (`data reindex`).
    pub fn put_history_index(&self, txn: &mut Txn) -> Result<()> {
        for journal in history::JOURNALS {
            let built = history::build(&self.dir, journal)?;
            for file in lengths::list(&self.dir, journal.dir)? {
                if !built.contains_key(&file) {
                    txn.put_file_bytes(&file, Vec::new());
                }
            }
            for (file, bytes) in built {
                txn.put_file_bytes(&file, bytes);
            }
        }
        Ok(())
    }

    /// Puts into the transaction the new record of derived files' lengths
    /// (`lengths.rs`): the length each derived file it writes will have.
    /// A derived file appended to must be as recorded first, or the append
    /// would make a cut file look whole.
    pub(super) fn record_lengths(&self, txn: &mut Txn) -> Result<()> {
        let writes = |f: &String| lengths::tracked(f);
        if !txn.relength
            && !txn.tables.iter().map(|(f, _)| f).any(writes)
            && !txn.appends.iter().map(|(f, _)| f).any(writes)
        {
            return Ok(());
        }
        let mut record = if txn.relength {
            lengths::scan(&self.dir)?
        } else {
            self.lengths()?.clone()
        };
        for (file, bytes) in txn.tables.iter().filter(|(f, _)| writes(f)) {
            record.set(file, bytes.len() as u64);
        }
        for (file, bytes) in txn.appends.iter().filter(|(f, _)| writes(f)) {
            // A journal ending in a torn line is refused by the commit
            // itself, with the command that repairs it.
            let torn = || -> Result<bool> {
                Ok(!matches!(
                    fsutil::last_byte(&self.dir.join(file))?,
                    None | Some(b'\n')
                ))
            };
            let skip = txn.relength || (lengths::covered(file) && torn()?);
            if !skip {
                self.verify(file)?;
            }
            record.set(file, txn::len_after(&self.dir, file, bytes)?);
        }
        // Compared with the record as read, not the file read again; an
        // unreadable one (a rebuild's reason to run) is replaced.
        if self.lengths().map_or(true, |current| *current != record) {
            txn.put_file(lengths::FILE, record.encode());
        }
        Ok(())
    }

    /// For each sharded table the transaction replaces whole: every shard
    /// it no longer has rows for is emptied (left with its header), and a
    /// shard whose bytes do not change is not rewritten, so a nightly job
    /// that touches a few members syncs a few files.
    fn fill_whole(&self, txn: &mut Txn) -> Result<()> {
        for sub in std::mem::take(&mut txn.whole) {
            let Some(spec) = records::spec_of(&format!("{sub}/")) else {
                continue;
            };
            for path in shard::list(&self.dir.join(sub))? {
                let name = format!(
                    "{sub}/{}",
                    path.file_name().unwrap_or_default().to_string_lossy()
                );
                if !txn.tables.iter().any(|(f, _)| *f == name) {
                    txn.tables.push((name, (spec.header)()));
                }
            }
        }
        self.skip_unchanged(txn)
    }

    /// Drops from the transaction every file it would write with the bytes
    /// the file already has: no temp file, no sync, no rename for it.
    fn skip_unchanged(&self, txn: &mut Txn) -> Result<()> {
        let mut kept = Vec::with_capacity(txn.tables.len());
        for (file, bytes) in std::mem::take(&mut txn.tables) {
            let path = self.dir.join(&file);
            let same = fsutil::len(&path)? == bytes.len() as u64
                && path.is_file()
                && fsutil::read_or_empty(&path)? == bytes;
            if !same {
                kept.push((file, bytes));
            }
        }
        txn.tables = kept;
        Ok(())
    }

    /// Refuses when any journal ends in a torn line (a write cut short):
    /// one byte read per journal. A journal kept in shards is not looked
    /// at here, so that opening the store costs the same in any club: a
    /// torn line in one of its shards refuses every command reading or
    /// appending to that shard, and `data check` finds it.
    pub fn check_journals(&self) -> Result<()> {
        for f in records::FILES
            .iter()
            .filter(|f| f.journal && f.shards.is_none())
        {
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
        for file in self.journal_files()? {
            let file = file.as_str();
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

    /// Every journal file, by its path in the data directory: each shard
    /// of a journal kept in shards.
    fn journal_files(&self) -> Result<Vec<String>> {
        let mut out = Vec::new();
        for f in records::FILES.iter().filter(|f| f.journal) {
            match f.shards.filter(|_| !self.unsharded.contains(&f.name)) {
                Some(sub) => {
                    for path in shard::list(&self.dir.join(sub))? {
                        let name = path.file_name().unwrap_or_default().to_string_lossy();
                        out.push(format!("{sub}/{name}"));
                    }
                }
                None => out.push(f.name.to_string()),
            }
        }
        Ok(out)
    }
}

/// Every table and journal the manifest lists is there, and every one
/// that is there is a regular file of its own (no link, no directory): a
/// command never starts a new, empty journal where one was lost, nor reads
/// or writes through a link. One `lstat` a file.
fn check_files(dir: &Path, manifest: &Manifest) -> Result<()> {
    for f in records::FILES {
        // A sharded table not yet migrated is still its one file.
        let (name, want_dir) = match f.shards {
            Some(sub) if !manifest.files.contains_key(f.name) => (sub, true),
            _ => (f.name, false),
        };
        let listed =
            manifest.files.contains_key(f.name) || manifest.files.contains_key(&f.manifest_name());
        let path = dir.join(name);
        match std::fs::symlink_metadata(&path) {
            Ok(m) if want_dir && !m.file_type().is_dir() => {
                return Err(StoreError::Missing(format!(
                    "{} is not a directory: it holds the shards of a table (one CSV file per thousand rows). Restore it from a backup, then run `clubctl data check`",
                    path.display()
                )))
            }
            Ok(m) if !want_dir && !m.file_type().is_file() => {
                return Err(fsutil::not_regular(&path, &m))
            }
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                if listed {
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
