//! A platform's bill with the scenario's commitments: its on-demand bill spread over the hours
//! of the run (each line by what drives it, as the timeline spreads it), the plans' rates read
//! from the catalog, and [`crate::pricing::commitments::apply`] hour by hour.

use super::billing::{bucket_driver, Bill};
use super::Resolved;
use crate::pricing::breakdown::{CostBreakdown, CostCategory, CostLine};
use crate::pricing::commitments::{self, plan_dimension, Applied, CommitmentSpec, HourlySpend};
use crate::pricing::usage::MONTH_MS;
use crate::pricing::{CatalogError, PriceCatalog, Usd};
use crate::results::round6;
use crate::stats::TimelineBucket;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

const MS_PER_HOUR: f64 = 3_600_000.0;

/// What one commitment did on one platform over the run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CommitmentResult {
    #[serde(flatten)]
    pub spec: CommitmentSpec,
    /// Catalog plan name, e.g. `compute-sp-3yr-all-upfront`.
    pub plan: String,
    /// What the commitment cost over the run: `usd_per_hour` × hours.
    pub cost_usd: Usd,
    /// Of it, what paid for covered usage at the plan's rates.
    pub used_usd: Usd,
    /// Of it, what was not used (lost hour by hour).
    pub wasted_usd: Usd,
    /// On-demand value of the usage it covered.
    pub covered_on_demand_usd: Usd,
    /// On-demand spend it could have covered, before any commitment.
    pub eligible_on_demand_usd: Usd,
    /// `covered_on_demand_usd − cost_usd` (negative: the commitment costs more than it saves).
    pub saving_usd: Usd,
    /// `used / cost`, 0–1.
    pub utilisation: f64,
    /// `covered on-demand / eligible on-demand`, 0–1.
    pub coverage: f64,
}

/// One billed dimension a commitment could cover: how much it did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DimensionCoverage {
    pub dimension: String,
    pub item: String,
    /// On-demand spend of the dimension over the run.
    pub on_demand_usd: Usd,
    /// Of it, covered by commitments.
    pub covered_usd: Usd,
    /// Of it, billed on-demand.
    pub uncovered_usd: Usd,
}

/// A platform's bill with the commitments applied.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CommittedCost {
    /// The run's total with the commitments: on-demand − covered + commitments.
    pub total_usd: Usd,
    /// The same over a 730-hour month.
    pub monthly_usd: Usd,
    /// The on-demand lines, a negative "covered by" line per covered dimension and one line per
    /// commitment; they add up to `total_usd`.
    pub lines: Vec<CostLine>,
    pub coverage: Vec<DimensionCoverage>,
    pub commitments: Vec<CommitmentResult>,
    pub notes: Vec<String>,
}

/// Per cost category, the share of its driver in each hour of the run.
fn hourly_drivers(
    buckets: &[TimelineBucket],
    bucket_ms: f64,
    period_ms: u64,
    model: crate::pricing::catalog::BillingModel,
) -> (Vec<Decimal>, BTreeMap<CostCategory, Vec<f64>>) {
    let period = (period_ms as f64).max(1.0);
    let n = (period / MS_PER_HOUR).ceil().max(1.0) as usize;
    let hours: Vec<Decimal> = (0..n)
        .map(|h| {
            let len = (period - h as f64 * MS_PER_HOUR).min(MS_PER_HOUR);
            if len >= MS_PER_HOUR {
                Decimal::ONE
            } else {
                Decimal::from(period_ms - h as u64 * 3_600_000) / Decimal::from(3_600_000u64)
            }
        })
        .collect();
    let cats = [
        CostCategory::Compute,
        CostCategory::Init,
        CostCategory::Provisioned,
        CostCategory::Instances,
    ];
    let mut out: BTreeMap<CostCategory, Vec<f64>> = cats.iter().map(|c| (*c, vec![0.0; n])).collect();
    for (k, b) in buckets.iter().enumerate() {
        let start = k as f64 * bucket_ms;
        let end = ((k + 1) as f64 * bucket_ms).min(period);
        if end <= start {
            continue;
        }
        let width = end - start;
        // The bucket's driver is spread over the hours it overlaps, by overlap.
        let mut h = (start / MS_PER_HOUR) as usize;
        while h < n && (h as f64) * MS_PER_HOUR < end {
            let a = start.max(h as f64 * MS_PER_HOUR);
            let z = end.min((h + 1) as f64 * MS_PER_HOUR);
            if z > a {
                let share = (z - a) / width;
                for c in cats {
                    if let Some(v) = out.get_mut(&c) {
                        v[h] += bucket_driver(c, model, b, width) * share;
                    }
                }
            }
            h += 1;
        }
    }
    // A category with no driver at all is spread by wall time.
    for v in out.values_mut() {
        if v.iter().sum::<f64>() <= 0.0 {
            for (x, f) in v.iter_mut().zip(&hours) {
                *x = f.to_string().parse().unwrap_or(1.0);
            }
        }
    }
    (hours, out)
}

