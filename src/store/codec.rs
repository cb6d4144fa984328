//! CSV codecs for tables and journals. Every problem found while reading is
//! reported with its file and line; nothing here panics on a bad file.

use super::error::{Result, StoreError};
use super::fsutil;
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::path::{Path, PathBuf};

/// A record type kept in one CSV file of the data directory.
pub trait Record: Serialize + DeserializeOwned + 'static {
    /// The file's name in the data directory.
    const FILE: &'static str;
    /// The file's data format version, recorded in the manifest.
    const VERSION: u32;
    /// The header row, in column order.
    const HEADER: &'static [&'static str];
    /// Tables are rewritten whole, sorted by key; journals are appended to.
    const JOURNAL: bool;
    /// A table kept in shards lives in this directory (`members`), one
    /// file per thousand keys (see `shard.rs`); `FILE` is then the name of
    /// the single file of the format before shards, read until migrated.
    const SHARDS: Option<&'static str> = None;
    /// The secondary indexes kept with the table (see `index.rs`).
    const INDEXES: &'static [super::index::Index<Self>] = &[];
    /// The name of the shard holding `key` (see `shard.rs`): by default
    /// the key without its last three digits.
    fn shard_of(key: &str) -> &str {
        super::shard::name(key)
    }
    /// The id that orders a table's rows and names a record in messages.
    fn key(&self) -> &str;
}

/// The order of ids in tables and journals: shorter first, then by text, so
/// that `M1000000` follows `M999999` when a sequence outgrows its width.
pub fn key_order(a: &str, b: &str) -> std::cmp::Ordering {
    (a.len(), a).cmp(&(b.len(), b))
}

/// One problem in a data file, with where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub path: PathBuf,
    pub line: u64,
    pub msg: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: {}", self.path.display(), self.line, self.msg)
    }
}

impl From<Problem> for StoreError {
    fn from(p: Problem) -> Self {
        StoreError::Corrupt {
            path: p.path,
            line: p.line,
            msg: p.msg,
        }
    }
}

/// What a scan of a file found: the rows that parsed, with their lines, and
/// every problem. A torn last journal line is a problem, never a row.
pub struct Scan<T> {
    pub rows: Vec<(u64, T)>,
    pub problems: Vec<Problem>,
    /// Line number of a torn last line, if any.
    pub torn: Option<u64>,
}

/// Reads and checks a whole file. A missing file scans as empty.
pub fn scan<T: Record>(path: &Path) -> Result<Scan<T>> {
    let bytes = fsutil::read_or_empty(path)?;
    Ok(scan_bytes(path, &bytes))
}

