//! `clubctl rules ...`: prove the rules with golden cases, and see what a
//! candidate club.toml would change before it is put in place.

use super::lang::Msg;
use super::output::{self, Cell, Listing};
use super::{out, Env};
use crate::app::rules as app;
use crate::app::Ctx;
use crate::domain::cases::Checked;
use crate::error::{Error, Result};
use clap::{Args, Subcommand};
use std::path::PathBuf;

#[derive(Debug, Subcommand)]
pub enum RulesCmd {
    /// Run the golden cases ([[case]] in club.toml): exit 0 when every one
    /// holds, 4 naming each that fails and what the rules gave instead.
    Test,
    /// What a candidate club.toml would change, today and over the next
    /// days: tier and status moves, lapsing points, lead cap, events, and
    /// every changed setting. Writes nothing.
    Diff(DiffArgs),
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The candidate rules file.
    pub file: PathBuf,
    /// List each member whose outcome differs instead of the counts.
    #[arg(long)]
    pub members: bool,
    /// How many days ahead to look.
    #[arg(long, default_value_t = 30)]
    pub days: u32,
}

fn cases_listing(cases: &[Checked]) -> Listing {
    let mut l = Listing::new(&["case", "kind", "expect", "got", "result"]);
    for c in cases {
        l.push(vec![
            Cell::from(c.name.as_str()),
            Cell::from(c.kind.as_str()),
            Cell::from(c.expect.as_str()),
            Cell::from(c.got.as_str()),
            Cell::from(if c.holds { "ok" } else { "FAIL" }),
        ]);
    }
    l
}

/// The refusal for failing cases: each with what it got.
fn failures(cases: &[Checked], file: &str) -> Option<Error> {
    let failed: Vec<String> = cases
        .iter()
        .filter(|c| !c.holds)
        .map(|c| {
            format!(
                "'{}' expects {}, got {} (see {})",
                c.name,
                c.expect,
                c.got,
                c.kind.settings()
            )
        })
        .collect();
    if failed.is_empty() {
        return None;
    }
    Some(Error::Refused(format!(
        "{} of {} golden cases in {file} fail: {}; change the setting back, or update the case if the new outcome is meant",
        failed.len(),
        cases.len(),
        failed.join("; ")
    )))
}

pub fn run(cmd: RulesCmd, ctx: &Ctx, env: &Env) -> Result<()> {
    match cmd {
        RulesCmd::Test => {
            let cases = app::test(ctx)?;
            if cases.is_empty() {
                output::say(Msg::RulesNoCases.text());
                return Ok(());
            }
            out(output::print(&cases_listing(&cases), env.format))?;
            match failures(&cases, "club.toml") {
                Some(e) => Err(e),
                None => {
                    output::say(&Msg::RulesCasesHold.fill(&[("n", &cases.len())]));
                    Ok(())
                }
            }
        }
        RulesCmd::Diff(a) => {
            let c = app::diff(ctx, &a.file, a.days)?;
            let d = &c.diff;
            if d.is_empty() {
                output::say(&Msg::RulesDiffNone.fill(&[("days", &a.days)]));
            } else if a.members {
                let mut l = Listing::new(&["when", "change", "member", "current", "candidate"]);
                for m in &d.moves {
                    l.push(vec![
                        Cell::from(m.when.to_string()),
                        Cell::from(m.what),
                        Cell::from(m.member.as_str()),
                        Cell::from(m.current.as_str()),
                        Cell::from(m.candidate.as_str()),
                    ]);
                }
                out(output::print(&l, env.format))?;
            } else {
                let mut l = Listing::new(&["when", "change", "current", "candidate", "count"]);
                for x in &d.lines {
                    l.push(vec![
                        Cell::from(x.when),
                        Cell::from(x.what.as_str()),
                        Cell::from(x.current.as_str()),
                        Cell::from(x.candidate.as_str()),
                        x.count.map_or(Cell::Null, Cell::Int),
                    ]);
                }
                out(output::print(&l, env.format))?;
            }
            let file = a.file.display().to_string();
            match failures(&c.cases, &file) {
                Some(Error::Refused(msg)) => {
                    output::say(&Msg::RulesDiffCasesFail.fill(&[("message", &msg)]));
                }
                _ if !c.cases.is_empty() => {
                    output::say(&Msg::RulesCasesHold.fill(&[("n", &c.cases.len())]))
                }
                _ => {}
            }
            Ok(())
        }
    }
}
