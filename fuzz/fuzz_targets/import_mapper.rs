//! Any bytes as a file to import: decoded, split into rows, mapped to
//! columns and planned against the default rules, never a panic.
#![no_main]

use clubctl::app::import::{decode, read_rows, Charset};
use clubctl::domain::bounds::parse_day;
use clubctl::domain::import::{plan, Columns, Mapping};
use clubctl::domain::ClubRules;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok((text, _)) = decode(data, Charset::Auto) else {
        return;
    };
    let Ok((headers, rows)) = read_rows(&text, "import.csv") else {
        return;
    };
    let mapping = Mapping::default();
    let Ok(columns) = Columns::from_headers(&headers, &mapping) else {
        return;
    };
    let rules = ClubRules::default();
    let Ok(today) = parse_day("2026-11-25") else {
        return;
    };
    let out = plan(&columns, &rows, &mapping, &[], &[], &rules, today, |_| {});
    assert_eq!(out.rows, rows.len());
});
