//! Single-record benchmark, run with `cargo bench --bench record -- [--members=1000,1000000]
//! [--months=24] [--runs=7] [--only=NAME,..] [--fsyncs]`.
//!
//! A command that touches one record (approve a member, grant points for a
//! receipt, claim a lead...) must cost about the same in a club of a
//! thousand members and in one of a million. For each club size this runs
//! every such command `--runs` times and prints, per command, the median wall
//! time and the median peak resident memory (`ru_maxrss` of the child, from
//! `wait4`, in a small launcher process: see `launch`) at each size, and the ratio of the largest club's median time to
//! the smallest's. Targets: ratio at most 2, peak at most 64 MB at every
//! size. The sizes take turns, run by run, so that a change in the shared
//! machine's load (fsync latency is most of a small club's time) falls on
//! all of them alike. `member list --format csv` (peak at most 64 MB: it streams) and
//! `data check` (at most 512 MB) are reported apart, on memory only, from
//! at most 3 runs each.
//!
//! The clubs are made by the binary itself (`data generate --seed 7`, history
//! of `--months` months ending on `TODAY`) under `target/bench-data/record-N/`
//! and kept: a later run reuses them. The runs do not start from a fresh
//! copy (copying a million-member club each run would cost more than the
//! bench); each run picks other records, so the club drifts a little from
//! one run and one invocation to the next. The records are found by asking
//! the binary (`member list`, `lead list`, `staff list`, `points balance`),
//! never by reading the data files, since the store may change its layout:
//! active members spread over the whole id range; pending applications
//! (then the members `member add` filed) for `member approve`; the spends
//! `points grant` recorded for `points reverse`; the wallets `wallet
//! recharge` topped up for `wallet pay`; live leads for `lead convert`; an
//! event planned on `TODAY` without a place limit for `event register`, whose
//! registrations `event checkin` then checks in. A run refused by a rule
//! (exit 4 or 5, e.g. a card already lost in an earlier invocation) is
//! reported and retried on the next record, twice at most; any other
//! failure skips the command at that size, with its stderr.
//!
//! `--only` takes command names (`member add`, or `member-add`), `--fsyncs`
//! counts the fsync and fdatasync calls of one more run of each command
//! under `strace -f -c`.

// Benchmarks write fixtures and read results as files directly: clippy.toml's
// rule that only src/store touches files is for the program, not for them.
#![allow(clippy::disallowed_methods, clippy::disallowed_types)]

use std::collections::{HashSet, VecDeque};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

// `common::clubctl` panics on a failure; this bench reports failures instead.
#[allow(dead_code)]
mod common;
use common::{club_env, median, BIN, TODAY};

/// The single-record commands, in the order they run (a command may use
/// what an earlier one made: `member approve` the applications `member add`
/// filed, `points reverse` the spends of `points grant`...; `lead claim`
/// the places `lead convert` freed, since a generated club's salespeople
/// may all hold as many live leads as `lead.max_active` allows).
const RECORD: [&str; 17] = [
    "member add",
    "member approve",
    "member renew",
    "member update",
    "points grant",
    "points redeem",
    "points reverse",
    "wallet recharge",
    "wallet pay",
    "lead convert",
    "lead claim",
    "event register",
    "event checkin",
    "card lost",
    "member show",
    "points balance",
    "points history",
];

/// The whole-club commands, with their peak memory target in MB.
const WHOLE: [(&str, f64); 2] = [("member list", 64.0), ("data check", 512.0)];

const MAX_RATIO: f64 = 2.0;
const MAX_PEAK_MB: f64 = 64.0;
/// Points a `points redeem` run offsets; its members must have this many.
const REDEEM: i64 = 100;

/// One finished clubctl process.
struct Run {
    code: i32,
    wall: Duration,
    peak_kb: u64,
    stdout: String,
    stderr: String,
}

