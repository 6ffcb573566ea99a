//! `breakeven functions`: the Functions table in the CLI. Tried as a new user would — `demo`, then
//! `functions` and `analyse` — and again after a later sync stored 300 s points over minutes
//! already stored at 60 s (issue 14): the two commands agree on every function's invocations,
//! and neither changes.

use crate::support::{run, stderr, stdout};
use breakeven::store::metrics::{self, PointWriter, SeriesKey};
use breakeven::store::{Day, Store};
use serde_json::Value;
use std::collections::BTreeMap;

fn json(args: &[&str]) -> Value {
    let o = run(args);
    assert!(o.status.success(), "{args:?}: {}", stderr(&o));
    serde_json::from_str(&stdout(&o)).unwrap()
}

/// A demo account of `days` days ending 2026-06-15 in a fresh database: (dir, db path).
fn demo(days: &str) -> (tempfile::TempDir, String) {
    let (dir, db, _) = crate::demo::load(days);
    (dir, db)
}

/// Invocations per function of `functions --json` and of `analyse --json`.
fn invocations(db: &str) -> (BTreeMap<String, u64>, BTreeMap<String, u64>, Value) {
    let f = json(&["--db", db, "functions", "--json"]);
    let a = json(&["--db", db, "analyse", "--json"]);
    assert_eq!((&f["from"], &f["to"]), (&a["from"], &a["to"]), "the same window");
    let of = |v: &Value, key: &str| -> BTreeMap<String, u64> {
        v[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["name"].as_str().unwrap().to_string(),
                    r["invocations"].as_u64().unwrap(),
                )
            })
            .collect()
    };
    (of(&f, "functions"), of(&a, "functions"), f)
}

/// Store 300 s Invocations Sum and Duration Average points over the last `days` days of every
/// function's 60 s points, as a second sync weeks later does (its 300 s cursor starts where the
/// first sync's 300 s window ended): each 300 s point holds the sum (or mean) of its minutes.
fn store_coarser_copy(db: &str, days: i64) -> usize {
    let store = Store::open(std::path::Path::new(db)).unwrap();
    let c = store.conn();
    let to = Day::from_ymd(2026, 6, 15).unwrap().start_unix();
    let from = to - days * 86_400;
    let functions: Vec<i64> = breakeven::store::functions::list(c)
        .unwrap()
        .iter()
        .map(|f| f.id)
        .collect();
    let tx = c.unchecked_transaction().unwrap();
    let mut written = 0;
    for id in functions {
        for (stat, metric) in [("Sum", "Invocations"), ("Average", "Duration")] {
            let key = |period_s| SeriesKey {
                function_id: id,
                metric: metric.into(),
                stat: stat.into(),
                period_s,
                resource: String::new(),
            };
            let fine = metrics::series_id(&tx, &key(60)).unwrap();
            let mut buckets: BTreeMap<i64, (f64, f64)> = BTreeMap::new();
            for (ts, v) in metrics::points(&tx, fine, from, to).unwrap() {
                let b = buckets.entry(ts - ts.rem_euclid(300)).or_default();
                b.0 += v;
                b.1 += 1.0;
            }
            let coarse: Vec<(i64, f64)> = buckets
                .into_iter()
                .map(|(ts, (sum, n))| (ts, if stat == "Sum" { sum } else { sum / n }))
                .collect();
            let series = metrics::series_id(&tx, &key(300)).unwrap();
            written += PointWriter::new(&tx).unwrap().write(series, &coarse).unwrap();
        }
    }
    tx.commit().unwrap();
    written
}

#[test]
fn functions_and_analyse_agree_before_and_after_a_later_sync_stores_300s_over_60s() {
    let (_dir, db) = demo("20");
    let (functions, analysed, before) = invocations(&db);
    assert!(functions.len() >= 24, "{functions:?}");
    assert_eq!(functions, analysed);
    assert!(functions.values().any(|n| *n > 0));

    assert!(
        store_coarser_copy(&db, 3) > 1000,
        "300 s points were stored over the 60 s ones"
    );
    let (functions_after, analysed_after, after) = invocations(&db);
    assert_eq!(functions_after, analysed_after);
    assert_eq!(
        functions_after, functions,
        "the 300 s copies are not counted twice"
    );
    assert_eq!(after, before, "nothing in the table changed");
}

