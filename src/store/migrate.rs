//! `data migrate`: a data directory of an earlier format brought to this
//! one, all or nothing, with a copy of every file it replaces.
//!
//! Format 2 keeps the members, cards and balances tables in shards (see
//! `shard.rs`) instead of one file each, with the members' phone index;
//! format 3 the leads and registrations too, with the leads' indexes. The
//! migration reads each old table (refusing one that does not parse: `data
//! check` first), copies it and the manifest into `backups/format-N/` (N
//! the format it had), then writes the shards, their indexes and the new
//! manifest in one transaction; the old files are removed only after that
//! commit. Killed before the commit, nothing changed (the next open undoes
//! the staged files); killed after it, the directory is in the new format
//! and running the migration again removes the old files the backup holds.

use super::codec::{self, Record};
use super::error::{io_err, Result, StoreError};
use super::manifest::MANIFEST;
use super::records::{self, FileSpec};
use super::{fsutil, shard, txn, Access, Store, Txn};
use std::path::PathBuf;

/// Where the files a migration replaces are kept, in the data directory:
/// `backups/format-N`, N the data format they were written in.
pub const BACKUPS: &str = "backups";

/// The tables each data format after the first was the first to keep in
/// shards, by their file before shards: format 2, then 3.
const FORMATS: [&[&str]; 2] = [
    &["members.csv", "cards.csv", "balances.csv"],
    &[
        "leads.csv",
        "registrations.csv",
        "lead_events.csv",
        "lead_log.csv",
    ],
];

/// The data format of a directory whose tables in `unsharded` are still
/// kept in one file each: that of the first format to shard one of them,
/// less one.
fn format_before(unsharded: &[&str]) -> usize {
    FORMATS
        .iter()
        .position(|tables| tables.iter().any(|t| unsharded.contains(t)))
        .map_or(FORMATS.len() + 1, |i| i + 1)
}

/// The backup directory of a migration from data format `n`.
fn backup_of(n: usize) -> String {
    format!("{BACKUPS}/format-{n}")
}

/// What a migration did.
#[derive(Debug, Default)]
pub struct Migrated {
    /// Each table converted, with the number of its rows and shards.
    pub tables: Vec<(String, usize, usize)>,
    /// Where the old files were copied.
    pub backup: Option<PathBuf>,
    /// Old files left by a migration killed after its commit, removed now.
    pub cleaned: Vec<String>,
}

/// The shards of one old table: rows decoded (so a bad row refuses the
/// migration, naming its line) and written as `put_table` writes them; the
/// lines of a journal each to its shard, in the order the journal has them,
/// as appending them one by one would have.
fn split<T: Record>(store: &Store, txn: &mut Txn) -> Result<(usize, usize)> {
    let mut rows: Vec<T> = codec::load(&store.dir.join(T::FILE))?;
    let n = rows.len();
    if T::JOURNAL {
        for (file, part) in shard::lines_by_shard(&rows) {
            let mut bytes = codec::header::<T>();
            bytes.extend(codec::encode_lines(&part));
            txn.put_file_bytes(&file, bytes);
        }
    } else {
        txn.put_table(&mut rows);
        txn.whole.clear();
    }
    let dir = shard::dir_of::<T>();
    let shards = txn
        .tables
        .iter()
        .filter(|(f, _)| f.strip_prefix(dir).is_some_and(|r| r.starts_with('/')))
        .count();
    Ok((n, shards))
}

fn split_spec(store: &Store, spec: &FileSpec, txn: &mut Txn) -> Result<(usize, usize)> {
    use crate::domain::card::Card;
    use crate::domain::event::Registration;
    use crate::domain::lead::{FollowUp, Lead, LeadEvent};
    use crate::domain::{member::Member, points::Account};
    match spec.name {
        Member::FILE => split::<Member>(store, txn),
        Card::FILE => split::<Card>(store, txn),
        Account::FILE => split::<Account>(store, txn),
        Lead::FILE => split::<Lead>(store, txn),
        Registration::FILE => split::<Registration>(store, txn),
        LeadEvent::FILE => split::<LeadEvent>(store, txn),
        FollowUp::FILE => split::<FollowUp>(store, txn),
        other => Err(StoreError::Missing(format!(
            "internal: no conversion of {other} to shards"
        ))),
    }
}

impl Store {
    /// Converts every table still kept in one file into shards; with
    /// `dry_run`, only reads and checks them.
    pub fn migrate(&mut self, dry_run: bool) -> Result<Migrated> {
        debug_assert_eq!(self.access, Access::Migrate);
        let mut done = Migrated::default();
        if self.unsharded.is_empty() {
            done.cleaned = self.clean_after_migration(dry_run)?;
            return Ok(done);
        }
        let specs: Vec<&'static FileSpec> = self
            .unsharded
            .iter()
            .filter_map(|name| records::unsharded_spec(name))
            .collect();
        let mut txn = Txn::new();
        let mut manifest = self.manifest.clone();
        for spec in &specs {
            let (rows, shards) = split_spec(self, spec, &mut txn)?;
            done.tables.push((spec.name.to_string(), rows, shards));
            manifest.files.remove(spec.name);
            manifest.files.insert(spec.manifest_name(), spec.version);
        }
        if dry_run {
            return Ok(done);
        }
        let backup = self.dir.join(backup_of(format_before(&self.unsharded)));
        fsutil::create_dir_private(&self.dir.join(BACKUPS))?;
        fsutil::create_dir_private(&backup)?;
        for name in specs.iter().map(|s| s.name).chain([MANIFEST]) {
            let bytes = fsutil::read(&self.dir.join(name))?;
            fsutil::write_atomic(&backup.join(name), &bytes)?;
        }
        fsutil::sync_dir(&backup)?;
        for sub in specs.iter().filter_map(|s| s.shards) {
            let path = self.dir.join(sub);
            if !path.is_dir() {
                fsutil::create_dir_private(&path)?;
            }
        }
        fsutil::sync_dir(&self.dir)?;
        txn.put_file(MANIFEST, manifest.to_toml().into_bytes());
        // The derived files the old format had (the receipt index) are
        // taken as they are: their lengths are recorded from here on.
        self.put_history_index(&mut txn)?;
        txn.rebuild();
        self.record_lengths(&mut txn)?;
        txn::commit(&self.dir, txn)?;
        self.manifest = manifest;
        self.unsharded.clear();
        done.backup = Some(backup);
        // The old files are in the backup; removing them is part of this
        // migration, not a leftover to report.
        self.clean_after_migration(false)?;
        Ok(done)
    }

    /// Removes the old single-file tables a committed migration left, each
    /// only when a backup holds the same bytes.
    fn clean_after_migration(&self, dry_run: bool) -> Result<Vec<String>> {
        let mut cleaned = Vec::new();
        for spec in records::FILES.iter().filter(|f| f.shards.is_some()) {
            let old = self.dir.join(spec.name);
            if !old.is_file() || self.manifest.files.contains_key(spec.name) {
                continue;
            }
            let mut same = false;
            for n in 1..=FORMATS.len() {
                let kept = self.dir.join(backup_of(n)).join(spec.name);
                same = same || (kept.is_file() && fsutil::read(&kept)? == fsutil::read(&old)?);
            }
            if same {
                if !dry_run {
                    std::fs::remove_file(&old).map_err(io_err("removing", &old))?;
                }
                cleaned.push(spec.name.to_string());
            }
        }
        if !cleaned.is_empty() && !dry_run {
            fsutil::sync_dir(&self.dir)?;
        }
        Ok(cleaned)
    }
}
