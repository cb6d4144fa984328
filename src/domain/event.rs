//! Events (活动): planning, registration with a wait-list, check-in,
//! feedback, closing and cancelling. Pure rules over plain records: the
//! caller brings today, the rules and the rows, and saves what comes back.

use super::dates::add_days;
use super::error::{refused, DomainError, Result};
use super::member::{Member, Status};
use super::money::Cents;
use super::rules::ClubRules;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EventKind {
    Social,
    Sports,
    Arts,
    Volunteer,
    Lecture,
    MemberDay,
    Birthday,
}

impl EventKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Social => "social",
            EventKind::Sports => "sports",
            EventKind::Arts => "arts",
            EventKind::Volunteer => "volunteer",
            EventKind::Lecture => "lecture",
            EventKind::MemberDay => "member-day",
            EventKind::Birthday => "birthday",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EventStatus {
    /// Open: members may register and check in.
    Planned,
    /// Over: the actual cost is recorded; nothing more changes but feedback.
    Closed,
    /// Called off: registrations refunded.
    Cancelled,
}

impl EventStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            EventStatus::Planned => "planned",
            EventStatus::Closed => "closed",
            EventStatus::Cancelled => "cancelled",
        }
    }
}

impl fmt::Display for EventStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One event, a row of `events.csv`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    pub id: String,
    pub title: String,
    pub kind: EventKind,
    pub date: NaiveDate,
    /// Last day of a multi-day event (blank: one day).
    pub end: Option<NaiveDate>,
    pub location: String,
    /// Places (blank: no limit).
    pub capacity: Option<u32>,
    pub budget: Cents,
    /// Fee each member pays on registering.
    pub fee: Cents,
    /// Lowest tier that may come (blank: every member).
    pub min_tier: String,
    /// Points granted on check-in.
    pub points: i64,
    pub status: EventStatus,
    /// Actual cost, recorded on closing.
    pub cost: Option<Cents>,
    /// Why the event was cancelled.
    pub reason: String,
}

impl Event {
    /// The last day of the event.
    pub fn last_day(&self) -> NaiveDate {
        self.end.unwrap_or(self.date)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RegStatus {
    /// Holds a place.
    Registered,
    /// Waits for a place, in `seq` order.
    Waitlisted,
    /// Gave up the place, or the event was cancelled.
    Cancelled,
    /// Checked in.
    Attended,
}

impl RegStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            RegStatus::Registered => "registered",
            RegStatus::Waitlisted => "waitlisted",
            RegStatus::Cancelled => "cancelled",
            RegStatus::Attended => "attended",
        }
    }

    /// Holds one of the event's places.
    pub fn takes_place(self) -> bool {
        matches!(self, RegStatus::Registered | RegStatus::Attended)
    }

    /// Counts as the member's one registration for the event.
    pub fn is_live(self) -> bool {
        self != RegStatus::Cancelled
    }
}

impl fmt::Display for RegStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How a fee was paid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Pay {
    /// Nothing was paid (a free event).
    #[default]
    None,
    /// From the member's stored value.
    Wallet,
    /// At the desk, in cash or by card.
    Cash,
}

impl Pay {
    pub fn as_str(self) -> &'static str {
        match self {
            Pay::None => "none",
            Pay::Wallet => "wallet",
            Pay::Cash => "cash",
        }
    }
}

/// One member's registration for one event, a row of `registrations/`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Registration {
    /// `EVENT/MEMBER`, e.g. `E0001/M000012`: one registration per member.
    pub id: String,
    pub event: String,
    pub member: String,
    pub status: RegStatus,
    /// Sign-up order within the event: the wait-list is served lowest first.
    pub seq: u32,
    pub registered: NaiveDate,
    /// Fee paid, and how; `payment` is the ledger entry that took it.
    pub paid: Cents,
    pub pay: Pay,
    pub payment: String,
    /// Amount given back so far.
    pub refunded: Cents,
    /// The day the member checked in.
    pub attended: Option<NaiveDate>,
    /// Checked in without having registered.
    pub walk_in: bool,
    /// Satisfaction 1..5.
    pub score: Option<u8>,
    pub comment: String,
}

pub fn registration_id(event: &str, member: &str) -> String {
    format!("{event}/{member}")
}

