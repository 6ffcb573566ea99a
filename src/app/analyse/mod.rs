//! `analyse`: where an account's serverless money goes — usage and usage-derived cost per
//! function and day, billed cost by service and usage type, their reconciliation, and trends.
//!
//! One use case for the CLI and the desktop app. The result types serialise as documented in the
//! README (`breakeven analyse --json`); money is an exact decimal string everywhere.

use crate::analytics::billed::BillSource;
use crate::analytics::cost::{self, FunctionConfig, CATEGORIES};
use crate::analytics::logs::{self, FunctionLogs};
use crate::analytics::money::usd_values;
use crate::analytics::read::{f64s_or_zero, i64s, strs};
use crate::analytics::{billed, frames, usage, AnalyticsError};
use crate::app::error::{AppError, Result};
use crate::error_code::ErrorCode;
use crate::store::{accounts, Day, Store, StoreError};
use breakeven_simulator::pricing::{CostBreakdown, PriceCatalog, Usage, Usd};
use polars::prelude::*;
use serde::Serialize;
use std::collections::BTreeMap;

pub mod commitments;
pub mod functions;
pub mod model;
pub mod reconciliation;
pub mod trends;

use crate::app::analyse::model::{AccountCost, Analysis, Billed, BilledRow, CostSplit, ServiceCost};

/// What to analyse. Defaults: the only account (or `--account`), all functions, the last 30
/// days of stored data.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct AnalyseRequest {
    #[serde(default)]
    pub account: Option<String>,
    #[serde(default)]
    pub function: Option<String>,
    #[serde(default)]
    pub from: Option<Day>,
    #[serde(default)]
    pub to: Option<Day>,
}

/// Days of data analysed when no range is given.
pub const DEFAULT_DAYS: i64 = 30;

/// Resolve the account: the one asked for, else the only one stored.
pub fn resolve_account(store: &Store, key: Option<&str>) -> Result<(i64, String)> {
    let all = accounts::list(store.conn())?;
    if let Some(k) = key {
        return all
            .iter()
            .find(|a| a.key == k)
            .map(|a| (a.id, a.key.clone()))
            .ok_or_else(|| {
                AppError::bad_input(
                    ErrorCode::AnalyseAccount,
                    format!("no account `{k}` in the database (stored: {})", keys(&all)),
                )
            });
    }
    match all.as_slice() {
        [] => Err(AppError::bad_input(
            ErrorCode::AnalyseNoData,
            "the database holds no account yet: run `breakeven demo` or `breakeven sync` first",
        )),
        [a] => Ok((a.id, a.key.clone())),
        _ => Err(AppError::bad_input(
            ErrorCode::AnalyseAccount,
            format!(
                "several accounts are stored ({}): choose one with --account",
                keys(&all)
            ),
        )),
    }
}

fn keys(all: &[accounts::AccountRow]) -> String {
    all.iter().map(|a| a.key.as_str()).collect::<Vec<_>>().join(", ")
}

/// The range to analyse: `from..=to`, defaulting to the last [`DEFAULT_DAYS`] days with data.
pub fn resolve_range(
    store: &Store,
    account_id: i64,
    from: Option<Day>,
    to: Option<Day>,
) -> Result<(Day, Day)> {
    resolve_range_of(store, account_id, from, to, DEFAULT_DAYS)
}

/// As [`resolve_range`], with `days` days (at least 1) in place of [`DEFAULT_DAYS`].
pub fn resolve_range_of(
    store: &Store,
    account_id: i64,
    from: Option<Day>,
    to: Option<Day>,
    days: i64,
) -> Result<(Day, Day)> {
    let stored = frames::data_days(store.conn(), account_id)?;
    let Some((lo, hi)) = stored else {
        return Err(AppError::bad_input(
            ErrorCode::AnalyseNoData,
            "the account has no metrics or costs stored yet",
        ));
    };
    let to = to.unwrap_or(hi);
    let from = from.unwrap_or_else(|| lo.max(to.plus(1 - days.max(1))));
    if from > to {
        return Err(AppError::bad_input(
            ErrorCode::AnalyseRange,
            format!("--from {from} is after --to {to}"),
        ));
    }
    Ok((from, to))
}

