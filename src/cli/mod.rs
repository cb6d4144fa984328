//! The command line: clap definitions, one module per area, and the glue
//! that turns arguments into an `app` call and its result into output.

pub mod card;
pub mod chart;
pub mod confirm;
pub mod cron;
pub mod data;
pub mod event;
pub mod explain;
pub mod generate;
pub mod import;
pub mod lang;
pub mod lead;
pub mod member;
pub mod output;
pub mod points;
pub mod report;
pub mod rules;
pub mod shell;
pub mod staff;
pub mod tier;
mod values;
pub mod wallet;

use crate::app::Ctx;
use crate::error::{Error, Result};
use chrono::NaiveDate;
use clap::{Parser, Subcommand};
use output::Format;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

/// clubctl: run a membership program from plain files.
///
/// Members, cards, points, stored value, tiers, sales leads and events,
/// kept in a data directory you can open, diff and back up.
#[derive(Debug, Parser)]
#[command(
    name = "clubctl",
    version,
    propagate_version = true,
    max_term_width = 100
)]
pub struct Cli {
    /// The data directory.
    #[arg(long, global = true, env = "CLUBCTL_DATA", default_value = "data")]
    pub data: PathBuf,
    /// The business day every rule uses (default: the clock's date).
    #[arg(value_parser = crate::domain::bounds::parse_day, long, global = true, env = "CLUBCTL_TODAY", value_name = "YYYY-MM-DD")]
    pub today: Option<NaiveDate>,
    /// Who is at the keyboard, for the audit trail (default: login name).
    #[arg(
        long = "as",
        global = true,
        env = "CLUBCTL_OPERATOR",
        value_name = "OPERATOR"
    )]
    pub operator: Option<String>,
    /// Output format of listings.
    #[arg(long, global = true, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Show what would change, and write nothing.
    #[arg(long, global = true)]
    pub dry_run: bool,
    /// Answer yes to confirmations.
    #[arg(long, global = true)]
    pub yes: bool,
    /// Language of headings, labels and messages: en or zh (default:
    /// [club] lang in club.toml). CSV and JSON names stay English.
    #[arg(
        long,
        global = true,
        env = "CLUBCTL_LANG",
        value_parser = lang::LangParser
    )]
    pub lang: Option<lang::Lang>,
    /// Say more: the table behind a cron job's log line, and a line for a
    /// job that had nothing to do.
    #[arg(long, global = true)]
    pub verbose: bool,
    /// Tables: show these columns, in this order (names as in CSV).
    #[arg(long, global = true, value_delimiter = ',', value_name = "a,b,c")]
    pub columns: Option<Vec<String>>,
    /// Tables: show every column and cut nothing.
    #[arg(long, global = true)]
    pub wide: bool,
    /// Seconds to wait for another writer to finish.
    #[arg(long, global = true, default_value_t = 10, value_name = "SECONDS")]
    pub wait: u64,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a new data directory with a commented club.toml.
    Init(data::InitArgs),
    /// Members: apply, review, renew, freeze, leave, list.
    #[command(subcommand)]
    Member(member::MemberCmd),
    /// Cards: report a loss, reissue.
    #[command(subcommand)]
    Card(card::CardCmd),
    /// Points: grant, redeem, expire, reverse, balance, history.
    #[command(subcommand)]
    Points(points::PointsCmd),
    /// Stored value: recharge, pay, balance.
    #[command(subcommand)]
    Wallet(wallet::WalletCmd),
    /// Tiers: nightly recompute, the ladder.
    #[command(subcommand)]
    Tier(tier::TierCmd),
    /// Staff: salespeople, secretaries, managers, directors.
    #[command(subcommand)]
    Staff(staff::StaffCmd),
    /// Sales leads: claim, release, expire, follow up, convert, dispute.
    #[command(subcommand)]
    Lead(lead::LeadCmd),
    /// Events: plan, register, wait-list, check in, close, feedback.
    #[command(subcommand)]
    Event(event::EventCmd),
    /// Reports: monthly, quarterly, yearly, KPI scorecard, events, sales.
    #[command(subcommand)]
    Report(report::ReportCmd),
    /// The data directory: check, repair, month-end close, generate a club.
    #[command(subcommand)]
    Data(data::DataCmd),
    /// Print a tab-completion script for bash, zsh or fish.
    ///
    /// For bash: clubctl completions bash > ~/.local/share/bash-completion/completions/clubctl
    Completions(shell::CompletionsArgs),
    /// Print the man page (roff); read it with `clubctl man | man -l -`.
    Man(shell::ManArgs),
    /// Why: a member's status and tier, a ledger entry, a lead and a claim.
    #[command(subcommand)]
    Explain(explain::ExplainCmd),
    /// The rules: golden cases, and what a candidate club.toml would change.
    #[command(subcommand)]
    Rules(rules::RulesCmd),
}

/// What the cli layer needs besides the app context.
pub struct Env {
    pub format: Format,
    pub yes: bool,
    /// Whether standard input is a terminal: prompts only then.
    pub interactive: bool,
    /// `--verbose`: details behind a cron job's log line.
    pub verbose: bool,
}

