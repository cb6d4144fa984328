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

pub struct Book {
    /// By member (sorted when written).
    accounts: FxHashMap<String, Account>,
    /// The number of the last ledger id handed out (`T00000042` is 42).
    last_id: u64,
    /// The entries posted, kept for the command to report (not kept in a
    /// large import, see `stream`).
    pub entries: Vec<LedgerEntry>,
    /// The journal lines, encoded as each entry is posted.
    journal: Vec<u8>,
    posted: usize,
    keep: bool,
    /// The last date written, formatted once.
    day: (chrono::NaiveDate, String),
    /// Index lines by bucket number (empty for a bucket not touched).
    index: Vec<Vec<u8>>,
    /// When only some accounts were loaded (`open_for`): their members. The
    /// cache is then written by splicing those rows into the table.
    only: Option<FxHashSet<String>>,
    /// The entry being posted: its strings are reused from one posting to
    /// the next, so a large import allocates nothing per entry.
    scratch: LedgerEntry,
    /// The receipt key of the entry being posted.
    key: String,
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
            last_id: id_number(LedgerIds::new(store)?.last.as_deref()),
            ..Book::empty()
        })
    }

    fn empty() -> Book {
        Book {
            accounts: FxHashMap::default(),
            last_id: 0,
            entries: Vec::new(),
            journal: Vec::new(),
            posted: 0,
            keep: true,
            day: (chrono::NaiveDate::MIN, chrono::NaiveDate::MIN.to_string()),
            index: Vec::new(),
            only: None,
            scratch: LedgerEntry {
                id: String::new(),
                date: chrono::NaiveDate::MIN,
                kind: EntryKind::Grant,
                member: String::new(),
                cents: Cents::ZERO,
                points: 0,
                reference: String::new(),
                operator: String::new(),
                note: String::new(),
            },
            key: String::new(),
        }
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
        self.post_ref(ctx, kind, member, cents, points, reference, note)
            .map(str::to_string)
    }

    /// Like `post`, returning the id borrowed until the next posting: a
    /// large import posts without allocating.
    #[allow(clippy::too_many_arguments)]
    pub fn post_ref(
        &mut self,
        ctx: &Ctx,
        kind: EntryKind,
        member: &str,
        cents: Cents,
        points: i64,
        reference: &str,
        note: &str,
    ) -> Result<&str> {
        if self.only.as_ref().is_some_and(|o| !o.contains(member)) {
            return Err(Error::Failure(format!(
                "internal: posting to {member} whose account was not loaded"
            )));
        }
        self.last_id += 1;
        let e = &mut self.scratch;
        e.id.clear();
        write_id(&mut e.id, self.last_id);
        e.date = ctx.today;
        e.kind = kind;
        set(&mut e.member, member);
        e.cents = cents;
        e.points = points;
        set(&mut e.reference, reference);
        set(&mut e.operator, &ctx.operator);
        set(&mut e.note, note);
        let account = match self.accounts.get_mut(member) {
            Some(a) => a,
            None => self
                .accounts
                .entry(member.to_string())
                .or_insert_with(|| Account::new(member)),
        };
        // A number the balance cannot hold is refused before it is applied,
        // so no entry that would make the account unreadable is written.
        let wallet_move = match kind {
            EntryKind::Recharge | EntryKind::Bonus | EntryKind::Pay => cents,
            _ => Cents::ZERO,
        };
        crate::domain::bounds::add_to_balance(
            member,
            account.points,
            points,
            account.wallet,
            wallet_move,
        )
        .map_err(Error::Usage)?;
        account
            .apply(e)
            .map_err(|msg| Error::Failure(format!("internal: {msg}")))?;
        if receipt_key_into(e, &mut self.key) {
            if self.index.is_empty() {
                self.index = vec![Vec::new(); receipts::BUCKETS as usize];
            }
            let bucket = &mut self.index[usize::from(receipts::bucket_no(&self.key))];
            receipts::push_line(bucket, &self.key, &e.id);
        }
        if self.day.0 != e.date {
            self.day = (e.date, e.date.to_string());
        }
        encode_line(&mut self.journal, &self.day.1, e)?;
        self.posted += 1;
        if self.keep {
            self.entries.push(e.clone());
        }
        Ok(&self.scratch.id)
    }

    /// Makes room for about `entries` more journal lines and `members`
    /// accounts at once, sparing a large import the copies of growing
    /// buffers.
    pub fn reserve(&mut self, entries: usize, members: usize) {
        self.journal.reserve(entries.saturating_mul(72));
        self.accounts
            .reserve(members.saturating_sub(self.accounts.len()));
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
        txn.append_owned(LedgerEntry::FILE, self.journal);
        let mut rows: Vec<Account> = self.accounts.into_values().collect();
        if self.only.is_some() {
            store.put_rows(txn, &mut rows)?;
        } else {
            txn.put_table_with(&mut rows, encode_accounts);
        }
        for (n, bytes) in self.index.into_iter().enumerate() {
            if !bytes.is_empty() {
                txn.append_owned(&receipts::bucket_file(n as u16), bytes);
            }
        }
        Ok(())
    }
}

