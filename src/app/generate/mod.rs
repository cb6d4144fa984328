//! `data generate`: a realistic club made by simulating the office day by
//! day. Every change goes through the same pure domain functions the
//! commands use (apply, approve, renew, sweep, card issue, loss, reissue...),
//! so each record obeys the rules, and each change gets the ledger entries
//! and audit lines the real command would have written; ledger entries are
//! posted through the `Book`, which keeps the balances cache and the
//! receipt index. The members' activity (purchases, points, wallet, the
//! nightly expiry and tier recompute) lives in `activity`, the sales desk in
//! `leads`, the events office in `events`. Timestamps come from the
//! simulated day and randomness from seeded PCG generators (one for the
//! office, one each for spending, the sales desk and events), so the same
//! seed, arguments and version give byte-identical files.
//!
//! Built to scale to a million members: the simulation keeps its own indexes
//! (phones in a hash set, a member's current card by position, a day-by-day
//! agenda of what is due) instead of scanning the member table per step, and
//! hands the domain functions empty "other members" slices where their only
//! use would be a uniqueness scan that those indexes already guarantee.

mod activity;
mod events;
mod leads;
mod names;

use super::book::Book;
use super::data::DEFAULT_CLUB_TOML;
use super::Ctx;
use crate::domain::card::{self, Card, CardStatus};
use crate::domain::dates::{add_days, sub_months};
use crate::domain::ledger::EntryKind;
use crate::domain::member::{self, Application, Gender, Kind, Member, Status};
use crate::domain::rules::{ClubRules, RewardRule};
use crate::domain::staff::{Role, Staff};
use crate::domain::tier::TierChange;
use crate::domain::{Cents, DomainError};
use crate::error::{Error, Result};
use crate::store::{Access, AuditEntry, Record, Store, Txn};
use chrono::{Datelike, NaiveDate, Weekday};
use names::*;
use rand::{RngExt, SeedableRng};
use rand_pcg::Pcg64Mcg;
use std::collections::{BTreeMap, HashSet};
use std::path::Path;
use std::time::Duration;

/// What to generate.
#[derive(Debug, Clone)]
pub struct Options {
    pub members: u32,
    pub months: u32,
    pub seed: u64,
}

/// The yearly dues the generated club charges.
pub const DUES: &str = "1280";

/// What was generated, for the cli to report.
#[derive(Debug)]
pub struct Summary {
    /// Month-end closings written (`data close`).
    pub closings: usize,
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
    pub members: usize,
    /// Members by (status, tier), in the order of `Status::ALL` and the
    /// tier ladder; only non-zero counts.
    pub by_status_tier: Vec<(Status, String, usize)>,
    pub cards: usize,
    pub lost_cards: usize,
    pub staff: usize,
    pub ledger: usize,
    pub audit: usize,
    /// Ledger entries by kind, in the order of the first of each kind.
    pub entries: Vec<(EntryKind, usize)>,
    pub tier_changes: usize,
    /// Steps the rules refused (the member had moved on meanwhile), by
    /// step: counted, never hidden.
    pub refused: BTreeMap<&'static str, usize>,
}

/// The club.toml of a generated club: the defaults, with dues, and card
/// numbers wide enough for every card the simulation may issue.
pub fn club_toml(opts: &Options, today: NaiveDate) -> Result<String> {
    let digits = width_for(u64::from(opts.members) * 2, 6);
    let first = sub_months(today, opts.months);
    let campaigns = activity::campaigns(first, today);
    let text = DEFAULT_CLUB_TOML
        .replacen("name = \"Our Club\"", "name = \"Lakeside Club\"", 1)
        .replacen("dues = \"0\"", &format!("dues = \"{DUES}\""), 1)
        .replacen("digits = 6", &format!("digits = {digits}"), 1)
        .replacen("\n[kpi]\n", &format!("{campaigns}\n[kpi]\n"), 1);
    let rules = ClubRules::from_toml(&text).map_err(Error::Failure)?;
    if rules.membership.dues != DUES.parse().unwrap_or_default()
        || rules.card.digits != digits
        || (!campaigns.is_empty() && rules.recharge.bonus.is_empty())
    {
        return Err(Error::Failure(
            "the default club.toml no longer has the lines data generate edits (dues, digits, [kpi])"
                .into(),
        ));
    }
    Ok(text)
}

/// Digits needed to write `n`, at least `min`.
fn width_for(n: u64, min: usize) -> usize {
    n.to_string().len().max(min)
}

/// Creates `dir` (which must not exist, or be empty) and fills it with a
/// simulated club whose history ends on `today`.
/// `progress(day, days)` is told each simulated day as it is done.
pub fn generate(
    dir: &Path,
    today: NaiveDate,
    opts: &Options,
    wait: Duration,
    command: &str,
    progress: &dyn Fn(u64, u64),
) -> Result<Summary> {
    check_options(opts)?;
    let text = club_toml(opts, today)?;
    Store::init(dir, &text)?;
    let mut store = Store::open(dir, Access::Write, wait, command)?;
    let rules = store.rules().clone();
    let ctx = Ctx {
        data: dir.to_path_buf(),
        today,
        now: String::new(),
        operator: CRON.to_string(),
        command: command.to_string(),
        dry_run: false,
        wait,
    };
    // The simulation changes its context's operator as it goes; the
    // month-end closing at the end runs as cron, as the context began.
    let closer = ctx.clone();
    let mut book = Book::open(&store)?;
    book.stream();
    let mut sim = Sim::new(&rules, today, opts, ctx, book);
    sim.run_with(progress)?;
    let summary = sim.summary();
    let Sim {
        mut members,
        mut cards,
        mut staff,
        mut txn,
        mut rewards,
        book,
        mut desk,
        events_office,
        ..
    } = sim;
    txn.put_table(&mut desk.leads);
    let mut events = events_office.events;
    let mut regs: Vec<_> = events_office.regs.into_iter().flatten().collect();
    txn.put_table(&mut events);
    txn.put_table(&mut regs);
    txn.put_table(&mut staff);
    txn.put_table(&mut members);
    txn.put_table(&mut cards);
    txn.put_table(&mut rewards);
    book.write(&store, &mut txn)?;
    store.commit(txn)?;
    drop(store);
    // The month-end closings the monthly cron job would have made.
    let closings = crate::app::report::close(&closer, &|_, _| {})?.len();
    Ok(Summary {
        closings,
        ..summary
    })
}

