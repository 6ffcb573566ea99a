//! Account and function reports: stored data → `app::analyse` → the report model → one exporter
//! → files. A function report also replays the function's stored traffic on other platforms
//! (`app::scenario::from_function`, then one simulation of every platform).

use crate::analytics::reconcile::DayStatus;
use crate::app::analyse::model::{Analysis, CostSplit};
use crate::app::analyse::{self, AnalyseRequest};
use crate::app::error::Result;
use crate::app::output::OutPath;
use crate::app::report::{write, ReportOutcome, ReportTimings};
use crate::app::scenario::{self, ExtractRequest, Step};
use crate::app::simulate::{simulate, RunOptions};
use crate::report::account::{
    AccountReport, CostSplitUsd, DailyServiceCost, FunctionCost, FunctionDay, MeasuredFunction,
    ReconciledDay, ReconciledStatus, Reconciliation, ReplayCheck, RightSizingRow, ServiceTotal, WhatIf,
};
use crate::report::{Format, Rendered};
use crate::store::{Day, Store};
use breakeven_simulator::pricing::{PriceCatalog, Usd};
use breakeven_simulator::scenario::Mode;
use rust_decimal::{Decimal, RoundingStrategy};
use std::collections::BTreeMap;
use std::time::Instant;

/// Which stored data a report covers.
#[derive(Debug, Clone, Default)]
pub struct StoredScope {
    /// Account key; `None`: the only stored account.
    pub account: Option<String>,
    /// One function of the account; `None`: the whole account.
    pub function: Option<String>,
    /// First and last day; `None`: as `analyse` defaults them (the last 30 days with data).
    pub from: Option<Day>,
    pub to: Option<Day>,
}

/// How the what-if figures are derived, added to the report's methods.
const WHAT_IF_METHOD: &str = "what-if: the function's stored per-minute invocations of the report's last days replayed in the simulator (the scenario that breakeven scenario from-function writes), in aggregate mode (per-minute estimates), without the free tier; monthly figures are the replay scaled to a 730-hour month";

fn split(c: &CostSplit) -> CostSplitUsd {
    CostSplitUsd {
        requests_usd: c.requests_usd,
        compute_usd: c.compute_usd,
        provisioned_usd: c.provisioned_usd,
        init_usd: c.init_usd,
        storage_usd: c.storage_usd,
        total_usd: c.total_usd,
    }
}

/// `part` as a percentage of `whole`, one decimal.
fn share(part: Usd, whole: Usd) -> Decimal {
    if whole.is_zero() {
        return Decimal::ZERO;
    }
    (part.0 / whole.0 * Decimal::ONE_HUNDRED)
        .round_dp_with_strategy(1, RoundingStrategy::MidpointAwayFromZero)
}

fn services(a: &Analysis) -> Vec<ServiceTotal> {
    // A service billed through two sources (Cost Explorer and FOCUS) is one service to a reader.
    let mut by_service: BTreeMap<&str, Usd> = BTreeMap::new();
    for s in &a.billed.by_service {
        *by_service.entry(s.service.as_str()).or_default() += s.cost_usd;
    }
    let mut out: Vec<ServiceTotal> = by_service
        .into_iter()
        .map(|(service, cost_usd)| ServiceTotal {
            service: service.to_string(),
            cost_usd,
            share_pct: share(cost_usd, a.billed.total_usd),
        })
        .collect();
    out.sort_by(|x, y| y.cost_usd.cmp(&x.cost_usd).then(x.service.cmp(&y.service)));
    out
}

fn daily(a: &Analysis) -> Vec<DailyServiceCost> {
    let mut by_day: BTreeMap<(Day, &str), Usd> = BTreeMap::new();
    for row in &a.billed.by_day {
        *by_day.entry((row.day, row.service.as_str())).or_default() += row.cost_usd;
    }
    by_day
        .into_iter()
        .map(|((day, service), cost_usd)| DailyServiceCost {
            day: day.to_string(),
            service: service.to_string(),
            cost_usd,
        })
        .collect()
}

