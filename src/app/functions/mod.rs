//! The Functions table: every function of an account with its usage over a window of stored
//! metrics and what that usage costs per month, on its own platform and on others. One use case
//! for `breakeven functions` and the desktop's Functions view (and, in [`detail`], one function).
//!
//! Every figure comes from `analytics`, read over the window `analyse` uses (the last 30 days
//! with data unless a range is given): usage by `analytics::usage` (the finest stored period wins
//! where periods overlap), the own platform's cost by `analytics::cost`, day by day, then brought
//! to a 730-hour month. A function's invocations here are the ones `breakeven analyse` reports for
//! the same window. Another platform prices the same month as a usage profile with `estimate` (a
//! VM or container fleet sized from the peak concurrency).

mod detail;

pub use detail::{detail, ColdStartDay, DailyCost, FunctionDetail, MetricSeries};

use crate::analytics::cost::{self, DayMetrics, FunctionConfig};
use crate::analytics::logs::{self, FunctionLogs, MeasuredStats};
use crate::analytics::money::{from_units, to_units};
use crate::analytics::read::{f64s, f64s_or_zero, i64s};
use crate::analytics::{frames, usage, AnalyticsError};
use crate::app::analyse::{self, DEFAULT_DAYS};
use crate::app::error::{AppError, ErrorPayload, Result};
use crate::app::estimate::{estimate, EstimateReport, EstimateRequest};
use crate::app::rightsize::{self, RightSizing};
use crate::error_code::ErrorCode;
use crate::store::functions::{self as stored, FunctionRow};
use crate::store::{accounts, Day, Store};
use breakeven_simulator::pricing::catalog::CATALOG_VERSION;
use breakeven_simulator::pricing::{Arch, CostBreakdown, PlatformKind, PriceCatalog, UsageProfile, Usd};
use polars::prelude::*;
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::str::FromStr;

/// Seconds in a day.
const DAY_S: i64 = 86_400;
/// Longest window in days: CloudWatch keeps 455 days.
pub const MAX_DAYS: u32 = 455;

/// A window of stored data, Unix seconds `[from, to)`, whole UTC days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Window {
    pub from: i64,
    pub to: i64,
}

impl Window {
    /// The days `from..=to`.
    pub fn of_days(from: Day, to: Day) -> Window {
        Window {
            from: from.start_unix(),
            to: to.plus(1).start_unix(),
        }
    }

    pub fn days(&self) -> f64 {
        (self.to - self.from) as f64 / DAY_S as f64
    }
}

/// The column the table is sorted by.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SortColumn {
    /// Monthly cost on the own platform, dearest first (the default).
    #[default]
    Cost,
    /// Name, A to Z.
    Name,
    /// Memory, largest first.
    Memory,
    /// Invocations, most first.
    Invocations,
    Errors,
    Throttles,
    /// Duration p50, slowest first.
    P50,
    /// Duration p99, slowest first.
    P99,
}

/// The names `--sort` takes.
pub const SORT_COLUMNS: &str = "cost, name, memory, invocations, errors, throttles, p50, p99";

impl FromStr for SortColumn {
    type Err = AppError;

    fn from_str(s: &str) -> Result<SortColumn> {
        Ok(match s.trim().to_ascii_lowercase().as_str() {
            "cost" | "monthly" | "monthly_usd" => SortColumn::Cost,
            "name" => SortColumn::Name,
            "memory" | "memory_mb" => SortColumn::Memory,
            "invocations" => SortColumn::Invocations,
            "errors" => SortColumn::Errors,
            "throttles" => SortColumn::Throttles,
            "p50" | "duration_p50_ms" => SortColumn::P50,
            "p99" | "duration_p99_ms" => SortColumn::P99,
            other => {
                return Err(AppError::bad_input(
                    ErrorCode::BadSort,
                    format!("--sort `{other}` is not a column: use one of {SORT_COLUMNS}"),
                ))
            }
        })
    }
}

/// What to list. Defaults: the only stored account, the `analyse` window, no other platform,
/// sorted by cost.
#[derive(Debug, Clone, Default)]
pub struct FunctionsRequest {
    /// Account key (default: the only stored account).
    pub account: Option<String>,
    /// First and last day (default: the last `days` days with data, as `analyse`).
    pub from: Option<Day>,
    pub to: Option<Day>,
    /// Days of the default window (default 30).
    pub days: Option<u32>,
    /// Catalog ids to price each function's month on as well.
    pub platforms: Vec<String>,
    pub sort: SortColumn,
}

