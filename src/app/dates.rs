//! Dates the user types (`--from`, `--to`, `--start`, `--until`): one parser and one range for
//! every shell, so a typo such as `99999-01-01` is refused with the flag's name instead of
//! becoming a query over 98,000 years.

use crate::app::error::{AppError, Result};
use crate::error_code::ErrorCode;
use crate::store::Day;

/// Earliest date a flag accepts: 2000-01-01. Nothing Breakeven reads is older (AWS opened in
/// 2006, Lambda in 2014; the Azure Functions trace is from 2019).
pub const EARLIEST: Day = Day(10_957);
/// Latest date a flag accepts: 2100-12-31. Later is a typo; it also keeps every year four digits
/// (the stored `YYYY-MM-DD` text sorts as dates).
pub const LATEST: Day = Day(47_846);

/// `text` as a date `YYYY-MM-DD` within [`EARLIEST`]..=[`LATEST`]; the error names `flag`.
pub fn parse_day(flag: &str, text: &str) -> Result<Day> {
    let text = text.trim();
    let outside = || {
        AppError::bad_input(
            ErrorCode::BadDate,
            format!("{flag}: {text} is outside the dates accepted, {EARLIEST} to {LATEST}"),
        )
    };
    let day = text.parse::<Day>().map_err(|e| {
        // A year of five digits or more is no calendar day Breakeven keeps: say the range.
        match text.split_once('-') {
            Some((year, _)) if year.len() > 4 && year.bytes().all(|b| b.is_ascii_digit()) => outside(),
            _ => AppError::bad_input(ErrorCode::BadDate, format!("{flag}: {e}")),
        }
    })?;
    if !(EARLIEST..=LATEST).contains(&day) {
        return Err(outside());
    }
    Ok(day)
}

/// [`parse_day`] of an optional flag.
pub fn parse_optional_day(flag: &str, text: Option<&str>) -> Result<Option<Day>> {
    text.map(|t| parse_day(flag, t)).transpose()
}

/// `--from` must not be after `--to` when both are given.
pub fn check_order(from: Option<Day>, to: Option<Day>) -> Result<()> {
    match (from, to) {
        (Some(f), Some(t)) if f > t => Err(AppError::bad_input(
            ErrorCode::BadDate,
            format!("--from {f} is after --to {t}"),
        )),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_range_constants_are_the_dates_they_say() {
        assert_eq!(EARLIEST.to_string(), "2000-01-01");
        assert_eq!(LATEST.to_string(), "2100-12-31");
    }

    #[test]
    fn to_99999_01_01_is_refused_naming_the_flag() {
        let e = parse_day("--to", "99999-01-01").unwrap_err();
        assert_eq!(e.code(), ErrorCode::BadDate);
        assert_eq!(
            e.to_string(),
            "--to: 99999-01-01 is outside the dates accepted, 2000-01-01 to 2100-12-31"
        );
        assert!(parse_day("--from", "1999-12-31").is_err());
        assert!(parse_day("--from", "2024-02-30")
            .unwrap_err()
            .to_string()
            .starts_with("--from: `2024-02-30`"));
        assert_eq!(parse_day("--to", "2100-12-31").unwrap(), LATEST);
        assert_eq!(parse_day("--from", "2000-01-01").unwrap(), EARLIEST);
        let (a, b) = (EARLIEST, LATEST);
        assert!(check_order(Some(a), Some(b)).is_ok());
        assert!(check_order(Some(b), None).is_ok());
        assert_eq!(
            check_order(Some(b), Some(a)).unwrap_err().to_string(),
            "--from 2100-12-31 is after --to 2000-01-01"
        );
    }
}
