//! Golden cases: `[[case]]` entries in `club.toml` that state a rule's
//! inputs and the outcome the office expects, so that a changed number that
//! nobody meant to change is caught by `rules test` (and `data check`)
//! before it reaches a member. Each kind runs the domain's own rule
//! function; nothing here computes an outcome a second way.

use super::dates::add_days;
use super::error::DomainError;
use super::lead::{self, Claim, Lead, LeadStatus};
use super::member;
use super::money::Cents;
use super::points::{self, PointsLot};
use super::rules::ClubRules;
use super::tier::{self, Activity};
use chrono::NaiveDate;
use serde::{Deserialize, Deserializer, Serialize};

/// What a case checks, and so which inputs it needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CaseKind {
    /// The tier `spend`, `points` and `visits` in the window qualify for.
    Tier,
    /// The expiry of a term approved on `approved`.
    Term,
    /// A member's status on `on` when their term ended on `expires`.
    Status,
    /// Points a purchase of `spend` (in `category`, at `tier`) earns.
    Earn,
    /// The day points earned on `earned` lapse.
    Lapse,
    /// A lead claimed on `claimed`: `live` or `public` on `on`.
    Lead,
    /// Its former owner claiming a lead again on `on` that went public on
    /// `public_since`: `accepted` or `refused`.
    Cooldown,
    /// A salesperson holding `held` live leads claiming one more:
    /// `accepted` or `refused`.
    Cap,
    /// The bonus a recharge of `amount` on `on` earns.
    Recharge,
}

impl CaseKind {
    pub fn as_str(self) -> &'static str {
        match self {
            CaseKind::Tier => "tier",
            CaseKind::Term => "term",
            CaseKind::Status => "status",
            CaseKind::Earn => "earn",
            CaseKind::Lapse => "lapse",
            CaseKind::Lead => "lead",
            CaseKind::Cooldown => "cooldown",
            CaseKind::Cap => "cap",
            CaseKind::Recharge => "recharge",
        }
    }

    /// The inputs the kind needs, by their names in the file.
    fn required(self) -> &'static [&'static str] {
        match self {
            CaseKind::Tier => &[],
            CaseKind::Term => &["approved"],
            CaseKind::Status => &["expires", "on"],
            CaseKind::Earn => &["spend"],
            CaseKind::Lapse => &["earned"],
            CaseKind::Lead => &["claimed", "on"],
            CaseKind::Cooldown => &["public_since", "on"],
            CaseKind::Cap => &["held"],
            CaseKind::Recharge => &["amount", "on"],
        }
    }

    /// The settings whose numbers decide the outcome.
    pub fn settings(self) -> &'static str {
        match self {
            CaseKind::Tier => "[[tiers]] min_spend, min_points, min_visits",
            CaseKind::Term => "membership.term_months",
            CaseKind::Status => "membership.grace_days",
            CaseKind::Earn => "points.per_yuan, points.excluded_categories, [[tiers]] multiplier",
            CaseKind::Lapse => "points.validity_months",
            CaseKind::Lead => "lead.valid_days",
            CaseKind::Cooldown => "lead.reclaim_cooldown_days",
            CaseKind::Cap => "lead.max_active",
            CaseKind::Recharge => "[[recharge.bonus]]",
        }
    }
}

/// One `[[case]]`: its name, its kind, the inputs the kind reads, and
/// `expect`, the outcome written literally (a tier, a date, a status, a
/// number of points, an amount, `live`/`public`, `accepted`/`refused`).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    pub name: String,
    pub kind: CaseKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spend: Option<Cents>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub points: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visits: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tier: Option<String>,
    #[serde(
        default,
        deserialize_with = "opt_date",
        skip_serializing_if = "Option::is_none"
    )]
    pub approved: Option<NaiveDate>,
    #[serde(
        default,
        deserialize_with = "opt_date",
        skip_serializing_if = "Option::is_none"
    )]
    pub expires: Option<NaiveDate>,
    #[serde(
        default,
        deserialize_with = "opt_date",
        skip_serializing_if = "Option::is_none"
    )]
    pub earned: Option<NaiveDate>,
    #[serde(
        default,
        deserialize_with = "opt_date",
        skip_serializing_if = "Option::is_none"
    )]
    pub claimed: Option<NaiveDate>,
    #[serde(
        default,
        deserialize_with = "opt_date",
        skip_serializing_if = "Option::is_none"
    )]
    pub public_since: Option<NaiveDate>,
    #[serde(
        default,
        deserialize_with = "opt_date",
        skip_serializing_if = "Option::is_none"
    )]
    pub on: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<Cents>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub held: Option<u32>,
    #[serde(deserialize_with = "literal")]
    pub expect: String,
}

