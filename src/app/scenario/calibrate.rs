//! Calibration of an extracted scenario on the cold starts Lambda's REPORT records measured.
//!
//! Two things of a replay's cold-start behaviour are otherwise assumed: how long INIT takes (the
//! platform's typical `cold_start_ms`) and how long an idle instance is kept (the catalog's
//! `keep_alive_s`, "observed 5–15 min, not contractual"). With REPORT records stored, the first is
//! measured — the exact distribution of the window's INIT durations becomes an `empirical`
//! percentile table — and the second is fitted: keep-alive is searched until the simulated
//! cold-start rate on the days with records equals the measured one.
//!
//! The search runs the simulator itself on the function's own platform (cold starts fall as
//! keep-alive grows): it brackets the measured rate by stepping ×4 from the catalog's keep-alive,
//! then narrows the bracket by regula falsi on ln(keep-alive) against ln(rate) (Illinois variant,
//! so a bent curve does not stall one end), in whole seconds, at most [`MAX_RUNS`] runs, with the
//! scenario's seed: the same data always gives the same keep-alive.

use crate::analytics::logs::FunctionLogs;
use crate::app::error::{AppError, Result};
use crate::app::simulate::{simulate, RunOptions};
use crate::error_code::ErrorCode;
use crate::model::{Day, ValueCounts};
use breakeven_simulator::platform::DEFAULT_KEEP_ALIVE_S;
use breakeven_simulator::pricing::PriceCatalog;
use breakeven_simulator::scenario::{Mode, Scenario};
use breakeven_simulator::workload::DurationModel;
use breakeven_simulator::PlatformResult;
use serde::Serialize;
use std::cell::Cell;
use std::time::Instant;

/// Simulations the search may run.
pub const MAX_RUNS: u32 = 12;
/// Relative difference of the rates at which the search stops.
pub const TOLERANCE: f64 = 0.01;
/// Keep-alive the search stays within, s: a second, and a day (Lambda recycles environments
/// within hours even when busy).
pub const KEEP_ALIVE_RANGE_S: (f64, f64) = (1.0, 86_400.0);
/// Percentiles of the measured INIT table: dense in the tail, where one slow init costs most.
const INIT_PERCENTILES: [f64; 16] = [
    0.0, 1.0, 5.0, 10.0, 20.0, 30.0, 40.0, 50.0, 60.0, 70.0, 80.0, 90.0, 95.0, 99.0, 99.9, 100.0,
];
const DAY_S: f64 = 86_400.0;

/// Cold starts among invocations over some days.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ColdStarts {
    pub cold_starts: u64,
    /// Measured: REPORT records; simulated: requests served.
    pub invocations: u64,
    /// Cold starts per invocation; `None` without invocations.
    pub rate: Option<f64>,
}

impl ColdStarts {
    pub fn new(cold_starts: u64, invocations: u64) -> ColdStarts {
        ColdStarts {
            cold_starts,
            invocations,
            rate: (invocations > 0).then(|| cold_starts as f64 / invocations as f64),
        }
    }

    fn add(&mut self, other: ColdStarts) {
        *self = ColdStarts::new(
            self.cold_starts + other.cold_starts,
            self.invocations + other.invocations,
        );
    }

    /// ln of the rate with half a cold start added, so no cold start at all is still a number
    /// and the search's secants stay finite.
    fn log_rate(&self) -> f64 {
        ((self.cold_starts as f64 + 0.5) / self.invocations.max(1) as f64).ln()
    }

    /// `1,234 of 2,000,000 (0.0617%)`.
    pub fn summary(&self) -> String {
        let n = |v: u64| breakeven_simulator::pricing::money::group_digits(&v.to_string());
        format!(
            "{} of {} ({})",
            n(self.cold_starts),
            n(self.invocations),
            self.rate
                .map_or("—".to_string(), |r| format!("{:.4}%", r * 100.0))
        )
    }
}

/// One day compared.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CalibrationDay {
    pub day: Day,
    pub measured: ColdStarts,
    pub simulated: ColdStarts,
}

