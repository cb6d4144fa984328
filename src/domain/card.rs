//! Membership cards: issue, loss report and replacement within the window.

use super::dates::add_days;
use super::error::{refused, Result};
use super::member::{Member, Status};
use super::rules::ClubRules;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CardStatus {
    /// In use.
    Active,
    /// Reported lost: blocked at once, waiting for a replacement.
    Lost,
    /// Replaced after a loss; the number never works again.
    Replaced,
}

/// One row of `cards.csv`, keyed by card number.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Card {
    pub number: String,
    pub member: String,
    pub status: CardStatus,
    pub issued: NaiveDate,
    pub lost_on: Option<NaiveDate>,
    pub replaced_by: String,
}

/// The card number after the highest issued: prefix + zero-padded sequence.
pub fn next_number(cards: &[Card], rules: &ClubRules) -> String {
    let prefix = &rules.card.prefix;
    let max = cards
        .iter()
        .filter_map(|c| c.number.strip_prefix(prefix.as_str())?.parse::<u64>().ok())
        .max()
        .unwrap_or(0);
    format!("{prefix}{:0width$}", max + 1, width = rules.card.digits)
}

/// A new active card for `member`; a number given by hand must be unused.
pub fn issue(number: String, member: &str, today: NaiveDate, cards: &[Card]) -> Result<Card> {
    if number.trim().is_empty() {
        return refused("a card number must not be empty");
    }
    if let Some(c) = cards.iter().find(|c| c.number == number) {
        return refused(format!(
            "card {number} was already issued to {} on {}; leave out --card to take the next free number",
            c.member, c.issued
        ));
    }
    Ok(Card {
        number,
        member: member.to_string(),
        status: CardStatus::Active,
        issued: today,
        lost_on: None,
        replaced_by: String::new(),
    })
}

/// Blocks the member's current card at once.
pub fn report_lost(card: &mut Card, today: NaiveDate) -> Result<()> {
    match card.status {
        CardStatus::Active => {
            card.status = CardStatus::Lost;
            card.lost_on = Some(today);
            Ok(())
        }
        CardStatus::Lost => refused(format!(
            "card {} was already reported lost on {}",
            card.number,
            card.lost_on.map(|d| d.to_string()).unwrap_or_default()
        )),
        CardStatus::Replaced => refused(format!(
            "card {} was replaced by {} and no longer works",
            card.number, card.replaced_by
        )),
    }
}

/// The last day a replacement may be asked for: the loss report day is
/// day 0, so with a 10-day window a card lost on the 1st is replaceable up
/// to and including the 11th.
pub fn reissue_deadline(lost_on: NaiveDate, rules: &ClubRules) -> NaiveDate {
    add_days(lost_on, i64::from(rules.card.reissue_window_days))
}

/// The member a card presented at the till belongs to. Only an active card
/// identifies a member there (未持会员卡不可实现消费积分): a lost card is
/// blocked from the day of the report, and a replaced number never works
/// again; the refusal says what the member can do instead.
pub fn at_till<'a>(card: &'a Card, today: NaiveDate, rules: &ClubRules) -> Result<&'a str> {
    match (card.status, card.lost_on) {
        (CardStatus::Active, _) => Ok(&card.member),
        (CardStatus::Lost, lost_on) => {
            let on = lost_on.map(|d| d.to_string()).unwrap_or_default();
            let window = rules.card.reissue_window_days;
            let next = match lost_on.map(|d| reissue_deadline(d, rules)) {
                Some(deadline) if today <= deadline => format!(
                    "{} may ask for a replacement until {deadline} (card.reissue_window_days = {window}) with `clubctl card reissue {}`",
                    card.member, card.member
                ),
                Some(deadline) => format!(
                    "the replacement window closed on {deadline} (card.reissue_window_days = {window}); the office no longer reissues it"
                ),
                None => format!("see `clubctl member show {}`", card.member),
            };
            refused(format!(
                "card {} is lost (reported {on}) and is blocked: it earns, redeems and pays nothing; {next}",
                card.number
            ))
        }
        (CardStatus::Replaced, _) => refused(format!(
            "card {} was replaced by {} and no longer works; present card {}",
            card.number, card.replaced_by, card.replaced_by
        )),
    }
}

