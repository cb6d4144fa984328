//! Confirmation of destructive steps, and prompts that ask again.
//!
//! A destructive command (expel, exit, freeze, reject, card lost, points
//! reverse, event cancel, lead release, a large wallet payment) first runs
//! as a dry run to say exactly what it would do, then asks, but only when
//! standard input is a terminal: scripts and cron go ahead without asking.
//! `--yes` skips the question; `--dry-run` never asks. Answering no changes
//! nothing and exits 4 (see docs/output.md, "Confirmations"). An answer
//! other than yes or no is refused and asked again.

use super::lang::Msg;
use super::Env;
use crate::app::Ctx;
use crate::error::{Error, Result};

/// What a yes/no answer means: `Some(true)` yes, `Some(false)` no (the
/// default, on an empty line), `None` not an answer.
pub fn parse_answer(s: &str) -> Option<bool> {
    match s.trim().to_lowercase().as_str() {
        "y" | "yes" | "是" | "是的" | "确认" => Some(true),
        "" | "n" | "no" | "否" | "不" | "取消" => Some(false),
        _ => None,
    }
}

/// Asks a yes/no question on the terminal until it gets an answer.
pub fn ask_yes_no(question: &str) -> Result<bool> {
    let answer = dialoguer::Input::<String>::new()
        .with_prompt(Msg::ConfirmPrompt.fill(&[("question", &question)]))
        .allow_empty(true)
        .validate_with(|s: &String| -> std::result::Result<(), String> {
            parse_answer(s)
                .map(|_| ())
                .ok_or_else(|| Msg::ConfirmInvalid.text().to_string())
        })
        .interact_text()
        .map_err(|e| Error::Usage(format!("reading the answer: {e}")))?;
    Ok(parse_answer(&answer).unwrap_or(false))
}

/// Whether this run should ask before a destructive step.
pub fn should_ask(ctx: &Ctx, env: &Env) -> bool {
    env.interactive && !env.yes && !ctx.dry_run
}

/// Runs a destructive step: when a person is at the terminal, first as a
/// dry run whose message (`describe`) is shown with the question, and for
/// real only after a yes. A step the rules refuse is refused before anyone
/// is asked.
pub fn run<T>(
    ctx: &Ctx,
    env: &Env,
    step: impl Fn(&Ctx) -> Result<T>,
    describe: impl Fn(&T) -> String,
) -> Result<T> {
    if !should_ask(ctx, env) {
        return step(ctx);
    }
    let mut preview = ctx.clone();
    preview.dry_run = true;
    let plan = step(&preview)?;
    ask(&describe(&plan))?;
    step(ctx)
}

/// Asks whether to go ahead with `plan`; a no is an error that changes
/// nothing (exit 4).
pub fn ask(plan: &str) -> Result<()> {
    if ask_yes_no(plan)? {
        Ok(())
    } else {
        Err(Error::Refused(Msg::ConfirmDeclined.text().to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_yes_no_empty_and_nonsense() {
        assert_eq!(parse_answer("y"), Some(true));
        assert_eq!(parse_answer(" YES "), Some(true));
        assert_eq!(parse_answer("是"), Some(true));
        assert_eq!(parse_answer(""), Some(false));
        assert_eq!(parse_answer("No"), Some(false));
        assert_eq!(parse_answer("否"), Some(false));
        assert_eq!(parse_answer("maybe"), None);
        assert_eq!(parse_answer("yy"), None);
    }
}
