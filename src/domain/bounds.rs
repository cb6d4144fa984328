//! The one place that says how large a number and how far a date may be
//! when it enters the program, from the command line or from a file.
//!
//! The bounds are far beyond any real club and far below where `i64`
//! arithmetic could overflow: a million members each at the largest
//! balance still sum to less than `i64::MAX`, so totals and reports never
//! wrap. A value outside them is refused where it enters, naming the bound,
//! before anything is written.

use super::Cents;
use chrono::{Datelike, NaiveDate};

/// Points in one ledger entry, either way.
pub const MAX_ENTRY_POINTS: i64 = 1_000_000_000;
/// Points one member may hold.
pub const MAX_BALANCE_POINTS: i64 = 1_000_000_000_000;
/// Cents in one amount typed on a command line (100 million yuan).
pub const MAX_ENTRY_CENTS: i64 = 10_000_000_000;
/// Cents one member's wallet may hold, and any amount read from a file
/// (10 billion yuan).
pub const MAX_BALANCE_CENTS: i64 = 1_000_000_000_000;
/// Months in one renewal (ten years).
pub const MAX_RENEW_MONTHS: u32 = 120;
/// Days ahead a listing may look (`--expiring-within`, `--birthday-within`).
pub const MAX_WITHIN_DAYS: u32 = 3660;
/// Places at one event.
pub const MAX_CAPACITY: u32 = 1_000_000;
/// Rewards redeemed at once.
pub const MAX_QUANTITY: u32 = 10_000;
/// The first and last business day the program runs on (`--today`).
pub const FIRST_DAY: (i32, u32, u32) = (2000, 1, 1);
pub const LAST_DAY: (i32, u32, u32) = (2199, 12, 31);
/// Any other date typed or read (a birthday, an event day): the calendar
/// the program computes in.
pub const FIRST_DATE: (i32, u32, u32) = (1900, 1, 1);

fn ymd((y, m, d): (i32, u32, u32)) -> NaiveDate {
    // The constants above are valid dates; a unit test proves it.
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN)
}

pub fn first_day() -> NaiveDate {
    ymd(FIRST_DAY)
}

pub fn last_day() -> NaiveDate {
    ymd(LAST_DAY)
}

pub fn first_date() -> NaiveDate {
    ymd(FIRST_DATE)
}

fn within<T: PartialOrd + std::fmt::Display>(v: T, lo: T, hi: T, what: &str) -> Result<T, String> {
    if v < lo || v > hi {
        Err(format!(
            "{what} {v} is out of range: it must be from {lo} to {hi}"
        ))
    } else {
        Ok(v)
    }
}

/// A date as `YYYY-MM-DD`.
fn date(s: &str) -> Result<NaiveDate, String> {
    let t = s.trim();
    super::dates::parse_ymd(t.as_bytes())
        .ok_or_else(|| format!("'{s}' is not a date: write YYYY-MM-DD, e.g. 2026-11-25"))
}

/// `--today`: a business day from 2000-01-01 to 2199-12-31.
pub fn parse_day(s: &str) -> Result<NaiveDate, String> {
    let d = date(s)?;
    check_day(d)
}

pub fn check_day(d: NaiveDate) -> Result<NaiveDate, String> {
    within(d, first_day(), last_day(), "the business day")
}

/// Any other date typed on a command line: 1900-01-01 to 2199-12-31.
pub fn parse_date(s: &str) -> Result<NaiveDate, String> {
    let d = date(s)?;
    within(d, first_date(), last_day(), "the date")
}

/// Points typed on a command line (`--points`): a whole number, at most
/// [`MAX_ENTRY_POINTS`] either way.
pub fn parse_points(s: &str) -> Result<i64, String> {
    let v: i64 = s.trim().parse().map_err(|_| {
        format!("'{s}' is not a whole number of points (at most {MAX_ENTRY_POINTS})")
    })?;
    within(v, -MAX_ENTRY_POINTS, MAX_ENTRY_POINTS, "points")
}

/// An amount typed on a command line: at most [`MAX_ENTRY_CENTS`].
pub fn parse_amount(s: &str) -> Result<Cents, String> {
    let c: Cents = s
        .parse()
        .map_err(|e: super::money::BadAmount| e.to_string())?;
    check_amount(c)
}

pub fn check_amount(c: Cents) -> Result<Cents, String> {
    within(
        c,
        Cents(-MAX_ENTRY_CENTS),
        Cents(MAX_ENTRY_CENTS),
        "the amount",
    )
}

fn count(s: &str, max: u32, what: &str) -> Result<u32, String> {
    let v: u32 = s
        .trim()
        .parse()
        .map_err(|_| format!("'{s}' is not a whole number of {what} (0 to {max})"))?;
    within(v, 0, max, what)
}

/// `member renew --months`: 1 to [`MAX_RENEW_MONTHS`].
pub fn parse_months(s: &str) -> Result<u32, String> {
    let v: u32 = s
        .trim()
        .parse()
        .map_err(|_| format!("'{s}' is not a whole number of months (1 to {MAX_RENEW_MONTHS})"))?;
    if v == 0 {
        return Err(format!(
            "a renewal is at least 1 month (and at most {MAX_RENEW_MONTHS})"
        ));
    }
    within(v, 1, MAX_RENEW_MONTHS, "months")
}

/// Days ahead for a listing: 0 to [`MAX_WITHIN_DAYS`].
pub fn parse_within(s: &str) -> Result<u32, String> {
    count(s, MAX_WITHIN_DAYS, "days")
}

/// Places at an event: 0 to [`MAX_CAPACITY`].
pub fn parse_capacity(s: &str) -> Result<u32, String> {
    count(s, MAX_CAPACITY, "places")
}

