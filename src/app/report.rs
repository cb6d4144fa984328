//! `report monthly|quarterly|yearly|kpi`: read the records once (shared
//! lock), and run the period report for the chosen period and the one put
//! beside it.

use super::Ctx;
use crate::domain::event::{Event, Registration};
use crate::domain::lead::{self, FollowUp, Lead, LeadEvent};
use crate::domain::ledger::LedgerEntry;
use crate::domain::member::Member;
use crate::domain::period::Period;
use crate::domain::points::{self, Account, AgingRow};
use crate::domain::report::{self, AuditLine, KpiLine, PeriodReport, Snapshot};
use crate::domain::sales::SalesData;
use crate::domain::staff::Staff;
use crate::error::Result;
use crate::store::{AuditEntry, Record, Store};

/// The report for `period` and for the period beside it (`compare`, else
/// the previous one).
pub fn period(
    ctx: &Ctx,
    period: &Period,
    compare: Option<Period>,
) -> Result<(PeriodReport, PeriodReport)> {
    let other = report::compare_with(period, compare)?;
    let store = ctx.read()?;
    let [r, beside] = reports(&store, ctx, [period, &other])?;
    Ok((r, beside))
}

/// The month's report, the one beside it, and the reports of the twelve
/// months ending with it (oldest first) for the chart, with the club's
/// language: one engine run per period over records loaded once.
pub fn month_with_history(
    ctx: &Ctx,
    month: &Period,
    compare: Option<Period>,
) -> Result<(PeriodReport, Vec<PeriodReport>, String)> {
    let other = report::compare_with(month, compare)?;
    let mut months: Vec<Period> = vec![month.clone()];
    while months.len() < 12 {
        let earlier = months[months.len() - 1].previous();
        months.push(earlier);
    }
    months.reverse();
    let store = ctx.read()?;
    let refs: [&Period; 13] = std::array::from_fn(|i| months.get(i).unwrap_or(&other));
    let mut out = Vec::from(reports(&store, ctx, refs)?);
    let beside = out
        .pop()
        .ok_or_else(|| crate::error::Error::Failure("internal: no report".into()))?;
    Ok((beside, out, store.rules().club.lang.clone()))
}

/// The month's report and its scorecard lines with the total score.
pub fn kpi(ctx: &Ctx, month: &Period) -> Result<(PeriodReport, Vec<KpiLine>, i64)> {
    let store = ctx.read()?;
    let [r] = reports(&store, ctx, [month])?;
    let (lines, total) = report::kpi(&r, store.rules());
    Ok((r, lines, total))
}

/// Loads what the report reads, once, and reports on each period.
fn reports<const N: usize>(
    store: &Store,
    ctx: &Ctx,
    periods: [&Period; N],
) -> Result<[PeriodReport; N]> {
    let members: Vec<Member> = store.load()?;
    let audit: Vec<AuditLine> = store
        .load::<AuditEntry>()?
        .into_iter()
        .map(|a| AuditLine {
            date: a.date,
            record: a.record,
            action: a.action,
            changes: a.changes,
        })
        .collect();
    let ledger: Vec<LedgerEntry> = store.load()?;
    let events: Vec<Event> = store.load()?;
    let registrations: Vec<Registration> = store.load()?;
    let staff: Vec<Staff> = store.load()?;
    // Leads as of today, with the expiries that have happened by now.
    let mut leads: Vec<Lead> = store.load()?;
    let mut lead_events: Vec<LeadEvent> = store.load()?;
    lead_events.extend(lead::expire(&mut leads, ctx.today, &ctx.operator));
    let log: Vec<FollowUp> = store.load()?;
    let rules = store.rules();
    let sales = SalesData {
        staff: &staff,
        leads: &leads,
        events: &lead_events,
        log: &log,
        members: &members,
        ledger: &ledger,
    };
    let snap = Snapshot::new(
        &members,
        &audit,
        Member::HEADER,
        &ledger,
        &events,
        &registrations,
        sales,
    );
    Ok(periods.map(|p| report::period_report(p, &snap, rules, ctx.today)))
}

/// `report points-aging`: outstanding points by the month they lapse, read
/// from the balances cache (which `data check` proves equal to the ledger).
pub fn points_aging(ctx: &Ctx) -> Result<Vec<AgingRow>> {
    let store = ctx.read()?;
    let accounts: Vec<Account> = store.load()?;
    Ok(points::aging(&accounts, ctx.today, store.rules()))
}
