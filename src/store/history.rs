//! The history index: where each record's lines are in the journals, so a
//! member's history (`member show`, `points history`, `points reverse`)
//! reads that member's lines, not the whole journal.
//!
//! `index/ledger/M000.csv` lists, for every ledger line of the members
//! M000000 to M000999, `member,offset`: the byte at which the line starts
//! in `ledger.csv`. `index/audit/` does the same for the audit trail, by
//! the record a line is about (a member, a card, a lead, a staff member).
//! Index lines are appended in the same commit as the journal lines they
//! point to; `index/lengths.csv` records the length of every index file and
//! of each journal the index covers, so a line added to a journal outside
//! clubctl, or an index file lost or cut, is refused before a history is
//! read short (`data reindex` rebuilds the index from the journals).

use super::codec::Record;
use super::error::{io_err, Result, StoreError};
use super::{fsutil, shard, Problem};
use std::collections::BTreeMap;
use std::io::{Seek, SeekFrom};
use std::path::Path;

/// A journal the index covers: its file, the column naming the record a
/// line is about, and the index directory.
#[derive(Debug, Clone, Copy)]
pub struct Journal {
    pub file: &'static str,
    pub column: &'static str,
    pub dir: &'static str,
}

pub const JOURNALS: [Journal; 2] = [
    Journal {
        file: "ledger.csv",
        column: "member",
        dir: "index/ledger",
    },
    Journal {
        file: "audit.csv",
        column: "record",
        dir: "index/audit",
    },
];

/// The journal a record type is kept in, if the index covers it.
pub fn journal_of<T: Record>() -> Option<Journal> {
    JOURNALS.into_iter().find(|j| j.file == T::FILE)
}

/// Whether `file` is a file of the history index.
pub fn is_index_file(file: &str) -> bool {
    JOURNALS
        .iter()
        .any(|j| file.strip_prefix(j.dir).is_some_and(|r| r.starts_with('/')))
}

fn column(journal: Journal) -> Option<usize> {
    super::records::spec_of(journal.file)
        .and_then(|s| s.columns.iter().position(|c| *c == journal.column))
}

/// The index lines for journal bytes that will start at byte `base` of
/// the journal (`header`: the bytes begin with the header row), grouped
/// by index file.
pub fn lines(
    journal: Journal,
    bytes: &[u8],
    base: u64,
    header: bool,
) -> Result<BTreeMap<String, Vec<u8>>> {
    let rdr = csv::ReaderBuilder::new()
        .has_headers(header)
        .flexible(true)
        .from_reader(bytes);
    index_rows(journal, rdr, base, Path::new(journal.file))
}

/// The index lines of every row `rdr` reads, the row at reader position
/// `p` starting at byte `base + p` of the journal (`path`, for messages).
fn index_rows<R: std::io::Read>(
    journal: Journal,
    mut rdr: csv::Reader<R>,
    base: u64,
    path: &Path,
) -> Result<BTreeMap<String, Vec<u8>>> {
    let mut out: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    let Some(col) = column(journal) else {
        return Ok(out);
    };
    if rdr.has_headers() {
        // Read the header first, so the first row's position is its own.
        let _ = rdr.byte_headers();
    }
    let mut rec = csv::ByteRecord::new();
    loop {
        let at = rdr.position().byte();
        match rdr.read_byte_record(&mut rec) {
            Ok(false) => return Ok(out),
            Ok(true) => push(&mut out, journal, rec.get(col), base + at),
            Err(e) => {
                return Err(StoreError::Corrupt {
                    path: path.to_path_buf(),
                    line: e.position().map_or(0, |p| p.line()),
                    msg: format!("cannot index this line: {e}; run `clubctl data check`"),
                })
            }
        }
    }
}

fn push(out: &mut BTreeMap<String, Vec<u8>>, journal: Journal, key: Option<&[u8]>, at: u64) {
    let Some(key) = key.and_then(|k| std::str::from_utf8(k).ok()) else {
        return;
    };
    if key.is_empty() || key.contains([',', '"', '\n', '\r']) {
        return;
    }
    let buf = out.entry(shard::file(journal.dir, key)).or_default();
    buf.extend_from_slice(key.as_bytes());
    buf.push(b',');
    buf.extend_from_slice(at.to_string().as_bytes());
    buf.push(b'\n');
}

