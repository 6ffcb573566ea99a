//! The desktop what-if editor: an edited scenario is checked by the rules a scenario file is read
//! with ([`Scenario::validate`]), previewed live on a representative slice of its horizon, swept
//! for break-even, and read from or written to scenario files in the CLI's TOML format. The
//! typed [`Scenario`] is what crosses between the view and this layer; TOML text is only what a
//! file holds.

use crate::app::error::{AppError, Result};
use crate::app::estimate::{category_totals, CategoryTotal};
use crate::app::output::OutPath;
use crate::app::simulate::parse_scenario;
use crate::error_code::ErrorCode;
use breakeven_simulator::pricing::PriceCatalog;
use breakeven_simulator::scenario::{self, Mode, Scenario};
use breakeven_simulator::sweep::{mean_rate_per_s, traffic, SweepMode, SweepResult, TrafficSweep};
use breakeven_simulator::workload::Arrivals;
use breakeven_simulator::{simulate, RunOptions, SimulationResult};
use serde::Serialize;
use std::path::Path;
use std::time::Instant;

/// Requests × platforms a live preview simulates request by request at most: about 100 ms of
/// engine time on a busy two-core machine, so an edit is redrawn within 200 ms.
pub const PREVIEW_BUDGET: f64 = 250_000.0;
/// A preview never simulates less than this, ms (one hour).
const MIN_PREVIEW_MS: f64 = 3_600_000.0;
const DAY_MS: f64 = 86_400_000.0;

/// What a run actually simulated, for the view to say so.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PreviewPlan {
    /// Simulated time, s (the scenario's horizon, or a representative slice of it).
    pub horizon_s: f64,
    /// The scenario's own horizon, s.
    pub full_horizon_s: f64,
    pub mode: Mode,
    /// True when this is the scenario as written: full horizon, its own mode.
    pub exact: bool,
    /// Expected requests per platform over the simulated horizon.
    pub expected_requests: f64,
}

/// A live or exact what-if run.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct WhatIfRun {
    pub plan: PreviewPlan,
    pub result: SimulationResult,
    /// Per platform (as in `result.platforms`): the bill of the simulated period by category
    /// ([`category_totals`]).
    pub categories: Vec<Vec<CategoryTotal>>,
    /// Engine time of this run, ms (the view adds the IPC and redraw around it).
    pub engine_ms: f64,
}

/// The shortest stretch of time over which the arrival process shows its whole pattern, ms.
fn pattern_ms(a: &Arrivals) -> f64 {
    match a {
        Arrivals::Poisson { .. } | Arrivals::Constant { .. } => MIN_PREVIEW_MS,
        Arrivals::Diurnal { period_h, .. } => period_h * 3_600_000.0,
        Arrivals::Bursty {
            mean_on_s,
            mean_off_s,
            ..
        } => 20.0 * (mean_on_s + mean_off_s) * 1000.0,
        Arrivals::Spike { spikes, .. } => spikes
            .iter()
            .map(|s| (s.at_s + s.duration_s) * 1000.0)
            .fold(MIN_PREVIEW_MS, f64::max),
        // A recording has no shorter representative part.
        Arrivals::Replay { .. } => f64::INFINITY,
    }
}

/// How to preview `s` live: the whole scenario when it is small enough to simulate request by
/// request; else as many whole periods of its traffic pattern (a day for a daily cycle) as fit
/// that budget; else one period in aggregate mode (per-minute estimates). Monthly figures are
/// scaled to 730 hours either way, so a repeating pattern prices the same month.
pub fn plan(s: &Scenario, exact: bool) -> PreviewPlan {
    let full_ms = s.workload.horizon_ms;
    let rate = mean_rate_per_s(s);
    let n = s.platforms.len().max(1) as f64;
    let requests = |ms: f64| rate * ms / 1000.0;
    let whole = |ms: f64, mode: Mode, exact: bool| PreviewPlan {
        horizon_s: ms / 1000.0,
        full_horizon_s: full_ms / 1000.0,
        mode,
        exact,
        expected_requests: requests(ms).round(),
    };
    if exact || requests(full_ms) * n <= PREVIEW_BUDGET {
        return whole(full_ms, s.mode, true);
    }
    let period = pattern_ms(&s.workload.arrivals).max(MIN_PREVIEW_MS).min(full_ms);
    if s.mode == Mode::Exact && requests(period) * n <= PREVIEW_BUDGET {
        let fits = (PREVIEW_BUDGET / (n * requests(period))).floor().max(1.0);
        let ms = (fits * period).min(full_ms).min((7.0 * DAY_MS).max(period));
        return whole(ms, Mode::Exact, false);
    }
    whole(
        period,
        Mode::Aggregate,
        period == full_ms && s.mode == Mode::Aggregate,
    )
}

