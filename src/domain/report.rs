//! The period report (月报、季报、年报): one engine for a month, a quarter or
//! a year. A pure function of the period, the records and the rules: the
//! members table and its audit trail, the ledger journal, the events and the
//! leads. Each measure's definition is the doc comment on its field; the
//! same words are in docs/reports.md.
//!
//! Money and points are read from the ledger only, one pass over it; member
//! statuses on past days come from replaying the audit trail, one pass over
//! it.

use super::dates::{add_days, add_months, age_on};
use super::event::{Event, RegStatus, Registration};
use super::event_report;
use super::ledger::{EntryKind, LedgerEntry};
use super::member::{Gender, Member, Status};
use super::money::Cents;
use super::period::Period;
use super::points::Account;
use super::rules::{ClubRules, KpiTarget};
use super::sales::{self, SalesData};
use chrono::{Datelike, NaiveDate};
use std::collections::{BTreeMap, HashMap};

/// One audit line as the report needs it.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditLine {
    pub date: NaiveDate,
    pub record: String,
    pub action: String,
    pub changes: String,
}

/// Everything the report reads. Member histories are replayed from the
/// audit trail once, when the snapshot is made, and serve every period.
pub struct Snapshot<'a> {
    pub members: &'a [Member],
    history: HashMap<&'a str, History>,
    pub ledger: &'a [LedgerEntry],
    pub events: &'a [Event],
    pub registrations: &'a [Registration],
    /// The lead records, for the leads section (see `sales::report`).
    pub sales: SalesData<'a>,
}

impl<'a> Snapshot<'a> {
    /// `audit` is the trail in file order; `member_header` names the member
    /// fields its `changes` use (`Member::HEADER`).
    pub fn new(
        members: &'a [Member],
        audit: &[AuditLine],
        member_header: &[&str],
        ledger: &'a [LedgerEntry],
        events: &'a [Event],
        registrations: &'a [Registration],
        sales: SalesData<'a>,
    ) -> Snapshot<'a> {
        Snapshot {
            members,
            history: histories(members, audit, member_header),
            ledger,
            events,
            registrations,
            sales,
        }
    }
}

/// One `field: old → new` item of an audit line's `changes`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change<'a> {
    pub field: &'a str,
    pub old: &'a str,
    pub new: &'a str,
}

/// Splits the `changes` text written by `store::records::changes` back into
/// its items. The writer names the fields in header order, so an item
/// begins only where a later field of `header` follows `; `: a `; ` inside a
/// value (a note, say) does not split it unless a later field's name and
/// `: ` follow it, which free text could hold; statuses and tiers are read
/// from fields that cannot. The old value ends at the first
/// ` → `. Text that does not follow the format yields the items read so far.
pub fn parse_changes<'a>(text: &'a str, header: &[&'a str]) -> Vec<Change<'a>> {
    // Where each item starts: (offset of the field name, header index).
    let mut starts: Vec<(usize, usize)> = Vec::new();
    let mut next = 0; // the first header index the next item may use
    let mut at = 0; // where the next item may start
    'items: while at <= text.len() {
        for (i, h) in header.iter().enumerate().skip(next) {
            let rest = &text[at..];
            if rest.starts_with(h) && rest[h.len()..].starts_with(": ") {
                starts.push((at, i));
                next = i + 1;
                // The next item starts after a "; " somewhere further on.
                let mut from = at + h.len() + 2;
                while let Some(p) = text[from..].find("; ") {
                    let cand = from + p + 2;
                    let tail = &text[cand..];
                    if header
                        .iter()
                        .skip(next)
                        .any(|h| tail.starts_with(h) && tail[h.len()..].starts_with(": "))
                    {
                        at = cand;
                        continue 'items;
                    }
                    from = cand;
                }
                break 'items;
            }
        }
        break;
    }
    let mut out = Vec::new();
    for (k, &(s, i)) in starts.iter().enumerate() {
        let end = starts.get(k + 1).map_or(text.len(), |&(n, _)| n - 2);
        let body = &text[s + header[i].len() + 2..end];
        let Some((old, new)) = body.split_once(" → ") else {
            break;
        };
        out.push(Change {
            field: header[i],
            old,
            new,
        });
    }
    out
}

