//! Sweeps: the scenario re-run over a range of traffic (break-even) or memory sizes (tuning).
//! Points run in parallel; each is an ordinary, deterministic simulation.

pub mod commit;
mod crossings;
pub mod refine;
pub mod tune;

use crate::limits::{MAX_SWEEP_STEPS, MAX_TRAFFIC_FACTOR, MIN_TRAFFIC_FACTOR};
use crate::platform::aggregate::{Demand, Quantiles};
use crate::platform::outcome::RunStats;
use crate::pricing::Usd;
use crate::results::round6;
use crate::run::{bill, check_run, run_resolved, RunOptions, Shared, SimError};
use crate::scenario::{Mode, Scenario};
use crate::workload::{rng, Stream};
pub(crate) use crossings::{brackets_by, Bracket};
pub use crossings::{crossings, crossings_by, shifts, CrossingShift};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

/// Exact runs, at a level or refining a crossing, simulate at most this many expected requests
/// per platform (`Auto`); past it the figures stay per-minute estimates.
pub const EXACT_LIMIT: f64 = 20_000_000.0;
/// Up to this many expected requests per platform an `Auto` level runs exactly: cheap enough
/// that estimating it would save nothing. Above it the level runs in aggregate mode.
pub const CHEAP_EXACT: f64 = 500_000.0;
const MONTH_S: f64 = 730.0 * 3600.0;

/// How a sweep's points are simulated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum SweepMode {
    /// Exact up to [`CHEAP_EXACT`] requests per platform, aggregate above; crossings between
    /// aggregate levels are then refined by exact runs (up to [`EXACT_LIMIT`] requests a run).
    #[default]
    Auto,
    Exact,
    Aggregate,
}

/// A traffic sweep: multipliers of the scenario's traffic from `from` to `to`, log-spaced.
#[derive(Debug, Clone, PartialEq)]
pub struct TrafficSweep {
    pub from: f64,
    pub to: f64,
    pub steps: usize,
    pub mode: SweepMode,
}

impl TrafficSweep {
    /// Check the range and the number of steps against [`MIN_TRAFFIC_FACTOR`],
    /// [`MAX_TRAFFIC_FACTOR`] and [`MAX_SWEEP_STEPS`]; the message names the flag.
    pub fn validate(&self) -> Result<(), String> {
        if self.steps == 0 || self.steps > MAX_SWEEP_STEPS {
            return Err(format!(
                "--steps must be between 1 and {MAX_SWEEP_STEPS}, not {}",
                self.steps
            ));
        }
        let (from, to) = (self.from, self.to);
        if !(from.is_finite() && to.is_finite() && from > 0.0 && to >= from) {
            return Err(format!(
                "--traffic {from}..{to}: the range must be positive and increasing"
            ));
        }
        if from < MIN_TRAFFIC_FACTOR || to > MAX_TRAFFIC_FACTOR {
            return Err(format!(
                "--traffic {from}..{to} is outside the limits: factors from {MIN_TRAFFIC_FACTOR} to {MAX_TRAFFIC_FACTOR} of the scenario's traffic"
            ));
        }
        Ok(())
    }
}

/// One platform at one traffic level.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SweepCell {
    pub label: String,
    pub monthly_usd: Usd,
    /// The monthly cost with the scenario's commitments (absent without commitments).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub committed_monthly_usd: Option<Usd>,
    pub p99_ms: f64,
    pub cold_start_probability: f64,
    pub throttle_probability: f64,
    pub avg_instances: f64,
    /// More than 1 % of requests throttled, or requests queue longer than they run: the cost is
    /// not that of a usable configuration.
    pub overloaded: bool,
}

/// One traffic level.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SweepPoint {
    /// Multiplier of the scenario's traffic.
    pub traffic_factor: f64,
    /// Mean arrival rate at this level, requests/s.
    pub mean_rate_per_s: f64,
    /// The same rate over a 730-hour month.
    pub requests_per_month: f64,
    pub mode: Mode,
    pub platforms: Vec<SweepCell>,
    /// Label of the cheapest platform that is not overloaded here.
    pub cheapest: String,
}

