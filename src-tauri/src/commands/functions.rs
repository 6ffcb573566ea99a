//! The Functions table and a function's detail: usage over the latest stored days, its AWS
//! Lambda cost, what the same usage would cost on another platform, its metrics over time.

use crate::commands::account::blocking;
use crate::commands::charts::{chart, Chart};
use crate::commands::estimate::EstimateView;
use crate::error::{CommandError, CommandResult};
use crate::input::{count_u32, ident, Field};
use crate::state::DesktopState;
use breakeven::app::inventory::{self, DailyCost, FunctionUsage, Window};
use breakeven::app::AppError;
use breakeven::error_code::ErrorCode;
use breakeven::report::charts::metric::{self, Line};
use breakeven::report::charts::{count_tick, ms_tick, usd_f64, usd_tick, Theme};
use breakeven::store::Store;
use breakeven_simulator::pricing::{PriceCatalog, UsageProfile, Usd};
use serde::Serialize;
use tauri::State;

const DAYS: Field = Field {
    name: "days",
    label: "Days",
};
const PLATFORM: Field = Field {
    name: "platform",
    label: "Platform",
};

/// Longest window the views ask for: the demo account and a default sync hold 90 days at most,
/// CloudWatch 455.
const MAX_DAYS: u32 = 455;

fn days(raw: &str) -> CommandResult<u32> {
    match count_u32(DAYS, raw, MAX_DAYS)? {
        Some(0) => Err(DAYS.reject("must be at least 1")),
        d => Ok(d.unwrap_or(30)),
    }
}

/// The table's rows and the window they cover (`None` with no metrics stored).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(any(test, feature = "ts"), derive(ts_rs::TS))]
pub struct FunctionTable {
    pub window: Option<Window>,
    pub rows: Vec<FunctionUsage>,
}

fn table(store: &Store, catalog: &PriceCatalog, days: u32) -> CommandResult<FunctionTable> {
    let Some(window) = Window::latest(store, days)? else {
        return Ok(FunctionTable {
            window: None,
            rows: Vec::new(),
        });
    };
    Ok(FunctionTable {
        window: Some(window),
        rows: inventory::usage(store, catalog, window)?,
    })
}

/// Every function with its usage over the latest `days` days of data.
#[tauri::command]
pub async fn functions_list(state: State<'_, DesktopState>, days: String) -> CommandResult<FunctionTable> {
    let d = self::days(&days)?;
    let (store, catalog) = (state.store()?, state.catalog()?);
    blocking(move || table(&store, &catalog, d)).await
}

/// One function's monthly cost on another platform, or why it cannot be priced there.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(any(test, feature = "ts"), derive(ts_rs::TS))]
pub struct CostOn {
    pub id: i64,
    pub total_usd: Option<Usd>,
    pub error: Option<CommandError>,
}

/// What each function's month of usage would cost on `platform`.
#[tauri::command]
pub async fn functions_cost_on(
    state: State<'_, DesktopState>,
    platform: String,
    days: String,
) -> CommandResult<Vec<CostOn>> {
    let platform = ident(PLATFORM, &platform, 100)?.ok_or_else(|| PLATFORM.reject_empty())?;
    let d = self::days(&days)?;
    let (store, catalog) = (state.store()?, state.catalog()?);
    catalog.platform(&platform).map_err(AppError::from)?;
    blocking(move || {
        let t = table(&store, &catalog, d)?;
        Ok(t.rows
            .iter()
            .map(|u| match inventory::cost_on(&catalog, u, &platform) {
                Ok(r) => CostOn {
                    id: u.function.id,
                    total_usd: Some(r.cost.total),
                    error: None,
                },
                Err(e) => CostOn {
                    id: u.function.id,
                    total_usd: None,
                    error: Some(e.into()),
                },
            })
            .collect())
    })
    .await
}

/// A resampled metric series for a chart: bucket start (Unix seconds) and value.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(any(test, feature = "ts"), derive(ts_rs::TS))]
pub struct MetricSeries {
    pub metric: &'static str,
    pub stat: &'static str,
    /// Unit of the values, e.g. `invocations per hour`, `ms`.
    pub unit: &'static str,
    pub points: Vec<(i64, f64)>,
}

