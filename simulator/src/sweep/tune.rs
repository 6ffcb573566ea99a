//! Memory tuning: cost and latency of each function platform at each memory size, the cheapest
//! size, and the fastest size within 10 % of the cheapest cost.

use crate::pricing::{PlatformKind, PriceCatalog, Usd};
use crate::run::{check_run, simulate_platform, RunOptions, SimError};
use crate::scenario::Scenario;
use rayon::prelude::*;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// Memory sizes tried within a range, MB: the common steps of the providers' consoles.
const STEPS_MB: &[u32] = &[
    128, 256, 512, 768, 1024, 1536, 1769, 2048, 3008, 4096, 5120, 6144, 7168, 8192, 10240,
];

/// How much more than the cheapest a faster choice may cost.
const FAST_MARGIN: Decimal = Decimal::from_parts(11, 0, 0, false, 1);

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TuneRow {
    pub memory_mb: u32,
    pub monthly_usd: Usd,
    /// Duration multiplier at this size.
    pub duration_factor: f64,
    pub mean_ms: f64,
    pub p50_ms: f64,
    pub p95_ms: f64,
    pub p99_ms: f64,
    pub cold_start_probability: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TunePlatform {
    pub label: String,
    pub id: String,
    pub rows: Vec<TuneRow>,
    /// Memory of the cheapest row, MB.
    pub cheapest_mb: u32,
    /// Memory of the row with the lowest mean latency among those costing at most 10 % more
    /// than the cheapest, MB.
    pub fastest_within_10pct_mb: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TuneResult {
    pub scenario: String,
    pub platforms: Vec<TunePlatform>,
    /// Platforms of the scenario that are not tuned: not functions, a fixed memory size, or sized
    /// in vCPU and GB rather than memory alone.
    pub skipped: Vec<String>,
    pub simulated_requests: u64,
}

/// The sizes of `from..=to` a platform accepts.
fn sizes_for(p: &crate::pricing::Platform, from: u32, to: u32) -> Vec<u32> {
    let r = &p.rules;
    if let Some(sizes) = &r.memory_sizes_mb {
        let mut s: Vec<u32> = sizes
            .iter()
            .copied()
            .filter(|m| (from..=to).contains(m))
            .collect();
        s.sort_unstable();
        return s;
    }
    let lo = r.min_config_memory_mb.unwrap_or(128).max(from);
    let hi = r.max_memory_mb.unwrap_or(u32::MAX).min(to);
    if lo >= hi {
        return Vec::new();
    }
    let mut s: Vec<u32> = STEPS_MB
        .iter()
        .copied()
        .filter(|m| (lo..=hi).contains(m))
        .collect();
    for edge in [lo, hi] {
        if !s.contains(&edge) {
            s.push(edge);
        }
    }
    s.sort_unstable();
    s
}

/// Tune every function platform of `scenario` over memory sizes in `from..=to` MB.
pub fn tune(catalog: &PriceCatalog, scenario: &Scenario, from: u32, to: u32) -> Result<TuneResult, SimError> {
    if from == 0 || to < from {
        return Err(SimError::Invalid(
            "memory range must be positive and increasing".into(),
        ));
    }
    let opts = RunOptions {
        timeline: false,
        ..RunOptions::default()
    };
    check_run(scenario, &opts)?;
    let mut jobs = Vec::new();
    let mut skipped = Vec::new();
    for (i, spec) in scenario.platforms.iter().enumerate() {
        let p = catalog.platform(&spec.id)?;
        // Platforms sized in vCPU and GB (Cloud Run, Code Engine) do not bill by `memory_mb`.
        let sizes = if p.kind == PlatformKind::Faas && p.rules.default_memory_gb.is_none() {
            sizes_for(p, from, to)
        } else {
            Vec::new()
        };
        if sizes.len() < 2 {
            skipped.push(spec.label().to_string());
        }
        if sizes.len() >= 2 {
            jobs.extend(sizes.into_iter().map(|m| (i, m)));
        }
    }
    let results: Vec<(usize, u32, crate::PlatformResult)> = jobs
        .into_par_iter()
        .map(|(i, m)| {
            let mut s = scenario.clone();
            s.platforms[i].memory_mb = Some(m);
            simulate_platform(catalog, &s, i, &opts).map(|r| (i, m, r))
        })
        .collect::<Result<_, _>>()?;
    let simulated_requests = results.iter().map(|r| r.2.arrivals).sum();
    let mut platforms: Vec<TunePlatform> = Vec::new();
    for (i, m, r) in results {
        let row = TuneRow {
            memory_mb: m,
            monthly_usd: r.cost.monthly_usd,
            duration_factor: r.duration_factor,
            mean_ms: r.latency_ms.mean,
            p50_ms: r.latency_ms.p50,
            p95_ms: r.latency_ms.p95,
            p99_ms: r.latency_ms.p99,
            cold_start_probability: r.cold_start_probability,
        };
        let label = scenario.platforms[i].label().to_string();
        match platforms.iter_mut().find(|p| p.label == label) {
            Some(p) => p.rows.push(row),
            None => platforms.push(TunePlatform {
                label,
                id: r.id.clone(),
                rows: vec![row],
                cheapest_mb: 0,
                fastest_within_10pct_mb: 0,
            }),
        }
    }
    for p in &mut platforms {
        let cheapest = p
            .rows
            .iter()
            .min_by(|a, b| {
                a.monthly_usd
                    .cmp(&b.monthly_usd)
                    .then(a.mean_ms.total_cmp(&b.mean_ms))
            })
            .cloned();
        if let Some(c) = cheapest {
            p.cheapest_mb = c.memory_mb;
            let limit = c.monthly_usd.0 * FAST_MARGIN;
            p.fastest_within_10pct_mb = p
                .rows
                .iter()
                .filter(|r| r.monthly_usd.0 <= limit)
                .min_by(|a, b| {
                    a.mean_ms
                        .total_cmp(&b.mean_ms)
                        .then(a.monthly_usd.cmp(&b.monthly_usd))
                })
                .map(|r| r.memory_mb)
                .unwrap_or(c.memory_mb);
        }
    }
    Ok(TuneResult {
        scenario: scenario.name.clone(),
        platforms,
        skipped,
        simulated_requests,
    })
}
