//! Command-line definition and dispatch. One file per subcommand group.

mod analyse;
mod analyse_view;
mod billing;
mod catalog;
mod commit;
mod dashboard;
mod db;
mod demo;
mod estimate;
mod functions;
mod import;
mod interrupt;
mod progress;
mod report;
mod scenario;
mod simulate;
mod sweep_bench;
mod sync;
mod table;
mod tune_bench;

use breakeven::app::AppError;
use breakeven::error_code::ErrorCode;
use breakeven::store::Access;
use clap::{Parser, Subcommand};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "breakeven",
    version,
    about = "What does our serverless workload really cost, and what would it cost on VMs or containers?"
)]
pub struct Cli {
    /// Database file (default: the OS data dir).
    #[arg(long, global = true, value_name = "PATH")]
    pub db: Option<PathBuf>,
    /// Price catalog override file (default: catalog.toml in the OS config dir).
    #[arg(long, global = true, value_name = "PATH")]
    pub catalog: Option<PathBuf>,
    /// Config file with `[discounts]` (default: config.toml in the OS config dir).
    #[arg(long, global = true, value_name = "PATH")]
    pub config: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Closed-form monthly bill of a usage profile on one platform.
    Estimate(estimate::EstimateArgs),
    /// Inspect and validate the price catalog.
    #[command(subcommand)]
    Catalog(catalog::CatalogCommand),
    /// Run a scenario file: cost, cold starts and latency on each of its platforms.
    Simulate(simulate::SimulateArgs),
    /// Monthly cost of a scenario's platforms as its traffic scales, and where they break even.
    Sweep(simulate::SweepArgs),
    /// Cost and latency of a scenario's function platforms per memory size.
    Tune(simulate::TuneArgs),
    /// Savings Plans and reservations: `commit recommend SCENARIO.toml`.
    #[command(subcommand)]
    Commit(commit::CommitCommand),
    /// Time memory tuning against simulating every size on its own.
    #[command(name = "tune-bench", hide = true)]
    TuneBench(tune_bench::TuneBenchArgs),
    /// Time the break-even sweep against one simulation per level.
    #[command(name = "sweep-bench", hide = true)]
    SweepBench(sweep_bench::SweepBenchArgs),
    /// Pull Lambda inventory, CloudWatch metrics and Cost Explorer costs from AWS.
    Sync(sync::SyncArgs),
    /// Load the synthetic demo account into the database.
    Demo(demo::DemoArgs),
    /// Load billing exports (FOCUS) into the database.
    #[command(subcommand)]
    Import(import::ImportCommand),
    /// Where the money goes: cost per function and day, the bill reconciled, trends.
    Analyse(analyse::AnalyseArgs),
    /// The Functions table: each function's usage over the `analyse` window and its monthly cost.
    Functions(functions::FunctionsArgs),
    /// What a billing export read through Athena says was paid, by account, service or resource.
    Billing(billing::BillingArgs),
    /// The desktop dashboard's figures, for one account or every synced AWS account (`--all`).
    Dashboard(dashboard::DashboardArgs),
    /// Scenarios from stored data: `scenario from-function NAME > scenario.toml`.
    #[command(subcommand)]
    Scenario(scenario::ScenarioCommand),
    /// The local database: status, path, insert benchmark.
    #[command(subcommand)]
    Db(db::DbCommand),
    /// Write a report of a scenario, an account or a function: HTML with charts, CSV, JSON or Markdown.
    Report(report::ReportArgs),
}

/// Global options every subcommand may need.
pub struct Globals {
    pub db: Option<PathBuf>,
    pub catalog: Option<PathBuf>,
    pub config: Option<PathBuf>,
    /// Whether the command writes to the database (see [`access`]).
    pub access: Access,
}

impl Globals {
    /// The database (`--db`, else the default in the OS data dir), migrated to the current schema;
    /// read-only when the command only reads and the file is not writable.
    pub fn open_store(&self) -> anyhow::Result<breakeven::store::Store> {
        Ok(breakeven::app::db::open_as(self.db.as_deref(), self.access)?)
    }

