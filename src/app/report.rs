//! Report use case: scenario file → simulation, break-even sweep and memory tuning → report model
//! → one exporter → files. The CLI and the desktop app share it.

use crate::app::error::{AppError, Result};
use crate::report::{self, anonymise, Format, Rendered, Report, ReportInput};
use breakeven_simulator::pricing::{PlatformKind, PriceCatalog};
use breakeven_simulator::scenario::{self, Mode, Scenario};
use breakeven_simulator::sweep::tune::tune;
use breakeven_simulator::sweep::{traffic, TrafficSweep};
use breakeven_simulator::{simulate, RunOptions, SimError};
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// What goes into a report besides the plain simulation.
#[derive(Debug, Clone)]
pub struct ReportOptions {
    /// Simulation mode instead of the scenario's.
    pub mode: Option<Mode>,
    /// Horizon instead of the scenario's, ms.
    pub horizon_ms: Option<f64>,
    /// Seed instead of the scenario's.
    pub seed: Option<u64>,
    /// Break-even sweep; `None` leaves the section out.
    pub sweep: Option<TrafficSweep>,
    /// Memory range to tune function platforms over, MB; `None` leaves the section out.
    pub memory_mb: Option<(u32, u32)>,
    pub anonymise: bool,
}

/// Where the time went, ms; `render_ms + write_ms` is the report itself, the rest is simulation.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ReportTimings {
    pub simulate_ms: f64,
    pub sweep_ms: f64,
    pub tune_ms: f64,
    /// Building the model, anonymising, drawing the charts and formatting.
    pub render_ms: f64,
    pub write_ms: f64,
}

/// A written report.
#[derive(Debug, Clone, Serialize)]
pub struct ReportOutcome {
    pub format: Format,
    pub files: Vec<PathBuf>,
    pub bytes: u64,
    pub timings: ReportTimings,
}

fn ms_since(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1000.0
}

fn sim_error(e: SimError) -> AppError {
    match e {
        SimError::Catalog(c) => AppError::Catalog(c),
        SimError::Platform { .. } => AppError::bad_input("E_SCENARIO_PLATFORM", e.to_string()),
        SimError::Invalid(m) => AppError::bad_input("E_SCENARIO", m),
    }
}

/// Per-minute request counts of a replay file: one number per line, or CSV rows whose last
/// column is the count; blank lines, `#` comments and a header row are skipped.
fn replay_counts(path: &Path) -> std::result::Result<Vec<u64>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("reading {}: {e}", path.display()))?;
    let mut counts = Vec::new();
    for (i, line) in text.lines().map(str::trim).enumerate() {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let cell = line.rsplit([',', ';', '\t']).next().unwrap_or(line).trim();
        match cell.parse::<f64>() {
            Ok(v) if v >= 0.0 && v.is_finite() => counts.push(v.round() as u64),
            _ if counts.is_empty() && i == 0 => continue,
            _ => {
                return Err(format!(
                    "{}: line {}: `{cell}` is not a request count",
                    path.display(),
                    i + 1
                ))
            }
        }
    }
    if counts.is_empty() {
        return Err(format!("{}: no per-minute counts", path.display()));
    }
    Ok(counts)
}

/// Read and parse a scenario file; replay files are resolved next to it.
pub fn load_scenario(catalog: &PriceCatalog, path: &Path) -> Result<Scenario> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| AppError::io(format!("reading scenario {}", path.display()), e))?;
    let base = path.parent().unwrap_or(Path::new(".")).to_path_buf();
    let mut load = |file: &str| replay_counts(&base.join(file));
    scenario::parse(&path.display().to_string(), &text, catalog, &mut load)
        .map_err(|e| AppError::bad_input("E_SCENARIO", e.to_string()))
}

fn with_overrides(s: &Scenario, o: &ReportOptions) -> Scenario {
    let mut s = s.clone();
    s.mode = o.mode.unwrap_or(s.mode);
    s.workload.horizon_ms = o.horizon_ms.unwrap_or(s.workload.horizon_ms);
    s.seed = o.seed.unwrap_or(s.seed);
    s
}

