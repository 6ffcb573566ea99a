//! Simulation use cases: read a scenario file, run it, sweep its traffic, tune its memory.
//! File reading happens here; the simulator itself is pure.

use crate::app::error::{AppError, Result};
use crate::error_code::ErrorCode;
use breakeven_simulator::pricing::PriceCatalog;
use breakeven_simulator::run::SimError;
use breakeven_simulator::scenario::{self, Scenario};
use breakeven_simulator::sweep::commit::{recommend, CommitRecommendation};
use breakeven_simulator::sweep::tune::{tune as tune_memory, TuneResult};
use breakeven_simulator::sweep::{traffic, SweepResult, TrafficSweep};
pub use breakeven_simulator::RunOptions;
use breakeven_simulator::{simulate as run, SimulationResult};
use serde::Serialize;
use std::path::Path;
use std::time::Instant;

impl From<SimError> for AppError {
    fn from(e: SimError) -> Self {
        match e {
            SimError::Catalog(c) => AppError::Catalog(c),
            SimError::Platform { .. } => AppError::bad_input(ErrorCode::ScenarioPlatform, e.to_string()),
            SimError::Invalid(m) => AppError::bad_input(ErrorCode::Scenario, m),
        }
    }
}

/// Parse scenario `text` named `name`; replay files are resolved relative to `base_dir`.
pub fn parse_scenario(catalog: &PriceCatalog, name: &str, text: &str, base_dir: &Path) -> Result<Scenario> {
    let mut load = |file: &str| -> std::result::Result<Vec<u64>, String> {
        let path = base_dir.join(file);
        let text = std::fs::read_to_string(&path).map_err(|e| format!("reading {}: {e}", path.display()))?;
        parse_counts(&text).map_err(|m| format!("{}: {m}", path.display()))
    };
    scenario::parse(name, text, catalog, &mut load)
        .map_err(|e| AppError::bad_input(ErrorCode::Scenario, e.to_string()))
}

/// Read and parse a scenario file.
pub fn load_scenario(catalog: &PriceCatalog, path: &Path) -> Result<Scenario> {
    let text = std::fs::read_to_string(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => AppError::bad_input(
            ErrorCode::NotFound,
            format!("scenario file {} does not exist", path.display()),
        ),
        _ => AppError::io(format!("reading scenario {}", path.display()), e),
    })?;
    let base = path.parent().unwrap_or(Path::new("."));
    parse_scenario(catalog, &path.display().to_string(), &text, base)
}

/// Per-minute request counts: one number per line, or CSV rows whose last column is the count.
/// Blank lines, `#` comments and a header row are skipped.
pub fn parse_counts(text: &str) -> std::result::Result<Vec<u64>, String> {
    let mut counts = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let cell = line.rsplit([',', ';', '\t']).next().unwrap_or(line).trim();
        match cell.parse::<f64>() {
            Ok(v) if v >= 0.0 && v.is_finite() => counts.push(v.round() as u64),
            _ if counts.is_empty() && i == 0 => continue,
            _ => return Err(format!("line {}: `{cell}` is not a request count", i + 1)),
        }
    }
    if counts.is_empty() {
        return Err("no per-minute counts".into());
    }
    Ok(counts)
}

/// A result with the wall-clock time it took (everything else is a function of the inputs).
#[derive(Debug, Clone, Serialize)]
pub struct Timed<T> {
    #[serde(flatten)]
    pub result: T,
    pub wall_ms: u64,
}

fn timed<T>(f: impl FnOnce() -> Result<T>) -> Result<Timed<T>> {
    let start = Instant::now();
    let result = f()?;
    Ok(Timed {
        result,
        wall_ms: start.elapsed().as_millis() as u64,
    })
}

