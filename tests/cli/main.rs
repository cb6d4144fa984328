//! All integration tests in one binary: each module runs the real clubctl
//! on a temporary data directory, as a person or a cron job would.

// Tests prepare and inspect data directories file by file, as a person
// would: clippy.toml's rule that only src/store touches files is for the
// program, not for them.
#![allow(clippy::disallowed_methods, clippy::disallowed_types)]

mod club;

mod chart;

mod derived;
mod desk;
mod docs;
mod events;
mod generate;
mod hardening;
mod imports;
mod lang;
mod leads;
mod manual;
mod members;
mod migrate;
mod points;
mod property;
mod reports;
mod rules;
mod seam;
mod store;
