//! Phone numbers identify people in practice, so two spellings of one number
//! must compare equal: spaces, dashes, brackets and a +86 / 0086 prefix go.

/// The comparable form of a phone number: digits only, without China's
/// country code. Returns `None` when what is left is not a plausible number.
pub fn normalise(raw: &str) -> Option<String> {
    let trimmed = raw.trim();
    let plus = trimmed.starts_with('+');
    let mut digits = String::with_capacity(trimmed.len());
    for c in trimmed.chars() {
        match c {
            '0'..='9' => digits.push(c),
            ' ' | '-' | '(' | ')' | '.' | '+' => {}
            _ => return None,
        }
    }
    let local = if plus {
        digits.strip_prefix("86").unwrap_or(&digits).to_string()
    } else if let Some(rest) = digits.strip_prefix("0086") {
        rest.to_string()
    } else {
        digits
    };
    if (5..=15).contains(&local.len()) {
        Some(local)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::normalise;

    #[test]
    fn spellings_of_one_number_agree() {
        let want = Some("13812345678".to_string());
        for raw in [
            "13812345678",
            "138 1234 5678",
            "138-1234-5678",
            "+86 138 1234 5678",
            "+8613812345678",
            "0086 13812345678",
        ] {
            assert_eq!(normalise(raw), want, "{raw}");
        }
    }

    #[test]
    fn landlines_keep_their_area_code() {
        assert_eq!(normalise("(021) 6543-2100"), Some("02165432100".into()));
    }

    #[test]
    fn nonsense_is_refused() {
        assert_eq!(normalise("call me"), None);
        assert_eq!(normalise("123"), None);
        assert_eq!(normalise(""), None);
    }
}
