//! `data generate` and the sample club in `data/`, and the example rule
//! files in `examples/`.

use crate::club::TestClub;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The arguments the sample club in `data/` was generated with (see
/// docs/sample.md); regenerating with them must give the committed files.
const SAMPLE: &[&str] = &["--members", "60", "--months", "24", "--seed", "345"];

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// Every file of a data directory but the lock, with its bytes.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .expect("a data directory")
        .map(|e| e.expect("a directory entry"))
        .filter(|e| e.file_name() != "clubctl.lock")
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).expect("a data file"),
            )
        })
        .collect()
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
    let members = std::fs::read_to_string(repo("data/members.csv")).unwrap();
    let mut rdr = csv::Reader::from_reader(members.as_bytes());
    let rows: Vec<csv::StringRecord> = rdr.records().map(|r| r.unwrap()).collect();
    assert!((50..=70).contains(&rows.len()), "{} members", rows.len());
    for status in [
        "pending", "rejected", "active", "grace", "expired", "frozen", "exited", "expelled",
    ] {
        assert!(rows.iter().any(|r| &r[11] == status), "no {status} member");
    }
    for tier in ["basic", "silver", "gold", "platinum"] {
        assert!(rows.iter().any(|r| &r[12] == tier), "no {tier} member");
    }
    assert!(rows.iter().any(|r| r[5].ends_with("-02-29")));
    assert!(rows
        .iter()
        .any(|r| &r[6] == "organization" && !r[7].is_empty()));
    assert!(rows.iter().any(|r| r[1].is_ascii()), "no Latin name");
    let cards = std::fs::read_to_string(repo("data/cards.csv")).unwrap();
    assert!(cards.contains(",lost,") && cards.contains(",replaced,"));
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
    assert_ne!(a["members.csv"], c["members.csv"]);
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
        std::fs::write(club.path(&name), bytes).unwrap();
    }
    club
}

#[test]
fn the_sample_clubs_nightly_sweep_has_already_run_on_its_day() {
    let club = sample_copy();
    club.check();
    let run = club.run(&["member", "sweep"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("nothing to do"), "{}", run.stderr);
    let mut club = club;
    club.on("2026-11-26");
    club.ok(&["member", "sweep"]);
    club.check();
}

#[test]
fn the_sample_club_takes_further_work() {
    let mut club = sample_copy();
    club.as_operator("S03");
    club.ok(&["member", "approve", "M000058"]);
    club.ok(&["member", "renew", "M000003"]);
    club.refused(&["card", "reissue", "M000008"], 4, "no longer reissues");
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
