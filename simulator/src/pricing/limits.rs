//! The limits of a usage profile (`breakeven estimate`'s flags): bounds that refuse typos,
//! impossible sizes and overflow before anything is priced, not real workloads. Decimal inputs
//! cannot be NaN or infinite (the parsers refuse `nan` and `inf`); these bound what can be parsed.

use crate::pricing::profile::UsageProfile;
use rust_decimal::Decimal;
use std::fmt;

/// Requests in a month: 10^15 is 385 million a second for 730 hours, beyond any account.
pub const MAX_REQUESTS: u64 = 1_000_000_000_000_000;
/// Average duration, CPU time or init time of one request, ms: one day. The longest runs the
/// catalog's platforms allow are minutes (Lambda 15, Cloud Run 60); a VM has no limit, a day is
/// already a batch job rather than a request.
pub const MAX_DURATION_MS: u32 = 86_400_000;
/// Function or instance memory, MB: 1 TiB. Platforms with a range (Lambda 128–10,240) are held
/// to it by their catalog rules as well.
pub const MAX_MEMORY_MB: u32 = 1_048_576;
/// Instances, tasks, VMs or provisioned-concurrency instances kept running: 100,000.
pub const MAX_INSTANCES: u32 = 100_000;
/// Requests one instance serves at once: at least 1 (0 would serve nothing), at most 100,000.
pub const MAX_CONCURRENCY: u32 = 100_000;
/// Hours instances run in the month: a calendar month has at most 31 × 24.
pub const MAX_HOURS: u32 = 744;
/// vCPUs per instance or task: from 0.001 (one millicore, the finest any platform sells) to
/// 1,024 (above the largest VM, 896 vCPUs).
pub const MIN_VCPU: Decimal = Decimal::from_parts(1, 0, 0, false, 3);
pub const MAX_VCPU: u32 = 1_024;
/// Memory per instance or task, GB: from 0.001 to 32,768 (the largest VM has 32 TiB).
pub const MIN_MEMORY_GB: Decimal = Decimal::from_parts(1, 0, 0, false, 3);
pub const MAX_MEMORY_GB: u32 = 32_768;
/// Ephemeral storage, MB: AWS Lambda sells 512 (included) to 10,240.
pub const MIN_EPHEMERAL_STORAGE_MB: u32 = 512;
pub const MAX_EPHEMERAL_STORAGE_MB: u32 = 10_240;

/// What a field of a usage profile must satisfy.
#[derive(Debug, Clone, PartialEq)]
pub enum Bound {
    /// From `min` to `max`, inclusive.
    Range { min: Decimal, max: Decimal },
    /// At most the value of another field (cold starts happen on requests).
    AtMostField { other: &'static str, value: Decimal },
}

/// A usage profile field out of its limits. `field` is the profile's field name
/// (`cold_starts`); the CLI's flag is the same in kebab case (`--cold-starts`).
#[derive(Debug, Clone, PartialEq)]
pub struct ProfileError {
    pub field: &'static str,
    pub value: Decimal,
    pub bound: Bound,
}

impl ProfileError {
    /// The message, with each field named by `name` (e.g. the flag that sets it).
    pub fn describe(&self, name: impl Fn(&str) -> String) -> String {
        let field = name(self.field);
        let value = self.value.normalize();
        match &self.bound {
            Bound::Range { min, max } => format!(
                "{field} is {value}: it must be from {} to {}",
                min.normalize(),
                max.normalize()
            ),
            Bound::AtMostField { other, value: v } => format!(
                "{field} is {value}: it cannot exceed {} ({})",
                name(other),
                v.normalize()
            ),
        }
    }

    /// The CLI flag of a profile field: `cold_starts` → `--cold-starts`.
    pub fn flag(field: &str) -> String {
        format!("--{}", field.replace('_', "-"))
    }
}

impl std::error::Error for ProfileError {}

impl fmt::Display for ProfileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe(|name| format!("`{name}`")))
    }
}

fn within(
    field: &'static str,
    value: Decimal,
    min: Decimal,
    max: impl Into<Decimal>,
) -> Result<(), ProfileError> {
    let max = max.into();
    if value < min || value > max {
        return Err(ProfileError {
            field,
            value,
            bound: Bound::Range { min, max },
        });
    }
    Ok(())
}

impl UsageProfile {
    /// Check every field against its limit, first failure first (in flag order).
    pub fn validate(&self) -> Result<(), ProfileError> {
        let zero = Decimal::ZERO;
        let one = Decimal::ONE;
        let count = |n: Option<u32>| n.map(Decimal::from);
        within("requests", self.requests.into(), zero, MAX_REQUESTS)?;
        within("duration_ms", self.duration_ms, zero, MAX_DURATION_MS)?;
        if let Some(mb) = count(self.memory_mb) {
            within("memory_mb", mb, one, MAX_MEMORY_MB)?;
        }
        if let Some(cpu) = self.cpu_ms {
            within("cpu_ms", cpu, zero, MAX_DURATION_MS)?;
        }
        within(
            "provisioned_concurrency",
            self.provisioned_concurrency.into(),
            zero,
            MAX_INSTANCES,
        )?;
        if let Some(h) = self.hours {
            within("hours", h, zero, MAX_HOURS)?;
        }
        if let Some(n) = count(self.instances) {
            within("instances", n, zero, MAX_INSTANCES)?;
        }
        if let Some(v) = self.vcpu {
            within("vcpu", v, MIN_VCPU, MAX_VCPU)?;
        }
        if let Some(g) = self.memory_gb {
            within("memory_gb", g, MIN_MEMORY_GB, MAX_MEMORY_GB)?;
        }
        if let Some(c) = count(self.concurrency) {
            within("concurrency", c, one, MAX_CONCURRENCY)?;
        }
        if self.cold_starts > self.requests {
            return Err(ProfileError {
                field: "cold_starts",
                value: self.cold_starts.into(),
                bound: Bound::AtMostField {
                    other: "requests",
                    value: self.requests.into(),
                },
            });
        }
        within("init_ms", self.init_ms, zero, MAX_DURATION_MS)?;
        within(
            "ephemeral_storage_mb",
            self.ephemeral_storage_mb.into(),
            MIN_EPHEMERAL_STORAGE_MB.into(),
            MAX_EPHEMERAL_STORAGE_MB,
        )?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_sizes_and_more_cold_starts_than_requests_are_refused() {
        let ok = UsageProfile::default();
        assert_eq!(ok.validate(), Ok(()));
        let zero_vcpu = UsageProfile {
            vcpu: Some(Decimal::ZERO),
            ..UsageProfile::default()
        };
        let e = zero_vcpu.validate().unwrap_err();
        assert_eq!(e.field, "vcpu");
        assert_eq!(e.to_string(), "`vcpu` is 0: it must be from 0.001 to 1024");
        let cold = UsageProfile {
            requests: 1_000_000,
            cold_starts: 1_000_000_000,
            ..UsageProfile::default()
        };
        let e = cold.validate().unwrap_err();
        assert_eq!(
            e.describe(ProfileError::flag),
            "--cold-starts is 1000000000: it cannot exceed --requests (1000000)"
        );
        let no_concurrency = UsageProfile {
            concurrency: Some(0),
            ..UsageProfile::default()
        };
        assert_eq!(no_concurrency.validate().unwrap_err().field, "concurrency");
    }
}
