//! Running a scenario: every platform through its engine, billed, in parallel.

use crate::limits::{
    fmt_count, MAX_EXACT_IN_FLIGHT, MAX_EXACT_REQUESTS, MAX_PLATFORMS, MAX_RATE_PER_S, MAX_TIMELINE_BUCKETS,
};
use crate::platform::aggregate::{self, Demand};
use crate::platform::outcome::RunStats;
use crate::platform::{fleet, resolve, serverless, EngineKind, Resolved};
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

/// Everything a run may change about a scenario without editing it: the one override
/// mechanism of the CLI flags (`--mode`, `--horizon`, `--seed`), reports, previews and sweeps.
/// A plain `simulate` uses the defaults.
#[derive(Debug, Clone, PartialEq)]
pub struct RunOptions {
    /// Traffic multiplier.
    pub scale: f64,
    /// Override the scenario's mode.
    pub mode: Option<Mode>,
    /// Override the scenario's horizon, ms.
    pub horizon_ms: Option<f64>,
    /// Override the scenario's seed.
    pub seed: Option<u64>,
    /// Include the per-bucket timeline.
    pub timeline: bool,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            scale: 1.0,
            mode: None,
            horizon_ms: None,
            seed: None,
            timeline: true,
        }
    }
}

impl RunOptions {
    /// `s` with the mode, horizon and seed overrides written into it (what a report or a sweep
    /// of this run describes).
    pub fn apply(&self, s: &Scenario) -> Scenario {
        let mut s = s.clone();
        if let Some(m) = self.mode {
            s.mode = m;
        }
        if let Some(h) = self.horizon_ms {
            s.workload.horizon_ms = h;
        }
        if let Some(seed) = self.seed {
            s.seed = seed;
        }
        s
    }
}

/// Run platform `index` of `scenario` through its engine, unbilled.
pub(crate) fn run_engine(
    catalog: &PriceCatalog,
    scenario: &Scenario,
    index: usize,
    opts: &RunOptions,
    demand: Option<&Demand>,
) -> Result<(Resolved, Mode, RunStats), SimError> {
    let spec = scenario
        .platforms
        .get(index)
        .ok_or_else(|| SimError::Invalid(format!("no platform #{index}")))?;
    let r = resolve(catalog, spec, &scenario.workload).map_err(|message| SimError::Platform {
        label: spec.label().to_string(),
        message,
    })?;
    let (mode, stats) = run_resolved(scenario, &r, opts, demand);
    Ok((r, mode, stats))
}

/// Run the resolved platform `r` of `scenario` through its engine, unbilled.
pub(crate) fn run_resolved(
    scenario: &Scenario,
    r: &Resolved,
    opts: &RunOptions,
    demand: Option<&Demand>,
) -> (Mode, RunStats) {
    let w = &scenario.workload;
    let mode = opts.mode.unwrap_or(scenario.mode);
    // Commitments apply hour by hour: without a timeline, the run still keeps hourly buckets.
    let bucket_ms = if opts.timeline {
        scenario.timeline_bucket_s * 1000.0
    } else if !scenario.commitments.is_empty() {
        3_600_000.0_f64.min(w.horizon_ms)
    } else {
        w.horizon_ms
    };
    let stats = match (mode, r.engine) {
        (Mode::Aggregate, _) => match demand {
            Some(d) => aggregate::run_demand(w, r, d, scenario.seed, bucket_ms),
            None => aggregate::run(w, r, scenario.seed, opts.scale, bucket_ms),
        },
        (Mode::Exact, EngineKind::Serverless) => serverless::run(w, r, scenario.seed, opts.scale, bucket_ms),
        (Mode::Exact, EngineKind::Fleet) => fleet::run(w, r, scenario.seed, opts.scale, bucket_ms),
    };
    (mode, stats)
}

/// Every platform of a scenario resolved, and for each the first platform with the same engine
/// inputs (itself when none comes before): platforms that share one run the engine once.
pub(crate) struct Shared {
    pub resolved: Vec<Resolved>,
    pub leader: Vec<usize>,
}

impl Shared {
    pub(crate) fn of(catalog: &PriceCatalog, scenario: &Scenario) -> Result<Shared, SimError> {
        let resolved: Vec<Resolved> = scenario
            .platforms
            .iter()
            .map(|spec| {
                resolve(catalog, spec, &scenario.workload).map_err(|message| SimError::Platform {
                    label: spec.label().to_string(),
                    message,
                })
            })
            .collect::<Result<_, _>>()?;
        let keys: Vec<String> = resolved.iter().map(crate::platform::engine_key).collect();
        let leader = (0..keys.len())
            .map(|i| keys.iter().position(|k| *k == keys[i]).unwrap_or(i))
            .collect();
        Ok(Shared { resolved, leader })
    }