/// Refuses sizes the generator cannot serve, before anything is created.
pub fn check_options(opts: &Options) -> Result<()> {
    if opts.members == 0 {
        return Err(Error::Usage("--members must be at least 1".into()));
    }
    if opts.months == 0 || opts.months > 240 {
        return Err(Error::Usage(
            "--months must be between 1 and 240 (twenty years of history)".into(),
        ));
    }
    Ok(())
}

/// Something due on a day of the simulation, for one member (by position).
#[derive(Debug, Clone, Copy)]
enum Event {
    Review(u32),
    Withdraw(u32),
    Renew(u32),
    Freeze(u32),
    Unfreeze(u32),
    Exit(u32),
    Expel(u32),
    Lost(u32),
    Reissue(u32),
    /// A visit to the till (which may find the member out of standing).
    Purchase(u32),
    /// A purchase brought back (by position among the planned refunds).
    Refund(u32),
}

/// Spring Festival (春节) dates; applications rise in the weeks before it
/// and nearly stop during the holiday.
const SPRING_FESTIVAL: &[(i32, u32, u32)] = &[
    (2018, 2, 16),
    (2019, 2, 5),
    (2020, 1, 25),
    (2021, 2, 12),
    (2022, 2, 1),
    (2023, 1, 22),
    (2024, 2, 10),
    (2025, 1, 29),
    (2026, 2, 17),
    (2027, 2, 6),
    (2028, 1, 26),
    (2029, 2, 13),
    (2030, 2, 3),
    (2031, 1, 23),
    (2032, 2, 11),
    (2033, 1, 31),
    (2034, 2, 19),
    (2035, 2, 8),
];

fn spring_festival(year: i32) -> NaiveDate {
    SPRING_FESTIVAL
        .iter()
        .find(|(y, _, _)| *y == year)
        .and_then(|&(y, m, d)| NaiveDate::from_ymd_opt(y, m, d))
        // Outside the table: early February is close enough for a weight.
        .or_else(|| NaiveDate::from_ymd_opt(year, 2, 5))
        .unwrap_or(NaiveDate::MIN)
}

/// How busy the application desk is on `day`, relative to an ordinary
/// weekday: busier before Spring Festival and in autumn, quiet in summer,
/// during the holiday week and on Sundays.
fn season_weight(day: NaiveDate) -> f64 {
    let sf = spring_festival(day.year());
    let to_festival = (sf - day).num_days();
    let mut w = if (1..=30).contains(&to_festival) {
        1.8
    } else if (-7..=0).contains(&to_festival) {
        0.2
    } else {
        match day.month() {
            7 | 8 => 0.55,
            6 => 0.75,
            9..=11 => 1.4,
            _ => 1.0,
        }
    };
    w *= match day.weekday() {
        Weekday::Sat => 0.7,
        Weekday::Sun => 0.35,
        _ => 1.0,
    };
    w
}

const CRON: &str = "cron";

/// The simulated office.
struct Sim<'r> {
    rules: &'r ClubRules,
    rng: Pcg64Mcg,
    first_day: NaiveDate,
    today: NaiveDate,
    /// Day of the simulation being played.
    day: NaiveDate,
    members: Vec<Member>,
    /// The tier each member's spending habits aim at (rank on the ladder):
    /// their spending class.
    target_tier: Vec<u8>,
    cards: Vec<Card>,
    /// Position in `cards` of each member's current card.
    card_of: Vec<Option<u32>>,
    staff: Vec<Staff>,
    /// The ledger with its balances cache and receipt index, as the
    /// points and wallet commands keep them.
    book: Book,
    /// The context the commands would run in: its day and operator are
    /// those of the step being played.
    ctx: Ctx,
    /// Journal lines not yet moved into `txn`.
    audit: Vec<AuditEntry>,
    tier_history: Vec<TierChange>,
    audit_count: usize,
    tier_count: usize,
    txn: Txn,
    /// Randomness of the members' spending, apart from the office's, so
    /// that each stream stays stable when the other changes.
    arng: Pcg64Mcg,
    act: activity::State,
    /// Randomness of the sales desk.
    lrng: Pcg64Mcg,
    desk: leads::Desk,
    /// Randomness of the events office.
    erng: Pcg64Mcg,
    events_office: events::Office,
    rewards: Vec<RewardRule>,
    entries_by_kind: Vec<(EntryKind, usize)>,
    refused: BTreeMap<&'static str, usize>,
    /// Tests set this to have every night prove that its tier recompute
    /// missed no one (a scan of all members, too slow for real runs).
    verify_tiers: bool,
    phones: HashSet<u64>,
    /// Applications arriving on each day of the simulation.
    arrivals: Vec<u32>,
    /// Office work due on each day (index: days since `first_day`).
    office: Vec<Vec<Event>>,
    /// Members whose expiry the nightly sweep must look at, by day.
    cron: Vec<Vec<u32>>,
    /// The member born on 29 February.
    leap_member: usize,
    total: usize,
    member_width: usize,
    card_width: usize,
    next_card: u64,
    /// Today's audit clock: cron from 00:30, the office from 09:00.
    cron_seq: u32,
    office_seq: u32,
    sales: Vec<String>,
    director: String,
    manager: String,
    secretary: String,
}

