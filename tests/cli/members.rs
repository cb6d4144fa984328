//! Member, card and staff commands: each success path checked in the files
//! and the output, and each refusal checked for its exit code, its message
//! and unchanged files.

use crate::club::TestClub;

/// The row of the members table for `id`, split into fields (no field of
/// these tests holds a comma).
fn member_row(club: &TestClub, id: &str) -> Vec<String> {
    let text = club.table("members");
    let line = text
        .lines()
        .find(|l| l.starts_with(&format!("{id},")))
        .unwrap_or_else(|| panic!("no row for {id} in the members table:\n{text}"));
    line.split(',').map(str::to_string).collect()
}

/// One field of a member's row, by its header name.
fn field(club: &TestClub, id: &str, name: &str) -> String {
    let text = club.table("members");
    let header: Vec<&str> = text.lines().next().unwrap_or_default().split(',').collect();
    let i = header
        .iter()
        .position(|h| *h == name)
        .unwrap_or_else(|| panic!("no column {name} in the members table"));
    member_row(club, id)[i].clone()
}

/// Lines of a journal after its header.
fn lines(club: &TestClub, file: &str) -> Vec<String> {
    club.read(file)
        .lines()
        .skip(1)
        .map(str::to_string)
        .collect()
}

/// Audit lines whose action is `action`.
fn audit_lines(club: &TestClub, action: &str) -> Vec<String> {
    lines(club, "audit.csv")
        .into_iter()
        .filter(|l| l.contains(&format!(",{action},")))
        .collect()
}

/// A `--dry-run` of `args` succeeds, says what it would do, and writes
/// nothing at all.
fn dry_run(club: &TestClub, args: &[&str], says: &str) -> String {
    let before = club.snapshot();
    let mut full = vec!["--dry-run"];
    full.extend_from_slice(args);
    let run = club.run(&full);
    assert_eq!(run.code, 0, "dry run of {args:?} failed:\n{}", run.stderr);
    assert!(
        run.stderr.contains("dry run") && run.stderr.contains(says),
        "dry run of {args:?} should say {says:?}:\n{}",
        run.stderr
    );
    assert!(
        club.snapshot() == before,
        "dry run of {args:?} changed the data directory"
    );
    run.stdout
}

/// Ids in a CSV listing's first column, header row left out.
fn ids(csv: &str) -> Vec<String> {
    csv.lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap_or_default().to_string())
        .collect()
}

fn list(club: &TestClub, filters: &[&str]) -> Vec<String> {
    let mut args = vec!["member", "list", "--format", "csv"];
    args.extend_from_slice(filters);
    ids(&club.ok(&args))
}

// ---------------------------------------------------------------- init

#[test]
fn init_creates_a_private_directory_that_passes_check() {
    let club = TestClub::new();
    for f in [
        "club.toml",
        "manifest.toml",
        "staff.csv",
        "ledger.csv",
        "audit.csv",
    ] {
        assert!(club.path(f).is_file(), "init did not create {f}");
    }
    // A sharded table starts as an empty directory: its first row makes
    // its first shard, with the header.
    for table in ["members", "cards", "balances"] {
        assert!(club.path(table).is_dir(), "init did not create {table}/");
        assert_eq!(club.shards(table), Vec::<String>::new(), "{table}/");
    }
    assert!(club.read("club.toml").contains("term_months = 12"));
    club.check();
    #[cfg(unix)]
    assert_private(club.dir());
}

/// The data directory and every directory in it are mode 0700, every file
/// 0600: members' names, phones and birthdays are personal data.
#[cfg(unix)]
fn assert_private(dir: &std::path::Path) {
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(dir), 0o700, "{} is not private", dir.display());
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            assert_private(&p);
        } else {
            assert_eq!(mode(&p), 0o600, "{} is not private", p.display());
        }
    }
}

#[test]
fn init_names_the_club() {
    let tmp = tempfile::tempdir().unwrap();
    let club = TestClub::new();
    let dir = tmp.path().join("golf");
    club.ok(&[
        "init",
        dir.to_str().unwrap(),
        "--name",
        "Lakeside \"Golf\" 湖畔",
    ]);
    let toml = std::fs::read_to_string(dir.join("club.toml")).unwrap();
    let v: toml::Value = toml::from_str(&toml).unwrap();
    assert_eq!(
        v["club"]["name"].as_str(),
        Some("Lakeside \"Golf\" 湖畔"),
        "{toml}"
    );
}

#[test]
fn init_refuses_a_directory_that_is_not_empty() {
    let club = TestClub::new();
    let dir = club.dir().to_str().unwrap().to_string();
    club.refused(&["init", &dir], 3, "not empty");
}

