//! Data directory commands: init, check, repair.

use super::Ctx;
use crate::domain::card::{Card, CardStatus};
use crate::domain::ledger::LedgerEntry;
use crate::domain::member::{self, Member};
use crate::domain::staff::Staff;
use crate::error::Result;
use crate::store::codec::key_order;
use crate::store::{AuditEntry, Problem, Record, Scan, Store, Txn};
use std::collections::{HashMap, HashSet};
use std::path::Path;

/// The commented `club.toml` a new data directory starts with.
pub const DEFAULT_CLUB_TOML: &str = include_str!("club.default.toml");

pub fn init(dir: &Path, name: Option<&str>) -> Result<()> {
    let text = match name {
        Some(n) => DEFAULT_CLUB_TOML.replacen(
            "name = \"Our Club\"",
            &format!("name = {}", toml::Value::String(n.to_string())),
            1,
        ),
        None => DEFAULT_CLUB_TOML.to_string(),
    };
    Ok(Store::init(dir, &text)?)
}

/// Rows of one file with their lines, collecting its problems into `out`.
fn rows<T: Record>(store: &Store, out: &mut Vec<Problem>) -> Result<Vec<(u64, T)>> {
    let Scan { rows, problems, .. } = store.scan::<T>()?;
    out.extend(problems);
    Ok(rows)
}

/// Problems in uniqueness of keys.
fn unique<T: Record>(store: &Store, rows: &[(u64, T)], out: &mut Vec<Problem>) {
    let mut seen: HashMap<&str, u64> = HashMap::new();
    for (line, r) in rows {
        if let Some(first) = seen.insert(r.key(), *line) {
            out.push(problem::<T>(
                store,
                r.key(),
                *line,
                format!("{} {} is also on line {first}", T::HEADER[0], r.key()),
            ));
        }
    }
}

/// A problem on `line` of the file holding the row with `key`.
pub(crate) fn problem<T: Record>(store: &Store, key: &str, line: u64, msg: String) -> Problem {
    Problem {
        path: store.path_of::<T>(key),
        line,
        msg,
    }
}

