//! The member commands.

use super::{entry, get, Ctx, LedgerIds};
use crate::domain::card::{self, Card};
use crate::domain::ledger::{Balances, EntryKind, LedgerEntry};
use crate::domain::member::{self, Application, Member, Status, Update};
use crate::domain::staff::{require_role, Role, Staff};
use crate::domain::{Cents, DomainError};
use crate::error::Result;
use crate::store::{AuditEntry, Store, Txn};
use chrono::NaiveDate;

/// What a changing command did, for the cli to report.
#[derive(Debug)]
pub struct Outcome {
    pub member: Member,
    /// One line for people, e.g. "approved M000012: card VIP000013".
    pub message: String,
    /// Files written (or, in a dry run, that would have been).
    pub files: Vec<String>,
}

fn check_staff(store: &Store, id: &str) -> Result<()> {
    if id.is_empty() {
        return Ok(());
    }
    let staff: Vec<Staff> = store.load()?;
    if staff.iter().any(|s| s.id == id) {
        Ok(())
    } else {
        Err(DomainError::NotFound(format!(
            "no staff member {id}; see `clubctl staff list`, or add them with `clubctl staff add`"
        ))
        .into())
    }
}

fn check_referrer(store: &Store, id: &str) -> Result<()> {
    if id.is_empty() || store.find::<Member>(id)?.is_some() {
        return Ok(());
    }
    Err(DomainError::NotFound(format!(
        "no member {id} to name as referrer; find the id with `clubctl member list --search TEXT`"
    ))
    .into())
}

/// The members holding a phone number (as typed: normalised first), for
/// the rules that keep a phone to one member. None for a number that does
/// not normalise: the rule refuses it with its own message.
pub(crate) fn holders(store: &Store, raw: &str) -> Result<Vec<Member>> {
    match member::normalise_phone(raw) {
        Ok(phone) => Ok(store.lookup::<Member>(&phone)?),
        Err(_) => Ok(Vec::new()),
    }
}

/// `member add`: a pending application.
pub fn add(ctx: &Ctx, app: Application) -> Result<Outcome> {
    let mut store = ctx.write()?;
    check_referrer(&store, &app.referrer)?;
    check_staff(&store, &app.sales)?;
    let prefix = crate::domain::member::ID_PREFIX;
    let last = store.last_key::<Member>(prefix)?;
    let id = member::next_id(prefix, 6, last.iter().map(String::as_str));
    let phone_holders = holders(&store, &app.phone)?;
    let m = member::apply(app, id, ctx.today, store.rules(), &phone_holders)?;
    let mut txn = Txn::new();
    txn.append(&[ctx.audit("member add", None, &m)]);
    store.put_rows(&mut txn, &mut [m.clone()])?;
    let files = ctx.finish(&mut store, txn)?;
    Ok(Outcome {
        message: format!("{}: application from {} is pending review", m.id, m.name),
        member: m,
        files,
    })
}

/// What a transition step gets to work with.
pub(crate) struct Step<'a> {
    pub(crate) ctx: &'a Ctx,
    pub(crate) store: &'a Store,
    pub(crate) txn: &'a mut Txn,
}

impl Step<'_> {
    /// The members holding a phone number (see `holders`).
    pub(crate) fn holders(&self, phone: &str) -> Result<Vec<Member>> {
        holders(self.store, phone)
    }
}

/// Loads the member, lets `f` change it (and add to the transaction), then
/// writes the member's row and the audit line in one commit.
fn transition(
    ctx: &Ctx,
    id: &str,
    action: &str,
    f: impl FnOnce(&mut Member, &mut Step) -> Result<String>,
) -> Result<Outcome> {
    let mut store = ctx.write()?;
    let before = get(&store, id)?;
    let mut m = before.clone();
    let mut txn = Txn::new();
    let message = f(
        &mut m,
        &mut Step {
            ctx,
            store: &store,
            txn: &mut txn,
        },
    )?;
    txn.append(&[ctx.audit(action, Some(&before), &m)]);
    store.put_rows(&mut txn, &mut [m.clone()])?;
    let files = ctx.finish(&mut store, txn)?;
    Ok(Outcome {
        member: m,
        message,
        files,
    })
}

