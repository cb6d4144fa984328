//! `clubctl member import` and `clubctl member export`.

use super::lang::Msg;
use super::output::{self, Cell, CsvStyle, Listing};
use super::{out, Env};
use crate::app::import::{self as app, Charset};
use crate::app::Ctx;
use crate::domain::import::{Mapping, Problem};
use crate::domain::member::Member;
use crate::error::{Error, Result};
use clap::Args;
use std::path::PathBuf;

/// Imports of at least this many rows show a progress bar (on a terminal).
const PROGRESS_FROM_ROWS: usize = 1000;

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// A CSV file exported by Excel or another system, with a header row.
    pub file: PathBuf,
    /// A TOML file naming the columns: [columns] name = "客户名称", and
    /// translating tier values: [tiers] "VIP" = "gold".
    #[arg(long, value_name = "MAP.toml")]
    pub map: Option<PathBuf>,
    /// The file's text encoding.
    #[arg(long, value_enum, default_value_t = Charset::Auto)]
    pub encoding: Charset,
    /// Write the members. Without it the import is a dry run that only
    /// reports; with it nothing is written unless every row is sound.
    #[arg(long)]
    pub commit: bool,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Text exactly as stored: no `'` before cells a spreadsheet would run
    /// as formulas.
    #[arg(long)]
    pub raw: bool,
    /// For Excel: UTF-8 with a byte-order mark, and CRLF line ends.
    #[arg(long)]
    pub excel: bool,
    /// Mask personal data: phones as 138****5678, emails as w***@example.com.
    #[arg(long)]
    pub mask: bool,
    /// Write an Excel workbook (.xlsx) to FILE instead of CSV on standard
    /// output: phones and ids as text, dates as dates, money as numbers.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["raw", "excel"])]
    pub xlsx: Option<PathBuf>,
    /// Replace FILE if it exists (without it an existing file is refused).
    #[arg(long, requires = "xlsx")]
    pub force: bool,
}

pub fn import(a: ImportArgs, ctx: &Ctx, env: &Env) -> Result<()> {
    let mapping = match &a.map {
        Some(p) => app::read_mapping(p)?,
        None => Mapping::default(),
    };
    let bar = std::cell::RefCell::new(indicatif::ProgressBar::hidden());
    let result = app::import(
        ctx,
        &a.file,
        &mapping,
        a.encoding,
        a.commit,
        |rows| {
            if rows >= PROGRESS_FROM_ROWS {
                *bar.borrow_mut() = output::progress_bar(
                    rows as u64,
                    "checking rows {bar:40} {pos}/{len} ({eta} left)",
                );
            }
        },
        |done| bar.borrow().set_position(done as u64),
    );
    bar.borrow().finish_and_clear();
    let r = result?;
    let plan = &r.plan;
    let name = a.file.display();
    for p in &plan.problems {
        output::say(&problem(p));
    }
    let mut l = Listing::new(&[
        "line", "outcome", "id", "name", "phone", "status", "tier", "card", "joined", "expires",
        "points", "wallet",
    ]);
    for n in &plan.new {
        let m = &n.member;
        l.push(vec![
            Cell::Int(n.line as i64),
            Cell::from("new"),
            Cell::from(m.id.as_str()),
            Cell::from(m.name.as_str()),
            Cell::from(m.phone.as_str()),
            Cell::from(m.status.as_str()),
            Cell::from(m.tier.as_str()),
            Cell::from(m.card.as_str()),
            Cell::from(m.joined),
            Cell::from(m.expires),
            Cell::Int(n.points),
            Cell::Money(n.wallet),
        ]);
    }
    for p in &plan.present {
        l.push(vec![
            Cell::Int(p.line as i64),
            Cell::from(format!("present ({})", p.by)),
            Cell::from(p.id.as_str()),
            Cell::from(p.name.as_str()),
            Cell::from(""),
            Cell::from(""),
            Cell::from(""),
            Cell::from(""),
            Cell::from(""),
            Cell::from(""),
            Cell::from(""),
            Cell::from(""),
        ]);
    }
    l.rows.sort_by_key(|row| match row.first() {
        Some(Cell::Int(n)) => *n,
        _ => 0,
    });
    // A refused import prints nothing on standard output, only its problems.
    if !l.rows.is_empty() && plan.problems.is_empty() {
        out(output::print(&l, env.format))?;
    }
    if !r.unused_headers.is_empty() {
        output::say(&Msg::ImportIgnored.fill(&[("columns", &r.unused_headers.join(", "))]));
    }
    output::say(&Msg::ImportSummary.fill(&[
        ("file", &name),
        ("encoding", &r.encoding),
        ("rows", &plan.rows),
        ("new", &plan.new.len()),
        ("present", &plan.present.len()),
        ("problems", &plan.problems.len()),
        ("lines", &app::lines_with_problems(plan)),
        ("points", &r.opening_points),
        ("wallet", &r.opening_wallet),
    ]));
    if !plan.problems.is_empty() {
        return Err(Error::Refused(
            Msg::ImportRefused.fill(&[("n", &plan.problems.len()), ("file", &name)]),
        ));
    }
    if r.committed {
        output::say(
            &Msg::ImportDone.fill(&[("n", &plan.new.len()), ("files", &r.files.join(", "))]),
        );
    } else if plan.new.is_empty() {
        output::say(Msg::ImportNothing.text());
    } else if ctx.dry_run {
        output::say(Msg::ImportDryRun.text());
    } else {
        output::say(Msg::ImportDryRunCommit.text());
    }
    Ok(())
}

