//! The store's guarantees: locking, torn lines, versions, `data check`
//! and `data repair`, and all-or-nothing changes under `kill -9`.

use crate::club::{table_of, TestClub};
use std::collections::BTreeMap;
use std::fs::OpenOptions;
use std::io::Write;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

fn append(club: &TestClub, file: &str, bytes: &str) {
    let mut f = OpenOptions::new()
        .append(true)
        .open(club.path(file))
        .unwrap();
    f.write_all(bytes.as_bytes()).unwrap();
}

fn edit(club: &TestClub, file: &str, from: &str, to: &str) {
    let text = club.read(file);
    assert!(text.contains(from), "{from:?} not in {file}:\n{text}");
    std::fs::write(club.path(file), text.replacen(from, to, 1)).unwrap();
}

/// `file:line` as clubctl prints it.
fn at(club: &TestClub, file: &str, line: u32) -> String {
    format!("{}:{line}", club.path(file).display())
}

// ---------------------------------------------------------------- manifest

#[test]
fn a_newer_manifest_is_refused_naming_both_versions() {
    let club = TestClub::new();
    edit(
        &club,
        "manifest.toml",
        "\"members/\" = 2\n",
        "\"members/\" = 9\n",
    );
    club.refused(&["member", "list"], 3, "version 9");
    let run = club.refused(&["data", "check"], 3, "members/ has data format version 9");
    assert!(
        run.stderr.contains("reads up to version 2"),
        "{}",
        run.stderr
    );
    club.refused(
        &["member", "add", "--name", "A", "--phone", "13800000001"],
        3,
        "written by a newer clubctl",
    );
}

#[test]
fn an_unknown_file_in_the_manifest_is_refused() {
    let club = TestClub::new();
    append(&club, "manifest.toml", "\"spaceships.csv\" = 2\n");
    let run = club.refused(&["member", "list"], 3, "spaceships.csv (format version 2)");
    assert!(run.stderr.contains("newer clubctl"), "{}", run.stderr);
    club.refused(
        &["staff", "add", "--name", "A", "--role", "sales"],
        3,
        "spaceships.csv",
    );
}

#[test]
fn a_missing_or_broken_manifest_is_bad_data() {
    let club = TestClub::new();
    append(&club, "manifest.toml", "colour = \"red\"\n");
    club.refused(&["member", "list"], 3, "not a valid manifest");
    std::fs::remove_file(club.path("manifest.toml")).unwrap();
    club.refused(&["member", "list"], 3, "manifest.toml is missing");
}

#[test]
fn a_missing_table_listed_in_the_manifest_is_bad_data() {
    let club = TestClub::new();
    let id = club.active_member("A", "13800000001");
    std::fs::remove_dir_all(club.path("cards")).unwrap();
    club.refused(&["card", "lost", &id], 3, "cards is missing");
    club.refused(&["member", "show", &id], 3, "cards is missing");
    club.refused(&["data", "check"], 3, "cards is missing");
}

#[test]
fn a_bad_club_toml_names_its_line() {
    let club = TestClub::new();
    edit(&club, "club.toml", "grace_days = 30", "grace_dayz = 30");
    let run = club.refused(&["member", "list"], 3, "club.toml:");
    assert!(run.stderr.contains("grace_dayz"), "{}", run.stderr);
}

// ---------------------------------------------------------------- torn lines

/// A club whose ledger has one complete line (line 2) and then a torn one.
fn torn_ledger() -> (TestClub, String) {
    let club = TestClub::new();
    let id = club.ok(&["member", "add", "--name", "A", "--phone", "13800000001"]);
    club.ok(&["member", "approve", &id, "--paid", "100"]);
    append(&club, "ledger.csv", "T00000002,2026-11-25,gra");
    (club, id)
}

