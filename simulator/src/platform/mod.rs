//! Platform models. A scenario's platform options are resolved against the catalog's rules into
//! one of two engines: [`serverless`] (functions: instances appear per request and expire when
//! idle) or [`fleet`] (VMs and containers: a fleet behind a FIFO queue, autoscaled or fixed).

pub mod aggregate;
pub mod billing;
pub mod committed;
pub mod fleet;
pub mod outcome;
pub mod per_minute;
pub mod serverless;

use crate::limits::{MAX_CONCURRENCY, MAX_INSTANCES, MAX_QUEUE, MAX_SLOWDOWN};
use crate::pricing::{Commitment, Deployment, Platform, PlatformKind, PriceCatalog};
use crate::scenario::{FleetSize, PlatformSpec};
use crate::workload::{DurationModel, Workload};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// Idle lifetime when the catalog gives none, s.
pub const DEFAULT_KEEP_ALIVE_S: f64 = 600.0;
const DEFAULT_TARGET_UTILISATION: f64 = 0.6;
const DEFAULT_EVALUATION_S: f64 = 60.0;
const DEFAULT_COOLDOWN_S: f64 = 300.0;

/// Which engine simulates a platform.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum EngineKind {
    Serverless,
    Fleet,
}

/// Serverless parameters after defaults.
#[derive(Debug, Clone, PartialEq)]
pub struct ServerlessParams {
    /// ms.
    pub keep_alive_ms: f64,
    /// Most instances at once.
    pub concurrency_limit: u32,
    /// At most `.0` new instances per `.1` ms.
    pub scale_rate: Option<(u32, f64)>,
    /// Requests one instance serves at once.
    pub per_instance: u32,
    /// Always-warm instances.
    pub min_instances: u32,
}

/// Fleet parameters after defaults.
#[derive(Debug, Clone, PartialEq)]
pub struct FleetParams {
    /// Requests one instance (node) serves at once.
    pub slots: u32,
    /// Fixed size, or `None` to autoscale.
    pub fixed: Option<u32>,
    pub min_instances: u32,
    pub max_instances: u32,
    pub target_utilisation: f64,
    /// ms.
    pub evaluation_ms: f64,
    pub cooldown_ms: f64,
    pub boot_ms: f64,
    pub max_queue: Option<u32>,
    /// Control-plane platform billed on top (Kubernetes).
    pub control_plane: Option<String>,
}

/// A platform of a scenario, resolved against the catalog.
#[derive(Debug, Clone)]
pub struct Resolved {
    pub platform: Platform,
    pub label: String,
    pub region: Option<String>,
    pub engine: EngineKind,
    pub deployment: Deployment,
    /// Multiplier of the workload's durations on this platform's CPU.
    pub speed: f64,
    /// vCPU one request gets, if the platform says.
    pub request_vcpu: Option<f64>,
    /// Cold-start init.
    pub init: DurationModel,
    pub serverless: ServerlessParams,
    pub fleet: FleetParams,
    /// Assumptions made while resolving, for the results.
    pub notes: Vec<String>,
}

fn decimal(x: f64) -> Decimal {
    Decimal::from_f64_retain(x)
        .unwrap_or_default()
        .round_dp(6)
        .normalize()
}

/// Memory a function runs with: the spec's (checked), else the workload's fitted to what the
/// platform allows.
fn memory(p: &Platform, spec: &PlatformSpec, w: &Workload) -> Result<u32, String> {
    let r = &p.rules;
    let lo = r.min_config_memory_mb.unwrap_or(0);
    let hi = r.max_memory_mb.unwrap_or(u32::MAX);
    if let Some(m) = spec.memory_mb {
        if let Some(sizes) = &r.memory_sizes_mb {
            if !sizes.contains(&m) {
                return Err(format!("{} offers memory sizes {sizes:?} MB, not {m} MB", p.id));
            }
        } else if p.kind == PlatformKind::Faas && (m < lo || m > hi) {
            return Err(format!(
                "{} accepts memory from {lo} to {hi} MB, not {m} MB",
                p.id
            ));
        }
        return Ok(m);
    }
    let want = w.memory_mb;
    if let Some(sizes) = &r.memory_sizes_mb {
        let mut s = sizes.clone();
        s.sort_unstable();
        return Ok(s
            .iter()
            .copied()
            .find(|x| *x >= want)
            .or(s.last().copied())
            .unwrap_or(want));
    }
    Ok(want.clamp(lo, hi.max(lo)))
}

