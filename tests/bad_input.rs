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

// ───────────────────────── `estimate` flags: limits, each refused naming the flag (exit 2) ─────

/// `estimate` with `args` after the platform must exit 2 with `want` on stderr and print nothing.
fn estimate_refuses(platform: &str, args: &[&str], want: &str) {
    let mut all = vec!["estimate", "--platform", platform];
    all.extend(args);
    let o = run(&all);
    assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
    assert!(stderr(&o).contains(want), "{args:?}: {}", stderr(&o));
    assert!(o.stdout.is_empty(), "{args:?} printed a bill");
}

#[test]
fn estimate_zero_fargate_size_is_refused_naming_the_flag() {
    estimate_refuses(
        "aws-fargate",
        &["--vcpu", "0", "--memory-gb", "0"],
        "--vcpu is 0: it must be from 0.001 to 1024",
    );
    estimate_refuses(
        "aws-fargate",
        &["--vcpu", "1", "--memory-gb", "0"],
        "--memory-gb is 0: it must be from 0.001 to 32768",
    );
    estimate_refuses(
        "aws-fargate",
        &["--memory-mb", "0"],
        "--memory-mb is 0: it must be from 1 to 1048576",
    );
}

#[test]
fn estimate_cold_starts_above_requests_are_refused() {
    estimate_refuses(
        "aws-lambda",
        &["--requests", "1M", "--cold-starts", "1e9", "--init-ms", "300"],
        "--cold-starts is 1000000000: it cannot exceed --requests (1000000)",
    );
}

#[test]
fn estimate_nan_inf_negative_and_huge_flags_are_refused_with_their_limit() {
    let cases: &[(&[&str], &str)] = &[
        (&["--duration-ms", "nan"], "`nan` is not a number"),
        (&["--duration-ms", "inf"], "`inf` is not a number"),
        (
            &["--duration-ms", "1e9"],
            "--duration-ms is 1000000000: it must be from 0 to 86400000",
        ),
        (&["--cpu-ms", "NaN"], "--cpu-ms"),
        (&["--init-ms=-5"], "`-5` must not be negative"),
        (&["--hours=-1"], "`-1` must not be negative"),
        (&["--hours", "745"], "--hours is 745: it must be from 0 to 744"),
        (&["--instances", "1e30"], "`1e30` is too large"),
        (
            &["--instances", "200000"],
            "--instances is 200000: it must be from 0 to 100000",
        ),
        (
            &["--provisioned-concurrency", "1e6"],
            "--provisioned-concurrency is 1000000: it must be from 0 to 100000",
        ),
        (
            &["--concurrency", "0"],
            "--concurrency is 0: it must be from 1 to 100000",
        ),
        (
            &["--requests", "1e16"],
            "--requests is 10000000000000000: it must be from 0 to 1000000000000000",
        ),
        (&["--requests", "1e30"], "`1e30` is too large"),
        (&["--memory-gb", "1e30"], "`1e30` is too large"),
        (
            &["--vcpu", "2000"],
            "--vcpu is 2000: it must be from 0.001 to 1024",
        ),
        (
            &["--ephemeral-storage-mb", "20000"],
            "--ephemeral-storage-mb is 20000: it must be from 512 to 10240",
        ),
    ];
    for (args, want) in cases {
        estimate_refuses("aws-lambda", args, want);
    }
}
