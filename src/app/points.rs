//! The points commands: grant (one purchase, by hand, or a whole file),
//! redeem, expire, reverse, balance and history.

use super::book::{used_receipts, Book};
use super::{member_at_till, Ctx};
use crate::domain::ledger::{EntryKind, LedgerEntry};
use crate::domain::member::Member;
use crate::domain::points::{self, Account};
use crate::domain::rules::{ClubRules, RewardRule};
use crate::domain::{Cents, DomainError};
use crate::error::Result;
use crate::store::{files, Txn};
use chrono::NaiveDate;
use rustc_hash::FxHashMap;
use std::collections::HashSet;
use std::path::Path;

/// What a changing command did.
#[derive(Debug)]
pub struct Posted {
    /// The entries written, in order.
    pub entries: Vec<LedgerEntry>,
    pub message: String,
    pub files: Vec<String>,
}

/// One grant, as typed on the command line or read from a file row.
#[derive(Debug, Clone, Default)]
pub struct Grant {
    pub member: String,
    pub spend: Option<Cents>,
    pub points: Option<i64>,
    pub category: String,
    pub receipt: String,
    pub reason: String,
}

/// Checks a grant's own values (not the member or the receipt).
fn validate(g: &Grant) -> std::result::Result<(), String> {
    check_values(g.spend, g.points, &g.category, &g.receipt, &g.reason)
}

fn check_values(
    spend: Option<Cents>,
    points: Option<i64>,
    category: &str,
    receipt: &str,
    reason: &str,
) -> std::result::Result<(), String> {
    match (spend, points) {
        (Some(spend), None) => {
            if spend.0 <= 0 {
                return Err(format!("the spend must be more than 0.00, not {spend}"));
            }
        }
        (None, Some(p)) => {
            if p <= 0 {
                return Err(format!(
                    "points granted by hand must be a positive number, not {p}"
                ));
            }
            if reason.trim().is_empty() {
                return Err(
                    "a manual grant needs a reason (sign-in, sharing, referral, event)".into(),
                );
            }
            if !receipt.is_empty() || !category.is_empty() {
                return Err("a receipt or category goes with a spend, not with points".into());
            }
        }
        (Some(_), Some(_)) => {
            return Err("give a spend or points, not both".into());
        }
        (None, None) => return Err("give a spend or points".into()),
    }
    Ok(())
}

/// Posts one checked grant; returns the points it earned or granted.
pub(crate) fn post(
    ctx: &Ctx,
    rules: &ClubRules,
    book: &mut Book,
    m: &Member,
    g: &Grant,
) -> Result<i64> {
    if let Some(spend) = g.spend {
        let spend_id = book.post(
            ctx,
            EntryKind::Spend,
            &m.id,
            spend,
            0,
            &g.receipt,
            &g.category,
        )?;
        let earned = points::earned(spend, &g.category, points::multiplier(m, rules), rules);
        if earned > 0 {
            book.post(
                ctx,
                EntryKind::Earn,
                &m.id,
                Cents::ZERO,
                earned,
                &spend_id,
                &format!(
                    "{spend} yuan × {} × {}%",
                    rules.points.per_yuan,
                    points::multiplier(m, rules)
                ),
            )?;
        }
        Ok(earned)
    } else {
        let p = g.points.unwrap_or(0);
        book.post(
            ctx,
            EntryKind::Grant,
            &m.id,
            Cents::ZERO,
            p,
            "",
            g.reason.trim(),
        )?;
        Ok(p)
    }
}

/// `points grant ID --spend` or `--points`.
pub fn grant(ctx: &Ctx, g: Grant) -> Result<Posted> {
    validate(&g).map_err(DomainError::Invalid)?;
    let mut store = ctx.write()?;
    let id = member_at_till(&store, &g.member, ctx.today)?;
    let member = store.find::<Member>(&id)?.ok_or_else(|| {
        DomainError::NotFound(format!(
            "no member {id}; find the id with `clubctl member list --search TEXT`"
        ))
    })?;
    let m = &member;
    points::require_standing(m, "grant points")?;
    if !g.receipt.is_empty() {
        let key = format!("spend:{}", g.receipt);
        let used = used_receipts(&store, &HashSet::from([key.clone()]))?;
        if let Some(id) = used.get(&key) {
            return Err(DomainError::Refused(format!(
                "receipt {} was already recorded as entry {id}; a retried till earns nothing twice. To correct it, reverse {id} with `clubctl points reverse {id} --reason TEXT` and grant again",
                g.receipt
            ))
            .into());
        }
    }
    let rules = store.rules().clone();
    let mut book = Book::open_for(&store, &[m.id.as_str()])?;
    let n = post(ctx, &rules, &mut book, m, &g)?;
    let balance = book.account(&m.id).points;
    let (entries, files) = book.commit(ctx, &mut store, Txn::new())?;
    let message = match g.spend {
        Some(s) => format!(
            "{}: spend {s} earned {n} points (tier {}); balance {balance}",
            m.id, m.tier
        ),
        None => format!(
            "{}: granted {n} points ({}); balance {balance}",
            m.id,
            g.reason.trim()
        ),
    };
    Ok(Posted {
        entries,
        message,
        files,
    })
}

