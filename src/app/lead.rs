//! The lead commands and the sales report. Every command first lets overdue
//! live leads go public (in memory), so a claim on day 41 never depends on
//! whether tonight's `lead expire` has run; a changing command writes those
//! expiries along with its own change.

use super::data::problem;
use super::member::{approve_step, Step};
use super::Ctx;
use crate::domain::lead::{
    self, Claim, Claimed, EventKind, FollowUp, FollowUpKind, Lead, LeadEvent, LeadStatus,
};
use crate::domain::ledger::LedgerEntry;
use crate::domain::member::{self, Member};
use crate::domain::sales::{self, Period, SalesData, SalesRow};
use crate::domain::staff::{require_role, Role, Staff};
use crate::domain::{Cents, DomainError};
use crate::error::{Error, Result};
use crate::store::codec::key_order;
use crate::store::{AuditEntry, Problem, Store, Txn};
use std::collections::{HashMap, HashSet};

/// What a changing lead command did, for the cli to report.
#[derive(Debug)]
pub struct Outcome {
    pub lead: Lead,
    pub message: String,
    pub files: Vec<String>,
}

/// Every lead as of today, with the expiry events that made them so: for
/// the whole-club commands (listings, the pool, `lead expire`).
fn load_current(store: &Store, ctx: &Ctx) -> Result<(Vec<Lead>, Vec<LeadEvent>)> {
    let mut leads: Vec<Lead> = store.load()?;
    let events = lead::expire(&mut leads, ctx.today, &ctx.operator);
    Ok((leads, events))
}

/// The leads one command reads (never the whole table), as stored and as
/// of today: those past their last valid day are public in memory, with
/// the expiry events that made them so. A changing command writes those
/// expiries with its own change, so its decision never depends on whether
/// tonight's `lead expire` has run.
struct Current {
    stored: Vec<Lead>,
    leads: Vec<Lead>,
    events: Vec<LeadEvent>,
}

impl Current {
    /// `stored` leads in id order (as the table keeps them), each once.
    fn of(ctx: &Ctx, mut stored: Vec<Lead>) -> Current {
        stored.sort_by(|a, b| key_order(&a.id, &b.id));
        stored.dedup_by(|a, b| a.id == b.id);
        let mut leads = stored.clone();
        let events = lead::expire(&mut leads, ctx.today, &ctx.operator);
        Current {
            stored,
            leads,
            events,
        }
    }

    /// The lead `id`, read from its shard.
    fn one(ctx: &Ctx, store: &Store, id: &str) -> Result<(Current, Lead)> {
        let found = store.find::<Lead>(id)?.ok_or_else(|| {
            Error::from(DomainError::NotFound(format!(
                "no lead {id}; find the id with `clubctl lead list`"
            )))
        })?;
        let cur = Current::of(ctx, vec![found]);
        let l = cur.leads[0].clone();
        Ok((cur, l))
    }

    /// Puts into `txn` the expiries found and, with `change` (the step,
    /// the lead before it or none for a new lead, the lead after it), one
    /// change to one lead: audit lines, lead events (the expiries', then
    /// `done`) and the rows that changed.
    fn write(
        mut self,
        ctx: &Ctx,
        store: &Store,
        txn: &mut Txn,
        change: Option<(&str, Option<&Lead>, &Lead)>,
        done: Option<LeadEvent>,
    ) -> Result<()> {
        let mut audit: Vec<AuditEntry> = Vec::new();
        let mut rows: Vec<Lead> = Vec::new();
        for e in &self.events {
            let (Some(b), Some(a)) = (
                self.stored.iter().find(|l| l.id == e.lead),
                self.leads.iter().find(|l| l.id == e.lead),
            ) else {
                continue;
            };
            audit.push(ctx.audit("lead expire", Some(b), a));
            rows.push(a.clone());
        }
        if let Some((action, before, after)) = change {
            audit.push(ctx.audit(action, before, after));
            rows.retain(|l| l.id != after.id);
            rows.push(after.clone());
        }
        self.events.extend(done);
        txn.append(&audit);
        txn.append(&self.events);
        store.put_rows(txn, &mut rows)?;
        Ok(())
    }
}

