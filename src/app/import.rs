//! Importing FOCUS billing exports, and the provider-neutral views over what was imported.
//!
//! Files are read and validated whole before the store is touched ([`read_focus_files`]); then
//! [`import_focus`] writes all of them in one transaction. A malformed file therefore leaves the
//! database exactly as it was, and a re-import adds nothing (see `ingest::focus` for how a charge
//! is recognised).

use crate::app::error::{AppError, Result};
use crate::error_code::ErrorCode;
use crate::ingest::error::InputError;
use crate::ingest::focus::{self, FocusFile, FocusVersion};
use crate::store::{self, Store};
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::Path;

/// Read and validate every file, CSV or Parquet (told by its first bytes, not its name); the
/// first problem is returned with its file, line (a Parquet file's row) and column.
pub fn read_focus_files(paths: &[impl AsRef<Path>]) -> Result<Vec<FocusFile>> {
    paths
        .iter()
        .map(|p| {
            let p = p.as_ref();
            if starts_with_parquet_magic(p) {
                focus::parquet::read_file(p)
            } else {
                focus::csv::read_file(p)
            }
            .map_err(focus_error)
        })
        .collect()
}

/// Whether the file starts with Parquet's magic bytes (an unreadable file is left to the reader).
fn starts_with_parquet_magic(path: &Path) -> bool {
    use std::io::Read;
    let mut magic = [0u8; 4];
    std::fs::File::open(path)
        .and_then(|mut f| f.read_exact(&mut magic))
        .is_ok_and(|()| &magic == focus::parquet::MAGIC)
}

fn focus_error(e: InputError) -> AppError {
    AppError::from_input(e, ErrorCode::FocusMalformed, "FOCUS file")
}

/// Exact totals of some charges, in USD.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Totals {
    #[serde(with = "rust_decimal::serde::str")]
    pub billed_usd: Decimal,
    #[serde(with = "rust_decimal::serde::str")]
    pub effective_usd: Decimal,
}

impl Totals {
    fn add(&mut self, billed: Decimal, effective: Decimal) -> Result<()> {
        let overflow =
            || AppError::bad_input(ErrorCode::Overflow, "cost totals exceed the exact decimal range");
        self.billed_usd = self.billed_usd.checked_add(billed).ok_or_else(overflow)?;
        self.effective_usd = self.effective_usd.checked_add(effective).ok_or_else(overflow)?;
        Ok(())
    }
}

/// What `import focus --json` prints: the charges this import added, totalled per provider.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ImportTotals {
    pub rows: u64,
    /// By `ProviderName`.
    pub providers: BTreeMap<String, Totals>,
}

/// One file's part in an import.
#[derive(Debug, Clone, Serialize)]
pub struct FileOutcome {
    pub file: String,
    pub focus_version: FocusVersion,
    pub rows_read: u64,
    /// Rows not already in the store.
    pub rows_added: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct ImportReport {
    pub files: Vec<FileOutcome>,
    /// What could not be kept exactly (Parquet money columns stored as floats).
    pub notes: Vec<String>,
    pub totals: ImportTotals,
}

/// Write validated files in one transaction: all of them land, or none.
pub fn import_focus(store: &mut Store, files: &[FocusFile]) -> Result<ImportReport> {
    let now = store::now_s();
    store.with_tx(|tx| {
        let mut totals = ImportTotals::default();
        let mut outcomes = Vec::with_capacity(files.len());
        for file in files {
            let added = store::focus::insert_file(tx, file, now)?;
            for ch in &added {
                totals
                    .providers
                    .entry(ch.provider.clone())
                    .or_default()
                    .add(ch.billed_cost, ch.effective_cost)?;
            }
            totals.rows += added.len() as u64;
            outcomes.push(FileOutcome {
                file: file.name.clone(),
                focus_version: file.version,
                rows_read: file.charges.len() as u64,
                rows_added: added.len() as u64,
            });
        }
        Ok(ImportReport {
            files: outcomes,
            notes: files.iter().flat_map(|f| f.notes.iter().cloned()).collect(),
            totals,
        })
    })
}

/// Where a service runs, for comparing serverless with VMs and containers across providers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Platform {
    Serverless,
    Containers,
    Vms,
    Other,
}

impl Platform {
    pub fn label(self) -> &'static str {
        match self {
            Platform::Serverless => "serverless functions",
            Platform::Containers => "containers",
            Platform::Vms => "virtual machines",
            Platform::Other => "other",
        }
    }
}