/// `data check`: every problem in the data directory, each with file:line.
pub fn check(ctx: &Ctx) -> Result<Vec<Problem>> {
    let store = ctx.read_as_is()?;
    let mut out = Vec::new();
    let members: Vec<(u64, Member)> = rows(&store, &mut out)?;
    // An index is compared with the table only when every row of the
    // table could be read: a bad row is reported once, where it is.
    let members_read = out.is_empty();
    let before_cards = out.len();
    let cards: Vec<(u64, Card)> = rows(&store, &mut out)?;
    let cards_read = out.len() == before_cards;
    let staff: Vec<(u64, Staff)> = rows(&store, &mut out)?;
    let ledger: Vec<(u64, LedgerEntry)> = rows(&store, &mut out)?;
    let _audit: Vec<(u64, AuditEntry)> = rows(&store, &mut out)?;
    unique(&store, &members, &mut out);
    unique(&store, &cards, &mut out);
    unique(&store, &staff, &mut out);
    unique(&store, &ledger, &mut out);

    let rules = store.rules();
    let member_ids: HashSet<&str> = members.iter().map(|(_, m)| m.id.as_str()).collect();
    let staff_ids: HashSet<&str> = staff.iter().map(|(_, s)| s.id.as_str()).collect();
    let card_of: HashMap<&str, &Card> = cards.iter().map(|(_, c)| (c.number.as_str(), c)).collect();
    let mut phones: HashMap<&str, &str> = HashMap::new();
    for (line, m) in &members {
        let mut p = |msg: String| {
            out.push(problem::<Member>(
                &store,
                &m.id,
                *line,
                format!("{}: {msg}", m.id),
            ))
        };
        for msg in member::problems(m, rules) {
            p(msg);
        }
        if !m.referrer.is_empty() && !member_ids.contains(m.referrer.as_str()) {
            p(format!("referrer {} is not a member", m.referrer));
        }
        if !m.sales.is_empty() && !staff_ids.contains(m.sales.as_str()) {
            p(format!("salesperson {} is not in staff.csv", m.sales));
        }
        if !m.card.is_empty() {
            match card_of.get(m.card.as_str()) {
                None => p(format!("card {} is not in cards.csv", m.card)),
                Some(c) if c.member != m.id => {
                    p(format!("card {} belongs to {}", m.card, c.member))
                }
                Some(c) if c.status == CardStatus::Replaced => {
                    p(format!("card {} was replaced by {}", m.card, c.replaced_by))
                }
                Some(_) => {}
            }
        }
        if m.status.holds_phone() {
            if let Some(other) = phones.insert(m.phone.as_str(), m.id.as_str()) {
                p(format!("phone {} is also held by {other}", m.phone));
            }
        }
    }
    for (line, c) in &cards {
        if !member_ids.contains(c.member.as_str()) {
            out.push(problem::<Card>(
                &store,
                &c.number,
                *line,
                format!("card {} belongs to unknown member {}", c.number, c.member),
            ));
        }
        if c.status != CardStatus::Active && c.lost_on.is_none() {
            out.push(problem::<Card>(
                &store,
                &c.number,
                *line,
                format!("card {} is {:?} but has no loss date", c.number, c.status),
            ));
        }
        if c.status == CardStatus::Replaced && !card_of.contains_key(c.replaced_by.as_str()) {
            out.push(problem::<Card>(
                &store,
                &c.number,
                *line,
                format!(
                    "card {} was replaced by unknown card '{}'",
                    c.number, c.replaced_by
                ),
            ));
        }
    }
    let mut last_id: Option<&str> = None;
    for (line, e) in &ledger {
        if !member_ids.contains(e.member.as_str()) {
            out.push(problem::<LedgerEntry>(
                &store,
                &e.id,
                *line,
                format!("entry {} names unknown member {}", e.id, e.member),
            ));
        }
        if last_id.is_some_and(|prev| key_order(prev, &e.id).is_ge()) {
            out.push(problem::<LedgerEntry>(
                &store,
                &e.id,
                *line,
                format!(
                    "entry {} is out of order (after {})",
                    e.id,
                    last_id.unwrap_or_default()
                ),
            ));
        }
        last_id = Some(&e.id);
    }
    super::event::check(&store, &ledger, &mut out)?;
    super::lead::check(&store, &mut out)?;
    super::rules::check(&store, &mut out)?;
    super::book::check(&store, &ledger, &mut out)?;
    out.extend(store.check_lengths()?);
    if members_read {
        let all: Vec<Member> = members.into_iter().map(|(_, m)| m).collect();
        out.extend(store.check_index(&all)?);
    }
    if cards_read {
        let all: Vec<Card> = cards.into_iter().map(|(_, c)| c).collect();
        out.extend(store.check_index(&all)?);
    }
    out.extend(store.check_history()?);
    if store.check_journals().is_ok() {
        super::report::check_closings(&store, &mut out)?;
    }
    out.sort_by(|a, b| (&a.path, a.line).cmp(&(&b.path, b.line)));
    Ok(out)
}

/// `data migrate`: the data directory brought to this clubctl's format,
/// refused while any journal ends in a torn line (`data repair` first).
pub fn migrate(ctx: &Ctx) -> Result<crate::store::migrate::Migrated> {
    let mut store = ctx.migrate_store()?;
    store.check_journals()?;
    Ok(store.migrate(ctx.dry_run)?)
}

/// `data reindex`: every derived file rebuilt from its sources in one
/// commit: the balances and the receipt index replayed from the ledger,
/// every index from its table, and the record of their lengths. Returns
/// how many members have a balance, and the files that changed (none when
/// all were sound).
pub fn reindex(ctx: &Ctx) -> Result<(usize, Vec<String>)> {
    let mut store = ctx.write()?;
    let ledger: Vec<LedgerEntry> = store.load()?;
    let (mut accounts, receipts) = super::book::rebuild(&ledger).map_err(|msg| {
        crate::error::Error::Data(format!(
            "the ledger cannot be replayed: {msg}; fix the ledger first"
        ))
    })?;
    let mut txn = Txn::new();
    txn.put_table(&mut accounts);
    store.put_receipt_index(&mut txn, receipts)?;
    store.put_indexes(&mut txn)?;
    store.put_history_index(&mut txn)?;
    txn.rebuild();
    Ok((accounts.len(), ctx.finish(&mut store, txn)?))
}

/// `data repair`: torn journal lines moved aside into `.rejected` files.
pub fn repair(ctx: &Ctx) -> Result<Vec<(String, u64)>> {
    let mut store = ctx.write_as_is()?;
    Ok(store.repair(ctx.dry_run)?)
}
