//! `clubctl event ...`

use super::lang::Msg;
use super::output::{self, Cell, CsvShape, Format, Listing, RecordView};
use super::{out, report, Env};
use crate::app::event::{self as app, Notice};
use crate::app::Ctx;
use crate::domain::event::{EventKind, Pay, Plan};
use crate::domain::event_report::{hundredths, tenths, EventFigures};
use crate::domain::period::Period;
use crate::domain::Cents;
use crate::error::Result;
use chrono::NaiveDate;
use clap::{Args, Subcommand};

#[derive(Debug, Subcommand)]
pub enum EventCmd {
    /// Plan an event; prints the new id (E0001).
    Plan(PlanArgs),
    /// Register a member: a place while there is room, else the wait-list.
    /// Prints `registered` or `waitlisted`.
    Register(RegisterArgs),
    /// Withdraw a registration: the fee is refunded by the [events] rule
    /// and the first wait-listed member takes the place (their id is printed).
    Unregister(PairArgs),
    /// Record attendance and grant the event's points once; a member who
    /// did not register walks in if there is room.
    Checkin(CheckinArgs),
    /// A satisfaction score from a member who came; a second replaces the first.
    Feedback(FeedbackArgs),
    /// The event is over: record its actual cost; the wait-list is refunded.
    Close(CloseArgs),
    /// Call the event off: every registered member is refunded and listed
    /// (CSV with phones, for the SMS tool).
    Cancel(CancelArgs),
    /// List events by date.
    List(ListArgs),
    /// One event: details, roster, wait-list, attendance, satisfaction, cost.
    Show(EventArg),
    /// Members who may come and have not registered, with phones.
    Invite(EventArg),
}

#[derive(Debug, Args)]
pub struct PlanArgs {
    #[arg(long)]
    pub title: String,
    /// First day of the event.
    #[arg(value_parser = crate::domain::bounds::parse_date, long, value_name = "YYYY-MM-DD")]
    pub date: NaiveDate,
    /// Last day of a multi-day event.
    #[arg(value_parser = crate::domain::bounds::parse_date, long, value_name = "YYYY-MM-DD")]
    pub end: Option<NaiveDate>,
    #[arg(long, value_enum, default_value_t = EventKind::Social)]
    pub kind: EventKind,
    #[arg(long, default_value = "")]
    pub location: String,
    /// Places (default: no limit).
    #[arg(value_parser = crate::domain::bounds::parse_capacity, long)]
    pub capacity: Option<u32>,
    /// Budget in yuan.
    #[arg(value_parser = crate::domain::bounds::parse_amount, long, value_name = "AMOUNT", default_value = "0")]
    pub budget: Cents,
    /// Fee each member pays on registering, in yuan.
    #[arg(value_parser = crate::domain::bounds::parse_amount, long, value_name = "AMOUNT", default_value = "0")]
    pub fee: Cents,
    /// Only this tier and above (tier order is the order of [[tiers]]).
    #[arg(long, value_name = "TIER", default_value = "")]
    pub min_tier: String,
    /// Points granted on check-in.
    #[arg(value_parser = crate::domain::bounds::parse_points, long, default_value_t = 0)]
    pub points: i64,
    /// Allow a date in the past, to record an event already held.
    #[arg(long)]
    pub backfill: bool,
}

#[derive(Debug, Args)]
pub struct EventArg {
    /// Event id, e.g. E0001.
    pub event: String,
}

#[derive(Debug, Args)]
pub struct PairArgs {
    /// Event id, e.g. E0001.
    pub event: String,
    /// Member id, e.g. M000012.
    pub member: String,
}

#[derive(Debug, Args)]
pub struct RegisterArgs {
    /// Event id, e.g. E0001.
    pub event: String,
    /// Member id, e.g. M000012.
    pub member: String,
    /// How the fee is paid: from the member's wallet, or cash at the desk.
    #[arg(long, value_enum, default_value_t = Pay::Cash)]
    pub pay: Pay,
}

#[derive(Debug, Args)]
pub struct CheckinArgs {
    /// Event id, e.g. E0001.
    pub event: String,
    /// Member id (M000012) or the number of the card presented (VIP000012).
    pub member: String,
    /// How a walk-in pays the fee.
    #[arg(long, value_enum, default_value_t = Pay::Cash)]
    pub pay: Pay,
}

