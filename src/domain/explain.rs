//! `explain`: why a member has their status and tier, how a ledger entry
//! was computed, who owns a lead and whether a claim would pass. Each line
//! names the `club.toml` setting behind it, so the office knows what to
//! change; the figures come from the same rule functions the commands and
//! nightly jobs use.

use super::dates::{add_days, sub_months};
use super::error::DomainError;
use super::lead::{self, Claim, Lead, LeadStatus};
use super::ledger::{EntryKind, LedgerEntry};
use super::member::{self, Member, Status};
use super::money::Cents;
use super::points::{self, Account};
use super::rules::{ClubRules, Tier};
use super::tier::{self, Activity, TierChange};
use chrono::NaiveDate;

/// One line of an explanation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub topic: String,
    pub value: String,
    /// The club.toml setting behind it (blank: a fact, no rule).
    pub setting: String,
}

fn line(topic: &str, value: impl Into<String>, setting: &str) -> Line {
    Line {
        topic: topic.to_string(),
        value: value.into(),
        setting: setting.to_string(),
    }
}

fn tier_keys(t: &Tier) -> String {
    let mut keys = vec![
        format!("tiers.{}.min_spend", t.name),
        format!("tiers.{}.min_points", t.name),
    ];
    if t.min_visits > 0 {
        keys.push(format!("tiers.{}.min_visits", t.name));
    }
    keys.join(", ")
}

/// What a member needs beyond `a` to reach `t`.
fn short_of(t: &Tier, a: &Activity) -> String {
    if tier::qualifies(t, a) {
        return "met".into();
    }
    let mut parts = Vec::new();
    if t.min_spend.0 > 0 {
        parts.push(format!("{} more spend", Cents(t.min_spend.0 - a.spend.0)));
    }
    if t.min_points > 0 {
        parts.push(format!("{} more points", t.min_points - a.points));
    }
    let mut s = if parts.is_empty() {
        String::new()
    } else {
        format!("needs {}", parts.join(" or "))
    };
    if a.visits < t.min_visits {
        if !s.is_empty() {
            s += ", and ";
        } else {
            s += "needs ";
        }
        s += &format!("{} more visits", t.min_visits - a.visits);
    }
    s
}

/// A member's status, term, tier and points. `entries` and `history` are
/// the member's own; `account` their points lots.
pub fn member(
    m: &Member,
    entries: &[LedgerEntry],
    history: &[TierChange],
    account: &Account,
    today: NaiveDate,
    rules: &ClubRules,
) -> Vec<Line> {
    let mut out = vec![line(
        "status",
        format!("{} ({}) since {}", m.status, m.status.zh(), m.since),
        "",
    )];
    if let Some(expires) = m.expires {
        let grace = member::grace_end(expires, rules);
        out.push(line(
            "term",
            format!(
                "joined {}, expires {expires}",
                m.joined.map_or("-".to_string(), |d| d.to_string())
            ),
            "membership.term_months",
        ));
        out.push(line(
            "grace",
            format!(
                "may renew in grace until {grace}; expired from {}",
                add_days(grace, 1)
            ),
            "membership.grace_days",
        ));
        match m.status {
            Status::Grace | Status::Expired => out.push(line(
                "status rule",
                format!(
                    "moved to {} on {} by the nightly sweep: {}",
                    m.status, m.since, m.reason
                ),
                "membership.grace_days",
            )),
            Status::Active | Status::Frozen => {
                let due = member::status_by_date(expires, today, rules);
                if due != Status::Active {
                    out.push(line(
                        "status rule",
                        format!("past its expiry: the next sweep makes it {due}"),
                        "membership.grace_days",
                    ));
                }
            }
            _ => {}
        }
    }
    if !m.reason.is_empty() && !matches!(m.status, Status::Grace | Status::Expired) {
        out.push(line("reason", m.reason.clone(), ""));
    }
    tier_lines(m, entries, history, today, rules, &mut out);
    out.push(line(
        "points",
        format!(
            "{} held, {} to spend today",
            account.points,
            account.available(today, rules)
        ),
        "",
    ));
    let lapsed = account.lots.lapsed(today, rules);
    if lapsed > 0 {
        out.push(line(
            "points lapsed",
            format!("{lapsed} lapsed and are written off by the next `points expire`"),
            "points.validity_months",
        ));
    }
    out.push(line(
        "next lapse",
        match account.lots.next_expiry(today, rules) {
            Some((day, n)) => {
                // the lots lapsing that day (several earned days can share
                // one lapse day at a month end)
                let earned: Vec<String> = account
                    .lots
                    .0
                    .iter()
                    .filter(|l| l.expires(rules) == day)
                    .map(|l| l.earned.to_string())
                    .collect();
                format!("{n} points on {day} (earned {})", earned.join(", "))
            }
            None => "none: no points are held".into(),
        },
        "points.validity_months",
    ));
    out
}

