//! `report monthly|quarterly|yearly|kpi` and `data close`: one pass of the
//! report engine (`domain::report`) over the files, read with a shared lock.
//!
//! A report starts from the latest closing made before its first period
//! (`closings/`, written by `data close`), reads the audit trail and the
//! ledger from that closing's marks to their ends, the registrations, leads
//! and events whole, and finally the members table beside the closing's
//! table, both in member order, one row at a time. Memory holds what the
//! journals after the closing touched, not the members; time follows the
//! members table and the activity since the closing, not the length of
//! history.

use super::Ctx;
use crate::domain::event::{Event, RegStatus, Registration};
use crate::domain::lead::{self, Lead, LeadEvent};
use crate::domain::ledger::{EntryKind, LedgerEntry};
use crate::domain::member::{Gender, Member, Status};
use crate::domain::period::Period;
use crate::domain::points::{self, Account, AgingRow};
use crate::domain::report::{
    self, AuditLine, ClosingRow, Engine, EntryLine, KpiLine, MemberFacts, PeriodReport, Stale,
};
use crate::domain::Cents;
use crate::error::{Error, Result};
use crate::store::closing::{self, Meta};
use crate::store::codec::key_order;
use crate::store::rows::{Mark, Row, Rows};
use crate::store::{AuditEntry, Problem, Record, Store};
use chrono::NaiveDate;
use std::path::PathBuf;

/// Told (bytes read, bytes to read) as a report goes.
pub type Progress<'a> = &'a dyn Fn(u64, u64);

/// The report for `period` and for the period beside it (`compare`, else
/// the previous one).
pub fn period(
    ctx: &Ctx,
    period: &Period,
    compare: Option<Period>,
    progress: Progress,
) -> Result<(PeriodReport, PeriodReport)> {
    let other = report::compare_with(period, compare)?;
    let store = ctx.read()?;
    let mut out = reports(&store, ctx, &[period.clone(), other], progress)?.into_iter();
    match (out.next(), out.next()) {
        (Some(r), Some(beside)) => Ok((r, beside)),
        _ => Err(internal()),
    }
}

/// The day of the newest line of the ledger or the audit trail, read from
/// their tails: where a report given no period falls back to.
pub fn last_activity(ctx: &Ctx) -> Result<Option<NaiveDate>> {
    let store = ctx.read()?;
    let ledger = store.last_date::<LedgerEntry>()?;
    Ok(ledger.max(store.last_date::<AuditEntry>()?))
}

fn internal() -> Error {
    Error::Failure("internal: the report engine lost a period".into())
}

/// The report of the month beside, and the reports of the twelve months
/// ending with the month (oldest first) for the chart: one engine pass
/// over the files for all of them.
pub fn month_with_history(
    ctx: &Ctx,
    month: &Period,
    compare: Option<Period>,
    progress: Progress,
) -> Result<(PeriodReport, Vec<PeriodReport>)> {
    let other = report::compare_with(month, compare)?;
    let mut months: Vec<Period> = vec![month.clone()];
    while months.len() < 12 {
        let earlier = months[months.len() - 1].previous();
        months.push(earlier);
    }
    months.reverse();
    months.push(other);
    let store = ctx.read()?;
    let mut out = reports(&store, ctx, &months, progress)?;
    let beside = out.pop().ok_or_else(internal)?;
    Ok((beside, out))
}

/// The month's report and its scorecard lines with the total score.
pub fn kpi(
    ctx: &Ctx,
    month: &Period,
    progress: Progress,
) -> Result<(PeriodReport, Vec<KpiLine>, i64)> {
    let store = ctx.read()?;
    let r = reports(&store, ctx, std::slice::from_ref(month), progress)?
        .pop()
        .ok_or_else(internal)?;
    let (lines, total) = report::kpi(&r, store.rules());
    Ok((r, lines, total))
}

