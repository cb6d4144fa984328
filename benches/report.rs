//! Report benchmarks, run with `cargo bench --bench report [members] [runs]`
//! (default 1,000,000 members, 5 runs). On a club made by `data generate`
//! with 24 months of history, and one with 12 months and the same number of
//! members, each with its month-end closings (`data generate` ends with
//! `data close`), it
//! prints the median of each figure and the ratios the issue sets targets
//! for:
//!
//! 1. `report monthly` for the last full month against a bare scan (csv
//!    `ByteRecord` loop, nothing else) of the files from where the report
//!    reads them: target at most 1.5x;
//! 2. the same report on the 24-month club against the 12-month one:
//!    target at most 1.3x. Both clubs have the same number of members, so
//!    about the same activity a month; the 12-month club grew twice as
//!    fast, so its month holds more applications and approvals;
//! 3. the headline measures computed by `sqlite3` on an indexed database
//!    built from the same CSVs (query time only): target at most 1.0x;
//! 4. peak memory of `report monthly` (`/usr/bin/time`): target at most
//!    256 MB.
//!
//! The clubs are kept under `target/bench-data/` and made again only when
//! missing; making them is timed and printed too.

// Benchmarks write fixtures and read results as files directly: clippy.toml's
// rule that only src/store touches files is for the program, not for them.
#![allow(clippy::disallowed_methods, clippy::disallowed_types)]

use clubctl::app::{report, Ctx};
use clubctl::domain::period::Period;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

mod common;
use common::{clubctl, median, BIN, TODAY};

const MONTH: &str = "2026-10";

fn secs(d: Duration) -> String {
    format!("{:.3} s", d.as_secs_f64())
}

/// The club of `members` members and `months` months, made when missing.
fn club(members: u64, months: u32) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-data");
    let dir = root.join(format!("club-{members}-{months}"));
    if dir.join("closings").is_dir() {
        return dir;
    }
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&root).expect("creating target/bench-data");
    let d = dir.to_str().expect("utf-8 path");
    let made = clubctl(
        &root,
        &[
            "data",
            "generate",
            d,
            "--members",
            &members.to_string(),
            "--months",
            &months.to_string(),
            "--seed",
            "7",
        ],
    );
    println!(
        "made {} (with its month-end closings) in {}",
        dir.display(),
        secs(made)
    );
    dir
}

fn report_time(dir: &Path, runs: usize) -> Duration {
    median(
        (0..runs)
            .map(|_| {
                clubctl(
                    dir,
                    &["report", "monthly", "--month", MONTH, "--format", "csv"],
                )
            })
            .collect(),
    )
}

/// A csv `ByteRecord` loop over what the report reads, from where it reads.
fn bare_scan(dir: &Path, runs: usize) -> (Duration, u64) {
    let ctx = Ctx {
        data: dir.to_path_buf(),
        today: TODAY.parse().expect("date"),
        now: String::new(),
        operator: "bench".into(),
        command: "bench".into(),
        dry_run: false,
        wait: Duration::from_secs(10),
    };
    let store = ctx.read().expect("opening the club");
    let month = Period::month(MONTH).expect("month");
    let files = report::reads(&store, &[month.clone(), month.previous()]).expect("plan");
    drop(store);
    let mut bytes = 0;
    let times = (0..runs)
        .map(|_| {
            let start = Instant::now();
            let mut rows = 0u64;
            bytes = 0;
            for (path, mark) in &files {
                let mut f = std::fs::File::open(path).expect("opening");
                let offset = mark.map_or(0, |m| m.offset);
                std::io::Seek::seek(&mut f, std::io::SeekFrom::Start(offset)).expect("seek");
                bytes += f.metadata().expect("size").len() - offset;
                let mut rdr = csv::ReaderBuilder::new()
                    .has_headers(mark.is_none())
                    .from_reader(f);
                let mut rec = csv::ByteRecord::new();
                while rdr.read_byte_record(&mut rec).expect("reading") {
                    rows += 1;
                }
            }
            std::hint::black_box(rows);
            start.elapsed()
        })
        .collect();
    (median(times), bytes)
}

/// Peak resident memory of one report, in MB, where GNU time is at hand.
fn peak_mb(dir: &Path) -> Option<f64> {
    let out = Command::new("/usr/bin/time")
        .args(["-f", "%M", BIN, "report", "monthly", "--month", MONTH])
        .args(["--format", "csv"])
        .env_clear()
        .env("CLUBCTL_DATA", dir)
        .env("CLUBCTL_TODAY", TODAY)
        .output()
        .ok()?;
    let err = String::from_utf8_lossy(&out.stderr);
    let kb: f64 = err.lines().last()?.trim().parse().ok()?;
    Some(kb / 1024.0)
}

