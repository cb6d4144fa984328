//! Rules an office can trust: golden cases (`rules test`, `data check`),
//! a candidate club.toml tried before it is put in place (`rules diff`),
//! and `explain` for members, ledger entries and leads, on a new club, on
//! the sample club in `data/`, and on clubs whose rules were changed.

use crate::club::TestClub;
use std::path::Path;

/// A club holding a copy of the sample club in `data/`, on its day.
fn sample() -> TestClub {
    let club = TestClub::new();
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    copy_dir(&from, club.dir());
    club
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).expect("data/") {
        let entry = entry.expect("dir entry");
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            std::fs::create_dir_all(&target).expect("mkdir");
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

fn set_rule(club: &TestClub, from: &str, to: &str) {
    let toml = club.read("club.toml");
    assert!(toml.contains(from), "club.toml has no {from}");
    std::fs::write(club.path("club.toml"), toml.replacen(from, to, 1)).expect("club.toml");
}

/// club.toml with `from` replaced by `to`, written beside the club as a
/// candidate; returns its path.
fn candidate(club: &TestClub, name: &str, edits: &[(&str, &str)]) -> String {
    let mut toml = club.read("club.toml");
    for (from, to) in edits {
        assert!(toml.contains(from), "club.toml has no {from}");
        toml = toml.replacen(from, to, 1);
    }
    let path = club.dir().parent().expect("temp dir").join(name);
    std::fs::write(&path, toml).expect("candidate");
    path.to_str().expect("utf-8 path").to_string()
}

/// Rows of a CSV output, header first.
fn csv_rows(out: &str) -> Vec<Vec<String>> {
    let mut r = csv::Reader::from_reader(out.as_bytes());
    let mut rows = vec![r
        .headers()
        .expect("header")
        .iter()
        .map(str::to_string)
        .collect()];
    rows.extend(
        r.records()
            .map(|x| x.expect("row").iter().map(str::to_string).collect()),
    );
    rows
}

fn column(rows: &[Vec<String>], name: &str) -> usize {
    rows[0]
        .iter()
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("no column {name}"))
}

/// Runs a command that must exit `code` and leave every file as it was;
/// unlike `TestClub::refused` it allows a listing on stdout.
fn leaves_files(club: &TestClub, args: &[&str], code: i32) -> crate::club::Run {
    let before = club.snapshot();
    let run = club.run(args);
    assert_eq!(run.code, code, "{args:?}: {}", run.stderr);
    assert!(before == club.snapshot(), "{args:?} changed the data files");
    run
}

#[test]
fn every_shipped_case_holds_on_a_new_club_and_on_the_sample_club() {
    for club in [TestClub::new(), sample()] {
        let cases = club.read("club.toml").matches("[[case]]").count();
        assert!(cases >= 20, "the default rules ship their cases");
        let run = leaves_files(&club, &["--format", "csv", "rules", "test"], 0);
        let rows = csv_rows(&run.stdout);
        assert_eq!(rows.len() - 1, cases);
        let result = column(&rows, "result");
        assert!(
            rows[1..].iter().all(|r| r[result] == "ok"),
            "{}",
            run.stdout
        );
        for kind in [
            "tier", "term", "status", "earn", "lapse", "lead", "cooldown", "cap", "recharge",
        ] {
            assert!(
                rows[1..].iter().any(|r| r[1] == kind),
                "no shipped case of kind {kind}"
            );
        }
        assert!(
            run.stderr
                .contains(&format!("all {cases} golden cases hold")),
            "{}",
            run.stderr
        );
        club.check();
    }
}

