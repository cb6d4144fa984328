//! Sales leads (意向客户), from a golf club's membership sales rules: the
//! registration table is the only proof of ownership and the first
//! registration wins; a lead is the owner's for `lead.valid_days` days, then
//! public; each salesperson holds at most `lead.max_active` live leads.
//! Everything here is a pure function of the leads, `today` and the rules.

use super::dates::add_days;
use super::error::{refused, DomainError, Result};
use super::member::{self, Member};
use super::rules::ClubRules;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LeadStatus {
    /// Owned by a salesperson until its last valid day.
    Live,
    /// Expired or released: anyone may claim it.
    Public,
    /// Signed as a member; the deal is the owner's.
    Converted,
}

impl LeadStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            LeadStatus::Live => "live",
            LeadStatus::Public => "public",
            LeadStatus::Converted => "converted",
        }
    }
}

impl fmt::Display for LeadStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One row of the leads table (`leads/`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Lead {
    pub id: String,
    /// The prospect (for a company lead: the contact person).
    pub name: String,
    /// Normalised, so equal numbers compare equal.
    pub phone: String,
    /// For a company card lead: the company the card is registered under.
    pub company: String,
    /// For a company card lead: the person who uses the card.
    pub nominee: String,
    /// Staff id of the current (or last) owner.
    pub owner: String,
    pub status: LeadStatus,
    /// The day the current owner claimed it.
    pub claimed: NaiveDate,
    /// The last day the lead is the owner's: claimed + valid_days - 1.
    pub until: NaiveDate,
    /// The day the lead reached its status.
    pub since: NaiveDate,
    /// The member the lead was converted into.
    pub member: String,
    /// On an arbitrated deal: the other party, who gets the rest of the
    /// commission the winner (the owner) does not keep.
    pub shared_with: String,
    pub note: String,
}

/// What happened to a lead: one line of the lead events (`lead_events/`),
/// so the owner history and the disputes stay on record after the table
/// row changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EventKind {
    Claim,
    Release,
    Expire,
    Convert,
    Dispute,
    Arbitrate,
}

impl EventKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Claim => "claim",
            EventKind::Release => "release",
            EventKind::Expire => "expire",
            EventKind::Convert => "convert",
            EventKind::Dispute => "dispute",
            EventKind::Arbitrate => "arbitrate",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LeadEvent {
    pub lead: String,
    /// The day it took effect (an expiry: the first public day).
    pub date: NaiveDate,
    pub kind: EventKind,
    /// The salesperson it concerns: the claimer, the owner who released,
    /// lost or converted it, the disputer, the arbitration's winner.
    pub sales: String,
    /// The other party: the member signed, the arbitration's loser.
    pub other: String,
    pub note: String,
    pub operator: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FollowUpKind {
    Call,
    Visit,
    Meeting,
    Message,
}

impl FollowUpKind {
    pub fn as_str(self) -> &'static str {
        match self {
            FollowUpKind::Call => "call",
            FollowUpKind::Visit => "visit",
            FollowUpKind::Meeting => "meeting",
            FollowUpKind::Message => "message",
        }
    }
}

/// One follow-up, a line of the follow-up log (`lead_log/`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FollowUp {
    pub lead: String,
    pub date: NaiveDate,
    pub kind: FollowUpKind,
    pub note: String,
    /// The next step's date, if one was agreed.
    pub next: Option<NaiveDate>,
    /// The owner the follow-up counts for.
    pub sales: String,
    pub operator: String,
}

