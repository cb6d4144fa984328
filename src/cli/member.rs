//! `clubctl member ...`

use super::lang::Msg;
use super::output::{self, Cell, CsvShape, Format, Listing, RecordView};
use super::{out, report, Env};
use crate::app::member::{self as app, Filter, Outcome, Profile};
use crate::app::Ctx;
use crate::domain::member::{Application, Gender, Kind, Member, SortKey, Status, Update};
use crate::domain::Cents;
use crate::error::{Error, Result};
use chrono::NaiveDate;
use clap::{Args, Subcommand};

#[derive(Debug, Subcommand)]
pub enum MemberCmd {
    /// File an application (pending review); prints the new member id.
    Add(AddArgs),
    /// Approve a pending application: issue a card, start the term.
    Approve(ApproveArgs),
    /// Refuse a pending application, with a reason.
    Reject(ReasonArgs),
    /// Extend a membership: expiry = max(expiry, today) + term.
    Renew(RenewArgs),
    /// Suspend a member (arrears, dispute): earns and redeems nothing.
    Freeze(ReasonArgs),
    /// Lift a freeze.
    Unfreeze(IdArgs),
    /// The member leaves of their own will; points are forfeited.
    Exit(ExitArgs),
    /// Remove a member for a violation; the phone is barred for good.
    Expel(ReasonArgs),
    /// Reinstate an exited or expelled member (manager or director).
    Restore(ReasonArgs),
    /// Correct a member's details; the audit trail keeps old and new.
    Update(UpdateArgs),
    /// Every field, cards, balances and history of one member.
    Show(IdArgs),
    /// List members, filtered.
    List(ListArgs),
    /// Nightly: active past expiry → grace; past grace → expired.
    Sweep,
    /// Members from a spreadsheet's CSV: a dry run unless --commit.
    Import(super::import::ImportArgs),
    /// Every member with every field and their balances, as CSV.
    Export(super::import::ExportArgs),
}

#[derive(Debug, Args)]
pub struct IdArgs {
    /// Member id, e.g. M000012.
    pub id: String,
}

#[derive(Debug, Args)]
pub struct ReasonArgs {
    /// Member id, e.g. M000012.
    pub id: String,
    /// Why: kept on the member and in the audit trail.
    #[arg(long)]
    pub reason: String,
}

#[derive(Debug, Args)]
pub struct ExitArgs {
    /// Member id, e.g. M000012.
    pub id: String,
    #[arg(long, default_value = "")]
    pub reason: String,
}

#[derive(Debug, Args)]
pub struct AddArgs {
    #[arg(long)]
    pub name: Option<String>,
    /// Spaces, dashes and +86 are allowed.
    #[arg(long)]
    pub phone: Option<String>,
    #[arg(long, default_value = "")]
    pub email: String,
    #[arg(long, value_enum)]
    pub gender: Option<Gender>,
    #[arg(value_parser = crate::domain::bounds::parse_date, long, value_name = "YYYY-MM-DD")]
    pub birthday: Option<NaiveDate>,
    #[arg(long, value_enum, default_value_t = Kind::Individual)]
    pub kind: Kind,
    /// For an organization: the person who uses the card.
    #[arg(long, default_value = "")]
    pub nominee: String,
    /// Id of the member who referred this one.
    #[arg(long, default_value = "")]
    pub referrer: String,
    /// Source channel (walk-in, referral, online...).
    #[arg(long, default_value = "")]
    pub source: String,
    /// Staff id of the salesperson.
    #[arg(long, default_value = "")]
    pub sales: String,
    #[arg(long, default_value = "")]
    pub note: String,
}

#[derive(Debug, Args)]
pub struct ApproveArgs {
    /// Member id, e.g. M000012.
    pub id: String,
    /// Issue this card number instead of the next in sequence.
    #[arg(long)]
    pub card: Option<String>,
    /// Dues paid, in yuan (default: membership.dues).
    #[arg(value_parser = crate::domain::bounds::parse_amount, long, value_name = "AMOUNT")]
    pub paid: Option<Cents>,
}