/// Check an edited scenario by the rules a scenario file is read with
/// ([`Scenario::validate`]): what runs is what a save would hold.
pub fn check(catalog: &PriceCatalog, s: &Scenario) -> Result<()> {
    s.validate(catalog)
        .map_err(|m| AppError::bad_input(ErrorCode::Scenario, m))
}

/// Run `s` as previewed by [`plan`] (or exactly, as written, with `exact`).
pub fn run(catalog: &PriceCatalog, s: &Scenario, exact: bool) -> Result<WhatIfRun> {
    check(catalog, s)?;
    let plan = plan(s, exact);
    let opts = RunOptions {
        mode: Some(plan.mode),
        horizon_ms: Some(plan.horizon_s * 1000.0),
        timeline: false,
        ..RunOptions::default()
    };
    let start = Instant::now();
    let result = simulate(catalog, s, &opts)?;
    let engine_ms = start.elapsed().as_secs_f64() * 1000.0;
    Ok(WhatIfRun {
        plan,
        categories: result
            .platforms
            .iter()
            .map(|p| category_totals(&p.cost.lines))
            .collect(),
        result,
        engine_ms,
    })
}

/// Break-even curves for the view's chart: traffic × `from`..`to` in `steps`, per-minute
/// (aggregate) estimates over the live preview's slice of the horizon, so the chart keeps pace
/// with the edits.
pub fn breakeven(
    catalog: &PriceCatalog,
    s: &Scenario,
    from: f64,
    to: f64,
    steps: usize,
) -> Result<SweepResult> {
    check(catalog, s)?;
    let s = RunOptions {
        horizon_ms: Some(plan(s, false).horizon_s * 1000.0),
        ..RunOptions::default()
    }
    .apply(s);
    let sweep = TrafficSweep {
        from,
        to,
        steps,
        mode: SweepMode::Aggregate,
    };
    Ok(traffic(catalog, &s, &sweep)?)
}

/// The best hourly commitment per plan and platform for the edited scenario (`commit
/// recommend`), over the live preview's slice of its horizon in per-minute estimates.
pub fn recommend(
    catalog: &PriceCatalog,
    s: &Scenario,
) -> Result<breakeven_simulator::sweep::commit::CommitRecommendation> {
    check(catalog, s)?;
    let opts = RunOptions {
        mode: Some(Mode::Aggregate),
        horizon_ms: Some(plan(s, false).horizon_s * 1000.0),
        timeline: false,
        ..RunOptions::default()
    };
    Ok(crate::app::simulate::recommend_commitments(catalog, s, &opts)?.result)
}

/// A scenario file as opened: the parsed scenario and the text it came from.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ScenarioFile {
    pub path: String,
    pub scenario: Scenario,
    pub toml: String,
}

/// The demo scenario the what-if view opens with (the README's complete example).
pub const DEMO_SCENARIO: &str = include_str!("../../fixtures/scenarios/checkout-api.toml");

/// The demo scenario, parsed.
pub fn demo(catalog: &PriceCatalog) -> Result<ScenarioFile> {
    from_text(catalog, "checkout-api.toml", DEMO_SCENARIO)
}

/// Live runs of several scenarios side by side, each previewed as by [`run`].
pub fn compare(catalog: &PriceCatalog, scenarios: &[Scenario]) -> Result<Vec<WhatIfRun>> {
    scenarios.iter().map(|s| run(catalog, s, false)).collect()
}

/// Open a scenario file (replay files resolved beside it).
pub fn open(catalog: &PriceCatalog, path: &Path) -> Result<ScenarioFile> {
    let toml = std::fs::read_to_string(path)
        .map_err(|e| AppError::io(format!("reading scenario {}", path.display()), e))?;
    let base = path.parent().unwrap_or(Path::new("."));
    let name = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let scenario = parse_scenario(catalog, &name, &toml, base)?;
    Ok(ScenarioFile {
        path: path.display().to_string(),
        scenario,
        toml,
    })
}