/// Where two platforms' monthly cost lines cross.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Crossing {
    pub cheaper_below: String,
    pub cheaper_above: String,
    pub traffic_factor: f64,
    pub mean_rate_per_s: f64,
    pub requests_per_month: f64,
    /// How the crossing was found.
    pub method: CrossingMethod,
    /// Exact runs of the two platforms spent refining it (each pair of runs is one level).
    #[serde(default)]
    pub exact_runs: u32,
}

/// How a break-even was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum CrossingMethod {
    /// Interpolated between two exact-mode levels.
    Exact,
    /// Interpolated between per-minute estimates (aggregate mode): cost within about 2.5 %.
    Estimate,
    /// Found on the estimates, then located by exact runs of the two platforms around it.
    Refined,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SweepResult {
    pub scenario: String,
    pub horizon_s: f64,
    /// Mean arrival rate of the scenario as written, requests/s.
    pub base_rate_per_s: f64,
    pub labels: Vec<String>,
    pub points: Vec<SweepPoint>,
    pub crossings: Vec<Crossing>,
    /// Where the cost lines cross with the scenario's commitments (absent without commitments).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub committed_crossings: Option<Vec<Crossing>>,
    /// How each break-even moves with the commitments (absent without commitments).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub committed_shifts: Option<Vec<CrossingShift>>,
    /// What refining the crossings by exact runs did (absent when the sweep does not refine).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub refinement: Option<Refinement>,
    pub simulated_requests: u64,
}

/// What refining a sweep's crossings by exact runs did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Refinement {
    /// Crossings located by exact runs.
    pub refined: u32,
    /// Crossings left as estimates: past the exact-mode limit, or beyond the budget.
    pub estimated: u32,
    /// Exact platform runs spent.
    pub exact_runs: u32,
    /// Requests those runs simulated.
    pub exact_requests: u64,
    /// At most this many requests are simulated exactly in all ([`refine::BUDGET`]).
    pub budget_requests: u64,
}

/// Mean arrival rate of a scenario's workload, requests/s.
pub fn mean_rate_per_s(s: &Scenario) -> f64 {
    let w = &s.workload;
    let mut r = rng(s.seed, Stream::Aggregate);
    let total: f64 = w.arrivals.minute_means(w.horizon_ms, 1.0, &mut r).iter().sum();
    total / (w.horizon_ms / 1000.0)
}

/// The traffic multipliers of a sweep, log-spaced from `from` to `to`.
pub fn factors(from: f64, to: f64, steps: usize) -> Vec<f64> {
    if steps <= 1 {
        return vec![from];
    }
    let (a, b) = (from.ln(), to.ln());
    (0..steps)
        .map(|i| round6((a + (b - a) * i as f64 / (steps - 1) as f64).exp()))
        .collect()
}

fn usd_f64(u: &Usd) -> f64 {
    u.0.to_string().parse().unwrap_or(0.0)
}

/// How the sweep will run each level: the mode, and the options of its runs.
fn plan_levels(
    scenario: &Scenario,
    sweep: &TrafficSweep,
    base: f64,
) -> Result<Vec<(f64, RunOptions)>, SimError> {
    let horizon_s = scenario.workload.horizon_ms / 1000.0;
    factors(sweep.from, sweep.to, sweep.steps)
        .into_iter()
        .map(|f| {
            let mode = match sweep.mode {
                SweepMode::Exact => Mode::Exact,
                SweepMode::Aggregate => Mode::Aggregate,
                SweepMode::Auto if base * f * horizon_s > CHEAP_EXACT => Mode::Aggregate,
                SweepMode::Auto => Mode::Exact,
            };
            let opts = RunOptions {
                scale: f,
                mode: Some(mode),
                timeline: false,
                ..RunOptions::default()
            };
            check_run(scenario, &opts).map(|()| (f, opts))
        })
        .collect()
}