/// Runs `program args` in the bench environment on `dir`, through a
/// launcher (see `launch`).
fn spawn(program: &str, dir: &Path, args: &[String]) -> Result<Run, String> {
    let exe = std::env::current_exe().map_err(|e| format!("finding the bench itself: {e}"))?;
    let result = std::env::temp_dir().join(format!("clubctl-record-{}.run", std::process::id()));
    let _ = std::fs::remove_file(&result);
    let mut cmd = Command::new(exe);
    club_env(&mut cmd, dir);
    if program != BIN {
        // strace is looked for, and finds clubctl by its full path.
        if let Some(path) = std::env::var_os("PATH") {
            cmd.env("PATH", path);
        }
    }
    let out = cmd
        .arg("--launch")
        .arg(&result)
        .arg(program)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("starting the launcher: {e}"))?;
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let text = std::fs::read_to_string(&result)
        .map_err(|e| format!("running {program}: no result ({e}): {}", stderr.trim()))?;
    let _ = std::fs::remove_file(&result);
    let f: Vec<u64> = text
        .split_whitespace()
        .filter_map(|n| n.parse().ok())
        .collect();
    let [code, nanos, peak_kb] = f[..] else {
        return Err(format!("running {program}: bad launcher result {text:?}"));
    };
    Ok(Run {
        code: i32::try_from(code).unwrap_or(i32::MAX),
        wall: Duration::from_nanos(nanos),
        peak_kb,
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr,
    })
}

/// `record --launch FILE PROGRAM ARGS..`: runs PROGRAM as this process's
/// child, reaps it with `wait4`, and writes its exit code, wall time (ns)
/// and peak resident memory (KB) to FILE.
///
/// Why a launcher: a child's `ru_maxrss` starts from its parent's peak, not
/// from zero (exec records the high-water mark of the memory it leaves, and
/// a spawned child leaves its parent's), so a child of the bench, which
/// holds a million members' ids, would inherit that. The launcher stays
/// small: its children's peaks are their own.
fn launch(args: &[String]) -> ! {
    let [file, program, rest @ ..] = args else {
        eprintln!("--launch FILE PROGRAM ARGS..");
        std::process::exit(2);
    };
    let start = Instant::now();
    let child = match Command::new(program).args(rest).spawn() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("starting {program}: {e}");
            std::process::exit(1);
        }
    };
    let pid = libc::pid_t::try_from(child.id()).expect("pid");
    let mut status = 0;
    // SAFETY: rusage is plain data, and wait4 fills it in.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: pointers to locals; the pid is our child, not yet reaped.
    while unsafe { libc::wait4(pid, &mut status, 0, &mut usage) } != pid {
        if std::io::Error::last_os_error().kind() != std::io::ErrorKind::Interrupted {
            eprintln!("waiting for {program}: {}", std::io::Error::last_os_error());
            std::process::exit(1);
        }
    }
    let wall = start.elapsed();
    let code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        128 + libc::WTERMSIG(status)
    };
    let line = format!("{code} {} {}\n", wall.as_nanos(), usage.ru_maxrss);
    if let Err(e) = std::fs::write(file, line) {
        eprintln!("writing {file}: {e}");
        std::process::exit(1);
    }
    std::process::exit(0)
}

fn strings(args: &[&str]) -> Vec<String> {
    args.iter().map(|s| (*s).to_string()).collect()
}

/// One row of a CSV listing, read by header name, so that a change of
/// column order does not matter.
struct Row<'a> {
    header: &'a csv::StringRecord,
    record: &'a csv::StringRecord,
}

impl Row<'_> {
    fn get(&self, name: &str) -> &str {
        self.header
            .iter()
            .position(|h| h == name)
            .and_then(|i| self.record.get(i))
            .unwrap_or("")
    }
}

