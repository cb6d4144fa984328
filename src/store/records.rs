//! Which record lives in which file, at which format version.

use super::codec::Record;
use super::index::{Index, Spread};
use crate::domain::card::Card;
use crate::domain::event::{Event, Registration};
use crate::domain::lead::{FollowUp, Lead, LeadEvent, LeadStatus};
use crate::domain::ledger::LedgerEntry;
use crate::domain::member::Member;
use crate::domain::points::Account;
use crate::domain::rules::RewardRule;
use crate::domain::staff::Staff;
use crate::domain::tier::TierChange;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

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
    const VERSION: u32 = 2;
    const SHARDS: Option<&'static str> = Some("members");
    const INDEXES: &'static [Index<Member>] = &[Index {
        dir: "index/phones",
        column: "phone",
        spread: Spread::LastDigits,
        value: |m| Some(Cow::Borrowed(&m.phone)),
    }];
    /// Also the names an audit line's changes use for a member's fields.
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
    const VERSION: u32 = 2;
    const SHARDS: Option<&'static str> = Some("cards");
    const INDEXES: &'static [Index<Card>] = &[Index {
        dir: "index/card-holders",
        column: "member",
        spread: Spread::LastDigits,
        value: |c| Some(Cow::Borrowed(&c.member)),
    }];
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

impl Record for Event {
    const FILE: &'static str = "events.csv";
    const VERSION: u32 = 1;
    const HEADER: &'static [&'static str] = &[
        "id", "title", "kind", "date", "end", "location", "capacity", "budget", "fee", "min_tier",
        "points", "status", "cost", "reason",
    ];
    const JOURNAL: bool = false;
    fn key(&self) -> &str {
        &self.id
    }
}

/// Kept in one shard per event (`registrations/E0001.csv`): registering,
/// checking in or closing reads the event's registrations alone.
impl Record for Registration {
    const FILE: &'static str = "registrations.csv";
    const VERSION: u32 = 2;
    const SHARDS: Option<&'static str> = Some("registrations");
    fn shard_of(key: &str) -> &str {
        super::shard::owner(key)
    }
    const HEADER: &'static [&'static str] = &[
        "id",
        "event",
        "member",
        "status",
        "seq",
        "registered",
        "paid",
        "pay",
        "payment",
        "refunded",
        "attended",
        "walk_in",
        "score",
        "comment",
    ];
    const JOURNAL: bool = false;
    fn key(&self) -> &str {
        &self.id
    }
}

/// The leads of a phone number, all of them.
pub const LEAD_PHONES: Index<Lead> = Index {
    dir: "index/lead-phones",
    column: "phone",
    spread: Spread::LastDigits,
    value: |l| Some(Cow::Borrowed(&l.phone)),
};

/// The leads of a company, by its comparable name (see
/// `lead::company_key`); a lead of a person is in none.
pub const LEAD_COMPANIES: Index<Lead> = Index {
    dir: "index/lead-companies",
    column: "company",
    spread: Spread::Hashed,
    value: |l| Some(Cow::Owned(crate::domain::lead::company_key(&l.company))),
};

/// The live leads of each salesperson: at most `lead.max_active` each,
/// plus those whose term ran out since the last `lead expire`.
pub const LIVE_LEADS: Index<Lead> = Index {
    dir: "index/live-leads",
    column: "owner",
    spread: Spread::LastDigits,
    value: |l| (l.status == LeadStatus::Live).then_some(Cow::Borrowed(&l.owner)),
};

/// Kept in shards of a thousand ids (`leads/L000.csv`), with the indexes
/// the claiming rules look leads up in.
impl Record for Lead {
    const FILE: &'static str = "leads.csv";
    const VERSION: u32 = 2;
    const SHARDS: Option<&'static str> = Some("leads");
    const INDEXES: &'static [Index<Lead>] = &[LEAD_PHONES, LEAD_COMPANIES, LIVE_LEADS];
    const HEADER: &'static [&'static str] = &[
        "id",
        "name",
        "phone",
        "company",
        "nominee",
        "owner",
        "status",
        "claimed",
        "until",
        "since",
        "member",
        "shared_with",
        "note",
    ];
    const JOURNAL: bool = false;
    fn key(&self) -> &str {
        &self.id
    }
}

