//! `clubctl points ...`

use super::output::{self, Cell, Listing};
use super::{out, report, Env};
use crate::app::points::{self as app, Grant, Posted};
use crate::app::Ctx;
use crate::domain::Cents;
use crate::error::Result;
use chrono::NaiveDate;
use clap::{Args, Subcommand};
use std::path::PathBuf;

#[derive(Debug, Subcommand)]
pub enum PointsCmd {
    /// Record a purchase and the points it earns, grant points by hand, or
    /// do either for every row of a CSV file; prints the new entry id.
    Grant(GrantArgs),
    /// Spend points on a reward of the catalogue or against a bill; prints
    /// the new entry id.
    Redeem(RedeemArgs),
    /// Cron: write off points that have lapsed (one entry per member).
    Expire,
    /// Refund a purchase: take back its spend and the points it earned;
    /// prints the new entry id.
    Reverse(ReverseArgs),
    /// A member's points: balance, what is spendable, what lapses next.
    Balance(IdArgs),
    /// A member's statement with a running balance.
    History(HistoryArgs),
    /// The rewards catalogue with the stock left.
    Rewards,
    /// Rebuild the balances cache and receipt index from the ledger.
    Rebuild,
}

#[derive(Debug, Args)]
pub struct IdArgs {
    /// Member id, e.g. M000012.
    pub id: String,
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("what").required(true).args(["spend", "points", "from_csv"])))]
pub struct GrantArgs {
    /// Member id (M000012) or the number of the card presented at the till
    /// (VIP000012); a lost or replaced card earns nothing. Not with
    /// --from-csv.
    #[arg(required_unless_present = "from_csv", conflicts_with = "from_csv")]
    pub id: Option<String>,
    /// A purchase in yuan: earns floor(yuan × per_yuan × tier multiplier).
    #[arg(value_parser = crate::domain::bounds::parse_amount, long, value_name = "AMOUNT", conflicts_with = "points")]
    pub spend: Option<Cents>,
    /// Spend category; those in points.excluded_categories earn nothing.
    #[arg(long, requires = "spend", value_name = "CAT")]
    pub category: Option<String>,
    /// Till receipt reference: a receipt is only ever recorded once.
    #[arg(long, requires = "spend", value_name = "REF")]
    pub receipt: Option<String>,
    /// Points granted by hand (sign-in, sharing, referral, event).
    #[arg(value_parser = crate::domain::bounds::parse_points, long, value_name = "N", requires = "reason")]
    pub points: Option<i64>,
    /// Why the points are granted.
    #[arg(long, value_name = "TEXT")]
    pub reason: Option<String>,
    /// A CSV file with columns member, spend, points, category, receipt,
    /// reason: all rows are granted, or (if any row is bad) none.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["spend", "points"])]
    pub from_csv: Option<PathBuf>,
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("what").required(true).args(["reward", "points"])))]
pub struct RedeemArgs {
    /// Member id (M000012) or the number of the card presented (VIP000012).
    pub id: String,
    /// Reward code from the catalogue (`clubctl points rewards`).
    #[arg(long, value_name = "CODE")]
    pub reward: Option<String>,
    /// How many of the reward.
    #[arg(value_parser = crate::domain::bounds::parse_quantity, long, default_value_t = 1, requires = "reward")]
    pub qty: u32,
    /// Points offset against a bill, at points.yuan_per_100.
    #[arg(value_parser = crate::domain::bounds::parse_points, long, value_name = "N", requires = "reason", conflicts_with = "reward")]
    pub points: Option<i64>,
    /// What bill the points pay.
    #[arg(long, value_name = "TEXT")]
    pub reason: Option<String>,
}

#[derive(Debug, Args)]
pub struct ReverseArgs {
    /// The spend entry to refund, e.g. T00000042.
    pub txid: String,
    /// Why it is refunded.
    #[arg(long)]
    pub reason: String,
}

#[derive(Debug, Args)]
pub struct HistoryArgs {
    /// Member id, e.g. M000012.
    pub id: String,
    /// First day shown (the running balance still counts what came before).
    #[arg(value_parser = crate::domain::bounds::parse_date, long, value_name = "YYYY-MM-DD")]
    pub from: Option<NaiveDate>,
    /// Last day shown.
    #[arg(value_parser = crate::domain::bounds::parse_date, long, value_name = "YYYY-MM-DD")]
    pub to: Option<NaiveDate>,
}

fn posted(ctx: &Ctx, p: &Posted, id_of: Option<usize>) -> Result<()> {
    report(ctx, &p.message, &p.files);
    if let Some(e) = id_of.and_then(|i| p.entries.get(i)) {
        if !ctx.dry_run {
            out(output::print_line(&e.id))?;
        }
    }
    Ok(())
}