/// Dues recorded in the ledger: the amount paid, else the club's dues for
/// `months` (pro rata to the term). Nothing when both are zero.
fn dues_entry(
    step: &mut Step,
    m: &Member,
    paid: Option<Cents>,
    months: u32,
) -> Result<Option<LedgerEntry>> {
    let rules = step.store.rules();
    let amount = paid.unwrap_or_else(|| {
        Cents(rules.membership.dues.0 * i64::from(months) / i64::from(rules.membership.term_months))
    });
    if amount.0 < 0 {
        return Err(DomainError::Invalid("--paid must not be negative".into()).into());
    }
    if amount == Cents::ZERO {
        return Ok(None);
    }
    let mut ids = LedgerIds::new(step.store)?;
    let e = entry(
        step.ctx,
        &mut ids,
        EntryKind::Dues,
        &m.id,
        amount,
        0,
        &format!("{months} months"),
    );
    Ok(Some(e))
}

pub fn approve(
    ctx: &Ctx,
    id: &str,
    card_no: Option<String>,
    paid: Option<Cents>,
) -> Result<Outcome> {
    transition(ctx, id, "member approve", |m, step| {
        approve_step(m, step, card_no, paid)
    })
}

/// Approval inside a transaction: issues the card, starts the term and
/// records the dues. `lead convert --approve` uses it too.
pub(crate) fn approve_step(
    m: &mut Member,
    step: &mut Step,
    card_no: Option<String>,
    paid: Option<Cents>,
) -> Result<String> {
    let rules = step.store.rules();
    let number = match card_no {
        Some(n) => n,
        None => {
            let last = step.store.last_key::<Card>(&rules.card.prefix)?;
            let last: Vec<Card> = match last {
                Some(k) => step.store.find::<Card>(&k)?.into_iter().collect(),
                None => Vec::new(),
            };
            card::next_number(&last, rules)
        }
    };
    let taken: Vec<Card> = step.store.find::<Card>(&number)?.into_iter().collect();
    let new = card::issue(number, &m.id, step.ctx.today, &taken)?;
    member::approve(m, &new.number, step.ctx.today, rules)?;
    let term = rules.membership.term_months;
    if let Some(e) = dues_entry(step, m, paid, term)? {
        step.txn.append(&[e]);
    }
    step.txn.append(&[step.ctx.audit("card issue", None, &new)]);
    step.store.put_rows(step.txn, &mut [new])?;
    Ok(format!(
        "approved {}: card {}, member until {}",
        m.id,
        m.card,
        m.expires.map(|d| d.to_string()).unwrap_or_default()
    ))
}

pub fn reject(ctx: &Ctx, id: &str, reason: &str) -> Result<Outcome> {
    transition(ctx, id, "member reject", |m, step| {
        member::reject(m, reason, step.ctx.today)?;
        Ok(format!("rejected {}: {}", m.id, m.reason))
    })
}

pub fn renew(ctx: &Ctx, id: &str, months: Option<u32>, paid: Option<Cents>) -> Result<Outcome> {
    transition(ctx, id, "member renew", |m, step| {
        let months = months.unwrap_or(step.store.rules().membership.term_months);
        let until = member::renew(m, months, step.ctx.today, &step.holders(&m.phone)?)?;
        if let Some(e) = dues_entry(step, m, paid, months)? {
            step.txn.append(&[e]);
        }
        Ok(format!(
            "renewed {} for {months} months: member until {until}",
            m.id
        ))
    })
}

pub fn freeze(ctx: &Ctx, id: &str, reason: &str) -> Result<Outcome> {
    transition(ctx, id, "member freeze", |m, step| {
        member::freeze(m, reason, step.ctx.today)?;
        Ok(format!("froze {}: {}", m.id, m.reason))
    })
}

pub fn unfreeze(ctx: &Ctx, id: &str) -> Result<Outcome> {
    transition(ctx, id, "member unfreeze", |m, step| {
        let status = member::unfreeze(m, step.ctx.today, step.store.rules())?;
        Ok(format!("unfroze {}: now {status}", m.id))
    })
}

/// The member's current balances, from the balances cache (which `data
/// check` proves equal to the ledger).
pub fn balances(store: &Store, id: &str) -> Result<Balances> {
    let a = super::book::Book::open_for(store, &[id])?.account(id);
    Ok(Balances {
        points: a.points,
        wallet: a.wallet,
    })
}

