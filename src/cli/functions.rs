//! `breakeven functions`: the Functions table, as the desktop's Functions view shows it (one use
//! case, `app::functions`), as a readable table or `--json`.

use crate::cli::table::{Align, Table};
use crate::cli::{print_json, Globals};
use breakeven::app::dates;
use breakeven::app::functions::{self, FunctionsRequest, FunctionsTable};
use breakeven::app::rightsize;
use breakeven::store::Day;
use breakeven_simulator::pricing::money::group_digits;
use breakeven_simulator::pricing::Usd;
use clap::Args;
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, Args)]
pub struct FunctionsArgs {
    /// Account key (default: the only stored account).
    #[arg(long)]
    pub account: Option<String>,
    /// First day, YYYY-MM-DD (default: 30 days before --to, as `analyse`).
    #[arg(long, value_name = "DATE")]
    pub from: Option<String>,
    /// Last day, YYYY-MM-DD (default: the last day with stored data).
    #[arg(long, value_name = "DATE")]
    pub to: Option<String>,
    /// Also price each function's month on this platform (a catalog id; repeat for several).
    #[arg(long = "platform", value_name = "ID")]
    pub platforms: Vec<String>,
    /// Sort by cost (default), name, memory, invocations, errors, throttles, p50 or p99.
    #[arg(long, value_name = "COL")]
    pub sort: Option<String>,
    #[arg(long)]
    pub json: bool,
}

pub fn run(g: &Globals, a: FunctionsArgs) -> anyhow::Result<()> {
    let req = FunctionsRequest {
        account: a.account,
        from: dates::parse_optional_day("--from", a.from.as_deref())?,
        to: dates::parse_optional_day("--to", a.to.as_deref())?,
        days: None,
        platforms: a.platforms,
        sort: a.sort.as_deref().map(str::parse).transpose()?.unwrap_or_default(),
    };
    dates::check_order(req.from, req.to)?;
    let catalog = g.load_catalog()?;
    let store = g.open_store()?;
    let t = functions::table(&store, &catalog, &req)?;
    if a.json {
        return print_json(&json(&t));
    }
    let name = catalog
        .platform(&t.platform)
        .map(|p| p.name.clone())
        .unwrap_or_else(|_| t.platform.clone());
    print!("{}", render(&t, &name, &req.platforms));
    Ok(())
}

/// `--json`: exactly these keys; money as exact decimal strings.
#[derive(Serialize)]
struct JsonTable<'a> {
    account: &'a str,
    from: Day,
    to: Day,
    functions: Vec<JsonRow<'a>>,
}

#[derive(Serialize)]
struct JsonRow<'a> {
    name: &'a str,
    memory_mb: u32,
    architecture: &'a str,
    invocations: u64,
    errors: u64,
    throttles: u64,
    duration_p50_ms: Option<f64>,
    duration_p99_ms: Option<f64>,
    monthly_usd: Option<Usd>,
    /// From the REPORT records; null without log data.
    cold_starts: Option<u64>,
    cold_start_rate: Option<f64>,
    max_memory_used_mb: Option<u32>,
    memory_used_p99_mb: Option<u32>,
    /// Right-sizing: the suggested memory and its saving per month (null without log data).
    suggested_memory_mb: Option<u32>,
    monthly_saving_usd: Option<Usd>,
    /// Catalog id → the month there (`null` where it cannot be priced).
    cost_on: BTreeMap<&'a str, Option<Usd>>,
}

fn json(t: &FunctionsTable) -> JsonTable<'_> {
    JsonTable {
        account: &t.account,
        from: t.from,
        to: t.to,
        functions: t
            .functions
            .iter()
            .map(|f| JsonRow {
                name: &f.function.config.name,
                memory_mb: f.function.config.memory_mb,
                architecture: &f.function.config.architecture,
                invocations: f.invocations,
                errors: f.errors,
                throttles: f.throttles,
                duration_p50_ms: f.p50_ms,
                duration_p99_ms: f.p99_ms,
                monthly_usd: f.monthly_cost_usd,
                cold_starts: f.measured.cold_starts,
                cold_start_rate: f.measured.cold_start_rate,
                max_memory_used_mb: f.measured.max_memory_used_mb,
                memory_used_p99_mb: f.measured.memory_used_p99_mb,
                suggested_memory_mb: f.rightsizing.as_ref().map(|r| r.suggested_mb),
                monthly_saving_usd: f.monthly_saving_usd,
                cost_on: f
                    .cost_on
                    .iter()
                    .map(|(p, c)| (p.as_str(), c.as_ref().ok().copied()))
                    .collect(),
            })
            .collect(),
    }
}

