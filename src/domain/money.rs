//! Money as integer cents. Floats never hold money: a yuan amount typed by a
//! person or written in `club.toml` is parsed digit by digit.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// An amount of money in cents (fen). Negative amounts are allowed in the
/// ledger (a refund), never in a command's `--amount`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Cents(pub i64);

impl Cents {
    pub const ZERO: Cents = Cents(0);

    /// `percent` of this amount, rounded down to the cent.
    pub fn percent(self, percent: u32) -> Cents {
        Cents(self.0 * i64::from(percent) / 100)
    }
}

impl fmt::Display for Cents {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        write!(f, "{sign}{}.{:02}", abs / 100, abs % 100)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", bad_amount(.0))]
pub struct BadAmount(pub String);

fn bad_amount(s: &str) -> String {
    let max = Cents(super::bounds::MAX_BALANCE_CENTS);
    if s.trim()
        .trim_start_matches('-')
        .split('.')
        .next()
        .is_some_and(|w| w.len() > 10 && w.bytes().all(|b| b.is_ascii_digit()))
    {
        format!("'{s}' is out of range: an amount is at most {max} either way")
    } else {
        format!(
            "'{s}' is not an amount of money: write yuan with at most two decimals, e.g. 128.50"
        )
    }
}

impl FromStr for Cents {
    type Err = BadAmount;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || BadAmount(s.to_string());
        let t = s.trim();
        let (neg, t) = match t.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, t),
        };
        let (whole, frac) = match t.split_once('.') {
            Some((w, f)) => (w, f),
            None => (t, ""),
        };
        if whole.is_empty() && frac.is_empty() {
            return Err(bad());
        }
        if !whole.chars().all(|c| c.is_ascii_digit())
            || !frac.chars().all(|c| c.is_ascii_digit())
            || frac.len() > 2
        {
            return Err(bad());
        }
        let whole: i64 = if whole.is_empty() {
            0
        } else {
            whole.parse().map_err(|_| bad())?
        };
        let frac: i64 = match frac.len() {
            0 => 0,
            1 => frac.parse::<i64>().map_err(|_| bad())? * 10,
            _ => frac.parse().map_err(|_| bad())?,
        };
        let cents = whole
            .checked_mul(100)
            .and_then(|c| c.checked_add(frac))
            .filter(|c| *c <= super::bounds::MAX_BALANCE_CENTS)
            .ok_or_else(bad)?;
        Ok(Cents(if neg { -cents } else { cents }))
    }
}

impl Serialize for Cents {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Cents {
    /// Accepts "128.50" in CSV and TOML, and a whole number of yuan in TOML.
    /// Asking for a string keeps CSV from guessing a float.
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Cents;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an amount of yuan such as \"128.50\" or 1000")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Cents, E> {
                v.parse().map_err(E::custom)
            }
            fn visit_i64<E: serde::de::Error>(self, yuan: i64) -> Result<Cents, E> {
                yuan.checked_mul(100)
                    .filter(|c| c.unsigned_abs() <= super::bounds::MAX_BALANCE_CENTS.unsigned_abs())
                    .map(Cents)
                    .ok_or_else(|| E::custom(bad_amount(&yuan.to_string())))
            }
            fn visit_u64<E: serde::de::Error>(self, yuan: u64) -> Result<Cents, E> {
                i64::try_from(yuan)
                    .map_err(|_| E::custom("amount too large"))
                    .and_then(|y| self.visit_i64(y))
            }
        }
        d.deserialize_str(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_yuan_amounts() {
        assert_eq!("128.50".parse::<Cents>(), Ok(Cents(12850)));
        assert_eq!("128.5".parse::<Cents>(), Ok(Cents(12850)));
        assert_eq!("0.05".parse::<Cents>(), Ok(Cents(5)));
        assert_eq!("1000".parse::<Cents>(), Ok(Cents(100000)));
        assert_eq!(".5".parse::<Cents>(), Ok(Cents(50)));
        assert_eq!("-3.20".parse::<Cents>(), Ok(Cents(-320)));
    }

    #[test]
    fn refuses_what_is_not_money() {
        for bad in ["", "abc", "1.234", "1,000", "1e3", "12.3.4", "-", "."] {
            assert!(bad.parse::<Cents>().is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn refuses_amounts_beyond_the_bound_naming_it() {
        assert_eq!(
            "10000000000.00".parse::<Cents>(),
            Ok(Cents(super::super::bounds::MAX_BALANCE_CENTS))
        );
        assert_eq!(
            "-10000000000".parse::<Cents>(),
            Ok(Cents(-1_000_000_000_000))
        );
        let e = "10000000000.01".parse::<Cents>().unwrap_err().to_string();
        assert!(
            e.contains("out of range") && e.contains("10000000000.00"),
            "{e}"
        );
        assert!("92233720368547758.07".parse::<Cents>().is_err());
    }

    #[test]
    fn displays_two_decimals() {
        assert_eq!(Cents(12850).to_string(), "128.50");
        assert_eq!(Cents(5).to_string(), "0.05");
        assert_eq!(Cents(-320).to_string(), "-3.20");
    }

    #[test]
    fn percent_rounds_down() {
        assert_eq!(Cents(999).percent(10), Cents(99));
    }
}
