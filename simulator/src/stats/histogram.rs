//! A log-bucketed latency histogram: constant memory however many requests a run serves.
//!
//! A value's bucket is the top bits of its IEEE-754 representation (exponent plus
//! [`MANTISSA_BITS`] bits of mantissa), so recording is a shift, not a logarithm, and every bucket
//! spans at most 1/128 of its lower bound: quantiles are within 0.8% of the exact order statistic.

use serde::{Deserialize, Serialize};

/// Mantissa bits kept per bucket: relative bucket width 2^-7 ≈ 0.78%.
const MANTISSA_BITS: u32 = 7;
const SHIFT: u32 = 52 - MANTISSA_BITS;
/// Latencies below this are recorded in bucket 0, ms (1 µs).
const FLOOR_MS: f64 = 1e-3;

/// Latencies of one run, ms.
#[derive(Debug, Clone, Default)]
pub struct LatencyHistogram {
    /// Counts indexed by `bucket(ms) - base`.
    counts: Vec<u64>,
    base: u64,
    total: u64,
    sum_ms: f64,
    max_ms: f64,
}

/// Percentiles of a latency distribution, ms.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LatencySummary {
    pub p50: f64,
    pub p95: f64,
    pub p99: f64,
    pub max: f64,
    pub mean: f64,
}

fn bucket(ms: f64) -> u64 {
    ms.max(FLOOR_MS).to_bits() >> SHIFT
}

/// Midpoint of a bucket, ms.
fn bucket_mid(b: u64) -> f64 {
    let lo = f64::from_bits(b << SHIFT);
    let hi = f64::from_bits((b + 1) << SHIFT);
    (lo + hi) / 2.0
}

impl LatencyHistogram {
    pub fn new() -> Self {
        LatencyHistogram {
            base: bucket(FLOOR_MS),
            ..Default::default()
        }
    }

    /// Record one latency, ms.
    #[inline]
    pub fn record(&mut self, ms: f64) {
        self.record_n(ms, 1);
    }

    /// Record `n` requests of the same latency, ms.
    #[inline]
    pub fn record_n(&mut self, ms: f64, n: u64) {
        if n == 0 {
            return;
        }
        let i = (bucket(ms) - self.base) as usize;
        if i >= self.counts.len() {
            self.counts.resize(i + 1, 0);
        }
        self.counts[i] += n;
        self.total += n;
        self.sum_ms += ms * n as f64;
        if ms > self.max_ms {
            self.max_ms = ms;
        }
    }

    pub fn count(&self) -> u64 {
        self.total
    }

    pub fn merge(&mut self, other: &LatencyHistogram) {
        if self.counts.len() < other.counts.len() {
            self.counts.resize(other.counts.len(), 0);
        }
        for (a, b) in self.counts.iter_mut().zip(&other.counts) {
            *a += b;
        }
        self.total += other.total;
        self.sum_ms += other.sum_ms;
        self.max_ms = self.max_ms.max(other.max_ms);
    }

    /// The `q`-quantile (0..=1), ms: the midpoint of the bucket holding the ⌈q·n⌉-th value,
    /// never above the exact maximum.
    pub fn quantile(&self, q: f64) -> f64 {
        if self.total == 0 {
            return 0.0;
        }
        let rank = ((q * self.total as f64).ceil() as u64).clamp(1, self.total);
        let mut seen = 0;
        for (i, c) in self.counts.iter().enumerate() {
            seen += c;
            if seen >= rank {
                return bucket_mid(self.base + i as u64).min(self.max_ms);
            }
        }
        self.max_ms
    }

    pub fn summary(&self) -> LatencySummary {
        let mean = if self.total == 0 {
            0.0
        } else {
            self.sum_ms / self.total as f64
        };
        LatencySummary {
            p50: round3(self.quantile(0.50)),
            p95: round3(self.quantile(0.95)),
            p99: round3(self.quantile(0.99)),
            max: round3(self.max_ms),
            mean: round3(mean),
        }
    }
}

/// Three decimals: latencies are reported to the microsecond.
pub fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};

    #[test]
    fn quantiles_are_within_a_bucket_of_the_sorted_reference() {
        let mut rng = rand_pcg::Pcg64Mcg::seed_from_u64(11);
        let mut h = LatencyHistogram::new();
        let mut v: Vec<f64> = (0..50_000)
            .map(|_| rng.random::<f64>().powi(3) * 5_000.0 + 0.5)
            .collect();
        for x in &v {
            h.record(*x);
        }
        v.sort_by(f64::total_cmp);
        for q in [0.01, 0.5, 0.9, 0.95, 0.99, 0.999] {
            let exact = v[((q * v.len() as f64).ceil() as usize).clamp(1, v.len()) - 1];
            let got = h.quantile(q);
            assert!(
                (got - exact).abs() <= exact / 128.0 + 1e-9,
                "q={q}: {got} vs {exact}"
            );
        }
        assert_eq!(h.summary().max, round3(*v.last().unwrap()));
        assert_eq!(h.count(), 50_000);
    }

    #[test]
    fn merge_equals_recording_everything_once() {
        let mut a = LatencyHistogram::new();
        let mut b = LatencyHistogram::new();
        let mut all = LatencyHistogram::new();
        for i in 0..1000 {
            let x = i as f64 * 3.7;
            if i % 3 == 0 {
                a.record(x)
            } else {
                b.record(x)
            }
            all.record(x);
        }
        a.merge(&b);
        assert_eq!(a.summary(), all.summary());
    }
}
