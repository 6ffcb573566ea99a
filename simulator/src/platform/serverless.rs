//! The serverless engine: instances appear on demand and vanish when idle.
//!
//! A request takes an instance with room (per-instance concurrency > 1), else an always-warm
//! instance, else the most recently used idle instance (warm start), else a new one (cold start)
//! unless the concurrency limit or the scaling rate says no (throttled).
//!
//! Idle instances wait in a deque ordered by the time they became idle: reuse pops the back
//! (most recent), expiry pops the front lazily before each event. There are no expiry events and
//! no scans over instances, so the cost of a request does not grow with the instance count.

use super::outcome::{billed_active_ms, InstanceLedger, RunStats};
use super::Resolved;
use crate::engine::EventQueue;
use crate::pricing::catalog::BillingModel;
use crate::pricing::meter::{billed_exec_ms, ceil_ms};
use crate::pricing::Usage;
use crate::stats::{LatencyHistogram, Timeline};
use crate::workload::{rng, DurationSampler, DurationStream, Stream, Workload};
use rand_pcg::Pcg64Mcg;
use std::collections::VecDeque;

#[derive(Debug, Clone)]
struct Instance {
    in_flight: u32,
    /// ms.
    born: f64,
    /// When init finishes, ms; requests routed here earlier wait for it.
    ready_at: f64,
    /// Start of the current busy period, ms.
    active_since: f64,
    /// Σ billed busy periods so far, ms.
    active_ms: u64,
    pinned: bool,
    /// On the `open` stack (per-instance concurrency > 1).
    in_open: bool,
}

struct Engine<'a> {
    r: &'a Resolved,
    cpu_fraction: f64,
    instances: Vec<Instance>,
    free_ids: Vec<u32>,
    /// Idle dynamic instances, ordered by idle-since time (ms).
    idle: VecDeque<(u32, f64)>,
    /// When the front of `idle` expires (ms; infinite when none is idle): one comparison per
    /// event instead of a look into the deque.
    next_expiry: f64,
    /// Idle always-warm instances.
    pinned_idle: Vec<u32>,
    /// Instances with 1..c requests in flight, most recently filled on top (validated lazily).
    open: Vec<u32>,
    completions: EventQueue<u32>,
    tl: Timeline,
    alive: u32,
    busy: u32,
    /// Scaling-rate token bucket: tokens left and when it was last refilled (ms).
    tokens: f64,
    tokens_t: f64,
    durations: DurationStream,
    cold_duration: Option<DurationSampler>,
    init: DurationSampler,
    rng_inits: Pcg64Mcg,
    latency: LatencyHistogram,
    ledger: InstanceLedger,
    usage: Usage,
    arrivals: u64,
    throttled: u64,
}

/// Run `w` on the resolved serverless platform `r` with traffic multiplied by `scale`.
pub fn run(w: &Workload, r: &Resolved, seed: u64, scale: f64, bucket_ms: f64) -> RunStats {
    let p = &r.serverless;
    let mut e = Engine {
        r,
        cpu_fraction: w.cpu_fraction,
        instances: Vec::new(),
        free_ids: Vec::new(),
        idle: VecDeque::new(),
        next_expiry: f64::INFINITY,
        pinned_idle: Vec::new(),
        open: Vec::new(),
        completions: EventQueue::new(),
        tl: Timeline::new(w.horizon_ms, bucket_ms),
        alive: 0,
        busy: 0,
        tokens: p.scale_rate.map(|(n, _)| f64::from(n)).unwrap_or(0.0),
        tokens_t: 0.0,
        durations: DurationStream::new(w.duration.sampler(), rng(seed, Stream::Durations)),
        cold_duration: w.cold_duration.as_ref().map(|d| d.sampler()),
        init: r.init.sampler(),
        rng_inits: rng(seed, Stream::Inits),
        latency: LatencyHistogram::new(),
        ledger: InstanceLedger::default(),
        usage: Usage::default(),
        arrivals: 0,
        throttled: 0,
    };
    for _ in 0..p.min_instances {
        let id = e.spawn(0.0, true);
        e.pinned_idle.push(id);
    }
    e.tl.set(0.0, e.alive, e.busy);

    let mut stream = w
        .arrivals
        .stream(w.horizon_ms, scale, rng(seed, Stream::Arrivals));
    let mut next = stream.next_arrival().map(|t| e.completions.stamp(t));
    let mut now = 0.0;
    loop {
        let completion_first = match (e.completions.peek(), &next) {
            (Some(c), Some(a)) => c.before(a),
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (None, None) => break,
        };
        if completion_first {
            let Some((at, id)) = e.completions.pop() else {
                break;
            };
            now = at.t;
            e.expire(now);
            e.complete(now, id);
        } else if let Some(a) = next {
            now = a.t;
            e.expire(now);
            e.arrive(now);
            next = stream.next_arrival().map(|t| e.completions.stamp(t));
        }
    }
    let end = now.max(w.horizon_ms);
    e.finish(w, end)
}

