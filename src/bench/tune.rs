//! `breakeven tune-bench`: memory tuning as `tune` and `report --scenario` run it (shared
//! simulations, aggregate mode first, exact where a choice could differ) against the path that
//! simulates every size exactly once each (the baseline), in the same run. The run fails if
//! shared simulations do not give the baseline's rows byte for byte, or if the fast method picks
//! other sizes than the baseline.

use crate::app::error::{AppError, Result};
use breakeven_simulator::pricing::PriceCatalog;
use breakeven_simulator::sweep::tune::{tune_with, TuneMethod, TuneResult};
use breakeven_simulator::Scenario;
use serde::Serialize;
use std::time::Instant;

/// The figures of one benchmark run. Times in seconds.
#[derive(Debug, Clone, Serialize)]
pub struct TuneBench {
    pub scenario: String,
    pub horizon_days: f64,
    pub memory_from_mb: u32,
    pub memory_to_mb: u32,
    /// Rows (platform × size) tuned.
    pub rows: usize,
    /// Build profile of this binary (`debug` builds optimise dependencies at level 2).
    pub profile: &'static str,
    /// Baseline: every size simulated on its own, in the scenario's mode.
    pub every_size_s: f64,
    /// Simulations shared between sizes with the same engine inputs, same mode.
    pub shared_s: f64,
    /// What `tune` does: shared, aggregate first, exact where a choice could differ.
    pub fast_s: f64,
    pub speedup_shared: f64,
    pub speedup_fast: f64,
    /// Shared rows equal the baseline's, byte for byte (checked: the run fails otherwise).
    pub shared_identical: bool,
    /// Rows of the fast method that ran in exact mode.
    pub fast_exact_rows: usize,
    /// Largest relative difference of a fast row's monthly cost from the baseline's.
    pub fast_max_cost_diff: f64,
    /// Largest relative difference of a fast row's mean latency from the baseline's.
    pub fast_max_mean_diff: f64,
    pub fast_method: String,
}

fn timed(f: impl FnOnce() -> Result<TuneResult>) -> Result<(TuneResult, f64)> {
    let t = Instant::now();
    let r = f()?;
    Ok((r, t.elapsed().as_secs_f64()))
}

fn fail(msg: String) -> AppError {
    AppError::io("benchmark", std::io::Error::other(msg))
}

/// Tune `scenario` (its horizon replaced by `days` when given) over `from..=to` MB three ways.
pub fn run(
    catalog: &PriceCatalog,
    scenario: &Scenario,
    days: Option<f64>,
    (from, to): (u32, u32),
) -> Result<TuneBench> {
    let mut s = scenario.clone();
    if let Some(d) = days {
        s.workload.horizon_ms = d * 86_400_000.0;
    }
    let go = |m: TuneMethod| timed(|| Ok(tune_with(catalog, &s, from, to, m)?));
    let (every, every_size_s) = go(TuneMethod::EverySize)?;
    let (shared, shared_s) = go(TuneMethod::Shared)?;
    let (fast, fast_s) = go(TuneMethod::Fast)?;
    let rows = |t: &TuneResult| serde_json::to_string(&t.platforms).unwrap_or_default();
    let shared_identical = rows(&every) == rows(&shared) && every.skipped == shared.skipped;
    if !shared_identical {
        return Err(fail("shared simulations changed the tuning rows".into()));
    }
    let mut fast_exact_rows = 0;
    let (mut cost_diff, mut mean_diff) = (0.0f64, 0.0f64);
    for (a, b) in every.platforms.iter().zip(&fast.platforms) {
        if (a.cheapest_mb, a.fastest_within_10pct_mb) != (b.cheapest_mb, b.fastest_within_10pct_mb) {
            return Err(fail(format!(
                "{}: the fast method picks {} / {} MB, every size exactly {} / {} MB",
                a.label, b.cheapest_mb, b.fastest_within_10pct_mb, a.cheapest_mb, a.fastest_within_10pct_mb
            )));
        }
        for (x, y) in a.rows.iter().zip(&b.rows) {
            let f = |v: rust_decimal::Decimal| v.to_string().parse::<f64>().unwrap_or(0.0);
            let (cx, cy) = (f(x.monthly_usd.0), f(y.monthly_usd.0));
            if cx > 0.0 {
                cost_diff = cost_diff.max((cy / cx - 1.0).abs());
            }
            if x.mean_ms > 0.0 {
                mean_diff = mean_diff.max((y.mean_ms / x.mean_ms - 1.0).abs());
            }
            fast_exact_rows += usize::from(y.mode == breakeven_simulator::scenario::Mode::Exact);
        }
    }
    Ok(TuneBench {
        scenario: s.name.clone(),
        horizon_days: s.workload.horizon_ms / 86_400_000.0,
        memory_from_mb: from,
        memory_to_mb: to,
        rows: every.platforms.iter().map(|p| p.rows.len()).sum(),
        profile: if cfg!(debug_assertions) {
            "debug"
        } else {
            "release"
        },
        every_size_s,
        shared_s,
        fast_s,
        speedup_shared: every_size_s / shared_s,
        speedup_fast: every_size_s / fast_s,
        shared_identical,
        fast_exact_rows,
        fast_max_cost_diff: cost_diff,
        fast_max_mean_diff: mean_diff,
        fast_method: fast.method,
    })
}

/// The report as text.
pub fn render(r: &TuneBench) -> String {
    format!(
        "tune-bench: {name}, {days} days, {rows} sizes over {from}..{to} MB ({p} build)\n\
         baseline: every size simulated on its own   {e:>8.3} s\n\
         shared simulations (same rows, checked)     {s:>8.3} s   {rs:>6.1}×\n\
         fast: aggregate first, exact where it matters {f:>6.3} s   {rf:>6.1}×\n\
         fast rows in exact mode: {x}; largest difference from the baseline: cost {c:.2} %, mean latency {m:.2} %\n\
         fast method: {method}\n",
        name = r.scenario,
        days = r.horizon_days,
        rows = r.rows,
        from = r.memory_from_mb,
        to = r.memory_to_mb,
        p = r.profile,
        e = r.every_size_s,
        s = r.shared_s,
        f = r.fast_s,
        rs = r.speedup_shared,
        rf = r.speedup_fast,
        x = r.fast_exact_rows,
        c = r.fast_max_cost_diff * 100.0,
        m = r.fast_max_mean_diff * 100.0,
        method = r.fast_method,
    )
}