/// The measured INIT durations a scenario's `init` is made from.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct InitFit {
    /// Cold starts (REPORT records with an init duration) of the window.
    pub cold_starts: u64,
    /// Whole ms, rounded up as Lambda bills them.
    pub p50_ms: u32,
    pub p99_ms: u32,
    /// Mean of the durations as printed, ms.
    pub mean_ms: f64,
    /// `empirical` through the exact percentiles [`INIT_PERCENTILES`] of the measured durations.
    pub model: DurationModel,
}

impl InitFit {
    /// The model as a TOML inline table.
    pub fn toml(&self) -> String {
        let DurationModel::Empirical { percentiles } = &self.model else {
            return String::new();
        };
        let pairs: Vec<String> = percentiles.iter().map(|(p, ms)| format!("[{p}, {ms}]")).collect();
        format!("{{ dist = \"empirical\", percentiles = [{}] }}", pairs.join(", "))
    }
}

/// The window's INIT durations as an `empirical` table; `None` without a cold start.
pub fn init_fit(logs: &FunctionLogs) -> Option<InitFit> {
    let counts: &ValueCounts = &logs.init_ms;
    let cold_starts = counts.total();
    if cold_starts == 0 {
        return None;
    }
    let percentiles = INIT_PERCENTILES
        .iter()
        .filter_map(|&p| counts.quantile(p / 100.0).map(|ms| (p, f64::from(ms))))
        .collect();
    Some(InitFit {
        cold_starts,
        p50_ms: counts.quantile(0.50)?,
        p99_ms: counts.quantile(0.99)?,
        mean_ms: logs.init_ms_sum / cold_starts as f64,
        model: DurationModel::Empirical { percentiles },
    })
}

/// The measured and simulated cold starts of the days with REPORT records, and the keep-alive
/// that brings them together.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Calibration {
    /// The platform simulated: the function's own.
    pub platform: String,
    /// First and last day compared: the days of the replay with REPORT records.
    pub from: Day,
    pub to: Day,
    pub days: u32,
    pub measured: ColdStarts,
    /// At the fitted keep-alive, with the scenario's seed.
    pub simulated: ColdStarts,
    /// Idle instances are reclaimed after this long in the written scenario, s.
    pub keep_alive_s: f64,
    /// What the catalog assumes, s (where the search started).
    pub catalog_keep_alive_s: f64,
    /// (simulated rate − measured rate) / measured rate; `None` when no cold start was measured.
    pub relative_error: Option<f64>,
    /// Simulations run.
    pub iterations: u32,
    pub mode: Mode,
    /// Set when the measured rate lies outside what [`KEEP_ALIVE_RANGE_S`] can simulate.
    pub limit: Option<String>,
    pub per_day: Vec<CalibrationDay>,
    /// Wall-clock time of the search, ms.
    pub wall_ms: u64,
}

impl Calibration {
    /// `simulated 1,234 of … vs measured 1,200 of … (error +2.83%)`.
    pub fn summary(&self) -> String {
        let error = self
            .relative_error
            .map_or("no cold start measured".to_string(), |e| {
                format!("error {:+.2}%", e * 100.0)
            });
        format!(
            "simulated {} vs measured {} cold starts per invocation, {error}",
            self.simulated.summary(),
            self.measured.summary()
        )
    }
}

/// A calibration and the run at the fitted keep-alive (what the round trip reports).
#[derive(Debug, Clone)]
pub struct Fitted {
    pub calibration: Calibration,
    pub run: PlatformResult,
}

/// One simulation of the search.
struct Point {
    keep_alive_s: f64,
    simulated: ColdStarts,
    per_day: Vec<ColdStarts>,
    run: PlatformResult,
}

