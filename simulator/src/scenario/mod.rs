//! Scenarios: a workload, the platforms to run it on with their options, and a seed. Read from
//! TOML by [`parse`], checked in code by [`Scenario::validate`], written back by [`to_toml`]; see
//! `docs/scenario-format.md` for the format.

mod file;
mod horizon;
mod validate;
mod write;

pub(crate) use file::validate_platform;
pub use file::{parse, ScenarioError};
pub use horizon::{check_horizon_ms, parse_horizon_ms};
pub use write::to_toml;

use crate::pricing::{Commitment, CommitmentSpec, Discount};
use crate::workload::{DurationModel, Workload};
use serde::{Deserialize, Serialize};

/// The scenario format version this build reads.
pub const SCENARIO_VERSION: u32 = 1;

/// How requests are simulated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// Every request is an event.
    #[default]
    Exact,
    /// Per-minute counts through closed-form queueing estimates (high rates).
    Aggregate,
}

impl Mode {
    /// The word scenario files and the wire use (`exact`, `aggregate`).
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Exact => "exact",
            Mode::Aggregate => "aggregate",
        }
    }
}

impl std::fmt::Display for Mode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Size of a fixed fleet: a number of instances, or `"peak"`: enough for the peak arrival rate
/// at the target utilisation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(untagged)]
pub enum FleetSize {
    Fixed(u32),
    Named(String),
}

/// Kubernetes: the platform's VMs are nodes; pods are bin-packed on them and a control plane is
/// billed on top.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct KubernetesSpec {
    /// Control-plane platform id, e.g. `aws-eks`.
    pub control_plane: String,
    /// vCPU requested by one pod.
    pub pod_vcpu: f64,
    /// Memory requested by one pod, GB.
    pub pod_memory_gb: f64,
}

/// One platform to run the workload on, with options that override the catalog's defaults.
/// Every field but `id` is optional.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct PlatformSpec {
    /// Catalog platform id (`breakeven catalog list`).
    pub id: String,
    /// Name in the results (default: the id); lets one scenario compare two configurations.
    pub label: Option<String>,
    pub region: Option<String>,
    /// Function memory, MB (default: the workload's).
    pub memory_mb: Option<u32>,
    pub arch: Option<crate::pricing::Arch>,
    /// Idle instances are reclaimed after this long, s.
    pub keep_alive_s: Option<f64>,
    /// Most instances at once; requests beyond are throttled.
    pub concurrency_limit: Option<u32>,
    /// At most `scale_instances` new instances per `scale_window_s`.
    pub scale_instances: Option<u32>,
    pub scale_window_s: Option<f64>,
    /// Requests one instance serves at once.
    #[serde(alias = "per_instance_concurrency")]
    pub concurrency: Option<u32>,
    /// Serverless: always-warm instances (provisioned concurrency, min instances, always-ready).
    /// Fleets: the autoscaling floor.
    #[serde(alias = "provisioned_concurrency", alias = "always_ready")]
    pub min_instances: Option<u32>,
    /// Cold-start init on this platform (default: the workload's, else the catalog's typical).
    pub init: Option<DurationModel>,
    /// Apply the provider's free tier (default true).
    pub free_tier: Option<bool>,
    /// Ephemeral storage, MB (AWS Lambda).
    pub ephemeral_storage_mb: Option<u32>,
    /// vCPUs and memory (GB) per instance or task (containers).
    pub vcpu: Option<f64>,
    pub memory_gb: Option<f64>,
    /// Named size (Azure Premium EP1…EP3).
    pub size: Option<String>,
    /// Instance pricing: on-demand, 1yr, 3yr or spot.
    pub pricing: Option<Commitment>,
    /// Fleets: a fixed size (number or "peak") instead of autoscaling.
    pub instances: Option<FleetSize>,
    pub max_instances: Option<u32>,
    /// Autoscaling target: busy share of request slots, 0–1 (default 0.6).
    pub target_utilisation: Option<f64>,
    /// Autoscaler evaluation period, s (default 60).
    pub evaluation_s: Option<f64>,
    /// Wait after a scaling action before scaling in, s (default 300).
    pub cooldown_s: Option<f64>,
    /// New instance boot time, s (default: the catalog's typical start time).
    pub boot_s: Option<f64>,
    /// Most requests waiting in the fleet's queue; more are rejected (default and limit: 10,000,000).
    pub max_queue: Option<u32>,
    pub kubernetes: Option<KubernetesSpec>,
}

impl PlatformSpec {
    pub fn new(id: &str) -> PlatformSpec {
        PlatformSpec {
            id: id.to_string(),
            ..Default::default()
        }
    }

    /// Name in the results.
    pub fn label(&self) -> &str {
        self.label.as_deref().unwrap_or(&self.id)
    }
}

/// A parsed, validated scenario.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Scenario {
    pub version: u32,
    pub name: String,
    pub seed: u64,
    pub mode: Mode,
    /// Width of a timeline bucket, s.
    pub timeline_bucket_s: f64,
    pub workload: Workload,
    pub platforms: Vec<PlatformSpec>,
    /// Savings Plans and reservations held: every platform's bill is also given with them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "ts", ts(as = "Option<Vec<CommitmentSpec>>", optional))]
    pub commitments: Vec<CommitmentSpec>,
    /// Negotiated discounts off list: the config file's and `--discount`'s, or the file's own.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "ts", ts(as = "Option<Vec<Discount>>", optional))]
    pub discounts: Vec<Discount>,
}

impl Scenario {
    pub fn new(name: &str, seed: u64, workload: Workload, platforms: Vec<PlatformSpec>) -> Scenario {
        Scenario {
            version: SCENARIO_VERSION,
            name: name.to_string(),
            seed,
            mode: Mode::Exact,
            timeline_bucket_s: 60.0,
            workload,
            platforms,
            commitments: Vec::new(),
            discounts: Vec::new(),
        }
    }
}
