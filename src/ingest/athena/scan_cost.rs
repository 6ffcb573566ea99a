//! What a query costs on Athena: bytes scanned, rounded up to the megabyte, with a 10 MB minimum
//! per query, at $5.00 per TB (US East; the price, its unit and its source are below). Megabytes
//! and terabytes are binary (2^20 and 2^40 bytes), as AWS bills data scanned.

use rust_decimal::Decimal;

/// Athena SQL's price per TB scanned.
pub const USD_PER_TB: Decimal = Decimal::from_parts(5, 0, 0, false, 0);
/// Where [`USD_PER_TB`] comes from, and when it was read.
pub const PRICE_SOURCE: &str =
    "https://aws.amazon.com/athena/pricing/ (SQL queries, per TB of data scanned), read 2026-11-27";
/// Bytes billed at least, per query.
pub const MIN_BILLED_BYTES: u64 = 10 * MB;
const MB: u64 = 1 << 20;
/// Megabytes per terabyte.
const MB_PER_TB: u64 = 1 << 20;

/// Bytes Athena bills for one query that scanned `scanned` bytes.
pub fn billed_bytes(scanned: u64) -> u64 {
    scanned.div_ceil(MB).saturating_mul(MB).max(MIN_BILLED_BYTES)
}

/// USD for one query that scanned `scanned` bytes (exact).
pub fn query_usd(scanned: u64) -> Decimal {
    Decimal::from(billed_bytes(scanned) / MB) * USD_PER_TB / Decimal::from(MB_PER_TB)
}

/// An exact USD amount for people: rounded to 6 decimals (`$0.000048`), since a query costs
/// fractions of a cent.
pub fn human_usd(usd: Decimal) -> String {
    format!("${}", usd.round_dp(6).normalize())
}

/// `bytes` for people: `3.9 MB`, `1.2 GB`.
pub fn human_bytes(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["bytes", "KB", "MB", "GB", "TB"];
    let mut v = bytes as f64;
    let mut u = 0;
    while v >= 1024.0 && u < UNITS.len() - 1 {
        v /= 1024.0;
        u += 1;
    }
    if u == 0 {
        format!("{bytes} bytes")
    } else {
        format!("{v:.1} {}", UNITS[u])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn a_query_bills_at_least_10_mb_rounded_up_to_the_megabyte() {
        assert_eq!(billed_bytes(0), 10 * MB);
        assert_eq!(billed_bytes(11 * MB + 1), 12 * MB);
        assert_eq!(query_usd(0), Decimal::from_str("0.00004768371582031250").unwrap());
        // One TB is exactly $5.
        assert_eq!(query_usd(1 << 40), Decimal::from(5));
        assert_eq!(human_bytes(3_948_946), "3.8 MB");
        assert_eq!(human_usd(query_usd(0)), "$0.000048");
    }
}
