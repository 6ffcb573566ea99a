//! `breakeven analyse`: where the money goes, the bill reconciled, trends; `--bench` times the
//! polars group-by against SQLite.

use crate::cli::table::{Align, Table};
use crate::cli::{print_json, Globals};
use breakeven::app::analyse::model::{Analysis, CostSplit};
use breakeven::app::analyse::{analyse, AnalyseRequest};
use breakeven::app::dates;
use breakeven::app::import::billing_only;
use breakeven::app::AppError;
use breakeven::bench::analyse as bench;
use breakeven::error_code::ErrorCode;
use breakeven_simulator::pricing::money::group_digits;
use clap::Args;

#[derive(Debug, Args)]
pub struct AnalyseArgs {
    /// Account key (default: the only stored account).
    #[arg(long)]
    pub account: Option<String>,
    /// Only this function (its days are listed too).
    #[arg(long, value_name = "NAME")]
    pub function: Option<String>,
    /// First day, YYYY-MM-DD (default: 30 days before --to).
    #[arg(long, value_name = "DATE")]
    pub from: Option<String>,
    /// Last day, YYYY-MM-DD (default: the last day with stored data).
    #[arg(long, value_name = "DATE")]
    pub to: Option<String>,
    /// Reconciliation days to list (the most recent; all with --json).
    #[arg(long, default_value_t = 10, value_name = "N")]
    pub days_shown: usize,
    #[arg(long)]
    pub json: bool,
    /// Time the polars group-by against the same GROUP BY in SQLite on synthetic rows.
    #[arg(long)]
    pub bench: bool,
    /// Metric rows of the benchmark.
    #[arg(long, default_value = "10000000", value_name = "N")]
    pub rows: String,
}

pub fn run(g: &Globals, a: AnalyseArgs) -> anyhow::Result<()> {
    if a.bench {
        let rows = crate::cli::estimate::parse_count(&a.rows)
            .map_err(|e| AppError::bad_input(ErrorCode::AnalyseBenchRows, format!("--rows: {e}")))?;
        let r = bench::run(rows, &mut |line| eprintln!("{line}"))?;
        return if a.json {
            print_json(&r)
        } else {
            print!("{}", bench::render(&r));
            Ok(())
        };
    }
    let req = AnalyseRequest {
        account: a.account.clone(),
        function: a.function.clone(),
        from: dates::parse_optional_day("--from", a.from.as_deref())?,
        to: dates::parse_optional_day("--to", a.to.as_deref())?,
    };
    dates::check_order(req.from, req.to)?;
    let catalog = g.load_catalog()?;
    let store = g.open_store()?;
    if req.account.is_none() && req.function.is_none() {
        if let Some(b) = billing_only(&store)? {
            if a.json {
                return print_json(&b);
            }
            println!(
                "No account is stored yet (`breakeven sync` or `breakeven demo`). The {} imported \
                 FOCUS charges, grouped provider-neutrally (exact totals, shown to the cent):\n",
                b.focus_charges
            );
            print!("{}", crate::cli::import::cost_tables(&b.views));
            return Ok(());
        }
    }
    let an = analyse(&store, &catalog, &req)?;
    if a.json {
        return print_json(&an);
    }
    print!("{}", render(&an, a.days_shown));
    Ok(())
}

fn pct(x: f64) -> String {
    if x == 0.0 {
        "0".into()
    } else {
        format!("{:.2}%", x * 100.0)
    }
}

fn ms(x: Option<f64>) -> String {
    x.map(|v| group_digits(&format!("{v:.0}")))
        .unwrap_or_else(|| "–".into())
}

fn split_cells(c: &CostSplit) -> Vec<String> {
    [
        c.requests_usd,
        c.compute_usd,
        c.provisioned_usd,
        c.init_usd,
        c.storage_usd,
        c.total_usd,
    ]
    .iter()
    .map(|u| u.to_string())
    .collect()
}

const R: Align = Align::Right;
const L: Align = Align::Left;

