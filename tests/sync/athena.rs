//! `sync --athena` against the test adapter: the export's Parquet files are in moto's S3, its
//! table in moto's Glue, and every Athena query is executed for real by DuckDB (see
//! `tests/moto/athena.py`). The stored aggregates are checked against the seeder's own sums of
//! the generated line items, computed independently in Python `decimal`.

use super::{python, report, Aws, KEY};
use breakeven::store::Store;
use rust_decimal::Decimal;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;
use std::str::FromStr;

const OUTPUT: &str = "s3://breakeven-exports/athena-results/";

/// The adapter with DuckDB, or `None` (with the reason printed).
pub(super) fn athena_server() -> Option<Aws> {
    let py = python()?;
    let ok = Command::new(&py)
        .args(["-c", "import duckdb"])
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    if !ok {
        eprintln!("SKIPPED: no duckdb in `{py}`: install tests/moto/requirements.txt");
        return None;
    }
    Some(Aws::start(&py, &[]))
}

/// Seed an export of `format` (`cur2`, `focus`); returns the seeder's summary (with its
/// independent sums) and the export's `DATABASE.TABLE`.
fn seed_export(
    aws: &Aws,
    dir: &Path,
    format: &str,
    accounts: u32,
    functions: u32,
    line_items: u32,
) -> (Value, String) {
    let summary = dir.join("export-summary.json");
    let o = Command::new(&aws.py)
        .arg(super::moto_dir().join("exports.py"))
        .args(["--endpoint", &aws.url, "--access-key", KEY])
        .args(["--summary-file", summary.to_str().unwrap(), "--format", format])
        .args([
            "--accounts",
            &accounts.to_string(),
            "--functions",
            &functions.to_string(),
        ])
        .args(["--line-items", &line_items.to_string()])
        .output()
        .expect("run exports.py");
    assert!(
        o.status.success(),
        "export seed failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let v: Value = serde_json::from_slice(&std::fs::read(&summary).unwrap()).expect("export summary");
    let table = format!(
        "{}.{}",
        v["database"].as_str().unwrap(),
        v["table"].as_str().unwrap()
    );
    (v, table)
}

fn athena_log(aws: &Aws) -> Vec<Value> {
    let o = Command::new(&aws.py)
        .args([
            "-c",
            "import sys, urllib.request; print(urllib.request.urlopen(sys.argv[1]).read().decode())",
            &format!("{}/__adapter/athena-log", aws.url),
        ])
        .output()
        .unwrap();
    serde_json::from_slice::<Vec<Value>>(&o.stdout).unwrap_or_default()
}

fn post(aws: &Aws, path: &str, body: &str) {
    let o = Command::new(&aws.py)
        .args([
            "-c",
            "import sys, urllib.request; urllib.request.urlopen(urllib.request.Request(sys.argv[1], data=sys.argv[2].encode(), headers={'Content-Type': 'application/json'})).read()",
            &format!("{}{path}", aws.url),
            body,
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

pub(super) fn sync(aws: &Aws, db: &Path, table: &str) -> std::process::Output {
    aws.sync_command(
        db,
        KEY,
        &["--athena", table, "--workgroup", "primary", "--output", OUTPUT],
    )
    .output()
    .expect("run breakeven sync --athena")
}

fn dec(v: &Value) -> Decimal {
    Decimal::from_str(v.as_str().expect("a decimal string")).expect("a decimal")
}

/// Σ (billed, effective, list) of the stored rows, by a key of each row.
fn stored_sums(db: &Path, key_sql: &str, filter: &str) -> BTreeMap<String, (Decimal, Decimal, Decimal)> {
    let store = Store::open(db).unwrap();
    let mut st = store
        .conn()
        .prepare(&format!(
            "SELECT {key_sql}, billed, effective, list FROM export_days WHERE {filter}"
        ))
        .unwrap();
    let mut out: BTreeMap<String, (Decimal, Decimal, Decimal)> = BTreeMap::new();
    let rows = st
        .query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
            ))
        })
        .unwrap();
    for row in rows {
        let (k, b, e, l) = row.unwrap();
        let s = out.entry(k).or_default();
        s.0 += Decimal::from_str(&b).unwrap();
        s.1 += Decimal::from_str(&e).unwrap();
        s.2 += Decimal::from_str(&l).unwrap();
    }
    out
}

/// The seeder's sums of one list, by a key of each entry.
fn expected_sums(
    list: &Value,
    key: impl Fn(&Value) -> String,
) -> BTreeMap<String, (Decimal, Decimal, Decimal)> {
    let mut out: BTreeMap<String, (Decimal, Decimal, Decimal)> = BTreeMap::new();
    for v in list.as_array().unwrap() {
        let s = out.entry(key(v)).or_default();
        s.0 += dec(&v["billed"]);
        s.1 += dec(&v["effective"]);
        s.2 += dec(&v["list"]);
    }
    out
}

/// Every stored function-day equals the seeder's sum of its line items.
fn assert_function_days_match(db: &Path, summary: &Value) {
    let want = expected_sums(&summary["by_function_day"], |v| {
        format!(
            "{} {}",
            v["resource_id"].as_str().unwrap(),
            v["day"].as_str().unwrap()
        )
    });
    let got = stored_sums(
        db,
        "resource_id || ' ' || day",
        "resource_id LIKE 'arn:aws:lambda:%'",
    );
    assert_eq!(got.len(), want.len(), "function-days");
    assert_eq!(got, want);
}

