//! Bad input everywhere: an error that names the file and the place, exit code 2, and the
//! database byte-identical afterwards (hashed before and after).

use crate::support::{run, stderr};
use sha2::{Digest, Sha256};
use std::path::Path;

fn digest(db: &Path) -> Vec<u8> {
    Sha256::digest(std::fs::read(db).expect("read db")).to_vec()
}

fn root(rel: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(rel)
        .display()
        .to_string()
}

#[test]
fn every_kind_of_bad_file_is_positioned_exits_2_and_leaves_the_database_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("b.sqlite");
    let dbs = db.display().to_string();
    // Something in the database first: a trace day and a FOCUS export.
    let ok = run(&[
        "--db",
        &dbs,
        "import",
        "trace",
        "--format",
        "azure-functions-2019",
        &root("fixtures/traces/invocations_per_function_md.anon.d01.csv"),
    ]);
    assert!(ok.status.success(), "{}", stderr(&ok));
    let ok = run(&[
        "--db",
        &dbs,
        "import",
        "focus",
        &root("fixtures/focus/multi-cloud-1.0.csv"),
    ]);
    assert!(ok.status.success(), "{}", stderr(&ok));
    let before = digest(&db);

    let bad_scenario = dir.path().join("bad.toml");
    std::fs::write(&bad_scenario, "version = 1\n[workload]\narrivals = { process = \"poisson\", rate_per_s = -1 }\nduration = { dist = \"constant\", ms = 5 }\n[[platforms]]\nid = \"aws-lambda\"\n").unwrap();
    let bad_scenario = bad_scenario.display().to_string();
    let cases: Vec<(Vec<String>, &str)> = vec![
        (
            vec![
                "import".into(),
                "focus".into(),
                root("fixtures/focus/bad-decimal.csv"),
            ],
            "bad-decimal.csv:3:1: BilledCost",
        ),
        (
            vec![
                "import".into(),
                "trace".into(),
                "--format".into(),
                "azure-functions-2019".into(),
                root("fixtures/traces/bad/invocations-bad-count.csv"),
            ],
            "invocations-bad-count.csv:3:104: minute 100",
        ),
        (
            vec!["simulate".into(), bad_scenario.clone()],
            "bad.toml:3:12: `rate_per_s` must be a positive number",
        ),
        (vec!["sweep".into(), bad_scenario], "bad.toml:3:12"),
        (
            vec!["simulate".into(), "no-such-scenario.toml".into()],
            "no-such-scenario.toml",
        ),
        (
            vec![
                "scenario".into(),
                "from-function".into(),
                "no-such-function".into(),
            ],
            "no function named `no-such-function`",
        ),
        (
            vec![
                "scenario".into(),
                "from-function".into(),
                "f00dcafe0001".into(),
                "--step".into(),
                "2m".into(),
            ],
            "--step is 1m or 5m",
        ),
    ];
    for (args, want) in cases {
        let mut all = vec!["--db".to_string(), dbs.clone()];
        all.extend(args.iter().cloned());
        let all: Vec<&str> = all.iter().map(String::as_str).collect();
        let out = run(&all);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(want), "{args:?}: {}", stderr(&out));
        assert_eq!(digest(&db), before, "{args:?} changed the database");
    }
}

/// Run the CLI on a scenario written to a temporary file (with optional side files); the
/// outcome must be bad input (exit 2) whose message contains every one of `want`.
fn refused(scenario: &str, files: &[(&str, &str)], args: &[&str], want: &[&str]) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.toml");
    std::fs::write(&path, scenario).unwrap();
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    let path = path.display().to_string();
    let mut all: Vec<&str> = vec![args[0], &path];
    all.extend(&args[1..]);
    let out = run(&all);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
    assert!(!err.contains("panicked"), "{args:?}: {err}");
    for w in want {
        assert!(err.contains(w), "{args:?}: want `{w}` in: {err}");
    }
}

/// A scenario of one Lambda function with `workload` lines of its own.
fn lambda(workload: &str) -> String {
    format!("version = 1\n[workload]\n{workload}\n[[platforms]]\nid = \"aws-lambda\"\n")
}

const POISSON: &str =
    "arrivals = { process = \"poisson\", rate_per_s = 1 }\nduration = { dist = \"constant\", ms = 100 }";

