//! Usage-derived cost: each function-day's metered usage priced with the catalog by the pricing
//! crate (`breakeven_simulator::pricing::bill`), exactly.
//!
//! From the metrics: requests = Invocations; execution time = Σ Invocations × Duration Average
//! plus half a millisecond per request (Lambda rounds each request up to the next millisecond;
//! an average hides that); the part served by provisioned concurrency = execution time × (1 −
//! spillover / invocations); provisioned concurrency billed all day at the inventory's current
//! configuration. Init (cold-start) time is billed by Lambda (since 2025-08-01, at the on-demand
//! duration rate) but is not a CloudWatch metric: it comes from the function's REPORT records
//! (`crate::analytics::logs`), Σ INIT rounded up to the ms per cold start, priced by the
//! catalog's `init_billed` rule. Those records show INIT only for on-demand environments
//! (provisioned ones initialise ahead of traffic), so every measured cold start is billed. A
//! function without log data has no INIT here; its INIT shows up in reconciliation. Each function-day
//! is priced on its own without the free tier (the free tier is an account-level credit, see
//! [`free_tier_credit`]); tiers that only start past 6 billion GB-seconds a month are not reached
//! by a single function-day.

use crate::analytics::money::{from_units, to_units, usd_column};
use crate::analytics::Result;
use crate::store::accounts::AccountSource;
use breakeven_simulator::pricing::{
    bill, Arch, CatalogError, CostBreakdown, CostCategory, CostLine, Deployment, PriceCatalog, Usage, Usd,
};
use polars::prelude::*;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

pub const PLATFORM: &str = "aws-lambda";
const DAY_MS: u64 = 86_400_000;

/// A function's configuration, as pricing needs it.
#[derive(Debug, Clone, PartialEq)]
pub struct FunctionConfig {
    pub function_id: i64,
    pub name: String,
    pub region: String,
    /// MB.
    pub memory_mb: u32,
    pub arch: Arch,
    /// MB.
    pub ephemeral_storage_mb: u32,
    /// Instances.
    pub provisioned_concurrency: u32,
}

/// One function-day's usage from the metrics.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DayMetrics {
    pub invocations: f64,
    /// Σ invocations × average duration, ms.
    pub duration_ms: f64,
    /// Invocations that spilled over provisioned concurrency.
    pub spillover: f64,
    /// Cold starts the REPORT records show (0 without log data).
    pub cold_starts: u64,
    /// Σ INIT of those cold starts, each rounded up to the ms, ms (0 without log data).
    pub init_billed_ms: u64,
}

/// Each function's days of a days frame (as [`price_days`] reads it), by function id, in the
/// frame's order.
pub fn day_metrics(days: &DataFrame) -> Result<BTreeMap<i64, Vec<(i64, DayMetrics)>>> {
    use crate::analytics::read::{f64s_or_zero, i64s};
    let id = i64s(days, "function_id")?;
    let day = i64s(days, "day")?;
    let inv = f64s_or_zero(days, "invocations")?;
    let dur = f64s_or_zero(days, "duration_ms")?;
    let spill = f64s_or_zero(days, "spillover")?;
    let optional = |name: &str| -> Result<Vec<i64>> {
        Ok(match days.column(name) {
            Ok(_) => i64s(days, name)?,
            Err(_) => vec![0; days.height()],
        })
    };
    let cold = optional("cold_starts")?;
    let init = optional("init_billed_ms")?;
    let mut out: BTreeMap<i64, Vec<(i64, DayMetrics)>> = BTreeMap::new();
    for i in 0..days.height() {
        out.entry(id[i]).or_default().push((
            day[i],
            DayMetrics {
                invocations: inv[i],
                duration_ms: dur[i],
                spillover: spill[i],
                cold_starts: cold[i].max(0) as u64,
                init_billed_ms: init[i].max(0) as u64,
            },
        ));
    }
    Ok(out)
}

