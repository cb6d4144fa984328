//! Tables kept in shards: a directory of CSV files, each holding the rows
//! whose keys share all but their last three characters (`members/M000.csv`
//! holds M000000 to M000999). A command on one record reads and rewrites
//! one shard of at most a thousand rows, whatever the size of the club; a
//! person still opens, greps and diffs plain CSV, and `cat members/*.csv`
//! lists the table (one header per shard).

use super::codec::{key_order, Record};
use super::error::{io_err, Result};
use super::fsutil;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Keys sharing a shard differ only in this many trailing characters.
const SPREAD: usize = 3;

/// The shard of keys that do not end in digits after a plain prefix (an id
/// typed by hand into an old import): kept together, in key order.
pub const OTHER: &str = "_other";

/// The name of the shard holding `key`, without directory or extension.
pub fn name(key: &str) -> &str {
    let plain = key.len() > SPREAD
        && key.bytes().all(|b| b.is_ascii_alphanumeric())
        && key.as_bytes()[key.len() - SPREAD..]
            .iter()
            .all(u8::is_ascii_digit);
    if plain {
        &key[..key.len() - SPREAD]
    } else {
        OTHER
    }
}

/// The shard file of `key` in the table directory `dir`, relative to the
/// data directory: `members/M000.csv`.
pub fn file(dir: &str, key: &str) -> String {
    format!("{dir}/{}.csv", name(key))
}

/// The shard file of a row of `T` with this key, relative to the data
/// directory, named as `T` spreads its rows (`Record::shard_of`).
pub fn file_of<T: Record>(key: &str) -> String {
    format!("{}/{}.csv", dir_of::<T>(), T::shard_of(key))
}

/// The shard of a key made of an owner's key, a slash and more
/// (`E0001/M000012`, a registration of event E0001): the owner's key, so
/// that the rows of one owner share one file. An owner key that is not
/// plain letters and digits goes to the odd-key shard.
pub fn owner(key: &str) -> &str {
    match key.split_once('/') {
        Some((owner, _))
            if !owner.is_empty() && owner.bytes().all(|b| b.is_ascii_alphanumeric()) =>
        {
            owner
        }
        _ => OTHER,
    }
}

/// The shard files of a table directory, in key order (so reading them one
/// after another gives the rows in key order). A missing directory has none.
pub fn list(dir: &Path) -> Result<Vec<PathBuf>> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(io_err("reading", dir)(e)),
    };
    let mut names = Vec::new();
    for entry in entries {
        let entry = entry.map_err(io_err("reading", dir))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        // Temp files of a transaction, backups and notes a person left
        // beside the shards are not shards.
        if let Some(stem) = name.strip_suffix(".csv") {
            if !stem.starts_with('.') {
                names.push(stem.to_string());
            }
        }
    }
    names.sort_by(|a, b| order(a, b));
    Ok(names
        .into_iter()
        .map(|n| dir.join(format!("{n}.csv")))
        .collect())
}

/// Shard names in the order of the keys they hold; the odd-key shard last.
fn order(a: &str, b: &str) -> std::cmp::Ordering {
    (a == OTHER, ())
        .cmp(&(b == OTHER, ()))
        .then(key_order(a, b))
}

/// Rows grouped by shard file (relative to the data directory), each group
/// in key order.
pub fn group<T: Record>(rows: &mut [T]) -> BTreeMap<String, Vec<usize>> {
    rows.sort_by(|a, b| key_order(a.key(), b.key()));
    let mut out: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, r) in rows.iter().enumerate() {
        out.entry(file_of::<T>(r.key())).or_default().push(i);
    }
    out
}

/// Rows grouped by shard file (relative to the data directory), each group
/// in the order given: the lines of a journal kept in shards.
pub fn lines_by_shard<T: Record>(rows: &[T]) -> BTreeMap<String, Vec<&T>> {
    let mut out: BTreeMap<String, Vec<&T>> = BTreeMap::new();
    for r in rows {
        out.entry(file_of::<T>(r.key())).or_default().push(r);
    }
    out
}

/// The table directory of a sharded record type.
pub fn dir_of<T: Record>() -> &'static str {
    T::SHARDS.unwrap_or(T::FILE)
}

/// Whether a path names a regular shard file: the refusal for a link or
/// directory put where a shard should be.
pub fn check(path: &Path) -> Result<()> {
    fsutil::open_read(path).map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shard_holds_a_thousand_keys() {
        assert_eq!(name("M000000"), "M000");
        assert_eq!(name("M000999"), "M000");
        assert_eq!(name("M001000"), "M001");
        assert_eq!(name("M1000000"), "M1000");
        assert_eq!(name("VIP000013"), "VIP000");
        assert_eq!(file("members", "M000012"), "members/M000.csv");
    }

    #[test]
    fn the_rows_of_one_owner_share_a_shard() {
        assert_eq!(owner("E0001/M000012"), "E0001");
        assert_eq!(owner("E12345/M1000000"), "E12345");
        for key in ["E0001", "/M000012", "../x/M1", "E 1/M1", "活动/M1"] {
            assert_eq!(owner(key), OTHER, "{key}");
        }
    }

    #[test]
    fn odd_keys_share_one_shard() {
        for key in ["M12", "M-0001", "../x123", "abc", "M000 12", "客户123"] {
            assert_eq!(name(key), OTHER, "{key}");
        }
    }

    #[test]
    fn shards_list_in_key_order() {
        let tmp = tempfile::tempdir().unwrap();
        for n in ["M1000", OTHER, "M999", "M000", ".clubctl-x.tmp", "notes"] {
            std::fs::write(tmp.path().join(format!("{n}.csv")), "").unwrap();
        }
        std::fs::write(tmp.path().join("M001.csv.bak"), "").unwrap();
        let names: Vec<String> = list(tmp.path())
            .unwrap()
            .iter()
            .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["M000", "M999", "M1000", "notes", OTHER]);
    }
}
