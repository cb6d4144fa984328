//! Changing a few rows of a large table without decoding the rest: the
//! file is split into raw records, the changed rows are encoded and put in
//! their sorted places, and everything else is copied byte for byte.

use super::codec::{encode_rows, key_order, Problem, Record};
use super::error::Result;
use std::collections::HashSet;
use std::path::Path;

/// A row's key and the byte range it spans.
type Span = (Vec<u8>, usize, usize);

/// Where the rows start, and each data row's key and byte range, in file
/// order. Every row is checked as it goes by, because a writer copies the
/// rows it does not change: a row that does not decode, a duplicated or
/// misplaced key, is refused before anything is written (a table that
/// `data check` would fault is never built upon).
fn rows<T: Record>(path: &Path, bytes: &[u8]) -> Result<(usize, Vec<Span>)> {
    let mut rdr = csv::ReaderBuilder::new().from_reader(bytes);
    let mut rec = csv::ByteRecord::new();
    let mut out: Vec<Span> = Vec::new();
    let problem = |line: u64, msg: String| -> super::StoreError {
        Problem {
            path: path.to_path_buf(),
            line,
            msg: format!("{msg}; run `clubctl data check` to see every problem"),
        }
        .into()
    };
    let bad = |e: csv::Error| problem(e.position().map_or(0, |p| p.line()), e.to_string());
    let headers = rdr.byte_headers().map_err(bad)?.clone();
    if !headers.iter().eq(T::HEADER.iter().map(|h| h.as_bytes())) {
        return Err(problem(
            1,
            format!("the header is not '{}'", T::HEADER.join(",")),
        ));
    }
    let body = rdr.position().byte() as usize;
    loop {
        let start = rdr.position().byte() as usize;
        if !rdr.read_byte_record(&mut rec).map_err(bad)? {
            break;
        }
        let end = rdr.position().byte() as usize;
        let line = rec.position().map_or(0, |p| p.line());
        let row: T = rec
            .deserialize(Some(&headers))
            .map_err(|e| problem(line, e.to_string()))?;
        let key = row.key().as_bytes();
        if let Some((prev, _, prev_end)) = out.last_mut() {
            if (prev.len(), prev.as_slice()) >= (key.len(), key) {
                return Err(problem(
                    line,
                    format!(
                        "the key {} is {} (rows are kept in key order, each once)",
                        row.key(),
                        if prev.as_slice() == key {
                            "listed twice"
                        } else {
                            "out of order"
                        }
                    ),
                ));
            }
            *prev_end = start;
        }
        out.push((key.to_vec(), start, end));
    }
    Ok((body, out))
}

fn read(path: &Path) -> Result<Vec<u8>> {
    super::fsutil::read_or_empty(path)
}

/// The rows of a table whose keys are in `keys`, decoding only those.
pub fn find_many<T: Record>(path: &Path, keys: &HashSet<&str>) -> Result<Vec<T>> {
    let bytes = read(path)?;
    if bytes.is_empty() {
        return Ok(Vec::new());
    }
    let mut rdr = csv::ReaderBuilder::new().from_reader(bytes.as_slice());
    let headers = rdr
        .byte_headers()
        .map_err(|e| {
            super::StoreError::from(Problem {
                path: path.to_path_buf(),
                line: 1,
                msg: e.to_string(),
            })
        })?
        .clone();
    if !headers.iter().eq(T::HEADER.iter().map(|s| s.as_bytes())) {
        return Ok(super::codec::load::<T>(path)?
            .into_iter()
            .filter(|r| keys.contains(r.key()))
            .collect());
    }
    let mut rec = csv::ByteRecord::new();
    let mut out = Vec::new();
    loop {
        let more = rdr.read_byte_record(&mut rec).map_err(|e| {
            super::StoreError::from(Problem {
                path: path.to_path_buf(),
                line: e.position().map_or(0, |p| p.line()),
                msg: e.to_string(),
            })
        })?;
        if !more {
            break;
        }
        let key = std::str::from_utf8(rec.get(0).unwrap_or_default()).unwrap_or_default();
        if keys.contains(key) {
            let line = rec.position().map_or(0, |p| p.line());
            out.push(rec.deserialize::<T>(Some(&headers)).map_err(|e| {
                super::StoreError::from(Problem {
                    path: path.to_path_buf(),
                    line,
                    msg: e.to_string(),
                })
            })?);
        }
    }
    Ok(out)
}

/// The table at `path` with `changed` rows replacing the rows of the same
/// key, or inserted in key order. The table must be sorted by key, as
/// `Txn::put_table` writes it.
pub fn splice<T: Record>(path: &Path, mut changed: Vec<&T>) -> Result<Vec<u8>> {
    changed.sort_by(|a, b| key_order(a.key(), b.key()));
    let bytes = read(path)?;
    if bytes.is_empty() {
        return Ok(super::codec::encode_refs(&changed));
    }
    let (body, rows) = rows::<T>(path, &bytes)?;
    let mut out = Vec::with_capacity(bytes.len() + changed.len() * 64);
    out.extend_from_slice(&super::codec::header::<T>());
    let mut at = body;
    for row in changed.iter() {
        let key = row.key().as_bytes();
        let i = rows.partition_point(|(k, _, _)| (k.len(), k.as_slice()) < (key.len(), key));
        let (start, replace_end) = match rows.get(i) {
            Some((k, s, e)) if k.as_slice() == key => (*s, *e),
            Some((_, s, _)) => (*s, *s),
            None => (bytes.len(), bytes.len()),
        };
        out.extend_from_slice(&bytes[at..start]);
        out.extend_from_slice(&encode_rows(std::slice::from_ref(*row), false));
        at = replace_end;
    }
    out.extend_from_slice(&bytes[at..]);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::points::Account;
    use crate::domain::Cents;

    fn acc(m: &str, p: i64) -> Account {
        let mut a = Account::new(m);
        if p > 0 {
            a.lots.add("2026-11-25".parse().unwrap(), p);
        }
        a.points = p;
        a.wallet = Cents(p);
        a
    }

    #[test]
    fn splicing_equals_rewriting_the_whole_table() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("balances.csv");
        let mut all: Vec<Account> = ["M2", "M4", "M6"].iter().map(|m| acc(m, 1)).collect();
        std::fs::write(&path, super::super::codec::encode(&all)).unwrap();
        let changed = vec![acc("M7", 9), acc("M4", 5), acc("M1", 3), acc("M3", 2)];
        let spliced = splice(&path, changed.iter().collect()).unwrap();
        all.retain(|a| a.member != "M4");
        all.extend(changed);
        all.sort_by(|a, b| key_order(&a.member, &b.member));
        assert_eq!(
            String::from_utf8(spliced).unwrap(),
            String::from_utf8(super::super::codec::encode(&all)).unwrap()
        );
        let keys: HashSet<&str> = ["M4", "M9"].into();
        let found: Vec<Account> = find_many(&path, &keys).unwrap();
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].member, "M4");
    }
}
