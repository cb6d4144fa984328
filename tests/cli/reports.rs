//! The period reports and the KPI scorecard, checked against a small club
//! built by the real commands plus ledger lines written by hand, so that
//! entries fall on exact past days. Every expected figure below is worked
//! out by hand from the story in `club()`.

use crate::club::TestClub;
use std::io::Write;

/// Appends ledger lines `date,kind,member,cents,points` with the next ids,
/// then rebuilds the balances cache from the ledger as after any hand edit.
fn ledger(club: &TestClub, lines: &[&str]) {
    let text = club.read("ledger.csv");
    let mut next = text
        .lines()
        .last()
        .and_then(|l| l.get(1..9))
        .and_then(|n| n.parse::<u64>().ok())
        .unwrap_or(0);
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(club.path("ledger.csv"))
        .unwrap();
    for l in lines {
        next += 1;
        let (head, tail) = l.split_once(',').unwrap();
        writeln!(f, "T{next:08},{head},{tail},,office,fixture").unwrap();
    }
    club.ok(&["points", "rebuild"]);
}

/// The club's story (business days in brackets):
/// - A (female, born 2000-11-30) and B (male, born 1980-01-01) join in
///   October [10-15], each paying 1280.00 dues (as do C and E on approval
///   and A on renewal); B spends 900.00 and earns 900 points on 10-31.
/// - C (no gender, no birthday) applies and is approved on 11-01, the first
///   day of November; D applies [11-10] and is rejected [11-12]; E applies
///   and is approved [11-05], earns 20 points [11-06] and exits [11-20]
///   (forfeiting them): joined and left in the same month.
/// - B is frozen [11-15] (still in good standing); A renews [11-25].
/// - November ledger: A spends 80.00 [11-01] and 50.00 [11-30] and earns 80
///   points [11-01], is granted 10 [11-30], loses 30 to expiry [11-20];
///   B spends 1000.00 [11-15] and redeems 50 points [11-16]; C recharges
///   500.00 and gets a 50.00 bonus [11-02], pays 120.00 [11-03] and gets
///   20.00 back [11-04].
/// - An event on 11-30 (budget 500, cost 600): A and C register, C checks
///   in and scores it 4. C's check-in is C's only activity.
/// - Leads: S01 claims one lead on 10-01 (it expires after 40 days, on
///   11-10) and one on 11-02.
fn club() -> (TestClub, [String; 5]) {
    let mut c = TestClub::new();
    c.on("2026-10-01");
    let s = c.staff("Wang", "sales");
    c.ok(&[
        "lead",
        "claim",
        "--sales",
        &s,
        "--name",
        "P1",
        "--phone",
        "13700000001",
    ]);
    c.on("2026-10-15");
    let add = |c: &TestClub, name: &str, phone: &str, extra: &[&str]| {
        let mut args = vec!["member", "add", "--name", name, "--phone", phone];
        args.extend_from_slice(extra);
        c.ok(&args)
    };
    let a = add(
        &c,
        "A",
        "13800000001",
        &["--gender", "female", "--birthday", "2000-11-30"],
    );
    let b = add(
        &c,
        "B",
        "13800000002",
        &["--gender", "male", "--birthday", "1980-01-01"],
    );
    c.ok(&["member", "approve", &a, "--paid", "1280"]);
    c.ok(&["member", "approve", &b, "--paid", "1280"]);
    ledger(
        &c,
        &[
            "2026-10-31,spend,M000002,900.00,0",
            "2026-10-31,earn,M000002,0.00,900",
        ],
    );
    c.on("2026-11-01");
    let cc = add(&c, "C", "13800000003", &[]);
    c.ok(&["member", "approve", &cc, "--paid", "1280"]);
    c.ok(&[
        "event",
        "plan",
        "--title",
        "Tea",
        "--date",
        "2026-11-30",
        "--budget",
        "500",
    ]);
    c.ok(&["event", "register", "E0001", &a]);
    c.ok(&["event", "register", "E0001", &cc]);
    c.on("2026-11-02");
    c.ok(&[
        "lead",
        "claim",
        "--sales",
        &s,
        "--name",
        "P2",
        "--phone",
        "13700000002",
    ]);
    c.on("2026-11-05");
    let e = add(&c, "E", "13800000005", &[]);
    c.ok(&["member", "approve", &e, "--paid", "1280"]);
    ledger(&c, &["2026-11-06,earn,M000004,0.00,20"]);
    c.on("2026-11-10");
    let d = add(&c, "D", "13800000004", &[]);
    c.on("2026-11-12");
    c.ok(&["member", "reject", &d, "--reason", "no referee"]);
    c.on("2026-11-15");
    c.ok(&["member", "freeze", &b, "--reason", "abroad"]);
    c.on("2026-11-20");
    c.ok(&["member", "exit", &e]);
    c.on("2026-11-25");
    c.ok(&["member", "renew", &a, "--paid", "1280"]);
    ledger(
        &c,
        &[
            "2026-11-01,spend,M000001,80.00,0",
            "2026-11-01,earn,M000001,0.00,80",
            "2026-11-02,recharge,M000003,500.00,0",
            "2026-11-02,bonus,M000003,50.00,0",
            "2026-11-03,pay,M000003,-120.00,0",
            "2026-11-04,pay,M000003,20.00,0",
            "2026-11-15,spend,M000002,1000.00,0",
            "2026-11-16,redeem,M000002,0.00,-50",
            "2026-11-20,expire,M000001,0.00,-30",
            "2026-11-30,spend,M000001,50.00,0",
            "2026-11-30,grant,M000001,0.00,10",
        ],
    );
    c.on("2026-11-30");
    c.ok(&["event", "checkin", "E0001", &cc]);
    c.ok(&["event", "feedback", "E0001", &cc, "--score", "4"]);
    c.ok(&["event", "close", "E0001", "--cost", "600"]);
    c.on("2026-12-05");
    (c, [a, b, cc, e, d])
}

