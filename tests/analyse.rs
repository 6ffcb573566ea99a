//! `analyse`: usage-derived cost, billed cost, reconciliation and trends on the demo account,
//! loaded into a temporary database through the application layer.

use crate::support::{run, stderr, stdout};
use breakeven::analytics::reconcile::{CauseKind, DayStatus};
use breakeven::app::analyse::model::TrendKind;
use breakeven::app::analyse::{analyse, usage_cost, AnalyseRequest};
use breakeven::app::demo;
use breakeven::app::sync::{Cancel, Silent};
use breakeven::ingest::demo::DemoOptions;
use breakeven::store::{costs, Day, Store};
use breakeven_simulator::pricing::{bill, Arch, Deployment, PriceCatalog, Usage, Usd};
use rust_decimal::Decimal;
use serde_json::Value;
use std::str::FromStr;

const UNTIL: &str = "2026-06-15";

/// 35 days of the demo account ending 2026-06-14, in a temp file.
fn demo_db() -> (tempfile::TempDir, String, Store, PriceCatalog) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.sqlite");
    let catalog = PriceCatalog::bundled().unwrap();
    let mut store = Store::open(&path).unwrap();
    let opts = DemoOptions {
        seed: breakeven::ingest::demo::DEFAULT_SEED,
        days: 35,
        until: UNTIL.parse().unwrap(),
    };
    demo::load(&mut store, &catalog, opts, &Silent, &Cancel::new()).unwrap();
    let db = path.to_str().unwrap().to_string();
    (dir, db, store, catalog)
}

fn day(s: &str) -> Day {
    s.parse().unwrap()
}

#[test]
fn analyse_splits_reconciles_and_trends_the_demo_account() {
    let (_dir, db, store, catalog) = demo_db();
    let an = analyse(&store, &catalog, &AnalyseRequest::default()).unwrap();
    // Default range: the last 30 days of stored data.
    assert_eq!(
        (an.from, an.to, an.days),
        (day("2026-05-16"), day("2026-06-14"), 30)
    );
    assert_eq!(an.functions.len(), 26);

    // The split adds up exactly, per function and for the account.
    let mut sum = Usd::ZERO;
    for f in &an.functions {
        let c = &f.cost;
        let parts = c.requests_usd + c.compute_usd + c.provisioned_usd + c.init_usd + c.storage_usd;
        assert_eq!(parts, c.total_usd, "{}", f.name);
        sum += c.total_usd;
    }
    assert_eq!(sum, an.usage_cost.split.total_usd);
    assert!(
        an.usage_cost.split.provisioned_usd > Usd::ZERO,
        "api-checkout has provisioned concurrency"
    );
    // Most expensive first; the free tier is one account-level credit.
    assert!(an.functions[0].cost.total_usd >= an.functions[1].cost.total_usd);
    assert!(an.usage_cost.free_tier_credit_usd < Usd::ZERO);
    assert_eq!(
        an.usage_cost.total_with_free_tier_usd,
        an.usage_cost.split.total_usd + an.usage_cost.free_tier_credit_usd
    );

    // Every day reconciles: the demo bill is the metrics' usage plus INIT time.
    let r = &an.reconciliation;
    assert_eq!(r.days.len(), 30);
    assert_eq!(
        r.days_unexplained,
        0,
        "{:#?}",
        r.days.iter().find(|d| d.status == DayStatus::Unexplained)
    );
    // What remains is the INIT of the two functions without log data.
    let d = &r.days[10];
    assert!(d.gap_usd.unwrap() >= Usd::ZERO, "INIT time makes the bill higher");
    if d.status == DayStatus::Explained {
        assert_eq!(d.causes[0].kind, CauseKind::InitBilling);
    }

    // Trends: both kinds of keys; the forecast says how it was made.
    assert!(an
        .trends
        .week_over_week
        .iter()
        .any(|m| m.kind == TrendKind::Function));
    assert!(an
        .trends
        .week_over_week
        .iter()
        .any(|m| m.kind == TrendKind::Service && m.name == "AWS Lambda"));
    assert_eq!(an.trends.top_movers.len(), 5);
    assert!(an
        .trends
        .forecast
        .method
        .starts_with("seasonal naive, weekly season"));
    assert_eq!(an.trends.forecast.days.len(), 30);
    assert_eq!(an.trends.forecast.days[0].day, day("2026-06-15"));
    assert!(an.trends.forecast.total_usd > Usd::ZERO);
    drop(db);
}

