//! Tier qualification: upgrades as soon as a member qualifies, downgrades
//! one step at a time, and only after a long quiet spell.

use super::dates::sub_months;
use super::ledger::{EntryKind, LedgerEntry};
use super::member::{Member, Status};
use super::money::Cents;
use super::rules::{ClubRules, Tier};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// What a member did inside the rolling window, plus their last purchase or
/// recharge ever.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Activity {
    /// Spend net of refunds.
    pub spend: Cents,
    /// Points earned or granted, net of reversals.
    pub points: i64,
    /// Purchases.
    pub visits: u32,
    /// The last purchase or recharge, window or not.
    pub last: Option<NaiveDate>,
}

impl Activity {
    /// Adds one of the member's entries, counting it towards the window when
    /// it falls inside (`today` minus the window, `today`].
    pub fn add(&mut self, e: &LedgerEntry, today: NaiveDate, rules: &ClubRules) {
        if e.date > today {
            return;
        }
        if matches!(e.kind, EntryKind::Spend | EntryKind::Recharge) {
            self.last = self.last.max(Some(e.date));
        }
        if e.date <= sub_months(today, rules.tier.window_months) {
            return;
        }
        match e.kind {
            EntryKind::Spend => {
                self.spend.0 += e.cents.0;
                self.visits += 1;
            }
            EntryKind::Reverse => {
                self.spend.0 += e.cents.0;
                self.points += e.points;
            }
            EntryKind::Earn | EntryKind::Grant => self.points += e.points,
            _ => {}
        }
    }
}

/// Spend or points, and visits when the tier asks for them.
pub fn qualifies(t: &Tier, a: &Activity) -> bool {
    let by_amount = (t.min_spend.0 == 0 && t.min_points == 0)
        || (t.min_spend.0 > 0 && a.spend >= t.min_spend)
        || (t.min_points > 0 && a.points >= t.min_points);
    by_amount && a.visits >= t.min_visits
}

/// The highest tier the activity qualifies for (0, the entry tier, at least).
pub fn highest(rules: &ClubRules, a: &Activity) -> usize {
    rules
        .tiers
        .iter()
        .rposition(|t| qualifies(t, a))
        .unwrap_or(0)
}

/// One line of `tier_history.csv`: a tier change and the figures behind it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TierChange {
    pub date: NaiveDate,
    pub member: String,
    pub from: String,
    pub to: String,
    pub reason: String,
}

/// A drop a recharge may undo (级别归还): the member's last tier change,
/// when it took them down the ladder, and what they recharged after it
/// within `tier.restore_within_months`.
#[derive(Debug, Clone, Copy)]
pub struct Restorable<'a> {
    pub drop: &'a TierChange,
    pub recharged: Cents,
}