fn tier_lines(
    m: &Member,
    entries: &[LedgerEntry],
    history: &[TierChange],
    today: NaiveDate,
    rules: &ClubRules,
    out: &mut Vec<Line>,
) {
    let mut a = Activity::default();
    for e in entries {
        a.add(e, today, rules);
    }
    let from = add_days(sub_months(today, rules.tier.window_months), 1);
    out.push(line(
        "tier",
        match rules.tier(&m.tier) {
            Some(t) => format!("{} ({})", t.name, t.zh),
            None => format!("{} (not in [[tiers]] any more)", m.tier),
        },
        "",
    ));
    out.push(line(
        "window",
        format!(
            "{from} to {today}: spend {}, {} points, {} visits",
            a.spend, a.points, a.visits
        ),
        "tier.window_months",
    ));
    let best = tier::highest(rules, &a);
    out.push(line(
        "qualifies for",
        rules.tiers[best].name.clone(),
        &tier_keys(&rules.tiers[best]),
    ));
    let Some(rank) = rules.tier_rank(&m.tier) else {
        return;
    };
    let t = &rules.tiers[rank];
    out.push(line(
        "keeps tier at",
        format!("{}: {}", tier::describe(t), short_of(t, &a)),
        &tier_keys(t),
    ));
    if let Some(up) = rules.tiers.get(rank + 1) {
        out.push(line(
            "next tier at",
            format!("{}: {}", tier::describe(up), short_of(up, &a)),
            &tier_keys(up),
        ));
    }
    if rank > 0 {
        let below = &rules.tiers[rank - 1];
        out.push(line("tier below", tier::describe(below), &tier_keys(below)));
    }
    let last_change = history
        .iter()
        .filter(|c| c.member == m.id)
        .map(|c| c.date)
        .max();
    let since = tier::quiet_since(m, last_change);
    let last = a
        .last
        .map_or("no purchase or recharge yet".to_string(), |d| {
            format!("last purchase or recharge {d}")
        });
    let downgrade = if best > rank {
        "none: the next `tier recompute` upgrades the member".to_string()
    } else if best == rank {
        format!("none while the member qualifies; {last}")
    } else if rank == 0 {
        "none: the entry tier".to_string()
    } else {
        let due = tier::downgrade_due(&a, since, rules);
        format!(
            "to {} on {due} unless they buy or recharge first ({last}; quiet since {})",
            rules.tiers[rank - 1].name,
            a.last.map_or(since, |l| l.max(since))
        )
    };
    out.push(line("downgrade", downgrade, "tier.downgrade_after_months"));
}

/// The multiplier written in an earn entry's note (`... × 120%`).
fn noted_multiplier(note: &str) -> Option<u32> {
    note.rsplit('×')
        .next()?
        .trim()
        .strip_suffix('%')?
        .trim()
        .parse()
        .ok()
}

