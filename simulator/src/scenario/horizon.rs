//! Human durations for horizons: `30d`, `12h`, `90m`, `45s`, `1w`, and sums such as `1d12h`.

/// Parse a duration string into ms.
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
    Ok(total)
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
}