#[test]
fn a_torn_ledger_line_stops_every_command_but_check_and_repair() {
    let (club, id) = torn_ledger();
    let line = at(&club, "ledger.csv", 3);
    for args in [
        vec!["member", "show", id.as_str()],
        vec!["member", "list"],
        vec!["member", "renew", id.as_str(), "--paid", "100"],
        vec!["member", "exit", id.as_str()],
        vec!["member", "expel", id.as_str(), "--reason", "x"],
        vec!["points", "balance", id.as_str()],
        vec!["card", "lost", id.as_str()],
    ] {
        let run = club.refused(&args, 3, &line);
        assert!(run.stderr.contains("torn"), "{}", run.stderr);
        assert!(run.stderr.contains("clubctl data repair"), "{}", run.stderr);
    }
    let run = club.refused(
        &["data", "check"],
        3,
        &format!("{line}: the last line is torn"),
    );
    assert!(run.stderr.contains("1 problem"), "{}", run.stderr);
}

#[test]
fn data_repair_moves_a_torn_ledger_line_aside() {
    let (club, id) = torn_ledger();
    let whole = club.read("ledger.csv");
    let good = whole[..whole.rfind('\n').unwrap() + 1].to_string();

    let before = club.snapshot();
    let run = club.run(&["--dry-run", "data", "repair"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("would move the torn line ledger.csv:3"),
        "{}",
        run.stderr
    );
    assert!(club.snapshot() == before, "a dry run repaired");

    let run = club.run(&["data", "repair"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("moved the torn line ledger.csv:3 into ledger.csv.rejected"),
        "{}",
        run.stderr
    );
    assert_eq!(club.read("ledger.csv"), good);
    assert_eq!(
        club.read("ledger.csv.rejected"),
        "T00000002,2026-11-25,gra\n"
    );
    club.check();
    let run = club.run(&["data", "repair"]);
    assert!(run.stderr.contains("nothing to do"), "{}", run.stderr);

    // Work goes on, and the next entry takes the next id.
    club.ok(&["member", "renew", &id, "--paid", "100"]);
    assert!(club
        .read("ledger.csv")
        .ends_with("\nT00000002,2026-11-25,dues,M000001,100.00,0,,office,12 months\n"));
    club.check();
}

#[test]
fn a_torn_audit_line_stops_every_command_but_check_and_repair() {
    let club = TestClub::new();
    let manager = club.staff("Wang", "manager");
    let a = club.active_member("A", "13800000001");
    let p = club.ok(&["member", "add", "--name", "P", "--phone", "13800000002"]);
    let q = club.ok(&["member", "add", "--name", "Q", "--phone", "13800000005"]);
    let f = club.active_member("F", "13800000003");
    club.ok(&["member", "freeze", &f, "--reason", "x"]);
    let x = club.active_member("X", "13800000004");
    club.ok(&["member", "exit", &x]);
    let lines = club.read("audit.csv").lines().count();
    append(
        &club,
        "audit.csv",
        "2026-11-25T10:00:00Z,2026-11-25,office,M0",
    );
    let line = at(&club, "audit.csv", lines as u32 + 1);
    let changing: Vec<Vec<&str>> = vec![
        vec!["member", "add", "--name", "B", "--phone", "13800000009"],
        vec!["member", "approve", &p],
        vec!["member", "reject", &q, "--reason", "x"],
        vec!["member", "renew", &a],
        vec!["member", "freeze", &a, "--reason", "x"],
        vec!["member", "unfreeze", &f],
        vec!["member", "exit", &a],
        vec!["member", "expel", &a, "--reason", "x"],
        vec!["--as", &manager, "member", "restore", &x, "--reason", "x"],
        vec!["member", "update", &a, "--name", "Z"],
        vec!["card", "lost", &a],
        vec!["staff", "add", "--name", "Li", "--role", "sales"],
        vec!["staff", "deactivate", &manager],
        vec!["--today", "2028-01-01", "member", "sweep"],
    ];
    for args in &changing {
        club.refused(args, 3, &line);
    }
    // Readers refuse too, whatever file they read: only check and repair go on.
    club.refused(&["member", "show", &a], 3, &line);
    club.refused(&["member", "list"], 3, &line);
    club.refused(&["data", "check"], 3, &line);

    club.ok(&["data", "repair"]);
    assert_eq!(
        club.read("audit.csv.rejected"),
        "2026-11-25T10:00:00Z,2026-11-25,office,M0\n"
    );
    club.check();
    for args in &changing {
        club.ok(args);
    }
    club.check();
}

#[test]
fn a_torn_line_is_never_counted() {
    let club = TestClub::new();
    let id = club.active_member("A", "13800000001");
    club.ok(&["points", "grant", &id, "--points", "500", "--reason", "x"]);
    append(
        &club,
        "ledger.csv",
        "T00000002,2026-11-25,grant,M000001,0.00,900",
    );
    club.refused(&["member", "show", &id], 3, "ledger.csv:3");
    club.ok(&["data", "repair"]);
    let v: serde_json::Value =
        serde_json::from_str(&club.ok(&["member", "show", &id, "--format", "json"])).unwrap();
    assert_eq!(v["points"], 500);
}

// ---------------------------------------------------------------- data check

/// A club that passes `data check`: A (M000001) refers B (M000002), both
/// active with cards, B signed by S01; A has a dues entry.
fn sound_club() -> TestClub {
    let club = TestClub::new();
    let s = club.staff("Li", "sales");
    let a = club.ok(&["member", "add", "--name", "A", "--phone", "13800000001"]);
    club.ok(&["member", "approve", &a, "--paid", "100"]);
    let b = club.ok(&[
        "member",
        "add",
        "--name",
        "B",
        "--phone",
        "13800000002",
        "--referrer",
        &a,
        "--sales",
        &s,
    ]);
    club.ok(&["member", "approve", &b]);
    club.check();
    club
}

const A_ROW: &str = "M000001,A,13800000001,,,,individual,,,,,active,basic,VIP000001,2026-11-25,2026-11-25,2027-11-24,2026-11-25,,";
const B_ROW: &str = "M000002,B,13800000002,,,,individual,,M000001,,S01,active,basic,VIP000002,2026-11-25,2026-11-25,2027-11-24,2026-11-25,,";

#[test]
fn the_sound_club_rows_are_as_expected() {
    let club = sound_club();
    let members = club.read("members/M000.csv");
    assert!(
        members.contains(&format!("\n{A_ROW}\n{B_ROW}\n")),
        "{members}"
    );
}

#[test]
fn data_check_reports_each_broken_file_with_its_line() {
    type Break = fn(&TestClub);
    let cases: Vec<(&str, Break, &str, u32, &str)> = vec![
        (
            "bad date",
            |c| {
                edit(
                    c,
                    "members/M000.csv",
                    "2027-11-24,2026-11-25,,\n",
                    "2027-11-31,2026-11-25,,\n",
                )
            },
            "members/M000.csv",
            2,
            "column 17 (expires): '2027-11-31': input is out of range",
        ),
        (
            "duplicate id",
            |c| {
                append(
                    c,
                    "members/M000.csv",
                    &format!("{}\n", B_ROW.replace("13800000002", "13800000003")),
                )
            },
            "members/M000.csv",
            4,
            "id M000002 is also on line 3",
        ),
        (
            "unknown referrer",
            |c| edit(c, "members/M000.csv", ",M000001,,S01,", ",M000077,,S01,"),
            "members/M000.csv",
            3,
            "M000002: referrer M000077 is not a member",
        ),
        (
            "unknown salesperson",
            |c| edit(c, "members/M000.csv", ",M000001,,S01,", ",M000001,,S07,"),
            "members/M000.csv",
            3,
            "M000002: salesperson S07 is not in staff.csv",
        ),
        (
            "unknown card",
            |c| {
                edit(
                    c,
                    "members/M000.csv",
                    "basic,VIP000001,",
                    "basic,VIP000077,",
                )
            },
            "members/M000.csv",
            2,
            "M000001: card VIP000077 is not in cards.csv",
        ),
        (
            "header changed",
            |c| {
                edit(
                    c,
                    "cards/VIP000.csv",
                    "number,member,status,",
                    "number,member,state,",
                )
            },
            "cards/VIP000.csv",
            1,
            "the header is 'number,member,state,",
        ),
        (
            "expiry before joining",
            |c| {
                edit(
                    c,
                    "members/M000.csv",
                    "2026-11-25,2027-11-24,2026-11-25,,\nM000002",
                    "2026-11-25,2026-11-24,2026-11-25,,\nM000002",
                )
            },
            "members/M000.csv",
            2,
            "M000001: expires 2026-11-24 is not after joined 2026-11-25",
        ),
        (
            "illegal status",
            |c| {
                edit(
                    c,
                    "members/M000.csv",
                    ",active,basic,VIP000002,",
                    ",sleeping,basic,VIP000002,",
                )
            },
            "members/M000.csv",
            3,
            "column 12 (status): 'sleeping': unknown variant",
        ),
        (
            "shared phone",
            |c| {
                edit(
                    c,
                    "members/M000.csv",
                    "M000002,B,13800000002",
                    "M000002,B,13800000001",
                )
            },
            "members/M000.csv",
            3,
            "M000002: phone 13800000001 is also held by M000001",
        ),
        (
            "phone not normalised",
            |c| {
                edit(
                    c,
                    "members/M000.csv",
                    "M000002,B,13800000002",
                    "M000002,B,138-0000-0002",
                )
            },
            "members/M000.csv",
            3,
            "M000002: phone '138-0000-0002' is not in normalised form",
        ),
        (
            "unknown tier",
            |c| {
                edit(
                    c,
                    "members/M000.csv",
                    ",active,basic,VIP000002,",
                    ",active,diamond,VIP000002,",
                )
            },
            "members/M000.csv",
            3,
            "M000002: tier 'diamond' is not in club.toml",
        ),
        (
            "card of an unknown member",
            |c| {
                append(
                    c,
                    "cards/VIP000.csv",
                    "VIP000009,M000099,active,2026-11-25,,\n",
                )
            },
            "cards/VIP000.csv",
            4,
            "card VIP000009 belongs to unknown member M000099",
        ),
        (
            "ledger entry of an unknown member",
            |c| edit(c, "ledger.csv", "dues,M000001,", "dues,M000099,"),
            "ledger.csv",
            2,
            "entry T00000001 names unknown member M000099",
        ),
        (
            "a row with a missing field",
            |c| append(c, "staff.csv", "S02,Wang,manager\n"),
            "staff.csv",
            3,
            "the row has 3 fields, the header 4",
        ),
        (
            "an unreadable audit line",
            |c| {
                append(
                    c,
                    "audit.csv",
                    "2026-11-25T10:00:00Z,yesterday,office,M000001,x,y,z\n",
                )
            },
            "audit.csv",
            9,
            "column 2 (date): 'yesterday'",
        ),
    ];
    for (what, break_it, file, line, msg) in cases {
        let club = sound_club();
        break_it(&club);
        let place = at(&club, file, line);
        let run = club.refused(&["data", "check"], 3, &format!("{place}: {msg}"));
        assert!(
            run.stderr.contains("data check found"),
            "{what}: {}",
            run.stderr
        );
    }
}

#[test]
fn data_check_lists_every_problem_not_just_the_first() {
    let club = sound_club();
    edit(
        &club,
        "members/M000.csv",
        ",M000001,,S01,",
        ",M000077,,S07,",
    );
    edit(
        &club,
        "members/M000.csv",
        "basic,VIP000001,",
        "basic,VIP000077,",
    );
    let run = club.refused(&["data", "check"], 3, "found 3 problems");
    let lines: Vec<&str> = run.stderr.lines().collect();
    assert!(
        lines[0].starts_with(&at(&club, "members/M000.csv", 2)),
        "{}",
        run.stderr
    );
    assert!(lines[1].contains("referrer M000077") || lines[2].contains("referrer M000077"));
}

#[test]
fn a_broken_row_stops_commands_that_read_it_with_file_and_line() {
    let club = sound_club();
    edit(
        &club,
        "members/M000.csv",
        "2027-11-24,2026-11-25,,\n",
        "2027-11-31,2026-11-25,,\n",
    );
    let place = at(&club, "members/M000.csv", 2);
    club.refused(&["member", "list"], 3, &place);
    club.refused(&["member", "freeze", "M000002", "--reason", "x"], 3, &place);
    club.refused(&["member", "sweep"], 3, &place);
}

// ---------------------------------------------------------------- locking

/// Takes the data directory's lock as another clubctl would, with a note
/// naming the holder.
fn hold_lock(club: &TestClub) -> std::fs::File {
    let mut f = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(true)
        .open(club.path("clubctl.lock"))
        .unwrap();
    f.write_all(b"pid 123: test holder\n").unwrap();
    f.lock().unwrap();
    f
}

#[test]
fn a_second_writer_gives_up_after_wait_naming_the_holder() {
    let club = TestClub::new();
    let lock = hold_lock(&club);
    let run = club.refused(
        &[
            "--wait",
            "1",
            "member",
            "add",
            "--name",
            "A",
            "--phone",
            "13800000001",
        ],
        6,
        "pid 123: test holder",
    );
    assert!(run.stderr.contains("busy"), "{}", run.stderr);
    // Readers wait for a writer too: they never see a half-done change.
    club.refused(
        &["--wait", "1", "member", "list"],
        6,
        "pid 123: test holder",
    );
    club.refused(&["--wait", "0", "data", "check"], 6, "test holder");
    drop(lock);
    club.ok(&[
        "--wait",
        "0",
        "member",
        "add",
        "--name",
        "A",
        "--phone",
        "13800000001",
    ]);
}

#[test]
fn a_waiting_writer_goes_ahead_once_the_lock_is_released() {
    let club = TestClub::new();
    let lock = hold_lock(&club);
    let released = Arc::new(AtomicBool::new(false));
    let flag = released.clone();
    let holder = std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_millis(300));
        flag.store(true, Ordering::SeqCst);
        drop(lock);
    });
    let id = club.ok(&[
        "--wait",
        "10",
        "member",
        "add",
        "--name",
        "A",
        "--phone",
        "13800000001",
    ]);
    assert_eq!(id, "M000001");
    assert!(
        released.load(Ordering::SeqCst),
        "the command went ahead while the lock was held"
    );
    holder.join().unwrap();
    club.check();
}

