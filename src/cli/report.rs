//! `breakeven report`: a scenario's cost, break-even and memory report, or a report of stored
//! data (an account, or one function of it), as HTML, CSV, JSON or Markdown.

use crate::cli::table::{Align, Table};
use crate::cli::{print_json, Globals};
use breakeven::app::account_report::{self, StoredScope};
use breakeven::app::parse::parse_duration_ms;
use breakeven::app::report::{self as app, ReportOptions, ReportOutcome};
use breakeven::app::simulate::{self as app_sim, RunOptions};
use breakeven::app::AppError;
use breakeven::bench::report::{self as bench, ReportBench};
use breakeven::error_code::ErrorCode;
use breakeven::report::Format;
use breakeven::store::Day;
use breakeven_simulator::pricing::PriceCatalog;
use breakeven_simulator::sweep::{SweepMode, TrafficSweep};
use clap::Args;
use std::path::PathBuf;

/// A report must be written within this, ms (once the simulation has run).
const BUDGET_MS: f64 = 1000.0;

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Scenario file (TOML; see docs/scenario-format.md).
    #[arg(long, value_name = "FILE", required_unless_present_any = ["function", "account"],
          conflicts_with_all = ["function", "account", "from", "to"])]
    scenario: Option<PathBuf>,
    /// Report on one stored function: its cost split, metrics per day, the bill reconciled and
    /// its traffic replayed on other platforms.
    #[arg(long, value_name = "NAME")]
    function: Option<String>,
    /// Report on a stored account (KEY: default the only one), or the account of --function.
    #[arg(long, value_name = "KEY", num_args = 0..=1, default_missing_value = "")]
    account: Option<String>,
    /// First day of a stored-data report, YYYY-MM-DD (default: 30 days before --to).
    #[arg(long, value_name = "DATE")]
    from: Option<String>,
    /// Last day of a stored-data report, YYYY-MM-DD (default: the last day with stored data).
    #[arg(long, value_name = "DATE")]
    to: Option<String>,
    /// html: one self-contained page; csv: a directory of tables; json; md (Markdown).
    #[arg(long, default_value = "html", value_parser = parse_format)]
    format: Format,
    /// Output file (a directory for csv). Required unless --bench.
    #[arg(long, value_name = "PATH", required_unless_present = "bench")]
    out: Option<PathBuf>,
    /// Replace the workload's name, custom platform labels, function names and account ids with
    /// stable pseudonyms.
    #[arg(long)]
    anonymise: bool,
    /// Break-even range, as multiples of the scenario's traffic: FROM..TO.
    #[arg(long, default_value = "0.01..100", value_name = "FROM..TO")]
    traffic: String,
    /// Number of traffic levels in the break-even sweep.
    #[arg(long, default_value_t = 9)]
    steps: usize,
    /// Memory sizes to tune function platforms over, MB: FROM..TO.
    #[arg(long, default_value = "128..3008", value_name = "FROM..TO")]
    memory: String,
    /// Leave the break-even section out.
    #[arg(long)]
    no_sweep: bool,
    /// Leave the memory section out.
    #[arg(long)]
    no_tune: bool,
    /// Simulated time instead of the scenario's, e.g. 7d, 12h.
    #[arg(long, value_parser = parse_duration_ms, value_name = "DURATION")]
    horizon: Option<f64>,
    /// Seed instead of the scenario's.
    #[arg(long)]
    seed: Option<u64>,
    /// Time every format (model, charts, export, write) against one run of the scenario as the
    /// baseline and the 1 s budget; writes into a temporary directory.
    #[arg(long)]
    bench: bool,
    /// Repetitions per format with --bench (the median is printed).
    #[arg(long, default_value_t = 5)]
    repeat: usize,
    /// Print the outcome as JSON.
    #[arg(long)]
    json: bool,
    /// A negotiated discount off list: PROVIDER=PCT (`aws=7%`) or PROVIDER:PLATFORM=PCT;
    /// repeatable; over the config file's `[discounts]`.
    #[arg(long = "discount", value_name = "PROVIDER=PCT", value_parser = crate::cli::parse_discount)]
    discounts: Vec<breakeven_simulator::pricing::Discount>,
}

fn parse_format(s: &str) -> Result<Format, String> {
    s.parse()
}

fn bad(m: String) -> anyhow::Error {
    AppError::bad_input(ErrorCode::BadRange, m).into()
}

fn day(flag: &str, s: &Option<String>) -> anyhow::Result<Option<Day>> {
    Ok(breakeven::app::dates::parse_optional_day(flag, s.as_deref())?)
}

