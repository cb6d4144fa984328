//! The sales desk: salespeople claim prospects (意向客户), log their
//! follow-ups, convert some into members through the application path,
//! release others, and the rest go public when their protection window
//! runs out, where a colleague may claim them again. Every step goes
//! through the lead domain functions the lead commands use.

use super::{command_line, Sim, CRON};
use crate::domain::dates::add_days;
use crate::domain::lead::{
    self, Claim, Claimed, EventKind, FollowUp, FollowUpKind, Lead, LeadEvent, LeadStatus,
};
use crate::domain::member;
use crate::error::{Error, Result};
use chrono::NaiveDate;
use rand::RngExt;

/// Of the day's applications, the share that a salesperson's new lead
/// stands for (not all of them convert, and not on the day).
const LEADS_PER_APPLICATION: f64 = 0.35;

const FOLLOW_UPS: &[&str] = &[
    "called, interested in the family card",
    "sent the fee schedule",
    "toured the club house",
    "asked about the golf course",
    "wants to compare with another club",
    "meeting with the nominee next week",
    "no answer, try again",
    "discussed a company card",
];

const RELEASE_REASONS: &[&str] = &[
    "not interested",
    "moved away",
    "joined another club",
    "cannot reach",
];

/// Something due on a lead on a day.
#[derive(Debug, Clone, Copy)]
pub(super) enum Step {
    FollowUp(u32),
    Convert(u32),
    Release(u32),
    /// A colleague (by position among the salespeople) claims the public lead.
    Reclaim(u32, u32),
}

/// The sales desk's records and agenda.
pub(super) struct Desk {
    pub(super) leads: Vec<Lead>,
    pub(super) events: Vec<LeadEvent>,
    pub(super) log: Vec<FollowUp>,
    /// Live leads per salesperson (by position in `Sim::sales`).
    live: Vec<u32>,
    /// Leads on the desk's agenda, by day.
    work: Vec<Vec<Step>>,
    /// Live leads whose window ends, by the day after (the first public day).
    lapse: Vec<Vec<u32>>,
    pub(super) events_count: usize,
    pub(super) log_count: usize,
}

impl Desk {
    pub(super) fn new(days: usize) -> Desk {
        Desk {
            leads: Vec::new(),
            events: Vec::new(),
            log: Vec::new(),
            live: Vec::new(),
            work: vec![Vec::new(); days],
            lapse: vec![Vec::new(); days],
            events_count: 0,
            log_count: 0,
        }
    }
}

