//! Aggregate mode: per-minute request counts through closed-form estimates instead of one event
//! per request, for rates where exact mode would take too long.
//!
//! Serverless: each minute is steady Poisson traffic at its expected rate, and the warm pool
//! the keep-alive holds and the share of requests that start an instance come from the closed
//! form of [`warm_pool`] (instances stacked by most-recent use, each expiring when busy
//! requests stay below its level for longer than the keep-alive). Instances live on for the
//! keep-alive, so a minute's pool is the largest of the last keep-alive's minutes, and a pool
//! that grows starts its new instances cold on top. Throttling past a concurrency limit, at
//! the likely peak `a + √(2a·ln k)` of the busy count `a = n·S/60 s` over `k = 60 s / S`
//! independent looks, follows Erlang-B.
//! Fleets: the size the autoscaler would pick for each minute's load (scale-out keeps up,
//! scale-in waits for the cooldown), and the queueing delay of an M/M/c queue of that size.
//! `BENCHMARKS.md` shows where this agrees with exact mode.

use super::outcome::{Level, RunStats};
use super::per_minute::{
    active_rounding_ms, mean_billed, record_spread, record_strata, strata, KeyHash, PoolCache, INIT_STRATA,
};
pub use super::per_minute::{Demand, Quantiles};
use super::{EngineKind, Resolved};
use crate::pricing::catalog::BillingModel;
use crate::pricing::Usage;
use crate::stats::erlang::{erlang_b, erlang_c};
use crate::stats::warm_pool::warm_pool;
use crate::stats::{LatencyHistogram, Timeline};
use crate::workload::{rng, Stream, Workload};
use rand::Rng;
use rand_distr::{Distribution, Exp1};
use std::collections::{HashMap, VecDeque};

const MINUTE_MS: f64 = 60_000.0;
/// Latency samples a run draws per minute where the minute itself shapes latency (a fleet's
/// queueing), at most; each stands for an equal share of the minute's requests. Fewer per
/// minute over long horizons keep about [`MINUTE_SAMPLE_BUDGET`] in all.
const SAMPLES_PER_MINUTE: u64 = 32;
const MINUTE_SAMPLE_BUDGET: u64 = 1 << 18;
/// Random samples of the cold requests' latency (an INIT before a run time).
const COLD_SAMPLES: u64 = 1 << 11;
/// Below this probability of waiting a minute's requests count as not queued: at most this
/// share of them would have waited.
const NEGLIGIBLE_WAIT: f64 = 1e-4;
/// The largest of the values pushed since a minute, for the minutes before the current one:
/// a deque of decreasing values, so each minute costs O(1) however long the keep-alive or
/// cooldown it looks back over.
struct Recent<T> {
    /// (minute, value), values decreasing from the front.
    window: VecDeque<(usize, T)>,
}

impl<T> Default for Recent<T> {
    fn default() -> Self {
        Recent {
            window: VecDeque::new(),
        }
    }
}

impl<T: PartialOrd + Copy> Recent<T> {
    /// The largest value pushed at minute `from` or later, if any.
    fn max_since(&mut self, from: usize) -> Option<T> {
        while self.window.front().is_some_and(|(m, _)| *m < from) {
            self.window.pop_front();
        }
        self.window.front().map(|(_, v)| *v)
    }

    fn push(&mut self, minute: usize, value: T) {
        while self.window.back().is_some_and(|(_, v)| *v <= value) {
            self.window.pop_back();
        }
        self.window.push_back((minute, value));
    }
}

/// Run `w` on `r` in aggregate mode with traffic multiplied by `scale`.
pub fn run(w: &Workload, r: &Resolved, seed: u64, scale: f64, bucket_ms: f64) -> RunStats {
    run_demand(w, r, &Demand::draw(w, seed, scale), seed, bucket_ms)
}

