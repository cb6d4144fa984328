//! Events: plan, register with a wait-list, check in, feedback, close,
//! cancel, listings and the report. Business day 2026-11-25 unless set.

use crate::club::TestClub;
use std::collections::HashSet;

/// `n` active members with phones 1380000000<i>; returns their ids.
fn members(club: &TestClub, n: usize) -> Vec<String> {
    (1..=n)
        .map(|i| club.active_member(&format!("Member {i}"), &format!("1380000{i:04}")))
        .collect()
}

/// Sets a member's tier by editing its shard of the members table (every
/// member of these tests is in members/M000.csv): no command changes a
/// tier by hand yet (the nightly recompute does), so the fixture writes it.
fn set_tier(club: &TestClub, member: &str, tier: &str) {
    assert!(member.starts_with("M000") && member.len() == 7, "{member}");
    let text = club.read("members/M000.csv");
    let out: Vec<String> = text
        .lines()
        .map(|l| {
            if l.starts_with(&format!("{member},")) {
                l.replace(",active,basic,", &format!(",active,{tier},"))
            } else {
                l.to_string()
            }
        })
        .collect();
    std::fs::write(club.path("members/M000.csv"), out.join("\n") + "\n").unwrap();
}

/// Gives a member stored value through `wallet recharge`.
fn recharge(club: &TestClub, member: &str, amount: &str) {
    club.ok(&["wallet", "recharge", member, "--amount", amount]);
}

/// Ledger lines of one kind for one member, as (cents, points, reference).
fn ledger(club: &TestClub, kind: &str, member: &str) -> Vec<(String, String, String)> {
    club.read("ledger.csv")
        .lines()
        .skip(1)
        .map(|l| l.split(',').map(str::to_string).collect::<Vec<_>>())
        .filter(|f| f[2] == kind && f[3] == member)
        .map(|f| (f[4].clone(), f[5].clone(), f[6].clone()))
        .collect()
}

/// The status column of a registration.
fn status(club: &TestClub, event: &str, member: &str) -> String {
    let id = format!("{event}/{member},");
    club.table("registrations")
        .lines()
        .find(|l| l.starts_with(&id))
        .map(|l| l.split(',').nth(3).unwrap_or_default().to_string())
        .unwrap_or_default()
}

fn plan(club: &TestClub, extra: &[&str]) -> String {
    let mut args = vec![
        "event",
        "plan",
        "--title",
        "Tea party",
        "--date",
        "2026-12-10",
    ];
    args.extend_from_slice(extra);
    club.ok(&args)
}

/// An event on the test's business day, granting `points` for coming.
fn plan_today(club: &TestClub, points: &str) -> String {
    club.ok(&[
        "event",
        "plan",
        "--title",
        "Now",
        "--date",
        "2026-11-25",
        "--points",
        points,
    ])
}

#[test]
fn plan_prints_the_new_id_and_an_event_today_is_not_in_the_past() {
    let club = TestClub::new();
    assert_eq!(plan(&club, &[]), "E0001");
    let today = club.ok(&["event", "plan", "--title", "Now", "--date", "2026-11-25"]);
    assert_eq!(today, "E0002");
    assert!(club
        .read("events.csv")
        .contains("E0002,Now,social,2026-11-25"));
    club.check();
}

#[test]
fn plan_refusals_leave_files_unchanged() {
    let club = TestClub::new();
    club.refused(
        &["event", "plan", "--title", "Old", "--date", "2026-11-24"],
        4,
        "in the past",
    );
    club.refused(
        &[
            "event",
            "plan",
            "--title",
            "T",
            "--date",
            "2026-12-01",
            "--min-tier",
            "diamond",
        ],
        4,
        "tier 'diamond' is not in club.toml",
    );
    club.refused(
        &[
            "event",
            "plan",
            "--title",
            "T",
            "--date",
            "2026-12-02",
            "--end",
            "2026-12-01",
        ],
        2,
        "before --date",
    );
    club.refused(
        &[
            "event",
            "plan",
            "--title",
            "T",
            "--date",
            "2026-12-02",
            "--capacity",
            "0",
        ],
        2,
        "--capacity",
    );
    club.refused(
        &[
            "event",
            "plan",
            "--title",
            "T",
            "--date",
            "2026-12-02",
            "--kind",
            "party",
        ],
        2,
        "party",
    );
    let id = club.ok(&[
        "event",
        "plan",
        "--title",
        "Old",
        "--date",
        "2026-11-24",
        "--backfill",
        "--kind",
        "member-day",
    ]);
    assert_eq!(id, "E0001");
}

