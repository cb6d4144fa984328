//! Moving a member list in from a spreadsheet: which column holds which
//! field, the date and value spellings such files use, and the check of
//! every row against the members already kept. Pure: the rows arrive as
//! text, the existing members, cards, rules and today as arguments, and
//! the outcome is a plan the caller commits or shows.
//!
//! What an imported row becomes:
//! - with a card number, or join / expiry dates: a member with a term. The
//!   card is issued (the next number in sequence when the file has none),
//!   joined defaults to a term before the expiry (or today), and expires to
//!   joined + the club's term; the
//!   status follows the expiry date as the nightly sweep would (active,
//!   grace or expired), or frozen when the file says so.
//! - with neither: a pending application, to be approved as usual.
//! - opening points become one `grant` entry, dated the import day.
//! - an opening stored-value balance becomes one `recharge` entry, dated
//!   the import day and noted "opening balance": money the member paid in
//!   under the old system. It counts as the member's recharge so far, so a
//!   later first recharge in clubctl pays no referral reward; the import
//!   itself never runs a recharge campaign or a referral reward. A pending
//!   application (no card, no dates) holds no stored value.
//! - a row whose phone or card number is already on file, for the same
//!   person, is reported as already present and adds nothing.

use super::card::{self, Card};
use super::dates::{add_days, sub_months, term_end};
use super::member::{self, Application, Gender, Kind, Member, Status};
use super::money::Cents;
use super::phone;
use super::rules::ClubRules;
use chrono::NaiveDate;
use std::collections::{BTreeMap, HashMap};

/// A member field a column can fill.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Field {
    Name,
    Phone,
    Email,
    Gender,
    Birthday,
    Kind,
    Nominee,
    Source,
    Card,
    Tier,
    Joined,
    Expires,
    Points,
    Wallet,
    Status,
    Note,
}

impl Field {
    pub const ALL: [Field; 16] = [
        Field::Name,
        Field::Phone,
        Field::Email,
        Field::Gender,
        Field::Birthday,
        Field::Kind,
        Field::Nominee,
        Field::Source,
        Field::Card,
        Field::Tier,
        Field::Joined,
        Field::Expires,
        Field::Points,
        Field::Wallet,
        Field::Status,
        Field::Note,
    ];

    /// The English name, as in `members.csv` and mapping files.
    pub fn as_str(self) -> &'static str {
        match self {
            Field::Name => "name",
            Field::Phone => "phone",
            Field::Email => "email",
            Field::Gender => "gender",
            Field::Birthday => "birthday",
            Field::Kind => "kind",
            Field::Nominee => "nominee",
            Field::Source => "source",
            Field::Card => "card",
            Field::Tier => "tier",
            Field::Joined => "joined",
            Field::Expires => "expires",
            Field::Points => "points",
            Field::Wallet => "wallet",
            Field::Status => "status",
            Field::Note => "note",
        }
    }

    /// Header spellings met in English and Chinese spreadsheets.
    fn aliases(self) -> &'static [&'static str] {
        match self {
            Field::Name => &[
                "name",
                "member name",
                "full name",
                "姓名",
                "会员姓名",
                "名字",
                "客户姓名",
            ],
            Field::Phone => &[
                "phone",
                "mobile",
                "tel",
                "telephone",
                "phone number",
                "手机",
                "手机号",
                "手机号码",
                "电话",
                "联系电话",
            ],
            Field::Email => &["email", "e-mail", "mail", "邮箱", "电子邮箱", "电子邮件"],
            Field::Gender => &["gender", "sex", "性别"],
            Field::Birthday => &[
                "birthday",
                "birth date",
                "date of birth",
                "dob",
                "生日",
                "出生日期",
            ],
            Field::Kind => &["kind", "type", "member type", "会员类型", "类型"],
            Field::Nominee => &["nominee", "提名人"],
            Field::Source => &["source", "channel", "来源", "渠道"],
            Field::Card => &[
                "card",
                "card number",
                "card no",
                "card no.",
                "会员卡号",
                "卡号",
            ],
            Field::Tier => &["tier", "level", "grade", "等级", "会员等级", "级别"],
            Field::Joined => &[
                "joined",
                "join date",
                "joined on",
                "入会日期",
                "入会时间",
                "开卡日期",
            ],
            Field::Expires => &[
                "expires",
                "expiry",
                "expiry date",
                "expires on",
                "到期日期",
                "到期时间",
                "有效期至",
            ],
            Field::Points => &["points", "opening points", "积分", "积分余额", "可用积分"],
            Field::Wallet => &[
                "wallet",
                "balance",
                "wallet balance",
                "opening wallet",
                "stored value",
                "储值",
                "余额",
                "储值余额",
                "卡内余额",
                "账户余额",
                "会员卡余额",
            ],
            Field::Status => &["status", "状态", "会员状态"],
            Field::Note => &["note", "notes", "remark", "remarks", "备注"],
        }
    }

    pub fn parse(s: &str) -> Option<Field> {
        Field::ALL.into_iter().find(|f| f.as_str() == s)
    }
}