/// Calls `f` on each row of a CSV listing, one at a time (a million
/// members' rows held at once would take far more memory than their text).
fn each_row(csv_text: &str, mut f: impl FnMut(&Row)) -> Result<(), String> {
    let mut rdr = csv::Reader::from_reader(csv_text.as_bytes());
    let header = rdr.headers().map_err(|e| e.to_string())?.clone();
    let mut record = csv::StringRecord::new();
    while rdr.read_record(&mut record).map_err(|e| e.to_string())? {
        f(&Row {
            header: &header,
            record: &record,
        });
    }
    Ok(())
}

/// What the commands of one club run on, found before (and between) the
/// timed runs.
struct Targets {
    dir: PathBuf,
    /// Makes receipts and names of this invocation unlike earlier ones.
    nonce: u64,
    active: Vec<String>,
    /// Walks `active` by a stride coprime with its length: every member
    /// once, spread over the whole id range.
    cursor: usize,
    step: usize,
    pending: VecDeque<String>,
    phones: HashSet<u64>,
    next_phone: u64,
    /// Salespeople and how many live leads each holds.
    sales: Vec<(String, usize)>,
    /// Live leads and their owners.
    live_leads: VecDeque<(String, String)>,
    event: Option<Result<String, String>>,
    spends: VecDeque<String>,
    wallets: VecDeque<String>,
    registered: VecDeque<String>,
}

fn gcd(a: usize, b: usize) -> usize {
    if b == 0 {
        a
    } else {
        gcd(b, a % b)
    }
}

impl Targets {
    /// Asks the club for its members, leads and salespeople.
    fn new(dir: &Path) -> Result<Self, String> {
        let nonce = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let mut t = Targets {
            dir: dir.to_path_buf(),
            nonce,
            active: Vec::new(),
            cursor: 0,
            step: 1,
            pending: VecDeque::new(),
            phones: HashSet::new(),
            next_phone: 199_0000_0000,
            sales: Vec::new(),
            live_leads: VecDeque::new(),
            event: None,
            spends: VecDeque::new(),
            wallets: VecDeque::new(),
            registered: VecDeque::new(),
        };
        let members = t.ask(&["member", "list", "--format", "csv"])?;
        each_row(&members, |m| {
            t.phones.extend(m.get("phone").parse::<u64>());
            match m.get("status") {
                "active" => t.active.push(m.get("id").to_string()),
                "pending" => t.pending.push_back(m.get("id").to_string()),
                _ => {}
            }
        })?;
        drop(members);
        if t.active.is_empty() {
            return Err("the club has no active member".into());
        }
        let len = t.active.len();
        t.step = ((len as f64 * 0.618) as usize).max(1);
        while gcd(t.step, len) != 1 {
            t.step += 1;
        }
        t.cursor = (nonce as usize) % len;
        each_row(&t.ask(&["staff", "list", "--format", "csv"])?, |s| {
            if s.get("role") == "sales" && matches!(s.get("active"), "yes" | "true") {
                t.sales.push((s.get("id").to_string(), 0));
            }
        })?;
        each_row(&t.ask(&["lead", "list", "--format", "csv"])?, |l| {
            t.phones.extend(l.get("phone").parse::<u64>());
            if l.get("status") != "live" {
                return;
            }
            let owner = l.get("owner");
            if let Some(s) = t.sales.iter_mut().find(|(id, _)| id == owner) {
                s.1 += 1;
            }
            // A lead on its last day may have lapsed by the time its turn comes.
            if l.get("days_left").parse::<i64>().is_ok_and(|d| d > 1) {
                t.live_leads
                    .push_back((l.get("id").to_string(), owner.to_string()));
            }
        })?;
        Ok(t)
    }

    /// Runs a setup command (not timed) and returns its stdout.
    fn ask(&self, args: &[&str]) -> Result<String, String> {
        let run = spawn(BIN, &self.dir, &strings(args))?;
        if run.code == 0 {
            Ok(run.stdout)
        } else {
            Err(format!(
                "setup `clubctl {}` exited {}: {}",
                args.join(" "),
                run.code,
                run.stderr.trim()
            ))
        }
    }

