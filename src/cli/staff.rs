//! `clubctl staff ...`

use super::output::{self, Cell, Listing};
use super::{out, report, Env};
use crate::app::staff as app;
use crate::app::Ctx;
use crate::domain::staff::Role;
use crate::error::Result;
use clap::{Args, Subcommand};

#[derive(Debug, Subcommand)]
pub enum StaffCmd {
    /// Add a staff member; prints the new staff id.
    Add(AddArgs),
    /// List staff.
    List,
    /// Mark a staff member as no longer working here.
    Deactivate(IdArgs),
}

#[derive(Debug, Args)]
pub struct AddArgs {
    #[arg(long)]
    pub name: String,
    #[arg(long, value_enum)]
    pub role: Role,
}

#[derive(Debug, Args)]
pub struct IdArgs {
    /// Staff id, e.g. S01.
    pub id: String,
}

pub fn run(cmd: StaffCmd, ctx: &Ctx, env: &Env) -> Result<()> {
    match cmd {
        StaffCmd::Add(a) => {
            let (s, files) = app::add(ctx, &a.name, a.role)?;
            report(
                ctx,
                &format!("{}: {} joins as {}", s.id, s.name, s.role.as_str()),
                &files,
            );
            out(output::print_line(&s.id))
        }
        StaffCmd::List => {
            let mut l = Listing::new(&["id", "name", "role", "active"]);
            for s in app::list(ctx)? {
                l.push(vec![
                    Cell::from(s.id),
                    Cell::from(s.name),
                    Cell::from(s.role.as_str()),
                    Cell::Bool(s.active),
                ]);
            }
            out(output::print(&l, env.format))
        }
        StaffCmd::Deactivate(a) => {
            let (s, files) = app::deactivate(ctx, &a.id)?;
            report(
                ctx,
                &format!("{} ({}) is no longer active", s.id, s.name),
                &files,
            );
            Ok(())
        }
    }
}
