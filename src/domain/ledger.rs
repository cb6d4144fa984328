//! The ledger: every movement of money and points, one journal line each.
//! Balances are derived from it, never edited.

use super::money::Cents;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EntryKind {
    /// Membership dues paid on approval or renewal.
    Dues,
    /// A fee, such as a card replacement.
    Fee,
    /// A purchase (money only; its points are a separate `earn`).
    Spend,
    /// Points earned by a purchase.
    Earn,
    /// Points granted by hand (sign-in, sharing, referral, event).
    Grant,
    /// Points spent on a reward or a bill.
    Redeem,
    /// Points that lapsed.
    Expire,
    /// Points given up on leaving or removal.
    Forfeit,
    /// A refund taking back a spend and its points.
    Reverse,
    /// Stored value topped up.
    Recharge,
    /// Stored value added by a campaign or a referral.
    Bonus,
    /// Stored value paid out.
    Pay,
}

impl EntryKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EntryKind::Dues => "dues",
            EntryKind::Fee => "fee",
            EntryKind::Spend => "spend",
            EntryKind::Earn => "earn",
            EntryKind::Grant => "grant",
            EntryKind::Redeem => "redeem",
            EntryKind::Expire => "expire",
            EntryKind::Forfeit => "forfeit",
            EntryKind::Reverse => "reverse",
            EntryKind::Recharge => "recharge",
            EntryKind::Bonus => "bonus",
            EntryKind::Pay => "pay",
        }
    }
}

/// One line of the ledger journal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LedgerEntry {
    pub id: String,
    /// The business day the entry belongs to (`--today`).
    pub date: NaiveDate,
    pub kind: EntryKind,
    pub member: String,
    pub cents: Cents,
    #[serde(deserialize_with = "crate::domain::bounds::de_points")]
    pub points: i64,
    /// Receipt, reward code or the transaction a reversal takes back.
    pub reference: String,
    pub operator: String,
    pub note: String,
}

/// Balances derived from a member's entries.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Balances {
    pub points: i64,
    /// Stored value held.
    pub wallet: Cents,
}

impl Balances {
    pub fn add(&mut self, e: &LedgerEntry) {
        self.points += e.points;
        match e.kind {
            EntryKind::Recharge | EntryKind::Bonus | EntryKind::Pay => {
                self.wallet = Cents(self.wallet.0 + e.cents.0)
            }
            _ => {}
        }
    }
}

/// The id after `last` in the `T00000001` sequence.
pub fn next_entry_id(last: Option<&str>) -> String {
    let n = last
        .and_then(|id| id.strip_prefix('T')?.parse::<u64>().ok())
        .unwrap_or(0);
    format!("T{:08}", n + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entry_ids_count_up() {
        assert_eq!(next_entry_id(None), "T00000001");
        assert_eq!(next_entry_id(Some("T00000041")), "T00000042");
    }
}
