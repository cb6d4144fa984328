//! `data migrate`: a data directory of an earlier format is read as
//! before, refused for every change, and converted all or nothing into what
//! this clubctl writes. Format 1 kept every table in one file (the manifest
//! naming `"members.csv" = 1`); format 2 kept the members, cards and
//! balances in shards, with the phone index; format 3 keeps the leads, the
//! registrations and the lead journals in shards too, with the lead
//! indexes.

use crate::club::{files_of, table_of, TestClub};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The tables kept in shards since format 2.
const SHARDED_IN_2: [&str; 3] = ["members", "cards", "balances"];

/// The tables and journals kept in shards since format 3.
const SHARDED_IN_3: [&str; 4] = ["leads", "registrations", "lead_events", "lead_log"];

/// The index directories that came with format 3.
const INDEXES_IN_3: [&str; 3] = [
    "index/lead-phones",
    "index/lead-companies",
    "index/live-leads",
];

/// A change to the leads: refused before the migration, done after it.
const CLAIM: [&str; 8] = [
    "lead",
    "claim",
    "--sales",
    "S04",
    "--name",
    "N",
    "--phone",
    "13900000098",
];

/// Where `data migrate` keeps the files it replaces, from format 1 and 2.
const BACKUP: &str = "backups/format-1";
const BACKUP_2: &str = "backups/format-2";

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// Rewrites the data directory `dir` as an earlier clubctl left it: each
/// of `tables`' shards, in key order, concatenated into `<table>.csv` under
/// one header, its directory removed, and the manifest naming the file at
/// version 1; the `indexes` that format did not have, removed, and with
/// them their recorded lengths.
fn unshard(dir: &Path, tables: &[&str], indexes: &[&str]) {
    let manifest_path = dir.join("manifest.toml");
    let mut manifest = std::fs::read_to_string(&manifest_path).unwrap();
    for table in tables {
        let text = table_of(dir, table);
        assert!(!text.is_empty(), "{table}/ has no shard to convert");
        std::fs::write(dir.join(format!("{table}.csv")), text).unwrap();
        std::fs::remove_dir_all(dir.join(table)).unwrap();
        let new = format!("\"{table}/\" = 2\n");
        assert!(manifest.contains(&new), "{manifest}");
        manifest = manifest.replace(&new, &format!("\"{table}.csv\" = 1\n"));
    }
    std::fs::write(manifest_path, manifest).unwrap();
    let lengths = dir.join("index/lengths.csv");
    let recorded = std::fs::read_to_string(&lengths).unwrap();
    let kept: String = recorded
        .lines()
        .filter(|l| !indexes.iter().any(|ix| l.starts_with(&format!("{ix}/"))))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(lengths, kept).unwrap();
    for index in indexes {
        std::fs::remove_dir_all(dir.join(index)).unwrap();
    }
}

/// The data directory `dir` in format 1, before shards.
fn to_format_1(dir: &Path) {
    unshard(dir, &[&SHARDED_IN_2[..], &SHARDED_IN_3].concat(), &[]);
    // The format before shards had no index but the receipts'.
    std::fs::remove_dir_all(dir.join("index")).unwrap();
}

/// The data directory `dir` in format 2: members, cards and balances in
/// shards, the rest in one file each.
fn to_format_2(dir: &Path) {
    unshard(dir, &SHARDED_IN_3, &INDEXES_IN_3);
}

