//! The member life cycle of domain.md: application, review, card, renewal,
//! grace and expiry, freezing, leaving and removal. Every function takes the
//! date and the rules it needs, so each transition is testable on its own.

use super::dates::{add_days, days_to_birthday, term_end};
use super::error::{refused, DomainError, Result};
use super::phone;
use super::rules::ClubRules;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Pending,
    Rejected,
    Active,
    Grace,
    Expired,
    Frozen,
    Exited,
    Expelled,
}

impl Status {
    pub const ALL: [Status; 8] = [
        Status::Pending,
        Status::Rejected,
        Status::Active,
        Status::Grace,
        Status::Expired,
        Status::Frozen,
        Status::Exited,
        Status::Expelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pending => "pending",
            Status::Rejected => "rejected",
            Status::Active => "active",
            Status::Grace => "grace",
            Status::Expired => "expired",
            Status::Frozen => "frozen",
            Status::Exited => "exited",
            Status::Expelled => "expelled",
        }
    }

    pub fn zh(self) -> &'static str {
        match self {
            Status::Pending => "申请中",
            Status::Rejected => "未通过",
            Status::Active => "正常",
            Status::Grace => "宽限期",
            Status::Expired => "过期",
            Status::Frozen => "冻结",
            Status::Exited => "退会",
            Status::Expelled => "除名",
        }
    }

    /// A live member holds their phone number: nobody else may apply with it.
    pub fn is_live(self) -> bool {
        matches!(
            self,
            Status::Pending | Status::Active | Status::Grace | Status::Frozen
        )
    }

    /// Statuses whose phone number nobody else may use: the live ones, and
    /// the expelled, who may never register again with the same phone.
    pub fn holds_phone(self) -> bool {
        self.is_live() || self == Status::Expelled
    }

    /// Statuses in which a member has been issued a card and a term.
    pub fn has_term(self) -> bool {
        matches!(
            self,
            Status::Active | Status::Grace | Status::Expired | Status::Frozen
        )
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Gender {
    Male,
    Female,
    Other,
}

impl Gender {
    pub fn as_str(self) -> &'static str {
        match self {
            Gender::Male => "male",
            Gender::Female => "female",
            Gender::Other => "other",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    #[default]
    Individual,
    Organization,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Individual => "individual",
            Kind::Organization => "organization",
        }
    }
}

/// One member record, a row of `members.csv`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Member {
    pub id: String,
    pub name: String,
    /// Normalised (see `phone::normalise`), so equal numbers compare equal.
    pub phone: String,
    pub email: String,
    pub gender: Option<Gender>,
    pub birthday: Option<NaiveDate>,
    pub kind: Kind,
    /// For an organization: the person who uses the card.
    pub nominee: String,
    /// Id of the member who referred this one.
    pub referrer: String,
    pub source: String,
    /// Staff id of the salesperson who signed the member.
    pub sales: String,
    pub status: Status,
    pub tier: String,
    /// The member's current card number (blank until approval).
    pub card: String,
    pub applied: NaiveDate,
    pub joined: Option<NaiveDate>,
    pub expires: Option<NaiveDate>,
    /// The day the member reached the current status.
    pub since: NaiveDate,
    /// Why the member is in the current status (rejection, freeze, exit...).
    pub reason: String,
    pub note: String,
}

/// Every member id is this prefix and a zero-padded sequence (`M000123`).
pub const ID_PREFIX: &str = "M";

/// What `member add` is given.
#[derive(Debug, Clone, Default)]
pub struct Application {
    pub name: String,
    pub phone: String,
    pub email: String,
    pub gender: Option<Gender>,
    pub birthday: Option<NaiveDate>,
    pub kind: Kind,
    pub nominee: String,
    pub referrer: String,
    pub source: String,
    pub sales: String,
    pub note: String,
}

/// The member, other than `except`, who holds `phone` (normalised).
pub fn phone_holder<'a>(
    members: &'a [Member],
    phone: &str,
    except: Option<&str>,
) -> Option<&'a Member> {
    members
        .iter()
        .find(|m| m.status.holds_phone() && m.phone == phone && Some(m.id.as_str()) != except)
}

