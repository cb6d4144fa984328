//! The only place that prints records: tables for people (comfy-table, CJK
//! widths handled), CSV for scripts, JSON for programs.

use super::lang;
use crate::domain::Cents;
use clap::ValueEnum;
use comfy_table::{presets, ContentArrangement, Row, Table};
use serde_json::{Map, Value};
use std::io::{self, Write};
use std::sync::OnceLock;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Table,
    Csv,
    Json,
}

/// One value in a listing; the kind decides how each format writes it.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Text people typed or ids: neutralised in CSV when it could be read
    /// as a spreadsheet formula.
    Text(String),
    Int(i64),
    Money(Cents),
    Bool(bool),
    /// A day: ISO text in tables, CSV and JSON; a real date in xlsx.
    Date(chrono::NaiveDate),
    /// No value (a date not yet set): empty in tables and CSV, null in JSON.
    Null,
}

impl Cell {
    /// A day, or no value.
    pub fn from_date(d: Option<chrono::NaiveDate>) -> Cell {
        d.map_or(Cell::Null, Cell::Date)
    }
}

impl From<&str> for Cell {
    fn from(s: &str) -> Cell {
        Cell::Text(s.to_string())
    }
}

impl From<String> for Cell {
    fn from(s: String) -> Cell {
        Cell::Text(s)
    }
}

impl<T: ToString> From<Option<T>> for Cell {
    fn from(v: Option<T>) -> Cell {
        v.map_or(Cell::Null, |v| Cell::Text(v.to_string()))
    }
}

/// Rows under stable English column names, whatever the output format.
#[derive(Debug, Clone, Default)]
pub struct Listing {
    pub headers: Vec<&'static str>,
    pub rows: Vec<Vec<Cell>>,
    /// The columns a table shows by default, chosen to fit 80 columns
    /// (empty: all). `--columns` and `--wide` override; CSV and JSON
    /// always carry every column.
    pub narrow: &'static [&'static str],
}

impl Listing {
    pub fn new(headers: &[&'static str]) -> Listing {
        Listing {
            headers: headers.to_vec(),
            rows: Vec::new(),
            narrow: &[],
        }
    }

    /// Sets the columns a table shows by default.
    pub fn narrow(mut self, columns: &'static [&'static str]) -> Listing {
        debug_assert!(columns.iter().all(|c| self.headers.contains(c)));
        self.narrow = columns;
        self
    }

    pub fn push(&mut self, row: Vec<Cell>) {
        debug_assert_eq!(row.len(), self.headers.len());
        self.rows.push(row);
    }
}

/// A text cell that a spreadsheet would run as a formula gets a leading
/// `'` (OWASP CSV injection). Numeric columns are never touched.
pub fn neutralise(s: &str) -> std::borrow::Cow<'_, str> {
    match s.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r' | '\n') => format!("'{s}").into(),
        _ => s.into(),
    }
}

fn text(cell: &Cell) -> String {
    match cell {
        Cell::Text(s) => s.clone(),
        Cell::Int(n) => n.to_string(),
        Cell::Money(c) => c.to_string(),
        Cell::Bool(b) => if *b { "yes" } else { "no" }.to_string(),
        Cell::Date(d) => d.to_string(),
        Cell::Null => String::new(),
    }
}

fn json(cell: &Cell) -> Value {
    match cell {
        Cell::Text(s) => Value::String(s.clone()),
        Cell::Int(n) => Value::from(*n),
        // Money stays a decimal string: no float ever holds it.
        Cell::Money(c) => Value::String(c.to_string()),
        Cell::Bool(b) => Value::Bool(*b),
        Cell::Date(d) => Value::String(d.to_string()),
        Cell::Null => Value::Null,
    }
}

/// A cell's text in a table: as in CSV, but yes/no in the run's language,
/// and control characters shown escaped.
fn table_text(cell: &Cell) -> String {
    match cell {
        Cell::Bool(true) => lang::Msg::Yes.text().to_string(),
        Cell::Bool(false) => lang::Msg::No.text().to_string(),
        other => printable(&text(other), false).into_owned(),
    }
}

