//! Keeping secrets and names out of reports.
//!
//! [`scrub`] runs on every report: anything shaped like an AWS access key id is redacted, so a
//! credential pasted into a scenario label or note cannot leak into a shared file.
//! [`anonymise`] (the `--anonymise` option) also replaces the workload's name, custom platform
//! labels and 12-digit account ids with pseudonyms. Pseudonyms are derived from a hash of the
//! original, so the same name gets the same pseudonym in every report and every format.

use crate::report::{AccountReport, Report, ReportError};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

/// Redaction of a credential.
pub const REDACTED: &str = "[redacted]";

/// FNV-1a, 64 bit: stable across runs and builds (unlike `std`'s randomly seeded hasher).
fn fnv1a(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// `prefix-xxxxxx`: six hex digits of the name's hash.
pub fn pseudonym(prefix: &str, name: &str) -> String {
    format!("{prefix}-{:06x}", fnv1a(name) & 0xff_ffff)
}

/// Replace every AWS access key id (`AKIA`/`ASIA` + 16 upper-case letters or digits) in `s`.
pub fn redact_credentials(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < b.len() {
        let key = b.len() - i >= 20
            && (b[i..].starts_with(b"AKIA") || b[i..].starts_with(b"ASIA"))
            && b[i + 4..i + 20]
                .iter()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
            && b.get(i + 20).is_none_or(|c| !c.is_ascii_alphanumeric());
        if key {
            out.push_str(REDACTED);
            i += 20;
        } else {
            let ch = s[i..].chars().next().unwrap_or(' ');
            out.push(ch);
            i += ch.len_utf8();
        }
    }
    out
}

/// Replace runs of exactly 12 digits (AWS account ids, also inside ARNs) with pseudonyms.
fn replace_account_ids(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut digits = String::new();
    let flush = |digits: &mut String, out: &mut String| {
        if digits.len() == 12 {
            out.push_str(&pseudonym("account", digits));
        } else {
            out.push_str(digits);
        }
        digits.clear();
    };
    for ch in s.chars() {
        if ch.is_ascii_digit() {
            digits.push(ch);
        } else {
            flush(&mut digits, &mut out);
            out.push(ch);
        }
    }
    flush(&mut digits, &mut out);
    out
}

fn walk(v: &mut Value, f: &dyn Fn(&str) -> String) {
    match v {
        Value::String(s) => *s = f(s),
        Value::Array(a) => a.iter_mut().for_each(|x| walk(x, f)),
        Value::Object(m) => m.values_mut().for_each(|x| walk(x, f)),
        _ => {}
    }
}

fn map_strings<T: Serialize + DeserializeOwned>(
    report: &T,
    f: &dyn Fn(&str) -> String,
) -> Result<T, ReportError> {
    let mut v = serde_json::to_value(report)?;
    walk(&mut v, f);
    Ok(serde_json::from_value(v)?)
}

/// `f` applied to the report with its per-bucket timelines set aside, then put back: they hold
/// numbers only, and sending their 100,000+ values through `serde_json::Value` (exact amounts as
/// strings) used to be most of a report's rendering time.
fn without_timelines(
    report: &Report,
    f: impl FnOnce(&Report) -> Result<Report, ReportError>,
) -> Result<Report, ReportError> {
    let mut bare = report.clone();
    let timelines: Vec<_> = bare
        .simulation
        .platforms
        .iter_mut()
        .map(|p| p.timeline.take())
        .collect();
    let mut out = f(&bare)?;
    for (p, t) in out.simulation.platforms.iter_mut().zip(timelines) {
        p.timeline = t;
    }
    Ok(out)
}

/// The scenario report with credentials redacted from every text field.
pub fn scrub(report: &Report) -> Result<Report, ReportError> {
    without_timelines(report, |r| map_strings(r, &redact_credentials))
}

/// The account or function report with credentials redacted from every text field.
pub fn scrub_account(report: &AccountReport) -> Result<AccountReport, ReportError> {
    map_strings(report, &redact_credentials)
}

/// Replace each (name, pseudonym) pair in every text field, then account ids.
fn replace_names<T: Serialize + DeserializeOwned>(
    report: &T,
    mut names: Vec<(String, String)>,
) -> Result<T, ReportError> {
    // Longest first, so a name that contains another is replaced whole; names too short to be
    // told apart from ordinary words are left alone.
    names.retain(|(from, _)| from.chars().count() >= 3);
    names.sort_by_key(|(from, _)| std::cmp::Reverse(from.len()));
    let replace = |s: &str| {
        // Exact amounts are decimal strings whose fraction may hold 12 digits: not account ids.
        if s.contains('.') && s.parse::<f64>().is_ok() {
            return s.to_string();
        }
        // Names first: a name may contain an account id.
        let mut s = s.to_string();
        for (from, to) in &names {
            if s.contains(from.as_str()) {
                s = s.replace(from.as_str(), to);
            }
        }
        replace_account_ids(&s)
    };
    map_strings(report, &replace)
}

/// An account or function report with function names and the account replaced.
pub fn anonymise_account(report: &AccountReport) -> Result<AccountReport, ReportError> {
    let mut names: Vec<(String, String)> = report
        .functions
        .iter()
        .map(|f| f.name.clone())
        .chain(report.function.clone())
        .chain(report.function_days.iter().map(|d| d.name.clone()))
        .map(|n| (n.clone(), pseudonym("function", &n)))
        .collect();
    names.dedup();
    names.push((report.account.clone(), pseudonym("account", &report.account)));
    let mut out = replace_names(report, names)?;
    out.anonymised = true;
    Ok(out)
}

/// The report with the workload's name, custom platform labels and account ids replaced.
/// Catalog platform ids (`aws-lambda`) are public and stay.
pub fn anonymise(report: &Report) -> Result<Report, ReportError> {
    let mut names: Vec<(String, String)> = vec![(
        report.scenario.name.clone(),
        pseudonym("workload", &report.scenario.name),
    )];
    for p in &report.simulation.platforms {
        if p.label != p.id {
            names.push((
                p.label.clone(),
                format!("{} ({})", p.id, pseudonym("config", &p.label)),
            ));
        }
    }
    let mut out = without_timelines(report, |r| replace_names(r, names))?;
    out.anonymised = true;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn access_key_ids_are_redacted_and_look_alikes_are_not() {
        assert_eq!(
            redact_credentials("key AKIAABCDEFGHIJKLMNOP here"),
            format!("key {REDACTED} here")
        );
        assert_eq!(redact_credentials("ASIA0123456789ABCDEF"), REDACTED);
        // Too short, lower case, or longer than a key id.
        assert_eq!(redact_credentials("AKIA123"), "AKIA123");
        assert_eq!(redact_credentials("AKIAabcdefghijklmnop"), "AKIAabcdefghijklmnop");
        assert_eq!(
            redact_credentials("AKIAABCDEFGHIJKLMNOPQ"),
            "AKIAABCDEFGHIJKLMNOPQ"
        );
        assert_eq!(redact_credentials("prix 5 € – AKIA"), "prix 5 € – AKIA");
    }

    #[test]
    fn account_ids_get_stable_pseudonyms() {
        let arn = "arn:aws:lambda:us-east-1:123456789012:function:pay";
        let once = replace_account_ids(arn);
        assert!(!once.contains("123456789012"), "{once}");
        assert_eq!(once, replace_account_ids(arn));
        assert!(once.contains(&pseudonym("account", "123456789012")));
        // Other numbers are left alone.
        assert_eq!(
            replace_account_ids("1024 MB, 1234567890123"),
            "1024 MB, 1234567890123"
        );
        assert_ne!(pseudonym("x", "a"), pseudonym("x", "b"));
    }
}
