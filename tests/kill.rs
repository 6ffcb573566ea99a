//! Interruptions at scale: `sync`, `import focus`, `import trace` and `demo` are SIGKILLed at
//! random moments and run again to completion; every time, the database must hold exactly the
//! rows of an uninterrupted run and pass `PRAGMA integrity_check`. Ctrl-C during `sync` records
//! the run as `cancelled`.
//!
//! `BREAKEVEN_KILLS` sets the kills per command (default [`harness::DEFAULT_KILLS`]; the long run
//! is `scripts/kill-harness.sh --kills 100`), `BREAKEVEN_KILL_SEED` the seed of the kill moments.
//! Each test prints a `kill-harness: …` line (shown with `--nocapture`).

mod dump;
mod harness;
mod inputs;

use crate::sync::{python, Aws, KEY};
use harness::{cli, kills_per_command, Rng};
use rusqlite::Connection;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Unix seconds now, minus a margin for the minute a run rounds down to.
fn clock_from() -> i64 {
    breakeven::store::now_s() - 120
}

/// The moto server seeded for the kill tests: small pages, so a sync makes many requests.
fn seeded_aws(py: &str) -> (Aws, serde_json::Value) {
    let aws = Aws::start(py, &["--access-key", KEY, "--max-datapoints", "1000"]);
    let seed = aws.seed(&["--functions", "8", "--hours", "4"]);
    (aws, seed)
}

#[test]
fn sync_killed_at_random_moments_resumes_to_the_rows_of_an_uninterrupted_sync() {
    let Some(py) = python() else { return };
    let (aws, _) = seeded_aws(&py);
    let from = clock_from();
    let kills = kills_per_command();
    let command = |db: &Path| aws.sync_command(db, KEY, &[]);
    harness::run("sync", kills, from, Some("aws"), &command).assert_clean(kills);
}

#[test]
fn import_focus_killed_at_random_moments_ends_with_the_rows_of_an_uninterrupted_import() {
    let dir = tempfile::tempdir().unwrap();
    let export = inputs::focus_export(dir.path(), 8_000, &mut Rng::new(harness::seed()));
    let export = export.to_str().unwrap();
    let kills = kills_per_command();
    let command = |db: &Path| cli(db, &["import", "focus", "--json", export]);
    harness::run("import-focus", kills, clock_from(), None, &command).assert_clean(kills);
}

#[test]
fn import_trace_killed_at_random_moments_ends_with_the_rows_of_an_uninterrupted_import() {
    let dir = tempfile::tempdir().unwrap();
    let files = inputs::azure_trace(dir.path(), 60, 2, &mut Rng::new(harness::seed()));
    let files: Vec<&str> = files.iter().map(|p| p.to_str().unwrap()).collect();
    let kills = kills_per_command();
    let command = |db: &Path| {
        let mut c = cli(
            db,
            &["import", "trace", "--format", "azure-functions-2019", "--json"],
        );
        c.args(&files);
        c
    };
    harness::run("import-trace", kills, clock_from(), None, &command).assert_clean(kills);
}

#[test]
fn demo_killed_at_random_moments_ends_with_the_rows_of_an_uninterrupted_load() {
    let kills = kills_per_command();
    let command = |db: &Path| cli(db, &["demo", "--days", "2", "--until", "2026-06-15", "--json"]);
    harness::run("demo", kills, clock_from(), Some("demo"), &command).assert_clean(kills);
}

/// Rows of `table`, 0 while the file or the table does not exist yet.
fn count(db: &Path, table: &str) -> i64 {
    Connection::open(db)
        .and_then(|c| c.query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0)))
        .unwrap_or(0)
}

#[test]
fn ctrl_c_during_sync_marks_the_run_cancelled() {
    let Some(py) = python() else { return };
    let (aws, seed) = seeded_aws(&py);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ctrl-c.sqlite");
    let mut child = aws
        .sync_command(&db, KEY, &[])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Once points are stored the sync is well past installing its handler.
    let t0 = Instant::now();
    while count(&db, "metric_points") == 0 {
        assert!(
            child.try_wait().unwrap().is_none(),
            "the sync ended before Ctrl-C"
        );
        assert!(
            t0.elapsed() < Duration::from_secs(120),
            "the sync never stored a point"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    let sent = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    let o = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    // An exit code, not death by the signal: the sync stopped itself.
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("error: cancelled"), "{err}");
    let (status, finished, error): (String, Option<i64>, Option<String>) = Connection::open(&db)
        .unwrap()
        .query_row(
            "SELECT status, finished_at, error FROM sync_runs ORDER BY id DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(status, "cancelled");
    assert!(finished.is_some());
    assert_eq!(error.as_deref(), Some("cancelled"));
    let stored = count(&db, "metric_points");
    let want = seed["metric_points"].as_i64().unwrap();
    assert!(stored > 0 && stored < want, "{stored} of {want} points");

    // What was committed stays; the next sync fetches the rest.
    let o = aws.sync_command(&db, KEY, &[]).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(count(&db, "metric_points"), want);
    assert_eq!(dump::integrity(&db), "ok");
}
