//! `data generate` and the sample club in `data/`, and the example rule
//! files in `examples/`.

use crate::club::{table_of, TestClub};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The arguments the sample club in `data/` was generated with (see
/// docs/sample.md); regenerating with them must give the committed files.
const SAMPLE: &[&str] = &["--members", "60", "--months", "24", "--seed", "345"];

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// Every file of a data directory but the lock, with its bytes, by its
/// path inside the directory (the receipt index lives in a subdirectory).
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    collect(dir, "", &mut out);
    out
}

fn collect(dir: &Path, prefix: &str, out: &mut BTreeMap<String, Vec<u8>>) {
    for e in std::fs::read_dir(dir).expect("a data directory") {
        let e = e.expect("a directory entry");
        let name = format!("{prefix}{}", e.file_name().to_string_lossy());
        if name == "clubctl.lock" {
            continue;
        }
        if e.file_type().expect("a file type").is_dir() {
            collect(&e.path(), &format!("{name}/"), out);
        } else {
            out.insert(name, std::fs::read(e.path()).expect("a data file"));
        }
    }
}

/// Generates a club into a new directory under `club`'s temp dir.
fn generate(club: &TestClub, name: &str, args: &[&str]) -> PathBuf {
    let dir = club.dir().with_file_name(name);
    let mut all = vec!["data", "generate", dir.to_str().expect("utf-8 temp path")];
    all.extend_from_slice(args);
    club.ok(&all);
    dir
}

#[test]
fn the_sample_club_in_data_is_exactly_what_generate_makes() {
    let club = TestClub::new();
    assert_eq!(club.today, "2026-11-25");
    let dir = generate(&club, "sample", SAMPLE);
    let committed = files(&repo("data"));
    let fresh = files(&dir);
    assert_eq!(
        committed.keys().collect::<Vec<_>>(),
        fresh.keys().collect::<Vec<_>>()
    );
    for (name, bytes) in &committed {
        assert!(
            fresh[name] == *bytes,
            "data/{name} differs from what `clubctl --today 2026-11-25 data generate data {}` makes: regenerate data/ rather than editing it",
            SAMPLE.join(" ")
        );
    }
}

#[test]
fn the_sample_club_has_every_status_every_tier_and_cards_lost() {
    let rows = table_rows(&repo("data"), "members");
    assert!((50..=70).contains(&rows.len()), "{} members", rows.len());
    // Sixty members over two years always show the main steps of the life
    // cycle; the rarer states (grace, frozen, expelled) depend on the draw.
    for status in ["pending", "rejected", "active", "expired", "exited"] {
        assert!(rows.iter().any(|r| &r[11] == status), "no {status} member");
    }
    assert!(
        rows.iter()
            .any(|r| matches!(&r[11], "grace" | "frozen" | "expelled")),
        "no member in grace, frozen or expelled"
    );
    for tier in ["basic", "silver", "gold", "platinum"] {
        assert!(rows.iter().any(|r| &r[12] == tier), "no {tier} member");
    }
    assert!(rows.iter().any(|r| r[5].ends_with("-02-29")));
    assert!(rows
        .iter()
        .any(|r| &r[6] == "organization" && !r[7].is_empty()));
    assert!(rows.iter().any(|r| r[1].is_ascii()), "no Latin name");
    let cards = table_of(&repo("data"), "cards");
    // A card reported lost and replaced within its window.
    assert!(cards.contains(",replaced,"), "no replaced card");
}

