//! The fleet engine: VMs or containers behind a load balancer with one FIFO queue.
//!
//! Each instance serves `slots` requests at once. A fixed fleet runs all the time; an autoscaled
//! fleet is re-sized every evaluation period to keep its busy request slots at the target
//! utilisation: scale-out launches instances that serve after a boot delay, scale-in waits for
//! the cooldown and removes booting, then idle, then busy instances (those drain first).
//! Instances are billed for their whole life, booting included.

use super::outcome::{InstanceLedger, Level, RunStats};
use super::Resolved;
use crate::engine::EventQueue;
use crate::pricing::meter::billed_exec_ms;
use crate::pricing::Usage;
use crate::stats::{LatencyHistogram, Timeline};
use crate::workload::{rng, DurationStream, Stream, Workload};
use std::collections::VecDeque;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Booting,
    Ready,
    /// Removed by scale-in; finishes what it serves, takes nothing new.
    Draining,
    Gone,
}

#[derive(Debug, Clone)]
struct Node {
    state: State,
    in_flight: u32,
    born: f64,
    active_since: f64,
    active_ms: u64,
    in_open: bool,
}

#[derive(Debug, Clone, Copy, Default)]
enum Event {
    Completion(u32),
    Booted(u32),
    #[default]
    Evaluate,
}

struct Engine<'a> {
    r: &'a Resolved,
    nodes: Vec<Node>,
    /// Ready nodes with a free slot, validated lazily.
    open: Vec<u32>,
    /// Waiting requests: (arrival ms, duration ms).
    queue: VecDeque<(f64, f64)>,
    events: EventQueue<Event>,
    tl: Timeline,
    alive: u32,
    busy_nodes: u32,
    ready: u32,
    booting: u32,
    busy_slots: Level,
    ready_slots: Level,
    /// ∫ busy slots at the last evaluation, to measure one window.
    window_start: f64,
    last_scale_ms: f64,
    durations: DurationStream,
    latency: LatencyHistogram,
    wait: LatencyHistogram,
    ledger: InstanceLedger,
    usage: Usage,
    arrivals: u64,
    throttled: u64,
}

/// Run `w` on the resolved fleet platform `r` with traffic multiplied by `scale`.
pub fn run(w: &Workload, r: &Resolved, seed: u64, scale: f64, bucket_ms: f64) -> RunStats {
    let f = &r.fleet;
    let mut e = Engine {
        r,
        nodes: Vec::new(),
        open: Vec::new(),
        queue: VecDeque::new(),
        events: EventQueue::new(),
        tl: Timeline::new(w.horizon_ms, bucket_ms),
        alive: 0,
        busy_nodes: 0,
        ready: 0,
        booting: 0,
        busy_slots: Level::default(),
        ready_slots: Level::default(),
        window_start: 0.0,
        last_scale_ms: 0.0,
        durations: DurationStream::new(w.duration.sampler(), rng(seed, Stream::Durations)),
        latency: LatencyHistogram::new(),
        wait: LatencyHistogram::new(),
        ledger: InstanceLedger::default(),
        usage: Usage::default(),
        arrivals: 0,
        throttled: 0,
    };
    let initial = match f.fixed {
        Some(n) => n,
        None => {
            // Start sized for the first minute's expected traffic, so a run does not open with
            // a scale-out storm that no long-running fleet would see.
            let mut agg = rng(seed, Stream::Aggregate);
            let first = w
                .arrivals
                .minute_means(w.horizon_ms.min(60_000.0), scale, &mut agg);
            let rate_per_ms = first.first().copied().unwrap_or(0.0) / w.horizon_ms.min(60_000.0);
            e.desired(rate_per_ms * w.duration.mean_ms() * r.speed)
        }
    };
    for _ in 0..initial {
        let id = e.launch(0.0);
        e.boot(0.0, id);
    }
    if f.fixed.is_none() && f.evaluation_ms < w.horizon_ms {
        e.events.push(f.evaluation_ms, Event::Evaluate);
    }

    let mut stream = w
        .arrivals
        .stream(w.horizon_ms, scale, rng(seed, Stream::Arrivals));
    let mut next = stream.next_arrival().map(|t| e.events.stamp(t));
    let mut now = 0.0;
    loop {
        let event_first = match (e.events.peek(), &next) {
            (Some(c), Some(a)) => c.before(a),
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (None, None) => break,
        };
        if event_first {
            let Some((at, ev)) = e.events.pop() else { break };
            now = at.t;
            e.tl.advance(now);
            match ev {
                Event::Completion(id) => e.complete(now, id),
                Event::Booted(id) => e.boot(now, id),
                Event::Evaluate => e.evaluate(now, w.horizon_ms),
            }
        } else if let Some(a) = next {
            now = a.t;
            e.tl.advance(now);
            e.arrive(now);
            next = stream.next_arrival().map(|t| e.events.stamp(t));
        }
    }
    let end = now.max(w.horizon_ms);
    e.finish(w, end)
}

