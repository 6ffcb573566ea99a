//! Billing exports read through a query engine (AWS Data Exports through Athena): the daily
//! aggregates a billing period becomes, and what the store remembers about each period read.
//!
//! Only aggregates are stored, never line items: per usage account, day, service, usage type and
//! the resources worth telling apart (Lambda functions, ECS tasks, EC2 instances; every other
//! resource adds up under an empty id), with the billed, effective (amortised) and list cost as
//! exact decimals.

use crate::model::Day;
use rust_decimal::Decimal;
use serde::Serialize;

/// One day of one account's cost of one service, usage type and resource.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExportDay {
    /// The usage account id (12 digits on AWS).
    pub account: String,
    pub day: Day,
    /// The service as the export names it (CUR 2.0: the product code `AWSLambda`; FOCUS: the
    /// service name `AWS Lambda`).
    pub service: String,
    /// e.g. `USE1-Lambda-GB-Second` ('' when the export has none).
    pub usage_type: String,
    /// A Lambda function ARN, an ECS task ARN or an EC2 instance id; '' for everything else.
    pub resource_id: String,
    /// ISO currency of the amounts.
    pub currency: String,
    /// Σ billed (CUR 2.0: unblended) cost.
    #[serde(with = "rust_decimal::serde::str")]
    pub billed: Decimal,
    /// Σ effective (amortised) cost: commitments spread over the usage they cover.
    #[serde(with = "rust_decimal::serde::str")]
    pub effective: Decimal,
    /// Σ list (public on-demand) cost.
    #[serde(with = "rust_decimal::serde::str")]
    pub list: Decimal,
    /// Σ usage amount, in the usage type's unit.
    #[serde(with = "rust_decimal::serde::str")]
    pub usage_amount: Decimal,
    /// Line items summed into this row.
    pub line_items: u64,
}

/// One billing period of one export, read whole: it replaces what was stored for the period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportPeriod {
    /// The export's table, `database.table`.
    pub export: String,
    /// `cur2` or `focus`.
    pub format: String,
    /// `YYYY-MM`.
    pub period: String,
    /// What the catalog said about the period's data when it was read (see
    /// [`StoredPeriod::fingerprint`]).
    pub fingerprint: String,
    pub rows: Vec<ExportDay>,
    /// The query that read it: its id, and the bytes the engine reports it scanned.
    pub query_id: String,
    pub scanned_bytes: u64,
    /// Unix seconds.
    pub fetched_at: i64,
}

/// What the store holds about a period read before.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredPeriod {
    /// The catalog's description of the period's data when it was read (its partition's
    /// location and parameters): a changed one means the export was delivered again.
    pub fingerprint: String,
    /// Unix seconds.
    pub fetched_at: i64,
}
