//! The Functions table's figures (`app::functions`) on the demo account: they are `analyse`'s,
//! and the daily Lambda cost agrees with the demo's bill.

use breakeven::app::analyse::model::TrendKind;
use breakeven::app::dashboard::ReconciliationState;
use breakeven::app::functions::{self, FunctionsRequest, SortColumn};
use breakeven::app::sync::{Cancel, Silent};
use breakeven::app::{dashboard, demo};
use breakeven::ingest::demo::DemoOptions;
use breakeven::model::records::AccountSource;
use breakeven::report::charts::Theme;
use breakeven::store::{costs, Day, Store};
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
fn the_table_is_the_analysis_and_prices_the_days_like_the_bill() {
    use breakeven::app::analyse::{analyse, AnalyseRequest};
    let (_dir, store, catalog) = demo_store(20);
    let t = functions::table(&store, &catalog, &FunctionsRequest::default()).unwrap();
    assert_eq!(t.to, Day::from_ymd(2026, 6, 14).unwrap());
    assert_eq!(t.window.to, Day::from_ymd(2026, 6, 15).unwrap().start_unix());
    let rows = &t.functions;
    assert!(rows.len() >= 24, "{} functions", rows.len());

    // Usage and cost per function are `analyse`'s for the same window.
    let a = analyse(&store, &catalog, &AnalyseRequest::default()).unwrap();
    assert_eq!((a.from, a.to), (t.from, t.to));
    let days = f64::from(a.days);
    for f in &a.functions {
        let row = rows.iter().find(|r| r.function.config.name == f.name).unwrap();
        assert_eq!(row.invocations, f.usage.invocations, "{}", f.name);
        assert_eq!(row.p99_ms, f.usage.duration_p99_ms, "{}", f.name);
        let monthly = rust_decimal::prelude::ToPrimitive::to_f64(&row.monthly_cost_usd.unwrap().0).unwrap();
        let analysed = rust_decimal::prelude::ToPrimitive::to_f64(&f.cost.total_usd.0).unwrap();
        assert!(
            (monthly - analysed * 730.0 / 24.0 / days).abs() < 1e-6 * monthly.max(1.0),
            "{}: {monthly} vs {analysed} over {days} days",
            f.name
        );
    }
    for r in rows {
        if let (Some(p50), Some(p99)) = (r.p50_ms, r.p99_ms) {
            assert!(p50 <= p99, "{}: p50 {p50} > p99 {p99}", r.function.config.name);
        }
        assert!(r.monthly_cost_usd.unwrap() > Usd::ZERO || r.invocations == 0);
        assert_eq!(r.monthly_cost_usd, Some(r.month.total));
    }
    // Sorted by cost, dearest first.
    assert!(rows
        .windows(2)
        .all(|w| w[0].monthly_cost_usd >= w[1].monthly_cost_usd));

    // Each function's days priced from its metrics add up to the demo's billed Lambda cost
    // within 1% (the bill also holds init time, which is not a metric).
    let mut derived = Usd::ZERO;
    for r in rows {
        let d = functions::detail(&store, &catalog, r.function.id, None, Theme::Light).unwrap();
        assert_eq!(d.usage.invocations, r.invocations);
        assert!(d.daily_cost.len() <= 30);
        assert_eq!(d.charts.len(), 4);
        derived += d.daily_cost.iter().map(|d| d.cost_usd).sum::<Usd>();
    }
    // Billed Lambda at its on-demand equivalent: the demo's Savings Plan fee left out and the
    // negation of the usage it covered added back.
    let negation: Usd = costs::records(store.conn(), 1, t.from, t.to)
        .unwrap()
        .iter()
        .filter(|r| r.service == "AWS Lambda" && r.record_type == "SavingsPlanNegation")
        .map(|r| Usd(r.unblended))
        .sum();
    let billed: Usd = costs::rows(store.conn(), 1, t.from, t.to)
        .unwrap()
        .iter()
        .filter(|r| r.service == "AWS Lambda")
        .map(|r| Usd(r.unblended))
        .sum::<Usd>()
        - negation;
    let gap = (billed.0 - derived.0) / billed.0 * Decimal::ONE_HUNDRED;
    assert!(
        gap.abs() < Decimal::ONE,
        "billed {billed:?}, from metrics {derived:?}: {gap}%"
    );
}

#[test]
fn another_platform_prices_the_same_month() {
    let (_dir, store, catalog) = demo_store(3);
    let req = FunctionsRequest {
        platforms: vec!["aws-lambda".into(), "gcp-cloud-run".into()],
        sort: SortColumn::Invocations,
        ..FunctionsRequest::default()
    };
    let t = functions::table(&store, &catalog, &req).unwrap();
    let busiest = &t.functions[0];
    assert!(t
        .functions
        .windows(2)
        .all(|w| w[0].invocations >= w[1].invocations));
    let lambda = functions::cost_on(&catalog, busiest, "aws-lambda").unwrap();
    assert_eq!(Some(lambda.cost.total), busiest.monthly_cost_usd);
    assert_eq!(busiest.cost_on["aws-lambda"], Ok(lambda.cost.total));
    let run = functions::cost_on(&catalog, busiest, "gcp-cloud-run").unwrap();
    assert!(run.cost.total > Usd::ZERO);
    assert_eq!(busiest.cost_on["gcp-cloud-run"], Ok(run.cost.total));
    let fargate = functions::profile(&catalog, busiest, "aws-fargate").unwrap();
    let peak = busiest.peak_concurrency.unwrap();
    assert_eq!(fargate.instances, Some((peak / 10.0).ceil().max(1.0) as u32));
    assert!(functions::cost_on(&catalog, busiest, "no-such-platform").is_err());
    let unknown = FunctionsRequest {
        platforms: vec!["no-such-platform".into()],
        ..FunctionsRequest::default()
    };
    assert!(functions::table(&store, &catalog, &unknown).is_err());
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
    assert_eq!(d.last_sync.unwrap().source, AccountSource::Demo);
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