fn ms(x: Option<f64>) -> String {
    x.map(|v| group_digits(&format!("{v:.0}")))
        .unwrap_or_else(|| "–".into())
}

fn count(n: u64) -> String {
    group_digits(&n.to_string())
}

/// The readable table.
fn render(t: &FunctionsTable, platform_name: &str, platforms: &[String]) -> String {
    let days = t.to.0 - t.from.0 + 1;
    let unit = if days == 1 { "day" } else { "days" };
    let mut o = format!(
        "Account {} · {} to {} ({days} {unit}) · {} functions\n\
         Monthly: cost per 730-hour month on {platform_name} at the window's rate, list prices, no free tier.\n\n",
        t.account,
        t.from,
        t.to,
        t.functions.len()
    );
    let (l, r) = (Align::Left, Align::Right);
    let mut headers = vec![
        ("Function", l),
        ("Memory", r),
        ("Arch", l),
        ("Invocations", r),
        ("Errors", r),
        ("Throttles", r),
        ("p50 ms", r),
        ("p99 ms", r),
        ("Cold starts", r),
        ("Rate", r),
        ("Mem used p99", r),
        ("Suggested", r),
        ("Monthly", r),
        ("Saving/mo", r),
    ];
    let on: Vec<String> = platforms.iter().map(|p| format!("On {p}")).collect();
    headers.extend(on.iter().map(|h| (h.as_str(), r)));
    let mut table = Table::new(&headers);
    let mut problems = Vec::new();
    for f in &t.functions {
        let name = &f.function.config.name;
        let mut row = vec![
            name.clone(),
            format!("{} MB", f.function.config.memory_mb),
            f.function.config.architecture.clone(),
            count(f.invocations),
            count(f.errors),
            count(f.throttles),
            ms(f.p50_ms),
            ms(f.p99_ms),
            f.measured
                .cold_starts
                .map(count)
                .unwrap_or_else(|| "no logs".into()),
            f.measured
                .cold_start_rate
                .map(crate::cli::analyse_view::rate)
                .unwrap_or_else(|| "–".into()),
            f.measured
                .memory_used_p99_mb
                .map(|m| format!("{m} MB"))
                .unwrap_or_else(|| "–".into()),
            f.rightsizing
                .as_ref()
                .map(|x| format!("{} MB", x.suggested_mb))
                .unwrap_or_else(|| "–".into()),
            f.monthly_cost_usd.map(|u| u.to_string()).unwrap_or_default(),
            f.monthly_saving_usd
                .map(|u| u.to_string())
                .unwrap_or_else(|| "–".into()),
        ];
        for p in platforms {
            row.push(match f.cost_on.get(p) {
                Some(Ok(u)) => u.to_string(),
                Some(Err(e)) => {
                    problems.push(format!("{name} on {p}: {}", e.message));
                    "–".to_string()
                }
                None => "–".to_string(),
            });
        }
        table.row(row);
    }
    if !t.functions.is_empty() {
        table.rule();
        let monthly: Usd = t.functions.iter().filter_map(|f| f.monthly_cost_usd).sum();
        let mut row = vec![
            "All functions".to_string(),
            String::new(),
            String::new(),
            count(t.functions.iter().map(|f| f.invocations).sum()),
            count(t.functions.iter().map(|f| f.errors).sum()),
            count(t.functions.iter().map(|f| f.throttles).sum()),
            String::new(),
            String::new(),
            count(t.functions.iter().filter_map(|f| f.measured.cold_starts).sum()),
            String::new(),
            String::new(),
            String::new(),
            monthly.to_string(),
            t.functions
                .iter()
                .filter_map(|f| f.monthly_saving_usd)
                .filter(|u| *u > Usd::ZERO)
                .sum::<Usd>()
                .to_string(),
        ];
        for p in platforms {
            let priced: Vec<Usd> = t
                .functions
                .iter()
                .filter_map(|f| f.cost_on.get(p).and_then(|c| c.as_ref().ok().copied()))
                .collect();
            row.push(if priced.len() == t.functions.len() {
                priced.into_iter().sum::<Usd>().to_string()
            } else {
                "–".to_string()
            });
        }
        table.row(row);
    }
    o += &table.render();
    o += &format!(
        "p50/p99: invocation-weighted mean of the stored periods' percentiles. Cold starts, rate and memory used: \
         REPORT records (\"no logs\": none read). Suggested: the smallest memory holding the p99 of memory used \
         with {}% headroom ({} MB steps); Saving/mo: the current month's cost less that size's (total: the positive \
         savings); `breakeven analyse` states the duration model and the data it rests on.\n",
        rightsize::HEADROOM_PCT,
        rightsize::STEP_MB
    );
    for p in problems {
        o += &format!("not priced: {p}\n");
    }
    o
}
