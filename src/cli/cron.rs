//! What the nightly and monthly jobs print, so that cron stays quiet.
//!
//! The rule (docs/cron.md): a job that had nothing to do prints nothing; a
//! job that changed something writes one dated line to standard output,
//! `2026-12-01 member sweep: 3 changed (2 grace, 1 expired)`, fit for
//! appending to a log; `--verbose` adds the table of what changed (and a
//! line for a night with nothing to do). Standard error carries only
//! errors, so `MAILTO` mails only failures. `--format csv|json` is for
//! scripts: the listing of changes, header only or `[]` when empty. A dry
//! run always shows its plan.

use super::lang::Msg;
use super::output::{self, Format, Listing};
use super::{out, Env};
use crate::app::Ctx;
use crate::error::Result;

/// What one run of a job did, for its log line.
pub struct JobRun<'a> {
    /// The command as typed: `member sweep`.
    pub job: &'static str,
    /// How many records changed (or would, in a dry run).
    pub changed: usize,
    /// A short breakdown: `2 grace, 1 expired`.
    pub detail: String,
    /// One row per change.
    pub details: Listing,
    pub files: &'a [String],
}

/// Counts of each value in first-seen order: `2 grace, 1 expired`.
pub fn breakdown<'a>(values: impl IntoIterator<Item = &'a str>) -> String {
    let mut counts: Vec<(&str, usize)> = Vec::new();
    for v in values {
        match counts.iter_mut().find(|(k, _)| *k == v) {
            Some((_, n)) => *n += 1,
            None => counts.push((v, 1)),
        }
    }
    counts
        .iter()
        .map(|(k, n)| format!("{n} {k}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The dated log line of a job.
pub fn line(ctx: &Ctx, run: &JobRun) -> String {
    if run.changed == 0 {
        return Msg::CronNothing.fill(&[("date", &ctx.today), ("job", &run.job)]);
    }
    let msg = if ctx.dry_run {
        Msg::CronWouldChange
    } else {
        Msg::CronChanged
    };
    msg.fill(&[
        ("date", &ctx.today),
        ("job", &run.job),
        ("n", &run.changed),
        ("detail", &run.detail),
    ])
}

/// Prints what a job did under the quiet rule above.
pub fn finish(ctx: &Ctx, env: &Env, run: JobRun) -> Result<()> {
    if ctx.dry_run {
        if env.format != Format::Table {
            output::say(&line(ctx, &run));
        }
        if !run.files.is_empty() {
            output::say(&Msg::DryRunWouldChange.fill(&[("files", &run.files.join(", "))]));
        }
    }
    if env.format != Format::Table {
        return out(output::print(&run.details, env.format));
    }
    if run.changed > 0 || env.verbose || ctx.dry_run {
        out(output::print_line(&line(ctx, &run)))?;
    }
    if run.changed > 0 && (env.verbose || ctx.dry_run) {
        out(output::print(&run.details, env.format))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn breakdown_counts_in_first_seen_order() {
        assert_eq!(
            breakdown(["grace", "expired", "grace"]),
            "2 grace, 1 expired"
        );
        assert_eq!(breakdown([]), "");
    }
}