/// Where a text field of a `--from-csv` row lies in `Rows::text`.
type Span = (u32, u32);

/// A checked row of a `--from-csv` file. Its text lives in one shared
/// buffer, so reading a million rows makes no per-row allocation.
struct FileRow {
    line: u64,
    member: Span,
    spend: Option<Cents>,
    points: Option<i64>,
    category: Span,
    receipt: Span,
    reason: Span,
}

/// The rows of a `--from-csv` file and the text they point into.
#[derive(Default)]
struct Rows {
    text: String,
    rows: Vec<FileRow>,
}

impl Rows {
    fn get(&self, s: Span) -> &str {
        self.text.get(s.0 as usize..s.1 as usize).unwrap_or("")
    }

    fn push(&mut self, field: &str) -> std::result::Result<Span, String> {
        let start = self.text.len();
        self.text.push_str(field);
        match (u32::try_from(start), u32::try_from(self.text.len())) {
            (Ok(a), Ok(b)) => Ok((a, b)),
            _ => Err("the file is too large for one import (4 GB of text); split it".into()),
        }
    }
}

/// The columns of a `--from-csv` file, by position (a column left out
/// reads as empty).
struct Columns {
    member: usize,
    spend: Option<usize>,
    points: Option<usize>,
    category: Option<usize>,
    receipt: Option<usize>,
    reason: Option<usize>,
}

/// Reads the spend and points of a row and checks the row's values.
fn row_values(
    spend: &str,
    points: &str,
    category: &str,
    receipt: &str,
    reason: &str,
) -> std::result::Result<(Option<Cents>, Option<i64>), String> {
    let spend = if spend.is_empty() {
        None
    } else {
        Some(spend.parse::<Cents>().map_err(|e| e.to_string())?)
    };
    let points = if points.is_empty() {
        None
    } else {
        Some(
            points
                .parse::<i64>()
                .map_err(|_| format!("'{points}' is not a whole number of points"))?,
        )
    };
    check_values(spend, points, category, receipt, reason)?;
    Ok((spend, points))
}

/// What a whole-file grant did.
#[derive(Debug)]
pub struct Imported {
    pub rows: usize,
    pub spend: Cents,
    pub points: i64,
    pub members: usize,
    pub entries: usize,
    pub files: Vec<String>,
}