#[test]
fn the_sample_club_has_members_near_expiry_on_its_day() {
    let club = TestClub::new();
    let out = club
        .cmd(&[
            "--data",
            repo("data").to_str().unwrap(),
            "--format",
            "csv",
            "member",
            "list",
            "--status",
            "active",
            "--expiring-within",
            "30",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.lines().count() >= 2, "{text}");
}

#[test]
fn generated_clubs_of_several_sizes_and_seeds_pass_data_check() {
    let club = TestClub::new();
    for (name, members, months, seed) in [
        ("one", "1", "1", "1"),
        ("small", "40", "3", "2"),
        ("year", "300", "12", "7"),
        ("leap", "200", "45", "8"),
    ] {
        let dir = generate(
            &club,
            name,
            &["--members", members, "--months", months, "--seed", seed],
        );
        let run = club.run(&["--data", dir.to_str().unwrap(), "data", "check"]);
        assert_eq!(run.code, 0, "{name}: {}", run.stderr);
    }
}

/// Rows of a CSV file of a data directory.
fn rows(dir: &Path, file: &str) -> Vec<csv::StringRecord> {
    parse(&std::fs::read_to_string(dir.join(file)).unwrap())
}

/// Rows of a sharded table of a data directory (`members`), every shard's
/// in shard order.
fn table_rows(dir: &Path, table: &str) -> Vec<csv::StringRecord> {
    parse(&table_of(dir, table))
}

fn parse(text: &str) -> Vec<csv::StringRecord> {
    csv::Reader::from_reader(text.as_bytes())
        .records()
        .map(|r| r.unwrap())
        .collect()
}

#[test]
fn a_generated_club_has_every_kind_of_activity_in_time_order() {
    let club = TestClub::new();
    let dir = generate(&club, "busy", &["--members", "1500", "--months", "24"]);
    let ledger = rows(&dir, "ledger.csv");
    for kind in [
        "dues", "fee", "spend", "earn", "grant", "redeem", "expire", "forfeit", "reverse",
        "recharge", "bonus", "pay",
    ] {
        assert!(ledger.iter().any(|r| &r[2] == kind), "no {kind} entry");
    }
    for w in ledger.windows(2) {
        assert!(w[0][0] < w[1][0], "ids {} then {}", &w[0][0], &w[1][0]);
        assert!(w[0][1] <= w[1][1], "dates {} then {}", &w[0][1], &w[1][1]);
    }
    // Receipts are unique, and excluded categories earn nothing.
    let mut receipts = std::collections::HashSet::new();
    for r in ledger.iter().filter(|r| &r[2] == "spend") {
        assert!(receipts.insert(r[6].to_string()), "receipt {} twice", &r[6]);
    }
    let earned: std::collections::HashSet<&str> = ledger
        .iter()
        .filter(|r| &r[2] == "earn")
        .map(|r| &r[6])
        .collect();
    for r in ledger.iter().filter(|r| &r[2] == "spend") {
        let excluded = matches!(&r[8], "specials" | "voucher");
        assert_eq!(earned.contains(&r[0]), !excluded, "{r:?}");
    }
    let audit = rows(&dir, "audit.csv");
    assert!(audit.windows(2).all(|w| w[0][0] < w[1][0]), "audit times");
    for action in ["tier recompute", "points redeem", "member sweep"] {
        assert!(audit.iter().any(|r| &r[4] == action), "no {action}");
    }
    let tiers = rows(&dir, "tier_history.csv");
    assert!(tiers.windows(2).all(|w| w[0][0] <= w[1][0]), "tier dates");
    for to in ["silver", "gold", "platinum"] {
        assert!(tiers.iter().any(|r| &r[3] == to), "nobody rose to {to}");
    }
    assert!(
        tiers.iter().any(|r| r[4].starts_with("below ")),
        "nobody was downgraded"
    );
    assert!(std::fs::read_dir(dir.join("receipts")).unwrap().count() > 0);
    // The sales desk: claims, follow-ups, conversions into members who
    // applied through the lead, releases and expiries, each lead's in date
    // order (the journals are kept in shards by lead).
    let events = table_rows(&dir, "lead_events");
    for kind in ["claim", "convert", "release", "expire"] {
        assert!(events.iter().any(|r| &r[2] == kind), "no lead {kind}");
    }
    let in_order = |rows: &[csv::StringRecord]| {
        rows.windows(2)
            .all(|w| w[0][0] != w[1][0] || w[0][1] <= w[1][1])
    };
    assert!(in_order(&events), "lead event dates");
    let log = table_rows(&dir, "lead_log");
    assert!(!log.is_empty());
    assert!(in_order(&log), "follow-up dates");
    // More than a thousand members: their table spans two shards.
    assert_eq!(
        crate::club::shards_of(&dir, "members"),
        ["members/M000.csv", "members/M001.csv"]
    );
    let members = table_rows(&dir, "members");
    assert!(members.len() > 1000, "{} members", members.len());
    for r in events.iter().filter(|r| &r[2] == "convert") {
        let m = members
            .iter()
            .find(|m| m[0] == r[4])
            .expect("converted member");
        assert_eq!(&m[9], &format!("lead {}", &r[0]), "{m:?}");
    }
    // Events: held and closed with a cost, some cancelled; registrations
    // attended (many scored), withdrawn or left on the wait-list.
    let planned = rows(&dir, "events.csv");
    assert!(planned
        .iter()
        .any(|r| &r[11] == "closed" && !r[12].is_empty()));
    assert!(planned.iter().any(|r| &r[11] == "cancelled"));
    let regs = table_rows(&dir, "registrations");
    for status in ["attended", "cancelled"] {
        assert!(
            regs.iter().any(|r| &r[3] == status),
            "no {status} registration"
        );
    }
    assert!(regs.iter().any(|r| !r[12].is_empty()), "no feedback score");
    assert!(regs.iter().any(|r| &r[11] == "true"), "no walk-in");
}

#[test]
fn the_nightly_jobs_of_a_generated_club_have_already_run() {
    let club = TestClub::new();
    let dir = generate(&club, "nightly", &["--members", "800", "--months", "24"]);
    let data = dir.to_str().unwrap();
    // Every lot that lapsed by today was written off last night.
    let run = club.run(&["--data", data, "points", "expire"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        (run.stdout.as_str(), run.stderr.as_str()),
        ("", ""),
        "a job with nothing to do is quiet"
    );
    // Today's purchases came after last night's tier recompute, so a
    // recompute now may only raise members who bought today.
    let today: std::collections::HashSet<String> = rows(&dir, "ledger.csv")
        .iter()
        .filter(|r| &r[1] == "2026-11-25" && &r[2] == "spend")
        .map(|r| r[3].to_string())
        .collect();
    let before = rows(&dir, "tier_history.csv").len();
    let run = club.run(&["--data", data, "tier", "recompute"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let history = rows(&dir, "tier_history.csv");
    for r in &history[before..] {
        assert!(today.contains(&r[1]), "{r:?} changed without buying today");
        assert!(r[4].starts_with("qualifies"), "{r:?}");
    }
    let run = club.run(&["--data", data, "data", "check"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

#[test]
fn a_generated_club_passes_data_check() {
    let club = TestClub::new();
    let dir = generate(&club, "big", &["--members", "500", "--months", "30"]);
    let run = club.run(&["--data", dir.to_str().unwrap(), "data", "check"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let toml = std::fs::read_to_string(dir.join("club.toml")).unwrap();
    assert!(toml.contains("dues = \"1280\""));
    let ledger = std::fs::read_to_string(dir.join("ledger.csv")).unwrap();
    assert!(ledger.contains(",dues,") && ledger.contains("1280.00"));
    // Every audit line says what changed, and every member's application
    // is on record.
    let audit = std::fs::read_to_string(dir.join("audit.csv")).unwrap();
    let mut rdr = csv::Reader::from_reader(audit.as_bytes());
    let mut added = std::collections::HashSet::new();
    for r in rdr.records() {
        let r = r.unwrap();
        assert!(!r[5].is_empty(), "an audit line without changes: {r:?}");
        assert!(r[6].starts_with("clubctl "), "{r:?}");
        if &r[4] == "member add" {
            added.insert(r[3].to_string());
        }
    }
    assert_eq!(added.len(), 500);
}

#[test]
fn the_same_seed_gives_the_same_files_and_another_seed_does_not() {
    let club = TestClub::new();
    let args = ["--members", "120", "--months", "12", "--seed", "9"];
    let a = files(&generate(&club, "a", &args));
    let b = files(&generate(&club, "b", &args));
    assert_eq!(a, b);
    let c = files(&generate(
        &club,
        "c",
        &["--members", "120", "--months", "12", "--seed", "10"],
    ));
    assert_ne!(a["members/M000.csv"], c["members/M000.csv"]);
    assert_ne!(a["audit.csv"], c["audit.csv"]);
}

#[test]
fn generate_refuses_a_directory_that_is_not_empty() {
    let club = TestClub::new();
    let dir = club.dir().to_str().unwrap().to_string();
    club.refused(
        &["data", "generate", &dir, "--members", "10"],
        3,
        "not empty",
    );
}

#[test]
fn generate_refuses_an_empty_club() {
    let club = TestClub::new();
    let dir = club.dir().with_file_name("none");
    club.refused(
        &["data", "generate", dir.to_str().unwrap(), "--members", "0"],
        2,
        "--members",
    );
    assert!(!dir.exists());
}

#[test]
fn every_example_rule_file_passes_data_check() {
    let mut seen = 0;
    for name in [
        "club-golf.toml",
        "club-hotel.toml",
        "club-pharmacy.toml",
        "club-social.toml",
    ] {
        let club = TestClub::new();
        std::fs::copy(repo("examples").join(name), club.path("club.toml")).unwrap();
        let run = club.run(&["data", "check"]);
        assert_eq!(run.code, 0, "examples/{name}: {}", run.stderr);
        // The rules are read by a command that uses them.
        let id = club.active_member("王小明", "13800000001");
        assert_eq!(id, "M000001", "examples/{name}");
        club.check();
        let rules = std::fs::read_to_string(club.path("club.toml")).unwrap();
        let ledger = club.read("ledger.csv");
        let dues_free = rules.contains("dues = \"0\"");
        assert_eq!(ledger.contains(",dues,"), !dues_free, "examples/{name}");
        seen += 1;
    }
    assert_eq!(seen, 4);
}

/// A club holding a copy of the sample in `data/`.
fn sample_copy() -> TestClub {
    let club = TestClub::new();
    for (name, bytes) in files(&repo("data")) {
        let path = club.path(&name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
    club
}

#[test]
fn the_sample_clubs_nightly_sweep_has_already_run_on_its_day() {
    let club = sample_copy();
    club.check();
    let run = club.run(&["member", "sweep"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        (run.stdout.as_str(), run.stderr.as_str()),
        ("", ""),
        "a job with nothing to do is quiet"
    );
    let mut club = club;
    club.on("2026-11-26");
    club.ok(&["member", "sweep"]);
    club.check();
}

/// The id (first column) of the first row of a sharded table of the
/// sample (`members`) matching `f`.
fn first_id(table: &str, f: impl Fn(&csv::StringRecord) -> bool) -> String {
    table_rows(&repo("data"), table)
        .into_iter()
        .find(|r| f(r))
        .map(|r| r[0].to_string())
        .unwrap_or_else(|| panic!("no such row in data/{table}/"))
}

#[test]
fn the_sample_club_takes_further_work() {
    let mut club = sample_copy();
    club.as_operator("S03");
    let pending = first_id("members", |r| &r[11] == "pending");
    let active = first_id("members", |r| &r[11] == "active");
    // A card reported lost more than the 10-day window before the
    // sample's day.
    let lost = table_rows(&repo("data"), "members")
        .into_iter()
        .filter(|r| &r[11] == "active")
        .map(|r| r[0].to_string())
        .nth(1)
        .expect("two active members");
    club.on("2026-11-01");
    club.ok(&["card", "lost", &lost, "--yes"]);
    club.on("2026-11-25");
    club.ok(&["member", "approve", &pending]);
    club.ok(&["member", "renew", &active]);
    club.ok(&[
        "points",
        "grant",
        &active,
        "--spend",
        "88.00",
        "--receipt",
        "SAMPLE-1",
    ]);
    club.ok(&["wallet", "recharge", &active, "--amount", "100"]);
    club.refused(&["card", "reissue", &lost], 4, "no longer reissues");
    club.check();
}

#[test]
fn a_dry_run_generates_nothing() {
    let club = TestClub::new();
    let dir = club.dir().with_file_name("dry");
    let run = club.run(&[
        "--dry-run",
        "data",
        "generate",
        dir.to_str().unwrap(),
        "--members",
        "10",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("nothing was written"), "{}", run.stderr);
    assert!(!dir.exists());
}
