//! `explain`: read-only answers to "why": a member's status and tier, a
//! ledger entry's computation, a lead's ownership and a would-be claim.

use super::book::Book;
use super::Ctx;
use crate::domain::explain::{self, Line};
use crate::domain::lead::{self, Lead};
use crate::domain::ledger::LedgerEntry;
use crate::domain::member::Member;
use crate::domain::staff::Staff;
use crate::domain::tier::TierChange;
use crate::domain::DomainError;
use crate::error::{Error, Result};

pub fn member(ctx: &Ctx, id: &str) -> Result<Vec<Line>> {
    let store = ctx.read()?;
    let m = store.find::<Member>(id)?.ok_or_else(|| {
        DomainError::NotFound(format!(
            "no member {id}; find the id with `clubctl member list --search TEXT`"
        ))
    })?;
    let ledger: Vec<LedgerEntry> = store.load()?;
    let entries: Vec<LedgerEntry> = ledger.into_iter().filter(|e| e.member == m.id).collect();
    let history: Vec<TierChange> = store.load()?;
    let account = Book::open_for(&store, &[m.id.as_str()])?.account(&m.id);
    Ok(explain::member(
        &m,
        &entries,
        &history,
        &account,
        ctx.today,
        store.rules(),
    ))
}

pub fn entry(ctx: &Ctx, txid: &str) -> Result<Vec<Line>> {
    let store = ctx.read()?;
    let ledger: Vec<LedgerEntry> = store.load()?;
    let e = ledger.iter().find(|e| e.id == txid).ok_or_else(|| {
        DomainError::NotFound(format!(
            "no ledger entry {txid}; see `clubctl points history MEMBER`"
        ))
    })?;
    let related: Vec<LedgerEntry> = ledger
        .iter()
        .filter(|r| r.id == e.reference || (r.reference == e.id && r.id != e.id))
        .cloned()
        .collect();
    Ok(explain::entry(e, &related, store.rules()))
}

pub fn lead(ctx: &Ctx, id: &str, claim_by: Option<&str>) -> Result<Vec<Line>> {
    let store = ctx.read()?;
    let mut leads: Vec<Lead> = store.load()?;
    lead::expire(&mut leads, ctx.today, &ctx.operator);
    let l = leads.iter().find(|l| l.id == id).cloned().ok_or_else(|| {
        DomainError::NotFound(format!(
            "no lead {id}; find the id with `clubctl lead list`"
        ))
    })?;
    let members: Vec<Member> = store.load()?;
    let mut inactive = None;
    if let Some(by) = claim_by {
        let staff: Vec<Staff> = store.load()?;
        match super::lead::active_staff(&staff, by) {
            Ok(_) => {}
            Err(Error::Refused(msg)) => inactive = Some(msg),
            Err(e) => return Err(e),
        }
    }
    let mut lines = explain::lead(&l, claim_by, &leads, &members, ctx.today, store.rules());
    if let (Some(msg), Some(last)) = (inactive, lines.last_mut()) {
        last.value = format!("refused: {msg}");
        last.setting = String::new();
    }
    Ok(lines)
}