impl Sim<'_> {
    fn lead_day(&self, day: NaiveDate) -> Option<usize> {
        let i = (day - self.first_day).num_days();
        (i >= 0 && day <= self.today && day > self.day).then_some(i as usize)
    }

    fn plan_lead(&mut self, day: NaiveDate, step: Step) {
        if let Some(d) = self.lead_day(day) {
            self.desk.work[d].push(step);
        }
    }

    fn sales_pos(&self, id: &str) -> Option<usize> {
        self.sales.iter().position(|s| s == id)
    }

    fn lead_event(
        &mut self,
        l: &Lead,
        kind: EventKind,
        sales: &str,
        other: &str,
        note: &str,
        operator: &str,
    ) {
        self.desk.events.push(LeadEvent {
            lead: l.id.clone(),
            date: self.day,
            kind,
            sales: sales.to_string(),
            other: other.to_string(),
            note: note.trim().to_string(),
            operator: operator.to_string(),
        });
    }

    /// The nightly `lead expire`: live leads past their last valid day go
    /// public, and a few are planned to be claimed again by a colleague.
    pub(super) fn expire_leads(&mut self, d: usize) {
        let mut due = std::mem::take(&mut self.desk.lapse[d]);
        due.sort_unstable();
        due.dedup();
        for k in due {
            let before = self.desk.leads[k as usize].clone();
            let mut one = [before.clone()];
            let events = lead::expire(&mut one, self.day, CRON);
            if events.is_empty() {
                continue;
            }
            let [after] = one;
            if let Some(p) = self.sales_pos(&after.owner) {
                self.desk.live[p] -= 1;
            }
            let command = command_line(&["lead", "expire"]);
            self.audit(CRON, "lead expire", Some(&before), &after, command);
            self.desk.events.extend(events);
            if self.sales.len() > 1 && self.lrng.random_bool(0.2) {
                let owner = self.sales_pos(&after.owner).unwrap_or(0);
                let mut other = self.lrng.random_range(0..self.sales.len() - 1);
                if other >= owner {
                    other += 1;
                }
                let on = add_days(self.day, self.lrng.random_range(1..=20));
                self.plan_lead(on, Step::Reclaim(k, other as u32));
            }
            self.desk.leads[k as usize] = after;
        }
    }

    /// The day's work at the sales desk: new prospects claimed (before the
    /// walk-in applications), then follow-ups, conversions and releases.
    pub(super) fn sales_desk(&mut self, d: usize) -> Result<()> {
        if self.desk.live.len() != self.sales.len() {
            self.desk.live = vec![0; self.sales.len()];
        }
        let mut claims = 0;
        for _ in 0..self.arrivals[d] {
            if self.lrng.random_bool(LEADS_PER_APPLICATION) {
                claims += 1;
            }
        }
        for _ in 0..claims {
            self.claim_new()?;
        }
        for step in std::mem::take(&mut self.desk.work[d]) {
            match step {
                Step::FollowUp(k) => self.follow_up(k)?,
                Step::Convert(k) => self.convert(k, d)?,
                Step::Release(k) => self.release(k)?,
                Step::Reclaim(k, s) => self.reclaim(k, s)?,
            }
        }
        Ok(())
    }

    /// The live leads, as `lead claim` weighs a new one against them.
    fn live_leads(&self) -> Vec<Lead> {
        self.desk
            .leads
            .iter()
            .filter(|l| l.status == LeadStatus::Live)
            .cloned()
            .collect()
    }

    /// `lead claim` of a new prospect by a salesperson.
    fn claim_new(&mut self) -> Result<()> {
        let s = self.lrng.random_range(0..self.sales.len());
        let sales = self.sales[s].clone();
        // Names and phones from the office's generators, drawn from the
        // desk's own randomness.
        std::mem::swap(&mut self.rng, &mut self.lrng);
        let (name, _, _) = self.person();
        let company = self.chance(0.1);
        let phone = self.phone(false);
        let (company, nominee) = if company {
            let c = format!(
                "{}{}{}有限公司",
                self.pick(super::names::CITIES),
                self.pick(super::names::COMPANY_WORDS),
                self.pick(super::names::COMPANY_TRADES)
            );
            let (nominee, _, _) = self.person();
            (c, nominee)
        } else {
            (String::new(), String::new())
        };
        std::mem::swap(&mut self.rng, &mut self.lrng);
        let c = Claim {
            sales: sales.clone(),
            name,
            phone,
            company,
            nominee,
            note: String::new(),
        };
        let id = format!("L{:06}", self.desk.leads.len() + 1);
        let live = self.live_leads();
        match lead::claim(c, id, self.day, self.rules, &live, &[]) {
            Ok(Claimed::New(l)) => {
                self.claimed(l, None, s)?;
            }
            Ok(Claimed::Reclaimed { .. }) => {
                return Err(Error::Failure(
                    "internal: a new prospect matched a public lead".into(),
                ))
            }
            // At the cap, or the company is someone else's lead: the
            // salesperson is told so and the prospect is not registered.
            Err(_) => self.refuse("lead claim"),
        }
        Ok(())
    }

    /// `lead claim` of a public lead by a colleague.
    fn reclaim(&mut self, k: u32, s: u32) -> Result<()> {
        let old = self.desk.leads[k as usize].clone();
        if old.status != LeadStatus::Public {
            return Ok(());
        }
        let sales = self.sales[s as usize].clone();
        let c = Claim {
            sales,
            name: old.name.clone(),
            phone: old.phone.clone(),
            company: old.company.clone(),
            nominee: old.nominee.clone(),
            note: String::new(),
        };
        let mut pool = self.live_leads();
        pool.push(old.clone());
        let id = format!("L{:06}", self.desk.leads.len() + 1);
        match lead::claim(c, id, self.day, self.rules, &pool, &[]) {
            Ok(Claimed::Reclaimed { index, lead }) if index == pool.len() - 1 => {
                self.claimed(lead, Some((k, old)), s as usize)?;
            }
            Ok(_) => {
                return Err(Error::Failure(format!(
                    "internal: claiming public lead {} again did not find it",
                    old.id
                )))
            }
            Err(_) => self.refuse("lead claim"),
        }
        Ok(())
    }

    /// A lead just claimed (new, or public and taken again): its audit and
    /// event lines, and its fate planned: follow-ups, then a conversion, a
    /// release, or its window running out.
    fn claimed(&mut self, l: Lead, before: Option<(u32, Lead)>, s: usize) -> Result<()> {
        let note = match &before {
            Some((_, b)) => format!("public since {}, last owner {}", b.since, b.owner),
            None => String::new(),
        };
        let owner = l.owner.clone();
        self.lead_event(&l, EventKind::Claim, &owner, "", &note, &owner);
        let mut args = vec![
            "lead", "claim", "--sales", &owner, "--name", &l.name, "--phone", &l.phone,
        ];
        if !l.company.is_empty() {
            args.extend(["--company", &l.company, "--nominee", &l.nominee]);
        }
        let command = command_line(&args);
        self.audit(
            &owner,
            "lead claim",
            before.as_ref().map(|(_, b)| b),
            &l,
            command,
        );
        let k = match before {
            Some((k, _)) => k,
            None => self.desk.leads.len() as u32,
        };
        let until = l.until;
        if k as usize == self.desk.leads.len() {
            self.desk.leads.push(l);
        } else {
            self.desk.leads[k as usize] = l;
        }
        self.desk.live[s] += 1;
        if let Some(d) = self.lead_day(add_days(until, 1)) {
            self.desk.lapse[d].push(k);
        }
        let window = (until - self.day).num_days().max(1);
        let roll = self.lrng.random_range(0..100);
        let (fate_day, step) = match roll {
            0..=29 => (self.lrng.random_range(2..=window), Some(Step::Convert(k))),
            30..=41 => (self.lrng.random_range(3..=window), Some(Step::Release(k))),
            _ => (window + 1, None),
        };
        let follow_ups = self.lrng.random_range(0..=4);
        for _ in 0..follow_ups {
            if fate_day > 1 {
                let on = self.lrng.random_range(1..fate_day);
                self.plan_lead(add_days(self.day, on), Step::FollowUp(k));
            }
        }
        if let Some(step) = step {
            self.plan_lead(add_days(self.day, fate_day), step);
        }
        Ok(())
    }

    /// `lead log`: a follow-up by the owner.
    fn follow_up(&mut self, k: u32) -> Result<()> {
        let l = &self.desk.leads[k as usize];
        if l.status != LeadStatus::Live {
            return Ok(());
        }
        let kind = match self.lrng.random_range(0..10) {
            0..=4 => FollowUpKind::Call,
            5..=6 => FollowUpKind::Visit,
            7 => FollowUpKind::Meeting,
            _ => FollowUpKind::Message,
        };
        let note = FOLLOW_UPS[self.lrng.random_range(0..FOLLOW_UPS.len())];
        let next = self
            .lrng
            .random_bool(0.6)
            .then(|| add_days(self.day, self.lrng.random_range(2..=14)));
        if lead::follow_up(l, self.day, next, note).is_err() {
            self.refuse("lead log");
            return Ok(());
        }
        self.desk.log.push(FollowUp {
            lead: l.id.clone(),
            date: self.day,
            kind,
            note: note.to_string(),
            next,
            sales: l.owner.clone(),
            operator: l.owner.clone(),
        });
        Ok(())
    }

    /// `lead release` by the owner.
    fn release(&mut self, k: u32) -> Result<()> {
        let before = self.desk.leads[k as usize].clone();
        let mut after = before.clone();
        if lead::release(&mut after, self.day).is_err() {
            self.refuse("lead release");
            return Ok(());
        }
        let reason = RELEASE_REASONS[self.lrng.random_range(0..RELEASE_REASONS.len())];
        let owner = after.owner.clone();
        self.lead_event(&after, EventKind::Release, &owner, "", reason, &owner);
        let command = command_line(&["lead", "release", &after.id, "--reason", reason]);
        self.audit(&owner, "lead release", Some(&before), &after, command);
        if let Some(p) = self.sales_pos(&owner) {
            self.desk.live[p] -= 1;
        }
        self.desk.leads[k as usize] = after;
        Ok(())
    }

    /// `lead convert`: the prospect applies (one of the applications the
    /// history has room for), and the new member waits for review like
    /// any other.
    fn convert(&mut self, k: u32, d: usize) -> Result<()> {
        if self.desk.leads[k as usize].status != LeadStatus::Live {
            return Ok(());
        }
        // The member comes instead of one walk-in application of today or
        // the next days, so the club still gets the members asked for.
        let Some(slot) = (d..self.arrivals.len()).find(|&x| self.arrivals[x] > 0) else {
            return Ok(());
        };
        let n = self.members.len();
        if n <= self.leap_member {
            // The first members, the one born on 29 February among them,
            // come to the desk themselves; the deal waits a day.
            let l = &self.desk.leads[k as usize];
            if l.until > self.day {
                self.plan_lead(add_days(self.day, 1), Step::Convert(k));
            }
            return Ok(());
        }
        let before = self.desk.leads[k as usize].clone();
        let mut after = before.clone();
        let id = format!("M{:0width$}", n + 1, width = self.member_width);
        if lead::convert(&mut after, &id, self.day).is_err() {
            self.refuse("lead convert");
            return Ok(());
        }
        let app = lead::application(&before);
        let m = member::apply(app, id.clone(), self.day, self.rules, &[]).map_err(|e| {
            Error::Failure(format!(
                "internal: the application of lead {} was refused: {e}",
                before.id
            ))
        })?;
        self.arrivals[slot] -= 1;
        let owner = after.owner.clone();
        let command = command_line(&["lead", "convert", &after.id]);
        self.audit(&owner, "member add", None, &m, command.clone());
        self.lead_event(&after, EventKind::Convert, &owner, &id, "", &owner);
        self.audit(&owner, "lead convert", Some(&before), &after, command);
        if let Some(p) = self.sales_pos(&owner) {
            self.desk.live[p] -= 1;
        }
        self.desk.leads[k as usize] = after;
        self.admit(m);
        Ok(())
    }
}
