//! Club events: the manager plans a few each month (with a budget, a fee
//! and points for coming), members register (some wait-listed, some
//! withdraw), attendees check in on the day (others do not show up, a few
//! walk in), score it afterwards, and the office closes it with its cost;
//! now and then one is cancelled. Every step goes through the event domain
//! functions and posts fees, refunds and points as the event commands do.

use super::{command_line, Sim};
use crate::domain::dates::add_days;
use crate::domain::event::{
    self, CheckIn, Event, EventKind, EventStatus, Pay, Plan, RegStatus, Registration,
};
use crate::domain::ledger::EntryKind;
use crate::domain::Cents;
use crate::error::{Error, Result};
use chrono::Datelike;
use rand::RngExt;

const TITLES: &[(EventKind, &str, &str)] = &[
    (
        EventKind::Social,
        "Wine tasting evening",
        "Lakeside terrace",
    ),
    (EventKind::Sports, "Members' golf cup", "North course"),
    (EventKind::Arts, "Calligraphy afternoon", "Garden room"),
    (EventKind::Volunteer, "Lake clean-up morning", "East shore"),
    (
        EventKind::Lecture,
        "Health and nutrition talk",
        "Lecture hall",
    ),
    (EventKind::MemberDay, "Member day", "Club house"),
    (
        EventKind::Birthday,
        "Birthday party of the month",
        "Banquet hall",
    ),
    (EventKind::Social, "Tea ceremony", "Tea house"),
    (EventKind::Sports, "Tennis open day", "Tennis courts"),
];

const COMMENTS: &[&str] = &[
    "",
    "",
    "well organised",
    "too crowded",
    "great food",
    "would come again",
    "started late",
];

/// Something due on an event on a day.
#[derive(Debug, Clone, Copy)]
pub(super) enum Step {
    Register(u32),
    /// A member (by position) withdraws their registration.
    Unregister(u32, u32),
    /// The day itself: check-ins, walk-ins and the first scores.
    Held(u32),
    Close(u32),
    Cancel(u32),
}

/// The events office's records and agenda.
pub(super) struct Office {
    pub(super) events: Vec<Event>,
    /// Registrations of each event (by position in `events`).
    pub(super) regs: Vec<Vec<Registration>>,
    work: Vec<Vec<Step>>,
}

impl Office {
    pub(super) fn new(days: usize) -> Office {
        Office {
            events: Vec::new(),
            regs: Vec::new(),
            work: vec![Vec::new(); days],
        }
    }
}

