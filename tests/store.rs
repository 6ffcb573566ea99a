//! The local store: migrations, transactions, idempotent upserts, exact money, insert speed.

use breakeven::bench;
use breakeven::store::accounts::{self, AccountRecord, AccountSource};
use breakeven::store::costs::{self, DailyCost};
use breakeven::store::functions::{self, FunctionRecord};
use breakeven::store::metrics::{self, PointWriter, SeriesKey};
use breakeven::store::status::table_counts;
use breakeven::store::{Day, Store, StoreError};
use rust_decimal::Decimal;
use std::str::FromStr;

pub(crate) mod sharing;

fn account() -> AccountRecord {
    AccountRecord {
        key: "111122223333".into(),
        name: "test".into(),
        source: AccountSource::Aws,
        profile: Some("dev".into()),
    }
}

fn function(name: &str, memory_mb: u32) -> FunctionRecord {
    FunctionRecord {
        name: name.into(),
        arn: format!("arn:aws:lambda:us-east-1:111122223333:function:{name}"),
        runtime: Some("python3.12".into()),
        memory_mb,
        architecture: "arm64".into(),
        timeout_s: 30,
        ephemeral_storage_mb: 512,
        package_type: "Zip".into(),
        provisioned_concurrency: 0,
        last_modified: None,
    }
}

/// A store with one account and one function; returns (store, function id).
fn store_with_function() -> (Store, i64) {
    let mut s = Store::open_in_memory().unwrap();
    let fid = s
        .with_tx(|tx| -> Result<i64, StoreError> {
            let a = accounts::upsert(tx, &account())?;
            functions::upsert_all(tx, a, "us-east-1", &[function("api", 512)], 1)?;
            Ok(functions::ids(tx, a, "us-east-1")?["api"])
        })
        .unwrap();
    (s, fid)
}

#[test]
fn a_new_file_is_migrated_in_wal_mode_and_reopens() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested/dir/b.sqlite");
    let s = Store::open(&path).unwrap();
    let version = s.schema_version().unwrap();
    assert_eq!(version, 7);
    let mode: String = s
        .conn()
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    drop(s);
    // Reopening an up-to-date file migrates nothing.
    assert_eq!(Store::open(&path).unwrap().schema_version().unwrap(), version);
}

#[test]
fn with_tx_commits_on_ok_and_rolls_back_on_err() {
    let (mut s, fid) = store_with_function();
    let key = SeriesKey {
        function_id: fid,
        metric: "Invocations".into(),
        stat: "Sum".into(),
        period_s: 60,
        resource: String::new(),
    };
    let failed: Result<(), StoreError> = s.with_tx(|tx| {
        let sid = metrics::series_id(tx, &key)?;
        PointWriter::new(tx)?.write(sid, &[(60, 1.0), (120, 2.0)])?;
        Err(StoreError::Corrupt {
            column: "test",
            value: String::new(),
            reason: "abort".into(),
        })
    });
    assert!(failed.is_err());
    assert_eq!(table_counts(s.conn()).unwrap().metric_points, 0);
    assert_eq!(table_counts(s.conn()).unwrap().metric_series, 0);
    s.with_tx(|tx| -> Result<(), StoreError> {
        let sid = metrics::series_id(tx, &key)?;
        PointWriter::new(tx)?.write(sid, &[(60, 1.0), (120, 2.0)])?;
        Ok(())
    })
    .unwrap();
    assert_eq!(table_counts(s.conn()).unwrap().metric_points, 2);
}

#[test]
fn rewriting_the_same_points_changes_nothing_and_revisions_replace() {
    let (mut s, fid) = store_with_function();
    let key = SeriesKey {
        function_id: fid,
        metric: "Duration".into(),
        stat: "p99".into(),
        period_s: 60,
        resource: String::new(),
    };
    let pts: Vec<(i64, f64)> = (0..100).map(|i| (i * 60, i as f64 * 1.5)).collect();
    let write = |s: &mut Store, pts: &[(i64, f64)]| {
        s.with_tx(|tx| -> Result<usize, StoreError> {
            let sid = metrics::series_id(tx, &key)?;
            PointWriter::new(tx)?.write(sid, pts)
        })
        .unwrap()
    };
    assert_eq!(write(&mut s, &pts), 100);
    assert_eq!(write(&mut s, &pts), 0);
    // CloudWatch revised one late point: only it changes.
    let mut revised = pts.clone();
    revised[99].1 = 1_000.0;
    assert_eq!(write(&mut s, &revised), 1);
    let sid = metrics::series_id(s.conn(), &key).unwrap();
    assert_eq!(
        metrics::points(s.conn(), sid, 99 * 60, 100 * 60).unwrap(),
        vec![(5940, 1_000.0)]
    );
    // An unchanged inventory writes nothing either.
    let a = accounts::id_of(s.conn(), "111122223333").unwrap().unwrap();
    assert_eq!(
        functions::upsert_all(s.conn(), a, "us-east-1", &[function("api", 512)], 2).unwrap(),
        0
    );
    assert_eq!(
        functions::upsert_all(s.conn(), a, "us-east-1", &[function("api", 1024)], 3).unwrap(),
        1
    );
}

