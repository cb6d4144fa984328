//! The lead commands and the sales report. Every command first lets overdue
//! live leads go public (in memory), so a claim on day 41 never depends on
//! whether tonight's `lead expire` has run; a changing command writes those
//! expiries along with its own change.

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
use crate::store::{Problem, Record, Store, Txn};
use std::collections::{HashMap, HashSet};

/// What a changing lead command did, for the cli to report.
#[derive(Debug)]
pub struct Outcome {
    pub lead: Lead,
    pub message: String,
    pub files: Vec<String>,
}

/// The leads as of today, with the expiry events that made them so.
fn load_current(store: &Store, ctx: &Ctx) -> Result<(Vec<Lead>, Vec<LeadEvent>)> {
    let mut leads: Vec<Lead> = store.load()?;
    let events = lead::expire(&mut leads, ctx.today, &ctx.operator);
    Ok((leads, events))
}

fn find_lead(leads: &[Lead], id: &str) -> Result<usize> {
    leads.iter().position(|l| l.id == id).ok_or_else(|| {
        DomainError::NotFound(format!(
            "no lead {id}; find the id with `clubctl lead list`"
        ))
        .into()
    })
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

/// Audit lines for the leads the in-memory expiry changed.
fn expiry_audit(
    ctx: &Ctx,
    before: &[Lead],
    after: &[Lead],
    events: &[LeadEvent],
) -> Vec<crate::store::AuditEntry> {
    events
        .iter()
        .filter_map(|e| {
            let a = after.iter().find(|l| l.id == e.lead)?;
            let b = before.iter().find(|l| l.id == e.lead)?;
            Some(ctx.audit("lead expire", Some(b), a))
        })
        .collect()
}

/// One change to one lead, committed with the pending expiries and
/// whatever else `txn` already holds.
#[allow(clippy::too_many_arguments)]
fn commit_lead(
    ctx: &Ctx,
    store: &mut Store,
    mut leads: Vec<Lead>,
    events: Vec<LeadEvent>,
    before: Option<&Lead>,
    after: &Lead,
    action: &str,
    mut txn: Txn,
) -> Result<Vec<String>> {
    let stored: Vec<Lead> = store.load()?;
    let mut audit = expiry_audit(ctx, &stored, &leads, &events);
    audit.push(ctx.audit(action, before, after));
    match leads.iter().position(|l| l.id == after.id) {
        Some(i) => leads[i] = after.clone(),
        None => leads.push(after.clone()),
    }
    txn.append(&audit);
    txn.append(&events);
    txn.put_table(&mut leads);
    ctx.finish(store, txn)
}

/// `lead claim`.
pub fn claim(ctx: &Ctx, c: Claim) -> Result<Outcome> {
    let mut store = ctx.write()?;
    let staff: Vec<Staff> = store.load()?;
    active_staff(&staff, &c.sales)?;
    let (leads, mut events) = load_current(&store, ctx)?;
    let members: Vec<Member> = store.load()?;
    let id = member::next_id("L", 6, leads.iter().map(|l| l.id.as_str()));
    let claimed = lead::claim(c, id, ctx.today, store.rules(), &leads, &members)?;
    let (before, l) = match claimed {
        Claimed::New(l) => (None, l),
        Claimed::Reclaimed { index, lead } => (Some(leads[index].clone()), lead),
    };
    let note = match &before {
        Some(b) => format!("public since {}, last owner {}", b.since, b.owner),
        None => String::new(),
    };
    events.push(event(ctx, &l, EventKind::Claim, &l.owner, "", &note));
    let files = commit_lead(
        ctx,
        &mut store,
        leads,
        events,
        before.as_ref(),
        &l,
        "lead claim",
        Txn::new(),
    )?;
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
    let (leads, mut events) = load_current(&store, ctx)?;
    let i = find_lead(&leads, id)?;
    let before = leads[i].clone();
    owner_or_office(&staff, &ctx.operator, &before, "releasing")?;
    let mut l = before.clone();
    lead::release(&mut l, ctx.today)?;
    events.push(event(ctx, &l, EventKind::Release, &l.owner, "", reason));
    let files = commit_lead(
        ctx,
        &mut store,
        leads,
        events,
        Some(&before),
        &l,
        "lead release",
        Txn::new(),
    )?;
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
    let stored: Vec<Lead> = store.load()?;
    let (mut leads, events) = load_current(&store, ctx)?;
    let expired: Vec<Lead> = events
        .iter()
        .filter_map(|e| leads.iter().find(|l| l.id == e.lead).cloned())
        .collect();
    let mut files = Vec::new();
    if !events.is_empty() {
        let mut txn = Txn::new();
        txn.append(&expiry_audit(ctx, &stored, &leads, &events));
        txn.append(&events);
        txn.put_table(&mut leads);
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
    let (mut leads, events) = load_current(&store, ctx)?;
    let i = find_lead(&leads, id)?;
    let l = &leads[i];
    owner_or_office(&staff, &ctx.operator, l, "logging a follow-up on")?;
    lead::follow_up(l, ctx.today, next, note)?;
    let f = FollowUp {
        lead: l.id.clone(),
        date: ctx.today,
        kind,
        note: note.trim().to_string(),
        next,
        sales: l.owner.clone(),
        operator: ctx.operator.clone(),
    };
    let stored: Vec<Lead> = store.load()?;
    let mut txn = Txn::new();
    if !events.is_empty() {
        txn.append(&expiry_audit(ctx, &stored, &leads, &events));
        txn.append(&events);
        txn.put_table(&mut leads);
    }
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
    let (leads, mut events) = load_current(&store, ctx)?;
    let i = find_lead(&leads, id)?;
    let before = leads[i].clone();
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
    events.push(event(ctx, &l, EventKind::Convert, &l.owner, &m.id, ""));
    let files = commit_lead(
        ctx,
        &mut store,
        leads,
        events,
        Some(&before),
        &l,
        "lead convert",
        txn,
    )?;
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
    let all: Vec<LeadEvent> = store.load()?;
    let (leads, mut events) = load_current(&store, ctx)?;
    let i = find_lead(&leads, id)?;
    let l = leads[i].clone();
    lead::dispute(&l, by, note, &all)?;
    let expired_some = !events.is_empty();
    events.push(event(ctx, &l, EventKind::Dispute, by, &l.owner, note));
    let stored: Vec<Lead> = store.load()?;
    let mut leads = leads;
    let mut txn = Txn::new();
    let mut audit = expiry_audit(ctx, &stored, &leads, &events);
    audit.push(ctx.audit_note(
        "lead dispute",
        &l.id,
        format!("{by} disputes {}'s lead: {}", l.owner, note.trim()),
    ));
    txn.append(&audit);
    txn.append(&events);
    if expired_some {
        txn.put_table(&mut leads);
    }
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
    let all: Vec<LeadEvent> = store.load()?;
    let (leads, mut events) = load_current(&store, ctx)?;
    let i = find_lead(&leads, id)?;
    let before = leads[i].clone();
    let mut l = before.clone();
    let other = lead::arbitrate(&mut l, winner, &all)?;
    events.push(event(ctx, &l, EventKind::Arbitrate, winner, &other, note));
    let files = commit_lead(
        ctx,
        &mut store,
        leads,
        events,
        Some(&before),
        &l,
        "lead arbitrate",
        Txn::new(),
    )?;
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
    let (leads, pending) = load_current(&store, ctx)?;
    let i = find_lead(&leads, id)?;
    let stored: Vec<LeadEvent> = store.load()?;
    let log: Vec<FollowUp> = store.load()?;
    Ok(Profile {
        lead: leads[i].clone(),
        events: stored
            .into_iter()
            .chain(pending)
            .filter(|e| e.lead == id)
            .collect(),
        follow_ups: log.into_iter().filter(|f| f.lead == id).collect(),
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
    let problem = |file: &str, line: u64, msg: String| store.problem(file, line, msg);
    let mut seen: HashMap<&str, u64> = HashMap::new();
    for (line, l) in &leads.rows {
        let mut p = |msg: String| out.push(problem(Lead::FILE, *line, format!("{}: {msg}", l.id)));
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
        out.push(problem(Lead::FILE, *line, format!("{}: {msg}", l.id)));
    }
    let lead_ids: HashSet<&str> = leads.rows.iter().map(|(_, l)| l.id.as_str()).collect();
    for (line, e) in &events.rows {
        if !lead_ids.contains(e.lead.as_str()) {
            out.push(problem(
                LeadEvent::FILE,
                *line,
                format!("event names unknown lead {}", e.lead),
            ));
        }
        if !staff_ids.contains(e.sales.as_str()) {
            out.push(problem(
                LeadEvent::FILE,
                *line,
                format!("{}: staff {} is not in staff.csv", e.lead, e.sales),
            ));
        }
    }
    for (line, f) in &log.rows {
        if !lead_ids.contains(f.lead.as_str()) {
            out.push(problem(
                FollowUp::FILE,
                *line,
                format!("follow-up names unknown lead {}", f.lead),
            ));
        }
    }
    Ok(())
}