/// Leaving forfeits the points balance (积分清零) as one ledger entry, which
/// takes every lot.
fn forfeit(step: &mut Step, m: &Member, why: &str) -> Result<i64> {
    let mut book = super::book::Book::open_for(step.store, &[m.id.as_str()])?;
    let points = book.account(&m.id).points;
    if points > 0 {
        book.post(
            step.ctx,
            EntryKind::Forfeit,
            &m.id,
            Cents::ZERO,
            -points,
            "",
            why,
        )?;
        book.write(step.store, step.txn)?;
    }
    Ok(points.max(0))
}

pub fn exit(ctx: &Ctx, id: &str, reason: &str) -> Result<Outcome> {
    transition(ctx, id, "member exit", |m, step| {
        member::exit(m, reason, step.ctx.today)?;
        let lost = forfeit(step, m, "member exit")?;
        Ok(format!("{} has left; {lost} points forfeited", m.id))
    })
}

pub fn expel(ctx: &Ctx, id: &str, reason: &str) -> Result<Outcome> {
    transition(ctx, id, "member expel", |m, step| {
        member::expel(m, reason, step.ctx.today, &step.holders(&m.phone)?)?;
        let lost = forfeit(step, m, "member expel")?;
        Ok(format!(
            "expelled {}: {}; {lost} points forfeited; phone {} is barred",
            m.id, m.reason, m.phone
        ))
    })
}

pub fn restore(ctx: &Ctx, id: &str, reason: &str) -> Result<Outcome> {
    transition(ctx, id, "member restore", |m, step| {
        let staff: Vec<Staff> = step.store.load()?;
        require_role(
            &staff,
            &step.ctx.operator,
            &[Role::Manager, Role::Director],
            "reinstating a member",
        )?;
        let phone_holders = step.holders(&m.phone)?;
        member::restore(
            m,
            reason,
            step.ctx.today,
            step.store.rules(),
            &phone_holders,
        )?;
        Ok(match m.expires {
            Some(until) => format!("restored {}: {} until {until}", m.id, m.status),
            None => format!("restored {}: the application is pending review again", m.id),
        })
    })
}

pub fn update(ctx: &Ctx, id: &str, u: Update) -> Result<Outcome> {
    transition(ctx, id, "member update", |m, step| {
        if let Some(r) = &u.referrer {
            check_referrer(step.store, r)?;
        }
        if let Some(s) = &u.sales {
            check_staff(step.store, s)?;
        }
        let before = m.clone();
        let phone_holders = match &u.phone {
            Some(p) => step.holders(p)?,
            None => Vec::new(),
        };
        member::update(m, u, step.ctx.today, &phone_holders)?;
        let changes = crate::store::records::changes(Some(&before), m);
        if changes.is_empty() {
            return Err(DomainError::Invalid(format!(
                "nothing to change for {}: give at least one field flag with a new value",
                m.id
            ))
            .into());
        }
        Ok(format!("updated {}: {changes}", m.id))
    })
}

/// Everything the office knows about one member.
#[derive(Debug)]
pub struct Profile {
    pub member: Member,
    pub cards: Vec<Card>,
    pub balances: Balances,
    pub history: Vec<AuditEntry>,
}

pub fn show(ctx: &Ctx, id: &str) -> Result<Profile> {
    let store = ctx.read()?;
    let m = super::get(&store, id)?;
    let cards: Vec<Card> = store.lookup(id)?;
    let mut keys = vec![id];
    keys.extend(cards.iter().map(|c| c.number.as_str()));
    let history = store.history::<AuditEntry>(&keys)?;
    Ok(Profile {
        balances: balances(&store, id)?,
        member: m,
        cards,
        history,
    })
}

/// Filters for `member list`; all given must hold.
#[derive(Debug, Default)]
pub struct Filter {
    pub statuses: Vec<Status>,
    pub tier: Option<String>,
    pub expiring_within: Option<u32>,
    pub birthday_within: Option<u32>,
    pub search: Option<String>,
    /// Staff id of the salesperson who signed the members.
    pub sales: Option<String>,
    pub joined_from: Option<NaiveDate>,
    pub joined_to: Option<NaiveDate>,
    /// Order by this field (default: id), descending when the flag is set.
    pub sort: Option<member::SortKey>,
    pub descending: bool,
}