pub fn normalise_phone(raw: &str) -> Result<String> {
    phone::normalise(raw).ok_or_else(|| {
        DomainError::Invalid(format!(
            "'{raw}' is not a phone number: give 5 to 15 digits, spaces, dashes and +86 allowed"
        ))
    })
}

fn check_phone_free(members: &[Member], phone: &str, except: Option<&str>) -> Result<()> {
    match phone_holder(members, phone, except) {
        Some(m) if m.status == Status::Expelled => refused(format!(
            "phone {phone} belongs to expelled member {} ({}), who may never register again with it",
            m.id, m.name
        )),
        Some(m) => refused(format!(
            "phone {phone} is already held by {} member {} ({}); look them up with `clubctl member show {}`",
            m.status, m.id, m.name, m.id
        )),
        None => Ok(()),
    }
}

fn required(value: &str, what: &str) -> Result<String> {
    let v = value.trim();
    if v.is_empty() {
        Err(DomainError::Invalid(format!("{what} must not be empty")))
    } else {
        Ok(v.to_string())
    }
}

/// A new pending application with id `id`. The referrer must already be
/// checked to exist by the caller (it is a lookup, not a rule).
pub fn apply(
    app: Application,
    id: String,
    today: NaiveDate,
    rules: &ClubRules,
    members: &[Member],
) -> Result<Member> {
    let name = required(&app.name, "the name")?;
    let phone = normalise_phone(&app.phone)?;
    if app.kind == Kind::Organization && app.nominee.trim().is_empty() {
        return refused(format!(
            "organization '{name}' needs a nominee, the person who uses the card: add --nominee NAME"
        ));
    }
    if let Some(b) = app.birthday {
        if b > today {
            return Err(DomainError::Invalid(format!(
                "birthday {b} is after today ({today})"
            )));
        }
    }
    check_phone_free(members, &phone, None)?;
    Ok(Member {
        id,
        name,
        phone,
        email: app.email.trim().to_string(),
        gender: app.gender,
        birthday: app.birthday,
        kind: app.kind,
        nominee: app.nominee.trim().to_string(),
        referrer: app.referrer,
        source: app.source,
        sales: app.sales,
        status: Status::Pending,
        tier: rules.entry_tier().to_string(),
        card: String::new(),
        applied: today,
        joined: None,
        expires: None,
        since: today,
        reason: String::new(),
        note: app.note,
    })
}

fn expect_status(m: &Member, allowed: &[Status], step: &str, hint: &str) -> Result<()> {
    if allowed.contains(&m.status) {
        return Ok(());
    }
    let list: Vec<&str> = allowed.iter().map(|s| s.as_str()).collect();
    let mut msg = format!(
        "cannot {step} {}: the member is {} (since {}); {step} needs {}",
        m.id,
        m.status,
        m.since,
        list.join(" or ")
    );
    if !hint.is_empty() {
        msg.push_str("; ");
        msg.push_str(hint);
    }
    refused(msg)
}

fn set_status(m: &mut Member, status: Status, today: NaiveDate, reason: &str) {
    m.status = status;
    m.since = today;
    m.reason = reason.trim().to_string();
}

/// The status an unsuspended member has on `today` by their expiry date.
pub fn status_by_date(expires: NaiveDate, today: NaiveDate, rules: &ClubRules) -> Status {
    if today <= expires {
        Status::Active
    } else if today <= add_days(expires, i64::from(rules.membership.grace_days)) {
        Status::Grace
    } else {
        Status::Expired
    }
}

/// pending → active: card issued, joined today, and a term from today whose
/// `expires` is its last covered day (see [`term_end`]).
pub fn approve(m: &mut Member, card: &str, today: NaiveDate, rules: &ClubRules) -> Result<()> {
    expect_status(m, &[Status::Pending], "approve", "")?;
    m.card = card.to_string();
    m.joined = Some(today);
    m.expires = Some(term_end(today, rules.membership.term_months));
    set_status(m, Status::Active, today, "");
    Ok(())
}

/// The expiry of a term that starts on `start` (approval, or a restore
/// with no expiry ahead): the last day `membership.term_months` cover.
pub fn term_of(start: NaiveDate, rules: &ClubRules) -> NaiveDate {
    term_end(start, rules.membership.term_months)
}

