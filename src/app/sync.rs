//! Syncing an account into the store: the loop shared by every [`Source`] (AWS, demo), with
//! progress reported through [`Progress`] and cancellation through [`Cancel`].
//!
//! Each pulled batch is written in one transaction together with the cursor that says it was
//! fetched, so killing the process at any point loses at most the batch in flight, and the next
//! run fetches exactly what is missing.

use crate::app::error::Result;
use crate::error_code::ErrorCode;
use crate::ingest::athena::{AthenaOptions, AthenaSource};
use crate::ingest::aws::{AwsOptions, AwsSource};
pub use crate::ingest::Cancel;
use crate::ingest::{Source, Step};
use crate::model::records::AccountSource;
use crate::store::sync_runs::{self, RunStatus};
use crate::store::Store;
use serde::Serialize;
use std::collections::BTreeMap;

/// What a long-running use case tells its shell (a progress bar, desktop events).
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum ProgressEvent {
    /// A unit of work finished (or a stage was planned).
    Step(Step),
    /// A line the user should read, e.g. the Cost Explorer requests about to be made.
    Note { message: String },
}

/// Receives progress. Implemented by the CLI's progress bar and the desktop's event emitter.
pub trait Progress {
    fn report(&self, event: ProgressEvent);
}

/// Progress nobody watches.
pub struct Silent;

impl Progress for Silent {
    fn report(&self, _: ProgressEvent) {}
}

/// The outcome of a sync run.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SyncReport {
    pub run_id: i64,
    pub source: AccountSource,
    pub status: RunStatus,
    /// Rows inserted or changed; 0 when nothing new was found.
    pub rows_written: u64,
    /// Requests made per API action (one per call, however often the SDK retried it).
    pub requests: BTreeMap<String, u64>,
    /// HTTP attempts sent per service, retries included.
    pub http_attempts: BTreeMap<String, u64>,
    /// Notes shown during the run, kept for `--json`.
    pub notes: Vec<String>,
}

impl SyncReport {
    /// Requests made to one action (e.g. `ce:GetCostAndUsage`).
    pub fn requests_to(&self, action: &str) -> u64 {
        self.requests.get(action).copied().unwrap_or(0)
    }
}

/// Sync an AWS account (or several profiles and regions) into `store`.
pub fn sync_aws(
    store: &mut Store,
    opts: AwsOptions,
    progress: &dyn Progress,
    cancel: &Cancel,
) -> Result<SyncReport> {
    let mut source = AwsSource::new(opts)?;
    run(store, &mut source, progress, cancel)
}

/// Read a billing export's periods through Athena into `store` (daily aggregates only).
pub fn sync_athena(
    store: &mut Store,
    opts: AthenaOptions,
    progress: &dyn Progress,
    cancel: &Cancel,
) -> Result<SyncReport> {
    let mut source = AthenaSource::new(opts)?;
    run(store, &mut source, progress, cancel)
}

/// Pull every batch of `source` into `store`, recording the run. On error or cancellation the
/// run is recorded as failed or cancelled and the error returned; committed batches stay.
pub fn run(
    store: &mut Store,
    source: &mut dyn Source,
    progress: &dyn Progress,
    cancel: &Cancel,
) -> Result<SyncReport> {
    let run_id = sync_runs::start(store.conn(), source.kind(), &source.scope())?;
    let mut rows_written = 0u64;
    let mut notes = Vec::new();
    let outcome = (|| -> Result<()> {
        while let Some(pulled) = source.pull(&*store, cancel)? {
            if let Some(note) = pulled.note {
                progress.report(ProgressEvent::Note {
                    message: note.clone(),
                });
                notes.push(note);
            }
            if let Some(batch) = &pulled.batch {
                rows_written += store.apply(batch)?;
            }
            progress.report(ProgressEvent::Step(pulled.step));
        }
        Ok(())
    })();
    let requests = source.requests();
    let (status, error) = match &outcome {
        Ok(()) => (RunStatus::Ok, None),
        Err(e) if e.code() == ErrorCode::Cancelled => (RunStatus::Cancelled, Some(e.to_string())),
        Err(e) => (RunStatus::Failed, Some(e.to_string())),
    };
    sync_runs::finish(
        store.conn(),
        run_id,
        status,
        &requests,
        rows_written,
        error.as_deref(),
    )?;
    outcome?;
    Ok(SyncReport {
        run_id,
        source: source.kind(),
        status,
        rows_written,
        requests,
        http_attempts: source.attempts(),
        notes,
    })
}

/// Apply one batch inside a transaction the caller holds: see [`crate::store::sync::apply_in`].
pub use crate::store::sync::apply_in as write_batch;
