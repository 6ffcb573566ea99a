//! `scenario from-function` calibrated on measured cold starts (issue 16): with REPORT records
//! stored, the scenario's init is the measured one and its keep-alive is fitted so that the
//! simulated cold starts of the same days match the measured ones.
//!
//! The records are made here: the demo's traffic of a function is simulated with a known
//! keep-alive and init, and its cold starts per hour are stored as REPORT hours would be.

use crate::support::{run, stderr, stdout};
use breakeven::app::scenario::{from_function, ExtractRequest, Step};
use breakeven::app::simulate::{simulate, RunOptions};
use breakeven::model::{Batch, LogHour, LogsCursor, ValueCounts};
use breakeven::store::Store;
use breakeven_simulator::pricing::PriceCatalog;
use breakeven_simulator::scenario::Mode;
use breakeven_simulator::workload::DurationModel;
use serde_json::Value;
use std::path::Path;
use std::time::Instant;

/// The keep-alive the "measured" cold starts come from, s.
const TRUE_KEEP_ALIVE_S: f64 = 300.0;
/// Every measured INIT, ms.
const INIT_MS: u32 = 412;

/// Simulate `function`'s last `days` days on AWS Lambda with [`TRUE_KEEP_ALIVE_S`] and store
/// the run's requests and cold starts of every hour as REPORT hours; returns (invocations,
/// cold starts) stored.
fn store_measured(db: &str, function: &str, days: u32) -> (u64, u64) {
    let catalog = PriceCatalog::bundled().unwrap();
    let mut store = Store::open(Path::new(db)).unwrap();
    // The demo stores REPORT records of its own: replace them with ones of a known keep-alive.
    store
        .conn()
        .execute_batch("DELETE FROM log_hours; DELETE FROM sync_cursors WHERE source = 'logs';")
        .unwrap();
    let x = from_function(
        &store,
        &catalog,
        &ExtractRequest {
            function: function.into(),
            account: None,
            days,
            platforms: vec!["aws-lambda".into()],
            step: Step::Minute,
            check: false,
        },
    )
    .unwrap();
    assert!(x.calibration.is_none(), "no records stored yet");
    let mut s = x.scenario.clone();
    s.platforms[0].keep_alive_s = Some(TRUE_KEEP_ALIVE_S);
    s.workload.init = Some(DurationModel::constant(f64::from(INIT_MS)));
    s.timeline_bucket_s = 3600.0;
    let o = RunOptions {
        mode: Some(Mode::Exact),
        ..RunOptions::default()
    };
    let r = simulate(&catalog, &s, &o).unwrap().result.platforms.remove(0);
    let tl = r.timeline.unwrap();
    let start = x.window_from.start_unix();
    let hours: Vec<LogHour> = (0..tl.requests.len())
        .map(|h| {
            let cold = tl.cold_starts[h];
            let mut init_ms = ValueCounts::default();
            init_ms.add(INIT_MS, cold);
            let mut memory_used_mb = ValueCounts::default();
            memory_used_mb.add(300, tl.requests[h]);
            LogHour {
                function: function.into(),
                hour: start + 3600 * h as i64,
                invocations: tl.requests[h],
                cold_starts: cold,
                init_ms_sum: cold as f64 * (f64::from(INIT_MS) - 0.4),
                init_ms,
                duration_ms_sum: 0.0,
                billed_ms_sum: 0.0,
                memory_size_mb: 1024,
                memory_used_mb,
            }
        })
        .collect();
    let until = start + 3600 * hours.len() as i64;
    store
        .apply(&Batch::Logs {
            account: x.account.clone(),
            region: "us-east-1".into(),
            hours,
            cursors: vec![(LogsCursor::new(function), until)],
        })
        .unwrap();
    (r.requests, r.cold_starts)
}

fn extract(db: &str, function: &str, days: &str) -> (Value, String, u128) {
    let started = Instant::now();
    let out = run(&[
        "--db",
        db,
        "scenario",
        "from-function",
        function,
        "--days",
        days,
        "--json",
    ]);
    let took = started.elapsed().as_millis();
    assert!(out.status.success(), "{}", stderr(&out));
    (serde_json::from_str(&stdout(&out)).unwrap(), stderr(&out), took)
}