/// The catalog id of the platform an account's functions are priced on (see
/// [`cost::own_platform`]).
pub(crate) fn account_platform(store: &Store, account_id: i64) -> Result<&'static str> {
    let source = accounts::list(store.conn())?
        .into_iter()
        .find(|a| a.id == account_id)
        .map(|a| a.source)
        .unwrap_or_default();
    Ok(cost::own_platform(source))
}

/// Analyse an account: see the module docs.
pub fn analyse(store: &Store, catalog: &PriceCatalog, req: &AnalyseRequest) -> Result<Analysis> {
    let (account_id, key) = resolve_account(store, req.account.as_deref())?;
    let (from, to) = resolve_range(store, account_id, req.from, req.to)?;
    let c = store.conn();
    let inventory = frames::functions(c, account_id)?;
    let configs = configs(&inventory)?;
    let only = match &req.function {
        Some(name) => Some(
            configs
                .iter()
                .find(|f| &f.name == name)
                .ok_or_else(|| unknown_function(name))?
                .function_id,
        ),
        None => None,
    };
    let region = configs
        .first()
        .map(|f| f.region.clone())
        .unwrap_or_else(|| "us-east-1".to_string());
    let platform = account_platform(store, account_id)?;
    let platform_name = catalog
        .platform(platform)
        .map_err(AnalyticsError::from)?
        .name
        .clone();
    let measured = logs::measured(c, account_id, from, to)?;
    let days = function_days_with(store, account_id, from, to, &measured)?;
    let fs = functions::build(catalog, platform, &configs, &inventory, &days, &measured, only)?;

    // Every billed figure reads one source per day: two sources of one day would count it twice.
    // Functions' bills come from the export's own rows, whatever the day's source.
    let all_billed = frames::billed(c, account_id, &key, from, to)?;
    let billed_frame = billed::one_source_per_day(all_billed.clone().lazy())
        .collect()
        .map_err(AnalyticsError::from)?;
    let by_day = billed::by_day(billed_frame.clone().lazy())
        .collect()
        .map_err(AnalyticsError::from)?;
    let by_service = service_rows(billed_frame.clone().lazy())?;
    let mut fs = fs;
    set_function_bills(&mut fs.summaries, &all_billed)?;
    let billed_total: Usd = by_service.iter().map(|s| s.cost_usd).sum();
    // Reconciliation and the free-tier credit follow Lambda's bill; an imported trace has no
    // bill and is priced on another platform.
    let commitment_rows = frames::commitment_rows(c, account_id, &key, from, to)?;
    let (reconciliation, free_tier) = if platform == cost::PLATFORM {
        reconciliation::build(
            catalog,
            &region,
            &fs.costs,
            billed_frame.clone().lazy(),
            commitment_rows.clone().lazy(),
        )?
    } else {
        (reconciliation::empty(), Usd::ZERO)
    };

    let function_daily = fs.costs.clone().lazy().select([
        col("name").alias("key"),
        col("day"),
        col("total_usd").alias("cost_usd"),
    ]);
    let trends = trends::build(
        function_daily,
        billed_frame.clone().lazy(),
        billed_frame.height() > 0,
        to,
        if platform == cost::PLATFORM {
            "Lambda"
        } else {
            &platform_name
        },
    )?;
    // The free tier is an account credit: shown for the account, not a single function.
    let credit = if only.is_some() { Usd::ZERO } else { -free_tier };
    Ok(Analysis {
        account: key,
        from,
        to,
        days: (to.0 - from.0 + 1) as u32,
        function: req.function.clone(),
        platform: platform.to_string(),
        platform_name,
        methods: model::methods(platform),
        usage_cost: AccountCost {
            split: fs.split,
            free_tier_credit_usd: credit,
            total_with_free_tier_usd: fs.split.total_usd + credit,
        },
        functions: fs.summaries,
        function_days: fs.days,
        billed: Billed {
            total_usd: billed_total,
            by_service,
            by_day: billed_rows(&by_day)?,
        },
        reconciliation,
        commitments: commitments::build(commitment_rows.lazy())?,
        trends,
    })
}

