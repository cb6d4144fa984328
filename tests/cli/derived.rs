//! Derived files (the balances cache, the receipt index, the phone index)
//! can never be read as "nothing here": `index/lengths.csv` records the
//! length each one had at the last commit, and a file missing, cut or
//! added outside clubctl is refused with exit 3 and `data reindex`.

use crate::club::TestClub;

fn balance(club: &TestClub, id: &str) -> String {
    club.csv_field(&["points", "balance", id], "points")
}

/// A club with one member who earned 100 points on receipt R-1.
fn club_with_receipt() -> (TestClub, String) {
    let club = TestClub::new();
    let m = club.active_member("A", "13800000001");
    club.ok(&["points", "grant", &m, "--spend", "100", "--receipt", "R-1"]);
    (club, m)
}

fn bucket_of_receipt(club: &TestClub) -> String {
    // The only bucket that holds a line.
    let dir = club.path("receipts");
    let mut found = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let e = e.unwrap();
        if std::fs::read_to_string(e.path()).unwrap().contains("R-1") {
            found.push(format!("receipts/{}", e.file_name().to_string_lossy()));
        }
    }
    assert_eq!(found.len(), 1, "{found:?}");
    found.remove(0)
}

#[test]
fn a_deleted_receipt_bucket_never_lets_a_receipt_earn_twice() {
    let (club, m) = club_with_receipt();
    let bucket = bucket_of_receipt(&club);
    std::fs::remove_file(club.path(&bucket)).unwrap();
    club.refused(
        &["points", "grant", &m, "--spend", "100", "--receipt", "R-1"],
        3,
        "the file is missing, though the last commit left it",
    );
    let run = club.run(&["data", "check"]);
    assert_ne!(run.code, 0);
    assert!(
        run.stdout.contains(&bucket) || run.stderr.contains(&bucket),
        "{run:?}"
    );
    club.ok(&["data", "reindex"]);
    club.check();
    club.refused(
        &["points", "grant", &m, "--spend", "100", "--receipt", "R-1"],
        4,
        "receipt R-1 was already recorded",
    );
    assert_eq!(balance(&club, &m), "100");
}

#[test]
fn an_emptied_receipt_bucket_is_refused_too() {
    let (club, m) = club_with_receipt();
    let bucket = bucket_of_receipt(&club);
    std::fs::write(club.path(&bucket), "").unwrap();
    club.refused(
        &["points", "grant", &m, "--spend", "5", "--receipt", "R-1"],
        3,
        "0 bytes long, but the last commit left it",
    );
}

#[test]
fn a_deleted_balances_shard_never_gives_a_wrong_balance() {
    let (club, m) = club_with_receipt();
    std::fs::remove_file(club.path("balances/M000.csv")).unwrap();
    club.refused(&["points", "grant", &m, "--spend", "10"], 3, "data reindex");
    club.refused(&["points", "balance", &m], 3, "balances/M000.csv");
    club.ok(&["data", "reindex"]);
    club.check();
    club.ok(&["points", "grant", &m, "--spend", "10"]);
    assert_eq!(balance(&club, &m), "110");
}

#[test]
fn a_derived_file_added_by_hand_is_refused() {
    let (club, m) = club_with_receipt();
    std::fs::write(club.path("balances/M001.csv"), "member,points\n").unwrap();
    // Another member's shard: reading this one's is fine...
    club.ok(&["points", "balance", &m]);
    // ...but a whole-table read sees the stranger.
    let run = club.run(&["data", "check"]);
    assert_ne!(run.code, 0);
    assert!(
        format!("{}{}", run.stdout, run.stderr).contains("never wrote this file"),
        "{run:?}"
    );
}

#[test]
fn a_lost_record_of_lengths_is_refused_and_rebuilt() {
    let (club, m) = club_with_receipt();
    std::fs::remove_file(club.path("index/lengths.csv")).unwrap();
    club.refused(
        &["points", "grant", &m, "--spend", "1", "--receipt", "R-2"],
        3,
        "index/lengths.csv is missing",
    );
    let out = club.run(&["data", "reindex"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(club
        .read("index/lengths.csv")
        .contains("balances/M000.csv,"));
    club.check();
    club.ok(&["points", "grant", &m, "--spend", "1", "--receipt", "R-2"]);
}

#[test]
fn every_commit_keeps_the_record_true() {
    let (club, m) = club_with_receipt();
    club.ok(&["wallet", "recharge", &m, "--amount", "50"]);
    club.ok(&["member", "update", &m, "--phone", "13900000009"]);
    let record = club.read("index/lengths.csv");
    for line in record.lines().skip(1) {
        let (file, n) = line.rsplit_once(',').unwrap();
        let len = std::fs::metadata(club.path(file)).map_or(0, |m| m.len());
        assert_eq!(len.to_string(), n, "{file}");
    }
    assert!(record.contains("index/phones/09.csv,"));
    // A reindex of a sound club changes nothing.
    let before = club.snapshot();
    club.ok(&["data", "reindex"]);
    assert_eq!(club.snapshot(), before);
}

#[test]
fn a_damaged_record_of_lengths_is_refused_and_rebuilt() {
    let (club, m) = club_with_receipt();
    std::fs::write(club.path("index/lengths.csv"), "file,bytes\nreceipts/x,y\n").unwrap();
    club.refused(
        &["points", "grant", &m, "--spend", "1", "--receipt", "R-2"],
        3,
        "index/lengths.csv:2",
    );
    club.ok(&["data", "reindex"]);
    club.check();
    club.ok(&["points", "grant", &m, "--spend", "1", "--receipt", "R-2"]);
}