/// [`run`] on a demand already drawn (by [`Demand::draw`] for the same workload and seed).
pub fn run_demand(w: &Workload, r: &Resolved, demand: &Demand, seed: u64, bucket_ms: f64) -> RunStats {
    let mut rng_d = rng(seed, Stream::Durations);
    let (means, counts) = (&demand.means, &demand.counts);
    let duration = w.duration.sampler();
    let init = r.init.sampler();
    let cold = w.cold_duration.as_ref().map(|c| c.sampler());
    let s_ms = duration.mean_ms() * r.speed;
    let q = &demand.quantiles;
    let billed_warm = mean_billed(&q.duration, r, r.speed);
    let billed_init = mean_billed(&strata(&init, INIT_STRATA), r, 1.0);
    let billed_cold = q.cold.as_ref().map(|c| mean_billed(c, r, r.speed));
    // What rounding each busy period up to the instance-time step adds, ms.
    let rounding_ms = active_rounding_ms(&q.duration, r);
    // Busy-period rounding, and the always-warm instances' busy time, instance·ms.
    let (mut rounding_area, mut pinned_busy_area) = (0.0_f64, 0.0_f64);

    let mut tl = Timeline::new(w.horizon_ms, bucket_ms);
    let mut latency = LatencyHistogram::new();
    let mut wait = LatencyHistogram::new();
    let mut u = Usage::default();
    let (mut arrivals, mut throttled) = (0u64, 0u64);
    let mut busy_slots = Level::default();
    let mut ready_slots = Level::default();
    let mut history: Recent<u32> = Recent::default();
    // Serverless: the dynamic pool of each minute, and cold starts not yet whole.
    let mut pools: Recent<f64> = Recent::default();
    let mut cold_carry = 0.0;
    let mut pool_cache = PoolCache(Default::default());
    let mut wait_cache: HashMap<(u32, u64), f64, KeyHash> = HashMap::default();
    // Requests whose latency does not depend on their minute: served warm, served cold.
    let (mut plain_warm, mut plain_cold) = (0u64, 0u64);
    let per_minute = MINUTE_SAMPLE_BUDGET
        .div_ceil(counts.len().max(1) as u64)
        .clamp(1, SAMPLES_PER_MINUTE);
    let mut cpu_ms = 0.0;
    let mut exec_ms = 0.0;
    let mut init_ms = 0.0;
    let sp = &r.serverless;
    let fl = &r.fleet;
    let keep_minutes = (sp.keep_alive_ms / MINUTE_MS).ceil().max(1.0) as usize;
    let cooldown_minutes = (fl.cooldown_ms / MINUTE_MS).ceil() as usize;

    for (m, &n) in counts.iter().enumerate() {
        let t0 = m as f64 * MINUTE_MS;
        let width = (w.horizon_ms - t0).min(MINUTE_MS);
        arrivals += n;
        let a = n as f64 * s_ms / width;
        let (alive, busy, cold_starts, lost, waits) = match r.engine {
            EngineKind::Serverless => {
                let c = f64::from(sp.per_instance);
                let looks = (width / s_ms.max(1e-9)).max(std::f64::consts::E);
                let peak = if n == 0 {
                    0.0
                } else {
                    a + (2.0 * a * looks.ln()).sqrt()
                };
                let need = (peak / c).ceil() as u32;
                let mut lost = 0;
                if need > sp.concurrency_limit {
                    let b = erlang_b(sp.concurrency_limit.saturating_mul(sp.per_instance), a);
                    lost = (n as f64 * b).round() as u64;
                }
                let rate_per_ms = means[m] / width;
                let steady = pool_cache.get(rate_per_ms, || {
                    warm_pool(
                        rate_per_ms,
                        s_ms,
                        sp.keep_alive_ms,
                        sp.per_instance,
                        sp.min_instances,
                    )
                });
                let dynamic = (steady.alive - f64::from(sp.min_instances)).clamp(
                    0.0,
                    f64::from(sp.concurrency_limit.saturating_sub(sp.min_instances)),
                );
                let before = pools
                    .max_since(m.saturating_sub(keep_minutes))
                    .unwrap_or(0.0)
                    .max(0.0);
                pools.push(m, dynamic);
                let pool = before.max(dynamic);
                cold_carry += n as f64 * steady.cold_start_probability + (dynamic - before).max(0.0);
                let colds = cold_carry.floor();
                cold_carry -= colds;
                let colds = colds as u64;
                let alive = pool.round() as u32 + sp.min_instances;
                // Instances serving a request, at the minute's expected busy count (not its
                // drawn one: a minute of 0 requests at a positive rate has none).
                let busy = if n == 0 {
                    0.0
                } else {
                    steady.busy.min(f64::from(alive))
                };
                if n > 0 {
                    rounding_area += steady.busy_starts * means[m] * rounding_ms;
                    pinned_busy_area += steady.pinned_busy * width;
                }
                (f64::from(alive), busy, colds, lost, None)
            }
            EngineKind::Fleet => {
                let per = f64::from(fl.slots) * fl.target_utilisation;
                let desired = fl
                    .fixed
                    .unwrap_or_else(|| ((a / per).ceil() as u32).clamp(fl.min_instances, fl.max_instances));
                let held = history
                    .max_since(m.saturating_sub(cooldown_minutes))
                    .unwrap_or(desired);
                let size = if fl.fixed.is_some() {
                    desired
                } else {
                    desired.max(held)
                };
                history.push(m, desired);
                let servers = size.saturating_mul(fl.slots);
                // The chance of waiting at the minute's expected load: a periodic or replayed
                // workload meets each (fleet size, load) again, so it is computed once.
                let expected = means[m] * s_ms / width;
                let key = (servers, (expected.to_bits() + (1 << 15)) >> 16);
                let p_wait = *wait_cache
                    .entry(key)
                    .or_insert_with(|| erlang_c(servers, expected));
                let mean_wait = if a < f64::from(servers) {
                    s_ms / (f64::from(servers) - a)
                } else {
                    width
                };
                busy_slots.set(t0, a.min(f64::from(servers)));
                ready_slots.set(t0, f64::from(servers));
                let busy_nodes = (a / f64::from(fl.slots)).min(f64::from(size));
                (f64::from(size), busy_nodes, 0, 0, Some((p_wait, mean_wait)))
            }
        };
        let served = n - lost;
        throttled += lost;
        u.requests += served;
        u.cold_starts += cold_starts.min(served);
        let colds = cold_starts.min(served);
        let warm = served - colds;
        let cold_exec = billed_cold.unwrap_or(billed_warm);
        exec_ms += warm as f64 * billed_warm + colds as f64 * cold_exec;
        if billed_cold.is_none() {
            init_ms += colds as f64 * billed_init;
        }
        cpu_ms += served as f64 * s_ms * w.cpu_fraction;
        tl.advance(t0);
        let bk = tl.bucket();
        bk.requests += served;
        bk.cold_starts += colds;
        bk.throttled += lost;
        bk.exec_ms += (warm as f64 * billed_warm + colds as f64 * cold_exec) as u64;
        tl.set_expected(t0, alive as u32, busy);
        match waits {
            // Queueing: the minute's requests through a few samples of run time plus wait.
            Some((p, mean)) if p >= NEGLIGIBLE_WAIT => {
                let k = served.min(per_minute);
                for i in 0..k {
                    let weight = served / k + u64::from(i < served % k);
                    let q = if rng_d.random::<f64>() < p {
                        let e: f64 = Exp1.sample(&mut rng_d);
                        e * mean
                    } else {
                        0.0
                    };
                    wait.record_n(q, weight);
                    latency.record_n(duration.sample(&mut rng_d) * r.speed + q, weight);
                }
            }
            Some(_) => {
                wait.record_n(0.0, served);
                plain_warm += served;
            }
            None => {
                plain_warm += warm;
                plain_cold += colds;
            }
        }
    }
    // Latency that does not depend on the minute is one mixture over the run: warm requests
    // take a run time, cold ones an INIT before it (or their cold run time).
    record_strata(&mut latency, plain_warm, &q.duration, r.speed);
    record_spread(&mut latency, plain_cold, COLD_SAMPLES, || match &cold {
        Some(c) => c.sample(&mut rng_d) * r.speed,
        None => init.sample(&mut rng_d) + duration.sample(&mut rng_d) * r.speed,
    });
    let end = w.horizon_ms;
    tl.advance(end);
    busy_slots.advance(end);
    ready_slots.advance(end);
    u.period_ms = end.ceil() as u64;
    u.exec_ms = exec_ms.round() as u64;
    u.init_ms = init_ms.round() as u64;
    u.cpu_ms = cpu_ms.ceil() as u64;
    u.instance_active_ms = (tl.busy_area + rounding_area).round() as u64;
    u.instance_idle_ms = (tl.alive_area - tl.busy_area - rounding_area).max(0.0).round() as u64;
    if r.engine == EngineKind::Serverless {
        let k = u64::from(sp.min_instances);
        u.provisioned_ms = k * u.period_ms;
        let share = if tl.busy_area > 0.0 {
            (k as f64 * end / tl.busy_area).min(1.0)
        } else {
            0.0
        };
        u.provisioned_exec_ms = (u.exec_ms as f64 * share).round() as u64;
        // As the exact engine bills them: request-based Cloud Run bills idle time of min
        // instances only, Flex execution on always-ready instances at its own rate.
        let pinned_active = pinned_busy_area.min(k as f64 * end);
        match r.platform.billing {
            BillingModel::CloudRunRequest => {
                u.instance_idle_ms = (k as f64 * end - pinned_active).max(0.0).round() as u64;
            }
            BillingModel::AzureFlex => u.provisioned_exec_ms = pinned_active.round() as u64,
            _ => {}
        }
    }
    let (busy_area, slot_area) = match r.engine {
        EngineKind::Serverless => (tl.busy_area, tl.alive_area),
        EngineKind::Fleet => (busy_slots.area, ready_slots.area),
    };
    RunStats {
        arrivals,
        requests: u.requests,
        cold_starts: u.cold_starts,
        throttled,
        latency,
        queue_wait: (r.engine == EngineKind::Fleet).then_some(wait),
        busy_slot_area: busy_area,
        slot_area,
        timeline: tl,
        end_ms: end,
        usage: u,
        notes: vec![
            "aggregate mode: per-minute estimates, not per-request events (see BENCHMARKS.md)".into(),
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::Recent;

    #[test]
    fn the_recent_maximum_is_that_of_the_window() {
        let values = [3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0, 5.0, 3.0];
        for look in [0, 1, 3, 20] {
            let mut r = Recent::default();
            for (m, v) in values.iter().enumerate() {
                let from = m.saturating_sub(look);
                let want = values[from..m]
                    .iter()
                    .copied()
                    .fold(None, |a: Option<f64>, x| Some(a.map_or(x, |a| a.max(x))));
                assert_eq!(r.max_since(from), want, "minute {m}, look {look}");
                r.push(m, *v);
            }
        }
    }
}
