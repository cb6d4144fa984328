//! One function per command: open the store, call the domain, commit, and
//! hand back a result for the cli to render. Nothing here parses arguments
//! or prints.

pub mod book;
pub mod card;
pub mod data;
pub mod event;
pub mod explain;
pub mod generate;
pub mod import;
pub mod lang;
pub mod lead;
pub mod member;
pub mod points;
pub mod report;
pub mod rules;
pub mod staff;
pub mod tier;
pub mod wallet;

use crate::domain::ledger::{next_entry_id, EntryKind, LedgerEntry};
use crate::domain::member::Member;
use crate::domain::{Cents, DomainError};
use crate::error::Result;
use crate::store::{records, Access, AuditEntry, Record, Store, Txn};
use chrono::NaiveDate;
use std::path::PathBuf;
use std::time::Duration;

/// Everything a command needs from outside: set up once in `main`, so no
/// rule reads the clock or the environment itself.
#[derive(Debug, Clone)]
pub struct Ctx {
    pub data: PathBuf,
    /// The business day every rule uses (`--today`, else the clock).
    pub today: NaiveDate,
    /// Wall-clock time for the audit trail, RFC 3339 UTC.
    pub now: String,
    pub operator: String,
    /// The command line, for the audit trail and the lock holder note.
    pub command: String,
    pub dry_run: bool,
    pub wait: Duration,
}

impl Ctx {
    /// The store for reading. A torn journal line stops every command
    /// but `data check` and `data repair`: balances and reports derive
    /// from the journals, so none of them is to be trusted until it is
    /// repaired.
    pub fn read(&self) -> Result<Store> {
        let store = self.read_as_is()?;
        store.check_journals()?;
        Ok(store)
    }

    /// The store for changing, refused on a torn journal line like `read`.
    pub fn write(&self) -> Result<Store> {
        let store = self.write_as_is()?;
        store.check_journals()?;
        Ok(store)
    }

    /// The store for reading, torn journal lines and all (`data check`).
    pub fn read_as_is(&self) -> Result<Store> {
        Ok(Store::open(
            &self.data,
            Access::Read,
            self.wait,
            &self.command,
        )?)
    }

    /// The store for changing, torn journal lines and all (`data repair`).
    pub fn write_as_is(&self) -> Result<Store> {
        Ok(Store::open(
            &self.data,
            Access::Write,
            self.wait,
            &self.command,
        )?)
    }

    /// The store of any format this clubctl reads, for `data migrate`.
    pub fn migrate_store(&self) -> Result<Store> {
        Ok(Store::open(
            &self.data,
            Access::Migrate,
            self.wait,
            &self.command,
        )?)
    }

    /// Commits unless this is a dry run; says which files were (or would
    /// have been) changed.
    pub fn finish(&self, store: &mut Store, mut txn: Txn) -> Result<Vec<String>> {
        store.prepare(&mut txn)?;
        let files = txn.files();
        if !self.dry_run {
            store.commit(txn)?;
        }
        Ok(files)
    }

    /// An audit line for a change to `after` (`before` is `None` for a new
    /// record).
    pub fn audit<T: Record>(&self, action: &str, before: Option<&T>, after: &T) -> AuditEntry {
        self.audit_note(action, after.key(), records::changes(before, after))
    }

    pub fn audit_note(&self, action: &str, record: &str, changes: String) -> AuditEntry {
        AuditEntry {
            at: self.now.clone(),
            date: self.today,
            operator: self.operator.clone(),
            record: record.to_string(),
            action: action.to_string(),
            changes,
            command: self.command.clone(),
        }
    }
}

/// Hands out ledger ids for one transaction, continuing from the journal's
/// last id.
pub struct LedgerIds {
    pub(crate) last: Option<String>,
}

impl LedgerIds {
    pub fn new(store: &Store) -> Result<LedgerIds> {
        Ok(LedgerIds {
            last: store.last_entry_id()?,
        })
    }

    pub fn take(&mut self) -> String {
        let id = next_entry_id(self.last.as_deref());
        self.last = Some(id.clone());
        id
    }
}

/// A ledger entry dated today, made by this command's operator.
pub fn entry(
    ctx: &Ctx,
    ids: &mut LedgerIds,
    kind: EntryKind,
    member: &str,
    cents: Cents,
    points: i64,
    note: &str,
) -> LedgerEntry {
    LedgerEntry {
        id: ids.take(),
        date: ctx.today,
        kind,
        member: member.to_string(),
        cents,
        points,
        reference: String::new(),
        operator: ctx.operator.clone(),
        note: note.to_string(),
    }
}

/// The member id behind what the till typed: a member id, or the number of
/// the card presented, looked up in the card table by its key. A lost or
/// replaced card is refused (no card, no points).
pub fn member_at_till(store: &Store, who: &str, today: NaiveDate) -> Result<String> {
    if store.find::<Member>(who)?.is_some() {
        return Ok(who.to_string());
    }
    if let Some(card) = store.find::<crate::domain::card::Card>(who)? {
        return Ok(crate::domain::card::at_till(&card, today, store.rules())?.to_string());
    }
    Err(DomainError::NotFound(format!(
        "no member {who}, and no card with that number; find the member with `clubctl member list --search TEXT`"
    ))
    .into())
}

/// One member by id, reading one shard, or the refusal naming how to find
/// the id.
pub fn get(store: &Store, id: &str) -> Result<Member> {
    store.find::<Member>(id)?.ok_or_else(|| {
        DomainError::NotFound(format!(
            "no member {id}; find the id with `clubctl member list --search TEXT`"
        ))
        .into()
    })
}

/// The member with `id`, or a not-found error that says how to look.
pub fn find<'a>(members: &'a [Member], id: &str) -> Result<(usize, &'a Member)> {
    members
        .iter()
        .enumerate()
        .find(|(_, m)| m.id == id)
        .ok_or_else(|| {
            DomainError::NotFound(format!(
                "no member {id}; find the id with `clubctl member list --search TEXT`"
            ))
            .into()
        })
}