#[test]
fn register_refusals_leave_files_unchanged() {
    let club = TestClub::new();
    let ids = members(&club, 2);
    let e = plan(&club, &["--min-tier", "silver"]);
    club.refused(
        &["event", "register", "E0099", &ids[0]],
        5,
        "no event E0099",
    );
    club.refused(
        &["event", "register", &e, "M999999"],
        5,
        "no member M999999",
    );
    club.refused(
        &["event", "register", &e, &ids[0]],
        4,
        "is for silver tier and above",
    );
    set_tier(&club, &ids[0], "gold");
    club.ok(&["event", "register", &e, &ids[0]]);
    club.refused(
        &["event", "register", &e, &ids[0]],
        4,
        "one registration per member",
    );
    let pending = club.ok(&["member", "add", "--name", "P", "--phone", "13900000009"]);
    let free = plan(&club, &[]);
    club.refused(&["event", "register", &free, &pending], 4, "is pending");
    club.ok(&["member", "freeze", &ids[1], "--reason", "arrears"]);
    club.refused(&["event", "register", &free, &ids[1]], 4, "is frozen");
    club.check();
}

#[test]
fn past_capacity_members_are_waitlisted_and_promoted_in_order() {
    let club = TestClub::new();
    let ids = members(&club, 5);
    let e = plan(&club, &["--capacity", "2"]);
    let got: Vec<String> = ids
        .iter()
        .map(|m| club.ok(&["event", "register", &e, m]))
        .collect();
    assert_eq!(
        got,
        [
            "registered",
            "registered",
            "waitlisted",
            "waitlisted",
            "waitlisted"
        ]
    );
    // The wait-listed member who leaves frees no place.
    assert_eq!(club.ok(&["event", "unregister", &e, &ids[3]]), "");
    // The registered member who leaves hands the place to the first waiting.
    let run = club.run(&["event", "unregister", &e, &ids[0]]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout.trim(), ids[2]);
    assert!(
        run.stderr.contains("moves up from the wait-list"),
        "{}",
        run.stderr
    );
    assert_eq!(status(&club, &e, &ids[2]), "registered");
    assert_eq!(status(&club, &e, &ids[4]), "waitlisted");
    assert_eq!(club.ok(&["event", "unregister", &e, &ids[1]]), ids[4]);
    club.refused(
        &["event", "unregister", &e, &ids[1]],
        4,
        "only a registered or wait-listed member",
    );
    // A member who left may sign up again, at the end of the line.
    assert_eq!(club.ok(&["event", "register", &e, &ids[0]]), "waitlisted");
    assert!(club.read("audit.csv").contains("event promote"));
    club.check();
}

/// Several clubctl processes register at once; the store's exclusive lock
/// serialises them, so exactly `capacity` get a place.
#[test]
fn parallel_registrations_fill_exactly_the_capacity() {
    let club = TestClub::new();
    let ids = members(&club, 8);
    let e = plan(&club, &["--capacity", "3", "--fee", "10"]);
    let bin = assert_cmd::cargo::cargo_bin("clubctl");
    let children: Vec<_> = ids
        .iter()
        .map(|m| {
            std::process::Command::new(&bin)
                .env_clear()
                .env("CLUBCTL_DATA", club.dir())
                .env("CLUBCTL_TODAY", &club.today)
                .env("CLUBCTL_OPERATOR", &club.operator)
                .args(["--wait", "60", "event", "register", &e, m])
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("spawning clubctl")
        })
        .collect();
    let mut outcomes = Vec::new();
    for c in children {
        let out = c.wait_with_output().expect("waiting for clubctl");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        outcomes.push(String::from_utf8_lossy(&out.stdout).trim().to_string());
    }
    assert_eq!(outcomes.iter().filter(|s| *s == "registered").count(), 3);
    assert_eq!(outcomes.iter().filter(|s| *s == "waitlisted").count(), 5);
    let regs = club.table("registrations");
    let rows: Vec<Vec<&str>> = regs
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect())
        .collect();
    assert_eq!(rows.len(), 8);
    let keys: HashSet<&str> = rows.iter().map(|r| r[0]).collect();
    assert_eq!(keys.len(), 8, "duplicate registrations:\n{regs}");
    let mut seqs: Vec<u32> = rows.iter().map(|r| r[4].parse().unwrap()).collect();
    seqs.sort_unstable();
    assert_eq!(seqs, (1..=8).collect::<Vec<_>>());
    // The first three to get the lock hold the places.
    for r in &rows {
        let expect = if r[4].parse::<u32>().unwrap() <= 3 {
            "registered"
        } else {
            "waitlisted"
        };
        assert_eq!(r[3], expect, "{regs}");
    }
    let ledger = club.read("ledger.csv");
    let entry_ids: HashSet<&str> = ledger.lines().skip(1).map(|l| &l[..9]).collect();
    assert_eq!(entry_ids.len(), 8, "{ledger}");
    club.check();
}