/// A function-day's cold starts and Σ INIT rounded up per cold start (ms), straight from the
/// stored REPORT hours in SQL (the INIT distribution is a JSON object of ms → count).
fn measured_init(store: &Store, function_id: i64, d: Day) -> (u64, u64) {
    store
        .conn()
        .query_row(
            "SELECT COALESCE(SUM(h.cold_starts), 0),
                    COALESCE((SELECT SUM(CAST(j.key AS INTEGER) * j.value)
                              FROM log_hours h2, json_each(h2.init_ms) j
                              WHERE h2.function_id = ?1 AND h2.hour >= ?2 AND h2.hour < ?3), 0)
             FROM log_hours h WHERE h.function_id = ?1 AND h.hour >= ?2 AND h.hour < ?3",
            [function_id, d.start_unix(), d.plus(1).start_unix()],
            |r| Ok((r.get::<_, i64>(0)? as u64, r.get::<_, i64>(1)? as u64)),
        )
        .unwrap()
}

/// One function-day priced by hand from SQL sums (measured INIT included), independent of the
/// polars path.
fn by_hand(store: &Store, catalog: &PriceCatalog, d: Day) -> Usd {
    let c = store.conn();
    let mut st = c
        .prepare(
            "SELECT f.memory_mb, f.architecture, f.ephemeral_storage_mb, f.provisioned_concurrency,
                    SUM(i.value), SUM(i.value * a.value), f.id
             FROM functions f
             JOIN metric_series si ON si.function_id = f.id AND si.metric = 'Invocations' AND si.stat = 'Sum'
             JOIN metric_points i ON i.series_id = si.id AND i.ts >= ?1 AND i.ts < ?2
             JOIN metric_series sa ON sa.function_id = f.id AND sa.metric = 'Duration' AND sa.stat = 'Average'
               AND sa.period_s = si.period_s
             JOIN metric_points a ON a.series_id = sa.id AND a.ts = i.ts
             GROUP BY f.id",
        )
        .unwrap();
    let rows: Vec<(u32, String, u32, u32, f64, f64, i64)> = st
        .query_map([d.start_unix(), d.plus(1).start_unix()], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
            ))
        })
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let mut total = Usd::ZERO;
    for (mem, arch, eph, pc, inv, dur, id) in rows {
        let (cold, init) = measured_init(store, id, d);
        let spill: f64 = if pc > 0 {
            c.query_row(
                "SELECT COALESCE(SUM(p.value), 0) FROM metric_points p JOIN metric_series s ON s.id = p.series_id
                 WHERE s.metric = 'ProvisionedConcurrencySpilloverInvocations' AND p.ts >= ?1 AND p.ts < ?2",
                [d.start_unix(), d.plus(1).start_unix()],
                |r| r.get(0),
            )
            .unwrap()
        } else {
            0.0
        };
        let exec_ms = (dur + 0.5 * inv).round() as u64;
        let dep = Deployment {
            memory_mb: mem,
            arch: Arch::from_str(&arch).unwrap(),
            ephemeral_storage_mb: eph,
            provisioned_instances: pc,
            free_tier: false,
            ..Deployment::default()
        };
        let usage = Usage {
            period_ms: 86_400_000,
            requests: inv.round() as u64,
            exec_ms,
            provisioned_exec_ms: if pc > 0 {
                (exec_ms as f64 * (inv - spill) / inv) as u64
            } else {
                0
            },
            provisioned_ms: u64::from(pc) * 86_400_000,
            cold_starts: cold,
            init_ms: init,
            ..Usage::default()
        };
        total += bill(catalog, "aws-lambda", Some("us-east-1"), &dep, &usage)
            .unwrap()
            .total;
    }
    total
}

