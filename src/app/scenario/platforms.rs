//! The platforms an extracted scenario compares: the function's own, and by default one VM type
//! and one container service sized for the observed peak.

use crate::app::error::{AppError, Result};
use crate::error_code::ErrorCode;
use breakeven_simulator::pricing::{PlatformKind, PriceCatalog};
use rust_decimal::prelude::ToPrimitive;

/// What sizing needs to know about the function.
#[derive(Debug, Clone)]
pub struct FunctionShape {
    /// The catalog id of the platform the function runs on.
    pub own_platform: String,
    pub region: String,
    pub memory_mb: u32,
    /// `x86_64` or `arm64`.
    pub arch: String,
    pub ephemeral_storage_mb: u32,
    pub provisioned_concurrency: u32,
    /// Most executions at once in the window.
    pub peak_concurrency: f64,
}

/// One `[[platforms]]` table: (key, TOML value) pairs and a comment above it.
#[derive(Debug, Clone, PartialEq)]
pub struct PlatformTable {
    pub comment: String,
    pub keys: Vec<(String, String)>,
}

/// Requests one fleet instance serves at once when each keeps the memory it has as a function.
fn per_instance(instance_memory_mb: f64, function_memory_mb: u32) -> u32 {
    ((instance_memory_mb / f64::from(function_memory_mb.max(1))).floor() as u32).max(1)
}

/// Autoscaling ceiling: the peak at the default 60% target utilisation, plus one.
fn ceiling(peak: f64, per_instance: u32) -> u32 {
    (peak / f64::from(per_instance) / 0.6).ceil() as u32 + 1
}

/// A fleet serving `c` requests per instance, autoscaled from one instance up to the peak.
fn fleet_keys(c: u32, peak: f64) -> [(String, String); 3] {
    [
        ("concurrency".into(), c.to_string()),
        ("min_instances".into(), "1".into()),
        ("max_instances".into(), ceiling(peak, c).to_string()),
    ]
}

fn quoted(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// The defaults: own platform, then a VM of the function's architecture, then the provider's
/// serverless containers.
pub fn default_ids(shape: &FunctionShape) -> Vec<String> {
    let (vm, container) = if shape.own_platform.starts_with("azure") {
        ("vm:azure/D2s_v5", "azure-container-apps")
    } else if shape.arch == "arm64" {
        ("vm:aws/m7g.large", "aws-fargate")
    } else {
        ("vm:aws/m6i.large", "aws-fargate")
    };
    vec![shape.own_platform.clone(), vm.to_string(), container.to_string()]
}

/// A `[[platforms]]` table for `id`, sized for `shape`.
pub fn table(catalog: &PriceCatalog, id: &str, shape: &FunctionShape) -> Result<PlatformTable> {
    let p = catalog.platform(id)?;
    let mut keys = vec![("id".to_string(), quoted(id))];
    // The account's free tier is shared by all its functions: leave it out of a per-function bill.
    keys.push(("free_tier".into(), "false".into()));
    if p.regions.iter().any(|r| r == &shape.region) {
        keys.push(("region".into(), quoted(&shape.region)));
    }
    let comment;
    match p.kind {
        PlatformKind::Faas if id == shape.own_platform => {
            if shape.ephemeral_storage_mb > 512 {
                keys.push((
                    "ephemeral_storage_mb".into(),
                    shape.ephemeral_storage_mb.to_string(),
                ));
            }
            if shape.provisioned_concurrency > 0 {
                keys.push((
                    "provisioned_concurrency".into(),
                    shape.provisioned_concurrency.to_string(),
                ));
            }
            comment = format!("{}: where the function runs today, configured as it is", p.name);
        }
        PlatformKind::Faas => {
            comment = format!("{}: the same function on another provider", p.name);
        }
        PlatformKind::Vm => {
            let spec = p.instance.as_ref().ok_or_else(|| {
                AppError::bad_input(
                    ErrorCode::ScenarioPlatform,
                    format!("{id} has no instance shape in the catalog"),
                )
            })?;
            let mem_mb = spec.memory_gib.to_f64().unwrap_or(0.0) * 1024.0;
            let c = per_instance(mem_mb, shape.memory_mb);
            keys.extend(fleet_keys(c, shape.peak_concurrency));
            comment = format!(
                "{}: {} vCPU, {} GiB; {c} requests at once per instance (each keeps the function's {} MB), autoscaled up to the observed peak of {:.0} at once",
                p.name, spec.vcpu, spec.memory_gib, shape.memory_mb, shape.peak_concurrency
            );
        }
        _ => {
            // Serverless containers: a 1 vCPU task with room for at least four requests.
            let memory_gb = ((f64::from(shape.memory_mb) * 4.0 / 1024.0).ceil()).clamp(2.0, 8.0);
            let c = per_instance(memory_gb * 1024.0, shape.memory_mb);
            keys.push(("vcpu".into(), "1".into()));
            keys.push(("memory_gb".into(), memory_gb.to_string()));
            keys.extend(fleet_keys(c, shape.peak_concurrency));
            comment = format!(
                "{}: 1 vCPU / {memory_gb} GB tasks, {c} requests at once each (the function's {} MB apiece), autoscaled up to the observed peak of {:.0} at once",
                p.name, shape.memory_mb, shape.peak_concurrency
            );
        }
    }
    Ok(PlatformTable { comment, keys })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fleets_are_sized_by_memory_and_peak() {
        assert_eq!(per_instance(8192.0, 1024), 8);
        assert_eq!(per_instance(512.0, 1024), 1);
        assert_eq!(ceiling(30.0, 8), 8);
        assert_eq!(ceiling(0.5, 8), 2);
    }
}
