//! The kill loop: run a command once uninterrupted into a reference database, then again and
//! again on fresh databases, SIGKILL it at random moments (one to three times in a row on the same
//! database, each run resuming what the killed one left), let it finish, and compare.
//!
//! Every kill is followed by `PRAGMA integrity_check`, and every completed run by a comparison of
//! its canonical rows ([`super::dump`]) with the reference's and a check of its run records.

use super::dump::{self, Dump};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Kills per command when `BREAKEVEN_KILLS` is not set: small enough for every test run.
pub const DEFAULT_KILLS: u32 = 8;
/// Seed of the kill moments when `BREAKEVEN_KILL_SEED` is not set.
pub const DEFAULT_SEED: u64 = 20_261_207;
/// Kills in a row on one database before it is run to completion (1 to this many).
const MAX_CHAIN: u64 = 3;

/// Kills per command: `BREAKEVEN_KILLS`, else [`DEFAULT_KILLS`].
pub fn kills_per_command() -> u32 {
    std::env::var("BREAKEVEN_KILLS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(DEFAULT_KILLS)
}

/// `BREAKEVEN_KILL_SEED`, else [`DEFAULT_SEED`].
pub fn seed() -> u64 {
    std::env::var("BREAKEVEN_KILL_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(DEFAULT_SEED)
}

/// The demo generator's SplitMix64: seeded, and its output for a seed fixed by its definition.
pub use breakeven::ingest::demo::rng::Rng;

/// Uniform in `0..n` (`n` > 0).
pub fn below(rng: &mut Rng, n: u64) -> u64 {
    rng.next_u64() % n
}

/// `breakeven --db DB ARGS…` with an isolated home: no user config or catalog override leaks in.
pub fn cli(db: &Path, args: &[&str]) -> Command {
    let home = db.parent().expect("db dir");
    let mut c = Command::new(crate::support::bin());
    c.arg("--db")
        .arg(db)
        .args(args)
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"));
    c
}

/// What the loop found for one command.
#[derive(Debug, Default)]
pub struct Outcome {
    pub command: String,
    /// SIGKILLs delivered to a running process.
    pub kills: u32,
    /// Kills whose database, once the command was run to completion, matched the reference.
    pub survived: u32,
    /// Runs that ended on their own before their kill moment (not counted as kills).
    pub finished_first: u32,
    pub reference_ms: u128,
    /// One line per completed database that differed, or a kill that broke the file.
    pub mismatches: Vec<String>,
}

impl Outcome {
    /// The line `scripts/kill-harness.sh` collects.
    pub fn summary(&self) -> String {
        format!(
            "kill-harness: {} {}/{} kills survived, {} mismatches ({} runs ended before their kill; reference run {} ms)",
            self.command,
            self.survived,
            self.kills,
            self.mismatches.len(),
            self.finished_first,
            self.reference_ms
        )
    }

    /// Print the summary and fail on any mismatch or missing kill.
    pub fn assert_clean(&self, wanted: u32) {
        eprintln!("{}", self.summary());
        assert!(
            self.mismatches.is_empty(),
            "{}\n{}",
            self.summary(),
            self.mismatches.join("\n")
        );
        assert_eq!(self.kills, wanted, "{}", self.summary());
    }
}

/// Run `command(db)` to completion: `Err` with the exit code and stderr unless it exits 0.
fn complete(command: &dyn Fn(&Path) -> Command, db: &Path) -> Result<(), String> {
    let o = command(db).stdin(Stdio::null()).output().expect("run breakeven");
    if o.status.success() {
        Ok(())
    } else {
        Err(format!(
            "exit {:?}: {}",
            o.status.code(),
            String::from_utf8_lossy(&o.stderr)
        ))
    }
}

/// Kill `command` at random moments `kills` times (see the module doc) and compare every
/// completed database with an uninterrupted run. `clock_from`: Unix seconds before the first
/// run, for [`dump::dump`]'s run-minute rule. `sync_source`: the `sync_runs.source` the command
/// records, if it records runs.
pub fn run(
    name: &str,
    kills: u32,
    clock_from: i64,
    sync_source: Option<&str>,
    command: &dyn Fn(&Path) -> Command,
) -> Outcome {
    let dir = tempfile::tempdir().expect("temp dir");
    let reference = dir.path().join("reference.sqlite");
    let t0 = Instant::now();
    complete(command, &reference).unwrap_or_else(|e| panic!("{name}: the reference run failed: {e}"));
    let mut out = Outcome {
        command: name.to_string(),
        reference_ms: t0.elapsed().as_millis(),
        ..Outcome::default()
    };
    let want = dump::dump(&reference, clock_from);
    assert_eq!(dump::integrity(&reference), "ok", "{name}: reference");
    // A second uninterrupted run: the same rows (else nothing can be compared), and its time, with
    // caches and the test server warm, bounds the kill moments (the first run can be much slower,
    // and a kill after the end is no kill).
    let second = dir.path().join("second.sqlite");
    let t1 = Instant::now();
    complete(command, &second).unwrap_or_else(|e| panic!("{name}: the second run failed: {e}"));
    let second_ms = t1.elapsed().as_millis();
    if let Err(why) = compare(&want, &second, clock_from, sync_source) {
        panic!("{name}: two uninterrupted runs differ: {why}");
    }
    let window_ms = out.reference_ms.min(second_ms).max(1) as u64;
    let mut rng = Rng::new(seed()).fork(name);
    let mut attempts = 0u32;
    let mut iteration = 0u32;
    while out.kills < kills && attempts < kills * 10 + 10 {
        iteration += 1;
        let db = dir.path().join(format!("run-{iteration}.sqlite"));
        let chain = 1 + below(&mut rng, MAX_CHAIN) as u32;
        let mut chain_kills = 0;
        let mut broken = None;
        for _ in 0..chain.min(kills - out.kills) {
            attempts += 1;
            let delay = Duration::from_millis(below(&mut rng, window_ms));
            if kill_after(command, &db, delay) {
                chain_kills += 1;
                out.kills += 1;
                let check = dump::integrity(&db);
                if check != "ok" {
                    broken = Some(format!("integrity_check after a kill at {delay:?}: {check}"));
                    break;
                }
            } else {
                out.finished_first += 1;
            }
        }
        let verdict = match broken {
            Some(b) => Err(b),
            None => complete(command, &db)
                .map_err(|e| format!("the run after the kill failed: {e}"))
                .and_then(|()| compare(&want, &db, clock_from, sync_source)),
        };
        match verdict {
            Ok(()) => {
                out.survived += chain_kills;
                let _ = std::fs::remove_file(&db);
            }
            Err(why) => {
                let kept = keep(&db, name, iteration);
                out.mismatches.push(format!(
                    "{name} run {iteration} ({chain_kills} kill(s)): {why} [database kept at {}]",
                    kept.display()
                ));
            }
        }
        for suffix in ["-wal", "-shm", "-journal"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
        }
    }
    out
}

/// Start `command` on `db`, SIGKILL it after `delay`; false when it ended on its own first.
fn kill_after(command: &dyn Fn(&Path) -> Command, db: &Path, delay: Duration) -> bool {
    let mut child = command(db)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start breakeven");
    std::thread::sleep(delay);
    let killed = match child.try_wait().expect("poll breakeven") {
        Some(_) => false,
        // `Child::kill` sends SIGKILL on Unix.
        None => child.kill().is_ok(),
    };
    child.wait().expect("reap breakeven");
    killed
}

/// The completed database against the reference: rows, integrity, run records.
fn compare(want: &Dump, db: &Path, clock_from: i64, sync_source: Option<&str>) -> Result<(), String> {
    let check = dump::integrity(db);
    if check != "ok" {
        return Err(format!("integrity_check: {check}"));
    }
    let got = dump::dump(db, clock_from);
    if got != *want {
        return Err(dump::describe_difference(want, &got));
    }
    if let Some(source) = sync_source {
        dump::runs_ended_well(db, source)?;
    }
    Ok(())
}

/// Keep a differing database next to the build for inspection.
fn keep(db: &Path, name: &str, iteration: u32) -> PathBuf {
    let dir = std::env::temp_dir().join("breakeven-kill-harness");
    let _ = std::fs::create_dir_all(&dir);
    let to = dir.join(format!("{name}-{}-run-{iteration}.sqlite", std::process::id()));
    let _ = std::fs::copy(db, &to);
    to
}