/// Lower-cased, trimmed, inner whitespace and `_` collapsed to one space:
/// "Card_No" and " card  no " are one header.
fn fold(s: &str) -> String {
    s.trim()
        .to_lowercase()
        .replace('_', " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// A mapping file's contents: header names by field, and values of the
/// file's tier column by tier name.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Mapping {
    /// Field name (`name`, `phone`, ...) → the header holding it.
    pub columns: BTreeMap<String, String>,
    /// A value in the tier column → a tier of club.toml.
    pub tiers: BTreeMap<String, String>,
}

/// Which column (0-based) holds each field.
#[derive(Debug, Clone, Default)]
pub struct Columns {
    pub by_field: HashMap<Field, usize>,
    pub headers: Vec<String>,
}

impl Columns {
    /// Reads the header row, with the mapping file's names taking
    /// precedence. Errors name the header or field and what to do.
    pub fn from_headers(headers: &[String], mapping: &Mapping) -> Result<Columns, String> {
        let folded: Vec<String> = headers.iter().map(|h| fold(h)).collect();
        let mut by_field = HashMap::new();
        for (field, header) in &mapping.columns {
            let f = Field::parse(field).ok_or_else(|| {
                format!(
                    "the mapping file names an unknown field '{field}'; the fields are {}",
                    Field::ALL.map(Field::as_str).join(", ")
                )
            })?;
            let i = folded.iter().position(|h| *h == fold(header)).ok_or_else(|| {
                format!(
                    "the mapping file maps {field} to a column '{header}' that the file does not have; its headers are {}",
                    headers.join(", ")
                )
            })?;
            by_field.insert(f, i);
        }
        for f in Field::ALL {
            if by_field.contains_key(&f) {
                continue;
            }
            let found = folded
                .iter()
                .enumerate()
                .find(|(i, h)| {
                    f.aliases().contains(&h.as_str()) && !by_field.values().any(|v| v == i)
                })
                .map(|(i, _)| i);
            if let Some(i) = found {
                by_field.insert(f, i);
            }
        }
        for required in [Field::Name, Field::Phone] {
            if !by_field.contains_key(&required) {
                return Err(format!(
                    "no column for the member's {} (looked for headers {}); the file's headers are {}; name the column in a mapping file: [columns] {} = \"HEADER\"",
                    required.as_str(),
                    required.aliases().join(", "),
                    headers.join(", "),
                    required.as_str()
                ));
            }
        }
        Ok(Columns {
            by_field,
            headers: headers.to_vec(),
        })
    }

    /// The 1-based column number and header of a field.
    pub fn at(&self, f: Field) -> Option<(usize, String)> {
        let i = *self.by_field.get(&f)?;
        Some((i + 1, self.headers.get(i).cloned().unwrap_or_default()))
    }

    /// Headers that no field takes, so the person sees what is ignored.
    pub fn unused(&self) -> Vec<&str> {
        self.headers
            .iter()
            .enumerate()
            .filter(|(i, _)| !self.by_field.values().any(|v| v == i))
            .map(|(_, h)| h.as_str())
            .collect()
    }
}

/// Dates as spreadsheets hold them: 2024-03-05, 2024/3/5, 2024.3.5,
/// 2024年3月5日, 20240305, and Excel serial numbers in the 1900 date system.
pub fn parse_date(raw: &str) -> Result<NaiveDate, String> {
    let s = raw.trim();
    let bad = || {
        format!("'{raw}' is not a date: write 2024-03-05, 2024/3/5, 2024年3月5日 or an Excel date number")
    };
    if let Some(rest) = s.strip_suffix('日') {
        let (y, rest) = rest.split_once('年').ok_or_else(bad)?;
        let (m, d) = rest.split_once('月').ok_or_else(bad)?;
        return ymd(y, m, d).ok_or_else(bad);
    }
    for sep in ['-', '/', '.'] {
        let parts: Vec<&str> = s.split(sep).collect();
        if parts.len() == 3 {
            // A time of day after the date (Excel's "2024/3/5 0:00") is dropped.
            let day = parts[2].split_whitespace().next().unwrap_or("");
            return ymd(parts[0], parts[1], day).ok_or_else(bad);
        }
    }
    if s.len() == 8 && s.bytes().all(|b| b.is_ascii_digit()) {
        return ymd(&s[..4], &s[4..6], &s[6..]).ok_or_else(bad);
    }
    // An Excel serial: whole days, perhaps with a time as the fraction.
    let whole = s.split_once('.').map_or(s, |(w, f)| {
        if f.bytes().all(|b| b.is_ascii_digit()) {
            w
        } else {
            s
        }
    });
    match whole.parse::<u32>() {
        Ok(n) => excel_serial(n),
        Err(_) => Err(bad()),
    }
}

fn ymd(y: &str, m: &str, d: &str) -> Option<NaiveDate> {
    let y: i32 = y.trim().parse().ok()?;
    if !(1000..=9999).contains(&y) {
        return None;
    }
    NaiveDate::from_ymd_opt(y, m.trim().parse().ok()?, d.trim().parse().ok()?)
}

/// Excel's 1900 date system: 1 is 1900-01-01. It counts a 29 February 1900
/// that never was (serial 60, kept from Lotus 1-2-3), so from serial 61 on
/// the count is one ahead of the calendar.
pub fn excel_serial(n: u32) -> Result<NaiveDate, String> {
    let base = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN);
    match n {
        0 => Err("Excel date number 0 is no day (Excel shows it as 1900-01-00)".into()),
        60 => Err(
            "Excel date number 60 is 1900-02-29, a day that never was (a quirk of Excel's 1900 date system)"
                .into(),
        ),
        1..=59 => Ok(base(1899, 12, 31) + chrono::Duration::days(i64::from(n))),
        // Up to 9999-12-31, Excel's last day.
        61..=2_958_465 => Ok(base(1899, 12, 30) + chrono::Duration::days(i64::from(n))),
        _ => Err(format!(
            "{n} is too large for an Excel date number (the last is 2958465, 9999-12-31)"
        )),
    }
}