/// The keep-alive of `scenario`'s only platform (the function's own) at which its simulated
/// cold starts on the days of `logs` between `window_from` and `window_to` match the measured;
/// `None` when no day of the window has REPORT records.
pub fn fit(
    catalog: &PriceCatalog,
    scenario: &Scenario,
    logs: &FunctionLogs,
    (window_from, window_to): (Day, Day),
    mode: Mode,
) -> Result<Option<Fitted>> {
    let started = Instant::now();
    let days: Vec<(usize, Day, ColdStarts)> = logs
        .days
        .iter()
        .filter_map(|d| {
            let day = d.day?;
            (day >= window_from && day <= window_to && d.invocations > 0).then(|| {
                (
                    (day.0 - window_from.0) as usize,
                    day,
                    ColdStarts::new(d.cold_starts, d.invocations),
                )
            })
        })
        .collect();
    let (Some(first), Some(last)) = (days.first(), days.last()) else {
        return Ok(None);
    };
    let mut measured = ColdStarts::default();
    days.iter().for_each(|d| measured.add(d.2));
    let spec = scenario.platforms.first().ok_or_else(|| {
        AppError::bad_input(ErrorCode::ScenarioPlatform, "nothing to calibrate: no platform")
    })?;
    let catalog_keep_alive_s = catalog_keep_alive_s(catalog, &spec.id)?;

    // One bucket a day: the window starts at midnight UTC, so bucket i is day i.
    let mut s = scenario.clone();
    s.timeline_bucket_s = DAY_S;
    let opts = RunOptions {
        mode: Some(mode),
        timeline: true,
        ..RunOptions::default()
    };
    let runs = Cell::new(0u32);
    let mut eval = |k: f64| -> Result<Point> {
        runs.set(runs.get() + 1);
        s.platforms[0].keep_alive_s = Some(k);
        let run = simulate(catalog, &s, &opts)?.result.platforms.remove(0);
        let tl = run.timeline.as_ref();
        let per_day: Vec<ColdStarts> = days
            .iter()
            .map(|(i, _, _)| {
                let at = |v: Option<&Vec<u64>>| v.and_then(|v| v.get(*i)).copied().unwrap_or(0);
                ColdStarts::new(at(tl.map(|t| &t.cold_starts)), at(tl.map(|t| &t.requests)))
            })
            .collect();
        let mut simulated = ColdStarts::default();
        per_day.iter().for_each(|d| simulated.add(*d));
        Ok(Point {
            keep_alive_s: k,
            simulated,
            per_day,
            run,
        })
    };
    let target = measured.log_rate();
    // > 0: too many cold starts, keep instances longer.
    let g = |p: &Point| p.simulated.log_rate() - target;
    let close = |p: &Point| relative_error(&p.simulated, &measured).is_some_and(|e| e.abs() <= TOLERANCE);
    let (k_min, k_max) = KEEP_ALIVE_RANGE_S;

    let mut seen: Vec<Point> = Vec::new();
    let p0 = eval(catalog_keep_alive_s.round().clamp(k_min, k_max))?;
    let mut limit = None;
    if !close(&p0) {
        // Bracket: `lo` has too many cold starts, `hi` too few.
        let (mut lo, mut hi) = if g(&p0) > 0.0 {
            (Some(p0), None)
        } else {
            (None, Some(p0))
        };
        while lo.is_none() || hi.is_none() {
            let (from, up) = match (&lo, &hi) {
                (Some(l), None) => (l.keep_alive_s, true),
                (None, Some(h)) => (h.keep_alive_s, false),
                _ => break,
            };
            if runs.get() >= MAX_RUNS {
                break;
            }
            let k = if up {
                (from * 4.0).min(k_max)
            } else {
                (from / 4.0).round().max(k_min)
            };
            if k == from {
                limit = Some(if up {
                    format!("even a keep-alive of {k_max} s simulates more cold starts than measured")
                } else {
                    format!("even a keep-alive of {k_min} s simulates fewer cold starts than measured")
                });
                break;
            }
            let p = eval(k)?;
            if close(&p) {
                seen.push(p);
                break;
            }
            let end = if g(&p) > 0.0 { &mut lo } else { &mut hi };
            if let Some(old) = end.replace(p) {
                seen.push(old);
            }
        }
        match (lo, hi) {
            (Some(mut l), Some(mut h)) => {
                // Illinois: the end kept twice in a row counts half, so the secant moves it too.
                let (mut gl, mut gh) = (g(&l), g(&h));
                let mut kept = 0i8;
                while runs.get() < MAX_RUNS && h.keep_alive_s - l.keep_alive_s > 1.0 {
                    let (xl, xh) = (l.keep_alive_s.ln(), h.keep_alive_s.ln());
                    let x = xl - gl * (xh - xl) / (gh - gl);
                    let mut k = x.exp().round();
                    if !(k > l.keep_alive_s && k < h.keep_alive_s) {
                        k = (l.keep_alive_s * h.keep_alive_s).sqrt().round();
                        if !(k > l.keep_alive_s && k < h.keep_alive_s) {
                            break;
                        }
                    }
                    let p = eval(k)?;
                    if close(&p) {
                        seen.push(p);
                        break;
                    }
                    if g(&p) > 0.0 {
                        gl = g(&p);
                        seen.push(std::mem::replace(&mut l, p));
                        gh = if kept > 0 { gh / 2.0 } else { gh };
                        kept = kept.max(0) + 1;
                    } else {
                        gh = g(&p);
                        seen.push(std::mem::replace(&mut h, p));
                        gl = if kept < 0 { gl / 2.0 } else { gl };
                        kept = kept.min(0) - 1;
                    }
                }
                seen.push(l);
                seen.push(h);
            }
            // Not bracketed: the run at the bound (or the close one) is kept.
            (lo, hi) => seen.extend(lo.into_iter().chain(hi)),
        }
    } else {
        seen.push(p0);
    }
    // The closest run to the measured rate; of equally close ones, the one kept first.
    let distance = |p: &Point| (p.simulated.log_rate() - target).abs();
    let best = seen
        .into_iter()
        .reduce(|a, b| if distance(&b) < distance(&a) { b } else { a })
        .expect("at least one run");
    let calibration = Calibration {
        platform: spec.id.clone(),
        from: first.1,
        to: last.1,
        days: days.len() as u32,
        measured,
        simulated: best.simulated,
        keep_alive_s: best.keep_alive_s,
        catalog_keep_alive_s,
        relative_error: relative_error(&best.simulated, &measured),
        iterations: runs.get(),
        mode,
        limit,
        per_day: days
            .iter()
            .zip(&best.per_day)
            .map(|((_, day, m), s)| CalibrationDay {
                day: *day,
                measured: *m,
                simulated: *s,
            })
            .collect(),
        wall_ms: started.elapsed().as_millis() as u64,
    };
    Ok(Some(Fitted {
        calibration,
        run: best.run,
    }))
}

