//! Points and stored value of one member: the lots that make up a points
//! balance (oldest spent first, each lapsing `points.validity_months` after
//! it was earned), the wallet, and the rules for earning, redeeming and
//! recharge campaigns. An `Account` is what replaying a member's ledger
//! entries gives; the store keeps one per member as a cache.

use super::dates::add_months;
use super::error::{refused, DomainError, Result};
use super::ledger::{EntryKind, LedgerEntry};
use super::member::{Member, Status};
use super::money::Cents;
use super::rules::{BonusCampaign, ClubRules};
use chrono::NaiveDate;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// Points earned on one day and not yet spent, lapsed or forfeited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PointsLot {
    pub earned: NaiveDate,
    pub points: i64,
}

impl PointsLot {
    /// The day the lot lapses: the same date `validity_months` later (29
    /// February earns until 28 February when the year has none).
    pub fn expires(&self, rules: &ClubRules) -> NaiveDate {
        add_months(self.earned, rules.points.validity_months)
    }
}

/// A member's lots, oldest first, at most one per day.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Lots(pub Vec<PointsLot>);

impl Lots {
    pub fn total(&self) -> i64 {
        self.0.iter().fold(0i64, |t, l| t.saturating_add(l.points))
    }

    /// Adds points earned on `day`. Entries come in date order, but a
    /// back-dated grant still lands in its place.
    pub fn add(&mut self, day: NaiveDate, points: i64) {
        match self.0.binary_search_by(|l| l.earned.cmp(&day)) {
            Ok(i) => self.0[i].points = self.0[i].points.saturating_add(points),
            Err(i) => self.0.insert(
                i,
                PointsLot {
                    earned: day,
                    points,
                },
            ),
        }
    }

    /// Takes `points` from the oldest lots first; returns what could not be
    /// taken because the lots ran out.
    pub fn take(&mut self, mut points: i64) -> i64 {
        let mut used = 0;
        for lot in self.0.iter_mut() {
            if points == 0 {
                break;
            }
            let n = lot.points.min(points);
            lot.points -= n;
            points -= n;
            if lot.points == 0 {
                used += 1;
            }
        }
        self.0.drain(..used);
        points
    }

    /// Points in lots that have lapsed by `today`.
    pub fn lapsed(&self, today: NaiveDate, rules: &ClubRules) -> i64 {
        self.0
            .iter()
            .take_while(|l| l.expires(rules) <= today)
            .map(|l| l.points)
            .sum()
    }

    /// The next day on which points lapse after `today`, and how many.
    pub fn next_expiry(&self, today: NaiveDate, rules: &ClubRules) -> Option<(NaiveDate, i64)> {
        let first = self.0.iter().find(|l| l.expires(rules) > today)?;
        let day = first.expires(rules);
        let n = self
            .0
            .iter()
            .filter(|l| l.expires(rules) == day)
            .map(|l| l.points)
            .sum();
        Some((day, n))
    }
}

impl fmt::Display for Lots {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, l) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(" ")?;
            }
            write!(f, "{}:{}", l.earned, l.points)?;
        }
        Ok(())
    }
}

impl std::str::FromStr for Lots {
    type Err = String;

    fn from_str(s: &str) -> std::result::Result<Lots, String> {
        let mut lots = Lots::default();
        lots.read(s)?;
        Ok(lots)
    }
}

impl Lots {
    /// Replaces these lots with those `s` writes (`DATE:POINTS ...`,
    /// oldest first), keeping the allocation: a big scan reads a million.
    pub fn read(&mut self, s: &str) -> std::result::Result<(), String> {
        let lots = &mut self.0;
        lots.clear();
        for part in s.split_whitespace() {
            let (day, n) = part
                .split_once(':')
                .ok_or_else(|| format!("lot '{part}' is not DATE:POINTS"))?;
            let earned = super::dates::parse_ymd(day.as_bytes())
                .ok_or_else(|| format!("lot '{part}' has no valid date"))?;
            let points: i64 = n
                .parse()
                .map_err(|_| format!("lot '{part}' has no valid points"))?;
            if points <= 0 {
                return Err(format!("lot '{part}' holds no points"));
            }
            if lots.last().is_some_and(|l: &PointsLot| l.earned >= earned) {
                return Err(format!("lot '{part}' is out of date order"));
            }
            lots.push(PointsLot { earned, points });
        }
        Ok(())
    }
}

