//! `club.toml`: the program's identity and every rule's numbers. Each field
//! has the default that domain.md gives, so a short file is a valid one, and
//! an unknown key is refused so that a typo never silently falls back to a
//! default.

use super::money::Cents;
use serde::{Deserialize, Deserializer, Serialize};

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct ClubRules {
    pub club: Identity,
    pub membership: Membership,
    pub card: CardRules,
    pub points: PointsRules,
    pub tier: TierPolicy,
    pub tiers: Vec<Tier>,
    pub lead: LeadRules,
    pub commission: Commission,
    pub referral: Referral,
    pub events: EventRules,
    pub rewards: Vec<RewardRule>,
    pub recharge: RechargeRules,
    pub kpi: KpiRules,
    /// Golden cases (`[[case]]`): outcomes these rules must give.
    pub case: Vec<super::cases::Case>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct Identity {
    pub name: String,
    /// Language of labels and headings: "en" or "zh".
    pub lang: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct Membership {
    /// Months a membership runs from approval or renewal.
    pub term_months: u32,
    /// Days after expiry during which a member may still renew.
    pub grace_days: u32,
    /// Yearly dues, recorded when `--paid` is not given. Zero records nothing.
    pub dues: Cents,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct CardRules {
    /// Card numbers are the prefix followed by a zero-padded sequence.
    pub prefix: String,
    pub digits: usize,
    /// A replacement must be asked for within this many days of the loss
    /// report (the day of the report is day 0).
    pub reissue_window_days: u32,
    pub reissue_fee: Cents,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct PointsRules {
    pub per_yuan: u32,
    /// Months after which an earned lot lapses.
    pub validity_months: u32,
    /// Yuan a hundred points are worth when offset against a bill.
    pub yuan_per_100: Cents,
    /// Spend categories that earn nothing (special offers, vouchers).
    pub excluded_categories: Vec<String>,
    /// When a refunded purchase's points are partly spent already:
    /// "negative" takes them all back and the balance goes below zero
    /// (later earnings repay it first; no redemption meanwhile), "charge"
    /// takes what is left and charges the rest in money on the refund.
    pub refund_overdraft: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct TierPolicy {
    /// The rolling window in which spend and points qualify for a tier.
    pub window_months: u32,
    /// Months without a purchase or recharge after which a tier drops a step.
    pub downgrade_after_months: u32,
    /// 级别归还: a member whose last tier change was such a drop regains the
    /// tier they lost by recharging again.
    pub restore_on_recharge: bool,
    /// What the recharges after the drop must add up to (0: any recharge).
    pub restore_min_recharge: Cents,
    /// Months after the drop in which those recharges count.
    pub restore_within_months: u32,
}

/// One rung of the tier ladder; `tiers` lists them from lowest to highest.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Tier {
    pub name: String,
    #[serde(default)]
    pub zh: String,
    #[serde(default)]
    pub min_spend: Cents,
    #[serde(default)]
    pub min_points: i64,
    #[serde(default)]
    pub min_visits: u32,
    /// Points multiplier in hundredths (1.5 is 150), so earning stays exact.
    #[serde(default = "Hundredths::one")]
    pub multiplier: Hundredths,
    /// Discount in percent.
    #[serde(default)]
    pub discount: u32,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct LeadRules {
    pub valid_days: u32,
    pub max_active: u32,
    pub reclaim_cooldown_days: u32,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct Commission {
    /// Percent of first-year dues paid on a deal.
    pub rate: u32,
    /// Percent of the commission the winner keeps on an arbitrated deal.
    pub split: u32,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct Referral {
    /// Percent of the referred member's first recharge paid to the referrer.
    pub percent: u32,
    /// "points" or "wallet".
    pub reward: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct EventRules {
    /// A registered member who withdraws at least this many days before the
    /// event gets `refund_percent` of the fee back; later, `late_refund_percent`.
    pub refund_days_before: u32,
    pub refund_percent: u32,
    pub late_refund_percent: u32,
}

impl Default for EventRules {
    fn default() -> Self {
        EventRules {
            refund_days_before: 3,
            refund_percent: 100,
            late_refund_percent: 0,
        }
    }
}
/// A reward of the catalogue in club.toml (`[[rewards]]`). A row of
/// `rewards.csv` with the same code takes precedence and holds the stock
/// left once anything has been redeemed.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RewardRule {
    pub code: String,
    pub name: String,
    pub points: i64,
    /// Units on hand.
    pub stock: u32,
    /// The lowest tier that may redeem it (blank: any tier).
    #[serde(default)]
    pub min_tier: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct RechargeRules {
    /// Bonus campaigns (`[[recharge.bonus]]`).
    pub bonus: Vec<BonusCampaign>,
    /// A wallet payment above this amount is confirmed at the terminal.
    pub confirm_pay_above: Cents,
}

impl Default for RechargeRules {
    fn default() -> Self {
        RechargeRules {
            bonus: Vec::new(),
            confirm_pay_above: Cents(100_000),
        }
    }
}

/// A recharge campaign: `percent` extra stored value on a recharge of at
/// least `min_amount` made between `from` and `to`, both days included.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct BonusCampaign {
    pub name: String,
    #[serde(deserialize_with = "toml_date")]
    pub from: chrono::NaiveDate,
    #[serde(deserialize_with = "toml_date")]
    pub to: chrono::NaiveDate,
    pub percent: u32,
    #[serde(default)]
    pub min_amount: Cents,
}

/// A check of `club.toml` that failed: the dotted key at fault (an array
/// element by its index, `tiers.2.name`) and what is wrong.
#[derive(Debug)]
struct Invalid {
    key: String,
    msg: String,
}

fn invalid(key: impl Into<String>, msg: impl Into<String>) -> Result<(), Invalid> {
    Err(Invalid {
        key: key.into(),
        msg: msg.into(),
    })
}

/// The line (from 1) where `key` (dotted, array elements by index) is
/// written in `text`; when the key itself is absent, the line of the nearest
/// enclosing table that is written.
fn line_of_key(text: &str, key: &str) -> Option<usize> {
    use toml_edit::{ImDocument, Item, Table, Value};
    enum Node<'a> {
        Table(&'a Table),
        Item(&'a Item),
        Value(&'a Value),
    }
    let doc = ImDocument::parse(text).ok()?;
    let mut node = Node::Table(doc.as_table());
    let mut span = None;
    for part in key.split('.') {
        let next = if let Ok(index) = part.parse::<usize>() {
            match node {
                Node::Item(Item::ArrayOfTables(a)) => a.get(index).map(|t| {
                    span = t.span().or(span.clone());
                    Node::Table(t)
                }),
                Node::Item(Item::Value(Value::Array(a))) | Node::Value(Value::Array(a)) => {
                    a.get(index).map(|v| {
                        span = v.span().or(span.clone());
                        Node::Value(v)
                    })
                }
                _ => None,
            }
        } else {
            let found = match node {
                Node::Table(t) => t.get_key_value(part),
                Node::Item(i) => i.as_table_like().and_then(|t| t.get_key_value(part)),
                Node::Value(v) => v.as_inline_table().and_then(|t| t.get_key_value(part)),
            };
            found.map(|(k, v)| {
                span = k.span().or(span.clone());
                Node::Item(v)
            })
        };
        match next {
            Some(n) => node = n,
            None => break,
        }
    }
    let start = span?.start.min(text.len());
    Some(text[..start].matches('\n').count() + 1)
}

/// A date written bare in TOML (`from = 2027-03-01`) or as a string.
pub(super) fn toml_date<'de, D: Deserializer<'de>>(d: D) -> Result<chrono::NaiveDate, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        Text(String),
        Toml(toml::value::Datetime),
    }
    let text = match Raw::deserialize(d)? {
        Raw::Text(s) => s,
        Raw::Toml(dt) => dt.to_string(),
    };
    text.parse()
        .map_err(|_| serde::de::Error::custom(format!("'{text}' is not a date (YYYY-MM-DD)")))
}

/// The member department's monthly scorecard (`report kpi`): a target and a
/// weight for each measure; the weights add up to 100.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct KpiRules {
    /// Growth rate in percent (new approvals / members at start).
    pub member_growth: KpiTarget,
    /// Average event feedback score, 1 to 5.
    pub satisfaction: KpiTarget,
    /// Events held in the month.
    pub events: KpiTarget,
    /// Activity rate in percent (active / members in good standing at end).
    pub activity: KpiTarget,
    /// Repurchase rate in percent (2+ purchases / 1+ purchases).
    pub repurchase: KpiTarget,
}

/// One scorecard line: the target (two decimals kept) and its weight.
#[derive(Debug, Clone, Copy, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct KpiTarget {
    pub target: Hundredths,
    pub weight: u32,
}

impl KpiTarget {
    fn new(target: u32, weight: u32) -> KpiTarget {
        KpiTarget {
            target: Hundredths(target),
            weight,
        }
    }
}

impl Default for KpiRules {
    fn default() -> Self {
        KpiRules {
            member_growth: KpiTarget::new(200, 30),
            satisfaction: KpiTarget::new(450, 20),
            events: KpiTarget::new(200, 15),
            activity: KpiTarget::new(3000, 20),
            repurchase: KpiTarget::new(4000, 15),
        }
    }
}

impl KpiRules {
    /// The measures in scorecard order, by their `club.toml` names.
    pub fn measures(&self) -> [(&'static str, KpiTarget); 5] {
        [
            ("member_growth", self.member_growth),
            ("satisfaction", self.satisfaction),
            ("events", self.events),
            ("activity", self.activity),
            ("repurchase", self.repurchase),
        ]
    }
}

/// A ratio kept as an integer number of hundredths.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(into = "f64")]
pub struct Hundredths(pub u32);

impl Hundredths {
    fn one() -> Self {
        Hundredths(100)
    }
}

impl From<Hundredths> for f64 {
    fn from(h: Hundredths) -> f64 {
        f64::from(h.0) / 100.0
    }
}

impl<'de> Deserialize<'de> for Hundredths {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = f64::deserialize(d)?;
        if !(0.0..=1000.0).contains(&v) {
            return Err(serde::de::Error::custom("a multiplier between 0 and 1000"));
        }
        Ok(Hundredths((v * 100.0).round() as u32))
    }
}

impl Default for Identity {
    fn default() -> Self {
        Identity {
            name: "Our Club".into(),
            lang: "en".into(),
        }
    }
}

impl Default for Membership {
    fn default() -> Self {
        Membership {
            term_months: 12,
            grace_days: 30,
            dues: Cents::ZERO,
        }
    }
}

impl Default for CardRules {
    fn default() -> Self {
        CardRules {
            prefix: "VIP".into(),
            digits: 6,
            reissue_window_days: 10,
            reissue_fee: Cents(2000),
        }
    }
}

impl Default for PointsRules {
    fn default() -> Self {
        PointsRules {
            per_yuan: 1,
            validity_months: 12,
            yuan_per_100: Cents(100),
            excluded_categories: vec!["specials".into(), "voucher".into()],
            refund_overdraft: "negative".into(),
        }
    }
}

impl Default for TierPolicy {
    fn default() -> Self {
        TierPolicy {
            window_months: 12,
            downgrade_after_months: 12,
            restore_on_recharge: false,
            restore_min_recharge: Cents::ZERO,
            restore_within_months: 12,
        }
    }
}

impl Default for LeadRules {
    fn default() -> Self {
        LeadRules {
            valid_days: 40,
            max_active: 10,
            reclaim_cooldown_days: 30,
        }
    }
}

impl Default for Commission {
    fn default() -> Self {
        Commission { rate: 5, split: 50 }
    }
}

impl Default for Referral {
    fn default() -> Self {
        Referral {
            percent: 10,
            reward: "points".into(),
        }
    }
}

impl Default for ClubRules {
    fn default() -> Self {
        let tier = |name: &str, zh: &str, spend: i64, points: i64, mult: u32, discount: u32| Tier {
            name: name.into(),
            zh: zh.into(),
            min_spend: Cents(spend * 100),
            min_points: points,
            min_visits: 0,
            multiplier: Hundredths(mult),
            discount,
        };
        ClubRules {
            club: Identity::default(),
            membership: Membership::default(),
            card: CardRules::default(),
            points: PointsRules::default(),
            tier: TierPolicy::default(),
            tiers: vec![
                tier("basic", "普通", 0, 0, 100, 0),
                tier("silver", "银卡", 2000, 5000, 120, 5),
                tier("gold", "金卡", 5000, 10000, 150, 10),
                tier("platinum", "白金", 20000, 40000, 200, 15),
            ],
            lead: LeadRules::default(),
            commission: Commission::default(),
            referral: Referral::default(),
            events: EventRules::default(),
            rewards: Vec::new(),
            recharge: RechargeRules::default(),
            kpi: KpiRules::default(),
            case: Vec::new(),
        }
    }
}

impl ClubRules {
    /// Parses `club.toml`; the error names the line and the key at fault.
    pub fn from_toml(text: &str) -> Result<ClubRules, String> {
        let rules: ClubRules = toml::from_str(text).map_err(|e| e.to_string())?;
        rules.validate().map_err(|e| e.msg)?;
        Ok(rules)
    }

    /// Parses and checks `club.toml` like [`ClubRules::from_toml`]; a rule
    /// that breaks a check is reported at the line of the key at fault (or
    /// of its table, when the fault is the table as a whole, such as
    /// `[kpi]` weights that do not add up to 100). `None` when the text
    /// does not hold the key (the fault lies in a default).
    pub fn checked(text: &str) -> Result<ClubRules, (Option<usize>, String)> {
        let rules: ClubRules = toml::from_str(text).map_err(|e| (None, e.to_string()))?;
        rules
            .validate()
            .map_err(|e| (line_of_key(text, &e.key), e.msg))?;
        Ok(rules)
    }

    fn validate(&self) -> Result<(), Invalid> {
        if !matches!(self.club.lang.as_str(), "en" | "zh") {
            return invalid(
                "club.lang",
                format!(
                    "club.lang is '{}'; it must be \"en\" or \"zh\"",
                    self.club.lang
                ),
            );
        }
        if self.tiers.is_empty() {
            return invalid(
                "tiers",
                "[[tiers]] lists no tier; at least one (the entry tier) is needed",
            );
        }
        for (i, t) in self.tiers.iter().enumerate() {
            if self.tiers[..i].iter().any(|o| o.name == t.name) {
                return invalid(
                    format!("tiers.{i}.name"),
                    format!("tier '{}' is listed twice in [[tiers]]", t.name),
                );
            }
        }
        if self.membership.term_months == 0 {
            return invalid(
                "membership.term_months",
                "membership.term_months must be at least 1",
            );
        }
        if self.card.digits == 0 || self.card.digits > 18 {
            return invalid("card.digits", "card.digits must be between 1 and 18");
        }
        let weights: u32 = self.kpi.measures().iter().map(|(_, m)| m.weight).sum();
        if weights != 100 {
            return invalid(
                "kpi",
                format!("the [kpi] weights add up to {weights}; make them add up to 100"),
            );
        }
        if let Some((name, _)) = self.kpi.measures().iter().find(|(_, m)| m.target.0 == 0) {
            return invalid(
                format!("kpi.{name}.target"),
                format!("kpi.{name}.target is 0; give a target above 0"),
            );
        }
        if self.events.refund_percent > 100 || self.events.late_refund_percent > 100 {
            let key = if self.events.refund_percent > 100 {
                "events.refund_percent"
            } else {
                "events.late_refund_percent"
            };
            return invalid(
                key,
                "events.refund_percent and events.late_refund_percent must be 0 to 100",
            );
        }
        if self.tier.restore_on_recharge && self.tier.restore_within_months == 0 {
            return invalid(
                "tier.restore_within_months",
                "tier.restore_within_months must be at least 1 when tier.restore_on_recharge is on",
            );
        }
        if self.tier.restore_min_recharge.0 < 0 {
            return invalid(
                "tier.restore_min_recharge",
                "tier.restore_min_recharge must not be negative",
            );
        }
        if self.points.validity_months == 0 {
            return invalid(
                "points.validity_months",
                "points.validity_months must be at least 1",
            );
        }
        for (i, r) in self.rewards.iter().enumerate() {
            if self.rewards[..i].iter().any(|o| o.code == r.code) {
                return invalid(
                    format!("rewards.{i}.code"),
                    format!("reward '{}' is listed twice in [[rewards]]", r.code),
                );
            }
            if r.points <= 0 {
                return invalid(
                    format!("rewards.{i}.points"),
                    format!("reward '{}' must cost at least 1 point", r.code),
                );
            }
            if !r.min_tier.is_empty() && self.tier(&r.min_tier).is_none() {
                return invalid(
                    format!("rewards.{i}.min_tier"),
                    format!(
                        "reward '{}' names min_tier '{}', which is not in [[tiers]]",
                        r.code, r.min_tier
                    ),
                );
            }
        }
        for (i, b) in self.recharge.bonus.iter().enumerate() {
            if b.to < b.from {
                return invalid(
                    format!("recharge.bonus.{i}.to"),
                    format!(
                        "recharge bonus '{}' ends ({}) before it starts ({})",
                        b.name, b.to, b.from
                    ),
                );
            }
        }
        if !matches!(self.points.refund_overdraft.as_str(), "negative" | "charge") {
            return invalid(
                "points.refund_overdraft",
                format!(
                    "points.refund_overdraft is '{}'; it must be \"negative\" or \"charge\"",
                    self.points.refund_overdraft
                ),
            );
        }
        if !matches!(self.referral.reward.as_str(), "points" | "wallet") {
            return invalid(
                "referral.reward",
                format!(
                    "referral.reward is '{}'; it must be \"points\" or \"wallet\"",
                    self.referral.reward
                ),
            );
        }
        if let Err((i, msg)) = super::cases::check(&self.case) {
            return invalid(format!("case.{i}"), msg);
        }
        Ok(())
    }

    /// The entry tier every new member starts in.
    pub fn entry_tier(&self) -> &str {
        self.tiers
            .first()
            .map(|t| t.name.as_str())
            .unwrap_or("basic")
    }

    pub fn tier(&self, name: &str) -> Option<&Tier> {
        self.tiers.iter().find(|t| t.name == name)
    }

    /// Rank of a tier on the ladder (0 is the entry tier).
    pub fn tier_rank(&self, name: &str) -> Option<usize> {
        self.tiers.iter().position(|t| t.name == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_file_takes_every_default() {
        let r = ClubRules::from_toml("").unwrap();
        assert_eq!(r.membership.term_months, 12);
        assert_eq!(r.membership.grace_days, 30);
        assert_eq!(r.card.reissue_window_days, 10);
        assert_eq!(r.lead.valid_days, 40);
        assert_eq!(r.tiers.len(), 4);
        assert_eq!(r.entry_tier(), "basic");
    }

    #[test]
    fn money_and_multipliers_parse_exactly() {
        let r = ClubRules::from_toml(
            "[membership]\ndues = \"1280.50\"\n[[tiers]]\nname = \"one\"\nmultiplier = 1.15\n",
        )
        .unwrap();
        assert_eq!(r.membership.dues, Cents(128050));
        assert_eq!(r.tiers[0].multiplier, Hundredths(115));
    }

    #[test]
    fn a_typo_is_refused_not_defaulted() {
        let err = ClubRules::from_toml("[membership]\nterm_month = 6\n").unwrap_err();
        assert!(err.contains("term_month"), "{err}");
    }

    #[test]
    fn campaigns_and_rewards_parse_and_are_checked() {
        let r = ClubRules::from_toml(
            "[[recharge.bonus]]\nname = \"Spring\"\nfrom = 2027-03-01\nto = \"2027-03-31\"\npercent = 30\nmin_amount = \"1000\"\n\
             [[rewards]]\ncode = \"MUG\"\nname = \"Mug\"\npoints = 300\nstock = 5\nmin_tier = \"gold\"\n",
        )
        .unwrap();
        assert_eq!(r.recharge.bonus[0].to.to_string(), "2027-03-31");
        assert_eq!(r.recharge.bonus[0].min_amount, Cents(100000));
        assert_eq!(r.rewards[0].min_tier, "gold");
        let err = ClubRules::from_toml(
            "[[rewards]]\ncode = \"MUG\"\nname = \"Mug\"\npoints = 300\nstock = 5\nmin_tier = \"diamond\"\n",
        )
        .unwrap_err();
        assert!(err.contains("diamond"), "{err}");
        let err = ClubRules::from_toml(
            "[[recharge.bonus]]\nname = \"X\"\nfrom = 2027-03-02\nto = 2027-03-01\npercent = 1\n",
        )
        .unwrap_err();
        assert!(err.contains("ends"), "{err}");
    }

    #[test]
    fn a_failed_check_names_the_line_of_its_key() {
        let at = |text: &str| ClubRules::checked(text).unwrap_err().0;
        // Weights that do not add up: the [kpi] table as a whole.
        let text = "[club]\nname = \"X\"\n\n[kpi]\nevents = { target = 2, weight = 16 }\n";
        assert_eq!(at(text), Some(4));
        // A target of 0: the line of that measure.
        let text =
            "[club]\nname = \"X\"\n[kpi]\n# comment\nsatisfaction = { target = 0, weight = 20 }\n";
        assert_eq!(at(text), Some(5));
        // Dotted keys and keys of an array of tables.
        let text = "kpi.member_growth = { target = 0, weight = 30 }\n";
        assert_eq!(at(text), Some(1));
        let text = "[[tiers]]\nname = \"a\"\n\n[[tiers]]\nzh = \"乙\"\nname = \"a\"\n";
        assert_eq!(at(text), Some(6));
        let text = "[membership]\ngrace_days = 3\nterm_months = 0\n";
        assert_eq!(at(text), Some(3));
        // A fault in a default is at no line of the file.
        assert_eq!(line_of_key("", "kpi"), None);
    }

    #[test]
    fn duplicate_tiers_are_refused() {
        let err =
            ClubRules::from_toml("[[tiers]]\nname = \"a\"\n[[tiers]]\nname = \"a\"\n").unwrap_err();
        assert!(err.contains("twice"), "{err}");
    }
}
