//! All integration tests in one binary: each module runs the real clubctl
//! on a temporary data directory, as a person or a cron job would.

mod club;

mod chart;
mod desk;
mod events;
mod generate;
mod imports;
mod lang;
mod leads;
mod members;
mod points;
mod property;
mod reports;
mod store;
