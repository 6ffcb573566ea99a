//! Metric points → usage per function and day, and per function over a range. Pure frame
//! transforms: LazyFrame in, LazyFrame out.
//!
//! CloudWatch stores each statistic as its own series, so a function-period's invocations,
//! average duration and percentiles live in different rows. [`function_days`] aggregates the
//! statistics that add up on their own directly, and pairs invocations with durations timestamp
//! by timestamp only for the weighted sums that need both (see `days`).
//!
//! When the same hour is stored at two periods (a later sync fetched it coarser or finer), only
//! the finest period is kept for that function-hour, so nothing is counted twice; a daily point
//! (`sync --detail day`) counts only for a function-day with nothing finer stored. Duration
//! percentiles of a day or range are the invocation-weighted mean of the periods' percentiles:
//! exact when the distribution does not change within the day, an approximation otherwise.

use polars::prelude::*;

mod days;
mod series;

pub use days::{days_of, function_days, function_hours, hourly, invocation_points};

/// Seconds per day.
const DAY_S: i64 = 86_400;
/// Periods of one hour or less all divide an hour: the unit in which duplicates are resolved.
const HOUR_S: i64 = 3_600;

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

/// `value` where `cond` holds, else null (a mean without weight has no value, not 0).
fn null_unless(cond: Expr, value: Expr) -> Expr {
    when(cond)
        .then(value)
        .otherwise(lit(NULL).cast(DataType::Float64))
}

/// Weighted mean of `x` by invocations (null when there were none).
fn weighted(x: &str) -> Expr {
    let w = col("invocations").filter(col(x).is_not_null()).sum();
    null_unless(w.clone().gt(lit(0.0)), (col(x) * col("invocations")).sum() / w).alias(x)
}

