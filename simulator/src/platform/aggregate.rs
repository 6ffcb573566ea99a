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
use super::{EngineKind, Resolved};
use crate::pricing::meter::billed_exec_ms;
use crate::pricing::Usage;
use crate::stats::erlang::{erlang_b, erlang_c};
use crate::stats::warm_pool::warm_pool;
use crate::stats::{LatencyHistogram, Timeline};
use crate::workload::{rng, Arrivals, DurationSampler, Stream, Workload};
use rand::Rng;
use rand_distr::{Distribution, Exp1, Poisson};
use rand_pcg::Pcg64Mcg;
use std::collections::VecDeque;

const MINUTE_MS: f64 = 60_000.0;
/// Latency samples drawn per minute; each stands for an equal share of the minute's requests.
const SAMPLES_PER_MINUTE: u64 = 32;
/// Draws used to estimate the mean billed duration (per-request rounding is not linear).
const BILLING_DRAWS: usize = 4096;

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

fn mean_billed(s: &DurationSampler, r: &Resolved, speed: f64, rng: &mut Pcg64Mcg) -> f64 {
    let total: u64 = (0..BILLING_DRAWS)
        .map(|_| billed_exec_ms(&r.platform.rules, s.sample(rng) * speed))
        .sum();
    total as f64 / BILLING_DRAWS as f64
}

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
    let mut rng_a = rng(seed, Stream::Aggregate);
    let mut rng_d = rng(seed, Stream::Durations);
    let means = w.arrivals.minute_means(w.horizon_ms, scale, &mut rng_a);
    let counts: Vec<u64> = means.iter().map(|m| count(*m, &w.arrivals, &mut rng_a)).collect();
    let duration = w.duration.sampler();
    let init = r.init.sampler();
    let cold = w.cold_duration.as_ref().map(|c| c.sampler());
    let s_ms = duration.mean_ms() * r.speed;
    let billed_warm = mean_billed(&duration, r, r.speed, &mut rng_d);
    let billed_init = mean_billed(&init, r, 1.0, &mut rng_d);
    let billed_cold = cold.as_ref().map(|c| mean_billed(c, r, r.speed, &mut rng_d));

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
    // The pool of the last rate seen: steady traffic computes it once.
    let mut steady_memo = None;
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
                let steady = match steady_memo {
                    Some((r, pool)) if r == rate_per_ms => pool,
                    _ => {
                        let pool = warm_pool(
                            rate_per_ms,
                            s_ms,
                            sp.keep_alive_ms,
                            sp.per_instance,
                            sp.min_instances,
                        );
                        steady_memo = Some((rate_per_ms, pool));
                        pool
                    }
                };
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
                let busy = (a / c)
                    .max(if n > 0 { a.min(1.0) } else { 0.0 })
                    .min(f64::from(alive));
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
                let p_wait = erlang_c(servers, a);
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
        tl.set(t0, alive as u32, busy.ceil() as u32);
        // Spread the minute's requests over a few latency samples.
        let k = served.min(SAMPLES_PER_MINUTE);
        let cold_k = if served == 0 {
            0
        } else {
            (colds * k).div_ceil(served)
        };
        for i in 0..k {
            let weight = served / k + u64::from(i < served % k);
            let mut ms = if i < cold_k {
                match &cold {
                    Some(c) => c.sample(&mut rng_d) * r.speed,
                    None => init.sample(&mut rng_d) + duration.sample(&mut rng_d) * r.speed,
                }
            } else {
                duration.sample(&mut rng_d) * r.speed
            };
            if let Some((p, mean)) = waits {
                let q = if rng_d.random::<f64>() < p {
                    let e: f64 = Exp1.sample(&mut rng_d);
                    e * mean
                } else {
                    0.0
                };
                wait.record_n(q, weight);
                ms += q;
            }
            latency.record_n(ms, weight);
        }
    }
    let end = w.horizon_ms;
    tl.advance(end);
    busy_slots.advance(end);
    ready_slots.advance(end);
    u.period_ms = end.ceil() as u64;
    u.exec_ms = exec_ms.round() as u64;
    u.init_ms = init_ms.round() as u64;
    u.cpu_ms = cpu_ms.ceil() as u64;
    u.instance_active_ms = tl.busy_area.round() as u64;
    u.instance_idle_ms = (tl.alive_area - tl.busy_area).max(0.0).round() as u64;
    if r.engine == EngineKind::Serverless {
        let k = u64::from(sp.min_instances);
        u.provisioned_ms = k * u.period_ms;
        let share = if tl.busy_area > 0.0 {
            (k as f64 * end / tl.busy_area).min(1.0)
        } else {
            0.0
        };
        u.provisioned_exec_ms = (u.exec_ms as f64 * share).round() as u64;
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