impl<'r> Sim<'r> {
    fn new(
        rules: &'r ClubRules,
        today: NaiveDate,
        opts: &Options,
        ctx: Ctx,
        book: Book,
    ) -> Sim<'r> {
        let first_day = add_days(sub_months(today, opts.months), 1);
        let days = (today - first_day).num_days().max(0) as usize + 1;
        let mut sim = Sim {
            rules,
            rng: Pcg64Mcg::seed_from_u64(opts.seed),
            first_day,
            today,
            day: first_day,
            members: Vec::with_capacity(opts.members as usize),
            target_tier: Vec::with_capacity(opts.members as usize),
            cards: Vec::new(),
            card_of: Vec::with_capacity(opts.members as usize),
            staff: Vec::new(),
            book,
            ctx,
            audit: Vec::new(),
            tier_history: Vec::new(),
            audit_count: 0,
            tier_count: 0,
            txn: Txn::new(),
            arng: Pcg64Mcg::seed_from_u64(opts.seed ^ 0x005e_ed5a_1e0f_c1ab),
            act: activity::State::new(opts.members as usize, days),
            lrng: Pcg64Mcg::seed_from_u64(opts.seed ^ 0x0001_ead5_a1e5_d35c),
            desk: leads::Desk::new(days),
            erng: Pcg64Mcg::seed_from_u64(opts.seed ^ 0xe7e7_5a1e_c1ab),
            events_office: events::Office::new(days),
            rewards: activity::catalogue(opts.members),
            entries_by_kind: Vec::new(),
            refused: BTreeMap::new(),
            verify_tiers: false,
            phones: HashSet::with_capacity(opts.members as usize),
            arrivals: vec![0; days],
            office: vec![Vec::new(); days],
            cron: vec![Vec::new(); days],
            leap_member: 4.min(opts.members as usize - 1),
            total: opts.members as usize,
            member_width: width_for(u64::from(opts.members), 6),
            card_width: rules.card.digits,
            next_card: 1,
            cron_seq: 0,
            office_seq: 0,
            sales: Vec::new(),
            director: String::new(),
            manager: String::new(),
            secretary: String::new(),
        };
        sim.spread_arrivals(opts.members, days);
        sim
    }

    /// Draws each application's day from the seasonal weights.
    fn spread_arrivals(&mut self, members: u32, days: usize) {
        let mut cumulative = Vec::with_capacity(days);
        let mut total = 0.0;
        for i in 0..days {
            total += season_weight(add_days(self.first_day, i as i64));
            cumulative.push(total);
        }
        for _ in 0..members {
            let x = self.rng.random::<f64>() * total;
            let i = cumulative.partition_point(|&c| c <= x).min(days - 1);
            self.arrivals[i] += 1;
        }
    }

    fn index(&self, day: NaiveDate) -> Option<usize> {
        let i = (day - self.first_day).num_days();
        (i >= 0 && day <= self.today).then_some(i as usize)
    }

    /// Puts `ev` on the agenda of `day`, if that day is inside the history.
    fn plan(&mut self, day: NaiveDate, ev: Event) {
        if day > self.day {
            if let Some(i) = self.index(day) {
                self.office[i].push(ev);
            }
        }
    }

    /// Asks the nightly sweep of `day` to look at member `i`.
    fn plan_sweep(&mut self, day: NaiveDate, i: u32) {
        if day > self.day {
            if let Some(d) = self.index(day) {
                self.cron[d].push(i);
            }
        }
    }

    fn chance(&mut self, p: f64) -> bool {
        self.rng.random_bool(p)
    }

    fn pick<'a, T>(&mut self, list: &'a [T]) -> &'a T {
        &list[self.rng.random_range(0..list.len())]
    }

    /// An index favouring the front of a list of `len` (names by frequency).
    fn pick_front(&mut self, len: usize) -> usize {
        let a = self.rng.random_range(0..len);
        let b = self.rng.random_range(0..len);
        a.min(b)
    }

    fn days_between(&mut self, lo: i64, hi: i64) -> i64 {
        self.rng.random_range(lo..=hi)
    }

    /// An audit line at the simulated day's clock.
    fn audit_line(
        &mut self,
        operator: &str,
        action: &str,
        record: &str,
        changes: String,
        command: String,
    ) {
        let secs = if operator == CRON {
            self.cron_seq += 1;
            30 * 60 + self.cron_seq - 1
        } else {
            self.office_seq += 1;
            9 * 3600 + self.office_seq - 1
        }
        .min(86_399);
        let at = format!(
            "{}T{:02}:{:02}:{:02}Z",
            self.day,
            secs / 3600,
            secs / 60 % 60,
            secs % 60
        );
        self.audit.push(AuditEntry {
            at,
            date: self.day,
            operator: operator.to_string(),
            record: record.to_string(),
            action: action.to_string(),
            changes,
            command,
        });
    }

    fn audit<T: Record>(
        &mut self,
        operator: &str,
        action: &str,
        before: Option<&T>,
        after: &T,
        command: String,
    ) {
        let changes = crate::store::records::changes(before, after);
        self.audit_line(operator, action, after.key(), changes, command);
    }

    /// Moves the journal lines made so far into the transaction, so that
    /// only their encoded bytes stay in memory.
    fn flush(&mut self) {
        self.txn.append(&self.audit);
        self.txn.append(&self.tier_history);
        self.txn.append(&self.desk.events);
        self.txn.append(&self.desk.log);
        self.desk.events_count += self.desk.events.len();
        self.desk.log_count += self.desk.log.len();
        self.desk.events.clear();
        self.desk.log.clear();
        self.audit_count += self.audit.len();
        self.tier_count += self.tier_history.len();
        self.audit.clear();
        self.tier_history.clear();
    }

    /// Posts a ledger entry of today through the book, by `operator`, for
    /// member `i`; returns its id.
    #[allow(clippy::too_many_arguments)]
    fn post(
        &mut self,
        operator: &str,
        kind: EntryKind,
        i: u32,
        cents: Cents,
        points: i64,
        reference: &str,
        note: &str,
    ) -> Result<String> {
        self.ctx.operator.clear();
        self.ctx.operator.push_str(operator);
        let member = &self.members[i as usize].id;
        let id = self
            .book
            .post(&self.ctx, kind, member, cents, points, reference, note)?;
        self.posted(i, kind, cents, points);
        Ok(id)
    }

    /// Keeps the simulation's own view of an entry just posted: counts,
    /// the member's tier activity, and the nights that must look at it.
    fn posted(&mut self, i: u32, kind: EntryKind, cents: Cents, points: i64) {
        match self.entries_by_kind.iter_mut().find(|(k, _)| *k == kind) {
            Some((_, n)) => *n += 1,
            None => self.entries_by_kind.push((kind, 1)),
        }
        self.note_activity(i, kind, cents, points);
    }

    /// Counts a refusal of `step` by the rules.
    fn refuse(&mut self, step: &'static str) {
        *self.refused.entry(step).or_default() += 1;
    }

    fn card_number(&self) -> String {
        format!(
            "{}{:0width$}",
            self.rules.card.prefix,
            self.next_card,
            width = self.card_width
        )
    }

    /// The whole history: staff on the first day, then each night's cron
    /// jobs (member sweep, points expire, tier recompute), and each day's
    /// applications, office work and purchases.
    #[cfg(test)]
    fn run(&mut self) -> Result<()> {
        self.run_with(&|_, _| {})
    }

    fn run_with(&mut self, progress: &dyn Fn(u64, u64)) -> Result<()> {
        let days = self.office.len();
        for d in 0..days {
            progress(d as u64, days as u64);
            self.day = add_days(self.first_day, d as i64);
            self.ctx.today = self.day;
            self.cron_seq = 0;
            self.office_seq = 0;
            self.act.receipts_today = 0;
            if d == 0 {
                self.hire_staff();
            }
            for i in std::mem::take(&mut self.cron[d]) {
                self.sweep(i);
            }
            self.expire_points(d)?;
            self.recompute_tiers(d)?;
            if self.verify_tiers {
                if let Some(c) = self.tier_change_missed() {
                    return Err(Error::Failure(format!(
                        "internal: the tier recompute of {} missed {c:?}",
                        self.day
                    )));
                }
            }
            self.expire_leads(d);
            self.sales_desk(d)?;
            for _ in 0..self.arrivals[d] {
                self.apply()?;
            }
            // Today's work only ever plans later days, so one pass over
            // today's agenda suffices.
            for ev in std::mem::take(&mut self.office[d]) {
                self.handle(ev)?;
            }
            self.events_day(d)?;
            if self.audit.len() >= 16_384 {
                self.flush();
            }
        }
        self.flush();
        Ok(())
    }

    fn hire_staff(&mut self) {
        let sales = 3 + (self.total / 5_000).min(27);
        let mut roles = vec![Role::Director, Role::Manager, Role::Secretary];
        roles.extend(std::iter::repeat_n(Role::Sales, sales));
        for (n, role) in roles.into_iter().enumerate() {
            let name = match STAFF_NAMES.get(n) {
                Some(s) => s.to_string(),
                None => {
                    let (s, _) = SURNAMES[n % SURNAMES.len()];
                    let g = GIVEN_MALE[(n * 7) % GIVEN_MALE.len()];
                    let h = GIVEN_FEMALE[(n * 11) % GIVEN_FEMALE.len()];
                    format!("{s}{g}{h}")
                }
            };
            let s = Staff {
                id: format!("S{:02}", n + 1),
                name,
                role,
                active: true,
            };
            match role {
                Role::Director => self.director = s.id.clone(),
                Role::Manager => self.manager = s.id.clone(),
                Role::Secretary => self.secretary = s.id.clone(),
                Role::Sales => self.sales.push(s.id.clone()),
            }
            let command =
                command_line(&["staff", "add", "--name", &s.name, "--role", role.as_str()]);
            // The director, hired first, sets up the office.
            let director = self.director.clone();
            self.audit(&director, "staff add", None, &s, command);
            self.staff.push(s);
        }
    }

    /// A person's name and gender: mostly Chinese, some English names.
    fn person(&mut self) -> (String, Option<Gender>, String) {
        let roll = self.rng.random_range(0..100);
        let gender = match roll {
            0..=47 => Some(Gender::Male),
            48..=95 => Some(Gender::Female),
            96 => Some(Gender::Other),
            _ => None,
        };
        let female = gender == Some(Gender::Female) || (gender.is_none() && self.chance(0.5));
        if self.chance(0.12) {
            let first = if female {
                *self.pick(ENGLISH_FEMALE)
            } else {
                *self.pick(ENGLISH_MALE)
            };
            let last = *self.pick(ENGLISH_SURNAMES);
            let mail = format!("{}.{}", first.to_lowercase(), last.to_lowercase());
            return (format!("{first} {last}"), gender, mail);
        }
        let (surname, pinyin) = SURNAMES[self.pick_front(SURNAMES.len())];
        let pool = if female { GIVEN_FEMALE } else { GIVEN_MALE };
        let mut name = surname.to_string();
        name.push_str(self.pick::<&str>(pool));
        if self.chance(0.7) {
            name.push_str(self.pick::<&str>(pool));
        }
        let mail = format!("{pinyin}{}", self.rng.random_range(10..10_000));
        (name, gender, mail)
    }

    /// A phone number nobody else in the club has: a mobile, or a landline
    /// for an organization. Returned as typed at the desk, in one of the
    /// spellings people use; `member add` normalises it.
    fn phone(&mut self, landline: bool) -> String {
        loop {
            let (key, digits) = if landline {
                let area = *self.pick(AREA_CODES);
                let local = self.rng.random_range(20_000_000..90_000_000u64);
                // Landlines keep their leading 0; the high bit keeps their
                // keys apart from mobile numbers.
                (
                    (1 << 60) | (area * 100_000_000 + local),
                    format!("0{area}{local}"),
                )
            } else {
                let prefix = *self.pick(MOBILE_PREFIXES);
                let n = prefix * 100_000_000 + self.rng.random_range(0..100_000_000u64);
                (n, n.to_string())
            };
            if !self.phones.insert(key) {
                continue;
            }
            let cut = digits.len() - 8;
            return match (landline, self.rng.random_range(0..10)) {
                (false, 0) => format!("+86 {digits}"),
                (false, 1) => format!("{} {} {}", &digits[..3], &digits[3..7], &digits[7..]),
                (_, 2) => format!("{}-{}", &digits[..cut], &digits[cut..]),
                _ => digits,
            };
        }
    }

    /// A birthday making the person 18 to 75 on the day they apply.
    fn birthday(&mut self, applied: NaiveDate) -> NaiveDate {
        let age = self.rng.random_range(18..=75u32);
        let latest = sub_months(applied, 12 * age);
        add_days(latest, -self.rng.random_range(0..365))
    }

    /// `member add`: a new application at the desk.
    fn apply(&mut self) -> Result<()> {
        let n = self.members.len();
        let id = format!("M{:0width$}", n + 1, width = self.member_width);
        // The second applicant is always a company, so that every club
        // has one; later ones now and then.
        let organization = n > 0 && n != self.leap_member && (n == 1 || self.chance(0.06));
        let (person, gender, mail_local) = self.person();
        let (name, nominee, gender) = if organization {
            let name = if self.chance(0.8) {
                format!(
                    "{}{}{}有限公司",
                    self.pick(CITIES),
                    self.pick(COMPANY_WORDS),
                    self.pick(COMPANY_TRADES)
                )
            } else {
                self.pick(ENGLISH_COMPANIES).to_string()
            };
            (name, person, None)
        } else {
            (person, String::new(), gender)
        };
        let landline = organization && self.chance(0.6);
        let phone = self.phone(landline);
        let birthday = if organization || self.chance(0.05) {
            None
        } else if n == self.leap_member {
            // Every generated club has one member born on 29 February,
            // the birthday rules' favourite edge.
            let years = self.rng.random_range(5..=14) * 4;
            let mut year = self.day.year() - years;
            while NaiveDate::from_ymd_opt(year, 2, 29).is_none() {
                year -= 1;
            }
            NaiveDate::from_ymd_opt(year, 2, 29)
        } else {
            Some(self.birthday(self.day))
        };
        let email = if self.chance(0.6) {
            if organization {
                format!("office@{}", self.pick(MAIL_DOMAINS))
            } else {
                format!("{mail_local}@{}", self.pick(MAIL_DOMAINS))
            }
        } else {
            String::new()
        };
        let referrer = if n > 0 && self.chance(0.2) {
            let r = self.rng.random_range(0..n);
            self.members[r].id.clone()
        } else {
            String::new()
        };
        let source = if referrer.is_empty() {
            self.pick(SOURCES).to_string()
        } else {
            "referral".to_string()
        };
        let sales = if self.chance(0.85) {
            let s = self.rng.random_range(0..self.sales.len());
            self.sales[s].clone()
        } else {
            String::new()
        };
        let note = if self.chance(0.1) {
            self.pick(NOTES).to_string()
        } else {
            String::new()
        };
        let operator = if sales.is_empty() {
            self.secretary.clone()
        } else {
            sales.clone()
        };
        let app = Application {
            name,
            phone,
            email,
            gender,
            birthday,
            kind: if organization {
                Kind::Organization
            } else {
                Kind::Individual
            },
            nominee,
            referrer,
            source,
            sales,
            note,
        };
        let command = add_command(&app);
        // The phone index already keeps numbers unique, so the domain's
        // scan of other members is given nothing to scan.
        match member::apply(app, id, self.day, self.rules, &[]) {
            Ok(m) => {
                self.audit(&operator, "member add", None, &m, command);
                self.admit(m);
            }
            Err(e) => {
                return Err(Error::Failure(format!(
                    "internal: a generated application was refused: {e}"
                )))
            }
        }
        Ok(())
    }

    /// A new application on file: its review (or withdrawal) is planned.
    fn admit(&mut self, m: Member) {
        self.members.push(m);
        self.card_of.push(None);
        let target = self.target_rank();
        self.target_tier.push(target);
        self.make_room();
        let i = (self.members.len() - 1) as u32;
        if self.chance(0.01) {
            let d = add_days(self.day, self.days_between(2, 20));
            self.plan(d, Event::Withdraw(i));
        } else {
            let d = add_days(self.day, self.days_between(1, 7));
            self.plan(d, Event::Review(i));
        }
    }

    /// The tier a member grows into: most stay on the entry tier.
    fn target_rank(&mut self) -> u8 {
        let top = self.rules.tiers.len().saturating_sub(1).min(3) as u8;
        let r = self.rng.random_range(0..100);
        let rank = match r {
            0..=54 => 0,
            55..=81 => 1,
            82..=94 => 2,
            _ => 3,
        };
        rank.min(top)
    }

    fn handle(&mut self, ev: Event) -> Result<()> {
        match ev {
            Event::Review(i) => self.review(i)?,
            Event::Withdraw(i) => self.exit(i, "withdrew the application")?,
            Event::Renew(i) => self.renew(i)?,
            Event::Freeze(i) => self.freeze(i),
            Event::Unfreeze(i) => self.unfreeze(i),
            Event::Exit(i) => {
                let reason = self.pick(EXIT_REASONS).to_string();
                self.exit(i, &reason)?
            }
            Event::Expel(i) => self.expel(i)?,
            Event::Lost(i) => self.lost(i),
            Event::Reissue(i) => self.reissue(i)?,
            Event::Purchase(i) => self.purchase(i)?,
            Event::Refund(k) => self.reverse_purchase(k)?,
        }
        Ok(())
    }

    /// Runs a domain step on member `i`; a refusal (the member moved on
    /// meanwhile) is what the office would see, and changes nothing.
    fn step(
        &mut self,
        name: &'static str,
        i: u32,
        f: impl FnOnce(&mut Member, NaiveDate, &ClubRules) -> std::result::Result<(), DomainError>,
    ) -> Option<Member> {
        let m = &mut self.members[i as usize];
        let before = m.clone();
        match f(m, self.day, self.rules) {
            Ok(()) => Some(before),
            Err(_) => {
                *m = before;
                self.refuse(name);
                None
            }
        }
    }

    fn review(&mut self, i: u32) -> Result<()> {
        if self.chance(0.11) {
            let reason = self.pick(REJECT_REASONS).to_string();
            if let Some(before) = self.step("member reject", i, |m, day, _| {
                member::reject(m, &reason, day)
            }) {
                let id = before.id.clone();
                let command = command_line(&["member", "reject", &id, "--reason", &reason]);
                let after = self.members[i as usize].clone();
                let op = self.manager.clone();
                self.audit(&op, "member reject", Some(&before), &after, command);
            }
            return Ok(());
        }
        let number = self.card_number();
        let id = self.members[i as usize].id.clone();
        let Ok(new) = card::issue(number.clone(), &id, self.day, &[]) else {
            self.refuse("card issue");
            return Ok(());
        };
        let Some(before) = self.step("member approve", i, |m, day, rules| {
            member::approve(m, &number, day, rules)
        }) else {
            return Ok(());
        };
        self.next_card += 1;
        let op = self.secretary.clone();
        self.dues(i, &op)?;
        let command = command_line(&["member", "approve", &id]);
        self.audit(&op, "card issue", None, &new, command.clone());
        let after = self.members[i as usize].clone();
        self.audit(&op, "member approve", Some(&before), &after, command);
        self.card_of[i as usize] = Some(self.cards.len() as u32);
        self.cards.push(new);
        self.plan_term(i);
        self.joined(i)
    }

    /// The dues of one term, as `member approve` and `member renew` record
    /// them when `--paid` is not given.
    fn dues(&mut self, i: u32, operator: &str) -> Result<()> {
        let dues = self.rules.membership.dues;
        if dues != Cents::ZERO {
            let note = format!("{} months", self.rules.membership.term_months);
            self.post(operator, EntryKind::Dues, i, dues, 0, "", &note)?;
        }
        Ok(())
    }

    /// What happens to member `i` in the term that just started: the sweep
    /// looks at them after expiry, most renew, and a few freeze, leave, are
    /// expelled or lose their card.
    fn plan_term(&mut self, i: u32) {
        let m = &self.members[i as usize];
        let Some(expires) = m.expires else { return };
        let grace = i64::from(self.rules.membership.grace_days);
        let grace_end = member::grace_end(expires, self.rules);
        self.plan_sweep(add_days(expires, 1), i);
        self.plan_sweep(add_days(grace_end, 1), i);
        let term_days = (expires - self.day).num_days().max(1);
        let r = self.rng.random_range(0..100);
        let renew_on = match r {
            0..=69 => Some(add_days(expires, -self.days_between(0, 30))),
            70..=77 => Some(add_days(expires, self.days_between(1, grace))),
            78..=81 => Some(add_days(grace_end, self.days_between(1, 120))),
            _ => None,
        };
        if let Some(d) = renew_on {
            self.plan(d.max(add_days(self.day, 1)), Event::Renew(i));
        }
        if self.chance(0.04) {
            let on = add_days(self.day, self.days_between(1, term_days));
            self.plan(on, Event::Freeze(i));
            if self.chance(0.75) {
                let off = add_days(on, self.days_between(7, 90));
                self.plan(off, Event::Unfreeze(i));
            }
        }
        if self.chance(0.04) {
            let on = add_days(self.day, self.days_between(1, term_days + grace));
            self.plan(on, Event::Exit(i));
        }
        if self.chance(0.006) {
            let on = add_days(self.day, self.days_between(1, term_days));
            self.plan(on, Event::Expel(i));
        }
        if self.chance(0.06) {
            let on = add_days(self.day, self.days_between(1, term_days));
            self.plan(on, Event::Lost(i));
            if self.chance(0.8) {
                let window = i64::from(self.rules.card.reissue_window_days);
                let again = add_days(on, self.days_between(0, window));
                self.plan(again, Event::Reissue(i));
            }
        }
    }

    fn renew(&mut self, i: u32) -> Result<()> {
        let months = self.rules.membership.term_months;
        // An expired member's phone is checked against the others by the
        // domain; the generator's numbers are unique, so there is none.
        let Some(before) = self.step("member renew", i, |m, day, _| {
            member::renew(m, months, day, &[]).map(|_| ())
        }) else {
            return Ok(());
        };
        let id = before.id.clone();
        let op = self.secretary.clone();
        self.dues(i, &op)?;
        let after = self.members[i as usize].clone();
        let command = command_line(&["member", "renew", &id]);
        self.audit(&op, "member renew", Some(&before), &after, command);
        self.plan_term(i);
        self.back_in_standing(i);
        Ok(())
    }

    fn freeze(&mut self, i: u32) {
        let reason = self.pick(FREEZE_REASONS).to_string();
        if let Some(before) = self.step("member freeze", i, |m, day, _| {
            member::freeze(m, &reason, day)
        }) {
            let after = self.members[i as usize].clone();
            let command = command_line(&["member", "freeze", &after.id, "--reason", &reason]);
            let op = self.manager.clone();
            self.audit(&op, "member freeze", Some(&before), &after, command);
        }
    }

    fn unfreeze(&mut self, i: u32) {
        let Some(before) = self.step("member unfreeze", i, |m, day, rules| {
            member::unfreeze(m, day, rules).map(|_| ())
        }) else {
            return;
        };
        self.back_in_standing(i);
        let after = self.members[i as usize].clone();
        let command = command_line(&["member", "unfreeze", &after.id]);
        let op = self.manager.clone();
        self.audit(&op, "member unfreeze", Some(&before), &after, command);
        if let Some(expires) = after.expires {
            self.plan_sweep(add_days(expires, 1), i);
            self.plan_sweep(add_days(member::grace_end(expires, self.rules), 1), i);
            // Back from a freeze with the term run out or about to: most
            // renew within a few weeks.
            if expires <= add_days(self.day, 30) && self.chance(0.6) {
                let d = add_days(self.day, self.days_between(1, 20));
                self.plan(d, Event::Renew(i));
            }
        }
    }

    /// Leaving forfeits the points balance, as `member exit` does.
    fn exit(&mut self, i: u32, reason: &str) -> Result<()> {
        if let Some(before) = self.step("member exit", i, |m, day, _| member::exit(m, reason, day))
        {
            let op = self.secretary.clone();
            self.forfeit(i, &op, "member exit")?;
            let after = self.members[i as usize].clone();
            let mut args = vec!["member", "exit", &after.id];
            if !reason.is_empty() {
                args.extend(["--reason", reason]);
            }
            let command = command_line(&args);
            self.audit(&op, "member exit", Some(&before), &after, command);
        }
        Ok(())
    }

    fn expel(&mut self, i: u32) -> Result<()> {
        let reason = self.pick(EXPEL_REASONS).to_string();
        // Phones are never reused here, so no one else can hold this one.
        if let Some(before) = self.step("member expel", i, |m, day, _| {
            member::expel(m, &reason, day, &[])
        }) {
            let op = self.director.clone();
            self.forfeit(i, &op, "member expel")?;
            let after = self.members[i as usize].clone();
            let command = command_line(&["member", "expel", &after.id, "--reason", &reason]);
            self.audit(&op, "member expel", Some(&before), &after, command);
        }
        Ok(())
    }

    fn lost(&mut self, i: u32) {
        let m = &self.members[i as usize];
        if !matches!(m.status, Status::Active | Status::Grace | Status::Frozen) {
            return;
        }
        let Some(c) = self.card_of[i as usize] else {
            return;
        };
        let card = &mut self.cards[c as usize];
        let before = card.clone();
        if card::report_lost(card, self.day).is_err() {
            return;
        }
        let after = card.clone();
        let command = command_line(&["card", "lost", &self.members[i as usize].id]);
        let op = self.secretary.clone();
        self.audit(&op, "card lost", Some(&before), &after, command);
    }

    fn reissue(&mut self, i: u32) -> Result<()> {
        let Some(c) = self.card_of[i as usize] else {
            return Ok(());
        };
        let number = self.card_number();
        let m = self.members[i as usize].clone();
        let old = &mut self.cards[c as usize];
        let old_before = old.clone();
        // New numbers come from the generator's own counter, so the domain
        // is given no other cards to compare with.
        let Ok(new) = card::reissue(&m, old, number, self.day, self.rules, &[]) else {
            self.refuse("card reissue");
            return Ok(());
        };
        let old_after = old.clone();
        self.next_card += 1;
        let op = self.secretary.clone();
        let fee = self.rules.card.reissue_fee;
        if fee != Cents::ZERO {
            let number = new.number.clone();
            self.post(&op, EntryKind::Fee, i, fee, 0, &number, "card replacement")?;
        }
        let command = command_line(&["card", "reissue", &m.id]);
        self.audit(
            &op,
            "card reissue",
            Some(&old_before),
            &old_after,
            command.clone(),
        );
        self.audit(&op, "card issue", None, &new, command.clone());
        let mut after = m.clone();
        after.card = new.number.clone();
        self.audit(&op, "card reissue", Some(&m), &after, command);
        self.members[i as usize] = after;
        self.card_of[i as usize] = Some(self.cards.len() as u32);
        self.cards.push(new);
        Ok(())
    }

    /// The nightly sweep's look at one member.
    fn sweep(&mut self, i: u32) {
        let m = &mut self.members[i as usize];
        let before = m.clone();
        if member::sweep(m, self.day, self.rules).is_some() {
            let after = m.clone();
            let command = command_line(&["member", "sweep"]);
            self.audit(CRON, "member sweep", Some(&before), &after, command);
        }
    }

    fn summary(&self) -> Summary {
        let mut counts: BTreeMap<(usize, usize), usize> = BTreeMap::new();
        for m in &self.members {
            let s = Status::ALL.iter().position(|s| *s == m.status).unwrap_or(0);
            let t = self.rules.tier_rank(&m.tier).unwrap_or(0);
            *counts.entry((s, t)).or_default() += 1;
        }
        Summary {
            closings: 0,
            first_day: self.first_day,
            last_day: self.today,
            members: self.members.len(),
            by_status_tier: counts
                .into_iter()
                .map(|((s, t), n)| {
                    let tier = self.rules.tiers.get(t).map(|t| t.name.clone());
                    (Status::ALL[s], tier.unwrap_or_default(), n)
                })
                .collect(),
            cards: self.cards.len(),
            lost_cards: self
                .cards
                .iter()
                .filter(|c| c.status == CardStatus::Lost)
                .count(),
            staff: self.staff.len(),
            ledger: self.book.posted(),
            audit: self.audit_count + self.audit.len(),
            entries: self.entries_by_kind.clone(),
            tier_changes: self.tier_count + self.tier_history.len(),
            refused: self.refused.clone(),
        }
    }
}

