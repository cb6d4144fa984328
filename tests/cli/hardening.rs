//! What no input, lost file, planted link or stray character gets past:
//! one test per finding of the hardening review, each refusal checked for
//! its exit code, its message and untouched files.

use crate::club::TestClub;
use std::os::unix::fs::PermissionsExt;

fn mode(path: &std::path::Path) -> u32 {
    std::fs::symlink_metadata(path)
        .unwrap()
        .permissions()
        .mode()
        & 0o777
}

#[test]
fn numbers_and_days_beyond_their_bounds_are_usage_errors_naming_the_bound() {
    let club = TestClub::new();
    let a = club.active_member("Ann", "13800000001");
    let b = club.active_member("Bo", "13800000002");
    club.refused(
        &[
            "points",
            "grant",
            &a,
            "--points",
            "9223372036854775807",
            "--reason",
            "x",
        ],
        2,
        "1000000000",
    );
    club.refused(
        &[
            "points",
            "grant",
            &a,
            "--points=-9223372036854775808",
            "--reason",
            "x",
        ],
        2,
        "-1000000000",
    );
    club.refused(
        &["points", "grant", &a, "--spend", "92233720368547758.07"],
        2,
        "out of range",
    );
    club.refused(&["member", "renew", &b, "--months", "4294967295"], 2, "120");
    club.refused(
        &["wallet", "recharge", &a, "--amount", "100000000.01"],
        2,
        "100000000.00",
    );
    club.refused(
        &["--today", "9999-12-31", "member", "list"],
        2,
        "2199-12-31",
    );
    club.refused(
        &["--today", "1999-12-31", "member", "list"],
        2,
        "2000-01-01",
    );
    // The edges themselves are accepted.
    club.ok(&[
        "points",
        "grant",
        &a,
        "--points",
        "1000000000",
        "--reason",
        "edge",
    ]);
    club.ok(&["member", "renew", &b, "--months", "120", "--paid", "0"]);
    club.ok(&["--today", "2199-12-31", "member", "list"]);
    // The member stays readable: the refusals wrote nothing.
    let balance = club.csv_field(&["points", "balance", &a], "points");
    assert_eq!(balance, "1000000000");
    club.check();
}

#[test]
fn a_ledger_row_with_a_number_no_balance_can_hold_is_bad_data() {
    let club = TestClub::new();
    let a = club.active_member("Ann", "13800000001");
    club.ok(&["points", "grant", &a, "--points", "5", "--reason", "x"]);
    let ledger = club.read("ledger.csv");
    let edited = ledger.replacen(",5,", ",9223372036854775807,", 1);
    assert_ne!(edited, ledger);
    std::fs::write(club.path("ledger.csv"), edited).unwrap();
    // A member's history is read through its index, which no longer
    // covers a journal edited by hand; the check finds the row itself.
    club.refused(&["points", "history", &a], 3, "changed outside clubctl");
    club.refused(&["data", "check"], 3, "out of range");
}

#[test]
fn a_lost_journal_is_refused_never_started_again_empty() {
    let club = TestClub::new();
    let a = club.active_member("Ann", "13800000001");
    club.ok(&["points", "grant", &a, "--points", "5", "--reason", "x"]);
    std::fs::remove_file(club.path("ledger.csv")).unwrap();
    club.refused(
        &["points", "grant", &a, "--points", "5", "--reason", "x"],
        3,
        "ledger.csv is missing",
    );
    assert!(!club.path("ledger.csv").exists());
    club.refused(&["points", "balance", &a], 3, "ledger.csv is missing");
    club.refused(&["data", "check"], 3, "ledger.csv is missing");
}

