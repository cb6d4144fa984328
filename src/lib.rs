//! clubctl: a membership program's members, cards, points, stored value,
//! tiers, leads and events, kept in plain files.
//!
//! Layers, outermost first (each uses only those below it): `cli` parses
//! and renders, `app` runs one command against the store, `domain` holds
//! the rules as pure functions, `store` owns the data directory.

pub mod app;
pub mod cli;
pub mod domain;
pub mod error;
pub mod store;
