//! Points, stored value, rewards and tiers, as the desk and cron use them.

use crate::club::TestClub;

/// Appends TOML to the club's rules.
fn add_rules(club: &TestClub, toml: &str) {
    let path = club.path("club.toml");
    let mut text = std::fs::read_to_string(&path).unwrap();
    text.push_str(toml);
    std::fs::write(path, text).unwrap();
}

/// Replaces text in the club's rules.
fn edit_rules(club: &TestClub, from: &str, to: &str) {
    let path = club.path("club.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "club.toml has no {from:?}");
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

/// The points column of `points balance` in CSV.
fn points(club: &TestClub, id: &str) -> i64 {
    club.csv_field(&["points", "balance", id], "points")
        .parse()
        .unwrap()
}

fn ledger_lines(club: &TestClub) -> usize {
    club.read("ledger.csv").lines().count() - 1
}

#[test]
fn a_purchase_earns_points_at_the_tier_multiplier_rounded_down() {
    let club = TestClub::new();
    edit_rules(&club, "multiplier = 1.0", "multiplier = 1.2");
    // The shipped earning case moves with the multiplier.
    edit_rules(
        &club,
        "spend = \"128.50\"\nexpect = 128",
        "spend = \"128.50\"\nexpect = 154",
    );
    let m = club.active_member("A", "13800000001");
    let id = club.ok(&[
        "points",
        "grant",
        &m,
        "--spend",
        "128.50",
        "--receipt",
        "R1",
    ]);
    assert_eq!(id, "T00000001");
    // 128.50 × 1.2 = 154.2
    assert_eq!(points(&club, &m), 154);
    let ledger = club.read("ledger.csv");
    assert!(ledger.contains("T00000001,2026-11-25,spend,M000001,128.50,0,R1,office,"));
    assert!(ledger.contains("T00000002,2026-11-25,earn,M000001,0.00,154,T00000001,office,"));
    club.check();
}

#[test]
fn an_excluded_category_counts_as_spend_but_earns_nothing() {
    let club = TestClub::new();
    let m = club.active_member("A", "13800000001");
    club.ok(&[
        "points",
        "grant",
        &m,
        "--spend",
        "300",
        "--category",
        "voucher",
    ]);
    assert_eq!(points(&club, &m), 0);
    assert_eq!(ledger_lines(&club), 1);
    assert!(club
        .read("ledger.csv")
        .contains(",spend,M000001,300.00,0,,office,voucher"));
    club.check();
}

#[test]
fn a_receipt_already_in_the_journal_is_refused() {
    let club = TestClub::new();
    let m = club.active_member("A", "13800000001");
    club.ok(&["points", "grant", &m, "--spend", "10", "--receipt", "R-77"]);
    club.refused(
        &["points", "grant", &m, "--spend", "10", "--receipt", "R-77"],
        4,
        "receipt R-77 was already recorded as entry T00000001",
    );
    // even for another member
    let b = club.active_member("B", "13800000002");
    club.refused(
        &["points", "grant", &b, "--spend", "99", "--receipt", "R-77"],
        4,
        "T00000001",
    );
    assert_eq!(points(&club, &m), 10);
}

#[test]
fn a_manual_grant_needs_points_and_a_reason() {
    let club = TestClub::new();
    let m = club.active_member("A", "13800000001");
    let id = club.ok(&[
        "points", "grant", &m, "--points", "20", "--reason", "sign-in",
    ]);
    assert_eq!(id, "T00000001");
    assert_eq!(points(&club, &m), 20);
    club.refused(&["points", "grant", &m, "--points", "20"], 2, "--reason");
    club.refused(
        &["points", "grant", &m, "--points", "0", "--reason", "x"],
        2,
        "positive",
    );
    club.refused(&["points", "grant", &m, "--spend", "-5"], 2, "");
    club.refused(
        &[
            "points", "grant", "M999999", "--points", "5", "--reason", "x",
        ],
        5,
        "no member M999999",
    );
}

#[test]
fn frozen_expired_exited_and_expelled_members_earn_and_redeem_nothing() {
    let mut club = TestClub::new();
    let frozen = club.active_member("F", "13800000001");
    let exited = club.active_member("X", "13800000002");
    let expelled = club.active_member("E", "13800000003");
    for m in [&frozen, &exited, &expelled] {
        club.ok(&["points", "grant", m, "--points", "500", "--reason", "event"]);
    }
    club.ok(&["member", "freeze", &frozen, "--reason", "arrears"]);
    club.ok(&["member", "exit", &exited, "--reason", "moved"]);
    club.ok(&["member", "expel", &expelled, "--reason", "fraud"]);
    for (m, status) in [
        (&frozen, "frozen"),
        (&exited, "exited"),
        (&expelled, "expelled"),
    ] {
        club.refused(
            &["points", "grant", m, "--spend", "10"],
            4,
            &format!("the member is {status}"),
        );
        club.refused(
            &["points", "redeem", m, "--points", "100", "--reason", "bill"],
            4,
            &format!("the member is {status}"),
        );
        club.refused(
            &["wallet", "recharge", m, "--amount", "100"],
            4,
            &format!("the member is {status}"),
        );
    }
    // exit and expel forfeited the balance through the cache
    assert_eq!(points(&club, &exited), 0);
    assert_eq!(points(&club, &expelled), 0);
    assert_eq!(points(&club, &frozen), 500);
    club.check();
    // expired: past expiry and grace, after the nightly sweep
    let late = club.active_member("L", "13800000004");
    club.on("2028-01-01");
    club.ok(&["member", "sweep"]);
    club.refused(
        &["points", "grant", &late, "--points", "1", "--reason", "x"],
        4,
        "the member is expired",
    );
}

#[test]
fn a_file_of_grants_is_applied_whole() {
    let club = TestClub::new();
    let a = club.active_member("A", "13800000001");
    let b = club.active_member("B", "13800000002");
    let file = club.path("../grants.csv");
    std::fs::write(
        &file,
        format!(
            "member,spend,points,category,receipt,reason\n\
             {a},100.00,,,R1,\n\
             {b},,30,,,sign-in\n\
             {a},50,,specials,R2,\n"
        ),
    )
    .unwrap();
    let run = club.run(&["points", "grant", "--from-csv", file.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("granted 3 rows") && run.stderr.contains("spend 150.00, 130 points"),
        "{}",
        run.stderr
    );
    assert_eq!(points(&club, &a), 100);
    assert_eq!(points(&club, &b), 30);
    club.check();
    // the same file again: every receipt is already used
    let run = club.refused(
        &["points", "grant", "--from-csv", file.to_str().unwrap()],
        4,
        "line 2: receipt R1 was already recorded",
    );
    assert!(run.stderr.contains("line 4: receipt R2"), "{}", run.stderr);
}

#[test]
fn a_file_with_bad_rows_is_refused_whole_naming_every_bad_line() {
    let club = TestClub::new();
    let a = club.active_member("A", "13800000001");
    let f = club.active_member("F", "13800000002");
    club.ok(&["member", "freeze", &f, "--reason", "arrears"]);
    let file = club.path("../bad.csv");
    std::fs::write(
        &file,
        format!(
            "member,spend,points,category,receipt,reason\n\
             {a},10,,,R1,\n\
             {a},ten,,,R2,\n\
             M999999,5,,,R3,\n\
             {a},5,,,R1,\n\
             {f},5,,,R5,\n\
             {a},,7,,,\n\
             {a},12,,,R6,\n"
        ),
    )
    .unwrap();
    let run = club.refused(
        &["points", "grant", "--from-csv", file.to_str().unwrap()],
        4,
        "5 bad row(s); nothing was granted",
    );
    for needle in [
        "line 3: 'ten' is not an amount",
        "line 4: no member M999999",
        "line 5: receipt R1 is also on line 2",
        "line 6: cannot grant points for M000002: the member is frozen",
        "line 7: a manual grant needs a reason",
    ] {
        assert!(run.stderr.contains(needle), "{needle}:\n{}", run.stderr);
    }
    assert!(!run.stderr.contains("line 2:") && !run.stderr.contains("line 8:"));
}

#[test]
fn a_file_is_read_by_its_header_with_fields_trimmed() {
    let club = TestClub::new();
    let a = club.active_member("A", "13800000001");
    let b = club.active_member("B", "13800000002");
    let file = club.path("../spaced.csv");
    // Columns in another order, padded, a quoted receipt holding a comma,
    // and no category column at all.
    std::fs::write(
        &file,
        format!(
            " receipt , member ,spend, reason ,points\n\
             \"R,1\" , {a} , 10.00 ,,\n\
             , {b} ,, sign-in , 3 \n"
        ),
    )
    .unwrap();
    club.ok(&["points", "grant", "--from-csv", file.to_str().unwrap()]);
    assert_eq!(points(&club, &a), 10);
    assert_eq!(points(&club, &b), 3);
    let ledger = club.read("ledger.csv");
    assert!(
        ledger.contains(&format!(",spend,{a},10.00,0,\"R,1\",")),
        "{ledger}"
    );
    assert!(ledger.contains(&format!(",grant,{b},0.00,3,,")), "{ledger}");
    assert!(ledger.contains(",sign-in\n"), "{ledger}");
    club.check();
    // The same receipt again is refused, though written with a comma.
    let again = club.path("../again.csv");
    std::fs::write(&again, format!("member,spend,receipt\n{a},5,\"R,1\"\n")).unwrap();
    club.refused(
        &["points", "grant", "--from-csv", again.to_str().unwrap()],
        4,
        "line 2: receipt R,1 was already recorded as entry T00000001",
    );
}

#[test]
fn the_balances_cache_is_in_order_when_ids_outgrow_their_width() {
    let club = TestClub::new();
    // Ids sort shorter first (M999999 before M1000000), as tables are
    // written, and so do their shards (M999.csv before M1000.csv, though
    // not in the order of their names' text); data check must not call
    // that out of order.
    let header = "member,points,wallet,recharged,lots\n";
    club.write_derived(
        "balances/M999.csv",
        &format!("{header}M999999,0,0.00,0.00,\n"),
    );
    let shard = format!("{header}M1000000,0,0.00,0.00,\nM1000001,0,0.00,0.00,\n");
    club.write_derived("balances/M1000.csv", &shard);
    club.check();
    let swapped = shard.replace(
        "M1000000,0,0.00,0.00,\nM1000001",
        "M1000001,0,0.00,0.00,\nM1000000",
    );
    std::fs::write(club.path("balances/M1000.csv"), swapped).unwrap();
    let run = club.run(&["data", "check"]);
    assert_ne!(run.code, 0);
    assert!(
        run.stderr
            .contains("balances/M1000.csv:3: M1000000 is out of order"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_file_with_short_or_garbled_rows_is_refused_naming_them() {
    let club = TestClub::new();
    let a = club.active_member("A", "13800000001");
    let file = club.path("../garbled.csv");
    let mut bytes = format!("member,spend,receipt\n{a},10,R1\n{a},5\n").into_bytes();
    bytes.extend_from_slice(format!("{a},7,R").as_bytes());
    bytes.extend_from_slice(b"\xff\n");
    bytes.extend_from_slice(format!("{a},8,R4\n{a},9,R").as_bytes());
    bytes.extend_from_slice(b"\xfe\n");
    std::fs::write(&file, bytes).unwrap();
    let run = club.refused(
        &["points", "grant", "--from-csv", file.to_str().unwrap()],
        4,
        "3 bad row(s)",
    );
    for needle in ["line 3: ", "line 4: ", "line 6: "] {
        assert!(run.stderr.contains(needle), "{needle}:\n{}", run.stderr);
    }
    assert!(run.stderr.contains("UTF-8"), "{}", run.stderr);
}

#[test]
fn rewards_are_redeemed_against_stock_tier_and_balance() {
    let club = TestClub::new();
    add_rules(
        &club,
        "\n[[rewards]]\ncode = \"MUG\"\nname = \"Club mug\"\npoints = 300\nstock = 2\n\
         \n[[rewards]]\ncode = \"BAG\"\nname = \"Golf bag\"\npoints = 100\nstock = 5\nmin_tier = \"gold\"\n",
    );
    let m = club.active_member("A", "13800000001");
    club.ok(&[
        "points", "grant", &m, "--points", "1000", "--reason", "event",
    ]);
    let id = club.ok(&["points", "redeem", &m, "--reward", "MUG"]);
    assert_eq!(id, "T00000002");
    assert_eq!(points(&club, &m), 700);
    assert!(club.read("rewards.csv").contains("MUG,Club mug,300,1,"));
    club.refused(
        &["points", "redeem", &m, "--reward", "MUG", "--qty", "2"],
        4,
        "has 1 left in stock, 2 asked for",
    );
    club.refused(
        &["points", "redeem", &m, "--reward", "BAG"],
        4,
        "is for tier gold and above; M000001 is basic",
    );
    club.refused(
        &["points", "redeem", &m, "--reward", "CAR"],
        5,
        "no reward CAR",
    );
    club.ok(&["points", "redeem", &m, "--reward", "MUG"]);
    club.refused(
        &["points", "redeem", &m, "--reward", "MUG"],
        4,
        "0 left in stock",
    );
    let listing = club.ok(&["--format", "csv", "points", "rewards"]);
    assert!(listing.contains("MUG,Club mug,300,0,"), "{listing}");
    assert!(listing.contains("BAG,Golf bag,100,5,gold"), "{listing}");
    club.check();
}

#[test]
fn redeeming_more_than_the_balance_is_refused() {
    let club = TestClub::new();
    add_rules(
        &club,
        "\n[[rewards]]\ncode = \"TEA\"\nname = \"Tea\"\npoints = 100\nstock = 9\n",
    );
    let m = club.active_member("A", "13800000001");
    club.ok(&[
        "points", "grant", &m, "--points", "150", "--reason", "event",
    ]);
    club.refused(
        &["points", "redeem", &m, "--reward", "TEA", "--qty", "2"],
        4,
        "M000001 has 150 points to spend, 200 are needed",
    );
    club.refused(
        &[
            "points", "redeem", &m, "--points", "151", "--reason", "bill",
        ],
        4,
        "150 points to spend",
    );
    // an offset against a bill at yuan_per_100
    club.ok(&[
        "points", "redeem", &m, "--points", "150", "--reason", "dinner",
    ]);
    assert!(club
        .read("ledger.csv")
        .contains("redeem,M000001,0.00,-150,,office,offset 1.50 yuan: dinner"));
    assert_eq!(points(&club, &m), 0);
    club.check();
}

#[test]
fn points_lapse_on_their_anniversary_and_expire_is_idempotent() {
    let mut club = TestClub::new();
    let a = club.active_member("A", "13800000001");
    let b = club.active_member("B", "13800000002");
    club.ok(&[
        "points", "grant", &a, "--points", "100", "--reason", "event",
    ]);
    club.on("2026-12-01");
    club.ok(&["points", "grant", &a, "--points", "40", "--reason", "event"]);
    club.ok(&["points", "grant", &b, "--points", "5", "--reason", "event"]);
    club.on("2027-11-24");
    club.quiet(&["points", "expire"]);
    assert_eq!(
        club.csv_field(&["points", "balance", &a], "next_expiry"),
        "2027-11-25"
    );
    assert_eq!(
        club.csv_field(&["points", "balance", &a], "next_expiry_points"),
        "100"
    );
    club.on("2027-11-25");
    // the lapsed lot is not spendable even before the cron runs
    assert_eq!(
        club.csv_field(&["points", "balance", &a], "available"),
        "40"
    );
    // a dry run shows the plan and writes nothing
    let before = club.snapshot();
    let plan = club.ok(&["--dry-run", "--format", "csv", "points", "expire"]);
    assert!(plan.contains("M000001,-100,2027-11-25"), "{plan}");
    assert_eq!(before, club.snapshot());
    let done = club.ok(&["--format", "csv", "points", "expire"]);
    assert!(done.contains("M000001,-100,2027-11-25"), "{done}");
    assert!(!done.contains("M000002"));
    assert_eq!(points(&club, &a), 40);
    let before = club.snapshot();
    club.quiet(&["points", "expire"]);
    assert_eq!(before, club.snapshot());
    club.on("2027-12-01");
    club.ok(&["points", "expire"]);
    assert_eq!(points(&club, &a), 0);
    assert_eq!(points(&club, &b), 0);
    club.check();
}

#[test]
fn a_reversal_takes_back_the_spend_and_its_points_once() {
    let club = TestClub::new();
    let m = club.active_member("A", "13800000001");
    let spend = club.ok(&["points", "grant", &m, "--spend", "200", "--receipt", "R9"]);
    club.ok(&[
        "points", "grant", &m, "--points", "10", "--reason", "sign-in",
    ]);
    let rev = club.ok(&["points", "reverse", &spend, "--reason", "returned"]);
    assert_eq!(rev, "T00000004");
    assert_eq!(points(&club, &m), 10);
    assert!(club
        .read("ledger.csv")
        .contains("T00000004,2026-11-25,reverse,M000001,-200.00,-200,T00000001,office,returned"));
    club.refused(
        &["points", "reverse", &spend, "--reason", "again"],
        4,
        "already reversed by T00000004",
    );
    club.refused(
        &["points", "reverse", "T00000002", "--reason", "x"],
        4,
        "reverse the purchase T00000001 instead",
    );
    club.refused(
        &["points", "reverse", "T00000099", "--reason", "x"],
        5,
        "no ledger entry T00000099",
    );
    club.check();
}

#[test]
fn a_refund_after_the_points_were_spent_leaves_a_debt_repaid_first() {
    let club = TestClub::new();
    let m = club.active_member("A", "13800000001");
    let spend = club.ok(&["points", "grant", &m, "--spend", "300"]);
    club.ok(&[
        "points", "redeem", &m, "--points", "100", "--reason", "bill",
    ]);
    let run = club.run(&["points", "reverse", &spend, "--reason", "returned"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("took back 300 of 300 points; balance -100")
            && run.stderr.contains("owes 100 points"),
        "{}",
        run.stderr
    );
    assert_eq!(points(&club, &m), -100);
    assert!(club
        .read("ledger.csv")
        .contains(",reverse,M000001,-300.00,-300,T00000001,office,\"returned (100 of 300 points already spent, owed)\""));
    club.refused(
        &["points", "redeem", &m, "--points", "1", "--reason", "bill"],
        4,
        "M000001 owes 100 points taken back by a refund",
    );
    club.check();
    // Earnings repay the debt first: exactly 100 leaves nothing to spend.
    club.ok(&["points", "grant", &m, "--spend", "100"]);
    assert_eq!(points(&club, &m), 0);
    club.refused(
        &["points", "redeem", &m, "--points", "1", "--reason", "bill"],
        4,
        "has 0 points to spend",
    );
    club.ok(&["points", "grant", &m, "--spend", "1"]);
    assert_eq!(points(&club, &m), 1);
    club.ok(&["points", "redeem", &m, "--points", "1", "--reason", "bill"]);
    club.check();
}

#[test]
fn a_refund_may_charge_the_spent_points_in_money_instead() {
    let club = TestClub::new();
    edit_rules(
        &club,
        "refund_overdraft = \"negative\"",
        "refund_overdraft = \"charge\"",
    );
    let m = club.active_member("A", "13800000001");
    let spend = club.ok(&["points", "grant", &m, "--spend", "300"]);
    club.ok(&[
        "points", "redeem", &m, "--points", "100", "--reason", "bill",
    ]);
    let run = club.run(&["points", "reverse", &spend, "--reason", "returned"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("100 points already spent are charged 1.00: refund 299.00"),
        "{}",
        run.stderr
    );
    assert_eq!(points(&club, &m), 0);
    assert!(club.read("ledger.csv").contains(
        ",reverse,M000001,-299.00,-200,T00000001,office,\"returned (100 of 300 points already spent, charged 1.00)\""
    ));
    club.check();
    edit_rules(
        &club,
        "refund_overdraft = \"charge\"",
        "refund_overdraft = \"owe\"",
    );
    club.refused(
        &["points", "balance", &m],
        3,
        "points.refund_overdraft is 'owe'",
    );
}

#[test]
fn a_refund_with_its_points_all_held_owes_and_charges_nothing() {
    let club = TestClub::new();
    let m = club.active_member("A", "13800000001");
    club.ok(&[
        "points", "grant", &m, "--points", "50", "--reason", "sign-in",
    ]);
    let spend = club.ok(&["points", "grant", &m, "--spend", "100"]);
    club.ok(&["points", "redeem", &m, "--points", "50", "--reason", "bill"]);
    club.ok(&["points", "reverse", &spend, "--reason", "returned"]);
    assert_eq!(points(&club, &m), 0);
    assert!(club
        .read("ledger.csv")
        .contains(",reverse,M000001,-100.00,-100,T00000002,office,returned\n"));
}

#[test]
fn history_shows_a_running_balance_within_the_dates() {
    let mut club = TestClub::new();
    let m = club.active_member("A", "13800000001");
    club.ok(&["points", "grant", &m, "--points", "10", "--reason", "a"]);
    club.on("2026-12-01");
    club.ok(&["points", "grant", &m, "--points", "20", "--reason", "b"]);
    club.on("2026-12-10");
    club.ok(&["points", "redeem", &m, "--points", "5", "--reason", "c"]);
    let all = club.ok(&["--format", "csv", "points", "history", &m]);
    let balances: Vec<&str> = all
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(5).unwrap())
        .collect();
    assert_eq!(balances, ["10", "30", "25"]);
    let some = club.ok(&[
        "--format",
        "csv",
        "points",
        "history",
        &m,
        "--from",
        "2026-12-01",
        "--to",
        "2026-12-01",
    ]);
    assert_eq!(some.lines().count(), 2, "{some}");
    assert!(
        some.contains("T00000002,2026-12-01,grant,0.00,20,30,"),
        "{some}"
    );
    club.refused(&["points", "history", "M000404"], 5, "no member M000404");
}

#[test]
fn recharge_adds_the_campaign_bonus_on_its_first_and_last_day_only() {
    let mut club = TestClub::new();
    add_rules(
        &club,
        "\n[[recharge.bonus]]\nname = \"Spring\"\nfrom = 2027-03-01\nto = 2027-03-31\npercent = 30\nmin_amount = \"1000\"\n",
    );
    let m = club.active_member("A", "13800000001");
    for (day, amount, wallet) in [
        ("2027-02-28", "1000", "1000.00"),
        ("2027-03-01", "1000", "2300.00"),
        ("2027-03-31", "999.99", "3299.99"),
        ("2027-03-31", "1000", "4599.99"),
        ("2027-04-01", "1000", "5599.99"),
    ] {
        club.on(day);
        club.ok(&["wallet", "recharge", &m, "--amount", amount]);
        assert_eq!(
            club.csv_field(&["wallet", "balance", &m], "wallet"),
            wallet,
            "{day} {amount}"
        );
    }
    assert_eq!(
        club.csv_field(&["wallet", "balance", &m], "recharged"),
        "4999.99"
    );
    club.check();
}

#[test]
fn the_referrer_is_rewarded_once_for_the_first_recharge() {
    let club = TestClub::new();
    let r = club.active_member("R", "13800000001");
    let id = club.ok(&[
        "member",
        "add",
        "--name",
        "N",
        "--phone",
        "13800000002",
        "--referrer",
        &r,
    ]);
    club.ok(&["member", "approve", &id]);
    club.ok(&["wallet", "recharge", &id, "--amount", "1000"]);
    assert_eq!(points(&club, &r), 100);
    club.ok(&["wallet", "recharge", &id, "--amount", "5000"]);
    assert_eq!(points(&club, &r), 100, "only the first recharge pays");
    club.check();
}

#[test]
fn a_wallet_referral_reward_is_credited_to_the_referrers_wallet() {
    let club = TestClub::new();
    edit_rules(&club, "reward = \"points\"", "reward = \"wallet\"");
    let r = club.active_member("R", "13800000001");
    let id = club.ok(&[
        "member",
        "add",
        "--name",
        "N",
        "--phone",
        "13800000002",
        "--referrer",
        &r,
    ]);
    club.ok(&["member", "approve", &id]);
    club.ok(&["wallet", "recharge", &id, "--amount", "250"]);
    assert_eq!(
        club.csv_field(&["wallet", "balance", &r], "wallet"),
        "25.00"
    );
    assert_eq!(
        club.csv_field(&["wallet", "balance", &r], "recharged"),
        "0.00"
    );
    club.check();
}

#[test]
fn paying_more_than_the_wallet_holds_or_a_receipt_twice_is_refused() {
    let club = TestClub::new();
    let m = club.active_member("A", "13800000001");
    club.ok(&["wallet", "recharge", &m, "--amount", "100"]);
    club.refused(
        &["wallet", "pay", &m, "--amount", "100.01"],
        4,
        "holds 100.00 in the wallet, 100.01 is needed",
    );
    club.ok(&["wallet", "pay", &m, "--amount", "60", "--receipt", "P1"]);
    club.refused(
        &["wallet", "pay", &m, "--amount", "10", "--receipt", "P1"],
        4,
        "receipt P1 was already paid",
    );
    // a till receipt may both earn points and be paid from the wallet
    club.ok(&["points", "grant", &m, "--spend", "60", "--receipt", "P1"]);
    club.refused(&["wallet", "pay", &m, "--amount", "0"], 2, "more than 0.00");
    assert_eq!(
        club.csv_field(&["wallet", "balance", &m], "wallet"),
        "40.00"
    );
    club.check();
}

#[test]
fn tier_recompute_upgrades_with_reasons_and_is_idempotent() {
    let club = TestClub::new();
    let m = club.active_member("A", "13800000001");
    club.active_member("B", "13800000002");
    club.ok(&["points", "grant", &m, "--spend", "2500"]);
    let before = club.snapshot();
    let plan = club.ok(&["--dry-run", "--format", "csv", "tier", "recompute"]);
    assert!(
        plan.contains("M000001,basic,silver,\"qualifies for silver"),
        "{plan}"
    );
    assert_eq!(before, club.snapshot());
    let done = club.ok(&["--format", "csv", "tier", "recompute"]);
    assert!(
        done.contains("spend 2500.00 yuan, 2500 points, 1 visits in 12 months"),
        "{done}"
    );
    assert!(club.table("members").contains("M000001,A,13800000001"));
    assert!(club
        .read("tier_history.csv")
        .contains("2026-11-25,M000001,basic,silver,"));
    let before = club.snapshot();
    let run = club.run(&["tier", "recompute"]);
    assert_eq!(run.code, 0);
    assert_eq!(
        (run.stdout.as_str(), run.stderr.as_str()),
        ("", ""),
        "a job with nothing to do is quiet"
    );
    assert_eq!(before, club.snapshot());
    // silver earns at 1.2
    club.ok(&["points", "grant", &m, "--spend", "100"]);
    assert_eq!(points(&club, &m), 2620);
    let list = club.ok(&["--format", "csv", "tier", "list"]);
    assert!(list.contains("0,basic,普通,0.00,0,0,1.00,0,1"), "{list}");
    assert!(
        list.contains("1,silver,银卡,2000.00,5000,0,1.20,5,1"),
        "{list}"
    );
    club.check();
}

#[test]
fn tier_recompute_downgrades_one_step_after_a_quiet_spell() {
    let mut club = TestClub::new();
    let m = club.active_member("A", "13800000001");
    club.ok(&["member", "renew", &m, "--months", "60"]);
    club.ok(&["points", "grant", &m, "--spend", "6000"]);
    club.ok(&["tier", "recompute"]);
    assert_eq!(club.csv_field(&["points", "balance", &m], "tier"), "gold");
    // the day before twelve quiet months: nothing
    club.on("2027-11-24");
    club.quiet(&["tier", "recompute"]);
    club.on("2027-11-25");
    let out = club.ok(&["--format", "csv", "tier", "recompute"]);
    assert!(out.contains("M000001,gold,silver,\"below gold"), "{out}");
    assert!(
        out.contains("last purchase or recharge 2026-11-25"),
        "{out}"
    );
    // the same day again: one step only
    club.quiet(&["tier", "recompute"]);
    club.on("2028-11-25");
    let out = club.ok(&["--format", "csv", "tier", "recompute"]);
    assert!(out.contains("M000001,silver,basic,"), "{out}");
    club.check();
}

/// A member at gold from 2026-11-25 who drops to silver on 2027-11-25.
fn dropped_to_silver(club: &mut TestClub) -> String {
    let m = club.active_member("A", "13800000001");
    club.ok(&["member", "renew", &m, "--months", "60"]);
    club.ok(&["points", "grant", &m, "--spend", "6000"]);
    club.ok(&["tier", "recompute"]);
    club.on("2027-11-25");
    let out = club.ok(&["--format", "csv", "tier", "recompute"]);
    assert!(out.contains("M000001,gold,silver,"), "{out}");
    m
}

#[test]
fn a_recharge_after_a_drop_restores_the_tier_lost() {
    let mut club = TestClub::new();
    edit_rules(
        &club,
        "restore_min_recharge = \"0\"",
        "restore_min_recharge = \"500\"",
    );
    let m = dropped_to_silver(&mut club);
    club.on("2027-12-01");
    club.ok(&["wallet", "recharge", &m, "--amount", "499.99"]);
    club.quiet(&["tier", "recompute"]);
    // Exactly the threshold, over two recharges.
    club.ok(&["wallet", "recharge", &m, "--amount", "0.01"]);
    let out = club.ok(&["--format", "csv", "tier", "recompute"]);
    assert!(
        out.contains("M000001,silver,gold,\"regains gold (tier.restore_on_recharge): recharged 500.00 yuan since dropping on 2027-11-25, at least 500.00 within 12 months\""),
        "{out}"
    );
    assert_eq!(club.csv_field(&["points", "balance", &m], "tier"), "gold");
    club.quiet(&["tier", "recompute"]);
    club.check();
}

#[test]
fn a_recharge_after_the_restore_window_restores_nothing() {
    let mut club = TestClub::new();
    edit_rules(
        &club,
        "restore_within_months = 12",
        "restore_within_months = 1",
    );
    let m = dropped_to_silver(&mut club);
    // The window ran 2027-11-26 to 2027-12-25.
    club.on("2027-12-26");
    club.ok(&["wallet", "recharge", &m, "--amount", "100"]);
    club.quiet(&["tier", "recompute"]);
    // With the rule off, a recharge in the window restores nothing either.
    edit_rules(
        &club,
        "restore_on_recharge = true",
        "restore_on_recharge = false",
    );
    edit_rules(
        &club,
        "restore_within_months = 1",
        "restore_within_months = 12",
    );
    club.quiet(&["tier", "recompute"]);
}

#[test]
fn the_birthday_list_carries_the_tier() {
    let club = TestClub::new();
    let id = club.ok(&[
        "member",
        "add",
        "--name",
        "A",
        "--phone",
        "13800000001",
        "--birthday",
        "1990-11-28",
    ]);
    club.ok(&["member", "approve", &id]);
    club.ok(&["points", "grant", &id, "--spend", "2000"]);
    club.ok(&["tier", "recompute"]);
    let csv = club.ok(&[
        "--format",
        "csv",
        "member",
        "list",
        "--birthday-within",
        "7",
    ]);
    let header: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
    assert!(header.contains(&"tier"));
    assert!(csv.contains("silver"), "{csv}");
}

#[test]
fn data_check_finds_a_cache_that_differs_from_the_ledger_and_rebuild_mends_it() {
    let club = TestClub::new();
    let m = club.active_member("A", "13800000001");
    club.ok(&["points", "grant", &m, "--spend", "10", "--receipt", "R1"]);
    let good = club.read("balances/M000.csv");
    std::fs::write(club.path("balances/M000.csv"), good.replace(",10,", ",11,")).unwrap();
    let run = club.run(&["data", "check"]);
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("balances/M000.csv:2: M000001: the cache says points 11")
            && run.stderr.contains("the ledger gives points 10"),
        "{}",
        run.stderr
    );
    // a receipt index that lost a line
    std::fs::remove_dir_all(club.path("receipts")).unwrap();
    let run = club.run(&["data", "check"]);
    assert!(
        run.stderr
            .contains("receipt 'spend:R1' of entry T00000001 is missing"),
        "{}",
        run.stderr
    );
    // rows out of order would put spliced rows in the wrong place
    let b = club.active_member("B", "13800000002");
    club.ok(&["points", "grant", &b, "--points", "5", "--reason", "x"]);
    let text = club.read("balances/M000.csv");
    let mut lines: Vec<&str> = text.lines().collect();
    lines.swap(1, 2);
    std::fs::write(club.path("balances/M000.csv"), lines.join("\n") + "\n").unwrap();
    let run = club.run(&["data", "check"]);
    assert!(
        run.stderr.contains("M000002 is out of order or repeated")
            || run.stderr.contains("M000001 is out of order or repeated"),
        "{}",
        run.stderr
    );
    club.ok(&["points", "rebuild"]);
    let good = good.trim_end().to_string() + "\nM000002,5,0.00,0.00,2026-11-25:5\n";
    assert_eq!(club.table("balances"), good);
    club.check();
    club.refused(
        &["points", "grant", &m, "--spend", "10", "--receipt", "R1"],
        4,
        "already recorded",
    );
}

/// Eight processes granting to the same member at once: each grant is
/// applied exactly once, whatever the interleaving.
#[test]
fn parallel_grants_to_one_member_add_up_exactly() {
    let club = TestClub::new();
    let m = club.active_member("A", "13800000001");
    std::thread::scope(|s| {
        for worker in 0..8 {
            let club = &club;
            let m = &m;
            s.spawn(move || {
                for i in 0..200 {
                    let n = (worker * 200 + i) % 7 + 1;
                    let run = club.run(&[
                        "--wait",
                        "120",
                        "points",
                        "grant",
                        m,
                        "--points",
                        &n.to_string(),
                        "--reason",
                        "load",
                    ]);
                    assert_eq!(run.code, 0, "{}", run.stderr);
                }
            });
        }
    });
    let expected: i64 = (0..1600).map(|k| k % 7 + 1).sum();
    assert_eq!(points(&club, &m), expected);
    assert_eq!(ledger_lines(&club), 1600);
    club.check();
}

/// A large import killed at random moments: afterwards each import is in
/// the journal whole or not at all, the caches agree, nothing counts twice.
#[test]
fn an_import_killed_at_any_moment_applies_all_or_nothing() {
    let club = TestClub::new();
    let members: Vec<String> = (0..20)
        .map(|i| club.active_member(&format!("M{i}"), &format!("138000{i:05}")))
        .collect();
    const ROWS: usize = 20_000;
    let write = |round: usize| {
        let path = club.path(&format!("../import-{round}.csv"));
        let mut text = String::from("member,spend,points,category,receipt,reason\n");
        for r in 0..ROWS {
            let m = &members[r % members.len()];
            text.push_str(&format!("{m},{}.00,,,R{round}-{r},\n", r % 50 + 1));
        }
        std::fs::write(&path, text).unwrap();
        path
    };
    let per_import: i64 = (0..ROWS as i64).map(|r| r % 50 + 1).sum();
    // how long one import takes here, to spread the kills over it
    let start = std::time::Instant::now();
    let first = write(0);
    club.ok(&["points", "grant", "--from-csv", first.to_str().unwrap()]);
    let span = start.elapsed().as_micros().max(1000) as u64;
    let mut applied = 1i64;
    let mut seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(7, |d| d.as_nanos() as u64);
    let total = |club: &TestClub| -> i64 { members.iter().map(|m| points(club, m)).sum() };
    for round in 1..=12 {
        let file = write(round);
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let delay = (seed >> 33) % (span + span / 4);
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("clubctl"))
            .env_clear()
            .env("CLUBCTL_DATA", club.dir())
            .env("CLUBCTL_TODAY", &club.today)
            .env("CLUBCTL_OPERATOR", &club.operator)
            .args(["points", "grant", "--from-csv", file.to_str().unwrap()])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        // Most kills land at a random moment; every third waits for the
        // plan (the journals are about to be appended: before the commit
        // point) and every third for the committed plan (after it), so
        // both sides are hit whatever the machine's speed.
        let wait_for = match round % 3 {
            1 => Some("txn.prepared"),
            2 => Some("txn.pending"),
            _ => None,
        };
        let mut committed = false;
        match wait_for {
            None => std::thread::sleep(std::time::Duration::from_micros(delay)),
            Some(name) => loop {
                if club.path(name).exists() {
                    committed = name == "txn.pending";
                    break;
                }
                if child.try_wait().unwrap().is_some() {
                    break;
                }
            },
        }
        let _ = child.kill();
        let _ = child.wait();
        // The next open finishes or undoes what the killed one left: the
        // journals are cut back to where they were, so no torn line is
        // left to repair.
        club.check();
        let leftovers: Vec<String> = std::fs::read_dir(club.dir())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with("txn.") || n.ends_with(".tmp"))
            .collect();
        assert!(
            leftovers.is_empty(),
            "round {round}: {leftovers:?} left behind"
        );
        let ledger = club.read("ledger.csv");
        let in_journal = ledger.matches(&format!(",R{round}-")).count();
        assert!(
            in_journal == 0 || in_journal == ROWS,
            "round {round}: {in_journal} of {ROWS} rows in the journal"
        );
        assert!(
            !committed || in_journal == ROWS,
            "round {round}: killed past the commit point, yet the import is not in"
        );
        eprintln!("round {round}: killed after {delay}us of ~{span}us, {in_journal} rows in");
        if in_journal == ROWS {
            applied += 1;
        } else {
            // nothing went in: the whole file can be granted again
            club.ok(&["points", "grant", "--from-csv", file.to_str().unwrap()]);
            applied += 1;
        }
        // granting it once more is refused: no point is counted twice
        let again = club.run(&["points", "grant", "--from-csv", file.to_str().unwrap()]);
        assert_eq!(again.code, 4, "{}", again.stderr);
        assert_eq!(total(&club), applied * per_import, "round {round}");
    }
    club.check();
}

#[test]
fn a_dry_run_grant_or_recharge_says_what_it_would_change_and_writes_nothing() {
    let club = TestClub::new();
    let m = club.active_member("A", "13800000001");
    let before = club.snapshot();
    let run = club.run(&[
        "--dry-run",
        "points",
        "grant",
        &m,
        "--spend",
        "10",
        "--receipt",
        "R1",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("dry run, not carried out: M000001: spend 10.00 earned 10 points"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("would change balances/M000.csv, ledger.csv, receipts/"),
        "{}",
        run.stderr
    );
    let run = club.run(&["--dry-run", "wallet", "recharge", &m, "--amount", "10"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(before, club.snapshot());
    assert!(!club.path("receipts").exists());
}

#[test]
fn a_grant_needs_a_member_and_something_to_grant() {
    let club = TestClub::new();
    let m = club.active_member("A", "13800000001");
    club.refused(&["points", "grant", &m], 2, "required");
    club.refused(&["points", "grant", "--spend", "10"], 2, "required");
    club.refused(
        &[
            "points", "grant", &m, "--spend", "10", "--points", "5", "--reason", "x",
        ],
        2,
        "cannot be used with",
    );
    club.refused(&["points", "redeem", &m], 2, "required");
    club.refused(
        &["wallet", "pay", "M000404", "--amount", "5"],
        5,
        "no member M000404",
    );
}

#[test]
fn points_aging_lists_the_liability_by_the_month_it_lapses() {
    let mut club = TestClub::new();
    club.on("2025-11-25");
    let a = club.active_member("A", "13800000001");
    let b = club.active_member("B", "13800000002");
    club.ok(&[
        "points", "grant", &a, "--points", "5", "--reason", "sign-in",
    ]);
    club.on("2025-12-01");
    club.ok(&["points", "grant", &a, "--spend", "10", "--receipt", "R1"]);
    club.ok(&[
        "points", "grant", &b, "--points", "40", "--reason", "referral",
    ]);
    club.on("2026-02-10");
    club.ok(&[
        "points", "grant", &a, "--points", "300", "--reason", "event",
    ]);
    club.on("2026-11-25");
    // A's first 5 points lapse on their anniversary, today: listed as
    // lapsed until `points expire` writes them off.
    let csv = club.ok(&["report", "points-aging", "--format", "csv"]);
    assert_eq!(
        csv,
        "expires,points,members\nlapsed,5,1\n2026-12,50,2\n2027-02,300,1\ntotal,355,"
    );
    // The monthly report's figure: what lapses in December, as the lots
    // stood at the close of the report's last day (today).
    let report = club.ok(&["report", "monthly", "--month", "2026-11", "--format", "csv"]);
    assert!(
        report.contains("\n2026-11,points,due_next_month,50\n"),
        "{report}"
    );
    let october = club.ok(&["report", "monthly", "--month", "2026-10", "--format", "csv"]);
    assert!(
        october.contains("\n2026-10,points,due_next_month,5\n"),
        "{october}"
    );
    club.ok(&["points", "expire"]);
    let csv = club.ok(&["report", "points-aging", "--format", "csv"]);
    assert_eq!(
        csv,
        "expires,points,members\n2026-12,50,2\n2027-02,300,1\ntotal,350,"
    );
    club.check();
}

// ------------------------------------------------------- cards at the till

#[test]
fn the_till_names_the_member_by_the_card_presented() {
    let club = TestClub::new();
    let id = club.active_member("A", "13800000001");
    assert_eq!(club.table("members").matches("VIP000001").count(), 1);
    club.ok(&["points", "grant", "VIP000001", "--spend", "300"]);
    assert_eq!(points(&club, &id), 300);
    club.ok(&["wallet", "recharge", "VIP000001", "--amount", "50"]);
    club.ok(&["wallet", "pay", "VIP000001", "--amount", "20"]);
    club.ok(&[
        "points",
        "redeem",
        "VIP000001",
        "--points",
        "100",
        "--reason",
        "bill",
    ]);
    assert_eq!(points(&club, &id), 200);
    let wallet = club.csv_field(&["wallet", "balance", &id], "wallet");
    assert_eq!(wallet, "30.00");
    // Every entry is the member's, never the card's.
    let ledger = club.read("ledger.csv");
    assert!(!ledger.contains(",VIP000001,"), "{ledger}");
    assert_eq!(ledger.matches(",M000001,").count(), 5, "{ledger}");
    let event = club.ok(&["event", "plan", "--title", "Tea", "--date", "2026-11-25"]);
    club.ok(&["event", "checkin", &event, "VIP000001"]);
    assert!(club.table("registrations").contains(",M000001,"));
    club.refused(
        &["points", "grant", "VIP000099", "--spend", "10"],
        5,
        "no member VIP000099, and no card with that number",
    );
}

#[test]
fn a_lost_card_earns_redeems_and_pays_nothing_and_names_the_reissue_window() {
    let mut club = TestClub::new();
    let id = club.active_member("A", "13800000001");
    club.ok(&["points", "grant", &id, "--spend", "300"]);
    club.ok(&["wallet", "recharge", &id, "--amount", "50"]);
    let event = club.ok(&["event", "plan", "--title", "Tea", "--date", "2026-12-20"]);
    club.ok(&["card", "lost", &id]);
    let till: [&[&str]; 5] = [
        &["points", "grant", "VIP000001", "--spend", "100"],
        &[
            "points",
            "redeem",
            "VIP000001",
            "--points",
            "100",
            "--reason",
            "bill",
        ],
        &["wallet", "pay", "VIP000001", "--amount", "10"],
        &["wallet", "recharge", "VIP000001", "--amount", "10"],
        &["event", "checkin", &event, "VIP000001"],
    ];
    // The day of the report and the last day of the window (day 10).
    for day in ["2026-11-25", "2026-12-05"] {
        club.on(day);
        for args in till {
            let run = club.refused(args, 4, "card VIP000001 is lost (reported 2026-11-25)");
            assert!(
                run.stderr.contains("replacement until 2026-12-05")
                    && run.stderr.contains("clubctl card reissue M000001"),
                "{}",
                run.stderr
            );
        }
    }
    club.on("2026-12-06");
    let run = club.refused(till[0], 4, "card VIP000001 is lost");
    assert!(
        run.stderr.contains("window closed on 2026-12-05"),
        "{}",
        run.stderr
    );
    assert_eq!(points(&club, &id), 300);
}

#[test]
fn a_replaced_card_is_refused_and_the_new_one_works() {
    let mut club = TestClub::new();
    let id = club.active_member("A", "13800000001");
    club.ok(&["card", "lost", &id]);
    club.on("2026-11-30");
    club.ok(&["card", "reissue", &id]);
    club.refused(
        &["points", "grant", "VIP000001", "--spend", "100"],
        4,
        "card VIP000001 was replaced by VIP000002 and no longer works",
    );
    club.ok(&["points", "grant", "VIP000002", "--spend", "100"]);
    assert_eq!(points(&club, &id), 100);
}