fn reconciliation(a: &Analysis) -> Reconciliation {
    let rc = &a.reconciliation;
    Reconciliation {
        usage_derived_usd: rc.usage_derived_usd,
        billed_usd: rc.billed_usd,
        gap_usd: rc.gap_usd,
        tolerance: rc.tolerance.clone(),
        days: rc
            .days
            .iter()
            .map(|d| ReconciledDay {
                day: d.day.to_string(),
                usage_derived_usd: d.usage_derived_usd,
                billed_usd: d.billed_usd,
                gap_usd: d.gap_usd,
                status: match (d.billed_usd, d.status) {
                    (None, _) => ReconciledStatus::NoBill,
                    (Some(_), DayStatus::Ok) => ReconciledStatus::Ok,
                    (Some(_), DayStatus::Explained) => ReconciledStatus::Explained,
                    (Some(_), DayStatus::Unexplained) => ReconciledStatus::Unexplained,
                },
                causes: d.causes.iter().map(|c| c.evidence.clone()).collect(),
            })
            .collect(),
    }
}

/// The report model of an analysis (without the what-if replay).
pub fn from_analysis(a: &Analysis) -> AccountReport {
    let mut r = AccountReport::new(
        &a.account,
        a.function.as_deref(),
        &a.from.to_string(),
        &a.to.to_string(),
        a.days,
    );
    r.usage_cost = split(&a.usage_cost.split);
    r.billed_total_usd = a.billed.total_usd;
    r.services = services(a);
    r.daily = daily(a);
    r.reconciliation = reconciliation(a);
    // Reconciliation is account-wide, so its usage-derived total is the account's: a function's
    // share is of that, not of itself.
    let account_usage = a.reconciliation.usage_derived_usd;
    r.functions = a
        .functions
        .iter()
        .map(|f| FunctionCost {
            name: f.name.clone(),
            memory_mb: f.memory_mb,
            architecture: f.architecture.clone(),
            invocations: f.usage.invocations,
            duration_p50_ms: f.usage.duration_p50_ms,
            duration_p99_ms: f.usage.duration_p99_ms,
            error_rate: f.usage.error_rate,
            cost: split(&f.cost),
            share_pct: if a.function.is_some() {
                share(f.cost.total_usd, account_usage)
            } else {
                f.share_pct
            },
        })
        .collect();
    if a.function.is_some() {
        r.function_days = a
            .function_days
            .iter()
            .map(|d| FunctionDay {
                name: d.name.clone(),
                day: d.day.to_string(),
                invocations: d.usage.invocations,
                duration_avg_ms: d.usage.duration_avg_ms,
                duration_p99_ms: d.usage.duration_p99_ms,
                error_rate: d.usage.error_rate,
                peak_concurrency: d.usage.peak_concurrency,
                cost_usd: d.cost.total_usd,
            })
            .collect();
    }
    if let (Some(_), Some(f)) = (&a.function, a.functions.first()) {
        r.log_data = Some(f.measured.cold_starts.is_some());
        r.measured = f.measured.cold_starts.map(|cold_starts| MeasuredFunction {
            cold_starts,
            cold_start_rate: f.measured.cold_start_rate,
            init_p50_ms: f.measured.init_p50_ms,
            init_p99_ms: f.measured.init_p99_ms,
            init_usd: f.cost.init_usd,
            memory_mb: f.memory_mb,
            max_memory_used_mb: f.measured.max_memory_used_mb,
            memory_used_p99_mb: f.measured.memory_used_p99_mb,
            rightsizing: f.rightsizing.as_ref().map(|z| RightSizingRow {
                suggested_mb: z.suggested_mb,
                headroom_pct: z.headroom_pct,
                step_mb: z.step_mb,
                cpu_fraction: z.cpu_fraction,
                duration_ms: z.duration_ms,
                predicted_duration_ms: z.predicted_duration_ms,
                cpu_bound_duration_ms: z.cpu_bound_duration_ms,
                cost_usd: z.cost_usd,
                predicted_cost_usd: z.predicted_cost_usd,
                saving_usd: z.saving_usd,
                cpu_bound_saving_usd: z.cpu_bound_saving_usd,
                enough_data: z.enough_data,
                note: z.note.clone(),
            }),
        });
    }
    r.methods = a.methods.clone();
    r
}