/// `measure -> value` of one period from the long CSV.
fn figures(club: &TestClub, args: &[&str]) -> std::collections::BTreeMap<String, String> {
    let mut all = vec!["report"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--format", "csv"]);
    club.ok(&all)
        .lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (format!("{}.{}", f[1], f[2]), f[3].to_string())
        })
        .collect()
}

fn expect(got: &std::collections::BTreeMap<String, String>, want: &[(&str, &str)]) {
    for (k, v) in want {
        assert_eq!(got.get(*k).map(String::as_str), Some(*v), "{k}");
    }
}

#[test]
fn november_members_section() {
    let (c, ids) = club();
    assert_eq!(ids, ["M000001", "M000002", "M000003", "M000004", "M000005"]);
    let f = figures(&c, &["monthly", "--month", "2026-11"]);
    expect(
        &f,
        &[
            ("members.at_start", "2"),
            ("members.at_end", "3"),
            ("members.applications", "3"),
            ("members.approved", "2"),
            ("members.rejected", "1"),
            ("members.renewed", "1"),
            ("members.exited", "1"),
            ("members.expelled", "0"),
            ("members.expired", "0"),
            ("members.growth_rate_pct", "100.00"),
            ("members.churn_rate_pct", "50.00"),
            ("members.tier_basic", "3"),
            ("members.tier_silver", "0"),
            ("members.gender_male", "1"),
            ("members.gender_female", "1"),
            ("members.gender_other", "0"),
            ("members.gender_unknown", "1"),
            // A turns 26 on 30 November, the period's last day.
            ("members.age_18-25", "0"),
            ("members.age_26-35", "1"),
            ("members.age_36-45", "0"),
            ("members.age_46+", "1"),
            ("members.age_unknown", "1"),
        ],
    );
    let oct = figures(&c, &["monthly", "--month", "2026-10"]);
    expect(
        &oct,
        &[
            ("members.at_start", "0"),
            ("members.at_end", "2"),
            ("members.applications", "2"),
            ("members.approved", "2"),
            ("members.growth_rate_pct", ""),
            // On 31 October A is still 25.
            ("members.age_18-25", "1"),
        ],
    );
}

