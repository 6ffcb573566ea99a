//! The desktop's forms as the webview sends them: every field a string as typed, checked here
//! (counts and decimals by the CLI's parsers in `breakeven::app::parse`) and turned into
//! the application layer's request, or refused naming the field at fault.

use crate::error::CommandResult;
use crate::input::{choice, count, count_u32, decimal, ident, Field};
use breakeven::app::estimate::EstimateRequest;
use breakeven::app::functions;
use breakeven::ingest::aws::{AwsOptions, MetricDetail, MAX_DAYS};
use breakeven_simulator::pricing::{Commitment, UsageProfile};
use rust_decimal::Decimal;
use serde::Deserialize;
use std::path::PathBuf;

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

/// A sync as the dialog sends it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(any(test, feature = "ts"), derive(ts_rs::TS))]
pub struct SyncInput {
    pub profiles: Vec<String>,
    /// Days of metrics and costs, as typed.
    pub days: String,
    /// Fetch Cost Explorer costs ($0.01 a request).
    pub costs: bool,
    /// `minute`, `hour` or `day` (`sync --detail`); empty means `minute`.
    #[serde(default)]
    pub detail: String,
    /// The profile every account's metrics are read through (`sync --metrics-from`): one of
    /// `profiles`, or empty for each account's own.
    #[serde(default)]
    pub metrics_from: String,
}

const DETAIL: Field = Field {
    name: "detail",
    label: "Detail",
};
const METRICS_FROM: Field = Field {
    name: "metrics_from",
    label: "Metrics through",
};

const PROFILE: Field = Field {
    name: "profiles",
    label: "Profiles",
};
const DAYS: Field = Field {
    name: "days",
    label: "Days",
};

/// The Functions view's window, whole days ending with each account's newest data: 30 when
/// left empty, at most [`functions::MAX_DAYS`].
pub fn window_days(raw: &str) -> CommandResult<u32> {
    match count_u32(DAYS, raw, functions::MAX_DAYS)? {
        Some(0) => Err(DAYS.reject("must be at least 1")),
        d => Ok(d.unwrap_or(30)),
    }
}

/// A catalog platform id, as typed (required).
pub fn platform_id(raw: &str) -> CommandResult<String> {
    let platform = field("platform", "Platform");
    ident(platform, raw, 100)?.ok_or_else(|| platform.reject_empty())
}

impl SyncInput {
    pub fn to_options(&self, now: i64) -> CommandResult<AwsOptions> {
        if self.profiles.is_empty() {
            return Err(PROFILE.reject("choose at least one profile"));
        }
        if self.profiles.len() > 50 {
            return Err(PROFILE.reject("choose at most 50 profiles"));
        }
        for p in &self.profiles {
            let ok = !p.is_empty()
                && p.len() <= 128
                && p.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'@' | b'+'));
            if !ok {
                return Err(PROFILE.reject(format_args!("“{p}” is not a profile name")));
            }
        }
        let days = count_u32(DAYS, &self.days, MAX_DAYS)?.unwrap_or(30);
        if days == 0 {
            return Err(DAYS.reject("must be at least 1"));
        }
        let detail = choice::<MetricDetail>(DETAIL, &self.detail)?.unwrap_or_default();
        let metrics_from = match self.metrics_from.trim() {
            "" => None,
            name => Some(
                self.profiles
                    .iter()
                    .position(|p| p == name)
                    .ok_or_else(|| METRICS_FROM.reject("choose one of the profiles being synced"))?,
            ),
        };
        if metrics_from.is_some() && detail == MetricDetail::Minute {
            return Err(METRICS_FROM
                .reject("a monitoring account reads per hour or per day: choose one as the detail"));
        }
        Ok(AwsOptions {
            profiles: self.profiles.iter().cloned().map(Some).collect(),
            regions: Vec::new(),
            days,
            costs: self.costs,
            logs: true,
            refresh_costs: false,
            max_attempts: 5,
            timeout_s: breakeven::ingest::aws::DEFAULT_TIMEOUT_S,
            now,
            detail,
            metrics_from,
        })
    }
}

