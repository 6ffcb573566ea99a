//! `breakeven report --bench`: where a report's time goes, per format, against the simulation it
//! reports on.

use crate::app::error::Result;
use crate::app::output::OutPath;
use crate::app::report::{compute, ms_since, render, write, ReportOptions, ReportOutcome, ReportTimings};
use crate::app::simulate;
use crate::report::Format;
use breakeven_simulator::pricing::PriceCatalog;
use serde::Serialize;
use std::path::Path;
use std::time::Instant;

/// One format's share of a [`run`], ms (medians of the repetitions).
#[derive(Debug, Clone, Serialize)]
pub struct FormatTiming {
    pub format: Format,
    /// Scrubbing, charts and formatting.
    pub render_ms: f64,
    pub write_ms: f64,
    pub bytes: u64,
}

/// Where a report's time goes, per format, against the simulation it reports on.
#[derive(Debug, Clone, Serialize)]
pub struct ReportBench {
    pub scenario: String,
    pub platforms: usize,
    pub horizon_s: f64,
    /// Repetitions per format.
    pub repetitions: usize,
    /// The baseline: one run of the scenario (no sweep, no tuning), ms.
    pub simulate_ms: f64,
    pub formats: Vec<FormatTiming>,
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs.get(xs.len() / 2).copied().unwrap_or(0.0)
}

/// Simulate once, then render and write every format `repetitions` times into `dir`.
pub fn run(
    catalog: &PriceCatalog,
    path: &Path,
    o: &ReportOptions,
    dir: &Path,
    repetitions: usize,
) -> Result<ReportBench> {
    let scenario = simulate::load_scenario(catalog, path)?;
    let mut timings = ReportTimings::default();
    let model = compute(catalog, &scenario, o, &mut timings)?;
    let mut formats = Vec::new();
    for format in [Format::Json, Format::Csv, Format::Md, Format::Html] {
        let (mut render_ms, mut write_ms, mut bytes) = (Vec::new(), Vec::new(), 0);
        for _ in 0..repetitions.max(1) {
            let t = Instant::now();
            let rendered = render(&model, format, o.anonymise)?;
            render_ms.push(ms_since(t));
            let t = Instant::now();
            let out = OutPath::new(dir.join(format!("report.{format}")));
            let files = write(&rendered, &out)?;
            write_ms.push(ms_since(t));
            bytes = ReportOutcome::new(format, files, &rendered, ReportTimings::default()).bytes;
        }
        formats.push(FormatTiming {
            format,
            render_ms: median(render_ms),
            write_ms: median(write_ms),
            bytes,
        });
    }
    Ok(ReportBench {
        scenario: model.scenario.name.clone(),
        platforms: model.simulation.platforms.len(),
        horizon_s: model.scenario.horizon_s,
        repetitions: repetitions.max(1),
        simulate_ms: timings.simulate_ms,
        formats,
    })
}
