//! The ledger with its caches: a command posts entries through a `Book`,
//! which hands out ids, keeps each member's `Account` (balances.csv) and
//! the receipt index up to date, and puts journal, cache and index into one
//! transaction, so they commit together or not at all. A posting never
//! reads the journal: its cost grows with the number of members (the cache
//! is one table) but not with the length of the ledger.

use super::{Ctx, LedgerIds};
use crate::domain::ledger::{EntryKind, LedgerEntry};
use crate::domain::points::Account;
use crate::domain::Cents;
use crate::error::{Error, Result};
use crate::store::{receipts, Problem, Record, Store, Txn};
use rustc_hash::{FxHashMap, FxHashSet};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write as _;

pub struct Book {
    /// By member (sorted when written).
    accounts: FxHashMap<String, Account>,
    ids: LedgerIds,
    /// The entries posted, kept for the command to report (not kept in a
    /// large import, see `stream`).
    pub entries: Vec<LedgerEntry>,
    /// The journal lines, encoded as each entry is posted.
    journal: csv::Writer<Vec<u8>>,
    posted: usize,
    keep: bool,
    /// The last date written, formatted once.
    day: (chrono::NaiveDate, String),
    /// Index lines by bucket number.
    index: BTreeMap<u16, Vec<u8>>,
    /// When only some accounts were loaded (`open_for`): their members. The
    /// cache is then written by splicing those rows into the table.
    only: Option<FxHashSet<String>>,
}

/// The receipt key an entry claims: a purchase's till receipt, or the
/// receipt a wallet payment settled. None for other entries.
pub fn receipt_key(e: &LedgerEntry) -> Option<String> {
    if e.reference.is_empty() {
        return None;
    }
    match e.kind {
        EntryKind::Spend => Some(format!("spend:{}", e.reference)),
        EntryKind::Pay if e.cents.0 < 0 => Some(format!("pay:{}", e.reference)),
        _ => None,
    }
}

impl Book {
    /// Every account loaded: for commands touching many members.
    pub fn open(store: &Store) -> Result<Book> {
        let rows: Vec<Account> = store.load()?;
        Book::with(store, rows, None)
    }

    /// Only these members' accounts loaded, and only these may be posted
    /// to: a single grant then decodes and encodes one or two rows, and
    /// copies the rest of the table as bytes.
    pub fn open_for(store: &Store, members: &[&str]) -> Result<Book> {
        let keys: HashSet<&str> = members.iter().copied().collect();
        let rows: Vec<Account> = store.find_many(&keys)?;
        let only = members.iter().map(|m| m.to_string()).collect();
        Book::with(store, rows, Some(only))
    }

    fn with(store: &Store, rows: Vec<Account>, only: Option<FxHashSet<String>>) -> Result<Book> {
        Ok(Book {
            only,
            accounts: rows.into_iter().map(|a| (a.member.clone(), a)).collect(),
            ids: LedgerIds::new(store)?,
            entries: Vec::new(),
            journal: csv::WriterBuilder::new()
                .has_headers(false)
                .from_writer(Vec::new()),
            posted: 0,
            keep: true,
            day: (chrono::NaiveDate::MIN, chrono::NaiveDate::MIN.to_string()),
            index: BTreeMap::new(),
        })
    }

    /// The member's account (an empty one when they have no movement).
    pub fn account(&self, member: &str) -> Account {
        self.accounts
            .get(member)
            .cloned()
            .unwrap_or_else(|| Account::new(member))
    }

    /// Every account, in no particular order.
    pub fn accounts(&self) -> impl Iterator<Item = &Account> {
        self.accounts.values()
    }

    /// Records an entry dated today by this command's operator, applying it
    /// to the member's account; returns its id. The commands check their rules first; an
    /// entry the account cannot take is a bug, not a refusal.
    #[allow(clippy::too_many_arguments)]
    pub fn post(
        &mut self,
        ctx: &Ctx,
        kind: EntryKind,
        member: &str,
        cents: Cents,
        points: i64,
        reference: &str,
        note: &str,
    ) -> Result<String> {
        let mut e = super::entry(ctx, &mut self.ids, kind, member, cents, points, note);
        e.reference = reference.to_string();
        let id = e.id.clone();
        self.post_entry(e)?;
        Ok(id)
    }

    fn post_entry(&mut self, e: LedgerEntry) -> Result<()> {
        if self.only.as_ref().is_some_and(|o| !o.contains(&e.member)) {
            return Err(Error::Failure(format!(
                "internal: posting to {} whose account was not loaded",
                e.member
            )));
        }
        self.accounts
            .entry(e.member.clone())
            .or_insert_with(|| Account::new(&e.member))
            .apply(&e)
            .map_err(|msg| Error::Failure(format!("internal: {msg}")))?;
        if let Some(key) = receipt_key(&e) {
            self.index
                .entry(receipts::bucket_no(&key))
                .or_default()
                .extend_from_slice(&receipts::line(&key, &e.id));
        }
        self.encode(&e)?;
        self.posted += 1;
        if self.keep {
            self.entries.push(e);
        }
        Ok(())
    }

