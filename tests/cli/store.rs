//! The store's guarantees: locking, torn lines, versions, crashes.

use crate::club::TestClub;

#[test]
fn a_newer_manifest_is_refused_naming_both_versions() {
    let club = TestClub::new();
    let manifest = club
        .read("manifest.toml")
        .replace("\"members.csv\" = 1", "\"members.csv\" = 9");
    std::fs::write(club.path("manifest.toml"), manifest).unwrap();
    club.refused(&["member", "list"], 3, "version 9");
}