/// `line` of an item without its tier or credit suffix: `Duration (x86_64)`.
fn base_item(item: &str) -> &str {
    let cut = [", tier ", " — "]
        .iter()
        .filter_map(|s| item.find(s))
        .min()
        .unwrap_or(item.len());
    &item[..cut]
}

fn money(d: Decimal) -> Usd {
    Usd(d.round_dp(10).normalize())
}

fn ratio(a: Decimal, b: Decimal) -> f64 {
    if b.is_zero() {
        0.0
    } else {
        round6((a / b).to_string().parse().unwrap_or(0.0))
    }
}

/// A covered dimension's on-demand rate (its first band), line item, category and unit.
#[derive(Debug, Clone)]
pub struct Dimension {
    pub rate: Decimal,
    pub item: String,
    pub category: CostCategory,
    pub unit: String,
}

/// What applying commitments to one platform's run needs: the dimensions they could cover, each
/// commitment's rate ratios, and the hourly on-demand spend.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub dims: BTreeMap<String, Dimension>,
    pub applied: Vec<Applied>,
    pub hourly: HourlySpend,
    pub notes: Vec<String>,
}

/// Read the plans' rates for platform `r` and spread its on-demand bill `h` over the hours of the
/// run. `specs` are taken in the order AWS applies them.
pub fn prepare(
    catalog: &PriceCatalog,
    r: &Resolved,
    specs: &[CommitmentSpec],
    h: &CostBreakdown,
    buckets: &[TimelineBucket],
    bucket_ms: f64,
    period_ms: u64,
) -> Result<Prepared, CatalogError> {
    let p = &r.platform;
    let mut notes = Vec::new();
    let mut dims: BTreeMap<String, Dimension> = BTreeMap::new();
    for l in h
        .lines
        .iter()
        .filter(|l| commitments::coverable(l.category) && !l.dimension.is_empty())
    {
        let od = catalog.price(&p.id, &h.region, &l.dimension)?;
        let rate = od.bands().first().map(|b| b.1).unwrap_or_default();
        dims.entry(l.dimension.clone()).or_insert_with(|| Dimension {
            rate,
            item: base_item(&l.item).to_string(),
            category: l.category,
            unit: od.unit.clone(),
        });
    }
    let mut applied = Vec::new();
    for spec in &commitments::order(specs) {
        let plan = spec.plan();
        let mut ratios = BTreeMap::new();
        if spec.may_cover(&p.id) {
            for (dim, x) in &dims {
                match catalog.price(&p.id, &h.region, &plan_dimension(dim, &plan)) {
                    Ok(e) if !x.rate.is_zero() => {
                        let sp = e.bands().first().map(|b| b.1).unwrap_or_default();
                        ratios.insert(dim.clone(), sp / x.rate);
                    }
                    _ => notes.push(format!(
                        "no published {plan} rate for `{dim}` of {}: billed on-demand",
                        p.id
                    )),
                }
            }
        } else {
            notes.push(format!("{spec} does not cover {}: paid and unused", p.id));
        }
        applied.push(Applied {
            spec: spec.clone(),
            ratios,
        });
    }
    // Each covered dimension's on-demand spend, hour by hour (its lines spread by their driver).
    let (hours, drivers) = hourly_drivers(buckets, bucket_ms, period_ms, p.billing);
    let mut spend: BTreeMap<String, Vec<Decimal>> = BTreeMap::new();
    for l in h.lines.iter().filter(|l| dims.contains_key(&l.dimension)) {
        let Some(d) = drivers.get(&l.category) else {
            continue;
        };
        let total: f64 = d.iter().sum();
        let v = spend
            .entry(l.dimension.clone())
            .or_insert_with(|| vec![Decimal::ZERO; hours.len()]);
        for (x, w) in v.iter_mut().zip(d) {
            if *w > 0.0 && total > 0.0 {
                let share = Decimal::from_f64_retain(w / total).unwrap_or_default();
                *x += l.amount.0 * share;
            }
        }
    }
    notes.dedup();
    Ok(Prepared {
        dims,
        applied,
        hourly: HourlySpend { hours, spend },
        notes,
    })
}

