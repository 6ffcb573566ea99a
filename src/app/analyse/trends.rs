//! The trends section: week-over-week movers, anomaly flags and the 30-day forecast, over the
//! daily usage-derived cost of each function and the daily billed cost of each service.

use crate::analytics::money::usd_values;
use crate::analytics::read::{bools, f64s, f64s_or_zero, i64s, strs};
use crate::analytics::{trends, AnalyticsError};
use crate::app::analyse::model::{Anomaly, Forecast, ForecastDay, Mover, TrendKind, Trends};
use crate::app::error::Result;
use crate::store::Day;
use breakeven_simulator::pricing::Usd;
use polars::prelude::*;
use rust_decimal::prelude::FromPrimitive;
use rust_decimal::Decimal;

/// Movers shown as the top.
const TOP_MOVERS: usize = 5;

fn movers(kind: TrendKind, daily: LazyFrame, last: i64) -> Result<Vec<Mover>> {
    let e = AnalyticsError::from;
    let df = trends::week_over_week(daily, last).collect().map_err(e)?;
    let key = strs(&df, "key").map_err(e)?;
    let this = usd_values(&df, "this_week_usd").map_err(e)?;
    let prev = usd_values(&df, "previous_week_usd").map_err(e)?;
    let change = usd_values(&df, "change_usd").map_err(e)?;
    let pct = f64s(&df, "change_pct").map_err(e)?;
    Ok((0..df.height())
        .map(|i| Mover {
            kind,
            name: key[i].clone(),
            this_week_usd: this[i],
            previous_week_usd: prev[i],
            change_usd: change[i],
            change_pct: pct[i].map(|p| (p * 10.0).round() / 10.0),
        })
        .collect())
}

fn anomalies(kind: TrendKind, daily: LazyFrame) -> Result<Vec<Anomaly>> {
    let e = AnalyticsError::from;
    let df = trends::anomalies(daily)
        .filter(col("anomaly"))
        .collect()
        .map_err(e)?;
    let key = strs(&df, "key").map_err(e)?;
    let day = i64s(&df, "day").map_err(e)?;
    let cost = f64s_or_zero(&df, "cost").map_err(e)?;
    let expected = f64s_or_zero(&df, "expected").map_err(e)?;
    let z = f64s_or_zero(&df, "z").map_err(e)?;
    let flags = bools(&df, "anomaly").map_err(e)?;
    let r6 = |x: f64| (x * 1e6).round() / 1e6;
    Ok((0..df.height())
        .filter(|i| flags[*i])
        .map(|i| Anomaly {
            kind,
            name: key[i].clone(),
            day: Day(day[i]),
            cost: r6(cost[i]),
            expected: r6(expected[i]),
            z: (z[i] * 100.0).round() / 100.0,
        })
        .collect())
}

/// Forecast the sum over keys of `daily`.
fn forecast(basis: &str, daily: LazyFrame, last: i64) -> Result<Forecast> {
    let e = AnalyticsError::from;
    let df = trends::forecast(daily, last)
        .group_by([col("day")])
        .agg([col("forecast").sum()])
        .sort(["day"], SortMultipleOptions::default())
        .collect()
        .map_err(e)?;
    let day = i64s(&df, "day").map_err(e)?;
    let f = f64s_or_zero(&df, "forecast").map_err(e)?;
    let cents = |x: f64| Usd(Decimal::from_f64(x).unwrap_or_default().round_dp(2));
    let days: Vec<ForecastDay> = (0..df.height())
        .map(|i| ForecastDay {
            day: Day(day[i]),
            cost_usd: cents(f[i]),
        })
        .collect();
    Ok(Forecast {
        method: trends::FORECAST_METHOD.to_string(),
        basis: basis.to_string(),
        total_usd: cents(f.iter().sum()),
        days,
    })
}

/// `function_daily`: `key` (function name), `day`, `cost_usd`; `billed`: the billed rows frame
/// (service as key). `last`: the range's last day. `priced_as`: what usage-derived cost is, in
/// words (`Lambda`, or the platform a trace is priced on).
pub(crate) fn build(
    function_daily: LazyFrame,
    billed: LazyFrame,
    has_bill: bool,
    last: Day,
    priced_as: &str,
) -> Result<Trends> {
    let service_daily = billed
        .group_by([col("service").alias("key"), col("day")])
        .agg([col("cost_usd").sum()]);
    let mut wow = movers(TrendKind::Function, function_daily.clone(), last.0)?;
    wow.extend(movers(TrendKind::Service, service_daily.clone(), last.0)?);
    let mut top: Vec<Mover> = wow.clone();
    top.sort_by(|a, b| b.change_usd.0.abs().cmp(&a.change_usd.0.abs()));
    top.truncate(TOP_MOVERS);
    let mut flagged = anomalies(TrendKind::Function, function_daily.clone())?;
    flagged.extend(anomalies(TrendKind::Service, service_daily.clone())?);
    flagged.sort_by(|a, b| (b.day, &a.name).cmp(&(a.day, &b.name)));
    let forecast = if has_bill {
        forecast("billed, all services", service_daily, last.0)?
    } else {
        let basis = format!("usage-derived {priced_as}, all functions");
        forecast(&basis, function_daily, last.0)?
    };
    Ok(Trends {
        this_week: (last.plus(-6), last),
        previous_week: (last.plus(-13), last.plus(-7)),
        week_over_week: wow,
        top_movers: top,
        anomaly_rule: format!(
            "residual r = cost − median cost of the same weekday over the range; robust z = 0.6745 × (r − median r) / MAD; flagged when |z| > {} and the day is at least ${} off",
            trends::ANOMALY_Z,
            trends::ANOMALY_MIN_USD
        ),
        anomalies: flagged,
        forecast,
    })
}