    fn next_active(&mut self) -> String {
        self.cursor = (self.cursor + self.step) % self.active.len();
        self.active[self.cursor].clone()
    }

    /// A mobile number no member or lead holds.
    fn fresh_phone(&mut self) -> String {
        loop {
            self.next_phone += 1;
            if self.phones.insert(self.next_phone) {
                return self.next_phone.to_string();
            }
        }
    }

    /// The event `event register` and `event checkin` use: planned once, on
    /// `TODAY` (registration still open, check-in already open), no place
    /// limit, no fee.
    fn event(&mut self) -> Result<String, String> {
        if self.event.is_none() {
            let title = format!("Record bench {}", self.nonce);
            let planned = self
                .ask(&[
                    "--yes", "event", "plan", "--title", &title, "--date", TODAY, "--points", "10",
                ])
                .map(|out| out.trim().to_string());
            self.event = Some(planned);
        }
        self.event.clone().expect("planned above")
    }

    /// A member with at least `REDEEM` points to spend, by `points balance`.
    fn member_with_points(&mut self) -> Result<String, String> {
        for _ in 0..200 {
            let id = self.next_active();
            let out = self.ask(&["points", "balance", &id, "--format", "json"])?;
            let v: serde_json::Value = serde_json::from_str(&out)
                .map_err(|e| format!("`points balance {id} --format json`: {e}"))?;
            let v = v.get(0).unwrap_or(&v);
            if v["available"].as_i64().is_some_and(|p| p >= REDEEM) {
                return Ok(id);
            }
        }
        Err(format!("found no active member with {REDEEM} points"))
    }

    /// The `n`th attempt of `cmd`: the record it works on (which `made` may
    /// keep for a later command) and its arguments.
    fn attempt(&mut self, cmd: &str, n: usize) -> Result<(String, Vec<String>), String> {
        let tag = format!("{}-{n}", self.nonce);
        let subject = match cmd {
            "lead claim" => {
                let (sales, live) = self
                    .sales
                    .iter_mut()
                    .min_by_key(|(_, live)| *live)
                    .ok_or("the club has no active salesperson")?;
                *live += 1;
                sales.clone()
            }
            "member approve" => self
                .pending
                .pop_front()
                .ok_or("no pending application left (member add files more)")?,
            "points redeem" => self.member_with_points()?,
            "points reverse" => match self.spends.pop_front() {
                Some(s) => s,
                None => {
                    let receipt = format!("BENCH-R{tag}");
                    let id = self.next_active();
                    let grant = [
                        "points",
                        "grant",
                        &id,
                        "--spend",
                        "88",
                        "--receipt",
                        &receipt,
                    ];
                    self.ask(&grant)?.trim().to_string()
                }
            },
            "wallet pay" => match self.wallets.pop_front() {
                Some(id) => id,
                None => {
                    let id = self.next_active();
                    self.ask(&["--yes", "wallet", "recharge", &id, "--amount", "200"])?;
                    id
                }
            },
            "lead convert" => {
                let (id, owner) = self.live_leads.pop_front().ok_or("no live lead left")?;
                if let Some(s) = self.sales.iter_mut().find(|(s, _)| *s == owner) {
                    s.1 -= 1;
                }
                id
            }
            // A member who did not register walks in: the event has no limit.
            "event checkin" => match self.registered.pop_front() {
                Some(m) => m,
                None => self.next_active(),
            },
            "member add" | "member list" | "data check" => String::new(),
            _ => self.next_active(),
        };
        let s = subject.as_str();
        let mut args = strings(&cmd.split(' ').collect::<Vec<_>>());
        let more: Vec<String> = match cmd {
            "member add" => {
                let name = format!("Bench {tag}");
                strings(&["--name", &name, "--phone", &self.fresh_phone()])
            }
            "member update" => {
                let note = format!("bench {tag}");
                strings(&[s, "--note", &note])
            }
            "points grant" => {
                let receipt = format!("BENCH-{tag}");
                strings(&[s, "--spend", "88.00", "--receipt", &receipt])
            }
            "points redeem" => {
                let points = REDEEM.to_string();
                strings(&[s, "--points", &points, "--reason", "bench"])
            }
            "points reverse" => strings(&[s, "--reason", "bench"]),
            "wallet recharge" => strings(&[s, "--amount", "200"]),
            "wallet pay" => {
                let receipt = format!("BENCH-P{tag}");
                strings(&[s, "--amount", "20", "--receipt", &receipt])
            }
            "lead claim" => {
                let name = format!("Bench lead {tag}");
                strings(&[
                    "--sales",
                    s,
                    "--name",
                    &name,
                    "--phone",
                    &self.fresh_phone(),
                ])
            }
            "event register" | "event checkin" => strings(&[&self.event()?, s]),
            "member list" => strings(&["--format", "csv"]),
            "data check" => Vec::new(),
            _ => strings(&[s]),
        };
        args.extend(more);
        if !matches!(
            cmd,
            "member show" | "points balance" | "points history" | "member list" | "data check"
        ) {
            args.insert(0, "--yes".into());
        }
        Ok((subject, args))
    }