/// Run everything the report shows. Tuning is skipped when the scenario has no function platform.
pub fn compute(
    catalog: &PriceCatalog,
    scenario: &Scenario,
    o: &ReportOptions,
    timings: &mut ReportTimings,
) -> Result<Report> {
    let s = with_overrides(scenario, o);
    let t = Instant::now();
    let sim = simulate(catalog, &s, &RunOptions::default()).map_err(sim_error)?;
    timings.simulate_ms = ms_since(t);
    let t = Instant::now();
    let sweep = match &o.sweep {
        Some(sw) => Some(traffic(catalog, &s, sw).map_err(sim_error)?),
        None => None,
    };
    timings.sweep_ms = ms_since(t);
    let t = Instant::now();
    let has_functions = sim.platforms.iter().any(|p| p.kind == PlatformKind::Faas);
    let tune = match o.memory_mb {
        Some((from, to)) if has_functions => Some(tune(catalog, &s, from, to).map_err(sim_error)?),
        _ => None,
    };
    timings.tune_ms = ms_since(t);
    Ok(report::build(ReportInput {
        scenario: &s,
        catalog,
        simulation: sim,
        sweep,
        tune,
    }))
}

fn render_failed(format: Format, e: report::ReportError) -> AppError {
    AppError::io(format!("rendering the {format} report"), std::io::Error::other(e))
}

/// Scrub credentials (always), anonymise (when asked) and export.
pub fn render(report: &Report, format: Format, anonymise_names: bool) -> Result<Rendered> {
    let fail = |e| render_failed(format, e);
    let clean = anonymise::scrub(report).map_err(fail)?;
    let clean = if anonymise_names {
        anonymise::anonymise(&clean).map_err(fail)?
    } else {
        clean
    };
    report::exporter(format).export(&clean).map_err(fail)
}

/// Write a rendered report: one file at `out`, or a directory `out` holding one file per table.
pub fn write(rendered: &Rendered, out: &Path) -> Result<Vec<PathBuf>> {
    let put = |path: &Path, text: &str| {
        std::fs::write(path, text).map_err(|e| AppError::io(format!("writing {}", path.display()), e))
    };
    match rendered {
        Rendered::File(text) => {
            if out.is_dir() {
                return Err(AppError::bad_input(
                    "E_OUT_IS_DIR",
                    format!(
                        "{} is a directory; give a file name for this format",
                        out.display()
                    ),
                ));
            }
            put(out, text)?;
            Ok(vec![out.to_path_buf()])
        }
        Rendered::Files(files) => {
            if out.is_file() {
                return Err(AppError::bad_input(
                    "E_OUT_IS_FILE",
                    format!(
                        "{} is a file; CSV tables are written into a directory",
                        out.display()
                    ),
                ));
            }
            std::fs::create_dir_all(out)
                .map_err(|e| AppError::io(format!("creating {}", out.display()), e))?;
            files
                .iter()
                .map(|(name, text)| {
                    let path = out.join(name);
                    put(&path, text).map(|_| path)
                })
                .collect()
        }
    }
}

/// The whole use case: read the scenario at `path`, compute, render and write to `out`.
pub fn report_scenario(
    catalog: &PriceCatalog,
    path: &Path,
    format: Format,
    out: &Path,
    o: &ReportOptions,
) -> Result<ReportOutcome> {
    let scenario = load_scenario(catalog, path)?;
    let mut timings = ReportTimings::default();
    let model = compute(catalog, &scenario, o, &mut timings)?;
    let t = Instant::now();
    let rendered = render(&model, format, o.anonymise)?;
    timings.render_ms = ms_since(t);
    let t = Instant::now();
    let files = write(&rendered, out)?;
    timings.write_ms = ms_since(t);
    let bytes = match &rendered {
        Rendered::File(s) => s.len() as u64,
        Rendered::Files(f) => f.iter().map(|(_, s)| s.len() as u64).sum(),
    };
    Ok(ReportOutcome {
        format,
        files,
        bytes,
        timings,
    })
}
