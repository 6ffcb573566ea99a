//! What an engine hands back: counts, latency, time integrals, and metered usage.

use crate::pricing::catalog::PlatformRules;
use crate::pricing::meter::{billed_instance_ms, ceil_ms, round_up};
use crate::pricing::Usage;
use crate::stats::{LatencyHistogram, Timeline};

/// Raw outcome of one engine run, before billing.
#[derive(Debug, Clone)]
pub struct RunStats {
    /// Requests that arrived, served or not.
    pub arrivals: u64,
    /// Requests served (billed).
    pub requests: u64,
    pub cold_starts: u64,
    /// Requests refused: concurrency or scaling-rate limit, or a full queue.
    pub throttled: u64,
    pub latency: LatencyHistogram,
    /// Time spent waiting in the queue (fleets), ms.
    pub queue_wait: Option<LatencyHistogram>,
    pub timeline: Timeline,
    /// ∫ busy request slots dt and ∫ ready request slots dt, slot·ms (utilisation).
    pub busy_slot_area: f64,
    pub slot_area: f64,
    /// When the last request finished or the horizon ended, whichever is later, ms.
    pub end_ms: f64,
    pub usage: Usage,
    pub notes: Vec<String>,
}

/// Billed instance time of a run, accumulated as instances die.
#[derive(Debug, Clone, Default)]
pub struct InstanceLedger {
    /// Σ billed busy periods (≥ 1 request in flight), ms.
    pub active_ms: u64,
    /// Σ billed lifetimes (per-instance rounding and minimum), ms.
    pub life_ms: u64,
    /// The same two for always-warm instances only.
    pub pinned_active_ms: u64,
    pub pinned_life_ms: u64,
}

impl InstanceLedger {
    /// Close one instance that lived `life_ms` and was busy for `active_ms` (already billed).
    pub fn close(&mut self, rules: &PlatformRules, life_ms: f64, active_ms: u64, pinned: bool) {
        let life = billed_instance_ms(rules, ceil_ms(life_ms)).max(active_ms);
        self.active_ms += active_ms;
        self.life_ms += life;
        if pinned {
            self.pinned_active_ms += active_ms;
            self.pinned_life_ms += life;
        }
    }

    /// Billed idle time of all instances, ms.
    pub fn idle_ms(&self) -> u64 {
        self.life_ms.saturating_sub(self.active_ms)
    }

    pub fn pinned_idle_ms(&self) -> u64 {
        self.pinned_life_ms.saturating_sub(self.pinned_active_ms)
    }
}

/// One busy period of an instance, rounded up to the platform's instance-time granularity, ms.
#[inline]
pub fn billed_active_ms(rules: &PlatformRules, ms: f64) -> u64 {
    round_up(ceil_ms(ms), rules.instance_rounding_ms)
}

/// A level (count) integrated over time.
#[derive(Debug, Clone, Default)]
pub struct Level {
    pub level: f64,
    last_t: f64,
    /// ∫ level dt since the start, level·ms.
    pub area: f64,
}

impl Level {
    #[inline]
    pub fn set(&mut self, t: f64, level: f64) {
        self.advance(t);
        self.level = level;
    }

    #[inline]
    pub fn add(&mut self, t: f64, delta: f64) {
        let l = self.level + delta;
        self.set(t, l);
    }

    #[inline]
    pub fn advance(&mut self, t: f64) {
        if t > self.last_t {
            self.area += self.level * (t - self.last_t);
            self.last_t = t;
        }
    }
}
