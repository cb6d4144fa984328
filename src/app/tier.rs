//! Tier commands: the nightly recompute and the ladder with its members.

use super::Ctx;
use crate::domain::ledger::LedgerEntry;
use crate::domain::member::Member;
use crate::domain::rules::Tier;
use crate::domain::tier::{self, TierChange};
use crate::error::Result;
use crate::store::Txn;

/// What `tier recompute` did (or would do).
#[derive(Debug)]
pub struct Recomputed {
    pub changes: Vec<TierChange>,
    pub files: Vec<String>,
    pub considered: usize,
}

pub fn recompute(ctx: &Ctx) -> Result<Recomputed> {
    let mut store = ctx.write()?;
    let rules = store.rules().clone();
    let mut members: Vec<Member> = store.load()?;
    let ledger: Vec<LedgerEntry> = store.load()?;
    let history: Vec<TierChange> = store.load()?;
    let plan = tier::recompute(&members, &ledger, &history, ctx.today, &rules);
    let mut changes = Vec::new();
    let mut audits = Vec::new();
    for (i, c) in plan.changes {
        let m = &mut members[i];
        let before = m.clone();
        m.tier = c.to.clone();
        audits.push(ctx.audit("tier recompute", Some(&before), m));
        changes.push(c);
    }
    let considered = plan.considered;
    let mut txn = Txn::new();
    if !changes.is_empty() {
        txn.put_table(&mut members);
        txn.append(&changes);
        txn.append(&audits);
    }
    let files = ctx.finish(&mut store, txn)?;
    Ok(Recomputed {
        changes,
        files,
        considered,
    })
}

/// `tier list`: each tier with how many live members sit in it.
pub fn list(ctx: &Ctx) -> Result<Vec<(Tier, usize)>> {
    let store = ctx.read()?;
    let members: Vec<Member> = store.load()?;
    Ok(store
        .rules()
        .tiers
        .iter()
        .map(|t| {
            let n = members
                .iter()
                .filter(|m| m.tier == t.name && m.status.is_live())
                .count();
            (t.clone(), n)
        })
        .collect())
}