#[test]
fn a_waiting_reader_goes_ahead_once_the_lock_is_released() {
    let club = TestClub::new();
    club.active_member("A", "13800000001");
    let lock = hold_lock(&club);
    let released = Arc::new(AtomicBool::new(false));
    let flag = released.clone();
    let holder = std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_millis(300));
        flag.store(true, Ordering::SeqCst);
        drop(lock);
    });
    let out = club.ok(&["--wait", "10", "member", "list", "--format", "csv"]);
    assert!(released.load(Ordering::SeqCst));
    assert!(out.contains("M000001"));
    holder.join().unwrap();
}

#[test]
fn readers_share_the_lock() {
    let club = TestClub::new();
    club.active_member("A", "13800000001");
    let f = OpenOptions::new()
        .read(true)
        .open(club.path("clubctl.lock"))
        .unwrap();
    f.lock_shared().unwrap();
    assert!(club
        .ok(&["--wait", "0", "member", "list"])
        .contains("M000001"));
    club.refused(
        &[
            "--wait", "0", "member", "freeze", "M000001", "--reason", "x",
        ],
        6,
        "busy",
    );
}

// ---------------------------------------------------------------- crashes

const KILL_MEMBERS: usize = 20_000;

const MEMBERS_HEADER: &str = "id,name,phone,email,gender,birthday,kind,nominee,referrer,source,sales,status,tier,card,applied,joined,expires,since,reason,note\n";
const CARDS_HEADER: &str = "number,member,status,issued,lost_on,replaced_by\n";

