//! One function in detail: its row of the Functions table, its month line by line, its metrics
//! per hour, its cost per day, and the charts of them. Reads that one function's metric points
//! (by their key), never the whole table.

use super::{cost_on, profile, rows, window_days, FunctionUsage, Window};
use crate::analytics::cost::{self, FunctionConfig};
use crate::analytics::logs::{self, FunctionLogs};
use crate::analytics::read::{f64s, i64s};
use crate::analytics::{frames, usage, AnalyticsError};
use crate::app::analyse;
use crate::app::charts::ChartSpec;
use crate::app::error::{AppError, Result};
use crate::app::estimate::EstimateReport;
use crate::error_code::ErrorCode;
use crate::report::charts::metric::{self, Line};
use crate::report::charts::{count_tick, ms_tick, usd_f64, usd_tick, Theme};
use crate::store::functions::{self as stored, FunctionRow};
use crate::store::{Day, Store};
use breakeven_simulator::pricing::{CostBreakdown, PriceCatalog, UsageProfile, Usd};
use polars::prelude::*;
use serde::Serialize;
use std::collections::BTreeMap;

/// Width of the metric series' buckets, seconds: one point per hour.
pub const BUCKET_S: i64 = 3_600;

/// A metric of the function per hour, for a chart: bucket start (Unix seconds) and value.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct MetricSeries {
    pub metric: &'static str,
    pub stat: &'static str,
    /// Unit of the values, e.g. `invocations per hour`, `ms`.
    pub unit: &'static str,
    pub points: Vec<(i64, f64)>,
}

/// One day's cost of a function on its own platform, priced as `analyse` prices it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DailyCost {
    /// Start of the UTC day, Unix seconds.
    pub day: i64,
    pub cost_usd: Usd,
    /// The day's bill line by line.
    #[serde(skip)]
    #[cfg_attr(feature = "ts", ts(skip))]
    pub breakdown: CostBreakdown,
}

/// One day of a function's REPORT records.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ColdStartDay {
    /// Start of the UTC day, Unix seconds.
    pub day: i64,
    /// REPORT records (invocations that finished).
    pub invocations: u64,
    pub cold_starts: u64,
    /// Cold starts per invocation (null without invocations).
    pub cold_start_rate: Option<f64>,
    /// Σ INIT rounded up to the ms per cold start (what Lambda bills), ms.
    pub init_billed_ms: u64,
}

/// One function in detail.
#[derive(Debug)]
pub struct FunctionDetail {
    pub window: Window,
    pub usage: FunctionUsage,
    /// Its month on its own platform, line by line and by category.
    pub cost: EstimateReport,
    /// The usage profile of that month (what `breakeven estimate` takes).
    pub profile: UsageProfile,
    /// Bucket width of the series, seconds.
    pub bucket_s: i64,
    pub series: Vec<MetricSeries>,
    /// Its cost per day on its own platform.
    pub daily_cost: Vec<DailyCost>,
    /// The charts of the series and the daily cost.
    pub charts: Vec<ChartSpec>,
    /// Its REPORT records per day of the window, oldest first; `None` without log data. (The
    /// window's init p50/p99, memory used and right-sizing are in `usage`.)
    pub cold_starts_per_day: Option<Vec<ColdStartDay>>,
}

/// The function `id` over the latest `days` days of its account's data (the window of its row
/// in the Functions table), its charts drawn in `theme`.
pub fn detail(
    store: &Store,
    catalog: &PriceCatalog,
    id: i64,
    days: Option<u32>,
    theme: Theme,
) -> Result<FunctionDetail> {
    let c = store.conn();
    let function = stored::get(c, id)?.ok_or_else(|| {
        AppError::bad_input(
            ErrorCode::NoFunction,
            format!("No function with id {id} is stored."),
        )
    })?;
    let (account_id, _) = analyse::resolve_account(store, Some(&function.account_key))?;
    let (from, to) = analyse::resolve_range_of(store, account_id, None, None, window_days(days)?)?;
    let window = Window::of_days(from, to);
    let platform = analyse::account_platform(store, account_id)?;
    let config = config_of(&function)?;

    let e = AnalyticsError::from;
    let points = frames::function_points(c, id, window.from, window.to)?;
    let series = frames::function_series(c, id)?;
    let hours = usage::function_hours(points.lazy(), &series)
        .and_then(|lf| lf.collect())
        .map_err(e)?;
    let measured: BTreeMap<String, FunctionLogs> = logs::measured(c, account_id, from, to)?
        .into_iter()
        .filter(|(name, _)| name == &function.config.name)
        .collect();
    let usage_days = analyse::with_measured_init(
        usage::days_of(hours.clone().lazy()).collect().map_err(e)?,
        &measured,
        &frames::functions(c, account_id)?,
    )?;
    let hourly = usage::hourly(hours.lazy()).collect().map_err(e)?;
    let cold_starts_per_day = measured.get(&function.config.name).map(|f| {
        f.days
            .iter()
            .filter_map(|d| {
                Some(ColdStartDay {
                    day: d.day?.start_unix(),
                    invocations: d.invocations,
                    cold_starts: d.cold_starts,
                    cold_start_rate: (d.invocations > 0).then(|| d.cold_starts as f64 / d.invocations as f64),
                    init_billed_ms: d.init_billed_ms,
                })
            })
            .collect()
    });

    let daily_cost = daily(catalog, platform, &config, &usage_days)?;
    let usage = rows(
        catalog,
        platform,
        window,
        vec![function],
        std::slice::from_ref(&config),
        &usage_days,
        &measured,
        &[],
    )?
    .pop()
    .ok_or_else(|| {
        AppError::bad_input(
            ErrorCode::NoFunction,
            format!("No function with id {id} is stored."),
        )
    })?;
    let cost = cost_on(catalog, &usage, platform)?;
    let profile = profile(catalog, &usage, platform)?;
    let series = metric_series(&hourly)?;
    let charts = charts(&series, &daily_cost, window, &cost.platform_name, theme);
    Ok(FunctionDetail {
        window,
        usage,
        cost,
        profile,
        bucket_s: BUCKET_S,
        series,
        daily_cost,
        charts,
        cold_starts_per_day,
    })
}

