//! The period report (月报、季报、年报): one engine for a month, a quarter or
//! a year. A pure function of the periods, the records and the rules: the
//! members table and its audit trail, the ledger journal, the events and the
//! leads. Each measure's definition is the doc comment on its field; the
//! same words are in the README's report section.
//!
//! The engine is fed, not handed slices, so that a million members fit in
//! a small, fixed amount of memory and a month's report costs that month's
//! activity rather than the length of history:
//!
//! 1. it starts from a *closing* (`ClosingRow`s): each member's status,
//!    tier, points lots and wallet at the close of a month end before the
//!    periods, or from nothing;
//! 2. it is fed the journal lines dated after that close (`audit`,
//!    `ledger`), keeping only the members those lines touch, and the event
//!    check-ins (`checkin`, at any time before `finish`);
//! 3. it is fed each member once, with its closing row (`member`), and
//!    counts that member into every period there and then;
//! 4. `finish` adds the leads and events sections.
//!
//! Fed from no closing and every line, it is the whole-history report; a
//! closing is the same fold stopped at a month end and written down, so
//! both roads give the same figures (a test in `tests/cli/reports.rs`
//! holds them to it).

use super::dates::{add_days, add_months, age_on};
use super::event::{Event, Registration};
use super::event_report;
use super::lead::{EventKind as LeadEventKind, LeadEvent};
use super::ledger::EntryKind;
use super::member::{Gender, Member, Status};
use super::money::Cents;
use super::period::Period;
use super::points::{Lots, PointsLot};
use super::rules::{ClubRules, KpiTarget};
use chrono::{Datelike, NaiveDate};
use memchr::memmem::Finder;
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};
use std::sync::LazyLock;

/// One audit line as the report needs it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AuditLine<'a> {
    pub date: NaiveDate,
    pub record: &'a str,
    pub action: &'a str,
    pub changes: &'a str,
}

/// One ledger entry as the report needs it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EntryLine<'a> {
    pub date: NaiveDate,
    pub kind: EntryKind,
    pub member: &'a str,
    pub cents: i64,
    pub points: i64,
}

/// A member record as the report needs it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MemberFacts<'a> {
    pub id: &'a str,
    pub gender: Option<Gender>,
    pub birthday: Option<NaiveDate>,
    pub status: Status,
    pub tier: &'a str,
    pub applied: NaiveDate,
    pub joined: Option<NaiveDate>,
    pub since: NaiveDate,
}

impl<'a> MemberFacts<'a> {
    pub fn of(m: &'a Member) -> MemberFacts<'a> {
        MemberFacts {
            id: &m.id,
            gender: m.gender,
            birthday: m.birthday,
            status: m.status,
            tier: &m.tier,
            applied: m.applied,
            joined: m.joined,
            since: m.since,
        }
    }
}

/// One member's line of a closing: where the member stood at the close of
/// the closing's day, as the report engine had worked it out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClosingRow {
    pub member: String,
    pub status: Status,
    pub tier: String,
    /// Every points movement up to the close, summed.
    pub points: i64,
    /// Stored value held: recharges, bonuses and payments, summed.
    pub wallet: Cents,
    /// Unspent points by the month they were earned, oldest first, each
    /// dated the first of its month. Spending takes the oldest first, so
    /// merging a month's lots changes no month's remainder, and a lot
    /// lapses in the month its earliest day would.
    pub lots: Lots,
}