/// One row of the Functions table.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FunctionUsage {
    #[serde(flatten)]
    pub function: FunctionRow,
    /// Invocations in the window.
    pub invocations: u64,
    pub errors: u64,
    pub throttles: u64,
    /// Invocation-weighted mean duration, ms (`None` without invocations).
    pub avg_duration_ms: Option<f64>,
    /// Invocation-weighted mean of the stored periods' p50, ms, 3 decimals.
    pub p50_ms: Option<f64>,
    /// Invocation-weighted mean of the stored periods' p99, ms, 3 decimals.
    pub p99_ms: Option<f64>,
    /// Highest concurrent executions of any hour.
    pub peak_concurrency: Option<f64>,
    /// Cold starts, INIT and memory used in the window from the REPORT records (null without
    /// log data).
    #[serde(flatten)]
    pub measured: MeasuredStats,
    /// The memory size its measured use suggests, and the saving over the window (null without
    /// log data).
    pub rightsizing: Option<RightSizing>,
    /// The right-sizing's saving per 730-hour month at the window's rate (null without log
    /// data; negative when the suggested size is larger).
    pub monthly_saving_usd: Option<Usd>,
    /// Requests per 730-hour month at the window's rate.
    pub monthly_requests: u64,
    /// Cost per 730-hour month on the account's own platform (AWS Lambda; Azure Functions for
    /// an imported trace) at the window's rate: the window's days priced as `analyse` prices
    /// them, list prices, no free tier (the free tier belongs to the account, not to one
    /// function).
    pub monthly_cost_usd: Option<Usd>,
    /// That month line by line (`monthly_cost_usd` is its total).
    #[serde(skip)]
    #[cfg_attr(feature = "ts", ts(skip))]
    pub month: CostBreakdown,
    /// The month on each platform of the request: its cost, or why it cannot be priced there.
    #[serde(skip)]
    #[cfg_attr(feature = "ts", ts(skip))]
    pub cost_on: BTreeMap<String, std::result::Result<Usd, ErrorPayload>>,
}

/// The Functions table of one account.
#[derive(Debug, Clone, Serialize)]
pub struct FunctionsTable {
    pub account: String,
    /// First and last day of the window.
    pub from: Day,
    pub to: Day,
    pub window: Window,
    /// The catalog id the functions run on (`monthly_cost_usd`).
    pub platform: String,
    pub functions: Vec<FunctionUsage>,
}

/// The Functions table of one account: see the module docs.
pub fn table(store: &Store, catalog: &PriceCatalog, req: &FunctionsRequest) -> Result<FunctionsTable> {
    let days = window_days(req.days)?;
    for p in &req.platforms {
        catalog.platform(p)?;
    }
    let (account_id, key) = analyse::resolve_account(store, req.account.as_deref())?;
    let (from, to) = analyse::resolve_range_of(store, account_id, req.from, req.to, days)?;
    let c = store.conn();
    let platform = analyse::account_platform(store, account_id)?;
    let configs = analyse::configs(&frames::functions(c, account_id)?)?;
    let measured = logs::measured(c, account_id, from, to)?;
    let usage_days = analyse::function_days_with(store, account_id, from, to, &measured)?;
    let mut functions = rows(
        catalog,
        platform,
        Window::of_days(from, to),
        stored::of_account(c, account_id)?,
        &configs,
        &usage_days,
        &measured,
        &req.platforms,
    )?;
    sort(&mut functions, req.sort);
    Ok(FunctionsTable {
        account: key,
        from,
        to,
        window: Window::of_days(from, to),
        platform: platform.to_string(),
        functions,
    })
}

/// The rows of every stored account and the window they cover (`None` with no data stored),
/// each account over its own latest `days` days of data: the desktop's Functions view.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FunctionTable {
    pub window: Option<Window>,
    pub rows: Vec<FunctionUsage>,
}

/// [`table`] of every account with data, by account key then name.
pub fn every_account(
    store: &Store,
    catalog: &PriceCatalog,
    days: Option<u32>,
    platforms: &[String],
) -> Result<FunctionTable> {
    let mut out = FunctionTable {
        window: None,
        rows: Vec::new(),
    };
    for a in accounts::list(store.conn())? {
        if frames::data_days(store.conn(), a.id)?.is_none() {
            continue;
        }
        let t = table(
            store,
            catalog,
            &FunctionsRequest {
                account: Some(a.key),
                days,
                platforms: platforms.to_vec(),
                sort: SortColumn::Name,
                ..FunctionsRequest::default()
            },
        )?;
        out.window = Some(match out.window {
            None => t.window,
            Some(w) => Window {
                from: w.from.min(t.window.from),
                to: w.to.max(t.window.to),
            },
        });
        out.rows.extend(t.functions);
    }
    Ok(out)
}