/// A stored function as pricing needs it.
fn config_of(f: &FunctionRow) -> Result<FunctionConfig> {
    Ok(FunctionConfig {
        function_id: f.id,
        name: f.config.name.clone(),
        region: f.region.clone(),
        memory_mb: f.config.memory_mb,
        arch: f
            .config
            .architecture
            .parse()
            .map_err(|e: String| AppError::bad_input(ErrorCode::BadArch, e))?,
        ephemeral_storage_mb: f.config.ephemeral_storage_mb,
        provisioned_concurrency: f.config.provisioned_concurrency,
    })
}

/// Each day of `usage_days` (one function's) priced on `platform` as `analyse` prices it.
fn daily(
    catalog: &PriceCatalog,
    platform: &str,
    f: &FunctionConfig,
    usage_days: &DataFrame,
) -> Result<Vec<DailyCost>> {
    cost::day_metrics(usage_days)?
        .into_values()
        .flatten()
        .map(|(day, m)| {
            let breakdown = cost::price_day_for(catalog, platform, f, &m)?;
            Ok(DailyCost {
                day: Day(day).start_unix(),
                cost_usd: breakdown.total,
                breakdown,
            })
        })
        .collect()
}

/// The series the detail charts: (metric, statistic, unit, column of [`usage::hourly`]).
const CHARTED: [(&str, &str, &str, &str); 4] = [
    ("Invocations", "Sum", "invocations per hour", "invocations"),
    ("Duration", "p50", "ms", "duration_p50_ms"),
    ("Duration", "p99", "ms", "duration_p99_ms"),
    (
        "ConcurrentExecutions",
        "Maximum",
        "concurrent executions",
        "concurrency_max",
    ),
];

fn metric_series(hourly: &DataFrame) -> Result<Vec<MetricSeries>> {
    let e = AnalyticsError::from;
    let ts = i64s(hourly, "ts").map_err(e)?;
    CHARTED
        .iter()
        .map(|&(metric, stat, unit, column)| {
            let values = f64s(hourly, column).map_err(e)?;
            Ok(MetricSeries {
                metric,
                stat,
                unit,
                points: ts
                    .iter()
                    .zip(values)
                    .filter_map(|(t, v)| v.filter(|x| x.is_finite()).map(|v| (*t, v)))
                    .collect(),
            })
        })
        .collect()
}

/// The detail's charts: invocations, duration p50/p99, concurrency and the daily cost.
fn charts(
    series: &[MetricSeries],
    daily: &[DailyCost],
    w: Window,
    platform_name: &str,
    theme: Theme,
) -> Vec<ChartSpec> {
    fn find<'a>(series: &'a [MetricSeries], m: &str, s: &str) -> &'a [(i64, f64)] {
        series
            .iter()
            .find(|x| x.metric == m && x.stat == s)
            .map(|x| x.points.as_slice())
            .unwrap_or_default()
    }
    let cost: Vec<(i64, f64)> = daily.iter().map(|d| (d.day, usd_f64(&d.cost_usd))).collect();
    let cost_title = format!("{platform_name} cost per day");
    let specs: [(&'static str, &str, Vec<Line<'_>>, fn(f64) -> String, Option<i64>); 4] = [
        (
            "invocations",
            "Invocations per hour",
            vec![Line {
                label: "Invocations",
                colour: metric::PRIMARY,
                points: find(series, "Invocations", "Sum"),
            }],
            count_tick,
            None,
        ),
        (
            "duration",
            "Duration, invocation-weighted mean of each hour",
            vec![
                Line {
                    label: "p50",
                    colour: metric::PRIMARY,
                    points: find(series, "Duration", "p50"),
                },
                Line {
                    label: "p99",
                    colour: metric::SECONDARY,
                    points: find(series, "Duration", "p99"),
                },
            ],
            ms_tick,
            None,
        ),
        (
            "concurrency",
            "Concurrent executions, peak of each hour",
            vec![Line {
                label: "Concurrency",
                colour: metric::PRIMARY,
                points: find(series, "ConcurrentExecutions", "Maximum"),
            }],
            count_tick,
            None,
        ),
        (
            "cost",
            cost_title.as_str(),
            vec![Line {
                label: "USD per day",
                colour: metric::PRIMARY,
                points: &cost,
            }],
            usd_tick,
            Some(86_400),
        ),
    ];
    specs
        .into_iter()
        .map(|(id, title, lines, fmt, bars)| ChartSpec {
            id,
            title: title.to_string(),
            svg: metric::over_time(metric::PANEL, title, &lines, (w.from, w.to), &fmt, bars, theme),
        })
        .collect()
}
