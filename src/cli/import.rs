//! `breakeven import focus FILE...`: load FOCUS billing exports into the database.

use crate::cli::table::{Align, Table};
use crate::cli::{print_json, Globals};
use breakeven::app::import::{cost_views, import_focus, read_focus_files, CostLine};
use clap::{Args, Subcommand};
use std::path::PathBuf;

#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// FOCUS 1.0 / 1.1+ billing exports (CSV) from any provider. All files land or none.
    Focus(FocusArgs),
}

#[derive(Debug, Args)]
pub struct FocusArgs {
    /// FOCUS CSV files.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Print the rows added and their totals per provider as JSON.
    #[arg(long)]
    pub json: bool,
}

pub fn run(g: &Globals, c: ImportCommand) -> anyhow::Result<()> {
    match c {
        ImportCommand::Focus(a) => focus(g, a),
    }
}

fn focus(g: &Globals, a: FocusArgs) -> anyhow::Result<()> {
    // Validate every file before opening the database: bad input never touches it.
    let files = read_focus_files(&a.files)?;
    let mut store = g.open_store()?;
    let report = import_focus(&mut store, &files)?;
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
    let views = cost_views(&store)?;
    for (title, lines) in [
        ("Provider", &views.by_provider),
        ("Service category", &views.by_service_category),
        ("Platform", &views.by_platform),
    ] {
        println!("{}", cost_table(title, lines));
    }
    Ok(())
}

fn cost_table(title: &str, lines: &[CostLine]) -> String {
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
