//! The warm pool of a function under steady Poisson traffic, in closed form: how many instances
//! the keep-alive holds and how often a request finds none idle. Aggregate mode uses it per
//! minute.
//!
//! Busy requests N follow the M/G/∞ law, Poisson with mean `a` = λ·S. With most-recently-used
//! reuse, instances stack: instance k serves only while more than (k − 1)·c requests are in
//! flight (c per instance). It idles through each excursion of N to (k − 1)·c or below and
//! expires when one lasts longer than the keep-alive T; the next request that needs it is then a
//! cold start. Excursions below level j start at the rate λ·P(N = j) (flux balance) and last
//! P(N ≤ j) / (λ·P(N = j)) on average; taking their length as exponential (exact for k = 1,
//! where an excursion is the wait for the next arrival, and the rare-event limit for high
//! levels) gives, per instance k with j = (k − 1)·c:
//!
//! - P(cold start of k per request) = P(N = j) · e^(−T / E_j),
//! - P(k alive) = P(N > j) + P(N ≤ j) · (1 − e^(−T / E_j)).
//!
//! `VALIDATION.md` and `BENCHMARKS.md` compare it with the exact engine.

/// Expected warm-pool figures at one traffic level.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WarmPool {
    /// Probability that a request starts an instance.
    pub cold_start_probability: f64,
    /// Mean instances alive, busy or idle, always-warm ones included.
    pub alive: f64,
    /// Mean instances serving at least one request: E[⌈N / c⌉], always-warm ones included.
    pub busy: f64,
    /// The always-warm instances' share of `busy`.
    pub pinned_busy: f64,
    /// Busy periods of instances started per request: an instance at level j starts one each
    /// time the busy count leaves j upwards, at rate λ·P(N = j).
    pub busy_starts: f64,
}

/// ln(n!) by Stirling's series (error below 1e-10 for n ≥ 1).
fn ln_factorial(n: f64) -> f64 {
    if n < 1.0 {
        return 0.0;
    }
    n * n.ln() - n + 0.5 * (2.0 * std::f64::consts::PI * n).ln() + 1.0 / (12.0 * n)
        - 1.0 / (360.0 * n * n * n)
}

/// The pool for arrival rate `lambda_per_ms`, mean busy time `service_ms`, keep-alive `keep_ms`,
/// `per_instance` concurrent requests per instance and `pinned` always-warm instances.
pub fn warm_pool(
    lambda_per_ms: f64,
    service_ms: f64,
    keep_ms: f64,
    per_instance: u32,
    pinned: u32,
) -> WarmPool {
    let a = lambda_per_ms * service_ms;
    if !(a > 0.0 && a.is_finite()) {
        return WarmPool {
            cold_start_probability: 0.0,
            alive: f64::from(pinned),
            busy: 0.0,
            pinned_busy: 0.0,
            busy_starts: 0.0,
        };
    }
    let c = u64::from(per_instance.max(1));
    // Poisson(a) probabilities over the levels that matter, from the mode outwards (no underflow
    // at large a); below `lo` every instance stays warm, above `hi` nothing is left.
    let spread = 12.0 * a.sqrt() + 12.0;
    if 2.0 * spread + 1.0 > MAX_LEVELS as f64 {
        return coarse(a, lambda_per_ms, keep_ms, c as f64, f64::from(pinned), spread);
    }
    let lo = (a - spread).max(0.0).floor() as u64;
    let hi = (a + spread).ceil() as u64;
    let mode = a.floor() as u64;
    let ln_mode = -a + mode as f64 * a.ln() - ln_factorial(mode as f64);
    let mut pmf = vec![0.0; (hi - lo + 1) as usize];
    pmf[(mode - lo) as usize] = ln_mode.exp();
    for j in mode + 1..=hi {
        pmf[(j - lo) as usize] = pmf[(j - 1 - lo) as usize] * a / j as f64;
    }
    for j in (lo..mode).rev() {
        pmf[(j - lo) as usize] = pmf[(j + 1 - lo) as usize] * (j + 1) as f64 / a;
    }
    let (mut cdf, mut cold, mut alive) = (0.0, 0.0, 0.0);
    let first_level = u64::from(pinned) * c;
    // Instances whose level lies below the window are always warm, and always busy.
    let warm_below = lo.div_ceil(c).saturating_sub(u64::from(pinned));
    alive += warm_below as f64;
    let mut busy = lo.div_ceil(c) as f64;
    let mut pinned_busy = lo.div_ceil(c).min(u64::from(pinned)) as f64;
    let mut busy_starts = 0.0;
    for j in lo..=hi {
        let p = pmf[(j - lo) as usize];
        cdf += p;
        if j % c != 0 {
            continue;
        }
        busy += (1.0 - cdf).max(0.0);
        busy_starts += p;
        if j < first_level {
            pinned_busy += (1.0 - cdf).max(0.0);
            continue;
        }
        let mean_excursion = cdf / (lambda_per_ms * p).max(f64::MIN_POSITIVE);
        let expired = (-keep_ms / mean_excursion).exp();
        cold += p * expired;
        alive += (1.0 - cdf).max(0.0) + cdf * (1.0 - expired);
    }
    WarmPool {
        cold_start_probability: cold.min(1.0),
        alive: alive + f64::from(pinned),
        busy,
        pinned_busy,
        busy_starts,
    }
}

