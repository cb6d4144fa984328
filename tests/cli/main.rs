//! All integration tests in one binary: each module runs the real clubctl
//! on a temporary data directory, as a person or a cron job would.

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
mod store;