#[derive(Debug, Args)]
pub struct FeedbackArgs {
    /// Event id, e.g. E0001.
    pub event: String,
    /// Member id, e.g. M000012.
    pub member: String,
    /// 1 (poor) to 5 (excellent).
    #[arg(long, value_parser = clap::value_parser!(u8).range(1..=5))]
    pub score: u8,
    #[arg(long, default_value = "")]
    pub comment: String,
}

#[derive(Debug, Args)]
pub struct CloseArgs {
    /// Event id, e.g. E0001.
    pub event: String,
    /// Actual cost in yuan.
    #[arg(value_parser = crate::domain::bounds::parse_amount, long, value_name = "AMOUNT")]
    pub cost: Cents,
}

#[derive(Debug, Args)]
pub struct CancelArgs {
    /// Event id, e.g. E0001.
    pub event: String,
    /// Why: kept on the event and in the audit trail.
    #[arg(long)]
    pub reason: String,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Only events on days of this month.
    #[arg(long, value_name = "YYYY-MM")]
    pub month: Option<Period>,
    /// Only planned events that have not ended.
    #[arg(long)]
    pub upcoming: bool,
}

pub fn run(cmd: EventCmd, ctx: &Ctx, env: &Env) -> Result<()> {
    match cmd {
        EventCmd::Plan(a) => {
            let p = Plan {
                title: a.title,
                kind: a.kind,
                date: a.date,
                end: a.end,
                location: a.location,
                capacity: a.capacity,
                budget: a.budget,
                fee: a.fee,
                min_tier: a.min_tier.trim().to_string(),
                points: a.points,
                backfill: a.backfill,
            };
            let (id, o) = app::plan(ctx, p)?;
            report(ctx, &o.message, &o.files);
            out(output::print_line(&id))
        }
        EventCmd::Register(a) => {
            let r = app::register(ctx, &a.event, &a.member, a.pay)?;
            report(ctx, &r.outcome.message, &r.outcome.files);
            out(output::print_line(r.registration.status.as_str()))
        }
        EventCmd::Unregister(a) => {
            let u = app::unregister(ctx, &a.event, &a.member)?;
            report(ctx, &u.outcome.message, &u.outcome.files);
            match u.promoted {
                Some(m) => out(output::print_line(&m.id)),
                None => Ok(()),
            }
        }
        EventCmd::Checkin(a) => {
            let o = app::checkin(ctx, &a.event, &a.member, a.pay)?;
            report(ctx, &o.message, &o.files);
            Ok(())
        }
        EventCmd::Feedback(a) => {
            let o = app::feedback(ctx, &a.event, &a.member, a.score, &a.comment)?;
            report(ctx, &o.message, &o.files);
            Ok(())
        }
        EventCmd::Close(a) => {
            let (o, notices) = app::close(ctx, &a.event, a.cost)?;
            report(ctx, &o.message, &o.files);
            if notices.is_empty() {
                return Ok(());
            }
            out(output::print(&notice_listing(&notices), env.format))
        }
        EventCmd::Cancel(a) => {
            let (o, notices) = super::confirm::run(
                ctx,
                env,
                |c| app::cancel(c, &a.event, &a.reason),
                |(o, _)| o.message.clone(),
            )?;
            report(ctx, &o.message, &o.files);
            // The list is for the SMS tool: CSV unless JSON was asked for.
            let format = match env.format {
                Format::Json => Format::Json,
                _ => Format::Csv,
            };
            out(output::print(&notice_listing(&notices), format))
        }
        EventCmd::List(a) => {
            let events = app::list(ctx, a.month, a.upcoming)?;
            let mut l = Listing::new(&[
                "id",
                "date",
                "end",
                "title",
                "kind",
                "location",
                "status",
                "capacity",
                "registered",
                "waitlisted",
                "attended",
                "fee",
                "min_tier",
                "points",
            ]);
            for (e, f) in &events {
                l.push(vec![
                    Cell::from(e.id.as_str()),
                    Cell::from(e.date.to_string()),
                    Cell::from(e.end),
                    Cell::from(e.title.as_str()),
                    Cell::from(e.kind.as_str()),
                    Cell::from(e.location.as_str()),
                    Cell::from(e.status.as_str()),
                    capacity(e.capacity),
                    Cell::Int(i64::from(f.registrations)),
                    Cell::Int(i64::from(f.waitlisted)),
                    Cell::Int(i64::from(f.attended)),
                    Cell::Money(e.fee),
                    Cell::from(e.min_tier.as_str()),
                    Cell::Int(e.points),
                ]);
            }
            out(output::print(&l, env.format))
        }
        EventCmd::Show(a) => show(app::show(ctx, &a.event)?, env.format),
        EventCmd::Invite(a) => {
            let (e, members) = app::invite(ctx, &a.event)?;
            output::say(&Msg::EventInvite.fill(&[
                ("event", &e.id),
                ("n", &members.len()),
                ("title", &e.title),
                ("date", &e.date),
            ]));
            let mut l = Listing::new(&["member", "name", "phone", "tier", "status"]);
            for m in &members {
                l.push(vec![
                    Cell::from(m.id.as_str()),
                    Cell::from(m.name.as_str()),
                    Cell::from(m.phone.as_str()),
                    Cell::from(m.tier.as_str()),
                    Cell::from(m.status.as_str()),
                ]);
            }
            out(output::print(&l, env.format))
        }
    }
}