/// The active staff member `id`.
pub(crate) fn active_staff<'a>(staff: &'a [Staff], id: &str) -> Result<&'a Staff> {
    match staff.iter().find(|s| s.id == id) {
        None => Err(DomainError::NotFound(format!(
            "no staff member {id}; see `clubctl staff list`, or add them with `clubctl staff add`"
        ))
        .into()),
        Some(s) if !s.active => Err(DomainError::Refused(format!(
            "staff member {id} ({}) is no longer active and cannot hold leads",
            s.name
        ))
        .into()),
        Some(s) => Ok(s),
    }
}

/// A salesperson acting (`--as`) on someone else's lead is refused; the
/// office, managers and directors may act for the owner.
fn owner_or_office(staff: &[Staff], operator: &str, l: &Lead, step: &str) -> Result<()> {
    match staff.iter().find(|s| s.id == operator) {
        Some(s) if s.role == Role::Sales && s.id != l.owner => Err(DomainError::Refused(format!(
            "{step} {} is for its owner {}, not {operator}; raise a claim with `clubctl lead dispute {} --by {operator}`",
            l.id, l.owner, l.id
        ))
        .into()),
        _ => Ok(()),
    }
}

fn event(ctx: &Ctx, l: &Lead, kind: EventKind, sales: &str, other: &str, note: &str) -> LeadEvent {
    LeadEvent {
        lead: l.id.clone(),
        date: ctx.today,
        kind,
        sales: sales.to_string(),
        other: other.to_string(),
        note: note.trim().to_string(),
        operator: ctx.operator.clone(),
    }
}

/// The leads a claim is weighed against: those of the phone and of the
/// company, and the salesperson's live ones (for `lead.max_active`).
fn claim_leads(store: &Store, c: &Claim) -> Result<Vec<Lead>> {
    let mut leads = match member::normalise_phone(&c.phone) {
        Ok(phone) => store.leads_of_phone(&phone)?,
        // The rule refuses the number with its own message.
        Err(_) => Vec::new(),
    };
    leads.extend(store.leads_of_company(c.company.trim())?);
    leads.extend(store.live_leads_of(&c.sales)?);
    Ok(leads)
}

/// `lead claim`.
pub fn claim(ctx: &Ctx, c: Claim) -> Result<Outcome> {
    let mut store = ctx.write()?;
    let staff: Vec<Staff> = store.load()?;
    active_staff(&staff, &c.sales)?;
    let cur = Current::of(ctx, claim_leads(&store, &c)?);
    let members = super::member::holders(&store, &c.phone)?;
    let last = store.last_key::<Lead>("L")?;
    let id = member::next_id("L", 6, last.iter().map(String::as_str));
    let claimed = lead::claim(c, id, ctx.today, store.rules(), &cur.leads, &members)?;
    let (before, l) = match claimed {
        Claimed::New(l) => (None, l),
        Claimed::Reclaimed { index, lead } => (Some(cur.leads[index].clone()), lead),
    };
    let note = match &before {
        Some(b) => format!("public since {}, last owner {}", b.since, b.owner),
        None => String::new(),
    };
    let done = event(ctx, &l, EventKind::Claim, &l.owner, "", &note);
    let mut txn = Txn::new();
    cur.write(
        ctx,
        &store,
        &mut txn,
        Some(("lead claim", before.as_ref(), &l)),
        Some(done),
    )?;
    let files = ctx.finish(&mut store, txn)?;
    Ok(Outcome {
        message: format!(
            "{}: {} is {}'s lead until {} (last valid day)",
            l.id,
            if l.company.is_empty() {
                &l.name
            } else {
                &l.company
            },
            l.owner,
            l.until
        ),
        lead: l,
        files,
    })
}

/// `lead release`.
pub fn release(ctx: &Ctx, id: &str, reason: &str) -> Result<Outcome> {
    let mut store = ctx.write()?;
    let staff: Vec<Staff> = store.load()?;
    let (cur, before) = Current::one(ctx, &store, id)?;
    owner_or_office(&staff, &ctx.operator, &before, "releasing")?;
    let mut l = before.clone();
    lead::release(&mut l, ctx.today)?;
    let done = event(ctx, &l, EventKind::Release, &l.owner, "", reason);
    let mut txn = Txn::new();
    cur.write(
        ctx,
        &store,
        &mut txn,
        Some(("lead release", Some(&before), &l)),
        Some(done),
    )?;
    let files = ctx.finish(&mut store, txn)?;
    Ok(Outcome {
        message: format!("{}: released by {}; public from today", l.id, l.owner),
        lead: l,
        files,
    })
}

