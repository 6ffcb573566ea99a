//! Closed-form usage profiles: "N requests a month of D ms at M MB" turned into [`Usage`], so
//! `estimate` needs no simulation. Steady traffic is assumed; the simulator handles the rest.

use crate::pricing::bill::bill;
use crate::pricing::breakdown::CostBreakdown;
use crate::pricing::catalog::{BillingModel, CatalogError, Platform, PlatformKind, PriceCatalog, Result};
use crate::pricing::meter::{billed_exec_ms_exact, billed_instance_ms};
use crate::pricing::usage::{Arch, Commitment, Deployment, Usage, HOURS_PER_MONTH};
use rust_decimal::prelude::*;
use serde::{Deserialize, Serialize};

/// A month of steady usage on one platform.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct UsageProfile {
    /// Requests in the period.
    pub requests: u64,
    /// Average wall-clock duration of one request, ms.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub duration_ms: Decimal,
    /// Function memory, MB (`None`: the platform's smallest or 128 MB).
    pub memory_mb: Option<u32>,
    pub arch: Arch,
    /// Average CPU time of one request, ms (Cloudflare Workers); `None`: equal to the duration.
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub cpu_ms: Option<Decimal>,
    /// Always-warm instances: provisioned concurrency, always-ready, min instances.
    pub provisioned_concurrency: u32,
    /// Hours of the period (instances and provisioned capacity run this long); `None`: 730.
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub hours: Option<Decimal>,
    /// Instances / tasks / VMs kept running (fleets); `None`: 1 for VMs and tasks, scale to zero
    /// for request-billed platforms.
    pub instances: Option<u32>,
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub vcpu: Option<Decimal>,
    /// Memory per instance or task, GB.
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub memory_gb: Option<Decimal>,
    /// Named size (Azure Premium EP1…EP3).
    pub size: Option<String>,
    /// Requests one instance serves at once, for instance-billed platforms (default 1).
    pub concurrency: Option<u32>,
    /// Cold starts in the period, and init time of each, ms.
    pub cold_starts: u64,
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub init_ms: Decimal,
    /// Ephemeral storage, MB (AWS Lambda).
    pub ephemeral_storage_mb: u32,
    pub free_tier: bool,
    pub commitment: Commitment,
}

impl Default for UsageProfile {
    fn default() -> Self {
        UsageProfile {
            requests: 0,
            duration_ms: Decimal::ZERO,
            memory_mb: None,
            arch: Arch::X86_64,
            cpu_ms: None,
            provisioned_concurrency: 0,
            hours: None,
            instances: None,
            vcpu: None,
            memory_gb: None,
            size: None,
            concurrency: None,
            cold_starts: 0,
            init_ms: Decimal::ZERO,
            ephemeral_storage_mb: 512,
            free_tier: true,
            commitment: Commitment::OnDemand,
        }
    }
}

/// The deployment, usage and assumptions a profile means on one platform.
#[derive(Debug, Clone, PartialEq)]
pub struct ProfileUsage {
    pub deployment: Deployment,
    pub usage: Usage,
    pub notes: Vec<String>,
}

