//! Moving in and living with it: member import from spreadsheet CSV in
//! several encodings, export for spreadsheets, completions and the man page.

use crate::club::TestClub;

/// A member list as a Chinese office's Excel saves it: Chinese headers and
/// every date form (ISO, slashes, 年月日, Excel serial numbers).
const CHINESE: &str = "姓名,手机号,性别,出生日期,会员卡号,等级,入会日期,到期日期,积分,邮箱,备注\n\
王小明,138 0013 8000,男,1988/3/5,OLD0001,金卡,2025年1月10日,2027-01-09,1200,wang@example.com,老会员\n\
李红,13900139000,女,32564,OLD0002,银卡,45300,2026/12/31,300,,\n\
张伟,+86 137 0013 7000,男,19900701,,,,,,,\n";

fn write(club: &TestClub, name: &str, bytes: &[u8]) -> String {
    let path = club.dir().parent().expect("temp dir").join(name);
    std::fs::write(&path, bytes).expect("writing a fixture");
    path.to_str().expect("utf-8 path").to_string()
}

fn gbk(text: &str) -> Vec<u8> {
    let (bytes, _, unmappable) = encoding_rs::GBK.encode(text);
    assert!(!unmappable);
    bytes.into_owned()
}

fn utf8_bom(text: &str) -> Vec<u8> {
    [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat()
}

#[test]
fn a_gbk_file_with_chinese_headers_imports_every_date_form() {
    let club = TestClub::new();
    let file = write(&club, "members-gbk.csv", &gbk(CHINESE));
    let before = club.snapshot();
    let run = club.run(&["member", "import", &file, "--format", "csv"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("(gb18030): 3 rows: 3 new"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("dry run: nothing was written"),
        "{}",
        run.stderr
    );
    assert_eq!(before, club.snapshot(), "a dry run wrote something");
    assert!(run.stdout.contains(
        "2,new,M000001,王小明,13800138000,active,gold,OLD0001,2025-01-10,2027-01-09,1200"
    ));
    // 45300 is 2024-01-09 in Excel's 1900 date system; 32564 is 1989-02-25.
    assert!(run.stdout.contains(
        "3,new,M000002,李红,13900139000,active,silver,OLD0002,2024-01-09,2026-12-31,300"
    ));
    assert!(run
        .stdout
        .contains("4,new,M000003,张伟,13700137000,pending,basic,,,,0"));

    club.ok(&["member", "import", &file, "--commit"]);
    let members = club.table("members");
    assert!(members.contains("M000001,王小明,13800138000,wang@example.com,male,1988-03-05"));
    assert!(members.contains("M000002,李红,13900139000,,female,1989-02-25"));
    assert!(members.contains("M000003,张伟,13700137000,,male,1990-07-01"));
    assert!(club
        .table("cards")
        .contains("OLD0001,M000001,active,2025-01-10"));
    let ledger = club.read("ledger.csv");
    assert!(ledger.contains("T00000001,2026-11-25,grant,M000001,0.00,1200,,office,opening balance"));
    assert!(ledger.contains("T00000002,2026-11-25,grant,M000002,0.00,300,,office,opening balance"));
    assert!(!ledger.contains("M000003"));
    club.check();
    let show = club.ok(&["member", "show", "M000001", "--format", "json"]);
    assert!(show.contains("\"points\": 1200"), "{show}");
}

#[test]
fn a_utf8_file_with_a_bom_imports_and_reimporting_adds_nothing() {
    let club = TestClub::new();
    let file = write(&club, "members-bom.csv", &utf8_bom(CHINESE));
    let run = club.run(&["member", "import", &file, "--commit"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("(UTF-8): 3 rows: 3 new"),
        "{}",
        run.stderr
    );
    let after_first = club.snapshot();
    // The same people again, in another encoding: all present, nothing written.
    let again = write(&club, "members-gbk.csv", &gbk(CHINESE));
    let run = club.run(&["member", "import", &again, "--commit", "--format", "csv"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("0 new, 3 already present"),
        "{}",
        run.stderr
    );
    assert!(
        run.stdout
            .contains("2,present (phone 13800138000),M000001,王小明"),
        "{}",
        run.stdout
    );
    assert_eq!(after_first, club.snapshot(), "a re-import changed files");
    // A row matched by its card number alone is present too.
    let by_card = write(
        &club,
        "by-card.csv",
        "name,phone,card\n王小明,13800000099,OLD0001\n".as_bytes(),
    );
    let run = club.run(&["member", "import", &by_card, "--commit"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("present (card OLD0001)"),
        "{}",
        run.stdout
    );
    assert_eq!(after_first, club.snapshot());
}

#[test]
fn every_problem_is_reported_with_line_and_column_and_commit_is_refused() {
    let club = TestClub::new();
    club.active_member("王小明", "13800138000");
    let file = write(
        &club,
        "bad.csv",
        "Name,Phone,Birthday,Tier,Joined,Expires,Points\n\
         Ann Lee,13800000011,1990-02-30,gold,2025-01-01,2026-01-01,10\n\
         Bob,12,1990/1/1,diamond,2025-01-01,,\n\
         Cara,13800000011,60,silver,,,-5\n\
         Dan,138-0013-8000,,,,,\n\
         Eve,13800000015,,,2025-06-01,2025-05-01,\n\
         Fay,13800000016,,,,,\n"
            .as_bytes(),
    );
    let run = club.refused(
        &["member", "import", &file, "--commit"],
        4,
        "nothing was imported",
    );
    for needle in [
        "line 2, column 3 (Birthday): '1990-02-30' is not a date",
        "line 3, column 2 (Phone): '12' is not a phone number",
        "line 3, column 4 (Tier): tier 'diamond' is not in club.toml",
        "line 4, column 3 (Birthday): Excel date number 60 is 1900-02-29",
        "line 4, column 7 (Points): points '-5'",
        "line 4, column 2 (Phone): phone 13800000011 is also on line 2",
        "line 5, column 2 (Phone): phone 13800138000 is already held by active member M000001",
        "line 6, column 6 (Expires): expires 2025-05-01 is not after joined 2025-06-01",
        "6 rows: 1 new, 0 already present, 8 problem(s) on 5 line(s)",
    ] {
        assert!(
            run.stderr.contains(needle),
            "missing {needle:?} in:\n{}",
            run.stderr
        );
    }
    // The dry run reports the same and is refused the same way.
    club.refused(
        &["member", "import", &file],
        4,
        "line 6, column 6 (Expires)",
    );
}

#[test]
fn a_mapping_file_names_columns_and_translates_tiers() {
    let club = TestClub::new();
    let file = write(
        &club,
        "crm.csv",
        "客户名称,联系方式,Level,开户日\nACME 公司,021-6543-2100,VIP,2026/1/31\n".as_bytes(),
    );
    club.refused(
        &["member", "import", &file],
        2,
        "no column for the member's name",
    );
    let map = write(
        &club,
        "crm.toml",
        "[columns]\nname = \"客户名称\"\nphone = \"联系方式\"\ntier = \"Level\"\njoined = \"开户日\"\n\n[tiers]\nVIP = \"platinum\"\n"
            .as_bytes(),
    );
    let run = club.run(&[
        "member", "import", &file, "--map", &map, "--commit", "--format", "csv",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // No card in the file: the next number in sequence; a term from joined,
    // up to the day before its anniversary.
    assert!(
        run.stdout.contains(
            "2,new,M000001,ACME 公司,02165432100,active,platinum,VIP000001,2026-01-31,2027-01-30,0"
        ),
        "{}",
        run.stdout
    );
    club.check();
    let bad_map = write(&club, "bad.toml", b"[columns]\nfax = \"Fax\"\n");
    club.refused(
        &["member", "import", &file, "--map", &bad_map],
        2,
        "unknown field 'fax'",
    );
}

#[test]
fn a_file_in_the_wrong_encoding_is_refused_with_the_way_out() {
    let club = TestClub::new();
    let file = write(&club, "members-gbk.csv", &gbk(CHINESE));
    club.refused(
        &["member", "import", &file, "--encoding", "utf-8"],
        2,
        "--encoding",
    );
    club.refused(
        &["member", "import", "/nonexistent/members.csv"],
        2,
        "reading",
    );
}

fn export_club() -> TestClub {
    let club = TestClub::new();
    let id = club.active_member("=HYPERLINK(\"http://x\")", "13812345678");
    club.ok(&[
        "member",
        "update",
        &id,
        "--email",
        "wang@example.com",
        "--note=-5 discount",
    ]);
    club.active_member("王小明", "13900001111");
    club
}

#[test]
fn export_neutralises_formulas_unless_raw() {
    let club = export_club();
    let csv = club.ok(&["member", "export"]);
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("id,name,phone,email,gender,birthday,kind,nominee,referrer,source,sales,status,tier,card,applied,joined,expires,since,reason,note,points,wallet")
    );
    let first = lines.next().unwrap_or_default();
    assert!(
        first.starts_with("M000001,\"'=HYPERLINK(\"\"http://x\"\")\",13812345678,wang@example.com"),
        "{first}"
    );
    assert!(first.contains(",'-5 discount,0,0.00"), "{first}");
    assert!(lines
        .next()
        .unwrap_or_default()
        .starts_with("M000002,王小明,13900001111"));
    let raw = club.ok(&["member", "export", "--raw"]);
    assert!(
        raw.contains("M000001,\"=HYPERLINK(\"\"http://x\"\")\""),
        "{raw}"
    );
    assert!(raw.contains(",-5 discount,"), "{raw}");
}

#[test]
fn export_for_excel_has_a_bom_and_crlf_and_mask_hides_contacts() {
    let club = export_club();
    let run = club.run(&["member", "export", "--excel", "--mask"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.starts_with("\u{feff}id,name,phone,"));
    assert_eq!(run.stdout.matches("\r\n").count(), 3);
    assert_eq!(run.stdout.matches('\n').count(), 3);
    assert!(
        run.stdout.contains(",138****5678,w***@example.com,"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains(",139****1111,,"), "{}", run.stdout);
    assert!(!run.stdout.contains("13812345678"));
    let plain = club.ok(&["member", "export"]);
    assert!(!plain.contains('\r') && !plain.starts_with('\u{feff}'));
}

#[test]
fn completions_are_generated_for_each_shell() {
    let club = TestClub::new();
    for shell in ["bash", "zsh", "fish"] {
        let script = club.ok(&["completions", shell]);
        for word in [
            "clubctl",
            "member",
            "import",
            "export",
            "sweep",
            "completions",
        ] {
            assert!(script.contains(word), "{shell} completions lack {word}");
        }
    }
    club.refused(&["completions", "powershell-ish"], 2, "invalid value");
}

#[test]
fn the_man_page_renders() {
    let club = TestClub::new();
    let roff = club.ok(&["man"]);
    assert!(roff.contains(".TH clubctl 1"), "{roff}");
    for sub in ["member", "card", "staff", "data", "completions", "man"] {
        assert!(
            roff.contains(&format!("clubctl\\-{sub}(1)")),
            "{sub} missing:\n{roff}"
        );
    }
    let out = club.dir().parent().expect("temp dir").join("clubctl.1");
    club.ok(&["man", "--out", out.to_str().unwrap_or_default()]);
    assert_eq!(
        std::fs::read_to_string(&out).unwrap_or_default().trim(),
        roff
    );
    // Rendered by man itself where it is installed.
    let man = std::process::Command::new("man")
        .args(["-l", out.to_str().unwrap_or_default()])
        .env("MANPAGER", "cat")
        .env("PAGER", "cat")
        .env("MANWIDTH", "80")
        .output();
    if let Ok(o) = man {
        if o.status.success() {
            let text = String::from_utf8_lossy(&o.stdout);
            assert!(text.contains("NAME"), "{text}");
            assert!(
                text.contains("clubctl - run a membership program"),
                "{text}"
            );
            assert!(text.contains("member"), "{text}");
        }
    }
}

/// PATH with the built clubctl first, for the shell examples.
fn path_with_clubctl() -> String {
    let bin = assert_cmd::cargo::cargo_bin("clubctl");
    let dir = bin
        .parent()
        .expect("bin dir")
        .to_string_lossy()
        .into_owned();
    format!("{dir}:{}", std::env::var("PATH").unwrap_or_default())
}

fn has(tool: &str) -> bool {
    std::process::Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn the_example_pipelines_run_on_an_imported_club() {
    if !["awk", "sort", "sqlite3"].iter().all(|t| has(t)) {
        eprintln!("skipped: awk, sort or sqlite3 is not installed");
        return;
    }
    let club = TestClub::new();
    let file = write(&club, "members.csv", CHINESE.as_bytes());
    club.ok(&["member", "import", &file, "--commit"]);
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/pipelines.sh");
    let out = std::process::Command::new("sh")
        .arg(script)
        .env_clear()
        .env("PATH", path_with_clubctl())
        .env("CLUBCTL_DATA", club.dir())
        .env("CLUBCTL_TODAY", &club.today)
        .output()
        .expect("running sh");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for needle in [
        "2 active\n",
        "1 pending\n",
        "gold\t1\nsilver\t1\n",
        "M000002,李红,2026-12-31\nM000001,王小明,2027-01-09\n",
        "1 2024-01\n",
        "gold\t1\t1200\nsilver\t1\t300\n",
        "M000001\t王小明\t138****8000\t1200\n",
    ] {
        assert!(stdout.contains(needle), "missing {needle:?} in:\n{stdout}");
    }
}

#[test]
fn the_crontab_lines_for_existing_commands_work_as_written() {
    let club = TestClub::new();
    club.active_member("A", "13800000001");
    let crontab = include_str!("../../examples/crontab");
    let mut ran = 0;
    for line in crontab.lines().filter(|l| !l.starts_with('#')) {
        let Some(at) = line.find("clubctl ") else {
            continue;
        };
        // The command up to its redirection or pipe, `%` unescaped as cron does.
        let command = line[at..]
            .split(['>', '|'])
            .next()
            .unwrap_or_default()
            .replace("\\%", "%");
        assert!(!command.contains("--today"), "{line}");
        if command.contains("$m") {
            // The monthly report's month comes from the shell before it.
            let month = "2026-10";
            let out = std::process::Command::new("sh")
                .args(["-c", &command.replace("\"$m\"", month)])
                .env_clear()
                .env("PATH", path_with_clubctl())
                .env("CLUBCTL_DATA", club.dir())
                .output()
                .expect("running sh");
            assert!(out.status.success(), "{command}");
            ran += 1;
            continue;
        }
        let out = std::process::Command::new("sh")
            .args(["-c", &command])
            .env_clear()
            .env("PATH", path_with_clubctl())
            .env("CLUBCTL_DATA", club.dir())
            .env("CLUBCTL_OPERATOR", "cron")
            .output()
            .expect("running sh");
        assert!(
            out.status.success(),
            "{command}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        ran += 1;
    }
    assert_eq!(
        ran, 7,
        "four nightly jobs, the month-end closing, the report and the renewal list"
    );
}

#[test]
fn man_pages_for_every_subcommand_go_into_a_directory() {
    let club = TestClub::new();
    let dir = club.dir().parent().expect("temp dir").join("man1");
    club.ok(&["man", "--dir", dir.to_str().unwrap_or_default()]);
    for page in [
        "clubctl.1",
        "clubctl-member.1",
        "clubctl-member-import.1",
        "clubctl-completions.1",
    ] {
        let roff = std::fs::read_to_string(dir.join(page)).unwrap_or_default();
        assert!(roff.contains(".TH "), "{page}: {roff}");
    }
    let import = std::fs::read_to_string(dir.join("clubctl-member-import.1")).unwrap_or_default();
    assert!(import.contains("commit"), "{import}");
}

#[test]
fn the_global_dry_run_wins_over_commit() {
    let club = TestClub::new();
    let file = write(&club, "members.csv", CHINESE.as_bytes());
    let before = club.snapshot();
    let run = club.run(&["member", "import", &file, "--commit", "--dry-run"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("dry run: nothing was written"),
        "{}",
        run.stderr
    );
    assert_eq!(before, club.snapshot());
}

#[test]
fn a_long_import_under_a_script_shows_no_progress_bar() {
    let club = TestClub::new();
    let mut text = String::from("name,phone,points\n");
    for i in 0..1500 {
        text.push_str(&format!("Member {i},139{i:08},{i}\n"));
    }
    let file = write(&club, "long.csv", text.as_bytes());
    let run = club.run(&["member", "import", &file, "--commit", "--format", "csv"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stderr.contains("checking rows"), "{}", run.stderr);
    assert_eq!(run.stderr.lines().count(), 2, "{}", run.stderr);
    assert_eq!(run.stdout.lines().count(), 1501);
    club.check();
    let ledger = club.read("ledger.csv");
    // Member 0 has no opening points, so no entry; 1499 entries in all.
    assert_eq!(ledger.lines().count(), 1 + 1499);
    assert!(ledger.contains("T00001499,2026-11-25,grant,M001500,0.00,1499,,office,opening balance"));
}

/// Opening stored value in the spellings a Chinese office's sheet has.
const WALLETS: &str = "姓名,手机,会员卡号,入会日期,到期日期,积分,储值余额\n\
王小明,13800000001,OLD001,2025/1/1,2027-12-31,1200,¥128.50\n\
李红,13800000002,OLD002,2025-03-05,2027-03-04,,\"1,280.00\"\n\
张伟,13800000003,OLD003,2025-06-01,2027-05-31,,0\n\
赵敏,13800000004,OLD004,2025-06-01,2027-05-31,,￥66.6元\n";

#[test]
fn opening_wallet_balances_become_recharges_once_without_bonus_or_referral() {
    let club = TestClub::new();
    // A campaign running today must not add to an opening balance.
    let toml = club.read("club.toml").replace(
        "confirm_pay_above = \"1000\"\n",
        "confirm_pay_above = \"1000\"\n[[recharge.bonus]]\nname = \"Opening week\"\nfrom = 2026-11-01\nto = 2026-11-30\npercent = 30\nmin_amount = \"1\"\n",
    );
    // The shipped recharge case moves with the campaign.
    let toml = toml.replace(
        "on = 2026-11-25\nexpect = \"0\"",
        "on = 2026-11-25\nexpect = \"300\"",
    );
    std::fs::write(club.path("club.toml"), toml).unwrap();
    let file = write(&club, "wallets.csv", WALLETS.as_bytes());

    let before = club.snapshot();
    let run = club.run(&["member", "import", &file, "--format", "csv"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(before, club.snapshot(), "a dry run wrote something");
    assert!(run
        .stdout
        .lines()
        .next()
        .unwrap()
        .ends_with(",points,wallet"));
    assert!(run.stdout.contains(",1200,128.50\n"), "{}", run.stdout);
    assert!(run.stdout.contains(",0,1280.00\n"), "{}", run.stdout);
    assert!(run.stdout.contains(",0,66.60"), "{}", run.stdout);
    assert!(
        run.stderr
            .contains("1200 opening points, 1475.10 opening wallet"),
        "{}",
        run.stderr
    );

    club.ok(&["member", "import", &file, "--commit"]);
    let ledger = club.read("ledger.csv");
    let recharges: Vec<&str> = ledger
        .lines()
        .filter(|l| l.contains(",recharge,"))
        .collect();
    assert_eq!(recharges.len(), 3, "{ledger}");
    assert!(recharges
        .iter()
        .all(|l| l.ends_with(",office,opening balance")));
    assert!(ledger.contains(",recharge,M000001,128.50,0,,office,opening balance"));
    assert!(ledger.contains(",recharge,M000002,1280.00,0,,office,opening balance"));
    assert!(
        !ledger.contains(",M000003,"),
        "a zero balance adds no entry"
    );
    assert!(!ledger.contains(",bonus,"), "no campaign bonus: {ledger}");
    assert_eq!(
        club.csv_field(&["wallet", "balance", "M000002"], "wallet"),
        "1280.00"
    );
    // The opening balance is the member's recharge so far.
    assert_eq!(
        club.csv_field(&["wallet", "balance", "M000002"], "recharged"),
        "1280.00"
    );
    club.check();

    // Again: every row is present and nothing is added.
    let before = club.snapshot();
    let run = club.run(&["member", "import", &file, "--commit"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("0 new, 4 already present"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("0.00 opening wallet"), "{}", run.stderr);
    assert_eq!(before, club.snapshot(), "a re-import changed files");
}

#[test]
fn an_imported_balance_counts_as_the_first_recharge_for_the_referral_rule() {
    let club = TestClub::new();
    let referrer = club.active_member("R", "13900000009");
    let file = write(&club, "wallets.csv", WALLETS.as_bytes());
    club.ok(&["member", "import", &file, "--commit"]);
    // The referrer is M000001, so 李红 (1280.00) is M000003.
    club.ok(&["member", "update", "M000003", "--referrer", &referrer]);
    club.ok(&["wallet", "recharge", "M000003", "--amount", "1000"]);
    assert_eq!(
        club.csv_field(&["points", "balance", &referrer], "points"),
        "0",
        "the member recharged before, under the old system"
    );
    assert_eq!(
        club.csv_field(&["wallet", "balance", "M000003"], "wallet"),
        "2280.00"
    );
    club.check();
}

#[test]
fn bad_opening_balances_are_refused_with_line_and_column_and_nothing_is_written() {
    let club = TestClub::new();
    let file = write(
        &club,
        "bad-wallets.csv",
        "姓名,手机,会员卡号,余额\n\
         甲,13800000001,C1,-5.00\n\
         乙,13800000002,C2,12.345\n\
         丙,13800000003,C3,abc\n\
         丁,13800000004,C4,\"1,28\"\n\
         戊,13800000005,,50\n\
         己,13800000006,C6,99.90\n"
            .as_bytes(),
    );
    let run = club.refused(
        &["member", "import", &file, "--commit"],
        4,
        "nothing was imported",
    );
    for needle in [
        "line 2, column 4 (余额): wallet '-5.00' is negative",
        "line 3, column 4 (余额): wallet '12.345' is not an amount of money",
        "line 4, column 4 (余额): wallet 'abc' is not an amount of money",
        "line 5, column 4 (余额): wallet '1,28' is not an amount of money",
        "line 6, column 4 (余额): a stored-value balance of 50.00 needs a member with a card",
    ] {
        assert!(
            run.stderr.contains(needle),
            "no {needle:?} in:\n{}",
            run.stderr
        );
    }
    assert!(!run.stderr.contains("line 7"), "{}", run.stderr);
    assert!(
        run.stderr.contains("5 problem(s) on 5 line(s)"),
        "{}",
        run.stderr
    );
}
