//! What a platform meters: raw usage over one billing period, and the deployment it ran on.
//!
//! [`Usage`] is filled either in closed form from a [`crate::pricing::UsageProfile`] (the
//! `estimate` command) or event by event by the simulator. Durations are already rounded per
//! request with the platform's rule ([`crate::pricing::meter::round_exec_ms`]) because providers
//! round each invocation, not the month's sum.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// CPU architecture of a function or instance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Arch {
    #[default]
    #[serde(alias = "x86", alias = "amd64")]
    X86_64,
    #[serde(alias = "aarch64", alias = "arm")]
    Arm64,
}

impl Arch {
    pub fn as_str(&self) -> &'static str {
        match self {
            Arch::X86_64 => "x86_64",
            Arch::Arm64 => "arm64",
        }
    }
}

impl fmt::Display for Arch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Arch {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.to_ascii_lowercase().as_str() {
            "x86_64" | "x86" | "amd64" => Ok(Arch::X86_64),
            "arm64" | "aarch64" | "arm" | "graviton" => Ok(Arch::Arm64),
            other => Err(format!(
                "unknown architecture `{other}` (expected x86_64 or arm64)"
            )),
        }
    }
}

/// How instance time is paid for: the pricing option of an estimate or a scenario platform.
/// Serialised as the word the CLI and scenario files use (`on-demand`, `1yr`, `3yr`, `spot`);
/// read through [`FromStr`], so every spelling it accepts is accepted everywhere.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum Commitment {
    #[default]
    #[serde(rename = "on-demand")]
    OnDemand,
    /// One-year commitment (savings plan, reservation or committed-use discount).
    #[serde(rename = "1yr")]
    OneYear,
    /// Three-year commitment.
    #[serde(rename = "3yr")]
    ThreeYear,
    /// Spot / preemptible capacity.
    #[serde(rename = "spot")]
    Spot,
}

impl<'de> Deserialize<'de> for Commitment {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

impl Commitment {
    /// Suffix of the catalog dimension that carries this rate (`instance-hour` + suffix).
    pub fn dimension_suffix(&self) -> &'static str {
        match self {
            Commitment::OnDemand => "",
            Commitment::OneYear => "-1yr",
            Commitment::ThreeYear => "-3yr",
            Commitment::Spot => "-spot",
        }
    }
    pub fn as_str(&self) -> &'static str {
        match self {
            Commitment::OnDemand => "on-demand",
            Commitment::OneYear => "1yr",
            Commitment::ThreeYear => "3yr",
            Commitment::Spot => "spot",
        }
    }
}

impl FromStr for Commitment {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.to_ascii_lowercase().as_str() {
            "on-demand" | "ondemand" | "on_demand" => Ok(Commitment::OnDemand),
            "1yr" | "1y" | "one-year" | "one_year" => Ok(Commitment::OneYear),
            "3yr" | "3y" | "three-year" | "three_year" => Ok(Commitment::ThreeYear),
            "spot" | "preemptible" => Ok(Commitment::Spot),
            other => Err(format!(
                "unknown pricing `{other}` (expected on-demand, 1yr, 3yr or spot)"
            )),
        }
    }
}

/// How a workload is deployed on one platform: the knobs that change the price, not the traffic.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Deployment {
    /// Configured function memory, MB (FaaS). Instance memory for Azure Flex (512/2048/4096).
    pub memory_mb: u32,
    pub arch: Arch,
    /// Configured ephemeral storage, MB (AWS Lambda: 512 included, up to 10,240).
    pub ephemeral_storage_mb: u32,
    /// vCPUs per instance or task (containers, Cloud Run, Code Engine). `None`: platform default.
    pub vcpu: Option<Decimal>,
    /// Memory per instance or task, GB (containers, Cloud Run, Code Engine). `None`: from `memory_mb`.
    pub memory_gb: Option<Decimal>,
    /// Named instance size where the platform sells fixed sizes (Azure Premium `EP1`…`EP3`).
    pub size: Option<String>,
    /// Always-warm capacity: AWS provisioned concurrency, Azure Flex always-ready, Cloud Run min
    /// instances (instances).
    pub provisioned_instances: u32,
    pub commitment: Commitment,
    /// Apply the provider's free tier (always-included allowances of a paid plan apply regardless).
    pub free_tier: bool,
}