/// Text safe to show on a terminal: every control character (an escape
/// sequence that could recolour or rewrite the screen, a carriage return
/// or newline that could fake a row) written as `\u{1b}`. Commands refuse
/// such characters; this catches what a hand-edited file brings in.
/// `keep_newlines` lets the line breaks of a message through.
pub fn printable(s: &str, keep_newlines: bool) -> std::borrow::Cow<'_, str> {
    let bad = |c: char| c.is_control() && !(keep_newlines && c == '\n');
    if !s.chars().any(bad) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if bad(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}
/// How tables meet the screen, set once per run from the command line.
#[derive(Debug, Clone, Default)]
pub struct Fit {
    /// Columns of the screen: `COLUMNS`, else the terminal's, else 80.
    pub width: u16,
    /// `--columns a,b,c`: these columns, in this order.
    pub columns: Option<Vec<String>>,
    /// `--wide`: every column, nothing cut.
    pub wide: bool,
}

static FIT: OnceLock<Fit> = OnceLock::new();

/// Sets how tables fit (once; later calls change nothing).
pub fn set_fit(fit: Fit) {
    let _ = FIT.set(fit);
}

fn fit() -> Fit {
    FIT.get().cloned().unwrap_or(Fit {
        width: 80,
        columns: None,
        wide: false,
    })
}

/// The width of the terminal on standard output, if it is one.
pub fn terminal_width() -> Option<u16> {
    Table::new().width()
}

/// Which columns of `l` a table shows: `--columns`, else everything with
/// `--wide` or `all`, else the listing's narrow set. An unknown name is a
/// usage error naming the columns there are.
fn chosen(l: &Listing, fit: &Fit, all: bool) -> io::Result<Vec<usize>> {
    let index = |name: &str| l.headers.iter().position(|h| *h == name);
    match &fit.columns {
        Some(names) if !all => names
            .iter()
            .map(|n| {
                index(n).ok_or_else(|| {
                    io::Error::new(
                        io::ErrorKind::InvalidInput,
                        format!(
                            "--columns: no column '{n}' here; the columns are {}",
                            l.headers.join(",")
                        ),
                    )
                })
            })
            .collect(),
        _ if all || fit.wide || l.narrow.is_empty() => Ok((0..l.headers.len()).collect()),
        _ => Ok(l.narrow.iter().filter_map(|n| index(n)).collect()),
    }
}

/// A table for people: headings in the run's language (see `lang`), each
/// row on one line, cut with `…` to the screen's width (East Asian wide
/// characters count two); `--wide` cuts nothing.
pub fn table_string(l: &Listing) -> String {
    let fit = fit();
    let cols = chosen(l, &fit, true).unwrap_or_default();
    render(l, &cols, &fit)
}

fn render(l: &Listing, cols: &[usize], fit: &Fit) -> String {
    let mut t = Table::new();
    t.load_preset(presets::UTF8_FULL_CONDENSED);
    let row = |cells: Vec<String>| {
        let mut r = Row::from(cells);
        if !fit.wide {
            r.max_height(1);
        }
        r
    };
    if fit.wide {
        t.set_content_arrangement(ContentArrangement::Disabled);
    } else {
        t.set_content_arrangement(ContentArrangement::Dynamic);
        t.set_width(fit.width);
        t.set_truncation_indicator("…");
    }
    let headings: Vec<String> = cols.iter().map(|&i| lang::heading(l.headers[i])).collect();
    let body: Vec<Vec<String>> = l
        .rows
        .iter()
        .map(|r| cols.iter().map(|&i| table_text(&r[i])).collect())
        .collect();
    // A column is never cut below its heading, nor, in a listing without
    // a narrow set, below its content up to SHORT columns: such a wide
    // listing may pass the screen's edge rather than become a row of dots
    // (`--columns` picks what matters).
    const SHORT: usize = 24;
    let width = |s: &str| unicode_width::UnicodeWidthStr::width(s);
    let floors: Vec<u16> = headings
        .iter()
        .enumerate()
        .map(|(c, h)| {
            let content = body.iter().map(|r| width(&r[c])).max().unwrap_or(0);
            let mut floor = width(h);
            if l.narrow.is_empty() || fit.columns.is_none() && cols.len() != l.narrow.len() {
                floor = floor.max(content.min(SHORT));
            }
            // comfy-table's widths include a space of padding each side.
            u16::try_from(floor + 2).unwrap_or(u16::MAX)
        })
        .collect();
    t.set_header(row(headings));
    for r in body {
        t.add_row(row(r));
    }
    if !fit.wide {
        for (c, floor) in floors.into_iter().enumerate() {
            if let Some(col) = t.column_mut(c) {
                col.set_constraint(comfy_table::ColumnConstraint::LowerBoundary(
                    comfy_table::Width::Fixed(floor),
                ));
            }
        }
    }
    t.to_string()
}