#[derive(Debug, Args)]
pub struct RenewArgs {
    /// Member id, e.g. M000012.
    pub id: String,
    /// Months to add (default: membership.term_months).
    #[arg(value_parser = crate::domain::bounds::parse_months, long)]
    pub months: Option<u32>,
    /// Dues paid, in yuan (default: membership.dues pro rata).
    #[arg(value_parser = crate::domain::bounds::parse_amount, long, value_name = "AMOUNT")]
    pub paid: Option<Cents>,
}

#[derive(Debug, Args)]
pub struct UpdateArgs {
    /// Member id, e.g. M000012.
    pub id: String,
    #[arg(long)]
    pub name: Option<String>,
    #[arg(long)]
    pub phone: Option<String>,
    #[arg(long)]
    pub email: Option<String>,
    #[arg(long, value_enum)]
    pub gender: Option<Gender>,
    #[arg(value_parser = crate::domain::bounds::parse_date, long, value_name = "YYYY-MM-DD")]
    pub birthday: Option<NaiveDate>,
    #[arg(long, value_enum)]
    pub kind: Option<Kind>,
    #[arg(long)]
    pub nominee: Option<String>,
    #[arg(long)]
    pub referrer: Option<String>,
    #[arg(long)]
    pub source: Option<String>,
    #[arg(long)]
    pub sales: Option<String>,
    #[arg(long)]
    pub note: Option<String>,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Only these statuses (repeat the flag for several).
    #[arg(long, value_enum)]
    pub status: Vec<Status>,
    #[arg(long)]
    pub tier: Option<String>,
    /// Active or in grace, expiring within DAYS from today.
    #[arg(value_parser = crate::domain::bounds::parse_within, long, value_name = "DAYS")]
    pub expiring_within: Option<u32>,
    /// Birthday within DAYS from today (wraps the year end).
    #[arg(value_parser = crate::domain::bounds::parse_within, long, value_name = "DAYS")]
    pub birthday_within: Option<u32>,
    /// Matches name, phone, card number or id.
    #[arg(long)]
    pub search: Option<String>,
    /// Only members signed by this salesperson (staff id).
    #[arg(long, value_name = "STAFF")]
    pub sales: Option<String>,
    /// Only members who joined on or after this day.
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub joined_from: Option<NaiveDate>,
    /// Only members who joined on or before this day.
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub joined_to: Option<NaiveDate>,
    /// Order by id, name, joined, expires, birthday, tier, status or sales
    /// (default id); members without the value come last.
    #[arg(long, value_name = "FIELD")]
    pub sort: Option<SortKey>,
    /// Sort in descending order.
    #[arg(long)]
    pub desc: bool,
}