#[test]
fn the_fitted_keep_alive_reproduces_the_measured_cold_starts_within_ten_percent() {
    let (_dir, db, _) = crate::demo::load("3");
    // A batch job replayed exactly, and the hot API in aggregate mode (millions of requests).
    for (function, mode) in [("img-resize", "exact"), ("api-orders", "aggregate")] {
        let (invocations, cold_starts) = store_measured(&db, function, 2);
        let (x, _, took) = extract(&db, function, "2");
        let c = &x["calibration"];
        println!(
            "{function}: measured {cold_starts} of {invocations}, calibration {c} (from-function {took} ms)"
        );
        assert_eq!(c["measured"]["cold_starts"], cold_starts, "{function}");
        assert_eq!(c["measured"]["invocations"], invocations, "{function}");
        assert_eq!(c["days"], 2);
        assert_eq!(c["per_day"].as_array().unwrap().len(), 2);
        assert_eq!(c["mode"], mode);
        assert_eq!(c["platform"], "aws-lambda");
        let error = c["relative_error"].as_f64().unwrap();
        assert!(error.abs() <= 0.10, "{function}: {c}");
        assert!(c["iterations"].as_u64().unwrap() <= 12);
        let k = c["keep_alive_s"].as_f64().unwrap();
        if mode == "exact" {
            // The same engine, seed and traffic: the keep-alive that made the records is found.
            assert!((k / TRUE_KEEP_ALIVE_S - 1.0).abs() < 0.3, "{function}: {k} s");
        }
        // Per day and in total, what the run at the fitted keep-alive simulated; the round trip
        // is that run.
        let days = c["per_day"].as_array().unwrap();
        let sum =
            |side: &str, key: &str| -> u64 { days.iter().map(|d| d[side][key].as_u64().unwrap()).sum() };
        assert_eq!(sum("measured", "cold_starts"), cold_starts);
        assert_eq!(sum("simulated", "cold_starts"), c["simulated"]["cold_starts"]);
        let r = &x["round_trip"];
        assert_eq!(r["cold_starts"], c["simulated"]["cold_starts"], "{function}");
        assert_eq!(r["mode"], mode);
        // The measured init is the scenario's.
        assert_eq!(x["init"]["p50_ms"], INIT_MS);
        let toml = x["toml"].as_str().unwrap();
        assert!(
            toml.contains("init = { dist = \"empirical\", percentiles = [[0, 412]"),
            "{toml}"
        );
        assert!(toml.contains(&format!("\nkeep_alive_s = {k}\n")), "{toml}");
        let stated = toml
            .lines()
            .find(|l| l.starts_with("# Cold starts on aws-lambda"))
            .unwrap_or_else(|| panic!("{toml}"));
        assert!(
            stated.contains("(2 days with REPORT records): simulated "),
            "{stated}"
        );
        assert!(
            stated.contains(&format!(" vs measured {} of ", group(cold_starts))),
            "{stated}"
        );
        assert_eq!(x["scenario"]["platforms"][0]["keep_alive_s"].as_f64(), Some(k));
        let head: Vec<&str> = toml.lines().take_while(|l| l.starts_with('#')).collect();
        println!("{}", head.join("\n"));
    }
    // A function without records: the catalog's keep-alive, said so.
    let (x, _, _) = extract(&db, "api-checkout", "2");
    assert!(x["calibration"].is_null());
    assert!(x["init"].is_null());
    let basis = x["cold_start_basis"].as_str().unwrap();
    assert!(
        basis.starts_with("no REPORT records stored: keep-alive is the catalog's assumption (600 s)"),
        "{basis}"
    );
    assert!(x["toml"]
        .as_str()
        .unwrap()
        .contains(&format!("# Cold starts: {basis}.")));
    assert!(!x["toml"].as_str().unwrap().contains("keep_alive_s ="));
    let out = run(&[
        "--db",
        &db,
        "scenario",
        "from-function",
        "api-checkout",
        "--days",
        "2",
    ]);
    assert!(out.status.success());
    let err = stderr(&out);
    assert!(err.contains("Cold starts: no REPORT records stored"), "{err}");
}

/// The acceptance on the demo's hot API: its default 14 days, 25 million requests.
#[test]
#[ignore = "a minute of setup; run with --ignored to measure"]
fn api_orders_over_fourteen_days_states_simulated_vs_measured_within_ten_percent() {
    let (_dir, db, _) = crate::demo::load("15");
    let (invocations, cold_starts) = store_measured(&db, "api-orders", 14);
    let (x, _, took) = extract(&db, "api-orders", "14");
    let c = &x["calibration"];
    println!(
        "api-orders: measured {cold_starts} of {invocations}, calibration {c} (from-function {took} ms)"
    );
    let toml = x["toml"].as_str().unwrap();
    let head: Vec<&str> = toml.lines().take_while(|l| l.starts_with('#')).collect();
    println!("{}", head.join("\n"));
    assert!(c["relative_error"].as_f64().unwrap().abs() <= 0.10, "{c}");
}

fn group(n: u64) -> String {
    breakeven_simulator::pricing::money::group_digits(&n.to_string())
}
