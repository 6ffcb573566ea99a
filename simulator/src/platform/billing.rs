//! From metered usage to money: the run's horizon billed as one period, a monthly-normalised
//! figure, the Kubernetes control plane on top, and the bill spread over the timeline.

use super::Resolved;
use crate::pricing::catalog::BillingModel;
use crate::pricing::usage::MONTH_MS;
use crate::pricing::{bill, CatalogError, CostBreakdown, CostCategory, Deployment, PriceCatalog, Usage, Usd};
use crate::stats::TimelineBucket;
use rust_decimal::Decimal;

/// The bill of one platform for the horizon, and for a 730-hour month of the same traffic.
#[derive(Debug, Clone)]
pub struct Bill {
    /// The horizon billed as one period (free tier and tiers apply once).
    pub horizon: CostBreakdown,
    /// Usage scaled linearly to 730 hours and billed as a month.
    pub monthly: CostBreakdown,
}

/// Usage scaled by `num / den` (exact integer arithmetic, rounded half up).
pub fn scale_usage(u: &Usage, num: u64, den: u64) -> Usage {
    let s = |x: u64| -> u64 {
        let v = (u128::from(x) * u128::from(num) + u128::from(den) / 2) / u128::from(den.max(1));
        u64::try_from(v).unwrap_or(u64::MAX)
    };
    Usage {
        period_ms: s(u.period_ms),
        requests: s(u.requests),
        exec_ms: s(u.exec_ms),
        provisioned_exec_ms: s(u.provisioned_exec_ms),
        init_ms: s(u.init_ms),
        cold_starts: s(u.cold_starts),
        cpu_ms: s(u.cpu_ms),
        instance_active_ms: s(u.instance_active_ms),
        instance_idle_ms: s(u.instance_idle_ms),
        provisioned_ms: s(u.provisioned_ms),
    }
}

fn bill_once(catalog: &PriceCatalog, r: &Resolved, u: &Usage) -> Result<CostBreakdown, CatalogError> {
    let mut b = bill(catalog, &r.platform.id, r.region.as_deref(), &r.deployment, u)?;
    if let Some(cp) = &r.fleet.control_plane {
        let plane = Usage {
            period_ms: u.period_ms,
            ..Usage::default()
        };
        let c = bill(catalog, cp, None, &Deployment::default(), &plane)?;
        b.lines.extend(c.lines);
        b.total = b.total + c.total;
        b.free_tier = b.free_tier + c.free_tier;
        b.notes.extend(c.notes);
    }
    Ok(b)
}

/// Bill a run's usage for its horizon and for a normalised month.
pub fn bill_run(catalog: &PriceCatalog, r: &Resolved, u: &Usage) -> Result<Bill, CatalogError> {
    let horizon = bill_once(catalog, r, u)?;
    let monthly = if u.period_ms == MONTH_MS {
        horizon.clone()
    } else {
        bill_once(catalog, r, &scale_usage(u, MONTH_MS, u.period_ms))?
    };
    Ok(Bill { horizon, monthly })
}

/// True where compute is billed per request-millisecond rather than per instance-millisecond.
fn exec_billed(model: BillingModel) -> bool {
    matches!(
        model,
        BillingModel::AwsLambda
            | BillingModel::GcfGen1
            | BillingModel::AzureConsumption
            | BillingModel::IbmCloudFunctions
            | BillingModel::CloudflareWorkers
    )
}

/// What drives the lines of `cat` in one bucket of `width_ms`: requests, execution time, init
/// time, busy or alive instance time, or wall time.
pub fn bucket_driver(cat: CostCategory, model: BillingModel, b: &TimelineBucket, width_ms: f64) -> f64 {
    match cat {
        CostCategory::Requests => b.requests as f64,
        CostCategory::Compute if exec_billed(model) => b.exec_ms as f64,
        CostCategory::Compute => b.busy_area,
        CostCategory::Init => b.init_ms as f64,
        CostCategory::Storage => b.exec_ms as f64,
        CostCategory::Instances => b.instance_area,
        CostCategory::Provisioned
        | CostCategory::ControlPlane
        | CostCategory::Subscription
        | CostCategory::Commitment
        | CostCategory::Discount => width_ms,
    }
}

/// Each bucket's share of the bill: every line is spread over the buckets in proportion to what
/// drives it ([`bucket_driver`]). Credits are spread the same way, so the buckets add up to the
/// total up to rounding.
pub fn timeline_cost(
    b: &CostBreakdown,
    model: BillingModel,
    buckets: &[TimelineBucket],
    bucket_ms: f64,
) -> Vec<Usd> {
    let n = buckets.len();
    let wall: Vec<f64> = (0..n).map(|_| bucket_ms).collect();
    let driver = |cat: CostCategory| -> Vec<f64> {
        buckets
            .iter()
            .map(|x| bucket_driver(cat, model, x, bucket_ms))
            .collect()
    };
    let mut out = vec![Decimal::ZERO; n];
    for line in &b.lines {
        let mut d = driver(line.category);
        let mut total: f64 = d.iter().sum();
        if total <= 0.0 {
            d = wall.clone();
            total = d.iter().sum();
        }
        for (o, x) in out.iter_mut().zip(&d) {
            if *x > 0.0 {
                let share = Decimal::from_f64_retain(x / total).unwrap_or_default();
                *o += line.amount.0 * share;
            }
        }
    }
    out.into_iter().map(|d| Usd(d.round_dp(8).normalize())).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scaling_usage_is_exact_integer_arithmetic() {
        let u = Usage {
            period_ms: 1000,
            requests: 3,
            exec_ms: 7,
            ..Usage::default()
        };
        let s = scale_usage(&u, 3, 2);
        assert_eq!((s.period_ms, s.requests, s.exec_ms), (1500, 5, 11));
    }
}
