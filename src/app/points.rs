//! The points commands: grant (one purchase, by hand, or a whole file),
//! redeem, expire, reverse, balance and history.

use super::book::{used_receipts, Book};
use super::{find, Ctx};
use crate::domain::ledger::{EntryKind, LedgerEntry};
use crate::domain::member::Member;
use crate::domain::points::{self, Account};
use crate::domain::rules::{ClubRules, RewardRule};
use crate::domain::{Cents, DomainError};
use crate::error::{Error, Result};
use crate::store::Txn;
use chrono::NaiveDate;
use rustc_hash::{FxHashMap, FxHashSet};
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
    match (g.spend, g.points) {
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
            if g.reason.trim().is_empty() {
                return Err(
                    "a manual grant needs a reason (sign-in, sharing, referral, event)".into(),
                );
            }
            if !g.receipt.is_empty() || !g.category.is_empty() {
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
    let member = store.find::<Member>(&g.member)?.ok_or_else(|| {
        DomainError::NotFound(format!(
            "no member {}; find the id with `clubctl member list --search TEXT`",
            g.member
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

/// A row of a `--from-csv` file.
#[derive(Debug, serde::Deserialize)]
struct Row {
    member: String,
    #[serde(default)]
    spend: String,
    #[serde(default)]
    points: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    receipt: String,
    #[serde(default)]
    reason: String,
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
    let bytes = std::fs::read(file)
        .map_err(|e| DomainError::Invalid(format!("cannot read {}: {e}", file.display())))?;
    let mut rdr = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(bytes.as_slice());
    let headers = rdr
        .headers()
        .map_err(|e| {
            DomainError::Invalid(format!("{}:1: cannot read the header: {e}", file.display()))
        })?
        .clone();
    if !headers.iter().any(|h| h == "member") {
        return Err(DomainError::Invalid(format!(
            "{}:1: the header must name the columns member, spend, points, category, receipt, reason (found '{}')",
            file.display(),
            headers.iter().collect::<Vec<_>>().join(",")
        ))
        .into());
    }
    let mut bad: Vec<String> = Vec::new();
    let mut grants: Vec<(u64, Grant)> = Vec::new();
    let mut rec = csv::StringRecord::new();
    loop {
        match rdr.read_record(&mut rec) {
            Ok(false) => break,
            Ok(true) => {
                let line = rec.position().map_or(0, |p| p.line());
                match rec.deserialize::<Row>(Some(&headers)) {
                    Ok(r) => match to_grant(r) {
                        Ok(g) => grants.push((line, g)),
                        Err(msg) => bad.push(format!("line {line}: {msg}")),
                    },
                    Err(e) => bad.push(format!("line {line}: {e}")),
                }
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
    let mut store = ctx.write()?;
    let members: Vec<Member> = store.load()?;
    let by_id: FxHashMap<&str, &Member> = members.iter().map(|m| (m.id.as_str(), m)).collect();
    let mut in_file: FxHashMap<&str, u64> = FxHashMap::default();
    in_file.reserve(grants.len());
    let mut keys: FxHashSet<String> = FxHashSet::default();
    keys.reserve(grants.len());
    for (line, g) in &grants {
        match by_id.get(g.member.as_str()) {
            None => bad.push(format!("line {line}: no member {}", g.member)),
            Some(m) => {
                if let Err(e) = points::require_standing(m, "grant points") {
                    bad.push(format!("line {line}: {e}"));
                }
            }
        }
        if !g.receipt.is_empty() {
            if let Some(first) = in_file.insert(g.receipt.as_str(), *line) {
                bad.push(format!(
                    "line {line}: receipt {} is also on line {first}",
                    g.receipt
                ));
            }
            keys.insert(format!("spend:{}", g.receipt));
        }
    }
    let used = used_receipts(&store, &keys)?;
    for (line, g) in &grants {
        if let Some(id) = used.get(&format!("spend:{}", g.receipt)) {
            bad.push(format!(
                "line {line}: receipt {} was already recorded as entry {id}",
                g.receipt
            ));
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
    let rules = store.rules().clone();
    let mut book = Book::open(&store)?;
    book.stream();
    let mut total = Imported {
        rows: grants.len(),
        spend: Cents::ZERO,
        points: 0,
        members: 0,
        entries: 0,
        files: vec![],
    };
    let mut who = FxHashSet::default();
    for (_, g) in &grants {
        let m = by_id
            .get(g.member.as_str())
            .ok_or_else(|| Error::Failure(format!("internal: member {} vanished", g.member)))?;
        total.points += post(ctx, &rules, &mut book, m, g)?;
        total.spend.0 += g.spend.map_or(0, |s| s.0);
        who.insert(g.member.as_str());
    }
    total.members = who.len();
    total.entries = book.posted();
    let mut txn = Txn::new();
    book.write(&store, &mut txn)?;
    total.files = ctx.finish(&mut store, txn)?;
    Ok(total)
}

fn to_grant(r: Row) -> std::result::Result<Grant, String> {
    let spend = if r.spend.is_empty() {
        None
    } else {
        Some(r.spend.parse::<Cents>().map_err(|e| e.to_string())?)
    };
    let points = if r.points.is_empty() {
        None
    } else {
        Some(
            r.points
                .parse::<i64>()
                .map_err(|_| format!("'{}' is not a whole number of points", r.points))?,
        )
    };
    let g = Grant {
        member: r.member,
        spend,
        points,
        category: r.category,
        receipt: r.receipt,
        reason: r.reason,
    };
    validate(&g)?;
    Ok(g)
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
    let members: Vec<Member> = store.load()?;
    let (_, m) = find(&members, id)?;
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
    let members: Vec<Member> = store.load()?;
    let (_, m) = find(&members, id)?;
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
/// points it earned (as many as are left: points already spent stay spent).
pub fn reverse(ctx: &Ctx, txid: &str, reason: &str) -> Result<Posted> {
    if reason.trim().is_empty() {
        return Err(DomainError::Invalid(
            "--reason is needed: why the purchase is refunded".into(),
        )
        .into());
    }
    let mut store = ctx.write()?;
    let ledger: Vec<LedgerEntry> = store.load()?;
    let spend = ledger.iter().find(|e| e.id == txid).ok_or_else(|| {
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
    let back = earned.min(held).max(0);
    let mut note = reason.trim().to_string();
    if back < earned {
        note += &format!(" ({} of {earned} points already spent)", earned - back);
    }
    book.post(
        ctx,
        EntryKind::Reverse,
        &spend.member,
        Cents(-spend.cents.0),
        -back,
        txid,
        &note,
    )?;
    let (entries, files) = book.commit(ctx, &mut store, Txn::new())?;
    Ok(Posted {
        message: format!(
            "{}: reversed {txid} (spend {}), took back {back} of {earned} points",
            spend.member, spend.cents
        ),
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
    let members: Vec<Member> = store.load()?;
    let (_, m) = find(&members, id)?;
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
    let members: Vec<Member> = store.load()?;
    find(&members, id)?;
    let ledger: Vec<LedgerEntry> = store.load()?;
    let mut running = 0;
    let mut out = Vec::new();
    for e in ledger.into_iter().filter(|e| e.member == id) {
        running += e.points;
        if from.is_some_and(|f| e.date < f) || to.is_some_and(|t| e.date > t) {
            continue;
        }
        out.push((e, running));
    }
    Ok(out)
}

/// `points rebuild`: the cache and receipt index made again from the ledger.
pub fn rebuild(ctx: &Ctx) -> Result<(usize, Vec<String>)> {
    let mut store = ctx.write()?;
    let ledger: Vec<LedgerEntry> = store.load()?;
    let (mut accounts, index) = super::book::rebuild(&ledger).map_err(|msg| {
        Error::Data(format!(
            "the ledger cannot be replayed: {msg}; fix the ledger first"
        ))
    })?;
    let n = accounts.len();
    let mut txn = Txn::new();
    txn.put_table(&mut accounts);
    let mut files = ctx.finish(&mut store, txn)?;
    if !ctx.dry_run {
        store.replace_receipt_index(&index)?;
    }
    files.push(crate::store::receipts::DIR.to_string() + "/");
    Ok((n, files))
}
