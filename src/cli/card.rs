//! `clubctl card ...`

use super::{out, output, report, Env};
use crate::app::card as app;
use crate::app::Ctx;
use crate::domain::Cents;
use crate::error::Result;
use clap::{Args, Subcommand};

#[derive(Debug, Subcommand)]
pub enum CardCmd {
    /// Report a member's card lost: it is blocked at once.
    Lost(LostArgs),
    /// Issue a replacement for a lost card (within the reissue window);
    /// prints the new card number.
    Reissue(ReissueArgs),
}

#[derive(Debug, Args)]
pub struct LostArgs {
    /// Member id, e.g. M000012.
    pub id: String,
}

#[derive(Debug, Args)]
pub struct ReissueArgs {
    /// Member id, e.g. M000012.
    pub id: String,
    /// Replacement fee in yuan (default: card.reissue_fee).
    #[arg(value_parser = crate::domain::bounds::parse_amount, long, value_name = "AMOUNT")]
    pub fee: Option<Cents>,
}

pub fn run(cmd: CardCmd, ctx: &Ctx, env: &Env) -> Result<()> {
    match cmd {
        CardCmd::Lost(a) => {
            let o = super::confirm::run(ctx, env, |c| app::lost(c, &a.id), |o| o.message.clone())?;
            report(ctx, &o.message, &o.files);
            Ok(())
        }
        CardCmd::Reissue(a) => {
            let o = app::reissue(ctx, &a.id, a.fee)?;
            report(ctx, &o.message, &o.files);
            out(output::print_line(&o.card.number))
        }
    }
}
