//! Points benchmarks, run with `cargo bench --bench points`:
//!
//! 1. `points grant` latency on a 10,000-row and a 5,000,000-row journal
//!    (same 10,000 members): the ratio of the medians should stay under 2,
//!    since a grant reads the balances cache, one receipt-index bucket and
//!    the journal's tail, never the journal itself.
//! 2. `points grant --from-csv` of 1,000,000 rows against a bare csv-crate
//!    parse of the same file.
//!
//! Fixtures are written directly as files (consistent with what the
//! commands would have written), not made by calling the binary millions
//! of times. Optional arguments: `[big_journal_rows] [import_rows]`, and
//! `--import-only` (skip the latency part), `--members=N[,N...]` (clubs the
//! import runs against; default 10000), `--runs=N` (import runs, default 3).

// Benchmarks write fixtures and read results as files directly: clippy.toml's
// rule that only src/store touches files is for the program, not for them.
#![allow(clippy::disallowed_methods, clippy::disallowed_types)]

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

mod common;
use common::{clubctl, median, TODAY};

const MEMBERS: usize = 10_000;

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// FNV-1a and the bucket naming of the receipt index (src/store/receipts.rs).
fn bucket(key: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in key.as_bytes() {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("receipts/{:03x}.idx", h % 1024)
}

fn member_id(i: usize) -> String {
    format!("M{:06}", i + 1)
}

/// A club made by `clubctl init`, with `MEMBERS` active members written
/// straight into members.csv.
fn club(dir: &Path, members: usize) {
    let _ = std::fs::remove_dir_all(dir);
    clubctl(dir, &["init", dir.to_str().expect("utf-8 path")]);
    let mut text = String::from(
        "id,name,phone,email,gender,birthday,kind,nominee,referrer,source,sales,status,tier,card,applied,joined,expires,since,reason,note\n",
    );
    for i in 0..members {
        let _ = writeln!(
            text,
            "{},Member {i},139{:08},,,,individual,,,,,active,basic,,2026-01-01,2026-01-01,2027-01-01,2026-01-01,,",
            member_id(i),
            i
        );
    }
    std::fs::write(dir.join("members.csv"), text).expect("members.csv");
    settle(&dir.join("members.csv"));
}

/// Puts a fixture file on disk before anything is timed: a commit's fsync
/// would otherwise also pay for writing out a freshly made members.csv.
fn settle(path: &Path) {
    std::fs::File::open(path)
        .and_then(|f| f.sync_all())
        .expect("syncing a fixture");
}

/// A journal of `rows` entries: purchases with receipts (a spend and the
/// earn it makes), spread over the members, with the balances cache and
/// receipt index that those entries give.
fn journal(dir: &Path, rows: usize) {
    let purchases = rows / 2;
    let mut ledger = std::io::BufWriter::new(
        std::fs::OpenOptions::new()
            .append(true)
            .open(dir.join("ledger.csv"))
            .expect("ledger.csv"),
    );
    let mut index: BTreeMap<String, String> = BTreeMap::new();
    let mut points = vec![0i64; MEMBERS];
    let mut id = 0;
    for p in 0..purchases {
        let m = p % MEMBERS;
        let receipt = format!("R{p}");
        id += 1;
        let spend = format!("T{id:08}");
        writeln!(
            ledger,
            "{spend},{TODAY},spend,{},12.00,0,{receipt},bench,",
            member_id(m)
        )
        .expect("ledger");
        id += 1;
        writeln!(
            ledger,
            "T{id:08},{TODAY},earn,{},0.00,12,{spend},bench,12.00 × 1 × 1",
            member_id(m)
        )
        .expect("ledger");
        points[m] += 12;
        let key = format!("spend:{receipt}");
        let _ = writeln!(index.entry(bucket(&key)).or_default(), "{key},{spend}");
    }
    ledger.flush().expect("ledger");
    let mut balances = String::from("member,points,wallet,recharged,lots\n");
    for (m, p) in points.iter().enumerate().filter(|(_, p)| **p > 0) {
        let _ = writeln!(balances, "{},{p},0.00,0.00,{TODAY}:{p}", member_id(m));
    }
    std::fs::write(dir.join("balances.csv"), balances).expect("balances.csv");
    std::fs::create_dir_all(dir.join("receipts")).expect("receipts");
    for (file, lines) in index {
        std::fs::write(dir.join(file), lines).expect("index");
    }
}

fn grant_latency(dir: &Path, runs: usize) -> Duration {
    for k in 0..3 {
        let r = format!("WARM{k}");
        clubctl(
            dir,
            &[
                "points",
                "grant",
                "M000001",
                "--spend",
                "10",
                "--receipt",
                &r,
            ],
        );
    }
    let times = (0..runs)
        .map(|k| {
            let r = format!("BENCH{k}");
            let m = member_id(k * 7 % MEMBERS);
            clubctl(
                dir,
                &["points", "grant", &m, "--spend", "12.34", "--receipt", &r],
            )
        })
        .collect();
    median(times)
}

fn import_file(path: &Path, rows: usize, members: usize) {
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).expect("import file"));
    writeln!(f, "member,spend,points,category,receipt,reason").expect("write");
    for r in 0..rows {
        let m = member_id(r % members);
        if r % 10 == 9 {
            writeln!(f, "{m},,5,,,sign-in").expect("write");
        } else {
            writeln!(f, "{m},{}.{:02},,,I{r},", r % 500 + 1, r % 100).expect("write");
        }
    }
    f.flush().expect("write");
    drop(f);
    settle(path);
}