/// Run every platform of a scenario; `opts` carries the overrides (mode, horizon, seed) and
/// whether the per-bucket timeline is wanted.
pub fn simulate(catalog: &PriceCatalog, s: &Scenario, opts: &RunOptions) -> Result<Timed<SimulationResult>> {
    timed(|| Ok(run(catalog, s, opts)?))
}

/// Monthly cost of each platform as traffic scales, and where the cost lines cross.
pub fn sweep(
    catalog: &PriceCatalog,
    s: &Scenario,
    opts: &RunOptions,
    sw: &TrafficSweep,
) -> Result<Timed<SweepResult>> {
    let s = opts.apply(s);
    timed(|| Ok(traffic(catalog, &s, sw)?))
}

/// For each platform and each plan with published rates, the hourly commitment that minimises
/// the scenario's cost, with the cost curve around it (`breakeven commit recommend`).
pub fn recommend_commitments(
    catalog: &PriceCatalog,
    s: &Scenario,
    opts: &RunOptions,
) -> Result<Timed<CommitRecommendation>> {
    timed(|| Ok(recommend(catalog, s, opts)?))
}

/// Cost and latency per memory size of each function platform.
pub fn tune(
    catalog: &PriceCatalog,
    s: &Scenario,
    opts: &RunOptions,
    from_mb: u32,
    to_mb: u32,
) -> Result<Timed<TuneResult>> {
    let s = opts.apply(s);
    timed(|| Ok(tune_memory(catalog, &s, from_mb, to_mb)?))
}

/// `"0.01..100"` → (0.01, 100).
pub fn parse_range(s: &str) -> std::result::Result<(f64, f64), String> {
    let (a, b) = s
        .split_once("..")
        .ok_or_else(|| format!("`{s}` is not a range (e.g. 0.01..100)"))?;
    let num = |x: &str| {
        x.trim()
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite() && *v > 0.0)
            .ok_or_else(|| format!("`{x}` in `{s}` is not a positive number"))
    };
    let (lo, hi) = (num(a)?, num(b)?);
    if hi < lo {
        return Err(format!("`{s}`: the upper end is below the lower"));
    }
    Ok((lo, hi))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_accept_plain_lists_and_csv_with_a_header() {
        assert_eq!(parse_counts("3\n\n# gap\n0\n7\n").unwrap(), vec![3, 0, 7]);
        assert_eq!(
            parse_counts("minute,invocations\n2026-11-01T00:00,12\n2026-11-01T00:01,4\n").unwrap(),
            vec![12, 4]
        );
        assert!(parse_counts("1\nmany\n").unwrap_err().contains("line 2"));
        assert!(parse_counts("").is_err());
    }

    /// One override mechanism: a run with overrides is the run of the overridden scenario.
    #[test]
    fn overrides_run_as_the_scenario_they_describe() {
        let catalog = PriceCatalog::bundled().unwrap();
        let text = include_str!("../../fixtures/scenarios/checkout-api.toml");
        let s = parse_scenario(&catalog, "checkout.toml", text, Path::new(".")).unwrap();
        let opts = RunOptions {
            mode: Some(breakeven_simulator::scenario::Mode::Aggregate),
            horizon_ms: Some(86_400_000.0),
            seed: Some(7),
            timeline: false,
            ..RunOptions::default()
        };
        let a = simulate(&catalog, &s, &opts).unwrap().result;
        let plain = RunOptions {
            timeline: false,
            ..RunOptions::default()
        };
        let b = simulate(&catalog, &opts.apply(&s), &plain).unwrap().result;
        assert_eq!((a.horizon_s, a.seed), (86_400.0, 7));
        assert_eq!(
            serde_json::to_value(&a).unwrap(),
            serde_json::to_value(&b).unwrap()
        );
    }

    #[test]
    fn ranges() {
        assert_eq!(parse_range("0.01..100").unwrap(), (0.01, 100.0));
        assert!(parse_range("5..1").is_err());
        assert!(parse_range("0..1").is_err());
        assert!(parse_range("12").is_err());
    }
}
