//! Trends of a daily cost series per key (a function or a service): week-over-week change,
//! anomaly flags and a 30-day forecast. Input frames have `key` (string), `day` (i64, days since
//! 1970-01-01) and `cost_usd` (exact money).
//!
//! - **Week over week**: the last 7 days of the range against the 7 before, exact sums.
//! - **Anomalies**: each day's residual against the median of the same weekday over the range
//!   (weekly seasonality removed), then the robust z-score of the residuals,
//!   z = 0.6745 × (r − median r) / MAD (Iglewicz and Hoaglin's modified z-score); a day is
//!   flagged when |z| > [`ANOMALY_Z`] and it is at least [`ANOMALY_MIN_USD`] off (cent-sized
//!   wobbles of tiny functions are not news). Where MAD is 0 (a flat series) the mean absolute
//!   deviation × 1.2533 stands in for it.
//! - **Forecast**: seasonal naive with a weekly season — each of the next 30 days is the mean cost
//!   of the same weekday over the last 4 weeks of the range (fewer when the range is shorter).
//!
//! Statistics run on f64 copies of the costs (never used as billed amounts).

use crate::analytics::money::usd_f64;
use polars::prelude::*;

/// Robust z-score above which a day is flagged.
pub const ANOMALY_Z: f64 = 3.5;
/// Smallest deviation from the median worth flagging, USD.
pub const ANOMALY_MIN_USD: f64 = 0.01;
/// Days forecast.
pub const FORECAST_DAYS: i64 = 30;
/// The forecast method, as the output states it.
pub const FORECAST_METHOD: &str = "seasonal naive, weekly season: each of the next 30 days is the mean cost of the same weekday over the last 4 weeks";

/// Monday = 0 (1970-01-01 was a Thursday).
fn weekday(day: Expr) -> Expr {
    (day + lit(3i64)) % lit(7i64)
}

/// Per key: `this_week_usd` (days `last-6..=last`), `previous_week_usd` (`last-13..=last-7`),
/// `change_usd` (exact), `change_pct` (f64, null when the previous week is zero). Sorted by
/// |change| descending: the top movers first.
pub fn week_over_week(daily: LazyFrame, last: i64) -> LazyFrame {
    let this = col("day").gt(lit(last - 7)).and(col("day").lt_eq(lit(last)));
    let prev = col("day").gt(lit(last - 14)).and(col("day").lt_eq(lit(last - 7)));
    daily
        .group_by([col("key")])
        .agg([
            col("cost_usd").filter(this).sum().alias("this_week_usd"),
            col("cost_usd").filter(prev).sum().alias("previous_week_usd"),
        ])
        .with_column((col("this_week_usd") - col("previous_week_usd")).alias("change_usd"))
        .with_columns([
            when(col("previous_week_usd").cast(DataType::Float64).gt(lit(0.0)))
                .then(
                    col("change_usd").cast(DataType::Float64)
                        / col("previous_week_usd").cast(DataType::Float64)
                        * lit(100.0),
                )
                .otherwise(lit(NULL).cast(DataType::Float64))
                .alias("change_pct"),
            col("change_usd")
                .cast(DataType::Float64)
                .abs()
                .alias("abs_change"),
        ])
        .sort_by_exprs(
            [col("abs_change"), col("key")],
            SortMultipleOptions::default().with_order_descending_multi([true, false]),
        )
        .drop(by_name(["abs_change"], true, false))
}

/// Every day of every key with `cost` (f64), `expected` (the median cost of the same weekday
/// over the range), `z` (robust z-score of the day's residual, cost − expected) and `anomaly`
/// (bool). Sorted by key and day. Needs at least two weeks to flag anything.
pub fn anomalies(daily: LazyFrame) -> LazyFrame {
    let by_key = [col("key")];
    let residual = col("residual") - col("centre");
    daily
        .with_columns([
            usd_f64(col("cost_usd")).alias("cost"),
            weekday(col("day")).alias("weekday"),
        ])
        // Weekly seasonality first: a quiet Sunday is not an anomaly.
        .with_column(
            col("cost")
                .median()
                .over([col("key"), col("weekday")])
                .expect("the window has a partition")
                .alias("expected"),
        )
        .with_column((col("cost") - col("expected")).alias("residual"))
        .with_column(
            col("residual")
                .median()
                .over(by_key.clone())
                .expect("the window has a partition")
                .alias("centre"),
        )
        .with_column(residual.clone().abs().alias("deviation"))
        .with_columns([
            col("deviation")
                .median()
                .over(by_key.clone())
                .expect("the window has a partition")
                .alias("mad"),
            col("deviation")
                .mean()
                .over(by_key)
                .expect("the window has a partition")
                .alias("mean_ad"),
        ])
        .with_column(
            when(col("mad").gt(lit(0.0)))
                .then(lit(0.6745) * residual.clone() / col("mad"))
                .when(col("mean_ad").gt(lit(0.0)))
                .then(residual / (lit(1.2533) * col("mean_ad")))
                .otherwise(lit(0.0))
                .alias("z"),
        )
        .with_column(
            col("z")
                .abs()
                .gt(lit(ANOMALY_Z))
                .and(col("deviation").gt_eq(lit(ANOMALY_MIN_USD)))
                .alias("anomaly"),
        )
        .select([
            col("key"),
            col("day"),
            col("cost"),
            col("expected"),
            col("z"),
            col("anomaly"),
        ])
        .sort(["key", "day"], SortMultipleOptions::default())
}

