//! Metric time series and their points: the bulk of the database.
//!
//! A series is (function, metric, statistic, period, resource); points are (series, timestamp,
//! value). Writes are upserts keyed by (series, timestamp), so fetching a window twice stores it
//! once, and a value CloudWatch revised (late data) replaces the old one.

use crate::store::{Result, SqlContext};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

/// Identifies one stored time series.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SeriesKey {
    pub function_id: i64,
    /// CloudWatch metric name, e.g. `Duration`.
    pub metric: String,
    /// CloudWatch statistic, e.g. `Sum`, `p99`.
    pub stat: String,
    /// Seconds.
    pub period_s: u32,
    /// Alias or version for per-qualifier metrics, else empty.
    pub resource: String,
}

/// Row id of a series, created on first use.
pub fn series_id(c: &Connection, k: &SeriesKey) -> Result<i64> {
    let mut find = c
        .prepare_cached(
            "SELECT id FROM metric_series
             WHERE function_id = ?1 AND metric = ?2 AND stat = ?3 AND period_s = ?4 AND resource = ?5",
        )
        .ctx("preparing a series lookup")?;
    let key = params![k.function_id, k.metric, k.stat, k.period_s, k.resource];
    if let Some(id) = find
        .query_row(key, |r| r.get(0))
        .optional()
        .ctx("looking up a series")?
    {
        return Ok(id);
    }
    c.prepare_cached(
        "INSERT INTO metric_series (function_id, metric, stat, period_s, resource) VALUES (?1, ?2, ?3, ?4, ?5)",
    )
    .ctx("preparing a series insert")?
    .execute(key)
    .ctx("creating a series")?;
    Ok(c.last_insert_rowid())
}

/// A prepared bulk writer of points. Use inside one transaction: per-row autocommit is two orders
/// of magnitude slower (see `breakeven db bench`).
pub struct PointWriter<'c> {
    upsert: rusqlite::CachedStatement<'c>,
}

impl<'c> PointWriter<'c> {
    pub fn new(c: &'c Connection) -> Result<Self> {
        let upsert = c
            .prepare_cached(
                "INSERT INTO metric_points (series_id, ts, value) VALUES (?1, ?2, ?3)
                 ON CONFLICT (series_id, ts) DO UPDATE SET value = excluded.value
                 WHERE value IS NOT excluded.value",
            )
            .ctx("preparing the point upsert")?;
        Ok(PointWriter { upsert })
    }

    /// Store `(ts, value)` points of one series (ts: Unix seconds). Returns rows inserted or
    /// changed; unchanged points count 0.
    pub fn write(&mut self, series_id: i64, points: &[(i64, f64)]) -> Result<usize> {
        let mut changed = 0;
        for (ts, v) in points {
            changed += self
                .upsert
                .execute(params![series_id, ts, v])
                .ctx("saving a metric point")?;
        }
        Ok(changed)
    }
}

/// Points of a series in `[from, to)` (Unix seconds), oldest first.
pub fn points(c: &Connection, series_id: i64, from: i64, to: i64) -> Result<Vec<(i64, f64)>> {
    let mut st = c
        .prepare_cached(
            "SELECT ts, value FROM metric_points WHERE series_id = ?1 AND ts >= ?2 AND ts < ?3 ORDER BY ts",
        )
        .ctx("reading metric points")?;
    let rows = st
        .query_map(params![series_id, from, to], |r| Ok((r.get(0)?, r.get(1)?)))
        .ctx("reading metric points")?;
    rows.collect::<std::result::Result<_, _>>()
        .ctx("reading metric points")
}

/// Every series of a function's `metric` under `stat` (no per-qualifier series): (series id,
/// period s), finest period first.
pub fn series_of(c: &Connection, function_id: i64, metric: &str, stat: &str) -> Result<Vec<(i64, u32)>> {
    let mut st = c
        .prepare_cached(
            "SELECT id, period_s FROM metric_series
             WHERE function_id = ?1 AND metric = ?2 AND stat = ?3 AND resource = '' ORDER BY period_s",
        )
        .ctx("listing a function's series")?;
    let rows = st
        .query_map(params![function_id, metric, stat], |r| Ok((r.get(0)?, r.get(1)?)))
        .ctx("listing a function's series")?;
    rows.collect::<std::result::Result<_, _>>()
        .ctx("listing a function's series")
}

/// Start of the oldest point and end of the newest period of a function's `metric`/`stat` over
/// all periods, Unix seconds; `None` without points.
pub fn extent(c: &Connection, function_id: i64, metric: &str, stat: &str) -> Result<Option<(i64, i64)>> {
    c.query_row(
        "SELECT MIN(p.ts), MAX(p.ts + s.period_s) FROM metric_series s JOIN metric_points p ON p.series_id = s.id
         WHERE s.function_id = ?1 AND s.metric = ?2 AND s.stat = ?3 AND s.resource = ''",
        params![function_id, metric, stat],
        |r| Ok(r.get::<_, Option<i64>>(0)?.zip(r.get::<_, Option<i64>>(1)?)),
    )
    .ctx("reading a series' extent")
}