/// One platform's figures at one level, from its run.
pub fn cell(p: &crate::PlatformResult) -> SweepCell {
    SweepCell {
        label: p.label.clone(),
        monthly_usd: p.cost.monthly_usd,
        committed_monthly_usd: p.committed.as_ref().map(|c| c.monthly_usd),
        p99_ms: p.latency_ms.p99,
        cold_start_probability: p.cold_start_probability,
        throttle_probability: p.throttle_probability,
        avg_instances: p.avg_instances,
        overloaded: p.throttle_probability > 0.01
            || p.queue_wait_ms
                .is_some_and(|q| q.mean > p.latency_ms.mean - q.mean),
    }
}

/// Run the sweep and find where cost lines cross. Every level × platform runs in parallel; an
/// aggregate level draws its per-minute traffic once for all its platforms. In `Auto` mode the
/// crossings found between aggregate levels are then refined by exact runs around them
/// ([`refine`]).
pub fn traffic(
    catalog: &crate::pricing::PriceCatalog,
    scenario: &Scenario,
    sweep: &TrafficSweep,
) -> Result<SweepResult, SimError> {
    sweep.validate().map_err(SimError::Invalid)?;
    scenario.workload.validate().map_err(SimError::Invalid)?;
    let base = mean_rate_per_s(scenario);
    let horizon_s = scenario.workload.horizon_ms / 1000.0;
    // Every level is checked before any runs, so a level past a limit fails the sweep at once.
    let levels = plan_levels(scenario, sweep, base)?;
    let quantiles = std::sync::Arc::new(Quantiles::of(&scenario.workload));
    let demands: Vec<Option<Demand>> = levels
        .par_iter()
        .map(|(f, o)| {
            (o.mode == Some(Mode::Aggregate))
                .then(|| Demand::draw_with(&scenario.workload, scenario.seed, *f, quantiles.clone()))
        })
        .collect();
    // Platforms with equal engine inputs run once a level and are billed each.
    let shared = Shared::of(catalog, scenario)?;
    let leaders = shared.leaders();
    let (n, m) = (scenario.platforms.len(), leaders.len());
    let stats: Vec<(Mode, RunStats)> = (0..levels.len() * m)
        .into_par_iter()
        .map(|k| {
            let (l, j) = (k / m, k % m);
            run_resolved(
                scenario,
                &shared.resolved[leaders[j]],
                &levels[l].1,
                demands[l].as_ref(),
            )
        })
        .collect();
    let runs: Vec<crate::PlatformResult> = (0..levels.len() * n)
        .into_par_iter()
        .map(|k| {
            let (l, i) = (k / n, k % n);
            let j = leaders.iter().position(|&x| x == shared.leader[i]).unwrap_or(0);
            let (mode, st) = &stats[l * m + j];
            bill(
                catalog,
                scenario,
                &shared.resolved[i],
                *mode,
                st.clone(),
                &levels[l].1,
            )
        })
        .collect::<Result<_, _>>()?;
    let labels: Vec<String> = scenario.platforms.iter().map(|p| p.label().to_string()).collect();
    let simulated = runs.iter().map(|r| r.arrivals).sum();
    let points: Vec<SweepPoint> = levels
        .iter()
        .zip(runs.chunks(n.max(1)))
        .map(|((f, opts), rs)| {
            let platforms: Vec<SweepCell> = rs.iter().map(cell).collect();
            let cheapest = platforms
                .iter()
                .filter(|c| !c.overloaded)
                .min_by(|a, b| a.monthly_usd.cmp(&b.monthly_usd))
                .map(|c| c.label.clone())
                .unwrap_or_default();
            SweepPoint {
                traffic_factor: *f,
                mean_rate_per_s: round6(base * f),
                requests_per_month: (base * f * MONTH_S).round(),
                mode: opts.mode.unwrap_or_default(),
                platforms,
                cheapest,
            }
        })
        .collect();
    let list = brackets_by(&points, &labels, base, |c| c.monthly_usd);
    let committed = (!scenario.commitments.is_empty()).then(|| {
        brackets_by(&points, &labels, base, |c| {
            c.committed_monthly_usd.unwrap_or(c.monthly_usd)
        })
    });
    let refine = sweep.mode == SweepMode::Auto;
    let (crossings, committed_crossings, refinement) =
        refine::crossings(catalog, scenario, base, &points, list, committed, refine)?;
    Ok(SweepResult {
        scenario: scenario.name.clone(),
        horizon_s,
        base_rate_per_s: round6(base),
        labels,
        points,
        committed_shifts: committed_crossings.as_ref().map(|c| shifts(&crossings, c)),
        crossings,
        committed_crossings,
        refinement,
        simulated_requests: simulated,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::Decimal;

    fn point(f: f64, costs: &[i64]) -> SweepPoint {
        SweepPoint {
            traffic_factor: f,
            mean_rate_per_s: f,
            requests_per_month: 0.0,
            mode: Mode::Exact,
            platforms: costs
                .iter()
                .enumerate()
                .map(|(i, c)| SweepCell {
                    label: format!("p{i}"),
                    monthly_usd: Usd(Decimal::from(*c)),
                    committed_monthly_usd: None,
                    p99_ms: 0.0,
                    cold_start_probability: 0.0,
                    throttle_probability: 0.0,
                    avg_instances: 0.0,
                    overloaded: false,
                })
                .collect(),
            cheapest: String::new(),
        }
    }

    #[test]
    fn crossings_are_interpolated_in_log_traffic() {
        let labels = vec!["p0".to_string(), "p1".to_string()];
        // p0 (pay per use) grows, p1 (a VM) is flat: they cross halfway in log space, at f = 10.
        let pts = vec![point(1.0, &[0, 0]), point(100.0, &[20, 10])];
        assert!(
            crossings(&pts, &labels, 1.0).is_empty(),
            "a zero difference is not a crossing"
        );
        let pts = vec![point(1.0, &[5, 10]), point(100.0, &[15, 10])];
        let c = crossings(&pts, &labels, 2.0);
        assert_eq!(c.len(), 1);
        assert_eq!(
            (c[0].cheaper_below.as_str(), c[0].cheaper_above.as_str()),
            ("p0", "p1")
        );
        assert!((c[0].traffic_factor - 10.0).abs() < 1e-6);
        assert!((c[0].mean_rate_per_s - 20.0).abs() < 1e-5);
    }

    #[test]
    fn sweep_ranges_and_steps_past_their_limits_are_refused() {
        let sweep = |from: f64, to: f64, steps: usize| TrafficSweep {
            from,
            to,
            steps,
            mode: SweepMode::Auto,
        };
        let e = sweep(1.0, 1e20, 2).validate().unwrap_err();
        assert!(
            e.contains("--traffic 1..100000000000000000000") && e.contains("1000000"),
            "{e}"
        );
        assert!(sweep(1.0, 1e18, 2).validate().is_err());
        assert!(sweep(1e-7, 1.0, 2).validate().is_err());
        assert!(sweep(1e-6, 1e6, 100).validate().is_ok());
        assert!(sweep(1.0, 10.0, 101)
            .validate()
            .unwrap_err()
            .contains("--steps must be between 1 and 100"));
        assert!(sweep(1.0, 10.0, 0).validate().is_err());
        assert!(sweep(f64::NAN, 10.0, 3).validate().is_err());
    }

    #[test]
    fn factors_are_log_spaced() {
        assert_eq!(factors(0.01, 100.0, 5), vec![0.01, 0.1, 1.0, 10.0, 100.0]);
        assert_eq!(factors(2.0, 2.0, 1), vec![2.0]);
    }
}