fn parse_gender(s: &str) -> Result<Gender, String> {
    match fold(s).as_str() {
        "m" | "male" | "man" | "男" | "男性" => Ok(Gender::Male),
        "f" | "female" | "woman" | "女" | "女性" => Ok(Gender::Female),
        "other" | "其他" => Ok(Gender::Other),
        _ => Err(format!(
            "gender '{s}' is not known: write male/female/other or 男/女/其他"
        )),
    }
}

fn parse_kind(s: &str) -> Result<Kind, String> {
    match fold(s).as_str() {
        "individual" | "person" | "personal" | "个人" | "个人会员" => Ok(Kind::Individual),
        "organization" | "organisation" | "company" | "corporate" | "单位" | "单位会员"
        | "公司" | "企业" => Ok(Kind::Organization),
        _ => Err(format!(
            "kind '{s}' is not known: write individual/organization or 个人/单位"
        )),
    }
}

/// Statuses a file may give; the dates decide between active, grace and
/// expired, so those three only confirm that the member has a term.
fn parse_status(s: &str) -> Result<Status, String> {
    let f = fold(s);
    let status = Status::ALL
        .into_iter()
        .find(|st| st.as_str() == f || st.zh() == f)
        .ok_or_else(|| {
            format!(
                "status '{s}' is not known: write active, frozen or pending (正常, 冻结, 申请中)"
            )
        })?;
    match status {
        Status::Active | Status::Grace | Status::Expired | Status::Frozen | Status::Pending => {
            Ok(status)
        }
        other => Err(format!(
            "status '{s}' cannot be imported: import the member, then use `clubctl member {}`",
            match other {
                Status::Rejected => "reject",
                Status::Exited => "exit",
                _ => "expel",
            }
        )),
    }
}

/// The tier a file's value names: a tier name or its Chinese label in
/// club.toml, or a value the mapping file translates.
fn parse_tier(s: &str, rules: &ClubRules, mapping: &Mapping) -> Result<String, String> {
    let v = s.trim();
    let v = mapping.tiers.get(v).map_or(v, |t| t.as_str());
    rules
        .tiers
        .iter()
        .find(|t| t.name.eq_ignore_ascii_case(v) || (!t.zh.is_empty() && t.zh == v))
        .map(|t| t.name.clone())
        .ok_or_else(|| {
            let names: Vec<String> = rules
                .tiers
                .iter()
                .map(|t| {
                    if t.zh.is_empty() {
                        t.name.clone()
                    } else {
                        format!("{} ({})", t.name, t.zh)
                    }
                })
                .collect();
            format!(
                "tier '{s}' is not in club.toml; the tiers are {}; or translate it in a mapping file: [tiers] \"{s}\" = \"TIER\"",
                names.join(", ")
            )
        })
}

/// An opening stored-value balance as spreadsheets write it: 128.50,
/// ¥128.50, ￥1,280.00, 128.5元. Zero or more, at most two decimals.
pub fn parse_wallet(raw: &str) -> Result<Cents, String> {
    let bad = || {
        format!(
            "wallet '{raw}' is not an amount of money: write yuan with at most two decimals, e.g. 128.50 or ¥128.50"
        )
    };
    let s = raw.trim();
    let s = s
        .strip_prefix('¥')
        .or_else(|| s.strip_prefix('￥'))
        .unwrap_or(s)
        .trim();
    let s = s.strip_suffix('元').unwrap_or(s).trim();
    // Thousands separators only where they belong: 1,280.50, not 1,28.
    let (whole, frac) = s.split_once('.').map_or((s, None), |(w, f)| (w, Some(f)));
    let groups: Vec<&str> = whole.split(',').collect();
    if groups.len() > 1
        && (groups[0].is_empty()
            || groups[0].trim_start_matches('-').len() > 3
            || groups[1..].iter().any(|g| g.len() != 3))
    {
        return Err(bad());
    }
    let plain = match frac {
        Some(f) => format!("{}.{f}", groups.concat()),
        None => groups.concat(),
    };
    let cents: Cents = plain.parse().map_err(|_| bad())?;
    if cents.0 < 0 {
        return Err(format!(
            "wallet '{raw}' is negative: an opening stored-value balance is zero or more"
        ));
    }
    Ok(cents)
}

