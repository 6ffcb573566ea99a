//! Reports of stored data: an account (billed cost by service per day, reconciliation of
//! usage-derived against billed Lambda cost, top functions) or one function of it (its cost
//! split, its metrics per day, and what the same traffic would cost elsewhere).
//!
//! The model holds plain, already computed figures; the application layer fills it from the
//! store and the analytics layer. Exporters turn it into HTML, CSV, JSON or Markdown.

pub mod html;
pub mod tables;
pub mod text;

use crate::report::charts::billed::ServiceDay;
pub use crate::report::charts::metrics::FunctionDay;
use crate::report::charts::reconcile::ReconcileDay;
use crate::report::SCHEMA_VERSION;
use breakeven_simulator::pricing::Usd;
use breakeven_simulator::scenario::Mode;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// What a report covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ReportKind {
    /// Every function of an account.
    Account,
    /// One function.
    Function,
}

text_enum!(ReportKind {
    Account => "account",
    Function => "function",
});

/// How a reconciled day of a report ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ReconciledStatus {
    /// Within tolerance.
    #[serde(rename = "ok")]
    Ok,
    /// Outside tolerance, with a known cause.
    #[serde(rename = "explained")]
    Explained,
    /// Outside tolerance, cause unknown.
    #[serde(rename = "unexplained")]
    Unexplained,
    /// Nothing billed stored for the day.
    #[serde(rename = "no bill")]
    NoBill,
}

text_enum!(ReconciledStatus {
    Ok => "ok",
    Explained => "explained",
    Unexplained => "unexplained",
    NoBill => "no bill",
});

/// An account or function report. Serialised as is by the JSON exporter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccountReport {
    pub schema_version: u32,
    pub kind: ReportKind,
    /// `breakeven <version>`.
    pub generator: String,
    /// Account key as stored (an AWS account id, or `demo`).
    pub account: String,
    /// First and last day covered, `YYYY-MM-DD` (UTC).
    pub from: String,
    pub to: String,
    pub days: u32,
    /// The function of a function report.
    pub function: Option<String>,
    /// Usage-derived cost over the range (the function's alone in a function report).
    pub usage_cost: CostSplitUsd,
    /// Billed cost over the range, all services.
    pub billed_total_usd: Usd,
    /// Billed cost per service over the range, largest first.
    pub services: Vec<ServiceTotal>,
    /// Billed cost per day and service.
    pub daily: Vec<DailyServiceCost>,
    pub reconciliation: Reconciliation,
    /// Functions by usage-derived cost, most expensive first (only the function itself in a
    /// function report).
    pub functions: Vec<FunctionCost>,
    /// Per function and day (the function's days in a function report; empty otherwise).
    pub function_days: Vec<FunctionDay>,
    /// The function's traffic on other platforms, cheapest first (function reports).
    pub what_if: Vec<WhatIf>,
    /// How the replay behind `what_if` compares with the function's usage-derived cost on the
    /// platform it runs on today (function reports).
    #[serde(default)]
    pub replay: Option<ReplayCheck>,
    /// What the function's REPORT records say, and its right-sizing (function reports; `None`
    /// in an account report, or for a function without log data — see `log_data`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub measured: Option<MeasuredFunction>,
    /// Whether REPORT records were read for the function (function reports).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log_data: Option<bool>,
    /// How the figures are derived.
    pub methods: Vec<String>,
    pub anonymised: bool,
}

/// A function's cold starts, INIT and memory used over the range, from its REPORT records.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MeasuredFunction {
    pub cold_starts: u64,
    /// Cold starts per invocation recorded.
    pub cold_start_rate: Option<f64>,
    pub init_p50_ms: Option<u32>,
    pub init_p99_ms: Option<u32>,
    /// The measured INIT priced (part of the usage-derived cost).
    pub init_usd: Usd,
    /// Configured memory, MB.
    pub memory_mb: u32,
    pub max_memory_used_mb: Option<u32>,
    pub memory_used_p99_mb: Option<u32>,
    pub rightsizing: Option<RightSizingRow>,
}

