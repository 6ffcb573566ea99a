//! The live estimate: the form's fields in, the application layer's exact report out.

use crate::error::CommandResult;
use crate::input::{choice, count, count_u32, decimal, ident, Field};
use crate::state::DesktopState;
use breakeven::app::estimate::{self, EstimateReport, EstimateRequest};
use breakeven_simulator::pricing::{Commitment, CostCategory, UsageProfile, Usd};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use tauri::State;

/// The estimate form as typed: every field a string (empty = the default), named like the CLI's
/// flags. Unknown fields are refused so a misspelt field cannot be silently ignored.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(any(test, feature = "ts"), derive(ts_rs::TS))]
#[serde(default, deny_unknown_fields)]
pub struct EstimateInput {
    pub platform: String,
    pub region: String,
    pub requests: String,
    pub duration_ms: String,
    pub memory_mb: String,
    pub arch: String,
    pub cpu_ms: String,
    pub provisioned_concurrency: String,
    pub hours: String,
    pub instances: String,
    pub vcpu: String,
    pub memory_gb: String,
    pub size: String,
    pub pricing: Commitment,
    pub free_tier: bool,
}

/// Net amount (after free-tier credits) of one cost category, for the breakdown bar.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(any(test, feature = "ts"), derive(ts_rs::TS))]
pub struct CategoryTotal {
    pub category: CostCategory,
    pub label: &'static str,
    pub amount_usd: Usd,
}

/// The report plus its per-category totals, in the order the categories first appear.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(any(test, feature = "ts"), derive(ts_rs::TS))]
pub struct EstimateView {
    #[serde(flatten)]
    pub report: EstimateReport,
    pub categories: Vec<CategoryTotal>,
}

const fn field(name: &'static str, label: &'static str) -> Field {
    Field { name, label }
}

/// Bounds that reject typos and overflow, not real workloads: no provider meters more.
const MAX_REQUESTS: u64 = 1_000_000_000_000_000;
const MAX_INSTANCES: u32 = 100_000;
/// A month has at most 31 × 24 hours.
const MAX_HOURS: u32 = 744;

impl EstimateInput {
    /// Check every field and build the application layer's request.
    pub fn to_request(&self) -> CommandResult<EstimateRequest> {
        let platform = ident(field("platform", "Platform"), &self.platform, 100)?
            .ok_or_else(|| field("platform", "Platform").reject_empty())?;
        let zero = Decimal::ZERO;
        let some = |n: u32| Decimal::from(n);
        let profile = UsageProfile {
            requests: count(
                field("requests", "Requests per month"),
                &self.requests,
                MAX_REQUESTS,
            )?
            .unwrap_or(0),
            duration_ms: decimal(
                field("duration_ms", "Duration (ms)"),
                &self.duration_ms,
                zero,
                some(86_400_000),
            )?
            .unwrap_or(zero),
            memory_mb: count_u32(field("memory_mb", "Memory (MB)"), &self.memory_mb, 1_048_576)?,
            arch: choice(field("arch", "Architecture"), &self.arch)?.unwrap_or_default(),
            cpu_ms: decimal(
                field("cpu_ms", "CPU time (ms)"),
                &self.cpu_ms,
                zero,
                some(86_400_000),
            )?,
            provisioned_concurrency: count_u32(
                field("provisioned_concurrency", "Provisioned concurrency"),
                &self.provisioned_concurrency,
                MAX_INSTANCES,
            )?
            .unwrap_or(0),
            hours: decimal(
                field("hours", "Hours per month"),
                &self.hours,
                zero,
                some(MAX_HOURS),
            )?,
            instances: count_u32(field("instances", "Instances"), &self.instances, MAX_INSTANCES)?,
            vcpu: decimal(field("vcpu", "vCPU"), &self.vcpu, Decimal::new(1, 3), some(1_024))?,
            memory_gb: decimal(
                field("memory_gb", "Memory (GB)"),
                &self.memory_gb,
                Decimal::new(1, 3),
                some(32_768),
            )?,
            size: ident(field("size", "Size"), &self.size, 16)?,
            commitment: self.pricing,
            free_tier: self.free_tier,
            ..UsageProfile::default()
        };
        Ok(EstimateRequest {
            platform,
            region: ident(field("region", "Region"), &self.region, 64)?,
            profile,
        })
    }
}

/// Validate, estimate, and total the categories.
pub fn run(state: &DesktopState, input: &EstimateInput) -> CommandResult<EstimateView> {
    let report = estimate::estimate(&*state.catalog()?, &input.to_request()?)?;
    Ok(EstimateView::from(report))
}

