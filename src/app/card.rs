//! Card commands: report a loss, issue a replacement.

use super::{entry, find, Ctx, LedgerIds};
use crate::domain::card::{self, Card};
use crate::domain::ledger::EntryKind;
use crate::domain::member::Member;
use crate::domain::{Cents, DomainError};
use crate::error::Result;
use crate::store::Txn;

#[derive(Debug)]
pub struct CardOutcome {
    pub card: Card,
    pub message: String,
    pub files: Vec<String>,
}

fn current_card<'a>(cards: &'a mut [Card], m: &Member) -> Result<&'a mut Card> {
    cards
        .iter_mut()
        .find(|c| c.number == m.card && c.member == m.id)
        .ok_or_else(|| {
            DomainError::Refused(format!(
                "{} holds no card (status {}); a card is issued on approval",
                m.id, m.status
            ))
            .into()
        })
}

/// `card lost`: blocks the member's card at once.
pub fn lost(ctx: &Ctx, id: &str) -> Result<CardOutcome> {
    let mut store = ctx.write()?;
    let m = &super::get(&store, id)?;
    let mut cards: Vec<Card> = store.find::<Card>(&m.card)?.into_iter().collect();
    let c = current_card(&mut cards, m)?;
    let before = c.clone();
    card::report_lost(c, ctx.today)?;
    let after = c.clone();
    let deadline = card::reissue_deadline(ctx.today, store.rules());
    let mut txn = Txn::new();
    txn.append(&[ctx.audit("card lost", Some(&before), &after)]);
    store.put_rows(&mut txn, &mut cards)?;
    let files = ctx.finish(&mut store, txn)?;
    Ok(CardOutcome {
        message: format!(
            "card {} of {} is blocked; a replacement may be asked for until {deadline}",
            after.number, m.id
        ),
        card: after,
        files,
    })
}

/// `card reissue`: a new number for a lost card, within the window, for a fee.
pub fn reissue(ctx: &Ctx, id: &str, fee: Option<Cents>) -> Result<CardOutcome> {
    let mut store = ctx.write()?;
    let mut members: Vec<Member> = store.load()?;
    let (i, m) = find(&members, id)?;
    let before_member = m.clone();
    let mut cards: Vec<Card> = store.load()?;
    let number = card::next_number(&cards, store.rules());
    let snapshot = cards.clone();
    let old = current_card(&mut cards, &before_member)?;
    let old_before = old.clone();
    let new = card::reissue(
        &before_member,
        old,
        number,
        ctx.today,
        store.rules(),
        &snapshot,
    )?;
    let old_after = old.clone();
    let fee = fee.unwrap_or(store.rules().card.reissue_fee);
    if fee.0 < 0 {
        return Err(DomainError::Invalid("--fee must not be negative".into()).into());
    }
    let mut m = before_member.clone();
    m.card = new.number.clone();
    let mut txn = Txn::new();
    if fee != Cents::ZERO {
        let mut ids = LedgerIds::new(&store)?;
        let mut e = entry(
            ctx,
            &mut ids,
            EntryKind::Fee,
            &m.id,
            fee,
            0,
            "card replacement",
        );
        e.reference = new.number.clone();
        txn.append(&[e]);
    }
    txn.append(&[
        ctx.audit("card reissue", Some(&old_before), &old_after),
        ctx.audit("card issue", None, &new),
        ctx.audit("card reissue", Some(&before_member), &m),
    ]);
    members[i] = m;
    cards.push(new.clone());
    txn.put_table(&mut cards);
    txn.put_table(&mut members);
    let files = ctx.finish(&mut store, txn)?;
    Ok(CardOutcome {
        message: format!(
            "card {} replaces {} for {id}; fee {fee}",
            new.number, old_before.number
        ),
        card: new,
        files,
    })
}