#[test]
fn november_activity_points_leads_and_events() {
    let (c, _) = club();
    let f = figures(&c, &["monthly", "--month", "2026-11"]);
    expect(
        &f,
        &[
            // A, B (spend), C (check-in), E (earn).
            ("activity.active", "4"),
            ("activity.activity_rate_pct", "133.33"),
            ("activity.spend", "1130.00"),
            ("activity.spend_per_active", "282.50"),
            ("activity.spend_0-100", "0"),
            ("activity.spend_100-500", "1"),
            ("activity.spend_500-1000", "0"),
            ("activity.spend_1000+", "1"),
            ("activity.buyers", "2"),
            ("activity.repeat_buyers", "1"),
            ("activity.repurchase_rate_pct", "50.00"),
            // 130 / 1130.
            ("activity.repeat_spend_share_pct", "11.50"),
            ("points.earned", "100"),
            ("points.granted", "10"),
            ("points.redeemed", "50"),
            ("points.expired", "30"),
            ("points.forfeited", "20"),
            // 900 + 100 + 10 - 50 - 30 - 20.
            ("points.outstanding", "910"),
            ("points.wallet_recharged", "500.00"),
            ("points.wallet_bonus", "50.00"),
            ("points.wallet_paid", "100.00"),
            ("points.wallet_outstanding", "450.00"),
            // C and E approved, A renewed: three times 1280.
            ("points.dues", "3840.00"),
            ("leads.claimed", "1"),
            ("leads.converted", "0"),
            ("leads.expired", "1"),
            ("leads.conversion_rate_pct", "0.00"),
            ("events.held", "1"),
            ("events.registrations", "2"),
            ("events.attendance_rate_pct", "50.00"),
            ("events.satisfaction", "4.00"),
            ("events.budget", "500.00"),
            ("events.cost", "600.00"),
            ("events.over_budget", "100.00"),
        ],
    );
    c.check();
}

#[test]
fn quarters_and_years_run_the_same_engine() {
    let (c, _) = club();
    for args in [
        &["quarterly", "--quarter", "2026-Q4"][..],
        &["yearly", "--year", "2026"][..],
    ] {
        let f = figures(&c, args);
        expect(
            &f,
            &[
                ("members.at_start", "0"),
                ("members.at_end", "3"),
                ("members.applications", "5"),
                ("members.approved", "4"),
                ("members.rejected", "1"),
                ("members.exited", "1"),
                ("activity.spend", "2030.00"),
                ("activity.buyers", "2"),
                ("activity.repeat_buyers", "2"),
                ("points.earned", "1000"),
                ("points.dues", "6400.00"),
                ("leads.claimed", "2"),
            ],
        );
    }
    let q3 = figures(&c, &["quarterly", "--quarter", "2026-Q3"]);
    expect(&q3, &[("members.at_end", "0"), ("activity.spend", "0.00")]);
}

