//! `index/lengths.csv`: the length in bytes of every derived file, as the
//! last commit left it.
//!
//! Derived files (the balances cache, the receipt index, the phone index)
//! are rebuilt from the tables and journals they come from, so a lost or
//! cut one would otherwise read as "nothing here": a deleted receipt bucket
//! would let a receipt earn twice, a deleted balances shard would start a
//! member again from zero. Every commit records the length each derived
//! file it writes will have, in the same transaction; every read of a
//! derived file first compares its length with the record, and refuses a
//! file that is missing, cut short, grown or never recorded, naming
//! `clubctl data reindex`, which rebuilds them all from their sources.

use super::error::{io_err, Result, StoreError};
use super::fsutil;
use std::collections::BTreeMap;
use std::path::Path;

/// The record itself, relative to the data directory.
pub const FILE: &str = "index/lengths.csv";
const HEADER: &str = "file,bytes\n";

/// The directories holding derived files.
pub const DERIVED: &[&str] = &["balances/", "index/", "receipts/"];

/// Whether `file` (relative to the data directory) is derived data whose
/// length is recorded.
pub fn tracked(file: &str) -> bool {
    file != FILE && (DERIVED.iter().any(|d| file.starts_with(d)) || covered(file))
}

/// Whether `file` is a journal the derived files are built from: its
/// length is recorded too, so lines added outside clubctl are found.
pub fn covered(file: &str) -> bool {
    super::history::JOURNALS.iter().any(|j| j.file == file)
}

/// The recorded length of each derived file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Lengths {
    files: BTreeMap<String, u64>,
    /// The record itself was there to read.
    found: bool,
}

impl Lengths {
    /// Reads the record; a missing one is an empty record that knows it
    /// was missing, so the first derived file checked against it is
    /// refused with that reason.
    pub fn read(dir: &Path) -> Result<Lengths> {
        let path = dir.join(FILE);
        let Some(_) = fsutil::open_read(&path)? else {
            return Ok(Lengths::default());
        };
        let bytes = fsutil::read(&path)?;
        let bad = |line: usize, msg: &str| StoreError::Corrupt {
            path: path.clone(),
            line: line as u64,
            msg: format!("{msg}; run `clubctl data reindex` to write it anew"),
        };
        let text = std::str::from_utf8(&bytes).map_err(|_| bad(1, "not UTF-8"))?;
        let mut lines = text.lines();
        if lines.next() != Some(HEADER.trim_end()) {
            return Err(bad(
                1,
                &format!("the header is not '{}'", HEADER.trim_end()),
            ));
        }
        let mut files = BTreeMap::new();
        for (i, line) in lines.enumerate() {
            let (file, n) = line
                .rsplit_once(',')
                .and_then(|(f, n)| Some((f, n.parse::<u64>().ok()?)))
                .ok_or_else(|| bad(i + 2, "expected 'file,bytes'"))?;
            files.insert(file.to_string(), n);
        }
        if !text.is_empty() && !text.ends_with('\n') {
            return Err(bad(text.lines().count(), "the last line is cut short"));
        }
        Ok(Lengths { files, found: true })
    }

    pub fn encode(&self) -> Vec<u8> {
        let mut out = HEADER.as_bytes().to_vec();
        for (file, n) in &self.files {
            out.extend_from_slice(format!("{file},{n}\n").as_bytes());
        }
        out
    }

    pub fn set(&mut self, file: &str, len: u64) {
        self.files.insert(file.to_string(), len);
        self.found = true;
    }

    /// Forgets every recorded length (before a rebuild records them all).
    pub fn clear(&mut self) {
        self.files.clear();
    }

    /// The files recorded under `dir` (`balances/`).
    pub fn under<'a>(&'a self, dir: &'a str) -> impl Iterator<Item = (&'a str, u64)> + 'a {
        self.files
            .range(dir.to_string()..)
            .take_while(move |(f, _)| f.starts_with(dir))
            .map(|(f, n)| (f.as_str(), *n))
    }

    /// Refuses `file` unless it is as long as the last commit left it
    /// (a file never written must not be there, or be empty).
    pub fn verify(&self, dir: &Path, file: &str) -> Result<()> {
        match self.problem(dir, file)? {
            None => Ok(()),
            Some(msg) => Err(StoreError::Corrupt {
                path: dir.join(file),
                line: 0,
                msg,
            }),
        }
    }

    /// What is wrong with `file`'s length, if anything.
    pub fn problem(&self, dir: &Path, file: &str) -> Result<Option<String>> {
        let path = dir.join(file);
        let actual = fsutil::len(&path)?;
        let recorded = self.files.get(file).copied();
        if recorded.unwrap_or(0) == actual {
            return Ok(None);
        }
        let fix = "it is derived data: run `clubctl data reindex` to rebuild it from its sources";
        let why = match recorded {
            Some(n) if covered(file) => format!(
                "the journal is {actual} bytes long, but the last commit left it {n} bytes: it was changed outside clubctl, and the balances and indexes built from it may no longer match. Run `clubctl data check`, then `clubctl data reindex`"
            ),
            _ if !self.found => {
                format!("{FILE} is missing, so this derived file cannot be trusted; {fix}")
            }
            Some(n) if !path.exists() => {
                format!("the file is missing, though the last commit left it {n} bytes long; {fix}")
            }
            Some(n) => format!(
                "the file is {actual} bytes long, but the last commit left it {n} bytes: it was changed outside clubctl; {fix}"
            ),
            None => format!("clubctl never wrote this file (it was added outside clubctl); {fix}"),
        };
        Ok(Some(why))
    }
}