    /// The platforms that run the engine, in order.
    pub(crate) fn leaders(&self) -> Vec<usize> {
        (0..self.leader.len()).filter(|&i| self.leader[i] == i).collect()
    }
}

/// Run platform `index` of `scenario`.
pub fn simulate_platform(
    catalog: &PriceCatalog,
    scenario: &Scenario,
    index: usize,
    opts: &RunOptions,
) -> Result<PlatformResult, SimError> {
    simulate_platform_on(catalog, scenario, index, opts, None)
}

/// [`simulate_platform`]; an aggregate-mode run takes its traffic from `demand` when given
/// (drawn by [`Demand::draw`] for this scenario, seed and scale).
pub(crate) fn simulate_platform_on(
    catalog: &PriceCatalog,
    scenario: &Scenario,
    index: usize,
    opts: &RunOptions,
    demand: Option<&Demand>,
) -> Result<PlatformResult, SimError> {
    let (r, mode, stats) = run_engine(catalog, scenario, index, opts, demand)?;
    bill(catalog, scenario, &r, mode, stats, opts)
}

/// Bill one platform's run.
pub(crate) fn bill(
    catalog: &PriceCatalog,
    scenario: &Scenario,
    r: &Resolved,
    mode: Mode,
    stats: RunStats,
    opts: &RunOptions,
) -> Result<PlatformResult, SimError> {
    platform_result(
        catalog,
        r,
        mode,
        stats,
        opts.timeline,
        &scenario.commitments,
        &scenario.discounts,
    )
    .map_err(|e| SimError::Platform {
        label: r.label.clone(),
        message: e.to_string(),
    })
}