impl Sim<'_> {
    fn plan_event_step(&mut self, day: chrono::NaiveDate, step: Step) {
        let i = (day - self.first_day).num_days();
        if i >= 0 && day <= self.today && day > self.day {
            self.events_office.work[i as usize].push(step);
        }
    }

    /// The day's events work: on the first of a month the manager plans
    /// the coming events, then whatever is due today.
    pub(super) fn events_day(&mut self, d: usize) -> Result<()> {
        if self.day.day() == 1 {
            let n = self.total;
            let count = 1
                + usize::from(n >= 1_000)
                + usize::from(n >= 100_000)
                + usize::from(self.erng.random_bool(0.4));
            for _ in 0..count {
                self.plan_event()?;
            }
        }
        for step in std::mem::take(&mut self.events_office.work[d]) {
            match step {
                Step::Register(k) => self.register(k)?,
                Step::Unregister(k, i) => self.unregister(k, i)?,
                Step::Held(k) => self.held(k)?,
                Step::Close(k) => self.close(k)?,
                Step::Cancel(k) => self.cancel(k)?,
            }
        }
        Ok(())
    }

    /// `event plan`, and the event's life planned: registrations until the
    /// day, the day, and its closing (or a cancellation).
    fn plan_event(&mut self) -> Result<()> {
        let (kind, title, location) = TITLES[self.erng.random_range(0..TITLES.len())];
        let date = add_days(self.day, self.erng.random_range(10..=40));
        let capacity = ((self.total as f64).sqrt() * 0.8).clamp(8.0, 400.0) as u32;
        let fee = [0, 0, 50, 100, 200, 300][self.erng.random_range(0..6)];
        let budget = i64::from(capacity) * self.erng.random_range(80..=300) / 100 * 100;
        let points = [0, 50, 100, 200][self.erng.random_range(0..4)];
        let min_tier = if self.erng.random_bool(0.15) {
            "silver".to_string()
        } else {
            String::new()
        };
        let p = Plan {
            title: title.to_string(),
            kind,
            date,
            end: None,
            location: location.to_string(),
            capacity: Some(capacity),
            budget: Cents(budget * 100),
            fee: Cents(fee * 100),
            min_tier,
            points,
            backfill: false,
        };
        let id = format!("E{:04}", self.events_office.events.len() + 1);
        let e = event::plan(id, p, self.day, self.rules)
            .map_err(|e| Error::Failure(format!("internal: a generated event was refused: {e}")))?;
        let op = self.manager.clone();
        let date_s = e.date.to_string();
        let cap_s = capacity.to_string();
        let budget_s = e.budget.to_string();
        let fee_s = e.fee.to_string();
        let points_s = e.points.to_string();
        let mut args = vec![
            "event",
            "plan",
            "--title",
            &e.title,
            "--kind",
            e.kind.as_str(),
            "--date",
            &date_s,
            "--location",
            &e.location,
            "--capacity",
            &cap_s,
            "--budget",
            &budget_s,
            "--fee",
            &fee_s,
            "--points",
            &points_s,
        ];
        if !e.min_tier.is_empty() {
            args.extend(["--min-tier", &e.min_tier]);
        }
        let command = command_line(&args);
        self.audit(&op, "event plan", None, &e, command);
        let k = self.events_office.events.len() as u32;
        let days = (date - self.day).num_days();
        self.events_office.events.push(e);
        self.events_office.regs.push(Vec::new());
        let wanted = (f64::from(capacity) * (0.6 + self.erng.random::<f64>() * 0.65)) as u32;
        for _ in 0..wanted {
            let on = add_days(self.day, self.erng.random_range(1..days));
            self.plan_event_step(on, Step::Register(k));
        }
        if self.erng.random_bool(0.05) {
            let on = add_days(date, -self.erng.random_range(1..=5));
            self.plan_event_step(on, Step::Cancel(k));
        }
        self.plan_event_step(date, Step::Held(k));
        let close = add_days(date, self.erng.random_range(1..=6));
        self.plan_event_step(close, Step::Close(k));
        Ok(())
    }

    /// A member in good standing who may come to event `k`, if one is found
    /// among a few tries (not already registered).
    fn invitee(&mut self, k: usize) -> Option<u32> {
        let e = &self.events_office.events[k];
        if self.members.is_empty() {
            return None;
        }
        for _ in 0..8 {
            let i = self.erng.random_range(0..self.members.len());
            let m = &self.members[i];
            if event::eligible(e, m, self.rules).is_ok()
                && event::find(&self.events_office.regs[k], &e.id, &m.id).is_none()
            {
                return Some(i as u32);
            }
        }
        None
    }

    /// The fee, paid in cash as `event register --pay cash` charges it.
    /// (Not from the wallet: the wallet payment of an event fee takes the
    /// event id as its receipt, so a second member paying the same event
    /// from the wallet collides with the first in the receipt index and
    /// `data check` reports it.)
    fn charge(&mut self, i: u32, k: usize, r: &mut Registration) -> Result<()> {
        let e = &self.events_office.events[k];
        if e.fee == Cents::ZERO {
            return Ok(());
        }
        let (fee, eid) = (e.fee, e.id.clone());
        let note = format!("event fee {eid}");
        let op = self.secretary.clone();
        r.pay = Pay::Cash;
        let id = self.post(&op, EntryKind::Fee, i, fee, 0, &eid, &note)?;
        r.paid = fee;
        r.payment = id;
        r.refunded = Cents::ZERO;
        Ok(())
    }

    /// Gives `amount` of `r`'s fee back the way it was paid.
    fn refund(&mut self, k: usize, r: &Registration, amount: Cents) -> Result<()> {
        if amount.0 <= 0 {
            return Ok(());
        }
        let note = format!("event refund {}", self.events_office.events[k].id);
        let (kind, cents) = match r.pay {
            Pay::Wallet => (EntryKind::Pay, amount),
            Pay::Cash | Pay::None => (EntryKind::Fee, Cents(-amount.0)),
        };
        let i = self.member_index(&r.member).ok_or_else(|| {
            Error::Failure(format!(
                "internal: registration of unknown member {}",
                r.member
            ))
        })?;
        let op = self.secretary.clone();
        let payment = r.payment.clone();
        self.post(&op, kind, i, cents, 0, &payment, &note)?;
        Ok(())
    }

    /// `event register`.
    fn register(&mut self, k: u32) -> Result<()> {
        let k = k as usize;
        let Some(i) = self.invitee(k) else {
            return Ok(());
        };
        let e = &self.events_office.events[k];
        let m = &self.members[i as usize];
        let mut r = match event::register(e, m, &self.events_office.regs[k], self.day, self.rules) {
            Ok(r) => r,
            Err(_) => {
                self.refuse("event register");
                return Ok(());
            }
        };
        let (eid, mid, date) = (e.id.clone(), m.id.clone(), e.date);
        self.charge(i, k, &mut r)?;
        let op = self.secretary.clone();
        let command = command_line(&["event", "register", &eid, &mid]);
        self.audit(&op, "event register", None, &r, command);
        self.events_office.regs[k].push(r);
        let left = (date - self.day).num_days();
        if left > 1 && self.erng.random_bool(0.08) {
            let on = add_days(self.day, self.erng.random_range(1..left));
            self.plan_event_step(on, Step::Unregister(k as u32, i));
        }
        Ok(())
    }

    /// `event unregister`: the refund by the rule, and the first on the
    /// wait-list promoted.
    fn unregister(&mut self, k: u32, i: u32) -> Result<()> {
        let k = k as usize;
        let eid = self.events_office.events[k].id.clone();
        let mid = self.members[i as usize].id.clone();
        let id = event::registration_id(&eid, &mid);
        let Some(x) = self.events_office.regs[k].iter().position(|r| r.id == id) else {
            return Ok(());
        };
        let before = self.events_office.regs[k].clone();
        let e = self.events_office.events[k].clone();
        let w =
            match event::unregister(&e, &mut self.events_office.regs[k], x, self.day, self.rules) {
                Ok(w) => w,
                Err(_) => {
                    self.events_office.regs[k] = before;
                    self.refuse("event unregister");
                    return Ok(());
                }
            };
        let r = self.events_office.regs[k][x].clone();
        self.refund(k, &r, w.refund)?;
        let op = self.secretary.clone();
        let command = command_line(&["event", "unregister", &eid, &mid]);
        self.audit(
            &op,
            "event unregister",
            Some(&before[x]),
            &r,
            command.clone(),
        );
        if let Some(p) = w.promoted {
            let after = self.events_office.regs[k][p].clone();
            self.audit(&op, "event promote", Some(&before[p]), &after, command);
        }
        Ok(())
    }

    /// The day of event `k`: most registered members check in (and earn
    /// its points), some do not show up, a few walk in; many score it.
    fn held(&mut self, k: u32) -> Result<()> {
        let k = k as usize;
        if self.events_office.events[k].status != EventStatus::Planned {
            return Ok(());
        }
        let registered: Vec<String> = self.events_office.regs[k]
            .iter()
            .filter(|r| matches!(r.status, RegStatus::Registered))
            .map(|r| r.member.clone())
            .collect();
        let mut came = Vec::new();
        for mid in registered {
            if self.erng.random_bool(0.85) {
                if let Some(i) = self.member_index(&mid) {
                    came.push(i);
                }
            }
        }
        let walk_ins = self.erng.random_range(0..=(came.len() / 10 + 1));
        for _ in 0..walk_ins {
            if let Some(i) = self.invitee(k) {
                came.push(i);
            }
        }
        for i in came {
            if self.checkin(k, i)? && self.erng.random_bool(0.6) {
                self.score(k, i);
            }
        }
        Ok(())
    }

    /// `event checkin`; whether the member got in.
    fn checkin(&mut self, k: usize, i: u32) -> Result<bool> {
        let e = self.events_office.events[k].clone();
        let m = &self.members[i as usize];
        let before = self.events_office.regs[k].clone();
        let c = match event::checkin(&e, m, &mut self.events_office.regs[k], self.day, self.rules) {
            Ok(c) => c,
            Err(_) => {
                // Frozen since registering, or the room is full.
                self.events_office.regs[k] = before;
                self.refuse("event checkin");
                return Ok(false);
            }
        };
        let mid = m.id.clone();
        let op = self.secretary.clone();
        let command = command_line(&["event", "checkin", &e.id, &mid]);
        match c {
            CheckIn::Registered(x) => {
                let after = self.events_office.regs[k][x].clone();
                self.audit(&op, "event checkin", Some(&before[x]), &after, command);
            }
            CheckIn::WalkIn(mut r) => {
                self.charge(i, k, &mut r)?;
                self.audit(&op, "event checkin", None, &r, command);
                self.events_office.regs[k].push(r);
            }
        }
        if e.points > 0 {
            let note = format!("event check-in {}", e.id);
            self.post(
                &op,
                EntryKind::Grant,
                i,
                Cents::ZERO,
                e.points,
                &e.id,
                &note,
            )?;
        }
        Ok(true)
    }

    /// `event feedback`: a score, mostly good.
    fn score(&mut self, k: usize, i: u32) {
        let e = self.events_office.events[k].clone();
        let id = event::registration_id(&e.id, &self.members[i as usize].id);
        let Some(x) = self.events_office.regs[k].iter().position(|r| r.id == id) else {
            return;
        };
        let score = [2u8, 3, 4, 4, 4, 5, 5, 5][self.erng.random_range(0..8)];
        let comment = COMMENTS[self.erng.random_range(0..COMMENTS.len())];
        let before = self.events_office.regs[k][x].clone();
        if event::feedback(&e, &mut self.events_office.regs[k][x], score, comment).is_err() {
            self.refuse("event feedback");
            return;
        }
        let after = self.events_office.regs[k][x].clone();
        let op = self.secretary.clone();
        let s = score.to_string();
        let mut args = vec!["event", "feedback", &e.id, &before.member, "--score", &s];
        if !comment.is_empty() {
            args.extend(["--comment", comment]);
        }
        let command = command_line(&args);
        self.audit(&op, "event feedback", Some(&before), &after, command);
    }

    /// Refunds and audit lines of the registrations a close or a
    /// cancellation withdrew, in full.
    fn withdraw_in_full(
        &mut self,
        k: usize,
        before: &[Registration],
        which: &[usize],
        action: &str,
        command: &str,
    ) -> Result<()> {
        let op = self.manager.clone();
        for &x in which {
            let r = self.events_office.regs[k][x].clone();
            let left = Cents(r.paid.0 - r.refunded.0);
            self.refund(k, &r, left)?;
            if left.0 > 0 {
                self.events_office.regs[k][x].refunded = r.paid;
            }
            let after = self.events_office.regs[k][x].clone();
            self.audit(&op, action, Some(&before[x]), &after, command.to_string());
        }
        Ok(())
    }

    /// `event close` with the actual cost, the wait-list refunded.
    fn close(&mut self, k: u32) -> Result<()> {
        let k = k as usize;
        let before_event = self.events_office.events[k].clone();
        if before_event.status != EventStatus::Planned {
            return Ok(());
        }
        let spent = before_event.budget.0 as f64 * (0.75 + self.erng.random::<f64>() * 0.5);
        let cost = Cents((spent / 100.0).round() as i64 * 100);
        let before = self.events_office.regs[k].clone();
        let which = match event::close(
            &mut self.events_office.events[k],
            &mut self.events_office.regs[k],
            cost,
            self.day,
        ) {
            Ok(w) => w,
            Err(_) => {
                self.events_office.events[k] = before_event;
                self.events_office.regs[k] = before;
                self.refuse("event close");
                return Ok(());
            }
        };
        let e = self.events_office.events[k].clone();
        let command = command_line(&["event", "close", &e.id, "--cost", &cost.to_string()]);
        self.withdraw_in_full(k, &before, &which, "event close", &command)?;
        let op = self.manager.clone();
        self.audit(&op, "event close", Some(&before_event), &e, command);
        Ok(())
    }

    /// `event cancel`: everyone refunded in full.
    fn cancel(&mut self, k: u32) -> Result<()> {
        let k = k as usize;
        let before_event = self.events_office.events[k].clone();
        let before = self.events_office.regs[k].clone();
        let reason = "too few registrations";
        let which = match event::cancel(
            &mut self.events_office.events[k],
            &mut self.events_office.regs[k],
            reason,
        ) {
            Ok(w) => w,
            Err(_) => {
                self.events_office.events[k] = before_event;
                self.events_office.regs[k] = before;
                self.refuse("event cancel");
                return Ok(());
            }
        };
        let e = self.events_office.events[k].clone();
        let command = command_line(&["event", "cancel", &e.id, "--reason", reason]);
        self.withdraw_in_full(k, &before, &which, "event cancel", &command)?;
        let op = self.manager.clone();
        self.audit(&op, "event cancel", Some(&before_event), &e, command);
        Ok(())
    }
}
