//! `clubctl report ...`

use super::event::{rate, satisfaction};
use super::output::{self, Cell, Listing};
use super::{out, Env};
use crate::app::event as events;
use crate::app::Ctx;
use crate::domain::event::Month;
use crate::domain::event_report::{EventFigures, EventsReport};
use crate::error::Result;
use clap::{Args, Subcommand};

#[derive(Debug, Subcommand)]
pub enum ReportCmd {
    /// Events held, registrations, attendance rate, satisfaction, cost and
    /// budget, per event and in total.
    Events(EventsArgs),
    /// Per salesperson: leads, follow-ups, deals, dues and commission.
    Sales(super::lead::SalesArgs),
}

#[derive(Debug, Args)]
pub struct EventsArgs {
    /// Only events on days of this month (default: every event).
    #[arg(long, value_name = "YYYY-MM")]
    pub month: Option<Month>,
}

pub fn run(cmd: ReportCmd, ctx: &Ctx, env: &Env) -> Result<()> {
    match cmd {
        ReportCmd::Events(a) => {
            let r = events::report(ctx, a.month)?;
            out(output::print(&events_listing(&r), env.format))
        }
        ReportCmd::Sales(a) => super::lead::sales_report(a, ctx, env),
    }
}

const EVENT_HEADERS: &[&str] = &[
    "event",
    "date",
    "title",
    "status",
    "held",
    "capacity",
    "registrations",
    "waitlisted",
    "attended",
    "walk_ins",
    "attendance_rate",
    "scores",
    "satisfaction",
    "budget",
    "cost",
    "over_budget",
    "fees_net",
];

fn figures(f: &EventFigures) -> Vec<Cell> {
    vec![
        Cell::Int(i64::from(f.held)),
        Cell::Int(i64::from(f.registrations)),
        Cell::Int(i64::from(f.waitlisted)),
        Cell::Int(i64::from(f.attended)),
        Cell::Int(i64::from(f.walk_ins)),
        rate(f),
        Cell::Int(i64::from(f.scores)),
        satisfaction(f),
        Cell::Money(f.budget),
        Cell::Money(f.cost),
        Cell::Money(f.variance()),
        Cell::Money(f.fees),
    ]
}

/// One row per event and a `total` row; the same columns in every format.
pub fn events_listing(r: &EventsReport) -> Listing {
    let mut l = Listing::new(EVENT_HEADERS);
    for row in &r.rows {
        let mut cells = vec![
            Cell::from(row.id.as_str()),
            Cell::from(row.date.to_string()),
            Cell::from(row.title.as_str()),
            Cell::from(row.status.as_str()),
        ];
        let f = figures(&row.figures);
        cells.push(f[0].clone());
        cells.push(match row.capacity {
            Some(c) => Cell::Int(i64::from(c)),
            None => Cell::from(""),
        });
        cells.extend(f.into_iter().skip(1));
        l.push(cells);
    }
    let mut cells = vec![
        Cell::from("total"),
        Cell::from(r.month.map(|m| m.to_string())),
        Cell::from(format!("{} events", r.total.events)),
        Cell::from(""),
    ];
    let f = figures(&r.total);
    cells.push(f[0].clone());
    cells.push(Cell::from(""));
    cells.extend(f.into_iter().skip(1));
    l.push(cells);
    l
}