fn parse_status(s: &str) -> Option<Status> {
    Status::ALL.into_iter().find(|st| st.as_str() == s)
}

/// A member's statuses and tiers over time, rebuilt from the audit trail.
#[derive(Debug, Default)]
struct History {
    /// (day, status before, status after), in time order.
    status: Vec<(NaiveDate, Option<Status>, Status)>,
    /// (day, tier after), in time order.
    tier: Vec<(NaiveDate, String)>,
    renewals: Vec<NaiveDate>,
}

impl History {
    fn status_on(&self, day: NaiveDate) -> Option<Status> {
        self.status
            .iter()
            .take_while(|(d, _, _)| *d <= day)
            .last()
            .map(|(_, _, s)| *s)
    }

    fn tier_on<'a>(&'a self, day: NaiveDate, current: &'a str) -> &'a str {
        self.tier
            .iter()
            .take_while(|(d, _)| *d <= day)
            .last()
            .map_or(current, |(_, t)| t.as_str())
    }
}

/// In good standing: active, in grace or frozen.
fn good_standing(s: Option<Status>) -> bool {
    matches!(s, Some(Status::Active | Status::Grace | Status::Frozen))
}

/// Replays the audit trail into each member's history. Where the trail
/// stops short of the member record (records made before there was an
/// audit, or a status the trail does not show), the record fills in: the
/// application on `applied`, approval on `joined`, and the present status
/// from `since`.
fn histories<'a>(
    members: &'a [Member],
    audit: &[AuditLine],
    header: &[&str],
) -> HashMap<&'a str, History> {
    let mut out: HashMap<&str, History> = members
        .iter()
        .map(|m| (m.id.as_str(), History::default()))
        .collect();
    for a in audit {
        let Some(h) = out.get_mut(a.record.as_str()) else {
            continue;
        };
        if a.action == "member renew" {
            h.renewals.push(a.date);
        }
        for c in parse_changes(&a.changes, header) {
            match c.field {
                "status" => {
                    if let Some(new) = parse_status(c.new) {
                        h.status.push((a.date, parse_status(c.old), new));
                    }
                }
                "tier" => h.tier.push((a.date, c.new.to_string())),
                _ => {}
            }
        }
    }
    for m in members {
        let Some(h) = out.get_mut(m.id.as_str()) else {
            continue;
        };
        h.status.sort_by_key(|(d, _, _)| *d);
        h.tier.sort_by_key(|(d, _)| *d);
        if h.status.is_empty() {
            h.status.push((m.applied, None, Status::Pending));
            if let Some(j) = m.joined {
                h.status
                    .push((j.max(m.applied), Some(Status::Pending), Status::Active));
            }
        }
        let last = h.status.last().map(|(d, _, s)| (*d, *s));
        if let Some((d, s)) = last {
            if s != m.status {
                h.status.push((m.since.max(d), Some(s), m.status));
            }
        }
    }
    out
}

/// A rate in hundredths of a percent (1250 is 12.50%), rounded half up;
/// `None` when there is nothing to divide by.
fn basis_points(num: i64, den: i64) -> Option<i64> {
    (den > 0).then(|| (2 * num * 10_000 + den) / (2 * den))
}

/// The members section.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MemberFigures {
    /// Members in good standing (active, in grace or frozen) at the close of
    /// the day before the period begins.
    pub at_start: i64,
    /// Members in good standing at the close of the period's last day (of
    /// today, for a period still running).
    pub at_end: i64,
    /// Applications received in the period (records created as pending).
    pub applications: i64,
    /// Members approved in the period: pending to active, or entered
    /// directly as active (an import).
    pub approved: i64,
    /// Applications rejected in the period.
    pub rejected: i64,
    /// Renewals recorded in the period (`member renew`).
    pub renewed: i64,
    /// Members who left in the period (status exited).
    pub exited: i64,
    /// Members removed in the period (status expelled).
    pub expelled: i64,
    /// Memberships that lapsed in the period (status expired, after grace).
    pub expired: i64,
    /// Tiers of the members in good standing at the end; the club's tiers
    /// first, in order, then any other tier found.
    pub tiers: Vec<(String, i64)>,
    /// Members in good standing at the end by gender: male, female, other,
    /// unknown.
    pub gender: [i64; 4],
    /// Members in good standing at the end by age on the period's last day:
    /// 18-25 (younger ones count here too), 26-35, 36-45, 46+, unknown.
    pub ages: [i64; 5],
}