    /// Keeps what a successful run made for the commands after it.
    fn made(&mut self, cmd: &str, subject: String, stdout: &str) {
        let id = stdout.trim().to_string();
        match cmd {
            "member add" => self.pending.push_back(id),
            "points grant" => self.spends.push_back(id),
            "lead claim" => self.live_leads.push_back((id, subject)),
            "wallet recharge" => self.wallets.push_back(subject),
            "event register" => self.registered.push_back(subject),
            _ => {}
        }
    }
}

/// The runs of one command at one club size.
#[derive(Default)]
struct Series {
    walls: Vec<Duration>,
    peaks_kb: Vec<u64>,
    fsyncs: Option<u64>,
    /// Why the command was given up at this size.
    failed: Option<String>,
    attempts: usize,
}

/// fsync and fdatasync calls in an `strace -c` summary.
fn fsync_calls(summary: &str) -> u64 {
    summary
        .lines()
        .filter_map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            match f.last() {
                Some(&("fsync" | "fdatasync")) => f.get(3)?.parse::<u64>().ok(),
                _ => None,
            }
        })
        .sum()
}

/// One more run of `cmd` on the next record (under strace if `traced`),
/// added to `s`; a rule's refusal moves on to the next record, twice at most.
fn run_once(t: &mut Targets, cmd: &str, traced: bool, s: &mut Series) -> Result<(), String> {
    let mut refused = 0;
    loop {
        let (subject, args) = t.attempt(cmd, s.attempts)?;
        s.attempts += 1;
        let trace = t.dir.with_extension("strace");
        let run = if traced {
            let mut a = strings(&["-f", "-c", "-e", "trace=fsync,fdatasync", "-o"]);
            a.push(trace.to_string_lossy().into_owned());
            a.push(BIN.to_string());
            a.extend(args.iter().cloned());
            spawn("strace", &t.dir, &a)?
        } else {
            spawn(BIN, &t.dir, &args)?
        };
        let shown = args.join(" ");
        if run.code == 0 {
            t.made(cmd, subject, &run.stdout);
            if traced {
                let summary = std::fs::read_to_string(&trace)
                    .map_err(|e| format!("reading the strace summary: {e}"))?;
                let _ = std::fs::remove_file(&trace);
                s.fsyncs = Some(fsync_calls(&summary));
            } else {
                s.walls.push(run.wall);
                s.peaks_kb.push(run.peak_kb);
            }
            return Ok(());
        }
        if !matches!(run.code, 4 | 5) || refused == 2 {
            return Err(format!(
                "`clubctl {shown}` exited {}: {}",
                run.code,
                run.stderr.trim()
            ));
        }
        refused += 1;
        eprintln!(
            "  note: `clubctl {shown}` refused (exit {}), trying another record: {}",
            run.code,
            run.stderr.trim()
        );
    }
}