/// Replaces a lost card by a new number; the old number is retired.
pub fn reissue(
    member: &Member,
    old: &mut Card,
    new_number: String,
    today: NaiveDate,
    rules: &ClubRules,
    cards: &[Card],
) -> Result<Card> {
    if !matches!(
        member.status,
        Status::Active | Status::Grace | Status::Frozen
    ) {
        return refused(format!(
            "cannot reissue a card to {}: the member is {}",
            member.id, member.status
        ));
    }
    let lost_on = match (old.status, old.lost_on) {
        (CardStatus::Lost, Some(d)) => d,
        _ => {
            return refused(format!(
                "card {} of {} is not reported lost; report it first with `clubctl card lost {}`",
                old.number, member.id, member.id
            ))
        }
    };
    let deadline = reissue_deadline(lost_on, rules);
    if today > deadline {
        return refused(format!(
            "card {} was reported lost on {lost_on}; a replacement had to be asked for by {deadline} ({} days); the office no longer reissues it",
            old.number, rules.card.reissue_window_days
        ));
    }
    let new = issue(new_number, &member.id, today, cards)?;
    old.status = CardStatus::Replaced;
    old.replaced_by = new.number.clone();
    Ok(new)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::member::{apply, approve, Application};

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn member() -> Member {
        let r = ClubRules::default();
        let app = Application {
            name: "A".into(),
            phone: "13800000001".into(),
            ..Default::default()
        };
        let mut m = apply(app, "M000001".into(), d("2026-01-01"), &r, &[]).unwrap();
        approve(&mut m, "VIP000001", d("2026-01-01"), &r).unwrap();
        m
    }

    fn lost_card(on: &str) -> Card {
        let mut c = issue("VIP000001".into(), "M000001", d("2026-01-01"), &[]).unwrap();
        report_lost(&mut c, d(on)).unwrap();
        c
    }

    #[test]
    fn reissue_on_day_10_is_allowed() {
        let r = ClubRules::default();
        let mut old = lost_card("2026-11-01");
        let number = next_number(std::slice::from_ref(&old), &r);
        let new = reissue(&member(), &mut old, number, d("2026-11-11"), &r, &[]).unwrap();
        assert_eq!(new.number, "VIP000002");
        assert_eq!(old.status, CardStatus::Replaced);
        assert_eq!(old.replaced_by, "VIP000002");
    }

    #[test]
    fn reissue_on_day_11_is_refused_with_the_closing_date() {
        let r = ClubRules::default();
        let mut old = lost_card("2026-11-01");
        let err = reissue(
            &member(),
            &mut old,
            "VIP000002".into(),
            d("2026-11-12"),
            &r,
            &[],
        )
        .unwrap_err();
        assert!(err.to_string().contains("2026-11-11"), "{err}");
        assert_eq!(old.status, CardStatus::Lost);
    }

    #[test]
    fn the_window_crosses_a_leap_month_end() {
        let r = ClubRules::default();
        assert_eq!(reissue_deadline(d("2028-02-25"), &r), d("2028-03-06"));
    }

    #[test]
    fn a_lost_card_is_refused_at_the_till_naming_the_window() {
        let r = ClubRules::default();
        let card = lost_card("2026-11-01");
        for day in ["2026-11-01", "2026-11-11"] {
            let err = at_till(&card, d(day), &r).unwrap_err().to_string();
            assert!(
                err.contains("is lost (reported 2026-11-01)")
                    && err.contains("replacement until 2026-11-11"),
                "{err}"
            );
        }
        let err = at_till(&card, d("2026-11-12"), &r).unwrap_err().to_string();
        assert!(err.contains("window closed on 2026-11-11"), "{err}");
    }

    #[test]
    fn only_an_active_card_names_its_member_at_the_till() {
        let r = ClubRules::default();
        let mut old = lost_card("2026-11-01");
        let cards = vec![old.clone()];
        let new = reissue(
            &member(),
            &mut old,
            "VIP000002".into(),
            d("2026-11-02"),
            &r,
            &cards,
        )
        .unwrap();
        assert_eq!(at_till(&new, d("2026-11-02"), &r).unwrap(), "M000001");
        let err = at_till(&old, d("2026-11-02"), &r).unwrap_err().to_string();
        assert!(
            err.contains("replaced by VIP000002") && err.contains("present card VIP000002"),
            "{err}"
        );
    }

    #[test]
    fn a_card_not_lost_cannot_be_reissued() {
        let r = ClubRules::default();
        let mut c = issue("VIP000001".into(), "M000001", d("2026-01-01"), &[]).unwrap();
        assert!(reissue(
            &member(),
            &mut c,
            "VIP000002".into(),
            d("2026-01-02"),
            &r,
            &[]
        )
        .is_err());
    }

    #[test]
    fn a_used_number_cannot_be_issued_again() {
        let c = issue("VIP000001".into(), "M000001", d("2026-01-01"), &[]).unwrap();
        assert!(issue("VIP000001".into(), "M000002", d("2026-01-02"), &[c]).is_err());
    }

    #[test]
    fn numbers_follow_prefix_and_width() {
        let mut r = ClubRules::default();
        r.card.prefix = "G".into();
        r.card.digits = 4;
        assert_eq!(next_number(&[], &r), "G0001");
    }
}