/// The whole index of a journal, built by reading it through once (`data
/// reindex`).
pub fn build(dir: &Path, journal: Journal) -> Result<BTreeMap<String, Vec<u8>>> {
    let path = dir.join(journal.file);
    let Some(file) = fsutil::open_read(&path)? else {
        return Ok(BTreeMap::new());
    };
    let rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(std::io::BufReader::with_capacity(1 << 20, file));
    index_rows(journal, rdr, 0, &path)
}

/// The offsets `key`'s lines start at, from the bytes of its index file
/// (`path`, for messages).
pub fn offsets(path: &Path, bytes: &[u8], key: &str) -> Result<Vec<(u64, usize)>> {
    let text = std::str::from_utf8(bytes).map_err(|_| stale(path, 1, "not UTF-8"))?;
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let (k, at) = line
            .split_once(',')
            .and_then(|(k, at)| Some((k, at.parse::<u64>().ok()?)))
            .ok_or_else(|| stale(path, i + 1, "expected 'record,offset'"))?;
        if k == key {
            out.push((at, i + 1));
        }
    }
    Ok(out)
}

fn stale(path: &Path, line: usize, msg: &str) -> StoreError {
    StoreError::Corrupt {
        path: path.to_path_buf(),
        line: line as u64,
        msg: format!(
            "{msg}; the history index is derived from the journals: run `clubctl data reindex` to rebuild it"
        ),
    }
}

/// The journal lines starting at `offsets` (each with the line of the
/// index naming it), decoded; each must be about one of `keys`, or the
/// index is stale.
pub fn read_at<T: Record>(
    dir: &Path,
    journal: Journal,
    keys: &[&str],
    offsets: &[(u64, usize)],
) -> Result<Vec<T>> {
    let path = dir.join(journal.file);
    let mut file = std::fs::File::open(&path).map_err(io_err("reading", &path))?;
    let headers = csv::ByteRecord::from(T::HEADER.to_vec());
    let col = column(journal).unwrap_or(0);
    let mut out = Vec::with_capacity(offsets.len());
    let mut rec = csv::ByteRecord::new();
    for &(at, line) in offsets {
        file.seek(SeekFrom::Start(at))
            .map_err(io_err("reading", &path))?;
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(std::io::BufReader::with_capacity(4096, &mut file));
        let key = rdr
            .read_byte_record(&mut rec)
            .unwrap_or(false)
            .then(|| rec.get(col))
            .flatten()
            .and_then(|k| keys.iter().find(|key| key.as_bytes() == k));
        let Some(key) = key else {
            let index = dir.join(shard::file(
                journal.dir,
                keys.first().copied().unwrap_or(""),
            ));
            return Err(stale(
                &index,
                line,
                &format!(
                    "it points at byte {at} of {}, where no line of {} starts",
                    journal.file,
                    keys.join(" or ")
                ),
            ));
        };
        let row = rec.deserialize::<T>(Some(&headers)).map_err(|e| {
            StoreError::from(Problem {
                path: path.clone(),
                line: 0,
                msg: format!(
                    "the line of {key} at byte {at} does not read: {e}; run `clubctl data check`"
                ),
            })
        })?;
        out.push(row);
    }
    Ok(out)
}

/// Whether a line's first two fields are an entry id (`T00000012`) and a
/// date: the start of a ledger row, not a line inside a quoted note.
fn entry_start(line: &[u8]) -> Option<&str> {
    let mut f = line.splitn(3, |&b| b == b',');
    let id = std::str::from_utf8(f.next()?).ok()?;
    let date = f.next()?;
    let ok = id.len() > 1
        && id.starts_with('T')
        && id[1..].bytes().all(|b| b.is_ascii_digit())
        && date.len() == 10
        && date[4] == b'-'
        && date[7] == b'-';
    ok.then_some(id)
}