/// The latest closing that holds and closes before `first`.
fn closing_before(store: &Store, first: Option<NaiveDate>) -> Result<Option<Meta>> {
    let Some(first) = first else {
        return Ok(None);
    };
    for meta in store.closings()?.into_iter().rev() {
        if meta.day < first && store.closing_holds(&meta)? {
            return Ok(Some(meta));
        }
    }
    Ok(None)
}

/// The files a report of `periods` reads, from where: what a bare scan
/// must read to compare with it (`benches/report.rs`).
pub fn reads(store: &Store, periods: &[Period]) -> Result<Vec<(PathBuf, Option<Mark>)>> {
    let meta = closing_before(store, Engine::first_day(periods))?;
    let mark = |f: &str| meta.as_ref().and_then(|m| m.mark(f));
    let mut out: Vec<(PathBuf, Option<Mark>)> = Vec::new();
    for path in store.files_of::<AuditEntry>()? {
        out.push((path, mark(AuditEntry::FILE)));
    }
    for path in store.files_of::<LedgerEntry>()? {
        out.push((path, mark(LedgerEntry::FILE)));
    }
    for paths in [
        store.files_of::<Registration>()?,
        store.files_of::<Lead>()?,
        store.files_of::<LeadEvent>()?,
        store.files_of::<Event>()?,
        store.files_of::<Member>()?,
    ] {
        out.extend(paths.into_iter().map(|p| (p, None)));
    }
    if let Some(m) = meta {
        out.push((store.closing_table(m.day), None));
    }
    Ok(out)
}

/// Runs the engine for `periods` from the latest closing before them; from
/// the beginning when the journals after that closing are out of date
/// order.
fn reports(
    store: &Store,
    ctx: &Ctx,
    periods: &[Period],
    progress: Progress,
) -> Result<Vec<PeriodReport>> {
    let meta = closing_before(store, Engine::first_day(periods))?;
    let mut engine = Engine::new(
        periods,
        meta.as_ref().map(|m| m.day),
        None,
        store.rules(),
        ctx.today,
    );
    let fed = match feed(store, &mut engine, meta.as_ref(), None, progress)? {
        Ok(_) => join(store, &mut engine, meta.as_ref(), |_| Ok(())),
        Err(_) if meta.is_some() => {
            engine = Engine::new(periods, None, None, store.rules(), ctx.today);
            if feed(store, &mut engine, None, None, progress)?.is_err() {
                return Err(internal());
            }
            join(store, &mut engine, None, |_| Ok(()))
        }
        Err(_) => return Err(internal()),
    };
    fed?;
    let registrations: Vec<Registration> = store.load()?;
    for r in &registrations {
        if let (RegStatus::Attended, Some(d)) = (r.status, r.attended) {
            engine.checkin(&r.member, d);
        }
    }
    // Leads as of today, with the expiries that have happened by now.
    let mut leads: Vec<Lead> = store.load()?;
    let mut lead_events: Vec<LeadEvent> = store.load()?;
    lead_events.extend(lead::expire(&mut leads, ctx.today, &ctx.operator));
    let events: Vec<Event> = store.load()?;
    Ok(engine.finish(&lead_events, &events, &registrations))
}