#[test]
fn sweep_traffic_to_1e20_is_refused_not_a_panic() {
    let simfaas = root("fixtures/scenarios/simfaas.toml");
    for traffic in ["1..1e20", "1..1e18", "1e-9..1"] {
        let out = run(&["sweep", &simfaas, "--traffic", traffic, "--steps", "2"]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{traffic}: {err}");
        assert!(
            err.contains("--traffic") && err.contains("outside the limits: factors from 0.000001 to 1000000"),
            "{traffic}: {err}"
        );
    }
}

#[test]
fn sweep_steps_past_their_limit_are_refused() {
    let simfaas = root("fixtures/scenarios/simfaas.toml");
    for steps in ["101", "0"] {
        let out = run(&["sweep", &simfaas, "--steps", steps]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{steps}: {err}");
        assert!(
            err.contains(&format!("--steps must be between 1 and 100, not {steps}")),
            "{err}"
        );
    }
}

#[test]
fn an_aggregate_horizon_of_99999999999999999999_days_is_refused_not_a_panic() {
    let text = lambda(&format!("horizon = \"99999999999999999999d\"\n{POISSON}"))
        .replace("version = 1\n", "version = 1\nmode = \"aggregate\"\n");
    refused(
        &text,
        &[],
        &["simulate"],
        &["s.toml:4:11: `horizon`: `99999999999999999999d` is longer than the limit of 1096 days"],
    );
    // The command-line override has the same limit.
    let ok = lambda(&format!("horizon = \"1h\"\n{POISSON}"));
    refused(
        &ok,
        &[],
        &["simulate", "--horizon", "5000d"],
        &["--horizon", "1096 days"],
    );
}

#[test]
fn a_replay_minute_of_a_trillion_requests_is_refused_not_an_8_gb_allocation() {
    let text = lambda("arrivals = { process = \"replay\", file = \"counts.csv\" }\nduration = { dist = \"constant\", ms = 100 }");
    refused(
        &text,
        &[("counts.csv", "minute,count\n0,12\n1,1000000000000\n")],
        &["simulate"],
        &["counts.csv: minute 2 of the replay counts 1,000,000,000,000 requests, above the limit of 60,000,000 per minute"],
    );
}

#[test]
fn exact_mode_at_a_million_requests_a_second_is_refused_and_points_to_aggregate() {
    let text = lambda(
        "horizon = \"30d\"\narrivals = { process = \"poisson\", rate_per_s = 1e6 }\nduration = { dist = \"constant\", ms = 100 }",
    );
    refused(
        &text,
        &[],
        &["simulate"],
        &[
            "exact mode would simulate about 2,592,000,000,000 requests per platform",
            "limit of 1,000,000,000",
            "--mode aggregate",
        ],
    );
    // An absurd horizon at a modest rate is caught the same way, and aggregate mode runs it.
    let long =
        lambda(&format!("horizon = \"1000d\"\n{POISSON}").replace("rate_per_s = 1 ", "rate_per_s = 50 "));
    refused(
        &long,
        &[],
        &["simulate"],
        &["4,320,000,000 requests per platform"],
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.toml");
    std::fs::write(&path, &text).unwrap();
    let out = run(&[
        "simulate",
        &path.display().to_string(),
        "--mode",
        "aggregate",
        "--horizon",
        "1h",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn a_p99_of_1e300_ms_is_refused_not_nan_latencies() {
    let text = lambda(
        "horizon = \"1h\"\narrivals = { process = \"poisson\", rate_per_s = 1 }\nduration = { dist = \"lognormal\", p50_ms = 100, p99_ms = 1e300 }",
    );
    refused(
        &text,
        &[],
        &["simulate"],
        &[
            "s.toml:5:12:",
            "`p99_ms` of",
            "above the limit of 3,600,000 ms (1 hour",
        ],
    );
}

#[test]
fn more_than_32_platforms_are_refused() {
    let mut text = lambda(&format!("horizon = \"1h\"\n{POISSON}"));
    text.push_str(&"[[platforms]]\nid = \"aws-lambda\"\n".repeat(32));
    refused(
        &text,
        &[],
        &["simulate"],
        &["33 platforms are more than the limit of 32 per scenario"],
    );
}
