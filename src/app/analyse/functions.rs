//! The per-function sections of an analysis: usage and usage-derived cost per function-day and
//! per function over the range, and the account's cost split.

use crate::analytics::cost::{self, DayMetrics, FunctionConfig, CATEGORIES};
use crate::analytics::logs::{FunctionLogs, MeasuredStats};
use crate::analytics::read::{f64s, f64s_or_zero, i64s, strs};
use crate::analytics::{usage, AnalyticsError};
use crate::app::analyse::model::{CostSplit, FunctionDay, FunctionSummary, UsageStats};
use crate::app::analyse::{split_at, split_columns};
use crate::app::error::Result;
use crate::app::rightsize;
use crate::store::Day;
use breakeven_simulator::pricing::{PriceCatalog, Usd};
use polars::prelude::*;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// What the function sections produce, plus the costs frame the other sections reuse.
pub(crate) struct FunctionSection {
    pub summaries: Vec<FunctionSummary>,
    pub days: Vec<FunctionDay>,
    pub split: CostSplit,
    /// [`cost::price_days`] of every function (unfiltered), with `name` joined.
    pub costs: DataFrame,
}

/// Usage columns of a collected frame, read once.
struct UsageColumns {
    inv: Vec<f64>,
    gbs: Vec<f64>,
    err: Vec<f64>,
    thr: Vec<f64>,
    avg: Vec<Option<f64>>,
    p50: Vec<Option<f64>>,
    p99: Vec<Option<f64>>,
    max: Vec<Option<f64>>,
    conc: Vec<Option<f64>>,
}

impl UsageColumns {
    fn read(df: &DataFrame) -> PolarsResult<UsageColumns> {
        Ok(UsageColumns {
            inv: f64s_or_zero(df, "invocations")?,
            gbs: f64s_or_zero(df, "gb_seconds")?,
            err: f64s_or_zero(df, "error_rate")?,
            thr: f64s_or_zero(df, "throttle_rate")?,
            avg: f64s(df, "duration_avg_ms")?,
            p50: f64s(df, "duration_p50_ms")?,
            p99: f64s(df, "duration_p99_ms")?,
            max: f64s(df, "duration_max_ms")?,
            conc: f64s(df, "concurrency_max")?,
        })
    }

    fn at(&self, i: usize) -> UsageStats {
        let r = |v: Option<f64>| v.filter(|x| x.is_finite()).map(|x| (x * 1000.0).round() / 1000.0);
        UsageStats {
            invocations: self.inv[i].max(0.0).round() as u64,
            gb_seconds: (self.gbs[i] * 1000.0).round() / 1000.0,
            error_rate: self.err[i],
            throttle_rate: self.thr[i],
            duration_avg_ms: r(self.avg[i]),
            duration_p50_ms: r(self.p50[i]),
            duration_p99_ms: r(self.p99[i]),
            duration_max_ms: r(self.max[i]),
            peak_concurrency: r(self.conc[i]),
        }
    }
}

fn money_sums() -> Vec<Expr> {
    let mut v: Vec<Expr> = CATEGORIES
        .iter()
        .map(|c| col(cost::category_column(*c)).sum())
        .collect();
    v.push(col("total_usd").sum());
    v
}