    /// An export path that may not replace the database or the catalog file this run reads.
    pub fn out_path(&self, out: &std::path::Path) -> breakeven::app::output::OutPath {
        let mut o = breakeven::app::output::OutPath::new(out);
        if let Ok(db) = breakeven::app::db::resolve(self.db.as_deref()) {
            o = o.protect_database(&db);
        }
        match self
            .catalog
            .clone()
            .or_else(breakeven::app::catalog::default_override_path)
        {
            Some(c) => o.protect(&c, "the catalog file"),
            None => o,
        }
    }

    /// Negotiated discounts: the config file's, with `--discount` flags over them.
    pub fn discounts(
        &self,
        flags: &[breakeven_simulator::pricing::Discount],
    ) -> anyhow::Result<Vec<breakeven_simulator::pricing::Discount>> {
        Ok(breakeven::app::discounts::resolve(self.config.as_deref(), flags)?)
    }

    /// The bundled catalog merged with the override file (explicit, or the default if present).
    pub fn load_catalog(&self) -> anyhow::Result<breakeven_simulator::pricing::PriceCatalog> {
        let path = self
            .catalog
            .clone()
            .or_else(breakeven::app::catalog::default_override_path);
        if let Some(p) = &self.catalog {
            if !p.exists() {
                return Err(AppError::bad_input(
                    ErrorCode::NotFound,
                    format!("catalog file {} does not exist", p.display()),
                )
                .into());
            }
        }
        Ok(breakeven::app::catalog::load(path.as_deref())?)
    }
}

/// The commands that write to the database; every other one only reads it.
fn access(c: &Command) -> Access {
    match c {
        Command::Sync(_) | Command::Demo(_) | Command::Import(_) => Access::Write,
        _ => Access::Read,
    }
}

/// `--discount aws=7%` / `aws:aws-lambda=5%`.
pub fn parse_discount(s: &str) -> Result<breakeven_simulator::pricing::Discount, String> {
    s.parse()
}

pub fn run(cli: Cli) -> anyhow::Result<()> {
    let g = Globals {
        db: cli.db,
        catalog: cli.catalog,
        config: cli.config,
        access: access(&cli.command),
    };
    match cli.command {
        Command::Estimate(a) => estimate::run(&g, a),
        Command::Catalog(c) => catalog::run(&g, c),
        Command::Simulate(a) => simulate::simulate(&g, a),
        Command::Sweep(a) => simulate::sweep(&g, a),
        Command::Tune(a) => simulate::tune(&g, a),
        Command::Commit(c) => commit::run(&g, c),
        Command::TuneBench(a) => tune_bench::run(&g, a),
        Command::SweepBench(a) => sweep_bench::run(&g, a),
        Command::Sync(a) => sync::run(&g, a),
        Command::Demo(a) => demo::run(&g, a),
        Command::Db(c) => db::run(&g, c),
        Command::Import(c) => import::run(&g, c),
        Command::Analyse(a) => analyse::run(&g, a),
        Command::Functions(a) => functions::run(&g, a),
        Command::Billing(a) => billing::run(&g, a),
        Command::Dashboard(a) => dashboard::run(&g, a),
        Command::Report(a) => report::run(&g, a),
        Command::Scenario(c) => scenario::run(&g, c),
    }
}

/// 2 when the error is the user's input, else 1.
pub fn exit_code(err: &anyhow::Error) -> u8 {
    match err.downcast_ref::<AppError>() {
        Some(e) if e.is_bad_input() => 2,
        _ => 1,
    }
}

/// Print a value as pretty JSON on stdout.
pub fn print_json<T: serde::Serialize>(v: &T) -> anyhow::Result<()> {
    println!("{}", serde_json::to_string_pretty(v)?);
    Ok(())
}