/// What `event plan` is given.
#[derive(Debug, Clone)]
pub struct Plan {
    pub title: String,
    pub kind: EventKind,
    pub date: NaiveDate,
    pub end: Option<NaiveDate>,
    pub location: String,
    pub capacity: Option<u32>,
    pub budget: Cents,
    pub fee: Cents,
    pub min_tier: String,
    pub points: i64,
    /// Allows a date in the past, to record an event already held.
    pub backfill: bool,
}

/// The id after the highest in `events`: E0001, E0002...
pub fn next_id(events: &[Event]) -> String {
    let n = events
        .iter()
        .filter_map(|e| e.id.strip_prefix('E')?.parse::<u32>().ok())
        .max()
        .unwrap_or(0);
    format!("E{:04}", n + 1)
}

/// A new planned event.
pub fn plan(id: String, p: Plan, today: NaiveDate, rules: &ClubRules) -> Result<Event> {
    let title = p.title.trim();
    if title.is_empty() {
        return Err(DomainError::Invalid("--title must not be empty".into()));
    }
    if p.end.is_some_and(|end| end < p.date) {
        return Err(DomainError::Invalid(format!(
            "--end {} is before --date {}; give the last day of the event",
            p.end.unwrap_or(p.date),
            p.date
        )));
    }
    if p.capacity == Some(0) {
        return Err(DomainError::Invalid(
            "--capacity must be at least 1; leave it out for no limit".into(),
        ));
    }
    if p.budget.0 < 0 || p.fee.0 < 0 {
        return Err(DomainError::Invalid(
            "--budget and --fee must not be negative".into(),
        ));
    }
    if p.points < 0 {
        return Err(DomainError::Invalid("--points must not be negative".into()));
    }
    if p.date < today && !p.backfill {
        return refused(format!(
            "the date {} is in the past (today is {today}); give a later date, or --backfill to record an event already held",
            p.date
        ));
    }
    if !p.min_tier.is_empty() && rules.tier(&p.min_tier).is_none() {
        let known: Vec<&str> = rules.tiers.iter().map(|t| t.name.as_str()).collect();
        return refused(format!(
            "tier '{}' is not in club.toml; the tiers are {}",
            p.min_tier,
            known.join(", ")
        ));
    }
    Ok(Event {
        id,
        title: title.to_string(),
        kind: p.kind,
        date: p.date,
        end: p.end,
        location: p.location.trim().to_string(),
        capacity: p.capacity,
        budget: p.budget,
        fee: p.fee,
        min_tier: p.min_tier,
        points: p.points,
        status: EventStatus::Planned,
        cost: None,
        reason: String::new(),
    })
}

/// Why `m` may not come to `e`, if they may not: only live members
/// (active or in grace) of the minimum tier or above.
pub fn eligible(e: &Event, m: &Member, rules: &ClubRules) -> Result<()> {
    require_live(m)?;
    if e.min_tier.is_empty() {
        return Ok(());
    }
    let need = rules.tier_rank(&e.min_tier);
    let have = rules.tier_rank(&m.tier);
    match (need, have) {
        (Some(need), Some(have)) if have >= need => Ok(()),
        _ => refused(format!(
            "{} is {} tier; {} is for {} tier and above",
            m.id, m.tier, e.id, e.min_tier
        )),
    }
}

/// Only active members and members in grace take part (and earn points).
fn require_live(m: &Member) -> Result<()> {
    if matches!(m.status, Status::Active | Status::Grace) {
        Ok(())
    } else {
        refused(format!(
            "{} is {}; only active members and members in grace may come to events (renew or unfreeze first)",
            m.id, m.status
        ))
    }
}

fn require_open(e: &Event, step: &str) -> Result<()> {
    match e.status {
        EventStatus::Planned => Ok(()),
        s => refused(format!("{} is {s}; no more {step}", e.id)),
    }
}

/// Places taken (registered or checked in) at `event`.
pub fn places_taken(regs: &[Registration], event: &str) -> u32 {
    regs.iter()
        .filter(|r| r.event == event && r.status.takes_place())
        .count() as u32
}

fn has_room(e: &Event, regs: &[Registration]) -> bool {
    e.capacity.is_none_or(|cap| places_taken(regs, &e.id) < cap)
}

fn next_seq(regs: &[Registration], event: &str) -> u32 {
    regs.iter()
        .filter(|r| r.event == event)
        .map(|r| r.seq)
        .max()
        .unwrap_or(0)
        + 1
}

