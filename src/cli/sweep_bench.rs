//! `breakeven sweep-bench`: the break-even sweep timed against one simulation per level.

use crate::cli::{print_json, Globals};
use breakeven::app::simulate as app;
use breakeven::app::AppError;
use breakeven::bench::sweep as bench;
use breakeven::error_code::ErrorCode;
use clap::Args;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct SweepBenchArgs {
    /// Scenario file.
    pub file: PathBuf,
    /// Traffic range, as multiples of the scenario's traffic: FROM..TO.
    #[arg(long, default_value = "0.1..10", value_name = "FROM..TO")]
    pub traffic: String,
    /// Number of traffic levels.
    #[arg(long, default_value_t = 30)]
    pub steps: usize,
    /// Simulate this many days instead of the scenario's horizon.
    #[arg(long, value_name = "N")]
    pub days: Option<f64>,
    /// Also sweep every level in exact mode and compare the crossings (slow).
    #[arg(long)]
    pub exact: bool,
    #[arg(long)]
    pub json: bool,
}

pub fn run(g: &Globals, a: SweepBenchArgs) -> anyhow::Result<()> {
    let catalog = g.load_catalog()?;
    let scenario = app::load_scenario(&catalog, &a.file)?;
    let bad = |m: String| AppError::bad_input(ErrorCode::BadRange, m);
    let (from, to) = app::parse_range(&a.traffic).map_err(bad)?;
    if let Some(d) = a.days.filter(|d| !(d.is_finite() && *d > 0.0)) {
        return Err(bad(format!("--days must be positive, not {d}")).into());
    }
    breakeven_simulator::sweep::TrafficSweep {
        from,
        to,
        steps: a.steps,
        mode: breakeven_simulator::sweep::SweepMode::Auto,
    }
    .validate()
    .map_err(bad)?;
    let r = bench::run(&catalog, &scenario, a.days, (from, to, a.steps), a.exact)?;
    if a.json {
        return print_json(&r);
    }
    print!("{}", bench::render(&r));
    Ok(())
}
