//! Validation of what the webview sends. Form fields arrive as the strings the user typed; each
//! is checked here (shape, sign, sane bounds) and rejected with the field's name and a plain
//! sentence, so nothing malformed or absurd reaches the application layer.

use crate::error::{CommandError, CommandResult};
use breakeven::app::parse::{self, NumberError};
use rust_decimal::Decimal;
use std::str::FromStr;

/// A form field: its wire name (as in the CLI's flags and JSON) and the label the UI shows.
#[derive(Debug, Clone, Copy)]
pub struct Field {
    pub name: &'static str,
    pub label: &'static str,
}

impl Field {
    pub fn reject(&self, why: impl std::fmt::Display) -> CommandError {
        CommandError::field(self.name, format!("{}: {why}.", self.label))
    }

    /// The field is required and was left empty.
    pub fn reject_empty(&self) -> CommandError {
        self.reject("choose or enter a value")
    }
}

/// A whole, non-negative count at most `max`; empty means `None`. The text is read by the
/// CLI's parser (`breakeven::app::parse`): `2,500,000`, `2.5M` and `1e6` are accepted here too.
pub fn count(f: Field, raw: &str, max: u64) -> CommandResult<Option<u64>> {
    if raw.trim().is_empty() {
        return Ok(None);
    }
    match parse::count(raw) {
        Ok(n) if n <= max => Ok(Some(n)),
        Ok(_) | Err(NumberError::TooLarge(_)) => {
            Err(f.reject(format_args!("must be at most {}", parse::group(max))))
        }
        Err(_) => Err(f.reject(format_args!("“{}” is not a whole number", raw.trim()))),
    }
}

/// A whole count that fits a `u32`, at most `max`.
pub fn count_u32(f: Field, raw: &str, max: u32) -> CommandResult<Option<u32>> {
    // `max` fits u32, so the narrowing cannot fail once `count` accepted the value.
    Ok(count(f, raw, u64::from(max))?.and_then(|n| u32::try_from(n).ok()))
}

/// A non-negative decimal in `[min, max]`; empty means `None`.
pub fn decimal(f: Field, raw: &str, min: Decimal, max: Decimal) -> CommandResult<Option<Decimal>> {
    if raw.trim().is_empty() {
        return Ok(None);
    }
    let d = match parse::decimal(raw) {
        Ok(d) => d,
        Err(NumberError::Negative(_)) => return Err(f.reject("must not be negative")),
        Err(NumberError::TooLarge(_)) => {
            return Err(f.reject(format_args!("must be at most {}", max.normalize())))
        }
        Err(_) => return Err(f.reject(format_args!("“{}” is not a number", raw.trim()))),
    };
    if d < min {
        return Err(if min.is_zero() {
            f.reject("must not be negative")
        } else {
            f.reject(format_args!("must be at least {}", min.normalize()))
        });
    }
    if d > max {
        return Err(f.reject(format_args!("must be at most {}", max.normalize())));
    }
    Ok(Some(d))
}

/// An identifier (platform id, region, size name): ASCII letters, digits and `:/._-`.
pub fn ident(f: Field, raw: &str, max_len: usize) -> CommandResult<Option<String>> {
    let s = raw.trim();
    if s.is_empty() {
        return Ok(None);
    }
    let ok = s.len() <= max_len
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b':' | b'/' | b'.' | b'_' | b'-'));
    if ok {
        Ok(Some(s.to_string()))
    } else {
        Err(f.reject(format_args!("“{s}” is not a valid name")))
    }
}

/// A value of a closed set parsed by the domain type's `FromStr` (architecture, pricing).
pub fn choice<T: FromStr>(f: Field, raw: &str) -> CommandResult<Option<T>> {
    let s = raw.trim();
    if s.is_empty() {
        return Ok(None);
    }
    s.parse::<T>()
        .map(Some)
        .map_err(|_| f.reject(format_args!("“{s}” is not one of the choices")))
}