fn opt_date<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
    super::rules::toml_date(d).map(Some)
}

/// `expect` as written: a string, a whole number or a bare date.
fn literal<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        Text(String),
        Int(i64),
        Toml(toml::value::Datetime),
    }
    Ok(match Raw::deserialize(d)? {
        Raw::Text(s) => s.trim().to_string(),
        Raw::Int(n) => n.to_string(),
        Raw::Toml(dt) => dt.to_string(),
    })
}

/// The outcome a kind gives, typed so that `"2000"` and `"2000.00"` or a
/// quoted and a bare date compare equal.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Outcome {
    Word(String),
    Date(NaiveDate),
    Points(i64),
    Money(Cents),
}

impl std::fmt::Display for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Outcome::Word(w) => f.write_str(w),
            Outcome::Date(d) => write!(f, "{d}"),
            Outcome::Points(p) => write!(f, "{p}"),
            Outcome::Money(c) => write!(f, "{c}"),
        }
    }
}

impl Case {
    fn has(&self, field: &str) -> bool {
        match field {
            "approved" => self.approved.is_some(),
            "expires" => self.expires.is_some(),
            "earned" => self.earned.is_some(),
            "claimed" => self.claimed.is_some(),
            "public_since" => self.public_since.is_some(),
            "on" => self.on.is_some(),
            "spend" => self.spend.is_some(),
            "amount" => self.amount.is_some(),
            "held" => self.held.is_some(),
            _ => false,
        }
    }

