//! Any bytes as a journal: a torn last line is reported, never counted,
//! and nothing panics.
#![no_main]

use clubctl::domain::ledger::LedgerEntry;
use clubctl::store::codec::scan_bytes;
use clubctl::store::AuditEntry;
use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let path = Path::new("ledger.csv");
    let scan = scan_bytes::<LedgerEntry>(path, data);
    if data.last().is_some_and(|&b| b != b'\n') {
        assert!(scan.torn.is_some(), "a torn last line went unreported");
    }
    let _ = scan_bytes::<AuditEntry>(path, data);
});