impl Engine<'_> {
    fn spawn(&mut self, t: f64, pinned: bool) -> u32 {
        let inst = Instance {
            in_flight: 0,
            born: t,
            ready_at: t,
            active_since: t,
            active_ms: 0,
            pinned,
            in_open: false,
        };
        self.alive += 1;
        match self.free_ids.pop() {
            Some(id) => {
                self.instances[id as usize] = inst;
                id
            }
            None => {
                self.instances.push(inst);
                (self.instances.len() - 1) as u32
            }
        }
    }

    fn kill(&mut self, id: u32, t: f64) {
        let inst = &self.instances[id as usize];
        self.ledger
            .close(&self.r.platform.rules, t - inst.born, inst.active_ms, inst.pinned);
        self.alive -= 1;
        self.free_ids.push(id);
        self.tl.set(t, self.alive, self.busy);
    }

    /// Reclaim every idle instance whose keep-alive ran out by `t`, at the time it ran out.
    #[inline]
    fn expire(&mut self, t: f64) {
        if t >= self.next_expiry {
            self.expire_idle(t);
        }
        self.tl.advance(t);
    }

    #[inline(never)]
    fn expire_idle(&mut self, t: f64) {
        let keep = self.r.serverless.keep_alive_ms;
        self.next_expiry = f64::INFINITY;
        while let Some(&(id, since)) = self.idle.front() {
            if since + keep > t {
                self.next_expiry = since + keep;
                break;
            }
            self.idle.pop_front();
            self.kill(id, since + keep);
        }
    }

    /// An instance with room for one more request, if any (per-instance concurrency > 1).
    #[inline]
    fn open_instance(&mut self) -> Option<u32> {
        let c = self.r.serverless.per_instance;
        while let Some(&id) = self.open.last() {
            let inst = &mut self.instances[id as usize];
            if inst.in_flight > 0 && inst.in_flight < c {
                return Some(id);
            }
            inst.in_open = false;
            self.open.pop();
        }
        None
    }

    fn arrive(&mut self, t: f64) {
        self.arrivals += 1;
        // Drawn for every arrival, served or not, so platforms see the same n-th duration.
        let d = self.durations.next_ms() * self.r.speed;
        let c = self.r.serverless.per_instance;
        let warm = if c > 1 { self.open_instance() } else { None };
        let warm = warm
            .or_else(|| self.pinned_idle.pop())
            .or_else(|| self.idle_pop_back());
        let (id, latency, exec) = match warm {
            Some(id) => {
                let start = self.instances[id as usize].ready_at.max(t);
                (id, start + d - t, d)
            }
            None => {
                if !self.may_start_instance(t) {
                    self.throttled += 1;
                    self.tl.bucket().throttled += 1;
                    return;
                }
                let id = self.spawn(t, false);
                self.usage.cold_starts += 1;
                self.tl.bucket().cold_starts += 1;
                match &self.cold_duration {
                    Some(cd) => {
                        let cold = cd.sample(&mut self.rng_inits) * self.r.speed;
                        (id, cold, cold)
                    }
                    None => {
                        let init = self.init.sample(&mut self.rng_inits);
                        let billed = if init > 0.0 {
                            billed_exec_ms(&self.r.platform.rules, init)
                        } else {
                            0
                        };
                        self.usage.init_ms += billed;
                        self.tl.bucket().init_ms += billed;
                        self.instances[id as usize].ready_at = t + init;
                        (id, init + d, d)
                    }
                }
            }
        };
        let billed = billed_exec_ms(&self.r.platform.rules, exec);
        self.usage.requests += 1;
        self.usage.exec_ms += billed;
        if self.cpu_fraction > 0.0 {
            self.usage.cpu_ms += ceil_ms(exec * self.cpu_fraction);
        }
        let bucket = self.tl.bucket();
        bucket.requests += 1;
        bucket.exec_ms += billed;
        self.latency.record(latency);

        let inst = &mut self.instances[id as usize];
        if inst.pinned {
            self.usage.provisioned_exec_ms += billed;
        }
        inst.in_flight += 1;
        let became_busy = inst.in_flight == 1;
        if became_busy {
            inst.active_since = t;
        }
        if c > 1 && inst.in_flight < c && !inst.in_open {
            inst.in_open = true;
            self.open.push(id);
        }
        if became_busy {
            self.busy += 1;
            self.tl.set(t, self.alive, self.busy);
        }
        self.completions.push(t + latency, id);
    }

    /// The most recently used idle instance, if any.
    #[inline]
    fn idle_pop_back(&mut self) -> Option<u32> {
        let (id, _) = self.idle.pop_back()?;
        if self.idle.is_empty() {
            self.next_expiry = f64::INFINITY;
        }
        Some(id)
    }

    /// Concurrency limit and scaling-rate token bucket.
    fn may_start_instance(&mut self, t: f64) -> bool {
        let p = &self.r.serverless;
        if self.alive >= p.concurrency_limit {
            return false;
        }
        if let Some((n, window_ms)) = p.scale_rate {
            let cap = f64::from(n);
            self.tokens = (self.tokens + (t - self.tokens_t) * cap / window_ms).min(cap);
            self.tokens_t = t;
            if self.tokens < 1.0 {
                return false;
            }
            self.tokens -= 1.0;
        }
        true
    }

    fn complete(&mut self, t: f64, id: u32) {
        let c = self.r.serverless.per_instance;
        let rules = &self.r.platform.rules;
        let inst = &mut self.instances[id as usize];
        inst.in_flight -= 1;
        if inst.in_flight == 0 {
            inst.active_ms += billed_active_ms(rules, t - inst.active_since);
            if inst.pinned {
                self.pinned_idle.push(id);
            } else {
                if self.idle.is_empty() {
                    self.next_expiry = t + self.r.serverless.keep_alive_ms;
                }
                self.idle.push_back((id, t));
            }
            self.busy -= 1;
            self.tl.set(t, self.alive, self.busy);
        } else if c > 1 && !inst.in_open {
            inst.in_open = true;
            self.open.push(id);
        }
    }

    fn finish(mut self, w: &Workload, end: f64) -> RunStats {
        self.expire(end);
        while let Some((id, _)) = self.idle.pop_front() {
            self.kill(id, end);
        }
        while let Some(id) = self.pinned_idle.pop() {
            self.kill(id, end);
        }
        self.tl.advance(end);
        let horizon = w.horizon_ms.ceil() as u64;
        let mut u = self.usage;
        u.period_ms = horizon;
        u.provisioned_ms = u64::from(self.r.serverless.min_instances) * horizon;
        u.instance_active_ms = self.ledger.active_ms;
        u.instance_idle_ms = self.ledger.idle_ms();
        match self.r.platform.billing {
            // Request-based Cloud Run bills idle time of min instances only.
            BillingModel::CloudRunRequest => u.instance_idle_ms = self.ledger.pinned_idle_ms(),
            // Flex bills execution on always-ready instances at its own rate.
            BillingModel::AzureFlex => u.provisioned_exec_ms = self.ledger.pinned_active_ms,
            _ => {}
        }
        let mut notes = Vec::new();
        if self.r.platform.billing == BillingModel::CloudflareWorkers {
            notes.push(format!(
                "CPU time per request = duration × cpu_fraction ({})",
                self.cpu_fraction
            ));
        }
        if w.cold_duration.is_some() {
            notes.push(
                "cold requests take `cold_duration` in place of init + duration; it is billed as execution"
                    .into(),
            );
        }
        RunStats {
            arrivals: self.arrivals,
            requests: u.requests,
            cold_starts: u.cold_starts,
            throttled: self.throttled,
            latency: self.latency,
            queue_wait: None,
            busy_slot_area: self.tl.busy_area,
            slot_area: self.tl.alive_area,
            timeline: self.tl,
            end_ms: end,
            usage: u,
            notes,
        }
    }
}
