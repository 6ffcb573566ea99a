//! The result of `analyse`, as the CLI prints it and `--json` serialises it. Money fields end in
//! `_usd` and are exact decimal strings; durations end in `_ms`; rates are fractions (0.01 = 1%).

use crate::analytics::billed::BillSource;
use crate::analytics::logs::MeasuredStats;
use crate::analytics::reconcile::ReconciledDay;
use crate::app::rightsize::RightSizing;
use crate::store::Day;
use breakeven_simulator::pricing::Usd;
use rust_decimal::Decimal;
use serde::Serialize;

/// How the figures are derived, stated with every analysis.
const METHODS: [&str; 6] = [
    "usage-derived cost: each function-day's Invocations and Duration metrics (plus provisioned concurrency from the inventory) priced with the catalog, without the free tier; execution time adds 0.5 ms per request for Lambda's rounding up to the next millisecond",
    "INIT (cold-start) time is billed by Lambda (since 2025-08-01, at the on-demand duration rate) but is not a CloudWatch metric: usage-derived init cost is each function-day's measured INIT from its REPORT records (Σ INIT rounded up to the ms × memory GB × the duration rate; records show INIT only for on-demand environments); a function without log data has none, and its INIT shows in reconciliation",
    "duration p50/p99 of a day or range: the invocation-weighted mean of the stored periods' percentiles",
    "billed cost: Cost Explorer rows (unblended) and FOCUS charges (BilledCost, on the day their charge period starts); Cost Explorer wins on days with both",
    "reconciliation compares usage-derived cost with billed Lambda at its on-demand equivalent: Savings Plans negation rows are added back, and what the plan saves shows under commitments",
    "where the same hour is stored at two periods, the finest period is used",
];

/// [`METHODS`], with the platform's rules for an account that is not priced as Lambda.
pub(crate) fn methods(platform: &str) -> Vec<String> {
    use crate::app::rightsize::{default_cpu_fraction, HEADROOM_PCT, MIN_DAYS, MIN_INVOCATIONS, STEP_MB};
    let mut out: Vec<String> = METHODS.iter().map(|s| s.to_string()).collect();
    out.push(format!(
        "right-sizing: the smallest memory holding the p99 of memory used (REPORT records) with \
         {HEADROOM_PCT}% headroom, rounded up to {STEP_MB} MB; duration by the simulator's memory \
         model at cpu_fraction {} (the share of duration that scales with memory's CPU), and at 1 \
         as a bound; the range's days priced again at that size; flagged as thin below what AWS \
         Compute Optimizer needs ({MIN_DAYS} days, {MIN_INVOCATIONS} invocations)",
        default_cpu_fraction()
    ));
    if platform != crate::analytics::cost::PLATFORM {
        out[0] = format!(
            "usage-derived cost: each function-day's invocations and duration priced on {platform} \
             with the catalog, without its monthly free grant; no bill to reconcile with"
        );
        out.retain(|m| !m.starts_with("INIT") && !m.starts_with("right-sizing"));
    }
    out
}

/// Everything `analyse` found.
#[derive(Debug, Clone, Serialize)]
pub struct Analysis {
    pub account: String,
    pub from: Day,
    pub to: Day,
    /// Days in the range.
    pub days: u32,
    /// The `--function` filter, when given (functions and their days only; billed cost,
    /// reconciliation and service trends stay account-wide).
    pub function: Option<String>,
    /// The catalog id usage-derived cost is priced on: `aws-lambda`, or
    /// `azure-functions-consumption` for an imported Azure Functions trace.
    pub platform: String,
    /// The platform's name in the catalog, e.g. `AWS Lambda`.
    pub platform_name: String,
    /// How each figure is derived, in plain words.
    pub methods: Vec<String>,
    /// Usage-derived cost of the account (or the filtered function) over the range.
    pub usage_cost: AccountCost,
    /// Per function over the range, most expensive first.
    pub functions: Vec<FunctionSummary>,
    /// Per function and day, by function then day.
    pub function_days: Vec<FunctionDay>,
    pub billed: Billed,
    pub reconciliation: Reconciliation,
    /// Effective rates and commitments read from the bill.
    pub commitments: Commitments,
    pub trends: Trends,
}