/// The aggregates shared by days and ranges.
fn aggregates() -> Vec<Expr> {
    vec![
        col("invocations").sum(),
        col("errors").sum(),
        col("throttles").sum(),
        col("spillover").sum(),
        col("duration_ms").sum(),
        null_unless(
            col("invocations")
                .sum()
                .gt(lit(0.0))
                .and(col("duration_avg_ms").count().gt(lit(0))),
            col("duration_ms").sum() / col("invocations").sum(),
        )
        .alias("duration_avg_ms"),
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
    use crate::analytics::collect_streaming;

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
        let out = function_days(points.lazy(), &series())
            .and_then(collect_streaming)
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
        let out = function_days(points.lazy(), &series())
            .and_then(collect_streaming)
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

    #[test]
    fn daily_durations_are_the_same_on_every_run() {
        // A day of minutes with fractional averages. Summed as floats, a day's duration changed
        // in its last bits from run to run of `analyse` on one database (a group-by's output
        // order, which the next sum follows, is not fixed), and so did the compute cost priced
        // from it. Durations are summed as whole microseconds instead.
        let d = 20_000 * DAY_S;
        let (mut ids, mut ts, mut values) = (Vec::new(), Vec::new(), Vec::new());
        for m in 0..1440i64 {
            ids.extend([1i64, 2]);
            ts.extend([d + 60 * m, d + 60 * m]);
            let avg = if m < 60 {
                1.0e9 + 0.3
            } else {
                0.1 + (m as f64) * 0.37 / 3.0
            };
            values.extend([(m % 7 + 1) as f64, avg]);
        }
        let points = df!("series_id" => ids, "ts" => ts, "value" => values).unwrap();
        let total = || {
            let days = function_days(points.clone().lazy(), &series())
                .unwrap()
                .collect()
                .unwrap();
            days.column("duration_ms")
                .unwrap()
                .f64()
                .unwrap()
                .get(0)
                .unwrap()
                .to_bits()
        };
        let first = total();
        for _ in 0..30 {
            assert_eq!(total(), first);
        }
    }

    #[test]
    fn hours_and_replayed_points_keep_only_the_finest_period_too() {
        let h = 20_000 * DAY_S;
        // Hour 0 at 60 s (10 + 20) and at 300 s (30, the same minutes again); hour 1 only at
        // 300 s (7): every view counts 30 in hour 0 and 7 in hour 1.
        let points = df!(
            "series_id" => [1i64, 2, 1, 2, 4, 5, 4, 5],
            "ts" => [h, h, h + 60, h + 60, h, h, h + HOUR_S, h + HOUR_S],
            "value" => [10.0, 100.0, 20.0, 200.0, 30.0, 150.0, 7.0, 80.0],
        )
        .unwrap();
        let hours = function_hours(points.clone().lazy(), &series()).unwrap();
        let hourly = hourly(hours.clone()).collect().unwrap();
        let get = |df: &DataFrame, c: &str, i: usize| df.column(c).unwrap().get(i).unwrap().extract::<f64>();
        assert_eq!(hourly.height(), 2);
        assert_eq!(get(&hourly, "invocations", 0), Some(30.0));
        assert_eq!(
            get(&hourly, "duration_avg_ms", 0),
            Some((10.0 * 100.0 + 20.0 * 200.0) / 30.0)
        );
        assert_eq!(get(&hourly, "invocations", 1), Some(7.0));
        assert_eq!(
            hourly.column("ts").unwrap().get(1).unwrap().extract::<i64>(),
            Some(h + HOUR_S)
        );
        let days = days_of(hours).collect().unwrap();
        assert_eq!(get(&days, "invocations", 0), Some(37.0));

        let kept = invocation_points(points.lazy(), &series())
            .unwrap()
            .collect()
            .unwrap();
        let ts: Vec<Option<i64>> = kept.column("ts").unwrap().i64().unwrap().iter().collect();
        let period: Vec<Option<i64>> = kept.column("period_s").unwrap().i64().unwrap().iter().collect();
        assert_eq!(ts, [Some(h), Some(h + 60), Some(h + HOUR_S)]);
        assert_eq!(period, [Some(60), Some(60), Some(300)]);
        let total: f64 = kept.column("value").unwrap().f64().unwrap().sum().unwrap();
        assert_eq!(total, 37.0);
    }

    #[test]
    fn durations_stored_coarser_than_the_counts_still_count_once() {
        let h = 20_000 * DAY_S;
        // As an imported trace stores them: per-minute invocations, and the day's invocations
        // with its duration distribution at 1 day.
        let series = df!(
            "series_id" => [1i64, 2, 3, 4],
            "function_id" => [7i64, 7, 7, 7],
            "metric" => ["Invocations", "Invocations", "Duration", "Duration"],
            "stat" => ["Sum", "Sum", "Average", "p99"],
            "period_s" => [60i64, 86_400, 86_400, 86_400],
            "resource" => ["", "", "", ""],
        )
        .unwrap();
        let points = df!(
            "series_id" => [1i64, 1, 1, 2, 3, 4],
            "ts" => [h, h + 60, h + 2 * HOUR_S, h, h, h],
            "value" => [10.0, 20.0, 5.0, 35.0, 100.0, 400.0],
        )
        .unwrap();
        let days = function_days(points.lazy(), &series)
            .and_then(collect_streaming)
            .unwrap();
        let get = |c: &str| days.column(c).unwrap().get(0).unwrap().extract::<f64>();
        assert_eq!(days.height(), 1);
        assert_eq!(get("invocations"), Some(35.0));
        assert_eq!(get("duration_ms"), Some(3500.0));
        assert_eq!(get("duration_avg_ms"), Some(100.0));
        assert_eq!(get("duration_p99_ms"), Some(400.0));
        assert_eq!(
            days.column("period_s").unwrap().get(0).unwrap().extract::<i64>(),
            Some(60)
        );
    }

    #[test]
    fn a_daily_point_counts_only_for_days_without_finer_data() {
        let day = 20_000 * DAY_S;
        // Function 7: hourly points on day 0 (two hours, none at midnight) and a daily point for
        // days 0 and 1, as `sync --detail hour` then `--detail day` store them.
        let series = df!(
            "series_id" => [1i64, 2, 3, 4],
            "function_id" => [7i64, 7, 7, 7],
            "metric" => ["Invocations", "Duration", "Invocations", "Duration"],
            "stat" => ["Sum", "Average", "Sum", "Average"],
            "period_s" => [3_600i64, 3_600, 86_400, 86_400],
            "resource" => ["", "", "", ""],
        )
        .unwrap();
        let points = df!(
            "series_id" => [1i64, 1, 2, 2, 3, 3, 4, 4],
            "ts" => [day + 5 * HOUR_S, day + 9 * HOUR_S, day + 5 * HOUR_S, day + 9 * HOUR_S, day, day + DAY_S, day, day + DAY_S],
            "value" => [10.0, 30.0, 100.0, 200.0, 40.0, 50.0, 175.0, 80.0],
        )
        .unwrap();
        let days = function_days(points.clone().lazy(), &series)
            .and_then(collect_streaming)
            .unwrap();
        let get = |c: &str, i: usize| days.column(c).unwrap().get(i).unwrap().extract::<f64>();
        assert_eq!(days.height(), 2);
        // Day 0: the hours (10 + 30), not the day's point (40) as well.
        assert_eq!(get("invocations", 0), Some(40.0));
        assert_eq!(get("duration_ms", 0), Some(10.0 * 100.0 + 30.0 * 200.0));
        // Day 1: only the daily point.
        assert_eq!(get("invocations", 1), Some(50.0));
        assert_eq!(get("duration_avg_ms", 1), Some(80.0));
        let kept = invocation_points(points.lazy(), &series)
            .unwrap()
            .collect()
            .unwrap();
        let total: f64 = kept.column("value").unwrap().f64().unwrap().sum().unwrap();
        assert_eq!(total, 90.0);
    }

    #[test]
    fn aliases_count_only_for_spillover_and_unknown_series_are_ignored() {
        let h = 20_000 * DAY_S;
        let series = df!(
            "series_id" => [1i64, 2, 3, 4, 6],
            "function_id" => [7i64, 7, 7, 7, 7],
            "metric" => ["Invocations", "Invocations", "ProvisionedConcurrencySpilloverInvocations", "Duration", "Duration"],
            "stat" => ["Sum", "Sum", "Sum", "Average", "IQM"],
            "period_s" => [60i64, 60, 60, 60, 60],
            "resource" => ["", "live", "live", "", ""],
        )
        .unwrap();
        // Series 2 (an alias's invocations), 6 (a statistic not read) and 9 (not in the table)
        // must not count.
        let points = df!(
            "series_id" => [1i64, 2, 3, 4, 6, 9],
            "ts" => [h, h, h, h, h, h],
            "value" => [10.0, 99.0, 3.0, 50.0, 77.0, 1000.0],
        )
        .unwrap();
        let out = function_days(points.lazy(), &series)
            .and_then(collect_streaming)
            .unwrap();
        assert_eq!(out.height(), 1);
        let get = |c: &str| out.column(c).unwrap().get(0).unwrap().extract::<f64>();
        assert_eq!(get("invocations"), Some(10.0));
        assert_eq!(get("spillover"), Some(3.0));
        assert_eq!(get("duration_ms"), Some(500.0));
        // No percentile stored: null, not zero.
        assert_eq!(get("duration_p99_ms"), None);
        assert_eq!(get("concurrency_max"), None);
        assert_eq!(
            out.column("day").unwrap().get(0).unwrap().extract::<i64>(),
            Some(20_000)
        );
        assert_eq!(
            out.column("function_id")
                .unwrap()
                .get(0)
                .unwrap()
                .extract::<i64>(),
            Some(7)
        );
    }

    #[test]
    fn both_engines_agree_on_mixed_periods() {
        let h = 20_000 * DAY_S;
        // Hour 0 at 60 s and at 300 s, hour 1 only at 300 s: the 300 s points count in hour 1.
        let points = df!(
            "series_id" => [1i64, 2, 3, 4, 5, 4, 5],
            "ts" => [h, h, h, h, h, h + HOUR_S, h + HOUR_S],
            "value" => [10.0, 100.0, 120.0, 30.0, 90.0, 7.0, 80.0],
        )
        .unwrap();
        let streamed = function_days(points.clone().lazy(), &series())
            .and_then(collect_streaming)
            .unwrap();
        let in_memory = function_days(points.lazy(), &series())
            .unwrap()
            .collect()
            .unwrap();
        assert!(streamed.equals_missing(&in_memory), "{streamed}\n{in_memory}");
        let get = |c: &str| streamed.column(c).unwrap().get(0).unwrap().extract::<f64>();
        assert_eq!(get("invocations"), Some(17.0));
        assert_eq!(get("duration_ms"), Some(10.0 * 100.0 + 7.0 * 80.0));
        assert_eq!(get("duration_p99_ms"), Some(120.0));
    }

    #[test]
    fn a_day_without_durations_has_no_average_rather_than_zero() {
        let h = 20_000 * DAY_S;
        let points = df!("series_id" => [1i64, 1], "ts" => [h, h + 60], "value" => [4.0, 6.0]).unwrap();
        let days = function_days(points.lazy(), &series())
            .and_then(collect_streaming)
            .unwrap();
        let get = |df: &DataFrame, c: &str| df.column(c).unwrap().get(0).unwrap().extract::<f64>();
        assert_eq!(get(&days, "invocations"), Some(10.0));
        assert_eq!(get(&days, "duration_ms"), Some(0.0));
        assert_eq!(get(&days, "duration_avg_ms"), None);
        let totals = function_totals(days.lazy()).collect().unwrap();
        assert_eq!(get(&totals, "duration_avg_ms"), None);
    }
}
