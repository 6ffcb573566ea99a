//! The function inventory with each function's usage over a window of stored metrics: what the
//! desktop's Functions table lists, and the usage profile that prices a function on any platform.
//!
//! Percentiles: CloudWatch stores one p50/p99 per period; a window's figure here is the
//! invocation-weighted mean of the periods' values (exact for steady traffic, an approximation
//! when the distribution shifts within the window).

use crate::app::error::{AppError, Result};
use crate::app::estimate::{estimate, EstimateReport, EstimateRequest};
use crate::error_code::ErrorCode;
use crate::store::functions::{self, FunctionRow};
use crate::store::rollups::{self, Combine};
use crate::store::Store;
use breakeven_simulator::pricing::{
    bill, Arch, CostBreakdown, Deployment, PriceCatalog, Usage, UsageProfile, Usd,
};
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::HashMap;

/// Seconds in a day.
const DAY_S: i64 = 86_400;
/// A billing month, days (730 h, as the providers' calculators use).
const MONTH_DAYS: f64 = 730.0 / 24.0;

/// A window of stored data, Unix seconds `[from, to)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Window {
    pub from: i64,
    pub to: i64,
}

impl Window {
    /// The `days` days that end with the newest stored metric point (so a demo account or an
    /// account last synced a week ago still shows its latest month), or `None` with no points.
    pub fn latest(store: &Store, days: u32) -> Result<Option<Window>> {
        let newest = rollups::newest_point(store.conn())?;
        Ok(newest.map(|t| {
            // Align to the end of that UTC day: windows hold whole days.
            let to = (t.div_euclid(DAY_S) + 1) * DAY_S;
            Window {
                from: to - i64::from(days) * DAY_S,
                to,
            }
        }))
    }

    pub fn days(&self) -> f64 {
        (self.to - self.from) as f64 / DAY_S as f64
    }
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
    pub p50_ms: Option<f64>,
    pub p99_ms: Option<f64>,
    /// Highest concurrent executions of any period.
    pub peak_concurrency: Option<f64>,
    /// Requests per 730-hour month at the window's rate.
    pub monthly_requests: u64,
    /// AWS Lambda cost per month at the window's rate, list prices, no free tier (the free tier
    /// belongs to the account, not to one function).
    pub monthly_cost_usd: Option<Usd>,
}

#[derive(Default)]
struct Sums {
    invocations: f64,
    errors: f64,
    throttles: f64,
    peak_concurrency: Option<f64>,
    /// stat → (Σ invocations × value, Σ invocations)
    weighted: HashMap<String, (f64, f64)>,
}

impl Sums {
    fn weighted(&self, stat: &str) -> Option<f64> {
        self.weighted
            .get(stat)
            .filter(|(_, n)| *n > 0.0)
            .map(|(s, n)| s / n)
    }
}

fn sums(store: &Store, w: Window) -> Result<HashMap<i64, Sums>> {
    let mut out: HashMap<i64, Sums> = HashMap::new();
    for t in rollups::totals(store.conn(), w.from, w.to)? {
        let s = out.entry(t.function_id).or_default();
        match t.metric.as_str() {
            "Invocations" => s.invocations = t.sum,
            "Errors" => s.errors = t.sum,
            "Throttles" => s.throttles = t.sum,
            _ => s.peak_concurrency = Some(t.max),
        }
    }
    for d in rollups::weighted_durations(store.conn(), w.from, w.to)? {
        out.entry(d.function_id)
            .or_default()
            .weighted
            .insert(d.stat, (d.weighted_ms, d.invocations));
    }
    Ok(out)
}

