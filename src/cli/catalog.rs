//! `breakeven catalog list|show|check`.

use crate::cli::table::{Align, Table};
use crate::cli::{print_json, Globals};
use breakeven::app::catalog::{default_override_path, info, list};
use breakeven::app::AppError;
use breakeven::error_code::ErrorCode;
use breakeven_simulator::pricing::commitments::split_dimension;
use clap::Subcommand;
use std::path::PathBuf;

#[derive(Debug, Subcommand)]
pub enum CatalogCommand {
    /// Every platform id, with its kind, regions and price dates.
    List {
        #[arg(long)]
        json: bool,
    },
    /// One platform's prices, with units, tiers, free tiers and sources.
    Show {
        /// Platform id, e.g. aws-lambda.
        id: String,
        #[arg(long)]
        json: bool,
    },
    /// Validate catalog files (units, contiguous tiers, sources, dates); errors at file:line.
    Check {
        /// Files to check (default: the bundled catalog and the override file, if any).
        files: Vec<PathBuf>,
    },
}

pub fn run(g: &Globals, c: CatalogCommand) -> anyhow::Result<()> {
    match c {
        CatalogCommand::List { json } => {
            let catalog = g.load_catalog()?;
            let rows = list(&catalog);
            if json {
                return print_json(&serde_json::json!({ "catalog": info(&catalog), "platforms": rows }));
            }
            let mut t = Table::new(&[
                ("Platform id", Align::Left),
                ("Kind", Align::Left),
                ("Name", Align::Left),
                ("Region", Align::Left),
                ("Prices as of", Align::Left),
            ]);
            for r in rows {
                let kind = serde_json::to_value(r.kind)?.as_str().unwrap_or("").to_string();
                let name = if r.retired {
                    format!("{} [retired]", r.name)
                } else {
                    r.name
                };
                let as_of = r
                    .as_of
                    .map(|(a, b)| if a == b { a } else { format!("{a} … {b}") })
                    .unwrap_or_default();
                t.row(vec![r.id, kind, name, r.regions.join(", "), as_of]);
            }
            print!("{}", t.render());
            let i = info(&catalog);
            println!(
                "catalog {} · {} platforms · {} prices · files: {}",
                i.version,
                i.platforms,
                i.prices,
                i.files.join(", ")
            );
            Ok(())
        }
        CatalogCommand::Show { id, json } => {
            let catalog = g.load_catalog()?;
            let p = catalog.platform(&id).map_err(AppError::from)?;
            let prices: Vec<_> = catalog
                .prices_of(&id)
                .map(|(e, o)| (e.clone(), o.clone()))
                .collect();
            if json {
                let prices: Vec<_> = prices
                    .iter()
                    .map(|(e, o)| {
                        let (on_demand, plan) = split_dimension(&e.dimension);
                        serde_json::json!({
                            "price": e,
                            "plan": plan.unwrap_or("on-demand"),
                            "on_demand_dimension": on_demand,
                            "defined_at": format!("{}:{}", o.file, o.line),
                        })
                    })
                    .collect();
                return print_json(&serde_json::json!({ "platform": p, "prices": prices }));
            }
            println!(
                "{} ({}) — {}{}",
                p.name,
                p.id,
                p.provider,
                if p.is_retired() { ", RETIRED" } else { "" }
            );
            if let Some(n) = &p.note {
                println!("note: {n}");
            }
            if let Some(s) = &p.rules.source {
                println!("rules: {s}");
            }
            println!();
            for (e, o) in prices {
                let plan = split_dimension(&e.dimension).1.unwrap_or("on-demand");
                println!("{} · {} · per {} · plan {plan}", e.dimension, e.region, e.unit);
                let bands = e.bands();
                let mut lo = rust_decimal::Decimal::ZERO;
                for (to, usd) in &bands {
                    let range = match (to, bands.len()) {
                        (_, 1) => "flat".to_string(),
                        (Some(t), _) => format!("{lo} – {t}"),
                        (None, _) => format!("over {lo}"),
                    };
                    println!("    ${:<16} {range}", usd.normalize());
                    lo = to.unwrap_or(lo);
                }
                if let Some(f) = e.free {
                    let pool = e
                        .free_pool
                        .as_deref()
                        .map(|p| format!(" (shared pool `{p}`)"))
                        .unwrap_or_default();
                    println!("    free tier: {} {} per month{pool}", f.normalize(), e.unit);
                }
                if let Some(i) = e.included {
                    println!("    included in plan: {} {} per month", i.normalize(), e.unit);
                }
                if let Some(n) = &e.note {
                    println!("    note: {n}");
                }
                println!("    source: {} (as of {})", e.source, e.as_of);
                println!("    defined at {}:{}", o.file, o.line);
            }
            Ok(())
        }
        CatalogCommand::Check { files } => check(g, files),
    }
}

/// With no files: the bundled catalog and the override file `load` would use (`--catalog`, else
/// the config dir's, if it exists).
fn check(g: &Globals, files: Vec<PathBuf>) -> anyhow::Result<()> {
    let bundled = files.is_empty();
    let files = if bundled {
        g.catalog
            .clone()
            .or_else(|| default_override_path().filter(|p| p.exists()))
            .into_iter()
            .collect()
    } else {
        files
    };
    let report = breakeven::app::catalog::check(&files, bundled)?;
    for p in &report.problems {
        eprintln!("{p}");
    }
    if report.problems.is_empty() {
        println!("{} catalog file(s) OK", report.files);
        Ok(())
    } else {
        Err(AppError::bad_input(
            ErrorCode::CatalogInvalid,
            format!("{} problem(s) found", report.problems.len()),
        )
        .into())
    }
}
