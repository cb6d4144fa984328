//! Shell integration: tab completion scripts and the man page, both made
//! from the same clap definitions as the parser, so they never drift.

use super::{out, Cli};
use crate::error::{Error, Result};
use crate::store::files;
use clap::{Args, CommandFactory};
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: Shell,
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// The command whose page to print, e.g. `member add` (default: the
    /// page of clubctl itself).
    #[arg(value_name = "COMMAND")]
    pub command: Vec<String>,
    /// Write the page to this file instead of standard output.
    #[arg(long, value_name = "FILE", conflicts_with = "dir")]
    pub out: Option<PathBuf>,
    /// Write clubctl.1 and a page for every subcommand (clubctl-member.1,
    /// clubctl-member-import.1, ...) into this directory.
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

/// The completion script for `shell`.
pub fn completions_script(shell: Shell) -> Vec<u8> {
    use clap_complete::shells;
    let mut cmd = Cli::command();
    let mut buf = Vec::new();
    match shell {
        Shell::Bash => clap_complete::generate(shells::Bash, &mut cmd, "clubctl", &mut buf),
        Shell::Zsh => clap_complete::generate(shells::Zsh, &mut cmd, "clubctl", &mut buf),
        Shell::Fish => clap_complete::generate(shells::Fish, &mut cmd, "clubctl", &mut buf),
    }
    buf
}

/// The command lines of the documentation's console examples, one a line
/// (gathered by build.rs from README.md and docs/).
const EXAMPLES: &str = include_str!(concat!(env!("OUT_DIR"), "/examples.txt"));

/// Global options that take a value, skipped when matching an example
/// line to its command.
const GLOBAL_VALUES: &[&str] = &["--data", "--today", "--as", "--format", "--lang", "--wait"];

/// The documented example lines of the command at `path` (empty: any).
pub fn examples_of(path: &[&str]) -> Vec<&'static str> {
    let mut found: Vec<&'static str> = Vec::new();
    for line in EXAMPLES.lines() {
        let mut words = line.split_whitespace().peekable();
        let mut command = Vec::new();
        while let Some(w) = words.next() {
            if GLOBAL_VALUES.contains(&w) {
                words.next();
            } else if w.starts_with('-') {
                continue;
            } else {
                command.push(w);
                if command.len() == path.len() {
                    break;
                }
            }
        }
        if command == path && !found.contains(&line) {
            found.push(line);
        }
    }
    found
}

fn roff_escape(text: &str) -> String {
    let body = text.replace('\\', "\\e").replace('-', "\\-");
    if body.starts_with('.') || body.starts_with('\'') {
        format!("\\&{body}")
    } else {
        body
    }
}

/// ENVIRONMENT, EXIT STATUS and EXAMPLES for the page of `cmd` (at `path`).
fn extra_sections(root: &clap::Command, path: &[&str]) -> String {
    let mut roff = String::from(".SH ENVIRONMENT\n");
    for arg in root.get_arguments() {
        if let Some(var) = arg.get_env() {
            let help = arg.get_help().map(|h| h.to_string()).unwrap_or_default();
            roff.push_str(&format!(
                ".TP\n\\fB{}\\fR\n{}. Read when \\fB\\-\\-{}\\fR is not given.\n",
                roff_escape(&var.to_string_lossy()),
                roff_escape(help.trim_end_matches('.')),
                roff_escape(arg.get_long().unwrap_or_default())
            ));
        }
    }
    for (var, meaning) in [
        (
            "COLUMNS",
            "The width tables are fitted to (else the terminal's, else 80); CSV and JSON are never cut.",
        ),
        (
            "USER, LOGNAME",
            "The operator recorded in the audit trail when neither --as nor CLUBCTL_OPERATOR is given.",
        ),
    ] {
        roff.push_str(&format!(
            ".TP\n\\fB{}\\fR\n{}\n",
            roff_escape(var),
            roff_escape(meaning)
        ));
    }
    roff.push_str(".SH \"EXIT STATUS\"\n");
    for (code, meaning) in crate::error::EXIT_CODES {
        roff.push_str(&format!(".TP\n\\fB{code}\\fR\n{}\n", roff_escape(meaning)));
    }
    let examples = examples_of(path);
    if !examples.is_empty() {
        roff.push_str(".SH EXAMPLES\n");
        for line in examples.iter().take(6) {
            roff.push_str(&format!(".PP\n.nf\n$ clubctl {}\n.fi\n", roff_escape(line)));
        }
        roff.push_str(".PP\nEvery example runs in the test suite against the sample club; the guide in docs/ shows each with its output.\n");
    }
    roff
}

fn root_command() -> clap::Command {
    // NAME reads "clubctl \- ABOUT": the about must not repeat the name.
    let mut cmd = Cli::command()
        .about("run a membership program from plain files")
        .disable_help_subcommand(true);
    cmd.build();
    cmd
}

/// The command at `path` below `root`, or a usage error naming the word
/// that is not a command.
fn find_command(root: &clap::Command, path: &[&str]) -> Result<clap::Command> {
    let mut cmd = root.clone();
    for (i, word) in path.iter().enumerate() {
        cmd = cmd.find_subcommand(word).cloned().ok_or_else(|| {
            Error::Usage(format!(
                "there is no command `clubctl {} {word}`; `clubctl {} --help` lists them",
                path[..i].join(" "),
                path[..i].join(" ")
            ))
        })?;
    }
    Ok(cmd)
}

/// The man page of the command at `path`, in roff.
pub fn man_page(path: &[&str]) -> Result<Vec<u8>> {
    let root = root_command();
    let cmd = find_command(&root, path)?;
    let mut buf = Vec::new();
    clap_mangen::Man::new(cmd)
        .render(&mut buf)
        .map_err(|e| Error::Failure(format!("rendering the man page: {e}")))?;
    buf.extend_from_slice(extra_sections(&root, path).as_bytes());
    Ok(buf)
}

/// Every page: (file name, roff) for clubctl and each subcommand below it.
fn all_pages() -> Result<Vec<(String, Vec<u8>)>> {
    fn walk(cmd: &clap::Command, path: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
        out.push(path.clone());
        for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
            path.push(sub.get_name().to_string());
            walk(sub, path, out);
            path.pop();
        }
    }
    let root = root_command();
    let mut paths = Vec::new();
    walk(&root, &mut Vec::new(), &mut paths);
    paths
        .iter()
        .map(|p| {
            let words: Vec<&str> = p.iter().map(String::as_str).collect();
            let name = std::iter::once("clubctl")
                .chain(words.iter().copied())
                .collect::<Vec<_>>()
                .join("-");
            Ok((format!("{name}.1"), man_page(&words)?))
        })
        .collect()
}

pub fn completions(a: CompletionsArgs) -> Result<()> {
    out(std::io::stdout()
        .lock()
        .write_all(&completions_script(a.shell)))
}

pub fn man(a: ManArgs) -> Result<()> {
    if let Some(dir) = a.dir {
        files::create_output_dir(&dir)
            .map_err(|e| Error::Failure(format!("creating {}: {e}", dir.display())))?;
        for (name, page) in all_pages()? {
            let path = dir.join(name);
            files::write_output(&path, &page)
                .map_err(|e| Error::Failure(format!("writing {}: {e}", path.display())))?;
        }
        return Ok(());
    }
    let words: Vec<&str> = a.command.iter().map(String::as_str).collect();
    let page = man_page(&words)?;
    match a.out {
        Some(path) => files::write_output(&path, &page)
            .map_err(|e| Error::Failure(format!("writing {}: {e}", path.display()))),
        None => out(std::io::stdout().lock().write_all(&page)),
    }
}