impl MemberFigures {
    /// Growth rate: members approved in the period / members at start.
    pub fn growth_rate(&self) -> Option<i64> {
        basis_points(self.approved, self.at_start)
    }

    /// Churn rate: (exited + expelled + expired) in the period / members at
    /// start.
    pub fn churn_rate(&self) -> Option<i64> {
        basis_points(self.exited + self.expelled + self.expired, self.at_start)
    }
}

pub const GENDERS: [&str; 4] = ["male", "female", "other", "unknown"];
pub const AGE_BANDS: [&str; 5] = ["18-25", "26-35", "36-45", "46+", "unknown"];
pub const SPEND_BANDS: [&str; 4] = ["0-100", "100-500", "500-1000", "1000+"];

/// The activity section.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ActivityFigures {
    /// Members with any spend, earned, granted or redeemed points, or an
    /// event check-in in the period (lapsed or forfeited points are not the
    /// member's doing and do not count).
    pub active: i64,
    /// Spend in the period, net of reversals (a reverse entry's cents).
    pub spend: Cents,
    /// Members with at least one spend entry in the period.
    pub buyers: i64,
    /// Members with two or more spend entries in the period.
    pub repeat_buyers: i64,
    /// Spend in the period of the members with two or more spend entries.
    pub repeat_spend: Cents,
    /// Buyers by their net spend in the period, in yuan: 0-100, 100-500,
    /// 500-1000, 1000+ (each band includes its lower bound).
    pub spend_bands: [i64; 4],
}

impl ActivityFigures {
    /// Activity rate: active members / members in good standing at end.
    pub fn activity_rate(&self, members: &MemberFigures) -> Option<i64> {
        basis_points(self.active, members.at_end)
    }

    /// Spend per active member: spend / active members, rounded half up.
    pub fn spend_per_active(&self) -> Option<Cents> {
        (self.active > 0).then(|| Cents((2 * self.spend.0 + self.active) / (2 * self.active)))
    }

    /// Repurchase rate: members with 2+ spend entries / members with 1+.
    pub fn repurchase_rate(&self) -> Option<i64> {
        basis_points(self.repeat_buyers, self.buyers)
    }

    /// Repeat-purchase amount share: spend of repeat buyers / all spend.
    pub fn repeat_share(&self) -> Option<i64> {
        basis_points(self.repeat_spend.0, self.spend.0)
    }
}

/// The points and stored-value section. Points taken away are counted as
/// positive numbers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PointsFigures {
    /// Points earned by purchases in the period (earn entries).
    pub earned: i64,
    /// Points granted by hand in the period (grant entries).
    pub granted: i64,
    /// Points redeemed in the period (redeem entries).
    pub redeemed: i64,
    /// Points that lapsed in the period (expire entries).
    pub expired: i64,
    /// Points given up on leaving or removal in the period (forfeit entries).
    pub forfeited: i64,
    /// Points held by all members at the close of the period's last day:
    /// every points movement up to that day.
    pub outstanding: i64,
    /// Points due to lapse in the calendar month after the period's last
    /// day: the lots (oldest spent first) as they stand at its close whose
    /// anniversary falls in that month.
    pub due_next_month: i64,
    /// Stored value topped up in the period (recharge entries).
    pub recharged: Cents,
    /// Stored value added by campaigns and referrals (bonus entries).
    pub bonus: Cents,
    /// Stored value paid out in the period, net of refunds back into the
    /// wallet (pay entries).
    pub paid: Cents,
    /// Stored value held at the close of the period's last day.
    pub wallet_outstanding: Cents,
    /// Membership dues collected in the period (dues entries).
    pub dues: Cents,
}

