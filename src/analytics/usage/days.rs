//! Metric points → usage per function and UTC day ([`function_days`]).
//!
//! Every group-by hashes one i64 key built by [`keyed`], and the big frame never meets a join:
//! series attributes arrive by gather from a [`SeriesIndex`]. Two passes read the points:
//!
//! - *plain*: statistics that aggregate on their own (sums, maxima), by (group, statistic,
//!   hour), where a group is one (function, period);
//! - *paired*: invocations and durations side by side, by (group, timestamp), for the products
//!   that need both (Σ invocations × average, invocation weights of percentiles), then by hour.
//!
//! Both meet at (group, hour), a frame of a few rows per function-hour, where the finest period
//! of each function-hour is kept and the rest is summed by day.

use super::series::SeriesIndex;
use super::{null_unless, DAY_S, HOUR_S, STATISTICS};
use polars::prelude::*;

/// 2³²: the span of a key's offset.
const SPAN: i64 = 1 << 32;
const HOURS_PER_DAY: i64 = DAY_S / HOUR_S;

/// `id × 2³² + offset` as one i64. Unique while ids stay below 2³¹ and offsets (hours, days,
/// Unix seconds from 1970 to 2106) in `0..2³²`; [`id_of`] and [`offset_of`] take it apart.
fn keyed(id: Expr, offset: Expr) -> Expr {
    id * lit(SPAN) + offset
}

fn id_of(key: Expr) -> Expr {
    key.floor_div(lit(SPAN))
}

fn offset_of(key: Expr) -> Expr {
    key % lit(SPAN)
}

/// Index of a column in [`STATISTICS`].
fn index(column: &str) -> i32 {
    STATISTICS
        .iter()
        .position(|s| s.2 == column)
        .expect("a statistic of this module") as i32
}

/// The statistics that pair with invocations timestamp by timestamp.
const PAIRED: [&str; 4] = [
    "invocations",
    "duration_avg_ms",
    "duration_p50_ms",
    "duration_p99_ms",
];

/// Points with `group` and `statistic` gathered from the index; points of other series dropped.
fn classified(points: LazyFrame, index: &SeriesIndex) -> LazyFrame {
    points
        .select([
            SeriesIndex::lookup("group", &index.group, col("series_id")).alias("group"),
            SeriesIndex::lookup("statistic", &index.statistic, col("series_id")).alias("statistic"),
            col("ts"),
            col("value"),
        ])
        .filter(col("statistic").is_not_null())
}

/// Per (group, hour), keyed `key`: one column per statistic that is not paired (sums 0 when
/// absent, maxima null), plus `invocations`.
fn plain_hours(points: LazyFrame) -> LazyFrame {
    let per_statistic = points
        .group_by([keyed(
            col("group") * lit(16i64) + col("statistic").cast(DataType::Int64),
            col("ts").floor_div(lit(HOUR_S)),
        )
        .alias("k")])
        .agg([col("value").sum().alias("sum"), col("value").max().alias("max")])
        .select([
            keyed(id_of(col("k")).floor_div(lit(16i64)), offset_of(col("k"))).alias("key"),
            (id_of(col("k")) % lit(16i64))
                .cast(DataType::Int32)
                .alias("statistic"),
            col("sum"),
            col("max"),
        ]);
    let columns: Vec<Expr> = STATISTICS
        .iter()
        .filter(|(_, _, column, _)| *column == "invocations" || !PAIRED.contains(column))
        .map(|(_, _, column, summed)| {
            let mine = col("statistic").eq(lit(index(column)));
            if *summed {
                col("sum").filter(mine).sum().alias(*column)
            } else {
                col("max").filter(mine).max().alias(*column)
            }
        })
        .collect();
    per_statistic.group_by([col("key")]).agg(columns)
}