/// Run every platform of `scenario` (in parallel; the result does not depend on the order).
pub fn simulate(
    catalog: &PriceCatalog,
    scenario: &Scenario,
    opts: &RunOptions,
) -> Result<SimulationResult, SimError> {
    // A replay holds up to years of counts: copy the scenario only when an override needs it.
    let applied;
    let scenario = if opts.horizon_ms.is_some() || opts.seed.is_some() {
        applied = opts.apply(scenario);
        &applied
    } else {
        scenario
    };
    check_run(scenario, opts)?;
    // Platforms whose engine inputs are equal (the same function on x86-64 and arm64, say) run
    // once and are billed each on its own: the same figures as one run each, byte for byte.
    let shared = Shared::of(catalog, scenario)?;
    let leaders = shared.leaders();
    let runs: Vec<(Mode, RunStats)> = leaders
        .par_iter()
        .map(|&i| run_resolved(scenario, &shared.resolved[i], opts, None))
        .collect();
    let platforms: Vec<PlatformResult> = (0..shared.resolved.len())
        .into_par_iter()
        .map(|i| {
            let j = leaders.iter().position(|&l| l == shared.leader[i]).unwrap_or(0);
            let (mode, stats) = &runs[j];
            bill(catalog, scenario, &shared.resolved[i], *mode, stats.clone(), opts)
        })
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

/// What to do when a run is too large for exact mode.
const USE_AGGREGATE: &str =
    "use aggregate mode (`mode = \"aggregate\"` in the scenario, or `--mode aggregate`)";

/// Check a run before it starts: the workload and every platform against their ranges and
/// limits, the traffic factor, the number of requests exact mode would simulate (mean rate ×
/// horizon × factor, at most [`MAX_EXACT_REQUESTS`] per platform) and the timeline's size.
pub fn check_run(scenario: &Scenario, opts: &RunOptions) -> Result<(), SimError> {
    let w = &scenario.workload;
    w.validate().map_err(SimError::Invalid)?;
    if scenario.platforms.len() > MAX_PLATFORMS {
        return Err(SimError::Invalid(format!(
            "{} platforms are more than the limit of {MAX_PLATFORMS} per scenario",
            scenario.platforms.len()
        )));
    }
    for spec in &scenario.platforms {
        crate::scenario::validate_platform(spec).map_err(|message| SimError::Platform {
            label: spec.label().to_string(),
            message,
        })?;
    }
    let scale = opts.scale;
    if !(scale.is_finite() && scale > 0.0) {
        return Err(SimError::Invalid(format!(
            "traffic scale must be positive, not {scale}"
        )));
    }
    let peak = w.arrivals.peak_rate_per_s() * scale;
    if peak.is_nan() || peak > MAX_RATE_PER_S {
        return Err(SimError::Invalid(format!(
            "traffic ×{scale} takes the peak rate to {} requests/s, above the limit of {} requests/s",
            fmt_count(peak),
            fmt_count(MAX_RATE_PER_S)
        )));
    }
    if opts.mode.unwrap_or(scenario.mode) == Mode::Exact {
        let longest_ms = [Some(&w.duration), w.cold_duration.as_ref()]
            .into_iter()
            .flatten()
            .map(|d| d.mean_ms())
            .fold(0.0, f64::max);
        let at = if scale == 1.0 {
            String::new()
        } else {
            format!(" at traffic ×{scale}")
        };
        let in_flight = peak * longest_ms / 1000.0;
        if in_flight.is_nan() || in_flight > MAX_EXACT_IN_FLIGHT {
            return Err(SimError::Invalid(format!(
                "exact mode would hold about {} requests in flight at the peak{at} (peak rate × mean duration), above the limit of {}: {USE_AGGREGATE}",
                fmt_count(in_flight.round()),
                fmt_count(MAX_EXACT_IN_FLIGHT)
            )));
        }
        let expected = expected_requests(scenario, scale);
        if expected.is_nan() || expected > MAX_EXACT_REQUESTS {
            return Err(SimError::Invalid(format!(
                "exact mode would simulate about {} requests per platform{at} (mean rate × horizon), above the limit of {}: {USE_AGGREGATE}, or a shorter horizon",
                fmt_count(expected.round()),
                fmt_count(MAX_EXACT_REQUESTS)
            )));
        }
    }
    if opts.timeline {
        let buckets = (w.horizon_ms / (scenario.timeline_bucket_s * 1000.0)).ceil();
        if buckets.is_nan() || buckets > MAX_TIMELINE_BUCKETS {
            return Err(SimError::Invalid(format!(
                "a timeline of {} buckets of `timeline_bucket_s` = {} s is more than the limit of {}: make the buckets at least {} s wide, or leave the timeline out",
                fmt_count(buckets),
                scenario.timeline_bucket_s,
                fmt_count(MAX_TIMELINE_BUCKETS),
                (w.horizon_ms / 1000.0 / MAX_TIMELINE_BUCKETS).ceil()
            )));
        }
    }
    Ok(())
}

/// Requests a run of `scenario` with traffic × `scale` is expected to see per platform.
pub fn expected_requests(scenario: &Scenario, scale: f64) -> f64 {
    crate::sweep::mean_rate_per_s(scenario) * scenario.workload.horizon_ms / 1000.0 * scale
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::PlatformSpec;
    use crate::workload::{Arrivals, DurationModel, Workload};

    fn scenario(rate_per_s: f64, horizon_s: f64) -> Scenario {
        let w = Workload::new(
            horizon_s * 1000.0,
            Arrivals::Poisson { rate_per_s },
            DurationModel::constant(100.0),
        );
        Scenario::new("t", 1, w, vec![PlatformSpec::new("aws-lambda")])
    }

    #[test]
    fn exact_mode_at_a_million_requests_a_second_is_refused_before_it_starts() {
        let s = scenario(1e6, 86_400.0);
        let e = check_run(&s, &RunOptions::default()).unwrap_err().to_string();
        assert!(
            e.contains("86,400,000,000 requests per platform")
                && e.contains("limit of 1,000,000,000")
                && e.contains("aggregate"),
            "{e}"
        );
        let aggregate = RunOptions {
            mode: Some(Mode::Aggregate),
            timeline: false,
            ..RunOptions::default()
        };
        assert!(check_run(&s, &aggregate).is_ok());
        // A sweep's factor counts too.
        let small = scenario(10.0, 86_400.0);
        assert!(check_run(&small, &RunOptions::default()).is_ok());
        let scaled = RunOptions {
            scale: 10_000.0,
            ..RunOptions::default()
        };
        assert!(check_run(&small, &scaled)
            .unwrap_err()
            .to_string()
            .contains("traffic ×10000"));
    }

    #[test]
    fn a_timeline_past_its_bucket_limit_names_the_bucket_width_to_use() {
        let mut s = scenario(0.001, 3.0 * 365.0 * 86_400.0);
        s.timeline_bucket_s = 1.0;
        let e = check_run(&s, &RunOptions::default()).unwrap_err().to_string();
        assert!(
            e.contains("`timeline_bucket_s` = 1 s") && e.contains("at least 60 s"),
            "{e}"
        );
        let no_timeline = RunOptions {
            timeline: false,
            ..RunOptions::default()
        };
        assert!(check_run(&s, &no_timeline).is_ok());
    }

    #[test]
    fn a_peak_past_a_million_requests_a_second_after_scaling_is_refused() {
        let s = scenario(10.0, 3600.0);
        let opts = RunOptions {
            scale: 1e6,
            mode: Some(Mode::Aggregate),
            timeline: false,
            ..RunOptions::default()
        };
        let e = check_run(&s, &opts).unwrap_err().to_string();
        assert!(
            e.contains("10,000,000 requests/s") && e.contains("1,000,000"),
            "{e}"
        );
    }
}
