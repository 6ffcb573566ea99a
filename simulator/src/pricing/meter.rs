//! Metering: each platform's rules turn raw [`Usage`] under a [`Deployment`] into billed
//! quantities per catalog dimension. Quantities are exact decimals in the price's unit.

use crate::pricing::breakdown::CostCategory;
use crate::pricing::catalog::{BillingModel, CatalogError, Platform, PlatformRules, Result};
use crate::pricing::usage::{Deployment, Usage};
use rust_decimal::prelude::*;

/// A billed quantity of one catalog dimension.
#[derive(Debug, Clone, PartialEq)]
pub struct Meter {
    pub dimension: String,
    pub category: CostCategory,
    /// Quantity in the catalog price's unit.
    pub quantity: Decimal,
    /// Human label of the line, e.g. `Duration (arm64)`.
    pub label: String,
}

/// The metered quantities of one period, plus what the rules assumed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Metering {
    pub meters: Vec<Meter>,
    pub notes: Vec<String>,
    /// False when the platform's rules void the free grant for this deployment.
    pub free_tier_allowed: bool,
}

impl Metering {
    fn push(
        &mut self,
        dimension: impl Into<String>,
        category: CostCategory,
        quantity: Decimal,
        label: impl Into<String>,
    ) {
        if quantity > Decimal::ZERO {
            self.meters.push(Meter {
                dimension: dimension.into(),
                category,
                quantity,
                label: label.into(),
            });
        }
    }
}

/// ⌈`raw_ms`⌉ as whole ms; 0 for a negative or non-finite duration. Truncates and adds one if
/// anything was cut off, which is exact for every f64 and avoids a libm call per request (the
/// baseline x86-64 target has no rounding instruction).
#[inline]
pub fn ceil_ms(raw_ms: f64) -> u64 {
    if !(raw_ms.is_finite() && raw_ms > 0.0) {
        return 0;
    }
    if raw_ms >= TWO_POW_53 {
        // Already a whole number.
        return raw_ms as u64;
    }
    // Through i64: the baseline x86-64 target converts signed integers in one instruction and
    // unsigned ones in several.
    let whole = raw_ms as i64;
    (whole + i64::from((whole as f64) < raw_ms)) as u64
}

/// 2⁵³: from here on every f64 is a whole number.
const TWO_POW_53: f64 = 9_007_199_254_740_992.0;

/// Billed duration of one execution under the platform's rounding and minimum, ms.
#[inline]
pub fn billed_exec_ms(rules: &PlatformRules, raw_ms: f64) -> u64 {
    round_ms(rules, ceil_ms(raw_ms))
}

/// Exact variant of [`billed_exec_ms`] for closed-form estimates.
pub fn billed_exec_ms_exact(rules: &PlatformRules, raw_ms: Decimal) -> u64 {
    let ms = raw_ms.max(Decimal::ZERO).ceil().to_u64().unwrap_or(u64::MAX);
    round_ms(rules, ms)
}

#[inline]
fn round_ms(rules: &PlatformRules, ms: u64) -> u64 {
    round_up(ms, rules.exec_rounding_ms).max(u64::from(rules.min_exec_ms.unwrap_or(0)))
}

/// `ms` rounded up to a multiple of `step` ms (none or 1: unchanged, without a division).
#[inline]
pub fn round_up(ms: u64, step: Option<u32>) -> u64 {
    match step {
        Some(s) if s > 1 => ms.div_ceil(u64::from(s)) * u64::from(s),
        _ => ms,
    }
}

/// Billed lifetime of one instance (per-second billing with a minimum, optional rounding), ms.
pub fn billed_instance_ms(rules: &PlatformRules, lifetime_ms: u64) -> u64 {
    round_up(lifetime_ms, rules.instance_rounding_ms).max(u64::from(rules.min_instance_s.unwrap_or(0)) * 1000)
}

const MS_PER_S: Decimal = Decimal::from_parts(1000, 0, 0, false, 0);
const MS_PER_H: Decimal = Decimal::from_parts(3_600_000, 0, 0, false, 0);
const MB_PER_GB: Decimal = Decimal::from_parts(1024, 0, 0, false, 0);

fn secs(ms: u64) -> Decimal {
    Decimal::from(ms) / MS_PER_S
}
fn hours(ms: u64) -> Decimal {
    Decimal::from(ms) / MS_PER_H
}
/// MB → GB with the providers' binary convention (1 GB = 1,024 MB).
fn gb(mb: u32) -> Decimal {
    Decimal::from(mb) / MB_PER_GB
}