impl Serialize for Lots {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for Lots {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Lots, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// A member's points and stored value, as the ledger makes them; a row of
/// the `balances.csv` cache.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    pub member: String,
    pub points: i64,
    pub wallet: Cents,
    /// Everything ever recharged: zero until the first recharge, which
    /// alone pays a referral reward.
    pub recharged: Cents,
    pub lots: Lots,
}

impl Account {
    pub fn new(member: &str) -> Account {
        Account {
            member: member.to_string(),
            ..Account::default()
        }
    }

    /// Points the member owes: what a refund took back beyond the lots
    /// (`points.refund_overdraft = "negative"`). While any is owed the lots
    /// are empty and the balance is minus the debt.
    pub fn owed(&self) -> i64 {
        (self.lots.total() - self.points).max(0)
    }

    /// Applies one ledger entry. Points taken beyond what the lots hold are
    /// owed when a refund (`reverse`) takes them; any other entry doing so
    /// is reported as an error (the commands never write one) and the
    /// balance stays at zero.
    pub fn apply(&mut self, e: &LedgerEntry) -> std::result::Result<(), String> {
        let mut debt = self.owed();
        let mut short = move_points(&mut self.lots, &mut debt, e.points, e.date);
        if e.kind == EntryKind::Reverse {
            debt += short;
            short = 0;
        }
        self.points = self.lots.total() - debt;
        match e.kind {
            EntryKind::Recharge => {
                self.wallet.0 = self.wallet.0.saturating_add(e.cents.0);
                self.recharged.0 = self.recharged.0.saturating_add(e.cents.0);
            }
            EntryKind::Bonus | EntryKind::Pay => {
                self.wallet.0 = self.wallet.0.saturating_add(e.cents.0)
            }
            _ => {}
        }
        if self.points > crate::domain::bounds::MAX_BALANCE_POINTS
            || self.wallet.0 > crate::domain::bounds::MAX_BALANCE_CENTS
        {
            return Err(format!(
                "entry {} takes the balance of {} past the most a balance can hold",
                e.id, e.member
            ));
        }
        if short > 0 {
            return Err(format!(
                "entry {} takes {} points but {} holds only {}",
                e.id,
                -e.points,
                e.member,
                -e.points - short
            ));
        }
        if self.wallet.0 < 0 {
            return Err(format!(
                "entry {} takes the wallet of {} below zero",
                e.id, e.member
            ));
        }
        Ok(())
    }

    /// Points that can be spent today (lapsed lots excluded).
    pub fn available(&self, today: NaiveDate, rules: &ClubRules) -> i64 {
        self.points - self.lots.lapsed(today, rules)
    }
}

/// Moves `points` (earned when positive, taken when negative) through a
/// member's lots and debt: earnings repay what is owed first and only the
/// rest makes a lot; taking spends the oldest lots first. Returns what the
/// lots lacked, for the caller to owe or refuse.
pub fn move_points(lots: &mut Lots, debt: &mut i64, points: i64, day: NaiveDate) -> i64 {
    if points > 0 {
        let repay = (*debt).min(points);
        *debt -= repay;
        if points > repay {
            lots.add(day, points - repay);
        }
        0
    } else if points < 0 {
        lots.take(-points)
    } else {
        0
    }
}

/// What a refund takes back of the points its purchase earned, when the
/// member holds `held` and the purchase earned `earned`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refund {
    /// Points taken back (never more than the purchase earned).
    pub points: i64,
    /// Points already spent that are charged in money instead.
    pub charged_points: i64,
    /// What those points are worth, taken off the money refunded.
    pub charge: Cents,
}