pub fn scan_bytes<T: Record>(path: &Path, bytes: &[u8]) -> Scan<T> {
    let problem = |line: u64, msg: String| Problem {
        path: path.to_path_buf(),
        line,
        msg,
    };
    let mut out = Scan {
        rows: Vec::new(),
        problems: Vec::new(),
        torn: None,
    };
    if bytes.is_empty() {
        return out;
    }
    let mut body = bytes;
    if T::JOURNAL && bytes.last() != Some(&b'\n') {
        // Everything after the last newline is a line whose write never
        // finished: report it, and read only what precedes it.
        let cut = bytes.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        let line = bytes[..cut].iter().filter(|&&b| b == b'\n').count() as u64 + 1;
        out.torn = Some(line);
        out.problems.push(problem(
            line,
            "the last line is torn (cut short by a crash while it was written); it is not counted. Run `clubctl data repair` to move it aside".into(),
        ));
        body = &bytes[..cut];
        if body.is_empty() {
            return out;
        }
    }
    let mut rdr = csv::ReaderBuilder::new().from_reader(body);
    match rdr.byte_headers() {
        Ok(h) => {
            let found: Vec<String> = h
                .iter()
                .map(|f| String::from_utf8_lossy(f).into_owned())
                .collect();
            if found != T::HEADER {
                out.problems.push(problem(
                    1,
                    format!(
                        "the header is '{}', expected '{}'",
                        found.join(","),
                        T::HEADER.join(",")
                    ),
                ));
                return out;
            }
        }
        Err(e) => {
            out.problems
                .push(problem(1, format!("cannot read the header: {e}")));
            return out;
        }
    }
    let headers = rdr.byte_headers().cloned().unwrap_or_default();
    let mut rec = csv::ByteRecord::new();
    loop {
        match rdr.read_byte_record(&mut rec) {
            Ok(false) => break,
            Ok(true) => {
                let line = rec.position().map_or(0, |p| p.line());
                match rec.deserialize::<T>(Some(&headers)) {
                    Ok(row) => out.rows.push((line, row)),
                    Err(e) => {
                        let mut msg = describe(&e);
                        if let Some(i) = column_of::<T>(&e, &rec, &headers) {
                            let value = String::from_utf8_lossy(rec.get(i).unwrap_or_default());
                            let quoted = format!("'{value}'");
                            if !msg.contains(&quoted) {
                                msg = format!("{quoted}: {msg}");
                            }
                            let name = T::HEADER.get(i).unwrap_or(&"");
                            msg = format!("column {} ({name}): {msg}", i + 1);
                        }
                        out.problems.push(problem(line, msg))
                    }
                }
            }
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                out.problems.push(problem(line, describe(&e)));
                if !matches!(
                    e.kind(),
                    csv::ErrorKind::UnequalLengths { .. } | csv::ErrorKind::Utf8 { .. }
                ) {
                    break;
                }
            }
        }
    }
    out
}

/// The column of a value that its own type refused (a date, a status):
/// csv names the column only for the errors it raises itself. Reading ever
/// longer prefixes of the row finds it, since fields are read in header
/// order and a prefix lacking a later field fails only at its end, with
/// "missing field".
fn column_of<T: Record>(
    e: &csv::Error,
    rec: &csv::ByteRecord,
    headers: &csv::ByteRecord,
) -> Option<usize> {
    match e.kind() {
        csv::ErrorKind::Deserialize { err, .. } if err.field().is_none() => {}
        _ => return None,
    }
    let n = rec.len().min(headers.len());
    (1..=n).find_map(|k| {
        let r: csv::ByteRecord = rec.iter().take(k).collect();
        let h: csv::ByteRecord = headers.iter().take(k).collect();
        match r.deserialize::<T>(Some(&h)) {
            Err(e) => match e.kind() {
                csv::ErrorKind::Deserialize { err, .. }
                    if !err.to_string().contains("missing field") =>
                {
                    Some(k - 1)
                }
                _ => None,
            },
            Ok(_) => None,
        }
    })
}

/// A csv error without its own position prefix (we print file:line first).
fn describe(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::Deserialize { err, .. } => match err.field() {
            Some(i) => format!("column {}: {}", i + 1, err.kind()),
            None => err.kind().to_string(),
        },
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!("the row has {len} fields, the header {expected_len}"),
        csv::ErrorKind::Utf8 { err, .. } => format!("not valid UTF-8 ({err})"),
        _ => e.to_string(),
    }
}

/// Reads a whole file, failing on its first problem.
pub fn load<T: Record>(path: &Path) -> Result<Vec<T>> {
    let scan = scan::<T>(path)?;
    if let Some(line) = scan.torn {
        return Err(StoreError::Torn {
            path: path.to_path_buf(),
            line,
        });
    }
    if let Some(p) = scan.problems.into_iter().next() {
        return Err(p.into());
    }
    if !T::JOURNAL {
        let mut seen = std::collections::HashMap::with_capacity(scan.rows.len());
        for (line, r) in &scan.rows {
            if let Some(first) = seen.insert(r.key(), *line) {
                return Err(Problem {
                    path: path.to_path_buf(),
                    line: *line,
                    msg: format!(
                        "{} {} is also on line {first}; run `clubctl data check` to see every problem",
                        T::HEADER[0],
                        r.key()
                    ),
                }
                .into());
            }
        }
    }
    Ok(scan.rows.into_iter().map(|(_, r)| r).collect())
}