/// The number of a ledger id, as `next_entry_id` reads it (0 for none).
fn id_number(last: Option<&str>) -> u64 {
    last.and_then(|id| id.strip_prefix('T')?.parse::<u64>().ok())
        .unwrap_or(0)
}

/// Writes ledger id number `n` as `next_entry_id` does: `T` and at least
/// eight digits.
fn write_id(out: &mut String, n: u64) {
    out.push('T');
    let mut digits = [b'0'; 20];
    let mut i = digits.len();
    let mut v = n;
    loop {
        i -= 1;
        digits[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    let start = i.min(digits.len() - 8);
    for &d in &digits[start..] {
        out.push(char::from(d));
    }
}

fn set(s: &mut String, v: &str) {
    if s != v {
        s.clear();
        s.push_str(v);
    }
}

/// Puts the receipt key of `e` (see `receipt_key`) into `key`; false when
/// it has none.
fn receipt_key_into(e: &LedgerEntry, key: &mut String) -> bool {
    if e.reference.is_empty() {
        return false;
    }
    let prefix = match e.kind {
        EntryKind::Spend => "spend:",
        EntryKind::Pay if e.cents.0 < 0 => "pay:",
        _ => return false,
    };
    key.clear();
    key.push_str(prefix);
    key.push_str(&e.reference);
    true
}

/// Appends `n` in decimal.
fn push_int(out: &mut Vec<u8>, n: u64) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    let mut v = n;
    loop {
        i -= 1;
        digits[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[i..]);
}

/// Appends an amount as `Cents` displays it: `-12.50`.
fn push_cents(out: &mut Vec<u8>, c: Cents) {
    if c.0 < 0 {
        out.push(b'-');
    }
    let abs = c.0.unsigned_abs();
    push_int(out, abs / 100);
    out.push(b'.');
    let rest = abs % 100;
    out.push(b'0' + (rest / 10) as u8);
    out.push(b'0' + (rest % 10) as u8);
}

/// Appends an amount as `Cents` displays it, to text.
pub(super) fn push_cents_str(out: &mut String, c: Cents) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    let abs = c.0.unsigned_abs();
    let mut v = abs / 100;
    loop {
        i -= 1;
        digits[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    if c.0 < 0 {
        out.push('-');
    }
    out.extend(digits[i..].iter().map(|&d| char::from(d)));
    out.push('.');
    out.push(char::from(b'0' + (abs % 100 / 10) as u8));
    out.push(char::from(b'0' + (abs % 10) as u8));
}

/// A balances file of rows in member order: byte for byte what
/// `Txn::put_table` writes (a test checks it), without serde's per-field
/// work, which shows in an import touching a million accounts.
fn encode_accounts(rows: &[&Account]) -> Vec<u8> {
    use std::io::Write as _;
    let mut out = crate::store::codec::header::<Account>();
    out.reserve(rows.len() * 48);
    for a in rows {
        if needs_quotes(&a.member) {
            let line = crate::store::codec::encode_rows(std::slice::from_ref(*a), false);
            out.extend_from_slice(&line);
            continue;
        }
        out.extend_from_slice(a.member.as_bytes());
        out.push(b',');
        if a.points < 0 {
            out.push(b'-');
        }
        push_int(&mut out, a.points.unsigned_abs());
        out.push(b',');
        push_cents(&mut out, a.wallet);
        out.push(b',');
        push_cents(&mut out, a.recharged);
        out.push(b',');
        for (i, l) in a.lots.0.iter().enumerate() {
            if i > 0 {
                out.push(b' ');
            }
            // Writing into a Vec cannot fail.
            let _ = write!(out, "{}:", l.earned);
            if l.points < 0 {
                out.push(b'-');
            }
            push_int(&mut out, l.points.unsigned_abs());
        }
        out.push(b'\n');
    }
    out
}

/// Whether the CSV writer would quote a field.
fn needs_quotes(s: &str) -> bool {
    s.bytes().any(|b| matches!(b, b',' | b'"' | b'\n' | b'\r'))
}

/// One journal line, byte for byte as the serde encoding of a
/// `LedgerEntry` writes it (the round trip is checked by a test), but
/// written straight into the buffer: serde's and the CSV writer's
/// per-field work dominates a large import. A line with a field that needs
/// quotes (rare: a comma in a note) goes through the CSV writer.
fn encode_line(out: &mut Vec<u8>, day: &str, e: &LedgerEntry) -> Result<()> {
    let text = [
        e.id.as_str(),
        e.member.as_str(),
        e.reference.as_str(),
        e.operator.as_str(),
        e.note.as_str(),
    ];
    if text.iter().any(|t| needs_quotes(t)) {
        let mut w = csv::WriterBuilder::new()
            .has_headers(false)
            .from_writer(Vec::new());
        w.serialize(e)
            .map_err(|err| Error::Failure(format!("internal: encoding entry {}: {err}", e.id)))?;
        let line = w
            .into_inner()
            .map_err(|err| Error::Failure(format!("internal: encoding entry {}: {err}", e.id)))?;
        out.extend_from_slice(&line);
        return Ok(());
    }
    out.extend_from_slice(e.id.as_bytes());
    out.push(b',');
    out.extend_from_slice(day.as_bytes());
    out.push(b',');
    out.extend_from_slice(e.kind.as_str().as_bytes());
    out.push(b',');
    out.extend_from_slice(e.member.as_bytes());
    out.push(b',');
    push_cents(out, e.cents);
    out.push(b',');
    if e.points < 0 {
        out.push(b'-');
    }
    push_int(out, e.points.unsigned_abs());
    out.push(b',');
    out.extend_from_slice(e.reference.as_bytes());
    out.push(b',');
    out.extend_from_slice(e.operator.as_bytes());
    out.push(b',');
    out.extend_from_slice(e.note.as_bytes());
    out.push(b'\n');
    Ok(())
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
    let mut replay: BTreeMap<&str, Account> = BTreeMap::new();
    let mut keys: HashMap<String, &str> = HashMap::new();
    for (line, e) in ledger {
        let acc = replay
            .entry(e.member.as_str())
            .or_insert_with(|| Account::new(&e.member));
        if let Err(msg) = acc.apply(e) {
            out.push(store.problem(LedgerEntry::FILE, *line, msg));
        }
        if let Some(k) = receipt_key(e) {
            if let Some(first) = keys.insert(k.clone(), &e.id) {
                out.push(store.problem(
                    LedgerEntry::FILE,
                    *line,
                    format!(
                        "entry {} uses receipt '{}' already used by {first}",
                        e.id, e.reference
                    ),
                ));
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
        if prev.is_some_and(|p| {
            crate::store::codec::key_order(p, &cached.member) != std::cmp::Ordering::Less
        }) {
            out.push(Problem {
                path: store.path_of::<Account>(&cached.member),
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
        // A balance below zero is a refund's debt, held with no lots.
        let owing = cached.points < 0 && cached.lots.0.is_empty();
        if cached.points != cached.lots.total() && !owing {
            out.push(Problem {
                path: store.path_of::<Account>(&cached.member),
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
                path: store.path_of::<Account>(&cached.member),
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
                path: store.path_of::<Account>(member),
                line: 0,
                msg: format!(
                    "{member} has points {} and wallet {} in the ledger but no row in the cache. Run `clubctl points rebuild`",
                    acc.points, acc.wallet
                ),
            });
        }
    }
    let (rows, problems) = store.receipt_index()?;
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
            out.push(store.problem(
                &receipts::bucket(key),
                0,
                format!("receipt '{key}' of entry {id} is missing from the index. Run `clubctl points rebuild`"),
            ));
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
        let mut entries = entries.to_vec();
        for (i, (cents, points, note)) in [
            (0, 0, ""),
            (-1, i64::MIN + 1, " spaced "),
            (99, 1, "金卡 × 150%"),
            (-10_000_000_007, 123_456_789, "tab\there"),
            (i64::MIN + 1, i64::MAX, "cr\rhere"),
        ]
        .into_iter()
        .enumerate()
        {
            entries.push(LedgerEntry {
                id: format!("T{:08}", i + 3),
                date: "2026-12-31".parse().unwrap(),
                kind: EntryKind::Pay,
                member: "M000003".into(),
                cents: Cents(cents),
                points,
                reference: String::new(),
                operator: String::new(),
                note: note.into(),
            });
        }
        let mut ours = Vec::new();
        for e in &entries {
            encode_line(&mut ours, &e.date.to_string(), e).unwrap();
        }
        assert_eq!(
            String::from_utf8(ours).unwrap(),
            String::from_utf8(encode_rows(&entries, false)).unwrap()
        );
        for e in &entries {
            let mut text = String::new();
            push_cents_str(&mut text, e.cents);
            assert_eq!(text, e.cents.to_string());
        }
    }

    /// The hand-written balances table is byte for byte what the record
    /// encoding writes, sorted the same way.
    #[test]
    fn the_balances_table_matches_the_record_encoding() {
        use crate::domain::points::{Lots, PointsLot};
        let lot = |d: &str, points| PointsLot {
            earned: d.parse().unwrap(),
            points,
        };
        let mut rows = vec![
            Account {
                member: "M1000000".into(),
                points: 5,
                wallet: Cents(12),
                recharged: Cents(100_000),
                lots: Lots(vec![lot("2028-02-29", 2), lot("2028-03-01", 3)]),
            },
            Account::new("M000002"),
            Account {
                member: "M,\"3".into(),
                points: -1,
                wallet: Cents(-5),
                recharged: Cents::ZERO,
                lots: Lots(vec![lot("2026-11-25", -1)]),
            },
            Account {
                member: "M000001".into(),
                points: 7,
                wallet: Cents::ZERO,
                recharged: Cents::ZERO,
                lots: Lots(vec![lot("2026-01-31", 7)]),
            },
        ];
        let mut expected = rows.clone();
        let mut txn = crate::store::Txn::new();
        txn.put_table(&mut expected);
        let want = crate::store::codec::encode(&expected);
        rows.sort_by(|a, b| crate::store::codec::key_order(&a.member, &b.member));
        let refs: Vec<&Account> = rows.iter().collect();
        let ours = encode_accounts(&refs);
        assert_eq!(
            String::from_utf8(ours).unwrap(),
            String::from_utf8(want).unwrap()
        );
    }

    /// Ids count up as `next_entry_id` makes them, past eight digits too.
    #[test]
    fn ids_are_written_as_next_entry_id_writes_them() {
        for n in [0u64, 1, 41, 99_999_999, 100_000_000, 12_345_678_901] {
            let last = format!("T{n:08}");
            assert_eq!(id_number(Some(&last)), n);
            let mut ours = String::new();
            write_id(&mut ours, n + 1);
            assert_eq!(ours, crate::domain::ledger::next_entry_id(Some(&last)));
        }
        assert_eq!(id_number(None), 0);
        assert_eq!(id_number(Some("X12")), 0);
    }
}