/// The live registration of `member` at `event`, if any.
pub fn find<'a>(regs: &'a [Registration], event: &str, member: &str) -> Option<&'a Registration> {
    let id = registration_id(event, member);
    regs.iter().find(|r| r.id == id)
}

/// A registration for `m` at `e`: a place while there is room, else the end
/// of the wait-list. The fee is the caller's to take (see `fee_due`).
pub fn register(
    e: &Event,
    m: &Member,
    regs: &[Registration],
    today: NaiveDate,
    rules: &ClubRules,
) -> Result<Registration> {
    require_open(e, "registrations")?;
    if today > e.last_day() {
        return refused(format!(
            "{} was held on {}; registration is closed (record attendance with `clubctl event checkin`)",
            e.id,
            e.last_day()
        ));
    }
    eligible(e, m, rules)?;
    if let Some(r) = find(regs, &e.id, &m.id).filter(|r| r.status.is_live()) {
        return refused(format!(
            "{} is already {} for {} (one registration per member)",
            m.id, r.status, e.id
        ));
    }
    let status = if has_room(e, regs) {
        RegStatus::Registered
    } else {
        RegStatus::Waitlisted
    };
    Ok(Registration {
        id: registration_id(&e.id, &m.id),
        event: e.id.clone(),
        member: m.id.clone(),
        status,
        seq: next_seq(regs, &e.id),
        registered: today,
        paid: Cents::ZERO,
        pay: Pay::None,
        payment: String::new(),
        refunded: Cents::ZERO,
        attended: None,
        walk_in: false,
        score: None,
        comment: String::new(),
    })
}

/// The part of a paid fee given back when a registration is withdrawn on
/// `today`: a wait-listed member never had a place and gets it all back; a
/// registered one by `[events]` refund_days_before / refund_percent /
/// late_refund_percent.
pub fn refund_due(e: &Event, r: &Registration, today: NaiveDate, rules: &ClubRules) -> Cents {
    let left = Cents(r.paid.0 - r.refunded.0);
    if left.0 <= 0 {
        return Cents::ZERO;
    }
    if r.status == RegStatus::Waitlisted {
        return left;
    }
    let days_before = (e.date - today).num_days();
    let pct = if days_before >= i64::from(rules.events.refund_days_before) {
        rules.events.refund_percent
    } else {
        rules.events.late_refund_percent
    };
    Cents(left.0.min(r.paid.percent(pct.min(100)).0))
}

/// The last day a registered member gets `refund_percent` back.
pub fn full_refund_until(e: &Event, rules: &ClubRules) -> NaiveDate {
    add_days(e.date, -i64::from(rules.events.refund_days_before))
}

/// The outcome of withdrawing a registration.
#[derive(Debug, Clone, PartialEq)]
pub struct Withdrawal {
    pub refund: Cents,
    /// The wait-listed registration that takes the freed place.
    pub promoted: Option<usize>,
}

/// `event unregister`: cancels registration `i`, and hands its place to the
/// first on the wait-list.
pub fn unregister(
    e: &Event,
    regs: &mut [Registration],
    i: usize,
    today: NaiveDate,
    rules: &ClubRules,
) -> Result<Withdrawal> {
    require_open(e, "changes to registrations")?;
    if today > e.last_day() {
        return refused(format!(
            "{} was held on {}; registrations no longer change (close it with `clubctl event close`)",
            e.id,
            e.last_day()
        ));
    }
    let r = &regs[i];
    match r.status {
        RegStatus::Registered | RegStatus::Waitlisted => {}
        s => {
            return refused(format!(
                "{} is {s} for {}; only a registered or wait-listed member can be unregistered",
                r.member, e.id
            ))
        }
    }
    let freed = r.status == RegStatus::Registered;
    let refund = refund_due(e, r, today, rules);
    regs[i].status = RegStatus::Cancelled;
    regs[i].refunded = Cents(regs[i].refunded.0 + refund.0);
    let promoted = if freed && has_room(e, regs) {
        first_waiting(regs, &e.id)
    } else {
        None
    };
    if let Some(p) = promoted {
        regs[p].status = RegStatus::Registered;
    }
    Ok(Withdrawal { refund, promoted })
}

/// The index of the first wait-listed registration of `event`.
pub fn first_waiting(regs: &[Registration], event: &str) -> Option<usize> {
    regs.iter()
        .enumerate()
        .filter(|(_, r)| r.event == event && r.status == RegStatus::Waitlisted)
        .min_by_key(|(_, r)| r.seq)
        .map(|(i, _)| i)
}