/// One problem with one cell (or a whole row when `column` is `None`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Line in the file, counting the header as line 1.
    pub line: u64,
    /// 1-based column number and its header.
    pub column: Option<(usize, String)>,
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.column {
            Some((n, h)) => write!(f, "line {}, column {n} ({h}): {}", self.line, self.message),
            None => write!(f, "line {}: {}", self.line, self.message),
        }
    }
}

/// One data row of the file: its line and its cells.
#[derive(Debug, Clone)]
pub struct Row {
    pub line: u64,
    pub cells: Vec<String>,
}

/// A member the import adds.
#[derive(Debug, Clone)]
pub struct NewMember {
    pub line: u64,
    pub member: Member,
    pub card: Option<Card>,
    /// Opening points balance (0 adds no ledger entry).
    pub points: i64,
    /// Opening stored-value balance (0 adds no ledger entry).
    pub wallet: Cents,
}

/// A row already on file.
#[derive(Debug, Clone)]
pub struct Present {
    pub line: u64,
    pub id: String,
    pub name: String,
    /// How it was matched: "phone 138..." or "card VIP...".
    pub by: String,
}

#[derive(Debug, Clone, Default)]
pub struct Plan {
    pub rows: usize,
    pub new: Vec<NewMember>,
    pub present: Vec<Present>,
    pub problems: Vec<Problem>,
}

/// Checks every row and plans the members to add. Ids continue after the
/// highest member id; card numbers after the highest card. `progress` is
/// told how many rows are done.
#[allow(clippy::too_many_arguments)]
pub fn plan(
    columns: &Columns,
    rows: &[Row],
    mapping: &Mapping,
    members: &[Member],
    cards: &[Card],
    rules: &ClubRules,
    today: NaiveDate,
    mut progress: impl FnMut(usize),
) -> Plan {
    let mut out = Plan {
        rows: rows.len(),
        ..Plan::default()
    };
    let mut known = Known::new(members, cards);
    let mut phone_lines: HashMap<String, u64> = HashMap::new();
    let mut card_lines: HashMap<String, u64> = HashMap::new();
    for (done, row) in rows.iter().enumerate() {
        progress(done);
        let mut found = Vec::new();
        // A control character (a newline inside a quoted cell, an escape
        // sequence) in a cell that is read: refused, as on the command line.
        let mut fields: Vec<(Field, usize)> =
            columns.by_field.iter().map(|(f, i)| (*f, *i)).collect();
        fields.sort_by_key(|(_, i)| *i);
        for (f, i) in fields {
            if let Some(c) = row
                .cells
                .get(i)
                .and_then(|v| v.chars().find(|c| c.is_control()))
            {
                found.push((
                    Some(f),
                    format!(
                        "holds the control character U+{:04X}; text may not hold control characters (newlines, tabs, escape sequences)",
                        c as u32
                    ),
                ));
            }
        }
        let result = if !found.is_empty() {
            None
        } else {
            plan_row(
                columns,
                row,
                mapping,
                &mut known,
                rules,
                today,
                &mut phone_lines,
                &mut card_lines,
                &mut found,
            )
        };
        out.problems
            .extend(found.into_iter().map(|(f, message)| Problem {
                line: row.line,
                column: f.and_then(|f| columns.at(f)),
                message,
            }));
        match result {
            Some(Outcome::New(n)) => {
                known.add(&n.member, n.card.as_ref());
                out.new.push(*n);
            }
            Some(Outcome::Present(p)) => out.present.push(p),
            None => {}
        }
    }
    progress(rows.len());
    out
}

/// The members and cards on file and planned so far, indexed so that a
/// large import stays linear.
struct Known<'a> {
    by_phone: HashMap<String, Vec<Member>>,
    by_card: HashMap<String, Card>,
    by_id: HashMap<&'a str, &'a Member>,
    /// The next member id.
    next_id: String,
    /// Cards among which the highest number is, kept short (see `add`).
    card_pool: Vec<Card>,
}