/// `points grant --from-csv FILE`: every row checked first; any bad row
/// refuses the whole file, naming each bad row by its line.
pub fn grant_csv(ctx: &Ctx, file: &Path) -> Result<Imported> {
    let bytes = files::read_input(file)
        .map_err(|e| DomainError::Invalid(format!("cannot read {}: {e}", file.display())))?;
    // Fields are trimmed here rather than by the reader, which would
    // rebuild every record.
    let mut rdr = csv::ReaderBuilder::new().from_reader(bytes.as_slice());
    let headers = rdr
        .headers()
        .map_err(|e| {
            DomainError::Invalid(format!("{}:1: cannot read the header: {e}", file.display()))
        })?
        .clone();
    let col = |name: &str| headers.iter().position(|h| h.trim() == name);
    let Some(member_col) = col("member") else {
        return Err(DomainError::Invalid(format!(
            "{}:1: the header must name the columns member, spend, points, category, receipt, reason (found '{}')",
            file.display(),
            headers.iter().map(str::trim).collect::<Vec<_>>().join(",")
        ))
        .into());
    };
    let cols = Columns {
        member: member_col,
        spend: col("spend"),
        points: col("points"),
        category: col("category"),
        receipt: col("receipt"),
        reason: col("reason"),
    };
    let mut bad: Vec<String> = Vec::new();
    let mut rows = Rows::default();
    rows.rows.reserve(bytes.len() / 24);
    rows.text.reserve(bytes.len() / 2);
    let mut rec = csv::ByteRecord::new();
    loop {
        match rdr.read_byte_record(&mut rec) {
            Ok(false) => break,
            Ok(true) => {
                let line = rec.position().map_or(0, |p| p.line());
                let Ok(text) = std::str::from_utf8(rec.as_slice()) else {
                    bad.push(format!(
                        "line {line}: the row is not valid UTF-8; save the file as UTF-8"
                    ));
                    continue;
                };
                let get = |i: Option<usize>| {
                    i.and_then(|i| rec.range(i))
                        .and_then(|r| text.get(r))
                        .map_or("", str::trim)
                };
                let (member, category, receipt, reason) = (
                    get(Some(cols.member)),
                    get(cols.category),
                    get(cols.receipt),
                    get(cols.reason),
                );
                let values =
                    row_values(get(cols.spend), get(cols.points), category, receipt, reason);
                let (spend, points) = match values {
                    Ok(v) => v,
                    Err(msg) => {
                        bad.push(format!("line {line}: {msg}"));
                        continue;
                    }
                };
                let row = (|| {
                    Ok::<_, String>(FileRow {
                        line,
                        member: rows.push(member)?,
                        spend,
                        points,
                        category: rows.push(category)?,
                        receipt: rows.push(receipt)?,
                        reason: rows.push(reason)?,
                    })
                })()
                .map_err(DomainError::Invalid)?;
                rows.rows.push(row);
            }
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                bad.push(format!("line {line}: {e}"));
                if !matches!(
                    e.kind(),
                    csv::ErrorKind::UnequalLengths { .. } | csv::ErrorKind::Utf8 { .. }
                ) {
                    break;
                }
            }
        }
    }
    drop(bytes);
    let mut store = ctx.write()?;
    let members: Vec<Member> = store.load()?;
    let by_id: FxHashMap<&str, u32> = members
        .iter()
        .enumerate()
        .map(|(i, m)| (m.id.as_str(), i as u32))
        .collect();
    // Each row's member, as an index into `members`.
    let mut who: Vec<u32> = Vec::with_capacity(rows.rows.len());
    let mut in_file: FxHashMap<&str, u64> = FxHashMap::default();
    in_file.reserve(rows.rows.len());
    for r in &rows.rows {
        let id = rows.get(r.member);
        match by_id.get(id) {
            None => bad.push(format!("line {}: no member {id}", r.line)),
            Some(&i) => {
                who.push(i);
                if let Err(e) = points::require_standing(&members[i as usize], "grant points") {
                    bad.push(format!("line {}: {e}", r.line));
                }
            }
        }
        let receipt = rows.get(r.receipt);
        if !receipt.is_empty() {
            if let Some(first) = in_file.insert(receipt, r.line) {
                bad.push(format!(
                    "line {}: receipt {receipt} is also on line {first}",
                    r.line
                ));
            }
        }
    }
    let used = store.receipts_where("spend:", in_file.keys().copied(), |r| {
        in_file.contains_key(r)
    })?;
    if !used.is_empty() {
        let used: FxHashMap<&str, &str> =
            used.iter().map(|(r, e)| (r.as_str(), e.as_str())).collect();
        for r in &rows.rows {
            let receipt = rows.get(r.receipt);
            if let Some(id) = used.get(receipt) {
                bad.push(format!(
                    "line {}: receipt {receipt} was already recorded as entry {id}",
                    r.line
                ));
            }
        }
    }
    if !bad.is_empty() {
        bad.sort_by_key(|b| {
            b.strip_prefix("line ")
                .and_then(|r| r.split(':').next())
                .and_then(|n| n.parse::<u64>().ok())
                .unwrap_or(0)
        });
        return Err(DomainError::Refused(format!(
            "{} has {} bad row(s); nothing was granted. Fix them and run the whole file again:\n  {}",
            file.display(),
            bad.len(),
            bad.join("\n  ")
        ))
        .into());
    }
    drop(in_file);
    let rules = store.rules().clone();
    let mut book = Book::open(&store)?;
    book.stream();
    // A purchase makes two entries (spend and earn), a grant one.
    book.reserve(rows.rows.len() * 2, members.len().min(rows.rows.len()));
    let mut total = Imported {
        rows: rows.rows.len(),
        spend: Cents::ZERO,
        points: 0,
        members: 0,
        entries: 0,
        files: vec![],
    };
    let mut seen = vec![false; members.len()];
    let mut spend_id = String::new();
    let mut note = String::new();
    // The earn note's tail for each multiplier met so far.
    let mut tails: Vec<(u32, String)> = Vec::new();
    for (r, &i) in rows.rows.iter().zip(&who) {
        let m = &members[i as usize];
        if !seen[i as usize] {
            seen[i as usize] = true;
            total.members += 1;
        }
        if let Some(spend) = r.spend {
            let category = rows.get(r.category);
            let id = book.post_ref(
                ctx,
                EntryKind::Spend,
                &m.id,
                spend,
                0,
                rows.get(r.receipt),
                category,
            )?;
            spend_id.clear();
            spend_id.push_str(id);
            let mult = points::multiplier(m, &rules);
            let earned = points::earned(spend, category, mult, &rules);
            if earned > 0 {
                let tail = match tails.iter().find(|(k, _)| *k == mult) {
                    Some((_, t)) => t,
                    None => {
                        tails.push((mult, format!(" yuan × {} × {mult}%", rules.points.per_yuan)));
                        &tails[tails.len() - 1].1
                    }
                };
                note.clear();
                super::book::push_cents_str(&mut note, spend);
                note.push_str(tail);
                book.post_ref(
                    ctx,
                    EntryKind::Earn,
                    &m.id,
                    Cents::ZERO,
                    earned,
                    &spend_id,
                    &note,
                )?;
            }
            total.points += earned;
            total.spend.0 += spend.0;
        } else {
            let p = r.points.unwrap_or(0);
            book.post_ref(
                ctx,
                EntryKind::Grant,
                &m.id,
                Cents::ZERO,
                p,
                "",
                rows.get(r.reason).trim(),
            )?;
            total.points += p;
        }
    }
    total.entries = book.posted();
    let mut txn = Txn::new();
    book.write(&store, &mut txn)?;
    total.files = ctx.finish(&mut store, txn)?;
    Ok(total)
}