fn capacity(c: Option<u32>) -> Cell {
    match c {
        Some(n) => Cell::Int(i64::from(n)),
        None => Cell::from(""),
    }
}

fn notice_listing(notices: &[Notice]) -> Listing {
    let mut l = Listing::new(&["member", "name", "phone", "was", "refund"]);
    for n in notices {
        l.push(vec![
            Cell::from(n.member.id.as_str()),
            Cell::from(n.member.name.as_str()),
            Cell::from(n.member.phone.as_str()),
            Cell::from(n.was.as_str()),
            Cell::Money(n.refund),
        ]);
    }
    l
}

/// Attendance as `75.0%`, blank without registrations.
pub fn rate(f: &EventFigures) -> Cell {
    Cell::from(f.attendance_permille().map(|v| format!("{}%", tenths(v))))
}

/// Average satisfaction as `4.50`, blank without scores.
pub fn satisfaction(f: &EventFigures) -> Cell {
    Cell::from(f.satisfaction_hundredths().map(hundredths))
}

fn show(v: app::EventView, format: Format) -> Result<()> {
    let e = &v.event;
    let f = &v.figures;
    let fields: Vec<(&'static str, Cell)> = vec![
        ("id", Cell::from(e.id.as_str())),
        ("title", Cell::from(e.title.as_str())),
        ("kind", Cell::from(e.kind.as_str())),
        ("date", Cell::from(e.date.to_string())),
        ("end", Cell::from(e.end)),
        ("location", Cell::from(e.location.as_str())),
        ("status", Cell::from(e.status.as_str())),
        ("reason", Cell::from(e.reason.as_str())),
        ("capacity", capacity(e.capacity)),
        ("min_tier", Cell::from(e.min_tier.as_str())),
        ("fee", Cell::Money(e.fee)),
        ("points", Cell::Int(e.points)),
        ("registered", Cell::Int(i64::from(f.registrations))),
        ("waitlisted", Cell::Int(i64::from(f.waitlisted))),
        ("attended", Cell::Int(i64::from(f.attended))),
        ("walk_ins", Cell::Int(i64::from(f.walk_ins))),
        ("attendance_rate", rate(f)),
        ("scores", Cell::Int(i64::from(f.scores))),
        ("satisfaction", satisfaction(f)),
        ("budget", Cell::Money(e.budget)),
        ("cost", Cell::from(e.cost)),
        (
            "over_budget",
            match e.cost {
                Some(_) => Cell::Money(f.variance()),
                None => Cell::from(""),
            },
        ),
        ("fees_net", Cell::Money(f.fees)),
    ];
    let mut roster = Listing::new(&[
        "seq", "member", "name", "phone", "status", "paid", "pay", "refunded", "attended",
        "walk_in", "score", "comment",
    ]);
    for (r, m) in &v.roster {
        roster.push(vec![
            Cell::Int(i64::from(r.seq)),
            Cell::from(r.member.as_str()),
            Cell::from(m.as_ref().map(|m| m.name.clone())),
            Cell::from(m.as_ref().map(|m| m.phone.clone())),
            Cell::from(r.status.as_str()),
            Cell::Money(r.paid),
            Cell::from(if r.paid.0 > 0 { r.pay.as_str() } else { "" }),
            Cell::Money(r.refunded),
            Cell::from(r.attended),
            Cell::Bool(r.walk_in),
            match r.score {
                Some(s) => Cell::Int(i64::from(s)),
                None => Cell::from(""),
            },
            Cell::from(r.comment.as_str()),
        ]);
    }
    // CSV is one shape: the roster, one row per registration.
    out(output::print_record(
        &RecordView {
            fields,
            parts: vec![(
                "roster (sign-up order; the wait-list is served first come):",
                "roster",
                roster,
            )],
            csv: CsvShape::Part(0),
        },
        format,
    ))
}