#[test]
fn the_default_month_runs_to_today_and_the_table_shows_the_change() {
    let (mut c, _) = club();
    // Mid-November: A's spend of the 30th and E's exit are not yet there.
    c.on("2026-11-19");
    let f = figures(&c, &["monthly"]);
    expect(
        &f,
        &[
            ("members.at_end", "4"),
            ("members.exited", "0"),
            ("activity.spend", "1080.00"),
        ],
    );
    c.on("2026-12-05");
    let run = c.run(&["report", "monthly", "--month", "2026-11"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("2026-11 (2026-11-01 to 2026-11-30) beside 2026-10"),
        "{}",
        run.stderr
    );
    let row = run.stdout.lines().find(|l| l.contains(" at_end ")).unwrap();
    let cells: Vec<&str> = row
        .split(['┆', '│'])
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .collect();
    assert_eq!(cells, ["members", "at_end", "3", "2", "1"]);
    let run = c.run(&[
        "report",
        "monthly",
        "--month",
        "2026-11",
        "--compare",
        "2026-09",
    ]);
    assert!(run.stderr.contains("beside 2026-09"), "{}", run.stderr);
    let json = c.ok(&[
        "report", "monthly", "--month", "2026-11", "--format", "json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["compare"], "2026-10");
    let growth = v["figures"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["measure"] == "growth_rate_pct")
        .unwrap();
    assert_eq!(growth["value"], "100.00");
    assert_eq!(growth["previous"], serde_json::Value::Null);
}

#[test]
fn with_no_month_given_a_month_with_nothing_yet_falls_back_to_the_last_active_one() {
    let (mut c, _) = club();
    c.on("2026-12-05");
    let explicit = c.run(&["report", "monthly", "--month", "2026-11"]);
    let run = c.run(&["report", "monthly"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr
            .starts_with("nothing recorded yet in 2026-12; reporting 2026-11"),
        "{}",
        run.stderr
    );
    assert!(
        !explicit.stderr.contains("nothing recorded"),
        "{}",
        explicit.stderr
    );
    assert_eq!(run.stdout, explicit.stdout);
    // The same for the scorecard, the quarter and the year (Q4 and 2026
    // already hold November, so they stay).
    let kpi = c.run(&["report", "kpi"]);
    assert!(kpi.stderr.contains("reporting 2026-11"), "{}", kpi.stderr);
    let q = c.run(&["report", "quarterly"]);
    assert!(!q.stderr.contains("nothing recorded"), "{}", q.stderr);
    // Once December has a line, December it is.
    c.ok(&["member", "add", "--name", "F", "--phone", "13900000099"]);
    let run = c.run(&["report", "monthly"]);
    assert!(!run.stderr.contains("nothing recorded"), "{}", run.stderr);
    assert!(
        run.stderr.contains("2026-12 (2026-12-01 to 2026-12-05)"),
        "{}",
        run.stderr
    );
}

#[test]
fn leap_february_and_a_member_who_joins_and_leaves_in_it() {
    let mut c = TestClub::new();
    c.on("2028-02-29");
    let m = c.active_member("Leap", "13800000009");
    ledger(&c, &["2028-02-29,spend,M000001,99.99,0"]);
    c.ok(&["member", "exit", &m]);
    c.on("2028-03-01");
    ledger(&c, &["2028-03-01,spend,M000001,100.00,0"]);
    let feb = figures(&c, &["monthly", "--month", "2028-02"]);
    expect(
        &feb,
        &[
            ("members.at_start", "0"),
            ("members.applications", "1"),
            ("members.approved", "1"),
            ("members.exited", "1"),
            ("members.at_end", "0"),
            ("members.churn_rate_pct", ""),
            ("activity.spend", "99.99"),
            ("activity.spend_0-100", "1"),
        ],
    );
    let mar = figures(&c, &["monthly", "--month", "2028-03"]);
    expect(
        &mar,
        &[
            ("members.at_start", "0"),
            ("members.exited", "0"),
            ("activity.spend", "100.00"),
            ("activity.spend_0-100", "0"),
            ("activity.spend_100-500", "1"),
        ],
    );
}

#[test]
fn kpi_scorecard_caps_attainment_and_weights_it() {
    let (c, _) = club();
    let out = c.ok(&["report", "kpi", "--month", "2026-11", "--format", "csv"]);
    assert_eq!(
        out,
        "period,measure,actual,target,attainment_pct,weight,score\n\
         2026-11,member_growth,100.00,2.00,100.00,30,30.00\n\
         2026-11,satisfaction,4.00,4.50,88.88,20,17.77\n\
         2026-11,events,1.00,2.00,50.00,15,7.50\n\
         2026-11,activity,133.33,30.00,100.00,20,20.00\n\
         2026-11,repurchase,50.00,40.00,100.00,15,15.00\n\
         2026-11,total,,,,100,90.27"
    );
}

#[test]
fn kpi_targets_and_weights_come_from_club_toml() {
    let (c, _) = club();
    let toml = c.read("club.toml").replace(
        "events = { target = 2, weight = 15 }",
        "events = { target = 1, weight = 15 }",
    );
    std::fs::write(c.path("club.toml"), toml).unwrap();
    let out = c.ok(&["report", "kpi", "--month", "2026-11", "--format", "csv"]);
    assert!(
        out.contains("2026-11,events,1.00,1.00,100.00,15,15.00"),
        "{out}"
    );
    assert!(out.ends_with("2026-11,total,,,,100,97.77"), "{out}");
    let toml = c.read("club.toml").replace(
        "events = { target = 1, weight = 15 }",
        "events = { target = 1, weight = 16 }",
    );
    std::fs::write(c.path("club.toml"), toml).unwrap();
    c.refused(&["report", "kpi"], 3, "add up to 101");
}

/// The line (from 1) of club.toml that starts with `start`.
fn toml_line(c: &TestClub, start: &str) -> usize {
    let text = c.read("club.toml");
    1 + text
        .lines()
        .position(|l| l.starts_with(start))
        .unwrap_or_else(|| panic!("no line starting {start:?}"))
}

#[test]
fn kpi_errors_name_the_line_of_the_key_at_fault() {
    let (c, _) = club();
    let original = c.read("club.toml");
    let at = |line: usize| format!("{}:{line}", c.path("club.toml").display());
    let toml = original.replace(
        "events = { target = 2, weight = 15 }",
        "events = { target = 2, weight = 16 }",
    );
    std::fs::write(c.path("club.toml"), toml).unwrap();
    let kpi = toml_line(&c, "[kpi]");
    assert!(kpi > 1);
    let run = c.refused(&["report", "kpi"], 3, &at(kpi));
    assert!(run.stderr.contains("add up to 101"), "{}", run.stderr);
    let toml = original.replace(
        "satisfaction = { target = 4.5, weight = 20 }",
        "satisfaction = { target = 0, weight = 20 }",
    );
    std::fs::write(c.path("club.toml"), toml).unwrap();
    let line = toml_line(&c, "satisfaction = ");
    let run = c.refused(&["report", "kpi"], 3, &at(line));
    assert!(
        run.stderr.contains("kpi.satisfaction.target is 0"),
        "{}",
        run.stderr
    );
}

#[test]
fn the_csv_shape_is_stable() {
    let c = TestClub::new();
    let out = c.ok(&["report", "monthly", "--format", "csv"]);
    let expected = "period,section,measure,value
2026-11,members,at_start,0
2026-11,members,at_end,0
2026-11,members,applications,0
2026-11,members,approved,0
2026-11,members,rejected,0
2026-11,members,renewed,0
2026-11,members,exited,0
2026-11,members,expelled,0
2026-11,members,expired,0
2026-11,members,growth_rate_pct,
2026-11,members,churn_rate_pct,
2026-11,members,tier_basic,0
2026-11,members,tier_silver,0
2026-11,members,tier_gold,0
2026-11,members,tier_platinum,0
2026-11,members,gender_male,0
2026-11,members,gender_female,0
2026-11,members,gender_other,0
2026-11,members,gender_unknown,0
2026-11,members,age_18-25,0
2026-11,members,age_26-35,0
2026-11,members,age_36-45,0
2026-11,members,age_46+,0
2026-11,members,age_unknown,0
2026-11,activity,active,0
2026-11,activity,activity_rate_pct,
2026-11,activity,spend,0.00
2026-11,activity,spend_per_active,
2026-11,activity,spend_0-100,0
2026-11,activity,spend_100-500,0
2026-11,activity,spend_500-1000,0
2026-11,activity,spend_1000+,0
2026-11,activity,buyers,0
2026-11,activity,repeat_buyers,0
2026-11,activity,repurchase_rate_pct,
2026-11,activity,repeat_spend_share_pct,
2026-11,points,earned,0
2026-11,points,granted,0
2026-11,points,redeemed,0
2026-11,points,expired,0
2026-11,points,forfeited,0
2026-11,points,outstanding,0
2026-11,points,due_next_month,0
2026-11,points,wallet_recharged,0.00
2026-11,points,wallet_bonus,0.00
2026-11,points,wallet_paid,0.00
2026-11,points,wallet_outstanding,0.00
2026-11,points,dues,0.00
2026-11,leads,claimed,0
2026-11,leads,converted,0
2026-11,leads,expired,0
2026-11,leads,conversion_rate_pct,
2026-11,events,held,0
2026-11,events,registrations,0
2026-11,events,attendance_rate_pct,
2026-11,events,satisfaction,
2026-11,events,budget,0.00
2026-11,events,cost,0.00
2026-11,events,over_budget,0.00";
    assert_eq!(out, expected);
    // Without the header, months append to one file.
    let oct = c.ok(&[
        "report",
        "monthly",
        "--month",
        "2026-10",
        "--format",
        "csv",
        "--no-header",
    ]);
    assert!(oct.starts_with("2026-10,members,at_start,0\n"), "{oct}");
    assert_eq!(oct.lines().count(), expected.lines().count() - 1);
}

#[test]
fn refusals_exit_2_and_change_nothing() {
    let c = TestClub::new();
    c.refused(
        &["report", "monthly", "--month", "2026-13"],
        2,
        "not a month",
    );
    c.refused(
        &["report", "monthly", "--month", "2026-1"],
        2,
        "not a month",
    );
    c.refused(&["report", "kpi", "--month", "november"], 2, "not a month");
    c.refused(
        &["report", "quarterly", "--quarter", "2026-Q5"],
        2,
        "not a quarter",
    );
    c.refused(&["report", "yearly", "--year", "26"], 2, "not a year");
    c.refused(
        &[
            "report",
            "monthly",
            "--month",
            "2026-11",
            "--compare",
            "2026-12",
        ],
        2,
        "not earlier than 2026-11",
    );
    c.refused(
        &[
            "report",
            "monthly",
            "--month",
            "2026-11",
            "--compare",
            "2026-11",
        ],
        2,
        "not earlier than 2026-11",
    );
    c.refused(
        &[
            "report",
            "quarterly",
            "--quarter",
            "2026-Q2",
            "--compare",
            "2026-Q3",
        ],
        2,
        "not earlier",
    );
    c.refused(
        &["report", "monthly", "--compare", "2026-Q3"],
        2,
        "not a month",
    );
}

/// Every report of the story, as CSV, in a fixed order.
fn all_reports(c: &TestClub) -> Vec<String> {
    let mut out = Vec::new();
    for m in ["2026-10", "2026-11", "2026-12"] {
        out.push(c.ok(&["report", "monthly", "--month", m, "--format", "csv"]));
        out.push(c.ok(&["report", "kpi", "--month", m, "--format", "csv"]));
    }
    out.push(c.ok(&[
        "report",
        "monthly",
        "--month",
        "2026-12",
        "--compare",
        "2026-10",
        "--format",
        "csv",
    ]));
    out.push(c.ok(&[
        "report",
        "quarterly",
        "--quarter",
        "2026-Q4",
        "--format",
        "csv",
    ]));
    out.push(c.ok(&["report", "yearly", "--year", "2026", "--format", "csv"]));
    out
}

#[test]
fn data_close_writes_month_end_closings_that_reports_start_from() {
    let (mut c, _) = club();
    c.on("2027-01-05");
    let before = all_reports(&c);
    // A dry run writes nothing.
    let snap = c.snapshot();
    let run = c.run(&["--dry-run", "data", "close"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stderr, "");
    assert!(
        run.stdout.starts_with(
            "2027-01-05 data close: dry run, 3 would change (months 2026-10, 2026-11, 2026-12)\n"
        ),
        "{}",
        run.stdout
    );
    assert_eq!(snap, c.snapshot(), "a dry run wrote files");

    let run = c.run(&["data", "close"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "2027-01-05 data close: 3 changed (months 2026-10, 2026-11, 2026-12)\n"
    );
    for m in ["2026-10", "2026-11", "2026-12"] {
        assert!(c.path(&format!("closings/{m}.csv")).is_file());
        assert!(c.path(&format!("closings/{m}.toml")).is_file());
    }
    assert!(
        !c.path("closings/2027-01.csv").exists(),
        "January has not ended"
    );
    // November's closing, worked by hand: A holds 80 - 30 + 10 points in
    // one lot (November's), B 900 - 50 (October's), C 500 + 50 - 120 + 20 in the
    // wallet; E left and forfeited.
    let nov = c.read("closings/2026-11.csv");
    assert!(
        nov.starts_with("member,status,tier,points,wallet,lots\n"),
        "{nov}"
    );
    assert!(
        nov.contains("\nM000001,active,basic,60,0.00,2026-11-01:60\n"),
        "{nov}"
    );
    assert!(
        nov.contains("\nM000002,frozen,basic,850,0.00,2026-10-01:850\n"),
        "{nov}"
    );
    assert!(nov.contains("\nM000003,active,basic,0,450.00,\n"), "{nov}");
    assert_eq!(all_reports(&c), before, "a closing changed a figure");
    c.check();
    let run = c.run(&["data", "close"]);
    assert_eq!(
        (run.stdout.as_str(), run.stderr.as_str()),
        ("", ""),
        "a job with nothing to do is quiet"
    );
}

#[test]
fn a_line_dated_before_a_closing_makes_reports_read_from_the_beginning() {
    let (mut c, [a, ..]) = club();
    c.on("2027-01-05");
    c.ok(&["data", "close"]);
    // A grant dated in November, written after November was closed: A now
    // holds 60 + 7 points, B 850.
    c.on("2026-11-28");
    c.ok(&[
        "points",
        "grant",
        &a,
        "--points",
        "7",
        "--reason",
        "late sign-in",
    ]);
    c.on("2027-01-05");
    let late = all_reports(&c);
    let dec = figures(&c, &["monthly", "--month", "2026-12"]);
    expect(&dec, &[("points.outstanding", "917")]);
    // The same files without closings give the same figures.
    std::fs::remove_dir_all(c.path("closings")).unwrap();
    assert_eq!(all_reports(&c), late);
    // And `data close` refuses to close over lines out of date order,
    // leaving the files as they were.
    c.ok(&["data", "close"]);
    c.on("2027-02-03");
    c.on("2026-12-30");
    c.ok(&["points", "grant", &a, "--points", "1", "--reason", "late"]);
    c.on("2027-02-03");
    c.refused(&["data", "close"], 3, "out of date order");
}

#[test]
fn data_check_proves_a_closing_against_the_journals() {
    let (mut c, _) = club();
    c.on("2027-01-05");
    c.ok(&["data", "close"]);
    let path = c.path("closings/2026-12.csv");
    let text = c.read("closings/2026-12.csv");
    std::fs::write(
        &path,
        text.replace("M000002,frozen,basic,850", "M000002,frozen,basic,851"),
    )
    .unwrap();
    let run = c.run(&["data", "check"]);
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert!(
        run.stderr.contains("closings/2026-12.csv:3")
            && run.stderr.contains("M000002's row differs"),
        "{}",
        run.stderr
    );
    // Made again, it passes.
    std::fs::write(&path, &text).unwrap();
    c.check();
    // A closing whose anchor no longer matches is reported, and reports
    // pass it over.
    let toml = c.path("closings/2026-12.toml");
    let meta = c.read("closings/2026-12.toml");
    let line = meta
        .lines()
        .find(|l| l.starts_with("anchor = \"T"))
        .unwrap()
        .to_string();
    std::fs::write(&toml, meta.replace(&line, "anchor = \"T99999999\"")).unwrap();
    let run = c.run(&["data", "check"]);
    assert!(
        run.stderr.contains("no longer matches the journals"),
        "{}",
        run.stderr
    );
    let with = figures(&c, &["monthly", "--month", "2027-01"]);
    std::fs::remove_dir_all(c.path("closings")).unwrap();
    assert_eq!(figures(&c, &["monthly", "--month", "2027-01"]), with);
}
