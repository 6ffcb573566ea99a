//! Running a scenario: every platform through its engine, billed, in parallel.

use crate::platform::{aggregate, fleet, resolve, serverless, EngineKind};
use crate::pricing::{CatalogError, PriceCatalog};
use crate::results::{platform_result, PlatformResult, SimulationResult};
use crate::scenario::{Mode, Scenario};
use rayon::prelude::*;

/// Errors of a run.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SimError {
    #[error("platform `{label}`: {message}")]
    Platform { label: String, message: String },
    #[error(transparent)]
    Catalog(#[from] CatalogError),
    #[error("{0}")]
    Invalid(String),
}

/// Knobs a sweep turns; a plain `simulate` uses the defaults.
#[derive(Debug, Clone, PartialEq)]
pub struct RunOptions {
    /// Traffic multiplier.
    pub scale: f64,
    /// Override the scenario's mode.
    pub mode: Option<Mode>,
    /// Include the per-bucket timeline.
    pub timeline: bool,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            scale: 1.0,
            mode: None,
            timeline: true,
        }
    }
}

/// Run platform `index` of `scenario`.
pub fn simulate_platform(
    catalog: &PriceCatalog,
    scenario: &Scenario,
    index: usize,
    opts: &RunOptions,
) -> Result<PlatformResult, SimError> {
    let spec = scenario
        .platforms
        .get(index)
        .ok_or_else(|| SimError::Invalid(format!("no platform #{index}")))?;
    let w = &scenario.workload;
    let r = resolve(catalog, spec, w).map_err(|message| SimError::Platform {
        label: spec.label().to_string(),
        message,
    })?;
    let mode = opts.mode.unwrap_or(scenario.mode);
    let bucket_ms = if opts.timeline {
        scenario.timeline_bucket_s * 1000.0
    } else {
        w.horizon_ms
    };
    let stats = match (mode, r.engine) {
        (Mode::Aggregate, _) => aggregate::run(w, &r, scenario.seed, opts.scale, bucket_ms),
        (Mode::Exact, EngineKind::Serverless) => serverless::run(w, &r, scenario.seed, opts.scale, bucket_ms),
        (Mode::Exact, EngineKind::Fleet) => fleet::run(w, &r, scenario.seed, opts.scale, bucket_ms),
    };
    platform_result(catalog, &r, mode, stats, opts.timeline).map_err(|e| SimError::Platform {
        label: spec.label().to_string(),
        message: e.to_string(),
    })
}

/// Run every platform of `scenario` (in parallel; the result does not depend on the order).
pub fn simulate(
    catalog: &PriceCatalog,
    scenario: &Scenario,
    opts: &RunOptions,
) -> Result<SimulationResult, SimError> {
    scenario.workload.validate().map_err(SimError::Invalid)?;
    if !(opts.scale.is_finite() && opts.scale > 0.0) {
        return Err(SimError::Invalid(format!(
            "traffic scale must be positive, not {}",
            opts.scale
        )));
    }
    let platforms: Vec<PlatformResult> = (0..scenario.platforms.len())
        .into_par_iter()
        .map(|i| simulate_platform(catalog, scenario, i, opts))
        .collect::<Result<_, _>>()?;
    let simulated_requests = platforms.iter().map(|p| p.arrivals).sum();
    Ok(SimulationResult {
        scenario: scenario.name.clone(),
        seed: scenario.seed,
        mode: opts.mode.unwrap_or(scenario.mode),
        horizon_s: scenario.workload.horizon_ms / 1000.0,
        platforms,
        simulated_requests,
    })
}
