//! Exact money. Billed amounts are `rust_decimal::Decimal` US dollars: no float ever touches them.

use rust_decimal::prelude::*;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::ops::{Add, AddAssign, Neg, Sub};

/// An exact amount of US dollars.
/// Serialised as an exact decimal string without trailing zeros (`"5.13334"`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(type = "string"))]
pub struct Usd(pub Decimal);

impl Serialize for Usd {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.exact())
    }
}

impl<'de> Deserialize<'de> for Usd {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse::<Decimal>().map(Usd).map_err(serde::de::Error::custom)
    }
}

impl Usd {
    pub const ZERO: Usd = Usd(Decimal::ZERO);

    /// The exact value as a plain decimal string without trailing zeros (`"12.5"`, `"0"`).
    pub fn exact(&self) -> String {
        let n = self.0.normalize();
        if n.is_zero() {
            "0".to_string()
        } else {
            n.to_string()
        }
    }

    /// Rounded to whole cents (half away from zero), as a bill shows it.
    pub fn cents(&self) -> Decimal {
        self.0
            .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
    }

    pub fn is_zero(&self) -> bool {
        self.0.is_zero()
    }
}

impl fmt::Display for Usd {
    /// `$1,234.57`; amounts under a cent keep their significant digits (`$0.0042`) so small
    /// lines do not show as `$0.00`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let v = self.0;
        let sign = if v.is_sign_negative() && !v.is_zero() {
            "-"
        } else {
            ""
        };
        let a = v.abs();
        if !a.is_zero() && a < Decimal::new(1, 2) {
            let s = a.round_sf(2).unwrap_or(a).normalize();
            return write!(f, "{sign}${s}");
        }
        let c = a.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
        let whole = c.trunc().to_u128().unwrap_or(0);
        let frac = ((c - c.trunc()) * Decimal::from(100)).to_u32().unwrap_or(0);
        write!(f, "{sign}${}.{frac:02}", group_digits(&whole.to_string()))
    }
}

/// Thousands separators in a plain decimal string: `"-1234567.5"` → `"-1,234,567.5"`.
pub fn group_digits(s: &str) -> String {
    let (sign, s) = s.strip_prefix('-').map(|r| ("-", r)).unwrap_or(("", s));
    let (int, frac) = s.split_once('.').map(|(a, b)| (a, Some(b))).unwrap_or((s, None));
    let mut out = String::with_capacity(s.len() + int.len() / 3 + 1);
    out.push_str(sign);
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    if let Some(f) = frac {
        out.push('.');
        out.push_str(f);
    }
    out
}

impl Add for Usd {
    type Output = Usd;
    fn add(self, o: Usd) -> Usd {
        Usd(self.0 + o.0)
    }
}
impl Sub for Usd {
    type Output = Usd;
    fn sub(self, o: Usd) -> Usd {
        Usd(self.0 - o.0)
    }
}
impl Neg for Usd {
    type Output = Usd;
    fn neg(self) -> Usd {
        Usd(-self.0)
    }
}
impl AddAssign for Usd {
    fn add_assign(&mut self, o: Usd) {
        self.0 += o.0;
    }
}
impl std::iter::Sum for Usd {
    fn sum<I: Iterator<Item = Usd>>(iter: I) -> Usd {
        iter.fold(Usd::ZERO, |a, b| a + b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn displays_like_a_bill() {
        let d = |s: &str| Usd(Decimal::from_str(s).unwrap());
        assert_eq!(d("1234.565").to_string(), "$1,234.57");
        assert_eq!(d("0").to_string(), "$0.00");
        assert_eq!(d("0.0000002").to_string(), "$0.0000002");
        assert_eq!(d("0.004166").to_string(), "$0.0042");
        assert_eq!(d("-0.2").to_string(), "-$0.20");
        assert_eq!(d("1000000").to_string(), "$1,000,000.00");
        assert_eq!(d("12.5000").exact(), "12.5");
    }
}
