//! The stretch of days a report covers: a day, an ISO week, a month, a
//! quarter or a year, each with the period before it. One type for every
//! report, so the sales, events and monthly reports agree on where a month
//! begins and ends.

use super::dates::{add_days, add_months};
use super::error::{DomainError, Result};
use chrono::{Datelike, NaiveDate, Weekday};

/// How long a period runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Span {
    Day,
    Week,
    Month,
    Quarter,
    Year,
}

impl Span {
    pub fn as_str(self) -> &'static str {
        match self {
            Span::Day => "day",
            Span::Week => "week",
            Span::Month => "month",
            Span::Quarter => "quarter",
            Span::Year => "year",
        }
    }
}

/// The days a report covers, both ends included.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Period {
    pub start: NaiveDate,
    pub end: NaiveDate,
    /// As the user writes it: `2026-11`, `2026-Q4`, `2026`, `2026-W48`,
    /// `2026-11-25`.
    pub label: String,
    pub span: Span,
}

fn first_of_month(d: NaiveDate) -> NaiveDate {
    d.with_day(1).unwrap_or(d)
}

impl Period {
    pub fn day(d: NaiveDate) -> Period {
        Period {
            start: d,
            end: d,
            label: d.to_string(),
            span: Span::Day,
        }
    }

    /// The calendar month holding `d`.
    pub fn month_of(d: NaiveDate) -> Period {
        let start = first_of_month(d);
        Period {
            start,
            end: add_days(add_months(start, 1), -1),
            label: format!("{:04}-{:02}", d.year(), d.month()),
            span: Span::Month,
        }
    }

    /// The calendar quarter holding `d` (Q1 is January to March).
    pub fn quarter_of(d: NaiveDate) -> Period {
        let q = (d.month() - 1) / 3;
        let start = NaiveDate::from_ymd_opt(d.year(), q * 3 + 1, 1).unwrap_or(d);
        Period {
            start,
            end: add_days(add_months(start, 3), -1),
            label: format!("{:04}-Q{}", d.year(), q + 1),
            span: Span::Quarter,
        }
    }

    /// The calendar year holding `d`.
    pub fn year_of(d: NaiveDate) -> Period {
        let start = NaiveDate::from_ymd_opt(d.year(), 1, 1).unwrap_or(d);
        Period {
            start,
            end: NaiveDate::from_ymd_opt(d.year(), 12, 31).unwrap_or(d),
            label: format!("{:04}", d.year()),
            span: Span::Year,
        }
    }

    /// The ISO week (Monday to Sunday) holding `d`.
    pub fn week_of(d: NaiveDate) -> Period {
        let w = d.iso_week();
        let start = add_days(d, -i64::from(d.weekday().num_days_from_monday()));
        Period {
            start,
            end: add_days(start, 6),
            label: format!("{:04}-W{:02}", w.year(), w.week()),
            span: Span::Week,
        }
    }

    /// The period of the same span holding `d`.
    pub fn of(span: Span, d: NaiveDate) -> Period {
        match span {
            Span::Day => Period::day(d),
            Span::Week => Period::week_of(d),
            Span::Month => Period::month_of(d),
            Span::Quarter => Period::quarter_of(d),
            Span::Year => Period::year_of(d),
        }
    }

    /// The period a report shows when none is given: the one holding
    /// `today`, unless the club's newest activity (`last_activity`, the day
    /// of its newest journal line) lies before it, when it is the period
    /// holding that day instead, so a report run on the 1st, or on a club
    /// that stopped trading, shows figures rather than a period of zeros.
    /// The flag says whether it fell back.
    pub fn default_for(
        span: Span,
        today: NaiveDate,
        last_activity: Option<NaiveDate>,
    ) -> (Period, bool) {
        let current = Period::of(span, today);
        match last_activity {
            Some(day) if day < current.start => (Period::of(span, day), true),
            _ => (current, false),
        }
    }

    /// `YYYY-MM`.
    pub fn month(s: &str) -> Result<Period> {
        let bad =
            || DomainError::Invalid(format!("'{s}' is not a month: write YYYY-MM, e.g. 2026-11"));
        let (y, m) = s.trim().split_once('-').ok_or_else(bad)?;
        if y.len() != 4 || m.len() != 2 {
            return Err(bad());
        }
        let y: i32 = y.parse().map_err(|_| bad())?;
        let m: u32 = m.parse().map_err(|_| bad())?;
        let d = NaiveDate::from_ymd_opt(y, m, 1).ok_or_else(bad)?;
        Ok(Period::month_of(d))
    }