/// A journal kept in shards by lead (`lead_events/L000.csv` holds the
/// events of L000000 to L000999, each lead's in the order they happened):
/// a dispute or an arbitration reads the history of its lead alone.
impl Record for LeadEvent {
    const FILE: &'static str = "lead_events.csv";
    const VERSION: u32 = 2;
    const SHARDS: Option<&'static str> = Some("lead_events");
    const HEADER: &'static [&'static str] =
        &["lead", "date", "kind", "sales", "other", "note", "operator"];
    const JOURNAL: bool = true;
    fn key(&self) -> &str {
        &self.lead
    }
}

/// A journal kept in shards by lead, like the lead events.
impl Record for FollowUp {
    const FILE: &'static str = "lead_log.csv";
    const VERSION: u32 = 2;
    const SHARDS: Option<&'static str> = Some("lead_log");
    const HEADER: &'static [&'static str] =
        &["lead", "date", "kind", "note", "next", "sales", "operator"];
    const JOURNAL: bool = true;
    fn key(&self) -> &str {
        &self.lead
    }
}
/// The points and wallet cache, one row per member with any movement:
/// always equal to a replay of the ledger (`data check` proves it).
impl Record for Account {
    const FILE: &'static str = "balances.csv";
    const VERSION: u32 = 2;
    const SHARDS: Option<&'static str> = Some("balances");
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
#[derive(Debug)]
pub struct FileSpec {
    /// The file's name; for a sharded table, the single file it was kept
    /// in before shards (format version 1).
    pub name: &'static str,
    pub version: u32,
    pub journal: bool,
    /// The directory of a sharded table.
    pub shards: Option<&'static str>,
    /// The header row alone: the file as `init` creates it.
    pub header: fn() -> Vec<u8>,
    /// The names of its columns.
    pub columns: &'static [&'static str],
    /// The bucket files of its indexes, empty: as `init` creates them.
    pub indexes: fn() -> super::index::BucketFiles,
    /// The bucket files of its indexes as the table in `store` gives
    /// them: what `data reindex` writes.
    pub derive_indexes: fn(&super::Store) -> super::Result<super::index::BucketFiles>,
}

impl FileSpec {
    /// How the manifest names it: `members/` for a sharded table.
    pub fn manifest_name(&self) -> String {
        match self.shards {
            Some(dir) => format!("{dir}/"),
            None => self.name.to_string(),
        }
    }
}

const fn spec<T: Record>() -> FileSpec {
    FileSpec {
        name: T::FILE,
        version: T::VERSION,
        journal: T::JOURNAL,
        shards: T::SHARDS,
        header: super::codec::header::<T>,
        columns: T::HEADER,
        indexes: super::index::empty::<T>,
        derive_indexes: super::Store::indexes_of::<T>,
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
    spec::<Event>(),
    spec::<Registration>(),
    spec::<Lead>(),
    spec::<LeadEvent>(),
    spec::<FollowUp>(),
    spec::<Account>(),
    spec::<RewardRule>(),
    spec::<TierChange>(),
];

/// The spec of a file by its manifest name (`members/`, `ledger.csv`) or
/// its path in the data directory (`members/M000.csv`).
pub fn spec_of(name: &str) -> Option<&'static FileSpec> {
    FILES.iter().find(|f| match f.shards {
        Some(dir) => name
            .strip_prefix(dir)
            .is_some_and(|rest| rest.starts_with('/')),
        None => f.name == name,
    })
}

/// The sharded table that was kept in the single file `name` before
/// shards (`members.csv`).
pub fn unsharded_spec(name: &str) -> Option<&'static FileSpec> {
    FILES.iter().find(|f| f.shards.is_some() && f.name == name)
}

/// `field: old → new` for every field in which two records differ, named
/// by the file's header. Fields are read back exactly as the file writes
/// them, with one reader kept per thread (building a reader per call
/// dominated bulk work such as a sweep over a million members).
pub fn changes<T: Record>(before: Option<&T>, after: &T) -> String {
    FIELDS.with(|f| {
        let mut f = f.borrow_mut();
        let new = f.read(after);
        let old = match before {
            Some(b) => f.read(b),
            None => vec![String::new(); new.len()],
        };
        let mut out = String::new();
        for (h, (o, n)) in T::HEADER.iter().zip(old.iter().zip(new.iter())) {
            if o != n {
                if !out.is_empty() {
                    out.push_str("; ");
                }
                out.push_str(h);
                out.push_str(": ");
                out.push_str(o);
                out.push_str(" → ");
                out.push_str(n);
            }
        }
        out
    })
}

thread_local! {
    static FIELDS: std::cell::RefCell<Fields> = std::cell::RefCell::new(Fields::new());
}

/// A reusable reader that splits one encoded record into its fields.
struct Fields {
    reader: csv::Reader<std::io::Cursor<Vec<u8>>>,
    record: csv::StringRecord,
}