/// Writes a data directory of `KILL_MEMBERS` active members whose terms
/// ended long before 2026-11-25, so `member sweep` expires every one: rows
/// written by hand into their shards, a thousand ids a file.
fn big_club() -> TestClub {
    let club = TestClub::new();
    let mut members: BTreeMap<String, String> = BTreeMap::new();
    let mut cards: BTreeMap<String, String> = BTreeMap::new();
    for i in 1..=KILL_MEMBERS {
        members
            .entry(format!("members/M{:03}.csv", i / 1000))
            .or_insert_with(|| MEMBERS_HEADER.to_string())
            .push_str(&format!(
                "M{i:06},Member {i},139{i:08},,,,individual,,,,,active,basic,VIP{i:06},2025-01-01,2025-01-02,2026-01-02,2025-01-02,,\n"
            ));
        cards
            .entry(format!("cards/VIP{:03}.csv", i / 1000))
            .or_insert_with(|| CARDS_HEADER.to_string())
            .push_str(&format!("VIP{i:06},M{i:06},active,2025-01-02,,\n"));
    }
    assert_eq!(members.len(), KILL_MEMBERS / 1000 + 1);
    for (file, text) in members.iter().chain(&cards) {
        std::fs::write(club.path(file), text).unwrap();
    }
    // The phone index is derived from the members written by hand.
    club.ok(&["data", "reindex"]);
    club.check();
    club
}

