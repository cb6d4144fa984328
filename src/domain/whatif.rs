//! `rules diff`: the club as it is, run through the nightly rules twice,
//! once with the rules in force and once with a candidate, today and at a
//! later day, and the differences counted. Every outcome comes from the
//! rule functions the nightly jobs use (`member::sweep`,
//! `tier::recompute`, `Lots::lapsed`, `lead::expire`, `event::
//! full_refund_until`); nothing here decides an outcome by itself.

use super::dates::add_days;
use super::event::{full_refund_until, Event, EventStatus, Registration};
use super::lead::Lead;
use super::lead::{self, LeadStatus};
use super::ledger::LedgerEntry;
use super::member::{self, Member};
use super::points::Account;
use super::rules::ClubRules;
use super::tier::{self, TierChange};
use chrono::NaiveDate;
use std::collections::{BTreeMap, HashMap};

/// What the club holds, borrowed from the store.
pub struct Snapshot<'a> {
    pub members: &'a [Member],
    pub ledger: &'a [LedgerEntry],
    pub history: &'a [TierChange],
    pub accounts: &'a [Account],
    pub leads: &'a [Lead],
    pub events: &'a [Event],
    pub registrations: &'a [Registration],
}

/// One counted difference, or a changed setting (`when` is `None`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub when: Option<NaiveDate>,
    pub what: String,
    pub current: String,
    pub candidate: String,
    /// Members (or registrations, salespeople) the difference concerns.
    pub count: Option<i64>,
}

/// One member whose outcome differs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Move {
    pub when: NaiveDate,
    pub what: &'static str,
    pub member: String,
    pub current: String,
    pub candidate: String,
}

#[derive(Debug, Clone, Default)]
pub struct Diff {
    pub lines: Vec<Line>,
    pub moves: Vec<Move>,
}

impl Diff {
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty() && self.moves.is_empty()
    }
}

/// Each member's status and tier, by the member's index.
type Outcomes = Vec<(String, String)>;

/// Each member's status and tier on `day` under `rules`.
fn outcome(s: &Snapshot, day: NaiveDate, rules: &ClubRules) -> Outcomes {
    let mut out: Outcomes = s
        .members
        .iter()
        .map(|m| {
            let mut m = m.clone();
            member::sweep(&mut m, day, rules);
            (m.status.as_str().to_string(), m.tier)
        })
        .collect();
    for (i, c) in tier::recompute(s.members, s.ledger, s.history, day, rules).changes {
        out[i].1 = c.to;
    }
    out
}

