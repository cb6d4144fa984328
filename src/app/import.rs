//! `member import` and `member export`: a spreadsheet's member list in, all
//! member fields out. Decoding the file (UTF-8 with or without BOM, GBK,
//! GB18030) happens here; the rules for each row live in `domain::import`.

use super::book::Book;
use super::Ctx;
use crate::domain::card::Card;
use crate::domain::import::{self, Columns, Mapping, Plan, Row};
use crate::domain::ledger::{Balances, EntryKind, LedgerEntry};
use crate::domain::member::Member;
use crate::domain::Cents;
use crate::error::{Error, Result};
use crate::store::{files, Txn};
use encoding_rs::{Encoding, GB18030, GBK, UTF_8};
use std::collections::HashMap;
use std::path::Path;

/// The text encoding of an imported file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Charset {
    /// A byte-order mark decides; else UTF-8 when the bytes are valid
    /// UTF-8, else GB18030 (which reads GBK too).
    Auto,
    /// UTF-8, with or without a byte-order mark.
    #[value(name = "utf-8", alias = "utf8")]
    Utf8,
    /// GBK, as Excel saves "CSV" on a Chinese Windows.
    Gbk,
    /// GB18030, the superset of GBK.
    Gb18030,
}

/// Decodes `bytes`; returns the text and the name of the encoding used.
pub fn decode(
    bytes: &[u8],
    charset: Charset,
) -> std::result::Result<(String, &'static str), String> {
    let strict = |enc: &'static Encoding, bytes: &[u8]| {
        enc.decode_without_bom_handling_and_without_replacement(bytes)
            .map(|s| s.into_owned())
    };
    let (enc, body): (&'static Encoding, &[u8]) = match charset {
        Charset::Auto => match Encoding::for_bom(bytes) {
            Some((enc, bom)) => (enc, &bytes[bom..]),
            None if std::str::from_utf8(bytes).is_ok() => (UTF_8, bytes),
            None => (GB18030, bytes),
        },
        Charset::Utf8 => (UTF_8, bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)),
        Charset::Gbk => (GBK, bytes),
        Charset::Gb18030 => (GB18030, bytes),
    };
    match strict(enc, body) {
        Some(text) => Ok((text, enc.name())),
        None => Err(format!(
            "the file is not valid {}; name its encoding with --encoding utf-8, gbk or gb18030",
            enc.name()
        )),
    }
}

/// What an import found, and whether it wrote.
#[derive(Debug)]
pub struct Imported {
    pub plan: Plan,
    pub encoding: &'static str,
    pub unused_headers: Vec<String>,
    /// Ledger points granted as opening balances.
    pub opening_points: i64,
    /// Stored value carried over as opening balances.
    pub opening_wallet: Cents,
    /// Files written (empty unless committed).
    pub files: Vec<String>,
    pub committed: bool,
}

/// Reads a mapping file (TOML: `[columns]` and `[tiers]`).
pub fn read_mapping(path: &Path) -> Result<Mapping> {
    let text = files::read_input_text(path)
        .map_err(|e| Error::Usage(format!("reading the mapping file {}: {e}", path.display())))?;
    toml::from_str(&text).map_err(|e| {
        Error::Usage(format!(
            "the mapping file {} is not valid: {e}",
            path.display()
        ))
    })
}

/// Parses the decoded CSV into the header row and numbered data rows.
pub fn read_rows(text: &str, name: &str) -> Result<(Vec<String>, Vec<Row>)> {
    // Excel's "Unicode text" is tab-separated UTF-16: the header row tells.
    let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let delimiter = if first.contains('\t') && !first.contains(',') {
        b'\t'
    } else {
        b','
    };
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut headers = None;
    let mut rows = Vec::new();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| {
            let line = e.position().map(|p| p.line()).unwrap_or(0);
            Error::Usage(format!("{name}: line {line}: not readable as CSV: {e}"))
        })?;
        let line = rec.position().map(|p| p.line()).unwrap_or(0);
        let cells: Vec<String> = rec.iter().map(String::from).collect();
        if cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        if headers.is_none() {
            headers = Some(cells);
        } else {
            rows.push(Row { line, cells });
        }
    }
    let headers = headers.ok_or_else(|| Error::Usage(format!("{name} is empty: no header row")))?;
    Ok((headers, rows))
}

