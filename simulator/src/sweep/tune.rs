//! Memory tuning: cost and latency of each function platform at each memory size, the cheapest
//! size, and the fastest size within 10 % of the cheapest cost.
//!
//! Memory changes a function's durations (through the vCPU it buys) and its price, nothing
//! else. So sizes whose engine inputs come out the same (above one vCPU single-threaded work
//! stops speeding up; the same function on another architecture draws the same requests) share
//! one simulation and are billed apart. [`TuneMethod::Fast`] goes further for exact-mode
//! scenarios: every size in aggregate mode first, then exact runs only for the sizes that
//! could be the cheapest or the fastest within 10 % once the aggregate tolerance is allowed
//! for. Each row says which mode produced it.

use crate::platform::{aggregate, fleet, resolve, serverless, EngineKind, Resolved};
use crate::pricing::{PlatformKind, PriceCatalog, Usd};
use crate::results::{platform_result, PlatformResult};
use crate::run::{check_run, simulate_platform, RunOptions, SimError};
use crate::scenario::{Mode, Scenario};
use rayon::prelude::*;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// Memory sizes tried within a range, MB: the common steps of the providers' consoles.
const STEPS_MB: &[u32] = &[
    128, 256, 512, 768, 1024, 1536, 1769, 2048, 3008, 4096, 5120, 6144, 7168, 8192, 10240,
];