/// Turn raw usage into billed quantities with the platform's rules.
pub fn meter(platform: &Platform, d: &Deployment, u: &Usage) -> Result<Metering> {
    let mut m = Metering {
        free_tier_allowed: true,
        ..Metering::default()
    };
    let r = &platform.rules;
    check_memory(platform, d)?;
    match platform.billing {
        BillingModel::AwsLambda => aws_lambda(&mut m, r, d, u),
        BillingModel::GcfGen1 => gcf_gen1(&mut m, r, d, u),
        BillingModel::CloudRunRequest => {
            let (vcpu, mem) = instance_shape(r, d);
            m.push(
                "requests",
                CostCategory::Requests,
                Decimal::from(u.requests),
                "Requests",
            );
            let active = secs(u.instance_active_ms);
            m.push(
                "cpu",
                CostCategory::Compute,
                active * vcpu,
                "CPU, while serving requests",
            );
            m.push(
                "memory",
                CostCategory::Compute,
                active * mem,
                "Memory, while serving requests",
            );
            let idle = secs(u.instance_idle_ms);
            m.push(
                "cpu-idle",
                CostCategory::Provisioned,
                idle * vcpu,
                "CPU, idle min instances",
            );
            m.push(
                "memory",
                CostCategory::Provisioned,
                idle * mem,
                "Memory, idle min instances",
            );
        }
        BillingModel::CloudRunInstance => {
            let (vcpu, mem) = instance_shape(r, d);
            let life = secs(u.instance_ms());
            m.push(
                "cpu",
                CostCategory::Instances,
                life * vcpu,
                "CPU, instance lifetime",
            );
            m.push(
                "memory",
                CostCategory::Instances,
                life * mem,
                "Memory, instance lifetime",
            );
        }
        BillingModel::AzureConsumption => {
            let step = r.memory_rounding_mb.unwrap_or(128).max(1);
            let mut mem = d.memory_mb.div_ceil(step) * step;
            mem = mem.max(r.min_memory_mb.unwrap_or(0));
            if let Some(max) = r.max_memory_mb {
                mem = mem.min(max);
            }
            m.push(
                "requests",
                CostCategory::Requests,
                Decimal::from(u.requests),
                "Executions",
            );
            m.push(
                "execution-time",
                CostCategory::Compute,
                secs(u.exec_ms) * gb(mem),
                format!("Execution time at {mem} MB"),
            );
        }
        BillingModel::AzureFlex => {
            let mem = gb(d.memory_mb);
            m.push(
                "requests",
                CostCategory::Requests,
                Decimal::from(u.requests),
                "Executions",
            );
            let on_demand = u.instance_active_ms.saturating_sub(u.provisioned_exec_ms);
            m.push(
                "on-demand-execution",
                CostCategory::Compute,
                secs(on_demand) * mem,
                "On-demand execution time",
            );
            if d.provisioned_instances > 0 || u.provisioned_ms > 0 {
                m.push(
                    "always-ready-baseline",
                    CostCategory::Provisioned,
                    secs(u.provisioned_ms) * mem,
                    "Always-ready baseline",
                );
                m.push(
                    "always-ready-execution",
                    CostCategory::Compute,
                    secs(u.provisioned_exec_ms) * mem,
                    "Always-ready execution time",
                );
                if r.no_free_tier_with_provisioned.unwrap_or(false) {
                    m.free_tier_allowed = false;
                    m.notes
                        .push("always-ready instances remove the monthly free grant".into());
                }
            }
        }
        BillingModel::AzurePremium => {
            let size = premium_size(platform, d)?;
            let min = u64::from(r.min_instances.unwrap_or(1));
            let life = u.instance_ms().max(min * u.period_ms);
            let h = hours(life);
            m.push("vcpu-hour", CostCategory::Instances, h * size.0, "vCPU time");
            m.push("memory-hour", CostCategory::Instances, h * size.1, "Memory time");
        }
        BillingModel::IbmCloudFunctions => {
            m.push(
                "execution",
                CostCategory::Compute,
                secs(u.exec_ms) * gb(d.memory_mb),
                "Execution time",
            );
        }
        BillingModel::IbmCodeEngine => {
            let (vcpu, mem) = instance_shape(r, d);
            let life = secs(u.instance_ms());
            m.push(
                "requests",
                CostCategory::Requests,
                Decimal::from(u.requests),
                "HTTP requests",
            );
            m.push(
                "cpu",
                CostCategory::Compute,
                life * vcpu,
                "vCPU, instance lifetime",
            );
            m.push(
                "memory",
                CostCategory::Compute,
                life * mem,
                "Memory, instance lifetime",
            );
        }
        BillingModel::CloudflareWorkers => {
            let months = Decimal::from(u.period_ms.max(1)) / Decimal::from(crate::pricing::usage::MONTH_MS);
            m.push(
                "subscription",
                CostCategory::Subscription,
                months.max(Decimal::ONE).ceil(),
                "Workers Paid plan",
            );
            m.push(
                "requests",
                CostCategory::Requests,
                Decimal::from(u.requests),
                "Requests",
            );
            m.push(
                "cpu-time",
                CostCategory::Compute,
                Decimal::from(u.cpu_ms),
                "CPU time",
            );
        }
        BillingModel::Fargate => {
            let (vcpu, mem) = instance_shape(r, d);
            let h = hours(u.instance_ms());
            let suffix = format!("{}{}", d.arch.as_str(), d.commitment.dimension_suffix());
            m.push(
                format!("vcpu-hour-{suffix}"),
                CostCategory::Instances,
                h * vcpu,
                "vCPU time",
            );
            m.push(
                format!("memory-hour-{suffix}"),
                CostCategory::Instances,
                h * mem,
                "Memory time",
            );
        }
        BillingModel::ContainerApps => {
            let (vcpu, mem) = instance_shape(r, d);
            m.push(
                "requests",
                CostCategory::Requests,
                Decimal::from(u.requests),
                "Requests",
            );
            m.push(
                "cpu-active",
                CostCategory::Compute,
                secs(u.instance_active_ms) * vcpu,
                "vCPU, active",
            );
            m.push(
                "cpu-idle",
                CostCategory::Provisioned,
                secs(u.instance_idle_ms) * vcpu,
                "vCPU, idle replicas",
            );
            m.push(
                "memory",
                CostCategory::Compute,
                secs(u.instance_ms()) * mem,
                "Memory",
            );
        }
        BillingModel::Vm => {
            let dim = format!("instance-hour{}", d.commitment.dimension_suffix());
            let label = format!("Instance time ({})", d.commitment.as_str());
            m.push(dim, CostCategory::Instances, hours(u.instance_ms()), label);
        }
        BillingModel::ControlPlane => {
            m.push(
                "cluster-hour",
                CostCategory::ControlPlane,
                hours(u.period_ms),
                "Cluster management",
            );
        }
        BillingModel::ApiGateway => {
            m.push(
                "requests",
                CostCategory::Requests,
                Decimal::from(u.requests),
                "API requests",
            );
        }
    }
    Ok(m)
}