    /// The expected outcome read as the kind's type.
    fn expected(&self) -> Result<Outcome, String> {
        let e = self.expect.as_str();
        let words: &[&str] = match self.kind {
            CaseKind::Tier => return Ok(Outcome::Word(e.to_string())),
            CaseKind::Term | CaseKind::Lapse => {
                return e
                    .parse()
                    .map(Outcome::Date)
                    .map_err(|_| format!("expect = \"{e}\" is not a date (YYYY-MM-DD)"))
            }
            CaseKind::Earn => {
                return e
                    .parse()
                    .map(Outcome::Points)
                    .map_err(|_| format!("expect = \"{e}\" is not a whole number of points"))
            }
            CaseKind::Recharge => {
                return e
                    .parse()
                    .map(Outcome::Money)
                    .map_err(|_| format!("expect = \"{e}\" is not an amount (\"128.50\")"))
            }
            CaseKind::Status => &["active", "grace", "expired"],
            CaseKind::Lead => &["live", "public"],
            CaseKind::Cooldown | CaseKind::Cap => &["accepted", "refused"],
        };
        if words.contains(&e) {
            Ok(Outcome::Word(e.to_string()))
        } else {
            Err(format!(
                "expect = \"{e}\" is not one of {}",
                words
                    .iter()
                    .map(|w| format!("\"{w}\""))
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        }
    }

    /// What today's rules give for this case, by the rule functions the
    /// commands use.
    fn outcome(&self, rules: &ClubRules) -> Outcome {
        let date = |d: Option<NaiveDate>| d.unwrap_or(NaiveDate::MIN);
        match self.kind {
            CaseKind::Tier => {
                let a = Activity {
                    spend: self.spend.unwrap_or_default(),
                    points: self.points.unwrap_or(0),
                    visits: self.visits.unwrap_or(0),
                    last: None,
                };
                Outcome::Word(rules.tiers[tier::highest(rules, &a)].name.clone())
            }
            CaseKind::Term => Outcome::Date(member::term_of(date(self.approved), rules)),
            CaseKind::Status => Outcome::Word(
                member::status_by_date(date(self.expires), date(self.on), rules)
                    .as_str()
                    .to_string(),
            ),
            CaseKind::Earn => {
                let tier = self.tier.as_deref().unwrap_or(rules.entry_tier());
                match rules.tier(tier) {
                    Some(t) => Outcome::Points(points::earned(
                        self.spend.unwrap_or_default(),
                        self.category.as_deref().unwrap_or(""),
                        t.multiplier.0,
                        rules,
                    )),
                    None => Outcome::Word(format!("no tier '{tier}' in [[tiers]]")),
                }
            }
            CaseKind::Lapse => Outcome::Date(
                PointsLot {
                    earned: date(self.earned),
                    points: 1,
                }
                .expires(rules),
            ),
            CaseKind::Lead => {
                let claimed = date(self.claimed);
                let mut leads = [sample_lead("L1", SAMPLE_PHONE, claimed, rules)];
                lead::expire(&mut leads, date(self.on), "");
                Outcome::Word(leads[0].status.as_str().to_string())
            }
            CaseKind::Cooldown => {
                let since = date(self.public_since);
                let mut old = sample_lead("L1", SAMPLE_PHONE, add_days(since, -1), rules);
                old.status = LeadStatus::Public;
                old.since = since;
                claim_word(rules, date(self.on), &[old])
            }
            CaseKind::Cap => {
                let on = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or(NaiveDate::MIN);
                let held: Vec<Lead> = (0..self.held.unwrap_or(0))
                    .map(|i| {
                        let phone = format!("1390000{i:04}");
                        sample_lead(&format!("L{i}"), &phone, on, rules)
                    })
                    .collect();
                claim_word(rules, on, &held)
            }
            CaseKind::Recharge => Outcome::Money(
                points::bonus(self.amount.unwrap_or_default(), date(self.on), rules)
                    .map_or(Cents::ZERO, |(_, c)| c),
            ),
        }
    }
}

const SAMPLE_PHONE: &str = "13800000000";
const SAMPLE_OWNER: &str = "S1";

fn sample_lead(id: &str, phone: &str, claimed: NaiveDate, rules: &ClubRules) -> Lead {
    Lead {
        id: id.into(),
        name: "Case prospect".into(),
        phone: phone.into(),
        company: String::new(),
        nominee: String::new(),
        owner: SAMPLE_OWNER.into(),
        status: LeadStatus::Live,
        claimed,
        until: lead::last_valid_day(claimed, rules),
        since: claimed,
        member: String::new(),
        shared_with: String::new(),
        note: String::new(),
    }
}

/// `accepted`, or `refused` when the claiming rules say no, for a claim by
/// the sample owner of the sample prospect.
fn claim_word(rules: &ClubRules, on: NaiveDate, leads: &[Lead]) -> Outcome {
    let c = Claim {
        sales: SAMPLE_OWNER.into(),
        name: "Case prospect".into(),
        phone: SAMPLE_PHONE.into(),
        ..Claim::default()
    };
    let word = match lead::claim(c, "L9".into(), on, rules, leads, &[]) {
        Ok(_) => "accepted",
        Err(DomainError::Refused(_)) => "refused",
        Err(e) => return Outcome::Word(format!("invalid: {e}")),
    };
    Outcome::Word(word.into())
}

/// Checks that every case names the inputs its kind needs and an outcome
/// of the kind's type; the error gives the index of the case at fault and
/// a message naming it.
pub fn check(cases: &[Case]) -> Result<(), (usize, String)> {
    for (i, c) in cases.iter().enumerate() {
        check_one(cases, i, c).map_err(|msg| (i, msg))?;
    }
    Ok(())
}

fn check_one(cases: &[Case], i: usize, c: &Case) -> Result<(), String> {
    let at = format!("[[case]] {} ('{}')", i + 1, c.name);
    if c.name.trim().is_empty() {
        return Err(format!("[[case]] {} has no name", i + 1));
    }
    if cases[..i].iter().any(|o| o.name == c.name) {
        return Err(format!("{at} is listed twice: give each case its own name"));
    }
    let missing: Vec<&str> = c
        .kind
        .required()
        .iter()
        .copied()
        .filter(|f| !c.has(f))
        .collect();
    if !missing.is_empty() {
        return Err(format!(
            "{at} of kind \"{}\" needs {}",
            c.kind.as_str(),
            missing.join(" and ")
        ));
    }
    c.expected().map_err(|e| format!("{at}: {e}"))?;
    Ok(())
}

/// One case run against the rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checked {
    pub name: String,
    pub kind: CaseKind,
    pub expect: String,
    pub got: String,
    pub holds: bool,
}

/// Runs every case against `rules` (cases from another file may be run
/// against these rules too: `rules diff` does).
pub fn run(cases: &[Case], rules: &ClubRules) -> Vec<Checked> {
    cases
        .iter()
        .map(|c| {
            let got = c.outcome(rules);
            let holds = c.expected().is_ok_and(|e| e == got);
            Checked {
                name: c.name.clone(),
                kind: c.kind,
                expect: c.expect.clone(),
                got: got.to_string(),
                holds,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cases(text: &str) -> Vec<Case> {
        ClubRules::from_toml(text).unwrap().case
    }

    fn run_one(rules: &ClubRules, text: &str) -> Checked {
        let c = cases(text);
        run(&c, rules).remove(0)
    }

    #[test]
    fn tier_thresholds_hold_at_the_exact_cent() {
        let rules = ClubRules::default();
        let below = run_one(
            &rules,
            "[[case]]\nname = \"a\"\nkind = \"tier\"\nspend = \"1999.99\"\nexpect = \"basic\"\n",
        );
        assert!(below.holds, "{below:?}");
        let at = run_one(
            &rules,
            "[[case]]\nname = \"a\"\nkind = \"tier\"\nspend = \"2000\"\nexpect = \"basic\"\n",
        );
        assert!(!at.holds);
        assert_eq!(at.got, "silver");
    }

    #[test]
    fn a_term_from_31_january_and_29_february_ends_on_a_month_end() {
        let mut rules = ClubRules::default();
        rules.membership.term_months = 1;
        let c = run_one(
            &rules,
            "[[case]]\nname = \"a\"\nkind = \"term\"\napproved = 2026-01-31\nexpect = 2026-02-28\n",
        );
        assert!(c.holds, "{c:?}");
        rules.membership.term_months = 12;
        let c = run_one(
            &rules,
            "[[case]]\nname = \"a\"\nkind = \"term\"\napproved = 2028-02-29\nexpect = \"2029-02-28\"\n",
        );
        assert!(c.holds, "{c:?}");
    }

    #[test]
    fn grace_runs_to_its_last_day_and_expiry_starts_the_day_after() {
        let rules = ClubRules::default();
        let case = |on: &str, expect: &str| {
            run_one(
                &rules,
                &format!("[[case]]\nname = \"a\"\nkind = \"status\"\nexpires = 2026-01-31\non = {on}\nexpect = \"{expect}\"\n"),
            )
        };
        assert!(case("2026-01-31", "active").holds);
        assert!(case("2026-02-01", "grace").holds);
        assert!(case("2026-03-02", "grace").holds);
        assert!(case("2026-03-03", "expired").holds);
    }

    #[test]
    fn earning_rounds_down_and_excluded_categories_earn_nothing() {
        let rules = ClubRules::default();
        let c = run_one(
            &rules,
            "[[case]]\nname = \"a\"\nkind = \"earn\"\nspend = \"128.50\"\ntier = \"silver\"\nexpect = 154\n",
        );
        assert!(c.holds, "{c:?}");
        let c = run_one(
            &rules,
            "[[case]]\nname = \"a\"\nkind = \"earn\"\nspend = \"500\"\ncategory = \"Specials\"\nexpect = 0\n",
        );
        assert!(c.holds, "{c:?}");
        let c = run_one(
            &rules,
            "[[case]]\nname = \"a\"\nkind = \"earn\"\nspend = \"5\"\ntier = \"diamond\"\nexpect = 5\n",
        );
        assert!(!c.holds);
        assert!(c.got.contains("diamond"), "{c:?}");
    }

    #[test]
    fn points_from_29_february_lapse_on_28_february() {
        let rules = ClubRules::default();
        let c = run_one(
            &rules,
            "[[case]]\nname = \"a\"\nkind = \"lapse\"\nearned = 2028-02-29\nexpect = 2029-02-28\n",
        );
        assert!(c.holds, "{c:?}");
    }

    #[test]
    fn a_lead_is_owned_on_day_40_and_public_on_day_41() {
        let rules = ClubRules::default();
        let case = |on: &str, expect: &str| {
            run_one(
                &rules,
                &format!("[[case]]\nname = \"a\"\nkind = \"lead\"\nclaimed = 2026-01-01\non = {on}\nexpect = \"{expect}\"\n"),
            )
        };
        assert!(case("2026-02-09", "live").holds);
        assert!(case("2026-02-10", "public").holds);
    }

    #[test]
    fn cooldown_and_cap_use_the_claiming_rules() {
        let mut rules = ClubRules::default();
        rules.lead.reclaim_cooldown_days = 30;
        let case = |rules: &ClubRules, on: &str, expect: &str| {
            run_one(
                rules,
                &format!("[[case]]\nname = \"a\"\nkind = \"cooldown\"\npublic_since = 2026-03-01\non = {on}\nexpect = \"{expect}\"\n"),
            )
        };
        assert!(case(&rules, "2026-03-30", "refused").holds);
        assert!(case(&rules, "2026-03-31", "accepted").holds);
        let mut none = ClubRules::default();
        none.lead.reclaim_cooldown_days = 0;
        assert!(case(&none, "2026-03-01", "accepted").holds);
        let cap = |held: u32, expect: &str| {
            run_one(
                &rules,
                &format!("[[case]]\nname = \"a\"\nkind = \"cap\"\nheld = {held}\nexpect = \"{expect}\"\n"),
            )
        };
        assert!(cap(9, "accepted").holds);
        assert!(cap(10, "refused").holds);
    }

    #[test]
    fn a_recharge_bonus_holds_on_both_ends_of_its_window() {
        let rules = ClubRules::from_toml(
            "[[recharge.bonus]]\nname = \"Spring\"\nfrom = 2027-03-01\nto = 2027-03-31\npercent = 30\nmin_amount = \"1000\"\n",
        )
        .unwrap();
        let case = |amount: &str, on: &str, expect: &str| {
            run_one(
                &rules,
                &format!("[[case]]\nname = \"a\"\nkind = \"recharge\"\namount = \"{amount}\"\non = {on}\nexpect = \"{expect}\"\n"),
            )
        };
        assert!(case("1000", "2027-03-01", "300").holds);
        assert!(case("1000", "2027-03-31", "300.00").holds);
        assert!(case("1000", "2027-04-01", "0").holds);
        assert!(case("999.99", "2027-03-15", "0").holds);
    }

    #[test]
    fn a_case_without_its_inputs_or_with_a_wrong_outcome_is_refused_on_loading() {
        let err =
            ClubRules::from_toml("[[case]]\nname = \"a\"\nkind = \"status\"\nexpect = \"grace\"\n")
                .unwrap_err();
        assert!(err.contains("needs expires and on"), "{err}");
        let err = ClubRules::from_toml(
            "[[case]]\nname = \"a\"\nkind = \"lead\"\nclaimed = 2026-01-01\non = 2026-01-02\nexpect = \"owned\"\n",
        )
        .unwrap_err();
        assert!(err.contains("\"live\", \"public\""), "{err}");
        let err = ClubRules::from_toml(
            "[[case]]\nname = \"a\"\nkind = \"tier\"\nspent = \"1\"\nexpect = \"basic\"\n",
        )
        .unwrap_err();
        assert!(err.contains("spent"), "{err}");
        let err =
            ClubRules::from_toml("[[case]]\nname = \"a\"\nkind = \"weather\"\nexpect = \"sun\"\n")
                .unwrap_err();
        assert!(err.contains("weather"), "{err}");
    }
}
