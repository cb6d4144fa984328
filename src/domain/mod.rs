//! The business rules as plain types and pure functions. Nothing here reads
//! a file, the clock or the environment: "today" and the rules come in as
//! arguments.

pub mod bounds;
pub mod card;
pub mod cases;
pub mod dates;
pub mod error;
pub mod event;
pub mod event_report;
pub mod explain;
pub mod import;
pub mod lead;
pub mod ledger;
pub mod member;
pub mod money;
pub mod period;
pub mod phone;
pub mod points;
pub mod report;
pub mod rules;
pub mod sales;
pub mod staff;
pub mod tier;
pub mod whatif;

pub use error::DomainError;
pub use money::Cents;
pub use rules::ClubRules;
