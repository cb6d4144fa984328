//! Any text as a date or an amount, in every form the program reads one.
#![no_main]

use clubctl::domain::dates::parse_ymd;
use clubctl::domain::import::{parse_date, parse_wallet};
use clubctl::domain::Cents;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = parse_ymd(data);
    if let Ok(s) = std::str::from_utf8(data) {
        let _ = parse_date(s);
        let _ = parse_wallet(s);
        let _ = s.parse::<Cents>();
        let _ = clubctl::domain::bounds::parse_day(s);
    }
});