/// The [`Usage`] of one function-day (see the module docs for each rule).
pub fn day_usage(f: &FunctionConfig, m: &DayMetrics) -> Usage {
    let requests = m.invocations.max(0.0).round() as u64;
    let exec_ms = (m.duration_ms.max(0.0) + 0.5 * m.invocations.max(0.0)).round() as u64;
    let provisioned_ms = u64::from(f.provisioned_concurrency) * DAY_MS;
    let provisioned_exec_ms = if f.provisioned_concurrency > 0 && m.invocations > 0.0 {
        let share = ((m.invocations - m.spillover) / m.invocations).clamp(0.0, 1.0);
        (exec_ms as f64 * share) as u64
    } else {
        0
    };
    Usage {
        period_ms: DAY_MS,
        requests,
        exec_ms,
        provisioned_exec_ms,
        provisioned_ms,
        init_ms: m.init_billed_ms,
        cold_starts: m.cold_starts.min(requests),
        ..Usage::default()
    }
}

/// The deployment a function is billed under (no free tier: it is credited per account).
pub fn deployment(f: &FunctionConfig) -> Deployment {
    Deployment {
        memory_mb: f.memory_mb,
        arch: f.arch,
        ephemeral_storage_mb: f.ephemeral_storage_mb,
        provisioned_instances: f.provisioned_concurrency,
        free_tier: false,
        ..Deployment::default()
    }
}

/// Price one function-day on Lambda in the function's region (an error if the catalog does not
/// price that region).
pub fn price_day(
    catalog: &PriceCatalog,
    f: &FunctionConfig,
    m: &DayMetrics,
) -> std::result::Result<CostBreakdown, CatalogError> {
    bill(
        catalog,
        PLATFORM,
        Some(&f.region),
        &deployment(f),
        &day_usage(f, m),
    )
}

/// Price one function-day on `platform` (a catalog id) by the same usage rules, in the function's
/// region where the platform is priced in it, else in the platform's default region, as a
/// scenario replaying the function is simulated (a trace's functions have no real region).
pub fn price_day_on(
    catalog: &PriceCatalog,
    platform: &str,
    f: &FunctionConfig,
    m: &DayMetrics,
) -> std::result::Result<CostBreakdown, CatalogError> {
    let priced_in = catalog.platform(platform)?.regions.iter().any(|r| r == &f.region);
    let region = priced_in.then_some(f.region.as_str());
    bill(catalog, platform, region, &deployment(f), &day_usage(f, m))
}

/// Price one function-day on `platform` as `analyse` does: Lambda by [`price_day`] (the
/// function's own region, an error where the catalog does not price it), any other platform by
/// [`price_day_on`].
pub fn price_day_for(
    catalog: &PriceCatalog,
    platform: &str,
    f: &FunctionConfig,
    m: &DayMetrics,
) -> std::result::Result<CostBreakdown, CatalogError> {
    if platform == PLATFORM {
        price_day(catalog, f, m)
    } else {
        price_day_on(catalog, platform, f, m)
    }
}

/// The catalog id of the platform an account's functions run on, from the account's source:
/// `trace` accounts hold Azure Functions traces, every other source is AWS Lambda.
pub fn own_platform(source: AccountSource) -> &'static str {
    match source {
        AccountSource::Trace => "azure-functions-consumption",
        _ => PLATFORM,
    }
}

/// The cost categories a usage-derived Lambda cost is split into, in display order.
pub const CATEGORIES: [CostCategory; 5] = [
    CostCategory::Requests,
    CostCategory::Compute,
    CostCategory::Provisioned,
    CostCategory::Init,
    CostCategory::Storage,
];

/// Column name of a category's money column, e.g. `compute_usd`.
pub fn category_column(c: CostCategory) -> String {
    format!("{}_usd", c.label().replace(' ', "_"))
}