fn aws_lambda(m: &mut Metering, r: &PlatformRules, d: &Deployment, u: &Usage) {
    let arch = d.arch.as_str();
    let mem = gb(d.memory_mb);
    let duration = format!("duration-{arch}");
    m.push(
        "requests",
        CostCategory::Requests,
        Decimal::from(u.requests),
        "Requests",
    );
    let on_demand_ms = u.exec_ms.saturating_sub(u.provisioned_exec_ms);
    m.push(
        &duration,
        CostCategory::Compute,
        secs(on_demand_ms) * mem,
        format!("Duration ({arch})"),
    );
    if r.init_billed.unwrap_or(false) {
        m.push(
            &duration,
            CostCategory::Init,
            secs(u.init_ms) * mem,
            format!("Init duration ({arch})"),
        );
    }
    if d.provisioned_instances > 0 {
        // Billed from enable to disable per configured instance, rounded up to the granularity.
        let k = u64::from(d.provisioned_instances);
        let step = u64::from(r.provisioned_rounding_s.unwrap_or(1).max(1)) * 1000;
        let per_instance = u.provisioned_ms.div_ceil(k).div_ceil(step) * step;
        m.push(
            format!("provisioned-{arch}"),
            CostCategory::Provisioned,
            secs(per_instance * k) * mem,
            format!("Provisioned concurrency, {k} configured ({arch})"),
        );
        m.push(
            format!("provisioned-duration-{arch}"),
            CostCategory::Compute,
            secs(u.provisioned_exec_ms) * mem,
            format!("Duration on provisioned concurrency ({arch})"),
        );
    }
    if d.ephemeral_storage_mb > 512 {
        let extra = gb(d.ephemeral_storage_mb - 512);
        let billed_s = secs(
            u.exec_ms
                + if r.init_billed.unwrap_or(false) {
                    u.init_ms
                } else {
                    0
                },
        );
        m.push(
            "ephemeral-storage",
            CostCategory::Storage,
            billed_s * extra,
            "Ephemeral storage above 512 MB",
        );
    }
}