pub fn reject(m: &mut Member, reason: &str, today: NaiveDate) -> Result<()> {
    expect_status(m, &[Status::Pending], "reject", "")?;
    let reason = required(reason, "the reason")?;
    set_status(m, Status::Rejected, today, &reason);
    Ok(())
}

/// Renewal: a member renewing before their term ran out continues it (the new
/// term starts the day after `expires`); one renewing in grace or after it
/// starts a new term today. Either way `expires` becomes the last day the new
/// term covers. An expired member coming back must still have their phone to
/// themselves.
pub fn renew(
    m: &mut Member,
    months: u32,
    today: NaiveDate,
    members: &[Member],
) -> Result<NaiveDate> {
    expect_status(
        m,
        &[Status::Active, Status::Grace, Status::Expired],
        "renew",
        "a frozen member is unfrozen first; an exited or expelled one is restored",
    )?;
    if months == 0 {
        return Err(DomainError::Invalid("--months must be at least 1".into()));
    }
    if m.status == Status::Expired {
        check_phone_free(members, &m.phone, Some(&m.id))?;
    }
    let from = match m.expires {
        Some(e) if e >= today => add_days(e, 1),
        _ => today,
    };
    let until = term_end(from, months);
    m.expires = Some(until);
    if m.status != Status::Active {
        set_status(m, Status::Active, today, "");
    }
    Ok(until)
}

pub fn freeze(m: &mut Member, reason: &str, today: NaiveDate) -> Result<()> {
    expect_status(m, &[Status::Active, Status::Grace], "freeze", "")?;
    let reason = required(reason, "the reason")?;
    set_status(m, Status::Frozen, today, &reason);
    Ok(())
}

/// frozen → active, or straight to grace/expired when the term ran out
/// while the member was frozen (what tonight's sweep would do anyway).
pub fn unfreeze(m: &mut Member, today: NaiveDate, rules: &ClubRules) -> Result<Status> {
    expect_status(m, &[Status::Frozen], "unfreeze", "")?;
    let status = m
        .expires
        .map_or(Status::Active, |e| status_by_date(e, today, rules));
    set_status(m, status, today, "");
    Ok(status)
}

/// Leaving of the member's own will. The caller forfeits the points.
pub fn exit(m: &mut Member, reason: &str, today: NaiveDate) -> Result<()> {
    expect_status(
        m,
        &[
            Status::Pending,
            Status::Active,
            Status::Grace,
            Status::Expired,
            Status::Frozen,
        ],
        "exit",
        "",
    )?;
    set_status(m, Status::Exited, today, reason);
    Ok(())
}

/// Removal for a violation; the phone stays barred for good. A member who
/// had let go of their phone (exited, expired) can be expelled only while
/// nobody else has taken it since: the bar would fall on that person.
pub fn expel(m: &mut Member, reason: &str, today: NaiveDate, members: &[Member]) -> Result<()> {
    expect_status(
        m,
        &[
            Status::Pending,
            Status::Active,
            Status::Grace,
            Status::Expired,
            Status::Frozen,
            Status::Exited,
        ],
        "expel",
        "",
    )?;
    let reason = required(reason, "the reason")?;
    if !m.status.holds_phone() {
        if let Some(other) = phone_holder(members, &m.phone, Some(&m.id)) {
            return refused(format!(
                "cannot expel {}: their phone {} has since passed to {} member {} ({}), and an expelled member's phone is barred for good; if {} has another number, record it first with `clubctl member update {} --phone NUMBER`",
                m.id, m.phone, other.status, other.id, other.name, m.id, m.id
            ));
        }
    }
    set_status(m, Status::Expelled, today, &reason);
    Ok(())
}

/// A manager reinstates an exited or expelled member: active again, keeping
/// an expiry still ahead, else a fresh term from today.
pub fn restore(
    m: &mut Member,
    reason: &str,
    today: NaiveDate,
    rules: &ClubRules,
    members: &[Member],
) -> Result<()> {
    expect_status(m, &[Status::Exited, Status::Expelled], "restore", "")?;
    let reason = required(reason, "the reason")?;
    check_phone_free(members, &m.phone, Some(&m.id))?;
    if m.card.is_empty() {
        // Never approved (left or removed while pending): the application
        // stands again, and approval issues the card and starts the term.
        set_status(m, Status::Pending, today, &reason);
        return Ok(());
    }
    if m.joined.is_none() {
        m.joined = Some(today);
    }
    m.expires = Some(match m.expires {
        Some(e) if e >= today => e,
        _ => term_end(today, rules.membership.term_months),
    });
    set_status(m, Status::Active, today, &reason);
    Ok(())
}

