//! Which record lives in which file, at which format version.

use super::codec::Record;
use crate::domain::card::Card;
use crate::domain::ledger::LedgerEntry;
use crate::domain::member::Member;
use crate::domain::points::Account;
use crate::domain::rules::RewardRule;
use crate::domain::staff::Staff;
use crate::domain::tier::TierChange;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// One line of the audit trail: who did what, when, to which record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditEntry {
    /// Wall-clock time of the change, RFC 3339 UTC.
    pub at: String,
    /// The business day (`--today`).
    pub date: NaiveDate,
    pub operator: String,
    /// The record changed: a member, card or staff id.
    pub record: String,
    /// The step, e.g. `member approve`.
    pub action: String,
    /// `field: old → new` for each field that changed, `; `-separated.
    pub changes: String,
    /// The command line that did it.
    pub command: String,
}

impl Record for Member {
    const FILE: &'static str = "members.csv";
    const VERSION: u32 = 1;
    const HEADER: &'static [&'static str] = &[
        "id", "name", "phone", "email", "gender", "birthday", "kind", "nominee", "referrer",
        "source", "sales", "status", "tier", "card", "applied", "joined", "expires", "since",
        "reason", "note",
    ];
    const JOURNAL: bool = false;
    fn key(&self) -> &str {
        &self.id
    }
}

impl Record for Card {
    const FILE: &'static str = "cards.csv";
    const VERSION: u32 = 1;
    const HEADER: &'static [&'static str] = &[
        "number",
        "member",
        "status",
        "issued",
        "lost_on",
        "replaced_by",
    ];
    const JOURNAL: bool = false;
    fn key(&self) -> &str {
        &self.number
    }
}

impl Record for Staff {
    const FILE: &'static str = "staff.csv";
    const VERSION: u32 = 1;
    const HEADER: &'static [&'static str] = &["id", "name", "role", "active"];
    const JOURNAL: bool = false;
    fn key(&self) -> &str {
        &self.id
    }
}

impl Record for LedgerEntry {
    const FILE: &'static str = "ledger.csv";
    const VERSION: u32 = 1;
    const HEADER: &'static [&'static str] = &[
        "id",
        "date",
        "kind",
        "member",
        "cents",
        "points",
        "reference",
        "operator",
        "note",
    ];
    const JOURNAL: bool = true;
    fn key(&self) -> &str {
        &self.id
    }
}

impl Record for AuditEntry {
    const FILE: &'static str = "audit.csv";
    const VERSION: u32 = 1;
    const HEADER: &'static [&'static str] = &[
        "at", "date", "operator", "record", "action", "changes", "command",
    ];
    const JOURNAL: bool = true;
    fn key(&self) -> &str {
        &self.record
    }
}

/// The points and wallet cache, one row per member with any movement:
/// always equal to a replay of the ledger (`data check` proves it).
impl Record for Account {
    const FILE: &'static str = "balances.csv";
    const VERSION: u32 = 1;
    const HEADER: &'static [&'static str] = &["member", "points", "wallet", "recharged", "lots"];
    const JOURNAL: bool = false;
    fn key(&self) -> &str {
        &self.member
    }
}

/// The rewards catalogue and the stock left.
impl Record for RewardRule {
    const FILE: &'static str = "rewards.csv";
    const VERSION: u32 = 1;
    const HEADER: &'static [&'static str] = &["code", "name", "points", "stock", "min_tier"];
    const JOURNAL: bool = false;
    fn key(&self) -> &str {
        &self.code
    }
}

/// Every tier change with the figures that decided it.
impl Record for TierChange {
    const FILE: &'static str = "tier_history.csv";
    const VERSION: u32 = 1;
    const HEADER: &'static [&'static str] = &["date", "member", "from", "to", "reason"];
    const JOURNAL: bool = true;
    fn key(&self) -> &str {
        &self.member
    }
}

/// A file the store knows: its name, version, kind and empty contents.
pub struct FileSpec {
    pub name: &'static str,
    pub version: u32,
    pub journal: bool,
    /// The header row alone: the file as `init` creates it.
    pub header: fn() -> Vec<u8>,
}

const fn spec<T: Record>() -> FileSpec {
    FileSpec {
        name: T::FILE,
        version: T::VERSION,
        journal: T::JOURNAL,
        header: super::codec::header::<T>,
    }
}

