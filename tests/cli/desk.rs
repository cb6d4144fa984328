//! Daily use at the desk and in cron: quiet nightly jobs with one dated
//! log line, confirmations of destructive steps at a terminal, prompts that
//! ask again, and the member list's filters and order.

use crate::club::{Run, TestClub};

/// Runs clubctl as if typed at a terminal: `script` gives it a pseudo
/// terminal, and `input` is what the person types.
fn at_terminal(club: &TestClub, args: &[&str], input: &str) -> Run {
    let bin = assert_cmd::cargo::cargo_bin("clubctl");
    let mut line = format!("'{}'", bin.display());
    for a in args {
        line.push_str(&format!(" '{}'", a.replace('\'', "'\\''")));
    }
    let out = std::process::Command::new("script")
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .env("TERM", "dumb")
        .env("CLUBCTL_DATA", club.dir())
        .env("CLUBCTL_TODAY", &club.today)
        .env("CLUBCTL_OPERATOR", &club.operator)
        .args(["-qec", &line, "/dev/null"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            if let Some(mut stdin) = child.stdin.take() {
                stdin.write_all(input.as_bytes())?;
            }
            child.wait_with_output()
        })
        .expect("running clubctl under script(1) from util-linux");
    Run {
        code: out.status.code().unwrap_or(-1),
        // A terminal merges both streams; tests read them as one.
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn quiet(run: &Run) {
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        (run.stdout.as_str(), run.stderr.as_str()),
        ("", ""),
        "a job with nothing to do prints nothing"
    );
}

// ---------------------------------------------------------------- cron

#[test]
fn nightly_jobs_print_nothing_with_nothing_to_do_and_one_dated_line_otherwise() {
    let mut club = TestClub::new();
    let a = club.active_member("A", "13800000001");
    club.active_member("B", "13800000002");
    club.ok(&["points", "grant", &a, "--spend", "2500"]);
    for job in [
        &["member", "sweep"][..],
        &["points", "expire"],
        &["lead", "expire"],
        &["data", "close"],
    ] {
        quiet(&club.run(job));
    }

    let run = club.run(&["tier", "recompute"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "2026-11-25 tier recompute: 1 changed (1 basic→silver; 2 members considered)\n"
    );
    assert_eq!(run.stderr, "", "cron mails anything on stderr");
    quiet(&club.run(&["tier", "recompute"]));

    // The day after expiry both go into grace: one line, the table only
    // with --verbose.
    club.on("2027-11-26");
    let before = club.snapshot();
    let plan = club.run(&["--dry-run", "member", "sweep"]);
    assert!(
        plan.stdout
            .starts_with("2027-11-26 member sweep: dry run, 2 would change (2 grace)\n"),
        "{}",
        plan.stdout
    );
    assert!(plan.stdout.contains("M000002"), "a dry run shows its plan");
    assert_eq!(before, club.snapshot());
    let run = club.run(&["--verbose", "member", "sweep"]);
    assert_eq!(run.stderr, "");
    let mut lines = run.stdout.lines();
    assert_eq!(
        lines.next(),
        Some("2027-11-26 member sweep: 2 changed (2 grace)")
    );
    assert!(run.stdout.contains("M000001") && run.stdout.contains("M000002"));
    quiet(&club.run(&["member", "sweep"]));
    let run = club.run(&["--verbose", "member", "sweep"]);
    assert_eq!(run.stdout, "2027-11-26 member sweep: nothing to do\n");

    // Points lapse on their day: a line naming how many were written off.
    club.on("2028-11-25");
    let run = club.run(&["points", "expire"]);
    assert_eq!(run.stderr, "");
    assert_eq!(
        run.stdout,
        "2028-11-25 points expire: 1 changed (2500 points written off)\n"
    );
    // Scripts asking for CSV get the listing, header only when empty.
    let csv = club.ok(&["--format", "csv", "points", "expire"]);
    assert_eq!(csv, "entry,member,points,date");
}

#[test]
fn the_first_month_end_close_writes_its_dated_line() {
    let mut club = TestClub::new();
    club.active_member("A", "13800000001");
    club.on("2026-12-01");
    let run = club.run(&["data", "close"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stderr, "");
    assert_eq!(
        run.stdout,
        "2026-12-01 data close: 1 changed (months 2026-11)\n"
    );
    quiet(&club.run(&["data", "close"]));
}

// ---------------------------------------------------------------- confirmations

#[test]
fn expel_at_a_terminal_asks_again_after_nonsense_and_a_no_changes_nothing() {
    let club = TestClub::new();
    let id = club.active_member("A", "13800000001");
    let before = club.snapshot();
    let run = at_terminal(
        &club,
        &["member", "expel", &id, "--reason", "test"],
        "maybe\nn\n",
    );
    assert_eq!(run.code, 4, "{}", run.stdout);
    assert!(
        run.stdout
            .contains("not yet carried out: expelled M000001: test; 0 points forfeited"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("Go ahead? [y/N]"), "{}", run.stdout);
    assert!(
        run.stdout.contains("answer y (yes) or n (no)"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("not done: you answered no; nothing was changed"),
        "{}",
        run.stdout
    );
    assert!(before == club.snapshot(), "a no changed the data");

    let run = at_terminal(&club, &["member", "expel", &id, "--reason", "test"], "y\n");
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(club.table("members").contains(",expelled,"));
}

#[test]
fn yes_and_scripts_go_ahead_without_asking_and_refusals_come_before_the_question() {
    let club = TestClub::new();
    let a = club.active_member("A", "13800000001");
    let b = club.active_member("B", "13800000002");
    // --yes at a terminal: no question.
    let run = at_terminal(
        &club,
        &["--yes", "member", "freeze", &a, "--reason", "x"],
        "",
    );
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(!run.stdout.contains("Go ahead?"), "{}", run.stdout);
    assert!(run.stdout.contains("froze M000001"), "{}", run.stdout);
    // A step the rules refuse is refused without asking.
    let before = club.snapshot();
    let run = at_terminal(&club, &["member", "freeze", &a, "--reason", "x"], "y\n");
    assert_eq!(run.code, 4, "{}", run.stdout);
    assert!(!run.stdout.contains("Go ahead?"), "{}", run.stdout);
    assert!(before == club.snapshot());
    // Standard input not a terminal (cron, scripts): straight through.
    let run = club.run(&["member", "exit", &b]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stderr.contains("Go ahead?"));
    // A dry run never asks.
    let run = at_terminal(&club, &["--dry-run", "card", "lost", &a], "");
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(!run.stdout.contains("Go ahead?"), "{}", run.stdout);
}

#[test]
fn card_lost_and_lead_release_and_event_cancel_ask_at_a_terminal() {
    let club = TestClub::new();
    let a = club.active_member("A", "13800000001");
    let before = club.snapshot();
    let run = at_terminal(&club, &["card", "lost", &a], "n\n");
    assert_eq!(run.code, 4, "{}", run.stdout);
    assert!(run.stdout.contains("Go ahead?"), "{}", run.stdout);
    assert!(before == club.snapshot());
    let run = at_terminal(&club, &["card", "lost", &a], "yes\n");
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(club.table("cards").contains(",lost,"));
}

#[test]
fn a_wallet_payment_is_asked_about_only_above_the_configured_amount() {
    let club = TestClub::new();
    let a = club.active_member("A", "13800000001");
    club.ok(&["wallet", "recharge", &a, "--amount", "3000"]);
    // At most [recharge] confirm_pay_above (default 1000 yuan): no question.
    let run = at_terminal(&club, &["wallet", "pay", &a, "--amount", "1000"], "");
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(!run.stdout.contains("Go ahead?"), "{}", run.stdout);
    let before = club.snapshot();
    let run = at_terminal(&club, &["wallet", "pay", &a, "--amount", "1000.01"], "n\n");
    assert_eq!(run.code, 4, "{}", run.stdout);
    assert!(
        run.stdout.contains("paid 1000.01 from the wallet"),
        "{}",
        run.stdout
    );
    assert!(before == club.snapshot());
    assert_eq!(
        club.csv_field(&["wallet", "balance", &a], "wallet"),
        "2000.00"
    );
}

#[test]
fn a_bad_phone_typed_at_the_add_prompt_is_asked_again() {
    let club = TestClub::new();
    let run = at_terminal(
        &club,
        &["member", "add", "--name", "A"],
        "138 0000 00O9\n138 0000 0009\n",
    );
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(
        run.stdout.contains("not a mobile or landline number"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("M000001"), "{}", run.stdout);
    assert!(club.table("members").contains("M000001,A,13800000009,"));
}

// ---------------------------------------------------------------- member list

fn ids(club: &TestClub, args: &[&str]) -> Vec<String> {
    let csv = club.ok(&[&["--format", "csv", "member", "list"], args].concat());
    csv.lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap_or_default().to_string())
        .collect()
}

#[test]
fn member_list_filters_by_salesperson_and_join_dates_and_sorts() {
    let mut club = TestClub::new();
    let s1 = club.staff("Li", "sales");
    let s2 = club.staff("Wu", "sales");
    club.on("2028-02-28");
    let a = club.ok(&[
        "member",
        "add",
        "--name",
        "Zed",
        "--phone",
        "13800000001",
        "--sales",
        &s1,
    ]);
    club.ok(&["member", "approve", &a]);
    club.on("2028-02-29");
    let b = club.ok(&[
        "member",
        "add",
        "--name",
        "amy",
        "--phone",
        "13800000002",
        "--sales",
        &s2,
    ]);
    club.ok(&["member", "approve", &b]);
    club.on("2028-03-01");
    let c = club.ok(&[
        "member",
        "add",
        "--name",
        "Bob",
        "--phone",
        "13800000003",
        "--sales",
        &s1,
    ]);
    club.ok(&["member", "approve", &c]);
    let pending = club.ok(&["member", "add", "--name", "Pat", "--phone", "13800000004"]);

    assert_eq!(ids(&club, &["--sales", &s1]), [a.as_str(), c.as_str()]);
    assert_eq!(
        ids(&club, &["--joined-from", "2028-02-29"]),
        [b.as_str(), c.as_str()]
    );
    assert_eq!(
        ids(&club, &["--joined-to", "2028-02-29"]),
        [a.as_str(), b.as_str()]
    );
    assert_eq!(
        ids(
            &club,
            &["--joined-from", "2028-02-29", "--joined-to", "2028-02-29"]
        ),
        [b.as_str()]
    );
    assert_eq!(
        ids(&club, &["--sort", "name"]),
        [b.as_str(), c.as_str(), pending.as_str(), a.as_str()]
    );
    assert_eq!(
        ids(&club, &["--sort", "joined", "--desc"]),
        [c.as_str(), b.as_str(), a.as_str(), pending.as_str()],
        "a member who never joined comes last"
    );

    club.refused(
        &[
            "member",
            "list",
            "--joined-from",
            "2028-03-01",
            "--joined-to",
            "2028-02-01",
        ],
        2,
        "--joined-from 2028-03-01 is after --joined-to 2028-02-01",
    );
    club.refused(
        &["member", "list", "--sales", "S99"],
        5,
        "no staff member S99",
    );
    club.refused(
        &["member", "list", "--sort", "phone"],
        2,
        "cannot sort by 'phone'",
    );
}

// ---------------------------------------------------------------- export

/// The cells of the first sheet of an xlsx file: reference → (type, text),
/// shared strings resolved.
fn xlsx_cells(path: &std::path::Path) -> std::collections::BTreeMap<String, (String, String)> {
    use std::io::Read;
    let file = std::fs::File::open(path).expect("the workbook");
    let mut zip = zip::ZipArchive::new(file).expect("an xlsx is a zip");
    let mut read = |name: &str| {
        let mut s = String::new();
        zip.by_name(name)
            .unwrap_or_else(|e| panic!("{name} in the workbook: {e}"))
            .read_to_string(&mut s)
            .expect("utf-8 xml");
        s
    };
    let strings_xml = read("xl/sharedStrings.xml");
    let sheet_xml = read("xl/worksheets/sheet1.xml");
    let strings_doc = roxmltree::Document::parse(&strings_xml).expect("shared strings");
    let strings: Vec<String> = strings_doc
        .descendants()
        .filter(|n| n.has_tag_name("si"))
        .map(|si| {
            si.descendants()
                .filter(|n| n.has_tag_name("t"))
                .filter_map(|t| t.text())
                .collect()
        })
        .collect();
    let sheet = roxmltree::Document::parse(&sheet_xml).expect("sheet xml");
    sheet
        .descendants()
        .filter(|n| n.has_tag_name("c"))
        .map(|c| {
            let kind = c.attribute("t").unwrap_or("n").to_string();
            let v = c
                .children()
                .find(|n| n.has_tag_name("v"))
                .and_then(|v| v.text())
                .unwrap_or_default()
                .to_string();
            let text = if kind == "s" {
                strings[v.parse::<usize>().expect("a string index")].clone()
            } else {
                v
            };
            (
                c.attribute("r").unwrap_or_default().to_string(),
                (kind, text),
            )
        })
        .collect()
}

#[test]
fn member_export_xlsx_writes_real_cells_privately_and_never_over_a_file() {
    let club = TestClub::new();
    let id = club.active_member("=Wang", "020 8283 0963");
    club.ok(&["wallet", "recharge", &id, "--amount", "12.50"]);
    let out = club.path("../members.xlsx");
    let run = club.run(&["member", "export", "--xlsx", out.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "", "the workbook goes to the file only");
    assert!(run.stderr.contains("wrote 1 members to"), "{}", run.stderr);
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&out).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "personal data is for its owner only");
    }
    let cells = xlsx_cells(&out);
    let cell = |r: &str| cells.get(r).cloned().unwrap_or_default();
    assert_eq!(cell("A1"), ("s".into(), "id".into()));
    assert_eq!(cell("A2"), ("s".into(), "M000001".into()));
    // No formula guard in a real text cell.
    assert_eq!(cell("B2"), ("s".into(), "=Wang".into()));
    assert_eq!(
        cell("C2"),
        ("s".into(), "02082830963".into()),
        "the leading zero stays"
    );
    // joined 2026-11-25 is a date: Excel's serial day 46351.
    assert_eq!(cell("P2"), ("n".into(), "46351".into()));
    assert_eq!(cell("U2"), ("n".into(), "0".into()));
    assert_eq!(cell("V2"), ("n".into(), "12.5".into()));

    let before = std::fs::read(&out).unwrap();
    let run = club.run(&["member", "export", "--xlsx", out.to_str().unwrap()]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("already exists") && run.stderr.contains("--force"),
        "{}",
        run.stderr
    );
    assert_eq!(before, std::fs::read(&out).unwrap());
    club.ok(&[
        "member",
        "export",
        "--xlsx",
        out.to_str().unwrap(),
        "--force",
    ]);
}

#[test]
fn member_export_honours_json_and_refuses_shapes_that_do_not_mix() {
    let club = TestClub::new();
    let id = club.active_member("=Wang", "13800000001");
    club.ok(&["wallet", "recharge", &id, "--amount", "12.50"]);
    let json = club.ok(&["--format", "json", "member", "export"]);
    let v: serde_json::Value = serde_json::from_str(&json).expect("json");
    assert_eq!(v[0]["name"], "=Wang", "JSON keeps the text as stored");
    assert_eq!(v[0]["points"], 0);
    assert_eq!(v[0]["wallet"], "12.50");
    assert_eq!(v[0]["joined"], "2026-11-25");
    assert_eq!(v[0]["birthday"], serde_json::Value::Null);
    club.refused(
        &["--format", "json", "member", "export", "--excel"],
        2,
        "drop --format json",
    );
}

#[test]
fn machine_output_says_its_units() {
    let club = TestClub::new();
    let id = club.active_member("A", "13800000001");
    club.ok(&["points", "grant", &id, "--spend", "1280"]);
    let csv = club.ok(&["--format", "csv", "points", "history", &id]);
    let header = csv.lines().next().unwrap_or_default();
    assert_eq!(
        header,
        "entry,date,kind,amount,points,balance,reference,operator,note"
    );
    assert!(csv.contains(",spend,1280.00,0,0,"), "{csv}");
}

// ---------------------------------------------------------------- tables

/// Columns a line takes on a terminal: East Asian wide characters two.
fn screen_width(line: &str) -> usize {
    line.chars()
        .map(|c| {
            let wide = matches!(c as u32,
                0x1100..=0x115F | 0x2E80..=0x303E | 0x3041..=0x33FF | 0x3400..=0x4DBF
                | 0x4E00..=0x9FFF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF | 0xFF00..=0xFF60
                | 0xFFE0..=0xFFE6);
            if wide {
                2
            } else {
                1
            }
        })
        .sum()
}

fn long_named_club() -> TestClub {
    let club = TestClub::new();
    let s = club.staff("Li", "sales");
    let id = club.ok(&[
        "member",
        "add",
        "--name",
        "欧阳娜娜欧阳娜娜欧阳娜娜欧阳娜娜欧阳娜娜欧阳娜娜 Limited",
        "--phone",
        "13800000001",
        "--sales",
        &s,
        "--note",
        "a note long enough to need more than one line of any terminal at all",
    ]);
    club.ok(&["member", "approve", &id]);
    club
}

#[test]
fn tables_fit_80_columns_by_default_and_cut_long_cells_with_an_ellipsis() {
    let club = long_named_club();
    for lang in ["en", "zh"] {
        let out = club.ok(&["--lang", lang, "member", "list"]);
        for line in out.lines() {
            assert!(screen_width(line) <= 80, "{lang}: {line}");
        }
        assert_eq!(out.lines().count(), 5, "one line per row:\n{out}");
        assert!(out.contains('…'), "{out}");
    }
    let out = club.ok(&["member", "list"]);
    let header = out.lines().nth(1).unwrap_or_default();
    for h in ["id", "name", "phone", "status", "tier", "expires"] {
        assert!(header.contains(h), "{header}");
    }
    assert!(
        !header.contains("birthday"),
        "the narrow set by default: {header}"
    );

    // COLUMNS narrows further; --wide shows everything uncut.
    let narrow = club
        .cmd(&["member", "list"])
        .env("COLUMNS", "50")
        .output()
        .expect("clubctl");
    let narrow = String::from_utf8_lossy(&narrow.stdout).into_owned();
    assert!(narrow.lines().all(|l| screen_width(l) <= 50), "{narrow}");
    let wide = club.ok(&["member", "list", "--wide"]);
    assert!(
        wide.contains("birthday") && wide.contains("sales"),
        "{wide}"
    );
    assert!(wide.contains("欧阳娜娜欧阳娜娜欧阳娜娜欧阳娜娜欧阳娜娜欧阳娜娜 Limited"));
    assert!(!wide.contains('…'));

    // --columns chooses and orders; CSV keeps every column whatever.
    let out = club.ok(&["member", "list", "--columns", "sales,id"]);
    let header = out.lines().nth(1).unwrap_or_default();
    assert!(header.find("sales") < header.find("id"), "{header}");
    assert!(!header.contains("name"), "{header}");
    let csv = club.ok(&["--columns", "id", "--format", "csv", "member", "list"]);
    assert!(csv.starts_with("id,name,phone,gender,"), "{csv}");
    club.refused(
        &["member", "list", "--columns", "id,nope"],
        2,
        "no column 'nope'",
    );

    // A record's history: one line per entry, not a wrapped block (a
    // wrapped row continues on a line whose first cell is blank).
    let show = club.ok(&["member", "show", "M000001"]);
    assert!(
        !show
            .lines()
            .any(|l| l.trim_start_matches('│').trim_start().starts_with('┆')),
        "{show}"
    );
}