/// `breakeven billing --by BY --json`: its rows' (billed, effective, list), by key.
fn billing_rows(db: &Path, by: &str) -> BTreeMap<String, (Decimal, Decimal, Decimal)> {
    let o = crate::support::run(&["--db", db.to_str().unwrap(), "billing", "--by", by, "--json"]);
    assert!(o.status.success(), "{}", crate::support::stderr(&o));
    let v: Value = serde_json::from_str(&crate::support::stdout(&o)).unwrap();
    v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let k = r["key"].as_str().unwrap().to_string();
            (
                k,
                (
                    dec(&r["billed_usd"]),
                    dec(&r["effective_usd"]),
                    dec(&r["list_usd"]),
                ),
            )
        })
        .collect()
}

/// `breakeven db status --json`.
fn db_status(db: &Path) -> Value {
    let o = crate::support::run(&["--db", db.to_str().unwrap(), "db", "status", "--json"]);
    serde_json::from_str(&crate::support::stdout(&o)).unwrap()
}

fn queries(r: &Value) -> u64 {
    r["requests"]["athena:StartQueryExecution"].as_u64().unwrap_or(0)
}

#[test]
fn an_org_export_syncs_through_athena_to_exact_daily_aggregates_and_a_second_sync_scans_nothing() {
    let Some(aws) = athena_server() else { return };
    let dir = tempfile::tempdir().unwrap();
    let (summary, table) = seed_export(&aws, dir.path(), "cur2", 5, 2000, 300000);
    let db = dir.path().join("org.sqlite");

    let first = report(&sync(&aws, &db, &table));
    assert_eq!(queries(&first), 2, "one query per billing period: {first}");
    let notes = first["notes"].to_string();
    assert!(notes.contains("2 billing periods to read"), "{notes}");
    assert!(notes.contains("scanned"), "{notes}");
    // Every query read its own partition only: the bytes Athena reports are that partition's.
    let log = athena_log(&aws);
    assert_eq!(log.len(), 2);
    let partitions = &summary["partitions"];
    for q in &log {
        let query = q["query"].as_str().unwrap();
        let period = ["2026-10", "2026-11"]
            .into_iter()
            .find(|p| query.contains(&format!("'{p}'")))
            .unwrap();
        assert_eq!(q["scanned_bytes"], partitions[period]["bytes"], "{query}");
    }

    // Per function and day, and per account and day (every service), to the last decimal.
    assert_function_days_match(&db, &summary);
    let want = expected_sums(&summary["by_account_day_service"], |v| {
        format!(
            "{} {}",
            v["account"].as_str().unwrap(),
            v["day"].as_str().unwrap()
        )
    });
    assert_eq!(stored_sums(&db, "account_key || ' ' || day", "1 = 1"), want);
    // `billing` reads the same rows: each function's total over the two months, and each
    // account's, are the export's own sums to the last decimal.
    let per_function = expected_sums(&summary["by_function_day"], |v| {
        v["resource_id"].as_str().unwrap().to_string()
    });
    let mut shown = billing_rows(&db, "resource");
    shown.retain(|id, _| id.starts_with("arn:aws:lambda:"));
    assert_eq!(shown.len(), per_function.len());
    for (id, sums) in &per_function {
        assert_eq!(shown.get(id), Some(sums), "{id}");
    }
    let per_account = expected_sums(&summary["by_account_day_service"], |v| {
        v["account"].as_str().unwrap().to_string()
    });
    assert_eq!(billing_rows(&db, "account"), per_account);
    // `db status` lists the export; the synced accounts (none here) stay what the views open on.
    let status: Value = db_status(&db);
    assert_eq!(status["accounts"].as_array().unwrap().len(), 0);
    let export = &status["exports"][0];
    assert_eq!(export["export"], table.to_ascii_lowercase());
    assert_eq!(export["periods"], 2);
    assert_eq!(per_account.len(), 5);

    // Nothing changed: the second sync runs no query and scans nothing.
    let second = report(&sync(&aws, &db, &table));
    assert_eq!(queries(&second), 0, "{second}");
    assert!(second["notes"].to_string().contains("0 billing periods to read"));
    assert_eq!(athena_log(&aws).len(), 2);
}

#[test]
fn a_failed_athena_query_fails_the_sync_with_its_reason_and_the_next_sync_reads_only_what_is_missing() {
    let Some(aws) = athena_server() else { return };
    let dir = tempfile::tempdir().unwrap();
    let (summary, table) = seed_export(&aws, dir.path(), "focus", 2, 40, 4000);
    let db = dir.path().join("focus.sqlite");
    post(
        &aws,
        "/__adapter/athena-fail",
        r#"{"match": "'2026-11'", "reason": "HIVE_BAD_DATA: Error reading file"}"#,
    );
    let o = sync(&aws, &db, &table);
    assert_eq!(o.status.code(), Some(1));
    let err = crate::support::stderr(&o);
    assert!(err.contains("failed: HIVE_BAD_DATA: Error reading file"), "{err}");
    let status: Value = db_status(&db);
    assert_eq!(status["last_sync"][0]["status"], "failed");
    assert!(status["last_sync"][0]["error"]
        .as_str()
        .unwrap()
        .contains("HIVE_BAD_DATA"));
    // The period read before the failure is kept; the failed one has nothing stored.
    let periods = stored_sums(&db, "period", "1 = 1");
    assert_eq!(periods.keys().collect::<Vec<_>>(), ["2026-10"]);

    post(&aws, "/__adapter/athena-fail", "{}");
    let again = report(&sync(&aws, &db, &table));
    assert_eq!(queries(&again), 1, "only the missing period is read: {again}");
    assert_function_days_match(&db, &summary);
}
