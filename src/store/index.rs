//! Secondary indexes: which keys of a table hold a value (which members
//! hold a phone number). An index is derived data, kept in the same commit
//! as its table, as plain CSV files: `index/phones/69.csv` lists every
//! phone ending in 69 with the member holding it.
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
use std::collections::BTreeMap;
use std::path::Path;

/// A table's index: its directory and the name of the indexed column.
#[derive(Debug, Clone, Copy)]
pub struct Index {
    pub dir: &'static str,
    pub column: &'static str,
}

/// Values not ending in two digits share this bucket.
const OTHER: &str = "_other";

/// Every bucket name: `00` to `99`, then `_other`.
pub fn buckets() -> impl Iterator<Item = String> {
    (0..100)
        .map(|n| format!("{n:02}"))
        .chain([OTHER.to_string()])
}

/// The bucket of a value: its last two characters when they are digits.
pub fn bucket(value: &str) -> &str {
    let b = value.as_bytes();
    if b.len() >= 2 && b[b.len() - 2..].iter().all(u8::is_ascii_digit) {
        &value[value.len() - 2..]
    } else {
        OTHER
    }
}

/// The bucket file of a value, relative to the data directory.
pub fn file(index: Index, value: &str) -> String {
    format!("{}/{}.csv", index.dir, bucket(value))
}

/// A bucket's header: the indexed column, then the table's key column.
fn header<T: Record>(index: Index) -> String {
    format!("{},{}\n", index.column, T::HEADER[0])
}

/// Bucket bytes for `pairs` (value, key), sorted by value then key.
pub fn encode<T: Record>(index: Index, pairs: &mut [(String, String)]) -> Vec<u8> {
    pairs.sort_by(|a, b| a.0.cmp(&b.0).then(key_order(&a.1, &b.1)));
    let mut w = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(header::<T>(index).into_bytes());
    for (v, k) in pairs.iter() {
        // Writing into memory cannot fail.
        let _ = w.write_record([v, k]);
    }
    w.into_inner().unwrap_or_default()
}

/// Every bucket of a whole table's index, each file with its bytes (empty
/// buckets with their header alone).
pub fn build<T: Record>(index: Index, rows: &[T]) -> Vec<(String, Vec<u8>)> {
    let mut by: BTreeMap<String, Vec<(String, String)>> =
        buckets().map(|b| (b, Vec::new())).collect();
    for r in rows {
        if let Some(v) = r.index_value().filter(|v| !v.is_empty()) {
            by.entry(bucket(v).to_string())
                .or_default()
                .push((v.to_string(), r.key().to_string()));
        }
    }
    by.into_iter()
        .map(|(b, mut pairs)| {
            (
                format!("{}/{b}.csv", index.dir),
                encode::<T>(index, &mut pairs),
            )
        })
        .collect()
}

/// The pairs of one bucket file, refusing a missing or unreadable one with
/// the command that rebuilds it.
pub fn read<T: Record>(dir: &Path, index: Index, file: &str) -> Result<Vec<(String, String)>> {
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
    let want = header::<T>(index);
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
        assert_eq!(buckets().count(), 101);
    }
}
