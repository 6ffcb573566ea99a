//! `breakeven simulate`, `sweep` and `tune`: scenario files through the simulator.

use crate::cli::table::{Align, Table};
use crate::cli::{print_json, Globals};
use breakeven::app::parse::group;
use breakeven::app::parse::parse_duration_ms;
use breakeven::app::simulate::{self as app, RunOptions, Timed};
use breakeven::error_code::ErrorCode;
use breakeven_simulator::pricing::Usd;
use breakeven_simulator::scenario::Mode;
use breakeven_simulator::sweep::tune::TuneResult;
use breakeven_simulator::sweep::{SweepMode, SweepResult, TrafficSweep};
use breakeven_simulator::SimulationResult;
use clap::{Args, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ModeArg {
    Exact,
    Aggregate,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum SweepModeArg {
    Auto,
    Exact,
    Aggregate,
}

/// Options shared by the three commands.
#[derive(Debug, Args)]
pub struct ScenarioArgs {
    /// Scenario file (TOML; see docs/scenario-format.md).
    file: PathBuf,
    /// Simulated time instead of the scenario's, e.g. 7d, 12h.
    #[arg(long, value_parser = parse_duration_ms, value_name = "DURATION")]
    horizon: Option<f64>,
    /// Seed instead of the scenario's.
    #[arg(long)]
    seed: Option<u64>,
    /// Print JSON instead of tables.
    #[arg(long)]
    json: bool,
    /// A negotiated discount off list: PROVIDER=PCT (`aws=7%`) or PROVIDER:PLATFORM=PCT
    /// (`aws:aws-lambda=5%`); repeatable; over the config file's `[discounts]`.
    #[arg(long = "discount", value_name = "PROVIDER=PCT", value_parser = crate::cli::parse_discount)]
    discounts: Vec<breakeven_simulator::pricing::Discount>,
}

/// The scenario of `a` with the config file's and the flags' discounts.
fn load(
    g: &Globals,
    catalog: &breakeven_simulator::pricing::PriceCatalog,
    a: &ScenarioArgs,
) -> anyhow::Result<breakeven_simulator::Scenario> {
    let mut s = app::load_scenario(catalog, &a.file)?;
    breakeven::app::discounts::apply(&mut s, &g.discounts(&a.discounts)?);
    Ok(s)
}

#[derive(Debug, Args)]
pub struct SimulateArgs {
    #[command(flatten)]
    s: ScenarioArgs,
    /// Exact (one event per request) or aggregate (per-minute estimates); default: the scenario's.
    #[arg(long, value_enum)]
    mode: Option<ModeArg>,
    /// Leave the per-minute timeline out of the JSON.
    #[arg(long)]
    no_timeline: bool,
}

#[derive(Debug, Args)]
pub struct SweepArgs {
    #[command(flatten)]
    s: ScenarioArgs,
    /// Multiples of the scenario's traffic to try, log-spaced: FROM..TO (within 1e-6..1e6).
    #[arg(long, default_value = "0.1..10", value_name = "FROM..TO")]
    traffic: String,
    /// Number of traffic levels (1 to 100).
    #[arg(long, default_value_t = 9)]
    steps: usize,
    /// auto: exact up to 20M requests per platform and level, aggregate above.
    #[arg(long, value_enum, default_value = "auto")]
    mode: SweepModeArg,
}

#[derive(Debug, Args)]
pub struct TuneArgs {
    #[command(flatten)]
    s: ScenarioArgs,
    /// Memory sizes to try, MB: FROM..TO.
    #[arg(long, default_value = "128..10240", value_name = "FROM..TO")]
    memory: String,
}

fn overrides(a: &ScenarioArgs, mode: Option<Mode>) -> RunOptions {
    RunOptions {
        mode,
        horizon_ms: a.horizon,
        seed: a.seed,
        ..RunOptions::default()
    }
}

fn bad(code: ErrorCode, m: String) -> anyhow::Error {
    breakeven::app::AppError::bad_input(code, m).into()
}

pub fn simulate(g: &Globals, a: SimulateArgs) -> anyhow::Result<()> {
    let catalog = g.load_catalog()?;
    let scenario = load(g, &catalog, &a.s)?;
    let mode = a.mode.map(|m| match m {
        ModeArg::Exact => Mode::Exact,
        ModeArg::Aggregate => Mode::Aggregate,
    });
    let opts = RunOptions {
        timeline: a.s.json && !a.no_timeline,
        ..overrides(&a.s, mode)
    };
    let r = app::simulate(&catalog, &scenario, &opts)?;
    if a.s.json {
        return print_json(&r);
    }
    print!("{}", render_simulation(&r));
    Ok(())
}

pub fn sweep(g: &Globals, a: SweepArgs) -> anyhow::Result<()> {
    let (from, to) = app::parse_range(&a.traffic).map_err(|m| bad(ErrorCode::BadRange, m))?;
    let sw = TrafficSweep {
        from,
        to,
        steps: a.steps,
        mode: match a.mode {
            SweepModeArg::Auto => SweepMode::Auto,
            SweepModeArg::Exact => SweepMode::Exact,
            SweepModeArg::Aggregate => SweepMode::Aggregate,
        },
    };
    sw.validate().map_err(|m| bad(ErrorCode::BadRange, m))?;
    let catalog = g.load_catalog()?;
    let scenario = load(g, &catalog, &a.s)?;
    let r = app::sweep(&catalog, &scenario, &overrides(&a.s, None), &sw)?;
    if a.s.json {
        return print_json(&r);
    }
    print!("{}", render_sweep(&r));
    Ok(())
}

pub fn tune(g: &Globals, a: TuneArgs) -> anyhow::Result<()> {
    let catalog = g.load_catalog()?;
    let scenario = load(g, &catalog, &a.s)?;
    let (from, to) = app::parse_range(&a.memory).map_err(|m| bad(ErrorCode::BadRange, m))?;
    let r = app::tune(
        &catalog,
        &scenario,
        &overrides(&a.s, None),
        from as u32,
        to as u32,
    )?;
    if a.s.json {
        return print_json(&r);
    }
    print!("{}", render_tune(&r));
    Ok(())
}

/// A duration in the largest unit that keeps it whole-ish: `30 d`, `6 h`, `90 s`.
fn span(seconds: f64) -> String {
    match seconds {
        s if s >= 86_400.0 && (s / 86_400.0).fract() == 0.0 => format!("{} d", s / 86_400.0),
        s if s >= 3_600.0 && (s / 3_600.0).fract() == 0.0 => format!("{} h", s / 3_600.0),
        s if s >= 60.0 && (s / 60.0).fract() == 0.0 => format!("{} min", s / 60.0),
        s => format!("{s} s"),
    }
}

fn ms(x: f64) -> String {
    if x >= 100.0 {
        format!("{x:.0}")
    } else {
        format!("{x:.1}")
    }
}

fn pct(x: f64) -> String {
    if x == 0.0 {
        "0".into()
    } else if x < 0.001 {
        format!("{:.3}%", x * 100.0)
    } else {
        format!("{:.1}%", x * 100.0)
    }
}

/// Three significant digits: `0.0251`, `2.51`, `39.8`, `100`.
fn sig3(x: f64) -> String {
    if x <= 0.0 || !x.is_finite() {
        return x.to_string();
    }
    let digits = (2 - x.log10().floor() as i32).max(0) as usize;
    let s = format!("{x:.digits$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// Rates span five decades: keep three significant digits.
fn rate(x: f64) -> String {
    if x >= 100.0 {
        format!("{x:.0}")
    } else if x >= 1.0 {
        format!("{x:.2}")
    } else {
        format!("{x:.3}")
    }
}

fn render_simulation(t: &Timed<SimulationResult>) -> String {
    let r = &t.result;
    let mut out = format!(
        "{} · seed {} · {} simulated · {} mode · {} requests in {:.1} s\n\n",
        r.scenario,
        r.seed,
        span(r.horizon_s),
        match r.mode {
            Mode::Exact => "exact",
            Mode::Aggregate => "aggregate",
        },
        group(r.simulated_requests),
        t.wall_ms as f64 / 1000.0
    );
    let period = span(r.horizon_s);
    let mut tab = Table::new(&[
        ("Platform", Align::Left),
        ("Requests", Align::Right),
        ("Cold", Align::Right),
        ("Throttled", Align::Right),
        ("Instances avg/peak", Align::Right),
        ("Util", Align::Right),
        ("p50 ms", Align::Right),
        ("p99 ms", Align::Right),
        ("Max ms", Align::Right),
        (&format!("Cost ({period})"), Align::Right),
        ("Per month", Align::Right),
    ]);
    for p in &r.platforms {
        tab.row(vec![
            p.label.clone(),
            group(p.requests),
            pct(p.cold_start_probability),
            if p.throttled == 0 {
                "0".into()
            } else {
                format!("{} ({})", group(p.throttled), pct(p.throttle_probability))
            },
            format!("{:.2} / {}", p.avg_instances, p.peak_instances),
            pct(p.utilisation),
            ms(p.latency_ms.p50),
            ms(p.latency_ms.p99),
            ms(p.latency_ms.max),
            p.cost.total_usd.to_string(),
            p.cost.monthly_usd.to_string(),
        ]);
    }
    out.push_str(&tab.render());
    out.push_str(&format!(
        "\nCost: the {period} billed as one period (free tiers once); per month: the same traffic over 730 h.\n"
    ));
    for p in &r.platforms {
        out.push_str(&format!(
            "\n{} — {} ({}, {} MB)\n",
            p.label, p.name, p.region, p.memory_mb
        ));
        for l in &p.cost.lines {
            out.push_str(&format!("  {:<58} {:>14}\n", l.item, l.amount.to_string()));
        }
        if let Some(q) = &p.queue_wait_ms {
            out.push_str(&format!(
                "  queueing: mean {} ms, p99 {} ms\n",
                ms(q.mean),
                ms(q.p99)
            ));
        }
        for n in p.cost.notes.iter().chain(&p.notes) {
            out.push_str(&format!("  note: {n}\n"));
        }
        if let Some(c) = &p.committed {
            out.push_str(&render_committed(c));
        }
    }
    out
}

/// A platform's bill with commitments: its new total, each dimension covered and uncovered, and
/// each commitment's utilisation, coverage and waste.
fn render_committed(c: &breakeven_simulator::platform::committed::CommittedCost) -> String {
    let mut out = format!(
        "  with commitments: {} ({} per month)\n",
        c.total_usd, c.monthly_usd
    );
    for d in &c.coverage {
        out.push_str(&format!(
            "    {:<44} covered {:>12}  uncovered (on-demand) {:>12}\n",
            d.item,
            d.covered_usd.to_string(),
            d.uncovered_usd.to_string()
        ));
    }
    for k in &c.commitments {
        out.push_str(&format!(
            "    {}: cost {}, used {}, wasted {}, utilisation {}, coverage {}, saving {}\n",
            k.spec,
            k.cost_usd,
            k.used_usd,
            k.wasted_usd,
            pct(k.utilisation),
            pct(k.coverage),
            k.saving_usd
        ));
    }
    for n in &c.notes {
        out.push_str(&format!("    note: {n}\n"));
    }
    out
}

fn render_sweep(t: &Timed<SweepResult>) -> String {
    let r = &t.result;
    let mut out = format!(
        "{} · monthly cost as traffic scales (×1 = {} req/s) · {} levels in {:.1} s\n\n",
        r.scenario,
        rate(r.base_rate_per_s),
        r.points.len(),
        t.wall_ms as f64 / 1000.0
    );
    let mut headers: Vec<(String, Align)> = vec![
        ("Traffic".into(), Align::Right),
        ("req/s".into(), Align::Right),
        ("req/month".into(), Align::Right),
    ];
    headers.extend(r.labels.iter().map(|l| (l.clone(), Align::Right)));
    headers.push(("Cheapest".into(), Align::Left));
    let refs: Vec<(&str, Align)> = headers.iter().map(|(h, a)| (h.as_str(), *a)).collect();
    let mut tab = Table::new(&refs);
    let mut approx = false;
    let mut overloaded = false;
    for p in &r.points {
        let mark = if p.mode == Mode::Aggregate {
            approx = true;
            "~"
        } else {
            ""
        };
        let mut row = vec![
            format!("{mark}×{}", sig3(p.traffic_factor)),
            rate(p.mean_rate_per_s),
            group(p.requests_per_month as u64),
        ];
        row.extend(p.platforms.iter().map(|c| {
            let with = c
                .committed_monthly_usd
                .map(|m| format!(" ({m})"))
                .unwrap_or_default();
            if c.overloaded {
                overloaded = true;
                format!("!{}{with}", c.monthly_usd)
            } else {
                format!("{}{with}", c.monthly_usd)
            }
        }));
        row.push(p.cheapest.clone());
        tab.row(row);
    }
    out.push_str(&tab.render());
    if approx {
        out.push_str("~ aggregate mode (per-minute estimates) at this traffic\n");
    }
    if overloaded {
        out.push_str("! overloaded: over 1% of requests throttled, or requests queue longer than they run\n");
    }
    if r.committed_shifts.is_some() {
        out.push_str("(in brackets) the monthly cost with the scenario's commitments\n");
    }
    out.push_str("\nBreak-even:\n");
    if r.crossings.is_empty() {
        out.push_str("  no cost lines cross in this range\n");
    }
    for c in &r.crossings {
        out.push_str(&format!(
            "  {} is cheaper than {} below {} req/s ({} requests/month, ×{}){}\n",
            c.cheaper_below,
            c.cheaper_above,
            rate(c.mean_rate_per_s),
            group(c.requests_per_month as u64),
            sig3(c.traffic_factor),
            crossing_method(c),
        ));
    }
    if let Some(f) = &r.refinement {
        out.push_str(&format!(
            "  refined exactly: {} of {} crossings, nearest the scenario's traffic first ({} exact runs, {} requests, budget {}); the others are per-minute estimates (cost within about 2.5 %); --mode exact runs every level exactly\n",
            f.refined,
            f.refined + f.estimated,
            f.exact_runs,
            group(f.exact_requests),
            group(f.budget_requests),
        ));
    }
    if let Some(shifts) = &r.committed_shifts {
        out.push_str("\nWith the scenario's commitments:\n");
        if shifts.is_empty() {
            out.push_str("  no cost lines cross in this range, with or without them\n");
        }
        for s in shifts {
            let line = match (s.from_rate_per_s, s.to_rate_per_s) {
                (Some(f), Some(t)) if (t - f).abs() < 1e-9 => format!(
                    "  the break-even of {} and {} stays at {} req/s\n",
                    s.a,
                    s.b,
                    rate(f)
                ),
                (Some(f), Some(t)) => format!(
                    "  with commitments the break-even of {} against {} moves from {} to {} req/s ({:+.0}%)\n",
                    s.a,
                    s.b,
                    rate(f),
                    rate(t),
                    (t / f - 1.0) * 100.0
                ),
                (None, Some(t)) => format!(
                    "  with commitments {} and {} break even at {} req/s (no crossing at list price)\n",
                    s.a,
                    s.b,
                    rate(t)
                ),
                (Some(f), None) => format!(
                    "  with commitments the break-even of {} and {} at {} req/s leaves the range\n",
                    s.a,
                    s.b,
                    rate(f)
                ),
                (None, None) => String::new(),
            };
            out.push_str(&line);
        }
    }
    out
}

/// How a crossing was found, as a suffix of its line.
fn crossing_method(c: &breakeven_simulator::sweep::Crossing) -> String {
    use breakeven_simulator::sweep::CrossingMethod;
    match c.method {
        CrossingMethod::Exact => String::new(),
        CrossingMethod::Estimate => " · estimate".into(),
        CrossingMethod::Refined => format!(" · refined by {} exact runs", c.exact_runs),
    }
}

fn render_tune(t: &Timed<TuneResult>) -> String {
    let r = &t.result;
    let mut out = format!("{} · cost and latency by memory size\n", r.scenario);
    for p in &r.platforms {
        out.push_str(&format!("\n{}\n", p.label));
        let mut tab = Table::new(&[
            ("Memory", Align::Right),
            ("Per month", Align::Right),
            ("Duration ×", Align::Right),
            ("Mean ms", Align::Right),
            ("p50 ms", Align::Right),
            ("p95 ms", Align::Right),
            ("p99 ms", Align::Right),
            ("Cold", Align::Right),
            ("Mode", Align::Left),
            ("", Align::Left),
        ]);
        for row in &p.rows {
            let mut tags = Vec::new();
            if row.memory_mb == p.cheapest_mb {
                tags.push("cheapest");
            }
            if row.memory_mb == p.fastest_within_10pct_mb {
                tags.push("fastest within 10%");
            }
            tab.row(vec![
                format!("{} MB", row.memory_mb),
                row.monthly_usd.to_string(),
                format!("{:.2}", row.duration_factor),
                ms(row.mean_ms),
                ms(row.p50_ms),
                ms(row.p95_ms),
                ms(row.p99_ms),
                pct(row.cold_start_probability),
                row.mode.to_string(),
                tags.join(", "),
            ]);
        }
        out.push_str(&tab.render());
        let cost = |m: u32| {
            p.rows
                .iter()
                .find(|r| r.memory_mb == m)
                .map(|r| r.monthly_usd)
                .unwrap_or(Usd::ZERO)
        };
        out.push_str(&format!(
            "pick: {} MB is cheapest ({}/month); {} MB is the fastest within 10% of that ({}/month)\n",
            p.cheapest_mb,
            cost(p.cheapest_mb),
            p.fastest_within_10pct_mb,
            cost(p.fastest_within_10pct_mb)
        ));
    }
    out.push_str(&format!("\nhow: {}\n", r.method));
    if !r.skipped.is_empty() {
        out.push_str(&format!(
            "\nnot tuned (memory is fixed or not a function platform): {}\n",
            r.skipped.join(", ")
        ));
    }
    out
}
