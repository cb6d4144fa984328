//! `clubctl report ...`

use super::event::{rate, satisfaction};
use super::lang::{self, Msg};
use super::output::{self, Cell, Listing};
use super::{out, Env};
use crate::app::event as events;
use crate::app::report as reports;
use crate::app::Ctx;
use crate::domain::event_report::{EventFigures, EventsReport};
use crate::domain::period::{Period, Span};
use crate::domain::report::{PeriodReport, Value};
use crate::domain::Cents;
use crate::error::Result;
use clap::{Args, Subcommand};
use output::Format;

#[derive(Debug, Subcommand)]
pub enum ReportCmd {
    /// The month's figures (members, activity, points, leads, events) beside
    /// the month before or --compare.
    Monthly(MonthlyArgs),
    /// The quarter's figures beside the quarter before or --compare.
    Quarterly(QuarterlyArgs),
    /// The year's figures beside the year before or --compare.
    Yearly(YearlyArgs),
    /// The member department's scorecard from [kpi] in club.toml.
    Kpi(KpiArgs),
    /// Events held, registrations, attendance rate, satisfaction, cost and
    /// budget, per event and in total.
    Events(EventsArgs),
    /// Per salesperson: leads, follow-ups, deals, dues and commission.
    Sales(super::lead::SalesArgs),
    /// Outstanding points by the month they lapse (the points liability);
    /// lapsed points not yet written off by `points expire` come first.
    PointsAging,
}

#[derive(Debug, Args)]
pub struct CompareArgs {
    /// Put this earlier period beside the report instead of the previous one
    /// (a month, quarter or year like the report's).
    #[arg(long, value_name = "PERIOD")]
    pub compare: Option<String>,
    /// With --format csv: leave out the header row, to append to a file.
    #[arg(long)]
    pub no_header: bool,
}

#[derive(Debug, Args)]
pub struct MonthlyArgs {
    /// The month (default: the month of --today, to date).
    #[arg(long, value_name = "YYYY-MM")]
    pub month: Option<String>,
    #[command(flatten)]
    pub opts: CompareArgs,
    /// Also write a one-page SVG chart of the twelve months ending with the
    /// month: members, activity rate, points earned and redeemed, tier mix.
    #[arg(long, value_name = "FILE.svg")]
    pub chart: Option<std::path::PathBuf>,
    /// Replace the chart file if it exists.
    #[arg(long, requires = "chart")]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct QuarterlyArgs {
    /// The quarter (default: the quarter of --today, to date).
    #[arg(long, value_name = "YYYY-Qn")]
    pub quarter: Option<String>,
    #[command(flatten)]
    pub opts: CompareArgs,
}

#[derive(Debug, Args)]
pub struct YearlyArgs {
    /// The year (default: the year of --today, to date).
    #[arg(long, value_name = "YYYY")]
    pub year: Option<String>,
    #[command(flatten)]
    pub opts: CompareArgs,
}

#[derive(Debug, Args)]
pub struct KpiArgs {
    /// The month (default: the month of --today, to date).
    #[arg(long, value_name = "YYYY-MM")]
    pub month: Option<String>,
}

#[derive(Debug, Args)]
pub struct EventsArgs {
    /// Only events on days of this month (default: every event).
    #[arg(long, value_name = "YYYY-MM")]
    pub month: Option<Period>,
}

