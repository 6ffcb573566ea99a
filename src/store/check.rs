//! `breakeven db check`: SQLite's own integrity check, then the store's invariants — rows whose
//! parent is gone, sync cursors that claim data the store does not hold, and exact-decimal
//! columns that no longer parse.

use crate::model::MetricsCursor;
use crate::store::{now_s, Result, SqlContext};
use rusqlite::Connection;
use rust_decimal::Decimal;
use serde::Serialize;
use std::str::FromStr;

/// One problem found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    /// Which check found it: `integrity`, `foreign_keys`, `orphan_series`, `series_summary`,
    /// `cursors`, `decimals`.
    pub check: &'static str,
    pub problem: String,
}

/// Problems listed per check, at most this many (a damaged file can yield millions).
const MAX_PER_CHECK: usize = 20;

/// A cursor may run ahead of the clock by this much (a clock skewed between machines), seconds.
const CURSOR_SLACK_S: i64 = 86_400;

/// The key naming a row of the tables with exact decimals (both are WITHOUT ROWID).
const DAILY_COST_KEY: &str = "account_id || ' ' || day || ' ' || service || ' ' || usage_type";
const CHARGE_KEY: &str = "charge_key";
const EXPORT_DAY_KEY: &str =
    "export || ' ' || account_key || ' ' || day || ' ' || service || ' ' || usage_type || ' ' || resource_id";

/// Exact-decimal columns: (table, row key, column, nullable).
const DECIMALS: &[(&str, &str, &str, bool)] = &[
    ("daily_costs", DAILY_COST_KEY, "unblended", false),
    ("daily_costs", DAILY_COST_KEY, "amortized", false),
    ("daily_costs", DAILY_COST_KEY, "usage_quantity", false),
    ("focus_charges", CHARGE_KEY, "billed_cost", false),
    ("focus_charges", CHARGE_KEY, "effective_cost", false),
    ("focus_charges", CHARGE_KEY, "list_cost", true),
    ("focus_charges", CHARGE_KEY, "contracted_cost", true),
    ("export_days", EXPORT_DAY_KEY, "billed", false),
    ("export_days", EXPORT_DAY_KEY, "effective", false),
    ("export_days", EXPORT_DAY_KEY, "list", false),
    ("export_days", EXPORT_DAY_KEY, "usage_amount", false),
];

/// Every problem found; empty when the database is sound.
pub fn check(c: &Connection) -> Result<Vec<Finding>> {
    let mut found = Vec::new();
    let integrity = strings(
        c,
        &format!("PRAGMA integrity_check({MAX_PER_CHECK})"),
        "checking integrity",
    )?;
    if integrity != ["ok"] {
        found.extend(integrity.into_iter().map(|problem| Finding {
            check: "integrity",
            problem,
        }));
        // The invariants below read every table; on broken pages they would only fail.
        return Ok(found);
    }
    let fk = strings(
        c,
        &format!(
            "SELECT \"table\" || ' row ' || COALESCE(rowid, '?') || ' refers to a missing ' || parent
             FROM pragma_foreign_key_check LIMIT {MAX_PER_CHECK}"
        ),
        "checking references",
    )?;
    push(&mut found, "foreign_keys", fk);
    let orphans = strings(
        c,
        &format!(
            "SELECT 'series ' || s.id || ' (' || s.metric || ' ' || s.stat || ') has no function ' || s.function_id
             FROM metric_series s LEFT JOIN functions f ON f.id = s.function_id
             WHERE f.id IS NULL LIMIT {MAX_PER_CHECK}"
        ),
        "looking for orphan series",
    )?;
    push(&mut found, "orphan_series", orphans);
    let summaries = strings(
        c,
        &format!(
            "SELECT 'series ' || s.id || ' (' || s.metric || ' ' || s.stat || ') says ' || s.points || ' points from '
                    || COALESCE(s.first_ts, '-') || ' to ' || COALESCE(s.last_ts, '-') || '; it holds '
                    || COALESCE(p.n, 0) || ' from ' || COALESCE(p.lo, '-') || ' to ' || COALESCE(p.hi, '-')
             FROM metric_series s LEFT JOIN (
               SELECT series_id, COUNT(*) AS n, MIN(ts) AS lo, MAX(ts) AS hi FROM metric_points GROUP BY series_id
             ) p ON p.series_id = s.id
             WHERE s.points IS NOT COALESCE(p.n, 0) OR s.first_ts IS NOT p.lo OR s.last_ts IS NOT p.hi
             LIMIT {MAX_PER_CHECK}"
        ),
        "checking the series' summaries",
    )?;
    push(&mut found, "series_summary", summaries);
    let cursors = strings(
        c,
        &format!(
            "SELECT 'cursor ' || k.source || ' ' || k.key || ' of account ' || k.account_id || ' in ' || k.region ||
                    CASE WHEN k.cursor > {future} THEN ' is in the future (' || k.cursor || ')'
                         ELSE ' names a function that is not stored' END
             FROM sync_cursors k
             WHERE k.cursor > {future}
                OR (k.source = '{source}' AND NOT EXISTS (
                      SELECT 1 FROM functions f WHERE f.account_id = k.account_id AND f.region = k.region
                        AND k.key LIKE f.name || '{separator}%'))
             LIMIT {MAX_PER_CHECK}",
            future = now_s() + CURSOR_SLACK_S,
            source = MetricsCursor::SOURCE,
            separator = MetricsCursor::SEPARATOR,
        ),
        "checking sync cursors",
    )?;
    push(&mut found, "cursors", cursors);
    for (table, key, column, nullable) in DECIMALS {
        push(
            &mut found,
            "decimals",
            bad_decimals(c, table, key, column, *nullable)?,
        );
    }
    Ok(found)
}

