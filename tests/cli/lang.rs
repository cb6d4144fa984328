//! `--lang en|zh`: headings and messages for people in Chinese, CSV and
//! JSON names unchanged.

use crate::club::TestClub;

/// The heading row of a table: the first line between `│` borders.
fn headings(table: &str) -> Vec<String> {
    table
        .lines()
        .find(|l| l.starts_with('│'))
        .unwrap_or_else(|| panic!("no table in:\n{table}"))
        .trim_matches('│')
        .split('┆')
        .map(|h| h.trim().to_string())
        .collect()
}

fn club() -> TestClub {
    let club = TestClub::new();
    let a = club.active_member("王小明", "13800000001");
    club.ok(&["points", "grant", &a, "--points", "50", "--reason", "event"]);
    club.ok(&["wallet", "recharge", &a, "--amount", "100"]);
    club
}

fn set_club_lang(club: &TestClub, lang: &str) {
    let toml = club
        .read("club.toml")
        .replace("lang = \"en\"", &format!("lang = \"{lang}\""));
    assert!(toml.contains(&format!("lang = \"{lang}\"")));
    std::fs::write(club.path("club.toml"), toml).unwrap();
}

#[test]
fn tables_speak_chinese_and_csv_and_json_keep_english_names() {
    let club = club();
    let table = club.ok(&["--lang", "zh", "member", "list"]);
    let h = headings(&table);
    assert_eq!(&h[..3], ["编号", "姓名", "手机"], "{table}");
    assert!(table.contains("王小明"));
    let csv = club.ok(&["--lang", "zh", "member", "list", "--format", "csv"]);
    assert!(csv.starts_with("id,name,phone,"), "{csv}");
    let json = club.ok(&[
        "--lang", "zh", "points", "balance", "M000001", "--format", "json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v[0]["points"], 50);
    assert_eq!(v[0]["wallet"], "100.00");
    // English stays as it was: the identifiers are the headings.
    let en = club.ok(&["member", "list"]);
    assert_eq!(&headings(&en)[..3], ["id", "name", "phone"]);
}

#[test]
fn every_table_heading_of_the_common_listings_is_translated() {
    let club = club();
    let sales = club.staff("陈销售", "sales");
    let lead = club.ok(&[
        "lead",
        "claim",
        "--sales",
        &sales,
        "--name",
        "周杰",
        "--phone",
        "13600000001",
    ]);
    let file = club.dir().parent().unwrap().join("import.csv");
    std::fs::write(&file, "姓名,手机,会员卡号,储值\n李红,13900000002,OLD1,50\n").unwrap();
    let file = file.to_str().unwrap().to_string();
    club.ok(&[
        "event",
        "plan",
        "--title",
        "茶话会",
        "--date",
        "2026-12-05",
        "--capacity",
        "20",
    ]);
    for args in [
        &["member", "list"][..],
        &["member", "show", "M000001"],
        &["points", "balance", "M000001"],
        &["points", "history", "M000001"],
        &["points", "rewards"],
        &["wallet", "balance", "M000001"],
        &["staff", "list"],
        &["tier", "list"],
        &["event", "list"],
        &["event", "show", "E0001"],
        &["lead", "list"],
        &["report", "events"],
        &["report", "points-aging"],
        &["report", "kpi"],
        &["report", "sales"],
        &["report", "monthly"],
        &["lead", "show", &lead],
        &["lead", "pool"],
        &["member", "import", &file],
    ] {
        let run = club.run(&[&["--lang", "zh"], args].concat());
        assert_eq!(run.code, 0, "{args:?}: {}", run.stderr);
        for table in run.stdout.split("└").filter(|t| t.contains('│')) {
            for h in headings(table) {
                assert!(
                    !h.chars().any(|c| c.is_ascii_alphabetic()),
                    "{args:?}: heading {h:?} is not translated:\n{}",
                    run.stdout
                );
            }
        }
    }
}

#[test]
fn report_labels_are_chinese_in_a_table_and_identifiers_in_csv_and_json() {
    let club = club();
    let table = club.run(&["--lang", "zh", "report", "monthly"]);
    assert_eq!(
        &headings(&table.stdout)[..3],
        ["类别", "指标", "数值"],
        "{}",
        table.stdout
    );
    assert!(table.stdout.contains("期末会员数"), "{}", table.stdout);
    assert!(table.stdout.contains("储值充值"), "{}", table.stdout);
    assert!(!table.stdout.contains("at_end"), "{}", table.stdout);
    assert!(table.stderr.contains("对比"), "{}", table.stderr);

    let csv = club.ok(&["--lang", "zh", "report", "monthly", "--format", "csv"]);
    assert!(csv.starts_with("period,section,measure,value\n"), "{csv}");
    assert!(csv.contains("2026-11,members,at_end,1"), "{csv}");
    assert!(
        csv.contains("2026-11,points,wallet_recharged,100.00"),
        "{csv}"
    );
    assert!(!csv.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)));

    let json = club.ok(&["--lang", "zh", "report", "monthly", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["figures"][1]["section"], "members");
    assert_eq!(v["figures"][1]["measure"], "at_end");

    let kpi = club.ok(&["--lang", "zh", "report", "kpi", "--format", "csv"]);
    assert!(
        kpi.contains(",member_growth,") && kpi.contains(",total,"),
        "{kpi}"
    );
    let aging = club.ok(&["--lang", "zh", "report", "points-aging"]);
    assert!(aging.contains("合计"), "{aging}");
}

#[test]
fn messages_on_standard_error_follow_the_language() {
    let club = club();
    let run = club.run(&[
        "--lang",
        "zh",
        "--dry-run",
        "member",
        "add",
        "--name",
        "李红",
        "--phone",
        "13800000002",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("演练，未执行："), "{}", run.stderr);
    assert!(run.stderr.contains("演练：将修改 "), "{}", run.stderr);
    let run = club.run(&["--lang", "zh", "--verbose", "member", "sweep"]);
    assert_eq!(run.stdout, "2026-11-25 member sweep：无需处理\n");
    let run = club.run(&["--lang", "zh", "data", "check"]);
    assert!(run.stderr.contains("数据检查通过"), "{}", run.stderr);
}

#[test]
fn an_error_in_chinese_has_the_prefix_and_its_kind_and_the_same_exit_code() {
    let club = club();
    let run = club.refused(&["--lang", "zh", "member", "show", "M999999"], 5, "错误：");
    assert!(run.stderr.contains("no member M999999"), "{}", run.stderr);
    assert!(
        run.stderr.contains("退出码 5：找不到该记录"),
        "{}",
        run.stderr
    );
    let run = club.refused(
        &[
            "--lang", "zh", "points", "redeem", "M000001", "--points", "999", "--reason", "x",
        ],
        4,
        "退出码 4：规则不允许这一步",
    );
    assert!(run.stderr.starts_with("错误："), "{}", run.stderr);
    // English has no second line.
    let run = club.refused(
        &["member", "show", "M999999"],
        5,
        "error: no member M999999",
    );
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
}

#[test]
fn the_language_defaults_to_club_toml_and_the_flag_and_environment_win() {
    let club = club();
    set_club_lang(&club, "zh");
    let table = club.ok(&["member", "list"]);
    assert_eq!(headings(&table)[1], "姓名");
    let table = club.ok(&["--lang", "en", "member", "list"]);
    assert_eq!(headings(&table)[1], "name");
    let out = club
        .cmd(&["member", "list"])
        .env("CLUBCTL_LANG", "en")
        .output()
        .unwrap();
    assert_eq!(headings(&String::from_utf8_lossy(&out.stdout))[1], "name");

    set_club_lang(&club, "zh");
    let toml = club
        .read("club.toml")
        .replace("lang = \"zh\"", "lang = \"en\"");
    std::fs::write(club.path("club.toml"), toml).unwrap();
    let out = club
        .cmd(&["member", "list"])
        .env("CLUBCTL_LANG", "zh")
        .output()
        .unwrap();
    assert_eq!(headings(&String::from_utf8_lossy(&out.stdout))[1], "姓名");
}

#[test]
fn an_unknown_language_is_refused_before_anything_is_written() {
    let club = club();
    club.refused(
        &[
            "--lang",
            "fr",
            "member",
            "add",
            "--name",
            "Jean",
            "--phone",
            "13800000002",
        ],
        2,
        "possible values: en, zh",
    );
    let before = club.snapshot();
    let out = club
        .cmd(&["member", "add", "--name", "Jean", "--phone", "13800000002"])
        .env("CLUBCTL_LANG", "klingon")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(before, club.snapshot());
    // In club.toml it is bad data, named with its key.
    set_club_lang(&club, "fr");
    club.refused(&["member", "list"], 3, "club.lang is 'fr'");
}