/// The function's stored traffic of the report's last `days` days, replayed on its own platform,
/// a VM fleet and a container service (the platforms `scenario from-function` picks), cheapest
/// first; and the replay on its own platform against the usage-derived cost of the same days.
pub fn what_if(
    store: &Store,
    catalog: &PriceCatalog,
    account: &str,
    function: &str,
    days: u32,
) -> Result<(Vec<WhatIf>, ReplayCheck)> {
    let x = scenario::from_function(
        store,
        catalog,
        &ExtractRequest {
            function: function.to_string(),
            account: Some(account.to_string()),
            days,
            platforms: Vec::new(),
            step: Step::Minute,
            check: false,
        },
    )?;
    let o = RunOptions {
        mode: Some(Mode::Aggregate),
        timeline: false,
        ..RunOptions::default()
    };
    let sim = simulate(catalog, &x.scenario, &o)?.result;
    let own = x.platforms.first().cloned().unwrap_or_default();
    let mut out: Vec<WhatIf> = sim
        .platforms
        .iter()
        .map(|p| WhatIf {
            platform: p.label.clone(),
            monthly_usd: p.cost.monthly_usd,
            p99_ms: p.latency_ms.p99,
            cold_start_probability: p.cold_start_probability,
            current: p.id == own,
        })
        .collect();
    out.sort_by(|a, b| {
        a.monthly_usd
            .cmp(&b.monthly_usd)
            .then(a.platform.cmp(&b.platform))
    });
    let simulated = sim
        .platforms
        .iter()
        .find(|p| p.id == own)
        .map(|p| p.cost.total_usd)
        .unwrap_or_default();
    let usage = analyse::usage_cost(
        store,
        catalog,
        Some(account),
        function,
        x.window_from,
        x.window_to,
    )?;
    let derived = usage.breakdown.total;
    let difference_pct = if derived.is_zero() {
        Decimal::ZERO
    } else {
        ((simulated.0 - derived.0) / derived.0 * Decimal::ONE_HUNDRED).round_dp(2)
    };
    let check = ReplayCheck {
        platform: own,
        from: x.window_from.to_string(),
        to: x.window_to.to_string(),
        invocations: x.invocations,
        mode: Mode::Aggregate,
        simulated_usd: simulated,
        usage_derived_usd: derived,
        difference_pct,
    };
    Ok((out, check))
}

/// Analyse the stored scope and build its report model.
pub fn compute(store: &Store, catalog: &PriceCatalog, scope: &StoredScope) -> Result<AccountReport> {
    let req = AnalyseRequest {
        account: scope.account.clone(),
        function: scope.function.clone(),
        from: scope.from,
        to: scope.to,
    };
    let analysis = analyse::analyse(store, catalog, &req)?;
    let mut r = from_analysis(&analysis);
    let invoked = r.functions.first().is_some_and(|f| f.invocations > 0);
    if let (Some(function), true) = (&scope.function, invoked) {
        let (what_if, check) = what_if(store, catalog, &analysis.account, function, analysis.days)?;
        r.what_if = what_if;
        r.replay = Some(check);
        r.methods.push(WHAT_IF_METHOD.to_string());
    }
    Ok(r)
}

/// Scrub credentials (always), anonymise (when asked) and export.
pub fn render(r: &AccountReport, format: Format, anonymise_names: bool) -> Result<Rendered> {
    crate::app::report::render(r, format, anonymise_names)
}

/// The whole use case: analyse, render and write to `out`. `simulate_ms` in the timings is the
/// analysis and the what-if replay.
pub fn report_stored(
    store: &Store,
    catalog: &PriceCatalog,
    scope: &StoredScope,
    format: Format,
    out: &OutPath,
    anonymise_names: bool,
) -> Result<ReportOutcome> {
    out.check()?;
    let mut timings = ReportTimings::default();
    let t = Instant::now();
    let model = compute(store, catalog, scope)?;
    timings.simulate_ms = t.elapsed().as_secs_f64() * 1000.0;
    let t = Instant::now();
    let rendered = render(&model, format, anonymise_names)?;
    timings.render_ms = t.elapsed().as_secs_f64() * 1000.0;
    let t = Instant::now();
    let files = write(&rendered, out)?;
    timings.write_ms = t.elapsed().as_secs_f64() * 1000.0;
    Ok(ReportOutcome::new(format, files, &rendered, timings))
}