/// Limits on a scenario sent by the what-if view: far beyond any real edit, low enough that a
/// malformed or hostile message cannot make the app allocate or simulate without bound.
const MAX_PLATFORMS: usize = 16;
const MAX_NAME: usize = 200;
/// A year of per-minute replay counts.
const MAX_REPLAY_MINUTES: usize = 527_040;
/// A year, ms.
const MAX_HORIZON_MS: f64 = 366.0 * 86_400_000.0;
/// Largest integer a JavaScript number holds exactly: larger seeds would not survive the view.
const MAX_SEED: u64 = (1 << 53) - 1;

fn scenario_field(name: &'static str, message: impl Into<String>) -> CommandError {
    CommandError::field(name, message)
}

/// Bounds of a scenario from the view; the domain rules (rates, distributions, platform options)
/// are checked by the application layer exactly as for a file.
pub fn scenario(s: &breakeven_simulator::Scenario) -> CommandResult<()> {
    use breakeven_simulator::workload::Arrivals;
    if s.name.trim().is_empty() || s.name.len() > MAX_NAME || s.name.chars().any(char::is_control) {
        return Err(scenario_field(
            "name",
            format!("Name: use 1 to {MAX_NAME} printable characters."),
        ));
    }
    if s.seed > MAX_SEED {
        return Err(scenario_field(
            "seed",
            format!("Seed: must be at most {}.", parse::group(MAX_SEED)),
        ));
    }
    let h = s.workload.horizon_ms;
    if !(h.is_finite() && h >= 1000.0 && h <= MAX_HORIZON_MS) {
        return Err(scenario_field(
            "horizon",
            "Horizon: must be between 1 second and 366 days.",
        ));
    }
    if s.platforms.is_empty() || s.platforms.len() > MAX_PLATFORMS {
        return Err(scenario_field(
            "platforms",
            format!("Platforms: choose 1 to {MAX_PLATFORMS} platforms."),
        ));
    }
    for p in &s.platforms {
        ident(
            Field {
                name: "platforms",
                label: "Platform",
            },
            &p.id,
            100,
        )?;
        if p.label
            .as_ref()
            .is_some_and(|l| l.len() > MAX_NAME || l.chars().any(char::is_control))
        {
            return Err(scenario_field(
                "platforms",
                "Platform label: too long or not printable.",
            ));
        }
    }
    if let Arrivals::Replay { counts_per_min, file } = &s.workload.arrivals {
        if counts_per_min.len() > MAX_REPLAY_MINUTES || file.is_some() {
            return Err(scenario_field(
                "arrivals",
                "Traffic: a replay holds at most a year of per-minute counts, inline.",
            ));
        }
    }
    Ok(())
}

/// Scenarios to compare: two to four, each bounded as by [`scenario`].
pub fn scenarios(list: &[breakeven_simulator::Scenario]) -> CommandResult<()> {
    if !(2..=4).contains(&list.len()) {
        return Err(scenario_field(
            "scenarios",
            "Compare: choose two to four scenarios.",
        ));
    }
    list.iter().try_for_each(scenario)
}

#[cfg(test)]
mod tests {
    use super::*;
    use breakeven::error_code::ErrorCode;

    const F: Field = Field {
        name: "requests",
        label: "Requests per month",
    };

    #[test]
    fn counts_accept_separators_and_reject_the_rest() {
        assert_eq!(count(F, " 2,500,000 ", 10_000_000).unwrap(), Some(2_500_000));
        assert_eq!(count(F, "2_500", 10_000).unwrap(), Some(2_500));
        assert_eq!(count(F, "", 10).unwrap(), None);
        let e = count(F, "12abc", 10_000).unwrap_err();
        assert_eq!((e.code, e.field), (ErrorCode::BadInput, Some("requests")));
        assert_eq!(e.message, "Requests per month: “12abc” is not a whole number.");
        assert!(count(F, "-5", 10).is_err());
        assert!(count(F, "1.5", 10).is_err());
        // The CLI's spellings: one parser for both shells.
        assert_eq!(count(F, "2.5M", 10_000_000).unwrap(), Some(2_500_000));
        assert_eq!(count(F, "1e6", 10_000_000).unwrap(), Some(1_000_000));
        assert_eq!(count(F, "2 500 000", 10_000_000).unwrap(), Some(2_500_000));
        assert_eq!(
            count(F, "2.5M", 1_000_000).unwrap_err().message,
            "Requests per month: must be at most 1,000,000."
        );
        let e = count(F, "10001", 10_000).unwrap_err();
        assert_eq!(e.message, "Requests per month: must be at most 10,000.");
        assert!(count(F, "99999999999999999999999", u64::MAX).is_err());
    }