/// What SQLite's integrity check says of a file too damaged to open as a store (read-only:
/// nothing is repaired or written).
pub fn damaged_file(path: &std::path::Path) -> Vec<Finding> {
    let flags = rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let problems = Connection::open_with_flags(path, flags)
        .map_err(|e| e.to_string())
        .and_then(|c| {
            strings(
                &c,
                &format!("PRAGMA integrity_check({MAX_PER_CHECK})"),
                "checking integrity",
            )
            .map_err(|e| e.to_string())
        });
    let problems = match problems {
        Ok(p) if p == ["ok"] => {
            let len = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
            vec![format!(
                "SQLite reads the pages that remain, but the file ({len} bytes) is shorter than its header says"
            )]
        }
        Ok(p) => p,
        Err(e) => vec![e],
    };
    problems
        .into_iter()
        .map(|problem| Finding {
            check: "integrity",
            problem,
        })
        .collect()
}

fn push(found: &mut Vec<Finding>, check: &'static str, problems: Vec<String>) {
    found.extend(problems.into_iter().map(|problem| Finding { check, problem }));
}

fn strings(c: &Connection, sql: &str, context: &'static str) -> Result<Vec<String>> {
    let mut st = c.prepare(sql).ctx(context)?;
    let rows = st.query_map([], |r| r.get::<_, String>(0)).ctx(context)?;
    rows.collect::<rusqlite::Result<Vec<String>>>().ctx(context)
}

/// Values of `table.column` that are not exact decimal text.
fn bad_decimals(c: &Connection, table: &str, key: &str, column: &str, nullable: bool) -> Result<Vec<String>> {
    let mut st = c
        .prepare(&format!(
            "SELECT {key}, typeof({column}), CAST({column} AS TEXT) FROM {table}"
        ))
        .ctx("reading decimal columns")?;
    let mut rows = st.query([]).ctx("reading decimal columns")?;
    let mut bad = Vec::new();
    while let Some(r) = rows.next().ctx("reading decimal columns")? {
        let (row, ty, text): (String, String, Option<String>) = (
            r.get(0).ctx("reading decimal columns")?,
            r.get(1).ctx("reading decimal columns")?,
            r.get(2).ctx("reading decimal columns")?,
        );
        let fine = match (ty.as_str(), &text) {
            ("null", _) => nullable,
            ("text", Some(t)) => Decimal::from_str(t).is_ok(),
            _ => false,
        };
        if !fine && bad.len() < MAX_PER_CHECK {
            bad.push(format!(
                "{table}.{column} of row ({row}) holds {ty} {:?}, not an exact decimal",
                text.unwrap_or_default()
            ));
        }
    }
    Ok(bad)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    #[test]
    fn a_sound_store_has_no_findings_and_broken_rows_are_named() {
        let s = Store::open_in_memory().unwrap();
        let c = s.conn();
        assert_eq!(check(c).unwrap(), vec![]);
        c.execute_batch(
            "INSERT INTO accounts (id, account_key, name, source, created_at) VALUES (1, 'a', 'a', 'aws', 0);
             INSERT INTO daily_costs VALUES (1, '2026-01-01', 'AWS Lambda', 'x', '1.5', 'one', 'USD', '1', 'Requests', 0);
             INSERT INTO sync_cursors VALUES (1, 'us-east-1', 'cloudwatch', 'gone@60', 0, 0);
             PRAGMA foreign_keys = OFF;
             INSERT INTO metric_series (id, function_id, metric, stat, period_s) VALUES (7, 99, 'Errors', 'Sum', 60);",
        )
        .unwrap();
        let found = check(c).unwrap();
        let checks: Vec<&str> = found.iter().map(|f| f.check).collect();
        assert!(checks.contains(&"foreign_keys"), "{found:?}");
        assert!(checks.contains(&"orphan_series"), "{found:?}");
        assert!(checks.contains(&"cursors"), "{found:?}");
        assert!(
            found
                .iter()
                .any(|f| f.problem.contains("daily_costs.amortized") && f.problem.contains("one")),
            "{found:?}"
        );
    }
}