/// The forecast per key and future day: `key`, `day` (`last+1..=last+30`), `forecast` (f64,
/// USD). Keys with no cost in the last 4 weeks forecast 0. Sorted by key and day.
pub fn forecast(daily: LazyFrame, last: i64) -> LazyFrame {
    let means = daily
        .clone()
        .filter(col("day").gt(lit(last - 28)).and(col("day").lt_eq(lit(last))))
        .with_column(weekday(col("day")).alias("weekday"))
        .group_by([col("key"), col("weekday")])
        .agg([usd_f64(col("cost_usd")).mean().alias("forecast")]);
    let days: Vec<i64> = (last + 1..=last + FORECAST_DAYS).collect();
    let future = df!("day" => days)
        .map(|f| f.lazy())
        .unwrap_or_else(|_| DataFrame::empty().lazy())
        .with_columns([weekday(col("day")).alias("weekday"), lit(1i32).alias("one")]);
    // Every key × every future day (a join on a constant: no cross-join feature needed).
    let keys = daily
        .select([col("key")])
        .unique(None, UniqueKeepStrategy::First)
        .with_column(lit(1i32).alias("one"));
    keys.join(future, [col("one")], [col("one")], JoinArgs::new(JoinType::Inner))
        .join(
            means,
            [col("key"), col("weekday")],
            [col("key"), col("weekday")],
            JoinArgs::new(JoinType::Left),
        )
        .select([col("key"), col("day"), col("forecast").fill_null(lit(0.0))])
        .sort(["key", "day"], SortMultipleOptions::default())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analytics::money::{usd_column, usd_values};
    use rust_decimal::Decimal;

    /// 28 days of $1.00 on weekdays and $0.50 at weekends, with a $9 spike on day 20.
    fn daily() -> DataFrame {
        let days: Vec<i64> = (0..28).collect();
        let costs: Vec<Decimal> = days
            .iter()
            .map(|d| {
                if *d == 20 {
                    Decimal::from(9)
                } else if (d + 3) % 7 >= 5 {
                    Decimal::new(50, 2)
                } else {
                    Decimal::ONE
                }
            })
            .collect();
        DataFrame::new_infer_height(vec![
            Column::new("key".into(), vec!["f"; 28]),
            Column::new("day".into(), days),
            usd_column("cost_usd", &costs).unwrap(),
        ])
        .unwrap()
    }

    #[test]
    fn the_spike_is_flagged_and_nothing_else() {
        let out = anomalies(daily().lazy()).collect().unwrap();
        let flags = out.column("anomaly").unwrap().bool().unwrap();
        let flagged: Vec<usize> = (0..out.height())
            .filter(|i| flags.get(*i) == Some(true))
            .collect();
        assert_eq!(flagged, [20]);
    }

    #[test]
    fn week_over_week_is_exact() {
        let out = week_over_week(daily().lazy(), 27).collect().unwrap();
        // Days 21..=27 vs 14..=20 (which holds the spike: +8).
        let this = usd_values(&out, "this_week_usd").unwrap()[0].exact();
        let prev = usd_values(&out, "previous_week_usd").unwrap()[0].exact();
        assert_eq!((this.as_str(), prev.as_str()), ("6", "14"));
        assert_eq!(usd_values(&out, "change_usd").unwrap()[0].exact(), "-8");
    }

    #[test]
    fn the_forecast_repeats_the_weekly_pattern() {
        let out = forecast(daily().lazy(), 27).collect().unwrap();
        assert_eq!(out.height(), 30);
        let f = out.column("forecast").unwrap().f64().unwrap();
        // Day 28 is a Monday-based weekday 3 (Thursday): weekday mean is 1.0.
        assert_eq!(f.get(0), Some(1.0));
        // Day 30 is a Saturday: the weekend mean.
        assert_eq!(f.get(2), Some(0.5));
    }
}
