//! A calendar day in UTC, stored as `YYYY-MM-DD`. Cost Explorer bills by UTC day.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Days since 1970-01-01 (UTC).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(type = "string"))]
pub struct Day(pub i64);

const SECONDS_PER_DAY: i64 = 86_400;

impl Day {
    /// The UTC day containing Unix time `ts` (seconds).
    pub fn from_unix(ts: i64) -> Day {
        Day(ts.div_euclid(SECONDS_PER_DAY))
    }

    /// Midnight UTC at the start of the day, Unix seconds.
    pub fn start_unix(self) -> i64 {
        self.0 * SECONDS_PER_DAY
    }

    pub fn today() -> Day {
        Day::from_unix(now_s())
    }

    pub fn plus(self, days: i64) -> Day {
        Day(self.0 + days)
    }

    /// (year, month 1–12, day 1–31) in the proleptic Gregorian calendar.
    pub fn ymd(self) -> (i64, u32, u32) {
        // Shift the epoch to 0000-03-01 so leap days fall at the end of a 400-year era.
        let z = self.0 + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let y = yoe + era * 400 + i64::from(m <= 2);
        (y, m, d)
    }

    /// `None` unless a real calendar day of a four-digit year (1..=9999): every stored day and
    /// every date a user can mean fits, and the day arithmetic below cannot overflow.
    pub fn from_ymd(y: i64, m: u32, d: u32) -> Option<Day> {
        if !(1..=9999).contains(&y) || !(1..=12).contains(&m) || d == 0 || d > days_in_month(y, m) {
            return None;
        }
        let y = if m <= 2 { y - 1 } else { y };
        let era = y.div_euclid(400);
        let yoe = y.rem_euclid(400);
        let m = i64::from(m);
        let mp = if m > 2 { m - 3 } else { m + 9 };
        let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        Some(Day(era * 146_097 + doe - 719_468))
    }
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        _ => 28,
    }
}

impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = self.ymd();
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

impl FromStr for Day {
    type Err = String;
    fn from_str(s: &str) -> Result<Day, String> {
        let bad = || format!("`{s}` is not a date (expected YYYY-MM-DD)");
        let mut it = s.splitn(3, '-');
        let y = it.next().and_then(|p| p.parse::<i64>().ok()).ok_or_else(bad)?;
        let m = it.next().and_then(|p| p.parse::<u32>().ok()).ok_or_else(bad)?;
        let d = it.next().and_then(|p| p.parse::<u32>().ok()).ok_or_else(bad)?;
        Day::from_ymd(y, m, d).ok_or_else(bad)
    }
}

impl TryFrom<String> for Day {
    type Error = String;
    fn try_from(s: String) -> Result<Day, String> {
        s.parse()
    }
}

impl From<Day> for String {
    fn from(d: Day) -> String {
        d.to_string()
    }
}

/// Seconds since the Unix epoch, now.
pub fn now_s() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_every_day_of_four_centuries() {
        for n in -146_097..146_097 {
            let d = Day(n);
            let (y, m, dd) = d.ymd();
            assert_eq!(Day::from_ymd(y, m, dd), Some(d));
            assert_eq!(d.to_string().parse::<Day>(), Ok(d));
        }
        assert_eq!(Day(0).to_string(), "1970-01-01");
        assert_eq!("2024-02-29".parse::<Day>().map(|d| d.0), Ok(19_782));
        assert!("2023-02-29".parse::<Day>().is_err());
        assert_eq!(Day::from_unix(-1), Day(-1));
    }
}
