//! Member, card and staff commands.

use crate::club::TestClub;

#[test]
fn add_then_approve_issues_a_card_and_passes_check() {
    let club = TestClub::new();
    let id = club.ok(&[
        "member",
        "add",
        "--name",
        "王小明",
        "--phone",
        "+86 138 1234 5678",
    ]);
    assert_eq!(id, "M000001");
    let card = club.ok(&["member", "approve", &id]);
    assert_eq!(card, "VIP000001");
    assert!(club
        .read("members.csv")
        .contains("M000001,王小明,13812345678"));
    club.check();
}

#[test]
fn a_live_members_phone_is_refused_and_nothing_is_written() {
    let club = TestClub::new();
    club.active_member("A", "13800000001");
    club.refused(
        &["member", "add", "--name", "B", "--phone", "138-0000-0001"],
        4,
        "M000001",
    );
}