/// The headline measures in SQL: new members, active members, spend,
/// points earned and redeemed in the month, points outstanding at its end.
const QUERIES: &str = "
select count(*) from members where joined between '2026-10-01' and '2026-10-31';
select count(distinct member) from ledger where date between '2026-10-01' and '2026-10-31' and kind in ('spend','earn','grant','redeem');
select sum(cents) from ledger where date between '2026-10-01' and '2026-10-31' and kind in ('spend','reverse');
select sum(points) from ledger where date between '2026-10-01' and '2026-10-31' and kind = 'earn';
select -sum(points) from ledger where date between '2026-10-01' and '2026-10-31' and kind = 'redeem';
select sum(points) from ledger where date <= '2026-10-31';
";

/// Runs `sqlite3` on `db` with `script` on its standard input.
fn sqlite3(db: &Path, script: &str) -> Option<std::process::Output> {
    use std::io::Write as _;
    let mut child = Command::new("sqlite3")
        .arg(db)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .ok()?;
    child.stdin.take()?.write_all(script.as_bytes()).ok()?;
    child.wait_with_output().ok()
}

/// The query time of `QUERIES` in `sqlite3` (its `.timer` figures summed),
/// on a database built and indexed from the club's CSVs once.
fn sqlite(dir: &Path, runs: usize) -> Option<Duration> {
    let db = dir.join("bench.sqlite");
    if !db.is_file() {
        let script = format!(
            ".mode csv\n.import {m} members\n.import {l} ledger_raw\n\
             create table ledger as select id, date, kind, member, cast(cents as real) as cents, cast(points as integer) as points from ledger_raw;\n\
             drop table ledger_raw;\n\
             create index ledger_date on ledger(date, kind, member, points, cents);\n\
             create index members_joined on members(joined);\n",
            m = dir.join("members.csv").display(),
            l = dir.join("ledger.csv").display()
        );
        let start = Instant::now();
        if !sqlite3(&db, &script)?.status.success() {
            return None;
        }
        println!("built {} in {}", db.display(), secs(start.elapsed()));
    }
    let times = (0..runs)
        .map(|_| {
            let out = sqlite3(&db, &format!(".timer on\n{QUERIES}"))?;
            let text = String::from_utf8_lossy(&out.stdout);
            let total: f64 = text
                .lines()
                .filter_map(|l| l.strip_prefix("Run Time: real "))
                .filter_map(|l| l.split_whitespace().next()?.parse::<f64>().ok())
                .sum();
            Some(Duration::from_secs_f64(total))
        })
        .collect::<Option<Vec<Duration>>>()?;
    Some(median(times))
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let members: u64 = args
        .first()
        .and_then(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let runs: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(5);
    let long = club(members, 24);
    let short = club(members, 12);

    let rep24 = report_time(&long, runs);
    let (scan, bytes) = bare_scan(&long, runs);
    let rep12 = report_time(&short, runs);
    let sql = sqlite(&long, runs);
    let peak = peak_mb(&long);

    println!("\nreport monthly --month {MONTH}, {members} members, median of {runs} runs");
    println!("  24 months: {}", secs(rep24));
    println!("  12 months: {}", secs(rep12));
    println!(
        "  bare ByteRecord scan of what it reads ({:.0} MB): {}",
        bytes as f64 / 1e6,
        secs(scan)
    );
    let ratio = |a: Duration, b: Duration| a.as_secs_f64() / b.as_secs_f64().max(1e-9);
    println!(
        "1. report / bare scan:      {:.2}x (target <= 1.5x)",
        ratio(rep24, scan)
    );
    println!(
        "2. 24 months / 12 months:   {:.2}x (target <= 1.3x)",
        ratio(rep24, rep12)
    );
    match sql {
        Some(q) => println!(
            "3. report / sqlite3 query:  {:.2}x (target <= 1.0x; sqlite3 {})",
            ratio(rep24, q),
            secs(q)
        ),
        None => println!("3. report / sqlite3 query:  not measured (no sqlite3)"),
    }
    match peak {
        Some(mb) => println!("4. peak memory:             {mb:.0} MB (target <= 256 MB)"),
        None => println!("4. peak memory:             not measured (no /usr/bin/time)"),
    }
}