    /// One journal line, field by field as the serde encoding of a
    /// `LedgerEntry` writes it (the round trip is checked by a test), but
    /// without serde's per-field overhead, which dominates a large import.
    fn encode(&mut self, e: &LedgerEntry) -> Result<()> {
        let mut num = String::with_capacity(24);
        let _ = write!(num, "{}", e.cents);
        let cents_end = num.len();
        let _ = write!(num, "{}", e.points);
        if self.day.0 != e.date {
            self.day = (e.date, e.date.to_string());
        }
        self.journal
            .write_record([
                e.id.as_str(),
                self.day.1.as_str(),
                e.kind.as_str(),
                e.member.as_str(),
                &num[..cents_end],
                &num[cents_end..],
                e.reference.as_str(),
                e.operator.as_str(),
                e.note.as_str(),
            ])
            .map_err(|err| Error::Failure(format!("internal: encoding entry {}: {err}", e.id)))
    }

    /// Entries posted so far.
    pub fn posted(&self) -> usize {
        self.posted
    }

    /// For a large import: entries go straight into the journal lines and
    /// are not kept as records, which saves memory and a second pass.
    pub fn stream(&mut self) {
        self.keep = false;
    }

    /// Writes the posted entries with the rest of `txn` and commits (in a
    /// dry run, only says which files would change); returns the entries
    /// and the files.
    pub fn commit(
        mut self,
        ctx: &Ctx,
        store: &mut Store,
        mut txn: Txn,
    ) -> Result<(Vec<LedgerEntry>, Vec<String>)> {
        let entries = std::mem::take(&mut self.entries);
        self.write(store, &mut txn)?;
        Ok((entries, ctx.finish(store, txn)?))
    }

    /// Puts the new entries, the cache and the index lines into `txn`.
    pub fn write(self, store: &Store, txn: &mut Txn) -> Result<()> {
        if self.posted == 0 {
            return Ok(());
        }
        let lines = self
            .journal
            .into_inner()
            .map_err(|e| Error::Failure(format!("internal: encoding entries: {e}")))?;
        txn.append_lines(LedgerEntry::FILE, &lines);
        let mut rows: Vec<Account> = self.accounts.into_values().collect();
        if self.only.is_some() {
            txn.put_table_bytes::<Account>(store.splice(&mut rows)?);
        } else {
            txn.put_table(&mut rows);
        }
        for (n, bytes) in &self.index {
            txn.append_lines(&receipts::bucket_file(*n), bytes);
        }
        Ok(())
    }
}

/// The receipts among `keys` that an entry already used, with its id.
pub fn used_receipts<S: std::hash::BuildHasher>(
    store: &Store,
    keys: &HashSet<String, S>,
) -> Result<HashMap<String, String>> {
    Ok(store.receipts(keys)?)
}

