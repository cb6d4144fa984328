//! Calendar rules: month arithmetic that clamps to month ends, and birthdays
//! that wrap the year end and treat 29 February as 28 February in common years.

use chrono::{Datelike, Months, NaiveDate};

/// `date` plus `months` calendar months; 31 January + 1 month is the last day
/// of February.
pub fn add_months(date: NaiveDate, months: u32) -> NaiveDate {
    date.checked_add_months(Months::new(months))
        .unwrap_or(NaiveDate::MAX)
}

/// The last day covered by a term of `months` months starting on `start`:
/// the day before the same date `months` later, so a year from 2009-01-21
/// ends 2010-01-20 and the next term starts the day after. When that date
/// does not exist (a start on the 31st, or on 29 February) the term runs to
/// the end of the shorter month: a year from 2028-02-29 ends 2029-02-28.
pub fn term_end(start: NaiveDate, months: u32) -> NaiveDate {
    let same_day = add_months(start, months);
    if same_day.day() == start.day() {
        add_days(same_day, -1)
    } else {
        same_day
    }
}

/// `date` minus `months` calendar months, clamped to month ends.
pub fn sub_months(date: NaiveDate, months: u32) -> NaiveDate {
    date.checked_sub_months(Months::new(months))
        .unwrap_or(NaiveDate::MIN)
}

/// `date` plus `days` days.
pub fn add_days(date: NaiveDate, days: i64) -> NaiveDate {
    date.checked_add_signed(chrono::Duration::days(days))
        .unwrap_or(NaiveDate::MAX)
}

/// The birthday of someone born on `born`, celebrated in `year`: 29 February
/// falls on 28 February in a common year.
pub fn birthday_in(born: NaiveDate, year: i32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, born.month(), born.day())
        .or_else(|| NaiveDate::from_ymd_opt(year, 2, 28))
        .unwrap_or(NaiveDate::MAX)
}

/// Days from `today` to the next birthday (0 when it is today).
pub fn days_to_birthday(born: NaiveDate, today: NaiveDate) -> i64 {
    let this_year = birthday_in(born, today.year());
    let next = if this_year >= today {
        this_year
    } else {
        birthday_in(born, today.year() + 1)
    };
    (next - today).num_days()
}

/// Whole years of age on `today`.
pub fn age_on(born: NaiveDate, today: NaiveDate) -> i32 {
    let mut age = today.year() - born.year();
    if birthday_in(born, today.year()) > today {
        age -= 1;
    }
    age
}

/// The value of a run of ASCII digits (at most 18), if that is all it is.
pub fn digits(b: &[u8]) -> Option<i64> {
    if b.is_empty() || b.len() > 18 {
        return None;
    }
    b.iter().try_fold(0i64, |n, &c| {
        c.is_ascii_digit().then(|| n * 10 + i64::from(c - b'0'))
    })
}

/// `YYYY-MM-DD` and nothing else, without the general date parser's cost
/// (big scans read millions of dates).
pub fn parse_ymd(b: &[u8]) -> Option<NaiveDate> {
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let y = digits(&b[..4])?;
    let m = digits(&b[5..7])?;
    let d = digits(&b[8..])?;
    NaiveDate::from_ymd_opt(y as i32, m as u32, d as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn month_ends_clamp() {
        assert_eq!(add_months(d("2026-01-31"), 1), d("2026-02-28"));
        assert_eq!(add_months(d("2028-01-31"), 1), d("2028-02-29"));
        assert_eq!(add_months(d("2028-02-29"), 12), d("2029-02-28"));
        assert_eq!(add_months(d("2026-03-31"), 12), d("2027-03-31"));
        assert_eq!(sub_months(d("2026-03-31"), 1), d("2026-02-28"));
    }

    #[test]
    fn a_term_ends_the_day_before_its_anniversary() {
        assert_eq!(term_end(d("2009-01-21"), 12), d("2010-01-20"));
        assert_eq!(term_end(d("2009-03-01"), 12), d("2010-02-28"));
        assert_eq!(term_end(d("2011-03-01"), 12), d("2012-02-29"));
        assert_eq!(term_end(d("2026-01-01"), 12), d("2026-12-31"));
        assert_eq!(term_end(d("2026-01-01"), 1), d("2026-01-31"));
        assert_eq!(term_end(d("2026-12-31"), 1), d("2027-01-30"));
    }

    #[test]
    fn a_term_from_a_day_the_end_month_lacks_runs_to_its_last_day() {
        assert_eq!(term_end(d("2028-02-29"), 12), d("2029-02-28"));
        assert_eq!(term_end(d("2028-02-29"), 48), d("2032-02-28"));
        assert_eq!(term_end(d("2026-01-31"), 1), d("2026-02-28"));
        assert_eq!(term_end(d("2028-01-31"), 1), d("2028-02-29"));
        assert_eq!(term_end(d("2026-08-31"), 1), d("2026-09-30"));
        assert_eq!(term_end(d("2026-01-30"), 1), d("2026-02-28"));
        assert_eq!(term_end(d("2026-03-31"), 12), d("2027-03-30"));
    }

    #[test]
    fn leap_day_birthday_is_28_february_in_common_years() {
        let born = d("2000-02-29");
        assert_eq!(birthday_in(born, 2026), d("2026-02-28"));
        assert_eq!(birthday_in(born, 2028), d("2028-02-29"));
        assert_eq!(days_to_birthday(born, d("2026-02-28")), 0);
        assert_eq!(days_to_birthday(born, d("2026-02-27")), 1);
    }

    #[test]
    fn birthdays_wrap_the_year_end() {
        let born = d("1990-01-02");
        assert_eq!(days_to_birthday(born, d("2026-12-30")), 3);
        assert_eq!(days_to_birthday(born, d("2026-01-02")), 0);
        assert_eq!(days_to_birthday(born, d("2026-01-03")), 364);
    }

    #[test]
    fn age_turns_on_the_birthday() {
        let born = d("2000-02-29");
        assert_eq!(age_on(born, d("2026-02-27")), 25);
        assert_eq!(age_on(born, d("2026-02-28")), 26);
    }
}