/// How much more than the cheapest a faster choice may cost.
const FAST_MARGIN: Decimal = Decimal::from_parts(11, 0, 0, false, 1);

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TuneRow {
    pub memory_mb: u32,
    /// The mode that produced this row's figures.
    #[serde(default)]
    pub mode: Mode,
    pub monthly_usd: Usd,
    /// Duration multiplier at this size.
    pub duration_factor: f64,
    pub mean_ms: f64,
    pub p50_ms: f64,
    pub p95_ms: f64,
    pub p99_ms: f64,
    pub cold_start_probability: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TunePlatform {
    pub label: String,
    pub id: String,
    pub rows: Vec<TuneRow>,
    /// Memory of the cheapest row, MB.
    pub cheapest_mb: u32,
    /// Memory of the row with the lowest mean latency among those costing at most 10 % more
    /// than the cheapest, MB.
    pub fastest_within_10pct_mb: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TuneResult {
    pub scenario: String,
    pub platforms: Vec<TunePlatform>,
    /// Platforms of the scenario that are not tuned: not functions, a fixed memory size, or sized
    /// in vCPU and GB rather than memory alone.
    pub skipped: Vec<String>,
    pub simulated_requests: u64,
    /// How the sizes were simulated: which shared a run, which ran in which mode.
    #[serde(default)]
    pub method: String,
}

/// The sizes of `from..=to` a platform accepts.
fn sizes_for(p: &crate::pricing::Platform, from: u32, to: u32) -> Vec<u32> {
    let r = &p.rules;
    if let Some(sizes) = &r.memory_sizes_mb {
        let mut s: Vec<u32> = sizes
            .iter()
            .copied()
            .filter(|m| (from..=to).contains(m))
            .collect();
        s.sort_unstable();
        return s;
    }
    let lo = r.min_config_memory_mb.unwrap_or(128).max(from);
    let hi = r.max_memory_mb.unwrap_or(u32::MAX).min(to);
    if lo >= hi {
        return Vec::new();
    }
    let mut s: Vec<u32> = STEPS_MB
        .iter()
        .copied()
        .filter(|m| (lo..=hi).contains(m))
        .collect();
    for edge in [lo, hi] {
        if !s.contains(&edge) {
            s.push(edge);
        }
    }
    s.sort_unstable();
    s
}

/// How [`tune_with`] simulates the sizes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TuneMethod {
    /// One simulation per platform and size in the scenario's mode (the path before runs were
    /// shared; the benchmark's baseline).
    EverySize,
    /// One simulation per distinct set of engine inputs, in the scenario's mode, billed at each
    /// size: the same figures as [`TuneMethod::EverySize`], byte for byte.
    Shared,
    /// As [`TuneMethod::Shared`]; when the scenario is in exact mode, every size runs in
    /// aggregate mode first and only the sizes that could change a choice run exactly.
    #[default]
    Fast,
}

/// Agreement of aggregate with exact mode the refinement allows for on each side: monthly cost
/// (tested within 2.5 %) and mean latency.
const AGG_COST_TOL: f64 = 0.025;
const AGG_LATENCY_TOL: f64 = 0.05;

/// Tune every function platform of `scenario` over memory sizes in `from..=to` MB
/// ([`TuneMethod::Fast`]).
pub fn tune(catalog: &PriceCatalog, scenario: &Scenario, from: u32, to: u32) -> Result<TuneResult, SimError> {
    tune_with(catalog, scenario, from, to, TuneMethod::Fast)
}

/// One size of one platform, resolved.
struct Job {
    platform: usize,
    memory_mb: u32,
    r: Resolved,
    /// Index into the distinct simulations.
    run: usize,
}

fn run_engine(scenario: &Scenario, r: &Resolved, mode: Mode) -> crate::platform::outcome::RunStats {
    let w = &scenario.workload;
    // Commitments apply hour by hour: a run billed with them keeps hourly buckets.
    let bucket_ms = if scenario.commitments.is_empty() {
        w.horizon_ms
    } else {
        3_600_000.0_f64.min(w.horizon_ms)
    };
    match (mode, r.engine) {
        (Mode::Aggregate, _) => aggregate::run(w, r, scenario.seed, 1.0, bucket_ms),
        (Mode::Exact, EngineKind::Serverless) => serverless::run(w, r, scenario.seed, 1.0, bucket_ms),
        (Mode::Exact, EngineKind::Fleet) => fleet::run(w, r, scenario.seed, 1.0, bucket_ms),
    }
}

fn bill(
    catalog: &PriceCatalog,
    scenario: &Scenario,
    job: &Job,
    mode: Mode,
    stats: crate::platform::outcome::RunStats,
) -> Result<PlatformResult, SimError> {
    platform_result(
        catalog,
        &job.r,
        mode,
        stats,
        false,
        &scenario.commitments,
        &scenario.discounts,
    )
    .map_err(|e| SimError::Platform {
        label: scenario.platforms[job.platform].label().to_string(),
        message: e.to_string(),
    })
}

/// Run the distinct simulations `runs` (indices) in `mode`, in parallel, and bill every job of
/// each at its own size: (job index, result).
fn simulate_runs(
    catalog: &PriceCatalog,
    scenario: &Scenario,
    jobs: &[Job],
    runs: &[usize],
    mode: Mode,
) -> Result<Vec<(usize, PlatformResult)>, SimError> {
    let per_run: Vec<Vec<(usize, PlatformResult)>> = runs
        .par_iter()
        .map(|&run| {
            let members: Vec<usize> = (0..jobs.len()).filter(|&j| jobs[j].run == run).collect();
            let stats = run_engine(scenario, &jobs[members[0]].r, mode);
            members
                .iter()
                .map(|&j| bill(catalog, scenario, &jobs[j], mode, stats.clone()).map(|r| (j, r)))
                .collect::<Result<Vec<_>, _>>()
        })
        .collect::<Result<_, _>>()?;
    Ok(per_run.into_iter().flatten().collect())
}

/// The distinct simulations among `jobs` whose rows could change a choice of their platform
/// when each aggregate figure may be off by the tolerances: the possible cheapest rows, and
/// the rows that could be the fastest within 10 % of the cheapest.
fn runs_that_matter(jobs: &[Job], results: &[Option<PlatformResult>]) -> Vec<usize> {
    let mut out: Vec<usize> = Vec::new();
    let mut platforms: Vec<usize> = jobs.iter().map(|j| j.platform).collect();
    platforms.dedup();
    for p in platforms {
        let rows: Vec<(usize, f64, f64)> = (0..jobs.len())
            .filter(|&j| jobs[j].platform == p)
            .filter_map(|j| {
                let r = results[j].as_ref()?;
                let cost = r.cost.monthly_usd.0.to_string().parse::<f64>().ok()?;
                Some((jobs[j].run, cost, r.latency_ms.mean))
            })
            .collect();
        let Some(min_cost) = rows.iter().map(|r| r.1).reduce(f64::min) else {
            continue;
        };
        let (lo, hi) = (1.0 - AGG_COST_TOL, 1.0 + AGG_COST_TOL);
        // Could be the cheapest: within the tolerance of the cheapest on both sides.
        let cheapest: Vec<&(usize, f64, f64)> = rows.iter().filter(|r| r.1 * lo <= min_cost * hi).collect();
        // Could be within 10 %: at most 1.1 × the highest the cheapest could really be.
        let limit = 1.1 * min_cost;
        let within: Vec<&(usize, f64, f64)> = rows.iter().filter(|r| r.1 * lo <= limit * hi / lo).collect();
        // Surely within 10 %: at least 1.1 × the lowest the cheapest could be.
        let sure_mean = rows
            .iter()
            .filter(|r| r.1 * hi <= limit * lo / hi)
            .map(|r| r.2)
            .reduce(f64::min)
            .unwrap_or(f64::INFINITY);
        let fast: Vec<&(usize, f64, f64)> = within
            .iter()
            .copied()
            .filter(|r| r.2 * (1.0 - AGG_LATENCY_TOL) <= sure_mean * (1.0 + AGG_LATENCY_TOL))
            .collect();
        // More than one row that could be the choice: each of them runs exactly (rows sharing a
        // simulation still differ in price).
        for set in [cheapest, fast] {
            if set.len() > 1 {
                out.extend(set.iter().map(|r| r.0));
            }
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// Tune every function platform of `scenario` over memory sizes in `from..=to` MB, simulating
/// as `method` says.
pub fn tune_with(
    catalog: &PriceCatalog,
    scenario: &Scenario,
    from: u32,
    to: u32,
    method: TuneMethod,
) -> Result<TuneResult, SimError> {
    if from == 0 || to < from {
        return Err(SimError::Invalid(
            "memory range must be positive and increasing".into(),
        ));
    }
    let opts = RunOptions {
        timeline: false,
        ..RunOptions::default()
    };
    let mut pairs = Vec::new();
    let mut skipped = Vec::new();
    for (i, spec) in scenario.platforms.iter().enumerate() {
        let p = catalog.platform(&spec.id)?;
        // Platforms sized in vCPU and GB (Cloud Run, Code Engine) do not bill by `memory_mb`.
        let sizes = if p.kind == PlatformKind::Faas && p.rules.default_memory_gb.is_none() {
            sizes_for(p, from, to)
        } else {
            Vec::new()
        };
        if sizes.len() < 2 {
            skipped.push(spec.label().to_string());
        }
        if sizes.len() >= 2 {
            pairs.extend(sizes.into_iter().map(|m| (i, m)));
        }
    }
    let fast = method == TuneMethod::Fast && scenario.mode == Mode::Exact;
    if fast {
        let agg = RunOptions {
            mode: Some(Mode::Aggregate),
            ..opts.clone()
        };
        check_run(scenario, &agg)?;
    } else {
        check_run(scenario, &opts)?;
    }
    let (results, method_note): (Vec<(usize, u32, PlatformResult)>, String) = if method
        == TuneMethod::EverySize
    {
        let results = pairs
            .into_par_iter()
            .map(|(i, m)| {
                let mut s = scenario.clone();
                s.platforms[i].memory_mb = Some(m);
                simulate_platform(catalog, &s, i, &opts).map(|r| (i, m, r))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let n = results.len();
        (
            results,
            format!("{n} sizes, each simulated in {} mode", scenario.mode.as_str()),
        )
    } else {
        let mut keys: Vec<String> = Vec::new();
        let mut jobs = Vec::new();
        for (i, m) in pairs {
            let mut spec = scenario.platforms[i].clone();
            spec.memory_mb = Some(m);
            let r = resolve(catalog, &spec, &scenario.workload).map_err(|message| SimError::Platform {
                label: spec.label().to_string(),
                message,
            })?;
            let key = crate::platform::engine_key(&r);
            let run = match keys.iter().position(|k| *k == key) {
                Some(k) => k,
                None => {
                    keys.push(key);
                    keys.len() - 1
                }
            };
            jobs.push(Job {
                platform: i,
                memory_mb: m,
                r,
                run,
            });
        }
        let all: Vec<usize> = (0..keys.len()).collect();
        let shared = format!(
            "{} sizes from {} distinct simulations (sizes with the same durations share one, billed at each size)",
            jobs.len(),
            keys.len()
        );
        let mut results: Vec<Option<PlatformResult>> = vec![None; jobs.len()];
        let note = if fast {
            for (j, r) in simulate_runs(catalog, scenario, &jobs, &all, Mode::Aggregate)? {
                results[j] = Some(r);
            }
            let refine = runs_that_matter(&jobs, &results);
            // Past exact mode's limits (requests or requests in flight) nothing runs exactly.
            let exact_ok = check_run(scenario, &opts).is_ok();
            let over_limits = !exact_ok && !refine.is_empty();
            let refine = if exact_ok { refine } else { Vec::new() };
            for (j, r) in simulate_runs(catalog, scenario, &jobs, &refine, Mode::Exact)? {
                results[j] = Some(r);
            }
            let exact_mb: Vec<String> = jobs
                .iter()
                .filter(|j| refine.contains(&j.run))
                .map(|j| format!("{} MB on {}", j.memory_mb, scenario.platforms[j.platform].label()))
                .collect();
            format!(
                "{shared}; every size in aggregate mode, then exact mode for the sizes whose choice \
                 could differ within the aggregate tolerance (cost ±{:.1} %, mean latency ±{:.0} %): {}",
                AGG_COST_TOL * 100.0,
                AGG_LATENCY_TOL * 100.0,
                if over_limits {
                    "some could, but exact mode is past its limits for this scenario".to_string()
                } else if exact_mb.is_empty() {
                    "none could".to_string()
                } else {
                    exact_mb.join(", ")
                }
            )
        } else {
            for (j, r) in simulate_runs(catalog, scenario, &jobs, &all, scenario.mode)? {
                results[j] = Some(r);
            }
            format!("{shared}, in {} mode", scenario.mode.as_str())
        };
        let results = jobs
            .iter()
            .zip(results)
            .filter_map(|(j, r)| r.map(|r| (j.platform, j.memory_mb, r)))
            .collect();
        (results, note)
    };
    let simulated_requests = results.iter().map(|r| r.2.arrivals).sum();
    let mut platforms: Vec<TunePlatform> = Vec::new();
    for (i, m, r) in results {
        let row = TuneRow {
            memory_mb: m,
            mode: r.mode,
            monthly_usd: r.cost.monthly_usd,
            duration_factor: r.duration_factor,
            mean_ms: r.latency_ms.mean,
            p50_ms: r.latency_ms.p50,
            p95_ms: r.latency_ms.p95,
            p99_ms: r.latency_ms.p99,
            cold_start_probability: r.cold_start_probability,
        };
        let label = scenario.platforms[i].label().to_string();
        match platforms.iter_mut().find(|p| p.label == label) {
            Some(p) => p.rows.push(row),
            None => platforms.push(TunePlatform {
                label,
                id: r.id.clone(),
                rows: vec![row],
                cheapest_mb: 0,
                fastest_within_10pct_mb: 0,
            }),
        }
    }
    for p in &mut platforms {
        let cheapest = p
            .rows
            .iter()
            .min_by(|a, b| {
                a.monthly_usd
                    .cmp(&b.monthly_usd)
                    .then(a.mean_ms.total_cmp(&b.mean_ms))
            })
            .cloned();
        if let Some(c) = cheapest {
            p.cheapest_mb = c.memory_mb;
            let limit = c.monthly_usd.0 * FAST_MARGIN;
            p.fastest_within_10pct_mb = p
                .rows
                .iter()
                .filter(|r| r.monthly_usd.0 <= limit)
                .min_by(|a, b| {
                    a.mean_ms
                        .total_cmp(&b.mean_ms)
                        .then(a.monthly_usd.cmp(&b.monthly_usd))
                })
                .map(|r| r.memory_mb)
                .unwrap_or(c.memory_mb);
        }
    }
    Ok(TuneResult {
        scenario: scenario.name.clone(),
        platforms,
        skipped,
        simulated_requests,
        method: method_note,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::parse;

    fn scenario(text: &str) -> (PriceCatalog, Scenario) {
        let c = PriceCatalog::bundled().expect("bundled catalog");
        let s = parse("test.toml", text, &c, &mut |f| Err(format!("no file {f}"))).expect("parses");
        (c, s)
    }

    const TWO_ARCHES: &str = r#"
        version = 1
        seed = 3
        [workload]
        horizon = "1d"
        memory_mb = 512
        arrivals = { process = "diurnal", mean_rate_per_s = 2, peak_to_trough = 4, peak_hour = 3 }
        duration = { dist = "lognormal", p50_ms = 120, p99_ms = 900 }
        init = { dist = "lognormal", p50_ms = 350, p99_ms = 1200 }
        cpu_fraction = 0.4
        [[platforms]]
        id = "aws-lambda"
        [[platforms]]
        id = "aws-lambda"
        label = "arm"
        arch = "arm64"
    "#;

    #[test]
    fn shared_simulations_give_the_rows_of_one_simulation_per_size_byte_for_byte() {
        let (c, s) = scenario(TWO_ARCHES);
        let every = tune_with(&c, &s, 128, 3008, TuneMethod::EverySize).unwrap();
        let shared = tune_with(&c, &s, 128, 3008, TuneMethod::Shared).unwrap();
        assert_eq!(
            serde_json::to_string(&every.platforms).unwrap(),
            serde_json::to_string(&shared.platforms).unwrap()
        );
        assert_eq!(every.simulated_requests, shared.simulated_requests);
        // 9 sizes on two architectures; 1769, 2048 and 3008 MB run as fast as each other.
        assert!(
            shared.method.starts_with("18 sizes from 7 distinct simulations"),
            "{}",
            shared.method
        );
        assert!(every
            .platforms
            .iter()
            .flat_map(|p| &p.rows)
            .all(|r| r.mode == Mode::Exact));
    }

    #[test]
    fn the_fast_method_picks_the_sizes_every_exact_run_picks_and_says_how() {
        let (c, s) = scenario(TWO_ARCHES);
        let every = tune_with(&c, &s, 128, 3008, TuneMethod::EverySize).unwrap();
        let fast = tune(&c, &s, 128, 3008).unwrap();
        assert!(fast.method.contains("aggregate mode"), "{}", fast.method);
        for (a, b) in every.platforms.iter().zip(&fast.platforms) {
            assert_eq!(a.cheapest_mb, b.cheapest_mb, "{}", a.label);
            assert_eq!(
                a.fastest_within_10pct_mb, b.fastest_within_10pct_mb,
                "{}",
                a.label
            );
            for (x, y) in a.rows.iter().zip(&b.rows) {
                assert_eq!(x.memory_mb, y.memory_mb);
                let f = |v: Usd| v.0.to_string().parse::<f64>().unwrap();
                let d = (f(y.monthly_usd) / f(x.monthly_usd) - 1.0).abs();
                assert!(d < AGG_COST_TOL, "{} MB: cost off by {d}", x.memory_mb);
                if y.mode == Mode::Exact {
                    assert_eq!(x, y);
                }
            }
        }
    }

    #[test]
    fn near_ties_are_refined_exactly() {
        // Sizes above one vCPU cost nearly the same per request when requests are tiny and the
        // request fee dominates: the cheapest is a near tie, so those sizes run exactly.
        let (c, s) = scenario(
            r#"
            version = 1
            seed = 5
            [workload]
            horizon = "2h"
            memory_mb = 128
            arrivals = { process = "poisson", rate_per_s = 1 }
            duration = { dist = "constant", ms = 1 }
            [[platforms]]
            id = "aws-lambda"
            free_tier = false
            "#,
        );
        let fast = tune(&c, &s, 128, 256).unwrap();
        let every = tune_with(&c, &s, 128, 256, TuneMethod::EverySize).unwrap();
        let p = &fast.platforms[0];
        assert!(p.rows.iter().all(|r| r.mode == Mode::Exact), "{}", fast.method);
        assert_eq!(p, &every.platforms[0]);
    }
}