/// Every file the store knows. A new record type is registered here once;
/// `init`, the manifest, journal appends and `data repair` follow.
pub const FILES: &[FileSpec] = &[
    spec::<Member>(),
    spec::<Card>(),
    spec::<Staff>(),
    spec::<LedgerEntry>(),
    spec::<AuditEntry>(),
    spec::<Account>(),
    spec::<RewardRule>(),
    spec::<TierChange>(),
];

/// The spec of a known file.
pub fn spec_of(name: &str) -> Option<&'static FileSpec> {
    FILES.iter().find(|f| f.name == name)
}

/// `field: old → new` for every field in which two records differ, named
/// by the file's header.
pub fn changes<T: Record>(before: Option<&T>, after: &T) -> String {
    let fields = |r: &T| -> Vec<String> {
        let bytes = super::codec::encode_rows(std::slice::from_ref(r), false);
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(bytes.as_slice());
        rdr.records()
            .next()
            .and_then(|r| r.ok())
            .map(|r| r.iter().map(str::to_string).collect())
            .unwrap_or_default()
    };
    let new = fields(after);
    let old = before
        .map(fields)
        .unwrap_or_else(|| vec![String::new(); new.len()]);
    T::HEADER
        .iter()
        .zip(old.iter().zip(new.iter()))
        .filter(|(_, (o, n))| o != n)
        .map(|(h, (o, n))| format!("{h}: {o} → {n}"))
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::card::CardStatus;
    use crate::domain::ledger::EntryKind;
    use crate::domain::member::{Kind, Status};
    use crate::domain::staff::Role;
    use crate::domain::Cents;
    use crate::store::codec::{encode, scan_bytes};
    use std::path::Path;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn member() -> Member {
        Member {
            id: "M000001".into(),
            name: "王小明, \"Ming\"".into(),
            phone: "13800000001".into(),
            email: String::new(),
            gender: None,
            birthday: Some(d("2000-02-29")),
            kind: Kind::Individual,
            nominee: String::new(),
            referrer: String::new(),
            source: "walk-in".into(),
            sales: "S01".into(),
            status: Status::Active,
            tier: "gold".into(),
            card: "VIP000001".into(),
            applied: d("2026-01-01"),
            joined: Some(d("2026-01-02")),
            expires: Some(d("2027-01-02")),
            since: d("2026-01-02"),
            reason: String::new(),
            note: "line one\nline two".into(),
        }
    }

    /// Writes `row` and reads it back: the header constant must match the
    /// serde field order, or the round trip fails.
    fn round_trip<T: Record + PartialEq + std::fmt::Debug + Clone>(row: T) {
        let bytes = encode(std::slice::from_ref(&row));
        let scan = scan_bytes::<T>(Path::new(T::FILE), &bytes);
        assert!(scan.problems.is_empty(), "{:?}", scan.problems);
        assert_eq!(scan.rows.len(), 1);
        assert_eq!(scan.rows[0].1, row);
        let mut w = csv::Writer::from_writer(vec![]);
        w.serialize(&row).unwrap();
        let text = String::from_utf8(w.into_inner().unwrap()).unwrap();
        assert!(text.starts_with(&(T::HEADER.join(",") + "\n")), "{text}");
    }

    #[test]
    fn every_record_round_trips_under_its_header() {
        round_trip(member());
        round_trip(Card {
            number: "VIP000001".into(),
            member: "M000001".into(),
            status: CardStatus::Lost,
            issued: d("2026-01-02"),
            lost_on: Some(d("2026-03-01")),
            replaced_by: String::new(),
        });
        round_trip(Staff {
            id: "S01".into(),
            name: "李娜".into(),
            role: Role::Sales,
            active: true,
        });
        round_trip(LedgerEntry {
            id: "T00000001".into(),
            date: d("2026-01-02"),
            kind: EntryKind::Dues,
            member: "M000001".into(),
            cents: Cents(128050),
            points: -50,
            reference: String::new(),
            operator: "office".into(),
            note: String::new(),
        });
        round_trip(AuditEntry {
            at: "2026-01-02T03:04:05Z".into(),
            date: d("2026-01-02"),
            operator: "office".into(),
            record: "M000001".into(),
            action: "member approve".into(),
            changes: "status: pending → active".into(),
            command: "clubctl member approve M000001".into(),
        });
    }

    #[test]
    fn changes_name_each_field_with_old_and_new() {
        let before = member();
        let mut after = before.clone();
        after.status = Status::Frozen;
        after.reason = "arrears".into();
        assert_eq!(
            changes(Some(&before), &after),
            "status: active → frozen; reason:  → arrears"
        );
        assert_eq!(changes(Some(&before), &before), "");
    }
}
