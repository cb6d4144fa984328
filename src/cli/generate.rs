//! `clubctl data generate`: a simulated club for demos, tests and benchmarks.

use super::output::{self, Cell, Listing};
use super::{out, Env};
use crate::app::generate as app;
use crate::app::Ctx;
use crate::error::Result;
use clap::Args;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// The new data directory (must not exist, or be empty).
    pub dir: PathBuf,
    /// How many members apply over the history.
    #[arg(long, value_name = "N")]
    pub members: u32,
    /// Months of history, ending on --today.
    #[arg(long, value_name = "M", default_value_t = 24)]
    pub months: u32,
    /// Seed of the random choices: the same seed, arguments and clubctl
    /// version give byte-identical files.
    #[arg(long, value_name = "S", default_value_t = 1)]
    pub seed: u64,
}

pub fn run(a: GenerateArgs, ctx: &Ctx, env: &Env) -> Result<()> {
    let opts = app::Options {
        members: a.members,
        months: a.months,
        seed: a.seed,
    };
    if ctx.dry_run {
        app::check_options(&opts)?;
        output::say(&format!(
            "dry run: would create {} with {} members over {} months up to {}; nothing was written",
            a.dir.display(),
            a.members,
            a.months,
            ctx.today
        ));
        return Ok(());
    }
    let bar = std::cell::OnceCell::new();
    let progress = |day: u64, days: u64| {
        bar.get_or_init(|| {
            output::progress_bar(days, "simulating days {bar:40} {pos}/{len} ({eta} left)")
        })
        .set_position(day);
    };
    let result = app::generate(&a.dir, ctx.today, &opts, ctx.wait, &ctx.command, &progress);
    if let Some(b) = bar.get() {
        b.finish_and_clear();
    }
    let s = result?;
    output::say(&format!(
        "generated {}: {} members, {} staff, {} cards ({} lost), {} ledger entries, {} audit lines, history {} to {}, {} month-end closings",
        a.dir.display(),
        s.members,
        s.staff,
        s.cards,
        s.lost_cards,
        s.ledger,
        s.audit,
        s.first_day,
        s.last_day,
        s.closings
    ));
    let mut l = Listing::new(&["status", "tier", "members"]);
    for (status, tier, n) in &s.by_status_tier {
        l.push(vec![
            Cell::from(status.as_str()),
            Cell::from(tier.as_str()),
            Cell::Int(*n as i64),
        ]);
    }
    out(output::print(&l, env.format))
}
