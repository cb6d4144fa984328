//! `TestClub`: a fresh data directory, a fixed business day and operator,
//! and a cleared environment, so a developer's own settings never leak in.

#![allow(dead_code)]

use assert_cmd::Command;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub struct TestClub {
    _tmp: tempfile::TempDir,
    dir: PathBuf,
    pub today: String,
    pub operator: String,
}

/// What one run of clubctl did.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl TestClub {
    /// A new club made by `clubctl init`, on 2026-11-25, operated by `office`.
    pub fn new() -> TestClub {
        let tmp = tempfile::tempdir().expect("temp dir");
        let dir = tmp.path().join("club");
        let club = TestClub {
            _tmp: tmp,
            dir,
            today: "2026-11-25".into(),
            operator: "office".into(),
        };
        let run = club.run(&["init", club.dir.to_str().expect("utf-8 temp path")]);
        assert_eq!(run.code, 0, "init failed: {}", run.stderr);
        club
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn path(&self, file: &str) -> PathBuf {
        self.dir.join(file)
    }

    /// Sets the business day for the following commands.
    pub fn on(&mut self, today: &str) -> &mut Self {
        self.today = today.to_string();
        self
    }

    /// Sets the operator (`--as`) for the following commands.
    pub fn as_operator(&mut self, operator: &str) -> &mut Self {
        self.operator = operator.to_string();
        self
    }

    /// The clubctl command with this club's environment and nothing else.
    pub fn cmd(&self, args: &[&str]) -> Command {
        let mut c = Command::cargo_bin("clubctl").expect("the clubctl binary");
        c.env_clear()
            .env("CLUBCTL_DATA", &self.dir)
            .env("CLUBCTL_TODAY", &self.today)
            .env("CLUBCTL_OPERATOR", &self.operator)
            .args(args);
        c
    }

    pub fn run(&self, args: &[&str]) -> Run {
        let out = self.cmd(args).output().expect("running clubctl");
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// One column of a command's one-row CSV listing (`--format csv` is
    /// added).
    pub fn csv_field(&self, args: &[&str], name: &str) -> String {
        let csv = self.ok(&[&["--format", "csv"], args].concat());
        let mut lines = csv.lines();
        let header: Vec<&str> = lines.next().unwrap().split(',').collect();
        let row: Vec<&str> = lines.next().unwrap().split(',').collect();
        let i = header.iter().position(|h| *h == name).unwrap();
        row[i].to_string()
    }

    /// Runs a command that must succeed and print nothing at all: a cron
    /// job with nothing to do.
    pub fn quiet(&self, args: &[&str]) {
        let run = self.run(args);
        assert_eq!(
            (run.code, run.stdout.as_str(), run.stderr.as_str()),
            (0, "", ""),
            "clubctl {args:?} should succeed quietly"
        );
    }

    /// Runs a command that must succeed; returns its trimmed stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let run = self.run(args);
        assert_eq!(
            run.code, 0,
            "clubctl {args:?} failed ({}):\n{}",
            run.code, run.stderr
        );
        run.stdout.trim().to_string()
    }

    /// Every file of the data directory and its subdirectories (but the
    /// lock) with its bytes.
    pub fn snapshot(&self) -> BTreeMap<String, Vec<u8>> {
        files_of(&self.dir)
    }

    /// Runs a command that must be refused with `code`, naming `needle` in
    /// its message, and leave every data file byte-for-byte as it was.
    pub fn refused(&self, args: &[&str], code: i32, needle: &str) -> Run {
        let before = self.snapshot();
        let run = self.run(args);
        assert_eq!(
            run.code, code,
            "clubctl {args:?} should exit {code}, got {}:\nstdout: {}\nstderr: {}",
            run.code, run.stdout, run.stderr
        );
        assert!(
            run.stderr.contains(needle),
            "clubctl {args:?}: stderr should mention {needle:?}:\n{}",
            run.stderr
        );
        assert!(
            run.stdout.is_empty(),
            "a refusal printed on stdout: {}",
            run.stdout
        );
        let after = self.snapshot();
        assert_eq!(
            before.keys().collect::<Vec<_>>(),
            after.keys().collect::<Vec<_>>(),
            "files appeared or vanished"
        );
        for (name, bytes) in &before {
            assert!(
                after[name] == *bytes,
                "clubctl {args:?} was refused but changed {name}"
            );
        }
        run
    }

    /// Writes a derived file (`balances/M000.csv`) by hand and records its
    /// length in `index/lengths.csv`, as a commit would: for tests of what
    /// clubctl does with such a file's contents.
    pub fn write_derived(&self, file: &str, bytes: &str) {
        std::fs::write(self.path(file), bytes).unwrap();
        let record = self.read("index/lengths.csv");
        let mut lines: Vec<String> = record
            .lines()
            .filter(|l| l.rsplit_once(',').is_none_or(|(f, _)| f != file))
            .map(str::to_string)
            .collect();
        lines.push(format!("{file},{}", bytes.len()));
        lines[1..].sort();
        std::fs::write(self.path("index/lengths.csv"), lines.join("\n") + "\n").unwrap();
    }

    pub fn read(&self, file: &str) -> String {
        std::fs::read_to_string(self.path(file)).expect("reading a data file")
    }

    /// The shard files of a sharded table (`members`), by their path in
    /// the data directory (`members/M000.csv`), in the order of the keys
    /// they hold.
    pub fn shards(&self, table: &str) -> Vec<String> {
        shards_of(&self.dir, table)
    }

    /// A sharded table (`members`, `cards`, `balances`) as one CSV text:
    /// the header once, then the rows of every shard in shard order. Every
    /// shard must start with the same header. A table with no shard yet
    /// is the empty text.
    pub fn table(&self, table: &str) -> String {
        table_of(&self.dir, table)
    }

    /// A member added and approved; returns the id.
    pub fn active_member(&self, name: &str, phone: &str) -> String {
        let id = self.ok(&["member", "add", "--name", name, "--phone", phone]);
        self.ok(&["member", "approve", &id]);
        id
    }

    /// A staff member; returns the id.
    pub fn staff(&self, name: &str, role: &str) -> String {
        self.ok(&["staff", "add", "--name", name, "--role", role])
    }

    /// `data check` must pass.
    pub fn check(&self) {
        let run = self.run(&["data", "check"]);
        assert_eq!(run.code, 0, "data check failed:\n{}", run.stderr);
    }
}