/// Rewards at once: 1 to [`MAX_QUANTITY`].
pub fn parse_quantity(s: &str) -> Result<u32, String> {
    let v: u32 = s
        .trim()
        .parse()
        .map_err(|_| format!("'{s}' is not a whole number of rewards (1 to {MAX_QUANTITY})"))?;
    within(v, 1, MAX_QUANTITY, "rewards")
}

/// A balance after adding `points` and `cents`, or why it cannot be held.
pub fn add_to_balance(
    member: &str,
    points: i64,
    add_points: i64,
    wallet: Cents,
    add_cents: Cents,
) -> Result<(i64, Cents), String> {
    if add_points.unsigned_abs() > MAX_ENTRY_POINTS.unsigned_abs() {
        return Err(format!(
            "{add_points} points in one entry for {member} is out of range: at most {MAX_ENTRY_POINTS} either way"
        ));
    }
    if add_cents.0.unsigned_abs() > MAX_ENTRY_CENTS.unsigned_abs() {
        return Err(format!(
            "{add_cents} in one entry for {member} is out of range: at most {} either way",
            Cents(MAX_ENTRY_CENTS)
        ));
    }
    let p = points
        .checked_add(add_points)
        .filter(|p| *p <= MAX_BALANCE_POINTS)
        .ok_or_else(|| {
            format!("{member} would hold more than {MAX_BALANCE_POINTS} points, the most a balance can hold")
        })?;
    let w = wallet
        .0
        .checked_add(add_cents.0)
        .filter(|w| *w <= MAX_BALANCE_CENTS)
        .ok_or_else(|| {
            format!(
                "{member}'s stored value would pass {}, the most a wallet can hold",
                Cents(MAX_BALANCE_CENTS)
            )
        })?;
    Ok((p, Cents(w)))
}

/// For serde: points read from a file, within [`MAX_BALANCE_POINTS`].
pub fn de_points<'de, D: serde::Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    let v: i64 = serde::Deserialize::deserialize(d)?;
    if v.unsigned_abs() > MAX_BALANCE_POINTS.unsigned_abs() {
        return Err(serde::de::Error::custom(format!(
            "{v} points is out of range: at most {MAX_BALANCE_POINTS} either way"
        )));
    }
    Ok(v)
}

/// Whether a date lies in the calendar the program computes in.
pub fn in_calendar(d: NaiveDate) -> bool {
    (FIRST_DATE.0..=LAST_DAY.0).contains(&d.year())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn the_bound_dates_are_real_dates() {
        assert_eq!(first_day(), d("2000-01-01"));
        assert_eq!(last_day(), d("2199-12-31"));
        assert_eq!(first_date(), d("1900-01-01"));
    }

    #[test]
    fn business_days_stop_at_both_ends() {
        assert_eq!(parse_day("2000-01-01"), Ok(d("2000-01-01")));
        assert_eq!(parse_day("2199-12-31"), Ok(d("2199-12-31")));
        assert_eq!(parse_day("2028-02-29"), Ok(d("2028-02-29")));
        let e = parse_day("1999-12-31").unwrap_err();
        assert!(e.contains("2000-01-01") && e.contains("2199-12-31"), "{e}");
        assert!(parse_day("2200-01-01").is_err());
        assert!(parse_day("9999-12-31").is_err());
        assert!(parse_day("2027-02-29").unwrap_err().contains("not a date"));
        assert!(parse_day("+262142-12-31").is_err());
    }

    #[test]
    fn points_stop_at_the_entry_bound() {
        assert_eq!(parse_points("1000000000"), Ok(MAX_ENTRY_POINTS));
        assert_eq!(parse_points("-1000000000"), Ok(-MAX_ENTRY_POINTS));
        let e = parse_points("1000000001").unwrap_err();
        assert!(e.contains("1000000000"), "{e}");
        assert!(parse_points("9223372036854775807").is_err());
        assert!(parse_points("-9223372036854775808").is_err());
        assert!(parse_points("99999999999999999999").is_err());
    }

    #[test]
    fn amounts_stop_at_the_entry_bound() {
        assert_eq!(parse_amount("100000000.00"), Ok(Cents(MAX_ENTRY_CENTS)));
        assert!(parse_amount("100000000.01")
            .unwrap_err()
            .contains("100000000.00"));
        assert!(parse_amount("92233720368547758.07").is_err());
    }

    #[test]
    fn months_run_from_one_to_ten_years() {
        assert_eq!(parse_months("1"), Ok(1));
        assert_eq!(parse_months("120"), Ok(120));
        assert!(parse_months("0").is_err());
        assert!(parse_months("121").unwrap_err().contains("120"));
        assert!(parse_months("4294967295").is_err());
        assert!(parse_months("4294967296").is_err());
    }

    #[test]
    fn a_balance_stops_at_its_bound_and_never_wraps() {
        let w = Cents::ZERO;
        assert_eq!(
            add_to_balance("M1", MAX_BALANCE_POINTS - 5, 5, w, w),
            Ok((MAX_BALANCE_POINTS, w))
        );
        assert!(add_to_balance("M1", MAX_BALANCE_POINTS - 5, 6, w, w).is_err());
        assert!(add_to_balance("M1", i64::MAX, 1, w, w).is_err());
        assert!(add_to_balance("M1", 0, MAX_ENTRY_POINTS + 1, w, w).is_err());
        assert!(add_to_balance("M1", 0, i64::MIN, w, w).is_err());
        let full = Cents(MAX_BALANCE_CENTS);
        assert!(add_to_balance("M1", 0, 0, full, Cents(1)).is_err());
        assert_eq!(
            add_to_balance("M1", 0, 0, full, Cents(-1)),
            Ok((0, Cents(MAX_BALANCE_CENTS - 1)))
        );
    }
}
