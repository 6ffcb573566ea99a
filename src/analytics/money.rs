//! Exact money in frames: i64 columns of nano-dollars (10⁻⁹ USD), summed exactly by polars as
//! integers and converted to and from `rust_decimal` at the edges.
//!
//! Nine decimal places keep every amount Cost Explorer reports (it rounds to 10 significant
//! decimals of a dollar at most, and a day's line is far above a nano-dollar); an amount with
//! more digits (a demo bill line priced from fractional GB-seconds) is rounded half-to-even at
//! the 9th decimal, ten million times below a cent. Sums stay exact up to 9.2 × 10⁹ USD. Floats
//! never touch a money column: statistics ([`crate::analytics::trends`]) cast a copy with
//! [`usd_f64`].

use breakeven_simulator::pricing::Usd;
use polars::prelude::*;
use rust_decimal::{Decimal, RoundingStrategy};

/// Decimal places of money columns.
pub const SCALE: u32 = 9;
/// Nano-dollars per dollar, for statistics on a float copy.
pub const UNITS_PER_USD: f64 = 1e9;

/// `d` as a count of nano-dollars (saturating far past any bill).
pub fn to_units(d: Decimal) -> i64 {
    let r = d.round_dp_with_strategy(SCALE, RoundingStrategy::MidpointNearestEven);
    let units = r.mantissa() * 10i128.pow(SCALE - r.scale());
    units.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64
}

/// Nano-dollars back to an exact decimal.
pub fn from_units(units: i64) -> Decimal {
    Decimal::new(units, SCALE).normalize()
}

/// A money column from exact decimals.
pub fn usd_column(name: &str, values: &[Decimal]) -> PolarsResult<Column> {
    let units: Vec<i64> = values.iter().map(|d| to_units(*d)).collect();
    Ok(Column::new(name.into(), units))
}

/// A float copy of a money expression in USD, for statistics only.
pub fn usd_f64(e: Expr) -> Expr {
    e.cast(DataType::Float64) / lit(UNITS_PER_USD)
}

/// The exact values of a money column (nulls read as zero).
pub fn usd_values(df: &DataFrame, name: &str) -> PolarsResult<Vec<Usd>> {
    let c = df.column(name)?.cast(&DataType::Int64)?;
    Ok(c.i64()?.iter().map(|v| Usd(from_units(v.unwrap_or(0)))).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn round_trips_and_sums_exactly() {
        let d = |s: &str| Decimal::from_str(s).unwrap();
        let vals = [d("0.0000002"), d("12.345678901"), d("-0.1"), d("0.2")];
        let column = usd_column("x", &vals).unwrap();
        let df = DataFrame::new_infer_height(vec![column]).unwrap();
        let back = usd_values(&df, "x").unwrap();
        assert_eq!(back.iter().map(|u| u.0).collect::<Vec<_>>(), vals);
        let sum = df.lazy().select([col("x").sum()]).collect().unwrap();
        // 0.1 + 0.2 style sums stay exact: no float anywhere.
        assert_eq!(usd_values(&sum, "x").unwrap()[0].exact(), "12.445679101");
        assert_eq!(from_units(to_units(d("1.5"))), d("1.5"));
        // Digits past the 9th are rounded half to even.
        assert_eq!(from_units(to_units(d("0.0000000005"))), d("0"));
        assert_eq!(from_units(to_units(d("0.0000000015"))), d("0.000000002"));
    }
}
