//! Syncing an account into the store: the loop shared by every [`Source`] (AWS, demo), with
//! progress reported through [`Progress`] and cancellation through [`Cancel`].
//!
//! Each pulled batch is written in one transaction together with the cursor that says it was
//! fetched, so killing the process at any point loses at most the batch in flight, and the next
//! run fetches exactly what is missing.

use crate::app::error::Result;
use crate::error_code::ErrorCode;
use crate::ingest::aws::{AwsOptions, AwsSource};
pub use crate::ingest::Cancel;
use crate::ingest::{Batch, Source, Step};
use crate::store::sync_runs::{self, RunStatus};
use crate::store::{accounts, costs, functions, metrics, Store, StoreError};
use rusqlite::Transaction;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

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
    pub source: String,
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
        while let Some(pulled) = source.pull(store, cancel)? {
            if let Some(note) = pulled.note {
                progress.report(ProgressEvent::Note {
                    message: note.clone(),
                });
                notes.push(note);
            }
            if let Some(batch) = &pulled.batch {
                rows_written += store.with_tx(|tx| write_batch(tx, batch))?;
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
        source: source.kind().to_string(),
        status,
        rows_written,
        requests,
        http_attempts: source.attempts(),
        notes,
    })
}

/// Write one batch; returns rows inserted or changed.
pub fn write_batch(tx: &Transaction<'_>, batch: &Batch) -> std::result::Result<u64, StoreError> {
    let account_id = |key: &str| -> std::result::Result<i64, StoreError> {
        accounts::id_of(tx, key)?.ok_or_else(|| StoreError::Corrupt {
            column: "accounts.account_key",
            value: key.to_string(),
            reason: "data for an account that was not recorded first".into(),
        })
    };
    let mut rows = 0u64;
    match batch {
        Batch::Account { account, regions } => {
            let before = accounts::id_of(tx, &account.key)?;
            let id = accounts::upsert(tx, account)?;
            rows += u64::from(before.is_none());
            for r in regions {
                rows += accounts::add_region(tx, id, r)? as u64;
            }
        }
        Batch::Functions {
            account,
            region,
            functions: list,
            seen_at,
        } => {
            let id = account_id(account)?;
            rows += functions::upsert_all(tx, id, region, list, *seen_at)? as u64;
        }
        Batch::Metrics {
            account,
            region,
            series,
            cursors,
        } => {
            let id = account_id(account)?;
            let ids = functions::ids(tx, id, region)?;
            let mut series_ids: HashMap<(&str, &str, &str, u32, &str), i64> = HashMap::new();
            let mut writer = metrics::PointWriter::new(tx)?;
            for s in series {
                // Metrics of a function the inventory no longer lists are dropped.
                let Some(&function_id) = ids.get(&s.function) else {
                    continue;
                };
                let key = (
                    s.function.as_str(),
                    s.metric.as_str(),
                    s.stat.as_str(),
                    s.period_s,
                    s.resource.as_str(),
                );
                let sid = match series_ids.get(&key) {
                    Some(&sid) => sid,
                    None => {
                        let sid = metrics::series_id(
                            tx,
                            &metrics::SeriesKey {
                                function_id,
                                metric: s.metric.clone(),
                                stat: s.stat.clone(),
                                period_s: s.period_s,
                                resource: s.resource.clone(),
                            },
                        )?;
                        series_ids.insert(key, sid);
                        sid
                    }
                };
                rows += writer.write(sid, &s.points)? as u64;
            }
            for (key, pos) in cursors {
                sync_runs::set_cursor(tx, id, region, "cloudwatch", key, *pos)?;
            }
        }
        Batch::Costs {
            account,
            rows: list,
            days,
            fetched_at,
        } => {
            let id = account_id(account)?;
            for (day, _) in days {
                let keep: Vec<(&str, &str)> = list
                    .iter()
                    .filter(|r| r.day == *day)
                    .map(|r| (r.service.as_str(), r.usage_type.as_str()))
                    .collect();
                rows += costs::remove_other_rows(tx, id, *day, &keep)? as u64;
            }
            rows += costs::upsert_all(tx, id, list)? as u64;
            for (day, estimated) in days {
                costs::mark_fetched(tx, id, *day, *estimated, *fetched_at)?;
            }
        }
    }
    Ok(rows)
}
