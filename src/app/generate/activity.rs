//! The members' activity: purchases at the till with the points they earn,
//! hand grants, redemptions against the catalogue and offsets against a
//! bill, the stored-value wallet with its campaigns and referral rewards,
//! forfeits on leaving, and the nightly `points expire` and `tier
//! recompute`. Every posting goes through the `Book`, and every decision
//! through the domain functions the points, wallet and tier commands use.

use super::{spring_festival, Event, Sim, CRON};
use crate::app::points::{expire_lapsed, post as post_grant, Grant};
use crate::domain::dates::{add_days, add_months, sub_months};
use crate::domain::ledger::{EntryKind, LedgerEntry};
use crate::domain::member::Status;
use crate::domain::points::{self, ReferralReward};
use crate::domain::rules::RewardRule;
use crate::domain::tier::{self, Activity, TierChange};
use crate::domain::Cents;
use crate::error::{Error, Result};
use chrono::{Datelike, NaiveDate, Weekday};
use rand::RngExt;
use std::fmt::Write as _;

/// The operator of the till, where purchases and wallet payments are rung up.
pub(super) const TILL: &str = "till";

/// What the till sells: category, share of purchases, typical amount in
/// yuan. `specials` and `voucher` are the club's excluded categories.
const CATEGORIES: &[(&str, u32, f64)] = &[
    ("dining", 30, 180.0),
    ("retail", 22, 260.0),
    ("beverage", 14, 60.0),
    ("spa", 8, 480.0),
    ("golf", 6, 900.0),
    ("specials", 12, 120.0),
    ("voucher", 8, 200.0),
];

/// Visits to the till per day by spending class (the tier a member's
/// habits aim at), before the season thins them out.
const VISIT_RATE: [f64; 4] = [0.005, 0.03, 0.065, 0.16];
/// How much more than an ordinary member each class spends per visit.
const SPEND_FACTOR: [f64; 4] = [0.8, 1.0, 1.4, 3.2];
/// Share of each class that uses the wallet.
const WALLET_SHARE: [f64; 4] = [0.04, 0.1, 0.2, 0.35];
/// Share of cash purchases brought back for a refund.
const REFUND_SHARE: f64 = 0.008;
/// Share of members whose visits stop some months after they join.
const FADE: f64 = 0.25;
/// Share of the lowest class that never buys anything.
const NEVER_BUY: f64 = 0.4;
/// The highest `spend_weight`: visits are kept with probability weight / this.
const MAX_SPEND_WEIGHT: f64 = 2.6;
/// The most points offset against one bill.
const MAX_OFFSET: i64 = 5_000;
/// Recharge amounts offered at the desk, in yuan.
const RECHARGES: &[i64] = &[500, 1000, 2000, 3000, 5000, 10_000];

/// How busy the till is on `day`: before Spring Festival, the National Day
/// week, Double Eleven and December are busy, the holiday itself and
/// summer quiet, weekends busier than weekdays.
pub(super) fn spend_weight(day: NaiveDate) -> f64 {
    let to_festival = (spring_festival(day.year()) - day).num_days();
    let mut w: f64 = if (1..=21).contains(&to_festival) {
        1.7
    } else if (-6..=0).contains(&to_festival) {
        0.6
    } else {
        match (day.month(), day.day()) {
            (10, 1..=7) => 1.6,
            (11, 11) => 2.0,
            (12, _) => 1.25,
            (7 | 8, _) => 0.85,
            _ => 1.0,
        }
    };
    w *= match day.weekday() {
        Weekday::Sat => 1.3,
        Weekday::Sun => 1.2,
        _ => 1.0,
    };
    w.min(MAX_SPEND_WEIGHT)
}