/// Which database file to use instead, as typed.
pub fn db_file(raw: &str) -> CommandResult<PathBuf> {
    let field = Field {
        name: "db_path",
        label: "Database file",
    };
    let s = raw.trim();
    if s.is_empty() {
        return Err(field.reject_empty());
    }
    let p = PathBuf::from(s);
    if !p.is_absolute() {
        return Err(field.reject("give the full path, starting at the root folder"));
    }
    if p.is_dir() {
        return Err(field.reject("this is a folder: name a file inside it"));
    }
    match p.parent() {
        Some(dir) if dir.is_dir() => Ok(p),
        _ => Err(field.reject("its folder does not exist")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::estimate::run;
    use crate::state::DesktopState;
    use breakeven::app::estimate;
    use breakeven::app::ErrorPayload;
    use breakeven::error_code::ErrorCode;
    use breakeven_simulator::pricing::{Arch, PriceCatalog, Usd};

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

    fn sync_input(profiles: &[&str], days: &str) -> SyncInput {
        SyncInput {
            profiles: profiles.iter().map(|s| s.to_string()).collect(),
            days: days.into(),
            costs: true,
            detail: String::new(),
            metrics_from: String::new(),
        }
    }

    #[test]
    fn a_sync_reads_its_detail_and_monitoring_profile_or_names_the_field() {
        let mut input = sync_input(&["org", "prod"], "30");
        input.metrics_from = "org".into();
        assert_eq!(input.to_options(0).unwrap_err().field, Some("metrics_from"));
        input.detail = "hour".into();
        let o = input.to_options(0).unwrap();
        assert_eq!(o.detail, MetricDetail::Hour);
        assert_eq!(o.metrics_from, Some(0));
        input.metrics_from = "elsewhere".into();
        assert_eq!(input.to_options(0).unwrap_err().field, Some("metrics_from"));
        input.metrics_from.clear();
        input.detail = "weekly".into();
        assert_eq!(input.to_options(0).unwrap_err().field, Some("detail"));
        assert_eq!(
            sync_input(&["org"], "30").to_options(0).unwrap().detail,
            MetricDetail::Minute
        );
    }

    /// The CLI's `--requests 2.5M` typed into the form: one count parser for both shells.
    #[test]
    fn the_form_reads_counts_as_the_cli_does() {
        let view = run(&state(), &lambda("2.5M", "120", "512")).unwrap();
        let cli = breakeven::app::parse::parse_count("2.5M").unwrap();
        assert_eq!(cli, 2_500_000);
        let direct = lambda(&cli.to_string(), "120", "512");
        let direct = run(&state(), &direct).unwrap();
        assert_eq!(view.report.cost.total, direct.report.cost.total);
        assert_eq!(
            lambda("1e6", "1", "").to_request().unwrap().profile.requests,
            1_000_000
        );
    }

    #[test]
    fn sync_input_is_checked() {
        let o = sync_input(&["prod", "dev-eu"], "")
            .to_options(1_700_000_000)
            .unwrap();
        assert_eq!(
            o.profiles,
            vec![Some("prod".to_string()), Some("dev-eu".to_string())]
        );
        assert_eq!((o.days, o.costs, o.now), (30, true, 1_700_000_000));
        assert_eq!(
            sync_input(&[], "30").to_options(0).unwrap_err().field,
            Some("profiles")
        );
        assert_eq!(
            sync_input(&["a b"], "30").to_options(0).unwrap_err().field,
            Some("profiles")
        );
        assert_eq!(
            sync_input(&["p"], "455").to_options(0).unwrap_err().field,
            Some("days")
        );
        assert_eq!(
            sync_input(&["p"], "0").to_options(0).unwrap_err().field,
            Some("days")
        );
    }

    #[test]
    fn database_paths_are_checked() {
        let dir = tempfile::tempdir().unwrap();
        let ok = dir.path().join("other.sqlite");
        assert_eq!(db_file(&format!(" {} ", ok.display())).unwrap(), ok);
        assert_eq!(db_file("").unwrap_err().field, Some("db_path"));
        assert!(db_file("relative.sqlite").is_err());
        assert!(db_file(&dir.path().display().to_string()).is_err());
        assert!(db_file(&dir.path().join("missing/x.sqlite").display().to_string()).is_err());
    }
}