pub fn run(g: &Globals, a: ReportArgs) -> anyhow::Result<()> {
    let catalog = g.load_catalog()?;
    let Some(scenario) = a.scenario.clone() else {
        return stored(g, &catalog, a);
    };
    let sweep = if a.no_sweep {
        None
    } else {
        let (from, to) = app_sim::parse_range(&a.traffic).map_err(bad)?;
        let sw = TrafficSweep {
            from,
            to,
            steps: a.steps.max(2),
            mode: SweepMode::Auto,
        };
        sw.validate().map_err(bad)?;
        Some(sw)
    };
    let memory_mb = if a.no_tune {
        None
    } else {
        let (from, to) = app_sim::parse_range(&a.memory).map_err(bad)?;
        Some((from as u32, to as u32))
    };
    let o = ReportOptions {
        overrides: RunOptions {
            horizon_ms: a.horizon,
            seed: a.seed,
            ..RunOptions::default()
        },
        sweep,
        memory_mb,
        anonymise: a.anonymise,
    };
    if let Some(out) = &a.out {
        let out = g.out_path(out).protect(&scenario, "the scenario");
        let mut s = app_sim::load_scenario(&catalog, &scenario)?;
        breakeven::app::discounts::apply(&mut s, &g.discounts(&a.discounts)?);
        let bar = crate::cli::progress::StepBar::new(a.json);
        let outcome = app::report_with(&catalog, &s, a.format, &out, &o, &|st| {
            bar.step(st.done, st.total, &st.what)
        });
        bar.finish();
        let outcome = outcome?;
        if a.json && !a.bench {
            return print_json(&outcome);
        }
        print!("{}", describe(&outcome));
    }
    if a.bench {
        let dir = std::env::temp_dir().join(format!("breakeven-report-bench-{}", std::process::id()));
        std::fs::create_dir_all(&dir)?;
        let result = bench::run(&catalog, &scenario, &o, &dir, a.repeat);
        // Best effort: the directory only holds this run's copies of the report.
        let _ = std::fs::remove_dir_all(&dir);
        let b = result?;
        if a.json {
            return print_json(&b);
        }
        print!("{}", bench_table(&b));
    }
    Ok(())
}

/// `--function` / `--account`: a report of stored data.
fn stored(g: &Globals, catalog: &PriceCatalog, a: ReportArgs) -> anyhow::Result<()> {
    let out = match (&a.out, a.bench) {
        (Some(out), false) => out,
        _ => return Err(AppError::bad_input(
            ErrorCode::ReportBenchStored,
            "--bench times scenario reports (give --scenario FILE); a stored-data report needs --out PATH",
        )
        .into()),
    };
    let scope = StoredScope {
        account: a.account.clone().filter(|k| !k.is_empty()),
        function: a.function.clone(),
        from: day("--from", &a.from)?,
        to: day("--to", &a.to)?,
    };
    let store = g.open_store()?;
    let out = g.out_path(out);
    let outcome = account_report::report_stored(&store, catalog, &scope, a.format, &out, a.anonymise)?;
    if a.json {
        return print_json(&outcome);
    }
    print!("{}", describe_stored(&outcome, scope.function.is_some()));
    Ok(())
}

fn written(o: &ReportOutcome) -> String {
    match o.files.as_slice() {
        [one] => format!("wrote {} ({} KB)", one.display(), o.bytes.div_ceil(1024)),
        files => format!(
            "wrote {} files ({} KB) into {}",
            files.len(),
            o.bytes.div_ceil(1024),
            files
                .first()
                .and_then(|f| f.parent())
                .map(|p| p.display().to_string())
                .unwrap_or_default()
        ),
    }
}

fn describe_stored(o: &ReportOutcome, function: bool) -> String {
    let t = &o.timings;
    format!(
        "{} in {:.0} ms: {} {:.0} ms, report {:.0} ms\n",
        written(o),
        t.simulate_ms + t.render_ms + t.write_ms,
        if function {
            "analysis and what-if replay"
        } else {
            "analysis"
        },
        t.simulate_ms,
        t.render_ms + t.write_ms,
    )
}

fn describe(o: &ReportOutcome) -> String {
    let t = &o.timings;
    let sim = t.simulate_ms + t.sweep_ms + t.tune_ms;
    let files = written(o);
    format!(
        "{files} in {:.0} ms: simulation {sim:.0} ms (run {:.0}, break-even sweep {:.0}, memory tuning {:.0}), \
         report {:.0} ms\n",
        sim + t.render_ms + t.write_ms,
        t.simulate_ms,
        t.sweep_ms,
        t.tune_ms,
        t.render_ms + t.write_ms,
    )
}

fn bench_table(b: &ReportBench) -> String {
    let mut t = Table::new(&[
        ("Format", Align::Left),
        ("Model, charts, export", Align::Right),
        ("Write", Align::Right),
        ("Report", Align::Right),
        ("vs baseline", Align::Right),
        ("Size", Align::Right),
        ("Budget 1 s", Align::Left),
    ]);
    for f in &b.formats {
        let total = f.render_ms + f.write_ms;
        t.row(vec![
            f.format.to_string(),
            format!("{:.1} ms", f.render_ms),
            format!("{:.1} ms", f.write_ms),
            format!("{total:.1} ms"),
            format!(
                "{:.3}×",
                if b.simulate_ms > 0.0 {
                    total / b.simulate_ms
                } else {
                    0.0
                }
            ),
            format!("{} KB", f.bytes.div_ceil(1024)),
            if total < BUDGET_MS { "within" } else { "OVER" }.to_string(),
        ]);
    }
    format!(
        "report benchmark: {} · {} platforms · {:.0} days simulated · median of {} runs per format\n\
         baseline: one run of the scenario (simulate, no sweep or tuning) = {:.1} ms\n\n{}",
        b.scenario,
        b.platforms,
        b.horizon_s / 86_400.0,
        b.repetitions,
        b.simulate_ms,
        t.render()
    )
}