/// A refund takes back what its purchase earned (domain.md). When part of
/// it is already spent, `points.refund_overdraft` decides: "negative" takes
/// it all and the balance goes below zero; "charge" takes what is held and
/// charges the rest at `points.yuan_per_100`, at most the purchase itself.
pub fn refund(earned: i64, held: i64, spend: Cents, rules: &ClubRules) -> Refund {
    let earned = earned.max(0);
    if rules.points.refund_overdraft == "charge" {
        let back = earned.min(held.max(0));
        let charged_points = earned - back;
        Refund {
            points: back,
            charged_points,
            charge: offset_value(charged_points, rules).min(spend),
        }
    } else {
        Refund {
            points: earned,
            charged_points: 0,
            charge: Cents::ZERO,
        }
    }
}

/// Only members in good standing earn or redeem points and use the wallet.
pub fn require_standing(m: &Member, step: &str) -> Result<()> {
    match m.status {
        Status::Active | Status::Grace => Ok(()),
        s => refused(format!(
            "cannot {step} for {}: the member is {s} ({}) since {}; only active members (or in grace) earn, redeem and pay{}",
            m.id,
            s.zh(),
            m.since,
            match s {
                Status::Frozen => "; unfreeze them first with `clubctl member unfreeze`",
                Status::Expired => "; renew them first with `clubctl member renew`",
                Status::Pending => "; approve them first with `clubctl member approve`",
                _ => "",
            }
        )),
    }
}

/// The multiplier of the member's tier, in hundredths (100 when the tier is
/// not in club.toml any more).
pub fn multiplier(m: &Member, rules: &ClubRules) -> u32 {
    rules.tier(&m.tier).map_or(100, |t| t.multiplier.0)
}

/// Points a purchase earns: floor(yuan × per_yuan × multiplier); nothing in
/// an excluded category.
pub fn earned(spend: Cents, category: &str, multiplier_hundredths: u32, rules: &ClubRules) -> i64 {
    if rules
        .points
        .excluded_categories
        .iter()
        .any(|c| c.eq_ignore_ascii_case(category))
    {
        return 0;
    }
    let v =
        i128::from(spend.0) * i128::from(rules.points.per_yuan) * i128::from(multiplier_hundredths)
            / 10_000;
    i64::try_from(v.max(0)).unwrap_or(i64::MAX)
}

/// What `points` are worth offset against a bill, rounded down to the cent.
pub fn offset_value(points: i64, rules: &ClubRules) -> Cents {
    Cents(points * rules.points.yuan_per_100.0 / 100)
}

/// Refuses a redemption the member cannot cover.
pub fn require_points(
    account: &Account,
    points: i64,
    today: NaiveDate,
    rules: &ClubRules,
) -> Result<()> {
    if points <= 0 {
        return Err(DomainError::Invalid(
            "the points to redeem must be a positive number".into(),
        ));
    }
    let owed = account.owed();
    if owed > 0 {
        return refused(format!(
            "{} owes {owed} points taken back by a refund (points.refund_overdraft = \"negative\"); later earnings repay them first, and nothing can be redeemed until the balance is above zero",
            account.member
        ));
    }
    let available = account.available(today, rules);
    if available < points {
        return refused(format!(
            "{} has {available} points to spend, {points} are needed; nothing was redeemed",
            account.member
        ));
    }
    Ok(())
}

/// The campaign that pays a bonus on a recharge of `amount` today: the
/// highest percent among those whose window (both ends included) holds
/// today and whose minimum the amount reaches.
pub fn bonus(
    amount: Cents,
    today: NaiveDate,
    rules: &ClubRules,
) -> Option<(&BonusCampaign, Cents)> {
    rules
        .recharge
        .bonus
        .iter()
        .filter(|b| b.from <= today && today <= b.to && amount >= b.min_amount)
        .max_by_key(|b| b.percent)
        .map(|b| (b, amount.percent(b.percent)))
        .filter(|(_, c)| c.0 > 0)
}

/// The referrer's reward for a first recharge of `amount`: `referral.percent`
/// of it, as wallet cents or as points (at `points.per_yuan`, rounded down).
pub enum ReferralReward {
    Points(i64),
    Wallet(Cents),
}

pub fn referral_reward(amount: Cents, rules: &ClubRules) -> Option<ReferralReward> {
    let value = amount.percent(rules.referral.percent);
    if rules.referral.reward == "wallet" {
        Some(ReferralReward::Wallet(value)).filter(|_| value.0 > 0)
    } else {
        let points = value.0 * i64::from(rules.points.per_yuan) / 100;
        Some(ReferralReward::Points(points)).filter(|_| points > 0)
    }
}