#[test]
fn data_check_with_the_members_table_missing_or_a_directory_is_bad_data() {
    let club = TestClub::new();
    club.active_member("Ann", "13800000001");
    let shards = club.path("members");
    let shard = club.path("members/M000.csv");
    let good = club.read("members/M000.csv");
    std::fs::remove_dir_all(&shards).unwrap();
    club.refused(&["data", "check"], 3, "members is missing");
    club.refused(&["member", "list"], 3, "members is missing");
    // A file where the directory of shards should be.
    std::fs::write(&shards, &good).unwrap();
    club.refused(&["data", "check"], 3, "members is not a directory");
    club.refused(&["member", "list"], 3, "members is not a directory");
    // A directory where a shard should be.
    std::fs::remove_file(&shards).unwrap();
    std::fs::create_dir(&shards).unwrap();
    std::fs::create_dir(&shard).unwrap();
    club.refused(&["data", "check"], 3, "members/M000.csv is a directory");
    club.refused(&["member", "list"], 3, "members/M000.csv is a directory");
    club.refused(
        &["member", "show", "M000001"],
        3,
        "members/M000.csv is a directory",
    );
}

#[test]
fn a_chart_is_never_written_into_the_data_directory_nor_over_a_file() {
    let club = TestClub::new();
    club.active_member("Ann", "13800000001");
    let members = club.path("members/M000.csv");
    club.refused(
        &["report", "monthly", "--chart", members.to_str().unwrap()],
        2,
        "inside the data directory",
    );
    let sneaky = club.dir().join("../club/x.svg");
    club.refused(
        &["report", "monthly", "--chart", sneaky.to_str().unwrap()],
        2,
        "inside the data directory",
    );
    let out_dir = tempfile::tempdir().unwrap();
    let out = out_dir.path().join("chart.svg");
    club.ok(&["report", "monthly", "--chart", out.to_str().unwrap()]);
    assert_eq!(mode(&out), 0o600, "a chart holds club figures: owner only");
    std::fs::write(&out, "mine").unwrap();
    club.refused(
        &["report", "monthly", "--chart", out.to_str().unwrap()],
        2,
        "--force",
    );
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "mine");
    club.ok(&[
        "report",
        "monthly",
        "--chart",
        out.to_str().unwrap(),
        "--force",
    ]);
    assert!(std::fs::read_to_string(&out).unwrap().contains("<svg"));
}

#[test]
fn a_workbook_export_is_never_written_into_the_data_directory() {
    let club = TestClub::new();
    club.active_member("Ann", "13800000001");
    // Even with --force, which only allows replacing a file elsewhere.
    for target in ["members/M000.csv", "members/M001.csv", "export.xlsx"] {
        let path = club.path(target);
        club.refused(
            &[
                "member",
                "export",
                "--xlsx",
                path.to_str().unwrap(),
                "--force",
            ],
            2,
            "inside the data directory",
        );
    }
}

#[test]
fn directories_the_store_creates_are_owner_only() {
    let club = TestClub::new();
    let a = club.active_member("Ann", "13800000001");
    club.ok(&["points", "grant", &a, "--spend", "10", "--receipt", "R-1"]);
    assert_eq!(mode(club.dir()), 0o700);
    assert_eq!(mode(&club.path("receipts")), 0o700);
}

#[test]
fn a_lock_file_that_is_a_link_is_refused_and_its_target_untouched() {
    let club = TestClub::new();
    let a = club.active_member("Ann", "13800000001");
    let outside = tempfile::tempdir().unwrap();
    let victim = outside.path().join("precious.txt");
    std::fs::write(&victim, "keep me").unwrap();
    std::fs::remove_file(club.path("clubctl.lock")).unwrap();
    std::os::unix::fs::symlink(&victim, club.path("clubctl.lock")).unwrap();
    club.refused(
        &["points", "grant", &a, "--points", "5", "--reason", "x"],
        3,
        "clubctl.lock is a symbolic link",
    );
    club.refused(&["member", "list"], 3, "clubctl.lock is a symbolic link");
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep me");
}