/// The leads section, summed over the salespeople of `sales::report`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LeadFigures {
    /// Leads claimed in the period.
    pub claimed: i64,
    /// Leads converted into members in the period.
    pub converted: i64,
    /// Leads whose protection ran out in the period.
    pub expired: i64,
    /// Leads released in the period.
    pub released: i64,
}

impl LeadFigures {
    /// Conversion rate: converted / leads closed (converted, released or
    /// expired) in the period.
    pub fn conversion_rate(&self) -> Option<i64> {
        basis_points(
            self.converted,
            self.converted + self.released + self.expired,
        )
    }
}

/// The whole report for one period.
#[derive(Debug, Clone, PartialEq)]
pub struct PeriodReport {
    pub period: Period,
    /// The last day counted: the period's end, or today.
    pub last_day: NaiveDate,
    pub members: MemberFigures,
    pub activity: ActivityFigures,
    pub points: PointsFigures,
    pub leads: LeadFigures,
    /// Events touching the period, as the events report counts them.
    pub events: event_report::EventFigures,
}

/// The report for `period` as of `today`. Records dated after the period's
/// last day are not counted, so a past period reads the same later on.
pub fn period_report(
    period: &Period,
    snap: &Snapshot,
    rules: &ClubRules,
    today: NaiveDate,
) -> PeriodReport {
    let last = period.last_day(today);
    let before = super::dates::add_days(period.start, -1);
    let in_period = |d: NaiveDate| period.start <= d && d <= last;

    // Members.
    let mut mf = MemberFigures::default();
    let mut tiers: BTreeMap<String, i64> = BTreeMap::new();
    for m in snap.members {
        let Some(h) = snap.history.get(m.id.as_str()) else {
            continue;
        };
        if good_standing(h.status_on(before)) {
            mf.at_start += 1;
        }
        for &(_, from, to) in h.status.iter().filter(|(d, _, _)| in_period(*d)) {
            match (from, to) {
                (None, Status::Pending) => mf.applications += 1,
                (None | Some(Status::Pending), Status::Active) => mf.approved += 1,
                (_, Status::Rejected) => mf.rejected += 1,
                (_, Status::Exited) => mf.exited += 1,
                (_, Status::Expelled) => mf.expelled += 1,
                (_, Status::Expired) => mf.expired += 1,
                _ => {}
            }
        }
        mf.renewed += h.renewals.iter().filter(|d| in_period(**d)).count() as i64;
        if good_standing(h.status_on(last)) {
            mf.at_end += 1;
            *tiers
                .entry(h.tier_on(last, &m.tier).to_string())
                .or_default() += 1;
            mf.gender[match m.gender {
                Some(Gender::Male) => 0,
                Some(Gender::Female) => 1,
                Some(Gender::Other) => 2,
                None => 3,
            }] += 1;
            mf.ages[match m.birthday.map(|b| age_on(b, last)) {
                Some(a) if a <= 25 => 0,
                Some(26..=35) => 1,
                Some(36..=45) => 2,
                Some(_) => 3,
                None => 4,
            }] += 1;
        }
    }
    for t in &rules.tiers {
        let n = tiers.remove(&t.name).unwrap_or(0);
        mf.tiers.push((t.name.clone(), n));
    }
    mf.tiers.extend(tiers);

    // Activity, points and money: one pass over the ledger.
    let mut pf = PointsFigures::default();
    let mut af = ActivityFigures::default();
    // Per member in the period: (spend entries, net spend, active).
    let mut per: HashMap<&str, (i64, i64, bool)> = HashMap::new();
    // Each member's lots as they stand at the close of the last day.
    let mut lots: HashMap<&str, Account> = HashMap::new();
    for e in snap.ledger.iter().filter(|e| e.date <= last) {
        pf.outstanding += e.points;
        if e.points != 0 {
            // An overdrawn entry is `data check`'s to report; the report
            // takes what the lots held.
            let _ = lots
                .entry(e.member.as_str())
                .or_insert_with(|| Account::new(&e.member))
                .apply(e);
        }
        if matches!(
            e.kind,
            EntryKind::Recharge | EntryKind::Bonus | EntryKind::Pay
        ) {
            pf.wallet_outstanding.0 += e.cents.0;
        }
        if e.date < period.start {
            continue;
        }
        let m = per.entry(e.member.as_str()).or_default();
        match e.kind {
            EntryKind::Spend => {
                m.0 += 1;
                m.1 += e.cents.0;
                m.2 = true;
                af.spend.0 += e.cents.0;
            }
            EntryKind::Reverse => {
                m.1 += e.cents.0;
                af.spend.0 += e.cents.0;
            }
            EntryKind::Earn => {
                pf.earned += e.points;
                m.2 = true;
            }
            EntryKind::Grant => {
                pf.granted += e.points;
                m.2 = true;
            }
            EntryKind::Redeem => {
                pf.redeemed -= e.points;
                m.2 = true;
            }
            EntryKind::Expire => pf.expired -= e.points,
            EntryKind::Forfeit => pf.forfeited -= e.points,
            EntryKind::Recharge => pf.recharged.0 += e.cents.0,
            EntryKind::Bonus => pf.bonus.0 += e.cents.0,
            EntryKind::Pay => pf.paid.0 -= e.cents.0,
            EntryKind::Dues => pf.dues.0 += e.cents.0,
            EntryKind::Fee => {}
        }
    }
    let month_start = last.with_day(1).unwrap_or(last);
    let next_start = add_months(month_start, 1);
    let next_end = add_days(add_months(month_start, 2), -1);
    pf.due_next_month = lots
        .values()
        .flat_map(|a| a.lots.0.iter())
        .filter(|l| (next_start..=next_end).contains(&l.expires(rules)))
        .map(|l| l.points)
        .sum();
    for r in snap.registrations {
        if r.status == RegStatus::Attended && r.attended.is_some_and(in_period) {
            per.entry(r.member.as_str()).or_default().2 = true;
        }
    }
    for (count, spend, active) in per.values() {
        af.active += i64::from(*active);
        if *count >= 1 {
            af.buyers += 1;
            af.spend_bands[match *spend {
                s if s < 10_000 => 0,
                s if s < 50_000 => 1,
                s if s < 100_000 => 2,
                _ => 3,
            }] += 1;
        }
        if *count >= 2 {
            af.repeat_buyers += 1;
            af.repeat_spend.0 += spend;
        }
    }

    // Leads: the sales report's figures, summed.
    let mut lf = LeadFigures::default();
    let lead_period = Period {
        end: last,
        ..period.clone()
    };
    for r in sales::report(&lead_period, &snap.sales, rules) {
        lf.claimed += i64::from(r.claimed);
        lf.converted += i64::from(r.converted);
        lf.expired += i64::from(r.expired);
        lf.released += i64::from(r.released);
    }

    // Events touching the period, counted as the events report counts them.
    let touching: Vec<Event> = snap
        .events
        .iter()
        .filter(|e| period.overlaps(e.date, e.last_day()))
        .cloned()
        .collect();
    let ef = event_report::report(&touching, snap.registrations, None, last).total;

    PeriodReport {
        period: period.clone(),
        last_day: last,
        members: mf,
        activity: af,
        points: pf,
        leads: lf,
        events: ef,
    }
}