/// Build the sections from usage per function-day (`days`, from [`usage::function_days`]).
pub(crate) fn build(
    catalog: &PriceCatalog,
    platform: &str,
    configs: &[FunctionConfig],
    inventory: &DataFrame,
    days: &DataFrame,
    measured: &BTreeMap<String, FunctionLogs>,
    only: Option<i64>,
) -> Result<FunctionSection> {
    let e = AnalyticsError::from;
    let names = inventory.clone().lazy().select([col("function_id"), col("name")]);
    let costs = cost::price_days(catalog, platform, configs, days)?
        .lazy()
        .join(
            names,
            [col("function_id")],
            [col("function_id")],
            JoinArgs::new(JoinType::Inner),
        )
        .collect()
        .map_err(e)?;
    let keep = |lf: LazyFrame| match only {
        Some(id) => lf.filter(col("function_id").eq(lit(id))),
        None => lf,
    };
    let cost_cols: Vec<Expr> = CATEGORIES
        .iter()
        .map(|c| col(cost::category_column(*c)))
        .chain([col("total_usd")])
        .collect();
    let mut day_costs_sel = vec![col("function_id"), col("day")];
    day_costs_sel.extend(cost_cols.iter().cloned());
    let day_costs = costs.clone().lazy().select(day_costs_sel);

    // Per function-day.
    let per_day = keep(usage::with_rates(days.clone().lazy(), inventory.clone().lazy()))
        .join(
            day_costs.clone(),
            [col("function_id"), col("day")],
            [col("function_id"), col("day")],
            JoinArgs::new(JoinType::Left),
        )
        .sort(["name", "day"], SortMultipleOptions::default())
        .collect()
        .map_err(e)?;
    let u = UsageColumns::read(&per_day).map_err(e)?;
    let money = split_columns(&per_day)?;
    let name = strs(&per_day, "name").map_err(e)?;
    let day = i64s(&per_day, "day").map_err(e)?;
    let day_rows: Vec<FunctionDay> = (0..per_day.height())
        .map(|i| FunctionDay {
            name: name[i].clone(),
            day: Day(day[i]),
            usage: u.at(i),
            cost: split_at(&money, i),
        })
        .collect();

    // Per function over the range.
    let by_function = day_costs.group_by([col("function_id")]).agg(money_sums());
    let totals = keep(usage::with_rates(
        usage::function_totals(days.clone().lazy()),
        inventory.clone().lazy(),
    ))
    .join(
        by_function,
        [col("function_id")],
        [col("function_id")],
        JoinArgs::new(JoinType::Left),
    )
    .sort_by_exprs(
        [col("total_usd"), col("name")],
        SortMultipleOptions::default()
            .with_order_descending_multi([true, false])
            .with_nulls_last(true),
    )
    .collect()
    .map_err(e)?;
    let u = UsageColumns::read(&totals).map_err(e)?;
    let money = split_columns(&totals)?;
    let name = strs(&totals, "name").map_err(e)?;
    let mem = i64s(&totals, "memory_mb").map_err(e)?;
    let arch = strs(&totals, "architecture").map_err(e)?;
    let pc = i64s(&totals, "provisioned_concurrency").map_err(e)?;
    let ndays = i64s(&totals, "days").map_err(e)?;
    let ids = i64s(&totals, "function_id").map_err(e)?;
    let grand: Usd = money[5].iter().copied().sum();
    let per_function = cost::day_metrics(days)?;
    let by_id: BTreeMap<i64, &FunctionConfig> = configs.iter().map(|f| (f.function_id, f)).collect();
    let summaries: Vec<FunctionSummary> = (0..totals.height())
        .map(|i| -> Result<FunctionSummary> {
            let cost = split_at(&money, i);
            let share_pct = if grand.is_zero() {
                Decimal::ZERO
            } else {
                (cost.total_usd.0 / grand.0 * Decimal::ONE_HUNDRED).round_dp(1)
            };
            let logs = measured.get(&name[i]);
            let usage = u.at(i);
            let rightsizing = match by_id.get(&ids[i]) {
                Some(f) => {
                    let days: Vec<DayMetrics> = per_function
                        .get(&ids[i])
                        .map(|d| d.iter().map(|(_, m)| *m).collect())
                        .unwrap_or_default();
                    rightsize::suggest(catalog, platform, f, logs, &days, usage.duration_avg_ms)?
                }
                None => None,
            };
            Ok(FunctionSummary {
                name: name[i].clone(),
                memory_mb: mem[i] as u32,
                architecture: arch[i].clone(),
                provisioned_concurrency: pc[i] as u32,
                days_with_data: ndays[i] as u32,
                usage,
                cost,
                share_pct,
                measured: MeasuredStats::of(logs),
                rightsizing,
                billed_usd: None,
            })
        })
        .collect::<Result<_>>()?;

    let sums = keep(costs.clone().lazy())
        .select(money_sums())
        .collect()
        .map_err(e)?;
    let split = split_at(&split_columns(&sums)?, 0);
    Ok(FunctionSection {
        summaries,
        days: day_rows,
        split,
        costs,
    })
}