impl Fields {
    fn new() -> Fields {
        Fields {
            // Flexible: one reader serves records of different widths.
            reader: csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .from_reader(std::io::Cursor::new(Vec::new())),
            record: csv::StringRecord::new(),
        }
    }

    fn read<T: Record>(&mut self, r: &T) -> Vec<String> {
        let bytes = super::codec::encode_rows(std::slice::from_ref(r), false);
        *self.reader.get_mut() = std::io::Cursor::new(bytes);
        if self.reader.seek(csv::Position::new()).is_err() {
            return Vec::new();
        }
        match self.reader.read_record(&mut self.record) {
            Ok(true) => self.record.iter().map(str::to_string).collect(),
            _ => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::card::CardStatus;
    use crate::domain::lead::{EventKind, FollowUpKind};
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
        round_trip(Lead {
            id: "L000001".into(),
            name: "陈杰".into(),
            phone: "13800000001".into(),
            company: "Acme, Ltd".into(),
            nominee: "Sun Li".into(),
            owner: "S01".into(),
            status: LeadStatus::Converted,
            claimed: d("2026-11-01"),
            until: d("2026-12-10"),
            since: d("2026-11-20"),
            member: "M000001".into(),
            shared_with: "S02".into(),
            note: "=1+1".into(),
        });
        round_trip(LeadEvent {
            lead: "L000001".into(),
            date: d("2026-12-11"),
            kind: EventKind::Arbitrate,
            sales: "S02".into(),
            other: "S01".into(),
            note: "met at the expo".into(),
            operator: "S03".into(),
        });
        round_trip(FollowUp {
            lead: "L000001".into(),
            date: d("2026-11-02"),
            kind: FollowUpKind::Visit,
            note: "toured the course".into(),
            next: None,
            sales: "S01".into(),
            operator: "office".into(),
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
    fn changes_work_for_records_of_any_width_in_turn() {
        let staff = Staff {
            id: "S01".into(),
            name: "李娜".into(),
            role: Role::Sales,
            active: true,
        };
        assert_eq!(
            changes(None, &staff),
            "id:  → S01; name:  → 李娜; role:  → sales; active:  → true"
        );
        let before = member();
        let mut after = before.clone();
        after.note = "dues, \"in arrears\"".into();
        assert_eq!(
            changes(Some(&before), &after),
            "note: line one\nline two → dues, \"in arrears\""
        );
    }

    #[test]
    fn event_records_round_trip_under_their_headers() {
        use crate::domain::event::{EventKind, EventStatus, Pay, RegStatus};
        round_trip(Event {
            id: "E0001".into(),
            title: "Spring tea, \"garden\"".into(),
            kind: EventKind::MemberDay,
            date: d("2026-12-01"),
            end: Some(d("2026-12-02")),
            location: String::new(),
            capacity: Some(20),
            budget: Cents(150000),
            fee: Cents(5000),
            min_tier: "silver".into(),
            points: 50,
            status: EventStatus::Closed,
            cost: Some(Cents(140000)),
            reason: String::new(),
        });
        round_trip(Registration {
            id: "E0001/M000001".into(),
            event: "E0001".into(),
            member: "M000001".into(),
            status: RegStatus::Attended,
            seq: 3,
            registered: d("2026-11-25"),
            paid: Cents(5000),
            pay: Pay::Wallet,
            payment: "T00000009".into(),
            refunded: Cents::ZERO,
            attended: Some(d("2026-12-01")),
            walk_in: false,
            score: Some(4),
            comment: "good, \"tea\"".into(),
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

    #[test]
    fn changes_read_values_with_separators_quotes_and_newlines() {
        let before = member();
        let mut after = before.clone();
        after.note = "a,\"b\"\nc\u{1f}d\u{1e}e".into();
        after.name = "新名字".into();
        assert_eq!(
            changes(Some(&before), &after),
            "name: 王小明, \"Ming\" → 新名字; note: line one\nline two → a,\"b\"\nc\u{1f}d\u{1e}e"
        );
        after.note = "a,\"b\"\nc".into();
        assert_eq!(
            changes(Some(&before), &after),
            "name: 王小明, \"Ming\" → 新名字; note: line one\nline two → a,\"b\"\nc"
        );
        let fresh = changes(None, &before);
        assert!(
            fresh.starts_with("id:  → M000001; name:  → 王小明, \"Ming\"; "),
            "{fresh}"
        );
        assert!(!fresh.contains("email"), "{fresh}");
    }
}