/// The period to put beside `period`: `compare` when given (same span and
/// earlier), else the one just before.
pub fn compare_with(period: &Period, compare: Option<Period>) -> super::error::Result<Period> {
    let Some(c) = compare else {
        return Ok(period.previous());
    };
    if c.span != period.span {
        return Err(super::DomainError::Invalid(format!(
            "--compare {} is a {}, but the report is for a {}; compare with a {} such as {}",
            c.label,
            c.span.as_str(),
            period.span.as_str(),
            period.span.as_str(),
            period.previous().label
        )));
    }
    if c.start >= period.start {
        return Err(super::DomainError::Invalid(format!(
            "--compare {} is not earlier than {}; compare with an earlier {}, such as {}",
            c.label,
            period.label,
            period.span.as_str(),
            period.previous().label
        )));
    }
    Ok(c)
}

/// How a figure reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Value {
    Count(i64),
    Money(Cents),
    /// A rate in hundredths of a percent; `None` when undefined.
    Rate(Option<i64>),
    /// A score in hundredths (450 is 4.50); `None` when unscored.
    Score(Option<i64>),
}

impl Value {
    /// The value as the CSV and the tables write it: `12`, `128.50`,
    /// `12.50` (percent), `4.50`; empty when undefined.
    pub fn text(self) -> String {
        match self {
            Value::Count(n) => n.to_string(),
            Value::Money(c) => c.to_string(),
            Value::Rate(Some(v)) | Value::Score(Some(v)) => Cents(v).to_string(),
            Value::Rate(None) | Value::Score(None) => String::new(),
        }
    }

