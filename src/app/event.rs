//! Event commands: plan, register, unregister, check in, feedback, close,
//! cancel, and the listings and report. Fees and refunds go through the
//! ledger: a wallet fee is a `pay` entry (-cents), a cash fee a `fee` entry
//! (+cents); a refund is the same kind with the opposite sign, referencing
//! the entry it gives back.

use super::book::Book;
use super::data::problem;
use super::{get, member_at_till, Ctx};
use crate::domain::event::{self, CheckIn, Event, EventStatus, Pay, Plan, RegStatus, Registration};
use crate::domain::event_report::{self, EventFigures, EventsReport};
use crate::domain::ledger::{EntryKind, LedgerEntry};
use crate::domain::member::Member;
use crate::domain::period::Period;
use crate::domain::{Cents, DomainError};
use crate::error::Result;
use crate::store::{Problem, Record, Store, Txn};
use std::collections::{HashMap, HashSet};

/// What a changing command did, for the cli to report.
#[derive(Debug)]
pub struct Outcome {
    pub message: String,
    pub files: Vec<String>,
}

fn find_event<'a>(events: &'a [Event], id: &str) -> Result<(usize, &'a Event)> {
    events
        .iter()
        .enumerate()
        .find(|(_, e)| e.id == id)
        .ok_or_else(|| {
            DomainError::NotFound(format!(
                "no event {id}; list them with `clubctl event list`"
            ))
            .into()
        })
}

fn reg_index(regs: &[Registration], event: &str, member: &str) -> Option<usize> {
    let id = event::registration_id(event, member);
    regs.iter().position(|r| r.id == id)
}

/// Takes the event's fee for `r` by `pay`, posting it to `book`.
fn charge(ctx: &Ctx, book: &mut Book, e: &Event, r: &mut Registration, pay: Pay) -> Result<()> {
    if e.fee == Cents::ZERO {
        return Ok(());
    }
    let note = format!("event fee {}", e.id);
    let id = match pay {
        Pay::Wallet => {
            let held = book.account(&r.member).wallet;
            if held < e.fee {
                return Err(DomainError::Refused(format!(
                    "{}'s wallet holds {held}, short of the {} fee for {}; recharge first or pay with --pay cash",
                    r.member, e.fee, e.id
                ))
                .into());
            }
            // No reference: a wallet payment's reference is a till receipt,
            // which may settle one payment only, and every member pays the
            // same event. The note names the event; the registration names
            // the entry.
            let fee = Cents(-e.fee.0);
            book.post(ctx, EntryKind::Pay, &r.member, fee, 0, "", &note)?
        }
        Pay::Cash | Pay::None => {
            book.post(ctx, EntryKind::Fee, &r.member, e.fee, 0, &e.id, &note)?
        }
    };
    r.paid = e.fee;
    r.pay = if pay == Pay::None { Pay::Cash } else { pay };
    r.payment = id;
    r.refunded = Cents::ZERO;
    Ok(())
}

/// Gives `amount` of `r`'s fee back the way it was paid; whether anything
/// was posted.
fn refund(ctx: &Ctx, book: &mut Book, e: &Event, r: &Registration, amount: Cents) -> Result<bool> {
    if amount.0 <= 0 {
        return Ok(false);
    }
    let note = format!("event refund {}", e.id);
    let (kind, cents) = match r.pay {
        Pay::Wallet => (EntryKind::Pay, amount),
        Pay::Cash | Pay::None => (EntryKind::Fee, Cents(-amount.0)),
    };
    book.post(ctx, kind, &r.member, cents, 0, &r.payment, &note)?;
    Ok(true)
}

/// `event plan`: a new event; returns its id.
pub fn plan(ctx: &Ctx, p: Plan) -> Result<(String, Outcome)> {
    let mut store = ctx.write()?;
    let mut events: Vec<Event> = store.load()?;
    let id = event::next_id(&events);
    let e = event::plan(id.clone(), p, ctx.today, store.rules())?;
    let mut txn = Txn::new();
    txn.append(&[ctx.audit("event plan", None, &e)]);
    let message = format!("planned {} \"{}\" on {}", e.id, e.title, e.date);
    events.push(e);
    txn.put_table(&mut events);
    let files = ctx.finish(&mut store, txn)?;
    Ok((id, Outcome { message, files }))
}

/// What a registration came to.
#[derive(Debug)]
pub struct Registered {
    pub registration: Registration,
    /// Place on the wait-list (1 is next), when wait-listed.
    pub waiting: Option<usize>,
    pub outcome: Outcome,
}