/// Per (group, hour), keyed `key`: `duration_us` (Σ invocations × average, whole µs), `n_avg`
/// (Σ invocations where an average is stored), and for each
/// percentile `w50_us`/`w99_us` (Σ invocations × value, µs) and `n50`/`n99` (Σ invocations where
/// the value is stored). The group-by by (group, timestamp) is the costly step: its time grows with
/// the number of aggregates, so it keeps four.
fn paired_hours(points: LazyFrame) -> LazyFrame {
    let [inv, avg, p50, p99] = PAIRED.map(index);
    let of = |i: i32| col("value").filter(col("statistic").eq(lit(i)));
    let wanted = [inv, avg, p50, p99]
        .map(|i| col("statistic").eq(lit(i)))
        .into_iter()
        .reduce(Expr::or)
        .expect("four statistics");
    points
        .filter(wanted)
        .group_by([keyed(col("group"), col("ts")).alias("k")])
        .agg([
            of(inv).sum().alias("inv"),
            of(avg).max().alias("avg"),
            of(p50).max().alias("p50"),
            of(p99).max().alias("p99"),
        ])
        .group_by([keyed(id_of(col("k")), offset_of(col("k")).floor_div(lit(HOUR_S))).alias("key")])
        .agg([
            microseconds(col("inv") * col("avg")).sum().alias("duration_us"),
            col("inv").filter(col("avg").is_not_null()).sum().alias("n_avg"),
            microseconds(col("inv") * col("p50")).sum().alias("w50_us"),
            col("inv").filter(col("p50").is_not_null()).sum().alias("n50"),
            microseconds(col("inv") * col("p99")).sum().alias("w99_us"),
            col("inv").filter(col("p99").is_not_null()).sum().alias("n99"),
        ])
}

/// Milliseconds → whole microseconds (Int64). Durations are summed as integers from here on:
/// a sum of floats depends on the order of its terms, which a group-by does not fix, and the
/// compute cost priced from these sums must come out the same on every run. (Counts are summed
/// as floats, exactly: they are whole numbers far below 2^53.)
fn microseconds(ms: Expr) -> Expr {
    (ms * lit(1000.0))
        .round(0, RoundMode::HalfToEven)
        .cast(DataType::Int64)
}

/// Σ microseconds → milliseconds (Float64).
fn to_ms(us: &str) -> Expr {
    col(us).cast(DataType::Float64) / lit(1000.0)
}

/// The duration and concurrency columns of hourly and daily usage, from their sums and weights:
/// `duration_avg_ms`, `duration_p50_ms`, `duration_p99_ms`, `duration_max_ms`,
/// `concurrency_max`.
fn duration_columns() -> [Expr; 5] {
    [
        null_unless(
            col("n_avg").gt(lit(0.0)),
            to_ms("duration_us") / col("invocations"),
        )
        .alias("duration_avg_ms"),
        null_unless(col("n50").gt(lit(0.0)), to_ms("w50_us") / col("n50")).alias("duration_p50_ms"),
        null_unless(col("n99").gt(lit(0.0)), to_ms("w99_us") / col("n99")).alias("duration_p99_ms"),
        col("duration_max_ms"),
        col("concurrency_max"),
    ]
}

