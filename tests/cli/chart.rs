//! `report monthly --chart`: the SVG parses as XML and holds each panel's
//! title, the twelve month labels and a drawn line per series.

use crate::club::TestClub;

/// A club with two members in good standing on 2026-11-25, points earned
/// and redeemed in November.
fn club() -> TestClub {
    let club = TestClub::new();
    let a = club.active_member("Ann", "13800000001");
    club.active_member("Bo", "13800000002");
    club.ok(&["points", "grant", &a, "--spend", "300"]);
    club.ok(&[
        "points", "redeem", &a, "--points", "100", "--reason", "bill",
    ]);
    club
}

/// The text of every `<text>` element, trimmed.
fn texts(doc: &roxmltree::Document) -> Vec<String> {
    doc.descendants()
        .filter(|n| n.has_tag_name("text"))
        .map(|n| n.text().unwrap_or("").trim().to_string())
        .collect()
}

#[test]
fn chart_is_well_formed_svg_with_every_panel_and_month() {
    let club = club();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("chart.svg");
    let run = club.run(&["report", "monthly", "--chart", out.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // The report itself still prints.
    assert!(run.stdout.contains("at_end"), "{}", run.stdout);
    assert!(run.stderr.contains("chart.svg"), "{}", run.stderr);
    let svg = std::fs::read_to_string(&out).unwrap();
    let doc = roxmltree::Document::parse(&svg).expect("well-formed XML");
    assert!(doc.root_element().has_tag_name("svg"));
    let t = texts(&doc);
    for title in [
        "Members in good standing (month end)",
        "Activity rate",
        "Points earned and redeemed",
        "Tier mix (month end)",
        "earned",
        "redeemed",
    ] {
        assert!(t.iter().any(|x| x == title), "no {title:?} in {t:?}");
    }
    let months = [
        "2025-12", "2026-01", "2026-02", "2026-03", "2026-04", "2026-05", "2026-06", "2026-07",
        "2026-08", "2026-09", "2026-10", "2026-11",
    ];
    for m in months {
        assert!(t.iter().any(|x| x == m), "no month label {m}");
    }
    assert!(!t.iter().any(|x| x == "2025-11"), "a thirteenth month");
    // One polyline per line series: members, activity rate, earned, redeemed.
    let lines = doc
        .descendants()
        .filter(|n| n.has_tag_name("polyline"))
        .filter(|n| {
            n.attribute("points")
                .is_some_and(|p| p.split_whitespace().count() == 12)
        })
        .count();
    assert_eq!(lines, 4, "expected 4 twelve-point lines");
    // Both members are in the entry tier: its legend entry is there.
    assert!(t.iter().any(|x| x == "basic"), "no tier legend in {t:?}");
    club.check();
}

#[test]
fn chart_speaks_chinese_with_lang_zh() {
    let club = club();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("zh.svg");
    club.ok(&[
        "report",
        "monthly",
        "--month",
        "2026-10",
        "--chart",
        out.to_str().unwrap(),
        "--lang",
        "zh",
    ]);
    let svg = std::fs::read_to_string(&out).unwrap();
    let doc = roxmltree::Document::parse(&svg).expect("well-formed XML");
    let t = texts(&doc);
    for title in ["月末有效会员数", "活跃率", "积分发放与兑换", "月末等级构成"]
    {
        assert!(t.iter().any(|x| x == title), "no {title:?} in {t:?}");
    }
    assert!(!t.iter().any(|x| x == "Activity rate"));
    assert!(t.iter().any(|x| x == "2025-11") && t.iter().any(|x| x == "2026-10"));
}

#[test]
fn chart_language_defaults_to_the_club_toml() {
    let club = club();
    let toml = club
        .read("club.toml")
        .replace("lang = \"en\"", "lang = \"zh\"");
    assert!(toml.contains("lang = \"zh\""), "club.toml has no lang line");
    std::fs::write(club.path("club.toml"), toml).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("default.svg");
    club.ok(&["report", "monthly", "--chart", out.to_str().unwrap()]);
    let svg = std::fs::read_to_string(&out).unwrap();
    assert!(svg.contains("活跃率"));
}

#[test]
fn chart_into_a_missing_directory_is_an_io_failure() {
    let club = club();
    let out = club.path("no-such-dir").join("chart.svg");
    club.refused(
        &["report", "monthly", "--chart", out.to_str().unwrap()],
        1,
        "the directory",
    );
    assert!(!out.exists());
}

#[test]
fn chart_refuses_an_unknown_language() {
    let club = club();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("x.svg");
    club.refused(
        &[
            "report",
            "monthly",
            "--chart",
            out.to_str().unwrap(),
            "--lang",
            "fr",
        ],
        2,
        "possible values: en, zh",
    );
    assert!(!out.exists());
}
