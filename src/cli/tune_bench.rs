//! `breakeven tune-bench`: memory tuning timed against simulating every size on its own.

use crate::cli::{print_json, Globals};
use breakeven::app::simulate as app;
use breakeven::app::AppError;
use breakeven::bench::tune as bench;
use breakeven::error_code::ErrorCode;
use clap::Args;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct TuneBenchArgs {
    /// Scenario file.
    pub file: PathBuf,
    /// Memory sizes to try, MB: FROM..TO.
    #[arg(long, default_value = "128..3008", value_name = "FROM..TO")]
    pub memory: String,
    /// Simulate this many days instead of the scenario's horizon (debug builds are slow).
    #[arg(long, value_name = "N")]
    pub days: Option<f64>,
    #[arg(long)]
    pub json: bool,
}

pub fn run(g: &Globals, a: TuneBenchArgs) -> anyhow::Result<()> {
    let catalog = g.load_catalog()?;
    let scenario = app::load_scenario(&catalog, &a.file)?;
    let (from, to) = app::parse_range(&a.memory).map_err(|m| AppError::bad_input(ErrorCode::BadRange, m))?;
    if let Some(d) = a.days.filter(|d| !(d.is_finite() && *d > 0.0)) {
        return Err(
            AppError::bad_input(ErrorCode::BadRange, format!("--days must be positive, not {d}")).into(),
        );
    }
    let r = bench::run(&catalog, &scenario, a.days, (from as u32, to as u32))?;
    if a.json {
        return print_json(&r);
    }
    print!("{}", bench::render(&r));
    Ok(())
}
