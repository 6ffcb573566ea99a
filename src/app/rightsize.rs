//! Right-sizing: for one Lambda function, the smallest memory size that holds the 99th
//! percentile of the memory its invocations used (REPORT records' `Max Memory Used`) with
//! [`HEADROOM_PCT`] % headroom, what its duration and cost would be there, and the saving.
//!
//! - Size: p99 × (1 + headroom), rounded up to a multiple of [`STEP_MB`] (Lambda takes any MB
//!   from 128 to 10,240; 64 MB steps keep the suggestion a round number), within the catalog's
//!   memory limits. It can be above the configured size: a function near its limit.
//! - Duration: the simulator's memory model ([`Workload::speed_factor`]): a share
//!   `cpu_fraction` of the duration is CPU-bound and scales with the CPU Lambda gives (1 vCPU at
//!   1,769 MB, in proportion below, no faster above for a single thread); the rest does not
//!   change. `cpu_fraction` is the simulator's default, as `scenario from-function` uses it;
//!   the same at `cpu_fraction` 1 (everything CPU-bound) bounds how much slower it may get.
//! - Cost: the function's days over the analysed range priced again by the same pricing code
//!   (`analytics::cost`) at the suggested memory with the predicted durations (measured INIT
//!   kept, priced at the new memory), against the same days at the configured memory.
//! - Enough data: AWS Compute Optimizer recommends a Lambda memory size only for functions with
//!   at least [`MIN_INVOCATIONS`] invocations over [`MIN_DAYS`] days
//!   (<https://docs.aws.amazon.com/compute-optimizer/latest/ug/requirements.html>); below that
//!   the suggestion is flagged as resting on thin data.

use crate::analytics::cost::{self, DayMetrics, FunctionConfig};
use crate::analytics::logs::FunctionLogs;
use crate::app::error::Result;
use breakeven_simulator::pricing::money::group_digits;
use breakeven_simulator::pricing::{PriceCatalog, Usd};
use breakeven_simulator::workload::{Arrivals, DurationModel, Workload, AWS_MB_PER_VCPU};
use serde::Serialize;

/// Memory kept free above the p99 of memory used, percent.
pub const HEADROOM_PCT: u32 = 15;
/// Suggested sizes are multiples of this, MB.
pub const STEP_MB: u32 = 64;
/// AWS Compute Optimizer's minimum history for a Lambda recommendation, days.
pub const MIN_DAYS: u32 = 14;
/// AWS Compute Optimizer's minimum invocations for a Lambda recommendation.
pub const MIN_INVOCATIONS: u64 = 50;
/// Where those requirements are stated.
pub const COMPUTE_OPTIMIZER_REQUIREMENTS: &str =
    "https://docs.aws.amazon.com/compute-optimizer/latest/ug/requirements.html";

/// The suggestion for one function over the analysed range.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RightSizing {
    /// Configured memory, MB.
    pub memory_mb: u32,
    /// 99th percentile of memory used per invocation, MB.
    pub memory_used_p99_mb: u32,
    /// Headroom kept above it, percent.
    pub headroom_pct: u32,
    /// The smallest size holding p99 × (1 + headroom), rounded up to `step_mb`, MB.
    pub suggested_mb: u32,
    pub step_mb: u32,
    /// Share of the duration assumed CPU-bound (scales with memory), 0–1.
    pub cpu_fraction: f64,
    /// Mean duration now (metrics), ms.
    pub duration_ms: Option<f64>,
    /// Predicted mean duration at the suggested size, ms.
    pub predicted_duration_ms: Option<f64>,
    /// Predicted mean duration at the suggested size if all of it were CPU-bound, ms.
    pub cpu_bound_duration_ms: Option<f64>,
    /// Usage-derived cost of the range at the configured memory.
    pub cost_usd: Usd,
    /// The same days at the suggested memory and predicted durations.
    pub predicted_cost_usd: Usd,
    /// `cost_usd − predicted_cost_usd` (negative: the suggestion costs more).
    pub saving_usd: Usd,
    /// The saving if all of the duration were CPU-bound.
    pub cpu_bound_saving_usd: Usd,
    /// Days of the range with REPORT records.
    pub days_with_logs: u32,
    /// REPORT records (invocations) of the range.
    pub invocations: u64,
    /// Whether the data meets AWS Compute Optimizer's requirements (≥ 14 days, ≥ 50
    /// invocations).
    pub enough_data: bool,
    /// What the suggestion rests on, in words (and why it is thin, when it is).
    pub note: String,
}

/// The share of a duration CPU-bound by default: what a scenario gets when none is stated
/// (`scenario from-function` states none).
pub fn default_cpu_fraction() -> f64 {
    placeholder().cpu_fraction
}

/// A workload for its memory model only (its arrivals and durations are placeholders).
fn placeholder() -> Workload {
    Workload::new(
        1.0,
        Arrivals::Poisson { rate_per_s: 1.0 },
        DurationModel::constant(1.0),
    )
}