/// The audit trail and the ledger, fed to the engine from the closing's
/// marks. With `stop_after`, reading stops at the first line
/// dated after that day, and the marks where it stopped are returned.
fn feed(
    store: &Store,
    engine: &mut Engine,
    meta: Option<&Meta>,
    stop_after: Option<NaiveDate>,
    progress: Progress,
) -> Result<std::result::Result<Vec<(&'static str, Mark)>, Stale>> {
    let mark = |f: &str| meta.and_then(|m| m.mark(f));
    let total = store.journal_bytes_after(meta);
    let mut marks = Vec::new();
    let mut rows = store.journal_rows::<AuditEntry>(
        &["date", "record", "action", "changes"],
        mark(AuditEntry::FILE),
    )?;
    let from = rows.next_mark().offset;
    let fed = each_row(&mut rows, stop_after, (0, total), progress, |r, date| {
        if !report::audit_matters(r.bytes(2), r.bytes(3)) {
            return Ok(engine.audit_date(date));
        }
        Ok(engine.audit(
            &AuditLine {
                date,
                record: r.str(1)?,
                action: r.str(2)?,
                changes: r.str(3)?,
            },
            Member::HEADER,
        ))
    })?;
    let end = match fed {
        Ok(end) => end,
        Err(stale) => return Ok(Err(stale)),
    };
    marks.push((AuditEntry::FILE, end));

    let ledger = LedgerEntry::FILE;
    let mut rows = store.journal_rows::<LedgerEntry>(
        &["date", "kind", "member", "cents", "points"],
        mark(ledger),
    )?;
    let done = end.offset - from;
    let fed = each_row(&mut rows, stop_after, (done, total), progress, |r, date| {
        Ok(engine.ledger(&EntryLine {
            date,
            kind: entry_kind(r)?,
            member: r.str(2)?,
            cents: r.cents(3)?,
            points: r.int(4)?,
        }))
    })?;
    match fed {
        Ok(end) => marks.push((ledger, end)),
        Err(stale) => return Ok(Err(stale)),
    }
    progress(total, total);

    Ok(Ok(marks))
}

/// Hands each row of `rows` with its date to `feed`, up to the first row
/// dated after `stop_after`. Returns where the rows after the stop day
/// begin (the end of the file when nothing stopped it), or the stale line
/// `feed` met. `done` is the (bytes read before, bytes to read) for
/// `progress`.
fn each_row(
    rows: &mut Rows,
    stop_after: Option<NaiveDate>,
    (done, total): (u64, u64),
    progress: Progress,
    mut feed: impl FnMut(&Row, NaiveDate) -> Result<std::result::Result<(), Stale>>,
) -> Result<std::result::Result<Mark, Stale>> {
    let from = rows.next_mark().offset;
    let mut n = 0u32;
    while let Some(r) = rows.next_row()? {
        let date = r.date(0)?;
        if stop_after.is_some_and(|d| date > d) {
            return Ok(Ok(rows.mark()));
        }
        if let Err(stale) = feed(&r, date)? {
            return Ok(Err(stale));
        }
        n = n.wrapping_add(1);
        if n.is_multiple_of(65_536) {
            progress(done + rows.next_mark().offset - from, total);
        }
    }
    Ok(Ok(rows.next_mark()))
}

fn entry_kind(r: &Row) -> Result<EntryKind> {
    const KINDS: [EntryKind; 12] = [
        EntryKind::Spend,
        EntryKind::Earn,
        EntryKind::Redeem,
        EntryKind::Expire,
        EntryKind::Dues,
        EntryKind::Grant,
        EntryKind::Recharge,
        EntryKind::Pay,
        EntryKind::Bonus,
        EntryKind::Reverse,
        EntryKind::Forfeit,
        EntryKind::Fee,
    ];
    let b = r.bytes(1);
    KINDS
        .into_iter()
        .find(|k| k.as_str().as_bytes() == b)
        .ok_or_else(|| {
            Error::from(r.bad(&format!(
                "{:?} is not a kind of ledger entry",
                String::from_utf8_lossy(b)
            )))
        })
}

/// The members table beside the closing's table, both in member order,
/// one row of each at a time; `emit` gets each row of a new closing.
fn join(
    store: &Store,
    engine: &mut Engine,
    meta: Option<&Meta>,
    mut emit: impl FnMut(&ClosingRow) -> Result<()>,
) -> Result<()> {
    let mut members = store.rows::<Member>(&[
        "id", "gender", "birthday", "status", "tier", "applied", "joined", "since",
    ])?;
    let mut closed = match meta {
        Some(m) => Some(store.closing_rows(m.day)?),
        None => None,
    };
    // One closing row, read into again and again; whether it holds one.
    let mut row = ClosingRow::blank();
    let mut next_closed = |row: &mut ClosingRow| -> Result<bool> {
        match closed.as_mut().map(|rows| rows.next_row()).transpose()? {
            Some(Some(r)) => read_closing_row(&r, row).map(|_| true),
            _ => Ok(false),
        }
    };
    let mut have = next_closed(&mut row)?;
    let mut put =
        |engine: &mut Engine, m: Option<&MemberFacts>, c: Option<&ClosingRow>| match engine
            .member(m, c)
        {
            Some(made) => emit(&made),
            None => Ok(()),
        };
    while let Some(r) = members.next_row()? {
        let m = member_facts(&r)?;
        // Closing rows of members no longer in the table come first.
        while have && key_order(&row.member, m.id).is_lt() {
            put(engine, None, Some(&row))?;
            have = next_closed(&mut row)?;
        }
        if have && row.member == m.id {
            put(engine, Some(&m), Some(&row))?;
            have = next_closed(&mut row)?;
        } else {
            put(engine, Some(&m), None)?;
        }
    }
    while have {
        put(engine, None, Some(&row))?;
        have = next_closed(&mut row)?;
    }
    Ok(())
}