/// The comparable form of a company name: case- and space-insensitive.
pub fn company_key(name: &str) -> String {
    name.chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

/// The last day a lead claimed on `claimed` is its owner's.
pub fn last_valid_day(claimed: NaiveDate, rules: &ClubRules) -> NaiveDate {
    add_days(claimed, i64::from(rules.lead.valid_days.max(1)) - 1)
}

/// Whether a live lead has run past its last valid day on `today`.
pub fn is_overdue(lead: &Lead, today: NaiveDate) -> bool {
    lead.status == LeadStatus::Live && lead.until < today
}

/// Live leads past their last valid day become public, effective the day
/// after it. Returns the events; running it again finds nothing.
pub fn expire(leads: &mut [Lead], today: NaiveDate, operator: &str) -> Vec<LeadEvent> {
    let mut events = Vec::new();
    for l in leads.iter_mut().filter(|l| is_overdue(l, today)) {
        l.status = LeadStatus::Public;
        l.since = add_days(l.until, 1);
        events.push(LeadEvent {
            lead: l.id.clone(),
            date: l.since,
            kind: EventKind::Expire,
            sales: l.owner.clone(),
            other: String::new(),
            note: format!("last valid day {}", l.until),
            operator: operator.to_string(),
        });
    }
    events
}

/// What `lead claim` is given.
#[derive(Debug, Clone, Default)]
pub struct Claim {
    pub sales: String,
    pub name: String,
    pub phone: String,
    pub company: String,
    pub nominee: String,
    pub note: String,
}

/// The result of a claim: a new lead, or a public one taken over.
#[derive(Debug, Clone, PartialEq)]
pub enum Claimed {
    New(Lead),
    Reclaimed { index: usize, lead: Lead },
}

fn holder_msg(l: &Lead, what: &str) -> String {
    format!(
        "{what} is already held by live lead {} of {} (claimed {}, theirs until {}); first registration wins: wait until it is public (`clubctl lead pool`) or ask for arbitration with `clubctl lead dispute {}`",
        l.id, l.owner, l.claimed, l.until, l.id
    )
}

/// Checks every claiming rule and returns the lead to write. `leads` must
/// already have had `expire` applied for `today`.
pub fn claim(
    c: Claim,
    id: String,
    today: NaiveDate,
    rules: &ClubRules,
    leads: &[Lead],
    members: &[Member],
) -> Result<Claimed> {
    let name = c.name.trim().to_string();
    if name.is_empty() {
        return Err(DomainError::Invalid("--name must not be empty".into()));
    }
    let phone = member::normalise_phone(&c.phone)?;
    let company = c.company.trim().to_string();
    let nominee = c.nominee.trim().to_string();
    let key = company_key(&company);
    if !key.is_empty() && nominee.is_empty() {
        return refused(format!(
            "a company lead for '{company}' needs the nominee who will use the card: add --nominee NAME"
        ));
    }
    if let Some(m) = members
        .iter()
        .find(|m| m.status.is_live() && m.phone == phone)
    {
        return refused(format!(
            "phone {phone} is already a member: {} ({}, {}); a member is not a lead",
            m.id, m.name, m.status
        ));
    }
    let live = |l: &&Lead| l.status == LeadStatus::Live;
    if let Some(l) = leads.iter().filter(live).find(|l| l.phone == phone) {
        return refused(holder_msg(l, &format!("phone {phone}")));
    }
    if !key.is_empty() {
        if let Some(l) = leads
            .iter()
            .filter(live)
            .find(|l| company_key(&l.company) == key)
        {
            return refused(holder_msg(l, &format!("company '{company}'")));
        }
    }
    let held = leads
        .iter()
        .filter(live)
        .filter(|l| l.owner == c.sales)
        .count();
    if held >= rules.lead.max_active as usize {
        return refused(format!(
            "{} already holds {held} live leads, the most allowed (lead.max_active = {}); convert or release one first (`clubctl lead list --sales {}`)",
            c.sales, rules.lead.max_active, c.sales
        ));
    }
    let public = leads.iter().position(|l| {
        l.status == LeadStatus::Public
            && (l.phone == phone || (!key.is_empty() && company_key(&l.company) == key))
    });
    if let Some(i) = public {
        let old = &leads[i];
        let cooldown = i64::from(rules.lead.reclaim_cooldown_days);
        let free_on = add_days(old.since, cooldown);
        if old.owner == c.sales && today < free_on {
            return refused(format!(
                "{} was {}'s lead until it went public on {}; a former owner may claim it again from {} (lead.reclaim_cooldown_days = {cooldown})",
                old.id, c.sales, old.since, free_on
            ));
        }
    }
    let mut lead = Lead {
        id,
        name,
        phone,
        company,
        nominee,
        owner: c.sales,
        status: LeadStatus::Live,
        claimed: today,
        until: last_valid_day(today, rules),
        since: today,
        member: String::new(),
        shared_with: String::new(),
        note: c.note.trim().to_string(),
    };
    Ok(match public {
        Some(index) => {
            lead.id = leads[index].id.clone();
            if lead.note.is_empty() {
                lead.note = leads[index].note.clone();
            }
            Claimed::Reclaimed { index, lead }
        }
        None => Claimed::New(lead),
    })
}

fn expect_status(l: &Lead, allowed: &[LeadStatus], step: &str) -> Result<()> {
    if allowed.contains(&l.status) {
        return Ok(());
    }
    let list: Vec<&str> = allowed.iter().map(|s| s.as_str()).collect();
    refused(format!(
        "cannot {step} {}: the lead is {} (since {}); {step} needs a {} lead",
        l.id,
        l.status,
        l.since,
        list.join(" or ")
    ))
}

/// The owner gives the lead up: public at once.
pub fn release(l: &mut Lead, today: NaiveDate) -> Result<()> {
    expect_status(l, &[LeadStatus::Live], "release")?;
    l.status = LeadStatus::Public;
    l.since = today;
    Ok(())
}

/// A follow-up may be logged on a live lead only; it never extends it.
pub fn follow_up(l: &Lead, today: NaiveDate, next: Option<NaiveDate>, note: &str) -> Result<()> {
    expect_status(l, &[LeadStatus::Live], "log a follow-up on")?;
    if note.trim().is_empty() {
        return Err(DomainError::Invalid("--note must not be empty".into()));
    }
    if let Some(n) = next {
        if n < today {
            return Err(DomainError::Invalid(format!(
                "--next {n} is before today ({today})"
            )));
        }
    }
    Ok(())
}

/// The lead is signed as member `member`.
pub fn convert(l: &mut Lead, member: &str, today: NaiveDate) -> Result<()> {
    expect_status(l, &[LeadStatus::Live], "convert")?;
    l.status = LeadStatus::Converted;
    l.since = today;
    l.member = member.to_string();
    Ok(())
}

/// The member a lead becomes: a company lead is an organization under the
/// company name with its nominee.
pub fn application(l: &Lead) -> member::Application {
    let company = !l.company.is_empty();
    member::Application {
        name: if company {
            l.company.clone()
        } else {
            l.name.clone()
        },
        phone: l.phone.clone(),
        kind: if company {
            member::Kind::Organization
        } else {
            member::Kind::Individual
        },
        nominee: l.nominee.clone(),
        source: format!("lead {}", l.id),
        sales: l.owner.clone(),
        note: if company {
            format!("contact {}; {}", l.name, l.note)
                .trim_end_matches("; ")
                .to_string()
        } else {
            l.note.clone()
        },
        ..Default::default()
    }
}

/// Disputes on `lead` still waiting for arbitration.
pub fn open_disputes<'a>(lead: &str, events: &'a [LeadEvent]) -> Vec<&'a LeadEvent> {
    let mut open = Vec::new();
    for e in events.iter().filter(|e| e.lead == lead) {
        match e.kind {
            EventKind::Dispute => open.push(e),
            EventKind::Arbitrate => open.clear(),
            _ => {}
        }
    }
    open
}