/// The one row of a table whose key (first column) is `key`, reading the
/// file as raw CSV records and decoding only the match: a single-record
/// command then costs one pass over the bytes, not a decode of every row.
/// A file that does not parse fails as `load` would.
pub fn find<T: Record>(path: &Path, key: &str) -> Result<Option<T>> {
    let bytes = fsutil::read_or_empty(path)?;
    if bytes.is_empty() {
        return Ok(None);
    }
    let mut rdr = csv::ReaderBuilder::new().from_reader(bytes.as_slice());
    let headers = match rdr.byte_headers() {
        Ok(h) if h.iter().eq(T::HEADER.iter().map(|s| s.as_bytes())) => h.clone(),
        _ => return load::<T>(path).map(|rows| rows.into_iter().find(|r| r.key() == key)),
    };
    // The whole file is read through, not just up to the match: a torn
    // row, a row that is not UTF-8 or a key listed twice anywhere in it
    // refuses the command, as reading the whole table would.
    let mut rec = csv::ByteRecord::new();
    let mut found = None;
    let mut prev: Vec<u8> = Vec::new();
    let bad = |line: u64, msg: String| -> StoreError {
        Problem {
            path: path.to_path_buf(),
            line,
            msg: format!("{msg}; run `clubctl data check` to see every problem"),
        }
        .into()
    };
    loop {
        match rdr.read_byte_record(&mut rec) {
            Ok(false) => return Ok(found),
            Ok(true) => {
                let line = rec.position().map_or(0, |p| p.line());
                if std::str::from_utf8(rec.as_slice()).is_err() {
                    return Err(bad(line, "not valid UTF-8".into()));
                }
                let k = rec.get(0).unwrap_or_default();
                if !prev.is_empty() && (prev.len(), prev.as_slice()) >= (k.len(), k) {
                    return Err(bad(
                        line,
                        format!(
                            "the key {} is {} (rows are kept in key order, each once)",
                            String::from_utf8_lossy(k),
                            if prev.as_slice() == k {
                                "listed twice"
                            } else {
                                "out of order"
                            }
                        ),
                    ));
                }
                prev.clear();
                prev.extend_from_slice(k);
                if k == key.as_bytes() {
                    found = Some(
                        rec.deserialize::<T>(Some(&headers))
                            .map_err(|e| bad(line, describe(&e)))?,
                    );
                }
            }
            Err(e) => {
                return Err(bad(e.position().map_or(0, |p| p.line()), describe(&e)));
            }
        }
    }
}

/// The header row alone: a new, empty file.
pub fn header<T: Record>() -> Vec<u8> {
    encode::<T>(&[])
}

/// Rows as CSV lines, with a header row when `with_header`.
pub fn encode_rows<T: Record>(rows: &[T], with_header: bool) -> Vec<u8> {
    encode_iter(rows.len(), rows.iter(), with_header)
}

/// A whole table file of borrowed rows (one shard of a table).
pub fn encode_refs<T: Record>(rows: &[&T]) -> Vec<u8> {
    encode_iter(rows.len(), rows.iter().copied(), true)
}

/// Rows as CSV lines without a header: lines to append to a journal.
pub fn encode_lines<T: Record>(rows: &[&T]) -> Vec<u8> {
    encode_iter(rows.len(), rows.iter().copied(), false)
}

fn encode_iter<'a, T: Record + 'a>(
    n: usize,
    rows: impl Iterator<Item = &'a T>,
    with_header: bool,
) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(Vec::with_capacity(64 + n * 96));
    // Serializing plain records into memory cannot fail; a failure here
    // would be a bug in a record type, caught by the round-trip tests.
    if with_header {
        w.write_record(T::HEADER).expect("writing to memory");
    }
    for r in rows {
        w.serialize(r).expect("serializing a record");
    }
    w.into_inner().unwrap_or_default()
}

