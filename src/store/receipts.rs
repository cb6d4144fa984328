//! The receipt index: which ledger entry used a till receipt, so that a
//! retried till never earns twice, without reading the whole journal.
//!
//! Keys are spread by a fixed hash over `BUCKETS` append-only files under
//! `receipts/` (a file holds one `key,entry` CSV line per receipt). A
//! lookup reads one bucket, about 1/1024 of the index: some 5,000 lines
//! (150 KB) with five million receipts in the journal. More buckets would
//! make lookups smaller still, but an import appends to every bucket its
//! receipts fall in, and syncing thousands of files costs seconds even for
//! a small file. Lines are appended in
//! the same transaction as the journal entries they point at, and `data
//! check` proves the index equals what the journal says.

use super::error::{io_err, Result};
use super::Problem;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

pub const DIR: &str = "receipts";

/// A bucket's lines as (line, key, entry), and its problems.
type BucketRows = (Vec<(u64, String, String)>, Vec<Problem>);

/// Every index line as (file, line, key, entry), and the problems found.
pub type IndexRows = (Vec<(PathBuf, u64, String, String)>, Vec<Problem>);
pub const BUCKETS: u64 = 1024;

/// FNV-1a: fixed for all time, since bucket files are named by it.
fn hash(key: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in key.as_bytes() {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// The number of the bucket holding `key`.
pub fn bucket_no(key: &str) -> u16 {
    (hash(key) % BUCKETS) as u16
}

/// The bucket file (relative to the data directory) numbered `n`.
pub fn bucket_file(n: u16) -> String {
    format!("{DIR}/{n:03x}.idx")
}

/// The bucket file (relative to the data directory) holding `key`.
pub fn bucket(key: &str) -> String {
    bucket_file(bucket_no(key))
}

fn plain(s: &str) -> bool {
    !s.contains([',', '"', '\n', '\r'])
}

/// One index line: `key,entry`, quoted as CSV when a field needs it.
pub fn line(key: &str, entry: &str) -> Vec<u8> {
    if plain(key) && plain(entry) {
        let mut v = Vec::with_capacity(key.len() + entry.len() + 2);
        v.extend_from_slice(key.as_bytes());
        v.push(b',');
        v.extend_from_slice(entry.as_bytes());
        v.push(b'\n');
        return v;
    }
    let mut w = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(Vec::new());
    // Writing two strings into memory cannot fail.
    let _ = w.write_record([key, entry]);
    w.into_inner().unwrap_or_default()
}

/// Appends one index line for `key` and `entry` to `out` (as `line`).
pub fn push_line(out: &mut Vec<u8>, key: &str, entry: &str) {
    if plain(key) && plain(entry) {
        out.extend_from_slice(key.as_bytes());
        out.push(b',');
        out.extend_from_slice(entry.as_bytes());
        out.push(b'\n');
    } else {
        out.extend_from_slice(&line(key, entry));
    }
}

/// The bucket number of `prefix` followed by `rest`, without joining them.
pub fn bucket_no_of(prefix: &str, rest: &str) -> u16 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in prefix.bytes().chain(rest.bytes()) {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    (h % BUCKETS) as u16
}

/// The entries that already used any receipt key `prefix` + R for which
/// `wanted(R)` holds, reading only `buckets` (those the wanted keys fall
/// in, see `bucket_no_of`): for an import checking a million receipts
/// without making a million keys. Returns (R, entry) pairs. A torn or
/// malformed line in a bucket read is an error, as in `lookup`.
pub fn lookup_where(
    dir: &Path,
    prefix: &str,
    buckets: &[u16],
    wanted: impl Fn(&str) -> bool,
) -> Result<Vec<(String, String)>> {
    let mut found = Vec::new();
    for &n in buckets {
        let path = dir.join(bucket_file(n));
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(io_err("reading", &path)(e)),
        };
        let simple = bytes.last().is_none_or(|&b| b == b'\n') && !bytes.contains(&b'"');
        let text = std::str::from_utf8(&bytes).ok().filter(|_| simple);
        let Some(text) = text else {
            // Quotes, a torn line or bad bytes: the careful reader decides.
            let (rows, problems) = read_bucket(&path)?;
            if let Some(p) = problems.into_iter().next() {
                return Err(p.into());
            }
            for (_, k, e) in rows {
                if let Some(r) = k.strip_prefix(prefix).filter(|r| wanted(r)) {
                    found.push((r.to_string(), e));
                }
            }
            continue;
        };
        for (i, line) in text.split('\n').enumerate() {
            if line.is_empty() {
                continue;
            }
            let line = line.strip_suffix('\r').unwrap_or(line);
            let Some((k, e)) = line.split_once(',').filter(|(_, e)| !e.contains(',')) else {
                return Err(super::StoreError::Corrupt {
                    path,
                    line: i as u64 + 1,
                    msg: "expected 'key,entry'".into(),
                });
            };
            if let Some(r) = k.strip_prefix(prefix).filter(|r| wanted(r)) {
                found.push((r.to_string(), e.to_string()));
            }
        }
    }
    Ok(found)
}

/// Rows of one bucket file, with problems (a torn or malformed line).
/// Lines without quotes (nearly all) are split directly; building a CSV
/// reader per bucket would cost more than reading the bucket.
fn read_bucket(path: &Path) -> Result<BucketRows> {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok((vec![], vec![])),
        Err(e) => return Err(io_err("reading", path)(e)),
    };
    let mut problems = Vec::new();
    let mut body = bytes.as_slice();
    if !bytes.is_empty() && bytes.last() != Some(&b'\n') {
        let cut = bytes.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        problems.push(Problem {
            path: path.to_path_buf(),
            line: bytes[..cut].iter().filter(|&&b| b == b'\n').count() as u64 + 1,
            msg: "the last line is torn".into(),
        });
        body = &bytes[..cut];
    }
    let mut rows = Vec::new();
    let bad = |line: u64, msg: String| Problem {
        path: path.to_path_buf(),
        line,
        msg,
    };
    if body.contains(&b'"') {
        // Quoted fields (a receipt with a comma): the CSV reader decides.
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(body);
        let mut rec = csv::StringRecord::new();
        loop {
            match rdr.read_record(&mut rec) {
                Ok(false) => break,
                Ok(true) => {
                    let line = rec.position().map_or(0, |p| p.line());
                    if rec.len() == 2 {
                        rows.push((line, rec[0].to_string(), rec[1].to_string()));
                    } else {
                        problems.push(bad(
                            line,
                            format!("expected 'key,entry', found {} fields", rec.len()),
                        ));
                    }
                }
                Err(e) => {
                    problems.push(bad(e.position().map_or(0, |p| p.line()), e.to_string()));
                    break;
                }
            }
        }
        return Ok((rows, problems));
    }
    for (i, raw) in body.split(|&b| b == b'\n').enumerate() {
        let line = i as u64 + 1;
        if raw.is_empty() {
            continue;
        }
        let text = match std::str::from_utf8(raw) {
            Ok(t) => t.strip_suffix('\r').unwrap_or(t),
            Err(_) => {
                problems.push(bad(line, "not valid UTF-8".into()));
                continue;
            }
        };
        match text.split_once(',') {
            Some((k, e)) if !e.contains(',') => rows.push((line, k.to_string(), e.to_string())),
            _ => problems.push(bad(line, "expected 'key,entry'".into())),
        }
    }
    Ok((rows, problems))
}

