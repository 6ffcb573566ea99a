//! Sharing the database file: two writers at once, other programs' files, newer, read-only and
//! damaged databases, and `db check`. Files that are refused are hashed before and after.

use super::{account, function};
use breakeven::error_code::ErrorCode;
use breakeven::store::accounts::{self, AccountRecord};
use breakeven::store::functions::{self, FunctionRecord};
use breakeven::store::{Access, Store, StoreError, APPLICATION_ID};
use sha2::{Digest, Sha256};
use std::path::Path;
use std::process::Output;

fn digest(path: &Path) -> Vec<u8> {
    Sha256::digest(std::fs::read(path).unwrap()).to_vec()
}

fn cli(args: &[&str]) -> Output {
    crate::support::run(args)
}

fn err(o: &Output) -> String {
    crate::support::stderr(o)
}

fn fixture(rel: &str) -> String {
    format!("{}/{rel}", env!("CARGO_MANIFEST_DIR"))
}

/// Run each command on the database `db` and check that it exits with `code` and that its error
/// contains `want`.
pub(crate) fn assert_refused(
    run: impl Fn(&[&str]) -> Output,
    db: &str,
    commands: &[&[&str]],
    code: i32,
    want: &str,
) {
    for args in commands {
        let mut all = vec!["--db", db];
        all.extend_from_slice(args);
        let o = run(&all);
        let e = crate::support::stderr(&o);
        assert_eq!(o.status.code(), Some(code), "{args:?}: {e}");
        assert!(e.contains(want), "{args:?}: {e}");
    }
}

/// A Breakeven database with one account and a function, closed (its WAL checkpointed).
fn small_database(path: &Path) {
    let mut s = Store::open(path).unwrap();
    s.with_tx(|tx| -> Result<(), StoreError> {
        let a = accounts::upsert(tx, &account())?;
        functions::upsert_all(tx, a, "us-east-1", &[function("api", 512)], 1)?;
        Ok(())
    })
    .unwrap();
}

#[test]
fn two_writers_wait_for_each_other_instead_of_failing_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("w.sqlite");
    small_database(&path);
    let (held, release) = std::sync::mpsc::channel::<()>();
    let holder = {
        let path = path.clone();
        std::thread::spawn(move || {
            let mut a = Store::open(&path).unwrap();
            a.with_tx(|tx| -> Result<(), StoreError> {
                accounts::upsert(
                    tx,
                    &AccountRecord {
                        key: "a".into(),
                        ..account()
                    },
                )?;
                held.send(()).unwrap();
                std::thread::sleep(std::time::Duration::from_millis(700));
                Ok(())
            })
            .unwrap();
        })
    };
    release.recv().unwrap();
    // Reads first, then writes, while the other transaction holds the lock: it waits for it.
    let mut b = Store::open(&path).unwrap();
    let n = b
        .with_tx(|tx| -> Result<usize, StoreError> {
            let n = accounts::list(tx)?.len();
            accounts::upsert(
                tx,
                &AccountRecord {
                    key: "b".into(),
                    ..account()
                },
            )?;
            Ok(n)
        })
        .unwrap();
    holder.join().unwrap();
    assert!(n >= 1);
    assert_eq!(accounts::list(b.conn()).unwrap().len(), 3);
}

#[test]
fn a_writer_still_locked_out_gets_a_clear_busy_error_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("busy.sqlite");
    small_database(&path);
    let holder = rusqlite::Connection::open(&path).unwrap();
    holder.execute_batch("BEGIN IMMEDIATE").unwrap();
    let mut s = Store::open(&path).unwrap();
    s.set_busy_timeout(std::time::Duration::from_millis(200)).unwrap();
    let e = s
        .with_tx(|tx| accounts::upsert(tx, &account()).map(|_| ()))
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::DbBusy);
    let msg = e.to_string();
    assert!(
        msg.contains(&format!(
            "another Breakeven process is writing to database {}",
            path.display()
        )) && msg.contains("try again when it finishes")
            && !msg.contains("database is locked"),
        "{msg}"
    );
    holder.execute_batch("ROLLBACK").unwrap();
}

#[test]
fn two_focus_imports_at_once_both_succeed() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("two.sqlite").display().to_string();
    let runs: Vec<_> = [
        "fixtures/focus/multi-cloud-1.0.csv",
        "fixtures/focus/multi-cloud-1.1.csv",
    ]
    .into_iter()
    .map(|f| {
        let (db, f) = (db.clone(), fixture(f));
        std::thread::spawn(move || cli(&["--db", &db, "import", "focus", &f, "--json"]))
    })
    .collect();
    for r in runs {
        let o = r.join().unwrap();
        assert!(o.status.success(), "{}", err(&o));
    }
    let o = cli(&["--db", &db, "db", "status", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&crate::support::stdout(&o)).unwrap();
    assert!(v["focus_charges"].as_u64().unwrap() > 0, "{v}");
}