pub fn run(cmd: ReportCmd, ctx: &Ctx, env: &Env) -> Result<()> {
    match cmd {
        ReportCmd::Events(a) => {
            let r = events::report(ctx, a.month)?;
            out(output::print(&events_listing(&r, env.format), env.format))
        }
        ReportCmd::Sales(a) => super::lead::sales_report(a, ctx, env),
        ReportCmd::Monthly(a) => match &a.chart {
            Some(path) => {
                // Refused before the report is computed, when the path is wrong.
                if crate::store::output::inside(&ctx.data, path) {
                    super::chart::write(&ctx.data, path, "", false)?;
                }
                let month = chosen(Span::Month, a.month.clone(), ctx)?;
                let compare = compared(Span::Month, &a.opts)?;
                // The chart speaks the run's language (--lang, else club.toml).
                let (other, months) =
                    reports::month_with_history(ctx, &month, compare, &reading_bar())?;
                let svg = super::chart::render(&months, lang::current())?;
                super::chart::write(&ctx.data, path, &svg, a.force)?;
                output::say(&Msg::ChartWritten.fill(&[("path", &path.display())]));
                let r = months.last().ok_or_else(|| {
                    crate::error::Error::Failure("internal: no month reported".into())
                })?;
                render_period(r, &other, &a.opts, env)
            }
            None => period_report(Span::Month, a.month, a.opts, ctx, env),
        },
        ReportCmd::Quarterly(a) => period_report(Span::Quarter, a.quarter, a.opts, ctx, env),
        ReportCmd::Yearly(a) => period_report(Span::Year, a.year, a.opts, ctx, env),
        ReportCmd::Kpi(a) => kpi(a, ctx, env),
        ReportCmd::PointsAging => {
            let rows = crate::app::report::points_aging(ctx)?;
            let mut l = Listing::new(&["expires", "points", "members"]);
            let mut points = 0;
            for r in &rows {
                points += r.points;
                l.push(vec![
                    Cell::from(r.expires.as_str()),
                    Cell::Int(r.points),
                    Cell::Int(r.members as i64),
                ]);
            }
            // A member can hold points lapsing in several months, so the
            // member column has no total.
            l.push(vec![
                Cell::from(label(Msg::Total, env.format)),
                Cell::Int(points),
                Cell::Null,
            ]);
            out(output::print(&l, env.format))
        }
    }
}

/// The period given, else today's; when today's holds no activity yet
/// (the 1st of a month, a sample club), the last one that does, said on
/// standard error.
fn chosen(span: Span, given: Option<String>, ctx: &Ctx) -> Result<Period> {
    if let Some(s) = given {
        return Ok(Period::parse(span, &s)?);
    }
    let (period, fell_back) = Period::default_for(span, ctx.today, reports::last_activity(ctx)?);
    if fell_back {
        output::say(&Msg::PeriodFallback.fill(&[
            ("today", &Period::of(span, ctx.today).label),
            ("label", &period.label),
        ]));
    }
    Ok(period)
}

fn heading(r: &PeriodReport) -> String {
    Msg::PeriodHeading.fill(&[
        ("label", &r.period.label),
        ("start", &r.period.start),
        ("end", &r.last_day),
    ])
}

/// A label cell's text: the stable English identifier in CSV and JSON, the
/// run's language in a table.
fn label(m: Msg, format: Format) -> &'static str {
    match format {
        Format::Table => m.text(),
        _ => m.text_in(lang::Lang::En),
    }
}

fn value_cell(v: Option<Value>) -> Cell {
    match v {
        Some(Value::Count(n)) => Cell::Int(n),
        Some(Value::Money(c)) => Cell::Money(c),
        Some(Value::Rate(Some(v)) | Value::Score(Some(v))) => Cell::Money(Cents(v)),
        Some(Value::Rate(None) | Value::Score(None)) | None => Cell::Null,
    }
}

/// The table and JSON shape: each figure beside the other period's and the
/// change (percentage points for rates). Section and measure are the
/// English identifiers, or in a table (`for_people`) labels in the run's
/// language.
fn side_by_side(r: &PeriodReport, other: &PeriodReport, for_people: bool) -> Listing {
    let mut l = Listing::new(&["section", "measure", "value", "previous", "change"]);
    let earlier = other.figures();
    for f in r.figures() {
        let o = earlier
            .iter()
            .find(|o| o.section == f.section && o.measure == f.measure)
            .map(|o| o.value);
        let (section, measure) = if for_people {
            (
                lang::section(f.section),
                lang::measure(f.section, &f.measure),
            )
        } else {
            (f.section.to_string(), f.measure.clone())
        };
        l.push(vec![
            Cell::from(section),
            Cell::from(measure),
            value_cell(Some(f.value)),
            value_cell(o),
            value_cell(o.and_then(|o| f.value.change(o))),
        ]);
    }
    l
}

/// The long CSV shape, `period,section,measure,value`: the same columns for
/// any period, so months concatenate.
fn long(r: &PeriodReport) -> Listing {
    let mut l = Listing::new(&["period", "section", "measure", "value"]);
    for f in r.figures() {
        l.push(vec![
            Cell::from(r.period.label.as_str()),
            Cell::from(f.section),
            Cell::from(f.measure),
            value_cell(Some(f.value)),
        ]);
    }
    l
}