impl<'a> Restorable<'a> {
    /// `last` is the member's last tier change; `None` unless it was a drop
    /// and the rule is on.
    pub fn of(last: Option<&'a TierChange>, rules: &ClubRules) -> Option<Restorable<'a>> {
        let c = last?;
        let down = rules.tier_rank(&c.to)? < rules.tier_rank(&c.from)?;
        (rules.tier.restore_on_recharge && down).then_some(Restorable {
            drop: c,
            recharged: Cents::ZERO,
        })
    }

    /// Counts a recharge made after the drop (not on its day), by the end
    /// of the restore window and by today.
    pub fn add(&mut self, e: &LedgerEntry, today: NaiveDate, rules: &ClubRules) {
        let until = super::dates::add_months(self.drop.date, rules.tier.restore_within_months);
        if e.kind == EntryKind::Recharge
            && e.member == self.drop.member
            && e.date > self.drop.date
            && e.date <= until
            && e.date <= today
        {
            self.recharged.0 += e.cents.0;
        }
    }
}

/// [`decide`], and first the restore of a dropped tier by recharging
/// (`tier.restore_on_recharge`), unless the member qualifies for as much or
/// more on their figures alone.
pub fn decide_with_restore(
    member: &str,
    tier: &str,
    a: &Activity,
    quiet_since: NaiveDate,
    today: NaiveDate,
    rules: &ClubRules,
    restore: Option<Restorable>,
) -> Option<TierChange> {
    if let Some(r) = restore.filter(|r| r.drop.to == tier) {
        let min = rules.tier.restore_min_recharge;
        let lost = rules.tier_rank(&r.drop.from);
        let current = rules.tier_rank(tier);
        if r.recharged.0 > 0
            && r.recharged >= min
            && lost > current
            && lost >= Some(highest(rules, a))
        {
            return Some(TierChange {
                date: today,
                member: member.to_string(),
                from: tier.to_string(),
                to: r.drop.from.clone(),
                reason: format!(
                    "regains {} (tier.restore_on_recharge): recharged {} yuan since dropping on {}, at least {min} within {} months",
                    r.drop.from, r.recharged, r.drop.date, rules.tier.restore_within_months
                ),
            });
        }
    }
    decide(member, tier, a, quiet_since, today, rules)
}

/// The change `tier recompute` makes for a member on `tier` today, if any.
/// `quiet_since` is the later of the member's join date and their last tier
/// change: a downgrade needs `tier.downgrade_after_months` with no purchase
/// or recharge counted from the latest of those, so one step is taken per
/// quiet spell and a second run the same day changes nothing.
pub fn decide(
    member: &str,
    tier: &str,
    a: &Activity,
    quiet_since: NaiveDate,
    today: NaiveDate,
    rules: &ClubRules,
) -> Option<TierChange> {
    let figures = format!(
        "spend {} yuan, {} points, {} visits in {} months",
        a.spend, a.points, a.visits, rules.tier.window_months
    );
    let change = |to: &Tier, reason: String| TierChange {
        date: today,
        member: member.to_string(),
        from: tier.to_string(),
        to: to.name.clone(),
        reason,
    };
    let Some(current) = rules.tier_rank(tier) else {
        // A tier no longer in club.toml: place the member where they qualify.
        let to = &rules.tiers[highest(rules, a)];
        return Some(change(
            to,
            format!("tier '{tier}' is not in club.toml; {figures}"),
        ));
    };
    let best = highest(rules, a);
    if best > current {
        let to = &rules.tiers[best];
        return Some(change(
            to,
            format!("qualifies for {}: {figures}", describe(to)),
        ));
    }
    if best < current {
        let since = a.last.map_or(quiet_since, |l| l.max(quiet_since));
        let due = downgrade_due(a, quiet_since, rules);
        if today >= due {
            let to = &rules.tiers[current - 1];
            let last = a.last.map_or("no purchase or recharge".to_string(), |l| {
                format!("last purchase or recharge {l}")
            });
            return Some(change(
                to,
                format!(
                    "below {}: {figures}; {last}, quiet since {since} for {} months or more",
                    describe(&rules.tiers[current]),
                    rules.tier.downgrade_after_months
                ),
            ));
        }
    }
    None
}

/// The first day a member below their tier's minimum drops a step:
/// `tier.downgrade_after_months` after the later of their last purchase or
/// recharge and `quiet_since`.
pub fn downgrade_due(a: &Activity, quiet_since: NaiveDate, rules: &ClubRules) -> NaiveDate {
    let since = a.last.map_or(quiet_since, |l| l.max(quiet_since));
    super::dates::add_months(since, rules.tier.downgrade_after_months)
}

/// Where a member's quiet spell starts: the later of their join date (the
/// application, if never approved) and their last tier change.
pub fn quiet_since(m: &Member, last_change: Option<NaiveDate>) -> NaiveDate {
    let start = m.joined.unwrap_or(m.applied);
    last_change.map_or(start, |d| d.max(start))
}

/// What `tier recompute` would do on `today`: the members considered
/// (active or in grace) and each change, with the member's index.
#[derive(Debug, Clone, Default)]
pub struct Recompute {
    pub considered: usize,
    pub changes: Vec<(usize, TierChange)>,
}

/// The nightly recompute over the whole club, as a pure function of the
/// members, the ledger, the tier history, the day and the rules.
pub fn recompute(
    members: &[Member],
    ledger: &[LedgerEntry],
    history: &[TierChange],
    today: NaiveDate,
    rules: &ClubRules,
) -> Recompute {
    let mut activity: HashMap<&str, Activity> = HashMap::new();
    for e in ledger {
        activity
            .entry(e.member.as_str())
            .or_default()
            .add(e, today, rules);
    }
    let mut last_change: HashMap<&str, NaiveDate> = HashMap::new();
    let mut last: HashMap<&str, &TierChange> = HashMap::new();
    for c in history {
        let d = last_change.entry(c.member.as_str()).or_insert(c.date);
        *d = (*d).max(c.date);
        let l = last.entry(c.member.as_str()).or_insert(c);
        if c.date >= l.date {
            *l = c;
        }
    }
    // Members whose last change was a drop that a recharge may undo
    // (tier.restore_on_recharge), with what they recharged since.
    let mut restorable: HashMap<&str, Restorable> = last
        .iter()
        .filter_map(|(m, c)| Some((*m, Restorable::of(Some(c), rules)?)))
        .collect();
    if !restorable.is_empty() {
        for e in ledger {
            if let Some(r) = restorable.get_mut(e.member.as_str()) {
                r.add(e, today, rules);
            }
        }
    }
    let mut out = Recompute::default();
    for (i, m) in members.iter().enumerate() {
        if !matches!(m.status, Status::Active | Status::Grace) {
            continue;
        }
        out.considered += 1;
        let a = activity.get(m.id.as_str()).copied().unwrap_or_default();
        let since = quiet_since(m, last_change.get(m.id.as_str()).copied());
        let restore = restorable.get(m.id.as_str()).copied();
        if let Some(c) = decide_with_restore(&m.id, &m.tier, &a, since, today, rules, restore) {
            out.changes.push((i, c));
        }
    }
    out
}

/// A tier's minimum in words, e.g. `silver (spend 2000.00 or 5000 points)`.
pub fn describe(t: &Tier) -> String {
    let mut parts = Vec::new();
    if t.min_spend.0 > 0 {
        parts.push(format!("spend {}", t.min_spend));
    }
    if t.min_points > 0 {
        parts.push(format!("{} points", t.min_points));
    }
    let mut s = format!("{} (", t.name);
    s += &if parts.is_empty() {
        "no minimum".to_string()
    } else {
        parts.join(" or ")
    };
    if t.min_visits > 0 {
        s += &format!(", {} visits", t.min_visits);
    }
    s + ")"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_restore_counts_recharges_from_the_day_after_the_drop_to_the_window_end() {
        let mut rules = ClubRules::default();
        rules.tier.restore_on_recharge = true;
        rules.tier.restore_within_months = 1;
        let drop = TierChange {
            date: d("2028-01-31"),
            member: "M000001".into(),
            from: "gold".into(),
            to: "silver".into(),
            reason: String::new(),
        };
        let recharge = |date: &str| LedgerEntry {
            kind: EntryKind::Recharge,
            ..spend(date, 100)
        };
        let mut r = Restorable::of(Some(&drop), &rules).unwrap();
        // The drop day itself, and the day after the window (2028-02-29).
        for day in ["2028-01-31", "2028-03-01"] {
            r.add(&recharge(day), d("2028-03-31"), &rules);
        }
        assert_eq!(r.recharged, Cents::ZERO);
        for day in ["2028-02-01", "2028-02-29"] {
            r.add(&recharge(day), d("2028-03-31"), &rules);
        }
        assert_eq!(r.recharged, Cents(20000));
        let a = Activity::default();
        let c = decide_with_restore(
            "M000001",
            "silver",
            &a,
            drop.date,
            d("2028-03-31"),
            &rules,
            Some(r),
        )
        .unwrap();
        assert_eq!(c.to, "gold");
        // An upgrade or the rule switched off: nothing to restore.
        let up = TierChange {
            from: "silver".into(),
            to: "gold".into(),
            ..drop.clone()
        };
        assert!(Restorable::of(Some(&up), &rules).is_none());
        rules.tier.restore_on_recharge = false;
        assert!(Restorable::of(Some(&drop), &rules).is_none());
    }

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn spend(date: &str, yuan: i64) -> LedgerEntry {
        LedgerEntry {
            id: "T00000001".into(),
            date: d(date),
            kind: EntryKind::Spend,
            member: "M000001".into(),
            cents: Cents(yuan * 100),
            points: 0,
            reference: String::new(),
            operator: "office".into(),
            note: String::new(),
        }
    }

    fn activity(entries: &[LedgerEntry], today: &str) -> Activity {
        let rules = ClubRules::default();
        let mut a = Activity::default();
        for e in entries {
            a.add(e, d(today), &rules);
        }
        a
    }

    #[test]
    fn upgrades_straight_to_the_highest_tier_qualified_for() {
        let rules = ClubRules::default();
        let a = activity(&[spend("2026-06-01", 6000)], "2026-11-25");
        let c = decide(
            "M000001",
            "basic",
            &a,
            d("2026-01-01"),
            d("2026-11-25"),
            &rules,
        )
        .unwrap();
        assert_eq!(c.to, "gold");
        assert!(c.reason.contains("spend 6000.00"), "{}", c.reason);
    }

    #[test]
    fn the_window_drops_spend_older_than_window_months() {
        // 12 months back to the day is outside; the day after is inside
        let a = activity(&[spend("2025-11-25", 3000)], "2026-11-25");
        assert_eq!(a.spend, Cents::ZERO);
        let a = activity(&[spend("2025-11-26", 3000)], "2026-11-25");
        assert_eq!(a.spend, Cents(300000));
        assert_eq!(a.last, Some(d("2025-11-26")));
    }

    #[test]
    fn downgrade_waits_for_downgrade_after_months_of_quiet_to_the_day() {
        let rules = ClubRules::default();
        let a = activity(&[spend("2025-06-10", 6000)], "2026-06-09");
        // still inside the window: keeps gold
        assert!(decide("M1", "gold", &a, d("2025-01-01"), d("2026-06-09"), &rules).is_none());
        // out of the window, but the last purchase is 12 months ago only
        // from 2026-06-10: the day before, nothing happens
        let a = activity(&[spend("2025-06-10", 6000)], "2026-06-09");
        let a_out = Activity {
            spend: Cents::ZERO,
            ..a
        };
        assert!(decide(
            "M1",
            "gold",
            &a_out,
            d("2025-01-01"),
            d("2026-06-09"),
            &rules
        )
        .is_none());
        let a = activity(&[spend("2025-06-10", 6000)], "2026-06-10");
        assert_eq!(a.spend, Cents::ZERO);
        let c = decide("M1", "gold", &a, d("2025-01-01"), d("2026-06-10"), &rules).unwrap();
        assert_eq!(c.to, "silver", "one step only");
        // after that change, the quiet spell starts again from its day
        assert!(decide("M1", "silver", &a, d("2026-06-10"), d("2026-06-10"), &rules).is_none());
        assert!(decide("M1", "silver", &a, d("2026-06-10"), d("2027-06-09"), &rules).is_none());
        let c = decide("M1", "silver", &a, d("2026-06-10"), d("2027-06-10"), &rules).unwrap();
        assert_eq!(c.to, "basic");
    }

    #[test]
    fn a_recent_purchase_keeps_the_tier_even_below_its_minimum() {
        let rules = ClubRules::default();
        let a = activity(&[spend("2026-11-01", 10)], "2026-11-25");
        assert!(decide("M1", "gold", &a, d("2020-01-01"), d("2026-11-25"), &rules).is_none());
    }

    #[test]
    fn visits_are_required_when_the_tier_names_them() {
        let mut rules = ClubRules::default();
        rules.tiers[1].min_visits = 3;
        let a = activity(
            &[spend("2026-11-01", 2500), spend("2026-11-02", 1)],
            "2026-11-25",
        );
        assert_eq!(highest(&rules, &a), 0);
        let a = activity(
            &[
                spend("2026-11-01", 2500),
                spend("2026-11-02", 1),
                spend("2026-11-03", 1),
            ],
            "2026-11-25",
        );
        assert_eq!(highest(&rules, &a), 1);
    }
}
