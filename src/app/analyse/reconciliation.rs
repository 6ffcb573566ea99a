//! The reconciliation section: usage-derived Lambda cost per day against billed Lambda cost,
//! and the free-tier credit of the account.

use crate::analytics::cost::{self, MonthUsage};
use crate::analytics::money::usd_values;
use crate::analytics::read::{bools, f64s_or_zero, i64s};
use crate::analytics::reconcile::{
    self, DayFigures, DayStatus, UnitPrices, TOLERANCE_MIN_USD, TOLERANCE_PCT,
};
use crate::analytics::{billed, commitments, AnalyticsError};
use crate::app::analyse::model::Reconciliation;
use crate::app::error::Result;
use crate::store::Day;
use breakeven_simulator::pricing::{PriceCatalog, Usd};
use polars::prelude::*;
use rust_decimal::prelude::FromPrimitive;
use rust_decimal::Decimal;

/// Usage-derived Lambda per day from a costs frame ([`cost::price_days`]).
fn derived_days(costs: LazyFrame) -> LazyFrame {
    costs.group_by([col("day")]).agg([
        col("total_usd").sum().alias("derived_usd"),
        col("requests")
            .sum()
            .cast(DataType::Float64)
            .alias("derived_requests"),
        col("gb_seconds_x86").sum().alias("derived_gb_seconds_x86"),
        col("gb_seconds_arm").sum().alias("derived_gb_seconds_arm"),
        col("init_gb_seconds").sum().alias("derived_init_gb_seconds"),
    ])
}

fn first_tier(catalog: &PriceCatalog, region: &str, dim: &str) -> Result<Decimal> {
    let p = catalog.price(cost::PLATFORM, region, dim)?;
    Ok(p.bands().first().map(|b| b.1).unwrap_or_default())
}

/// The unit prices reconciliation estimates with.
pub(crate) fn unit_prices(catalog: &PriceCatalog, region: &str) -> Result<UnitPrices> {
    Ok(UnitPrices {
        request: first_tier(catalog, region, "requests")?,
        gb_second_x86: first_tier(catalog, region, "duration-x86_64")?,
        gb_second_arm: first_tier(catalog, region, "duration-arm64")?,
    })
}

/// The free-tier credit each day's usage takes, in month-to-date order (each calendar month
/// counted from its first day inside the range). Returns (day → credit), the range's total.
fn free_tier_by_day(
    catalog: &PriceCatalog,
    region: &str,
    days: &[i64],
    requests: &[f64],
    x86: &[f64],
    arm: &[f64],
) -> Result<(Vec<Usd>, Usd)> {
    let mut out = Vec::with_capacity(days.len());
    let mut month = None;
    let mut cum = MonthUsage::default();
    let mut credited = Usd::ZERO;
    let mut total = Usd::ZERO;
    for i in 0..days.len() {
        let (y, m, _) = Day(days[i]).ymd();
        if month != Some((y, m)) {
            month = Some((y, m));
            cum = MonthUsage::default();
            credited = Usd::ZERO;
        }
        cum.requests += requests[i].max(0.0) as u64;
        cum.gb_seconds_x86 += Decimal::from_f64(x86[i]).unwrap_or_default();
        cum.gb_seconds_arm += Decimal::from_f64(arm[i]).unwrap_or_default();
        let now = cost::free_tier_credit(catalog, region, &cum)?;
        out.push(now - credited);
        total += now - credited;
        credited = now;
    }
    Ok((out, total))
}

/// A reconciliation with no days, for accounts without a Lambda bill.
pub(crate) fn empty() -> Reconciliation {
    Reconciliation {
        tolerance: "no Lambda bill: usage-derived cost is not reconciled".to_string(),
        usage_derived_usd: Usd::ZERO,
        billed_usd: Usd::ZERO,
        gap_usd: Usd::ZERO,
        days_ok: 0,
        days_explained: 0,
        days_unexplained: 0,
        days: Vec::new(),
    }
}

/// Reconcile every day of the range, billed Lambda at its on-demand equivalent (Savings Plans
/// negation added back: see [`commitments::on_demand_lambda_days`]). Returns the section and the account's free-tier credit
/// over the range (positive).
pub(crate) fn build(
    catalog: &PriceCatalog,
    region: &str,
    costs: &DataFrame,
    billed_frame: LazyFrame,
    commitment_rows: LazyFrame,
) -> Result<(Reconciliation, Usd)> {
    let e = AnalyticsError::from;
    let joined = reconcile::join_days(
        derived_days(costs.clone().lazy()),
        commitments::on_demand_lambda_days(billed::lambda_days(billed_frame), commitment_rows),
    )
    .collect()
    .map_err(e)?;
    let day = i64s(&joined, "day").map_err(e)?;
    let derived = usd_values(&joined, "derived_usd").map_err(e)?;
    let billed_usd = usd_values(&joined, "billed_usd").map_err(e)?;
    let has_bill: Vec<bool> = joined
        .column("billed_usd")
        .map_err(e)?
        .is_not_null()
        .iter()
        .map(|v| v.unwrap_or(false))
        .collect();
    let g = |c: &str| f64s_or_zero(&joined, c).map_err(AnalyticsError::from);
    let (d_req, d_x86, d_arm) = (
        g("derived_requests")?,
        g("derived_gb_seconds_x86")?,
        g("derived_gb_seconds_arm")?,
    );
    let d_init = g("derived_init_gb_seconds")?;
    let (b_req, b_x86, b_arm) = (
        g("billed_requests")?,
        g("billed_gb_seconds_x86")?,
        g("billed_gb_seconds_arm")?,
    );
    let estimated = bools(&joined, "estimated").map_err(e)?;
    let (free, free_total) = free_tier_by_day(catalog, region, &day, &d_req, &d_x86, &d_arm)?;
    let prices = unit_prices(catalog, region)?;
    let mut days = Vec::with_capacity(day.len());
    for i in 0..day.len() {
        days.push(reconcile::reconcile_day(
            &DayFigures {
                day: Day(day[i]),
                derived_usd: derived[i],
                derived_requests: d_req[i],
                derived_gb_seconds_x86: d_x86[i],
                derived_gb_seconds_arm: d_arm[i],
                derived_init_gb_seconds: d_init[i],
                billed_usd: has_bill[i].then_some(billed_usd[i]),
                billed_requests: b_req[i],
                billed_gb_seconds_x86: b_x86[i],
                billed_gb_seconds_arm: b_arm[i],
                estimated: estimated[i],
                free_tier_usd: free[i],
            },
            &prices,
        ));
    }
    let count = |s: DayStatus| days.iter().filter(|d| d.status == s).count() as u32;
    let billed_total: Usd = days.iter().filter_map(|d| d.billed_usd).sum();
    let derived_billed_days: Usd = days
        .iter()
        .filter(|d| d.billed_usd.is_some())
        .map(|d| d.usage_derived_usd)
        .sum();
    Ok((
        Reconciliation {
            tolerance: format!(
                "a day is ok when |billed − usage-derived| ≤ the larger of {TOLERANCE_PCT}% of billed and ${TOLERANCE_MIN_USD}; explained when the causes' estimates bring it within that, or the day is not final"
            ),
            usage_derived_usd: days.iter().map(|d| d.usage_derived_usd).sum(),
            billed_usd: billed_total,
            gap_usd: billed_total - derived_billed_days,
            days_ok: count(DayStatus::Ok),
            days_explained: count(DayStatus::Explained),
            days_unexplained: count(DayStatus::Unexplained),
            days,
        },
        free_total,
    ))
}