/// The nightly sweep's step for one member: active past expiry → grace, and
/// past grace → expired. Returns the new status when it changed.
pub fn sweep(m: &mut Member, today: NaiveDate, rules: &ClubRules) -> Option<Status> {
    if !matches!(m.status, Status::Active | Status::Grace) {
        return None;
    }
    let expires = m.expires?;
    let due = status_by_date(expires, today, rules);
    if due == m.status {
        return None;
    }
    let reason = match due {
        Status::Grace => format!(
            "expired {expires}, grace until {}",
            grace_end(expires, rules)
        ),
        _ => format!("grace ended {}", grace_end(expires, rules)),
    };
    set_status(m, due, today, &reason);
    Some(due)
}

/// The last day on which a member whose term ended on `expires` may still
/// renew in grace.
pub fn grace_end(expires: NaiveDate, rules: &ClubRules) -> NaiveDate {
    add_days(expires, i64::from(rules.membership.grace_days))
}

/// Corrections to a member's details; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct Update {
    pub name: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub gender: Option<Gender>,
    pub birthday: Option<NaiveDate>,
    pub kind: Option<Kind>,
    pub nominee: Option<String>,
    pub referrer: Option<String>,
    pub source: Option<String>,
    pub sales: Option<String>,
    pub note: Option<String>,
}

pub fn update(m: &mut Member, u: Update, today: NaiveDate, members: &[Member]) -> Result<()> {
    if let Some(name) = u.name {
        m.name = required(&name, "the name")?;
    }
    if let Some(raw) = u.phone {
        let phone = normalise_phone(&raw)?;
        if m.status.holds_phone() {
            check_phone_free(members, &phone, Some(&m.id))?;
        }
        m.phone = phone;
    }
    if let Some(b) = u.birthday {
        if b > today {
            return Err(DomainError::Invalid(format!(
                "birthday {b} is after today ({today})"
            )));
        }
        m.birthday = Some(b);
    }
    if let Some(v) = u.email {
        m.email = v.trim().to_string();
    }
    if let Some(v) = u.gender {
        m.gender = Some(v);
    }
    if let Some(v) = u.kind {
        m.kind = v;
    }
    if let Some(v) = u.nominee {
        m.nominee = v.trim().to_string();
    }
    if let Some(v) = u.referrer {
        if v == m.id {
            return refused(format!("{} cannot be their own referrer", m.id));
        }
        m.referrer = v;
    }
    if let Some(v) = u.source {
        m.source = v;
    }
    if let Some(v) = u.sales {
        m.sales = v;
    }
    if let Some(v) = u.note {
        m.note = v;
    }
    if m.kind == Kind::Organization && m.nominee.is_empty() {
        return refused(format!(
            "organization member {} needs a nominee: add --nominee NAME",
            m.id
        ));
    }
    Ok(())
}

/// Whether a member's birthday falls within `days` days from today
/// (today counts as day 0).
pub fn birthday_within(m: &Member, today: NaiveDate, days: u32) -> bool {
    m.birthday
        .is_some_and(|b| days_to_birthday(b, today) <= i64::from(days))
}

/// Whether a member with a term expires within `days` days from today
/// (already past expiry counts too, while in grace).
pub fn expiring_within(m: &Member, today: NaiveDate, days: u32) -> bool {
    matches!(m.status, Status::Active | Status::Grace)
        && m.expires
            .is_some_and(|e| e <= add_days(today, i64::from(days)))
}

/// What `member list --sort` orders by. Ties keep id order; members
/// without the value (no join date, no birthday) come last either way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortKey {
    Id,
    Name,
    Joined,
    Expires,
    Birthday,
    Tier,
    Status,
    Sales,
}

impl SortKey {
    pub const NAMES: &'static [&'static str] = &[
        "id", "name", "joined", "expires", "birthday", "tier", "status", "sales",
    ];
}

