//! Any bytes as a table file: every row is a record or a problem with its
//! line, never a panic.
#![no_main]

use clubctl::domain::card::Card;
use clubctl::domain::event::{Event, Registration};
use clubctl::domain::member::Member;
use clubctl::domain::staff::Staff;
use clubctl::store::codec::scan_bytes;
use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let path = Path::new("table.csv");
    let _ = scan_bytes::<Member>(path, data);
    let _ = scan_bytes::<Card>(path, data);
    let _ = scan_bytes::<Staff>(path, data);
    let _ = scan_bytes::<Event>(path, data);
    let _ = scan_bytes::<Registration>(path, data);
});