impl<'a> Known<'a> {
    fn new(members: &'a [Member], cards: &[Card]) -> Known<'a> {
        let mut by_phone: HashMap<String, Vec<Member>> = HashMap::new();
        for m in members {
            by_phone.entry(m.phone.clone()).or_default().push(m.clone());
        }
        Known {
            by_phone,
            by_card: cards
                .iter()
                .map(|c| (c.number.clone(), c.clone()))
                .collect(),
            by_id: members.iter().map(|m| (m.id.as_str(), m)).collect(),
            next_id: member::next_id(
                crate::domain::member::ID_PREFIX,
                6,
                members.iter().map(|m| m.id.as_str()),
            ),
            card_pool: cards.to_vec(),
        }
    }

    fn add(&mut self, m: &Member, card: Option<&Card>) {
        self.by_phone
            .entry(m.phone.clone())
            .or_default()
            .push(m.clone());
        self.next_id = member::next_id(
            crate::domain::member::ID_PREFIX,
            6,
            std::iter::once(m.id.as_str()),
        );
        if let Some(c) = card {
            self.by_card.insert(c.number.clone(), c.clone());
            self.card_pool.push(c.clone());
        }
    }

    /// Keeps only the card holding the highest number once the pool grows,
    /// so finding the next number stays cheap.
    fn compact(&mut self, rules: &ClubRules) {
        if self.card_pool.len() < 256 {
            return;
        }
        let next = card::next_number(&self.card_pool, rules);
        if let Some(top) = self
            .card_pool
            .iter()
            .find(|c| card::next_number(std::slice::from_ref(c), rules) == next)
            .cloned()
        {
            self.card_pool = vec![top];
        }
    }

    fn same_phone(&self, phone: &str) -> &[Member] {
        self.by_phone.get(phone).map_or(&[], |v| v.as_slice())
    }

    /// The next card number in sequence.
    fn next_card(&mut self, rules: &ClubRules) -> String {
        self.compact(rules);
        card::next_number(&self.card_pool, rules)
    }
}

enum Outcome {
    New(Box<NewMember>),
    Present(Present),
}

#[allow(clippy::too_many_arguments)]
fn plan_row(
    columns: &Columns,
    row: &Row,
    mapping: &Mapping,
    known: &mut Known,
    rules: &ClubRules,
    today: NaiveDate,
    phone_lines: &mut HashMap<String, u64>,
    card_lines: &mut HashMap<String, u64>,
    found: &mut Vec<(Option<Field>, String)>,
) -> Option<Outcome> {
    let line = row.line;
    let cell = |f: Field| -> &str {
        columns
            .by_field
            .get(&f)
            .and_then(|i| row.cells.get(*i))
            .map_or("", |s| s.trim())
    };
    macro_rules! problem {
        ($f:expr, $msg:expr $(,)?) => {
            found.push(($f, $msg))
        };
    }
    macro_rules! field {
        ($f:expr, $parse:expr) => {{
            let raw = cell($f);
            if raw.is_empty() {
                None
            } else {
                match $parse(raw) {
                    Ok(v) => Some(v),
                    Err(e) => {
                        problem!(Some($f), e);
                        None
                    }
                }
            }
        }};
    }
    let name = cell(Field::Name).to_string();
    if name.is_empty() {
        problem!(Some(Field::Name), "the name is empty".into());
    }
    let raw_phone = cell(Field::Phone);
    let phone = if raw_phone.is_empty() {
        problem!(Some(Field::Phone), "the phone number is empty".into());
        None
    } else {
        match phone::normalise(raw_phone) {
            Some(p) => Some(p),
            None => {
                problem!(
                    Some(Field::Phone),
                    format!("'{raw_phone}' is not a phone number: give 5 to 15 digits, spaces, dashes and +86 allowed"),
                );
                None
            }
        }
    };
    let email = cell(Field::Email).to_string();
    if !email.is_empty() && !email.contains('@') {
        problem!(
            Some(Field::Email),
            format!("'{email}' is not an email address"),
        );
    }
    let gender = field!(Field::Gender, parse_gender);
    let birthday = field!(Field::Birthday, parse_date);
    if let Some(b) = birthday {
        if b > today {
            problem!(
                Some(Field::Birthday),
                format!("birthday {b} is after today ({today})"),
            );
        }
    }
    let kind = field!(Field::Kind, parse_kind).unwrap_or_default();
    let tier = field!(Field::Tier, |s| parse_tier(s, rules, mapping));
    let joined = field!(Field::Joined, parse_date);
    let expires = field!(Field::Expires, parse_date);
    let status = field!(Field::Status, parse_status);
    let points = field!(Field::Points, |s: &str| match s.parse::<i64>() {
        Ok(n) if n >= 0 => Ok(n),
        _ => Err(format!(
            "points '{s}' is not a whole number of zero or more"
        )),
    })
    .unwrap_or(0);
    let wallet = field!(Field::Wallet, parse_wallet).unwrap_or(Cents::ZERO);
    let card_no = cell(Field::Card).to_string();

    // Matches against the file's earlier rows.
    if let Some(p) = &phone {
        if let Some(first) = phone_lines.get(p) {
            problem!(
                Some(Field::Phone),
                format!("phone {p} is also on line {first}; one person per phone"),
            );
        }
    }
    if !card_no.is_empty() {
        if let Some(first) = card_lines.get(&card_no) {
            problem!(
                Some(Field::Card),
                format!("card {card_no} is also on line {first}"),
            );
        }
    }
    // Already on file? The same person by phone or by card is present; a
    // different person holding either is a conflict.
    let same_person = |m: &Member| m.name == name;
    if let Some(p) = &phone {
        let on_file: Vec<&Member> = if phone_lines.contains_key(p) {
            Vec::new()
        } else {
            known.same_phone(p).iter().collect()
        };
        if let Some(m) = on_file.iter().find(|m| same_person(m)) {
            if found.is_empty() {
                return Some(Outcome::Present(Present {
                    line,
                    id: m.id.clone(),
                    name: m.name.clone(),
                    by: format!("phone {p}"),
                }));
            }
        } else if let Some(m) = on_file.iter().find(|m| m.status.holds_phone()) {
            {
                problem!(
                    Some(Field::Phone),
                    if m.status == Status::Expelled {
                        format!(
                            "phone {p} belongs to expelled member {} ({}), who may never register again with it",
                            m.id, m.name
                        )
                    } else {
                        format!(
                            "phone {p} is already held by {} member {} ({}); check which is right with `clubctl member show {}`",
                            m.status, m.id, m.name, m.id
                        )
                    },
                );
            }
        }
    }
    if !card_no.is_empty() && !card_lines.contains_key(&card_no) {
        if let Some(c) = known.by_card.get(&card_no) {
            let holder = known.by_id.get(c.member.as_str()).copied();
            match holder {
                Some(m) if found.is_empty() && same_person(m) => {
                    return Some(Outcome::Present(Present {
                        line,
                        id: m.id.clone(),
                        name: m.name.clone(),
                        by: format!("card {card_no}"),
                    }));
                }
                _ => problem!(
                    Some(Field::Card),
                    format!(
                        "card {card_no} was already issued to {} on {}",
                        c.member, c.issued
                    ),
                ),
            }
        }
    }
    if let Some(p) = &phone {
        phone_lines.entry(p.clone()).or_insert(line);
    }
    if !card_no.is_empty() {
        card_lines.entry(card_no.clone()).or_insert(line);
    }

    // The member's place in the life cycle.
    let has_term = !card_no.is_empty() || joined.is_some() || expires.is_some();
    if status == Some(Status::Pending) && has_term {
        problem!(
            Some(Field::Status),
            "a pending application has no card and no dates; clear the card and date cells or the status"
                .into(),
        );
    }
    if wallet.0 > 0 && (!has_term || status == Some(Status::Pending)) {
        problem!(
            Some(Field::Wallet),
            format!(
                "a stored-value balance of {wallet} needs a member with a card or join / expiry dates; this row would be a pending application: give its card or dates, or leave the balance empty"
            ),
        );
    }
    if !found.is_empty() {
        return None;
    }
    let id = known.next_id.clone();
    let phone_key = phone.clone().unwrap_or_default();
    let app = Application {
        name: name.clone(),
        phone: raw_phone.to_string(),
        email,
        gender,
        birthday,
        kind,
        nominee: cell(Field::Nominee).to_string(),
        referrer: String::new(),
        source: cell(Field::Source).to_string(),
        sales: String::new(),
        note: cell(Field::Note).to_string(),
    };
    // Only members with the same phone can stand in the way of this one.
    let mut m = match member::apply(app, id, today, rules, known.same_phone(&phone_key)) {
        Ok(m) => m,
        Err(e) => {
            problem!(None, e.to_string());
            return None;
        }
    };
    if let Some(t) = tier {
        m.tier = t;
    }
    let mut card = None;
    if has_term {
        // A missing join date is a term before the expiry (not after today);
        // a missing expiry is a term after joining.
        let term = rules.membership.term_months;
        let joined = joined.unwrap_or_else(|| {
            expires.map_or(today, |e| sub_months(add_days(e, 1), term).min(today))
        });
        let expires = expires.unwrap_or_else(|| term_end(joined, term));
        let number = if card_no.is_empty() {
            known.next_card(rules)
        } else {
            card_no
        };
        let taken: Vec<Card> = known.by_card.get(&number).cloned().into_iter().collect();
        match card::issue(number, &m.id, joined, &taken) {
            Ok(c) => card = Some(c),
            Err(e) => {
                problem!(Some(Field::Card), e.to_string());
                return None;
            }
        }
        m.card = card.as_ref().map(|c| c.number.clone()).unwrap_or_default();
        m.applied = joined.min(today);
        m.joined = Some(joined);
        m.expires = Some(expires);
        m.since = today.max(m.applied);
        m.status = if status == Some(Status::Frozen) {
            m.reason = "frozen when imported".into();
            Status::Frozen
        } else {
            member::status_by_date(expires, today, rules)
        };
    }
    for p in member::problems(&m, rules) {
        let f = if p.starts_with("expires") {
            Some(Field::Expires)
        } else if p.starts_with("joined") {
            Some(Field::Joined)
        } else {
            None
        };
        problem!(f, p);
    }
    if !found.is_empty() {
        return None;
    }
    if m.joined.is_some_and(|j| j > today) {
        problem!(
            Some(Field::Joined),
            format!(
                "joined {} is after today ({today})",
                m.joined.map(|d| d.to_string()).unwrap_or_default()
            ),
        );
        return None;
    }
    Some(Outcome::New(Box::new(NewMember {
        line,
        member: m,
        card,
        points,
        wallet,
    })))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn every_spreadsheet_date_form_reads() {
        for s in [
            "2024-03-05",
            "2024/3/5",
            "2024/03/05",
            "2024.3.5",
            "2024年3月5日",
            "2024年03月05日",
            "20240305",
            "45356",
            "45356.5",
            "2024/3/5 0:00",
        ] {
            assert_eq!(parse_date(s), Ok(d("2024-03-05")), "{s}");
        }
    }

    #[test]
    fn impossible_dates_are_refused() {
        for s in [
            "2023-02-29",
            "2024/13/1",
            "2024年2月30日",
            "yesterday",
            "",
            "3/5/2024",
        ] {
            assert!(parse_date(s).is_err(), "{s}");
        }
        assert_eq!(parse_date("2024-02-29"), Ok(d("2024-02-29")));
    }

    #[test]
    fn excel_serials_around_the_phantom_leap_day() {
        assert_eq!(excel_serial(1), Ok(d("1900-01-01")));
        assert_eq!(excel_serial(59), Ok(d("1900-02-28")));
        assert!(excel_serial(60).unwrap_err().contains("1900-02-29"));
        assert_eq!(excel_serial(61), Ok(d("1900-03-01")));
        assert_eq!(excel_serial(36526), Ok(d("2000-01-01")));
        assert_eq!(excel_serial(2_958_465), Ok(d("9999-12-31")));
        assert!(excel_serial(0).is_err());
        assert!(excel_serial(2_958_466).is_err());
    }

    #[test]
    fn chinese_and_english_headers_map_and_a_mapping_file_wins() {
        let h: Vec<String> = ["姓名", "手机号", "Card_No", "出生日期", "备注"]
            .map(String::from)
            .to_vec();
        let c = Columns::from_headers(&h, &Mapping::default()).unwrap();
        assert_eq!(c.by_field[&Field::Name], 0);
        assert_eq!(c.by_field[&Field::Phone], 1);
        assert_eq!(c.by_field[&Field::Card], 2);
        assert_eq!(c.by_field[&Field::Birthday], 3);
        assert_eq!(c.by_field[&Field::Note], 4);
        let mut m = Mapping::default();
        m.columns.insert("note".into(), "姓名".into());
        m.columns.insert("name".into(), "备注".into());
        let c = Columns::from_headers(&h, &m).unwrap();
        assert_eq!(c.by_field[&Field::Name], 4);
        assert_eq!(c.by_field[&Field::Note], 0);
    }

    #[test]
    fn a_file_without_a_phone_column_is_refused_with_its_headers() {
        let h: Vec<String> = ["姓名", "地址"].map(String::from).to_vec();
        let e = Columns::from_headers(&h, &Mapping::default()).unwrap_err();
        assert!(e.contains("phone") && e.contains("地址"), "{e}");
    }

    fn plan_of(lines: &[&str], members: &[Member], cards: &[Card]) -> Plan {
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(lines.join("\n").as_bytes().to_vec().as_slice())
            .into_records()
            .map(|r| r.unwrap().iter().map(String::from).collect::<Vec<_>>())
            .collect::<Vec<_>>()
            .into_iter();
        let headers = rdr.next().unwrap();
        let columns = Columns::from_headers(&headers, &Mapping::default()).unwrap();
        let rows: Vec<Row> = rdr
            .enumerate()
            .map(|(i, cells)| Row {
                line: i as u64 + 2,
                cells,
            })
            .collect();
        plan(
            &columns,
            &rows,
            &Mapping::default(),
            members,
            cards,
            &ClubRules::default(),
            d("2026-11-25"),
            |_| {},
        )
    }

    #[test]
    fn opening_wallets_read_in_spreadsheet_spellings() {
        for (raw, cents) in [
            ("128.50", 12850),
            ("¥128.50", 12850),
            ("￥ 128.5", 12850),
            ("66.6元", 6660),
            ("1,280.00", 128000),
            ("12,345,678", 1234567800),
            ("0", 0),
            (" 7 ", 700),
        ] {
            assert_eq!(parse_wallet(raw), Ok(Cents(cents)), "{raw}");
        }
        for raw in [
            "12.345", "abc", "1,28", ",128", "1280,00", "¥", "1.2.3", "1,2345",
        ] {
            assert!(
                parse_wallet(raw)
                    .unwrap_err()
                    .contains("not an amount of money"),
                "{raw}"
            );
        }
        assert!(parse_wallet("-5").unwrap_err().contains("negative"));
    }

    #[test]
    fn a_balance_on_a_pending_row_is_a_problem_of_its_column() {
        let p = plan_of(
            &[
                "姓名,手机,会员卡号,储值",
                "王小明,13800000001,OLD001,¥128.50",
                "李四,13800000002,,50",
            ],
            &[],
            &[],
        );
        assert_eq!(p.new.len(), 1);
        assert_eq!(p.new[0].wallet, Cents(12850));
        assert_eq!(p.problems.len(), 1, "{:?}", p.problems);
        assert_eq!(p.problems[0].line, 3);
        assert_eq!(p.problems[0].column, Some((4, "储值".to_string())));
    }

    #[test]
    fn rows_with_cards_become_members_with_a_term_and_rows_without_are_pending() {
        let p = plan_of(
            &[
                "姓名,手机,会员卡号,等级,入会日期,到期日期,积分",
                "王小明,138 0000 0001,OLD001,金卡,2025/1/1,2026年12月31日,1200",
                "李四,13800000002,,,,,",
                "赵六,13800000003,OLD003,silver,2024-01-01,2025-12-01,",
            ],
            &[],
            &[],
        );
        assert!(p.problems.is_empty(), "{:?}", p.problems);
        let [a, b, c] = &p.new[..] else {
            panic!("{:?}", p.new)
        };
        assert_eq!(a.member.status, Status::Active);
        assert_eq!(a.member.tier, "gold");
        assert_eq!(a.member.card, "OLD001");
        assert_eq!(a.points, 1200);
        assert_eq!(a.member.id, "M000001");
        assert_eq!(b.member.status, Status::Pending);
        assert_eq!(b.member.id, "M000002");
        assert!(b.card.is_none());
        // Past expiry and past the 30-day grace: expired, as the sweep would.
        assert_eq!(c.member.status, Status::Expired);
    }

    #[test]
    fn a_frozen_member_stays_frozen_and_a_lapsed_one_is_in_grace() {
        let p = plan_of(
            &[
                "姓名,手机,卡号,到期日期,状态",
                "A,13800000001,C1,2027-01-01,冻结",
                "B,13800000002,C2,2026-11-24,正常",
                "C,13800000003,C3,2026-11-25,active",
                "D,13800000004,,,退会",
            ],
            &[],
            &[],
        );
        let statuses: Vec<Status> = p.new.iter().map(|n| n.member.status).collect();
        assert_eq!(statuses, [Status::Frozen, Status::Grace, Status::Active]);
        assert_eq!(p.new[0].member.reason, "frozen when imported");
        assert!(
            p.problems[0]
                .to_string()
                .starts_with("line 5, column 5 (状态): status '退会' cannot be imported"),
            "{:?}",
            p.problems
        );
        // Joined defaults to the start of the term whose last covered day
        // is the expiry (a year to 2027-01-01 began 2026-01-02), never
        // after today.
        assert_eq!(p.new[0].member.joined, Some(d("2026-01-02")));
        assert_eq!(p.new[1].member.joined, Some(d("2025-11-25")));
        assert_eq!(p.new[2].member.joined, Some(d("2025-11-26")));
    }

    #[test]
    fn dates_without_a_card_get_the_next_card_number() {
        let p = plan_of(&["name,phone,joined", "A,13800000001,2026-01-31"], &[], &[]);
        let n = &p.new[0];
        assert_eq!(n.member.card, "VIP000001");
        // A year from 31 January covers up to the next 30 January.
        assert_eq!(n.member.expires, Some(d("2027-01-30")));
    }

    #[test]
    fn automatic_card_numbers_follow_the_highest_even_past_a_refused_row() {
        let p = plan_of(
            &[
                "name,phone,card,joined,expires",
                "A,13800000001,,2026-01-01,",
                "B,13800000002,VIP000007,2026-01-01,",
                "C,13800000003,,2026-06-01,2026-05-01",
                "D,13800000004,,2026-01-01,",
            ],
            &[],
            &[],
        );
        let cards: Vec<&str> = p.new.iter().map(|n| n.member.card.as_str()).collect();
        assert_eq!(cards, ["VIP000001", "VIP000007", "VIP000008"]);
        let ids: Vec<&str> = p.new.iter().map(|n| n.member.id.as_str()).collect();
        assert_eq!(ids, ["M000001", "M000002", "M000003"]);
        assert_eq!(p.problems.len(), 1, "{:?}", p.problems);
    }

    #[test]
    fn every_bad_cell_is_reported_with_line_and_column() {
        let p = plan_of(
            &[
                "name,phone,birthday,tier,joined",
                "A,13800000001,1990-02-30,gold,2025-01-01",
                "B,12,1990-01-01,diamond,2025-01-01",
                "C,13800000001,,,",
            ],
            &[],
            &[],
        );
        let text: Vec<String> = p.problems.iter().map(|p| p.to_string()).collect();
        assert!(
            text[0].starts_with("line 2, column 3 (birthday): '1990-02-30'"),
            "{text:?}"
        );
        assert!(
            text[1].starts_with("line 3, column 2 (phone): '12'"),
            "{text:?}"
        );
        assert!(
            text[2].starts_with("line 3, column 4 (tier): tier 'diamond'"),
            "{text:?}"
        );
        assert!(
            text[3].contains("line 4, column 2 (phone): phone 13800000001 is also on line 2"),
            "{text:?}"
        );
        assert_eq!(text.len(), 4, "{text:?}");
    }

    #[test]
    fn the_same_person_again_is_present_and_another_is_a_conflict() {
        let first = plan_of(&["name,phone,card", "A,13800000001,C1"], &[], &[]);
        let n = first.new[0].clone();
        let members = vec![n.member];
        let cards = vec![n.card.unwrap()];
        let again = plan_of(
            &[
                "name,phone,card",
                "A,13800000001,C1",
                "B,13800000001,",
                "C,13800000009,C1",
            ],
            &members,
            &cards,
        );
        assert_eq!(again.present.len(), 1);
        assert_eq!(again.present[0].id, "M000001");
        assert!(again.new.is_empty());
        let text: Vec<String> = again.problems.iter().map(|p| p.to_string()).collect();
        assert!(
            text[0].contains("line 3") && text[0].contains("already held by active member M000001"),
            "{text:?}"
        );
        assert!(
            text[1].contains("line 4") && text[1].contains("card C1 was already issued to M000001"),
            "{text:?}"
        );
    }
}