/// What commitments (Savings Plans, reservations, FOCUS commitment discounts) do in the bill.
#[derive(Debug, Clone, Serialize)]
pub struct Commitments {
    /// Whether the bill shows any commitment (covered usage or commitment paid for).
    pub found: bool,
    /// One line for people: "no commitment in the bill", or the range's utilisation and coverage.
    pub summary: String,
    /// How each figure is derived, in plain words.
    pub method: String,
    /// Per bill source and service with on-demand usage, largest saving first.
    pub effective_rates: Vec<EffectiveRate>,
    /// Over the range, per bill source with a commitment.
    pub totals: Vec<CommitmentTotals>,
    /// Per bill source and day with a commitment.
    pub days: Vec<CommitmentDay>,
}

/// A service's usage at on-demand (list) price against what it effectively cost.
#[derive(Debug, Clone, Serialize)]
pub struct EffectiveRate {
    pub source: BillSource,
    pub service: String,
    /// Cost Explorer: unblended cost of usage and covered usage; FOCUS: ListCost.
    pub on_demand_usd: Usd,
    /// Cost Explorer: amortized cost; FOCUS: EffectiveCost.
    pub effective_usd: Usd,
    /// on-demand − effective.
    pub saving_usd: Usd,
    /// 1 − effective / on-demand (0.17 = 17% off), 4 decimals.
    pub discount: Decimal,
}

/// A commitment's use and coverage, of a day or the range.
#[derive(Debug, Clone, Serialize)]
pub struct CommitmentFigures {
    /// Total commitment: used + unused.
    pub commitment_usd: Usd,
    /// Commitment spent on covered usage.
    pub used_usd: Usd,
    /// Commitment paid and not used (lost).
    pub unused_usd: Usd,
    /// used / commitment, 4 decimals; null without commitment.
    pub utilisation: Option<Decimal>,
    /// On-demand equivalent of the covered usage.
    pub covered_on_demand_usd: Usd,
    /// On-demand equivalent of the usage a commitment could cover (see `method`).
    pub eligible_on_demand_usd: Usd,
    /// covered / eligible, 4 decimals; null without eligible usage.
    pub coverage: Option<Decimal>,
    /// covered on-demand − used: what the commitment saved on the usage it covered.
    pub saving_usd: Usd,
    /// saving − unused: what the commitment saved net of its waste (negative: it cost more).
    pub net_saving_usd: Usd,
}

#[derive(Debug, Clone, Serialize)]
pub struct CommitmentTotals {
    pub source: BillSource,
    #[serde(flatten)]
    pub figures: CommitmentFigures,
}

#[derive(Debug, Clone, Serialize)]
pub struct CommitmentDay {
    pub source: BillSource,
    pub day: Day,
    #[serde(flatten)]
    pub figures: CommitmentFigures,
}

/// Usage-derived cost split into what Lambda bills for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CostSplit {
    pub requests_usd: Usd,
    pub compute_usd: Usd,
    pub provisioned_usd: Usd,
    /// Measured INIT of on-demand cold starts (REPORT records) priced at the duration rate; 0
    /// for a function without log data (its INIT shows in reconciliation).
    pub init_usd: Usd,
    /// Ephemeral storage above 512 MB.
    pub storage_usd: Usd,
    pub total_usd: Usd,
}

impl std::ops::AddAssign for CostSplit {
    fn add_assign(&mut self, b: CostSplit) {
        self.requests_usd += b.requests_usd;
        self.compute_usd += b.compute_usd;
        self.provisioned_usd += b.provisioned_usd;
        self.init_usd += b.init_usd;
        self.storage_usd += b.storage_usd;
        self.total_usd += b.total_usd;
    }
}

/// The account's usage-derived cost: the split, then the free tier as its own credit line.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AccountCost {
    #[serde(flatten)]
    pub split: CostSplit,
    /// Value of Lambda's monthly free tier against this usage (negative), for an account that
    /// has it; each calendar month counted from the range's first day in it.
    pub free_tier_credit_usd: Usd,
    /// `total_usd` + `free_tier_credit_usd`.
    pub total_with_free_tier_usd: Usd,
}