/// Price every row of a days frame (`function_id`, `day`, `invocations`, `duration_ms`,
/// `spillover`, and optionally the measured `cold_starts` and `init_billed_ms`, i64): one row
/// per function-day with `function_id`, `day`, a money column per category
/// ([`category_column`]), `total_usd`, and the billed quantities reconciliation compares with
/// the bill: `requests` (i64), `gb_seconds_x86` and `gb_seconds_arm` (f64, on-demand duration
/// including measured INIT, as the bill's duration usage types count it) and
/// `init_gb_seconds` (f64, the measured INIT part). Functions missing from `configs` are
/// skipped.
///
/// `platform` is the catalog id the days are priced on ([`own_platform`]): Lambda in each
/// function's region (an error where the catalog does not price it), any other platform by
/// [`price_day_on`].
pub fn price_days(
    catalog: &PriceCatalog,
    platform: &str,
    configs: &[FunctionConfig],
    days: &DataFrame,
) -> Result<DataFrame> {
    let by_id: BTreeMap<i64, &FunctionConfig> = configs.iter().map(|f| (f.function_id, f)).collect();
    let fid = days.column("function_id")?.i64()?;
    let day = days.column("day")?.i64()?;
    let inv = days.column("invocations")?.f64()?;
    let dur = days.column("duration_ms")?.f64()?;
    let spill = days.column("spillover")?.f64()?;
    let measured = |name: &str| -> Result<Vec<u64>> {
        Ok(match days.column(name) {
            Ok(_) => crate::analytics::read::i64s(days, name)?
                .into_iter()
                .map(|v| v.max(0) as u64)
                .collect(),
            Err(_) => vec![0; days.height()],
        })
    };
    let cold = measured("cold_starts")?;
    let init = measured("init_billed_ms")?;
    let mut out_fid = Vec::new();
    let mut out_day = Vec::new();
    let mut cats: Vec<Vec<Decimal>> = vec![Vec::new(); CATEGORIES.len()];
    let mut total = Vec::new();
    let mut requests = Vec::new();
    let mut gbs: [Vec<f64>; 2] = [Vec::new(), Vec::new()];
    let mut init_gbs = Vec::new();
    for i in 0..days.height() {
        let (Some(id), Some(d)) = (fid.get(i), day.get(i)) else {
            continue;
        };
        let Some(f) = by_id.get(&id) else { continue };
        let m = DayMetrics {
            invocations: inv.get(i).unwrap_or(0.0),
            duration_ms: dur.get(i).unwrap_or(0.0),
            spillover: spill.get(i).unwrap_or(0.0),
            cold_starts: cold[i],
            init_billed_ms: init[i],
        };
        let b = price_day_for(catalog, platform, f, &m)?;
        out_fid.push(id);
        out_day.push(d);
        // Each category is rounded to the nano-dollar of the money columns and the total is
        // their sum, so a split always adds up to its total exactly.
        let mut day_total = Decimal::ZERO;
        for (k, c) in CATEGORIES.iter().enumerate() {
            let v = from_units(to_units(b.category_total(*c).0));
            day_total += v;
            cats[k].push(v);
        }
        total.push(day_total);
        requests.push(day_usage(f, &m).requests as i64);
        let on_demand = format!("duration-{}", f.arch.as_str());
        let gb_s = |category: CostCategory| -> f64 {
            let q: Decimal = b
                .lines
                .iter()
                .filter(|l| l.dimension == on_demand && l.category == category)
                .map(|l| l.quantity)
                .sum();
            rust_decimal::prelude::ToPrimitive::to_f64(&q).unwrap_or(0.0)
        };
        let init_q = gb_s(CostCategory::Init);
        let arm = usize::from(f.arch == Arch::Arm64);
        gbs[arm].push(gb_s(CostCategory::Compute) + init_q);
        gbs[1 - arm].push(0.0);
        init_gbs.push(init_q);
    }
    let mut cols = vec![
        Column::new("function_id".into(), out_fid),
        Column::new("day".into(), out_day),
    ];
    for (k, c) in CATEGORIES.iter().enumerate() {
        cols.push(usd_column(&category_column(*c), &cats[k])?);
    }
    cols.push(usd_column("total_usd", &total)?);
    cols.push(Column::new("requests".into(), requests));
    let [x86, arm] = gbs;
    cols.push(Column::new("gb_seconds_x86".into(), x86));
    cols.push(Column::new("gb_seconds_arm".into(), arm));
    cols.push(Column::new("init_gb_seconds".into(), init_gbs));
    Ok(DataFrame::new_infer_height(cols)?)
}

