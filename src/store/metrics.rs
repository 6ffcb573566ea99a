//! Metric time series and their points: the bulk of the database.
//!
//! A series is (function, metric, statistic, period, resource); points are (series, timestamp,
//! value). Writes are upserts keyed by (series, timestamp), so fetching a window twice stores it
//! once, and a value CloudWatch revised (late data) replaces the old one.

use crate::store::{Result, SqlContext};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

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

/// A prepared bulk writer of points, which keeps each series' summary (`points`, `first_ts`,
/// `last_ts`) exact: call [`PointWriter::finish`] before the transaction commits. Use inside
/// one transaction: per-row autocommit is two orders of magnitude slower (see `breakeven db
/// bench`).
pub struct PointWriter<'c> {
    c: &'c Connection,
    insert: rusqlite::CachedStatement<'c>,
    update: rusqlite::CachedStatement<'c>,
    /// Per series written: (points added, oldest and newest ts written).
    touched: HashMap<i64, (i64, i64, i64)>,
}

impl<'c> PointWriter<'c> {
    pub fn new(c: &'c Connection) -> Result<Self> {
        let insert = c
            .prepare_cached("INSERT OR IGNORE INTO metric_points (series_id, ts, value) VALUES (?1, ?2, ?3)")
            .ctx("preparing the point insert")?;
        let update = c
            .prepare_cached(
                "UPDATE metric_points SET value = ?3 WHERE series_id = ?1 AND ts = ?2 AND value IS NOT ?3",
            )
            .ctx("preparing the point update")?;
        Ok(PointWriter {
            c,
            insert,
            update,
            touched: HashMap::new(),
        })
    }

    /// Store `(ts, value)` points of one series (ts: Unix seconds): new points are added, a
    /// stored point whose value changed (late data CloudWatch revised) is replaced. Returns rows
    /// inserted or changed; unchanged points count 0.
    ///
    /// A value that is not a finite number is refused (`NaN` would be stored as NULL).
    pub fn write(&mut self, series_id: i64, points: &[(i64, f64)]) -> Result<usize> {
        if let Some((ts, v)) = points.iter().find(|p| !p.1.is_finite()) {
            return Err(crate::store::StoreError::Corrupt {
                column: "metric_points.value",
                value: format!("{v} at {ts}"),
                reason: "a metric value must be a finite number".into(),
            });
        }
        let mut changed = 0;
        let mut added = 0;
        for (ts, v) in points {
            let n = self
                .insert
                .execute(params![series_id, ts, v])
                .ctx("saving a metric point")?;
            added += n;
            changed += if n == 1 {
                1
            } else {
                self.update
                    .execute(params![series_id, ts, v])
                    .ctx("saving a metric point")?
            };
        }
        if let (Some(lo), Some(hi)) = (points.iter().map(|p| p.0).min(), points.iter().map(|p| p.0).max()) {
            let e = self.touched.entry(series_id).or_insert((0, lo, hi));
            e.0 += added as i64;
            e.1 = e.1.min(lo);
            e.2 = e.2.max(hi);
        }
        Ok(changed)
    }

    /// Add what was written to each series' summary.
    pub fn finish(self) -> Result<()> {
        let mut st = self
            .c
            .prepare_cached(
                "UPDATE metric_series SET points = points + ?2,
                   first_ts = MIN(COALESCE(first_ts, ?3), ?3), last_ts = MAX(COALESCE(last_ts, ?4), ?4)
                 WHERE id = ?1",
            )
            .ctx("preparing a series summary update")?;
        // A series that gained no point already covers what was written: leaving it untouched
        // keeps a re-import from writing anything.
        for (id, (added, lo, hi)) in self.touched.into_iter().filter(|t| t.1 .0 > 0) {
            st.execute(params![id, added, lo, hi])
                .ctx("updating a series summary")?;
        }
        Ok(())
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
/// all periods, Unix seconds; `None` without points (from the series' summaries).
pub fn extent(c: &Connection, function_id: i64, metric: &str, stat: &str) -> Result<Option<(i64, i64)>> {
    c.query_row(
        "SELECT MIN(first_ts), MAX(last_ts + period_s) FROM metric_series
         WHERE function_id = ?1 AND metric = ?2 AND stat = ?3 AND resource = '' AND points > 0",
        params![function_id, metric, stat],
        |r| Ok(r.get::<_, Option<i64>>(0)?.zip(r.get::<_, Option<i64>>(1)?)),
    )
    .ctx("reading a series' extent")
}