pub fn run(cmd: PointsCmd, ctx: &Ctx, env: &Env) -> Result<()> {
    match cmd {
        PointsCmd::Grant(a) => {
            if let Some(file) = a.from_csv {
                let s = app::grant_csv(ctx, &file)?;
                report(
                    ctx,
                    &format!(
                        "granted {} rows of {}: {} entries for {} members, spend {}, {} points",
                        s.rows,
                        file.display(),
                        s.entries,
                        s.members,
                        s.spend,
                        s.points
                    ),
                    &s.files,
                );
                return Ok(());
            }
            let g = Grant {
                member: a.id.unwrap_or_default(),
                spend: a.spend,
                points: a.points,
                category: a.category.unwrap_or_default(),
                receipt: a.receipt.unwrap_or_default(),
                reason: a.reason.unwrap_or_default(),
            };
            let p = app::grant(ctx, g)?;
            posted(ctx, &p, Some(0))
        }
        PointsCmd::Redeem(a) => {
            let p = match (a.reward, a.points) {
                (Some(code), _) => app::redeem_reward(ctx, &a.id, &code, a.qty)?,
                (None, Some(n)) => {
                    app::redeem_points(ctx, &a.id, n, &a.reason.unwrap_or_default())?
                }
                (None, None) => unreachable!("clap requires --reward or --points"),
            };
            let last = p.entries.len().checked_sub(1);
            posted(ctx, &p, last)
        }
        PointsCmd::Expire => {
            let p = app::expire(ctx)?;
            let mut l = Listing::new(&["entry", "member", "points", "date"]);
            for e in &p.entries {
                l.push(vec![
                    Cell::from(e.id.as_str()),
                    Cell::from(e.member.as_str()),
                    Cell::Int(e.points),
                    Cell::from(e.date.to_string()),
                ]);
            }
            let total: i64 = p.entries.iter().map(|e| e.points.abs()).sum();
            super::cron::finish(
                ctx,
                env,
                super::cron::JobRun {
                    job: "points expire",
                    changed: p.entries.len(),
                    detail: format!("{total} points written off"),
                    details: l,
                    files: &p.files,
                },
            )
        }
        PointsCmd::Reverse(a) => {
            let p = super::confirm::run(
                ctx,
                env,
                |c| app::reverse(c, &a.txid, &a.reason),
                |p| p.message.clone(),
            )?;
            posted(ctx, &p, Some(0))
        }
        PointsCmd::Balance(a) => {
            let b = app::balance(ctx, &a.id)?;
            let mut l = Listing::new(&[
                "member",
                "name",
                "status",
                "tier",
                "points",
                "available",
                "lapsed",
                "next_expiry",
                "next_expiry_points",
                "wallet",
            ]);
            l.push(vec![
                Cell::from(b.member.id.as_str()),
                Cell::from(b.member.name.as_str()),
                Cell::from(b.member.status.as_str()),
                Cell::from(b.member.tier.as_str()),
                Cell::Int(b.account.points),
                Cell::Int(b.available),
                Cell::Int(b.lapsed),
                Cell::from(b.next_expiry.map(|(d, _)| d)),
                Cell::Int(b.next_expiry.map_or(0, |(_, n)| n)),
                Cell::Money(b.account.wallet),
            ]);
            out(output::print(&l, env.format))
        }
        PointsCmd::History(a) => {
            let rows = app::history(ctx, &a.id, a.from, a.to)?;
            let mut l = Listing::new(&[
                "entry",
                "date",
                "kind",
                "amount",
                "points",
                "balance",
                "reference",
                "operator",
                "note",
            ]);
            for (e, bal) in rows {
                l.push(vec![
                    Cell::from(e.id.as_str()),
                    Cell::from(e.date.to_string()),
                    Cell::from(e.kind.as_str()),
                    Cell::Money(e.cents),
                    Cell::Int(e.points),
                    Cell::Int(bal),
                    Cell::from(e.reference.as_str()),
                    Cell::from(e.operator.as_str()),
                    Cell::from(e.note.as_str()),
                ]);
            }
            out(output::print(&l, env.format))
        }
        PointsCmd::Rewards => {
            let store = ctx.read()?;
            let rows = app::catalogue(&store)?;
            drop(store);
            let mut l = Listing::new(&["code", "name", "points", "stock", "min_tier"]);
            for r in rows {
                l.push(vec![
                    Cell::from(r.code.as_str()),
                    Cell::from(r.name.as_str()),
                    Cell::Int(r.points),
                    Cell::Int(i64::from(r.stock)),
                    Cell::from(r.min_tier.as_str()),
                ]);
            }
            out(output::print(&l, env.format))
        }
        PointsCmd::Rebuild => {
            let (n, files) = app::rebuild(ctx)?;
            report(
                ctx,
                &format!(
                    "rebuilt the balances of {n} members and the receipt index from the ledger"
                ),
                &files,
            );
            Ok(())
        }
    }
}
