//! Prices and billing rules.
//!
//! Two steps turn usage into money:
//! 1. **metering** ([`meter`]): a platform's rules turn raw [`Usage`] under a [`Deployment`] into
//!    billed quantities per price dimension (rounding, minimums, memory to CPU tables, …);
//! 2. **billing** ([`bill`]): the [`PriceCatalog`] prices each quantity through its tiers, free tier
//!    and included allowances into an exact [`CostBreakdown`].

pub mod bill;
pub mod breakdown;
pub mod catalog;
pub mod check;
pub mod commitments;
pub mod discount;
pub mod exact;
pub mod file;
pub mod limits;
pub mod meter;
pub mod money;
pub mod profile;
pub mod usage;

pub use bill::bill;
pub use breakdown::{CostBreakdown, CostCategory, CostLine};
pub use catalog::{CatalogError, Platform, PlatformKind, PriceCatalog, PriceEntry, Tier};
pub use commitments::{CommitmentKind, CommitmentSpec, Payment, Term};
pub use discount::Discount;
pub use money::Usd;
pub use profile::estimate;
pub use profile::UsageProfile;
pub use usage::{Arch, Commitment, Deployment, Usage};
