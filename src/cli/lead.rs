//! `clubctl lead ...` and `clubctl report sales`.

use super::lang::Msg;
use super::output::{self, Cell, CsvShape, Format, Listing, RecordView};
use super::{out, report, Env};
use crate::app::lead::{self as app, Filter, Outcome, Profile};
use crate::app::Ctx;
use crate::domain::lead::{Claim, FollowUpKind, Lead, LeadStatus};
use crate::domain::sales::{Period, SalesRow};
use crate::domain::Cents;
use crate::error::Result;
use chrono::NaiveDate;
use clap::{Args, Subcommand};

#[derive(Debug, Subcommand)]
pub enum LeadCmd {
    /// Register a prospect for a salesperson; prints the lead id.
    Claim(ClaimArgs),
    /// The owner gives a live lead up: it is public at once.
    Release(ReleaseArgs),
    /// Cron: live leads past their last valid day become public; prints
    /// the public list.
    Expire,
    /// Record a follow-up (call, visit, meeting, message) on a live lead.
    Log(LogArgs),
    /// Sign the lead as a member and credit the deal to its owner.
    Convert(ConvertArgs),
    /// Another salesperson claims the lead; it stays with its owner.
    Dispute(DisputeArgs),
    /// Decide a dispute (manager or director); the decision is final.
    Arbitrate(ArbitrateArgs),
    /// List leads, filtered.
    List(ListArgs),
    /// A lead's details, owner history, disputes and follow-ups.
    Show(IdArgs),
    /// The public list (公开客户名单): leads anyone may claim.
    Pool,
}

#[derive(Debug, Args)]
pub struct IdArgs {
    /// Lead id, e.g. L000001.
    pub id: String,
}

#[derive(Debug, Args)]
pub struct ClaimArgs {
    /// Staff id of the salesperson who registers the lead.
    #[arg(long)]
    pub sales: String,
    /// The prospect (for a company: the contact person).
    #[arg(long)]
    pub name: String,
    /// Spaces, dashes and +86 are allowed.
    #[arg(long)]
    pub phone: String,
    /// For a company card: the company it is registered under.
    #[arg(long, default_value = "")]
    pub company: String,
    /// For a company card: the person who will use it (required with --company).
    #[arg(long, default_value = "")]
    pub nominee: String,
    #[arg(long, default_value = "")]
    pub note: String,
}

#[derive(Debug, Args)]
pub struct ReleaseArgs {
    /// Lead id, e.g. L000001.
    pub id: String,
    #[arg(long, default_value = "")]
    pub reason: String,
}

#[derive(Debug, Args)]
pub struct LogArgs {
    /// Lead id, e.g. L000001.
    pub id: String,
    #[arg(long, value_enum)]
    pub kind: FollowUpKind,
    /// What was said.
    #[arg(long)]
    pub note: String,
    /// The next step's date.
    #[arg(value_parser = crate::domain::bounds::parse_date, long, value_name = "YYYY-MM-DD")]
    pub next: Option<NaiveDate>,
}

#[derive(Debug, Args)]
pub struct ConvertArgs {
    /// Lead id, e.g. L000001.
    pub id: String,
    /// Approve at once: issue the card, start the term, record the dues.
    #[arg(long)]
    pub approve: bool,
    /// Dues paid, in yuan (with --approve; default: membership.dues).
    #[arg(value_parser = crate::domain::bounds::parse_amount, long, value_name = "AMOUNT")]
    pub paid: Option<Cents>,
}

#[derive(Debug, Args)]
pub struct DisputeArgs {
    /// Lead id, e.g. L000001.
    pub id: String,
    /// Staff id of the salesperson who claims the lead.
    #[arg(long)]
    pub by: String,
    #[arg(long)]
    pub note: String,
}

#[derive(Debug, Args)]
pub struct ArbitrateArgs {
    /// Lead id, e.g. L000001.
    pub id: String,
    /// Staff id of the party the lead goes to.
    #[arg(long)]
    pub winner: String,
    /// The reasons for the decision.
    #[arg(long)]
    pub note: String,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Only this salesperson's leads.
    #[arg(long)]
    pub sales: Option<String>,
    #[arg(long, value_enum)]
    pub status: Option<LeadStatus>,
    /// Live leads whose last valid day is within DAYS from today.
    #[arg(value_parser = crate::domain::bounds::parse_within, long, value_name = "DAYS")]
    pub expiring_within: Option<u32>,
}