/// How a ledger entry was computed, and what it paid for or took back.
/// `related` holds the entries it references and those referencing it.
pub fn entry(e: &LedgerEntry, related: &[LedgerEntry], rules: &ClubRules) -> Vec<Line> {
    let mut out = vec![line(
        "entry",
        format!(
            "{} {} of {} on {} by {}",
            e.id,
            e.kind.as_str(),
            e.member,
            e.date,
            e.operator
        ),
        "",
    )];
    if e.cents.0 != 0 {
        out.push(line("amount", e.cents.to_string(), ""));
    }
    if e.points != 0 {
        out.push(line("points", e.points.to_string(), ""));
    }
    let referenced = related.iter().find(|r| r.id == e.reference);
    let by = |kind: EntryKind| {
        related
            .iter()
            .filter(move |r| r.kind == kind && r.reference == e.id)
    };
    match e.kind {
        EntryKind::Spend => {
            let excluded = rules
                .points
                .excluded_categories
                .iter()
                .any(|c| c.eq_ignore_ascii_case(&e.note));
            out.push(line(
                "category",
                if e.note.is_empty() {
                    "none".to_string()
                } else if excluded {
                    format!("{}: excluded, earns no points", e.note)
                } else {
                    format!("{}: earns points", e.note)
                },
                "points.excluded_categories",
            ));
            if !e.reference.is_empty() {
                out.push(line("receipt", e.reference.clone(), ""));
            }
            for r in by(EntryKind::Earn) {
                out.push(line(
                    "earned",
                    format!("{} points by entry {}", r.points, r.id),
                    "points.per_yuan",
                ));
            }
            for r in by(EntryKind::Reverse) {
                out.push(line(
                    "reversed by",
                    format!("entry {} on {}: {}", r.id, r.date, r.note),
                    "",
                ));
            }
        }
        EntryKind::Earn => {
            if let Some(s) = referenced {
                let mult = noted_multiplier(&e.note).unwrap_or(100);
                out.push(line(
                    "for purchase",
                    format!("entry {}: spend {} on {}", s.id, s.cents, s.date),
                    "",
                ));
                out.push(line(
                    "rate",
                    format!("{} points per yuan", rules.points.per_yuan),
                    "points.per_yuan",
                ));
                let tiers: Vec<String> = rules
                    .tiers
                    .iter()
                    .filter(|t| t.multiplier.0 == mult)
                    .map(|t| format!("tiers.{}.multiplier", t.name))
                    .collect();
                out.push(line(
                    "multiplier",
                    format!("{}% (the member's tier on {})", mult, e.date),
                    &if tiers.is_empty() {
                        "tiers.NAME.multiplier".to_string()
                    } else {
                        tiers.join(", ")
                    },
                ));
                let now = points::earned(s.cents, &s.note, mult, rules);
                out.push(line(
                    "computed",
                    format!(
                        "{} × {} × {}% = {}, rounded down to {now}",
                        s.cents,
                        rules.points.per_yuan,
                        mult,
                        raw_points(s.cents, rules.points.per_yuan, mult)
                    ),
                    "points.per_yuan",
                ));
                if now != e.points {
                    out.push(line(
                        "recorded",
                        format!(
                            "{} points were recorded; the rules in force now give {now} (club.toml changed since)",
                            e.points
                        ),
                        "points.per_yuan",
                    ));
                }
            }
        }
        EntryKind::Reverse => {
            if let Some(s) = referenced {
                out.push(line(
                    "reverses",
                    format!("purchase {} of {} on {}", s.id, s.cents, s.date),
                    "",
                ));
            }
            out.push(line("reason", e.note.clone(), ""));
        }
        EntryKind::Recharge => {
            for r in related.iter().filter(|r| r.reference == e.id) {
                out.push(line(
                    "paid",
                    format!(
                        "{} {} to {}: {}",
                        r.kind.as_str(),
                        if r.points != 0 {
                            format!("{} points", r.points)
                        } else {
                            r.cents.to_string()
                        },
                        r.member,
                        r.note
                    ),
                    if r.note.starts_with("referral") {
                        "referral.percent"
                    } else {
                        "recharge.bonus"
                    },
                ));
            }
        }
        EntryKind::Bonus | EntryKind::Grant if e.note.starts_with("referral") => {
            if let Some(r) = referenced {
                out.push(line(
                    "referral",
                    format!(
                        "{}% of the first recharge {} of {} ({}), paid as {}",
                        rules.referral.percent, r.cents, r.member, r.id, rules.referral.reward
                    ),
                    "referral.percent, referral.reward",
                ));
            }
        }
        EntryKind::Bonus => {
            if let Some(r) = referenced {
                let now = points::bonus(r.cents, r.date, rules);
                out.push(line(
                    "campaign",
                    format!(
                        "{} on recharge {} of {} on {}",
                        e.note, r.id, r.cents, r.date
                    ),
                    "recharge.bonus",
                ));
                out.push(line(
                    "rules in force now",
                    match now {
                        Some((c, amount)) => {
                            format!("{} +{}% gives {amount}", c.name, c.percent)
                        }
                        None => "no campaign covers that day and amount".into(),
                    },
                    "recharge.bonus",
                ));
            }
        }
        EntryKind::Grant => out.push(line("reason", e.note.clone(), "")),
        EntryKind::Redeem => out.push(line(
            "paid for",
            format!("{} {}", e.reference, e.note).trim().to_string(),
            "rewards",
        )),
        EntryKind::Expire => out.push(line(
            "lapsed",
            format!(
                "points earned on or before {} lapsed",
                sub_months(e.date, rules.points.validity_months)
            ),
            "points.validity_months",
        )),
        EntryKind::Dues => out.push(line("dues", e.note.clone(), "membership.dues")),
        EntryKind::Fee => out.push(line("fee", e.note.clone(), "card.reissue_fee")),
        EntryKind::Forfeit | EntryKind::Pay => out.push(line("note", e.note.clone(), "")),
    }
    out
}

