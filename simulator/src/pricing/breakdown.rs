//! The priced result: one line per billed dimension (per tier where tiers apply), exact amounts.

use crate::pricing::money::Usd;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// What a cost line pays for, so a bill can be split the same way on every platform.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum CostCategory {
    /// Per-request / per-invocation fees.
    Requests,
    /// Execution time (GB-s, GHz-s, vCPU-s, CPU-ms) of on-demand work.
    Compute,
    /// Always-warm capacity: provisioned concurrency, always-ready, min instances.
    Provisioned,
    /// Cold-start initialisation time where the provider bills it.
    Init,
    /// Ephemeral or attached storage.
    Storage,
    /// Instance time of VMs, tasks and instance-billed containers.
    Instances,
    /// Kubernetes control plane.
    ControlPlane,
    /// Fixed plan or subscription fees.
    Subscription,
    /// Savings Plans and reservations: the hourly commitment.
    Commitment,
    /// A negotiated discount off list (negative).
    Discount,
}

impl CostCategory {
    pub fn label(&self) -> &'static str {
        match self {
            CostCategory::Requests => "requests",
            CostCategory::Compute => "compute",
            CostCategory::Provisioned => "provisioned",
            CostCategory::Init => "init",
            CostCategory::Storage => "storage",
            CostCategory::Instances => "instances",
            CostCategory::ControlPlane => "control plane",
            CostCategory::Subscription => "subscription",
            CostCategory::Commitment => "commitment",
            CostCategory::Discount => "discount",
        }
    }
}

/// One line of a bill: `quantity × unit_price = amount`, exactly (credits are negative).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CostLine {
    /// Human label, e.g. `Duration x86_64, tier 1 (0 – 6,000,000,000 GB-second)`.
    pub item: String,
    pub category: CostCategory,
    /// Catalog dimension this line is priced from.
    pub dimension: String,
    #[serde(with = "rust_decimal::serde::str")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub quantity: Decimal,
    pub unit: String,
    #[serde(rename = "unit_price_usd", with = "rust_decimal::serde::str")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub unit_price: Decimal,
    #[serde(rename = "amount_usd")]
    pub amount: Usd,
    /// A free-tier or included-allowance credit (negative amount), in the category it offsets.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub credit: bool,
}

/// The bill of one platform for one period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CostBreakdown {
    pub platform: String,
    pub region: String,
    pub lines: Vec<CostLine>,
    /// Σ lines: what the provider would charge (exact; the invoice rounds to cents).
    #[serde(rename = "total_usd")]
    pub total: Usd,
    /// Value of free-tier and included allowances used (positive; already inside `total`).
    #[serde(rename = "free_tier_usd")]
    pub free_tier: Usd,
    /// Notes on assumptions the rules made (e.g. "CPU time assumed equal to duration").
    pub notes: Vec<String>,
}

impl CostBreakdown {
    /// Sum of the lines of one category.
    pub fn category_total(&self, category: CostCategory) -> Usd {
        self.lines
            .iter()
            .filter(|l| l.category == category)
            .map(|l| l.amount)
            .sum()
    }
}