/// A problem with its line and column in the run's language; the
/// problem's own words stay English.
fn problem(p: &Problem) -> String {
    match &p.column {
        Some((n, header)) => Msg::ImportProblemAt.fill(&[
            ("line", &p.line),
            ("column", n),
            ("header", header),
            ("message", &p.message),
        ]),
        None => Msg::ImportProblemLine.fill(&[("line", &p.line), ("message", &p.message)]),
    }
}

/// `138****5678`: the first three and last four digits stay, so the office
/// can still tell numbers apart on the phone; short numbers keep two.
pub fn mask_phone(p: &str) -> String {
    let chars: Vec<char> = p.chars().collect();
    let n = chars.len();
    let (head, tail) = if n >= 11 {
        (3, 4)
    } else if n >= 5 {
        (0, 2)
    } else {
        (0, 0)
    };
    chars
        .iter()
        .enumerate()
        .map(|(i, c)| if i < head || i >= n - tail { *c } else { '*' })
        .collect()
}

/// `w***@example.com`: the first character of the local part stays.
pub fn mask_email(e: &str) -> String {
    match e.split_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}***@{domain}")
        }
        None if e.is_empty() => String::new(),
        None => "***".into(),
    }
}

const EXPORT_HEADERS: &[&str] = &[
    "id", "name", "phone", "email", "gender", "birthday", "kind", "nominee", "referrer", "source",
    "sales", "status", "tier", "card", "applied", "joined", "expires", "since", "reason", "note",
    "points", "wallet",
];

fn lower<T: std::fmt::Debug>(v: T) -> String {
    format!("{v:?}").to_lowercase()
}

pub fn export(a: ExportArgs, ctx: &Ctx, env: &Env) -> Result<()> {
    // CSV unless JSON is asked for (the table default means "the usual").
    if env.format == output::Format::Json && (a.excel || a.raw || a.xlsx.is_some()) {
        return Err(Error::Usage(
            "--excel, --raw and --xlsx are other shapes than JSON (which always holds the text as stored): drop them, or drop --format json".into(),
        ));
    }
    let rows = app::export(ctx)?;
    let mut l = Listing::new(EXPORT_HEADERS);
    for (m, b) in &rows {
        let Member {
            id,
            name,
            phone,
            email,
            gender,
            birthday,
            kind,
            nominee,
            referrer,
            source,
            sales,
            status,
            tier,
            card,
            applied,
            joined,
            expires,
            since,
            reason,
            note,
        } = m;
        let (phone, email) = if a.mask {
            (mask_phone(phone), mask_email(email))
        } else {
            (phone.clone(), email.clone())
        };
        l.push(vec![
            Cell::from(id.as_str()),
            Cell::from(name.as_str()),
            Cell::from(phone),
            Cell::from(email),
            Cell::from(gender.map(lower)),
            Cell::from_date(*birthday),
            Cell::from(lower(kind)),
            Cell::from(nominee.as_str()),
            Cell::from(referrer.as_str()),
            Cell::from(source.as_str()),
            Cell::from(sales.as_str()),
            Cell::from(status.as_str()),
            Cell::from(tier.as_str()),
            Cell::from(card.as_str()),
            Cell::Date(*applied),
            Cell::from_date(*joined),
            Cell::from_date(*expires),
            Cell::Date(*since),
            Cell::from(reason.as_str()),
            Cell::from(note.as_str()),
            Cell::Int(b.points),
            Cell::Money(b.wallet),
        ]);
    }
    if env.format == output::Format::Json {
        return out(output::print(&l, env.format));
    }
    if let Some(path) = &a.xlsx {
        let bytes = output::xlsx_bytes(&l, "members")
            .map_err(|e| Error::Failure(format!("making the workbook: {e}")))?;
        super::chart::write_output(&ctx.data, path, &bytes, a.force)?;
        output::say(
            &Msg::ExportXlsxWritten.fill(&[("n", &l.rows.len()), ("file", &path.display())]),
        );
        return Ok(());
    }
    out(output::print_csv(
        &l,
        CsvStyle {
            raw: a.raw,
            excel: a.excel,
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_keep_enough_to_tell_apart() {
        assert_eq!(mask_phone("13812345678"), "138****5678");
        assert_eq!(mask_phone("02165432100"), "021****2100");
        assert_eq!(mask_phone("12345"), "***45");
        assert_eq!(mask_phone(""), "");
        assert_eq!(mask_email("wang@example.com"), "w***@example.com");
        assert_eq!(mask_email("王@例子.中国"), "王***@例子.中国");
        assert_eq!(mask_email(""), "");
    }
}