/// Merge the bills of several periods into one: lines of the same item add up.
pub fn merge(platform: &str, region: &str, bills: &[CostBreakdown]) -> CostBreakdown {
    let mut lines: Vec<CostLine> = Vec::new();
    for b in bills {
        for l in &b.lines {
            match lines
                .iter_mut()
                .find(|x| x.item == l.item && x.dimension == l.dimension && x.unit_price == l.unit_price)
            {
                Some(x) => {
                    x.quantity += l.quantity;
                    x.amount += l.amount;
                }
                None => lines.push(l.clone()),
            }
        }
    }
    for l in &mut lines {
        l.quantity = l.quantity.normalize();
        l.amount = Usd(l.amount.0.normalize());
    }
    let mut notes: Vec<String> = Vec::new();
    for n in bills.iter().flat_map(|b| &b.notes) {
        if !notes.contains(n) {
            notes.push(n.clone());
        }
    }
    CostBreakdown {
        platform: platform.to_string(),
        region: region.to_string(),
        total: lines.iter().map(|l| l.amount).sum(),
        free_tier: -lines.iter().filter(|l| l.credit).map(|l| l.amount).sum::<Usd>(),
        lines,
        notes,
    }
}

/// `b` at another rate: every line's quantity and amount multiplied by `factor` (e.g. a window's
/// bill brought to a 730-hour month), amounts rounded to the nano-dollar of the money columns;
/// the total is the sum of the lines, so a scaled bill still adds up.
pub fn scaled(b: &CostBreakdown, factor: Decimal) -> CostBreakdown {
    let lines: Vec<CostLine> = b
        .lines
        .iter()
        .map(|l| CostLine {
            quantity: (l.quantity * factor).round_dp(6).normalize(),
            amount: Usd(from_units(to_units(l.amount.0 * factor))),
            ..l.clone()
        })
        .collect();
    CostBreakdown {
        platform: b.platform.clone(),
        region: b.region.clone(),
        total: lines.iter().map(|l| l.amount).sum(),
        free_tier: -lines.iter().filter(|l| l.credit).map(|l| l.amount).sum::<Usd>(),
        lines,
        notes: b.notes.clone(),
    }
}

/// One month's account-wide Lambda usage, for the free-tier credit.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct MonthUsage {
    pub requests: u64,
    /// GB-seconds of on-demand execution, per architecture.
    pub gb_seconds_x86: Decimal,
    pub gb_seconds_arm: Decimal,
}

/// The value of Lambda's monthly free tier (requests and GB-seconds, x86 and arm64 sharing one
/// pool) against one month of account usage, as a positive amount. The pool is applied to x86
/// GB-seconds first (the dearer rate), then arm64.
pub fn free_tier_credit(
    catalog: &PriceCatalog,
    region: &str,
    u: &MonthUsage,
) -> std::result::Result<Usd, CatalogError> {
    let req = catalog.price(PLATFORM, region, "requests")?;
    let x86 = catalog.price(PLATFORM, region, "duration-x86_64")?;
    let arm = catalog.price(PLATFORM, region, "duration-arm64")?;
    let first =
        |p: &breakeven_simulator::pricing::PriceEntry| p.bands().first().map(|b| b.1).unwrap_or_default();
    let free_req = req.free.unwrap_or_default().min(Decimal::from(u.requests));
    let mut pool = x86.free.unwrap_or_default();
    let on_x86 = pool.min(u.gb_seconds_x86);
    pool -= on_x86;
    let on_arm = pool.min(u.gb_seconds_arm);
    Ok(Usd((free_req * first(req)
        + on_x86 * first(x86)
        + on_arm * first(arm))
    .normalize()))
}