/// The first row starting at or after byte `from`: its start and id.
fn row_after(file: &mut std::fs::File, path: &Path, from: u64) -> Result<Option<(u64, String)>> {
    use std::io::BufRead;
    file.seek(SeekFrom::Start(from.saturating_sub(1)))
        .map_err(io_err("reading", path))?;
    let mut rdr = std::io::BufReader::with_capacity(8192, file);
    let mut at = from.saturating_sub(1);
    let mut line = Vec::new();
    // Skip the rest of the line `from - 1` is in: a row starts after a
    // newline.
    if from > 0 {
        at += rdr
            .read_until(b'\n', &mut line)
            .map_err(io_err("reading", path))? as u64;
    }
    loop {
        line.clear();
        let n = rdr
            .read_until(b'\n', &mut line)
            .map_err(io_err("reading", path))?;
        if n == 0 {
            return Ok(None);
        }
        if let Some(id) = entry_start(&line) {
            return Ok(Some((at, id.to_string())));
        }
        at += n as u64;
    }
}

/// The ledger entry with this id, by bisection over the journal's bytes
/// (ids are handed out in order, and `key_order` is their order).
pub fn find_by_id(path: &Path, id: &str) -> Result<Option<crate::domain::ledger::LedgerEntry>> {
    use super::codec::key_order;
    use std::cmp::Ordering;
    let Some(mut file) = fsutil::open_read(path)? else {
        return Ok(None);
    };
    let len = fsutil::len(path)?;
    // The first row is after the header.
    let Some((first, _)) = row_after(&mut file, path, 1)? else {
        return Ok(None);
    };
    let (mut lo, mut hi) = (first, len);
    while hi - lo > 16 * 1024 {
        let mid = lo + (hi - lo) / 2;
        match row_after(&mut file, path, mid)? {
            Some((start, found)) if start < hi => match key_order(&found, id) {
                Ordering::Less => lo = start,
                Ordering::Equal => {
                    lo = start;
                    break;
                }
                Ordering::Greater => hi = start,
            },
            _ => hi = mid,
        }
    }
    // `lo` is the start of a row at or before the entry: read on from it.
    file.seek(SeekFrom::Start(lo))
        .map_err(io_err("reading", path))?;
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(std::io::BufReader::new(file));
    let headers = csv::ByteRecord::from(crate::domain::ledger::LedgerEntry::HEADER.to_vec());
    let mut rec = csv::ByteRecord::new();
    loop {
        match rdr.read_byte_record(&mut rec) {
            Ok(true) => {}
            Ok(false) => return Ok(None),
            Err(e) => {
                return Err(StoreError::Corrupt {
                    path: path.to_path_buf(),
                    line: 0,
                    msg: format!("{e}; run `clubctl data check`"),
                })
            }
        }
        let found = String::from_utf8_lossy(rec.get(0).unwrap_or_default()).into_owned();
        match key_order(&found, id) {
            Ordering::Less => continue,
            Ordering::Greater => return Ok(None),
            Ordering::Equal => {
                return rec
                    .deserialize(Some(&headers))
                    .map(Some)
                    .map_err(|e| StoreError::Corrupt {
                        path: path.to_path_buf(),
                        line: 0,
                        msg: format!("entry {id} does not read: {e}; run `clubctl data check`"),
                    })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_point_at_where_each_row_starts() {
        let bytes = b"id,date,kind,member,cents,points,reference,operator,note\n\
T1,2026-01-01,earn,M000001,0,5,,S1,\n\
T2,2026-01-01,earn,M001002,0,5,,S1,\"two\nlines\"\n\
T3,2026-01-01,fee,,1.00,0,,S1,\n";
        let out = lines(JOURNALS[0], bytes, 100, true).unwrap();
        let l0 = &out["index/ledger/M000.csv"];
        let l1 = &out["index/ledger/M001.csv"];
        assert_eq!(l0, b"M000001,157\n");
        let second = 57 + 36;
        assert_eq!(
            String::from_utf8_lossy(l1),
            format!("M001002,{}\n", 100 + second)
        );
        assert_eq!(out.len(), 2, "a line with no member is not indexed");
    }
}