/// Parse scenario text that did not come from a file (the demo, a function opened as a what-if).
/// It may not name a replay file: text from the view never makes the app read other files.
pub fn from_text(catalog: &PriceCatalog, name: &str, toml: &str) -> Result<ScenarioFile> {
    let scenario = scenario::parse(name, toml, catalog, &mut |file| {
        Err(format!(
            "`{file}`: only a scenario opened from a file can replay a file; inline the counts as `counts_per_min`"
        ))
    })
    .map_err(|e| AppError::bad_input(ErrorCode::Scenario, e.to_string()))?;
    Ok(ScenarioFile {
        path: String::new(),
        scenario,
        toml: toml.to_string(),
    })
}

/// Write `s` (checked first) as a scenario file; returns the text written. Written by the
/// export rules (`OutPath`): atomically, never through a link or over the database.
pub fn save(catalog: &PriceCatalog, s: &Scenario, out: &OutPath) -> Result<String> {
    check(catalog, s)?;
    let text = scenario::to_toml(s).map_err(|m| AppError::bad_input(ErrorCode::Scenario, m))?;
    out.write_file(&text)?;
    Ok(text)
}

/// The open account's effective rates as the what-if editor applies them: one negotiated-discount
/// line per platform of the scenario whose service the bill shows paid below list (Savings Plans
/// and reservations included, as `analyse`'s commitments section derives them).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct BillRates {
    /// Account key the rates were read from.
    pub account: String,
    /// The bill holds a commitment (Savings Plan or reservation).
    pub found: bool,
    /// `analyse`'s commitments summary ("no commitment in the bill" without one).
    pub summary: String,
    /// Discounts for the scenario's platforms, percent off list, 2 decimals.
    pub discounts: Vec<breakeven_simulator::pricing::Discount>,
    /// Platforms of the scenario the bill has no discounted service for.
    pub unmatched: Vec<String>,
}

/// Whether bill service `service` is what platform `id` bills under (AWS service names; FOCUS
/// names the same services).
pub fn bills_platform(service: &str, id: &str) -> bool {
    let s = service.to_ascii_lowercase();
    if id == "aws-lambda" {
        s.contains("lambda")
    } else if id.starts_with("aws-fargate") || id.starts_with("aws-ecs") {
        s.contains("elastic container service") || s.contains("fargate")
    } else if id.starts_with("vm:aws/") || id.starts_with("aws-ec2") {
        s.contains("elastic compute cloud") || s == "amazon ec2" || s == "ec2"
    } else {
        false
    }
}

/// The effective discount per service of `account`'s bill over the default analysis range,
/// as discounts for the platforms of `s` ([`BillRates`]).
pub fn bill_rates(
    store: &crate::store::Store,
    catalog: &PriceCatalog,
    account: Option<&str>,
    s: &Scenario,
) -> Result<BillRates> {
    use crate::app::analyse;
    let (id, key) = analyse::resolve_account(store, account)?;
    let (from, to) = analyse::resolve_range(store, id, None, None)?;
    let rows = crate::analytics::frames::commitment_rows(store.conn(), id, &key, from, to)?;
    let section = analyse::commitments::build(polars::prelude::IntoLazy::lazy(rows))?;
    Ok(rates_for(key, &section, catalog, s))
}

