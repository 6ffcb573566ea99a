//! Metric points → usage per function and day, and per function over a range. Pure frame
//! transforms: LazyFrame in, LazyFrame out.
//!
//! CloudWatch stores each statistic as its own series, so a function-period's invocations,
//! average duration and percentiles live in different rows. [`period_rows`] gathers them into
//! one row per (function, period, timestamp); [`function_days`] sums those rows by UTC day.
//!
//! When the same hour is stored at two periods (a later sync fetched it coarser or finer), only
//! the finest period is kept for that function-hour, so nothing is counted twice. Duration
//! percentiles of a day or range are the invocation-weighted mean of the periods' percentiles:
//! exact when the distribution does not change within the day, an approximation otherwise.

use polars::prelude::*;

/// Seconds per day.
const DAY_S: i64 = 86_400;
/// Periods of one hour or less all divide an hour: the unit in which duplicates are resolved.
const HOUR_S: i64 = 3_600;

fn stat(metric: &str, stat: &str) -> Expr {
    col("metric").eq(lit(metric)).and(col("stat").eq(lit(stat)))
}

/// The statistics a period row gathers, in column order: (metric, stat, column, summed). Summed
/// statistics add up over a period's rows (0 when absent); the others are single values (null
/// when absent). Only the function's own series count (`resource` empty), except spillover,
/// which is reported per alias: every alias's spillover counts.
const STATISTICS: [(&str, &str, &str, bool); 9] = [
    ("Invocations", "Sum", "invocations", true),
    ("Errors", "Sum", "errors", true),
    ("Throttles", "Sum", "throttles", true),
    (
        "ProvisionedConcurrencySpilloverInvocations",
        "Sum",
        "spillover",
        true,
    ),
    ("Duration", "Average", "duration_avg_ms", false),
    ("Duration", "p50", "duration_p50_ms", false),
    ("Duration", "p99", "duration_p99_ms", false),
    ("Duration", "Maximum", "duration_max_ms", false),
    ("ConcurrentExecutions", "Maximum", "concurrency_max", false),
];

/// The series this module reads, each with `statistic`: its index in [`STATISTICS`] (i32).
/// Classifying the small series table once keeps strings out of the big join and group-by.
fn classified(series: LazyFrame) -> LazyFrame {
    let own = col("resource").eq(lit(""));
    let mut code = lit(NULL).cast(DataType::Int32);
    for (i, (metric, st, column, _)) in STATISTICS.iter().enumerate().rev() {
        let matches = if *column == "spillover" {
            stat(metric, st)
        } else {
            stat(metric, st).and(own.clone())
        };
        code = when(matches).then(lit(i as i32)).otherwise(code);
    }
    series
        .with_column(code.alias("statistic"))
        .filter(col("statistic").is_not_null())
        .select([
            col("series_id"),
            col("function_id"),
            col("period_s"),
            col("statistic"),
        ])
}

/// One row per (function, period, timestamp) from `points` (`series_id`, `ts`, `value`) and
/// `series` (`series_id`, `function_id`, `metric`, `stat`, `period_s`, `resource`):
/// `invocations`, `errors`, `throttles`, `spillover` (sums), `duration_avg_ms`,
/// `duration_p50_ms`, `duration_p99_ms`, `duration_max_ms`, `concurrency_max` (null when not
/// stored), and `duration_ms` = invocations × average duration.
pub fn period_rows(points: LazyFrame, series: LazyFrame) -> LazyFrame {
    // Spread each point's value into its statistic's column (null elsewhere), so the group-by
    // below is plain sums and maxima over numeric columns.
    let spread: Vec<Expr> = STATISTICS
        .iter()
        .enumerate()
        .map(|(i, (_, _, column, _))| {
            when(col("statistic").eq(lit(i as i32)))
                .then(col("value"))
                .otherwise(lit(NULL).cast(DataType::Float64))
                .alias(*column)
        })
        .collect();
    let gather: Vec<Expr> = STATISTICS
        .iter()
        .map(|(_, _, column, summed)| {
            if *summed {
                col(*column).sum()
            } else {
                col(*column).max()
            }
        })
        .collect();
    points
        .join(
            classified(series),
            [col("series_id")],
            [col("series_id")],
            JoinArgs::new(JoinType::Inner),
        )
        .select(
            [col("function_id"), col("period_s"), col("ts")]
                .into_iter()
                .chain(spread)
                .collect::<Vec<_>>(),
        )
        .group_by([col("function_id"), col("period_s"), col("ts")])
        .agg(gather)
        .with_columns([
            (col("invocations") * col("duration_avg_ms").fill_null(lit(0.0))).alias("duration_ms"),
            col("ts").floor_div(lit(HOUR_S)).alias("hour"),
        ])
        // The finest period wins where two periods cover the same function-hour.
        .filter(
            col("period_s").eq(col("period_s")
                .min()
                .over([col("function_id"), col("hour")])
                .expect("the window has a partition")),
        )
        .drop(by_name(["hour"], true, false))
}

/// Weighted mean of `x` by invocations (null when there were none).
fn weighted(x: &str) -> Expr {
    let w = col("invocations").filter(col(x).is_not_null());
    ((col(x) * col("invocations")).sum() / w.sum()).alias(x)
}