#[test]
fn a_foreign_sqlite_file_is_refused_and_left_byte_identical() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notes.sqlite");
    {
        let c = rusqlite::Connection::open(&path).unwrap();
        c.execute_batch("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT); INSERT INTO notes (body) VALUES ('mine');")
            .unwrap();
    }
    let before = digest(&path);
    let db = path.display().to_string();
    let focus = fixture("fixtures/focus/multi-cloud-1.0.csv");
    let commands: [&[&str]; 5] = [
        &["db", "status"],
        &["analyse"],
        &["demo", "--days", "1"],
        &["import", "focus", &focus],
        &["db", "check"],
    ];
    let want = format!("{db} is not a Breakeven database");
    assert_refused(cli, &db, &commands, 2, &want);
    assert_eq!(digest(&path), before, "the file changed");
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, vec!["notes.sqlite"], "files were created beside it");
    // Another program's application id is refused too.
    rusqlite::Connection::open(&path)
        .unwrap()
        .execute_batch("PRAGMA application_id = 1234;")
        .unwrap();
    let e = Store::open_with(&path, Access::Read).err().unwrap();
    assert_eq!(e.code(), ErrorCode::DbForeign);
    assert!(e.to_string().contains("application id 0x000004d2"), "{e}");
}

#[test]
fn a_newer_breakeven_database_is_refused_and_left_byte_identical() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("new.sqlite");
    small_database(&path);
    {
        let c = rusqlite::Connection::open(&path).unwrap();
        c.execute_batch("PRAGMA user_version = 99; PRAGMA journal_mode = DELETE;")
            .unwrap();
    }
    let before = digest(&path);
    let db = path.display().to_string();
    let want = format!("database {db} is at schema version 99, newer than this program supports");
    assert_refused(cli, &db, &[&["db", "status"], &["demo", "--days", "1"]], 1, &want);
    assert_eq!(digest(&path), before, "the file changed");
}

#[test]
fn a_database_created_before_the_application_id_is_recognised_and_stamped_on_the_next_write() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.sqlite");
    let app_id = |p: &Path| -> i32 {
        rusqlite::Connection::open(p)
            .unwrap()
            .pragma_query_value(None, "application_id", |r| r.get(0))
            .unwrap()
    };
    small_database(&path);
    assert_eq!(app_id(&path), APPLICATION_ID, "a new database is stamped");
    rusqlite::Connection::open(&path)
        .unwrap()
        .execute_batch("PRAGMA application_id = 0;")
        .unwrap();
    let mut s = Store::open(&path).unwrap();
    assert_eq!(accounts::list(s.conn()).unwrap().len(), 1);
    s.with_tx(|tx| accounts::add_region(tx, 1, "eu-west-1").map(|_| ()))
        .unwrap();
    drop(s);
    assert_eq!(app_id(&path), APPLICATION_ID);
}

#[test]
fn a_truncated_database_is_reported_damaged_and_left_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cut.sqlite");
    {
        let mut s = Store::open(&path).unwrap();
        s.with_tx(|tx| -> Result<(), StoreError> {
            let a = accounts::upsert(tx, &account())?;
            let names: Vec<FunctionRecord> = (0..200).map(|i| function(&format!("f{i}"), 128)).collect();
            functions::upsert_all(tx, a, "us-east-1", &names, 1)?;
            Ok(())
        })
        .unwrap();
    }
    let bytes = std::fs::read(&path).unwrap();
    std::fs::write(&path, &bytes[..bytes.len() / 2]).unwrap();
    let before = digest(&path);
    let db = path.display().to_string();
    let commands: [&[&str]; 3] = [&["db", "status"], &["analyse"], &["demo", "--days", "1"]];
    let want = format!("database {db} is damaged");
    assert_refused(cli, &db, &commands, 1, &want);
    assert_refused(cli, &db, &commands, 1, "run `breakeven db check`");
    assert_eq!(digest(&path), before, "the file changed");
    let o = cli(&["--db", &db, "db", "check"]);
    assert_eq!(o.status.code(), Some(1), "{}", err(&o));
    assert!(
        crate::support::stdout(&o).contains("integrity: "),
        "{}",
        crate::support::stdout(&o)
    );
    assert_eq!(digest(&path), before);
}

