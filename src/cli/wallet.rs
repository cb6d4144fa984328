//! `clubctl wallet ...`

use super::output::{self, Cell, Listing};
use super::{out, report, Env};
use crate::app::wallet as app;
use crate::app::Ctx;
use crate::domain::Cents;
use crate::error::Result;
use clap::{Args, Subcommand};

#[derive(Debug, Subcommand)]
pub enum WalletCmd {
    /// Top up a member's stored value (campaign bonus and referral reward
    /// added); prints the new entry id.
    Recharge(AmountArgs),
    /// Pay from the stored value; prints the new entry id.
    Pay(PayArgs),
    /// A member's stored value.
    Balance(IdArgs),
}

#[derive(Debug, Args)]
pub struct IdArgs {
    /// Member id, e.g. M000012.
    pub id: String,
}

#[derive(Debug, Args)]
pub struct AmountArgs {
    /// Member id (M000012) or the number of the card presented (VIP000012).
    pub id: String,
    /// Yuan, e.g. 1000 or 128.50.
    #[arg(value_parser = crate::domain::bounds::parse_amount, long, value_name = "AMOUNT")]
    pub amount: Cents,
}

#[derive(Debug, Args)]
pub struct PayArgs {
    /// Member id (M000012) or the number of the card presented (VIP000012).
    pub id: String,
    /// Yuan, e.g. 128.50.
    #[arg(value_parser = crate::domain::bounds::parse_amount, long, value_name = "AMOUNT")]
    pub amount: Cents,
    /// Till receipt reference: a receipt is only ever paid once.
    #[arg(long, value_name = "REF")]
    pub receipt: Option<String>,
}

pub fn run(cmd: WalletCmd, ctx: &Ctx, env: &Env) -> Result<()> {
    let p = match cmd {
        WalletCmd::Recharge(a) => app::recharge(ctx, &a.id, a.amount)?,
        WalletCmd::Pay(a) => {
            let receipt = a.receipt.unwrap_or_default();
            let pay = |c: &Ctx| app::pay(c, &a.id, a.amount, &receipt);
            // Only a payment above [recharge] confirm_pay_above is asked
            // about: the till's everyday payments go straight through.
            if super::confirm::should_ask(ctx, env)
                && a.amount > ctx.read()?.rules().recharge.confirm_pay_above
            {
                super::confirm::run(ctx, env, pay, |p| p.message.clone())?
            } else {
                pay(ctx)?
            }
        }
        WalletCmd::Balance(a) => {
            let (m, acc) = app::balance(ctx, &a.id)?;
            let mut l = Listing::new(&["member", "name", "status", "wallet", "recharged"]);
            l.push(vec![
                Cell::from(m.id.as_str()),
                Cell::from(m.name.as_str()),
                Cell::from(m.status.as_str()),
                Cell::Money(acc.wallet),
                Cell::Money(acc.recharged),
            ]);
            return out(output::print(&l, env.format));
        }
    };
    report(ctx, &p.message, &p.files);
    if let Some(e) = p.entries.first() {
        if !ctx.dry_run {
            out(output::print_line(&e.id))?;
        }
    }
    Ok(())
}
