//! Closings (月结): where every member stood at the close of a month end,
//! kept under `closings/` so that a report reads the journals only from
//! there on. `closings/2026-10.csv` holds one row per member (status, tier,
//! points, wallet, unspent points by month earned); `closings/2026-10.toml`
//! names the day and, for each journal, the byte offset and line where the
//! lines dated after that day begin, with the line just before it.
//!
//! A closing is derived data, like the balances cache: it is written by
//! `data close` from the journals and proved by `data check` against them.
//! It holds only while each journal still has the anchor line at its offset
//! (journals are only appended to, so it always does unless a file was
//! restored or edited); a report ignores a closing that does not hold.
//! The table is written first and the `.toml` last, each atomically, so a
//! closing without its `.toml` is unfinished and ignored.

use super::error::{io_err, Result, StoreError};
use super::fsutil;
use super::rows::{Mark, Rows};
use super::Problem;
use crate::domain::report::ClosingRow;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

pub const DIR: &str = "closings";
/// The format of a closing; a closing of another version is ignored and
/// made again by `data close`.
pub const VERSION: u32 = 1;
/// The journals a closing marks.
pub const JOURNALS: [&str; 2] = ["audit.csv", "ledger.csv"];
/// At most this much of the anchor line is kept.
const ANCHOR_MAX: u64 = 2048;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Meta {
    pub version: u32,
    /// The close of this day.
    pub day: NaiveDate,
    /// Rows in the table.
    pub rows: u64,
    pub journals: Vec<JournalMark>,
}

/// Where the lines after the closing's day begin in one journal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JournalMark {
    pub file: String,
    pub offset: u64,
    pub line: u64,
    /// The end of the line just before `offset` (the header when no line
    /// is older).
    pub anchor: String,
}

impl Meta {
    /// Where reading `file` resumes.
    pub fn mark(&self, file: &str) -> Option<Mark> {
        self.journals.iter().find(|j| j.file == file).map(|j| Mark {
            offset: j.offset,
            line: j.line,
        })
    }
}

/// The month a closing is named by (`2026-10`).
pub fn name(day: NaiveDate) -> String {
    day.format("%Y-%m").to_string()
}

fn path(dir: &Path, day: NaiveDate, ext: &str) -> PathBuf {
    dir.join(DIR).join(format!("{}.{ext}", name(day)))
}

/// The table of a closing.
pub fn table(dir: &Path, day: NaiveDate) -> PathBuf {
    path(dir, day, "csv")
}

/// Every finished closing of the current version, oldest first. A `.toml`
/// that does not parse is a problem for `data check`; here it is passed
/// over.
pub fn list(dir: &Path) -> Result<Vec<Meta>> {
    let d = dir.join(DIR);
    let entries = match std::fs::read_dir(&d) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(io_err("listing", &d)(e)),
    };
    let mut out = Vec::new();
    for e in entries {
        let p = e.map_err(io_err("listing", &d))?.path();
        if p.extension().is_some_and(|x| x == "toml") {
            if let Ok(Some(m)) = read_meta(&p) {
                out.push(m);
            }
        }
    }
    out.sort_by_key(|m| m.day);
    Ok(out)
}

/// A closing's `.toml`; `None` when it is of another version.
pub fn read_meta(p: &Path) -> Result<Option<Meta>> {
    let text = std::fs::read_to_string(p).map_err(io_err("reading", p))?;
    let meta: Meta = toml::from_str(&text).map_err(|e| StoreError::Corrupt {
        path: p.to_path_buf(),
        line: 1,
        msg: format!(
            "not a closing: {}; delete it and run `clubctl data close`",
            e.message()
        ),
    })?;
    Ok((meta.version == VERSION).then_some(meta))
}

