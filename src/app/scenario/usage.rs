//! The cost a function's metrics imply for a window: its requests and metered duration priced
//! with the catalog, the reference an extracted scenario's simulation is checked against.

use crate::app::error::{AppError, Result};
use crate::app::scenario::{FunctionShape, Window};
use crate::store::functions::FunctionRow;
use crate::store::metrics;
use breakeven_simulator::pricing::{bill, Arch, Deployment, PriceCatalog, Usage, Usd};
use rusqlite::Connection;

/// How [`derived_cost`] prices, as printed beside the result.
pub const METHOD: &str = "stored invocations × invocation-weighted average duration of the window \
    (+0.5 ms a request for per-request rounding up to 1 ms) and the configured provisioned \
    concurrency, priced with the catalog without the free tier; cold-start init is not in the \
    metrics and so not in this figure";

/// Requests, execution time and provisioned time of the window, billed on the own platform.
pub fn derived_cost(
    c: &Connection,
    catalog: &PriceCatalog,
    f: &FunctionRow,
    shape: &FunctionShape,
    w: Window,
    counts: &[u64],
) -> Result<Usd> {
    let requests: u64 = counts.iter().sum();
    let mean_ms =
        metrics::weighted_mean(c, f.id, "Duration", "Average", w.from, w.to)?.map_or(0.0, |(m, _)| m);
    let exec_ms = ((mean_ms + 0.5) * requests as f64).round() as u64;
    let period_ms = (w.to - w.from) as u64 * 1000;
    let provisioned_ms = u64::from(shape.provisioned_concurrency) * period_ms;
    let arch: Arch = shape
        .arch
        .parse()
        .map_err(|e: String| AppError::bad_input("E_BAD_ARCH", e))?;
    let deployment = Deployment {
        memory_mb: shape.memory_mb,
        arch,
        ephemeral_storage_mb: shape.ephemeral_storage_mb,
        provisioned_instances: shape.provisioned_concurrency,
        free_tier: false,
        ..Deployment::default()
    };
    let usage = Usage {
        period_ms,
        requests,
        exec_ms,
        provisioned_exec_ms: exec_ms.min(provisioned_ms),
        provisioned_ms,
        ..Usage::default()
    };
    let platform = catalog.platform(&shape.own_platform)?;
    let region = platform
        .regions
        .iter()
        .any(|r| r == &shape.region)
        .then_some(shape.region.as_str());
    Ok(bill(catalog, &shape.own_platform, region, &deployment, &usage)?.total)
}