/// The memory size the function's measured use suggests, and what it would cost.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RightSizingRow {
    pub suggested_mb: u32,
    pub headroom_pct: u32,
    pub step_mb: u32,
    /// Share of the duration assumed CPU-bound.
    pub cpu_fraction: f64,
    pub duration_ms: Option<f64>,
    pub predicted_duration_ms: Option<f64>,
    /// The duration if all of it were CPU-bound.
    pub cpu_bound_duration_ms: Option<f64>,
    /// The range's usage-derived cost at the configured and at the suggested memory.
    pub cost_usd: Usd,
    pub predicted_cost_usd: Usd,
    pub saving_usd: Usd,
    pub cpu_bound_saving_usd: Usd,
    /// The data meets AWS Compute Optimizer's requirements.
    pub enough_data: bool,
    /// What the suggestion rests on, in words.
    pub note: String,
}

/// Usage-derived cost split into what Lambda bills for, USD.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct CostSplitUsd {
    pub requests_usd: Usd,
    pub compute_usd: Usd,
    pub provisioned_usd: Usd,
    /// Measured INIT of cold starts (REPORT records); 0 without log data.
    #[serde(default)]
    pub init_usd: Usd,
    pub storage_usd: Usd,
    pub total_usd: Usd,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServiceTotal {
    pub service: String,
    pub cost_usd: Usd,
    /// Share of the billed total, %, one decimal.
    pub share_pct: Decimal,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DailyServiceCost {
    /// `YYYY-MM-DD`.
    pub day: String,
    pub service: String,
    pub cost_usd: Usd,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reconciliation {
    pub usage_derived_usd: Usd,
    /// Billed Lambda cost over the days with a bill.
    pub billed_usd: Usd,
    /// billed − usage-derived over the days with a bill.
    pub gap_usd: Usd,
    /// The tolerance rule, in words.
    pub tolerance: String,
    pub days: Vec<ReconciledDay>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReconciledDay {
    pub day: String,
    pub usage_derived_usd: Usd,
    pub billed_usd: Option<Usd>,
    pub gap_usd: Option<Usd>,
    pub status: ReconciledStatus,
    /// Likely causes of the gap, in words.
    pub causes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FunctionCost {
    pub name: String,
    pub memory_mb: u32,
    pub architecture: String,
    pub invocations: u64,
    pub duration_p50_ms: Option<f64>,
    pub duration_p99_ms: Option<f64>,
    pub error_rate: f64,
    pub cost: CostSplitUsd,
    /// Share of the usage-derived total, %, one decimal.
    pub share_pct: Decimal,
}

/// The function's traffic simulated on another platform.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WhatIf {
    pub platform: String,
    /// The replayed traffic over a 730-hour month, USD.
    pub monthly_usd: Usd,
    pub p99_ms: f64,
    pub cold_start_probability: f64,
    /// The platform the function runs on today.
    #[serde(default)]
    pub current: bool,
}

/// The function's stored traffic replayed in the simulator on the platform it runs on today,
/// against the cost its metrics imply for the same days.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReplayCheck {
    pub platform: String,
    /// First and last replayed day, `YYYY-MM-DD`.
    pub from: String,
    pub to: String,
    pub invocations: u64,
    /// `aggregate` (per-minute estimates) or `exact`.
    pub mode: Mode,
    /// Simulated cost of the replayed days, no free tier, USD.
    pub simulated_usd: Usd,
    /// Usage-derived cost of the same days, no free tier, USD.
    pub usage_derived_usd: Usd,
    /// (simulated − usage-derived) / usage-derived, %, 2 decimals.
    pub difference_pct: Decimal,
}

impl AccountReport {
    /// An empty report of `account` over `from..=to` (the application layer fills it).
    pub fn new(account: &str, function: Option<&str>, from: &str, to: &str, days: u32) -> AccountReport {
        AccountReport {
            schema_version: SCHEMA_VERSION,
            kind: if function.is_some() {
                ReportKind::Function
            } else {
                ReportKind::Account
            },
            generator: format!("breakeven {}", env!("CARGO_PKG_VERSION")),
            account: account.into(),
            from: from.into(),
            to: to.into(),
            days,
            function: function.map(String::from),
            usage_cost: CostSplitUsd::default(),
            billed_total_usd: Usd::ZERO,
            services: Vec::new(),
            daily: Vec::new(),
            reconciliation: Reconciliation {
                usage_derived_usd: Usd::ZERO,
                billed_usd: Usd::ZERO,
                gap_usd: Usd::ZERO,
                tolerance: String::new(),
                days: Vec::new(),
            },
            functions: Vec::new(),
            function_days: Vec::new(),
            what_if: Vec::new(),
            replay: None,
            measured: None,
            log_data: None,
            methods: Vec::new(),
            anonymised: false,
        }
    }

    /// Title of the report.
    pub fn title(&self) -> String {
        match &self.function {
            Some(f) => format!("Function report: {f}"),
            None => format!("Account report: {}", self.account),
        }
    }

    /// The headline, in one sentence.
    pub fn headline(&self) -> String {
        let unit = if self.days == 1 { "day" } else { "days" };
        let period = format!("{} to {} ({} {unit})", self.from, self.to, self.days);
        match &self.function {
            Some(f) => {
                let share = self
                    .functions
                    .first()
                    .map(|x| format!(", {} % of the account's usage-derived Lambda cost", x.share_pct))
                    .unwrap_or_default();
                let mut s = format!(
                    "{f} cost {} from its usage over {period}{share}.",
                    self.usage_cost.total_usd
                );
                s.push_str(&self.what_if_words());
                s
            }
            None => {
                let top = self
                    .services
                    .first()
                    .map(|s| {
                        format!(
                            "; {} is the largest service at {} ({} %)",
                            s.service, s.cost_usd, s.share_pct
                        )
                    })
                    .unwrap_or_default();
                if self.billed_total_usd.is_zero() && self.reconciliation.days.is_empty() {
                    return format!(
                        "Usage-derived cost {} over {period}; no bill is stored to compare it with.",
                        self.usage_cost.total_usd
                    );
                }
                format!(
                    "Billed {} over {period}{top}. Lambda's usage-derived cost is {}, {} its billed \
                     on-demand equivalent (commitments' savings added back).",
                    self.billed_total_usd,
                    self.reconciliation.usage_derived_usd,
                    gap_words(self.reconciliation.gap_usd)
                )
            }
        }
    }

    /// Rows for the daily-by-service chart.
    pub fn service_days(&self) -> Vec<ServiceDay> {
        self.daily
            .iter()
            .map(|d| ServiceDay {
                day: d.day.clone(),
                service: d.service.clone(),
                usd: d.cost_usd,
            })
            .collect()
    }

    /// Rows for the reconciliation chart.
    pub fn reconcile_days(&self) -> Vec<ReconcileDay> {
        self.reconciliation
            .days
            .iter()
            .map(|d| ReconcileDay {
                day: d.day.clone(),
                usage_derived_usd: d.usage_derived_usd,
                billed_usd: d.billed_usd,
            })
            .collect()
    }
}

impl AccountReport {
    /// The what-if comparison in one sentence (empty without one), with a leading space.
    fn what_if_words(&self) -> String {
        let (Some(best), Some(today)) = (self.what_if.first(), self.what_if.iter().find(|w| w.current))
        else {
            return String::new();
        };
        let n = self.what_if.len();
        if best.current {
            format!(
                " Replayed on {n} platforms, {} (where it runs today) is the cheapest at {} a month.",
                best.platform, best.monthly_usd
            )
        } else {
            format!(
                " Replayed on {n} platforms, the same traffic would cost {} a month on {}, against {} on {} (where it runs today).",
                best.monthly_usd, best.platform, today.monthly_usd, today.platform
            )
        }
    }
}

fn gap_words(gap: Usd) -> String {
    if gap.is_zero() {
        "matching".into()
    } else if gap.0 > Decimal::ZERO {
        format!("{gap} below")
    } else {
        format!("{} above", -gap)
    }
}