/// The end of the line that ends just before `offset` in `file`.
pub fn anchor(file: &Path, offset: u64) -> Result<Option<String>> {
    let mut f = std::fs::File::open(file).map_err(io_err("opening", file))?;
    let len = f.metadata().map_err(io_err("reading", file))?.len();
    if offset == 0 || offset > len {
        return Ok(None);
    }
    let from = offset.saturating_sub(ANCHOR_MAX + 1);
    let mut buf = vec![0; (offset - from) as usize];
    f.seek(SeekFrom::Start(from))
        .and_then(|_| f.read_exact(&mut buf))
        .map_err(io_err("reading", file))?;
    let Some((b'\n', body)) = buf.split_last() else {
        return Ok(None);
    };
    let body = body.strip_suffix(b"\r").unwrap_or(body);
    let start = body.iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1);
    Ok(Some(String::from_utf8_lossy(&body[start..]).into_owned()))
}

/// Whether every journal still holds the closing's anchor at its offset.
pub fn holds(dir: &Path, meta: &Meta) -> Result<bool> {
    if !table(dir, meta.day).is_file() {
        return Ok(false);
    }
    for j in &meta.journals {
        if anchor(&dir.join(&j.file), j.offset)?.as_deref() != Some(j.anchor.as_str()) {
            return Ok(false);
        }
    }
    Ok(JOURNALS.iter().all(|f| meta.mark(f).is_some()))
}

/// The rows of a closing's table, in member order.
pub fn rows(dir: &Path, day: NaiveDate) -> Result<Rows> {
    Rows::open(&table(dir, day), ClosingRow::HEADER, None)
}

/// Writes a closing: rows as they come, then the `.toml`.
pub struct Writer {
    dir: PathBuf,
    day: NaiveDate,
    csv: csv::Writer<std::io::BufWriter<tempfile::NamedTempFile>>,
    rows: u64,
}

impl Writer {
    pub fn create(dir: &Path, day: NaiveDate) -> Result<Writer> {
        let d = dir.join(DIR);
        super::fsutil::create_dir_private(&d)?;
        let tmp = tempfile::Builder::new()
            .prefix(".clubctl-")
            .suffix(".tmp")
            .tempfile_in(&d)
            .map_err(io_err("creating a temp file in", &d))?;
        let mut csv = csv::WriterBuilder::new()
            .has_headers(false)
            .from_writer(std::io::BufWriter::with_capacity(1 << 18, tmp));
        csv.write_record(ClosingRow::HEADER)
            .map_err(|e| write_err(&d, e))?;
        Ok(Writer {
            dir: dir.to_path_buf(),
            day,
            csv,
            rows: 0,
        })
    }

    pub fn row(&mut self, r: &ClosingRow) -> Result<()> {
        self.rows += 1;
        self.csv
            .serialize(r)
            .map_err(|e| write_err(&self.dir.join(DIR), e))
    }

    /// Syncs the table into place, then writes the `.toml` naming the
    /// journal marks (each with the anchor read back from the journal).
    pub fn finish(self, marks: &[(&str, Mark)]) -> Result<Meta> {
        let d = self.dir.join(DIR);
        let buf = self.csv.into_inner().map_err(|e| StoreError::Io {
            what: "writing",
            path: d.clone(),
            source: e.into_error(),
        })?;
        let mut tmp = buf.into_inner().map_err(|e| StoreError::Io {
            what: "writing",
            path: d.clone(),
            source: e.into_error(),
        })?;
        tmp.flush()
            .and_then(|_| tmp.as_file().sync_all())
            .map_err(io_err("writing", tmp.path()))?;
        let table = table(&self.dir, self.day);
        tmp.persist(&table).map_err(|e| StoreError::Io {
            what: "renaming into place",
            path: table.clone(),
            source: e.error,
        })?;
        let mut journals = Vec::new();
        for (file, m) in marks {
            let anchor = anchor(&self.dir.join(file), m.offset)?.ok_or_else(|| {
                StoreError::Missing(format!(
                    "{file} changed while the closing of {} was written; run `clubctl data close` again",
                    self.day
                ))
            })?;
            journals.push(JournalMark {
                file: file.to_string(),
                offset: m.offset,
                line: m.line,
                anchor,
            });
        }
        let meta = Meta {
            version: VERSION,
            day: self.day,
            rows: self.rows,
            journals,
        };
        let text = toml::to_string(&meta).map_err(|e| StoreError::Missing(e.to_string()))?;
        fsutil::write_atomic(&path(&self.dir, self.day, "toml"), text.as_bytes())?;
        Ok(meta)
    }
}