/// Runs `cmd` `runs` times at every size (and once more under strace with
/// `fsyncs`), the sizes taking turns so that a change in the machine's load
/// falls on all of them alike.
fn measure(
    clubs: &mut [Result<Targets, String>],
    labels: &[String],
    cmd: &str,
    runs: usize,
    fsyncs: bool,
) -> Vec<Series> {
    let mut series: Vec<Series> = clubs.iter().map(|_| Series::default()).collect();
    for r in 0..runs + usize::from(fsyncs) {
        for ((club, s), size) in clubs.iter_mut().zip(&mut series).zip(labels) {
            if s.failed.is_some() {
                continue;
            }
            let done = match club {
                Ok(t) => run_once(t, cmd, r == runs, s),
                Err(e) => Err(e.clone()),
            };
            if let Err(e) = done {
                eprintln!("{size} {cmd}: skipped: {e}");
                s.failed = Some(e);
            }
        }
    }
    series
}

/// A command's line: median time and peak at each size.
fn row(cmd: &str, labels: &[String], series: &[Series], max_peak_mb: f64) -> (String, bool) {
    let mut line = format!("{cmd:<16}");
    let mut ok = true;
    for (label, s) in labels.iter().zip(series) {
        if s.failed.is_some() || s.walls.is_empty() {
            line += &format!("  {label:>4}: {:>25}", "skipped");
            ok = false;
            continue;
        }
        let peak = mb(median(s.peaks_kb.clone()));
        line += &format!(
            "  {label:>4}: {:>8.1} ms {peak:>6.1} MB",
            ms(median(s.walls.clone()))
        );
        ok &= peak <= max_peak_mb;
    }
    (line, ok)
}

/// The club of `members` members, generated when missing.
fn club(members: u64, months: u32) -> Result<PathBuf, String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-data");
    let name = if months == 24 {
        format!("record-{members}")
    } else {
        format!("record-{members}-{months}m")
    };
    let dir = root.join(&name);
    if dir.join("manifest.toml").is_file() {
        println!("{name}: reused");
        return Ok(dir);
    }
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&root).map_err(|e| format!("creating {}: {e}", root.display()))?;
    let args = vec![
        "--today".to_string(),
        TODAY.to_string(),
        "data".into(),
        "generate".into(),
        dir.to_string_lossy().into_owned(),
        "--members".into(),
        members.to_string(),
        "--months".into(),
        months.to_string(),
        "--seed".into(),
        "7".into(),
    ];
    let run = spawn(BIN, &root, &args)?;
    if run.code != 0 {
        return Err(format!(
            "`clubctl data generate` of {name} exited {}: {}",
            run.code,
            run.stderr.trim()
        ));
    }
    println!(
        "{name}: generated in {:.1} s (peak {:.0} MB)",
        run.wall.as_secs_f64(),
        mb(run.peak_kb)
    );
    Ok(dir)
}

