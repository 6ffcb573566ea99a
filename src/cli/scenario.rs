//! `breakeven scenario from-function NAME`: a stored function's traffic as a scenario file.

use crate::cli::{print_json, Globals};
use breakeven::app::scenario::{from_function, ExtractRequest, Step};
use breakeven::app::AppError;
use breakeven::error_code::ErrorCode;
use clap::{Args, Subcommand};

#[derive(Debug, Subcommand)]
pub enum ScenarioCommand {
    /// Print a scenario (TOML) that replays a stored function's traffic: `> scenario.toml`.
    FromFunction(FromFunctionArgs),
}

#[derive(Debug, Args)]
pub struct FromFunctionArgs {
    /// Function name as stored (`breakeven db status` lists accounts; trace functions are named
    /// by the first 12 characters of their hash).
    pub name: String,
    /// Whole days to replay, ending with the newest stored data.
    #[arg(long, default_value_t = 14)]
    pub days: u32,
    /// Platforms to compare (catalog ids, repeatable); default: the function's own, one VM type
    /// and the provider's serverless containers, sized for the observed peak.
    #[arg(long = "platform", value_name = "ID")]
    pub platforms: Vec<String>,
    /// Resolution of the counts: 1m or 5m.
    #[arg(long, default_value = "1m", value_name = "STEP")]
    pub step: String,
    /// Account key when the name is in several accounts.
    #[arg(long)]
    pub account: Option<String>,
    /// Skip simulating the own platform (the round-trip check against usage-derived cost).
    #[arg(long)]
    pub no_check: bool,
    /// Print the extraction (with the scenario text in `toml`) as JSON.
    #[arg(long)]
    pub json: bool,
}

pub fn run(g: &Globals, c: ScenarioCommand) -> anyhow::Result<()> {
    match c {
        ScenarioCommand::FromFunction(a) => from_function_cmd(g, a),
    }
}

fn from_function_cmd(g: &Globals, a: FromFunctionArgs) -> anyhow::Result<()> {
    let step = match a.step.as_str() {
        "1m" => Step::Minute,
        "5m" => Step::FiveMinutes,
        other => {
            return Err(AppError::bad_input(
                ErrorCode::BadStep,
                format!("--step is 1m or 5m, not `{other}`"),
            )
            .into());
        }
    };
    let catalog = g.load_catalog()?;
    let store = g.open_store()?;
    let req = ExtractRequest {
        function: a.name,
        account: a.account,
        days: a.days,
        platforms: a.platforms,
        step,
        check: !a.no_check,
    };
    let x = from_function(&store, &catalog, &req)?;
    if a.json {
        return print_json(&x);
    }
    print!("{}", x.toml);
    // The summary goes to stderr so `> scenario.toml` keeps only the scenario.
    eprintln!(
        "{}: {} to {} ({} days), {} invocations, platforms {}.",
        x.function,
        x.window_from,
        x.window_to,
        x.days,
        x.invocations,
        x.platforms.join(", ")
    );
    match &x.calibration {
        Some(c) => eprintln!(
            "Cold starts on {}, {} to {}: {}; keep_alive_s = {} fitted ({} runs, {} ms).",
            c.platform,
            c.from,
            c.to,
            c.summary(),
            c.keep_alive_s,
            c.iterations,
            c.wall_ms
        ),
        None => eprintln!("Cold starts: {}.", x.cold_start_basis),
    }
    if let Some(r) = &x.round_trip {
        eprintln!("Round trip on {}: {}.", r.platform, r.summary());
    }
    Ok(())
}