/// A listing's table with the columns chosen by `--columns`, `--wide` or
/// its narrow set.
fn listing_table(l: &Listing) -> io::Result<String> {
    let fit = fit();
    let cols = chosen(l, &fit, false)?;
    Ok(render(l, &cols, &fit))
}

pub fn json_value(l: &Listing) -> Value {
    Value::Array(
        l.rows
            .iter()
            .map(|row| {
                let obj: Map<String, Value> = l
                    .headers
                    .iter()
                    .zip(row)
                    .map(|(h, c)| (h.to_string(), json(c)))
                    .collect();
                Value::Object(obj)
            })
            .collect(),
    )
}

pub fn write_csv(l: &Listing, out: &mut dyn Write) -> io::Result<()> {
    write_csv_with(l, out, CsvStyle::default())
}

/// How a CSV file is written for its reader.
#[derive(Debug, Clone, Copy, Default)]
pub struct CsvStyle {
    /// Text cells exactly as stored, formulas and all.
    pub raw: bool,
    /// For Excel: a UTF-8 byte-order mark (so a Chinese Windows does not
    /// read the file as GBK) and CRLF line ends.
    pub excel: bool,
}

pub fn write_csv_with(l: &Listing, out: &mut dyn Write, style: CsvStyle) -> io::Result<()> {
    if style.excel {
        out.write_all(b"\xEF\xBB\xBF")?;
    }
    let mut w = csv::WriterBuilder::new()
        .terminator(if style.excel {
            csv::Terminator::CRLF
        } else {
            csv::Terminator::Any(b'\n')
        })
        .from_writer(out);
    w.write_record(&l.headers).map_err(io_error)?;
    for row in &l.rows {
        w.write_record(csv_cells(row, style)).map_err(io_error)?;
    }
    w.flush()
}

/// A row's cells as CSV writes them in `style`.
fn csv_cells(row: &[Cell], style: CsvStyle) -> impl Iterator<Item = String> + '_ {
    row.iter().map(move |c| match c {
        Cell::Text(s) if !style.raw => neutralise(s).into_owned(),
        other => text(other),
    })
}

/// A listing printed row by row as it is made: CSV and JSON go out at
/// once, so a listing of a million rows is never held whole; a table,
/// which measures its columns first, is printed at the end. Once the
/// reader has gone (a closed pipe), further rows are dropped.
pub struct RowStream {
    listing: Listing,
    format: Format,
    csv: Option<csv::Writer<io::StdoutLock<'static>>>,
    json: Option<io::BufWriter<io::StdoutLock<'static>>>,
    rows: usize,
    closed: bool,
}

impl RowStream {
    /// Starts a listing of `headers` (and default table columns) given by
    /// an empty `listing`.
    pub fn new(listing: Listing, format: Format) -> RowStream {
        RowStream {
            csv: (format == Format::Csv).then(|| csv::Writer::from_writer(io::stdout().lock())),
            json: (format == Format::Json).then(|| io::BufWriter::new(io::stdout().lock())),
            listing,
            format,
            rows: 0,
            closed: false,
        }
    }