/// `member import`: plans every row; with `commit`, writes the members,
/// their cards, opening points and stored value, and audit lines in one transaction, and only
/// when no row has a problem.
#[allow(clippy::too_many_arguments)]
pub fn import(
    ctx: &Ctx,
    file: &Path,
    mapping: &Mapping,
    charset: Charset,
    commit: bool,
    on_rows: impl FnOnce(usize),
    progress: impl FnMut(usize),
) -> Result<Imported> {
    let name = file.display().to_string();
    let bytes =
        files::read_input(file).map_err(|e| Error::Usage(format!("reading {name}: {e}")))?;
    let (text, encoding) =
        decode(&bytes, charset).map_err(|e| Error::Usage(format!("{name}: {e}")))?;
    let (headers, rows) = read_rows(&text, &name)?;
    let columns = Columns::from_headers(&headers, mapping)
        .map_err(|e| Error::Usage(format!("{name}: {e}")))?;
    on_rows(rows.len());
    let commit = commit && !ctx.dry_run;
    // Writing takes the lock before reading, so the plan holds when written.
    let mut store = if commit { ctx.write()? } else { ctx.read()? };
    let mut members: Vec<Member> = store.load()?;
    let mut cards: Vec<Card> = store.load()?;
    let plan = import::plan(
        &columns,
        &rows,
        mapping,
        &members,
        &cards,
        store.rules(),
        ctx.today,
        progress,
    );
    let opening_points = plan.new.iter().map(|n| n.points).sum();
    let opening_wallet = Cents(plan.new.iter().map(|n| n.wallet.0).sum());
    let mut out = Imported {
        unused_headers: columns.unused().into_iter().map(String::from).collect(),
        plan,
        encoding,
        opening_points,
        opening_wallet,
        files: Vec::new(),
        committed: false,
    };
    // Any problem and nothing is written: the caller lists them and refuses.
    if !commit || out.plan.new.is_empty() || !out.plan.problems.is_empty() {
        return Ok(out);
    }
    // Opening balances go through the book, which keeps the balance cache
    // in the same transaction as the journal.
    let with_points: Vec<&str> = out
        .plan
        .new
        .iter()
        .filter(|n| n.points > 0 || n.wallet.0 > 0)
        .map(|n| n.member.id.as_str())
        .collect();
    let mut book = Book::open_for(&store, &with_points)?;
    let mut txn = Txn::new();
    let mut audit = Vec::new();
    for n in &out.plan.new {
        audit.push(ctx.audit("member import", None, &n.member));
        if let Some(c) = &n.card {
            audit.push(ctx.audit("card issue", None, c));
            cards.push(c.clone());
        }
        if n.points > 0 {
            book.post(
                ctx,
                EntryKind::Grant,
                &n.member.id,
                Cents::ZERO,
                n.points,
                "",
                "opening balance",
            )?;
        }
        // Money paid in under the old system: a recharge (it counts as the
        // member's recharge so far, see `domain::import`), posted straight
        // to the book, so no campaign bonus and no referral reward follow.
        if n.wallet.0 > 0 {
            book.post(
                ctx,
                EntryKind::Recharge,
                &n.member.id,
                n.wallet,
                0,
                "",
                "opening balance",
            )?;
        }
        members.push(n.member.clone());
    }
    book.write(&store, &mut txn)?;
    txn.append(&audit);
    txn.put_table(&mut members);
    txn.put_table(&mut cards);
    out.files = ctx.finish(&mut store, txn)?;
    out.committed = true;
    Ok(out)
}

pub fn lines_with_problems(plan: &Plan) -> usize {
    let mut lines: Vec<u64> = plan.problems.iter().map(|p| p.line).collect();
    lines.dedup();
    lines.len()
}

/// Every member with their points and wallet balances, by id.
pub fn export(ctx: &Ctx) -> Result<Vec<(Member, Balances)>> {
    let store = ctx.read()?;
    let members: Vec<Member> = store.load()?;
    let entries: Vec<LedgerEntry> = store.load()?;
    let mut balances: HashMap<&str, Balances> = HashMap::new();
    for e in &entries {
        balances.entry(e.member.as_str()).or_default().add(e);
    }
    Ok(members
        .iter()
        .map(|m| {
            (
                m.clone(),
                balances.get(m.id.as_str()).copied().unwrap_or_default(),
            )
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodings_are_told_apart() {
        let text = "姓名,手机\n王小明,13800000001\n";
        let (gbk, _, _) = GBK.encode(text);
        assert_eq!(
            decode(&gbk, Charset::Auto).unwrap(),
            (text.to_string(), "gb18030")
        );
        assert_eq!(decode(&gbk, Charset::Gbk).unwrap().0, text);
        let bom = [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat();
        assert_eq!(
            decode(&bom, Charset::Auto).unwrap(),
            (text.to_string(), "UTF-8")
        );
        assert_eq!(decode(&bom, Charset::Utf8).unwrap().0, text);
        assert!(decode(&gbk, Charset::Utf8)
            .unwrap_err()
            .contains("--encoding"));
    }

    #[test]
    fn tab_separated_utf16_from_excel_reads() {
        let text = "\u{feff}姓名\t手机\n王小明\t13800000001\n";
        let utf16: Vec<u8> = text.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
        let (decoded, enc) = decode(&utf16, Charset::Auto).unwrap();
        assert_eq!(enc, "UTF-16LE");
        let (headers, rows) = read_rows(&decoded, "f").unwrap();
        assert_eq!(headers, ["姓名", "手机"]);
        assert_eq!(rows[0].cells, ["王小明", "13800000001"]);
        assert_eq!(rows[0].line, 2);
    }
}