/// One function in detail.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(any(test, feature = "ts"), derive(ts_rs::TS))]
pub struct FunctionDetail {
    pub window: Window,
    pub usage: FunctionUsage,
    /// Its month on AWS Lambda, line by line and by category.
    pub cost: EstimateView,
    /// The usage profile that month was priced from (what `breakeven estimate` takes).
    pub profile: UsageProfile,
    /// Bucket width of the series, seconds.
    pub bucket_s: i64,
    pub series: Vec<MetricSeries>,
    /// Its Lambda cost per day.
    pub daily_cost: Vec<DailyCost>,
    /// The charts of the series and the daily cost, as SVG.
    pub charts: Vec<Chart>,
}

/// The detail's charts: invocations, duration p50/p99, concurrency and daily cost.
fn charts(
    series: &[MetricSeries],
    daily: &[DailyCost],
    w: Window,
    theme: Theme,
) -> CommandResult<Vec<Chart>> {
    let find = |m: &str, s: &str| -> Vec<(i64, f64)> {
        series
            .iter()
            .find(|x| x.metric == m && x.stat == s)
            .map(|x| x.points.clone())
            .unwrap_or_default()
    };
    let cost: Vec<(i64, f64)> = daily.iter().map(|d| (d.day, usd_f64(&d.cost_usd))).collect();
    let (invocations, p50, p99, concurrency) = (
        find("Invocations", "Sum"),
        find("Duration", "p50"),
        find("Duration", "p99"),
        find("ConcurrentExecutions", "Maximum"),
    );
    let range = (w.from, w.to);
    let specs: [(&'static str, &str, Vec<Line<'_>>, fn(f64) -> String, Option<i64>); 4] = [
        (
            "invocations",
            "Invocations per hour",
            vec![Line {
                label: "Invocations",
                colour: metric::PRIMARY,
                points: &invocations,
            }],
            count_tick,
            None,
        ),
        (
            "duration",
            "Duration, worst of each hour",
            vec![
                Line {
                    label: "p50",
                    colour: metric::PRIMARY,
                    points: &p50,
                },
                Line {
                    label: "p99",
                    colour: metric::SECONDARY,
                    points: &p99,
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
                points: &concurrency,
            }],
            count_tick,
            None,
        ),
        (
            "cost",
            "Lambda cost per day",
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
        .map(|(id, title, lines, fmt, bars)| {
            chart(
                id,
                title,
                metric::over_time(metric::PANEL, title, &lines, range, &fmt, bars, theme),
            )
        })
        .collect()
}

/// The series the detail view charts: (metric, statistic, unit).
const CHARTED: [(&str, &str, &str); 4] = [
    ("Invocations", "Sum", "invocations per hour"),
    ("Duration", "p50", "ms"),
    ("Duration", "p99", "ms"),
    ("ConcurrentExecutions", "Maximum", "concurrent executions"),
];

pub fn detail(
    store: &Store,
    catalog: &PriceCatalog,
    id: i64,
    days: u32,
    theme: Theme,
) -> CommandResult<FunctionDetail> {
    let t = table(store, catalog, days)?;
    let window = t.window.ok_or_else(|| {
        AppError::bad_input(
            ErrorCode::NoMetrics,
            "No metrics are stored yet: sync an account or load the demo.",
        )
    })?;
    let usage = t.rows.into_iter().find(|u| u.function.id == id).ok_or_else(|| {
        AppError::bad_input(
            ErrorCode::NoFunction,
            format!("No function with id {id} is stored."),
        )
    })?;
    let cost = EstimateView::from(inventory::cost_on(catalog, &usage, "aws-lambda")?);
    let profile = inventory::profile(catalog, &usage, "aws-lambda")?;
    let bucket_s = 3_600;
    let mut series = Vec::new();
    for (metric, stat, unit) in CHARTED {
        let points = inventory::series(store, id, metric, stat, window, bucket_s)?;
        series.push(MetricSeries {
            metric,
            stat,
            unit,
            points,
        });
    }
    let daily_cost = inventory::daily_cost(store, catalog, &usage, window)?;
    Ok(FunctionDetail {
        profile,
        charts: charts(&series, &daily_cost, window, theme)?,
        daily_cost,
        window,
        usage,
        cost,
        bucket_s,
        series,
    })
}

/// One function's usage, cost breakdown and metric series.
#[tauri::command]
pub async fn function_detail(
    state: State<'_, DesktopState>,
    id: i64,
    days: String,
    theme: Theme,
) -> CommandResult<FunctionDetail> {
    let d = self::days(&days)?;
    let (store, catalog) = (state.store()?, state.catalog()?);
    blocking(move || detail(&store, &catalog, id, d, theme)).await
}