/// Usage per function and UTC day from [`period_rows`]: `function_id`, `day` (days since
/// 1970-01-01), `invocations`, `errors`, `throttles`, `spillover`, `duration_ms` (Σ invocations ×
/// average, ms), `duration_avg_ms`, `duration_p50_ms`, `duration_p99_ms` (invocation-weighted),
/// `duration_max_ms`, `concurrency_max`, `period_s` (finest period seen, s). Sorted by function
/// and day.
pub fn function_days(rows: LazyFrame) -> LazyFrame {
    rows.with_column((col("ts").floor_div(lit(DAY_S))).alias("day"))
        .group_by([col("function_id"), col("day")])
        .agg(aggregates())
        .sort(["function_id", "day"], SortMultipleOptions::default())
}

/// The aggregates shared by days and ranges.
fn aggregates() -> Vec<Expr> {
    vec![
        col("invocations").sum(),
        col("errors").sum(),
        col("throttles").sum(),
        col("spillover").sum(),
        col("duration_ms").sum(),
        (col("duration_ms").sum() / col("invocations").sum()).alias("duration_avg_ms"),
        weighted("duration_p50_ms"),
        weighted("duration_p99_ms"),
        col("duration_max_ms").max(),
        col("concurrency_max").max(),
        col("period_s").min(),
    ]
}

/// Rates and GB-seconds of a days frame joined with the inventory (`functions`: `function_id`,
/// `memory_mb`, …): adds `error_rate` (errors / invocations), `throttle_rate` (throttles /
/// (invocations + throttles)), and `gb_seconds` (duration × memory, 1 GB = 1,024 MB; before
/// per-request rounding).
pub fn with_rates(days: LazyFrame, functions: LazyFrame) -> LazyFrame {
    days.join(
        functions,
        [col("function_id")],
        [col("function_id")],
        JoinArgs::new(JoinType::Inner),
    )
    .with_columns([
        when(col("invocations").gt(lit(0.0)))
            .then(col("errors") / col("invocations"))
            .otherwise(lit(0.0))
            .alias("error_rate"),
        when((col("invocations") + col("throttles")).gt(lit(0.0)))
            .then(col("throttles") / (col("invocations") + col("throttles")))
            .otherwise(lit(0.0))
            .alias("throttle_rate"),
        (col("duration_ms") / lit(1000.0) * col("memory_mb").cast(DataType::Float64) / lit(1024.0))
            .alias("gb_seconds"),
    ])
}

/// Usage per function over the whole range of a days frame: the same columns as
/// [`function_days`] without `day`, plus `days` (days with data). Sorted by function.
pub fn function_totals(days: LazyFrame) -> LazyFrame {
    // Days already carry weighted percentiles; re-weighting by the day's invocations is the
    // same as weighting the periods.
    let mut aggs = aggregates();
    aggs.push(col("day").n_unique().alias("days"));
    days.group_by([col("function_id")])
        .agg(aggs)
        .sort(["function_id"], SortMultipleOptions::default())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn series() -> DataFrame {
        df!(
            "series_id" => [1i64, 2, 3, 4, 5],
            "function_id" => [7i64, 7, 7, 7, 7],
            "metric" => ["Invocations", "Duration", "Duration", "Invocations", "Duration"],
            "stat" => ["Sum", "Average", "p99", "Sum", "Average"],
            "period_s" => [60i64, 60, 60, 300, 300],
            "resource" => ["", "", "", "", ""],
        )
        .unwrap()
    }

    #[test]
    fn days_sum_invocations_and_weight_durations() {
        let day = 20_000 * DAY_S;
        // Two minutes of day 20000 (10 × 100 ms, 30 × 200 ms) and one minute of the next day.
        let points = df!(
            "series_id" => [1i64, 2, 3, 1, 2, 3, 1, 2],
            "ts" => [day, day, day, day + 60, day + 60, day + 60, day + DAY_S, day + DAY_S],
            "value" => [10.0, 100.0, 150.0, 30.0, 200.0, 250.0, 5.0, 50.0],
        )
        .unwrap();
        let out = function_days(period_rows(points.lazy(), series().lazy()))
            .collect()
            .unwrap();
        assert_eq!(out.height(), 2);
        let get = |c: &str, i: usize| out.column(c).unwrap().get(i).unwrap().extract::<f64>().unwrap();
        assert_eq!(get("invocations", 0), 40.0);
        assert_eq!(get("duration_ms", 0), 10.0 * 100.0 + 30.0 * 200.0);
        assert_eq!(get("duration_avg_ms", 0), 7000.0 / 40.0);
        assert_eq!(get("duration_p99_ms", 0), (10.0 * 150.0 + 30.0 * 250.0) / 40.0);
        assert_eq!(get("invocations", 1), 5.0);
        let totals = function_totals(out.lazy()).collect().unwrap();
        assert_eq!(
            totals
                .column("invocations")
                .unwrap()
                .get(0)
                .unwrap()
                .extract::<f64>(),
            Some(45.0)
        );
    }

    #[test]
    fn the_finest_period_wins_where_two_cover_the_same_hour() {
        let h = 20_000 * DAY_S;
        // The same hour at 60 s (two points) and at 300 s (one point covering both): count once.
        let points = df!(
            "series_id" => [1i64, 2, 1, 2, 4, 5],
            "ts" => [h, h, h + 60, h + 60, h, h],
            "value" => [10.0, 100.0, 20.0, 100.0, 30.0, 100.0],
        )
        .unwrap();
        let out = function_days(period_rows(points.lazy(), series().lazy()))
            .collect()
            .unwrap();
        let inv = out
            .column("invocations")
            .unwrap()
            .get(0)
            .unwrap()
            .extract::<f64>();
        assert_eq!(inv, Some(30.0));
        assert_eq!(
            out.column("period_s").unwrap().get(0).unwrap().extract::<i64>(),
            Some(60)
        );
    }
}
