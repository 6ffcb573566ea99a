//! `breakeven db status|path|check|bench`.

use crate::cli::table::{Align, Table};
use crate::cli::{print_json, Globals};
use breakeven::app::db::{check_file, resolve, status};
use breakeven::bench::db as bench;
use breakeven::store::Day;
use breakeven_simulator::pricing::money::group_digits;
use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub enum DbCommand {
    /// Counts, date ranges and the last sync of each source.
    Status {
        #[arg(long)]
        json: bool,
    },
    /// Print the database path.
    Path,
    /// SQLite's integrity check and the store's invariants (orphan rows, sync cursors, exact
    /// decimals); exit code 1 when a problem is found.
    Check {
        #[arg(long)]
        json: bool,
    },
    /// Measure bulk insert speed of metric points against naive per-row inserts.
    Bench {
        /// Points for the bulk insert (at most 50 million).
        #[arg(long, default_value_t = 1_000_000)]
        rows: u64,
        /// Points for the naive baseline (one autocommit INSERT per row; slow; at most 1 million).
        #[arg(long, default_value_t = 20_000)]
        baseline_rows: u64,
        #[arg(long)]
        json: bool,
    },
}

pub fn run(g: &Globals, c: DbCommand) -> anyhow::Result<()> {
    match c {
        DbCommand::Path => {
            println!("{}", resolve(g.db.as_deref())?.display());
            Ok(())
        }
        DbCommand::Bench {
            rows,
            baseline_rows,
            json,
        } => {
            let r = bench::run(&std::env::temp_dir(), rows, baseline_rows)?;
            if json {
                return print_json(&r);
            }
            println!(
                "bulk (one transaction, prepared upsert): {} rows in {:.3} s = {:.0} rows/s",
                r.rows, r.seconds, r.rows_per_s
            );
            println!(
                "baseline (autocommit INSERT per row):    {} rows in {:.3} s = {:.0} rows/s",
                r.baseline_rows, r.baseline_seconds, r.baseline_rows_per_s
            );
            println!("speedup: {:.1}×", r.speedup);
            Ok(())
        }
        DbCommand::Check { json } => {
            let r = check_file(&resolve(g.db.as_deref())?)?;
            if json {
                print_json(&r)?;
            } else {
                let path = r.path.clone().unwrap_or_default();
                if r.findings.is_empty() {
                    println!("Database {path}: no problem found (SQLite integrity check, references, sync cursors, exact decimals).");
                }
                for f in &r.findings {
                    println!("{}: {}", f.check, f.problem);
                }
            }
            if r.findings.is_empty() {
                Ok(())
            } else {
                Err(anyhow::anyhow!(
                    "{} problem(s) found in {}",
                    r.findings.len(),
                    r.path.unwrap_or_default()
                ))
            }
        }
        DbCommand::Status { json } => {
            let store = g.open_store()?;
            let s = status(&store)?;
            if json {
                return print_json(&s);
            }
            println!(
                "Database: {} (schema {})",
                s.path.clone().unwrap_or_default(),
                s.schema_version
            );
            if s.accounts.is_empty() {
                println!("No accounts yet: run `breakeven demo` or `breakeven sync`.");
            }
            if s.focus_charges > 0 {
                println!(
                    "FOCUS charges: {} imported (`breakeven analyse` groups them by provider).",
                    s.focus_charges
                );
            }
            for e in &s.exports {
                println!(
                    "Billing export {} ({}): {} billing periods {} – {}, {} daily rows from {} line items; \
                     {} scanned for them; last read {} UTC.",
                    e.export,
                    if e.format == "focus" {
                        "FOCUS 1.0"
                    } else {
                        "CUR 2.0"
                    },
                    e.periods,
                    e.first_period,
                    e.last_period,
                    group_digits(&e.rows.to_string()),
                    group_digits(&e.line_items.to_string()),
                    breakeven::ingest::athena::scan_cost::human_bytes(e.scanned_bytes),
                    utc(e.last_read),
                );
            }
            let mut t = Table::new(&[
                ("Account", Align::Left),
                ("Source", Align::Left),
                ("Regions", Align::Left),
                ("Functions", Align::Right),
                ("Metric points", Align::Right),
                ("Metrics from – to", Align::Left),
                ("Cost rows", Align::Right),
                ("Costs from – to", Align::Left),
            ]);
            for a in &s.accounts {
                let day = |ts: Option<i64>| {
                    ts.map(|t| Day::from_unix(t).to_string())
                        .unwrap_or_else(|| "–".into())
                };
                t.row(vec![
                    a.name.clone(),
                    a.source.to_string(),
                    a.regions.join(", "),
                    a.functions.to_string(),
                    a.metric_points.to_string(),
                    format!("{} – {}", day(a.metrics_from), day(a.metrics_to)),
                    a.cost_rows.to_string(),
                    format!(
                        "{} – {}",
                        a.costs_from.clone().unwrap_or_else(|| "–".into()),
                        a.costs_to.clone().unwrap_or_else(|| "–".into())
                    ),
                ]);
            }
            if !s.accounts.is_empty() {
                print!("{}", t.render());
            }
            if !s.last_sync.is_empty() {
                println!();
                let mut t = Table::new(&[
                    ("Last sync", Align::Left),
                    ("Started (UTC)", Align::Left),
                    ("Status", Align::Left),
                    ("Rows", Align::Right),
                    ("Requests", Align::Right),
                    ("Scope", Align::Left),
                ]);
                for r in &s.last_sync {
                    t.row(vec![
                        r.source.to_string(),
                        utc(r.started_at),
                        r.status.to_string(),
                        r.rows_written.to_string(),
                        r.requests.values().sum::<u64>().to_string(),
                        r.scope.clone(),
                    ]);
                }
                print!("{}", t.render());
                for r in s.last_sync.iter().filter(|r| r.error.is_some()) {
                    println!("{} sync error: {}", r.source, r.error.clone().unwrap_or_default());
                }
            }
            Ok(())
        }
    }
}

/// `YYYY-MM-DD HH:MM` of a Unix time.
fn utc(ts: i64) -> String {
    let s = ts.rem_euclid(86_400);
    format!("{} {:02}:{:02}", Day::from_unix(ts), s / 3600, s % 3600 / 60)
}