/// What `lead expire` did and the public list it publishes.
#[derive(Debug)]
pub struct Expiry {
    pub expired: Vec<Lead>,
    pub pool: Vec<Lead>,
    pub files: Vec<String>,
}

/// `lead expire` (cron): idempotent.
pub fn expire(ctx: &Ctx) -> Result<Expiry> {
    let mut store = ctx.write()?;
    let (leads, events) = load_current(&store, ctx)?;
    let expired: Vec<Lead> = events
        .iter()
        .filter_map(|e| leads.iter().find(|l| l.id == e.lead).cloned())
        .collect();
    let mut files = Vec::new();
    if !events.is_empty() {
        // The rows that change, as stored: only their shards are rewritten.
        let ids: HashSet<&str> = expired.iter().map(|l| l.id.as_str()).collect();
        let cur = Current::of(ctx, store.find_many(&ids)?);
        let mut txn = Txn::new();
        cur.write(ctx, &store, &mut txn, None, None)?;
        files = ctx.finish(&mut store, txn)?;
    }
    Ok(Expiry {
        expired,
        pool: pool_of(leads),
        files,
    })
}

fn pool_of(leads: Vec<Lead>) -> Vec<Lead> {
    let mut pool: Vec<Lead> = leads
        .into_iter()
        .filter(|l| l.status == LeadStatus::Public)
        .collect();
    pool.sort_by(|a, b| (a.since, &a.id).cmp(&(b.since, &b.id)));
    pool
}

/// `lead pool`: the public list, oldest first.
pub fn pool(ctx: &Ctx) -> Result<Vec<Lead>> {
    let store = ctx.read()?;
    let (leads, _) = load_current(&store, ctx)?;
    Ok(pool_of(leads))
}

/// `lead log`: a follow-up on a live lead.
pub fn log(
    ctx: &Ctx,
    id: &str,
    kind: FollowUpKind,
    note: &str,
    next: Option<chrono::NaiveDate>,
) -> Result<(FollowUp, Vec<String>)> {
    let mut store = ctx.write()?;
    let staff: Vec<Staff> = store.load()?;
    let (_, l) = Current::one(ctx, &store, id)?;
    owner_or_office(&staff, &ctx.operator, &l, "logging a follow-up on")?;
    // A follow-up needs a live lead: one that has just run out is refused
    // here, so there is never an expiry to write with it.
    lead::follow_up(&l, ctx.today, next, note)?;
    let f = FollowUp {
        lead: l.id.clone(),
        date: ctx.today,
        kind,
        note: note.trim().to_string(),
        next,
        sales: l.owner.clone(),
        operator: ctx.operator.clone(),
    };
    let mut txn = Txn::new();
    txn.append(std::slice::from_ref(&f));
    let files = ctx.finish(&mut store, txn)?;
    Ok((f, files))
}

/// What `lead convert` did.
#[derive(Debug)]
pub struct Conversion {
    pub lead: Lead,
    pub member: Member,
    pub message: String,
    pub files: Vec<String>,
}

/// `lead convert`: the member is created from the lead (and approved with
/// `approve`), the deal credited to the owner, the slot freed.
pub fn convert(ctx: &Ctx, id: &str, paid: Option<Cents>, approve: bool) -> Result<Conversion> {
    if paid.is_some() && !approve {
        return Err(Error::Usage(
            "--paid records the dues paid on approval: add --approve, or approve later with `clubctl member approve MEMBER --paid AMOUNT`".into(),
        ));
    }
    let mut store = ctx.write()?;
    let staff: Vec<Staff> = store.load()?;
    let (cur, before) = Current::one(ctx, &store, id)?;
    owner_or_office(&staff, &ctx.operator, &before, "converting")?;
    let mut l = before.clone();
    let prefix = crate::domain::member::ID_PREFIX;
    let last = store.last_key::<Member>(prefix)?;
    let mid = member::next_id(prefix, 6, last.iter().map(String::as_str));
    lead::convert(&mut l, &mid, ctx.today)?;
    let application = lead::application(&before);
    let phone_holders = super::member::holders(&store, &application.phone)?;
    let applied = member::apply(application, mid, ctx.today, store.rules(), &phone_holders)?;
    let mut m = applied.clone();
    let mut txn = Txn::new();
    txn.append(&[ctx.audit("member add", None, &m)]);
    let mut message = format!(
        "{}: converted into {} ({}), a deal for {}",
        l.id, m.id, m.name, l.owner
    );
    if approve {
        let said = approve_step(
            &mut m,
            &mut Step {
                ctx,
                store: &store,
                txn: &mut txn,
            },
            None,
            paid,
        )?;
        txn.append(&[ctx.audit("member approve", Some(&applied), &m)]);
        message = format!("{message}; {said}");
    } else {
        message = format!(
            "{message}; {} is pending review: `clubctl member approve {}`",
            m.id, m.id
        );
    }
    store.put_rows(&mut txn, &mut [m.clone()])?;
    let done = event(ctx, &l, EventKind::Convert, &l.owner, &m.id, "");
    cur.write(
        ctx,
        &store,
        &mut txn,
        Some(("lead convert", Some(&before), &l)),
        Some(done),
    )?;
    let files = ctx.finish(&mut store, txn)?;
    Ok(Conversion {
        lead: l,
        member: m,
        message,
        files,
    })
}