/// The `member add` command line an application came from.
fn add_command(app: &Application) -> String {
    let mut args: Vec<&str> = vec!["member", "add", "--name", &app.name, "--phone", &app.phone];
    let birthday = app.birthday.map(|b| b.to_string());
    if let Some(g) = app.gender {
        args.extend([
            "--gender",
            match g {
                Gender::Male => "male",
                Gender::Female => "female",
                Gender::Other => "other",
            },
        ]);
    }
    if let Some(b) = &birthday {
        args.extend(["--birthday", b]);
    }
    if !app.email.is_empty() {
        args.extend(["--email", &app.email]);
    }
    if app.kind == Kind::Organization {
        args.extend(["--kind", "organization", "--nominee", &app.nominee]);
    }
    if !app.referrer.is_empty() {
        args.extend(["--referrer", &app.referrer]);
    }
    args.extend(["--source", &app.source]);
    if !app.sales.is_empty() {
        args.extend(["--sales", &app.sales]);
    }
    if !app.note.is_empty() {
        args.extend(["--note", &app.note]);
    }
    command_line(&args)
}

/// A clubctl command line as a person would type it, quoted as the audit
/// trail quotes real ones.
fn command_line(args: &[&str]) -> String {
    let mut out = String::from("clubctl");
    for a in args {
        out.push(' ');
        if !a.is_empty()
            && a.chars()
                .all(|c| c.is_alphanumeric() || "-_./:=@+,".contains(c))
        {
            out.push_str(a);
        } else {
            out.push('\'');
            out.push_str(&a.replace('\'', "'\\''"));
            out.push('\'');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ledger::LedgerEntry;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    /// Runs a simulation of `members` over `months` on a fresh store (not
    /// committed) and hands it to `f`.
    fn simulate(members: u32, months: u32, seed: u64, f: impl FnOnce(&Sim)) {
        simulate_with(members, months, seed, false, f)
    }

    fn simulate_with(
        members: u32,
        months: u32,
        seed: u64,
        verify_tiers: bool,
        f: impl FnOnce(&Sim),
    ) {
        let opts = Options {
            members,
            months,
            seed,
        };
        let today = d("2026-11-25");
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("club");
        Store::init(&dir, &club_toml(&opts, today).unwrap()).unwrap();
        let store = Store::open(&dir, Access::Write, Duration::ZERO, "test").unwrap();
        let rules = store.rules().clone();
        let ctx = Ctx {
            data: dir.clone(),
            today,
            now: String::new(),
            operator: CRON.into(),
            command: "test".into(),
            dry_run: false,
            wait: Duration::ZERO,
        };
        let mut book = Book::open(&store).unwrap();
        book.stream();
        let mut s = Sim::new(&rules, today, &opts, ctx, book);
        s.verify_tiers = verify_tiers;
        s.run().unwrap();
        f(&s);
    }

    #[test]
    fn the_season_is_busy_before_spring_festival_and_quiet_in_summer() {
        // Spring Festival 2026 is 17 February.
        let before = season_weight(d("2026-02-10")); // a Tuesday
        let holiday = season_weight(d("2026-02-18")); // a Wednesday
        let summer = season_weight(d("2026-07-15")); // a Wednesday
        let autumn = season_weight(d("2026-10-14")); // a Wednesday
        let spring = season_weight(d("2026-04-15")); // a Wednesday
        assert!(before > autumn && autumn > spring && spring > summer && summer > holiday);
        assert!(
            season_weight(d("2026-04-19")) < spring,
            "a Sunday is quieter"
        );
    }

    #[test]
    fn every_record_obeys_the_member_rules_and_phones_are_unique() {
        simulate(400, 24, 3, |s| {
            let (rules, today) = (s.rules, s.today);
            assert_eq!(s.members.len(), 400);
            let mut phones = HashSet::new();
            for m in &s.members {
                assert!(member::problems(m, rules).is_empty(), "{m:?}");
                assert!(m.applied >= s.first_day && m.applied <= today);
                assert!(phones.insert(m.phone.clone()), "phone twice: {}", m.phone);
                if let Some(b) = m.birthday {
                    let age = crate::domain::dates::age_on(b, m.applied);
                    assert!((18..=75).contains(&age), "{} is {age}", m.id);
                }
                if m.status.has_term() {
                    // The sweep ran every night up to today.
                    assert_eq!(member::sweep(&mut m.clone(), today, rules), None, "{m:?}");
                }
            }
            assert!(s
                .members
                .iter()
                .any(|m| m.birthday.is_some_and(|b| b.month() == 2 && b.day() == 29)));
        });
    }

    /// A club generated into a temporary directory, open for reading.
    fn generated(members: u32, months: u32, seed: u64) -> (tempfile::TempDir, Store, Summary) {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("club");
        let opts = Options {
            members,
            months,
            seed,
        };
        let summary = generate(
            &dir,
            d("2026-11-25"),
            &opts,
            Duration::ZERO,
            "test",
            &|_, _| {},
        )
        .unwrap();
        let store = Store::open(&dir, Access::Read, Duration::ZERO, "test").unwrap();
        (tmp, store, summary)
    }

    #[test]
    fn ledger_ids_and_audit_times_run_in_order() {
        let (_tmp, store, _) = generated(300, 12, 11);
        let ledger: Vec<LedgerEntry> = store.load().unwrap();
        let audit: Vec<AuditEntry> = store.load().unwrap();
        assert!(!ledger.is_empty() && !audit.is_empty());
        assert!(ledger.windows(2).all(|w| w[0].id < w[1].id));
        assert!(
            ledger.windows(2).all(|w| w[0].date <= w[1].date),
            "ledger dates"
        );
        assert!(audit.windows(2).all(|w| w[0].at < w[1].at), "audit times");
        let tiers: Vec<TierChange> = store.load().unwrap();
        assert!(!tiers.is_empty());
        assert!(
            tiers.windows(2).all(|w| w[0].date <= w[1].date),
            "tier history dates"
        );
        assert!(ledger
            .iter()
            .filter(|e| e.kind == EntryKind::Dues)
            .all(|e| e.cents == Cents(128_000)));
    }

    #[test]
    fn every_kind_of_ledger_activity_happens_and_refusals_are_counted() {
        let members = 2_000;
        let (_tmp, store, summary) = generated(members, 24, 5);
        let ledger: Vec<LedgerEntry> = store.load().unwrap();
        for kind in [
            EntryKind::Dues,
            EntryKind::Fee,
            EntryKind::Spend,
            EntryKind::Earn,
            EntryKind::Grant,
            EntryKind::Redeem,
            EntryKind::Expire,
            EntryKind::Forfeit,
            EntryKind::Reverse,
            EntryKind::Recharge,
            EntryKind::Bonus,
            EntryKind::Pay,
        ] {
            let n = ledger.iter().filter(|e| e.kind == kind).count();
            assert!(n > 0, "no {kind:?} entry");
            let counted = summary.entries.iter().find(|(k, _)| *k == kind);
            assert_eq!(counted.map(|c| c.1), Some(n), "{kind:?}");
        }
        assert_eq!(summary.ledger, ledger.len());
        // A refund takes back its own purchase, once, with at most the
        // points that purchase earned.
        let by_id: BTreeMap<&str, &LedgerEntry> =
            ledger.iter().map(|e| (e.id.as_str(), e)).collect();
        let mut reversed = HashSet::new();
        for r in ledger.iter().filter(|e| e.kind == EntryKind::Reverse) {
            let spend = by_id[r.reference.as_str()];
            assert_eq!(spend.kind, EntryKind::Spend, "{r:?}");
            assert_eq!(
                (spend.member.as_str(), spend.cents.0),
                (r.member.as_str(), -r.cents.0)
            );
            assert!(
                spend.date < r.date && reversed.insert(spend.id.as_str()),
                "{r:?}"
            );
            let earned: i64 = ledger
                .iter()
                .filter(|e| e.kind == EntryKind::Earn && e.reference == spend.id)
                .map(|e| e.points)
                .sum();
            assert!(-r.points <= earned, "{r:?}");
        }
        // Excluded categories earn nothing; every other purchase earns.
        let earns: HashSet<&str> = ledger
            .iter()
            .filter(|e| e.kind == EntryKind::Earn)
            .map(|e| e.reference.as_str())
            .collect();
        for e in ledger.iter().filter(|e| e.kind == EntryKind::Spend) {
            let excluded = store.rules().points.excluded_categories.contains(&e.note);
            assert_eq!(earns.contains(e.id.as_str()), !excluded, "{e:?}");
        }
        // Redemptions took stock out of the catalogue.
        let rewards: Vec<RewardRule> = store.load().unwrap();
        let fresh = activity::catalogue(members);
        assert_eq!(rewards.len(), fresh.len());
        let taken: u32 = fresh.iter().map(|r| r.stock).sum::<u32>()
            - rewards.iter().map(|r| r.stock).sum::<u32>();
        let by_reward = ledger
            .iter()
            .filter(|e| e.kind == EntryKind::Redeem && !e.reference.is_empty())
            .count();
        assert_eq!(taken as usize, by_reward);
        // Refusals are counted, and are only those of a member, lead or
        // event that had moved on (a check-in of a member frozen since
        // registering, a claim over the cap); a redemption or payment the
        // rules refuse stops the generator with an error instead.
        assert!(!summary.refused.is_empty());
        for step in summary.refused.keys() {
            assert!(
                step.starts_with("member ")
                    || step.starts_with("card ")
                    || step.starts_with("lead ")
                    || step.starts_with("event ")
                    || *step == "points grant (member not in good standing)",
                "{step}"
            );
        }
    }

    #[test]
    fn the_nightly_tier_recompute_misses_no_member_who_is_due() {
        // Every night the whole club is checked against what the planned
        // list of members to look at changed.
        for seed in [1, 2] {
            simulate_with(400, 30, seed, true, |s| {
                assert!(s.tier_count + s.tier_history.len() > 50);
            });
        }
    }

    #[test]
    fn command_lines_quote_what_a_shell_would_split() {
        assert_eq!(
            command_line(&["member", "freeze", "M000001", "--reason", "dues in arrears"]),
            "clubctl member freeze M000001 --reason 'dues in arrears'"
        );
        assert_eq!(
            command_line(&["member", "add", "--name", "王伟", "--note", "it's"]),
            "clubctl member add --name 王伟 --note 'it'\\''s'"
        );
    }

    #[test]
    fn a_million_members_get_wider_ids_and_card_numbers() {
        let opts = Options {
            members: 1_000_000,
            months: 1,
            seed: 1,
        };
        let rules = ClubRules::from_toml(&club_toml(&opts, d("2026-11-25")).unwrap()).unwrap();
        assert_eq!(rules.card.digits, 7);
        assert_eq!(width_for(1_000_000, 6), 7);
        assert_eq!(width_for(60, 6), 6);
    }
}
