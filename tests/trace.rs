//! `breakeven import trace --format azure-functions-2019`: functions with per-minute counts,
//! durations and memory; idempotent, atomic, positioned errors; replayable by `scenario`.

use crate::support::{run, stderr, stdout};
use breakeven::store::{functions, Store};
use std::path::{Path, PathBuf};

pub fn fixture(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/traces")
        .join(name)
        .display()
        .to_string()
}

pub fn import(db: &Path, files: &[&str]) -> std::process::Output {
    let db = db.display().to_string();
    let mut args = vec![
        "--db",
        db.as_str(),
        "import",
        "trace",
        "--format",
        "azure-functions-2019",
        "--json",
    ];
    args.extend_from_slice(files);
    run(&args)
}

fn json(out: &std::process::Output) -> serde_json::Value {
    assert!(out.status.success(), "{}", stderr(out));
    serde_json::from_str(&stdout(out)).expect("JSON output")
}

const INVOCATIONS: &str = "invocations_per_function_md.anon.d01.csv";

/// Σ of every minute cell of an invocations file, by its own reading.
fn file_total(path: &Path) -> u64 {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .skip(1)
        .flat_map(|l| {
            l.split(',')
                .skip(4)
                .map(|c| c.parse::<u64>().unwrap())
                .collect::<Vec<_>>()
        })
        .sum()
}

#[test]
fn a_trace_day_becomes_functions_with_minute_counts_durations_and_memory() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.sqlite");
    // Only the invocations file is named: durations and memory are found beside it.
    let v = json(&import(&db, &[&fixture(INVOCATIONS)]));
    assert_eq!(v["functions"], 3);
    assert_eq!(v["invocations"], file_total(Path::new(&fixture(INVOCATIONS))));
    assert_eq!(v["files"].as_array().unwrap().len(), 3);
    assert_eq!(v["files"][1]["found_alongside"], true);
    assert_eq!(v["durations_skipped"], 1);
    let store = Store::open(&db).unwrap();
    let fs = functions::list(store.conn()).unwrap();
    let memory: Vec<(String, u32, String)> = fs
        .iter()
        .map(|f| {
            (
                f.config.name.clone(),
                f.config.memory_mb,
                f.config.package_type.clone(),
            )
        })
        .collect();
    assert_eq!(
        memory,
        [
            ("beefbeef0003".to_string(), 384, "trace:queue".to_string()),
            ("f00dcafe0001".to_string(), 256, "trace:http".to_string()),
            ("f00dcafe0002".to_string(), 256, "trace:timer".to_string()),
        ]
    );
    // The timer function: one invocation every 5 minutes, stored at 2019-01-01 00:00, 00:05, …
    let id = fs.iter().find(|f| f.config.name == "f00dcafe0002").unwrap().id;
    let series = breakeven::store::metrics::series_of(store.conn(), id, "Invocations", "Sum").unwrap();
    let points = breakeven::store::metrics::points(store.conn(), series[0].0, 0, i64::MAX).unwrap();
    assert_eq!(points.len(), 288);
    assert_eq!(points[1], (1_546_300_800 + 300, 1.0));
    // Its p99 as analytics reads it (the usage `analyse` and scenario extraction use).
    use breakeven::analytics::{frames, read::f64s, usage};
    use polars::prelude::IntoLazy;
    let points = frames::function_points(store.conn(), id, 0, i64::MAX).unwrap();
    let series = frames::function_series(store.conn(), id).unwrap();
    let days = usage::function_days(points.lazy(), &series).unwrap();
    let totals = usage::function_totals(days).collect().unwrap();
    assert_eq!(f64s(&totals, "duration_p99_ms").unwrap(), [Some(3500.0)]);
}

#[test]
fn importing_a_trace_again_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.sqlite");
    assert!(
        json(&import(&db, &[&fixture(INVOCATIONS)]))["rows_written"]
            .as_u64()
            .unwrap()
            > 0
    );
    let before = std::fs::read(&db).unwrap();
    assert_eq!(json(&import(&db, &[&fixture(INVOCATIONS)]))["rows_written"], 0);
    assert_eq!(std::fs::read(&db).unwrap(), before);
}