/// A club holding a copy of `from` (every file but the lock).
fn copy_of(from: &Path) -> TestClub {
    let mut club = TestClub::new();
    std::fs::remove_dir_all(club.dir()).unwrap();
    for (name, bytes) in files_of(from) {
        let path = club.path(&name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
    club.as_operator("S03");
    club
}

/// A club holding a copy of `from` in format 1, before shards.
fn format_1_copy(from: &Path) -> TestClub {
    let club = copy_of(from);
    to_format_1(club.dir());
    club
}

/// The sample club of `data/` in format 1.
fn format_1_sample() -> TestClub {
    format_1_copy(&repo("data"))
}

/// The sample club of `data/` in format 2.
fn format_2_sample() -> TestClub {
    let club = copy_of(&repo("data"));
    to_format_2(club.dir());
    club
}

/// The files of a data directory in format 1 that the migration
/// replaces, as they are there.
fn old_files(club: &TestClub) -> BTreeMap<String, Vec<u8>> {
    files_named(club, &[&SHARDED_IN_2[..], &SHARDED_IN_3].concat())
}

/// The files of `tables` kept in one file each, and the manifest.
fn files_named(club: &TestClub, tables: &[&str]) -> BTreeMap<String, Vec<u8>> {
    tables
        .iter()
        .map(|t| format!("{t}.csv"))
        .chain(["manifest.toml".to_string()])
        .map(|f| {
            let bytes = std::fs::read(club.path(&f)).unwrap();
            (f, bytes)
        })
        .collect()
}

/// Asserts that the data directory of `club` holds exactly the files of
/// `want` plus, in `backups/format-1/`, exactly the files of `backup`.
fn assert_migrated(
    club: &TestClub,
    want: &BTreeMap<String, Vec<u8>>,
    backup: &BTreeMap<String, Vec<u8>>,
) {
    assert_migrated_from(club, BACKUP, want, backup);
}

/// Like `assert_migrated`, with the backup in the directory `into`.
fn assert_migrated_from(
    club: &TestClub,
    into: &str,
    want: &BTreeMap<String, Vec<u8>>,
    backup: &BTreeMap<String, Vec<u8>>,
) {
    let got = club.snapshot();
    let (kept, rest): (BTreeMap<_, _>, BTreeMap<_, _>) = got
        .into_iter()
        .partition(|(name, _)| name.starts_with(&format!("{into}/")));
    assert_eq!(
        rest.keys().collect::<Vec<_>>(),
        want.keys().collect::<Vec<_>>(),
        "the migrated directory has other files than the sharded one"
    );
    for (name, bytes) in want {
        assert!(
            rest[name] == *bytes,
            "{name} differs from the same club written in shards:\n{}",
            String::from_utf8_lossy(&rest[name])
        );
    }
    let kept: BTreeMap<String, Vec<u8>> = kept
        .into_iter()
        .map(|(name, bytes)| (name[into.len() + 1..].to_string(), bytes))
        .collect();
    assert_eq!(
        kept.keys().collect::<Vec<_>>(),
        backup.keys().collect::<Vec<_>>(),
        "{into}/ should hold the old tables and the old manifest"
    );
    for (name, bytes) in backup {
        assert!(
            kept[name] == *bytes,
            "{into}/{name} is not the old file byte for byte"
        );
    }
}

// ---------------------------------------------------------------- writing

#[test]
fn every_change_to_a_club_of_the_earlier_format_is_refused_naming_the_migration() {
    let club = format_1_sample();
    let outside = club.dir().with_file_name("import.csv");
    std::fs::write(&outside, "name,phone\nNew,13900000099\n").unwrap();
    let import = outside.to_str().unwrap();
    let commands: Vec<Vec<&str>> = vec![
        vec!["member", "add", "--name", "New", "--phone", "13900000099"],
        vec!["member", "approve", "M000058"],
        vec!["member", "reject", "M000059", "--reason", "x"],
        vec!["member", "update", "M000001", "--name", "Other"],
        vec!["member", "renew", "M000001"],
        vec!["member", "freeze", "M000001", "--reason", "x"],
        vec!["member", "exit", "M000001", "--yes"],
        vec!["member", "sweep"],
        vec!["member", "import", import, "--commit"],
        vec!["card", "lost", "M000001", "--yes"],
        vec![
            "points",
            "grant",
            "M000001",
            "--spend",
            "10",
            "--receipt",
            "X1",
        ],
        vec![
            "points", "grant", "M000001", "--points", "5", "--reason", "x",
        ],
        vec!["points", "expire"],
        vec!["points", "rebuild"],
        vec!["wallet", "recharge", "M000001", "--amount", "100"],
        vec!["tier", "recompute"],
        vec!["staff", "add", "--name", "New", "--role", "sales"],
        CLAIM.to_vec(),
        vec!["lead", "expire"],
        vec!["event", "register", "E0030", "M000001"],
        vec!["data", "close"],
        vec!["data", "repair"],
    ];
    for args in &commands {
        let run = club.refused(args, 3, "clubctl data migrate");
        assert!(
            run.stderr.contains("earlier clubctl")
                && run.stderr.contains("(balances.csv, cards.csv, lead_events.csv, lead_log.csv, leads.csv, members.csv, registrations.csv kept in one file each)"),
            "{args:?}: {}",
            run.stderr
        );
    }
    assert!(!club.path(BACKUP).exists());
}

// ---------------------------------------------------------------- reading

/// Every report and listing of the sample club, as README.md and docs/
/// show them; each is run in every --format.
fn reading_commands(candidate: &str) -> Vec<Vec<String>> {
    let lines = [
        "member list",
        "member list --status active --sort expires --desc",
        "member list --expiring-within 60",
        "member list --birthday-within 30",
        "member list --tier gold",
        "member list --search 王",
        "member list --sales S04",
        "member show M000001",
        "member show M000033",
        "member show M000058",
        "member export",
        "member export --mask",
        "points balance M000001",
        "points balance M000033",
        "points history M000001",
        "points history M000038 --from 2026-01-01",
        "points rewards",
        "wallet balance M000003",
        "tier list",
        "staff list",
        "lead list",
        "lead list --status live",
        "lead pool",
        "lead show L000012",
        "event list",
        "event list --upcoming",
        "event show E0001",
        "event show E0030",
        "event invite E0030",
        "report monthly",
        "report monthly --month 2026-06 --compare 2025-06",
        "report quarterly",
        "report yearly",
        "report kpi",
        "report events",
        "report sales",
        "report sales --month 2026-10",
        "report points-aging",
        "explain member M000001",
        "explain member M000033",
        "explain entry T00001337",
        "explain lead L000012",
        "explain lead L000001 --claim-by S05",
        "rules test",
        "--lang zh member show M000001",
        "--lang zh report monthly",
        "data check",
    ];
    let mut out: Vec<Vec<String>> = lines
        .iter()
        .map(|l| l.split(' ').map(str::to_string).collect())
        .collect();
    out.push(vec!["rules".into(), "diff".into(), candidate.into()]);
    out
}

/// What each reading command printed, in every format: exit code, stdout
/// and stderr.
fn read_everything(club: &TestClub, candidate: &str) -> Vec<(String, i32, String, String)> {
    let mut out = Vec::new();
    for command in reading_commands(candidate) {
        for format in ["table", "csv", "json"] {
            let mut args = vec!["--format", format];
            args.extend(command.iter().map(String::as_str));
            let run = club.run(&args);
            assert_eq!(
                run.code, 0,
                "clubctl {args:?} failed ({}):\n{}",
                run.code, run.stderr
            );
            assert!(
                !run.stdout.is_empty() || !run.stderr.is_empty(),
                "clubctl {args:?} printed nothing"
            );
            out.push((args.join(" "), run.code, run.stdout, run.stderr));
        }
    }
    out
}

#[test]
fn reading_commands_print_the_same_before_and_after_the_migration() {
    let club = format_1_sample();
    // A candidate rule file for `rules diff`: a longer grace period.
    let candidate = club.dir().with_file_name("candidate.toml");
    let rules = club.read("club.toml");
    assert!(rules.contains("grace_days = 30\n"));
    std::fs::write(
        &candidate,
        rules.replace("grace_days = 30\n", "grace_days = 45\n"),
    )
    .unwrap();
    let candidate = candidate.to_str().unwrap();

    let before = club.snapshot();
    let old = read_everything(&club, candidate);
    assert!(
        club.snapshot() == before,
        "a reading command changed a club of the earlier format"
    );
    club.ok(&["data", "migrate"]);
    let new = read_everything(&club, candidate);
    assert_eq!(old.len(), new.len());
    for ((args, code, stdout, stderr), (_, new_code, new_stdout, new_stderr)) in
        old.iter().zip(&new)
    {
        assert_eq!(
            (code, stdout, stderr),
            (new_code, new_stdout, new_stderr),
            "clubctl {args} prints otherwise after the migration"
        );
    }
}

// ---------------------------------------------------------------- migrate

#[test]
fn the_migration_gives_back_the_sample_in_shards_and_keeps_the_old_files() {
    let club = format_1_sample();
    let old = old_files(&club);
    assert_eq!(
        String::from_utf8_lossy(&old["manifest.toml"])
            .lines()
            .filter(|l| l.ends_with(".csv\" = 1"))
            .count(),
        13,
        "every file at version 1, as the first clubctl wrote it"
    );

    // A dry run reads and checks every old table and writes nothing.
    let before = club.snapshot();
    let run = club.run(&["--dry-run", "data", "migrate"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for (file, rows) in [
        ("balances.csv", "53 rows in 1 shard file"),
        ("cards.csv", "54 rows in 1 shard file"),
        ("members.csv", "60 rows in 1 shard file"),
        ("leads.csv", "14 rows in 1 shard file"),
        ("registrations.csv", "193 rows in 31 shard files"),
        ("lead_events.csv", "27 rows in 1 shard file"),
        ("lead_log.csv", "30 rows in 1 shard file"),
    ] {
        let dir = file.trim_end_matches(".csv");
        let line = format!("would convert {file} → {dir}/ ({rows})");
        assert!(run.stderr.contains(&line), "{line}:\n{}", run.stderr);
    }
    assert!(club.snapshot() == before, "a dry run changed the directory");
    assert!(!club.path("backups").exists() && !club.path("members").exists());

    let run = club.run(&["data", "migrate"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("data migrate: members.csv → members/ (60 rows in 1 shard file)"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains(&format!(
            "the old files are kept in {}",
            club.path(BACKUP).display()
        )),
        "{}",
        run.stderr
    );
    let sample = files_of(&repo("data"));
    assert_migrated(&club, &sample, &old);
    club.check();

    // Once current, a migration (or its dry run) has nothing to do.
    let after = club.snapshot();
    for args in [&["data", "migrate"][..], &["--dry-run", "data", "migrate"]] {
        let run = club.run(args);
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert!(
            run.stderr.contains("is already in the current data format"),
            "{args:?}: {}",
            run.stderr
        );
        assert!(club.snapshot() == after, "{args:?} changed the directory");
    }
    // And the club takes changes again.
    club.ok(&["member", "renew", "M000001"]);
    club.check();
}

#[test]
fn a_club_of_more_than_a_thousand_members_migrates_into_several_shards() {
    let club = TestClub::new();
    let generated = club.dir().with_file_name("generated");
    club.ok(&[
        "data",
        "generate",
        generated.to_str().unwrap(),
        "--members",
        "1100",
        "--months",
        "3",
        "--seed",
        "4",
    ]);
    let sharded = files_of(&generated);
    assert!(sharded.contains_key("members/M001.csv"), "too few members");
    let old = format_1_copy(&generated);
    let before = old_files(&old);
    let listing = old.ok(&["member", "list", "--format", "csv"]);
    let report = old.ok(&["report", "monthly", "--format", "csv"]);
    let run = old.run(&["data", "migrate"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("members/ (1100 rows in 2 shard files)"),
        "{}",
        run.stderr
    );
    assert_migrated(&old, &sharded, &before);
    old.check();
    assert_eq!(old.ok(&["member", "list", "--format", "csv"]), listing);
    assert_eq!(old.ok(&["report", "monthly", "--format", "csv"]), report);
}

#[test]
fn a_bad_row_in_an_old_table_stops_the_migration_naming_its_file_and_line() {
    for (file, line, from, to, says) in [
        (
            "members.csv",
            5,
            ",active,",
            ",sleeping,",
            "members.csv:5: column 12 (status): 'sleeping'",
        ),
        (
            // The last table converted: the ones before it are not
            // written either.
            "balances.csv",
            3,
            ",",
            ",x",
            "balances.csv:3: column 2: invalid digit",
        ),
    ] {
        let club = format_1_sample();
        let text = club.read(file);
        let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
        assert!(lines[line - 1].contains(from), "{}", lines[line - 1]);
        lines[line - 1] = lines[line - 1].replacen(from, to, 1);
        std::fs::write(club.path(file), lines.join("\n") + "\n").unwrap();
        let place = format!("{}/{says}", club.dir().display());
        club.refused(&["--dry-run", "data", "migrate"], 3, &place);
        club.refused(&["data", "migrate"], 3, &place);
        for table in SHARDED_IN_2.iter().chain(&SHARDED_IN_3) {
            assert!(!club.path(table).exists(), "{file}: {table}/ was made");
        }
        assert!(!club.path("backups").exists(), "{file}: a backup was made");
    }
}

#[test]
fn a_migration_cut_short_after_its_commit_is_finished_by_running_it_again() {
    let club = format_1_sample();
    let old = old_files(&club);
    club.ok(&["data", "migrate"]);
    let migrated = club.snapshot();
    // Killed after the commit, before the old files were removed: the
    // directory is in the new format, and the old tables are still there.
    let tables: Vec<&String> = old.keys().filter(|f| *f != "manifest.toml").collect();
    for f in &tables {
        std::fs::write(club.path(f), &old[*f]).unwrap();
    }
    club.check();
    let listing = club.ok(&["member", "list", "--format", "csv"]);
    let before = club.snapshot();
    let run = club.run(&["--dry-run", "data", "migrate"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(club.snapshot() == before, "a dry run removed something");
    let run = club.run(&["data", "migrate"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for f in &tables {
        assert!(
            run.stderr.contains(&format!(
                "data migrate: removed {f}, left by an interrupted migration"
            )),
            "{}",
            run.stderr
        );
    }
    assert!(club.snapshot() == migrated);
    assert_eq!(club.ok(&["member", "list", "--format", "csv"]), listing);
}

#[test]
fn an_old_table_edited_after_the_migration_is_not_removed() {
    let club = format_1_sample();
    let old = old_files(&club);
    club.ok(&["data", "migrate"]);
    // Not the bytes the backup holds: the migration leaves it alone.
    let mut edited = old["cards.csv"].clone();
    edited.extend_from_slice(b"VIP000099,M000001,active,2026-11-25,,\n");
    std::fs::write(club.path("cards.csv"), &edited).unwrap();
    let run = club.run(&["data", "migrate"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("already in the current data format"),
        "{}",
        run.stderr
    );
    assert_eq!(std::fs::read(club.path("cards.csv")).unwrap(), edited);
}

#[test]
fn a_club_of_format_2_converts_its_leads_registrations_and_lead_journals() {
    let club = format_2_sample();
    let old = files_named(&club, &SHARDED_IN_3);
    for args in [
        &CLAIM[..],
        &["lead", "release", "L000012", "--yes"],
        &["event", "register", "E0030", "M000001"],
        &["event", "checkin", "E0030", "M000001"],
    ] {
        club.refused(
            args,
            3,
            "(lead_events.csv, lead_log.csv, leads.csv, registrations.csv kept in one file each)",
        );
    }
    // Read as it is, through the same lookups: one lead, one event.
    let reads: [&[&str]; 4] = [
        &["lead", "show", "L000012", "--format", "json"],
        &["lead", "list", "--format", "csv"],
        &["event", "show", "E0030", "--format", "csv"],
        &["report", "sales", "--format", "csv"],
    ];
    let before: Vec<String> = reads.iter().map(|args| club.ok(args)).collect();

    let run = club.run(&["data", "migrate"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for line in [
        "data migrate: leads.csv → leads/ (14 rows in 1 shard file)",
        "data migrate: registrations.csv → registrations/ (193 rows in 31 shard files)",
        &format!(
            "the old files are kept in {}",
            club.path(BACKUP_2).display()
        ),
    ] {
        assert!(run.stderr.contains(line), "{line}:\n{}", run.stderr);
    }
    assert!(!run.stderr.contains("members.csv"), "{}", run.stderr);
    // The shards and the lead indexes, as this clubctl writes them.
    assert_migrated_from(&club, BACKUP_2, &files_of(&repo("data")), &old);
    club.check();
    let after: Vec<String> = reads.iter().map(|args| club.ok(args)).collect();
    assert_eq!(before, after, "a reading command prints otherwise");
    assert_eq!(club.ok(&CLAIM), "L000015");
    club.check();
}
