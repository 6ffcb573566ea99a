//! The closed-form monthly estimate of a usage profile on one platform.

use crate::app::error::{AppError, Result};
use breakeven_simulator::pricing::catalog::CATALOG_VERSION;
use breakeven_simulator::pricing::{estimate as price, CostBreakdown, PriceCatalog, UsageProfile};
use serde::{Deserialize, Serialize};

/// What to estimate: a platform, optionally a region, and a month of usage.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct EstimateRequest {
    pub platform: String,
    #[serde(default)]
    pub region: Option<String>,
    #[serde(default)]
    pub profile: UsageProfile,
}

/// The estimate with the context a reader needs to trust it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct EstimateReport {
    #[serde(flatten)]
    pub cost: CostBreakdown,
    pub platform_name: String,
    pub catalog_version: String,
    /// Oldest and newest as-of date of the prices used.
    pub prices_as_of: Option<(String, String)>,
}

/// Validate the profile against its limits ([`UsageProfile::validate`]), then price it.
pub fn estimate(catalog: &PriceCatalog, req: &EstimateRequest) -> Result<EstimateReport> {
    req.profile
        .validate()
        .map_err(|e| AppError::bad_input("E_BAD_USAGE", e.to_string()))?;
    let platform = catalog.platform(&req.platform)?;
    let cost = price(catalog, &req.platform, req.region.as_deref(), &req.profile)?;
    Ok(EstimateReport {
        platform_name: platform.name.clone(),
        catalog_version: CATALOG_VERSION.to_string(),
        prices_as_of: catalog.as_of_range(&req.platform),
        cost,
    })
}
