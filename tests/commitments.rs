//! Issue 17 through the real binary: commitments in `simulate`, `sweep` and
//! `commit recommend`, plan rates in `catalog show`, and `--discount` on every bill.

use crate::support::{run, stderr, stdout};
use std::path::PathBuf;

fn fixture(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/scenarios")
        .join(name)
        .display()
        .to_string()
}

fn ok(args: &[&str]) -> String {
    let o = run(args);
    assert!(o.status.success(), "{}", stderr(&o));
    stdout(&o)
}

#[test]
fn sweep_with_a_savings_plan_says_how_far_the_break_even_against_fargate_moves() {
    let f = fixture("checkout-api-sp.toml");
    let out = ok(&[
        "sweep",
        &f,
        "--traffic",
        "0.1..10",
        "--steps",
        "5",
        "--mode",
        "aggregate",
    ]);
    let line = out
        .lines()
        .find(|l| {
            l.contains("with commitments the break-even")
                && l.contains("aws-fargate")
                && l.contains("aws-lambda")
        })
        .unwrap_or_else(|| panic!("a moved Lambda/Fargate break-even in:\n{out}"));
    assert!(
        line.contains(" moves from ") && line.contains(" req/s ("),
        "{line}"
    );
    let v: serde_json::Value = serde_json::from_str(&ok(&[
        "sweep",
        &f,
        "--traffic",
        "0.1..10",
        "--steps",
        "3",
        "--mode",
        "aggregate",
        "--json",
    ]))
    .unwrap();
    assert!(v["committed_crossings"].is_array() && v["committed_shifts"].is_array());
    assert!(v["points"][0]["platforms"][0]["committed_monthly_usd"].is_string());
}

#[test]
fn simulate_json_reports_each_commitment_and_the_covered_and_uncovered_lines() {
    let f = fixture("checkout-api-sp.toml");
    let v: serde_json::Value = serde_json::from_str(&ok(&[
        "simulate",
        &f,
        "--horizon",
        "1d",
        "--mode",
        "aggregate",
        "--no-timeline",
        "--json",
    ]))
    .unwrap();
    let fargate = v["platforms"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == "aws-fargate")
        .unwrap();
    let c = &fargate["committed"];
    for key in ["utilisation", "coverage", "cost_usd", "wasted_usd"] {
        assert!(!c["commitments"][0][key].is_null(), "{key} in {c}");
    }
    assert!(c["lines"].as_array().unwrap().iter().any(|l| l["item"]
        .as_str()
        .unwrap()
        .contains("covered by Compute Savings Plan")));
    assert!(c["coverage"][0]["uncovered_usd"].is_string());
}

#[test]
fn commit_recommend_prints_the_best_commitment_and_the_plans_without_rates() {
    let f = fixture("checkout-api-sp.toml");
    let out = ok(&["commit", "recommend", &f, "--horizon", "2d"]);
    assert!(
        out.contains("compute-sp-3yr-all-upfront") && out.contains("← best"),
        "{out}"
    );
    assert!(out.contains("No published rate"), "{out}");
    let v: serde_json::Value =
        serde_json::from_str(&ok(&["commit", "recommend", &f, "--horizon", "2d", "--json"])).unwrap();
    let best = v["plans"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["platform"] == "aws-fargate" && p["plan"] == "compute-sp-3yr-all-upfront")
        .unwrap();
    for key in ["usd_per_hour", "utilisation", "coverage", "saving_usd", "curve"] {
        assert!(!best[key].is_null(), "{key}");
    }
}

#[test]
fn catalog_show_lists_every_rate_with_its_plan() {
    let v: serde_json::Value =
        serde_json::from_str(&ok(&["catalog", "show", "aws-fargate", "--json"])).unwrap();
    let prices = v["prices"].as_array().unwrap();
    assert!(prices.iter().all(|p| p["plan"].is_string()));
    assert!(
        prices
            .iter()
            .any(|p| p["plan"] == "compute-sp-3yr-all-upfront"
                && p["on_demand_dimension"] == "vcpu-hour-x86_64")
    );
    assert!(prices.iter().any(|p| p["plan"] == "on-demand"));
}