/// What a check-in did.
#[derive(Debug, Clone, PartialEq)]
pub enum CheckIn {
    /// A registered (or wait-listed, with room now) member came.
    Registered(usize),
    /// A member who had not registered came, and there was room.
    WalkIn(Registration),
}

/// `event checkin`: attendance on or after the first day, once per member.
pub fn checkin(
    e: &Event,
    m: &Member,
    regs: &mut [Registration],
    today: NaiveDate,
    rules: &ClubRules,
) -> Result<CheckIn> {
    require_open(e, "check-ins")?;
    if today < e.date {
        return refused(format!(
            "{} starts on {}; check-in opens that day",
            e.id, e.date
        ));
    }
    require_live(m)?;
    let existing = regs
        .iter()
        .position(|r| r.id == registration_id(&e.id, &m.id));
    if let Some(i) = existing {
        match regs[i].status {
            RegStatus::Attended => {
                return refused(format!(
                    "{} already checked in to {} on {}; points are granted once",
                    m.id,
                    e.id,
                    regs[i].attended.unwrap_or(e.date)
                ))
            }
            RegStatus::Registered => {
                regs[i].status = RegStatus::Attended;
                regs[i].attended = Some(today);
                return Ok(CheckIn::Registered(i));
            }
            RegStatus::Waitlisted if has_room(e, regs) => {
                regs[i].status = RegStatus::Attended;
                regs[i].attended = Some(today);
                return Ok(CheckIn::Registered(i));
            }
            RegStatus::Waitlisted => {
                return refused(format!(
                    "{} is wait-listed for {} and the event is full ({} places)",
                    m.id,
                    e.id,
                    e.capacity.unwrap_or(0)
                ))
            }
            RegStatus::Cancelled => {}
        }
    }
    eligible(e, m, rules)?;
    if !has_room(e, regs) {
        return refused(format!(
            "{} is full ({} places taken); {} did not register and cannot walk in",
            e.id,
            places_taken(regs, &e.id),
            m.id
        ));
    }
    let mut r = Registration {
        id: registration_id(&e.id, &m.id),
        event: e.id.clone(),
        member: m.id.clone(),
        status: RegStatus::Attended,
        seq: next_seq(regs, &e.id),
        registered: today,
        paid: Cents::ZERO,
        pay: Pay::None,
        payment: String::new(),
        refunded: Cents::ZERO,
        attended: Some(today),
        walk_in: true,
        score: None,
        comment: String::new(),
    };
    if let Some(i) = existing {
        // A cancelled registration comes back as a walk-in: keep its
        // payment history (what was paid and refunded before).
        r.paid = regs[i].paid;
        r.pay = regs[i].pay;
        r.payment = regs[i].payment.clone();
        r.refunded = regs[i].refunded;
    }
    Ok(CheckIn::WalkIn(r))
}

/// `event feedback`: attendees only; a later score replaces an earlier one.
pub fn feedback(e: &Event, r: &mut Registration, score: u8, comment: &str) -> Result<()> {
    if e.status == EventStatus::Cancelled {
        return refused(format!("{} was cancelled; there is nothing to score", e.id));
    }
    if !(1..=5).contains(&score) {
        return Err(DomainError::Invalid(format!(
            "--score {score}: give 1 (poor) to 5 (excellent)"
        )));
    }
    if r.status != RegStatus::Attended {
        return refused(format!(
            "{} is {} for {}; only members who checked in may give feedback",
            r.member, r.status, e.id
        ));
    }
    r.score = Some(score);
    r.comment = comment.trim().to_string();
    Ok(())
}

/// `event close`: the event is over; the actual cost is recorded. Members
/// still on the wait-list never got a place: they are cancelled (and the
/// caller refunds them in full). Returns their indices.
pub fn close(
    e: &mut Event,
    regs: &mut [Registration],
    cost: Cents,
    today: NaiveDate,
) -> Result<Vec<usize>> {
    require_open(e, "closing")?;
    if cost.0 < 0 {
        return Err(DomainError::Invalid("--cost must not be negative".into()));
    }
    if today < e.date {
        return refused(format!(
            "{} is on {}; close it once it has been held (or cancel it with `clubctl event cancel`)",
            e.id, e.date
        ));
    }
    e.status = EventStatus::Closed;
    e.cost = Some(cost);
    Ok(withdraw_all(e, regs, &[RegStatus::Waitlisted]))
}

