//! Analytics over the store with polars: where the money goes, per function and per day.
//!
//! [`frames`] is the only module that reads SQLite (besides [`logs`], which reads the store's
//! REPORT-record hours through `store::logs`); every other module is a pure transform,
//! LazyFrame in and LazyFrame out, so the use case (`crate::app::analyse`) builds one plan and
//! collects it once at the edge. Money columns are exact integer nano-dollars ([`money`]); floats
//! only carry usage statistics (durations, rates, z-scores, forecasts).
//!
//! - [`usage`]: metric points → usage per function-day and per function over a range;
//! - [`cost`]: usage → usage-derived Lambda cost, priced by the pricing crate;
//! - [`logs`]: REPORT-record hours → measured cold starts, INIT and memory per function;
//! - [`billed`]: Cost Explorer and FOCUS rows → billed cost by day, service and usage type;
//! - [`commitments`]: effective discount per service, Savings Plans utilisation and coverage;
//! - [`reconcile`]: usage-derived vs billed Lambda cost per day, the gap and its likely causes;
//! - [`trends`]: week-over-week change, anomaly flags, 30-day forecast.

pub mod billed;
pub mod commitments;
pub mod cost;
pub mod frames;
pub mod logs;
pub mod money;
pub mod read;
pub mod reconcile;
pub mod trends;
pub mod usage;

use crate::error_code::ErrorCode;

/// Errors of the analytics layer.
#[derive(Debug, thiserror::Error)]
pub enum AnalyticsError {
    #[error("analytics query failed: {0}")]
    Polars(#[from] polars::prelude::PolarsError),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    #[error(transparent)]
    Catalog(#[from] breakeven_simulator::pricing::CatalogError),
}

impl AnalyticsError {
    pub fn code(&self) -> ErrorCode {
        match self {
            AnalyticsError::Polars(_) => ErrorCode::Analyse,
            AnalyticsError::Store(e) => e.code(),
            AnalyticsError::Catalog(_) => ErrorCode::AnalysePricing,
        }
    }
}

pub type Result<T> = std::result::Result<T, AnalyticsError>;

/// Collect a plan on polars' streaming engine: morsel-parallel hash aggregation, several times
/// faster than the in-memory engine on the metric points' group-bys (see `analyse --bench`).
/// Operators the engine lacks fall back to in-memory execution inside the same plan.
pub fn collect_streaming(
    plan: polars::prelude::LazyFrame,
) -> polars::prelude::PolarsResult<polars::prelude::DataFrame> {
    Ok(plan
        .collect_with_engine(polars::prelude::Engine::Streaming)?
        .unwrap_single())
}