fn member_facts<'a>(r: &Row<'a>) -> Result<MemberFacts<'a>> {
    let gender = match r.bytes(1) {
        b"" => None,
        b"male" => Some(Gender::Male),
        b"female" => Some(Gender::Female),
        b"other" => Some(Gender::Other),
        g => {
            return Err(r
                .bad(&format!("{:?} is not a gender", String::from_utf8_lossy(g)))
                .into())
        }
    };
    Ok(MemberFacts {
        id: r.str(0)?,
        gender,
        birthday: r.opt_date(2)?,
        status: status(r, 3)?,
        tier: r.str(4)?,
        applied: r.date(5)?,
        joined: r.opt_date(6)?,
        since: r.date(7)?,
    })
}

fn status(r: &Row, i: usize) -> Result<Status> {
    let b = r.bytes(i);
    Status::ALL
        .into_iter()
        .find(|s| s.as_str().as_bytes() == b)
        .ok_or_else(|| {
            r.bad(&format!("{:?} is not a status", String::from_utf8_lossy(b)))
                .into()
        })
}

fn closing_row(r: &Row) -> Result<ClosingRow> {
    let mut row = ClosingRow::blank();
    read_closing_row(r, &mut row)?;
    Ok(row)
}

/// Reads a closing's row into `into`, reusing its strings and lots.
fn read_closing_row(r: &Row, into: &mut ClosingRow) -> Result<()> {
    into.member.clear();
    into.member.push_str(r.str(0)?);
    into.status = status(r, 1)?;
    into.tier.clear();
    into.tier.push_str(r.str(2)?);
    into.points = r.int(3)?;
    into.wallet = Cents(r.cents(4)?);
    into.lots
        .read(r.str(5)?)
        .map_err(|e| Error::from(r.bad(&e)))
}

/// `data close`: writes the closing of every month end from the latest
/// closing that holds (or the first month of the journals) to the last
/// month end before today. Returns the days closed.
pub fn close(ctx: &Ctx, progress: Progress) -> Result<Vec<NaiveDate>> {
    let store = ctx.write()?;
    let mut base = None;
    for meta in store.closings()?.into_iter().rev() {
        if store.closing_holds(&meta)? {
            base = Some(meta);
            break;
        }
    }
    let last_end = crate::domain::dates::add_days(Period::month_of(ctx.today).start, -1);
    let mut day = match &base {
        Some(m) => month_end_after(m.day),
        None => match first_day(&store)? {
            Some(d) => Period::month_of(d).end,
            None => return Ok(Vec::new()),
        },
    };
    let mut closed = Vec::new();
    while day <= last_end {
        if ctx.dry_run {
            closed.push(day);
            day = month_end_after(day);
            continue;
        }
        let mut engine = Engine::new(
            &[],
            base.as_ref().map(|m| m.day),
            Some(day),
            store.rules(),
            ctx.today,
        );
        let marks = match feed(&store, &mut engine, base.as_ref(), Some(day), progress)? {
            Ok(marks) => marks,
            Err(stale) => {
                return Err(Error::Data(format!(
                    "cannot close {}: a journal line dated {} follows lines dated after the closing of {}; the journals are out of date order there, so reports read them whole (they stay correct, only slower)",
                    closing::name(day),
                    stale.date,
                    base.as_ref().map_or(String::new(), |m| m.day.to_string())
                )))
            }
        };
        let mut w = store.closing_writer(day)?;
        join(&store, &mut engine, base.as_ref(), |row| Ok(w.row(row)?))?;
        base = Some(w.finish(&marks)?);
        closed.push(day);
        day = month_end_after(day);
    }
    Ok(closed)
}

