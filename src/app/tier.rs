//! Tier commands: the nightly recompute and the ladder with its members.

use super::Ctx;
use crate::domain::ledger::LedgerEntry;
use crate::domain::member::{Member, Status};
use crate::domain::rules::Tier;
use crate::domain::tier::{self, Activity, Restorable, TierChange};
use crate::error::Result;
use crate::store::Txn;
use chrono::NaiveDate;
use std::collections::HashMap;

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
    let mut activity: HashMap<&str, Activity> = HashMap::new();
    for e in &ledger {
        activity
            .entry(e.member.as_str())
            .or_default()
            .add(e, ctx.today, &rules);
    }
    let mut last_change: HashMap<&str, NaiveDate> = HashMap::new();
    let mut last: HashMap<&str, &TierChange> = HashMap::new();
    for c in &history {
        let d = last_change.entry(c.member.as_str()).or_insert(c.date);
        *d = (*d).max(c.date);
        let l = last.entry(c.member.as_str()).or_insert(c);
        if c.date >= l.date {
            *l = c;
        }
    }
    let mut restorable: HashMap<&str, Restorable> = last
        .iter()
        .filter_map(|(m, c)| Some((*m, Restorable::of(Some(c), &rules)?)))
        .collect();
    if !restorable.is_empty() {
        for e in &ledger {
            if let Some(r) = restorable.get_mut(e.member.as_str()) {
                r.add(e, ctx.today, &rules);
            }
        }
    }
    let mut changes = Vec::new();
    let mut audits = Vec::new();
    let mut considered = 0;
    for m in members.iter_mut() {
        if !matches!(m.status, Status::Active | Status::Grace) {
            continue;
        }
        considered += 1;
        let a = activity.get(m.id.as_str()).copied().unwrap_or_default();
        let start = m.joined.unwrap_or(m.applied);
        let quiet_since = last_change
            .get(m.id.as_str())
            .map_or(start, |d| (*d).max(start));
        let restore = restorable.get(m.id.as_str()).copied();
        if let Some(c) =
            tier::decide_with_restore(&m.id, &m.tier, &a, quiet_since, ctx.today, &rules, restore)
        {
            let before = m.clone();
            m.tier = c.to.clone();
            audits.push(ctx.audit("tier recompute", Some(&before), m));
            changes.push(c);
        }
    }
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
