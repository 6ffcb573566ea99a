//! `breakeven analyse --bench`: the daily usage group-by over N synthetic metric rows, in SQLite
//! (the baseline: one SQL query with the same two-level GROUP BY and finest-period rule) and in
//! polars ([`crate::analytics::usage`]), on the same temporary database in the real schema.
//! Loading SQLite rows into polars is timed apart from the group-by, and the same plan runs on
//! both polars engines. The run fails if the results disagree (function-days, Σ invocations,
//! Σ duration).

use crate::analytics::read::f64s_or_zero;
use crate::analytics::{frames, usage, AnalyticsError};
use crate::app::error::{AppError, Result};
use crate::error_code::ErrorCode;
use crate::ingest::demo::rng::Rng;
use crate::store::scratch::ScratchDir;
use crate::store::{SqlContext, Store};
use polars::prelude::IntoLazy;
use rusqlite::params;
use serde::Serialize;
use std::time::Instant;

/// Times each load runs in the benchmark (the best is kept).
const LOAD_ROUNDS: usize = 3;
/// Synthetic functions; each has [`SERIES`] series at 60 s.
const FUNCTIONS: u64 = 200;
const SERIES: [(&str, &str); 5] = [
    ("Invocations", "Sum"),
    ("Errors", "Sum"),
    ("Duration", "Average"),
    ("Duration", "p99"),
    ("ConcurrentExecutions", "Maximum"),
];
/// 2026-01-01, Unix seconds.
const START: i64 = 1_767_225_600;

/// The same aggregation as `usage::function_days`, in SQL.
const SQL_BASELINE: &str = "
WITH pr AS (
  SELECT s.function_id AS f, s.period_s AS period, p.ts AS ts,
    SUM(CASE WHEN s.metric = 'Invocations' AND s.stat = 'Sum' AND s.resource = '' THEN p.value ELSE 0 END) AS inv,
    SUM(CASE WHEN s.metric = 'Errors' AND s.stat = 'Sum' AND s.resource = '' THEN p.value ELSE 0 END) AS err,
    SUM(CASE WHEN s.metric = 'Throttles' AND s.stat = 'Sum' AND s.resource = '' THEN p.value ELSE 0 END) AS thr,
    SUM(CASE WHEN s.metric = 'ProvisionedConcurrencySpilloverInvocations' AND s.stat = 'Sum' THEN p.value ELSE 0 END) AS spill,
    MAX(CASE WHEN s.metric = 'Duration' AND s.stat = 'Average' AND s.resource = '' THEN p.value END) AS avg,
    MAX(CASE WHEN s.metric = 'Duration' AND s.stat = 'p50' AND s.resource = '' THEN p.value END) AS p50,
    MAX(CASE WHEN s.metric = 'Duration' AND s.stat = 'p99' AND s.resource = '' THEN p.value END) AS p99,
    MAX(CASE WHEN s.metric = 'Duration' AND s.stat = 'Maximum' AND s.resource = '' THEN p.value END) AS dmax,
    MAX(CASE WHEN s.metric = 'ConcurrentExecutions' AND s.stat = 'Maximum' AND s.resource = '' THEN p.value END) AS conc
  FROM metric_points p JOIN metric_series s ON s.id = p.series_id
  GROUP BY s.function_id, s.period_s, p.ts
), fine AS (
  SELECT *, MIN(period) OVER (PARTITION BY f, ts / 3600) AS minp FROM pr
)
SELECT f, ts / 86400 AS day, SUM(inv), SUM(err), SUM(thr), SUM(spill), SUM(inv * COALESCE(avg, 0)),
  SUM(inv * p50) / SUM(CASE WHEN p50 IS NOT NULL THEN inv END),
  SUM(inv * p99) / SUM(CASE WHEN p99 IS NOT NULL THEN inv END),
  MAX(dmax), MAX(conc), MIN(period)
FROM fine WHERE period = minp GROUP BY f, day";