impl std::str::FromStr for SortKey {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<SortKey, String> {
        Ok(match s {
            "id" => SortKey::Id,
            "name" => SortKey::Name,
            "joined" => SortKey::Joined,
            "expires" => SortKey::Expires,
            "birthday" => SortKey::Birthday,
            "tier" => SortKey::Tier,
            "status" => SortKey::Status,
            "sales" => SortKey::Sales,
            _ => {
                return Err(format!(
                    "cannot sort by '{s}': use one of {}",
                    SortKey::NAMES.join(", ")
                ))
            }
        })
    }
}

/// Whether a member joined inside `from..=to` (either end open). A member
/// who never joined (pending, rejected) is outside every such window.
pub fn joined_between(m: &Member, from: Option<NaiveDate>, to: Option<NaiveDate>) -> bool {
    if from.is_none() && to.is_none() {
        return true;
    }
    m.joined
        .is_some_and(|j| from.is_none_or(|f| j >= f) && to.is_none_or(|t| j <= t))
}

/// Orders members by `key` (tiers by their rank on the ladder, statuses in
/// life-cycle order), ascending or descending; ties stay in id order and
/// members without the value stay last.
pub fn sort(members: &mut [Member], key: SortKey, descending: bool, rules: &ClubRules) {
    use std::cmp::Ordering;
    fn opt<T: Ord>(a: Option<T>, b: Option<T>, descending: bool) -> Ordering {
        match (a, b) {
            (Some(a), Some(b)) if descending => b.cmp(&a),
            (Some(a), Some(b)) => a.cmp(&b),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => Ordering::Equal,
        }
    }
    let text = |s: &str| (!s.is_empty()).then(|| s.to_lowercase());
    members.sort_by(|a, b| {
        let primary = match key {
            SortKey::Id => opt(Some(&a.id), Some(&b.id), descending),
            SortKey::Name => opt(text(&a.name), text(&b.name), descending),
            SortKey::Joined => opt(a.joined, b.joined, descending),
            SortKey::Expires => opt(a.expires, b.expires, descending),
            SortKey::Birthday => opt(a.birthday, b.birthday, descending),
            SortKey::Tier => opt(
                rules.tier_rank(&a.tier),
                rules.tier_rank(&b.tier),
                descending,
            ),
            SortKey::Status => opt(Some(a.status as u8), Some(b.status as u8), descending),
            SortKey::Sales => opt(text(&a.sales), text(&b.sales), descending),
        };
        primary.then_with(|| a.id.cmp(&b.id))
    });
}

/// What is incoherent about one member record on its own: fields its
/// status requires, dates out of order, a tier the rules do not know.
pub fn problems(m: &Member, rules: &ClubRules) -> Vec<String> {
    let mut out = Vec::new();
    if m.name.trim().is_empty() {
        out.push("the name is empty".to_string());
    }
    if phone::normalise(&m.phone).as_deref() != Some(m.phone.as_str()) {
        out.push(format!("phone '{}' is not in normalised form", m.phone));
    }
    if rules.tier(&m.tier).is_none() {
        out.push(format!("tier '{}' is not in club.toml", m.tier));
    }
    if m.kind == Kind::Organization && m.nominee.is_empty() {
        out.push("an organization without a nominee".to_string());
    }
    if m.status.has_term() {
        match (m.joined, m.expires) {
            (Some(j), Some(e)) if e <= j => {
                out.push(format!("expires {e} is not after joined {j}"))
            }
            (Some(j), _) if j < m.applied => {
                out.push(format!("joined {j} is before applied {}", m.applied))
            }
            (Some(_), Some(_)) => {}
            _ => out.push(format!(
                "a {} member needs joined and expires dates",
                m.status
            )),
        }
        if m.card.is_empty() {
            out.push(format!("a {} member needs a card", m.status));
        }
    }
    if m.status == Status::Pending && (!m.card.is_empty() || m.joined.is_some()) {
        out.push("a pending application has a card or a join date".to_string());
    }
    if m.since < m.applied {
        out.push(format!(
            "status since {} is before applied {}",
            m.since, m.applied
        ));
    }
    out
}