impl Engine<'_> {
    /// Instances needed for `busy_slots` of demand at the target utilisation, within bounds.
    fn desired(&self, demand_slots: f64) -> u32 {
        let f = &self.r.fleet;
        let per = f64::from(f.slots) * f.target_utilisation;
        ((demand_slots / per).ceil() as u32).clamp(f.min_instances, f.max_instances)
    }

    fn launch(&mut self, t: f64) -> u32 {
        self.nodes.push(Node {
            state: State::Booting,
            in_flight: 0,
            born: t,
            active_since: t,
            active_ms: 0,
            in_open: false,
        });
        self.alive += 1;
        self.booting += 1;
        self.tl.set(t, self.alive, self.busy_nodes);
        (self.nodes.len() - 1) as u32
    }

    fn boot(&mut self, t: f64, id: u32) {
        if self.nodes[id as usize].state != State::Booting {
            return;
        }
        self.nodes[id as usize].state = State::Ready;
        self.booting -= 1;
        self.ready += 1;
        self.ready_slots.add(t, f64::from(self.r.fleet.slots));
        while self.nodes[id as usize].in_flight < self.r.fleet.slots {
            let Some((arrived, d)) = self.queue.pop_front() else {
                break;
            };
            self.start(id, arrived, t, d);
        }
        self.reopen(id);
    }

    fn reopen(&mut self, id: u32) {
        let n = &mut self.nodes[id as usize];
        if n.state == State::Ready && n.in_flight < self.r.fleet.slots && !n.in_open {
            n.in_open = true;
            self.open.push(id);
        }
    }

    fn terminate(&mut self, t: f64, id: u32) {
        let n = &mut self.nodes[id as usize];
        match n.state {
            State::Booting => self.booting -= 1,
            State::Ready => {
                self.ready -= 1;
                self.ready_slots.add(t, -f64::from(self.r.fleet.slots));
            }
            State::Draining | State::Gone => {}
        }
        n.state = State::Gone;
        let (life, active) = (t - n.born, n.active_ms);
        self.ledger.close(&self.r.platform.rules, life, active, false);
        self.alive -= 1;
        self.tl.set(t, self.alive, self.busy_nodes);
    }

    fn arrive(&mut self, t: f64) {
        self.arrivals += 1;
        let d = self.durations.next_ms() * self.r.speed;
        while let Some(&id) = self.open.last() {
            let n = &mut self.nodes[id as usize];
            if n.state == State::Ready && n.in_flight < self.r.fleet.slots {
                self.start(id, t, t, d);
                return;
            }
            n.in_open = false;
            self.open.pop();
        }
        if self
            .r
            .fleet
            .max_queue
            .is_some_and(|m| self.queue.len() >= m as usize)
        {
            self.throttled += 1;
            self.tl.bucket().throttled += 1;
            return;
        }
        self.queue.push_back((t, d));
    }

    fn start(&mut self, id: u32, arrived: f64, t: f64, d: f64) {
        let n = &mut self.nodes[id as usize];
        n.in_flight += 1;
        let full = n.in_flight >= self.r.fleet.slots;
        if n.in_flight == 1 {
            n.active_since = t;
            self.busy_nodes += 1;
            self.tl.set(t, self.alive, self.busy_nodes);
        }
        if full && self.open.last() == Some(&id) {
            self.nodes[id as usize].in_open = false;
            self.open.pop();
        }
        self.busy_slots.add(t, 1.0);
        let billed = billed_exec_ms(&self.r.platform.rules, d);
        self.usage.requests += 1;
        self.usage.exec_ms += billed;
        let bucket = self.tl.bucket();
        bucket.requests += 1;
        bucket.exec_ms += billed;
        self.latency.record(t + d - arrived);
        self.wait.record(t - arrived);
        self.events.push(t + d, Event::Completion(id));
    }

    fn complete(&mut self, t: f64, id: u32) {
        self.busy_slots.add(t, -1.0);
        self.nodes[id as usize].in_flight -= 1;
        if self.nodes[id as usize].state == State::Ready {
            if let Some((arrived, d)) = self.queue.pop_front() {
                self.start(id, arrived, t, d);
                return;
            }
        }
        let n = &mut self.nodes[id as usize];
        if n.in_flight == 0 {
            n.active_ms += (t - n.active_since).max(0.0).ceil() as u64;
            self.busy_nodes -= 1;
            self.tl.set(t, self.alive, self.busy_nodes);
            if n.state == State::Draining {
                self.terminate(t, id);
                return;
            }
        }
        self.reopen(id);
    }

    /// Target tracking on busy request slots over the last window.
    fn evaluate(&mut self, t: f64, horizon_ms: f64) {
        let f = self.r.fleet.clone();
        self.busy_slots.advance(t);
        self.ready_slots.advance(t);
        // Like CPU target tracking, the metric is busy slots: it saturates at the ready capacity,
        // so a swamped fleet grows by at most 1/target per evaluation instead of overshooting.
        let b0 = self.window_start;
        let window = f.evaluation_ms;
        let demand = (self.busy_slots.area - b0) / window;
        self.window_start = self.busy_slots.area;
        let desired = self.desired(demand);
        let current = self.ready + self.booting;
        if desired > current {
            for _ in current..desired {
                let id = self.launch(t);
                self.events.push(t + f.boot_ms, Event::Booted(id));
            }
            self.last_scale_ms = t;
        } else if desired < current && t - self.last_scale_ms >= f.cooldown_ms {
            self.scale_in(t, current - desired);
            self.last_scale_ms = t;
        }
        if t + window < horizon_ms {
            self.events.push(t + window, Event::Evaluate);
        }
    }

    /// Remove `remove` instances: booting ones first, then idle ones, then busy ones (which
    /// drain). At least one ready instance always stays.
    fn scale_in(&mut self, t: f64, mut remove: u32) {
        let ids: Vec<u32> = (0..self.nodes.len() as u32).rev().collect();
        for &id in &ids {
            if remove > 0 && self.nodes[id as usize].state == State::Booting {
                self.terminate(t, id);
                remove -= 1;
            }
        }
        for &id in &ids {
            let n = &self.nodes[id as usize];
            if remove > 0 && n.state == State::Ready && n.in_flight == 0 && self.ready > 1 {
                self.terminate(t, id);
                remove -= 1;
            }
        }
        for &id in &ids {
            if remove > 0 && self.nodes[id as usize].state == State::Ready && self.ready > 1 {
                self.nodes[id as usize].state = State::Draining;
                self.ready -= 1;
                self.ready_slots.add(t, -f64::from(self.r.fleet.slots));
                remove -= 1;
            }
        }
    }

    fn finish(mut self, w: &Workload, end: f64) -> RunStats {
        for id in 0..self.nodes.len() as u32 {
            if self.nodes[id as usize].state != State::Gone {
                if self.nodes[id as usize].in_flight > 0 {
                    let n = &mut self.nodes[id as usize];
                    n.active_ms += (end - n.active_since).max(0.0).ceil() as u64;
                }
                self.terminate(end, id);
            }
        }
        self.tl.advance(end);
        self.busy_slots.advance(end);
        self.ready_slots.advance(end);
        let mut u = self.usage;
        u.period_ms = w.horizon_ms.ceil() as u64;
        u.instance_active_ms = self.ledger.active_ms;
        u.instance_idle_ms = self.ledger.idle_ms();
        let mut notes = Vec::new();
        if !self.queue.is_empty() {
            notes.push(format!(
                "{} requests were still queued at the end",
                self.queue.len()
            ));
        }
        if let Some(cp) = &self.r.fleet.control_plane {
            notes.push(format!(
                "Kubernetes: {} request slots per node; control plane {cp}",
                self.r.fleet.slots
            ));
        }
        RunStats {
            arrivals: self.arrivals,
            requests: u.requests,
            cold_starts: 0,
            throttled: self.throttled,
            latency: self.latency,
            queue_wait: Some(self.wait),
            busy_slot_area: self.busy_slots.area,
            slot_area: self.ready_slots.area,
            timeline: self.tl,
            end_ms: end,
            usage: u,
            notes,
        }
    }
}