impl UsageProfile {
    pub fn to_usage(&self, p: &Platform) -> Result<ProfileUsage> {
        let r = &p.rules;
        let mut notes = Vec::new();
        let hours = self.hours.unwrap_or(Decimal::from(HOURS_PER_MONTH));
        if hours < Decimal::ZERO {
            return Err(CatalogError::Usage("hours must not be negative".into()));
        }
        let period_ms = ms_u64(hours * Decimal::from(3_600_000u32))?;
        let memory_mb = self
            .memory_mb
            .or_else(|| r.memory_sizes_mb.as_ref().and_then(|s| s.first().copied()))
            .unwrap_or(128);
        let deployment = Deployment {
            memory_mb,
            arch: p.instance.as_ref().map(|i| i.arch).unwrap_or(self.arch),
            ephemeral_storage_mb: self.ephemeral_storage_mb,
            vcpu: self.vcpu,
            // An explicit --memory-mb sizes instance-billed platforms too (2,048 MB = 2 GB).
            memory_gb: self.memory_gb.or_else(|| {
                self.memory_mb
                    .map(|mb| Decimal::from(mb) / Decimal::from(1024u32))
            }),
            size: self.size.clone(),
            provisioned_instances: self.provisioned_concurrency,
            commitment: self.commitment,
            free_tier: self.free_tier,
        };

        let billed = billed_exec_ms_exact(r, self.duration_ms);
        let exec_ms = self.requests.checked_mul(billed).ok_or_else(too_big)?;
        let init_each = billed_exec_ms_exact(r, self.init_ms);
        let init_ms = if self.init_ms > Decimal::ZERO {
            self.cold_starts.saturating_mul(init_each)
        } else {
            0
        };
        let cpu_ms = match self.cpu_ms {
            Some(c) => ms_u64(c * Decimal::from(self.requests))?,
            None => {
                if p.billing == BillingModel::CloudflareWorkers && self.requests > 0 {
                    notes.push("CPU time per request assumed equal to the duration (pass --cpu-ms)".into());
                }
                ms_u64(self.duration_ms * Decimal::from(self.requests))?
            }
        };

        // Busy instance time: overlapping requests share an instance up to `concurrency`.
        let concurrency = self.concurrency.unwrap_or(1).max(1);
        let busy_ms = ms_u64(self.duration_ms * Decimal::from(self.requests) / Decimal::from(concurrency))?;

        let k = u64::from(self.provisioned_concurrency);
        let provisioned_ms = k.checked_mul(period_ms).ok_or_else(too_big)?;
        let provisioned_exec_ms = exec_ms.min(provisioned_ms);
        if k > 0 && self.requests > 0 {
            notes.push(format!(
                "steady traffic assumed: up to {k} always-warm instance(s) serve requests first"
            ));
        }

        let fleet = matches!(p.kind, PlatformKind::Vm)
            || matches!(
                p.billing,
                BillingModel::Fargate | BillingModel::AzurePremium | BillingModel::CloudRunInstance
            );
        let (active, idle) = if fleet || self.instances.is_some() {
            let n = u64::from(self.instances.unwrap_or(1));
            let life = n
                .checked_mul(billed_instance_ms(r, period_ms))
                .ok_or_else(too_big)?;
            let active = busy_ms.min(life);
            if busy_ms > life {
                notes.push(format!(
                    "the requests need {} instance-hours but {n} instance(s) provide {}: add instances",
                    Decimal::from(busy_ms) / Decimal::from(3_600_000u32),
                    Decimal::from(life) / Decimal::from(3_600_000u32)
                ));
            }
            (active, life - active)
        } else {
            let warm_idle = provisioned_ms.saturating_sub(busy_ms.min(provisioned_ms));
            (billed_instance_ms_opt(r, busy_ms), warm_idle)
        };

        let usage = Usage {
            period_ms,
            requests: self.requests,
            exec_ms,
            provisioned_exec_ms,
            init_ms,
            cold_starts: self.cold_starts,
            cpu_ms,
            instance_active_ms: active,
            instance_idle_ms: idle,
            provisioned_ms,
        };
        Ok(ProfileUsage {
            deployment,
            usage,
            notes,
        })
    }
}

/// Round busy time of a scale-to-zero platform, without a per-instance minimum when idle.
fn billed_instance_ms_opt(r: &crate::pricing::catalog::PlatformRules, busy_ms: u64) -> u64 {
    if busy_ms == 0 {
        0
    } else {
        billed_instance_ms(r, busy_ms)
    }
}

fn ms_u64(d: Decimal) -> Result<u64> {
    d.max(Decimal::ZERO).ceil().to_u64().ok_or_else(too_big)
}

fn too_big() -> CatalogError {
    CatalogError::Usage("usage too large to price".into())
}

/// The monthly bill of a closed-form profile on one platform.
pub fn estimate(
    catalog: &PriceCatalog,
    id: &str,
    region: Option<&str>,
    profile: &UsageProfile,
) -> Result<CostBreakdown> {
    let platform = catalog.platform(id)?;
    let pu = profile.to_usage(platform)?;
    let mut b = bill(catalog, id, region, &pu.deployment, &pu.usage)?;
    let mut notes = pu.notes;
    notes.append(&mut b.notes);
    b.notes = notes;
    Ok(b)
}
