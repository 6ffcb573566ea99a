//! `breakeven import focus FILE...` and `import trace`: load billing exports and invocation traces.

use crate::cli::table::{Align, Table};
use crate::cli::{print_json, Globals};
use breakeven::app::import::{cost_views, import_focus, read_focus_files, CostLine, CostViews};
use breakeven::app::trace as app_trace;
use clap::{Args, Subcommand};
use std::path::PathBuf;

#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// FOCUS 1.0 / 1.1+ billing exports (CSV or Parquet) from any provider. All files land or none.
    Focus(FocusArgs),
    /// A public invocation trace: functions with per-minute counts, durations and memory.
    Trace(TraceArgs),
}

#[derive(Debug, Args)]
pub struct TraceArgs {
    /// Layout of the files: azure-functions-2019.
    #[arg(long, value_name = "FORMAT")]
    pub format: String,
    /// Invocations files (durations and memory files beside them are found; they may be named too).
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Date day 1 of the trace is stored on, YYYY-MM-DD (the trace itself has no dates).
    #[arg(long, value_name = "DATE")]
    pub start: Option<String>,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct FocusArgs {
    /// FOCUS CSV or Parquet files.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Print the rows added and their totals per provider as JSON.
    #[arg(long)]
    pub json: bool,
}

pub fn run(g: &Globals, c: ImportCommand) -> anyhow::Result<()> {
    match c {
        ImportCommand::Focus(a) => focus(g, a),
        ImportCommand::Trace(a) => trace(g, a),
    }
}

fn trace(g: &Globals, a: TraceArgs) -> anyhow::Result<()> {
    let start = app_trace::parse_start(a.start.as_deref())?;
    // Every row is validated before the database is opened: bad input never touches it.
    let plan = app_trace::check_trace(&a.format, &a.files)?;
    let mut store = g.open_store()?;
    let report = app_trace::import_trace(&mut store, &plan, start)?;
    if a.json {
        return print_json(&report);
    }
    let mut t = Table::new(&[
        ("File", Align::Left),
        ("Holds", Align::Left),
        ("Day", Align::Right),
        ("Rows", Align::Right),
    ]);
    for f in &report.files {
        let found = if f.found_alongside {
            " (found alongside)"
        } else {
            ""
        };
        t.row(vec![
            format!("{}{found}", f.file),
            f.kind.as_str().to_string(),
            f.day.to_string(),
            f.rows.to_string(),
        ]);
    }
    print!("{}", t.render());
    println!(
        "\n{} functions, {} invocations, under account `{}` (day 1 = {start}); {} rows written{}.",
        report.functions,
        report.invocations,
        report.account,
        report.rows_written,
        if report.rows_written == 0 {
            " (already imported)"
        } else {
            ""
        }
    );
    if report.durations_skipped > 0 {
        println!(
            "{} durations rows had no invocations row and were left out.",
            report.durations_skipped
        );
    }
    let names: Vec<String> = report.busiest.iter().map(|(n, c)| format!("{n} ({c})")).collect();
    println!("Busiest: {}.", names.join(", "));
    if let Some((name, _)) = report.busiest.first() {
        println!("Next: `breakeven scenario from-function {name} > {name}.toml`.");
    }
    Ok(())
}

fn focus(g: &Globals, a: FocusArgs) -> anyhow::Result<()> {
    // Validate every file before opening the database: bad input never touches it.
    let files = read_focus_files(&a.files)?;
    let mut store = g.open_store()?;
    let report = import_focus(&mut store, &files)?;
    for note in &report.notes {
        eprintln!("note: {note}");
    }
    if a.json {
        return print_json(&report.totals);
    }
    let mut t = Table::new(&[
        ("File", Align::Left),
        ("FOCUS", Align::Left),
        ("Rows", Align::Right),
        ("New", Align::Right),
    ]);
    for f in &report.files {
        t.row(vec![
            f.file.clone(),
            f.focus_version.as_str().to_string(),
            f.rows_read.to_string(),
            f.rows_added.to_string(),
        ]);
    }
    print!("{}", t.render());
    println!("\nAdded {} charges. Now in the database:\n", report.totals.rows);
    print!("{}", cost_tables(&cost_views(&store)?));
    Ok(())
}

/// The three provider-neutral views of the stored FOCUS charges, as tables.
pub(crate) fn cost_tables(views: &CostViews) -> String {
    let mut o = String::new();
    for (title, lines) in [
        ("Provider", &views.by_provider),
        ("Service category", &views.by_service_category),
        ("Platform", &views.by_platform),
    ] {
        o += &cost_table(title, lines);
        o += "\n";
    }
    o
}

pub(crate) fn cost_table(title: &str, lines: &[CostLine]) -> String {
    let mut t = Table::new(&[
        (title, Align::Left),
        ("Rows", Align::Right),
        ("Billed USD", Align::Right),
        ("Effective USD", Align::Right),
    ]);
    for l in lines {
        t.row(vec![
            l.group.clone(),
            l.rows.to_string(),
            l.totals.billed_usd.round_dp(2).to_string(),
            l.totals.effective_usd.round_dp(2).to_string(),
        ]);
    }
    t.render()
}
