//! What a billing-export sync reads, and how long each of its requests may take.

use crate::ingest::aws::{MAX_ATTEMPTS, MAX_TIMEOUT_S};

/// What to read.
#[derive(Debug, Clone)]
pub struct AthenaOptions {
    /// The profile whose credentials reach Athena and Glue; `None`: the default chain.
    pub profile: Option<String>,
    /// The export's region (Athena's and the Glue catalog's); `None`: the profile's.
    pub region: Option<String>,
    /// The export's table, `DATABASE.TABLE`.
    pub table: String,
    /// The Athena work group the queries run in.
    pub workgroup: String,
    /// Where Athena writes query results (`s3://…`); `None`: the work group's own setting.
    pub output: Option<String>,
    /// Only these billing periods (`YYYY-MM`); empty: every partition.
    pub periods: Vec<String>,
    /// Read the chosen periods again even when unchanged since they were read.
    pub refresh: bool,
    /// Attempts per request, first try included.
    pub max_attempts: u32,
    /// Seconds one attempt of a request may take.
    pub timeout_s: u32,
    /// The sync's clock, Unix seconds.
    pub now: i64,
}

impl AthenaOptions {
    /// The options' limits, checked before anything is loaded: the message names the flag.
    pub fn check(&self) -> Result<(), String> {
        let parts: Vec<&str> = self.table.split('.').collect();
        if parts.len() != 2 || parts.iter().any(|p| p.trim().is_empty()) {
            return Err(format!(
                "--athena takes DATABASE.TABLE (the export's Glue database and table), not `{}`",
                self.table
            ));
        }
        if self.workgroup.trim().is_empty() {
            return Err("--workgroup must name an Athena work group (e.g. primary)".into());
        }
        if let Some(o) = &self.output {
            if !o.starts_with("s3://") || o.len() <= "s3://".len() {
                return Err(format!("--output must be an s3:// location, not `{o}`"));
            }
        }
        for p in &self.periods {
            let ok = p.len() == 7
                && p.as_bytes()[4] == b'-'
                && p[..4].bytes().all(|b| b.is_ascii_digit())
                && matches!(p[5..].parse::<u32>(), Ok(1..=12));
            if !ok {
                return Err(format!("--period takes a billing period YYYY-MM, not `{p}`"));
            }
        }
        if self.timeout_s == 0 || self.timeout_s > MAX_TIMEOUT_S {
            return Err(format!("--timeout must be between 1 and {MAX_TIMEOUT_S} seconds"));
        }
        if self.max_attempts == 0 || self.max_attempts > MAX_ATTEMPTS {
            return Err(format!("--max-attempts must be between 1 and {MAX_ATTEMPTS}"));
        }
        Ok(())
    }

    /// The export's name as stored: Glue's own spelling, lower-case (`Cur.Data` and `cur.data`
    /// are one table).
    pub fn export_name(&self) -> String {
        self.table.trim().to_ascii_lowercase()
    }

    /// (database, table) of [`AthenaOptions::table`] (checked).
    pub fn database_table(&self) -> (&str, &str) {
        self.table.split_once('.').unwrap_or((&self.table, ""))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts() -> AthenaOptions {
        AthenaOptions {
            profile: None,
            region: Some("us-east-1".into()),
            table: "cur.data".into(),
            workgroup: "primary".into(),
            output: None,
            periods: vec!["2026-11".into()],
            refresh: false,
            max_attempts: 5,
            timeout_s: 30,
            now: 0,
        }
    }

    #[test]
    fn flags_are_checked_before_any_request() {
        assert!(opts().check().is_ok());
        for (table, periods, output) in [
            ("cur", vec![], None),
            ("a.b.c", vec![], None),
            ("cur.data", vec!["2026-13"], None),
            ("cur.data", vec!["2026/11"], None),
            ("cur.data", vec![], Some("https://bucket")),
        ] {
            let mut o = opts();
            o.table = table.into();
            o.periods = periods.into_iter().map(String::from).collect();
            o.output = output.map(String::from);
            assert!(o.check().is_err(), "{table} {:?}", o.periods);
        }
    }
}
