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