/// The figures of one benchmark run. Times in seconds.
#[derive(Debug, Clone, Serialize)]
pub struct BenchReport {
    pub rows: u64,
    pub functions: u64,
    /// Build profile of this binary (`debug` builds optimise dependencies at level 2).
    pub profile: &'static str,
    pub insert_s: f64,
    /// Baseline: the GROUP BY in SQLite, rows fetched.
    pub sql_group_by_s: f64,
    /// SQLite rows → polars frames, two connections in parallel (what `analyse` does): one key
    /// range a series, two columns a row. Best of three, alternating with the baseline.
    pub polars_load_s: f64,
    /// Baseline of the load: the same two connections, one query over the account's points and
    /// three typed gets a row (the load before column reads). Its frame must equal the load's.
    pub load_row_api_s: f64,
    /// load_row_api_s / polars_load_s.
    pub speedup_load: f64,
    /// The same load on one connection (the baseline for it).
    pub load_one_connection_s: f64,
    /// The polars group-by alone (frames in memory), on the streaming engine the app uses.
    pub polars_group_by_s: f64,
    /// The same plan on polars' in-memory engine (a second baseline).
    pub polars_in_memory_s: f64,
    /// sql_group_by_s / polars_group_by_s.
    pub speedup_group_by: f64,
    /// sql_group_by_s / (polars_load_s + polars_group_by_s).
    pub speedup_with_load: f64,
    /// Function-days out of both (must match).
    pub result_rows: u64,
    /// Σ invocations out of SQL and out of polars (must match).
    pub invocations_sql: f64,
    pub invocations_polars: f64,
}

/// Most metric rows of `analyse --bench --rows`: 50 million, 5× the documented run. polars
/// holds them as three 8-byte columns (1.2 GB), and the temporary database with its WAL takes
/// about 3 GB of disk.
pub const MAX_ROWS: u64 = 50_000_000;

/// `--rows` must be at least one point per series, and at most [`MAX_ROWS`].
pub fn check_rows(rows: u64) -> Result<u64> {
    let min = FUNCTIONS * SERIES.len() as u64;
    if !(min..=MAX_ROWS).contains(&rows) {
        return Err(AppError::bad_input(
            ErrorCode::AnalyseBenchRows,
            format!("--rows is {rows}; it must be between {min} and {MAX_ROWS}"),
        ));
    }
    Ok(rows)
}

/// Build the database, time both, remove the database (also when the run fails).
pub fn run(rows: u64, progress: &mut dyn FnMut(&str)) -> Result<BenchReport> {
    let rows = check_rows(rows)?;
    let scratch = ScratchDir::new(&std::env::temp_dir())?;
    run_at(&scratch.path().join("bench.sqlite"), rows, progress)
}