/// The buckets `keys` fall in, each once, in order.
pub fn buckets_of<S: std::hash::BuildHasher>(keys: &HashSet<String, S>) -> Vec<u16> {
    let mut buckets: Vec<u16> = keys.iter().map(|k| bucket_no(k)).collect();
    buckets.sort_unstable();
    buckets.dedup();
    buckets
}

/// The entries that already used any of `keys`, reading each bucket the
/// keys fall in once.
pub fn lookup<S: std::hash::BuildHasher>(
    dir: &Path,
    keys: &HashSet<String, S>,
) -> Result<HashMap<String, String>> {
    let mut found = HashMap::new();
    for n in buckets_of(keys) {
        let (rows, problems) = read_bucket(&dir.join(bucket_file(n)))?;
        if let Some(p) = problems.into_iter().next() {
            return Err(p.into());
        }
        for (_, k, e) in rows {
            if keys.contains(&k) {
                found.insert(k, e);
            }
        }
    }
    Ok(found)
}

/// Every line of the index, for `data check`: (file, line, key, entry).
pub fn scan_all(dir: &Path) -> Result<IndexRows> {
    let sub = dir.join(DIR);
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    let mut files: Vec<PathBuf> = match std::fs::read_dir(&sub) {
        Ok(it) => it.flatten().map(|e| e.path()).collect(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok((rows, problems)),
        Err(e) => return Err(io_err("reading", &sub)(e)),
    };
    files.sort();
    for path in files {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let expected = name
            .strip_suffix(".idx")
            .and_then(|h| u64::from_str_radix(h, 16).ok())
            .filter(|n| *n < BUCKETS && name.len() == 7);
        let Some(_) = expected else {
            problems.push(Problem {
                path: path.clone(),
                line: 0,
                msg: "not a receipt index file; move it out of the receipts directory".into(),
            });
            continue;
        };
        let (r, p) = read_bucket(&path)?;
        problems.extend(p);
        for (line, k, e) in r {
            if format!("{DIR}/{name}") != bucket(&k) {
                problems.push(Problem {
                    path: path.clone(),
                    line,
                    msg: format!("receipt key '{k}' belongs in {}", bucket(&k)),
                });
            }
            rows.push((path.clone(), line, k, e));
        }
    }
    Ok((rows, problems))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_are_stable_and_spread() {
        assert_eq!(bucket("spend:R1"), bucket("spend:R1"));
        let distinct: HashSet<String> = (0..10_000)
            .map(|i| bucket(&format!("spend:R{i}")))
            .collect();
        assert!(distinct.len() > 1000, "{}", distinct.len());
    }

    #[test]
    fn lines_round_trip_plain_and_quoted() {
        let tmp = tempfile::tempdir().unwrap();
        let p = tmp.path().join("b.idx");
        let mut bytes = line("spend:R1", "T00000001");
        bytes.extend(line("spend:R,\"2\"", "T00000002"));
        std::fs::write(&p, &bytes).unwrap();
        let (rows, problems) = read_bucket(&p).unwrap();
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(rows[0].1, "spend:R1");
        assert_eq!(rows[1].1, "spend:R,\"2\"");
        assert_eq!(rows[1].2, "T00000002");
        std::fs::write(&p, b"spend:R1,T1\nbroken\nspend:R3").unwrap();
        let (rows, problems) = read_bucket(&p).unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(problems.len(), 2, "{problems:?}");
    }

    #[test]
    fn lookup_where_agrees_with_lookup_and_refuses_a_torn_bucket() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        std::fs::create_dir(dir.join(DIR)).unwrap();
        let mut lines: std::collections::BTreeMap<String, Vec<u8>> = Default::default();
        for (k, e) in [
            ("spend:R1", "T00000001"),
            ("spend:R,2", "T00000002"),
            ("pay:R1", "T00000003"),
            ("spend:R4", "T00000004"),
        ] {
            push_line(lines.entry(bucket(k)).or_default(), k, e);
            assert_eq!(
                bucket_no_of("spend:", &k[6..]),
                bucket_no(&format!("spend:{}", &k[6..]))
            );
        }
        for (f, b) in &lines {
            std::fs::write(dir.join(f), b).unwrap();
        }
        let wanted = ["R1", "R,2", "R9"];
        let buckets: Vec<u16> = wanted.iter().map(|r| bucket_no_of("spend:", r)).collect();
        let mut found = lookup_where(dir, "spend:", &buckets, |r| wanted.contains(&r)).unwrap();
        found.sort();
        assert_eq!(
            found,
            vec![
                ("R,2".to_string(), "T00000002".to_string()),
                ("R1".to_string(), "T00000001".to_string())
            ]
        );
        let b = bucket("spend:R1");
        let mut bytes = std::fs::read(dir.join(&b)).unwrap();
        bytes.extend_from_slice(b"spend:R7,T0");
        std::fs::write(dir.join(&b), bytes).unwrap();
        assert!(lookup_where(dir, "spend:", &buckets, |r| wanted.contains(&r)).is_err());
    }

    #[test]
    fn lookup_finds_keys_in_their_buckets_only() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::create_dir(tmp.path().join(DIR)).unwrap();
        let k = "spend:R,1";
        std::fs::write(tmp.path().join(bucket(k)), line(k, "T00000007")).unwrap();
        let keys: HashSet<String> = [k.to_string(), "spend:R2".to_string()].into();
        let found = lookup(tmp.path(), &keys).unwrap();
        assert_eq!(found.get(k).map(String::as_str), Some("T00000007"));
        assert_eq!(found.len(), 1);
    }
}