#[test]
fn a_bad_trace_names_file_line_and_column_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.sqlite");
    json(&import(&db, &[&fixture(INVOCATIONS)]));
    let before = std::fs::read(&db).unwrap();
    let out = import(&db, &[&fixture("bad/invocations-bad-count.csv")]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("invocations-bad-count.csv:3:104: minute 100: \"-3\" is not a count"),
        "{}",
        stderr(&out)
    );
    assert_eq!(std::fs::read(&db).unwrap(), before);
    let out = run(&[
        "--db",
        db.to_str().unwrap(),
        "import",
        "trace",
        "--format",
        "azure-2021",
        &fixture(INVOCATIONS),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("azure-functions-2019"), "{}", stderr(&out));
}

/// The ten-function public sample, read from beside the repository.
fn public_sample() -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/external/azure-functions-2019-sample");
    p.join("invocations.csv").exists().then_some(p)
}

#[test]
fn the_public_ten_function_sample_imports_and_replays() {
    let Some(dir_in) = public_sample() else {
        println!("note: skipped: the Azure Functions 2019 sample is not beside the repository");
        return;
    };
    let inv = dir_in.join("invocations.csv");
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.sqlite");
    let v = json(&import(&db, &[inv.to_str().unwrap()]));
    assert_eq!(v["functions"], 10);
    assert_eq!(v["invocations"], file_total(&inv));
    // durations.csv is found beside it and every row belongs to a function of the day.
    assert_eq!(v["files"][1]["kind"], "durations");
    assert_eq!(v["durations_skipped"], 0);
    let busiest = v["busiest"][0][0].as_str().unwrap().to_string();
    let out = run(&[
        "--db",
        db.to_str().unwrap(),
        "scenario",
        "from-function",
        &busiest,
        "--days",
        "1",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let toml = stdout(&out);
    assert!(toml.contains("process = \"replay\""), "{toml}");
    assert!(toml.contains("id = \"azure-functions-consumption\""), "{toml}");
}

#[test]
fn analyse_prices_a_trace_on_azure_functions_without_a_lambda_reconciliation() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.sqlite");
    json(&import(&db, &[&fixture(INVOCATIONS)]));
    let out = run(&["--db", db.to_str().unwrap(), "analyse", "--json"]);
    let v = json(&out);
    assert_eq!(v["platform"], "azure-functions-consumption");
    assert_eq!(v["reconciliation"]["days"].as_array().unwrap().len(), 0);
    assert_eq!(v["usage_cost"]["free_tier_credit_usd"], "0");
    // Each function's cost is the one `scenario from-function` compares its replay with.
    let store = Store::open(&db).unwrap();
    let catalog = breakeven_simulator::pricing::PriceCatalog::bundled().unwrap();
    let day: breakeven::store::Day = "2019-01-01".parse().unwrap();
    for f in v["functions"].as_array().unwrap() {
        let name = f["name"].as_str().unwrap();
        let uc = breakeven::app::analyse::usage_cost(&store, &catalog, None, name, day, day).unwrap();
        assert_eq!(uc.breakdown.platform, "azure-functions-consumption");
        let analysed: rust_decimal::Decimal = f["cost"]["total_usd"].as_str().unwrap().parse().unwrap();
        assert!(
            (analysed - uc.breakdown.total.0).abs() < rust_decimal::Decimal::new(1, 8),
            "{name}: {analysed} vs {}",
            uc.breakdown.total
        );
    }
    let text = stdout(&run(&["--db", db.to_str().unwrap(), "analyse"]));
    assert!(text.contains("usage-derived Azure Functions"), "{text}");
    assert!(text.contains("no Lambda bill"), "{text}");
    let md = dir.path().join("account.md");
    let out = run(&[
        "--db",
        db.to_str().unwrap(),
        "report",
        "--account",
        "--format",
        "md",
        "--out",
        md.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let md = std::fs::read_to_string(md).unwrap();
    assert!(md.contains("no bill is stored to compare it with"), "{md}");
    assert!(!md.contains("matching the bill"), "{md}");
}

/// An invocations file of one function whose minute `minute` (1-based) holds `cell`, every other
/// minute 1 invocation, written under `dir`.
fn one_row_trace(dir: &Path, cell: &str, minute: usize) -> PathBuf {
    let mut header = String::from("HashOwner,HashApp,HashFunction,Trigger");
    let mut row = String::from("aaaa1111,bbbb2222,cccc33334444,http");
    for m in 1..=1440 {
        header += &format!(",{m}");
        row += ",";
        row += if m == minute { cell } else { "1" };
    }
    let path = dir.join("invocations.d01.csv");
    std::fs::write(&path, format!("{header}\n{row}\n")).unwrap();
    path
}

#[test]
fn import_trace_refuses_a_minute_count_of_u64_max_instead_of_wrapping() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.sqlite");
    json(&import(&db, &[&fixture(INVOCATIONS)]));
    let before = std::fs::read(&db).unwrap();
    for (cell, minute) in [("18446744073709551615", 7), ("1000000001", 1440)] {
        let file = one_row_trace(dir.path(), cell, minute);
        let out = import(&db, &[file.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
        let want = format!(
            "invocations.d01.csv:2:{}: minute {minute}: {cell} invocations is above the limit of 1000000000 a minute",
            minute + 4
        );
        assert!(stderr(&out).contains(&want), "{}", stderr(&out));
        assert_eq!(std::fs::read(&db).unwrap(), before, "{cell}");
    }
    // The limit itself is accepted, and summed exactly.
    let file = one_row_trace(dir.path(), "1000000000", 3);
    let v = json(&import(&db, &[file.to_str().unwrap()]));
    assert_eq!(v["invocations"], 1_000_000_000u64 + 1439);
}

/// Run the CLI like [`run`], but fail the test if it takes longer than `secs` (a hang).
fn run_within(args: &[&str], secs: u64) -> std::process::Output {
    use std::process::{Command, Stdio};
    let home = tempfile::tempdir().unwrap();
    let mut child = Command::new(crate::support::bin())
        .args(args)
        .env("HOME", home.path())
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .env("XDG_DATA_HOME", home.path().join("data"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let t0 = std::time::Instant::now();
    while child.try_wait().unwrap().is_none() {
        if t0.elapsed().as_secs() > secs {
            child.kill().unwrap();
            child.wait().unwrap();
            panic!("{args:?} still ran after {secs} s");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

#[test]
fn scenario_from_function_refuses_a_stored_count_of_1e12_a_minute_instead_of_hanging() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.sqlite");
    json(&import(&db, &[&fixture(INVOCATIONS)]));
    // A count the importer now refuses, written straight into the store (an older import, a
    // corrupt file of another source): the timer function's 00:05 minute.
    let changed = Store::open(&db)
        .unwrap()
        .conn()
        .execute(
            "UPDATE metric_points SET value = 1e12 WHERE ts = ?1 AND series_id IN (
                 SELECT s.id FROM metric_series s JOIN functions f ON f.id = s.function_id
                 WHERE f.name = 'f00dcafe0002' AND s.metric = 'Invocations' AND s.period_s = 60)",
            [1_546_300_800i64 + 300],
        )
        .unwrap();
    assert_eq!(changed, 1);
    let dbs = db.to_str().unwrap();
    let md = dir.path().join("f.md");
    let md = md.to_str().unwrap();
    let want = "`f00dcafe0002` has 1,000,000,000,000 invocations stored in the minute of 2019-01-01 00:05 UTC, above the limit of 60,000,000 a minute";
    for args in [
        vec![
            "--db",
            dbs,
            "scenario",
            "from-function",
            "f00dcafe0002",
            "--days",
            "1",
        ],
        vec![
            "--db",
            dbs,
            "report",
            "--function",
            "f00dcafe0002",
            "--format",
            "md",
            "--out",
            md,
        ],
    ] {
        let out = run_within(&args, 60);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(want), "{args:?}: {}", stderr(&out));
    }
}

#[test]
fn a_trace_with_invalid_utf8_exits_2_with_one_positioned_message() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.sqlite");
    json(&import(&db, &[&fixture(INVOCATIONS)]));
    let before = std::fs::read(&db).unwrap();
    let file = one_row_trace(dir.path(), "1", 1);
    // Latin-1 "é" (0xE9) in the row's Trigger (column 4).
    let text = std::fs::read(&file).unwrap();
    let at = text.windows(5).position(|w| w == b",http").unwrap() + 1;
    std::fs::write(&file, [&text[..at], &b"htt\xe9p"[..], &text[at + 4..]].concat()).unwrap();
    let out = import(&db, &[file.to_str().unwrap()]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("invocations.d01.csv:2:4: not valid UTF-8 text"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "one message: {err}");
    assert_eq!(err.matches("invocations.d01.csv").count(), 1, "{err}");
    assert_eq!(std::fs::read(&db).unwrap(), before);
}