/// Usage per function and UTC hour, before the ratios: `function_id`, `hour` (hours since
/// 1970-01-01), the sums `invocations`, `errors`, `throttles`, `spillover`, `duration_us`,
/// `n_avg`, `w50_us`, `n50`, `w99_us`, `n99` (see [`paired_hours`]), the maxima `duration_max_ms`,
/// `concurrency_max`, and `period_s` (the finest period stored for the function-hour). Inputs as
/// for [`function_days`].
///
/// Where a function-hour is stored at several periods, nothing is counted twice: the counts
/// (invocations, errors, throttles, spillover, concurrency) come from the finest period stored,
/// the duration statistics from the finest period that holds any. The two differ only when
/// durations are stored coarser than the counts (an imported trace keeps per-minute counts but
/// one duration distribution per day, weighted by that day's invocations). Periods of a day
/// follow the same rule over their whole day: a daily point counts (or gives durations) only
/// where nothing finer of its kind is stored that day.
pub fn function_hours(points: LazyFrame, series: &DataFrame) -> PolarsResult<LazyFrame> {
    let index = SeriesIndex::new(series)?;
    let points = classified(points, &index);
    let group = id_of(col("key"));
    let function = SeriesIndex::lookup("function", &index.group_function, group.clone());
    let period = SeriesIndex::lookup("period", &index.group_period_s, group);
    let function_hour = || keyed(col("function_id"), col("hour"));
    let has_durations = ["n_avg", "n50", "n99"]
        .map(|c| col(c).fill_null(lit(0.0)).gt(lit(0.0)))
        .into_iter()
        .fold(col("duration_max_ms").is_not_null(), Expr::or);
    let finest = col("period_s").min().over([function_hour()])?;
    let finest_durations = when(col("has_durations"))
        .then(col("period_s"))
        .otherwise(lit(NULL).cast(DataType::Int64))
        .min()
        .over([function_hour()])?;
    // A daily point (`sync --detail day`, stored at its day's first hour) stands for its whole
    // day: it counts only where its function-day holds nothing finer of its kind.
    let function_day = || keyed(col("function_id"), col("hour").floor_div(lit(HOURS_PER_DAY)));
    let daily = col("period_s").gt_eq(lit(DAY_S));
    let day_counts = col("period_s").min().over([function_day()])?;
    let day_durations = when(col("has_durations"))
        .then(col("period_s"))
        .otherwise(lit(NULL).cast(DataType::Int64))
        .min()
        .over([function_day()])?;
    let counted = when(daily.clone())
        .then(col("d_counts").gt_eq(lit(DAY_S)))
        .otherwise(col("period_s").eq(col("p_counts")));
    let timed = when(daily)
        .then(col("d_durations").fill_null(lit(DAY_S)).gt_eq(lit(DAY_S)))
        .otherwise(col("period_s").eq(col("p_durations")));
    let counts = ["invocations", "errors", "throttles", "spillover"]
        .map(|c| col(c).filter(counted.clone()).sum().alias(c));
    let durations = ["duration_us", "n_avg", "w50_us", "n50", "w99_us", "n99"]
        .map(|c| col(c).filter(timed.clone()).sum().alias(c));
    let maxima = [
        col("duration_max_ms")
            .filter(timed.clone())
            .max()
            .alias("duration_max_ms"),
        col("concurrency_max")
            .filter(counted.clone())
            .max()
            .alias("concurrency_max"),
    ];
    Ok(plain_hours(points.clone())
        .join(
            paired_hours(points),
            [col("key")],
            [col("key")],
            JoinArgs::new(JoinType::Left),
        )
        .with_columns([
            function.alias("function_id"),
            period.alias("period_s"),
            offset_of(col("key")).alias("hour"),
        ])
        .with_columns([has_durations.alias("has_durations")])
        .with_columns([
            finest.alias("p_counts"),
            finest_durations.alias("p_durations"),
            day_counts.alias("d_counts"),
            day_durations.alias("d_durations"),
        ])
        .group_by([function_hour().alias("fh")])
        .agg(
            counts
                .into_iter()
                .chain(durations)
                .chain(maxima)
                .chain([col("p_counts").first().alias("period_s")])
                .collect::<Vec<_>>(),
        )
        .with_columns([
            id_of(col("fh")).alias("function_id"),
            offset_of(col("fh")).alias("hour"),
        ]))
}

/// Keeps a row (`function_id`, `hour`, `period_s`) unless its period is a day or longer and the
/// same function-day holds a finer period: a daily point (stored at its day's first hour) stands
/// for the whole day, so it counts only for days without hourly or finer data (the rule of
/// [`function_hours`] for counts).
fn finer_than_a_day_wins() -> PolarsResult<Expr> {
    let function_day = keyed(col("function_id"), col("hour").floor_div(lit(HOURS_PER_DAY)));
    Ok(col("period_s")
        .lt(lit(DAY_S))
        .or(col("period_s").min().over([function_day])?.gt_eq(lit(DAY_S))))
}

