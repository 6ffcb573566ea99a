//! `breakeven simulate`, `sweep` and `tune` through the real binary.

use crate::support::{run, stderr, stdout};
use std::path::PathBuf;

fn fixture(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/scenarios")
        .join(name)
        .display()
        .to_string()
}

fn json(args: &[&str]) -> serde_json::Value {
    let o = run(args);
    assert!(o.status.success(), "{}", stderr(&o));
    serde_json::from_str(&stdout(&o)).expect("valid JSON")
}

#[test]
fn simulate_prints_the_documented_json() {
    let f = fixture("checkout-api.toml");
    let v = json(&["simulate", &f, "--horizon", "6h", "--json"]);
    let platforms = v["platforms"].as_array().unwrap();
    assert_eq!(platforms.len(), 6);
    for p in platforms {
        for key in [
            "id",
            "requests",
            "cold_starts",
            "cold_start_probability",
            "throttled",
            "avg_instances",
            "avg_busy_instances",
            "peak_instances",
        ] {
            assert!(!p[key].is_null(), "{key} missing in {p}");
        }
        for q in ["p50", "p95", "p99", "max"] {
            assert!(p["latency_ms"][q].as_f64().unwrap() > 0.0);
        }
        assert!(p["cost"]["total_usd"].is_string());
        assert!(!p["cost"]["lines"].as_array().unwrap().is_empty());
        assert_eq!(p["timeline"]["bucket_s"], 60.0);
        assert_eq!(p["timeline"]["avg_instances"].as_array().unwrap().len(), 360);
    }
    assert_eq!(platforms[0]["id"], "aws-lambda");
    assert_eq!(platforms[1]["label"], "aws-lambda arm64");
    assert!(v["simulated_requests"].as_u64().unwrap() > 6 * 10_000);
    assert!(v["wall_ms"].is_u64());
}

#[test]
fn the_same_file_and_seed_print_the_same_json() {
    let f = fixture("simfaas.toml");
    let strip = |args: &[&str]| {
        let o = run(args);
        assert!(o.status.success(), "{}", stderr(&o));
        stdout(&o)
            .lines()
            .filter(|l| !l.trim_start().starts_with("\"wall_ms\""))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let args = ["simulate", &f, "--horizon", "1d", "--json"];
    assert_eq!(strip(&args), strip(&args));
    let other = strip(&["simulate", &f, "--horizon", "1d", "--json", "--seed", "8"]);
    assert_ne!(strip(&args), other);
}

#[test]
fn simulate_prints_a_table_for_people() {
    let o = run(&["simulate", &fixture("replay.toml")]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("recorded-morning"), "{out}");
    assert!(out.contains("4 h simulated"), "{out}");
    assert!(out.contains("azure-functions-flex"));
    assert!(out.contains("Per month"));
    assert!(out.contains("memory fitted"), "{out}");
}

#[test]
fn a_broken_scenario_is_bad_input_with_its_position() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.toml");
    std::fs::write(
        &path,
        "version = 1\n[workload]\nhorizon = \"1d\"\narrivals = { process = \"poisson\", rate = 1 }\nduration = { dist = \"constant\", ms = 5 }\n[[platforms]]\nid = \"aws-lambda\"\n",
    )
    .unwrap();
    let p = path.display().to_string();
    let o = run(&["simulate", &p]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains(&format!("{p}:4:")), "{err}");
    assert!(err.contains("rate"), "{err}");
}

#[test]
fn sweep_finds_where_a_function_stops_being_cheaper_than_a_vm() {
    let f = fixture("checkout-api.toml");
    let v = json(&[
        "sweep",
        &f,
        "--traffic",
        "0.01..100",
        "--steps",
        "5",
        "--horizon",
        "1d",
        "--json",
    ]);
    assert_eq!(v["points"].as_array().unwrap().len(), 5);
    let crossings = v["crossings"].as_array().unwrap();
    assert!(
        crossings
            .iter()
            .any(|c| c["cheaper_below"] == "aws-lambda" && c["cheaper_above"] == "vm:aws/m7g.large"),
        "{crossings:?}"
    );
    let o = run(&[
        "sweep",
        &f,
        "--traffic",
        "0.1..10",
        "--steps",
        "3",
        "--horizon",
        "2h",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("Break-even"), "{}", stdout(&o));
}

#[test]
fn tune_picks_a_memory_size() {
    let f = fixture("checkout-api.toml");
    let v = json(&["tune", &f, "--memory", "128..2048", "--horizon", "2h", "--json"]);
    let p = &v["platforms"][0];
    assert_eq!(p["label"], "aws-lambda");
    assert!(p["cheapest_mb"].as_u64().unwrap() >= 128);
    assert!(p["rows"].as_array().unwrap().len() >= 5);
    let o = run(&["tune", &f, "--memory", "128..1024", "--horizon", "2h"]);
    assert!(stdout(&o).contains("cheapest"), "{}", stdout(&o));
    let o = run(&["tune", &f, "--memory", "2048..128"]);
    assert_eq!(o.status.code(), Some(2));
    // Each row names the mode that produced it, and the result how the sizes were simulated.
    assert!(p["rows"][0]["mode"].is_string(), "{}", p["rows"][0]);
    assert!(
        v["method"].as_str().unwrap().contains("aggregate mode"),
        "{}",
        v["method"]
    );
}

#[test]
fn tune_bench_times_the_fast_method_against_one_run_per_size() {
    let f = fixture("checkout-api.toml");
    let v = json(&[
        "tune-bench",
        &f,
        "--memory",
        "128..1024",
        "--days",
        "0.5",
        "--json",
    ]);
    assert_eq!(v["rows"], 10);
    assert_eq!(v["shared_identical"], true);
    assert!(v["every_size_s"].as_f64().unwrap() > 0.0);
    assert!(v["fast_max_cost_diff"].as_f64().unwrap() < 0.025, "{v}");
    let o = run(&["tune-bench", &f, "--days", "0"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
}
