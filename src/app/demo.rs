//! `breakeven demo`: load the synthetic demo account, and check that its bill reconciles with
//! the usage its metrics show.

use crate::analytics::money::usd_values;
use crate::analytics::read::i64s;
use crate::analytics::{cost, frames, AnalyticsError};
use crate::app::analyse;
use crate::app::error::{AppError, Result};
use crate::app::sync::{write_batch, Cancel, Progress, ProgressEvent, SyncReport};
use crate::error_code::ErrorCode;
use crate::ingest::demo::{DemoOptions, DemoSource, ACCOUNT, SOURCE_KIND};
use crate::ingest::Source;
use crate::store::sync_runs::{self, RunStatus};
use crate::store::{accounts, costs, Day, Store};
use breakeven_simulator::pricing::{PriceCatalog, Usd};
use rust_decimal::Decimal;
use serde::Serialize;

/// Replace the demo account in `store` with a freshly generated one.
///
/// Atomic: removing the old account, every batch and the record of the run are one transaction,
/// so a load that fails, is cancelled or is killed leaves the database as it was (the previous
/// demo account, or none), never half an account; readers see the new account only once it is
/// complete. A failed or cancelled load is then recorded on its own. The transaction holds the
/// write lock for the whole load (seconds): another writer waits for it, up to
/// [`crate::store::BUSY_TIMEOUT`].
pub fn load(
    store: &mut Store,
    catalog: &PriceCatalog,
    opts: DemoOptions,
    progress: &dyn Progress,
    cancel: &Cancel,
) -> Result<SyncReport> {
    if opts.days == 0 || opts.days > 454 {
        return Err(AppError::bad_input(
            ErrorCode::BadDays,
            "--days must be between 1 and 454",
        ));
    }
    let mut source = DemoSource::new(opts, catalog.clone());
    let scope = source.scope();
    let mut notes = Vec::new();
    let shared: &Store = store;
    let loaded = shared.with_shared_tx(|tx| -> Result<(i64, u64)> {
        accounts::delete(tx, ACCOUNT)?;
        let run_id = sync_runs::start(tx, SOURCE_KIND, &scope)?;
        let mut rows = 0u64;
        while let Some(pulled) = source.pull(shared, cancel)? {
            if let Some(message) = pulled.note {
                progress.report(ProgressEvent::Note {
                    message: message.clone(),
                });
                notes.push(message);
            }
            if let Some(batch) = &pulled.batch {
                rows += write_batch(tx, batch)?;
            }
            progress.report(ProgressEvent::Step(pulled.step));
        }
        sync_runs::finish(tx, run_id, RunStatus::Ok, &source.requests(), rows, None)?;
        Ok((run_id, rows))
    });
    let (run_id, rows_written) = match loaded {
        Ok(done) => done,
        Err(e) => {
            let status = if e.code() == ErrorCode::Cancelled {
                RunStatus::Cancelled
            } else {
                RunStatus::Failed
            };
            // Best effort: the load's own error is the one to report (the database may be the
            // reason it failed).
            if store.writable().is_ok() {
                if let Ok(id) = sync_runs::start(store.conn(), SOURCE_KIND, &scope) {
                    let _ = sync_runs::finish(
                        store.conn(),
                        id,
                        status,
                        &source.requests(),
                        0,
                        Some(&e.to_string()),
                    );
                }
            }
            return Err(e);
        }
    };
    Ok(SyncReport {
        run_id,
        source: SOURCE_KIND,
        status: RunStatus::Ok,
        rows_written,
        requests: source.requests(),
        http_attempts: source.attempts(),
        notes,
    })
}