/// `data check`'s part: balances.csv and the receipt index must equal a
/// replay of the ledger, and the replay must never overdraw.
pub fn check(store: &Store, ledger: &[(u64, LedgerEntry)], out: &mut Vec<Problem>) -> Result<()> {
    let ledger_path = store.dir().join(LedgerEntry::FILE);
    let cache_path = store.dir().join(Account::FILE);
    let mut replay: BTreeMap<&str, Account> = BTreeMap::new();
    let mut keys: HashMap<String, &str> = HashMap::new();
    for (line, e) in ledger {
        let acc = replay
            .entry(e.member.as_str())
            .or_insert_with(|| Account::new(&e.member));
        if let Err(msg) = acc.apply(e) {
            out.push(Problem {
                path: ledger_path.clone(),
                line: *line,
                msg,
            });
        }
        if let Some(k) = receipt_key(e) {
            if let Some(first) = keys.insert(k.clone(), &e.id) {
                out.push(Problem {
                    path: ledger_path.clone(),
                    line: *line,
                    msg: format!(
                        "entry {} uses receipt '{}' already used by {first}",
                        e.id, e.reference
                    ),
                });
            }
        }
    }
    let scan = store.scan::<Account>()?;
    out.extend(scan.problems);
    let mut seen = HashSet::new();
    let mut prev: Option<&str> = None;
    for (line, cached) in &scan.rows {
        // Single-member commands splice rows into place by key, so the
        // table must stay sorted with one row per member.
        if prev.is_some_and(|p| p >= cached.member.as_str()) {
            out.push(Problem {
                path: cache_path.clone(),
                line: *line,
                msg: format!(
                    "{} is out of order or repeated (after {}). Run `clubctl points rebuild`",
                    cached.member,
                    prev.unwrap_or_default()
                ),
            });
        }
        prev = Some(cached.member.as_str());
        seen.insert(cached.member.as_str());
        let expected = replay
            .get(cached.member.as_str())
            .cloned()
            .unwrap_or_else(|| Account::new(&cached.member));
        if cached.points != cached.lots.total() {
            out.push(Problem {
                path: cache_path.clone(),
                line: *line,
                msg: format!(
                    "{}: points {} but the lots hold {}",
                    cached.member,
                    cached.points,
                    cached.lots.total()
                ),
            });
        }
        if *cached != expected {
            out.push(Problem {
                path: cache_path.clone(),
                line: *line,
                msg: format!(
                    "{}: the cache says points {}, wallet {}, recharged {}, lots '{}'; the ledger gives points {}, wallet {}, recharged {}, lots '{}'. Run `clubctl points rebuild` to rebuild the cache from the ledger",
                    cached.member, cached.points, cached.wallet, cached.recharged, cached.lots,
                    expected.points, expected.wallet, expected.recharged, expected.lots
                ),
            });
        }
    }
    for (member, acc) in &replay {
        if !seen.contains(member) && *acc != Account::new(member) {
            out.push(Problem {
                path: cache_path.clone(),
                line: 0,
                msg: format!(
                    "{member} has points {} and wallet {} in the ledger but no row in the cache. Run `clubctl points rebuild`",
                    acc.points, acc.wallet
                ),
            });
        }
    }
    let (rows, problems) = receipts::scan_all(store.dir())?;
    out.extend(problems);
    let mut indexed = HashSet::new();
    for (path, line, key, entry) in rows {
        match keys.get(&key) {
            Some(id) if *id == entry => {
                indexed.insert(key);
            }
            Some(id) => out.push(Problem {
                path,
                line,
                msg: format!("receipt '{key}' points at {entry}, the ledger has it on {id}"),
            }),
            None => out.push(Problem {
                path,
                line,
                msg: format!("receipt '{key}' ({entry}) is not in the ledger"),
            }),
        }
    }
    for (key, id) in &keys {
        if !indexed.contains(key) {
            out.push(Problem {
                path: store.dir().join(receipts::bucket(key)),
                line: 0,
                msg: format!("receipt '{key}' of entry {id} is missing from the index. Run `clubctl points rebuild`"),
            });
        }
    }
    Ok(())
}

/// The balances cache and the receipt index lines by bucket file.
pub type Rebuilt = (Vec<Account>, BTreeMap<String, Vec<u8>>);

/// Replays the whole ledger into the cache and the index, for a data
/// directory whose cache is missing or was edited by hand.
pub fn rebuild(ledger: &[LedgerEntry]) -> std::result::Result<Rebuilt, String> {
    let mut replay: BTreeMap<String, Account> = BTreeMap::new();
    let mut index: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    for e in ledger {
        replay
            .entry(e.member.clone())
            .or_insert_with(|| Account::new(&e.member))
            .apply(e)?;
        if let Some(k) = receipt_key(e) {
            index
                .entry(receipts::bucket(&k))
                .or_default()
                .extend_from_slice(&receipts::line(&k, &e.id));
        }
    }
    Ok((replay.into_values().collect(), index))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ledger::EntryKind;
    use crate::store::codec::encode_rows;

    /// The hand-written journal line is byte for byte what serde writes.
    #[test]
    fn journal_lines_match_the_record_encoding() {
        let entries = [
            LedgerEntry {
                id: "T00000001".into(),
                date: "2028-02-29".parse().unwrap(),
                kind: EntryKind::Reverse,
                member: "M000001".into(),
                cents: Cents(-12850),
                points: -128,
                reference: "POS,\"1\"".into(),
                operator: "王 office".into(),
                note: "line\nbreak".into(),
            },
            LedgerEntry {
                id: "T00000002".into(),
                date: "2026-11-25".parse().unwrap(),
                kind: EntryKind::Grant,
                member: "M000002".into(),
                cents: Cents(5),
                points: 7,
                reference: String::new(),
                operator: "office".into(),
                note: "=1+1".into(),
            },
        ];
        let mut book = Book {
            accounts: FxHashMap::default(),
            ids: LedgerIds { last: None },
            entries: Vec::new(),
            journal: csv::WriterBuilder::new()
                .has_headers(false)
                .from_writer(Vec::new()),
            posted: 0,
            keep: false,
            day: (chrono::NaiveDate::MIN, chrono::NaiveDate::MIN.to_string()),
            index: BTreeMap::new(),
            only: None,
        };
        for e in &entries {
            book.encode(e).unwrap();
        }
        let ours = book.journal.into_inner().unwrap();
        assert_eq!(
            String::from_utf8(ours).unwrap(),
            String::from_utf8(encode_rows(&entries, false)).unwrap()
        );
    }
}