/// The bill of platform `r` with `specs` applied, or `None` when there are none.
pub fn commit(
    catalog: &PriceCatalog,
    r: &Resolved,
    specs: &[CommitmentSpec],
    bill: &Bill,
    buckets: &[TimelineBucket],
    bucket_ms: f64,
    period_ms: u64,
) -> Result<Option<CommittedCost>, CatalogError> {
    if specs.is_empty() {
        return Ok(None);
    }
    let p = &r.platform;
    let h: &CostBreakdown = &bill.horizon;
    if p.provider != "aws" {
        return Ok(Some(CommittedCost {
            total_usd: h.total,
            monthly_usd: bill.monthly.total,
            lines: h.lines.clone(),
            coverage: Vec::new(),
            commitments: Vec::new(),
            notes: vec![format!(
                "the commitments are AWS's: {} ({}) is billed on-demand and they are not charged here",
                p.name, p.provider
            )],
        }));
    }
    let Prepared {
        dims,
        applied,
        hourly,
        notes,
    } = prepare(catalog, r, specs, h, buckets, bucket_ms, period_ms)?;
    let outcomes = commitments::apply(&hourly, &applied);
    let HourlySpend { hours, spend } = hourly;

    let mut lines = h.lines.clone();
    let mut covered_by_dim: BTreeMap<String, Decimal> = BTreeMap::new();
    let mut results = Vec::new();
    let run_hours: Decimal = hours.iter().copied().sum();
    for (a, o) in applied.iter().zip(&outcomes) {
        let plan = a.spec.plan();
        for (dim, covered) in &o.covered {
            if covered.is_zero() {
                continue;
            }
            *covered_by_dim.entry(dim.clone()).or_default() += covered;
            let x = &dims[dim];
            lines.push(CostLine {
                item: format!("{} — covered by {} ({plan})", x.item, a.spec.kind.name()),
                category: x.category,
                dimension: plan_dimension(dim, &plan),
                quantity: (-covered / x.rate).round_dp(10).normalize(),
                unit: x.unit.clone(),
                unit_price: x.rate,
                amount: money(-covered),
                credit: true,
            });
        }
        lines.push(CostLine {
            item: format!(
                "{} ({plan}): {}/h commitment",
                a.spec.kind.name(),
                a.spec.usd_per_hour
            ),
            category: CostCategory::Commitment,
            dimension: format!("commitment@{plan}"),
            quantity: run_hours.normalize(),
            unit: "hour".into(),
            unit_price: a.spec.usd_per_hour.0,
            amount: money(o.cost),
            credit: false,
        });
        let covered: Decimal = o.covered.values().copied().sum();
        results.push(CommitmentResult {
            spec: a.spec.clone(),
            plan,
            cost_usd: money(o.cost),
            used_usd: money(o.used),
            wasted_usd: money(o.cost - o.used),
            covered_on_demand_usd: money(covered),
            eligible_on_demand_usd: money(o.eligible),
            saving_usd: money(covered - o.cost),
            utilisation: ratio(o.used, o.cost),
            coverage: ratio(covered, o.eligible),
        });
    }
    let coverage = dims
        .iter()
        .map(|(dim, x)| {
            let od: Decimal = spend
                .get(dim)
                .map(|v| v.iter().copied().sum())
                .unwrap_or_default();
            let c = covered_by_dim.get(dim).copied().unwrap_or_default();
            DimensionCoverage {
                dimension: dim.clone(),
                item: x.item.clone(),
                on_demand_usd: money(od),
                covered_usd: money(c),
                uncovered_usd: money(od - c),
            }
        })
        .collect();
    let total: Decimal = lines.iter().map(|l| l.amount.0).sum();
    let saving = h.total.0 - total;
    let monthly = bill.monthly.total.0 - saving * Decimal::from(MONTH_MS) / Decimal::from(period_ms.max(1));
    Ok(Some(CommittedCost {
        total_usd: money(total),
        monthly_usd: money(monthly),
        lines,
        coverage,
        commitments: results,
        notes,
    }))
}