fn run_at(path: &std::path::Path, rows: u64, progress: &mut dyn FnMut(&str)) -> Result<BenchReport> {
    let mut store = Store::open(path)?;
    progress(&format!("inserting {rows} metric rows into {} …", path.display()));
    let t = Instant::now();
    let account_id = fill(&mut store, rows)?;
    let insert_s = t.elapsed().as_secs_f64();

    progress("SQL baseline: GROUP BY in SQLite …");
    let t = Instant::now();
    let (sql_rows, invocations_sql, duration_ms_sql) = sql_baseline(&store)?;
    let sql_group_by_s = t.elapsed().as_secs_f64();

    progress("polars: load, then group-by …");
    // The two loads alternate, best of LOAD_ROUNDS each, so both see the same machine load.
    let (mut load_row_api_s, mut polars_load_s) = (f64::INFINITY, f64::INFINITY);
    let mut same_points = true;
    let mut points = None;
    for _ in 0..LOAD_ROUNDS {
        let t = Instant::now();
        let old =
            frames::points_parallel_row_api(store.conn(), store.path(), account_id, i64::MIN, i64::MAX)?;
        load_row_api_s = load_row_api_s.min(t.elapsed().as_secs_f64());
        drop(points.take());
        let t = Instant::now();
        let new = frames::points_parallel(store.conn(), store.path(), account_id, i64::MIN, i64::MAX)?;
        polars_load_s = polars_load_s.min(t.elapsed().as_secs_f64());
        same_points &= old.equals(&new);
        points = Some(new);
    }
    let points = points.unwrap_or_default();
    let series = frames::series(store.conn(), account_id)?;
    let t = Instant::now();
    let one = frames::points(store.conn(), account_id, i64::MIN, i64::MAX)?;
    let load_one_connection_s = t.elapsed().as_secs_f64();
    drop(one);
    let t = Instant::now();
    let days = usage::function_days(points.clone().lazy(), &series)
        .and_then(crate::analytics::collect_streaming)
        .map_err(AnalyticsError::from)?;
    let polars_group_by_s = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let in_memory = usage::function_days(points.lazy(), &series)
        .and_then(|plan| plan.collect())
        .map_err(AnalyticsError::from)?;
    let polars_in_memory_s = t.elapsed().as_secs_f64();
    let sum = |frame: &polars::prelude::DataFrame, column: &str| -> Result<f64> {
        Ok(f64s_or_zero(frame, column)
            .map_err(AnalyticsError::from)?
            .iter()
            .sum())
    };
    let (invocations_polars, duration_ms_polars) = (sum(&days, "invocations")?, sum(&days, "duration_ms")?);
    let in_memory_sums = (sum(&in_memory, "invocations")?, sum(&in_memory, "duration_ms")?);
    let differs = |a: f64, b: f64| (a - b).abs() > 1e-9 * a.abs().max(b.abs()).max(1.0);
    if !same_points {
        return Err(AppError::io(
            "benchmark",
            std::io::Error::other("the column load and the row-API load give different points"),
        ));
    }
    if days.height() as u64 != sql_rows
        || in_memory.height() != days.height()
        || differs(in_memory_sums.0, invocations_polars)
        || differs(in_memory_sums.1, duration_ms_polars)
        || differs(invocations_sql, invocations_polars)
        || differs(duration_ms_sql, duration_ms_polars)
    {
        return Err(AppError::io(
            "benchmark",
            std::io::Error::other(format!(
                "the results disagree: polars {} function-days, Σ invocations {invocations_polars}, \
                 Σ duration {duration_ms_polars} ms; SQL {sql_rows}, {invocations_sql}, \
                 {duration_ms_sql} ms",
                days.height()
            )),
        ));
    }
    Ok(BenchReport {
        rows,
        functions: FUNCTIONS,
        profile: if cfg!(debug_assertions) {
            "debug"
        } else {
            "release"
        },
        insert_s,
        sql_group_by_s,
        polars_load_s,
        load_row_api_s,
        speedup_load: load_row_api_s / polars_load_s,
        load_one_connection_s,
        polars_group_by_s,
        polars_in_memory_s,
        speedup_group_by: sql_group_by_s / polars_group_by_s,
        speedup_with_load: sql_group_by_s / (polars_load_s + polars_group_by_s),
        result_rows: sql_rows,
        invocations_sql,
        invocations_polars,
    })
}