/// Each function's bill in a billing export: Σ of the export's Lambda rows whose resource is
/// the function's ARN (`arn:aws:lambda:REGION:ACCOUNT:function:NAME`, a `:QUALIFIER` after it
/// included), exact. Functions keep `None` when no row of the range comes from an export.
fn set_function_bills(summaries: &mut [model::FunctionSummary], billed_frame: &DataFrame) -> Result<()> {
    let e = AnalyticsError::from;
    let source = bill_sources(billed_frame)?;
    let service = strs(billed_frame, "service").map_err(e)?;
    let resource = strs(billed_frame, "resource").map_err(e)?;
    let cost = usd_values(billed_frame, "cost_usd").map_err(e)?;
    let mut by_name: BTreeMap<&str, Usd> = BTreeMap::new();
    let mut any = false;
    for i in 0..billed_frame.height() {
        if source[i] != BillSource::Export {
            continue;
        }
        any = true;
        if service[i] != billed::LAMBDA_SERVICE {
            continue;
        }
        if let Some(name) = resource[i]
            .split(':')
            .nth(6)
            .filter(|_| resource[i].starts_with("arn:aws"))
        {
            *by_name.entry(name).or_insert(Usd::ZERO) += cost[i];
        }
    }
    if any {
        for f in summaries {
            f.billed_usd = Some(by_name.get(f.name.as_str()).copied().unwrap_or(Usd::ZERO));
        }
    }
    Ok(())
}

/// The inventory as pricing needs it.
pub(crate) fn configs(inventory: &DataFrame) -> Result<Vec<FunctionConfig>> {
    let id = i64s(inventory, "function_id").map_err(AnalyticsError::from)?;
    let name = strs(inventory, "name").map_err(AnalyticsError::from)?;
    let region = strs(inventory, "region").map_err(AnalyticsError::from)?;
    let mem = i64s(inventory, "memory_mb").map_err(AnalyticsError::from)?;
    let arch = strs(inventory, "architecture").map_err(AnalyticsError::from)?;
    let eph = i64s(inventory, "ephemeral_storage_mb").map_err(AnalyticsError::from)?;
    let pc = i64s(inventory, "provisioned_concurrency").map_err(AnalyticsError::from)?;
    let mut out = Vec::with_capacity(id.len());
    for i in 0..id.len() {
        out.push(FunctionConfig {
            function_id: id[i],
            name: name[i].clone(),
            region: region[i].clone(),
            memory_mb: mem[i].clamp(0, i64::from(u32::MAX)) as u32,
            arch: arch[i]
                .parse()
                .map_err(|e: String| AppError::bad_input(ErrorCode::BadArch, e))?,
            ephemeral_storage_mb: eph[i].clamp(0, i64::from(u32::MAX)) as u32,
            provisioned_concurrency: pc[i].clamp(0, i64::from(u32::MAX)) as u32,
        });
    }
    Ok(out)
}

/// Usage per function-day of an account over `from..=to`, collected (see
/// [`usage::function_days`] for the columns), with the measured `cold_starts` and
/// `init_billed_ms` of each day (0 for a function without log data: see [`with_measured_init`]).
pub(crate) fn function_days(store: &Store, account_id: i64, from: Day, to: Day) -> Result<DataFrame> {
    let measured = logs::measured(store.conn(), account_id, from, to)?;
    function_days_with(store, account_id, from, to, &measured)
}

/// [`function_days`] with the REPORT records' figures of the same range already read
/// (`logs::measured`).
pub(crate) fn function_days_with(
    store: &Store,
    account_id: i64,
    from: Day,
    to: Day,
    measured: &BTreeMap<String, FunctionLogs>,
) -> Result<DataFrame> {
    let c = store.conn();
    let points = frames::points_parallel(
        c,
        store.path(),
        account_id,
        from.start_unix(),
        to.plus(1).start_unix(),
    )?;
    let series = frames::series(c, account_id)?;
    let days = usage::function_days(points.lazy(), &series)
        .and_then(crate::analytics::collect_streaming)
        .map_err(AnalyticsError::from)?;
    let inventory = frames::functions(c, account_id)?;
    with_measured_init(days, measured, &inventory)
}

