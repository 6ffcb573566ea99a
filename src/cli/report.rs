//! `breakeven report`: a scenario's cost, break-even and memory report as HTML, CSV, JSON or
//! Markdown.

use crate::cli::{print_json, Globals};
use breakeven::app::report::{self as app, ReportOptions, ReportOutcome};
use breakeven::app::AppError;
use breakeven::report::Format;
use breakeven_simulator::scenario::parse_horizon_ms;
use breakeven_simulator::sweep::{SweepMode, TrafficSweep};
use clap::Args;
use std::path::PathBuf;

/// The report must be written within this after the simulation, ms.
const BUDGET_MS: f64 = 1000.0;

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Scenario file (TOML; see docs/scenario-format.md).
    #[arg(long, value_name = "FILE")]
    scenario: PathBuf,
    /// html: one self-contained page; csv: a directory of tables; json; md (Markdown).
    #[arg(long, default_value = "html", value_parser = parse_format)]
    format: Format,
    /// Output file (a directory for csv).
    #[arg(long, value_name = "PATH")]
    out: PathBuf,
    /// Replace the workload's name, custom platform labels and account ids with stable pseudonyms.
    #[arg(long)]
    anonymise: bool,
    /// Break-even range, as multiples of the scenario's traffic: FROM..TO.
    #[arg(long, default_value = "0.01..100", value_name = "FROM..TO")]
    traffic: String,
    /// Number of traffic levels in the break-even sweep.
    #[arg(long, default_value_t = 9)]
    steps: usize,
    /// Memory sizes to tune function platforms over, MB: FROM..TO.
    #[arg(long, default_value = "128..3008", value_name = "FROM..TO")]
    memory: String,
    /// Leave the break-even section out.
    #[arg(long)]
    no_sweep: bool,
    /// Leave the memory section out.
    #[arg(long)]
    no_tune: bool,
    /// Simulated time instead of the scenario's, e.g. 7d, 12h.
    #[arg(long, value_parser = parse_horizon_ms, value_name = "DURATION")]
    horizon: Option<f64>,
    /// Seed instead of the scenario's.
    #[arg(long)]
    seed: Option<u64>,
    /// Print where the time went, against the 1 s budget for writing the report.
    #[arg(long)]
    bench: bool,
    /// Print the outcome as JSON.
    #[arg(long)]
    json: bool,
}

fn parse_format(s: &str) -> Result<Format, String> {
    s.parse()
}

fn bad(m: String) -> anyhow::Error {
    AppError::bad_input("E_BAD_RANGE", m).into()
}

/// `"0.01..100"` → (0.01, 100): positive, increasing.
fn parse_range(s: &str) -> Result<(f64, f64), String> {
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

pub fn run(g: &Globals, a: ReportArgs) -> anyhow::Result<()> {
    let catalog = g.load_catalog()?;
    let sweep = if a.no_sweep {
        None
    } else {
        let (from, to) = parse_range(&a.traffic).map_err(bad)?;
        Some(TrafficSweep {
            from,
            to,
            steps: a.steps.max(2),
            mode: SweepMode::Auto,
        })
    };
    let memory_mb = if a.no_tune {
        None
    } else {
        let (from, to) = parse_range(&a.memory).map_err(bad)?;
        Some((from as u32, to as u32))
    };
    let o = ReportOptions {
        mode: None,
        horizon_ms: a.horizon,
        seed: a.seed,
        sweep,
        memory_mb,
        anonymise: a.anonymise,
    };
    let outcome = app::report_scenario(&catalog, &a.scenario, a.format, &a.out, &o)?;
    if a.json {
        return print_json(&outcome);
    }
    print!("{}", describe(&outcome, a.bench));
    Ok(())
}

fn describe(o: &ReportOutcome, bench: bool) -> String {
    let t = &o.timings;
    let report_ms = t.render_ms + t.write_ms;
    let mut out = match o.files.as_slice() {
        [one] => format!("wrote {} ({} KB)\n", one.display(), o.bytes.div_ceil(1024)),
        files => format!(
            "wrote {} files ({} KB) into {}\n",
            files.len(),
            o.bytes.div_ceil(1024),
            files
                .first()
                .and_then(|f| f.parent())
                .map(|p| p.display().to_string())
                .unwrap_or_default()
        ),
    };
    if bench {
        let sim = t.simulate_ms + t.sweep_ms + t.tune_ms;
        out.push_str(&format!(
            "simulation {:.0} ms (run {:.0}, break-even sweep {:.0}, memory tuning {:.0})\n\
             report {report_ms:.1} ms (model, charts and {} export {:.1}, write {:.1}): {} the {BUDGET_MS:.0} ms budget, \
             {:.1} % of the simulation's time\n",
            sim,
            t.simulate_ms,
            t.sweep_ms,
            t.tune_ms,
            o.format,
            t.render_ms,
            t.write_ms,
            if report_ms < BUDGET_MS { "within" } else { "OVER" },
            if sim > 0.0 { report_ms / sim * 100.0 } else { 0.0 },
        ));
    }
    out
}
