//! Any text as club.toml: parsed and checked, or refused with a message.
#![no_main]

use clubctl::domain::ClubRules;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(s) = std::str::from_utf8(data) {
        if let Ok(rules) = ClubRules::from_toml(s) {
            let _ = rules.entry_tier();
        }
    }
});