#[test]
fn a_negotiated_discount_is_its_own_line_in_every_bill() {
    let est: serde_json::Value = serde_json::from_str(&ok(&[
        "estimate",
        "--platform",
        "aws-lambda",
        "--requests",
        "10M",
        "--duration-ms",
        "120",
        "--memory-mb",
        "512",
        "--discount",
        "aws=7%",
        "--json",
    ]))
    .unwrap();
    // $5.13334 list, 7 % off: $4.7740062.
    assert_eq!(est["total_usd"], "4.7740062");
    let last = est["lines"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["item"], "negotiated discount (7% off list)");
    assert_eq!(last["amount_usd"], "-0.3593338");
    // A platform's own discount wins over its provider's; other providers are untouched.
    let f = fixture("checkout-api-sp.toml");
    let v: serde_json::Value = serde_json::from_str(&ok(&[
        "simulate",
        &f,
        "--horizon",
        "1d",
        "--mode",
        "aggregate",
        "--no-timeline",
        "--json",
        "--discount",
        "aws=7%",
        "--discount",
        "aws:aws-lambda=5%",
    ]))
    .unwrap();
    for p in v["platforms"].as_array().unwrap() {
        let items: Vec<&str> = p["cost"]["lines"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["item"].as_str().unwrap())
            .collect();
        let want = match p["id"].as_str().unwrap() {
            "aws-lambda" => Some("negotiated discount (5% off list)"),
            "gcp-cloud-run" => None,
            _ => Some("negotiated discount (7% off list)"),
        };
        match want {
            Some(w) => assert!(items.contains(&w), "{items:?}"),
            None => assert!(!items.iter().any(|i| i.contains("negotiated")), "{items:?}"),
        }
    }
    let o = run(&[
        "estimate",
        "--platform",
        "aws-lambda",
        "--requests",
        "1M",
        "--discount",
        "aws",
    ]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn the_config_files_discounts_apply_and_flags_win() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("config.toml");
    std::fs::write(&cfg, "[discounts]\naws = \"10%\"\n").unwrap();
    let c = cfg.display().to_string();
    let args = |extra: &[&str]| {
        let mut a = vec![
            "--config",
            &c,
            "estimate",
            "--platform",
            "aws-fargate",
            "--vcpu",
            "1",
            "--memory-gb",
            "2",
            "--json",
        ];
        a.extend_from_slice(extra);
        a.iter().map(|s| s.to_string()).collect::<Vec<_>>()
    };
    let get = |extra: &[&str]| -> serde_json::Value {
        let a = args(extra);
        let refs: Vec<&str> = a.iter().map(String::as_str).collect();
        serde_json::from_str(&ok(&refs)).unwrap()
    };
    let items = |v: &serde_json::Value| -> Vec<String> {
        v["lines"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["item"].as_str().unwrap().to_string())
            .collect()
    };
    assert!(items(&get(&[])).contains(&"negotiated discount (10% off list)".to_string()));
    assert!(items(&get(&["--discount", "aws=3%"])).contains(&"negotiated discount (3% off list)".to_string()));
}

#[test]
fn commit_recommend_of_a_stored_function_replays_its_measured_traffic() {
    use breakeven::app::demo;
    use breakeven::app::sync::{Cancel, Silent};
    use breakeven::ingest::demo::DemoOptions;
    use breakeven::store::Store;
    use breakeven_simulator::pricing::PriceCatalog;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.sqlite");
    let catalog = PriceCatalog::bundled().unwrap();
    let mut store = Store::open(&path).unwrap();
    let opts = DemoOptions {
        seed: breakeven::ingest::demo::DEFAULT_SEED,
        days: 4,
        until: "2026-06-15".parse().unwrap(),
    };
    demo::load(&mut store, &catalog, opts, &Silent, &Cancel::new()).unwrap();
    drop(store);
    let db = path.display().to_string();
    let v: serde_json::Value = serde_json::from_str(&ok(&[
        "--db",
        &db,
        "commit",
        "recommend",
        "--function",
        "api-orders",
        "--days",
        "3",
        "--json",
    ]))
    .unwrap();
    let lambda = v["plans"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["platform"] == "aws-lambda" && p["plan"] == "compute-sp-3yr-all-upfront")
        .expect("the function's own platform");
    assert!(lambda["usd_per_hour"].is_string() && lambda["curve"].as_array().unwrap().len() > 2);
}