/// One account, [`FUNCTIONS`] functions, their series, and `rows` points spread evenly.
fn fill(store: &mut Store, rows: u64) -> Result<i64> {
    store.with_tx(|tx| -> Result<i64> {
        tx.execute(
            "INSERT INTO accounts (account_key, name, source, created_at) VALUES ('bench', 'bench', 'demo', 0)",
            [],
        )
        .ctx("creating the bench account")?;
        let account_id = tx.last_insert_rowid();
        let n_series = FUNCTIONS * SERIES.len() as u64;
        let per_series = rows / n_series;
        let extra = rows % n_series;
        let mut rng = Rng::new(7);
        let mut insert = tx
            .prepare("INSERT INTO metric_points (series_id, ts, value) VALUES (?1, ?2, ?3)")
            .ctx("preparing the bench insert")?;
        let mut k = 0u64;
        for f in 0..FUNCTIONS {
            tx.execute(
                "INSERT INTO functions (account_id, region, name, arn, memory_mb, architecture, timeout_s,
                   ephemeral_storage_mb, package_type, seen_at)
                 VALUES (?1, 'us-east-1', ?2, ?2, 512, 'arm64', 30, 512, 'Zip', 0)",
                params![account_id, format!("fn-{f:03}")],
            )
            .ctx("creating a bench function")?;
            let function_id = tx.last_insert_rowid();
            for (metric, stat) in SERIES {
                tx.execute(
                    "INSERT INTO metric_series (function_id, metric, stat, period_s, resource) VALUES (?1, ?2, ?3, 60, '')",
                    params![function_id, metric, stat],
                )
                .ctx("creating a bench series")?;
                let series_id = tx.last_insert_rowid();
                let n = per_series + u64::from(k < extra);
                k += 1;
                for i in 0..n {
                    let v = match metric {
                        "Invocations" | "ConcurrentExecutions" => (rng.uniform() * 100.0).floor(),
                        "Errors" => (rng.uniform() * 2.0).floor(),
                        _ => 20.0 + rng.uniform() * 200.0,
                    };
                    insert
                        .execute(params![series_id, START + 60 * i as i64, v])
                        .ctx("inserting a bench point")?;
                }
            }
        }
        Ok(account_id)
    })
}

/// Run the baseline query and fetch every row: (rows, Σ invocations, Σ duration ms).
fn sql_baseline(store: &Store) -> Result<(u64, f64, f64)> {
    let mut st = store.conn().prepare(SQL_BASELINE).ctx("preparing the baseline")?;
    let mut rows = st.query([]).ctx("running the baseline")?;
    let (mut n, mut inv, mut dur) = (0u64, 0.0, 0.0);
    while let Some(r) = rows.next().ctx("running the baseline")? {
        n += 1;
        inv += r.get::<_, f64>(2).ctx("reading the baseline")?;
        dur += r.get::<_, f64>(6).ctx("reading the baseline")?;
    }
    Ok((n, inv, dur))
}

/// The report as text.
pub fn render(r: &BenchReport) -> String {
    format!(
        "analyse --bench: {rows} metric rows, {f} functions × {s} series at 60 s ({p} build)\n\
         insert (setup, one transaction)          {ins:>8.3} s\n\
         SQL baseline: GROUP BY in SQLite         {sql:>8.3} s\n\
         load baseline: row API, two connections  {old:>8.3} s\n\
         load SQLite → frames, one connection     {load1:>8.3} s\n\
         load SQLite → frames, two in parallel    {load:>8.3} s\n\
         load speed-up vs the row-API baseline    {r0:>8.1}×\n\
         polars: group-by (frames in memory)      {gb:>8.3} s\n\
         polars: same plan, in-memory engine      {mem:>8.3} s\n\
         group-by speed-up vs SQL                 {r1:>8.1}×\n\
         load + group-by speed-up vs SQL          {r2:>8.1}×\n\
         both give {n} function-days and Σ invocations {i1:.0} (SQL) / {i2:.0} (polars)\n",
        rows = r.rows,
        f = r.functions,
        s = SERIES.len(),
        p = r.profile,
        ins = r.insert_s,
        sql = r.sql_group_by_s,
        load = r.polars_load_s,
        old = r.load_row_api_s,
        r0 = r.speedup_load,
        load1 = r.load_one_connection_s,
        gb = r.polars_group_by_s,
        mem = r.polars_in_memory_s,
        r1 = r.speedup_group_by,
        r2 = r.speedup_with_load,
        n = r.result_rows,
        i1 = r.invocations_sql,
        i2 = r.invocations_polars,
    )
}
