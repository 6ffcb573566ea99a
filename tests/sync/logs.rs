//! REPORT records read during `breakeven sync` from CloudWatch Logs (moto behind the test
//! adapter): `seed.py` writes known records in text and JSON formats, and the stored hours must
//! hold exactly their figures.

use super::{counts, python, report, Aws, KEY};
use crate::support::stderr;
use breakeven::model::{LogHour, ValueCounts};
use breakeven::store::{accounts, logs, Store};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

const ACCOUNT: &str = "123456789012";

fn stored_hours(db: &Path) -> Vec<LogHour> {
    let store = Store::open(db).unwrap();
    match accounts::id_of(store.conn(), ACCOUNT).unwrap() {
        Some(id) => logs::hours(store.conn(), id, 0, i64::MAX).unwrap(),
        None => Vec::new(),
    }
}

fn covered(db: &Path) -> BTreeMap<String, i64> {
    let store = Store::open(db).unwrap();
    let id = accounts::id_of(store.conn(), ACCOUNT).unwrap().unwrap();
    logs::covered(store.conn(), id).unwrap()
}

fn value_counts(v: &Value) -> ValueCounts {
    let mut out = ValueCounts::default();
    for (k, n) in v.as_object().unwrap() {
        out.add(k.parse().unwrap(), n.as_u64().unwrap());
    }
    out
}

/// The stored hours of each seeded function sum to exactly what its records say.
fn assert_matches_seed(db: &Path, seed: &Value) {
    let hours = stored_hours(db);
    let expected = seed["logs"].as_object().unwrap();
    assert_eq!(hours.len() as u64, seed["log_hours"].as_u64().unwrap());
    for (name, e) in expected {
        let mine: Vec<&LogHour> = hours.iter().filter(|h| &h.function == name).collect();
        assert_eq!(mine.len() as u64, e["hours"].as_u64().unwrap(), "{name}");
        let sum_u = |f: fn(&LogHour) -> u64| mine.iter().map(|h| f(h)).sum::<u64>();
        let sum_centi =
            |f: fn(&LogHour) -> f64| mine.iter().map(|h| (f(h) * 100.0).round() as i64).sum::<i64>();
        assert_eq!(
            sum_u(|h| h.invocations),
            e["invocations"].as_u64().unwrap(),
            "{name}"
        );
        assert_eq!(
            sum_u(|h| h.cold_starts),
            e["cold_starts"].as_u64().unwrap(),
            "{name}"
        );
        assert_eq!(
            sum_centi(|h| h.init_ms_sum),
            e["init_cms"].as_i64().unwrap(),
            "{name}"
        );
        assert_eq!(
            sum_centi(|h| h.duration_ms_sum),
            e["duration_cms"].as_i64().unwrap(),
            "{name}"
        );
        assert_eq!(
            sum_centi(|h| h.billed_ms_sum),
            e["billed_ms"].as_i64().unwrap() * 100,
            "{name}"
        );
        let mut init = ValueCounts::default();
        let mut used = ValueCounts::default();
        for h in &mine {
            init.merge(&h.init_ms);
            used.merge(&h.memory_used_mb);
            assert_eq!(u64::from(h.memory_size_mb), e["memory_size_mb"].as_u64().unwrap());
            assert_eq!(h.hour % 3600, 0);
        }
        assert_eq!(init, value_counts(&e["init_ms"]), "{name}");
        assert_eq!(used, value_counts(&e["memory_used_mb"]), "{name}");
    }
}

#[test]
fn first_sync_stores_the_records_figures_a_second_writes_nothing_and_no_logs_skips_them() {
    let Some(py) = python() else { return };
    let aws = Aws::start(&py, &["--access-key", KEY]);
    let seed = aws.seed(&["--hours", "1"]);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("l.sqlite");

    let first = report(&aws.sync(&db, &[]));
    assert_eq!(first["status"], "ok");
    assert_matches_seed(&db, &seed);
    // fn-001 (JSON format) and fn-003 (text) share the custom group their LoggingConfig names,
    // each counting only its own streams; fn-002 has no log group: no data and no cursor, so it
    // reads as "no log data", not as zero cold starts.
    let cov = covered(&db);
    assert!(
        ["fn-000", "fn-001", "fn-003"]
            .iter()
            .all(|f| cov.contains_key(*f)),
        "{cov:?}"
    );
    assert!(!cov.contains_key("fn-002"), "{cov:?}");
    assert!(stored_hours(&db).iter().all(|h| h.function != "fn-002"));
    // 5 functions with a log group read in 5 or 6 week-long chunks each, fn-002 asked once.
    let filter = first["requests"]["logs:FilterLogEvents"].as_u64().unwrap();
    assert!((26..=31).contains(&filter) && (filter - 1) % 5 == 0, "{first}");
    assert_eq!(first["http_attempts"]["logs"].as_u64(), Some(filter));
    assert!(
        first["notes"].as_array().unwrap().iter().any(|n| n
            .as_str()
            .unwrap()
            .starts_with("CloudWatch Logs: REPORT records of 6 function(s)")),
        "{first}"
    );
    let m = &Store::open(&db).unwrap();
    let id = accounts::id_of(m.conn(), ACCOUNT).unwrap().unwrap();
    let today = breakeven::model::Day::from_unix(breakeven::store::now_s());
    let measured =
        breakeven::analytics::logs::measured(m.conn(), id, today.plus(-30), today.plus(1)).unwrap();
    assert!(measured.contains_key("fn-000") && !measured.contains_key("fn-002"));

    let c = counts(&db);
    let second = report(&aws.sync(&db, &[]));
    assert_eq!(second["rows_written"], 0, "{second}");
    // One chunk per function from its cursor (two if a week edge falls in between), plus the
    // group that is missing.
    let filter = second["requests"]["logs:FilterLogEvents"].as_u64().unwrap();
    assert!(filter == 6 || filter == 11, "{second}");
    assert_eq!(counts(&db), c);
    assert_matches_seed(&db, &seed);

    let skipped = report(&aws.sync(&db, &["--no-logs"]));
    assert!(
        skipped["requests"].get("logs:FilterLogEvents").is_none(),
        "{skipped}"
    );
}