/// The recharge campaigns of the generated club.toml, for every year the
/// history touches: a Spring Festival bonus, an autumn one and Double
/// Eleven, as `[[recharge.bonus]]` tables.
pub(super) fn campaigns(first: NaiveDate, today: NaiveDate) -> String {
    let mut out = String::new();
    for year in first.year()..=today.year() {
        let sf = spring_festival(year);
        let list = [
            (
                format!("Spring Festival {year}"),
                add_days(sf, -21),
                add_days(sf, 7),
                20,
                1000,
            ),
            (
                format!("Autumn {year}"),
                NaiveDate::from_ymd_opt(year, 9, 1).unwrap_or(sf),
                NaiveDate::from_ymd_opt(year, 9, 30).unwrap_or(sf),
                10,
                500,
            ),
            (
                format!("Double Eleven {year}"),
                NaiveDate::from_ymd_opt(year, 11, 1).unwrap_or(sf),
                NaiveDate::from_ymd_opt(year, 11, 11).unwrap_or(sf),
                30,
                3000,
            ),
        ];
        for (name, from, to, percent, min) in list {
            if to < first || from > today {
                continue;
            }
            let _ = write!(
                out,
                "\n[[recharge.bonus]]\nname = \"{name}\"\nfrom = {from}\nto = {to}\npercent = {percent}\nmin_amount = \"{min}\"\n"
            );
        }
    }
    out
}

/// The rewards catalogue (rewards.csv): gifts at the usual levels, the
/// dearer ones for the higher tiers, stocked for the size of the club.
pub(super) fn catalogue(members: u32) -> Vec<RewardRule> {
    let m = f64::from(members);
    let list: &[(&str, &str, i64, f64, &str)] = &[
        ("COFFEE", "Coffee voucher", 100, 0.5, ""),
        ("MUG", "Club mug", 300, 0.12, ""),
        ("TOWEL", "Golf towel", 600, 0.08, ""),
        ("TEA", "Tea gift box", 1000, 0.05, ""),
        ("SPA", "Spa voucher", 2000, 0.03, "silver"),
        ("DINNER", "Dinner for two", 3000, 0.02, "silver"),
        ("HOTEL", "Hotel night", 5000, 0.01, "gold"),
        ("GOLF", "Round of golf", 10_000, 0.004, "gold"),
    ];
    list.iter()
        .map(|&(code, name, points, per_member, min_tier)| RewardRule {
            code: code.to_string(),
            name: name.to_string(),
            points,
            stock: (m * per_member).round().max(20.0) as u32,
            min_tier: min_tier.to_string(),
        })
        .collect()
}

/// One of a member's entries as the tier rules count it.
#[derive(Debug, Clone, Copy)]
struct Counted {
    date: NaiveDate,
    kind: EntryKind,
    cents: i64,
    points: i64,
}

/// The simulation's view of every member's activity.
pub(super) struct State {
    /// Visits to the till per day (0: never buys).
    rate: Vec<f32>,
    /// The day (since the first) from which the member stops coming.
    fade: Vec<u32>,
    wallet: Vec<bool>,
    pub(super) receipts_today: u32,
    /// Members whose points may lapse that night, by day.
    expire: Vec<Vec<u32>>,
    /// Members the nightly tier recompute must look at, by day.
    tier: Vec<Vec<u32>>,
    /// The last night each member was put on each of those lists.
    expire_planned: Vec<u32>,
    tier_planned: Vec<u32>,
    /// Entries inside the tier window (older ones are dropped as the window
    /// moves on), and the last purchase or recharge ever.
    counted: Vec<Vec<Counted>>,
    last_buy: Vec<Option<NaiveDate>>,
    last_change: Vec<Option<NaiveDate>>,
    /// A member's last tier change when it was a drop a recharge may undo
    /// (`tier.restore_on_recharge`), with what they recharged since.
    dropped: Vec<Option<(TierChange, Cents)>>,
    /// Purchases to be refunded, by `Event::Refund` position.
    refunds: Vec<Refund>,
}

/// A purchase the member will bring back.
struct Refund {
    member: u32,
    spend: String,
    cents: Cents,
    earned: i64,
}

const REFUND_REASONS: &[&str] = &[
    "goods returned",
    "wrong amount rung up",
    "service complaint",
];

impl State {
    pub(super) fn new(members: usize, days: usize) -> State {
        State {
            rate: Vec::with_capacity(members),
            fade: Vec::with_capacity(members),
            wallet: Vec::with_capacity(members),
            receipts_today: 0,
            expire: vec![Vec::new(); days],
            tier: vec![Vec::new(); days],
            expire_planned: Vec::with_capacity(members),
            tier_planned: Vec::with_capacity(members),
            counted: Vec::with_capacity(members),
            last_buy: Vec::with_capacity(members),
            last_change: Vec::with_capacity(members),
            dropped: Vec::with_capacity(members),
            refunds: Vec::new(),
        }
    }

