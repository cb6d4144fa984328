//! Sales leads: every rule at its edges, every refusal leaving the files
//! as they were, and the sales report.

use crate::club::TestClub;

/// A club with two salespeople (S01, S02) and a manager (S03).
fn sales_club() -> TestClub {
    let club = TestClub::new();
    assert_eq!(club.staff("Li Na", "sales"), "S01");
    assert_eq!(club.staff("Wang Wei", "sales"), "S02");
    assert_eq!(club.staff("Zhao Min", "manager"), "S03");
    club
}

fn claim(club: &TestClub, sales: &str, phone: &str) -> String {
    club.ok(&[
        "lead", "claim", "--sales", sales, "--name", "Chen Jie", "--phone", phone,
    ])
}

fn set_rule(club: &TestClub, from: &str, to: &str) {
    let toml = club.read("club.toml");
    assert!(toml.contains(from), "club.toml has no {from}");
    std::fs::write(club.path("club.toml"), toml.replace(from, to)).expect("writing club.toml");
}

#[test]
fn day_40_is_the_owners_and_day_41_is_public_after_expire() {
    let mut club = sales_club();
    club.on("2026-11-01");
    assert_eq!(claim(&club, "S01", "138 0000 0001"), "L000001");
    assert!(club
        .table("leads")
        .contains(",S01,live,2026-11-01,2026-12-10,"));

    club.on("2026-12-10");
    let out = club.ok(&["lead", "list", "--status", "live", "--format", "csv"]);
    assert!(out.contains("L000001"), "{out}");
    let run = club.run(&["lead", "expire"]);
    assert_eq!(run.code, 0);
    assert_eq!(
        (run.stdout.as_str(), run.stderr.as_str()),
        ("", ""),
        "a job with nothing to do is quiet"
    );
    assert!(club.table("leads").contains(",live,"));
    // On its last day another salesperson is still refused.
    club.refused(
        &[
            "lead",
            "claim",
            "--sales",
            "S02",
            "--name",
            "X",
            "--phone",
            "13800000001",
        ],
        4,
        "S01",
    );

    club.on("2026-12-11");
    let out = club.ok(&["lead", "expire", "--format", "csv"]);
    assert_eq!(
        out,
        "id,name,phone,company,nominee,public_since,last_owner\n\
         L000001,Chen Jie,13800000001,,,2026-12-11,S01"
    );
    assert!(club.table("leads").contains(",public,"));
    let before = club.snapshot();
    let run = club.run(&["lead", "expire"]);
    assert_eq!(run.code, 0);
    assert_eq!(
        (run.stdout.as_str(), run.stderr.as_str()),
        ("", ""),
        "a job with nothing to do is quiet"
    );
    let run = club.run(&["--verbose", "lead", "expire"]);
    assert_eq!(run.stdout, "2026-12-11 lead expire: nothing to do\n");
    assert_eq!(before, club.snapshot(), "a second expire changed files");
    club.check();
}

