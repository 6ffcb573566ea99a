//! `breakeven commit recommend`: the hourly commitment per plan that minimises a scenario's cost.

use crate::cli::table::{Align, Table};
use crate::cli::{print_json, Globals};
use breakeven::app::parse::parse_duration_ms;
use breakeven::app::simulate::{self as app, RunOptions, Timed};
use breakeven_simulator::sweep::commit::CommitRecommendation;
use clap::Subcommand;
use std::path::PathBuf;

#[derive(Debug, Subcommand)]
pub enum CommitCommand {
    /// For each AWS platform of a scenario and each plan with published rates, the hourly
    /// commitment that minimises the simulated cost, its utilisation, coverage and saving, and
    /// the cost curve around it.
    Recommend {
        /// Scenario file (TOML; see docs/scenario-format.md).
        #[arg(required_unless_present = "function", conflicts_with = "function")]
        file: Option<PathBuf>,
        /// Instead of a file: a stored function's measured traffic (the last --days of it),
        /// replayed on its own platform and the default alternatives.
        #[arg(long, value_name = "NAME")]
        function: Option<String>,
        /// Account key when the function name is in several accounts.
        #[arg(long, requires = "function")]
        account: Option<String>,
        /// Days of stored traffic to replay with --function.
        #[arg(long, default_value_t = 14, requires = "function")]
        days: u32,
        /// Simulated time instead of the scenario's, e.g. 7d.
        #[arg(long, value_parser = parse_duration_ms, value_name = "DURATION")]
        horizon: Option<f64>,
        /// Seed instead of the scenario's.
        #[arg(long)]
        seed: Option<u64>,
        /// Print JSON instead of tables.
        #[arg(long)]
        json: bool,
    },
}

pub fn run(g: &Globals, c: CommitCommand) -> anyhow::Result<()> {
    let CommitCommand::Recommend {
        file,
        function,
        account,
        days,
        horizon,
        seed,
        json,
    } = c;
    let catalog = g.load_catalog()?;
    let opts = RunOptions {
        horizon_ms: horizon,
        seed,
        timeline: false,
        ..RunOptions::default()
    };
    let r = match (file, function) {
        (_, Some(name)) => {
            let store = g.open_store()?;
            breakeven::app::commit::recommend_for_function(&store, &catalog, &name, account, days, &opts)?
        }
        (Some(file), None) => {
            let scenario = app::load_scenario(&catalog, &file)?;
            app::recommend_commitments(&catalog, &scenario, &opts)?
        }
        (None, None) => {
            return Err(breakeven::app::AppError::bad_input(
                breakeven::error_code::ErrorCode::BadUsage,
                "give a scenario file or --function NAME".to_string(),
            )
            .into())
        }
    };
    if json {
        return print_json(&r);
    }
    print!("{}", render(&r));
    Ok(())
}

fn pct(x: f64) -> String {
    format!("{:.1}%", x * 100.0)
}

fn render(t: &Timed<CommitRecommendation>) -> String {
    let r = &t.result;
    let days = format!("{:.3}", r.horizon_s / 86_400.0);
    let days = days.trim_end_matches('0').trim_end_matches('.');
    let mut out = format!(
        "{} · the hourly commitment that minimises {days} days of simulated usage (on-demand → with it)\n\n",
        r.scenario
    );
    let mut tab = Table::new(&[
        ("Platform", Align::Left),
        ("Plan", Align::Left),
        ("Commit $/h", Align::Right),
        ("On-demand", Align::Right),
        ("With plan", Align::Right),
        ("Saving", Align::Right),
        ("Per month", Align::Right),
        ("Util", Align::Right),
        ("Coverage", Align::Right),
    ]);
    let mut missing: Vec<(String, String)> = Vec::new();
    for p in &r.plans {
        let Some(c) = p.usd_per_hour else {
            missing.push((p.label.clone(), p.plan.clone()));
            continue;
        };
        tab.row(vec![
            p.label.clone(),
            p.plan.clone(),
            format!("${}", c.exact()),
            p.on_demand_usd.to_string(),
            p.total_usd.to_string(),
            format!("{} ({})", p.saving_usd, pct(p.saving_fraction)),
            p.monthly_saving_usd.to_string(),
            pct(p.utilisation),
            pct(p.coverage),
        ]);
    }
    out.push_str(&tab.render());
    for p in r.plans.iter().filter(|p| p.usd_per_hour.is_some()) {
        out.push_str(&format!("\n{} · {}: total by commitment\n", p.label, p.plan));
        for c in &p.curve {
            let mark = if Some(c.usd_per_hour) == p.usd_per_hour {
                "  ← best"
            } else {
                ""
            };
            out.push_str(&format!(
                "  ${:<8} {:>12}{mark}\n",
                c.usd_per_hour.exact(),
                c.total_usd.to_string()
            ));
        }
        for n in &p.notes {
            out.push_str(&format!("  note: {n}\n"));
        }
    }
    if !missing.is_empty() {
        out.push_str("\nNo published rate in the catalog (billed on-demand under these plans):\n");
        let mut labels: Vec<&String> = missing.iter().map(|(l, _)| l).collect();
        labels.dedup();
        for l in labels {
            let plans: Vec<&str> = missing
                .iter()
                .filter(|(x, _)| x == l)
                .map(|(_, p)| p.as_str())
                .collect();
            out.push_str(&format!("  {l}: {}\n", plans.join(", ")));
        }
    }
    out
}
