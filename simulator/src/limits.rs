//! The largest inputs the simulator accepts, checked before any work starts.
//!
//! Each bound keeps one resource finite: the memory of the per-minute vectors and the timeline,
//! the run time of exact mode, or the range of the integer counters behind a bill. An input past
//! one is bad input whose message names the field, the value and the limit; `docs/scenario-format.md`
//! lists them.

/// Longest simulated horizon, days (3 × 365 + 1). Three years is the longest commitment the
/// catalog prices, and it bounds the per-minute vectors of aggregate mode (1.58 M minutes, about
/// 45 MB per platform) and a timeline at the default 60 s bucket.
pub const MAX_HORIZON_DAYS: f64 = 1096.0;
/// [`MAX_HORIZON_DAYS`] in ms.
pub const MAX_HORIZON_MS: f64 = MAX_HORIZON_DAYS * 86_400_000.0;
/// Shortest horizon, ms (one second): shorter runs bill nothing meaningful and their monthly
/// figure would scale a handful of requests by more than a million.
pub const MIN_HORIZON_MS: f64 = 1_000.0;

/// Highest arrival rate of any process, after a sweep's traffic factor, requests/s. A million
/// requests per second is far past any single function or service; below it every count of
/// aggregate mode over the longest horizon stays an exact integer in an `f64` and far inside
/// `u64`.
pub const MAX_RATE_PER_S: f64 = 1_000_000.0;
/// Largest per-minute count of a replay, requests ([`MAX_RATE_PER_S`] for a minute).
pub const MAX_REPLAY_COUNT_PER_MIN: u64 = 60_000_000;

/// Most requests exact mode simulates per platform and run, estimated as mean rate × horizon ×
/// traffic factor before the run starts: about 100 s of one core at the 9.8 M requests/s
/// `simulator/BENCHMARKS.md` measures for its 259 M-request month, four times that month.
/// Aggregate mode has no such bound.
pub const MAX_EXACT_REQUESTS: f64 = 1_000_000_000.0;
/// Most requests waiting in a fleet's queue, the default of `max_queue` and its limit: an
/// overloaded fixed fleet would otherwise hold every request of the run (16 bytes each);
/// beyond it requests are rejected, and a fleet that far behind is reported overloaded anyway.
pub const MAX_QUEUE: u32 = 10_000_000;

/// Longest request duration a duration model may be given (constant, mean, percentiles), ms: one
/// hour, the longest request timeout of any platform in the catalog (Cloud Run and Cloud
/// Functions 2nd gen: 60 minutes; AWS Lambda stops at 15). A longer "request" is a batch job.
pub const MAX_DURATION_MS: f64 = 3_600_000.0;
/// Cap on a single sampled duration, ms (one day). Lognormal and exponential models have
/// unbounded tails; the cut keeps every sum of billed milliseconds inside `u64` and lies 24 means
/// out for the longest exponential, where the mass beyond is below 10⁻¹⁰.
pub const MAX_SAMPLE_MS: f64 = 86_400_000.0;
/// Largest σ of ln(duration) of a lognormal model (p99 / p50 ≈ 10⁵). Past it the sample mean
/// of any feasible run does not settle, so the costs would be noise.
pub const MAX_SIGMA: f64 = 5.0;

/// Shortest mean on or off period of a bursty process, s. Every period is a state change the
/// run draws; one second matches the desktop's slider and bounds the changes over the longest
/// horizon to about 50 million.
pub const MIN_BURST_S: f64 = 1.0;
/// Most spikes of a spike process: the rate of each piece multiplies every spike over it.
pub const MAX_SPIKES: usize = 1_000;

/// Most platforms in one scenario: each is a full run, and the comparison table past this is
/// unreadable.
pub const MAX_PLATFORMS: usize = 32;
/// Most instances a platform option may ask for (`instances`, `min_instances`,
/// `max_instances`, and what `instances = "peak"` works out to), and the autoscaling ceiling
/// when `max_instances` is not given: each instance is an object of the exact engines.
pub const MAX_INSTANCES: u32 = 100_000;
/// Most requests one instance serves at once (`concurrency`; a Kubernetes node: pods ×
/// `concurrency`).
pub const MAX_CONCURRENCY: u32 = 100_000;
/// Most a platform's CPU may slow the workload's requests down (the memory-scaling factor,
/// `docs/scenario-format.md`). Past it a sampled request of a day would overflow the run's
/// millisecond counters, and the setting is surely a typo in `vcpu` or `reference_vcpu`.
pub const MAX_SLOWDOWN: f64 = 1_000.0;
/// Most requests in flight at once exact mode simulates: peak rate × traffic factor × mean
/// duration. Each is an instance or queue entry and an event in memory (about 100 bytes).
pub const MAX_EXACT_IN_FLIGHT: f64 = 1_000_000.0;
/// Longest platform time setting (`keep_alive_s`, `scale_window_s`, `evaluation_s`,
/// `cooldown_s`, `boot_s`), s: the longest horizon, so "never expire" can be written as a long
/// keep-alive while every time stays finite in ms.
pub const MAX_PLATFORM_SECONDS: f64 = MAX_HORIZON_MS / 1000.0;

/// Shortest autoscaler period (`evaluation_s`), s: each period is an event of the exact fleet
/// engine, so a period of nanoseconds would never finish. Cloud autoscalers evaluate every 15 to
/// 60 s.
pub const MIN_EVALUATION_S: f64 = 1.0;

/// Most timeline buckets per platform: three years of one-minute buckets, so the default 60 s
/// bucket fits every horizon. A shorter bucket over a long horizon needs a wider
/// `timeline_bucket_s` (or no timeline).
pub const MAX_TIMELINE_BUCKETS: f64 = 1_578_240.0;

/// Most traffic levels of a sweep (`--steps`): every level is a full run of every platform;
/// 100 log-spaced levels over four decades are 10 % apart.
pub const MAX_SWEEP_STEPS: usize = 100;
/// Range of a sweep's traffic factors (`--traffic FROM..TO`): six decades either side of the
/// scenario's traffic. The resulting peak rate must also stay under [`MAX_RATE_PER_S`].
pub const MIN_TRAFFIC_FACTOR: f64 = 1e-6;
pub const MAX_TRAFFIC_FACTOR: f64 = 1e6;

/// `12345678` → `12,345,678` for messages; fractions keep up to three decimals.
pub fn fmt_count(x: f64) -> String {
    if !x.is_finite() {
        return x.to_string();
    }
    if x.fract() != 0.0 && x.abs() < 1000.0 {
        return format!("{}", (x * 1000.0).round() / 1000.0);
    }
    let s = format!("{:.0}", x.abs());
    let mut out = String::new();
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    if x < 0.0 {
        out.insert(0, '-');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_grouped() {
        assert_eq!(fmt_count(100_000_000.0), "100,000,000");
        assert_eq!(fmt_count(999.0), "999");
        assert_eq!(fmt_count(0.5), "0.5");
        assert_eq!(fmt_count(f64::INFINITY), "inf");
    }
}
