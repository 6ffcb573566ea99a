//! Fuzzing in the test suite: a short, deterministic run of every fuzz target of
//! `examples/fuzz.rs` (the CI budget: a fixed number of runs from a fixed seed, capped in time),
//! and the regression tests of what the long runs found, named after it. The engine and the
//! targets are the example's own files.

#[path = "../examples/fuzz/alloc.rs"]
#[allow(dead_code)]
pub mod alloc;
#[path = "../examples/fuzz/engine.rs"]
#[allow(dead_code)]
pub mod engine;
#[path = "../examples/fuzz/gen.rs"]
#[allow(dead_code)]
pub mod gen;
#[path = "../examples/fuzz/mutate.rs"]
#[allow(dead_code)]
pub mod mutate;
#[path = "../examples/fuzz/parquet_file.rs"]
#[allow(dead_code)]
pub mod parquet_file;
#[path = "../examples/fuzz/targets.rs"]
#[allow(dead_code)]
pub mod targets;

use std::time::Duration;

/// Runs per target in the CI budget, and the time cap on them.
const CI_EXECS: u64 = 3_000;
const CI_SECONDS: f64 = 2.0;

/// Fuzz `name` briefly; fail with every finding and its reproducer.
fn smoke(name: &str) {
    let target = targets::all()
        .into_iter()
        .find(|t| t.name == name)
        .expect("a fuzz target of that name");
    let out = tempfile::tempdir().unwrap();
    let r = engine::fuzz(
        &target,
        Duration::from_secs_f64(CI_SECONDS),
        CI_EXECS,
        1,
        out.path(),
    );
    assert!(r.execs > 0, "{name}: nothing ran");
    let found: Vec<String> = r
        .findings
        .iter()
        .map(|f| {
            let input = std::fs::read(&f.reproducer).unwrap_or_default();
            format!(
                "{} {}: input {:?}",
                f.kind.as_str(),
                f.message,
                String::from_utf8_lossy(&input[..input.len().min(300)])
            )
        })
        .collect();
    assert!(found.is_empty(), "{name}: {found:#?}");
}

macro_rules! smoke_tests {
    ($($test:ident => $name:literal $(, ignore = $why:literal)?;)*) => {$(
        #[test]
        $(#[ignore = $why])?
        fn $test() {
            smoke($name);
        }
    )*};
}

smoke_tests! {
    fuzz_scenario_toml => "scenario";
    fuzz_replay_counts => "replay-counts";
    fuzz_catalog_override => "catalog";
    fuzz_focus_csv => "focus-csv";
    fuzz_focus_parquet => "focus-parquet";
    fuzz_azure_trace => "trace";
    fuzz_azure_trace_import => "trace-import";
    fuzz_cli_counts_and_decimals => "cli-number";
    fuzz_cli_durations => "cli-duration";
    fuzz_cli_dates => "cli-date";
    fuzz_cli_ranges => "cli-range";
    fuzz_cli_estimate_flags => "cli-estimate";
}

#[test]
fn every_fuzz_target_has_a_ci_smoke_test() {
    let names: Vec<&str> = targets::all().iter().map(|t| t.name).collect();
    assert_eq!(
        names,
        [
            "scenario",
            "replay-counts",
            "catalog",
            "focus-csv",
            "focus-parquet",
            "trace",
            "trace-import",
            "cli-number",
            "cli-duration",
            "cli-date",
            "cli-range",
            "cli-estimate"
        ]
    );
}

#[test]
fn every_seed_is_accepted_or_rejected_without_a_finding() {
    for t in targets::all() {
        let seeds = (t.seeds)();
        assert!(!seeds.is_empty(), "{}: no seeds", t.name);
        for s in seeds {
            let e = engine::execute(&t, &s);
            assert!(e.panic.is_none(), "{}: {:?}", t.name, e.panic);
        }
    }
}