    /// This value less an earlier one (percentage points for rates); `None`
    /// when either is undefined or the kinds differ.
    pub fn change(self, earlier: Value) -> Option<Value> {
        match (self, earlier) {
            (Value::Count(a), Value::Count(b)) => Some(Value::Count(a - b)),
            (Value::Money(a), Value::Money(b)) => Some(Value::Money(Cents(a.0 - b.0))),
            (Value::Rate(Some(a)), Value::Rate(Some(b))) => Some(Value::Rate(Some(a - b))),
            (Value::Score(Some(a)), Value::Score(Some(b))) => Some(Value::Score(Some(a - b))),
            _ => None,
        }
    }
}

/// One line of the report: its section, its measure's stable name, value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Figure {
    pub section: &'static str,
    pub measure: String,
    pub value: Value,
}

impl PeriodReport {
    /// Every figure in a fixed order; the names are the CSV's `measure`.
    pub fn figures(&self) -> Vec<Figure> {
        let mut out = Vec::new();
        let mut put = |section: &'static str, measure: &str, value: Value| {
            out.push(Figure {
                section,
                measure: measure.to_string(),
                value,
            })
        };
        let m = &self.members;
        use Value::{Count, Money, Rate, Score};
        put("members", "at_start", Count(m.at_start));
        put("members", "at_end", Count(m.at_end));
        put("members", "applications", Count(m.applications));
        put("members", "approved", Count(m.approved));
        put("members", "rejected", Count(m.rejected));
        put("members", "renewed", Count(m.renewed));
        put("members", "exited", Count(m.exited));
        put("members", "expelled", Count(m.expelled));
        put("members", "expired", Count(m.expired));
        put("members", "growth_rate_pct", Rate(m.growth_rate()));
        put("members", "churn_rate_pct", Rate(m.churn_rate()));
        for (t, n) in &m.tiers {
            put("members", &format!("tier_{t}"), Count(*n));
        }
        for (g, n) in GENDERS.iter().zip(m.gender) {
            put("members", &format!("gender_{g}"), Count(n));
        }
        for (b, n) in AGE_BANDS.iter().zip(m.ages) {
            put("members", &format!("age_{b}"), Count(n));
        }
        let a = &self.activity;
        put("activity", "active", Count(a.active));
        put("activity", "activity_rate_pct", Rate(a.activity_rate(m)));
        put("activity", "spend", Money(a.spend));
        match a.spend_per_active() {
            Some(c) => put("activity", "spend_per_active", Money(c)),
            None => put("activity", "spend_per_active", Rate(None)),
        }
        for (b, n) in SPEND_BANDS.iter().zip(a.spend_bands) {
            put("activity", &format!("spend_{b}"), Count(n));
        }
        put("activity", "buyers", Count(a.buyers));
        put("activity", "repeat_buyers", Count(a.repeat_buyers));
        put("activity", "repurchase_rate_pct", Rate(a.repurchase_rate()));
        put("activity", "repeat_spend_share_pct", Rate(a.repeat_share()));
        let p = &self.points;
        put("points", "earned", Count(p.earned));
        put("points", "granted", Count(p.granted));
        put("points", "redeemed", Count(p.redeemed));
        put("points", "expired", Count(p.expired));
        put("points", "forfeited", Count(p.forfeited));
        put("points", "outstanding", Count(p.outstanding));
        put("points", "due_next_month", Count(p.due_next_month));
        put("points", "wallet_recharged", Money(p.recharged));
        put("points", "wallet_bonus", Money(p.bonus));
        put("points", "wallet_paid", Money(p.paid));
        put("points", "wallet_outstanding", Money(p.wallet_outstanding));
        put("points", "dues", Money(p.dues));
        let l = &self.leads;
        put("leads", "claimed", Count(l.claimed));
        put("leads", "converted", Count(l.converted));
        put("leads", "expired", Count(l.expired));
        put("leads", "conversion_rate_pct", Rate(l.conversion_rate()));
        let e = &self.events;
        put("events", "held", Count(i64::from(e.held)));
        put("events", "registrations", Count(i64::from(e.registrations)));
        put(
            "events",
            "attendance_rate_pct",
            Rate(basis_points(i64::from(e.attended), i64::from(e.expected))),
        );
        put("events", "satisfaction", Score(e.satisfaction_hundredths()));
        put("events", "budget", Money(e.budget));
        put("events", "cost", Money(e.cost));
        put("events", "over_budget", Money(e.variance()));
        out
    }
}

