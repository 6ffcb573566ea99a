//! `breakeven db bench`: how fast the store takes metric points, against a naive baseline measured
//! in the same run.

use crate::app::error::{AppError, Result};
use crate::error_code::ErrorCode;
use crate::model::records::{AccountRecord, AccountSource, FunctionRecord};
use crate::store::metrics::{series_id, PointWriter, SeriesKey};
use crate::store::scratch::ScratchDir;
use crate::store::{accounts, functions, Store};
use serde::Serialize;
use std::path::Path;
use std::time::Instant;

/// Most points `db bench --rows` inserts: 50 million, 50× the default. The run keeps a tenth of
/// them in memory (16 bytes each: 80 MB) and its temporary database with its WAL takes about
/// 3 GB of disk at this size.
pub const MAX_BENCH_ROWS: u64 = 50_000_000;

/// Most points of the naive baseline (`--baseline-rows`): 1 million, 50× the default. Each is
/// its own committed transaction, at 10–50 thousand a second.
pub const MAX_BASELINE_ROWS: u64 = 1_000_000;

/// Insert throughput of metric points, against a naive baseline measured in the same run.
#[derive(Debug, Clone, Serialize)]
pub struct BenchReport {
    pub rows: u64,
    pub seconds: f64,
    pub rows_per_s: f64,
    /// Baseline: one INSERT statement per row, each in its own (autocommit) transaction.
    pub baseline_rows: u64,
    pub baseline_seconds: f64,
    pub baseline_rows_per_s: f64,
    /// rows_per_s / baseline_rows_per_s.
    pub speedup: f64,
}

/// Time bulk inserts of `rows` points (the path a sync takes: one transaction, a prepared
/// upsert) and `baseline_rows` naive inserts, in a fresh database file in `dir`.
/// The folder and its database are removed afterwards, also when the run fails.
pub fn run(dir: &Path, rows: u64, baseline_rows: u64) -> Result<BenchReport> {
    for (flag, value, max) in [
        ("--rows", rows, MAX_BENCH_ROWS),
        ("--baseline-rows", baseline_rows, MAX_BASELINE_ROWS),
    ] {
        if value > max {
            return Err(AppError::bad_input(
                ErrorCode::DbBenchRows,
                format!("{flag} is {value}; the most `db bench` inserts is {max}"),
            ));
        }
    }
    let scratch = ScratchDir::new(dir)?;
    bench_in(&scratch.path().join("bench.sqlite"), rows, baseline_rows)
}

/// Series per function in the benchmark (a sync writes about this many per function).
const SERIES: u64 = 10;

fn bench_in(path: &Path, rows: u64, baseline_rows: u64) -> Result<BenchReport> {
    let mut store = Store::open(path)?;
    let account = AccountRecord {
        key: "bench".into(),
        name: "bench".into(),
        source: AccountSource::Bench,
        profile: None,
    };
    let f = FunctionRecord {
        name: "bench".into(),
        arn: "arn:aws:lambda:us-east-1:000000000000:function:bench".into(),
        runtime: None,
        memory_mb: 128,
        architecture: "x86_64".into(),
        timeout_s: 3,
        ephemeral_storage_mb: 512,
        package_type: "Zip".into(),
        provisioned_concurrency: 0,
        last_modified: None,
    };
    let ids: Vec<i64> = store.with_tx(|tx| -> Result<Vec<i64>> {
        let a = accounts::upsert(tx, &account)?;
        functions::upsert_all(tx, a, "us-east-1", std::slice::from_ref(&f), 0)?;
        let fid = functions::ids(tx, a, "us-east-1")?
            .get("bench")
            .copied()
            .unwrap_or_default();
        (0..SERIES + 1)
            .map(|i| {
                let k = SeriesKey {
                    function_id: fid,
                    metric: format!("m{i}"),
                    stat: "Sum".into(),
                    period_s: 60,
                    resource: String::new(),
                };
                Ok(series_id(tx, &k)?)
            })
            .collect()
    })?;
    let per_series = rows.div_ceil(SERIES).max(1);
    let points: Vec<(i64, f64)> = (0..per_series as i64)
        .map(|i| (1_700_000_000 + 60 * i, (i % 97) as f64))
        .collect();
    let t = Instant::now();
    let written = store.with_tx(|tx| -> Result<u64> {
        let mut w = PointWriter::new(tx)?;
        let mut n = 0;
        for sid in &ids[..SERIES as usize] {
            n += w.write(*sid, &points)? as u64;
        }
        w.finish()?;
        Ok(n)
    })?;
    let seconds = t.elapsed().as_secs_f64();

    let baseline_series = ids[SERIES as usize];
    let t = Instant::now();
    for i in 0..baseline_rows as i64 {
        store
            .conn()
            .execute(
                "INSERT INTO metric_points (series_id, ts, value) VALUES (?1, ?2, ?3)",
                rusqlite::params![baseline_series, 1_700_000_000 + 60 * i, (i % 97) as f64],
            )
            .map_err(|source| crate::store::StoreError::Sql {
                context: "baseline insert",
                source,
            })?;
    }
    let baseline_seconds = t.elapsed().as_secs_f64();
    let rows_per_s = written as f64 / seconds.max(1e-9);
    let baseline_rows_per_s = baseline_rows as f64 / baseline_seconds.max(1e-9);
    Ok(BenchReport {
        rows: written,
        seconds,
        rows_per_s,
        baseline_rows,
        baseline_seconds,
        baseline_rows_per_s,
        speedup: rows_per_s / baseline_rows_per_s.max(1e-9),
    })
}