#[test]
fn reconciliation_matches_a_hand_computed_day() {
    let (_dir, _db, store, catalog) = demo_db();
    let d = day("2026-06-10");
    let req = AnalyseRequest {
        from: Some(d),
        to: Some(d),
        ..AnalyseRequest::default()
    };
    let an = analyse(&store, &catalog, &req).unwrap();
    let r = &an.reconciliation.days[0];
    assert_eq!(r.day, d);
    // Billed Lambda at its on-demand equivalent: the demo's Savings Plan negation added back.
    let negation: Usd = costs::records(store.conn(), 1, d, d)
        .unwrap()
        .iter()
        .filter(|c| c.service == "AWS Lambda" && c.record_type == "SavingsPlanNegation")
        .map(|c| Usd(c.unblended))
        .sum();
    let billed: Usd = costs::rows(store.conn(), 1, d, d)
        .unwrap()
        .iter()
        .filter(|c| c.service == "AWS Lambda")
        .map(|c| Usd(c.unblended))
        .sum::<Usd>()
        - negation;
    // Money columns keep 9 decimals: each bill row is rounded at the nano-dollar.
    let billed_diff = (r.billed_usd.unwrap().0 - billed.0).abs();
    assert!(billed_diff < Decimal::new(1, 7), "{:?} vs {billed}", r.billed_usd);
    let billed = r.billed_usd.unwrap();
    let derived = by_hand(&store, &catalog, d);
    let diff = (r.usage_derived_usd.0 - derived.0).abs();
    assert!(
        diff < Decimal::new(1, 6),
        "{} vs {}",
        r.usage_derived_usd,
        derived
    );
    assert_eq!(r.gap_usd, Some(billed - r.usage_derived_usd));
    let pct = ((billed.0 - r.usage_derived_usd.0) / billed.0 * Decimal::ONE_HUNDRED).round_dp(2);
    assert_eq!(r.gap_pct, Some(pct));
    assert!(matches!(r.status, DayStatus::Ok | DayStatus::Explained));
}

#[test]
fn an_injected_spike_is_flagged_and_left_unexplained() {
    let (_dir, _db, mut store, catalog) = demo_db();
    let spike = day("2026-06-03");
    store
        .with_tx(|tx| -> Result<(), breakeven::store::StoreError> {
            let mut rows = costs::rows(tx, 1, spike, spike)?;
            let row = rows.iter_mut().find(|r| r.usage_type == "Request").unwrap();
            row.unblended += Decimal::from(400);
            row.amortized = row.unblended;
            costs::upsert_all(tx, 1, &rows)?;
            Ok(())
        })
        .unwrap();
    let an = analyse(&store, &catalog, &AnalyseRequest::default()).unwrap();
    let flagged: Vec<_> = an
        .trends
        .anomalies
        .iter()
        .map(|a| (a.kind.as_str(), a.name.as_str(), a.day))
        .collect();
    // The demo has anomalies of its own in single functions; the injected spike is the only one
    // in a service's daily bill.
    let services: Vec<_> = flagged.iter().filter(|f| f.0 == "service").collect();
    assert_eq!(services, [&("service", "AWS Lambda", spike)]);
    let day = an.reconciliation.days.iter().find(|d| d.day == spike).unwrap();
    assert_eq!(day.status, DayStatus::Unexplained);
    assert_eq!(an.reconciliation.days_unexplained, 1);
}

#[test]
fn usage_cost_of_one_function_is_its_share_of_the_analysis() {
    let (_dir, _db, store, catalog) = demo_db();
    let (from, to) = (day("2026-06-01"), day("2026-06-14"));
    let uc = usage_cost(&store, &catalog, None, "api-checkout", from, to).unwrap();
    assert_eq!(uc.days_with_data, 14);
    assert!(uc.usage.requests > 100_000);
    let req = AnalyseRequest {
        function: Some("api-checkout".into()),
        from: Some(from),
        to: Some(to),
        ..AnalyseRequest::default()
    };
    let an = analyse(&store, &catalog, &req).unwrap();
    assert_eq!(an.functions.len(), 1);
    assert_eq!(an.function_days.len(), 14);
    // The analysis rounds each function-day to the nano-dollar; the breakdown is exact.
    let diff = (uc.breakdown.total.0 - an.functions[0].cost.total_usd.0).abs();
    assert!(
        diff < Decimal::new(1, 7),
        "{} vs {}",
        uc.breakdown.total,
        an.functions[0].cost.total_usd
    );
    assert_eq!(an.functions[0].cost.total_usd, an.usage_cost.split.total_usd);
    let lines: Usd = uc.breakdown.lines.iter().map(|l| l.amount).sum();
    assert_eq!(lines, uc.breakdown.total);
    assert!(uc
        .breakdown
        .lines
        .iter()
        .any(|l| l.dimension == "provisioned-x86_64"));
}