    /// Room for one more member.
    pub(super) fn push(&mut self) {
        self.rate.push(0.0);
        self.fade.push(u32::MAX);
        self.wallet.push(false);
        self.expire_planned.push(u32::MAX);
        self.tier_planned.push(u32::MAX);
        self.counted.push(Vec::new());
        self.last_buy.push(None);
        self.last_change.push(None);
        self.dropped.push(None);
    }
}

/// A standard normal draw (Box-Muller).
fn normal(rng: &mut rand_pcg::Pcg64Mcg) -> f64 {
    let u: f64 = rng.random::<f64>().max(1e-12);
    let v: f64 = rng.random::<f64>();
    (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
}

impl Sim<'_> {
    fn day_index(&self, day: NaiveDate) -> Option<usize> {
        let i = (day - self.first_day).num_days();
        (i >= 0 && day <= self.today).then_some(i as usize)
    }

    /// Asks the night of `day` to look at member `i`'s lapsed points.
    fn plan_expire(&mut self, day: NaiveDate, i: u32) {
        if let Some(d) = self.day_index(day) {
            if self.act.expire_planned[i as usize] != d as u32 {
                self.act.expire_planned[i as usize] = d as u32;
                self.act.expire[d].push(i);
            }
        }
    }

    /// Asks the tier recompute of the night of `day` to look at member `i`.
    fn plan_tier(&mut self, day: NaiveDate, i: u32) {
        if day <= self.day {
            return;
        }
        if let Some(d) = self.day_index(day) {
            if self.act.tier_planned[i as usize] != d as u32 {
                self.act.tier_planned[i as usize] = d as u32;
                self.act.tier[d].push(i);
            }
        }
    }

    /// What an entry just posted means for the nights ahead: a lot that
    /// will lapse, and activity the tier recompute must weigh.
    pub(super) fn note_activity(&mut self, i: u32, kind: EntryKind, cents: Cents, points: i64) {
        if points > 0 {
            let lapse = add_months(self.day, self.rules.points.validity_months);
            self.plan_expire(lapse, i);
        }
        if matches!(
            kind,
            EntryKind::Spend
                | EntryKind::Earn
                | EntryKind::Grant
                | EntryKind::Reverse
                | EntryKind::Recharge
        ) {
            self.act.counted[i as usize].push(Counted {
                date: self.day,
                kind,
                cents: cents.0,
                points,
            });
            if matches!(kind, EntryKind::Spend | EntryKind::Recharge) {
                self.act.last_buy[i as usize] = Some(self.day);
            }
            self.plan_tier(add_days(self.day, 1), i);
        }
    }

    /// A new member: room in the activity state.
    pub(super) fn make_room(&mut self) {
        self.act.push();
    }

    /// Approval: the member's spending habits, their first visit to the
    /// till, and a referral grant to whoever brought them in.
    pub(super) fn joined(&mut self, i: u32) -> Result<()> {
        let class = usize::from(self.target_tier[i as usize]).min(3);
        let never = class == 0 && self.arng.random_bool(NEVER_BUY);
        let rate = if never {
            0.0
        } else {
            // Members of one class still differ: some twice as keen.
            VISIT_RATE[class] * (0.5 + self.arng.random::<f64>() * 1.5)
        };
        self.act.rate[i as usize] = rate as f32;
        if self.arng.random_bool(FADE) {
            let months = self.arng.random_range(2..=18);
            let on = add_months(self.day, months);
            self.act.fade[i as usize] = (on - self.first_day)
                .num_days()
                .clamp(0, i64::from(u32::MAX)) as u32;
        }
        self.act.wallet[i as usize] = self.arng.random_bool(WALLET_SHARE[class]);
        self.plan_visit(i);
        let referrer = self.members[i as usize].referrer.clone();
        if let Some(r) = self.member_index(&referrer) {
            if points::require_standing(&self.members[r as usize], "grant points").is_ok() {
                let reason = format!("referral: {} joined", self.members[i as usize].id);
                self.grant(r, 100, &reason)?;
            }
        }
        Ok(())
    }

    /// A member back in good standing (renewed, unfrozen): the tier
    /// recompute looks at them again.
    pub(super) fn back_in_standing(&mut self, i: u32) {
        self.plan_tier(add_days(self.day, 1), i);
    }

    pub(super) fn member_index(&self, id: &str) -> Option<u32> {
        let n: usize = id.strip_prefix('M')?.parse().ok()?;
        (n >= 1 && n <= self.members.len() && self.members[n - 1].id == id).then(|| (n - 1) as u32)
    }

    /// Plans the member's next visit to the till.
    fn plan_visit(&mut self, i: u32) {
        let rate = f64::from(self.act.rate[i as usize]);
        if rate <= 0.0 {
            return;
        }
        let u: f64 = self.arng.random::<f64>().max(1e-12);
        let gap = (-u.ln() / rate).ceil().clamp(1.0, 100_000.0) as i64;
        self.plan(add_days(self.day, gap), Event::Purchase(i));
    }

    /// `points grant ID --points N --reason TEXT` at the desk.
    fn grant(&mut self, i: u32, n: i64, reason: &str) -> Result<()> {
        let g = Grant {
            member: self.members[i as usize].id.clone(),
            points: Some(n),
            reason: reason.to_string(),
            ..Grant::default()
        };
        self.ctx.operator.clone_from(&self.secretary);
        let got = post_grant(
            &self.ctx,
            self.rules,
            &mut self.book,
            &self.members[i as usize],
            &g,
        )?;
        self.posted(i, EntryKind::Grant, Cents::ZERO, got);
        Ok(())
    }

    /// A visit to the till: a purchase recorded with `points grant --spend`
    /// (a spend entry and the points it earns), paid from the wallet by
    /// wallet users (recharging first when it runs short), sometimes with
    /// a sign-in or sharing grant and a redemption.
    pub(super) fn purchase(&mut self, i: u32) -> Result<()> {
        let status = self.members[i as usize].status;
        if matches!(status, Status::Rejected | Status::Exited | Status::Expelled) {
            return Ok(());
        }
        let d = (self.day - self.first_day).num_days();
        if d >= i64::from(self.act.fade[i as usize]) {
            // Lost interest: no more visits (they may still renew).
            return Ok(());
        }
        self.plan_visit(i);
        if self.arng.random::<f64>() * MAX_SPEND_WEIGHT > spend_weight(self.day) {
            return Ok(());
        }
        if points::require_standing(&self.members[i as usize], "grant points").is_err() {
            // A card that does not work: the till sells without points.
            self.refuse("points grant (member not in good standing)");
            return Ok(());
        }
        let class = usize::from(self.target_tier[i as usize]).min(3);
        let total: u32 = CATEGORIES.iter().map(|c| c.1).sum();
        let mut roll = self.arng.random_range(0..total);
        let &(category, _, base) = CATEGORIES
            .iter()
            .find(|c| {
                if roll < c.1 {
                    true
                } else {
                    roll -= c.1;
                    false
                }
            })
            .unwrap_or(&CATEGORIES[0]);
        let yuan = base * SPEND_FACTOR[class] * (0.55 * normal(&mut self.arng)).exp();
        let amount = Cents(((yuan * 10.0).round() as i64).max(50) * 10);
        self.act.receipts_today += 1;
        let receipt = format!(
            "R{}{:06}",
            self.day.format("%Y%m%d"),
            self.act.receipts_today
        );
        let id = self.members[i as usize].id.clone();
        let by_wallet = self.act.wallet[i as usize];
        if by_wallet {
            let held = self.book.account(&id).wallet;
            if held < amount && self.arng.random_bool(0.7) {
                let short = (amount.0 - held.0 + 99) / 100;
                let at_least = RECHARGES
                    .iter()
                    .position(|&r| r >= short)
                    .unwrap_or(RECHARGES.len() - 1);
                let k = self
                    .arng
                    .random_range(at_least..RECHARGES.len().min(at_least + 3));
                self.recharge(i, Cents(RECHARGES[k].max(short) * 100))?;
            }
        }
        let g = Grant {
            member: id.clone(),
            spend: Some(amount),
            category: category.to_string(),
            receipt: receipt.clone(),
            ..Grant::default()
        };
        self.ctx.operator.clear();
        self.ctx.operator.push_str(TILL);
        // The book started on an empty ledger, so the spend it is about to
        // post is its next entry in the T00000001 sequence.
        let spend_id = format!("T{:08}", self.book.posted() + 1);
        let earned = post_grant(
            &self.ctx,
            self.rules,
            &mut self.book,
            &self.members[i as usize],
            &g,
        )?;
        self.posted(i, EntryKind::Spend, amount, 0);
        if earned > 0 {
            self.posted(i, EntryKind::Earn, Cents::ZERO, earned);
        }
        if by_wallet && self.book.account(&id).wallet >= amount {
            self.post(TILL, EntryKind::Pay, i, Cents(-amount.0), 0, &receipt, "")?;
        } else if self.arng.random_bool(REFUND_SHARE) {
            // Brought back within two weeks (a wallet payment would need
            // its own refund into the wallet, so only cash purchases).
            let k = self.act.refunds.len() as u32;
            self.act.refunds.push(Refund {
                member: i,
                spend: spend_id,
                cents: amount,
                earned,
            });
            let on = add_days(self.day, self.arng.random_range(1..=14));
            self.plan(on, Event::Refund(k));
        }
        if self.arng.random_bool(0.06) {
            self.grant(i, 10, "sign-in")?;
        }
        if self.arng.random_bool(0.02) {
            self.grant(i, 50, "sharing")?;
        }
        // Members sitting on many points are keener to use them.
        let held = self.book.account(&id).points;
        let keen = if held >= 10_000 { 0.3 } else { 0.1 };
        if self.arng.random_bool(keen) {
            self.redeem(i, amount, &receipt)?;
        }
        Ok(())
    }

    /// `points reverse TXID --reason`: the purchase and the points it
    /// earned taken back, what is already spent owed or charged as
    /// `points.refund_overdraft` says, as the command writes it.
    pub(super) fn reverse_purchase(&mut self, k: u32) -> Result<()> {
        let r = &self.act.refunds[k as usize];
        let (i, spend, cents, earned) = (r.member, r.spend.clone(), r.cents, r.earned);
        let id = &self.members[i as usize].id;
        let held = self.book.account(id).points;
        let refund = points::refund(earned, held, cents, self.rules);
        let mut note = REFUND_REASONS[self.arng.random_range(0..REFUND_REASONS.len())].to_string();
        if refund.charged_points > 0 {
            note += &format!(
                " ({} of {earned} points already spent, charged {})",
                refund.charged_points, refund.charge
            );
        } else if refund.points > held.max(0) {
            note += &format!(
                " ({} of {earned} points already spent, owed)",
                refund.points - held.max(0)
            );
        }
        let op = self.secretary.clone();
        self.post(
            &op,
            EntryKind::Reverse,
            i,
            Cents(refund.charge.0 - cents.0),
            -refund.points,
            &spend,
            &note,
        )?;
        Ok(())
    }

    /// `wallet recharge`: the campaign bonus of the day, and the referrer's
    /// reward on a first recharge, as the wallet command pays them.
    fn recharge(&mut self, i: u32, amount: Cents) -> Result<()> {
        let m = &self.members[i as usize];
        if points::require_standing(m, "recharge the wallet").is_err() {
            self.refuse("wallet recharge");
            return Ok(());
        }
        let id = m.id.clone();
        let referrer = m.referrer.clone();
        let first = self.book.account(&id).recharged == Cents::ZERO;
        let op = self.secretary.clone();
        let r = self.post(&op, EntryKind::Recharge, i, amount, 0, "", "")?;
        self.count_restore(i, amount);
        if let Some((campaign, bonus)) = points::bonus(amount, self.day, self.rules) {
            let note = format!("campaign {} +{}%", campaign.name, campaign.percent);
            self.post(&op, EntryKind::Bonus, i, bonus, 0, &r, &note)?;
        }
        if first {
            if let Some(ri) = self.member_index(&referrer) {
                let rf = &self.members[ri as usize];
                if points::require_standing(rf, "reward").is_ok() {
                    let note = format!("referral: first recharge of {id}");
                    match points::referral_reward(amount, self.rules) {
                        Some(ReferralReward::Points(p)) => {
                            self.post(&op, EntryKind::Grant, ri, Cents::ZERO, p, &r, &note)?;
                        }
                        Some(ReferralReward::Wallet(c)) => {
                            self.post(&op, EntryKind::Bonus, ri, c, 0, &r, &note)?;
                        }
                        None => {}
                    }
                }
            }
        }
        Ok(())
    }

    /// `points redeem`: a reward from the catalogue the member can afford
    /// and whose tier they hold, or else points offset against the bill.
    fn redeem(&mut self, i: u32, bill: Cents, receipt: &str) -> Result<()> {
        let m = &self.members[i as usize];
        let id = m.id.clone();
        let account = self.book.account(&id);
        let available = account.available(self.day, self.rules);
        if available < 100 {
            return Ok(());
        }
        let rank = self.rules.tier_rank(&m.tier).unwrap_or(0);
        let affordable: Vec<usize> = (0..self.rewards.len())
            .filter(|&k| {
                let r = &self.rewards[k];
                r.points <= available
                    && r.stock > 0
                    && (r.min_tier.is_empty()
                        || self.rules.tier_rank(&r.min_tier).unwrap_or(0) <= rank)
            })
            .collect();
        if !affordable.is_empty() && self.arng.random_bool(0.6) {
            // The dearer gifts among those within reach are the popular ones.
            let from = affordable.len().saturating_sub(3);
            let k = affordable[self.arng.random_range(from..affordable.len())];
            let reward = self.rewards[k].clone();
            let need = self.rules.tier_rank(&reward.min_tier).unwrap_or(0);
            if points::require_standing(m, "redeem points").is_err()
                || (!reward.min_tier.is_empty() && rank < need)
                || reward.stock < 1
                || points::require_points(&account, reward.points, self.day, self.rules).is_err()
            {
                return Err(Error::Failure(format!(
                    "internal: the simulation chose a redemption of {} by {id} the rules refuse",
                    reward.code
                )));
            }
            let op = self.secretary.clone();
            self.ctx.operator.clone_from(&op);
            let lapsed = expire_lapsed(&self.ctx, self.rules, &mut self.book, &id)?;
            if lapsed > 0 {
                self.posted(i, EntryKind::Expire, Cents::ZERO, -lapsed);
            }
            let note = format!("1 × {}", reward.name);
            self.post(
                &op,
                EntryKind::Redeem,
                i,
                Cents::ZERO,
                -reward.points,
                &reward.code,
                &note,
            )?;
            let mut after = reward.clone();
            after.stock -= 1;
            self.rewards[k] = after.clone();
            let command = super::command_line(&["points", "redeem", &id, "--reward", &reward.code]);
            self.audit(&op, "points redeem", Some(&reward), &after, command);
        } else {
            // Whole hundreds, worth at most a third of the bill, and no more
            // than a few thousand at a time.
            let worth = bill.0 * 100 / self.rules.points.yuan_per_100.0.max(1) / 3;
            let cap = (available.min(worth).min(MAX_OFFSET) / 100) * 100;
            if cap < 100 {
                return Ok(());
            }
            let n = self.arng.random_range(1..=cap / 100) * 100;
            if points::require_points(&account, n, self.day, self.rules).is_err() {
                return Err(Error::Failure(format!(
                    "internal: the simulation chose an offset of {n} points by {id} the rules refuse"
                )));
            }
            let value = points::offset_value(n, self.rules);
            self.ctx.operator.clear();
            self.ctx.operator.push_str(TILL);
            let lapsed = expire_lapsed(&self.ctx, self.rules, &mut self.book, &id)?;
            if lapsed > 0 {
                self.posted(i, EntryKind::Expire, Cents::ZERO, -lapsed);
            }
            let note = format!("offset {value} yuan: bill {receipt}");
            self.post(TILL, EntryKind::Redeem, i, Cents::ZERO, -n, "", &note)?;
        }
        Ok(())
    }

    /// Leaving gives up the whole points balance (积分清零), as `member
    /// exit` and `member expel` write it.
    pub(super) fn forfeit(&mut self, i: u32, operator: &str, why: &str) -> Result<()> {
        let id = &self.members[i as usize].id;
        let points = self.book.account(id).points;
        if points > 0 {
            self.post(
                operator,
                EntryKind::Forfeit,
                i,
                Cents::ZERO,
                -points,
                "",
                why,
            )?;
        }
        Ok(())
    }

    /// The night's `points expire`: one expire entry per member whose lots
    /// lapsed, in member order.
    pub(super) fn expire_points(&mut self, d: usize) -> Result<()> {
        let mut due = std::mem::take(&mut self.act.expire[d]);
        due.sort_unstable();
        due.dedup();
        self.ctx.operator.clear();
        self.ctx.operator.push_str(CRON);
        for i in due {
            let id = &self.members[i as usize].id;
            let lapsed = expire_lapsed(&self.ctx, self.rules, &mut self.book, id)?;
            if lapsed > 0 {
                self.posted(i, EntryKind::Expire, Cents::ZERO, -lapsed);
            }
        }
        Ok(())
    }

    /// The night's `tier recompute` for the members whose standing may have
    /// changed (new activity, back in standing, or a window or quiet spell
    /// running out), in member order; each is then put on the night when
    /// their tier could next change.
    pub(super) fn recompute_tiers(&mut self, d: usize) -> Result<()> {
        let mut due = std::mem::take(&mut self.act.tier[d]);
        due.sort_unstable();
        due.dedup();
        let window = self.rules.tier.window_months;
        let cutoff = sub_months(self.day, window);
        for i in due {
            let iu = i as usize;
            if !matches!(self.members[iu].status, Status::Active | Status::Grace) {
                continue;
            }
            self.act.counted[iu].retain(|c| c.date > cutoff);
            let a = self.tier_activity(iu);
            let m = &self.members[iu];
            let start = m.joined.unwrap_or(m.applied);
            let quiet_since = self.act.last_change[iu].map_or(start, |c| c.max(start));
            if let Some(c) = tier::decide_with_restore(
                &m.id,
                &m.tier,
                &a,
                quiet_since,
                self.day,
                self.rules,
                self.restorable(iu),
            ) {
                let before = m.clone();
                let mut after = before.clone();
                after.tier.clone_from(&c.to);
                let command = super::command_line(&["tier", "recompute"]);
                self.audit(CRON, "tier recompute", Some(&before), &after, command);
                self.members[iu] = after;
                self.act.dropped[iu] = tier::Restorable::of(Some(&c), self.rules)
                    .is_some()
                    .then(|| (c.clone(), Cents::ZERO));
                self.tier_history.push(c);
                self.act.last_change[iu] = Some(self.day);
            }
            self.plan_next_tier_check(i, &a)?;
        }
        Ok(())
    }

    /// Member `i`'s activity as `tier recompute` counts it today.
    fn tier_activity(&self, i: usize) -> Activity {
        let mut a = Activity::default();
        for c in &self.act.counted[i] {
            a.add(
                &LedgerEntry {
                    id: String::new(),
                    date: c.date,
                    kind: c.kind,
                    member: String::new(),
                    cents: Cents(c.cents),
                    points: c.points,
                    reference: String::new(),
                    operator: String::new(),
                    note: String::new(),
                },
                self.day,
                self.rules,
            );
        }
        a.last = a.last.max(self.act.last_buy[i]);
        a
    }

    /// For tests of the nightly plan: a member in standing whose tier the
    /// full `tier recompute` would change tonight although the night's
    /// list (already played) left them out.
    pub(super) fn tier_change_missed(&self) -> Option<TierChange> {
        (0..self.members.len()).find_map(|i| {
            let m = &self.members[i];
            if !matches!(m.status, Status::Active | Status::Grace) {
                return None;
            }
            let start = m.joined.unwrap_or(m.applied);
            let quiet_since = self.act.last_change[i].map_or(start, |c| c.max(start));
            let a = self.tier_activity(i);
            let restore = self.restorable(i);
            tier::decide_with_restore(
                &m.id,
                &m.tier,
                &a,
                quiet_since,
                self.day,
                self.rules,
                restore,
            )
        })
    }

    /// Member `i`'s dropped tier as `tier recompute` would weigh it.
    fn restorable(&self, i: usize) -> Option<tier::Restorable<'_>> {
        let (drop, recharged) = self.act.dropped[i].as_ref()?;
        Some(tier::Restorable {
            drop,
            recharged: *recharged,
        })
    }

    /// A recharge today counts towards restoring a dropped tier when it
    /// falls in the window; tomorrow night's recompute then looks.
    fn count_restore(&mut self, i: u32, amount: Cents) {
        let iu = i as usize;
        let Some((drop, recharged)) = self.act.dropped[iu].as_mut() else {
            return;
        };
        let until = add_months(drop.date, self.rules.tier.restore_within_months);
        if self.day > drop.date && self.day <= until {
            recharged.0 += amount.0;
            self.plan_tier(add_days(self.day, 1), i);
        }
    }

    /// The first night on which member `i`'s tier could change without new
    /// activity: a downgrade needs the quiet spell over and the member
    /// below their tier, which can only happen as entries leave the window.
    fn plan_next_tier_check(&mut self, i: u32, a: &Activity) -> Result<()> {
        let iu = i as usize;
        let m = &self.members[iu];
        let rank = self.rules.tier_rank(&m.tier).unwrap_or(0);
        if rank == 0 {
            return Ok(());
        }
        let start = m.joined.unwrap_or(m.applied);
        let quiet_since = self.act.last_change[iu].map_or(start, |c| c.max(start));
        let since = a.last.map_or(quiet_since, |l| l.max(quiet_since));
        let due = add_months(since, self.rules.tier.downgrade_after_months);
        let window = self.rules.tier.window_months;
        let best = tier::highest(self.rules, a);
        let next = if best >= rank {
            // Activity only falls when the oldest counted entry leaves.
            match self.act.counted[iu].first() {
                Some(c) => {
                    let mut out = add_months(c.date, window);
                    while c.date > sub_months(out, window) {
                        out = add_days(out, 1);
                    }
                    out.max(due)
                }
                None => due,
            }
        } else {
            due
        };
        if next <= self.day {
            return Err(Error::Failure(format!(
                "internal: the next tier check of {} ({next}) is not after {}",
                m.id, self.day
            )));
        }
        self.plan_tier(next, i);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn the_till_is_busy_before_spring_festival_and_on_double_eleven() {
        // Spring Festival 2026 is 17 February.
        let before = spend_weight(d("2026-02-10")); // a Tuesday
        let holiday = spend_weight(d("2026-02-18")); // a Wednesday
        let summer = spend_weight(d("2026-07-15")); // a Wednesday
        let spring = spend_weight(d("2026-04-15")); // a Wednesday
        let double_eleven = spend_weight(d("2026-11-11")); // a Wednesday
        assert!(double_eleven > before && before > spring && spring > summer && summer > holiday);
        assert!(
            spend_weight(d("2026-04-18")) > spring,
            "a Saturday is busier"
        );
        assert!(spend_weight(d("2026-11-14")) <= MAX_SPEND_WEIGHT);
    }

    #[test]
    fn campaigns_cover_the_history_and_parse() {
        let text = campaigns(d("2024-11-26"), d("2026-11-25"));
        assert!(text.contains("name = \"Double Eleven 2026\""));
        assert!(text.contains("from = 2025-01-08"), "{text}");
        assert!(
            !text.contains("Spring Festival 2024"),
            "ended before the history"
        );
        let toml = crate::app::data::DEFAULT_CLUB_TOML.replacen(
            "\n[kpi]\n",
            &format!("{text}\n[kpi]\n"),
            1,
        );
        let rules = crate::domain::rules::ClubRules::from_toml(&toml).unwrap();
        assert_eq!(rules.recharge.bonus.len(), 6);
        let (c, bonus) = points::bonus(Cents(300_000), d("2026-11-11"), &rules).unwrap();
        assert_eq!(
            (c.name.as_str(), bonus),
            ("Double Eleven 2026", Cents(90_000))
        );
        assert!(points::bonus(Cents(300_000), d("2026-11-12"), &rules).is_none());
    }

    #[test]
    fn the_catalogue_is_stocked_for_the_club_and_tiers_gate_the_dear_gifts() {
        let small = catalogue(60);
        assert!(small.iter().all(|r| r.stock >= 20));
        let big = catalogue(1_000_000);
        assert_eq!(
            big.iter().find(|r| r.code == "COFFEE").unwrap().stock,
            500_000
        );
        assert_eq!(
            big.iter().find(|r| r.code == "GOLF").unwrap().min_tier,
            "gold"
        );
    }
}