/// Compares `current` with `candidate` on `today` and on `today + days`.
pub fn compare(
    s: &Snapshot,
    current: &ClubRules,
    candidate: &ClubRules,
    today: NaiveDate,
    days: u32,
) -> Diff {
    let mut diff = Diff {
        lines: settings(current, candidate),
        moves: Vec::new(),
    };
    let later = add_days(today, i64::from(days));
    let mut tiers_today = (Vec::new(), Vec::new());
    for day in [today, later] {
        let a = outcome(s, day, current);
        let b = outcome(s, day, candidate);
        let mut counts: BTreeMap<(&'static str, String, String), i64> = BTreeMap::new();
        for (m, (x, y)) in s.members.iter().zip(a.iter().zip(&b)) {
            for (what, cur, cand) in [("status", &x.0, &y.0), ("tier", &x.1, &y.1)] {
                if cur != cand {
                    *counts.entry((what, cur.clone(), cand.clone())).or_default() += 1;
                    diff.moves.push(Move {
                        when: day,
                        what,
                        member: m.id.clone(),
                        current: cur.clone(),
                        candidate: cand.clone(),
                    });
                }
            }
        }
        for ((what, cur, cand), n) in counts {
            diff.lines.push(Line {
                when: Some(day),
                what: what.to_string(),
                current: cur,
                candidate: cand,
                count: Some(n),
            });
        }
        if day == today {
            tiers_today = (a, b);
        }
        points(s, day, current, candidate, &mut diff);
        leads(s, day, current, candidate, &mut diff);
    }
    events(s, today, later, current, candidate, &tiers_today, &mut diff);
    diff
}

/// Points lapsed by `day` (written off by `points expire` that night).
fn points(s: &Snapshot, day: NaiveDate, cur: &ClubRules, cand: &ClubRules, diff: &mut Diff) {
    let (mut x, mut y, mut n) = (0, 0, 0);
    for a in s.accounts {
        let (p, q) = (a.lots.lapsed(day, cur), a.lots.lapsed(day, cand));
        x += p;
        y += q;
        if p != q {
            n += 1;
            diff.moves.push(Move {
                when: day,
                what: "points lapsed",
                member: a.member.clone(),
                current: p.to_string(),
                candidate: q.to_string(),
            });
        }
    }
    if n > 0 {
        diff.lines.push(Line {
            when: Some(day),
            what: "points lapsed".into(),
            current: x.to_string(),
            candidate: y.to_string(),
            count: Some(n),
        });
    }
}

/// Salespeople at or over the lead cap on `day` (they may claim nothing
/// new). Which leads are public by then does not depend on the rules: a
/// lead's last day is fixed when it is claimed, so `lead.valid_days`
/// changes only the claims made after it.
fn leads(s: &Snapshot, day: NaiveDate, cur: &ClubRules, cand: &ClubRules, diff: &mut Diff) {
    let mut l = s.leads.to_vec();
    lead::expire(&mut l, day, "");
    let mut held: HashMap<&str, u32> = HashMap::new();
    for l in l.iter().filter(|l| l.status == LeadStatus::Live) {
        *held.entry(l.owner.as_str()).or_default() += 1;
    }
    let at_cap = |rules: &ClubRules| {
        held.values()
            .filter(|n| **n >= rules.lead.max_active)
            .count()
    };
    let (x, y) = (at_cap(cur), at_cap(cand));
    if x != y {
        diff.lines.push(Line {
            when: Some(day),
            what: "salespeople at the lead cap".into(),
            current: x.to_string(),
            candidate: y.to_string(),
            count: None,
        });
    }
}

/// Planned events between today and `later`: their full-refund deadline,
/// and their registrants whose tier today falls below the event's minimum.
fn events(
    s: &Snapshot,
    today: NaiveDate,
    later: NaiveDate,
    cur: &ClubRules,
    cand: &ClubRules,
    tiers: &(Outcomes, Outcomes),
    diff: &mut Diff,
) {
    let index: HashMap<&str, usize> = s
        .members
        .iter()
        .enumerate()
        .map(|(i, m)| (m.id.as_str(), i))
        .collect();
    for e in s
        .events
        .iter()
        .filter(|e| e.status == EventStatus::Planned && e.date >= today && e.date <= later)
    {
        let regs: Vec<&Registration> = s
            .registrations
            .iter()
            .filter(|r| r.event == e.id && r.status.is_live())
            .collect();
        let (x, y) = (full_refund_until(e, cur), full_refund_until(e, cand));
        if x != y {
            diff.lines.push(Line {
                when: Some(e.date),
                what: format!("event {} full refund until", e.id),
                current: x.to_string(),
                candidate: y.to_string(),
                count: Some(regs.len() as i64),
            });
        }
        if e.min_tier.is_empty() {
            continue;
        }
        let below = |rules: &ClubRules, out: &[(String, String)]| {
            let min = rules.tier_rank(&e.min_tier);
            regs.iter()
                .filter(|r| {
                    let tier = index.get(r.member.as_str()).map(|i| out[*i].1.as_str());
                    match (min, tier.and_then(|t| rules.tier_rank(t))) {
                        (Some(min), Some(rank)) => rank < min,
                        _ => true,
                    }
                })
                .count()
        };
        let (x, y) = (below(cur, &tiers.0), below(cand, &tiers.1));
        if x != y {
            diff.lines.push(Line {
                when: Some(e.date),
                what: format!("event {} registrants below {}", e.id, e.min_tier),
                current: x.to_string(),
                candidate: y.to_string(),
                count: Some(regs.len() as i64),
            });
        }
    }
}

/// Every setting whose value differs, by its dotted name in club.toml
/// (`tiers.silver.min_spend`); the golden cases are not settings.
fn settings(cur: &ClubRules, cand: &ClubRules) -> Vec<Line> {
    let flat = |r: &ClubRules| {
        let mut out = BTreeMap::new();
        if let Ok(toml::Value::Table(t)) = toml::Value::try_from(r) {
            for (k, v) in t {
                if k != "case" {
                    flatten(&k, &v, &mut out);
                }
            }
        }
        out
    };
    let (a, b) = (flat(cur), flat(cand));
    let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter(|k| a.get(*k) != b.get(*k))
        .map(|k| Line {
            when: None,
            what: format!("setting {k}"),
            current: a.get(k).cloned().unwrap_or_else(|| "(none)".into()),
            candidate: b.get(k).cloned().unwrap_or_else(|| "(none)".into()),
            count: None,
        })
        .collect()
}

fn flatten(key: &str, v: &toml::Value, out: &mut BTreeMap<String, String>) {
    match v {
        toml::Value::Table(t) => {
            for (k, v) in t {
                flatten(&format!("{key}.{k}"), v, out);
            }
        }
        toml::Value::Array(items)
            if items.iter().all(toml::Value::is_table) && !items.is_empty() =>
        {
            for (i, item) in items.iter().enumerate() {
                let name = ["name", "code"]
                    .iter()
                    .find_map(|f| item.get(f).and_then(toml::Value::as_str))
                    .map_or(i.to_string(), str::to_string);
                flatten(&format!("{key}.{name}"), item, out);
            }
        }
        toml::Value::String(s) => {
            out.insert(key.to_string(), s.clone());
        }
        toml::Value::Float(f) => {
            out.insert(key.to_string(), format!("{f:.2}"));
        }
        other => {
            out.insert(key.to_string(), other.to_string());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ledger::EntryKind;
    use crate::domain::member::Status;
    use crate::domain::money::Cents;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn member(id: &str, tier: &str, expires: &str) -> Member {
        Member {
            id: id.into(),
            name: id.into(),
            phone: format!("1380000{}", &id[1..]),
            email: String::new(),
            gender: None,
            birthday: None,
            kind: Default::default(),
            nominee: String::new(),
            referrer: String::new(),
            source: String::new(),
            sales: String::new(),
            status: Status::Active,
            tier: tier.into(),
            card: "VIP000001".into(),
            applied: d("2025-01-01"),
            joined: Some(d("2025-01-01")),
            expires: Some(d(expires)),
            since: d("2025-01-01"),
            reason: String::new(),
            note: String::new(),
        }
    }

    fn spend(member: &str, date: &str, yuan: i64) -> LedgerEntry {
        LedgerEntry {
            id: "T00000001".into(),
            date: d(date),
            kind: EntryKind::Spend,
            member: member.into(),
            cents: Cents(yuan * 100),
            points: 0,
            reference: String::new(),
            operator: "office".into(),
            note: String::new(),
        }
    }

    fn diff(members: &[Member], ledger: &[LedgerEntry], cand: &ClubRules) -> Diff {
        let s = Snapshot {
            members,
            ledger,
            history: &[],
            accounts: &[],
            leads: &[],
            events: &[],
            registrations: &[],
        };
        compare(&s, &ClubRules::default(), cand, d("2026-11-25"), 30)
    }

    #[test]
    fn the_same_rules_make_no_difference() {
        let members = [member("M000001", "basic", "2026-12-01")];
        let ledger = [spend("M000001", "2026-11-01", 1800)];
        assert!(diff(&members, &ledger, &ClubRules::default()).is_empty());
    }

    #[test]
    fn a_lower_threshold_moves_the_member_just_under_it() {
        let members = [
            member("M000001", "basic", "2027-06-01"),
            member("M000002", "basic", "2027-06-01"),
        ];
        let ledger = [
            spend("M000001", "2026-11-01", 1800),
            spend("M000002", "2026-11-01", 1799),
        ];
        let mut cand = ClubRules::default();
        cand.tiers[1].min_spend = Cents(180000);
        let diff = diff(&members, &ledger, &cand);
        assert_eq!(diff.lines[0].what, "setting tiers.silver.min_spend");
        assert_eq!(diff.lines[0].current, "2000.00");
        assert_eq!(diff.lines[0].candidate, "1800.00");
        let today = &diff.lines[1];
        assert_eq!(
            (
                today.when,
                today.what.as_str(),
                today.current.as_str(),
                today.candidate.as_str(),
                today.count
            ),
            (Some(d("2026-11-25")), "tier", "basic", "silver", Some(1))
        );
        assert_eq!(diff.moves[0].member, "M000001");
    }

    #[test]
    fn an_event_in_the_window_reports_its_new_refund_deadline_and_one_after_it_does_not() {
        use crate::domain::event::{EventKind, EventStatus};
        let event = |id: &str, date: &str| Event {
            id: id.into(),
            title: id.into(),
            kind: EventKind::Social,
            date: d(date),
            end: None,
            location: String::new(),
            capacity: None,
            budget: Cents::ZERO,
            fee: Cents(5000),
            min_tier: String::new(),
            points: 0,
            status: EventStatus::Planned,
            cost: None,
            reason: String::new(),
        };
        // the last day of the window, and the day after it
        let events = [event("E0001", "2026-12-25"), event("E0002", "2026-12-26")];
        let s = Snapshot {
            members: &[],
            ledger: &[],
            history: &[],
            accounts: &[],
            leads: &[],
            events: &events,
            registrations: &[],
        };
        let mut cand = ClubRules::default();
        cand.events.refund_days_before = 7;
        let diff = compare(&s, &ClubRules::default(), &cand, d("2026-11-25"), 30);
        let lines: Vec<_> = diff.lines.iter().filter(|l| l.when.is_some()).collect();
        assert_eq!(lines.len(), 1, "{lines:?}");
        assert_eq!(lines[0].what, "event E0001 full refund until");
        assert_eq!(
            (lines[0].current.as_str(), lines[0].candidate.as_str()),
            ("2026-12-22", "2026-12-18")
        );
    }

    #[test]
    fn a_shorter_grace_expires_members_sooner_on_the_last_day_counted() {
        // expired 2026-11-01: grace (30 days) runs to 2026-12-01; with 20
        // days it ended 2026-11-21, so today they are expired already
        let members = [member("M000001", "basic", "2026-11-01")];
        let mut cand = ClubRules::default();
        cand.membership.grace_days = 24;
        let diff = diff(&members, &[], &cand);
        let moves: Vec<_> = diff
            .moves
            .iter()
            .map(|m| (m.when, m.what, m.current.as_str(), m.candidate.as_str()))
            .collect();
        // grace_days 24 ends 2026-11-25 (still grace today); 2026-12-25 both expired
        assert!(moves.is_empty(), "{moves:?}");
        cand.membership.grace_days = 23;
        let diff = super::tests::diff(&members, &[], &cand);
        assert_eq!(diff.moves.len(), 1);
        assert_eq!(diff.moves[0].current, "grace");
        assert_eq!(diff.moves[0].candidate, "expired");
    }
}