#[derive(Debug, Args)]
#[group(multiple = false)]
pub struct SalesArgs {
    /// A calendar month, YYYY-MM (the default is this month).
    #[arg(long)]
    pub month: Option<String>,
    /// An ISO week, YYYY-Www.
    #[arg(long)]
    pub week: Option<String>,
    /// One day.
    #[arg(value_parser = crate::domain::bounds::parse_date, long, value_name = "YYYY-MM-DD")]
    pub day: Option<NaiveDate>,
}

pub fn run(cmd: LeadCmd, ctx: &Ctx, env: &Env) -> Result<()> {
    match cmd {
        LeadCmd::Claim(a) => {
            let o = app::claim(
                ctx,
                Claim {
                    sales: a.sales,
                    name: a.name,
                    phone: a.phone,
                    company: a.company,
                    nominee: a.nominee,
                    note: a.note,
                },
            )?;
            done(ctx, o, true)
        }
        LeadCmd::Release(a) => {
            let o = super::confirm::run(
                ctx,
                env,
                |c| app::release(c, &a.id, &a.reason),
                |o| o.message.clone(),
            )?;
            done(ctx, o, false)
        }
        LeadCmd::Expire => {
            let e = app::expire(ctx)?;
            let ids: Vec<&str> = e.expired.iter().map(|l| l.id.as_str()).collect();
            // The log line names the leads that went public; the table
            // behind it (--verbose) and the CSV are the whole public pool.
            super::cron::finish(
                ctx,
                env,
                super::cron::JobRun {
                    job: "lead expire",
                    changed: ids.len(),
                    detail: format!("now public: {}", ids.join(", ")),
                    details: pool_listing(&e.pool),
                    files: &e.files,
                },
            )
        }
        LeadCmd::Log(a) => {
            let (f, files) = app::log(ctx, &a.id, a.kind, &a.note, a.next)?;
            let next = f
                .next
                .map(|n| format!("; next step {n}"))
                .unwrap_or_default();
            report(
                ctx,
                &format!(
                    "{}: {} logged for {}{next}",
                    f.lead,
                    f.kind.as_str(),
                    f.sales
                ),
                &files,
            );
            Ok(())
        }
        LeadCmd::Convert(a) => {
            let c = app::convert(ctx, &a.id, a.paid, a.approve)?;
            report(ctx, &c.message, &c.files);
            out(output::print_line(&c.member.id))
        }
        LeadCmd::Dispute(a) => done(ctx, app::dispute(ctx, &a.id, &a.by, &a.note)?, false),
        LeadCmd::Arbitrate(a) => done(ctx, app::arbitrate(ctx, &a.id, &a.winner, &a.note)?, false),
        LeadCmd::List(a) => {
            let leads = app::list(
                ctx,
                &Filter {
                    sales: a.sales,
                    status: a.status,
                    expiring_within: a.expiring_within,
                },
            )?;
            out(output::print(&listing(&leads, ctx), env.format))
        }
        LeadCmd::Show(a) => show(app::show(ctx, &a.id)?, env.format),
        LeadCmd::Pool => out(output::print(&pool_listing(&app::pool(ctx)?), env.format)),
    }
}

fn done(ctx: &Ctx, o: Outcome, print_id: bool) -> Result<()> {
    report(ctx, &o.message, &o.files);
    if print_id {
        out(output::print_line(&o.lead.id))?;
    }
    Ok(())
}

fn listing(leads: &[Lead], ctx: &Ctx) -> Listing {
    let mut l = Listing::new(&[
        "id",
        "name",
        "phone",
        "company",
        "nominee",
        "owner",
        "status",
        "claimed",
        "until",
        "days_left",
        "since",
        "member",
    ]);
    for x in leads {
        let left = if x.status == LeadStatus::Live {
            Cell::Int((x.until - ctx.today).num_days() + 1)
        } else {
            Cell::from("")
        };
        l.push(vec![
            Cell::from(x.id.as_str()),
            Cell::from(x.name.as_str()),
            Cell::from(x.phone.as_str()),
            Cell::from(x.company.as_str()),
            Cell::from(x.nominee.as_str()),
            Cell::from(x.owner.as_str()),
            Cell::from(x.status.as_str()),
            Cell::from(x.claimed.to_string()),
            Cell::from(x.until.to_string()),
            left,
            Cell::from(x.since.to_string()),
            Cell::from(x.member.as_str()),
        ]);
    }
    l
}