#[test]
fn db_check_passes_a_sound_database_and_names_what_is_broken_in_a_damaged_one() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("check.sqlite");
    small_database(&path);
    let db = path.display().to_string();
    let o = cli(&["--db", &db, "db", "check"]);
    assert!(o.status.success(), "{}", err(&o));
    assert!(crate::support::stdout(&o).contains("no problem found"));
    rusqlite::Connection::open(&path)
        .unwrap()
        .execute_batch(
            "PRAGMA foreign_keys = OFF;
             INSERT INTO metric_series (id, function_id, metric, stat, period_s) VALUES (50, 4242, 'Errors', 'Sum', 60);
             INSERT INTO daily_costs VALUES (1, '2026-01-01', 'AWS Lambda', 'x', '0.1', '12,50', 'USD', '1', 'Requests', 0);
             INSERT INTO sync_cursors VALUES (1, 'us-east-1', 'cloudwatch', 'api@60', 99999999999, 0);
             INSERT INTO metric_series (id, function_id, metric, stat, period_s, points)
               VALUES (51, (SELECT MIN(id) FROM functions), 'Invocations', 'Sum', 60, 3);",
        )
        .unwrap();
    let o = cli(&["--db", &db, "db", "check", "--json"]);
    assert_eq!(o.status.code(), Some(1), "{}", err(&o));
    let v: serde_json::Value = serde_json::from_str(&crate::support::stdout(&o)).unwrap();
    let checks: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["check"].as_str().unwrap())
        .collect();
    for want in [
        "foreign_keys",
        "orphan_series",
        "series_summary",
        "cursors",
        "decimals",
    ] {
        assert!(checks.contains(&want), "{want}: {v}");
    }
    assert!(
        err(&o).contains(&format!("problem(s) found in {db}")),
        "{}",
        err(&o)
    );
}

/// Run the CLI as a user who cannot write files owned by this one: `nobody` when the tests run
/// as root (root writes any file), else this user (the file is made read-only instead).
#[cfg(unix)]
fn run_unprivileged(args: &[&str], home: &Path) -> Output {
    use std::os::unix::process::CommandExt;
    let root = running_as_root();
    let exe = if root {
        unprivileged_copy(home)
    } else {
        crate::support::bin()
    };
    let mut cmd = std::process::Command::new(exe);
    cmd.args(args)
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"));
    if root {
        cmd.uid(65534).gid(65534);
    }
    cmd.output().unwrap()
}

/// A copy of the CLI that `nobody` may run, in `home` (removed with it): the build's own binary
/// can sit below a home folder only its owner may enter (root's, in CI).
#[cfg(unix)]
fn unprivileged_copy(home: &Path) -> std::path::PathBuf {
    let exe = home.join("breakeven");
    if !exe.exists() {
        std::fs::copy(crate::support::bin(), &exe).unwrap();
        chmod(&exe, 0o755);
    }
    exe
}

#[cfg(unix)]
fn running_as_root() -> bool {
    use std::os::unix::fs::MetadataExt;
    let probe = tempfile::tempdir().unwrap();
    std::fs::metadata(probe.path()).unwrap().uid() == 0
}

#[cfg(unix)]
fn chmod(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

#[cfg(unix)]
#[test]
fn a_read_only_database_serves_read_commands_and_refuses_writes() {
    let root = running_as_root();
    let top = tempfile::tempdir().unwrap();
    chmod(top.path(), 0o755);
    let home = top.path().join("home");
    std::fs::create_dir(&home).unwrap();
    chmod(&home, 0o777);
    // A folder the reader may write to (SQLite creates its -shm there), then one it may not.
    for (name, dir_mode) in [("open", 0o777), ("closed", 0o555)] {
        let dir = top.path().join(name);
        std::fs::create_dir(&dir).unwrap();
        let path = dir.join("ro.sqlite");
        let db = path.display().to_string();
        let o = cli(&["--db", &db, "demo", "--days", "2", "--until", "2026-06-15"]);
        assert!(o.status.success(), "{}", err(&o));
        chmod(&path, if root { 0o644 } else { 0o444 });
        chmod(&dir, dir_mode);
        let before = digest(&path);
        let o = run_unprivileged(&["--db", &db, "db", "status", "--json"], &home);
        assert!(o.status.success(), "{name}: db status: {}", err(&o));
        let v: serde_json::Value = serde_json::from_str(&crate::support::stdout(&o)).unwrap();
        assert_eq!(v["accounts"][0]["key"], "demo");
        if name == "open" {
            let o = run_unprivileged(&["--db", &db, "analyse", "--json"], &home);
            assert!(o.status.success(), "analyse: {}", err(&o));
        }
        let focus = fixture("fixtures/focus/multi-cloud-1.0.csv");
        let commands: [&[&str]; 2] = [&["import", "focus", &focus], &["demo", "--days", "1"]];
        let want = format!("{db} is read-only: this command writes to it");
        assert_refused(|args| run_unprivileged(args, &home), &db, &commands, 1, &want);
        assert_eq!(digest(&path), before, "{name}: the file changed");
        chmod(&dir, 0o755);
    }
}
