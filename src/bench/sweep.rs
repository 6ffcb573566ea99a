//! `breakeven sweep-bench`: the break-even sweep as `sweep` and reports run it, against the
//! previous path measured in the same run (the baseline: each traffic level one whole
//! simulation, every platform drawing its own per-minute traffic). The run fails if the shared
//! path's cells differ from the baseline's by one byte: sharing the draws must not change them.
//! With `--exact` it also runs every level in exact mode and measures how far the estimated and
//! the refined crossings are from the exact ones.

use crate::app::error::{AppError, Result};
use breakeven_simulator::pricing::PriceCatalog;
use breakeven_simulator::run::{simulate, RunOptions};
use breakeven_simulator::scenario::Mode;
use breakeven_simulator::sweep::{cell, factors, traffic, Crossing, CrossingMethod, SweepMode, TrafficSweep};
use breakeven_simulator::Scenario;
use rayon::prelude::*;
use serde::Serialize;
use std::time::Instant;

/// The figures of one benchmark run. Times in seconds.
#[derive(Debug, Clone, Serialize)]
pub struct SweepBench {
    pub scenario: String,
    pub horizon_days: f64,
    pub levels: usize,
    pub platforms: usize,
    /// Build profile of this binary (`debug` builds optimise dependencies at level 2).
    pub profile: &'static str,
    /// Baseline: one simulation per level, aggregate mode, each platform drawing its traffic.
    pub baseline_s: f64,
    /// `sweep --mode aggregate`: levels × platforms in parallel, traffic drawn once per level.
    pub aggregate_s: f64,
    pub speedup: f64,
    /// The aggregate sweep's cells equal the baseline's, byte for byte (checked).
    pub identical: bool,
    /// `sweep` (auto): estimates, then exact runs around the crossings.
    pub auto_s: f64,
    pub refined: u32,
    pub estimated: u32,
    pub exact_runs: u32,
    /// With `--exact`: every level in exact mode, and the largest relative distance (in traffic)
    /// of the auto sweep's refined and estimated crossings from the exact sweep's.
    pub exact_s: Option<f64>,
    pub refined_max_diff: Option<f64>,
    pub estimated_max_diff: Option<f64>,
}

fn fail(msg: String) -> AppError {
    AppError::io("benchmark", std::io::Error::other(msg))
}

fn secs<T>(f: impl FnOnce() -> T) -> (T, f64) {
    let t = Instant::now();
    let r = f();
    (r, t.elapsed().as_secs_f64())
}

/// Largest relative distance of `ours` crossings of `method` from the same pair's nearest
/// crossing in `exact`.
fn max_diff(ours: &[Crossing], exact: &[Crossing], method: CrossingMethod) -> Option<f64> {
    ours.iter()
        .filter(|c| c.method == method)
        .filter_map(|c| {
            exact
                .iter()
                .filter(|e| {
                    (e.cheaper_below == c.cheaper_below && e.cheaper_above == c.cheaper_above)
                        || (e.cheaper_below == c.cheaper_above && e.cheaper_above == c.cheaper_below)
                })
                .map(|e| (c.traffic_factor / e.traffic_factor - 1.0).abs())
                .reduce(f64::min)
        })
        .reduce(f64::max)
}

/// Sweep `scenario` (its horizon replaced by `days` when given) from `from` to `to` in `steps`.
pub fn run(
    catalog: &PriceCatalog,
    scenario: &Scenario,
    days: Option<f64>,
    (from, to, steps): (f64, f64, usize),
    with_exact: bool,
) -> Result<SweepBench> {
    let mut s = scenario.clone();
    if let Some(d) = days {
        s.workload.horizon_ms = d * 86_400_000.0;
    }
    let sweep = |mode| TrafficSweep {
        from,
        to,
        steps,
        mode,
    };
    let (base, baseline_s) = secs(|| {
        factors(from, to, steps)
            .into_par_iter()
            .map(|f| {
                let opts = RunOptions {
                    scale: f,
                    mode: Some(Mode::Aggregate),
                    timeline: false,
                    ..RunOptions::default()
                };
                simulate(catalog, &s, &opts).map(|r| r.platforms.iter().map(cell).collect::<Vec<_>>())
            })
            .collect::<std::result::Result<Vec<_>, _>>()
    });
    let base = base?;
    let (agg, aggregate_s) = secs(|| traffic(catalog, &s, &sweep(SweepMode::Aggregate)));
    let agg = agg?;
    let cells: Vec<_> = agg.points.iter().map(|p| p.platforms.clone()).collect();
    let json =
        |v: &Vec<Vec<breakeven_simulator::sweep::SweepCell>>| serde_json::to_string(v).unwrap_or_default();
    if json(&cells) != json(&base) {
        return Err(fail(
            "the shared sweep's cells differ from one simulation per level".into(),
        ));
    }
    let (auto, auto_s) = secs(|| traffic(catalog, &s, &sweep(SweepMode::Auto)));
    let auto = auto?;
    let refinement = auto.refinement.clone();
    let (mut exact_s, mut refined_max_diff, mut estimated_max_diff) = (None, None, None);
    if with_exact {
        let (exact, t) = secs(|| traffic(catalog, &s, &sweep(SweepMode::Exact)));
        let exact = exact?;
        exact_s = Some(t);
        refined_max_diff = max_diff(&auto.crossings, &exact.crossings, CrossingMethod::Refined);
        estimated_max_diff = max_diff(&auto.crossings, &exact.crossings, CrossingMethod::Estimate);
    }
    Ok(SweepBench {
        scenario: s.name.clone(),
        horizon_days: s.workload.horizon_ms / 86_400_000.0,
        levels: steps,
        platforms: s.platforms.len(),
        profile: if cfg!(debug_assertions) {
            "debug"
        } else {
            "release"
        },
        baseline_s,
        aggregate_s,
        speedup: baseline_s / aggregate_s,
        identical: true,
        auto_s,
        refined: refinement.as_ref().map_or(0, |r| r.refined),
        estimated: refinement.as_ref().map_or(0, |r| r.estimated),
        exact_runs: refinement.as_ref().map_or(0, |r| r.exact_runs),
        exact_s,
        refined_max_diff,
        estimated_max_diff,
    })
}

/// The report as text.
pub fn render(r: &SweepBench) -> String {
    let pct = |v: Option<f64>| v.map_or("-".to_string(), |v| format!("{:.2} %", v * 100.0));
    let mut out = format!(
        "sweep-bench: {name}, {days} days, {levels} levels × {n} platforms ({p} build)\n\
         baseline: one simulation per level (aggregate)       {b:>8.3} s\n\
         aggregate sweep: shared traffic draws (same cells)   {a:>8.3} s   {x:>6.1}×\n\
         auto sweep: estimates + exact runs at the crossings  {u:>8.3} s   ({rf} refined, {es} estimates, {runs} exact runs)\n",
        name = r.scenario,
        days = r.horizon_days,
        levels = r.levels,
        n = r.platforms,
        p = r.profile,
        b = r.baseline_s,
        a = r.aggregate_s,
        x = r.speedup,
        u = r.auto_s,
        rf = r.refined,
        es = r.estimated,
        runs = r.exact_runs,
    );
    if let Some(t) = r.exact_s {
        out.push_str(&format!(
            "exact sweep: every level exactly                     {t:>8.3} s\n\
             distance from the exact crossings: refined up to {}, estimated up to {}\n",
            pct(r.refined_max_diff),
            pct(r.estimated_max_diff)
        ));
    }
    out
}
