//! The price catalog: platforms, their billing rules and their prices, each price with its unit,
//! source and as-of date. The bundled catalog is embedded at build time from `catalog/*.toml`;
//! a user override file can replace or add platforms and prices.

use crate::pricing::{check, exact};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub use crate::pricing::file::line_col;

/// Version of the bundled catalog: the date its prices were last reviewed, plus a revision.
pub const CATALOG_VERSION: &str = "2026-11-27.1";

/// The bundled catalog files, one per provider family: (file name, contents).
pub const BUNDLED: &[(&str, &str)] = &[
    ("aws.toml", include_str!("../../catalog/aws.toml")),
    ("gcp.toml", include_str!("../../catalog/gcp.toml")),
    ("azure.toml", include_str!("../../catalog/azure.toml")),
    ("ibm.toml", include_str!("../../catalog/ibm.toml")),
    ("cloudflare.toml", include_str!("../../catalog/cloudflare.toml")),
];

/// Errors reading or validating a catalog. Positions are 1-based.
#[derive(Debug, thiserror::Error, Clone, PartialEq)]
pub enum CatalogError {
    #[error("{file}:{line}:{column}: {message}")]
    Syntax {
        file: String,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{file}:{line}: {message}")]
    Invalid {
        file: String,
        line: usize,
        message: String,
    },
    #[error("unknown platform `{0}` (see `breakeven catalog list`)")]
    UnknownPlatform(String),
    #[error("platform `{platform}` has no price for `{dimension}` in region `{region}`")]
    MissingPrice {
        platform: String,
        region: String,
        dimension: String,
    },
    #[error("platform `{platform}` is not offered in region `{region}` (known: {known})")]
    UnknownRegion {
        platform: String,
        region: String,
        known: String,
    },
    #[error("{0}")]
    Usage(String),
    #[error("amount overflow while pricing `{0}`")]
    Overflow(String),
}

pub type Result<T> = std::result::Result<T, CatalogError>;

/// What kind of compute a platform sells.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum PlatformKind {
    /// Pay-per-use functions.
    Faas,
    /// Containers (tasks, revisions, pods).
    Container,
    /// Virtual machines.
    Vm,
    /// Kubernetes control plane (added on top of node VMs).
    ControlPlane,
    /// An optional front door in front of functions (API gateways).
    FrontDoor,
}

/// Which metering rules a platform follows (see [`crate::pricing::meter`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum BillingModel {
    AwsLambda,
    GcfGen1,
    CloudRunRequest,
    CloudRunInstance,
    AzureConsumption,
    AzureFlex,
    AzurePremium,
    IbmCloudFunctions,
    IbmCodeEngine,
    CloudflareWorkers,
    Fargate,
    ContainerApps,
    Vm,
    ControlPlane,
    ApiGateway,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    #[default]
    Active,
    /// No longer sold; kept at its last published price for comparison.
    Retired,
}

/// A fixed instance size a platform sells (Azure Premium EP1…EP3, Flex instance memory).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InstanceSize {
    pub name: String,
    pub vcpu: Decimal,
    /// Memory, GB.
    pub memory_gb: Decimal,
}

/// CPU allocated for a memory size (Google Cloud Functions 1st gen).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MemoryCpu {
    pub memory_mb: u32,
    /// Clock speed allocated, GHz.
    pub ghz: Decimal,
}

/// The billing and scaling rules of a platform. Every field is optional: absent means the rule
/// does not apply. Units are in the names.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlatformRules {
    /// Each execution is rounded up to a multiple of this, ms.
    pub exec_rounding_ms: Option<u32>,
    /// Each execution is billed at least this long, ms.
    pub min_exec_ms: Option<u32>,
    /// Billed memory is rounded up to a multiple of this, MB.
    pub memory_rounding_mb: Option<u32>,
    /// Billed memory is at least this, MB.
    pub min_memory_mb: Option<u32>,
    /// Configurable memory range, MB.
    pub min_config_memory_mb: Option<u32>,
    pub max_memory_mb: Option<u32>,
    /// Only these memory sizes can be configured, MB (Azure Flex).
    pub memory_sizes_mb: Option<Vec<u32>>,
    /// Init (cold start) time is billed as execution time.
    pub init_billed: Option<bool>,
    /// Provisioned capacity is billed in whole multiples of this, s.
    pub provisioned_rounding_s: Option<u32>,
    /// Instance lifetimes are billed per second with this minimum, s.
    pub min_instance_s: Option<u32>,
    /// Instance lifetimes are rounded up to a multiple of this, ms (Cloud Run: 100 ms).
    pub instance_rounding_ms: Option<u32>,
    /// At least this many instances are always billed (Azure Premium).
    pub min_instances: Option<u32>,
    /// The free grant no longer applies once always-ready / provisioned capacity is used.
    pub no_free_tier_with_provisioned: Option<bool>,
    /// CPU allocated per memory size (GCF 1st gen): billed GHz-s = seconds × GHz.
    pub cpu_by_memory: Option<Vec<MemoryCpu>>,
    /// Memory that buys one full vCPU, MB (AWS Lambda: 1,769). Used by the simulator's memory
    /// scaling.
    pub memory_per_vcpu_mb: Option<u32>,
    /// Default vCPUs per instance (containers, Cloud Run, Code Engine).
    pub default_vcpu: Option<Decimal>,
    /// Default memory per instance, GB.
    pub default_memory_gb: Option<Decimal>,
    /// Idle instances are reclaimed after this long, s (simulator default; providers do not
    /// publish a contract).
    pub keep_alive_s: Option<u32>,
    /// Maximum concurrent instances per function / service (default quota).
    pub concurrency_limit: Option<u32>,
    /// At most this many new instances per `scale_window_s`.
    pub scale_instances: Option<u32>,
    pub scale_window_s: Option<u32>,
    /// Requests one instance serves at once (default).
    pub per_instance_concurrency: Option<u32>,
    /// Typical cold-start (init) time, ms, for scenarios that do not give one.
    pub cold_start_ms: Option<u32>,
    /// Where the rules above come from.
    pub source: Option<String>,
}

