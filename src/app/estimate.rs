//! The closed-form monthly estimate of a usage profile on one platform.

use crate::app::error::{AppError, Result};
use crate::error_code::ErrorCode;
use breakeven_simulator::pricing::catalog::CATALOG_VERSION;
use breakeven_simulator::pricing::{
    estimate as price, CostBreakdown, CostCategory, CostLine, PriceCatalog, UsageProfile, Usd,
};
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
        .map_err(|e| AppError::bad_input(ErrorCode::BadUsage, e.to_string()))?;
    let platform = catalog.platform(&req.platform)?;
    let cost = price(catalog, &req.platform, req.region.as_deref(), &req.profile)?;
    Ok(EstimateReport {
        platform_name: platform.name.clone(),
        catalog_version: CATALOG_VERSION.to_string(),
        prices_as_of: catalog.as_of_range(&req.platform),
        cost,
    })
}

/// Net amount (after free-tier credits) of one cost category: a segment of a cost bar.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CategoryTotal {
    pub category: CostCategory,
    pub label: &'static str,
    pub amount_usd: Usd,
}

/// The bill's lines totalled by category, in the order the categories first appear; categories
/// that net to zero (a free tier covering them) are left out. The one category total of every
/// view: the estimate, a function's cost, a what-if run's platforms.
pub fn category_totals(lines: &[CostLine]) -> Vec<CategoryTotal> {
    let mut out: Vec<CategoryTotal> = Vec::new();
    for line in lines {
        match out.iter_mut().find(|c| c.category == line.category) {
            Some(c) => c.amount_usd += line.amount,
            None => out.push(CategoryTotal {
                category: line.category,
                label: line.category.label(),
                amount_usd: line.amount,
            }),
        }
    }
    out.retain(|c| !c.amount_usd.is_zero());
    out
}

/// An estimate with its category totals: what the estimate view and a function's cost show.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct EstimateView {
    #[serde(flatten)]
    pub report: EstimateReport,
    pub categories: Vec<CategoryTotal>,
}

impl From<EstimateReport> for EstimateView {
    fn from(report: EstimateReport) -> Self {
        let categories = category_totals(&report.cost.lines);
        EstimateView { report, categories }
    }
}

/// [`estimate`] with its category totals.
pub fn estimate_view(catalog: &PriceCatalog, req: &EstimateRequest) -> Result<EstimateView> {
    Ok(estimate(catalog, req)?.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn categories_add_up_to_the_total_and_skip_zero_ones() {
        let catalog = PriceCatalog::bundled().unwrap();
        let req = EstimateRequest {
            platform: "aws-lambda".into(),
            region: None,
            profile: UsageProfile {
                requests: 5_000_000,
                duration_ms: rust_decimal::Decimal::from(120),
                memory_mb: Some(512),
                ..UsageProfile::default()
            },
        };
        let v = estimate_view(&catalog, &req).unwrap();
        let sum: Usd = v.categories.iter().map(|c| c.amount_usd).sum();
        assert_eq!(sum, v.report.cost.total);
        assert!(!v.categories.is_empty());
        assert!(v.categories.iter().all(|c| !c.amount_usd.is_zero()));
        // Categories are listed once each, in the order of the bill.
        let mut seen = Vec::new();
        for l in &v.report.cost.lines {
            if !seen.contains(&l.category) && !v.report.cost.category_total(l.category).is_zero() {
                seen.push(l.category);
            }
        }
        let listed: Vec<CostCategory> = v.categories.iter().map(|c| c.category).collect();
        assert_eq!(listed, seen);
    }
}
