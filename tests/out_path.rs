//! `--out` writes only at the path named: never over the database or an input, never through a
//! symbolic link, and nothing is changed when it refuses (exit 2, files hashed before and after).

use crate::support::{run, stderr};
use sha2::{Digest, Sha256};
use std::path::Path;

fn digest(p: &Path) -> Vec<u8> {
    Sha256::digest(std::fs::read(p).expect("read")).to_vec()
}

fn fixture(rel: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(rel)
        .display()
        .to_string()
}

/// A database holding one imported trace day.
fn stored(dir: &Path) -> String {
    let db = dir.join("d.sqlite").display().to_string();
    let ok = run(&[
        "--db",
        &db,
        "import",
        "trace",
        "--format",
        "azure-functions-2019",
        &fixture("fixtures/traces/invocations_per_function_md.anon.d01.csv"),
    ]);
    assert!(ok.status.success(), "{}", stderr(&ok));
    db
}

#[test]
fn report_out_naming_the_database_is_refused_and_the_database_kept() {
    let dir = tempfile::tempdir().unwrap();
    let db = stored(dir.path());
    let before = digest(Path::new(&db));
    for out in [
        db.clone(),
        format!("{db}-wal"),
        format!("{}/./d.sqlite", dir.path().display()),
    ] {
        let o = run(&[
            "--db",
            &db,
            "report",
            "--account",
            "--format",
            "html",
            "--out",
            &out,
        ]);
        if !Path::new(&out).exists() {
            continue; // No WAL left behind: nothing there to protect.
        }
        assert_eq!(o.status.code(), Some(2), "{out}: {}", stderr(&o));
        assert!(
            stderr(&o).contains("is the database, which this command reads"),
            "{}",
            stderr(&o)
        );
    }
    assert_eq!(digest(Path::new(&db)), before);
    let o = run(&["--db", &db, "db", "status"]);
    assert!(o.status.success(), "the database still opens: {}", stderr(&o));
}

#[test]
fn report_out_naming_the_scenario_is_refused_and_the_scenario_kept() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join("s.toml");
    std::fs::copy(fixture("fixtures/scenarios/three-platforms.toml"), &scenario).unwrap();
    let before = digest(&scenario);
    let s = scenario.display().to_string();
    let db = dir.path().join("unused.sqlite").display().to_string();
    let o = run(&[
        "--db",
        &db,
        "report",
        "--scenario",
        &s,
        "--no-sweep",
        "--no-tune",
        "--out",
        &s,
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("is the scenario, which this command reads"),
        "{}",
        stderr(&o)
    );
    assert_eq!(digest(&scenario), before);
}

#[cfg(unix)]
#[test]
fn report_out_through_a_symlink_is_refused_and_the_link_target_kept() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("notes.txt");
    std::fs::write(&target, "precious").unwrap();
    let link = dir.path().join("link.html");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let db = dir.path().join("unused.sqlite").display().to_string();
    let o = run(&[
        "--db",
        &db,
        "report",
        "--scenario",
        &fixture("fixtures/scenarios/three-platforms.toml"),
        "--no-sweep",
        "--no-tune",
        "--out",
        &link.display().to_string(),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("symbolic link"), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "precious");
    assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
}