/// `days`, checked (default 30, as `analyse`).
fn window_days(days: Option<u32>) -> Result<i64> {
    match days {
        None => Ok(DEFAULT_DAYS),
        Some(d) if (1..=MAX_DAYS).contains(&d) => Ok(i64::from(d)),
        Some(_) => Err(AppError::bad_input(
            ErrorCode::BadDays,
            format!("the window must be between 1 and {MAX_DAYS} days"),
        )),
    }
}

/// The table's rows for `functions` from their usage per day over `window` (`usage_days`, from
/// `analyse::function_days`; functions without a row used nothing) and their REPORT records
/// (`logs`, by name).
#[allow(clippy::too_many_arguments)]
fn rows(
    catalog: &PriceCatalog,
    platform: &str,
    window: Window,
    functions: Vec<FunctionRow>,
    configs: &[FunctionConfig],
    usage_days: &DataFrame,
    logs: &BTreeMap<String, FunctionLogs>,
    platforms: &[String],
) -> Result<Vec<FunctionUsage>> {
    let e = AnalyticsError::from;
    // Each function's days, as pricing reads them.
    let measured: BTreeMap<i64, Vec<DayMetrics>> = cost::day_metrics(usage_days)?
        .into_iter()
        .map(|(id, days)| (id, days.into_iter().map(|(_, m)| m).collect()))
        .collect();
    let totals = usage::function_totals(usage_days.clone().lazy())
        .collect()
        .map_err(e)?;
    let t_id = i64s(&totals, "function_id").map_err(e)?;
    let t_inv = f64s_or_zero(&totals, "invocations").map_err(e)?;
    let t_err = f64s_or_zero(&totals, "errors").map_err(e)?;
    let t_thr = f64s_or_zero(&totals, "throttles").map_err(e)?;
    let t_avg = f64s(&totals, "duration_avg_ms").map_err(e)?;
    let t_p50 = f64s(&totals, "duration_p50_ms").map_err(e)?;
    let t_p99 = f64s(&totals, "duration_p99_ms").map_err(e)?;
    let t_conc = f64s(&totals, "concurrency_max").map_err(e)?;
    let at: HashMap<i64, usize> = t_id.iter().enumerate().map(|(i, id)| (*id, i)).collect();
    let by_id: HashMap<i64, &FunctionConfig> = configs.iter().map(|f| (f.function_id, f)).collect();
    // A 730-hour month over the window's days.
    let per_month = Decimal::from(730) / Decimal::from(24 * (window.to - window.from) / DAY_S);
    let month_days = 730.0 / 24.0;
    let r3 = |v: Option<f64>| v.filter(|x| x.is_finite()).map(|x| (x * 1000.0).round() / 1000.0);
    let mut out = Vec::with_capacity(functions.len());
    for function in functions {
        let Some(config) = by_id.get(&function.id) else {
            continue;
        };
        let i = at.get(&function.id).copied();
        let sum = |v: &[f64]| i.map(|i| v[i].max(0.0)).unwrap_or(0.0);
        let opt = |v: &[Option<f64>]| i.and_then(|i| v[i]);
        let bills = measured
            .get(&function.id)
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .map(|m| cost::price_day_for(catalog, platform, config, m))
            .collect::<std::result::Result<Vec<_>, _>>()?;
        let month = cost::scaled(&cost::merge(platform, &config.region, &bills), per_month);
        let invocations = sum(&t_inv);
        let log = logs.get(&function.config.name);
        let rightsizing = rightsize::suggest(
            catalog,
            platform,
            config,
            log,
            measured.get(&function.id).map(Vec::as_slice).unwrap_or_default(),
            r3(opt(&t_avg)),
        )?;
        let mut row = FunctionUsage {
            invocations: invocations.round() as u64,
            errors: sum(&t_err).round() as u64,
            throttles: sum(&t_thr).round() as u64,
            avg_duration_ms: r3(opt(&t_avg)),
            p50_ms: r3(opt(&t_p50)),
            p99_ms: r3(opt(&t_p99)),
            peak_concurrency: r3(opt(&t_conc)),
            measured: MeasuredStats::of(log),
            monthly_saving_usd: rightsizing
                .as_ref()
                .map(|r| Usd(from_units(to_units(r.saving_usd.0 * per_month)))),
            rightsizing,
            monthly_requests: (invocations * month_days / window.days()).round() as u64,
            monthly_cost_usd: Some(month.total),
            month,
            cost_on: BTreeMap::new(),
            function,
        };
        for p in platforms {
            let priced = cost_on(catalog, &row, p)
                .map(|r| r.cost.total)
                .map_err(|e| e.to_payload());
            row.cost_on.insert(p.clone(), priced);
        }
        out.push(row);
    }
    Ok(out)
}