pub fn run(cmd: MemberCmd, ctx: &Ctx, env: &Env) -> Result<()> {
    match cmd {
        MemberCmd::Add(a) => {
            let app_ = application(a, env)?;
            let o = app::add(ctx, app_)?;
            done(ctx, o, true)
        }
        MemberCmd::Approve(a) => {
            let o = app::approve(ctx, &a.id, a.card, a.paid)?;
            report(ctx, &o.message, &o.files);
            out(output::print_line(&o.member.card))
        }
        MemberCmd::Reject(a) => done(
            ctx,
            confirm(ctx, env, |c| app::reject(c, &a.id, &a.reason))?,
            false,
        ),
        MemberCmd::Renew(a) => done(ctx, app::renew(ctx, &a.id, a.months, a.paid)?, false),
        MemberCmd::Freeze(a) => done(
            ctx,
            confirm(ctx, env, |c| app::freeze(c, &a.id, &a.reason))?,
            false,
        ),
        MemberCmd::Unfreeze(a) => done(ctx, app::unfreeze(ctx, &a.id)?, false),
        MemberCmd::Exit(a) => done(
            ctx,
            confirm(ctx, env, |c| app::exit(c, &a.id, &a.reason))?,
            false,
        ),
        MemberCmd::Expel(a) => done(
            ctx,
            confirm(ctx, env, |c| app::expel(c, &a.id, &a.reason))?,
            false,
        ),
        MemberCmd::Restore(a) => done(ctx, app::restore(ctx, &a.id, &a.reason)?, false),
        MemberCmd::Update(a) => {
            let u = Update {
                name: a.name,
                phone: a.phone,
                email: a.email,
                gender: a.gender,
                birthday: a.birthday,
                kind: a.kind,
                nominee: a.nominee,
                referrer: a.referrer,
                source: a.source,
                sales: a.sales,
                note: a.note,
            };
            done(ctx, app::update(ctx, &a.id, u)?, false)
        }
        MemberCmd::Show(a) => show(app::show(ctx, &a.id)?, env.format),
        MemberCmd::List(a) => {
            let filter = Filter {
                statuses: a.status,
                tier: a.tier,
                expiring_within: a.expiring_within,
                birthday_within: a.birthday_within,
                search: a.search,
                sales: a.sales,
                joined_from: a.joined_from,
                joined_to: a.joined_to,
                sort: a.sort,
                descending: a.desc,
            };
            let mut stream = output::RowStream::new(listing(&[]), env.format);
            app::list_each(ctx, &filter, &mut |m| out(stream.push(row(m))))?;
            out(stream.finish())
        }
        MemberCmd::Import(a) => super::import::import(a, ctx, env),
        MemberCmd::Export(a) => super::import::export(a, ctx, env),
        MemberCmd::Sweep => {
            let (changes, files) = app::sweep(ctx)?;
            let mut l = Listing::new(&["id", "name", "from", "to", "expires", "reason"]);
            for c in &changes {
                l.push(vec![
                    Cell::from(c.member.id.as_str()),
                    Cell::from(c.member.name.as_str()),
                    Cell::from(c.from.as_str()),
                    Cell::from(c.member.status.as_str()),
                    Cell::from(c.member.expires),
                    Cell::from(c.member.reason.as_str()),
                ]);
            }
            super::cron::finish(
                ctx,
                env,
                super::cron::JobRun {
                    job: "member sweep",
                    changed: changes.len(),
                    detail: super::cron::breakdown(
                        changes.iter().map(|c| c.member.status.as_str()),
                    ),
                    details: l,
                    files: &files,
                },
            )
        }
    }
}

/// A destructive member step, confirmed at a terminal (see `confirm`).
fn confirm(ctx: &Ctx, env: &Env, step: impl Fn(&Ctx) -> Result<Outcome>) -> Result<Outcome> {
    super::confirm::run(ctx, env, step, |o| o.message.clone())
}

fn done(ctx: &Ctx, o: Outcome, print_id: bool) -> Result<()> {
    report(ctx, &o.message, &o.files);
    if print_id {
        out(output::print_line(&o.member.id))?;
    }
    Ok(())
}

/// Fills missing required fields by asking, only when a person is at a
/// terminal; under cron or a script a missing field is a usage error.
fn application(a: AddArgs, env: &Env) -> Result<Application> {
    // A typo at a prompt is asked again rather than ending the command.
    let ask = |value: Option<String>, flag: &str, prompt: &str| -> Result<String> {
        let is_phone = flag == "--phone";
        match value {
            Some(v) => Ok(v),
            None if env.interactive => dialoguer::Input::<String>::new()
                .with_prompt(prompt)
                .validate_with(|s: &String| -> std::result::Result<(), &str> {
                    if s.trim().is_empty() {
                        Err(Msg::PromptRequired.text())
                    } else if is_phone && crate::domain::phone::normalise(s).is_none() {
                        Err(Msg::PhoneInvalid.text())
                    } else {
                        Ok(())
                    }
                })
                .interact_text()
                .map_err(|e| Error::Usage(format!("{flag}: {e}"))),
            None => Err(Error::Usage(format!(
                "{flag} is required (standard input is not a terminal, so clubctl does not ask)"
            ))),
        }
    };
    Ok(Application {
        name: ask(a.name, "--name", "Name (姓名)")?,
        phone: ask(a.phone, "--phone", "Phone (手机)")?,
        email: a.email,
        gender: a.gender,
        birthday: a.birthday,
        kind: a.kind,
        nominee: a.nominee,
        referrer: a.referrer,
        source: a.source,
        sales: a.sales,
        note: a.note,
    })
}