/// Load the demo account only when the database holds no account yet, so the desktop app opens
/// on data the first time. Returns `None` when an account exists.
///
/// A demo load by an earlier version that was killed part-way (its run still marked `running`)
/// left half an account behind; when that is all the database holds, it is loaded again. (A load
/// by this version is atomic and leaves no account when it does not finish.)
pub fn load_if_empty(
    store: &mut Store,
    catalog: &PriceCatalog,
    opts: DemoOptions,
    progress: &dyn Progress,
    cancel: &Cancel,
) -> Result<Option<SyncReport>> {
    let stored = accounts::list(store.conn())?;
    let interrupted = stored.iter().all(|a| a.key == ACCOUNT)
        && sync_runs::last_per_source(store.conn())?
            .iter()
            .any(|r| r.source == SOURCE_KIND && r.status == RunStatus::Running);
    if !stored.is_empty() && !interrupted {
        return Ok(None);
    }
    load(store, catalog, opts, progress, cancel).map(Some)
}

/// Usage-derived Lambda cost (metrics × catalog prices) against the billed Lambda cost.
#[derive(Debug, Clone, Serialize)]
pub struct Reconciliation {
    pub account: String,
    pub first_day: Option<Day>,
    pub last_day: Option<Day>,
    /// Priced from stored Invocations and Duration (plus configured provisioned concurrency) and
    /// the INIT of the stored REPORT records.
    pub usage_derived_usd: Usd,
    /// Σ of stored daily costs of AWS Lambda.
    pub billed_usd: Usd,
    /// (billed − usage-derived) / billed, percent, rounded to 0.01.
    pub difference_pct: Decimal,
}

/// Compare what the metrics say the account used with what it was billed, over every day with
/// metrics.
///
/// The usage-derived side is `analytics`' (as `breakeven analyse` computes it): each
/// function-day's invocations and execution time (half a millisecond per request added for the
/// rounding up to the next millisecond, which averages hide), provisioned concurrency and the
/// INIT its REPORT records measured, priced with the catalog. The INIT of functions without log
/// data is billed but in neither, so a small positive difference remains. The billed side is
/// Lambda's on-demand equivalent: usage a Savings Plan covered counts at its on-demand price
/// (the plan's saving is in `analyse`'s commitments).
pub fn reconcile(store: &Store, catalog: &PriceCatalog, account: &str) -> Result<Reconciliation> {
    let c = store.conn();
    let id = accounts::id_of(c, account)?.ok_or_else(|| {
        AppError::bad_input(
            ErrorCode::NoAccount,
            format!("no account `{account}` in the database"),
        )
    })?;
    let (mut first, mut last, mut derived) = (None, None, Usd::ZERO);
    if let Some((lo, hi)) = frames::data_days(c, id)? {
        let configs = analyse::configs(&frames::functions(c, id)?)?;
        let days = analyse::function_days(store, id, lo, hi)?;
        let e = AnalyticsError::from;
        let day = i64s(&days, "day").map_err(e)?;
        first = day.iter().min().map(|d| Day(*d));
        last = day.iter().max().map(|d| Day(*d));
        let priced = cost::price_days(catalog, cost::PLATFORM, &configs, &days)?;
        derived = usd_values(&priced, "total_usd").map_err(e)?.into_iter().sum();
    }
    // Billed Lambda at its on-demand equivalent: the Savings Plans negation (which takes covered
    // usage off the unblended bill) is added back, as `analyse` reconciles it.
    let billed: Usd = match (first, last) {
        (Some(a), Some(b)) => {
            let lambda = crate::ingest::demo::bill::SERVICE;
            let unblended: Usd = costs::rows(c, id, a, b)?
                .iter()
                .filter(|r| r.service == lambda)
                .map(|r| Usd(r.unblended))
                .sum();
            let negation: Usd = costs::records(c, id, a, b)?
                .iter()
                .filter(|r| r.service == lambda && r.record_type == "SavingsPlanNegation")
                .map(|r| Usd(r.unblended))
                .sum();
            unblended - negation
        }
        _ => Usd::ZERO,
    };
    let difference_pct = if billed.is_zero() {
        Decimal::ZERO
    } else {
        ((billed.0 - derived.0) / billed.0 * Decimal::ONE_HUNDRED).round_dp(2)
    };
    Ok(Reconciliation {
        account: account.to_string(),
        first_day: first,
        last_day: last,
        usage_derived_usd: derived,
        billed_usd: billed,
        difference_pct,
    })
}