fn sort(rows: &mut [FunctionUsage], by: SortColumn) {
    let name = |r: &FunctionUsage| (r.function.config.name.clone(), r.function.account_key.clone());
    // Largest first; a missing figure last.
    let desc = |a: Option<f64>, b: Option<f64>| {
        b.unwrap_or(f64::NEG_INFINITY)
            .total_cmp(&a.unwrap_or(f64::NEG_INFINITY))
    };
    rows.sort_by(|a, b| {
        let first = match by {
            SortColumn::Cost => b.monthly_cost_usd.cmp(&a.monthly_cost_usd),
            SortColumn::Name => std::cmp::Ordering::Equal,
            SortColumn::Memory => b.function.config.memory_mb.cmp(&a.function.config.memory_mb),
            SortColumn::Invocations => b.invocations.cmp(&a.invocations),
            SortColumn::Errors => b.errors.cmp(&a.errors),
            SortColumn::Throttles => b.throttles.cmp(&a.throttles),
            SortColumn::P50 => desc(a.p50_ms, b.p50_ms),
            SortColumn::P99 => desc(a.p99_ms, b.p99_ms),
        };
        first.then_with(|| name(a).cmp(&name(b)))
    });
}

/// Requests one instance serves at once when a function's traffic is priced on a VM or
/// container fleet: an I/O-bound API handles many requests per vCPU. Fleets are sized to hold
/// the function's peak concurrency at this rate.
pub const FLEET_CONCURRENCY: u32 = 10;

/// The function's month of usage as an estimate profile for `platform`.
pub fn profile(catalog: &PriceCatalog, u: &FunctionUsage, platform: &str) -> Result<UsageProfile> {
    let cfg = &u.function.config;
    let arch: Arch = cfg
        .architecture
        .parse()
        .map_err(|e: String| AppError::bad_input(ErrorCode::BadArch, e))?;
    let duration = u.avg_duration_ms.unwrap_or(0.0).max(0.0);
    let mut p = UsageProfile {
        requests: u.monthly_requests,
        duration_ms: Decimal::from_f64_retain(duration).unwrap_or_default().round_dp(3),
        memory_mb: Some(cfg.memory_mb),
        arch,
        provisioned_concurrency: cfg.provisioned_concurrency,
        ephemeral_storage_mb: cfg.ephemeral_storage_mb,
        free_tier: false,
        ..UsageProfile::default()
    };
    if !matches!(catalog.platform(platform)?.kind, PlatformKind::Faas) {
        let peak = u.peak_concurrency.unwrap_or(1.0).max(1.0);
        p.instances = Some((peak / f64::from(FLEET_CONCURRENCY)).ceil().max(1.0) as u32);
        p.concurrency = Some(FLEET_CONCURRENCY);
        p.provisioned_concurrency = 0;
    }
    Ok(p)
}

/// What the function's month costs on `platform`: on its own platform the month of the table
/// ([`FunctionUsage::month`]); elsewhere its [`profile`] priced by `estimate` (in the function's
/// region where the platform is priced in it, else the platform's default region).
pub fn cost_on(catalog: &PriceCatalog, u: &FunctionUsage, platform: &str) -> Result<EstimateReport> {
    let p = catalog.platform(platform)?;
    if platform == u.month.platform {
        return Ok(EstimateReport {
            cost: u.month.clone(),
            platform_name: p.name.clone(),
            catalog_version: CATALOG_VERSION.to_string(),
            prices_as_of: catalog.as_of_range(platform),
        });
    }
    let region = p
        .regions
        .iter()
        .any(|r| r == &u.function.region)
        .then(|| u.function.region.clone());
    estimate(
        catalog,
        &EstimateRequest {
            platform: platform.to_string(),
            region,
            profile: profile(catalog, u, platform)?,
        },
    )
}