/// How long platform `id` keeps an idle instance when the scenario does not say, s.
pub fn catalog_keep_alive_s(catalog: &PriceCatalog, id: &str) -> Result<f64> {
    Ok(catalog
        .platform(id)?
        .rules
        .keep_alive_s
        .map_or(DEFAULT_KEEP_ALIVE_S, f64::from))
}

/// (simulated rate − measured rate) / measured rate.
fn relative_error(simulated: &ColdStarts, measured: &ColdStarts) -> Option<f64> {
    match (simulated.rate, measured.rate) {
        (Some(s), Some(m)) if m > 0.0 => Some((s - m) / m),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_init_table_goes_through_the_exact_percentiles() {
        let mut logs = FunctionLogs::default();
        logs.init_ms.add(300, 90);
        logs.init_ms.add(500, 9);
        logs.init_ms.add(2000, 1);
        logs.init_ms_sum = 300.0 * 90.0 + 500.0 * 9.0 + 2000.0 - 50.0;
        let f = init_fit(&logs).unwrap();
        assert_eq!((f.cold_starts, f.p50_ms, f.p99_ms), (100, 300, 500));
        let DurationModel::Empirical { percentiles } = &f.model else {
            panic!("{:?}", f.model)
        };
        assert_eq!(percentiles.first(), Some(&(0.0, 300.0)));
        assert_eq!(percentiles[percentiles.len() - 3], (99.0, 500.0));
        assert_eq!(percentiles.last(), Some(&(100.0, 2000.0)));
        assert!(f.model.validate().is_ok());
        assert!(f
            .toml()
            .starts_with("{ dist = \"empirical\", percentiles = [[0, 300], [1, 300]"));
        assert!(init_fit(&FunctionLogs::default()).is_none());
    }

    /// One day of Poisson traffic at 1 request/s on AWS Lambda, and REPORT records of that day
    /// saying `cold` of `invocations` were cold.
    fn one_day(cold: u64, invocations: u64) -> (PriceCatalog, Scenario, FunctionLogs) {
        use breakeven_simulator::scenario::PlatformSpec;
        use breakeven_simulator::workload::{Arrivals, Workload};
        let w = Workload::new(
            DAY_S * 1000.0,
            Arrivals::Poisson { rate_per_s: 1.0 },
            DurationModel::constant(100.0),
        );
        let s = Scenario::new("one day", 1, w, vec![PlatformSpec::new("aws-lambda")]);
        let logs = FunctionLogs {
            invocations,
            cold_starts: cold,
            days: vec![crate::analytics::logs::LogDay {
                day: Some(Day(0)),
                invocations,
                cold_starts: cold,
                ..Default::default()
            }],
            ..FunctionLogs::default()
        };
        (PriceCatalog::bundled().unwrap(), s, logs)
    }

    #[test]
    fn a_rate_no_keep_alive_can_simulate_is_fitted_to_the_bound_and_said_so() {
        // Every invocation cold: even 1 s keeps some instances warm at 1 request/s.
        let (catalog, s, logs) = one_day(86_400, 86_400);
        let f = fit(&catalog, &s, &logs, (Day(0), Day(0)), Mode::Exact)
            .unwrap()
            .unwrap()
            .calibration;
        assert_eq!(f.keep_alive_s, KEEP_ALIVE_RANGE_S.0, "{f:?}");
        assert_eq!(f.catalog_keep_alive_s, 600.0);
        assert!(f.iterations <= MAX_RUNS);
        assert!(
            f.limit
                .as_deref()
                .unwrap()
                .contains("fewer cold starts than measured"),
            "{f:?}"
        );
        assert!(f.relative_error.unwrap() < -0.1, "{f:?}");
        // A day outside the window: nothing to compare.
        assert!(fit(&catalog, &s, &logs, (Day(1), Day(2)), Mode::Exact)
            .unwrap()
            .is_none());
    }

    #[test]
    fn a_reachable_rate_is_met_within_the_tolerance_in_few_runs() {
        // About one request in 20 is cold at 1 request/s when idle instances live ~3 s.
        let (catalog, s, logs) = one_day(4_320, 86_400);
        let f = fit(&catalog, &s, &logs, (Day(0), Day(0)), Mode::Exact)
            .unwrap()
            .unwrap()
            .calibration;
        assert!(f.relative_error.unwrap().abs() <= 0.05, "{f:?}");
        assert!(f.limit.is_none());
        assert!(f.iterations <= MAX_RUNS);
        assert_eq!(f.per_day.len(), 1);
        assert_eq!(f.per_day[0].simulated, f.simulated);
    }

    #[test]
    fn rates_and_errors() {
        let m = ColdStarts::new(10, 1000);
        assert_eq!(m.rate, Some(0.01));
        assert_eq!(
            relative_error(&ColdStarts::new(11, 1000), &m).map(|e| (e * 1e6).round()),
            Some(100_000.0)
        );
        assert_eq!(relative_error(&m, &ColdStarts::new(0, 1000)), None);
        assert_eq!(
            ColdStarts::new(1234, 2_000_000).summary(),
            "1,234 of 2,000,000 (0.0617%)"
        );
    }
}