/// `event register`: a place, or the end of the wait-list; the fee is paid
/// from the wallet or in cash.
pub fn register(ctx: &Ctx, event_id: &str, member_id: &str, pay: Pay) -> Result<Registered> {
    let mut store = ctx.write()?;
    let events: Vec<Event> = store.load()?;
    let (_, e) = find_event(&events, event_id)?;
    let m = &get(&store, member_id)?;
    let mut regs = store.registrations_of(&e.id)?;
    let mut r = event::register(e, m, &regs, ctx.today, store.rules())?;
    let mut txn = Txn::new();
    let mut book = Book::open_for(&store, &[&m.id])?;
    charge(ctx, &mut book, e, &mut r, pay)?;
    book.write(&store, &mut txn)?;
    let i = reg_index(&regs, &e.id, &m.id);
    let before = i.map(|i| regs[i].clone());
    txn.append(&[ctx.audit("event register", before.as_ref(), &r)]);
    match i {
        Some(i) => regs[i] = r.clone(),
        None => regs.push(r.clone()),
    }
    let waiting = (r.status == RegStatus::Waitlisted).then(|| {
        regs.iter()
            .filter(|o| o.event == e.id && o.status == RegStatus::Waitlisted && o.seq <= r.seq)
            .count()
    });
    let paid = if r.paid.0 > 0 {
        format!("; paid {} by {}", r.paid, r.pay.as_str())
    } else {
        String::new()
    };
    let message = match waiting {
        Some(n) => format!(
            "{} is full: {} is wait-listed, number {n} in line{paid}",
            e.id, m.id
        ),
        None => format!("{} registered for {} on {}{paid}", m.id, e.id, e.date),
    };
    store.put_rows(&mut txn, &mut [r.clone()])?;
    let files = ctx.finish(&mut store, txn)?;
    Ok(Registered {
        registration: r,
        waiting,
        outcome: Outcome { message, files },
    })
}

/// What an unregistration came to.
#[derive(Debug)]
pub struct Unregistered {
    pub refund: Cents,
    /// The wait-listed member who got the freed place.
    pub promoted: Option<Member>,
    pub outcome: Outcome,
}

/// `event unregister`: frees the place, refunds by the rule, promotes the
/// first on the wait-list.
pub fn unregister(ctx: &Ctx, event_id: &str, member_id: &str) -> Result<Unregistered> {
    let mut store = ctx.write()?;
    let events: Vec<Event> = store.load()?;
    let (_, e) = find_event(&events, event_id)?;
    let m = &get(&store, member_id)?;
    let mut regs = store.registrations_of(&e.id)?;
    let i = reg_index(&regs, &e.id, &m.id)
        .ok_or_else(|| DomainError::Refused(format!("{} is not registered for {}", m.id, e.id)))?;
    let before = regs.clone();
    let w = event::unregister(e, &mut regs, i, ctx.today, store.rules())?;
    let mut txn = Txn::new();
    let mut book = Book::open_for(&store, &[&regs[i].member])?;
    refund(ctx, &mut book, e, &regs[i], w.refund)?;
    book.write(&store, &mut txn)?;
    txn.append(&[ctx.audit("event unregister", Some(&before[i]), &regs[i])]);
    let mut promoted = None;
    let mut message = format!("{} unregistered from {}; refunded {}", m.id, e.id, w.refund);
    if let Some(p) = w.promoted {
        txn.append(&[ctx.audit("event promote", Some(&before[p]), &regs[p])]);
        let pm = get(&store, &regs[p].member)?;
        message.push_str(&format!(
            "; {} ({}, {}) moves up from the wait-list",
            pm.id, pm.name, pm.phone
        ));
        promoted = Some(pm);
    }
    let mut changed: Vec<Registration> = std::iter::once(i)
        .chain(w.promoted)
        .map(|k| regs[k].clone())
        .collect();
    store.put_rows(&mut txn, &mut changed)?;
    let files = ctx.finish(&mut store, txn)?;
    Ok(Unregistered {
        refund: w.refund,
        promoted,
        outcome: Outcome { message, files },
    })
}

