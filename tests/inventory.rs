//! The Functions table's figures (`app::inventory`) on the demo account: they agree with the
//! stored metrics summed independently, and the daily Lambda cost agrees with the demo's bill.

use breakeven::app::analyse::model::TrendKind;
use breakeven::app::dashboard::ReconciliationState;
use breakeven::app::inventory::{self, Window};
use breakeven::app::sync::{Cancel, Silent};
use breakeven::app::{dashboard, demo};
use breakeven::ingest::demo::DemoOptions;
use breakeven::store::{costs, metrics, Day, Store};
use breakeven_simulator::pricing::{PriceCatalog, Usd};
use rust_decimal::Decimal;

fn demo_store(days: u32) -> (tempfile::TempDir, Store, PriceCatalog) {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("demo.sqlite")).unwrap();
    let catalog = PriceCatalog::bundled().unwrap();
    let opts = DemoOptions {
        days,
        until: Day::from_ymd(2026, 6, 15).unwrap(),
        ..DemoOptions::default()
    };
    demo::load(&mut store, &catalog, opts, &Silent, &Cancel::new()).unwrap();
    (dir, store, catalog)
}

#[test]
fn the_table_sums_the_stored_metrics_and_prices_them_like_the_bill() {
    let (_dir, store, catalog) = demo_store(20);
    let w = Window::latest(&store, 20).unwrap().expect("metrics are stored");
    assert_eq!(w.to, Day::from_ymd(2026, 6, 15).unwrap().start_unix());
    assert_eq!(w.days(), 20.0);
    let rows = inventory::usage(&store, &catalog, w).unwrap();
    assert!(rows.len() >= 24, "{} functions", rows.len());

    // Invocations per function equal the stored points summed by the store's own query.
    let totals = metrics::invocation_totals(store.conn(), 1).unwrap();
    for t in &totals {
        let row = rows.iter().find(|r| r.function.id == t.function_id).unwrap();
        assert_eq!(row.invocations, t.invocations.round() as u64, "{}", t.name);
        let avg = t.duration_ms / t.invocations;
        let shown = row.avg_duration_ms.unwrap();
        assert!(
            (shown - avg).abs() < 1e-6 * avg.max(1.0),
            "{}: {shown} vs {avg}",
            t.name
        );
    }
    for r in &rows {
        if let (Some(p50), Some(p99)) = (r.p50_ms, r.p99_ms) {
            assert!(p50 <= p99, "{}: p50 {p50} > p99 {p99}", r.function.config.name);
        }
        assert!(r.monthly_cost_usd.unwrap() > Usd::ZERO || r.invocations == 0);
    }

    // Each function's days priced from its metrics add up to the demo's billed Lambda cost
    // within 1% (the bill also holds init time, which is not a metric).
    let mut derived = Usd::ZERO;
    for r in &rows {
        let days = inventory::daily_cost(&store, &catalog, r, w).unwrap();
        assert!(days.len() <= 20);
        derived += days.iter().map(|d| d.cost_usd).sum::<Usd>();
    }
    let (first, last) = (Day::from_unix(w.from), Day::from_unix(w.to - 1));
    let billed: Usd = costs::rows(store.conn(), 1, first, last)
        .unwrap()
        .iter()
        .map(|r| Usd(r.unblended))
        .sum();
    let gap = (billed.0 - derived.0) / billed.0 * Decimal::ONE_HUNDRED;
    assert!(
        gap.abs() < Decimal::ONE,
        "billed {billed:?}, from metrics {derived:?}: {gap}%"
    );
}