/// Copies a data directory with its subdirectories (the shards).
fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &to.join(e.file_name()));
        } else {
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
}

/// Every file of a data directory but the lock, by its path there
/// (`members/M000.csv`), with its bytes.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(dir: &Path, prefix: &str, out: &mut BTreeMap<String, Vec<u8>>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let e = e.unwrap();
            let name = format!("{prefix}{}", e.file_name().to_string_lossy());
            if e.file_type().unwrap().is_dir() {
                walk(&e.path(), &format!("{name}/"), out);
            } else if name != "clubctl.lock" {
                out.insert(name, std::fs::read(e.path()).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, "", &mut out);
    out
}

/// Whether the files named `name`, or under the directory `name`, are the
/// same in `a` and `b`: the same names with the same bytes (and some).
fn same(a: &BTreeMap<String, Vec<u8>>, b: &BTreeMap<String, Vec<u8>>, name: &str) -> bool {
    let pick = |m: &BTreeMap<String, Vec<u8>>| -> Vec<(String, Vec<u8>)> {
        m.iter()
            .filter(|(k, _)| *k == name || k.starts_with(&format!("{name}/")))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    };
    let picked = pick(a);
    !picked.is_empty() && picked == pick(b)
}

/// A random number below `n`, without a random-number crate.
fn random_below(n: u64) -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u64(n);
    h.finish() % n.max(1)
}