/// Lapsed lots of `member` written off before their points are spent.
pub(crate) fn expire_lapsed(
    ctx: &Ctx,
    rules: &ClubRules,
    book: &mut Book,
    member: &str,
) -> Result<i64> {
    let lapsed = book.account(member).lots.lapsed(ctx.today, rules);
    if lapsed > 0 {
        book.post(
            ctx,
            EntryKind::Expire,
            member,
            Cents::ZERO,
            -lapsed,
            "",
            &format!("lapsed after {} months", rules.points.validity_months),
        )?;
    }
    Ok(lapsed)
}

/// The catalogue: rows of rewards.csv, then club.toml's `[[rewards]]` for
/// codes the table does not hold.
pub fn catalogue(store: &crate::store::Store) -> Result<Vec<RewardRule>> {
    let mut rows: Vec<RewardRule> = store.load()?;
    for r in &store.rules().rewards {
        if !rows.iter().any(|x| x.code == r.code) {
            rows.push(r.clone());
        }
    }
    rows.sort_by(|a, b| a.points.cmp(&b.points).then(a.code.cmp(&b.code)));
    Ok(rows)
}

/// `points redeem ID --reward CODE [--qty N]`.
pub fn redeem_reward(ctx: &Ctx, id: &str, code: &str, qty: u32) -> Result<Posted> {
    if qty == 0 {
        return Err(DomainError::Invalid("--qty must be at least 1".into()).into());
    }
    let mut store = ctx.write()?;
    let id = &member_at_till(&store, id, ctx.today)?;
    let m = &super::get(&store, id)?;
    let rules = store.rules().clone();
    let mut table: Vec<RewardRule> = store.load()?;
    let reward = catalogue(&store)?
        .into_iter()
        .find(|r| r.code == code)
        .ok_or_else(|| {
            DomainError::NotFound(format!(
                "no reward {code} in rewards.csv or club.toml; see `clubctl points rewards`"
            ))
        })?;
    points::require_standing(m, "redeem points")?;
    if !reward.min_tier.is_empty() {
        let need = rules.tier_rank(&reward.min_tier).unwrap_or(0);
        let have = rules.tier_rank(&m.tier).unwrap_or(0);
        if have < need {
            return Err(DomainError::Refused(format!(
                "reward {code} ({}) is for tier {} and above; {} is {}",
                reward.name, reward.min_tier, m.id, m.tier
            ))
            .into());
        }
    }
    if reward.stock < qty {
        return Err(DomainError::Refused(format!(
            "reward {code} ({}) has {} left in stock, {qty} asked for; restock it in rewards.csv",
            reward.name, reward.stock
        ))
        .into());
    }
    let cost = reward.points * i64::from(qty);
    let mut book = Book::open_for(&store, &[id])?;
    points::require_points(&book.account(id), cost, ctx.today, &rules)?;
    expire_lapsed(ctx, &rules, &mut book, id)?;
    book.post(
        ctx,
        EntryKind::Redeem,
        id,
        Cents::ZERO,
        -cost,
        code,
        &format!("{qty} × {}", reward.name),
    )?;
    let balance = book.account(id).points;
    let mut after = reward.clone();
    after.stock -= qty;
    let before = table.iter().find(|r| r.code == code).cloned();
    table.retain(|r| r.code != code);
    table.push(after.clone());
    let mut txn = Txn::new();
    txn.put_table(&mut table);
    txn.append(&[ctx.audit("points redeem", before.as_ref().or(Some(&reward)), &after)]);
    let (entries, files) = book.commit(ctx, &mut store, txn)?;
    Ok(Posted {
        entries,
        message: format!(
            "{id}: redeemed {qty} × {} ({code}) for {cost} points; balance {balance}; {} left in stock",
            reward.name, after.stock
        ),
        files,
    })
}