/// `days` (usage per function-day) with the REPORT records' `cold_starts` and `init_billed_ms`
/// of each function-day joined on (0 where none are stored), so pricing bills measured INIT.
pub(crate) fn with_measured_init(
    days: DataFrame,
    measured: &BTreeMap<String, FunctionLogs>,
    inventory: &DataFrame,
) -> Result<DataFrame> {
    let e = AnalyticsError::from;
    let id = i64s(inventory, "function_id").map_err(e)?;
    let name = strs(inventory, "name").map_err(e)?;
    let ids: Vec<(i64, String)> = id.into_iter().zip(name).collect();
    let init = logs::init_days(measured, &ids).map_err(e)?;
    Ok(days
        .lazy()
        .join(
            init.lazy(),
            [col("function_id"), col("day")],
            [col("function_id"), col("day")],
            JoinArgs::new(JoinType::Left),
        )
        .with_columns([
            col("cold_starts").fill_null(lit(0i64)),
            col("init_billed_ms").fill_null(lit(0i64)),
        ])
        .sort(["function_id", "day"], SortMultipleOptions::default())
        .collect()
        .map_err(e)?)
}

/// The usage-derived cost of one function over `from..=to`: its metered usage (summed over the
/// days with data) and its bill, priced with the catalog exactly as `analyse` prices it — each
/// day on its own, without the free tier (an account-level credit). Init time is not in the
/// metrics: the `init` category is the measured INIT of the function's REPORT records, zero
/// without log data (see `crate::analytics::cost`).
///
/// This is the reference a replayed scenario of the function should reproduce: simulate the
/// function's own platform over the same days and compare `breakdown.total`.
#[derive(Debug, Clone, Serialize)]
pub struct UsageCost {
    pub account: String,
    pub function: String,
    pub from: Day,
    pub to: Day,
    /// Days of the range with invocations.
    pub days_with_data: u32,
    /// Σ of the days' metered usage (`period_ms` is the days with data × 24 h).
    pub usage: Usage,
    /// Σ of the days' bills, lines of the same item merged.
    pub breakdown: CostBreakdown,
}

/// See [`UsageCost`]. `account`: as for `analyse` (`None` = the only stored account). The days are
/// priced on the platform the account's functions run on ([`cost::own_platform`]: Lambda, or Azure
/// Functions Consumption for an imported trace).
pub fn usage_cost(
    store: &Store,
    catalog: &PriceCatalog,
    account: Option<&str>,
    function: &str,
    from: Day,
    to: Day,
) -> Result<UsageCost> {
    let (account_id, key) = resolve_account(store, account)?;
    let platform = account_platform(store, account_id)?;
    let inventory = frames::functions(store.conn(), account_id)?;
    let f = configs(&inventory)?
        .into_iter()
        .find(|f| f.name == function)
        .ok_or_else(|| unknown_function(function))?;
    let days = function_days(store, account_id, from, to)?
        .lazy()
        .filter(col("function_id").eq(lit(f.function_id)))
        .collect()
        .map_err(AnalyticsError::from)?;
    let inv = f64s_or_zero(&days, "invocations").map_err(AnalyticsError::from)?;
    let dur = f64s_or_zero(&days, "duration_ms").map_err(AnalyticsError::from)?;
    let spill = f64s_or_zero(&days, "spillover").map_err(AnalyticsError::from)?;
    let cold = i64s(&days, "cold_starts").map_err(AnalyticsError::from)?;
    let init = i64s(&days, "init_billed_ms").map_err(AnalyticsError::from)?;
    let mut bills = Vec::new();
    let mut total = Usage::default();
    for i in 0..days.height() {
        let m = cost::DayMetrics {
            invocations: inv[i],
            duration_ms: dur[i],
            spillover: spill[i],
            cold_starts: cold[i].max(0) as u64,
            init_billed_ms: init[i].max(0) as u64,
        };
        let u = cost::day_usage(&f, &m);
        total.period_ms += u.period_ms;
        total.requests += u.requests;
        total.exec_ms += u.exec_ms;
        total.provisioned_exec_ms += u.provisioned_exec_ms;
        total.provisioned_ms += u.provisioned_ms;
        total.init_ms += u.init_ms;
        total.cold_starts += u.cold_starts;
        bills.push(cost::price_day_on(catalog, platform, &f, &m)?);
    }
    Ok(UsageCost {
        account: key,
        function: f.name.clone(),
        from,
        to,
        days_with_data: days.height() as u32,
        usage: total,
        breakdown: cost::merge(platform, &f.region, &bills),
    })
}

