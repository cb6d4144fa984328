//! What the benchmarks share: running the clubctl under test on a data
//! directory, and medians.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

pub const BIN: &str = env!("CARGO_BIN_EXE_clubctl");
pub const TODAY: &str = "2026-11-25";

/// Gives `cmd` the environment every benchmark runs clubctl in: nothing
/// from the caller's, the data directory `dir`, business day `TODAY` and
/// operator `bench`.
pub fn club_env<'a>(cmd: &'a mut Command, dir: &Path) -> &'a mut Command {
    cmd.env_clear()
        .env("CLUBCTL_DATA", dir)
        .env("CLUBCTL_TODAY", TODAY)
        .env("CLUBCTL_OPERATOR", "bench")
}

/// Runs clubctl on `dir` with `args` (business day `TODAY`), which must
/// succeed; returns the wall time it took.
pub fn clubctl(dir: &Path, args: &[&str]) -> Duration {
    let start = Instant::now();
    let out = club_env(&mut Command::new(BIN), dir)
        .args(args)
        .output()
        .expect("running clubctl");
    let took = start.elapsed();
    assert!(
        out.status.success(),
        "clubctl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    took
}

pub fn median<T: Ord + Copy>(mut v: Vec<T>) -> T {
    v.sort();
    v[v.len() / 2]
}
