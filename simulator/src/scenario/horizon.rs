//! Human durations for horizons: `30d`, `12h`, `90m`, `45s`, `1w`, and sums such as `1d12h`.

use crate::limits::{MAX_HORIZON_DAYS, MAX_HORIZON_MS, MIN_HORIZON_MS};

/// Parse a duration string into ms, between [`MIN_HORIZON_MS`] and [`MAX_HORIZON_MS`]. Every
/// term and the running sum are checked, so no number however long overflows into a huge or
/// infinite horizon.
pub fn parse_horizon_ms(s: &str) -> Result<f64, String> {
    let text = s.trim();
    if text.is_empty() {
        return Err("empty duration".into());
    }
    let mut total = 0.0;
    let mut number = String::new();
    for ch in text.chars().filter(|c| !c.is_whitespace()) {
        if ch.is_ascii_digit() || ch == '.' {
            number.push(ch);
            continue;
        }
        let unit_ms = match ch {
            's' => 1_000.0,
            'm' => 60_000.0,
            'h' => 3_600_000.0,
            'd' => 86_400_000.0,
            'w' => 604_800_000.0,
            _ => return Err(format!("`{s}`: unknown unit `{ch}` (use s, m, h, d or w)")),
        };
        let n: f64 = number
            .parse()
            .map_err(|_| format!("`{s}`: expected a number before `{ch}`"))?;
        total += n * unit_ms;
        if !(total.is_finite() && total <= MAX_HORIZON_MS) {
            return Err(too_long(s));
        }
        number.clear();
    }
    if !number.is_empty() {
        return Err(format!(
            "`{s}`: a unit is missing after {number} (e.g. 30d, 12h, 90m)"
        ));
    }
    if total <= 0.0 {
        return Err(format!("`{s}` must be longer than zero"));
    }
    check_horizon_ms(total).map_err(|_| format!("`{s}` is shorter than the limit of 1 s"))?;
    Ok(total)
}

fn too_long(s: &str) -> String {
    format!("`{s}` is longer than the limit of {MAX_HORIZON_DAYS} days (3 years)")
}

/// Check a horizon in ms against the limits; the message gives the value in seconds.
pub fn check_horizon_ms(ms: f64) -> Result<(), String> {
    if !(ms.is_finite() && ms > 0.0) {
        return Err(format!("the horizon must be positive, not {} s", ms / 1000.0));
    }
    if ms < MIN_HORIZON_MS {
        return Err(format!(
            "the horizon of {} s is shorter than the limit of 1 s",
            ms / 1000.0
        ));
    }
    if ms > MAX_HORIZON_MS {
        return Err(format!(
            "the horizon of {} s is longer than the limit of {} s ({MAX_HORIZON_DAYS} days, 3 years)",
            crate::limits::fmt_count(ms / 1000.0),
            crate::limits::fmt_count(MAX_HORIZON_MS / 1000.0)
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_and_sums() {
        assert_eq!(parse_horizon_ms("30d").unwrap(), 2_592_000_000.0);
        assert_eq!(parse_horizon_ms("1d12h").unwrap(), 129_600_000.0);
        assert_eq!(parse_horizon_ms("90m").unwrap(), 5_400_000.0);
        assert_eq!(parse_horizon_ms("0.5h").unwrap(), 1_800_000.0);
        assert!(parse_horizon_ms("30").is_err());
        assert!(parse_horizon_ms("3y").is_err());
        assert!(parse_horizon_ms("0d").is_err());
    }

    #[test]
    fn a_horizon_of_99999999999999999999_days_is_refused_not_a_panic() {
        let e = parse_horizon_ms("99999999999999999999d").unwrap_err();
        assert!(e.contains("longer than the limit of 1096 days"), "{e}");
        // More digits than an f64 holds: infinite, still a message.
        let huge = format!("{}d", "9".repeat(400));
        assert!(parse_horizon_ms(&huge).unwrap_err().contains("limit"));
        assert!(parse_horizon_ms("1096d").is_ok());
        assert!(parse_horizon_ms("1096d1s").is_err());
        assert!(parse_horizon_ms("0.5s").unwrap_err().contains("1 s"));
    }
}