/// [`bill_rates`] from an analysed commitments section.
pub fn rates_for(
    account: String,
    section: &crate::app::analyse::model::Commitments,
    catalog: &PriceCatalog,
    s: &Scenario,
) -> BillRates {
    let mut discounts = Vec::new();
    let mut unmatched = Vec::new();
    for p in &s.platforms {
        if discounts
            .iter()
            .any(|d: &breakeven_simulator::pricing::Discount| d.platform.as_deref() == Some(p.id.as_str()))
        {
            continue;
        }
        let provider = catalog
            .platform(&p.id)
            .map(|c| c.provider.clone())
            .unwrap_or_default();
        let rate = section
            .effective_rates
            .iter()
            .filter(|r| bills_platform(&r.service, &p.id))
            .max_by_key(|r| r.on_demand_usd.0);
        let percent = rate.map(|r| {
            (r.discount * rust_decimal::Decimal::ONE_HUNDRED)
                .round_dp(2)
                .normalize()
        });
        match percent {
            Some(pct)
                if !provider.is_empty()
                    && pct > rust_decimal::Decimal::ZERO
                    && pct < rust_decimal::Decimal::ONE_HUNDRED =>
            {
                discounts.push(breakeven_simulator::pricing::Discount {
                    provider,
                    platform: Some(p.id.clone()),
                    percent: pct,
                })
            }
            _ => unmatched.push(p.label.clone().unwrap_or_else(|| p.id.clone())),
        }
    }
    BillRates {
        account,
        found: section.found,
        summary: section.summary.clone(),
        discounts,
        unmatched,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn checkout() -> (PriceCatalog, Scenario) {
        let c = PriceCatalog::bundled().unwrap();
        let s = from_text(&c, "checkout-api.toml", DEMO_SCENARIO)
            .unwrap()
            .scenario;
        (c, s)
    }

    #[test]
    fn text_from_the_view_cannot_name_a_replay_file() {
        let c = PriceCatalog::bundled().unwrap();
        let text = DEMO_SCENARIO.replace(
            "arrivals = { process = \"diurnal\", mean_rate_per_s = 4, peak_to_trough = 6, peak_hour = 15 }",
            "arrivals = { process = \"replay\", file = \"/etc/passwd\" }",
        );
        assert_ne!(text, DEMO_SCENARIO);
        let e = from_text(&c, "x.toml", &text).unwrap_err();
        assert!(e.to_string().contains("counts_per_min"), "{e}");
    }

    #[test]
    fn the_demo_previews_one_day_of_its_daily_cycle() {
        let (_, s) = checkout();
        let p = plan(&s, false);
        assert!(!p.exact);
        // 4 req/s × 6 platforms is 2 M requests a day: too many to simulate live one by one.
        assert_eq!(
            (p.mode, p.horizon_s, p.full_horizon_s),
            (Mode::Aggregate, 86_400.0, 30.0 * 86_400.0)
        );
        let exact = plan(&s, true);
        assert!(exact.exact && exact.horizon_s == exact.full_horizon_s && exact.mode == Mode::Exact);
    }

    #[test]
    fn light_traffic_runs_whole_periods_or_everything_request_by_request() {
        let (_, mut s) = checkout();
        s.workload.arrivals = Arrivals::Poisson { rate_per_s: 0.2 };
        let p = plan(&s, false);
        // 0.2 req/s × 6 platforms: as many whole hours as the budget allows, request by request.
        assert_eq!((p.mode, p.horizon_s % 3600.0), (Mode::Exact, 0.0), "{p:?}");
        assert!(
            p.horizon_s > 86_400.0 && p.expected_requests * 6.0 <= PREVIEW_BUDGET,
            "{p:?}"
        );
        s.workload.horizon_ms = 3_600_000.0;
        assert!(plan(&s, false).exact);
    }

    #[test]
    fn checking_applies_the_file_rules() {
        let (c, mut s) = checkout();
        assert!(check(&c, &s).is_ok());
        s.platforms[0].keep_alive_s = Some(-1.0);
        let e = check(&c, &s).unwrap_err();
        assert_eq!(e.code(), ErrorCode::Scenario);
        assert!(e.to_string().contains("keep_alive_s"), "{e}");
    }

    #[test]
    fn a_preview_costs_the_same_month_as_the_full_run_within_sampling_noise() {
        let (c, s) = checkout();
        let live = run(&c, &s, false).unwrap();
        assert!(!live.plan.exact);
        let lambda = &live.result.platforms[0];
        assert_eq!(lambda.id, "aws-lambda");
        assert!(lambda.requests > 0 && lambda.cold_start_probability > 0.0);
        // The categories add up to the bill of the simulated period.
        for (p, cats) in live.result.platforms.iter().zip(&live.categories) {
            let sum: breakeven_simulator::pricing::Usd = cats.iter().map(|c| c.amount_usd).sum();
            assert_eq!(sum, p.cost.total_usd, "{}", p.label);
        }
        // One day of the daily cycle prices the month like the full 30 days, request by request.
        let mut only_lambda = s.clone();
        only_lambda.platforms.truncate(1);
        let full = run(&c, &only_lambda, true).unwrap();
        assert!(full.plan.exact);
        let month = |r: &WhatIfRun| r.result.platforms[0].cost.monthly_usd.0;
        let (preview, exact) = (month(&live), month(&full));
        let gap = ((preview - exact) / exact).abs();
        assert!(
            gap < rust_decimal::Decimal::new(5, 2),
            "preview {preview} vs full {exact}"
        );
    }

    #[test]
    fn the_bills_effective_rates_become_discounts_of_the_platforms_it_paid_for() {
        use crate::analytics::billed::BillSource;
        use crate::app::analyse::model::{Commitments, EffectiveRate};
        use breakeven_simulator::pricing::Usd;
        use rust_decimal::Decimal;
        let (c, s) = checkout();
        let rate = |service: &str, od: i64, eff: i64, discount: Decimal| EffectiveRate {
            source: BillSource::CostExplorer,
            service: service.into(),
            on_demand_usd: Usd(Decimal::from(od)),
            effective_usd: Usd(Decimal::from(eff)),
            saving_usd: Usd(Decimal::from(od - eff)),
            discount,
        };
        let section = Commitments {
            found: true,
            summary: "cost-explorer: …".into(),
            method: String::new(),
            effective_rates: vec![
                rate("AWS Lambda", 100, 88, Decimal::new(12, 2)),
                rate("Amazon Elastic Container Service", 50, 40, Decimal::new(2, 1)),
                rate("Amazon S3", 10, 10, Decimal::ZERO),
            ],
            totals: vec![],
            days: vec![],
        };
        let r = rates_for("demo".into(), &section, &c, &s);
        let got: Vec<(String, String)> = r
            .discounts
            .iter()
            .map(|d| (d.platform.clone().unwrap(), d.percent.to_string()))
            .collect();
        assert!(got.contains(&("aws-lambda".into(), "12".into())), "{got:?}");
        assert!(got.contains(&("aws-fargate".into(), "20".into())), "{got:?}");
        assert!(r.discounts.iter().all(|d| d.provider == "aws"));
        assert!(
            r.unmatched
                .iter()
                .any(|l| l.contains("cloud-run") || l.contains("Cloud Run")),
            "{:?}",
            r.unmatched
        );
        // The discounted scenario runs, each platform's bill with its discount line.
        let mut with = s.clone();
        with.discounts = r.discounts.clone();
        let run = run(&c, &with, false).unwrap();
        let lambda = &run.result.platforms[0];
        assert!(lambda
            .cost
            .lines
            .iter()
            .any(|l| l.category == breakeven_simulator::pricing::CostCategory::Discount));
        let none = Commitments {
            found: false,
            summary: "no commitment in the bill".into(),
            effective_rates: vec![],
            ..section
        };
        let r = rates_for("demo".into(), &none, &c, &s);
        assert!(r.discounts.is_empty() && !r.found && r.summary == "no commitment in the bill");
    }

    #[test]
    fn the_editor_recommends_a_commitment_for_the_demo() {
        let (c, s) = checkout();
        let r = recommend(&c, &s).unwrap();
        let fargate = r
            .plans
            .iter()
            .find(|p| p.platform == "aws-fargate" && p.usd_per_hour.is_some_and(|u| !u.is_zero()))
            .expect("a Savings Plan for Fargate");
        assert!(
            fargate.monthly_saving_usd.0 > rust_decimal::Decimal::ZERO,
            "{fargate:?}"
        );
        assert!(fargate.utilisation > 0.5, "{fargate:?}");
    }

    #[test]
    fn saved_files_reopen_as_the_same_scenario() {
        let (c, s) = checkout();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("what-if.toml");
        let text = save(&c, &s, &OutPath::new(&path)).unwrap();
        let back = open(&c, &path).unwrap();
        assert_eq!(back.toml, text);
        assert_eq!(back.scenario, s);
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            1,
            "no temporary file left"
        );
    }
}

/// What a report exported from the what-if view covers: the run the view shows (the live
/// preview's slice and mode, or the whole scenario when it is small enough), break-even from
/// ×0.01 to ×100 of its traffic in per-minute estimates, and memory tuning over 128–3,008 MB —
/// seconds, where the exact run of a month of traffic takes minutes (`breakeven report` does that).
pub fn report_options(s: &Scenario) -> crate::app::report::ReportOptions {
    let plan = plan(s, false);
    crate::app::report::ReportOptions {
        overrides: RunOptions {
            mode: Some(plan.mode),
            horizon_ms: Some(plan.horizon_s * 1000.0),
            ..RunOptions::default()
        },
        sweep: Some(TrafficSweep {
            from: 0.01,
            to: 100.0,
            steps: 9,
            mode: SweepMode::Aggregate,
        }),
        memory_mb: Some((128, 3008)),
        anonymise: false,
    }
}