fn month_end_after(day: NaiveDate) -> NaiveDate {
    Period::month_of(crate::domain::dates::add_days(day, 1)).end
}

/// The day of the oldest journal line, if any.
fn first_day(store: &Store) -> Result<Option<NaiveDate>> {
    let audit = first_date::<AuditEntry>(store)?;
    let ledger = first_date::<LedgerEntry>(store)?;
    Ok(audit.into_iter().chain(ledger).min())
}

/// The date of a journal's first line, if it has one.
fn first_date<T: Record>(store: &Store) -> Result<Option<NaiveDate>> {
    let mut rows = store.journal_rows::<T>(&["date"], None)?;
    match rows.next_row()? {
        Some(r) => Ok(Some(r.date(0)?)),
        None => Ok(None),
    }
}

/// `report points-aging`: outstanding points by the month they lapse, read
/// from the balances cache (which `data check` proves equal to the ledger).
pub fn points_aging(ctx: &Ctx) -> Result<Vec<AgingRow>> {
    let store = ctx.read()?;
    let accounts: Vec<Account> = store.load()?;
    Ok(points::aging(&accounts, ctx.today, store.rules()))
}

/// `data check`'s part: each closing still matches the journals at its
/// marks, and the newest one, made again from the journals alone, reads
/// the same row for row.
pub fn check_closings(store: &Store, out: &mut Vec<Problem>) -> Result<()> {
    out.extend(store.unreadable_closings());
    let metas = store.closings()?;
    let mut newest = None;
    for m in &metas {
        if store.closing_holds(m)? {
            newest = Some(m);
        } else {
            out.push(store.closing_problem(
                m.day,
                format!(
                    "the closing of {} no longer matches the journals at its marks (a journal was restored or edited); run `clubctl data close` to make it again",
                    m.day
                ),
            ));
        }
    }
    let Some(meta) = newest else {
        return Ok(());
    };
    let mut engine = Engine::new(&[], None, Some(meta.day), store.rules(), meta.day);
    let Ok(marks) = feed(store, &mut engine, None, Some(meta.day), &|_, _| {})? else {
        return Err(internal());
    };
    for (file, m) in &marks {
        if meta.mark(file) != Some(*m) {
            out.push(store.closing_problem(
                meta.day,
                format!(
                    "the closing of {} marks {file} at byte {}, but its lines after that day begin at byte {}; run `clubctl data close` to make it again",
                    meta.day,
                    meta.mark(file).map_or(0, |m| m.offset),
                    m.offset
                ),
            ));
        }
    }
    let mut rows = store.closing_rows(meta.day)?;
    let mut first: Option<(u64, String)> = None;
    join(store, &mut engine, None, |made| {
        if first.is_some() {
            return Ok(());
        }
        match rows.next_row()? {
            Some(r) => {
                let line = r.line;
                if closing_row(&r).ok().as_ref() != Some(made) {
                    first = Some((
                        line,
                        format!("{}'s row differs from the journals", made.member),
                    ));
                }
            }
            None => first = Some((0, format!("{} is missing", made.member))),
        }
        Ok(())
    })?;
    if first.is_none() {
        if let Some(r) = rows.next_row()? {
            first = Some((r.line, "a row for a member the journals do not hold".into()));
        }
    }
    if let Some((line, what)) = first {
        out.push(store.closing_row_problem(
            meta.day,
            line,
            format!(
                "the closing of {}: {what}; run `clubctl data close` to make it again",
                meta.day
            ),
        ));
    }
    Ok(())
}