#[test]
fn a_threshold_edited_without_its_case_fails_rules_test_and_data_check() {
    let club = TestClub::new();
    set_rule(&club, "min_spend = \"2000\"", "min_spend = \"1500\"");
    let run = leaves_files(&club, &["--format", "csv", "rules", "test"], 4);
    assert!(
        run.stderr
            .contains("'tier: spend 1999.99 in the window stays basic' expects basic, got silver"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("1 of "), "{}", run.stderr);
    assert!(run.stderr.contains("min_spend"), "{}", run.stderr);
    let rows = csv_rows(&run.stdout);
    let failed: Vec<&Vec<String>> = rows[1..].iter().filter(|r| r[4] == "FAIL").collect();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0][3], "silver");

    // data check names the line of the failing case in club.toml
    let toml = club.read("club.toml");
    let line = toml
        .lines()
        .position(|l| l.contains("stays basic"))
        .expect("the case");
    let before = club.snapshot();
    let check = club.run(&["data", "check"]);
    assert_eq!(check.code, 3, "{}", check.stderr);
    assert!(
        check.stderr.contains(&format!(
            "club.toml:{line}: golden case 'tier: spend 1999.99"
        )),
        "{}",
        check.stderr
    );
    assert!(before == club.snapshot());

    // the case moved with the threshold: everything holds again
    set_rule(&club, "spend = \"1999.99\"", "spend = \"1499.99\"");
    leaves_files(&club, &["rules", "test"], 0);
    club.check();
}