    /// `YYYY-Qn`, n from 1 to 4.
    pub fn quarter(s: &str) -> Result<Period> {
        let bad = || {
            DomainError::Invalid(format!(
                "'{s}' is not a quarter: write YYYY-Qn, e.g. 2026-Q4"
            ))
        };
        let t = s.trim();
        let (y, q) = t
            .split_once("-Q")
            .or_else(|| t.split_once("-q"))
            .ok_or_else(bad)?;
        if y.len() != 4 || q.len() != 1 {
            return Err(bad());
        }
        let y: i32 = y.parse().map_err(|_| bad())?;
        let q: u32 = q.parse().map_err(|_| bad())?;
        if !(1..=4).contains(&q) {
            return Err(bad());
        }
        let d = NaiveDate::from_ymd_opt(y, q * 3 - 2, 1).ok_or_else(bad)?;
        Ok(Period::quarter_of(d))
    }

    /// `YYYY`.
    pub fn year(s: &str) -> Result<Period> {
        let bad = || DomainError::Invalid(format!("'{s}' is not a year: write YYYY, e.g. 2026"));
        let t = s.trim();
        if t.len() != 4 {
            return Err(bad());
        }
        let y: i32 = t.parse().map_err(|_| bad())?;
        let d = NaiveDate::from_ymd_opt(y, 1, 1).ok_or_else(bad)?;
        Ok(Period::year_of(d))
    }

    /// An ISO week, `YYYY-Www` (Monday to Sunday).
    pub fn week(s: &str) -> Result<Period> {
        let bad = || {
            DomainError::Invalid(format!(
                "'{s}' is not an ISO week: write YYYY-Www, e.g. 2026-W48"
            ))
        };
        let t = s.trim();
        let (y, w) = t
            .split_once("-W")
            .or_else(|| t.split_once("-w"))
            .ok_or_else(bad)?;
        let y: i32 = y.parse().map_err(|_| bad())?;
        let w: u32 = w.parse().map_err(|_| bad())?;
        let start = NaiveDate::from_isoywd_opt(y, w, Weekday::Mon).ok_or_else(bad)?;
        Ok(Period::week_of(start))
    }

    /// A period of `span` written as the user writes it.
    pub fn parse(span: Span, s: &str) -> Result<Period> {
        match span {
            Span::Day => {
                s.trim().parse::<NaiveDate>().map(Period::day).map_err(|_| {
                    DomainError::Invalid(format!("'{s}' is not a day: write YYYY-MM-DD"))
                })
            }
            Span::Week => Period::week(s),
            Span::Month => Period::month(s),
            Span::Quarter => Period::quarter(s),
            Span::Year => Period::year(s),
        }
    }

    /// The period of the same span just before this one.
    pub fn previous(&self) -> Period {
        Period::of(self.span, add_days(self.start, -1))
    }

    pub fn contains(&self, d: NaiveDate) -> bool {
        self.start <= d && d <= self.end
    }

    /// Whether something running `from`..=`to` touches this period.
    pub fn overlaps(&self, from: NaiveDate, to: NaiveDate) -> bool {
        from <= self.end && to >= self.start
    }

    /// The last day with records on `today`: the period's end, or today for
    /// a period still running.
    pub fn last_day(&self, today: NaiveDate) -> NaiveDate {
        self.end.min(today)
    }
}

/// A month as `--month YYYY-MM` takes it.
impl std::str::FromStr for Period {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Period, String> {
        Period::month(s).map_err(|e| e.to_string())
    }
}