/// One line of the KPI scorecard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KpiLine {
    pub measure: &'static str,
    /// The actual figure in hundredths (percent for rates, the score for
    /// satisfaction, a count for events); `None` when undefined.
    pub actual: Option<i64>,
    pub target: i64,
    pub weight: i64,
    /// Actual / target in hundredths of a percent, capped at 100%
    /// (an undefined actual attains nothing).
    pub attainment: i64,
    /// Attainment x weight, in hundredths of a point.
    pub score: i64,
}

/// The member department's scorecard for the period: each `[kpi]` measure's
/// actual against its target, attainment capped at 100%, weighted score;
/// the total is the sum of the scores, out of 100.
pub fn kpi(r: &PeriodReport, rules: &ClubRules) -> (Vec<KpiLine>, i64) {
    let e = &r.events;
    let actual = |name: &str| -> Option<i64> {
        match name {
            "member_growth" => r.members.growth_rate(),
            "satisfaction" => e.satisfaction_hundredths(),
            "events" => Some(i64::from(e.held) * 100),
            "activity" => r.activity.activity_rate(&r.members),
            "repurchase" => r.activity.repurchase_rate(),
            _ => None,
        }
    };
    let mut total = 0;
    let lines = rules
        .kpi
        .measures()
        .into_iter()
        .map(|(name, KpiTarget { target, weight })| {
            let actual = actual(name);
            let target = i64::from(target.0);
            let attainment = actual.map_or(0, |a| (a.max(0) * 10_000 / target).min(10_000));
            let score = attainment * i64::from(weight) / 100;
            total += score;
            KpiLine {
                measure: name,
                actual,
                target,
                weight: i64::from(weight),
                attainment,
                score,
            }
        })
        .collect();
    (lines, total)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::records::changes;
    use crate::store::Record;

    #[test]
    fn changes_parse_back_what_the_writer_wrote() {
        let h = Member::HEADER;
        let c = parse_changes("status: active → grace; since: 2026-11-01 → 2026-12-02", h);
        assert_eq!(
            c,
            [
                Change {
                    field: "status",
                    old: "active",
                    new: "grace"
                },
                Change {
                    field: "since",
                    old: "2026-11-01",
                    new: "2026-12-02"
                }
            ]
        );
        // A "; " in a value followed by an earlier field's name is not a
        // split: fields come in header order.
        let c = parse_changes(
            "name:  → Li; id: x; status:  → pending; note:  → a; tier: b",
            h,
        );
        assert_eq!(c.len(), 3);
        assert_eq!((c[1].field, c[1].old, c[1].new), ("status", "", "pending"));
        assert_eq!(c[0].new, "Li; id: x");
        assert_eq!(c[2].new, "a; tier: b");
        assert!(parse_changes("", h).is_empty());
        assert!(parse_changes("nonsense", h).is_empty());
    }

    #[test]
    fn changes_round_trip_through_the_writer() {
        let before = Member {
            id: "M000001".into(),
            name: "王; id: x → y".into(),
            phone: "13800000000".into(),
            email: String::new(),
            gender: None,
            birthday: None,
            kind: Default::default(),
            nominee: String::new(),
            referrer: String::new(),
            source: String::new(),
            sales: String::new(),
            status: Status::Pending,
            tier: "basic".into(),
            card: String::new(),
            applied: "2026-11-01".parse().unwrap(),
            joined: None,
            expires: None,
            since: "2026-11-01".parse().unwrap(),
            reason: String::new(),
            note: String::new(),
        };
        let mut after = before.clone();
        after.status = Status::Active;
        after.tier = "silver".into();
        after.note = "ok; tier: a → b".into();
        let text = changes(Some(&before), &after);
        let c = parse_changes(&text, Member::HEADER);
        let find = |f: &str| c.iter().find(|c| c.field == f).map(|c| (c.old, c.new));
        assert_eq!(find("status"), Some(("pending", "active")));
        assert_eq!(find("tier"), Some(("basic", "silver")));
        assert_eq!(find("note"), Some(("", "ok; tier: a → b")));
        let created = changes(None, &before);
        let c = parse_changes(&created, Member::HEADER);
        let find = |f: &str| c.iter().find(|c| c.field == f).map(|c| (c.old, c.new));
        assert_eq!(find("status"), Some(("", "pending")));
        assert_eq!(find("name"), Some(("", "王; id: x → y")));
    }

    #[test]
    fn a_member_without_audit_lines_is_dated_by_the_record() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        let mut m = Member {
            id: "M000001".into(),
            name: "x".into(),
            phone: "13800000000".into(),
            email: String::new(),
            gender: None,
            birthday: None,
            kind: Default::default(),
            nominee: String::new(),
            referrer: String::new(),
            source: String::new(),
            sales: String::new(),
            status: Status::Expired,
            tier: "gold".into(),
            card: String::new(),
            applied: d("2024-11-26"),
            joined: Some(d("2024-12-02")),
            expires: Some(d("2025-12-02")),
            since: d("2026-01-02"),
            reason: String::new(),
            note: String::new(),
        };
        let members = [m.clone()];
        let h = histories(&members, &[], Member::HEADER);
        let h = &h["M000001"];
        assert_eq!(h.status_on(d("2024-11-25")), None);
        assert_eq!(h.status_on(d("2024-11-26")), Some(Status::Pending));
        assert_eq!(h.status_on(d("2024-12-02")), Some(Status::Active));
        assert_eq!(h.status_on(d("2026-01-01")), Some(Status::Active));
        assert_eq!(h.status_on(d("2026-01-02")), Some(Status::Expired));
        assert_eq!(h.tier_on(d("2025-01-01"), &m.tier), "gold");

        // With the trail: its lines decide, and the record only adds the
        // step the trail does not show.
        m.status = Status::Grace;
        m.since = d("2025-12-03");
        let audit = [
            AuditLine {
                date: d("2024-11-26"),
                record: "M000001".into(),
                action: "member add".into(),
                changes: "id:  → M000001; status:  → pending; tier:  → basic".into(),
            },
            AuditLine {
                date: d("2024-12-10"),
                record: "M000001".into(),
                action: "member approve".into(),
                changes: "status: pending → active; tier: basic → gold".into(),
            },
        ];
        let members = [m.clone()];
        let h = histories(&members, &audit, Member::HEADER);
        let h = &h["M000001"];
        assert_eq!(h.status_on(d("2024-12-09")), Some(Status::Pending));
        assert_eq!(h.status_on(d("2024-12-10")), Some(Status::Active));
        assert_eq!(h.status_on(d("2025-12-03")), Some(Status::Grace));
        assert_eq!(h.tier_on(d("2024-12-09"), &m.tier), "basic");
        assert_eq!(h.tier_on(d("2024-12-10"), &m.tier), "gold");
    }

    #[test]
    fn rates_round_half_up() {
        assert_eq!(basis_points(1, 3), Some(3333));
        assert_eq!(basis_points(2, 3), Some(6667));
        assert_eq!(basis_points(1, 0), None);
        assert_eq!(Value::Rate(Some(1250)).text(), "12.50");
        assert_eq!(Value::Rate(None).text(), "");
    }
}