/// Classify a charge by its `ServiceName` (case-insensitive) and `ServiceCategory`. The rules, in
/// order (documented in docs/focus-import.md):
/// 1. container registries are storage, not a platform: other;
/// 2. function services (Lambda, Azure Functions, Cloud Functions, Cloud Run functions, OCI
///    Functions): serverless;
/// 3. container services (ECS, EKS, Fargate, Kubernetes, OpenShift, Container Apps/Instances,
///    Cloud Run): containers;
/// 4. VM services (EC2, Virtual Machines and scale sets, Compute Engine, OCI COMPUTE) billed under
///    the `Compute` category: VMs (EC2's `Storage` rows are EBS volumes, not instances);
/// 5. everything else: other.
pub fn classify(service_name: &str, service_category: &str) -> Platform {
    let name = service_name.to_ascii_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| name.contains(w));
    if has(&["container registry", "artifact registry"]) {
        Platform::Other
    } else if has(&[
        "lambda",
        "azure functions",
        "cloud functions",
        "cloud run functions",
    ]) || name == "functions"
    {
        Platform::Serverless
    } else if has(&[
        "container service",
        "kubernetes",
        "fargate",
        "openshift",
        "container apps",
        "container instances",
        "cloud run",
        "container engine",
    ]) {
        Platform::Containers
    } else if service_category == "Compute"
        && (has(&["elastic compute cloud", "virtual machine", "compute engine"]) || name == "compute")
    {
        Platform::Vms
    } else {
        Platform::Other
    }
}

/// A group's exact totals over every stored charge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CostLine {
    pub group: String,
    pub rows: u64,
    #[serde(flatten)]
    pub totals: Totals,
}

/// Stored FOCUS costs grouped three provider-neutral ways.
#[derive(Debug, Clone, Serialize)]
pub struct CostViews {
    pub by_provider: Vec<CostLine>,
    pub by_service_category: Vec<CostLine>,
    pub by_platform: Vec<CostLine>,
}

/// Group every stored charge by provider, by service category and by [`Platform`].
pub fn cost_views(store: &Store) -> Result<CostViews> {
    let charges = store::focus::charges(store.conn())?;
    let mut by_provider: BTreeMap<String, (u64, Totals)> = BTreeMap::new();
    let mut by_category: BTreeMap<String, (u64, Totals)> = BTreeMap::new();
    let mut by_platform: BTreeMap<Platform, (u64, Totals)> = BTreeMap::new();
    for ch in &charges {
        let platform = classify(&ch.service_name, &ch.service_category);
        for slot in [
            by_provider.entry(ch.provider.clone()).or_default(),
            by_category.entry(ch.service_category.clone()).or_default(),
        ] {
            slot.0 += 1;
            slot.1.add(ch.billed_cost, ch.effective_cost)?;
        }
        let slot = by_platform.entry(platform).or_default();
        slot.0 += 1;
        slot.1.add(ch.billed_cost, ch.effective_cost)?;
    }
    let lines = |m: BTreeMap<String, (u64, Totals)>| {
        m.into_iter()
            .map(|(group, (rows, totals))| CostLine { group, rows, totals })
            .collect()
    };
    Ok(CostViews {
        by_provider: lines(by_provider),
        by_service_category: lines(by_category),
        by_platform: lines(
            by_platform
                .into_iter()
                .map(|(p, v)| (p.label().to_string(), v))
                .collect(),
        ),
    })
}

/// What a database with imported FOCUS charges but no account holds: the charges' count and
/// their provider-neutral views. `None` when an account is stored (analyse it) or nothing is.
pub fn billing_only(store: &Store) -> Result<Option<BillingOnly>> {
    let c = store.conn();
    if !crate::store::accounts::list(c)?.is_empty() {
        return Ok(None);
    }
    let charges = crate::store::focus::count(c)?;
    if charges == 0 {
        return Ok(None);
    }
    Ok(Some(BillingOnly {
        focus_charges: charges,
        views: cost_views(store)?,
    }))
}

/// See [`billing_only`].
#[derive(Debug, Clone, Serialize)]
pub struct BillingOnly {
    pub focus_charges: u64,
    pub views: CostViews,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn services_of_every_provider_land_on_their_platform() {
        let cases = [
            ("AWS Lambda", "Compute", Platform::Serverless),
            ("Azure Functions", "Compute", Platform::Serverless),
            ("Cloud Run functions", "Compute", Platform::Serverless),
            ("Amazon Elastic Container Service", "Other", Platform::Containers),
            ("Azure Kubernetes Service", "Compute", Platform::Containers),
            ("Cloud Run", "Compute", Platform::Containers),
            ("Amazon Elastic Compute Cloud", "Compute", Platform::Vms),
            ("Amazon Elastic Compute Cloud", "Storage", Platform::Other),
            ("Virtual Machine Scale Sets", "Compute", Platform::Vms),
            ("Compute Engine", "Compute", Platform::Vms),
            ("COMPUTE", "Compute", Platform::Vms),
            ("Amazon EC2 Container Registry (ECR)", "Other", Platform::Other),
            ("AWS Step Functions", "Compute", Platform::Other),
            ("Amazon Simple Storage Service", "Storage", Platform::Other),
        ];
        for (name, category, want) in cases {
            assert_eq!(classify(name, category), want, "{name} / {category}");
        }
    }
}