/// Every file under the derived directory `sub` (`receipts/`), by its
/// path in the data directory; the record itself left out.
pub fn list(dir: &Path, sub: &str) -> Result<Vec<String>> {
    let mut out = Vec::new();
    let mut todo = vec![sub.trim_end_matches('/').to_string()];
    while let Some(rel) = todo.pop() {
        let path = dir.join(&rel);
        let entries = match std::fs::read_dir(&path) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(io_err("reading", &path)(e)),
        };
        for entry in entries {
            let entry = entry.map_err(io_err("reading", &path))?;
            let name = format!("{rel}/{}", entry.file_name().to_string_lossy());
            match entry.file_type() {
                Ok(t) if t.is_dir() => todo.push(name),
                _ if name == FILE => {}
                _ => out.push(name),
            }
        }
    }
    out.sort();
    Ok(out)
}

/// The lengths of every derived file as they are now: the start of a
/// rebuild's record.
pub fn scan(dir: &Path) -> Result<Lengths> {
    let mut l = Lengths {
        found: true,
        ..Lengths::default()
    };
    for file in DERIVED
        .iter()
        .map(|sub| list(dir, sub))
        .collect::<Result<Vec<_>>>()?
        .into_iter()
        .flatten()
        .chain(super::history::JOURNALS.iter().map(|j| j.file.to_string()))
    {
        let len = fsutil::len(&dir.join(&file))?;
        l.set(&file, len);
    }
    Ok(l)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_derived_files_are_tracked() {
        assert!(tracked("balances/M000.csv"));
        assert!(tracked("receipts/00a.idx"));
        assert!(tracked("index/phones/07.csv"));
        assert!(!tracked(FILE));
        assert!(!tracked("members/M000.csv"));
        assert!(!tracked("staff.csv"));
        // The journals derived files are built from are recorded too.
        assert!(tracked("ledger.csv") && tracked("audit.csv"));
    }

    #[test]
    fn a_record_reads_back_and_judges_lengths() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("receipts")).unwrap();
        std::fs::create_dir_all(dir.path().join("index")).unwrap();
        std::fs::write(dir.path().join("receipts/001.idx"), "k,T1\n").unwrap();
        let mut l = Lengths::default();
        // No record at all: the file cannot be trusted.
        assert!(l
            .problem(dir.path(), "receipts/001.idx")
            .unwrap()
            .unwrap()
            .contains("missing"));
        l.set("receipts/001.idx", 5);
        l.set("receipts/002.idx", 5);
        std::fs::write(dir.path().join(FILE), l.encode()).unwrap();
        let back = Lengths::read(dir.path()).unwrap();
        assert_eq!(back, l);
        assert!(back.verify(dir.path(), "receipts/001.idx").is_ok());
        // Recorded but deleted, and never recorded but present.
        let gone = back
            .problem(dir.path(), "receipts/002.idx")
            .unwrap()
            .unwrap();
        assert!(
            gone.contains("missing, though the last commit left it 5 bytes"),
            "{gone}"
        );
        std::fs::write(dir.path().join("receipts/003.idx"), "x,T2\n").unwrap();
        assert!(back
            .problem(dir.path(), "receipts/003.idx")
            .unwrap()
            .unwrap()
            .contains("never wrote"));
        // Never recorded and absent is fine; cut short is not.
        assert!(back.verify(dir.path(), "receipts/004.idx").is_ok());
        std::fs::write(dir.path().join("receipts/001.idx"), "k,T\n").unwrap();
        let cut = back
            .verify(dir.path(), "receipts/001.idx")
            .unwrap_err()
            .to_string();
        assert!(
            cut.contains("4 bytes long, but the last commit left it 5"),
            "{cut}"
        );
        assert_eq!(back.under("receipts/").count(), 2);
    }

    #[test]
    fn a_damaged_record_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("index")).unwrap();
        std::fs::write(dir.path().join(FILE), "file,bytes\nreceipts/001.idx,x\n").unwrap();
        let e = Lengths::read(dir.path()).unwrap_err().to_string();
        assert!(e.contains(":2:") && e.contains("data reindex"), "{e}");
    }
}
