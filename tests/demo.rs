//! `breakeven demo`: the synthetic account, loaded through the CLI and checked like a user would.

use crate::support::{run, stderr, stdout};
use breakeven::store::Store;
use serde_json::Value;

fn json(args: &[&str]) -> Value {
    let o = run(args);
    assert!(o.status.success(), "{}", stderr(&o));
    serde_json::from_str(&stdout(&o)).unwrap()
}

/// Load `days` days ending 2026-06-15 into a fresh database; returns (dir, db path, demo output).
fn load(days: &str) -> (tempfile::TempDir, String, Value) {
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
    assert_eq!(err.code(), "E_CANCELLED");
    let status: String = store
        .conn()
        .query_row("SELECT status FROM sync_runs ORDER BY id DESC LIMIT 1", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(status, "cancelled");

    // The cancelled run left the account in place: not empty, so nothing is loaded...
    assert!(
        load_if_empty(&mut store, &catalog, opts.clone(), &Silent, &Cancel::new())
            .unwrap()
            .is_none()
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
