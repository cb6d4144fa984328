//! Fast reading of the few columns a big scan needs (the reports read a
//! million members and millions of journal lines): raw byte records, no
//! allocation per row, optionally from a byte offset into a journal, with
//! the file and line of any value that does not parse.

use super::error::{io_err, Result, StoreError};
use crate::domain::Cents;
use chrono::NaiveDate;
use std::fs::File;
use std::io::{Seek, SeekFrom};
use std::path::{Path, PathBuf};

/// Rows of one CSV file, from just after the header or from a mark.
pub struct Rows {
    path: PathBuf,
    /// None for a table with no file at all (a sharded table with no
    /// shards yet).
    rdr: Option<csv::Reader<File>>,
    /// Files still to read after this one (the later shards of a table),
    /// and the columns asked for, to open them with.
    rest: std::vec::IntoIter<PathBuf>,
    want: Vec<String>,
    rec: csv::ByteRecord,
    cols: Vec<usize>,
    /// Absolute byte offset where the reader started.
    start: u64,
    /// Line number of the first line read, less one.
    line0: u64,
    width: usize,
}

/// Where a reader stands in a file: the byte offset of a line start and
/// that line's number (the header is line 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mark {
    pub offset: u64,
    pub line: u64,
}

impl Rows {
    /// Opens `path` for the columns named `want` (in that order); reading
    /// starts at `from`, or just after the header.
    pub fn open(path: &Path, want: &[&str], from: Option<Mark>) -> Result<Rows> {
        let mut file = File::open(path).map_err(io_err("opening", path))?;
        let mut head = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(&mut file);
        let mut header = csv::ByteRecord::new();
        let corrupt = |msg: String| StoreError::Corrupt {
            path: path.to_path_buf(),
            line: 1,
            msg,
        };
        if !head
            .read_byte_record(&mut header)
            .map_err(|e| corrupt(e.to_string()))?
        {
            return Err(corrupt(
                "the file is empty: the header line is missing".into(),
            ));
        }
        let after_header = head.position().byte();
        let cols = want
            .iter()
            .map(|w| {
                header
                    .iter()
                    .position(|h| h == w.as_bytes())
                    .ok_or_else(|| {
                        corrupt(format!(
                            "the header has no column {w:?}; run `clubctl data check`"
                        ))
                    })
            })
            .collect::<Result<Vec<usize>>>()?;
        let width = header.len();
        drop(head);
        let from = from.unwrap_or(Mark {
            offset: after_header,
            line: 2,
        });
        file.seek(SeekFrom::Start(from.offset))
            .map_err(io_err("reading", path))?;
        let rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .buffer_capacity(1 << 18)
            .from_reader(file);
        Ok(Rows {
            path: path.to_path_buf(),
            rdr: Some(rdr),
            rest: Vec::new().into_iter(),
            want: want.iter().map(|w| w.to_string()).collect(),
            rec: csv::ByteRecord::new(),
            cols,
            start: from.offset,
            line0: from.line - 1,
            width,
        })
    }

    /// Reads `paths` one after another (the shards of a table), as one
    /// run of rows; each row still names its own file and line.
    pub fn open_all(paths: Vec<PathBuf>, want: &[&str]) -> Result<Rows> {
        let mut paths = paths.into_iter();
        let mut rows = match paths.next() {
            Some(first) => Rows::open(&first, want, None)?,
            None => Rows {
                path: PathBuf::new(),
                rdr: None,
                rest: Vec::new().into_iter(),
                want: Vec::new(),
                rec: csv::ByteRecord::new(),
                cols: Vec::new(),
                start: 0,
                line0: 0,
                width: 0,
            },
        };
        rows.rest = paths;
        Ok(rows)
    }

    /// The next row, or `None` at the end of the last file.
    pub fn next_row(&mut self) -> Result<Option<Row<'_>>> {
        loop {
            let Some(rdr) = self.rdr.as_mut() else {
                return Ok(None);
            };
            let ok = rdr.read_byte_record(&mut self.rec).map_err(|e| {
                let line = e.position().map_or(self.line0, |p| self.line0 + p.line());
                StoreError::Corrupt {
                    path: self.path.clone(),
                    line,
                    msg: e.to_string(),
                }
            })?;
            if ok {
                break;
            }
            let Some(next) = self.rest.next() else {
                return Ok(None);
            };
            let want: Vec<&str> = self.want.iter().map(String::as_str).collect();
            let rest = std::mem::take(&mut self.rest);
            *self = Rows::open(&next, &want, None)?;
            self.rest = rest;
        }
        let line = self.line0 + self.rec.position().map_or(0, |p| p.line());
        if self.rec.len() != self.width {
            return Err(StoreError::Corrupt {
                path: self.path.clone(),
                line,
                msg: format!(
                    "{} fields where the header has {}; run `clubctl data check`",
                    self.rec.len(),
                    self.width
                ),
            });
        }
        Ok(Some(Row {
            rec: &self.rec,
            cols: &self.cols,
            path: &self.path,
            line,
        }))
    }

    /// Where the row last read begins.
    pub fn mark(&self) -> Mark {
        let p = self.rec.position();
        Mark {
            offset: self.start + p.map_or(0, |p| p.byte()),
            line: self.line0 + p.map_or(1, |p| p.line()),
        }
    }

    /// Where the next row begins (the end of the file after the last).
    pub fn next_mark(&self) -> Mark {
        let p = self
            .rdr
            .as_ref()
            .map_or_else(csv::Position::new, |r| r.position().clone());
        Mark {
            offset: self.start + p.byte(),
            line: self.line0 + p.line(),
        }
    }
}