/// The readable report.
pub fn render(an: &Analysis, days_shown: usize) -> String {
    let mut o = String::new();
    let scope = an
        .function
        .as_deref()
        .map(|f| format!(" · function {f}"))
        .unwrap_or_default();
    let unit = if an.days == 1 { "day" } else { "days" };
    o += &format!(
        "Account {} · {} to {} ({} {unit}){scope}\n\n",
        an.account, an.from, an.to, an.days
    );

    o += &format!(
        "Where the money goes: usage-derived {} cost (metrics × catalog prices)\n",
        an.platform_name
    );
    // With a billing export stored, each function's bill sits beside its usage-derived cost.
    let export = an.functions.iter().any(|f| f.billed_usd.is_some());
    let mut columns = vec![
        ("Function", L),
        ("Requests", R),
        ("Compute", R),
        ("Provisioned", R),
        ("Init", R),
        ("Storage", R),
        ("Total", R),
        ("Share", R),
    ];
    if export {
        columns.push(("Billed (export)", R));
    }
    let mut t = Table::new(&columns);
    for f in &an.functions {
        let mut row = vec![f.name.clone()];
        row.extend(split_cells(&f.cost));
        row.push(format!("{}%", f.share_pct));
        if let Some(b) = f.billed_usd {
            row.push(b.to_string());
        }
        t.row(row);
    }
    t.rule();
    let mut row = vec!["All functions".to_string()];
    row.extend(split_cells(&an.usage_cost.split));
    if export {
        row.push(String::new());
        row.push(
            an.functions
                .iter()
                .filter_map(|f| f.billed_usd)
                .sum::<breakeven_simulator::pricing::Usd>()
                .to_string(),
        );
    }
    t.row(row);
    if an.function.is_none() {
        t.row(vec![
            "Free tier credit (accounts that have it)".into(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            an.usage_cost.free_tier_credit_usd.to_string(),
        ]);
        t.row(vec![
            "Total with free tier".into(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            an.usage_cost.total_with_free_tier_usd.to_string(),
        ]);
    }
    o += &t.render();
    if an.platform == breakeven::analytics::cost::PLATFORM {
        let with_logs = an
            .functions
            .iter()
            .filter(|f| f.measured.cold_starts.is_some())
            .count();
        o += &format!(
            "init: measured INIT of cold starts from REPORT records ({with_logs} of {} functions have log data; \
             the others' INIT is not in CloudWatch metrics and shows in reconciliation).\n\n",
            an.functions.len()
        );
    } else {
        o += &format!(
            "Priced on {} ({}): the functions come from an imported trace, with no bill.\n\n",
            an.platform_name, an.platform
        );
    }

    o += "Usage per function\n";
    let mut t = Table::new(&[
        ("Function", L),
        ("Memory", R),
        ("Arch", L),
        ("Invocations", R),
        ("GB-s", R),
        ("Errors", R),
        ("Throttles", R),
        ("Avg ms", R),
        ("p50 ms", R),
        ("p99 ms", R),
        ("Peak conc.", R),
    ]);
    for f in &an.functions {
        let u = &f.usage;
        t.row(vec![
            f.name.clone(),
            format!("{} MB", f.memory_mb),
            f.architecture.clone(),
            group_digits(&u.invocations.to_string()),
            group_digits(&format!("{:.0}", u.gb_seconds)),
            pct(u.error_rate),
            pct(u.throttle_rate),
            ms(u.duration_avg_ms),
            ms(u.duration_p50_ms),
            ms(u.duration_p99_ms),
            ms(u.peak_concurrency),
        ]);
    }
    o += &t.render();
    o += "p50/p99: invocation-weighted mean of the stored periods' percentiles.\n\n";
    o += &crate::cli::analyse_view::measured(an);

    if an.function.is_some() {
        o += "Per day\n";
        let mut t = Table::new(&[
            ("Day", L),
            ("Invocations", R),
            ("GB-s", R),
            ("Errors", R),
            ("p99 ms", R),
            ("Peak conc.", R),
            ("Cost", R),
        ]);
        for d in &an.function_days {
            t.row(vec![
                d.day.to_string(),
                group_digits(&d.usage.invocations.to_string()),
                group_digits(&format!("{:.0}", d.usage.gb_seconds)),
                pct(d.usage.error_rate),
                ms(d.usage.duration_p99_ms),
                ms(d.usage.peak_concurrency),
                d.cost.total_usd.to_string(),
            ]);
        }
        o += &t.render();
        o += "\n";
    }

    o += &crate::cli::analyse_view::billed(an);
    o += &crate::cli::analyse_view::reconciliation(an, days_shown);
    o += &crate::cli::analyse_view::commitments(an, days_shown);
    o += &crate::cli::analyse_view::trends(an);
    o
}