/// Statuses in the members table and sweep lines in audit.csv.
fn census(dir: &Path) -> (usize, usize, usize) {
    let members = table_of(dir, "members");
    let active = members.matches(",active,").count();
    let expired = members.matches(",expired,").count();
    let audit = std::fs::read_to_string(dir.join("audit.csv")).unwrap();
    let sweeps = audit.matches(",member sweep,").count();
    (active, expired, sweeps)
}

#[test]
fn a_sweep_killed_at_any_moment_is_all_or_nothing() {
    let club = big_club();
    let bin = env!("CARGO_BIN_EXE_clubctl");
    let run = |dir: &Path, args: &[&str]| {
        let mut c = std::process::Command::new(bin);
        c.env_clear()
            .env("CLUBCTL_DATA", dir)
            .env("CLUBCTL_TODAY", "2026-11-25")
            .env("CLUBCTL_OPERATOR", "cron")
            .args(args)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped());
        c
    };

    // One sweep left alone sets the reference, and how long one takes
    // (only to spread the kills over its run, never asserted on).
    let work = tempfile::tempdir().unwrap();
    let reference = work.path().join("reference");
    copy_dir(club.dir(), &reference);
    let started = std::time::Instant::now();
    let out = run(&reference, &["member", "sweep"]).output().unwrap();
    let took = started.elapsed().as_millis() as u64;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(census(&reference), (0, KILL_MEMBERS, KILL_MEMBERS));
    let before = files(club.dir());
    let swept = files(&reference);
    // Kills land anywhere from before the commit point to after the end.
    let window = took.clamp(20, 2000) + 20;

    let (mut none, mut all, mut recovered) = (0, 0, 0);
    for i in 0..16 {
        let dir = work.path().join(format!("run{i}"));
        copy_dir(club.dir(), &dir);
        let mut child = run(&dir, &["member", "sweep"])
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        // A quarter of the kills land at a random moment; the others wait
        // for an event: the first temp file (the change is being staged),
        // the committed plan `txn.pending` (the commit point is passed), or
        // the audit trail growing (the journals are being appended, before
        // the commit point). So both sides of the commit point are hit
        // whatever the machine's speed.
        let audit_len = std::fs::metadata(dir.join("audit.csv")).unwrap().len();
        let event = |name: &str| -> bool {
            match i % 4 {
                1 => name.ends_with(".tmp"),
                2 => name == "txn.pending",
                _ => {
                    name == "audit.csv"
                        && std::fs::metadata(dir.join(name)).is_ok_and(|m| m.len() != audit_len)
                }
            }
        };
        let mut saw_intent = false;
        if i % 4 == 0 {
            std::thread::sleep(std::time::Duration::from_millis(random_below(window)));
        } else {
            loop {
                let seen = std::fs::read_dir(&dir)
                    .unwrap()
                    .any(|e| event(&e.unwrap().file_name().to_string_lossy()));
                if seen || child.try_wait().unwrap().is_some() {
                    saw_intent = seen && i % 4 == 2;
                    break;
                }
            }
        }
        let _ = child.kill(); // SIGKILL; fails only when it already ended
        child.wait().unwrap();
        if dir.join("txn.pending").exists() || dir.join("txn.prepared").exists() {
            recovered += 1;
        }

        let check = run(&dir, &["data", "check"]).output().unwrap();
        assert!(
            check.status.success(),
            "run {i}: data check after kill -9:\n{}",
            String::from_utf8_lossy(&check.stderr)
        );
        // Nothing left over, in the data directory or among the shards.
        let after = files(&dir);
        let leftovers: Vec<&String> = after
            .keys()
            .filter(|n| {
                let base = n.rsplit('/').next().unwrap_or_default();
                base.starts_with("txn.") || base.ends_with(".tmp")
            })
            .collect();
        assert!(leftovers.is_empty(), "run {i}: {leftovers:?} left behind");
        match census(&dir) {
            (KILL_MEMBERS, 0, 0) => {
                assert!(
                    !saw_intent,
                    "run {i}: the sweep was past its commit point, yet nothing was done"
                );
                none += 1;
                for f in ["members", "cards", "audit.csv", "manifest.toml"] {
                    assert!(
                        same(&after, &before, f),
                        "run {i}: {f} changed though the sweep did not happen"
                    );
                }
            }
            (0, KILL_MEMBERS, KILL_MEMBERS) => {
                all += 1;
                for f in ["members", "cards", "ledger.csv", "manifest.toml"] {
                    assert!(
                        same(&after, &swept, f),
                        "run {i}: {f} differs from an uninterrupted sweep"
                    );
                }
            }
            other => {
                panic!("run {i}: a half-done sweep: (active, expired, sweep lines) = {other:?}")
            }
        }
    }
    eprintln!(
        "kill -9 during a {took} ms sweep: {none} left nothing done, {all} everything \
         ({recovered} finished or undone by recovery)"
    );
}

