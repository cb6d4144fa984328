//! `clubctl explain ...`: why a member, an entry or a lead is as it is,
//! each line with the club.toml setting behind it.

use super::output::{self, Cell, Listing};
use super::{out, Env};
use crate::app::explain as app;
use crate::app::Ctx;
use crate::domain::explain::Line;
use crate::error::Result;
use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub enum ExplainCmd {
    /// A member's status and its dates, the tier with the figures that
    /// decide it, and the points that lapse next.
    Member {
        /// The member id (M000012).
        id: String,
    },
    /// How a ledger entry was computed, and what it paid for or reversed.
    Entry {
        /// The ledger entry id (T00000042).
        txid: String,
    },
    /// A lead's owner, last valid day and cooldown; with --claim-by,
    /// whether that salesperson's claim would be accepted now.
    Lead {
        /// The lead id (L000012).
        id: String,
        /// The salesperson (staff id) whose claim to try, without making it.
        #[arg(long, value_name = "STAFF")]
        claim_by: Option<String>,
    },
}

pub fn run(cmd: ExplainCmd, ctx: &Ctx, env: &Env) -> Result<()> {
    let lines = match cmd {
        ExplainCmd::Member { id } => app::member(ctx, &id)?,
        ExplainCmd::Entry { txid } => app::entry(ctx, &txid)?,
        ExplainCmd::Lead { id, claim_by } => app::lead(ctx, &id, claim_by.as_deref())?,
    };
    out(output::print(&listing(&lines), env.format))
}

fn listing(lines: &[Line]) -> Listing {
    let mut l = Listing::new(&["topic", "value", "setting"]);
    for x in lines {
        l.push(vec![
            Cell::from(x.topic.as_str()),
            Cell::from(x.value.as_str()),
            Cell::from(x.setting.as_str()),
        ]);
    }
    l
}