/// The next id after the highest in use: `M000001`, `M000002`, ...
pub fn next_id<'a>(prefix: &str, width: usize, ids: impl Iterator<Item = &'a str>) -> String {
    let max = ids
        .filter_map(|id| id.strip_prefix(prefix)?.parse::<u64>().ok())
        .max()
        .unwrap_or(0);
    format!("{prefix}{:0width$}", max + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn rules() -> ClubRules {
        ClubRules::default()
    }

    fn applied(id: &str, phone: &str, today: &str, members: &[Member]) -> Member {
        let app = Application {
            name: format!("Member {id}"),
            phone: phone.into(),
            ..Default::default()
        };
        apply(app, id.into(), d(today), &rules(), members).unwrap()
    }

    fn active(id: &str, phone: &str, joined: &str) -> Member {
        let mut m = applied(id, phone, joined, &[]);
        approve(&mut m, "VIP000001", d(joined), &rules()).unwrap();
        m
    }

    #[test]
    fn joined_window_includes_both_ends_and_skips_members_never_joined() {
        let m = active("M000001", "13800000001", "2028-02-29");
        let (feb29, mar1, feb28) = (d("2028-02-29"), d("2028-03-01"), d("2028-02-28"));
        assert!(joined_between(&m, Some(feb29), Some(feb29)));
        assert!(joined_between(&m, None, Some(feb29)));
        assert!(joined_between(&m, Some(feb29), None));
        assert!(!joined_between(&m, Some(mar1), None));
        assert!(!joined_between(&m, None, Some(feb28)));
        let pending = applied("M000002", "13800000002", "2028-02-29", &[]);
        assert!(joined_between(&pending, None, None));
        assert!(!joined_between(&pending, None, Some(mar1)));
    }

    #[test]
    fn sorting_keeps_missing_values_last_and_ties_in_id_order() {
        let mut ms = vec![
            applied("M000003", "13800000003", "2026-01-01", &[]),
            active("M000002", "13800000002", "2026-03-31"),
            active("M000004", "13800000004", "2026-01-31"),
            active("M000001", "13800000001", "2026-03-31"),
        ];
        let ids = |ms: &[Member]| ms.iter().map(|m| m.id.clone()).collect::<Vec<_>>();
        sort(&mut ms, SortKey::Joined, false, &rules());
        assert_eq!(ids(&ms), ["M000004", "M000001", "M000002", "M000003"]);
        sort(&mut ms, SortKey::Joined, true, &rules());
        assert_eq!(ids(&ms), ["M000001", "M000002", "M000004", "M000003"]);
        sort(&mut ms, SortKey::Status, false, &rules());
        assert_eq!(ids(&ms), ["M000003", "M000001", "M000002", "M000004"]);
        assert!("nope".parse::<SortKey>().unwrap_err().contains("joined"));
    }

    #[test]
    fn approval_sets_a_term_from_today() {
        let m = active("M000001", "13800000001", "2026-01-31");
        assert_eq!(m.status, Status::Active);
        assert_eq!(m.joined, Some(d("2026-01-31")));
        // A year from 31 January covers up to 30 January; the next term
        // starts on the 31st again.
        assert_eq!(m.expires, Some(d("2027-01-30")));
    }

    #[test]
    fn approval_on_29_february_expires_28_february() {
        // 2029 has no 29 February: the term runs to the end of February.
        let m = active("M000001", "13800000001", "2028-02-29");
        assert_eq!(m.expires, Some(d("2029-02-28")));
    }

    #[test]
    fn a_phone_held_by_a_live_or_expelled_member_is_refused() {
        let mut other = active("M000001", "138 0000 0001", "2026-01-01");
        let app = Application {
            name: "B".into(),
            phone: "+86 13800000001".into(),
            ..Default::default()
        };
        let err = apply(
            app.clone(),
            "M000002".into(),
            d("2026-02-01"),
            &rules(),
            &[other.clone()],
        );
        assert!(matches!(err, Err(DomainError::Refused(ref m)) if m.contains("M000001")));

        exit(&mut other, "moved away", d("2026-03-01")).unwrap();
        assert!(apply(
            app.clone(),
            "M000002".into(),
            d("2026-03-02"),
            &rules(),
            &[other.clone()]
        )
        .is_ok());

        expel(&mut other, "fraud", d("2026-03-03"), &[]).unwrap();
        let err = apply(app, "M000002".into(), d("2026-03-04"), &rules(), &[other]);
        assert!(matches!(err, Err(DomainError::Refused(ref m)) if m.contains("expelled")));
    }

    #[test]
    fn an_organization_needs_a_nominee() {
        let app = Application {
            name: "ACME Ltd".into(),
            phone: "13800000001".into(),
            kind: Kind::Organization,
            ..Default::default()
        };
        assert!(matches!(
            apply(app, "M000001".into(), d("2026-01-01"), &rules(), &[]),
            Err(DomainError::Refused(_))
        ));
    }

    #[test]
    fn renewal_on_the_day_of_expiry_extends_from_expiry() {
        let mut m = active("M000001", "13800000001", "2026-01-15");
        assert_eq!(m.expires, Some(d("2027-01-14")));
        let until = renew(&mut m, 12, d("2027-01-14"), &[]).unwrap();
        assert_eq!(until, d("2028-01-14"));
    }

    #[test]
    fn renewal_in_grace_extends_from_today() {
        let mut m = active("M000001", "13800000001", "2026-01-15");
        assert_eq!(
            sweep(&mut m, d("2027-01-20"), &rules()),
            Some(Status::Grace)
        );
        let until = renew(&mut m, 12, d("2027-01-20"), &[]).unwrap();
        assert_eq!(until, d("2028-01-19"));
        assert_eq!(m.status, Status::Active);
    }

    #[test]
    fn renewal_early_adds_to_the_current_expiry() {
        let mut m = active("M000001", "13800000001", "2026-01-15");
        let until = renew(&mut m, 6, d("2026-10-01"), &[]).unwrap();
        assert_eq!(until, d("2027-07-14"));
    }

    #[test]
    fn a_rolling_year_covers_365_or_366_days_and_no_more() {
        let r = rules();
        let mut m = active("M000001", "13800000001", "2009-01-21");
        assert_eq!(m.expires, Some(d("2010-01-20")));
        assert_eq!(sweep(&mut m, d("2010-01-20"), &r), None);
        assert_eq!(sweep(&mut m, d("2010-01-21"), &r), Some(Status::Grace));
        // A lapsed renewal starts today and covers a year up to the day
        // before its anniversary.
        let until = renew(&mut m, 12, d("2010-02-01"), &[]).unwrap();
        assert_eq!(until, d("2011-01-31"));
        let mut lapsed = active("M000002", "13800000002", "2007-01-01");
        assert_eq!(
            sweep(&mut lapsed, d("2009-03-01"), &r),
            Some(Status::Expired)
        );
        let until = renew(&mut lapsed, 12, d("2009-03-01"), &[]).unwrap();
        assert_eq!(until, d("2010-02-28"));
    }

    #[test]
    fn frozen_and_gone_members_cannot_renew() {
        let mut m = active("M000001", "13800000001", "2026-01-15");
        freeze(&mut m, "arrears", d("2026-02-01")).unwrap();
        let err = renew(&mut m, 12, d("2026-02-02"), &[]).unwrap_err();
        assert!(err.to_string().contains("frozen"), "{err}");
    }

    #[test]
    fn the_last_day_of_grace_is_still_grace() {
        let r = rules();
        let mut m = active("M000001", "13800000001", "2026-01-15");
        // expires 2027-01-14 (the last covered day); grace 30 days ends
        // 2027-02-13.
        assert_eq!(sweep(&mut m, d("2027-01-14"), &r), None);
        assert_eq!(m.status, Status::Active);
        assert_eq!(sweep(&mut m, d("2027-01-15"), &r), Some(Status::Grace));
        assert_eq!(sweep(&mut m, d("2027-02-13"), &r), None);
        assert_eq!(m.status, Status::Grace);
        assert_eq!(sweep(&mut m, d("2027-02-14"), &r), Some(Status::Expired));
        assert_eq!(sweep(&mut m, d("2027-02-15"), &r), None);
    }

    #[test]
    fn a_missed_sweep_goes_straight_to_expired() {
        let mut m = active("M000001", "13800000001", "2026-01-15");
        assert_eq!(
            sweep(&mut m, d("2027-06-01"), &rules()),
            Some(Status::Expired)
        );
    }

    #[test]
    fn the_sweep_leaves_frozen_members_alone() {
        let mut m = active("M000001", "13800000001", "2026-01-15");
        freeze(&mut m, "dispute", d("2026-06-01")).unwrap();
        assert_eq!(sweep(&mut m, d("2027-06-01"), &rules()), None);
        assert_eq!(
            unfreeze(&mut m, d("2027-06-01"), &rules()).unwrap(),
            Status::Expired
        );
    }

    #[test]
    fn restore_keeps_a_future_expiry_or_starts_a_new_term() {
        let r = rules();
        let mut m = active("M000001", "13800000001", "2026-01-15");
        exit(&mut m, "", d("2026-03-01")).unwrap();
        restore(&mut m, "appeal upheld", d("2026-04-01"), &r, &[]).unwrap();
        assert_eq!(m.expires, Some(d("2027-01-14")));
        expel(&mut m, "fraud", d("2026-05-01"), &[]).unwrap();
        restore(&mut m, "appeal upheld", d("2027-03-01"), &r, &[]).unwrap();
        // A year from 2027-03-01 ends on the last day of a leap February.
        assert_eq!(m.expires, Some(d("2028-02-29")));
    }

    #[test]
    fn restoring_a_member_never_approved_reopens_the_application() {
        let r = rules();
        let mut m = applied("M000001", "13800000001", "2026-01-15", &[]);
        exit(&mut m, "changed their mind", d("2026-01-20")).unwrap();
        restore(&mut m, "asked again", d("2026-02-01"), &r, &[]).unwrap();
        assert_eq!(m.status, Status::Pending);
        assert_eq!((m.joined, m.expires), (None, None));
        assert!(problems(&m, &r).is_empty(), "{:?}", problems(&m, &r));
        expel(&mut m, "forged papers", d("2026-02-02"), &[]).unwrap();
        restore(&mut m, "papers were fine", d("2026-02-03"), &r, &[]).unwrap();
        assert_eq!(m.status, Status::Pending);
        approve(&mut m, "VIP000001", d("2026-02-04"), &r).unwrap();
        assert_eq!(m.expires, Some(d("2027-02-03")));
    }

    #[test]
    fn expelling_a_member_whose_phone_passed_to_another_is_refused() {
        let r = rules();
        let mut gone = active("M000001", "13800000001", "2026-01-15");
        assert_eq!(sweep(&mut gone, d("2027-06-01"), &r), Some(Status::Expired));
        let newcomer = applied("M000002", "13800000001", "2027-06-02", &[gone.clone()]);
        let err = expel(&mut gone, "fraud", d("2027-06-03"), &[newcomer]).unwrap_err();
        assert!(
            err.to_string().contains("passed to pending member M000002"),
            "{err}"
        );
        assert_eq!(gone.status, Status::Expired);
        // With the phone free, or once corrected, the expulsion goes ahead.
        expel(&mut gone, "fraud", d("2027-06-03"), &[]).unwrap();
        assert_eq!(gone.status, Status::Expelled);
    }

    #[test]
    fn restore_refuses_a_phone_taken_meanwhile() {
        let r = rules();
        let mut gone = active("M000001", "13800000001", "2026-01-15");
        exit(&mut gone, "", d("2026-03-01")).unwrap();
        let newcomer = applied("M000002", "13800000001", "2026-03-02", &[gone.clone()]);
        let err = restore(&mut gone, "appeal", d("2026-04-01"), &r, &[newcomer]).unwrap_err();
        assert!(err.to_string().contains("M000002"), "{err}");
    }

    #[test]
    fn birthday_window_wraps_the_year_and_includes_today() {
        let mut m = active("M000001", "13800000001", "2026-01-15");
        m.birthday = Some(d("1980-01-03"));
        assert!(birthday_within(&m, d("2026-12-28"), 7));
        assert!(!birthday_within(&m, d("2026-12-26"), 7));
        m.birthday = Some(d("1996-02-29"));
        assert!(birthday_within(&m, d("2027-02-28"), 0));
    }

    #[test]
    fn next_id_follows_the_highest() {
        let ids = ["M000002", "M000010", "junk"];
        assert_eq!(
            next_id(crate::domain::member::ID_PREFIX, 6, ids.into_iter()),
            "M000011"
        );
        assert_eq!(
            next_id(crate::domain::member::ID_PREFIX, 6, std::iter::empty()),
            "M000001"
        );
    }
}