/// `points redeem ID --points N --reason TEXT`: an offset against a bill.
pub fn redeem_points(ctx: &Ctx, id: &str, n: i64, reason: &str) -> Result<Posted> {
    if reason.trim().is_empty() {
        return Err(
            DomainError::Invalid("--reason is needed: what bill the points pay".into()).into(),
        );
    }
    let mut store = ctx.write()?;
    let id = &member_at_till(&store, id, ctx.today)?;
    let m = &super::get(&store, id)?;
    let rules = store.rules().clone();
    points::require_standing(m, "redeem points")?;
    let mut book = Book::open_for(&store, &[id])?;
    points::require_points(&book.account(id), n, ctx.today, &rules)?;
    let value = points::offset_value(n, &rules);
    expire_lapsed(ctx, &rules, &mut book, id)?;
    book.post(
        ctx,
        EntryKind::Redeem,
        id,
        Cents::ZERO,
        -n,
        "",
        &format!("offset {value} yuan: {}", reason.trim()),
    )?;
    let balance = book.account(id).points;
    let (entries, files) = book.commit(ctx, &mut store, Txn::new())?;
    Ok(Posted {
        entries,
        message: format!("{id}: {n} points offset {value} yuan; balance {balance}"),
        files,
    })
}

/// `points expire`: one expire entry per member for what has lapsed.
pub fn expire(ctx: &Ctx) -> Result<Posted> {
    let mut store = ctx.write()?;
    let rules = store.rules().clone();
    let mut book = Book::open(&store)?;
    let mut members: Vec<String> = book
        .accounts()
        .filter(|a| a.lots.lapsed(ctx.today, &rules) > 0)
        .map(|a| a.member.clone())
        .collect();
    members.sort();
    let mut total = 0;
    for m in &members {
        total += expire_lapsed(ctx, &rules, &mut book, m)?;
    }
    let (entries, files) = book.commit(ctx, &mut store, Txn::new())?;
    let message = if entries.is_empty() {
        format!("no points have lapsed by {}; nothing to do", ctx.today)
    } else {
        format!(
            "expired {total} points of {} member(s) lapsed by {}",
            entries.len(),
            ctx.today
        )
    };
    Ok(Posted {
        entries,
        message,
        files,
    })
}

