//! `commit recommend`: for each platform of a scenario and each plan the catalog has rates for,
//! the hourly commitment that minimises the run's total cost, and the cost curve around it.
//!
//! Every platform is run once with hourly buckets; the commitment is then applied to its hourly
//! on-demand spend ([`crate::pricing::commitments::apply`]) at candidate amounts. The total
//! `commitment × hours + uncovered on-demand` is convex in the commitment (each hour covers usage
//! at a decreasing discount as the commitment grows, then nothing), and piecewise linear with
//! breaks where the commitment equals an hour's eligible spend at the plan's rates. So the
//! minimum over AWS's $0.001 steps lies next to one of those breaks: the candidates are the
//! breaks rounded down and up to $0.001, and a bisection on the convex sequence finds it.

use crate::platform::billing::bill_run;
use crate::platform::committed::{prepare, Prepared};
use crate::pricing::commitments::{self, Applied, CommitmentKind, CommitmentSpec, Payment, Term};
use crate::pricing::usage::MONTH_MS;
use crate::pricing::{PriceCatalog, Usd};
use crate::results::round6;
use crate::run::{run_engine, RunOptions, SimError};
use crate::scenario::Scenario;
use rayon::prelude::*;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// Points of the cost curve drawn around the best commitment.
const CURVE_POINTS: usize = 21;
/// AWS sells commitments in steps of $0.001 an hour.
const STEP: Decimal = Decimal::from_parts(1, 0, 0, false, 3);

/// The run's total cost with one hourly commitment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CurvePoint {
    pub usd_per_hour: Usd,
    pub total_usd: Usd,
}

/// The best commitment of one plan for one platform.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PlanRecommendation {
    pub label: String,
    pub platform: String,
    pub kind: CommitmentKind,
    pub term: Term,
    pub payment: Payment,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub instance_type: Option<String>,
    /// Catalog plan name.
    pub plan: String,
    /// The run's on-demand total.
    pub on_demand_usd: Usd,
    /// The commitment that minimises the total (0: buying none is cheapest); absent when the
    /// catalog has no published rate for anything the platform bills under this plan.
    pub usd_per_hour: Option<Usd>,
    /// The run's total with it.
    pub total_usd: Usd,
    /// `on_demand − total` over the run, and scaled to a 730-hour month.
    pub saving_usd: Usd,
    pub monthly_saving_usd: Usd,
    /// `saving / on_demand`, 0–1.
    pub saving_fraction: f64,
    pub utilisation: f64,
    pub coverage: f64,
    /// Totals from no commitment to twice the best one (the best included).
    pub curve: Vec<CurvePoint>,
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CommitRecommendation {
    pub scenario: String,
    pub horizon_s: f64,
    pub plans: Vec<PlanRecommendation>,
}

/// The plans to try on platform `id`: every Compute Savings Plan, and for an EC2 instance type
/// its EC2 Instance Savings Plans and reserved instances.
fn candidates(id: &str) -> Vec<CommitmentSpec> {
    let mut kinds = vec![(CommitmentKind::ComputeSavingsPlan, None)];
    if let Some(t) = id.strip_prefix("vm:aws/") {
        let family = t.split('.').next().unwrap_or(t).to_string();
        kinds.push((CommitmentKind::Ec2InstanceSavingsPlan, Some(family)));
        kinds.push((CommitmentKind::Reserved, Some(t.to_string())));
    }
    let mut out = Vec::new();
    for (kind, instance_type) in kinds {
        for term in [Term::OneYear, Term::ThreeYear] {
            for payment in [Payment::NoUpfront, Payment::PartialUpfront, Payment::AllUpfront] {
                out.push(CommitmentSpec {
                    kind,
                    term,
                    payment,
                    usd_per_hour: Usd(Decimal::ONE),
                    instance_type: instance_type.clone(),
                });
            }
        }
    }
    out
}

/// Total and the commitment's outcome at `c` dollars an hour.
fn total_at(
    p: &Prepared,
    ratios: &Applied,
    on_demand: Decimal,
    c: Decimal,
) -> (Decimal, commitments::Outcome) {
    let mut a = ratios.clone();
    a.spec.usd_per_hour = Usd(c);
    let o = commitments::apply(&p.hourly, std::slice::from_ref(&a)).remove(0);
    let covered: Decimal = o.covered.values().copied().sum();
    (on_demand - covered + o.cost, o)
}

/// The candidate commitments: every hour's cumulative eligible spend at the plan's rates, in
/// discount order, rounded down and up to $0.001, and none.
fn breaks(p: &Prepared, a: &Applied) -> Vec<Decimal> {
    let mut dims: Vec<(&String, Decimal)> = a.ratios.iter().map(|(d, r)| (d, *r)).collect();
    dims.sort_by(|x, y| x.1.cmp(&y.1).then_with(|| x.0.cmp(y.0)));
    let mut out = vec![Decimal::ZERO];
    for (h, frac) in p.hourly.hours.iter().enumerate() {
        if frac.is_zero() {
            continue;
        }
        let mut cum = Decimal::ZERO;
        for (d, r) in &dims {
            let od = p
                .hourly
                .spend
                .get(*d)
                .and_then(|v| v.get(h))
                .copied()
                .unwrap_or_default();
            if od <= Decimal::ZERO {
                continue;
            }
            cum += od * r / frac;
            let steps = cum / STEP;
            out.push(steps.floor() * STEP);
            out.push(steps.ceil() * STEP);
        }
    }
    out.sort();
    out.dedup();
    out
}