/// The shard files of the table `table` in the data directory `dir`, as
/// paths relative to `dir`, in the order of the keys they hold: the
/// shorter name first, then by text, `_other` last. Temp files (a leading
/// dot) and files not ending in `.csv` are not shards.
pub fn shards_of(dir: &Path, table: &str) -> Vec<String> {
    let sub = dir.join(table);
    assert!(sub.is_dir(), "{} is not a directory", sub.display());
    let mut names: Vec<String> = std::fs::read_dir(&sub)
        .expect("reading a table directory")
        .map(|e| {
            e.expect("dir entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .filter_map(|n| n.strip_suffix(".csv").map(str::to_string))
        .filter(|n| !n.starts_with('.'))
        .collect();
    names.sort_by_key(|n| (n == "_other", n.len(), n.clone()));
    names
        .into_iter()
        .map(|n| format!("{table}/{n}.csv"))
        .collect()
}

/// See `TestClub::table`.
pub fn table_of(dir: &Path, table: &str) -> String {
    let mut out = String::new();
    let mut header: Option<String> = None;
    for shard in shards_of(dir, table) {
        let text = std::fs::read_to_string(dir.join(&shard)).expect("reading a shard");
        let (head, rows) = match text.find('\n') {
            Some(at) => text.split_at(at + 1),
            None => (text.as_str(), ""),
        };
        match &header {
            None => {
                out.push_str(head);
                header = Some(head.to_string());
            }
            Some(h) => assert_eq!(h, head, "{shard} has another header"),
        }
        out.push_str(rows);
    }
    out
}

/// Every file of a data directory and its subdirectories (but the lock),
/// by its path there (`members/M000.csv`), with its bytes.
pub fn files_of(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(dir: &Path, prefix: &str, files: &mut BTreeMap<String, Vec<u8>>) {
        for entry in std::fs::read_dir(dir).expect("data dir") {
            let entry = entry.expect("dir entry");
            let name = format!("{prefix}{}", entry.file_name().to_string_lossy());
            if name == "clubctl.lock" {
                continue;
            }
            if entry.path().is_dir() {
                walk(&entry.path(), &format!("{name}/"), files);
                continue;
            }
            files.insert(
                name,
                std::fs::read(entry.path()).expect("reading a data file"),
            );
        }
    }
    let mut files = BTreeMap::new();
    walk(dir, "", &mut files);
    files
}