/// `event checkin`: attendance, and the event's points granted once.
pub fn checkin(ctx: &Ctx, event_id: &str, member_id: &str, pay: Pay) -> Result<Outcome> {
    let mut store = ctx.write()?;
    let member_id = &member_at_till(&store, member_id, ctx.today)?;
    let events: Vec<Event> = store.load()?;
    let (_, e) = find_event(&events, event_id)?;
    let m = &get(&store, member_id)?;
    let mut regs = store.registrations_of(&e.id)?;
    let before = regs.clone();
    let c = event::checkin(e, m, &mut regs, ctx.today, store.rules())?;
    let mut txn = Txn::new();
    let mut book = Book::open_for(&store, &[&m.id])?;
    let mut how = "registered";
    let r = match c {
        CheckIn::Registered(i) => {
            txn.append(&[ctx.audit("event checkin", Some(&before[i]), &regs[i])]);
            regs[i].clone()
        }
        CheckIn::WalkIn(mut r) => {
            how = "walk-in";
            charge(ctx, &mut book, e, &mut r, pay)?;
            let i = reg_index(&regs, &e.id, &m.id);
            txn.append(&[ctx.audit("event checkin", i.map(|i| &before[i]), &r)]);
            r
        }
    };
    if e.points > 0 {
        // The registration is the record that the points were granted:
        // `event::checkin` refuses a member already checked in, and `data
        // check` proves that every check-in grant in the ledger has its
        // attended registration, one grant each.
        let note = format!("event check-in {}", e.id);
        book.post(
            ctx,
            EntryKind::Grant,
            &m.id,
            Cents::ZERO,
            e.points,
            &e.id,
            &note,
        )?;
    }
    book.write(&store, &mut txn)?;
    store.put_rows(&mut txn, &mut [r])?;
    let files = ctx.finish(&mut store, txn)?;
    Ok(Outcome {
        message: format!(
            "{} checked in to {} ({how}); {} points granted",
            m.id, e.id, e.points
        ),
        files,
    })
}

/// `event feedback`: a score 1..5 from an attendee; a second replaces the first.
pub fn feedback(
    ctx: &Ctx,
    event_id: &str,
    member_id: &str,
    score: u8,
    comment: &str,
) -> Result<Outcome> {
    let mut store = ctx.write()?;
    let events: Vec<Event> = store.load()?;
    let (_, e) = find_event(&events, event_id)?;
    let m = &get(&store, member_id)?;
    let mut regs = store.registrations_of(&e.id)?;
    let i = reg_index(&regs, &e.id, &m.id).ok_or_else(|| {
        DomainError::Refused(format!(
            "{} did not come to {}; only members who checked in may give feedback",
            m.id, e.id
        ))
    })?;
    let before = regs[i].clone();
    event::feedback(e, &mut regs[i], score, comment)?;
    let replaced = before.score.is_some();
    let mut txn = Txn::new();
    txn.append(&[ctx.audit("event feedback", Some(&before), &regs[i])]);
    store.put_rows(&mut txn, &mut [regs[i].clone()])?;
    let files = ctx.finish(&mut store, txn)?;
    Ok(Outcome {
        message: format!(
            "{} scored {} {score}/5{}",
            m.id,
            e.id,
            if replaced {
                " (replaces the earlier score)"
            } else {
                ""
            }
        ),
        files,
    })
}

/// A member told of a change, with what they got back.
#[derive(Debug, Clone)]
pub struct Notice {
    pub member: Member,
    /// Status before the change (registered or waitlisted).
    pub was: RegStatus,
    pub refund: Cents,
}

/// Cancels `which` registrations of the closed or cancelled event in full:
/// refunds, audits and the registrations, in a new transaction.
fn withdraw_in_full(
    ctx: &Ctx,
    store: &Store,
    e: &Event,
    before: &[Registration],
    regs: &mut [Registration],
    which: &[usize],
) -> Result<(Txn, Vec<Notice>)> {
    let action = match e.status {
        EventStatus::Cancelled => "event cancel",
        _ => "event close",
    };
    let mut txn = Txn::new();
    let refunded: Vec<&str> = which.iter().map(|&i| regs[i].member.as_str()).collect();
    let mut book = Book::open_for(store, &refunded)?;
    let members: HashMap<String, Member> = store
        .find_many::<Member>(&refunded.iter().copied().collect())?
        .into_iter()
        .map(|m| (m.id.clone(), m))
        .collect();
    let mut notices = Vec::new();
    for &i in which {
        let left = Cents(regs[i].paid.0 - regs[i].refunded.0);
        if refund(ctx, &mut book, e, &regs[i], left)? {
            regs[i].refunded = regs[i].paid;
        }
        txn.append(&[ctx.audit(action, Some(&before[i]), &regs[i])]);
        notices.push(Notice {
            member: match members.get(&regs[i].member) {
                Some(m) => m.clone(),
                None => get(store, &regs[i].member)?,
            },
            was: before[i].status,
            refund: Cents(left.0.max(0)),
        });
    }
    book.write(store, &mut txn)?;
    let mut changed: Vec<Registration> = which.iter().map(|&i| regs[i].clone()).collect();
    store.put_rows(&mut txn, &mut changed)?;
    Ok((txn, notices))
}