    pub fn push(&mut self, row: Vec<Cell>) -> io::Result<()> {
        if self.closed {
            return Ok(());
        }
        let first = self.rows == 0;
        self.rows += 1;
        let done = match (&mut self.csv, &mut self.json) {
            (Some(w), _) => (|| {
                if first {
                    w.write_record(&self.listing.headers).map_err(io_error)?;
                }
                w.write_record(csv_cells(&row, CsvStyle::default()))
                    .map_err(io_error)
            })(),
            (_, Some(w)) => {
                let obj: Map<String, Value> = self
                    .listing
                    .headers
                    .iter()
                    .zip(&row)
                    .map(|(h, c)| (h.to_string(), json(c)))
                    .collect();
                let text = serde_json::to_string_pretty(&Value::Object(obj))?;
                (|| {
                    w.write_all(if first { b"[\n" } else { b",\n" })?;
                    // Indented as one element of a pretty-printed array.
                    for (i, line) in text.lines().enumerate() {
                        if i > 0 {
                            w.write_all(b"\n")?;
                        }
                        write!(w, "  {line}")?;
                    }
                    Ok(())
                })()
            }
            _ => {
                self.listing.push(row);
                Ok(())
            }
        };
        self.closed_on_broken_pipe(done)
    }

    fn closed_on_broken_pipe(&mut self, r: io::Result<()>) -> io::Result<()> {
        match r {
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {
                self.closed = true;
                Ok(())
            }
            other => other,
        }
    }

    /// Ends the listing: the header of an empty CSV, the closing bracket
    /// of the JSON array, or the whole table.
    pub fn finish(mut self) -> io::Result<()> {
        if self.closed {
            return Ok(());
        }
        let empty = self.rows == 0;
        let done = match (&mut self.csv, &mut self.json) {
            (Some(w), _) => (|| {
                if empty {
                    w.write_record(&self.listing.headers).map_err(io_error)?;
                }
                w.flush()
            })(),
            (_, Some(w)) => (|| {
                w.write_all(if empty { b"[]\n" } else { b"\n]\n" })?;
                w.flush()
            })(),
            _ => print(&self.listing, self.format),
        };
        self.closed_on_broken_pipe(done)
    }
}

/// The io error inside a csv error, so that a closed pipe stays a closed
/// pipe (csv's own conversion turns every error into `Other`).
fn io_error(e: csv::Error) -> io::Error {
    match e.into_kind() {
        csv::ErrorKind::Io(e) => e,
        other => io::Error::other(format!("{other:?}")),
    }
}

