//! Stored value: recharge (with campaign bonus and the referral reward),
//! pay, balance.

use super::book::{used_receipts, Book};
use super::points::Posted;
use super::{member_at_till, Ctx};
use crate::domain::ledger::EntryKind;
use crate::domain::member::Member;
use crate::domain::points::{self, Account, ReferralReward};
use crate::domain::{Cents, DomainError};
use crate::error::Result;
use crate::store::Txn;
use std::collections::HashSet;

fn positive(amount: Cents) -> Result<()> {
    if amount.0 <= 0 {
        return Err(
            DomainError::Invalid(format!("--amount must be more than 0.00, not {amount}")).into(),
        );
    }
    Ok(())
}

/// `wallet recharge ID --amount AMOUNT`.
pub fn recharge(ctx: &Ctx, id: &str, amount: Cents) -> Result<Posted> {
    positive(amount)?;
    let mut store = ctx.write()?;
    let id = &member_at_till(&store, id, ctx.today)?;
    let m = &super::get(&store, id)?;
    points::require_standing(m, "recharge the wallet")?;
    let rules = store.rules().clone();
    let mut book = Book::open_for(&store, &[id, m.referrer.as_str()])?;
    let first = book.account(id).recharged == Cents::ZERO;
    let r = book.post(ctx, EntryKind::Recharge, id, amount, 0, "", "")?;
    let mut notes = vec![format!("{id}: recharged {amount}")];
    if let Some((campaign, bonus)) = points::bonus(amount, ctx.today, &rules) {
        book.post(
            ctx,
            EntryKind::Bonus,
            id,
            bonus,
            0,
            &r,
            &format!("campaign {} +{}%", campaign.name, campaign.percent),
        )?;
        notes.push(format!(
            "bonus {bonus} ({} +{}%)",
            campaign.name, campaign.percent
        ));
    }
    if first && !m.referrer.is_empty() {
        let referrer = store.find::<Member>(&m.referrer)?;
        let reward = points::referral_reward(amount, &rules);
        match (referrer.as_ref(), reward) {
            (Some(rf), Some(reward)) if points::require_standing(rf, "reward").is_ok() => {
                let note = format!("referral: first recharge of {id}");
                match reward {
                    ReferralReward::Points(p) => {
                        book.post(ctx, EntryKind::Grant, &rf.id, Cents::ZERO, p, &r, &note)?;
                        notes.push(format!("referrer {} earns {p} points", rf.id));
                    }
                    ReferralReward::Wallet(c) => {
                        book.post(ctx, EntryKind::Bonus, &rf.id, c, 0, &r, &note)?;
                        notes.push(format!("referrer {} gets {c} in the wallet", rf.id));
                    }
                }
            }
            (Some(rf), Some(_)) => notes.push(format!(
                "no referral reward: referrer {} is {}",
                rf.id, rf.status
            )),
            _ => {}
        }
    }
    let wallet = book.account(id).wallet;
    notes.push(format!("wallet {wallet}"));
    let (entries, files) = book.commit(ctx, &mut store, Txn::new())?;
    Ok(Posted {
        entries,
        message: notes.join("; "),
        files,
    })
}

/// `wallet pay ID --amount AMOUNT [--receipt REF]`.
pub fn pay(ctx: &Ctx, id: &str, amount: Cents, receipt: &str) -> Result<Posted> {
    positive(amount)?;
    let mut store = ctx.write()?;
    let id = &member_at_till(&store, id, ctx.today)?;
    let m = &super::get(&store, id)?;
    points::require_standing(m, "pay from the wallet")?;
    if !receipt.is_empty() {
        let key = format!("pay:{receipt}");
        if let Some(e) = used_receipts(&store, &HashSet::from([key.clone()]))?.get(&key) {
            return Err(DomainError::Refused(format!(
                "receipt {receipt} was already paid from a wallet by entry {e}; nothing was taken twice"
            ))
            .into());
        }
    }
    let mut book = Book::open_for(&store, &[id])?;
    let held = book.account(id).wallet;
    if held < amount {
        return Err(DomainError::Refused(format!(
            "{id} holds {held} in the wallet, {amount} is needed; recharge first with `clubctl wallet recharge {id} --amount AMOUNT`"
        ))
        .into());
    }
    book.post(ctx, EntryKind::Pay, id, Cents(-amount.0), 0, receipt, "")?;
    let wallet = book.account(id).wallet;
    let (entries, files) = book.commit(ctx, &mut store, Txn::new())?;
    Ok(Posted {
        entries,
        message: format!("{id}: paid {amount} from the wallet; wallet {wallet}"),
        files,
    })
}

/// `wallet balance ID`.
pub fn balance(ctx: &Ctx, id: &str) -> Result<(Member, Account)> {
    let store = ctx.read()?;
    let m = &super::get(&store, id)?;
    Ok((m.clone(), Book::open_for(&store, &[id])?.account(id)))
}