#[test]
fn a_journal_that_is_a_link_is_refused_and_its_target_untouched() {
    let club = TestClub::new();
    let a = club.active_member("Ann", "13800000001");
    let outside = tempfile::tempdir().unwrap();
    let target = outside.path().join("ledger.csv");
    std::fs::rename(club.path("ledger.csv"), &target).unwrap();
    std::os::unix::fs::symlink(&target, club.path("ledger.csv")).unwrap();
    let before = std::fs::read(&target).unwrap();
    club.refused(
        &["points", "grant", &a, "--points", "5", "--reason", "x"],
        3,
        "ledger.csv is a symbolic link",
    );
    assert_eq!(std::fs::read(&target).unwrap(), before);
}

#[test]
fn writers_refuse_a_table_or_journal_with_a_bad_row() {
    let club = TestClub::new();
    let a = club.active_member("Ann", "13800000001");
    club.active_member("Bo", "13800000002");
    let grant = [
        "points",
        "grant",
        a.as_str(),
        "--points",
        "5",
        "--reason",
        "x",
    ];
    let good = club.read("members/M000.csv");
    // A torn row (too few fields) after the member granted to.
    std::fs::write(
        club.path("members/M000.csv"),
        format!("{good}M000009,Torn\n"),
    )
    .unwrap();
    club.refused(&grant, 3, "members/M000.csv:4");
    // A row that is not UTF-8 (the other member's name).
    let mut bytes = Vec::new();
    for line in good.lines() {
        if line.contains(",Bo,") {
            bytes.extend_from_slice(line.replacen(",Bo,", ",\u{0},", 1).as_bytes());
            let at = bytes.iter().rposition(|&b| b == 0).unwrap();
            bytes.splice(at..=at, [0xff, 0xfe]);
        } else {
            bytes.extend_from_slice(line.as_bytes());
        }
        bytes.push(b'\n');
    }
    std::fs::write(club.path("members/M000.csv"), &bytes).unwrap();
    club.refused(&grant, 3, "UTF-8");
    std::fs::write(club.path("members/M000.csv"), &good).unwrap();
    club.ok(&grant);
    // Garbage appended to the ledger by hand.
    let ledger = club.read("ledger.csv");
    std::fs::write(club.path("ledger.csv"), format!("{ledger}garbage,row\n")).unwrap();
    club.refused(&grant, 3, "ledger.csv");
    std::fs::write(club.path("ledger.csv"), &ledger).unwrap();
    // A staff row listed twice.
    let s = club.staff("Wang", "sales");
    let staff = club.read("staff.csv");
    let row = staff
        .lines()
        .find(|l| l.starts_with(&s))
        .unwrap()
        .to_string();
    std::fs::write(club.path("staff.csv"), format!("{staff}{row}\n")).unwrap();
    club.refused(
        &["staff", "add", "--name", "Li", "--role", "sales"],
        3,
        "also on line",
    );
    club.refused(&["staff", "list"], 3, "also on line");
}