/// A VM's shape.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InstanceSpec {
    pub vcpu: Decimal,
    /// Memory, GiB.
    pub memory_gib: Decimal,
    pub arch: crate::pricing::Arch,
}

/// One platform of the catalog.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Platform {
    /// Stable id, e.g. `aws-lambda`, `vm:aws/m7g.large`.
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub provider: String,
    pub kind: PlatformKind,
    pub billing: BillingModel,
    /// Regions priced; the first is the default.
    pub regions: Vec<String>,
    #[serde(default)]
    pub status: Status,
    /// Date the platform stopped being sold (retired platforms).
    pub retired_on: Option<String>,
    pub note: Option<String>,
    #[serde(default)]
    pub rules: PlatformRules,
    pub instance: Option<InstanceSpec>,
    #[serde(default)]
    pub sizes: Vec<InstanceSize>,
}

impl Platform {
    pub fn default_region(&self) -> &str {
        self.regions.first().map(String::as_str).unwrap_or("")
    }
    pub fn is_retired(&self) -> bool {
        self.status == Status::Retired
    }
    pub fn size(&self, name: &str) -> Option<&InstanceSize> {
        self.sizes.iter().find(|s| s.name.eq_ignore_ascii_case(name))
    }
}

/// One band of a tiered price: applies to cumulative quantity up to `to` (exclusive of what the
/// previous tier covered); the last tier has no `to`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tier {
    #[serde(
        default,
        deserialize_with = "exact::to_opt",
        serialize_with = "rust_decimal::serde::str_option::serialize"
    )]
    pub to: Option<Decimal>,
    #[serde(
        deserialize_with = "exact::usd",
        serialize_with = "rust_decimal::serde::str::serialize"
    )]
    pub usd: Decimal,
}

/// A price of one dimension of one platform in one region.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PriceEntry {
    pub platform: String,
    pub region: String,
    /// What is metered, e.g. `requests`, `duration-x86_64`, `instance-hour-1yr`.
    pub dimension: String,
    /// Unit of one quantity, e.g. `request`, `GB-second`, `hour`.
    pub unit: String,
    /// Flat USD price per unit (either this or `tiers`).
    #[serde(
        default,
        deserialize_with = "exact::usd_opt",
        serialize_with = "rust_decimal::serde::str_option::serialize"
    )]
    pub usd: Option<Decimal>,
    #[serde(default)]
    pub tiers: Vec<Tier>,
    /// Monthly free-tier quantity, in `unit`.
    #[serde(
        default,
        deserialize_with = "exact::free_opt",
        serialize_with = "rust_decimal::serde::str_option::serialize"
    )]
    pub free: Option<Decimal>,
    /// Dimensions naming the same pool share one free allowance (Lambda x86 + arm64 GB-s).
    pub free_pool: Option<String>,
    /// Monthly quantity included in a paid plan's base fee (applies even without free tier).
    #[serde(
        default,
        deserialize_with = "exact::included_opt",
        serialize_with = "rust_decimal::serde::str_option::serialize"
    )]
    pub included: Option<Decimal>,
    pub source: String,
    /// Date the source shows (YYYY-MM-DD).
    pub as_of: String,
    pub note: Option<String>,
}

impl PriceEntry {
    /// The price bands as (upper bound, USD per unit); a flat price is one open band.
    pub fn bands(&self) -> Vec<(Option<Decimal>, Decimal)> {
        if self.tiers.is_empty() {
            vec![(None, self.usd.unwrap_or_default())]
        } else {
            self.tiers.iter().map(|t| (t.to, t.usd)).collect()
        }
    }
}

