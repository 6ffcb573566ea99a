//! The closed-form monthly estimate of a usage profile on one platform.

use crate::app::error::{AppError, Result};
use crate::error_code::ErrorCode;
use breakeven_simulator::pricing::catalog::CATALOG_VERSION;
use breakeven_simulator::pricing::{estimate as price, CostBreakdown, PriceCatalog, UsageProfile};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::str::FromStr;

/// What to estimate: a platform, optionally a region, and a month of usage.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct EstimateRequest {
    pub platform: String,
    #[serde(default)]
    pub region: Option<String>,
    #[serde(default)]
    pub profile: UsageProfile,
}

/// The estimate with the context a reader needs to trust it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct EstimateReport {
    #[serde(flatten)]
    pub cost: CostBreakdown,
    pub platform_name: String,
    pub catalog_version: String,
    /// Oldest and newest as-of date of the prices used.
    pub prices_as_of: Option<(String, String)>,
}

/// Validate the profile against its limits ([`UsageProfile::validate`]), then price it.
pub fn estimate(catalog: &PriceCatalog, req: &EstimateRequest) -> Result<EstimateReport> {
    req.profile
        .validate()
        .map_err(|e| AppError::bad_input(ErrorCode::BadUsage, e.to_string()))?;
    let platform = catalog.platform(&req.platform)?;
    let cost = price(catalog, &req.platform, req.region.as_deref(), &req.profile)?;
    Ok(EstimateReport {
        platform_name: platform.name.clone(),
        catalog_version: CATALOG_VERSION.to_string(),
        prices_as_of: catalog.as_of_range(&req.platform),
        cost,
    })
}

/// `2500000`, `2.5M`, `10k`, `3B`, `1e6` → a whole count.
pub fn parse_count(s: &str) -> std::result::Result<u64, String> {
    let t = s.trim().replace(['_', ','], "");
    let (num, mult) = match t.chars().last() {
        Some('k' | 'K') => (&t[..t.len() - 1], 1_000u64),
        Some('m' | 'M') => (&t[..t.len() - 1], 1_000_000),
        Some('b' | 'B' | 'g' | 'G') => (&t[..t.len() - 1], 1_000_000_000),
        _ => (t.as_str(), 1),
    };
    let d = number(num, s, "a count (e.g. 2500000, 2.5M, 1e6)")?;
    // `Decimal` holds 96 bits: a suffix can push a number past it (`79228162514264337593543950335k`).
    let v = d
        .checked_mul(Decimal::from(mult))
        .ok_or_else(|| format!("`{s}` is too large"))?;
    if v < Decimal::ZERO || v.fract() != Decimal::ZERO {
        return Err(format!("`{s}` is not a whole, non-negative count"));
    }
    u64::try_from(v).map_err(|_| format!("`{s}` is too large"))
}

/// A count that fits a `u32` (sizes and instance counts; their limits are checked afterwards).
pub fn parse_count_u32(s: &str) -> std::result::Result<u32, String> {
    u32::try_from(parse_count(s)?).map_err(|_| format!("`{s}` is too large"))
}

/// `t` (from the flag value `s`) as a decimal, plain or scientific. A finite number too large
/// for a decimal (`1e30`) is "too large"; anything else (`nan`, `inf`, `lots`) is not `what`.
fn number(t: &str, s: &str, what: &str) -> std::result::Result<Decimal, String> {
    Decimal::from_str(t)
        .or_else(|_| Decimal::from_scientific(t))
        .map_err(|_| match t.parse::<f64>() {
            Ok(f) if f.is_finite() && f.abs() >= 1.0 => format!("`{s}` is too large"),
            _ => format!("`{s}` is not {what}"),
        })
}

/// A non-negative decimal flag: `120`, `0.5`, `1e3` (`nan` and `inf` are refused).
pub fn parse_decimal(s: &str) -> std::result::Result<Decimal, String> {
    let d = number(s.trim(), s, "a number")?;
    if d < Decimal::ZERO {
        return Err(format!("`{s}` must not be negative"));
    }
    Ok(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_accept_suffixes_exponents_and_separators() {
        assert_eq!(parse_count("2.5M"), Ok(2_500_000));
        assert_eq!(parse_count("1e6"), Ok(1_000_000));
        assert_eq!(parse_count("1_000,000"), Ok(1_000_000));
        assert_eq!(parse_count("3B"), Ok(3_000_000_000));
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
    }
}