/// `points reverse TXID --reason`: a refund taking back a purchase and the
/// points it earned; what is already spent is owed or charged as
/// `points.refund_overdraft` says.
pub fn reverse(ctx: &Ctx, txid: &str, reason: &str) -> Result<Posted> {
    if reason.trim().is_empty() {
        return Err(DomainError::Invalid(
            "--reason is needed: why the purchase is refunded".into(),
        )
        .into());
    }
    let mut store = ctx.write()?;
    let spend = store.ledger_entry(txid)?.ok_or_else(|| {
        DomainError::NotFound(format!(
            "no ledger entry {txid}; see `clubctl points history MEMBER`"
        ))
    })?;
    if spend.kind != EntryKind::Spend {
        let hint = if spend.kind == EntryKind::Earn && !spend.reference.is_empty() {
            format!("; reverse the purchase {} instead", spend.reference)
        } else {
            String::new()
        };
        return Err(DomainError::Refused(format!(
            "entry {txid} is a {} entry; only a spend can be reversed{hint}",
            spend.kind.as_str()
        ))
        .into());
    }
    // What refers to a purchase is the member's own: their entries are
    // enough.
    let ledger: Vec<LedgerEntry> = store.history(&[&spend.member])?;
    if let Some(r) = ledger
        .iter()
        .find(|e| e.kind == EntryKind::Reverse && e.reference == txid)
    {
        return Err(DomainError::Refused(format!(
            "entry {txid} was already reversed by {} on {}; a purchase is refunded once",
            r.id, r.date
        ))
        .into());
    }
    let earned: i64 = ledger
        .iter()
        .filter(|e| e.kind == EntryKind::Earn && e.reference == txid)
        .map(|e| e.points)
        .sum();
    let mut book = Book::open_for(&store, &[spend.member.as_str()])?;
    let held = book.account(&spend.member).points;
    let r = points::refund(earned, held, spend.cents, store.rules());
    let refunded = Cents(spend.cents.0 - r.charge.0);
    let mut note = reason.trim().to_string();
    if r.charged_points > 0 {
        note += &format!(
            " ({} of {earned} points already spent, charged {})",
            r.charged_points, r.charge
        );
    } else if r.points > held.max(0) {
        note += &format!(
            " ({} of {earned} points already spent, owed)",
            r.points - held.max(0)
        );
    }
    book.post(
        ctx,
        EntryKind::Reverse,
        &spend.member,
        Cents(-refunded.0),
        -r.points,
        txid,
        &note,
    )?;
    let balance = book.account(&spend.member).points;
    let (entries, files) = book.commit(ctx, &mut store, Txn::new())?;
    let mut message = format!(
        "{}: reversed {txid} (spend {}), took back {} of {earned} points; balance {balance}",
        spend.member, spend.cents, r.points
    );
    if r.charged_points > 0 {
        message += &format!(
            "; {} points already spent are charged {}: refund {refunded}",
            r.charged_points, r.charge
        );
    } else if balance < 0 {
        message += &format!(
            "; {} owes {} points, repaid first from later earnings; no redemption until then",
            spend.member, -balance
        );
    }
    Ok(Posted {
        message,
        entries,
        files,
    })
}

/// A member's balance for `points balance`.
#[derive(Debug)]
pub struct Balance {
    pub member: Member,
    pub account: Account,
    pub available: i64,
    pub lapsed: i64,
    pub next_expiry: Option<(NaiveDate, i64)>,
}

pub fn balance(ctx: &Ctx, id: &str) -> Result<Balance> {
    let store = ctx.read()?;
    let m = &super::get(&store, id)?;
    let rules = store.rules();
    let account = Book::open_for(&store, &[id])?.account(id);
    Ok(Balance {
        member: m.clone(),
        available: account.available(ctx.today, rules),
        lapsed: account.lots.lapsed(ctx.today, rules),
        next_expiry: account.lots.next_expiry(ctx.today, rules),
        account,
    })
}

/// `points history`: the member's entries in the period, each with the
/// points balance after it.
pub fn history(
    ctx: &Ctx,
    id: &str,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> Result<Vec<(LedgerEntry, i64)>> {
    let store = ctx.read()?;
    super::get(&store, id)?;
    let mut running = 0;
    let mut out = Vec::new();
    for e in store.history::<LedgerEntry>(&[id])? {
        running += e.points;
        if from.is_some_and(|f| e.date < f) || to.is_some_and(|t| e.date > t) {
            continue;
        }
        out.push((e, running));
    }
    Ok(out)
}

/// `points rebuild`: the balances and the receipt index replayed from the
/// ledger, with every other derived file (`data reindex`).
pub fn rebuild(ctx: &Ctx) -> Result<(usize, Vec<String>)> {
    super::data::reindex(ctx)
}