#[test]
fn init_dry_run_creates_nothing() {
    let club = TestClub::new();
    let target = club.dir().with_file_name("other");
    let run = club.run(&["--dry-run", "init", target.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("would create"), "{}", run.stderr);
    assert!(!target.exists());
}

#[test]
fn files_written_by_commands_stay_private() {
    let club = TestClub::new();
    let id = club.active_member("A", "13800000001");
    club.ok(&["member", "renew", &id, "--paid", "100"]);
    #[cfg(unix)]
    assert_private(club.dir());
}

// ---------------------------------------------------------------- add

#[test]
fn add_then_approve_issues_a_card_and_passes_check() {
    let club = TestClub::new();
    let id = club.ok(&[
        "member",
        "add",
        "--name",
        "王小明",
        "--phone",
        "+86 138 1234 5678",
    ]);
    assert_eq!(id, "M000001");
    let card = club.ok(&["member", "approve", &id]);
    assert_eq!(card, "VIP000001");
    assert!(club.read("members/M000.csv").starts_with("id,name,phone,"));
    assert!(club.read("cards/VIP000.csv").starts_with("number,member,"));
    assert!(club.table("members").contains("M000001,王小明,13812345678"));
    club.check();
}

#[test]
fn add_prints_the_id_alone_and_records_every_field() {
    let mut club = TestClub::new();
    let sales = club.staff("李娜", "sales");
    let referrer = club.active_member("Referrer", "13800000009");
    club.on("2026-11-26");
    let run = club.run(&[
        "member",
        "add",
        "--name",
        "ACME 有限公司",
        "--phone",
        "0086 139-0000-0001",
        "--email",
        "office@acme.example",
        "--gender",
        "other",
        "--birthday",
        "2000-02-29",
        "--kind",
        "organization",
        "--nominee",
        "张三",
        "--referrer",
        &referrer,
        "--source",
        "referral",
        "--sales",
        &sales,
        "--note",
        "met at the open day",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "M000002\n", "the id alone on stdout");
    assert!(run.stderr.contains("pending"), "{}", run.stderr);
    assert_eq!(
        member_row(&club, "M000002"),
        [
            "M000002",
            "ACME 有限公司",
            "13900000001",
            "office@acme.example",
            "other",
            "2000-02-29",
            "organization",
            "张三",
            "M000001",
            "referral",
            "S01",
            "pending",
            "basic",
            "",
            "2026-11-26",
            "",
            "",
            "2026-11-26",
            "",
            "met at the open day",
        ]
    );
    let audit = audit_lines(&club, "member add");
    assert_eq!(audit.len(), 2);
    assert!(audit[1].contains("2026-11-26,office,M000002,member add,"));
    assert!(audit[1].contains("phone:  → 13900000001"), "{}", audit[1]);
    club.check();
}

#[test]
fn phone_spellings_are_normalised_before_comparing() {
    let club = TestClub::new();
    let id = club.ok(&[
        "member",
        "add",
        "--name",
        "A",
        "--phone",
        "+86 138-1234-5678",
    ]);
    assert_eq!(field(&club, &id, "phone"), "13812345678");
    for spelling in [
        "13812345678",
        "138 1234 5678",
        "0086-138-1234-5678",
        "+8613812345678",
    ] {
        club.refused(
            &["member", "add", "--name", "B", "--phone", spelling],
            4,
            "already held by pending member M000001",
        );
    }
}

#[test]
fn add_refusals() {
    let club = TestClub::new();
    club.active_member("A", "13800000001");
    club.refused(
        &["member", "add", "--name", "B", "--phone", "138-0000-0001"],
        4,
        "M000001",
    );
    club.refused(
        &[
            "member",
            "add",
            "--name",
            "ACME",
            "--phone",
            "13800000002",
            "--kind",
            "organization",
        ],
        4,
        "needs a nominee",
    );
    club.refused(
        &[
            "member",
            "add",
            "--name",
            "B",
            "--phone",
            "13800000002",
            "--referrer",
            "M000099",
        ],
        5,
        "M000099",
    );
    club.refused(
        &[
            "member",
            "add",
            "--name",
            "B",
            "--phone",
            "13800000002",
            "--sales",
            "S09",
        ],
        5,
        "no staff member S09",
    );
    club.refused(
        &["member", "add", "--name", "B", "--phone", "call me"],
        2,
        "not a phone number",
    );
    club.refused(
        &["member", "add", "--name", "  ", "--phone", "13800000002"],
        2,
        "name must not be empty",
    );
    club.refused(
        &[
            "member",
            "add",
            "--name",
            "B",
            "--phone",
            "13800000002",
            "--birthday",
            "2026-11-26",
        ],
        2,
        "after today",
    );
    club.refused(
        &[
            "member",
            "add",
            "--name",
            "B",
            "--phone",
            "13800000002",
            "--birthday",
            "2026-02-30",
        ],
        2,
        "--birthday",
    );
    club.refused(
        &[
            "member",
            "add",
            "--name",
            "B",
            "--phone",
            "13800000002",
            "--gender",
            "x",
        ],
        2,
        "--gender",
    );
}

#[test]
fn add_without_a_terminal_never_prompts_for_missing_fields() {
    let club = TestClub::new();
    // stdin is not a terminal here: a missing field is a usage error at
    // once, and nothing waits for input.
    let run = club.refused(
        &["member", "add", "--phone", "13800000001"],
        2,
        "--name is required",
    );
    assert!(!run.stderr.contains("Name (姓名)"), "{}", run.stderr);
    club.refused(&["member", "add", "--name", "A"], 2, "--phone is required");
}

#[test]
fn an_expelled_members_phone_is_barred_for_good() {
    let club = TestClub::new();
    let id = club.active_member("A", "13800000001");
    club.ok(&["member", "expel", &id, "--reason", "fraud"]);
    assert_eq!(field(&club, &id, "status"), "expelled");
    assert_eq!(field(&club, &id, "reason"), "fraud");
    club.refused(
        &[
            "member",
            "add",
            "--name",
            "A again",
            "--phone",
            "+86 138 0000 0001",
        ],
        4,
        "expelled member M000001",
    );
    club.check();
}

#[test]
fn an_exited_or_rejected_members_phone_is_free_again() {
    let club = TestClub::new();
    let a = club.active_member("A", "13800000001");
    club.ok(&["member", "exit", &a]);
    let b = club.ok(&["member", "add", "--name", "B", "--phone", "13800000001"]);
    club.ok(&["member", "reject", &b, "--reason", "incomplete form"]);
    let c = club.ok(&["member", "add", "--name", "C", "--phone", "13800000001"]);
    assert_eq!(c, "M000003");
    club.check();
}

// ---------------------------------------------------------------- approve

#[test]
fn approve_issues_cards_in_sequence_and_starts_the_term() {
    let club = TestClub::new();
    let a = club.ok(&["member", "add", "--name", "A", "--phone", "13800000001"]);
    let b = club.ok(&["member", "add", "--name", "B", "--phone", "13800000002"]);
    let c = club.ok(&["member", "add", "--name", "C", "--phone", "13800000003"]);
    assert_eq!(club.ok(&["member", "approve", &b]), "VIP000001");
    assert_eq!(
        club.ok(&["member", "approve", &a, "--card", "VIP000050"]),
        "VIP000050"
    );
    assert_eq!(club.ok(&["member", "approve", &c]), "VIP000051");
    assert_eq!(field(&club, &a, "status"), "active");
    assert_eq!(field(&club, &a, "card"), "VIP000050");
    assert_eq!(field(&club, &a, "joined"), "2026-11-25");
    // The last day the year covers: the next term would start 2027-11-25.
    assert_eq!(field(&club, &a, "expires"), "2027-11-24");
    assert!(club
        .table("cards")
        .contains("VIP000050,M000001,active,2026-11-25,,\n"));
    // The default dues are 0: nothing in the ledger.
    assert!(lines(&club, "ledger.csv").is_empty());
    assert_eq!(audit_lines(&club, "card issue").len(), 3);
    assert!(audit_lines(&club, "member approve")[0].contains("status: pending → active"));
    club.check();
}

#[test]
fn approve_on_the_last_day_of_a_month_clamps_the_expiry() {
    let mut club = TestClub::new();
    club.on("2028-02-29");
    let id = club.active_member("A", "13800000001");
    assert_eq!(field(&club, &id, "expires"), "2029-02-28");
}

#[test]
fn approve_paid_records_dues_in_the_ledger() {
    let club = TestClub::new();
    let id = club.ok(&["member", "add", "--name", "A", "--phone", "13800000001"]);
    club.ok(&["member", "approve", &id, "--paid", "1280.50"]);
    assert_eq!(
        lines(&club, "ledger.csv"),
        ["T00000001,2026-11-25,dues,M000001,1280.50,0,,office,12 months"]
    );
    club.check();
}

#[test]
fn approve_refusals() {
    let club = TestClub::new();
    let a = club.active_member("A", "13800000001");
    let b = club.ok(&["member", "add", "--name", "B", "--phone", "13800000002"]);
    club.refused(
        &["member", "approve", &b, "--card", "VIP000001"],
        4,
        "already issued to M000001",
    );
    club.refused(&["member", "approve", &a], 4, "the member is active");
    club.refused(&["member", "approve", "M000099"], 5, "no member M000099");
    club.refused(
        &["member", "approve", &b, "--paid", "12.345"],
        2,
        "not an amount",
    );
    club.refused(
        &["member", "approve", &b, "--card", ""],
        4,
        "must not be empty",
    );
}

// ---------------------------------------------------------------- reject

#[test]
fn reject_records_the_reason() {
    let mut club = TestClub::new();
    let id = club.ok(&["member", "add", "--name", "A", "--phone", "13800000001"]);
    club.on("2026-11-27");
    club.ok(&["member", "reject", &id, "--reason", "no references"]);
    assert_eq!(field(&club, &id, "status"), "rejected");
    assert_eq!(field(&club, &id, "reason"), "no references");
    assert_eq!(field(&club, &id, "since"), "2026-11-27");
    assert!(audit_lines(&club, "member reject")[0].contains("status: pending → rejected"));
    club.refused(
        &["member", "reject", &id, "--reason", "again"],
        4,
        "the member is rejected",
    );
    club.refused(&["member", "approve", &id], 4, "approve needs pending");
    club.check();
}

#[test]
fn reject_needs_a_reason() {
    let club = TestClub::new();
    let id = club.ok(&["member", "add", "--name", "A", "--phone", "13800000001"]);
    club.refused(
        &["member", "reject", &id, "--reason", " "],
        2,
        "reason must not be empty",
    );
    club.refused(&["member", "reject", &id], 2, "--reason");
}

// ---------------------------------------------------------------- renew

#[test]
fn renew_from_active_adds_to_the_expiry() {
    let mut club = TestClub::new();
    let id = club.active_member("A", "13800000001");
    club.on("2027-11-24"); // the day of expiry: the next term follows on
    club.ok(&["member", "renew", &id, "--paid", "300"]);
    assert_eq!(field(&club, &id, "expires"), "2028-11-24");
    assert_eq!(
        lines(&club, "ledger.csv"),
        ["T00000001,2027-11-24,dues,M000001,300.00,0,,office,12 months"]
    );
    // Six more months start 2028-11-25 and cover up to 2029-05-24.
    club.ok(&["member", "renew", &id, "--months", "6"]);
    assert_eq!(field(&club, &id, "expires"), "2029-05-24");
    assert!(audit_lines(&club, "member renew")[1].contains("expires: 2028-11-24 → 2029-05-24"));
    club.check();
}

#[test]
fn renew_from_grace_and_expired_starts_from_today() {
    let mut club = TestClub::new();
    let a = club.active_member("A", "13800000001");
    let b = club.active_member("B", "13800000002");
    club.on("2027-12-01");
    club.ok(&["member", "sweep"]);
    assert_eq!(field(&club, &a, "status"), "grace");
    club.ok(&["member", "renew", &a]);
    assert_eq!(field(&club, &a, "status"), "active");
    // A new year from today, 2027-12-01, up to the day before its anniversary.
    assert_eq!(field(&club, &a, "expires"), "2028-11-30");

    club.on("2028-01-10");
    club.ok(&["member", "sweep"]);
    assert_eq!(field(&club, &b, "status"), "expired");
    club.ok(&["member", "renew", &b]);
    assert_eq!(field(&club, &b, "status"), "active");
    assert_eq!(field(&club, &b, "since"), "2028-01-10");
    assert_eq!(field(&club, &b, "expires"), "2029-01-09");
    club.check();
}

#[test]
fn renew_is_refused_from_frozen_exited_pending_rejected_and_expelled() {
    let club = TestClub::new();
    let frozen = club.active_member("F", "13800000001");
    club.ok(&["member", "freeze", &frozen, "--reason", "arrears"]);
    let exited = club.active_member("X", "13800000002");
    club.ok(&["member", "exit", &exited]);
    let pending = club.ok(&["member", "add", "--name", "P", "--phone", "13800000003"]);
    let rejected = club.ok(&["member", "add", "--name", "R", "--phone", "13800000004"]);
    club.ok(&["member", "reject", &rejected, "--reason", "no"]);
    let expelled = club.active_member("E", "13800000005");
    club.ok(&["member", "expel", &expelled, "--reason", "fraud"]);
    club.refused(&["member", "renew", &frozen], 4, "unfrozen first");
    club.refused(&["member", "renew", &exited], 4, "the member is exited");
    club.refused(&["member", "renew", &pending], 4, "the member is pending");
    club.refused(&["member", "renew", &rejected], 4, "the member is rejected");
    club.refused(&["member", "renew", &expelled], 4, "the member is expelled");
    let active = club.active_member("A", "13800000006");
    club.refused(
        &["member", "renew", &active, "--months", "0"],
        2,
        "at least 1",
    );
    club.refused(&["member", "renew", "M000099"], 5, "no member M000099");
}

#[test]
fn an_expired_member_cannot_renew_onto_a_phone_someone_else_now_holds() {
    let mut club = TestClub::new();
    let a = club.active_member("A", "13800000001");
    club.on("2028-02-01");
    club.ok(&["member", "sweep"]);
    assert_eq!(field(&club, &a, "status"), "expired");
    // The expired member does not hold the phone; a newcomer takes it.
    club.ok(&["member", "add", "--name", "B", "--phone", "13800000001"]);
    club.refused(
        &["member", "renew", &a],
        4,
        "already held by pending member M000002",
    );
}

// ---------------------------------------------------------------- freeze

#[test]
fn freeze_and_unfreeze() {
    let mut club = TestClub::new();
    let id = club.active_member("A", "13800000001");
    club.ok(&["member", "freeze", &id, "--reason", "dispute"]);
    assert_eq!(field(&club, &id, "status"), "frozen");
    assert_eq!(field(&club, &id, "reason"), "dispute");
    club.refused(
        &["member", "freeze", &id, "--reason", "again"],
        4,
        "the member is frozen",
    );
    club.on("2026-12-01");
    club.ok(&["member", "unfreeze", &id]);
    assert_eq!(field(&club, &id, "status"), "active");
    assert_eq!(field(&club, &id, "reason"), "");
    assert_eq!(field(&club, &id, "since"), "2026-12-01");
    club.refused(&["member", "unfreeze", &id], 4, "unfreeze needs frozen");
    club.check();
}

#[test]
fn unfreeze_after_the_term_ran_out_lands_in_grace_or_expired() {
    let mut club = TestClub::new();
    let a = club.active_member("A", "13800000001");
    let b = club.active_member("B", "13800000002");
    club.ok(&["member", "freeze", &a, "--reason", "dispute"]);
    club.ok(&["member", "freeze", &b, "--reason", "dispute"]);
    club.on("2027-12-24"); // last day of grace for a term ending 2027-11-24
    club.ok(&["member", "unfreeze", &a]);
    assert_eq!(field(&club, &a, "status"), "grace");
    club.on("2027-12-25");
    club.ok(&["member", "unfreeze", &b]);
    assert_eq!(field(&club, &b, "status"), "expired");
    club.check();
}

#[test]
fn freeze_refusals() {
    let club = TestClub::new();
    let pending = club.ok(&["member", "add", "--name", "P", "--phone", "13800000001"]);
    club.refused(
        &["member", "freeze", &pending, "--reason", "x"],
        4,
        "freeze needs active or grace",
    );
    let a = club.active_member("A", "13800000002");
    club.refused(
        &["member", "freeze", &a, "--reason", ""],
        2,
        "reason must not be empty",
    );
    club.refused(&["member", "unfreeze", "M000099"], 5, "no member M000099");
}

// ---------------------------------------------------------------- exit

#[test]
fn exit_with_no_points_writes_no_forfeit_entry() {
    let club = TestClub::new();
    let id = club.active_member("A", "13800000001");
    let run = club.run(&["member", "exit", &id, "--reason", "moved away"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("0 points forfeited"), "{}", run.stderr);
    assert_eq!(field(&club, &id, "status"), "exited");
    assert_eq!(field(&club, &id, "reason"), "moved away");
    assert!(lines(&club, "ledger.csv").is_empty());
    club.refused(&["member", "exit", &id], 4, "the member is exited");
    club.check();
}

#[test]
fn exit_forfeits_a_positive_points_balance() {
    let club = TestClub::new();
    let id = club.active_member("A", "13800000001");
    club.ok(&[
        "points", "grant", &id, "--points", "120", "--reason", "sign-in",
    ]);
    club.check();
    let run = club.run(&["member", "exit", &id]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("120 points forfeited"),
        "{}",
        run.stderr
    );
    assert_eq!(
        lines(&club, "ledger.csv")[1],
        "T00000002,2026-11-25,forfeit,M000001,0.00,-120,,office,member exit"
    );
    let show = club.ok(&["member", "show", &id, "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&show).unwrap();
    assert_eq!(v["points"], 0);
    club.check();
}

#[test]
fn expel_forfeits_points_too() {
    let club = TestClub::new();
    let id = club.active_member("A", "13800000001");
    club.ok(&[
        "points", "grant", &id, "--points", "7", "--reason", "sign-in",
    ]);
    club.ok(&["member", "expel", &id, "--reason", "fraud"]);
    assert_eq!(
        lines(&club, "ledger.csv")[1],
        "T00000002,2026-11-25,forfeit,M000001,0.00,-7,,office,member expel"
    );
}

#[test]
fn expel_refusals() {
    let club = TestClub::new();
    let r = club.ok(&["member", "add", "--name", "R", "--phone", "13800000001"]);
    club.ok(&["member", "reject", &r, "--reason", "no"]);
    club.refused(
        &["member", "expel", &r, "--reason", "x"],
        4,
        "the member is rejected",
    );
    let a = club.active_member("A", "13800000002");
    club.refused(
        &["member", "expel", &a, "--reason", ""],
        2,
        "reason must not be empty",
    );
    club.ok(&["member", "expel", &a, "--reason", "fraud"]);
    club.refused(
        &["member", "expel", &a, "--reason", "x"],
        4,
        "the member is expelled",
    );
}

#[test]
fn an_exited_member_may_still_be_expelled() {
    let club = TestClub::new();
    let a = club.active_member("A", "13800000001");
    club.ok(&["member", "exit", &a]);
    club.ok(&["member", "expel", &a, "--reason", "fraud found later"]);
    club.refused(
        &["member", "add", "--name", "A", "--phone", "13800000001"],
        4,
        "expelled",
    );
    club.check();
}

// ---------------------------------------------------------------- restore

#[test]
fn restore_needs_an_active_manager_or_director() {
    let mut club = TestClub::new();
    let sales = club.staff("Li", "sales");
    let manager = club.staff("Wang", "manager");
    let gone = club.staff("Zhao", "manager");
    let director = club.staff("Qian", "director");
    club.ok(&["staff", "deactivate", &gone]);
    let a = club.active_member("A", "13800000001");
    club.ok(&["member", "expel", &a, "--reason", "fraud"]);

    club.refused(
        &["member", "restore", &a, "--reason", "appeal"],
        4,
        "not in staff.csv",
    );
    club.as_operator(&sales);
    club.refused(
        &["member", "restore", &a, "--reason", "appeal"],
        4,
        "is sales",
    );
    club.as_operator(&gone);
    club.refused(
        &["member", "restore", &a, "--reason", "appeal"],
        4,
        "no longer active",
    );

    club.as_operator(&manager);
    club.on("2026-12-10");
    club.ok(&["member", "restore", &a, "--reason", "appeal upheld"]);
    assert_eq!(field(&club, &a, "status"), "active");
    assert_eq!(field(&club, &a, "reason"), "appeal upheld");
    assert_eq!(
        field(&club, &a, "expires"),
        "2027-11-24",
        "a future expiry is kept"
    );
    let audit = audit_lines(&club, "member restore");
    assert!(
        audit[0].contains(&format!(",{manager},M000001,")),
        "{}",
        audit[0]
    );
    assert!(
        audit[0].contains("status: expelled → active"),
        "{}",
        audit[0]
    );

    // A director may too; an expiry in the past starts a fresh term.
    club.ok(&["member", "exit", &a]);
    club.as_operator(&director);
    club.on("2028-03-01");
    club.ok(&["member", "restore", &a, "--reason", "came back"]);
    // A year from 2028-03-01 covers up to the end of February 2029.
    assert_eq!(field(&club, &a, "expires"), "2029-02-28");
    club.check();
}

#[test]
fn restore_refusals() {
    let mut club = TestClub::new();
    let manager = club.staff("Wang", "manager");
    club.as_operator(&manager);
    let a = club.active_member("A", "13800000001");
    club.refused(
        &["member", "restore", &a, "--reason", "x"],
        4,
        "restore needs exited or expelled",
    );
    club.ok(&["member", "exit", &a]);
    club.refused(
        &["member", "restore", &a, "--reason", " "],
        2,
        "reason must not be empty",
    );
    // The phone was taken while the member was gone.
    club.ok(&["member", "add", "--name", "B", "--phone", "13800000001"]);
    club.refused(
        &["member", "restore", &a, "--reason", "appeal"],
        4,
        "M000002",
    );
    club.refused(
        &["member", "restore", "M000099", "--reason", "x"],
        5,
        "no member M000099",
    );
}

// ---------------------------------------------------------------- update

#[test]
fn update_keeps_old_and_new_values_in_the_audit_trail() {
    let club = TestClub::new();
    let sales = club.staff("Li", "sales");
    let r = club.active_member("Referrer", "13800000009");
    let id = club.active_member("Old Name", "13800000001");
    club.ok(&[
        "member",
        "update",
        &id,
        "--name",
        "New Name",
        "--phone",
        "139 0000 0001",
        "--email",
        "a@b.example",
        "--birthday",
        "1985-06-01",
        "--referrer",
        &r,
        "--sales",
        &sales,
    ]);
    assert_eq!(field(&club, &id, "name"), "New Name");
    assert_eq!(field(&club, &id, "phone"), "13900000001");
    let audit = audit_lines(&club, "member update");
    assert_eq!(audit.len(), 1);
    for change in [
        "name: Old Name → New Name",
        "phone: 13800000001 → 13900000001",
        "email:  → a@b.example",
        "birthday:  → 1985-06-01",
        "referrer:  → M000001",
        "sales:  → S01",
    ] {
        assert!(
            audit[0].contains(change),
            "{change} missing in {}",
            audit[0]
        );
    }
    // The old phone is free now.
    club.ok(&["member", "add", "--name", "C", "--phone", "13800000001"]);
    let show = club.ok(&["member", "show", &id, "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&show).unwrap();
    let history = v["history"].as_array().unwrap();
    assert!(history.iter().any(|h| h["action"] == "member update"
        && h["changes"]
            .as_str()
            .unwrap()
            .contains("Old Name → New Name")));
    club.check();
}

#[test]
fn update_refusals() {
    let club = TestClub::new();
    let a = club.active_member("A", "13800000001");
    let b = club.active_member("B", "13800000002");
    club.refused(
        &["member", "update", &b, "--phone", "+86 13800000001"],
        4,
        "already held by active member M000001",
    );
    club.refused(
        &["member", "update", &b, "--name", "B"],
        2,
        "nothing to change",
    );
    club.refused(&["member", "update", &b], 2, "nothing to change");
    club.refused(
        &["member", "update", &b, "--referrer", &b],
        4,
        "own referrer",
    );
    club.refused(
        &["member", "update", &b, "--referrer", "M000099"],
        5,
        "M000099",
    );
    club.refused(
        &["member", "update", &b, "--sales", "S09"],
        5,
        "no staff member S09",
    );
    club.refused(
        &["member", "update", &b, "--kind", "organization"],
        4,
        "needs a nominee",
    );
    club.refused(
        &["member", "update", &b, "--phone", "x"],
        2,
        "not a phone number",
    );
    club.refused(
        &["member", "update", &b, "--birthday", "2027-01-01"],
        2,
        "after today",
    );
    club.refused(
        &["member", "update", "M000099", "--name", "Z"],
        5,
        "no member M000099",
    );
    club.ok(&["member", "expel", &a, "--reason", "fraud"]);
    club.refused(
        &["member", "update", &b, "--phone", "13800000001"],
        4,
        "expelled member M000001",
    );
}

// ---------------------------------------------------------------- show

#[test]
fn show_in_every_format() {
    let club = TestClub::new();
    let id = club.active_member("王小明", "13800000001");
    club.ok(&["card", "lost", &id]);
    let table = club.run(&["member", "show", &id]);
    assert_eq!(table.code, 0);
    for needle in [
        "王小明",
        "13800000001",
        "active (正常)",
        "VIP000001",
        "lost",
        "member approve",
        "card lost",
    ] {
        assert!(
            table.stdout.contains(needle),
            "{needle} missing:\n{}",
            table.stdout
        );
    }

    let csv = club.ok(&["member", "show", &id, "--format", "csv"]);
    let mut rows = csv.lines();
    let header = rows.next().unwrap();
    assert!(
        header.starts_with("id,name,phone,email,gender,birthday,kind,"),
        "{header}"
    );
    assert!(header.contains(",points,wallet,"), "{header}");
    assert!(rows
        .next()
        .unwrap()
        .starts_with("M000001,王小明,13800000001,"));
    assert!(rows.next().is_none(), "one record");

    let json = club.ok(&["member", "show", &id, "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["id"], "M000001");
    assert_eq!(v["card"], "VIP000001");
    assert_eq!(v["expires"], "2027-11-24");
    assert_eq!(v["points"], 0);
    assert_eq!(v["wallet"], "0.00");
    assert_eq!(v["cards"][0]["status"], "lost");
    assert_eq!(v["cards"][0]["lost_on"], "2026-11-25");
    let actions: Vec<&str> = v["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        ["member add", "card issue", "member approve", "card lost"]
    );
    club.refused(&["member", "show", "M000099"], 5, "no member M000099");
}

#[test]
fn show_history_is_only_that_members() {
    let club = TestClub::new();
    let a = club.active_member("A", "13800000001");
    club.active_member("B", "13800000002");
    let v: serde_json::Value =
        serde_json::from_str(&club.ok(&["member", "show", &a, "--format", "json"])).unwrap();
    assert_eq!(v["history"].as_array().unwrap().len(), 3);
}

// ---------------------------------------------------------------- list

#[test]
fn list_formats() {
    let club = TestClub::new();
    club.active_member("王小明", "13800000001");
    club.ok(&[
        "member",
        "add",
        "--name",
        "=HYPERLINK(\"x\")",
        "--phone",
        "13800000002",
    ]);
    let csv = club.ok(&["member", "list", "--format", "csv"]);
    let mut rows = csv.lines();
    assert_eq!(
        rows.next().unwrap(),
        "id,name,phone,gender,birthday,kind,status,tier,card,joined,expires,sales"
    );
    assert_eq!(
        rows.next().unwrap(),
        "M000001,王小明,13800000001,,,individual,active,basic,VIP000001,2026-11-25,2027-11-24,"
    );
    // A formula typed as a name is neutralised in CSV, raw in the data.
    assert!(rows
        .next()
        .unwrap()
        .starts_with("M000002,\"'=HYPERLINK(\"\"x\"\")\","));
    assert!(club.table("members").contains("M000002,\"=HYPERLINK("));

    let json = club.ok(&["member", "list", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let arr = v.as_array().expect("a JSON array");
    assert_eq!(arr.len(), 2);
    assert_eq!(arr[0]["name"], "王小明");
    assert_eq!(arr[1]["status"], "pending");

    let table = club.ok(&["member", "list"]);
    assert!(
        table.contains("王小明") && table.contains("M000002"),
        "{table}"
    );

    // An empty result: CSV still has its header, JSON is an empty array.
    let csv = club.ok(&["member", "list", "--format", "csv", "--status", "frozen"]);
    assert_eq!(csv.lines().count(), 1);
    assert_eq!(
        club.ok(&["member", "list", "--format", "json", "--status", "frozen"]),
        "[]"
    );
}

#[test]
fn list_filters_by_status_repeated_and_tier() {
    let club = TestClub::new();
    let a = club.active_member("A", "13800000001");
    let p = club.ok(&["member", "add", "--name", "P", "--phone", "13800000002"]);
    let f = club.active_member("F", "13800000003");
    club.ok(&["member", "freeze", &f, "--reason", "x"]);
    assert_eq!(list(&club, &["--status", "pending"]), [p.as_str()]);
    assert_eq!(
        list(&club, &["--status", "pending", "--status", "frozen"]),
        [p, f]
    );
    assert_eq!(
        list(&club, &["--status", "active", "--tier", "basic"]),
        [a.as_str()]
    );
    assert!(list(&club, &["--tier", "gold"]).is_empty());
    club.refused(
        &["member", "list", "--tier", "diamond"],
        2,
        "no tier 'diamond'",
    );
    club.refused(&["member", "list", "--status", "asleep"], 2, "--status");
}

#[test]
fn list_expiring_within_counts_whole_days() {
    let mut club = TestClub::new();
    let a = club.active_member("A", "13800000001"); // expires 2027-11-24
    club.on("2026-12-01");
    club.active_member("B", "13800000002"); // expires 2027-11-30
    club.ok(&["member", "add", "--name", "P", "--phone", "13800000003"]);
    club.on("2027-11-15");
    assert_eq!(list(&club, &["--expiring-within", "9"]), [a.as_str()]);
    assert!(list(&club, &["--expiring-within", "8"]).is_empty());
    assert_eq!(list(&club, &["--expiring-within", "15"]).len(), 2);
    // A member in grace has already passed expiry, and counts; B's last
    // day is tomorrow.
    club.on("2027-11-29");
    club.ok(&["member", "sweep"]);
    assert_eq!(list(&club, &["--expiring-within", "0"]), [a.as_str()]);
}

#[test]
fn list_birthdays_wrap_the_year_end() {
    let mut club = TestClub::new();
    let add = |name: &str, phone: &str, born: &str| {
        club.ok(&[
            "member",
            "add",
            "--name",
            name,
            "--phone",
            phone,
            "--birthday",
            born,
        ])
    };
    let jan3 = add("Jan3", "13800000001", "1980-01-03");
    let jan4 = add("Jan4", "13800000002", "1980-01-04");
    let _jan5 = add("Jan5", "13800000003", "1980-01-05");
    let dec28 = add("Dec28", "13800000004", "1990-12-28");
    let _dec27 = add("Dec27", "13800000005", "1990-12-27");
    club.ok(&["member", "add", "--name", "None", "--phone", "13800000006"]);
    club.on("2026-12-28");
    assert_eq!(
        list(&club, &["--birthday-within", "7"]),
        [jan3, jan4, dec28.clone()]
    );
    assert_eq!(list(&club, &["--birthday-within", "0"]), [dec28.as_str()]);
}

#[test]
fn list_a_29_february_birthday_falls_on_28_february_in_a_common_year() {
    let mut club = TestClub::new();
    let leap = club.ok(&[
        "member",
        "add",
        "--name",
        "Leap",
        "--phone",
        "13800000001",
        "--birthday",
        "1996-02-29",
    ]);
    let mar1 = club.ok(&[
        "member",
        "add",
        "--name",
        "Mar1",
        "--phone",
        "13800000002",
        "--birthday",
        "1996-03-01",
    ]);
    club.on("2027-02-28");
    assert_eq!(list(&club, &["--birthday-within", "0"]), [leap.as_str()]);
    assert_eq!(
        list(&club, &["--birthday-within", "1"]),
        [leap.clone(), mar1.clone()]
    );
    club.on("2027-02-21");
    assert_eq!(list(&club, &["--birthday-within", "7"]), [leap.as_str()]);
    assert!(list(&club, &["--birthday-within", "6"]).is_empty());
    // In a leap year it is 29 February again.
    club.on("2028-02-28");
    assert!(list(&club, &["--birthday-within", "0"]).is_empty());
    assert_eq!(list(&club, &["--birthday-within", "1"]), [leap.as_str()]);
}

#[test]
fn list_search_matches_name_phone_card_and_id() {
    let club = TestClub::new();
    let a = club.active_member("王小明", "13812345678");
    let b = club.active_member("Li Lei", "13900000002");
    assert_eq!(list(&club, &["--search", "小明"]), [a.as_str()]);
    assert_eq!(list(&club, &["--search", "li lei"]), [b.as_str()]);
    assert_eq!(list(&club, &["--search", "138 1234 5678"]), [a.as_str()]);
    assert_eq!(list(&club, &["--search", "+86 13812345678"]), [a.as_str()]);
    assert_eq!(list(&club, &["--search", "12345"]), [a.as_str()]);
    assert_eq!(
        list(&club, &["--search", "5678"]),
        [a.as_str()],
        "the last four digits"
    );
    assert_eq!(list(&club, &["--search", "0002"]), [b.as_str()]);
    assert_eq!(list(&club, &["--search", "VIP000002"]), [b.as_str()]);
    assert_eq!(list(&club, &["--search", "vip000001"]), [a.as_str()]);
    assert_eq!(list(&club, &["--search", "M000002"]), [b.as_str()]);
    assert!(list(&club, &["--search", "nobody"]).is_empty());
}

// ---------------------------------------------------------------- sweep

#[test]
fn sweep_moves_members_at_the_exact_edges() {
    let mut club = TestClub::new();
    let id = club.active_member("A", "13800000001"); // expires 2027-11-24, grace to 2027-12-24
    let frozen = club.active_member("F", "13800000002");
    club.ok(&["member", "freeze", &frozen, "--reason", "dispute"]);
    let quiet = |club: &TestClub| {
        let before = club.snapshot();
        let run = club.run(&["member", "sweep"]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert_eq!(
            (run.stdout.as_str(), run.stderr.as_str()),
            ("", ""),
            "a job with nothing to do is quiet"
        );
        assert!(
            club.snapshot() == before,
            "a sweep with nothing to do wrote"
        );
    };

    club.on("2027-11-24"); // the day of expiry, the last covered: still active
    quiet(&club);
    assert_eq!(field(&club, &id, "status"), "active");

    club.on("2027-11-25"); // the day after: grace
    let out = club.ok(&["member", "sweep", "--format", "csv"]);
    assert_eq!(
        out,
        "id,name,from,to,expires,reason\nM000001,A,active,grace,2027-11-24,\"expired 2027-11-24, grace until 2027-12-24\""
    );
    assert_eq!(field(&club, &id, "status"), "grace");
    assert_eq!(field(&club, &id, "since"), "2027-11-25");
    quiet(&club); // a second run the same day changes nothing

    club.on("2027-12-24"); // the last day of grace
    quiet(&club);

    club.on("2027-12-25"); // the day after: expired
    let out = club.ok(&["member", "sweep", "--format", "csv"]);
    assert!(
        out.contains("M000001,A,grace,expired,2027-11-24,grace ended 2027-12-24"),
        "{out}"
    );
    assert_eq!(field(&club, &id, "status"), "expired");
    quiet(&club);
    assert_eq!(
        field(&club, &frozen, "status"),
        "frozen",
        "the sweep leaves frozen alone"
    );
    assert_eq!(audit_lines(&club, "member sweep").len(), 2);
    club.check();
}

#[test]
fn a_missed_sweep_goes_straight_to_expired() {
    let mut club = TestClub::new();
    let id = club.active_member("A", "13800000001");
    club.on("2028-06-01");
    let out = club.ok(&["member", "sweep", "--format", "csv"]);
    assert!(out.contains("M000001,A,active,expired,"), "{out}");
    assert_eq!(field(&club, &id, "status"), "expired");
}

// ---------------------------------------------------------------- cards

#[test]
fn card_lost_blocks_the_card_and_names_the_deadline() {
    let club = TestClub::new();
    let id = club.active_member("A", "13800000001");
    let run = club.run(&["card", "lost", &id]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("until 2026-12-05"), "{}", run.stderr);
    assert!(club
        .table("cards")
        .contains("VIP000001,M000001,lost,2026-11-25,2026-11-25,\n"));
    assert!(audit_lines(&club, "card lost")[0].contains("status: active → lost"));
    club.refused(
        &["card", "lost", &id],
        4,
        "already reported lost on 2026-11-25",
    );
    club.check();
}

#[test]
fn card_reissue_on_day_10_replaces_the_old_number() {
    let mut club = TestClub::new();
    let id = club.active_member("A", "13800000001");
    club.active_member("B", "13800000002"); // holds VIP000002
    club.ok(&["card", "lost", &id]);
    club.on("2026-12-05"); // day 10 of the window
    assert_eq!(club.ok(&["card", "reissue", &id]), "VIP000003");
    let cards = club.table("cards");
    assert!(
        cards.contains("VIP000001,M000001,replaced,2026-11-25,2026-11-25,VIP000003\n"),
        "{cards}"
    );
    assert!(
        cards.contains("VIP000003,M000001,active,2026-12-05,,\n"),
        "{cards}"
    );
    assert_eq!(field(&club, &id, "card"), "VIP000003");
    assert_eq!(
        lines(&club, "ledger.csv"),
        ["T00000001,2026-12-05,fee,M000001,20.00,0,VIP000003,office,card replacement"]
    );
    // The old number is gone for good: searching it finds nobody.
    assert!(list(&club, &["--search", "VIP000001"]).is_empty());
    assert_eq!(list(&club, &["--search", "VIP000003"]), [id.as_str()]);
    club.refused(&["card", "reissue", &id], 4, "not reported lost");
    club.check();
}

#[test]
fn card_reissue_with_a_fee_given_or_waived() {
    let club = TestClub::new();
    let a = club.active_member("A", "13800000001");
    let b = club.active_member("B", "13800000002");
    club.ok(&["card", "lost", &a]);
    club.ok(&["card", "reissue", &a, "--fee", "35"]);
    club.ok(&["card", "lost", &b]);
    club.ok(&["card", "reissue", &b, "--fee", "0"]);
    assert_eq!(
        lines(&club, "ledger.csv"),
        ["T00000001,2026-11-25,fee,M000001,35.00,0,VIP000003,office,card replacement"]
    );
    club.check();
}

#[test]
fn card_reissue_on_day_11_is_refused_with_the_closing_date() {
    let mut club = TestClub::new();
    let id = club.active_member("A", "13800000001");
    club.ok(&["card", "lost", &id]);
    club.on("2026-12-06");
    club.refused(&["card", "reissue", &id], 4, "asked for by 2026-12-05");
}

#[test]
fn card_refusals() {
    let club = TestClub::new();
    let p = club.ok(&["member", "add", "--name", "P", "--phone", "13800000001"]);
    club.refused(&["card", "lost", &p], 4, "holds no card");
    club.refused(&["card", "reissue", &p], 4, "holds no card");
    club.refused(&["card", "lost", "M000099"], 5, "no member M000099");
    club.refused(&["card", "reissue", "M000099"], 5, "no member M000099");
    let a = club.active_member("A", "13800000002");
    club.ok(&["card", "lost", &a]);
    club.ok(&["member", "exit", &a]);
    club.refused(&["card", "reissue", &a], 4, "the member is exited");
    let b = club.active_member("B", "13800000003");
    club.ok(&["card", "lost", &b]);
    club.refused(&["card", "reissue", &b, "--fee", "abc"], 2, "not an amount");
}

// ---------------------------------------------------------------- staff

#[test]
fn staff_add_list_deactivate() {
    let club = TestClub::new();
    let run = club.run(&["staff", "add", "--name", "李娜", "--role", "sales"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "S01\n");
    assert_eq!(club.staff("Wang", "manager"), "S02");
    assert_eq!(
        club.read("staff.csv"),
        "id,name,role,active\nS01,李娜,sales,true\nS02,Wang,manager,true\n"
    );
    club.ok(&["staff", "deactivate", "S01"]);
    assert!(club.read("staff.csv").contains("S01,李娜,sales,false\n"));
    assert_eq!(
        club.ok(&["staff", "list", "--format", "csv"]),
        "id,name,role,active\nS01,李娜,sales,no\nS02,Wang,manager,yes"
    );
    let v: serde_json::Value =
        serde_json::from_str(&club.ok(&["staff", "list", "--format", "json"])).unwrap();
    assert_eq!(v[0]["active"], false);
    assert_eq!(v[1]["role"], "manager");
    assert!(club.ok(&["staff", "list"]).contains("李娜"));
    assert_eq!(audit_lines(&club, "staff add").len(), 2);
    assert!(audit_lines(&club, "staff deactivate")[0].contains("active: true → false"));
    club.check();
}

#[test]
fn staff_refusals() {
    let club = TestClub::new();
    let s = club.staff("Li", "sales");
    club.ok(&["staff", "deactivate", &s]);
    club.refused(&["staff", "deactivate", &s], 4, "already inactive");
    club.refused(&["staff", "deactivate", "S09"], 5, "no staff member S09");
    club.refused(
        &["staff", "add", "--name", " ", "--role", "sales"],
        2,
        "must not be empty",
    );
    club.refused(
        &["staff", "add", "--name", "X", "--role", "janitor"],
        2,
        "--role",
    );
}

// ---------------------------------------------------------------- dry runs

#[test]
fn dry_run_writes_nothing_on_every_changing_command() {
    let mut club = TestClub::new();
    let manager = club.staff("Wang", "manager");
    let out = dry_run(
        &club,
        &["staff", "add", "--name", "Li", "--role", "sales"],
        "would change staff.csv",
    );
    assert_eq!(out, "S02\n", "a dry run still shows the id it would use");
    dry_run(
        &club,
        &["staff", "deactivate", &manager],
        "S01 (Wang) is no longer active",
    );

    let out = dry_run(
        &club,
        &["member", "add", "--name", "A", "--phone", "13800000001"],
        "members/M000.csv, audit.csv",
    );
    assert_eq!(out, "M000001\n");
    let p = club.ok(&["member", "add", "--name", "P", "--phone", "13800000001"]);
    dry_run(
        &club,
        &["member", "approve", &p, "--paid", "100"],
        "would change",
    );
    dry_run(
        &club,
        &["member", "reject", &p, "--reason", "x"],
        "rejected M000001",
    );
    let a = club.active_member("A", "13800000002");
    dry_run(
        &club,
        &["member", "renew", &a, "--paid", "100"],
        "renewed M000002",
    );
    dry_run(
        &club,
        &["member", "freeze", &a, "--reason", "x"],
        "froze M000002",
    );
    dry_run(&club, &["member", "exit", &a], "M000002 has left");
    dry_run(
        &club,
        &["member", "expel", &a, "--reason", "x"],
        "expelled M000002",
    );
    dry_run(
        &club,
        &["member", "update", &a, "--name", "B"],
        "name: A → B",
    );
    dry_run(&club, &["card", "lost", &a], "is blocked");
    club.ok(&["card", "lost", &a]);
    dry_run(&club, &["card", "reissue", &a], "replaces VIP000001");
    club.ok(&["member", "freeze", &a, "--reason", "x"]);
    dry_run(&club, &["member", "unfreeze", &a], "unfroze M000002");
    club.ok(&["member", "exit", &a]);
    club.as_operator(&manager);
    dry_run(
        &club,
        &["member", "restore", &a, "--reason", "appeal"],
        "restored M000002",
    );
    let b = club.active_member("B", "13800000003");
    club.on("2027-12-01");
    let out = dry_run(
        &club,
        &["member", "sweep", "--format", "csv"],
        "member sweep: dry run, 1 would change (1 grace)",
    );
    assert!(out.contains(&format!("{b},B,active,grace")), "{out}");
    assert_eq!(field(&club, &b, "status"), "active");
}

// ---------------------------------------------------------------- usage

#[test]
fn usage_errors_exit_2() {
    let club = TestClub::new();
    club.refused(&["member", "frobnicate"], 2, "frobnicate");
    club.refused(&["member", "approve"], 2, "<ID>");
    club.refused(&["--today", "2026-13-01", "member", "list"], 2, "--today");
    club.refused(&["--format", "xml", "member", "list"], 2, "--format");
}

#[test]
fn a_missing_data_directory_exits_3_and_says_how_to_make_one() {
    let club = TestClub::new();
    let run = club.run(&["--data", "/nonexistent/club", "member", "list"]);
    assert_eq!(run.code, 3);
    assert!(run.stderr.contains("clubctl init"), "{}", run.stderr);
}

#[test]
fn restoring_an_applicant_who_left_while_pending_reopens_the_application() {
    let mut club = TestClub::new();
    let manager = club.staff("Wang", "manager");
    let id = club.ok(&["member", "add", "--name", "A", "--phone", "13800000001"]);
    club.ok(&["member", "expel", &id, "--reason", "forged papers"]);
    club.as_operator(&manager);
    let run = club.run(&["member", "restore", &id, "--reason", "papers were fine"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("pending review again"),
        "{}",
        run.stderr
    );
    assert_eq!(field(&club, &id, "status"), "pending");
    assert_eq!(field(&club, &id, "card"), "");
    club.check();
    assert_eq!(club.ok(&["member", "approve", &id]), "VIP000001");
    club.check();
}

#[test]
fn a_member_whose_phone_passed_to_someone_else_cannot_be_expelled_onto_it() {
    let mut club = TestClub::new();
    let a = club.active_member("A", "13800000001");
    let x = club.active_member("X", "13800000002");
    club.ok(&["member", "exit", &x]);
    club.on("2028-01-01");
    club.ok(&["member", "sweep"]);
    assert_eq!(field(&club, &a, "status"), "expired");
    club.ok(&["member", "add", "--name", "B", "--phone", "13800000001"]);
    club.ok(&["member", "add", "--name", "Y", "--phone", "13800000002"]);
    club.refused(
        &["member", "expel", &a, "--reason", "fraud"],
        4,
        "phone 13800000001 has since passed to pending member M000003",
    );
    club.refused(
        &["member", "expel", &x, "--reason", "fraud"],
        4,
        "passed to pending member M000004",
    );
    // Once the right number is on file, the expulsion goes ahead.
    club.ok(&["member", "update", &a, "--phone", "13900000001"]);
    club.ok(&["member", "expel", &a, "--reason", "fraud"]);
    club.check();
}