// ---------------------------------------------------------------- audit

#[test]
fn the_audit_trail_says_who_did_what_when_and_with_which_command() {
    let mut club = TestClub::new();
    club.as_operator("S02").on("2026-12-01");
    let id = club.ok(&[
        "member",
        "add",
        "--name",
        "王 小明",
        "--phone",
        "13800000001",
    ]);
    let audit = club.read("audit.csv");
    let line = audit.lines().nth(1).unwrap();
    let fields: Vec<&str> = line.splitn(7, ',').collect();
    // at: wall-clock time, RFC 3339 UTC, to the second.
    assert!(
        chrono::DateTime::parse_from_rfc3339(fields[0]).is_ok() && fields[0].ends_with('Z'),
        "{line}"
    );
    assert_eq!(
        &fields[1..5],
        ["2026-12-01", "S02", id.as_str(), "member add"]
    );
    assert!(
        line.ends_with(",clubctl member add --name '王 小明' --phone 13800000001"),
        "the command line as a person would retype it: {line}"
    );
}

#[test]
fn the_operator_defaults_to_the_login_name() {
    let club = TestClub::new();
    let out = club
        .cmd(&["member", "add", "--name", "A", "--phone", "13800000001"])
        .env_remove("CLUBCTL_OPERATOR")
        .env("USER", "alice")
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(club
        .read("audit.csv")
        .contains(",alice,M000001,member add,"));
    let out = club
        .cmd(&[
            "--as", "bob", "member", "freeze", "M000001", "--reason", "x",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4), "pending cannot be frozen");
    let out = club
        .cmd(&[
            "--as", "bob", "member", "reject", "M000001", "--reason", "x",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(club
        .read("audit.csv")
        .contains(",bob,M000001,member reject,"));
}

#[test]
fn the_data_option_wins_over_the_environment() {
    let club = TestClub::new();
    let other = TestClub::new();
    other.ok(&[
        "member",
        "add",
        "--name",
        "Elsewhere",
        "--phone",
        "13800000001",
    ]);
    let dir = other.dir().to_str().unwrap().to_string();
    let out = club.ok(&["--data", &dir, "member", "list", "--format", "csv"]);
    assert!(out.contains("Elsewhere"), "{out}");
    assert_eq!(
        club.ok(&["member", "list", "--format", "csv"])
            .lines()
            .count(),
        1
    );
}

#[test]
fn a_closed_pipe_ends_a_listing_quietly() {
    let club = big_club();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_clubctl"))
        .env_clear()
        .env("CLUBCTL_DATA", club.dir())
        .args(["member", "list", "--format", "csv"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Read one line, as `| head -1` would, then close the pipe.
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 16];
    std::io::Read::read_exact(&mut stdout, &mut first).unwrap();
    drop(stdout);
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn a_writer_kept_waiting_by_readers_is_not_told_of_a_writer_long_gone() {
    let club = TestClub::new();
    club.active_member("A", "13800000001");
    assert_eq!(club.read("clubctl.lock"), "", "a writer wipes its note");
    let reader = OpenOptions::new()
        .read(true)
        .open(club.path("clubctl.lock"))
        .unwrap();
    reader.lock_shared().unwrap();
    let run = club.refused(
        &[
            "--wait", "0", "member", "freeze", "M000001", "--reason", "x",
        ],
        6,
        "another clubctl process holds the lock",
    );
    assert!(!run.stderr.contains("member approve"), "{}", run.stderr);
}

#[test]
fn writers_started_together_take_turns() {
    let club = TestClub::new();
    let children: Vec<_> = (1..=8)
        .map(|i| {
            std::process::Command::new(env!("CARGO_BIN_EXE_clubctl"))
                .env_clear()
                .env("CLUBCTL_DATA", club.dir())
                .env("CLUBCTL_TODAY", "2026-11-25")
                .env("CLUBCTL_OPERATOR", "office")
                .args(["--wait", "60", "member", "add", "--name", &format!("P{i}")])
                .args(["--phone", &format!("1380000000{i}")])
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let mut ids: Vec<String> = children
        .into_iter()
        .map(|c| {
            let out = c.wait_with_output().unwrap();
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            String::from_utf8(out.stdout).unwrap().trim().to_string()
        })
        .collect();
    ids.sort();
    let want: Vec<String> = (1..=8).map(|i| format!("M{i:06}")).collect();
    assert_eq!(ids, want, "every writer saw the one before it");
    assert_eq!(club.table("members").lines().count(), 9);
    assert_eq!(club.read("audit.csv").lines().count(), 9);
    club.check();
}

#[test]
fn the_next_command_discards_temp_files_a_crash_left_behind() {
    let club = TestClub::new();
    club.active_member("A", "13800000001");
    std::fs::write(club.path(".clubctl-abc123.tmp"), "half a table").unwrap();
    assert!(club.ok(&["member", "list"]).contains("M000001"));
    assert!(!club.path(".clubctl-abc123.tmp").exists());
    club.check();
}

#[test]
fn an_unreadable_intent_file_stops_every_command() {
    let club = TestClub::new();
    club.active_member("A", "13800000001");
    std::fs::write(club.path("txn.pending"), "{\"appends\": [").unwrap();
    club.refused(&["member", "list"], 3, "txn.pending");
    club.refused(
        &["member", "freeze", "M000001", "--reason", "x"],
        3,
        "pending transaction cannot be read",
    );
    club.refused(&["data", "check"], 3, "txn.pending");
}