/// A listing as an xlsx workbook of one sheet: real cells, so no formula
/// guard is needed: text (ids, phones with their leading zero) as text,
/// counts and money as numbers (money shown with two decimals), days as
/// dates. The header row is bold and stays in view.
pub fn xlsx_bytes(l: &Listing, sheet: &str) -> Result<Vec<u8>, String> {
    use chrono::Datelike;
    use rust_xlsxwriter::{ExcelDateTime, Format as XFormat, Workbook};
    let e = |e: rust_xlsxwriter::XlsxError| e.to_string();
    let mut book = Workbook::new();
    let bold = XFormat::new().set_bold();
    let money = XFormat::new().set_num_format("0.00");
    let day = XFormat::new().set_num_format("yyyy-mm-dd");
    let ws = book.add_worksheet();
    ws.set_name(sheet).map_err(e)?;
    for (c, h) in l.headers.iter().enumerate() {
        let c = u16::try_from(c).map_err(|_| "too many columns for a sheet".to_string())?;
        ws.write_string_with_format(0, c, *h, &bold).map_err(e)?;
    }
    for (r, row) in l.rows.iter().enumerate() {
        let r = u32::try_from(r + 1).map_err(|_| "too many rows for a sheet".to_string())?;
        for (c, cell) in row.iter().enumerate() {
            let c = u16::try_from(c).map_err(|_| "too many columns for a sheet".to_string())?;
            match cell {
                Cell::Text(s) => ws.write_string(r, c, s.as_str()).map(|_| ()),
                // Counts and points are far inside f64's exact integers.
                Cell::Int(n) => ws.write_number(r, c, *n as f64).map(|_| ()),
                Cell::Money(m) => ws
                    .write_number_with_format(r, c, m.0 as f64 / 100.0, &money)
                    .map(|_| ()),
                Cell::Bool(b) => ws.write_boolean(r, c, *b).map(|_| ()),
                Cell::Date(d) => {
                    match (
                        u16::try_from(d.year()),
                        u8::try_from(d.month()),
                        u8::try_from(d.day()),
                    ) {
                        (Ok(y), Ok(m), Ok(dd)) => ExcelDateTime::from_ymd(y, m, dd)
                            .and_then(|x| ws.write_datetime_with_format(r, c, x, &day).map(|_| ())),
                        _ => ws.write_string(r, c, d.to_string()).map(|_| ()),
                    }
                }
                Cell::Null => Ok(()),
            }
            .map_err(e)?;
        }
    }
    ws.set_freeze_panes(1, 0).map_err(e)?;
    ws.autofit();
    book.save_to_buffer().map_err(e)
}

/// Prints a listing as CSV in the given style on standard output.
pub fn print_csv(l: &Listing, style: CsvStyle) -> io::Result<()> {
    write_csv_with(l, &mut io::stdout().lock(), style)
}

/// Prints a listing on standard output in the chosen format.
pub fn print(l: &Listing, format: Format) -> io::Result<()> {
    let stdout = io::stdout();
    let mut out = stdout.lock();
    match format {
        Format::Table => writeln!(out, "{}", listing_table(l)?),
        Format::Csv => write_csv(l, &mut out),
        Format::Json => writeln!(out, "{}", serde_json::to_string_pretty(&json_value(l))?),
    }
}

/// What `--format csv` prints for one record shown whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CsvShape {
    /// The record's fields as one row under their names.
    Fields,
    /// One of the related listings (e.g. an event's roster).
    Part(usize),
}

