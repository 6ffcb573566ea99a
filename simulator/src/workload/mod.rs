//! The workload: how requests arrive, how long they take, and how that changes with CPU.

pub mod arrivals;
pub mod duration;
mod stream;
mod validate;

pub use arrivals::{Arrivals, Spike};
pub use duration::{DurationModel, DurationSampler, DurationStream};
pub use stream::ArrivalStream;
pub use validate::check_replay_counts;

use crate::pricing::Arch;
use rand::SeedableRng;
use rand_pcg::Pcg64Mcg;
use serde::{Deserialize, Serialize};

/// Memory that buys one vCPU on AWS Lambda, MB: the default reference for memory scaling
/// ("At 1,769 MB, a function has the equivalent of one vCPU").
pub const AWS_MB_PER_VCPU: f64 = 1769.0;

/// Independent random streams of one run. Every platform of a scenario sees the same arrivals
/// and the same duration of the n-th request (common random numbers), so their differences come
/// from the platforms, not from sampling noise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    Arrivals = 1,
    Durations = 2,
    Inits = 3,
    Aggregate = 4,
}

/// A seeded generator for one stream.
pub fn rng(seed: u64, stream: Stream) -> Pcg64Mcg {
    // Spread the stream id over the seed's bits (golden-ratio increment) so nearby seeds and
    // streams do not start from related states.
    let mixed = seed ^ (stream as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    Pcg64Mcg::seed_from_u64(mixed)
}

/// Traffic and request shape of one scenario.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Workload {
    /// Simulated time, ms.
    pub horizon_ms: f64,
    /// Memory the workload was measured at, and the default function memory, MB.
    pub memory_mb: u32,
    pub arch: Arch,
    pub arrivals: Arrivals,
    /// Warm execution time of one request.
    pub duration: DurationModel,
    /// Replaces init + duration for cold requests when given (as published simulators model it).
    pub cold_duration: Option<DurationModel>,
    /// Cold-start initialisation; `None`: the platform's typical `cold_start_ms`.
    pub init: Option<DurationModel>,
    /// Share of the duration that is CPU-bound and speeds up with more CPU, 0–1.
    pub cpu_fraction: f64,
    /// vCPUs the CPU-bound part can use at once.
    pub parallelism: f64,
    /// CPU the durations were measured with, vCPU; `None`: `memory_mb` / 1,769 MB (AWS).
    pub reference_vcpu: Option<f64>,
}

impl Workload {
    /// A minimal workload for tests and programmatic use: Poisson arrivals, fixed memory.
    pub fn new(horizon_ms: f64, arrivals: Arrivals, duration: DurationModel) -> Workload {
        Workload {
            horizon_ms,
            memory_mb: 128,
            arch: Arch::X86_64,
            arrivals,
            duration,
            cold_duration: None,
            init: None,
            cpu_fraction: 0.0,
            parallelism: 1.0,
            reference_vcpu: None,
        }
    }

    /// CPU the durations were measured with, vCPU.
    pub fn reference_vcpu(&self) -> f64 {
        self.reference_vcpu
            .unwrap_or(f64::from(self.memory_mb) / AWS_MB_PER_VCPU)
    }

    /// Multiplier of the workload's durations when one request gets `vcpu` of CPU:
    /// `(1 − f) + f · ref / vcpu`, each side capped at `parallelism` (work that cannot use more
    /// cores does not speed up past it). `None`: the platform does not say, so 1.
    pub fn speed_factor(&self, vcpu: Option<f64>) -> f64 {
        let Some(v) = vcpu else { return 1.0 };
        if self.cpu_fraction <= 0.0 {
            return 1.0;
        }
        let eff = |x: f64| x.min(self.parallelism).max(1e-6);
        (1.0 - self.cpu_fraction) + self.cpu_fraction * eff(self.reference_vcpu()) / eff(v)
    }

    /// Check every parameter and the limits of [`crate::limits`] that depend on the workload
    /// alone; the message names the offending key.
    pub fn validate(&self) -> Result<(), String> {
        crate::scenario::check_horizon_ms(self.horizon_ms)?;
        if !(0.0..=1.0).contains(&self.cpu_fraction) {
            return Err(format!(
                "`cpu_fraction` must be between 0 and 1, not {}",
                self.cpu_fraction
            ));
        }
        if !(self.parallelism.is_finite() && self.parallelism > 0.0) {
            return Err(format!(
                "`parallelism` must be positive, not {}",
                self.parallelism
            ));
        }
        if let Some(r) = self.reference_vcpu {
            if !(r.is_finite() && r > 0.0) {
                return Err(format!("`reference_vcpu` must be positive, not {r}"));
            }
        }
        if self.memory_mb == 0 {
            return Err("`memory_mb` must be positive".into());
        }
        self.arrivals.validate()?;
        self.duration.validate()?;
        if let Some(c) = &self.cold_duration {
            c.validate()?;
        }
        if let Some(i) = &self.init {
            i.validate()?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_scaling_speeds_up_only_the_cpu_bound_part() {
        let mut w = Workload::new(
            1.0,
            Arrivals::Poisson { rate_per_s: 1.0 },
            DurationModel::constant(100.0),
        );
        w.memory_mb = 1769;
        assert_eq!(w.speed_factor(Some(0.5)), 1.0, "no CPU-bound work, no scaling");
        w.cpu_fraction = 0.5;
        assert!((w.speed_factor(Some(0.5)) - 1.5).abs() < 1e-12);
        // Single-threaded work does not speed up past one vCPU.
        assert!((w.speed_factor(Some(4.0)) - 1.0).abs() < 1e-12);
        w.parallelism = 4.0;
        assert!((w.speed_factor(Some(4.0)) - 0.625).abs() < 1e-12);
        assert_eq!(w.speed_factor(None), 1.0);
    }
}
