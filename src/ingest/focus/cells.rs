//! Parsing single FOCUS cells: exact decimals, UTC date-times, JSON tags.

use crate::model::Day;
use rust_decimal::Decimal;

/// An exact decimal, e.g. `0.00000080000` or `1.5E-7`. Digits beyond what `Decimal` holds exactly
/// (28–29 significant digits) are an error, never rounded.
pub fn decimal(s: &str) -> Result<Decimal, String> {
    let s = s.trim();
    if s.contains(['e', 'E']) {
        return Decimal::from_scientific(s).map_err(|e| format!("{s:?} is not a decimal number: {e}"));
    }
    Decimal::from_str_exact(s).map_err(|e| format!("{s:?} is not an exact decimal number: {e}"))
}

/// Largest UTC offset a timestamp may carry, seconds: ±18:00. FOCUS itself asks for UTC (`Z`);
/// offsets are accepted because some tools write them, up to the widest any common date-time
/// library allows (java.time's `ZoneOffset`, which Spark and most Parquet writers use, refuses
/// more; real zones span −12:00 to +14:00).
pub const MAX_OFFSET_S: i64 = 18 * 3600;

/// A date-time as FOCUS writes it, to Unix seconds. Accepted: `YYYY-MM-DDTHH:MM:SSZ` (the spec's
/// form), a space instead of `T` and no `Z` (as in the FinOps sample), optional fractional
/// seconds (dropped: charge periods are whole seconds), and a `±HH:MM` offset within
/// ±[`MAX_OFFSET_S`] (minutes 00–59).
pub fn timestamp(s: &str) -> Result<i64, String> {
    let bad = || format!("{s:?} is not a date-time like 2024-09-01T00:00:00Z");
    let b = s.trim().as_bytes();
    if b.len() < 19 || b[4] != b'-' || b[7] != b'-' || !(b[10] == b'T' || b[10] == b' ') {
        return Err(bad());
    }
    if b[13] != b':' || b[16] != b':' {
        return Err(bad());
    }
    let num = |from: usize, to: usize| -> Result<i64, String> {
        let part = &b[from..to];
        if !part.iter().all(u8::is_ascii_digit) {
            return Err(bad());
        }
        Ok(part.iter().fold(0, |n, d| n * 10 + i64::from(d - b'0')))
    };
    let day = Day::from_ymd(num(0, 4)?, num(5, 7)? as u32, num(8, 10)? as u32).ok_or_else(bad)?;
    let (h, m, sec) = (num(11, 13)?, num(14, 16)?, num(17, 19)?);
    if h > 23 || m > 59 || sec > 59 {
        return Err(bad());
    }
    let mut rest = &b[19..];
    if let Some(frac) = rest.strip_prefix(b".") {
        let digits = frac.iter().take_while(|c| c.is_ascii_digit()).count();
        if digits == 0 {
            return Err(bad());
        }
        rest = &frac[digits..];
    }
    let offset_s = match rest {
        b"" | b"Z" | b"z" => 0,
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
            let digits = [*h1, *h2, *m1, *m2];
            if !digits.iter().all(u8::is_ascii_digit) {
                return Err(bad());
            }
            let v = |i: usize| i64::from(digits[i] - b'0');
            let (oh, om) = (v(0) * 10 + v(1), v(2) * 10 + v(3));
            let off = oh * 3600 + om * 60;
            if om > 59 || off > MAX_OFFSET_S {
                return Err(format!(
                    "{s:?} has the UTC offset {}{oh:02}:{om:02}: offsets must be within ±18:00 (minutes 00–59)",
                    *sign as char
                ));
            }
            if *sign == b'+' {
                off
            } else {
                -off
            }
        }
        _ => return Err(bad()),
    };
    Ok(day.start_unix() + h * 3600 + m * 60 + sec - offset_s)
}

/// A `Tags` cell: a JSON object, returned as compact JSON text.
pub fn tags(s: &str) -> Result<String, String> {
    let v: serde_json::Value = serde_json::from_str(s).map_err(|e| format!("not valid JSON: {e}"))?;
    if !v.is_object() {
        return Err("must be a JSON object of key-value pairs".into());
    }
    serde_json::to_string(&v).map_err(|e| format!("Tags could not be re-encoded: {e}"))
}

/// An ISO 4217 currency code: three capital letters.
pub fn currency(s: &str) -> Result<String, String> {
    if s.len() == 3 && s.bytes().all(|c| c.is_ascii_uppercase()) {
        Ok(s.to_string())
    } else {
        Err(format!("{s:?} is not an ISO 4217 currency code like USD"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_in_the_spec_and_sample_forms_agree() {
        let spec = timestamp("2024-09-18T22:00:00Z").unwrap();
        assert_eq!(spec, 1_726_696_800);
        assert_eq!(timestamp("2024-09-18 22:00:00").unwrap(), spec);
        assert_eq!(timestamp("2024-09-18T22:00:00.000Z").unwrap(), spec);
        assert_eq!(timestamp("2024-09-19T00:00:00+02:00").unwrap(), spec);
        for bad in [
            "2024-09-18",
            "2024-02-30T00:00:00Z",
            "2024-09-18T24:00:00Z",
            "2024-09-18T22:00:00+2",
        ] {
            assert!(timestamp(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_utc_offset_of_plus_25_hours_is_refused() {
        assert_eq!(
            timestamp("2024-09-19T16:00:00+18:00").unwrap(),
            timestamp("2024-09-18T22:00:00Z").unwrap()
        );
        assert!(timestamp("2024-09-18T04:00:00-18:00").is_ok());
        for bad in [
            "2024-09-18T22:00:00+25:00",
            "2024-09-18T22:00:00-18:01",
            "2024-09-18T22:00:00+01:60",
            "2024-09-18T22:00:00+99:99",
        ] {
            let e = timestamp(bad).unwrap_err();
            assert!(e.contains("offsets must be within ±18:00"), "{bad}: {e}");
        }
    }

    #[test]
    fn decimals_are_exact_or_rejected() {
        assert_eq!(decimal("0.00000080000").unwrap().to_string(), "0.00000080000");
        assert_eq!(decimal("1.5E-7").unwrap(), Decimal::new(15, 8));
        assert!(decimal("12,5").is_err());
        assert!(decimal("0.1234567890123456789012345678901").is_err());
    }

    #[test]
    fn tags_must_be_an_object() {
        let text = tags(r#"{"b": "2", "a": "1"}"#).unwrap();
        assert!(!text.contains(' '), "{text}");
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&text).unwrap()["a"],
            "1"
        );
        assert!(tags("[1]").is_err());
        assert!(tags("{oops").is_err());
    }
}