#[test]
fn wallet_fees_are_taken_from_the_derived_balance_and_refunded_to_it() {
    let club = TestClub::new();
    let ids = members(&club, 3);
    recharge(&club, &ids[0], "80.00");
    let e = plan(&club, &["--fee", "50"]);
    club.refused(
        &["event", "register", &e, &ids[1], "--pay", "wallet"],
        4,
        "wallet holds 0.00",
    );
    club.ok(&["event", "register", &e, &ids[0], "--pay", "wallet"]);
    // The payment is no till receipt: the note names the event.
    let paid = ledger(&club, "pay", &ids[0]);
    assert_eq!(paid, [("-50.00".into(), "0".into(), String::new())]);
    assert!(club
        .read("ledger.csv")
        .contains(&format!(",pay,{},-50.00,0,,office,event fee {e}", ids[0])));
    // A second member paying the same event from the wallet is no second
    // use of a receipt.
    recharge(&club, &ids[2], "50.00");
    club.ok(&["event", "register", &e, &ids[2], "--pay", "wallet"]);
    club.check();
    // 30.00 left: a second event's fee of 50 is short.
    let e2 = plan(&club, &["--fee", "50"]);
    club.refused(
        &["event", "register", &e2, &ids[0], "--pay", "wallet"],
        4,
        "wallet holds 30.00",
    );
    club.ok(&["event", "unregister", &e, &ids[0]]);
    let pays = ledger(&club, "pay", &ids[0]);
    assert_eq!(pays.len(), 2);
    assert_eq!(pays[1].0, "50.00");
    // The refund references the entry it gives back.
    let first = club
        .read("ledger.csv")
        .lines()
        .find(|l| l.contains(",pay,") && l.contains("-50.00"))
        .map(|l| l[..9].to_string())
        .unwrap();
    assert_eq!(pays[1].2, first);
    club.ok(&["event", "register", &e2, &ids[0], "--pay", "wallet"]);
    club.check();
}

#[test]
fn cash_refunds_follow_the_configured_days_before_rule() {
    let mut club = TestClub::new();
    let toml = club
        .read("club.toml")
        .replace("late_refund_percent = 0", "late_refund_percent = 50");
    std::fs::write(club.path("club.toml"), toml).unwrap();
    let ids = members(&club, 2);
    let e = plan(&club, &["--fee", "40"]); // 2026-12-10; full refund until 12-07
    club.ok(&["event", "register", &e, &ids[0]]);
    club.ok(&["event", "register", &e, &ids[1]]);
    club.on("2026-12-07");
    club.ok(&["event", "unregister", &e, &ids[0]]);
    club.on("2026-12-08");
    club.ok(&["event", "unregister", &e, &ids[1]]);
    let fees0 = ledger(&club, "fee", &ids[0]);
    let fees1 = ledger(&club, "fee", &ids[1]);
    assert_eq!(
        fees0.iter().map(|f| f.0.as_str()).collect::<Vec<_>>(),
        ["40.00", "-40.00"]
    );
    assert_eq!(
        fees1.iter().map(|f| f.0.as_str()).collect::<Vec<_>>(),
        ["40.00", "-20.00"]
    );
    club.check();
}