fn period_report(
    span: Span,
    given: Option<String>,
    opts: CompareArgs,
    ctx: &Ctx,
    env: &Env,
) -> Result<()> {
    let period = chosen(span, given, ctx)?;
    let (r, other) = reports::period(ctx, &period, compared(span, &opts)?, &reading_bar())?;
    render_period(&r, &other, &opts, env)
}

/// A progress bar over the bytes a report reads (shown on a terminal
/// only), cleared when the reading is done.
pub fn reading_bar() -> impl Fn(u64, u64) {
    let bar = std::cell::OnceCell::new();
    move |done, total| {
        let b = bar.get_or_init(|| {
            output::progress_bar(total, "reading {bar:40} {bytes}/{total_bytes} ({eta} left)")
        });
        b.set_length(total);
        b.set_position(done);
        if done >= total {
            b.finish_and_clear();
        }
    }
}

/// The period given with --compare, if any.
fn compared(span: Span, opts: &CompareArgs) -> Result<Option<Period>> {
    Ok(opts
        .compare
        .as_ref()
        .map(|c| Period::parse(span, c))
        .transpose()?)
}

/// A period's report beside another, in the chosen format.
fn render_period(
    r: &PeriodReport,
    other: &PeriodReport,
    opts: &CompareArgs,
    env: &Env,
) -> Result<()> {
    match env.format {
        Format::Csv => {
            let mut buf = Vec::new();
            out(output::write_csv(&long(r), &mut buf))?;
            let text = String::from_utf8_lossy(&buf);
            let body = if opts.no_header {
                text.split_once('\n').map_or("", |(_, rest)| rest)
            } else {
                &text
            };
            out(output::print_line(body.trim_end_matches('\n')))
        }
        Format::Table => {
            output::say(&Msg::Beside.fill(&[("this", &heading(r)), ("other", &heading(other))]));
            out(output::print(&side_by_side(r, other, true), Format::Table))
        }
        Format::Json => out(output::print_json(&serde_json::json!({
            "period": r.period.label,
            "start": r.period.start.to_string(),
            "last_day": r.last_day.to_string(),
            "compare": other.period.label,
            "figures": output::json_value(&side_by_side(r, other, false)),
        }))),
    }
}

fn kpi(a: KpiArgs, ctx: &Ctx, env: &Env) -> Result<()> {
    let period = chosen(Span::Month, a.month, ctx)?;
    let (r, lines, total) = reports::kpi(ctx, &period, &reading_bar())?;
    let mut l = Listing::new(&[
        "period",
        "measure",
        "actual",
        "target",
        "attainment_pct",
        "weight",
        "score",
    ]);
    for k in &lines {
        l.push(vec![
            Cell::from(r.period.label.as_str()),
            Cell::from(match env.format {
                Format::Table => lang::measure("kpi", k.measure),
                _ => k.measure.to_string(),
            }),
            k.actual.map_or(Cell::Null, |v| Cell::Money(Cents(v))),
            Cell::Money(Cents(k.target)),
            Cell::Money(Cents(k.attainment)),
            Cell::Int(k.weight),
            Cell::Money(Cents(k.score)),
        ]);
    }
    l.push(vec![
        Cell::from(r.period.label.as_str()),
        Cell::from(label(Msg::Total, env.format)),
        Cell::Null,
        Cell::Null,
        Cell::Null,
        Cell::Int(lines.iter().map(|k| k.weight).sum()),
        Cell::Money(Cents(total)),
    ]);
    if env.format == Format::Table {
        output::say(&Msg::Scorecard.fill(&[("period", &heading(&r))]));
    }
    out(output::print(&l, env.format))
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

/// One row per event and a `total` row; the same columns in every format
/// (the total row's words in the run's language in a table).
pub fn events_listing(r: &EventsReport, format: Format) -> Listing {
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
        Cell::from(label(Msg::Total, format)),
        Cell::from(r.month.as_ref().map(|m| m.to_string())),
        Cell::from(match format {
            Format::Table => Msg::EventsTotal.fill(&[("n", &r.total.events)]),
            _ => lang::fill(
                Msg::EventsTotal.text_in(lang::Lang::En),
                &[("n", &r.total.events)],
            ),
        }),
        Cell::from(""),
    ];
    let f = figures(&r.total);
    cells.push(f[0].clone());
    cells.push(Cell::from(""));
    cells.extend(f.into_iter().skip(1));
    l.push(cells);
    l
}
