//! Loading the price catalog: the bundled one plus the user's override file, if any.

use crate::app::error::{AppError, Result};
use crate::error_code::ErrorCode;
use breakeven_simulator::pricing::catalog::{BUNDLED, CATALOG_VERSION};
use breakeven_simulator::pricing::check::{check as check_catalog, check_file, first_problem, with_override};
use breakeven_simulator::pricing::{CatalogError, PlatformKind, PriceCatalog};
use serde::Serialize;
use std::path::{Path, PathBuf};

/// Name of the user override file inside the OS config dir.
pub const OVERRIDE_FILE: &str = "catalog.toml";

/// The OS config dir of the app (`~/.config/breakeven` on Linux).
pub fn config_dir() -> Option<PathBuf> {
    directories::ProjectDirs::from("dev", "breakeven", "breakeven").map(|d| d.config_dir().to_path_buf())
}

/// The default override file path (it need not exist).
pub fn default_override_path() -> Option<PathBuf> {
    config_dir().map(|d| d.join(OVERRIDE_FILE))
}

/// The bundled catalog merged with `override_path` when that file exists. The file is validated
/// exactly as `breakeven catalog check` validates it ([`with_override`]): a file with any problem
/// is refused with its first one (`file:line`), never used to price.
pub fn load(override_path: Option<&Path>) -> Result<PriceCatalog> {
    let bundled = PriceCatalog::bundled()?;
    match override_path.filter(|p| p.exists()) {
        None => Ok(bundled),
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| AppError::io(format!("reading catalog override {}", path.display()), e))?;
            Ok(with_override(&bundled, &path.display().to_string(), &text).map_err(first_problem)?)
        }
    }
}

/// What `breakeven catalog check` found.
#[derive(Debug, Clone, Default)]
pub struct CheckReport {
    /// Files checked.
    pub files: usize,
    /// Every problem, each at `file:line`; empty when all are valid.
    pub problems: Vec<CatalogError>,
}

/// Check catalog files the way they are loaded: each of `files` as an override of the bundled
/// catalog ([`with_override`], as [`load`] does), and with `bundled` also each bundled file and
/// the bundled catalog as a whole.
pub fn check(files: &[PathBuf], bundled: bool) -> Result<CheckReport> {
    let mut report = CheckReport::default();
    if bundled {
        for (name, text) in BUNDLED {
            report.problems.extend(check_file(name, text));
            report.files += 1;
        }
    }
    let base = PriceCatalog::bundled()?;
    if bundled {
        report.problems.extend(check_catalog(&base, true));
    }
    for f in files {
        let text = std::fs::read_to_string(f)
            .map_err(|e| AppError::bad_input(ErrorCode::NotFound, format!("{}: {e}", f.display())))?;
        if let Err(problems) = with_override(&base, &f.display().to_string(), &text) {
            report.problems.extend(problems);
        }
        report.files += 1;
    }
    report.problems.dedup();
    Ok(report)
}

/// One row of `catalog list`.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PlatformSummary {
    pub id: String,
    pub name: String,
    pub provider: String,
    pub kind: PlatformKind,
    pub regions: Vec<String>,
    pub retired: bool,
    /// Oldest and newest as-of date of its prices.
    pub as_of: Option<(String, String)>,
}

/// Every platform, ordered by kind then id.
pub fn list(c: &PriceCatalog) -> Vec<PlatformSummary> {
    let mut rows: Vec<PlatformSummary> = c
        .platforms()
        .map(|p| PlatformSummary {
            id: p.id.clone(),
            name: p.name.clone(),
            provider: p.provider.clone(),
            kind: p.kind,
            regions: p.regions.clone(),
            retired: p.is_retired(),
            as_of: c.as_of_range(&p.id),
        })
        .collect();
    rows.sort_by(|a, b| (a.kind, &a.id).cmp(&(b.kind, &b.id)));
    rows
}

/// The catalog's identity, for reports and the settings view.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CatalogInfo {
    pub version: String,
    pub files: Vec<String>,
    pub platforms: usize,
    pub prices: usize,
    pub oldest_as_of: Option<String>,
    pub newest_as_of: Option<String>,
}

pub fn info(c: &PriceCatalog) -> CatalogInfo {
    let mut dates: Vec<&str> = c.all_prices().map(|(e, _)| e.as_of.as_str()).collect();
    dates.sort_unstable();
    CatalogInfo {
        version: CATALOG_VERSION.to_string(),
        files: c.files.clone(),
        platforms: c.platforms().count(),
        prices: c.all_prices().count(),
        oldest_as_of: dates.first().map(|s| s.to_string()),
        newest_as_of: dates.last().map(|s| s.to_string()),
    }
}