pub fn list(ctx: &Ctx, f: &Filter) -> Result<Vec<Member>> {
    let mut out = Vec::new();
    list_each(ctx, f, &mut |m| {
        out.push(m.clone());
        Ok(())
    })?;
    Ok(out)
}

/// The members `f` selects, handed to `each` in order as the shards are
/// read: a listing of a million members never holds them all, unless it
/// is sorted by something other than id.
pub fn list_each(ctx: &Ctx, f: &Filter, each: &mut dyn FnMut(&Member) -> Result<()>) -> Result<()> {
    let store = ctx.read()?;
    if let Some(t) = &f.tier {
        if store.rules().tier(t).is_none() {
            let names: Vec<&str> = store
                .rules()
                .tiers
                .iter()
                .map(|t| t.name.as_str())
                .collect();
            return Err(DomainError::Invalid(format!(
                "no tier '{t}' in club.toml; the tiers are {}",
                names.join(", ")
            ))
            .into());
        }
    }
    let needle = f.search.as_ref().map(|s| s.to_lowercase());
    // A phone number in any spelling, or a run of its digits: offices
    // often look a member up by the last four (手机尾号).
    let phone_needle = f.search.as_deref().and_then(|s| {
        crate::domain::phone::normalise(s).or_else(|| {
            let digits: String = s.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
            (!digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit())).then_some(digits)
        })
    });
    if let Some(s) = &f.sales {
        check_staff(&store, s)?;
    }
    if let (Some(from), Some(to)) = (f.joined_from, f.joined_to) {
        if from > to {
            return Err(crate::error::Error::Usage(format!(
                "--joined-from {from} is after --joined-to {to}: give the earlier date first"
            )));
        }
    }
    let wanted = |m: &Member| {
        (f.statuses.is_empty() || f.statuses.contains(&m.status))
            && f.sales.as_ref().is_none_or(|s| &m.sales == s)
            && member::joined_between(m, f.joined_from, f.joined_to)
            && f.tier.as_ref().is_none_or(|t| &m.tier == t)
            && f.expiring_within
                .is_none_or(|d| member::expiring_within(m, ctx.today, d))
            && f.birthday_within
                .is_none_or(|d| member::birthday_within(m, ctx.today, d))
            && needle.as_ref().is_none_or(|n| {
                m.name.to_lowercase().contains(n)
                    || m.id.to_lowercase() == *n
                    || m.card.to_lowercase() == *n
                    || phone_needle
                        .as_ref()
                        .is_some_and(|p| m.phone.contains(p.as_str()))
            })
    };
    if f.sort.is_none() && !f.descending {
        return store.load_each::<Member, crate::error::Error>(|part| {
            part.iter().filter(|m| wanted(m)).try_for_each(&mut *each)
        });
    }
    let mut out: Vec<Member> = Vec::new();
    store.load_each::<Member, crate::error::Error>(|part| {
        out.extend(part.into_iter().filter(|m| wanted(m)));
        Ok(())
    })?;
    let key = f.sort.unwrap_or(member::SortKey::Id);
    member::sort(&mut out, key, f.descending, store.rules());
    out.iter().try_for_each(each)
}

/// One change made by the nightly sweep.
#[derive(Debug)]
pub struct SweepChange {
    pub member: Member,
    pub from: Status,
}

pub fn sweep(ctx: &Ctx) -> Result<(Vec<SweepChange>, Vec<String>)> {
    let mut store = ctx.write()?;
    let mut members: Vec<Member> = store.load()?;
    let mut changes = Vec::new();
    let mut audit = Vec::new();
    for m in members.iter_mut() {
        let before = m.clone();
        if member::sweep(m, ctx.today, store.rules()).is_some() {
            audit.push(ctx.audit("member sweep", Some(&before), m));
            changes.push(SweepChange {
                member: m.clone(),
                from: before.status,
            });
        }
    }
    if changes.is_empty() {
        return Ok((changes, Vec::new()));
    }
    let mut txn = Txn::new();
    txn.append(&audit);
    txn.put_table(&mut members);
    let files = ctx.finish(&mut store, txn)?;
    Ok((changes, files))
}