#[test]
fn another_platform_prices_the_same_month() {
    let (_dir, store, catalog) = demo_store(3);
    let w = Window::latest(&store, 3).unwrap().unwrap();
    let rows = inventory::usage(&store, &catalog, w).unwrap();
    let busiest = rows.iter().max_by_key(|r| r.invocations).unwrap();
    let lambda = inventory::cost_on(&catalog, busiest, "aws-lambda").unwrap();
    assert_eq!(Some(lambda.cost.total), busiest.monthly_cost_usd);
    let run = inventory::cost_on(&catalog, busiest, "gcp-cloud-run").unwrap();
    assert!(run.cost.total > Usd::ZERO);
    let fargate = inventory::profile(&catalog, busiest, "aws-fargate").unwrap();
    let peak = busiest.peak_concurrency.unwrap();
    assert_eq!(fargate.instances, Some((peak / 10.0).ceil().max(1.0) as u32));
    assert!(inventory::cost_on(&catalog, busiest, "no-such-platform").is_err());
}

#[test]
fn the_dashboard_adds_up() {
    let (_dir, store, catalog) = demo_store(20);
    let d = dashboard::dashboard(&store, &catalog, "demo").unwrap();
    assert_eq!(d.to, Day::from_ymd(2026, 6, 14).unwrap());
    assert_eq!(d.mtd_from, Day::from_ymd(2026, 6, 1).unwrap());
    let by_service: Usd = d.by_service.iter().map(|s| s.cost_usd).sum();
    assert_eq!(by_service, d.billed_usd);
    let by_day: Usd = d.days.iter().map(|x| x.billed_usd).sum();
    assert_eq!(by_day, d.billed_usd);
    let functions: Usd = d.functions.iter().map(|f| f.cost.total_usd).sum();
    assert_eq!(functions, d.usage.split.total_usd);
    assert!(d.billed_mtd_usd < d.billed_usd && d.billed_mtd_usd > Usd::ZERO);
    // The demo bill is priced from the same usage: every billed day is within tolerance.
    assert_eq!(
        d.reconciliation.status,
        ReconciliationState::Ok,
        "{:?}",
        d.reconciliation
    );
    assert!(d.reconciliation.gap_pct.unwrap().abs() < Decimal::ONE);
    for f in &d.functions {
        let c = &f.cost;
        let split = c.requests_usd + c.compute_usd + c.provisioned_usd + c.init_usd + c.storage_usd;
        assert_eq!(split, c.total_usd, "{}", f.name);
        assert!(f.id.is_some(), "{} is a stored function", f.name);
    }
    assert!(d
        .functions
        .windows(2)
        .all(|w| w[0].cost.total_usd >= w[1].cost.total_usd));
    assert!(d.top_movers.len() <= 5);
    assert!(d
        .top_movers
        .iter()
        .all(|m| (m.mover.kind == TrendKind::Function) == m.function_id.is_some()));
    assert!(d.forecast.total_usd > Usd::ZERO);
    assert_eq!(d.last_sync.unwrap().source, "demo");
    assert!(dashboard::dashboard(&store, &catalog, "nobody").is_err());
}

/// The dashboard shows `analyse`'s figures, not figures of its own.
#[test]
fn the_dashboard_is_the_analysis() {
    use breakeven::app::analyse::{analyse, AnalyseRequest};
    let (_dir, store, catalog) = demo_store(20);
    let d = dashboard::dashboard(&store, &catalog, "demo").unwrap();
    let a = analyse(&store, &catalog, &AnalyseRequest::default()).unwrap();
    assert_eq!((d.from, d.to), (a.from, a.to));
    assert_eq!(d.billed_usd, a.billed.total_usd);
    assert_eq!(
        d.usage.total_with_free_tier_usd,
        a.usage_cost.total_with_free_tier_usd
    );
    assert_eq!(d.reconciliation.gap_usd, a.reconciliation.gap_usd);
    assert_eq!(d.forecast.total_usd, a.trends.forecast.total_usd);
    let names: Vec<&str> = d.functions.iter().map(|f| f.name.as_str()).collect();
    let expected: Vec<&str> = a.functions.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, expected);
    assert_eq!(d.anomalies.len(), a.trends.anomalies.len());
}
