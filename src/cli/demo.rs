//! `breakeven demo`: load the synthetic demo account into the database.

use crate::cli::interrupt::cancel_on_ctrl_c;
use crate::cli::progress::Bar;
use crate::cli::{print_json, Globals};
use breakeven::app::demo::{load, reconcile};
use breakeven::ingest::demo::{DemoOptions, ACCOUNT, DEFAULT_SEED};
use breakeven::store::Day;
use clap::Args;

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Seed of the generator: the same seed and dates give the same account.
    #[arg(long, default_value_t = DEFAULT_SEED)]
    pub seed: u64,
    /// Days of data.
    #[arg(long, default_value_t = 90)]
    pub days: u32,
    /// Data ends at the start of this day, YYYY-MM-DD (default: today, UTC).
    #[arg(long)]
    pub until: Option<String>,
    #[arg(long)]
    pub json: bool,
}

pub fn run(g: &Globals, a: DemoArgs) -> anyhow::Result<()> {
    let until = match &a.until {
        Some(s) => breakeven::app::dates::parse_day("--until", s)?,
        None => Day::today(),
    };
    let cancel = cancel_on_ctrl_c()?;
    let catalog = g.load_catalog()?;
    let mut store = g.open_store()?;
    let bar = Bar::new(a.json);
    let opts = DemoOptions {
        seed: a.seed,
        days: a.days,
        until,
    };
    let report = load(&mut store, &catalog, opts, &bar, &cancel);
    bar.finish();
    let report = report?;
    let rec = reconcile(&store, &catalog, ACCOUNT)?;
    if a.json {
        return print_json(&serde_json::json!({ "load": report, "reconciliation": rec }));
    }
    let path = store.path().map(|p| p.display().to_string()).unwrap_or_default();
    println!(
        "Loaded the demo account (seed {}) into {path}: {} rows.",
        a.seed, report.rows_written
    );
    if let (Some(from), Some(to)) = (rec.first_day, rec.last_day) {
        println!(
            "Lambda {from} to {to}: billed {}, usage-derived {} (difference {}%).",
            rec.billed_usd, rec.usage_derived_usd, rec.difference_pct
        );
    }
    println!("Next: `breakeven db status`.");
    Ok(())
}
