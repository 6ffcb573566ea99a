//! Loading the price catalog: the bundled one plus the user's override file, if any.

use crate::app::error::{AppError, Result};
use breakeven_simulator::pricing::catalog::CATALOG_VERSION;
use breakeven_simulator::pricing::{PlatformKind, PriceCatalog};
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

/// The bundled catalog merged with `override_path` when that file exists.
pub fn load(override_path: Option<&Path>) -> Result<PriceCatalog> {
    let mut c = PriceCatalog::bundled()?;
    if let Some(path) = override_path {
        if path.exists() {
            let text = std::fs::read_to_string(path)
                .map_err(|e| AppError::io(format!("reading catalog override {}", path.display()), e))?;
            c.merge_str(&path.display().to_string(), &text)?;
        }
    }
    Ok(c)
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
