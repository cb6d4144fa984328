//! `clubctl init` and `clubctl data ...`

use super::lang::Msg;
use super::output::{Cell, Listing};
use super::{output, Env};
use crate::app::data as app;
use crate::app::Ctx;
use crate::error::{Error, Result};
use clap::{Args, Subcommand};
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct InitArgs {
    /// The new data directory (must not exist, or be empty).
    pub dir: PathBuf,
    /// The club's name, written into club.toml.
    #[arg(long)]
    pub name: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum DataCmd {
    /// Validate every file: headers, versions, rows, ids, references, dates.
    Check,
    /// Move torn journal lines aside into .rejected files.
    Repair,
    /// Rebuild every index (index/) from its table: what data check
    /// advises when an index is missing or differs.
    Reindex,
    /// Convert a data directory written by an earlier clubctl to this
    /// one's format, all or nothing, keeping the old files in
    /// backups/format-N/.
    Migrate,
    /// Create a new data directory holding a simulated club (deterministic
    /// for a seed), for demos, tests and benchmarks.
    Generate(super::generate::GenerateArgs),
    /// Write the month-end closings (月结) reports start from: one for
    /// every month ended since the last. Run it on the 1st from cron.
    Close,
}

pub fn init(a: InitArgs, ctx: &Ctx) -> Result<()> {
    if ctx.dry_run {
        output::say(&Msg::InitDryRun.fill(&[("dir", &a.dir.display())]));
        return Ok(());
    }
    app::init(&a.dir, a.name.as_deref())?;
    output::say(&Msg::InitDone.fill(&[("dir", &a.dir.display())]));
    Ok(())
}

pub fn run(cmd: DataCmd, ctx: &Ctx, env: &Env) -> Result<()> {
    match cmd {
        DataCmd::Generate(a) => super::generate::run(a, ctx, env),
        DataCmd::Check => {
            let problems = app::check(ctx)?;
            if problems.is_empty() {
                output::say(&Msg::CheckPassed.fill(&[("dir", &ctx.data.display())]));
                return Ok(());
            }
            for p in &problems {
                output::say(&p.to_string());
            }
            Err(Error::Data(Msg::CheckFailed.fill(&[
                ("n", &problems.len()),
                ("s", &if problems.len() == 1 { "" } else { "s" }),
                ("dir", &ctx.data.display()),
            ])))
        }
        DataCmd::Close => {
            let closed = crate::app::report::close(ctx, &super::report::reading_bar())?;
            // Quiet like the nightly jobs (see `cron`): nothing closed,
            // nothing printed; else one dated line on standard output.
            let mut l = Listing::new(&["month", "close_of"]);
            for day in &closed {
                l.push(vec![
                    Cell::from(crate::store::closing::name(*day)),
                    Cell::from(day.to_string()),
                ]);
            }
            let months: Vec<String> = closed
                .iter()
                .map(|d| crate::store::closing::name(*d).to_string())
                .collect();
            super::cron::finish(
                ctx,
                env,
                super::cron::JobRun {
                    job: "data close",
                    changed: closed.len(),
                    detail: format!("months {}", months.join(", ")),
                    details: l,
                    files: &[],
                },
            )
        }
        DataCmd::Reindex => {
            let (_, files) = app::reindex(ctx)?;
            if files.is_empty() {
                output::say(Msg::ReindexNothing.text());
            }
            let m = if ctx.dry_run {
                Msg::ReindexWould
            } else {
                Msg::ReindexDone
            };
            if let Some(first) = files.first() {
                output::say(&m.fill(&[
                    ("n", &files.len()),
                    ("s", &if files.len() == 1 { "" } else { "s" }),
                    ("first", first),
                ]));
            }
            Ok(())
        }
        DataCmd::Migrate => {
            let done = app::migrate(ctx)?;
            if done.tables.is_empty() && done.cleaned.is_empty() {
                output::say(&Msg::MigrateNothing.fill(&[("dir", &ctx.data.display())]));
            }
            let table = if ctx.dry_run {
                Msg::MigrateWouldTable
            } else {
                Msg::MigrateTable
            };
            for (file, rows, shards) in &done.tables {
                output::say(&table.fill(&[
                    ("file", file),
                    ("dir", &file.trim_end_matches(".csv")),
                    ("rows", rows),
                    ("shards", shards),
                    ("s", &if *shards == 1 { "" } else { "s" }),
                ]));
            }
            if let Some(backup) = &done.backup {
                output::say(&Msg::MigrateBackup.fill(&[("backup", &backup.display())]));
            }
            for file in &done.cleaned {
                output::say(&Msg::MigrateCleaned.fill(&[("file", file)]));
            }
            Ok(())
        }
        DataCmd::Repair => {
            let moved = app::repair(ctx)?;
            if moved.is_empty() {
                output::say(Msg::RepairNothing.text());
            }
            for (file, line) in moved {
                let m = if ctx.dry_run {
                    Msg::RepairWouldMove
                } else {
                    Msg::RepairMoved
                };
                output::say(&m.fill(&[("file", &file), ("line", &line)]));
            }
            Ok(())
        }
    }
}
