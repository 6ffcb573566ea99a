//! Per-function roll-ups of metric points over a time window: totals for the inventory table
//! and resampled series for charts. Only the unqualified series (resource `''`) are read.

use crate::store::{Result, SqlContext};
use rusqlite::{params, Connection};

/// Σ and max of one metric of one function in a window.
#[derive(Debug, Clone, PartialEq)]
pub struct MetricTotal {
    pub function_id: i64,
    pub metric: String,
    pub sum: f64,
    pub max: f64,
}

/// Invocations, Errors and Throttles (`Sum`) and ConcurrentExecutions (`Maximum`) per function,
/// points in `[from, to)` (Unix seconds).
pub fn totals(c: &Connection, from: i64, to: i64) -> Result<Vec<MetricTotal>> {
    let mut st = c
        .prepare_cached(
            "SELECT s.function_id, s.metric, SUM(p.value), MAX(p.value)
             FROM metric_series s JOIN metric_points p ON p.series_id = s.id
             WHERE s.resource = '' AND p.ts >= ?1 AND p.ts < ?2
               AND ((s.metric IN ('Invocations', 'Errors', 'Throttles') AND s.stat = 'Sum')
                 OR (s.metric = 'ConcurrentExecutions' AND s.stat = 'Maximum'))
             GROUP BY s.function_id, s.metric",
        )
        .ctx("summing function metrics")?;
    let rows = st
        .query_map(params![from, to], |r| {
            Ok(MetricTotal {
                function_id: r.get(0)?,
                metric: r.get(1)?,
                sum: r.get(2)?,
                max: r.get(3)?,
            })
        })
        .ctx("summing function metrics")?;
    rows.collect::<std::result::Result<_, _>>()
        .ctx("summing function metrics")
}

/// Σ(invocations × duration statistic) and Σ invocations of one function and statistic.
#[derive(Debug, Clone, PartialEq)]
pub struct WeightedDuration {
    pub function_id: i64,
    /// `Average`, `p50` or `p99`.
    pub stat: String,
    /// ms × invocations.
    pub weighted_ms: f64,
    pub invocations: f64,
}

/// Duration statistics weighted by the invocations of the same period, per function.
pub fn weighted_durations(c: &Connection, from: i64, to: i64) -> Result<Vec<WeightedDuration>> {
    let mut st = c
        .prepare_cached(
            "SELECT si.function_id, sd.stat, SUM(i.value * d.value), SUM(i.value)
             FROM metric_series si
             JOIN metric_points i ON i.series_id = si.id
             JOIN metric_series sd ON sd.function_id = si.function_id AND sd.metric = 'Duration'
               AND sd.period_s = si.period_s AND sd.resource = '' AND sd.stat IN ('Average', 'p50', 'p99')
             JOIN metric_points d ON d.series_id = sd.id AND d.ts = i.ts
             WHERE si.metric = 'Invocations' AND si.stat = 'Sum' AND si.resource = ''
               AND i.ts >= ?1 AND i.ts < ?2
             GROUP BY si.function_id, sd.stat",
        )
        .ctx("weighting durations")?;
    let rows = st
        .query_map(params![from, to], |r| {
            Ok(WeightedDuration {
                function_id: r.get(0)?,
                stat: r.get(1)?,
                weighted_ms: r.get(2)?,
                invocations: r.get(3)?,
            })
        })
        .ctx("weighting durations")?;
    rows.collect::<std::result::Result<_, _>>()
        .ctx("weighting durations")
}

/// Newest metric point of any series, Unix seconds.
pub fn newest_point(c: &Connection) -> Result<Option<i64>> {
    c.query_row("SELECT MAX(ts) FROM metric_points", [], |r| r.get(0))
        .ctx("finding the newest metric point")
}

/// How points of a resampled bucket combine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Combine {
    Sum,
    Max,
}

/// One function's series resampled into `bucket_s` buckets over `[from, to)`: bucket start and
/// the sum or maximum of the points in it (points of every stored period).
pub fn resampled(
    c: &Connection,
    function_id: i64,
    metric: &str,
    stat: &str,
    combine: Combine,
    (from, to): (i64, i64),
    bucket_s: i64,
) -> Result<Vec<(i64, f64)>> {
    let sql = match combine {
        Combine::Sum => "SELECT (p.ts / ?4) * ?4 AS b, SUM(p.value)",
        Combine::Max => "SELECT (p.ts / ?4) * ?4 AS b, MAX(p.value)",
    }
    .to_string()
        + " FROM metric_series s JOIN metric_points p ON p.series_id = s.id
           WHERE s.function_id = ?1 AND s.metric = ?2 AND s.stat = ?3 AND s.resource = ''
             AND p.ts >= ?5 AND p.ts < ?6
           GROUP BY b ORDER BY b";
    let mut st = c.prepare_cached(&sql).ctx("reading a metric series")?;
    let rows = st
        .query_map(
            params![function_id, metric, stat, bucket_s.max(1), from, to],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .ctx("reading a metric series")?;
    rows.collect::<std::result::Result<_, _>>()
        .ctx("reading a metric series")
}

/// Invocations and Σ(invocations × average duration) of one function per bucket.
#[derive(Debug, Clone, PartialEq)]
pub struct BucketUsage {
    /// Bucket start, Unix seconds.
    pub start: i64,
    pub invocations: f64,
    /// ms.
    pub duration_ms: f64,
}

/// One function's invocations and execution time per `bucket_s` bucket over `[from, to)`.
pub fn usage_by_bucket(
    c: &Connection,
    function_id: i64,
    (from, to): (i64, i64),
    bucket_s: i64,
) -> Result<Vec<BucketUsage>> {
    let mut st = c
        .prepare_cached(
            "SELECT (i.ts / ?2) * ?2 AS b, SUM(i.value), SUM(i.value * d.value)
             FROM metric_series si
             JOIN metric_points i ON i.series_id = si.id
             JOIN metric_series sd ON sd.function_id = si.function_id AND sd.metric = 'Duration'
               AND sd.stat = 'Average' AND sd.period_s = si.period_s AND sd.resource = ''
             JOIN metric_points d ON d.series_id = sd.id AND d.ts = i.ts
             WHERE si.function_id = ?1 AND si.metric = 'Invocations' AND si.stat = 'Sum'
               AND si.resource = '' AND i.ts >= ?3 AND i.ts < ?4
             GROUP BY b ORDER BY b",
        )
        .ctx("summing usage per bucket")?;
    let rows = st
        .query_map(params![function_id, bucket_s.max(1), from, to], |r| {
            Ok(BucketUsage {
                start: r.get(0)?,
                invocations: r.get(1)?,
                duration_ms: r.get(2)?,
            })
        })
        .ctx("summing usage per bucket")?;
    rows.collect::<std::result::Result<_, _>>()
        .ctx("summing usage per bucket")
}