pub(crate) fn unknown_function(name: &str) -> AppError {
    AppError::bad_input(
        ErrorCode::AnalyseFunction,
        format!("no function `{name}` in the account's inventory"),
    )
}

/// Exact per-category split of a costs frame's row `i` (columns from [`cost::price_days`]).
pub(crate) fn split_at(cols: &[Vec<Usd>], i: usize) -> CostSplit {
    CostSplit {
        requests_usd: cols[0][i],
        compute_usd: cols[1][i],
        provisioned_usd: cols[2][i],
        init_usd: cols[3][i],
        storage_usd: cols[4][i],
        total_usd: cols[5][i],
    }
}

/// The money columns of a costs frame, in [`CATEGORIES`] order then `total_usd`.
pub(crate) fn split_columns(df: &DataFrame) -> Result<Vec<Vec<Usd>>> {
    let mut out = Vec::new();
    for c in CATEGORIES {
        out.push(usd_values(df, &cost::category_column(c)).map_err(AnalyticsError::from)?);
    }
    out.push(usd_values(df, "total_usd").map_err(AnalyticsError::from)?);
    Ok(out)
}

/// The `source` column of a billed frame (words written by [`frames::billed`]).
fn bill_sources(df: &DataFrame) -> Result<Vec<BillSource>> {
    strs(df, "source")
        .map_err(AnalyticsError::from)?
        .into_iter()
        .map(|s| {
            s.parse::<BillSource>().map_err(|reason| {
                AppError::from(StoreError::Corrupt {
                    column: "billed.source",
                    value: s,
                    reason,
                })
            })
        })
        .collect()
}

/// Billed cost, by the day or the range, as serialisable rows.
pub(crate) fn billed_rows(df: &DataFrame) -> Result<Vec<BilledRow>> {
    let e = AnalyticsError::from;
    let day = i64s(df, "day").map_err(e)?;
    let source = bill_sources(df)?;
    let service = strs(df, "service").map_err(e)?;
    let usage_type = strs(df, "usage_type").map_err(e)?;
    let cost = usd_values(df, "cost_usd").map_err(e)?;
    let qty = f64s_or_zero(df, "quantity").map_err(e)?;
    let unit = strs(df, "unit").map_err(e)?;
    let est = crate::analytics::read::bools(df, "estimated").map_err(e)?;
    Ok((0..df.height())
        .map(|i| BilledRow {
            day: Day(day[i]),
            source: source[i],
            service: service[i].clone(),
            usage_type: usage_type[i].clone(),
            cost_usd: cost[i],
            quantity: qty[i],
            unit: unit[i].clone(),
            estimated: est[i],
        })
        .collect())
}

/// Billed cost per service over the range.
pub(crate) fn service_rows(billed_frame: LazyFrame) -> Result<Vec<ServiceCost>> {
    let df = billed::by_service(billed_frame)
        .collect()
        .map_err(AnalyticsError::from)?;
    let e = AnalyticsError::from;
    let source = bill_sources(&df)?;
    let service = strs(&df, "service").map_err(e)?;
    let cost = usd_values(&df, "cost_usd").map_err(e)?;
    let days = i64s(&df, "days").map_err(e)?;
    Ok((0..df.height())
        .map(|i| ServiceCost {
            source: source[i],
            service: service[i].clone(),
            cost_usd: cost[i],
            days: days[i] as u32,
        })
        .collect())
}