/// `event cancel`: the event is called off; every registered and
/// wait-listed member is cancelled (and refunded in full by the caller).
/// Returns their indices, to notify them.
pub fn cancel(e: &mut Event, regs: &mut [Registration], reason: &str) -> Result<Vec<usize>> {
    require_open(e, "cancelling")?;
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(DomainError::Invalid("--reason must not be empty".into()));
    }
    let came = regs
        .iter()
        .filter(|r| r.event == e.id && r.status == RegStatus::Attended)
        .count();
    if came > 0 {
        return refused(format!(
            "{} has {came} check-ins, so it was held; close it with `clubctl event close {} --cost AMOUNT` instead",
            e.id, e.id
        ));
    }
    e.status = EventStatus::Cancelled;
    e.reason = reason.to_string();
    Ok(withdraw_all(
        e,
        regs,
        &[RegStatus::Registered, RegStatus::Waitlisted],
    ))
}

fn withdraw_all(e: &Event, regs: &mut [Registration], which: &[RegStatus]) -> Vec<usize> {
    let mut out = Vec::new();
    for (i, r) in regs.iter_mut().enumerate() {
        if r.event == e.id && which.contains(&r.status) {
            r.status = RegStatus::Cancelled;
            out.push(i);
        }
    }
    out.sort_by_key(|&i| regs[i].seq);
    out
}

/// Members who may be invited to `e`: eligible, with a phone, and not yet
/// registered, wait-listed or checked in.
pub fn invitees<'a>(
    e: &Event,
    members: &'a [Member],
    regs: &[Registration],
    rules: &ClubRules,
) -> Vec<&'a Member> {
    members
        .iter()
        .filter(|m| eligible(e, m, rules).is_ok())
        .filter(|m| !m.phone.is_empty())
        .filter(|m| find(regs, &e.id, &m.id).is_none_or(|r| !r.status.is_live()))
        .collect()
}

/// Problems of one event with its registrations, for `data check`.
pub fn problems(e: &Event, regs: &[&Registration], rules: &ClubRules) -> Vec<String> {
    let mut out = Vec::new();
    if e.end.is_some_and(|end| end < e.date) {
        out.push(format!("ends {} before it starts {}", e.last_day(), e.date));
    }
    if !e.min_tier.is_empty() && rules.tier(&e.min_tier).is_none() {
        out.push(format!("minimum tier '{}' is not in club.toml", e.min_tier));
    }
    if e.capacity == Some(0) {
        out.push("capacity 0: leave it blank for no limit".into());
    }
    match (e.status, e.cost) {
        (EventStatus::Closed, None) => out.push("closed without a cost".into()),
        (EventStatus::Planned | EventStatus::Cancelled, Some(_)) => {
            out.push(format!("{} but has a cost", e.status))
        }
        _ => {}
    }
    if e.status == EventStatus::Cancelled && e.reason.is_empty() {
        out.push("cancelled without a reason".into());
    }
    let taken = regs.iter().filter(|r| r.status.takes_place()).count() as u32;
    if let Some(cap) = e.capacity {
        if taken > cap {
            out.push(format!("{taken} places taken, capacity {cap}"));
        }
    }
    let waiting = regs.iter().any(|r| r.status == RegStatus::Waitlisted);
    if waiting && e.status != EventStatus::Planned {
        out.push(format!("{} but members are still wait-listed", e.status));
    }
    if waiting && e.capacity.is_none_or(|cap| taken < cap) {
        out.push("members are wait-listed while places are free".into());
    }
    let mut seqs: Vec<u32> = regs.iter().map(|r| r.seq).collect();
    seqs.sort_unstable();
    if seqs.windows(2).any(|w| w[0] == w[1]) {
        out.push("two registrations share a sign-up number".into());
    }
    out
}