/// The public list the secretary publishes.
fn pool_listing(leads: &[Lead]) -> Listing {
    let mut l = Listing::new(&[
        "id",
        "name",
        "phone",
        "company",
        "nominee",
        "public_since",
        "last_owner",
    ]);
    for x in leads {
        l.push(vec![
            Cell::from(x.id.as_str()),
            Cell::from(x.name.as_str()),
            Cell::from(x.phone.as_str()),
            Cell::from(x.company.as_str()),
            Cell::from(x.nominee.as_str()),
            Cell::from(x.since.to_string()),
            Cell::from(x.owner.as_str()),
        ]);
    }
    l
}

fn show(p: Profile, format: Format) -> Result<()> {
    let x = &p.lead;
    let fields: Vec<(&'static str, Cell)> = vec![
        ("id", Cell::from(x.id.as_str())),
        ("name", Cell::from(x.name.as_str())),
        ("phone", Cell::from(x.phone.as_str())),
        ("company", Cell::from(x.company.as_str())),
        ("nominee", Cell::from(x.nominee.as_str())),
        ("owner", Cell::from(x.owner.as_str())),
        ("status", Cell::from(x.status.as_str())),
        ("claimed", Cell::from(x.claimed.to_string())),
        ("until", Cell::from(x.until.to_string())),
        ("since", Cell::from(x.since.to_string())),
        ("member", Cell::from(x.member.as_str())),
        ("shared_with", Cell::from(x.shared_with.as_str())),
        ("note", Cell::from(x.note.as_str())),
    ];
    let mut history = Listing::new(&["date", "event", "sales", "other", "note", "operator"]);
    for e in &p.events {
        history.push(vec![
            Cell::from(e.date.to_string()),
            Cell::from(e.kind.as_str()),
            Cell::from(e.sales.as_str()),
            Cell::from(e.other.as_str()),
            Cell::from(e.note.as_str()),
            Cell::from(e.operator.as_str()),
        ]);
    }
    let mut follow = Listing::new(&["date", "kind", "note", "next", "sales", "operator"]);
    for f in &p.follow_ups {
        follow.push(vec![
            Cell::from(f.date.to_string()),
            Cell::from(f.kind.as_str()),
            Cell::from(f.note.as_str()),
            Cell::from(f.next),
            Cell::from(f.sales.as_str()),
            Cell::from(f.operator.as_str()),
        ]);
    }
    out(output::print_record(
        &RecordView {
            fields,
            parts: vec![
                ("history:", "history", history),
                ("follow-ups:", "follow_ups", follow),
            ],
            csv: CsvShape::Fields,
        },
        format,
    ))
}

/// `report sales`: per salesperson, for a month, an ISO week or a day.
pub fn sales_report(a: SalesArgs, ctx: &Ctx, env: &Env) -> Result<()> {
    let period = match (a.month, a.week, a.day) {
        (Some(m), _, _) => Period::month(&m)?,
        (_, Some(w), _) => Period::week(&w)?,
        (_, _, Some(d)) => Period::day(d),
        _ => Period::month_of(ctx.today),
    };
    let rows = app::sales_report(ctx, &period)?;
    output::say(&Msg::SalesHeading.fill(&[
        ("period", &period.label),
        ("start", &period.start),
        ("end", &period.end),
    ]));
    out(output::print(&sales_listing(&period, &rows), env.format))
}

fn sales_listing(period: &Period, rows: &[SalesRow]) -> Listing {
    let mut l = Listing::new(&[
        "period",
        "sales",
        "name",
        "live",
        "claimed",
        "follow_ups",
        "converted",
        "released",
        "expired",
        "conversion_rate_pct",
        "direct_deals",
        "dues",
        "commission",
    ]);
    for r in rows {
        // A percentage with two decimals, like every rate of the reports
        // (docs/output.md): a number in CSV, a decimal string in JSON.
        let rate = r
            .conversion_permille()
            .map_or(Cell::Null, |p| Cell::Money(Cents(i64::from(p) * 10)));
        l.push(vec![
            Cell::from(period.label.as_str()),
            Cell::from(r.sales.as_str()),
            Cell::from(r.name.as_str()),
            Cell::Int(i64::from(r.live)),
            Cell::Int(i64::from(r.claimed)),
            Cell::Int(i64::from(r.follow_ups)),
            Cell::Int(i64::from(r.converted)),
            Cell::Int(i64::from(r.released)),
            Cell::Int(i64::from(r.expired)),
            rate,
            Cell::Int(i64::from(r.direct)),
            Cell::Money(r.dues),
            Cell::Money(r.commission),
        ]);
    }
    l
}
