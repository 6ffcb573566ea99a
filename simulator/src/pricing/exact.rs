//! Catalog decimals read exactly. `rust_decimal` keeps at most 28 decimal places and its own
//! parser rounds anything finer, so a price of `0.00000000000000000000000000001` USD would become
//! a price of 0: here such a value is refused with the field it was given for, never rounded.

use rust_decimal::Decimal;
use serde::de::{self, Deserializer, Visitor};
use std::fmt;
use std::str::FromStr;

/// `s` as an exact decimal (`"0.0000166667"`, `"1e-7"`, `"400000"`), or why it cannot be one.
pub fn parse(s: &str) -> Result<Decimal, String> {
    let t = s.trim();
    let exact = match t.split_once(['e', 'E']) {
        // The mantissa must be exact; `from_scientific` refuses exponents past 28 places itself.
        Some((mantissa, _)) => Decimal::from_str_exact(mantissa).and_then(|_| Decimal::from_scientific(t)),
        None => Decimal::from_str_exact(t),
    };
    exact.map_err(
        |_| match Decimal::from_str(t).or_else(|_| Decimal::from_scientific(t)) {
            Ok(rounded) => format!(
                "`{s}` cannot be held exactly: decimals keep at most {} places (it would become {})",
                Decimal::MAX_SCALE,
                rounded.normalize()
            ),
            Err(_) => format!("`{s}` is not a decimal number"),
        },
    )
}

/// Reads a decimal given as a string, an integer or a float (its shortest exact rendering),
/// refusing any value that would be rounded. `field` names it in the error.
struct ExactVisitor(&'static str);

impl Visitor<'_> for ExactVisitor {
    type Value = Decimal;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "`{}` as a decimal string, e.g. \"0.0000166667\"", self.0)
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Decimal, E> {
        parse(v).map_err(|m| E::custom(format!("`{}`: {m}", self.0)))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Decimal, E> {
        Ok(Decimal::from(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Decimal, E> {
        Ok(Decimal::from(v))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Decimal, E> {
        if !v.is_finite() {
            return Err(E::custom(format!("`{}`: `{v}` is not a finite number", self.0)));
        }
        // Rust prints the shortest decimal that reads back as the same float, without exponent.
        self.visit_str(&v.to_string())
    }
}

fn exact<'de, D: Deserializer<'de>>(d: D, field: &'static str) -> Result<Decimal, D::Error> {
    d.deserialize_any(ExactVisitor(field))
}

/// `#[serde(deserialize_with)]` functions, one per catalog field so the error names it.
pub fn usd<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
    exact(d, "usd")
}
pub fn usd_opt<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Decimal>, D::Error> {
    exact(d, "usd").map(Some)
}
pub fn to_opt<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Decimal>, D::Error> {
    exact(d, "to").map(Some)
}
pub fn free_opt<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Decimal>, D::Error> {
    exact(d, "free").map(Some)
}
pub fn included_opt<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Decimal>, D::Error> {
    exact(d, "included").map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_values_are_read_and_inexact_ones_refused() {
        assert_eq!(parse("0.0000166667").unwrap().to_string(), "0.0000166667");
        assert_eq!(parse("1e-7").unwrap().to_string(), "0.0000001");
        assert_eq!(parse("1e-28").unwrap(), Decimal::new(1, 28));
        let tiny = parse("0.00000000000000000000000000001").unwrap_err();
        assert!(
            tiny.contains("at most 28 places") && tiny.contains("become 0"),
            "{tiny}"
        );
        assert!(parse("1e-29").is_err());
        assert!(parse("0.000000000000000000000000000011e0").is_err());
        assert!(parse("0.33333333333333333333333333333333").is_err());
        assert!(parse("cheap").unwrap_err().contains("not a decimal"));
    }
}
