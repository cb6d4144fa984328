//! The language club.toml names, for the command line's default.

use std::path::Path;

/// `[club] lang` of the data directory's club.toml, read without a lock
/// (club.toml is only ever replaced whole). None when there is no readable
/// club.toml: a command that needs one reports why itself.
pub fn club_lang(data: &Path) -> Option<String> {
    crate::store::read_rules(data)
        .ok()
        .map(|rules| rules.club.lang)
}
