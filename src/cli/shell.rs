//! Shell integration: tab completion scripts and the man page, both made
//! from the same clap definitions as the parser, so they never drift.

use super::{out, Cli};
use crate::error::{Error, Result};
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

/// The man page, in roff.
pub fn man_page() -> std::io::Result<Vec<u8>> {
    let mut buf = Vec::new();
    // NAME reads "clubctl \- ABOUT": the about must not repeat the name.
    let cmd = Cli::command().about("run a membership program from plain files");
    clap_mangen::Man::new(cmd).render(&mut buf)?;
    Ok(buf)
}

pub fn completions(a: CompletionsArgs) -> Result<()> {
    out(std::io::stdout()
        .lock()
        .write_all(&completions_script(a.shell)))
}

pub fn man(a: ManArgs) -> Result<()> {
    if let Some(dir) = a.dir {
        let cmd = Cli::command().about("run a membership program from plain files");
        return std::fs::create_dir_all(&dir)
            .and_then(|()| clap_mangen::generate_to(cmd, &dir))
            .map_err(|e| Error::Failure(format!("writing man pages to {}: {e}", dir.display())));
    }
    let page = man_page().map_err(|e| Error::Failure(format!("rendering the man page: {e}")))?;
    match a.out {
        Some(path) => std::fs::write(&path, page)
            .map_err(|e| Error::Failure(format!("writing {}: {e}", path.display()))),
        None => out(std::io::stdout().lock().write_all(&page)),
    }
}