/// Problems of one registration on its own, for `data check`.
pub fn registration_problems(r: &Registration, e: Option<&Event>) -> Vec<String> {
    let mut out = Vec::new();
    if r.id != registration_id(&r.event, &r.member) {
        out.push(format!(
            "id should be {}",
            registration_id(&r.event, &r.member)
        ));
    }
    match (r.status, r.attended) {
        (RegStatus::Attended, None) => out.push("attended without a check-in date".into()),
        (RegStatus::Registered | RegStatus::Waitlisted, Some(_)) => {
            out.push(format!("{} but has a check-in date", r.status))
        }
        _ => {}
    }
    if r.score.is_some_and(|s| !(1..=5).contains(&s)) {
        out.push("score outside 1..5".into());
    }
    if r.score.is_some() && r.status != RegStatus::Attended {
        out.push(format!("{} but has a feedback score", r.status));
    }
    if r.refunded.0 < 0 || r.refunded > r.paid {
        out.push(format!("refunded {} of {} paid", r.refunded, r.paid));
    }
    if (r.paid.0 > 0) != (r.pay != Pay::None) || (r.paid.0 > 0) == r.payment.is_empty() {
        out.push(format!(
            "paid {} by {} with payment '{}' do not agree",
            r.paid,
            r.pay.as_str(),
            r.payment
        ));
    }
    if let Some(e) = e {
        if let Some(a) = r.attended {
            if a < e.date {
                out.push(format!("checked in on {a}, before the event on {}", e.date));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::member::Kind;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn rules() -> ClubRules {
        ClubRules::default()
    }

    fn member(id: &str, tier: &str, status: Status) -> Member {
        Member {
            id: id.into(),
            name: format!("name {id}"),
            phone: format!("1380000{}", &id[id.len() - 4..]),
            email: String::new(),
            gender: None,
            birthday: None,
            kind: Kind::Individual,
            nominee: String::new(),
            referrer: String::new(),
            source: String::new(),
            sales: String::new(),
            status,
            tier: tier.into(),
            card: String::new(),
            applied: d("2026-01-01"),
            joined: Some(d("2026-01-01")),
            expires: Some(d("2027-01-01")),
            since: d("2026-01-01"),
            reason: String::new(),
            note: String::new(),
        }
    }

    fn a_plan(date: &str) -> Plan {
        Plan {
            title: "Tea".into(),
            kind: EventKind::Social,
            date: d(date),
            end: None,
            location: String::new(),
            capacity: Some(2),
            budget: Cents(10000),
            fee: Cents(5000),
            min_tier: String::new(),
            points: 10,
            backfill: false,
        }
    }

    fn event() -> Event {
        plan(
            "E0001".into(),
            a_plan("2026-12-10"),
            d("2026-11-25"),
            &rules(),
        )
        .unwrap()
    }

    #[test]
    fn an_event_today_is_not_in_the_past() {
        let r = rules();
        assert!(plan("E1".into(), a_plan("2026-11-25"), d("2026-11-25"), &r).is_ok());
        let err = plan("E1".into(), a_plan("2026-11-24"), d("2026-11-25"), &r).unwrap_err();
        assert!(matches!(err, DomainError::Refused(_)));
        let mut p = a_plan("2026-11-24");
        p.backfill = true;
        assert!(plan("E1".into(), p, d("2026-11-25"), &r).is_ok());
    }

    #[test]
    fn plan_refuses_unknown_tiers_and_backward_ends() {
        let mut p = a_plan("2026-12-01");
        p.min_tier = "diamond".into();
        assert!(matches!(
            plan("E1".into(), p, d("2026-11-25"), &rules()),
            Err(DomainError::Refused(m)) if m.contains("diamond")
        ));
        let mut p = a_plan("2026-12-01");
        p.end = Some(d("2026-11-30"));
        assert!(matches!(
            plan("E1".into(), p, d("2026-11-25"), &rules()),
            Err(DomainError::Invalid(_))
        ));
    }

    #[test]
    fn ids_count_up_from_the_highest() {
        assert_eq!(next_id(&[]), "E0001");
        let mut e = event();
        e.id = "E0041".into();
        assert_eq!(next_id(&[e]), "E0042");
    }

    #[test]
    fn tier_order_is_the_order_of_the_ladder() {
        let r = rules();
        let mut e = event();
        e.min_tier = "silver".into();
        assert!(eligible(&e, &member("M000001", "basic", Status::Active), &r).is_err());
        assert!(eligible(&e, &member("M000001", "silver", Status::Active), &r).is_ok());
        assert!(eligible(&e, &member("M000001", "platinum", Status::Grace), &r).is_ok());
        assert!(eligible(&e, &member("M000001", "gold", Status::Frozen), &r).is_err());
        assert!(eligible(&e, &member("M000001", "gold", Status::Pending), &r).is_err());
    }

    #[test]
    fn past_capacity_members_wait_in_order_and_are_promoted_first_come() {
        let r = rules();
        let e = event();
        let today = d("2026-11-25");
        let mut regs: Vec<Registration> = Vec::new();
        for id in ["M000001", "M000002", "M000003", "M000004"] {
            let reg = register(&e, &member(id, "basic", Status::Active), &regs, today, &r).unwrap();
            regs.push(reg);
        }
        let st: Vec<RegStatus> = regs.iter().map(|r| r.status).collect();
        assert_eq!(
            st,
            [
                RegStatus::Registered,
                RegStatus::Registered,
                RegStatus::Waitlisted,
                RegStatus::Waitlisted
            ]
        );
        let dup = register(
            &e,
            &member("M000003", "basic", Status::Active),
            &regs,
            today,
            &r,
        );
        assert!(matches!(dup, Err(DomainError::Refused(m)) if m.contains("already")));
        let w = unregister(&e, &mut regs, 0, today, &r).unwrap();
        assert_eq!(w.promoted, Some(2));
        assert_eq!(regs[2].status, RegStatus::Registered);
        assert_eq!(regs[3].status, RegStatus::Waitlisted);
        // A wait-listed member leaving frees no place.
        let w = unregister(&e, &mut regs, 3, today, &r).unwrap();
        assert_eq!(w.promoted, None);
    }

    #[test]
    fn refunds_follow_the_days_before_rule() {
        let r = rules();
        let e = event(); // 2026-12-10; default: 100% until 3 days before, then 0%
        let mut reg = register(
            &e,
            &member("M000001", "basic", Status::Active),
            &[],
            d("2026-11-25"),
            &r,
        )
        .unwrap();
        reg.paid = Cents(5000);
        reg.pay = Pay::Cash;
        assert_eq!(full_refund_until(&e, &r), d("2026-12-07"));
        assert_eq!(refund_due(&e, &reg, d("2026-12-07"), &r), Cents(5000));
        assert_eq!(refund_due(&e, &reg, d("2026-12-08"), &r), Cents::ZERO);
        reg.status = RegStatus::Waitlisted;
        assert_eq!(refund_due(&e, &reg, d("2026-12-09"), &r), Cents(5000));
        reg.refunded = Cents(5000);
        assert_eq!(refund_due(&e, &reg, d("2026-11-25"), &r), Cents::ZERO);
    }

    #[test]
    fn checkin_once_and_walk_ins_only_with_room() {
        let r = rules();
        let e = event();
        let day = d("2026-12-10");
        let mut regs = vec![register(
            &e,
            &member("M000001", "basic", Status::Active),
            &[],
            d("2026-11-25"),
            &r,
        )
        .unwrap()];
        let early = checkin(
            &e,
            &member("M000001", "basic", Status::Active),
            &mut regs,
            d("2026-12-09"),
            &r,
        );
        assert!(matches!(early, Err(DomainError::Refused(_))));
        let c = checkin(
            &e,
            &member("M000001", "basic", Status::Active),
            &mut regs,
            day,
            &r,
        )
        .unwrap();
        assert_eq!(c, CheckIn::Registered(0));
        let again = checkin(
            &e,
            &member("M000001", "basic", Status::Active),
            &mut regs,
            day,
            &r,
        );
        assert!(matches!(again, Err(DomainError::Refused(m)) if m.contains("once")));
        match checkin(
            &e,
            &member("M000002", "basic", Status::Active),
            &mut regs,
            day,
            &r,
        )
        .unwrap()
        {
            CheckIn::WalkIn(w) => regs.push(w),
            other => panic!("{other:?}"),
        }
        let full = checkin(
            &e,
            &member("M000003", "basic", Status::Active),
            &mut regs,
            day,
            &r,
        );
        assert!(matches!(full, Err(DomainError::Refused(m)) if m.contains("full")));
    }

    #[test]
    fn cancel_refuses_an_event_already_held() {
        let r = rules();
        let mut e = event();
        let mut regs = vec![register(
            &e,
            &member("M000001", "basic", Status::Active),
            &[],
            d("2026-11-25"),
            &r,
        )
        .unwrap()];
        checkin(
            &e,
            &member("M000001", "basic", Status::Active),
            &mut regs,
            d("2026-12-10"),
            &r,
        )
        .unwrap();
        assert!(matches!(
            cancel(&mut e, &mut regs, "rain"),
            Err(DomainError::Refused(_))
        ));
        assert_eq!(e.status, EventStatus::Planned);
    }
}