/// `lead dispute`: another salesperson's claim goes on record.
pub fn dispute(ctx: &Ctx, id: &str, by: &str, note: &str) -> Result<Outcome> {
    let mut store = ctx.write()?;
    let staff: Vec<Staff> = store.load()?;
    active_staff(&staff, by)?;
    let (_, l) = Current::one(ctx, &store, id)?;
    let all = store.lead_events_of(&l.id)?;
    // A dispute needs a live or converted lead: one that has just run out
    // is refused here, so there is never an expiry to write with it.
    lead::dispute(&l, by, note, &all)?;
    let mut txn = Txn::new();
    txn.append(&[ctx.audit_note(
        "lead dispute",
        &l.id,
        format!("{by} disputes {}'s lead: {}", l.owner, note.trim()),
    )]);
    txn.append(&[event(ctx, &l, EventKind::Dispute, by, &l.owner, note)]);
    let files = ctx.finish(&mut store, txn)?;
    Ok(Outcome {
        message: format!(
            "{}: {by}'s claim is on record; the lead stays with {} until a manager decides (`clubctl lead arbitrate {} --winner S0x --note TEXT`)",
            l.id, l.owner, l.id
        ),
        lead: l,
        files,
    })
}

/// `lead arbitrate` (manager or director): final, and in the audit trail.
pub fn arbitrate(ctx: &Ctx, id: &str, winner: &str, note: &str) -> Result<Outcome> {
    let mut store = ctx.write()?;
    let staff: Vec<Staff> = store.load()?;
    require_role(
        &staff,
        &ctx.operator,
        &[Role::Manager, Role::Director],
        "arbitrating a lead",
    )?;
    if note.trim().is_empty() {
        return Err(
            DomainError::Invalid("--note must give the reasons for the decision".into()).into(),
        );
    }
    let (cur, before) = Current::one(ctx, &store, id)?;
    let all = store.lead_events_of(&before.id)?;
    let mut l = before.clone();
    let other = lead::arbitrate(&mut l, winner, &all)?;
    let done = event(ctx, &l, EventKind::Arbitrate, winner, &other, note);
    let mut txn = Txn::new();
    cur.write(
        ctx,
        &store,
        &mut txn,
        Some(("lead arbitrate", Some(&before), &l)),
        Some(done),
    )?;
    let files = ctx.finish(&mut store, txn)?;
    let rules = store.rules();
    Ok(Outcome {
        message: format!(
            "{}: decided for {winner} (final); on a deal {winner} keeps {}% of the commission and {other} gets the rest",
            l.id, rules.commission.split
        ),
        lead: l,
        files,
    })
}

/// Filters for `lead list`; all given must hold.
#[derive(Debug, Default)]
pub struct Filter {
    pub sales: Option<String>,
    pub status: Option<LeadStatus>,
    pub expiring_within: Option<u32>,
}

pub fn list(ctx: &Ctx, f: &Filter) -> Result<Vec<Lead>> {
    let store = ctx.read()?;
    let (leads, _) = load_current(&store, ctx)?;
    Ok(leads
        .into_iter()
        .filter(|l| f.sales.as_ref().is_none_or(|s| &l.owner == s))
        .filter(|l| f.status.is_none_or(|s| l.status == s))
        .filter(|l| {
            f.expiring_within.is_none_or(|d| {
                l.status == LeadStatus::Live && (l.until - ctx.today).num_days() <= i64::from(d)
            })
        })
        .collect())
}

/// Everything on record about one lead.
#[derive(Debug)]
pub struct Profile {
    pub lead: Lead,
    /// Owner history and disputes, oldest first.
    pub events: Vec<LeadEvent>,
    pub follow_ups: Vec<FollowUp>,
}

