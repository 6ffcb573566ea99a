//! Results of a simulation, as the CLI prints them with `--json` and the desktop charts them.

use crate::platform::billing::{bill_run, timeline_cost};
use crate::platform::committed::{commit, CommittedCost};
use crate::platform::outcome::RunStats;
use crate::platform::{EngineKind, Resolved};
use crate::pricing::{discount, CommitmentSpec, Discount};
use crate::pricing::{CatalogError, CostLine, PlatformKind, PriceCatalog, Usage, Usd};
use crate::scenario::Mode;
use crate::stats::LatencySummary;
use serde::{Deserialize, Serialize};

/// Six decimals: enough for probabilities and averages, stable in JSON.
pub fn round6(x: f64) -> f64 {
    if x.is_finite() {
        (x * 1e6).round() / 1e6
    } else {
        x
    }
}

/// The bill of one platform.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CostReport {
    /// The horizon billed as one period: free tier and tiers apply once.
    pub total_usd: Usd,
    /// The same traffic over a 730-hour month (usage scaled linearly, billed as a month).
    pub monthly_usd: Usd,
    /// Length of the billed period, hours.
    pub period_hours: f64,
    pub free_tier_usd: Usd,
    pub lines: Vec<CostLine>,
    pub notes: Vec<String>,
}

/// Per-bucket series for charts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TimelineReport {
    /// Bucket width, s.
    pub bucket_s: f64,
    pub requests: Vec<u64>,
    pub cold_starts: Vec<u64>,
    pub throttled: Vec<u64>,
    pub avg_instances: Vec<f64>,
    pub peak_instances: Vec<u32>,
    pub avg_busy_instances: Vec<f64>,
    /// Each bucket's share of `cost.total_usd`.
    pub cost_usd: Vec<Usd>,
}

/// What one platform did with the workload and what it costs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PlatformResult {
    pub id: String,
    pub label: String,
    pub name: String,
    pub kind: PlatformKind,
    pub engine: EngineKind,
    pub mode: Mode,
    pub region: String,
    /// Function memory the platform ran with, MB.
    pub memory_mb: u32,
    /// Multiplier applied to the workload's durations on this platform's CPU.
    pub duration_factor: f64,
    /// Requests that arrived.
    pub arrivals: u64,
    /// Requests served.
    pub requests: u64,
    pub cold_starts: u64,
    /// Cold starts per served request.
    pub cold_start_probability: f64,
    pub throttled: u64,
    /// Throttled per arrival.
    pub throttle_probability: f64,
    pub avg_instances: f64,
    pub avg_busy_instances: f64,
    pub avg_idle_instances: f64,
    pub peak_instances: u32,
    /// Busy share of capacity: busy / alive instances (serverless), busy / ready request slots
    /// (fleets).
    pub utilisation: f64,
    /// End-to-end latency: init, queueing and execution.
    pub latency_ms: LatencySummary,
    /// Time spent queued (fleets).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub queue_wait_ms: Option<LatencySummary>,
    pub cost: CostReport,
    /// The bill with the scenario's commitments applied (absent without commitments).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub committed: Option<CommittedCost>,
    /// Metered usage behind the bill.
    pub usage: Usage,
    pub notes: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeline: Option<TimelineReport>,
}

/// A whole simulation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SimulationResult {
    pub scenario: String,
    pub seed: u64,
    pub mode: Mode,
    pub horizon_s: f64,
    pub platforms: Vec<PlatformResult>,
    /// Requests the engines processed, over all platforms.
    pub simulated_requests: u64,
}

fn ratio(a: u64, b: u64) -> f64 {
    if b == 0 {
        0.0
    } else {
        round6(a as f64 / b as f64)
    }
}

/// Bill a run (on-demand, and with `commitments` when there are any) and assemble its result.
pub fn platform_result(
    catalog: &PriceCatalog,
    r: &Resolved,
    mode: Mode,
    s: RunStats,
    with_timeline: bool,
    commitments: &[CommitmentSpec],
    discounts: &[Discount],
) -> Result<PlatformResult, CatalogError> {
    let mut bill = bill_run(catalog, r, &s.usage)?;
    let mut committed = commit(
        catalog,
        r,
        commitments,
        &bill,
        &s.timeline.buckets,
        s.timeline.bucket_ms,
        s.usage.period_ms,
    )?;
    if let Some(d) = discount::for_platform(discounts, &r.platform) {
        discount::apply(&mut bill.horizon, d);
        discount::apply(&mut bill.monthly, d);
        if let Some(c) = committed.as_mut() {
            let l = discount::line(d, c.total_usd);
            c.total_usd = c.total_usd + l.amount;
            c.lines.push(l);
            c.monthly_usd = c.monthly_usd + discount::line(d, c.monthly_usd).amount;
        }
    }
    let end = s.end_ms.max(1.0);
    let avg_instances = s.timeline.alive_area / end;
    let avg_busy = s.timeline.busy_area / end;
    let utilisation = if s.slot_area > 0.0 {
        s.busy_slot_area / s.slot_area
    } else {
        0.0
    };
    let timeline = with_timeline.then(|| {
        let tl = &s.timeline;
        let w = tl.bucket_ms;
        TimelineReport {
            bucket_s: w / 1000.0,
            requests: tl.buckets.iter().map(|b| b.requests).collect(),
            cold_starts: tl.buckets.iter().map(|b| b.cold_starts).collect(),
            throttled: tl.buckets.iter().map(|b| b.throttled).collect(),
            avg_instances: tl.buckets.iter().map(|b| round6(b.instance_area / w)).collect(),
            peak_instances: tl.buckets.iter().map(|b| b.peak_instances).collect(),
            avg_busy_instances: tl.buckets.iter().map(|b| round6(b.busy_area / w)).collect(),
            cost_usd: timeline_cost(&bill.horizon, r.platform.billing, &tl.buckets, w),
        }
    });
    let mut notes = s.notes;
    notes.extend(r.notes.iter().cloned());
    let h = bill.horizon;
    Ok(PlatformResult {
        id: r.platform.id.clone(),
        label: r.label.clone(),
        name: r.platform.name.clone(),
        kind: r.platform.kind,
        engine: r.engine,
        mode,
        region: h.region.clone(),
        memory_mb: r.deployment.memory_mb,
        duration_factor: round6(r.speed),
        arrivals: s.arrivals,
        requests: s.requests,
        cold_starts: s.cold_starts,
        cold_start_probability: ratio(s.cold_starts, s.requests),
        throttled: s.throttled,
        throttle_probability: ratio(s.throttled, s.arrivals),
        avg_instances: round6(avg_instances),
        avg_busy_instances: round6(avg_busy),
        avg_idle_instances: round6(avg_instances - avg_busy),
        peak_instances: s.timeline.peak_alive,
        utilisation: round6(utilisation),
        latency_ms: s.latency.summary(),
        queue_wait_ms: s.queue_wait.map(|q| q.summary()),
        cost: CostReport {
            total_usd: h.total,
            monthly_usd: bill.monthly.total,
            period_hours: round6(s.usage.period_ms as f64 / 3_600_000.0),
            free_tier_usd: h.free_tier,
            lines: h.lines,
            notes: h.notes,
        },
        committed,
        usage: s.usage,
        notes,
        timeline,
    })
}