#[test]
fn money_round_trips_exactly_as_text() {
    let (s, _) = store_with_function();
    let a = accounts::id_of(s.conn(), "111122223333").unwrap().unwrap();
    let d = |x: &str| Decimal::from_str(x).unwrap();
    let day: Day = "2026-11-01".parse().unwrap();
    let rows: Vec<DailyCost> = ["0.0000002", "0.1", "0.2", "12345678.123456789012"]
        .iter()
        .enumerate()
        .map(|(i, amount)| DailyCost {
            day,
            service: "AWS Lambda".into(),
            usage_type: format!("t{i}"),
            unblended: d(amount),
            amortized: d(amount),
            currency: "USD".into(),
            usage_quantity: d("1"),
            usage_unit: "Requests".into(),
            estimated: true,
        })
        .collect();
    assert_eq!(costs::upsert_all(s.conn(), a, &rows).unwrap(), 4);
    let back = costs::rows(s.conn(), a, day, day).unwrap();
    assert_eq!(back, rows);
    // 0.1 + 0.2 is exactly 0.3 here; with REAL columns it would not be.
    let sum: Decimal = back.iter().map(|r| r.unblended).sum();
    assert_eq!(sum, d("12345678.423456989012"));
    let ty: String = s
        .conn()
        .query_row("SELECT typeof(unblended) FROM daily_costs LIMIT 1", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(ty, "text");
    // A re-fetched day without a usage type drops it.
    let keep = [("AWS Lambda", "t0")];
    assert_eq!(costs::remove_other_rows(s.conn(), a, day, &keep).unwrap(), 3);
}

#[test]
fn deleting_an_account_removes_everything_below_it() {
    let (mut s, fid) = store_with_function();
    s.with_tx(|tx| -> Result<(), StoreError> {
        let sid = metrics::series_id(
            tx,
            &SeriesKey {
                function_id: fid,
                metric: "Errors".into(),
                stat: "Sum".into(),
                period_s: 300,
                resource: String::new(),
            },
        )?;
        PointWriter::new(tx)?.write(sid, &[(0, 1.0)])?;
        Ok(())
    })
    .unwrap();
    assert!(accounts::delete(s.conn(), "111122223333").unwrap());
    let c = table_counts(s.conn()).unwrap();
    assert_eq!(
        (c.accounts, c.functions, c.metric_series, c.metric_points),
        (0, 0, 0, 0)
    );
}

#[test]
fn bulk_insert_beats_the_naive_baseline() {
    let dir = tempfile::tempdir().unwrap();
    let r = bench::db::run(dir.path(), 200_000, 3_000).unwrap();
    assert_eq!(r.rows, 200_000);
    assert!(r.speedup > 5.0, "{r:?}");
    assert!(
        std::fs::read_dir(dir.path()).unwrap().next().is_none(),
        "bench files left behind"
    );
}

#[test]
fn db_status_and_path_through_the_cli() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.sqlite");
    let db = db.to_str().unwrap();
    let o = crate::support::run(&["--db", db, "db", "status", "--json"]);
    assert!(o.status.success(), "{}", crate::support::stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&crate::support::stdout(&o)).unwrap();
    assert_eq!(v["schema_version"], 7);
    assert_eq!(v["accounts"].as_array().unwrap().len(), 0);
    let o = crate::support::run(&["--db", db, "db", "path"]);
    assert_eq!(crate::support::stdout(&o).trim(), db);
    let o = crate::support::run(&["db", "path"]);
    assert!(
        crate::support::stdout(&o)
            .trim()
            .ends_with("breakeven/breakeven.sqlite"),
        "{}",
        crate::support::stdout(&o)
    );
}

#[test]
fn scenarios_are_saved_replaced_listed_and_deleted() {
    use breakeven::store::scenarios;
    let s = Store::open_in_memory().unwrap();
    let c = s.conn();
    scenarios::save(c, "peak", "version = 1\n").unwrap();
    scenarios::save(c, "baseline", "version = 1\n# a\n").unwrap();
    scenarios::save(c, "peak", "version = 1\n# replaced\n").unwrap();
    assert_eq!(scenarios::names(c).unwrap(), vec!["baseline", "peak"]);
    assert_eq!(
        scenarios::get(c, "peak").unwrap().unwrap().body,
        "version = 1\n# replaced\n"
    );
    assert!(scenarios::delete(c, "peak").unwrap());
    assert!(!scenarios::delete(c, "peak").unwrap());
    assert!(scenarios::get(c, "peak").unwrap().is_none());
}