fn money(v: &Value) -> Decimal {
    Decimal::from_str(v.as_str().unwrap_or_else(|| panic!("{v} is not a money string"))).unwrap()
}

#[test]
fn the_json_has_the_documented_shape_and_exact_money() {
    let (_dir, db, _store, _catalog) = demo_db();
    let o = run(&["--db", &db, "analyse", "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["account"], "demo");
    assert_eq!(v["from"], "2026-05-16");
    assert_eq!(v["to"], "2026-06-14");
    let total = money(&v["usage_cost"]["total_usd"]);
    let sum: Decimal = v["functions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| money(&f["cost"]["total_usd"]))
        .sum();
    assert_eq!(sum, total);
    let f = &v["functions"][0];
    for k in [
        "name",
        "invocations",
        "gb_seconds",
        "error_rate",
        "throttle_rate",
        "duration_p50_ms",
        "duration_p99_ms",
        "peak_concurrency",
        "share_pct",
    ] {
        assert!(!f[k].is_null(), "functions[0].{k}");
    }
    for k in [
        "requests_usd",
        "compute_usd",
        "provisioned_usd",
        "init_usd",
        "storage_usd",
    ] {
        money(&f["cost"][k]);
    }
    money(&v["usage_cost"]["free_tier_credit_usd"]);
    money(&v["billed"]["total_usd"]);
    money(&v["billed"]["by_service"][0]["cost_usd"]);
    money(&v["billed"]["by_day"][0]["cost_usd"]);
    let d = &v["reconciliation"]["days"][0];
    money(&d["usage_derived_usd"]);
    assert_eq!(
        money(&d["gap_usd"]),
        money(&d["billed_usd"]) - money(&d["usage_derived_usd"])
    );
    assert!(["ok", "explained", "unexplained"].contains(&d["status"].as_str().unwrap()));
    assert!(v["reconciliation"]["tolerance"].as_str().unwrap().contains("1%"));
    assert!(v["trends"]["forecast"]["method"]
        .as_str()
        .unwrap()
        .contains("seasonal naive"));
    money(&v["trends"]["top_movers"][0]["change_usd"]);

    // The readable report names its parts.
    let o = run(&["--db", &db, "analyse", "--function", "api-orders"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    for part in [
        "Where the money goes",
        "api-orders",
        "Per day",
        "Reconciliation",
        "Forecast, next 30 days",
    ] {
        assert!(text.contains(part), "{part} missing from:\n{text}");
    }
}

#[test]
fn bad_ranges_and_names_are_bad_input() {
    let (_dir, db, _store, _catalog) = demo_db();
    let o = run(&[
        "--db",
        &db,
        "analyse",
        "--from",
        "2026-06-10",
        "--to",
        "2026-06-01",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("--from 2026-06-10 is after --to 2026-06-01"));
    let o = run(&["--db", &db, "analyse", "--function", "nope"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no function `nope`"));
    let o = run(&["--db", &db, "analyse", "--to", "2026-13-01"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn the_benchmark_agrees_with_sqlite() {
    let o = run(&["analyse", "--bench", "--rows", "50000", "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["rows"], 50_000);
    assert!(v["result_rows"].as_u64().unwrap() >= 200);
    assert_eq!(v["invocations_sql"], v["invocations_polars"]);
}

#[test]
fn loading_points_on_two_connections_reads_exactly_what_one_does() {
    use breakeven::analytics::frames::{points, points_parallel};
    let (_dir, _db, store, _catalog) = demo_db();
    let account = breakeven::store::accounts::list(store.conn()).unwrap()[0].id;
    let (from, to) = (day("2026-06-01").start_unix(), day("2026-06-08").start_unix());
    let sorted = |df: polars::prelude::DataFrame| df.sort(["series_id", "ts"], Default::default()).unwrap();
    let one = sorted(points(store.conn(), account, from, to).unwrap());
    let two = sorted(points_parallel(store.conn(), store.path(), account, from, to).unwrap());
    assert!(one.height() > 100_000, "{}", one.height());
    assert!(one.equals(&two));
}

/// Issue 16: INIT priced from the REPORT records, the measured fields per function (null without
/// log data), and the reconciliation gap they close.
#[test]
fn measured_init_is_priced_and_functions_without_log_data_say_so() {
    let (_dir, db, store, catalog) = demo_db();
    let an = analyse(&store, &catalog, &AnalyseRequest::default()).unwrap();
    let c = store.conn();
    let (from, to) = (an.from.start_unix(), an.to.plus(1).start_unix());
    let price = catalog
        .price("aws-lambda", "us-east-1", "duration-x86_64")
        .unwrap();
    let x86_rate = price.bands()[0].1;
    for f in &an.functions {
        let id: i64 = c
            .query_row("SELECT id FROM functions WHERE name = ?1", [&f.name], |r| {
                r.get(0)
            })
            .unwrap();
        let stored: (i64, i64) = c
            .query_row(
                "SELECT COUNT(*), COALESCE(SUM(cold_starts), 0) FROM log_hours
                 WHERE function_id = ?1 AND hour >= ?2 AND hour < ?3",
                [id, from, to],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        let m = &f.measured;
        if ["webhook-slack", "legacy-sync"].contains(&f.name.as_str()) {
            assert_eq!(stored.0, 0, "{} has no log data", f.name);
            assert_eq!(m.cold_starts, None, "{}: null, not 0", f.name);
            assert_eq!(m.cold_start_rate, None);
            assert_eq!((m.init_p50_ms, m.init_p99_ms), (None, None));
            assert_eq!((m.max_memory_used_mb, m.memory_used_p99_mb), (None, None));
            assert!(f.rightsizing.is_none());
            assert_eq!(f.cost.init_usd, Usd::ZERO);
            continue;
        }
        // The values are the stored records'.
        assert_eq!(m.cold_starts, Some(stored.1 as u64), "{}", f.name);
        let max_used: i64 = c
            .query_row(
                "SELECT MAX(CAST(j.key AS INTEGER)) FROM log_hours h, json_each(h.memory_used_mb) j
                 WHERE h.function_id = ?1 AND h.hour >= ?2 AND h.hour < ?3",
                [id, from, to],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(m.max_memory_used_mb, Some(max_used as u32), "{}", f.name);
        assert!(m.memory_used_p99_mb.unwrap() <= f.memory_mb, "{}", f.name);
        assert!(f.rightsizing.is_some(), "{}", f.name);
        if stored.1 > 0 {
            assert!(f.cost.init_usd > Usd::ZERO, "{}", f.name);
            assert!(m.init_p50_ms.unwrap() <= m.init_p99_ms.unwrap());
        }
        // INIT priced by hand: Σ INIT ms rounded up × GB × the x86 duration rate, per day.
        if f.architecture == "x86_64" && f.provisioned_concurrency == 0 {
            let mut by_hand = Decimal::ZERO;
            let mut d = an.from;
            while d <= an.to {
                let (_, init_ms) = measured_init(&store, id, d);
                by_hand += Decimal::from(init_ms) / Decimal::from(1000) * Decimal::from(f.memory_mb)
                    / Decimal::from(1024)
                    * x86_rate;
                d = d.plus(1);
            }
            let diff = (f.cost.init_usd.0 - by_hand).abs();
            assert!(
                diff < Decimal::new(1, 7),
                "{}: {} vs {by_hand}",
                f.name,
                f.cost.init_usd
            );
        }
    }
    assert!(an
        .functions
        .iter()
        .any(|f| f.measured.cold_starts.unwrap_or(0) > 100));
    // Measured INIT is in the usage-derived cost, so the gap left is smaller than it: only the
    // two functions without log data are unmeasured.
    let init = an.usage_cost.split.init_usd;
    assert!(init > Usd::ZERO);
    let gap = an.reconciliation.gap_usd;
    assert!(gap >= Usd::ZERO && gap < init, "gap {gap}, measured INIT {init}");
    assert!(an
        .methods
        .iter()
        .any(|m| m.starts_with("INIT") && m.contains("REPORT records")));

    // The JSON says null, not 0, without log data.
    let o = run(&["--db", &db, "analyse", "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    let by_name = |n: &str| -> Value {
        v["functions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["name"] == n)
            .unwrap()
            .clone()
    };
    let keys = [
        "cold_starts",
        "cold_start_rate",
        "init_p50_ms",
        "init_p99_ms",
        "max_memory_used_mb",
        "memory_used_p99_mb",
        "rightsizing",
    ];
    let slack = by_name("webhook-slack");
    let orders = by_name("api-orders");
    for k in keys {
        assert!(
            slack.get(k).is_some_and(Value::is_null),
            "webhook-slack.{k}: {slack}"
        );
        assert!(!orders[k].is_null(), "api-orders.{k}");
    }
    let text = stdout(&run(&["--db", &db, "analyse"]));
    for part in [
        "Cold starts and memory used",
        "no log data",
        "Right-sizing",
        "cpu_fraction",
    ] {
        assert!(text.contains(part), "{part} missing from:\n{text}");
    }
}

/// Issue 16: right-sizing suggests the smallest size holding p99 with headroom, prices it with
/// the same code, and says when the data is thinner than AWS Compute Optimizer needs.
#[test]
fn rightsizing_holds_the_p99_with_headroom_and_flags_thin_data() {
    use breakeven::app::rightsize::{HEADROOM_PCT, MIN_DAYS, STEP_MB};
    let (_dir, _db, store, catalog) = demo_db();
    let an = analyse(&store, &catalog, &AnalyseRequest::default()).unwrap();
    let orders = an.functions.iter().find(|f| f.name == "api-orders").unwrap();
    let r = orders.rightsizing.as_ref().unwrap();
    let p99 = orders.measured.memory_used_p99_mb.unwrap();
    assert_eq!(r.memory_used_p99_mb, p99);
    assert_eq!(r.suggested_mb % STEP_MB, 0);
    assert!(f64::from(r.suggested_mb) >= f64::from(p99) * (1.0 + f64::from(HEADROOM_PCT) / 100.0));
    assert!(f64::from(r.suggested_mb - STEP_MB) < f64::from(p99) * (1.0 + f64::from(HEADROOM_PCT) / 100.0));
    assert!(
        r.suggested_mb < orders.memory_mb,
        "api-orders uses far less than 1 GB"
    );
    let diff = (r.cost_usd.0 - orders.cost.total_usd.0).abs();
    assert!(
        diff < Decimal::new(1, 6),
        "{} vs {}",
        r.cost_usd,
        orders.cost.total_usd
    );
    assert!(r.saving_usd > Usd::ZERO && r.saving_usd == r.cost_usd - r.predicted_cost_usd);
    assert!(
        r.cpu_bound_saving_usd <= r.saving_usd,
        "a CPU-bound function saves less"
    );
    assert!(r.enough_data, "{}", r.note);
    // A function near its memory is told to grow or stay.
    let etl = an.functions.iter().find(|f| f.name == "nightly-etl").unwrap();
    assert!(etl.rightsizing.as_ref().unwrap().suggested_mb >= etl.memory_mb);

    // Three days are too few for Compute Optimizer.
    let req = AnalyseRequest {
        from: Some(day("2026-06-12")),
        to: Some(day("2026-06-14")),
        ..AnalyseRequest::default()
    };
    let an = analyse(&store, &catalog, &req).unwrap();
    let r = an
        .functions
        .iter()
        .find(|f| f.name == "api-orders")
        .and_then(|f| f.rightsizing.clone())
        .unwrap();
    assert!(!r.enough_data);
    assert!(r.days_with_logs < MIN_DAYS);
    assert!(
        r.note.contains("compute-optimizer/latest/ug/requirements.html"),
        "{}",
        r.note
    );
}

#[test]
fn column_reads_load_the_same_points_in_the_same_order_as_the_row_api() {
    use breakeven::analytics::frames::{points_parallel, points_parallel_row_api};
    let (_dir, _db, store, _catalog) = demo_db();
    let account = breakeven::store::accounts::list(store.conn()).unwrap()[0].id;
    for (from, to) in [
        (i64::MIN, i64::MAX),
        (day("2026-06-01").start_unix(), day("2026-06-08").start_unix()),
    ] {
        let new = points_parallel(store.conn(), store.path(), account, from, to).unwrap();
        let old = points_parallel_row_api(store.conn(), store.path(), account, from, to).unwrap();
        assert!(new.height() > 100_000, "{}", new.height());
        assert!(new.equals(&old));
    }
}