/// One record shown whole (`member show`, `lead show`, `event show`): its
/// fields, then related listings, each with a label for people and a key
/// for JSON.
pub struct RecordView {
    pub fields: Vec<(&'static str, Cell)>,
    pub parts: Vec<(&'static str, &'static str, Listing)>,
    pub csv: CsvShape,
}

impl RecordView {
    fn fields_row(&self) -> Listing {
        let mut l = Listing::new(&self.fields.iter().map(|(k, _)| *k).collect::<Vec<_>>());
        l.push(self.fields.iter().map(|(_, v)| v.clone()).collect());
        l
    }
}

/// Prints a record: a field/value table and labelled tables for people,
/// one CSV shape for scripts, one JSON object with nested arrays.
pub fn print_record(v: &RecordView, format: Format) -> io::Result<()> {
    match format {
        Format::Table => {
            let mut l = Listing::new(&["field", "value"]);
            for (k, c) in &v.fields {
                l.push(vec![Cell::from(lang::heading(k)), c.clone()]);
            }
            print_all(&l)?;
            for (label, key, part) in &v.parts {
                match lang::current() {
                    lang::Lang::En => say(label),
                    _ => say(&format!("{}：", lang::heading(key))),
                }
                print_all(part)?;
            }
            Ok(())
        }
        Format::Csv => match v.csv {
            CsvShape::Fields => print(&v.fields_row(), format),
            CsvShape::Part(i) => match v.parts.get(i) {
                Some((_, _, part)) => print(part, format),
                None => print(&v.fields_row(), format),
            },
        },
        Format::Json => {
            let mut obj = Map::new();
            for (k, c) in &v.fields {
                obj.insert(k.to_string(), json(c));
            }
            for (_, key, part) in &v.parts {
                obj.insert(key.to_string(), json_value(part));
            }
            print_json(&Value::Object(obj))
        }
    }
}

/// A table with every column (a record's fields, its related lists).
fn print_all(l: &Listing) -> io::Result<()> {
    writeln!(io::stdout().lock(), "{}", table_string(l))
}

/// Prints any serialisable value as pretty JSON on standard output.
pub fn print_json(v: &Value) -> io::Result<()> {
    let stdout = io::stdout();
    let mut out = stdout.lock();
    writeln!(out, "{}", serde_json::to_string_pretty(v)?)
}

/// Prints a line on standard output: a new record's id, for `$(...)`.
pub fn print_line(s: &str) -> io::Result<()> {
    writeln!(io::stdout().lock(), "{}", printable(s, true))
}

/// A progress bar on standard error for a long job of `len` steps, hidden
/// when standard error is not a terminal (cron, scripts, tests).
pub fn progress_bar(len: u64, template: &str) -> indicatif::ProgressBar {
    use std::io::IsTerminal;
    if !io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(len);
    if let Ok(style) = indicatif::ProgressStyle::with_template(template) {
        bar.set_style(style);
    }
    bar
}

/// A message for people, on standard error.
pub fn say(s: &str) {
    let _ = writeln!(io::stderr().lock(), "{}", printable(s, true));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_shown_escaped() {
        assert_eq!(printable("Li Lei", false), "Li Lei");
        assert_eq!(printable("\u{1b}[31mRed", false), "\\u{1b}[31mRed");
        assert_eq!(printable("a\nb", false), "a\\u{a}b");
        assert_eq!(printable("a\nb", true), "a\nb");
        assert_eq!(printable("a\rb\u{9b}", true), "a\\u{d}b\\u{9b}");
        let mut l = Listing::new(&["name"]);
        l.push(vec![Cell::from("\u{1b}]0;pwned\u{7}")]);
        let t = table_string(&l);
        assert!(!t.contains('\u{1b}') && t.contains("\\u{1b}"), "{t}");
    }

    #[test]
    fn formulas_are_neutralised_but_numbers_are_not() {
        let mut l = Listing::new(&["name", "points"]);
        l.push(vec![Cell::from("=HYPERLINK(\"x\")"), Cell::Int(-50)]);
        l.push(vec![Cell::from("-rm"), Cell::Money(Cents(-320))]);
        l.push(vec![Cell::from("王小明"), Cell::Int(3)]);
        let mut out = Vec::new();
        write_csv(&l, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(
            text,
            "name,points\n\"'=HYPERLINK(\"\"x\"\")\",-50\n'-rm,-3.20\n王小明,3\n"
        );
    }

    #[test]
    fn json_keeps_types_raw_text_and_column_order() {
        let mut l = Listing::new(&["name", "points", "wallet", "birthday"]);
        let none: Option<&str> = None;
        l.push(vec![
            Cell::from("=1+1"),
            Cell::Int(7),
            Cell::Money(Cents(1050)),
            Cell::from(none),
        ]);
        assert_eq!(
            json_value(&l).to_string(),
            r#"[{"name":"=1+1","points":7,"wallet":"10.50","birthday":null}]"#
        );
    }

    #[test]
    fn cjk_names_line_up_in_tables() {
        let mut l = Listing::new(&["name", "id"]);
        l.push(vec![Cell::from("王小明"), Cell::from("M1")]);
        l.push(vec![Cell::from("Bob"), Cell::from("M2")]);
        let t = table_string(&l);
        let widths: Vec<usize> = t
            .lines()
            .map(|line| {
                line.chars()
                    .map(|c| {
                        if c > '\u{2E80}' && c != '│' && c != '─' {
                            2
                        } else {
                            1
                        }
                    })
                    .sum()
            })
            .collect();
        assert!(widths.windows(2).all(|w| w[0] == w[1]), "{t}");
    }
}