fn gcf_gen1(m: &mut Metering, r: &PlatformRules, d: &Deployment, u: &Usage) {
    let mem = gb(d.memory_mb);
    let ghz = ghz_for(r, d.memory_mb);
    let exec = secs(u.exec_ms);
    m.push(
        "requests",
        CostCategory::Requests,
        Decimal::from(u.requests),
        "Invocations",
    );
    m.push("memory", CostCategory::Compute, exec * mem, "Memory time");
    m.push(
        "cpu",
        CostCategory::Compute,
        exec * ghz,
        format!("CPU time at {ghz} GHz"),
    );
    if d.provisioned_instances > 0 {
        let idle = secs(u.provisioned_ms.saturating_sub(u.provisioned_exec_ms));
        m.push(
            "memory",
            CostCategory::Provisioned,
            idle * mem,
            "Memory, idle min instances",
        );
        m.push(
            "cpu-idle",
            CostCategory::Provisioned,
            idle * ghz,
            "CPU, idle min instances",
        );
    }
}

/// GHz allocated to a memory size: the smallest table entry at or above it.
fn ghz_for(r: &PlatformRules, memory_mb: u32) -> Decimal {
    let table = r.cpu_by_memory.as_deref().unwrap_or(&[]);
    table
        .iter()
        .filter(|e| e.memory_mb >= memory_mb)
        .min_by_key(|e| e.memory_mb)
        .or_else(|| table.iter().max_by_key(|e| e.memory_mb))
        .map(|e| e.ghz)
        .unwrap_or_default()
}

/// (vCPU, GB) of one instance: explicit, else the platform default, else from `memory_mb`.
fn instance_shape(r: &PlatformRules, d: &Deployment) -> (Decimal, Decimal) {
    let vcpu = d.vcpu.or(r.default_vcpu).unwrap_or(Decimal::ONE);
    let mem = d
        .memory_gb
        .or(r.default_memory_gb)
        .unwrap_or_else(|| gb(d.memory_mb));
    (vcpu, mem)
}

fn premium_size(p: &Platform, d: &Deployment) -> Result<(Decimal, Decimal)> {
    let name = d
        .size
        .as_deref()
        .or_else(|| p.sizes.first().map(|s| s.name.as_str()))
        .unwrap_or("");
    let size = p.size(name).ok_or_else(|| {
        let known: Vec<&str> = p.sizes.iter().map(|s| s.name.as_str()).collect();
        CatalogError::Usage(format!(
            "unknown size `{name}` for {} (known: {})",
            p.id,
            known.join(", ")
        ))
    })?;
    Ok((size.vcpu, size.memory_gb))
}

fn check_memory(p: &Platform, d: &Deployment) -> Result<()> {
    let r = &p.rules;
    if let Some(sizes) = &r.memory_sizes_mb {
        if !sizes.contains(&d.memory_mb) {
            let list: Vec<String> = sizes.iter().map(u32::to_string).collect();
            return Err(CatalogError::Usage(format!(
                "{} offers instance memory of {} MB, not {} MB",
                p.id,
                list.join(", "),
                d.memory_mb
            )));
        }
    }
    let lo = r.min_config_memory_mb.unwrap_or(0);
    let hi = r.max_memory_mb.unwrap_or(u32::MAX);
    if p.billing != BillingModel::AzureConsumption && (d.memory_mb < lo || d.memory_mb > hi) {
        return Err(CatalogError::Usage(format!(
            "{} accepts memory from {lo} MB to {hi} MB, not {} MB",
            p.id, d.memory_mb
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ceil_ms_equals_the_libm_ceiling() {
        let mut x = 1e-9_f64;
        while x < 1e19 {
            for v in [x, x.next_up(), x.next_down(), x.floor(), x.floor() + 0.5] {
                assert_eq!(ceil_ms(v), v.ceil() as u64, "{v}");
            }
            x *= 1.37;
        }
        for v in [0.0, -0.0, -3.5, f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            assert_eq!(ceil_ms(v), 0, "{v}");
        }
        assert_eq!(round_up(1001, Some(100)), 1100);
        assert_eq!(round_up(1001, Some(1)), 1001);
        assert_eq!(round_up(1001, None), 1001);
    }

    #[test]
    fn rounding_and_minimums() {
        let r = PlatformRules {
            exec_rounding_ms: Some(100),
            min_exec_ms: Some(100),
            ..Default::default()
        };
        assert_eq!(billed_exec_ms(&r, 0.4), 100);
        assert_eq!(billed_exec_ms(&r, 260.0), 300);
        assert_eq!(billed_exec_ms(&r, 300.0), 300);
        assert_eq!(billed_exec_ms_exact(&r, Decimal::new(3001, 1)), 400);
        let one = PlatformRules {
            exec_rounding_ms: Some(1),
            ..Default::default()
        };
        assert_eq!(billed_exec_ms(&one, 12.01), 13);
        let inst = PlatformRules {
            min_instance_s: Some(60),
            ..Default::default()
        };
        assert_eq!(billed_instance_ms(&inst, 5_000), 60_000);
        assert_eq!(billed_instance_ms(&inst, 61_001), 61_001);
    }
}