#[test]
fn functions_json_has_exactly_the_documented_keys_and_exact_money() {
    let (_dir, db) = demo("3");
    let v = json(&[
        "--db",
        &db,
        "functions",
        "--platform",
        "gcp-cloud-run",
        "--platform",
        "aws-lambda",
        "--sort",
        "name",
        "--json",
    ]);
    let keys = |v: &Value| -> Vec<String> { v.as_object().unwrap().keys().cloned().collect() };
    assert_eq!(
        keys(&v),
        ["account", "from", "to", "functions"].map(String::from).to_vec()
    );
    assert_eq!(v["account"], "demo");
    assert_eq!(
        (v["from"].as_str(), v["to"].as_str()),
        (Some("2026-06-12"), Some("2026-06-14"))
    );
    let rows = v["functions"].as_array().unwrap();
    let mut expected = [
        "name",
        "memory_mb",
        "architecture",
        "invocations",
        "errors",
        "throttles",
        "duration_p50_ms",
        "duration_p99_ms",
        "monthly_usd",
        "cold_starts",
        "cold_start_rate",
        "max_memory_used_mb",
        "memory_used_p99_mb",
        "suggested_memory_mb",
        "monthly_saving_usd",
        "cost_on",
    ]
    .map(String::from)
    .to_vec();
    expected.sort();
    let names: Vec<&str> = rows.iter().map(|r| r["name"].as_str().unwrap()).collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted, "--sort name");
    for r in rows {
        let mut k = keys(r);
        k.sort();
        assert_eq!(k, expected);
        let monthly = r["monthly_usd"].as_str().expect("money is a decimal string");
        assert!(monthly.parse::<rust_decimal::Decimal>().is_ok(), "{monthly}");
        assert_eq!(
            r["cost_on"]["aws-lambda"], r["monthly_usd"],
            "the own platform's month"
        );
        assert!(r["cost_on"]["gcp-cloud-run"].as_str().is_some());
    }

    let plain = run(&["--db", &db, "functions", "--sort", "p99"]);
    assert!(plain.status.success(), "{}", stderr(&plain));
    let text = stdout(&plain);
    assert!(
        text.starts_with("Account demo · 2026-06-12 to 2026-06-14 (3 days)"),
        "{text}"
    );
    assert!(text.contains("Invocations") && text.contains("Monthly"), "{text}");
    assert!(text.contains("api-checkout"), "{text}");

    let bad = run(&["--db", &db, "functions", "--sort", "colour"]);
    assert_eq!(bad.status.code(), Some(2), "{}", stderr(&bad));
    assert!(stderr(&bad).contains("p99"), "{}", stderr(&bad));
    let unknown = run(&["--db", &db, "functions", "--platform", "no-such-platform"]);
    assert_eq!(unknown.status.code(), Some(2), "{}", stderr(&unknown));
}

/// Issue 16: the table's measured columns are `analyse`'s for the same window, null without log
/// data; the detail adds cold starts per day that add up to the row's.
#[test]
fn measured_columns_match_analyse_and_say_null_without_log_data() {
    let (_dir, db) = demo("20");
    let f = json(&["--db", &db, "functions", "--json"]);
    let a = json(&["--db", &db, "analyse", "--json"]);
    let find = |v: &Value, n: &str| -> Value {
        v["functions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["name"] == n)
            .unwrap()
            .clone()
    };
    for name in [
        "api-orders",
        "webhook-stripe",
        "img-resize",
        "webhook-slack",
        "legacy-sync",
    ] {
        let (row, an) = (find(&f, name), find(&a, name));
        for k in [
            "cold_starts",
            "cold_start_rate",
            "max_memory_used_mb",
            "memory_used_p99_mb",
        ] {
            assert_eq!(row[k], an[k], "{name}.{k}");
        }
        assert_eq!(
            row["suggested_memory_mb"], an["rightsizing"]["suggested_mb"],
            "{name}"
        );
        let no_logs = name == "webhook-slack" || name == "legacy-sync";
        assert_eq!(row["cold_starts"].is_null(), no_logs, "{name}");
        assert_eq!(row["monthly_saving_usd"].is_null(), no_logs, "{name}");
    }
    assert!(find(&f, "api-orders")["monthly_saving_usd"]
        .as_str()
        .unwrap()
        .parse::<rust_decimal::Decimal>()
        .unwrap()
        .is_sign_positive());
    let text = stdout(&run(&["--db", &db, "functions"]));
    for part in ["Cold starts", "Suggested", "Saving/mo", "no logs"] {
        assert!(text.contains(part), "{part} missing from:\n{text}");
    }

    let store = Store::open(std::path::Path::new(&db)).unwrap();
    let catalog = breakeven_simulator::pricing::PriceCatalog::bundled().unwrap();
    let id_of = |n: &str| -> i64 {
        store
            .conn()
            .query_row("SELECT id FROM functions WHERE name = ?1", [n], |r| r.get(0))
            .unwrap()
    };
    let theme = breakeven::report::charts::Theme::Light;
    let d =
        breakeven::app::functions::detail(&store, &catalog, id_of("webhook-stripe"), None, theme).unwrap();
    let days = d.cold_starts_per_day.expect("webhook-stripe has log data");
    let cold: u64 = days.iter().map(|x| x.cold_starts).sum();
    assert_eq!(Some(cold), d.usage.measured.cold_starts);
    assert!(cold > 0);
    assert!(d.usage.rightsizing.is_some());
    let d = breakeven::app::functions::detail(&store, &catalog, id_of("legacy-sync"), None, theme).unwrap();
    assert!(d.cold_starts_per_day.is_none());
    assert_eq!(d.usage.measured.cold_starts, None);
}