/// One row, read through the columns asked for.
pub struct Row<'a> {
    rec: &'a csv::ByteRecord,
    cols: &'a [usize],
    path: &'a Path,
    pub line: u64,
}

impl<'a> Row<'a> {
    /// The raw bytes of wanted column `i`.
    pub fn bytes(&self, i: usize) -> &'a [u8] {
        self.cols
            .get(i)
            .and_then(|&c| self.rec.get(c))
            .unwrap_or_default()
    }

    /// A problem with wanted column `i` of this row.
    pub fn bad(&self, what: &str) -> StoreError {
        StoreError::Corrupt {
            path: self.path.to_path_buf(),
            line: self.line,
            msg: format!("{what}; run `clubctl data check` for every problem in the file"),
        }
    }

    pub fn str(&self, i: usize) -> Result<&'a str> {
        std::str::from_utf8(self.bytes(i)).map_err(|_| self.bad("a value is not UTF-8"))
    }

    pub fn date(&self, i: usize) -> Result<NaiveDate> {
        let b = self.bytes(i);
        parse_date(b).ok_or_else(|| {
            self.bad(&format!(
                "{:?} is not a date (YYYY-MM-DD)",
                String::from_utf8_lossy(b)
            ))
        })
    }

    pub fn opt_date(&self, i: usize) -> Result<Option<NaiveDate>> {
        if self.bytes(i).is_empty() {
            return Ok(None);
        }
        self.date(i).map(Some)
    }

    pub fn int(&self, i: usize) -> Result<i64> {
        let b = self.bytes(i);
        let max = crate::domain::bounds::MAX_BALANCE_POINTS;
        parse_int(b)
            .filter(|n| n.unsigned_abs() <= max.unsigned_abs())
            .ok_or_else(|| {
                self.bad(&format!(
                    "{:?} is not a whole number from -{max} to {max}",
                    String::from_utf8_lossy(b)
                ))
            })
    }

    /// An amount of money as the files write it (`1280.00`, `-30.5`).
    pub fn cents(&self, i: usize) -> Result<i64> {
        let b = self.bytes(i);
        if let Some(c) = parse_cents(b) {
            return Ok(c);
        }
        self.str(i)?.parse::<Cents>().map(|c| c.0).map_err(|_| {
            self.bad(&format!(
                "{:?} is not an amount of money",
                String::from_utf8_lossy(b)
            ))
        })
    }
}

fn digits(b: &[u8]) -> Option<i64> {
    crate::domain::dates::digits(b)
}

pub use crate::domain::dates::parse_ymd as parse_date;

/// An optionally signed whole number.
pub fn parse_int(b: &[u8]) -> Option<i64> {
    match b.split_first() {
        Some((b'-', rest)) => digits(rest).map(|n| -n),
        _ => digits(b),
    }
}

/// `[-]digits[.d[d]]` in cents; anything else is left to `Cents`' parser.
fn parse_cents(b: &[u8]) -> Option<i64> {
    let (neg, b) = match b.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, b),
    };
    let (whole, frac) = match b.iter().position(|&c| c == b'.') {
        Some(p) => (&b[..p], &b[p + 1..]),
        None => (b, &b[b.len()..]),
    };
    let frac = match frac.len() {
        0 => 0,
        1 => digits(frac)? * 10,
        2 => digits(frac)?,
        _ => return None,
    };
    let n = digits(whole)?.checked_mul(100)? + frac;
    (n <= crate::domain::bounds::MAX_BALANCE_CENTS).then_some(if neg { -n } else { n })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_dates_and_money_parse_or_refuse() {
        assert_eq!(
            parse_date(b"2024-02-29"),
            NaiveDate::from_ymd_opt(2024, 2, 29)
        );
        assert_eq!(parse_date(b"2023-02-29"), None);
        assert_eq!(parse_date(b"2024-2-29"), None);
        assert_eq!(parse_date(b"2024/02/29"), None);
        assert_eq!(parse_int(b"-120"), Some(-120));
        assert_eq!(parse_int(b"12a"), None);
        assert_eq!(parse_int(b""), None);
        assert_eq!(parse_int(b"-"), None);
        assert_eq!(parse_cents(b"1280.00"), Some(128_000));
        assert_eq!(parse_cents(b"-30.5"), Some(-3_050));
        assert_eq!(parse_cents(b"7"), Some(700));
        assert_eq!(parse_cents(b"1.234"), None);
        assert_eq!(parse_cents(b"."), None);
    }

    #[test]
    fn rows_read_from_a_mark_with_their_line_numbers() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("j.csv");
        std::fs::write(
            &path,
            "a,b,c\n1,x,2024-01-01\n2,\"y,z\",2024-01-02\n3,w,bad\n",
        )
        .unwrap();
        let mut rows = Rows::open(&path, &["c", "a"], None).unwrap();
        let r = rows.next_row().unwrap().unwrap();
        assert_eq!((r.int(1).unwrap(), r.line), (1, 2));
        let second = rows.next_mark();
        let mut from = Rows::open(&path, &["c", "a"], Some(second)).unwrap();
        let r = from.next_row().unwrap().unwrap();
        assert_eq!((r.int(1).unwrap(), r.line), (2, 3));
        assert_eq!(from.mark(), second);
        let r = from.next_row().unwrap().unwrap();
        let e = r.date(0).unwrap_err().to_string();
        assert!(e.contains("j.csv:4") && e.contains("not a date"), "{e}");
        assert!(Rows::open(&path, &["nope"], None).is_err());
    }
}