impl Default for Deployment {
    fn default() -> Self {
        Deployment {
            memory_mb: 128,
            arch: Arch::X86_64,
            ephemeral_storage_mb: 512,
            vcpu: None,
            memory_gb: None,
            size: None,
            provisioned_instances: 0,
            commitment: Commitment::OnDemand,
            free_tier: true,
        }
    }
}

/// Raw metered usage of one platform over one billing period. Integers: counts and milliseconds.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Usage {
    /// Length of the billing period, ms (a month is 730 h in the providers' calculators).
    pub period_ms: u64,
    /// Requests / invocations / executions, including those served by provisioned capacity.
    pub requests: u64,
    /// Σ of per-request billed execution time (each request rounded by the platform's rule), ms.
    /// Includes `provisioned_exec_ms`; excludes init.
    pub exec_ms: u64,
    /// Of `exec_ms`, the part that ran on provisioned (always-warm) capacity, ms.
    pub provisioned_exec_ms: u64,
    /// Σ of init (cold-start) durations, rounded per start, ms. Billed only where the platform
    /// bills init.
    pub init_ms: u64,
    /// Number of cold starts.
    pub cold_starts: u64,
    /// Σ of CPU time, ms (Cloudflare Workers bills CPU, not wall time).
    pub cpu_ms: u64,
    /// Instance time with at least one request in flight, ms (instance-billed platforms: Cloud
    /// Run, Azure Flex, Container Apps, Code Engine). Overlapping requests on one instance count once.
    pub instance_active_ms: u64,
    /// Instance time alive but idle, ms (warm instances, min instances, fleets between requests).
    pub instance_idle_ms: u64,
    /// Time always-warm capacity was allocated, instance·ms (AWS provisioned concurrency, Azure
    /// Flex always-ready, min instances), before the provider's rounding.
    pub provisioned_ms: u64,
}

impl Usage {
    /// Total instance lifetime, ms (VMs, tasks and fleets bill all of it).
    pub fn instance_ms(&self) -> u64 {
        self.instance_active_ms + self.instance_idle_ms
    }
}

/// Hours in the providers' standard billing month (AWS, Google and Azure calculators use 730).
pub const HOURS_PER_MONTH: u64 = 730;
/// Milliseconds in a 730-hour billing month.
pub const MONTH_MS: u64 = HOURS_PER_MONTH * 3_600_000;

#[cfg(test)]
mod commitment_tests {
    use super::Commitment;

    /// The wire and scenario files use the CLI's words; every spelling `FromStr` accepts (in
    /// any case) still reads, and an unknown one names the choices.
    #[test]
    fn commitment_is_written_as_the_cli_word_and_read_in_every_spelling() {
        for (c, word) in [
            (Commitment::OnDemand, "on-demand"),
            (Commitment::OneYear, "1yr"),
            (Commitment::ThreeYear, "3yr"),
            (Commitment::Spot, "spot"),
        ] {
            assert_eq!(serde_json::to_value(c).unwrap(), serde_json::json!(word));
            assert_eq!(c.as_str(), word);
        }
        for (text, c) in [
            ("\"one-year\"", Commitment::OneYear),
            ("\"3y\"", Commitment::ThreeYear),
            ("\"Spot\"", Commitment::Spot),
            ("\"ondemand\"", Commitment::OnDemand),
        ] {
            assert_eq!(serde_json::from_str::<Commitment>(text).unwrap(), c, "{text}");
        }
        let e = serde_json::from_str::<Commitment>("\"2yr\"")
            .unwrap_err()
            .to_string();
        assert!(e.contains("expected on-demand, 1yr, 3yr or spot"), "{e}");
    }
}