/// Most busy-count levels [`warm_pool`] sums one by one: a window of ±12√a levels fits up to a
/// load of about 7 million busy requests. Past it the levels are summed in blocks.
const MAX_LEVELS: usize = 1 << 16;

/// [`warm_pool`] for loads whose window exceeds [`MAX_LEVELS`]: the window is cut into
/// `MAX_LEVELS` blocks, each taken at its midpoint and standing for the instances whose levels
/// fall in it. There the Poisson law is a smooth bell some thousands of levels wide, so a block
/// (under 1 % of its width) changes the sums by far less than the closed form's own error, and
/// the work and memory stay bounded for any finite load. Levels are `f64`: loads beyond `u64`
/// give finite, if meaningless, figures rather than a panic.
fn coarse(a: f64, lambda_per_ms: f64, keep_ms: f64, c: f64, pinned: f64, spread: f64) -> WarmPool {
    let lo = (a - spread).max(0.0).floor();
    let hi = (a + spread).ceil();
    let width = ((hi - lo + 1.0) / MAX_LEVELS as f64).ceil();
    let mode = a.floor().max(1.0);
    // ln P(N = x) − ln P(N = mode) by Stirling's formula written in differences, exact to
    // rounding for large a; the blocks are normalised by their sum.
    let ln_ratio = |x: f64| {
        let d = x - mode;
        let r = (d / mode).ln_1p();
        d * (a / mode).ln() - x * r + d - 0.5 * r
    };
    let blocks: Vec<(f64, f64)> = (0..MAX_LEVELS)
        .map(|i| lo + i as f64 * width)
        .take_while(|start| *start <= hi)
        .map(|start| (start, ln_ratio(start + (width - 1.0) / 2.0).exp()))
        .collect();
    let total: f64 = blocks.iter().map(|(_, w)| w * width).sum();
    let first_level = pinned * c;
    let (mut cdf, mut cold) = (0.0, 0.0);
    let mut alive = ((lo / c).ceil() - pinned).max(0.0);
    let mut busy = (lo / c).ceil();
    let mut pinned_busy = (lo / c).ceil().min(pinned);
    let mut busy_starts = 0.0;
    for (start, w) in blocks {
        let p = w / total;
        let before = cdf;
        cdf += p * width;
        // Instance levels (multiples of c, from the first dynamic one) inside the block.
        let end = start + width - 1.0;
        let at = (before + cdf) / 2.0;
        let levels = ((end / c).floor() - (start / c).ceil() + 1.0).max(0.0);
        busy += levels * (1.0 - at).max(0.0);
        busy_starts += levels * p;
        let pinned_levels = ((end.min(first_level - 1.0) / c).floor() - (start / c).ceil() + 1.0).max(0.0);
        pinned_busy += pinned_levels * (1.0 - at).max(0.0);
        let from = start.max(first_level);
        let instances = ((end / c).floor() - (from / c).ceil() + 1.0).max(0.0);
        if instances == 0.0 {
            continue;
        }
        let mean_excursion = at / (lambda_per_ms * p).max(f64::MIN_POSITIVE);
        let expired = (-keep_ms / mean_excursion).exp();
        cold += instances * p * expired;
        alive += instances * ((1.0 - at).max(0.0) + at * (1.0 - expired));
    }
    WarmPool {
        cold_start_probability: if cold.is_finite() { cold.min(1.0) } else { 0.0 },
        alive: alive + pinned,
        busy,
        pinned_busy,
        busy_starts,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// SimFaaS's published case (warm 1.991 s): its measured cold-start probability and average
    /// instance count, from `VALIDATION.md`, within the accuracy of a closed form.
    #[test]
    fn agrees_with_simfaas_on_its_published_case() {
        for (rate_per_s, keep_s, p_cold, instances) in [
            (0.1, 60.0, 0.0756, 1.688),
            (0.9, 600.0, 0.0014, 7.647),
            (2.0, 300.0, 0.0018, 11.554),
        ] {
            let pool = warm_pool(rate_per_s / 1000.0, 1991.0, keep_s * 1000.0, 1, 0);
            let p = pool.cold_start_probability;
            assert!(
                (p / p_cold - 1.0).abs() < 0.25,
                "{rate_per_s}/s, {keep_s} s: P(cold) {p} vs {p_cold}"
            );
            assert!(
                (pool.alive / instances - 1.0).abs() < 0.1,
                "instances {} vs {instances}",
                pool.alive
            );
        }
    }

    #[test]
    fn large_loads_keep_about_the_peak_and_start_almost_nothing() {
        // 1,000 req/s of 2 s: 2,000 busy on average.
        let pool = warm_pool(1.0, 2000.0, 600_000.0, 1, 0);
        assert!(pool.alive > 2000.0 && pool.alive < 2300.0, "{}", pool.alive);
        assert!(pool.cold_start_probability < 1e-4);
        // Per-instance concurrency packs the same load into fewer instances.
        let packed = warm_pool(1.0, 2000.0, 600_000.0, 80, 0);
        assert!(packed.alive < pool.alive / 50.0, "{}", packed.alive);
    }

    #[test]
    fn the_load_of_a_sweep_to_1e20_gives_finite_figures_not_a_panic() {
        // The load a sweep to ×1e20 of a small scenario asked for: no panic, no huge buffer,
        // finite figures, whatever the finite input.
        for a in [1e7, 1e9, 1e12, 1e18, 1e20, 1e300] {
            for c in [1, 80] {
                let pool = warm_pool(a / 100.0, 100.0, 600_000.0, c, 3);
                assert!(pool.alive.is_finite() && pool.alive >= 3.0, "{a}: {pool:?}");
                assert!(
                    (0.0..=1.0).contains(&pool.cold_start_probability),
                    "{a}: {pool:?}"
                );
            }
        }
    }

    #[test]
    fn blocks_agree_with_the_level_by_level_sum_where_both_apply() {
        // Just under the block threshold, the same load summed level by level and in blocks.
        let a = 6.0e6;
        let exact = warm_pool(a / 2000.0, 2000.0, 600_000.0, 1, 0);
        let spread = 12.0 * a.sqrt() + 12.0;
        let blocks = coarse(a, a / 2000.0, 600_000.0, 1.0, 0.0, spread);
        assert!(
            (blocks.alive / exact.alive - 1.0).abs() < 1e-4,
            "{blocks:?} vs {exact:?}"
        );
        assert!((blocks.cold_start_probability - exact.cold_start_probability).abs() < 1e-6);
    }

    #[test]
    fn always_warm_instances_take_the_first_levels() {
        let free = warm_pool(0.001, 1000.0, 60_000.0, 1, 0);
        let pinned = warm_pool(0.001, 1000.0, 60_000.0, 1, 5);
        // 1 req/s of 1 s: the levels pinned instances cover are the ones that would expire least.
        assert!(pinned.cold_start_probability < free.cold_start_probability / 2.0);
        assert!(pinned.alive >= 5.0);
        assert_eq!(warm_pool(0.0, 1000.0, 60_000.0, 1, 2).alive, 2.0);
    }
}
