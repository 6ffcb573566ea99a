//! What aggregate mode's runs take as given: the per-minute demand of a traffic level, the
//! duration distribution at equal-probability strata (billed durations, busy-period rounding
//! and warm latency without random draws), and the caches of per-rate closed forms. A sweep
//! computes the demand once per level and the strata once for all its runs.

use super::outcome::billed_active_ms;
use super::Resolved;
use crate::pricing::meter::billed_exec_ms;
use crate::stats::warm_pool::WarmPool;
use crate::stats::LatencyHistogram;
use crate::workload::{rng, Arrivals, DurationSampler, Stream, Workload};
use rand::Rng;
use rand_distr::{Distribution, Poisson};
use rand_pcg::Pcg64Mcg;
use std::collections::HashMap;
use std::sync::Arc;

/// Equal-probability strata of the duration distribution: the mean billed duration, the
/// rounding of busy periods and the warm latency are taken over their midpoint quantiles.
pub const STRATA: usize = 1 << 12;
/// Strata of a platform's INIT duration (it bills only cold starts).
pub(crate) const INIT_STRATA: usize = 1 << 10;

/// The duration distribution at [`STRATA`] midpoint quantiles, ms: the same for every platform
/// and traffic level of a workload, so a sweep computes it once.
#[derive(Debug, Clone, PartialEq)]
pub struct Quantiles {
    pub duration: Vec<f64>,
    /// The cold run time's, when the workload gives one.
    pub cold: Option<Vec<f64>>,
}

impl Quantiles {
    pub fn of(w: &Workload) -> Quantiles {
        Quantiles {
            duration: strata(&w.duration.sampler(), STRATA),
            cold: w.cold_duration.as_ref().map(|c| strata(&c.sampler(), STRATA)),
        }
    }
}

/// `s` at the midpoints of `n` equal-probability strata, ms.
pub(crate) fn strata(s: &DurationSampler, n: usize) -> Vec<f64> {
    (0..n).map(|i| s.quantile((i as f64 + 0.5) / n as f64)).collect()
}

/// The traffic of one run, minute by minute: expected and drawn request counts. Every platform
/// run at the same seed and scale sees the same, so a sweep draws it once per traffic level.
#[derive(Debug, Clone, PartialEq)]
pub struct Demand {
    /// Expected requests of each minute (the last may be partial).
    pub means: Vec<f64>,
    /// Requests drawn for each minute.
    pub counts: Vec<u64>,
    pub quantiles: Arc<Quantiles>,
}

impl Demand {
    /// The demand of `w` with traffic × `scale` at `seed`.
    pub fn draw(w: &Workload, seed: u64, scale: f64) -> Demand {
        Demand::draw_with(w, seed, scale, Arc::new(Quantiles::of(w)))
    }

    /// [`Demand::draw`] with the workload's quantiles already computed.
    pub fn draw_with(w: &Workload, seed: u64, scale: f64, quantiles: Arc<Quantiles>) -> Demand {
        let mut rng_a = rng(seed, Stream::Aggregate);
        let means = w.arrivals.minute_means(w.horizon_ms, scale, &mut rng_a);
        let counts = means.iter().map(|m| count(*m, &w.arrivals, &mut rng_a)).collect();
        Demand {
            means,
            counts,
            quantiles,
        }
    }
}

fn count(mean: f64, arrivals: &Arrivals, rng: &mut Pcg64Mcg) -> u64 {
    match arrivals {
        Arrivals::Constant { .. } | Arrivals::Replay { .. } => {
            let whole = mean.floor();
            whole as u64 + u64::from(rng.random::<f64>() < mean - whole)
        }
        _ if mean > 0.0 => Poisson::new(mean).map(|p| p.sample(rng) as u64).unwrap_or(0),
        _ => 0,
    }
}

/// Record `weight` requests as `samples` draws of `draw`, each standing for an equal share.
pub(crate) fn record_spread(
    h: &mut LatencyHistogram,
    weight: u64,
    samples: u64,
    mut draw: impl FnMut() -> f64,
) {
    let k = weight.min(samples);
    for i in 0..k {
        h.record_n(draw(), weight / k + u64::from(i < weight % k));
    }
}

/// Record `weight` requests over the stratum midpoints `q` (ms, times `speed`), each standing
/// for an equal share; fewer requests than strata take evenly spaced ones.
pub(crate) fn record_strata(h: &mut LatencyHistogram, weight: u64, q: &[f64], speed: f64) {
    let n = q.len() as u64;
    let k = weight.min(n);
    for j in 0..k {
        let i = ((2 * j + 1) * n / (2 * k)) as usize;
        h.record_n(q[i] * speed, weight / k + u64::from(j < weight % k));
    }
}

/// The warm pool at each distinct rate a run meets: a periodic or replayed workload repeats its
/// minute rates, so each is computed once. Rates equal to within 2^-36 share an entry (a
/// diurnal rate recomputed a day later differs in its last bits).
pub(crate) struct PoolCache(pub(crate) HashMap<u64, WarmPool, KeyHash>);

/// Hashing for the per-run caches: their keys are a float's bits and a small integer, so one
/// multiply per word mixes them well enough, where the default hasher costs more than the
/// lookup it serves.
#[derive(Default, Clone, Copy)]
pub(crate) struct KeyHasher(u64);

impl std::hash::Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.write_u64(u64::from(*b));
        }
    }

    fn write_u32(&mut self, i: u32) {
        self.write_u64(u64::from(i));
    }

    fn write_u64(&mut self, i: u64) {
        self.0 = (self.0.rotate_left(5) ^ i).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

pub(crate) type KeyHash = std::hash::BuildHasherDefault<KeyHasher>;

impl PoolCache {
    pub(crate) fn get(&mut self, rate_per_ms: f64, compute: impl FnOnce() -> WarmPool) -> WarmPool {
        let key = (rate_per_ms.to_bits() + (1 << 15)) >> 16;
        *self.0.entry(key).or_insert_with(compute)
    }
}

/// Mean billed duration of one request, ms, over stratum midpoints `q` (times `speed`): the
/// per-request rounding is not linear. Deterministic, and within about 0.1 % of the exact mean
/// where as many random draws would be off by their sampling noise (about 2 % for a long-tailed
/// lognormal with 4,096 draws).
pub(crate) fn mean_billed(q: &[f64], r: &Resolved, speed: f64) -> f64 {
    let total: u64 = q
        .iter()
        .map(|ms| billed_exec_ms(&r.platform.rules, ms * speed))
        .sum();
    total as f64 / q.len() as f64
}

/// The mean time rounding one busy period up to the platform's instance-time step adds, ms,
/// taking a busy period as long as one request (exact when requests rarely overlap, within
/// half a step otherwise).
pub(crate) fn active_rounding_ms(q: &[f64], r: &Resolved) -> f64 {
    if r.platform.rules.instance_rounding_ms.is_none() {
        return 0.0;
    }
    let total: f64 = q
        .iter()
        .map(|ms| {
            let ms = ms * r.speed;
            billed_active_ms(&r.platform.rules, ms) as f64 - ms
        })
        .sum();
    total / q.len() as f64
}