/// Another salesperson's claim on a lead; the lead stays with its owner.
pub fn dispute(l: &Lead, by: &str, note: &str, events: &[LeadEvent]) -> Result<()> {
    expect_status(l, &[LeadStatus::Live, LeadStatus::Converted], "dispute")?;
    if by == l.owner {
        return refused(format!(
            "{by} owns {}: a dispute is raised by another salesperson",
            l.id
        ));
    }
    if note.trim().is_empty() {
        return Err(DomainError::Invalid(
            "--note must say why the lead is claimed".into(),
        ));
    }
    if events
        .iter()
        .any(|e| e.lead == l.id && e.kind == EventKind::Arbitrate)
    {
        return refused(format!(
            "{} was already arbitrated; the decision is final",
            l.id
        ));
    }
    if open_disputes(&l.id, events).iter().any(|e| e.sales == by) {
        return refused(format!(
            "{by} already has an open dispute on {}; wait for `clubctl lead arbitrate`",
            l.id
        ));
    }
    Ok(())
}

/// The department's final decision: `winner` owns the lead (and keeps
/// `commission.split` percent of a deal's commission); the other party
/// gets the rest. Returns the other party.
pub fn arbitrate(l: &mut Lead, winner: &str, events: &[LeadEvent]) -> Result<String> {
    let open = open_disputes(&l.id, events);
    if events
        .iter()
        .any(|e| e.lead == l.id && e.kind == EventKind::Arbitrate)
    {
        return refused(format!(
            "{} was already arbitrated; the decision is final",
            l.id
        ));
    }
    let Some(last) = open.last() else {
        return refused(format!(
            "{} has no open dispute to arbitrate; a salesperson raises one with `clubctl lead dispute {} --by S0x --note TEXT`",
            l.id, l.id
        ));
    };
    let other = if winner == l.owner {
        last.sales.clone()
    } else if open.iter().any(|e| e.sales == winner) {
        l.owner.clone()
    } else {
        let parties: Vec<&str> = std::iter::once(l.owner.as_str())
            .chain(open.iter().map(|e| e.sales.as_str()))
            .collect();
        return refused(format!(
            "{winner} is not a party to the dispute on {}: the parties are {}",
            l.id,
            parties.join(", ")
        ));
    };
    l.owner = winner.to_string();
    l.shared_with = other.clone();
    Ok(other)
}