const LIST_HEADERS: &[&str] = &[
    "id", "name", "phone", "gender", "birthday", "kind", "status", "tier", "card", "joined",
    "expires", "sales",
];

fn row(m: &Member) -> Vec<Cell> {
    vec![
        Cell::from(m.id.as_str()),
        Cell::from(m.name.as_str()),
        Cell::from(m.phone.as_str()),
        Cell::from(m.gender.map(|g| format!("{g:?}").to_lowercase())),
        Cell::from(m.birthday),
        Cell::from(format!("{:?}", m.kind).to_lowercase()),
        Cell::from(m.status.as_str()),
        Cell::from(m.tier.as_str()),
        Cell::from(m.card.as_str()),
        Cell::from(m.joined),
        Cell::from(m.expires),
        Cell::from(m.sales.as_str()),
    ]
}

pub fn listing(members: &[Member]) -> Listing {
    let mut l =
        Listing::new(LIST_HEADERS).narrow(&["id", "name", "phone", "status", "tier", "expires"]);
    for m in members {
        l.push(row(m));
    }
    l
}

fn show(p: Profile, format: Format) -> Result<()> {
    let m = &p.member;
    let fields: Vec<(&'static str, Cell)> = vec![
        ("id", Cell::from(m.id.as_str())),
        ("name", Cell::from(m.name.as_str())),
        ("phone", Cell::from(m.phone.as_str())),
        ("email", Cell::from(m.email.as_str())),
        (
            "gender",
            Cell::from(m.gender.map(|g| format!("{g:?}").to_lowercase())),
        ),
        ("birthday", Cell::from(m.birthday)),
        ("kind", Cell::from(format!("{:?}", m.kind).to_lowercase())),
        ("nominee", Cell::from(m.nominee.as_str())),
        ("referrer", Cell::from(m.referrer.as_str())),
        ("source", Cell::from(m.source.as_str())),
        ("sales", Cell::from(m.sales.as_str())),
        (
            "status",
            Cell::from(format!("{} ({})", m.status, m.status.zh())),
        ),
        ("since", Cell::from(m.since.to_string())),
        ("reason", Cell::from(m.reason.as_str())),
        ("tier", Cell::from(m.tier.as_str())),
        ("card", Cell::from(m.card.as_str())),
        ("applied", Cell::from(m.applied.to_string())),
        ("joined", Cell::from(m.joined)),
        ("expires", Cell::from(m.expires)),
        ("points", Cell::Int(p.balances.points)),
        ("wallet", Cell::Money(p.balances.wallet)),
        ("note", Cell::from(m.note.as_str())),
    ];
    let mut cards = Listing::new(&["card", "status", "issued", "lost_on", "replaced_by"]);
    for c in &p.cards {
        cards.push(vec![
            Cell::from(c.number.as_str()),
            Cell::from(format!("{:?}", c.status).to_lowercase()),
            Cell::from(c.issued.to_string()),
            Cell::from(c.lost_on),
            Cell::from(c.replaced_by.as_str()),
        ]);
    }
    let mut history = Listing::new(&["date", "at", "operator", "action", "changes"]);
    for a in &p.history {
        history.push(vec![
            Cell::from(a.date.to_string()),
            Cell::from(a.at.as_str()),
            Cell::from(a.operator.as_str()),
            Cell::from(a.action.as_str()),
            Cell::from(a.changes.as_str()),
        ]);
    }
    out(output::print_record(
        &RecordView {
            fields,
            parts: vec![("cards:", "cards", cards), ("history:", "history", history)],
            csv: CsvShape::Fields,
        },
        format,
    ))
}
