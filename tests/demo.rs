//! `breakeven demo`: the synthetic account, loaded through the CLI and checked like a user would.

use crate::support::{run, stderr, stdout};
use breakeven::error_code::ErrorCode;
use breakeven::store::Store;
use serde_json::Value;

fn json(args: &[&str]) -> Value {
    let o = run(args);
    assert!(o.status.success(), "{}", stderr(&o));
    serde_json::from_str(&stdout(&o)).unwrap()
}

/// Load `days` days ending 2026-06-15 into a fresh database; returns (dir, db path, demo output).
pub(crate) fn load(days: &str) -> (tempfile::TempDir, String, Value) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.sqlite").to_str().unwrap().to_string();
    let v = json(&[
        "--db",
        &db,
        "demo",
        "--days",
        days,
        "--until",
        "2026-06-15",
        "--json",
    ]);
    (dir, db, v)
}

#[test]
fn the_demo_account_is_realistic_and_its_bill_reconciles() {
    let (_dir, db, v) = load("90");
    // Usage-derived cost (metrics × catalog prices) and billed cost agree within 1%.
    let rec = &v["reconciliation"];
    let pct: f64 = rec["difference_pct"].as_str().unwrap().parse().unwrap();
    assert!(pct.abs() < 1.0, "{rec}");
    let billed: f64 = rec["billed_usd"].as_str().unwrap().parse().unwrap();
    assert!(billed > 100.0, "a busy account costs more than {billed}");
    assert_eq!(rec["first_day"], "2026-03-17");
    assert_eq!(rec["last_day"], "2026-06-14");

    let status = json(&["--db", &db, "db", "status", "--json"]);
    let a = &status["accounts"][0];
    assert_eq!(a["key"], "demo");
    assert!((24..=28).contains(&a["functions"].as_u64().unwrap()));
    assert_eq!(a["costs_from"], "2026-03-17");
    assert_eq!(a["costs_to"], "2026-06-14");
    assert_eq!(status["last_sync"][0]["source"], "demo");
    assert_eq!(status["last_sync"][0]["status"], "ok");

    let s = Store::open(std::path::Path::new(&db)).unwrap();
    let c = s.conn();
    let q = |sql: &str| -> f64 { c.query_row(sql, [], |r| r.get(0)).unwrap() };
    // Periods follow CloudWatch retention: 60 s for 14 days, 300 s to 62 days, 1 h beyond.
    let span = |p: i64| {
        q(&format!("SELECT (MAX(ts) - MIN(ts)) / 86400.0 FROM metric_points p JOIN metric_series s ON s.id = p.series_id WHERE s.period_s = {p}"))
    };
    assert!(span(60) > 13.9 && span(60) < 14.0, "{}", span(60));
    assert!(span(300) > 47.9 && span(300) < 48.0, "{}", span(300));
    assert!(span(3600) > 27.9 && span(3600) < 28.0, "{}", span(3600));
    // A hot API at tens of requests per second at its peak minute.
    let peak_rps = q(
        "SELECT MAX(p.value) / 60 FROM metric_points p JOIN metric_series s ON s.id = p.series_id
                      JOIN functions f ON f.id = s.function_id
                      WHERE f.name = 'api-orders' AND s.metric = 'Invocations' AND s.period_s = 60",
    );
    assert!(peak_rps > 30.0 && peak_rps < 90.0, "{peak_rps}");
    // Rare webhooks: most minutes have no invocation at all.
    let webhook_minutes = q(
        "SELECT COUNT(*) FROM metric_points p JOIN metric_series s ON s.id = p.series_id
                             JOIN functions f ON f.id = s.function_id
                             WHERE f.name = 'webhook-slack' AND s.metric = 'Invocations' AND s.period_s = 60",
    );
    assert!(
        webhook_minutes > 50.0 && webhook_minutes < 500.0,
        "{webhook_minutes}"
    );
    // Both architectures, 128 MB to 3 GB, one function with provisioned concurrency and its metrics.
    assert_eq!(q("SELECT COUNT(DISTINCT architecture) FROM functions"), 2.0);
    assert_eq!(q("SELECT MIN(memory_mb) FROM functions"), 128.0);
    assert!(q("SELECT MAX(memory_mb) FROM functions") >= 3008.0);
    assert_eq!(
        q("SELECT COUNT(*) FROM functions WHERE provisioned_concurrency > 0"),
        1.0
    );
    assert!(
        q("SELECT COUNT(*) FROM metric_series WHERE metric = 'ProvisionedConcurrencyUtilization'") >= 3.0
    );
    // Batch jobs hit their reserved concurrency and get throttled.
    assert!(q("SELECT SUM(p.value) FROM metric_points p JOIN metric_series s ON s.id = p.series_id WHERE s.metric = 'Throttles'") > 0.0);
    // p50 ≤ p90 ≤ p99 ≤ Maximum wherever all four exist.
    let disorder = q("SELECT COUNT(*) FROM metric_points a
                      JOIN metric_series sa ON sa.id = a.series_id AND sa.metric = 'Duration' AND sa.stat = 'p50'
                      JOIN metric_series sb ON sb.function_id = sa.function_id AND sb.period_s = sa.period_s
                        AND sb.metric = 'Duration' AND sb.stat = 'p99'
                      JOIN metric_points b ON b.series_id = sb.id AND b.ts = a.ts
                      WHERE a.value > b.value + 1e-9");
    assert_eq!(disorder, 0.0);
}

#[test]
fn the_same_seed_regenerates_the_same_account_and_a_reload_replaces_it() {
    let (_d1, db1, v1) = load("3");
    let (_d2, _db2, v2) = load("3");
    assert_eq!(
        v1["reconciliation"]["billed_usd"],
        v2["reconciliation"]["billed_usd"]
    );
    assert_eq!(v1["load"]["rows_written"], v2["load"]["rows_written"]);
    let first = json(&["--db", &db1, "db", "status", "--json"]);
    let other = json(&[
        "--db",
        &db1,
        "demo",
        "--days",
        "3",
        "--until",
        "2026-06-15",
        "--seed",
        "7",
        "--json",
    ]);
    assert_ne!(
        other["reconciliation"]["billed_usd"],
        v1["reconciliation"]["billed_usd"]
    );
    // Loading again replaces the demo account instead of adding to it.
    json(&[
        "--db",
        &db1,
        "demo",
        "--days",
        "3",
        "--until",
        "2026-06-15",
        "--json",
    ]);
    let again = json(&["--db", &db1, "db", "status", "--json"]);
    assert_eq!(again["accounts"].as_array().unwrap().len(), 1);
    for k in ["functions", "metric_series", "metric_points", "cost_rows"] {
        assert_eq!(again["accounts"][0][k], first["accounts"][0][k], "{k}");
    }
}

#[test]
fn demo_rejects_a_bad_date_as_bad_input() {
    let o = run(&[
        "--db",
        "/nonexistent-dir-for-test/x.sqlite",
        "demo",
        "--until",
        "June",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("not a date"));
}

fn accounts(store: &Store) -> Vec<String> {
    breakeven::store::accounts::list(store.conn())
        .unwrap()
        .into_iter()
        .map(|a| a.key)
        .collect()
}

/// Row counts of every table that holds an account's data.
fn counts(store: &Store) -> Vec<i64> {
    [
        "accounts",
        "functions",
        "metric_series",
        "metric_points",
        "daily_costs",
        "cost_days",
        "sync_cursors",
    ]
    .iter()
    .map(|t| {
        store
            .conn()
            .query_row(&format!("SELECT COUNT(*) FROM {t}"), [], |r| r.get(0))
            .unwrap()
    })
    .collect()
}

/// Cancels the run at the `n`th progress event.
struct CancelAt {
    n: usize,
    seen: std::cell::Cell<usize>,
    cancel: breakeven::app::sync::Cancel,
}

impl breakeven::app::sync::Progress for CancelAt {
    fn report(&self, _: breakeven::app::sync::ProgressEvent) {
        self.seen.set(self.seen.get() + 1);
        if self.seen.get() == self.n {
            self.cancel.cancel();
        }
    }
}

#[test]
fn a_cancelled_load_is_recorded_and_an_empty_database_gets_the_demo_once() {
    use breakeven::app::demo::{load, load_if_empty};
    use breakeven::app::sync::{Cancel, Silent};
    use breakeven::ingest::demo::DemoOptions;
    let catalog = breakeven::app::catalog::load(None).unwrap();
    let opts = DemoOptions {
        seed: 1,
        days: 2,
        until: "2026-06-15".parse().unwrap(),
    };
    let mut store = Store::open_in_memory().unwrap();
    let cancel = Cancel::new();
    let watcher = CancelAt {
        n: 3,
        seen: Default::default(),
        cancel: cancel.clone(),
    };
    let err = load(&mut store, &catalog, opts.clone(), &watcher, &cancel).unwrap_err();
    assert_eq!(err.code(), ErrorCode::Cancelled);
    let status: String = store
        .conn()
        .query_row("SELECT status FROM sync_runs ORDER BY id DESC LIMIT 1", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(status, "cancelled");
    // The cancelled load left no account behind (it is atomic), so the demo is loaded.
    assert!(accounts(&store).is_empty());
    assert!(
        load_if_empty(&mut store, &catalog, opts.clone(), &Silent, &Cancel::new())
            .unwrap()
            .is_some()
    );
    // ...while a fresh database gets the demo account, once.
    let mut fresh = Store::open_in_memory().unwrap();
    let r = load_if_empty(&mut fresh, &catalog, opts.clone(), &Silent, &Cancel::new())
        .unwrap()
        .expect("loaded");
    assert!(r.rows_written > 10_000, "{}", r.rows_written);
    assert!(
        load_if_empty(&mut fresh, &catalog, opts.clone(), &Silent, &Cancel::new())
            .unwrap()
            .is_none()
    );

    // A load killed part-way (its run still `running`, half the rows written) is loaded again.
    fresh
        .conn()
        .execute_batch(
            "UPDATE sync_runs SET status = 'running', finished_at = NULL;
             DELETE FROM daily_costs;",
        )
        .unwrap();
    let again = load_if_empty(&mut fresh, &catalog, opts, &Silent, &Cancel::new())
        .unwrap()
        .expect("an interrupted demo load is redone");
    assert_eq!(again.rows_written, r.rows_written);
}

#[test]
fn a_demo_load_that_fails_midway_leaves_no_partial_account() {
    use breakeven::app::demo::load;
    use breakeven::app::sync::{Cancel, Silent};
    use breakeven::ingest::demo::DemoOptions;
    let catalog = breakeven::app::catalog::load(None).unwrap();
    let opts = |seed| DemoOptions {
        seed,
        days: 2,
        until: "2026-06-15".parse().unwrap(),
    };
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("d.sqlite")).unwrap();
    // Cancelled half-way (at the 14th progress event) like any failure midway.
    let stop_halfway = |store: &mut Store, seed| {
        let cancel = Cancel::new();
        let half = CancelAt {
            n: 14,
            seen: Default::default(),
            cancel: cancel.clone(),
        };
        load(store, &catalog, opts(seed), &half, &cancel).unwrap_err();
    };
    // Stopped half-way through a first load: nothing at all.
    stop_halfway(&mut store, 1);
    assert_eq!(counts(&store), vec![0; 7]);
    // Stopped half-way through a reload: the previous complete account, untouched.
    load(&mut store, &catalog, opts(1), &Silent, &Cancel::new()).unwrap();
    let complete = counts(&store);
    assert!(complete[3] > 10_000, "{complete:?}");
    stop_halfway(&mut store, 2);
    assert_eq!(counts(&store), complete);
    // Another connection never saw a partial account while it ran (it is one transaction).
    let other = Store::open(&dir.path().join("d.sqlite")).unwrap();
    assert_eq!(counts(&other), complete);
}

#[test]
fn a_demo_killed_midway_leaves_no_partial_account() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("k.sqlite");
    let wal = dir.path().join("k.sqlite-wal");
    let mut child = std::process::Command::new(crate::support::bin())
        .args([
            "--db",
            db.to_str().unwrap(),
            "demo",
            "--days",
            "30",
            "--until",
            "2026-06-15",
            "--json",
        ])
        .env("HOME", dir.path())
        .env("XDG_CONFIG_HOME", dir.path().join("config"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Kill it once it has written a few megabytes of its transaction.
    let started = std::time::Instant::now();
    while std::fs::metadata(&wal).map_or(0, |m| m.len()) < 4_000_000
        && started.elapsed() < std::time::Duration::from_secs(120)
    {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    child.kill().unwrap();
    let finished = child.wait().unwrap().success();
    let store = Store::open(&db).unwrap();
    let c = counts(&store);
    if finished {
        // It won the race: then it is the complete account.
        assert!(c[3] > 100_000, "{c:?}");
    } else {
        assert_eq!(c, vec![0; 7], "a killed demo load left rows behind");
    }
}

#[test]
fn import_focus_beside_demo_waits_and_both_succeed() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("race.sqlite");
    let db = db.to_str().unwrap();
    // Create the file first, so both start on an existing database.
    assert!(run(&["--db", db, "db", "status"]).status.success());
    let spawn = |args: &[&str]| {
        let mut all = vec!["--db", db];
        all.extend_from_slice(args);
        let all: Vec<String> = all.iter().map(|s| s.to_string()).collect();
        std::thread::spawn(move || {
            let all: Vec<&str> = all.iter().map(String::as_str).collect();
            run(&all)
        })
    };
    let focus = format!(
        "{}/fixtures/focus/multi-cloud-1.0.csv",
        env!("CARGO_MANIFEST_DIR")
    );
    let demo = spawn(&["demo", "--days", "7", "--until", "2026-06-15", "--json"]);
    std::thread::sleep(std::time::Duration::from_millis(300));
    let import = spawn(&["import", "focus", &focus]);
    let (demo, import) = (demo.join().unwrap(), import.join().unwrap());
    assert!(demo.status.success(), "demo: {}", stderr(&demo));
    assert!(import.status.success(), "import: {}", stderr(&import));
    let status = json(&["--db", db, "db", "status", "--json"]);
    assert_eq!(status["accounts"].as_array().unwrap().len(), 1);
    assert!(status["focus_charges"].as_u64().unwrap() > 0);
    // The whole account, as a demo loaded alone: nothing lost to the race.
    let (_d, alone_db, alone) = load("7");
    let raced: Value = serde_json::from_str(&stdout(&demo)).unwrap();
    assert_eq!(raced["reconciliation"], alone["reconciliation"]);
    let alone_status = json(&["--db", &alone_db, "db", "status", "--json"]);
    for k in ["functions", "metric_series", "metric_points", "cost_rows"] {
        assert_eq!(status["accounts"][0][k], alone_status["accounts"][0][k], "{k}");
    }
}

/// Issue 16: the demo's REPORT records agree with its own metrics and bill: as many invocations
/// per function as the Invocations metric, memory used never above configured, INIT billed as the
/// records say (the bill reconciles to a fraction of a cent), and two functions without log data.
#[test]
fn the_demo_report_records_match_its_metrics_and_bill() {
    let (_dir, db, v) = load("20");
    let s = Store::open(std::path::Path::new(&db)).unwrap();
    let c = s.conn();
    let rows: Vec<(String, i64, i64, i64, i64)> = c
        .prepare(
            "SELECT f.name, f.memory_mb,
                    (SELECT COALESCE(SUM(p.value), 0) FROM metric_points p JOIN metric_series s ON s.id = p.series_id
                     WHERE s.function_id = f.id AND s.metric = 'Invocations' AND s.stat = 'Sum'),
                    (SELECT COALESCE(SUM(h.invocations), -1) FROM log_hours h WHERE h.function_id = f.id),
                    (SELECT COUNT(*) FROM sync_cursors k WHERE k.source = 'logs' AND k.key = f.name)
             FROM functions f ORDER BY f.name",
        )
        .unwrap()
        .query_map([], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get::<_, f64>(2)? as i64,
                r.get(3)?,
                r.get(4)?,
            ))
        })
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(rows.len(), 26);
    let mut without = Vec::new();
    for (name, memory, metric, records, cursors) in &rows {
        if *records < 0 {
            assert_eq!(*cursors, 0, "{name}: no records, no cursor");
            without.push(name.as_str());
            continue;
        }
        assert_eq!(cursors, &1, "{name}");
        assert_eq!(records, metric, "{name}: one REPORT record per invocation");
        let over: i64 = c
            .query_row(
                "SELECT COUNT(*) FROM log_hours h JOIN functions f ON f.id = h.function_id,
                        json_each(h.memory_used_mb) j
                 WHERE f.name = ?1 AND CAST(j.key AS INTEGER) > ?2",
                rusqlite::params![name, memory],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(over, 0, "{name} used more memory than configured");
    }
    assert_eq!(without, ["legacy-sync", "webhook-slack"]);
    let q = |sql: &str| -> i64 { c.query_row(sql, [], |r| r.get(0)).unwrap() };
    // Cold starts never outnumber invocations; a 15-minute cron is always cold.
    assert_eq!(
        q("SELECT COUNT(*) FROM log_hours WHERE cold_starts > invocations"),
        0
    );
    assert_eq!(
        q("SELECT SUM(h.invocations - h.cold_starts) FROM log_hours h JOIN functions f ON f.id = h.function_id
           WHERE f.name = 'cleanup-cron'"),
        0
    );
    // INIT by runtime: Java's median is seconds, Node's a few hundred ms.
    let median = |name: &str| -> i64 {
        let vals: Vec<(i64, i64)> = c
            .prepare(
                "SELECT CAST(j.key AS INTEGER), SUM(j.value) FROM log_hours h JOIN functions f ON f.id = h.function_id,
                        json_each(h.init_ms) j WHERE f.name = ?1 GROUP BY 1 ORDER BY 1",
            )
            .unwrap()
            .query_map([name], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        let total: i64 = vals.iter().map(|v| v.1).sum();
        let mut seen = 0;
        vals.iter()
            .find(|v| {
                seen += v.1;
                2 * seen >= total
            })
            .unwrap()
            .0
    };
    let (node, python) = (median("webhook-stripe"), median("webhook-github"));
    assert!((150..300).contains(&node), "{node}");
    assert!((220..400).contains(&python), "{python}");
    // The bill includes that INIT: metrics + records reconcile to within a hundredth of a percent.
    let pct: f64 = v["reconciliation"]["difference_pct"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((0.0..0.01).contains(&pct), "{}", v["reconciliation"]);
}