/// Problems in the leads table itself, for `data check`: each is the
/// offending lead's index and a message.
pub fn problems(leads: &[Lead]) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut phones: std::collections::HashMap<&str, &str> = Default::default();
    let mut companies: std::collections::HashMap<String, &str> = Default::default();
    for (i, l) in leads.iter().enumerate() {
        if l.until < l.claimed {
            out.push((
                i,
                format!("last valid day {} is before claim {}", l.until, l.claimed),
            ));
        }
        if l.since < l.claimed {
            out.push((
                i,
                format!("status date {} is before claim {}", l.since, l.claimed),
            ));
        }
        if l.status == LeadStatus::Converted && l.member.is_empty() {
            out.push((i, "converted but names no member".into()));
        }
        if !l.company.is_empty() && l.nominee.is_empty() {
            out.push((i, format!("company lead '{}' has no nominee", l.company)));
        }
        if l.status != LeadStatus::Live {
            continue;
        }
        if let Some(other) = phones.insert(&l.phone, &l.id) {
            out.push((
                i,
                format!("phone {} is also held by live lead {other}", l.phone),
            ));
        }
        let key = company_key(&l.company);
        if !key.is_empty() {
            if let Some(other) = companies.insert(key, &l.id) {
                out.push((
                    i,
                    format!("company '{}' is also held by live lead {other}", l.company),
                ));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn rules() -> ClubRules {
        ClubRules::default()
    }

    fn claim_as(sales: &str, phone: &str, company: &str) -> Claim {
        Claim {
            sales: sales.into(),
            name: "Chen".into(),
            phone: phone.into(),
            company: company.into(),
            nominee: if company.is_empty() { "" } else { "Chen" }.into(),
            note: String::new(),
        }
    }

    fn new_lead(c: Claim, id: &str, today: &str, leads: &[Lead]) -> Result<Lead> {
        match claim(c, id.into(), d(today), &rules(), leads, &[])? {
            Claimed::New(l) => Ok(l),
            Claimed::Reclaimed { lead, .. } => Ok(lead),
        }
    }

    #[test]
    fn forty_days_count_the_claim_day() {
        let r = rules();
        assert_eq!(last_valid_day(d("2026-11-01"), &r), d("2026-12-10"));
        assert_eq!(last_valid_day(d("2026-12-31"), &r), d("2027-02-08"));
        // Across 29 February in a leap year, and 28 February in a common one.
        assert_eq!(last_valid_day(d("2028-02-01"), &r), d("2028-03-11"));
        assert_eq!(last_valid_day(d("2027-02-01"), &r), d("2027-03-12"));
        assert_eq!(last_valid_day(d("2028-02-29"), &r), d("2028-04-08"));
        assert_eq!(last_valid_day(d("2026-01-31"), &r), d("2026-03-11"));
    }

    #[test]
    fn day_40_is_live_and_day_41_public() {
        let mut leads = vec![new_lead(
            claim_as("S01", "13800000001", ""),
            "L000001",
            "2026-11-01",
            &[],
        )
        .unwrap()];
        assert!(expire(&mut leads, d("2026-12-10"), "cron").is_empty());
        assert_eq!(leads[0].status, LeadStatus::Live);
        let ev = expire(&mut leads, d("2026-12-11"), "cron");
        assert_eq!(ev.len(), 1);
        assert_eq!(ev[0].date, d("2026-12-11"));
        assert_eq!(leads[0].status, LeadStatus::Public);
        assert_eq!(leads[0].since, d("2026-12-11"));
        assert!(expire(&mut leads, d("2026-12-12"), "cron").is_empty());
    }

    #[test]
    fn a_late_expiry_run_dates_the_lead_public_from_the_day_after() {
        let mut leads = vec![new_lead(
            claim_as("S01", "13800000001", ""),
            "L000001",
            "2028-01-21",
            &[],
        )
        .unwrap()];
        assert_eq!(leads[0].until, d("2028-02-29"));
        let ev = expire(&mut leads, d("2028-03-15"), "cron");
        assert_eq!(ev[0].date, d("2028-03-01"));
    }

    #[test]
    fn the_eleventh_live_lead_is_refused() {
        let mut leads = Vec::new();
        for i in 1..=10 {
            let l = new_lead(
                claim_as("S01", &format!("1380000{i:04}"), ""),
                &format!("L{i:06}"),
                "2026-11-01",
                &leads,
            )
            .unwrap();
            leads.push(l);
        }
        let err = new_lead(
            claim_as("S01", "13900000000", ""),
            "L000011",
            "2026-11-01",
            &leads,
        )
        .unwrap_err();
        assert!(matches!(err, DomainError::Refused(ref m) if m.contains("10 live leads")));
        // Someone else may still claim.
        assert!(new_lead(
            claim_as("S02", "13900000000", ""),
            "L000011",
            "2026-11-01",
            &leads
        )
        .is_ok());
        // A release frees a slot.
        release(&mut leads[0], d("2026-11-02")).unwrap();
        assert!(new_lead(
            claim_as("S01", "13900000000", ""),
            "L000011",
            "2026-11-02",
            &leads
        )
        .is_ok());
    }

    #[test]
    fn company_names_match_without_case_or_spaces() {
        let leads = vec![new_lead(
            claim_as("S01", "13800000001", "Acme Golf Ltd"),
            "L000001",
            "2026-11-01",
            &[],
        )
        .unwrap()];
        let err = new_lead(
            claim_as("S02", "13800000002", " acme  golfLTD "),
            "L000002",
            "2026-11-02",
            &leads,
        )
        .unwrap_err();
        assert!(
            matches!(err, DomainError::Refused(ref m) if m.contains("L000001") && m.contains("S01") && m.contains("2026-12-10"))
        );
        assert_eq!(company_key(" Acme  Golf\tLtd"), "acmegolfltd");
    }

    #[test]
    fn a_company_lead_needs_a_nominee() {
        let mut c = claim_as("S01", "13800000001", "Acme");
        c.nominee = " ".into();
        assert!(matches!(
            new_lead(c, "L000001", "2026-11-01", &[]),
            Err(DomainError::Refused(m)) if m.contains("nominee")
        ));
    }

    #[test]
    fn by_default_a_former_owner_waits_30_days_after_expiry() {
        let r = rules();
        assert_eq!(r.lead.reclaim_cooldown_days, 30);
        let mut leads = vec![new_lead(
            claim_as("S01", "13800000001", ""),
            "L000001",
            "2026-11-01",
            &[],
        )
        .unwrap()];
        // Valid through 2026-12-10, public from 2026-12-11 (day 41).
        expire(&mut leads, d("2026-12-11"), "cron");
        let again = |who: &str, day: &str| {
            claim(
                claim_as(who, "13800000001", ""),
                "L000002".into(),
                d(day),
                &r,
                &leads,
                &[],
            )
        };
        for day in ["2026-12-11", "2027-01-09"] {
            match again("S01", day) {
                Err(DomainError::Refused(m)) => assert!(
                    m.contains("went public on 2026-12-11")
                        && m.contains("claim it again from 2027-01-10")
                        && m.contains("lead.reclaim_cooldown_days = 30"),
                    "{m}"
                ),
                other => panic!("{day}: {other:?}"),
            }
        }
        assert!(matches!(
            again("S01", "2027-01-10").unwrap(),
            Claimed::Reclaimed { .. }
        ));
        // Anyone else may take it from the pool the day it goes public.
        assert!(matches!(
            again("S02", "2026-12-11").unwrap(),
            Claimed::Reclaimed { .. }
        ));
    }

    #[test]
    fn a_public_lead_is_reclaimed_with_a_new_term_and_a_cooldown() {
        let mut r = rules();
        r.lead.reclaim_cooldown_days = 7;
        let mut leads = vec![new_lead(
            claim_as("S01", "13800000001", ""),
            "L000001",
            "2026-11-01",
            &[],
        )
        .unwrap()];
        release(&mut leads[0], d("2026-11-10")).unwrap();
        let again = |who: &str, day: &str| {
            claim(
                claim_as(who, "13800000001", ""),
                "L000002".into(),
                d(day),
                &r,
                &leads,
                &[],
            )
        };
        assert!(
            matches!(again("S01", "2026-11-16"), Err(DomainError::Refused(m)) if m.contains("2026-11-17"))
        );
        match again("S01", "2026-11-17").unwrap() {
            Claimed::Reclaimed { index, lead } => {
                assert_eq!(index, 0);
                assert_eq!(lead.id, "L000001");
                assert_eq!(lead.until, d("2026-12-26"));
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            again("S02", "2026-11-10").unwrap(),
            Claimed::Reclaimed { .. }
        ));
    }

    #[test]
    fn arbitration_needs_an_open_dispute_and_is_final() {
        let mut l = new_lead(
            claim_as("S01", "13800000001", ""),
            "L000001",
            "2026-11-01",
            &[],
        )
        .unwrap();
        assert!(arbitrate(&mut l, "S01", &[]).is_err());
        let ev = |kind, sales: &str| LeadEvent {
            lead: "L000001".into(),
            date: d("2026-11-02"),
            kind,
            sales: sales.into(),
            other: String::new(),
            note: String::new(),
            operator: String::new(),
        };
        let mut events = vec![ev(EventKind::Dispute, "S02")];
        assert!(arbitrate(&mut l.clone(), "S09", &events).is_err());
        assert_eq!(arbitrate(&mut l, "S02", &events).unwrap(), "S01");
        assert_eq!((l.owner.as_str(), l.shared_with.as_str()), ("S02", "S01"));
        events.push(ev(EventKind::Arbitrate, "S02"));
        assert!(arbitrate(&mut l, "S01", &events).is_err());
        assert!(dispute(&l, "S01", "again", &events).is_err());
    }
}