#[test]
fn expire_dry_run_writes_nothing() {
    let mut club = sales_club();
    club.on("2026-11-01");
    claim(&club, "S01", "13800000001");
    club.on("2026-12-11");
    let before = club.snapshot();
    let run = club.run(&["--dry-run", "lead", "expire"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("dry run"), "{}", run.stderr);
    assert!(run.stdout.contains("L000001"));
    assert_eq!(before, club.snapshot());
}

#[test]
fn a_claim_on_day_41_takes_an_unexpired_lead_without_waiting_for_cron() {
    let mut club = sales_club();
    club.on("2026-11-01");
    claim(&club, "S01", "13800000001");
    club.on("2026-12-11");
    assert_eq!(claim(&club, "S02", "13800000001"), "L000001");
    let show = club.ok(&["lead", "show", "L000001", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&show).unwrap();
    assert_eq!(v["owner"], "S02");
    assert_eq!(v["until"], "2027-01-19");
    let kinds: Vec<&str> = v["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["claim", "expire", "claim"]);
    club.check();
}

#[test]
fn the_tenth_claim_passes_the_eleventh_is_refused_and_a_conversion_frees_a_slot() {
    let club = sales_club();
    for i in 1..=10 {
        let id = claim(&club, "S01", &format!("1380000{i:04}"));
        assert_eq!(id, format!("L{i:06}"));
    }
    club.refused(
        &[
            "lead",
            "claim",
            "--sales",
            "S01",
            "--name",
            "X",
            "--phone",
            "13900000011",
        ],
        4,
        "already holds 10 live leads",
    );
    // Someone else is not limited by S01's count.
    claim(&club, "S02", "13900000012");
    assert_eq!(club.ok(&["lead", "convert", "L000003"]), "M000001");
    assert!(club
        .table("members")
        .contains("M000001,Chen Jie,13800000003"));
    assert!(club
        .table("leads")
        .contains("L000003,Chen Jie,13800000003,,,S01,converted"));
    assert_eq!(claim(&club, "S01", "13900000011"), "L000012");
    club.refused(
        &[
            "lead",
            "claim",
            "--sales",
            "S01",
            "--name",
            "X",
            "--phone",
            "13900000013",
        ],
        4,
        "lead.max_active",
    );
    club.check();
}

#[test]
fn a_release_then_a_reclaim_starts_a_new_term_with_the_cooldown() {
    let mut club = sales_club();
    set_rule(
        &club,
        "reclaim_cooldown_days = 30",
        "reclaim_cooldown_days = 3",
    );
    // The shipped cooldown cases move with the rule.
    set_rule(
        &club,
        "on = 2026-03-11\nexpect = \"refused\"",
        "on = 2026-02-12\nexpect = \"refused\"",
    );
    set_rule(
        &club,
        "on = 2026-03-12\nexpect = \"accepted\"",
        "on = 2026-02-13\nexpect = \"accepted\"",
    );
    club.on("2026-11-01");
    claim(&club, "S01", "13800000001");
    club.on("2026-11-05");
    club.refused(&["lead", "release", "L000009"], 5, "no lead L000009");
    club.as_operator("S02");
    club.refused(&["lead", "release", "L000001"], 4, "owner S01");
    club.as_operator("S01");
    club.ok(&[
        "lead",
        "release",
        "L000001",
        "--reason",
        "not interested now",
    ]);
    club.refused(&["lead", "release", "L000001"], 4, "the lead is public");
    club.refused(
        &["lead", "log", "L000001", "--kind", "call", "--note", "x"],
        4,
        "public",
    );
    assert!(club.ok(&["lead", "pool"]).contains("L000001"));
    club.on("2026-11-07");
    club.refused(
        &[
            "lead",
            "claim",
            "--sales",
            "S01",
            "--name",
            "Chen",
            "--phone",
            "13800000001",
        ],
        4,
        "from 2026-11-08",
    );
    club.on("2026-11-08");
    assert_eq!(claim(&club, "S01", "13800000001"), "L000001");
    assert!(club
        .table("leads")
        .contains(",S01,live,2026-11-08,2026-12-17,"));
    assert!(!club.ok(&["lead", "pool"]).contains("L000001"));
    club.check();
}

#[test]
fn anyone_may_claim_a_released_lead_at_once() {
    let club = sales_club();
    claim(&club, "S01", "13800000001");
    club.ok(&["lead", "release", "L000001"]);
    assert_eq!(claim(&club, "S02", "13800000001"), "L000001");
    assert!(club
        .table("leads")
        .contains(",S02,live,2026-11-25,2027-01-03,"));
}

#[test]
fn the_first_registration_wins_and_the_refusal_names_owner_and_date() {
    let club = sales_club();
    claim(&club, "S01", "13800000001");
    let run = club.refused(
        &[
            "lead",
            "claim",
            "--sales",
            "S02",
            "--name",
            "Chen",
            "--phone",
            "+86 138-0000-0001",
        ],
        4,
        "L000001 of S01",
    );
    assert!(run.stderr.contains("until 2027-01-03"), "{}", run.stderr);
    // Not even the owner registers it twice.
    club.refused(
        &[
            "lead",
            "claim",
            "--sales",
            "S01",
            "--name",
            "Chen",
            "--phone",
            "13800000001",
        ],
        4,
        "first registration wins",
    );
}

#[test]
fn company_leads_match_by_company_name() {
    let club = sales_club();
    assert_eq!(
        club.ok(&[
            "lead",
            "claim",
            "--sales",
            "S01",
            "--name",
            "Sun",
            "--phone",
            "13900000001",
            "--company",
            "Acme Golf Ltd",
            "--nominee",
            "Sun Li",
        ]),
        "L000001"
    );
    let run = club.refused(
        &[
            "lead",
            "claim",
            "--sales",
            "S02",
            "--name",
            "Ma",
            "--phone",
            "13900000002",
            "--company",
            "  ACME golf   ltd",
            "--nominee",
            "Ma Li",
        ],
        4,
        "held by live lead L000001 of S01",
    );
    assert!(run.stderr.contains("until 2027-01-03"), "{}", run.stderr);
    // Another company's name is not a match.
    club.ok(&[
        "lead",
        "claim",
        "--sales",
        "S02",
        "--name",
        "Ma",
        "--phone",
        "13900000002",
        "--company",
        "Acme Golf",
        "--nominee",
        "Ma Li",
    ]);
    // Converting a company lead signs an organization with its nominee.
    assert_eq!(club.ok(&["lead", "convert", "L000001"]), "M000001");
    assert!(club
        .table("members")
        .contains("M000001,Acme Golf Ltd,13900000001,,,,organization,Sun Li,"));
    club.check();
}

#[test]
fn a_company_lead_without_a_nominee_is_refused() {
    let club = sales_club();
    club.refused(
        &[
            "lead",
            "claim",
            "--sales",
            "S01",
            "--name",
            "Sun",
            "--phone",
            "13900000001",
            "--company",
            "Acme",
        ],
        4,
        "--nominee",
    );
}

#[test]
fn a_live_members_phone_is_not_a_lead() {
    let club = sales_club();
    let m = club.active_member("Chen", "13800000001");
    club.refused(
        &[
            "lead",
            "claim",
            "--sales",
            "S01",
            "--name",
            "Chen",
            "--phone",
            "138 0000 0001",
        ],
        4,
        &format!("already a member: {m}"),
    );
}

#[test]
fn claims_need_known_active_staff_and_valid_input() {
    let club = sales_club();
    club.refused(
        &[
            "lead",
            "claim",
            "--sales",
            "S09",
            "--name",
            "X",
            "--phone",
            "13800000001",
        ],
        5,
        "no staff member S09",
    );
    club.ok(&["staff", "deactivate", "S02"]);
    club.refused(
        &[
            "lead",
            "claim",
            "--sales",
            "S02",
            "--name",
            "X",
            "--phone",
            "13800000001",
        ],
        4,
        "no longer active",
    );
    club.refused(
        &[
            "lead", "claim", "--sales", "S01", "--name", "X", "--phone", "call me",
        ],
        2,
        "not a phone number",
    );
}

#[test]
fn two_salespeople_claiming_one_phone_at_once_exactly_one_wins() {
    let club = sales_club();
    let bin = assert_cmd::cargo::cargo_bin("clubctl");
    for round in 0..8 {
        let phone = format!("1370000{round:04}");
        let spawn = |sales: &str| {
            std::process::Command::new(&bin)
                .env_clear()
                .env("CLUBCTL_DATA", club.dir())
                .env("CLUBCTL_TODAY", &club.today)
                .env("CLUBCTL_OPERATOR", "office")
                .args([
                    "lead", "claim", "--sales", sales, "--name", "P", "--phone", &phone,
                ])
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("spawning clubctl")
        };
        let a = spawn("S01");
        let b = spawn("S02");
        let a = a.wait_with_output().expect("waiting");
        let b = b.wait_with_output().expect("waiting");
        let mut codes = [a.status.code(), b.status.code()];
        codes.sort();
        assert_eq!(
            codes,
            [Some(0), Some(4)],
            "round {round}: {}\n{}",
            String::from_utf8_lossy(&a.stderr),
            String::from_utf8_lossy(&b.stderr)
        );
        let loser = if a.status.code() == Some(4) { &a } else { &b };
        assert!(String::from_utf8_lossy(&loser.stderr).contains("first registration wins"));
        let held = club
            .table("leads")
            .lines()
            .filter(|l| l.contains(&phone))
            .count();
        assert_eq!(held, 1);
    }
    club.check();
}

#[test]
fn follow_ups_are_logged_and_do_not_extend_the_lead() {
    let club = sales_club();
    claim(&club, "S01", "13800000001");
    club.ok(&[
        "lead",
        "log",
        "L000001",
        "--kind",
        "visit",
        "--note",
        "toured the course",
        "--next",
        "2026-12-01",
    ]);
    assert_eq!(
        club.table("lead_log"),
        "lead,date,kind,note,next,sales,operator\n\
         L000001,2026-11-25,visit,toured the course,2026-12-01,S01,office\n"
    );
    assert!(club.table("leads").contains(",2026-11-25,2027-01-03,"));
    club.refused(
        &[
            "lead",
            "log",
            "L000001",
            "--kind",
            "call",
            "--note",
            "x",
            "--next",
            "2026-11-24",
        ],
        2,
        "before today",
    );
    club.refused(
        &["lead", "log", "L000002", "--kind", "call", "--note", "x"],
        5,
        "no lead L000002",
    );
}

#[test]
fn convert_with_approve_issues_the_card_and_records_the_dues() {
    let club = sales_club();
    claim(&club, "S01", "13800000001");
    club.refused(
        &["lead", "convert", "L000001", "--paid", "20000"],
        2,
        "--approve",
    );
    assert_eq!(
        club.ok(&["lead", "convert", "L000001", "--approve", "--paid", "20000"]),
        "M000001"
    );
    let members = club.table("members");
    assert!(
        members.contains("M000001,Chen Jie,13800000001"),
        "{members}"
    );
    assert!(
        members.contains(",lead L000001,S01,active,basic,VIP000001,"),
        "{members}"
    );
    assert!(club.table("cards").contains("VIP000001,M000001,active"));
    assert!(club
        .read("ledger.csv")
        .contains("T00000001,2026-11-25,dues,M000001,20000.00,"));
    club.refused(&["lead", "convert", "L000001"], 4, "the lead is converted");
    club.check();
}

#[test]
fn disputes_are_arbitrated_by_a_manager_once_and_for_all() {
    let mut club = sales_club();
    claim(&club, "S01", "13800000001");
    club.refused(
        &[
            "lead",
            "arbitrate",
            "L000001",
            "--winner",
            "S02",
            "--note",
            "x",
        ],
        4,
        "manager or director",
    );
    club.refused(
        &[
            "lead", "dispute", "L000001", "--by", "S01", "--note", "mine",
        ],
        4,
        "owns L000001",
    );
    club.ok(&[
        "lead",
        "dispute",
        "L000001",
        "--by",
        "S02",
        "--note",
        "I met him at the expo",
    ]);
    assert!(
        club.table("leads").contains(",S01,live,"),
        "the lead stays with its owner"
    );
    club.as_operator("S02");
    club.refused(
        &[
            "lead",
            "arbitrate",
            "L000001",
            "--winner",
            "S02",
            "--note",
            "mine",
        ],
        4,
        "operator S02 (Wang Wei) is sales",
    );
    club.as_operator("S03");
    club.refused(
        &[
            "lead",
            "arbitrate",
            "L000001",
            "--winner",
            "S09",
            "--note",
            "x",
        ],
        4,
        "not a party",
    );
    club.ok(&[
        "lead",
        "arbitrate",
        "L000001",
        "--winner",
        "S02",
        "--note",
        "expo card on file",
    ]);
    assert!(club.table("leads").contains(",S02,live,"));
    assert!(club.read("audit.csv").contains("lead arbitrate"));
    club.refused(
        &[
            "lead",
            "arbitrate",
            "L000001",
            "--winner",
            "S01",
            "--note",
            "again",
        ],
        4,
        "final",
    );
    club.as_operator("office");
    club.refused(
        &[
            "lead", "dispute", "L000001", "--by", "S01", "--note", "again",
        ],
        4,
        "final",
    );
    club.check();
}

#[test]
fn the_sales_report_counts_leads_deals_and_commission() {
    let mut club = sales_club();
    set_rule(&club, "dues = \"0\"", "dues = \"10000\"");
    club.on("2026-11-02");
    claim(&club, "S01", "13800000001");
    claim(&club, "S01", "13800000002");
    claim(&club, "S02", "13800000003");
    club.ok(&[
        "lead",
        "log",
        "L000001",
        "--kind",
        "call",
        "--note",
        "first call",
    ]);
    club.ok(&[
        "lead", "log", "L000001", "--kind", "meeting", "--note", "lunch",
    ]);
    club.ok(&["lead", "release", "L000002"]);
    club.ok(&["lead", "convert", "L000001", "--approve", "--paid", "20000"]);
    // A member signed by S02 with no lead on record: full commission.
    let m = club.ok(&[
        "member",
        "add",
        "--name",
        "Walk In",
        "--phone",
        "13600000001",
        "--sales",
        "S02",
    ]);
    club.ok(&["member", "approve", &m]);
    let csv = club.ok(&["report", "sales", "--month", "2026-11", "--format", "csv"]);
    assert_eq!(
        csv,
        "period,sales,name,live,claimed,follow_ups,converted,released,expired,conversion_rate_pct,direct_deals,dues,commission\n\
         2026-11,S01,Li Na,0,2,2,1,1,0,50.00,0,20000.00,1000.00\n\
         2026-11,S02,Wang Wei,1,1,0,0,0,0,,1,10000.00,500.00"
    );
    let day = club.ok(&["report", "sales", "--day", "2026-11-01", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&day).unwrap();
    assert_eq!(v[0]["claimed"], 0);
    assert_eq!(v[0]["commission"], "0.00");
    let week = club.ok(&["report", "sales", "--week", "2026-W45", "--format", "csv"]);
    assert!(
        week.contains("2026-W45,S01,Li Na,0,2,2,1,1,0,50.00,0,20000.00,1000.00"),
        "{week}"
    );
    club.refused(&["report", "sales", "--month", "2026-13"], 2, "not a month");
    let run = club.run(&[
        "report", "sales", "--month", "2026-11", "--week", "2026-W45",
    ]);
    assert_eq!(run.code, 2);
}

#[test]
fn data_check_finds_two_live_leads_on_one_phone_and_unknown_owners() {
    let club = sales_club();
    claim(&club, "S01", "13800000001");
    let text = club.table("leads");
    let row = text.lines().nth(1).unwrap();
    let dup = row.replace("L000001", "L000002").replace("S01", "S07");
    std::fs::write(club.path("leads/L000.csv"), format!("{text}{dup}\n")).unwrap();
    let run = club.run(&["data", "check"]);
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert!(
        run.stderr.contains("also held by live lead L000001"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("owner S07 is not in staff.csv"),
        "{}",
        run.stderr
    );
}

#[test]
fn expiring_within_counts_days_to_the_last_valid_day() {
    let mut club = sales_club();
    club.on("2026-11-01");
    claim(&club, "S01", "13800000001");
    club.on("2026-12-01");
    let list =
        |days: &str| club.ok(&["lead", "list", "--expiring-within", days, "--format", "csv"]);
    assert!(list("9").contains("L000001,"), "{}", list("9"));
    assert!(!list("8").contains("L000001,"), "{}", list("8"));
    assert!(club
        .ok(&["lead", "list", "--sales", "S02", "--format", "csv"])
        .lines()
        .nth(1)
        .is_none());
}

#[test]
fn another_salesperson_may_not_log_or_convert_the_owners_lead() {
    let mut club = sales_club();
    claim(&club, "S01", "13800000001");
    club.as_operator("S02");
    club.refused(
        &[
            "lead", "log", "L000001", "--kind", "call", "--note", "hello",
        ],
        4,
        "owner S01",
    );
    club.refused(&["lead", "convert", "L000001"], 4, "owner S01");
    club.as_operator("S01");
    club.ok(&[
        "lead", "log", "L000001", "--kind", "call", "--note", "hello",
    ]);
}

#[test]
fn a_claim_keeps_the_lead_indexes_in_its_own_commit() {
    let club = sales_club();
    club.ok(&[
        "lead",
        "claim",
        "--sales",
        "S01",
        "--name",
        "Chen Jie",
        "--phone",
        "13800000001",
        "--company",
        "Acme Golf Ltd",
        "--nominee",
        "Chen Jie",
    ]);
    assert!(club
        .read("index/lead-phones/01.csv")
        .contains("13800000001,L000001"));
    assert!(club.read("index/live-leads/01.csv").contains("S01,L000001"));
    // A company goes by a fixed hash of its comparable name.
    assert_eq!(
        club.read("index/lead-companies/17.csv"),
        "company,id\nacmegolfltd,L000001\n"
    );
    // A claim rewrites the buckets its lead is in, and nothing else.
    let run = club.run(&[
        "--dry-run",
        "lead",
        "claim",
        "--sales",
        "S02",
        "--name",
        "Wu",
        "--phone",
        "13800000002",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "would change index/lead-phones/02.csv, index/live-leads/02.csv, leads/L000.csv, audit.csv, lead_events/L000.csv,"
        ) && !run.stderr.contains("01.csv"),
        "{}",
        run.stderr
    );
    // A converted lead is no longer live: its owner's slot is free.
    club.ok(&["lead", "convert", "L000001"]);
    assert_eq!(club.read("index/live-leads/01.csv"), "owner,id\n");
    assert!(club
        .read("index/lead-phones/01.csv")
        .contains("13800000001,L000001"));
    club.check();
}

#[test]
fn a_missing_or_stale_lead_index_is_refused_until_data_reindex() {
    let club = sales_club();
    claim(&club, "S01", "13800000001");
    let claim_again = |sales: &str| {
        [
            "lead",
            "claim",
            "--sales",
            sales,
            "--name",
            "Wu",
            "--phone",
            "13900000001",
        ]
        .map(str::to_string)
    };
    let args = claim_again("S02");
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    std::fs::remove_file(club.path("index/lead-phones/01.csv")).unwrap();
    club.refused(
        &args,
        3,
        "index/lead-phones/01.csv:0: the file is missing, though the last commit left it",
    );
    club.refused(
        &["data", "check"],
        3,
        "index/lead-phones/01.csv:0: this bucket of the phone index of leads is missing. Run `clubctl data reindex`",
    );
    let run = club.run(&["data", "reindex"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("rebuilt 1 index file, from index/lead-phones/01.csv on"),
        "{}",
        run.stderr
    );
    club.check();

    // A lead handed to another owner by hand: the index still lists it
    // under S01, and a lookup refuses it as stale rather than trust it.
    let shard = club.read("leads/L000.csv");
    std::fs::write(
        club.path("leads/L000.csv"),
        shard.replace(",S01,live,", ",S02,live,"),
    )
    .unwrap();
    let mine = claim_again("S01");
    let mine: Vec<&str> = mine.iter().map(String::as_str).collect();
    club.refused(&mine, 3, "the index lists L000001 under owner S01, but");
    club.refused(
        &["data", "check"],
        3,
        "index/live-leads/01.csv:0: this bucket of the owner index differs from the leads table",
    );
    club.ok(&["data", "reindex"]);
    assert_eq!(
        club.read("index/live-leads/02.csv"),
        "owner,id\nS02,L000001\n"
    );
    assert_eq!(club.ok(&mine), "L000002");
    club.check();
}

#[test]
fn a_claim_writes_the_expiries_of_the_leads_it_weighs_and_cron_the_rest() {
    let mut club = sales_club();
    club.on("2026-11-01");
    claim(&club, "S01", "13800000001");
    claim(&club, "S01", "13800000002");
    club.on("2026-12-11");
    // S02's claim weighs no lead of S01's: their expiries wait for cron,
    // though every listing already shows them public.
    claim(&club, "S02", "13800000003");
    assert_eq!(club.table("leads").matches(",S01,live,").count(), 2);
    let pool = club.ok(&["lead", "pool", "--format", "csv"]);
    assert!(
        pool.contains("L000001") && pool.contains("L000002"),
        "{pool}"
    );
    // S01's own claim weighs S01's live leads (for lead.max_active) and
    // writes the expiries it finds.
    claim(&club, "S01", "13800000004");
    assert_eq!(club.table("leads").matches(",S01,public,").count(), 2);
    let events = club.table("lead_events");
    assert!(
        events.contains("L000001,2026-12-11,expire,S01,,last valid day 2026-12-10,office")
            && events.contains("L000002,2026-12-11,expire,S01,"),
        "{events}"
    );
    assert_eq!(
        club.read("index/live-leads/01.csv"),
        "owner,id\nS01,L000004\n"
    );
    club.quiet(&["lead", "expire"]);
    club.check();
}

#[test]
fn a_torn_line_in_a_lead_journal_shard_stops_the_commands_on_its_leads_until_repaired() {
    let club = sales_club();
    claim(&club, "S01", "13800000001");
    let path = club.path("lead_events/L000.csv");
    let mut text = club.read("lead_events/L000.csv");
    text.push_str("L000001,2026-11-25,dis");
    std::fs::write(&path, text).unwrap();
    let torn = "lead_events/L000.csv:3";
    club.refused(&["lead", "show", "L000001"], 3, torn);
    club.refused(&["lead", "release", "L000001", "--yes"], 3, torn);
    club.refused(&["data", "check"], 3, torn);
    // Other records are not held up.
    club.ok(&["member", "list"]);
    let run = club.run(&["data", "repair"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        club.read("lead_events/L000.csv.rejected"),
        "L000001,2026-11-25,dis\n"
    );
    club.ok(&["lead", "show", "L000001"]);
    club.check();
}
