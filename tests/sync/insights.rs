//! `sync --detail hour|day` against the test adapter: an organisation's accounts, each with its
//! Lambda functions and an access key of its own (a profile per account), and hourly metrics in
//! each account's CloudWatch, the first account a cross-account monitoring account of the others
//! (`tests/moto/seed_org.py`). The adapter computes Metrics Insights queries from the stored
//! datums; the stored points are checked against the seeder's own hourly and daily figures.

use super::{python, report, Aws, KEY};
use crate::support::stdout;
use breakeven::store::Store;
use serde_json::Value;
use std::collections::HashMap;
use std::path::Path;
use std::process::Command;

const ACCOUNTS: usize = 3;
const FUNCTIONS: usize = 12;

/// The organisation: the seeder's summary (figures per account, function, metric) and the
/// shared-credentials file with profiles `org-0` … (`org-0` the monitoring account).
pub(super) fn seed_org(aws: &Aws, dir: &Path) -> Value {
    let summary = dir.join("org-summary.json");
    let creds = dir.join("credentials");
    let o = Command::new(&aws.py)
        .arg(super::moto_dir().join("seed_org.py"))
        .args(["--endpoint", &aws.url, "--access-key", KEY])
        .args([
            "--accounts",
            &ACCOUNTS.to_string(),
            "--functions",
            &FUNCTIONS.to_string(),
        ])
        .args(["--days", "3", "--old-days", "20"])
        .args(["--inventory", creds.to_str().unwrap()])
        .args(["--summary-file", summary.to_str().unwrap()])
        .output()
        .expect("run seed_org.py");
    assert!(
        o.status.success(),
        "seed_org failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    serde_json::from_slice(&std::fs::read(summary).unwrap()).unwrap()
}

/// `breakeven sync` of every account of the organisation with `extra` flags.
pub(super) fn sync_org(aws: &Aws, db: &Path, extra: &[&str]) -> Value {
    let creds = db.parent().unwrap().join("credentials");
    let mut args = vec!["--no-costs", "--no-logs"];
    args.extend_from_slice(extra);
    let mut c = aws.sync_command(db, KEY, &args);
    for i in 0..ACCOUNTS {
        c.args(["--profile", &format!("org-{i}")]);
    }
    // The profiles' keys, not the environment's (which the credential chain would take first).
    c.env("AWS_SHARED_CREDENTIALS_FILE", creds)
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY");
    report(&c.output().expect("run breakeven sync"))
}

/// Stored points at `period_s`: (account, function, metric, stat, ts) → value.
fn points(db: &Path, period_s: u32) -> HashMap<(String, String, String, String, i64), f64> {
    let store = Store::open(db).unwrap();
    let mut st = store
        .conn()
        .prepare(
            "SELECT a.account_key, f.name, s.metric, s.stat, p.ts, p.value FROM metric_points p
             JOIN metric_series s ON s.id = p.series_id JOIN functions f ON f.id = s.function_id
             JOIN accounts a ON a.id = f.account_id WHERE s.period_s = ?1",
        )
        .unwrap();
    let rows = st
        .query_map([period_s], |r| {
            Ok(((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?), r.get(5)?))
        })
        .unwrap();
    rows.map(Result::unwrap).collect()
}

/// Every figure of the seeder at `resolution` (`hourly`, `daily`) whose period ends by `end`,
/// compared with the stored points: returns how many were checked.
fn check_figures(summary: &Value, db: &Path, period_s: u32, resolution: &str, end: i64) -> usize {
    let stored = points(db, period_s);
    let mut checked = 0;
    for (account, functions) in summary["figures"].as_object().unwrap() {
        for (function, metrics) in functions.as_object().unwrap() {
            for (metric, fig) in metrics.as_object().unwrap() {
                let f = &fig[resolution];
                let col = |c: &str, i: usize| f[c][i].as_f64().unwrap();
                for (i, t) in f["t"].as_array().unwrap().iter().enumerate() {
                    let t = t.as_i64().unwrap();
                    if t + i64::from(period_s) > end {
                        continue;
                    }
                    let expected: Vec<(&str, f64)> = match metric.as_str() {
                        "Duration" => vec![
                            ("Average", col("sum", i) / col("count", i)),
                            ("Maximum", col("max", i)),
                        ],
                        "ConcurrentExecutions" => vec![("Maximum", col("max", i))],
                        _ => vec![("Sum", col("sum", i))],
                    };
                    for (stat, want) in expected {
                        let key = (
                            account.clone(),
                            function.clone(),
                            metric.clone(),
                            stat.to_string(),
                            t,
                        );
                        let got = stored.get(&key).unwrap_or_else(|| panic!("{key:?} not stored"));
                        assert!(
                            (got - want).abs() <= 1e-9 * want.abs().max(1.0),
                            "{key:?}: {got} ≠ {want}"
                        );
                        checked += 1;
                    }
                }
            }
        }
    }
    checked
}

fn get_metric_data(r: &Value) -> u64 {
    r["requests"]["cloudwatch:GetMetricData"].as_u64().unwrap_or(0)
}

/// Σ Invocations the seeder put in `account`.
fn seeded_invocations(summary: &Value, account: &str) -> f64 {
    summary["figures"][account]
        .as_object()
        .unwrap()
        .values()
        .flat_map(|m| m["Invocations"]["hourly"]["sum"].as_array().unwrap().iter())
        .map(|v| v.as_f64().unwrap())
        .sum()
}

/// Σ invocations of an account's functions as `breakeven functions --json` reads them.
fn listed_invocations(db: &Path, account: &str) -> f64 {
    let o = crate::support::run(&[
        "--db",
        db.to_str().unwrap(),
        "functions",
        "--account",
        account,
        "--json",
    ]);
    assert!(o.status.success(), "{}", crate::support::stderr(&o));
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    v["functions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["invocations"].as_f64().unwrap_or(0.0))
        .sum()
}

#[test]
fn an_organisation_synced_per_hour_through_its_monitoring_account() {
    let Some(py) = python() else { return };
    let aws = Aws::start(&py, &["--access-key", KEY]);
    let dir = tempfile::tempdir().unwrap();
    let summary = seed_org(&aws, dir.path());
    let db = dir.path().join("org.sqlite");

    let first = sync_org(&aws, &db, &["--detail", "hour", "--metrics-from", "org-0"]);
    assert_eq!(first["status"], "ok", "{first}");
    // Per account: six Metrics Insights requests (one statistic each, one page), and one
    // per-function request for the days before Metrics Insights' two weeks.
    assert_eq!(get_metric_data(&first), (ACCOUNTS * 7) as u64, "{first}");
    let end = summary["end"].as_i64().unwrap();
    let checked = check_figures(&summary, &db, 3_600, "hourly", end);
    // 3 accounts × 12 functions × ~65 hours with data × 5 statistics.
    assert!(checked > ACCOUNTS * FUNCTIONS * 60 * 5, "{checked}");
    // The two points older than two weeks came through the per-function request.
    let old = &summary["extras"]["old_points"][0];
    let key = (
        old["account"].as_str().unwrap().to_string(),
        old["function"].as_str().unwrap().to_string(),
        "Invocations".to_string(),
        "Sum".to_string(),
        old["t"].as_i64().unwrap(),
    );
    assert_eq!(points(&db, 3_600).get(&key), Some(&7.0));

    // Again: only the last hour is read again, and nothing changes.
    let again = sync_org(&aws, &db, &["--detail", "hour", "--metrics-from", "org-0"]);
    assert_eq!(again["rows_written"], 0, "{again}");
    assert_eq!(get_metric_data(&again), (ACCOUNTS * 6) as u64, "{again}");

    // A first sync of 3 days, then 30: the days before the two weeks are still read (each
    // window keeps its own cursors).
    let widened = dir.path().join("widened.sqlite");
    sync_org(
        &aws,
        &widened,
        &["--detail", "hour", "--metrics-from", "org-0", "--days", "3"],
    );
    assert_eq!(points(&widened, 3_600).get(&key), None);
    sync_org(&aws, &widened, &["--detail", "hour", "--metrics-from", "org-0"]);
    assert_eq!(points(&widened, 3_600).get(&key), Some(&7.0));

    // Each account through its own credentials reads the same figures.
    let own = dir.path().join("own.sqlite");
    let r = sync_org(&aws, &own, &["--detail", "hour"]);
    assert_eq!(r["status"], "ok", "{r}");
    assert_eq!(check_figures(&summary, &own, 3_600, "hourly", end), checked);

    // Per day on top of the hours: the complete days are stored, and every figure still counts
    // once (the finest period of each function-day wins).
    let day = sync_org(&aws, &db, &["--detail", "day", "--metrics-from", "org-0"]);
    assert_eq!(day["status"], "ok", "{day}");
    let midnight = end.div_euclid(86_400) * 86_400;
    assert!(check_figures(&summary, &db, 86_400, "daily", midnight) > 0);
    for account in summary["accounts"].as_array().unwrap() {
        let account = account.as_str().unwrap();
        let mut want = seeded_invocations(&summary, account);
        if account == old["account"].as_str().unwrap() {
            want += 14.0; // the two old points are in the listed window
        }
        assert_eq!(listed_invocations(&db, account), want, "{account}");
    }
}

#[test]
fn profiles_that_act_as_one_account_are_named() {
    let Some(py) = python() else { return };
    let aws = Aws::start(&py, &["--access-key", KEY]);
    let dir = tempfile::tempdir().unwrap();
    seed_org(&aws, dir.path());
    // The environment's keys (KEY, the default account) take over both profiles.
    let mut c = aws.sync_command(
        &dir.path().join("env.sqlite"),
        KEY,
        &["--no-costs", "--no-logs", "--days", "1"],
    );
    c.args(["--profile", "org-1", "--profile", "org-2"])
        .env("AWS_SHARED_CREDENTIALS_FILE", dir.path().join("credentials"));
    let r = report(&c.output().unwrap());
    let notes = r["notes"].to_string();
    assert!(
        notes.contains("profile org-2 acts as account 123456789012, as profile org-1 does"),
        "{notes}"
    );
    assert!(
        notes.contains("AWS_ACCESS_KEY_ID is set in the environment"),
        "{notes}"
    );
}

#[test]
fn a_cut_short_metrics_insights_answer_is_read_per_function() {
    let Some(py) = python() else { return };
    // Metrics Insights returns at most 5 series here: every account's answer is cut short.
    let aws = Aws::start(&py, &["--access-key", KEY, "--insights-max-series", "5"]);
    let dir = tempfile::tempdir().unwrap();
    let summary = seed_org(&aws, dir.path());
    let db = dir.path().join("org.sqlite");
    let r = sync_org(&aws, &db, &["--detail", "hour", "--metrics-from", "org-0"]);
    assert_eq!(r["status"], "ok", "{r}");
    let end = summary["end"].as_i64().unwrap();
    assert!(check_figures(&summary, &db, 3_600, "hourly", end) > 0);
    // Per account: the first Metrics Insights query, then one per-function request (12
    // functions × 6 statistics), and the older days' request.
    assert_eq!(get_metric_data(&r), (ACCOUNTS * 3) as u64, "{r}");
}

#[test]
fn an_account_the_monitoring_account_cannot_see_is_named() {
    let Some(py) = python() else { return };
    let aws = Aws::start(&py, &["--access-key", KEY]);
    let dir = tempfile::tempdir().unwrap();
    seed_org(&aws, dir.path());
    let creds = dir.path().join("credentials");
    let run = |db: &str, days: &str| {
        let mut c = aws.sync_command(
            &dir.path().join(db),
            KEY,
            &["--no-costs", "--no-logs", "--days", days],
        );
        c.args([
            "--profile",
            "org-0",
            "--profile",
            "org-1",
            "--metrics-from",
            "org-1",
        ])
        .args(["--detail", "hour"])
        .env("AWS_SHARED_CREDENTIALS_FILE", &creds)
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY");
        c.output().unwrap()
    };
    // org-1 monitors no one. Per-function queries of another account are refused: the sync
    // stops and says which account and what to do.
    let o = run("a.sqlite", "30");
    assert!(!o.status.success());
    let err = crate::support::stderr(&o);
    assert!(
        err.contains("account 123456789012 is not a source account of 200000000001"),
        "{err}"
    );
    // Metrics Insights finds nothing rather than refusing: the sync says so.
    let r = report(&run("b.sqlite", "3"));
    let notes = r["notes"].to_string();
    assert!(
        notes.contains("no metrics of account 123456789012 came through profile org-1"),
        "{notes}"
    );
}