#[test]
fn a_changed_grace_period_fails_the_status_cases_with_what_they_got() {
    let club = TestClub::new();
    set_rule(&club, "grace_days = 30", "grace_days = 29");
    let run = leaves_files(&club, &["rules", "test"], 4);
    assert!(
        run.stderr
            .contains("'status: grace on the 30th day' expects grace, got expired"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("membership.grace_days"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_case_missing_its_inputs_is_refused_like_any_bad_key() {
    let club = TestClub::new();
    let mut toml = club.read("club.toml");
    toml.push_str("\n[[case]]\nname = \"half a case\"\nkind = \"status\"\nexpect = \"grace\"\n");
    std::fs::write(club.path("club.toml"), toml).unwrap();
    let run = club.refused(&["rules", "test"], 3, "needs expires and on");
    assert!(run.stderr.contains("half a case"), "{}", run.stderr);
    club.refused(&["member", "list"], 3, "needs expires and on");
}

#[test]
fn a_club_without_cases_says_so_and_passes() {
    let club = TestClub::new();
    let toml = club.read("club.toml");
    let cut = toml.find("\n# Golden cases").expect("the cases block");
    std::fs::write(club.path("club.toml"), &toml[..cut]).unwrap();
    let run = leaves_files(&club, &["rules", "test"], 0);
    assert!(run.stdout.is_empty());
    assert!(run.stderr.contains("no golden cases"), "{}", run.stderr);
}

#[test]
fn an_identical_candidate_reports_no_change() {
    for club in [TestClub::new(), sample()] {
        let same = candidate(&club, "same.toml", &[]);
        let run = leaves_files(&club, &["rules", "diff", &same], 0);
        assert!(run.stdout.is_empty(), "{}", run.stdout);
        assert!(run.stderr.contains("no change"), "{}", run.stderr);
    }
}

/// The members a `tier recompute` under `rules` changes, on a copy.
fn recompute_under(rules: &str) -> Vec<Vec<String>> {
    let copy = sample();
    std::fs::copy(rules, copy.path("club.toml")).unwrap();
    let run = copy.run(&["--format", "csv", "--dry-run", "tier", "recompute"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    if run.stdout.trim().is_empty() {
        return vec![vec![]];
    }
    csv_rows(&run.stdout)
}

#[test]
fn a_lower_silver_threshold_counts_the_members_the_nightly_recompute_would_move() {
    let club = sample();
    let cand = candidate(
        &club,
        "cheaper-silver.toml",
        &[("min_spend = \"2000\"", "min_spend = \"1000\"")],
    );
    let run = leaves_files(&club, &["--format", "csv", "rules", "diff", &cand], 0);
    let rows = csv_rows(&run.stdout);
    let (when, change, cur, cand_col, count) = (
        column(&rows, "when"),
        column(&rows, "change"),
        column(&rows, "current"),
        column(&rows, "candidate"),
        column(&rows, "count"),
    );
    let setting = rows
        .iter()
        .find(|r| r[change] == "setting tiers.silver.min_spend")
        .expect("the changed setting");
    assert_eq!(
        (setting[cur].as_str(), setting[cand_col].as_str()),
        ("2000.00", "1000.00")
    );
    let today: Vec<&Vec<String>> = rows
        .iter()
        .filter(|r| r[when] == "2026-11-25" && r[change] == "tier")
        .collect();
    let moved: i64 = today.iter().map(|r| r[count].parse::<i64>().unwrap()).sum();

    // the nightly job under the candidate makes exactly those moves
    let recompute = recompute_under(&cand);
    assert!(
        moved > 0,
        "the sample has members between 1000 and 2000 yuan"
    );
    assert_eq!(moved as usize, recompute.len() - 1);
    for r in &today {
        let n = recompute[1..]
            .iter()
            .filter(|x| x[1] == r[cur] && x[2] == r[cand_col])
            .count();
        assert_eq!(n.to_string(), r[count], "{r:?}");
    }

    // --members names them
    let run = leaves_files(
        &club,
        &["--format", "csv", "rules", "diff", &cand, "--members"],
        0,
    );
    let members = csv_rows(&run.stdout);
    let mut listed: Vec<&str> = members[1..]
        .iter()
        .filter(|r| r[0] == "2026-11-25" && r[1] == "tier")
        .map(|r| r[2].as_str())
        .collect();
    let mut expected: Vec<&str> = recompute[1..].iter().map(|r| r[0].as_str()).collect();
    listed.sort();
    expected.sort();
    assert_eq!(listed, expected);
    // the candidate's own cases are run too: its silver case now fails
    assert!(
        run.stderr.contains("the candidate's own golden cases")
            && run.stderr.contains("stays basic"),
        "{}",
        run.stderr
    );
}

/// How many members `member sweep` on `day` sends to expired under `rules`.
fn expired_by_sweep(rules: &str, day: &str) -> i64 {
    let mut copy = sample();
    std::fs::copy(rules, copy.path("club.toml")).unwrap();
    copy.on(day);
    let sweep = copy.run(&["--format", "csv", "--dry-run", "member", "sweep"]);
    assert_eq!(sweep.code, 0, "{}", sweep.stderr);
    if sweep.stdout.trim().is_empty() {
        return 0;
    }
    csv_rows(&sweep.stdout)[1..]
        .iter()
        .filter(|r| r[3] == "expired")
        .count() as i64
}

#[test]
fn a_shorter_grace_counts_the_members_the_sweep_would_expire_within_30_days() {
    let club = sample();
    let cand = candidate(
        &club,
        "short-grace.toml",
        &[("grace_days = 30", "grace_days = 5")],
    );
    let run = leaves_files(&club, &["--format", "csv", "rules", "diff", &cand], 0);
    let rows = csv_rows(&run.stdout);
    let grace_to_expired = |day: &str| -> i64 {
        rows.iter()
            .filter(|r| r[0] == day && r[1] == "status" && r[2] == "grace" && r[3] == "expired")
            .map(|r| r[4].parse::<i64>().unwrap())
            .sum()
    };
    // the sweep 30 days on: the candidate expires that many more members
    let current = club.path("club.toml");
    let more = expired_by_sweep(&cand, "2026-12-25")
        - expired_by_sweep(current.to_str().unwrap(), "2026-12-25");
    assert!(
        more > 0,
        "the sample has members whose term ends within 30 days"
    );
    assert_eq!(grace_to_expired("2026-12-25"), more);
    assert_eq!(grace_to_expired("2026-11-25"), 0);
    assert!(rows.iter().any(|r| r[1] == "setting membership.grace_days"));
}

#[test]
fn shorter_points_validity_counts_the_points_that_lapse() {
    let club = sample();
    let cand = candidate(
        &club,
        "short-points.toml",
        &[("validity_months = 12", "validity_months = 6")],
    );
    let run = leaves_files(&club, &["--format", "csv", "rules", "diff", &cand], 0);
    let rows = csv_rows(&run.stdout);
    let lapse = rows
        .iter()
        .find(|r| r[0] == "2026-11-25" && r[1] == "points lapsed")
        .expect("points lapse sooner");
    let (cur, cand_n): (i64, i64) = (lapse[2].parse().unwrap(), lapse[3].parse().unwrap());
    assert!(cand_n > cur);
    // `points expire` under the candidate writes off the candidate's figure
    let copy = sample();
    std::fs::copy(&cand, copy.path("club.toml")).unwrap();
    let before = copy.read("ledger.csv").lines().count();
    let run = copy.run(&["points", "expire"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let ledger = copy.read("ledger.csv");
    let written: i64 = ledger
        .lines()
        .skip(before)
        .filter(|l| l.contains(",2026-11-25,expire,"))
        .map(|l| -l.split(',').nth(5).unwrap().parse::<i64>().unwrap())
        .sum();
    assert_eq!(written, cand_n);
}

#[test]
fn an_invalid_candidate_is_refused_with_the_messages_loading_club_toml_gives() {
    let club = TestClub::new();
    let bad = candidate(
        &club,
        "bad.toml",
        &[("term_months = 12", "term_month = 12")],
    );
    let diff = club.refused(&["rules", "diff", &bad], 3, "term_month");
    // the same file as club.toml: the same message, naming its own path
    let copy = TestClub::new();
    std::fs::copy(&bad, copy.path("club.toml")).unwrap();
    let load = copy.refused(&["member", "list"], 3, "term_month");
    let club_toml = copy.path("club.toml");
    assert_eq!(
        diff.stderr.replace(&bad, "FILE"),
        load.stderr.replace(club_toml.to_str().unwrap(), "FILE")
    );
    let bad = candidate(&club, "bad-kpi.toml", &[("weight = 30", "weight = 31")]);
    club.refused(&["rules", "diff", &bad], 3, "add up to 101");
    club.refused(&["rules", "diff", "no-such-rules.toml"], 2, "no rules file");
}

#[test]
fn explain_member_shows_the_window_figures_and_thresholds_with_their_settings() {
    let club = TestClub::new();
    let m = club.active_member("Chen Jie", "13800000001");
    club.ok(&["points", "grant", &m, "--spend", "1999.99"]);
    let run = leaves_files(&club, &["--format", "csv", "explain", "member", &m], 0);
    let rows = csv_rows(&run.stdout);
    let line = |topic: &str| {
        rows.iter()
            .find(|r| r[0] == topic)
            .unwrap_or_else(|| panic!("no line {topic}: {}", run.stdout))
            .clone()
    };
    assert_eq!(line("status")[1], "active (正常) since 2026-11-25");
    assert_eq!(line("term")[1], "joined 2026-11-25, expires 2027-11-24");
    assert_eq!(line("term")[2], "membership.term_months");
    assert_eq!(
        line("grace")[1],
        "may renew in grace until 2027-12-24; expired from 2027-12-25"
    );
    assert_eq!(
        line("window")[1],
        "2025-11-26 to 2026-11-25: spend 1999.99, 1999 points, 1 visits"
    );
    assert_eq!(line("window")[2], "tier.window_months");
    assert_eq!(line("qualifies for")[1], "basic");
    assert_eq!(
        line("next tier at")[1],
        "silver (spend 2000.00 or 5000 points): needs 0.01 more spend or 3001 more points"
    );
    assert_eq!(
        line("next tier at")[2],
        "tiers.silver.min_spend, tiers.silver.min_points"
    );
    assert_eq!(
        line("next lapse")[1],
        "1999 points on 2027-11-25 (earned 2026-11-25)"
    );
    assert_eq!(line("next lapse")[2], "points.validity_months");

    // with the threshold lowered, the same figures qualify for silver
    set_rule(&club, "min_spend = \"2000\"", "min_spend = \"1999.99\"");
    let rows = csv_rows(&club.ok(&["--format", "csv", "explain", "member", &m]));
    let q = rows.iter().find(|r| r[0] == "qualifies for").unwrap();
    assert_eq!(q[1], "silver");
    let d = rows.iter().find(|r| r[0] == "downgrade").unwrap();
    assert!(d[1].contains("the next `tier recompute` upgrades"), "{d:?}");
}

#[test]
fn explain_member_names_the_sweep_that_moved_a_member_to_grace() {
    let mut club = TestClub::new();
    let m = club.active_member("Chen Jie", "13800000001");
    club.on("2027-11-26");
    club.ok(&["member", "sweep"]);
    let rows = csv_rows(&club.ok(&["--format", "csv", "explain", "member", &m]));
    let rule = rows
        .iter()
        .find(|r| r[0] == "status rule")
        .expect("status rule");
    assert_eq!(
        rule[1],
        "moved to grace on 2027-11-26 by the nightly sweep: expired 2027-11-24, grace until 2027-12-24"
    );
    assert_eq!(rule[2], "membership.grace_days");
}

#[test]
fn explain_on_the_sample_club_agrees_with_the_member_file() {
    let club = sample();
    let members = csv_rows(&club.table("members"));
    let row = members[1..]
        .iter()
        .find(|r| r[11] == "active" && r[12] == "silver")
        .expect("an active silver member");
    let rows = csv_rows(
        &leaves_files(&club, &["--format", "csv", "explain", "member", &row[0]], 0).stdout,
    );
    let tier = rows.iter().find(|r| r[0] == "tier").unwrap();
    assert!(tier[1].starts_with("silver"), "{tier:?}");
    let term = rows.iter().find(|r| r[0] == "term").unwrap();
    assert!(
        term[1].ends_with(&format!("expires {}", row[16])),
        "{term:?}"
    );
    assert!(rows.iter().all(|r| r.len() == 3));
}

#[test]
fn explain_entry_shows_how_points_were_earned_and_what_reversed_them() {
    let club = TestClub::new();
    let m = club.active_member("Chen Jie", "13800000001");
    // to silver first, so the multiplier shows
    club.ok(&["points", "grant", &m, "--spend", "2000"]);
    club.ok(&["tier", "recompute"]);
    club.ok(&[
        "points",
        "grant",
        &m,
        "--spend",
        "128.50",
        "--receipt",
        "R-1",
    ]);
    let ledger = club.read("ledger.csv");
    let id_of = |kind: &str, n: usize| {
        ledger
            .lines()
            .filter(|l| l.split(',').nth(2) == Some(kind))
            .nth(n)
            .map(|l| l.split(',').next().unwrap().to_string())
            .unwrap()
    };
    let (spend, earn) = (id_of("spend", 1), id_of("earn", 1));
    let rows =
        csv_rows(&leaves_files(&club, &["--format", "csv", "explain", "entry", &earn], 0).stdout);
    let computed = rows.iter().find(|r| r[0] == "computed").expect("computed");
    assert_eq!(
        computed[1],
        "128.50 × 1 × 120% = 154.20, rounded down to 154"
    );
    assert_eq!(computed[2], "points.per_yuan");
    let purchase = rows.iter().find(|r| r[0] == "for purchase").unwrap();
    assert!(purchase[1].starts_with(&format!("entry {spend}: spend 128.50")));

    club.ok(&["points", "reverse", &spend, "--reason", "returned"]);
    let rows = csv_rows(&club.ok(&["--format", "csv", "explain", "entry", &spend]));
    let earned = rows.iter().find(|r| r[0] == "earned").unwrap();
    assert_eq!(earned[1], format!("154 points by entry {earn}"));
    let rev = rows.iter().find(|r| r[0] == "reversed by").unwrap();
    assert!(rev[1].ends_with("returned"), "{rev:?}");

    // the rules changed since: the entry says what it recorded and what
    // the rules in force now give
    set_rule(&club, "multiplier = 1.2", "multiplier = 1.3");
    let rows = csv_rows(&club.ok(&["--format", "csv", "explain", "entry", &earn]));
    let computed = rows.iter().find(|r| r[0] == "computed").unwrap();
    assert_eq!(
        computed[1],
        "128.50 × 1 × 120% = 154.20, rounded down to 154"
    );
    set_rule(&club, "per_yuan = 1", "per_yuan = 2");
    let rows = csv_rows(&club.ok(&["--format", "csv", "explain", "entry", &earn]));
    let recorded = rows.iter().find(|r| r[0] == "recorded").expect("recorded");
    assert!(
        recorded[1].contains("the rules in force now give 308"),
        "{recorded:?}"
    );

    club.refused(
        &["explain", "entry", "T99999999"],
        5,
        "no ledger entry T99999999",
    );
    club.refused(&["explain", "member", "M999999"], 5, "no member M999999");
}

#[test]
fn explain_lead_says_whether_a_claim_would_pass_and_which_rule_refuses_it() {
    let mut club = TestClub::new();
    assert_eq!(club.staff("Li Na", "sales"), "S01");
    assert_eq!(club.staff("Wang Wei", "sales"), "S02");
    club.on("2026-11-01");
    let lead = club.ok(&[
        "lead",
        "claim",
        "--sales",
        "S01",
        "--name",
        "Chen Jie",
        "--phone",
        "13900000001",
    ]);
    let explain = |club: &TestClub, by: &str| {
        let run = leaves_files(
            club,
            &[
                "--format",
                "csv",
                "explain",
                "lead",
                &lead,
                "--claim-by",
                by,
            ],
            0,
        );
        csv_rows(&run.stdout)
    };
    let line = |rows: &[Vec<String>], topic: &str| {
        rows.iter()
            .find(|r| r[0] == topic)
            .unwrap_or_else(|| panic!("no {topic}"))
            .clone()
    };
    // day 40: still S01's
    club.on("2026-12-10");
    let rows = explain(&club, "S02");
    assert_eq!(
        line(&rows, "last valid day")[1],
        "2026-12-10 (fixed when claimed: 40 days from 2026-11-01)"
    );
    assert_eq!(line(&rows, "last valid day")[2], "lead.valid_days");
    let claim = line(&rows, "claim by S02");
    assert!(
        claim[1].starts_with("refused: phone 13900000001 is already held by live lead"),
        "{claim:?}"
    );
    // day 41: public, and anyone but the former owner may claim
    club.on("2026-12-11");
    let rows = explain(&club, "S02");
    assert_eq!(line(&rows, "status")[1], "public since 2026-12-11");
    assert_eq!(
        line(&rows, "claim by S02")[1],
        "accepted: S02 would own it until 2027-01-19"
    );
    // the former owner is refused by the cooldown: 30 days by default,
    // 7 in a club that shortened it
    let rows = explain(&club, "S01");
    assert_eq!(
        line(&rows, "former owner")[1],
        "S01 may claim it again from 2027-01-10"
    );
    set_rule(
        &club,
        "reclaim_cooldown_days = 30",
        "reclaim_cooldown_days = 7",
    );
    let rows = explain(&club, "S01");
    let claim = line(&rows, "claim by S01");
    assert!(
        claim[1].contains("may claim it again from 2026-12-18"),
        "{claim:?}"
    );
    assert_eq!(claim[2], "lead.reclaim_cooldown_days");
    assert_eq!(
        line(&rows, "former owner")[1],
        "S01 may claim it again from 2026-12-18"
    );
    // and the cap: S02 at a cap of 1
    set_rule(&club, "max_active = 10", "max_active = 1");
    club.ok(&[
        "lead",
        "claim",
        "--sales",
        "S02",
        "--name",
        "Xu Lei",
        "--phone",
        "13900000002",
    ]);
    let rows = explain(&club, "S02");
    let claim = line(&rows, "claim by S02");
    assert_eq!(claim[2], "lead.max_active");
    assert_eq!(
        line(&rows, "claimant holds")[1],
        "1 live leads of 1 allowed"
    );
    club.refused(&["explain", "lead", "L999999"], 5, "no lead L999999");
    club.refused(
        &["explain", "lead", &lead, "--claim-by", "S99"],
        5,
        "no staff member S99",
    );
}

#[test]
fn explain_entry_names_the_campaign_and_the_referral_behind_a_recharge() {
    let club = TestClub::new();
    // a campaign in force today, its shipped case moved with it
    set_rule(
        &club,
        "confirm_pay_above = \"1000\"\n",
        "confirm_pay_above = \"1000\"\n[[recharge.bonus]]\nname = \"Winter\"\nfrom = 2026-11-01\nto = 2026-11-30\npercent = 20\nmin_amount = \"500\"\n",
    );
    set_rule(
        &club,
        "on = 2026-11-25\nexpect = \"0\"",
        "on = 2026-11-25\nexpect = \"200\"",
    );
    leaves_files(&club, &["rules", "test"], 0);
    let a = club.active_member("Referrer", "13800000001");
    let b = club.ok(&[
        "member",
        "add",
        "--name",
        "Newcomer",
        "--phone",
        "13800000002",
        "--referrer",
        &a,
    ]);
    club.ok(&["member", "approve", &b]);
    club.ok(&["wallet", "recharge", &b, "--amount", "1000"]);
    let ledger = csv_rows(&club.read("ledger.csv"));
    let id = |kind: &str| {
        ledger[1..]
            .iter()
            .find(|r| r[2] == kind)
            .map(|r| r[0].clone())
            .unwrap_or_else(|| panic!("no {kind} entry"))
    };
    let (recharge, bonus, grant) = (id("recharge"), id("bonus"), id("grant"));

    let rows = csv_rows(
        &leaves_files(
            &club,
            &["--format", "csv", "explain", "entry", &recharge],
            0,
        )
        .stdout,
    );
    let paid: Vec<&Vec<String>> = rows.iter().filter(|r| r[0] == "paid").collect();
    assert_eq!(paid.len(), 2, "{rows:?}");
    assert!(
        paid.iter().any(
            |r| r[1] == format!("bonus 200.00 to {b}: campaign Winter +20%")
                && r[2] == "recharge.bonus"
        ),
        "{paid:?}"
    );
    assert!(
        paid.iter().any(
            |r| r[1].starts_with(&format!("grant 100 points to {a}: referral"))
                && r[2] == "referral.percent"
        ),
        "{paid:?}"
    );

    let rows = csv_rows(&club.ok(&["--format", "csv", "explain", "entry", &bonus]));
    let campaign = rows.iter().find(|r| r[0] == "campaign").expect("campaign");
    assert_eq!(
        campaign[1],
        format!("campaign Winter +20% on recharge {recharge} of 1000.00 on 2026-11-25")
    );
    let now = rows.iter().find(|r| r[0] == "rules in force now").unwrap();
    assert_eq!(now[1], "Winter +20% gives 200.00");

    let rows = csv_rows(&club.ok(&["--format", "csv", "explain", "entry", &grant]));
    let referral = rows.iter().find(|r| r[0] == "referral").expect("referral");
    assert_eq!(
        referral[1],
        format!("10% of the first recharge 1000.00 of {b} ({recharge}), paid as points")
    );
    assert_eq!(referral[2], "referral.percent, referral.reward");
}