/// Duration multiplier of a function measured at `from_mb` when run at `to_mb`.
pub fn duration_factor(from_mb: u32, to_mb: u32, cpu_fraction: f64) -> f64 {
    let w = Workload {
        memory_mb: from_mb,
        cpu_fraction,
        ..placeholder()
    };
    w.speed_factor(Some(f64::from(to_mb) / AWS_MB_PER_VCPU))
}

/// The suggested size for a p99 of `p99_mb`, within `min_mb..=max_mb`.
pub fn suggested_mb(p99_mb: u32, min_mb: u32, max_mb: u32) -> u32 {
    let need = (f64::from(p99_mb) * (1.0 + f64::from(HEADROOM_PCT) / 100.0)).ceil() as u32;
    (need.div_ceil(STEP_MB) * STEP_MB).clamp(min_mb, max_mb)
}

/// The right-sizing of `f` from its REPORT records and its days (as `analyse` prices them);
/// `None` when the function is not priced as Lambda or its records show no memory used.
pub fn suggest(
    catalog: &PriceCatalog,
    platform: &str,
    f: &FunctionConfig,
    logs: Option<&FunctionLogs>,
    days: &[DayMetrics],
    duration_ms: Option<f64>,
) -> Result<Option<RightSizing>> {
    let Some(logs) = logs else { return Ok(None) };
    let Some(p99) = logs.memory_used_p99_mb() else {
        return Ok(None);
    };
    if platform != cost::PLATFORM {
        return Ok(None);
    }
    let rules = &catalog.platform(platform)?.rules;
    let (min_mb, max_mb) = (
        rules.min_config_memory_mb.unwrap_or(128),
        rules.max_memory_mb.unwrap_or(10_240),
    );
    let to = suggested_mb(p99, min_mb, max_mb);
    let cpu_fraction = default_cpu_fraction();
    let at = |fraction: f64| -> Result<(f64, Usd)> {
        let factor = duration_factor(f.memory_mb, to, fraction);
        let g = FunctionConfig {
            memory_mb: to,
            ..f.clone()
        };
        let mut total = Usd::ZERO;
        for m in days {
            let m = DayMetrics {
                duration_ms: m.duration_ms * factor,
                ..*m
            };
            total += cost::price_day(catalog, &g, &m)?.total;
        }
        Ok((factor, total))
    };
    let mut now = Usd::ZERO;
    for m in days {
        now += cost::price_day(catalog, f, m)?.total;
    }
    let (factor, predicted) = at(cpu_fraction)?;
    let (bound_factor, bound) = at(1.0)?;
    let days_with_logs = logs.days.iter().filter(|d| d.invocations > 0).count() as u32;
    let enough_data = days_with_logs >= MIN_DAYS && logs.invocations >= MIN_INVOCATIONS;
    let mut note = format!(
        "p99 of memory used {p99} MB + {HEADROOM_PCT}% headroom, rounded up to {STEP_MB} MB: {to} MB; \
         duration scaled by the simulator's memory model with cpu_fraction {cpu_fraction} \
         (at cpu_fraction 1 it would be ×{bound_factor:.2})"
    );
    if !enough_data {
        note.push_str(&format!(
            "; thin data: {days_with_logs} days and {} invocations with REPORT records, AWS Compute \
             Optimizer needs at least {MIN_DAYS} days and {MIN_INVOCATIONS} invocations ({COMPUTE_OPTIMIZER_REQUIREMENTS})",
            group_digits(&logs.invocations.to_string())
        ));
    }
    let r3 = |x: f64| (x * 1000.0).round() / 1000.0;
    Ok(Some(RightSizing {
        memory_mb: f.memory_mb,
        memory_used_p99_mb: p99,
        headroom_pct: HEADROOM_PCT,
        suggested_mb: to,
        step_mb: STEP_MB,
        cpu_fraction,
        duration_ms: duration_ms.map(r3),
        predicted_duration_ms: duration_ms.map(|d| r3(d * factor)),
        cpu_bound_duration_ms: duration_ms.map(|d| r3(d * bound_factor)),
        cost_usd: now,
        predicted_cost_usd: predicted,
        saving_usd: now - predicted,
        cpu_bound_saving_usd: now - bound,
        days_with_logs,
        invocations: logs.invocations,
        enough_data,
        note,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_size_holds_the_p99_with_headroom_in_whole_steps() {
        // 180 MB × 1.15 = 207 → 256.
        assert_eq!(suggested_mb(180, 128, 10_240), 256);
        // 1,400 × 1.15 = 1,610 → 1,664.
        assert_eq!(suggested_mb(1_400, 128, 10_240), 1_664);
        assert_eq!(suggested_mb(30, 128, 10_240), 128);
        assert_eq!(suggested_mb(10_000, 128, 10_240), 10_240);
    }

    #[test]
    fn only_the_cpu_bound_share_slows_down_with_less_memory() {
        assert_eq!(duration_factor(1024, 256, 0.0), 1.0);
        let all = duration_factor(1024, 256, 1.0);
        assert!((all - 4.0).abs() < 1e-9, "{all}");
        let half = duration_factor(1024, 256, 0.5);
        assert!((half - 2.5).abs() < 1e-9, "{half}");
        // Above one vCPU a single thread gets no faster.
        assert_eq!(duration_factor(3008, 2048, 1.0), 1.0);
    }
}
