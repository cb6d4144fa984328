//! `clubctl tier ...`

use super::output::{self, Cell, Listing};
use super::{out, Env};
use crate::app::tier as app;
use crate::app::Ctx;
use crate::error::Result;
use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub enum TierCmd {
    /// Nightly: upgrade whoever qualifies, downgrade one step whoever has
    /// been quiet too long; prints each change with its reason.
    Recompute,
    /// The tier ladder with its rules and how many members sit in each.
    List,
}

pub fn run(cmd: TierCmd, ctx: &Ctx, env: &Env) -> Result<()> {
    match cmd {
        TierCmd::Recompute => {
            let r = app::recompute(ctx)?;
            let mut l = Listing::new(&["member", "from", "to", "reason"]);
            for c in &r.changes {
                l.push(vec![
                    Cell::from(c.member.as_str()),
                    Cell::from(c.from.as_str()),
                    Cell::from(c.to.as_str()),
                    Cell::from(c.reason.as_str()),
                ]);
            }
            let moves: Vec<String> = r
                .changes
                .iter()
                .map(|c| format!("{}→{}", c.from, c.to))
                .collect();
            super::cron::finish(
                ctx,
                env,
                super::cron::JobRun {
                    job: "tier recompute",
                    changed: r.changes.len(),
                    detail: format!(
                        "{}; {} members considered",
                        super::cron::breakdown(moves.iter().map(String::as_str)),
                        r.considered
                    ),
                    details: l,
                    files: &r.files,
                },
            )
        }
        TierCmd::List => {
            let mut l = Listing::new(&[
                "rank",
                "tier",
                "zh",
                "min_spend",
                "min_points",
                "min_visits",
                "multiplier",
                "discount",
                "members",
            ]);
            for (i, (t, n)) in app::list(ctx)?.into_iter().enumerate() {
                l.push(vec![
                    Cell::Int(i as i64),
                    Cell::from(t.name.as_str()),
                    Cell::from(t.zh.as_str()),
                    Cell::Money(t.min_spend),
                    Cell::Int(t.min_points),
                    Cell::Int(i64::from(t.min_visits)),
                    Cell::from(format!("{:.2}", f64::from(t.multiplier))),
                    Cell::Int(i64::from(t.discount)),
                    Cell::Int(n as i64),
                ]);
            }
            out(output::print(&l, env.format))
        }
    }
}