fn write_err(dir: &Path, e: csv::Error) -> StoreError {
    StoreError::Io {
        what: "writing a closing in",
        path: dir.to_path_buf(),
        source: std::io::Error::other(e.to_string()),
    }
}

/// The closings as the layers above the store see them: by day, never by
/// file.
impl super::Store {
    /// Every finished closing of the current version, oldest first (see
    /// `list`).
    pub fn closings(&self) -> Result<Vec<Meta>> {
        list(&self.dir)
    }

    /// Whether the closing still matches the journals at its marks (see
    /// `holds`).
    pub fn closing_holds(&self, meta: &Meta) -> Result<bool> {
        holds(&self.dir, meta)
    }

    /// The rows of the closing of `day`, in member order.
    pub fn closing_rows(&self, day: NaiveDate) -> Result<Rows> {
        rows(&self.dir, day)
    }

    /// Starts writing the closing of `day` (see `Writer`).
    pub fn closing_writer(&self, day: NaiveDate) -> Result<Writer> {
        Writer::create(&self.dir, day)
    }

    /// The table of the closing of `day`: for a benchmark's bare scan of
    /// what a report reads.
    pub fn closing_table(&self, day: NaiveDate) -> PathBuf {
        table(&self.dir, day)
    }

    /// The bytes of the journals after the closing's marks (all of them,
    /// with no closing): what a report from it reads, for its progress.
    pub fn journal_bytes_after(&self, meta: Option<&Meta>) -> u64 {
        JOURNALS
            .iter()
            .map(|f| {
                let len = std::fs::metadata(self.dir.join(f)).map_or(0, |m| m.len());
                len.saturating_sub(meta.and_then(|m| m.mark(f)).map_or(0, |m| m.offset))
            })
            .sum()
    }

    /// For `data check`: a problem with the closing of `day` as a whole
    /// (its day, its marks), shown at its `.toml`.
    pub fn closing_problem(&self, day: NaiveDate, msg: String) -> Problem {
        Problem {
            path: path(&self.dir, day, "toml"),
            line: 1,
            msg,
        }
    }

    /// For `data check`: a problem at `line` of the closing table of `day`.
    pub fn closing_row_problem(&self, day: NaiveDate, line: u64, msg: String) -> Problem {
        Problem {
            path: table(&self.dir, day),
            line,
            msg,
        }
    }

    /// For `data check`: every closing `.toml` that cannot be read, which
    /// `closings` passes over.
    pub fn unreadable_closings(&self) -> Vec<Problem> {
        let mut out = Vec::new();
        if let Ok(entries) = std::fs::read_dir(self.dir.join(DIR)) {
            for p in entries.flatten().map(|e| e.path()) {
                if p.extension().is_some_and(|x| x == "toml") {
                    if let Err(e) = read_meta(&p) {
                        out.push(Problem {
                            path: p,
                            line: 1,
                            msg: e.to_string(),
                        });
                    }
                }
            }
        }
        out
    }
}

/// Removes a closing (both files); missing files are no error.
pub fn remove(dir: &Path, day: NaiveDate) -> Result<()> {
    for ext in ["toml", "csv"] {
        let p = path(dir, day, ext);
        match std::fs::remove_file(&p) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(io_err("removing", &p)(e)),
        }
    }
    Ok(())
}