#[test]
fn denied_log_reads_warn_name_the_action_and_keep_metrics_and_costs() {
    let Some(py) = python() else { return };
    let aws = Aws::start(&py, &["--access-key", KEY, "--deny", "logs:FilterLogEvents"]);
    let seed = aws.seed(&["--hours", "1"]);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("d.sqlite");

    let o = aws.sync(&db, &[]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("missing IAM permission: logs:FilterLogEvents"),
        "{err}"
    );
    // The denial stops no other read: metrics and costs are all stored, and no log hour.
    let c = counts(&db);
    assert_eq!(c.metric_points, seed["metric_points"].as_u64().unwrap());
    assert_eq!(c.daily_costs, seed["cost_rows"].as_u64().unwrap());
    assert!(stored_hours(&db).is_empty());
    assert!(covered(&db).is_empty());
    let o = crate::support::run(&["--db", db.to_str().unwrap(), "db", "status", "--json"]);
    let s: Value = serde_json::from_str(&crate::support::stdout(&o)).unwrap();
    assert_eq!(s["last_sync"][0]["status"], "failed");
    assert!(s["last_sync"][0]["error"]
        .as_str()
        .unwrap()
        .contains("logs:FilterLogEvents"));

    // --no-logs skips CloudWatch Logs, so the same identity syncs.
    let r = report(&aws.sync(&db, &["--no-logs"]));
    assert_eq!(r["status"], "ok");
}

#[test]
fn a_sync_killed_while_reading_logs_resumes_to_exactly_the_hours_of_a_whole_one() {
    let Some(py) = python() else { return };
    // Two events per page: every chunk takes many requests, so the kill lands among them.
    let aws = Aws::start(&py, &["--access-key", KEY, "--max-log-events", "2"]);
    let seed = aws.seed(&["--functions", "5", "--hours", "1"]);
    let dir = tempfile::tempdir().unwrap();
    let whole = dir.path().join("whole.sqlite");
    report(&aws.sync(&whole, &["--no-costs"]));
    assert_matches_seed(&whole, &seed);
    let want = stored_hours(&whole);

    let killed = dir.path().join("killed.sqlite");
    let mut child = aws
        .sync_command(&killed, KEY, &["--no-costs"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let t0 = Instant::now();
    let mut kills = 0;
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        let n = if killed.exists() {
            Store::open(&killed)
                .ok()
                .and_then(|s| {
                    s.conn()
                        .query_row("SELECT COUNT(*) FROM log_hours", [], |r| r.get::<_, i64>(0))
                        .ok()
                })
                .unwrap_or(0)
        } else {
            0
        };
        if n >= 1 {
            child.kill().unwrap();
            kills += 1;
            break;
        }
        assert!(
            t0.elapsed() < Duration::from_secs(120),
            "sync never stored a log hour"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    child.wait().unwrap();
    assert_eq!(kills, 1, "the sync finished before it could be killed");
    assert!(stored_hours(&killed).len() < want.len());
    let resumed = report(&aws.sync(&killed, &["--no-costs"]));
    assert_eq!(resumed["status"], "ok");
    assert_eq!(stored_hours(&killed), want);
    assert_eq!(counts(&killed), counts(&whole));
}

#[test]
fn the_minimal_policy_allows_every_action_sync_calls() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let policy: Value =
        serde_json::from_str(&std::fs::read_to_string(root.join("docs/aws-iam-policy.json")).unwrap())
            .unwrap();
    let allowed: Vec<&str> = policy["Statement"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["Action"].as_array().unwrap().iter().filter_map(Value::as_str))
        .collect();
    // Every `"service:Action"` literal of the AWS source names an action it calls.
    let mut called = Vec::new();
    for entry in std::fs::read_dir(root.join("src/ingest/aws")).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        for service in ["lambda", "cloudwatch", "logs", "ce"] {
            let open = format!("\"{service}:");
            for (at, _) in text.match_indices(&open) {
                let rest = &text[at + open.len()..];
                let action: String = rest.chars().take_while(char::is_ascii_alphabetic).collect();
                if !action.is_empty() && rest[action.len()..].starts_with('"') {
                    called.push(format!("{service}:{action}"));
                }
            }
        }
    }
    for a in [
        "logs:FilterLogEvents",
        "cloudwatch:GetMetricData",
        "lambda:ListFunctions",
        "ce:GetCostAndUsage",
    ] {
        assert!(
            called.iter().any(|c| c == a),
            "{a} not found in the source: {called:?}"
        );
    }
    for a in &called {
        assert!(
            allowed.contains(&a.as_str()),
            "{a} is called but not in docs/aws-iam-policy.json"
        );
    }
}