/// `event close`: records the actual cost; the wait-list is refunded.
pub fn close(ctx: &Ctx, event_id: &str, cost: Cents) -> Result<(Outcome, Vec<Notice>)> {
    let mut store = ctx.write()?;
    let mut events: Vec<Event> = store.load()?;
    let (k, _) = find_event(&events, event_id)?;
    let mut regs = store.registrations_of(&events[k].id)?;
    let before_event = events[k].clone();
    let before = regs.clone();
    let which = event::close(&mut events[k], &mut regs, cost, ctx.today)?;
    let e = events[k].clone();
    let (mut txn, notices) = withdraw_in_full(ctx, &store, &e, &before, &mut regs, &which)?;
    txn.append(&[ctx.audit("event close", Some(&before_event), &e)]);
    let variance = Cents(cost.0 - e.budget.0);
    txn.put_table(&mut events);
    let files = ctx.finish(&mut store, txn)?;
    Ok((
        Outcome {
            message: format!(
                "closed {}: cost {cost} against budget {} ({}{variance}); {} left on the wait-list refunded",
                e.id,
                e.budget,
                if variance.0 > 0 { "+" } else { "" },
                notices.len()
            ),
            files,
        },
        notices,
    ))
}

/// `event cancel`: every registered and wait-listed member is refunded in
/// full and listed, to be told.
pub fn cancel(ctx: &Ctx, event_id: &str, reason: &str) -> Result<(Outcome, Vec<Notice>)> {
    let mut store = ctx.write()?;
    let mut events: Vec<Event> = store.load()?;
    let (k, _) = find_event(&events, event_id)?;
    let mut regs = store.registrations_of(&events[k].id)?;
    let before_event = events[k].clone();
    let before = regs.clone();
    let which = event::cancel(&mut events[k], &mut regs, reason)?;
    let e = events[k].clone();
    let (mut txn, notices) = withdraw_in_full(ctx, &store, &e, &before, &mut regs, &which)?;
    txn.append(&[ctx.audit("event cancel", Some(&before_event), &e)]);
    txn.put_table(&mut events);
    let files = ctx.finish(&mut store, txn)?;
    let total: i64 = notices.iter().map(|n| n.refund.0).sum();
    Ok((
        Outcome {
            message: format!(
                "cancelled {}: {} to tell (listed below), {} refunded",
                e.id,
                notices.len(),
                Cents(total)
            ),
            files,
        },
        notices,
    ))
}

/// `event list`: events by date, with their figures.
pub fn list(
    ctx: &Ctx,
    month: Option<Period>,
    upcoming: bool,
) -> Result<Vec<(Event, EventFigures)>> {
    let store = ctx.read()?;
    let events: Vec<Event> = store.load()?;
    let regs: Vec<Registration> = store.load()?;
    let mut out: Vec<(Event, EventFigures)> = events
        .into_iter()
        .filter(|e| {
            month
                .as_ref()
                .is_none_or(|m| m.overlaps(e.date, e.last_day()))
        })
        .filter(|e| !upcoming || (e.status == EventStatus::Planned && e.last_day() >= ctx.today))
        .map(|e| {
            let f = event_report::figures(&e, &regs, ctx.today);
            (e, f)
        })
        .collect();
    out.sort_by(|a, b| (a.0.date, &a.0.id).cmp(&(b.0.date, &b.0.id)));
    Ok(out)
}

/// One event with its roster.
#[derive(Debug)]
pub struct EventView {
    pub event: Event,
    pub figures: EventFigures,
    /// Registrations in sign-up order, with the member when known.
    pub roster: Vec<(Registration, Option<Member>)>,
}

/// `event show`.
pub fn show(ctx: &Ctx, event_id: &str) -> Result<EventView> {
    let store = ctx.read()?;
    let events: Vec<Event> = store.load()?;
    let (_, e) = find_event(&events, event_id)?;
    let regs = store.registrations_of(&e.id)?;
    let members: Vec<Member> =
        store.find_many(&regs.iter().map(|r| r.member.as_str()).collect())?;
    let by_id: HashMap<&str, &Member> = members.iter().map(|m| (m.id.as_str(), m)).collect();
    let mut roster: Vec<(Registration, Option<Member>)> = regs
        .iter()
        .map(|r| {
            (
                r.clone(),
                by_id.get(r.member.as_str()).map(|m| (*m).clone()),
            )
        })
        .collect();
    roster.sort_by_key(|(r, _)| r.seq);
    Ok(EventView {
        figures: event_report::figures(e, &regs, ctx.today),
        event: e.clone(),
        roster,
    })
}