/// Resolve one platform of a scenario; the message says what is wrong.
pub fn resolve(catalog: &PriceCatalog, spec: &PlatformSpec, w: &Workload) -> Result<Resolved, String> {
    let p = catalog.platform(&spec.id).map_err(|e| e.to_string())?;
    let engine = match p.kind {
        PlatformKind::Faas => EngineKind::Serverless,
        PlatformKind::Container | PlatformKind::Vm => EngineKind::Fleet,
        PlatformKind::ControlPlane => {
            return Err(format!(
                "`{}` is a Kubernetes control plane: use it as `kubernetes.control_plane` of a VM platform",
                p.id
            ))
        }
        PlatformKind::FrontDoor => return Err(format!("`{}` is an API front door, not compute", p.id)),
    };
    catalog
        .resolve_region(p, spec.region.as_deref())
        .map_err(|e| e.to_string())?;
    let r = &p.rules;
    let commitment = spec.pricing.unwrap_or_default();
    let memory_mb = memory(p, spec, w)?;
    let instance_vcpu = spec
        .vcpu
        .or_else(|| p.instance.as_ref().and_then(|i| i.vcpu.to_string().parse().ok()))
        .or_else(|| {
            spec.size
                .as_deref()
                .and_then(|s| p.size(s))
                .and_then(|s| s.vcpu.to_string().parse().ok())
        })
        .or_else(|| p.sizes.first().and_then(|s| s.vcpu.to_string().parse().ok()))
        .or_else(|| r.default_vcpu.and_then(|v| v.to_string().parse().ok()));
    let request_vcpu = match (&spec.kubernetes, r.memory_per_vcpu_mb) {
        (Some(k), _) => Some(k.pod_vcpu),
        (None, Some(mpv)) if spec.vcpu.is_none() => Some(f64::from(memory_mb) / f64::from(mpv)),
        _ => instance_vcpu,
    };
    let init = spec
        .init
        .clone()
        .or_else(|| w.init.clone())
        .unwrap_or(DurationModel::constant(f64::from(r.cold_start_ms.unwrap_or(0))));
    let per_instance = spec
        .concurrency
        .or(r.per_instance_concurrency)
        .unwrap_or_else(|| instance_vcpu.map(|v| v.ceil().max(1.0) as u32).unwrap_or(1));
    let serverless = ServerlessParams {
        keep_alive_ms: spec
            .keep_alive_s
            .or(r.keep_alive_s.map(f64::from))
            .unwrap_or(DEFAULT_KEEP_ALIVE_S)
            * 1000.0,
        concurrency_limit: spec.concurrency_limit.or(r.concurrency_limit).unwrap_or(u32::MAX),
        scale_rate: match (
            spec.scale_instances.or(r.scale_instances),
            spec.scale_window_s.or(r.scale_window_s.map(f64::from)),
        ) {
            (Some(n), Some(s)) => Some((n, s * 1000.0)),
            _ => None,
        },
        per_instance,
        min_instances: spec.min_instances.or(r.min_instances).unwrap_or(0),
    };
    let (slots, control_plane) = match &spec.kubernetes {
        Some(k) => {
            if p.kind != PlatformKind::Vm {
                return Err("`kubernetes` needs a VM platform for its nodes".into());
            }
            let cp = catalog.platform(&k.control_plane).map_err(|e| e.to_string())?;
            if cp.kind != PlatformKind::ControlPlane {
                return Err(format!("`{}` is not a Kubernetes control plane", k.control_plane));
            }
            let inst = p
                .instance
                .as_ref()
                .ok_or("the node platform has no instance shape")?;
            let node_vcpu: f64 = inst.vcpu.to_string().parse().unwrap_or(0.0);
            let node_gb: f64 = inst.memory_gib.to_string().parse().unwrap_or(0.0);
            let pods = (node_vcpu / k.pod_vcpu).min(node_gb / k.pod_memory_gb).floor() as u32;
            if pods == 0 {
                return Err(format!(
                    "a pod of {} vCPU / {} GB does not fit on a {node_vcpu} vCPU / {node_gb} GiB node",
                    k.pod_vcpu, k.pod_memory_gb
                ));
            }
            let slots = pods
                .checked_mul(spec.concurrency.unwrap_or(1))
                .filter(|s| *s <= MAX_CONCURRENCY)
                .ok_or_else(|| {
                    format!(
                        "{pods} pods a node × `concurrency` {} is more than the limit of {MAX_CONCURRENCY} request slots per node",
                        spec.concurrency.unwrap_or(1)
                    )
                })?;
            (slots, Some(k.control_plane.clone()))
        }
        None => (per_instance, None),
    };
    let fixed = match &spec.instances {
        Some(FleetSize::Fixed(n)) => Some((*n).max(1)),
        Some(FleetSize::Named(_)) => {
            // Peak: enough request slots for the peak rate at the target utilisation.
            let mean_ms = w.duration.mean_ms() * w.speed_factor(request_vcpu);
            let target = spec.target_utilisation.unwrap_or(DEFAULT_TARGET_UTILISATION);
            let busy = w.arrivals.peak_rate_per_s() * mean_ms / 1000.0;
            let n = (busy / (f64::from(slots) * target)).ceil().max(1.0);
            if n > f64::from(MAX_INSTANCES) {
                return Err(format!(
                    "`instances = \"peak\"` needs {} instances, more than the limit of {MAX_INSTANCES}: raise `concurrency` or use another platform",
                    crate::limits::fmt_count(n)
                ));
            }
            Some(n as u32)
        }
        None => None,
    };
    let fleet = FleetParams {
        slots,
        fixed,
        min_instances: spec.min_instances.unwrap_or(1).max(1),
        max_instances: spec.max_instances.unwrap_or(MAX_INSTANCES),
        target_utilisation: spec.target_utilisation.unwrap_or(DEFAULT_TARGET_UTILISATION),
        evaluation_ms: spec.evaluation_s.unwrap_or(DEFAULT_EVALUATION_S) * 1000.0,
        cooldown_ms: spec.cooldown_s.unwrap_or(DEFAULT_COOLDOWN_S) * 1000.0,
        boot_ms: spec
            .boot_s
            .map(|s| s * 1000.0)
            .unwrap_or(f64::from(r.cold_start_ms.unwrap_or(0))),
        max_queue: Some(spec.max_queue.unwrap_or(MAX_QUEUE)),
        control_plane,
    };
    if fleet.min_instances > fleet.max_instances {
        return Err("`min_instances` is above `max_instances`".into());
    }
    let deployment = Deployment {
        memory_mb,
        arch: p
            .instance
            .as_ref()
            .map(|i| i.arch)
            .or(spec.arch)
            .unwrap_or(w.arch),
        ephemeral_storage_mb: spec.ephemeral_storage_mb.unwrap_or(512),
        vcpu: spec.vcpu.map(decimal),
        memory_gb: spec.memory_gb.map(decimal),
        size: spec.size.clone(),
        provisioned_instances: if engine == EngineKind::Serverless {
            serverless.min_instances
        } else {
            0
        },
        commitment,
        free_tier: spec.free_tier.unwrap_or(true),
    };
    let speed = w.speed_factor(request_vcpu);
    if speed.is_nan() || speed > MAX_SLOWDOWN {
        return Err(format!(
            "requests would run {}× as long on this platform's CPU as measured, more than the limit of {MAX_SLOWDOWN}×: check `vcpu`, `reference_vcpu` and `parallelism`",
            crate::limits::fmt_count(speed.round())
        ));
    }
    let mut notes = Vec::new();
    if engine == EngineKind::Serverless && memory_mb != w.memory_mb && spec.memory_mb.is_none() {
        notes.push(format!("memory fitted to what {} allows: {memory_mb} MB", p.id));
    }
    if commitment == Commitment::Spot {
        notes.push("spot pricing: interruptions and replacement are not modelled".into());
    }
    Ok(Resolved {
        notes,
        platform: p.clone(),
        label: spec.label().to_string(),
        region: spec.region.clone(),
        engine,
        deployment,
        speed,
        request_vcpu,
        init,
        serverless,
        fleet,
    })
}

/// What a simulation of `r` depends on: the resolved platform without its label, notes,
/// deployment and vCPU (memory, architecture and the rest of the deployment are billed, not
/// simulated; the vCPU acts through `speed`). `Debug` prints floats
/// exactly, so equal keys mean equal inputs.
pub(crate) fn engine_key(r: &Resolved) -> String {
    format!(
        "{:?}|{:?}|{:?}|{:?}|{:?}|{:?}|{:?}",
        r.platform, r.region, r.engine, r.speed, r.init, r.serverless, r.fleet
    )
}