fn mb(kb: u64) -> f64 {
    kb as f64 / 1024.0
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// 1000 → 1k, 1000000 → 1M.
fn size_label(n: u64) -> String {
    if n >= 1_000_000 && n.is_multiple_of(1_000_000) {
        format!("{}M", n / 1_000_000)
    } else if n >= 1000 && n.is_multiple_of(1000) {
        format!("{}k", n / 1000)
    } else {
        n.to_string()
    }
}

/// The value of `--name=V` among the arguments.
fn flag(args: &[String], name: &str) -> Option<String> {
    args.iter()
        .find_map(|a| a.strip_prefix(&format!("--{name}=")).map(str::to_string))
}

fn main() {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    if argv.first().is_some_and(|a| a == "--launch") {
        launch(&argv[1..]);
    }
    let mut sizes: Vec<u64> = flag(&argv, "members")
        .map(|v| v.split(',').filter_map(|n| n.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![1000, 1_000_000]);
    sizes.sort_unstable();
    sizes.dedup();
    let months: u32 = flag(&argv, "months")
        .and_then(|n| n.parse().ok())
        .unwrap_or(24);
    let runs: usize = flag(&argv, "runs")
        .and_then(|n| n.parse().ok())
        .unwrap_or(7)
        .max(1);
    let fsyncs = argv.iter().any(|a| a == "--fsyncs");
    let only: Option<Vec<String>> = flag(&argv, "only").map(|v| {
        v.split(',')
            .map(|n| n.trim().replace(['-', '_'], " "))
            .collect()
    });
    let known: Vec<&str> = RECORD.iter().copied().chain(WHOLE.map(|w| w.0)).collect();
    if let Some(bad) = only.iter().flatten().find(|n| !known.contains(&n.as_str())) {
        eprintln!(
            "--only: no command {bad:?}; the commands: {}",
            known.join(", ")
        );
        std::process::exit(2);
    }
    if sizes.is_empty() {
        eprintln!("--members: no club size");
        std::process::exit(2);
    }
    let wanted = |name: &str| only.as_ref().is_none_or(|o| o.iter().any(|n| n == name));

    let mut clubs: Vec<Result<Targets, String>> = Vec::new();
    for &members in &sizes {
        let dir = club(members, months).unwrap_or_else(|e| {
            eprintln!("{e}");
            std::process::exit(1);
        });
        let targets = Targets::new(&dir);
        if let Err(e) = &targets {
            eprintln!("{}: finding records to work on: {e}", size_label(members));
        }
        clubs.push(targets);
    }
    let labels: Vec<String> = sizes.iter().map(|&n| size_label(n)).collect();

    println!(
        "\nmedian of {runs} runs, today {TODAY}, {months} months of history; targets: largest/smallest time <= {MAX_RATIO}, peak <= {MAX_PEAK_MB} MB"
    );
    let (mut met, mut measured) = (0, 0);
    for cmd in RECORD.into_iter().filter(|c| wanted(c)) {
        let series = measure(&mut clubs, &labels, cmd, runs, fsyncs);
        let (mut line, mut ok) = row(cmd, &labels, &series, MAX_PEAK_MB);
        if let [first, .., last] = &series[..] {
            if !first.walls.is_empty() && !last.walls.is_empty() {
                let ratio = median(last.walls.clone()).as_secs_f64()
                    / median(first.walls.clone()).as_secs_f64();
                ok &= ratio <= MAX_RATIO;
                line += &format!("   ratio {ratio:>5.2} (<= {MAX_RATIO})");
            }
        }
        line += if ok { "  ok" } else { "  MISSED" };
        if fsyncs {
            let counts: Vec<String> = labels
                .iter()
                .zip(&series)
                .filter_map(|(l, s)| Some(format!("{l} {}", s.fsyncs?)))
                .collect();
            line += &format!("   fsyncs: {}", counts.join(", "));
        }
        println!("{line}");
        met += usize::from(ok);
        measured += 1;
    }
    for (cmd, target) in WHOLE.iter().filter(|w| wanted(w.0)) {
        let series = measure(&mut clubs, &labels, cmd, runs.min(3), false);
        let shown = if *cmd == "member list" {
            "member list csv"
        } else {
            cmd
        };
        let (line, ok) = row(shown, &labels, &series, *target);
        println!(
            "{line}   peak <= {target} MB  {}",
            if ok { "ok" } else { "MISSED" }
        );
    }
    if measured > 0 {
        println!("{met} of {measured} single-record commands meet both targets");
    }
}