#[test]
fn control_characters_are_refused_on_the_command_line() {
    let club = TestClub::new();
    club.refused(
        &[
            "member",
            "add",
            "--name",
            "Ann\u{1b}[2J",
            "--phone",
            "13800000001",
        ],
        2,
        "U+001B",
    );
    club.refused(
        &[
            "member",
            "add",
            "--name",
            "Ann\nM000099 Fake",
            "--phone",
            "13800000001",
        ],
        2,
        "U+000A",
    );
    let mut c = club.cmd(&["member", "list"]);
    c.env("CLUBCTL_OPERATOR", "office\u{7}");
    let out = c.output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn control_characters_from_a_hand_edited_file_are_shown_escaped() {
    let club = TestClub::new();
    let a = club.active_member("Ann", "13800000001");
    let members = club.read("members/M000.csv");
    std::fs::write(
        club.path("members/M000.csv"),
        members.replacen("Ann", "Ann\u{1b}[31m", 1),
    )
    .unwrap();
    let run = club.run(&["member", "show", &a]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stdout.contains('\u{1b}'), "{}", run.stdout);
    assert!(run.stdout.contains("\\u{1b}[31m"), "{}", run.stdout);
}

#[test]
fn an_import_row_with_a_control_character_is_a_problem_of_its_cell() {
    let club = TestClub::new();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("in.csv");
    std::fs::write(
        &file,
        "name,phone\n\"Ann\nBo\",13800000001\nCy\u{1b}[0m,13800000002\n",
    )
    .unwrap();
    let run = club.refused(
        &["member", "import", file.to_str().unwrap(), "--commit"],
        4,
        "U+000A",
    );
    assert!(run.stderr.contains("U+001B"), "{}", run.stderr);
}

/// Runs clubctl as a user who cannot write the data directory: as root
/// (which writes through permissions) the data directory is handed to
/// `nobody` and the command run as `nobody` through `setpriv`.
fn run_unprivileged(club: &TestClub, args: &[&str]) -> (i32, String, String) {
    let bin = assert_cmd::cargo::cargo_bin("clubctl");
    let is_root = unsafe_free_uid() == 0;
    let mut c = if is_root {
        let mut c = std::process::Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
            .arg(&bin);
        c
    } else {
        std::process::Command::new(&bin)
    };
    c.env_clear()
        .env("CLUBCTL_DATA", club.dir())
        .env("CLUBCTL_TODAY", &club.today)
        .env("CLUBCTL_OPERATOR", &club.operator)
        .args(args);
    let out = c.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The real uid, read from /proc (the tests avoid `unsafe`).
fn unsafe_free_uid() -> u32 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("Uid:"))
        .and_then(|l| l.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(u32::MAX)
}

#[test]
fn readers_work_on_a_read_only_directory_and_writers_are_refused() {
    let club = TestClub::new();
    let a = club.active_member("Ann", "13800000001");
    std::fs::remove_file(club.path("clubctl.lock")).unwrap();
    if unsafe_free_uid() == 0 {
        let parent = club.dir().parent().unwrap();
        std::fs::set_permissions(parent, std::fs::Permissions::from_mode(0o711)).unwrap();
        fn give_away(dir: &std::path::Path) {
            for e in std::fs::read_dir(dir).unwrap() {
                let p = e.unwrap().path();
                std::os::unix::fs::chown(&p, Some(65534), Some(65534)).unwrap();
                if p.is_dir() {
                    give_away(&p);
                }
            }
        }
        give_away(club.dir());
        std::os::unix::fs::chown(club.dir(), Some(65534), Some(65534)).unwrap();
    }
    std::fs::set_permissions(club.dir(), std::fs::Permissions::from_mode(0o500)).unwrap();
    let before = club.snapshot();
    let (code, stdout, stderr) = run_unprivileged(&club, &["member", "show", &a]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("Ann"), "{stdout}");
    assert!(stderr.contains("without a lock"), "{stderr}");
    let (code, _, stderr) = run_unprivileged(
        &club,
        &["points", "grant", &a, "--points", "5", "--reason", "x"],
    );
    assert_eq!(code, 3, "{stderr}");
    assert!(stderr.contains("read-only"), "{stderr}");
    assert_eq!(club.snapshot(), before);
    std::fs::set_permissions(club.dir(), std::fs::Permissions::from_mode(0o700)).unwrap();
}

#[test]
fn an_event_capacity_below_zero_in_the_file_is_bad_data() {
    let club = TestClub::new();
    let e = club.ok(&[
        "event",
        "plan",
        "--title",
        "Tasting",
        "--date",
        "2026-12-05",
        "--capacity",
        "8",
    ]);
    let events = club.read("events.csv");
    let edited = events.replacen(",8,", ",-1,", 1);
    assert_ne!(edited, events);
    std::fs::write(club.path("events.csv"), edited).unwrap();
    club.refused(&["data", "check"], 3, "events.csv:2");
    club.refused(&["event", "show", &e], 3, "events.csv:2");
}
