//! `breakeven scenario from-function`: stored traffic becomes a scenario whose simulation on the
//! function's own platform reproduces its usage-derived cost.

use crate::support::{run, stderr, stdout};
use std::path::Path;

/// A demo account of `days` days ending 2026-06-15 in a fresh database.
fn demo(dir: &Path, days: &str) -> String {
    let db = dir.join("demo.sqlite").display().to_string();
    let out = run(&[
        "--db",
        &db,
        "demo",
        "--days",
        days,
        "--until",
        "2026-06-15",
        "--json",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    db
}

fn extract(db: &str, args: &[&str]) -> serde_json::Value {
    let mut all = vec!["--db", db, "scenario", "from-function", "--json"];
    all.extend_from_slice(args);
    let out = run(&all);
    assert!(out.status.success(), "{args:?}: {}", stderr(&out));
    serde_json::from_str(&stdout(&out)).expect("JSON output")
}

#[test]
fn the_hot_api_and_two_others_round_trip_within_two_percent() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path(), "3");
    // The hot diurnal API, a provisioned-concurrency API and a spiky batch job.
    for name in ["api-orders", "api-checkout", "img-resize"] {
        let x = extract(&db, &[name, "--days", "2"]);
        assert_eq!(x["days"], 2, "{name}");
        let r = &x["round_trip"];
        let diff: f64 = r["difference_pct"].as_str().unwrap().parse().unwrap();
        println!(
            "{name}: simulated {} vs usage-derived {} ({diff:+}%)",
            r["simulated_usd"], r["usage_derived_usd"]
        );
        assert!(diff.abs() <= 2.0, "{name}: {diff}% off: {r}");
        assert_eq!(x["platforms"][0], "aws-lambda");
        // One source of usage-derived cost: the figure `analyse` gives the function for the
        // same days (which keeps each day to the nano-dollar).
        let (from, to) = (
            x["window_from"].as_str().unwrap(),
            x["window_to"].as_str().unwrap(),
        );
        let out = run(&[
            "--db",
            &db,
            "analyse",
            "--function",
            name,
            "--from",
            from,
            "--to",
            to,
            "--json",
        ]);
        assert!(out.status.success(), "{}", stderr(&out));
        let an: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
        let f = &an["functions"][0];
        assert_eq!(f["name"], name);
        let dec = |v: &serde_json::Value| v.as_str().unwrap().parse::<rust_decimal::Decimal>().unwrap();
        let gap = (dec(&f["cost"]["total_usd"]) - dec(&r["usage_derived_usd"])).abs();
        assert!(
            gap <= rust_decimal::Decimal::new(2, 9),
            "{name}: {gap} apart: {f} / {r}"
        );
    }
}

#[test]
fn the_scenario_replays_every_stored_invocation_and_simulates() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path(), "2");
    let out = run(&[
        "--db",
        &db,
        "scenario",
        "from-function",
        "api-orders",
        "--days",
        "1",
        "--no-check",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let toml = stdout(&out);
    let path = dir.path().join("s.toml");
    std::fs::write(&path, &toml).unwrap();
    // 1,440 minutes, one UTC hour a line.
    assert_eq!(toml.matches("  # 2026-06-14 ").count(), 24, "{toml}");
    assert!(toml.contains("dist = \"lognormal\""), "{toml}");
    assert!(toml.contains("id = \"vm:aws/m7g.large\""), "{toml}");
    assert!(toml.contains("id = \"aws-fargate\""), "{toml}");
    let x = extract(&db, &["api-orders", "--days", "1", "--no-check"]);
    let out = run(&["simulate", path.to_str().unwrap(), "--json", "--no-timeline"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let sim: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(sim["horizon_s"], 86_400.0);
    assert_eq!(sim["platforms"][0]["arrivals"], x["invocations"]);
    assert_eq!(sim["platforms"].as_array().unwrap().len(), 3);
    // The extraction carries the scenario it printed, parsed: what the desktop opens as a what-if.
    let s = &x["scenario"];
    assert_eq!(s["workload"]["horizon_ms"], 86_400_000.0);
    let counts = s["workload"]["arrivals"]["counts_per_min"].as_array().unwrap();
    assert_eq!(counts.len(), 1440);
    let total: u64 = counts.iter().map(|c| c.as_u64().unwrap()).sum();
    assert_eq!(serde_json::json!(total), x["invocations"]);
    assert_eq!(s["platforms"].as_array().unwrap().len(), 3);
}

#[test]
fn five_minute_steps_keep_the_total_and_platforms_can_be_chosen() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path(), "2");
    let one = extract(&db, &["api-catalog", "--days", "1", "--no-check"]);
    let five = extract(
        &db,
        &[
            "api-catalog",
            "--days",
            "1",
            "--no-check",
            "--step",
            "5m",
            "--platform",
            "gcp-cloud-run",
            "--platform",
            "vm:gcp/e2-standard-2",
        ],
    );
    assert_eq!(one["invocations"], five["invocations"]);
    assert_eq!(
        five["platforms"],
        serde_json::json!(["gcp-cloud-run", "vm:gcp/e2-standard-2"])
    );
    assert!(five["toml"].as_str().unwrap().contains("per 5 minutes"));
}
