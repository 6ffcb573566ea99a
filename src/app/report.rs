//! Report use case: scenario file → simulation, break-even sweep and memory tuning → report model
//! → one exporter → files. The CLI and the desktop app share it.

use crate::app::error::{AppError, Result};
use crate::app::output::OutPath;
use crate::app::simulate::{self, RunOptions};
use crate::error_code::ErrorCode;
use crate::report::{self, Document, Format, Rendered, Report, ReportInput};
use breakeven_simulator::pricing::{PlatformKind, PriceCatalog};
use breakeven_simulator::scenario::Scenario;
use breakeven_simulator::sweep::TrafficSweep;
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// What goes into a report besides the plain simulation.
#[derive(Debug, Clone)]
pub struct ReportOptions {
    /// Mode, horizon and seed instead of the scenario's.
    pub overrides: RunOptions,
    /// Break-even sweep; `None` leaves the section out.
    pub sweep: Option<TrafficSweep>,
    /// Memory range to tune function platforms over, MB; `None` leaves the section out.
    pub memory_mb: Option<(u32, u32)>,
    pub anonymise: bool,
}

/// Where the time went, ms; `render_ms + write_ms` is the report itself, the rest is simulation.
#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
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
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ReportOutcome {
    pub format: Format,
    pub files: Vec<PathBuf>,
    pub bytes: u64,
    pub timings: ReportTimings,
}

impl ReportOutcome {
    pub fn new(format: Format, files: Vec<PathBuf>, rendered: &Rendered, timings: ReportTimings) -> Self {
        let bytes = match rendered {
            Rendered::File(s) => s.len() as u64,
            Rendered::Files(f) => f.iter().map(|(_, s)| s.len() as u64).sum(),
        };
        ReportOutcome {
            format,
            files,
            bytes,
            timings,
        }
    }
}

/// Milliseconds since `t`.
pub fn ms_since(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1000.0
}

/// What a report is doing, for a progress display: step `done` of `total` starts `what`.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportStep {
    pub done: usize,
    pub total: usize,
    pub what: String,
}

/// Run everything the report shows. Tuning is skipped when the scenario has no function platform.
pub fn compute(
    catalog: &PriceCatalog,
    scenario: &Scenario,
    o: &ReportOptions,
    timings: &mut ReportTimings,
) -> Result<Report> {
    compute_with(catalog, scenario, o, timings, &|_| {})
}

/// [`compute`], telling `progress` what it starts.
pub fn compute_with(
    catalog: &PriceCatalog,
    scenario: &Scenario,
    o: &ReportOptions,
    timings: &mut ReportTimings,
    progress: &dyn Fn(ReportStep),
) -> Result<Report> {
    let ov = &o.overrides;
    let effective = ov.apply(scenario);
    let has_functions = scenario.platforms.iter().any(|p| {
        catalog
            .platform(&p.id)
            .is_ok_and(|c| c.kind == PlatformKind::Faas)
    });
    let tuning = o.memory_mb.filter(|_| has_functions);
    let recommending = !scenario.commitments.is_empty();
    let total =
        2 + usize::from(o.sweep.is_some()) + usize::from(tuning.is_some()) + usize::from(recommending);
    let step = |done: usize, what: String| progress(ReportStep { done, total, what });
    let mode = ov.mode.unwrap_or(effective.mode);
    step(
        0,
        format!(
            "simulating {} platforms over {} ({mode} mode)",
            scenario.platforms.len(),
            crate::report::format::horizon_text(effective.workload.horizon_ms / 1000.0)
        ),
    );
    let t = Instant::now();
    let sim = simulate::simulate(catalog, scenario, ov)?.result;
    timings.simulate_ms = ms_since(t);
    let mut done = 1;
    let t = Instant::now();
    let sweep = match &o.sweep {
        Some(sw) => {
            step(
                done,
                format!(
                    "break-even: {} traffic levels, then exact runs around the crossings",
                    sw.steps
                ),
            );
            done += 1;
            Some(simulate::sweep(catalog, scenario, ov, sw)?.result)
        }
        None => None,
    };
    timings.sweep_ms = ms_since(t);
    let t = Instant::now();
    let tune = match tuning {
        Some((from, to)) => {
            step(done, format!("memory tuning over {from}–{to} MB"));
            done += 1;
            Some(simulate::tune(catalog, scenario, ov, from, to)?.result)
        }
        None => None,
    };
    timings.tune_ms = ms_since(t);
    // The best commitment per plan answers the question a scenario with commitments asks: is
    // this the right size? It is left out of other reports (it simulates every platform again).
    let recommendation = if recommending {
        step(done, "the best commitment per plan".into());
        done += 1;
        Some(simulate::recommend_commitments(catalog, scenario, ov)?.result)
    } else {
        None
    };
    step(done, "drawing the charts and writing the report".into());
    Ok(report::build(ReportInput {
        scenario: &effective,
        catalog,
        simulation: sim,
        sweep,
        tune,
        recommendation,
    }))
}

pub(crate) fn render_failed(format: Format, e: report::ReportError) -> AppError {
    AppError::Report {
        code: ErrorCode::ReportRender,
        context: format!("rendering the {format} report"),
        cause: Box::new(e),
    }
}

/// Scrub credentials (always), anonymise (when asked) and export a scenario, account or
/// function report.
pub fn render<D: Document>(report: &D, format: Format, anonymise_names: bool) -> Result<Rendered> {
    let fail = |e| render_failed(format, e);
    let clean = report.scrubbed().map_err(fail)?;
    let clean = if anonymise_names {
        clean.anonymised().map_err(fail)?
    } else {
        clean
    };
    clean.export_to(report::exporter(format).as_ref()).map_err(fail)
}

/// Write a rendered report: one file at `out`, or a directory `out` holding one file per table.
pub fn write(rendered: &Rendered, out: &OutPath) -> Result<Vec<PathBuf>> {
    match rendered {
        Rendered::File(text) => Ok(vec![out.write_file(text)?]),
        Rendered::Files(files) => out.write_files(files),
    }
}

/// The whole use case: read the scenario at `path`, compute, render and write to `out`.
pub fn report_scenario(
    catalog: &PriceCatalog,
    path: &Path,
    format: Format,
    out: &OutPath,
    o: &ReportOptions,
) -> Result<ReportOutcome> {
    out.check()?;
    let scenario = simulate::load_scenario(catalog, path)?;
    report(catalog, &scenario, format, out, o)
}

/// Compute, render and write the report of a scenario already read (the desktop's what-if).
pub fn report(
    catalog: &PriceCatalog,
    scenario: &Scenario,
    format: Format,
    out: &OutPath,
    o: &ReportOptions,
) -> Result<ReportOutcome> {
    report_with(catalog, scenario, format, out, o, &|_| {})
}

/// [`report`], telling `progress` what it starts.
pub fn report_with(
    catalog: &PriceCatalog,
    scenario: &Scenario,
    format: Format,
    out: &OutPath,
    o: &ReportOptions,
    progress: &dyn Fn(ReportStep),
) -> Result<ReportOutcome> {
    out.check()?;
    let mut timings = ReportTimings::default();
    let model = compute_with(catalog, scenario, o, &mut timings, progress)?;
    let t = Instant::now();
    let rendered = render(&model, format, o.anonymise)?;
    timings.render_ms = ms_since(t);
    let t = Instant::now();
    let files = write(&rendered, out)?;
    timings.write_ms = ms_since(t);
    Ok(ReportOutcome::new(format, files, &rendered, timings))
}