/// `event invite`: members who may come and have not signed up.
pub fn invite(ctx: &Ctx, event_id: &str) -> Result<(Event, Vec<Member>)> {
    let store = ctx.read()?;
    let events: Vec<Event> = store.load()?;
    let (_, e) = find_event(&events, event_id)?;
    if e.status != EventStatus::Planned {
        return Err(DomainError::Refused(format!(
            "{} is {}; nobody can be invited",
            e.id, e.status
        ))
        .into());
    }
    let members: Vec<Member> = store.load()?;
    let regs = store.registrations_of(&e.id)?;
    let list = event::invitees(e, &members, &regs, store.rules())
        .into_iter()
        .cloned()
        .collect();
    Ok((e.clone(), list))
}

/// `report events`.
pub fn report(ctx: &Ctx, month: Option<Period>) -> Result<EventsReport> {
    let store = ctx.read()?;
    let events: Vec<Event> = store.load()?;
    let regs: Vec<Registration> = store.load()?;
    Ok(event_report::report(&events, &regs, month, ctx.today))
}

/// `data check` for events and registrations: members and events exist,
/// capacity respected, dates coherent, keys unique; and every check-in
/// grant of the `ledger` (a grant whose reference is an event) matched by
/// the member's attended registration, one grant each, since check-in
/// trusts the registration to say whether the points were granted.
pub fn check(store: &Store, ledger: &[(u64, LedgerEntry)], out: &mut Vec<Problem>) -> Result<()> {
    let events = store.scan::<Event>()?;
    let regs = store.scan::<Registration>()?;
    let members = store.scan::<Member>()?;
    out.extend(events.problems);
    out.extend(regs.problems);
    let member_ids: HashSet<&str> = members.rows.iter().map(|(_, m)| m.id.as_str()).collect();
    let mut by_event: HashMap<&str, Vec<&Registration>> = HashMap::new();
    let mut seen: HashMap<&str, u64> = HashMap::new();
    for (line, r) in &regs.rows {
        let mut p = |msg: String| out.push(problem::<Registration>(store, &r.id, *line, msg));
        if let Some(first) = seen.insert(r.key(), *line) {
            p(format!("registration {} is also on line {first}", r.id));
        }
        by_event.entry(r.event.as_str()).or_default().push(r);
        let e = events.rows.iter().map(|(_, e)| e).find(|e| e.id == r.event);
        let mut msgs = event::registration_problems(r, e);
        if e.is_none() {
            msgs.push(format!("event {} is not in events.csv", r.event));
        }
        if !member_ids.contains(r.member.as_str()) {
            msgs.push(format!("member {} is not in members.csv", r.member));
        }
        for m in msgs {
            p(format!("{}: {m}", r.id));
        }
    }
    let mut seen: HashMap<&str, u64> = HashMap::new();
    for (line, e) in &events.rows {
        let mut p = |msg: String| out.push(problem::<Event>(store, &e.id, *line, msg));
        if let Some(first) = seen.insert(e.key(), *line) {
            p(format!("event {} is also on line {first}", e.id));
        }
        let regs = by_event
            .get(e.id.as_str())
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        for m in event::problems(e, regs, store.rules()) {
            p(format!("{}: {m}", e.id));
        }
    }
    let event_ids = seen;
    let status: HashMap<&str, RegStatus> = regs
        .rows
        .iter()
        .map(|(_, r)| (r.id.as_str(), r.status))
        .collect();
    let mut granted: HashMap<String, &str> = HashMap::new();
    for (line, x) in ledger {
        if x.kind != EntryKind::Grant || !event_ids.contains_key(x.reference.as_str()) {
            continue;
        }
        let id = event::registration_id(&x.reference, &x.member);
        let mut p = |msg: String| out.push(problem::<LedgerEntry>(store, &x.id, *line, msg));
        match status.get(id.as_str()) {
            Some(RegStatus::Attended) => {}
            Some(s) => p(format!(
                "entry {} grants the points of {} to {}, whose registration {id} is {s}, not attended",
                x.id, x.reference, x.member
            )),
            None => p(format!(
                "entry {} grants the points of {} to {}, who has no registration {id}",
                x.id, x.reference, x.member
            )),
        }
        if let Some(first) = granted.insert(id, &x.id) {
            p(format!(
                "entry {} grants the points of {} to {} a second time (first {first})",
                x.id, x.reference, x.member
            ));
        }
    }
    Ok(())
}