/// Every stored function with its usage in `w`, ordered by account, region and name.
pub fn usage(store: &Store, catalog: &PriceCatalog, w: Window) -> Result<Vec<FunctionUsage>> {
    let mut sums = sums(store, w)?;
    functions::list(store.conn())?
        .into_iter()
        .map(|f| {
            let s = sums.remove(&f.id).unwrap_or_default();
            let monthly_requests = (s.invocations * MONTH_DAYS / w.days()).round() as u64;
            let mut row = FunctionUsage {
                function: f,
                invocations: s.invocations.round() as u64,
                errors: s.errors.round() as u64,
                throttles: s.throttles.round() as u64,
                avg_duration_ms: s.weighted("Average"),
                p50_ms: s.weighted("p50"),
                p99_ms: s.weighted("p99"),
                peak_concurrency: s.peak_concurrency,
                monthly_requests,
                monthly_cost_usd: None,
            };
            row.monthly_cost_usd = Some(cost_on(catalog, &row, "aws-lambda")?.cost.total);
            Ok(row)
        })
        .collect()
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
    let kind = catalog.platform(platform)?.kind;
    if !matches!(kind, breakeven_simulator::pricing::PlatformKind::Faas) {
        let peak = u.peak_concurrency.unwrap_or(1.0).max(1.0);
        p.instances = Some((peak / f64::from(FLEET_CONCURRENCY)).ceil().max(1.0) as u32);
        p.concurrency = Some(FLEET_CONCURRENCY);
        p.provisioned_concurrency = 0;
    }
    Ok(p)
}

/// What the function's month of usage costs on `platform` (its default region unless the
/// function's region is priced there).
pub fn cost_on(catalog: &PriceCatalog, u: &FunctionUsage, platform: &str) -> Result<EstimateReport> {
    let p = catalog.platform(platform)?;
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

/// A stored series of one function resampled to `bucket_s` buckets over `w`: the sum of the
/// points in each bucket for `Sum` statistics, else their maximum (the worst p99 of the hour:
/// percentiles of different periods cannot be added).
pub fn series(
    store: &Store,
    function_id: i64,
    metric: &str,
    stat: &str,
    w: Window,
    bucket_s: i64,
) -> Result<Vec<(i64, f64)>> {
    let combine = if stat == "Sum" { Combine::Sum } else { Combine::Max };
    Ok(rollups::resampled(
        store.conn(),
        function_id,
        metric,
        stat,
        combine,
        (w.from, w.to),
        bucket_s,
    )?)
}

/// One day's AWS Lambda cost of a function.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DailyCost {
    /// Start of the UTC day, Unix seconds.
    pub day: i64,
    pub cost_usd: Usd,
    /// The day's bill line by line.
    #[serde(skip)]
    pub breakdown: CostBreakdown,
}

/// The function's Lambda cost per day of `w`, each day priced from that day's invocations and
/// execution time (each request rounded up to the next ms: half a ms on average) plus its
/// provisioned concurrency; list prices, no free tier.
pub fn daily_cost(
    store: &Store,
    catalog: &PriceCatalog,
    u: &FunctionUsage,
    w: Window,
) -> Result<Vec<DailyCost>> {
    let cfg = &u.function.config;
    let arch: Arch = cfg
        .architecture
        .parse()
        .map_err(|e: String| AppError::bad_input(ErrorCode::BadArch, e))?;
    let deployment = Deployment {
        memory_mb: cfg.memory_mb,
        arch,
        ephemeral_storage_mb: cfg.ephemeral_storage_mb,
        provisioned_instances: cfg.provisioned_concurrency,
        free_tier: false,
        ..Deployment::default()
    };
    let day_ms = DAY_S as u64 * 1000;
    let region = Some(u.function.region.as_str()).filter(|r| {
        catalog
            .platform("aws-lambda")
            .map(|p| p.regions.iter().any(|x| x == r))
            .unwrap_or(false)
    });
    rollups::usage_by_bucket(store.conn(), u.function.id, (w.from, w.to), DAY_S)?
        .into_iter()
        .map(|b| {
            let exec_ms = (b.duration_ms + 0.5 * b.invocations).round().max(0.0) as u64;
            let provisioned_ms = u64::from(cfg.provisioned_concurrency) * day_ms;
            let usage = Usage {
                period_ms: day_ms,
                requests: b.invocations.round().max(0.0) as u64,
                exec_ms,
                provisioned_exec_ms: exec_ms.min(provisioned_ms),
                provisioned_ms,
                ..Usage::default()
            };
            let breakdown = bill(catalog, "aws-lambda", region, &deployment, &usage)?;
            Ok(DailyCost {
                day: b.start,
                cost_usd: breakdown.total,
                breakdown,
            })
        })
        .collect()
}
