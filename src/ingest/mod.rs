//! Data sources. Each turns an account into [`Batch`]es the store applies, one transaction per
//! batch, behind one trait: [`Source`]. `aws` reads a real account through the AWS
//! SDK; `demo` generates the synthetic demo account. `focus` reads billing export files.
//!
//! A source reads what is already stored (cursors, days already fetched) through the read-only
//! [`SyncState`] to decide what is left to fetch, so a run that was interrupted continues where the
//! last committed batch ended. It produces the shared [`crate::model`]'s records and batches and
//! never sees the store's tables.

pub mod athena;
pub mod aws;
pub mod demo;
pub mod error;
pub mod focus;
pub mod trace;

use crate::error_code::ErrorCode;
use crate::model::records::AccountSource;
use crate::model::SyncState;
pub use crate::model::{Batch, SeriesPoints};
use crate::store::StoreError;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// Stable stage of a sync, for progress displays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum SyncStage {
    /// Who the credentials belong to.
    Identity,
    /// The functions of each region.
    Inventory,
    /// CloudWatch metric points.
    Metrics,
    /// Lambda's REPORT records from CloudWatch Logs.
    Logs,
    /// Cost Explorer days.
    Costs,
    /// The demo dataset.
    Demo,
    /// A billing export read through a query engine (Athena).
    Export,
}

text_enum!(SyncStage {
    Identity => "identity",
    Inventory => "inventory",
    Metrics => "metrics",
    Logs => "logs",
    Costs => "costs",
    Demo => "demo",
    Export => "export",
});

/// Where a source is, for progress displays.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Step {
    pub stage: SyncStage,
    /// Human description of the unit just fetched.
    pub label: String,
    /// Units done and known so far in this stage (the total can grow while planning).
    pub done: u64,
    pub total: u64,
}

/// What a source produced: a batch to write (or nothing, for planning steps) and where it is.
#[derive(Debug, Clone)]
pub struct Pulled {
    pub batch: Option<Batch>,
    pub step: Step,
    /// Something the user should see, e.g. the Cost Explorer requests about to be made.
    pub note: Option<String>,
}

/// What a source reads of what is already stored (the store implements it).
pub type StoredState = dyn SyncState<Error = StoreError>;

/// A place account data comes from.
pub trait Source {
    /// The kind of source, recorded (as its word: `aws`, `demo`) with each sync run.
    fn kind(&self) -> AccountSource;
    /// What this run covers, as the user asked (profiles, regions, days), for the run record.
    fn scope(&self) -> String;
    /// The next unit of work given what `state` says is already stored; `None` when done.
    fn pull(&mut self, state: &StoredState, cancel: &Cancel) -> Result<Option<Pulled>, IngestError>;
    /// Requests made so far, per API action (`lambda:ListFunctions` …).
    fn requests(&self) -> BTreeMap<String, u64>;
    /// HTTP attempts sent per service, retries included (empty for sources without a network).
    fn attempts(&self) -> BTreeMap<String, u64> {
        BTreeMap::new()
    }
}

/// A cancellation flag shared between the caller (Ctrl-C, a desktop button) and the work.
#[derive(Debug, Clone, Default)]
pub struct Cancel(Arc<AtomicBool>);

impl Cancel {
    pub fn new() -> Cancel {
        Cancel::default()
    }
    pub fn cancel(&self) {
        self.0.store(true, Ordering::SeqCst);
    }
    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
    /// `Err(Cancelled)` once cancelled: call between requests.
    pub fn check(&self) -> Result<(), IngestError> {
        if self.is_cancelled() {
            Err(IngestError::Cancelled)
        } else {
            Ok(())
        }
    }
}

/// Errors of the data sources. Each has a stable code ([`IngestError::code`]).
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error("AWS rejected the credentials of {profile} on {action} ({code}): check the profile, run `aws sso login` if it uses SSO, or refresh the keys")]
    Credentials {
        profile: String,
        action: String,
        code: String,
    },
    #[error("no AWS credentials found for {profile}: {detail}")]
    NoCredentials { profile: String, detail: String },
    #[error("missing IAM permission: {action} is not allowed for {profile} (add it to the policy, see docs/aws-iam-policy.json): {message}")]
    AccessDenied {
        profile: String,
        action: String,
        message: String,
    },
    #[error("AWS kept throttling {action} after retries: try again later or lower the scope")]
    Throttled { action: String },
    #[error("{action} failed ({code}): {message}")]
    Service {
        action: String,
        code: String,
        message: String,
    },
    #[error("could not reach AWS for {action}: {detail}")]
    Network { action: String, detail: String },
    #[error("AWS answered {action} with something unexpected: {detail}")]
    Unexpected { action: String, detail: String },
    #[error("AWS configuration: {0}")]
    Config(String),
    #[error("{engine} query {query_id} {state}: {reason}")]
    ExportQuery {
        engine: &'static str,
        query_id: String,
        /// `failed` or `was cancelled`.
        state: &'static str,
        reason: String,
    },
    #[error("{table}: {reason}")]
    ExportTable { table: String, reason: String },
    #[error("cancelled")]
    Cancelled,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl IngestError {
    pub fn code(&self) -> ErrorCode {
        match self {
            IngestError::Credentials { .. } => ErrorCode::AwsCredentials,
            IngestError::NoCredentials { .. } => ErrorCode::AwsNoCredentials,
            IngestError::AccessDenied { .. } => ErrorCode::AwsAccessDenied,
            IngestError::Throttled { .. } => ErrorCode::AwsThrottled,
            IngestError::Service { .. } => ErrorCode::AwsService,
            IngestError::Network { .. } => ErrorCode::AwsNetwork,
            IngestError::Unexpected { .. } => ErrorCode::AwsUnexpected,
            IngestError::Config(_) => ErrorCode::AwsConfig,
            IngestError::ExportQuery { .. } => ErrorCode::ExportQuery,
            IngestError::ExportTable { .. } => ErrorCode::ExportTable,
            IngestError::Cancelled => ErrorCode::Cancelled,
            IngestError::Store(e) => e.code(),
        }
    }
}