/// Usage per function and UTC hour for charts, from [`function_hours`]: `function_id`, `ts`
/// (the hour's start, Unix s), `invocations`, `errors`, `throttles`, `duration_avg_ms`, `duration_p50_ms`,
/// `duration_p99_ms` (invocation-weighted within the hour; null without invocations or stored
/// values), `duration_max_ms`, `concurrency_max`. Sorted by function and hour.
pub fn hourly(hours: LazyFrame) -> LazyFrame {
    hours
        .select(
            [
                col("function_id"),
                (col("hour") * lit(HOUR_S)).alias("ts"),
                col("invocations"),
                col("errors"),
                col("throttles"),
            ]
            .into_iter()
            .chain(duration_columns())
            .collect::<Vec<_>>(),
        )
        .sort(["function_id", "ts"], SortMultipleOptions::default())
}

/// The Invocations points that count, by the rule of [`function_hours`] (the finest period of
/// each function-hour): `function_id`, `ts` (period start, Unix s), `period_s`, `value`. Sorted
/// by function and time.
pub fn invocation_points(points: LazyFrame, series: &DataFrame) -> PolarsResult<LazyFrame> {
    let ix = SeriesIndex::new(series)?;
    Ok(classified(points, &ix)
        .with_columns([
            SeriesIndex::lookup("function", &ix.group_function, col("group")).alias("function_id"),
            SeriesIndex::lookup("period", &ix.group_period_s, col("group")).alias("period_s"),
            col("ts").floor_div(lit(HOUR_S)).alias("hour"),
        ])
        .filter(finer_than_a_day_wins()?)
        .filter(
            col("period_s").eq(col("period_s")
                .min()
                .over([keyed(col("function_id"), col("hour"))])?),
        )
        .filter(col("statistic").eq(lit(index("invocations"))))
        .select([col("function_id"), col("ts"), col("period_s"), col("value")])
        .sort(["function_id", "ts"], SortMultipleOptions::default()))
}

/// Usage per function and UTC day from `points` (`series_id`, `ts` Unix s, `value`) and the
/// account's `series` (`series_id`, `function_id`, `metric`, `stat`, `period_s`, `resource`):
/// `function_id`, `day` (days since 1970-01-01), `invocations`, `errors`, `throttles`,
/// `spillover`, `duration_ms` (Σ invocations × average, ms; 0 without averages), `duration_avg_ms` (null
/// without averages),
/// `duration_p50_ms`, `duration_p99_ms` (invocation-weighted; null without invocations or
/// stored values), `duration_max_ms`,
/// `concurrency_max`, `period_s` (finest period seen, s). Sorted by function and day.
///
/// Where two periods cover the same function-hour, only the finest period counts.
pub fn function_days(points: LazyFrame, series: &DataFrame) -> PolarsResult<LazyFrame> {
    Ok(days_of(function_hours(points, series)?))
}

/// [`function_days`] from a frame of [`function_hours`] (to derive days and hours from one read).
pub fn days_of(hours: LazyFrame) -> LazyFrame {
    let sums = ["invocations", "errors", "throttles", "spillover"]
        .into_iter()
        .chain(["duration_us", "n_avg", "w50_us", "n50", "w99_us", "n99"])
        .map(|c| col(c).sum());
    let maxima = ["duration_max_ms", "concurrency_max"].map(|c| col(c).max());
    hours
        .group_by([keyed(col("function_id"), col("hour").floor_div(lit(HOURS_PER_DAY))).alias("key")])
        .agg(
            sums.chain(maxima)
                .chain([col("period_s").min()])
                .collect::<Vec<_>>(),
        )
        .select(
            [
                id_of(col("key")).alias("function_id"),
                offset_of(col("key")).alias("day"),
                col("invocations"),
                col("errors"),
                col("throttles"),
                col("spillover"),
                to_ms("duration_us").alias("duration_ms"),
            ]
            .into_iter()
            .chain(duration_columns())
            .chain([col("period_s")])
            .collect::<Vec<_>>(),
        )
        .sort(["function_id", "day"], SortMultipleOptions::default())
}