fn money(d: Decimal) -> Usd {
    Usd(d.round_dp(10).normalize())
}

fn fraction(a: Decimal, b: Decimal) -> f64 {
    if b.is_zero() {
        0.0
    } else {
        round6((a / b).to_string().parse().unwrap_or(0.0))
    }
}

/// The best commitment of `spec`'s plan for one prepared platform.
fn best(
    p: &Prepared,
    a: &Applied,
    on_demand: Decimal,
) -> (Decimal, Vec<CurvePoint>, commitments::Outcome, Decimal) {
    let xs = breaks(p, a);
    let f = |c: Decimal| total_at(p, a, on_demand, c).0;
    // The first candidate not dearer than the next one is the (leftmost) minimum of a convex
    // sequence.
    let (mut lo, mut hi) = (0usize, xs.len() - 1);
    while lo < hi {
        let mid = (lo + hi) / 2;
        if f(xs[mid + 1]) < f(xs[mid]) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    let c = xs[lo];
    let (total, o) = total_at(p, a, on_demand, c);
    let top = if c.is_zero() {
        *xs.last().unwrap_or(&STEP)
    } else {
        c * Decimal::TWO
    };
    let mut points: Vec<Decimal> = (0..CURVE_POINTS)
        .map(|i| ((top * Decimal::from(i) / Decimal::from(CURVE_POINTS - 1)) / STEP).round() * STEP)
        .chain(std::iter::once(c))
        .collect();
    points.sort();
    points.dedup();
    let curve = points
        .into_iter()
        .map(|x| CurvePoint {
            usd_per_hour: money(x),
            total_usd: money(f(x)),
        })
        .collect();
    (c, curve, o, total)
}

/// The best hourly commitment of every plan with published rates, for each platform of
/// `scenario` (each platform is an alternative home of the workload). The scenario's own
/// commitments are left out: the recommendation starts from on-demand.
pub fn recommend(
    catalog: &PriceCatalog,
    scenario: &Scenario,
    opts: &RunOptions,
) -> Result<CommitRecommendation, SimError> {
    let mut s = opts.apply(scenario);
    // Any commitment makes the run keep hourly buckets; its own value does not matter here.
    s.commitments = candidates("aws-lambda").into_iter().take(1).collect();
    let opts = RunOptions {
        timeline: false,
        ..opts.clone()
    };
    crate::run::check_run(&s, &opts)?;
    let per_platform: Vec<Vec<PlanRecommendation>> = (0..s.platforms.len())
        .into_par_iter()
        .map(|i| -> Result<Vec<PlanRecommendation>, SimError> {
            let (r, _, stats) = run_engine(catalog, &s, i, &opts, None)?;
            let err = |e: crate::pricing::CatalogError| SimError::Platform {
                label: r.label.clone(),
                message: e.to_string(),
            };
            if r.platform.provider != "aws" {
                return Ok(Vec::new());
            }
            let bill = bill_run(catalog, &r, &stats.usage).map_err(err)?;
            let on_demand = bill.horizon.total.0;
            let period = stats.usage.period_ms.max(1);
            let mut out = Vec::new();
            for spec in candidates(&r.platform.id) {
                let p = prepare(
                    catalog,
                    &r,
                    std::slice::from_ref(&spec),
                    &bill.horizon,
                    &stats.timeline.buckets,
                    stats.timeline.bucket_ms,
                    period,
                )
                .map_err(err)?;
                let a = p.applied[0].clone();
                let mut rec = PlanRecommendation {
                    label: r.label.clone(),
                    platform: r.platform.id.clone(),
                    kind: spec.kind,
                    term: spec.term,
                    payment: spec.payment,
                    instance_type: spec.instance_type.clone(),
                    plan: spec.plan(),
                    on_demand_usd: money(on_demand),
                    usd_per_hour: None,
                    total_usd: money(on_demand),
                    saving_usd: Usd::ZERO,
                    monthly_saving_usd: Usd::ZERO,
                    saving_fraction: 0.0,
                    utilisation: 0.0,
                    coverage: 0.0,
                    curve: Vec::new(),
                    notes: Vec::new(),
                };
                if a.ratios.is_empty() {
                    rec.notes.push(format!(
                        "no published {} rate for what {} bills",
                        rec.plan, r.platform.id
                    ));
                    out.push(rec);
                    continue;
                }
                rec.notes = p.notes.clone();
                let (c, curve, o, total) = best(&p, &a, on_demand);
                let covered: Decimal = o.covered.values().copied().sum();
                let saving = on_demand - total;
                rec.usd_per_hour = Some(money(c));
                rec.total_usd = money(total);
                rec.saving_usd = money(saving);
                rec.monthly_saving_usd = money(saving * Decimal::from(MONTH_MS) / Decimal::from(period));
                rec.saving_fraction = fraction(saving, on_demand);
                rec.utilisation = fraction(o.used, o.cost);
                rec.coverage = fraction(covered, o.eligible);
                rec.curve = curve;
                out.push(rec);
            }
            Ok(out)
        })
        .collect::<Result<_, _>>()?;
    Ok(CommitRecommendation {
        scenario: s.name.clone(),
        horizon_s: s.workload.horizon_ms / 1000.0,
        plans: per_platform.into_iter().flatten().collect(),
    })
}