/// Where a platform or price was defined: `file:line`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Origin {
    pub file: String,
    pub line: usize,
}

/// All platforms and prices, with where each came from.
#[derive(Debug, Clone, Default)]
pub struct PriceCatalog {
    platforms: BTreeMap<String, (Platform, Origin)>,
    prices: BTreeMap<(String, String, String), (PriceEntry, Origin)>,
    /// Files merged into this catalog, in order.
    pub files: Vec<String>,
}

impl PriceCatalog {
    /// The bundled catalog. It is validated by tests, so failing here is a build defect.
    pub fn bundled() -> Result<PriceCatalog> {
        let mut c = PriceCatalog::default();
        for (name, text) in BUNDLED {
            c.merge_str(name, text)?;
        }
        Ok(c)
    }

    /// Validate one catalog file ([`crate::pricing::check::validate_file`]) and merge it: a
    /// platform or price with the same key replaces the earlier one (that is how user overrides
    /// work); new keys are added. A file with any problem is refused whole, with its first
    /// problem (`breakeven catalog check` lists them all).
    pub fn merge_str(&mut self, file: &str, text: &str) -> Result<()> {
        let own = check::validate_file(file, text).map_err(check::first_problem)?;
        self.merge(own);
        Ok(())
    }

    /// Merge another (validated) catalog over this one.
    pub fn merge(&mut self, other: PriceCatalog) {
        self.platforms.extend(other.platforms);
        self.prices.extend(other.prices);
        self.files.extend(other.files);
    }

    /// Add a platform; returns the one it replaced, if any.
    pub(crate) fn insert_platform(&mut self, p: Platform, o: Origin) -> Option<(Platform, Origin)> {
        self.platforms.insert(p.id.clone(), (p, o))
    }

    /// Add a price; returns the one it replaced (same platform, region and dimension), if any.
    pub(crate) fn insert_price(&mut self, e: PriceEntry, o: Origin) -> Option<(PriceEntry, Origin)> {
        let key = (e.platform.clone(), e.region.clone(), e.dimension.clone());
        self.prices.insert(key, (e, o))
    }

    pub fn platforms(&self) -> impl Iterator<Item = &Platform> {
        self.platforms.values().map(|(p, _)| p)
    }

    pub fn platform(&self, id: &str) -> Result<&Platform> {
        self.platforms
            .get(id)
            .map(|(p, _)| p)
            .ok_or_else(|| CatalogError::UnknownPlatform(id.to_string()))
    }

    pub fn platform_origin(&self, id: &str) -> Option<&Origin> {
        self.platforms.get(id).map(|(_, o)| o)
    }

    /// Every price of a platform (all regions), in dimension order.
    pub fn prices_of<'a>(&'a self, id: &'a str) -> impl Iterator<Item = (&'a PriceEntry, &'a Origin)> {
        // Keys sort by platform first: its prices are one contiguous range.
        let from = (id.to_string(), String::new(), String::new());
        self.prices
            .range(from..)
            .take_while(move |((p, _, _), _)| p == id)
            .map(|(_, (e, o))| (e, o))
    }

    pub fn all_prices(&self) -> impl Iterator<Item = (&PriceEntry, &Origin)> {
        self.prices.values().map(|(e, o)| (e, o))
    }

    pub fn price(&self, platform: &str, region: &str, dimension: &str) -> Result<&PriceEntry> {
        self.prices
            .get(&(platform.to_string(), region.to_string(), dimension.to_string()))
            .map(|(e, _)| e)
            .ok_or_else(|| CatalogError::MissingPrice {
                platform: platform.to_string(),
                region: region.to_string(),
                dimension: dimension.to_string(),
            })
    }

    pub fn has_price(&self, platform: &str, region: &str, dimension: &str) -> bool {
        self.prices
            .contains_key(&(platform.to_string(), region.to_string(), dimension.to_string()))
    }

    /// The region to price in: the one asked for, or the platform's default.
    pub fn resolve_region<'a>(&self, platform: &'a Platform, region: Option<&'a str>) -> Result<&'a str> {
        match region {
            None => Ok(platform.default_region()),
            Some(r) if platform.regions.iter().any(|k| k == r) => Ok(r),
            Some(r) => Err(CatalogError::UnknownRegion {
                platform: platform.id.clone(),
                region: r.to_string(),
                known: platform.regions.join(", "),
            }),
        }
    }

    /// The oldest and newest as-of dates of a platform's prices.
    pub fn as_of_range(&self, id: &str) -> Option<(String, String)> {
        let mut dates: Vec<&str> = self.prices_of(id).map(|(e, _)| e.as_of.as_str()).collect();
        dates.sort_unstable();
        Some((dates.first()?.to_string(), dates.last()?.to_string()))
    }
}
