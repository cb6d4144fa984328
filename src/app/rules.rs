//! Rule commands: run the golden cases, and compare a candidate club.toml
//! with the rules in force. Both only read.

use super::book::Book;
use super::Ctx;
use crate::domain::cases::{self, Checked};
use crate::domain::event::{Event, Registration};
use crate::domain::lead::Lead;
use crate::domain::ledger::LedgerEntry;
use crate::domain::member::Member;
use crate::domain::points::Account;
use crate::domain::tier::TierChange;
use crate::domain::whatif::{self, Diff, Snapshot};
use crate::error::{Error, Result};
use crate::store::{self, StoreError};
use std::path::Path;

/// `rules test`: every golden case of club.toml run against its rules.
pub fn test(ctx: &Ctx) -> Result<Vec<Checked>> {
    let store = ctx.read()?;
    let rules = store.rules();
    Ok(cases::run(&rules.case, rules))
}

/// The failing golden cases as `data check` problems, at the line of each
/// case's `[[case]]` header in club.toml.
pub fn check(store: &store::Store, out: &mut Vec<store::Problem>) -> Result<()> {
    let rules = store.rules();
    let (path, lines) = store.case_lines()?;
    for (i, c) in cases::run(&rules.case, rules).iter().enumerate() {
        if !c.holds {
            out.push(store::Problem {
                path: path.clone(),
                line: lines.get(i).copied().unwrap_or(1),
                msg: format!(
                    "golden case '{}' ({}) expects {}, the rules give {} (see {})",
                    c.name,
                    c.kind.as_str(),
                    c.expect,
                    c.got,
                    c.kind.settings()
                ),
            });
        }
    }
    Ok(())
}

/// What `rules diff` found: the differences, and the candidate's own
/// golden cases run against the candidate.
pub struct Compared {
    pub diff: Diff,
    pub cases: Vec<Checked>,
}

/// `rules diff FILE`: the club under the candidate rules, compared with the
/// rules in force, today and `days` later. Writes nothing.
pub fn diff(ctx: &Ctx, file: &Path, days: u32) -> Result<Compared> {
    let candidate = store::read_rules_file(file).map_err(|e| match e {
        StoreError::Missing(m) => Error::Usage(m),
        e => e.into(),
    })?;
    let store = ctx.read()?;
    let members: Vec<Member> = store.load()?;
    let ledger: Vec<LedgerEntry> = store.load()?;
    let history: Vec<TierChange> = store.load()?;
    let accounts: Vec<Account> = Book::open(&store)?.accounts().cloned().collect();
    let leads: Vec<Lead> = store.load()?;
    let events: Vec<Event> = store.load()?;
    let registrations: Vec<Registration> = store.load()?;
    let snapshot = Snapshot {
        members: &members,
        ledger: &ledger,
        history: &history,
        accounts: &accounts,
        leads: &leads,
        events: &events,
        registrations: &registrations,
    };
    let diff = whatif::compare(&snapshot, store.rules(), &candidate, ctx.today, days);
    Ok(Compared {
        diff,
        cases: cases::run(&candidate.case, &candidate),
    })
}