/// A whole table file.
pub fn encode<T: Record>(rows: &[T]) -> Vec<u8> {
    encode_rows(rows, true)
}

/// The first field of the last complete line of a journal, read from its
/// tail so that the cost does not grow with the journal.
pub fn last_key(path: &Path) -> Result<Option<String>> {
    Ok(last_field(path, 0)?.filter(|k| !k.is_empty()))
}

/// Column `column` of a file's last complete line, read from its tail
/// (a header-only or empty file has none).
pub fn last_field(path: &Path, column: usize) -> Result<Option<String>> {
    use std::io::{Read, Seek, SeekFrom};
    let len = fsutil::len(path)?;
    if len == 0 {
        return Ok(None);
    }
    let Some(mut f) = fsutil::open_read(path)? else {
        return Ok(None);
    };
    let mut window = 4096u64;
    loop {
        let start = len.saturating_sub(window);
        let mut buf = Vec::with_capacity((len - start) as usize);
        f.seek(SeekFrom::Start(start))
            .and_then(|_| (&mut f).take(len - start).read_to_end(&mut buf))
            .map_err(super::error::io_err("reading", path))?;
        let complete = match buf.iter().rposition(|&b| b == b'\n') {
            Some(i) => &buf[..i],
            None if start == 0 => return Ok(None),
            None => {
                window *= 4;
                continue;
            }
        };
        match complete.iter().rposition(|&b| b == b'\n') {
            Some(i) => {
                let line = &complete[i + 1..];
                let mut rdr = csv::ReaderBuilder::new()
                    .has_headers(false)
                    .flexible(true)
                    .from_reader(line);
                let mut rec = csv::ByteRecord::new();
                let field = match rdr.read_byte_record(&mut rec) {
                    Ok(true) => rec.get(column).unwrap_or_default().to_vec(),
                    _ => Vec::new(),
                };
                return Ok(Some(String::from_utf8_lossy(&field).into_owned()));
            }
            None if start == 0 => return Ok(None),
            None => window *= 4,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::member::Member;

    const HEADER: &str = "id,name,phone,email,gender,birthday,kind,nominee,referrer,source,sales,status,tier,card,applied,joined,expires,since,reason,note\n";
    const ROW: &str = "M000001,A,13800000001,,,,individual,,,,,active,basic,VIP000001,2026-11-25,2026-11-25,2027-11-25,2026-11-25,,\n";

    fn problems(row: &str) -> Vec<String> {
        let bytes = format!("{HEADER}{row}");
        scan_bytes::<Member>(Path::new("members.csv"), bytes.as_bytes())
            .problems
            .iter()
            .map(|p| p.to_string())
            .collect()
    }

    #[test]
    fn a_sound_row_has_no_problem() {
        assert!(problems(ROW).is_empty());
    }

    #[test]
    fn a_value_its_type_refuses_is_named_by_column() {
        let bad_date = ROW.replace("2027-11-25", "2027-11-31");
        assert_eq!(
            problems(&bad_date),
            ["members.csv:2: column 17 (expires): '2027-11-31': input is out of range"]
        );
        let bad_status = ROW.replace(",active,", ",sleeping,");
        let p = problems(&bad_status);
        assert!(
            p[0].starts_with("members.csv:2: column 12 (status): 'sleeping': unknown variant"),
            "{p:?}"
        );
        let first = ROW.replace(",individual,", ",person,");
        assert!(problems(&first)[0].contains("column 7 (kind): 'person'"));
    }

    #[test]
    fn a_short_row_is_reported_not_read() {
        let p = problems("M000001,A\n");
        assert_eq!(p, ["members.csv:2: the row has 2 fields, the header 20"]);
    }

    #[test]
    fn ids_past_their_width_sort_after_the_narrower_ones() {
        let mut ids = vec!["M1000000", "M999999", "M000002"];
        ids.sort_by(|a, b| key_order(a, b));
        assert_eq!(ids, ["M000002", "M999999", "M1000000"]);
    }
}