fn raw_parse(path: &Path) -> Duration {
    let start = Instant::now();
    let mut rdr = csv::Reader::from_path(path).expect("csv");
    let mut rec = csv::StringRecord::new();
    let mut n = 0usize;
    while rdr.read_record(&mut rec).expect("csv") {
        n += rec.len();
    }
    assert!(n > 0);
    start.elapsed()
}

/// The value of `--name=V` among the arguments.
fn flag(args: &[String], name: &str) -> Option<String> {
    args.iter()
        .find_map(|a| a.strip_prefix(&format!("--{name}=")).map(str::to_string))
}

fn main() {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<usize> = argv.iter().filter_map(|a| a.parse().ok()).collect();
    let big = args.first().copied().unwrap_or(5_000_000);
    let import_rows = args.get(1).copied().unwrap_or(1_000_000);
    let import_only = argv.iter().any(|a| a == "--import-only");
    let clubs: Vec<usize> = flag(&argv, "members")
        .map(|v| v.split(',').filter_map(|n| n.parse().ok()).collect())
        .unwrap_or_else(|| vec![MEMBERS]);
    let runs: usize = flag(&argv, "runs")
        .and_then(|n| n.parse().ok())
        .unwrap_or(3)
        .max(1);
    let root: PathBuf = std::env::temp_dir().join(format!("clubctl-bench-{}", std::process::id()));
    std::fs::create_dir_all(&root).expect("bench dir");

    if !import_only {
        println!("points grant latency ({MEMBERS} members), median of 31 runs:");
        let mut medians = Vec::new();
        for rows in [10_000, big] {
            let dir = root.join(format!("journal-{rows}"));
            let t = Instant::now();
            club(&dir, MEMBERS);
            journal(&dir, rows);
            let built = t.elapsed();
            let m = grant_latency(&dir, 31);
            let size = std::fs::metadata(dir.join("ledger.csv")).map_or(0, |m| m.len());
            println!(
                "  journal {rows:>9} rows ({:>6.1} MB, fixture built in {:.1}s): median {:.2} ms",
                size as f64 / 1e6,
                built.as_secs_f64(),
                ms(m)
            );
            medians.push(m);
            let _ = std::fs::remove_dir_all(&dir);
        }
        println!(
            "  ratio {}/{}: {:.2} (target < 2)",
            big,
            10_000,
            medians[1].as_secs_f64() / medians[0].as_secs_f64()
        );
    }

    for members in clubs {
        println!(
            "points grant --from-csv, {import_rows} rows, club of {members} members, median of {runs} runs:"
        );
        let file = root.join("import.csv");
        import_file(&file, import_rows, members);
        let parse = median((0..runs).map(|_| raw_parse(&file)).collect());
        let import = median(
            (0..runs)
                .map(|k| {
                    let dir = root.join(format!("import-{k}"));
                    club(&dir, members);
                    let d = clubctl(
                        &dir,
                        &[
                            "points",
                            "grant",
                            "--from-csv",
                            file.to_str().expect("utf-8"),
                        ],
                    );
                    let _ = std::fs::remove_dir_all(&dir);
                    d
                })
                .collect(),
        );
        let size = std::fs::metadata(&file).map_or(0, |m| m.len());
        println!(
            "  file {:.1} MB: csv crate parse {:.0} ms, clubctl import {:.0} ms (whole process: check, post, commit, fsync); parse/import {:.0}%",
            size as f64 / 1e6,
            ms(parse),
            ms(import),
            100.0 * parse.as_secs_f64() / import.as_secs_f64()
        );
    }
    let _ = std::fs::remove_dir_all(&root);
}