impl ClosingRow {
    pub const HEADER: &'static [&'static str] =
        &["member", "status", "tier", "points", "wallet", "lots"];

    /// A row to read into.
    pub fn blank() -> ClosingRow {
        ClosingRow {
            member: String::new(),
            status: Status::Active,
            tier: String::new(),
            points: 0,
            wallet: Cents::ZERO,
            lots: Lots::default(),
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
    static SEP: LazyLock<Finder> = LazyLock::new(|| Finder::new("; "));
    static ARROW: LazyLock<Finder> = LazyLock::new(|| Finder::new(" → "));
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
                while let Some(p) = SEP.find(&text.as_bytes()[from..]) {
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
        let Some(p) = ARROW.find(body.as_bytes()) else {
            break;
        };
        let (old, new) = (&body[..p], &body[p + ARROW.needle().len()..]);
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

/// A member's statuses and tiers over time: where the closing left the
/// member, then the audit trail after it.
#[derive(Debug, Default)]
struct History<'a> {
    /// The closing's (day, status, tier), if it holds the member.
    start: Option<(NaiveDate, Status, &'a str)>,
    /// (day, status before, status after), in time order.
    status: Vec<(NaiveDate, Option<Status>, Status)>,
    /// (day, tier after), in time order.
    tier: Vec<(NaiveDate, Box<str>)>,
    renewals: Vec<NaiveDate>,
}

impl<'a> History<'a> {
    fn status_on(&self, day: NaiveDate) -> Option<Status> {
        self.status
            .iter()
            .take_while(|(d, _, _)| *d <= day)
            .last()
            .map(|(_, _, s)| *s)
            .or_else(|| self.start.filter(|(d, _, _)| *d <= day).map(|(_, s, _)| s))
    }

    fn tier_on<'s>(&'s self, day: NaiveDate, current: &'s str) -> &'s str {
        self.tier
            .iter()
            .take_while(|(d, _)| *d <= day)
            .last()
            .map(|(_, t)| &**t)
            .or_else(|| self.start.filter(|(d, _, _)| *d <= day).map(|(_, _, t)| t))
            .unwrap_or(current)
    }

    /// Completes the history of member `m`. Where the trail stops short of
    /// the record (records made before there was an audit, or a status the
    /// trail does not show), the record fills in: the application on
    /// `applied`, approval on `joined`, and the present status from
    /// `since`.
    fn complete(&mut self, m: &MemberFacts) {
        self.status.sort_by_key(|(d, _, _)| *d);
        self.tier.sort_by_key(|(d, _)| *d);
        if self.status.is_empty() && self.start.is_none() {
            self.status.push((m.applied, None, Status::Pending));
            if let Some(j) = m.joined {
                self.status
                    .push((j.max(m.applied), Some(Status::Pending), Status::Active));
            }
        }
        let last = self.status.last().map(|(d, _, s)| (*d, *s));
        if let Some((d, s)) = last.or(self.start.map(|(d, s, _)| (d, s))) {
            if s != m.status {
                self.status.push((m.since.max(d), Some(s), m.status));
            }
        }
    }
}

/// What the journals after the closing hold for one member: where in
/// `Engine::histories` and `Engine::moves` to find it (`NONE` for
/// nothing). Small, since a million members may have one; few have a
/// history after the closing.
#[derive(Debug, Clone, Copy)]
struct Tail {
    history: u32,
    /// The member's first and last points or wallet movements.
    first: u32,
    last: u32,
}

impl Default for Tail {
    fn default() -> Tail {
        Tail {
            history: NONE,
            first: NONE,
            last: NONE,
        }
    }
}

/// No history or movement.
const NONE: u32 = u32::MAX;

/// A points or wallet movement, linked to the same member's next one: all
/// members' movements sit in one vector, in journal order, so none needs
/// an allocation of its own.
#[derive(Debug, Clone, Copy)]
struct Move {
    date: NaiveDate,
    points: i64,
    /// Cents into the wallet.
    wallet: i64,
    next: u32,
}

/// A member's movements in journal order, following the links.
struct Chain<'m> {
    moves: &'m [Move],
    at: u32,
}

impl<'m> Iterator for Chain<'m> {
    type Item = &'m Move;

    fn next(&mut self) -> Option<&'m Move> {
        let m = self.moves.get(self.at as usize)?;
        self.at = m.next;
        Some(m)
    }
}

/// In good standing: active, in grace or frozen.
fn good_standing(s: Option<Status>) -> bool {
    matches!(s, Some(Status::Active | Status::Grace | Status::Frozen))
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

/// A journal line dated on or before the closing's day, found after the
/// closing's end: the journal is out of date order there, so the closing
/// does not hold and the report must start from the beginning.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stale {
    pub date: NaiveDate,
}

/// One period being counted.
struct Slot {
    period: Period,
    /// The last day counted: the period's end, or today.
    last: NaiveDate,
    /// The day before the period begins.
    before: NaiveDate,
    mf: MemberFigures,
    tiers: Vec<(String, i64)>,
    af: ActivityFigures,
    pf: PointsFigures,
    /// Per member touched (by `Engine::id` number) in the period: (spend
    /// entries, net spend, active).
    per: Vec<(u32, i64, bool)>,
    /// The calendar month whose lots lapse in the month after the last
    /// day, for `due_next_month`: a lot lapses in the month
    /// `validity_months` after the month it was earned in (29 February
    /// lapses on 28 February).
    due_earned: (NaiveDate, NaiveDate),
}

impl Slot {
    fn new(period: &Period, today: NaiveDate, rules: &ClubRules) -> Slot {
        let last = period.last_day(today);
        let month_start = last.with_day(1).unwrap_or(last);
        let earned = add_months(month_start, 1)
            .checked_sub_months(chrono::Months::new(rules.points.validity_months))
            .unwrap_or(NaiveDate::MIN);
        Slot {
            period: period.clone(),
            last,
            before: add_days(period.start, -1),
            mf: MemberFigures::default(),
            tiers: Vec::new(),
            af: ActivityFigures::default(),
            pf: PointsFigures::default(),
            per: Vec::new(),
            due_earned: (earned, add_days(add_months(earned, 1), -1)),
        }
    }

    /// What of `lots` lapses in the month after the last day.
    fn due(&self, lots: &Lots) -> i64 {
        let (from, to) = self.due_earned;
        lots.0
            .iter()
            .skip_while(|l| l.earned < from)
            .take_while(|l| l.earned <= to)
            .map(|l| l.points)
            .sum()
    }

    fn counts(&self, d: NaiveDate) -> bool {
        self.period.start <= d && d <= self.last
    }

    /// Counts one member into the members section.
    fn member(&mut self, m: &MemberFacts, h: &History) {
        let mf = &mut self.mf;
        if good_standing(h.status_on(self.before)) {
            mf.at_start += 1;
        }
        let (start, last) = (self.period.start, self.last);
        for &(_, from, to) in h
            .status
            .iter()
            .filter(|(d, _, _)| start <= *d && *d <= last)
        {
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
        mf.renewed += h
            .renewals
            .iter()
            .filter(|d| start <= **d && **d <= last)
            .count() as i64;
        if !good_standing(h.status_on(last)) {
            return;
        }
        mf.at_end += 1;
        let tier = h.tier_on(last, m.tier);
        match self.tiers.iter_mut().find(|(t, _)| t == tier) {
            Some((_, n)) => *n += 1,
            None => self.tiers.push((tier.to_string(), 1)),
        }
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

/// Member ids numbered in the order met. Member ids are `ID_PREFIX` and
/// digits (`M000123`): those are keyed by their digits and length, with no
/// allocation and no hashing: a table indexed by the number, which
/// remembers the digits' count so `M0123` and `M000123` stay apart; any
/// other id (another record's, in the audit trail, or a number too large
/// for the table) by its text.
#[derive(Default)]
struct Ids {
    /// By number: (digit count, member's index + 1; 0 for none).
    by_number: Vec<(u8, u32)>,
    by_text: FxHashMap<Box<str>, u32>,
}

/// Numbers above this are looked up by text (the table would be too big).
const DENSE_MAX: u64 = 1 << 26;

impl Ids {
    /// The table slot of `id` and its digit count, when it is the member
    /// prefix followed by digits.
    fn number(&self, id: &str) -> Option<(usize, u8)> {
        let digits = id.strip_prefix(super::member::ID_PREFIX)?;
        let n = super::dates::digits(digits.as_bytes())? as u64;
        (n <= DENSE_MAX).then_some((n as usize, digits.len() as u8))
    }

    fn get(&self, id: &str) -> Option<u32> {
        if let Some((n, width)) = self.number(id) {
            match self.by_number.get(n) {
                Some(&(w, i)) if w == width && i > 0 => return Some(i - 1),
                Some(&(w, _)) if w == width || w == 0 => return None,
                _ if n >= self.by_number.len() => return None,
                _ => {}
            }
        }
        self.by_text.get(id).copied()
    }

    /// The number of `id`, given `next` when it is new.
    fn get_or_insert(&mut self, id: &str, next: u32) -> u32 {
        if let Some((n, width)) = self.number(id) {
            if n >= self.by_number.len() {
                self.by_number.resize(n + 1, (0, 0));
            }
            let slot = &mut self.by_number[n];
            if slot.0 == 0 {
                *slot = (width, next + 1);
                return next;
            }
            if slot.0 == width {
                return slot.1 - 1;
            }
        }
        *self.by_text.entry(id.into()).or_insert(next)
    }
}

/// Whether an audit line can change a report: a step on a member (a
/// `member ...` command or `tier recompute`; another record's line, such as
/// a card's, cannot, even if a card number happened to read like a member
/// id) that renews or changes status or tier. Works on bytes so a scan can
/// skip the rest unread.
pub fn audit_matters(action: &[u8], changes: &[u8]) -> bool {
    static STATUS: LazyLock<Finder> = LazyLock::new(|| Finder::new("status: "));
    static TIER: LazyLock<Finder> = LazyLock::new(|| Finder::new("tier: "));
    (action.starts_with(b"member ") || action == b"tier recompute")
        && (action == b"member renew"
            || STATUS.find(changes).is_some()
            || TIER.find(changes).is_some())
}

/// The report engine; see the module documentation for the order it is
/// fed in. Each period is counted as of `today`: records dated after its
/// last day are not counted, so a past period reads the same later on.
pub struct Engine<'r> {
    rules: &'r ClubRules,
    /// The closing's day: every journal line fed must be dated after it.
    base: Option<NaiveDate>,
    /// The day to write a new closing for, if any.
    close_at: Option<NaiveDate>,
    slots: Vec<Slot>,
    /// The slots' numbers, by their last day.
    by_last: Vec<usize>,
    /// Lines dated after this day change nothing asked for.
    latest: NaiveDate,
    /// Members the journals touched, numbered.
    ids: Ids,
    /// Every points or wallet movement fed, in journal order.
    moves: Vec<Move>,
    tails: Vec<Tail>,
    /// The histories after the closing of the members who have one.
    histories: Vec<History<'static>>,
}

impl<'r> Engine<'r> {
    /// An engine for `periods` (each must begin after `base`), starting
    /// from the closing of `base` (none: from the beginning), and writing
    /// the closing of `close_at` when given.
    pub fn new(
        periods: &[Period],
        base: Option<NaiveDate>,
        close_at: Option<NaiveDate>,
        rules: &'r ClubRules,
        today: NaiveDate,
    ) -> Engine<'r> {
        let slots: Vec<Slot> = periods.iter().map(|p| Slot::new(p, today, rules)).collect();
        let mut by_last: Vec<usize> = (0..slots.len()).collect();
        by_last.sort_by_key(|&k| slots[k].last);
        let latest = slots
            .iter()
            .map(|s| s.last)
            .chain(close_at)
            .max()
            .unwrap_or(today);
        Engine {
            rules,
            base,
            close_at,
            slots,
            by_last,
            latest,
            ids: Ids::default(),
            moves: Vec::new(),
            tails: Vec::new(),
            histories: Vec::new(),
        }
    }

    /// The earliest day the periods need the closing to precede.
    pub fn first_day(periods: &[Period]) -> Option<NaiveDate> {
        periods.iter().map(|p| p.start).min()
    }

    fn id(&mut self, member: &str) -> usize {
        let next = self.tails.len() as u32;
        let i = self.ids.get_or_insert(member, next);
        if i == next {
            self.tails.push(Tail::default());
        }
        i as usize
    }

    fn fresh(&self, date: NaiveDate) -> Result<bool, Stale> {
        if self.base.is_some_and(|b| date <= b) {
            return Err(Stale { date });
        }
        Ok(date <= self.latest)
    }

    /// Checks the date of a journal line left out (see `audit_matters`)
    /// against the closing.
    pub fn audit_date(&self, date: NaiveDate) -> Result<(), Stale> {
        self.fresh(date).map(|_| ())
    }

    /// Feeds one audit line; lines must come in file order. A line for
    /// which `audit_matters` is false may be left out (its date is then not
    /// checked against the closing). `fields` are the member's field names
    /// in the order its `changes` lists them (see `parse_changes`).
    pub fn audit(&mut self, a: &AuditLine, fields: &[&str]) -> Result<(), Stale> {
        if !self.fresh(a.date)? {
            return Ok(());
        }
        if !audit_matters(a.action.as_bytes(), a.changes.as_bytes()) {
            return Ok(());
        }
        let renewal = a.action == "member renew";
        let i = self.id(a.record);
        let t = &mut self.tails[i];
        if t.history == NONE {
            t.history = self.histories.len() as u32;
            self.histories.push(History::default());
        }
        let h = &mut self.histories[t.history as usize];
        if renewal {
            h.renewals.push(a.date);
        }
        for c in parse_changes(a.changes, fields) {
            match c.field {
                "status" => {
                    if let Some(new) = parse_status(c.new) {
                        h.status.push((a.date, parse_status(c.old), new));
                    }
                }
                "tier" => h.tier.push((a.date, c.new.into())),
                _ => {}
            }
        }
        Ok(())
    }

    /// Feeds one ledger entry; entries must come in file order.
    pub fn ledger(&mut self, e: &EntryLine) -> Result<(), Stale> {
        if !self.fresh(e.date)? {
            return Ok(());
        }
        let wallet = match e.kind {
            EntryKind::Recharge | EntryKind::Bonus | EntryKind::Pay => e.cents,
            _ => 0,
        };
        let in_some = self.slots.iter().any(|s| s.counts(e.date));
        let keep = e.points != 0 || (wallet != 0 && self.close_at.is_some());
        if !keep && !in_some {
            for s in self.slots.iter_mut().filter(|s| e.date <= s.last) {
                s.pf.wallet_outstanding.0 += wallet;
            }
            return Ok(());
        }
        let i = self.id(e.member);
        if keep {
            let k = self.moves.len() as u32;
            self.moves.push(Move {
                date: e.date,
                points: e.points,
                wallet,
                next: NONE,
            });
            let t = &mut self.tails[i];
            match t.last {
                NONE => t.first = k,
                last => self.moves[last as usize].next = k,
            }
            t.last = k;
        }
        for s in self.slots.iter_mut().filter(|s| e.date <= s.last) {
            s.pf.outstanding += e.points;
            s.pf.wallet_outstanding.0 += wallet;
            if e.date < s.period.start {
                continue;
            }
            let (pf, af) = (&mut s.pf, &mut s.af);
            let m = at(&mut s.per, i);
            match e.kind {
                EntryKind::Spend => {
                    m.0 += 1;
                    m.1 += e.cents;
                    m.2 = true;
                    af.spend.0 += e.cents;
                }
                EntryKind::Reverse => {
                    m.1 += e.cents;
                    af.spend.0 += e.cents;
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
                EntryKind::Recharge => pf.recharged.0 += e.cents,
                EntryKind::Bonus => pf.bonus.0 += e.cents,
                EntryKind::Pay => pf.paid.0 -= e.cents,
                EntryKind::Dues => pf.dues.0 += e.cents,
                EntryKind::Fee => {}
            }
        }
        Ok(())
    }

    /// Feeds an event check-in: the member was active that day.
    pub fn checkin(&mut self, member: &str, day: NaiveDate) {
        if !self.slots.iter().any(|s| s.counts(day)) {
            return;
        }
        let i = self.id(member);
        for s in self.slots.iter_mut().filter(|s| s.counts(day)) {
            at(&mut s.per, i).2 = true;
        }
    }

    /// Feeds one member: the record (none for a closing row whose member
    /// is gone) and its closing row (none when the member came later or
    /// there is no closing). Returns the member's row of the new closing,
    /// when one is being written and the member existed on its day.
    pub fn member(
        &mut self,
        m: Option<&MemberFacts>,
        closing: Option<&ClosingRow>,
    ) -> Option<ClosingRow> {
        let id = m.map(|m| m.id).or(closing.map(|c| c.member.as_str()))?;
        let Tail { history, first, .. } = match self.ids.get(id) {
            Some(i) => self.tails[i as usize],
            None => Tail::default(),
        };
        let history = self
            .histories
            .get_mut(history as usize)
            .map(std::mem::take)
            .unwrap_or_default();
        let mut history = History {
            start: closing
                .zip(self.base)
                .map(|(c, base)| (base, c.status, c.tier.as_str())),
            ..history
        };
        if let Some(c) = closing {
            for s in &mut self.slots {
                s.pf.outstanding += c.points;
                s.pf.wallet_outstanding.0 += c.wallet.0;
            }
        }
        if let Some(m) = m {
            history.complete(m);
            for s in &mut self.slots {
                s.member(m, &history);
            }
        }

        // The lots at each period's end, and at the new closing's day.
        let empty = Lots::default();
        let start_lots = closing.map_or(&empty, |c| &c.lots);
        let start_debt = closing.map_or(0, |c| (c.lots.total() - c.points).max(0));
        let moves = || Chain {
            moves: &self.moves,
            at: first,
        };
        if !moves().any(|m| m.points != 0) {
            for s in &mut self.slots {
                s.pf.due_next_month += s.due(start_lots);
            }
        } else {
            let mut lots = start_lots.clone();
            let mut debt = start_debt;
            let mut next = moves().peekable();
            for &k in &self.by_last {
                let s = &mut self.slots[k];
                while let Some(m) = next.next_if(|m| m.date <= s.last) {
                    apply(&mut lots, &mut debt, m.points, m.date);
                }
                s.pf.due_next_month += s.due(&lots);
            }
        }

        let day = self.close_at?;
        let status = match m {
            Some(_) => history.status_on(day)?,
            None => closing?.status,
        };
        let tier = history.tier_on(day, m.map_or("", |m| m.tier)).to_string();
        let (mut points, mut wallet) = closing.map_or((0, 0), |c| (c.points, c.wallet.0));
        let mut lots = start_lots.clone();
        let mut debt = start_debt;
        for m in moves().filter(|m| m.date <= day) {
            points += m.points;
            wallet += m.wallet;
            apply(&mut lots, &mut debt, m.points, m.date);
        }
        Some(ClosingRow {
            member: id.to_string(),
            status,
            tier,
            points,
            wallet: Cents(wallet),
            lots: by_month(&lots),
        })
    }

    /// The reports, in the order the periods were given, with the leads
    /// section from `lead_events` (expiries due by today included) and the
    /// events section from `events` and `registrations`.
    pub fn finish(
        self,
        lead_events: &[LeadEvent],
        events: &[Event],
        registrations: &[Registration],
    ) -> Vec<PeriodReport> {
        let rules = self.rules;
        self.slots
            .into_iter()
            .map(|mut s| {
                let mut tiers = std::mem::take(&mut s.tiers);
                for t in &rules.tiers {
                    let n = tiers
                        .iter()
                        .position(|(name, _)| *name == t.name)
                        .map_or(0, |i| tiers.remove(i).1);
                    s.mf.tiers.push((t.name.clone(), n));
                }
                tiers.sort();
                s.mf.tiers.extend(tiers);
                for (count, spend, active) in &s.per {
                    let af = &mut s.af;
                    af.active += i64::from(*active);
                    if *count >= 1 {
                        af.buyers += 1;
                        af.spend_bands[match *spend {
                            v if v < 10_000 => 0,
                            v if v < 50_000 => 1,
                            v if v < 100_000 => 2,
                            _ => 3,
                        }] += 1;
                    }
                    if *count >= 2 {
                        af.repeat_buyers += 1;
                        af.repeat_spend.0 += spend;
                    }
                }
                let mut lf = LeadFigures::default();
                for e in lead_events.iter().filter(|e| s.counts(e.date)) {
                    match e.kind {
                        LeadEventKind::Claim => lf.claimed += 1,
                        LeadEventKind::Convert => lf.converted += 1,
                        LeadEventKind::Expire => lf.expired += 1,
                        LeadEventKind::Release => lf.released += 1,
                        LeadEventKind::Dispute | LeadEventKind::Arbitrate => {}
                    }
                }
                let touching: Vec<Event> = events
                    .iter()
                    .filter(|e| s.period.overlaps(e.date, e.last_day()))
                    .cloned()
                    .collect();
                let ef = event_report::report(&touching, registrations, None, s.last).total;
                PeriodReport {
                    period: s.period,
                    last_day: s.last,
                    members: s.mf,
                    activity: s.af,
                    points: s.pf,
                    leads: lf,
                    events: ef,
                }
            })
            .collect()
    }
}

/// Member `i`'s accumulator, growing the table to hold it.
fn at(per: &mut Vec<(u32, i64, bool)>, i: usize) -> &mut (u32, i64, bool) {
    if i >= per.len() {
        per.resize(i + 1, (0, 0, false));
    }
    &mut per[i]
}

/// Applies a points movement to lots as the ledger does: earning repays
/// a refund's debt first, then adds a lot; spending takes the oldest first,
/// and what the lots lack is owed.
fn apply(lots: &mut Lots, debt: &mut i64, points: i64, day: NaiveDate) {
    let short = super::points::move_points(lots, debt, points, day);
    *debt += short;
}

/// Lots merged by the month they were earned, dated the first of it.
fn by_month(lots: &Lots) -> Lots {
    let mut out: Vec<PointsLot> = Vec::new();
    for l in &lots.0 {
        let month = l.earned.with_day(1).unwrap_or(l.earned);
        match out.last_mut() {
            Some(last) if last.earned == month => last.points += l.points,
            _ => out.push(PointsLot {
                earned: month,
                points: l.points,
            }),
        }
    }
    Lots(out)
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
    use crate::domain::event::RegStatus;
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

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    /// A member record with `id`, `status` and `tier`, applied and approved
    /// on `applied`, in the status since `since`; nothing else filled in.
    fn member(id: &str, status: Status, tier: &str, applied: &str, since: &str) -> Member {
        Member {
            id: id.into(),
            name: "x".into(),
            phone: String::new(),
            email: String::new(),
            gender: None,
            birthday: None,
            kind: Default::default(),
            nominee: String::new(),
            referrer: String::new(),
            source: String::new(),
            sales: String::new(),
            status,
            tier: tier.into(),
            card: String::new(),
            applied: d(applied),
            joined: Some(d(applied)),
            expires: None,
            since: d(since),
            reason: String::new(),
            note: String::new(),
        }
    }

    #[test]
    fn changes_round_trip_through_the_writer() {
        let before = Member {
            name: "王; id: x → y".into(),
            phone: "13800000000".into(),
            joined: None,
            ..member(
                "M000001",
                Status::Pending,
                "basic",
                "2026-11-01",
                "2026-11-01",
            )
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
        let mut m = Member {
            phone: "13800000000".into(),
            joined: Some(d("2024-12-02")),
            expires: Some(d("2025-12-02")),
            ..member(
                "M000001",
                Status::Expired,
                "gold",
                "2024-11-26",
                "2026-01-02",
            )
        };
        let history = |m: &Member, audit: &[AuditLine]| {
            let rules = ClubRules::default();
            let mut e = Engine::new(&[], None, None, &rules, d("2026-11-25"));
            for a in audit {
                e.audit(a, Member::HEADER).unwrap();
            }
            let i = e.id(&m.id);
            let mut h = e
                .histories
                .get_mut(e.tails[i].history as usize)
                .map(std::mem::take)
                .unwrap_or_default();
            h.complete(&MemberFacts::of(m));
            h
        };
        let h = history(&m, &[]);
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
                record: "M000001",
                action: "member add",
                changes: "id:  → M000001; status:  → pending; tier:  → basic",
            },
            AuditLine {
                date: d("2024-12-10"),
                record: "M000001",
                action: "member approve",
                changes: "status: pending → active; tier: basic → gold",
            },
        ];
        let h = history(&m, &audit);
        assert_eq!(h.status_on(d("2024-12-09")), Some(Status::Pending));
        assert_eq!(h.status_on(d("2024-12-10")), Some(Status::Active));
        assert_eq!(h.status_on(d("2025-12-03")), Some(Status::Grace));
        assert_eq!(h.tier_on(d("2024-12-09"), &m.tier), "basic");
        assert_eq!(h.tier_on(d("2024-12-10"), &m.tier), "gold");
    }

    /// The reports for `periods` over whole record sets in memory, from no
    /// closing: for tests and small callers. `audit` and `ledger` in file
    /// order.
    #[allow(clippy::too_many_arguments)]
    fn period_reports(
        periods: &[Period],
        members: &[Member],
        audit: &[AuditLine],
        ledger: &[EntryLine],
        lead_events: &[LeadEvent],
        events: &[Event],
        registrations: &[Registration],
        rules: &ClubRules,
        today: NaiveDate,
    ) -> Vec<PeriodReport> {
        let mut engine = Engine::new(periods, None, None, rules, today);
        for a in audit {
            let _ = engine.audit(a, Member::HEADER); // no closing: never stale
        }
        for e in ledger {
            let _ = engine.ledger(e);
        }
        for r in registrations {
            if let (RegStatus::Attended, Some(d)) = (r.status, r.attended) {
                engine.checkin(&r.member, d);
            }
        }
        for m in members {
            engine.member(Some(&MemberFacts::of(m)), None);
        }
        engine.finish(lead_events, events, registrations)
    }

    /// A small club's history in memory: members, their audit trail and
    /// ledger, over four months around a year end and a leap February.
    type Trail = Vec<(NaiveDate, String, String, String)>;
    type Journal = Vec<(NaiveDate, EntryKind, String, i64, i64)>;

    fn club() -> (Vec<Member>, Trail, Journal) {
        let member = |id: &str, status: Status, tier: &str, applied: &str, since: &str| Member {
            gender: Some(Gender::Female),
            birthday: Some(d("1990-02-28")),
            ..member(id, status, tier, applied, since)
        };
        let members = vec![
            member("M1", Status::Active, "gold", "2023-11-02", "2024-01-15"),
            member("M2", Status::Exited, "basic", "2023-12-31", "2024-02-29"),
            member("M3", Status::Active, "basic", "2024-02-01", "2024-02-01"),
        ];
        let a = |day: &str, id: &str, action: &str, ch: &str| {
            (d(day), id.to_string(), action.to_string(), ch.to_string())
        };
        let audit = vec![
            a(
                "2023-11-02",
                "M1",
                "member add",
                "status:  → active; tier:  → basic",
            ),
            a(
                "2023-12-31",
                "M2",
                "member add",
                "status:  → active; tier:  → basic",
            ),
            a("2024-01-15", "M1", "tier recompute", "tier: basic → gold"),
            a("2024-01-31", "M1", "member renew", "expires:  → 2025-01-31"),
            a(
                "2024-02-01",
                "M3",
                "member add",
                "status:  → active; tier:  → basic",
            ),
            a("2024-02-29", "M2", "member exit", "status: active → exited"),
        ];
        let l = |day: &str, kind: EntryKind, id: &str, cents: i64, points: i64| {
            (d(day), kind, id.to_string(), cents, points)
        };
        let ledger = vec![
            l("2023-11-02", EntryKind::Earn, "M1", 0, 500),
            l("2023-11-30", EntryKind::Recharge, "M1", 100_000, 0),
            l("2023-12-31", EntryKind::Spend, "M2", 20_000, 0),
            l("2023-12-31", EntryKind::Earn, "M2", 0, 200),
            l("2024-01-01", EntryKind::Redeem, "M1", 0, -100),
            l("2024-01-20", EntryKind::Spend, "M1", 60_000, 0),
            l("2024-01-20", EntryKind::Earn, "M1", 0, 600),
            l("2024-01-31", EntryKind::Pay, "M1", -30_000, 0),
            l("2024-02-01", EntryKind::Spend, "M3", 5_000, 0),
            l("2024-02-29", EntryKind::Forfeit, "M2", 0, -200),
            l("2024-02-29", EntryKind::Spend, "M1", 1_000, 0),
        ];
        (members, audit, ledger)
    }

    /// Feeds the engine from the closing of `base` (made by the engine
    /// itself from no closing) or from nothing.
    fn reports_via(
        base: Option<NaiveDate>,
        periods: &[Period],
        rules: &ClubRules,
    ) -> Vec<PeriodReport> {
        let today = d("2024-03-10");
        let (members, audit, ledger) = club();
        let audit: Vec<AuditLine> = audit
            .iter()
            .map(|(date, record, action, changes)| AuditLine {
                date: *date,
                record,
                action,
                changes,
            })
            .collect();
        let ledger: Vec<EntryLine> = ledger
            .iter()
            .map(|(date, kind, member, cents, points)| EntryLine {
                date: *date,
                kind: *kind,
                member,
                cents: *cents,
                points: *points,
            })
            .collect();
        let Some(base) = base else {
            return period_reports(
                periods,
                &members,
                &audit,
                &ledger,
                &[],
                &[],
                &[],
                rules,
                today,
            );
        };
        let mut close = Engine::new(&[], None, Some(base), rules, today);
        audit
            .iter()
            .for_each(|a| close.audit(a, Member::HEADER).unwrap());
        ledger.iter().for_each(|e| close.ledger(e).unwrap());
        let closing: Vec<ClosingRow> = members
            .iter()
            .filter_map(|m| close.member(Some(&MemberFacts::of(m)), None))
            .collect();
        let mut e = Engine::new(periods, Some(base), None, rules, today);
        audit
            .iter()
            .filter(|a| a.date > base)
            .for_each(|a| e.audit(a, Member::HEADER).unwrap());
        ledger
            .iter()
            .filter(|l| l.date > base)
            .for_each(|l| e.ledger(l).unwrap());
        assert_eq!(
            e.ledger(&ledger[0]),
            Err(Stale {
                date: ledger[0].date
            }),
            "a line dated before the closing is refused"
        );
        for m in &members {
            let c = closing.iter().find(|c| c.member == m.id);
            e.member(Some(&MemberFacts::of(m)), c);
        }
        e.finish(&[], &[], &[])
    }

    #[test]
    fn a_report_from_a_closing_equals_the_report_from_the_beginning() {
        let rules = ClubRules::default();
        let feb = Period::month("2024-02").unwrap();
        let jan = Period::month("2024-01").unwrap();
        let q1 = Period::quarter("2024-Q1").unwrap();
        let whole = reports_via(None, &[feb.clone(), jan.clone()], &rules);
        // Closings at the two month ends before January.
        for base in ["2023-11-30", "2023-12-31"] {
            assert_eq!(
                reports_via(Some(d(base)), &[feb.clone(), jan.clone()], &rules),
                whole,
                "closing {base}"
            );
        }
        assert_eq!(
            reports_via(Some(d("2023-12-31")), std::slice::from_ref(&q1), &rules),
            reports_via(None, &[q1], &rules)
        );
        // The figures themselves, worked by hand.
        let (f, j) = (&whole[0], &whole[1]);
        assert_eq!((j.members.at_start, j.members.at_end), (2, 2));
        assert_eq!(
            (f.members.at_start, f.members.at_end, f.members.exited),
            (2, 2, 1)
        );
        assert_eq!(f.members.approved, 1);
        assert_eq!(j.members.renewed, 1);
        assert_eq!(
            j.members.tiers[..2],
            [("basic".to_string(), 1), ("silver".to_string(), 0)]
        );
        assert_eq!(
            j.members.tiers.iter().find(|(t, _)| t == "gold"),
            Some(&("gold".to_string(), 1))
        );
        // January: 500 + 200 - 100 + 600 outstanding; the wallet 1000 - 300.
        assert_eq!(
            (j.points.outstanding, j.points.redeemed, j.points.earned),
            (1200, 100, 600)
        );
        assert_eq!(j.points.wallet_outstanding, Cents(70_000));
        // February: M2 forfeits 200; M1's first lot (500 less the 100
        // redeemed, earned 2023-11-02) is not due in March, the 200 forfeited
        // are gone.
        assert_eq!((f.points.outstanding, f.points.forfeited), (1000, 200));
        assert_eq!((f.activity.spend, f.activity.buyers), (Cents(6_000), 2));
        assert_eq!(j.activity.spend_bands, [0, 0, 1, 0]);
        assert_eq!(j.activity.active, 1);
    }

    #[test]
    fn only_steps_on_members_reach_the_members_section() {
        let yes = |a: &str, c: &str| audit_matters(a.as_bytes(), c.as_bytes());
        assert!(yes(
            "member freeze",
            "status: active → frozen; since: x → y"
        ));
        assert!(yes("tier recompute", "tier: basic → silver"));
        assert!(yes("member renew", "expires: 2026-01-01 → 2027-01-01"));
        // A card numbered like a member id, losing its card, is no member.
        assert!(!yes(
            "card lost",
            "status: active → lost; lost_on:  → 2026-11-02"
        ));
        assert!(!yes("member edit", "phone: 13800000001 → 13800000002"));
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