#[test]
fn checkin_grants_the_points_once_and_walk_ins_need_room() {
    let mut club = TestClub::new();
    let ids = members(&club, 4);
    let e = plan(&club, &["--capacity", "2", "--points", "30"]);
    club.ok(&["event", "register", &e, &ids[0]]);
    club.refused(
        &["event", "checkin", &e, &ids[0]],
        4,
        "check-in opens that day",
    );
    club.on("2026-12-10");
    club.ok(&["event", "checkin", &e, &ids[0]]);
    club.refused(
        &["event", "checkin", &e, &ids[0]],
        4,
        "points are granted once",
    );
    assert_eq!(
        ledger(&club, "grant", &ids[0]),
        [(String::from("0.00"), String::from("30"), e.clone())]
    );
    // A walk-in takes the second place; then the event is full.
    club.ok(&["event", "checkin", &e, &ids[1]]);
    assert_eq!(status(&club, &e, &ids[1]), "attended");
    club.refused(&["event", "checkin", &e, &ids[2]], 4, "cannot walk in");
    let show = club.ok(&["event", "show", &e, "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&show).unwrap();
    assert_eq!(v["attended"], 2);
    assert_eq!(v["walk_ins"], 1);
    assert_eq!(v["attendance_rate"], "100.0%");
    club.check();
}

#[test]
fn feedback_is_for_attendees_and_a_second_replaces_the_first() {
    let mut club = TestClub::new();
    let ids = members(&club, 2);
    let e = plan(&club, &[]);
    club.ok(&["event", "register", &e, &ids[0]]);
    club.ok(&["event", "register", &e, &ids[1]]);
    club.on("2026-12-10");
    club.ok(&["event", "checkin", &e, &ids[0]]);
    club.refused(
        &["event", "feedback", &e, &ids[1], "--score", "4"],
        4,
        "only members who checked in",
    );
    club.refused(&["event", "feedback", &e, &ids[0], "--score", "6"], 2, "6");
    club.ok(&[
        "event",
        "feedback",
        &e,
        &ids[0],
        "--score",
        "4",
        "--comment",
        "nice",
    ]);
    club.ok(&[
        "event",
        "feedback",
        &e,
        &ids[0],
        "--score",
        "2",
        "--comment",
        "cold tea",
    ]);
    let regs = club.table("registrations");
    assert!(regs.contains(",2,cold tea"), "{regs}");
    assert!(!regs.contains("nice"), "{regs}");
    let audit = club.read("audit.csv");
    assert!(audit.contains("score: 4 → 2"), "{audit}");
    assert_eq!(audit.matches(",event feedback,").count(), 2);
    let show = club.ok(&["event", "show", &e, "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&show).unwrap();
    assert_eq!(v["satisfaction"], "2.00");
    club.check();
}

#[test]
fn close_records_cost_refunds_the_waitlist_and_stops_changes() {
    let mut club = TestClub::new();
    let ids = members(&club, 3);
    let e = plan(
        &club,
        &["--capacity", "1", "--fee", "10", "--budget", "300"],
    );
    club.ok(&["event", "register", &e, &ids[0]]);
    club.ok(&["event", "register", &e, &ids[1]]);
    club.refused(
        &["event", "close", &e, "--cost", "280"],
        4,
        "once it has been held",
    );
    club.on("2026-12-11");
    club.ok(&["event", "checkin", &e, &ids[0]]);
    let listing = club.ok(&["event", "close", &e, "--cost", "320.50", "--format", "csv"]);
    assert!(
        listing.contains(&format!("{},Member 2,13800000002,waitlisted,10.00", ids[1])),
        "{listing}"
    );
    assert_eq!(ledger(&club, "fee", &ids[1])[1].0, "-10.00");
    club.refused(&["event", "register", &e, &ids[2]], 4, "closed");
    club.refused(&["event", "checkin", &e, &ids[2]], 4, "closed");
    club.refused(&["event", "close", &e, "--cost", "1"], 4, "closed");
    club.refused(&["event", "cancel", &e, "--reason", "x"], 4, "closed");
    // Feedback still comes in after closing.
    club.ok(&["event", "feedback", &e, &ids[0], "--score", "5"]);
    let show = club.ok(&["event", "show", &e, "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&show).unwrap();
    assert_eq!(v["cost"], "320.50");
    assert_eq!(v["over_budget"], "20.50");
    club.check();
}

#[test]
fn cancel_lists_every_registered_member_with_phone_and_refunds() {
    let club = TestClub::new();
    let ids = members(&club, 3);
    recharge(&club, &ids[2], "100");
    let e = plan(&club, &["--capacity", "2", "--fee", "25"]);
    club.ok(&["event", "register", &e, &ids[0]]);
    club.ok(&["event", "register", &e, &ids[1]]);
    club.ok(&["event", "register", &e, &ids[2], "--pay", "wallet"]);
    club.refused(&["event", "cancel", &e, "--reason", " "], 2, "--reason");
    let csv = club.ok(&["event", "cancel", &e, "--reason", "typhoon"]);
    assert_eq!(
        csv.lines().collect::<Vec<_>>(),
        [
            "member,name,phone,was,refund",
            &format!("{},Member 1,13800000001,registered,25.00", ids[0]),
            &format!("{},Member 2,13800000002,registered,25.00", ids[1]),
            &format!("{},Member 3,13800000003,waitlisted,25.00", ids[2]),
        ]
    );
    assert_eq!(ledger(&club, "fee", &ids[0])[1].0, "-25.00");
    assert_eq!(ledger(&club, "pay", &ids[2])[1].0, "25.00");
    for m in &ids {
        assert_eq!(status(&club, &e, m), "cancelled");
    }
    club.refused(&["event", "register", &e, &ids[0]], 4, "cancelled");
    club.refused(
        &["event", "cancel", &e, "--reason", "again"],
        4,
        "cancelled",
    );
    club.check();
}

#[test]
fn an_event_with_checkins_cannot_be_cancelled() {
    let mut club = TestClub::new();
    let ids = members(&club, 1);
    let e = plan(&club, &[]);
    club.on("2026-12-10");
    club.ok(&["event", "checkin", &e, &ids[0]]);
    club.refused(&["event", "cancel", &e, "--reason", "rain"], 4, "close it");
}

#[test]
fn month_filters_keep_month_end_events_in_their_month() {
    let club = TestClub::new();
    for date in ["2026-11-30", "2026-12-01", "2026-12-31", "2027-01-01"] {
        club.ok(&["event", "plan", "--title", date, "--date", date]);
    }
    // A two-day event across the year end counts in both months.
    club.ok(&[
        "event",
        "plan",
        "--title",
        "New year",
        "--date",
        "2026-12-31",
        "--end",
        "2027-01-01",
    ]);
    let ids = |args: &[&str]| -> Vec<String> {
        club.ok(args)
            .lines()
            .skip(1)
            .map(|l| l.split(',').next().unwrap().to_string())
            .collect()
    };
    assert_eq!(
        ids(&["event", "list", "--month", "2026-12", "--format", "csv"]),
        ["E0002", "E0003", "E0005"]
    );
    assert_eq!(
        ids(&["event", "list", "--month", "2027-01", "--format", "csv"]),
        ["E0005", "E0004"]
    );
    assert_eq!(
        ids(&["report", "events", "--month", "2026-11", "--format", "csv"]),
        ["E0001", "total"]
    );
    club.refused(&["event", "list", "--month", "2026-13"], 2, "YYYY-MM");
}

#[test]
fn upcoming_lists_planned_events_not_yet_over() {
    let mut club = TestClub::new();
    club.ok(&["event", "plan", "--title", "a", "--date", "2026-11-25"]);
    club.ok(&["event", "plan", "--title", "b", "--date", "2026-11-26"]);
    club.ok(&["event", "plan", "--title", "c", "--date", "2026-11-27"]);
    club.ok(&["event", "cancel", "E0003", "--reason", "no venue"]);
    club.on("2026-11-26");
    let csv = club.ok(&["event", "list", "--upcoming", "--format", "csv"]);
    let got: Vec<&str> = csv.lines().skip(1).map(|l| &l[..5]).collect();
    assert_eq!(got, ["E0002"]);
}

#[test]
fn invite_lists_eligible_members_not_yet_registered() {
    let club = TestClub::new();
    let ids = members(&club, 4);
    set_tier(&club, &ids[1], "silver");
    set_tier(&club, &ids[2], "platinum");
    set_tier(&club, &ids[3], "gold");
    club.ok(&["member", "freeze", &ids[3], "--reason", "dispute"]);
    let e = plan(&club, &["--min-tier", "silver"]);
    club.ok(&["event", "register", &e, &ids[2]]);
    let csv = club.ok(&["event", "invite", &e, "--format", "csv"]);
    assert_eq!(
        csv.lines().collect::<Vec<_>>(),
        [
            "member,name,phone,tier,status",
            &format!("{},Member 2,13800000002,silver,active", ids[1]),
        ]
    );
    club.refused(&["event", "invite", "E0404"], 5, "no event E0404");
}

#[test]
fn report_gives_each_event_and_a_total_in_every_format() {
    let mut club = TestClub::new();
    let ids = members(&club, 4);
    let a = plan(&club, &["--capacity", "3", "--budget", "500"]);
    for m in &ids[..3] {
        club.ok(&["event", "register", &a, m]);
    }
    let b = club.ok(&[
        "event",
        "plan",
        "--title",
        "Walk",
        "--date",
        "2026-12-20",
        "--budget",
        "100",
    ]);
    club.ok(&["event", "register", &b, &ids[3]]);
    club.on("2026-12-10");
    club.ok(&["event", "checkin", &a, &ids[0]]);
    club.ok(&["event", "checkin", &a, &ids[1]]);
    club.ok(&["event", "feedback", &a, &ids[0], "--score", "5"]);
    club.ok(&["event", "feedback", &a, &ids[1], "--score", "4"]);
    club.ok(&["event", "close", &a, "--cost", "450"]);
    let csv = club.ok(&["report", "events", "--month", "2026-12", "--format", "csv"]);
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "event,date,title,status,held,capacity,registrations,waitlisted,attended,walk_ins,attendance_rate,scores,satisfaction,budget,cost,over_budget,fees_net"
    );
    assert_eq!(
        lines[1],
        "E0001,2026-12-10,Tea party,closed,1,3,3,0,2,0,66.7%,2,4.50,500.00,450.00,-50.00,0.00"
    );
    assert_eq!(
        lines[2],
        "E0002,2026-12-20,Walk,planned,0,,1,0,0,0,,0,,100.00,0.00,-100.00,0.00"
    );
    assert_eq!(
        lines[3],
        "total,2026-12,2 events,,1,,4,0,2,0,66.7%,2,4.50,600.00,450.00,-150.00,0.00"
    );
    let json: serde_json::Value =
        serde_json::from_str(&club.ok(&["report", "events", "--format", "json"])).unwrap();
    assert_eq!(json[2]["event"], "total");
    assert_eq!(json[0]["attended"], 2);
    let table = club.ok(&["report", "events"]);
    assert!(
        table.contains("Tea party") && table.contains("total"),
        "{table}"
    );
}

#[test]
fn data_check_finds_overfull_events_and_unknown_members() {
    let club = TestClub::new();
    let ids = members(&club, 2);
    let e = plan(&club, &["--capacity", "2"]);
    club.ok(&["event", "register", &e, &ids[0]]);
    club.ok(&["event", "register", &e, &ids[1]]);
    club.check();
    let events = club.read("events.csv").replace(",2,0.00,", ",1,0.00,");
    std::fs::write(club.path("events.csv"), events).unwrap();
    let regs = club.table("registrations").replace(
        &format!("E0001/{0},E0001,{0},", ids[1]),
        &format!("E0001/{0},E0001,M000404,", ids[1]),
    );
    std::fs::write(club.path("registrations/E0001.csv"), regs).unwrap();
    let run = club.run(&["data", "check"]);
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert!(
        run.stderr.contains("2 places taken, capacity 1"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("member M000404 is not in members.csv"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("id should be E0001/M000404"),
        "{}",
        run.stderr
    );
}

#[test]
fn dry_run_writes_nothing() {
    let club = TestClub::new();
    let ids = members(&club, 1);
    let e = plan(&club, &["--fee", "5"]);
    let before = club.snapshot();
    let run = club.run(&["--dry-run", "event", "register", &e, &ids[0]]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("would change"), "{}", run.stderr);
    assert_eq!(before, club.snapshot());
}

#[test]
fn after_the_event_registrations_no_longer_change_and_frozen_members_earn_nothing() {
    let mut club = TestClub::new();
    let ids = members(&club, 2);
    let e = plan(&club, &["--points", "10"]);
    club.ok(&["event", "register", &e, &ids[0]]);
    club.ok(&["event", "register", &e, &ids[1]]);
    club.ok(&["member", "freeze", &ids[1], "--reason", "arrears"]);
    club.on("2026-12-10");
    club.refused(&["event", "checkin", &e, &ids[1]], 4, "is frozen");
    club.on("2026-12-11");
    club.refused(&["event", "unregister", &e, &ids[0]], 4, "no longer change");
    club.refused(
        &["event", "register", &e, &ids[0]],
        4,
        "registration is closed",
    );
    // Attendance may still be recorded late, until the event is closed.
    club.ok(&["event", "checkin", &e, &ids[0]]);
    club.check();
}

#[test]
fn unknown_records_and_bad_values_are_refused_without_writing() {
    let mut club = TestClub::new();
    let ids = members(&club, 2);
    let e = plan(&club, &[]);
    for args in [
        vec!["event", "show", "E0404"],
        vec!["event", "unregister", "E0404", &ids[0]],
        vec!["event", "checkin", "E0404", &ids[0]],
        vec!["event", "feedback", "E0404", &ids[0], "--score", "3"],
        vec!["event", "close", "E0404", "--cost", "1"],
        vec!["event", "cancel", "E0404", "--reason", "x"],
    ] {
        club.refused(&args, 5, "no event E0404");
    }
    club.refused(&["event", "checkin", &e, "M000404"], 5, "no member M000404");
    club.refused(
        &["event", "unregister", &e, &ids[0]],
        4,
        "is not registered",
    );
    club.on("2026-12-10");
    club.refused(&["event", "close", &e, "--cost=-5"], 2, "--cost");
    club.refused(&["event", "close", &e, "--cost", "12.345"], 2, "12.345");
}

#[test]
fn registration_on_the_day_of_the_event_is_open() {
    let club = TestClub::new();
    let ids = members(&club, 1);
    let e = plan_today(&club, "5");
    assert_eq!(club.ok(&["event", "register", &e, &ids[0]]), "registered");
    club.ok(&["event", "checkin", &e, &ids[0]]);
    assert_eq!(ledger(&club, "grant", &ids[0]).len(), 1);
    club.check();
}

#[test]
fn registrations_are_kept_one_file_per_event() {
    let club = TestClub::new();
    let ids = members(&club, 2);
    let first = plan(&club, &[]);
    let second = plan(&club, &[]);
    club.ok(&["event", "register", &first, &ids[0]]);
    assert_eq!(club.shards("registrations"), ["registrations/E0001.csv"]);
    let run = club.run(&["--dry-run", "event", "register", &second, &ids[1]]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("would change registrations/E0002.csv, audit.csv,")
            && !run.stderr.contains("E0001.csv"),
        "{}",
        run.stderr
    );
    club.ok(&["event", "register", &second, &ids[1]]);
    assert_eq!(
        club.read("registrations/E0002.csv"),
        format!(
            "{}\nE0002/{m},E0002,{m},registered,1,2026-11-25,0.00,none,,0.00,,false,,\n",
            "id,event,member,status,seq,registered,paid,pay,payment,refunded,attended,walk_in,score,comment",
            m = ids[1]
        )
    );
    club.check();
}

#[test]
fn data_check_finds_event_points_granted_without_an_attended_registration() {
    let club = TestClub::new();
    let ids = members(&club, 1);
    let e = plan_today(&club, "50");
    club.ok(&["event", "register", &e, &ids[0]]);
    club.ok(&["event", "checkin", &e, &ids[0]]);
    club.check();
    // Check-in trusts the registration to say the points were granted; a
    // registration edited back is found by data check, with the second
    // grant it let through.
    let path = format!("registrations/{e}.csv");
    let text = club.read(&path);
    std::fs::write(
        club.path(&path),
        text.replace(",attended,1,", ",registered,1,")
            .replace(",2026-11-25,false,", ",,false,"),
    )
    .unwrap();
    let run = club.run(&["data", "check"]);
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert!(
        run.stderr.contains(&format!(
            "grants the points of {e} to {0}, whose registration {e}/{0} is registered, not attended",
            ids[0]
        )),
        "{}",
        run.stderr
    );
    club.ok(&["event", "checkin", &e, &ids[0]]);
    let run = club.run(&["data", "check"]);
    assert!(
        run.stderr.contains(&format!(
            "grants the points of {e} to {} a second time",
            ids[0]
        )),
        "{}",
        run.stderr
    );
}