/// Outstanding points by the month their lots lapse, for the liability
/// report: lots that lapsed on or before `today` but were not yet written
/// off by `points expire` come first, under `lapsed`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgingRow {
    /// `YYYY-MM` of the lapse, or `lapsed`.
    pub expires: String,
    pub points: i64,
    /// Members holding points that lapse then.
    pub members: u64,
}

pub fn aging<'a>(
    accounts: impl IntoIterator<Item = &'a Account>,
    today: NaiveDate,
    rules: &ClubRules,
) -> Vec<AgingRow> {
    use std::collections::BTreeMap;
    // Keyed so that `lapsed` sorts before every month.
    let mut by: BTreeMap<String, (i64, u64)> = BTreeMap::new();
    for a in accounts {
        let mut seen: Vec<String> = Vec::new();
        for lot in a.lots.0.iter().filter(|l| l.points > 0) {
            let day = lot.expires(rules);
            let key = if day <= today {
                "0 lapsed".to_string()
            } else {
                format!("1 {}", day.format("%Y-%m"))
            };
            let slot = by.entry(key.clone()).or_default();
            slot.0 += lot.points;
            if !seen.contains(&key) {
                slot.1 += 1;
                seen.push(key);
            }
        }
    }
    by.into_iter()
        .map(|(k, (points, members))| AgingRow {
            expires: k[2..].to_string(),
            points,
            members,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_debt_is_repaid_before_a_lot_is_made() {
        let day = |s: &str| s.parse::<NaiveDate>().unwrap();
        let mut lots = Lots::default();
        let mut debt = 0;
        lots.add(day("2026-01-01"), 30);
        assert_eq!(
            move_points(&mut lots, &mut debt, -100, day("2026-02-01")),
            70
        );
        debt += 70;
        assert_eq!(move_points(&mut lots, &mut debt, 70, day("2026-03-01")), 0);
        assert_eq!((debt, lots.total()), (0, 0));
        assert_eq!(move_points(&mut lots, &mut debt, 1, day("2026-03-02")), 0);
        assert_eq!(
            lots.0,
            vec![PointsLot {
                earned: day("2026-03-02"),
                points: 1
            }]
        );
    }

    #[test]
    fn a_refund_owes_or_charges_what_is_spent() {
        let mut r = ClubRules::default();
        let owe = refund(300, 200, Cents(30000), &r);
        assert_eq!(
            (owe.points, owe.charged_points, owe.charge),
            (300, 0, Cents::ZERO)
        );
        r.points.refund_overdraft = "charge".into();
        let charge = refund(300, 200, Cents(30000), &r);
        assert_eq!(
            (charge.points, charge.charged_points, charge.charge),
            (200, 100, Cents(100))
        );
        // All held: nothing charged; a balance already below zero: all charged.
        assert_eq!(refund(300, 300, Cents(30000), &r).charged_points, 0);
        assert_eq!(refund(300, -50, Cents(30000), &r).points, 0);
        // Never more than the purchase itself.
        assert_eq!(refund(5000, 0, Cents(10), &r).charge, Cents(10));
    }
    use proptest::prelude::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn entry(date: &str, kind: EntryKind, points: i64) -> LedgerEntry {
        LedgerEntry {
            id: "T00000001".into(),
            date: d(date),
            kind,
            member: "M000001".into(),
            cents: Cents::ZERO,
            points,
            reference: String::new(),
            operator: "office".into(),
            note: String::new(),
        }
    }

    #[test]
    fn redemptions_take_the_oldest_lot_first_across_lot_boundaries() {
        let mut a = Account::new("M000001");
        a.apply(&entry("2026-01-10", EntryKind::Earn, 100)).unwrap();
        a.apply(&entry("2026-02-10", EntryKind::Earn, 50)).unwrap();
        a.apply(&entry("2026-03-10", EntryKind::Grant, 30)).unwrap();
        // exactly the first lot: it disappears, the second is untouched
        a.apply(&entry("2026-04-01", EntryKind::Redeem, -100))
            .unwrap();
        assert_eq!(a.lots.to_string(), "2026-02-10:50 2026-03-10:30");
        // one past a lot boundary: the second lot goes, the third loses one
        a.apply(&entry("2026-04-02", EntryKind::Redeem, -51))
            .unwrap();
        assert_eq!(a.lots.to_string(), "2026-03-10:29");
        assert_eq!(a.points, 29);
    }

    #[test]
    fn overdrawing_is_reported_and_the_balance_stays_at_zero() {
        let mut a = Account::new("M000001");
        a.apply(&entry("2026-01-10", EntryKind::Earn, 10)).unwrap();
        assert!(a
            .apply(&entry("2026-01-11", EntryKind::Redeem, -11))
            .is_err());
        assert_eq!(a.points, 0);
    }

    #[test]
    fn a_lot_lapses_on_its_exact_anniversary_not_the_day_before() {
        let rules = ClubRules::default();
        let mut lots = Lots::default();
        lots.add(d("2026-03-15"), 40);
        lots.add(d("2026-03-16"), 2);
        assert_eq!(lots.lapsed(d("2027-03-14"), &rules), 0);
        assert_eq!(lots.lapsed(d("2027-03-15"), &rules), 40);
        assert_eq!(lots.lapsed(d("2027-03-16"), &rules), 42);
        assert_eq!(
            lots.next_expiry(d("2027-03-14"), &rules),
            Some((d("2027-03-15"), 40))
        );
        assert_eq!(
            lots.next_expiry(d("2027-03-15"), &rules),
            Some((d("2027-03-16"), 2))
        );
    }

    #[test]
    fn points_earned_on_29_february_lapse_on_28_february() {
        let rules = ClubRules::default();
        let lot = PointsLot {
            earned: d("2028-02-29"),
            points: 5,
        };
        assert_eq!(lot.expires(&rules), d("2029-02-28"));
        let mut lots = Lots(vec![lot]);
        assert_eq!(lots.lapsed(d("2029-02-27"), &rules), 0);
        assert_eq!(lots.lapsed(d("2029-02-28"), &rules), 5);
        // a 48-month validity comes back to a 29 February
        let mut long = rules.clone();
        long.points.validity_months = 48;
        assert_eq!(lot.expires(&long), d("2032-02-29"));
        lots.add(d("2028-03-01"), 1);
        assert_eq!(lots.lapsed(d("2032-02-29"), &long), 5);
    }

    #[test]
    fn multiplier_rounds_down_and_excluded_categories_earn_nothing() {
        let rules = ClubRules::default();
        // 128.50 yuan × 1.2 = 154.2 → 154
        assert_eq!(earned(Cents(12850), "", 120, &rules), 154);
        // 0.99 yuan × 1.0 → 0
        assert_eq!(earned(Cents(99), "", 100, &rules), 0);
        // 99.99 × 1.5 = 149.985 → 149
        assert_eq!(earned(Cents(9999), "food", 150, &rules), 149);
        // 100.00 × 1.15 = 115 exactly
        assert_eq!(earned(Cents(10000), "", 115, &rules), 115);
        assert_eq!(earned(Cents(10000), "Specials", 200, &rules), 0);
        assert_eq!(earned(Cents(10000), "voucher", 200, &rules), 0);
        let mut two = rules.clone();
        two.points.per_yuan = 2;
        assert_eq!(earned(Cents(333), "", 150, &two), 9);
    }

    fn campaign(from: &str, to: &str, percent: u32, min: i64) -> BonusCampaign {
        BonusCampaign {
            name: format!("{percent}%"),
            from: d(from),
            to: d(to),
            percent,
            min_amount: Cents(min),
        }
    }

    #[test]
    fn a_bonus_window_includes_its_first_and_last_day() {
        let mut rules = ClubRules::default();
        rules.recharge.bonus = vec![campaign("2027-03-01", "2027-03-31", 30, 100000)];
        let amount = Cents(100000);
        assert!(bonus(amount, d("2027-02-28"), &rules).is_none());
        assert_eq!(
            bonus(amount, d("2027-03-01"), &rules).unwrap().1,
            Cents(30000)
        );
        assert_eq!(
            bonus(amount, d("2027-03-31"), &rules).unwrap().1,
            Cents(30000)
        );
        assert!(bonus(amount, d("2027-04-01"), &rules).is_none());
        // below the minimum: nothing
        assert!(bonus(Cents(99999), d("2027-03-15"), &rules).is_none());
    }

    #[test]
    fn the_highest_of_overlapping_campaigns_wins() {
        let mut rules = ClubRules::default();
        rules.recharge.bonus = vec![
            campaign("2027-03-01", "2027-03-31", 10, 0),
            campaign("2027-03-10", "2027-03-10", 50, 0),
        ];
        assert_eq!(
            bonus(Cents(1000), d("2027-03-10"), &rules).unwrap().1,
            Cents(500)
        );
        assert_eq!(
            bonus(Cents(1000), d("2027-03-11"), &rules).unwrap().1,
            Cents(100)
        );
    }

    #[test]
    fn lots_round_trip_and_bad_lots_are_refused() {
        let lots: Lots = "2026-01-01:5 2026-02-01:7".parse().unwrap();
        assert_eq!(lots.total(), 12);
        assert_eq!(lots.to_string(), "2026-01-01:5 2026-02-01:7");
        assert!("2026-02-01:5 2026-01-01:7".parse::<Lots>().is_err());
        assert!("2026-02-01:0".parse::<Lots>().is_err());
        assert!("2026-02-01".parse::<Lots>().is_err());
        assert!("".parse::<Lots>().unwrap().0.is_empty());
    }

    proptest! {
        /// Whatever the order of earning, spending and lapsing, the lots sum
        /// to the balance the entries derive, and it never drops below zero.
        #[test]
        fn lots_always_sum_to_the_derived_balance(
            ops in proptest::collection::vec((0u32..900, -500i64..500), 1..60)
        ) {
            let rules = ClubRules::default();
            let start = d("2026-01-01");
            let mut days: Vec<(u32, i64)> = ops;
            days.sort_by_key(|(day, _)| *day);
            let mut a = Account::new("M000001");
            let mut derived = crate::domain::ledger::Balances::default();
            for (day, p) in days {
                let date = crate::domain::dates::add_days(start, i64::from(day));
                // as the commands do: lapse what is due, then take no more
                // than what is available
                let lapsed = a.lots.lapsed(date, &rules);
                if lapsed > 0 {
                    let mut e = entry("2026-01-01", EntryKind::Expire, -lapsed);
                    e.date = date;
                    prop_assert!(a.apply(&e).is_ok());
                    derived.add(&e);
                }
                let points = if p < 0 { -(-p).min(a.available(date, &rules)) } else { p };
                let kind = if points < 0 { EntryKind::Redeem } else { EntryKind::Earn };
                let mut e = entry("2026-01-01", kind, points);
                e.date = date;
                prop_assert!(a.apply(&e).is_ok());
                derived.add(&e);
                prop_assert_eq!(a.lots.total(), derived.points);
                prop_assert_eq!(a.points, derived.points);
                prop_assert!(a.points >= 0);
                prop_assert!(a.lots.0.iter().all(|l| l.points > 0));
            }
        }
    }

    #[test]
    fn aging_groups_lots_by_the_month_they_lapse() {
        let rules = ClubRules::default();
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        let mut a = Account::new("M000001");
        // Earned 2025-11-25: lapses 2026-11-25, on the day of the report.
        a.lots.add(d("2025-11-25"), 5);
        a.lots.add(d("2025-12-01"), 10);
        a.lots.add(d("2025-12-31"), 20);
        // 29 February 2028 lapses on 28 February 2029.
        a.lots.add(d("2028-02-29"), 7);
        let mut b = Account::new("M000002");
        b.lots.add(d("2025-12-15"), 100);
        let rows = aging([&a, &b], d("2026-11-25"), &rules);
        let got: Vec<(&str, i64, u64)> = rows
            .iter()
            .map(|r| (r.expires.as_str(), r.points, r.members))
            .collect();
        assert_eq!(
            got,
            [("lapsed", 5, 1), ("2026-12", 130, 2), ("2029-02", 7, 1)]
        );
    }
}