impl std::fmt::Display for Period {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.label)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn periods_cover_whole_months_weeks_and_leap_days() {
        let p = Period::month("2028-02").unwrap();
        assert_eq!((p.start, p.end), (d("2028-02-01"), d("2028-02-29")));
        let p = Period::month("2026-02").unwrap();
        assert_eq!(p.end, d("2026-02-28"));
        let p = Period::month("2026-12").unwrap();
        assert_eq!(p.end, d("2026-12-31"));
        let p = Period::week("2026-W48").unwrap();
        assert_eq!((p.start, p.end), (d("2026-11-23"), d("2026-11-29")));
        let p = Period::week("2026-W53").unwrap();
        assert_eq!((p.start, p.end), (d("2026-12-28"), d("2027-01-03")));
        assert!(Period::week("2025-W53").is_err());
        assert!(Period::month("2026-13").is_err());
        assert!(Period::month("2026").is_err());
        assert!(Period::month("2026-1").is_err());
    }

    #[test]
    fn months_cover_their_last_day() {
        let dec: Period = "2026-12".parse().unwrap();
        assert_eq!(dec.end, d("2026-12-31"));
        assert_eq!(dec.to_string(), "2026-12");
        assert!(dec.overlaps(d("2026-12-31"), d("2026-12-31")));
        assert!(!dec.overlaps(d("2027-01-01"), d("2027-01-01")));
        assert!(dec.overlaps(d("2026-11-30"), d("2026-12-01")));
        assert!(!dec.overlaps(d("2026-11-29"), d("2026-11-30")));
        assert!("2026-13".parse::<Period>().is_err());
    }

    #[test]
    fn quarters_and_years_begin_and_end_on_calendar_edges() {
        let q = Period::quarter("2028-Q1").unwrap();
        assert_eq!((q.start, q.end), (d("2028-01-01"), d("2028-03-31")));
        let q = Period::quarter("2026-Q4").unwrap();
        assert_eq!((q.start, q.end), (d("2026-10-01"), d("2026-12-31")));
        assert_eq!(Period::quarter_of(d("2026-06-30")).label, "2026-Q2");
        assert_eq!(Period::quarter_of(d("2026-07-01")).label, "2026-Q3");
        assert!(Period::quarter("2026-Q5").is_err());
        assert!(Period::quarter("2026-Q0").is_err());
        assert!(Period::quarter("2026-11").is_err());
        let y = Period::year("2028").unwrap();
        assert_eq!((y.start, y.end), (d("2028-01-01"), d("2028-12-31")));
        assert!(Period::year("26").is_err());
        assert!(Period::year("2026-11").is_err());
    }

    #[test]
    fn the_previous_period_has_the_same_span() {
        let p = Period::month("2028-03").unwrap().previous();
        assert_eq!((p.label.as_str(), p.end), ("2028-02", d("2028-02-29")));
        assert_eq!(
            Period::month("2026-01").unwrap().previous().label,
            "2025-12"
        );
        assert_eq!(
            Period::quarter("2026-Q1").unwrap().previous().label,
            "2025-Q4"
        );
        assert_eq!(Period::year("2026").unwrap().previous().label, "2025");
        assert_eq!(
            Period::week("2027-W01").unwrap().previous().label,
            "2026-W53"
        );
        let today = d("2026-11-25");
        assert_eq!(Period::month_of(today).last_day(today), today);
        assert_eq!(
            Period::month("2026-10").unwrap().last_day(today),
            d("2026-10-31")
        );
    }

    #[test]
    fn a_report_with_no_period_falls_back_to_the_last_active_one() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        // Activity on the last day of November, run on 1 December: November.
        let (p, fell) = Period::default_for(Span::Month, d("2026-12-01"), Some(d("2026-11-30")));
        assert_eq!((p.label.as_str(), fell), ("2026-11", true));
        // Activity on the 1st itself: the current month, no fallback.
        let (p, fell) = Period::default_for(Span::Month, d("2026-12-01"), Some(d("2026-12-01")));
        assert_eq!((p.label.as_str(), fell), ("2026-12", false));
        // A back-dated club (activity after today) and an empty club keep today's.
        let (p, fell) = Period::default_for(Span::Month, d("2026-12-01"), Some(d("2027-01-05")));
        assert_eq!((p.label.as_str(), fell), ("2026-12", false));
        let (p, fell) = Period::default_for(Span::Month, d("2026-12-01"), None);
        assert_eq!((p.label.as_str(), fell), ("2026-12", false));
        // A leap day two years back, by quarter and by year.
        let (p, fell) = Period::default_for(Span::Quarter, d("2026-12-01"), Some(d("2024-02-29")));
        assert_eq!(
            (p.label.as_str(), p.end, fell),
            ("2024-Q1", d("2024-03-31"), true)
        );
        let (p, fell) = Period::default_for(Span::Year, d("2026-01-01"), Some(d("2025-12-31")));
        assert_eq!((p.label.as_str(), fell), ("2025", true));
    }
}
