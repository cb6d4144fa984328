//! Secondary indexes: which keys of a table hold a value (which members
//! hold a phone number, which leads a company). An index is derived data,
//! kept in the same commit as its table, as plain CSV files:
//! `index/phones/69.csv` lists every phone ending in 69 with the member
//! holding it.
//!
//! Every bucket file always exists (a new data directory, a migration and
//! a rebuild write all of them), so a deleted bucket is found at once and
//! refused, never read as "nobody holds this number". A lookup checks each
//! key the index gives against the table row, so an index that names a
//! row no longer holding the value is refused too. `data check` compares
//! every bucket with the table; `data reindex` rebuilds them.

use super::codec::{key_order, Record};
use super::error::{Result, StoreError};
use super::fsutil;
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::Path;

/// How an index spreads its values over its bucket files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Spread {
    /// By the value's last two digits (`69.csv`), `_other.csv` for a value
    /// not ending in two: phone numbers, staff ids.
    LastDigits,
    /// By a fixed hash of the value, into `00.csv` to `99.csv`: names,
    /// whose last characters say little.
    Hashed,
}

/// One index of a table of `T`: its directory, the name of the indexed
/// column (the bucket files' first header), how values are spread, and the
/// value a row is indexed under (none: the row is not in this index).
pub struct Index<T> {
    pub dir: &'static str,
    pub column: &'static str,
    pub spread: Spread,
    pub value: for<'a> fn(&'a T) -> Option<Cow<'a, str>>,
}

impl<T> Clone for Index<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Index<T> {}

impl<T> Index<T> {
    /// The value `row` is indexed under; none when it has none or an
    /// empty one.
    pub fn of<'a>(&self, row: &'a T) -> Option<Cow<'a, str>> {
        (self.value)(row).filter(|v| !v.is_empty())
    }

    /// Every bucket name of this index.
    pub fn buckets(&self) -> Vec<String> {
        let numbered = (0..100).map(|n| format!("{n:02}"));
        match self.spread {
            Spread::LastDigits => numbered.chain([OTHER.to_string()]).collect(),
            Spread::Hashed => numbered.collect(),
        }
    }

    /// The bucket file of a value, relative to the data directory.
    pub fn file(&self, value: &str) -> String {
        match self.spread {
            Spread::LastDigits => format!("{}/{}.csv", self.dir, bucket(value)),
            Spread::Hashed => format!("{}/{:02}.csv", self.dir, hash(value) % 100),
        }
    }
}

/// Bucket files by their path in the data directory, each with its bytes.
pub type BucketFiles = Vec<(String, Vec<u8>)>;

/// Values not ending in two digits share this bucket.
const OTHER: &str = "_other";

/// The bucket of a value: its last two characters when they are digits.
pub fn bucket(value: &str) -> &str {
    let b = value.as_bytes();
    if b.len() >= 2 && b[b.len() - 2..].iter().all(u8::is_ascii_digit) {
        &value[value.len() - 2..]
    } else {
        OTHER
    }
}

/// FNV-1a: fixed for all time, since bucket files are named by it.
fn hash(value: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in value.as_bytes() {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// A bucket's header: the indexed column, then the table's key column.
fn header<T: Record>(index: &Index<T>) -> String {
    format!("{},{}\n", index.column, T::HEADER[0])
}

/// Bucket bytes for `pairs` (value, key), sorted by value then key.
pub fn encode<T: Record>(index: &Index<T>, pairs: &mut [(String, String)]) -> Vec<u8> {
    pairs.sort_by(|a, b| a.0.cmp(&b.0).then(key_order(&a.1, &b.1)));
    let mut w = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(header(index).into_bytes());
    for (v, k) in pairs.iter() {
        // Writing into memory cannot fail.
        let _ = w.write_record([v, k]);
    }
    w.into_inner().unwrap_or_default()
}

/// Every bucket of a whole table's index, each file with its bytes (empty
/// buckets with their header alone).
pub fn build<T: Record>(index: &Index<T>, rows: &[T]) -> BucketFiles {
    let mut by: BTreeMap<String, Vec<(String, String)>> = index
        .buckets()
        .into_iter()
        .map(|b| (format!("{}/{b}.csv", index.dir), Vec::new()))
        .collect();
    for r in rows {
        if let Some(v) = index.of(r) {
            by.entry(index.file(&v))
                .or_default()
                .push((v.into_owned(), r.key().to_string()));
        }
    }
    by.into_iter()
        .map(|(file, mut pairs)| {
            let bytes = encode(index, &mut pairs);
            (file, bytes)
        })
        .collect()
}

/// Every bucket of every index of a table (see `build`).
pub fn build_all<T: Record>(rows: &[T]) -> BucketFiles {
    T::INDEXES.iter().flat_map(|ix| build(ix, rows)).collect()
}

/// Every bucket of every index of an empty table: what `init` writes.
pub fn empty<T: Record>() -> BucketFiles {
    build_all::<T>(&[])
}

/// The pairs of one bucket file, refusing a missing or unreadable one with
/// the command that rebuilds it.
pub fn read<T: Record>(dir: &Path, index: &Index<T>, file: &str) -> Result<Vec<(String, String)>> {
    let path = dir.join(file);
    let stale = |msg: String| StoreError::Corrupt {
        path: path.clone(),
        line: 1,
        msg: format!(
            "{msg}; the index is derived from the table: run `clubctl data reindex` to rebuild it"
        ),
    };
    let Some(_) = fsutil::open_read(&path)? else {
        return Err(StoreError::Missing(format!(
            "{} is missing: the {} index is incomplete (it was deleted or moved). Run `clubctl data reindex` to rebuild it from the table",
            path.display(),
            index.column
        )));
    };
    let bytes = fsutil::read(&path)?;
    let mut rdr = csv::ReaderBuilder::new().from_reader(bytes.as_slice());
    let want = header(index);
    match rdr.byte_headers() {
        Ok(h) if h.iter().eq(want.trim_end().split(',').map(str::as_bytes)) => {}
        _ => return Err(stale(format!("the header is not '{}'", want.trim_end()))),
    }
    let mut out = Vec::new();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| stale(e.to_string()))?;
        match (rec.get(0), rec.get(1)) {
            (Some(v), Some(k)) if rec.len() == 2 => out.push((v.to_string(), k.to_string())),
            _ => return Err(stale("a row does not have 2 fields".into())),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_phone_goes_by_its_last_two_digits() {
        assert_eq!(bucket("13800000069"), "69");
        assert_eq!(bucket("010-8888 1200"), "00");
        assert_eq!(bucket("5"), OTHER);
        assert_eq!(bucket("138000000x"), OTHER);
    }

    #[test]
    fn every_bucket_of_an_index_is_written_and_a_value_is_in_one() {
        use crate::store::records::{LEAD_COMPANIES, LIVE_LEADS};
        assert_eq!(LIVE_LEADS.buckets().len(), 101);
        assert_eq!(LEAD_COMPANIES.buckets().len(), 100);
        assert_eq!(build(&LEAD_COMPANIES, &[]).len(), 100);
        assert_eq!(LIVE_LEADS.file("S01"), "index/live-leads/01.csv");
        assert_eq!(LIVE_LEADS.file("boss"), "index/live-leads/_other.csv");
        assert_eq!(LEAD_COMPANIES.file("acme"), "index/lead-companies/87.csv");
    }

    #[test]
    fn a_name_goes_by_a_fixed_hash() {
        // Bucket files are named by the hash: it must never change.
        assert_eq!(hash(""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(hash("acme"), 0x0724_d383_f4f6_de0f);
        assert_eq!(hash("acme") % 100, 87);
    }
}