/// Runs the binary; returns design.md's exit code.
pub fn main() -> ExitCode {
    if let Some(msg) = control_in_args() {
        output::say(&lang::Msg::Error.fill(&[("message", &msg)]));
        return ExitCode::from(2);
    }
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    let ctx = context(&cli);
    lang::set(
        cli.lang
            .or_else(|| crate::app::lang::club_lang(&cli.data).and_then(|l| lang::Lang::parse(&l)))
            .unwrap_or(lang::Lang::En),
    );
    output::set_fit(output::Fit {
        width: std::env::var("COLUMNS")
            .ok()
            .and_then(|c| c.trim().parse::<u16>().ok())
            .filter(|w| *w >= 20)
            .or_else(output::terminal_width)
            .unwrap_or(80),
        columns: cli.columns.clone(),
        wide: cli.wide,
    });
    let env = Env {
        format: cli.format,
        yes: cli.yes,
        interactive: std::io::stdin().is_terminal(),
        verbose: cli.verbose,
    };
    match dispatch(cli.command, &ctx, &env) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let code = e.exit_code();
            output::say(&lang::Msg::Error.fill(&[("message", &e)]));
            if lang::current() != lang::Lang::En {
                output::say(
                    &lang::Msg::ErrorKind
                        .fill(&[("code", &code), ("kind", &lang::exit_kind(code))]),
                );
            }
            ExitCode::from(code)
        }
    }
}

/// A control character in any argument (or in CLUBCTL_OPERATOR) is
/// refused before anything runs: names, notes and reasons are stored and
/// shown again, and an escape sequence or a newline in them could rewrite
/// a colleague's terminal or fake a row.
fn control_in_args() -> Option<String> {
    let args = std::env::args_os()
        .skip(1)
        .enumerate()
        .map(|(i, a)| (format!("argument {}", i + 1), a));
    let env = std::env::var_os("CLUBCTL_OPERATOR").map(|a| ("CLUBCTL_OPERATOR".to_string(), a));
    for (what, a) in args.chain(env) {
        let text = a.to_string_lossy();
        if let Some(c) = text.chars().find(|c| c.is_control()) {
            return Some(format!(
                "{what} ('{}') holds the control character U+{:04X}; names, notes and other text may not hold control characters (newlines, tabs, escape sequences): retype it without",
                output::printable(&text, false),
                c as u32
            ));
        }
    }
    None
}

/// The one place the environment and the clock are read.
fn context(cli: &Cli) -> Ctx {
    let operator = cli
        .operator
        .clone()
        .or_else(|| std::env::var("USER").ok())
        .or_else(|| std::env::var("LOGNAME").ok())
        .filter(|s| !s.trim().is_empty())
        .unwrap_or_else(|| "unknown".to_string());
    Ctx {
        data: cli.data.clone(),
        today: cli
            .today
            .unwrap_or_else(|| chrono::Local::now().date_naive()),
        now: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        operator,
        command: command_line(),
        dry_run: cli.dry_run,
        wait: Duration::from_secs(cli.wait),
    }
}

/// The command line as a person would retype it.
fn command_line() -> String {
    let quote = |a: String| {
        if !a.is_empty()
            && a.chars()
                .all(|c| c.is_alphanumeric() || "-_./:=@+,".contains(c))
        {
            a
        } else {
            format!("'{}'", a.replace('\'', "'\\''"))
        }
    };
    let mut parts = vec!["clubctl".to_string()];
    parts.extend(std::env::args().skip(1).map(quote));
    parts.join(" ")
}

fn dispatch(cmd: Command, ctx: &Ctx, env: &Env) -> Result<()> {
    match cmd {
        Command::Init(args) => data::init(args, ctx),
        Command::Member(c) => member::run(c, ctx, env),
        Command::Card(c) => card::run(c, ctx, env),
        Command::Staff(c) => staff::run(c, ctx, env),
        Command::Lead(c) => lead::run(c, ctx, env),
        Command::Event(c) => event::run(c, ctx, env),
        Command::Report(c) => report::run(c, ctx, env),
        Command::Data(c) => data::run(c, ctx, env),
        Command::Completions(a) => shell::completions(a),
        Command::Man(a) => shell::man(a),
        Command::Points(c) => points::run(c, ctx, env),
        Command::Wallet(c) => wallet::run(c, ctx, env),
        Command::Tier(c) => tier::run(c, ctx, env),
        Command::Explain(c) => explain::run(c, ctx, env),
        Command::Rules(c) => rules::run(c, ctx, env),
    }
}

/// Output errors: a closed pipe (`clubctl member list | head`) ends quietly.
pub(crate) fn out(r: std::io::Result<()>) -> Result<()> {
    match r {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::InvalidInput => Err(Error::Usage(e.to_string())),
        Err(e) => Err(Error::Failure(format!("writing output: {e}"))),
    }
}

/// Reports what a changing command did, or in a dry run what it would do.
pub(crate) fn report(ctx: &Ctx, message: &str, files: &[String]) {
    if ctx.dry_run {
        output::say(&lang::Msg::DryRunNotDone.fill(&[("message", &message)]));
        if !files.is_empty() {
            output::say(&lang::Msg::DryRunWouldChange.fill(&[("files", &files.join(", "))]));
        }
    } else {
        output::say(message);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn verify_cli() {
        Cli::command().debug_assert();
    }
}