/// spend × rate × multiplier before rounding, to two decimals.
fn raw_points(spend: Cents, per_yuan: u32, mult: u32) -> String {
    let v = i128::from(spend.0) * i128::from(per_yuan) * i128::from(mult);
    // v is in 1/10000 of a point; show hundredths, cut (not rounded)
    let hundredths = v / 100;
    format!("{}.{:02}", hundredths / 100, (hundredths % 100).abs())
}

/// A lead's owner and days, and with `claim_by` whether that claim would be
/// accepted now. `leads` are all leads as `lead expire` leaves them today.
pub fn lead(
    l: &Lead,
    claim_by: Option<&str>,
    leads: &[Lead],
    members: &[Member],
    today: NaiveDate,
    rules: &ClubRules,
) -> Vec<Line> {
    let mut out = vec![
        line("lead", format!("{} {} ({})", l.id, l.name, l.phone), ""),
        line("status", format!("{} since {}", l.status, l.since), ""),
        line("owner", format!("{} since {}", l.owner, l.claimed), ""),
        line(
            "last valid day",
            format!(
                "{} (fixed when claimed: {} days from {})",
                l.until,
                (l.until - l.claimed).num_days() + 1,
                l.claimed
            ),
            "lead.valid_days",
        ),
    ];
    match l.status {
        LeadStatus::Live => out.push(line(
            "public from",
            format!(
                "{}, {} days from today, unless it is converted first",
                add_days(l.until, 1),
                (add_days(l.until, 1) - today).num_days()
            ),
            "lead.valid_days",
        )),
        LeadStatus::Public => {
            let free = add_days(l.since, i64::from(rules.lead.reclaim_cooldown_days));
            out.push(line(
                "former owner",
                if free <= today {
                    format!("{} may claim it again (since {free})", l.owner)
                } else {
                    format!("{} may claim it again from {free}", l.owner)
                },
                "lead.reclaim_cooldown_days",
            ));
        }
        LeadStatus::Converted => out.push(line(
            "converted",
            format!("into member {} on {}", l.member, l.since),
            "",
        )),
    }
    if let Some(by) = claim_by {
        let c = Claim {
            sales: by.to_string(),
            name: l.name.clone(),
            phone: l.phone.clone(),
            company: l.company.clone(),
            nominee: l.nominee.clone(),
            note: String::new(),
        };
        let held = leads
            .iter()
            .filter(|x| x.status == LeadStatus::Live && x.owner == by)
            .count();
        out.push(line(
            "claimant holds",
            format!("{held} live leads of {} allowed", rules.lead.max_active),
            "lead.max_active",
        ));
        let (value, setting) = match lead::claim(c, "L?".into(), today, rules, leads, members) {
            Ok(_) => (
                format!(
                    "accepted: {by} would own it until {}",
                    lead::last_valid_day(today, rules)
                ),
                "lead.valid_days".to_string(),
            ),
            Err(DomainError::Refused(msg)) | Err(DomainError::Invalid(msg)) => {
                let setting = [
                    "lead.max_active",
                    "lead.reclaim_cooldown_days",
                    "lead.valid_days",
                ]
                .into_iter()
                .filter(|k| msg.contains(k))
                .collect::<Vec<_>>()
                .join(", ");
                // First registration wins: the holder keeps it for its valid days.
                let setting = if setting.is_empty() && msg.contains("already held by live lead") {
                    "lead.valid_days".to_string()
                } else {
                    setting
                };
                (format!("refused: {msg}"), setting)
            }
            Err(DomainError::NotFound(msg)) => (format!("refused: {msg}"), String::new()),
        };
        out.push(line(&format!("claim by {by}"), value, &setting));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_multiplier_is_read_back_from_the_earn_note() {
        assert_eq!(noted_multiplier("128.50 yuan × 1 × 120%"), Some(120));
        assert_eq!(noted_multiplier("by hand"), None);
    }

    #[test]
    fn raw_points_show_what_rounding_cut() {
        assert_eq!(raw_points(Cents(12850), 1, 120), "154.20");
        assert_eq!(raw_points(Cents(199), 1, 150), "2.98");
    }

    #[test]
    fn short_of_a_tier_says_what_is_missing() {
        let rules = ClubRules::default();
        let a = Activity {
            spend: Cents(199_999),
            points: 4000,
            visits: 3,
            last: None,
        };
        assert_eq!(
            short_of(&rules.tiers[1], &a),
            "needs 0.01 more spend or 1000 more points"
        );
        let a = Activity {
            spend: Cents(200_000),
            ..a
        };
        assert_eq!(short_of(&rules.tiers[1], &a), "met");
    }
}