impl From<EstimateReport> for EstimateView {
    /// The report with its categories totalled, in the order they first appear.
    fn from(report: EstimateReport) -> Self {
        let mut categories: Vec<CategoryTotal> = Vec::new();
        for line in &report.cost.lines {
            if !categories.iter().any(|c| c.category == line.category) {
                categories.push(CategoryTotal {
                    category: line.category,
                    label: line.category.label(),
                    amount_usd: report.cost.category_total(line.category),
                });
            }
        }
        EstimateView { report, categories }
    }
}

/// Async so the webview's main thread never waits on pricing.
#[tauri::command]
pub async fn estimate(state: State<'_, DesktopState>, input: EstimateInput) -> CommandResult<EstimateView> {
    run(&state, &input)
}

#[cfg(test)]
mod tests {
    use super::*;
    use breakeven::app::ErrorPayload;
    use breakeven::error_code::ErrorCode;
    use breakeven_simulator::pricing::{Arch, PriceCatalog};

    fn state() -> DesktopState {
        DesktopState::with_catalog(PriceCatalog::bundled().map_err(|e| ErrorPayload {
            code: ErrorCode::CatalogInvalid,
            message: e.to_string(),
        }))
    }

    fn lambda(requests: &str, duration_ms: &str, memory_mb: &str) -> EstimateInput {
        EstimateInput {
            platform: "aws-lambda".into(),
            requests: requests.into(),
            duration_ms: duration_ms.into(),
            memory_mb: memory_mb.into(),
            free_tier: true,
            ..EstimateInput::default()
        }
    }

    #[test]
    fn matches_the_application_layer_exactly() {
        let view = run(&state(), &lambda("5,000,000", "120", "512")).unwrap();
        let req = EstimateRequest {
            platform: "aws-lambda".into(),
            region: None,
            profile: UsageProfile {
                requests: 5_000_000,
                duration_ms: Decimal::from(120),
                memory_mb: Some(512),
                arch: Arch::X86_64,
                ..UsageProfile::default()
            },
        };
        let direct = estimate::estimate(&PriceCatalog::bundled().unwrap(), &req).unwrap();
        assert_eq!(
            serde_json::to_value(&view.report).unwrap(),
            serde_json::to_value(&direct).unwrap()
        );
        let categories: Usd = view.categories.iter().map(|c| c.amount_usd).sum();
        assert_eq!(categories, view.report.cost.total);
        assert!(!view.categories.is_empty());
    }

    #[test]
    fn usd_crosses_the_wire_as_exact_strings() {
        let view = run(&state(), &lambda("5000000", "120", "512")).unwrap();
        let json = serde_json::to_value(&view).unwrap();
        assert!(json["total_usd"].is_string(), "{json}");
        assert!(json["categories"][0]["amount_usd"].is_string(), "{json}");
        assert!(json["lines"][0]["unit_price_usd"].is_string(), "{json}");
    }

    #[test]
    fn bad_fields_are_named() {
        let e = run(&state(), &lambda("100", "-5", "")).unwrap_err();
        assert_eq!((e.code, e.field), (ErrorCode::BadInput, Some("duration_ms")));
        let e = run(&state(), &lambda("lots", "5", "")).unwrap_err();
        assert_eq!(e.field, Some("requests"));
        let e = run(&state(), &EstimateInput::default()).unwrap_err();
        assert_eq!(e.field, Some("platform"));
        let vm = EstimateInput {
            platform: "vm:aws/m7g.large".into(),
            hours: "745".into(),
            ..EstimateInput::default()
        };
        assert_eq!(run(&state(), &vm).unwrap_err().field, Some("hours"));
    }

    #[test]
    fn application_errors_keep_their_code() {
        let mut input = lambda("1", "1", "");
        input.platform = "aws-lambada".into();
        let e = run(&state(), &input).unwrap_err();
        assert_eq!((e.code, e.field), (ErrorCode::UnknownPlatform, None));
        input.platform = "aws-lambda".into();
        input.region = "mars-1".into();
        assert_eq!(run(&state(), &input).unwrap_err().code, ErrorCode::UnknownRegion);
    }

    #[test]
    fn a_broken_catalog_is_reported_not_fatal() {
        let broken = DesktopState::with_catalog(Err(ErrorPayload {
            code: ErrorCode::CatalogSyntax,
            message: "catalog.toml:3:1: expected `=`".into(),
        }));
        assert_eq!(
            run(&broken, &lambda("1", "1", "")).unwrap_err().code,
            ErrorCode::CatalogSyntax
        );
    }

    #[test]
    fn unknown_fields_are_refused() {
        let r: Result<EstimateInput, _> = serde_json::from_str(r#"{"platform":"aws-lambda","requestz":"5"}"#);
        assert!(r.is_err());
        let ok: EstimateInput =
            serde_json::from_str(r#"{"platform":"aws-lambda","free_tier":true}"#).unwrap();
        assert!(ok.free_tier);
    }
}