    #[test]
    fn decimals_are_exact_and_bounded() {
        let max = Decimal::from(1000);
        assert_eq!(
            decimal(F, "85.5", Decimal::ZERO, max).unwrap(),
            Some(Decimal::new(855, 1))
        );
        assert_eq!(
            decimal(F, "-1", Decimal::ZERO, max).unwrap_err().message,
            "Requests per month: must not be negative."
        );
        assert_eq!(
            decimal(F, "1e3", Decimal::ZERO, max).unwrap(),
            Some(Decimal::from(1000))
        );
        assert!(decimal(F, "1e4", Decimal::ZERO, max).is_err());
        assert_eq!(
            decimal(F, "12,5x", Decimal::ZERO, max).unwrap_err().message,
            "Requests per month: “12,5x” is not a number."
        );
        assert!(decimal(F, "1000.01", Decimal::ZERO, max).is_err());
        assert!(decimal(F, "0", Decimal::new(1, 1), max).is_err());
    }

    #[test]
    fn identifiers_allow_catalog_ids_only() {
        assert_eq!(
            ident(F, "vm:aws/m7g.large", 64).unwrap().as_deref(),
            Some("vm:aws/m7g.large")
        );
        assert!(ident(F, "<script>", 64).is_err());
        assert!(ident(F, &"a".repeat(65), 64).is_err());
    }

    #[test]
    fn scenarios_from_the_view_are_bounded() {
        use breakeven_simulator::scenario::PlatformSpec;
        use breakeven_simulator::workload::{Arrivals, DurationModel, Workload};
        let w = Workload::new(
            3_600_000.0,
            Arrivals::Poisson { rate_per_s: 1.0 },
            DurationModel::constant(50.0),
        );
        let ok = breakeven_simulator::Scenario::new("s", 1, w, vec![PlatformSpec::new("aws-lambda")]);
        assert!(scenario(&ok).is_ok());
        let mut s = ok.clone();
        s.seed = 1 << 60;
        assert_eq!(scenario(&s).unwrap_err().field, Some("seed"));
        let mut s = ok.clone();
        s.workload.horizon_ms = f64::INFINITY;
        assert_eq!(scenario(&s).unwrap_err().field, Some("horizon"));
        let mut s = ok.clone();
        s.platforms = vec![PlatformSpec::new("aws-lambda"); 17];
        assert_eq!(scenario(&s).unwrap_err().field, Some("platforms"));
        let mut s = ok.clone();
        s.platforms[0].id = "<img>".into();
        assert!(scenario(&s).is_err());
        let mut s = ok.clone();
        s.workload.arrivals = Arrivals::Replay {
            counts_per_min: vec![],
            file: Some("/etc/passwd".into()),
        };
        assert_eq!(scenario(&s).unwrap_err().field, Some("arrivals"));
        assert_eq!(scenarios(&[ok.clone()]).unwrap_err().field, Some("scenarios"));
        assert!(scenarios(&[ok.clone(), ok.clone()]).is_ok());
    }

    #[test]
    fn choices_use_the_domain_parser() {
        use breakeven_simulator::pricing::Arch;
        assert_eq!(choice::<Arch>(F, "arm64").unwrap(), Some(Arch::Arm64));
        assert!(choice::<Arch>(F, "sparc").is_err());
    }
}