pub fn show(ctx: &Ctx, id: &str) -> Result<Profile> {
    let store = ctx.read()?;
    let (cur, l) = Current::one(ctx, &store, id)?;
    let mut events = store.lead_events_of(id)?;
    events.extend(cur.events);
    Ok(Profile {
        lead: l,
        events,
        follow_ups: store.follow_ups_of(id)?,
    })
}

/// `report sales`.
pub fn sales_report(ctx: &Ctx, period: &Period) -> Result<Vec<SalesRow>> {
    let store = ctx.read()?;
    let (leads, pending) = load_current(&store, ctx)?;
    let mut events: Vec<LeadEvent> = store.load()?;
    events.extend(pending);
    let staff: Vec<Staff> = store.load()?;
    let log: Vec<FollowUp> = store.load()?;
    let members: Vec<Member> = store.load()?;
    let ledger: Vec<LedgerEntry> = store.load()?;
    let data = SalesData {
        staff: &staff,
        leads: &leads,
        events: &events,
        log: &log,
        members: &members,
        ledger: &ledger,
    };
    Ok(sales::report(period, &data, store.rules()))
}

/// `data check` for the lead files: ids unique, owners and members exist,
/// dates coherent, at most one live lead per phone and per company.
pub fn check(store: &Store, out: &mut Vec<Problem>) -> Result<()> {
    let leads = store.scan::<Lead>()?;
    let events = store.scan::<LeadEvent>()?;
    let log = store.scan::<FollowUp>()?;
    // The indexes are compared with the table only when every row of it
    // could be read: a bad row is reported once, where it is.
    let leads_read = leads.problems.is_empty();
    out.extend(leads.problems);
    out.extend(events.problems);
    out.extend(log.problems);
    let staff: Vec<Staff> = store
        .scan::<Staff>()?
        .rows
        .into_iter()
        .map(|(_, s)| s)
        .collect();
    let members: Vec<Member> = store
        .scan::<Member>()?
        .rows
        .into_iter()
        .map(|(_, m)| m)
        .collect();
    let staff_ids: HashSet<&str> = staff.iter().map(|s| s.id.as_str()).collect();
    let member_ids: HashSet<&str> = members.iter().map(|m| m.id.as_str()).collect();
    let mut seen: HashMap<&str, u64> = HashMap::new();
    for (line, l) in &leads.rows {
        let mut p = |msg: String| {
            out.push(problem::<Lead>(
                store,
                &l.id,
                *line,
                format!("{}: {msg}", l.id),
            ))
        };
        if let Some(first) = seen.insert(&l.id, *line) {
            p(format!("id {} is also on line {first}", l.id));
        }
        if !staff_ids.contains(l.owner.as_str()) {
            p(format!("owner {} is not in staff.csv", l.owner));
        }
        if !l.shared_with.is_empty() && !staff_ids.contains(l.shared_with.as_str()) {
            p(format!("shared_with {} is not in staff.csv", l.shared_with));
        }
        if !l.member.is_empty() && !member_ids.contains(l.member.as_str()) {
            p(format!("member {} is not in members.csv", l.member));
        }
    }
    let rows: Vec<Lead> = leads.rows.iter().map(|(_, l)| l.clone()).collect();
    for (i, msg) in lead::problems(&rows) {
        let (line, l) = &leads.rows[i];
        out.push(problem::<Lead>(
            store,
            &l.id,
            *line,
            format!("{}: {msg}", l.id),
        ));
    }
    if leads_read {
        out.extend(store.check_index(&rows)?);
    }
    let lead_ids: HashSet<&str> = leads.rows.iter().map(|(_, l)| l.id.as_str()).collect();
    for (line, e) in &events.rows {
        let mut p = |msg: String| out.push(problem::<LeadEvent>(store, &e.lead, *line, msg));
        if !lead_ids.contains(e.lead.as_str()) {
            p(format!("event names unknown lead {}", e.lead));
        }
        if !staff_ids.contains(e.sales.as_str()) {
            p(format!("{}: staff {} is not in staff.csv", e.lead, e.sales));
        }
    }
    for (line, f) in &log.rows {
        if !lead_ids.contains(f.lead.as_str()) {
            let msg = format!("follow-up names unknown lead {}", f.lead);
            out.push(problem::<FollowUp>(store, &f.lead, *line, msg));
        }
    }
    Ok(())
}
