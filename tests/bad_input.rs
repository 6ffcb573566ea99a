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

// --- The database path and the benchmarks' sizes (`--db`, `db bench`, `analyse --bench`). ---

use crate::store::sharing::assert_refused;

/// Entries of `dir`, sorted.
fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[cfg(unix)]
#[test]
fn a_db_path_that_is_not_a_regular_file_is_refused_and_nothing_is_created_beside_it() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("a-folder");
    std::fs::create_dir(&folder).unwrap();
    let fifo = dir.path().join("a-fifo");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    let before = listing(dir.path());
    let null_journal_existed = Path::new("/dev/null-journal").exists();
    for (path, kind) in [
        (folder.display().to_string(), "a directory"),
        (fifo.display().to_string(), "a FIFO (named pipe)"),
        ("/dev/null".to_string(), "a device"),
    ] {
        let commands: [&[&str]; 3] = [&["db", "status"], &["demo", "--days", "1"], &["analyse"]];
        let want = format!("database path {path} is {kind}, not a database file");
        assert_refused(run, &path, &commands, 2, &want);
    }
    assert_eq!(listing(dir.path()), before, "files were created beside them");
    assert!(listing(&folder).is_empty());
    if !null_journal_existed {
        assert!(
            !Path::new("/dev/null-journal").exists(),
            "/dev/null-journal was created"
        );
        assert!(!Path::new("/dev/null-wal").exists(), "/dev/null-wal was created");
    }
}

#[test]
fn a_file_that_is_not_sqlite_is_not_a_breakeven_database_and_stays_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notes.txt");
    std::fs::write(&path, "these are my notes, not a database\n".repeat(50)).unwrap();
    let before = digest(&path);
    let db = path.display().to_string();
    let want = format!("{db} is not a Breakeven database (not a SQLite file)");
    assert_refused(run, &db, &[&["db", "status"], &["demo", "--days", "1"]], 2, &want);
    assert_eq!(digest(&path), before);
    assert_eq!(listing(dir.path()), vec!["notes.txt"]);
}

#[test]
fn db_bench_rows_beyond_the_maximum_are_refused_not_a_panic_and_leave_no_temp_database() {
    let tmp = tempfile::tempdir().unwrap();
    let home = tempfile::tempdir().unwrap();
    let bench = |args: &[&str]| {
        std::process::Command::new(crate::support::bin())
            .args(args)
            .env("HOME", home.path())
            .env("TMPDIR", tmp.path())
            .output()
            .unwrap()
    };
    for (args, want) in [
        (
            vec!["db", "bench", "--rows", "18446744073709551615"],
            "--rows is 18446744073709551615; the most `db bench` inserts is 50000000",
        ),
        (
            vec!["db", "bench", "--baseline-rows", "1000001"],
            "--baseline-rows is 1000001; the most `db bench` inserts is 1000000",
        ),
        (
            vec!["analyse", "--bench", "--rows", "1e12"],
            "--rows is 1000000000000; it must be between 1000 and 50000000",
        ),
    ] {
        let out = bench(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(want), "{args:?}: {}", stderr(&out));
        assert!(!stderr(&out).contains("panicked"), "{}", stderr(&out));
        assert!(
            listing(tmp.path()).is_empty(),
            "{args:?} left {:?}",
            listing(tmp.path())
        );
    }
    // A run that works cleans up after itself too.
    let out = bench(&["db", "bench", "--rows", "2000", "--baseline-rows", "10", "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(listing(tmp.path()).is_empty(), "left {:?}", listing(tmp.path()));
}

/// Found by fuzzing (`cli-number`): a count whose suffix overflowed the 96-bit decimal made
/// `estimate` panic (exit 101) instead of refusing the flag.
#[test]
fn estimate_count_overflowing_its_suffix_exits_2_not_a_panic() {
    let o = run(&[
        "estimate",
        "--platform",
        "aws-lambda",
        "--requests",
        "79228162514264337593543950335k",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("`79228162514264337593543950335k` is too large"),
        "{}",
        stderr(&o)
    );
}

// ───────────────────────── importers, dates and sync flags ─────────────────────────

#[test]
fn analyse_to_99999_01_01_is_refused_naming_the_flag() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("d.sqlite");
    let dbs = db.display().to_string();
    // A database of the current schema, empty: every case is refused before it is read.
    drop(breakeven::store::Store::open(&db).unwrap());
    let before = digest(&db);
    let md = dir.path().join("x.md").display().to_string();
    let cases: [(&[&str], &str); 7] = [
        (
            &["analyse", "--to", "99999-01-01"],
            "--to: 99999-01-01 is outside the dates accepted, 2000-01-01 to 2100-12-31",
        ),
        (
            &["analyse", "--from", "1999-12-31"],
            "--from: 1999-12-31 is outside the dates accepted, 2000-01-01 to 2100-12-31",
        ),
        (
            &["analyse", "--from", "2019-01-02", "--to", "2019-01-01"],
            "--from 2019-01-02 is after --to 2019-01-01",
        ),
        (
            &[
                "report",
                "--account",
                "--to",
                "99999-01-01",
                "--format",
                "md",
                "--out",
                md.as_str(),
            ],
            "--to: 99999-01-01 is outside",
        ),
        (
            &[
                "import",
                "trace",
                "--format",
                "azure-functions-2019",
                "--start",
                "2101-01-01",
                "no-file-needed.csv",
            ],
            "--start: 2101-01-01 is outside",
        ),
        (
            &["sync", "--timeout", "0", "--region", "us-east-1"],
            "--timeout must be between 1 and 3600 seconds, not 0",
        ),
        (
            &["sync", "--max-attempts", "0", "--region", "us-east-1"],
            "--max-attempts must be between 1 and 10, not 0",
        ),
    ];
    for (args, want) in cases {
        let mut all = vec!["--db", dbs.as_str()];
        all.extend_from_slice(args);
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