/// Usage statistics of a function (over a day or the range).
#[derive(Debug, Clone, Serialize)]
pub struct UsageStats {
    pub invocations: u64,
    /// GB-seconds of execution (duration × memory, before per-request rounding).
    pub gb_seconds: f64,
    /// Errors / invocations.
    pub error_rate: f64,
    /// Throttles / (invocations + throttles).
    pub throttle_rate: f64,
    pub duration_avg_ms: Option<f64>,
    /// Invocation-weighted mean of the stored periods' p50.
    pub duration_p50_ms: Option<f64>,
    /// Invocation-weighted mean of the stored periods' p99.
    pub duration_p99_ms: Option<f64>,
    pub duration_max_ms: Option<f64>,
    /// Highest ConcurrentExecutions Maximum of any period.
    pub peak_concurrency: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FunctionSummary {
    pub name: String,
    pub memory_mb: u32,
    pub architecture: String,
    pub provisioned_concurrency: u32,
    /// Days of the range with invocations.
    pub days_with_data: u32,
    #[serde(flatten)]
    pub usage: UsageStats,
    pub cost: CostSplit,
    /// Share of the usage-derived total, percent, 1 decimal.
    pub share_pct: Decimal,
    /// Cold starts, INIT and memory used from the REPORT records (null without log data).
    #[serde(flatten)]
    pub measured: MeasuredStats,
    /// The memory size its measured use suggests (null without log data).
    pub rightsizing: Option<RightSizing>,
    /// What the billing export (read through Athena) billed for the function over the range, USD:
    /// the Lambda rows whose resource is its ARN (null without an export holding the account).
    pub billed_usd: Option<Usd>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FunctionDay {
    pub name: String,
    pub day: Day,
    #[serde(flatten)]
    pub usage: UsageStats,
    pub cost: CostSplit,
}

/// Billed cost from Cost Explorer and FOCUS.
#[derive(Debug, Clone, Serialize)]
pub struct Billed {
    pub total_usd: Usd,
    /// Per service over the range, largest first.
    pub by_service: Vec<ServiceCost>,
    /// Per day, service and usage type.
    pub by_day: Vec<BilledRow>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ServiceCost {
    pub source: BillSource,
    pub service: String,
    pub cost_usd: Usd,
    /// Days with a cost row.
    pub days: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct BilledRow {
    pub day: Day,
    pub source: BillSource,
    pub service: String,
    /// Cost Explorer usage type (FOCUS: charge category).
    pub usage_type: String,
    pub cost_usd: Usd,
    /// Usage quantity in `unit` (a statistic, not money).
    pub quantity: f64,
    pub unit: String,
    /// The provider may still revise the day.
    pub estimated: bool,
}

/// Usage-derived vs billed Lambda cost per day.
#[derive(Debug, Clone, Serialize)]
pub struct Reconciliation {
    /// The tolerance rule, in words.
    pub tolerance: String,
    pub usage_derived_usd: Usd,
    /// Σ of the days with a bill.
    pub billed_usd: Usd,
    /// billed − usage-derived over the days with a bill.
    pub gap_usd: Usd,
    pub days_ok: u32,
    pub days_explained: u32,
    pub days_unexplained: u32,
    pub days: Vec<ReconciledDay>,
}

/// What a mover or an anomaly names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum TrendKind {
    /// A function's usage-derived cost.
    Function,
    /// A billed service.
    Service,
}

text_enum!(TrendKind {
    Function => "function",
    Service => "service",
});

/// Week-over-week change of one function or service.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Mover {
    pub kind: TrendKind,
    pub name: String,
    pub this_week_usd: Usd,
    pub previous_week_usd: Usd,
    pub change_usd: Usd,
    /// Null when the previous week cost nothing.
    pub change_pct: Option<f64>,
}

/// A day whose cost is far from the key's usual.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Anomaly {
    pub kind: TrendKind,
    pub name: String,
    pub day: Day,
    /// The day's cost, USD (statistic, rounded to 6 decimals).
    pub cost: f64,
    /// Median cost of the same weekday over the range, USD.
    pub expected: f64,
    /// Robust z-score.
    pub z: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct ForecastDay {
    pub day: Day,
    /// USD, rounded to cents (a forecast, not a bill).
    pub cost_usd: Usd,
}

#[derive(Debug, Clone, Serialize)]
pub struct Forecast {
    pub method: String,
    /// What is forecast: `billed, all services` or `usage-derived Lambda`.
    pub basis: String,
    pub total_usd: Usd,
    pub days: Vec<ForecastDay>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Trends {
    /// The last 7 days of the range and the 7 before them.
    pub this_week: (Day, Day),
    pub previous_week: (Day, Day),
    /// Per function and per service, largest absolute change first.
    pub week_over_week: Vec<Mover>,
    /// The five largest absolute changes.
    pub top_movers: Vec<Mover>,
    /// The anomaly rule, in words.
    pub anomaly_rule: String,
    pub anomalies: Vec<Anomaly>,
    pub forecast: Forecast,
}
