//! Numbers, durations and dates as people type them, one parser for every shell: the CLI's
//! flags and the desktop's form fields accept the same text (`2.5M`, `2,500,000`, `1e6`, `30d`,
//! `2026-06-15`) and refuse it with the same reasons. Each shell only names the flag or the
//! field in its message.

use rust_decimal::Decimal;
use std::str::FromStr;

pub use crate::app::dates::parse_day;
pub use breakeven_simulator::pricing::money::group_digits;
/// A duration such as `30d`, `12h`, `90m`, `1d12h`, in ms (the simulator's horizon rule).
pub use breakeven_simulator::scenario::parse_horizon_ms as parse_duration_ms;

/// Why typed text is not the number asked for.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NumberError {
    #[error("`{0}` is not a count (e.g. 2500000, 2.5M, 1e6)")]
    NotACount(String),
    #[error("`{0}` is not a whole, non-negative count")]
    NotWhole(String),
    #[error("`{0}` is not a number")]
    NotANumber(String),
    #[error("`{0}` must not be negative")]
    Negative(String),
    #[error("`{0}` is too large")]
    TooLarge(String),
}

/// Thousands separators people type: `2,500,000`, `2_500_000`, `2 500 000` (also a no-break
/// space, as some keyboards and copied figures have).
fn strip_separators(s: &str) -> String {
    s.trim()
        .chars()
        .filter(|c| !matches!(c, ',' | '_' | ' ' | '\u{a0}'))
        .collect()
}

/// `2500000`, `2.5M`, `10k`, `3B`, `1e6`, `2,500,000` → a whole count.
pub fn count(s: &str) -> Result<u64, NumberError> {
    let t = strip_separators(s);
    let (num, mult) = match t.chars().last() {
        Some('k' | 'K') => (&t[..t.len() - 1], 1_000u64),
        Some('m' | 'M') => (&t[..t.len() - 1], 1_000_000),
        Some('b' | 'B' | 'g' | 'G') => (&t[..t.len() - 1], 1_000_000_000),
        _ => (t.as_str(), 1),
    };
    let d = number(num, s, NumberError::NotACount)?;
    // `Decimal` holds 96 bits: a suffix can push a number past it (`79228162514264337593543950335k`).
    let v = d
        .checked_mul(Decimal::from(mult))
        .ok_or_else(|| NumberError::TooLarge(s.to_string()))?;
    if v < Decimal::ZERO || v.fract() != Decimal::ZERO {
        return Err(NumberError::NotWhole(s.to_string()));
    }
    u64::try_from(v).map_err(|_| NumberError::TooLarge(s.to_string()))
}

/// A non-negative decimal: `120`, `0.5`, `1e3`, `1,500.5` (`nan` and `inf` are refused).
pub fn decimal(s: &str) -> Result<Decimal, NumberError> {
    let d = number(&strip_separators(s), s, NumberError::NotANumber)?;
    if d < Decimal::ZERO {
        return Err(NumberError::Negative(s.to_string()));
    }
    Ok(d)
}

/// `t` (typed as `s`) as a decimal, plain or scientific. A finite number too large for a
/// decimal (`1e30`) is too large; anything else (`nan`, `inf`, `lots`) is `not`.
fn number(t: &str, s: &str, not: fn(String) -> NumberError) -> Result<Decimal, NumberError> {
    Decimal::from_str(t)
        .or_else(|_| Decimal::from_scientific(t))
        .map_err(|_| match t.parse::<f64>() {
            Ok(f) if f.is_finite() && f.abs() >= 1.0 => NumberError::TooLarge(s.to_string()),
            _ => not(s.to_string()),
        })
}

/// [`count`] for a flag's value parser.
pub fn parse_count(s: &str) -> Result<u64, String> {
    count(s).map_err(|e| e.to_string())
}

/// A count that fits a `u32` (sizes and instance counts; their limits are checked afterwards).
pub fn parse_count_u32(s: &str) -> Result<u32, String> {
    u32::try_from(parse_count(s)?).map_err(|_| NumberError::TooLarge(s.to_string()).to_string())
}

/// [`decimal`] for a flag's value parser.
pub fn parse_decimal(s: &str) -> Result<Decimal, String> {
    decimal(s).map_err(|e| e.to_string())
}

/// `12345678` → `12,345,678`.
pub fn group(n: u64) -> String {
    group_digits(&n.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_accept_suffixes_exponents_and_separators() {
        assert_eq!(parse_count("2.5M"), Ok(2_500_000));
        assert_eq!(parse_count("1e6"), Ok(1_000_000));
        assert_eq!(parse_count("1_000,000"), Ok(1_000_000));
        assert_eq!(parse_count(" 2 500\u{a0}000 "), Ok(2_500_000));
        assert_eq!(parse_count("3B"), Ok(3_000_000_000));
        assert_eq!(count("1.5"), Err(NumberError::NotWhole("1.5".into())));
        assert_eq!(count("-5"), Err(NumberError::NotWhole("-5".into())));
        assert_eq!(count("lots"), Err(NumberError::NotACount("lots".into())));
        assert_eq!(count(""), Err(NumberError::NotACount("".into())));
    }

    /// Found by fuzzing (`cli-number`): the suffix's multiplication overflowed `Decimal` and
    /// panicked (`--requests 866428361234892504234B` crashed the CLI).
    #[test]
    fn count_whose_suffix_overflows_the_decimal_is_too_large_not_a_panic() {
        assert_eq!(
            parse_count("866428361234892504234B"),
            Err("`866428361234892504234B` is too large".to_string())
        );
        assert_eq!(
            parse_count("79228162514264337593543950335k"),
            Err("`79228162514264337593543950335k` is too large".to_string())
        );
        assert_eq!(parse_count_u32("5G"), Err("`5G` is too large".to_string()));
    }

    #[test]
    fn decimals_refuse_negatives_and_non_numbers() {
        assert_eq!(parse_decimal("1e3"), Ok(Decimal::from(1000)));
        assert_eq!(parse_decimal("1,500.5"), Ok(Decimal::new(15005, 1)));
        assert_eq!(decimal("-1"), Err(NumberError::Negative("-1".into())));
        assert_eq!(decimal("nan"), Err(NumberError::NotANumber("nan".into())));
        assert_eq!(decimal("1e30"), Err(NumberError::TooLarge("1e30".into())));
    }

    #[test]
    fn groups_digits() {
        assert_eq!(group(12_345_678), "12,345,678");
        assert_eq!(group(999), "999");
    }
}
