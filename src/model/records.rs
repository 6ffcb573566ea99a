//! What a source says about an account: the records a sync or an import produces and the store
//! keeps. Plain data: no I/O; an enum among them is stored as its word (`text_enum!`).

use crate::model::Day;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// Where an account's data comes from; stored as its word in `accounts.source`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum AccountSource {
    /// Synced from AWS (also the reading of an account whose source is not known).
    #[default]
    Aws,
    /// The built-in demo dataset.
    Demo,
    /// An imported invocation trace (Azure Functions).
    Trace,
    /// The synthetic account `db bench` writes.
    Bench,
}

text_enum!(AccountSource {
    Aws => "aws",
    Demo => "demo",
    Trace => "trace",
    Bench => "bench",
});

/// An account as a source describes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccountRecord {
    /// AWS account id, or `demo`.
    pub key: String,
    pub name: String,
    pub source: AccountSource,
    /// Profile used to reach it (a label; credentials are never stored).
    pub profile: Option<String>,
}

/// A function's configuration as the inventory lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FunctionRecord {
    pub name: String,
    pub arn: String,
    /// `None` for container-image functions.
    pub runtime: Option<String>,
    /// MB.
    pub memory_mb: u32,
    /// `x86_64` or `arm64`.
    pub architecture: String,
    /// Seconds.
    pub timeout_s: u32,
    /// MB.
    pub ephemeral_storage_mb: u32,
    /// `Zip` or `Image`.
    pub package_type: String,
    /// Σ of allocated provisioned concurrency over aliases and versions (instances).
    pub provisioned_concurrency: u32,
    pub last_modified: Option<String>,
}

/// One day's cost of one service and usage type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DailyCost {
    pub day: Day,
    /// e.g. `AWS Lambda`.
    pub service: String,
    /// e.g. `USE1-Lambda-GB-Second`.
    pub usage_type: String,
    #[serde(with = "rust_decimal::serde::str")]
    pub unblended: Decimal,
    #[serde(with = "rust_decimal::serde::str")]
    pub amortized: Decimal,
    /// ISO currency of the amounts, normally `USD`.
    pub currency: String,
    #[serde(with = "rust_decimal::serde::str")]
    pub usage_quantity: Decimal,
    /// Unit of `usage_quantity`, e.g. `Lambda-GB-Second`, `Requests`.
    pub usage_unit: String,
    /// The provider may still revise the day (Cost Explorer's `Estimated`).
    pub estimated: bool,
}

/// One day's cost of one Cost Explorer record type and usage type: how the bill splits into
/// usage, Savings Plans covered usage and its negation, commitment fees, credits…
///
/// What the two amounts mean per record type (Cost Explorer): `SavingsPlanCoveredUsage` has the
/// on-demand cost as unblended and the Savings Plan's effective cost as amortized;
/// `SavingsPlanNegation` takes the on-demand cost back (unblended, negative; amortized 0);
/// `SavingsPlanRecurringFee` is the whole commitment unblended and its unused part amortized.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CostRecord {
    pub day: Day,
    /// Cost Explorer's `RECORD_TYPE`, e.g. `Usage`, `SavingsPlanCoveredUsage`.
    pub record_type: String,
    pub usage_type: String,
    /// The service of the usage type that day (from the SERVICE × USAGE_TYPE rows), or empty.
    pub service: String,
    #[serde(with = "rust_decimal::serde::str")]
    pub unblended: Decimal,
    #[serde(with = "rust_decimal::serde::str")]
    pub amortized: Decimal,
    #[serde(with = "rust_decimal::serde::str")]
    pub usage_quantity: Decimal,
    pub usage_unit: String,
}

/// A day already fetched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FetchedDay {
    pub day: Day,
    pub estimated: bool,
    /// Unix seconds.
    pub fetched_at: i64,
    /// Its record types ([`CostRecord`]) were fetched too (false for days stored by a version
    /// that did not ask for them).
    pub record_types: bool,
}

// FOCUS billing exports: `ingest::focus` reads and validates them (and says what a charge key is);
// the store keeps their charges.

/// Which FOCUS release a file follows, told by its columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum FocusVersion {
    #[serde(rename = "1.0")]
    V1_0,
    /// 1.1 or later: has at least one column that 1.1 added.
    #[serde(rename = "1.1+")]
    V1_1,
}

impl FocusVersion {
    pub fn as_str(self) -> &'static str {
        match self {
            FocusVersion::V1_0 => "1.0",
            FocusVersion::V1_1 => "1.1+",
        }
    }
}

/// One validated charge row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FocusCharge {
    /// Hex SHA-256 naming the charge (see `ingest::focus`).
    pub key: String,
    pub provider: String,
    pub billing_account_id: String,
    pub sub_account_id: Option<String>,
    pub service_name: String,
    pub service_category: String,
    pub charge_category: String,
    pub resource_id: Option<String>,
    pub region_id: Option<String>,
    /// Unix seconds, [start, end).
    pub charge_period: (i64, i64),
    /// Unix seconds, [start, end).
    pub billing_period: (i64, i64),
    pub billed_cost: Decimal,
    pub effective_cost: Decimal,
    pub list_cost: Option<Decimal>,
    pub contracted_cost: Option<Decimal>,
    /// ISO 4217; only `USD` is accepted so far.
    pub currency: String,
    /// Compact JSON object text.
    pub tags: Option<String>,
    /// The commitment (Savings Plan, reservation…) that applies to the charge, if any.
    pub commitment: Option<CommitmentDiscount>,
}

/// FOCUS's `CommitmentDiscount*` columns of a charge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommitmentDiscount {
    /// `CommitmentDiscountId`, e.g. a Savings Plan's ARN.
    pub id: String,
    /// `CommitmentDiscountType`, provider-specific, e.g. `Savings Plan`, `Reserved Instance`.
    pub kind: Option<String>,
    /// `CommitmentDiscountStatus`: `Used` or `Unused`.
    pub status: Option<String>,
    /// `CommitmentDiscountCategory`: `Spend` or `Usage`.
    pub category: Option<String>,
}

/// A whole validated file.
#[derive(Debug, Clone)]
pub struct FocusFile {
    pub name: String,
    /// Hex SHA-256 of the file's bytes.
    pub sha256: String,
    pub version: FocusVersion,
    pub charges: Vec<FocusCharge>,
    /// What could not be kept exactly (Parquet money columns stored as floats), for the user.
    pub notes: Vec<String>,
}
